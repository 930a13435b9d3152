/* iot-tls-sessions.c — decryption outcome per TLS/DTLS session (see iot-tls-sessions.h). */
#include "iot-tls-sessions.h"

#include <string.h>

enum {
  F_TLS, F_DTLS, F_TCP_STREAM, F_UDP_STREAM,
  F_TLS_SECRET, F_TLS_FAILURE, F_DTLS_SECRET, F_DTLS_FAILURE,
  N_FIELDS
};

static const char *const field_names[N_FIELDS] = {
  [F_TLS] = "tls", [F_DTLS] = "dtls", [F_TCP_STREAM] = "tcp.stream", [F_UDP_STREAM] = "udp.stream",
  [F_TLS_SECRET] = "tls.decryption.secret", [F_TLS_FAILURE] = "tls.decryption.failure",
  [F_DTLS_SECRET] = "dtls.decryption.secret", [F_DTLS_FAILURE] = "dtls.decryption.failure",
};

struct _IotTlsSessions {
  const IotField *f[N_FIELDS];
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

  iot_registry_init ();
  for (guint i = 0; i < N_FIELDS; i++)
    self->f[i] = iot_registry_field (field_names[i]);
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
iot_tls_sessions_add_wanted (IotTlsSessions *self, IotFieldSet *wanted)
{
  iot_field_set_add_each (wanted, self->f, N_FIELDS);
}

static int
field_index (IotTlsSessions *self, const IotField *field)
{
  for (guint i = 0; i < N_FIELDS; i++)
    if (self->f[i] == field)
      return (int) i;
  return -1;
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
note (IotTlsSessions *self, IotTlsSession *s, char **slot, const IotNode *node, guint32 frame)
{
  if (*slot != NULL)
    return;
  *slot = g_strndup (node->v.p ? (const char *) node->v.p : "", node->vlen);
  if (s->note_frame == 0)
    s->note_frame = frame;
  self->any_note = TRUE;
  if (slot == &s->secret)
    self->n_decrypted++;
}

void
iot_tls_sessions_add_packet (IotTlsSessions *self, IotPacket *pkt)
{
  gboolean tls = FALSE, dtls = FALSE, have_tcp = FALSE, have_udp = FALSE;
  guint32 tcp_stream = 0, udp_stream = 0, frame = iot_packet_frame_number (pkt);
  IotTlsSession *s = NULL;

  /* The stream comes before the TLS layer and its notes in the tree. */
  for (guint i = 0; i < iot_packet_n_nodes (pkt); i++)
    {
      const IotNode *node = iot_packet_node (pkt, i);
      int idx = node->field ? field_index (self, node->field) : -1;

      switch (idx)
        {
        case F_TCP_STREAM: if (!have_tcp) tcp_stream = (guint32) node->v.u; have_tcp = TRUE; break;
        case F_UDP_STREAM: if (!have_udp) udp_stream = (guint32) node->v.u; have_udp = TRUE; break;
        case F_TLS:
          if (!tls && have_tcp)
            s = session_for (self, pkt, FALSE, tcp_stream);
          tls = TRUE;
          break;
        case F_DTLS:
          if (!dtls && have_udp)
            s = session_for (self, pkt, TRUE, udp_stream);
          dtls = TRUE;
          break;
        case F_TLS_SECRET:
        case F_DTLS_SECRET:
          if (s != NULL)
            note (self, s, &s->secret, node, frame);
          break;
        case F_TLS_FAILURE:
        case F_DTLS_FAILURE:
          if (s != NULL)
            note (self, s, &s->failure, node, frame);
          break;
        default:
          break;
        }
    }
}

static void
listener_add_wanted (gpointer self, IotFieldSet *wanted, IotDissectFlags *flags)
{
  iot_tls_sessions_add_wanted (self, wanted);
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
