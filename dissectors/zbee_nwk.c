/* zbee_nwk.c — the Zigbee network layer (NWK): the mesh routing header of
 * Zigbee PRO, carried in 802.15.4 data frames between short addresses.
 *
 * It says who the packet is really from and for across the mesh (the MAC
 * addresses only name this radio hop), how many more hops it may take, and
 * whether the layers above are encrypted with the network key (see
 * zbee-security.c).  Command frames are the network's own housekeeping;
 * joins and rejoins among them.
 */
#include "wpan.h"
#include "zbee-security.h"

extern IotDissector iot_dissector_zbee_nwk;
extern IotDissector iot_dissector_zbee_aps;

enum {
  F_PROTO,
  F_FCF,
  F_FRAME_TYPE,
  F_PROTO_VERSION,
  F_DISCOVERY,
  F_MULTICAST,
  F_SECURITY,
  F_SRC_ROUTE,
  F_EXT_DST,
  F_EXT_SRC,
  F_END_DEVICE_INITIATOR,
  F_DST,
  F_SRC,
  F_ADDR,
  F_RADIUS,
  F_SEQNO,
  F_DST64,
  F_SRC64,
  F_ADDR64,
  F_SRC64_ORIGIN,
  F_CMD_ID,
  F_CMD_ADDR,
  F_CMD_CINFO,
  F_CMD_CINFO_ALT_COORD,
  F_CMD_CINFO_FFD,
  F_CMD_CINFO_POWER,
  F_CMD_CINFO_ON_IDLE,
  F_CMD_CINFO_SECURITY,
  F_CMD_CINFO_ALLOC,
  F_CMD_REJOIN_STATUS,
  F_CMD_LEAVE_REJOIN,
  F_CMD_LEAVE_REQUEST,
  F_CMD_LEAVE_CHILDREN,
  F_SEC_FIRST,
  N_FIELDS = F_SEC_FIRST + ZBEE_SEC_N_FIELDS
};

enum {
  CMD_LEAVE = 0x04,
  CMD_REJOIN_REQUEST = 0x06,
  CMD_REJOIN_RESPONSE = 0x07,
};

static const IotValueName cmd_names[] = {
  { 0x01, "Route Request" },
  { 0x02, "Route Reply" },
  { 0x03, "Network Status" },
  { CMD_LEAVE, "Leave" },
  { 0x05, "Route Record" },
  { CMD_REJOIN_REQUEST, "Rejoin Request" },
  { CMD_REJOIN_RESPONSE, "Rejoin Response" },
  { 0x08, "Link Status" },
  { 0x09, "Network Report" },
  { 0x0a, "Network Update" },
  { 0x0b, "End Device Timeout Request" },
  { 0x0c, "End Device Timeout Response" },
  { 0x0d, "Link Power Delta" },
  IOT_VALUE_NAMES_END
};

static const IotValueName rejoin_status_names[] = {
  { 0x00, "Success" },
  { 0x01, "PAN Full" },
  { 0x02, "PAN Access Denied" },
  IOT_VALUE_NAMES_END
};

static const IotValueName sec_key_id_names[] = {
  { 0, "Link Key" },
  { 1, "Network Key" },
  { 2, "Key-Transport Key" },
  { 3, "Key-Load Key" },
  IOT_VALUE_NAMES_END
};

static const IotValueName frame_type_names[] = {
  { 0, "Data" },
  { 1, "Command" },
  { 3, "Inter-PAN" },
  IOT_VALUE_NAMES_END
};

static const IotValueName discovery_names[] = {
  { 0, "Suppress" },
  { 1, "Enable" },
  { 2, "Force" },
  IOT_VALUE_NAMES_END
};

#define BOOL_TF .true_word = "True", .false_word = "False"

static IotField nwk_fields[N_FIELDS] = {
  [F_PROTO] = { "zbee_nwk", "ZigBee Network Layer", IOT_FT_PROTOCOL, .blurb =
    "Zigbee's network layer: routes a packet across the mesh of routers from its real source to its real destination, a hop at a time." },
  [F_FCF] = { "zbee_nwk.fcf", "Frame Control Field", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Two bytes saying what kind of NWK frame this is and which optional parts follow." },
  [F_FRAME_TYPE] = { "zbee_nwk.frame_type", "Frame Type", IOT_FT_UINT16, IOT_BASE_HEX, frame_type_names, 0x0003,
    "Data (application traffic, carried by APS) or Command (the network's own housekeeping: route requests, link status, leave …)." },
  [F_PROTO_VERSION] = { "zbee_nwk.proto_version", "Protocol Version", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0x003c,
    "Zigbee stack version: 1 for Zigbee 2004, 2 for Zigbee 2006/2007/PRO." },
  [F_DISCOVERY] = { "zbee_nwk.discovery", "Discover Route", IOT_FT_UINT16, IOT_BASE_HEX, discovery_names, 0x00c0,
    "Whether a router may look for a new route when it has none for the destination." },
  [F_MULTICAST] = { "zbee_nwk.multicast", "Multicast", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0100,
    "The destination is a group, not one device.", BOOL_TF, .bits = 16 },
  [F_SECURITY] = { "zbee_nwk.security", "Security", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0200,
    "The rest of the frame is encrypted and authenticated with the network key, which every device of the network shares.", BOOL_TF, .bits = 16 },
  [F_SRC_ROUTE] = { "zbee_nwk.src_route", "Source Route", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0400,
    "The sender spelled out the list of routers the packet must pass.", BOOL_TF, .bits = 16 },
  [F_EXT_DST] = { "zbee_nwk.ext_dst", "Destination", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0800,
    "The destination's 64-bit address is included.", BOOL_TF, .bits = 16 },
  [F_EXT_SRC] = { "zbee_nwk.ext_src", "Extended Source", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x1000,
    "The source's 64-bit address is included.", BOOL_TF, .bits = 16 },
  [F_END_DEVICE_INITIATOR] = { "zbee_nwk.end_device_initiator", "End Device Initiator", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x2000,
    "The frame comes from an end device (a battery device that does not route) through its parent.", BOOL_TF, .bits = 16 },
  [F_DST] = { "zbee_nwk.dst", "Destination", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Network address of the final destination: 0x0000 is the coordinator, 0xfffc–0xffff are broadcasts (all routers, all awake devices, everyone)." },
  [F_SRC] = { "zbee_nwk.src", "Source", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Network address of the device that first sent the packet." },
  [F_ADDR] = { "zbee_nwk.addr", "Address", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Either network address: filter on it to see a device's traffic in both directions." },
  [F_RADIUS] = { "zbee_nwk.radius", "Radius", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "How many more hops the packet may make; each router counts it down." },
  [F_SEQNO] = { "zbee_nwk.seqno", "Sequence Number", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "The source's packet counter, used to drop duplicate copies of broadcasts." },
  [F_DST64] = { "zbee_nwk.dst64", "Destination", IOT_FT_EUI64, .blurb =
    "The destination's 64-bit (EUI-64) address." },
  [F_SRC64] = { "zbee_nwk.src64", "Extended Source", IOT_FT_EUI64, .blurb =
    "The source's 64-bit (EUI-64) address." },
  [F_ADDR64] = { "zbee_nwk.addr64", "Address", IOT_FT_EUI64, .blurb =
    "Either 64-bit address of the NWK header." },
  [F_SRC64_ORIGIN] = { "zbee_nwk.src64.origin", "Origin", IOT_FT_FRAMENUM, .blurb =
    "Frame where the capture learned which 64-bit address this network address belongs to." },
  [F_CMD_ID] = { "zbee_nwk.cmd.id", "Command Identifier", IOT_FT_UINT8, IOT_BASE_HEX, cmd_names, 0,
    "Which network command: route discovery, link status, leave, rejoin …" },
  [F_CMD_ADDR] = { "zbee_nwk.cmd.addr", "Address", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "In a Rejoin Response: the network address the device is to use from now on." },
  [F_CMD_CINFO] = { "zbee_nwk.cmd.cinfo", "Capability Information", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "What kind of device is (re)joining: router or end device, mains or battery, listening or sleeping." },
  [F_CMD_CINFO_ALT_COORD] = { "zbee_nwk.cmd.cinfo.alt_coord", "Alternate Coordinator", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x01,
    "The device could act as the PAN coordinator.", BOOL_TF, .bits = 8 },
  [F_CMD_CINFO_FFD] = { "zbee_nwk.cmd.cinfo.ffd", "Full-Function Device", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x02,
    "A router (it can relay for others); clear for an end device.", BOOL_TF, .bits = 8 },
  [F_CMD_CINFO_POWER] = { "zbee_nwk.cmd.cinfo.power", "AC Power", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x04,
    "Mains powered; clear for a battery device.", BOOL_TF, .bits = 8 },
  [F_CMD_CINFO_ON_IDLE] = { "zbee_nwk.cmd.cinfo.on_idle", "Rx On When Idle", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x08,
    "The receiver stays on; clear for a sleepy device that polls its parent for messages.", BOOL_TF, .bits = 8 },
  [F_CMD_CINFO_SECURITY] = { "zbee_nwk.cmd.cinfo.security", "Security Capability", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x40,
    "The device can secure MAC frames (unused by Zigbee PRO, which secures at the NWK layer).", BOOL_TF, .bits = 8 },
  [F_CMD_CINFO_ALLOC] = { "zbee_nwk.cmd.cinfo.alloc", "Allocate Short Address", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x80,
    "The device asks its parent to give it a network address.", BOOL_TF, .bits = 8 },
  [F_CMD_REJOIN_STATUS] = { "zbee_nwk.cmd.rejoin_status", "Status", IOT_FT_UINT8, IOT_BASE_HEX, rejoin_status_names, 0,
    "Whether the parent let the device back in." },
  [F_CMD_LEAVE_REJOIN] = { "zbee_nwk.cmd.leave.rejoin", "Rejoin", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x20,
    "The device will (or should) join again right after leaving.", BOOL_TF, .bits = 8 },
  [F_CMD_LEAVE_REQUEST] = { "zbee_nwk.cmd.leave.request", "Request", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x40,
    "Set: another device tells the destination to leave; clear: the sender announces it is leaving.", BOOL_TF, .bits = 8 },
  [F_CMD_LEAVE_CHILDREN] = { "zbee_nwk.cmd.leave.children", "Remove Children", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x80,
    "The device's children must leave too.", BOOL_TF, .bits = 8 },
  [F_SEC_FIRST + ZBEE_SEC_F_FIELD] = { "zbee.sec.field", "Security Control Field", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "First byte of the security header: which key protects the frame and whether the sender's 64-bit address follows." },
  [F_SEC_FIRST + ZBEE_SEC_F_KEY_ID] = { "zbee.sec.key_id", "Key Id", IOT_FT_UINT8, IOT_BASE_HEX, sec_key_id_names, 0x18,
    "Network key (shared by every device of the network), a link key (between two devices), or a key derived from a link key for sending keys." },
  [F_SEC_FIRST + ZBEE_SEC_F_EXT_NONCE] = { "zbee.sec.ext_nonce", "Extended Nonce", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x20,
    "The sender's 64-bit address is included: the receiver needs it to build the nonce.", BOOL_TF, .bits = 8 },
  [F_SEC_FIRST + ZBEE_SEC_F_COUNTER] = { "zbee.sec.counter", "Frame Counter", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "The sender's count of secured frames; receivers drop a frame whose counter does not grow (replay protection)." },
  [F_SEC_FIRST + ZBEE_SEC_F_SRC64] = { "zbee.sec.src64", "Extended Source", IOT_FT_EUI64, .blurb =
    "The sender's EUI-64, part of the nonce." },
  [F_SEC_FIRST + ZBEE_SEC_F_KEY_SEQNO] = { "zbee.sec.key_seqno", "Key Sequence Number", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Which network key (the trust centre can switch to a new one)." },
  [F_SEC_FIRST + ZBEE_SEC_F_MIC] = { "zbee.sec.mic", "Message Integrity Code", IOT_FT_BYTES, .blurb =
    "4-byte tag proving the frame was made by someone holding the key and was not changed on the way." },
  [F_SEC_FIRST + ZBEE_SEC_F_KEY] = { "zbee.sec.key", "Key", IOT_FT_BYTES, .blurb =
    "The key that decrypted this frame." },
  [F_SEC_FIRST + ZBEE_SEC_F_KEY_ORIGIN] = { "zbee.sec.key.origin", "Key Origin", IOT_FT_FRAMENUM, .blurb =
    "Frame where this key was seen being sent (an APS Transport-Key the capture could read)." },
  [F_SEC_FIRST + ZBEE_SEC_F_DECRYPTION_KEY] = { "zbee.sec.decryption_key", "Key Label", IOT_FT_STRING, .blurb =
    "Name of the key, as given in the Zigbee keys preference." },
};

const IotField *
iot_zbee_sec_fields (void)
{
  return &nwk_fields[F_SEC_FIRST];
}

/* The security items raised for NWK and APS frames alike. */
static IotExpertInfo nwk_experts[ZBEE_SEC_N_EXPERTS] = {
  [ZBEE_SEC_E_ENCRYPTED_PAYLOAD] = IOT_EXPERT_INFO ("zbee_sec.encrypted_payload", IOT_SEV_WARN,
    IOT_GROUP_UNDECODED, "Encrypted Payload",
    "No known key decrypts this payload (or its integrity code does not match): add the network or "
    "link key in the Zigbee keys preference to read it."),
  [ZBEE_SEC_E_ENCRYPTED_PAYLOAD_SLICED] = IOT_EXPERT_INFO ("zbee_sec.encrypted_payload_sliced", IOT_SEV_WARN,
    IOT_GROUP_UNDECODED, "Encrypted payload, cut short when capturing - can't decrypt",
    "The capture kept only the start of this frame; the integrity code at its end is missing, so the "
    "payload cannot be decrypted."),
  [ZBEE_SEC_E_EXTENDED_SOURCE_UNKNOWN] = IOT_EXPERT_INFO ("zbee_sec.extended_source_unknown", IOT_SEV_WARN,
    IOT_GROUP_UNDECODED, "Extended Source: Unknown",
    "The sender's 64-bit address, needed for the decryption nonce, is neither in the security header "
    "nor known from the layers below, so the payload cannot be decrypted."),
};

const IotExpertInfo *
iot_zbee_sec_experts (void)
{
  return nwk_experts;
}

static const guint8 *
read_eui64 (IotPacket *pkt, IotBuf *buf, guint off)
{
  const guint8 *p = iot_buf_ptr (buf, off, 8);
  guint8 *eui = iot_packet_alloc (pkt, 8);

  for (int i = 0; i < 8; i++)
    eui[i] = p[7 - i];
  return eui;
}

static void
add_eui64 (IotPacket *pkt, int tree, int field, IotBuf *buf, guint off)
{
  const guint8 *eui = read_eui64 (pkt, buf, off);
  int node;

  iot_tree_add_bytes (pkt, tree, &nwk_fields[field], buf, off, 8, eui, 8);
  node = iot_tree_add_bytes (pkt, tree, &nwk_fields[F_ADDR64], buf, off, 8, eui, 8);
  iot_tree_set_hidden (pkt, node);
}

/* A source sent without its 64-bit address, known from an earlier frame;
 * returns it (NULL when unknown). */
static const guint8 *
add_known_source (IotPacket *pkt, int tree, guint16 src)
{
  const IotWpanAddresses *mac = iot_wpan_addresses (pkt);
  const guint8 *eui;
  guint32 origin = 0;
  int node;

  if (mac == NULL || (eui = iot_wpan_lookup_address (pkt, mac->pan, src, &origin)) == NULL)
    return NULL;
  node = iot_tree_add_bytes (pkt, tree, &nwk_fields[F_SRC64], NULL, 0, 0, eui, 8);
  iot_tree_set_generated (pkt, node);
  node = iot_tree_add_bytes (pkt, tree, &nwk_fields[F_ADDR64], NULL, 0, 0, eui, 8);
  iot_tree_set_hidden (pkt, node);
  node = iot_tree_add_uint (pkt, tree, &nwk_fields[F_SRC64_ORIGIN], NULL, 0, 0, origin);
  iot_tree_set_generated (pkt, node);
  return eui;
}

/* While readings are wanted: the source names the device that reports
 * what the frame carries (ZCL attributes), by its EUI-64 when known. */
static void
set_reading_device (IotPacket *pkt, guint16 src, const guint8 *src64)
{
  if (!iot_packet_wants_readings (pkt))
    return;
  if (src64 != NULL)
    iot_packet_set_reading_origin (pkt, iot_packet_strdup_printf (pkt,
                                   "%02x:%02x:%02x:%02x:%02x:%02x:%02x:%02x", src64[0], src64[1],
                                   src64[2], src64[3], src64[4], src64[5], src64[6], src64[7]), NULL);
  else
    iot_packet_set_reading_origin (pkt, iot_packet_strdup_printf (pkt, "0x%04x", src), NULL);
}

static void
add_capability (IotPacket *pkt, int tree, IotBuf *buf, guint off)
{
  static const int bits[] = {
    F_CMD_CINFO_ALT_COORD, F_CMD_CINFO_FFD, F_CMD_CINFO_POWER, F_CMD_CINFO_ON_IDLE,
    F_CMD_CINFO_SECURITY, F_CMD_CINFO_ALLOC,
  };
  int node = iot_tree_add_item (pkt, tree, &nwk_fields[F_CMD_CINFO], buf, off, 1, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (bits); i++)
    iot_tree_add_item (pkt, node, &nwk_fields[bits[i]], buf, off, 1, FALSE);
}

/* A NWK command frame's payload (decrypted when the frame was secured). */
static void
dissect_command (IotPacket *pkt, int tree, IotBuf *buf, guint16 src)
{
  guint8 id = iot_buf_u8 (buf, 0);
  const char *name = iot_value_name (cmd_names, id);
  int cmd = iot_tree_add_text (pkt, tree, buf, 0, buf->length, "Command Frame: %s",
                               name ? name : "Unknown Command");

  iot_zbee_tap (pkt, IOT_TAP_ZIGBEE_NWK_CMD, id, NULL);
  iot_tree_add_item (pkt, cmd, &nwk_fields[F_CMD_ID], buf, 0, 1, FALSE);
  switch (id)
    {
    case CMD_REJOIN_REQUEST:
      add_capability (pkt, cmd, buf, 1);
      iot_col_printf_info (pkt, "Rejoin Request, Device: 0x%04x", src);
      break;
    case CMD_REJOIN_RESPONSE:
      iot_tree_add_item (pkt, cmd, &nwk_fields[F_CMD_ADDR], buf, 1, 2, TRUE);
      iot_tree_add_item (pkt, cmd, &nwk_fields[F_CMD_REJOIN_STATUS], buf, 3, 1, FALSE);
      iot_col_printf_info (pkt, "Rejoin Response, New Address: 0x%04x", iot_buf_u16le (buf, 1));
      break;
    case CMD_LEAVE:
      iot_tree_add_item (pkt, cmd, &nwk_fields[F_CMD_LEAVE_REJOIN], buf, 1, 1, FALSE);
      iot_tree_add_item (pkt, cmd, &nwk_fields[F_CMD_LEAVE_REQUEST], buf, 1, 1, FALSE);
      iot_tree_add_item (pkt, cmd, &nwk_fields[F_CMD_LEAVE_CHILDREN], buf, 1, 1, FALSE);
      iot_col_printf_info (pkt, "Leave, Device: 0x%04x", src);
      break;
    default:
      /* The other commands (routing, link status …) are named only. */
      iot_col_set_info (pkt, name ? name : "Unknown Command");
      if (buf->length > 1)
        {
          IotBuf rest = iot_buf_sub (buf, 1, -1);

          iot_call_data (pkt, &rest, -1);
        }
      break;
    }
}

/* The frame's payload, handed on once it is readable. */
static void
dissect_payload (IotPacket *pkt, int tree, guint type, IotBuf *payload, guint16 src)
{
  if (type == 0)
    iot_call_dissector (pkt, &iot_dissector_zbee_aps, payload, -1);
  else if (type == 1)
    dissect_command (pkt, tree, payload, src);
  else
    iot_call_data (pkt, payload, -1);
}

static int
dissect_zbee_nwk (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint16 fcf = iot_buf_u16le (buf, 0), dst = iot_buf_u16le (buf, 2), src = iot_buf_u16le (buf, 4);
  guint type = fcf & 3, off = 8;
  int tree = iot_tree_add_protocol (pkt, parent, &nwk_fields[F_PROTO], buf, 0, -1);
  int node;
  const guint8 *src64 = NULL;
  char dst_text[16];
  static const int bits[] = {
    F_FRAME_TYPE, F_PROTO_VERSION, F_DISCOVERY, F_MULTICAST, F_SECURITY, F_SRC_ROUTE,
    F_EXT_DST, F_EXT_SRC, F_END_DEVICE_INITIATOR,
  };

  iot_col_set_protocol (pkt, "ZigBee");
  node = iot_tree_add_item (pkt, tree, &nwk_fields[F_FCF], buf, 0, 2, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (bits); i++)
    iot_tree_add_item (pkt, node, &nwk_fields[bits[i]], buf, 0, 2, TRUE);
  iot_tree_add_item (pkt, tree, &nwk_fields[F_DST], buf, 2, 2, TRUE);
  node = iot_tree_add_item (pkt, tree, &nwk_fields[F_ADDR], buf, 2, 2, TRUE);
  iot_tree_set_hidden (pkt, node);
  iot_tree_add_item (pkt, tree, &nwk_fields[F_SRC], buf, 4, 2, TRUE);
  node = iot_tree_add_item (pkt, tree, &nwk_fields[F_ADDR], buf, 4, 2, TRUE);
  iot_tree_set_hidden (pkt, node);
  iot_tree_add_item (pkt, tree, &nwk_fields[F_RADIUS], buf, 6, 1, FALSE);
  iot_tree_add_item (pkt, tree, &nwk_fields[F_SEQNO], buf, 7, 1, FALSE);
  if (fcf & 0x0800)
    {
      add_eui64 (pkt, tree, F_DST64, buf, off);
      off += 8;
    }
  if (fcf & 0x1000)
    {
      const IotWpanAddresses *mac = iot_wpan_addresses (pkt);

      src64 = read_eui64 (pkt, buf, off);
      add_eui64 (pkt, tree, F_SRC64, buf, off);
      if (mac != NULL)
        iot_wpan_remember_address (pkt, mac->pan, src, read_eui64 (pkt, buf, off));
      off += 8;
    }
  else
    src64 = add_known_source (pkt, tree, src);
  set_reading_device (pkt, src, src64);
  /* 0xfffb-0xffff are the broadcast groups (all, awake, routers …). */
  if (dst >= 0xfffb)
    g_strlcpy (dst_text, "Broadcast", sizeof dst_text);
  else
    g_snprintf (dst_text, sizeof dst_text, "0x%04x", dst);
  iot_col_printf_info (pkt, "%s, Dst: %s, Src: 0x%04x",
                       type == 1 ? "Command" : "Data", dst_text, src);
  iot_tree_set_label (pkt, tree, "ZigBee Network Layer %s, Dst: %s, Src: 0x%04x",
                      type == 1 ? "Command" : "Data", dst_text, src);
  if (fcf & 0x0100)
    iot_malformed (pkt, "Multicast control is not decoded");
  if (fcf & 0x0400)
    {
      guint n = iot_buf_u8 (buf, off);

      off += 2 + 2 * n;   /* relay count, relay index, relay list */
    }
  if (fcf & 0x0200)
    {
      IotZbeeSecResult sec;
      IotBuf plain;

      if (iot_zbee_sec_dissect (pkt, tree, buf, off, src64, &sec, &plain))
        dissect_payload (pkt, tree, type, &plain, src);
      else if (plain.length > 0)
        iot_call_data (pkt, &plain, -1);
      return buf->length;
    }
  iot_tree_set_length (pkt, tree, off);
  if (off < buf->length)
    {
      IotBuf payload = iot_buf_sub (buf, off, -1);

      dissect_payload (pkt, tree, type, &payload, src);
    }
  return buf->length;
}

/* Zigbee frames are data frames between short MAC addresses whose payload
 * starts with a NWK frame control of protocol version 1 or 2 and a known
 * frame type. */
static gboolean
zbee_nwk_heuristic (IotPacket *pkt, IotBuf *buf)
{
  const IotWpanAddresses *mac = iot_wpan_addresses (pkt);
  guint16 fcf;
  guint version;

  if (mac == NULL || mac->src_mode != 2 || mac->dst_mode != 2 || !iot_buf_has (buf, 0, 8))
    return FALSE;
  fcf = iot_buf_u16le (buf, 0);
  version = (fcf >> 2) & 0xf;
  return (version == 1 || version == 2) && (fcf & 3) <= 1;
}

IotDissector iot_dissector_zbee_nwk = {
  .name = "ZigBee",
  .abbrev = "zbee_nwk",
  .long_name = "ZigBee Network Layer",
  .fields = nwk_fields,
  .n_fields = N_FIELDS,
  .experts = nwk_experts,
  .n_experts = ZBEE_SEC_N_EXPERTS,
  .dissect = dissect_zbee_nwk,
  .heuristic_table = "wpan",
  .heuristic = zbee_nwk_heuristic,
  .state_new = iot_zbee_sec_state_new,
  .state_free = iot_zbee_sec_state_free,
};
