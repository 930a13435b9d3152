/* tls-common.h — what TLS (tls.c) and DTLS (dtls.c) share.
 *
 * DTLS is TLS adapted to datagrams: the record header grows an epoch and a
 * sequence number, handshake messages grow fragment fields, and the rest
 * (hello messages, extensions, certificates, key exchange) is the same.
 * Both protocols therefore register the same list of fields under their
 * own prefix ("tls." and "dtls."); the list is the X-macro below, so the
 * two tables line up index by index and one parser fills either.
 */
#pragma once

#include "iot-dissector.h"

/* Wireshark declares the session-ID length with a different width in the
 * two protocols; each file defines TLS_SID_LEN_TYPE before expanding. */

/* X (index, abbrev suffix, label, type, base, value names, blurb) */
#define TLS_COMMON_FIELDS(X) \
  X (TF_RECORD, ".record", "Record Layer", IOT_FT_NONE, IOT_BASE_NONE, NULL, \
     "One record: the unit in which TLS sends data, with a type, a version and a length.") \
  X (TF_CONTENT_TYPE, ".record.content_type", "Content Type", IOT_FT_UINT8, IOT_BASE_DEC, tls_content_type_names, \
     "What the record carries: 20 change cipher spec, 21 alert, 22 handshake, 23 application data.") \
  X (TF_VERSION, ".record.version", "Version", IOT_FT_UINT16, IOT_BASE_HEX, tls_version_names, \
     "Protocol version written on the record; TLS 1.3 still writes 0x0303 here for compatibility.") \
  X (TF_LENGTH, ".record.length", "Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, \
     "Number of bytes of record content after this header.") \
  X (TF_APP_DATA, ".app_data", "Encrypted Application Data", IOT_FT_BYTES, IOT_BASE_NONE, NULL, \
     "Encrypted bytes: without the session keys nobody on the path can read them.") \
  X (TF_APP_DATA_PROTO, ".app_data_proto", "Application Data Protocol", IOT_FT_STRING, IOT_BASE_NONE, NULL, \
     "The protocol the encrypted data most likely carries, guessed from the well-known port.") \
  X (TF_ALERT, ".alert_message", "Alert Message", IOT_FT_NONE, IOT_BASE_NONE, NULL, \
     "A warning or error one side reports to the other, e.g. why a handshake failed.") \
  X (TF_ALERT_LEVEL, ".alert_message.level", "Level", IOT_FT_UINT8, IOT_BASE_DEC, tls_alert_level_names, \
     "1 warning, 2 fatal (the connection is closed).") \
  X (TF_ALERT_DESC, ".alert_message.desc", "Description", IOT_FT_UINT8, IOT_BASE_DEC, tls_alert_desc_names, \
     "Which problem the alert reports (40 handshake failure, 42 bad certificate, 0 close notify …).") \
  X (TF_CCS, ".change_cipher_spec", "Change Cipher Spec Message", IOT_FT_NONE, IOT_BASE_NONE, NULL, \
     "From here on this side encrypts its records with the keys just agreed.") \
  X (TF_HS, ".handshake", "Handshake Protocol", IOT_FT_NONE, IOT_BASE_NONE, NULL, \
     "One handshake message: how the two sides agree on a version, keys and identities.") \
  X (TF_HS_TYPE, ".handshake.type", "Handshake Type", IOT_FT_UINT8, IOT_BASE_DEC, tls_handshake_type_names, \
     "Which handshake message this is (1 Client Hello, 2 Server Hello, 11 Certificate …).") \
  X (TF_HS_LENGTH, ".handshake.length", "Length", IOT_FT_UINT24, IOT_BASE_DEC, NULL, \
     "Size of the handshake message body in bytes.") \
  X (TF_HS_VERSION, ".handshake.version", "Version", IOT_FT_UINT16, IOT_BASE_HEX, tls_version_names, \
     "Version named inside the hello; newer versions are negotiated in the supported_versions extension instead.") \
  X (TF_RANDOM, ".handshake.random", "Random", IOT_FT_BYTES, IOT_BASE_NONE, NULL, \
     "32 fresh random bytes from each side; they make every session's keys unique.") \
  X (TF_RANDOM_TIME, ".handshake.random_time", "GMT Unix Time", IOT_FT_ABSOLUTE_TIME, IOT_BASE_TIME_UTC, NULL, \
     "The first 4 random bytes read as a time, as old TLS versions used them; today they are usually random too.") \
  X (TF_RANDOM_BYTES, ".handshake.random_bytes", "Random Bytes", IOT_FT_BYTES, IOT_BASE_NONE, NULL, \
     "The remaining 28 bytes of the random value.") \
  X (TF_SESSION_ID_LEN, ".handshake.session_id_length", "Session ID Length", TLS_SID_LEN_TYPE, IOT_BASE_DEC, NULL, \
     "Length of the session identifier that follows (0 to 32).") \
  X (TF_SESSION_ID, ".handshake.session_id", "Session ID", IOT_FT_BYTES, IOT_BASE_NONE, NULL, \
     "Identifier of a session to resume; TLS 1.3 clients send a random one for compatibility.") \
  X (TF_CIPHER_SUITES_LEN, ".handshake.cipher_suites_length", "Cipher Suites Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, \
     "Bytes of cipher-suite list (two bytes per suite).") \
  X (TF_CIPHER_SUITES, ".handshake.ciphersuites", "Cipher Suites", IOT_FT_NONE, IOT_BASE_NONE, NULL, \
     "The algorithm combinations the client can use, most preferred first.") \
  X (TF_CIPHER_SUITE, ".handshake.ciphersuite", "Cipher Suite", IOT_FT_UINT16, IOT_BASE_HEX, tls_cipher_suite_names, \
     "One combination of key exchange, encryption and hash; in a Server Hello the one chosen.") \
  X (TF_COMP_METHODS_LEN, ".handshake.comp_methods_length", "Compression Methods Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, \
     "Number of compression methods offered.") \
  X (TF_COMP_METHODS, ".handshake.comp_methods", "Compression Methods", IOT_FT_NONE, IOT_BASE_NONE, NULL, \
     "Compression methods offered; today only null (none) is safe.") \
  X (TF_COMP_METHOD, ".handshake.comp_method", "Compression Method", IOT_FT_UINT8, IOT_BASE_DEC, tls_comp_method_names, \
     "A compression method: 0 means no compression.") \
  X (TF_EXTS_LEN, ".handshake.extensions_length", "Extensions Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, \
     "Bytes of extensions that follow.") \
  X (TF_EXT_TYPE, ".handshake.extension.type", "Type", IOT_FT_UINT16, IOT_BASE_DEC, tls_extension_names, \
     "Which extension this is (0 server name, 16 ALPN, 43 supported versions, 51 key share …).") \
  X (TF_EXT_LEN, ".handshake.extension.len", "Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, \
     "Bytes of extension data.") \
  X (TF_EXT_DATA, ".handshake.extension.data", "Data", IOT_FT_BYTES, IOT_BASE_NONE, NULL, \
     "Extension contents that are not decoded further.") \
  X (TF_SNI_LIST_LEN, ".handshake.extensions_server_name_list_len", "Server Name list length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, \
     "Bytes of server-name list.") \
  X (TF_SNI_TYPE, ".handshake.extensions_server_name_type", "Server Name Type", IOT_FT_UINT8, IOT_BASE_DEC, tls_sni_type_names, \
     "Kind of name; 0 is a DNS host name.") \
  X (TF_SNI_LEN, ".handshake.extensions_server_name_len", "Server Name length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, \
     "Length of the host name.") \
  X (TF_SNI, ".handshake.extensions_server_name", "Server Name", IOT_FT_STRING, IOT_BASE_NONE, NULL, \
     "Host name the client wants to reach (SNI); sent in clear text, so it reveals the destination.") \
  X (TF_EC_PF_LEN, ".handshake.extensions_ec_point_formats_length", "EC point formats Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, \
     "Number of elliptic-curve point formats listed.") \
  X (TF_EC_PFS, ".handshake.extensions_ec_point_formats", "EC point formats", IOT_FT_NONE, IOT_BASE_NONE, NULL, \
     "How elliptic-curve points may be encoded.") \
  X (TF_EC_PF, ".handshake.extensions_ec_point_format", "EC point format", IOT_FT_UINT8, IOT_BASE_DEC, tls_ec_point_format_names, \
     "One point encoding (0 uncompressed).") \
  X (TF_GROUPS_LEN, ".handshake.extensions_supported_groups_length", "Supported Groups List Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, \
     "Bytes of group list (two bytes per group).") \
  X (TF_GROUPS, ".handshake.extensions_supported_groups", "Supported Groups List", IOT_FT_NONE, IOT_BASE_NONE, NULL, \
     "Key-exchange groups (curves) the client supports, most preferred first.") \
  X (TF_GROUP, ".handshake.extensions_supported_group", "Supported Group", IOT_FT_UINT16, IOT_BASE_HEX, tls_group_names, \
     "One key-exchange group, e.g. x25519 or secp256r1.") \
  X (TF_ALPN_LEN, ".handshake.extensions_alpn_len", "ALPN Extension Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, \
     "Bytes of application-protocol list.") \
  X (TF_ALPN_LIST, ".handshake.extensions_alpn_list", "ALPN Protocol", IOT_FT_NONE, IOT_BASE_NONE, NULL, \
     "Application protocols (ALPN) offered by the client or chosen by the server.") \
  X (TF_ALPN_STR_LEN, ".handshake.extensions_alpn_str_len", "ALPN string length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, \
     "Length of the protocol name.") \
  X (TF_ALPN_STR, ".handshake.extensions_alpn_str", "ALPN Next Protocol", IOT_FT_STRING, IOT_BASE_NONE, NULL, \
     "Name of an application protocol, e.g. mqtt, h2 or http/1.1.") \
  X (TF_SIG_ALGS_LEN, ".handshake.sig_hash_alg_len", "Signature Hash Algorithms Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, \
     "Bytes of signature-algorithm list.") \
  X (TF_SIG_ALGS, ".handshake.sig_hash_algs", "Signature Algorithms", IOT_FT_NONE, IOT_BASE_NONE, NULL, \
     "Signature algorithms the sender accepts, most preferred first.") \
  X (TF_SIG_ALG, ".handshake.sig_hash_alg", "Signature Algorithm", IOT_FT_UINT16, IOT_BASE_HEX, tls_sig_alg_names, \
     "One signature scheme, e.g. ecdsa_secp256r1_sha256 (0x0403).") \
  X (TF_SIG_HASH, ".handshake.sig_hash_hash", "Signature Hash Algorithm Hash", IOT_FT_UINT8, IOT_BASE_DEC, tls_hash_names, \
     "High byte of the scheme: in TLS 1.2 terms, the hash function.") \
  X (TF_SIG_SIG, ".handshake.sig_hash_sig", "Signature Hash Algorithm Signature", IOT_FT_UINT8, IOT_BASE_DEC, tls_sig_names, \
     "Low byte of the scheme: in TLS 1.2 terms, the signature algorithm.") \
  X (TF_SV_LEN, ".handshake.extensions.supported_versions_len", "Supported Versions length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, \
     "Bytes of version list.") \
  X (TF_SV, ".handshake.extensions.supported_version", "Supported Version", IOT_FT_UINT16, IOT_BASE_HEX, tls_version_names, \
     "A version the client supports, or in a Server Hello the one chosen (0x0304 = TLS 1.3).") \
  X (TF_PSK_KE_LEN, ".extension.psk_ke_modes_length", "PSK Key Exchange Modes Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, \
     "Number of pre-shared-key modes listed.") \
  X (TF_PSK_KE_MODE, ".extension.psk_ke_mode", "PSK Key Exchange Mode", IOT_FT_UINT8, IOT_BASE_DEC, tls_psk_ke_mode_names, \
     "How a resumed session may derive keys: 1 combines the ticket with a fresh key exchange.") \
  X (TF_KS_CLIENT_LEN, ".handshake.extensions_key_share_client_length", "Client Key Share Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, \
     "Bytes of key shares the client sends.") \
  X (TF_KS_GROUP, ".handshake.extensions_key_share_group", "Group", IOT_FT_UINT16, IOT_BASE_DEC, tls_group_names, \
     "Group of a key share: the client guesses which the server will pick.") \
  X (TF_KS_KEX_LEN, ".handshake.extensions_key_share_key_exchange_length", "Key Exchange Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, \
     "Length of the public key.") \
  X (TF_KS_KEX, ".handshake.extensions_key_share_key_exchange", "Key Exchange", IOT_FT_BYTES, IOT_BASE_NONE, NULL, \
     "Ephemeral public key for the key exchange.") \
  X (TF_KS_SELECTED, ".handshake.extensions_key_share_selected_group", "Selected Group", IOT_FT_UINT16, IOT_BASE_DEC, tls_group_names, \
     "In a Hello Retry Request: the group the server wants the client to use instead.") \
  X (TF_RENEG_LEN, ".handshake.extensions_reneg_info_len", "Renegotiation info extension length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, \
     "Length of the renegotiation data; 0 on a first handshake.") \
  X (TF_RENEG_INFO, ".handshake.extensions_reneg_info", "Renegotiation info", IOT_FT_BYTES, IOT_BASE_NONE, NULL, \
     "Finished data of the previous handshake, tying a renegotiation to it.") \
  X (TF_RECORD_SIZE_LIMIT, ".record_size_limit", "Record Size Limit", IOT_FT_UINT16, IOT_BASE_DEC, NULL, \
     "Largest record the sender wants to receive; small devices use it to save memory.") \
  X (TF_EXT_COOKIE_LEN, ".handshake.extensions.cookie_len", "Cookie length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, \
     "Length of the cookie a TLS 1.3 server asks the client to echo.") \
  X (TF_EXT_COOKIE, ".handshake.extensions.cookie", "Cookie", IOT_FT_BYTES, IOT_BASE_NONE, NULL, \
     "Opaque value the client must send back in its second Client Hello.") \
  X (TF_CERTS_LEN, ".handshake.certificates_length", "Certificates Length", IOT_FT_UINT24, IOT_BASE_DEC, NULL, \
     "Bytes of certificate chain.") \
  X (TF_CERTS, ".handshake.certificates", "Certificates", IOT_FT_NONE, IOT_BASE_NONE, NULL, \
     "The certificate chain: the sender's own certificate first, then the ones that vouch for it.") \
  X (TF_CERT_LEN, ".handshake.certificate_length", "Certificate Length", IOT_FT_UINT24, IOT_BASE_DEC, NULL, \
     "Size of one DER-encoded certificate.") \
  X (TF_CERT, ".handshake.certificate", "Certificate", IOT_FT_BYTES, IOT_BASE_NONE, NULL, \
     "One X.509 certificate: a public key bound to a name, signed by an issuer.") \
  X (TF_CURVE_TYPE, ".handshake.server_curve_type", "Curve Type", IOT_FT_UINT8, IOT_BASE_HEX, tls_curve_type_names, \
     "How the server names its curve; 3 means a named curve.") \
  X (TF_NAMED_CURVE, ".handshake.server_named_curve", "Named Curve", IOT_FT_UINT16, IOT_BASE_HEX, tls_group_names, \
     "Curve used for the ephemeral key exchange.") \
  X (TF_SERVER_POINT_LEN, ".handshake.server_point_len", "Pubkey Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, \
     "Length of the server's ephemeral public key.") \
  X (TF_SERVER_POINT, ".handshake.server_point", "Pubkey", IOT_FT_BYTES, IOT_BASE_NONE, NULL, \
     "Server's ephemeral elliptic-curve public key.") \
  X (TF_CLIENT_POINT_LEN, ".handshake.client_point_len", "Pubkey Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, \
     "Length of the client's ephemeral public key.") \
  X (TF_CLIENT_POINT, ".handshake.client_point", "Pubkey", IOT_FT_BYTES, IOT_BASE_NONE, NULL, \
     "Client's ephemeral elliptic-curve public key.") \
  X (TF_KX_SIG_LEN, ".handshake.sig_len", "Signature Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, \
     "Length of the server's signature over the key-exchange parameters.") \
  X (TF_KX_SIG, ".handshake.sig", "Signature", IOT_FT_BYTES, IOT_BASE_NONE, NULL, \
     "Signature proving the key-exchange parameters come from the certificate's owner.") \
  X (TF_TICKET_LIFETIME, ".handshake.session_ticket_lifetime_hint", "Session Ticket Lifetime Hint", IOT_FT_UINT32, IOT_BASE_DEC, NULL, \
     "Seconds the client may keep the ticket for resuming the session.") \
  X (TF_TICKET_LEN, ".handshake.session_ticket_length", "Session Ticket Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, \
     "Length of the ticket.") \
  X (TF_TICKET, ".handshake.session_ticket", "Session Ticket", IOT_FT_BYTES, IOT_BASE_NONE, NULL, \
     "Opaque, server-encrypted session state the client presents to resume later.") \
  X (TF_JA3_FULL, ".handshake.ja3_full", "JA3 Fullstring", IOT_FT_STRING, IOT_BASE_NONE, NULL, \
     "Client fingerprint: version, suites, extensions, groups and point formats of the Client Hello as numbers.") \
  X (TF_JA3, ".handshake.ja3", "JA3", IOT_FT_STRING, IOT_BASE_NONE, NULL, \
     "MD5 of the JA3 string: a short fingerprint of the client software.") \
  X (TF_JA3S_FULL, ".handshake.ja3s_full", "JA3S Fullstring", IOT_FT_STRING, IOT_BASE_NONE, NULL, \
     "Server fingerprint: version, chosen suite and extensions of the Server Hello.") \
  X (TF_JA3S, ".handshake.ja3s", "JA3S", IOT_FT_STRING, IOT_BASE_NONE, NULL, \
     "MD5 of the JA3S string.") \
  X (TF_VERIFY_DATA, ".handshake.verify_data", "Verify Data", IOT_FT_NONE, IOT_BASE_NONE, NULL, \
     "Checksum over the whole handshake in a Finished message; readable only when the record is not encrypted.") \
  X (TF_CV_SIG_LEN, ".handshake.client_cert_vrfy.sig_len", "Signature length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, \
     "Length of the Certificate Verify signature.") \
  X (TF_CV_SIG, ".handshake.client_cert_vrfy.sig", "Signature", IOT_FT_BYTES, IOT_BASE_NONE, NULL, \
     "Signature over the handshake so far, proving the sender holds its certificate's private key.") \
  X (TF_DECRYPTION_SECRET, ".decryption.secret", "Decrypted With", IOT_FT_STRING, IOT_BASE_NONE, NULL, \
     "Which secret opened this direction of the session: a key log's TLS 1.3 traffic secrets or CLIENT_RANDOM " \
     "master secret, a pre-shared key, or secrets embedded in the capture (hidden; on its first decrypted record).") \
  X (TF_DECRYPTION_FAILURE, ".decryption.failure", "Not Decrypted", IOT_FT_STRING, IOT_BASE_NONE, NULL, \
     "Why this direction of the session could not be decrypted (hidden; on its first protected record).")

#define TLS_FIELD_INDEX(id, sfx, name, type, base, vals, blurb) id,
enum {
  TF_PROTO,
  TLS_COMMON_FIELDS (TLS_FIELD_INDEX)
  TF_N_COMMON
};
#undef TLS_FIELD_INDEX

/* Expands to the table entries of the common fields under @prefix. */
#define TLS_FIELD_ENTRY_PREFIX(prefix, id, sfx, name, type, base, vals, blurb) \
  [id] = { prefix sfx, name, type, base, vals, 0, blurb },

extern const IotValueName tls_content_type_names[];
extern const IotValueName tls_version_names[];
extern const IotValueName tls_alert_level_names[];
extern const IotValueName tls_alert_desc_names[];
extern const IotValueName tls_handshake_type_names[];
extern const IotValueName tls_cipher_suite_names[];
extern const IotValueName tls_comp_method_names[];
extern const IotValueName tls_extension_names[];
extern const IotValueName tls_sni_type_names[];
extern const IotValueName tls_ec_point_format_names[];
extern const IotValueName tls_group_names[];
extern const IotValueName tls_sig_alg_names[];
extern const IotValueName tls_hash_names[];
extern const IotValueName tls_sig_names[];
extern const IotValueName tls_psk_ke_mode_names[];
extern const IotValueName tls_curve_type_names[];

/* How one handshake message is read: which protocol's fields, what the
 * conversation knows so far. */
typedef struct {
  const IotField *f;          /* the protocol's table, common indexes */
  gboolean        dtls;
  gboolean        tls13;      /* the session negotiated TLS 1.3 */
  guint16         cipher;     /* suite chosen by the server, 0 = unknown */
  /* DTLS only: the Client Hello cookie fields. */
  const IotField *cookie_len_field;
  const IotField *cookie_field;
  /* Set by a Server Hello. */
  guint16         negotiated;
  guint16         chosen_cipher;
  gboolean        hello_retry;
  /* Set by either hello, for decryption. */
  guint8          random[32];
  gboolean        has_random;
  gboolean        encrypt_then_mac;        /* a Server Hello agreed to RFC 7366 */
  gboolean        extended_master_secret;  /* a Server Hello agreed to RFC 7627 */
  /* The protocol a Server Hello or Encrypted Extensions selected by ALPN
   * (points into the message; NUL-free, alpn_len bytes). */
  const guint8   *alpn;
  guint           alpn_len;
  /* Set by a Client Hello: its TLS 1.3 suites (the ones 0-RTT data may
   * use) and whether it announces early data. */
  guint16         offered13[8];
  guint           n_offered13;
  gboolean        early_data;
  /* For the TLS tap, when someone asked for it: a Client Hello's first
   * server name (in the packet's arena) and newest supported version. */
  const char     *sni;
  guint16         newest_supported;
  /* The message's TLS tap record, queued when its type was read and
   * filled in as it is read; NULL: nobody asked for it. */
  IotTapTls      *tap;
} TlsHsCtx;

/* Application protocols chosen by ALPN that the decrypted records are
 * handed to when the port names none. */
typedef struct {
  const char         *alpn;        /* as on the wire: "mqtt", "http/1.1" … */
  const IotDissector *dissector;   /* NULL: shown as data */
  const char         *proto_name;  /* for tls.app_data_proto; NULL where tshark 4.0 shows none */
} TlsAlpnProto;

/* The entry for @alpn (@len bytes), or NULL for a protocol we do not know. */
const TlsAlpnProto *tls_alpn_proto (const guint8 *alpn, gsize len);

/* Version names as the Protocol column shows them ("TLSv1.2", "DTLSv1.2"). */
const char *tls_version_short_name (guint16 version);
/* The protocol carried on @port, by long name, for tls.app_data_proto. */
const char *tls_app_proto_name (gboolean dtls, guint16 port_a, guint16 port_b);
/* For a suite that authenticates but does not encrypt (a "NULL cipher",
 * e.g. TLS_RSA_WITH_NULL_SHA256): the length of the MAC that ends each
 * protected record.  0 for every suite that does encrypt (or is unknown). */
guint tls_null_cipher_mac_len (guint16 suite);
/* A hidden note on record @rec: which secret decrypted its direction
 * (TF_DECRYPTION_SECRET) or why none did (TF_DECRYPTION_FAILURE). */
void tls_add_decryption_note (IotPacket *pkt, int rec, const IotField *field, const char *text);
/* For the TLS note tap (the session table): a layer begins, or a
 * decryption note; @text is copied. */
void tls_publish_note (IotPacket *pkt, gboolean dtls, IotTapTlsNoteKind kind, const char *text);
/* For the TLS tap: one whole handshake message in the clear (@msg holds
 * its body), or an alert in the clear. */
void tls_publish_handshake (IotPacket *pkt, const TlsHsCtx *ctx, const IotBuf *msg, guint8 type, gboolean dtls);
void tls_publish_alert (IotPacket *pkt, gboolean dtls, const IotBuf *body);
void tls_open_handshake (IotPacket *pkt, TlsHsCtx *ctx, guint8 type);
/* Dissects the body of one handshake message (@body holds exactly that
 * body) below @tree. */
void tls_dissect_handshake_body (IotPacket *pkt, TlsHsCtx *ctx, int tree, IotBuf *body, guint type);
/* Info/label text for a handshake message ("Client Hello" …). */
const char *tls_handshake_name (guint type, const TlsHsCtx *ctx);
