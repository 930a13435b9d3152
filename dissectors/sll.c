/* sll.c — Linux "cooked" capture header, versions 1 and 2.
 *
 * Captures on the "any" pseudo-interface (and on links without a usable
 * hardware header) replace the link header by this one, written by the
 * Linux kernel: who the packet was for, what kind of link it came from,
 * its source hardware address and the EtherType of the payload. */
#include "iot-dissector.h"

enum {
  F_PROTO,
  F_PKTTYPE,
  F_HATYPE,
  F_HALEN,
  F_SRC_ETH,
  F_SRC_IPV4,
  F_SRC_OTHER,
  F_UNUSED,
  F_LTYPE,
  F_GRETYPE,
  F_ETYPE,
  F_IFINDEX,
  F_TRAILER,
  N_FIELDS
};

#define LINKTYPE_SLL  113
#define LINKTYPE_SLL2 276

/* Linux ARPHRD_* values that matter here. */
#define HATYPE_ETHER    1
#define HATYPE_TUNNEL   768
#define HATYPE_SIT      776
#define HATYPE_IPGRE    778
#define HATYPE_LOOPBACK 772

static const IotValueName pkttype_names[] = {
  { 0, "Unicast to us" },
  { 1, "Broadcast" },
  { 2, "Multicast" },
  { 3, "Unicast to another host" },
  { 4, "Sent by us" },
  IOT_VALUE_NAMES_END
};

static const IotValueName hatype_names[] = {
  { HATYPE_ETHER, "Ethernet" },
  { HATYPE_TUNNEL, "IPIP" },
  { HATYPE_SIT, "SIT" },
  { HATYPE_LOOPBACK, "Loopback" },
  { HATYPE_IPGRE, "GRE over IP" },
  IOT_VALUE_NAMES_END
};

static const IotValueName ethertype_names[] = {
  { 0x0800, "IPv4" },
  { 0x0806, "ARP" },
  { 0x8100, "802.1Q Virtual LAN" },
  { 0x86dd, "IPv6" },
  { 0x88a8, "802.1ad Provider Bridge (Q-in-Q)" },
  { 0x88cc, "802.1 Link Layer Discovery Protocol (LLDP)" },
  { 0x888e, "802.1X Authentication" },
  IOT_VALUE_NAMES_END
};

/* Protocol values below 0x0600 are not EtherTypes but Linux link protocols. */
static const IotValueName ltype_names[] = {
  { 0x0001, "Raw 802.3" },
  { 0x0002, "AX.25" },
  { 0x0003, "All" },
  { 0x0004, "802.2 LLC" },
  { 0x000c, "CAN" },
  { 0x000d, "CAN FD" },
  IOT_VALUE_NAMES_END
};

static IotField sll_fields[N_FIELDS] = {
  [F_PROTO] = { "sll", "Linux cooked capture", IOT_FT_PROTOCOL, .blurb =
    "A stand-in link header written by Linux when capturing on the \"any\" interface: it says where the packet came from, not how the wire framed it." },
  [F_PKTTYPE] = { "sll.pkttype", "Packet type", IOT_FT_UINT16, IOT_BASE_DEC, pkttype_names, 0,
    "Whether the packet was addressed to this machine, broadcast, multicast, meant for another host, or sent by this machine." },
  [F_HATYPE] = { "sll.hatype", "Link-layer address type", IOT_FT_UINT16, IOT_BASE_DEC, hatype_names, 0,
    "Kind of network interface the packet went through (Linux ARPHRD number: 1 Ethernet, 772 loopback …)." },
  [F_HALEN] = { "sll.halen", "Link-layer address length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "How many bytes of the source address field are meaningful." },
  [F_SRC_ETH] = { "sll.src.eth", "Source", IOT_FT_ETHER, .blurb =
    "Hardware (MAC) address of the sender, when the interface uses Ethernet-style addresses." },
  [F_SRC_IPV4] = { "sll.src.ipv4", "Source", IOT_FT_IPV4, .blurb =
    "IPv4 address that stands for the sender on IP-in-IP and GRE tunnel interfaces." },
  [F_SRC_OTHER] = { "sll.src.other", "Source", IOT_FT_BYTES, .blurb =
    "Sender's link-layer address, for interface kinds whose addresses are not decoded." },
  [F_UNUSED] = { "sll.unused", "Unused", IOT_FT_BYTES, .blurb =
    "The part of the fixed 8-byte address field that the address does not fill." },
  [F_LTYPE] = { "sll.ltype", "Protocol", IOT_FT_UINT16, IOT_BASE_HEX, ltype_names, 0,
    "Linux link-protocol number, used instead of an EtherType for a few non-IP payloads (802.2 LLC, CAN …)." },
  [F_GRETYPE] = { "sll.gretype", "Protocol", IOT_FT_UINT16, IOT_BASE_HEX, ethertype_names, 0,
    "Payload type on a GRE tunnel interface." },
  [F_ETYPE] = { "sll.etype", "Protocol", IOT_FT_UINT16, IOT_BASE_HEX, ethertype_names, 0,
    "EtherType of the payload (0x0800 IPv4, 0x86dd IPv6, 0x0806 ARP)." },
  [F_IFINDEX] = { "sll.ifindex", "Interface index", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Number of the network interface on the capturing machine (version 2 only; 1 is usually loopback)." },
  [F_TRAILER] = { "sll.trailer", "Trailer", IOT_FT_BYTES, .blurb =
    "Bytes after the carried packet that belong to none of its protocols." },
};

/* The 8-byte address field: the address itself, then unused filler. */
static void
add_source (IotPacket *pkt, int tree, IotBuf *buf, guint off, guint hatype, guint halen)
{
  guint shown = MIN (halen, 8u);

  if (halen == 6 && (hatype == HATYPE_ETHER || hatype == HATYPE_LOOPBACK))
    iot_tree_add_item (pkt, tree, &sll_fields[F_SRC_ETH], buf, off, 6, FALSE);
  else if (halen == 4 && (hatype == HATYPE_TUNNEL || hatype == HATYPE_SIT || hatype == HATYPE_IPGRE))
    iot_tree_add_item (pkt, tree, &sll_fields[F_SRC_IPV4], buf, off, 4, FALSE);
  else if (shown > 0)
    iot_tree_add_item (pkt, tree, &sll_fields[F_SRC_OTHER], buf, off, shown, FALSE);
  if (shown < 8)
    iot_tree_add_item (pkt, tree, &sll_fields[F_UNUSED], buf, off + shown, 8 - shown, FALSE);
}

/* Shows the protocol value under the field that fits it. */
static void
add_protocol (IotPacket *pkt, int tree, IotBuf *buf, guint off, guint hatype)
{
  guint16 proto = iot_buf_u16 (buf, off);
  int field = proto < 0x0600 ? F_LTYPE : hatype == HATYPE_IPGRE ? F_GRETYPE : F_ETYPE;

  iot_tree_add_item (pkt, tree, &sll_fields[field], buf, off, 2, FALSE);
}

/* Hands the payload on; returns the bytes it used. */
static int
dissect_payload (IotPacket *pkt, IotBuf *buf, guint hdr_len, guint proto_off)
{
  guint16 proto = iot_buf_u16 (buf, proto_off);
  IotBuf payload = iot_buf_sub (buf, hdr_len, -1);
  int used = -1;

  /* Linux link-protocol numbers (802.2 LLC, CAN …) are not decoded. */
  if (proto >= 0x0600)
    used = iot_call_ethertype (pkt, proto, &payload, -1);
  if (used < 0)
    used = iot_call_data (pkt, &payload, -1);
  return MAX (used, 0);
}

static void
add_trailer (IotPacket *pkt, int tree, IotBuf *buf, guint used)
{
  guint left = iot_buf_remaining (buf, used);

  if (left > 0)
    iot_tree_add_item (pkt, tree, &sll_fields[F_TRAILER], buf, used, left, FALSE);
}

static int
dissect_sll_v1 (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint hatype = iot_buf_u16 (buf, 2), halen = iot_buf_u16 (buf, 4);
  int tree = iot_tree_add_protocol (pkt, parent, &sll_fields[F_PROTO], buf, 0, 16);
  int used;

  iot_tree_set_label (pkt, tree, "Linux cooked capture v1");
  iot_tree_add_item (pkt, tree, &sll_fields[F_PKTTYPE], buf, 0, 2, FALSE);
  iot_tree_add_item (pkt, tree, &sll_fields[F_HATYPE], buf, 2, 2, FALSE);
  iot_tree_add_item (pkt, tree, &sll_fields[F_HALEN], buf, 4, 2, FALSE);
  add_source (pkt, tree, buf, 6, hatype, halen);
  add_protocol (pkt, tree, buf, 14, hatype);
  used = dissect_payload (pkt, buf, 16, 14);
  add_trailer (pkt, tree, buf, 16 + used);
  return buf->length;
}

static int
dissect_sll_v2 (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint hatype = iot_buf_u16 (buf, 8), halen = iot_buf_u8 (buf, 11);
  int tree = iot_tree_add_protocol (pkt, parent, &sll_fields[F_PROTO], buf, 0, 20);
  int used;

  iot_tree_set_label (pkt, tree, "Linux cooked capture v2");
  /* Version 2 puts the protocol first. */
  add_protocol (pkt, tree, buf, 0, hatype);
  iot_tree_add_item (pkt, tree, &sll_fields[F_IFINDEX], buf, 4, 4, FALSE);
  iot_tree_add_item (pkt, tree, &sll_fields[F_HATYPE], buf, 8, 2, FALSE);
  iot_tree_add_item (pkt, tree, &sll_fields[F_PKTTYPE], buf, 10, 1, FALSE);
  iot_tree_add_item (pkt, tree, &sll_fields[F_HALEN], buf, 11, 1, FALSE);
  add_source (pkt, tree, buf, 12, hatype, halen);
  used = dissect_payload (pkt, buf, 20, 0);
  add_trailer (pkt, tree, buf, 20 + used);
  return buf->length;
}

static int
dissect_sll (IotPacket *pkt, IotBuf *buf, int parent)
{
  iot_col_set_protocol (pkt, "SLL");
  if (iot_packet_link_type (pkt) == LINKTYPE_SLL2)
    return dissect_sll_v2 (pkt, buf, parent);
  return dissect_sll_v1 (pkt, buf, parent);
}

IotDissector iot_dissector_sll = {
  .name = "SLL",
  .abbrev = "sll",
  .long_name = "Linux cooked-mode capture",
  .fields = sll_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_sll,
  .handoff = { { "link", LINKTYPE_SLL }, { "link", LINKTYPE_SLL2 } },
};
