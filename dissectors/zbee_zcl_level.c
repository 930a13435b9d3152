/* zbee_zcl_level.c — the ZCL Level Control cluster (0x0008): dimming a
 * lamp (move to a level, move up or down at a rate, step, stop), each
 * also "with On/Off" so a dimmer switches the lamp on or off at the ends. */
#include "zbee_zcl.h"

extern IotDissector iot_dissector_zbee_zcl_level;

enum {
  F_PROTO,
  F_CMD_RX,
  F_LEVEL,
  F_TRANSIT_TIME,
  F_MOVE_MODE,
  F_RATE,
  F_STEP_MODE,
  F_STEP_SIZE,
  N_FIELDS
};

static const IotValueName cmd_rx_names[] = {
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

static const IotValueName mode_names[] = {
  { 0x00, "Up" },
  { 0x01, "Down" },
  IOT_VALUE_NAMES_END
};

static IotField level_fields[N_FIELDS] = {
  [F_PROTO] = { "zbee_zcl_general.level_control", "ZigBee ZCL Level Control", IOT_FT_PROTOCOL, .blurb =
    "The Level Control cluster: dimming lamps and setting other levels." },
  [F_CMD_RX] = { "zbee_zcl_general.level_control.cmd.srv_rx.id", "Command", IOT_FT_UINT8, IOT_BASE_HEX, cmd_rx_names, 0,
    "Move to a level, move or step up/down, or stop." },
  [F_LEVEL] = { "zbee_zcl_general.level_control.level", "Level", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "The level to go to, 0-254 (brightness of a lamp)." },
  [F_TRANSIT_TIME] = { "zbee_zcl_general.level_control.transit_time", "Transition Time", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Tenths of a second the change should take (0xffff: as fast as the device can)." },
  [F_MOVE_MODE] = { "zbee_zcl_general.level_control.move_mode", "Move Mode", IOT_FT_UINT8, IOT_BASE_HEX, mode_names, 0,
    "Up or down." },
  [F_RATE] = { "zbee_zcl_general.level_control.rate", "Rate", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Level units per second." },
  [F_STEP_MODE] = { "zbee_zcl_general.level_control.step_mode", "Step Mode", IOT_FT_UINT8, IOT_BASE_HEX, mode_names, 0,
    "Up or down." },
  [F_STEP_SIZE] = { "zbee_zcl_general.level_control.step_size", "Step Size", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Level units to step by." },
};

static void
dissect_payload (IotPacket *pkt, int tree, IotBuf *buf, guint8 cmd)
{
  switch (cmd & ~0x04)
    {
    case 0x00:   /* Move to Level */
      iot_tree_add_item (pkt, tree, &level_fields[F_LEVEL], buf, 1, 1, FALSE);
      iot_zbee_zcl_add_transition_time (pkt, tree, &level_fields[F_TRANSIT_TIME], buf, 2);
      break;
    case 0x01:   /* Move */
      iot_tree_add_item (pkt, tree, &level_fields[F_MOVE_MODE], buf, 1, 1, FALSE);
      iot_tree_add_item (pkt, tree, &level_fields[F_RATE], buf, 2, 1, FALSE);
      break;
    case 0x02:   /* Step */
      iot_tree_add_item (pkt, tree, &level_fields[F_STEP_MODE], buf, 1, 1, FALSE);
      iot_tree_add_item (pkt, tree, &level_fields[F_STEP_SIZE], buf, 2, 1, FALSE);
      iot_zbee_zcl_add_transition_time (pkt, tree, &level_fields[F_TRANSIT_TIME], buf, 3);
      break;
    default:     /* Stop: nothing (newer devices add option bytes) */
      break;
    }
}

static int
dissect_level (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint8 cmd = iot_zbee_zcl_cluster_command (pkt, parent, buf, "Level Control", &level_fields[F_CMD_RX], NULL);

  if (!iot_zbee_zcl_frame (pkt)->to_client && buf->length > 1 && cmd <= 0x07)
    dissect_payload (pkt, iot_tree_add_text (pkt, parent, buf, 1, buf->length - 1, "Payload"), buf, cmd);
  return buf->length;
}

IotDissector iot_dissector_zbee_zcl_level = {
  .name = "ZCL Level Control",
  .abbrev = "zbee_zcl_general.level_control",
  .long_name = "ZigBee ZCL Level Control",
  .fields = level_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_level,
  .handoff = { { "zbee_zcl.cluster", 0x0008 } },
};
