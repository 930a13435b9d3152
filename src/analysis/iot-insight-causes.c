/* iot-insight-causes.c — insight rules that name a cause by correlating what
 * the per-message rules see one at a time: where the time between a PUBLISH
 * and its answer went (network or broker), two clients fighting over one
 * client id, reconnect storms, and topics and subscriptions that never meet
 * (with the near miss that explains it). */
#include <math.h>
#include <string.h>

#include "iot-insight-private.h"

#define NS_PER_S 1e9

/* A broker answer counts as slow when it took this long … */
#define SLOW_ANSWER_S 0.2
/* … and the broker's TCP had acknowledged the PUBLISH within this share of
 * that time: the bytes had arrived, the broker sat on them. */
#define NETWORK_SHARE_MAX 0.25

/* Take-overs closer than this to the CONNECT that caused them. */
#define TAKEOVER_WINDOW_NS (2 * G_GINT64_CONSTANT (1000000000))

/* A reconnect storm: at least this many CONNECTs of one client … */
#define STORM_MIN_CONNECTS 5
/* … with a median time between them below this. */
#define STORM_MAX_MEDIAN_S 10.0

static void
explained_gap_clear (gpointer data)
{
  ExplainedGap *gap = data;

  g_free (gap->series);
  g_free (gap->topic);
  g_clear_pointer (&gap->retrans, g_array_unref);
}

void
insight_causes_init (IotInsight *self)
{
  self->ack_timings = g_array_new (FALSE, FALSE, sizeof (AckTiming));
  self->oversize = g_array_new (FALSE, FALSE, sizeof (Oversize));
  self->explained_gaps = g_array_new (FALSE, FALSE, sizeof (ExplainedGap));
  g_array_set_clear_func (self->explained_gaps, explained_gap_clear);
}

void
insight_causes_clear (IotInsight *self)
{
  g_clear_pointer (&self->ack_timings, g_array_unref);
  g_clear_pointer (&self->oversize, g_array_unref);
  g_clear_pointer (&self->explained_gaps, g_array_unref);
  g_clear_pointer (&self->series_by_topic, g_hash_table_unref);
}

/* ---- where the time goes ----------------------------------------------------------- */

/* A client that never gets answers must not grow the list forever. */
/* TCP retransmissions inside a gap that make a burst of losses. */
#define GAP_RETRANS_MIN 2

#define MAX_INFLIGHT 1024

void
insight_track_publish (IotInsight *self, Stream *st, guint32 frame, gint64 rel_ns, gint qos, gint32 msgid,
                       guint32 seq_end, guint size)
{
  InflightPublish p = { msgid, frame, rel_ns, seq_end, size, -1 };

  st->last_publish_frame = frame;
  st->last_publish_ns = rel_ns;
  st->last_publish_size = size;
  st->last_publish_answered = FALSE;
  if (qos <= 0)
    return;
  if (st->inflight->len >= MAX_INFLIGHT)
    g_array_remove_index (st->inflight, 0);
  g_array_append_val (st->inflight, p);
}

void
insight_track_broker_ack (Stream *st, gint64 rel_ns, guint32 ack)
{
  for (guint i = 0; i < st->inflight->len; i++)
    {
      InflightPublish *p = &g_array_index (st->inflight, InflightPublish, i);

      if (p->tcp_ack_ns < 0 && (gint32) (ack - p->seq_end) >= 0)
        p->tcp_ack_ns = rel_ns;
    }
}

void
insight_track_answer (IotInsight *self, Stream *st, guint32 frame, gint64 rel_ns, gint32 msgid)
{
  for (guint i = 0; i < st->inflight->len; i++)
    {
      InflightPublish *p = &g_array_index (st->inflight, InflightPublish, i);
      AckTiming t;

      if (p->msgid != msgid)
        continue;
      t.publish_frame = p->frame;
      t.answer_frame = frame;
      t.publish_ns = p->rel_ns;
      t.network_s = p->tcp_ack_ns >= 0 ? (p->tcp_ack_ns - p->rel_ns) / NS_PER_S : -1;
      t.total_s = (rel_ns - p->rel_ns) / NS_PER_S;
      t.session = st->session;
      t.loss = st->had_loss && st->last_loss_ns >= p->rel_ns;
      self->largest_answered = MAX (self->largest_answered, p->size);
      if (p->frame == st->last_publish_frame)
        st->last_publish_answered = TRUE;
      g_array_append_val (self->ack_timings, t);
      self->acks_sorted = FALSE;
      g_array_remove_index (st->inflight, i);
      return;
    }
}

static gboolean
answer_is_slow (const AckTiming *t)
{
  return !t->loss && t->total_s >= SLOW_ANSWER_S && t->network_s >= 0
         && t->network_s <= NETWORK_SHARE_MAX * t->total_s;
}

static gint
cmp_ack_by_publish (gconstpointer a, gconstpointer b)
{
  guint32 x = ((const AckTiming *) a)->publish_frame, y = ((const AckTiming *) b)->publish_frame;

  return x < y ? -1 : x > y;
}

static const AckTiming *
ack_for_publish (IotInsight *self, guint32 frame, guint *index)
{
  guint lo = 0, hi;

  if (!self->acks_sorted)
    {
      g_array_sort (self->ack_timings, cmp_ack_by_publish);
      self->acks_sorted = TRUE;
    }
  hi = self->ack_timings->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const AckTiming *t = &g_array_index (self->ack_timings, AckTiming, mid);

      if (t->publish_frame == frame)
        {
          *index = mid;
          return t;
        }
      if (t->publish_frame < frame)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}

/* The TCP retransmissions on the connection that carried publication
 * @after of @s, sent between @before and @after. */
static GArray *
retransmissions_in_gap (IotInsight *self, const Series *s, guint32 before, guint32 after)
{
  GArray *found = g_array_new (FALSE, FALSE, sizeof (guint32));
  const Stream *st = NULL;

  for (guint i = 0; i < s->frames->len && st == NULL; i++)
    if (g_array_index (s->frames, guint32, i) == after)
      st = g_hash_table_lookup (self->streams, GUINT_TO_POINTER (g_array_index (s->streams, guint32, i) + 1));
  for (guint i = 0; st != NULL && i < st->retrans->len; i++)
    {
      guint32 frame = g_array_index (st->retrans, guint32, i);

      if (frame > before && frame <= after)
        g_array_append_val (found, frame);
    }
  return found;
}

/* The index of publication @frame in @s, or -1. */
static gint
series_index (const Series *s, guint32 frame)
{
  for (guint i = 0; i < s->frames->len; i++)
    if (g_array_index (s->frames, guint32, i) == frame)
      return (gint) i;
  return -1;
}

/* Readings a device made on time but that were held up on the way come
 * out together once the way is clear: the publication that ends the gap
 * and those right behind it, on the same connection, closer together than
 * this share of the period (a device that only resumes sends one per
 * period). */
#define HELD_UP_SHARE 0.1

/* How many publications of @s, from index @first on, arrived together on
 * the connection of publication @first; the time from the first to the
 * last of them in @span_s and the last in @last. */
static guint
publications_together (const Series *s, guint first, double *span_s, guint32 *last)
{
  gint64 start = g_array_index (s->times, gint64, first);
  guint32 stream = g_array_index (s->streams, guint32, first);
  guint n = 1;

  while (first + n < s->times->len && g_array_index (s->streams, guint32, first + n) == stream
         && (g_array_index (s->times, gint64, first + n) - start) / NS_PER_S < HELD_UP_SHARE * s->period)
    n++;
  *span_s = (g_array_index (s->times, gint64, first + n - 1) - start) / NS_PER_S;
  *last = g_array_index (s->frames, guint32, first + n - 1);
  return n;
}

/* A sender's TCP holds small writes back while a segment of its is
 * unacknowledged (Nagle's algorithm, RFC 896) and sends them in one segment
 * when the ACK comes; a receiver that delays its ACKs (RFC 1122 §4.2.3.2:
 * at most 500 ms, Linux 40-200 ms) makes that wait.  Losses take longer to
 * repair (Linux's shortest retransmission timeout alone is 200 ms). */
#define NAGLE_HOLD_MAX_S 0.5

/* Readings a gap of @seconds leaves out (the one that ends it excluded). */
static guint
gap_readings_missing (const Series *s, double seconds)
{
  return MAX ((guint) floor (seconds / s->period + 0.5) - 1, 1u);
}

static gint
session_of_stream (IotInsight *self, guint32 stream)
{
  for (guint i = 0; i < self->sessions->len; i++)
    if (g_array_index (self->sessions, IotMqttSession, i).stream == stream)
      return (gint) i;
  return -1;
}

/* The publications around a gap went over two connections, and the first
 * one did not end by the device's own DISCONNECT: the connection broke (a
 * reset, a close by the broker or the path, or a device that gave up on a
 * dead one) and the readings of that time had nowhere to go.  A device that
 * says goodbye and comes back later chose its pause. */
static gboolean
connection_broke (IotInsight *self, const Series *s, guint at_before, guint at_after, ExplainedGap *gap)
{
  guint32 from = g_array_index (s->streams, guint32, at_before), to = g_array_index (s->streams, guint32, at_after);
  const IotMqttSession *ended;

  if (from == to)
    return FALSE;
  gap->ended = session_of_stream (self, from);
  gap->resumed = session_of_stream (self, to);
  if (gap->ended < 0 || gap->resumed < 0)
    return FALSE;
  ended = &g_array_index (self->sessions, IotMqttSession, gap->ended);
  return !(ended->end_frame != 0 && g_strcmp0 (ended->end_reason, "DISCONNECT") == 0 && !ended->closed_by_broker);
}

/* What happened just before a gap explains it before the device is
 * blamed.  A device with one message in flight cannot publish while it
 * waits for an answer: when the PUBLISH before a gap waited for most of the
 * gap, the gap is the broker's doing and becomes the evidence of
 * mqtt-broker-slow.  When TCP had to resend on the publisher's connection
 * during the gap, the readings were held up by losses on the path (the
 * later ones queue behind the lost segment), not missed by the device.
 * When no resend is visible but the readings the gap left out arrive
 * together at its end on the same connection, they were held up before
 * the capture point (a capture next to the broker never sees the losses
 * between the device and the router), not missed either. */
gboolean
insight_explain_gap (IotInsight *self, const Series *s, guint32 before, guint32 after, double seconds)
{
  guint index = 0;
  const AckTiming *t = ack_for_publish (self, before, &index);
  ExplainedGap gap = { before, after, index, NULL, NULL, seconds, NULL, GAP_SLOW_ANSWER, 0, 0, 0, -1, -1 };
  gint at_before = series_index (s, before), at_after = series_index (s, after);

  if (t == NULL || !answer_is_slow (t) || t->total_s < seconds - 1.5 * s->period)
    {
      g_autoptr (GArray) retrans = retransmissions_in_gap (self, s, before, after);

      /* A burst, or the very segment that ends the gap. */
      if (retrans->len >= GAP_RETRANS_MIN
          || (retrans->len > 0 && g_array_index (retrans, guint32, retrans->len - 1) == after))
        {
          gap.kind = GAP_LOSSES;
          gap.retrans = g_steal_pointer (&retrans);
        }
      else if (at_before >= 0 && at_after >= 0 && connection_broke (self, s, at_before, at_after, &gap))
        gap.kind = GAP_RECONNECT;
      else if (at_before >= 0 && at_after >= 0
               && g_array_index (s->streams, guint32, at_before) == g_array_index (s->streams, guint32, at_after)
               && (gap.together = publications_together (s, at_after, &gap.together_s, &gap.last_together)) >= 2
               && gap.together >= gap_readings_missing (s, seconds))
        gap.kind = gap.last_together == after && seconds < NAGLE_HOLD_MAX_S ? GAP_COALESCED : GAP_HELD_UP;
      else
        return FALSE;
    }
  gap.series = g_strdup_printf ("%s on %s", s->publisher, s->topic);
  gap.topic = g_strdup (s->topic);
  g_array_append_val (self->explained_gaps, gap);
  return TRUE;
}

/* The gaps of @kind of the series of gap @first: their frames to @item,
 * the retransmissions in them to @resent, the first three into @where;
 * the longest in @longest. */
static guint
gaps_of_series (IotInsight *self, guint first, guint kind, IotInsightItem *item, GArray *resent, GString *where,
                double *longest)
{
  const ExplainedGap *g = &g_array_index (self->explained_gaps, ExplainedGap, first);
  guint n = 0;

  for (guint k = first; k < self->explained_gaps->len; k++)
    {
      const ExplainedGap *o = &g_array_index (self->explained_gaps, ExplainedGap, k);

      if (o->kind != kind || strcmp (o->series, g->series) != 0)
        continue;
      n++;
      *longest = MAX (*longest, o->seconds);
      insight_item_add_frame (item, o->before);
      insight_item_add_frame (item, o->after);
      if (kind == GAP_HELD_UP)
        insight_item_add_frame (item, o->last_together);
      if (resent != NULL)
        insight_item_add_frames (resent, o->retrans);
      if (n > 3)
        continue;
      if (kind == GAP_LOSSES)
        g_string_append_printf (where, "%sframes %u–%u (%.3f s, %u retransmission%s)", n > 1 ? "; " : "",
                                o->before, o->after, o->seconds, o->retrans->len, o->retrans->len == 1 ? "" : "s");
      else if (kind == GAP_HELD_UP)
        g_string_append_printf (where, "%sframes %u–%u (%.3f s), then %u readings within %.1f ms up to frame %u",
                                n > 1 ? "; " : "", o->before, o->after, o->seconds, o->together,
                                o->together_s * 1000, o->last_together);
      else
        g_string_append_printf (where, "%sframes %u–%u (%.3f s, %u readings in frame %u)", n > 1 ? "; " : "",
                                o->before, o->after, o->seconds, o->together, o->after);
    }
  if (n > 3)
    g_string_append (where, " …");
  return n;
}

static void
report_losses_gap (IotInsight *self, guint first)
{
  const ExplainedGap *g = &g_array_index (self->explained_gaps, ExplainedGap, first);
  g_autoptr (GString) where = g_string_new (NULL);
  g_autoptr (GArray) resent = g_array_new (FALSE, FALSE, sizeof (guint32));
  IotInsightItem *item;
  double longest = 0;
  guint n;

  item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "periodic-gap-losses", IOT_SEV_WARN, g->topic, NULL, NULL);
  n = gaps_of_series (self, first, GAP_LOSSES, item, resent, where, &longest);
  item->summary = g_strdup_printf ("%s: %u gap%s in %s's readings (up to %.3f s) come%s with TCP "
                                   "retransmissions on its connection: losses on the path, not the device", g->topic,
                                   n, n == 1 ? "" : "s", g->series, longest, n == 1 ? "s" : "");
  item->explanation = g_strdup_printf ("The publications of %s are regular except where TCP had to resend on "
                                       "the same connection during the pause: %s. A lost segment holds up "
                                       "everything behind it until its copy gets through, so the readings "
                                       "arrive late and together instead of missing; the device kept "
                                       "publishing. Look at the path (radio signal, a congested or lossy "
                                       "link), not at the device.", g->series, where->str);
  insight_item_add_frames (item->related, resent);
  item->related_label = "The TCP retransmissions in the gaps";
  /* The retransmissions are this cause's symptoms, not a finding of their own. */
  insight_absorb_symptoms (self, item, "tcp-retransmissions", resent);
  item->confidence = "medium";
  item->confirm = g_strdup ("A capture at the device shows the PUBLISHes leaving on time; the link's loss "
                            "counters (radio RSSI, interface errors) at that time.");
}

static void
report_held_up_gap (IotInsight *self, guint first)
{
  const ExplainedGap *g = &g_array_index (self->explained_gaps, ExplainedGap, first);
  g_autoptr (GString) where = g_string_new (NULL);
  IotInsightItem *item;
  double longest = 0;
  guint n;

  item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "periodic-gap-held-up", IOT_SEV_WARN, g->topic, NULL, NULL);
  n = gaps_of_series (self, first, GAP_HELD_UP, item, NULL, where, &longest);
  item->summary = g_strdup_printf ("%s: %u gap%s in %s's readings (up to %.3f s) end%s with the readings left "
                                   "out arriving together on the same connection: held up on the way, not missed "
                                   "by the device", g->topic, n, n == 1 ? "" : "s", g->series, longest,
                                   n == 1 ? "s" : "");
  item->explanation = g_strdup_printf ("The publications of %s are regular except for %s. A device that missed "
                                       "readings would resume with one reading per period; here the readings "
                                       "of the pause came in a burst on the connection that carried the one "
                                       "before it, so they had been made on time and waited somewhere on the "
                                       "way. This capture shows no TCP retransmission there: the segments "
                                       "were lost before the capture point and resent from the device's side "
                                       "(a lost segment holds up everything behind it), or the device's "
                                       "network stack held them. Look at the path between the device and this "
                                       "point (radio signal, a congested or lossy link), not at the device's "
                                       "sensor.", g->series, where->str);
  item->confidence = "medium";
  item->confirm = g_strdup ("A capture next to the device shows the PUBLISHes leaving on time and TCP resending "
                            "them; the link's loss counters (radio RSSI, interface errors) at that time.");
}

static void
report_coalesced_gap (IotInsight *self, guint first)
{
  const ExplainedGap *g = &g_array_index (self->explained_gaps, ExplainedGap, first);
  g_autoptr (GString) where = g_string_new (NULL);
  IotInsightItem *item;
  double longest = 0;
  guint n;

  item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "periodic-gap-coalesced", IOT_SEV_NOTE, g->topic, NULL,
                           NULL);
  n = gaps_of_series (self, first, GAP_COALESCED, item, NULL, where, &longest);
  item->summary = g_strdup_printf ("%s: %u short gap%s in %s's readings (up to %.0f ms) end%s with the readings left "
                                   "out in one TCP segment: the device's TCP held them back (Nagle), nothing was "
                                   "missed", g->topic, n, n == 1 ? "" : "s", g->series, longest * 1000,
                                   n == 1 ? "s" : "");
  item->explanation = g_strdup_printf ("The publications of %s are regular except for %s. Every reading of the "
                                       "pause came in the segment that ends it, so the device made them on time "
                                       "and its TCP sent them together: while a segment is unacknowledged, TCP "
                                       "holds small writes back (Nagle's algorithm) until the ACK comes, and a "
                                       "receiver that delays its ACKs (typically 40–200 ms) makes a fast "
                                       "publisher wait that long. Harmless for most dashboards; a device that "
                                       "needs each reading on time can turn Nagle off (TCP_NODELAY, "
                                       "mosquitto_pub --nodelay).", g->series, where->str);
  item->confidence = "medium";
  item->confirm = g_strdup ("The broker's ACK of the segment before the gap just before the burst; the same "
                            "device with TCP_NODELAY set publishes without these pauses.");
}

static gboolean frames_contain (const GArray *frames, guint32 frame);

/* A gap across a broken connection: a symptom of the reset finding of that
 * connection when there is one, else a finding that names the break. */
static void
report_reconnect_gap (IotInsight *self, guint first)
{
  const ExplainedGap *g = &g_array_index (self->explained_gaps, ExplainedGap, first);
  const IotMqttSession *ended = &g_array_index (self->sessions, IotMqttSession, g->ended);
  const IotMqttSession *resumed = &g_array_index (self->sessions, IotMqttSession, g->resumed);
  IotInsightItem *item = NULL;
  char *more;

  for (guint i = 0; i < self->items->len && item == NULL; i++)
    {
      IotInsightItem *o = g_ptr_array_index (self->items, i);

      if ((strcmp (o->id, "mqtt-reset-reconnect") == 0 || strcmp (o->id, "mqtt-reset") == 0)
          && frames_contain (o->frames, ended->connect_frame)
          && (ended->end_frame == 0 || frames_contain (o->frames, ended->end_frame)))
        item = o;
    }
  if (item != NULL)
    {
      g_array_append_val (item->related, g->before);
      g_array_append_val (item->related, g->after);
      insight_item_add_frames (item->related, NULL);
      item->related_label = "QoS 0 messages at risk (sent in the 5 s before the reset) and the readings around "
                            "the pause";
      more = g_strdup_printf ("%s It also explains the pause in %s's readings (frames %u–%u, %.3f s): they "
                              "stopped with the connection and came again on the new one.", item->explanation,
                              g->series, g->before, g->after, g->seconds);
      g_free (item->explanation);
      item->explanation = more;
      return;
    }
  item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "periodic-gap-reconnect", IOT_SEV_WARN, g->topic,
    g_strdup_printf ("%s: %s's readings stopped for %.3f s while its connection was down: the session %s and a "
                     "new one began at frame %u", g->topic, g->series, g->seconds,
                     ended->end_frame == 0 ? "went silent without an end"
                     : g_strcmp0 (ended->end_reason, "RST") == 0 ? "was reset"
                     : ended->closed_by_broker ? "was closed by the broker" : "was closed without DISCONNECT",
                     resumed->connect_frame),
    g_strdup_printf ("The publications of %s are regular up to frame %u, on the connection that began at frame "
                     "%u. That connection then broke%s, and the next reading came at frame %u on a new one "
                     "(CONNECT at frame %u). While it was down the readings had nowhere to go: a device that "
                     "does not keep them for the next connection loses them (QoS 0), and one that does sends "
                     "them late. The break is the cause; why the connection broke (the path, the broker, the "
                     "device's keep-alive) is what to look at, not the sensor.",
                     g->series, g->before, ended->connect_frame,
                     ended->end_frame ? "" : " (no end is in the capture: the device gave up on it)",
                     g->after, resumed->connect_frame));
  insight_item_add_frame (item, g->before);
  if (ended->end_frame)
    insight_item_add_frame (item, ended->end_frame);
  insight_item_add_frame (item, resumed->connect_frame);
  insight_item_add_frame (item, g->after);
  item->confidence = "medium";
  item->confirm = g_strdup ("The device's log of its connection at that time; the broker's log of the client's "
                            "disconnect reason.");
}

/* Gaps that losses on the path explain: one finding per series and kind. */
static void
report_gaps_of_losses (IotInsight *self)
{
  g_autoptr (GHashTable) done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < self->explained_gaps->len; i++)
    {
      const ExplainedGap *g = &g_array_index (self->explained_gaps, ExplainedGap, i);
      char *key;

      if (g->kind == GAP_SLOW_ANSWER)
        continue;
      if (g->kind == GAP_RECONNECT)
        {
          report_reconnect_gap (self, i);
          continue;
        }
      key = g_strdup_printf ("%u %s", g->kind, g->series);
      if (!g_hash_table_add (done, key))
        continue;
      if (g->kind == GAP_LOSSES)
        report_losses_gap (self, i);
      else if (g->kind == GAP_HELD_UP)
        report_held_up_gap (self, i);
      else if (g->kind == GAP_COALESCED)
        report_coalesced_gap (self, i);
    }
}

static const IotMqttSession *
session_at (IotInsight *self, gint index)
{
  return index >= 0 && (guint) index < self->sessions->len
           ? &g_array_index (self->sessions, IotMqttSession, index) : NULL;
}

/* The gaps a slow answer of @broker explained: their frames go to @item's
 * related list, the first three into @text. */
static guint
gaps_of_broker (IotInsight *self, const char *broker, IotInsightItem *item, GString *text)
{
  guint n = 0;

  for (guint i = 0; i < self->explained_gaps->len; i++)
    {
      const ExplainedGap *g = &g_array_index (self->explained_gaps, ExplainedGap, i);
      const IotMqttSession *s = g->kind != GAP_SLOW_ANSWER ? NULL
                                : session_at (self, g_array_index (self->ack_timings, AckTiming, g->ack).session);

      if (s == NULL || g_strcmp0 (s->broker, broker) != 0)
        continue;
      n++;
      if (item != NULL)
        {
          g_array_append_val (item->related, g->before);
          g_array_append_val (item->related, g->after);
        }
      if (text != NULL && n <= 3)
        g_string_append_printf (text, "%s%s between frames %u and %u (%.3f s)", n > 1 ? "; " : "", g->series,
                                g->before, g->after, g->seconds);
    }
  if (text != NULL && n > 3)
    g_string_append (text, " …");
  return n;
}

static void
report_slow_broker (IotInsight *self, const char *broker, GArray *acks)
{
  g_autoptr (GString) gaps = g_string_new (NULL);
  g_autofree char *caused = NULL, *consequence = NULL;
  IotInsightItem *item;
  guint slow = 0, n_gaps = gaps_of_broker (self, broker, NULL, NULL);
  double worst = 0, network_max = 0;

  for (guint i = 0; i < acks->len; i++)
    {
      const AckTiming *t = &g_array_index (self->ack_timings, AckTiming, g_array_index (acks, guint, i));

      if (!answer_is_slow (t))
        continue;
      slow++;
      worst = MAX (worst, t->total_s);
      network_max = MAX (network_max, t->network_s);
    }
  if (slow == 0 || (slow < 2 && n_gaps == 0))
    return;
  item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "mqtt-broker-slow", IOT_SEV_WARN, broker, NULL, NULL);
  for (guint i = 0; i < acks->len; i++)
    {
      const AckTiming *t = &g_array_index (self->ack_timings, AckTiming, g_array_index (acks, guint, i));

      if (!answer_is_slow (t))
        continue;
      insight_item_add_frame (item, t->publish_frame);
      insight_item_add_frame (item, t->answer_frame);
    }
  gaps_of_broker (self, broker, item, gaps);
  insight_item_add_frames (item->related, NULL);
  if (n_gaps > 0)
    {
      item->related_label = "Gaps in periodic readings caused by the waiting";
      caused = g_strdup_printf (", and it caused %u gap%s in periodic readings", n_gaps, n_gaps == 1 ? "" : "s");
      consequence = g_strdup_printf ("A device that keeps one message in flight cannot send while it waits, so "
                                     "the readings that fell due meanwhile were lost: %s. These gaps are not the "
                                     "device's fault.", gaps->str);
    }
  item->summary = g_strdup_printf ("The broker %s was slow to answer %u of %u QoS 1/2 messages (up to %.3f s) while "
                                   "its TCP acknowledged them within %.1f ms: the delay is in the broker, not the "
                                   "network%s", broker, slow, acks->len, worst, network_max * 1000,
                                   caused ? caused : "");
  item->explanation = g_strdup_printf (
    "Where the time went: each of these PUBLISH messages reached the broker's computer quickly (its TCP "
    "acknowledged the bytes within %.1f ms, so the network is fine), but the broker's PUBACK/PUBREC came up to "
    "%.3f s later. The broker itself was busy: a slow disk for persistence, a blocking authorisation or bridge "
    "plugin, or too little CPU. %s",
    network_max * 1000, worst,
    consequence ? consequence : "Devices that wait for each acknowledgement slow down with it.");
  item->confidence = slow >= 3 ? "high" : "medium";
  item->confirm = g_strdup ("The broker's log and load (disk writes, plugin calls) at these times; a capture on the "
                            "broker's host shows the same split between TCP ACK and PUBACK.");
}

static void
find_slow_brokers (IotInsight *self)
{
  g_autoptr (GHashTable) by_broker = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                            (GDestroyNotify) g_array_unref);
  g_autoptr (GPtrArray) brokers = NULL;

  for (guint i = 0; i < self->ack_timings->len; i++)
    {
      const IotMqttSession *s = session_at (self, g_array_index (self->ack_timings, AckTiming, i).session);
      GArray *list;

      if (s == NULL)
        continue;
      list = g_hash_table_lookup (by_broker, s->broker);
      if (list == NULL)
        {
          list = g_array_new (FALSE, FALSE, sizeof (guint));
          g_hash_table_insert (by_broker, s->broker, list);
        }
      g_array_append_val (list, i);
    }
  brokers = insight_sorted_keys (by_broker);
  for (guint i = 0; i < brokers->len; i++)
    report_slow_broker (self, brokers->pdata[i], g_hash_table_lookup (by_broker, brokers->pdata[i]));
}

/* ---- one client id, several clients; reconnect storms ------------------------------ */

/* Whether @next's CONNECT made the broker close @prev (same client id). */
static gboolean
took_over (const IotMqttSession *prev, const IotMqttSession *next)
{
  return prev->end_frame != 0 && prev->closed_by_broker && prev->end_ns >= next->start_ns
         && prev->end_ns - next->start_ns <= TAKEOVER_WINDOW_NS;
}

static void
report_clash (IotInsight *self, const char *client_id, GArray *sessions, guint takeovers)
{
  const IotMqttSession *first = session_at (self, g_array_index (sessions, gint, 0));
  const IotMqttSession *last = session_at (self, g_array_index (sessions, gint, sessions->len - 1));
  double span = (last->start_ns - first->start_ns) / NS_PER_S;
  IotInsightItem *item;

  item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "mqtt-clientid-clash", IOT_SEV_WARN, client_id,
    g_strdup_printf ("Two clients use the client id \"%s\": each new connection made the broker close the other "
                     "(%u take-overs, %u connections in %.1f s)", client_id, takeovers, sessions->len, span),
    g_strdup_printf ("A broker keeps one session per client id. When a second client connects with an id already "
                     "in use, the broker closes the first connection (MQTT 5 says so with DISCONNECT reason 0x8E, "
                     "\"Session taken over\"); when that client reconnects on its own, it throws the other one out "
                     "in turn. Here the session of \"%s\" changed hands %u times. Each client misses what is "
                     "published while it is out, and with a persistent session the two even steal each other's "
                     "queued messages. Give every device its own client id (from its serial number or MAC address).",
                     client_id, takeovers));
  for (guint i = 0; i < sessions->len; i++)
    {
      const IotMqttSession *s = session_at (self, g_array_index (sessions, gint, i));

      insight_item_add_frame (item, s->connect_frame);
      if (s->end_frame != 0 && s->closed_by_broker)
        g_array_append_val (item->related, s->end_frame);
    }
  insight_item_add_frames (item->related, NULL);
  item->related_label = "Connections closed by the broker";
  item->confidence = takeovers >= 3 ? "high" : "medium";
  item->confirm = g_strdup ("The broker log names it (mosquitto: \"Client … already connected, closing old "
                            "connection\"); the connections alternate between two devices' addresses, or between "
                            "two programs on one host.");
}

static const char *
session_end_cause (const IotMqttSession *s)
{
  if (s->connack_code > 0)
    return "refused by the broker";
  if (s->end_frame == 0)
    return "still open";
  if (g_strcmp0 (s->end_reason, "RST") == 0)
    return "reset";
  if (s->closed_by_broker)
    return "closed by the broker";
  return "closed by the client";
}

static void
report_storm (IotInsight *self, const char *client_id, GArray *sessions, double median_s)
{
  g_autoptr (GHashTable) causes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GString) how = g_string_new (NULL);
  g_autoptr (GPtrArray) keys = NULL;
  const IotMqttSession *first = session_at (self, g_array_index (sessions, gint, 0));
  const IotMqttSession *last = session_at (self, g_array_index (sessions, gint, sessions->len - 1));
  IotInsightItem *item;

  for (guint i = 0; i < sessions->len; i++)
    {
      const char *cause = session_end_cause (session_at (self, g_array_index (sessions, gint, i)));

      g_hash_table_insert (causes, (gpointer) cause,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (causes, cause)) + 1));
    }
  keys = insight_sorted_keys (causes);
  for (guint i = 0; i < keys->len; i++)
    g_string_append_printf (how, "%s%u %s", i ? ", " : "",
                            GPOINTER_TO_UINT (g_hash_table_lookup (causes, keys->pdata[i])), (char *) keys->pdata[i]);
  item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "mqtt-reconnect-storm", IOT_SEV_WARN, client_id,
    g_strdup_printf ("%s connected %u times in %.1f s, every %.1f s at the median (sessions: %s)", client_id,
                     sessions->len, (last->start_ns - first->start_ns) / NS_PER_S, median_s, how->str),
    g_strdup_printf ("A device that connects again and again loads the broker, loses what is published between "
                     "its sessions and drains its battery. How its sessions ended points at the cause: %s. Refusals "
                     "mean wrong credentials or a client id the broker rejects; resets and closes by the broker mean "
                     "the broker (or a firewall) drops it, for example for exceeding a limit; closes by the client "
                     "mean the device's own code gives up. A well-behaved client waits longer after each failure "
                     "(exponential back-off).", how->str));
  for (guint i = 0; i < sessions->len; i++)
    insight_item_add_frame (item, session_at (self, g_array_index (sessions, gint, i))->connect_frame);
  item->confidence = "high";
  item->confirm = g_strdup ("The device's log around the reconnects; the broker's log for why it refused or "
                            "closed the sessions.");
}

static double
median_connect_interval (IotInsight *self, GArray *sessions)
{
  g_autoptr (GArray) gaps = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 1; i < sessions->len; i++)
    {
      double v = (session_at (self, g_array_index (sessions, gint, i))->start_ns
                  - session_at (self, g_array_index (sessions, gint, i - 1))->start_ns) / NS_PER_S;

      g_array_append_val (gaps, v);
    }
  return insight_distribution (gaps).median;
}

static void
find_session_fights (IotInsight *self)
{
  g_autoptr (GHashTable) by_id = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                        (GDestroyNotify) g_array_unref);
  g_autoptr (GPtrArray) ids = NULL;

  for (guint i = 0; i < self->sessions->len; i++)
    {
      const IotMqttSession *s = session_at (self, i);
      GArray *list;

      if (*s->client_id == '\0')
        continue;
      list = g_hash_table_lookup (by_id, s->client_id);
      if (list == NULL)
        {
          list = g_array_new (FALSE, FALSE, sizeof (gint));
          g_hash_table_insert (by_id, s->client_id, list);
        }
      g_array_append_val (list, i);
    }
  ids = insight_sorted_keys (by_id);
  for (guint i = 0; i < ids->len; i++)
    {
      GArray *sessions = g_hash_table_lookup (by_id, ids->pdata[i]);
      guint takeovers = 0;
      double median;

      for (guint k = 1; k < sessions->len; k++)
        for (guint j = 0; j < k; j++)
          if (took_over (session_at (self, g_array_index (sessions, gint, j)),
                         session_at (self, g_array_index (sessions, gint, k))))
            {
              takeovers++;
              break;
            }
      /* One take-over can be a device that reconnected before its old
       * connection died; a clash repeats. */
      if (takeovers >= 2)
        {
          report_clash (self, ids->pdata[i], sessions, takeovers);
          continue;
        }
      if (sessions->len < STORM_MIN_CONNECTS)
        continue;
      median = median_connect_interval (self, sessions);
      if (median < STORM_MAX_MEDIAN_S)
        report_storm (self, ids->pdata[i], sessions, median);
    }
}

/* ---- topics that never meet ----------------------------------------------------------- */

static guint
edit_distance (const char *a, const char *b)
{
  guint n = strlen (a), m = strlen (b);
  g_autofree guint *row = NULL;

  if (n > 64 || m > 64)
    return G_MAXUINT;
  row = g_new (guint, m + 1);
  for (guint j = 0; j <= m; j++)
    row[j] = j;
  for (guint i = 1; i <= n; i++)
    {
      guint diag = row[0];

      row[0] = i;
      for (guint j = 1; j <= m; j++)
        {
          guint up = row[j];

          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diag + (a[i - 1] != b[j - 1]));
          diag = up;
        }
    }
  return row[m];
}

/* The filter with level @skip left out. */
static char *
filter_without_level (char **levels, guint skip)
{
  g_autoptr (GString) out = g_string_new (NULL);

  for (guint i = 0; levels[i] != NULL; i++)
    if (i != skip)
      g_string_append_printf (out, "%s%s", out->len ? "/" : "", levels[i]);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Why @topic almost matches @filter, or NULL: the mistakes people make. */
static char *
near_miss (const char *filter, const char *topic)
{
  g_autofree char *lf = g_ascii_strdown (filter, -1), *lt = g_ascii_strdown (topic, -1);
  g_auto (GStrv) fl = g_strsplit (filter, "/", -1);
  g_auto (GStrv) tl = g_strsplit (topic, "/", -1);
  guint nf = g_strv_length (fl), nt = g_strv_length (tl);

  if (insight_topic_matches (lf, lt))
    return g_strdup ("they differ only in upper and lower case, and MQTT topics are case-sensitive");
  if (nf >= 1 && strcmp (fl[nf - 1], "+") == 0 && nt > nf)
    {
      g_autofree char *hash = g_strdup_printf ("%.*s#", (int) strlen (filter) - 1, filter);

      if (insight_topic_matches (hash, topic))
        return g_strdup_printf ("\"+\" matches exactly one level, and the topic has %u levels there: the filter "
                                "\"%s\" would match", nt - nf + 1, hash);
    }
  if (nf == nt)
    {
      gint differ = -1;

      for (guint i = 0; i < nf; i++)
        if (strcmp (fl[i], "+") != 0 && strcmp (fl[i], "#") != 0 && strcmp (fl[i], tl[i]) != 0)
          {
            if (differ >= 0)
              return NULL;
            differ = (gint) i;
          }
      if (differ >= 0 && strlen (fl[differ]) >= 3 && edit_distance (fl[differ], tl[differ]) <= 2)
        return g_strdup_printf ("level %d is \"%s\" in the topic but \"%s\" in the subscription (a typo?)", differ + 1,
                                tl[differ], fl[differ]);
    }
  /* A level missing: try the wildcard levels first, they are what the
   * publisher most likely left out. */
  if (nt + 1 == nf && strstr (filter, "#") == NULL)
    for (guint pass = 0; pass < 2; pass++)
      for (guint i = 0; i < nf; i++)
        {
          g_autofree char *shorter = NULL;

          if ((strcmp (fl[i], "+") == 0) != (pass == 0))
            continue;
          shorter = filter_without_level (fl, i);
          if (insight_topic_matches (shorter, topic))
            return g_strdup_printf ("the topic lacks level %u, where the subscription expects \"%s\"", i + 1,
                                    fl[i]);
        }
  return NULL;
}

/* ---- which subscriptions a topic could meet ------------------------------------------ */

/* Asking near_miss() (which splits and copies both names) about every
 * subscription for every topic nobody received was quadratic: thousands of
 * devices each subscribed to their own command topic made it minutes.  A
 * filter without wildcards meets a topic in few ways only: equal, equal but
 * for case, one level different, one level more than the topic.  Each of
 * those is a key the filter is filed under and the topic asks for, so only
 * the subscriptions under the topic's keys (and the few with wildcards,
 * asked one by one as before) are looked at.  A key only selects
 * candidates; near_miss() and insight_topic_matches() still decide. */

/* What replaces the level a key leaves open. */
#define OPEN_LEVEL '\x01'

/* @name's levels joined by '/' after @kind, level @open replaced by
 * OPEN_LEVEL and level @drop left out (-1: none). */
static const char *
level_key (GString *key, char kind, const char *name, gint open, gint drop)
{
  gboolean first = TRUE;
  const char *p = name;

  g_string_truncate (key, 0);
  g_string_append_c (key, kind);
  for (gint level = 0;; level++)
    {
      const char *end = strchr (p, '/');
      gsize len = end != NULL ? (gsize) (end - p) : strlen (p);

      if (level != drop)
        {
          if (!first)
            g_string_append_c (key, '/');
          first = FALSE;
          if (level == open)
            g_string_append_c (key, OPEN_LEVEL);
          else
            g_string_append_len (key, p, len);
        }
      if (end == NULL)
        break;
      p = end + 1;
    }
  return key->str;
}

/* @name in lower case, after "a". */
static const char *
lower_key (GString *key, const char *name)
{
  g_string_assign (key, "a");
  for (const char *p = name; *p != '\0'; p++)
    g_string_append_c (key, g_ascii_tolower (*p));
  return key->str;
}

static guint
n_levels (const char *name)
{
  guint n = 1;

  for (const char *p = name; *p != '\0'; p++)
    n += *p == '/';
  return n;
}

static void
file_under (GHashTable *table, const char *key, guint k)
{
  GArray *list = g_hash_table_lookup (table, key);

  if (list == NULL)
    {
      list = g_array_new (FALSE, FALSE, sizeof (guint));
      g_hash_table_insert (table, g_strdup (key), list);
    }
  /* A filter may be filed twice under one key ("a/a" without either level). */
  if (list->len == 0 || g_array_index (list, guint, list->len - 1) != k)
    g_array_append_val (list, k);
}

void
insight_sub_index_init (SubIndex *index, IotInsight *self)
{
  index->literal = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
  index->near = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
  index->wild = g_array_new (FALSE, FALSE, sizeof (guint));
  index->key = g_string_new (NULL);
  for (guint k = 0; k < self->subscriptions->len; k++)
    {
      const char *filter = g_array_index (self->subscriptions, Subscription, k).filter;
      guint n;

      if (*filter == '\0' || strpbrk (filter, "+#") != NULL)
        {
          g_array_append_val (index->wild, k);
          continue;
        }
      file_under (index->literal, filter, k);
      file_under (index->near, lower_key (index->key, filter), k);
      n = n_levels (filter);
      for (guint i = 0; i < n; i++)
        {
          file_under (index->near, level_key (index->key, 'c', filter, i, -1), k);
          file_under (index->near, level_key (index->key, 'd', filter, -1, i), k);
        }
    }
}

void
insight_sub_index_clear (SubIndex *index)
{
  g_hash_table_unref (index->literal);
  g_hash_table_unref (index->near);
  g_array_unref (index->wild);
  g_string_free (index->key, TRUE);
}

static void
add_filed (GArray *dest, GHashTable *table, const char *key)
{
  GArray *list = g_hash_table_lookup (table, key);

  if (list != NULL)
    g_array_append_vals (dest, list->data, list->len);
}

static int
cmp_uint (gconstpointer a, gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

/* Ascending, without repeats. */
static void
sort_unique (GArray *list)
{
  guint out = 0;

  g_array_sort (list, cmp_uint);
  for (guint i = 0; i < list->len; i++)
    if (out == 0 || g_array_index (list, guint, i) != g_array_index (list, guint, out - 1))
      g_array_index (list, guint, out++) = g_array_index (list, guint, i);
  g_array_set_size (list, out);
}

/* The subscriptions whose filter may match @topic, ascending. */
void
insight_sub_index_matching (SubIndex *index, const char *topic, GArray *dest)
{
  g_array_set_size (dest, 0);
  add_filed (dest, index->literal, topic);
  g_array_append_vals (dest, index->wild->data, index->wild->len);
  sort_unique (dest);
}

/* The subscriptions near_miss() may find something for, ascending. */
static void
sub_index_near (SubIndex *index, const char *topic, GArray *dest)
{
  guint n = n_levels (topic);

  g_array_set_size (dest, 0);
  add_filed (dest, index->near, lower_key (index->key, topic));
  for (guint i = 0; i < n; i++)
    add_filed (dest, index->near, level_key (index->key, 'c', topic, i, -1));
  add_filed (dest, index->near, level_key (index->key, 'd', topic, -1, -1));
  g_array_append_vals (dest, index->wild->data, index->wild->len);
  sort_unique (dest);
}

/* The series of each topic, indexed once: the findings below ask for a
 * topic's frames once per topic, and walking every series each time made
 * them quadratic in the number of topics. */
static GPtrArray *
topic_series (IotInsight *self, const char *topic)
{
  if (self->series_by_topic == NULL)
    {
      GHashTableIter iter;
      gpointer value;

      self->series_by_topic = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                     (GDestroyNotify) g_ptr_array_unref);
      g_hash_table_iter_init (&iter, self->series);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          Series *s = value;
          GPtrArray *list = g_hash_table_lookup (self->series_by_topic, s->topic);

          if (list == NULL)
            {
              list = g_ptr_array_new ();
              g_hash_table_insert (self->series_by_topic, s->topic, list);
            }
          g_ptr_array_add (list, s);
        }
    }
  return g_hash_table_lookup (self->series_by_topic, topic);
}

/* The PUBLISH frames of @topic from clients (not the broker's deliveries),
 * appended as they are: the caller sorts once when it has them all. */
static void
append_topic_frames (IotInsight *self, const char *topic, GArray *dest)
{
  GPtrArray *list = topic_series (self, topic);

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      const Series *s = g_ptr_array_index (list, i);

      if (s->frames != NULL)
        g_array_append_vals (dest, s->frames->data, s->frames->len);
    }
}

/* The same, and @dest sorted without repeats. */
static void
add_topic_frames (IotInsight *self, const char *topic, GArray *dest)
{
  append_topic_frames (self, topic, dest);
  insight_item_add_frames (dest, NULL);
}

static gboolean
published_anywhere (IotInsight *self, const char *filter)
{
  /* A filter without wildcards matches only the topic of its name. */
  if (*filter != '\0' && strpbrk (filter, "+#") == NULL)
    {
      const Topic *t = g_hash_table_lookup (self->topics, filter);

      return t != NULL && t->stats.published > 0;
    }
  for (guint i = 0; i < self->topic_order->len; i++)
    {
      const Topic *t = g_ptr_array_index (self->topic_order, i);

      if (t->stats.published > 0 && insight_topic_matches (filter, t->stats.topic))
        return TRUE;
    }
  return FALSE;
}

static void
report_near_miss (IotInsight *self, const Topic *t, const Subscription *sub, const char *why)
{
  IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "mqtt-topic-near-miss", IOT_SEV_WARN,
    t->stats.topic,
    g_strdup_printf ("Nobody receives %s: it almost matches the subscription \"%s\" of %s, but %s", t->stats.topic,
                     sub->filter, sub->client, why),
    g_strdup_printf ("Messages published to a topic that no subscription matches are accepted by the broker and "
                     "then dropped without a word, so publisher and subscriber both look healthy while the "
                     "readings go nowhere. The topic \"%s\" and the filter \"%s\" were surely meant for each "
                     "other: %s. Correct the topic in the device or the filter in the subscriber.",
                     t->stats.topic, sub->filter, why));

  add_topic_frames (self, t->stats.topic, item->frames);
  g_array_append_val (item->related, sub->frame);
  item->related_label = "The subscription";
  item->confidence = "high";
  item->confirm = g_strdup ("The device's configuration (topic prefix) and the subscriber's; after the fix the "
                            "broker forwards the PUBLISH to the subscriber.");
}

static char *
join_names (GPtrArray *names)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (out, "%s%s", i ? ", " : "", (const char *) names->pdata[i]);
  return g_string_free (out, FALSE);
}

/* One note for all the topics (or filters) of one kind that met nothing. */
static void
report_lonely (IotInsight *self, const char *id, GPtrArray *names, const GArray *frames, const char *one,
               const char *many, const char *explanation, const char *confirm)
{
  g_autofree char *list = join_names (names);
  IotInsightItem *item;

  if (names->len == 0)
    return;
  item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, id, IOT_SEV_NOTE, list,
                           g_strdup_printf ("%u %s: %s", names->len, names->len == 1 ? one : many, list),
                           g_strdup (explanation));
  insight_item_add_frames (item->frames, frames);
  item->confidence = "low";
  item->confirm = g_strdup (confirm);
}

static void
report_unmatched (IotInsight *self, GPtrArray *topics, GPtrArray *filters, GArray *topic_frames, GArray *sub_frames)
{
  report_lonely (self, "mqtt-no-subscriber", topics, topic_frames,
                 "topic published that no subscription in this capture matches",
                 "topics published that no subscription in this capture matches",
                 "The broker accepts a PUBLISH even when nobody subscribes to its topic and then drops it. That is "
                 "normal for data nobody needs yet, or when the subscribers are not in this capture; if a "
                 "dashboard should show these values, check its topic filters.",
                 "A capture that holds every subscriber's SUBSCRIBE, or the broker's list of subscriptions.");
  report_lonely (self, "mqtt-subscription-unmatched", filters, sub_frames,
                 "subscription that nothing published in this capture matches",
                 "subscriptions that nothing published in this capture matches",
                 "These subscribers wait for topics nobody published while the capture ran. That is normal for "
                 "rare events (alarms, commands); for periodic readings it means the publisher is silent or uses "
                 "another topic.",
                 "A longer capture, or the publishers' configured topics.");
}

static void
find_topic_mismatches (IotInsight *self, SubIndex *index)
{
  g_autoptr (GArray) candidates = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GPtrArray) lonely_topics = g_ptr_array_new ();
  g_autoptr (GPtrArray) lonely_filters = g_ptr_array_new ();
  g_autoptr (GArray) topic_frames = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr (GArray) sub_frames = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autofree gboolean *explained = NULL;

  /* Without a SUBSCRIBE in the capture nothing can be said about matching. */
  if (self->subscriptions->len == 0 || self->topic_order == NULL)
    return;
  explained = g_new0 (gboolean, self->subscriptions->len);
  for (guint i = 0; i < self->topic_order->len; i++)
    {
      const Topic *t = g_ptr_array_index (self->topic_order, i);
      gboolean matched = FALSE, near = FALSE;

      /* An empty name is a PUBLISH by topic alias whose topic is unknown. */
      if (t->stats.published == 0 || t->stats.delivered > 0 || *t->stats.topic == '\0')
        continue;
      insight_sub_index_matching (index, t->stats.topic, candidates);
      for (guint c = 0; c < candidates->len && !matched; c++)
        matched = insight_topic_matches (g_array_index (self->subscriptions, Subscription,
                                                        g_array_index (candidates, guint, c)).filter,
                                         t->stats.topic);
      if (matched)
        continue;
      sub_index_near (index, t->stats.topic, candidates);
      for (guint c = 0; c < candidates->len && !near; c++)
        {
          guint k = g_array_index (candidates, guint, c);
          const Subscription *sub = &g_array_index (self->subscriptions, Subscription, k);
          g_autofree char *why = near_miss (sub->filter, t->stats.topic);

          if (why != NULL)
            {
              report_near_miss (self, t, sub, why);
              explained[k] = near = TRUE;
            }
        }
      if (!near)
        {
          g_ptr_array_add (lonely_topics, t->stats.topic);
          append_topic_frames (self, t->stats.topic, topic_frames);
        }
    }
  for (guint k = 0; k < self->subscriptions->len; k++)
    {
      const Subscription *sub = &g_array_index (self->subscriptions, Subscription, k);

      if (explained[k] || published_anywhere (self, sub->filter))
        continue;
      g_ptr_array_add (lonely_filters, sub->filter);
      g_array_append_val (sub_frames, sub->frame);
    }
  insight_item_add_frames (sub_frames, NULL);
  report_unmatched (self, lonely_topics, lonely_filters, topic_frames, sub_frames);
}

/* ---- messages the broker would not take ------------------------------------------------ */

/* The broker closing the connection this soon after an unanswered PUBLISH
 * is answering that PUBLISH. */
#define CLOSE_AFTER_PUBLISH_NS (G_GINT64_CONSTANT (1000000000))

void
insight_track_session_end (IotInsight *self, Stream *st, guint32 frame, gint64 rel_ns, gboolean by_client)
{
  Oversize o;

  if (by_client || st->last_publish_frame == 0 || st->last_publish_answered
      || rel_ns - st->last_publish_ns > CLOSE_AFTER_PUBLISH_NS)
    return;
  o.publish_frame = st->last_publish_frame;
  o.end_frame = frame;
  o.size = st->last_publish_size;
  o.session = st->session;
  g_array_append_val (self->oversize, o);
}

static gboolean
frames_contain (const GArray *frames, guint32 frame)
{
  for (guint i = 0; i < frames->len; i++)
    if (g_array_index (frames, guint32, i) == frame)
      return TRUE;
  return FALSE;
}

/* Root cause first: a finding of kind @id that only reports a symptom of
 * @root (all its evidence among @symptom_frames) is folded into @root's
 * related frames instead of standing as a finding of its own. */
guint
insight_absorb_symptoms (IotInsight *self, IotInsightItem *root, const char *id, const GArray *symptom_frames)
{
  guint absorbed = 0;

  for (guint i = 0; i < self->items->len;)
    {
      IotInsightItem *item = g_ptr_array_index (self->items, i);
      gboolean inside = item != root && strcmp (item->id, id) == 0 && item->frames->len > 0;

      for (guint k = 0; inside && k < item->frames->len; k++)
        inside = frames_contain (symptom_frames, g_array_index (item->frames, guint32, k));
      if (!inside)
        {
          i++;
          continue;
        }
      insight_item_add_frames (root->related, item->frames);
      g_ptr_array_remove_index (self->items, i);
      absorbed++;
    }
  return absorbed;
}

static void
find_too_large (IotInsight *self)
{
  for (guint i = 0; i < self->oversize->len; i++)
    {
      const Oversize *o = &g_array_index (self->oversize, Oversize, i);
      const IotMqttSession *s = session_at (self, o->session);
      const char *who = s && *s->client_id ? s->client_id : s ? s->client : "?";
      IotInsightItem *item;

      /* Only a message clearly larger than what the broker took is "too
       * large"; a small one refused is another story (ACL, malformed). */
      if (o->size < 1024 || o->size < 2 * self->largest_answered)
        continue;
      item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "mqtt-packet-too-large", IOT_SEV_WARN, who,
        g_strdup_printf ("The broker closed %s's connection (frame %u) right after a PUBLISH with a %u-byte payload "
                         "(frame %u), larger than any message it accepted%s", who, o->end_frame, o->size,
                         o->publish_frame,
                         self->largest_answered ? "" : " (no larger than a few hundred bytes went through)"),
        g_strdup_printf ("Brokers limit the size of a packet (mosquitto: max_packet_size; MQTT 5 announces the limit "
                         "in the CONNACK as Maximum Packet Size) and drop the connection of a client that sends a "
                         "larger one; an MQTT 3.1.1 client is not even told why. The message is lost, and a device "
                         "that sends it again after reconnecting loops for ever. Send large data (logs, images, "
                         "firmware) in chunks, or raise the broker's limit. The largest message the broker "
                         "acknowledged here carried %u bytes.", self->largest_answered));
      insight_item_add_frame (item, o->publish_frame);
      insight_item_add_frame (item, o->end_frame);
      {
        g_autoptr (GArray) symptoms = g_array_new (FALSE, FALSE, sizeof (guint32));
        const IotMqttSession *next = NULL;

        for (gint k = o->session + 1; s != NULL && (guint) k < self->sessions->len && next == NULL; k++)
          if (strcmp (session_at (self, k)->client_id, s->client_id) == 0)
            next = session_at (self, k);
        g_array_append_val (symptoms, o->publish_frame);
        g_array_append_val (symptoms, o->end_frame);
        if (s != NULL)
          g_array_append_val (symptoms, s->connect_frame);
        if (next != NULL)
          g_array_append_val (symptoms, next->connect_frame);
        if (insight_absorb_symptoms (self, item, "mqtt-reset-reconnect", symptoms)
            + insight_absorb_symptoms (self, item, "mqtt-reset", symptoms)
            + insight_absorb_symptoms (self, item, "mqtt-unacknowledged", symptoms) > 0)
          item->related_label = "Its symptoms: the reset, the unanswered PUBLISH, the reconnect";
      }
      item->confidence = self->largest_answered > 0 ? "high" : "medium";
      item->confirm = g_strdup ("The broker's limit in its configuration and its log (mosquitto: \"disconnected "
                                "due to oversize packet\").");
    }
}

/* ---- accepted, never forwarded ------------------------------------------------------------ */

static gboolean
has_name (GPtrArray *names, const char *name)
{
  for (guint i = 0; i < names->len; i++)
    if (strcmp (g_ptr_array_index (names, i), name) == 0)
      return TRUE;
  return FALSE;
}

/* Whether a session of @client was open at @frame and had subscribed before. */
static gboolean
listening_at (IotInsight *self, const Subscription *sub, guint32 frame)
{
  if (frame <= sub->frame)
    return FALSE;
  for (guint i = 0; i < self->sessions->len; i++)
    {
      const IotMqttSession *s = session_at (self, i);

      if ((strcmp (s->client_id, sub->client) == 0 || strcmp (s->client, sub->client) == 0)
          && s->connect_frame < sub->frame && (s->end_frame == 0 || s->end_frame > frame))
        return TRUE;
    }
  return FALSE;
}

static void
report_not_forwarded (IotInsight *self, const Topic *t, const Subscription *sub, GArray *missed)
{
  IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "mqtt-not-forwarded", IOT_SEV_WARN,
    t->stats.topic,
    g_strdup_printf ("The broker accepted %u message%s on %s but never forwarded %s to %s, whose subscription "
                     "\"%s\" matches", missed->len, missed->len == 1 ? "" : "s", t->stats.topic,
                     missed->len == 1 ? "it" : "them", sub->client, sub->filter),
    g_strdup_printf ("Both sides of the broker are in this capture: the publisher's message came in (and was "
                     "acknowledged when sent with QoS 1 or 2), and %s was connected with a matching subscription "
                     "(frame %u), yet nothing on %s reached it. The broker decided not to deliver: most often an "
                     "access control list that lets the subscriber subscribe but not read this topic, or a bridge "
                     "or rule that drops it. Publisher and subscriber both look healthy, which makes this hard to "
                     "find from either end.", sub->client, sub->frame, t->stats.topic));
  insight_item_add_frames (item->frames, missed);
  g_array_append_val (item->related, sub->frame);
  item->related_label = "The subscription";
  item->confidence = "high";
  item->confirm = g_strdup ("The broker's access control list for the subscriber (mosquitto: acl_file, \"topic read "
                            "…\") and its bridge configuration.");
}

static void
find_not_forwarded (IotInsight *self, SubIndex *index)
{
  g_autoptr (GArray) candidates = g_array_new (FALSE, FALSE, sizeof (guint));

  if (self->topic_order == NULL)
    return;
  for (guint i = 0; i < self->topic_order->len; i++)
    {
      const Topic *t = g_ptr_array_index (self->topic_order, i);
      g_autoptr (GArray) publishes = NULL;

      if (t->stats.published == 0 || *t->stats.topic == '\0')
        continue;
      insight_sub_index_matching (index, t->stats.topic, candidates);
      for (guint c = 0; c < candidates->len; c++)
        {
          const Subscription *sub = &g_array_index (self->subscriptions, Subscription,
                                                    g_array_index (candidates, guint, c));
          g_autoptr (GArray) missed = NULL;

          if (!insight_topic_matches (sub->filter, t->stats.topic) || has_name (t->recipients, sub->client))
            continue;
          /* Only a subscriber that got nothing needs the topic's frames. */
          if (publishes == NULL)
            {
              publishes = g_array_new (FALSE, FALSE, sizeof (guint32));
              add_topic_frames (self, t->stats.topic, publishes);
            }
          missed = g_array_new (FALSE, FALSE, sizeof (guint32));
          for (guint j = 0; j < publishes->len; j++)
            if (listening_at (self, sub, g_array_index (publishes, guint32, j)))
              g_array_append_val (missed, g_array_index (publishes, guint32, j));
          /* Several filters of one client may match: report the client once. */
          if (missed->len > 0 && !iot_insight_find (self, "mqtt-not-forwarded", t->stats.topic))
            report_not_forwarded (self, t, sub, missed);
        }
    }
}

void
insight_finish_causes (IotInsight *self)
{
  SubIndex index;

  find_slow_brokers (self);
  find_session_fights (self);
  insight_sub_index_init (&index, self);
  find_topic_mismatches (self, &index);
  find_not_forwarded (self, &index);
  insight_sub_index_clear (&index);
  find_too_large (self);
  report_gaps_of_losses (self);
}
