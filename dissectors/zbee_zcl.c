/* zbee_zcl.c — the Zigbee Cluster Library (ZCL): the commands smart-home
 * devices exchange — read, write and report attributes (a lamp's on/off
 * state, a sensor's temperature), default responses, and each cluster's
 * own commands (On, Off, Toggle …). */
#include "iot-dissector.h"

extern IotDissector iot_dissector_zbee_zcl;
guint64 iot_zbee_aps_cluster_profile (IotPacket *pkt);

enum {
  F_PROTO,
  F_TYPE,
  F_MS,
  F_DIR,
  F_DDR,
  F_MC,
  F_TSN,
  F_CMD_ID,
  F_CMD_ID_RSP,
  F_DATA_TYPE,
  F_STATUS,
  N_FIELDS
};

enum {
  CMD_READ_ATTR = 0x00,
  CMD_READ_ATTR_RSP = 0x01,
  CMD_WRITE_ATTR = 0x02,
  CMD_WRITE_ATTR_UNDIVIDED = 0x03,
  CMD_WRITE_ATTR_RSP = 0x04,
  CMD_WRITE_ATTR_NO_RSP = 0x05,
  CMD_REPORT_ATTR = 0x0a,
  CMD_DEFAULT_RSP = 0x0b,
};

static const IotValueName type_names[] = {
  { 0, "Profile-wide" },
  { 1, "Cluster-specific" },
  IOT_VALUE_NAMES_END
};

static const IotValueName cmd_names[] = {
  { CMD_READ_ATTR, "Read Attributes" },
  { CMD_READ_ATTR_RSP, "Read Attributes Response" },
  { CMD_WRITE_ATTR, "Write Attributes" },
  { CMD_WRITE_ATTR_UNDIVIDED, "Write Attributes Undivided" },
  { CMD_WRITE_ATTR_RSP, "Write Attributes Response" },
  { CMD_WRITE_ATTR_NO_RSP, "Write Attributes No Response" },
  { 0x06, "Configure Reporting" },
  { 0x07, "Configure Reporting Response" },
  { 0x08, "Read Reporting Configuration" },
  { 0x09, "Read Reporting Configuration Response" },
  { CMD_REPORT_ATTR, "Report Attributes" },
  { CMD_DEFAULT_RSP, "Default Response" },
  { 0x0c, "Discover Attributes" },
  { 0x0d, "Discover Attributes Response" },
  IOT_VALUE_NAMES_END
};

static const IotValueName status_names[] = {
  { 0x00, "Success" },
  { 0x01, "Failure" },
  { 0x7e, "Not Authorized" },
  { 0x80, "Malformed Command" },
  { 0x81, "Unsupported Cluster Command" },
  { 0x82, "Unsupported General Command" },
  { 0x85, "Invalid Field" },
  { 0x86, "Unsupported Attribute" },
  { 0x87, "Invalid Value" },
  { 0x88, "Read Only" },
  { 0x8d, "Invalid Data Type" },
  IOT_VALUE_NAMES_END
};

static const IotValueName data_type_names[] = {
  { 0x00, "No Data" },
  { 0x10, "Boolean" },
  { 0x18, "8-Bit Bitmap" },
  { 0x19, "16-Bit Bitmap" },
  { 0x20, "8-Bit Unsigned Integer" },
  { 0x21, "16-Bit Unsigned Integer" },
  { 0x22, "24-Bit Unsigned Integer" },
  { 0x23, "32-Bit Unsigned Integer" },
  { 0x28, "8-Bit Signed Integer" },
  { 0x29, "16-Bit Signed Integer" },
  { 0x2a, "24-Bit Signed Integer" },
  { 0x2b, "32-Bit Signed Integer" },
  { 0x30, "8-Bit Enumeration" },
  { 0x31, "16-Bit Enumeration" },
  { 0x39, "Single Precision Floating Point" },
  { 0x41, "Octet String" },
  { 0x42, "Character String" },
  { 0xe2, "UTC Time" },
  { 0xf0, "IEEE Address" },
  IOT_VALUE_NAMES_END
};

static const IotValueName onoff_cmd_names[] = {
  { 0x00, "Off" },
  { 0x01, "On" },
  { 0x02, "Toggle" },
  { 0x40, "Off with effect" },
  { 0x41, "On with recall global scene" },
  { 0x42, "On with timed off" },
  IOT_VALUE_NAMES_END
};

static const IotValueName level_cmd_names[] = {
  { 0x00, "Move to Level" },
  { 0x01, "Move" },
  { 0x02, "Step" },
  { 0x03, "Stop" },
  { 0x04, "Move to Level with OnOff" },
  { 0x05, "Move with OnOff" },
  { 0x06, "Step with OnOff" },
  { 0x07, "Stop with OnOff" },
  IOT_VALUE_NAMES_END
};

static const IotValueName color_cmd_names[] = {
  { 0x00, "Move to Hue" },
  { 0x01, "Move Hue" },
  { 0x02, "Step Hue" },
  { 0x03, "Move to Saturation" },
  { 0x04, "Move Saturation" },
  { 0x05, "Step Saturation" },
  { 0x06, "Move to Hue and Saturation" },
  { 0x07, "Move to Color" },
  { 0x08, "Move Color" },
  { 0x09, "Step Color" },
  { 0x0a, "Move to Color Temperature" },
  IOT_VALUE_NAMES_END
};

/* IAS Zone: client to server (the alarm panel answers the sensor) and
 * server to client (the sensor reports). */
static const IotValueName ias_zone_rx_names[] = {
  { 0x00, "Zone Enroll Response" },
  { 0x01, "Initiate Normal Operation Mode" },
  { 0x02, "Initiate Test Mode" },
  IOT_VALUE_NAMES_END
};

static const IotValueName ias_zone_tx_names[] = {
  { 0x00, "Zone Status Change Notification" },
  { 0x01, "Zone Enroll Request" },
  IOT_VALUE_NAMES_END
};

/* Cluster-specific commands named in the Info column, per cluster and
 * direction (FALSE: client to server). */
static const struct {
  guint16             cluster;
  gboolean            to_client;
  const char         *cluster_name;
  const IotValueName *commands;
} cluster_commands[] = {
  { 0x0006, FALSE, "OnOff", onoff_cmd_names },
  { 0x0008, FALSE, "Level Control", level_cmd_names },
  { 0x0300, FALSE, "Color Control", color_cmd_names },
  { 0x0500, FALSE, "IAS Zone", ias_zone_rx_names },
  { 0x0500, TRUE, "IAS Zone", ias_zone_tx_names },
};

#define BOOL_TF .true_word = "True", .false_word = "False"

static IotField zcl_fields[N_FIELDS] = {
  [F_PROTO] = { "zbee_zcl", "ZigBee Cluster Library", IOT_FT_PROTOCOL, .blurb =
    "The Zigbee Cluster Library: the shared language of smart-home devices. Each cluster (On/Off, Level, Temperature …) has attributes that can be read, written and reported, and commands of its own." },
  [F_TYPE] = { "zbee_zcl.type", "Frame Type", IOT_FT_UINT8, IOT_BASE_HEX, type_names, 0x03,
    "Profile-wide (a general command: read/write/report attributes) or cluster-specific (a command of this cluster, e.g. Toggle)." },
  [F_MS] = { "zbee_zcl.ms", "Manufacturer Specific", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x04,
    "The command is a vendor's extension; its manufacturer code follows.", BOOL_TF, .bits = 8 },
  [F_DIR] = { "zbee_zcl.dir", "Direction", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x08,
    "Clear: from the client (the controller, e.g. a switch) to the server (the device holding the attributes, e.g. a lamp); set: back.", .true_word = "Server to Client", .false_word = "Client to Server", .bits = 8 },
  [F_DDR] = { "zbee_zcl.ddr", "Disable Default Response", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x10,
    "The receiver should not answer with a Default Response unless there is an error.", BOOL_TF, .bits = 8 },
  [F_MC] = { "zbee_zcl.cmd.mc", "Manufacturer Code", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "The vendor whose extension this is (a Zigbee Alliance number)." },
  [F_TSN] = { "zbee_zcl.cmd.tsn", "Sequence Number", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Transaction sequence number: a response repeats the request's." },
  [F_CMD_ID] = { "zbee_zcl.cmd.id", "Command", IOT_FT_UINT8, IOT_BASE_HEX, cmd_names, 0,
    "The general command: read, write or report attributes, default response …" },
  [F_CMD_ID_RSP] = { "zbee_zcl.cmd.id.rsp", "Response to Command", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "In a Default Response: the command being answered." },
  [F_DATA_TYPE] = { "zbee_zcl.attr.data.type", "Data Type", IOT_FT_UINT8, IOT_BASE_HEX, data_type_names, 0,
    "How the attribute's value is encoded: boolean, unsigned or signed integer of some size, string …" },
  [F_STATUS] = { "zbee_zcl.attr.status", "Status", IOT_FT_UINT8, IOT_BASE_HEX, status_names, 0,
    "Outcome for one attribute or command: Success, or why not (unsupported attribute, read only …)." },
};

/* Bytes of a value of ZCL data type @type at @off; strings carry their length. */
static guint
value_length (IotBuf *buf, guint off, guint8 type)
{
  if (type >= 0x08 && type <= 0x0f)
    return type - 0x07;
  if (type >= 0x18 && type <= 0x1f)
    return type - 0x17;
  if (type >= 0x20 && type <= 0x27)
    return type - 0x1f;
  if (type >= 0x28 && type <= 0x2f)
    return type - 0x27;
  switch (type)
    {
    case 0x00:
      return 0;
    case 0x10:
    case 0x30:
      return 1;
    case 0x31:
    case 0x38:
    case 0xe8:
    case 0xe9:
      return 2;
    case 0x39:
    case 0xe0:
    case 0xe1:
    case 0xe2:
    case 0xea:
      return 4;
    case 0x3a:
    case 0xf0:
      return 8;
    case 0xf1:
      return 16;
    case 0x41:
    case 0x42:
      return 1 + iot_buf_u8 (buf, off);
    case 0x43:
    case 0x44:
      return 2 + iot_buf_u16le (buf, off);
    default:
      iot_buf_throw (buf, IOT_LAYER_MALFORMED, "Unknown ZCL data type");
    }
}

/* An attribute value: its type, then the bytes (values are shown by the
 * cluster-specific fields tshark uses; here only as a tree label). */
static guint
add_typed_value (IotPacket *pkt, int tree, IotBuf *buf, guint off)
{
  guint8 type = iot_buf_u8 (buf, off);
  guint len;

  iot_tree_add_item (pkt, tree, &zcl_fields[F_DATA_TYPE], buf, off, 1, FALSE);
  len = value_length (buf, off + 1, type);
  iot_buf_check (buf, off + 1, len);
  if (len > 0)
    iot_tree_add_text (pkt, tree, buf, off + 1, len, "Value (%u bytes)", len);
  return 1 + len;
}

static void
dissect_general (IotPacket *pkt, int tree, IotBuf *buf, guint off, guint8 cmd)
{
  guint end = buf->length;

  switch (cmd)
    {
    case CMD_READ_ATTR:
      for (; off + 2 <= end; off += 2)
        iot_tree_add_text (pkt, tree, buf, off, 2, "Attribute: 0x%04x", iot_buf_u16le (buf, off));
      break;
    case CMD_READ_ATTR_RSP:
      while (off + 3 <= end)
        {
          guint8 status = iot_buf_u8 (buf, off + 2);
          int rec = iot_tree_add_text (pkt, tree, buf, off, 3, "Status Record, Attribute: 0x%04x",
                                       iot_buf_u16le (buf, off));

          iot_tree_add_item (pkt, rec, &zcl_fields[F_STATUS], buf, off + 2, 1, FALSE);
          off += 3;
          if (status == 0)
            off += add_typed_value (pkt, rec, buf, off);
        }
      break;
    case CMD_WRITE_ATTR:
    case CMD_WRITE_ATTR_UNDIVIDED:
    case CMD_WRITE_ATTR_NO_RSP:
    case CMD_REPORT_ATTR:
      while (off + 3 <= end)
        {
          int rec = iot_tree_add_text (pkt, tree, buf, off, 2, "Attribute Field, Attribute: 0x%04x",
                                       iot_buf_u16le (buf, off));

          off += 2;
          off += add_typed_value (pkt, rec, buf, off);
        }
      break;
    case CMD_WRITE_ATTR_RSP:
      while (off < end)
        {
          int rec = iot_tree_add_text (pkt, tree, buf, off, 1, "Status Record");

          iot_tree_add_item (pkt, rec, &zcl_fields[F_STATUS], buf, off, 1, FALSE);
          off += 1;
          /* A lone Success stands for all; failures name their attribute. */
          if (off + 2 <= end)
            off += 2;
        }
      break;
    case CMD_DEFAULT_RSP:
      iot_tree_add_item (pkt, tree, &zcl_fields[F_CMD_ID_RSP], buf, off, 1, FALSE);
      iot_tree_add_item (pkt, tree, &zcl_fields[F_STATUS], buf, off + 1, 1, FALSE);
      break;
    default:
      break;
    }
}

static int
dissect_zbee_zcl (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint64 cp = iot_zbee_aps_cluster_profile (pkt);
  guint cluster = cp & 0xffff, profile = (cp >> 16) & 0xffff;
  guint8 fcf = iot_buf_u8 (buf, 0), tsn, cmd;
  guint off = 1;
  int tree = iot_tree_add_protocol (pkt, parent, &zcl_fields[F_PROTO], buf, 0, -1);
  int node = iot_tree_add_text (pkt, tree, buf, 0, 1, "Frame Control Field");

  iot_col_set_protocol (pkt, profile == 0x0104 ? "ZigBee HA" : "ZigBee");
  iot_tree_add_item (pkt, node, &zcl_fields[F_TYPE], buf, 0, 1, FALSE);
  iot_tree_add_item (pkt, node, &zcl_fields[F_MS], buf, 0, 1, FALSE);
  iot_tree_add_item (pkt, node, &zcl_fields[F_DIR], buf, 0, 1, FALSE);
  iot_tree_add_item (pkt, node, &zcl_fields[F_DDR], buf, 0, 1, FALSE);
  if (fcf & 0x04)
    {
      iot_tree_add_item (pkt, tree, &zcl_fields[F_MC], buf, off, 2, TRUE);
      off += 2;
    }
  tsn = iot_buf_u8 (buf, off);
  iot_tree_add_item (pkt, tree, &zcl_fields[F_TSN], buf, off, 1, FALSE);
  cmd = iot_buf_u8 (buf, off + 1);
  off += 2;
  if ((fcf & 3) == 0)
    {
      const char *name = iot_value_name (cmd_names, cmd);

      iot_tree_add_item (pkt, tree, &zcl_fields[F_CMD_ID], buf, off - 1, 1, FALSE);
      iot_col_printf_info (pkt, "ZCL: %s, Seq: %u", name ? name : "Unknown Command", tsn);
      iot_tree_set_label (pkt, tree, "ZigBee Cluster Library Frame, Command: %s, Seq: %u",
                          name ? name : "Unknown Command", tsn);
      dissect_general (pkt, tree, buf, off, cmd);
    }
  else
    {
      const char *cluster_name = NULL, *name = NULL;

      for (guint i = 0; i < G_N_ELEMENTS (cluster_commands); i++)
        if (cluster_commands[i].cluster == cluster && cluster_commands[i].to_client == ((fcf & 0x08) != 0))
          {
            cluster_name = cluster_commands[i].cluster_name;
            name = iot_value_name (cluster_commands[i].commands, cmd);
          }
      if (cluster_name != NULL)
        {
          iot_tree_add_text (pkt, tree, buf, off - 1, 1, "Command: %s (0x%02x)", name ? name : "Unknown", cmd);
          iot_col_printf_info (pkt, "ZCL %s: %s, Seq: %u", cluster_name, name ? name : "Unknown Command", tsn);
          iot_tree_set_label (pkt, tree, "ZigBee Cluster Library Frame");
        }
      else
        {
          iot_tree_add_text (pkt, tree, buf, off - 1, 1, "Command: 0x%02x", cmd);
          iot_col_printf_info (pkt, "ZCL Cluster 0x%04x: Command 0x%02x, Seq: %u", cluster, cmd, tsn);
        }
    }
  return buf->length;
}

IotDissector iot_dissector_zbee_zcl = {
  .name = "ZigBee ZCL",
  .abbrev = "zbee_zcl",
  .long_name = "ZigBee Cluster Library",
  .fields = zcl_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_zbee_zcl,
};
