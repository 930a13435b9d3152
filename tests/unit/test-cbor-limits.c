/* test-cbor-limits.c — what the CBOR layer does where tshark 4.0 gives no
 * answer to compare with: items nested deeper than it follows (tshark stops
 * at its tree depth limit with a dissector bug) and half floats that are
 * infinite or not a number (tshark shows 0).
 */
#include <math.h>
#include <string.h>

#include "iot-engine.h"
#include "iot-packet.h"
#include "test-util.h"

#define LINKTYPE_USER0 147

/* Dissects @data as CBOR (Decode As on the user link type) into @pkt. */
static void
dissect_cbor (IotPacket *pkt, const guint8 *data, guint32 len)
{
  const guint8 *frames[1] = { data };
  g_autoptr (GBytes) pcap = test_make_pcap (LINKTYPE_USER0, frames, &len, &len, 1);
  g_autoptr (IotFile) file = iot_file_open_bytes (pcap, "cbor", NULL);
  g_autoptr (IotEngine) engine = NULL;
  IotDissectOptions options = { IOT_DISSECT_TREE };

  g_assert_nonnull (file);
  engine = iot_engine_new (file);
  iot_engine_first_pass (engine, NULL);
  iot_engine_dissect (engine, pkt, 1, &options);
}

static guint
count_field (IotPacket *pkt, const char *abbrev)
{
  guint n = 0;

  for (guint i = 0; i < iot_packet_n_nodes (pkt); i++)
    {
      const IotNode *node = iot_packet_node (pkt, i);

      n += node->field != NULL && strcmp (node->field->abbrev, abbrev) == 0;
    }
  return n;
}

static const IotNode *
first_field (IotPacket *pkt, const char *abbrev)
{
  for (guint i = 0; i < iot_packet_n_nodes (pkt); i++)
    {
      const IotNode *node = iot_packet_node (pkt, i);

      if (node->field != NULL && strcmp (node->field->abbrev, abbrev) == 0)
        return node;
    }
  return NULL;
}

/* 1000 nested one-item arrays: the first 401 levels are shown, then an
 * expert item says decoding stopped; nothing after that is read.  The
 * item covers no bytes (tshark: size 0). */
static void
test_nesting_limit (void)
{
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  guint8 data[1001];
  const IotNode *limit;

  memset (data, 0x81, 1000);
  data[1000] = 0x01;
  dissect_cbor (pkt, data, sizeof data);
  g_assert_cmpuint (count_field (pkt, "cbor.item.array"), ==, 401);
  g_assert_cmpuint (count_field (pkt, "cbor.item.unsigned_integer"), ==, 0);
  limit = first_field (pkt, "cbor.max_recursion_depth_reached");
  g_assert_nonnull (limit);
  g_assert_cmpuint (limit->length, ==, 0);
  g_assert_cmpuint (iot_packet_max_severity (pkt), ==, IOT_SEV_WARN);
  g_assert_cmpstr (iot_packet_protocols (pkt), ==, "cbor");
}

/* 400 levels are within the limit: the innermost item is decoded. */
static void
test_nesting_within (void)
{
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  guint8 data[401];

  memset (data, 0x81, 400);
  data[400] = 0x17;
  dissect_cbor (pkt, data, sizeof data);
  g_assert_cmpuint (count_field (pkt, "cbor.item.array"), ==, 400);
  g_assert_null (first_field (pkt, "cbor.max_recursion_depth_reached"));
  g_assert_cmpuint (first_field (pkt, "cbor.type.uint")->v.u, ==, 23);
}

/* Half floats as RFC 8949 appendix D decodes them. */
static void
test_half_floats (void)
{
  static const struct {
    guint16 bits;
    double  value;
  } cases[] = {
    { 0x3c00, 1.0 }, { 0xc400, -4.0 }, { 0x7bff, 65504.0 }, { 0x0001, 5.960464477539063e-08 },
    { 0x0400, 6.103515625e-05 }, { 0x7c00, INFINITY }, { 0xfc00, -INFINITY },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (IotPacket) pkt = iot_packet_new ();
      guint8 data[3] = { 0xf9, cases[i].bits >> 8, cases[i].bits & 0xff };
      const IotNode *node;

      dissect_cbor (pkt, data, sizeof data);
      node = first_field (pkt, "cbor.type.float16");
      g_assert_nonnull (node);
      g_assert_cmpfloat (node->v.d, ==, cases[i].value);
    }
  {
    g_autoptr (IotPacket) pkt = iot_packet_new ();
    guint8 nan[3] = { 0xf9, 0x7e, 0x00 };

    dissect_cbor (pkt, nan, sizeof nan);
    g_assert_true (isnan (first_field (pkt, "cbor.type.float16")->v.d));
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  iot_registry_init ();
  if (!iot_registry_decode_as ("link==147,cbor", NULL))
    g_error ("no Decode As for cbor");
  g_test_add_func ("/cbor/nesting-limit", test_nesting_limit);
  g_test_add_func ("/cbor/nesting-within", test_nesting_within);
  g_test_add_func ("/cbor/half-floats", test_half_floats);
  return g_test_run ();
}
