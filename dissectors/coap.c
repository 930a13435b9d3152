/* coap.c — Constrained Application Protocol over UDP (RFC 7252), with
 * Observe (RFC 7641), block-wise transfers (RFC 7959) and the OSCORE
 * option header (RFC 8613).
 *
 * CoAP is HTTP's little sibling for sensors: a 4-byte header, a token that
 * ties responses to requests, a list of numbered options (the URI, the
 * content type …) and a payload.  UDP port 5683; 5684 is CoAP over DTLS,
 * which is encrypted and left to the DTLS layer.
 *
 * Request/response matching follows tshark: messages are grouped per UDP
 * conversation by token, and a request and its response share the message
 * ID (piggybacked in the ACK, or a separate response reusing it).  Blocks of
 * a block-wise transfer are collected per address pair and the whole body is
 * shown in the frame that completes it. */
#include "iot-dissector.h"
#include "coap.h"

#include <string.h>

enum {
  F_PROTO,
  F_VERSION,
  F_TYPE,
  F_TOKEN_LEN,
  F_CODE,
  F_MID,
  F_TOKEN,
  F_OPT_NAME,
  F_OPT_DESC,
  F_OPT_DELTA,
  F_OPT_DELTA_EXT,
  F_OPT_LENGTH,
  F_OPT_LENGTH_EXT,
  F_OPT_END_MARKER,
  F_OPT_IF_MATCH,
  F_OPT_URI_HOST,
  F_OPT_ETAG,
  F_OPT_OBSERVE,
  F_OPT_URI_PORT,
  F_OPT_LOCATION_PATH,
  F_OPT_OSC_RESERVED,
  F_OPT_OSC_KID_CTX_PRESENT,
  F_OPT_OSC_KID_PRESENT,
  F_OPT_OSC_PIV_LEN,
  F_OPT_OSC_PIV,
  F_OPT_OSC_KID_CTX_LEN,
  F_OPT_OSC_KID_CTX,
  F_OPT_OSC_KID,
  F_OPT_URI_PATH,
  F_OPT_CTYPE,
  F_OPT_MAX_AGE,
  F_OPT_URI_QUERY,
  F_OPT_HOP_LIMIT,
  F_OPT_ACCEPT,
  F_OPT_LOCATION_QUERY,
  F_OPT_BLOCK_NUMBER,
  F_OPT_BLOCK_MFLAG,
  F_OPT_BLOCK_SIZE,
  F_OPT_PROXY_URI,
  F_OPT_PROXY_SCHEME,
  F_OPT_SIZE1,
  F_OPT_UNKNOWN,
  F_OPT_URI_PATH_RECON,
  F_PAYLOAD,
  F_PAYLOAD_DESC,
  F_PAYLOAD_LENGTH,
  F_BLOCK_PAYLOAD,
  F_BLOCK_LENGTH,
  F_BLOCKS,
  F_BLOCK,
  F_BLOCK_COUNT,
  F_BLOCK_REASSEMBLED_IN,
  F_BLOCK_REASSEMBLED_LENGTH,
  F_RESPONSE_IN,
  F_RESPONSE_TO,
  F_RESPONSE_TIME,
  F_REQUEST_FIRST_IN,
  F_RESPONSE_FIRST_IN,
  F_LENGTH,
  N_FIELDS
};

/* Option numbers (IANA "CoAP Option Numbers" registry). */
enum {
  OPT_IF_MATCH = 1,
  OPT_URI_HOST = 3,
  OPT_ETAG = 4,
  OPT_IF_NONE_MATCH = 5,
  OPT_OBSERVE = 6,
  OPT_URI_PORT = 7,
  OPT_LOCATION_PATH = 8,
  OPT_OSCORE = 9,
  OPT_URI_PATH = 11,
  OPT_CONTENT_FORMAT = 12,
  OPT_MAX_AGE = 14,
  OPT_URI_QUERY = 15,
  OPT_HOP_LIMIT = 16,
  OPT_ACCEPT = 17,
  OPT_LOCATION_QUERY = 20,
  OPT_BLOCK2 = 23,
  OPT_BLOCK1 = 27,
  OPT_SIZE2 = 28,
  OPT_PROXY_URI = 35,
  OPT_PROXY_SCHEME = 39,
  OPT_SIZE1 = 60,
};

/* Messages over TCP/TLS have no type: not one of the four. */
#define TYPE_NONE 4
#define TYPE_CON 0
#define TYPE_NON 1
#define TYPE_ACK 2
#define TYPE_RST 3

#define CF_TEXT_PLAIN   0
#define CF_OCTET_STREAM 42

/* tshark builds the payload summary in an 80-byte buffer. */
#define PAYLOAD_SUMMARY_MAX 79

static const IotValueName type_names[] = {
  { TYPE_CON, "Confirmable" },
  { TYPE_NON, "Non-Confirmable" },
  { TYPE_ACK, "Acknowledgement" },
  { TYPE_RST, "Reset" },
  IOT_VALUE_NAMES_END
};

static const IotValueName type_short_names[] = {
  { TYPE_CON, "CON" },
  { TYPE_NON, "NON" },
  { TYPE_ACK, "ACK" },
  { TYPE_RST, "RST" },
  IOT_VALUE_NAMES_END
};

/* Method and response codes, written class.detail as in the RFCs. */
static const IotValueName code_names[] = {
  { 0, "Empty Message" },
  { 1, "GET" },
  { 2, "POST" },
  { 3, "PUT" },
  { 4, "DELETE" },
  { 5, "FETCH" },
  { 6, "PATCH" },
  { 7, "iPATCH" },
  { 65, "2.01 Created" },
  { 66, "2.02 Deleted" },
  { 67, "2.03 Valid" },
  { 68, "2.04 Changed" },
  { 69, "2.05 Content" },
  { 95, "2.31 Continue" },
  { 128, "4.00 Bad Request" },
  { 129, "4.01 Unauthorized" },
  { 130, "4.02 Bad Option" },
  { 131, "4.03 Forbidden" },
  { 132, "4.04 Not Found" },
  { 133, "4.05 Method Not Allowed" },
  { 134, "4.06 Not Acceptable" },
  { 136, "4.08 Request Entity Incomplete" },
  { 137, "4.09 Conflict" },
  { 140, "4.12 Precondition Failed" },
  { 141, "4.13 Request Entity Too Large" },
  { 143, "4.15 Unsupported Content-Format" },
  { 150, "4.22 Unprocessable Entity" },
  { 157, "4.29 Too Many Requests" },
  { 160, "5.00 Internal Server Error" },
  { 161, "5.01 Not Implemented" },
  { 162, "5.02 Bad Gateway" },
  { 163, "5.03 Service Unavailable" },
  { 164, "5.04 Gateway Timeout" },
  { 165, "5.05 Proxying Not Supported" },
  { 168, "5.08 Hop Limit Reached" },
  { 225, "7.01 CSM" },
  { 226, "7.02 Ping" },
  { 227, "7.03 Pong" },
  { 228, "7.04 Release" },
  { 229, "7.05 Abort" },
  IOT_VALUE_NAMES_END
};

/* Content-Format numbers (IANA "CoAP Content-Formats" registry). */
static const IotValueName content_format_names[] = {
  { 0, "text/plain; charset=utf-8" },
  { 40, "application/link-format" },
  { 41, "application/xml" },
  { 42, "application/octet-stream" },
  { 47, "application/exi" },
  { 50, "application/json" },
  { 51, "application/json-patch+json" },
  { 52, "application/merge-patch+json" },
  { 60, "application/cbor" },
  { 61, "application/cwt" },
  { 62, "application/multipart-core" },
  { 96, "application/cose; cose-type=\"cose-encrypt\"" },
  { 97, "application/cose; cose-type=\"cose-mac\"" },
  { 98, "application/cose; cose-type=\"cose-sign\"" },
  { 101, "application/cose-key" },
  { 102, "application/cose-key-set" },
  { 110, "application/senml+json" },
  { 111, "application/sensml+json" },
  { 112, "application/senml+cbor" },
  { 113, "application/sensml+cbor" },
  { 114, "application/senml-exi" },
  { 115, "application/sensml-exi" },
  { 256, "application/coap-group+json" },
  { 271, "application/dots+cbor" },
  { 272, "application/missing-blocks+cbor-seq" },
  { 280, "application/pkcs7-mime; smime-type=server-generated-key" },
  { 281, "application/pkcs7-mime; smime-type=certs-only" },
  { 284, "application/pkcs8" },
  { 285, "application/csrattrs" },
  { 286, "application/pkcs10" },
  { 287, "application/pkix-cert" },
  { 310, "application/senml+xml" },
  { 311, "application/sensml+xml" },
  { 320, "application/senml-etch+json" },
  { 322, "application/senml-etch+cbor" },
  { 432, "application/td+json" },
  { 1542, "application/vnd.oma.lwm2m+tlv" },
  { 1543, "application/vnd.oma.lwm2m+json" },
  { 10000, "application/vnd.ocf+cbor" },
  { 10001, "application/oscore" },
  { 11542, "application/vnd.oma.lwm2m+tlv" },
  { 11543, "application/vnd.oma.lwm2m+json" },
  IOT_VALUE_NAMES_END
};

enum {
  E_OSCORE_BAD,
  E_OPTION_LENGTH_BAD,
  E_UNKNOWN_OPTION,
  E_INVALID_OPTION,
  E_INVALID_RANGE,
  E_RETRANSMITTED,
  N_EXPERTS
};

static IotExpertInfo coap_experts[N_EXPERTS] = {
  [E_OSCORE_BAD] = IOT_EXPERT_INFO ("coap.option_oscore_bad", IOT_SEV_WARN, IOT_GROUP_MALFORMED, "Invalid OSCORE Option Format",
                              "The OSCORE option's first byte announces a format this version of OSCORE (RFC 8613) does not define."),
  [E_OPTION_LENGTH_BAD] = IOT_EXPERT_INFO ("coap.option_length_bad", IOT_SEV_WARN, IOT_GROUP_MALFORMED, "Option length bad",
                              "An option's delta or length nibble is 15 outside the end-of-options marker, or the option runs past the end of the message."),
  [E_UNKNOWN_OPTION] = IOT_EXPERT_INFO ("coap.unknown_option_number", IOT_SEV_WARN, IOT_GROUP_UNDECODED, "Unknown Option Number",
                              "An option number that no CoAP specification known here defines; an elective (even) one may be ignored, a critical (odd) one must be rejected by the receiver."),
  [E_INVALID_OPTION] = IOT_EXPERT_INFO ("coap.invalid_option_number", IOT_SEV_WARN, IOT_GROUP_MALFORMED, "Invalid Option Number",
                              "An option number from a range that must not be used."),
  [E_INVALID_RANGE] = IOT_EXPERT_INFO ("coap.invalid_option_range", IOT_SEV_WARN, IOT_GROUP_MALFORMED, "Invalid Option Range",
                              "The option's value is shorter or longer than its definition allows."),
  [E_RETRANSMITTED] = IOT_EXPERT_INFO ("coap.retransmitted", IOT_SEV_NOTE, IOT_GROUP_SEQUENCE, "Retransmitted",
                              "The same message (same message ID from the same endpoint) was seen before: the sender resent it because no acknowledgement reached it in time."),
};

static IotField coap_fields[N_FIELDS] = {
  [F_LENGTH] = { "coap.length", "Length", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Over TCP or TLS (RFC 8323), where no datagram ends the message: its length in bytes, header included." },
  [F_PROTO] = { "coap", "Constrained Application Protocol", IOT_FT_PROTOCOL, .blurb =
    "CoAP: a compact web protocol for small devices, with GET/PUT/POST/DELETE like HTTP but over UDP." },
  [F_VERSION] = { "coap.version", "Version", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0xc0,
    "CoAP version; always 1 today." },
  [F_TYPE] = { "coap.type", "Type", IOT_FT_UINT8, IOT_BASE_DEC, type_names, 0x30,
    "Confirmable (must be acknowledged, resent if not), Non-confirmable, Acknowledgement or Reset." },
  [F_TOKEN_LEN] = { "coap.token_len", "Token Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0x0f,
    "How many token bytes follow the header (0 to 8)." },
  [F_CODE] = { "coap.code", "Code", IOT_FT_UINT8, IOT_BASE_DEC, code_names, 0,
    "The method of a request (1 GET, 2 POST, 3 PUT, 4 DELETE) or the class.detail result of a response (2.05 Content, 4.04 Not Found …)." },
  [F_MID] = { "coap.mid", "Message ID", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Number the sender picks per message so duplicates can be spotted and acknowledgements paired with what they acknowledge." },
  [F_TOKEN] = { "coap.token", "Token", IOT_FT_BYTES, .blurb =
    "Bytes the client chooses for a request; every response to it (even much later) carries the same token." },
  [F_OPT_NAME] = { "coap.opt.name", "Opt Name", IOT_FT_STRING, .blurb =
    "Position and name of one option of the message." },
  [F_OPT_DESC] = { "coap.opt.desc", "Opt Desc", IOT_FT_STRING, .blurb =
    "What the option number says about how to treat an option a receiver does not know: critical or elective, safe or unsafe for proxies to forward." },
  [F_OPT_DELTA] = { "coap.opt.delta", "Opt Delta", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0xf0,
    "Option numbers are sent as the difference to the previous option; 13 and 14 mean an extended difference follows." },
  [F_OPT_DELTA_EXT] = { "coap.opt.delta_ext", "Opt Delta extended", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Extra byte(s) of a large option number difference (add 13, or 269 for two bytes)." },
  [F_OPT_LENGTH] = { "coap.opt.length", "Opt Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0x0f,
    "Length of the option value; 13 and 14 mean an extended length follows." },
  [F_OPT_LENGTH_EXT] = { "coap.opt.length_ext", "Opt Length extended", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Extra byte(s) of a long option value's length (add 13, or 269 for two bytes)." },
  [F_OPT_END_MARKER] = { "coap.opt.end_marker", "End of options marker", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "The byte 0xff that separates the options from the payload." },
  [F_OPT_IF_MATCH] = { "coap.opt.if_match", "If-Match", IOT_FT_BYTES, .blurb =
    "Only act if the resource's current ETag is this one (avoids overwriting someone else's change)." },
  [F_OPT_URI_HOST] = { "coap.opt.uri_host", "Uri-Host", IOT_FT_STRING, .blurb =
    "Host name part of the requested URI, when it is not simply the server's IP address." },
  [F_OPT_ETAG] = { "coap.opt.etag", "Etag", IOT_FT_BYTES, .blurb =
    "Short tag identifying one version of a resource's representation, for caching and validation." },
  [F_OPT_OBSERVE] = { "coap.opt.observe", "Observe", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "In a request: 0 subscribes to changes of the resource, 1 unsubscribes. In a notification: a sequence number for ordering." },
  [F_OPT_URI_PORT] = { "coap.opt.uri_port", "Uri-Port", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Port part of the requested URI, when it differs from the UDP port used." },
  [F_OPT_LOCATION_PATH] = { "coap.opt.location_path", "Location-Path", IOT_FT_STRING, .blurb =
    "One path segment of where a newly created resource can be found." },
  [F_OPT_OSC_RESERVED] = { "coap.opt.object_security_reserved", "Reserved", IOT_FT_BOOLEAN, IOT_BASE_NONE,
    NULL, 0xe0, "Reserved bits of the OSCORE option; must be zero.", "True", "False", 8 },
  [F_OPT_OSC_KID_CTX_PRESENT] = { "coap.opt.object_security_kid_context_present", "Key ID Context Present",
    IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x10,
    "Set when the OSCORE option carries a key ID context.", "True", "False", 8 },
  [F_OPT_OSC_KID_PRESENT] = { "coap.opt.object_security_kid_present", "Key ID Present", IOT_FT_BOOLEAN,
    IOT_BASE_NONE, NULL, 0x08, "Set when the OSCORE option carries the sender's key ID.", "True", "False", 8 },
  [F_OPT_OSC_PIV_LEN] = { "coap.opt.object_security_piv_len", "Partial IV Length", IOT_FT_UINT8, IOT_BASE_DEC,
    NULL, 0x07, "How many bytes of partial IV (the sender's sequence number) follow." },
  [F_OPT_OSC_PIV] = { "coap.opt.object_security_piv", "Partial IV", IOT_FT_BYTES, .blurb =
    "The sender's message sequence number, used to build the nonce of the OSCORE encryption." },
  [F_OPT_OSC_KID_CTX_LEN] = { "coap.opt.object_security_kid_context_len", "Key ID Context Length",
    IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0, "Length of the key ID context that follows." },
  [F_OPT_OSC_KID_CTX] = { "coap.opt.object_security_kid_context", "Key ID Context", IOT_FT_BYTES, .blurb =
    "Identifies the security context the key ID belongs to." },
  [F_OPT_OSC_KID] = { "coap.opt.object_security_kid", "Key ID", IOT_FT_BYTES, .blurb =
    "Identifies the sender's OSCORE key." },
  [F_OPT_URI_PATH] = { "coap.opt.uri_path", "Uri-Path", IOT_FT_STRING, .blurb =
    "One segment of the requested path (\"/sensors/temp\" is sent as two options)." },
  [F_OPT_CTYPE] = { "coap.opt.ctype", "Content-type", IOT_FT_STRING, .blurb =
    "Format of the payload (Content-Format option), e.g. text/plain or application/json." },
  [F_OPT_MAX_AGE] = { "coap.opt.max_age", "Max-age", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Seconds a response may be cached before it is considered stale (60 if absent)." },
  [F_OPT_URI_QUERY] = { "coap.opt.uri_query", "Uri-Query", IOT_FT_STRING, .blurb =
    "One argument of the query string of the requested URI (the part after ?)." },
  [F_OPT_HOP_LIMIT] = { "coap.opt.hop_limit", "Hop Limit", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "How many more proxies the request may pass through, to stop forwarding loops." },
  [F_OPT_ACCEPT] = { "coap.opt.accept", "Accept", IOT_FT_STRING, .blurb =
    "The content format the client would like the response in." },
  [F_OPT_LOCATION_QUERY] = { "coap.opt.location_query", "Location-Query", IOT_FT_STRING, .blurb =
    "One query argument of where a newly created resource can be found." },
  [F_OPT_BLOCK_NUMBER] = { "coap.opt.block_number", "Block Number", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Which block of a large body this is (0, 1, 2 …) in a block-wise transfer." },
  [F_OPT_BLOCK_MFLAG] = { "coap.opt.block_mflag", "More Flag", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0x08,
    "1 when more blocks follow this one, 0 on the last block." },
  [F_OPT_BLOCK_SIZE] = { "coap.opt.block_size", "Encoded Block Size", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0x07,
    "Block size as a small number n meaning 2^(n+4) bytes: 0 is 16 bytes, 6 is 1024." },
  [F_OPT_PROXY_URI] = { "coap.opt.proxy_uri", "Proxy-Uri", IOT_FT_STRING, .blurb =
    "Complete URI a proxy should fetch on the client's behalf." },
  [F_OPT_PROXY_SCHEME] = { "coap.opt.proxy_scheme", "Proxy-Scheme", IOT_FT_STRING, .blurb =
    "Scheme (coap, http …) a proxy should use to build the URI from the Uri-* options." },
  [F_OPT_SIZE1] = { "coap.opt.size1", "Size1", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Total size in bytes of the body the client is uploading, announced in advance." },
  [F_OPT_UNKNOWN] = { "coap.opt.unknown", "Unknown", IOT_FT_BYTES, .blurb =
    "Value of an option this decoder does not know." },
  [F_OPT_URI_PATH_RECON] = { "coap.opt.uri_path_recon", "Uri-Path", IOT_FT_STRING, .blurb =
    "The request URI put back together from the Uri-Host, Uri-Port and Uri-Path options (for a response: of its request)." },
  [F_PAYLOAD] = { "coap.payload", "Payload", IOT_FT_STRING, .blurb =
    "Summary of the message body: its format and length." },
  [F_PAYLOAD_DESC] = { "coap.payload_desc", "Payload Desc", IOT_FT_STRING, .blurb =
    "Media type of the body, from the Content-Format option or the default when there is none." },
  [F_PAYLOAD_LENGTH] = { "coap.payload_length", "Payload Length", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Size of the body in bytes (of the whole body once all blocks are in)." },
  [F_BLOCK_PAYLOAD] = { "coap.block_payload", "Block Payload", IOT_FT_BYTES, .blurb =
    "The bytes of one block of a body sent in several pieces." },
  [F_BLOCK_LENGTH] = { "coap.block_length", "Block Length", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Size of this block in bytes." },
  [F_BLOCKS] = { "coap.blocks", "Blocks", IOT_FT_NONE, .blurb =
    "The frames whose blocks were joined into the whole body." },
  [F_BLOCK] = { "coap.block", "Block", IOT_FT_FRAMENUM, .blurb =
    "A frame that carried one block of the body." },
  [F_BLOCK_COUNT] = { "coap.block.count", "Block count", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "How many blocks the body was split into." },
  [F_BLOCK_REASSEMBLED_IN] = { "coap.block.reassembled.in", "Reassembled in", IOT_FT_FRAMENUM, .blurb =
    "Frame in which all blocks of this body are present and the body is shown whole." },
  [F_BLOCK_REASSEMBLED_LENGTH] = { "coap.block.reassembled.length", "Reassembled block length",
    IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0, "Size of the joined body in bytes." },
  [F_RESPONSE_IN] = { "coap.response_in", "Response In", IOT_FT_FRAMENUM, .blurb =
    "Frame carrying the response to this request." },
  [F_RESPONSE_TO] = { "coap.response_to", "Request In", IOT_FT_FRAMENUM, .blurb =
    "Frame carrying the request this message answers." },
  [F_RESPONSE_TIME] = { "coap.response_time", "Response Time", IOT_FT_RELATIVE_TIME, .blurb =
    "Time between the request and this response." },
  [F_REQUEST_FIRST_IN] = { "coap.request_first_in", "Retransmission of request in", IOT_FT_FRAMENUM, .blurb =
    "This request is a resend (same message ID) of the one first sent in that frame." },
  [F_RESPONSE_FIRST_IN] = { "coap.response_first_in", "Retransmission of response in", IOT_FT_FRAMENUM,
    .blurb = "This response is a resend (same message ID) of the one first sent in that frame." },
};

/* ---- per-capture state ------------------------------------------------ */

/* Transactions and exchanges are written by the first pass only, one
 * small record each, kept in blocks that never move (so a record found
 * stays where it is while others are added) rather than one allocation
 * and table each. */

/* Everything sent with one token in one conversation.  Its number (what
 * exchanges name it by) is its record's: found with it, not kept in it. */
typedef struct {
  guint32     conv;       /* conversation number */
  guint32     uri;        /* path of the request that opened it: index in uri_list */
  guint8      token_len;
  guint8      token[15];
} CoapTransaction;

G_STATIC_ASSERT (sizeof (CoapTransaction) == 24);

/* One request and its answer, found by message ID within a transaction.
 * The request's time is read back from the frame index when shown. */
typedef struct {
  guint32 trans;          /* CoapTransaction id */
  guint32 req_frame;
  guint32 rsp_frame;
  guint16 mid;
} CoapExchange;

/* Fixed-size records handed out from blocks that are never moved, and
 * found again through an open-addressing table of record numbers (4 bytes
 * a slot, where a hash set of pointers costs 12 and more). */
#define BLOCK_RECORDS 1024

typedef struct {
  GPtrArray *blocks;
  gsize      size;
  guint      used;        /* records used in the newest block */
  guint32    n_records;
  guint32   *slots;       /* record number + 1; 0 = empty */
  guint32    n_slots;     /* a power of two */
  GHashFunc  hash;
  GEqualFunc equal;
} RecordStore;

typedef struct {
  guint32 frame;
  guint32 number;
  guint32 length;
  guint8 *data;
} CoapBlock;

/* Blocks gathered for one address pair until the body is complete. */
typedef struct {
  GPtrArray *blocks;      /* CoapBlock, in arrival order */
  gint64     last;        /* number of the final block, -1 while unknown */
} CoapBlockRun;

/* What the first pass found out about a frame's block. */
typedef struct {
  guint32    reassembled_in;  /* frame that completed the body, 0 = none */
  GPtrArray *parts;           /* completing frame only: CoapBlock in order */
  guint8    *body;
  guint32    body_len;
} CoapBlockResult;

typedef struct {
  GHashTable *convs;          /* IotConvKey -> conversation number + 1 */
  RecordStore transactions;   /* CoapTransaction by (conversation, token) */
  RecordStore exchanges;      /* CoapExchange by (transaction, message ID) */
  GHashTable *uris;           /* the URIs transactions name → index in uri_list + 1 */
  GPtrArray  *uri_list;       /* the same URIs, each once (the table's keys) */
  GHashTable *runs;           /* "src>dst" -> CoapBlockRun */
  GHashTable *results;        /* frame -> CoapBlockResult */
} CoapState;

static RecordStore
record_store_init (gsize size, GHashFunc hash, GEqualFunc equal)
{
  return (RecordStore) { g_ptr_array_new_with_free_func (g_free), size, 0, 0, NULL, 0, hash, equal };
}

static void
record_store_clear (RecordStore *store)
{
  g_ptr_array_unref (store->blocks);
  g_free (store->slots);
}

static gpointer
record_at (const RecordStore *store, guint32 number)
{
  guint8 *block = g_ptr_array_index (store->blocks, number / BLOCK_RECORDS);

  return block + store->size * (number % BLOCK_RECORDS);
}

/* The slot where @record is, or the empty one where it would go. */
static guint32 *
record_slot (const RecordStore *store, gconstpointer record)
{
  guint32 mask = store->n_slots - 1;
  /* The hashes of consecutive transaction numbers and message IDs differ
   * in a few low bits: spread them over the slots before masking, or
   * linear probing walks long runs. */
  guint32 h = store->hash (record) * 0x9e3779b1u;
  guint32 i = (h ^ h >> 16) & mask;

  while (store->slots[i] != 0 && !store->equal (record_at (store, store->slots[i] - 1), record))
    i = (i + 1) & mask;
  return &store->slots[i];
}

/* The number + 1 of the record equal to @probe, or 0. */
static guint32
record_find (const RecordStore *store, gconstpointer probe)
{
  return store->n_records == 0 ? 0 : *record_slot (store, probe);
}

/* The record equal to @probe, or NULL. */
static gpointer
record_lookup (const RecordStore *store, gconstpointer probe)
{
  guint32 found = record_find (store, probe);

  return found != 0 ? record_at (store, found - 1) : NULL;
}

/* Keeps the table at most half full. */
static void
record_slots_grow (RecordStore *store)
{
  if ((store->n_records + 1) * 2 <= store->n_slots)
    return;
  g_free (store->slots);
  store->n_slots = store->n_slots ? store->n_slots * 2 : 64;
  store->slots = g_new0 (guint32, store->n_slots);
  for (guint32 n = 0; n < store->n_records; n++)
    *record_slot (store, record_at (store, n)) = n + 1;
}

/* A copy of @probe (not in the store yet) as a new record: its number is
 * the number of records before it. */
static gpointer
record_add (RecordStore *store, gconstpointer probe)
{
  guint8 *record;

  record_slots_grow (store);
  if (store->blocks->len == 0 || store->used == BLOCK_RECORDS)
    {
      g_ptr_array_add (store->blocks, g_malloc0 (BLOCK_RECORDS * store->size));
      store->used = 0;
    }
  record = (guint8 *) g_ptr_array_index (store->blocks, store->blocks->len - 1) + store->size * store->used++;
  memcpy (record, probe, store->size);
  *record_slot (store, record) = ++store->n_records;
  return record;
}

static guint
transaction_hash (gconstpointer p)
{
  const CoapTransaction *t = p;
  guint h = t->conv * 16777619u ^ t->token_len;

  for (guint i = 0; i < t->token_len; i++)
    h = (h ^ t->token[i]) * 16777619u;
  return h;
}

static gboolean
transaction_equal (gconstpointer a, gconstpointer b)
{
  const CoapTransaction *x = a, *y = b;

  return x->conv == y->conv && x->token_len == y->token_len && memcmp (x->token, y->token, x->token_len) == 0;
}

static guint
exchange_hash (gconstpointer p)
{
  const CoapExchange *e = p;

  return e->trans * 2654435761u ^ e->mid;
}

static gboolean
exchange_equal (gconstpointer a, gconstpointer b)
{
  const CoapExchange *x = a, *y = b;

  return x->trans == y->trans && x->mid == y->mid;
}

static void
block_free (gpointer data)
{
  CoapBlock *block = data;

  g_free (block->data);
  g_free (block);
}

static void
run_free (gpointer data)
{
  CoapBlockRun *run = data;

  if (run->blocks)
    g_ptr_array_unref (run->blocks);
  g_free (run);
}

static void
result_free (gpointer data)
{
  CoapBlockResult *result = data;

  if (result->parts)
    g_ptr_array_unref (result->parts);
  g_free (result->body);
  g_free (result);
}

static gpointer
coap_state_new (void)
{
  CoapState *state = g_new0 (CoapState, 1);

  state->convs = g_hash_table_new_full (iot_conv_key_hash, iot_conv_key_equal, g_free, NULL);
  state->transactions = record_store_init (sizeof (CoapTransaction), transaction_hash, transaction_equal);
  state->exchanges = record_store_init (sizeof (CoapExchange), exchange_hash, exchange_equal);
  state->uris = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  state->uri_list = g_ptr_array_new ();
  state->runs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, run_free);
  state->results = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, result_free);
  return state;
}

static void
coap_state_free (gpointer data)
{
  CoapState *state = data;

  g_hash_table_destroy (state->convs);
  record_store_clear (&state->transactions);
  record_store_clear (&state->exchanges);
  g_hash_table_destroy (state->uris);
  g_ptr_array_unref (state->uri_list);
  g_hash_table_destroy (state->runs);
  g_hash_table_destroy (state->results);
  g_free (state);
}

static void
append_address (GString *key, const IotAddress *addr)
{
  guint n = addr->family == 6 ? 16 : addr->family == 4 ? 4 : 6;

  g_string_append_printf (key, "%u:", addr->family);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (key, "%02x", addr->bytes[i]);
}

/* ---- one message, as parsed ------------------------------------------- */

typedef struct {
  guint8   type;
  guint8   code;
  guint16  mid;
  guint    token_len;
  const guint8 *token;
  GString *uri;           /* from Uri-Host, Uri-Port, Uri-Path */
  GString *query;         /* from Uri-Query */
  GString *location;      /* from Location-Path */
  gboolean has_ctype;
  guint32  ctype;
  gboolean has_block;
  guint    block_option;  /* OPT_BLOCK1 or OPT_BLOCK2: the last one seen */
  guint32  block_number;
  guint    block_more;
  IotTapCoap *rec;        /* the message's tap record, filled in as it is read (a scratch
                           * one when nobody asked for it) */
  guint32 *trans_found;   /* find_transaction's answer for this message once it
                           * found one (transactions are never removed), 0 before */
} CoapMessage;

static gboolean
is_request (const CoapMessage *msg)
{
  return msg->code >> 5 == 0;
}

/* An integer option value: big-endian, empty means 0; longer than four
 * bytes is out of range and reads as all ones (as tshark shows it). */
static guint32
option_uint (const IotBuf *buf, guint off, guint len)
{
  guint32 value = 0;

  if (len > 4)
    return G_MAXUINT32;
  for (guint i = 0; i < len; i++)
    value = value << 8 | iot_buf_u8 (buf, off + i);
  return value;
}

/* Option strings are read as ASCII: other bytes become U+FFFD. */
static char *
option_string (IotPacket *pkt, const IotBuf *buf, guint off, guint len)
{
  const guint8 *p = iot_buf_ptr (buf, off, len);
  GString *s;
  char *out;
  guint ascii = 0;

  /* Plain ASCII, the usual case, is copied as it is. */
  while (ascii < len && p[ascii] < 0x80)
    ascii++;
  if (ascii == len)
    return iot_packet_strndup (pkt, len ? (const char *) p : "", len);
  s = g_string_sized_new (len);
  for (guint i = 0; i < len; i++)
    {
      if (p[i] < 0x80)
        g_string_append_c (s, (char) p[i]);
      else
        g_string_append (s, "\xef\xbf\xbd");
    }
  out = iot_packet_strndup (pkt, s->str, s->len);
  g_string_free (s, TRUE);
  return out;
}

/* Control characters written as C escapes, as tshark writes them in
 * labels and columns. */
static const char *
escape_text (IotPacket *pkt, const char *text)
{
  static const char specials[] = "\a\b\f\n\r\t\v\\", letters[] = "abfnrtv\\";
  GString *s;
  char *out;

  if (text == NULL)
    return NULL;
  s = g_string_new (NULL);
  for (const char *p = text; *p; p++)
    {
      guchar c = (guchar) *p;
      const char *named = strchr (specials, c);

      if (named != NULL)
        g_string_append_printf (s, "\\%c", letters[named - specials]);
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (s, "\\x%02x", c);
      else
        g_string_append_c (s, (char) c);
    }
  out = iot_packet_strndup (pkt, s->str, s->len);
  g_string_free (s, TRUE);
  return out;
}

static char *
spaced_hex (IotPacket *pkt, const guint8 *p, guint len)
{
  GString *s = g_string_sized_new (len * 3);
  char *out;

  for (guint i = 0; i < len; i++)
    g_string_append_printf (s, i ? " %02x" : "%02x", p[i]);
  out = iot_packet_strndup (pkt, s->str, s->len);
  g_string_free (s, TRUE);
  return out;
}

static const char *
content_format_name (IotPacket *pkt, guint32 value)
{
  const char *name = iot_value_name (content_format_names, value);

  return name ? name : iot_packet_strdup_printf (pkt, "Unknown Type %u", value);
}

static const char *
code_text (IotPacket *pkt, guint8 code)
{
  const char *name = iot_value_name (code_names, code);

  return name ? name : iot_packet_strdup_printf (pkt, "Unknown %u", code);
}

/* ---- options ------------------------------------------------------------ */

typedef struct {
  guint        number;
  const char  *name;
  guint        min_len, max_len;
} CoapOptionInfo;

static const CoapOptionInfo option_table[] = {
  { OPT_IF_MATCH, "If-Match", 0, 8 },
  { OPT_URI_HOST, "Uri-Host", 1, 255 },
  { OPT_ETAG, "Etag", 1, 8 },
  { OPT_IF_NONE_MATCH, "If-None-Match", 0, 0 },
  { OPT_OBSERVE, "Observe", 0, 3 },
  { OPT_URI_PORT, "Uri-Port", 0, 2 },
  { OPT_LOCATION_PATH, "Location-Path", 0, 255 },
  { OPT_OSCORE, "OSCORE", 0, 255 },
  { OPT_URI_PATH, "Uri-Path", 0, 255 },
  { OPT_CONTENT_FORMAT, "Content-Format", 0, 2 },
  { OPT_MAX_AGE, "Max-age", 0, 4 },
  { OPT_URI_QUERY, "Uri-Query", 1, 255 },
  { OPT_HOP_LIMIT, "Hop-Limit", 1, 1 },
  { OPT_ACCEPT, "Accept", 0, 2 },
  { OPT_LOCATION_QUERY, "Location-Query", 0, 255 },
  { OPT_BLOCK2, "Block2", 0, 3 },
  { OPT_BLOCK1, "Block1", 0, 3 },
  { OPT_SIZE2, "Size2", 0, 4 },
  { OPT_PROXY_URI, "Proxy-Uri", 1, 1034 },
  { OPT_PROXY_SCHEME, "Proxy-Scheme", 1, 255 },
  { OPT_SIZE1, "Size1", 0, 4 },
};

static const CoapOptionInfo *
option_info (guint number)
{
  for (guint i = 0; i < G_N_ELEMENTS (option_table); i++)
    if (option_table[i].number == number)
      return &option_table[i];
  return NULL;
}

/* The option number's own bits say how an unknown option must be treated
 * (RFC 7252 section 5.4.6). */
static char *
option_desc (IotPacket *pkt, guint number)
{
  gboolean critical = number & 1, unsafe = number & 2;
  gboolean no_cache_key = (number & 0x1e) == 0x1c;

  return iot_packet_strdup_printf (pkt, "Type %u, %s, %s%s", number,
                                   critical ? "Critical" : "Elective",
                                   unsafe ? "Unsafe" : "Safe",
                                   no_cache_key ? ", NoCacheKey" : "");
}

static int
add_string_option (IotPacket *pkt, int tree, int field, const IotBuf *buf, guint off, guint len,
                   const char **shown)
{
  char *value = option_string (pkt, buf, off, len);

  *shown = len ? value : "(null)";
  return iot_tree_add_string (pkt, tree, &coap_fields[field], buf, off, len, value, -1);
}

static int
add_bytes_option (IotPacket *pkt, int tree, int field, const IotBuf *buf, guint off, guint len,
                  const char **shown)
{
  const guint8 *p = iot_buf_ptr (buf, off, len);

  *shown = len ? spaced_hex (pkt, p, len) : "(null)";
  return iot_tree_add_bytes (pkt, tree, &coap_fields[field], buf, off, len, p, len);
}

static const char *
add_block_option (IotPacket *pkt, int tree, CoapMessage *msg, guint number,
                  const IotBuf *buf, guint off, guint len)
{
  guint32 value = option_uint (buf, off, len);
  guint last = len ? iot_buf_u8 (buf, off + len - 1) : 0;
  guint szx = last & 0x07, more = (last >> 3) & 1;
  int node;

  /* tshark shifts the value as a signed number. */
  guint32 block_number = len > 4 ? value : (guint32) ((gint32) value >> 4);

  /* An out-of-range value reads as all ones, which tshark takes for "no
   * block option" afterwards. */
  msg->has_block = block_number != G_MAXUINT32;
  msg->block_option = number;
  msg->block_number = block_number;
  msg->block_more = more;
  {
    guint slot = number == OPT_BLOCK1 ? 0 : 1;

    msg->rec->block[slot].present = TRUE;
    msg->rec->block[slot].number = block_number;
    msg->rec->block[slot].more = more != 0;
    msg->rec->block[slot].szx = (guint8) (len ? szx : 0);
  }
  iot_tree_add_uint (pkt, tree, &coap_fields[F_OPT_BLOCK_NUMBER], buf, off, len, block_number);
  if (len)
    {
      iot_tree_add_item (pkt, tree, &coap_fields[F_OPT_BLOCK_MFLAG], buf, off + len - 1, 1, FALSE);
      node = iot_tree_add_item (pkt, tree, &coap_fields[F_OPT_BLOCK_SIZE], buf, off + len - 1, 1, FALSE);
    }
  else
    {
      iot_tree_add_uint (pkt, tree, &coap_fields[F_OPT_BLOCK_MFLAG], buf, off, 0, 0);
      node = iot_tree_add_uint (pkt, tree, &coap_fields[F_OPT_BLOCK_SIZE], buf, off, 0, 0);
    }
  iot_tree_set_label (pkt, node, "Block Size: %u (%u encoded)", 1u << (szx + 4), szx);
  return iot_packet_strdup_printf (pkt, "NUM:%u, M:%u, SZX:%u", block_number, more, 1u << (szx + 4));
}

/* OSCORE option header (RFC 8613 section 6.1): flags, partial IV, key ID
 * context, key ID.  Read like tshark does, from the message bytes. */
static void
add_oscore_option (IotPacket *pkt, int tree, const IotBuf *buf, guint off, guint len)
{
  guint8 flags;
  guint piv_len, pos;

  if (len == 0)
    return;
  flags = iot_buf_u8 (buf, off);
  iot_tree_add_item (pkt, tree, &coap_fields[F_OPT_OSC_RESERVED], buf, off, 1, FALSE);
  iot_tree_add_item (pkt, tree, &coap_fields[F_OPT_OSC_KID_CTX_PRESENT], buf, off, 1, FALSE);
  iot_tree_add_item (pkt, tree, &coap_fields[F_OPT_OSC_KID_PRESENT], buf, off, 1, FALSE);
  iot_tree_add_item (pkt, tree, &coap_fields[F_OPT_OSC_PIV_LEN], buf, off, 1, FALSE);
  if (flags & 0xe0)
    iot_expert_add_info (pkt, tree, &coap_experts[E_OSCORE_BAD], "Unsupported format");
  piv_len = flags & 0x07;
  pos = off + 1;
  if (piv_len)
    {
      iot_buf_check (buf, pos, piv_len);
      iot_tree_add_item (pkt, tree, &coap_fields[F_OPT_OSC_PIV], buf, pos, piv_len, FALSE);
      pos += piv_len;
    }
  if (flags & 0x10)
    {
      guint ctx_len = iot_buf_u8 (buf, pos);

      iot_tree_add_item (pkt, tree, &coap_fields[F_OPT_OSC_KID_CTX_LEN], buf, pos, 1, FALSE);
      iot_buf_check (buf, pos + 1, ctx_len);
      iot_tree_add_item (pkt, tree, &coap_fields[F_OPT_OSC_KID_CTX], buf, pos + 1, ctx_len, FALSE);
      pos += 1 + ctx_len;
    }
  if (flags & 0x08)
    {
      /* The key ID is the rest of the option. */
      if (pos > off + len)
        iot_malformed (pkt, "OSCORE fields run past the end of the option");
      iot_tree_add_item (pkt, tree, &coap_fields[F_OPT_OSC_KID], buf, pos, off + len - pos, FALSE);
    }
}

/* The text of a number for an Opt Name label: only the tree shows it. */
static const char *
shown_uint (IotPacket *pkt, guint32 value)
{
  return iot_packet_wants_tree (pkt) ? iot_packet_strdup_printf (pkt, "%u", value) : "";
}

/* Adds the value rows of one option; returns the text for its Opt Name
 * row (NULL for options shown without a value). */
static const char *
add_option_value (IotPacket *pkt, int tree, CoapMessage *msg, guint number,
                  const IotBuf *buf, guint off, guint len)
{
  const char *shown = NULL;
  guint32 value;
  int node;

  switch (number)
    {
    case OPT_IF_MATCH:
      add_bytes_option (pkt, tree, F_OPT_IF_MATCH, buf, off, len, &shown);
      break;
    case OPT_ETAG:
      add_bytes_option (pkt, tree, F_OPT_ETAG, buf, off, len, &shown);
      break;
    case OPT_URI_HOST:
      add_string_option (pkt, tree, F_OPT_URI_HOST, buf, off, len, &shown);
      if (len == 0)
        shown = "";   /* unlike the other strings, tshark shows nothing here */
      g_string_append_printf (msg->uri, "coap://%s", option_string (pkt, buf, off, len));
      break;
    case OPT_IF_NONE_MATCH:
      break;
    case OPT_OBSERVE:
      value = option_uint (buf, off, len);
      node = iot_tree_add_uint (pkt, tree, &coap_fields[F_OPT_OBSERVE], buf, off, len, value);
      msg->rec->observe = value;
      if (!is_request (msg))
        iot_tree_set_label (pkt, node, "Observe sequence number: %u", value);
      else
        iot_tree_set_label (pkt, node, "Observe: %s (%u)",
                            value == 0 ? "Register" : value == 1 ? "Deregister" : "Unknown", value);
      shown = shown_uint (pkt, value);
      break;
    case OPT_URI_PORT:
      value = option_uint (buf, off, len);
      iot_tree_add_uint (pkt, tree, &coap_fields[F_OPT_URI_PORT], buf, off, len, value);
      g_string_append_printf (msg->uri, ":%u", value);
      shown = shown_uint (pkt, value);
      break;
    case OPT_LOCATION_PATH:
      add_string_option (pkt, tree, F_OPT_LOCATION_PATH, buf, off, len, &shown);
      g_string_append_printf (msg->location, "/%s", shown);
      break;
    case OPT_OSCORE:
      add_oscore_option (pkt, tree, buf, off, len);
      break;
    case OPT_URI_PATH:
      add_string_option (pkt, tree, F_OPT_URI_PATH, buf, off, len, &shown);
      g_string_append_c (msg->uri, '/');
      g_string_append (msg->uri, option_string (pkt, buf, off, len));
      if (iot_tap_wanted (pkt, IOT_TAP_COAP))
        msg->rec->uri_path = iot_packet_strdup_printf (pkt, "%s/%s", msg->rec->uri_path ? msg->rec->uri_path : "",
                                                       len ? shown : "");
      break;
    case OPT_CONTENT_FORMAT:
      value = option_uint (buf, off, len);
      shown = content_format_name (pkt, value);
      iot_tree_add_string (pkt, tree, &coap_fields[F_OPT_CTYPE], buf, off, len, shown, -1);
      /* All ones (out of range) counts as no Content-Format, as in tshark. */
      msg->has_ctype = value != G_MAXUINT32;
      msg->ctype = value;
      break;
    case OPT_MAX_AGE:
      value = option_uint (buf, off, len);
      iot_tree_add_uint (pkt, tree, &coap_fields[F_OPT_MAX_AGE], buf, off, len, value);
      shown = shown_uint (pkt, value);
      break;
    case OPT_URI_QUERY:
      add_string_option (pkt, tree, F_OPT_URI_QUERY, buf, off, len, &shown);
      g_string_append_printf (msg->query, "%c%s", msg->query->len ? '&' : '?',
                              option_string (pkt, buf, off, len));
      break;
    case OPT_HOP_LIMIT:
      value = option_uint (buf, off, len);
      iot_tree_add_uint (pkt, tree, &coap_fields[F_OPT_HOP_LIMIT], buf, off, len, value);
      shown = shown_uint (pkt, value);
      break;
    case OPT_ACCEPT:
      /* An empty Accept has no value at all (tshark prints "(null)"). */
      shown = len ? content_format_name (pkt, option_uint (buf, off, len)) : "(null)";
      iot_tree_add_string (pkt, tree, &coap_fields[F_OPT_ACCEPT], buf, off, len, shown, -1);
      break;
    case OPT_LOCATION_QUERY:
      add_string_option (pkt, tree, F_OPT_LOCATION_QUERY, buf, off, len, &shown);
      break;
    case OPT_BLOCK1:
    case OPT_BLOCK2:
      shown = add_block_option (pkt, tree, msg, number, buf, off, len);
      break;
    case OPT_SIZE2:
      /* tshark shows only the low three bits, as an encoded block size. */
      value = option_uint (buf, off, len);
      iot_tree_add_uint (pkt, tree, &coap_fields[F_OPT_BLOCK_SIZE], buf, off, len, value & 0x07);
      shown = shown_uint (pkt, value);
      break;
    case OPT_PROXY_URI:
      add_string_option (pkt, tree, F_OPT_PROXY_URI, buf, off, len, &shown);
      break;
    case OPT_PROXY_SCHEME:
      add_string_option (pkt, tree, F_OPT_PROXY_SCHEME, buf, off, len, &shown);
      break;
    case OPT_SIZE1:
      value = option_uint (buf, off, len);
      iot_tree_add_uint (pkt, tree, &coap_fields[F_OPT_SIZE1], buf, off, len, value);
      shown = shown_uint (pkt, value);
      break;
    default:
      add_bytes_option (pkt, tree, F_OPT_UNKNOWN, buf, off, len, &shown);
      break;
    }
  return shown;
}

/* Reads an extended delta or length (nibble 13: one more byte, 14: two). */
static guint
read_extended (IotPacket *pkt, const IotBuf *buf, guint *pos, guint nibble, guint *ext_value,
               guint *ext_len)
{
  (void) pkt;
  *ext_len = 0;
  if (nibble == 13)
    {
      *ext_value = iot_buf_u8 (buf, *pos);
      *ext_len = 1;
      *pos += 1;
      return *ext_value + 13;
    }
  if (nibble == 14)
    {
      *ext_value = iot_buf_u16 (buf, *pos);
      *ext_len = 2;
      *pos += 2;
      return *ext_value + 269;
    }
  return nibble;
}

/* Dissects the options from @off.  Returns the offset after them (and the
 * payload marker), or -1 when the options are broken: tshark stops
 * decoding the message there. */
static int
dissect_options (IotPacket *pkt, int tree, const IotBuf *buf, guint off, CoapMessage *msg,
                 gboolean *has_marker)
{
  guint number = 0, count = 0;

  *has_marker = FALSE;
  while (off < buf->reported)
    {
      guint8 first = iot_buf_u8 (buf, off);
      guint delta_nib = first >> 4, len_nib = first & 0x0f;
      guint pos = off + 1, delta_ext = 0, delta_ext_len, len_ext = 0, len_ext_len, len;
      const CoapOptionInfo *info;
      const char *shown, *name;
      int node;

      if (first == 0xff)
        {
          iot_tree_add_item (pkt, tree, &coap_fields[F_OPT_END_MARKER], buf, off, 1, FALSE);
          *has_marker = TRUE;
          return off + 1;
        }
      if (delta_nib == 15)
        {
          iot_expert_add_info (pkt, tree, &coap_experts[E_OPTION_LENGTH_BAD], "end-of-options marker found, but option length isn't 15");
          return -1;
        }
      if (len_nib == 15)
        {
          iot_expert_add_info (pkt, tree, &coap_experts[E_OPTION_LENGTH_BAD], "end-of-options marker found, but option delta isn't 15");
          return -1;
        }
      number += read_extended (pkt, buf, &pos, delta_nib, &delta_ext, &delta_ext_len);
      len = read_extended (pkt, buf, &pos, len_nib, &len_ext, &len_ext_len);
      if ((guint64) pos + len > buf->reported)
        {
          iot_expert_add_info (pkt, tree, &coap_experts[E_OPTION_LENGTH_BAD], "option longer than the package");
          return -1;
        }
      /* The value must be there before the option is shown at all. */
      iot_buf_check (buf, pos, len);
      count++;

      info = option_info (number);
      /* Option 0 is reserved; tshark names it but treats it as unknown. */
      name = info ? info->name : number == 0 ? "No-Op" : "Unknown Option";
      node = -1;
      /* Names are formatted only for someone who will read them: the first
       * pass sees every option of every message. */
      if (iot_packet_wants_field (pkt, &coap_fields[F_OPT_NAME]))
        {
          if (info == NULL && number != 0)
            name = iot_packet_strdup_printf (pkt, "Unknown Option (%u)", number);
          node = iot_tree_add_string (pkt, tree, &coap_fields[F_OPT_NAME], buf, off, pos - off + len,
                                      iot_packet_strdup_printf (pkt, "#%u: %s", count, name), -1);
        }
      if (info == NULL)
        {
          if (number >= 2048 && number <= 65535)
            iot_expert_add_info (pkt, node, &coap_experts[E_UNKNOWN_OPTION], "Unknown Option Number %u", number);
          else
            iot_expert_add_info (pkt, node, &coap_experts[E_INVALID_OPTION], "Invalid Option Number %u", number);
        }
      else if (len < info->min_len || len > info->max_len)
        iot_expert_add_info (pkt, node, &coap_experts[E_INVALID_RANGE], "Invalid Option Range: %u (%u < x < %u)",
                        len, info->min_len, info->max_len);
      if (iot_packet_wants_field (pkt, &coap_fields[F_OPT_DESC]))
        iot_tree_add_string (pkt, node, &coap_fields[F_OPT_DESC], buf, off, 1, option_desc (pkt, number), -1);
      iot_tree_add_item (pkt, node, &coap_fields[F_OPT_DELTA], buf, off, 1, FALSE);
      iot_tree_add_item (pkt, node, &coap_fields[F_OPT_LENGTH], buf, off, 1, FALSE);
      if (delta_ext_len)
        iot_tree_add_uint (pkt, node, &coap_fields[F_OPT_DELTA_EXT], buf, off + 1, delta_ext_len, delta_ext);
      if (len_ext_len)
        iot_tree_add_uint (pkt, node, &coap_fields[F_OPT_LENGTH_EXT], buf, off + 1 + delta_ext_len,
                           len_ext_len, len_ext);
      shown = add_option_value (pkt, node, msg, number, buf, pos, len);
      if (shown != NULL && node >= 0 && iot_packet_wants_tree (pkt))
        iot_tree_set_label (pkt, node, "Opt Name: #%u: %s: %s", count, name, escape_text (pkt, shown));
      off = pos + len;
    }
  return off;
}

/* ---- block-wise transfers ------------------------------------------------ */

static char *
block_key (IotPacket *pkt)
{
  GString *key = g_string_new (NULL);

  append_address (key, iot_packet_net_src (pkt));
  g_string_append_c (key, '>');
  append_address (key, iot_packet_net_dst (pkt));
  return g_string_free (key, FALSE);
}

static gint
compare_blocks (gconstpointer a, gconstpointer b)
{
  const CoapBlock *x = *(CoapBlock *const *) a, *y = *(CoapBlock *const *) b;

  return x->number < y->number ? -1 : x->number > y->number;
}

/* First pass: adds this frame's block to the run of its address pair and,
 * when the run has every block from 0 to the last, records the body. */
static void
record_block (IotPacket *pkt, CoapState *state, const CoapMessage *msg, const IotBuf *payload)
{
  g_autofree char *key = block_key (pkt);
  CoapBlockRun *run = g_hash_table_lookup (state->runs, key);
  CoapBlock *block;
  guint32 frame = iot_packet_frame_number (pkt);
  guint total = 0;

  if (payload->length < payload->reported)
    return;   /* cut short by the snap length: cannot contribute */
  if (run == NULL)
    {
      run = g_new0 (CoapBlockRun, 1);
      run->blocks = g_ptr_array_new_with_free_func (block_free);
      run->last = -1;
      g_hash_table_insert (state->runs, g_strdup (key), run);
    }
  for (guint i = 0; i < run->blocks->len; i++)
    if (((CoapBlock *) run->blocks->pdata[i])->number == msg->block_number)
      return;   /* a resent block: keep the first copy */
  block = g_new0 (CoapBlock, 1);
  block->frame = frame;
  block->number = msg->block_number;
  block->length = payload->length;
  block->data = g_memdup2 (payload->data, payload->length);
  g_ptr_array_add (run->blocks, block);
  if (!msg->block_more)
    run->last = msg->block_number;
  if (run->last < 0 || run->blocks->len != (guint) run->last + 1)
    return;

  {
    CoapBlockResult *result = g_new0 (CoapBlockResult, 1);
    GPtrArray *owned = run->blocks;
    guint pos = 0;

    run->blocks = NULL;
    g_ptr_array_sort (owned, compare_blocks);
    for (guint i = 0; i < owned->len; i++)
      {
        CoapBlock *part = owned->pdata[i];

        if (part->number != i)
          {
            /* Numbers do not run 0..last: not a body we can build. */
            g_ptr_array_unref (owned);
            g_free (result);
            g_hash_table_remove (state->runs, key);
            return;
          }
        total += part->length;
      }
    result->body = g_malloc (MAX (total, 1));
    for (guint i = 0; i < owned->len; i++)
      {
        CoapBlock *part = owned->pdata[i];

        memcpy (result->body + pos, part->data, part->length);
        pos += part->length;
        if (part->frame != frame)
          {
            CoapBlockResult *other = g_new0 (CoapBlockResult, 1);

            other->reassembled_in = frame;
            g_hash_table_replace (state->results, GUINT_TO_POINTER (part->frame), other);
          }
      }
    result->body_len = total;
    result->reassembled_in = frame;
    result->parts = owned;
    g_hash_table_replace (state->results, GUINT_TO_POINTER (frame), result);
    g_hash_table_remove (state->runs, key);
  }
}

/* Shows the block; returns the body to show as payload (the whole body
 * in the frame that completed it), or NULL. */
static gboolean
dissect_block (IotPacket *pkt, CoapState *state, int tree, const CoapMessage *msg,
               const IotBuf *payload, IotBuf *body)
{
  guint32 frame = iot_packet_frame_number (pkt);
  CoapBlockResult *result;
  int node;

  node = iot_tree_add_item (pkt, tree, &coap_fields[F_BLOCK_PAYLOAD], payload, 0, payload->length, FALSE);
  iot_tree_set_label (pkt, node, "Block Payload");
  node = iot_tree_add_uint (pkt, tree, &coap_fields[F_BLOCK_LENGTH], NULL, 0, 0, payload->reported);
  iot_tree_set_generated (pkt, node);
  if (state == NULL)
    return FALSE;
  if (iot_packet_first_pass (pkt))
    record_block (pkt, state, msg, payload);
  result = g_hash_table_lookup (state->results, GUINT_TO_POINTER (frame));
  if (result == NULL)
    return FALSE;
  if (result->parts == NULL)
    {
      node = iot_tree_add_uint (pkt, tree, &coap_fields[F_BLOCK_REASSEMBLED_IN], NULL, 0, 0,
                                result->reassembled_in);
      iot_tree_set_generated (pkt, node);
      return FALSE;
    }

  {
    GString *label = g_string_new (NULL);
    guint pos = 0;
    int blocks;

    g_string_append_printf (label, "%u Block%s (%u bytes): ", result->parts->len,
                            result->parts->len == 1 ? "" : "s", result->body_len);
    for (guint i = 0; i < result->parts->len; i++)
      {
        CoapBlock *part = result->parts->pdata[i];

        g_string_append_printf (label, "%s#%u(%u)", i ? ", " : "", part->frame, part->length);
      }
    blocks = iot_tree_add_item (pkt, tree, &coap_fields[F_BLOCKS], payload, 0, 0, FALSE);
    iot_tree_set_label (pkt, blocks, "%s", label->str);
    iot_tree_set_generated (pkt, blocks);
    g_string_free (label, TRUE);
    for (guint i = 0; i < result->parts->len; i++)
      {
        CoapBlock *part = result->parts->pdata[i];

        node = iot_tree_add_uint (pkt, blocks, &coap_fields[F_BLOCK], NULL, 0, 0, part->frame);
        iot_tree_set_label (pkt, node, "Frame: %u, payload: %u-%u (%u bytes)", part->frame, pos,
                            pos + part->length - 1, part->length);
        iot_tree_set_generated (pkt, node);
        pos += part->length;
      }
    node = iot_tree_add_uint (pkt, blocks, &coap_fields[F_BLOCK_COUNT], NULL, 0, 0, result->parts->len);
    iot_tree_set_generated (pkt, node);
    node = iot_tree_add_uint (pkt, blocks, &coap_fields[F_BLOCK_REASSEMBLED_LENGTH], NULL, 0, 0,
                              result->body_len);
    iot_tree_set_generated (pkt, node);
    *body = iot_packet_add_source (pkt, "Reassembled CoAP blocks", result->body, result->body_len);
    return TRUE;
  }
}

/* ---- payload ------------------------------------------------------------- */

static void
dissect_payload (IotPacket *pkt, int tree, const CoapMessage *msg, IotBuf *payload, const char *location)
{
  guint class = msg->code >> 5;
  guint32 ctype = msg->has_ctype ? msg->ctype : (class == 4 || class == 5) ? CF_TEXT_PLAIN : CF_OCTET_STREAM;
  const char *ctype_name = content_format_name (pkt, ctype);
  int node = -1, sub;

  /* The summary is formatted only for someone who reads it. */
  if (iot_packet_wants_field (pkt, &coap_fields[F_PAYLOAD]))
    {
      char *summary = iot_packet_strdup_printf (pkt, "Payload Content-Format: %s%s, Length: %u", ctype_name,
                                                msg->has_ctype ? "" : " (no Content-Format)",
                                                payload->reported);

      if (strlen (summary) > PAYLOAD_SUMMARY_MAX)
        summary[PAYLOAD_SUMMARY_MAX] = '\0';
      node = iot_tree_add_string (pkt, tree, &coap_fields[F_PAYLOAD], payload, 0, payload->length, summary, -1);
      iot_tree_set_label (pkt, node, "Payload: %s", summary);
    }
  iot_tree_add_string (pkt, node, &coap_fields[F_PAYLOAD_DESC], payload, 0, payload->length, ctype_name, -1);
  sub = iot_tree_add_uint (pkt, node, &coap_fields[F_PAYLOAD_LENGTH], NULL, 0, 0, payload->reported);
  iot_tree_set_generated (pkt, sub);

  /* The payload goes to the layer registered for the media type of its
   * Content-Format (e.g. 41, application/xml); unknown formats stay bytes. */
  iot_col_set_protocol (pkt, "CoAP");
  if (ctype == CF_OCTET_STREAM)
    iot_call_data (pkt, payload, -1);
  else
    iot_call_media_type_at (pkt, ctype_name, -1, location, payload, -1);
}

/* ---- request/response matching -------------------------------------------- */

extern IotDissector iot_dissector_coap;

/* The number + 1 of the transaction of the message's token in its
 * conversation, or 0; @create (first pass only) opens it if it is new. */
static guint32
find_transaction (IotPacket *pkt, CoapState *state, const CoapMessage *msg, gboolean create)
{
  CoapTransaction probe = { 0 };
  guint32 trans;
  IotConvKey key;
  gpointer conv, *slot;

  /* Asked up to four times per message: the first answer stands. */
  if (msg->trans_found != NULL && *msg->trans_found != 0)
    return *msg->trans_found;
  iot_conv_key_from_packet (&key, pkt);
  /* In the first pass UDP found the conversation already: its slot saves
   * a look-up. */
  slot = iot_packet_conversation_slot (pkt, &iot_dissector_coap, &key);
  conv = slot != NULL ? *slot : NULL;
  if (conv == NULL)
    conv = g_hash_table_lookup (state->convs, &key);
  if (conv == NULL)
    {
      if (!create)
        return 0;
      conv = GUINT_TO_POINTER (g_hash_table_size (state->convs) + 1);
      g_hash_table_insert (state->convs, g_memdup2 (&key, sizeof key), conv);
    }
  if (slot != NULL)
    *slot = conv;
  probe.conv = GPOINTER_TO_UINT (conv);
  probe.token_len = (guint8) MIN (msg->token_len, sizeof probe.token);
  memcpy (probe.token, msg->token, probe.token_len);
  trans = record_find (&state->transactions, &probe);
  if (trans == 0 && create)
    {
      guint uri = GPOINTER_TO_UINT (g_hash_table_lookup (state->uris, msg->uri->str));

      if (uri == 0)
        {
          char *copy = g_strdup (msg->uri->str);

          g_ptr_array_add (state->uri_list, copy);
          uri = state->uri_list->len;
          g_hash_table_insert (state->uris, copy, GUINT_TO_POINTER (uri));
        }
      probe.uri = uri - 1;
      record_add (&state->transactions, &probe);
      trans = state->transactions.n_records;
    }
  if (msg->trans_found != NULL)
    *msg->trans_found = trans;
  return trans;
}

/* The path of the request that opened transaction @trans (number + 1). */
static const char *
transaction_uri (const CoapState *state, guint32 trans)
{
  const CoapTransaction *t = record_at (&state->transactions, trans - 1);

  return g_ptr_array_index (state->uri_list, t->uri);
}

static gboolean is_tracked (const CoapState *state, const CoapMessage *msg);

/* Where a payload was sent, for the layer that reads it (LwM2M names
 * objects by it): a request's own Uri-Path, a response's request's. */
static const char *
payload_location (IotPacket *pkt, CoapState *state, const CoapMessage *msg)
{
  guint32 trans;

  if (is_request (msg) || state == NULL || !is_tracked (state, msg))
    return msg->uri->len > 0 ? iot_packet_strndup (pkt, msg->uri->str, msg->uri->len) : NULL;
  trans = find_transaction (pkt, state, msg, FALSE);
  if (trans == 0 || transaction_uri (state, trans)[0] == '\0')
    return NULL;
  /* A plain copy, not a format: most responses with a payload come here. */
  return iot_packet_strndup (pkt, transaction_uri (state, trans), strlen (transaction_uri (state, trans)));
}

/* The exchange of message ID @mid in transaction @trans (number + 1), or NULL. */
static CoapExchange *
find_exchange (CoapState *state, guint32 trans, guint16 mid)
{
  CoapExchange probe = { trans - 1, 0, 0, mid };

  return record_lookup (&state->exchanges, &probe);
}

static CoapExchange *
add_exchange (CoapState *state, guint32 trans, guint16 mid)
{
  CoapExchange probe = { trans - 1, 0, 0, mid };

  return record_add (&state->exchanges, &probe);
}

static gboolean
is_tracked (const CoapState *state, const CoapMessage *msg)
{
  guint class = msg->code >> 5;

  /* Only requests and success/error responses take part; empty messages
   * and the unassigned or signalling classes (1, 3, 6, 7) do not. */
  return state != NULL && msg->token_len > 0 && msg->code != 0
         && (class == 0 || class == 2 || class == 4 || class == 5);
}

/* First pass, right after the options (as tshark does, before the
 * payload): a request opens (or finds) the transaction of its token and
 * registers its message ID; a response registers under its message ID. */
static void
record_message (IotPacket *pkt, CoapState *state, const CoapMessage *msg)
{
  guint32 frame = iot_packet_frame_number (pkt);
  guint32 trans;
  CoapExchange *ex;

  if (!is_tracked (state, msg) || !iot_packet_first_pass (pkt))
    return;
  trans = find_transaction (pkt, state, msg, is_request (msg));
  if (trans == 0)
    return;
  ex = find_exchange (state, trans, msg->mid);
  if (is_request (msg) && (ex == NULL || ex->req_frame == 0))
    {
      /* A request after responses with its ID starts the exchange over. */
      if (ex == NULL)
        ex = add_exchange (state, trans, msg->mid);
      ex->req_frame = frame;
      ex->rsp_frame = 0;
    }
  else if (!is_request (msg) && ex == NULL)
    {
      /* A response nobody asked for under this ID (a separate response
       * or a notification): remembered so that resends are recognised. */
      ex = add_exchange (state, trans, msg->mid);
      ex->rsp_frame = frame;
    }
  else if (!is_request (msg) && ex->rsp_frame == 0)
    ex->rsp_frame = frame;
}

/* Shows what matching found.  The answers come from the complete
 * first-pass state, as in tshark's second pass. */
static void
show_match (IotPacket *pkt, CoapState *state, int tree, CoapMessage *msg, gboolean *retransmission,
            IotTapCoap *rec)
{
  guint32 frame = iot_packet_frame_number (pkt);
  guint32 trans;
  CoapExchange *ex;
  int node;

  *retransmission = FALSE;
  if (!is_tracked (state, msg))
    return;
  trans = find_transaction (pkt, state, msg, FALSE);
  if (trans == 0)
    return;
  ex = find_exchange (state, trans, msg->mid);
  if (ex == NULL)
    return;
  rec->request_frame = ex->req_frame;
  rec->response_frame = ex->rsp_frame;

  if (is_request (msg))
    {
      if (ex->rsp_frame)
        {
          node = iot_tree_add_uint (pkt, tree, &coap_fields[F_RESPONSE_IN], NULL, 0, 0, ex->rsp_frame);
          iot_tree_set_generated (pkt, node);
        }
      if ((msg->type == TYPE_CON || msg->type == TYPE_NON) && ex->req_frame != frame)
        {
          node = iot_tree_add_uint (pkt, tree, &coap_fields[F_REQUEST_FIRST_IN], NULL, 0, 0, ex->req_frame);
          iot_tree_set_generated (pkt, node);
          iot_expert_add_info (pkt, node, &coap_experts[E_RETRANSMITTED], "Retransmitted");
          *retransmission = TRUE;
        }
      return;
    }
  if (ex->req_frame != 0)
    {
      node = iot_tree_add_uint (pkt, tree, &coap_fields[F_RESPONSE_TO], NULL, 0, 0, ex->req_frame);
      iot_tree_set_generated (pkt, node);
      node = iot_tree_add_time (pkt, tree, &coap_fields[F_RESPONSE_TIME], NULL, 0, 0,
                                iot_packet_time_ns (pkt) - iot_frame_time_ns (pkt, ex->req_frame));
      iot_tree_set_generated (pkt, node);
      if (iot_tap_wanted (pkt, IOT_TAP_COAP))
        rec->response_time_ns = iot_packet_time_ns (pkt) - iot_frame_time_ns (pkt, ex->req_frame);
    }
  /* Acknowledgements and resets are never counted as resent responses. */
  if ((msg->type == TYPE_CON || msg->type == TYPE_NON) && ex->rsp_frame != frame)
    {
      node = iot_tree_add_uint (pkt, tree, &coap_fields[F_RESPONSE_FIRST_IN], NULL, 0, 0, ex->rsp_frame);
      iot_tree_set_generated (pkt, node);
      iot_expert_add_info (pkt, node, &coap_experts[E_RETRANSMITTED], "Retransmitted");
      *retransmission = TRUE;
    }
}

/* ---- the message ------------------------------------------------------------ */

extern IotDissector iot_dissector_coap;

const int iot_coap_reliable_marker = 1;

/* While readings are wanted: the path the payload's readings belong to,
 * the request's own for a request, its request's for a response. */
static void
set_reading_origin (IotPacket *pkt, CoapState *state, const CoapMessage *msg)
{
  const char *path = msg->uri->str;

  if (!iot_packet_wants_readings (pkt))
    return;
  if (is_tracked (state, msg) && !is_request (msg))
    {
      guint32 trans = find_transaction (pkt, state, msg, FALSE);

      path = trans != 0 ? transaction_uri (state, trans) : NULL;
    }
  if (path != NULL && *path != '\0')
    iot_packet_set_reading_origin (pkt, NULL, path);
}

/* The three strings every message builds, kept per thread and reused:
 * making and freeing them was most of a message's cost in the first
 * pass.  A message's strings are the spares unless the spares are
 * already held in the same frame: a message inside a message, or one
 * after a message that a cut-short frame ended without giving them back. */
typedef struct {
  GString         *strings[3];
  const IotPacket *pkt;       /* who holds them (NULL: nobody) */
  guint32          number;    /* and in which frame */
} SpareStrings;

static void
spare_strings_free (gpointer data)
{
  SpareStrings *spare = data;

  for (guint i = 0; i < G_N_ELEMENTS (spare->strings); i++)
    g_string_free (spare->strings[i], TRUE);
  g_free (spare);
}

static GPrivate spare_strings_key = G_PRIVATE_INIT (spare_strings_free);

static void
message_take_strings (IotPacket *pkt, CoapMessage *msg)
{
  SpareStrings *spare = g_private_get (&spare_strings_key);
  guint32 number = iot_packet_frame_number (pkt);

  if (spare == NULL)
    {
      spare = g_new0 (SpareStrings, 1);
      for (guint i = 0; i < G_N_ELEMENTS (spare->strings); i++)
        spare->strings[i] = g_string_new (NULL);
      g_private_set (&spare_strings_key, spare);
    }
  if (spare->pkt == pkt && spare->number == number)
    {
      msg->uri = g_string_new (NULL);
      msg->query = g_string_new (NULL);
      msg->location = g_string_new (NULL);
      return;
    }
  spare->pkt = pkt;
  spare->number = number;
  for (guint i = 0; i < G_N_ELEMENTS (spare->strings); i++)
    g_string_truncate (spare->strings[i], 0);
  msg->uri = spare->strings[0];
  msg->query = spare->strings[1];
  msg->location = spare->strings[2];
}

static void
message_free_strings (CoapMessage *msg)
{
  SpareStrings *spare = g_private_get (&spare_strings_key);

  if (spare != NULL && msg->uri == spare->strings[0])
    {
      spare->pkt = NULL;
      return;
    }
  g_string_free (msg->uri, TRUE);
  g_string_free (msg->query, TRUE);
  g_string_free (msg->location, TRUE);
}

/* Messages of the LwM2M registration and bootstrap interfaces (paths /rd
 * and /bs) go to the LwM2M layer as well, with what it needs to know. */
static void
hand_to_lwm2m (IotPacket *pkt, const CoapMessage *msg, const IotBuf *buf, guint payload_off)
{
  const IotDissector *lwm2m;
  IotCoapInfo info = { 0 };
  IotBuf payload;
  const char *path = msg->uri->str;

  if (!(g_str_has_prefix (path, "/rd") || g_str_has_prefix (path, "/bs"))
      || (path[3] != '\0' && path[3] != '/'))
    return;
  /* By name only for these paths: every message comes here. */
  lwm2m = iot_registry_dissector ("lwm2m");
  if (lwm2m == NULL)
    return;
  info.code = msg->code;
  info.path = path;
  info.query = msg->query->len > 0 ? msg->query->str : NULL;
  info.location_path = msg->location->len > 0 ? msg->location->str : NULL;
  info.has_content_format = msg->has_ctype;
  info.content_format = msg->ctype;
  payload = iot_buf_sub (buf, MIN (payload_off, buf->length), -1);
  iot_call_dissector_with_data (pkt, lwm2m, &payload, -1, &info);
}

/* The UDP header (RFC 7252 3): version, type, token length, code and
 * message ID.  Returns where the token starts. */
static guint
dissect_datagram_header (IotPacket *pkt, IotBuf *buf, int tree, CoapMessage *msg)
{
  guint8 first = iot_buf_u8 (buf, 0);
  const char *code_str;
  int node;

  msg->type = (first >> 4) & 0x03;
  msg->rec->type = msg->type;
  msg->token_len = first & 0x0f;
  iot_tree_add_item (pkt, tree, &coap_fields[F_VERSION], buf, 0, 1, FALSE);
  iot_tree_add_item (pkt, tree, &coap_fields[F_TYPE], buf, 0, 1, FALSE);
  iot_tree_add_item (pkt, tree, &coap_fields[F_TOKEN_LEN], buf, 0, 1, FALSE);
  msg->code = iot_buf_u8 (buf, 1);
  msg->rec->code = msg->code;
  code_str = code_text (pkt, msg->code);
  node = iot_tree_add_item (pkt, tree, &coap_fields[F_CODE], buf, 1, 1, FALSE);
  iot_tree_set_label (pkt, node, "Code: %s (%u)",
                      iot_value_name (code_names, msg->code) ? code_str : "Unknown", msg->code);
  msg->mid = iot_buf_u16 (buf, 2);
  msg->rec->mid = msg->mid;
  iot_tree_add_item (pkt, tree, &coap_fields[F_MID], buf, 2, 2, FALSE);

  iot_col_printf_info (pkt, "%s, MID:%u, %s", iot_value_name (type_short_names, msg->type),
                       msg->mid, code_str);
  iot_tree_set_label (pkt, tree, "Constrained Application Protocol, %s, %s, MID:%u",
                      iot_value_name (type_names, msg->type), code_str, msg->mid);
  return 4;
}

/* Over TCP and TLS (RFC 8323 3.3) the first byte holds a length nibble
 * and the token length; lengths 13, 14 and 15 take 1, 2 or 4 more bytes.
 * The message length counts every byte, header included.  FALSE when the
 * length bytes are not all there yet. */
static gboolean
reliable_message_length (IotBuf *buf, guint *length_size, guint64 *total)
{
  guint8 first = iot_buf_u8 (buf, 0);
  guint nibble = first >> 4;
  guint64 len;

  *length_size = nibble < 13 ? 1 : nibble == 13 ? 2 : nibble == 14 ? 3 : 5;
  if (buf->reported < *length_size)
    return FALSE;
  switch (nibble)
    {
    case 13: len = iot_buf_u8 (buf, 1) + 13u; break;
    case 14: len = iot_buf_u16 (buf, 1) + 269u; break;
    case 15: len = (guint64) iot_buf_u32 (buf, 1) + 65805u; break;
    default: len = nibble; break;
    }
  *total = len + *length_size + 1 + (first & 0x0f);
  return TRUE;
}

/* The TCP/TLS header: length, token length and code; there is no type
 * and no message ID (the transport is reliable).  Returns where the token
 * starts. */
static guint
dissect_reliable_header (IotPacket *pkt, IotBuf *buf, int tree, CoapMessage *msg, guint length_size)
{
  const char *code_str;
  int node;

  msg->type = TYPE_NONE;
  msg->mid = 0;
  msg->token_len = iot_buf_u8 (buf, 0) & 0x0f;
  iot_tree_add_uint (pkt, tree, &coap_fields[F_LENGTH], buf, 0, length_size, buf->reported);
  iot_tree_add_item (pkt, tree, &coap_fields[F_TOKEN_LEN], buf, 0, 1, FALSE);
  msg->code = iot_buf_u8 (buf, length_size);
  msg->rec->code = msg->code;
  code_str = code_text (pkt, msg->code);
  node = iot_tree_add_item (pkt, tree, &coap_fields[F_CODE], buf, length_size, 1, FALSE);
  iot_tree_set_label (pkt, node, "Code: %s (%u)",
                      iot_value_name (code_names, msg->code) ? code_str : "Unknown", msg->code);
  iot_col_printf_info (pkt, "%s", code_str);
  iot_tree_set_label (pkt, tree, "Constrained Application Protocol, %s", code_str);
  return length_size + 1;
}

/* The message for the taps, queued where it starts (the header, options,
 * URI and the exchange show_match finds are filled in as they are read).
 * Nobody asked: @scratch takes the facts. */
static IotTapCoap *
publish_message (IotPacket *pkt, IotTapCoap *scratch)
{
  IotTapCoap rec = { .type = TYPE_NONE, .cut = TRUE, .response_time_ns = -1, .observe = -1 };
  IotTapCoap *queued;

  rec.in_error = iot_packet_in_error (pkt);
  queued = iot_tap_queue_open (pkt, IOT_TAP_COAP, &rec);
  if (queued != NULL)
    return queued;
  *scratch = rec;
  return scratch;
}

static int
dissect_message (IotPacket *pkt, IotBuf *buf, int parent, gboolean reliable, guint length_size)
{
  CoapState *state = iot_packet_state (pkt, &iot_dissector_coap);
  CoapMessage msg = { 0 };
  guint32 trans_found = 0;
  IotTapCoap scratch;
  gboolean has_marker, retransmission;
  int tree, node, after;
  guint token_at;

  iot_col_set_protocol (pkt, "CoAP");
  iot_col_clear_info (pkt);
  tree = iot_tree_add_protocol (pkt, parent, &coap_fields[F_PROTO], buf, 0, -1);
  msg.rec = publish_message (pkt, &scratch);
  msg.trans_found = &trans_found;
  token_at = reliable ? dissect_reliable_header (pkt, buf, tree, &msg, length_size)
                      : dissect_datagram_header (pkt, buf, tree, &msg);

  if (msg.token_len > 0)
    {
      msg.token = iot_buf_ptr (buf, token_at, msg.token_len);
      iot_tree_add_item (pkt, tree, &coap_fields[F_TOKEN], buf, token_at, msg.token_len, FALSE);
      msg.rec->token = msg.token;
      msg.rec->token_len = (guint8) msg.token_len;
    }

  message_take_strings (pkt, &msg);
  after = dissect_options (pkt, tree, buf, token_at + msg.token_len, &msg, &has_marker);
  if (after < 0)
    {
      message_free_strings (&msg);
      return buf->reported;
    }

  record_message (pkt, state, &msg);
  if (has_marker && iot_buf_reported_remaining (buf, after) > 0)
    {
      set_reading_origin (pkt, state, &msg);
      IotBuf payload = iot_buf_sub (buf, after, -1), body;
      const char *location = payload_location (pkt, state, &msg);

      /* A payload cut short by the snap length ends the message here. */
      iot_buf_check (buf, after, iot_buf_reported_remaining (buf, after));
      if (!msg.has_block)
        dissect_payload (pkt, tree, &msg, &payload, location);
      else if (dissect_block (pkt, state, tree, &msg, &payload, &body))
        dissect_payload (pkt, tree, &msg, &body, location);
    }

  /* Tracking before the URI row: a response shows its request's URI. */
  {
    int recon_parent = tree;

    /* A response shows the URI of its token's request, never its own
     * Uri-* options (messages outside exchanges show their own). */
    if (is_tracked (state, &msg) && !is_request (&msg))
      {
        guint32 trans = find_transaction (pkt, state, &msg, FALSE);

        g_string_assign (msg.uri, trans != 0 ? transaction_uri (state, trans) : "");
      }
    if (msg.uri->len > 0)
      {
        node = iot_tree_add_string (pkt, recon_parent, &coap_fields[F_OPT_URI_PATH_RECON], NULL, 0, 0,
                                    msg.uri->str, msg.uri->len);
        iot_tree_set_generated (pkt, node);
        if (iot_tap_wanted (pkt, IOT_TAP_COAP))
          msg.rec->uri = iot_packet_valid_utf8 (pkt, (const guint8 *) msg.uri->str,
                                                strnlen (msg.uri->str, msg.uri->len));
      }
  }
  show_match (pkt, state, tree, &msg, &retransmission, msg.rec);
  msg.rec->retransmission = retransmission;
  msg.rec->cut = FALSE;

  if (msg.token_len > 0 && iot_packet_wants_columns (pkt))
    iot_col_append_info (pkt, ", TKN:%s", spaced_hex (pkt, msg.token, msg.token_len));
  if (msg.has_block)
    {
      gboolean describes_body = msg.block_option == (is_request (&msg) ? OPT_BLOCK1 : OPT_BLOCK2);

      iot_col_append_info (pkt, ", %sBlock #%u", describes_body && !msg.block_more ? "End of " : "",
                           msg.block_number);
    }
  if (msg.uri->len > 0 && iot_packet_wants_columns (pkt))
    iot_col_append_info (pkt, ", %s", escape_text (pkt, msg.uri->str));
  if (msg.query->len > 0 && iot_packet_wants_columns (pkt))
    iot_col_append_info (pkt, "%s", escape_text (pkt, msg.query->str));
  if (retransmission)
    iot_col_append_info (pkt, " [Retransmission]");
  hand_to_lwm2m (pkt, &msg, buf, has_marker ? (guint) after : buf->length);
  message_free_strings (&msg);
  return buf->reported;
}

/* CoAP over TCP or TLS: the message at the start of @buf, once all its
 * bytes are there (tshark, too, reads one message per call). */
static int
dissect_reliable (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint length_size;
  guint64 total;

  if (buf->reported == 0)
    return 0;
  if (!reliable_message_length (buf, &length_size, &total))
    {
      iot_packet_request_more (pkt, buf, 0, 0);
      return 0;
    }
  if (total > buf->reported)
    {
      iot_packet_request_more (pkt, buf, 0, (guint) MIN (total - buf->reported, G_MAXUINT));
      return 0;
    }
  {
    IotBuf msg = iot_buf_sub (buf, 0, (gint) total);

    return dissect_message (pkt, &msg, parent, TRUE, length_size);
  }
}

static int
dissect_coap (IotPacket *pkt, IotBuf *buf, int parent, gpointer data)
{
  if (data == IOT_COAP_RELIABLE)
    return dissect_reliable (pkt, buf, parent);
  return dissect_message (pkt, buf, parent, FALSE, 0);
}

IotDissector iot_dissector_coap = {
  .name = "CoAP",
  .abbrev = "coap",
  .long_name = "Constrained Application Protocol",
  .fields = coap_fields,
  .n_fields = N_FIELDS,
  .experts = coap_experts,
  .n_experts = N_EXPERTS,
  .dissect_with_data = dissect_coap,
  .handoff = { { "udp.port", 5683 } },
  .state_new = coap_state_new,
  .state_free = coap_state_free,
};
