/* test-flow.c — the flow graph's messages: conversation membership (the
 * frames `tshark -Y udp.stream==N` / `tcp.stream==N` selects), labels,
 * requests paired with their answers, retransmissions joining the first
 * copy's exchange, and expert findings. */
#include "iot-flow.h"
#include "iot-stream-index.h"
#include "iot-tap.h"

#include "test-util.h"

#include <string.h>

static IotFlow *
flow_of (const char *capture, guint32 frame)
{
  g_autofree char *path = g_build_filename ("tests", "captures", capture, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = iot_file_open (path, &error);
  g_autoptr (IotEngine) engine = NULL;
  IotFlow *flow;

  g_assert_no_error (error);
  engine = iot_engine_new (file);
  iot_engine_first_pass (engine, NULL);
  flow = iot_flow_build (engine, frame, NULL, &error);
  g_assert_no_error (error);
  return flow;
}

static const IotFlowMessage *
message (IotFlow *flow, guint32 frame)
{
  for (guint i = 0; i < iot_flow_n_messages (flow); i++)
    if (iot_flow_message (flow, i)->frame == frame)
      return iot_flow_message (flow, i);
  g_error ("frame %u is not in the flow", frame);
}

/* coap-lossy.pcap, udp.stream == 2: frames 5-9.  A CON PUT sent twice
 * (the first copy's datagram dropped after capture), its ACK 2.01, the
 * same message ID resent and answered 2.04. */
static void
test_coap_retransmission (void)
{
  g_autoptr (IotFlow) flow = flow_of ("coap-lossy.pcap", 5);
  static const guint32 frames[] = { 5, 6, 7, 8, 9 };

  g_assert_cmpstr (iot_flow_title (flow), ==, "UDP stream 2");
  g_assert_cmpuint (iot_flow_n_messages (flow), ==, G_N_ELEMENTS (frames));
  for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
    g_assert_cmpuint (iot_flow_message (flow, i)->frame, ==, frames[i]);
  g_assert_cmpstr (message (flow, 5)->label, ==, "CON PUT mid=3949 /example_data");
  g_assert_cmpstr (message (flow, 6)->label, ==, "CON PUT mid=3949 /example_data (again)");
  g_assert_true (message (flow, 6)->resent);
  g_assert_cmpuint (message (flow, 6)->exchange, ==, message (flow, 5)->exchange);
  g_assert_cmpstr (message (flow, 7)->label, ==, "ACK 2.01 Created mid=3949");
  g_assert_cmpuint (message (flow, 7)->answers, ==, 5);
  g_assert_cmpint (message (flow, 7)->latency_ns, ==, message (flow, 7)->ts_ns - message (flow, 5)->ts_ns);
  g_assert_cmpuint (message (flow, 9)->answers, ==, 8);
  g_assert_cmpuint (message (flow, 9)->exchange, !=, message (flow, 7)->exchange);
  g_assert_cmpuint (message (flow, 5)->from, ==, message (flow, 9)->to);
}

/* mqtt-dup.pcap, tcp.stream == 0: QoS 1 and QoS 2 PUBLISHes sent twice. */
static void
test_mqtt_duplicates (void)
{
  g_autoptr (IotFlow) flow = flow_of ("mqtt-dup.pcap", 8);

  g_assert_cmpstr (message (flow, 8)->label, ==, "PUBLISH id=7 QoS 1 dup/qos1");
  g_assert_cmpuint (message (flow, 9)->answers, ==, 8);
  g_assert_cmpuint (message (flow, 11)->answers, ==, 10);
  g_assert_cmpuint (message (flow, 14)->answers, ==, 13);
  g_assert_cmpstr (message (flow, 17)->label, ==, "PUBREC id=8 (again)");
  g_assert_cmpuint (message (flow, 17)->answers, ==, 16);
  g_assert_cmpuint (message (flow, 19)->answers, ==, 14);
  g_assert_cmpuint (message (flow, 20)->answers, ==, 19);
  g_assert_cmpuint (message (flow, 20)->exchange, ==, message (flow, 13)->exchange);
  g_assert_cmpuint (message (flow, 26)->answers, ==, 25);
}

/* nat-idle-reset.pcap: the reading after the pause and the reset. */
static void
test_findings (void)
{
  g_autoptr (IotFlow) flow = flow_of ("nat-idle-reset.pcap", 1);

  g_assert_cmpuint (iot_flow_n_messages (flow), ==, 18);
  g_assert_cmpuint (message (flow, 17)->answers, ==, 0);
  g_assert_cmpuint (message (flow, 17)->severity, ==, IOT_SEV_WARN);
  g_assert_cmpstr (message (flow, 18)->finding, ==, "Connection reset (RST)");
  g_assert_cmpstr (message (flow, 1)->label, ==, "SYN");
  g_assert_null (message (flow, 1)->finding);
}

static void
test_no_conversation (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = iot_file_open ("tests/captures/network-join.pcap", &error);
  g_autoptr (IotEngine) engine = NULL;
  g_autoptr (IotFlow) flow = NULL;

  g_assert_no_error (error);
  engine = iot_engine_new (file);
  iot_engine_first_pass (engine, NULL);
  /* Frame 21 is an ARP reply: no TCP or UDP conversation. */
  flow = iot_flow_build (engine, 21, NULL, &error);
  g_assert_null (flow);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "frame 21 belongs to no TCP or UDP conversation");
}

/* One flow as text: endpoints, then each message with all it says. */
static void
flow_text (IotFlow *flow, GString *out)
{
  g_string_append_printf (out, "%s:", iot_flow_title (flow));
  for (guint e = 0; e < iot_flow_n_endpoints (flow); e++)
    g_string_append_printf (out, " %s", iot_flow_endpoint (flow, e));
  g_string_append_c (out, '\n');
  for (guint i = 0; i < iot_flow_n_messages (flow); i++)
    {
      const IotFlowMessage *m = iot_flow_message (flow, i);

      g_string_append_printf (out, "  %u %" G_GINT64_FORMAT " %u>%u [%s] answers=%u latency=%" G_GINT64_FORMAT
                              " exchange=%u resent=%d severity=%u finding=%s\n",
                              m->frame, m->ts_ns, m->from, m->to, m->label, m->answers,
                              m->answers ? m->latency_ns : 0, m->exchange, m->resent, m->severity,
                              m->finding ? m->finding : "-");
    }
}

/* The flows of every TCP and UDP stream of @path, each built from the
 * stream's first frame; with @indexed, the engine indexes the streams. */
static char *
capture_flows (const char *path, gboolean indexed, guint *n_flows)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = iot_file_open (path, &error);
  g_autoptr (IotEngine) engine = NULL;
  g_autoptr (IotEngine) lister = NULL;
  GString *out = g_string_new (NULL);

  if (file == NULL)
    return g_string_free (out, FALSE);
  engine = iot_engine_new (file);
  if (indexed)
    g_assert_true (iot_engine_index_streams (engine));
  g_assert_true (iot_engine_first_pass (engine, NULL));
  /* Which frame starts each stream: from an index of its own. */
  lister = iot_engine_new (file);
  iot_engine_index_streams (lister);
  iot_engine_first_pass (lister, NULL);
  for (guint l = 0; l < 2; l++)
    for (guint32 s = 0;; s++)
      {
        g_autoptr (GArray) frames = iot_engine_stream_frames (lister, l ? IOT_TAP_LAYER_UDP : IOT_TAP_LAYER_TCP, s,
                                                             FALSE);
        g_autoptr (IotFlow) flow = NULL;

        if (frames->len == 0)
          break;
        flow = iot_flow_build (engine, g_array_index (frames, guint32, 0), NULL, &error);
        g_assert_no_error (error);
        flow_text (flow, out);
        ++*n_flows;
      }
  return g_string_free (out, FALSE);
}

/* Every stream of every capture: the flow built from the stream index's
 * frames says exactly what the one built by walking every frame says
 * (ICMP errors quoting a stream's packet included).  FLOW_DUMP=FILE
 * writes the flows there too. */
static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
test_index_all_captures (void)
{
  g_autoptr (GPtrArray) paths = test_capture_paths ();
  g_autoptr (GString) dump = g_string_new (NULL);
  guint n_flows = 0, n_walked = 0;

  /* In name order, so that two dumps list the captures alike. */
  g_ptr_array_sort (paths, compare_paths);
  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autofree char *indexed = capture_flows (path, TRUE, &n_flows);
      g_autofree char *walked = capture_flows (path, FALSE, &n_walked);

      g_assert_cmpstr (indexed, ==, walked);
      g_string_append_printf (dump, "== %s\n%s", path, indexed);
    }
  g_test_message ("%u flows compared", n_flows);
  g_assert_cmpuint (n_flows, >, 300);
  if (g_getenv ("FLOW_DUMP") != NULL)
    g_assert_true (g_file_set_contents (g_getenv ("FLOW_DUMP"), dump->str, dump->len, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  iot_registry_init ();
  g_test_add_func ("/flow/coap-retransmission", test_coap_retransmission);
  g_test_add_func ("/flow/mqtt-duplicates", test_mqtt_duplicates);
  g_test_add_func ("/flow/findings", test_findings);
  g_test_add_func ("/flow/no-conversation", test_no_conversation);
  g_test_add_func ("/flow/index-all-captures", test_index_all_captures);
  return g_test_run ();
}
