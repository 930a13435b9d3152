/* zbee_aps.c — the Zigbee application support sublayer (APS): which
 * application (endpoint, profile, cluster) on the destination device a
 * message is for, end-to-end acknowledgements, and group delivery. */
#include "iot-dissector.h"

extern IotDissector iot_dissector_zbee_aps;
extern IotDissector iot_dissector_zbee_zcl;

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
  F_PROFILE,
  F_SRC,
  F_COUNTER,
  N_FIELDS
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
  [F_PROFILE] = { "zbee_aps.profile", "Profile", IOT_FT_UINT16, IOT_BASE_HEX, profile_names, 0,
    "The application profile: Home Automation (0x0104) covers most smart-home devices; 0 is the device profile (ZDP)." },
  [F_SRC] = { "zbee_aps.src", "Source Endpoint", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Which application on the source device sent the message." },
  [F_COUNTER] = { "zbee_aps.counter", "Counter", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "The sender's APS message counter; an ack repeats it." },
};

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
  iot_tree_add_item (pkt, node, &aps_fields[F_SECURITY], buf, 0, 1, FALSE);
  iot_tree_add_item (pkt, node, &aps_fields[F_ACK_REQ], buf, 0, 1, FALSE);
  iot_tree_add_item (pkt, node, &aps_fields[F_EXT_HEADER], buf, 0, 1, FALSE);
  if (type == TYPE_COMMAND || (type == TYPE_ACK && (fcf & 0x10)) || (fcf & 0xa0) || type == 3)
    {
      /* Commands, secured and extended frames are not decoded yet. */
      IotBuf rest = iot_buf_sub (buf, off, -1);

      iot_col_set_info (pkt, type == TYPE_COMMAND ? "APS: Command" : "APS");
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
  iot_tree_add_item (pkt, tree, &aps_fields[F_CLUSTER], buf, off, 2, TRUE);
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

      /* Profile 0 is the device profile (ZDP), not decoded yet; the
       * others carry the Zigbee Cluster Library. */
      if (profile != 0)
        iot_call_dissector (pkt, &iot_dissector_zbee_zcl, &payload, -1);
      else
        iot_call_data (pkt, &payload, -1);
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
