/* test-sparkplug.c — the .proto parser (types, imports, errors with
 * file:line), Sparkplug B on real traffic (aliases, the seq gap the edge
 * node made on purpose, the insight finding, readings) and the readings of
 * MQTT-SN PUBLISHes, checked against what the peers in the capture scripts
 * sent (sparkplug_edge.py, mqttsn_peers.py).
 */
#include <math.h>
#include <string.h>

#include "iot-engine.h"
#include "iot-insight.h"
#include "iot-mqtt-rules.h"
#include "iot-packet.h"
#include "iot-proto.h"

#define CAPTURES "tests/captures/"

/* ---- the .proto parser ------------------------------------------------------ */

static void
test_proto_search_path (void)
{
  g_autoptr (IotProtoPool) pool = iot_proto_pool_new ();
  g_autoptr (GError) error = NULL;
  const IotProtoMessage *reading, *entry;
  const IotProtoField *f;

  g_assert_true (iot_proto_pool_add_search_path (pool, CAPTURES "protos", FALSE, &error));
  g_assert_no_error (error);
  /* meter.proto imports lab/units.proto from the same search path. */
  g_assert_true (iot_proto_pool_load (pool, "meter.proto", &error));
  g_assert_no_error (error);
  reading = iot_proto_pool_message (pool, "lab.meter.Reading");
  g_assert_nonnull (reading);
  g_assert_nonnull (iot_proto_pool_message (pool, ".lab.meter.Reading.Location"));

  f = iot_proto_message_field (reading, 3);
  g_assert_cmpstr (f->name, ==, "unit");
  g_assert_cmpint (f->type, ==, IOT_PROTO_TYPE_ENUM);
  g_assert_cmpstr (f->type_name, ==, "lab.Unit");
  g_assert_cmpstr (iot_proto_enum_name (f->enumeration, 1), ==, "CELSIUS");
  f = iot_proto_message_field (reading, 5);
  g_assert_true (f->repeated && f->packed);           /* proto3 packs repeated numbers */
  g_assert_cmpint (f->type, ==, IOT_PROTO_TYPE_UINT32);
  f = iot_proto_message_field (reading, 15);
  g_assert_true (f->repeated && !f->packed);          /* strings never are */
  f = iot_proto_message_field (reading, 8);           /* inside the oneof */
  g_assert_cmpstr (f->name, ==, "channel");
  g_assert_cmpint (f->type, ==, IOT_PROTO_TYPE_FIXED32);
  f = iot_proto_message_field (reading, 9);
  g_assert_cmpint (f->type, ==, IOT_PROTO_TYPE_MESSAGE);
  g_assert_cmpstr (f->message->full_name, ==, "lab.meter.Reading.Location");
  f = iot_proto_message_field (reading, 6);           /* map<string, string> */
  g_assert_true (f->repeated);
  entry = f->message;
  g_assert_cmpstr (entry->full_name, ==, "lab.meter.Reading.LabelsEntry");
  g_assert_cmpstr (iot_proto_message_field (entry, 1)->name, ==, "key");
  g_assert_cmpint (iot_proto_message_field (entry, 2)->type, ==, IOT_PROTO_TYPE_STRING);
}

static void
test_proto_proto2_and_scopes (void)
{
  g_autoptr (IotProtoPool) pool = iot_proto_pool_new ();
  g_autoptr (GError) error = NULL;
  const IotProtoMessage *m;

  g_assert_true (iot_proto_pool_parse (pool, "scopes.proto",
    "syntax = \"proto2\";\n"
    "package a.b;\n"
    "option java_package = \"x\";\n"
    "/* a block\n comment */\n"
    "message Outer {\n"
    "  enum Kind { KIND_A = 0; KIND_B = -1 [deprecated = true]; }\n"
    "  message Inner { optional Kind kind = 1; }\n"
    "  repeated int32 nums = 1 [packed = true];\n"
    "  repeated sint64 plain = 2;\n"
    "  optional Inner inner = 3 [default = 0];\n"
    "  required .a.b.Outer.Inner abs = 4;\n"
    "  reserved 5 to 7;\n"
    "  extensions 100 to max;\n"
    "}\n"
    "service S { rpc Get (Outer) returns (Outer) { option idempotency_level = NO_SIDE_EFFECTS; } }\n",
    &error));
  g_assert_no_error (error);
  m = iot_proto_pool_message (pool, "a.b.Outer");
  g_assert_true (iot_proto_message_field (m, 1)->packed);
  g_assert_false (iot_proto_message_field (m, 2)->packed);    /* proto2: only when asked */
  g_assert_cmpstr (iot_proto_message_field (m, 3)->type_name, ==, "a.b.Outer.Inner");
  g_assert_cmpstr (iot_proto_message_field (m, 4)->type_name, ==, "a.b.Outer.Inner");
  m = iot_proto_pool_message (pool, "a.b.Outer.Inner");
  g_assert_cmpstr (iot_proto_message_field (m, 1)->enumeration->full_name, ==, "a.b.Outer.Kind");
  g_assert_cmpstr (iot_proto_enum_name (iot_proto_message_field (m, 1)->enumeration, -1), ==, "KIND_B");
}

/* A file using the well-known types resolves them without their files. */
static void
test_proto_well_known (void)
{
  g_autoptr (IotProtoPool) pool = iot_proto_pool_new ();
  g_autoptr (GError) error = NULL;
  const IotProtoMessage *m;

  g_assert_true (iot_proto_pool_parse (pool, "event.proto",
    "syntax = \"proto3\";\n"
    "import \"google/protobuf/timestamp.proto\";\n"
    "import \"google/protobuf/wrappers.proto\";\n"
    "message Event { google.protobuf.Timestamp at = 1; google.protobuf.DoubleValue level = 2; }\n",
    &error));
  g_assert_no_error (error);
  m = iot_proto_pool_message (pool, "Event");
  g_assert_cmpstr (iot_proto_message_field (m, 1)->type_name, ==, "google.protobuf.Timestamp");
  g_assert_cmpint (iot_proto_message_field (iot_proto_message_field (m, 1)->message, 2)->type, ==,
                   IOT_PROTO_TYPE_INT32);
  g_assert_cmpint (iot_proto_message_field (iot_proto_message_field (m, 2)->message, 1)->type, ==,
                   IOT_PROTO_TYPE_DOUBLE);
}

/* Each broken file is refused with its name and the line of the fault. */
static void
test_proto_errors (void)
{
  static const struct {
    const char *text;
    const char *message;
  } cases[] = {
    { "syntax = \"proto3\";\nmessage M {\n  int32 a = 1\n}\n", "bad.proto:4: expected ';', found '}'" },
    { "message M {\n  Missing m = 1;\n}\n", "bad.proto:2: type 'Missing' of field 'm' is not defined" },
    { "message M {\n  int32 a = 0;\n}\n", "bad.proto:2: field number 0 out of range" },
    { "\nmessage M {\n  int32 a = 1;\n", "bad.proto:4: message 'M' not closed" },
    { "syntax = \"proto3\";\n\nimport \"nowhere.proto\";\n", "bad.proto:3: nowhere.proto: not found" },
    { "message M { string s = 1; }\nmessage N { int32 x = \"one\"; }\n", "bad.proto:2: expected a number" },
    { "message M {\n  string s = 1 [json_name = \"s];\n}\n", "bad.proto:2: string not closed" },
    { "mesage M {}\n", "bad.proto:1: expected message, enum" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (IotProtoPool) pool = iot_proto_pool_new ();
      g_autoptr (GError) error = NULL;

      g_assert_false (iot_proto_pool_parse (pool, "bad.proto", cases[i].text, &error));
      g_assert_nonnull (error);
      if (!g_str_has_prefix (error->message, cases[i].message))
        g_error ("case %u: \"%s\" does not start with \"%s\"", i, error->message, cases[i].message);
    }
}

/* ---- dissection of the captures ------------------------------------------------- */

static guint32 n_frames;   /* of the capture open_capture() opened last */

static IotEngine *
open_capture (const char *name)
{
  g_autofree char *path = g_build_filename (CAPTURES, name, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = iot_file_open (path, &error);
  IotEngine *engine;

  g_assert_no_error (error);
  engine = iot_engine_new (file);
  iot_engine_first_pass (engine, NULL);
  n_frames = iot_file_n_frames (file);
  return engine;
}

typedef struct {
  char   *device, *series, *name, *unit;
  double  value;
  gint64  time_ns;
  guint32 frame;
} Reading;

static void
reading_clear (gpointer p)
{
  Reading *r = p;

  g_free (r->device);
  g_free (r->series);
  g_free (r->name);
  g_free (r->unit);
}

static GArray *
all_readings (IotEngine *engine)
{
  GArray *out = g_array_new (FALSE, TRUE, sizeof (Reading));
  IotDissectOptions options = { IOT_DISSECT_READINGS };

  g_array_set_clear_func (out, reading_clear);
  for (guint32 n = 1; n <= n_frames; n++)
    {
      g_autoptr (IotPacket) pkt = iot_packet_new ();

      iot_engine_dissect (engine, pkt, n, &options);
      for (guint i = 0; i < iot_packet_n_readings (pkt); i++)
        {
          const IotReading *r = iot_packet_reading (pkt, i);
          Reading copy = { g_strdup (r->device), g_strdup (r->series), g_strdup (r->name), g_strdup (r->unit),
                           r->value, r->time_ns, n };

          g_array_append_val (out, copy);
        }
    }
  return out;
}

static void
setup_sparkplug_options (void)
{
  g_autoptr (GError) error = NULL;

  iot_mqtt_rules_clear ();
  iot_proto_default_reset ();
  g_assert_true (iot_proto_default_add_search_path (CAPTURES "protos", TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (iot_mqtt_rules_add_uat ("\"Starts with\",\"lab/meter/\",\"none\",\"protobuf\",\"lab.meter.Reading\"",
                                         &error));
  g_assert_no_error (error);
  g_assert_true (iot_registry_decode_as ("tcp.port==20201,mqtt", &error));
  g_assert_no_error (error);
}

static void
test_sparkplug_readings (void)
{
  g_autoptr (IotEngine) engine = NULL;
  g_autoptr (GArray) readings = NULL;
  guint pressure = 0, voltage = 0, temperature = 0;

  setup_sparkplug_options ();
  engine = open_capture ("sparkplug.pcap");
  readings = all_readings (engine);
  for (guint i = 0; i < readings->len; i++)
    {
      const Reading *r = &g_array_index (readings, Reading, i);

      g_assert_true (g_str_has_prefix (r->series, "spBv1.0/plant1/"));
      /* Booleans, strings and the null setpoint are not numeric readings. */
      g_assert_cmpstr (r->name, !=, "Outputs/Running");
      g_assert_cmpstr (r->name, !=, "Firmware");
      g_assert_cmpstr (r->name, !=, "Outputs/Setpoint");
      if (g_strcmp0 (r->name, "Inputs/Pressure") == 0)
        {
          /* DBIRTH 4.25, then DDATA by alias 10: 4.25 + i/10 at T0 + 1000 (i + 1) ms. */
          static const double sent[] = { 4.25, 4.25, 4.35, 4.45, 4.55 };

          g_assert_cmpstr (r->device, ==, "plant1/edge7/pump3");
          g_assert_cmpstr (r->unit, ==, "bar");
          g_assert_cmpfloat_with_epsilon (r->value, sent[pressure / 2], 1e-9);
          g_assert_cmpint (r->time_ns, ==, (1765000000000 + (pressure / 2 == 0 ? 20 : 1000 * (pressure / 2)))
                           * G_GINT64_CONSTANT (1000000));
          pressure++;
        }
      else if (g_strcmp0 (r->name, "Supply/Voltage") == 0)
        {
          static const double sent[] = { 23.5, 23.5, 23.25, 23.0, 22.75 };

          g_assert_cmpstr (r->device, ==, "plant1/edge7");
          g_assert_cmpstr (r->unit, ==, "V");
          g_assert_cmpfloat_with_epsilon (r->value, sent[voltage / 2], 1e-6);
          voltage++;
        }
      else if (g_strcmp0 (r->name, "Inputs/Temperature") == 0)
        {
          /* Int16 in a uint32 field, two's complement: -7, then -6 and -4 by alias. */
          static const double sent[] = { -7, -6, -4 };

          g_assert_cmpstr (r->unit, ==, "Cel");
          g_assert_cmpfloat (r->value, ==, sent[temperature / 2]);
          temperature++;
        }
    }
  /* Each message is seen twice: edge node → broker, broker → host. */
  g_assert_cmpuint (pressure, ==, 10);
  g_assert_cmpuint (voltage, ==, 10);
  g_assert_cmpuint (temperature, ==, 6);
}

/* Fields of one frame: the values of every node named @abbrev, as text. */
static char *
frame_values (IotEngine *engine, guint32 number, const char *abbrev)
{
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  IotDissectOptions options = { IOT_DISSECT_TREE };
  g_autoptr (GString) out = g_string_new (NULL);

  iot_engine_dissect (engine, pkt, number, &options);
  for (guint i = 0; i < iot_packet_n_nodes (pkt); i++)
    {
      const IotNode *node = iot_packet_node (pkt, i);

      if (node->field == NULL || strcmp (node->field->abbrev, abbrev) != 0)
        continue;
      if (out->len)
        g_string_append_c (out, ',');
      if (node->field->type == IOT_FT_STRING)
        g_string_append (out, (const char *) node->v.p);
      else if (node->field->type == IOT_FT_DOUBLE)
        g_string_append_printf (out, "%g", node->v.d);
      else if (node->field->type == IOT_FT_INT32 || node->field->type == IOT_FT_INT64)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, node->v.i);
      else
        g_string_append_printf (out, "%" G_GUINT64_FORMAT, node->v.u);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
check_values (IotEngine *engine, guint32 number, const char *abbrev, const char *expected)
{
  g_autofree char *found = frame_values (engine, number, abbrev);

  g_assert_cmpstr (found, ==, expected);
}

static void
test_sparkplug_aliases_and_seq (void)
{
  g_autoptr (IotEngine) engine = NULL;
  g_autoptr (IotInsight) insight = NULL;
  const IotInsightItem *gap;
  guint gaps = 0;

  setup_sparkplug_options ();
  engine = open_capture ("sparkplug.pcap");
  /* Frame 42: DDATA by aliases 10 and 11 only, seq 7 after 5 (6 skipped). */
  check_values (engine, 42, "sparkplugb.metric", "Inputs/Pressure,Inputs/Flow");
  check_values (engine, 42, "sparkplugb.metric.datatype", "10,7");   /* Double, UInt32 */
  check_values (engine, 22, "sparkplugb.metric.datatype", "10,7,2,11,9");
  check_values (engine, 42, "sparkplugb.seq", "7");
  check_values (engine, 42, "sparkplugb.seq.expected", "6");
  check_values (engine, 42, "sparkplugb.birth_frame", "22");
  check_values (engine, 30, "sparkplugb.metric", "Properties/Uptime,Supply/Voltage");
  check_values (engine, 30, "sparkplugb.seq.expected", "");
  /* The NDEATH the broker sent as the will: bdSeq 4 as in the NBIRTH (frame 19). */
  check_values (engine, 87, "sparkplugb.messagetype", "NDEATH");
  check_values (engine, 87, "sparkplugb.bdseq", "4");
  check_values (engine, 87, "sparkplugb.birth_frame", "19");

  insight = iot_insight_analyze (engine, NULL, NULL);
  for (guint i = 0; i < iot_insight_n_items (insight); i++)
    if (strcmp (iot_insight_item (insight, i)->id, "sparkplug-seq-gap") == 0)
      gaps++;
  g_assert_cmpuint (gaps, ==, 1);
  gap = iot_insight_find (insight, "sparkplug-seq-gap", "plant1/edge7");
  g_assert_nonnull (gap);
  g_assert_cmpint (gap->severity, ==, IOT_SEV_WARN);
  g_assert_nonnull (strstr (gap->summary, "1 message missing"));
  g_assert_cmpuint (gap->frames->len, ==, 2);        /* the same gap on both connections */
  g_assert_cmpuint (g_array_index (gap->frames, guint32, 0), ==, 42);
}

/* A plain protobuf payload decoded with the user's .proto by a topic rule:
 * the values sparkplug_edge.py put in lab.meter.Reading (i = 0). */
static void
test_protobuf_user_schema (void)
{
  g_autoptr (IotEngine) engine = NULL;

  setup_sparkplug_options ();
  engine = open_capture ("sparkplug.pcap");
  check_values (engine, 65, "protobuf.message.name",
                   "lab.meter.Reading,lab.meter.Reading.LabelsEntry,lab.meter.Reading.Location");
  check_values (engine, 65, "protobuf.field.value.string", "bench-1,room,B12,pi-4,lab,bench");
  check_values (engine, 65, "protobuf.field.value.double", "20.5");
  check_values (engine, 65, "protobuf.field.value.float", "48.5,9.25");
  /* unit CELSIUS (enum 1), delta -3 (sint32) */
  check_values (engine, 65, "protobuf.field.value.int32", "1,-3");
  /* packed history 300, 2, 70000; then the fixed64 stamp */
  check_values (engine, 65, "protobuf.field.value.uint32", "300,2,70000");
  check_values (engine, 65, "protobuf.field.value.uint64", "1765000000000");
  check_values (engine, 65, "protobuf.field.value.bool", "1");
  /* Frame 70 (i = 1) takes the other branch of the oneof: channel 9, sfixed32 offset -5. */
  check_values (engine, 70, "protobuf.field.value.uint32", "300,2,70001,9");
  check_values (engine, 70, "protobuf.field.value.int32", "1,-1,-5");
}

static void
test_mqttsn_readings (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotEngine) engine = NULL;
  g_autoptr (GArray) readings = NULL;
  static const struct {
    const char *series;
    double      value;
  } sent[] = {
    { "sensors/kitchen/temperature", 21.5 }, { "sensors/kitchen/humidity", 48 },
    { "sensors/kitchen/temperature", 21.75 }, { "sensors/kitchen/temperature", 21.8 },
    { "sensors/kitchen/temperature", 22 }, { "predefined topic 258", -3 }, { "tp", 19.0 },
    { "alerts/fire", 1 }, { "topic id 999", 7 }, { "predefined topic 258", -4.5 }, { "zt", 7 },
  };

  g_assert_true (iot_registry_decode_as ("udp.port==20210,mqttsn", &error));
  g_assert_no_error (error);
  engine = open_capture ("mqttsn.pcap");
  readings = all_readings (engine);
  g_assert_cmpuint (readings->len, ==, G_N_ELEMENTS (sent));
  for (guint i = 0; i < readings->len; i++)
    {
      const Reading *r = &g_array_index (readings, Reading, i);

      g_assert_cmpstr (r->series, ==, sent[i].series);
      g_assert_cmpfloat (r->value, ==, sent[i].value);
    }
  /* The client named itself in CONNECT; the forwarded node in its own. */
  g_assert_cmpstr (g_array_index (readings, Reading, 0).device, ==, "sn-node-1");
  g_assert_cmpstr (g_array_index (readings, Reading, 0).name, ==, "temperature");
  g_assert_null (g_array_index (readings, Reading, 10).device);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  iot_registry_init ();
  g_test_add_func ("/proto/search-path", test_proto_search_path);
  g_test_add_func ("/proto/proto2-and-scopes", test_proto_proto2_and_scopes);
  g_test_add_func ("/proto/errors", test_proto_errors);
  g_test_add_func ("/proto/well-known", test_proto_well_known);
  g_test_add_func ("/sparkplug/readings", test_sparkplug_readings);
  g_test_add_func ("/sparkplug/aliases-and-seq", test_sparkplug_aliases_and_seq);
  g_test_add_func ("/protobuf/user-schema", test_protobuf_user_schema);
  g_test_add_func ("/mqttsn/readings", test_mqttsn_readings);
  return g_test_run ();
}
