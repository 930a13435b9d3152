/* mqtt.c — MQTT (MQ Telemetry Transport) 3.1, 3.1.1 and 5.0 over TCP.
 *
 * A TCP segment may carry several MQTT messages, or only part of one: every
 * complete message is dissected in turn, and for a cut one the dissector
 * asks the transport for the missing bytes (iot_packet_request_more).
 *
 * The server's messages do not say which protocol version is in use; only
 * the client's CONNECT does.  The first pass therefore remembers, per TCP
 * connection, the version of the latest CONNECT and records for each frame
 * the version in force when it starts.  MQTT 5 topic aliases are resolved
 * the same way: the first pass tracks which topic each alias stands for (per
 * connection and direction) and records, per message, the topic it found.
 *
 * Request/response matching (our own fields; tshark 4.0 has none) works the
 * same way too: the first pass pairs each request with its answer and keeps,
 * per message, only the frame numbers of its partners (MsgTx); any later
 * dissection reads them back and computes times from the frame index.
 */

#include <string.h>

#include "iot-dissector.h"
#include "mqtt-idmap.h"
#include "iot-mqtt-rules.h"

extern IotDissector iot_dissector_mqtt;

#define MQTT_PORT 1883

enum {
  MQTT_V31 = 3,
  MQTT_V311 = 4,
  MQTT_V50 = 5,
};

enum {
  T_RESERVED,
  T_CONNECT,
  T_CONNACK,
  T_PUBLISH,
  T_PUBACK,
  T_PUBREC,
  T_PUBREL,
  T_PUBCOMP,
  T_SUBSCRIBE,
  T_SUBACK,
  T_UNSUBSCRIBE,
  T_UNSUBACK,
  T_PINGREQ,
  T_PINGRESP,
  T_DISCONNECT,
  T_AUTH,
};

enum {
  F_PROTO,
  F_HDRFLAGS,
  F_MSGTYPE,
  F_HDR_RESERVED,
  F_RETAIN_RESERVED,
  F_DUPFLAG,
  F_QOS,
  F_RETAIN,
  F_LEN,
  F_CONACK_FLAGS,
  F_CONACK_RESERVED,
  F_CONACK_SP,
  F_CONACK_VAL,
  F_MSGID,
  F_SUB_QOS,
  F_SUBACK_QOS,
  F_TOPIC_LEN,
  F_TOPIC,
  F_WILLTOPIC_LEN,
  F_WILLTOPIC,
  F_WILLMSG_LEN,
  F_WILLMSG,
  F_USERNAME_LEN,
  F_USERNAME,
  F_PASSWD_LEN,
  F_PASSWD,
  F_MSG,
  F_PROTO_LEN,
  F_PROTONAME,
  F_CLIENTID_LEN,
  F_CLIENTID,
  F_VER,
  F_CONFLAGS,
  F_CONFLAG_UNAME,
  F_CONFLAG_PASSWD,
  F_CONFLAG_RETAIN,
  F_CONFLAG_QOS,
  F_CONFLAG_WILLFLAG,
  F_CONFLAG_CLEANSESS,
  F_CONFLAG_RESERVED,
  F_KALIVE,
  F_SUBOPT,
  F_SUBOPT_QOS,
  F_SUBOPT_NL,
  F_SUBOPT_RAP,
  F_SUBOPT_RETAIN,
  F_SUBOPT_RESERVED,
  F_RC_CONNACK,
  F_RC_PUBACK,
  F_RC_PUBREC,
  F_RC_PUBREL,
  F_RC_PUBCOMP,
  F_RC_SUBACK,
  F_RC_UNSUBACK,
  F_RC_DISCONNECT,
  F_RC_AUTH,
  F_PROPERTIES,
  F_WILL_PROPERTIES,
  F_PROPERTY_LEN,
  F_PROPERTY_ID,
  F_PROP_NUMBER,
  F_PROP_CONTENT_TYPE,
  F_PROP_MAX_QOS,
  F_PROP_TOPIC_ALIAS,
  F_PROP_UNKNOWN,
  F_PROP_STRING_LEN,
  F_PROP_STRING,
  F_PROP_KEY_LEN,
  F_PROP_KEY,
  F_PROP_VALUE_LEN,
  F_PROP_VALUE,
  /* Our own analysis (tshark 4.0 has no MQTT request/response matching). */
  F_RESPONSE_IN,
  F_RESPONSE_TO,
  F_RESPONSE_TIME,
  F_PUBREC_IN,
  F_PUBREL_IN,
  F_PUBCOMP_IN,
  F_PUBLISH_IN,
  F_HANDSHAKE_TIME,
  F_DUP_OF,
  N_FIELDS
};

/* ---- value names ------------------------------------------------------------ */

static const IotValueName msgtype_names[] = {
  { T_RESERVED, "Reserved" },
  { T_CONNECT, "Connect Command" },
  { T_CONNACK, "Connect Ack" },
  { T_PUBLISH, "Publish Message" },
  { T_PUBACK, "Publish Ack" },
  { T_PUBREC, "Publish Received" },
  { T_PUBREL, "Publish Release" },
  { T_PUBCOMP, "Publish Complete" },
  { T_SUBSCRIBE, "Subscribe Request" },
  { T_SUBACK, "Subscribe Ack" },
  { T_UNSUBSCRIBE, "Unsubscribe Request" },
  { T_UNSUBACK, "Unsubscribe Ack" },
  { T_PINGREQ, "Ping Request" },
  { T_PINGRESP, "Ping Response" },
  { T_DISCONNECT, "Disconnect Req" },
  { T_AUTH, "Authentication Exchange" },
  IOT_VALUE_NAMES_END
};

static const IotValueName qos_names[] = {
  { 0, "At most once delivery (Fire and Forget)" },
  { 1, "At least once delivery (Acknowledged deliver)" },
  { 2, "Exactly once delivery (Assured Delivery)" },
  { 3, "Reserved" },
  IOT_VALUE_NAMES_END
};

static const IotValueName suback_qos_names[] = {
  { 0, "At most once delivery (Fire and Forget)" },
  { 1, "At least once delivery (Acknowledged deliver)" },
  { 2, "Exactly once delivery (Assured Delivery)" },
  { 3, "Reserved" },
  { 128, "Failure" },
  IOT_VALUE_NAMES_END
};

static const IotValueName conack_names[] = {
  { 0, "Connection Accepted" },
  { 1, "Connection Refused: unacceptable protocol version" },
  { 2, "Connection Refused: identifier rejected" },
  { 3, "Connection Refused: server unavailable" },
  { 4, "Connection Refused: bad user name or password" },
  { 5, "Connection Refused: not authorized" },
  IOT_VALUE_NAMES_END
};

static const IotValueName version_names[] = {
  { MQTT_V31, "MQTT v3.1" },
  { MQTT_V311, "MQTT v3.1.1" },
  { MQTT_V50, "MQTT v5.0" },
  IOT_VALUE_NAMES_END
};

static const IotValueName retain_handling_names[] = {
  { 0, "Send msgs at subscription time" },
  { 1, "Send msgs if subscription does not exist" },
  { 2, "Do not send msgs at subscription time" },
  { 3, "Reserved" },
  IOT_VALUE_NAMES_END
};

enum {
  P_PAYLOAD_FORMAT_INDICATOR = 0x01,
  P_MESSAGE_EXPIRY_INTERVAL = 0x02,
  P_CONTENT_TYPE = 0x03,
  P_RESPONSE_TOPIC = 0x08,
  P_CORRELATION_DATA = 0x09,
  P_SUBSCRIPTION_IDENTIFIER = 0x0b,
  P_SESSION_EXPIRY_INTERVAL = 0x11,
  P_ASSIGNED_CLIENT_IDENTIFIER = 0x12,
  P_SERVER_KEEP_ALIVE = 0x13,
  P_AUTH_METHOD = 0x15,
  P_AUTH_DATA = 0x16,
  P_REQUEST_PROBLEM_INFORMATION = 0x17,
  P_WILL_DELAY_INTERVAL = 0x18,
  P_REQUEST_RESPONSE_INFORMATION = 0x19,
  P_RESPONSE_INFORMATION = 0x1a,
  P_SERVER_REFERENCE = 0x1c,
  P_REASON_STRING = 0x1f,
  P_RECEIVE_MAXIMUM = 0x21,
  P_TOPIC_ALIAS_MAXIMUM = 0x22,
  P_TOPIC_ALIAS = 0x23,
  P_MAXIMUM_QOS = 0x24,
  P_RETAIN_AVAILABLE = 0x25,
  P_USER_PROPERTY = 0x26,
  P_MAXIMUM_PACKET_SIZE = 0x27,
  P_WILDCARD_SUBSCRIPTION_AVAILABLE = 0x28,
  P_SUBSCRIPTION_IDENTIFIER_AVAILABLE = 0x29,
  P_SHARED_SUBSCRIPTION_AVAILABLE = 0x2a,
};

static const IotValueName property_names[] = {
  { P_PAYLOAD_FORMAT_INDICATOR, "Payload Format Indicator" },
  { P_MESSAGE_EXPIRY_INTERVAL, "Publication Expiry Interval" },
  { P_CONTENT_TYPE, "Content Type" },
  { P_RESPONSE_TOPIC, "Response Topic" },
  { P_CORRELATION_DATA, "Correlation Data" },
  { P_SUBSCRIPTION_IDENTIFIER, "Subscription Identifier" },
  { P_SESSION_EXPIRY_INTERVAL, "Session Expiry Interval" },
  { P_ASSIGNED_CLIENT_IDENTIFIER, "Assigned Client Identifier" },
  { P_SERVER_KEEP_ALIVE, "Server Keep Alive" },
  { P_AUTH_METHOD, "Authentication Method" },
  { P_AUTH_DATA, "Authentication Data" },
  { P_REQUEST_PROBLEM_INFORMATION, "Request Problem Information" },
  { P_WILL_DELAY_INTERVAL, "Will Delay Interval" },
  { P_REQUEST_RESPONSE_INFORMATION, "Request Response Information" },
  { P_RESPONSE_INFORMATION, "Response Information" },
  { P_SERVER_REFERENCE, "Server Reference" },
  { P_REASON_STRING, "Reason String" },
  { P_RECEIVE_MAXIMUM, "Receive Maximum" },
  { P_TOPIC_ALIAS_MAXIMUM, "Topic Alias Maximum" },
  { P_TOPIC_ALIAS, "Topic Alias" },
  { P_MAXIMUM_QOS, "Maximum QoS" },
  { P_RETAIN_AVAILABLE, "Retain Available" },
  { P_USER_PROPERTY, "User Property" },
  { P_MAXIMUM_PACKET_SIZE, "Maximum Packet Size" },
  { P_WILDCARD_SUBSCRIPTION_AVAILABLE, "Wildcard Subscription Available" },
  { P_SUBSCRIPTION_IDENTIFIER_AVAILABLE, "Subscription Identifier Available" },
  { P_SHARED_SUBSCRIPTION_AVAILABLE, "Shared Subscription Available" },
  IOT_VALUE_NAMES_END
};

/* MQTT 5 reason codes: one number space, but each message type allows its
 * own subset, so each reason-code field has its own table. */
static const IotValueName rc_connack_names[] = {
  { 0x00, "Success" },
  { 0x80, "Unspecified error" },
  { 0x81, "Malformed Packet" },
  { 0x82, "Protocol Error" },
  { 0x83, "Implementation specific error" },
  { 0x84, "Unsupported Protocol Version" },
  { 0x85, "Client Identifier not valid" },
  { 0x86, "Bad User Name or Password" },
  { 0x87, "Not authorized" },
  { 0x88, "Server unavailable" },
  { 0x89, "Server busy" },
  { 0x8a, "Banned" },
  { 0x8c, "Bad authentication method" },
  { 0x90, "Topic Name invalid" },
  { 0x95, "Packet too large" },
  { 0x97, "Quota exceeded" },
  { 0x9a, "Retain not supported" },
  { 0x9b, "QoS not supported" },
  { 0x9c, "Use another server" },
  { 0x9d, "Server moved" },
  { 0x9f, "Connection rate exceeded" },
  IOT_VALUE_NAMES_END
};

static const IotValueName rc_puback_names[] = {
  { 0x00, "Success" },
  { 0x10, "No matching subscribers" },
  { 0x80, "Unspecified error" },
  { 0x83, "Implementation specific error" },
  { 0x87, "Not authorized" },
  { 0x90, "Topic Name invalid" },
  { 0x91, "Packet Identifier in use" },
  { 0x97, "Quota exceeded" },
  { 0x99, "Payload format invalid" },
  IOT_VALUE_NAMES_END
};

static const IotValueName rc_pubrel_names[] = {
  { 0x00, "Success" },
  { 0x92, "Packet Identifier not found" },
  IOT_VALUE_NAMES_END
};

static const IotValueName rc_suback_names[] = {
  { 0x00, "Granted QoS 0" },
  { 0x01, "Granted QoS 1" },
  { 0x02, "Granted QoS 2" },
  { 0x80, "Unspecified error" },
  { 0x83, "Implementation specific error" },
  { 0x87, "Not authorized" },
  { 0x8f, "Topic Filter invalid" },
  { 0x91, "Packet Identifier in use" },
  { 0x97, "Quota exceeded" },
  { 0x9e, "Shared Subscription not supported" },
  { 0xa1, "Subscription Identifiers not supported" },
  { 0xa2, "Wildcard Subscription not supported" },
  IOT_VALUE_NAMES_END
};

static const IotValueName rc_unsuback_names[] = {
  { 0x00, "Success" },
  { 0x11, "No subscription existed" },
  { 0x83, "Implementation specific error" },
  { 0x87, "Not authorized" },
  { 0x8f, "Topic Filter invalid" },
  { 0x91, "Packet Identifier in use" },
  IOT_VALUE_NAMES_END
};

static const IotValueName rc_disconnect_names[] = {
  { 0x00, "Normal disconnection" },
  { 0x04, "Disconnect with Will Message" },
  { 0x80, "Unspecified error" },
  { 0x81, "Malformed Packet" },
  { 0x82, "Protocol Error" },
  { 0x83, "Implementation specific error" },
  { 0x87, "Not authorized" },
  { 0x89, "Server busy" },
  { 0x8b, "Server shutting down" },
  { 0x8c, "Bad authentication method" },
  { 0x8d, "Keep Alive timeout" },
  { 0x8e, "Session taken over" },
  { 0x8f, "Topic Filter invalid" },
  { 0x90, "Topic Name invalid" },
  { 0x93, "Receive Maximum exceeded" },
  { 0x94, "Topic Alias invalid" },
  { 0x95, "Packet too large" },
  { 0x96, "Message rate too high" },
  { 0x97, "Quota exceeded" },
  { 0x98, "Administrative action" },
  { 0x99, "Payload format invalid" },
  { 0x9a, "Retain not supported" },
  { 0x9b, "QoS not supported" },
  { 0x9c, "Use another server" },
  { 0x9d, "Server moved" },
  { 0x9e, "Shared Subscription not supported" },
  { 0x9f, "Connection rate exceeded" },
  { 0xa0, "Maximum connect time" },
  { 0xa1, "Subscription Identifiers not supported" },
  { 0xa2, "Wildcard Subscription not supported" },
  IOT_VALUE_NAMES_END
};

static const IotValueName rc_auth_names[] = {
  { 0x00, "Success" },
  { 0x18, "Continue authentication" },
  { 0x19, "Re-authenticate" },
  IOT_VALUE_NAMES_END
};

/* ---- fields ----------------------------------------------------------------- */

#define RC_FIELD(abbrev, names, what) \
  { abbrev, "Reason Code", IOT_FT_UINT8, IOT_BASE_DEC, names, 0, \
    "MQTT 5 outcome of the " what ": 0 means success, 128 (0x80) and above are errors." }

enum {
  E_REASON_CODE,
  E_PROPERTY_LENGTH,
  E_PROPERTIES_OVERRUN,
  E_UNKNOWN_PROPERTY,
  E_PROTOCOL_LEVEL,
  E_CONNECT_RESERVED,
  E_WILL_QOS,
  E_ILLEGAL_TOPIC_LENGTH,
  E_CONNACK_REFUSED,
  E_TRAILING,
  E_UNKNOWN_TOPIC_ALIAS,
  E_SUBSCRIPTION_QOS,
  E_SUBSCRIPTION_REFUSED,
  E_REQUEST_MISSING,
  E_PUBLISH_UNACKED,
  E_RESPONSE_MISSING,
  E_UNKNOWN_VERSION,
  E_QOS_INVALID,
  E_DUP_ON_QOS0,
  E_QOS1_REQUIRED,
  E_RESERVED_FLAGS,
  E_RESERVED_TYPE,
  E_REMAINING_LENGTH,
  N_EXPERTS
};

static IotExpertInfo mqtt_experts[N_EXPERTS] = {
  [E_REASON_CODE] = IOT_EXPERT_INFO ("mqtt.reason_code.failure", IOT_SEV_NOTE, IOT_GROUP_RESPONSE_CODE, "Failure reason code",
                              "The receiver answered with a reason code of 0x80 or more: it refused or could not do what was asked (the code says why)."),
  [E_PROPERTY_LENGTH] = IOT_EXPERT_INFO ("mqtt.property_length.too_long", IOT_SEV_ERROR, IOT_GROUP_MALFORMED, "Property length uses more than 4 bytes",
                              "A variable-length integer in MQTT has at most 4 bytes; a longer one means the bytes are not MQTT or were damaged."),
  [E_PROPERTIES_OVERRUN] = IOT_EXPERT_INFO ("mqtt.properties.overrun", IOT_SEV_ERROR, IOT_GROUP_MALFORMED, "The properties run past the end of the message",
                              "The property length says more bytes than the message holds, so the sender built the message wrongly."),
  [E_UNKNOWN_PROPERTY] = IOT_EXPERT_INFO ("mqtt.property.unknown", IOT_SEV_WARN, IOT_GROUP_MALFORMED, "Unknown property ID",
                              "MQTT 5 defines a fixed set of property ids; an unknown one cannot be skipped, so the properties after it stay undecoded."),
  [E_PROTOCOL_LEVEL] = IOT_EXPERT_INFO ("mqtt.protocol_level.unknown", IOT_SEV_WARN, IOT_GROUP_PROTOCOL, "Unknown MQTT protocol level",
                              "CONNECT names the protocol level: 3 is MQTT 3.1, 4 is 3.1.1, 5 is 5.0. A broker refuses any other."),
  [E_CONNECT_RESERVED] = IOT_EXPERT_INFO ("mqtt.conflags.reserved_set", IOT_SEV_WARN, IOT_GROUP_MALFORMED, "Reserved connect flag is set",
                              "Bit 0 of the CONNECT flags is reserved and must be 0; a broker must close a connection that sets it."),
  [E_WILL_QOS] = IOT_EXPERT_INFO ("mqtt.conflag.will_qos.invalid", IOT_SEV_WARN, IOT_GROUP_MALFORMED, "Will QoS 3 is not a valid QoS",
                              "The Will QoS takes the values 0, 1 or 2; 3 is a protocol violation."),
  [E_ILLEGAL_TOPIC_LENGTH] = IOT_EXPERT_INFO ("mqtt.illegal_topic_length", IOT_SEV_WARN, IOT_GROUP_PROTOCOL, "Length cannot be 0",
                              "A topic or topic filter must be at least one character long (an MQTT 5 PUBLISH may leave it empty only when it uses a topic alias)."),
  [E_CONNACK_REFUSED] = IOT_EXPERT_INFO ("mqtt.conack.refused", IOT_SEV_NOTE, IOT_GROUP_RESPONSE_CODE, "Connection refused",
                              "The broker refused the connection; the return code says why (bad credentials, not authorised, unsupported version ...)."),
  [E_TRAILING] = IOT_EXPERT_INFO ("mqtt.trailing_data", IOT_SEV_WARN, IOT_GROUP_UNDECODED, "Trailing stray characters",
                              "Bytes left over after the message's declared content: the sender's length fields and content disagree."),
  [E_UNKNOWN_TOPIC_ALIAS] = IOT_EXPERT_INFO ("mqtt.unknown_topic_alias", IOT_SEV_NOTE, IOT_GROUP_PROTOCOL, "Unknown topic alias",
                              "MQTT 5 lets a sender replace a topic by a number it set earlier on the same connection; this number was never set in the capture (perhaps before it started)."),
  [E_SUBSCRIPTION_QOS] = IOT_EXPERT_INFO ("mqtt.subscription.qos.invalid", IOT_SEV_WARN, IOT_GROUP_MALFORMED, "QoS 3 is not a valid QoS",
                              "A subscription asks for QoS 0, 1 or 2; 3 is a protocol violation."),
  [E_SUBSCRIPTION_REFUSED] = IOT_EXPERT_INFO ("mqtt.suback.refused", IOT_SEV_NOTE, IOT_GROUP_RESPONSE_CODE, "Subscription refused",
                              "The broker refused this subscription (0x80 in SUBACK), often because an access list does not allow the topic filter."),
  [E_REQUEST_MISSING] = IOT_EXPERT_INFO ("mqtt.request.missing", IOT_SEV_NOTE, IOT_GROUP_SEQUENCE, "No request seen",
                              "This answer refers to a packet id whose request is not in the capture, usually because the capture started later."),
  [E_PUBLISH_UNACKED] = IOT_EXPERT_INFO ("mqtt.publish.unacknowledged", IOT_SEV_WARN, IOT_GROUP_SEQUENCE, "PUBLISH never acknowledged",
                              "A QoS 1 or 2 PUBLISH needs a PUBACK or PUBREC from the receiver; none came on this connection before the capture ended or the connection closed."),
  [E_RESPONSE_MISSING] = IOT_EXPERT_INFO ("mqtt.response.missing", IOT_SEV_WARN, IOT_GROUP_SEQUENCE, "No response seen",
                              "This request (SUBSCRIBE, UNSUBSCRIBE, PUBREL, PINGREQ ...) expects an answer that never came on this connection."),
  [E_UNKNOWN_VERSION] = IOT_EXPERT_INFO ("mqtt.unknown_version", IOT_SEV_NOTE, IOT_GROUP_PROTOCOL, "Unknown version (missing the CONNECT packet?)",
                              "Only CONNECT says which MQTT version a connection speaks; without it some fields cannot be told apart."),
  [E_QOS_INVALID] = IOT_EXPERT_INFO ("mqtt.qos.invalid", IOT_SEV_ERROR, IOT_GROUP_MALFORMED, "QoS 3 is not a valid QoS (must be 0, 1 or 2)",
                              "The QoS bits of a PUBLISH take 0, 1 or 2; 3 is a protocol violation and the receiver must close the connection."),
  [E_DUP_ON_QOS0] = IOT_EXPERT_INFO ("mqtt.dupflag.qos0", IOT_SEV_WARN, IOT_GROUP_MALFORMED, "DUP flag set on a QoS 0 message",
                              "DUP marks a resent QoS 1 or 2 message; a QoS 0 message is never resent, so DUP must be 0."),
  [E_QOS1_REQUIRED] = IOT_EXPERT_INFO ("mqtt.hdrflags.qos1_required", IOT_SEV_WARN, IOT_GROUP_MALFORMED, "Message must be sent with QoS 1",
                              "MQTT 3.1 requires PUBREL, SUBSCRIBE and UNSUBSCRIBE to carry QoS 1 in their fixed header."),
  [E_RESERVED_FLAGS] = IOT_EXPERT_INFO ("mqtt.hdrflags.reserved", IOT_SEV_WARN, IOT_GROUP_MALFORMED, "Reserved flags have the wrong value",
                              "Apart from PUBLISH, each message type has fixed values for the low 4 bits of its first byte; other values are a protocol violation."),
  [E_RESERVED_TYPE] = IOT_EXPERT_INFO ("mqtt.msgtype.reserved", IOT_SEV_WARN, IOT_GROUP_MALFORMED, "Message type is reserved in this version",
                              "Type 0 is reserved in every version and type 15 (AUTH) exists only in MQTT 5."),
  [E_REMAINING_LENGTH] = IOT_EXPERT_INFO ("mqtt.len.too_long", IOT_SEV_ERROR, IOT_GROUP_MALFORMED, "Remaining Length uses more than 4 bytes",
                              "The Remaining Length has at most 4 bytes; a longer one means the bytes are not MQTT or were damaged."),
};

static IotField mqtt_fields[N_FIELDS] = {
  [F_PROTO] = { "mqtt", "MQ Telemetry Transport Protocol", IOT_FT_PROTOCOL, .blurb =
    "MQTT: the publish/subscribe messaging protocol of many IoT devices. Clients publish messages "
    "on named topics to a broker, which forwards them to every client subscribed to those topics." },
  [F_HDRFLAGS] = { "mqtt.hdrflags", "Header Flags", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "First byte of every MQTT message: the message type (high 4 bits) and 4 type-specific flag bits." },
  [F_MSGTYPE] = { "mqtt.msgtype", "Message Type", IOT_FT_UINT8, IOT_BASE_DEC, msgtype_names, 0xf0,
    "What kind of MQTT message this is: 1 CONNECT, 2 CONNACK, 3 PUBLISH, 8 SUBSCRIBE, 12 PINGREQ, 14 DISCONNECT …" },
  [F_HDR_RESERVED] = { "mqtt.hdr_reserved", "Reserved", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0x0f,
    "The 4 flag bits of a message other than PUBLISH. They are fixed: 2 (0010) for PUBREL, SUBSCRIBE and "
    "UNSUBSCRIBE, 0 for all others." },
  [F_RETAIN_RESERVED] = { "mqtt.retain_reserved", "Reserved", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0x01,
    "MQTT 3.1: the unused lowest flag bit of PUBREL, SUBSCRIBE and UNSUBSCRIBE." },
  [F_DUPFLAG] = { "mqtt.dupflag", "DUP Flag", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x08,
    "Set when the sender is delivering this message again because it got no acknowledgement the first time." },
  [F_QOS] = { "mqtt.qos", "QoS Level", IOT_FT_UINT8, IOT_BASE_DEC, qos_names, 0x06,
    "Quality of Service: 0 = sent once, may be lost; 1 = repeated until acknowledged (PUBACK), may arrive "
    "twice; 2 = four-message handshake (PUBREC/PUBREL/PUBCOMP) so it arrives exactly once. 3 is invalid." },
  [F_RETAIN] = { "mqtt.retain", "Retain", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x01,
    "Set when the broker should keep this message and hand it to every client that subscribes later "
    "(e.g. a device's last known state)." },
  [F_LEN] = { "mqtt.len", "Msg Len", IOT_FT_UINT64, IOT_BASE_DEC, NULL, 0,
    "Remaining Length: how many bytes of the message follow this field. It is coded in 1 to 4 bytes, "
    "7 bits each, so a message can be up to about 256 MB." },
  [F_CONACK_FLAGS] = { "mqtt.conack.flags", "Acknowledge Flags", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "Flag byte of the broker's CONNACK answer." },
  [F_CONACK_RESERVED] = { "mqtt.conack.flags.reserved", "Reserved", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0xfe,
    "Unused CONNACK flag bits; they must be 0." },
  [F_CONACK_SP] = { "mqtt.conack.flags.sp", "Session Present", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x01,
    "Set when the broker still had a stored session (subscriptions, queued messages) for this client ID." },
  [F_CONACK_VAL] = { "mqtt.conack.val", "Return Code", IOT_FT_UINT8, IOT_BASE_DEC, conack_names, 0,
    "MQTT 3.1/3.1.1 answer to CONNECT: 0 accepted; 1-5 refused (bad version, client ID, server "
    "unavailable, bad user name or password, not authorized)." },
  [F_MSGID] = { "mqtt.msgid", "Message Identifier", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Packet identifier: pairs a request with its acknowledgement (PUBLISH QoS>0 with PUBACK/PUBREC, "
    "SUBSCRIBE with SUBACK …). Only messages that get an answer carry one." },
  [F_SUB_QOS] = { "mqtt.sub.qos", "Requested QoS", IOT_FT_UINT8, IOT_BASE_DEC, qos_names, 0,
    "The highest QoS the subscriber wants to receive messages of this topic filter with." },
  [F_SUBACK_QOS] = { "mqtt.suback.qos", "Granted QoS", IOT_FT_UINT8, IOT_BASE_DEC, suback_qos_names, 0,
    "The QoS the broker grants for one topic filter of the SUBSCRIBE, in the same order; 128 = refused." },
  [F_TOPIC_LEN] = { "mqtt.topic_len", "Topic Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Length in bytes of the topic name or topic filter that follows." },
  [F_TOPIC] = { "mqtt.topic", "Topic", IOT_FT_STRING, .blurb =
    "The topic: a '/'-separated name such as sensors/kitchen/temperature. In SUBSCRIBE it is a filter where "
    "'+' matches one level and '#' all remaining levels. Shown in brackets when it was looked up from a "
    "topic alias." },
  [F_WILLTOPIC_LEN] = { "mqtt.willtopic_len", "Will Topic Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Length of the will topic." },
  [F_WILLTOPIC] = { "mqtt.willtopic", "Will Topic", IOT_FT_STRING, .blurb =
    "Topic on which the broker publishes the will message if this client disappears without a DISCONNECT." },
  [F_WILLMSG_LEN] = { "mqtt.willmsg_len", "Will Message Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Length of the will message." },
  [F_WILLMSG] = { "mqtt.willmsg", "Will Message", IOT_FT_BYTES, .blurb =
    "The \"last will\": what the broker publishes for this client if the connection dies unexpectedly "
    "(e.g. \"offline\")." },
  [F_USERNAME_LEN] = { "mqtt.username_len", "User Name Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Length of the user name." },
  [F_USERNAME] = { "mqtt.username", "User Name", IOT_FT_STRING, .blurb =
    "User name the client logs in with." },
  [F_PASSWD_LEN] = { "mqtt.passwd_len", "Password Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Length of the password." },
  [F_PASSWD] = { "mqtt.passwd", "Password", IOT_FT_STRING, .blurb =
    "Password, sent in clear text: anyone who can capture plain MQTT (port 1883) can read it. Use MQTT "
    "over TLS (port 8883) to hide it." },
  [F_MSG] = { "mqtt.msg", "Message", IOT_FT_BYTES, .blurb =
    "The application payload of the PUBLISH: any bytes (text, JSON, binary sensor values); MQTT does not "
    "look inside." },
  [F_PROTO_LEN] = { "mqtt.proto_len", "Protocol Name Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Length of the protocol name (4 for \"MQTT\", 6 for \"MQIsdp\")." },
  [F_PROTONAME] = { "mqtt.protoname", "Protocol Name", IOT_FT_STRING, .blurb =
    "\"MQTT\" (versions 3.1.1 and 5.0) or \"MQIsdp\" (version 3.1)." },
  [F_CLIENTID_LEN] = { "mqtt.clientid_len", "Client ID Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Length of the client identifier; 0 asks the broker to make one up." },
  [F_CLIENTID] = { "mqtt.clientid", "Client ID", IOT_FT_STRING, .blurb =
    "Name that identifies the client to the broker; the broker keeps the client's session under it." },
  [F_VER] = { "mqtt.ver", "Version", IOT_FT_UINT8, IOT_BASE_DEC, version_names, 0,
    "Protocol level the client speaks: 3 = MQTT 3.1, 4 = MQTT 3.1.1, 5 = MQTT 5.0. It applies to the "
    "whole connection, both directions." },
  [F_CONFLAGS] = { "mqtt.conflags", "Connect Flags", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "Flag byte of CONNECT: which optional parts follow (will, user name, password) and how to treat the "
    "session." },
  [F_CONFLAG_UNAME] = { "mqtt.conflag.uname", "User Name Flag", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x80,
    "Set when a user name follows." },
  [F_CONFLAG_PASSWD] = { "mqtt.conflag.passwd", "Password Flag", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x40,
    "Set when a password follows." },
  [F_CONFLAG_RETAIN] = { "mqtt.conflag.retain", "Will Retain", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x20,
    "Set when the will message should be published as a retained message." },
  [F_CONFLAG_QOS] = { "mqtt.conflag.qos", "QoS Level", IOT_FT_UINT8, IOT_BASE_DEC, qos_names, 0x18,
    "QoS with which the will message will be published." },
  [F_CONFLAG_WILLFLAG] = { "mqtt.conflag.willflag", "Will Flag", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x04,
    "Set when the client leaves a will (topic and message) with the broker." },
  [F_CONFLAG_CLEANSESS] = { "mqtt.conflag.cleansess", "Clean Session Flag", IOT_FT_BOOLEAN, IOT_BASE_NONE,
    NULL, 0x02,
    "Set when the broker should forget any earlier session of this client and start a fresh one "
    "(\"Clean Start\" in MQTT 5)." },
  [F_CONFLAG_RESERVED] = { "mqtt.conflag.reserved", "(Reserved)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x01,
    "Unused bit; it must be 0, otherwise the broker must close the connection." },
  [F_KALIVE] = { "mqtt.kalive", "Keep Alive", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Seconds the client may stay silent; it sends PINGREQ if it has nothing else to say. The broker drops "
    "the client after 1.5 times this without traffic. 0 turns it off." },
  [F_SUBOPT] = { "mqtt.subscription_options", "Subscription Options", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "MQTT 5: the option byte after each topic filter in SUBSCRIBE." },
  [F_SUBOPT_QOS] = { "mqtt.subscription_options_qos", "QoS", IOT_FT_UINT8, IOT_BASE_DEC, qos_names, 0x03,
    "Highest QoS the subscriber wants to receive with." },
  [F_SUBOPT_NL] = { "mqtt.subscription_options_nl", "No Local", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x04,
    "Set when the client does not want its own publications on this topic sent back to it." },
  [F_SUBOPT_RAP] = { "mqtt.subscription_options_rap", "Retain As Published", IOT_FT_BOOLEAN, IOT_BASE_NONE,
    NULL, 0x08,
    "Set when forwarded messages should keep the RETAIN flag they were published with." },
  [F_SUBOPT_RETAIN] = { "mqtt.subscription_options_retain", "Retain Handling", IOT_FT_UINT8, IOT_BASE_DEC,
    retain_handling_names, 0x30,
    "Whether retained messages are sent when subscribing: 0 always, 1 only for a new subscription, 2 never." },
  [F_SUBOPT_RESERVED] = { "mqtt.subscription_options_reserved", "Reserved", IOT_FT_UINT8, IOT_BASE_HEX, NULL,
    0xc0, "Unused option bits; they must be 0." },
  [F_RC_CONNACK] = RC_FIELD ("mqtt.connack.reason_code", rc_connack_names, "connection attempt (CONNACK)"),
  [F_RC_PUBACK] = RC_FIELD ("mqtt.puback.reason_code", rc_puback_names, "QoS 1 publication (PUBACK)"),
  [F_RC_PUBREC] = RC_FIELD ("mqtt.pubrec.reason_code", rc_puback_names, "QoS 2 publication, step 2 (PUBREC)"),
  [F_RC_PUBREL] = RC_FIELD ("mqtt.pubrel.reason_code", rc_pubrel_names, "QoS 2 publication, step 3 (PUBREL)"),
  [F_RC_PUBCOMP] = RC_FIELD ("mqtt.pubcomp.reason_code", rc_pubrel_names,
                             "QoS 2 publication, step 4 (PUBCOMP)"),
  [F_RC_SUBACK] = { "mqtt.suback.reason_code", "Reason Code", IOT_FT_UINT8, IOT_BASE_DEC, rc_suback_names, 0,
    "MQTT 5 answer for one topic filter of the SUBSCRIBE: 0-2 = subscribed with that QoS, 128 (0x80) and "
    "above = refused." },
  [F_RC_UNSUBACK] = RC_FIELD ("mqtt.unsuback.reason_code", rc_unsuback_names,
                              "removal of one topic filter (UNSUBACK)"),
  [F_RC_DISCONNECT] = { "mqtt.disconnect.reason_code", "Reason Code", IOT_FT_UINT8, IOT_BASE_DEC,
    rc_disconnect_names, 0,
    "MQTT 5: why the connection is being closed: 0 normal, 4 \"please still publish my will\", 128 (0x80) "
    "and above errors (e.g. 0x8e another client took over the session)." },
  [F_RC_AUTH] = { "mqtt.auth.reason_code", "Reason Code", IOT_FT_UINT8, IOT_BASE_DEC, rc_auth_names, 0,
    "MQTT 5 extended authentication step: 0 done, 0x18 continue, 0x19 start again." },
  [F_PROPERTIES] = { "mqtt.properties", "Properties", IOT_FT_NONE, .blurb =
    "MQTT 5 properties: optional tagged values (expiry times, content type, user key/value pairs …)." },
  [F_WILL_PROPERTIES] = { "mqtt.will_properties", "Will Properties", IOT_FT_NONE, .blurb =
    "MQTT 5 properties of the will message." },
  [F_PROPERTY_LEN] = { "mqtt.property_len", "Total Length", IOT_FT_UINT64, IOT_BASE_DEC, NULL, 0,
    "Length in bytes of all the properties that follow." },
  [F_PROPERTY_ID] = { "mqtt.property_id", "ID", IOT_FT_UINT8, IOT_BASE_HEX, property_names, 0,
    "Which property this is; the ID decides the type of the value that follows." },
  [F_PROP_NUMBER] = { "mqtt.prop_number", "Value", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Numeric value of the property (seconds for expiry intervals, a count for maximums, 0/1 for flags)." },
  [F_PROP_CONTENT_TYPE] = { "mqtt.property.content_type", "Content Type", IOT_FT_STRING, .blurb =
    "MIME type of the payload chosen by the publisher, e.g. application/json or text/plain." },
  [F_PROP_MAX_QOS] = { "mqtt.property.max_qos", "QoS", IOT_FT_UINT8, IOT_BASE_DEC, qos_names, 0,
    "Highest QoS the broker supports." },
  [F_PROP_TOPIC_ALIAS] = { "mqtt.property.topic_alias", "Topic Alias", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "A small number that stands for the topic, to save bytes: a PUBLISH with a topic and an alias sets it, "
    "later PUBLISHes on the same connection send an empty topic and just the alias." },
  [F_PROP_UNKNOWN] = { "mqtt.prop_unknown", "Unknown Property", IOT_FT_STRING, .blurb =
    "The rest of the properties after an ID that is not defined; it cannot be decoded further." },
  [F_PROP_STRING_LEN] = { "mqtt.prop_string_len", "Length", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Length of the property's text or binary value." },
  [F_PROP_STRING] = { "mqtt.prop_string", "Value", IOT_FT_STRING, .blurb =
    "Text or binary value of the property (response topic, correlation data, reason string …)." },
  [F_PROP_KEY_LEN] = { "mqtt.prop_key_len", "Key Length", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Length of the user property's name." },
  [F_PROP_KEY] = { "mqtt.prop_key", "Key", IOT_FT_STRING, .blurb =
    "Name of a user property: an application-defined key/value pair attached to the message." },
  [F_PROP_VALUE_LEN] = { "mqtt.prop_value_len", "Value Length", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Length of the user property's value." },
  [F_PROP_VALUE] = { "mqtt.prop_value", "Value", IOT_FT_STRING, .blurb =
    "Value of a user property." },
  [F_RESPONSE_IN] = { "mqtt.response_in", "Response In", IOT_FT_FRAMENUM, .blurb =
    "Frame that answers this message on the same connection: the CONNACK of a CONNECT, the PUBACK of a "
    "QoS 1 PUBLISH, the PUBREC of a QoS 2 PUBLISH, the PUBREL of a PUBREC, the PUBCOMP of a PUBREL, the "
    "SUBACK/UNSUBACK of a (UN)SUBSCRIBE, the PINGRESP of a PINGREQ. Found by the analyzer, not sent." },
  [F_RESPONSE_TO] = { "mqtt.response_to", "Request In", IOT_FT_FRAMENUM, .blurb =
    "Frame holding the message this one answers (same connection, opposite direction, same message "
    "identifier where there is one). Found by the analyzer, not sent." },
  [F_RESPONSE_TIME] = { "mqtt.response_time", "Response Time", IOT_FT_RELATIVE_TIME, .blurb =
    "How long the other side took to answer: time between the message this one answers and this one "
    "(for a PUBACK: how long the broker or client took to acknowledge the QoS 1 message)." },
  [F_PUBREC_IN] = { "mqtt.pubrec_in", "PUBREC In", IOT_FT_FRAMENUM, .blurb =
    "QoS 2, step 2 of 4: frame in which the receiver confirmed it got this PUBLISH (PUBREC)." },
  [F_PUBREL_IN] = { "mqtt.pubrel_in", "PUBREL In", IOT_FT_FRAMENUM, .blurb =
    "QoS 2, step 3 of 4: frame in which the sender of this PUBLISH released it (PUBREL), telling the "
    "receiver it may now hand the message on and forget the identifier." },
  [F_PUBCOMP_IN] = { "mqtt.pubcomp_in", "PUBCOMP In", IOT_FT_FRAMENUM, .blurb =
    "QoS 2, step 4 of 4: frame that completed the exactly-once handshake of this PUBLISH (PUBCOMP)." },
  [F_PUBLISH_IN] = { "mqtt.publish_in", "PUBLISH In", IOT_FT_FRAMENUM, .blurb =
    "Frame holding the QoS 2 PUBLISH whose four-step handshake this PUBREC, PUBREL or PUBCOMP belongs to." },
  [F_HANDSHAKE_TIME] = { "mqtt.handshake_time", "QoS 2 Handshake Time", IOT_FT_RELATIVE_TIME, .blurb =
    "Time the whole QoS 2 exchange took, from the PUBLISH to this PUBCOMP: two round trips between "
    "sender and receiver." },
  [F_DUP_OF] = { "mqtt.dup_of", "Re-delivery Of", IOT_FT_FRAMENUM, .blurb =
    "This PUBLISH has its DUP flag set: it is a second try of the earlier PUBLISH in this frame, sent "
    "with the same message identifier in the same direction because no acknowledgement came in time." },
};

/* ---- per-capture state ---------------------------------------------------- */

/* The first pass sees frames in order, so what it records about frames is
 * appended to flat arrays sorted by frame number and found again by binary
 * search: a message costs a few bytes, not a hash-table entry and several
 * small allocations.  Every record starts with its frame number. */

/* The version in force where one call of the dissector starts.  A frame
 * can be handed over in several parts (the end of a message rebuilt from
 * earlier segments, then the messages after it), each with its own start,
 * named by the position of its first byte (source and origin).
 *
 * Nearly always every call of a frame has the same version, one of the
 * four a CONNECT names in practice (none yet, 3.1, 3.1.1, 5.0): that is
 * two bits per frame.  Only a frame whose calls differ, or with another
 * version, keeps a CallFact for each of its calls. */
typedef struct {
  guint32 frame;
  guint32 origin;
  guint8  source;
  guint8  version;
} CallFact;

/* The versions two bits stand for. */
static const guint8 version_of_code[4] = { 0, MQTT_V31, MQTT_V311, MQTT_V50 };

/* Calls of the frame being dissected held back (first pass) until the
 * frame turns out to need CallFacts; a frame with more calls gets them. */
#define HELD_CALLS 4

/* What matching found for one message that takes part in an exchange.
 * Only frame numbers are kept; times are read back from the frame index.
 * A message has one partner: the answer it waits for or the message it
 * answers.  The links only QoS 2 flows and DUP copies have are kept in
 * MsgExtra, among them what a PUBREC or PUBREL answers (they answer and
 * wait too).  Read through tx_response_in() and tx_response_to(). */
typedef struct {
  guint32 frame;
  guint32 origin;           /* position of the message: origin and source */
  guint32 partner;          /* expects != 0: the answer (for a QoS 2 PUBLISH: its PUBREC);
                             * otherwise the message this one answers */
  guint8  source;
  guint8  type;
  guint8  expects;          /* type of the answer expected; 0 = none */
  guint8  quiet;            /* sent again, or another copy was answered: no warning */
} MsgTx;

G_STATIC_ASSERT (sizeof (MsgTx) == 16);

typedef struct {
  guint32 publish_in;       /* PUBREC/PUBREL/PUBCOMP: the PUBLISH of the QoS 2 flow */
  guint32 pubrel_in;        /* QoS 2 PUBLISH: later steps of its handshake */
  guint32 pubcomp_in;
  guint32 dup_of;           /* DUP PUBLISH: the earlier copy */
  guint32 response_to;      /* a message that waits for an answer too: the one it answers */
} MsgExtra;

/* Where an alias was resolved: a message of a frame. */
typedef struct {
  guint32 frame;
  guint32 origin;
  guint8  source;
} TopicKey;

/* A message waiting for its answer (first pass only): an entry of a list
 * kept in the pool of such entries.  Links are pool index + 1, 0 = none. */
typedef struct {
  guint32 msg;              /* index into msgs */
  guint32 next;
} Pending;

typedef struct {
  guint32 head, tail;       /* oldest first */
} PendingList;

/* The open requests of one identifier and answer type: one message and
 * its re-sent copies (first pass only). */
typedef struct {
  PendingList open;
  guint32     publish : 31; /* QoS 2 flow: msgs index + 1 of its first PUBLISH; 0 = none */
  guint32     answered : 1; /* some copy got its answer */
} Chain;

G_STATIC_ASSERT (sizeof (Chain) == 12);

/* One TCP connection, as seen by the first pass.  Per direction (see
 * iot_conv_key_from_packet): the side that sent the message.  Tables are
 * made when first needed. */
typedef struct {
  guint8      version;      /* of the latest CONNECT; 0 = none seen yet */
  GHashTable *alias[2];     /* topic alias → topic name */
  /* Both tables in one map:
   *   pending: (dir << 20 | answer type << 16 | message id) → chains index + 1;
   *   last publish: (LAST_PUBLISH | dir << 16 | message id) → msgs index + 1
   *   of the latest PUBLISH (QoS > 0) with that identifier. */
  IdMap       ids;
  PendingList waiting[2];   /* CONNECT, PINGREQ: requests without an identifier */
} MqttConn;

typedef struct {
  GHashTable *conns;        /* first pass: IotConvKey → MqttConn */
  GArray     *versions;     /* guint8: the version code of each frame's calls, four frames a byte */
  GArray     *odd_calls;    /* CallFact, by frame: the frames two bits do not describe */
  GArray     *msgs;         /* MsgTx, by frame, in message order */
  GArray     *extras;       /* MsgExtra */
  GHashTable *extra_of;     /* msgs index + 1 → extras index + 1 */
  GHashTable *topics;       /* TopicKey → topic found for its alias (NULL: unknown); NULL until needed */
  GHashTable *clients;      /* IotConvKey → GArray of ClientFact, by frame; NULL until needed */
  /* First pass only. */
  guint32     call_frame;   /* the frame of the latest call */
  guint8      call_version; /* the version of its first call */
  gboolean    call_odd;     /* its calls are in odd_calls */
  guint       n_held;       /* its calls not in odd_calls */
  CallFact    held[HELD_CALLS];
  GArray     *chains;       /* Chain; those settled are let go (see CHAIN_SETTLED) */
  guint32     free_chain;   /* chains index + 1 of the first let go, linked by open.tail */
  GArray     *pool;         /* Pending */
  guint32     free_pending; /* pool index + 1 of the first unused entry */
} MqttState;

/* A CONNECT: who the client on a connection says it is, from that frame
 * on, for the readings its messages carry. */
typedef struct {
  guint32 frame;
  guint8  dir;              /* the client's side (see iot_conv_key_from_packet) */
  char   *client_id;
} ClientFact;

static void
client_fact_clear (gpointer p)
{
  g_free (((ClientFact *) p)->client_id);
}

static void
conn_free (gpointer p)
{
  MqttConn *c = p;

  for (guint d = 0; d < 2; d++)
    if (c->alias[d])
      g_hash_table_unref (c->alias[d]);
  g_free (c->ids.slots);
  g_free (c);
}

static guint
topic_key_hash (gconstpointer p)
{
  const TopicKey *k = p;

  return k->frame * 31u + k->origin * 7u + k->source;
}

static gboolean
topic_key_equal (gconstpointer a, gconstpointer b)
{
  const TopicKey *x = a, *y = b;

  return x->frame == y->frame && x->origin == y->origin && x->source == y->source;
}

static gpointer
mqtt_state_new (void)
{
  MqttState *st = g_new0 (MqttState, 1);

  st->conns = g_hash_table_new_full (iot_conv_key_hash, iot_conv_key_equal, g_free, conn_free);
  st->msgs = g_array_new (FALSE, FALSE, sizeof (MsgTx));
  st->extras = g_array_new (FALSE, TRUE, sizeof (MsgExtra));
  st->extra_of = g_hash_table_new (g_direct_hash, g_direct_equal);
  st->versions = g_array_new (FALSE, TRUE, 1);
  st->odd_calls = g_array_new (FALSE, FALSE, sizeof (CallFact));
  st->chains = g_array_new (FALSE, FALSE, sizeof (Chain));
  st->pool = g_array_new (FALSE, FALSE, sizeof (Pending));
  return st;
}

static void
mqtt_state_free (gpointer p)
{
  MqttState *st = p;

  g_hash_table_unref (st->conns);
  g_array_unref (st->msgs);
  g_array_unref (st->extras);
  g_hash_table_unref (st->extra_of);
  if (st->topics)
    g_hash_table_unref (st->topics);
  if (st->clients)
    g_hash_table_unref (st->clients);
  g_array_unref (st->versions);
  g_array_unref (st->odd_calls);
  g_array_unref (st->chains);
  g_array_unref (st->pool);
  g_free (st);
}

/* The first record of @a (records of @size bytes starting with a guint32
 * frame number, sorted by it) whose frame is @frame or later. */
static guint
first_of_frame (const GArray *a, gsize size, guint32 frame)
{
  guint lo = 0, hi = a->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (*(const guint32 *) (a->data + mid * size) < frame)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static Pending *
pool_at (MqttState *st, guint32 link)
{
  return &g_array_index (st->pool, Pending, link - 1);
}

/* Appends message @msg to @list. */
static void
pending_push (MqttState *st, PendingList *list, guint32 msg)
{
  guint32 link = st->free_pending;

  if (link != 0)
    st->free_pending = pool_at (st, link)->next;
  else
    {
      g_array_set_size (st->pool, st->pool->len + 1);
      link = st->pool->len;
    }
  *pool_at (st, link) = (Pending) { msg, 0 };
  if (list->tail != 0)
    pool_at (st, list->tail)->next = link;
  else
    list->head = link;
  list->tail = link;
}

/* Takes the entry after @prev (0: the head) out of @list; returns its message. */
static guint32
pending_unlink (MqttState *st, PendingList *list, guint32 prev, guint32 link)
{
  Pending *p = pool_at (st, link);
  guint32 msg = p->msg, next = p->next;

  if (prev != 0)
    pool_at (st, prev)->next = next;
  else
    list->head = next;
  if (list->tail == link)
    list->tail = prev;
  p->next = st->free_pending;
  st->free_pending = link;
  return msg;
}

/* ---- dissection context ------------------------------------------------------ */

typedef struct {
  MqttState  *st;           /* NULL: no state (packet quoted in an ICMP error) */
  MqttConn   *conn;         /* first pass only */
  IotConvKey  key;
  guint       dir;
  guint8      version;      /* in force for the message being dissected */
  gboolean    first_pass;
  IotTapMqtt *rec;          /* the message's tap record, filled in as it is read (a scratch
                             * one when nobody asked for it) */
} Ctx;

/* One more mqtt.topic for the message's tap record: the text the field
 * shows (up to a NUL, bytes that are not UTF-8 replaced).  Bytes that are
 * not all there make no row in the tree, and no topic here. */
static void
note_topic (IotPacket *pkt, Ctx *ctx, const IotBuf *msg, guint off, const guint8 *p, guint len)
{
  IotTapMqtt *rec = ctx->rec;
  const char **topics;
  gsize n;

  if (rec == NULL || !iot_tap_wanted (pkt, IOT_TAP_MQTT) || (msg != NULL && iot_buf_remaining (msg, off) < len))
    return;
  if (msg != NULL)
    p = msg->data + off;
  topics = iot_packet_alloc (pkt, (rec->n_topics + 1) * sizeof (const char *));
  if (rec->n_topics > 0)
    memcpy (topics, rec->topics, rec->n_topics * sizeof (const char *));
  n = strnlen ((const char *) p, len);
  /* Almost every topic is UTF-8 already: a plain copy. */
  topics[rec->n_topics++] = g_utf8_validate ((const char *) p, (gssize) n, NULL)
                            ? iot_packet_strndup (pkt, (const char *) p, n) : iot_packet_valid_utf8 (pkt, p, n);
  rec->topics = topics;
}

typedef struct {
  const char *content_type;
  guint32     topic_alias;
} Props;

/* Like iot_tree_add_item, but the bytes are checked even when nobody wants
 * the field, so a message cut by the snap length always ends where tshark's
 * does. */
static int
add_item (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf, guint off, guint len,
          gboolean little_endian)
{
  iot_buf_check (buf, off, len);
  return iot_tree_add_item (pkt, parent, field, buf, off, len, little_endian);
}

/* The header field with its bit fields below it; the header's label lists
 * the named values and set flags, as tshark's does. */
static int
add_bitmask (IotPacket *pkt, int parent, const IotBuf *buf, guint off, int header, const int *bits)
{
  guint8 value = iot_buf_u8 (buf, off);
  int node;

  /* The first pass makes no row: the byte's check above is all it needs
   * (every PUBLISH has a header byte). */
  if (iot_packet_state_only (pkt) && !iot_packet_row_wanted (pkt, &mqtt_fields[header]))
    return -1;
  node = add_item (pkt, parent, &mqtt_fields[header], buf, off, 1, FALSE);

  if (node >= 0 && iot_packet_wants_tree (pkt))
    {
      GString *label = g_string_new (NULL);

      g_string_printf (label, "%s: 0x%02x", mqtt_fields[header].name, value);
      for (const int *b = bits; *b >= 0; b++)
        {
          const IotField *f = &mqtt_fields[*b];
          guint64 v = (value & f->bitmask) >> iot_field_shift (f);
          const char *name;

          if (f->type == IOT_FT_BOOLEAN)
            {
              if (v)
                g_string_append_printf (label, ", %s", f->name);
            }
          else if (f->vals && (name = iot_value_name (f->vals, v)) != NULL)
            g_string_append_printf (label, ", %s: %s", f->name, name);
        }
      iot_tree_set_label (pkt, node, "%s", label->str);
      g_string_free (label, TRUE);
    }
  for (const int *b = bits; *b >= 0; b++)
    {
      int sub = add_item (pkt, node, &mqtt_fields[*b], buf, off, 1, FALSE);

      /* A 2-bit hex field shows one hex digit, as tshark does. */
      if (*b == F_SUBOPT_RESERVED && sub >= 0 && iot_packet_wants_tree (pkt))
        iot_tree_set_label (pkt, sub, "%c%c.. .... = Reserved: 0x%x", '0' + ((value >> 7) & 1),
                            '0' + ((value >> 6) & 1), value >> 6);
    }
  return node;
}

/* Payload bytes; the tree shows at most the first 36 of them, like tshark. */
static void
add_payload (IotPacket *pkt, int tree, const IotBuf *buf, guint off, guint len, int field)
{
  int node = add_item (pkt, tree, &mqtt_fields[field], buf, off, len, FALSE);

  if (node >= 0 && len > 36 && iot_packet_wants_tree (pkt))
    {
      const guint8 *p = iot_buf_ptr (buf, off, 36);
      GString *label = g_string_new (NULL);

      g_string_printf (label, "%s: ", mqtt_fields[field].name);
      for (guint i = 0; i < 36; i++)
        g_string_append_printf (label, "%02x", p[i]);
      g_string_append (label, "\u2026");
      iot_tree_set_label (pkt, node, "%s", label->str);
      g_string_free (label, TRUE);
    }
}

/* A variable byte integer at @off: at most 4 bytes of 7 bits each.  Returns
 * FALSE when a fifth byte would be needed (malformed). */
static gboolean
read_varint (const IotBuf *buf, guint off, guint32 *value, guint *n_bytes)
{
  guint32 v = 0;

  for (guint i = 0; i < 4; i++)
    {
      guint8 b = iot_buf_u8 (buf, off + i);

      v |= (guint32) (b & 0x7f) << (7 * i);
      if (!(b & 0x80))
        {
          *value = v;
          *n_bytes = i + 1;
          return TRUE;
        }
    }
  *value = v;
  *n_bytes = 4;
  return FALSE;
}

/* A 2-byte length and the UTF-8 string after it; returns the bytes used. */
static guint
add_string (IotPacket *pkt, int tree, const IotBuf *buf, guint off, int len_field, int str_field,
            const char **out)
{
  guint64 len = 0;
  const guint8 *p;

  iot_tree_add_item_ret_uint (pkt, tree, &mqtt_fields[len_field], buf, off, 2, FALSE, &len);
  p = iot_buf_ptr (buf, off + 2, (guint) len);
  iot_tree_add_string (pkt, tree, &mqtt_fields[str_field], buf, off + 2, (guint) len,
                       (const char *) p, (gssize) len);
  if (out)
    *out = iot_packet_strndup (pkt, (const char *) p, strnlen ((const char *) p, (gsize) len));
  return 2 + (guint) len;
}

/* A string for the tap record, as the tree holds it: up to a NUL, valid UTF-8. */
static const char *
record_string (IotPacket *pkt, const IotBuf *buf, guint off)
{
  guint len = iot_buf_u16 (buf, off);
  const guint8 *p = iot_buf_ptr (buf, off + 2, len);

  return iot_packet_valid_utf8 (pkt, p, strnlen ((const char *) p, len));
}

/* Returns the reason code, -1 when @type has none. */
static gint
add_reason_code (IotPacket *pkt, int tree, const IotBuf *buf, guint off, guint type)
{
  static const int rc_field[16] = {
    [T_CONNACK] = F_RC_CONNACK, [T_PUBACK] = F_RC_PUBACK, [T_PUBREC] = F_RC_PUBREC,
    [T_PUBREL] = F_RC_PUBREL, [T_PUBCOMP] = F_RC_PUBCOMP, [T_SUBACK] = F_RC_SUBACK,
    [T_UNSUBACK] = F_RC_UNSUBACK, [T_DISCONNECT] = F_RC_DISCONNECT, [T_AUTH] = F_RC_AUTH,
  };
  int f = rc_field[type & 0xf];
  guint64 rc = 0;
  int node;

  if (f == 0)
    return -1;
  node = iot_tree_add_item_ret_uint (pkt, tree, &mqtt_fields[f], buf, off, 1, FALSE, &rc);
  if (rc >= 0x80)
    iot_expert_add_info (pkt, node, &mqtt_experts[E_REASON_CODE], "%s: %s (0x%02x)",
                    iot_value_name (msgtype_names, type),
                    iot_value_name (mqtt_fields[f].vals, rc) ? iot_value_name (mqtt_fields[f].vals, rc)
                                                            : "Unknown", (guint) rc);
  return (gint) rc;
}

/* The tap record keeps the first error among a message's reason codes. */
static void
record_error_code (Ctx *ctx, gint rc)
{
  if (rc >= 0x80 && ctx->rec->error_code < 0)
    ctx->rec->error_code = (gint16) rc;
}

/* MQTT 5 properties at @off; returns the bytes they take. */
static guint
dissect_properties (IotPacket *pkt, int tree, const IotBuf *buf, guint off, int field, Props *props)
{
  guint32 len;
  guint n, end;
  int sub, node;

  if (!read_varint (buf, off, &len, &n))
    {
      iot_expert_add_info (pkt, tree, &mqtt_experts[E_PROPERTY_LENGTH], "Property length uses more than 4 bytes");
      iot_malformed (pkt, "MQTT property length uses more than 4 bytes");
    }
  sub = add_item (pkt, tree, &mqtt_fields[field], buf, off, 0, FALSE);
  iot_tree_set_length (pkt, sub, MIN (n + len, iot_buf_reported_remaining (buf, off)));
  iot_tree_add_uint (pkt, sub, &mqtt_fields[F_PROPERTY_LEN], buf, off, n, len);
  off += n;
  end = off + len;
  if (end > buf->reported)
    iot_expert_add_info (pkt, sub, &mqtt_experts[E_PROPERTIES_OVERRUN], "The properties (%u bytes) run past the end of the message", len);
  while (off < end)
    {
      guint64 id = 0;
      guint32 vbi;
      guint vn;

      iot_tree_add_item_ret_uint (pkt, sub, &mqtt_fields[F_PROPERTY_ID], buf, off, 1, FALSE, &id);
      off += 1;
      switch (id)
        {
        case P_PAYLOAD_FORMAT_INDICATOR:
        case P_REQUEST_PROBLEM_INFORMATION:
        case P_REQUEST_RESPONSE_INFORMATION:
        case P_RETAIN_AVAILABLE:
        case P_WILDCARD_SUBSCRIPTION_AVAILABLE:
        case P_SUBSCRIPTION_IDENTIFIER_AVAILABLE:
        case P_SHARED_SUBSCRIPTION_AVAILABLE:
          add_item (pkt, sub, &mqtt_fields[F_PROP_NUMBER], buf, off, 1, FALSE);
          off += 1;
          break;
        case P_MAXIMUM_QOS:
          add_item (pkt, sub, &mqtt_fields[F_PROP_MAX_QOS], buf, off, 1, FALSE);
          off += 1;
          break;
        case P_TOPIC_ALIAS:
          {
            guint64 alias = 0;

            iot_tree_add_item_ret_uint (pkt, sub, &mqtt_fields[F_PROP_TOPIC_ALIAS], buf, off, 2, FALSE, &alias);
            props->topic_alias = (guint32) alias;
            off += 2;
          }
          break;
        case P_SERVER_KEEP_ALIVE:
        case P_RECEIVE_MAXIMUM:
        case P_TOPIC_ALIAS_MAXIMUM:
          add_item (pkt, sub, &mqtt_fields[F_PROP_NUMBER], buf, off, 2, FALSE);
          off += 2;
          break;
        case P_MESSAGE_EXPIRY_INTERVAL:
        case P_SESSION_EXPIRY_INTERVAL:
        case P_WILL_DELAY_INTERVAL:
        case P_MAXIMUM_PACKET_SIZE:
          add_item (pkt, sub, &mqtt_fields[F_PROP_NUMBER], buf, off, 4, FALSE);
          off += 4;
          break;
        case P_SUBSCRIPTION_IDENTIFIER:
          if (!read_varint (buf, off, &vbi, &vn))
            iot_malformed (pkt, "MQTT subscription identifier uses more than 4 bytes");
          iot_tree_add_uint (pkt, sub, &mqtt_fields[F_PROP_NUMBER], buf, off, vn, vbi);
          off += vn;
          break;
        case P_CONTENT_TYPE:
          {
            guint16 slen = iot_buf_u16 (buf, off);
            const char *s = (const char *) iot_buf_ptr (buf, off + 2, slen);

            iot_tree_add_string (pkt, sub, &mqtt_fields[F_PROP_CONTENT_TYPE], buf, off, 2 + slen, s, slen);
            props->content_type = iot_packet_strndup (pkt, s, strnlen (s, slen));
            off += 2 + slen;
          }
          break;
        case P_RESPONSE_TOPIC:
        case P_CORRELATION_DATA:
        case P_ASSIGNED_CLIENT_IDENTIFIER:
        case P_AUTH_METHOD:
        case P_AUTH_DATA:
        case P_RESPONSE_INFORMATION:
        case P_SERVER_REFERENCE:
        case P_REASON_STRING:
          off += add_string (pkt, sub, buf, off, F_PROP_STRING_LEN, F_PROP_STRING, NULL);
          break;
        case P_USER_PROPERTY:
          off += add_string (pkt, sub, buf, off, F_PROP_KEY_LEN, F_PROP_KEY, NULL);
          off += add_string (pkt, sub, buf, off, F_PROP_VALUE_LEN, F_PROP_VALUE, NULL);
          break;
        default:
          {
            guint rest = end > off ? end - off : 0;
            const char *s = (const char *) iot_buf_ptr (buf, off, rest);

            node = iot_tree_add_string (pkt, sub, &mqtt_fields[F_PROP_UNKNOWN], buf, off, rest, s, rest);
            iot_expert_add_info (pkt, node, &mqtt_experts[E_UNKNOWN_PROPERTY], "Unknown property ID 0x%02x: the remaining properties cannot be decoded",
                            (guint) id);
            off = end;
          }
          break;
        }
    }
  return n + len;
}

/* ---- message types ---------------------------------------------------------- */

/* First pass: the client id of a CONNECT (at @off of @msg), kept per
 * connection so that the readings of the client's messages name it. */
static void
remember_client (IotPacket *pkt, Ctx *ctx, const IotBuf *msg, guint off)
{
  ClientFact fact = { iot_packet_frame_number (pkt), (guint8) ctx->dir, NULL };
  guint len = iot_buf_u16 (msg, off);
  GArray *facts;

  if (!ctx->first_pass || ctx->st == NULL)
    return;
  fact.client_id = g_strndup ((const char *) iot_buf_ptr (msg, off + 2, len), len);
  if (ctx->st->clients == NULL)
    ctx->st->clients = g_hash_table_new_full (iot_conv_key_hash, iot_conv_key_equal, g_free,
                                              (GDestroyNotify) g_array_unref);
  facts = g_hash_table_lookup (ctx->st->clients, &ctx->key);
  if (facts == NULL)
    {
      facts = g_array_new (FALSE, FALSE, sizeof (ClientFact));
      g_array_set_clear_func (facts, client_fact_clear);
      g_hash_table_insert (ctx->st->clients, g_memdup2 (&ctx->key, sizeof ctx->key), facts);
    }
  g_array_append_val (facts, fact);
}

/* The client id of the connection's latest CONNECT before this frame when
 * the message comes from that client; NULL for what the broker sends (a
 * copy of someone else's message) or when no CONNECT was seen. */
static const char *
sender_client_id (IotPacket *pkt, const Ctx *ctx)
{
  guint32 frame = iot_packet_frame_number (pkt);
  const ClientFact *latest = NULL;
  GArray *facts;

  if (ctx->st == NULL || ctx->st->clients == NULL
      || (facts = g_hash_table_lookup (ctx->st->clients, &ctx->key)) == NULL)
    return NULL;
  for (guint i = 0; i < facts->len && g_array_index (facts, ClientFact, i).frame <= frame; i++)
    latest = &g_array_index (facts, ClientFact, i);
  return latest != NULL && latest->dir == ctx->dir ? latest->client_id : NULL;
}

/* The blanks JSON allows before a document. */
static gboolean
json_blank (guint8 c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* While readings are wanted: who published the message and on which
 * topic, for the payload's dissector; a message without a content type
 * that looks like a JSON document is read for its numbers (tshark shows
 * such a payload as bytes only, and so does the tree). */
static void
publish_readings (IotPacket *pkt, const IotBuf *msg, guint off, const char *topic, const Props *props,
                  const Ctx *ctx)
{
  IotMediaInfo info = { .readings_only = TRUE };
  const IotDissector *json;
  IotBuf payload;
  guint i;

  if (!iot_packet_wants_readings (pkt))
    return;
  /* Looked up by name only past the check above: most passes read no
   * readings, and every PUBLISH comes here. */
  json = iot_registry_dissector ("json");
  iot_packet_set_reading_origin (pkt, sender_client_id (pkt, ctx), topic);
  if (props->content_type != NULL || json == NULL)
    return;
  /* A payload handed on by its topic publishes its own readings. */
  if (iot_mqtt_rules_match (topic) != NULL || g_str_has_prefix (topic, "spBv1.0/"))
    return;
  payload = iot_buf_sub (msg, off, -1);
  for (i = 0; i < payload.length && json_blank (iot_buf_u8 (&payload, i)); i++)
    ;
  if (i < payload.length && (iot_buf_u8 (&payload, i) == '{' || iot_buf_u8 (&payload, i) == '['))
    {
      iot_call_dissector_with_data (pkt, json, &payload, -1, &info);
      iot_col_set_protocol (pkt, "MQTT");
    }
}

static void
dissect_connect (IotPacket *pkt, int tree, const IotBuf *msg, guint off, Ctx *ctx)
{
  static const int flag_bits[] = {
    F_CONFLAG_UNAME, F_CONFLAG_PASSWD, F_CONFLAG_RETAIN, F_CONFLAG_QOS, F_CONFLAG_WILLFLAG,
    F_CONFLAG_CLEANSESS, F_CONFLAG_RESERVED, -1
  };
  Props props = { 0 };
  guint8 flags;
  guint id_off;
  int node;

  off += add_string (pkt, tree, msg, off, F_PROTO_LEN, F_PROTONAME, NULL);
  ctx->version = iot_buf_u8 (msg, off);
  ctx->rec->version = ctx->version;
  if (ctx->first_pass && ctx->conn)
    {
      /* A new session: its aliases start afresh. */
      ctx->conn->version = ctx->version;
      for (guint d = 0; d < 2; d++)
        if (ctx->conn->alias[d])
          g_hash_table_remove_all (ctx->conn->alias[d]);
    }
  node = add_item (pkt, tree, &mqtt_fields[F_VER], msg, off, 1, FALSE);
  if (ctx->version < MQTT_V31 || ctx->version > MQTT_V50)
    iot_expert_add_info (pkt, node, &mqtt_experts[E_PROTOCOL_LEVEL], "Unknown MQTT protocol level %u",
                    ctx->version);
  off += 1;
  flags = iot_buf_u8 (msg, off);
  node = add_bitmask (pkt, tree, msg, off, F_CONFLAGS, flag_bits);
  if (flags & 0x01)
    iot_expert_add_info (pkt, node, &mqtt_experts[E_CONNECT_RESERVED], "Reserved connect flag is set (it must be 0)");
  if (((flags >> 3) & 3) == 3)
    iot_expert_add_info (pkt, node, &mqtt_experts[E_WILL_QOS], "Will QoS 3 is not a valid QoS");
  off += 1;
  add_item (pkt, tree, &mqtt_fields[F_KALIVE], msg, off, 2, FALSE);
  ctx->rec->keepalive = iot_buf_u16 (msg, off);
  off += 2;
  if (ctx->version == MQTT_V50)
    off += dissect_properties (pkt, tree, msg, off, F_PROPERTIES, &props);
  id_off = off;
  off += add_string (pkt, tree, msg, off, F_CLIENTID_LEN, F_CLIENTID, NULL);
  if (iot_tap_wanted (pkt, IOT_TAP_MQTT))
    ctx->rec->client_id = record_string (pkt, msg, id_off);
  remember_client (pkt, ctx, msg, id_off);
  if (flags & 0x04)
    {
      Props will = { 0 };
      guint64 len = 0;

      if (ctx->version == MQTT_V50)
        off += dissect_properties (pkt, tree, msg, off, F_WILL_PROPERTIES, &will);
      node = iot_tree_add_item_ret_uint (pkt, tree, &mqtt_fields[F_WILLTOPIC_LEN], msg, off, 2, FALSE, &len);
      off += 2;
      if (len > 0)
        add_item (pkt, tree, &mqtt_fields[F_WILLTOPIC], msg, off, (guint) len, FALSE);
      else
        iot_expert_add_info (pkt, node, &mqtt_experts[E_ILLEGAL_TOPIC_LENGTH], "Length cannot be 0");
      off += (guint) len;
      iot_tree_add_item_ret_uint (pkt, tree, &mqtt_fields[F_WILLMSG_LEN], msg, off, 2, FALSE, &len);
      off += 2;
      add_payload (pkt, tree, msg, off, (guint) len, F_WILLMSG);
      off += (guint) len;
    }
  if ((flags & 0x80) && iot_buf_reported_remaining (msg, off) > 0)
    {
      guint used = add_string (pkt, tree, msg, off, F_USERNAME_LEN, F_USERNAME, NULL);

      if (iot_tap_wanted (pkt, IOT_TAP_MQTT))
        ctx->rec->username = record_string (pkt, msg, off);
      off += used;
    }
  if ((flags & 0x40) && iot_buf_reported_remaining (msg, off) > 0)
    {
      add_string (pkt, tree, msg, off, F_PASSWD_LEN, F_PASSWD, NULL);
      if (iot_tap_wanted (pkt, IOT_TAP_MQTT))
        ctx->rec->password = record_string (pkt, msg, off);
    }
}

static void
dissect_connack (IotPacket *pkt, int tree, const IotBuf *msg, guint off, Ctx *ctx)
{
  static const int ack_bits[] = { F_CONACK_RESERVED, F_CONACK_SP, -1 };
  Props props = { 0 };
  int node;

  if (ctx->version == MQTT_V31)
    {
      /* 3.1 has no flags there, just an unused byte. */
      guint8 b = iot_buf_u8 (msg, off);

      node = iot_tree_add_boolean (pkt, tree, &mqtt_fields[F_CONACK_RESERVED], msg, off, 1, b != 0);
      iot_tree_set_label (pkt, node, "Reserved: %s", b ? "Set" : "Not set");
    }
  else
    {
      add_bitmask (pkt, tree, msg, off, F_CONACK_FLAGS, ack_bits);
    }
  off += 1;
  if (ctx->version == MQTT_V31 || ctx->version == MQTT_V311)
    {
      guint64 rc = 0;

      node = iot_tree_add_item_ret_uint (pkt, tree, &mqtt_fields[F_CONACK_VAL], msg, off, 1, FALSE, &rc);
      ctx->rec->connack = (gint16) rc;
      if (rc != 0)
        iot_expert_add_info (pkt, node, &mqtt_experts[E_CONNACK_REFUSED], "%s",
                        iot_value_name (conack_names, rc) ? iot_value_name (conack_names, rc)
                                                          : "Connection Refused: unknown return code");
    }
  else
    ctx->rec->connack = (gint16) add_reason_code (pkt, tree, msg, off, T_CONNACK);
  off += 1;
  if (ctx->version == MQTT_V50)
    dissect_properties (pkt, tree, msg, off, F_PROPERTIES, &props);
}

/* Finds the topic an alias stands for.  The first pass looks it up in the
 * connection's table and records what it found for this message; later
 * passes read that back.  Returns NULL when the alias was never set. */
static const char *
resolve_alias (IotPacket *pkt, Ctx *ctx, const IotBuf *msg, guint32 alias)
{
  TopicKey key = { iot_packet_frame_number (pkt), msg->origin, msg->source };
  gpointer found = NULL;

  if (ctx->st == NULL)
    return NULL;
  if (ctx->first_pass && ctx->conn)
    {
      GHashTable *aliases = ctx->conn->alias[ctx->dir];
      const char *topic = aliases ? g_hash_table_lookup (aliases, GUINT_TO_POINTER (alias)) : NULL;

      if (ctx->st->topics == NULL)
        ctx->st->topics = g_hash_table_new_full (topic_key_hash, topic_key_equal, g_free, g_free);
      g_hash_table_replace (ctx->st->topics, g_memdup2 (&key, sizeof key), g_strdup (topic));
      return topic;
    }
  if (ctx->st->topics && g_hash_table_lookup_extended (ctx->st->topics, &key, NULL, &found))
    return found;
  return NULL;
}

/* Hands the payload to the layer registered for its MQTT 5 content type in
 * the "media_type" table, as tshark does: the whole property is the key
 * (parameters included, case aside); octet streams go to "data". */
static void
dissect_content (IotPacket *pkt, const IotBuf *msg, guint off, const char *content_type, const char *topic)
{
  IotMediaInfo info = { .location = topic };
  IotBuf payload;

  if (content_type == NULL)
    return;
  info.media_type = g_ascii_strdown (content_type, -1);
  payload = iot_buf_sub (msg, off, -1);
  iot_col_set_protocol (pkt, "MQTT");
  if (strcmp (info.media_type, "application/octet-stream") == 0)
    iot_call_data (pkt, &payload, -1);
  else
    iot_call_string_table (pkt, "media_type", info.media_type, &payload, -1, &info);
  g_free ((char *) info.media_type);
}

/* Hands a PUBLISH payload on by its topic: a rule of the message decoding
 * table (tshark's mqtt_message_decoding) first, else Sparkplug B when the
 * topic is in its namespace.  Nothing is guessed from the payload. */
static void
dissect_by_topic (IotPacket *pkt, const IotBuf *msg, guint off, const char *topic)
{
  const IotMqttRule *rule = iot_mqtt_rules_match (topic);
  const IotDissector *d = NULL;
  gpointer data = NULL;
  IotBuf payload;

  if (rule != NULL)
    {
      d = iot_registry_dissector (rule->protocol);
      data = rule->message_type;
    }
  else if (g_str_has_prefix (topic, "spBv1.0/"))
    {
      d = iot_registry_dissector ("sparkplugb");
      data = (gpointer) topic;
    }
  if (d == NULL || iot_buf_reported_remaining (msg, off) == 0)
    return;
  payload = iot_buf_sub (msg, off, -1);
  iot_call_dissector_with_data (pkt, d, &payload, -1, data);
}

/* A topic as sent.  A NUL inside it ends the string (as C strings end),
 * and tshark warns about the bytes after it. */
static void
add_topic (IotPacket *pkt, int tree, const IotBuf *msg, guint off, const guint8 *p, guint len)
{
  int node = iot_tree_add_string (pkt, tree, &mqtt_fields[F_TOPIC], msg, off, len,
                                  (const char *) p, (gssize) len);

  if (memchr (p, 0, len) != NULL)
    iot_expert_add_info (pkt, node >= 0 ? node : tree, &mqtt_experts[E_TRAILING], "Trailing stray characters");
}

/* A topic in the Info column: decoded as UTF-8 like the field, and its
 * control characters escaped as tshark escapes DNS names and HTTP lines,
 * so that a frame stays one line (tshark 4.0 itself prints them raw). */
static const char *
info_text (IotPacket *pkt, const char *topic)
{
  const char *valid = iot_packet_valid_utf8 (pkt, (const guint8 *) topic, strlen (topic));

  return iot_packet_format_text (pkt, (const guint8 *) valid, strlen (valid));
}

static void
dissect_publish (IotPacket *pkt, int tree, const IotBuf *msg, guint off, guint8 hdr, Ctx *ctx, IotTapMqtt *rec)
{
  Props props = { 0 };
  const char *topic = "";
  guint64 topic_len = 0, id = 0;
  int len_node, node;

  len_node = iot_tree_add_item_ret_uint (pkt, tree, &mqtt_fields[F_TOPIC_LEN], msg, off, 2, FALSE, &topic_len);
  off += 2;
  if (topic_len > 0)
    {
      const guint8 *p = iot_buf_ptr (msg, off, (guint) topic_len);

      add_topic (pkt, tree, msg, off, p, (guint) topic_len);
      note_topic (pkt, ctx, NULL, 0, p, (guint) topic_len);
      topic = iot_packet_strndup (pkt, (const char *) p, strnlen ((const char *) p, (gsize) topic_len));
      rec->topic = topic;
      off += (guint) topic_len;
    }
  if (hdr & 0x06)
    {
      iot_tree_add_item_ret_uint (pkt, tree, &mqtt_fields[F_MSGID], msg, off, 2, FALSE, &id);
      off += 2;
      iot_col_append_info (pkt, " (id=%u)", (guint) id);
    }
  if (ctx->version == MQTT_V50)
    {
      off += dissect_properties (pkt, tree, msg, off, F_PROPERTIES, &props);
      if (props.topic_alias != 0)
        {
          const char *shown;

          if (topic_len > 0)
            {
              /* This message sets the alias: from here on it means this topic. */
              if (ctx->first_pass && ctx->conn)
                {
                  if (ctx->conn->alias[ctx->dir] == NULL)
                    ctx->conn->alias[ctx->dir] = g_hash_table_new_full (g_direct_hash, g_direct_equal,
                                                                        NULL, g_free);
                  g_hash_table_replace (ctx->conn->alias[ctx->dir], GUINT_TO_POINTER (props.topic_alias),
                                        g_strdup (topic));
                }
              shown = topic;
            }
          else
            {
              shown = resolve_alias (pkt, ctx, msg, props.topic_alias);
              if (shown != NULL)
                topic = iot_packet_strdup_printf (pkt, "%s", shown);
            }
          /* The topic this alias stands for, as a generated copy of the
           * Topic field, so that a filter on mqtt.topic finds it. */
          node = iot_tree_add_string (pkt, tree, &mqtt_fields[F_TOPIC], msg, off, 0, shown ? shown : "", -1);
          note_topic (pkt, ctx, NULL, 0, (const guint8 *) (shown ? shown : ""), shown ? strlen (shown) : 0);
          iot_tree_set_generated (pkt, node);
          if (shown == NULL)
            iot_expert_add_info (pkt, node, &mqtt_experts[E_UNKNOWN_TOPIC_ALIAS], "Unknown topic alias %u: no earlier PUBLISH on this connection set it",
                            props.topic_alias);
          else if (topic_len == 0)
            iot_tree_set_label (pkt, node, "Topic: %s (from topic alias %u)", shown, props.topic_alias);
        }
    }
  if (topic_len == 0 && props.topic_alias == 0)
    iot_expert_add_info (pkt, len_node, &mqtt_experts[E_ILLEGAL_TOPIC_LENGTH], "Length cannot be 0");
  /* The escaped topic is for the Info column only: no column, no copy. */
  if (iot_packet_wants_columns (pkt))
    iot_col_append_info (pkt, " [%s]", info_text (pkt, topic));
  /* No topic row without a topic or an alias: no topic. */
  rec->topic = topic_len > 0 || props.topic_alias != 0 ? topic : NULL;
  rec->payload_offset = off;
  rec->payload_len = iot_buf_reported_remaining (msg, off);
  rec->payload_cut = !iot_buf_has (msg, off, rec->payload_len);
  add_payload (pkt, tree, msg, off, iot_buf_reported_remaining (msg, off), F_MSG);
  publish_readings (pkt, msg, off, topic, &props, ctx);
  if (ctx->version == MQTT_V50 && props.content_type != NULL)
    dissect_content (pkt, msg, off, props.content_type, topic);
  else
    dissect_by_topic (pkt, msg, off, topic);
}

static guint
add_msgid (IotPacket *pkt, int tree, const IotBuf *msg, guint off)
{
  guint64 id = 0;

  iot_tree_add_item_ret_uint (pkt, tree, &mqtt_fields[F_MSGID], msg, off, 2, FALSE, &id);
  iot_col_append_info (pkt, " (id=%u)", (guint) id);
  return 2;
}

/* One more topic filter of a SUBSCRIBE or UNSUBSCRIBE for the tap record. */
static void
record_filter (IotPacket *pkt, Ctx *ctx, const guint8 *p, guint len)
{
  const char *filter;

  if (!iot_tap_wanted (pkt, IOT_TAP_MQTT))
    return;
  filter = iot_packet_valid_utf8 (pkt, p, strnlen ((const char *) p, len));
  ctx->rec->filters = ctx->rec->filters == NULL ? filter
                      : iot_packet_strdup_printf (pkt, "%s\n%s", ctx->rec->filters, filter);
}

static void
dissect_subscribe (IotPacket *pkt, int tree, const IotBuf *msg, guint off, Ctx *ctx)
{
  static const int option_bits[] = {
    F_SUBOPT_RESERVED, F_SUBOPT_RETAIN, F_SUBOPT_RAP, F_SUBOPT_NL, F_SUBOPT_QOS, -1
  };
  Props props = { 0 };
  const char *topic = "";

  off += add_msgid (pkt, tree, msg, off);
  if (ctx->version == MQTT_V50)
    off += dissect_properties (pkt, tree, msg, off, F_PROPERTIES, &props);
  while (off < msg->reported)
    {
      guint64 len = 0;
      int node = iot_tree_add_item_ret_uint (pkt, tree, &mqtt_fields[F_TOPIC_LEN], msg, off, 2, FALSE, &len);
      guint8 options;

      off += 2;
      if (len > 0)
        {
          const guint8 *p = iot_buf_ptr (msg, off, (guint) len);

          add_topic (pkt, tree, msg, off, p, (guint) len);
          note_topic (pkt, ctx, NULL, 0, p, (guint) len);
          topic = iot_packet_strndup (pkt, (const char *) p, strnlen ((const char *) p, (gsize) len));
          record_filter (pkt, ctx, p, (guint) len);
          off += (guint) len;
        }
      else
        iot_expert_add_info (pkt, node, &mqtt_experts[E_ILLEGAL_TOPIC_LENGTH], "Length cannot be 0");
      if (iot_packet_wants_columns (pkt))
        iot_col_append_info (pkt, " [%s]", info_text (pkt, topic));
      options = iot_buf_u8 (msg, off);
      if (ctx->version == MQTT_V50)
        node = add_bitmask (pkt, tree, msg, off, F_SUBOPT, option_bits);
      else
        node = add_item (pkt, tree, &mqtt_fields[F_SUB_QOS], msg, off, 1, FALSE);
      if ((options & 3) == 3)
        iot_expert_add_info (pkt, node, &mqtt_experts[E_SUBSCRIPTION_QOS], "QoS 3 is not a valid QoS");
      off += 1;
    }
}

static void
dissect_unsubscribe (IotPacket *pkt, int tree, const IotBuf *msg, guint off, Ctx *ctx)
{
  Props props = { 0 };

  off += add_msgid (pkt, tree, msg, off);
  if (ctx->version == MQTT_V50)
    off += dissect_properties (pkt, tree, msg, off, F_PROPERTIES, &props);
  while (off < msg->reported)
    {
      guint64 len = 0;
      int node = iot_tree_add_item_ret_uint (pkt, tree, &mqtt_fields[F_TOPIC_LEN], msg, off, 2, FALSE, &len);

      off += 2;
      if (len > 0)
        {
          add_item (pkt, tree, &mqtt_fields[F_TOPIC], msg, off, (guint) len, FALSE);
          note_topic (pkt, ctx, msg, off, NULL, (guint) len);
          record_filter (pkt, ctx, iot_buf_ptr (msg, off, (guint) len), (guint) len);
        }
      else
        iot_expert_add_info (pkt, node, &mqtt_experts[E_ILLEGAL_TOPIC_LENGTH], "Length cannot be 0");
      off += (guint) len;
    }
}

static void
dissect_suback (IotPacket *pkt, int tree, const IotBuf *msg, guint off, Ctx *ctx)
{
  Props props = { 0 };

  off += add_msgid (pkt, tree, msg, off);
  if (ctx->version == MQTT_V50)
    off += dissect_properties (pkt, tree, msg, off, F_PROPERTIES, &props);
  for (; off < msg->reported; off++)
    {
      if (ctx->version == MQTT_V31 || ctx->version == MQTT_V311)
        {
          guint64 qos = 0;
          int node = iot_tree_add_item_ret_uint (pkt, tree, &mqtt_fields[F_SUBACK_QOS], msg, off, 1, FALSE, &qos);

          record_error_code (ctx, (gint) qos);
          if (qos == 0x80)
            iot_expert_add_info (pkt, node, &mqtt_experts[E_SUBSCRIPTION_REFUSED], "Subscription refused");
        }
      else
        record_error_code (ctx, add_reason_code (pkt, tree, msg, off, T_SUBACK));
    }
}

/* ---- request/response matching -------------------------------------------- */

/* The message identifier of a message that has one, without reading past
 * the captured bytes (a cut message is then simply not matched). */
static gboolean
message_id (const IotBuf *msg, guint off, guint type, guint8 hdr, guint16 *id)
{
  switch (type)
    {
    case T_PUBLISH:
      if (!(hdr & 0x06) || !iot_buf_has (msg, off, 2))
        return FALSE;
      off += 2 + iot_buf_u16 (msg, off);
      break;
    case T_PUBACK:
    case T_PUBREC:
    case T_PUBREL:
    case T_PUBCOMP:
    case T_SUBSCRIBE:
    case T_SUBACK:
    case T_UNSUBSCRIBE:
    case T_UNSUBACK:
      break;
    default:
      return FALSE;
    }
  if (!iot_buf_has (msg, off, 2))
    return FALSE;
  *id = iot_buf_u16 (msg, off);
  return TRUE;
}

/* The answer a message waits for (0: none). */
static guint8
expected_answer (guint type, guint8 hdr)
{
  switch (type)
    {
    case T_CONNECT: return T_CONNACK;
    case T_PINGREQ: return T_PINGRESP;
    case T_PUBLISH: return ((hdr >> 1) & 3) == 1 ? T_PUBACK : ((hdr >> 1) & 3) == 2 ? T_PUBREC : 0;
    case T_PUBREC: return T_PUBREL;
    case T_PUBREL: return T_PUBCOMP;
    case T_SUBSCRIBE: return T_SUBACK;
    case T_UNSUBSCRIBE: return T_UNSUBACK;
    default: return 0;
    }
}

/* Whether a message type answers another one; CONNACK and PINGRESP carry
 * no identifier and answer the oldest open request of their kind. */
static gboolean
is_answer (guint type)
{
  return type == T_CONNACK || type == T_PINGRESP || type == T_PUBACK || type == T_PUBREC
         || type == T_PUBREL || type == T_PUBCOMP || type == T_SUBACK || type == T_UNSUBACK;
}

static MsgTx *
tx_at (MqttState *st, guint32 index)
{
  return &g_array_index (st->msgs, MsgTx, index);
}

static gboolean
tx_is_at (const MsgTx *tx, const IotBuf *msg)
{
  return tx->origin == msg->origin && tx->source == msg->source;
}

/* The index of the record of the message at @msg's position in @frame,
 * or -1.  The first pass looks only at the newest records: the frame
 * being dissected is the last one recorded. */
static gint
tx_find (MqttState *st, guint32 frame, const IotBuf *msg, gboolean first_pass)
{
  if (first_pass)
    {
      for (guint i = st->msgs->len; i > 0 && tx_at (st, i - 1)->frame == frame; i--)
        if (tx_is_at (tx_at (st, i - 1), msg))
          return (gint) i - 1;
      return -1;
    }
  for (guint i = first_of_frame (st->msgs, sizeof (MsgTx), frame);
       i < st->msgs->len && tx_at (st, i)->frame == frame; i++)
    if (tx_is_at (tx_at (st, i), msg))
      return (gint) i;
  return -1;
}

/* The rarer links of message @index; made when first written. */
static MsgExtra *
extra_for_write (MqttState *st, guint32 index)
{
  gpointer key = GUINT_TO_POINTER (index + 1);
  guint found = GPOINTER_TO_UINT (g_hash_table_lookup (st->extra_of, key));

  if (found == 0)
    {
      g_array_set_size (st->extras, st->extras->len + 1);
      found = st->extras->len;
      g_hash_table_insert (st->extra_of, key, GUINT_TO_POINTER (found));
    }
  return &g_array_index (st->extras, MsgExtra, found - 1);
}

static const MsgExtra *
extra_at (MqttState *st, guint32 index)
{
  static const MsgExtra none = { 0 };
  guint found = GPOINTER_TO_UINT (g_hash_table_lookup (st->extra_of, GUINT_TO_POINTER (index + 1)));

  return found ? &g_array_index (st->extras, MsgExtra, found - 1) : &none;
}

/* The frame that answers message @index; 0 = none. */
static guint32
tx_response_in (MqttState *st, guint32 index)
{
  const MsgTx *tx = tx_at (st, index);

  return tx->expects != 0 ? tx->partner : 0;
}

/* The frame of the message that message @index answers; 0 = none. */
static guint32
tx_response_to (MqttState *st, guint32 index)
{
  const MsgTx *tx = tx_at (st, index);

  return tx->expects != 0 ? extra_at (st, index)->response_to : tx->partner;
}

static void
tx_set_response_to (MqttState *st, guint32 index, guint32 frame)
{
  if (tx_at (st, index)->expects != 0)
    extra_for_write (st, index)->response_to = frame;
  else
    tx_at (st, index)->partner = frame;
}

/* Marks every message still open in @list as not to be warned about. */
static void
quiet_all (MqttState *st, const PendingList *list)
{
  for (guint32 l = list->head; l != 0; l = pool_at (st, l)->next)
    tx_at (st, pool_at (st, l)->msg)->quiet = TRUE;
}

/* The oldest open CONNECT or PINGREQ of the other side waiting for @type:
 * its msgs index + 1, or 0. */
static guint32
take_waiting (MqttState *st, PendingList *list, guint type)
{
  for (guint32 prev = 0, l = list->head; l != 0; prev = l, l = pool_at (st, l)->next)
    {
      guint32 msg = pool_at (st, l)->msg;

      if (tx_at (st, msg)->expects == type)
        return pending_unlink (st, list, prev, l) + 1;
    }
  return 0;
}

/* Marks the last-publish keys of MqttConn.ids apart from the pending ones. */
#define LAST_PUBLISH (1u << 24)

/* The id map's value for a chain whose copies were all answered and that
 * leads to no QoS 2 step: what it would say (no open copy, answered, no
 * flow) needs no record, and most chains end so; its record is reused. */
#define CHAIN_SETTLED G_MAXUINT32

static Chain *
chain_at (MqttState *st, guint32 chain_id)
{
  return &g_array_index (st->chains, Chain, chain_id - 1);
}

/* A chain record (chains index + 1), from those let go first. */
static guint32
chain_new (MqttState *st)
{
  guint32 chain_id = st->free_chain;

  if (chain_id != 0)
    {
      st->free_chain = chain_at (st, chain_id)->open.tail;
      return chain_id;
    }
  g_array_set_size (st->chains, st->chains->len + 1);
  return st->chains->len;
}

/* @key's chain @chain_id is settled: the map says so, the record is let go. */
static void
chain_settle (MqttState *st, IdMap *ids, guint32 key, guint32 chain_id)
{
  mqtt_id_map_set (ids, key, CHAIN_SETTLED);
  chain_at (st, chain_id)->open.tail = st->free_chain;
  st->free_chain = chain_id;
}

/* First pass: records what this message answers and what it waits for.
 * Requests are matched by connection, direction and identifier, CONNECT
 * and PINGREQ by order.  An identifier is in use until its answer comes,
 * so a request with an identifier that still waits is a copy of the same
 * message (a DUP re-delivery, a TCP retransmission the transport handed
 * over again, a second PUBREC for a DUP copy): copies join the chain of
 * that identifier and answers go to the oldest open copy, so the time is
 * measured from the first send.  A request reusing an identifier whose
 * message was answered starts a new chain: answers go to the most recent
 * message. */
static void
tx_record (IotPacket *pkt, const IotBuf *msg, guint type, guint8 hdr, gboolean have_id, guint16 id, Ctx *ctx)
{
  guint8 expects = expected_answer (type, hdr);
  gboolean keyed = type != T_CONNECT && type != T_PINGREQ && type != T_CONNACK && type != T_PINGRESP;
  gboolean dup = type == T_PUBLISH && (hdr & 0x08);
  guint32 frame = iot_packet_frame_number (pkt);
  MqttState *st = ctx->st;
  MqttConn *conn = ctx->conn;
  guint32 self, answered = 0, flow = 0;   /* answered, flow: msgs index + 1, 0 = none */
  MsgTx rec = { 0 };

  if (conn == NULL || (expects == 0 && !is_answer (type)) || (keyed && !have_id))
    return;
  /* The same bytes handed over twice are one message. */
  if (tx_find (st, frame, msg, TRUE) >= 0)
    return;
  rec.frame = frame;
  rec.origin = msg->origin;
  rec.source = msg->source;
  rec.type = (guint8) type;
  rec.expects = expects;
  self = st->msgs->len;
  g_array_append_val (st->msgs, rec);

  /* What it answers. */
  if (is_answer (type) && keyed)
    {
      guint32 key = (guint32) !ctx->dir << 20 | (guint32) type << 16 | id;
      guint32 chain_id = mqtt_id_map_lookup (&conn->ids, key);
      Chain *chain = chain_id != 0 && chain_id != CHAIN_SETTLED ? chain_at (st, chain_id) : NULL;

      if (chain != NULL && chain->open.head != 0)
        {
          answered = pending_unlink (st, &chain->open, 0, chain->open.head) + 1;
          chain->answered = TRUE;
          flow = chain->publish;
          quiet_all (st, &chain->open);
          if (chain->open.head == 0 && chain->publish == 0)
            chain_settle (st, &conn->ids, key, chain_id);
        }
    }
  else if (is_answer (type))
    answered = take_waiting (st, &conn->waiting[!ctx->dir], type);
  if (answered != 0)
    {
      /* Only messages that wait for an answer are answered. */
      tx_at (st, answered - 1)->partner = frame;
      tx_set_response_to (st, self, tx_at (st, answered - 1)->frame);
      if (flow != 0)
        {
          guint32 flow_frame = tx_at (st, flow - 1)->frame;
          MsgExtra *pub;

          extra_for_write (st, self)->publish_in = flow_frame;
          pub = extra_for_write (st, flow - 1);
          if (type == T_PUBREL && pub->pubrel_in == 0)
            pub->pubrel_in = frame;
          else if (type == T_PUBCOMP && pub->pubcomp_in == 0)
            pub->pubcomp_in = frame;
        }
    }

  /* A DUP PUBLISH points to the previous copy, which needs no answer of
   * its own any more. */
  if (type == T_PUBLISH)
    {
      guint32 key = LAST_PUBLISH | (guint32) ctx->dir << 16 | id;
      guint32 prev = mqtt_id_map_lookup (&conn->ids, key);

      if (dup && prev != 0)
        {
          tx_at (st, prev - 1)->quiet = TRUE;
          extra_for_write (st, self)->dup_of = tx_at (st, prev - 1)->frame;
        }
      mqtt_id_map_set (&conn->ids, key, self + 1);
      if (expects == T_PUBREC)
        flow = self + 1;
    }

  /* What it waits for. */
  if (expects != 0)
    {
      if (keyed)
        {
          guint32 key = (guint32) ctx->dir << 20 | (guint32) expects << 16 | id;
          guint32 chain_id = mqtt_id_map_lookup (&conn->ids, key);
          Chain settled = { { 0, 0 }, 0, TRUE };
          Chain *chain = chain_id == CHAIN_SETTLED ? &settled : chain_id != 0 ? chain_at (st, chain_id) : NULL;

          if (chain != NULL
              && (chain->open.head != 0 || dup
                  || (type != T_PUBLISH && flow != 0 && flow == chain->publish)))
            {
              /* Another copy: the earlier ones were sent again, so only the
               * newest may be warned about; if one was answered, none is. */
              quiet_all (st, &chain->open);
              if (chain->answered)
                tx_at (st, self)->quiet = TRUE;
            }
          else if (chain != NULL)
            {
              /* A new chain for this identifier: the old one has no open
               * copy left and nothing else refers to it, so it is reused. */
              *chain = (Chain) { { 0, 0 }, flow, FALSE };
            }
          else
            {
              settled = (Chain) { { 0, 0 }, flow, FALSE };
              chain = &settled;
            }
          /* A settled or new chain gets a record now. */
          if (chain == &settled)
            {
              chain_id = chain_new (st);
              chain = chain_at (st, chain_id);
              *chain = settled;
              mqtt_id_map_set (&conn->ids, key, chain_id);
            }
          pending_push (st, &chain->open, self);
        }
      else
        pending_push (st, &conn->waiting[ctx->dir], self);
    }
}

static void
add_frame_link (IotPacket *pkt, int tree, int field, guint32 frame)
{
  if (frame != 0)
    iot_tree_set_generated (pkt, iot_tree_add_uint (pkt, tree, &mqtt_fields[field], NULL, 0, 0, frame));
}

static void
add_delay (IotPacket *pkt, int tree, int field, guint32 since_frame)
{
  gint64 ns = iot_packet_time_ns (pkt) - iot_frame_time_ns (pkt, since_frame);

  iot_tree_set_generated (pkt, iot_tree_add_time (pkt, tree, &mqtt_fields[field], NULL, 0, 0, ns));
}

/* Shows what matching found for this message.  "Never answered" is only
 * known once the first pass has seen the whole capture. */
static void
tx_show (IotPacket *pkt, int tree, const IotBuf *msg, guint type, guint8 hdr, Ctx *ctx)
{
  gint index = tx_find (ctx->st, iot_packet_frame_number (pkt), msg, ctx->first_pass);
  const MsgExtra *extra;
  const MsgTx *tx;
  guint32 response_in, response_to;

  if (index < 0)
    return;
  tx = tx_at (ctx->st, (guint32) index);
  extra = extra_at (ctx->st, (guint32) index);
  response_in = tx_response_in (ctx->st, (guint32) index);
  response_to = tx_response_to (ctx->st, (guint32) index);
  add_frame_link (pkt, tree, F_DUP_OF, extra->dup_of);
  ctx->rec->dup_of = extra->dup_of;
  ctx->rec->response_to = response_to;
  ctx->rec->response_in = response_in;
  ctx->rec->publish_in = extra->publish_in;
  if (response_to != 0)
    {
      add_frame_link (pkt, tree, F_RESPONSE_TO, response_to);
      add_delay (pkt, tree, F_RESPONSE_TIME, response_to);
      if (iot_tap_wanted (pkt, IOT_TAP_MQTT))
        ctx->rec->response_time_ns = iot_packet_time_ns (pkt) - iot_frame_time_ns (pkt, response_to);
    }
  else if (is_answer (type) && !ctx->first_pass)
    iot_expert_add_info (pkt, tree, &mqtt_experts[E_REQUEST_MISSING], "No request seen for this %s", iot_value_name (msgtype_names, type));
  add_frame_link (pkt, tree, F_PUBLISH_IN, extra->publish_in);
  if (type == T_PUBCOMP && extra->publish_in != 0)
    {
      add_delay (pkt, tree, F_HANDSHAKE_TIME, extra->publish_in);
      if (iot_tap_wanted (pkt, IOT_TAP_MQTT))
        ctx->rec->handshake_time_ns = iot_packet_time_ns (pkt) - iot_frame_time_ns (pkt, extra->publish_in);
    }
  add_frame_link (pkt, tree, F_RESPONSE_IN, response_in);
  if (type == T_PUBLISH && tx->expects == T_PUBREC)
    {
      add_frame_link (pkt, tree, F_PUBREC_IN, response_in);
      add_frame_link (pkt, tree, F_PUBREL_IN, extra->pubrel_in);
      add_frame_link (pkt, tree, F_PUBCOMP_IN, extra->pubcomp_in);
      ctx->rec->pubcomp_in = extra->pubcomp_in;
    }
  if (tx->expects == 0 || response_in != 0 || tx->quiet || ctx->first_pass)
    return;
  ctx->rec->unacknowledged = type == T_PUBLISH;
  ctx->rec->response_missing = type != T_PUBLISH;
  if (type == T_PUBLISH)
    iot_expert_add_info (pkt, tree, &mqtt_experts[E_PUBLISH_UNACKED], "PUBLISH (QoS %u) never acknowledged (no %s seen)", (hdr >> 1) & 3u,
                    tx->expects == T_PUBACK ? "PUBACK" : "PUBREC");
  else
    iot_expert_add_info (pkt, tree, &mqtt_experts[E_RESPONSE_MISSING], "No response seen (expected %s)",
                    iot_value_name (msgtype_names, tx->expects));
}

/* ---- one message ------------------------------------------------------------- */

/* The flag bits every type but PUBLISH must carry. */
static guint8
expected_flags (guint type)
{
  return (type == T_PUBREL || type == T_SUBSCRIBE || type == T_UNSUBSCRIBE) ? 0x2 : 0x0;
}

/* The message for the taps, queued where it starts with its fixed header
 * and identifier; the rest is filled in as the message is read.  Nobody
 * asked: @scratch takes the facts. */
static IotTapMqtt *
publish_message (IotPacket *pkt, const IotBuf *msg, guint off, guint8 hdr, Ctx *ctx, IotTapMqtt *scratch)
{
  IotTapMqtt rec = { .type = hdr >> 4, .qos = -1, .msgid = -1, .cut = TRUE, .keepalive = -1,
                     .connack = -1, .error_code = -1, .response_time_ns = -1, .handshake_time_ns = -1 };
  IotTapMqtt *queued;
  guint16 id;

  if (rec.type == T_PUBLISH)
    {
      rec.qos = (gint8) ((hdr >> 1) & 3);
      rec.dup = (hdr & 0x08) != 0;
      rec.retain = (hdr & 0x01) != 0;
    }
  if (message_id (msg, off, rec.type, hdr, &id))
    rec.msgid = id;
  rec.version = ctx->version;
  rec.source = msg->data;
  rec.in_error = iot_packet_in_error (pkt);
  queued = iot_tap_queue_open (pkt, IOT_TAP_MQTT, &rec);
  if (queued != NULL)
    return queued;
  *scratch = rec;
  return scratch;
}

static void
dissect_message (IotPacket *pkt, const IotBuf *msg, guint len_bytes, guint32 remaining, int parent, Ctx *ctx)
{
  static const int publish_bits[] = { F_MSGTYPE, F_DUPFLAG, F_QOS, F_RETAIN, -1 };
  static const int v31_bits[] = { F_MSGTYPE, F_DUPFLAG, F_QOS, F_RETAIN_RESERVED, -1 };
  static const int other_bits[] = { F_MSGTYPE, F_HDR_RESERVED, -1 };
  guint8 hdr = iot_buf_u8 (msg, 0);
  guint type = hdr >> 4;
  const char *type_name = iot_value_name (msgtype_names, type);
  guint off = 1 + len_bytes;
  IotTapMqtt scratch;
  int tree, node;

  iot_col_append_sep_info (pkt, ", ", "%s", type_name);
  tree = iot_tree_add_protocol (pkt, parent, &mqtt_fields[F_PROTO], msg, 0, msg->reported);
  ctx->rec = publish_message (pkt, msg, off, hdr, ctx, &scratch);
  iot_tree_set_label (pkt, tree, "MQ Telemetry Transport Protocol, %s", type_name);
  if (type != T_CONNECT && ctx->version == 0)
    iot_expert_add_info (pkt, tree, &mqtt_experts[E_UNKNOWN_VERSION], "Unknown version (missing the CONNECT packet?)");

  if (type == T_PUBLISH)
    node = add_bitmask (pkt, tree, msg, 0, F_HDRFLAGS, publish_bits);
  else if (ctx->version == MQTT_V31 && (type == T_PUBREL || type == T_SUBSCRIBE || type == T_UNSUBSCRIBE))
    node = add_bitmask (pkt, tree, msg, 0, F_HDRFLAGS, v31_bits);
  else
    node = add_bitmask (pkt, tree, msg, 0, F_HDRFLAGS, other_bits);
  if (type == T_PUBLISH && ((hdr >> 1) & 3) == 3)
    iot_expert_add_info (pkt, node, &mqtt_experts[E_QOS_INVALID], "QoS 3 is not a valid QoS (must be 0, 1 or 2)");
  else if (type == T_PUBLISH && (hdr & 0x08) && !(hdr & 0x06))
    iot_expert_add_info (pkt, node, &mqtt_experts[E_DUP_ON_QOS0], "DUP flag set on a QoS 0 message");
  else if (type != T_PUBLISH && ctx->version == MQTT_V31 && expected_flags (type) == 0x2)
    {
      if (((hdr >> 1) & 3) != 1)
        iot_expert_add_info (pkt, node, &mqtt_experts[E_QOS1_REQUIRED], "%s must be sent with QoS 1", type_name);
    }
  else if (type != T_PUBLISH && (hdr & 0x0f) != expected_flags (type))
    iot_expert_add_info (pkt, node, &mqtt_experts[E_RESERVED_FLAGS], "Reserved flags of %s must be %u, not %u", type_name, expected_flags (type), hdr & 0x0fu);
  if (type == T_RESERVED || (type == T_AUTH && ctx->version != MQTT_V50 && ctx->version != 0))
    iot_expert_add_info (pkt, node, &mqtt_experts[E_RESERVED_TYPE], "Message type %u is reserved in this version",
                    type);
  iot_tree_add_uint (pkt, tree, &mqtt_fields[F_LEN], msg, 1, len_bytes, remaining);
  if (ctx->first_pass && ctx->st != NULL)
    {
      guint16 id = 0;
      gboolean have_id = message_id (msg, off, type, hdr, &id);

      tx_record (pkt, msg, type, hdr, have_id, id, ctx);
    }

  switch (type)
    {
    case T_CONNECT:
      dissect_connect (pkt, tree, msg, off, ctx);
      break;
    case T_CONNACK:
      dissect_connack (pkt, tree, msg, off, ctx);
      break;
    case T_PUBLISH:
      dissect_publish (pkt, tree, msg, off, hdr, ctx, ctx->rec);
      break;
    case T_SUBSCRIBE:
      dissect_subscribe (pkt, tree, msg, off, ctx);
      break;
    case T_UNSUBSCRIBE:
      dissect_unsubscribe (pkt, tree, msg, off, ctx);
      break;
    case T_SUBACK:
      dissect_suback (pkt, tree, msg, off, ctx);
      break;
    case T_PUBACK:
    case T_PUBREC:
    case T_PUBREL:
    case T_PUBCOMP:
      off += add_msgid (pkt, tree, msg, off);
      /* MQTT 5 leaves out a success code and empty properties. */
      if (ctx->version == MQTT_V50 && remaining > 2)
        {
          record_error_code (ctx, add_reason_code (pkt, tree, msg, off, type));
          off += 1;
          if (remaining > 3)
            {
              Props props = { 0 };
              dissect_properties (pkt, tree, msg, off, F_PROPERTIES, &props);
            }
        }
      break;
    case T_UNSUBACK:
      off += add_msgid (pkt, tree, msg, off);
      if (ctx->version == MQTT_V50)
        {
          Props props = { 0 };

          off += dissect_properties (pkt, tree, msg, off, F_PROPERTIES, &props);
          for (; off < msg->reported; off++)
            record_error_code (ctx, add_reason_code (pkt, tree, msg, off, type));
        }
      break;
    case T_DISCONNECT:
    case T_AUTH:
      if (ctx->version == MQTT_V50 && remaining > 0)
        {
          record_error_code (ctx, add_reason_code (pkt, tree, msg, off, type));
          off += 1;
          if (remaining >= 2)
            {
              Props props = { 0 };
              dissect_properties (pkt, tree, msg, off, F_PROPERTIES, &props);
            }
        }
      break;
    default:
      /* PINGREQ, PINGRESP: nothing after the fixed header. */
      break;
    }
  if (ctx->st != NULL)
    tx_show (pkt, tree, msg, type, hdr, ctx);
  ctx->rec->version = ctx->version;
  ctx->rec->cut = FALSE;
}

/* ---- the byte stream ----------------------------------------------------------- */

/* The two-bit code of @version, or -1. */
static gint
version_code (guint8 version)
{
  for (guint i = 0; i < G_N_ELEMENTS (version_of_code); i++)
    if (version_of_code[i] == version)
      return (gint) i;
  return -1;
}

static void
set_frame_version (MqttState *st, guint32 frame, guint code)
{
  guint byte = frame / 4, shift = frame % 4 * 2;

  if (byte >= st->versions->len)
    g_array_set_size (st->versions, MAX (byte + 1, st->versions->len * 2));
  st->versions->data[byte] = (guint8) ((st->versions->data[byte] & ~(3u << shift)) | code << shift);
}

/* First pass: remembers the version in force at @call (see CallFact). */
static void
record_call (MqttState *st, const CallFact *call)
{
  gint code = version_code (call->version);

  if (call->frame != st->call_frame)
    {
      st->call_frame = call->frame;
      st->call_version = call->version;
      st->call_odd = code < 0;
      st->n_held = 0;
      if (code >= 0)
        set_frame_version (st, call->frame, (guint) code);
    }
  else if (!st->call_odd && (call->version != st->call_version || st->n_held == HELD_CALLS))
    {
      /* Two bits no longer say it: every call of the frame gets a record. */
      g_array_append_vals (st->odd_calls, st->held, st->n_held);
      st->call_odd = TRUE;
    }
  if (st->call_odd)
    g_array_append_vals (st->odd_calls, call, 1);
  else
    st->held[st->n_held++] = *call;
}

/* The version in force where the call starting at @buf's first byte of
 * @frame started in the first pass (0 for a start it did not see in a
 * frame of several versions). */
static guint8
version_at_call (MqttState *st, guint32 frame, const IotBuf *buf)
{
  guint i = first_of_frame (st->odd_calls, sizeof (CallFact), frame);
  guint8 version = 0;

  if (i < st->odd_calls->len && g_array_index (st->odd_calls, CallFact, i).frame == frame)
    {
      /* The last record of this start wins, as the first pass left it. */
      for (; i < st->odd_calls->len; i++)
        {
          const CallFact *c = &g_array_index (st->odd_calls, CallFact, i);

          if (c->frame != frame)
            break;
          if (c->origin == buf->origin && c->source == buf->source)
            version = c->version;
        }
      return version;
    }
  if (frame / 4 >= st->versions->len)
    return 0;
  return version_of_code[st->versions->data[frame / 4] >> (frame % 4 * 2) & 3];
}

static void
context_init (IotPacket *pkt, const IotBuf *buf, Ctx *ctx)
{
  guint32 frame = iot_packet_frame_number (pkt);
  IotConvKey key;

  memset (ctx, 0, sizeof *ctx);
  ctx->first_pass = iot_packet_first_pass (pkt);
  /* A packet quoted in an ICMP error is someone else's: no state. */
  if (iot_packet_in_error (pkt))
    return;
  ctx->st = iot_packet_state (pkt, &iot_dissector_mqtt);
  if (ctx->st == NULL)
    return;
  ctx->dir = iot_conv_key_from_packet (&key, pkt);
  ctx->key = key;
  if (ctx->first_pass)
    {
      CallFact call = { frame, buf->origin, buf->source, 0 };
      /* TCP found the connection already: its slot saves a look-up. */
      gpointer *slot = iot_packet_conversation_slot (pkt, &iot_dissector_mqtt, &key);

      ctx->conn = slot != NULL ? *slot : NULL;
      if (ctx->conn == NULL)
        ctx->conn = g_hash_table_lookup (ctx->st->conns, &key);
      if (ctx->conn == NULL)
        {
          ctx->conn = g_new0 (MqttConn, 1);
          g_hash_table_insert (ctx->st->conns, g_memdup2 (&key, sizeof key), ctx->conn);
        }
      if (slot != NULL)
        *slot = ctx->conn;
      ctx->version = call.version = ctx->conn->version;
      record_call (ctx->st, &call);
      return;
    }
  ctx->version = version_at_call (ctx->st, frame, buf);
}

static int
dissect_mqtt (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint off = 0;
  Ctx ctx;

  iot_col_set_protocol (pkt, "MQTT");
  iot_col_clear_info (pkt);
  context_init (pkt, buf, &ctx);

  while (off < buf->reported)
    {
      guint32 remaining = 0;
      guint n = 0, i;
      guint64 total;
      gboolean complete = FALSE;

      /* The fixed header: type byte and 1-4 length bytes. */
      for (i = 0; i < 4 && off + 1 + i < buf->reported; i++)
        {
          guint8 b = iot_buf_u8 (buf, off + 1 + i);

          remaining |= (guint32) (b & 0x7f) << (7 * i);
          if (!(b & 0x80))
            {
              n = i + 1;
              complete = TRUE;
              break;
            }
        }
      if (!complete && i < 4)
        {
          /* The length itself continues in the next segment. */
          iot_packet_request_more (pkt, buf, off, 0);
          return off;
        }
      if (!complete)
        {
          int tree = iot_tree_add_protocol (pkt, parent, &mqtt_fields[F_PROTO], buf, off, -1);
          const char *type_name = iot_value_name (msgtype_names, iot_buf_u8 (buf, off) >> 4);

          iot_tree_set_label (pkt, tree, "MQ Telemetry Transport Protocol, %s", type_name);
          iot_col_append_sep_info (pkt, ", ", "%s", type_name);
          add_item (pkt, tree, &mqtt_fields[F_HDRFLAGS], buf, off, 1, FALSE);
          iot_expert_add_info (pkt, tree, &mqtt_experts[E_REMAINING_LENGTH], "Remaining Length uses more than 4 bytes");
          iot_malformed (pkt, "MQTT Remaining Length uses more than 4 bytes");
        }
      total = 1 + (guint64) n + remaining;
      if (off + total > buf->reported)
        {
          iot_packet_request_more (pkt, buf, off, (guint) (off + total - buf->reported));
          return off;
        }
      {
        IotBuf msg = iot_buf_sub (buf, off, (gint) total);

        dissect_message (pkt, &msg, n, remaining, parent, &ctx);
      }
      off += (guint) total;
    }
  return off;
}

IotDissector iot_dissector_mqtt = {
  .name = "MQTT",
  .abbrev = "mqtt",
  .long_name = "MQ Telemetry Transport Protocol",
  .fields = mqtt_fields,
  .n_fields = N_FIELDS,
  .experts = mqtt_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_mqtt,
  .handoff = { { "tcp.port", MQTT_PORT } },
  .state_new = mqtt_state_new,
  .state_free = mqtt_state_free,
};
