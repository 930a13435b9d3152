/* iot-tls-sessions.c — decryption outcome per TLS/DTLS session (see iot-tls-sessions.h). */
#include "iot-tls-sessions.h"

#include <string.h>

struct _IotTlsSessions {
  GPtrArray      *sessions;    /* IotTlsSession *, in order of their first frame */
  GHashTable     *by_key;      /* (dtls << 32 | stream) → IotTlsSession * */
  guint           n_decrypted;
  gboolean        any_note;
};

static void
session_free (gpointer data)
{
  IotTlsSession *s = data;

  g_free (s->client);
  g_free (s->server);
  g_free (s->secret);
  g_free (s->failure);
  g_free (s);
}

IotTlsSessions *
iot_tls_sessions_new (void)
{
  IotTlsSessions *self = g_new0 (IotTlsSessions, 1);

  self->sessions = g_ptr_array_new_with_free_func (session_free);
  self->by_key = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  return self;
}

void
iot_tls_sessions_free (IotTlsSessions *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->sessions);
  g_hash_table_unref (self->by_key);
  g_free (self);
}

void
iot_tls_sessions_add_wanted (IotTlsSessions *self, IotFieldSet *wanted, IotDissectFlags *flags)
{
  *flags |= IOT_DISSECT_TAP (IOT_TAP_CONV) | IOT_DISSECT_TAP (IOT_TAP_TLS_NOTE);
}

static IotTlsSession *
session_for (IotTlsSessions *self, IotPacket *pkt, gboolean dtls, guint32 stream)
{
  gint64 key = (gint64) dtls << 32 | stream;
  IotTlsSession *s = g_hash_table_lookup (self->by_key, &key);
  char addr[128];
  guint16 sport = 0, dport = 0;

  if (s != NULL)
    return s;
  s = g_new0 (IotTlsSession, 1);
  s->dtls = dtls;
  s->stream = stream;
  s->first_frame = iot_packet_frame_number (pkt);
  iot_packet_get_ports (pkt, &sport, &dport);
  iot_packet_format_src (pkt, addr, sizeof addr);
  s->client = g_strdup_printf ("%s:%u", addr, sport);
  iot_packet_format_dst (pkt, addr, sizeof addr);
  s->server = g_strdup_printf ("%s:%u", addr, dport);
  g_ptr_array_add (self->sessions, s);
  g_hash_table_insert (self->by_key, g_memdup2 (&key, sizeof key), s);
  return s;
}

static void
note (IotTlsSessions *self, IotTlsSession *s, char **slot, const char *text, guint32 frame)
{
  if (*slot != NULL)
    return;
  *slot = g_strdup (text != NULL ? text : "");
  if (s->note_frame == 0)
    s->note_frame = frame;
  self->any_note = TRUE;
  if (slot == &s->secret)
    self->n_decrypted++;
}

/* The frame's first TCP (or UDP) stream: the session a TLS (DTLS) layer
 * belongs to.  FALSE: the frame has none. */
static gboolean
first_stream (IotPacket *pkt, IotTapLayer layer, guint32 *stream)
{
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_CONV, &n);

  for (guint i = 0; i < n; i++)
    {
      const IotTapConv *conv = records[i];

      if (conv->layer == layer && conv->stream != IOT_TAP_NO_STREAM)
        {
          *stream = conv->stream;
          return TRUE;
        }
    }
  return FALSE;
}

void
iot_tls_sessions_add_packet (IotTlsSessions *self, IotPacket *pkt)
{
  gboolean tls = FALSE, dtls = FALSE, have_tcp, have_udp;
  guint32 tcp_stream = 0, udp_stream = 0, frame = iot_packet_frame_number (pkt);
  IotTlsSession *s = NULL;
  guint n;
  gconstpointer const *notes = iot_packet_tap_records (pkt, IOT_TAP_TLS_NOTE, &n);

  if (n == 0)
    return;
  have_tcp = first_stream (pkt, IOT_TAP_LAYER_TCP, &tcp_stream);
  have_udp = first_stream (pkt, IOT_TAP_LAYER_UDP, &udp_stream);
  /* A frame's notes go to the session of its first TLS (or DTLS) layer. */
  for (guint i = 0; i < n; i++)
    {
      const IotTapTlsNote *r = notes[i];

      switch (r->kind)
        {
        case IOT_TAP_TLS_NOTE_LAYER:
          if (!r->dtls && !tls && have_tcp)
            s = session_for (self, pkt, FALSE, tcp_stream);
          else if (r->dtls && !dtls && have_udp)
            s = session_for (self, pkt, TRUE, udp_stream);
          tls |= !r->dtls;
          dtls |= r->dtls;
          break;
        case IOT_TAP_TLS_NOTE_SECRET:
          if (s != NULL)
            note (self, s, &s->secret, r->text, frame);
          break;
        case IOT_TAP_TLS_NOTE_FAILURE:
          if (s != NULL)
            note (self, s, &s->failure, r->text, frame);
          break;
        default:
          break;
        }
    }
}

static void
listener_add_wanted (gpointer self, IotFieldSet *wanted, IotDissectFlags *flags)
{
  iot_tls_sessions_add_wanted (self, wanted, flags);
}

static void
listener_frame (gpointer self, IotPacket *pkt)
{
  iot_tls_sessions_add_packet (self, pkt);
}

const IotScanListener iot_tls_sessions_listener = {
  .add_wanted = listener_add_wanted,
  .frame = listener_frame,
};

gboolean
iot_tls_sessions_scan (IotTlsSessions *self, IotEngine *engine, GCancellable *cancellable)
{
  g_autoptr (IotScan) scan = iot_scan_new (engine);

  iot_scan_add_listener (scan, &iot_tls_sessions_listener, self, NULL);
  return iot_scan_run (scan, cancellable, NULL, NULL, NULL);
}

guint
iot_tls_sessions_n (IotTlsSessions *self)
{
  return self->sessions->len;
}

const IotTlsSession *
iot_tls_sessions_get (IotTlsSessions *self, guint index)
{
  return index < self->sessions->len ? g_ptr_array_index (self->sessions, index) : NULL;
}

guint
iot_tls_sessions_n_decrypted (IotTlsSessions *self)
{
  return self->n_decrypted;
}

gboolean
iot_tls_sessions_any_note (IotTlsSessions *self)
{
  return self->any_note;
}
