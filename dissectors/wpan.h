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

/* The MAC addresses of the frame being dissected, for the layers inside
 * it (6LoWPAN derives IPv6 addresses from them).  Modes as in the frame
 * control: 0 none, 2 short, 3 extended (EUI-64, most significant first). */
typedef struct {
  guint8  src_mode;
  guint8  dst_mode;
  guint16 src16;
  guint16 dst16;
  guint16 pan;
  guint8  src64[8];
  guint8  dst64[8];
} IotWpanAddresses;

/* NULL outside an 802.15.4 frame. */
const IotWpanAddresses *iot_wpan_addresses (IotPacket *pkt);

/* The capture's map of short addresses to EUI-64s, per PAN: filled from
 * association responses and by upper layers that carry both (the Zigbee
 * NWK header); first pass only.  Lookups see mappings made up to and
 * including the current frame; *origin is the frame that made it. */
void          iot_wpan_remember_address (IotPacket *pkt, guint16 pan, guint16 short_addr, const guint8 eui[8]);
const guint8 *iot_wpan_lookup_address (IotPacket *pkt, guint16 pan, guint16 short_addr, guint32 *origin);

/* Dissects one MAC frame (with its trailer as @fcs says) in the current
 * layer, without adding "wpan" to frame.protocols (tshark leaves it out
 * under the TAP and non-ASK PHY headers).  The MAC's row goes under
 * @parent (-1: a layer of its own in the tree).  Expert items go under
 * @expert_tree (the carrier's row, so they count for the carrier as in
 * tshark), or under the MAC's own row if it is -1.  Returns the bytes used. */
int iot_wpan_dissect_mac (IotPacket *pkt, IotBuf *buf, IotWpanFcs fcs, int parent, int expert_tree);

/* Calls the MAC as its own layer (as ZEP does): @fcs says what trails it. */
int iot_wpan_call (IotPacket *pkt, IotBuf *buf, IotWpanFcs fcs);

/* What an auxiliary security header says. */
typedef struct {
  guint8   level;          /* 0-7; 4 and up encrypt */
  guint8   key_id_mode;    /* 0 implicit, 1 key index, 2/3 key source of 4/8 bytes + index */
  guint8   key_index;
  gboolean has_counter;
  guint32  frame_counter;
  guint64  key_source;     /* big-endian as sent */
} IotWpanAuxSec;

/* The 802.15.4 auxiliary security header at *@off of @buf (also used by
 * Thread MLE, which borrows it): its rows under @parent, *@off moved past
 * it, @aux filled.  Returns the length of the MIC its security level puts
 * at the end. */
guint iot_wpan_dissect_aux_security (IotPacket *pkt, int parent, IotBuf *buf, guint *off, IotWpanAuxSec *aux);

typedef enum {
  IOT_WPAN_KEY_FOR_MAC,
  IOT_WPAN_KEY_FOR_MLE,
} IotWpanKeyUse;

/* Returns TRUE when @key opened the frame. */
typedef gboolean (*IotWpanTryKey) (const guint8 key[16], gpointer data);

/* Tries the user's 802.15.4 keys (tshark's ieee802154_keys) on a frame
 * secured as @aux says, in the order given: a key as given for frames
 * naming its key index, or a Thread network key turned into the MAC or
 * MLE key of the key sequence the frame names (MLE: the key source; MAC:
 * the key index and the Thread sequence counter, also tried with the
 * counter wrapped).  @src_pan goes into the key when
 * thread.thr_use_pan_id_in_key is set.  Returns the number of the entry
 * that worked, or -1. */
gint iot_wpan_try_keys (IotPacket *pkt, const IotWpanAuxSec *aux, guint16 src_pan, IotWpanKeyUse use,
                        IotWpanTryKey try_key, gpointer data);
