/* btl2cap.c — L2CAP over Bluetooth Low Energy: a length and a channel
 * number in front of every upper-layer message; fixed channels carry ATT
 * (0x0004), the LE signalling channel (0x0005) and SMP (0x0006). */
#include "iot-dissector.h"

enum {
  F_PROTO,
  F_LENGTH,
  F_CID,
  F_PAYLOAD,
  N_FIELDS
};

static const IotValueName cid_names[] = {
  { 0x0001, "L2CAP Signaling Channel" },
  { 0x0004, "Attribute Protocol" },
  { 0x0005, "Low Energy L2CAP Signaling Channel" },
  { 0x0006, "Security Manager Protocol" },
  IOT_VALUE_NAMES_END
};

static IotField btl2cap_fields[N_FIELDS] = {
  [F_PROTO] = { "btl2cap", "Bluetooth L2CAP Protocol", IOT_FT_PROTOCOL, .blurb =
    "Logical Link Control and Adaptation Protocol: sorts a connection's messages into channels." },
  [F_LENGTH] = { "btl2cap.length", "Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Bytes of the message after this 4-byte header; it may span several link-layer packets." },
  [F_CID] = { "btl2cap.cid", "CID", IOT_FT_UINT16, IOT_BASE_HEX, cid_names, 0,
    "Channel identifier: 0x0004 is the Attribute Protocol (GATT), 0x0006 the Security Manager (pairing)." },
  [F_PAYLOAD] = { "btl2cap.payload", "Payload", IOT_FT_BYTES, .blurb =
    "Bytes of a channel this decoder does not interpret." },
};

static int
dissect_btl2cap (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint length = iot_buf_u16le (buf, 0), cid = iot_buf_u16le (buf, 2);
  IotBuf payload;
  int tree;

  tree = iot_tree_add_protocol (pkt, parent, &btl2cap_fields[F_PROTO], buf, 0, -1);
  iot_tree_add_item (pkt, tree, &btl2cap_fields[F_LENGTH], buf, 0, 2, TRUE);
  iot_tree_add_item (pkt, tree, &btl2cap_fields[F_CID], buf, 2, 2, TRUE);
  if (length > iot_buf_reported_remaining (buf, 4))
    {
      iot_col_set_info (pkt, "L2CAP Fragment Start");
      return buf->length;
    }
  payload = iot_buf_sub (buf, 4, length);
  if (iot_call_table (pkt, "btl2cap.cid", cid, &payload, -1) < 0)
    {
      iot_col_printf_info (pkt, "Connection oriented channel");
      if (length)
        iot_tree_add_item (pkt, tree, &btl2cap_fields[F_PAYLOAD], buf, 4, length, FALSE);
    }
  return buf->length;
}

IotDissector iot_dissector_btl2cap = {
  .name = "L2CAP",
  .abbrev = "btl2cap",
  .long_name = "Bluetooth L2CAP Protocol",
  .fields = btl2cap_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_btl2cap,
};
