/* test-insight.c — the IoT insight on real captures: every expected
 * diagnosis is found with exactly the evidence frames that an independent
 * look at the dissected fields gives, credentials never leak into any
 * output, and the comparison of the two captures of a lossy router finds
 * exactly the frames the router dropped. */
#include <glib/gstdio.h>
#include <string.h>

#include "iot-insight.h"
#include "iot-analysis-test.h"
#include "iot-packet.h"

static IotEngine *
open_capture (const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename ("tests", "captures", name, NULL);
  g_autoptr (IotFile) file = iot_file_open (path, &error);
  IotEngine *engine;

  g_assert_no_error (error);
  engine = iot_engine_new (file);
  iot_engine_first_pass (engine, NULL);
  return engine;
}

static IotInsight *
analyze (IotEngine *engine)
{
  g_autoptr (GError) error = NULL;
  IotInsight *insight = iot_insight_analyze (engine, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (insight);
  return insight;
}

/* The values of @abbrev in frame @number (every occurrence). */
static GArray *
field_values (IotEngine *engine, guint32 number, const char *abbrev)
{
  g_autoptr (IotFieldSet) set = iot_field_set_new ();
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  IotDissectOptions options = { 0 };
  const IotField *field = iot_registry_field (abbrev);
  GArray *out = g_array_new (FALSE, FALSE, sizeof (guint64));

  g_assert_nonnull (field);
  iot_field_set_add (set, field);
  options.fields = set;
  iot_engine_dissect (engine, pkt, number, &options);
  for (guint i = 0; i < iot_packet_n_nodes (pkt); i++)
    if (iot_packet_node (pkt, i)->field == field)
      g_array_append_val (out, iot_packet_node (pkt, i)->v.u);
  return out;
}

/* Frames where @abbrev occurs with @value (G_MAXUINT64: with any value). */
static GArray *
frames_with (IotEngine *engine, const char *abbrev, guint64 value)
{
  GArray *frames = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint32 n = 1; n <= iot_engine_n_passed (engine); n++)
    {
      g_autoptr (GArray) values = field_values (engine, n, abbrev);

      for (guint i = 0; i < values->len; i++)
        if (value == G_MAXUINT64 || g_array_index (values, guint64, i) == value)
          {
            g_array_append_val (frames, n);
            break;
          }
    }
  return frames;
}

static void
assert_frames (const GArray *got, const guint32 *want, guint n)
{
  g_assert_cmpuint (got->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (g_array_index (got, guint32, i), ==, want[i]);
}

static void
assert_same_frames (const GArray *got, const GArray *want)
{
  assert_frames (got, (const guint32 *) want->data, want->len);
}

static gboolean
has_frame (const GArray *frames, guint32 n)
{
  for (guint i = 0; i < frames->len; i++)
    if (g_array_index (frames, guint32, i) == n)
      return TRUE;
  return FALSE;
}

static guint
count_items (IotInsight *insight, const char *id)
{
  guint n = 0;

  for (guint i = 0; i < iot_insight_n_items (insight); i++)
    n += strcmp (iot_insight_item (insight, i)->id, id) == 0;
  return n;
}

static GArray *publications_of (IotEngine *engine, IotInsight *insight, const char *client_id, GArray *counts,
                                guint64 *stream);
static guint    longest_pause (IotEngine *engine, const GArray *frames);

/* Text, JSON and HTML of the whole insight. */
static char *
all_outputs (IotInsight *insight)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *json = NULL;

  iot_insight_print (insight, out);
  iot_insight_to_html (insight, out);
  iot_insight_to_json (insight, builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (gen, root);
  json = json_generator_to_data (gen, NULL);
  g_string_append (out, json);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* ---- helpers on their own ---------------------------------------------------- */

static void
test_mask (void)
{
  g_autofree char *a = iot_insight_mask_secret ("s3cret");
  g_autofree char *b = iot_insight_mask_secret ("x");
  g_autofree char *c = iot_insight_mask_secret ("");

  g_assert_cmpstr (a, ==, "s*** (6 characters)");
  g_assert_cmpstr (b, ==, "x*** (1 character)");
  g_assert_cmpstr (c, ==, "(empty)");
}

/* ---- MQTT ------------------------------------------------------------------------ */

static void
test_reset_reconnect (void)
{
  g_autoptr (IotEngine) engine = open_capture ("tcp-rst-reconnect.pcap");
  g_autoptr (IotInsight) insight = analyze (engine);
  g_autoptr (GArray) rst = frames_with (engine, "tcp.flags.reset", 1);
  g_autoptr (GArray) connects = frames_with (engine, "mqtt.msgtype", 1);
  g_autoptr (GArray) qos0 = frames_with (engine, "mqtt.qos", 0);
  const IotInsightItem *item = iot_insight_find (insight, "mqtt-reset-reconnect", "iot-valve-7");
  guint32 want[3];

  g_assert_nonnull (item);
  g_assert_cmpuint (rst->len, ==, 1);
  g_assert_cmpuint (connects->len, ==, 2);
  /* CONNECT of the first session, the RST, CONNECT of the reconnection. */
  want[0] = g_array_index (connects, guint32, 0);
  want[1] = g_array_index (rst, guint32, 0);
  want[2] = g_array_index (connects, guint32, 1);
  assert_frames (item->frames, want, 3);
  /* The QoS 0 PUBLISH sent before the reset is at risk; the one after is not. */
  g_assert_cmpuint (qos0->len, ==, 2);
  assert_frames (item->related, (const guint32 *) qos0->data, 1);
  g_assert_cmpuint (item->severity, ==, IOT_SEV_WARN);
  g_assert_nonnull (strstr (item->explanation, "QoS 0"));

  g_assert_cmpuint (iot_insight_n_sessions (insight), ==, 2);
  g_assert_cmpstr (iot_insight_session (insight, 0)->end_reason, ==, "RST");
  g_assert_cmpuint (iot_insight_session (insight, 1)->reconnect, ==, 1);
  g_assert_cmpuint (iot_insight_session (insight, 0)->keepalive_s, ==, 30);
  g_assert_null (iot_insight_find (insight, "mqtt-keepalive", NULL));
}

static void
test_dup_unacked (void)
{
  g_autoptr (IotEngine) engine = open_capture ("mqtt-dup.pcap");
  g_autoptr (IotInsight) insight = analyze (engine);
  g_autoptr (GArray) dups = frames_with (engine, "mqtt.dupflag", 1);
  g_autoptr (GArray) originals = frames_with (engine, "mqtt.dup_of", G_MAXUINT64);
  g_autoptr (GArray) orig_numbers = g_array_new (FALSE, FALSE, sizeof (guint32));
  const IotInsightItem *dup = iot_insight_find (insight, "mqtt-dup", "iot-dup");
  const IotInsightItem *unacked = iot_insight_find (insight, "mqtt-unacknowledged", "iot-dup");
  static const guint32 never_acked[] = { 41 };
  IotDistribution latency = iot_insight_mqtt_latency (insight);

  g_assert_nonnull (dup);
  /* Every PUBLISH with DUP set (frame 8's copy, the QoS 2 copy, the
   * re-delivery after the reconnect) … */
  g_assert_cmpuint (dups->len, ==, 3);
  assert_same_frames (dup->frames, dups);
  /* … and the first copies they point to. */
  for (guint i = 0; i < originals->len; i++)
    {
      g_autoptr (GArray) v = field_values (engine, g_array_index (originals, guint32, i), "mqtt.dup_of");
      guint32 n = (guint32) g_array_index (v, guint64, 0);

      g_array_append_val (orig_numbers, n);
    }
  assert_same_frames (dup->related, orig_numbers);

  /* The broker's forwarded QoS 1 PUBLISH that the client never answered. */
  g_assert_nonnull (unacked);
  assert_frames (unacked->frames, never_acked, 1);
  g_assert_cmpuint (count_items (insight, "mqtt-unacknowledged"), ==, 1);

  /* Seven PUBACK/PUBREC answers, each with the dissector's time. */
  {
    g_autoptr (GArray) pubacks = frames_with (engine, "mqtt.msgtype", 4);
    g_autoptr (GArray) pubrecs = frames_with (engine, "mqtt.msgtype", 5);

    g_assert_cmpuint (latency.count, ==, pubacks->len + pubrecs->len);
    g_assert_cmpuint (latency.count, ==, 7);
  }
  g_assert_cmpfloat (latency.min, <=, latency.median);
  g_assert_cmpfloat (latency.median, <=, latency.p95);
  g_assert_cmpfloat (latency.p95, <=, latency.max);
}

static void
test_auth (void)
{
  g_autoptr (IotEngine) engine = open_capture ("mqtt-auth.pcap");
  g_autoptr (IotInsight) insight = analyze (engine);
  g_autoptr (GArray) refused31 = frames_with (engine, "mqtt.conack.val", 5);
  g_autoptr (GArray) refused5 = frames_with (engine, "mqtt.connack.reason_code", 0x87);
  g_autoptr (GArray) with_password = frames_with (engine, "mqtt.passwd_len", G_MAXUINT64);
  g_autofree char *text = all_outputs (insight);
  guint refusals = 0, creds = 0;

  g_assert_cmpuint (refused31->len + refused5->len, ==, 4);
  for (guint i = 0; i < iot_insight_n_items (insight); i++)
    {
      const IotInsightItem *item = iot_insight_item (insight, i);

      if (strcmp (item->id, "mqtt-connack-refused") == 0)
        {
          guint32 connack = g_array_index (item->frames, guint32, item->frames->len - 1);

          /* Evidence: the CONNECT and its refusing CONNACK. */
          g_assert_cmpuint (item->frames->len, ==, 2);
          g_assert_true (has_frame (refused31, connack) || has_frame (refused5, connack));
          g_assert_cmpuint (item->severity, ==, IOT_SEV_ERROR);
          refusals++;
        }
      else if (strcmp (item->id, "cleartext-credentials") == 0)
        {
          g_assert_cmpuint (item->frames->len, ==, 1);
          g_assert_true (has_frame (with_password, g_array_index (item->frames, guint32, 0)));
          g_assert_nonnull (strstr (item->summary, "user name s*** (6 characters)"));
          creds++;
        }
    }
  g_assert_cmpuint (refusals, ==, 4);
  g_assert_cmpuint (creds, ==, with_password->len);
  g_assert_nonnull (strstr (text, "password s*** (6 characters)"));
  g_assert_nonnull (strstr (text, "password w*** (5 characters)"));
  /* The secrets themselves appear nowhere. */
  g_assert_null (strstr (text, "s3cret"));
  g_assert_null (strstr (text, "wrong"));
  g_assert_nonnull (iot_insight_find (insight, "cleartext", "port 1883"));
}

/* The topic tree counts every PUBLISH of a topic, as a display filter does. */
static void
test_topic_counts (void)
{
  g_autoptr (IotEngine) engine = open_capture ("mqtt311.pcap");
  g_autoptr (IotInsight) insight = analyze (engine);
  g_autoptr (GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  const char *argv[] = { g_getenv ("IOTSCOPE_CLI"), "-r", "tests/captures/mqtt311.pcap", "-Y", "mqtt.msgtype==3",
                         "-T", "fields", "-e", "mqtt.topic", NULL };
  g_auto (GStrv) lines = NULL;
  int status = 0;
  guint64 total = 0;

  if (argv[0] == NULL)
    {
      g_test_skip ("IOTSCOPE_CLI is not set");
      return;
    }
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                               &status, &error));
  g_assert_no_error (error);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) topics = g_strsplit (lines[i], ",", -1);

      for (guint k = 0; topics[k] != NULL; k++)
        if (*topics[k] != '\0')
          {
            gpointer old = g_hash_table_lookup (counts, topics[k]);

            g_hash_table_insert (counts, g_strdup (topics[k]), GUINT_TO_POINTER (GPOINTER_TO_UINT (old) + 1));
          }
    }
  g_assert_cmpuint (iot_insight_n_topics (insight), ==, g_hash_table_size (counts));
  for (guint i = 0; i < iot_insight_n_topics (insight); i++)
    {
      const IotTopicStats *t = iot_insight_topic (insight, i);

      g_assert_cmpuint (t->messages, ==, GPOINTER_TO_UINT (g_hash_table_lookup (counts, t->topic)));
      g_assert_cmpuint (t->published + t->delivered, ==, t->messages);
      total += t->messages;
    }
  g_assert_cmpuint (total, ==, 12);
  /* The subscriber on sensors/# shows under every topic. */
  g_assert_cmpuint (iot_insight_topic_by_name (insight, "sensors/temperature")->subscribers->len, >=, 1);
}

/* The scenario of make-insight.sh: three sensors every 0.2 s, one of them
 * every 0.02 s, one skipping two readings. */
static void
test_periodic (void)
{
  g_autoptr (IotEngine) engine = open_capture ("insight-periodic.pcap");
  g_autoptr (IotInsight) insight = analyze (engine);
  const IotInsightItem *chatty = iot_insight_find (insight, "chatty-device", NULL);
  const IotInsightItem *gap = iot_insight_find (insight, "periodic-gap", "sensor-b");
  const IotTopicStats *b = iot_insight_topic_by_name (insight, "sensors/sensor-b/temperature");
  g_autoptr (GArray) publishes = frames_with (engine, "mqtt.msgtype", 3);
  g_autoptr (GArray) b_frames = g_array_new (FALSE, FALSE, sizeof (guint32));
  IotFile *file = iot_engine_file (engine);
  gint64 longest = 0;
  guint32 before = 0, after = 0, b_stream = G_MAXUINT32;

  /* sensor-c publishes ten times as fast as the two others, but two peers
   * make no usual rate, and its own rate never changed: not chatty
   * (tests/unit/insight-rates.py has the cases that are). */
  g_assert_null (chatty);

  /* The gap: between the two sensor-b publications furthest apart. */
  for (guint i = 0; i < iot_insight_n_sessions (insight); i++)
    if (strcmp (iot_insight_session (insight, i)->client_id, "sensor-b") == 0)
      b_stream = iot_insight_session (insight, i)->stream;
  g_assert_cmpuint (b_stream, !=, G_MAXUINT32);
  for (guint i = 0; i < publishes->len; i++)
    {
      guint32 n = g_array_index (publishes, guint32, i);
      g_autoptr (GArray) stream = field_values (engine, n, "tcp.stream");
      g_autoptr (GArray) dport = field_values (engine, n, "tcp.dstport");

      if (g_array_index (stream, guint64, 0) == b_stream && g_array_index (dport, guint64, 0) == 1883)
        g_array_append_val (b_frames, n);
    }
  g_assert_cmpuint (b_frames->len, ==, 13);
  for (guint i = 1; i < b_frames->len; i++)
    {
      guint32 p = g_array_index (b_frames, guint32, i - 1), n = g_array_index (b_frames, guint32, i);
      gint64 dt = iot_file_frame (file, n)->ts_ns - iot_file_frame (file, p)->ts_ns;

      if (dt > longest)
        {
          longest = dt;
          before = p;
          after = n;
        }
    }
  g_assert_nonnull (gap);
  g_assert_cmpuint (gap->frames->len, ==, 2);
  g_assert_cmpuint (g_array_index (gap->frames, guint32, 0), ==, before);
  g_assert_cmpuint (g_array_index (gap->frames, guint32, 1), ==, after);
  g_assert_cmpuint (b->gaps, ==, 1);
  g_assert_cmpfloat (b->period_s, >, 0.18);
  g_assert_cmpfloat (b->period_s, <, 0.23);
  g_assert_cmpuint (b->published, ==, 13);
  g_assert_null (iot_insight_find (insight, "periodic-gap", "sensor-a"));
  g_assert_cmpuint (iot_insight_topic_by_name (insight, "sensors/sensor-a/temperature")->gaps, ==, 0);
  /* sensor-a publishes at QoS 1: fifteen PUBACKs. */
  g_assert_cmpuint (iot_insight_mqtt_latency (insight).count, ==, 15);
}

/* insight-periodic.pcap: sensor-c (every 0.02 s) pauses once for about
 * 47 ms, and every reading of the pause comes in the segment that ends it,
 * right after the broker's delayed ACK of the segment before: its TCP held
 * them back (Nagle).  A note, not a device that missed readings. */
static void
test_periodic_coalesced (void)
{
  g_autoptr (IotEngine) engine = open_capture ("insight-periodic.pcap");
  g_autoptr (IotInsight) insight = analyze (engine);
  g_autoptr (GArray) counts = g_array_new (FALSE, FALSE, sizeof (guint));
  guint64 stream;
  g_autoptr (GArray) frames = publications_of (engine, insight, "sensor-c", counts, &stream);
  guint at = longest_pause (engine, frames);
  guint32 want[] = { g_array_index (frames, guint32, at - 1), g_array_index (frames, guint32, at) };
  const IotInsightItem *item = iot_insight_find (insight, "periodic-gap-coalesced", "sensor-c");
  guint32 released = 0;

  g_assert_nonnull (item);
  g_assert_cmpint (item->severity, ==, IOT_SEV_NOTE);
  assert_frames (item->frames, want, 2);
  g_assert_cmpuint (g_array_index (counts, guint, at), >=, 2);
  g_assert_null (iot_insight_find (insight, "periodic-gap", "sensor-c"));
  /* The last frame of the connection before the burst: the broker's bare ACK. */
  for (guint32 n = want[1] - 1; n > want[0] && released == 0; n--)
    {
      g_autoptr (GArray) st = field_values (engine, n, "tcp.stream");

      if (st->len > 0 && g_array_index (st, guint64, 0) == stream)
        released = n;
    }
  g_assert_cmpuint (released, !=, 0);
  {
    g_autoptr (GArray) sport = field_values (engine, released, "tcp.srcport");
    g_autoptr (GArray) len = field_values (engine, released, "tcp.len");

    g_assert_cmpuint (g_array_index (sport, guint64, 0), ==, 1883);
    g_assert_cmpuint (g_array_index (len, guint64, 0), ==, 0);
  }
}

/* ---- CoAP, DNS, TLS --------------------------------------------------------------- */

static void
test_coap (void)
{
  g_autoptr (IotEngine) engine = open_capture ("coap-lossy.pcap");
  g_autoptr (IotInsight) insight = analyze (engine);
  g_autoptr (GArray) req = frames_with (engine, "coap.request_first_in", G_MAXUINT64);
  g_autoptr (GArray) resp = frames_with (engine, "coap.response_first_in", G_MAXUINT64);
  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (guint32));
  const IotInsightItem *item = iot_insight_find (insight, "coap-retransmission", NULL);
  IotDistribution latency = iot_insight_coap_latency (insight);

  g_array_append_vals (all, req->data, req->len);
  g_array_append_vals (all, resp->data, resp->len);
  g_assert_nonnull (item);
  g_assert_cmpuint (item->frames->len, ==, all->len);
  for (guint i = 0; i < all->len; i++)
    g_assert_true (has_frame (item->frames, g_array_index (all, guint32, i)));
  g_assert_cmpuint (all->len, ==, 8);
  /* Every confirmable message got its ACK in the end. */
  g_assert_null (iot_insight_find (insight, "coap-unanswered", NULL));
  g_assert_cmpuint (latency.count, >, 0);
  g_assert_nonnull (iot_insight_find (insight, "cleartext", "port 5683"));
}

static void
test_dns (void)
{
  g_autoptr (IotEngine) engine = open_capture ("dns.pcap");
  g_autoptr (IotInsight) insight = analyze (engine);
  g_autoptr (GArray) nx = frames_with (engine, "dns.flags.rcode", 3);
  const IotInsightItem *item = iot_insight_find (insight, "dns-failure", "missing.iot.lan");

  g_assert_nonnull (item);
  g_assert_cmpuint (nx->len, ==, 1);
  assert_same_frames (item->frames, nx);
  g_assert_cmpuint (count_items (insight, "dns-failure"), ==, 1);
  g_assert_nonnull (strstr (item->summary, "NXDOMAIN"));
}

static void
test_tls (void)
{
  const char *good[] = { "tls12.pcap", "tls13.pcap", "mqtt-tls.pcap", "dtls12.pcap" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (IotEngine) engine = open_capture (good[i]);
      g_autoptr (IotInsight) insight = analyze (engine);

      g_assert_null (iot_insight_find (insight, "weak-tls-version", NULL));
      g_assert_null (iot_insight_find (insight, "weak-cipher", NULL));
      g_assert_null (iot_insight_find (insight, "cleartext", NULL));
    }
  {
    g_autoptr (IotEngine) engine = open_capture ("tls-weak.pcap");
    g_autoptr (IotInsight) insight = analyze (engine);
    g_autoptr (GArray) hellos = frames_with (engine, "tls.handshake.type", 2);
    g_autoptr (GArray) readable = frames_with (engine, "http", G_MAXUINT64);
    const IotInsightItem *cipher = iot_insight_find (insight, "weak-cipher", NULL);
    const IotInsightItem *version = NULL;

    g_assert_cmpuint (hellos->len, ==, 2);
    for (guint i = 0; i < iot_insight_n_items (insight); i++)
      if (strcmp (iot_insight_item (insight, i)->id, "weak-tls-version") == 0
          && strstr (iot_insight_item (insight, i)->summary, "negotiated"))
        version = iot_insight_item (insight, i);
    /* TLS 1.0 in the first Server Hello, NULL-SHA256 in the second. */
    g_assert_nonnull (version);
    g_assert_nonnull (strstr (version->summary, "TLS 1.0"));
    assert_frames (version->frames, (const guint32 *) hellos->data, 1);
    g_assert_nonnull (cipher);
    g_assert_nonnull (strstr (cipher->explanation, "NULL"));
    /* The NULL-cipher connection's HTTP request and response are readable:
     * the finding names them, and they are not reported as clear-text HTTP. */
    g_assert_cmpuint (readable->len, ==, 2);
    g_assert_nonnull (strstr (cipher->explanation, "readable in this capture: HTTP GET /status.json"));
    g_array_prepend_val (readable, g_array_index (hellos, guint32, 1));
    assert_frames (cipher->frames, (const guint32 *) readable->data, 3);
    g_assert_null (iot_insight_find (insight, "cleartext", NULL));
  }
}

/* ---- two capture points -------------------------------------------------------------- */

/* Frames of @engine sent by @src whose IP id never shows up at the other
 * side: with one counter per connection and direction, a hole in the ids
 * seen at the receiver is exactly a datagram that did not get there. */
static GHashTable *
ids_from (IotEngine *engine, const char *src)
{
  GHashTable *ids = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr (GArray) frames = frames_with (engine, "ip.id", G_MAXUINT64);

  for (guint i = 0; i < frames->len; i++)
    {
      guint32 n = g_array_index (frames, guint32, i);
      g_autoptr (GArray) id = field_values (engine, n, "ip.id");
      char text[16];

      {
        g_autoptr (IotPacket) pkt = iot_packet_new ();
        IotDissectOptions options = { 0 };
        const IotAddress *a;

        iot_engine_dissect (engine, pkt, n, &options);
        a = iot_packet_net_src (pkt);
        g_snprintf (text, sizeof text, "%u.%u.%u.%u", a->bytes[0], a->bytes[1], a->bytes[2], a->bytes[3]);
      }
      if (strcmp (text, src) == 0 && g_array_index (id, guint64, 0) != 0)
        g_hash_table_insert (ids, GUINT_TO_POINTER ((guint) g_array_index (id, guint64, 0) + 1), GUINT_TO_POINTER (n));
    }
  return ids;
}

/* Frames of the sender's capture whose id the receiver never saw.  The
 * sender's ids must be one unbroken run (one per datagram, counting up),
 * so each missing id is exactly one datagram lost on the way. */
static GArray *
dropped (GHashTable *sent, GHashTable *received)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr (GList) keys = g_hash_table_get_keys (sent);
  guint min = G_MAXUINT, max = 0;

  for (GList *l = keys; l; l = l->next)
    {
      min = MIN (min, GPOINTER_TO_UINT (l->data) - 1);
      max = MAX (max, GPOINTER_TO_UINT (l->data) - 1);
    }
  g_assert_cmpuint (max - min + 1, ==, g_hash_table_size (sent));
  for (guint id = min; id <= max; id++)
    if (!g_hash_table_contains (received, GUINT_TO_POINTER (id + 1)))
      {
        guint32 frame = GPOINTER_TO_UINT (g_hash_table_lookup (sent, GUINT_TO_POINTER (id + 1)));

        g_array_append_val (out, frame);
      }
  return out;
}

static int
cmp_u32 (gconstpointer a, gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

static void
test_two_points (void)
{
  g_autoptr (IotEngine) a = open_capture ("tcp-loss-device.pcap");
  g_autoptr (IotEngine) b = open_capture ("tcp-loss-broker.pcap");
  g_autoptr (GError) error = NULL;
  g_autoptr (IotCompare) compare = iot_compare_new (a, b, FALSE, &error);
  g_autoptr (IotCompare) nat = iot_compare_new (a, b, TRUE, &error);
  g_autoptr (GHashTable) dev_at_a = ids_from (a, "10.77.1.2");
  g_autoptr (GHashTable) dev_at_b = ids_from (b, "10.77.1.2");
  g_autoptr (GHashTable) brk_at_a = ids_from (a, "10.77.2.2");
  g_autoptr (GHashTable) brk_at_b = ids_from (b, "10.77.2.2");
  g_autoptr (GArray) lost_up = dropped (dev_at_a, dev_at_b);     /* device → broker */
  g_autoptr (GArray) lost_down = dropped (brk_at_b, brk_at_a);   /* broker → device */
  const IotCompareFlow *flow;

  g_assert_no_error (error);
  g_array_sort (lost_up, cmp_u32);
  g_array_sort (lost_down, cmp_u32);
  g_assert_cmpuint (lost_up->len, >, 0);
  g_assert_cmpuint (lost_down->len, >, 0);
  g_assert_cmpuint (iot_compare_n_flows (compare), ==, 1);
  flow = iot_compare_flow (compare, 0);
  /* Exactly the frames the router dropped, no more, no less. */
  assert_same_frames (flow->only_a_frames, lost_up);
  assert_same_frames (flow->only_b_frames, lost_down);
  g_assert_cmpuint (flow->both + flow->only_a, ==, iot_file_n_frames (iot_engine_file (a)));
  g_assert_cmpuint (flow->both + flow->only_b, ==, iot_file_n_frames (iot_engine_file (b)));
  g_assert_cmpuint (flow->delay_ab.count + flow->delay_ba.count, ==, flow->both);
  g_assert_cmpuint (flow->delay_ab.count, >, 0);
  g_assert_cmpuint (flow->delay_ba.count, >, 0);
  /* Ignoring addresses and ports (NAT) finds the same pairs here. */
  assert_same_frames (iot_compare_flow (nat, 0)->only_a_frames, lost_up);
  assert_same_frames (iot_compare_flow (nat, 0)->only_b_frames, lost_down);
}

/* ---- baseline ------------------------------------------------------------------------------ */

static void
test_baseline (void)
{
  g_autoptr (IotEngine) base_engine = open_capture ("insight-periodic.pcap");
  g_autoptr (IotEngine) engine = open_capture ("mqtt-dup.pcap");
  g_autoptr (IotEngine) slow_engine = open_capture ("mqtt311.pcap");
  g_autoptr (IotInsight) base = analyze (base_engine);
  g_autoptr (IotInsight) same = analyze (base_engine);
  g_autoptr (IotInsight) other = analyze (engine);
  g_autoptr (IotInsight) slow = analyze (slow_engine);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("insight-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "base.json", NULL);
  g_autoptr (GArray) pubrec = frames_with (engine, "mqtt.msgtype", 5);
  const IotInsightItem *item;
  gint n;

  g_assert_no_error (error);
  g_assert_true (iot_insight_save_baseline (base, path, &error));
  g_assert_no_error (error);
  /* A capture compared with its own baseline deviates in nothing. */
  n = iot_insight_compare_baseline (same, path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 0);

  n = iot_insight_compare_baseline (other, path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, >, 0);
  g_assert_nonnull (iot_insight_find (other, "new-topic", "dup/qos1"));
  g_assert_nonnull (iot_insight_find (other, "new-device", "iot-dup"));
  /* The periodic sensors never used QoS 2: PUBREC is new; its evidence is
   * the first PUBREC of the capture. */
  for (guint i = 0; i < iot_insight_n_items (other); i++)
    {
      item = iot_insight_item (other, i);
      if (strcmp (item->id, "new-message-type") == 0 && strstr (item->summary, "mqtt:PUBREC")
          && strcmp (item->subject, "127.0.0.1") == 0)
        break;
      item = NULL;
    }
  g_assert_nonnull (item);
  g_assert_cmpuint (g_array_index (item->frames, guint32, 0), ==, g_array_index (pubrec, guint32, 0));
  g_assert_null (iot_insight_find (other, "new-peer", "127.0.0.1"));

  /* mqtt311.pcap sends far fewer packets per minute than the sensors. */
  n = iot_insight_compare_baseline (slow, path, &error);
  g_assert_no_error (error);
  item = iot_insight_find (slow, "rate-change", "127.0.0.1");
  g_assert_nonnull (item);
  g_assert_cmpuint (item->kind, ==, IOT_INSIGHT_DEVIATION);

  /* Not a baseline. */
  g_assert_cmpint (iot_insight_compare_baseline (slow, "tests/captures/README.md", &error), ==, -1);
  g_assert_nonnull (error);
  g_unlink (path);
  g_rmdir (dir);
}


/* ---- causes (make-insight-causes.sh) ------------------------------------------------ */

/* The MQTT message type of frame @n (0: none). */
static guint64
mqtt_type (IotEngine *engine, guint32 n)
{
  g_autoptr (GArray) types = field_values (engine, n, "mqtt.msgtype");

  return types->len ? g_array_index (types, guint64, 0) : 0;
}

/* Two subscribers with one client id: every CONNECT but the publisher's is
 * evidence, every connection the broker closed is a take-over. */
static void
test_clientid_clash (void)
{
  g_autoptr (IotEngine) engine = open_capture ("mqtt-clientid-clash.pcap");
  g_autoptr (IotInsight) insight = analyze (engine);
  g_autoptr (GArray) connects = frames_with (engine, "mqtt.msgtype", 1);
  const IotInsightItem *item = iot_insight_find (insight, "mqtt-clientid-clash", "kitchen-display");

  g_assert_nonnull (item);
  g_assert_cmpuint (count_items (insight, "mqtt-clientid-clash"), ==, 1);
  g_assert_null (iot_insight_find (insight, "mqtt-reconnect-storm", NULL));
  g_assert_cmpuint (item->frames->len, ==, connects->len - 1);
  for (guint i = 0; i < item->frames->len; i++)
    g_assert_true (has_frame (connects, g_array_index (item->frames, guint32, i)));
  /* Each take-over: a FIN (or MQTT 5 DISCONNECT) from port 1883 after the next CONNECT. */
  g_assert_cmpuint (item->related->len, >=, 2);
  for (guint i = 0; i < item->related->len; i++)
    {
      guint32 n = g_array_index (item->related, guint32, i);
      g_autoptr (GArray) sport = field_values (engine, n, "tcp.srcport");

      g_assert_cmpuint (g_array_index (sport, guint64, 0), ==, 1883);
      g_assert_cmpuint (n, >, g_array_index (item->frames, guint32, 0));
    }
  g_assert_nonnull (strstr (item->summary, "take-overs"));
  g_assert_nonnull (item->confirm);
}

/* A broker that answers every fifth QoS 1 PUBLISH 0.9 s late, while its TCP
 * acknowledges at once: the gaps in the device's readings are the broker's. */
static void
test_slow_broker (void)
{
  g_autoptr (IotEngine) engine = open_capture ("mqtt-slow-broker.pcap");
  g_autoptr (IotInsight) insight = analyze (engine);
  const IotInsightItem *item = iot_insight_find (insight, "mqtt-broker-slow", "127.0.0.1:1883");
  IotFile *file = iot_engine_file (engine);

  g_assert_nonnull (item);
  g_assert_null (iot_insight_find (insight, "periodic-gap", NULL));
  g_assert_cmpuint (iot_insight_topic_by_name (insight, "plant/boiler/pressure")->gaps, ==, 3);
  /* Evidence: PUBLISH, PUBACK pairs 0.9 s apart. */
  g_assert_cmpuint (item->frames->len, ==, 6);
  for (guint i = 0; i < item->frames->len; i += 2)
    {
      guint32 pub = g_array_index (item->frames, guint32, i), ack = g_array_index (item->frames, guint32, i + 1);
      gint64 wait = iot_file_frame (file, ack)->ts_ns - iot_file_frame (file, pub)->ts_ns;

      g_assert_cmpuint (mqtt_type (engine, pub), ==, 3);
      g_assert_cmpuint (mqtt_type (engine, ack), ==, 4);
      g_assert_cmpint (wait, >, 850000000);
    }
  /* The gaps: the PUBLISH that waited, and the next reading a second later. */
  g_assert_cmpuint (item->related->len, ==, 6);
  for (guint i = 0; i < item->related->len; i += 2)
    {
      guint32 a = g_array_index (item->related, guint32, i), b = g_array_index (item->related, guint32, i + 1);
      gint64 gap = iot_file_frame (file, b)->ts_ns - iot_file_frame (file, a)->ts_ns;

      g_assert_true (has_frame (item->frames, a));
      g_assert_cmpuint (mqtt_type (engine, b), ==, 3);
      g_assert_cmpint (gap, >, 900000000);
    }
}

/* Topics and subscriptions that never meet, each with its near miss. */
static void
test_topic_mismatch (void)
{
  g_autoptr (IotEngine) engine = open_capture ("mqtt-topic-mismatch.pcap");
  g_autoptr (IotInsight) insight = analyze (engine);
  g_autoptr (GArray) subscribes = frames_with (engine, "mqtt.msgtype", 8);
  g_autoptr (GArray) publishes = frames_with (engine, "mqtt.msgtype", 3);
  const char *near[][2] = {
    { "sensor/kitchen/temperature", "a typo" },
    { "Home/Kitchen/light", "case" },
    { "sensors/temperature", "lacks level 2" },
    { "alerts/door/open", "alerts/#" },
  };
  const IotInsightItem *lonely = iot_insight_find (insight, "mqtt-no-subscriber", NULL);

  g_assert_cmpuint (subscribes->len, ==, 1);
  g_assert_cmpuint (count_items (insight, "mqtt-topic-near-miss"), ==, G_N_ELEMENTS (near));
  for (guint i = 0; i < G_N_ELEMENTS (near); i++)
    {
      const IotInsightItem *item = iot_insight_find (insight, "mqtt-topic-near-miss", near[i][0]);

      g_assert_nonnull (item);
      g_assert_nonnull (strstr (item->summary, near[i][1]));
      g_assert_cmpuint (item->related->len, ==, 1);
      g_assert_cmpuint (g_array_index (item->related, guint32, 0), ==, g_array_index (subscribes, guint32, 0));
      for (guint k = 0; k < item->frames->len; k++)
        g_assert_true (has_frame (publishes, g_array_index (item->frames, guint32, k)));
    }
  g_assert_null (iot_insight_find (insight, "mqtt-topic-near-miss", "sensors/hall/temperature"));
  g_assert_nonnull (lonely);
  g_assert_cmpstr (lonely->subject, ==, "diag/uptime");
  g_assert_cmpint (lonely->severity, ==, IOT_SEV_NOTE);
}

/* An access control list lets the subscriber subscribe to secret/# but not
 * read it: both messages on secret/door were acknowledged to the publisher
 * and never delivered, while sensors/ went through. */
static void
test_not_forwarded (void)
{
  g_autoptr (IotEngine) engine = open_capture ("mqtt-acl-not-forwarded.pcap");
  g_autoptr (IotInsight) insight = analyze (engine);
  g_autoptr (GArray) publishes = frames_with (engine, "mqtt.msgtype", 3);
  g_autoptr (GArray) subscribes = frames_with (engine, "mqtt.msgtype", 8);
  const IotInsightItem *item = iot_insight_find (insight, "mqtt-not-forwarded", "secret/door");
  guint from_clients = 0;

  g_assert_nonnull (item);
  g_assert_cmpuint (count_items (insight, "mqtt-not-forwarded"), ==, 1);
  /* Four PUBLISH frames: three from devices, one delivery (sensors/). */
  g_assert_cmpuint (publishes->len, ==, 4);
  for (guint i = 0; i < publishes->len; i++)
    {
      g_autoptr (GArray) dport = field_values (engine, g_array_index (publishes, guint32, i), "tcp.dstport");

      from_clients += g_array_index (dport, guint64, 0) == 1883;
    }
  g_assert_cmpuint (from_clients, ==, 3);
  g_assert_cmpuint (item->frames->len, ==, 2);
  for (guint i = 0; i < item->frames->len; i++)
    g_assert_true (has_frame (publishes, g_array_index (item->frames, guint32, i)));
  g_assert_cmpuint (g_array_index (item->related, guint32, 0), ==, g_array_index (subscribes, guint32, 0));
}

/* A 4000-byte PUBLISH over the broker's max_packet_size: the reset, the
 * unanswered PUBLISH and the reconnect are its symptoms, not findings. */
static void
test_too_large (void)
{
  g_autoptr (IotEngine) engine = open_capture ("mqtt-too-large.pcap");
  g_autoptr (IotInsight) insight = analyze (engine);
  g_autoptr (GArray) rsts = frames_with (engine, "tcp.flags.reset", 1);
  const IotInsightItem *item = iot_insight_find (insight, "mqtt-packet-too-large", "logger-5");
  guint32 publish, reset;
  g_autoptr (GArray) size = NULL;

  g_assert_nonnull (item);
  g_assert_cmpuint (item->frames->len, ==, 2);
  publish = g_array_index (item->frames, guint32, 0);
  reset = g_array_index (item->frames, guint32, 1);
  g_assert_cmpuint (mqtt_type (engine, publish), ==, 3);
  size = field_values (engine, publish, "mqtt.len");
  g_assert_cmpuint (g_array_index (size, guint64, 0), >, 4000);
  g_assert_true (has_frame (rsts, reset));
  g_assert_null (iot_insight_find (insight, "mqtt-reset-reconnect", NULL));
  g_assert_null (iot_insight_find (insight, "mqtt-unacknowledged", NULL));
  g_assert_true (has_frame (item->related, reset));
}

/* Seven TLS handshakes that fail, each named for its cause from the alert,
 * the certificate's dates against the capture's time, and the names. */
static void
test_tls_failures (void)
{
  g_autoptr (IotEngine) engine = open_capture ("tls-failures.pcap");
  g_autoptr (IotInsight) insight = analyze (engine);
  g_autoptr (GArray) alerts = frames_with (engine, "tls.alert_message.level", 2);
  g_autoptr (GArray) ntp = frames_with (engine, "ntp.flags.mode", 3);
  const char *ids[] = { "tls-certificate-expired", "tls-certificate-not-yet-valid", "tls-unknown-ca",
                        "tls-name-mismatch", "tls-client-clock", "tls-version-mismatch" };
  const IotInsightItem *clock = iot_insight_find (insight, "tls-client-clock", NULL);
  guint alerts_seen = 0;

  g_assert_cmpuint (alerts->len, ==, 7);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      const IotInsightItem *item = iot_insight_find (insight, ids[i], NULL);

      g_assert_nonnull (item);
      g_assert_cmpuint (count_items (insight, ids[i]), ==, 1);
      g_assert_nonnull (item->confidence);
      for (guint k = 0; k < item->frames->len; k++)
        alerts_seen += has_frame (alerts, g_array_index (item->frames, guint32, k));
    }
  /* Every fatal alert is the evidence of exactly one finding. */
  g_assert_cmpuint (alerts_seen, ==, alerts->len);
  /* The device with the wrong clock: two handshakes, one finding, and its
   * unanswered NTP request instead of a separate ntp-unanswered. */
  g_assert_nonnull (strstr (clock->summary, "2 failed handshakes"));
  g_assert_nonnull (strstr (clock->summary, "NTP"));
  g_assert_cmpuint (ntp->len, ==, 2);
  g_assert_cmpuint (clock->related->len, ==, 1);
  g_assert_cmpuint (g_array_index (clock->related, guint32, 0), ==, g_array_index (ntp, guint32, 0));
  g_assert_null (iot_insight_find (insight, "ntp-unanswered", NULL));
  g_assert_nonnull (strstr (iot_insight_find (insight, "tls-name-mismatch", NULL)->summary, "other.plant.test"));
  g_assert_nonnull (strstr (iot_insight_find (insight, "tls-certificate-expired", NULL)->summary, "2024-01-01"));
}

/* The capture point from the handshakes: the broker's side of the lossy
 * router (the client's ACK comes a round trip later), and loopback. */
static void
test_capture_point (void)
{
  g_autoptr (IotEngine) broker_side = open_capture ("tcp-loss-broker.pcap");
  g_autoptr (IotInsight) at_broker = analyze (broker_side);
  g_autoptr (IotEngine) loopback = open_capture ("mqtt311.pcap");
  g_autoptr (IotInsight) local = analyze (loopback);
  g_autoptr (IotEngine) udp_only = open_capture ("coap.pcap");
  g_autoptr (IotInsight) none = analyze (udp_only);

  g_assert_nonnull (iot_insight_capture_point (at_broker));
  g_assert_cmpstr (iot_insight_capture_point (at_broker)->subject, ==, "next to the servers (broker)");
  g_assert_nonnull (strstr (iot_insight_capture_point (local)->subject, "within a millisecond"));
  g_assert_cmpstr (iot_insight_capture_point (local)->confidence, ==, "high");
  g_assert_null (iot_insight_capture_point (none));
  g_assert_null (iot_insight_find (local, "capture-point", NULL));
}

/* A device that cannot join: four DISCOVERs of one transaction nobody
 * answers, a NAK it recovers from, ARP for a broker that is not there. */
static void
test_network_join (void)
{
  g_autoptr (IotEngine) engine = open_capture ("network-join.pcap");
  g_autoptr (IotInsight) insight = analyze (engine);
  g_autoptr (GArray) discovers = frames_with (engine, "dhcp.option.dhcp", 1);
  g_autoptr (GArray) offers = frames_with (engine, "dhcp.option.dhcp", 2);
  g_autoptr (GArray) naks = frames_with (engine, "dhcp.option.dhcp", 6);
  g_autoptr (GArray) arp_requests = frames_with (engine, "arp.opcode", 1);
  const IotInsightItem *no_offer = iot_insight_find (insight, "dhcp-no-offer", "02:97:00:00:00:0a");
  const IotInsightItem *nak = iot_insight_find (insight, "dhcp-nak", NULL);
  const IotInsightItem *arp = iot_insight_find (insight, "arp-unanswered", "10.97.0.77");

  g_assert_nonnull (no_offer);
  g_assert_cmpuint (offers->len, ==, 1);
  /* Every DISCOVER before the one that was offered an address. */
  g_assert_cmpuint (no_offer->frames->len, ==, discovers->len - 1);
  for (guint i = 0; i < no_offer->frames->len; i++)
    g_assert_cmpuint (g_array_index (no_offer->frames, guint32, i), <, g_array_index (offers, guint32, 0));
  g_assert_nonnull (nak);
  g_assert_cmpint (nak->severity, ==, IOT_SEV_NOTE);
  g_assert_true (has_frame (nak->frames, g_array_index (naks, guint32, 0)));
  g_assert_nonnull (strstr (nak->summary, "10.42.0.17"));
  g_assert_nonnull (arp);
  g_assert_cmpuint (arp->frames->len, ==, 3);
  for (guint i = 0; i < arp->frames->len; i++)
    g_assert_true (has_frame (arp_requests, g_array_index (arp->frames, guint32, i)));
  /* The gateway answered: no finding about it. */
  g_assert_null (iot_insight_find (insight, "arp-unanswered", "10.97.0.1"));
}

/* A NAT router that forgets connections idle for 3 s: the message after a
 * 6 s silence gets a reset (and the reconnect works at once), or vanishes
 * into retransmissions; the 2 s pause before went through. */
static void
test_path_idle (void)
{
  g_autoptr (IotEngine) reset_engine = open_capture ("nat-idle-reset.pcap");
  g_autoptr (IotInsight) reset = analyze (reset_engine);
  g_autoptr (IotEngine) drop_engine = open_capture ("nat-idle-drop.pcap");
  g_autoptr (IotInsight) drop = analyze (drop_engine);
  g_autoptr (GArray) rsts = frames_with (reset_engine, "tcp.flags.reset", 1);
  g_autoptr (GArray) syns = frames_with (reset_engine, "tcp.flags.syn", 1);
  g_autoptr (GArray) retrans = frames_with (drop_engine, "tcp.analysis.retransmission", G_MAXUINT64);
  const IotInsightItem *r = iot_insight_find (reset, "path-idle-timeout", "10.96.2.2:1883");
  const IotInsightItem *d = iot_insight_find (drop, "path-idle-timeout", "10.96.2.2:1883");

  g_assert_nonnull (r);
  g_assert_cmpuint (count_items (reset, "path-idle-timeout"), ==, 1);
  /* Every reset is evidence; the reset-and-reconnect is a symptom now. */
  for (guint i = 0; i < rsts->len; i++)
    g_assert_true (has_frame (r->frames, g_array_index (rsts, guint32, i)));
  g_assert_null (iot_insight_find (reset, "mqtt-reset-reconnect", NULL));
  g_assert_true (has_frame (r->related, g_array_index (syns, guint32, 2)));   /* the second connection's SYN */
  g_assert_nonnull (strstr (r->explanation, "between 2.0 and"));
  g_assert_cmpstr (r->confidence, ==, "high");

  g_assert_nonnull (d);
  g_assert_cmpuint (retrans->len, >=, 3);
  for (guint i = 0; i < retrans->len; i++)
    g_assert_true (has_frame (d->frames, g_array_index (retrans, guint32, i)));
  g_assert_null (iot_insight_find (drop, "tcp-retransmissions", NULL));
  g_assert_nonnull (strstr (d->explanation, "keep-alive is 30 s"));
}

/* A router link with a smaller MTU and the ICMP that would say so dropped:
 * two small readings pass, the 3000-byte snapshot's full-size segments are
 * resent for ever. */
static void
test_mtu_blackhole (void)
{
  g_autoptr (IotEngine) engine = open_capture ("path-mtu-blackhole.pcap");
  g_autoptr (IotInsight) insight = analyze (engine);
  g_autoptr (GArray) resent = frames_with (engine, "tcp.analysis.retransmission", G_MAXUINT64);
  g_autoptr (GArray) pubacks = frames_with (engine, "mqtt.msgtype", 4);
  const IotInsightItem *item = iot_insight_find (insight, "path-mtu-blackhole", "10.96.2.2:1883");
  guint big = 0;

  g_assert_nonnull (item);
  g_assert_cmpuint (pubacks->len, ==, 2);   /* the two small readings */
  for (guint i = 0; i < resent->len; i++)
    {
      guint32 n = g_array_index (resent, guint32, i);
      g_autoptr (GArray) len = field_values (engine, n, "tcp.len");

      if (g_array_index (len, guint64, 0) > 1000)
        {
          g_assert_true (has_frame (item->frames, n));
          big++;
        }
    }
  g_assert_cmpuint (big, >=, 3);
  g_assert_cmpuint (item->frames->len, ==, big);
  g_assert_null (iot_insight_find (insight, "tcp-retransmissions", NULL));
  g_assert_null (iot_insight_find (insight, "mqtt-unacknowledged", NULL));
}

/* Frames where @a is @va and @b is @vb: an independent selection. */
static GArray *
frames_with_both (IotEngine *engine, const char *a, guint64 va, const char *b, guint64 vb)
{
  g_autoptr (GArray) first = frames_with (engine, a, va);
  g_autoptr (GArray) second = frames_with (engine, b, vb);
  GArray *both = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint i = 0; i < first->len; i++)
    if (has_frame (second, g_array_index (first, guint32, i)))
      g_array_append_val (both, g_array_index (first, guint32, i));
  return both;
}

static void
assert_all_in (const GArray *frames, const GArray *within)
{
  g_assert_cmpuint (frames->len, >, 0);
  for (guint i = 0; i < frames->len; i++)
    g_assert_true (has_frame (within, g_array_index (frames, guint32, i)));
}

static void
test_coap_observer_restarted (void)
{
  g_autoptr (IotEngine) engine = open_capture ("coap-observe-gone.pcap");
  g_autoptr (IotInsight) insight = analyze (engine);
  g_autoptr (GArray) resets = frames_with (engine, "coap.type", 3);
  g_autoptr (GArray) unreachable = frames_with (engine, "icmp.type", 3);
  g_autoptr (GArray) registrations = frames_with_both (engine, "coap.opt.observe", 0, "coap.code", 1);
  g_autoptr (GArray) mid = NULL, copies = NULL;
  const IotInsightItem *item = iot_insight_find (insight, "coap-observer-restarted", "10.15.0.2:43700");

  g_assert_nonnull (item);
  g_assert_cmpstr (item->confidence, ==, "high");
  g_assert_cmpuint (resets->len, ==, 1);
  assert_all_in (resets, item->frames);
  /* The port unreachable while the device was down (the last one answers
   * the server's reply after the new process exited, not this story), both
   * registrations and every copy of the notification the RST refused. */
  g_assert_cmpuint (unreachable->len, ==, 3);
  g_assert_false (has_frame (item->frames, g_array_index (unreachable, guint32, 2)));
  g_array_set_size (unreachable, 2);
  assert_all_in (unreachable, item->frames);
  g_assert_cmpuint (registrations->len, ==, 2);
  assert_all_in (registrations, item->frames);
  mid = field_values (engine, g_array_index (resets, guint32, 0), "coap.mid");
  copies = frames_with_both (engine, "coap.mid", g_array_index (mid, guint64, 0), "coap.type", 0);
  g_assert_cmpuint (copies->len, >=, 2);
  assert_all_in (copies, item->frames);
  /* Its retransmissions are this finding's evidence, not one of their own. */
  g_assert_null (iot_insight_find (insight, "coap-retransmission", NULL));
  g_assert_null (iot_insight_find (insight, "coap-observer-gone", NULL));
}

/* The same observer, the capture ending before it came back: gone, with
 * every copy of the notification nobody acknowledged and the ICMP errors. */
static void
test_coap_observer_gone (void)
{
  g_autoptr (IotEngine) engine = open_capture ("coap-observer-gone.pcap");
  g_autoptr (IotInsight) insight = analyze (engine);
  g_autoptr (GArray) unreachable = frames_with (engine, "icmp.type", 3);
  g_autoptr (GArray) acks = frames_with (engine, "coap.type", 2);
  g_autoptr (GArray) copies = NULL, mid = NULL;
  const IotInsightItem *item = iot_insight_find (insight, "coap-observer-gone", "10.15.0.2:43700");
  guint32 last = 0;

  g_assert_nonnull (item);
  g_assert_null (iot_insight_find (insight, "coap-observer-restarted", NULL));
  g_assert_cmpuint (unreachable->len, ==, 2);
  assert_all_in (unreachable, item->frames);
  /* The notification after the last ACK, every copy of it. */
  last = g_array_index (acks, guint32, acks->len - 1);
  mid = field_values (engine, last + 1, "coap.mid");
  copies = frames_with_both (engine, "coap.mid", g_array_index (mid, guint64, 0), "coap.type", 0);
  g_assert_cmpuint (copies->len, >=, 2);
  assert_all_in (copies, item->frames);
  g_assert_null (iot_insight_find (insight, "coap-unanswered", NULL));
  g_assert_null (iot_insight_find (insight, "coap-retransmission", NULL));
}

static void
test_coap_observe_cancel (void)
{
  g_autoptr (IotEngine) engine = open_capture ("coap-observe-cancel.pcap");
  g_autoptr (IotInsight) insight = analyze (engine);
  g_autoptr (GArray) cancels = frames_with_both (engine, "coap.opt.observe", 1, "coap.code", 1);
  g_autoptr (GArray) resets = frames_with (engine, "coap.type", 3);
  g_autoptr (GArray) unreachable = frames_with (engine, "icmp.type", 3);
  g_autoptr (GArray) notifications = frames_with_both (engine, "udp.dstport", 43703, "coap.type", 0);
  g_autoptr (GArray) after = g_array_new (FALSE, FALSE, sizeof (guint32));
  const IotInsightItem *normal = iot_insight_find (insight, "coap-observe-cancelled", "43701");
  const IotInsightItem *by_reset = iot_insight_find (insight, "coap-observe-cancelled", "43702");
  const IotInsightItem *ignored = iot_insight_find (insight, "coap-notify-after-cancel", "10.15.0.13");
  guint32 cancel;

  g_assert_cmpuint (cancels->len, ==, 2);
  /* A GET Observe=1 that the server honoured is how an observation ends. */
  g_assert_null (normal);
  g_assert_null (iot_insight_find (insight, "coap-notify-after-cancel", "43701"));
  g_assert_nonnull (by_reset);
  g_assert_cmpint (by_reset->severity, ==, IOT_SEV_NOTE);
  g_assert_cmpuint (resets->len, ==, 1);
  assert_all_in (resets, by_reset->frames);
  /* The fake server's notifications after the client's GET Observe=1 (and
   * its answer) are the evidence; the port unreachable they met too. */
  g_assert_nonnull (ignored);
  cancel = g_array_index (cancels, guint32, 1);
  g_assert_true (has_frame (ignored->frames, cancel));
  for (guint i = 0; i < notifications->len; i++)
    if (g_array_index (notifications, guint32, i) > cancel
        && !has_frame (unreachable, g_array_index (notifications, guint32, i)))   /* not the ICMP's quote */
      g_array_append_val (after, g_array_index (notifications, guint32, i));
  g_assert_cmpuint (after->len, ==, 3);
  assert_all_in (after, ignored->frames);
  {
    /* ICMP errors that quote a notification (a CON), not the ACK that
     * answered the cancellation. */
    g_autoptr (GArray) quoting = frames_with_both (engine, "icmp.type", 3, "coap.type", 0);

    g_assert_cmpuint (quoting->len, ==, 3);
    g_assert_cmpuint (unreachable->len, ==, 4);
    assert_all_in (quoting, ignored->related);
    g_assert_cmpuint (ignored->related->len, ==, 3);
  }
}

static void
test_coap_block_stall (void)
{
  g_autoptr (IotEngine) engine = open_capture ("coap-block-stall.pcap");
  g_autoptr (IotInsight) insight = analyze (engine);
  g_autoptr (GArray) block5 = frames_with_both (engine, "udp.srcport", 43712, "coap.opt.block_number", 5);
  g_autoptr (GArray) block3 = frames_with_both (engine, "udp.srcport", 43713, "coap.opt.block_number", 3);
  g_autoptr (GArray) last_read = frames_with_both (engine, "udp.dstport", 43714, "coap.opt.block_number", 3);
  const IotInsightItem *download = iot_insight_find (insight, "coap-block-stalled", "43712");
  const IotInsightItem *upload = iot_insight_find (insight, "coap-block-stalled", "43713");
  const IotInsightItem *client = iot_insight_find (insight, "coap-block-stalled", "43714");

  /* The complete transfers of the real peers are not findings. */
  g_assert_null (iot_insight_find (insight, "coap-block-stalled", "43710"));
  g_assert_null (iot_insight_find (insight, "coap-block-stalled", "43711"));
  /* The server stopped: every copy of the request it never answered. */
  g_assert_nonnull (download);
  g_assert_cmpuint (block5->len, ==, 3);
  assert_all_in (block5, download->frames);
  g_assert_true (strstr (download->summary, "after block 4") != NULL);
  g_assert_nonnull (upload);
  g_assert_cmpuint (block3->len, ==, 3);
  assert_all_in (block3, upload->frames);
  g_assert_true (strstr (upload->summary, "after block 2") != NULL);
  /* The client stopped after the server's block 3 said more follow. */
  g_assert_nonnull (client);
  g_assert_cmpuint (last_read->len, ==, 1);
  assert_all_in (last_read, client->frames);
  g_assert_true (strstr (client->summary, "the client stopped") != NULL);
  g_assert_null (iot_insight_find (insight, "coap-unanswered", NULL));
  g_assert_null (iot_insight_find (insight, "coap-retransmission", NULL));
}

static void
test_coap_rst (void)
{
  g_autoptr (IotEngine) engine = open_capture ("coap-rst.pcap");
  g_autoptr (IotInsight) insight = analyze (engine);
  g_autoptr (GArray) resets = frames_with (engine, "coap.type", 3);
  g_autoptr (GArray) refused = frames_with_both (engine, "coap.type", 0, "coap.code", 1);
  g_autoptr (GArray) non = frames_with_both (engine, "coap.type", 1, "coap.code", 1);
  g_autoptr (GArray) pings = frames_with_both (engine, "coap.type", 0, "coap.code", 0);
  const IotInsightItem *item = iot_insight_find (insight, "coap-request-reset", "10.15.0.14:5683");

  g_assert_nonnull (item);
  g_assert_cmpuint (resets->len, ==, 2);
  g_assert_cmpuint (refused->len, ==, 1);
  assert_all_in (refused, item->frames);
  g_assert_true (has_frame (item->frames, g_array_index (resets, guint32, 0)));
  /* The answered NON request is what names the reason. */
  g_assert_cmpuint (non->len, ==, 1);
  assert_all_in (non, item->related);
  g_assert_cmpstr (item->confidence, ==, "high");
  /* A RST is the answer to a CoAP ping: not a finding. */
  g_assert_cmpuint (pings->len, ==, 1);
  g_assert_false (has_frame (item->frames, g_array_index (resets, guint32, 1)));
  g_assert_cmpuint (iot_insight_n_items (insight), >, 0);
  for (guint i = 0; i < iot_insight_n_items (insight); i++)
    if (g_str_has_prefix (iot_insight_item (insight, i)->id, "coap-"))
      g_assert_false (has_frame (iot_insight_item (insight, i)->frames, g_array_index (pings, guint32, 0)));
}

/* coap-server-restart.pcap: coap-server killed and started again under an
 * observer (a request to it in between gets ICMP port unreachable; it
 * answers again afterwards): the notifications stop without a word and the
 * observer cancels 16 s later; a client restarted on the same port with a
 * new token resets the separate response to its predecessor's request. */
static void
test_coap_server_restart (void)
{
  g_autoptr (IotEngine) engine = open_capture ("coap-server-restart.pcap");
  g_autoptr (IotInsight) insight = analyze (engine);
  g_autoptr (GArray) notifications = frames_with_both (engine, "udp.dstport", 43730, "coap.type", 0);
  g_autoptr (GArray) cancel = frames_with_both (engine, "udp.srcport", 43730, "coap.opt.observe", 1);
  g_autoptr (GArray) refused = frames_with_both (engine, "udp.srcport", 43731, "coap.code", 1);
  g_autoptr (GArray) icmp = frames_with_both (engine, "icmp.type", 3, "udp.srcport", 43731);
  g_autoptr (GArray) answered = frames_with_both (engine, "udp.dstport", 43732, "coap.code", 69);
  g_autoptr (GArray) rst = frames_with_both (engine, "udp.srcport", 43733, "coap.type", 3);
  g_autoptr (GArray) async_req = frames_with_both (engine, "udp.srcport", 43733, "coap.code", 1);
  const IotInsightItem *lost = iot_insight_find (insight, "coap-observation-lost", "10.15.5.2:43730");
  const IotInsightItem *reset = iot_insight_find (insight, "coap-response-reset", "10.15.5.2:43733");
  guint32 last;

  g_assert_cmpuint (notifications->len, >=, 3);
  last = g_array_index (notifications, guint32, notifications->len - 1);
  g_assert_cmpuint (cancel->len, ==, 1);
  g_assert_cmpuint (icmp->len, ==, 1);
  /* The request, and its copy quoted in the ICMP error. */
  g_assert_cmpuint (refused->len, ==, 2);
  g_assert_cmpuint (g_array_index (refused, guint32, 1), ==, g_array_index (icmp, guint32, 0));
  g_assert_cmpuint (answered->len, ==, 1);
  /* Nothing came for the observer between its last notification and its
   * cancellation; the refused request and the answer lie in between. */
  g_assert_cmpuint (g_array_index (refused, guint32, 0), >, last);
  g_assert_cmpuint (g_array_index (answered, guint32, 0), <, g_array_index (cancel, guint32, 0));
  g_assert_nonnull (lost);
  g_assert_cmpstr (lost->confidence, ==, "high");
  g_assert_true (has_frame (lost->frames, last));
  g_assert_true (has_frame (lost->frames, g_array_index (refused, guint32, 0)));
  g_assert_true (has_frame (lost->frames, g_array_index (icmp, guint32, 0)));
  g_assert_true (has_frame (lost->frames, g_array_index (cancel, guint32, 0)));
  /* The server's first message after the restart says it is up. */
  g_assert_true (has_frame (lost->frames, g_array_index (answered, guint32, 0)));
  /* The refused request is this finding's evidence, not a finding of its own. */
  g_assert_null (iot_insight_find (insight, "coap-unanswered", NULL));

  /* The separate response: the request, its empty ACK, the CON 2.05 and the RST. */
  g_assert_cmpuint (rst->len, ==, 1);
  g_assert_cmpuint (async_req->len, >=, 1);
  g_assert_nonnull (reset);
  {
    guint32 req = g_array_index (async_req, guint32, 0);
    g_autoptr (GArray) req_mid = field_values (engine, req, "coap.mid");
    g_autoptr (GArray) acks = frames_with_both (engine, "coap.mid", g_array_index (req_mid, guint64, 0),
                                                "coap.type", 2);
    g_autoptr (GArray) rst_mid = field_values (engine, g_array_index (rst, guint32, 0), "coap.mid");
    g_autoptr (GArray) response = frames_with_both (engine, "coap.mid", g_array_index (rst_mid, guint64, 0),
                                                    "coap.type", 0);
    guint32 want[4];

    g_assert_cmpuint (acks->len, ==, 1);
    g_assert_cmpuint (response->len, ==, 1);
    want[0] = req;
    want[1] = g_array_index (acks, guint32, 0);
    want[2] = g_array_index (response, guint32, 0);
    want[3] = g_array_index (rst, guint32, 0);
    assert_frames (reset->frames, want, 4);
  }
}

/* mqtt-puback-first-seen.pcap: a router before the capture point dropped
 * the broker's first PUBACK; the capture sees it only in the broker's
 * retransmission.  Those bytes are new here, so they are decoded (tshark
 * 4.0 does not decode any retransmission) and the PUBLISH is answered; the
 * device's own retransmitted PUBLISH, seen before, is not decoded twice. */
static void
test_puback_first_seen (void)
{
  g_autoptr (IotEngine) engine = open_capture ("mqtt-puback-first-seen.pcap");
  g_autoptr (IotInsight) insight = analyze (engine);
  g_autoptr (GArray) resent = frames_with (engine, "tcp.analysis.retransmission", G_MAXUINT64);
  g_autoptr (GArray) lost = frames_with (engine, "tcp.analysis.lost_segment", G_MAXUINT64);
  g_autoptr (GArray) pubacks = frames_with (engine, "mqtt.msgtype", 4);
  g_autoptr (GArray) publishes = frames_with_both (engine, "mqtt.qos", 1, "tcp.dstport", 1883);
  guint32 from_broker = 0, from_device = 0;

  g_assert_cmpuint (resent->len, ==, 2);
  for (guint i = 0; i < resent->len; i++)
    {
      guint32 n = g_array_index (resent, guint32, i);
      g_autoptr (GArray) sport = field_values (engine, n, "tcp.srcport");

      if (g_array_index (sport, guint64, 0) == 1883)
        from_broker = n;
      else
        from_device = n;
    }
  g_assert_cmpuint (from_broker, !=, 0);
  g_assert_cmpuint (from_device, !=, 0);
  /* The command the broker sent after the lost PUBACK came first. */
  g_assert_cmpuint (lost->len, >=, 1);
  g_assert_cmpuint (g_array_index (lost, guint32, 0), <, from_broker);
  /* The broker's retransmission carries PUBACK 10 for the first reading. */
  {
    g_autoptr (GArray) type = field_values (engine, from_broker, "mqtt.msgtype");
    g_autoptr (GArray) msgid = field_values (engine, from_broker, "mqtt.msgid");
    g_autoptr (GArray) data = field_values (engine, from_broker, "tcp.segment_data");

    g_assert_cmpuint (type->len, ==, 1);
    g_assert_cmpuint (g_array_index (type, guint64, 0), ==, 4);
    g_assert_cmpuint (g_array_index (msgid, guint64, 0), ==, 10);
    g_assert_cmpuint (data->len, ==, 0);
  }
  /* The device's retransmitted PUBLISH was seen before: not decoded again. */
  {
    g_autoptr (GArray) type = field_values (engine, from_device, "mqtt.msgtype");
    g_autoptr (GArray) data = field_values (engine, from_device, "tcp.segment_data");

    g_assert_cmpuint (type->len, ==, 0);
    g_assert_cmpuint (data->len, ==, 1);
  }
  g_assert_cmpuint (publishes->len, ==, 3);
  g_assert_cmpuint (pubacks->len, ==, 3);
  g_assert_null (iot_insight_find (insight, "mqtt-unacknowledged", NULL));
  g_assert_cmpuint (iot_insight_mqtt_latency (insight).count, ==, 3);
}

/* ---- gaps in periodic series and what explains them ----------------------------- */

/* The publications @client_id sent to the broker, one entry per frame, with
 * the number of PUBLISHes each frame carries in @counts; its TCP stream in
 * @stream. */
static GArray *
publications_of (IotEngine *engine, IotInsight *insight, const char *client_id, GArray *counts, guint64 *stream)
{
  g_autoptr (GArray) publishes = frames_with (engine, "mqtt.msgtype", 3);
  GArray *frames = g_array_new (FALSE, FALSE, sizeof (guint32));

  *stream = G_MAXUINT64;
  for (guint i = 0; i < iot_insight_n_sessions (insight); i++)
    if (strcmp (iot_insight_session (insight, i)->client_id, client_id) == 0)
      *stream = iot_insight_session (insight, i)->stream;
  g_assert_cmpuint (*stream, !=, G_MAXUINT64);
  for (guint i = 0; i < publishes->len; i++)
    {
      guint32 n = g_array_index (publishes, guint32, i);
      g_autoptr (GArray) st = field_values (engine, n, "tcp.stream");
      g_autoptr (GArray) dport = field_values (engine, n, "tcp.dstport");
      g_autoptr (GArray) types = field_values (engine, n, "mqtt.msgtype");
      guint count = 0;

      if (g_array_index (st, guint64, 0) != *stream || g_array_index (dport, guint64, 0) != 1883)
        continue;
      for (guint k = 0; k < types->len; k++)
        count += g_array_index (types, guint64, k) == 3;
      g_array_append_val (frames, n);
      g_array_append_val (counts, count);
    }
  return frames;
}

/* The index in @frames of the publication that ends the longest pause. */
static guint
longest_pause (IotEngine *engine, const GArray *frames)
{
  IotFile *file = iot_engine_file (engine);
  gint64 longest = 0;
  guint at = 0;

  for (guint i = 1; i < frames->len; i++)
    {
      gint64 dt = iot_file_frame (file, g_array_index (frames, guint32, i))->ts_ns
                  - iot_file_frame (file, g_array_index (frames, guint32, i - 1))->ts_ns;

      if (dt > longest)
        {
          longest = dt;
          at = i;
        }
    }
  g_assert_cmpuint (at, >, 0);
  return at;
}

/* TCP retransmissions of @stream between frames @after and @before. */
static GArray *
retransmissions_between (IotEngine *engine, guint64 stream, guint32 after, guint32 before)
{
  g_autoptr (GArray) resent = frames_with (engine, "tcp.analysis.retransmission", G_MAXUINT64);
  GArray *out = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint i = 0; i < resent->len; i++)
    {
      guint32 n = g_array_index (resent, guint32, i);
      g_autoptr (GArray) st = field_values (engine, n, "tcp.stream");

      if (n > after && n < before && g_array_index (st, guint64, 0) == stream)
        g_array_append_val (out, n);
    }
  return out;
}

/* meter-b's gap is its own (readings left out, nothing resent on its
 * connection): periodic-gap with the two publications around it. */
static void
assert_device_gap (IotEngine *engine, IotInsight *insight)
{
  g_autoptr (GArray) counts = g_array_new (FALSE, FALSE, sizeof (guint));
  guint64 stream;
  g_autoptr (GArray) frames = publications_of (engine, insight, "meter-b", counts, &stream);
  guint at = longest_pause (engine, frames);
  guint32 want[] = { g_array_index (frames, guint32, at - 1), g_array_index (frames, guint32, at) };
  const IotInsightItem *gap = iot_insight_find (insight, "periodic-gap", "plant/meter-b/power");
  g_autoptr (GArray) resent = retransmissions_between (engine, stream, want[0], want[1]);

  g_assert_cmpuint (frames->len, ==, 17);
  g_assert_cmpuint (resent->len, ==, 0);
  g_assert_nonnull (gap);
  assert_frames (gap->frames, want, 2);
  /* It resumes with one reading, not a burst. */
  g_assert_cmpuint (g_array_index (counts, guint, at), ==, 1);
  g_assert_null (iot_insight_find (insight, "periodic-gap-losses", "plant/meter-b/power"));
  g_assert_null (iot_insight_find (insight, "periodic-gap-held-up", "plant/meter-b/power"));
}

/* mqtt-gap-losses.pcap, captured on the device's side of a router that
 * dropped meter-a's segments for 2.7 s: the kernel's resends are in the
 * capture, inside meter-a's longest pause; they explain it (and are its
 * evidence, not a tcp-retransmissions finding of their own). */
static void
test_gap_losses (void)
{
  g_autoptr (IotEngine) engine = open_capture ("mqtt-gap-losses.pcap");
  g_autoptr (IotInsight) insight = analyze (engine);
  g_autoptr (GArray) counts = g_array_new (FALSE, FALSE, sizeof (guint));
  guint64 stream;
  g_autoptr (GArray) frames = publications_of (engine, insight, "meter-a", counts, &stream);
  guint at = longest_pause (engine, frames);
  guint32 want[] = { g_array_index (frames, guint32, at - 1), g_array_index (frames, guint32, at) };
  g_autoptr (GArray) resent = retransmissions_between (engine, stream, want[0], want[1]);
  const IotInsightItem *item = iot_insight_find (insight, "periodic-gap-losses", "plant/meter-a/power");

  g_assert_cmpuint (resent->len, >=, 2);
  g_assert_nonnull (item);
  assert_frames (item->frames, want, 2);
  assert_same_frames (item->related, resent);
  g_assert_null (iot_insight_find (insight, "periodic-gap", "plant/meter-a/power"));
  g_assert_null (iot_insight_find (insight, "tcp-retransmissions", NULL));
  assert_device_gap (engine, insight);
}

/* mqtt-gap-losses-broker.pcap, the same traffic on the broker's side: the
 * lost segments and their resends never passed here, so meter-a's pause
 * ends with the readings it left out arriving in a burst on the same
 * connection, with packet identifiers that go on without a hole. */
static void
test_gap_held_up (void)
{
  g_autoptr (IotEngine) engine = open_capture ("mqtt-gap-losses-broker.pcap");
  g_autoptr (IotInsight) insight = analyze (engine);
  g_autoptr (GArray) counts = g_array_new (FALSE, FALSE, sizeof (guint));
  guint64 stream;
  g_autoptr (GArray) frames = publications_of (engine, insight, "meter-a", counts, &stream);
  guint at = longest_pause (engine, frames);
  IotFile *file = iot_engine_file (engine);
  gint64 end_ns = iot_file_frame (file, g_array_index (frames, guint32, at))->ts_ns;
  g_autoptr (GArray) resent = frames_with (engine, "tcp.analysis.retransmission", G_MAXUINT64);
  const IotInsightItem *item = iot_insight_find (insight, "periodic-gap-held-up", "plant/meter-a/power");
  guint burst = 0, last = at;
  guint64 next_id;

  g_assert_cmpuint (resent->len, ==, 0);
  g_assert_cmpuint (frames->len, <, 20);   /* twenty readings, some in one segment */
  /* The publications within 0.1 s of the one that ends the pause. */
  for (guint i = at; i < frames->len; i++)
    if (iot_file_frame (file, g_array_index (frames, guint32, i))->ts_ns - end_ns < 100000000)
      {
        burst += g_array_index (counts, guint, i);
        last = i;
      }
  g_assert_cmpuint (burst, >=, 3);
  {
    guint32 want[] = { g_array_index (frames, guint32, at - 1), g_array_index (frames, guint32, at),
                       g_array_index (frames, guint32, last) };

    g_assert_nonnull (item);
    assert_frames (item->frames, want, last > at ? 3 : 2);
  }
  /* Nothing was lost: the packet identifiers go on one by one. */
  {
    g_autoptr (GArray) ids = field_values (engine, g_array_index (frames, guint32, at - 1), "mqtt.msgid");

    next_id = g_array_index (ids, guint64, 0) + 1;
    for (guint i = at; i <= last; i++)
      {
        g_autoptr (GArray) more = field_values (engine, g_array_index (frames, guint32, i), "mqtt.msgid");

        for (guint k = 0; k < more->len; k++)
          g_assert_cmpuint (g_array_index (more, guint64, k), ==, next_id++);
      }
  }
  g_assert_null (iot_insight_find (insight, "periodic-gap", "plant/meter-a/power"));
  g_assert_null (iot_insight_find (insight, "periodic-gap-losses", NULL));
  assert_device_gap (engine, insight);
}

/* Leaving readings and profiles out changes nothing the text report says;
 * the readings are then not collected, and the baseline has no devices. */
static void
test_keep (void)
{
  g_autoptr (IotEngine) engine = open_capture ("readings.pcap");
  g_autoptr (IotInsight) full = analyze (engine);
  g_autoptr (IotInsight) lean = iot_insight_new ();
  g_autoptr (IotScan) scan = iot_scan_new (engine);
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) full_text = g_string_new (NULL);
  g_autoptr (GString) lean_text = g_string_new (NULL);
  g_autoptr (JsonBuilder) full_base = json_builder_new ();
  g_autoptr (JsonBuilder) lean_base = json_builder_new ();
  g_autoptr (JsonNode) full_node = NULL, lean_node = NULL;
  JsonObject *devices;

  iot_insight_set_keep (lean, 0);
  iot_insight_set_capture_path (lean, "tests/captures/readings.pcap");
  iot_scan_add_listener (scan, &iot_insight_listener, lean, NULL);
  g_assert_true (iot_scan_run (scan, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  iot_insight_print (full, full_text);
  iot_insight_print (lean, lean_text);
  g_assert_cmpstr (lean_text->str, ==, full_text->str);
  g_assert_cmpuint (iot_insight_n_items (lean), ==, iot_insight_n_items (full));
  g_assert_cmpuint (iot_readings_n_series (iot_insight_readings (full)), >, 0);
  g_assert_cmpuint (iot_readings_n_series (iot_insight_readings (lean)), ==, 0);

  iot_insight_baseline (full, full_base);
  iot_insight_baseline (lean, lean_base);
  full_node = json_builder_get_root (full_base);
  lean_node = json_builder_get_root (lean_base);
  devices = json_object_get_object_member (json_node_get_object (full_node), "devices");
  g_assert_cmpuint (json_object_get_size (devices), >, 0);
  devices = json_object_get_object_member (json_node_get_object (lean_node), "devices");
  g_assert_cmpuint (json_object_get_size (devices), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  iot_registry_init ();
  g_test_add_func ("/insight/mask", test_mask);
  g_test_add_func ("/insight/reset-reconnect", test_reset_reconnect);
  g_test_add_func ("/insight/dup-unacked", test_dup_unacked);
  g_test_add_func ("/insight/auth", test_auth);
  g_test_add_func ("/insight/topic-counts", test_topic_counts);
  g_test_add_func ("/insight/periodic", test_periodic);
  g_test_add_func ("/insight/coap", test_coap);
  g_test_add_func ("/insight/dns", test_dns);
  g_test_add_func ("/insight/tls", test_tls);
  g_test_add_func ("/insight/two-points", test_two_points);
  g_test_add_func ("/insight/baseline", test_baseline);
  g_test_add_func ("/insight/clientid-clash", test_clientid_clash);
  g_test_add_func ("/insight/slow-broker", test_slow_broker);
  g_test_add_func ("/insight/topic-mismatch", test_topic_mismatch);
  g_test_add_func ("/insight/not-forwarded", test_not_forwarded);
  g_test_add_func ("/insight/too-large", test_too_large);
  g_test_add_func ("/insight/tls-failures", test_tls_failures);
  g_test_add_func ("/insight/capture-point", test_capture_point);
  g_test_add_func ("/insight/network-join", test_network_join);
  g_test_add_func ("/insight/path-idle", test_path_idle);
  g_test_add_func ("/insight/mtu-blackhole", test_mtu_blackhole);
  g_test_add_func ("/insight/coap-observer-restarted", test_coap_observer_restarted);
  g_test_add_func ("/insight/coap-observer-gone", test_coap_observer_gone);
  g_test_add_func ("/insight/coap-observe-cancel", test_coap_observe_cancel);
  g_test_add_func ("/insight/coap-block-stall", test_coap_block_stall);
  g_test_add_func ("/insight/coap-rst", test_coap_rst);
  g_test_add_func ("/insight/puback-first-seen", test_puback_first_seen);
  g_test_add_func ("/insight/gap-losses", test_gap_losses);
  g_test_add_func ("/insight/gap-held-up", test_gap_held_up);
  g_test_add_func ("/insight/periodic-coalesced", test_periodic_coalesced);
  g_test_add_func ("/insight/coap-server-restart", test_coap_server_restart);
  g_test_add_func ("/insight/keep", test_keep);
  return g_test_run ();
}
