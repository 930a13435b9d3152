/* iot-insight-compare.c — two captures of the same traffic taken at two
 * points: matches their frames and sums up what each flow lost and how
 * much it was delayed between the points.
 *
 * A frame's keys come from the records of its own traffic (not the copy an
 * ICMP error quotes), no tree: the IP header records (IPv4's id), the
 * TCP and UDP conversation records (which transport), the TCP segment
 * record (raw sequence and acknowledgement numbers, flags) and the
 * payload record (the first segment's or datagram's bytes). */
#include "iot-insight-report-private.h"
#include "iot-analysis-test.h"

#include <math.h>
#include <string.h>

/* ---- two capture points --------------------------------------------------------------------- */

typedef struct {
  guint32 number;
  gint64  ts_ns;
  guint64 strict, loose;    /* match keys */
  char   *flow;             /* normalised 5-tuple text */
  gboolean forward;         /* sent by the flow's first endpoint */
  gint32  peer;             /* matched frame index in the other capture, -1 */
} CmpFrame;

struct _IotCompare {
  GPtrArray *flows;         /* IotCompareFlow */
};

static guint64
fnv (guint64 h, const void *data, gsize len)
{
  const guint8 *p = data;

  for (gsize i = 0; i < len; i++)
    {
      h ^= p[i];
      h *= G_GUINT64_CONSTANT (0x100000001b3);
    }
  return h;
}

static int
cmp_addr_port (const IotAddress *a, guint16 pa, const IotAddress *b, guint16 pb)
{
  int c = memcmp (a, b, sizeof *a);

  return c ? c : (pa < pb ? -1 : pa > pb);
}

/* Collecting the compare keys as a scan listener. */
typedef struct {
  IotFile      *file;
  GArray       *frames;    /* CmpFrame */
} CompareCollect;

static void
compare_add_wanted (gpointer self, IotFieldSet *wanted, IotDissectFlags *flags)
{
  *flags |= IOT_DISSECT_TAP (IOT_TAP_IP) | IOT_DISSECT_TAP (IOT_TAP_CONV) | IOT_DISSECT_TAP (IOT_TAP_TCP)
            | IOT_DISSECT_TAP (IOT_TAP_PAYLOAD);
}

/* What the frame's own IP layers say: whether it has one, and the last
 * IPv4 id read (0: none). */
static gboolean
read_ip (IotPacket *pkt, guint32 *ip_id)
{
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_IP, &n);
  gboolean ip = FALSE;

  for (guint i = 0; i < n; i++)
    {
      const IotTapIp *rec = records[i];

      if (rec->in_error)
        continue;
      ip = TRUE;
      if (rec->has_id)
        *ip_id = rec->id;
    }
  return ip;
}

/* The frame's own transport: the last TCP or UDP layer (6, 17; 0: none). */
static guint8
read_transport (IotPacket *pkt)
{
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_CONV, &n);
  guint8 l4 = 0;

  for (guint i = 0; i < n; i++)
    {
      const IotTapConv *conv = records[i];

      if (conv->layer == IOT_TAP_LAYER_TCP)
        l4 = 6;
      else if (conv->layer == IOT_TAP_LAYER_UDP)
        l4 = 17;
    }
  return l4;
}

static void
compare_frame (gpointer self, IotPacket *pkt)
{
  CompareCollect *c = self;
  guint32 n = iot_packet_frame_number (pkt);
  CmpFrame cf = { n, iot_file_frame (c->file, n)->ts_ns };
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);
  guint32 ip_id = 0, seq = 0, ack = 0, flags = 0;
  const guint8 *payload = NULL;
  guint payload_len = 0;
  guint8 l4;
  const IotAddress *src, *dst;
  guint16 sport, dport;
  g_autofree char *a = NULL, *b = NULL;
  gboolean fwd;

  guint n_records;
  gconstpointer const *records;

  /* The records are the frame's own traffic: a quoted copy must not
   * change the key. */
  if (!read_ip (pkt, &ip_id))
    return;
  l4 = read_transport (pkt);
  records = iot_packet_tap_records (pkt, IOT_TAP_TCP, &n_records);
  if (n_records > 0)
    {
      const IotTapTcp *tcp = records[n_records - 1];

      seq = tcp->seq_raw;
      ack = tcp->ack_raw;
      flags = tcp->flags;
    }
  records = iot_packet_tap_records (pkt, IOT_TAP_PAYLOAD, &n_records);
  if (n_records > 0)
    {
      const IotTapPayload *data = records[0];

      payload = data->data;
      payload_len = data->length;
    }
  src = iot_packet_net_src (pkt);
  dst = iot_packet_net_dst (pkt);
  iot_packet_get_ports (pkt, &sport, &dport);
  /* What no router on the way changes: IP id, TCP sequence/ack numbers
   * and flags, the payload.  Not TTL, checksums, or (with NAT)
   * addresses and ports. */
  h = fnv (h, &l4, 1);
  h = fnv (h, &ip_id, 4);
  h = fnv (h, &seq, 4);
  h = fnv (h, &ack, 4);
  h = fnv (h, &flags, 4);
  h = fnv (h, &payload_len, 4);
  if (payload)
    h = fnv (h, payload, payload_len);
  if (!payload && !l4)
    {
      guint32 caplen = 0;
      const guint8 *data = iot_file_frame_data (c->file, n);

      caplen = iot_file_frame (c->file, n)->caplen;
      /* Other IP protocols (ICMP …): the last bytes of the frame. */
      h = fnv (h, data + caplen - MIN (caplen, 32u), MIN (caplen, 32u));
    }
  cf.loose = h;
  h = fnv (h, src, sizeof *src);
  h = fnv (h, dst, sizeof *dst);
  h = fnv (h, &sport, 2);
  h = fnv (h, &dport, 2);
  cf.strict = h;
  fwd = cmp_addr_port (src, sport, dst, dport) <= 0;
  a = l4 ? insight_endpoint_text (fwd ? src : dst, fwd ? sport : dport) : insight_address_text (fwd ? src : dst);
  b = l4 ? insight_endpoint_text (fwd ? dst : src, fwd ? dport : sport) : insight_address_text (fwd ? dst : src);
  cf.flow = g_strdup_printf ("%s %s ↔ %s", l4 == 6 ? "tcp" : l4 == 17 ? "udp" : "ip", a, b);
  cf.forward = fwd;
  cf.peer = -1;
  g_array_append_val (c->frames, cf);
}

static const IotScanListener compare_listener = {
  .add_wanted = compare_add_wanted,
  .frame = compare_frame,
};

static GArray *
compare_collect (IotEngine *engine)
{
  g_autoptr (IotScan) scan = iot_scan_new (engine);
  CompareCollect c = { .file = iot_engine_file (engine) };

  c.frames = g_array_new (FALSE, FALSE, sizeof (CmpFrame));
  iot_scan_add_listener (scan, &compare_listener, &c, NULL);
  iot_scan_run (scan, NULL, NULL, NULL, NULL);
  return c.frames;
}

static void
cmp_frames_free (GArray *frames)
{
  for (guint i = 0; i < frames->len; i++)
    g_free (g_array_index (frames, CmpFrame, i).flow);
  g_array_unref (frames);
}

/* Pairs frames of @a with frames of @b having the same key, in order. */
static void
match_frames (GArray *a, GArray *b, gboolean loose)
{
  g_autoptr (GHashTable) queues = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                                         (GDestroyNotify) g_queue_free);

  for (guint i = 0; i < b->len; i++)
    {
      CmpFrame *fb = &g_array_index (b, CmpFrame, i);
      guint64 *key = loose ? &fb->loose : &fb->strict;
      GQueue *q;

      if (fb->peer >= 0)
        continue;
      q = g_hash_table_lookup (queues, key);
      if (q == NULL)
        {
          q = g_queue_new ();
          g_hash_table_insert (queues, key, q);
        }
      g_queue_push_tail (q, GUINT_TO_POINTER (i + 1));
    }
  for (guint i = 0; i < a->len; i++)
    {
      CmpFrame *fa = &g_array_index (a, CmpFrame, i);
      GQueue *q;

      if (fa->peer >= 0)
        continue;
      q = g_hash_table_lookup (queues, loose ? &fa->loose : &fa->strict);
      if (q != NULL && !g_queue_is_empty (q))
        {
          guint j = GPOINTER_TO_UINT (g_queue_pop_head (q)) - 1;

          fa->peer = (gint32) j;
          g_array_index (b, CmpFrame, j).peer = (gint32) i;
        }
    }
}

typedef struct {
  IotCompareFlow flow;
  GArray *delays[2];        /* double: A→B, B→A */
  gint64  last_a[2];        /* per direction: highest A index seen at B so far */
} FlowAcc;

static FlowAcc *
flow_acc_get (GHashTable *flows, GPtrArray *order, const char *name)
{
  FlowAcc *acc = g_hash_table_lookup (flows, name);

  if (acc == NULL)
    {
      acc = g_new0 (FlowAcc, 1);
      acc->flow.flow = g_strdup (name);
      acc->flow.only_a_frames = g_array_new (FALSE, FALSE, sizeof (guint32));
      acc->flow.only_b_frames = g_array_new (FALSE, FALSE, sizeof (guint32));
      acc->delays[0] = g_array_new (FALSE, FALSE, sizeof (double));
      acc->delays[1] = g_array_new (FALSE, FALSE, sizeof (double));
      acc->last_a[0] = acc->last_a[1] = -1;
      g_hash_table_insert (flows, acc->flow.flow, acc);
      g_ptr_array_add (order, acc);
    }
  return acc;
}

static void
flow_free (gpointer data)
{
  IotCompareFlow *f = data;

  g_free (f->flow);
  g_array_unref (f->only_a_frames);
  g_array_unref (f->only_b_frames);
  g_free (f);
}

IotCompare *
iot_compare_new (IotEngine *ea, IotEngine *eb, gboolean nat, GError **error)
{
  GArray *a = compare_collect (ea), *b = compare_collect (eb);
  g_autoptr (GHashTable) flows = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) b_to_a = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, NULL);
  g_autoptr (GPtrArray) order = g_ptr_array_new ();
  IotCompare *self = g_new0 (IotCompare, 1);

  if (!nat)
    match_frames (a, b, FALSE);
  match_frames (a, b, TRUE);

  /* A's view names the flows; B's flows (after NAT) map onto them. */
  for (guint i = 0; i < a->len; i++)
    {
      CmpFrame *fa = &g_array_index (a, CmpFrame, i);
      FlowAcc *acc = flow_acc_get (flows, order, fa->flow);

      if (fa->peer < 0)
        {
          acc->flow.only_a++;
          g_array_append_val (acc->flow.only_a_frames, fa->number);
          continue;
        }
      {
        CmpFrame *fb = &g_array_index (b, CmpFrame, fa->peer);
        double d = (fb->ts_ns - fa->ts_ns) / 1e9;

        acc->flow.both++;
        g_hash_table_insert (b_to_a, fb->flow, fa->flow);
        if (d >= 0)
          g_array_append_val (acc->delays[0], d);
        else
          {
            d = -d;
            g_array_append_val (acc->delays[1], d);
          }
      }
    }
  for (guint j = 0; j < b->len; j++)
    {
      CmpFrame *fb = &g_array_index (b, CmpFrame, j);
      const char *name = g_hash_table_lookup (b_to_a, fb->flow);
      FlowAcc *acc = flow_acc_get (flows, order, name ? name : fb->flow);

      if (fb->peer < 0)
        {
          acc->flow.only_b++;
          g_array_append_val (acc->flow.only_b_frames, fb->number);
          continue;
        }
      /* In B's order, a frame whose A position is below one already seen
       * (same direction) overtook it somewhere between the points. */
      {
        CmpFrame *fa = &g_array_index (a, CmpFrame, fb->peer);
        guint dir = fa->forward ? 0 : 1;

        if (fb->peer < acc->last_a[dir])
          acc->flow.reordered++;
        else
          acc->last_a[dir] = fb->peer;
      }
    }
  self->flows = g_ptr_array_new_with_free_func (flow_free);
  for (guint i = 0; i < order->len; i++)
    {
      FlowAcc *acc = g_ptr_array_index (order, i);
      IotCompareFlow *flow = g_new (IotCompareFlow, 1);

      *flow = acc->flow;
      flow->delay_ab = insight_distribution (acc->delays[0]);
      flow->delay_ba = insight_distribution (acc->delays[1]);
      g_array_unref (acc->delays[0]);
      g_array_unref (acc->delays[1]);
      g_free (acc);
      g_ptr_array_add (self->flows, flow);
    }
  cmp_frames_free (a);
  cmp_frames_free (b);
  return self;
}

void
iot_compare_free (IotCompare *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->flows);
  g_free (self);
}

guint
iot_compare_n_flows (IotCompare *self)
{
  return self->flows->len;
}

const IotCompareFlow *
iot_compare_flow (IotCompare *self, guint index)
{
  return index < self->flows->len ? g_ptr_array_index (self->flows, index) : NULL;
}

static void
print_delay (const char *name, IotDistribution d, GString *out)
{
  if (d.count == 0)
    return;
  g_string_append_printf (out, "    one-way delay %s: %u frames, min %.3f ms, median %.3f ms, p95 %.3f ms, "
                          "max %.3f ms\n", name, d.count, d.min * 1000, d.median * 1000, d.p95 * 1000, d.max * 1000);
}

void
iot_compare_print (IotCompare *self, GString *out)
{
  g_string_append (out, "===================================================================\n"
                        "Two capture points: A (first file) and B (second file)\n"
                        "A frame seen at one point only was lost between the points (or captured\n"
                        "before / after the other capture ran); delays assume both clocks agree.\n"
                        "===================================================================\n");
  for (guint i = 0; i < self->flows->len; i++)
    {
      const IotCompareFlow *f = g_ptr_array_index (self->flows, i);

      g_string_append_printf (out, "%s\n    seen at both points: %u, only at A: %u, only at B: %u, reordered: %u\n",
                              f->flow, f->both, f->only_a, f->only_b, f->reordered);
      if (f->only_a)
        {
          g_string_append (out, "    only at A: frames ");
          insight_report_append_frames (f->only_a_frames, 40, out);
          g_string_append_c (out, '\n');
        }
      if (f->only_b)
        {
          g_string_append (out, "    only at B: frames ");
          insight_report_append_frames (f->only_b_frames, 40, out);
          g_string_append_c (out, '\n');
        }
      print_delay ("A → B", f->delay_ab, out);
      print_delay ("B → A", f->delay_ba, out);
    }
  g_string_append (out, "===================================================================\n");
}

void
iot_compare_to_json (IotCompare *self, JsonBuilder *b)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "flows");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->flows->len; i++)
    {
      const IotCompareFlow *f = g_ptr_array_index (self->flows, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "flow");
      json_builder_add_string_value (b, f->flow);
      json_builder_set_member_name (b, "both");
      json_builder_add_int_value (b, f->both);
      json_builder_set_member_name (b, "only_a");
      json_builder_add_int_value (b, f->only_a);
      json_builder_set_member_name (b, "only_b");
      json_builder_add_int_value (b, f->only_b);
      json_builder_set_member_name (b, "reordered");
      json_builder_add_int_value (b, f->reordered);
      insight_report_json_frames (b, "only_a_frames", f->only_a_frames);
      insight_report_json_frames (b, "only_b_frames", f->only_b_frames);
      insight_report_json_distribution (b, "delay_ab_s", f->delay_ab);
      insight_report_json_distribution (b, "delay_ba_s", f->delay_ba);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}
