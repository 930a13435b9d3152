/* bluetooth.c — the outer "Bluetooth" layer of captures taken by a
 * Bluetooth Low Energy sniffer: it only says which radio header (if any)
 * comes before the link-layer packet. */
#include "iot-dissector.h"

enum {
  F_PROTO,
  N_FIELDS
};

extern IotDissector iot_dissector_btle;
extern IotDissector iot_dissector_btle_rf;

static IotField bluetooth_fields[N_FIELDS] = {
  [F_PROTO] = { "bluetooth", "Bluetooth", IOT_FT_PROTOCOL, .blurb =
    "A packet caught from a Bluetooth radio by a sniffer: the bytes as they travelled over the air." },
};

static int
dissect_bluetooth (IotPacket *pkt, IotBuf *buf, int parent)
{
  IotBuf rest = *buf;

  iot_tree_add_protocol (pkt, parent, &bluetooth_fields[F_PROTO], buf, 0, 0);
  /* LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR: a 10-byte radio header first. */
  if (iot_packet_link_type (pkt) == 256)
    iot_call_dissector (pkt, &iot_dissector_btle_rf, &rest, -1);
  else
    iot_call_dissector (pkt, &iot_dissector_btle, &rest, -1);
  return buf->length;
}

IotDissector iot_dissector_bluetooth = {
  .name = "Bluetooth",
  .abbrev = "bluetooth",
  .long_name = "Bluetooth",
  .fields = bluetooth_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_bluetooth,
  .handoff = { { "link", 251 }, { "link", 256 } },
};
