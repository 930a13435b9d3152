/* tls-crypto.h — key schedules and record decryption for TLS and DTLS.
 *
 * The small functions the protocols define on top of HMAC (HKDF and
 * HKDF-Expand-Label for TLS 1.3, the TLS 1.2 PRF) and a record decoder
 * for the AEAD and CBC suites IoT devices use.  The crypto primitives are
 * libgcrypt's.
 */
#pragma once

#include <glib.h>

typedef enum {
  TLS_MODE_NONE,
  TLS_MODE_AES_GCM,
  TLS_MODE_AES_CCM,
  TLS_MODE_AES_CCM_8,
  TLS_MODE_CHACHA20_POLY1305,
  TLS_MODE_AES_CBC,
} TlsCipherMode;

typedef struct {
  guint16       suite;
  TlsCipherMode mode;
  guint8        key_len;
  int           mac_md;     /* CBC suites: the record MAC's hash (GCRY_MD_…) */
  guint8        mac_len;
  int           prf_md;     /* TLS 1.2 PRF / TLS 1.3 HKDF hash */
  gboolean      plain_psk;  /* RFC 4279 PSK key exchange: the PSK alone makes the pre-master */
} TlsSuiteInfo;

/* What we know about @suite, or NULL when we cannot decrypt it. */
const TlsSuiteInfo *tls_suite_info (guint16 suite);

/* RFC 5869. */
gboolean tls_hkdf_extract (int md, const guint8 *salt, gsize salt_len,
                           const guint8 *ikm, gsize ikm_len, guint8 *prk);
gboolean tls_hkdf_expand (int md, const guint8 *prk, gsize prk_len,
                          const guint8 *info, gsize info_len, guint8 *out, gsize out_len);
/* RFC 8446 7.1 ("tls13 " + label); DTLS 1.3 uses "dtls13" instead. */
gboolean tls13_hkdf_expand_label (int md, const guint8 *secret, gsize secret_len,
                                  const char *label, const guint8 *context, gsize context_len,
                                  guint8 *out, gsize out_len);
/* RFC 5246 5: P_hash(secret, label + seed). */
gboolean tls12_prf (int md, const guint8 *secret, gsize secret_len, const char *label,
                    const guint8 *seed, gsize seed_len, guint8 *out, gsize out_len);
/* RFC 4279 2: the pre-master secret of a plain PSK key exchange (@out
 * holds 4 + 2 × psk_len bytes); returns its length. */
gsize tls_psk_premaster (const guint8 *psk, gsize psk_len, guint8 *out);

/* Suites that mix the PSK with a Diffie-Hellman exchange (or RSA): the
 * PSK alone does not give their keys. */
gboolean tls_suite_is_dh_psk (guint16 suite);
/* The master secret of a plain PSK key exchange (RFC 4279) from the PSK;
 * with @ems (RFC 7627) from the hash of @transcript, the handshake
 * messages up to the Client Key Exchange. */
gboolean tls12_psk_master_secret (const TlsSuiteInfo *suite, const guint8 *psk, gsize psk_len,
                                  const guint8 client_random[32], const guint8 server_random[32],
                                  const guint8 *transcript, gsize transcript_len, gboolean ems,
                                  guint8 master[48]);

/* The state of one direction of a protected connection. */
typedef struct {
  const TlsSuiteInfo *suite;
  gboolean tls13;
  gboolean dtls;
  gboolean encrypt_then_mac;
  guint8   key[32];
  guint8   iv[12];          /* TLS 1.3 and ChaCha20: 12 bytes; 1.2 GCM/CCM: 4-byte salt */
  guint8   mac_key[48];
  guint64  seq;             /* TLS: next record's sequence number */
  guint8   secret[48];      /* TLS 1.3: current traffic secret, for KeyUpdate */
  guint8   secret_len;
} TlsDecoder;

gboolean tls_decoder_init_tls13 (TlsDecoder *self, const TlsSuiteInfo *suite, gboolean dtls,
                                 const guint8 *secret, gsize secret_len);
/* RFC 8446 7.2: the next traffic secret after a KeyUpdate. */
gboolean tls_decoder_key_update (TlsDecoder *self);
/* Keys for one side of a TLS 1.2 (or DTLS 1.2) connection from the master
 * secret; @client picks the client's write keys. */
gboolean tls_decoder_init_tls12 (TlsDecoder *self, const TlsSuiteInfo *suite, gboolean dtls,
                                 gboolean encrypt_then_mac, const guint8 master[48],
                                 const guint8 client_random[32], const guint8 server_random[32],
                                 gboolean client);
/* The TLS 1.2 master secret from a pre-master secret; @ems_hash (the
 * session hash) selects the extended master secret (RFC 7627). */
gboolean tls12_master_secret (int prf_md, const guint8 *pre, gsize pre_len,
                              const guint8 client_random[32], const guint8 server_random[32],
                              const guint8 *ems_hash, gsize ems_hash_len, guint8 master[48]);

typedef enum {
  TLS_DECRYPT_OK,
  TLS_DECRYPT_BAD_MAC,      /* the tag or MAC does not match: wrong key or damaged record */
  TLS_DECRYPT_MALFORMED,    /* too short, bad padding length … */
} TlsDecryptResult;

/* Decrypts one record body @in of @in_len bytes with header fields @type
 * and @version.  @explicit_seq is the DTLS epoch and sequence number (48
 * bits) as one 64-bit value; NULL for TLS, which counts records itself.
 * @out must hold @in_len bytes.  TLS 1.3: *inner_type is the real content
 * type (padding removed); otherwise @type. */
TlsDecryptResult tls_decoder_decrypt (TlsDecoder *self, guint8 type, guint16 version,
                                      const guint64 *explicit_seq,
                                      const guint8 *in, gsize in_len,
                                      guint8 *out, gsize *out_len, guint8 *inner_type);
