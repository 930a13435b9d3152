/* bt-radio.h — what a Bluetooth LE sniffer's header tells the link layer
 * and the protocols above it: whether the packet came on a primary or a
 * secondary advertising channel, which auxiliary PDU it is, and who sent
 * it in a connection.  Sniffer headers (btle_rf, nordic_ble) set it before
 * calling btle; btle, btatt and btsmp read it.  Kept as the btle layer's
 * value, so it lives exactly as long as the packet. */
#pragma once

#include "iot-dissector.h"

extern IotDissector iot_dissector_btle;

typedef enum {
  BT_DIRECTION_UNKNOWN,
  BT_DIRECTION_CENTRAL_TO_PERIPHERAL,
  BT_DIRECTION_PERIPHERAL_TO_CENTRAL,
} BtDirection;

typedef enum {
  BT_PDU_KIND_UNKNOWN,      /* the link layer goes by the access address */
  BT_PDU_KIND_ADVERTISING,
  BT_PDU_KIND_DATA,
} BtPduKind;

enum {
  BT_PHY_1M,
  BT_PHY_2M,
  BT_PHY_CODED,             /* a coding indicator follows the access address */
};

typedef struct {
  gboolean    known;              /* a sniffer header was present */
  gboolean    primary_channel;    /* advertising channel 37, 38 or 39 */
  gboolean    secondary_channel;  /* an advertising PDU on channels 0-36 */
  guint       aux_type;           /* on a secondary channel: 0 AUX_ADV_IND … 3 AUX_SCAN_RSP */
  gboolean    aux_type_known;
  BtDirection direction;
  guint       channel;            /* channel index: 0-36 data, 37-39 advertising */
  gint        rssi;
  gboolean    crc_checked;        /* the sniffer checked the CRC … */
  gboolean    crc_valid;          /* … and it matched */
  BtPduKind   pdu_kind;           /* what the sniffer says the packet is */
  guint       phy;                /* BT_PHY_* */
} BtRadioInfo;

static inline void
bt_radio_set (IotPacket *pkt, const BtRadioInfo *info)
{
  guint64 v = 1;

  v |= (guint64) (info->primary_channel != 0) << 1;
  v |= (guint64) (info->secondary_channel != 0) << 2;
  v |= (guint64) (info->aux_type & 0x03) << 3;
  v |= (guint64) (info->direction & 0x03) << 5;
  v |= (guint64) (info->aux_type_known != 0) << 7;
  v |= (guint64) (info->channel & 0xff) << 8;
  v |= (guint64) ((guint8) (gint8) info->rssi) << 16;
  v |= (guint64) (info->crc_checked != 0) << 24;
  v |= (guint64) (info->crc_valid != 0) << 25;
  v |= (guint64) (info->pdu_kind & 0x03) << 26;
  v |= (guint64) (info->phy & 0x07) << 28;
  iot_packet_set_layer_value (pkt, &iot_dissector_btle, v);
}

static inline BtRadioInfo
bt_radio_get (IotPacket *pkt)
{
  guint64 v = iot_packet_layer_value (pkt, &iot_dissector_btle);
  BtRadioInfo info = { 0 };

  if (!(v & 1))
    return info;
  info.known = TRUE;
  info.primary_channel = (v >> 1) & 1;
  info.secondary_channel = (v >> 2) & 1;
  info.aux_type = (v >> 3) & 0x03;
  info.direction = (v >> 5) & 0x03;
  info.aux_type_known = (v >> 7) & 1;
  info.channel = (v >> 8) & 0xff;
  info.rssi = (gint8) ((v >> 16) & 0xff);
  info.crc_checked = (v >> 24) & 1;
  info.crc_valid = (v >> 25) & 1;
  info.pdu_kind = (v >> 26) & 0x03;
  info.phy = (v >> 28) & 0x07;
  return info;
}

/* The word tshark starts ATT and SMP Info columns with: "Sent" from the
 * central, "Rcvd" from the peripheral. */
static inline const char *
bt_direction_word (IotPacket *pkt)
{
  switch (bt_radio_get (pkt).direction)
    {
    case BT_DIRECTION_CENTRAL_TO_PERIPHERAL:
      return "Sent";
    case BT_DIRECTION_PERIPHERAL_TO_CENTRAL:
      return "Rcvd";
    case BT_DIRECTION_UNKNOWN:
    default:
      return "UnknownDirection";
    }
}
