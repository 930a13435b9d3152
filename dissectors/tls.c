/* tls.c — Transport Layer Security: the record layer over TCP and the
 * plaintext part of the handshake (hellos, extensions, certificates, key
 * exchange).  Nothing is decrypted: encrypted records are shown as opaque
 * bytes, which is all a passive observer can see.
 *
 * The handshake parser in the second half is shared with DTLS (dtls.c)
 * through tls-common.h: the two protocols register the same fields under
 * their own prefixes, and TlsHsCtx says which table to fill.
 *
 * Per conversation, the first pass remembers the negotiated version (the
 * Protocol column shows it on every frame, as tshark's second pass does),
 * the chosen cipher suite (it decides how key-exchange messages are laid
 * out) and, per direction, whether a Change Cipher Spec was seen (after
 * it, TLS 1.2 handshake records are encrypted).
 */
#include "iot-dissector.h"
#include "tls-common.h"
#include "tls-crypto.h"
#include "x509.h"
#include "http.h"
#include "coap.h"

#include <gcrypt.h>

#include <string.h>

extern IotDissector iot_dissector_tls;
extern IotDissector iot_dissector_coap;

/* ---- value names ------------------------------------------------------------ */

const IotValueName tls_content_type_names[] = {
  { 20, "Change Cipher Spec" },
  { 21, "Alert" },
  { 22, "Handshake" },
  { 23, "Application Data" },
  { 24, "Heartbeat" },
  { 25, "Connection ID" },
  IOT_VALUE_NAMES_END
};

const IotValueName tls_version_names[] = {
  { 0x0002, "SSL 2.0" },
  { 0x0300, "SSL 3.0" },
  { 0x0301, "TLS 1.0" },
  { 0x0302, "TLS 1.1" },
  { 0x0303, "TLS 1.2" },
  { 0x0304, "TLS 1.3" },
  { 0x0100, "DTLS 1.0 (OpenSSL pre 0.9.8f)" },
  { 0xfeff, "DTLS 1.0" },
  { 0xfefd, "DTLS 1.2" },
  { 0xfefc, "DTLS 1.3" },
  IOT_VALUE_NAMES_END
};

const IotValueName tls_alert_level_names[] = {
  { 1, "Warning" },
  { 2, "Fatal" },
  IOT_VALUE_NAMES_END
};

const IotValueName tls_alert_desc_names[] = {
  { 0, "Close Notify" },
  { 10, "Unexpected Message" },
  { 20, "Bad Record MAC" },
  { 21, "Decryption Failed" },
  { 22, "Record Overflow" },
  { 30, "Decompression Failure" },
  { 40, "Handshake Failure" },
  { 41, "No Certificate" },
  { 42, "Bad Certificate" },
  { 43, "Unsupported Certificate" },
  { 44, "Certificate Revoked" },
  { 45, "Certificate Expired" },
  { 46, "Certificate Unknown" },
  { 47, "Illegal Parameter" },
  { 48, "Unknown CA" },
  { 49, "Access Denied" },
  { 50, "Decode Error" },
  { 51, "Decrypt Error" },
  { 60, "Export Restriction" },
  { 70, "Protocol Version" },
  { 71, "Insufficient Security" },
  { 80, "Internal Error" },
  { 86, "Inappropriate Fallback" },
  { 90, "User Canceled" },
  { 100, "No Renegotiation" },
  { 109, "Missing Extension" },
  { 110, "Unsupported Extension" },
  { 111, "Certificate Unobtainable" },
  { 112, "Unrecognized Name" },
  { 113, "Bad Certificate Status Response" },
  { 114, "Bad Certificate Hash Value" },
  { 115, "Unknown PSK Identity" },
  { 116, "Certificate Required" },
  { 120, "No application Protocol" },
  IOT_VALUE_NAMES_END
};

const IotValueName tls_handshake_type_names[] = {
  { 0, "Hello Request" },
  { 1, "Client Hello" },
  { 2, "Server Hello" },
  { 3, "Hello Verify Request" },
  { 4, "New Session Ticket" },
  { 5, "End of Early Data" },
  { 6, "Hello Retry Request" },
  { 8, "Encrypted Extensions" },
  { 11, "Certificate" },
  { 12, "Server Key Exchange" },
  { 13, "Certificate Request" },
  { 14, "Server Hello Done" },
  { 15, "Certificate Verify" },
  { 16, "Client Key Exchange" },
  { 20, "Finished" },
  { 21, "Certificate URL" },
  { 22, "Certificate Status" },
  { 23, "Supplemental Data" },
  { 24, "Key Update" },
  { 25, "Compressed Certificate" },
  { 254, "Message Hash" },
  IOT_VALUE_NAMES_END
};

/* Names as registered by IANA. */
const IotValueName tls_cipher_suite_names[] = {
  { 0x0000, "TLS_NULL_WITH_NULL_NULL" },
  { 0x0001, "TLS_RSA_WITH_NULL_MD5" },
  { 0x0002, "TLS_RSA_WITH_NULL_SHA" },
  { 0x0004, "TLS_RSA_WITH_RC4_128_MD5" },
  { 0x0005, "TLS_RSA_WITH_RC4_128_SHA" },
  { 0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA" },
  { 0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA" },
  { 0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA" },
  { 0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA" },
  { 0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA" },
  { 0x003b, "TLS_RSA_WITH_NULL_SHA256" },
  { 0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256" },
  { 0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256" },
  { 0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256" },
  { 0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256" },
  { 0x008c, "TLS_PSK_WITH_AES_128_CBC_SHA" },
  { 0x008d, "TLS_PSK_WITH_AES_256_CBC_SHA" },
  { 0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256" },
  { 0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384" },
  { 0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256" },
  { 0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384" },
  { 0x00a8, "TLS_PSK_WITH_AES_128_GCM_SHA256" },
  { 0x00a9, "TLS_PSK_WITH_AES_256_GCM_SHA384" },
  { 0x00aa, "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256" },
  { 0x00ab, "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384" },
  { 0x00ae, "TLS_PSK_WITH_AES_128_CBC_SHA256" },
  { 0x00af, "TLS_PSK_WITH_AES_256_CBC_SHA384" },
  { 0x00b0, "TLS_PSK_WITH_NULL_SHA256" },
  { 0x00b1, "TLS_PSK_WITH_NULL_SHA384" },
  { 0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV" },
  { 0x1301, "TLS_AES_128_GCM_SHA256" },
  { 0x1302, "TLS_AES_256_GCM_SHA384" },
  { 0x1303, "TLS_CHACHA20_POLY1305_SHA256" },
  { 0x1304, "TLS_AES_128_CCM_SHA256" },
  { 0x1305, "TLS_AES_128_CCM_8_SHA256" },
  { 0x5600, "TLS_FALLBACK_SCSV" },
  { 0xc006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA" },
  { 0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA" },
  { 0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA" },
  { 0xc010, "TLS_ECDHE_RSA_WITH_NULL_SHA" },
  { 0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA" },
  { 0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA" },
  { 0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256" },
  { 0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384" },
  { 0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256" },
  { 0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384" },
  { 0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" },
  { 0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" },
  { 0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" },
  { 0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" },
  { 0xc035, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA" },
  { 0xc036, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA" },
  { 0xc037, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256" },
  { 0xc038, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384" },
  { 0xc09c, "TLS_RSA_WITH_AES_128_CCM" },
  { 0xc09d, "TLS_RSA_WITH_AES_256_CCM" },
  { 0xc09e, "TLS_DHE_RSA_WITH_AES_128_CCM" },
  { 0xc09f, "TLS_DHE_RSA_WITH_AES_256_CCM" },
  { 0xc0a0, "TLS_RSA_WITH_AES_128_CCM_8" },
  { 0xc0a1, "TLS_RSA_WITH_AES_256_CCM_8" },
  { 0xc0a4, "TLS_PSK_WITH_AES_128_CCM" },
  { 0xc0a5, "TLS_PSK_WITH_AES_256_CCM" },
  { 0xc0a8, "TLS_PSK_WITH_AES_128_CCM_8" },
  { 0xc0a9, "TLS_PSK_WITH_AES_256_CCM_8" },
  { 0xc0ac, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM" },
  { 0xc0ad, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM" },
  { 0xc0ae, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8" },
  { 0xc0af, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8" },
  { 0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
  { 0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256" },
  { 0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
  { 0xccab, "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256" },
  { 0xccac, "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256" },
  { 0xccad, "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256" },
  { 0xd001, "TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256" },
  { 0xd002, "TLS_ECDHE_PSK_WITH_AES_256_GCM_SHA384" },
  { 0xd005, "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256" },
  IOT_VALUE_NAMES_END
};

const IotValueName tls_comp_method_names[] = {
  { 0, "null" },
  { 1, "DEFLATE" },
  IOT_VALUE_NAMES_END
};

const IotValueName tls_extension_names[] = {
  { 0, "server_name" },
  { 1, "max_fragment_length" },
  { 2, "client_certificate_url" },
  { 3, "trusted_ca_keys" },
  { 4, "truncated_hmac" },
  { 5, "status_request" },
  { 9, "cert_type" },
  { 10, "supported_groups" },
  { 11, "ec_point_formats" },
  { 12, "srp" },
  { 13, "signature_algorithms" },
  { 14, "use_srtp" },
  { 15, "heartbeat" },
  { 16, "application_layer_protocol_negotiation" },
  { 17, "status_request_v2" },
  { 18, "signed_certificate_timestamp" },
  { 19, "client_certificate_type" },
  { 20, "server_certificate_type" },
  { 21, "padding" },
  { 22, "encrypt_then_mac" },
  { 23, "extended_master_secret" },
  { 24, "token_binding" },
  { 25, "cached_info" },
  { 27, "compress_certificate" },
  { 28, "record_size_limit" },
  { 35, "session_ticket" },
  { 41, "pre_shared_key" },
  { 42, "early_data" },
  { 43, "supported_versions" },
  { 44, "cookie" },
  { 45, "psk_key_exchange_modes" },
  { 47, "certificate_authorities" },
  { 48, "oid_filters" },
  { 49, "post_handshake_auth" },
  { 50, "signature_algorithms_cert" },
  { 51, "key_share" },
  { 57, "quic_transport_parameters" },
  { 65281, "renegotiation_info" },
  IOT_VALUE_NAMES_END
};

const IotValueName tls_sni_type_names[] = {
  { 0, "host_name" },
  IOT_VALUE_NAMES_END
};

const IotValueName tls_ec_point_format_names[] = {
  { 0, "uncompressed" },
  { 1, "ansiX962_compressed_prime" },
  { 2, "ansiX962_compressed_char2" },
  IOT_VALUE_NAMES_END
};

const IotValueName tls_group_names[] = {
  { 21, "secp224r1" },
  { 22, "secp256k1" },
  { 23, "secp256r1" },
  { 24, "secp384r1" },
  { 25, "secp521r1" },
  { 26, "brainpoolP256r1" },
  { 27, "brainpoolP384r1" },
  { 28, "brainpoolP512r1" },
  { 29, "x25519" },
  { 30, "x448" },
  { 256, "ffdhe2048" },
  { 257, "ffdhe3072" },
  { 258, "ffdhe4096" },
  { 259, "ffdhe6144" },
  { 260, "ffdhe8192" },
  IOT_VALUE_NAMES_END
};

const IotValueName tls_sig_alg_names[] = {
  { 0x0201, "rsa_pkcs1_sha1" },
  { 0x0203, "ecdsa_sha1" },
  { 0x0401, "rsa_pkcs1_sha256" },
  { 0x0403, "ecdsa_secp256r1_sha256" },
  { 0x0501, "rsa_pkcs1_sha384" },
  { 0x0503, "ecdsa_secp384r1_sha384" },
  { 0x0601, "rsa_pkcs1_sha512" },
  { 0x0603, "ecdsa_secp521r1_sha512" },
  { 0x0804, "rsa_pss_rsae_sha256" },
  { 0x0805, "rsa_pss_rsae_sha384" },
  { 0x0806, "rsa_pss_rsae_sha512" },
  { 0x0807, "ed25519" },
  { 0x0808, "ed448" },
  { 0x0809, "rsa_pss_pss_sha256" },
  { 0x080a, "rsa_pss_pss_sha384" },
  { 0x080b, "rsa_pss_pss_sha512" },
  IOT_VALUE_NAMES_END
};

const IotValueName tls_hash_names[] = {
  { 0, "None" }, { 1, "MD5" }, { 2, "SHA1" }, { 3, "SHA224" },
  { 4, "SHA256" }, { 5, "SHA384" }, { 6, "SHA512" },
  IOT_VALUE_NAMES_END
};

const IotValueName tls_sig_names[] = {
  { 0, "Anonymous" }, { 1, "RSA" }, { 2, "DSA" }, { 3, "ECDSA" },
  IOT_VALUE_NAMES_END
};

const IotValueName tls_psk_ke_mode_names[] = {
  { 0, "PSK-only key establishment (psk_ke)" },
  { 1, "PSK with (EC)DHE key establishment (psk_dhe_ke)" },
  IOT_VALUE_NAMES_END
};

const IotValueName tls_curve_type_names[] = {
  { 1, "explicit_prime" },
  { 2, "explicit_char2" },
  { 3, "named_curve" },
  IOT_VALUE_NAMES_END
};

/* ---- the TLS field table ---------------------------------------------------- */

enum {
  F_OPAQUE_TYPE = TF_N_COMMON,
  F_SEGMENTS,
  F_DECRYPTED_RECORD,
  F_DECRYPTED_APP_DATA,
  N_FIELDS
};

#define TLS_SID_LEN_TYPE IOT_FT_UINT16
#define TLS_ENTRY(id, sfx, name, type, base, vals, blurb) \
  TLS_FIELD_ENTRY_PREFIX ("tls", id, sfx, name, type, base, vals, blurb)

enum {
  E_BAD_MAC,
  E_NOT_DECRYPTED,
  N_EXPERTS
};

static IotExpertInfo tls_experts[N_EXPERTS] = {
  [E_BAD_MAC] = IOT_EXPERT_INFO ("tls.decryption_failed", IOT_SEV_WARN, IOT_GROUP_SECURITY, "Decryption failed (bad record MAC)",
                              "The secret given for this session does not open its records: the record's authentication tag does not match, so the key is wrong (or the bytes were damaged). Nothing of it is shown as application data."),
  [E_NOT_DECRYPTED] = IOT_EXPERT_INFO ("tls.not_decrypted", IOT_SEV_NOTE, IOT_GROUP_SECURITY, "Not decrypted",
                              "The record is encrypted and no secret given opens this session; the reason names what is missing (a key log entry for this client random, a PSK, a supported suite)."),
};

static IotField tls_fields[N_FIELDS] = {
  [TF_PROTO] = { "tls", "Transport Layer Security", IOT_FT_PROTOCOL, .blurb =
    "TLS: encryption and authentication for a TCP connection (HTTPS, MQTT over TLS …)." },
  TLS_COMMON_FIELDS (TLS_ENTRY)
  [F_OPAQUE_TYPE] = { "tls.record.opaque_type", "Opaque Type", IOT_FT_UINT8, IOT_BASE_DEC,
    tls_content_type_names, 0,
    "In TLS 1.3 every encrypted record claims to be application data; the real type is inside the encryption." },
  [F_SEGMENTS] = { "tls.segments", "Reassembled TLS segments", IOT_FT_NONE, .blurb =
    "Decrypted application data of several records joined to rebuild one message of the protocol inside." },
  /* Hidden: what Follow TLS Stream reads. */
  [F_DECRYPTED_RECORD] = { "tls.decrypted_record", "Decrypted Record", IOT_FT_UINT8, IOT_BASE_DEC,
    tls_content_type_names, 0, "The content type of a record whose protection was removed with the session's secrets." },
  [F_DECRYPTED_APP_DATA] = { "tls.decrypted_app_data", "Decrypted Application Data", IOT_FT_BYTES, .blurb =
    "The plaintext of one application data record, as the peers exchanged it." },
};

/* ---- shared helpers ------------------------------------------------------------ */

const char *
tls_version_short_name (guint16 version)
{
  switch (version)
    {
    case 0x0002: return "SSLv2";
    case 0x0300: return "SSLv3";
    case 0x0301: return "TLSv1";
    case 0x0302: return "TLSv1.1";
    case 0x0303: return "TLSv1.2";
    case 0x0304: return "TLSv1.3";
    case 0x0100: return "DTLS 1.0 (OpenSSL pre 0.9.8f)";
    case 0xfeff: return "DTLSv1.0";
    case 0xfefd: return "DTLSv1.2";
    case 0xfefc: return "DTLSv1.3";
    default: return NULL;
    }
}

static const char *
app_proto_for_port (gboolean dtls, guint16 port)
{
  if (dtls)
    switch (port)
      {
      case 5684: return "Constrained Application Protocol";
      case 853: return "Domain Name System";
      default: return NULL;
      }
  switch (port)
    {
    case 443: return "Hypertext Transfer Protocol";
    case 8883: return "MQ Telemetry Transport Protocol";
    case 5684: return "Constrained Application Protocol";
    default: return NULL;
    }
}

/* The dissector for the plaintext of a NULL-cipher connection on @port:
 * the same ports as app_proto_for_port, as a decrypting analyzer would. */
static const IotDissector *
app_dissector_for_port (guint16 port)
{
  extern IotDissector iot_dissector_mqtt;

  switch (port)
    {
    case 443: return &iot_dissector_http;
    case 8883: return &iot_dissector_mqtt;
    case 5684: return &iot_dissector_coap;
    default: return NULL;
    }
}

const TlsAlpnProto *
tls_alpn_proto (const guint8 *alpn, gsize len)
{
  extern IotDissector iot_dissector_mqtt;
  /* RFC 7301's registry names.  tshark 4.0 hands "http/1.1" to HTTP and
   * "coap" to CoAP with RFC 8323's TCP framing, and names them in
   * tls.app_data_proto; it has no entry for "mqtt", so MQTT found by ALPN
   * is decoded here without that name.  "h2" is HTTP/2: only named by its
   * ALPN and shown as data. */
  static const TlsAlpnProto protos[] = {
    { "mqtt", &iot_dissector_mqtt, NULL },
    { "http/1.1", &iot_dissector_http, "Hypertext Transfer Protocol" },
    { "http/1.0", &iot_dissector_http, "Hypertext Transfer Protocol" },
    { "coap", &iot_dissector_coap, "Constrained Application Protocol" },
    { "h2", NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (protos); i++)
    if (strlen (protos[i].alpn) == len && memcmp (protos[i].alpn, alpn, len) == 0)
      return &protos[i];
  return NULL;
}

const char *
tls_app_proto_name (gboolean dtls, guint16 port_a, guint16 port_b)
{
  guint16 lo = MIN (port_a, port_b), hi = MAX (port_a, port_b);
  const char *name = app_proto_for_port (dtls, lo);

  return name ? name : app_proto_for_port (dtls, hi);
}

void
tls_add_decryption_note (IotPacket *pkt, int rec, const IotField *field, const char *text)
{
  int node = iot_tree_add_string (pkt, rec, field, NULL, 0, 0, text, -1);

  iot_tree_set_hidden (pkt, node);
  tls_publish_note (pkt, g_str_has_prefix (field->abbrev, "dtls."),
                    g_str_has_suffix (field->abbrev, ".secret") ? IOT_TAP_TLS_NOTE_SECRET : IOT_TAP_TLS_NOTE_FAILURE,
                    text);
}

static gboolean
is_grease (guint16 v)
{
  return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* Whether @v is a newer version than @than (0: none); DTLS numbers its
 * versions downwards (0xfefc is 1.3, newer than 0xfefd). */
static gboolean
version_newer (const TlsHsCtx *ctx, guint16 v, guint16 than)
{
  return than == 0 || (ctx->dtls ? v < than : v > than);
}

/* A supported_versions row was added: the tap record keeps the newest of
 * them as the rows show it, GREASE values included. */
static void
note_supported_version_row (TlsHsCtx *ctx, guint16 v)
{
  if (ctx->tap != NULL && version_newer (ctx, v, ctx->tap->sv_newest_row))
    ctx->tap->sv_newest_row = v;
}

/* Suites whose key exchange is ephemeral elliptic-curve Diffie-Hellman
 * signed with the certificate's key: their Server and Client Key Exchange
 * messages carry an EC point. */
static gboolean
suite_is_ecdhe_signed (guint16 s)
{
  return (s >= 0xc006 && s <= 0xc014) || (s >= 0xc023 && s <= 0xc02a)
         || (s >= 0xc02b && s <= 0xc032) || s == 0xcca8 || s == 0xcca9
         || (s >= 0xc0ac && s <= 0xc0af) || (s >= 0xc072 && s <= 0xc079);
}

guint
tls_null_cipher_mac_len (guint16 s)
{
  switch (s)
    {
    case 0x0001:                 /* RSA_WITH_NULL_MD5 */
      return 16;
    case 0x0002: case 0x002c: case 0x002d: case 0x002e:
    case 0xc001: case 0xc006: case 0xc00b: case 0xc010: case 0xc015: case 0xc039:
      return 20;                 /* …_WITH_NULL_SHA: HMAC-SHA1 */
    case 0x003b: case 0x00b0: case 0x00b4: case 0x00b8: case 0xc03a:
      return 32;                 /* …_WITH_NULL_SHA256 */
    case 0x00b1: case 0x00b5: case 0x00b9: case 0xc03b:
      return 48;                 /* …_WITH_NULL_SHA384 */
    default:
      return 0;
    }
}

static const guint8 hello_retry_magic[32] = {
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

#define ADD(tree, idx, off, len) iot_tree_add_item (pkt, (tree), &ctx->f[idx], buf, (off), (len), FALSE)
/* A label-only list row, cut to the captured bytes so that a short capture
 * still shows the entries that are there. */
#define ADD_LIST(tree, idx, off, len) \
  iot_tree_add_item (pkt, (tree), &ctx->f[idx], buf, (off), MIN ((guint) (len), iot_buf_remaining (buf, (off))), FALSE)

static guint
add_ret (IotPacket *pkt, TlsHsCtx *ctx, int tree, int idx, IotBuf *buf, guint off, guint len)
{
  guint64 v = 0;

  iot_tree_add_item_ret_uint (pkt, tree, &ctx->f[idx], buf, off, len, FALSE, &v);
  return (guint) v;
}

static void
append_list (GString *s, guint v)
{
  if (s->len > 0)
    g_string_append_c (s, '-');
  g_string_append_printf (s, "%u", v);
}

/* What the JA3/JA3S fingerprints collect while a hello is read. */
typedef struct {
  GString *ciphers;
  GString *exts;
  GString *groups;
  GString *formats;
} Ja3;

/* ---- extensions ----------------------------------------------------------------- */

static void
dissect_sig_algs (IotPacket *pkt, TlsHsCtx *ctx, int tree, IotBuf *buf, guint off, guint end)
{
  guint len = add_ret (pkt, ctx, tree, TF_SIG_ALGS_LEN, buf, off, 2);
  int list = ADD_LIST (tree, TF_SIG_ALGS, off + 2, MIN (len, end - off - 2));

  iot_tree_set_label (pkt, list, "Signature Hash Algorithms (%u algorithm%s)", len / 2, len / 2 == 1 ? "" : "s");
  for (guint p = off + 2; p + 2 <= off + 2 + len && p + 2 <= end; p += 2)
    {
      int alg = ADD (list, TF_SIG_ALG, p, 2);

      ADD (alg, TF_SIG_HASH, p, 1);
      ADD (alg, TF_SIG_SIG, p + 1, 1);
    }
}

static void
dissect_key_share (IotPacket *pkt, TlsHsCtx *ctx, int tree, IotBuf *buf, guint off, guint end, guint hs_type)
{
  guint p = off, stop = end;

  if (hs_type == 2 && ctx->hello_retry)
    {
      ADD (tree, TF_KS_SELECTED, off, 2);
      return;
    }
  if (hs_type == 1)
    {
      guint len = add_ret (pkt, ctx, tree, TF_KS_CLIENT_LEN, buf, off, 2);

      p = off + 2;
      stop = MIN (end, p + len);
    }
  while (p + 4 <= stop)
    {
      guint16 group = iot_buf_u16 (buf, p), klen = iot_buf_u16 (buf, p + 2);
      const char *gname = iot_value_name (tls_group_names, group);
      int entry = iot_tree_add_text (pkt, tree, buf, p, 4 + klen, "Key Share Entry: Group: %s, Key Exchange length: %u",
                                     gname ? gname : "Unknown", klen);

      ADD (entry, TF_KS_GROUP, p, 2);
      ADD (entry, TF_KS_KEX_LEN, p + 2, 2);
      ADD (entry, TF_KS_KEX, p + 4, klen);
      p += 4 + klen;
      if (hs_type != 1)
        break;
    }
}

static void
dissect_extension (IotPacket *pkt, TlsHsCtx *ctx, int tree, IotBuf *buf, guint type, guint off,
                   guint len, guint hs_type, Ja3 *ja3)
{
  guint end = off + len, n, p;
  int list;

  switch (type)
    {
    case 0:   /* server_name; empty in a server's acknowledgement */
      if (len == 0)
        return;
      n = add_ret (pkt, ctx, tree, TF_SNI_LIST_LEN, buf, off, 2);
      for (p = off + 2; p + 3 <= MIN (end, off + 2 + n);)
        {
          guint nlen;

          ADD (tree, TF_SNI_TYPE, p, 1);
          nlen = add_ret (pkt, ctx, tree, TF_SNI_LEN, buf, p + 1, 2);
          ADD (tree, TF_SNI, p + 3, nlen);
          if (ctx->sni == NULL && ctx->tap != NULL && iot_buf_has (buf, p + 3, nlen))
            {
              ctx->sni = iot_packet_strndup (pkt, (const char *) iot_buf_ptr (buf, p + 3, nlen), nlen);
              ctx->tap->sni = ctx->sni;
            }
          p += 3 + nlen;
        }
      return;
    case 10:  /* supported_groups */
      n = add_ret (pkt, ctx, tree, TF_GROUPS_LEN, buf, off, 2);
      list = ADD_LIST (tree, TF_GROUPS, off + 2, MIN (n, len - 2));
      iot_tree_set_label (pkt, list, "Supported Groups (%u group%s)", n / 2, n / 2 == 1 ? "" : "s");
      for (p = off + 2; p + 2 <= MIN (end, off + 2 + n); p += 2)
        {
          guint g = add_ret (pkt, ctx, list, TF_GROUP, buf, p, 2);

          if (ja3 && ja3->groups && !is_grease (g))
            append_list (ja3->groups, g);
        }
      return;
    case 11:  /* ec_point_formats */
      n = add_ret (pkt, ctx, tree, TF_EC_PF_LEN, buf, off, 1);
      list = ADD_LIST (tree, TF_EC_PFS, off + 1, MIN (n, len - 1));
      iot_tree_set_label (pkt, list, "Elliptic curves point formats (%u)", n);
      for (p = off + 1; p < MIN (end, off + 1 + n); p++)
        {
          guint f = add_ret (pkt, ctx, list, TF_EC_PF, buf, p, 1);

          if (ja3 && ja3->formats)
            append_list (ja3->formats, f);
        }
      return;
    case 13:  /* signature_algorithms */
    case 50:  /* signature_algorithms_cert */
      dissect_sig_algs (pkt, ctx, tree, buf, off, end);
      return;
    case 16:  /* application_layer_protocol_negotiation */
      n = add_ret (pkt, ctx, tree, TF_ALPN_LEN, buf, off, 2);
      list = ADD_LIST (tree, TF_ALPN_LIST, off + 2, MIN (n, len - 2));
      for (p = off + 2; p + 1 <= MIN (end, off + 2 + n);)
        {
          guint slen = add_ret (pkt, ctx, list, TF_ALPN_STR_LEN, buf, p, 1);

          ADD (list, TF_ALPN_STR, p + 1, slen);
          /* A server names the one protocol it selected (RFC 7301 3.1). */
          if ((hs_type == 2 || hs_type == 8) && ctx->alpn == NULL && slen > 0 && iot_buf_has (buf, p + 1, slen))
            {
              ctx->alpn = iot_buf_ptr (buf, p + 1, slen);
              ctx->alpn_len = slen;
            }
          p += 1 + slen;
        }
      return;
    case 28:  /* record_size_limit */
      ADD (tree, TF_RECORD_SIZE_LIMIT, off, 2);
      return;
    case 43:  /* supported_versions: a list from the client, one value from the server */
      if (hs_type != 1)
        {
          guint v = add_ret (pkt, ctx, tree, TF_SV, buf, off, 2);

          note_supported_version_row (ctx, (guint16) v);
          if (hs_type == 2)
            ctx->negotiated = v;
          return;
        }
      n = add_ret (pkt, ctx, tree, TF_SV_LEN, buf, off, 1);
      for (p = off + 1; p + 2 <= MIN (end, off + 1 + n); p += 2)
        {
          ADD (tree, TF_SV, p, 2);
          if (ctx->tap != NULL && iot_buf_has (buf, p, 2))
            {
              guint16 v = iot_buf_u16 (buf, p);

              note_supported_version_row (ctx, v);
              if (!is_grease (v) && version_newer (ctx, v, ctx->newest_supported))
                {
                  ctx->newest_supported = v;
                  ctx->tap->supported_version = v;
                }
            }
        }
      return;
    case 44:  /* cookie */
      n = add_ret (pkt, ctx, tree, TF_EXT_COOKIE_LEN, buf, off, 2);
      ADD (tree, TF_EXT_COOKIE, off + 2, n);
      return;
    case 45:  /* psk_key_exchange_modes */
      n = add_ret (pkt, ctx, tree, TF_PSK_KE_LEN, buf, off, 1);
      for (p = off + 1; p < MIN (end, off + 1 + n); p++)
        ADD (tree, TF_PSK_KE_MODE, p, 1);
      return;
    case 51:  /* key_share */
      dissect_key_share (pkt, ctx, tree, buf, off, end, hs_type);
      return;
    case 65281: /* renegotiation_info */
      n = add_ret (pkt, ctx, tree, TF_RENEG_LEN, buf, off, 1);
      if (n > 0)
        ADD (tree, TF_RENEG_INFO, off + 1, n);
      return;
    case 22:  /* encrypt_then_mac, extended_master_secret, post_handshake_auth: */
    case 23:  /* flags without contents */
    case 49:
      /* What the server accepts is what the connection uses. */
      if (hs_type == 2 && type == 22)
        ctx->encrypt_then_mac = TRUE;
      if (hs_type == 2 && type == 23)
        ctx->extended_master_secret = TRUE;
      return;
    case 42:  /* early_data: a client that sends 0-RTT data says so */
      if (hs_type == 1)
        ctx->early_data = TRUE;
      if (len > 0)
        iot_tree_add_text (pkt, tree, buf, off, len, "Extension contents (%u bytes, not decoded)", len);
      return;
    case 1: case 5: case 14: case 15: case 18: case 21: case 27: case 41:
    case 47: case 48: case 57:
      /* Known extensions whose contents are not decoded here. */
      if (len > 0)
        iot_tree_add_text (pkt, tree, buf, off, len, "Extension contents (%u bytes, not decoded)", len);
      return;
    default:
      {
        int node = ADD (tree, TF_EXT_DATA, off, len);

        iot_tree_set_label (pkt, node, "Data (%u byte%s)", len, len == 1 ? "" : "s");
      }
      return;
    }
}

static void
dissect_extensions (IotPacket *pkt, TlsHsCtx *ctx, int tree, IotBuf *buf, guint off, guint hs_type, Ja3 *ja3)
{
  guint total, end, p;

  if (!iot_buf_has (buf, off, 1) && iot_buf_reported_remaining (buf, off) == 0)
    return;   /* no extensions at all (very old clients) */
  total = add_ret (pkt, ctx, tree, TF_EXTS_LEN, buf, off, 2);
  end = off + 2 + total;
  for (p = off + 2; p + 4 <= end;)
    {
      guint16 type = iot_buf_u16 (buf, p), len = iot_buf_u16 (buf, p + 2);
      const char *name = iot_value_name (tls_extension_names, type);
      int ext = iot_tree_add_text (pkt, tree, buf, p, 4 + len, "Extension: %s (len=%u)",
                                   name ? name : "Unknown type", len);

      ADD (ext, TF_EXT_TYPE, p, 2);
      ADD (ext, TF_EXT_LEN, p + 2, 2);
      if (ja3 && !is_grease (type))
        append_list (ja3->exts, type);
      {
        /* The contents may not run past their own length. */
        IotBuf sub = iot_buf_sub (buf, 0, (gint) MIN (p + 4 + len, buf->reported));

        dissect_extension (pkt, ctx, ext, &sub, type, p + 4, len, hs_type, ja3);
      }
      p += 4 + len;
    }
}

/* ---- hello messages ------------------------------------------------------------- */

static void
add_fingerprint (IotPacket *pkt, TlsHsCtx *ctx, int tree, int full_idx, int hash_idx, const char *full)
{
  g_autofree char *md5 = g_compute_checksum_for_string (G_CHECKSUM_MD5, full, -1);
  int node;

  node = iot_tree_add_string (pkt, tree, &ctx->f[full_idx], NULL, 0, 0, full, -1);
  iot_tree_set_generated (pkt, node);
  node = iot_tree_add_string (pkt, tree, &ctx->f[hash_idx], NULL, 0, 0, md5, -1);
  iot_tree_set_generated (pkt, node);
}

/* version, random and session ID, common to both hellos; returns the offset after them. */
static guint
dissect_hello_start (IotPacket *pkt, TlsHsCtx *ctx, int tree, IotBuf *buf, guint hs_type)
{
  guint sid_len;
  int node;

  ADD (tree, TF_HS_VERSION, 0, 2);
  if (ctx->tap != NULL && iot_buf_has (buf, 0, 2))
    ctx->tap->handshake_version = iot_buf_u16 (buf, 0);
  node = ADD (tree, TF_RANDOM, 2, 32);
  if (iot_buf_has (buf, 2, 32))
    {
      memcpy (ctx->random, iot_buf_ptr (buf, 2, 32), 32);
      ctx->has_random = TRUE;
    }
  if (hs_type == 2 && memcmp (iot_buf_ptr (buf, 2, 32), hello_retry_magic, 32) == 0)
    {
      ctx->hello_retry = TRUE;
      iot_tree_append_label (pkt, node, " (HelloRetryRequest magic)");
    }
  else if (!ctx->tls13)
    {
      /* Before TLS 1.3 the first four bytes were meant to be a clock. */
      iot_tree_add_time (pkt, node, &ctx->f[TF_RANDOM_TIME], buf, 2, 4,
                         (gint64) iot_buf_u32 (buf, 2) * G_GINT64_CONSTANT (1000000000));
      ADD (node, TF_RANDOM_BYTES, 6, 28);
    }
  sid_len = add_ret (pkt, ctx, tree, TF_SESSION_ID_LEN, buf, 34, 1);
  if (sid_len > 0)
    ADD (tree, TF_SESSION_ID, 35, sid_len);
  return 35 + sid_len;
}

static void
dissect_client_hello (IotPacket *pkt, TlsHsCtx *ctx, int tree, IotBuf *buf)
{
  Ja3 ja3 = { g_string_new (NULL), g_string_new (NULL), g_string_new (NULL), g_string_new (NULL) };
  guint p = dissect_hello_start (pkt, ctx, tree, buf, 1), n;
  guint16 version = iot_buf_u16 (buf, 0);
  int list;

  if (ctx->dtls)
    {
      guint64 v = 0;

      iot_tree_add_item_ret_uint (pkt, tree, ctx->cookie_len_field, buf, p, 1, FALSE, &v);
      n = (guint) v;
      if (n > 0)
        iot_tree_add_item (pkt, tree, ctx->cookie_field, buf, p + 1, n, FALSE);
      p += 1 + n;
    }
  n = add_ret (pkt, ctx, tree, TF_CIPHER_SUITES_LEN, buf, p, 2);
  list = ADD_LIST (tree, TF_CIPHER_SUITES, p + 2, n);
  iot_tree_set_label (pkt, list, "Cipher Suites (%u suite%s)", n / 2, n / 2 == 1 ? "" : "s");
  for (guint q = p + 2; q + 2 <= p + 2 + n; q += 2)
    {
      guint s = add_ret (pkt, ctx, list, TF_CIPHER_SUITE, buf, q, 2);

      if (!is_grease (s))
        append_list (ja3.ciphers, s);
      if (s >> 8 == 0x13 && ctx->n_offered13 < G_N_ELEMENTS (ctx->offered13))
        ctx->offered13[ctx->n_offered13++] = s;
    }
  p += 2 + n;
  n = add_ret (pkt, ctx, tree, TF_COMP_METHODS_LEN, buf, p, 1);
  list = ADD_LIST (tree, TF_COMP_METHODS, p + 1, n);
  iot_tree_set_label (pkt, list, "Compression Methods (%u method%s)", n, n == 1 ? "" : "s");
  for (guint q = p + 1; q < p + 1 + n; q++)
    ADD (list, TF_COMP_METHOD, q, 1);
  p += 1 + n;
  dissect_extensions (pkt, ctx, tree, buf, p, 1, &ja3);
  {
    g_autofree char *full = g_strdup_printf ("%u,%s,%s,%s,%s", version, ja3.ciphers->str, ja3.exts->str,
                                             ja3.groups->str, ja3.formats->str);

    add_fingerprint (pkt, ctx, tree, TF_JA3_FULL, TF_JA3, full);
  }
  g_string_free (ja3.ciphers, TRUE);
  g_string_free (ja3.exts, TRUE);
  g_string_free (ja3.groups, TRUE);
  g_string_free (ja3.formats, TRUE);
}

static void
dissect_server_hello (IotPacket *pkt, TlsHsCtx *ctx, int tree, IotBuf *buf)
{
  Ja3 ja3 = { NULL, g_string_new (NULL), NULL, NULL };
  guint16 version = iot_buf_u16 (buf, 0);
  guint p = dissect_hello_start (pkt, ctx, tree, buf, 2);

  ctx->negotiated = version;
  ctx->chosen_cipher = add_ret (pkt, ctx, tree, TF_CIPHER_SUITE, buf, p, 2);
  if (ctx->tap != NULL)
    {
      ctx->tap->cipher = ctx->chosen_cipher;
      ctx->tap->has_cipher = TRUE;
    }
  ADD (tree, TF_COMP_METHOD, p + 2, 1);
  /* JA3S lists only the extension types. */
  dissect_extensions (pkt, ctx, tree, buf, p + 3, 2, &ja3);
  {
    g_autofree char *full = g_strdup_printf ("%u,%u,%s", version, ctx->chosen_cipher, ja3.exts->str);

    add_fingerprint (pkt, ctx, tree, TF_JA3S_FULL, TF_JA3S, full);
  }
  g_string_free (ja3.exts, TRUE);
}

/* ---- other plaintext messages --------------------------------------------------- */

static void
dissect_certificates (IotPacket *pkt, TlsHsCtx *ctx, int tree, IotBuf *buf)
{
  /* TLS 1.3 puts a request context first and extensions after each certificate. */
  guint start = ctx->tls13 ? 1 + iot_buf_u8 (buf, 0) : 0;
  guint total = add_ret (pkt, ctx, tree, TF_CERTS_LEN, buf, start, 3), p;
  int list = ADD_LIST (tree, TF_CERTS, start + 3, total);

  iot_tree_set_label (pkt, list, "Certificates (%u bytes)", total);
  for (p = start + 3; p + 3 <= start + 3 + total;)
    {
      guint len = add_ret (pkt, ctx, list, TF_CERT_LEN, buf, p, 3);
      int cert = ADD (list, TF_CERT, p + 3, len);
      const char *subject;

      subject = iot_x509_dissect_certificate (pkt, cert, buf, p + 3, len);
      if (subject)
        iot_tree_append_label (pkt, cert, " (%s)", subject);
      p += 3 + len;
      if (ctx->tls13)
        {
          dissect_extensions (pkt, ctx, list, buf, p, 11, NULL);
          p += 2 + iot_buf_u16 (buf, p);
        }
    }
}

static gboolean uses_signature_scheme (const TlsHsCtx *ctx);

/* TLS 1.3 Certificate Verify (and TLS 1.2's, which has the same layout
 * since signature schemes): the scheme, then the signature. */
static void
dissect_certificate_verify (IotPacket *pkt, TlsHsCtx *ctx, int tree, IotBuf *buf)
{
  int alg;
  guint len;

  if (!uses_signature_scheme (ctx))
    return;
  alg = ADD (tree, TF_SIG_ALG, 0, 2);
  ADD (alg, TF_SIG_HASH, 0, 1);
  ADD (alg, TF_SIG_SIG, 1, 1);
  len = add_ret (pkt, ctx, tree, TF_CV_SIG_LEN, buf, 2, 2);
  ADD (tree, TF_CV_SIG, 4, len);
}

static gboolean
uses_signature_scheme (const TlsHsCtx *ctx)
{
  /* TLS 1.2 and DTLS 1.2 name the signature algorithm before the signature. */
  return ctx->dtls ? ctx->negotiated != 0xfeff && ctx->negotiated != 0x0100
                   : ctx->negotiated >= 0x0303;
}

static void
dissect_server_key_exchange (IotPacket *pkt, TlsHsCtx *ctx, int tree, IotBuf *buf)
{
  guint n, p;
  int params, alg;

  if (!suite_is_ecdhe_signed (ctx->cipher) || iot_buf_u8 (buf, 0) != 3)
    return;
  params = iot_tree_add_text (pkt, tree, buf, 0, buf->length, "EC Diffie-Hellman Server Params");
  ADD (params, TF_CURVE_TYPE, 0, 1);
  ADD (params, TF_NAMED_CURVE, 1, 2);
  n = add_ret (pkt, ctx, params, TF_SERVER_POINT_LEN, buf, 3, 1);
  ADD (params, TF_SERVER_POINT, 4, n);
  p = 4 + n;
  if (uses_signature_scheme (ctx))
    {
      alg = ADD (params, TF_SIG_ALG, p, 2);
      ADD (alg, TF_SIG_HASH, p, 1);
      ADD (alg, TF_SIG_SIG, p + 1, 1);
      p += 2;
    }
  n = add_ret (pkt, ctx, params, TF_KX_SIG_LEN, buf, p, 2);
  ADD (params, TF_KX_SIG, p + 2, n);
}

static void
dissect_client_key_exchange (IotPacket *pkt, TlsHsCtx *ctx, int tree, IotBuf *buf)
{
  guint n;
  int params;

  if (!suite_is_ecdhe_signed (ctx->cipher))
    return;
  params = iot_tree_add_text (pkt, tree, buf, 0, buf->length, "EC Diffie-Hellman Client Params");
  n = add_ret (pkt, ctx, params, TF_CLIENT_POINT_LEN, buf, 0, 1);
  ADD (params, TF_CLIENT_POINT, 1, n);
}

/* Readable only when the record carrying it is not encrypted (NULL cipher). */
static void
dissect_finished (IotPacket *pkt, TlsHsCtx *ctx, int tree, IotBuf *buf)
{
  if (ctx->negotiated == 0x0300)
    return;   /* SSL 3.0 sends two hashes instead */
  ADD (tree, TF_VERIFY_DATA, 0, buf->length);
}

static void
dissect_new_session_ticket (IotPacket *pkt, TlsHsCtx *ctx, int tree, IotBuf *buf)
{
  guint n;

  ADD (tree, TF_TICKET_LIFETIME, 0, 4);
  if (ctx->tls13)
    {
      /* Seen once decrypted: age add, nonce, ticket, extensions. */
      guint nonce = iot_buf_u8 (buf, 8);

      n = add_ret (pkt, ctx, tree, TF_TICKET_LEN, buf, 9 + nonce, 2);
      ADD (tree, TF_TICKET, 11 + nonce, n);
      dissect_extensions (pkt, ctx, tree, buf, 11 + nonce + n, 4, NULL);
      return;
    }
  n = add_ret (pkt, ctx, tree, TF_TICKET_LEN, buf, 4, 2);
  ADD (tree, TF_TICKET, 6, n);
}

void
tls_dissect_handshake_body (IotPacket *pkt, TlsHsCtx *ctx, int tree, IotBuf *body, guint type)
{
  switch (type)
    {
    case 1:
      dissect_client_hello (pkt, ctx, tree, body);
      break;
    case 2:
      dissect_server_hello (pkt, ctx, tree, body);
      break;
    case 4:
      dissect_new_session_ticket (pkt, ctx, tree, body);
      break;
    case 8:   /* Encrypted Extensions: seen once decrypted */
      dissect_extensions (pkt, ctx, tree, body, 0, 8, NULL);
      break;
    case 11:
      dissect_certificates (pkt, ctx, tree, body);
      break;
    case 15:
      dissect_certificate_verify (pkt, ctx, tree, body);
      break;
    case 12:
      dissect_server_key_exchange (pkt, ctx, tree, body);
      break;
    case 16:
      dissect_client_key_exchange (pkt, ctx, tree, body);
      break;
    case 20:
      dissect_finished (pkt, ctx, tree, body);
      break;
    default:
      break;
    }
}

const char *
tls_handshake_name (guint type, const TlsHsCtx *ctx)
{
  const char *name;

  if (type == 2 && ctx->hello_retry)
    return "Hello Retry Request";
  name = iot_value_name (tls_handshake_type_names, type);
  return name ? name : "Unknown Handshake Message";
}

#undef ADD
#undef ADD_LIST

/* ---- per-capture state ------------------------------------------------------------ */

typedef struct {
  guint16  version;       /* negotiated (or first seen) version, 0 = unknown */
  guint16  cipher;        /* suite the server chose */
  gboolean ccs[2];        /* first pass: Change Cipher Spec seen, per direction */
  /* First pass, for decryption. */
  guint8   random[2][32];         /* client's, server's */
  guint8   have_random;           /* bit 0: client's, bit 1: server's */
  guint8   client_dir;            /* direction of the Client Hello + 1; 0 = not seen */
  const TlsAlpnProto *alpn;       /* the protocol the server selected by ALPN, if we know it */
  guint32  heur_start;            /* found on a port of its own: from this frame on; 0 = not */
  /* TLS 1.3 0-RTT: the client's early data keys, from its Client Hello
   * until its End of Early Data. */
  guint16  offered13[8];
  guint    n_offered13;
  gboolean early_data;            /* the Client Hello announced early data */
  TlsDecoder *early;              /* keys found by the first early record that decrypted */
  gboolean early_done;            /* End of Early Data seen, or the early keys did not fit */
  gboolean encrypt_then_mac;
  TlsDecoder *dec[2];             /* per direction, once its keys are known */
  const char *no_keys[2];         /* why a direction has no keys */
  IotSecretKind kind[2];          /* which secret gave a direction its keys */
  gboolean reported[2];           /* the first failure or missing key was recorded */
  gboolean announced[2];          /* the first decrypted record said which secret opened it */
  /* TLS 1.2 with a plain PSK key exchange: the master secret from the PSK. */
  GByteArray *transcript;         /* handshake messages up to the Client Key Exchange, for RFC 7627 */
  gboolean    extended_master_secret;
  gboolean    have_psk_master;
  guint8      psk_master[48];
  const char *no_psk_master;      /* why the PSK gave no master secret */
  GByteArray *pending[2];         /* application data an inner protocol wants more of */
  GPtrArray  *waiting[2];         /* the TlsPlain records that data came from */
} TlsConv;

/* What the first pass found for one protected record. */
enum {
  PLAIN_OK,
  PLAIN_BAD_MAC,
  PLAIN_NO_KEYS,
};

typedef struct {
  guint8      status;
  guint8      inner_type;     /* the real content type (TLS 1.3 hides it) */
  gboolean    first;          /* the first record of its direction that failed */
  gboolean    announce;       /* the first record of its direction that was decrypted */
  IotSecretKind kind;         /* PLAIN_OK: the secret that decrypted it */
  const char *reason;         /* PLAIN_NO_KEYS: why */
  guint32     len;            /* of data: the carried-in start of a message, then this record's plaintext */
  guint32     carried;        /* bytes at the start of data that earlier records carried */
  guint32     hand_len;       /* bytes handed to the inner protocol; the rest waits for the next record */
  gboolean    continued;      /* a later record carried this one's waiting bytes on */
  guint8      data[];
} TlsPlain;

typedef struct {
  GHashTable *convs;      /* IotConvKey → TlsConv */
  GHashTable *facts;      /* frame number → CCS-seen flag + 1, at the frame's start */
  GHashTable *plain;      /* record key (frame, bytes) → TlsPlain */
} TlsState;

static void
tls_conv_free (gpointer p)
{
  TlsConv *conv = p;

  g_free (conv->dec[0]);
  g_free (conv->dec[1]);
  g_free (conv->early);
  if (conv->transcript)
    g_byte_array_unref (conv->transcript);
  for (guint i = 0; i < 2; i++)
    {
      if (conv->pending[i])
        g_byte_array_unref (conv->pending[i]);
      if (conv->waiting[i])
        g_ptr_array_unref (conv->waiting[i]);
    }
  g_free (conv);
}

static gpointer
tls_state_new (void)
{
  TlsState *st = g_new0 (TlsState, 1);

  st->convs = g_hash_table_new_full (iot_conv_key_hash, iot_conv_key_equal, g_free, tls_conv_free);
  st->facts = g_hash_table_new (g_direct_hash, g_direct_equal);
  st->plain = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  return st;
}

static void
tls_state_free (gpointer p)
{
  TlsState *st = p;

  g_hash_table_unref (st->convs);
  g_hash_table_unref (st->facts);
  g_hash_table_unref (st->plain);
  g_free (st);
}

/* The conversation of this packet and the direction (0 or 1) it travels in. */
static TlsConv *
find_conv (IotPacket *pkt, TlsState *st, guint *dir)
{
  IotConvKey key;
  TlsConv *conv;

  *dir = iot_conv_key_from_packet (&key, pkt);
  conv = g_hash_table_lookup (st->convs, &key);
  if (conv == NULL && !iot_packet_first_pass (pkt))
    {
      /* Only the first pass adds conversations (the second may run on
       * several threads); a stray packet gets a blank one of its own. */
      conv = iot_packet_alloc (pkt, sizeof *conv);
      memset (conv, 0, sizeof *conv);
      return conv;
    }
  if (conv == NULL)
    {
      conv = g_new0 (TlsConv, 1);
      g_hash_table_insert (st->convs, g_memdup2 (&key, sizeof key), conv);
    }
  return conv;
}

/* ---- the record layer ---------------------------------------------------------------- */

typedef struct {
  IotPacket  *pkt;
  TlsState   *st;
  TlsConv    *conv;
  guint       dir;
  gboolean    first_pass;
  gboolean    ccs;          /* this direction already switched to encryption */
  gboolean    plain;        /* the record being read is protected by a NULL cipher */
  const char *app_proto;
  int         parent;       /* where the layers carried in the records go */
  gboolean    handed_off;   /* an application protocol took a record's plaintext */
  TlsPlain   *decrypted;    /* the record's decrypted plaintext, if it has one */
} RecordCtx;

static gboolean
is_tls_version (guint16 v)
{
  return v >= 0x0300 && v <= 0x0304;
}

/* Handshake records before the Change Cipher Spec are plaintext; after it
 * (before TLS 1.3) they are the encrypted Finished message.  A first
 * message header that does not fit the record is also taken as encrypted. */
static gboolean
handshake_is_encrypted (const RecordCtx *rc, IotBuf *body)
{
  guint8 type;
  guint32 len;

  if (rc->ccs && rc->conv->version != 0x0304 && !rc->plain)
    return TRUE;
  if (!iot_buf_has (body, 0, 4))
    return FALSE;
  type = iot_buf_u8 (body, 0);
  len = iot_buf_u24 (body, 1);
  return iot_value_name (tls_handshake_type_names, type) == NULL || len + 4 > body->reported;
}

/* ---- decryption ------------------------------------------------------------------ */

/* Keys for direction @dir from the secrets store: the handshake or the
 * application traffic secret (TLS 1.3), the master secret (TLS 1.2).
 * NULL when the direction can now be decrypted, else why not. */
static const char *
start_decoder (TlsConv *conv, guint dir, gboolean application)
{
  IotSecrets *secrets = iot_secrets_default ();
  const TlsSuiteInfo *suite = tls_suite_info (conv->cipher);
  gboolean client = conv->client_dir == dir + 1;
  g_autofree TlsDecoder *dec = g_new0 (TlsDecoder, 1);
  guint8 secret[64];
  gsize len;

  if (conv->client_dir == 0 || (conv->have_random & 3) != 3)
    return "the handshake was not captured";
  if (suite == NULL)
    return "unsupported cipher suite";
  if (conv->version == 0x0304)
    {
      IotKeylogLabel label = application
        ? (client ? IOT_KEYLOG_CLIENT_TRAFFIC_SECRET_0 : IOT_KEYLOG_SERVER_TRAFFIC_SECRET_0)
        : (client ? IOT_KEYLOG_CLIENT_HANDSHAKE_TRAFFIC_SECRET : IOT_KEYLOG_SERVER_HANDSHAKE_TRAFFIC_SECRET);

      len = iot_secrets_lookup_keylog (secrets, label, conv->random[0], secret, sizeof secret);
      if (len == 0)
        return "no key log entry for this client random";
      if (!tls_decoder_init_tls13 (dec, suite, FALSE, secret, len))
        return "unsupported cipher suite";
      conv->kind[dir] = iot_secrets_keylog_is_embedded (secrets, conv->random[0])
                        ? IOT_SECRET_EMBEDDED_TLS13 : IOT_SECRET_KEYLOG_TLS13;
    }
  else if (conv->version != 0x0303)
    return "unsupported version (only TLS 1.2 and 1.3 are decrypted)";
  else
    {
      IotSecretKind kind = iot_secrets_keylog_is_embedded (secrets, conv->random[0])
                           ? IOT_SECRET_EMBEDDED_MASTER : IOT_SECRET_KEYLOG_MASTER;

      len = iot_secrets_lookup_keylog (secrets, IOT_KEYLOG_CLIENT_RANDOM, conv->random[0], secret, sizeof secret);
      if (len != 48 && conv->have_psk_master)
        {
          memcpy (secret, conv->psk_master, 48);
          len = 48;
          kind = IOT_SECRET_PSK;
        }
      if (len != 48)
        return conv->no_psk_master ? conv->no_psk_master : "no key log entry for this client random";
      if (!tls_decoder_init_tls12 (dec, suite, FALSE, conv->encrypt_then_mac, secret,
                                   conv->random[0], conv->random[1], client))
        return "unsupported cipher suite";
      conv->kind[dir] = kind;
    }
  g_free (conv->dec[dir]);
  conv->dec[dir] = g_steal_pointer (&dec);
  conv->no_keys[dir] = NULL;
  return NULL;
}

static void
start_or_explain (TlsConv *conv, guint dir, gboolean application)
{
  const char *why = start_decoder (conv, dir, application);

  if (why != NULL)
    {
      g_clear_pointer (&conv->dec[dir], g_free);
      conv->no_keys[dir] = why;
    }
}

/* First pass: the randoms of both hellos; in TLS 1.3 the handshake is
 * encrypted right after the Server Hello, so both directions get keys. */
static void
remember_hello (RecordCtx *rc, guint type, const TlsHsCtx *ctx)
{
  TlsConv *conv = rc->conv;

  if (type == 1)
    {
      memcpy (conv->random[0], ctx->random, 32);
      conv->have_random |= 1;
      conv->client_dir = rc->dir + 1;
      conv->early_data = ctx->early_data;
      memcpy (conv->offered13, ctx->offered13, sizeof conv->offered13);
      conv->n_offered13 = ctx->n_offered13;
      return;
    }
  memcpy (conv->random[1], ctx->random, 32);
  conv->have_random |= 2;
  conv->encrypt_then_mac = ctx->encrypt_then_mac;
  conv->extended_master_secret = ctx->extended_master_secret;
  if (conv->version == 0x0304 && !iot_secrets_is_empty (iot_secrets_default ()))
    {
      start_or_explain (conv, 0, FALSE);
      start_or_explain (conv, 1, FALSE);
    }
}

/* The handshake transcript grows only until the Client Key Exchange,
 * and never beyond this (a PSK handshake is small). */
#define TRANSCRIPT_MAX (256 * 1024)

/* First pass, TLS 1.2: one plaintext handshake message (type, length and
 * body) for the session hash of the extended master secret. */
static void
add_to_transcript (TlsConv *conv, IotBuf *body, guint off, guint32 len)
{
  if (conv->version == 0x0304 || conv->have_psk_master || conv->no_psk_master != NULL
      || !iot_buf_has (body, off, 4 + len) || iot_secrets_is_empty (iot_secrets_default ()))
    return;
  if (conv->transcript == NULL)
    conv->transcript = g_byte_array_new ();
  if (conv->transcript->len + 4 + len > TRANSCRIPT_MAX)
    return;
  g_byte_array_append (conv->transcript, iot_buf_ptr (body, off, 4 + len), 4 + len);
}

/* First pass, at a TLS 1.2 Client Key Exchange of a plain PSK suite: the
 * master secret from the PSK the client's identity names (RFC 4279 2). */
static const char *
derive_psk_master (TlsConv *conv, IotBuf *msg)
{
  IotSecrets *secrets = iot_secrets_default ();
  const TlsSuiteInfo *suite = tls_suite_info (conv->cipher);
  guint8 psk[64];
  gsize psk_len, id_len;

  if ((conv->have_random & 3) != 3)
    return "the handshake was not captured";
  if (suite == NULL)
    return "unsupported cipher suite";
  if (!suite->plain_psk)
    return tls_suite_is_dh_psk (conv->cipher) ? "ECDHE-PSK needs a key log, not just the PSK"
                                              : "no key log entry for this client random";
  if (!iot_buf_has (msg, 0, 2) || !iot_buf_has (msg, 2, iot_buf_u16 (msg, 0)))
    return "the handshake was not captured";
  id_len = iot_buf_u16 (msg, 0);
  psk_len = iot_secrets_lookup_psk (secrets, iot_buf_ptr (msg, 2, id_len), id_len, psk, sizeof psk);
  if (psk_len == 0)
    return "no pre-shared key for this identity";
  if (!tls12_psk_master_secret (suite, psk, psk_len, conv->random[0], conv->random[1],
                                conv->transcript ? conv->transcript->data : NULL,
                                conv->transcript ? conv->transcript->len : 0,
                                conv->extended_master_secret, conv->psk_master))
    return "unsupported cipher suite";
  return NULL;
}

static void
follow_client_key_exchange (TlsConv *conv, IotBuf *msg)
{
  if (conv->version == 0x0304 || iot_secrets_is_empty (iot_secrets_default ()))
    return;
  conv->no_psk_master = derive_psk_master (conv, msg);
  conv->have_psk_master = conv->no_psk_master == NULL;
  g_clear_pointer (&conv->transcript, g_byte_array_unref);
}

/* A record is looked up by frame and a hash of its bytes: TCP may hand
 * us several buffers in one frame, and the second pass must find each
 * record's plaintext again without counting. */
static gint64
record_key (IotPacket *pkt, const guint8 *data, guint len)
{
  guint32 h = 2166136261u;

  for (guint i = 0; i < len; i++)
    h = (h ^ data[i]) * 16777619u;
  return (gint64) ((guint64) iot_packet_frame_number (pkt) << 32 | h);
}

/* TLS 1.3: a decrypted Finished ends this direction's handshake keys,
 * a KeyUpdate moves it to the next traffic secret. */
static void
follow_key_schedule (TlsConv *conv, guint dir, const guint8 *msg, gsize len)
{
  gsize off = 0;

  while (off + 4 <= len)
    {
      guint8 type = msg[off];
      gsize mlen = (gsize) msg[off + 1] << 16 | msg[off + 2] << 8 | msg[off + 3];

      if (type == 20)
        start_or_explain (conv, dir, TRUE);
      else if (type == 24 && conv->dec[dir] != NULL)
        tls_decoder_key_update (conv->dec[dir]);
      off += 4 + mlen;
    }
}

/* Whether this record may be 0-RTT data: sent by a client that announced
 * early data, before it ended it. */
static gboolean
record_may_be_early (const RecordCtx *rc, guint8 type)
{
  const TlsConv *conv = rc->conv;

  return type == 23 && conv->early_data && !conv->early_done && conv->client_dir == rc->dir + 1;
}

/* Whether the record at @off is protected by this direction's keys. */
static gboolean
record_is_protected (const RecordCtx *rc, guint8 type)
{
  if (record_may_be_early (rc, type))
    return TRUE;
  if (rc->conv->version == 0x0304)
    return type == 23 && (rc->conv->have_random & 2);
  return rc->ccs && type >= 21 && type <= 23;
}

/* 0-RTT data is protected with the suite of the resumed session, which
 * the Client Hello does not name: each TLS 1.3 suite it offers whose hash
 * fits the logged secret is tried on the first early record, and the one
 * whose tag verifies is kept (RFC 8446 4.2.10, 7.1). */
static TlsDecryptResult
decrypt_early (TlsConv *conv, guint8 type, guint16 version, const guint8 *in, gsize len,
               guint8 *out, gsize *out_len, guint8 *inner)
{
  guint8 secret[64];
  gsize secret_len;

  if (conv->early != NULL)
    return tls_decoder_decrypt (conv->early, type, version, NULL, in, len, out, out_len, inner);
  secret_len = iot_secrets_lookup_keylog (iot_secrets_default (), IOT_KEYLOG_CLIENT_EARLY_TRAFFIC_SECRET,
                                          conv->random[0], secret, sizeof secret);
  for (guint i = 0; secret_len > 0 && i < conv->n_offered13; i++)
    {
      const TlsSuiteInfo *suite = tls_suite_info (conv->offered13[i]);
      g_autofree TlsDecoder *dec = g_new0 (TlsDecoder, 1);

      if (suite == NULL || (gsize) gcry_md_get_algo_dlen (suite->prf_md) != secret_len
          || !tls_decoder_init_tls13 (dec, suite, FALSE, secret, secret_len)
          || tls_decoder_decrypt (dec, type, version, NULL, in, len, out, out_len, inner) != TLS_DECRYPT_OK)
        continue;
      conv->early = g_steal_pointer (&dec);
      conv->kind[conv->client_dir - 1] = iot_secrets_keylog_is_embedded (iot_secrets_default (), conv->random[0])
                                         ? IOT_SECRET_EMBEDDED_TLS13 : IOT_SECRET_KEYLOG_TLS13;
      return TLS_DECRYPT_OK;
    }
  return TLS_DECRYPT_BAD_MAC;
}

/* The client's record while 0-RTT may still run: early data (until its End
 * of Early Data), else — the server refused it, or it is over — what the
 * handshake keys make of it. */
static TlsDecryptResult
decrypt_client_early_phase (TlsConv *conv, guint dir, guint8 type, guint16 version, const guint8 *in, gsize len,
                            guint8 *out, gsize *out_len, guint8 *inner)
{
  TlsDecryptResult r = decrypt_early (conv, type, version, in, len, out, out_len, inner);

  if (r == TLS_DECRYPT_OK)
    {
      /* End of Early Data: the handshake keys take over. */
      if (*inner == 22 && *out_len >= 4 && out[0] == 5)
        conv->early_done = TRUE;
      return r;
    }
  if (conv->dec[dir] == NULL)
    return r;
  r = tls_decoder_decrypt (conv->dec[dir], type, version, NULL, in, len, out, out_len, inner);
  if (r == TLS_DECRYPT_OK)
    conv->early_done = TRUE;
  return r;
}

/* First pass: decrypts the record and keeps its plaintext; afterwards:
 * finds it again.  NULL for records that are not protected (or when no
 * secrets were given at all). */
static const TlsPlain *
record_plaintext (RecordCtx *rc, IotBuf *buf, guint off, guint8 type, guint16 version, guint len)
{
  TlsConv *conv = rc->conv;
  const guint8 *data;
  TlsPlain *plain;
  gint64 key;
  gsize out_len = 0;
  guint8 inner = type;
  int r;

  if (!iot_buf_has (buf, off + 5, len))
    return NULL;
  /* Without secrets (the common case) no record is even hashed. */
  if (rc->first_pass ? iot_secrets_is_empty (iot_secrets_default ()) : g_hash_table_size (rc->st->plain) == 0)
    return NULL;
  data = iot_buf_ptr (buf, off + 5, len);
  key = record_key (rc->pkt, data, len);
  plain = g_hash_table_lookup (rc->st->plain, &key);
  if (plain != NULL || !rc->first_pass)
    return plain;
  if (!record_is_protected (rc, type))
    return NULL;
  if (conv->dec[rc->dir] == NULL && conv->no_keys[rc->dir] == NULL && conv->version != 0x0304
      && !record_may_be_early (rc, type))
    start_or_explain (conv, rc->dir, FALSE);
  if (conv->dec[rc->dir] == NULL && !record_may_be_early (rc, type))
    {
      if (conv->reported[rc->dir])
        return NULL;
      conv->reported[rc->dir] = TRUE;
      plain = g_malloc0 (sizeof *plain);
      plain->status = PLAIN_NO_KEYS;
      plain->reason = conv->no_keys[rc->dir] ? conv->no_keys[rc->dir] : "the handshake was not captured";
    }
  else
    {
      GByteArray *pending = conv->pending[rc->dir];
      guint carried = pending ? pending->len : 0;

      plain = g_malloc0 (sizeof *plain + carried + len);
      if (record_may_be_early (rc, type))
        r = decrypt_client_early_phase (conv, rc->dir, type, version, data, len, plain->data + carried,
                                        &out_len, &inner);
      else
        r = tls_decoder_decrypt (conv->dec[rc->dir], type, version, NULL, data, len,
                                 plain->data + carried, &out_len, &inner);
      /* Only application data continues what earlier records began: any
       * other record's plaintext starts at the beginning. */
      if (r == TLS_DECRYPT_OK && inner != 23 && carried > 0)
        memmove (plain->data, plain->data + carried, out_len);
      plain->status = r == TLS_DECRYPT_OK ? PLAIN_OK : PLAIN_BAD_MAC;
      plain->inner_type = inner;
      plain->len = r == TLS_DECRYPT_OK ? out_len : 0;
      /* Application data continues the message the records before began. */
      if (r == TLS_DECRYPT_OK && inner == 23 && carried > 0)
        {
          memcpy (plain->data, pending->data, carried);
          plain->carried = carried;
          plain->len += carried;
          g_byte_array_set_size (pending, 0);
          for (guint i = 0; i < conv->waiting[rc->dir]->len; i++)
            ((TlsPlain *) g_ptr_array_index (conv->waiting[rc->dir], i))->continued = TRUE;
          g_ptr_array_set_size (conv->waiting[rc->dir], 0);
        }
      plain->hand_len = plain->len;
      if (r != TLS_DECRYPT_OK && !conv->reported[rc->dir])
        plain->first = conv->reported[rc->dir] = TRUE;
      if (r == TLS_DECRYPT_OK && !conv->announced[rc->dir])
        {
          plain->announce = conv->announced[rc->dir] = TRUE;
          plain->kind = conv->kind[rc->dir];
        }
      if (r == TLS_DECRYPT_OK && conv->version == 0x0304 && inner == 22)
        follow_key_schedule (conv, rc->dir, plain->data, out_len);
    }
  g_hash_table_insert (rc->st->plain, g_memdup2 (&key, sizeof key), plain);
  return plain;
}

/* Shows the outcome of a record's decryption; TRUE with @out set to the
 * plaintext source when there is one. */
static gboolean
decrypted_plaintext (RecordCtx *rc, int rec, IotBuf *buf, guint off, guint8 *type, guint len, IotBuf *out)
{
  TlsPlain *plain = (TlsPlain *) record_plaintext (rc, buf, off, *type, iot_buf_u16 (buf, off + 1), len);

  rc->decrypted = NULL;
  if (plain == NULL)
    return FALSE;
  switch (plain->status)
    {
    case PLAIN_OK:
      *out = iot_packet_add_source (rc->pkt, plain->carried ? "Reassembled TLS" : "Decrypted TLS",
                                    plain->data, plain->len);
      *type = plain->inner_type;
      rc->decrypted = plain;
      if (plain->announce)
        tls_add_decryption_note (rc->pkt, rec, &tls_fields[TF_DECRYPTION_SECRET], iot_secret_kind_name (plain->kind));
      return TRUE;
    case PLAIN_BAD_MAC:
      if (plain->first)
        {
          iot_expert_add_info (rc->pkt, rec, &tls_experts[E_BAD_MAC], "Decryption failed (bad record MAC)");
          tls_add_decryption_note (rc->pkt, rec, &tls_fields[TF_DECRYPTION_FAILURE],
                                   "decryption failed (bad record MAC)");
        }
      return FALSE;
    default:
      iot_expert_add_info (rc->pkt, rec, &tls_experts[E_NOT_DECRYPTED], "Not decrypted: %s", plain->reason);
      tls_add_decryption_note (rc->pkt, rec, &tls_fields[TF_DECRYPTION_FAILURE], plain->reason);
      return FALSE;
    }
}

/* One whole handshake message in the clear for the TLS tap, for TLS and
 * DTLS alike; a DTLS Hello Verify Request's server_version is its version
 * too, as dtls.handshake.version shows it. */
void
tls_publish_handshake (IotPacket *pkt, const TlsHsCtx *ctx, const IotBuf *msg, guint8 type, gboolean dtls)
{
  IotTapTls *record = ctx->tap;

  if (record == NULL)
    return;
  if ((type == 1 || type == 2 || (dtls && type == 3)) && iot_buf_has (msg, 0, 2))
    record->handshake_version = iot_buf_u16 (msg, 0);
  record->sni = ctx->sni;
  record->supported_version = ctx->newest_supported;
  if (type == 2)
    {
      record->cipher = ctx->chosen_cipher;
      record->supported_version = ctx->negotiated;
    }
}

/* Queues the TLS tap record of a handshake message whose type was just
 * read (its row added): a message cut short still says what it is. */
void
tls_open_handshake (IotPacket *pkt, TlsHsCtx *ctx, guint8 type)
{
  IotTapTls record = { .content_type = 22, .handshake_type = type, .dtls = ctx->dtls,
                       .in_error = iot_packet_in_error (pkt) };

  ctx->tap = iot_tap_queue_open (pkt, IOT_TAP_TLS, &record);
}

/* An alert in the clear for the TLS tap. */
void
tls_publish_alert (IotPacket *pkt, gboolean dtls, const IotBuf *body)
{
  IotTapTls record = { .content_type = 21, .dtls = dtls, .in_error = iot_packet_in_error (pkt) };

  /* Published before the rows, so that one cut after its level still
   * counts, as its level row does. */
  if (!iot_buf_has (body, 0, 1))
    return;
  record.alert_level = iot_buf_u8 (body, 0);
  if (iot_buf_has (body, 1, 1))
    record.alert_description = iot_buf_u8 (body, 1);
  iot_tap_queue (pkt, IOT_TAP_TLS, &record);
}

static void
dissect_handshake_record (RecordCtx *rc, int rec, IotBuf *body, GString *what)
{
  IotPacket *pkt = rc->pkt;
  TlsHsCtx ctx = { 0 };
  guint off = 0;

  ctx.f = tls_fields;
  ctx.tls13 = rc->conv->version == 0x0304;
  ctx.cipher = rc->conv->cipher;
  ctx.negotiated = rc->conv->version;
  /* Like tshark, an encrypted or Server Hello record cut short by the
   * capture shows only its header. */
  if (!iot_buf_has (body, 0, body->reported)
      && (handshake_is_encrypted (rc, body) || !iot_buf_has (body, 0, 1) || iot_buf_u8 (body, 0) == 2))
    iot_buf_check (body, 0, body->reported);
  if (handshake_is_encrypted (rc, body))
    {
      int node = iot_tree_add_item (pkt, rec, &tls_fields[TF_HS], body, 0, body->length, FALSE);

      iot_tree_set_label (pkt, node, "Handshake Protocol: Encrypted Handshake Message");
      iot_col_append_sep_info (pkt, ", ", "Encrypted Handshake Message");
      g_string_assign (what, "Encrypted Handshake Message");
      return;
    }
  while (off + 4 <= body->reported)
    {
      int hs = iot_tree_add_item (pkt, rec, &tls_fields[TF_HS], body, off,
                                  iot_buf_remaining (body, off), FALSE);
      guint8 type = iot_buf_u8 (body, off);
      guint32 len = iot_buf_u24 (body, off + 1);
      IotBuf msg;

      iot_tree_set_length (pkt, hs, MIN (4 + len, iot_buf_remaining (body, off)));

      ctx.hello_retry = FALSE;
      iot_tree_add_item (pkt, hs, &tls_fields[TF_HS_TYPE], body, off, 1, FALSE);
      tls_open_handshake (pkt, &ctx, type);
      iot_tree_add_item (pkt, hs, &tls_fields[TF_HS_LENGTH], body, off + 1, 3, FALSE);
      if (len > body->reported - off - 4)
        {
          /* The message continues in a later record; not reassembled. */
          if (ctx.tap != NULL)
            ctx.tap->fragment = TRUE;
          iot_tree_set_label (pkt, hs, "Handshake Protocol: %s (fragment)", tls_handshake_name (type, &ctx));
          iot_col_append_sep_info (pkt, ", ", "%s", tls_handshake_name (type, &ctx));
          g_string_assign (what, tls_handshake_name (type, &ctx));
          return;
        }
      msg = iot_buf_sub (body, off + 4, (gint) len);
      /* As in tshark, a session ticket cut short by the capture is not read. */
      if (type == 4)
        iot_buf_check (&msg, 0, len);
      /* Name the message before reading it, so a cut-short body still shows up. */
      iot_tree_set_label (pkt, hs, "Handshake Protocol: %s", tls_handshake_name (type, &ctx));
      g_string_assign (what, what->len ? "Multiple Handshake Messages" : tls_handshake_name (type, &ctx));
      if (type == 2 && iot_buf_has (&msg, 2, 32)
          && memcmp (iot_buf_ptr (&msg, 2, 32), hello_retry_magic, 32) == 0)
        ctx.hello_retry = TRUE;
      iot_col_append_sep_info (pkt, ", ", "%s", tls_handshake_name (type, &ctx));
      if (ctx.hello_retry)
        iot_tree_set_label (pkt, hs, "Handshake Protocol: Hello Retry Request");
      ctx.sni = NULL;
      ctx.newest_supported = 0;
      tls_dissect_handshake_body (pkt, &ctx, hs, &msg, type);
      tls_publish_handshake (pkt, &ctx, &msg, type, FALSE);
      if (type == 2 && rc->first_pass)
        {
          if (ctx.negotiated)
            rc->conv->version = ctx.negotiated;
          rc->conv->cipher = ctx.chosen_cipher;
        }
      if (rc->first_pass && (type == 1 || type == 2) && ctx.has_random && !ctx.hello_retry)
        remember_hello (rc, type, &ctx);
      if (rc->first_pass && (type == 2 || type == 8) && ctx.alpn != NULL)
        rc->conv->alpn = tls_alpn_proto (ctx.alpn, ctx.alpn_len);
      if (rc->first_pass && type != 0)
        add_to_transcript (rc->conv, body, off, len);
      if (rc->first_pass && type == 16)
        follow_client_key_exchange (rc->conv, &msg);
      off += 4 + len;
    }
}

static void
dissect_alert_record (RecordCtx *rc, int rec, IotBuf *body, GString *what)
{
  IotPacket *pkt = rc->pkt;
  int node = iot_tree_add_item (pkt, rec, &tls_fields[TF_ALERT], body, 0, body->length, FALSE);
  guint64 level = 0, desc = 0;

  if (body->reported != 2 || (rc->ccs && rc->conv->version != 0x0304 && !rc->plain))
    {
      iot_tree_set_label (pkt, node, "Alert Message: Encrypted Alert");
      iot_col_append_sep_info (pkt, ", ", "Encrypted Alert");
      g_string_assign (what, "Encrypted Alert");
      return;
    }
  tls_publish_alert (pkt, FALSE, body);
  iot_tree_add_item_ret_uint (pkt, node, &tls_fields[TF_ALERT_LEVEL], body, 0, 1, FALSE, &level);
  iot_tree_add_item_ret_uint (pkt, node, &tls_fields[TF_ALERT_DESC], body, 1, 1, FALSE, &desc);
  {
    const char *l = iot_value_name (tls_alert_level_names, level);
    const char *d = iot_value_name (tls_alert_desc_names, desc);

    g_string_printf (what, "Alert (Level: %s, Description: %s)", l ? l : "Unknown", d ? d : "Unknown");
    iot_col_append_sep_info (pkt, ", ", "%s", what->str);
  }
}

/* The plaintext of a record protected by a NULL cipher: the record body
 * without the MAC at its end, as a data source of its own (as a decrypted
 * record would be).  FALSE when the record is encrypted, too short for its
 * MAC, or not wholly captured. */
static gboolean
null_cipher_plaintext (RecordCtx *rc, IotBuf *buf, guint off, guint8 type, guint len, IotBuf *plain)
{
  guint mac = tls_null_cipher_mac_len (rc->conv->cipher);

  if (!rc->ccs || mac == 0 || rc->conv->version == 0x0304 || len < mac
      || type < 21 || type > 23 || !iot_buf_has (buf, off + 5, len - mac))
    return FALSE;
  *plain = iot_packet_add_source (rc->pkt, "Decrypted TLS", iot_buf_ptr (buf, off + 5, len - mac), len - mac);
  return TRUE;
}

/* Hands readable application data to the protocol of the well-known port.
 * Records are not joined: a message split across records shows its start. */
static void
hand_off_plaintext (RecordCtx *rc, IotBuf *plain)
{
  IotPacket *pkt = rc->pkt;
  TlsPlain *decrypted = rc->decrypted;
  guint16 sport = 0, dport = 0;
  const IotDissector *next;
  IotBuf view = *plain;
  guint at, needed;

  /* Of decrypted data, only what the first pass found complete; the
   * rest is handed on with the next record of this direction. */
  if (decrypted != NULL)
    view = iot_buf_sub (plain, 0, decrypted->hand_len);
  if (view.length == 0)
    return;
  iot_packet_get_ports (pkt, &sport, &dport);
  next = app_dissector_for_port (MIN (sport, dport));
  if (next == NULL)
    next = app_dissector_for_port (MAX (sport, dport));
  /* The port says nothing: what the server agreed to by ALPN. */
  if (next == NULL && rc->conv->alpn != NULL)
    next = rc->conv->alpn->dissector;
  /* CoAP over TLS has the framing of RFC 8323, not that of datagrams. */
  if (next == &iot_dissector_coap)
    iot_call_dissector_with_data (pkt, next, &view, rc->parent, IOT_COAP_RELIABLE);
  else if (next != NULL)
    iot_call_dissector (pkt, next, &view, rc->parent);
  else
    iot_call_data (pkt, &view, rc->parent);
  /* A request for more bytes refers to the plaintext, not to the TCP
   * stream: TCP must not act on it. */
  if (iot_packet_take_request (pkt, &at, &needed))
    {
      iot_packet_set_layer_value (pkt, &iot_dissector_tls, 1);
      if (decrypted != NULL && rc->first_pass && at < decrypted->hand_len)
        {
          GByteArray **pending = &rc->conv->pending[rc->dir];

          if (*pending == NULL)
            {
              *pending = g_byte_array_new ();
              rc->conv->waiting[rc->dir] = g_ptr_array_new ();
            }
          g_ptr_array_add (rc->conv->waiting[rc->dir], decrypted);
          g_byte_array_append (*pending, decrypted->data + at, decrypted->len - at);
          decrypted->hand_len = at;
        }
    }
  rc->handed_off = decrypted == NULL || decrypted->hand_len > 0;
  /* A message rebuilt from several records says so, after its layers. */
  if (decrypted != NULL && decrypted->carried > 0 && decrypted->hand_len > 0)
    {
      int node = iot_tree_add_item (pkt, -1, &tls_fields[F_SEGMENTS], plain, 0, decrypted->hand_len, FALSE);

      iot_tree_set_label (pkt, node, "[Reassembled TLS segments (%u bytes)]", decrypted->hand_len);
    }
}

/* The decrypted record for Follow TLS: application data brings the
 * plaintext tls.decrypted_app_data shows. */
static void
tls_publish_data (RecordCtx *rc, guint8 type, const IotBuf *plain)
{
  IotTapTlsData record = { type, rc->conv->client_dir == 0 ? 2 : rc->conv->client_dir == rc->dir + 1 };

  if (!iot_tap_wanted (rc->pkt, IOT_TAP_TLS_DATA) || iot_packet_in_error (rc->pkt))
    return;
  if (type == 23 && rc->decrypted != NULL)
    {
      record.data = plain->data + rc->decrypted->carried;
      record.length = rc->decrypted->len - rc->decrypted->carried;
    }
  iot_tap_queue (rc->pkt, IOT_TAP_TLS_DATA, &record);
}

/* One record at @off (header complete and the record wholly reported). */
static void
dissect_record (RecordCtx *rc, int tree, IotBuf *buf, guint off)
{
  IotPacket *pkt = rc->pkt;
  guint8 type = iot_buf_u8 (buf, off);
  guint16 version = iot_buf_u16 (buf, off + 1), len = iot_buf_u16 (buf, off + 3);
  const char *vname = tls_version_short_name (rc->conv->version ? rc->conv->version : version);
  const char *tname = iot_value_name (tls_content_type_names, type);
  g_autoptr (GString) what = g_string_new (NULL);
  int rec;
  IotBuf body, plain;
  gboolean decrypted = FALSE;

  /* Rows that span more than was captured are cut to what is there. */
  rec = iot_tree_add_item (pkt, tree, &tls_fields[TF_RECORD], buf, off,
                           MIN (5u + len, iot_buf_remaining (buf, off)), FALSE);
  iot_tree_set_label (pkt, rec, "%s Record Layer: %s Protocol", vname ? vname : "TLS",
                      tname ? tname : "Unknown");
  if (type == 23 && rc->conv->version == 0x0304)
    iot_tree_add_item (pkt, rec, &tls_fields[F_OPAQUE_TYPE], buf, off, 1, FALSE);
  else
    iot_tree_add_item (pkt, rec, &tls_fields[TF_CONTENT_TYPE], buf, off, 1, FALSE);
  iot_tree_add_item (pkt, rec, &tls_fields[TF_VERSION], buf, off + 1, 2, FALSE);
  iot_tree_add_item (pkt, rec, &tls_fields[TF_LENGTH], buf, off + 3, 2, FALSE);

  /* A version seen on the wire stands in until a Server Hello names one;
   * a Client Hello's record version is only a compatibility value. */
  if (rc->first_pass && rc->conv->version == 0 && is_tls_version (version)
      && !(type == 22 && iot_buf_has (buf, off + 5, 1) && iot_buf_u8 (buf, off + 5) == 1))
    rc->conv->version = version;

  body = iot_buf_sub (buf, off + 5, len);
  rc->plain = null_cipher_plaintext (rc, buf, off, type, len, &plain);
  if (!rc->plain && type != 20)
    {
      guint8 inner = type;

      rc->plain = decrypted_plaintext (rc, rec, buf, off, &inner, len, &plain);
      decrypted = rc->plain;
      if (rc->plain)
        {
          int node = iot_tree_add_uint (pkt, rec, &tls_fields[F_DECRYPTED_RECORD], NULL, 0, 0, inner);

          iot_tree_set_hidden (pkt, node);
        }
      if (rc->plain && rc->conv->version == 0x0304)
        {
          /* The real type, found inside the encryption. */
          int node = iot_tree_add_uint (pkt, rec, &tls_fields[TF_CONTENT_TYPE], NULL, 0, 0, inner);

          iot_tree_set_generated (pkt, node);
          type = inner;
          tname = iot_value_name (tls_content_type_names, type);
          iot_tree_set_label (pkt, rec, "%s Record Layer: %s Protocol", vname ? vname : "TLS",
                              tname ? tname : "Unknown");
        }
    }
  if (decrypted)
    tls_publish_data (rc, type, &plain);
  switch (type)
    {
    case 20:
      iot_tree_add_item (pkt, rec, &tls_fields[TF_CCS], &body, 0, body.length, FALSE);
      iot_col_append_sep_info (pkt, ", ", "Change Cipher Spec");
      g_string_assign (what, "Change Cipher Spec");
      rc->ccs = TRUE;
      if (rc->first_pass)
        rc->conv->ccs[rc->dir] = TRUE;
      break;
    case 21:
      dissect_alert_record (rc, rec, rc->plain ? &plain : &body, what);
      break;
    case 22:
      dissect_handshake_record (rc, rec, rc->plain ? &plain : &body, what);
      break;
    case 23:
      {
        int node = iot_tree_add_item (pkt, rec, &tls_fields[TF_APP_DATA], &body, 0, body.reported, FALSE);

        (void) node;
        if (rc->app_proto)
          {
            node = iot_tree_add_string (pkt, rec, &tls_fields[TF_APP_DATA_PROTO], NULL, 0, 0, rc->app_proto, -1);
            iot_tree_set_generated (pkt, node);
          }
        if (rc->decrypted != NULL)
          {
            guint carried = rc->decrypted->carried;
            int hidden = iot_tree_add_item (pkt, rec, &tls_fields[F_DECRYPTED_APP_DATA], &plain, carried,
                                            rc->decrypted->len - carried, FALSE);

            iot_tree_set_hidden (pkt, hidden);
          }
        /* Decrypted data that waits for the next record names nothing yet. */
        if (rc->decrypted == NULL || rc->decrypted->hand_len > 0)
          iot_col_append_sep_info (pkt, ", ", "Application Data");
        else if (rc->decrypted->continued)
          iot_col_append_sep_info (pkt, ", ", "[TLS segment of a reassembled PDU]");
        g_string_assign (what, rc->app_proto ? rc->app_proto : "Application Data");
        if (rc->plain)
          hand_off_plaintext (rc, &plain);
      }
      break;
    case 24:
      iot_col_append_sep_info (pkt, ", ", "%s", rc->ccs ? "Encrypted Heartbeat" : "Heartbeat Request");
      break;
    default:
      iot_col_append_sep_info (pkt, ", ", "Ignored Unknown Record");
      break;
    }
  /* An alert record is named by the alert alone, as tshark does. */
  if (type == 21 && what->len)
    iot_tree_set_label (pkt, rec, "%s Record Layer: %s", vname ? vname : "TLS", what->str);
  else if (what->len)
    iot_tree_append_label (pkt, rec, ": %s", what->str);
}

/* A record header: a known content type and an SSL 3/TLS version. */
static gboolean
looks_like_record (IotBuf *buf, guint off)
{
  guint8 type = iot_buf_u8 (buf, off);

  return type >= 20 && type <= 25 && iot_buf_u8 (buf, off + 1) == 3 && iot_buf_u8 (buf, off + 2) <= 4;
}

static int
dissect_tls (IotPacket *pkt, IotBuf *buf, int parent)
{
  TlsState *st = iot_packet_state (pkt, &iot_dissector_tls);
  guint32 frame = iot_packet_frame_number (pkt);
  RecordCtx rc = { 0 };
  guint16 sport = 0, dport = 0;
  guint off = 0, records = 0;
  guint16 first_version = 0;
  int tree = -1;

  rc.pkt = pkt;
  rc.st = st;
  rc.parent = parent;
  rc.first_pass = iot_packet_first_pass (pkt) && !iot_packet_in_error (pkt);
  rc.conv = find_conv (pkt, st, &rc.dir);
  iot_packet_get_ports (pkt, &sport, &dport);
  rc.app_proto = tls_app_proto_name (FALSE, sport, dport);
  if (rc.app_proto == NULL && rc.conv->alpn != NULL)
    rc.app_proto = rc.conv->alpn->proto_name;
  if (rc.first_pass && !g_hash_table_contains (st->facts, GUINT_TO_POINTER (frame)))
    g_hash_table_insert (st->facts, GUINT_TO_POINTER (frame),
                         GUINT_TO_POINTER ((guint) rc.conv->ccs[rc.dir] + 1));
  rc.ccs = GPOINTER_TO_UINT (g_hash_table_lookup (st->facts, GUINT_TO_POINTER (frame))) == 2;

  while (off < buf->reported)
    {
      guint left = buf->reported - off, len;

      if (left < 5)
        {
          if (iot_buf_has (buf, off, left) && !looks_like_record (buf, off) && left >= 3)
            break;
          iot_packet_request_more (pkt, buf, off, 5 - left);
          break;
        }
      if (!looks_like_record (buf, off))
        {
          if (records == 0)
            return off;    /* not TLS at all: let the caller show the bytes */
          break;
        }
      len = iot_buf_u16 (buf, off + 3);
      if (left < 5 + len)
        {
          iot_packet_request_more (pkt, buf, off, 5 + len - left);
          break;
        }
      if (records == 0)
        {
          tree = iot_tree_add_protocol (pkt, parent, &tls_fields[TF_PROTO], buf, 0, -1);
          tls_publish_note (pkt, FALSE, IOT_TAP_TLS_NOTE_LAYER, NULL);
          /* TCP may call us twice in one frame (a reassembled record, then
           * the rest of the segment): both add to one Info text. */
          if (iot_packet_layer_value (pkt, &iot_dissector_tls) == 0)
            iot_col_clear_info (pkt);
          iot_packet_set_layer_value (pkt, &iot_dissector_tls, 1);
          first_version = iot_buf_u16 (buf, off + 1);
          iot_col_set_protocol (pkt, "TLS");
        }
      records++;
      dissect_record (&rc, tree, buf, off);
      off += 5 + len;
      /* The protocol found in a NULL-cipher record keeps the column. */
      if (!rc.handed_off)
        {
          const char *v = tls_version_short_name (rc.conv->version ? rc.conv->version : first_version);

          iot_col_set_protocol (pkt, v ? v : "TLS");
        }
    }
  if (records > 0)
    iot_tree_set_length (pkt, tree, off);
  return off;
}

/* TLS on a port no table names: a conversation that opens with a Client
 * or Server Hello record is TLS from there on (tshark's heuristic does the
 * same), so ALPN can then tell what it carries. */
static gboolean
heuristic_tls (IotPacket *pkt, IotBuf *buf)
{
  TlsState *st = iot_packet_state (pkt, &iot_dissector_tls);
  guint32 frame = iot_packet_frame_number (pkt);
  IotConvKey key;
  TlsConv *conv;
  guint dir;

  iot_conv_key_from_packet (&key, pkt);
  conv = g_hash_table_lookup (st->convs, &key);
  if (conv != NULL && conv->heur_start != 0 && conv->heur_start <= frame)
    return TRUE;
  if (!iot_buf_has (buf, 0, 6) || iot_buf_u8 (buf, 0) != 22 || !looks_like_record (buf, 0)
      || (iot_buf_u8 (buf, 5) != 1 && iot_buf_u8 (buf, 5) != 2))
    return FALSE;
  if (iot_packet_first_pass (pkt) && !iot_packet_in_error (pkt))
    {
      conv = find_conv (pkt, st, &dir);
      if (conv->heur_start == 0)
        conv->heur_start = frame;
    }
  return TRUE;
}

IotDissector iot_dissector_tls = {
  .name = "TLS",
  .abbrev = "tls",
  .long_name = "Transport Layer Security",
  .fields = tls_fields,
  .n_fields = N_FIELDS,
  .experts = tls_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_tls,
  .handoff = { { "tcp.port", 443 }, { "tcp.port", 8883 }, { "tcp.port", 853 }, { "tcp.port", 993 },
               { "tcp.port", 995 }, { "tcp.port", 465 }, { "tcp.port", 636 }, { "tcp.port", 5061 } },
  .heuristic_table = "tcp",
  .heuristic = heuristic_tls,
  .state_new = tls_state_new,
  .state_free = tls_state_free,
};

/* ---- the TLS note tap ------------------------------------------------------------ */

void
tls_publish_note (IotPacket *pkt, gboolean dtls, IotTapTlsNoteKind kind, const char *text)
{
  IotTapTlsNote note = { (guint8) kind, dtls, NULL };

  if (!iot_tap_wanted (pkt, IOT_TAP_TLS_NOTE))
    return;
  if (text != NULL)
    note.text = iot_packet_strndup (pkt, text, strlen (text));
  iot_tap_queue (pkt, IOT_TAP_TLS_NOTE, &note);
}
