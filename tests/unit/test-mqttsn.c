/* test-mqttsn.c — MQTT-SN on the damaged datagrams of mqttsn-gen.pcap
 * (tests/captures/mqttsn_gen.py), read as tshark 4.0 reads them with
 * -d udp.port==1884,mqttsn: where each frame turns malformed, which fields
 * come before that, and the expert items that say why.  The values were
 * checked against tshark -V on the same file. */
#include "iot-engine.h"
#include "iot-packet.h"

#include <string.h>

/* The first row of @abbrev in the dissected frame, or NULL. */
static const IotNode *
find_row (IotPacket *pkt, const char *abbrev)
{
  for (guint i = 0; i < iot_packet_n_nodes (pkt); i++)
    {
      const IotNode *node = iot_packet_node (pkt, i);

      if (node->field != NULL && strcmp (node->field->abbrev, abbrev) == 0)
        return node;
    }
  return NULL;
}

static IotEngine *
open_capture (void)
{
  g_autoptr (GError) error = NULL;
  IotFile *file;
  IotEngine *engine;

  iot_registry_init ();
  g_assert_true (iot_registry_decode_as ("udp.port==1884,mqttsn", &error));
  g_assert_no_error (error);
  file = iot_file_open ("tests/captures/mqttsn-gen.pcap", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (iot_file_n_frames (file), ==, 31);
  engine = iot_engine_new (file);
  iot_file_unref (file);
  iot_engine_first_pass (engine, NULL);
  return engine;
}

static void
dissect (IotEngine *engine, IotPacket *pkt, guint32 number)
{
  IotDissectOptions options = { .flags = IOT_DISSECT_TREE | IOT_DISSECT_COLUMNS };

  iot_engine_dissect (engine, pkt, number, &options);
}

/* A Length past the datagram's end: the fields up to the end are there,
 * then the frame is malformed, and the Length row says why. */
static void
test_length_beyond_datagram (void)
{
  g_autoptr (IotEngine) engine = open_capture ();
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  const IotNode *len, *expert;

  /* Frame 25: PUBLISH, Length 11, 5 octets: the topic id is read, the
   * message id is not. */
  dissect (engine, pkt, 25);
  len = find_row (pkt, "mqttsn.msg.len");
  g_assert_nonnull (len);
  g_assert_cmpuint (len->v.u, ==, 11);
  g_assert_cmpuint (find_row (pkt, "mqttsn.topic.id")->v.u, ==, 33);
  g_assert_null (find_row (pkt, "mqttsn.msg.id"));
  g_assert_nonnull (find_row (pkt, "_ws.malformed"));
  expert = find_row (pkt, "mqttsn.msg.len.beyond_datagram");
  g_assert_nonnull (expert);
  g_assert_cmpint (iot_packet_max_severity (pkt), ==, IOT_SEV_ERROR);
  /* As tshark -T fields -e _ws.col.Info has it (tshark -2 without a tree
   * reads no field after the header and leaves the mark out). */
  g_assert_cmpstr (iot_col_info (pkt), ==, "Publish Message[Malformed Packet]");

  /* Frame 28: PUBLISH, Length 11, 9 octets: the message id is read, the
   * data (4 octets by the Length) runs past the end. */
  dissect (engine, pkt, 28);
  g_assert_cmpuint (find_row (pkt, "mqttsn.msg.id")->v.u, ==, 0);
  g_assert_null (find_row (pkt, "mqttsn.pub.msg"));
  g_assert_nonnull (find_row (pkt, "_ws.malformed"));
  g_assert_nonnull (find_row (pkt, "mqttsn.msg.len.beyond_datagram"));
}

/* Too short for its own header: malformed before it is MQTT-SN (the
 * protocol column stays UDP's); an empty datagram is no MQTT-SN at all. */
static void
test_header_cut (void)
{
  g_autoptr (IotEngine) engine = open_capture ();
  g_autoptr (IotPacket) pkt = iot_packet_new ();

  dissect (engine, pkt, 27);
  g_assert_cmpstr (iot_col_protocol (pkt), ==, "UDP");
  g_assert_null (find_row (pkt, "mqttsn.msg"));
  g_assert_nonnull (find_row (pkt, "_ws.malformed"));
  dissect (engine, pkt, 29);
  g_assert_null (find_row (pkt, "mqttsn"));
  g_assert_null (find_row (pkt, "_ws.malformed"));
}

/* A reserved type is named as tshark names it, its body is not decoded;
 * an octet after a whole message is left alone (one message a datagram). */
static void
test_reserved_type_and_stray_octet (void)
{
  g_autoptr (IotEngine) engine = open_capture ();
  g_autoptr (IotPacket) pkt = iot_packet_new ();

  dissect (engine, pkt, 30);
  g_assert_cmpstr (iot_col_info (pkt), ==, "Reserved_03");
  g_assert_nonnull (find_row (pkt, "mqttsn.msgtype.unknown"));
  dissect (engine, pkt, 31);
  g_assert_cmpstr (iot_col_info (pkt), ==, "Connect Ack");
  g_assert_null (find_row (pkt, "_ws.malformed"));
  g_assert_cmpint (iot_packet_max_severity (pkt), <, IOT_SEV_WARN);
}

/* The sound messages before the damage: the id from REGACK names the
 * topic of later PUBLISHes, the sleep timer and QoS -1 are read. */
static void
test_sound_messages (void)
{
  g_autoptr (IotEngine) engine = open_capture ();
  g_autoptr (IotPacket) pkt = iot_packet_new ();

  dissect (engine, pkt, 6);
  g_assert_cmpstr ((const char *) find_row (pkt, "mqttsn.topic.resolved")->v.p, ==, "lab/thermo-7/temp");
  g_assert_cmpuint (find_row (pkt, "mqttsn.qos")->v.u, ==, 1);
  /* The three-octet form counts its four header octets. */
  dissect (engine, pkt, 11);
  g_assert_cmpuint (find_row (pkt, "mqttsn.msg.len")->v.u, ==, 13);
  g_assert_cmpstr ((const char *) find_row (pkt, "mqttsn.pub.msg")->v.p, ==, "21.7");
  dissect (engine, pkt, 22);
  g_assert_cmpuint (find_row (pkt, "mqttsn.sleep.timer")->v.u, ==, 300);
  dissect (engine, pkt, 24);
  g_assert_cmpuint (find_row (pkt, "mqttsn.qos")->v.u, ==, 3);
  g_assert_cmpuint (find_row (pkt, "mqttsn.topic.id.type")->v.u, ==, 1);
  g_assert_null (find_row (pkt, "_ws.malformed"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mqttsn/length-beyond-datagram", test_length_beyond_datagram);
  g_test_add_func ("/mqttsn/header-cut", test_header_cut);
  g_test_add_func ("/mqttsn/reserved-type-and-stray-octet", test_reserved_type_and_stray_octet);
  g_test_add_func ("/mqttsn/sound-messages", test_sound_messages);
  return g_test_run ();
}
