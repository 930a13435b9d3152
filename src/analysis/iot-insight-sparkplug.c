/* iot-insight-sparkplug.c — Sparkplug B findings: sequence gaps per edge
 * node.  The dissector marks a message whose seq is not the one after the
 * previous message of its edge node (on the same MQTT connection) with
 * the seq it expected (IotTapSparkplug); here those marks become one finding per edge
 * node, with the frames and the count of messages that never arrived.
 */
#include "iot-insight-private.h"

#include <string.h>

typedef struct {
  GArray     *frames;   /* guint32: messages after a gap */
  GHashTable *seen;     /* "expected-seq": a gap already counted (the same
                         * message is seen once per connection: publisher
                         * to broker, broker to each subscriber) */
  guint       missing;  /* messages that never arrived, added up */
} SeqGaps;

struct _InsightSparkplug {
  GHashTable     *gaps;   /* "group/edge" → SeqGaps */
  GPtrArray      *order;  /* edge names, first gap first */
};

static void
gaps_free (gpointer p)
{
  SeqGaps *g = p;

  g_array_unref (g->frames);
  g_hash_table_destroy (g->seen);
  g_free (g);
}

void
insight_sparkplug_init (IotInsight *self)
{
  InsightSparkplug *s = g_new0 (InsightSparkplug, 1);

  s->gaps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, gaps_free);
  s->order = g_ptr_array_new_with_free_func (g_free);
  self->sparkplug = s;
}

void
insight_sparkplug_clear (IotInsight *self)
{
  if (self->sparkplug == NULL)
    return;
  g_hash_table_destroy (self->sparkplug->gaps);
  g_ptr_array_unref (self->sparkplug->order);
  g_clear_pointer (&self->sparkplug, g_free);
}

void
insight_sparkplug_add_taps (IotDissectFlags *flags)
{
  *flags |= IOT_DISSECT_TAP (IOT_TAP_SPARKPLUG);
}

void
insight_sparkplug_packet (IotInsight *self, IotPacket *pkt, guint32 number)
{
  InsightSparkplug *s = self->sparkplug;
  const char *group = NULL, *edge = NULL;
  gboolean has_seq = FALSE, gap = FALSE;
  guint64 seq = 0, expected = 0;
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_SPARKPLUG, &n);

  /* Several messages in one frame: the last of each value, as the tree's
   * fields said it. */
  for (guint i = 0; i < n; i++)
    {
      const IotTapSparkplug *r = records[i];

      if (r->group != NULL)
        group = r->group;
      if (r->edge != NULL)
        edge = r->edge;
      if (r->has_seq)
        {
          has_seq = TRUE;
          seq = r->seq;
        }
      if (r->has_expected)
        {
          gap = TRUE;
          expected = r->expected;
        }
    }
  if (gap && has_seq && group && edge)
    {
      g_autofree char *name = g_strdup_printf ("%s/%s", group, edge);
      SeqGaps *g = g_hash_table_lookup (s->gaps, name);

      if (g == NULL)
        {
          g = g_new0 (SeqGaps, 1);
          g->frames = g_array_new (FALSE, FALSE, sizeof (guint32));
          g->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          g_hash_table_insert (s->gaps, g_strdup (name), g);
          g_ptr_array_add (s->order, g_strdup (name));
        }
      g_array_append_val (g->frames, number);
      if (g_hash_table_add (g->seen, g_strdup_printf ("%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT, expected, seq)))
        g->missing += (guint) ((seq + 256 - expected) % 256);
    }
}

void
insight_finish_sparkplug (IotInsight *self)
{
  InsightSparkplug *s = self->sparkplug;

  for (guint i = 0; i < s->order->len; i++)
    {
      const char *name = g_ptr_array_index (s->order, i);
      const SeqGaps *g = g_hash_table_lookup (s->gaps, name);
      IotInsightItem *item;

      item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "sparkplug-seq-gap", IOT_SEV_WARN, name,
        g_strdup_printf ("Sparkplug edge node %s: %u message%s missing (sequence number gap%s in %u frame%s)",
                         name, g->missing, g->missing == 1 ? "" : "s", g->frames->len == 1 ? "" : "s",
                         g->frames->len, g->frames->len == 1 ? "" : "s"),
        g_strdup ("Every Sparkplug B message of an edge node and its devices (NBIRTH, DBIRTH, NDATA, DDATA, "
                  "DDEATH) carries a sequence number that rises by one, 0 after 255, and restarts at 0 with each "
                  "NBIRTH. A host that sees a number skipped knows a message was lost between the edge node and "
                  "itself, so the values it holds may be stale: the specification has it ask for a rebirth "
                  "(NCMD Node Control/Rebirth). With MQTT over TCP a lost message usually means the edge node "
                  "published at QoS 0 while its connection or the broker dropped it, or the edge node itself "
                  "skipped the number. The frames listed are the messages that came after each gap; compare "
                  "their seq with the one before (sparkplugb.seq, sparkplugb.seq.expected)."));
      insight_item_add_frames (item->frames, g->frames);
    }
}
