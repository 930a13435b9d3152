/* ccm-star.h — AES-CCM* (IEEE 802.15.4 annex B) and Thread's key
 * derivation, shared by the 802.15.4 MAC, Thread MLE and Zigbee. */
#pragma once

#include <glib.h>

#define IOT_CCM_KEY_LEN 16
#define IOT_CCM_NONCE_LEN 13

/* Decrypts @len bytes of @cipher into @out with @key and the 13-byte
 * @nonce, and checks the @mic_len-byte MIC (0, 4, 8 or 16; 0 for the
 * encryption-only levels) over @aad and the plaintext.  @tag_out, when not
 * NULL, receives the decrypted MIC (what the sender computed), @mic_len
 * bytes.  Returns TRUE when the MIC matches (always for @mic_len 0). */
gboolean iot_ccm_star_decrypt (const guint8 key[IOT_CCM_KEY_LEN], const guint8 nonce[IOT_CCM_NONCE_LEN],
                               const guint8 *aad, gsize aad_len, const guint8 *cipher, gsize len,
                               const guint8 *mic, guint mic_len, guint8 *out, guint8 *tag_out);

/* The 802.15.4 nonce: the sender's EUI-64 (most significant byte first),
 * the frame counter (big-endian) and the security level. */
void iot_ccm_star_nonce (const guint8 src64[8], guint32 frame_counter, guint8 level,
                         guint8 nonce[IOT_CCM_NONCE_LEN]);

/* Thread: HMAC-SHA256(network key, key sequence as 4 bytes big-endian |
 * "Thread"); the first 16 bytes are the MLE key, the last 16 the MAC key.
 * Either output may be NULL. */
void iot_thread_derive_keys (const guint8 network_key[IOT_CCM_KEY_LEN], guint32 key_sequence,
                             guint8 mle_key[IOT_CCM_KEY_LEN], guint8 mac_key[IOT_CCM_KEY_LEN]);

/* The ZigBee IP key hash (tshark's "ZigBee IP hash"): the last 16 bytes
 * of HMAC-SHA256(key, "ZigBeeIP"), used for the MAC and MLE alike. */
void iot_zigbee_ip_derive_key (const guint8 key[IOT_CCM_KEY_LEN], guint8 out[IOT_CCM_KEY_LEN]);
