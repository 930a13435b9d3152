/* wpan.h — the IEEE 802.15.4 MAC, shared by its carriers (link types,
 * the TAP and non-ASK PHY headers, ZEP). */
#pragma once

#include "iot-dissector.h"

/* What follows the MAC frame: nothing, the 16- or 32-bit FCS, or the two
 * bytes a TI CC24xx radio puts there instead (RSSI, CRC-OK bit and
 * correlation). */
typedef enum {
  IOT_WPAN_FCS_NONE = 1,
  IOT_WPAN_FCS_16,
  IOT_WPAN_FCS_32,
  IOT_WPAN_FCS_CC24XX,
} IotWpanFcs;

extern IotDissector iot_dissector_wpan;

/* Dissects one MAC frame (with its trailer as @fcs says) in the current
 * layer, without adding "wpan" to frame.protocols (tshark leaves it out
 * under the TAP and non-ASK PHY headers).  Returns the bytes used. */
int iot_wpan_dissect_mac (IotPacket *pkt, IotBuf *buf, IotWpanFcs fcs);

/* Calls the MAC as its own layer (as ZEP does): @fcs says what trails it. */
int iot_wpan_call (IotPacket *pkt, IotBuf *buf, IotWpanFcs fcs);
