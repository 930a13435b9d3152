/* iot-wpa.h — WPA2-PSK keys and the cryptography that uses them: the
 * passphrases the user gives (tshark's "wpa-pwd"/"wpa-psk" key entries),
 * PBKDF2 → PMK, the PRF that expands the 4-way handshake into a PTK, the
 * EAPOL-Key MIC check and CCMP (AES-CCM) decryption of data frames.
 *
 * Kept apart from the dissectors so it can join a common secrets store. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ---- the user's keys (process-wide, set before a file is read) ---------- */

/* Enables or disables 802.11 decryption ("wlan.enable_decryption"). */
void     iot_wpa_set_enabled (gboolean enabled);
gboolean iot_wpa_enabled (void);
/* Adds one entry of tshark's 80211_keys table: @type "wpa-pwd" with
 * "passphrase:SSID" (SSID optional), or "wpa-psk" with 64 hex digits. */
gboolean iot_wpa_add_key (const char *type, const char *key, GError **error);
/* Parses a whole "uat:80211_keys:\"type\",\"key\"" preference value. */
gboolean iot_wpa_add_uat_entry (const char *entry, GError **error);
void     iot_wpa_clear_keys (void);
/* The PMKs to try for a network (32 bytes each), for @ssid. */
GPtrArray *iot_wpa_candidate_pmks (const guint8 *ssid, gsize ssid_len);

/* ---- primitives (IEEE 802.11-2020 12.7.1, RFC 3610) ----------------------- */

void     iot_wpa_pmk_from_passphrase (const char *passphrase, const guint8 *ssid, gsize ssid_len,
                                      guint8 pmk[32]);
/* PRF-384/512 (HMAC-SHA1): "Pairwise key expansion" from the two MACs and
 * nonces, in either order; @ptk_len is 48 for CCMP. */
void     iot_wpa_derive_ptk (const guint8 pmk[32], const guint8 aa[6], const guint8 spa[6],
                             const guint8 anonce[32], const guint8 snonce[32], guint8 *ptk, gsize ptk_len);
void     iot_wpa_prf (const guint8 *key, gsize key_len, const char *label, const guint8 *data, gsize data_len,
                      guint8 *out, gsize out_len);
/* HMAC-SHA1-128 (key descriptor version 2) or HMAC-MD5 (version 1) over an
 * EAPOL frame whose MIC field is zeroed. */
gboolean iot_wpa_eapol_mic (guint version, const guint8 kck[16], const guint8 *eapol, gsize len, guint8 mic[16]);
/* Decrypts a CCMP-protected MPDU: @header is the 802.11 header (24-32
 * bytes), @body what follows it (8-byte CCMP header, ciphertext, 8-byte
 * MIC).  Writes len - 16 plaintext bytes to @out; FALSE if the MIC fails. */
gboolean iot_wpa_ccmp_decrypt (const guint8 tk[16], const guint8 *header, gsize header_len,
                               const guint8 *body, gsize body_len, guint8 *out);
/* AES key unwrap (RFC 3394) of EAPOL-Key data with the KEK. */
gboolean iot_wpa_aes_unwrap (const guint8 kek[16], const guint8 *in, gsize len, guint8 *out);

G_END_DECLS
