/* fuzz-frame.c — libFuzzer target: one frame of arbitrary bytes through
 * every dissector reachable from a chosen link type, then through every
 * printer.  The first input byte picks the link type. */
#include "iot-engine.h"
#include "iot-print.h"
#include "iot-secrets.h"
#include "../unit/test-util.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static const guint32 link_types[] = { 1, 0, 101, 113, 276, 228, 229, 195, 127, 105, 251, 256, 272 };

static void
render (IotPacket *pkt)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  iot_print_summary_timed (pkt, "0.000000", FALSE, out);
  iot_print_tree (pkt, out);
  iot_print_hex (pkt, out);
  iot_print_ek (pkt, out);
  iot_print_json (pkt, builder);
  root = json_builder_get_root (builder);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static gboolean initialised;
  const guint8 *frames[1];
  guint32 caplen, len;
  g_autoptr (GBytes) pcap = NULL;
  g_autoptr (IotFile) file = NULL;
  g_autoptr (IotEngine) engine = NULL;
  g_autoptr (IotPacket) pkt = NULL;
  IotDissectOptions options = { IOT_DISSECT_TREE | IOT_DISSECT_COLUMNS | IOT_DISSECT_READINGS };

  if (!initialised)
    {
      iot_registry_init ();
      /* A Thread network key, so 802.15.4 and MLE decryption run too. */
      iot_secrets_set_preference (iot_secrets_default (),
                                  "uat:ieee802154_keys:\"000102030405060708090a0b0c0d0e0f\",\"1\",\"Thread hash\"", NULL);
      initialised = TRUE;
    }
  if (size < 2 || size > 65536)
    return 0;
  frames[0] = data + 2;
  caplen = size - 2;
  /* The second byte sometimes claims the frame was longer on the wire. */
  len = caplen + (data[1] & 0x80 ? data[1] & 0x7f : 0);
  pcap = test_make_pcap (link_types[data[0] % G_N_ELEMENTS (link_types)], frames, &caplen, &len, 1);
  file = iot_file_open_bytes (pcap, "fuzz", NULL);
  if (file == NULL || iot_file_n_frames (file) != 1)
    return 0;
  engine = iot_engine_new (file);
  iot_engine_first_pass (engine, NULL);
  pkt = iot_packet_new ();
  iot_engine_dissect (engine, pkt, 1, &options);
  render (pkt);
  return 0;
}
