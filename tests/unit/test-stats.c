/* test-stats.c — the statistics tables on their own (rows, sorting,
 * units, text) and fed from a small dissected capture. */
#include <string.h>

#include "iot-stats.h"
#include "iot-analysis-test.h"
#include "test-util.h"

static IotAddress
ipv4 (guint8 a, guint8 b, guint8 c, guint8 d)
{
  IotAddress addr = { 4, { a, b, c, d } };

  return addr;
}

static void
check_size (guint64 bytes, const char *expected)
{
  g_autofree char *text = iot_stats_format_size (bytes);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_sizes (void)
{
  check_size (0, "0 bytes");
  check_size (9999, "9999 bytes");
  check_size (10000, "10 kB");
  check_size (16840, "16 kB");
  check_size (9999999, "9999 kB");
  check_size (12345678, "12 MB");
  check_size (G_GUINT64_CONSTANT (45000000000), "45 GB");
}

static void
check_name (IotAddress addr, const char *expected)
{
  g_autofree char *name = iot_stats_address_name (&addr);

  g_assert_cmpstr (name, ==, expected);
}

static void
test_names (void)
{
  IotAddress zero = { 0 }, bcast = { 0, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
  IotAddress mdns4 = { 0, { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb } };
  IotAddress nd6 = { 0, { 0x33, 0x33, 0xff, 0x00, 0x00, 0x02 } };
  IotAddress local = { 0, { 0x02, 0x99, 0x00, 0x00, 0x00, 0x0a } };
  IotAddress v6 = { 6, { 0xfd, 0x99, [15] = 1 } };

  check_name (zero, "00:00:00_00:00:00");
  check_name (bcast, "Broadcast");
  check_name (mdns4, "IPv4mcast_fb");
  check_name (nd6, "IPv6mcast_ff:00:00:02");
  check_name (local, "02:99:00:00:00:0a");
  check_name (ipv4 (127, 0, 0, 1), "127.0.0.1");
  check_name (v6, "fd99::1");
}

/* Filter values are the plain numbers, never names. */
static void
test_address_values (void)
{
  IotAddress bcast = { 0, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
  IotAddress v6 = { 6, { 0xfd, 0x99, [15] = 1 } };
  IotAddress v4 = ipv4 (192, 168, 1, 20);
  g_autofree char *mac = iot_stats_address_value (&bcast);
  g_autofree char *ip6 = iot_stats_address_value (&v6);
  g_autofree char *ip4 = iot_stats_address_value (&v4);

  g_assert_cmpstr (mac, ==, "ff:ff:ff:ff:ff:ff");
  g_assert_cmpstr (ip6, ==, "fd99::1");
  g_assert_cmpstr (ip4, ==, "192.168.1.20");
}

/* Rounded to the nearest microsecond; a frame stamped before the first
 * one stays at the latest time seen. */
static void
test_io_time (void)
{
  guint64 last = 0;

  g_assert_cmpuint (iot_io_stat_time_us (1499, &last), ==, 1);
  g_assert_cmpuint (iot_io_stat_time_us (G_GINT64_CONSTANT (2000000500), &last), ==, 2000001);
  g_assert_cmpuint (iot_io_stat_time_us (-5000, &last), ==, 2000001);
  g_assert_cmpuint (last, ==, 2000001);
}

static void
test_conversations (void)
{
  g_autoptr (IotConversationTable) table = iot_conversation_table_new (IOT_CONV_TCP);
  IotAddress client = ipv4 (10, 0, 0, 1), server = ipv4 (10, 0, 0, 2);
  g_autoptr (GPtrArray) sorted = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  const IotConversation *conv;

  /* Stream 0: client speaks first, so the client is A. */
  iot_conversation_table_add (table, &client, &server, 40000, 1883, 0, 74, 0);
  iot_conversation_table_add (table, &server, &client, 1883, 40000, 0, 74, 1000);
  iot_conversation_table_add (table, &client, &server, 40000, 1883, 0, 12000, 2500000000);
  /* The same ports again, but another stream: another row. */
  iot_conversation_table_add (table, &server, &client, 1883, 40000, 1, 60, 3000000000);
  iot_conversation_table_add (table, &client, &server, 40001, 1883, 2, 66, 3000000000);

  g_assert_cmpuint (iot_conversation_table_n_rows (table), ==, 3);
  conv = iot_conversation_table_row (table, 0);
  g_assert_cmpuint (conv->port_a, ==, 40000);
  g_assert_cmpuint (conv->port_b, ==, 1883);
  g_assert_cmpuint (conv->frames_ab, ==, 2);
  g_assert_cmpuint (conv->bytes_ab, ==, 12074);
  g_assert_cmpuint (conv->frames_ba, ==, 1);
  g_assert_cmpuint (conv->bytes_ba, ==, 74);
  g_assert_cmpint (conv->start_ns, ==, 0);
  g_assert_cmpint (conv->stop_ns, ==, 2500000000);
  conv = iot_conversation_table_row (table, 1);
  g_assert_cmpuint (conv->port_a, ==, 1883);
  g_assert_cmpuint (conv->stream, ==, 1);

  /* Most frames first; the two one-frame rows keep their order. */
  sorted = iot_conversation_table_sorted (table, IOT_CONV_SORT_FRAMES, TRUE);
  g_assert_true (g_ptr_array_index (sorted, 0) == iot_conversation_table_row (table, 0));
  g_assert_true (g_ptr_array_index (sorted, 1) == iot_conversation_table_row (table, 1));
  g_assert_true (g_ptr_array_index (sorted, 2) == iot_conversation_table_row (table, 2));
  g_clear_pointer (&sorted, g_ptr_array_unref);
  sorted = iot_conversation_table_sorted (table, IOT_CONV_SORT_BYTES, FALSE);
  g_assert_true (g_ptr_array_index (sorted, 0) == iot_conversation_table_row (table, 1));

  iot_conversation_table_print (table, NULL, out);
  g_assert_true (g_str_has_prefix (out->str, "=========="));
  g_assert_nonnull (strstr (out->str, "TCP Conversations\nFilter:<No Filter>\n"));
  g_assert_nonnull (strstr (out->str,
    "10.0.0.1:40000             <-> 10.0.0.2:1883                    1 74 bytes        2 12 kB"
    "           3 12 kB         0.000000000         2.5000\n"));
}

static void
test_endpoints (void)
{
  g_autoptr (IotEndpointTable) table = iot_endpoint_table_new (IOT_CONV_IPV4);
  IotAddress a = ipv4 (10, 0, 0, 1), b = ipv4 (10, 0, 0, 2), c = ipv4 (224, 0, 0, 251);
  g_autoptr (GPtrArray) sorted = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  const IotEndpoint *ep;

  iot_endpoint_table_add (table, &a, &c, 0, 0, 100);
  iot_endpoint_table_add (table, &a, &b, 0, 0, 60);
  iot_endpoint_table_add (table, &b, &a, 0, 0, 40);
  g_assert_cmpuint (iot_endpoint_table_n_rows (table), ==, 3);
  ep = iot_endpoint_table_row (table, 0);
  g_assert_cmpuint (ep->tx_frames, ==, 2);
  g_assert_cmpuint (ep->tx_bytes, ==, 160);
  g_assert_cmpuint (ep->rx_frames, ==, 1);
  g_assert_cmpuint (ep->rx_bytes, ==, 40);
  sorted = iot_endpoint_table_sorted (table);
  g_assert_true (g_ptr_array_index (sorted, 0) == ep);
  g_assert_true (g_ptr_array_index (sorted, 1) == iot_endpoint_table_row (table, 2));
  iot_endpoint_table_print (table, "ip.ttl > 1", out);
  g_assert_nonnull (strstr (out->str, "IPv4 Endpoints\nFilter:ip.ttl > 1\n"));
  g_assert_nonnull (strstr (out->str,
    "10.0.0.1                       3           200          2             160           1              40   \n"));
}

static void
test_hierarchy (void)
{
  g_autoptr (IotProtocolHierarchy) phs = iot_protocol_hierarchy_new ();
  const char *mqtt[] = { "eth", "ip", "tcp", "mqtt" };
  const char *dns[] = { "eth", "ip", "udp", "dns" };
  const char *deep[20];
  const IotPhsNode *eth, *ip;
  g_autoptr (GString) out = g_string_new (NULL);

  iot_protocol_hierarchy_add_path (phs, mqtt, 4, 100);
  iot_protocol_hierarchy_add_path (phs, mqtt, 3, 60);
  iot_protocol_hierarchy_add_path (phs, dns, 4, 40);
  eth = iot_protocol_hierarchy_root (phs);
  g_assert_cmpstr (eth->abbrev, ==, "eth");
  g_assert_null (eth->next_sibling);
  g_assert_cmpuint (eth->frames, ==, 3);
  g_assert_cmpuint (eth->bytes, ==, 200);
  ip = eth->first_child;
  g_assert_cmpstr (ip->first_child->abbrev, ==, "tcp");
  g_assert_cmpuint (ip->first_child->frames, ==, 2);
  g_assert_cmpstr (ip->first_child->next_sibling->abbrev, ==, "udp");
  g_assert_true (ip->first_child->first_child->parent == ip->first_child);
  g_assert_cmpfloat_with_epsilon (iot_phs_node_frames_percent (phs, ip->first_child), 200.0 / 3, 1e-9);
  g_assert_cmpfloat_with_epsilon (iot_phs_node_bytes_percent (phs, ip->first_child->next_sibling), 20.0, 1e-9);

  for (guint i = 0; i < G_N_ELEMENTS (deep); i++)
    deep[i] = "mqtt";
  iot_protocol_hierarchy_add_path (phs, deep, G_N_ELEMENTS (deep), 10);
  iot_protocol_hierarchy_print (phs, NULL, out);
  g_assert_true (g_str_has_prefix (out->str, "\n=============================================================="
                                             "=====\nProtocol Hierarchy Statistics\nFilter: \n\neth "));
  g_assert_nonnull (strstr (out->str, "\n      mqtt                               frames:1 bytes:100\n"));
  g_assert_nonnull (strstr (out->str, "\n    udp                                  frames:1 bytes:40\n"));
  /* Past sixteen levels the indentation stops at "...". */
  g_assert_nonnull (strstr (out->str, "\n                                ...mqtt  frames:1 bytes:10\n"));
}

static void
test_expert (void)
{
  g_autoptr (IotExpertSummary) all = iot_expert_summary_new (IOT_SEV_COMMENT);
  g_autoptr (IotExpertSummary) warn = iot_expert_summary_new (IOT_SEV_WARN);
  g_autoptr (GString) out = g_string_new (NULL);
  const IotExpertEntry *e;

  for (guint i = 0; i < 3; i++)
    {
      iot_expert_summary_add (all, IOT_SEV_CHAT, IOT_GROUP_SEQUENCE, "TCP", "Connection finish (FIN)");
      iot_expert_summary_add (warn, IOT_SEV_CHAT, IOT_GROUP_SEQUENCE, "TCP", "Connection finish (FIN)");
    }
  iot_expert_summary_add (all, IOT_SEV_WARN, IOT_GROUP_SEQUENCE, "TCP", "Connection reset (RST)");
  iot_expert_summary_add (warn, IOT_SEV_WARN, IOT_GROUP_SEQUENCE, "TCP", "Connection reset (RST)");
  iot_expert_summary_add (all, IOT_SEV_ERROR, IOT_GROUP_MALFORMED, "MQTT", "Malformed Packet (Exception occurred)");

  g_assert_cmpuint (iot_expert_summary_n_entries (all, IOT_SEV_CHAT), ==, 1);
  e = iot_expert_summary_entry (all, IOT_SEV_CHAT, 0);
  g_assert_cmpuint (e->count, ==, 3);
  g_assert_cmpstr (e->protocol, ==, "TCP");
  g_assert_cmpuint (iot_expert_summary_n_entries (warn, IOT_SEV_CHAT), ==, 0);
  g_assert_cmpuint (iot_expert_summary_n_entries (warn, IOT_SEV_WARN), ==, 1);

  iot_expert_summary_print (all, out);
  g_assert_cmpstr (out->str, ==,
                   "\nErrors (1)\n=============\n   Frequency      Group           Protocol  Summary\n"
                   "           1  Malformed               MQTT  Malformed Packet (Exception occurred)\n"
                   "\nWarns (1)\n=============\n   Frequency      Group           Protocol  Summary\n"
                   "           1   Sequence                TCP  Connection reset (RST)\n"
                   "\nChats (3)\n=============\n   Frequency      Group           Protocol  Summary\n"
                   "           3   Sequence                TCP  Connection finish (FIN)\n");
}

/* An Ethernet + IPv4 + UDP frame of @payload bytes. */
static guint8 *
udp_frame (gboolean forward, guint payload, guint32 *len)
{
  guint8 *f = g_malloc0 (42 + payload);
  guint8 a[4] = { 10, 0, 0, 1 }, b[4] = { 10, 0, 0, 2 };
  guint16 sport = forward ? 50000 : 5683, dport = forward ? 5683 : 50000;
  guint ip_len = 28 + payload, udp_len = 8 + payload;

  memset (f, 0xff, 6);
  f[12] = 0x08;
  f[14] = 0x45;
  f[16] = ip_len >> 8;
  f[17] = ip_len & 0xff;
  f[22] = 64;
  f[23] = 17;
  memcpy (f + 26, forward ? a : b, 4);
  memcpy (f + 30, forward ? b : a, 4);
  f[34] = sport >> 8; f[35] = sport & 0xff;
  f[36] = dport >> 8; f[37] = dport & 0xff;
  f[38] = udp_len >> 8; f[39] = udp_len & 0xff;
  *len = 42 + payload;
  return f;
}

/* Frame lengths: tshark's buckets, the single-precision average, the rate
 * over the time between the first and the last frame, and the most frames
 * in 100 ms (three in the first 5 ms step, which starts at 0). */
static void
test_histogram_lengths (void)
{
  g_autoptr (IotHistogram) hist = iot_histogram_new (IOT_HISTOGRAM_FRAME_LENGTH);
  g_autoptr (GString) out = g_string_new (NULL);
  const IotHistogramBucket *total, *b;

  iot_histogram_add_frame (hist, 60, 0);
  iot_histogram_add_frame (hist, 100, 1000000);
  iot_histogram_add_frame (hist, 100, 2000000);
  iot_histogram_add_frame (hist, 6000, 1000000000);

  g_assert_cmpstr (iot_histogram_title (hist), ==, "Packet Lengths");
  g_assert_cmpuint (iot_histogram_n_buckets (hist), ==, 10);
  total = iot_histogram_total (hist);
  g_assert_cmpuint (total->count, ==, 4);
  g_assert_cmpint (total->min, ==, 60);
  g_assert_cmpint (total->max, ==, 6000);
  g_assert_cmpfloat (iot_histogram_bucket_average (total), ==, 1565.0);
  b = iot_histogram_bucket (hist, 2);
  g_assert_cmpstr (b->label, ==, "40-79");
  g_assert_cmpint (b->low, ==, 40);
  g_assert_cmpint (b->high, ==, 79);
  g_assert_cmpuint (b->count, ==, 1);
  g_assert_cmpuint (iot_histogram_bucket (hist, 3)->count, ==, 2);
  g_assert_cmpuint (iot_histogram_bucket (hist, 9)->count, ==, 1);
  g_assert_cmpint (iot_histogram_bucket (hist, 9)->high, ==, G_MAXINT64);

  iot_histogram_print (hist, out);
  g_assert_true (g_str_has_prefix (out->str, "\n====="));
  g_assert_nonnull (strstr (out->str, "\nPacket Lengths:\nTopic / Item       Count         Average       Min Val"));
  g_assert_nonnull (strstr (out->str,
    "\nPacket Lengths     4             1565.00       60            6000          0.0040        100%"
    "          0.0300        0.000        \n"));
  g_assert_nonnull (strstr (out->str,
    "\n 0-19              0             -             -             -             0.0000        0.00%"
    "         -             -            \n"));
  g_assert_nonnull (strstr (out->str,
    "\n 80-159            2             100.00        100           100           0.0020        50.00%"
    "        0.0200        0.000        \n"));
  g_assert_nonnull (strstr (out->str,
    "\n 5120 and greater  1             6000.00       6000          6000          0.0010        25.00%"
    "        0.0100        1.000        \n"));
  g_assert_true (g_str_has_suffix (out->str, "        \n\n" "----------"
                                   "----------------------------------------------------------------------------------"
                                   "--------------------------------------\n"));
}

/* Inter-frame times: five gaps between six frames, one of them negative
 * (a frame stamped before the one ahead of it), in decades of time. */
static void
test_histogram_gaps (void)
{
  g_autoptr (IotHistogram) hist = iot_histogram_new (IOT_HISTOGRAM_INTER_FRAME);
  g_autoptr (GString) out = g_string_new (NULL);
  static const gint64 times[] = { 0, 5000, 55000, 2055000, 1002055000, 1002052000 };
  static const guint64 expected[] = { 2, 1, 0, 1, 0, 0, 1, 0 };
  const IotHistogramBucket *total;

  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    iot_histogram_add_frame (hist, 60, times[i]);

  g_assert_cmpstr (iot_histogram_title (hist), ==, "Inter-frame Times");
  g_assert_cmpuint (iot_histogram_n_buckets (hist), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpuint (iot_histogram_bucket (hist, i)->count, ==, expected[i]);
  g_assert_cmpstr (iot_histogram_bucket (hist, 3)->label, ==, "1-10 ms");
  g_assert_cmpint (iot_histogram_bucket (hist, 3)->low, ==, 1000000);
  g_assert_cmpint (iot_histogram_bucket (hist, 3)->high, ==, 9999999);
  /* Exactly one second is the first value of "1-10 s". */
  g_assert_cmpint (iot_histogram_bucket (hist, 6)->min, ==, 1000000000);
  total = iot_histogram_total (hist);
  g_assert_cmpuint (total->count, ==, 5);
  g_assert_cmpint (total->min, ==, -3000);
  g_assert_cmpint (total->max, ==, 1000000000);
  g_assert_cmpint (total->total, ==, 1002052000);
  g_assert_cmpfloat (iot_histogram_bucket_average (total), ==, 200410400.0);
  g_assert_cmpint (iot_histogram_bucket (hist, 0)->min, ==, -3000);
  g_assert_cmpint (iot_histogram_bucket (hist, 0)->max, ==, 5000);

  /* In milliseconds; 5 gaps over 1002.055 ms. */
  iot_histogram_print (hist, out);
  g_assert_nonnull (strstr (out->str, "\nInter-frame Times:\nTopic / Item            Count"));
  g_assert_nonnull (strstr (out->str,
    "\nInter-frame Times (ms)  5             200.410       -0.003        1000.000      0.0050        100%"));
  g_assert_nonnull (strstr (out->str,
    "\n < 10 us                2             0.001         -0.003        0.005         0.0020        40.00%"));
  g_assert_nonnull (strstr (out->str,
    "\n 10 s and greater       0             -             -             -             0.0000        0.00%"));

  /* A single frame gives no gap. */
  g_clear_pointer (&hist, iot_histogram_free);
  hist = iot_histogram_new (IOT_HISTOGRAM_INTER_FRAME);
  iot_histogram_add_frame (hist, 60, 42);
  g_assert_cmpuint (iot_histogram_total (hist)->count, ==, 0);
}

/* Several reports filled from one pass over a dissected capture. */
static void
test_one_pass (void)
{
  guint8 *frames[6];
  guint32 lens[6];
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (IotFile) file = NULL;
  g_autoptr (IotEngine) engine = NULL;
  g_autoptr (IotStats) stats = iot_stats_new ();
  g_autoptr (IotFieldSet) wanted = iot_field_set_new ();
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  IotDissectOptions options = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
    frames[i] = udp_frame (i % 2 == 0, 10 * i, &lens[i]);
  bytes = test_make_pcap (1, (const guint8 *const *) frames, lens, lens, G_N_ELEMENTS (frames));
  file = iot_file_open_bytes (bytes, "stats", &error);
  g_assert_no_error (error);
  engine = iot_engine_new (file);
  iot_engine_first_pass (engine, NULL);

  g_assert_true (iot_stats_handles ("conv,udp"));
  g_assert_false (iot_stats_handles ("follow,tcp,ascii,0"));
  g_assert_true (iot_stats_handles ("plen,tree"));
  g_assert_true (iot_stats_handles ("iat,tree,udp"));
  g_assert_false (iot_stats_handles ("plen,treex"));
  g_assert_true (iot_stats_add_request (stats, "io,phs", &error));
  g_assert_true (iot_stats_add_request (stats, "conv,udp", &error));
  g_assert_true (iot_stats_add_request (stats, "endpoints,eth", &error));
  g_assert_true (iot_stats_add_request (stats, "io,stat,0.5,udp.srcport==5683,COUNT(udp.length)udp.length", &error));
  g_assert_no_error (error);
  g_assert_false (iot_stats_add_request (stats, "conv,sctp", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (iot_stats_add_request (stats, "io,stat,1,MAX(nosuch.field)", &error));
  g_clear_error (&error);
  g_assert_true (iot_stats_add_request (stats, "plen,tree", &error));
  g_assert_true (iot_stats_add_request (stats, "iat,tree,udp.srcport==5683", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (iot_stats_n_requests (stats), ==, 6);
  g_assert_null (iot_stats_get_histogram (stats, 0));
  g_assert_nonnull (iot_stats_get_hierarchy (stats, 0));
  g_assert_nonnull (iot_stats_get_conversations (stats, 1));
  g_assert_nonnull (iot_stats_get_endpoints (stats, 2));

  iot_stats_add_wanted (stats, wanted, &options.flags);
  /* The hierarchy reads the layers' records: no report here needs a tree. */
  g_assert_true (options.flags & IOT_DISSECT_TAP (IOT_TAP_PROTO));
  g_assert_false (options.flags & IOT_DISSECT_TREE);
  options.fields = wanted;
  iot_stats_begin (stats, file, iot_file_n_frames (file));
  for (guint32 n = 1; n <= iot_file_n_frames (file); n++)
    {
      iot_engine_dissect (engine, pkt, n, &options);
      iot_stats_add_packet (stats, pkt);
    }
  iot_stats_print (stats, out);

  /* Newest request first, as tshark prints.  Frames are 1.25 s apart. */
  g_assert_true (g_str_has_prefix (out->str, "\n=========="));
  /* 6.25 s prints as 6.2, as tshark 4.0 prints it (printf of a double
   * rounds an exact tie to even). */
  g_assert_nonnull (strstr (out->str, "| Duration: 6.2 secs                  |\n"
                                      "| Interval: 0.5 secs                  |\n"));
  g_assert_nonnull (strstr (out->str, "| 0.0 <> 0.5 |      0 |     0 |     1 |\n"));
  g_assert_nonnull (strstr (out->str, "| 1.0 <> 1.5 |      1 |    52 |     1 |\n"));
  g_assert_nonnull (strstr (out->str, "| 6.0 <> 6.2 |      1 |    92 |     1 |\n"));
  g_assert_nonnull (strstr (out->str, "00:00:00_00:00:00              6           402          6             402"));
  g_assert_nonnull (strstr (out->str, "Broadcast                      6           402          0               0"));
  g_assert_nonnull (strstr (out->str,
    "10.0.0.1:50000             <-> 10.0.0.2:5683                    3 216 bytes       3 186 bytes"
    "       6 402 bytes     0.000000000         6.2500\n"));
  g_assert_nonnull (strstr (out->str, "eth                                      frames:6 bytes:402\n"
                                      "  ip                                     frames:6 bytes:402\n"
                                      "    udp                                  frames:6 bytes:402\n"));
  g_assert_true (strstr (out->str, "Protocol Hierarchy") > strstr (out->str, "UDP Conversations"));
  /* Six frames of 42 + 10 i bytes; every other one from port 5683, 2.5 s
   * apart. */
  g_assert_cmpuint (iot_histogram_total (iot_stats_get_histogram (stats, 4))->count, ==, 6);
  g_assert_cmpuint (iot_histogram_bucket (iot_stats_get_histogram (stats, 4), 2)->count, ==, 4);
  g_assert_cmpuint (iot_histogram_bucket (iot_stats_get_histogram (stats, 4), 3)->count, ==, 2);
  g_assert_cmpuint (iot_histogram_total (iot_stats_get_histogram (stats, 5))->count, ==, 2);
  g_assert_cmpuint (iot_histogram_bucket (iot_stats_get_histogram (stats, 5), 6)->count, ==, 2);
  g_assert_true (strstr (out->str, "Inter-frame Times:") < strstr (out->str, "Packet Lengths:"));
  for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
    g_free (frames[i]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  iot_registry_init ();
  g_test_add_func ("/stats/sizes", test_sizes);
  g_test_add_func ("/stats/names", test_names);
  g_test_add_func ("/stats/address-values", test_address_values);
  g_test_add_func ("/stats/io-time", test_io_time);
  g_test_add_func ("/stats/conversations", test_conversations);
  g_test_add_func ("/stats/endpoints", test_endpoints);
  g_test_add_func ("/stats/hierarchy", test_hierarchy);
  g_test_add_func ("/stats/expert", test_expert);
  g_test_add_func ("/stats/histogram-lengths", test_histogram_lengths);
  g_test_add_func ("/stats/histogram-gaps", test_histogram_gaps);
  g_test_add_func ("/stats/one-pass", test_one_pass);
  return g_test_run ();
}
