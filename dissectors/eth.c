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
  F_DST_RESOLVED,
  F_DST_OUI,
  F_DST_OUI_RESOLVED,
  F_SRC_RESOLVED,
  F_SRC_OUI,
  F_SRC_OUI_RESOLVED,
  F_ADDR_RESOLVED,
  F_ADDR_OUI,
  F_ADDR_OUI_RESOLVED,
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

enum {
  E_SRC_NOT_GROUP,
  N_EXPERTS
};

static IotExpertInfo eth_experts[N_EXPERTS] = {
  [E_SRC_NOT_GROUP] = IOT_EXPERT_INFO ("eth.src_not_group", IOT_SEV_WARN, IOT_GROUP_PROTOCOL,
    "Source MAC must not be a group address: IEEE 802.3-2002, Section 3.2.3(b)",
    "The sender's address has the group bit set: no card may send as a multicast or broadcast address, "
    "so the frame was forged or mangled."),
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
  [F_DST_RESOLVED] = { "eth.dst_resolved", "Destination (resolved)", IOT_FT_STRING, .blurb =
    "The destination's name: a well-known address (Broadcast, IPv4mcast…) or its maker's short name and the rest of the address." },
  [F_DST_OUI] = { "eth.dst.oui", "Destination OUI", IOT_FT_UINT24, IOT_BASE_DEC, .blurb =
    "The first three bytes of the destination address: the maker's IEEE-assigned prefix." },
  [F_DST_OUI_RESOLVED] = { "eth.dst.oui_resolved", "Destination OUI (resolved)", IOT_FT_STRING, .blurb =
    "The full name of the maker the destination's prefix is assigned to." },
  [F_SRC_RESOLVED] = { "eth.src_resolved", "Source (resolved)", IOT_FT_STRING, .blurb =
    "The source's name: its maker's short name and the rest of the address, or a well-known address." },
  [F_SRC_OUI] = { "eth.src.oui", "Source OUI", IOT_FT_UINT24, IOT_BASE_DEC, .blurb =
    "The first three bytes of the source address: the maker's IEEE-assigned prefix." },
  [F_SRC_OUI_RESOLVED] = { "eth.src.oui_resolved", "Source OUI (resolved)", IOT_FT_STRING, .blurb =
    "The full name of the maker the source's prefix is assigned to: often enough to tell an ESP32 from a Raspberry Pi." },
  [F_ADDR_RESOLVED] = { "eth.addr_resolved", "Address (resolved)", IOT_FT_STRING, .blurb =
    "Either address's name: filter on it to find every frame of one maker's devices." },
  [F_ADDR_OUI] = { "eth.addr.oui", "Address OUI", IOT_FT_UINT24, IOT_BASE_DEC, .blurb =
    "The maker prefix of either address." },
  [F_ADDR_OUI_RESOLVED] = { "eth.addr.oui_resolved", "Address OUI (resolved)", IOT_FT_STRING, .blurb =
    "The maker's full name for either address." },
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

/* The hidden name and maker fields under an address, as tshark adds them
 * (the name is the address itself with resolution off). */
static void
add_resolved (IotPacket *pkt, int node, IotBuf *buf, guint off, int resolved, int oui, int oui_resolved)
{
  const guint8 *mac = iot_buf_ptr (buf, off, 6);
  char name[96];
  const char *maker;
  int item;

  /* Names cost lookups: only when a tree, a filter or a field wants them. */
  if (!iot_packet_wants_field (pkt, &eth_fields[resolved]) && !iot_packet_wants_field (pkt, &eth_fields[oui])
      && !iot_packet_wants_field (pkt, &eth_fields[oui_resolved]))
    return;
  maker = iot_resolve_oui ((guint32) mac[0] << 16 | mac[1] << 8 | mac[2]);
  if (!iot_resolve_ether (mac, name, sizeof name))
    g_snprintf (name, sizeof name, "%02x:%02x:%02x:%02x:%02x:%02x",
                mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
  item = iot_tree_add_string (pkt, node, &eth_fields[resolved], buf, off, 6, name, strlen (name));
  iot_tree_set_hidden (pkt, item);
  item = iot_tree_add_item (pkt, node, &eth_fields[oui], buf, off, 3, FALSE);
  iot_tree_set_hidden (pkt, item);
  /* tshark's OUI row: "00:17:88 (Maker)", cut to the 31 characters of
   * its value buffer. */
  if (item >= 0 && iot_packet_wants_tree (pkt))
    {
      g_autofree char *value = maker ? g_strdup_printf ("%02x:%02x:%02x (%s)", mac[0], mac[1], mac[2], maker)
                                     : g_strdup_printf ("%02x:%02x:%02x", mac[0], mac[1], mac[2]);

      iot_tree_set_label (pkt, item, "%s: %.31s", eth_fields[oui].name, value);
    }
  if (maker != NULL)
    {
      /* It covers the whole address, as tshark's does. */
      item = iot_tree_add_string (pkt, node, &eth_fields[oui_resolved], buf, off, 6, maker, strlen (maker));
      iot_tree_set_hidden (pkt, item);
    }
}

static void
add_address (IotPacket *pkt, int tree, IotBuf *buf, guint off, gboolean is_dst)
{
  const guint8 *mac = iot_buf_ptr (buf, off, 6);
  int node = iot_tree_add_ether (pkt, tree, &eth_fields[is_dst ? F_DST : F_SRC], buf, off, mac);
  int hidden;

  if (!is_dst && (mac[0] & 0x01))
    iot_expert_add_info (pkt, node, &eth_experts[E_SRC_NOT_GROUP], NULL);
  /* Every row below is the address again, resolved or split in bits:
   * nothing later frames need. */
  if (iot_packet_state_only (pkt))
    return;
  if (is_dst)
    add_resolved (pkt, node, buf, off, F_DST_RESOLVED, F_DST_OUI, F_DST_OUI_RESOLVED);
  else
    add_resolved (pkt, node, buf, off, F_SRC_RESOLVED, F_SRC_OUI, F_SRC_OUI_RESOLVED);
  iot_tree_add_ether (pkt, node, &eth_fields[F_ADDR], buf, off, mac);
  add_resolved (pkt, node, buf, off, F_ADDR_RESOLVED, F_ADDR_OUI, F_ADDR_OUI_RESOLVED);
  iot_tree_add_item (pkt, node, &eth_fields[is_dst ? F_DST_LG : F_SRC_LG], buf, off, 3, FALSE);
  hidden = iot_tree_add_item (pkt, node, &eth_fields[F_LG], buf, off, 3, FALSE);
  iot_tree_set_hidden (pkt, hidden);
  iot_tree_add_item (pkt, node, &eth_fields[is_dst ? F_DST_IG : F_SRC_IG], buf, off, 3, FALSE);
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

/* The Ethernet conversation, for the statistics. */
static void
publish_conversation (IotPacket *pkt, const IotAddress *src, const IotAddress *dst)
{
  IotTapConv conv = { .layer = IOT_TAP_LAYER_ETH, .src = *src, .dst = *dst, .stream = IOT_TAP_NO_STREAM };

  iot_tap_queue (pkt, IOT_TAP_CONV, &conv);
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
  /* Resolving and formatting both addresses is for the tree's label only. */
  if (iot_packet_wants_tree (pkt))
    {
      char src_text[128], dst_text[128];

      iot_resolve_ether_label (src, src_text, sizeof src_text);
      iot_resolve_ether_label (dst, dst_text, sizeof dst_text);
      iot_tree_set_label (pkt, tree, "Ethernet II, Src: %s, Dst: %s", src_text, dst_text);
    }
  add_address (pkt, tree, buf, 0, TRUE);
  add_address (pkt, tree, buf, 6, FALSE);
  memcpy (dl_src.bytes, src, 6);
  memcpy (dl_dst.bytes, dst, 6);
  iot_packet_set_net_src (pkt, &dl_src);
  iot_packet_set_net_dst (pkt, &dl_dst);
  publish_conversation (pkt, &dl_src, &dl_dst);

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
  .experts = eth_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_eth,
  .handoff = { { "link", 1 } },
};
