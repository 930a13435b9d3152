/* test-mqtt-versions.c — the protocol version each part of a frame is
 * dissected with, on random access.  The first pass keeps two bits per
 * frame and full records only for frames whose parts differ: here the
 * second frame ends a CONNECT (5.0) begun in the first, rebuilt from both
 * segments and dissected while no version is known yet, and then carries a
 * PUBLISH that must be read as 5.0 (with its property length).  A third
 * frame carries a PUBLISH alone and must be read as 5.0 as well. */
#include <string.h>

#include "iot-engine.h"
#include "iot-packet.h"

#include "test-util.h"

#define LINKTYPE_ETHERNET 1

/* Ethernet + IPv4 + TCP (client 10.0.0.1:40000 -> broker 10.0.0.2:1883,
 * PSH/ACK) around @payload, with sequence number @seq. */
static GByteArray *
make_segment (guint32 seq, const guint8 *payload, guint len)
{
  static const guint8 eth[14] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00 };
  GByteArray *frame = g_byte_array_new ();
  guint16 total = (guint16) (20 + 20 + len);
  guint8 ip[20] = { 0x45, 0, total >> 8, total & 0xff, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2 };
  guint8 tcp[20] = { 40000 >> 8, 40000 & 0xff, 1883 >> 8, 1883 & 0xff,
                     seq >> 24, (seq >> 16) & 0xff, (seq >> 8) & 0xff, seq & 0xff,
                     0, 0, 0, 1, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0 };

  g_byte_array_append (frame, eth, sizeof eth);
  g_byte_array_append (frame, ip, sizeof ip);
  g_byte_array_append (frame, tcp, sizeof tcp);
  g_byte_array_append (frame, payload, len);
  return frame;
}

/* The MQTT rows of frame @number: how many PUBLISH and CONNECT messages,
 * property lengths and "unknown version" notes it shows. */
typedef struct {
  guint publish, connect, property_len, unknown_version;
} Seen;

static Seen
look_at (IotEngine *engine, guint32 number)
{
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  IotDissectOptions options = { .flags = IOT_DISSECT_TREE };
  Seen seen = { 0 };

  iot_engine_dissect (engine, pkt, number, &options);
  for (guint i = 0; i < iot_packet_n_nodes (pkt); i++)
    {
      const IotNode *node = iot_packet_node (pkt, i);

      if (node->field == NULL)
        continue;
      if ((node->flags & IOT_NODE_EXPERT) && g_str_has_prefix ((const char *) node->v.p, "Unknown version"))
        seen.unknown_version++;
      else if (strcmp (node->field->abbrev, "mqtt.msgtype") == 0)
        {
          seen.publish += node->v.u == 3;
          seen.connect += node->v.u == 1;
        }
      else if (strcmp (node->field->abbrev, "mqtt.property_len") == 0)
        seen.property_len++;
    }
  return seen;
}

static void
test_version_per_part (void)
{
  /* CONNECT, MQTT 5.0, clean start, keep-alive 60, no properties, client "c". */
  static const guint8 connect[] = { 0x10, 14, 0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, 0, 60, 0, 0, 1, 'c' };
  /* PUBLISH QoS 0, topic "t", no properties, payload "x". */
  static const guint8 publish[] = { 0x30, 5, 0, 1, 't', 0, 'x' };
  g_autoptr (GByteArray) second_payload = g_byte_array_new ();
  g_autoptr (GByteArray) f1 = NULL, f2 = NULL, f3 = NULL;
  g_autoptr (GBytes) pcap = NULL;
  g_autoptr (IotFile) file = NULL;
  g_autoptr (IotEngine) engine = NULL;
  g_autoptr (GError) error = NULL;
  const guint8 *frames[3];
  guint32 lens[3];
  Seen seen;

  /* The CONNECT is cut after 6 bytes; the rest follows with a PUBLISH. */
  g_byte_array_append (second_payload, connect + 6, sizeof connect - 6);
  g_byte_array_append (second_payload, publish, sizeof publish);
  f1 = make_segment (1000, connect, 6);
  f2 = make_segment (1006, second_payload->data, second_payload->len);
  f3 = make_segment (1006 + second_payload->len, publish, sizeof publish);
  frames[0] = f1->data, frames[1] = f2->data, frames[2] = f3->data;
  lens[0] = f1->len, lens[1] = f2->len, lens[2] = f3->len;
  pcap = test_make_pcap (LINKTYPE_ETHERNET, frames, lens, lens, 3);
  file = iot_file_open_bytes (pcap, "mqtt-versions", &error);
  g_assert_no_error (error);
  engine = iot_engine_new (file);
  g_assert_true (iot_engine_first_pass (engine, NULL));

  /* Out of order on purpose: nothing may depend on what was dissected before. */
  seen = look_at (engine, 3);
  g_assert_cmpuint (seen.publish, ==, 1);
  g_assert_cmpuint (seen.property_len, ==, 1);
  g_assert_cmpuint (seen.unknown_version, ==, 0);

  seen = look_at (engine, 2);
  g_assert_cmpuint (seen.connect, ==, 1);
  g_assert_cmpuint (seen.publish, ==, 1);
  /* The CONNECT's properties and the PUBLISH's: both read as 5.0. */
  g_assert_cmpuint (seen.unknown_version, ==, 0);
  g_assert_cmpuint (seen.property_len, ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mqtt/version-per-part", test_version_per_part);
  return g_test_run ();
}
