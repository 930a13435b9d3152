/* test-tap.c — typed tap records (src/dissect/iot-tap.h).
 *
 * A dissection that asks only for taps is state-only: it makes no tree
 * node, yet the layers publish their records, and those carry the values
 * the full tree shows (ip.src, tcp.srcport, tcp.stream …).  A scan
 * listener that asks for a tap in add_wanted receives the records in
 * frame(), and so does a first pass run with the tap flags. */
#include "iot-core-private.h"
#include "iot-engine.h"
#include "iot-packet.h"
#include "iot-scan.h"

#include <string.h>

#define CAPTURES "tests/captures"

static const char *const captures[] = {
  "mqtt311.pcap", "coap.pcap", "tcp-loss-device.pcap", "dns.pcap", "truncated-snaplen.pcap", "icmp.pcap",
  "http.pcap", "tls12.pcap", "tls13.pcap", "mqtt5.pcap",
};

/* The value of the first top-level layer @proto's child @abbrev in a
 * full tree; FALSE when the frame has none. */
static gboolean
tree_value (IotPacket *pkt, const char *proto, const char *abbrev, const IotNode **out)
{
  gint32 layer = -1;

  for (guint i = 0; i < iot_packet_n_nodes (pkt); i++)
    {
      const IotNode *node = iot_packet_node (pkt, i);

      if (node->field == NULL)
        continue;
      if (node->parent < 0 && node->field->type == IOT_FT_PROTOCOL)
        {
          if (layer >= 0)
            return FALSE;
          if (strcmp (node->field->abbrev, proto) == 0)
            layer = (gint32) i;
          continue;
        }
      if (layer >= 0 && node->parent == layer && strcmp (node->field->abbrev, abbrev) == 0)
        {
          *out = node;
          return TRUE;
        }
    }
  return FALSE;
}

/* The first node of field @abbrev anywhere in a full tree. */
static const IotNode *
first_node (IotPacket *pkt, const char *abbrev)
{
  for (guint i = 0; i < iot_packet_n_nodes (pkt); i++)
    {
      const IotNode *node = iot_packet_node (pkt, i);

      if (node->field != NULL && strcmp (node->field->abbrev, abbrev) == 0)
        return node;
    }
  return NULL;
}

/* The first record of @tap, or NULL. */
static gconstpointer
first_record (IotPacket *pkt, IotTapId tap)
{
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, tap, &n);

  return n > 0 ? records[0] : NULL;
}

/* The application records agree with the tree's first message. */
static guint
check_application_records (IotPacket *taps, IotPacket *full)
{
  const IotNode *node;
  const IotTapMqtt *mqtt = first_record (taps, IOT_TAP_MQTT);
  const IotTapCoap *coap = first_record (taps, IOT_TAP_COAP);
  const IotTapTls *tls = first_record (taps, IOT_TAP_TLS);
  guint checked = 0;

  if ((node = first_node (full, "mqtt.msgtype")) != NULL)
    {
      g_assert_nonnull (mqtt);
      g_assert_cmpuint (mqtt->type, ==, node->v.u);
      if ((node = first_node (full, "mqtt.topic")) != NULL && mqtt->type == 3)
        g_assert_cmpstr (mqtt->topic, ==, (const char *) node->v.p);
      if ((node = first_node (full, "mqtt.qos")) != NULL)
        g_assert_cmpint (mqtt->qos, ==, (gint) node->v.u);
      checked++;
    }
  if ((node = first_node (full, "coap.mid")) != NULL)
    {
      g_assert_nonnull (coap);
      g_assert_cmpuint (coap->mid, ==, node->v.u);
      g_assert_true ((node = first_node (full, "coap.code")) != NULL);
      g_assert_cmpuint (coap->code, ==, node->v.u);
      if ((node = first_node (full, "coap.response_to")) != NULL)
        g_assert_cmpuint (coap->request_frame, ==, node->v.u);
      checked++;
    }
  if ((node = first_node (full, "tls.handshake.type")) != NULL)
    {
      g_assert_nonnull (tls);
      g_assert_cmpuint (tls->handshake_type, ==, node->v.u);
      if ((node = first_node (full, "tls.handshake.extensions_server_name")) != NULL)
        g_assert_cmpstr (tls->sni, ==, (const char *) node->v.p);
      checked++;
    }
  return checked;
}

static const IotTapConv *
find_conv (IotPacket *pkt, IotTapLayer layer)
{
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_CONV, &n);

  for (guint i = 0; i < n; i++)
    if (((const IotTapConv *) records[i])->layer == layer)
      return records[i];
  return NULL;
}

/* Each capture, frame by frame: a tap-only dissection makes no node, and
 * its IPv4, TCP, UDP, MQTT, CoAP and TLS records hold what the tree shows. */
static void
test_records_match_tree (void)
{
  g_autoptr (IotPacket) taps = iot_packet_new ();
  g_autoptr (IotPacket) full = iot_packet_new ();
  IotDissectOptions tap_only = { .flags = IOT_DISSECT_TAPS };
  IotDissectOptions tree = { .flags = IOT_DISSECT_TREE };
  guint checked_ip = 0, checked_tcp = 0, checked_udp = 0, checked_app = 0;

  for (guint c = 0; c < G_N_ELEMENTS (captures); c++)
    {
      g_autofree char *path = g_build_filename (CAPTURES, captures[c], NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (IotFile) file = iot_file_open (path, &error);
      g_autoptr (IotEngine) engine = NULL;

      g_assert_no_error (error);
      engine = iot_engine_new (file);
      g_assert_true (iot_engine_first_pass (engine, NULL));
      for (guint32 number = 1; number <= iot_file_n_frames (file); number++)
        {
          guint64 made = taps->nodes_made;
          const IotTapConv *ip, *tcp, *udp;
          const IotNode *node;

          iot_engine_dissect (engine, taps, number, &tap_only);
          g_assert_true (iot_packet_state_only (taps));
          g_assert_cmpuint (iot_packet_n_nodes (taps), ==, 0);
          g_assert_cmpuint (taps->nodes_made, ==, made);
          iot_engine_dissect (engine, full, number, &tree);
          checked_app += check_application_records (taps, full);
          ip = find_conv (taps, IOT_TAP_LAYER_IPV4);
          tcp = find_conv (taps, IOT_TAP_LAYER_TCP);
          udp = find_conv (taps, IOT_TAP_LAYER_UDP);
          if (tree_value (full, "ip", "ip.src", &node))
            {
              g_assert_nonnull (ip);
              g_assert_cmpint (ip->src.family, ==, 4);
              g_assert_cmpmem (ip->src.bytes, 4, node->v.p, 4);
              g_assert_true (tree_value (full, "ip", "ip.dst", &node));
              g_assert_cmpmem (ip->dst.bytes, 4, node->v.p, 4);
              checked_ip++;
            }
          if (tree_value (full, "tcp", "tcp.stream", &node) && ip != NULL)
            {
              g_assert_nonnull (tcp);
              g_assert_cmpuint (tcp->stream, ==, node->v.u);
              g_assert_true (tree_value (full, "tcp", "tcp.srcport", &node));
              g_assert_cmpuint (tcp->sport, ==, node->v.u);
              g_assert_true (tree_value (full, "tcp", "tcp.dstport", &node));
              g_assert_cmpuint (tcp->dport, ==, node->v.u);
              /* A transport's addresses are its network layer's. */
              g_assert_cmpmem (tcp->src.bytes, 16, ip->src.bytes, 16);
              checked_tcp++;
            }
          if (tree_value (full, "udp", "udp.stream", &node) && ip != NULL)
            {
              g_assert_nonnull (udp);
              g_assert_cmpuint (udp->stream, ==, node->v.u);
              g_assert_true (tree_value (full, "udp", "udp.dstport", &node));
              g_assert_cmpuint (udp->dport, ==, node->v.u);
              checked_udp++;
            }
        }
    }
  g_assert_cmpuint (checked_ip, >, 100);
  g_assert_cmpuint (checked_tcp, >, 50);
  g_assert_cmpuint (checked_udp, >, 10);
  g_assert_cmpuint (checked_app, >, 50);
}

/* Each capture, frame by frame: a dissection that asks only for expert
 * records makes no node, and its records are the tree's expert items, in
 * the tree's order, with their severity, group and message. */
static void
test_expert_records_match_tree (void)
{
  g_autoptr (IotPacket) taps = iot_packet_new ();
  g_autoptr (IotPacket) full = iot_packet_new ();
  IotDissectOptions expert_only = { .flags = IOT_DISSECT_TAP (IOT_TAP_EXPERT) };
  IotDissectOptions tree = { .flags = IOT_DISSECT_TREE };
  guint checked = 0;

  for (guint c = 0; c < G_N_ELEMENTS (captures); c++)
    {
      g_autofree char *path = g_build_filename (CAPTURES, captures[c], NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (IotFile) file = iot_file_open (path, &error);
      g_autoptr (IotEngine) engine = NULL;

      g_assert_no_error (error);
      engine = iot_engine_new (file);
      g_assert_true (iot_engine_first_pass (engine, NULL));
      for (guint32 number = 1; number <= iot_file_n_frames (file); number++)
        {
          guint n, k = 0;
          gconstpointer const *records;

          iot_engine_dissect (engine, taps, number, &expert_only);
          g_assert_cmpuint (iot_packet_n_nodes (taps), ==, 0);
          records = iot_packet_tap_records (taps, IOT_TAP_EXPERT, &n);
          iot_engine_dissect (engine, full, number, &tree);
          for (guint i = 0; i < iot_packet_n_nodes (full); i++)
            {
              const IotNode *node = iot_packet_node (full, i);
              const IotTapExpert *item;

              if (!(node->flags & IOT_NODE_EXPERT))
                continue;
              g_assert_cmpuint (k, <, n);
              item = records[k++];
              g_assert_cmpuint (item->severity, ==, node->severity);
              g_assert_cmpuint (item->group, ==, node->group);
              g_assert_nonnull (item->message);
              g_assert_cmpmem (item->message, strlen (item->message), node->v.p, node->vlen);
              checked++;
            }
          g_assert_cmpuint (k, ==, n);
        }
    }
  g_assert_cmpuint (checked, >, 50);
}

/* Records are made only for the taps someone asked for. */
static void
test_nothing_wanted_nothing_queued (void)
{
  g_autoptr (IotFile) file = iot_file_open (CAPTURES "/mqtt311.pcap", NULL);
  g_autoptr (IotEngine) engine = iot_engine_new (file);
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  IotDissectOptions conv_only = { .flags = IOT_DISSECT_TAP (IOT_TAP_CONV) };
  guint n;

  iot_engine_first_pass (engine, NULL);
  iot_engine_dissect (engine, pkt, 1, &conv_only);
  g_assert_nonnull (find_conv (pkt, IOT_TAP_LAYER_TCP));
  /* Taps nobody asked for are not built. */
  iot_packet_tap_records (pkt, IOT_TAP_EXPERT, &n);
  g_assert_cmpuint (n, ==, 0);
  iot_engine_dissect (engine, pkt, 1, NULL);
  iot_packet_tap_records (pkt, IOT_TAP_CONV, &n);
  g_assert_cmpuint (n, ==, 0);
}

typedef struct {
  guint frames, tcp_records, eth_records;
  guint32 max_stream;
} Counter;

static void
counter_add_wanted (gpointer self, IotFieldSet *wanted, IotDissectFlags *flags)
{
  *flags |= IOT_DISSECT_TAP (IOT_TAP_CONV);
}

static void
counter_frame (gpointer self, IotPacket *pkt)
{
  Counter *c = self;
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_CONV, &n);

  c->frames++;
  g_assert_cmpuint (iot_packet_n_nodes (pkt), ==, 0);
  for (guint i = 0; i < n; i++)
    {
      const IotTapConv *conv = records[i];

      if (conv->layer == IOT_TAP_LAYER_TCP)
        {
          c->tcp_records++;
          c->max_stream = MAX (c->max_stream, conv->stream);
        }
      if (conv->layer == IOT_TAP_LAYER_ETH)
        c->eth_records++;
    }
}

static const IotScanListener counter_listener = {
  .add_wanted = counter_add_wanted,
  .frame = counter_frame,
};

/* A scan listener that asks for the conversation tap gets one TCP record
 * per frame the tree shows a TCP stream in, with the same streams, and
 * sees no tree. */
static void
test_scan_listener (void)
{
  g_autoptr (IotFile) file = iot_file_open (CAPTURES "/mqtt311.pcap", NULL);
  g_autoptr (IotEngine) engine = iot_engine_new (file);
  g_autoptr (IotScan) scan = iot_scan_new (engine);
  g_autoptr (IotPacket) full = iot_packet_new ();
  IotDissectOptions tree = { .flags = IOT_DISSECT_TREE };
  Counter c = { 0 };
  guint tcp_frames = 0;
  guint32 max_stream = 0;

  iot_engine_first_pass (engine, NULL);
  for (guint32 number = 1; number <= iot_file_n_frames (file); number++)
    {
      const IotNode *node;

      iot_engine_dissect (engine, full, number, &tree);
      if (tree_value (full, "tcp", "tcp.stream", &node))
        {
          tcp_frames++;
          max_stream = MAX (max_stream, (guint32) node->v.u);
        }
    }
  iot_scan_add_listener (scan, &counter_listener, &c, NULL);
  g_assert_true (iot_scan_run (scan, NULL, NULL, NULL, NULL));
  g_assert_cmpuint (c.frames, ==, iot_file_n_frames (file));
  g_assert_cmpuint (tcp_frames, >, 0);
  g_assert_cmpuint (c.tcp_records, ==, tcp_frames);
  g_assert_cmpuint (c.max_stream, ==, max_stream);
}

/* The first pass hands its records to a listener that attached before it
 * started, and still makes no tree node: the same records as a scan after
 * the pass. */
static void
test_first_pass_listener (void)
{
  g_autoptr (IotFile) file = iot_file_open (CAPTURES "/mqtt311.pcap", NULL);
  g_autoptr (IotEngine) engine = iot_engine_new (file);
  g_autoptr (IotScan) during = iot_scan_new (engine);
  g_autoptr (IotScan) after = iot_scan_new (engine);
  Counter c_during = { 0 }, c_after = { 0 };

  iot_scan_add_listener (during, &counter_listener, &c_during, NULL);
  g_assert_true (iot_scan_attach_first_pass (during));
  g_assert_true (iot_engine_first_pass (engine, NULL));
  iot_scan_finish (during);
  g_assert_cmpuint (iot_engine_first_pass_nodes (engine), ==, 0);
  /* Too late for a second one. */
  iot_scan_add_listener (after, &counter_listener, &c_after, NULL);
  g_assert_false (iot_scan_attach_first_pass (after));
  g_assert_true (iot_scan_run (after, NULL, NULL, NULL, NULL));
  g_assert_cmpuint (c_during.frames, ==, iot_file_n_frames (file));
  g_assert_cmpuint (c_during.tcp_records, >, 0);
  g_assert_cmpuint (c_during.tcp_records, ==, c_after.tcp_records);
  g_assert_cmpuint (c_during.eth_records, ==, c_after.eth_records);
  g_assert_cmpuint (c_during.max_stream, ==, c_after.max_stream);
}

/* The payload record of a frame's own TCP or UDP layer holds the bytes
 * the tree's first tcp.payload / udp.payload covers, its stream, and for
 * TCP the raw sequence number: what following a stream reads.  A copy an
 * ICMP error quotes publishes none. */
static guint
check_payload (IotPacket *taps, IotPacket *full, const char *proto)
{
  g_autofree char *stream_name = g_strconcat (proto, ".stream", NULL);
  g_autofree char *payload_name = g_strconcat (proto, ".payload", NULL);
  const IotNode *stream = first_node (full, stream_name);
  const IotNode *payload = first_node (full, payload_name);
  const IotNode *seq = first_node (full, "tcp.seq_raw");
  guint8 layer = strcmp (proto, "tcp") == 0 ? IOT_TAP_LAYER_TCP : IOT_TAP_LAYER_UDP;
  const IotTapPayload *record = NULL;
  const IotDataSource *source;
  guint n;
  gconstpointer const *records = iot_packet_tap_records (taps, IOT_TAP_PAYLOAD, &n);

  for (guint i = 0; i < n && record == NULL; i++)
    if (((const IotTapPayload *) records[i])->layer == layer)
      record = records[i];
  if (first_node (full, "icmp") != NULL || first_node (full, "icmpv6") != NULL)
    {
      g_assert_null (record);
      return 0;
    }
  if (stream == NULL || payload == NULL || payload->length == 0)
    {
      g_assert_null (record);
      return 0;
    }
  g_assert_nonnull (record);
  g_assert_cmpuint (record->stream, ==, stream->v.u);
  g_assert_cmpuint (record->source, ==, payload->source);
  g_assert_cmpuint (record->offset, ==, payload->offset);
  g_assert_cmpuint (record->length, ==, payload->length);
  source = iot_packet_source (full, payload->source);
  g_assert_cmpmem (record->data, record->length, source->data + payload->offset, payload->length);
  g_assert_cmpint (record->has_seq, ==, layer == IOT_TAP_LAYER_TCP);
  if (record->has_seq)
    g_assert_cmpuint (record->seq, ==, seq->v.u);
  return 1;
}

static void
test_payload_records (void)
{
  static const char *const names[] = { "http.pcap", "mqtt311.pcap", "tcp-loss-device.pcap", "coap.pcap", "dns.pcap",
                                       "icmp.pcap", "truncated-snaplen.pcap" };
  g_autoptr (IotPacket) taps = iot_packet_new ();
  g_autoptr (IotPacket) full = iot_packet_new ();
  IotDissectOptions payload_only = { .flags = IOT_DISSECT_TAP (IOT_TAP_PAYLOAD) };
  IotDissectOptions tree = { .flags = IOT_DISSECT_TREE };
  guint checked_tcp = 0, checked_udp = 0;

  for (guint c = 0; c < G_N_ELEMENTS (names); c++)
    {
      g_autofree char *path = g_build_filename (CAPTURES, names[c], NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (IotFile) file = iot_file_open (path, &error);
      g_autoptr (IotEngine) engine = NULL;

      g_assert_no_error (error);
      engine = iot_engine_new (file);
      g_assert_true (iot_engine_first_pass (engine, NULL));
      for (guint32 number = 1; number <= iot_file_n_frames (file); number++)
        {
          iot_engine_dissect (engine, taps, number, &payload_only);
          iot_engine_dissect (engine, full, number, &tree);
          checked_tcp += check_payload (taps, full, "tcp");
          checked_udp += check_payload (taps, full, "udp");
        }
    }
  g_assert_cmpuint (checked_tcp, >, 30);
  g_assert_cmpuint (checked_udp, >, 10);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  iot_registry_init ();
  g_test_add_func ("/tap/records-match-tree", test_records_match_tree);
  g_test_add_func ("/tap/nothing-wanted", test_nothing_wanted_nothing_queued);
  g_test_add_func ("/tap/scan-listener", test_scan_listener);
  g_test_add_func ("/tap/first-pass-listener", test_first_pass_listener);
  g_test_add_func ("/tap/payload-records", test_payload_records);
  g_test_add_func ("/tap/expert-records-match-tree", test_expert_records_match_tree);
  return g_test_run ();
}
