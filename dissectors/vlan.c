/* vlan.c — IEEE 802.1Q VLAN tag (and the 802.1ad service tag, same layout). */
#include "iot-dissector.h"

enum {
  F_PROTO,
  F_PRIORITY,
  F_DEI,
  F_ID,
  F_ETYPE,
  F_LEN,
  N_FIELDS
};

/* IEEE 802.1Q traffic classes (priority code points). */
static const IotValueName priority_names[] = {
  { 0, "Best Effort (default)" },
  { 1, "Background" },
  { 2, "Excellent Effort" },
  { 3, "Critical Applications" },
  { 4, "Video, < 100ms latency and jitter" },
  { 5, "Voice, < 10ms latency and jitter" },
  { 6, "Internetwork Control" },
  { 7, "Network Control" },
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

static IotField vlan_fields[N_FIELDS] = {
  [F_PROTO] = { "vlan", "802.1Q Virtual LAN", IOT_FT_PROTOCOL, .blurb =
    "A 4-byte tag inserted into an Ethernet frame: it puts the frame on a virtual LAN and gives it a priority." },
  [F_PRIORITY] = { "vlan.priority", "Priority", IOT_FT_UINT16, IOT_BASE_DEC, priority_names, 0xe000,
    "Three bits telling switches how urgent the frame is (0 = normal, 7 = network control)." },
  [F_DEI] = { "vlan.dei", "DEI", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x1000,
    "Drop Eligible Indicator: set when the frame may be dropped first if the network is congested.",
    "Eligible", "Ineligible" },
  [F_ID] = { "vlan.id", "ID", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0x0fff,
    "Number of the virtual LAN (1-4094) the frame belongs to; switches keep different VLANs apart." },
  [F_ETYPE] = { "vlan.etype", "Type", IOT_FT_UINT16, IOT_BASE_HEX, ethertype_names, 0,
    "EtherType of what follows the tag, like the type field of a plain Ethernet header." },
  [F_LEN] = { "vlan.len", "Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "In old IEEE 802.3 framing this field is the payload length instead of a type." },
};

static int
dissect_vlan (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint16 tci = iot_buf_u16 (buf, 0);
  guint16 type = iot_buf_u16 (buf, 2);
  guint prio = tci >> 13, dei = (tci >> 12) & 1, id = tci & 0x0fff;
  IotBuf payload;
  int tree, used;

  iot_col_set_protocol (pkt, "802.1Q");
  iot_col_printf_info (pkt, "PRI: %u  DEI: %u  ID: %u", prio, dei, id);
  tree = iot_tree_add_protocol (pkt, parent, &vlan_fields[F_PROTO], buf, 0, 4);
  iot_tree_set_label (pkt, tree, "802.1Q Virtual LAN, PRI: %u, DEI: %u, ID: %u", prio, dei, id);
  iot_tree_add_item (pkt, tree, &vlan_fields[F_PRIORITY], buf, 0, 2, FALSE);
  iot_tree_add_item (pkt, tree, &vlan_fields[F_DEI], buf, 0, 2, FALSE);
  iot_tree_add_item (pkt, tree, &vlan_fields[F_ID], buf, 0, 2, FALSE);

  payload = iot_buf_sub (buf, 4, -1);
  if (type <= 1500)
    {
      /* 802.3 length form: LLC is not decoded here. */
      iot_tree_add_item (pkt, tree, &vlan_fields[F_LEN], buf, 2, 2, FALSE);
      used = iot_call_data (pkt, &payload, -1);
      return 4 + MAX (used, 0);
    }
  iot_tree_add_item (pkt, tree, &vlan_fields[F_ETYPE], buf, 2, 2, FALSE);
  used = iot_call_ethertype (pkt, type, &payload, -1);
  if (used < 0)
    used = iot_call_data (pkt, &payload, -1);
  /* What the inner packet leaves over is the Ethernet layer's trailer. */
  return 4 + MAX (used, 0);
}

IotDissector iot_dissector_vlan = {
  .name = "802.1Q",
  .abbrev = "vlan",
  .long_name = "802.1Q Virtual LAN",
  .fields = vlan_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_vlan,
  .handoff = { { "ethertype", 0x8100 }, { "ethertype", 0x88a8 } },
};
