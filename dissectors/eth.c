/* eth.c — Ethernet II (and the IEEE 802.3 length form, noted as such). */
#include "iot-dissector.h"

#include <string.h>

enum {
  F_PROTO,
  F_DST,
  F_DST_LG,
  F_DST_IG,
  F_SRC,
  F_SRC_LG,
  F_SRC_IG,
  F_ADDR,
  F_LG,
  F_IG,
  F_TYPE,
  F_LEN,
  F_PADDING,
  F_TRAILER,
  N_FIELDS
};

/* EtherType names, shared in spirit with the VLAN and Linux cooked layers. */
static const IotValueName ethertype_names[] = {
  { 0x0800, "IPv4" },
  { 0x0806, "ARP" },
  { 0x8100, "802.1Q Virtual LAN" },
  { 0x86dd, "IPv6" },
  { 0x88a8, "802.1ad Provider Bridge (Q-in-Q)" },
  { 0x88cc, "802.1 Link Layer Discovery Protocol (LLDP)" },
  { 0x888e, "802.1X Authentication" },
  { 0x8863, "PPPoE Discovery" },
  { 0x8864, "PPPoE Session" },
  IOT_VALUE_NAMES_END
};

static IotField eth_fields[N_FIELDS] = {
  [F_PROTO] = { "eth", "Ethernet II", IOT_FT_PROTOCOL, .blurb =
    "The Ethernet header: which network card sent the frame, which should receive it, and what it carries." },
  [F_DST] = { "eth.dst", "Destination", IOT_FT_ETHER, .blurb =
    "Hardware (MAC) address of the card the frame is for; ff:ff:ff:ff:ff:ff means every card on the link." },
  [F_DST_LG] = { "eth.dst.lg", "LG bit", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x020000,
    "Set when the destination address was assigned locally rather than burned in by the maker.",
    "Locally administered address (this is NOT the factory default)", "Globally unique address (factory default)" },
  [F_DST_IG] = { "eth.dst.ig", "IG bit", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x010000,
    "Set when the destination is a group (multicast or broadcast) rather than one card.",
    "Group address (multicast/broadcast)", "Individual address (unicast)" },
  [F_SRC] = { "eth.src", "Source", IOT_FT_ETHER, .blurb =
    "Hardware (MAC) address of the card that sent the frame." },
  [F_SRC_LG] = { "eth.src.lg", "LG bit", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x020000,
    "Set when the source address was assigned locally rather than burned in by the maker.",
    "Locally administered address (this is NOT the factory default)", "Globally unique address (factory default)" },
  [F_SRC_IG] = { "eth.src.ig", "IG bit", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x010000,
    "Set when the source claims to be a group address, which a sender never should.",
    "Group address (multicast/broadcast)", "Individual address (unicast)" },
  [F_ADDR] = { "eth.addr", "Address", IOT_FT_ETHER, .blurb =
    "Either hardware address of the frame: filter on it to see traffic to or from one card." },
  [F_LG] = { "eth.lg", "LG bit", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x020000,
    "The locally-administered bit of either address.",
    "Locally administered address (this is NOT the factory default)", "Globally unique address (factory default)" },
  [F_IG] = { "eth.ig", "IG bit", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x010000,
    "The group bit of either address.",
    "Group address (multicast/broadcast)", "Individual address (unicast)" },
  [F_TYPE] = { "eth.type", "Type", IOT_FT_UINT16, IOT_BASE_HEX, ethertype_names, 0,
    "EtherType: which protocol the frame carries next (0x0800 IPv4, 0x86dd IPv6, 0x0806 ARP)." },
  [F_LEN] = { "eth.len", "Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "In old IEEE 802.3 framing this field is the payload length instead of a type." },
  [F_PADDING] = { "eth.padding", "Padding", IOT_FT_BYTES, .blurb =
    "Filler bytes added because Ethernet frames must be at least 60 bytes long." },
  [F_TRAILER] = { "eth.trailer", "Trailer", IOT_FT_BYTES, .blurb =
    "Bytes after the carried packet that belong to none of its protocols." },
};

static void
add_address (IotPacket *pkt, int tree, IotBuf *buf, guint off, int field, int lg, int ig)
{
  const guint8 *mac = iot_buf_ptr (buf, off, 6);
  int node = iot_tree_add_ether (pkt, tree, &eth_fields[field], buf, off, mac);
  int hidden;

  iot_tree_set_label (pkt, node, "%s: %02x:%02x:%02x:%02x:%02x:%02x", eth_fields[field].name,
                      mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
  hidden = iot_tree_add_ether (pkt, node, &eth_fields[F_ADDR], buf, off, mac);
  iot_tree_set_hidden (pkt, hidden);
  iot_tree_add_item (pkt, node, &eth_fields[lg], buf, off, 3, FALSE);
  hidden = iot_tree_add_item (pkt, node, &eth_fields[F_LG], buf, off, 3, FALSE);
  iot_tree_set_hidden (pkt, hidden);
  iot_tree_add_item (pkt, node, &eth_fields[ig], buf, off, 3, FALSE);
  hidden = iot_tree_add_item (pkt, node, &eth_fields[F_IG], buf, off, 3, FALSE);
  iot_tree_set_hidden (pkt, hidden);
}

/* What is left after the carried packet: padding when the sender filled the
 * frame up to Ethernet's 60-byte minimum, otherwise a trailer (a frame
 * captured shorter than the minimum was never padded). */
static void
add_leftover (IotPacket *pkt, int tree, IotBuf *buf, guint used)
{
  guint left = iot_buf_remaining (buf, used);

  if (left == 0)
    return;
  if (buf->reported == 60)
    iot_tree_add_item (pkt, tree, &eth_fields[F_PADDING], buf, used, left, FALSE);
  else
    iot_tree_add_item (pkt, tree, &eth_fields[F_TRAILER], buf, used, left, FALSE);
}

static int
dissect_eth (IotPacket *pkt, IotBuf *buf, int parent)
{
  const guint8 *dst = iot_buf_ptr (buf, 0, 6), *src = iot_buf_ptr (buf, 6, 6);
  IotAddress dl_src = { 0 }, dl_dst = { 0 };
  guint16 type = iot_buf_u16 (buf, 12);
  int tree;

  iot_col_set_protocol (pkt, "Ethernet");
  tree = iot_tree_add_protocol (pkt, parent, &eth_fields[F_PROTO], buf, 0, 14);
  iot_tree_set_label (pkt, tree,
                      "Ethernet II, Src: %02x:%02x:%02x:%02x:%02x:%02x, Dst: %02x:%02x:%02x:%02x:%02x:%02x",
                      src[0], src[1], src[2], src[3], src[4], src[5],
                      dst[0], dst[1], dst[2], dst[3], dst[4], dst[5]);
  add_address (pkt, tree, buf, 0, F_DST, F_DST_LG, F_DST_IG);
  add_address (pkt, tree, buf, 6, F_SRC, F_SRC_LG, F_SRC_IG);
  memcpy (dl_src.bytes, src, 6);
  memcpy (dl_dst.bytes, dst, 6);
  iot_packet_set_net_src (pkt, &dl_src);
  iot_packet_set_net_dst (pkt, &dl_dst);

  if (type <= 1500)
    {
      /* IEEE 802.3 with a length; LLC is not decoded here. */
      iot_tree_add_item (pkt, tree, &eth_fields[F_LEN], buf, 12, 2, FALSE);
      iot_col_set_info (pkt, "IEEE 802.3 frame");
      IotBuf payload = iot_buf_sub (buf, 14, -1);
      iot_call_data (pkt, &payload, -1);
      return buf->length;
    }

  iot_tree_add_item (pkt, tree, &eth_fields[F_TYPE], buf, 12, 2, FALSE);
  {
    IotBuf payload = iot_buf_sub (buf, 14, -1);
    int used = iot_call_ethertype (pkt, type, &payload, -1);

    if (used < 0)
      {
        iot_col_set_info (pkt, "Ethernet II");
        used = iot_call_data (pkt, &payload, -1);
      }
    add_leftover (pkt, tree, buf, 14 + (guint) MAX (used, 0));
  }
  return buf->length;
}

IotDissector iot_dissector_eth = {
  .name = "Ethernet",
  .abbrev = "eth",
  .long_name = "Ethernet",
  .fields = eth_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_eth,
  .handoff = { { "link", 1 } },
};
