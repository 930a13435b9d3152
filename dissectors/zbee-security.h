/* zbee-security.h — the Zigbee auxiliary security header and CCM*
 * decryption, shared by the NWK and APS layers (zbee_nwk.c, zbee_aps.c). */
#pragma once

#include "iot-dissector.h"

/* The zbee.sec.* fields, which tshark registers under zbee_nwk; zbee_nwk.c
 * holds them in this order and hands them out. */
enum {
  ZBEE_SEC_F_FIELD,
  ZBEE_SEC_F_KEY_ID,
  ZBEE_SEC_F_EXT_NONCE,
  ZBEE_SEC_F_COUNTER,
  ZBEE_SEC_F_SRC64,
  ZBEE_SEC_F_KEY_SEQNO,
  ZBEE_SEC_F_MIC,
  ZBEE_SEC_F_KEY,
  ZBEE_SEC_F_KEY_ORIGIN,
  ZBEE_SEC_F_DECRYPTION_KEY,
  ZBEE_SEC_N_FIELDS
};

const IotField *iot_zbee_sec_fields (void);

/* The zbee_sec.* expert items, which tshark registers under zbee_nwk too;
 * zbee_nwk.c holds them in this order and hands them out. */
enum {
  ZBEE_SEC_E_ENCRYPTED_PAYLOAD,
  ZBEE_SEC_E_ENCRYPTED_PAYLOAD_SLICED,
  ZBEE_SEC_E_EXTENDED_SOURCE_UNKNOWN,
  ZBEE_SEC_N_EXPERTS
};

const IotExpertInfo *iot_zbee_sec_experts (void);

/* Key identifiers of the security control field (bits 3-4). */
enum {
  ZBEE_SEC_KEY_LINK = 0,
  ZBEE_SEC_KEY_NWK = 1,
  ZBEE_SEC_KEY_TRANSPORT = 2,
  ZBEE_SEC_KEY_LOAD = 3,
};

/* What the layers above a secured frame learn from it. */
typedef struct {
  guint    key_id;
  gboolean decrypted;
  /* Decrypted with the well-known default trust-centre link key
   * ("ZigBeeAlliance09"), directly or through its hashes. */
  gboolean default_tc_key;
} IotZbeeSecResult;

/* Reads the auxiliary security header at @off of @buf (the layer's own
 * header is buf[0, off): it is authenticated too), adds the "ZigBee
 * Security Header" rows under @tree, and tries every key that fits: keys
 * learned from Transport-Key commands, the user's keys, and the default
 * trust-centre link key.  @src64 is the sender's EUI-64 (most significant
 * first) known from the layer below, or NULL; the header's own wins.
 *
 * Returns TRUE with @plain a view of the decrypted payload (a new data
 * source, "Decrypted ZigBee Payload"); FALSE with @plain the encrypted
 * bytes (without the MIC) and an "Encrypted Payload" warning. */
gboolean iot_zbee_sec_dissect (IotPacket *pkt, int tree, IotBuf *buf, guint off,
                               const guint8 *src64, IotZbeeSecResult *result, IotBuf *plain);

/* A key read from an APS Transport-Key (in the clear, or decrypted under
 * a key already known): later frames are decrypted with it, and show the
 * current frame as zbee.sec.key.origin.  First pass only. */
/* Publishes one fact of a Zigbee layer for the analyses (IotTapZigbee). */
void iot_zbee_tap (IotPacket *pkt, IotTapZigbeeKind kind, guint32 value, const guint8 *key);
void iot_zbee_sec_learn_network_key (IotPacket *pkt, const guint8 key[16]);

/* Per-capture state of the learned keys, owned by zbee_nwk. */
gpointer iot_zbee_sec_state_new (void);
void     iot_zbee_sec_state_free (gpointer state);

/* Primitives (Zigbee PRO 05-3474 annex B), for tests. */
void     iot_zbee_sec_mmo_hash (const guint8 *data, gsize len, guint8 out[16]);
void     iot_zbee_sec_key_hash (const guint8 key[16], guint8 input, guint8 out[16]);
gboolean iot_zbee_sec_ccm_decrypt (const guint8 key[16], const guint8 nonce[13],
                                   const guint8 *aad, gsize aad_len,
                                   const guint8 *cipher, gsize len, const guint8 mic[4], guint8 *out);
