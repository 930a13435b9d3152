/* zbee_aps.c — the Zigbee application support sublayer (APS): which
 * application (endpoint, profile, cluster) on the destination device a
 * message is for, end-to-end acknowledgements, and group delivery; and
 * the security commands a trust centre uses to hand out keys. */
#include "iot-dissector.h"
#include "zbee-security.h"


extern IotDissector iot_dissector_zbee_aps;
extern IotDissector iot_dissector_zbee_zcl;
extern IotDissector iot_dissector_zbee_zdp;

/* For the ZCL inside: the cluster (low 16 bits) and profile of the frame. */
guint64 iot_zbee_aps_cluster_profile (IotPacket *pkt);

enum {
  F_PROTO,
  F_TYPE,
  F_DELIVERY,
  F_ACK_FORMAT,
  F_SECURITY,
  F_ACK_REQ,
  F_EXT_HEADER,
  F_DST,
  F_GROUP,
  F_CLUSTER,
  F_ZDP_CLUSTER,
  F_PROFILE,
  F_SRC,
  F_COUNTER,
  F_CMD_ID,
  F_CMD_KEY_TYPE,
  F_CMD_KEY,
  F_CMD_SEQNO,
  F_CMD_DST,
  F_CMD_SRC,
  F_CMD_PARTNER,
  F_CMD_INIT_FLAG,
  F_CMD_DEVICE,
  F_CMD_ADDR,
  F_CMD_UPDATE_STATUS,
  F_CMD_STATUS,
  F_CMD_KEY_HASH,
  N_FIELDS
};

enum {
  CMD_TRANSPORT_KEY = 0x05,
  CMD_UPDATE_DEVICE = 0x06,
  CMD_REMOVE_DEVICE = 0x07,
  CMD_REQUEST_KEY = 0x08,
  CMD_SWITCH_KEY = 0x09,
  CMD_VERIFY_KEY = 0x0f,
  CMD_CONFIRM_KEY = 0x10,
};

enum {
  KEY_NWK = 0x01,
  KEY_APP_LINK = 0x03,
  KEY_TC_LINK = 0x04,
};

enum {
  TYPE_DATA = 0,
  TYPE_COMMAND = 1,
  TYPE_ACK = 2,
};

enum {
  DELIVERY_UNICAST = 0,
  DELIVERY_BROADCAST = 2,
  DELIVERY_GROUP = 3,
};

static const IotValueName type_names[] = {
  { TYPE_DATA, "Data" },
  { TYPE_COMMAND, "Command" },
  { TYPE_ACK, "Ack" },
  { 3, "Inter-PAN" },
  IOT_VALUE_NAMES_END
};

static const IotValueName delivery_names[] = {
  { DELIVERY_UNICAST, "Unicast" },
  { 1, "Indirect" },
  { DELIVERY_BROADCAST, "Broadcast" },
  { DELIVERY_GROUP, "Group" },
  IOT_VALUE_NAMES_END
};

static const IotValueName cluster_names[] = {
  { 0x0000, "Basic" },
  { 0x0001, "Power Configuration" },
  { 0x0003, "Identify" },
  { 0x0004, "Groups" },
  { 0x0005, "Scenes" },
  { 0x0006, "On/Off" },
  { 0x0008, "Level Control" },
  { 0x0019, "OTA Upgrade" },
  { 0x0300, "Color Control" },
  { 0x0402, "Temperature Measurement" },
  { 0x0405, "Relative Humidity Measurement" },
  { 0x0406, "Occupancy Sensing" },
  { 0x0500, "IAS Zone" },
  { 0x0702, "Simple Metering" },
  IOT_VALUE_NAMES_END
};

static const IotValueName profile_names[] = {
  { 0x0000, "ZigBee Device Profile" },
  { 0x0104, "Home Automation" },
  { 0x0109, "Smart Energy" },
  { 0xc05e, "ZigBee Light Link" },
  IOT_VALUE_NAMES_END
};

static const IotValueName cmd_names[] = {
  { CMD_TRANSPORT_KEY, "Transport Key" },
  { CMD_UPDATE_DEVICE, "Update Device" },
  { CMD_REMOVE_DEVICE, "Remove Device" },
  { CMD_REQUEST_KEY, "Request Key" },
  { CMD_SWITCH_KEY, "Switch Key" },
  { 0x0e, "Tunnel" },
  { CMD_VERIFY_KEY, "Verify Key" },
  { CMD_CONFIRM_KEY, "Confirm Key" },
  IOT_VALUE_NAMES_END
};

static const IotValueName key_type_names[] = {
  { 0x00, "Trust Center Master Key" },
  { KEY_NWK, "Standard Network Key" },
  { 0x02, "Application Master Key" },
  { KEY_APP_LINK, "Application Link Key" },
  { KEY_TC_LINK, "Trust Center Link Key" },
  { 0x05, "High-Security Network Key" },
  IOT_VALUE_NAMES_END
};

static const IotValueName update_status_names[] = {
  { 0x00, "Standard Device Secured Rejoin" },
  { 0x01, "Standard Device Unsecured Join" },
  { 0x02, "Device Left" },
  { 0x03, "Standard Device Trust Center Rejoin" },
  IOT_VALUE_NAMES_END
};

#define BOOL_TF .true_word = "True", .false_word = "False"

static IotField aps_fields[N_FIELDS] = {
  [F_PROTO] = { "zbee_aps", "ZigBee Application Support Layer", IOT_FT_PROTOCOL, .blurb =
    "Zigbee's application support layer: names the application on each device (endpoint), what the message is about (profile and cluster), and can ask the destination to acknowledge." },
  [F_TYPE] = { "zbee_aps.type", "Frame Type", IOT_FT_UINT8, IOT_BASE_HEX, type_names, 0x03,
    "Data (an application message), Command (security: key transport, requests) or Ack (end-to-end receipt)." },
  [F_DELIVERY] = { "zbee_aps.delivery", "Delivery Mode", IOT_FT_UINT8, IOT_BASE_HEX, delivery_names, 0x0c,
    "Unicast to one endpoint, broadcast, or to every member of a group (e.g. all lights of a room)." },
  [F_ACK_FORMAT] = { "zbee_aps.ack_format", "Acknowledgement Format", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x10,
    "In an ack: set when it acknowledges an APS command (no endpoints, cluster and profile then).", BOOL_TF, .bits = 8 },
  [F_SECURITY] = { "zbee_aps.security", "Security", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x20,
    "The payload is encrypted with a link key between the two devices (e.g. the trust center sending the network key).", BOOL_TF, .bits = 8 },
  [F_ACK_REQ] = { "zbee_aps.ack_req", "Acknowledgement Request", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x40,
    "The destination application must confirm receipt with an APS ack (end to end, unlike the MAC ack of each hop).", BOOL_TF, .bits = 8 },
  [F_EXT_HEADER] = { "zbee_aps.ext_header", "Extended Header", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x80,
    "An extended header follows, for messages split into blocks.", BOOL_TF, .bits = 8 },
  [F_DST] = { "zbee_aps.dst", "Destination Endpoint", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Which application on the destination device (endpoint 1–240; 0 is the device object, ZDO)." },
  [F_GROUP] = { "zbee_aps.group", "Group", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Group the message is for: every device that joined it acts on it." },
  [F_CLUSTER] = { "zbee_aps.cluster", "Cluster", IOT_FT_UINT16, IOT_BASE_HEX, cluster_names, 0,
    "The function the message is about: On/Off, Level Control, Temperature Measurement …" },
  [F_ZDP_CLUSTER] = { "zbee_aps.zdp_cluster", "Cluster", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "For the device profile (ZDP): which request or response this is — device announce, descriptor requests, bind, management …" },
  [F_PROFILE] = { "zbee_aps.profile", "Profile", IOT_FT_UINT16, IOT_BASE_HEX, profile_names, 0,
    "The application profile: Home Automation (0x0104) covers most smart-home devices; 0 is the device profile (ZDP)." },
  [F_SRC] = { "zbee_aps.src", "Source Endpoint", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Which application on the source device sent the message." },
  [F_COUNTER] = { "zbee_aps.counter", "Counter", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "The sender's APS message counter; an ack repeats it." },
  [F_CMD_ID] = { "zbee_aps.cmd.id", "Command Identifier", IOT_FT_UINT8, IOT_BASE_HEX, cmd_names, 0,
    "Which security command: Transport Key (the trust centre hands out a key), Update Device, Request Key …" },
  [F_CMD_KEY_TYPE] = { "zbee_aps.cmd.key_type", "Key Type", IOT_FT_UINT8, IOT_BASE_HEX, key_type_names, 0,
    "Which key is carried or asked for: the network key every device shares, or a link key between two devices." },
  [F_CMD_KEY] = { "zbee_aps.cmd.key", "Key", IOT_FT_BYTES, .blurb =
    "The key itself. Whoever can read this frame can decrypt the network from now on." },
  [F_CMD_SEQNO] = { "zbee_aps.cmd.seqno", "Sequence Number", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Number of the network key, so devices can tell an old key from a new one." },
  [F_CMD_DST] = { "zbee_aps.cmd.dst", "Extended Destination", IOT_FT_EUI64, .blurb =
    "EUI-64 of the device the key is meant for." },
  [F_CMD_SRC] = { "zbee_aps.cmd.src", "Extended Source", IOT_FT_EUI64, .blurb =
    "EUI-64 of the device that sends the key (the trust centre)." },
  [F_CMD_PARTNER] = { "zbee_aps.cmd.partner", "Partner Address", IOT_FT_EUI64, .blurb =
    "The other device of an application link key." },
  [F_CMD_INIT_FLAG] = { "zbee_aps.cmd.init_flag", "Initiator", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0,
    "Whether the receiver asked for this application link key.", BOOL_TF },
  [F_CMD_DEVICE] = { "zbee_aps.cmd.device", "Device Address", IOT_FT_EUI64, .blurb =
    "EUI-64 of the device the command is about." },
  [F_CMD_ADDR] = { "zbee_aps.cmd.addr", "Device Address", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Network address of the device the command is about." },
  [F_CMD_UPDATE_STATUS] = { "zbee_aps.cmd.update_status", "Device Status", IOT_FT_UINT8, IOT_BASE_HEX, update_status_names, 0,
    "What a router tells the trust centre: a device joined (secured or not), rejoined or left." },
  [F_CMD_STATUS] = { "zbee_aps.cmd.status", "Status", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "Outcome of the key verification (0 = success)." },
  [F_CMD_KEY_HASH] = { "zbee_aps.cmd.key_hash", "Key Hash", IOT_FT_BYTES, .blurb =
    "Proof that the device holds the trust-centre link key, without sending the key." },
};

static void
add_eui64 (IotPacket *pkt, int tree, int field, IotBuf *buf, guint off)
{
  const guint8 *p = iot_buf_ptr (buf, off, 8);
  guint8 *eui = iot_packet_alloc (pkt, 8);

  for (int i = 0; i < 8; i++)
    eui[i] = p[7 - i];
  iot_tree_add_bytes (pkt, tree, &aps_fields[field], buf, off, 8, eui, 8);
}

/* Transport Key: the key in the clear inside this (possibly decrypted)
 * payload; a network or link key read here decrypts later frames. */
static void
dissect_transport_key (IotPacket *pkt, int cmd, IotBuf *buf)
{
  guint8 type = iot_buf_u8 (buf, 1);

  iot_zbee_tap (pkt, IOT_TAP_ZIGBEE_APS_KEY_TYPE, type, NULL);
  iot_tree_add_item (pkt, cmd, &aps_fields[F_CMD_KEY_TYPE], buf, 1, 1, FALSE);
  iot_tree_add_item (pkt, cmd, &aps_fields[F_CMD_KEY], buf, 2, 16, FALSE);
  iot_zbee_sec_learn_network_key (pkt, iot_buf_ptr (buf, 2, 16));
  switch (type)
    {
    case KEY_NWK:
    case 0x05:
      iot_tree_add_item (pkt, cmd, &aps_fields[F_CMD_SEQNO], buf, 18, 1, FALSE);
      add_eui64 (pkt, cmd, F_CMD_DST, buf, 19);
      add_eui64 (pkt, cmd, F_CMD_SRC, buf, 27);
      break;
    case KEY_APP_LINK:
      add_eui64 (pkt, cmd, F_CMD_PARTNER, buf, 18);
      iot_tree_add_item (pkt, cmd, &aps_fields[F_CMD_INIT_FLAG], buf, 26, 1, FALSE);
      break;
    default:
      add_eui64 (pkt, cmd, F_CMD_DST, buf, 18);
      add_eui64 (pkt, cmd, F_CMD_SRC, buf, 26);
      break;
    }
}

/* A command's key type for the analyses, read as the tree item reads it
 * (a payload cut there ends there either way). */
static void
key_type_tap (IotPacket *pkt, IotBuf *buf, guint off)
{
  if (iot_tap_wanted (pkt, IOT_TAP_ZIGBEE))
    iot_zbee_tap (pkt, IOT_TAP_ZIGBEE_APS_KEY_TYPE, iot_buf_u8 (buf, off), NULL);
}

/* An APS command's payload (decrypted when the frame was secured). */
static void
dissect_command (IotPacket *pkt, int tree, IotBuf *buf)
{
  guint8 id = iot_buf_u8 (buf, 0);
  const char *name = iot_value_name (cmd_names, id);
  int cmd = iot_tree_add_text (pkt, tree, buf, 0, buf->length, "Command Frame: %s",
                               name ? name : "Unknown Command");

  iot_zbee_tap (pkt, IOT_TAP_ZIGBEE_APS_CMD, id, NULL);
  iot_tree_add_item (pkt, cmd, &aps_fields[F_CMD_ID], buf, 0, 1, FALSE);
  iot_col_set_info (pkt, name ? name : "Unknown Command");
  switch (id)
    {
    case CMD_TRANSPORT_KEY:
      dissect_transport_key (pkt, cmd, buf);
      break;
    case CMD_UPDATE_DEVICE:
      add_eui64 (pkt, cmd, F_CMD_DEVICE, buf, 1);
      iot_tree_add_item (pkt, cmd, &aps_fields[F_CMD_ADDR], buf, 9, 2, TRUE);
      iot_tree_add_item (pkt, cmd, &aps_fields[F_CMD_UPDATE_STATUS], buf, 11, 1, FALSE);
      break;
    case CMD_REMOVE_DEVICE:
      add_eui64 (pkt, cmd, F_CMD_DEVICE, buf, 1);
      break;
    case CMD_REQUEST_KEY:
      key_type_tap (pkt, buf, 1);
      iot_tree_add_item (pkt, cmd, &aps_fields[F_CMD_KEY_TYPE], buf, 1, 1, FALSE);
      if (iot_buf_u8 (buf, 1) == KEY_APP_LINK)
        add_eui64 (pkt, cmd, F_CMD_PARTNER, buf, 2);
      break;
    case CMD_SWITCH_KEY:
      iot_tree_add_item (pkt, cmd, &aps_fields[F_CMD_SEQNO], buf, 1, 1, FALSE);
      break;
    case CMD_VERIFY_KEY:
      key_type_tap (pkt, buf, 1);
      iot_tree_add_item (pkt, cmd, &aps_fields[F_CMD_KEY_TYPE], buf, 1, 1, FALSE);
      add_eui64 (pkt, cmd, F_CMD_SRC, buf, 2);
      iot_tree_add_item (pkt, cmd, &aps_fields[F_CMD_KEY_HASH], buf, 10, 16, FALSE);
      break;
    case CMD_CONFIRM_KEY:
      iot_tree_add_item (pkt, cmd, &aps_fields[F_CMD_STATUS], buf, 1, 1, FALSE);
      key_type_tap (pkt, buf, 2);
      iot_tree_add_item (pkt, cmd, &aps_fields[F_CMD_KEY_TYPE], buf, 2, 1, FALSE);
      add_eui64 (pkt, cmd, F_CMD_DST, buf, 3);
      break;
    default:
      if (buf->length > 1)
        {
          IotBuf rest = iot_buf_sub (buf, 1, -1);

          iot_call_data (pkt, &rest, -1);
        }
      break;
    }
}

const char *iot_zbee_cluster_name (guint16 cluster);

/* For ZDP's Info column: the cluster's name, NULL when unknown. */
const char *
iot_zbee_cluster_name (guint16 cluster)
{
  return iot_value_name (cluster_names, cluster);
}

guint64
iot_zbee_aps_cluster_profile (IotPacket *pkt)
{
  return iot_packet_layer_value (pkt, &iot_dissector_zbee_aps);
}

static int
dissect_zbee_aps (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint8 fcf = iot_buf_u8 (buf, 0);
  guint type = fcf & 3, delivery = (fcf >> 2) & 3, off = 1;
  guint dst_ep = 0, src_ep, cluster, profile;
  int tree = iot_tree_add_protocol (pkt, parent, &aps_fields[F_PROTO], buf, 0, -1);
  int node = iot_tree_add_text (pkt, tree, buf, 0, 1, "Frame Control Field");

  iot_tree_add_item (pkt, node, &aps_fields[F_TYPE], buf, 0, 1, FALSE);
  iot_tree_add_item (pkt, node, &aps_fields[F_DELIVERY], buf, 0, 1, FALSE);
  if (type == TYPE_ACK)
    iot_tree_add_item (pkt, node, &aps_fields[F_ACK_FORMAT], buf, 0, 1, FALSE);
  iot_zbee_tap (pkt, IOT_TAP_ZIGBEE_APS_SECURITY, (fcf & 0x20) != 0, NULL);
  iot_tree_add_item (pkt, node, &aps_fields[F_SECURITY], buf, 0, 1, FALSE);
  iot_tree_add_item (pkt, node, &aps_fields[F_ACK_REQ], buf, 0, 1, FALSE);
  iot_tree_add_item (pkt, node, &aps_fields[F_EXT_HEADER], buf, 0, 1, FALSE);
  if (type == TYPE_COMMAND)
    {
      iot_tree_add_item (pkt, tree, &aps_fields[F_COUNTER], buf, off, 1, FALSE);
      off += 1;
      iot_tree_set_label (pkt, tree, "ZigBee Application Support Layer Command");
      iot_col_set_info (pkt, "APS: Command");
      if (fcf & 0x20)
        {
          IotZbeeSecResult sec;
          IotBuf plain;

          if (iot_zbee_sec_dissect (pkt, tree, buf, off, NULL, &sec, &plain))
            dissect_command (pkt, tree, &plain);
          else if (plain.length > 0)
            iot_call_data (pkt, &plain, -1);
          return buf->length;
        }
      iot_tree_set_length (pkt, tree, off);
      if (off < buf->length)
        {
          IotBuf rest = iot_buf_sub (buf, off, -1);

          dissect_command (pkt, tree, &rest);
        }
      return buf->length;
    }
  if ((type == TYPE_ACK && (fcf & 0x10)) || (fcf & 0xa0) || type == 3)
    {
      /* Acks of commands, secured data, extended headers and inter-PAN
       * frames are not decoded yet. */
      IotBuf rest = iot_buf_sub (buf, off, -1);

      iot_col_set_info (pkt, "APS");
      iot_call_data (pkt, &rest, -1);
      return buf->length;
    }
  if (delivery == DELIVERY_GROUP)
    {
      iot_tree_add_item (pkt, tree, &aps_fields[F_GROUP], buf, off, 2, TRUE);
      off += 2;
    }
  else
    {
      dst_ep = iot_buf_u8 (buf, off);
      iot_tree_add_item (pkt, tree, &aps_fields[F_DST], buf, off, 1, FALSE);
      off += 1;
    }
  cluster = iot_buf_u16le (buf, off);
  profile = iot_buf_u16le (buf, off + 2);
  /* The device profile numbers its messages in the same place. */
  iot_zbee_tap (pkt, profile == 0 ? IOT_TAP_ZIGBEE_ZDP_CLUSTER : IOT_TAP_ZIGBEE_APS_CLUSTER, cluster, NULL);
  iot_tree_add_item (pkt, tree, &aps_fields[profile == 0 ? F_ZDP_CLUSTER : F_CLUSTER], buf, off, 2, TRUE);
  iot_tree_add_item (pkt, tree, &aps_fields[F_PROFILE], buf, off + 2, 2, TRUE);
  src_ep = iot_buf_u8 (buf, off + 4);
  iot_tree_add_item (pkt, tree, &aps_fields[F_SRC], buf, off + 4, 1, FALSE);
  iot_tree_add_item (pkt, tree, &aps_fields[F_COUNTER], buf, off + 5, 1, FALSE);
  off += 6;
  iot_tree_set_length (pkt, tree, off);
  if (delivery == DELIVERY_GROUP)
    iot_tree_set_label (pkt, tree, "ZigBee Application Support Layer %s, Group: 0x%04x, Src Endpt: %u",
                        type == TYPE_ACK ? "Ack" : "Data", iot_buf_u16le (buf, 1), src_ep);
  else
    iot_tree_set_label (pkt, tree, "ZigBee Application Support Layer %s, Dst Endpt: %u, Src Endpt: %u",
                        type == TYPE_ACK ? "Ack" : "Data", dst_ep, src_ep);
  if (type == TYPE_ACK)
    {
      iot_col_printf_info (pkt, "APS: Ack, Dst Endpt: %u, Src Endpt: %u", dst_ep, src_ep);
      return off;
    }
  if (profile == 0x0104)
    iot_col_set_protocol (pkt, "ZigBee HA");
  iot_packet_set_layer_value (pkt, &iot_dissector_zbee_aps, (guint64) profile << 16 | cluster);
  if (off < buf->length)
    {
      IotBuf payload = iot_buf_sub (buf, off, -1);

      /* Profile 0 is the device profile (ZDP); the others carry the
       * Zigbee Cluster Library. */
      iot_call_dissector (pkt, profile == 0 ? &iot_dissector_zbee_zdp : &iot_dissector_zbee_zcl, &payload, -1);
    }
  return buf->length;
}

IotDissector iot_dissector_zbee_aps = {
  .name = "ZigBee",
  .abbrev = "zbee_aps",
  .long_name = "ZigBee Application Support Layer",
  .fields = aps_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_zbee_aps,
};
