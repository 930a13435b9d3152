/* wpan_nonask.c — 802.15.4 frames with their PHY header (link type 215):
 * the preamble and start-of-frame delimiter the radio synchronises on,
 * then the PHY header's frame length, then the MAC frame with its FCS. */
#include "wpan.h"

enum {
  F_PROTO,
  F_PREAMBLE,
  F_SFD,
  F_FRAME_LENGTH,
  F_PHR,
  N_FIELDS
};

enum {
  E_LENGTH,
  N_EXPERTS
};

static IotExpertInfo nonask_experts[N_EXPERTS] = {
  [E_LENGTH] = IOT_EXPERT_INFO ("wpan-nonask-phy.frame_length.mismatch", IOT_SEV_ERROR, IOT_GROUP_MALFORMED, "PHY header length disagrees with the frame",
                              "The PHY header's frame length differs from the bytes captured."),
};

static IotField nonask_fields[N_FIELDS] = {
  [F_PROTO] = { "wpan-nonask-phy", "IEEE 802.15.4 non-ASK PHY", IOT_FT_PROTOCOL, .blurb =
    "The radio's physical-layer framing kept by the sniffer: synchronisation preamble, start-of-frame delimiter and the length byte." },
  [F_PREAMBLE] = { "wpan-nonask-phy.preamble", "Preamble", IOT_FT_UINT32, IOT_BASE_HEX, NULL, 0,
    "Four zero bytes the receiver locks its clock onto." },
  [F_SFD] = { "wpan-nonask-phy.sfd", "Start of Frame Delimiter", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "The byte 0xa7 that marks where the frame begins." },
  [F_FRAME_LENGTH] = { "wpan-nonask-phy.frame_length", "Frame Length", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0x7f,
    "Bytes of the MAC frame that follows, FCS included (at most 127)." },
  [F_PHR] = { "wpan-nonask-phy.phr", "PHR", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "The whole PHY header byte: frame length and a reserved bit." },
};

static int
dissect_nonask (IotPacket *pkt, IotBuf *buf, int parent)
{
  int tree = iot_tree_add_protocol (pkt, parent, &nonask_fields[F_PROTO], buf, 0, 6);
  int phr;
  guint len;
  IotBuf frame;

  iot_col_set_protocol (pkt, "IEEE 802.15.4");
  iot_tree_add_item (pkt, tree, &nonask_fields[F_PREAMBLE], buf, 0, 4, TRUE);
  iot_tree_add_item (pkt, tree, &nonask_fields[F_SFD], buf, 4, 1, FALSE);
  phr = iot_tree_add_item (pkt, tree, &nonask_fields[F_PHR], buf, 5, 1, FALSE);
  iot_tree_add_item (pkt, phr, &nonask_fields[F_FRAME_LENGTH], buf, 5, 1, FALSE);
  len = iot_buf_u8 (buf, 5) & 0x7f;
  frame = iot_buf_sub (buf, 6, MIN (len, iot_buf_reported_remaining (buf, 6)));
  frame.pkt = pkt;
  if (len > iot_buf_reported_remaining (buf, 6))
    iot_expert_add_info (pkt, phr, &nonask_experts[E_LENGTH], "PHY header claims %u bytes, the frame has %u", len, iot_buf_reported_remaining (buf, 6));
  /* tshark shows the MAC inside the PHY row (and leaves it out of the
   * protocol hierarchy statistics). */
  iot_wpan_dissect_mac (pkt, &frame, IOT_WPAN_FCS_16, tree, tree);
  return buf->length;
}

IotDissector iot_dissector_wpan_nonask = {
  .name = "IEEE 802.15.4 non-ASK PHY",
  .abbrev = "wpan-nonask-phy",
  .long_name = "IEEE 802.15.4 Low-Rate Wireless PAN non-ASK PHY",
  .fields = nonask_fields,
  .n_fields = N_FIELDS,
  .experts = nonask_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_nonask,
  .handoff = { { "link", 215 } },
};
