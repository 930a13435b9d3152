/* iot-insight-path.c — a path that forgets idle connections. NAT routers,
 * firewalls and mobile carriers drop the state of a TCP connection that
 * stayed silent too long; the next segment then gets a reset or vanishes.
 * Seen from the device: a message after a silence that is answered by an
 * instant RST (and a reconnect that works at once), or retransmitted into
 * the void. Pauses the path survived bound its timeout from below. */
#include <string.h>

#include "iot-insight-private.h"

#define NS_PER_S 1e9

/* A silence shorter than this is no idle period worth a router's timeout. */
#define IDLE_MIN_NS (G_GINT64_CONSTANT (1500000000))
/* A new connection this soon after the failure is the recovery. */
#define RECOVERY_WINDOW_NS (15 * G_GINT64_CONSTANT (1000000000))
/* Retransmissions without any answer before a silent drop counts. */
#define SILENT_MIN_RETRANS 2
/* Segments this long count as "full size" for the MTU black hole. */
#define BIG_SEGMENT 1000
/* Resends of one full-size segment, never acknowledged, before it counts. */
#define BIG_MIN_RESENDS 3


/* PathStream: iot-insight-private.h (the capture point reads its handshake). */

static void
path_stream_free (gpointer data)
{
  PathStream *p = data;

  g_array_unref (p->retrans);
  g_free (p);
}

void
insight_path_init (IotInsight *self)
{
  self->paths = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, path_stream_free);
}

void
insight_path_clear (IotInsight *self)
{
  g_clear_pointer (&self->paths, g_hash_table_unref);
}

static gboolean
from_client (const PathStream *p, const FrameFacts *ff)
{
  return memcmp (&ff->src, &p->client, sizeof p->client) == 0 && ff->sport == p->client_port;
}

static void
settle (PathStream *p, guint fate, guint32 end_frame)
{
  p->fate = fate;
  p->end_frame = end_frame;
  p->fail_frame = p->pending_frame;
  p->fail_ns = p->pending_ns;
  p->fail_idle_ns = p->pending_idle_ns;
  p->pending = FALSE;
}

static void
track_mtu (PathStream *p, const FrameFacts *ff)
{
  if (from_client (p, ff))
    {
      if (ff->tcp_len > 0 && !ff->retrans)
        {
          guint k = p->n_sent++ % G_N_ELEMENTS (p->sent_frame);

          p->sent_frame[k] = ff->number;
          p->sent_seq[k] = ff->seq_raw;
          p->sent_len[k] = ff->tcp_len;
        }
      if (ff->retrans && p->n_resent < G_N_ELEMENTS (p->resent))
        p->resent[p->n_resent++] = ff->number;
      if (!ff->retrans || ff->tcp_len < BIG_SEGMENT)
        return;
      if (p->big_seq_end == 0)
        {
          p->big_seq_end = ff->seq_raw + ff->tcp_len;
          p->big_len = ff->tcp_len;
          /* The segment that first carried these bytes. */
          for (guint k = 0; k < MIN (p->n_sent, (guint) G_N_ELEMENTS (p->sent_frame)); k++)
            if ((gint32) (ff->seq_raw - p->sent_seq[k]) >= 0
                && (gint32) (ff->seq_raw - p->sent_seq[k] - p->sent_len[k]) < 0)
              p->big_original = p->sent_frame[k];
        }
      if (p->big_resends < G_N_ELEMENTS (p->big_frames))
        p->big_frames[p->big_resends] = ff->number;
      p->big_resends++;
      return;
    }
  if (!(ff->tcp_flags & 0x10))
    return;
  if (p->big_seq_end != 0 && (gint32) (ff->ack_raw - p->big_seq_end) >= 0)
    p->big_acked = TRUE;
  /* Anything acknowledged beyond the handshake: small segments get through. */
  else if (p->big_seq_end == 0 && p->synack_ns >= 0 && ff->tcp_len == 0 && ff->number > p->syn_frame + 2)
    p->small_acked = TRUE;
}

void
insight_path_frame (IotInsight *self, const FrameFacts *ff)
{
  gboolean syn = (ff->tcp_flags & 0x02) != 0, ack = (ff->tcp_flags & 0x10) != 0;
  gboolean rst = (ff->tcp_flags & 0x04) != 0;
  PathStream *p;
  gint64 silence;

  /* ICMP "fragmentation needed" (type 3 code 4), ICMPv6 "packet too big"
   * (type 2): the path does report its MTU. */
  if ((ff->icmp_type == 3 && ff->icmp_code == 4) || ff->icmpv6_type == 2)
    self->icmp_too_big++;
  if (ff->l4 != 6 || !ff->has_stream || ff->quoted)
    return;
  p = g_hash_table_lookup (self->paths, GUINT_TO_POINTER (ff->stream + 1));
  if (p == NULL)
    {
      /* Only connections whose start is in the capture: who is the client. */
      if (!syn || ack)
        return;
      p = g_new0 (PathStream, 1);
      p->client = ff->src;
      p->server = ff->dst;
      p->client_port = ff->sport;
      p->server_port = ff->dport;
      p->stream = ff->stream;
      p->syn_frame = ff->number;
      p->syn_ns = p->last_ns = ff->rel_ns;
      p->synack_ns = p->ack_ns = -1;
      p->retrans = g_array_new (FALSE, FALSE, sizeof (guint32));
      g_hash_table_insert (self->paths, GUINT_TO_POINTER (ff->stream + 1), p);
      return;
    }
  /* The handshake's times, for the capture point. */
  if (syn && ack && p->synack_ns < 0)
    p->synack_ns = ff->rel_ns;
  else if (!syn && ack && p->synack_ns >= 0 && p->ack_ns < 0 && from_client (p, ff))
    p->ack_ns = ff->rel_ns;
  track_mtu (p, ff);
  if (p->fate != FATE_NONE)
    return;
  silence = ff->rel_ns - p->last_ns;
  p->last_ns = ff->rel_ns;
  if (from_client (p, ff))
    {
      if (p->pending && ff->retrans)
        g_array_append_val (p->retrans, ff->number);
      else if (!p->pending && ff->tcp_len > 0 && !ff->retrans && silence >= IDLE_MIN_NS)
        {
          p->pending = TRUE;
          p->pending_frame = ff->number;
          p->pending_ns = ff->rel_ns;
          p->pending_idle_ns = silence;
          p->pending_seq_end = ff->seq_raw + ff->tcp_len;
          g_array_set_size (p->retrans, 0);
        }
      return;
    }
  if (!p->pending)
    return;
  if (rst)
    settle (p, FATE_RESET, ff->number);
  else if (ack && (gint32) (ff->ack_raw - p->pending_seq_end) >= 0)
    {
      p->survived_ns = MAX (p->survived_ns, p->pending_idle_ns);
      p->pending = FALSE;
    }
}

/* ---- findings ------------------------------------------------------------------------- */

/* The client's next connection to the same server after @p failed. */
static const PathStream *
recovery_of (IotInsight *self, const PathStream *p)
{
  const PathStream *best = NULL;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->paths);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const PathStream *q = value;

      if (q == p || memcmp (&q->client, &p->client, sizeof q->client) != 0
          || memcmp (&q->server, &p->server, sizeof q->server) != 0 || q->server_port != p->server_port
          || q->syn_ns < p->fail_ns || q->syn_ns - p->fail_ns > RECOVERY_WINDOW_NS)
        continue;
      if (best == NULL || q->syn_ns < best->syn_ns)
        best = q;
    }
  return best;
}

static guint
session_keepalive (IotInsight *self, guint32 stream)
{
  for (guint i = 0; i < self->sessions->len; i++)
    {
      const IotMqttSession *s = &g_array_index (self->sessions, IotMqttSession, i);

      if (s->stream == stream)
        return s->keepalive_s;
    }
  return 0;
}

static gboolean
same_path (const PathStream *a, const PathStream *b)
{
  return memcmp (&a->client, &b->client, sizeof a->client) == 0
         && memcmp (&a->server, &b->server, sizeof a->server) == 0 && a->server_port == b->server_port;
}

/* The frames that are symptoms of failure @p: its connection's start, the
 * message, the reset or retransmissions, the reconnect and the MQTT
 * CONNECTs on both connections. */
static void
add_symptoms (IotInsight *self, const PathStream *p, const PathStream *next, GArray *symptoms)
{
  g_array_append_val (symptoms, p->syn_frame);
  g_array_append_val (symptoms, p->fail_frame);
  g_array_append_val (symptoms, p->end_frame);
  insight_item_add_frames (symptoms, p->retrans);
  if (next != NULL)
    g_array_append_val (symptoms, next->syn_frame);
  for (guint i = 0; i < self->sessions->len; i++)
    {
      const IotMqttSession *s = &g_array_index (self->sessions, IotMqttSession, i);

      if (s->stream == p->stream || (next != NULL && s->stream == next->stream))
        g_array_append_val (symptoms, s->connect_frame);
    }
  insight_item_add_frames (symptoms, NULL);
}

/* One finding for every failure on the path of @streams->pdata[first]. */
static void
report_path (IotInsight *self, GPtrArray *streams, guint first)
{
  const PathStream *p0 = g_ptr_array_index (streams, first);
  g_autofree char *client = insight_address_text (&p0->client);
  g_autofree char *server = insight_endpoint_text (&p0->server, p0->server_port);
  g_autofree char *what = NULL, *survived = NULL, *keepalive = NULL, *count = NULL;
  g_autoptr (GArray) symptoms = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr (GArray) reconnects = g_array_new (FALSE, FALSE, sizeof (guint32));
  const PathStream *shortest = NULL;
  gint64 kept_ns = 0;
  guint failures = 0, resets = 0, recovered = 0, ka = 0, absorbed;
  double idle, kept;
  IotInsightItem *item;

  for (guint i = 0; i < streams->len; i++)
    {
      const PathStream *p = g_ptr_array_index (streams, i);

      if (!same_path (p, p0))
        continue;
      kept_ns = MAX (kept_ns, p->survived_ns);
      if (p->fate == FATE_NONE)
        continue;
      failures++;
      resets += p->fate == FATE_RESET;
      if (shortest == NULL || p->fail_idle_ns < shortest->fail_idle_ns)
        shortest = p;
      ka = MAX (ka, session_keepalive (self, p->stream));
    }
  idle = shortest->fail_idle_ns / NS_PER_S;
  kept = kept_ns / NS_PER_S;
  if (shortest->fate == FATE_RESET)
    what = g_strdup_printf ("the next message (frame %u) was answered at once by a reset (frame %u)",
                            shortest->fail_frame, shortest->end_frame);
  else
    what = g_strdup_printf ("the next message (frame %u) was retransmitted %u times and never acknowledged",
                            shortest->fail_frame, shortest->retrans->len);
  survived = kept > 0 && kept < idle
               ? g_strdup_printf (" Pauses of up to %.1f s went through, so the path forgets a connection after "
                                  "somewhere between %.1f and %.1f s of silence.", kept, kept, idle)
               : g_strdup ("");
  keepalive = ka > idle
                ? g_strdup_printf (" The MQTT keep-alive is %u s, longer than the silence this path survives: "
                                   "set it below %.0f s (or send something that often) so the path never sees the "
                                   "connection idle for that long.", ka, MAX (kept, 1.0))
                : g_strdup ("");
  item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "path-idle-timeout", IOT_SEV_WARN, server, NULL, NULL);
  for (guint i = first; i < streams->len; i++)
    {
      const PathStream *p = g_ptr_array_index (streams, i);
      const PathStream *next;

      if (!same_path (p, p0) || p->fate == FATE_NONE)
        continue;
      next = recovery_of (self, p);
      insight_item_add_frame (item, p->fail_frame);
      insight_item_add_frame (item, p->end_frame);
      insight_item_add_frames (item->frames, p->retrans);
      if (next != NULL)
        {
          g_array_append_val (reconnects, next->syn_frame);
          recovered++;
        }
      add_symptoms (self, p, next, symptoms);
    }
  count = failures > 1 ? g_strdup_printf (" (%u connections lost this way)", failures) : g_strdup ("");
  item->summary = g_strdup_printf ("The path from %s to %s forgets idle connections: after %.1f s of silence %s%s",
                                   client, server, idle, what, count);
  item->explanation = g_strdup_printf (
    "NAT routers, firewalls and mobile networks keep a table of open connections and drop the entries that "
    "stay silent too long. The next packet of such a connection is then unknown to them: %s Neither end closed "
    "anything, which is why the device and the broker both look fine.%s%s",
    resets ? "here it was answered with a reset in the broker's name, and the device had to reconnect and send "
             "the message again."
           : "here it was dropped silently, so the device retransmits and no message gets through until it gives "
             "up and reconnects, which can take minutes.",
    survived, keepalive);
  insight_item_add_frames (item->related, reconnects);
  absorbed = insight_absorb_symptoms (self, item, "mqtt-reset-reconnect", symptoms)
             + insight_absorb_symptoms (self, item, "mqtt-reset", symptoms)
             + insight_absorb_symptoms (self, item, "mqtt-unacknowledged", symptoms)
             + insight_absorb_symptoms (self, item, "tcp-retransmissions", symptoms);
  if (absorbed > 0)
    item->related_label = "The reconnects and the symptoms this explains (resets, unanswered messages)";
  else if (item->related->len > 0)
    item->related_label = "The new connections";
  item->confidence = resets > 0 && recovered > 0 ? "high" : "medium";
  item->confirm = g_strdup ("The idle timeout of the router or firewall between them (NAT/connection tracking "
                            "table); a capture on the broker's side shows the reset or the segments never "
                            "arriving.");
}

static gint
cmp_by_stream (gconstpointer a, gconstpointer b)
{
  guint32 x = (*(PathStream *const *) a)->stream, y = (*(PathStream *const *) b)->stream;

  return x < y ? -1 : x > y;
}

static void
report_mtu (IotInsight *self, const PathStream *p)
{
  g_autofree char *client = insight_address_text (&p->client);
  g_autofree char *server = insight_endpoint_text (&p->server, p->server_port);
  IotInsightItem *item;
  guint shown = MIN (p->big_resends, (guint) G_N_ELEMENTS (p->big_frames));

  item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "path-mtu-blackhole", IOT_SEV_WARN, server,
    g_strdup_printf ("%s's full-size segments (%u bytes) to %s were sent %u more times and never acknowledged, "
                     "while smaller ones got through: a path MTU black hole", client, p->big_len, server,
                     p->big_resends),
    g_strdup_printf ("Somewhere between %s and %s a link carries smaller packets than the two ends use (a VPN, a "
                     "cellular or PPPoE link), and the router there drops the large packets. It should send back "
                     "ICMP \"fragmentation needed\" so the sender shrinks them, but %s, so the sender keeps "
                     "resending a packet that can never pass: small messages work, large ones (firmware, images, "
                     "batches of readings) stall for ever.", client, server,
                     self->icmp_too_big ? "the ones in this capture did not stop the resends"
                                        : "no such message appears in this capture (a firewall filtering all ICMP is "
                                          "the usual reason)"));
  for (guint i = 0; i < shown; i++)
    insight_item_add_frame (item, p->big_frames[i]);
  item->confidence = self->icmp_too_big ? "medium" : "high";
  item->confirm = g_strdup ("ping -M do -s 1472 from the device towards the server fails while -s 1200 works; "
                            "allowing ICMP type 3 code 4 through the firewall, or clamping the TCP MSS on the "
                            "router, fixes it.");
  {
    g_autoptr (GArray) symptoms = g_array_new (FALSE, FALSE, sizeof (guint32));

    g_array_append_vals (symptoms, p->resent, p->n_resent);
    if (p->big_original)
      {
        g_array_append_val (symptoms, p->big_original);
        g_array_append_val (item->related, p->big_original);
        item->related_label = "The message that could not pass";
      }
    insight_item_add_frames (symptoms, NULL);
    if (insight_absorb_symptoms (self, item, "tcp-retransmissions", symptoms)
        + insight_absorb_symptoms (self, item, "mqtt-unacknowledged", symptoms) > 0)
      item->related_label = "The message that could not pass, and the retransmissions and missing "
                            "acknowledgement it explains";
  }
}

void
insight_finish_path (IotInsight *self)
{
  g_autoptr (GPtrArray) streams = insight_values (self->paths);

  g_ptr_array_sort (streams, cmp_by_stream);
  for (guint i = 0; i < streams->len; i++)
    {
      PathStream *p = g_ptr_array_index (streams, i);

      if (p->pending && p->retrans->len >= SILENT_MIN_RETRANS)
        settle (p, FATE_SILENT, g_array_index (p->retrans, guint32, p->retrans->len - 1));
    }
  for (guint i = 0; i < streams->len; i++)
    {
      const PathStream *p = g_ptr_array_index (streams, i);

      if (p->big_resends >= BIG_MIN_RESENDS && !p->big_acked && p->small_acked)
        report_mtu (self, p);
    }
  /* One finding per path, reported at its first failed connection. */
  for (guint i = 0; i < streams->len; i++)
    {
      const PathStream *p = g_ptr_array_index (streams, i);
      gboolean seen = FALSE;

      if (p->fate == FATE_NONE)
        continue;
      for (guint k = 0; k < i && !seen; k++)
        seen = same_path (g_ptr_array_index (streams, k), p)
               && ((const PathStream *) g_ptr_array_index (streams, k))->fate != FATE_NONE;
      if (!seen)
        report_path (self, streams, i);
    }
}
