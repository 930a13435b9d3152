/* mqttsn.c — MQTT for Sensor Networks (MQTT-SN v1.2): MQTT reshaped for
 * datagrams and radios too small for TCP.  A client talks to a gateway
 * over UDP (or a radio); the gateway speaks MQTT to the broker.  Topics are
 * 2-byte ids instead of names: a client REGISTERs a name and gets its id,
 * or uses an id agreed beforehand (predefined) or a 2-letter name (short).
 *
 * MQTT-SN has no registered port: it is read with Decode As
 * (-d udp.port==N,mqttsn), as tshark reads it.  The first pass learns which
 * name each topic id stands for (REGISTER/REGACK, gateway REGISTERs,
 * SUBSCRIBE/SUBACK) per client–gateway pair, so that later PUBLISHes show
 * the name as a generated field.
 */
#include "iot-dissector.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

extern IotDissector iot_dissector_mqttsn;

enum {
  MT_ADVERTISE = 0x00,
  MT_SEARCHGW = 0x01,
  MT_GWINFO = 0x02,
  MT_CONNECT = 0x04,
  MT_CONNACK = 0x05,
  MT_WILLTOPICREQ = 0x06,
  MT_WILLTOPIC = 0x07,
  MT_WILLMSGREQ = 0x08,
  MT_WILLMSG = 0x09,
  MT_REGISTER = 0x0a,
  MT_REGACK = 0x0b,
  MT_PUBLISH = 0x0c,
  MT_PUBACK = 0x0d,
  MT_PUBCOMP = 0x0e,
  MT_PUBREC = 0x0f,
  MT_PUBREL = 0x10,
  MT_SUBSCRIBE = 0x12,
  MT_SUBACK = 0x13,
  MT_UNSUBSCRIBE = 0x14,
  MT_UNSUBACK = 0x15,
  MT_PINGREQ = 0x16,
  MT_PINGRESP = 0x17,
  MT_DISCONNECT = 0x18,
  MT_WILLTOPICUPD = 0x1a,
  MT_WILLTOPICRESP = 0x1b,
  MT_WILLMSGUPD = 0x1c,
  MT_WILLMSGRESP = 0x1d,
  MT_ENCAPSULATED = 0xfe,
};

enum {
  TOPIC_NORMAL = 0,
  TOPIC_PREDEFINED = 1,
  TOPIC_SHORT = 2,
};

enum {
  F_PROTO,
  F_MSG,
  F_MSG_LEN,
  F_MSG_TYPE,
  F_DUP,
  F_WILL,
  F_CLEAN,
  F_TOPIC_ID_TYPE,
  F_QOS,
  F_RETAIN,
  F_RETURN_CODE,
  F_GW_ID,
  F_GW_ADDR,
  F_ADV_INTERVAL,
  F_RADIUS,
  F_PROTOCOL_ID,
  F_TOPIC_ID,
  F_MSG_ID,
  F_TOPIC,
  F_TOPIC_NAME_OR_ID,
  F_SLEEP_TIMER,
  F_WILL_TOPIC,
  F_WILL_MSG,
  F_PUB_MSG,
  F_CLIENT_ID,
  F_KEEP_ALIVE,
  F_CONTROL,
  F_WIRELESS_NODE_ID,
  F_TOPIC_RESOLVED,
  N_FIELDS
};

static const IotValueName msg_type_names[] = {
  { MT_ADVERTISE, "Advertise Gateway" },
  { MT_SEARCHGW, "Search Gateway" },
  { MT_GWINFO, "Gateway Info" },
  { 0x03, "Reserved_03" },
  { MT_CONNECT, "Connect Command" },
  { MT_CONNACK, "Connect Ack" },
  { MT_WILLTOPICREQ, "Will Topic Request" },
  { MT_WILLTOPIC, "Will Topic" },
  { MT_WILLMSGREQ, "Will Message Request" },
  { MT_WILLMSG, "Will Message" },
  { MT_REGISTER, "Register" },
  { MT_REGACK, "Register Ack" },
  { MT_PUBLISH, "Publish Message" },
  { MT_PUBACK, "Publish Ack" },
  { MT_PUBCOMP, "Publish Complete" },
  { MT_PUBREC, "Publish Received" },
  { MT_PUBREL, "Publish Release" },
  { 0x11, "Reserved_11" },
  { MT_SUBSCRIBE, "Subscribe Request" },
  { MT_SUBACK, "Subscribe Ack" },
  { MT_UNSUBSCRIBE, "Unsubscribe Request" },
  { MT_UNSUBACK, "Unsubscribe Ack" },
  { MT_PINGREQ, "Ping Request" },
  { MT_PINGRESP, "Ping Response" },
  { MT_DISCONNECT, "Disconnect Req" },
  { 0x19, "Reserved_19" },
  { MT_WILLTOPICUPD, "Will Topic Update" },
  { MT_WILLTOPICRESP, "Will Topic Response" },
  { MT_WILLMSGUPD, "Will Message Update" },
  { MT_WILLMSGRESP, "Will Message Response" },
  { MT_ENCAPSULATED, "Encapsulated Message" },
  IOT_VALUE_NAMES_END
};

static const IotValueName qos_names[] = {
  { 0, "Fire and Forget" },
  { 1, "Acknowledged deliver" },
  { 2, "Assured Delivery" },
  { 3, "No Connection required" },
  IOT_VALUE_NAMES_END
};

static const IotValueName topic_id_type_names[] = {
  { TOPIC_NORMAL, "Normal ID" },
  { TOPIC_PREDEFINED, "Pre-defined ID" },
  { TOPIC_SHORT, "Short Topic Name" },
  { 3, "Reserved" },
  IOT_VALUE_NAMES_END
};

static const IotValueName return_code_names[] = {
  { 0, "Accepted" },
  { 1, "Rejected: congestion" },
  { 2, "Rejected: invalid topic ID" },
  { 3, "Rejected: not supported" },
  IOT_VALUE_NAMES_END
};

enum {
  E_TRAILING,
  E_UNKNOWN_TYPE,
  E_LENGTH_BEYOND,
  E_LENGTH_SHORT,
  N_EXPERTS
};

static IotExpertInfo mqttsn_experts[N_EXPERTS] = {
  [E_TRAILING] = IOT_EXPERT_INFO ("mqttsn.trailing_data", IOT_SEV_WARN, IOT_GROUP_UNDECODED, "Trailing stray characters",
                              "Bytes after the message's content that its length says belong to it."),
  [E_UNKNOWN_TYPE] = IOT_EXPERT_INFO ("mqttsn.msgtype.unknown", IOT_SEV_WARN, IOT_GROUP_UNDECODED, "Unknown message type",
                              "MQTT-SN 1.2 defines message types 0x00-0x1d (and 0xfe for encapsulation); this one is not defined, so its body is not decoded."),
  [E_LENGTH_BEYOND] = IOT_EXPERT_INFO ("mqttsn.msg.len.beyond_datagram", IOT_SEV_ERROR, IOT_GROUP_MALFORMED,
                                       "Message Length beyond the datagram",
                                       "The Length field promises more octets than the UDP datagram carries: the message was cut "
                                       "short on its way, or the sender wrote a wrong length.  Fields past the datagram's end "
                                       "cannot be read, so the message is malformed from there."),
  [E_LENGTH_SHORT] = IOT_EXPERT_INFO ("mqttsn.msg.len.below_header", IOT_SEV_ERROR, IOT_GROUP_MALFORMED,
                                      "Message Length shorter than the header",
                                      "Every MQTT-SN message counts its own Length and Message Type octets (2, or 4 in the "
                                      "three-octet form), so a smaller Length cannot be right: the body after it is malformed."),
};

static IotField mqttsn_fields[N_FIELDS] = {
  [F_PROTO] = { "mqttsn", "MQ Telemetry Transport Protocol for Sensor Networks", IOT_FT_PROTOCOL, .blurb =
    "MQTT-SN: MQTT for datagrams and small radios. Clients talk to a gateway, which relays to an MQTT broker." },
  [F_MSG] = { "mqttsn.msg", "Message", IOT_FT_NONE, .blurb =
    "One MQTT-SN message; a forwarder's encapsulated message holds another inside." },
  [F_MSG_LEN] = { "mqttsn.msg.len", "Message Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Length of the whole message in bytes, this field included. One byte, or 0x01 followed by two bytes "
    "(needed from 256 bytes on, allowed below). A receiver trusts it: if the datagram holds fewer bytes, "
    "the message was cut short." },
  [F_MSG_TYPE] = { "mqttsn.msg.type", "Message Type", IOT_FT_UINT8, IOT_BASE_HEX, msg_type_names, 0,
    "What the message is: CONNECT, REGISTER, PUBLISH, SUBSCRIBE … (0x0c = PUBLISH)." },
  [F_DUP] = { "mqttsn.dup", "DUP", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x80,
    "Set when the message is sent again because its acknowledgement did not arrive.",
    "Yes", "No", 8 },
  [F_WILL] = { "mqttsn.will", "Will", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x08,
    "Set in CONNECT when the client wants to leave a will: the gateway then asks for its topic and message.",
    "Yes", "No", 8 },
  [F_CLEAN] = { "mqttsn.clean.session", "Clean Session", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x04,
    "Set when the client starts afresh: earlier subscriptions and registrations are forgotten.",
    "Yes", "No", 8 },
  [F_TOPIC_ID_TYPE] = { "mqttsn.topic.id.type", "Topic ID Type", IOT_FT_UINT8, IOT_BASE_HEX,
    topic_id_type_names, 0x03,
    "How the topic is named: 0 an id the gateway gave in REGACK, 1 an id agreed beforehand (predefined), "
    "2 a two-letter short topic name carried in place of the id." },
  [F_QOS] = { "mqttsn.qos", "QoS", IOT_FT_UINT8, IOT_BASE_HEX, qos_names, 0x60,
    "Delivery guarantee: 0 at most once, 1 at least once, 2 exactly once, 3 (QoS -1) publish without "
    "even connecting, to a predefined or short topic." },
  [F_RETAIN] = { "mqttsn.retain", "Retain", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x10,
    "Set when the broker should keep this message for clients that subscribe later.", "Yes", "No", 8 },
  [F_RETURN_CODE] = { "mqttsn.return.code", "Return Code", IOT_FT_UINT8, IOT_BASE_HEX, return_code_names, 0,
    "The gateway's answer: 0 accepted, 1 congestion (try later), 2 unknown topic id, 3 not supported." },
  [F_GW_ID] = { "mqttsn.gw.id", "Gateway ID", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Which gateway this is, for clients that can reach several." },
  [F_GW_ADDR] = { "mqttsn.gw.addr", "Gateway Address", IOT_FT_STRING, .blurb =
    "The gateway's address, added when a client (not the gateway itself) answers a search." },
  [F_ADV_INTERVAL] = { "mqttsn.adv.interv", "Advertise Interval", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Seconds until the gateway advertises itself again; missing adverts mean it is gone." },
  [F_RADIUS] = { "mqttsn.radius", "Broadcast Radius", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "How many radio hops the search for a gateway may travel." },
  [F_PROTOCOL_ID] = { "mqttsn.protocol.id", "Protocol ID", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "Protocol name and version in CONNECT; 0x01 for MQTT-SN v1.2." },
  [F_TOPIC_ID] = { "mqttsn.topic.id", "Topic ID", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "The 2-byte number standing for a topic (or the two letters of a short topic name)." },
  [F_MSG_ID] = { "mqttsn.msg.id", "Message ID", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Matches an acknowledgement to its request (REGACK to REGISTER, PUBACK to PUBLISH …)." },
  [F_TOPIC] = { "mqttsn.topic", "Topic Name", IOT_FT_STRING, .blurb =
    "The topic name a REGISTER asks an id for." },
  [F_TOPIC_NAME_OR_ID] = { "mqttsn.topic.name.or.id", "Topic Name/ID", IOT_FT_STRING, .blurb =
    "What a SUBSCRIBE or UNSUBSCRIBE names: a topic filter, a predefined id or a short topic name." },
  [F_SLEEP_TIMER] = { "mqttsn.sleep.timer", "Sleep Timer", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Seconds the client means to sleep; the gateway buffers its messages meanwhile." },
  [F_WILL_TOPIC] = { "mqttsn.will.topic", "Will Topic", IOT_FT_STRING, .blurb =
    "Where the will message is published if the client disappears." },
  [F_WILL_MSG] = { "mqttsn.will.msg", "Will Message", IOT_FT_STRING, .blurb =
    "What the gateway publishes for the client when it disappears without DISCONNECT." },
  [F_PUB_MSG] = { "mqttsn.pub.msg", "Message", IOT_FT_STRING, .blurb =
    "The application data of the PUBLISH." },
  [F_CLIENT_ID] = { "mqttsn.client.id", "Client ID", IOT_FT_STRING, .blurb =
    "Name the client is known by; a sleeping client sends it in PINGREQ to collect buffered messages." },
  [F_KEEP_ALIVE] = { "mqttsn.keep.alive", "Keep Alive", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Seconds the client may stay silent before the gateway considers it lost." },
  [F_CONTROL] = { "mqttsn.control.info", "Control", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0x03,
    "Forwarder control octet: the radius with which the gateway's answer is broadcast." },
  [F_WIRELESS_NODE_ID] = { "mqttsn.wireless.node.id", "Wireless Node ID", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "The radio address of the node whose message the forwarder relays." },
  [F_TOPIC_RESOLVED] = { "mqttsn.topic.resolved", "Topic", IOT_FT_STRING, .blurb =
    "The topic name this id stands for, learned from an earlier REGISTER/REGACK or SUBSCRIBE/SUBACK "
    "between the same client and gateway (or the two letters of a short topic name)." },
};

/* ---- topic ids learned per client–gateway pair ---------------------------- */

typedef struct {
  GHashTable *pending;   /* "pair/msgid" → topic name asked for (REGISTER, SUBSCRIBE) */
  GHashTable *topics;    /* "pair/topicid" → topic name */
  GHashTable *clients;   /* pair → client id from CONNECT */
  GHashTable *resolved;  /* frame number → topic name found in the first pass */
} MqttsnState;

static gpointer
mqttsn_state_new (void)
{
  MqttsnState *st = g_new0 (MqttsnState, 1);

  st->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  st->topics = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  st->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  st->resolved = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  return st;
}

static void
mqttsn_state_free (gpointer p)
{
  MqttsnState *st = p;

  g_hash_table_destroy (st->pending);
  g_hash_table_destroy (st->topics);
  g_hash_table_destroy (st->clients);
  g_hash_table_destroy (st->resolved);
  g_free (st);
}

/* What one message needs to know about where it travels. */
typedef struct {
  MqttsnState *st;
  const char  *pair;        /* both endpoints (and the wireless node), either direction;
                             * packet memory, as a layer may end anywhere */
  gboolean     first_pass;
  guint        msg_len;     /* what the message's Length says, which may be
                             * more than the datagram holds */
} Ctx;

static void
append_endpoint (GString *key, const IotAddress *addr, guint16 port)
{
  guint n = addr->family == 6 ? 16 : addr->family == 4 ? 4 : 6;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (key, "%02x", addr->bytes[i]);
  g_string_append_printf (key, ":%u", port);
}

static const char *
pair_key (IotPacket *pkt)
{
  g_autoptr (GString) a = g_string_new (NULL);
  g_autoptr (GString) b = g_string_new (NULL);
  guint16 sport, dport;

  iot_packet_get_ports (pkt, &sport, &dport);
  append_endpoint (a, iot_packet_net_src (pkt), sport);
  append_endpoint (b, iot_packet_net_dst (pkt), dport);
  if (strcmp (a->str, b->str) > 0)
    return iot_packet_strdup_printf (pkt, "%s-%s", b->str, a->str);
  return iot_packet_strdup_printf (pkt, "%s-%s", a->str, b->str);
}

static void
remember_pending (Ctx *ctx, guint msg_id, const char *name)
{
  if (ctx->first_pass)
    g_hash_table_replace (ctx->st->pending, g_strdup_printf ("%s/%u", ctx->pair, msg_id), g_strdup (name));
}

static void
learn_topic (Ctx *ctx, guint topic_id, const char *name)
{
  if (ctx->first_pass && topic_id != 0)
    g_hash_table_replace (ctx->st->topics, g_strdup_printf ("%s/%u", ctx->pair, topic_id), g_strdup (name));
}

/* An acknowledgement gives the id for the name its request asked for. */
static void
learn_from_ack (Ctx *ctx, guint msg_id, guint topic_id, guint8 return_code)
{
  g_autofree char *key = NULL;
  const char *name;

  if (!ctx->first_pass || return_code != 0 || topic_id == 0)
    return;
  key = g_strdup_printf ("%s/%u", ctx->pair, msg_id);
  name = g_hash_table_lookup (ctx->st->pending, key);
  if (name != NULL)
    learn_topic (ctx, topic_id, name);
}


/* The name a topic id stands for in this message, or NULL. */
static const char *
topic_name (IotPacket *pkt, Ctx *ctx, guint8 id_type, guint topic_id, guint off)
{
  gpointer key = GSIZE_TO_POINTER (((gsize) iot_packet_frame_number (pkt) << 16) | (off & 0xffff));

  if (id_type == TOPIC_SHORT)
    {
      char letters[2] = { (char) (topic_id >> 8), (char) (topic_id & 0xff) };

      return iot_packet_strndup (pkt, letters, 2);
    }
  if (id_type != TOPIC_NORMAL)
    return NULL;
  if (ctx->first_pass)
    {
      g_autofree char *k = g_strdup_printf ("%s/%u", ctx->pair, topic_id);
      const char *name = g_hash_table_lookup (ctx->st->topics, k);

      if (name != NULL)
        g_hash_table_replace (ctx->st->resolved, key, g_strdup (name));
    }
  return g_hash_table_lookup (ctx->st->resolved, key);
}

/* ---- fields --------------------------------------------------------------- */

/* Octets from @off to the end the Length gives.  A field read there past
 * the end of the datagram is malformed, as in tshark: the Length is what
 * a receiver trusts. */
static guint
msg_left (const Ctx *ctx, guint off)
{
  return ctx->msg_len > off ? ctx->msg_len - off : 0;
}

/* A string running to the end of the message.  A NUL ends it (as tshark
 * reads it), and bytes other than NUL after that are worth a warning. */
static void
add_string (IotPacket *pkt, int tree, int field, const IotBuf *msg, guint off, const Ctx *ctx, const char **out)
{
  guint len = msg_left (ctx, off);
  const guint8 *p = iot_buf_ptr (msg, off, len);
  const guint8 *nul = memchr (p, 0, len);
  int node = iot_tree_add_string (pkt, tree, &mqttsn_fields[field], msg, off, len, (const char *) p, len);

  if (nul != NULL)
    for (const guint8 *q = nul; q < p + len; q++)
      if (*q != 0)
        {
          iot_expert_add_info (pkt, node >= 0 ? node : tree, &mqttsn_experts[E_TRAILING], "Trailing stray characters");
          break;
        }
  if (out != NULL)
    *out = iot_packet_strndup (pkt, (const char *) p, len);
}

static guint
add_u8 (IotPacket *pkt, int tree, int field, const IotBuf *msg, guint off)
{
  guint64 v = 0;

  iot_tree_add_item_ret_uint (pkt, tree, &mqttsn_fields[field], msg, off, 1, FALSE, &v);
  return (guint) v;
}

static guint
add_u16 (IotPacket *pkt, int tree, int field, const IotBuf *msg, guint off)
{
  guint64 v = 0;

  iot_tree_add_item_ret_uint (pkt, tree, &mqttsn_fields[field], msg, off, 2, FALSE, &v);
  return (guint) v;
}

/* The flags octet; each message shows only the flags it uses (@fields,
 * ended by -1).  Returns the octet. */
static guint8
add_flags (IotPacket *pkt, int tree, const IotBuf *msg, guint off, const int *fields)
{
  guint8 flags = iot_buf_u8 (msg, off);

  for (guint i = 0; fields[i] >= 0; i++)
    iot_tree_add_item (pkt, tree, &mqttsn_fields[fields[i]], msg, off, 1, FALSE);
  return flags;
}

static const int connect_flags[] = { F_WILL, F_CLEAN, F_TOPIC_ID_TYPE, -1 };
static const int publish_flags[] = { F_DUP, F_QOS, F_RETAIN, F_TOPIC_ID_TYPE, -1 };
static const int topic_type_flag[] = { F_TOPIC_ID_TYPE, -1 };

/* A number in a PUBLISH payload ("21.5", " -3 ") as a reading. */
static void
publish_reading (IotPacket *pkt, Ctx *ctx, const char *payload, const char *topic, guint8 id_type,
                 guint topic_id)
{
  g_autofree char *text = g_strstrip (g_strdup (payload));
  IotReading r = { 0 };
  const char *slash;
  char *end = NULL;

  if (*text == '\0')
    return;
  r.value = g_ascii_strtod (text, &end);
  if (end == NULL || *end != '\0' || !isfinite (r.value))
    return;
  if (topic == NULL)
    topic = iot_packet_strdup_printf (pkt, id_type == TOPIC_PREDEFINED ? "predefined topic %u" : "topic id %u",
                                      topic_id);
  r.device = g_hash_table_lookup (ctx->st->clients, ctx->pair);
  r.series = topic;
  slash = strrchr (topic, '/');
  r.name = slash ? slash + 1 : topic;
  iot_packet_add_reading (pkt, &r);
}

static void
dissect_publish (IotPacket *pkt, int tree, const IotBuf *msg, guint p, Ctx *ctx)
{
  guint8 flags = add_flags (pkt, tree, msg, p, publish_flags);
  guint8 id_type = flags & 0x03;
  guint topic_id = add_u16 (pkt, tree, F_TOPIC_ID, msg, p + 1);
  const char *topic = topic_name (pkt, ctx, id_type, topic_id, msg->origin);
  const char *payload = NULL;

  if (topic != NULL)
    {
      int node = iot_tree_add_string (pkt, tree, &mqttsn_fields[F_TOPIC_RESOLVED], msg, p + 1, 2, topic, -1);

      iot_tree_set_generated (pkt, node);
    }
  add_u16 (pkt, tree, F_MSG_ID, msg, p + 3);
  add_string (pkt, tree, F_PUB_MSG, msg, p + 5, ctx, &payload);
  if (payload != NULL && iot_packet_wants_readings (pkt))
    publish_reading (pkt, ctx, payload, topic, id_type, topic_id);
}

static guint dissect_message (IotPacket *pkt, const IotBuf *buf, guint off, int parent, Ctx *ctx,
                              gboolean top);

/* A forwarder's frame: control octet and wireless node id, then the
 * relayed message (outside the length, which counts only the header). */
static guint
dissect_encapsulated (IotPacket *pkt, int tree, const IotBuf *buf, guint off, const IotBuf *msg, guint p,
                      Ctx *ctx)
{
  guint header_len = ctx->msg_len;
  guint id_len = msg_left (ctx, p + 1);
  guint64 node_id = 0;
  const char *outer_pair = ctx->pair;
  guint inner;

  add_u8 (pkt, tree, F_CONTROL, msg, p);
  if (id_len > 0)
    {
      const guint8 *b = iot_buf_ptr (msg, p + 1, id_len);

      for (guint i = 0; i < id_len && i < 8; i++)
        node_id = node_id << 8 | b[i];
      iot_tree_add_uint (pkt, tree, &mqttsn_fields[F_WIRELESS_NODE_ID], msg, p + 1, id_len, node_id);
    }
  if (iot_buf_reported_remaining (buf, off + header_len) == 0)
    return header_len;
  /* The relayed node is a client of its own behind the forwarder. */
  ctx->pair = iot_packet_strdup_printf (pkt, "%s@%" G_GUINT64_FORMAT, outer_pair, node_id);
  inner = dissect_message (pkt, buf, off + header_len, tree, ctx, FALSE);
  ctx->pair = outer_pair;
  return header_len + inner;
}

/* The body of one message after its type octet (at @p). */
static void
dissect_body (IotPacket *pkt, int tree, const IotBuf *msg, guint p, guint8 type, Ctx *ctx)
{
  const char *text = NULL;
  guint msg_id, topic_id;

  switch (type)
    {
    case MT_ADVERTISE:
      add_u8 (pkt, tree, F_GW_ID, msg, p);
      add_u16 (pkt, tree, F_ADV_INTERVAL, msg, p + 1);
      break;
    case MT_SEARCHGW:
      add_u8 (pkt, tree, F_RADIUS, msg, p);
      break;
    case MT_GWINFO:
      add_u8 (pkt, tree, F_GW_ID, msg, p);
      if (msg_left (ctx, p + 1) > 0)
        add_string (pkt, tree, F_GW_ADDR, msg, p + 1, ctx, NULL);
      break;
    case MT_CONNECT:
      add_flags (pkt, tree, msg, p, connect_flags);
      add_u8 (pkt, tree, F_PROTOCOL_ID, msg, p + 1);
      add_u16 (pkt, tree, F_KEEP_ALIVE, msg, p + 2);
      add_string (pkt, tree, F_CLIENT_ID, msg, p + 4, ctx, &text);
      if (ctx->first_pass && text != NULL)
        g_hash_table_replace (ctx->st->clients, g_strdup (ctx->pair), g_strdup (text));
      break;
    case MT_CONNACK:
    case MT_WILLTOPICRESP:
    case MT_WILLMSGRESP:
      add_u8 (pkt, tree, F_RETURN_CODE, msg, p);
      break;
    case MT_WILLTOPIC:
    case MT_WILLTOPICUPD:
      /* tshark reads the flags even from the empty WILLTOPIC that deletes
       * a will (legal in v1.2), and so calls it malformed; so do we. */
      add_flags (pkt, tree, msg, p, topic_type_flag);
      if (msg_left (ctx, p + 1) > 0)
        add_string (pkt, tree, F_WILL_TOPIC, msg, p + 1, ctx, NULL);
      break;
    case MT_WILLMSG:
    case MT_WILLMSGUPD:
      add_string (pkt, tree, F_WILL_MSG, msg, p, ctx, NULL);
      break;
    case MT_REGISTER:
      topic_id = add_u16 (pkt, tree, F_TOPIC_ID, msg, p);
      msg_id = add_u16 (pkt, tree, F_MSG_ID, msg, p + 2);
      add_string (pkt, tree, F_TOPIC, msg, p + 4, ctx, &text);
      /* A gateway's REGISTER carries the id; a client's asks for one. */
      if (topic_id != 0)
        learn_topic (ctx, topic_id, text);
      else
        remember_pending (ctx, msg_id, text);
      break;
    case MT_REGACK:
    case MT_PUBACK:
      topic_id = add_u16 (pkt, tree, F_TOPIC_ID, msg, p);
      msg_id = add_u16 (pkt, tree, F_MSG_ID, msg, p + 2);
      if (add_u8 (pkt, tree, F_RETURN_CODE, msg, p + 4) == 0 && type == MT_REGACK)
        learn_from_ack (ctx, msg_id, topic_id, 0);
      break;
    case MT_PUBLISH:
      dissect_publish (pkt, tree, msg, p, ctx);
      break;
    case MT_PUBCOMP:
    case MT_PUBREC:
    case MT_PUBREL:
    case MT_UNSUBACK:
      add_u16 (pkt, tree, F_MSG_ID, msg, p);
      break;
    case MT_SUBSCRIBE:
    case MT_UNSUBSCRIBE:
      {
        guint8 flags = add_flags (pkt, tree, msg, p, topic_type_flag);

        msg_id = add_u16 (pkt, tree, F_MSG_ID, msg, p + 1);
        add_string (pkt, tree, F_TOPIC_NAME_OR_ID, msg, p + 3, ctx, &text);
        /* A subscription to a plain name (not a filter) gets its id in SUBACK. */
        if (type == MT_SUBSCRIBE && (flags & 0x03) == TOPIC_NORMAL && text != NULL
            && strpbrk (text, "#+") == NULL)
          remember_pending (ctx, msg_id, text);
      }
      break;
    case MT_SUBACK:
      add_flags (pkt, tree, msg, p, topic_type_flag);
      topic_id = add_u16 (pkt, tree, F_TOPIC_ID, msg, p + 1);
      msg_id = add_u16 (pkt, tree, F_MSG_ID, msg, p + 3);
      learn_from_ack (ctx, msg_id, topic_id, (guint8) add_u8 (pkt, tree, F_RETURN_CODE, msg, p + 5));
      break;
    case MT_PINGREQ:
      if (msg_left (ctx, p) > 0)
        add_string (pkt, tree, F_CLIENT_ID, msg, p, ctx, NULL);
      break;
    case MT_DISCONNECT:
      if (msg_left (ctx, p) > 0)
        add_u16 (pkt, tree, F_SLEEP_TIMER, msg, p);
      break;
    case MT_WILLTOPICREQ:
    case MT_WILLMSGREQ:
    case MT_PINGRESP:
      break;
    default:
      if (msg_left (ctx, p) > 0)
        iot_expert_add_info (pkt, tree, &mqttsn_experts[E_UNKNOWN_TYPE], "Unknown message type 0x%02x: body not decoded", type);
      break;
    }
}

/* The Length (one octet, or 0x01 and two more) and the type of the
 * message at @off; returns the header's size.  Both are read before
 * anything is shown, so a datagram too short for them is malformed
 * before it is called MQTT-SN, as tshark has it. */
static guint
read_header (const IotBuf *buf, guint off, guint *len, guint8 *type)
{
  guint hdr = 1;

  *len = iot_buf_u8 (buf, off);
  if (*len == 0x01)
    {
      *len = iot_buf_u16 (buf, off + 1);
      hdr = 3;
    }
  *type = iot_buf_u8 (buf, off + hdr);
  return hdr;
}

/* One message at @off of @buf; returns the bytes it took. */
static guint
dissect_message (IotPacket *pkt, const IotBuf *buf, guint off, int parent, Ctx *ctx, gboolean top)
{
  guint len;
  guint8 type;
  guint hdr = read_header (buf, off, &len, &type);
  guint avail = iot_buf_reported_remaining (buf, off);
  const char *name = iot_value_name (msg_type_names, type);
  IotBuf msg;
  int tree, len_node;

  tree = iot_tree_add_item (pkt, parent, &mqttsn_fields[F_MSG], buf, off, MIN (len, avail), FALSE);
  iot_tree_add_item (pkt, tree, &mqttsn_fields[F_MSG_TYPE], buf, off + hdr, 1, FALSE);
  len_node = iot_tree_add_uint (pkt, tree, &mqttsn_fields[F_MSG_LEN], buf, off, hdr, len);
  /* Says why the malformed mark that follows comes (tshark gives only the mark). */
  if (len > avail)
    iot_expert_add_info (pkt, len_node >= 0 ? len_node : tree, &mqttsn_experts[E_LENGTH_BEYOND],
                         "Message Length %u, but the datagram has %u octets from here", len, avail);
  else if (len < hdr + 1)
    iot_expert_add_info (pkt, len_node >= 0 ? len_node : tree, &mqttsn_experts[E_LENGTH_SHORT],
                         "Message Length %u, shorter than its own %u-octet header", len, hdr + 1);
  if (top)
    {
      if (name != NULL)
        iot_col_set_info (pkt, name);
      else
        iot_col_printf_info (pkt, "Unknown (0x%02x)", type);
    }
  /* The view ends where the datagram does when the Length says more;
   * fields read with msg_left() still run to where the Length ends. */
  msg = iot_buf_sub (buf, off, (gint) MIN (len, avail));
  ctx->msg_len = len;
  if (type == MT_ENCAPSULATED)
    return dissect_encapsulated (pkt, tree, buf, off, &msg, hdr + 1, ctx);
  dissect_body (pkt, tree, &msg, hdr + 1, type, ctx);
  return len;
}

/* One datagram carries one message (and a forwarder's one relayed
 * message); octets after it are not read, as tshark leaves them. */
static int
dissect_mqttsn (IotPacket *pkt, IotBuf *buf, int parent)
{
  Ctx ctx = {
    .st = iot_packet_state (pkt, &iot_dissector_mqttsn),
    .pair = pair_key (pkt),
    .first_pass = iot_packet_first_pass (pkt) && !iot_packet_in_error (pkt),
  };
  guint len;
  guint8 type;
  int tree;

  read_header (buf, 0, &len, &type);
  iot_col_set_protocol (pkt, "MQTT-SN");
  iot_col_clear_info (pkt);
  tree = iot_tree_add_protocol (pkt, parent, &mqttsn_fields[F_PROTO], buf, 0, -1);
  dissect_message (pkt, buf, 0, tree, &ctx, TRUE);
  return buf->reported;
}

IotDissector iot_dissector_mqttsn = {
  .name = "MQTT-SN",
  .abbrev = "mqttsn",
  .long_name = "MQ Telemetry Transport Protocol for Sensor Networks",
  .fields = mqttsn_fields,
  .n_fields = N_FIELDS,
  .experts = mqttsn_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_mqttsn,
  .state_new = mqttsn_state_new,
  .state_free = mqttsn_state_free,
};
