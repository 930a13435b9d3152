/* zbee_zcl_onoff.c — the ZCL On/Off cluster (0x0006): the commands a
 * switch sends a lamp or a plug (Off, On, Toggle …).  Its attributes are
 * read and reported through the general commands in zbee_zcl.c. */
#include "zbee_zcl.h"

extern IotDissector iot_dissector_zbee_zcl_onoff;

enum {
  F_PROTO,
  F_CMD_RX,
  N_FIELDS
};

static const IotValueName cmd_rx_names[] = {
  { 0x00, "Off" },
  { 0x01, "On" },
  { 0x02, "Toggle" },
  { 0x40, "Off with effect" },
  { 0x41, "On with recall global scene" },
  { 0x42, "On with timed off" },
  IOT_VALUE_NAMES_END
};

static IotField onoff_fields[N_FIELDS] = {
  [F_PROTO] = { "zbee_zcl_general.onoff", "ZigBee ZCL OnOff", IOT_FT_PROTOCOL, .blurb =
    "The On/Off cluster: switching a device on and off." },
  [F_CMD_RX] = { "zbee_zcl_general.onoff.cmd.srv_rx.id", "Command", IOT_FT_UINT8, IOT_BASE_HEX, cmd_rx_names, 0,
    "What the switch asks the device to do: Off, On, Toggle, or the timed and effect variants." },
};

static int
dissect_onoff (IotPacket *pkt, IotBuf *buf, int parent)
{
  /* The server sends no cluster-specific commands here. */
  iot_zbee_zcl_cluster_command (pkt, parent, buf, "OnOff", &onoff_fields[F_CMD_RX], NULL);
  if (buf->length > 1)
    iot_tree_add_text (pkt, parent, buf, 1, buf->length - 1, "Payload (%u bytes, not decoded)", buf->length - 1);
  return buf->length;
}

IotDissector iot_dissector_zbee_zcl_onoff = {
  .name = "ZCL OnOff",
  .abbrev = "zbee_zcl_general.onoff",
  .long_name = "ZigBee ZCL OnOff",
  .fields = onoff_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_onoff,
  .handoff = { { "zbee_zcl.cluster", 0x0006 } },
};
