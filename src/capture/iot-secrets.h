/* iot-secrets.h — the one store of decryption secrets.
 *
 * Key log files (NSS SSLKEYLOGFILE lines), pcapng Decryption Secrets
 * Blocks, pre-shared keys and Zigbee keys all end up here; the TLS, DTLS
 * and Zigbee dissectors look them up while they read a session.  The store is process-wide,
 * filled before a capture is read (the CLI's -o, a capture's secrets
 * blocks) and safe to read from several threads.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The labels of an NSS key log line. */
typedef enum {
  IOT_KEYLOG_CLIENT_RANDOM,                   /* TLS 1.2 and older: master secret */
  IOT_KEYLOG_CLIENT_EARLY_TRAFFIC_SECRET,
  IOT_KEYLOG_CLIENT_HANDSHAKE_TRAFFIC_SECRET,
  IOT_KEYLOG_SERVER_HANDSHAKE_TRAFFIC_SECRET,
  IOT_KEYLOG_CLIENT_TRAFFIC_SECRET_0,
  IOT_KEYLOG_SERVER_TRAFFIC_SECRET_0,
  IOT_KEYLOG_EARLY_EXPORTER_SECRET,
  IOT_KEYLOG_EXPORTER_SECRET,
  IOT_KEYLOG_RSA,                             /* keyed by the first 8 bytes of the encrypted pre-master */
  IOT_KEYLOG_N_LABELS
} IotKeylogLabel;

#define IOT_SECRETS_ERROR (iot_secrets_error_quark ())
GQuark iot_secrets_error_quark (void);

typedef enum {
  IOT_SECRETS_ERROR_MALFORMED,    /* a key that cannot be read */
  IOT_SECRETS_ERROR_KEYLOG_LINE,  /* a key log line that cannot be read (the others were added) */
  IOT_SECRETS_ERROR_UNKNOWN_PREF, /* -o NAME that is not a preference we have */
} IotSecretsError;

typedef struct _IotSecrets IotSecrets;

/* The store every dissector reads. */
IotSecrets *iot_secrets_default (void);

IotSecrets *iot_secrets_new (void);
void        iot_secrets_free (IotSecrets *self);
void        iot_secrets_clear (IotSecrets *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotSecrets, iot_secrets_free)

/* Reads key log text.  Blank lines and '#' comments are skipped.  Every
 * well-formed line is added even when others are not; the first malformed
 * line is reported ("ORIGIN:LINE: why").  Returns the number of lines added
 * through @n_added. */
gboolean iot_secrets_add_keylog (IotSecrets *self, const char *text, gsize len,
                                 const char *origin, guint *n_added, GError **error);
gboolean iot_secrets_add_keylog_file (IotSecrets *self, const char *path, GError **error);
/* The same for key log text a capture carries (a pcapng Decryption
 * Secrets Block): the entries remember where they came from. */
gboolean iot_secrets_add_embedded_keylog (IotSecrets *self, const char *text, gsize len,
                                          const char *origin, guint *n_added, GError **error);
/* Drops the entries only a capture's secrets blocks gave (before another
 * capture is opened: its secrets are its own); those a key log also gave stay. */
void     iot_secrets_forget_embedded (IotSecrets *self);
/* Whether the key log entries of @client_random (32 bytes) came from a capture. */
gboolean iot_secrets_keylog_is_embedded (IotSecrets *self, const guint8 *client_random);
/* Whether @text is an NSS key log, judged by its content (any file name). */
gboolean iot_secrets_looks_like_keylog (const char *text, gsize len);

/* Which secret opened a session, as the security audit reports it. */
typedef enum {
  IOT_SECRET_NONE,
  IOT_SECRET_KEYLOG_TLS13,      /* CLIENT_/SERVER_*_TRAFFIC_SECRET lines */
  IOT_SECRET_KEYLOG_MASTER,     /* a CLIENT_RANDOM line */
  IOT_SECRET_PSK,               /* RFC 4279: the pre-shared key alone */
  IOT_SECRET_EMBEDDED_TLS13,    /* the same lines from a Decryption Secrets Block */
  IOT_SECRET_EMBEDDED_MASTER,
} IotSecretKind;

const char *iot_secret_kind_name (IotSecretKind kind);

/* A pre-shared key as hex; @identity NULL or "" is the key for any identity
 * (tshark's single tls.psk / dtls.psk preference). */
gboolean iot_secrets_add_psk (IotSecrets *self, const char *identity, const char *hex, GError **error);

/* A Zigbee key (network or link key) as tshark's zigbee_pc_keys table
 * takes it: 16 bytes in hex, with or without ':', '-' or ' ' between
 * bytes; @reversed for the table's "Reverse" byte order (the key as some
 * stacks print it, least significant byte first); @label names it in
 * zbee.sec.decryption_key. */
gboolean iot_secrets_add_zigbee_key (IotSecrets *self, const char *key, gboolean reversed,
                                     const char *label, GError **error);
/* The @index-th Zigbee key (in the order given) and its label (packet
 * lifetime not needed: copied into @label_out, at most @label_size bytes
 * with the NUL); FALSE past the last. */
gboolean iot_secrets_zigbee_key (IotSecrets *self, guint index, guint8 key[16],
                                 char *label_out, gsize label_size);

/* IEEE 802.15.4 keys, as tshark's ieee802154_keys table: how the key is
 * used ("Key hash" column). */
typedef enum {
  IOT_WPAN_KEY_HASH_NONE,     /* "No hash": as given, for frames whose key index matches */
  IOT_WPAN_KEY_HASH_ZIP,      /* "ZigBee IP hash": HMAC-SHA256(key, "ZigBeeIP"), last 16 bytes, same index rule */
  IOT_WPAN_KEY_HASH_THREAD,   /* "Thread hash": a Thread network key, MAC/MLE keys derived per key sequence */
} IotWpanKeyHash;

typedef struct {
  guint8         key[16];
  guint          key_index;
  IotWpanKeyHash hash;
} IotWpanKey;

/* Thread's preferences (tshark's thread.*): the key sequence counter for
 * frames that name only a key index (its low 7 bits come from the index),
 * whether the first MLE key source seen replaces it, and whether the PAN
 * id replaces the first two bytes of the network key. */
typedef struct {
  guint32  seq_ctr;
  gboolean auto_acquire;
  gboolean use_pan_id_in_key;
} IotThreadPrefs;

gboolean       iot_secrets_add_wpan_key (IotSecrets *self, const char *key, guint key_index,
                                         IotWpanKeyHash hash, GError **error);
/* The @n-th key (in the order given); FALSE past the last. */
gboolean       iot_secrets_wpan_key (IotSecrets *self, guint n, IotWpanKey *out);
guint          iot_secrets_n_wpan_keys (IotSecrets *self);
IotThreadPrefs iot_secrets_thread_prefs (IotSecrets *self);

/* tshark's -o NAME:VALUE for the preferences we have: tls.keylog_file,
 * tls.psk, dtls.psk, uat:zigbee_pc_keys:"KEY","Normal|Reverse","LABEL",
 * uat:ieee802154_keys:"KEY","INDEX","No hash|ZigBee IP hash|Thread hash",
 * thread.thr_seq_ctr, thread.thr_auto_acq_thr_seq_ctr,
 * thread.thr_use_pan_id_in_key and zbee_nwk.seclevel (only the level every Zigbee PRO network uses, AES-128
 * encryption with a 32-bit MIC).  Other names give
 * IOT_SECRETS_ERROR_UNKNOWN_PREF. */
gboolean iot_secrets_set_preference (IotSecrets *self, const char *name_value, GError **error);

/* The secret logged for @label and @client_random (32 bytes; 8 for RSA),
 * copied into @out (at most @out_size bytes).  Returns its length, 0 when
 * none is known. */
gsize    iot_secrets_lookup_keylog (IotSecrets *self, IotKeylogLabel label,
                                    const guint8 *client_random, guint8 *out, gsize out_size);
/* The PSK for @identity (or the one for any identity), as above. */
gsize    iot_secrets_lookup_psk (IotSecrets *self, const guint8 *identity, gsize identity_len,
                                 guint8 *out, gsize out_size);
/* Whether anything at all was loaded (dissectors skip work otherwise). */
gboolean iot_secrets_is_empty (IotSecrets *self);
guint    iot_secrets_n_keylog_entries (IotSecrets *self);

const char *iot_keylog_label_name (IotKeylogLabel label);

/* Every key log entry as NSS key log text, one line each, sorted (for a
 * pcapng Decryption Secrets Block); "" when there are none. */
char       *iot_secrets_to_keylog (IotSecrets *self);

G_END_DECLS
