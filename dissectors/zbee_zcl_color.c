/* zbee_zcl_color.c — the ZCL Color Control cluster (0x0300): setting a
 * lamp's colour by hue and saturation, by CIE x/y, or as a white colour
 * temperature, each over a transition time. */
#include "zbee_zcl.h"

extern IotDissector iot_dissector_zbee_zcl_color;

enum {
  F_PROTO,
  F_CMD_RX,
  F_HUE,
  F_SATURATION,
  F_COLOR_X,
  F_COLOR_Y,
  F_COLOR_TEMP,
  F_TRANSIT_TIME,
  N_FIELDS
};

enum {
  CMD_MOVE_TO_SATURATION = 0x03,
  CMD_MOVE_TO_HUE_SATURATION = 0x06,
  CMD_MOVE_TO_COLOR = 0x07,
  CMD_MOVE_TO_COLOR_TEMP = 0x0a,
};

static const IotValueName cmd_rx_names[] = {
  { 0x00, "Move to Hue" },
  { 0x01, "Move Hue" },
  { 0x02, "Step Hue" },
  { CMD_MOVE_TO_SATURATION, "Move to Saturation" },
  { 0x04, "Move Saturation" },
  { 0x05, "Step Saturation" },
  { CMD_MOVE_TO_HUE_SATURATION, "Move to Hue and Saturation" },
  { CMD_MOVE_TO_COLOR, "Move to Color" },
  { 0x08, "Move Color" },
  { 0x09, "Step Color" },
  { CMD_MOVE_TO_COLOR_TEMP, "Move to Color Temperature" },
  IOT_VALUE_NAMES_END
};

static IotField color_fields[N_FIELDS] = {
  [F_PROTO] = { "zbee_zcl_lighting.color_ctrl", "ZigBee ZCL Color Control", IOT_FT_PROTOCOL, .blurb =
    "The Color Control cluster: a lamp's colour and white temperature." },
  [F_CMD_RX] = { "zbee_zcl_lighting.color_control.cmd.srv_rx.id", "Command", IOT_FT_UINT8, IOT_BASE_HEX, cmd_rx_names, 0,
    "Which colour change: by hue/saturation, by x/y, or by colour temperature." },
  [F_HUE] = { "zbee_zcl_lighting.color_control.hue", "Hue", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Target hue, 0-254 around the colour wheel." },
  [F_SATURATION] = { "zbee_zcl_lighting.color_control.saturation", "Saturation", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Target saturation, 0 (white) to 254 (full colour)." },
  [F_COLOR_X] = { "zbee_zcl_lighting.color_control.color_x", "Color X", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Target CIE 1931 x chromaticity, in 1/65536." },
  [F_COLOR_Y] = { "zbee_zcl_lighting.color_control.color_y", "Color Y", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Target CIE 1931 y chromaticity, in 1/65536." },
  [F_COLOR_TEMP] = { "zbee_zcl_lighting.color_control.color_temp", "Color temperature", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Target white colour temperature in mireds (1 000 000 / kelvin)." },
  [F_TRANSIT_TIME] = { "zbee_zcl_lighting.color_control.transit_time", "Transition Time", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Tenths of a second the change should take." },
};

/* "Color X: 0.3750": the chromaticity as a fraction, as tshark labels it. */
static void
add_chromaticity (IotPacket *pkt, int tree, int field, IotBuf *buf, guint off)
{
  int node = iot_tree_add_item (pkt, tree, &color_fields[field], buf, off, 2, TRUE);

  iot_tree_set_label (pkt, node, "%s: %.4f", color_fields[field].name, iot_buf_u16le (buf, off) / 65536.0);
}

static void
dissect_payload (IotPacket *pkt, int tree, IotBuf *buf, guint8 cmd)
{
  int node;
  guint mired;

  switch (cmd)
    {
    case CMD_MOVE_TO_SATURATION:
      iot_tree_add_item (pkt, tree, &color_fields[F_SATURATION], buf, 1, 1, FALSE);
      iot_zbee_zcl_add_transition_time (pkt, tree, &color_fields[F_TRANSIT_TIME], buf, 2);
      break;
    case CMD_MOVE_TO_HUE_SATURATION:
      iot_tree_add_item (pkt, tree, &color_fields[F_HUE], buf, 1, 1, FALSE);
      iot_tree_add_item (pkt, tree, &color_fields[F_SATURATION], buf, 2, 1, FALSE);
      iot_zbee_zcl_add_transition_time (pkt, tree, &color_fields[F_TRANSIT_TIME], buf, 3);
      break;
    case CMD_MOVE_TO_COLOR:
      add_chromaticity (pkt, tree, F_COLOR_X, buf, 1);
      add_chromaticity (pkt, tree, F_COLOR_Y, buf, 3);
      iot_zbee_zcl_add_transition_time (pkt, tree, &color_fields[F_TRANSIT_TIME], buf, 5);
      break;
    case CMD_MOVE_TO_COLOR_TEMP:
      mired = iot_buf_u16le (buf, 1);
      node = iot_tree_add_item (pkt, tree, &color_fields[F_COLOR_TEMP], buf, 1, 2, TRUE);
      if (mired > 0)
        iot_tree_set_label (pkt, node, "Color temperature: %u [Mired] (%u [K])", mired, 1000000 / mired);
      iot_zbee_zcl_add_transition_time (pkt, tree, &color_fields[F_TRANSIT_TIME], buf, 3);
      break;
    default:
      iot_tree_add_text (pkt, tree, buf, 1, buf->length - 1, "%u bytes, not decoded", buf->length - 1);
      break;
    }
}

static int
dissect_color (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint8 cmd = iot_zbee_zcl_cluster_command (pkt, parent, buf, "Color Control", &color_fields[F_CMD_RX], NULL);

  if (!iot_zbee_zcl_frame (pkt)->to_client && buf->length > 1)
    dissect_payload (pkt, iot_tree_add_text (pkt, parent, buf, 1, buf->length - 1, "Payload"), buf, cmd);
  return buf->length;
}

IotDissector iot_dissector_zbee_zcl_color = {
  .name = "ZCL Color Control",
  .abbrev = "zbee_zcl_lighting.color_ctrl",
  .long_name = "ZigBee ZCL Color Control",
  .fields = color_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_color,
  .handoff = { { "zbee_zcl.cluster", 0x0300 } },
};
