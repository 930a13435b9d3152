/* raw.c — raw IP link type: the packet starts directly with an IPv4 or
 * IPv6 header, with nothing saying which; the version nibble decides. */
#include "iot-dissector.h"

enum {
  F_PROTO,
  N_FIELDS
};

static IotField raw_fields[N_FIELDS] = {
  [F_PROTO] = { "raw", "Raw packet data", IOT_FT_PROTOCOL, .blurb =
    "No link-layer header was captured: the frame begins with the IP header itself (typical of VPN and tunnel interfaces)." },
};

static int
dissect_raw (IotPacket *pkt, IotBuf *buf, int parent)
{
  IotBuf payload = *buf;
  int used = -1;

  iot_col_set_protocol (pkt, "Raw");
  iot_col_set_info (pkt, "Raw packet data");
  iot_tree_add_protocol (pkt, parent, &raw_fields[F_PROTO], buf, 0, 0);
  if (iot_buf_has (buf, 0, 1))
    used = iot_call_table (pkt, "ip.version", iot_buf_u8 (buf, 0) >> 4, &payload, -1);
  if (used < 0)
    iot_call_data (pkt, &payload, -1);
  return buf->length;
}

IotDissector iot_dissector_raw = {
  .name = "Raw",
  .abbrev = "raw",
  .long_name = "Raw packet data",
  .fields = raw_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_raw,
  /* 12 and 14 are older numbers for the same thing. */
  .handoff = { { "link", 101 }, { "link", 12 }, { "link", 14 } },
};
