/* llc.c — IEEE 802.2 Logical Link Control with a SNAP header, how 802.11
 * data frames say what they carry: AA AA 03, an organisation code and an
 * EtherType (IPv4, IPv6, ARP, EAPOL…). */
#include "iot-dissector.h"

enum {
  F_PROTO,
  F_DSAP,
  F_DSAP_SAP,
  F_DSAP_IG,
  F_SSAP,
  F_SSAP_SAP,
  F_SSAP_CR,
  F_CONTROL,
  F_CONTROL_U_CMD,
  F_CONTROL_FTYPE,
  F_OUI,
  F_TYPE,
  N_FIELDS
};

static const IotValueName sap_names[] = {
  { 0x42, "Spanning Tree BPDU" }, { 0xaa, "SNAP" }, { 0xe0, "NetWare" }, { 0xf0, "NetBIOS" },
  IOT_VALUE_NAMES_END
};

static const IotValueName ethertype_names[] = {
  { 0x0800, "IPv4" }, { 0x0806, "ARP" }, { 0x86dd, "IPv6" }, { 0x888e, "802.1X Authentication" },
  IOT_VALUE_NAMES_END
};

static IotField llc_fields[N_FIELDS] = {
  [F_PROTO] = { "llc", "Logical-Link Control", IOT_FT_PROTOCOL, .blurb =
    "The 8-byte header that says which protocol a Wi-Fi data frame carries (Ethernet frames have an "
    "EtherType field for this instead)." },
  [F_DSAP] = { "llc.dsap", "DSAP", IOT_FT_UINT8, IOT_BASE_HEX, sap_names, 0,
    "Destination service access point; 0xaa means a SNAP header follows." },
  [F_DSAP_SAP] = { "llc.dsap.sap", "SAP", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0xfe, "The SAP number without the I/G bit." },
  [F_DSAP_IG] = { "llc.dsap.ig", "IG Bit", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x01,
    "Individual or group address.", "Group", "Individual", 8 },
  [F_SSAP] = { "llc.ssap", "SSAP", IOT_FT_UINT8, IOT_BASE_HEX, sap_names, 0, "Source service access point." },
  [F_SSAP_SAP] = { "llc.ssap.sap", "SAP", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0xfe, "The SAP number without the C/R bit." },
  [F_SSAP_CR] = { "llc.ssap.cr", "CR Bit", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x01,
    "Command or response.", "Response", "Command", 8 },
  [F_CONTROL] = { "llc.control", "Control", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "0x03: an unnumbered information frame, the only kind IP over Wi-Fi uses." },
  [F_CONTROL_U_CMD] = { "llc.control.u_modifier_cmd", "Command", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0xec,
    "Unnumbered command; 0 is UI (information)." },
  [F_CONTROL_FTYPE] = { "llc.control.ftype", "Frame type", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "3 = unnumbered frame." },
  [F_OUI] = { "llc.oui", "Organization Code", IOT_FT_UINT24, IOT_BASE_DEC, NULL, 0,
    "0 (encapsulated Ethernet): the next field is an EtherType." },
  [F_TYPE] = { "llc.type", "Type", IOT_FT_UINT16, IOT_BASE_HEX, ethertype_names, 0,
    "EtherType of the payload: 0x0800 IPv4, 0x86dd IPv6, 0x0806 ARP, 0x888e EAPOL (the WPA handshake)." },
};

static int
dissect_llc (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint dsap = iot_buf_u8 (buf, 0), ssap = iot_buf_u8 (buf, 1), control = iot_buf_u8 (buf, 2);
  IotBuf payload;
  int tree, node;

  iot_col_set_protocol (pkt, "LLC");
  tree = iot_tree_add_protocol (pkt, parent, &llc_fields[F_PROTO], buf, 0, 3);
  node = iot_tree_add_item (pkt, tree, &llc_fields[F_DSAP], buf, 0, 1, FALSE);
  iot_tree_add_item (pkt, node, &llc_fields[F_DSAP_SAP], buf, 0, 1, FALSE);
  iot_tree_add_item (pkt, node, &llc_fields[F_DSAP_IG], buf, 0, 1, FALSE);
  node = iot_tree_add_item (pkt, tree, &llc_fields[F_SSAP], buf, 1, 1, FALSE);
  iot_tree_add_item (pkt, node, &llc_fields[F_SSAP_SAP], buf, 1, 1, FALSE);
  iot_tree_add_item (pkt, node, &llc_fields[F_SSAP_CR], buf, 1, 1, FALSE);
  node = iot_tree_add_uint (pkt, tree, &llc_fields[F_CONTROL], buf, 2, 1, control);
  if ((control & 0x03) == 0x03)
    {
      iot_tree_add_item (pkt, node, &llc_fields[F_CONTROL_U_CMD], buf, 2, 1, FALSE);
      iot_tree_add_uint (pkt, node, &llc_fields[F_CONTROL_FTYPE], buf, 2, 1, 0x03);
    }
  if (dsap != 0xaa || ssap != 0xaa || control != 0x03)
    {
      iot_col_set_info (pkt, "LLC frame");
      payload = iot_buf_sub (buf, 3, -1);
      iot_call_data (pkt, &payload, -1);
      return buf->length;
    }
  iot_tree_set_length (pkt, tree, 8);
  iot_tree_add_item (pkt, tree, &llc_fields[F_OUI], buf, 3, 3, FALSE);
  iot_tree_add_item (pkt, tree, &llc_fields[F_TYPE], buf, 6, 2, FALSE);
  payload = iot_buf_sub (buf, 8, -1);
  if (iot_buf_u24 (buf, 3) != 0 || iot_call_table (pkt, "ethertype", iot_buf_u16 (buf, 6), &payload, -1) < 0)
    iot_call_data (pkt, &payload, -1);
  return buf->length;
}

IotDissector iot_dissector_llc = {
  .name = "LLC",
  .abbrev = "llc",
  .long_name = "Logical-Link Control",
  .fields = llc_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_llc,
};
