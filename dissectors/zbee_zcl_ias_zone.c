/* zbee_zcl_ias_zone.c — the ZCL IAS Zone cluster (0x0500): alarm sensors
 * (door contacts, motion, smoke) enrolling with an alarm panel and
 * reporting their zone status. */
#include "zbee_zcl.h"

extern IotDissector iot_dissector_zbee_zcl_ias_zone;

enum {
  F_PROTO,
  F_CMD_RX,
  F_CMD_TX,
  F_STATUS,
  F_STATUS_ALARM_1,
  F_STATUS_ALARM_2,
  F_STATUS_TAMPER,
  F_STATUS_BATTERY,
  F_STATUS_SUPERVISION,
  F_STATUS_RESTORE,
  F_STATUS_TROUBLE,
  F_STATUS_AC_MAINS,
  F_EXT_STATUS,
  F_ZONE_ID,
  F_DELAY,
  F_ENROLL_CODE,
  N_FIELDS
};

static const IotValueName cmd_rx_names[] = {
  { 0x00, "Zone Enroll Response" },
  { 0x01, "Initiate Normal Operation Mode" },
  { 0x02, "Initiate Test Mode" },
  IOT_VALUE_NAMES_END
};

static const IotValueName cmd_tx_names[] = {
  { 0x00, "Zone Status Change Notification" },
  { 0x01, "Zone Enroll Request" },
  IOT_VALUE_NAMES_END
};

static const IotValueName enroll_code_names[] = {
  { 0x00, "Success" },
  { 0x01, "Not Supported" },
  { 0x02, "No enroll permit" },
  { 0x03, "Too many zones" },
  IOT_VALUE_NAMES_END
};

#define STATUS_BIT(idx, abbrev, label, mask, yes, no, what) \
  [idx] = { "zbee_zcl_ias.zone.status." abbrev, label, IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, mask, what, \
            .true_word = yes, .false_word = no, .bits = 16 }

static IotField zone_fields[N_FIELDS] = {
  [F_PROTO] = { "zbee_zcl_ias.zone", "ZigBee ZCL IAS Zone", IOT_FT_PROTOCOL, .blurb =
    "The IAS Zone cluster: an alarm sensor and the panel it reports to." },
  [F_CMD_RX] = { "zbee_zcl_ias.zone.cmd.srv_rx.id", "Command", IOT_FT_UINT8, IOT_BASE_HEX, cmd_rx_names, 0,
    "From the panel to the sensor: the answer to its enrolment, or a mode change." },
  [F_CMD_TX] = { "zbee_zcl_ias.zone.cmd.srv_tx.id", "Command", IOT_FT_UINT8, IOT_BASE_HEX, cmd_tx_names, 0,
    "From the sensor to the panel: a status change, or a request to enrol." },
  [F_STATUS] = { "zbee_zcl_ias.zone.status", "ZoneStatus", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "The sensor's state bits: alarms, tamper, battery, trouble …" },
  STATUS_BIT (F_STATUS_ALARM_1, "alarm_1", "Alarm 1", 0x0001, "Opened or alarmed", "Closed or not alarmed",
              "The sensor's main alarm (door open, motion seen)."),
  STATUS_BIT (F_STATUS_ALARM_2, "alarm_2", "Alarm 2", 0x0002, "Opened or alarmed", "Closed or not alarmed",
              "A second alarm input, where the sensor has one."),
  STATUS_BIT (F_STATUS_TAMPER, "tamper", "Tamper", 0x0004, "Tampered", "Not tampered",
              "Someone opened or removed the sensor."),
  STATUS_BIT (F_STATUS_BATTERY, "battery", "Battery", 0x0008, "Low battery", "Battery OK",
              "The battery is low."),
  STATUS_BIT (F_STATUS_SUPERVISION, "supervision_reports", "Supervision Reports", 0x0010, "Reports", "Does not report",
              "The sensor reports its status periodically."),
  STATUS_BIT (F_STATUS_RESTORE, "restore_reports", "Restore Reports", 0x0020, "Reports restore", "Does not report restore",
              "The sensor reports when an alarm ends, too."),
  STATUS_BIT (F_STATUS_TROUBLE, "trouble", "Trouble", 0x0040, "Failure", "OK",
              "The sensor has a fault."),
  STATUS_BIT (F_STATUS_AC_MAINS, "ac_mains", "AC (mains)", 0x0080, "AC/Mains fault", "AC/Mains OK",
              "Mains power has failed."),
  [F_EXT_STATUS] = { "zbee_zcl_ias.zone.ext_status", "Extended Status", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "Reserved for more status; zero." },
  [F_ZONE_ID] = { "zbee_zcl_ias.zone.zone_id", "Zone ID", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "The number the panel gave this sensor when it enrolled." },
  [F_DELAY] = { "zbee_zcl_ias.zone.delay", "Delay (in quarterseconds)", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "How long the change took to be reported, in quarters of a second." },
  [F_ENROLL_CODE] = { "zbee_zcl_ias.zone.enroll_code", "Enroll response code", IOT_FT_UINT8, IOT_BASE_HEX, enroll_code_names, 0,
    "Whether the panel accepted the sensor." },
};

void
iot_zbee_zcl_ias_zone_add_status (IotPacket *pkt, int tree, IotBuf *buf, guint off)
{
  static const int bits[] = {
    F_STATUS_AC_MAINS, F_STATUS_TROUBLE, F_STATUS_RESTORE, F_STATUS_SUPERVISION,
    F_STATUS_BATTERY, F_STATUS_TAMPER, F_STATUS_ALARM_2, F_STATUS_ALARM_1,
  };
  int node = iot_tree_add_item (pkt, tree, &zone_fields[F_STATUS], buf, off, 2, TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (bits); i++)
    iot_tree_add_item (pkt, node, &zone_fields[bits[i]], buf, off, 2, TRUE);
}

static int
dissect_zone (IotPacket *pkt, IotBuf *buf, int parent)
{
  gboolean to_client = iot_zbee_zcl_frame (pkt)->to_client;
  guint8 cmd = iot_zbee_zcl_cluster_command (pkt, parent, buf, "IAS Zone", &zone_fields[F_CMD_RX],
                                             &zone_fields[F_CMD_TX]);
  int payload;

  if (buf->length <= 1)
    return buf->length;
  payload = iot_tree_add_text (pkt, parent, buf, 1, buf->length - 1, "Payload");
  if (to_client && cmd == 0x00)
    {
      iot_zbee_zcl_ias_zone_add_status (pkt, payload, buf, 1);
      iot_tree_add_item (pkt, payload, &zone_fields[F_EXT_STATUS], buf, 3, 1, FALSE);
      iot_tree_add_item (pkt, payload, &zone_fields[F_ZONE_ID], buf, 4, 1, FALSE);
      iot_tree_add_item (pkt, payload, &zone_fields[F_DELAY], buf, 5, 2, TRUE);
    }
  else if (!to_client && cmd == 0x00)
    {
      iot_tree_add_item (pkt, payload, &zone_fields[F_ENROLL_CODE], buf, 1, 1, FALSE);
      iot_tree_add_item (pkt, payload, &zone_fields[F_ZONE_ID], buf, 2, 1, FALSE);
    }
  return buf->length;
}

IotDissector iot_dissector_zbee_zcl_ias_zone = {
  .name = "ZCL IAS Zone",
  .abbrev = "zbee_zcl_ias.zone",
  .long_name = "ZigBee ZCL IAS Zone",
  .fields = zone_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_zone,
  .handoff = { { "zbee_zcl.cluster", 0x0500 } },
};
