/* test-tap-layers.c — the layers tap (IOT_TAP_PROTO, src/dissect/iot-tap.h).
 *
 * The protocol hierarchy counts the top-level rows of each frame's tree.
 * The layers tap publishes the same rows without making the tree: on every
 * test capture, frame by frame, the records of a dissection that asks only
 * for them name the top-level rows of the full tree, in order, each with
 * its data source and offset, and so do those of the full dissection.
 * (The first pass rebuilds TCP messages without their "Reassembled"
 * row and leaves JSON out: the hierarchy cannot listen to it.) */
#include "iot-core-private.h"
#include "iot-engine.h"
#include "iot-packet.h"
#include "test-util.h"

#include <string.h>


/* "abbrev@source+offset", one a row, of a full tree's top-level rows. */
static char *
tree_rows (IotPacket *pkt)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < iot_packet_n_nodes (pkt); i++)
    {
      const IotNode *node = iot_packet_node (pkt, i);

      if (node->parent >= 0 || node->field == NULL)
        continue;
      g_string_append_printf (out, "%s@%u+%u ", node->field->abbrev, node->source, node->offset);
    }
  return g_string_free (out, FALSE);
}

static char *
record_rows (IotPacket *pkt)
{
  GString *out = g_string_new (NULL);
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_PROTO, &n);

  for (guint i = 0; i < n; i++)
    {
      const IotTapProto *row = records[i];

      g_assert_true (row->abbrev == row->field->abbrev);
      g_string_append_printf (out, "%s@%u+%u ", row->abbrev, row->source, row->offset);
    }
  return g_string_free (out, FALSE);
}

/* Records alone and records beside the tree: the tree's top-level rows
 * each time. */
static void
test_layer_records_match_tree (void)
{
  g_autoptr (GPtrArray) paths = test_capture_paths ();
  g_autoptr (IotPacket) taps = iot_packet_new ();
  g_autoptr (IotPacket) full = iot_packet_new ();
  IotDissectOptions layers_only = { .flags = IOT_DISSECT_TAP (IOT_TAP_PROTO) };
  IotDissectOptions tree = { .flags = IOT_DISSECT_TREE | IOT_DISSECT_TAP (IOT_TAP_PROTO) };
  guint64 rows = 0;

  g_assert_cmpuint (paths->len, >, 100);
  for (guint c = 0; c < paths->len; c++)
    {
      const char *path = g_ptr_array_index (paths, c);
      g_autoptr (GError) error = NULL;
      g_autoptr (IotFile) file = iot_file_open (path, &error);
      g_autoptr (IotEngine) engine = NULL;

      /* Not a capture at all (the reader's own tests). */
      if (file == NULL)
        continue;
      engine = iot_engine_new (file);
      g_assert_true (iot_engine_first_pass (engine, NULL));
      for (guint32 number = 1; number <= iot_file_n_frames (file); number++)
        {
          g_autofree char *expected = NULL, *alone = NULL, *beside = NULL;

          iot_engine_dissect (engine, full, number, &tree);
          expected = tree_rows (full);
          beside = record_rows (full);
          iot_engine_dissect (engine, taps, number, &layers_only);
          g_assert_cmpuint (iot_packet_n_nodes (taps), ==, 0);
          alone = record_rows (taps);
          if (g_strcmp0 (expected, alone) != 0)
            g_printerr ("%s frame %u\n", path, number);
          g_assert_cmpstr (beside, ==, expected);
          g_assert_cmpstr (alone, ==, expected);
          rows += strlen (expected) > 0;
        }
    }
  g_assert_cmpuint (rows, >, 1000);
}

/* "type:topic,topic;" for each top-level mqtt row of a full tree: its
 * mqtt.msgtype and every mqtt.topic inside it. */
static char *
tree_mqtt (IotPacket *pkt, guint *n_topics)
{
  const IotField *mqtt = iot_registry_field ("mqtt"), *type = iot_registry_field ("mqtt.msgtype");
  const IotField *topic = iot_registry_field ("mqtt.topic");
  GString *out = g_string_new (NULL);
  guint n = iot_packet_n_nodes (pkt);

  for (guint i = 0; i < n; i++)
    {
      const IotNode *row = iot_packet_node (pkt, i);

      if (row->parent >= 0 || row->field != mqtt)
        continue;
      for (guint j = i + 1; j < n && iot_packet_node (pkt, j)->parent >= (gint32) i; j++)
        {
          const IotNode *node = iot_packet_node (pkt, j);

          if (node->field == type)
            g_string_append_printf (out, "%u:", (guint) node->v.u);
          else if (node->field == topic)
            {
              g_string_append_printf (out, "%s,", (const char *) node->v.p);
              (*n_topics)++;
            }
        }
      g_string_append_c (out, ';');
    }
  return g_string_free (out, FALSE);
}

/* The same from the layers' and the MQTT messages' records. */
static char *
record_mqtt (IotPacket *pkt)
{
  const IotField *mqtt = iot_registry_field ("mqtt");
  GString *out = g_string_new (NULL);
  guint n_rows, n_msgs;
  gconstpointer const *rows = iot_packet_tap_records (pkt, IOT_TAP_PROTO, &n_rows);
  gconstpointer const *msgs = iot_packet_tap_records (pkt, IOT_TAP_MQTT, &n_msgs);

  for (guint i = 0; i < n_rows; i++)
    {
      const IotTapProto *row = rows[i];
      const IotDataSource *source = iot_packet_source (pkt, row->source);

      if (row->field != mqtt)
        continue;
      for (guint k = 0; k < n_msgs; k++)
        {
          const IotTapMqtt *msg = msgs[k];

          if (msg->source != source->data + row->offset)
            continue;
          g_string_append_printf (out, "%u:", msg->type);
          for (guint t = 0; t < msg->n_topics; t++)
            g_string_append_printf (out, "%s,", msg->topics[t]);
        }
      g_string_append_c (out, ';');
    }
  return g_string_free (out, FALSE);
}

/* Each MQTT message's record names its type and every topic the tree
 * shows in it (SUBSCRIBE and UNSUBSCRIBE lists, a topic alias's copy). */
static void
test_mqtt_topics_match_tree (void)
{
  g_autoptr (GPtrArray) paths = test_capture_paths ();
  g_autoptr (IotPacket) taps = iot_packet_new ();
  g_autoptr (IotPacket) full = iot_packet_new ();
  IotDissectOptions records_only = { .flags = IOT_DISSECT_TAP (IOT_TAP_PROTO) | IOT_DISSECT_TAP (IOT_TAP_MQTT) };
  IotDissectOptions tree = { .flags = IOT_DISSECT_TREE };
  guint topics = 0, messages = 0;

  for (guint c = 0; c < paths->len; c++)
    {
      const char *path = g_ptr_array_index (paths, c);
      g_autoptr (IotFile) file = iot_file_open (path, NULL);
      g_autoptr (IotEngine) engine = NULL;

      if (file == NULL)
        continue;
      engine = iot_engine_new (file);
      g_assert_true (iot_engine_first_pass (engine, NULL));
      for (guint32 number = 1; number <= iot_file_n_frames (file); number++)
        {
          g_autofree char *expected = NULL, *got = NULL;

          iot_engine_dissect (engine, full, number, &tree);
          expected = tree_mqtt (full, &topics);
          iot_engine_dissect (engine, taps, number, &records_only);
          g_assert_cmpuint (iot_packet_n_nodes (taps), ==, 0);
          got = record_mqtt (taps);
          if (g_strcmp0 (expected, got) != 0)
            g_printerr ("%s frame %u\n", path, number);
          g_assert_cmpstr (got, ==, expected);
          for (const char *p = expected; *p != '\0'; p++)
            messages += *p == ';';
        }
    }
  g_assert_cmpuint (messages, >, 500);
  g_assert_cmpuint (topics, >, 200);
}

/* "src>dst;" for each top-level ip row of a full tree ("-" without
 * addresses), then the last tcp or udp row anywhere in it. */
static char *
tree_ipv4 (IotPacket *pkt)
{
  const IotField *ip = iot_registry_field ("ip"), *src = iot_registry_field ("ip.src");
  const IotField *dst = iot_registry_field ("ip.dst"), *tcp = iot_registry_field ("tcp");
  const IotField *udp = iot_registry_field ("udp");
  GString *out = g_string_new (NULL);
  const char *port = "NONE";
  guint n = iot_packet_n_nodes (pkt);

  for (guint i = 0; i < n; i++)
    {
      const IotNode *row = iot_packet_node (pkt, i);

      port = row->field == tcp ? "TCP" : row->field == udp ? "UDP" : port;
      if (row->parent >= 0 || row->field != ip)
        continue;
      for (guint j = i + 1; j < n && iot_packet_node (pkt, j)->parent >= (gint32) i; j++)
        {
          const IotNode *node = iot_packet_node (pkt, j);

          if (node->field == src || node->field == dst)
            g_string_append_printf (out, "%u.%u.%u.%u%s", node->v.p[0], node->v.p[1], node->v.p[2], node->v.p[3],
                                    node->field == src ? ">" : "");
        }
      g_string_append_c (out, ';');
    }
  g_string_append (out, port);
  return g_string_free (out, FALSE);
}

/* The same from the layers' and conversation records and frame.protocols. */
static char *
record_ipv4 (IotPacket *pkt)
{
  const IotField *ip = iot_registry_field ("ip");
  GString *out = g_string_new (NULL);
  guint n_rows, n_convs;
  gconstpointer const *rows = iot_packet_tap_records (pkt, IOT_TAP_PROTO, &n_rows);
  gconstpointer const *convs = iot_packet_tap_records (pkt, IOT_TAP_CONV, &n_convs);
  g_auto (GStrv) layers = g_strsplit (iot_packet_protocols (pkt), ":", -1);
  const char *port = "NONE";

  for (guint i = 0; i < n_rows; i++)
    {
      const IotTapProto *row = rows[i];

      if (row->field != ip)
        continue;
      for (guint k = 0; k < n_convs; k++)
        {
          const IotTapConv *conv = convs[k];

          if (conv->layer == IOT_TAP_LAYER_IPV4 && conv->depth == row->depth)
            {
              g_string_append_printf (out, "%u.%u.%u.%u>%u.%u.%u.%u", conv->src.bytes[0], conv->src.bytes[1],
                                      conv->src.bytes[2], conv->src.bytes[3], conv->dst.bytes[0],
                                      conv->dst.bytes[1], conv->dst.bytes[2], conv->dst.bytes[3]);
              break;
            }
        }
      g_string_append_c (out, ';');
    }
  for (guint i = 0; layers[i] != NULL; i++)
    port = strcmp (layers[i], "tcp") == 0 ? "TCP" : strcmp (layers[i], "udp") == 0 ? "UDP" : port;
  g_string_append (out, port);
  return g_string_free (out, FALSE);
}

/* ip_hosts,tree and ptype,tree read records: each top-level ip row's
 * addresses are those of the IPv4 conversation record at its depth, and
 * the last transport in frame.protocols is the tree's last tcp/udp row. */
static void
test_ipv4_rows_match_tree (void)
{
  g_autoptr (GPtrArray) paths = test_capture_paths ();
  g_autoptr (IotPacket) taps = iot_packet_new ();
  g_autoptr (IotPacket) full = iot_packet_new ();
  g_autoptr (IotFieldSet) protocols = iot_field_set_new ();
  IotDissectOptions records_only = {
    .flags = IOT_DISSECT_TAP (IOT_TAP_PROTO) | IOT_DISSECT_TAP (IOT_TAP_CONV), .fields = protocols,
  };
  IotDissectOptions tree = { .flags = IOT_DISSECT_TREE };
  guint rows = 0, quoted = 0;

  iot_field_set_add (protocols, iot_registry_field ("frame.protocols"));
  for (guint c = 0; c < paths->len; c++)
    {
      const char *path = g_ptr_array_index (paths, c);
      g_autoptr (IotFile) file = iot_file_open (path, NULL);
      g_autoptr (IotEngine) engine = NULL;

      if (file == NULL)
        continue;
      engine = iot_engine_new (file);
      g_assert_true (iot_engine_first_pass (engine, NULL));
      for (guint32 number = 1; number <= iot_file_n_frames (file); number++)
        {
          g_autofree char *expected = NULL, *got = NULL;

          iot_engine_dissect (engine, full, number, &tree);
          expected = tree_ipv4 (full);
          iot_engine_dissect (engine, taps, number, &records_only);
          got = record_ipv4 (taps);
          if (g_strcmp0 (expected, got) != 0)
            g_printerr ("%s frame %u\n", path, number);
          g_assert_cmpstr (got, ==, expected);
          rows += strchr (expected, ';') != NULL;
          quoted += strstr (iot_packet_protocols (full), "icmp:ip:udp") != NULL;
        }
    }
  g_assert_cmpuint (rows, >, 1000);
  g_assert_cmpuint (quoted, >, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  iot_registry_init ();
  g_test_add_func ("/tap/layer-records-match-tree", test_layer_records_match_tree);
  g_test_add_func ("/tap/mqtt-topics-match-tree", test_mqtt_topics_match_tree);
  g_test_add_func ("/tap/ipv4-rows-match-tree", test_ipv4_rows_match_tree);
  return g_test_run ();
}
