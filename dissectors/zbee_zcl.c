/* zbee_zcl.c — the Zigbee Cluster Library (ZCL): the commands smart-home
 * devices exchange — read, write and report attributes (a lamp's on/off
 * state, a sensor's temperature), default responses, and each cluster's
 * own commands (On, Off, Toggle …). */
#include <string.h>

#include "zbee_zcl.h"
#include "zbee-security.h"

#include <math.h>

extern IotDissector iot_dissector_zbee_zcl;
guint64 iot_zbee_aps_cluster_profile (IotPacket *pkt);
const char *iot_zbee_cluster_name (guint16 cluster);

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
  /* Attribute identifiers, one field per cluster (tshark's names). */
  F_BASIC_ATTR_ID,
  F_ONOFF_ATTR_ID,
  F_LEVEL_ATTR_ID,
  F_COLOR_ATTR_ID,
  F_TEMP_ATTR_ID,
  F_RH_ATTR_ID,
  F_OCC_ATTR_ID,
  F_IAS_ZONE_ATTR_ID,
  F_MET_ATTR_ID,
  /* Attribute values with a meaning of their own. */
  F_BASIC_PWR_SRC,
  F_ONOFF_ONOFF,
  F_ONOFF_GLOBAL_SCENE,
  F_ONOFF_ON_TIME,
  F_ONOFF_OFF_WAIT,
  F_ONOFF_STARTUP,
  F_LEVEL_CURRENT,
  F_LEVEL_ON_LEVEL,
  F_COLOR_HUE,
  F_COLOR_SATURATION,
  F_COLOR_X,
  F_COLOR_Y,
  F_COLOR_TEMPERATURE,
  F_COLOR_MODE,
  F_TEMP_VALUE,
  F_TEMP_MIN,
  F_TEMP_MAX,
  F_TEMP_TOLERANCE,
  F_RH_VALUE,
  F_RH_MIN,
  F_RH_MAX,
  F_RH_TOLERANCE,
  F_OCC_OCCUPANCY,
  F_OCC_SENSOR_TYPE,
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
#define ATTR_ID(idx, abbrev, what) \
  [idx] = { abbrev, "Attribute", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0, \
            "Which attribute of the " what " cluster is read, written or reported." }
  ATTR_ID (F_BASIC_ATTR_ID, "zbee_zcl_general.basic.attr_id", "Basic (device information)"),
  ATTR_ID (F_ONOFF_ATTR_ID, "zbee_zcl_general.onoff.attr_id", "On/Off"),
  ATTR_ID (F_LEVEL_ATTR_ID, "zbee_zcl_general.level_control.attr_id", "Level Control"),
  ATTR_ID (F_COLOR_ATTR_ID, "zbee_zcl_lighting.color_control.attr_id", "Color Control"),
  ATTR_ID (F_TEMP_ATTR_ID, "zbee_zcl_meas_sensing.tempmeas.attr_idd", "Temperature Measurement"),
  ATTR_ID (F_RH_ATTR_ID, "zbee_zcl_meas_sensing.relhummeas.attr_id", "Relative Humidity Measurement"),
  ATTR_ID (F_OCC_ATTR_ID, "zbee_zcl_meas_sensing.occsen.attr_id", "Occupancy Sensing"),
  ATTR_ID (F_IAS_ZONE_ATTR_ID, "zbee_zcl_ias.zone.attr_id", "IAS Zone (alarm sensors)"),
  ATTR_ID (F_MET_ATTR_ID, "zbee_zcl_se.met.attr_id", "Metering"),
#undef ATTR_ID
  [F_BASIC_PWR_SRC] = { "zbee_zcl_general.basic.attr.pwr_src", "Power Source", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "How the device is powered: mains (single or three phase), battery, DC …" },
  [F_ONOFF_ONOFF] = { "zbee_zcl_general.onoff.attr.onoff", "On/off Control", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "Whether the device (a lamp, a plug) is on (1) or off (0)." },
  [F_ONOFF_GLOBAL_SCENE] = { "zbee_zcl_general.onoff.attr.globalscenecontrol", "Global Scene Control", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "Whether the state before the last Off is remembered for the next On." },
  [F_ONOFF_ON_TIME] = { "zbee_zcl_general.onoff.attr.ontime", "On Time", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Tenths of a second the device stays on after a timed On." },
  [F_ONOFF_OFF_WAIT] = { "zbee_zcl_general.onoff.attr.offwaittime", "Off Wait Time", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Tenths of a second during which a timed On is ignored after an Off." },
  [F_ONOFF_STARTUP] = { "zbee_zcl_general.onoff.attr.startuponoff", "Startup On Off", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "State after power returns: off, on, toggle, or the previous state (0xff)." },
  [F_LEVEL_CURRENT] = { "zbee_zcl_general.level_control.attr.current_level", "Current Level", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "The present level (brightness of a lamp), 0-254." },
  [F_LEVEL_ON_LEVEL] = { "zbee_zcl_general.level_control.attr.on_level", "On Level", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Level the device goes to when switched on." },
  [F_COLOR_HUE] = { "zbee_zcl_lighting.color_control.attr.current_hue", "Hue", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "The lamp's hue, 0-254 around the colour wheel." },
  [F_COLOR_SATURATION] = { "zbee_zcl_lighting.color_control.attr.current_saturation", "Saturation", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "The lamp's saturation, 0 (white) to 254 (full colour)." },
  [F_COLOR_X] = { "zbee_zcl_lighting.color_control.attr.color_x", "Color X", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "CIE 1931 x chromaticity of the light, in 1/65536." },
  [F_COLOR_Y] = { "zbee_zcl_lighting.color_control.attr.color_y", "Color Y", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "CIE 1931 y chromaticity of the light, in 1/65536." },
  [F_COLOR_TEMPERATURE] = { "zbee_zcl_lighting.color_control.attr.color_temperature", "Color Temperature", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "White colour temperature in mireds (1 000 000 / kelvin): 370 is about 2700 K, warm white." },
  [F_COLOR_MODE] = { "zbee_zcl_lighting.color_control.attr.color_mode", "Color Mode", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "Which attributes set the colour now: hue/saturation (0), x/y (1) or colour temperature (2)." },
  [F_TEMP_VALUE] = { "zbee_zcl_meas_sensing.tempmeas.attr.value", "Measured Value", IOT_FT_INT16, IOT_BASE_DEC, NULL, 0,
    "The temperature in hundredths of a degree Celsius (2150 = 21.50 °C)." },
  [F_TEMP_MIN] = { "zbee_zcl_meas_sensing.tempmeas.attr.value.min", "Min Measured Value", IOT_FT_INT16, IOT_BASE_DEC, NULL, 0,
    "Lowest temperature the sensor can measure, in hundredths of a degree." },
  [F_TEMP_MAX] = { "zbee_zcl_meas_sensing.tempmeas.attr.value.max", "Max Measured Value", IOT_FT_INT16, IOT_BASE_DEC, NULL, 0,
    "Highest temperature the sensor can measure, in hundredths of a degree." },
  [F_TEMP_TOLERANCE] = { "zbee_zcl_meas_sensing.tempmeas.attr.tolerance", "Tolerance", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "How far off the reading may be, in hundredths of a degree." },
  [F_RH_VALUE] = { "zbee_zcl_meas_sensing.relhummeas.attr.value", "Measured Value", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Relative humidity in hundredths of a percent (4800 = 48.00 %)." },
  [F_RH_MIN] = { "zbee_zcl_meas_sensing.relhummeas.attr.value.min", "Min Measured Value", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Lowest humidity the sensor can measure." },
  [F_RH_MAX] = { "zbee_zcl_meas_sensing.relhummeas.attr.value.max", "Max Measured Value", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Highest humidity the sensor can measure." },
  [F_RH_TOLERANCE] = { "zbee_zcl_meas_sensing.relhummeas.attr.tolerance", "Tolerance", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "How far off the reading may be, in hundredths of a percent." },
  [F_OCC_OCCUPANCY] = { "zbee_zcl_meas_sensing.occsen.attr.occupancy", "Occupancy", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "Bit 0 set: someone is in the room." },
  [F_OCC_SENSOR_TYPE] = { "zbee_zcl_meas_sensing.occsen.attr.occ_sensor_type", "Occupancy Sensor Type", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "How the sensor detects people: passive infrared (0), ultrasonic (1) or both (2)." },
};

/* Which field names a cluster's attribute identifiers. */
static const struct {
  guint16 cluster;
  int     field;
} attr_id_fields[] = {
  { 0x0000, F_BASIC_ATTR_ID },
  { 0x0006, F_ONOFF_ATTR_ID },
  { 0x0008, F_LEVEL_ATTR_ID },
  { 0x0300, F_COLOR_ATTR_ID },
  { 0x0402, F_TEMP_ATTR_ID },
  { 0x0405, F_RH_ATTR_ID },
  { 0x0406, F_OCC_ATTR_ID },
  { 0x0500, F_IAS_ZONE_ATTR_ID },
  { 0x0702, F_MET_ATTR_ID },
};

/* Attributes whose value has a field of its own (the others are shown by
 * data type only). */
static const struct {
  guint16 cluster;
  guint16 attr;
  int     field;
} attr_value_fields[] = {
  { 0x0000, 0x0007, F_BASIC_PWR_SRC },
  { 0x0006, 0x0000, F_ONOFF_ONOFF },
  { 0x0006, 0x4000, F_ONOFF_GLOBAL_SCENE },
  { 0x0006, 0x4001, F_ONOFF_ON_TIME },
  { 0x0006, 0x4002, F_ONOFF_OFF_WAIT },
  { 0x0006, 0x4003, F_ONOFF_STARTUP },
  { 0x0008, 0x0000, F_LEVEL_CURRENT },
  { 0x0008, 0x0011, F_LEVEL_ON_LEVEL },
  { 0x0300, 0x0000, F_COLOR_HUE },
  { 0x0300, 0x0001, F_COLOR_SATURATION },
  { 0x0300, 0x0003, F_COLOR_X },
  { 0x0300, 0x0004, F_COLOR_Y },
  { 0x0300, 0x0007, F_COLOR_TEMPERATURE },
  { 0x0300, 0x0008, F_COLOR_MODE },
  { 0x0402, 0x0000, F_TEMP_VALUE },
  { 0x0402, 0x0001, F_TEMP_MIN },
  { 0x0402, 0x0002, F_TEMP_MAX },
  { 0x0402, 0x0003, F_TEMP_TOLERANCE },
  { 0x0405, 0x0000, F_RH_VALUE },
  { 0x0405, 0x0001, F_RH_MIN },
  { 0x0405, 0x0002, F_RH_MAX },
  { 0x0405, 0x0003, F_RH_TOLERANCE },
  { 0x0406, 0x0000, F_OCC_OCCUPANCY },
  { 0x0406, 0x0001, F_OCC_SENSOR_TYPE },
};

static int
attr_id_field (guint cluster)
{
  for (guint i = 0; i < G_N_ELEMENTS (attr_id_fields); i++)
    if (attr_id_fields[i].cluster == cluster)
      return attr_id_fields[i].field;
  return -1;
}

static int
attr_value_field (guint cluster, guint attr)
{
  for (guint i = 0; i < G_N_ELEMENTS (attr_value_fields); i++)
    if (attr_value_fields[i].cluster == cluster && attr_value_fields[i].attr == attr)
      return attr_value_fields[i].field;
  return -1;
}

/* An attribute identifier: the cluster's own field when it has one. */
static int
add_attr_id (IotPacket *pkt, int tree, IotBuf *buf, guint off, guint cluster)
{
  int field = attr_id_field (cluster);

  if (field < 0)
    return iot_tree_add_text (pkt, tree, buf, off, 2, "Attribute: 0x%04x", iot_buf_u16le (buf, off));
  return iot_tree_add_item (pkt, tree, &zcl_fields[field], buf, off, 2, TRUE);
}

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
add_typed_value (IotPacket *pkt, int tree, IotBuf *buf, guint off, guint cluster, guint attr)
{
  guint8 type = iot_buf_u8 (buf, off);
  int field = attr_value_field (cluster, attr);
  guint len;

  iot_tree_add_item (pkt, tree, &zcl_fields[F_DATA_TYPE], buf, off, 1, FALSE);
  len = value_length (buf, off + 1, type);
  iot_buf_check (buf, off + 1, len);
  /* The attribute's own field when the value has the size it expects. */
  if (cluster == 0x0500 && attr == 0x0002 && len == 2)
    iot_zbee_zcl_ias_zone_add_status (pkt, tree, buf, off + 1);
  else if (field >= 0 && (len == 1 || len == 2)
      && len == ((zcl_fields[field].type == IOT_FT_UINT8) ? 1u : 2u))
    iot_tree_add_item (pkt, tree, &zcl_fields[field], buf, off + 1, len, TRUE);
  else if (len > 0)
    iot_tree_add_text (pkt, tree, buf, off + 1, len, "Value (%u bytes)", len);
  return 1 + len;
}

/* ---- readings -------------------------------------------------------------- */

/* What a reported attribute means in real units (ZCL specification,
 * chapter 4: measurement and sensing, and the Power Configuration and
 * Metering clusters), with the names tshark gives the attributes.  A
 * value of @invalid (as read, before scaling) means "not known" and is
 * not a reading.  @log_lux: Illuminance's MeasuredValue is
 * 10000 × log10(lux) + 1. */
typedef struct {
  guint16     cluster, attr;
  const char *name;
  const char *unit;
  double      scale;
  gboolean    has_invalid;
  gint64      invalid;
  gboolean    log_lux;
} AttrReading;

#define MEASURED(cl, unit, scale, invalid) \
  { cl, 0x0000, "Measured Value", unit, scale, TRUE, invalid, FALSE }, \
  { cl, 0x0001, "Min Measured Value", unit, scale, TRUE, invalid, FALSE }, \
  { cl, 0x0002, "Max Measured Value", unit, scale, TRUE, invalid, FALSE }, \
  { cl, 0x0003, "Tolerance", unit, scale, FALSE, 0, FALSE }

static const AttrReading attr_readings[] = {
  { 0x0000, 0x0000, "ZCL Version", NULL, 1, FALSE, 0, FALSE },
  { 0x0000, 0x0007, "Power Source", NULL, 1, FALSE, 0, FALSE },
  { 0x0001, 0x0020, "Battery Voltage", "V", 0.1, TRUE, 0xff, FALSE },
  { 0x0001, 0x0021, "Battery Percentage Remaining", "%", 0.5, TRUE, 0xff, FALSE },
  { 0x0006, 0x0000, "OnOff", NULL, 1, FALSE, 0, FALSE },
  { 0x0006, 0x4000, "GlobalSceneControl", NULL, 1, FALSE, 0, FALSE },
  { 0x0006, 0x4001, "OnTime", "s", 0.1, FALSE, 0, FALSE },
  { 0x0006, 0x4002, "OffWaitTime", "s", 0.1, FALSE, 0, FALSE },
  { 0x0006, 0x4003, "StartUpOnOff", NULL, 1, FALSE, 0, FALSE },
  { 0x0008, 0x0000, "Current Level", NULL, 1, FALSE, 0, FALSE },
  { 0x0008, 0x0011, "On Level", NULL, 1, FALSE, 0, FALSE },
  { 0x0300, 0x0000, "Current Hue", NULL, 1, FALSE, 0, FALSE },
  { 0x0300, 0x0001, "Current Saturation", NULL, 1, FALSE, 0, FALSE },
  { 0x0300, 0x0003, "Current X", NULL, 1.0 / 65536, FALSE, 0, FALSE },
  { 0x0300, 0x0004, "Current Y", NULL, 1.0 / 65536, FALSE, 0, FALSE },
  { 0x0300, 0x0007, "Color Temperature", "mired", 1, FALSE, 0, FALSE },
  { 0x0300, 0x0008, "Color Mode", NULL, 1, FALSE, 0, FALSE },
  { 0x0400, 0x0000, "Measured Value", "lx", 1, TRUE, 0xffff, TRUE },
  { 0x0400, 0x0001, "Min Measured Value", "lx", 1, TRUE, 0xffff, TRUE },
  { 0x0400, 0x0002, "Max Measured Value", "lx", 1, TRUE, 0xffff, TRUE },
  MEASURED (0x0402, "Cel", 0.01, -0x8000),
  MEASURED (0x0403, "kPa", 0.1, -0x8000),
  MEASURED (0x0405, "%RH", 0.01, 0xffff),
  { 0x0406, 0x0000, "Occupancy", NULL, 1, FALSE, 0, FALSE },
  { 0x0406, 0x0001, "Occupancy Sensor Type", NULL, 1, FALSE, 0, FALSE },
  { 0x0500, 0x0000, "ZoneState", NULL, 1, FALSE, 0, FALSE },
  { 0x0500, 0x0001, "ZoneType", NULL, 1, FALSE, 0, FALSE },
  { 0x0500, 0x0002, "ZoneStatus", NULL, 1, FALSE, 0, FALSE },
  /* Metering values are in the meter's own unit (Unit of Measure) times
   * Multiplier / Divisor, attributes a meter usually sends apart from its
   * readings: they are published as sent. */
  { 0x0702, 0x0000, "Current Summation Delivered", NULL, 1, FALSE, 0, FALSE },
  { 0x0702, 0x0001, "Current Summation Received", NULL, 1, FALSE, 0, FALSE },
  { 0x0702, 0x0300, "Unit of Measure", NULL, 1, FALSE, 0, FALSE },
  { 0x0702, 0x0301, "Multiplier", NULL, 1, FALSE, 0, FALSE },
  { 0x0702, 0x0302, "Divisor", NULL, 1, FALSE, 0, FALSE },
  { 0x0702, 0x0303, "Summation Formatting", NULL, 1, FALSE, 0, FALSE },
  { 0x0702, 0x0400, "Instantaneous Demand", NULL, 1, FALSE, 0, FALSE },
};

static const AttrReading *
attr_reading (guint cluster, guint attr)
{
  for (guint i = 0; i < G_N_ELEMENTS (attr_readings); i++)
    if (attr_readings[i].cluster == cluster && attr_readings[i].attr == attr)
      return &attr_readings[i];
  return NULL;
}

/* The number a value of ZCL data type @type (@len bytes at @off, little
 * endian) holds: booleans, bitmaps, enumerations, integers and floats;
 * FALSE for the other types (strings, times, addresses). */
static gboolean
numeric_value (IotBuf *buf, guint off, guint8 type, guint len, double *value, gint64 *raw)
{
  guint64 u = 0;

  if (type == 0x39 && len == 4)
    {
      guint32 bits = (guint32) iot_buf_u32le (buf, off);
      float f;

      memcpy (&f, &bits, sizeof f);
      *value = f;
      *raw = 0;
      return isfinite (*value);
    }
  if (type == 0x3a && len == 8)
    {
      guint64 bits = iot_buf_u64le (buf, off);
      double d;

      memcpy (&d, &bits, sizeof d);
      *value = d;
      *raw = 0;
      return isfinite (*value);
    }
  if (!(type == 0x10 || (type >= 0x18 && type <= 0x1f) || (type >= 0x20 && type <= 0x2f)
        || type == 0x30 || type == 0x31) || len == 0 || len > 8)
    return FALSE;
  for (guint i = 0; i < len; i++)
    u |= (guint64) iot_buf_u8 (buf, off + i) << (8 * i);
  if (type >= 0x28 && type <= 0x2f && len < 8 && (u >> (8 * len - 1)) & 1)
    u |= ~(guint64) 0 << (8 * len);    /* sign-extend */
  *raw = type >= 0x28 && type <= 0x2f ? (gint64) u : (gint64) MIN (u, (guint64) G_MAXINT64);
  *value = type >= 0x28 && type <= 0x2f ? (double) (gint64) u : (double) u;
  return TRUE;
}

/* Publishes attribute @attr of @cluster whose typed value is at @off. */
static void
publish_attr (IotPacket *pkt, IotBuf *buf, guint off, guint cluster, guint attr)
{
  const AttrReading *known = attr_reading (cluster, attr);
  guint8 type = iot_buf_u8 (buf, off);
  guint len = value_length (buf, off + 1, type);
  const char *cluster_name = iot_zbee_cluster_name ((guint16) cluster);
  IotReading reading = { 0 };
  gint64 raw;

  if (!numeric_value (buf, off + 1, type, len, &reading.value, &raw))
    return;
  if (known != NULL && known->has_invalid && raw == known->invalid)
    return;
  if (known != NULL && known->log_lux)
    reading.value = raw == 0 ? 0 : pow (10, (reading.value - 1) / 10000);
  else if (known != NULL)
    reading.value *= known->scale;
  reading.device = iot_packet_reading_device (pkt);
  reading.series = cluster_name != NULL ? cluster_name
                                        : iot_packet_strdup_printf (pkt, "Cluster 0x%04x", cluster);
  reading.name = known != NULL ? known->name : iot_packet_strdup_printf (pkt, "Attribute 0x%04x", attr);
  reading.unit = known != NULL ? known->unit : NULL;
  iot_packet_add_reading (pkt, &reading);
}

/* A typed value, and the reading it is when @reported (a report or a read
 * response says what the attribute is now; a write says what it should be). */
static guint
add_value_and_reading (IotPacket *pkt, int tree, IotBuf *buf, guint off, guint cluster, guint attr,
                       gboolean reported)
{
  guint used = add_typed_value (pkt, tree, buf, off, cluster, attr);

  if (reported && iot_packet_wants_readings (pkt))
    publish_attr (pkt, buf, off, cluster, attr);
  return used;
}

static void
dissect_general (IotPacket *pkt, int tree, IotBuf *buf, guint off, guint8 cmd, guint cluster)
{
  guint end = buf->length;

  switch (cmd)
    {
    case CMD_READ_ATTR:
      for (; off + 2 <= end; off += 2)
        add_attr_id (pkt, tree, buf, off, cluster);
      break;
    case CMD_READ_ATTR_RSP:
      while (off + 3 <= end)
        {
          guint attr = iot_buf_u16le (buf, off);
          guint8 status = iot_buf_u8 (buf, off + 2);
          int rec = iot_tree_add_text (pkt, tree, buf, off, 3, "Status Record, Attribute: 0x%04x", attr);

          add_attr_id (pkt, rec, buf, off, cluster);
          iot_tree_add_item (pkt, rec, &zcl_fields[F_STATUS], buf, off + 2, 1, FALSE);
          off += 3;
          if (status == 0)
            off += add_value_and_reading (pkt, rec, buf, off, cluster, attr, TRUE);
        }
      break;
    case CMD_WRITE_ATTR:
    case CMD_WRITE_ATTR_UNDIVIDED:
    case CMD_WRITE_ATTR_NO_RSP:
    case CMD_REPORT_ATTR:
      while (off + 3 <= end)
        {
          guint attr = iot_buf_u16le (buf, off);
          int rec = iot_tree_add_text (pkt, tree, buf, off, 2, "Attribute Field, Attribute: 0x%04x", attr);

          add_attr_id (pkt, rec, buf, off, cluster);
          off += 2;
          off += add_value_and_reading (pkt, rec, buf, off, cluster, attr, cmd == CMD_REPORT_ATTR);
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

static void
publish_frame (IotPacket *pkt, guint cluster, guint8 fcf)
{
  IotZbeeZclFrame *frame = iot_packet_alloc (pkt, sizeof *frame);

  frame->cluster = cluster;
  frame->fcf = fcf;
  frame->tsn = 0;
  frame->to_client = (fcf & 0x08) != 0;
  iot_packet_set_layer_value (pkt, &iot_dissector_zbee_zcl, (guint64) (guintptr) frame);
}

const IotZbeeZclFrame *
iot_zbee_zcl_frame (IotPacket *pkt)
{
  /* A cluster layer called on its own (Decode As, a fuzzer) gets a
   * client-to-server header with sequence number 0. */
  static const IotZbeeZclFrame none = { 0 };
  guint64 v = iot_packet_layer_value (pkt, &iot_dissector_zbee_zcl);

  return v != 0 ? (const IotZbeeZclFrame *) (guintptr) v : &none;
}

guint8
iot_zbee_zcl_cluster_command (IotPacket *pkt, int tree, IotBuf *buf, const char *cluster_name,
                              const IotField *rx_field, const IotField *tx_field)
{
  const IotZbeeZclFrame *frame = iot_zbee_zcl_frame (pkt);
  const IotField *field = frame->to_client ? tx_field : rx_field;
  guint8 cmd = iot_buf_u8 (buf, 0);
  const char *name = field != NULL ? iot_value_name (field->vals, cmd) : NULL;

  iot_tree_set_label (pkt, tree, "ZigBee Cluster Library Frame");
  if (field != NULL)
    iot_tree_add_item (pkt, tree, field, buf, 0, 1, FALSE);
  else
    iot_tree_add_text (pkt, tree, buf, 0, 1, "Command: 0x%02x", cmd);
  iot_col_printf_info (pkt, "ZCL %s: %s, Seq: %u", cluster_name, name ? name : "Unknown Command", frame->tsn);
  return cmd;
}

int
iot_zbee_zcl_add_transition_time (IotPacket *pkt, int tree, const IotField *field, IotBuf *buf, guint off)
{
  guint t = iot_buf_u16le (buf, off);
  int node = iot_tree_add_item (pkt, tree, field, buf, off, 2, TRUE);

  iot_tree_set_label (pkt, node, "%s: %u.%u seconds", field->name, t / 10, t % 10);
  return node;
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
  publish_frame (pkt, cluster, fcf);
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
  ((IotZbeeZclFrame *) iot_zbee_zcl_frame (pkt))->tsn = tsn;
  iot_tree_add_item (pkt, tree, &zcl_fields[F_TSN], buf, off, 1, FALSE);
  cmd = iot_buf_u8 (buf, off + 1);
  off += 2;
  if ((fcf & 3) == 0)
    {
      const char *name = iot_value_name (cmd_names, cmd);

      iot_zbee_tap (pkt, IOT_TAP_ZIGBEE_ZCL_CMD, cmd, NULL);
      iot_tree_add_item (pkt, tree, &zcl_fields[F_CMD_ID], buf, off - 1, 1, FALSE);
      iot_col_printf_info (pkt, "ZCL: %s, Seq: %u", name ? name : "Unknown Command", tsn);
      iot_tree_set_label (pkt, tree, "ZigBee Cluster Library Frame, Command: %s, Seq: %u",
                          name ? name : "Unknown Command", tsn);
      dissect_general (pkt, tree, buf, off, cmd, cluster);
    }
  else
    {
      IotBuf command = iot_buf_sub (buf, off - 1, -1);

      /* The cluster's own layer names the command and decodes its payload. */
      if (iot_call_table (pkt, "zbee_zcl.cluster", cluster, &command, tree) < 0)
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
