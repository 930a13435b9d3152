/* websocket.c — WebSocket frames (RFC 6455) on a TCP connection that an
 * HTTP "101 Switching Protocols" handshake turned into a WebSocket.
 *
 * HTTP (http.c) remembers, in its first pass, where each connection
 * switched and hands every later byte of it to this dissector, so random
 * access gives the same result as the first pass.  A frame that goes on in
 * later segments asks TCP for the missing bytes.
 *
 * Payloads a client sends are masked (XORed with a 4-byte key); the
 * unmasked bytes become a data source of their own, and the inner layer
 * reads those.
 *
 * Two kinds of reassembly happen above the frames:
 *  - a message sent as several frames (a data frame without FIN, then
 *    continuation frames) is rebuilt on its last frame, as tshark does
 *    (websocket.fragment, websocket.reassembled.length);
 *  - a byte-stream protocol inside (MQTT: "the receiver MUST NOT assume
 *    that MQTT Control Packets are aligned on WebSocket frame boundaries")
 *    is followed across messages the way TCP follows it across segments:
 *    a message cut at a frame boundary is completed from the next frames.
 * Both keep, from the first pass, only the bytes of messages that really
 * span frames (unmasked, so they cannot be re-read from the file as they
 * are), attached to the frame that completes them; any other frame is
 * dissected from its own bytes.
 */
#include "http.h"

#include <string.h>

#include "iot-dissector.h"

enum {
  F_PROTO,
  F_FIN,
  F_RSV,
  F_OPCODE,
  F_MASK,
  F_PAYLOAD_LENGTH,
  F_PAYLOAD_LENGTH_EXT_16,
  F_PAYLOAD_LENGTH_EXT_64,
  F_MASKING_KEY,
  F_PAYLOAD,
  F_MASKED_PAYLOAD,
  F_CONTINUE,
  F_TEXT,
  F_CLOSE,
  F_CLOSE_STATUS,
  F_CLOSE_REASON,
  F_PING,
  F_PONG,
  F_UNKNOWN,
  F_FRAGMENTS,
  F_FRAGMENT,
  F_FRAGMENT_COUNT,
  F_REASSEMBLED_LENGTH,
  N_FIELDS
};

enum {
  OP_CONTINUATION = 0,
  OP_TEXT = 1,
  OP_BINARY = 2,
  OP_CLOSE = 8,
  OP_PING = 9,
  OP_PONG = 10,
};

/* The dissector for a negotiated Sec-WebSocket-Protocol.  MQTT brokers
 * offer "mqtt" (MQTT 3.1.1 and 5) and "mqttv3.1".  tshark 4.0 leaves these
 * payloads undecoded; an IoT analyzer should not. */
static const IotDissector *
subprotocol_dissector (const char *protocol)
{
  if (protocol == NULL)
    return NULL;
  if (g_str_has_prefix (protocol, "mqtt"))
    return iot_registry_dissector ("mqtt");
  return iot_registry_dissector (protocol);
}

static const IotValueName opcode_names[] = {
  { OP_CONTINUATION, "Continuation" },
  { OP_TEXT, "Text" },
  { OP_BINARY, "Binary" },
  { OP_CLOSE, "Connection Close" },
  { OP_PING, "Ping" },
  { OP_PONG, "Pong" },
  IOT_VALUE_NAMES_END
};

static const IotValueName close_status_names[] = {
  { 1000, "Normal Closure" },
  { 1001, "Going Away" },
  { 1002, "Protocol error" },
  { 1003, "Unsupported Data" },
  { 1005, "No Status Rcvd" },
  { 1006, "Abnormal Closure" },
  { 1007, "Invalid frame payload data" },
  { 1008, "Policy Violation" },
  { 1009, "Message Too Big" },
  { 1010, "Mandatory Ext." },
  { 1011, "Internal Server" },
  { 1015, "TLS handshake" },
  IOT_VALUE_NAMES_END
};

enum {
  E_LENGTH,
  N_EXPERTS
};

static IotExpertInfo ws_experts[N_EXPERTS] = {
  [E_LENGTH] = IOT_EXPERT_INFO ("websocket.payload_length.too_large", IOT_SEV_ERROR, IOT_GROUP_MALFORMED, "Payload length too large to handle",
                              "The 64-bit payload length is larger than any capture can hold; the frame is not decoded further."),
};

static IotField ws_fields[N_FIELDS] = {
  [F_PROTO] = { "websocket", "WebSocket", IOT_FT_PROTOCOL, .blurb =
    "WebSocket: a two-way message channel that starts as an HTTP request and then keeps the TCP connection open." },
  [F_FIN] = { "websocket.fin", "Fin", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x80,
    "Set on the last frame of a message; a message may be split over several frames.",
    "True", "False", 8 },
  [F_RSV] = { "websocket.rsv", "Reserved", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0x70,
    "Three bits reserved for extensions (such as compression); zero otherwise." },
  [F_OPCODE] = { "websocket.opcode", "Opcode", IOT_FT_UINT8, IOT_BASE_DEC, opcode_names, 0x0f,
    "What the frame is: 1 text, 2 binary, 0 the continuation of a message, 8 close, 9 ping, 10 pong." },
  [F_MASK] = { "websocket.mask", "Mask", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x80,
    "Set when the payload is masked with a key; every frame from a client must be masked.",
    "True", "False", 8 },
  [F_PAYLOAD_LENGTH] = { "websocket.payload_length", "Payload length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0x7f,
    "Payload size for up to 125 bytes; 126 and 127 mean a 16- or 64-bit length follows." },
  [F_PAYLOAD_LENGTH_EXT_16] = { "websocket.payload_length_ext_16", "Extended Payload length (16 bits)",
    IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Payload size for payloads of 126 to 65535 bytes." },
  [F_PAYLOAD_LENGTH_EXT_64] = { "websocket.payload_length_ext_64", "Extended Payload length (64 bits)",
    IOT_FT_UINT64, IOT_BASE_DEC, NULL, 0,
    "Payload size for payloads of 64 KiB or more." },
  [F_MASKING_KEY] = { "websocket.masking_key", "Masking-Key", IOT_FT_BYTES, .blurb =
    "The 4 bytes the client XORed over the payload, so that proxies cannot mistake it for other traffic." },
  [F_PAYLOAD] = { "websocket.payload", "Payload", IOT_FT_NONE, .blurb =
    "The frame's content, unmasked." },
  [F_MASKED_PAYLOAD] = { "websocket.masked_payload", "Masked payload", IOT_FT_NONE, .blurb =
    "The frame's content as sent, still masked." },
  [F_CONTINUE] = { "websocket.payload.continue", "Continue", IOT_FT_BYTES, .blurb =
    "More bytes of a message whose first frame came earlier." },
  [F_TEXT] = { "websocket.payload.text", "Text", IOT_FT_STRING, .blurb =
    "A text message (UTF-8)." },
  [F_CLOSE] = { "websocket.payload.close", "Close", IOT_FT_NONE, .blurb =
    "The sender is closing the WebSocket; a status code and reason may follow." },
  [F_CLOSE_STATUS] = { "websocket.payload.close.status_code", "Status code", IOT_FT_UINT16, IOT_BASE_DEC,
    close_status_names, 0,
    "Why the WebSocket is closed: 1000 normal, 1001 going away, 1002 protocol error …" },
  [F_CLOSE_REASON] = { "websocket.payload.close.reason", "Reason", IOT_FT_STRING, .blurb =
    "Free text explaining the close." },
  [F_PING] = { "websocket.payload.ping", "Ping", IOT_FT_BYTES, .blurb =
    "A keep-alive probe; the other side must answer with a pong carrying the same bytes." },
  [F_PONG] = { "websocket.payload.pong", "Pong", IOT_FT_BYTES, .blurb =
    "The answer to a ping, echoing its bytes." },
  [F_UNKNOWN] = { "websocket.payload.unknown", "Unknown", IOT_FT_BYTES, .blurb =
    "Payload of a frame whose opcode is not defined." },
  [F_FRAGMENTS] = { "websocket.fragments", "Reassembled websocket Fragments", IOT_FT_NONE, .blurb =
    "The frames whose payloads together make this message: a sender may cut one message into "
    "a first frame and continuation frames." },
  [F_FRAGMENT] = { "websocket.fragment", "Websocket Fragment", IOT_FT_FRAMENUM, .blurb =
    "A frame that carried part of this message." },
  [F_FRAGMENT_COUNT] = { "websocket.fragment.count", "Fragment count", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "How many frames the message was cut into." },
  [F_REASSEMBLED_LENGTH] = { "websocket.reassembled.length", "Reassembled websocket Payload length",
    IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Length of the whole message once its frames are put together." },
};

/* ---- per-capture state ---------------------------------------------------- */

/* Where a WebSocket frame starts: frame number, data source, offset in it.
 * The same in the first pass and in random access. */
typedef struct {
  guint32 frame;
  guint32 origin;
  guint32 source;
} Place;

typedef struct {
  guint32 frame;
  guint32 length;
} Fragment;

/* What the first pass learnt about one WebSocket frame; only frames that
 * complete a fragmented message or continue a cut inner message have one. */
typedef struct {
  /* Last frame of a fragmented message: the opcode of its first frame, the
   * payloads of the frames before (unmasked) and where they came from. */
  guint8  message_opcode;
  GBytes *fragments;
  GArray *fragment_list;   /* Fragment, this frame included */
  /* Inner protocol: bytes of a message cut in earlier frames that this
   * frame's payload continues, or skip_inner when this payload only adds
   * to that message without completing it. */
  GBytes  *stream;
  gboolean skip_inner;
} WsFact;

/* One direction of a connection, first pass only. */
typedef struct {
  guint8      message_opcode;   /* of the fragmented message being gathered; 0 = none */
  GByteArray *fragments;
  GArray     *fragment_list;    /* Fragment */
  GByteArray *stream;           /* inner bytes still waiting for the rest of their message */
  guint32     stream_needed;    /* total the waiting message needs; 0 = not known yet */
} WsFlow;

typedef struct {
  WsFlow flow[2];
} WsConv;

typedef struct {
  GHashTable *convs;   /* IotConvKey -> WsConv* */
  GHashTable *facts;   /* Place -> WsFact* */
} WsState;

static guint
place_hash (gconstpointer p)
{
  const Place *place = p;

  return place->frame * 2654435761u ^ place->origin * 40503u ^ place->source;
}

static gboolean
place_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, sizeof (Place)) == 0;
}

static void
fact_free (gpointer p)
{
  WsFact *fact = p;

  g_clear_pointer (&fact->fragments, g_bytes_unref);
  g_clear_pointer (&fact->fragment_list, g_array_unref);
  g_clear_pointer (&fact->stream, g_bytes_unref);
  g_free (fact);
}

static void
conv_free (gpointer p)
{
  WsConv *conv = p;

  for (guint d = 0; d < 2; d++)
    {
      g_byte_array_unref (conv->flow[d].fragments);
      g_array_unref (conv->flow[d].fragment_list);
      g_byte_array_unref (conv->flow[d].stream);
    }
  g_free (conv);
}

static gpointer
ws_state_new (void)
{
  WsState *st = g_new0 (WsState, 1);

  st->convs = g_hash_table_new_full (iot_conv_key_hash, iot_conv_key_equal, g_free, conv_free);
  st->facts = g_hash_table_new_full (place_hash, place_equal, g_free, fact_free);
  return st;
}

static void
ws_state_free (gpointer p)
{
  WsState *st = p;

  g_hash_table_unref (st->convs);
  g_hash_table_unref (st->facts);
  g_free (st);
}

/* Everything one WebSocket frame's dissection needs to know about where it
 * is and what the first pass found. */
typedef struct {
  WsState *st;
  Place    place;
  WsFlow  *flow;       /* first pass only, else NULL */
  WsFact  *fact;       /* the first pass's, or NULL */
} FrameCtx;

static WsFlow *
flow_for (WsState *st, IotPacket *pkt)
{
  IotConvKey key;
  guint dir = iot_conv_key_from_packet (&key, pkt);
  WsConv *conv = g_hash_table_lookup (st->convs, &key);

  if (conv == NULL)
    {
      conv = g_new0 (WsConv, 1);
      for (guint d = 0; d < 2; d++)
        {
          conv->flow[d].fragments = g_byte_array_new ();
          conv->flow[d].fragment_list = g_array_new (FALSE, FALSE, sizeof (Fragment));
          conv->flow[d].stream = g_byte_array_new ();
        }
      g_hash_table_insert (st->convs, g_memdup2 (&key, sizeof key), conv);
    }
  return &conv->flow[dir];
}

static WsFact *
fact_for (FrameCtx *ctx)
{
  if (ctx->fact == NULL)
    {
      ctx->fact = g_new0 (WsFact, 1);
      g_hash_table_insert (ctx->st->facts, g_memdup2 (&ctx->place, sizeof ctx->place), ctx->fact);
    }
  return ctx->fact;
}

static void
dissect_close (IotPacket *pkt, int tree, IotBuf *payload)
{
  int node = iot_tree_add_item (pkt, tree, &ws_fields[F_CLOSE], payload, 0, payload->length, FALSE);

  if (payload->length >= 2)
    iot_tree_add_item (pkt, node, &ws_fields[F_CLOSE_STATUS], payload, 0, 2, FALSE);
  if (payload->length > 2)
    iot_tree_add_string (pkt, node, &ws_fields[F_CLOSE_REASON], payload, 2, payload->length - 2,
                         (const char *) payload->data + 2, payload->length - 2);
}

/* The protocol inside binary messages: Decode As (ws.port), else the
 * negotiated subprotocol.  Returns the bytes it consumed, -1 if none. */
static int
call_inner (IotPacket *pkt, IotBuf *buf)
{
  const IotDissector *inner;
  guint16 sport, dport;
  int used;

  iot_packet_get_ports (pkt, &sport, &dport);
  used = iot_call_port_table (pkt, "ws.port", sport, dport, buf, -1);
  if (used >= 0)
    return used;
  inner = subprotocol_dissector (iot_http_websocket_protocol (pkt));
  return inner != NULL ? iot_call_dissector (pkt, inner, buf, -1) : -1;
}

/* While readings are wanted: a text message holding a JSON document is
 * read for its numbers (tshark shows it as lines of text only, and so
 * does the tree).  The message names no topic: the series stays unnamed. */
static void
publish_text_readings (IotPacket *pkt, IotBuf *payload)
{
  IotMediaInfo info = { .readings_only = TRUE };
  const IotDissector *json;
  guint i;

  if (!iot_packet_wants_readings (pkt) || (json = iot_registry_dissector ("json")) == NULL)
    return;
  for (i = 0; i < payload->length; i++)
    {
      guint8 c = iot_buf_u8 (payload, i);

      if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
        break;
    }
  if (i < payload->length && (iot_buf_u8 (payload, i) == '{' || iot_buf_u8 (payload, i) == '['))
    {
      iot_call_dissector_with_data (pkt, json, payload, -1, &info);
      iot_col_set_protocol (pkt, "WebSocket");
    }
}

/* @before followed by @buf, as a data source of its own. */
static IotBuf
join_source (IotPacket *pkt, const char *name, GBytes *before, const IotBuf *buf)
{
  gsize n;
  const guint8 *head = g_bytes_get_data (before, &n);
  guint8 *bytes = iot_packet_alloc (pkt, n + buf->length + 1);

  /* An empty GBytes may hold no pointer at all. */
  if (n > 0)
    memcpy (bytes, head, n);
  if (buf->length > 0)
    memcpy (bytes + n, buf->data, buf->length);
  return iot_packet_add_source (pkt, iot_packet_strdup_printf (pkt, "%s (%" G_GSIZE_FORMAT " bytes)", name,
                                                               n + buf->length),
                                bytes, (guint) (n + buf->length));
}

/* Binary data: the inner protocol, followed across frames as TCP follows it
 * across segments, or data.  Returns whether the inner protocol decoded a
 * message here (and so wrote the Info column). */
static gboolean
dissect_binary (IotPacket *pkt, FrameCtx *ctx, int tree, IotBuf *payload)
{
  WsFlow *flow = ctx->flow;
  IotBuf whole = *payload;
  guint at = 0, needed = 0;
  gboolean asked;

  if (flow != NULL && flow->stream->len > 0)
    {
      /* Not enough yet for the message cut earlier: keep its bytes, and
       * do not decode it again until it can be complete. */
      if (flow->stream_needed != 0 && (guint64) flow->stream->len + payload->length < flow->stream_needed)
        {
          fact_for (ctx)->skip_inner = TRUE;
          g_byte_array_append (flow->stream, payload->data, payload->length);
        }
      else
        fact_for (ctx)->stream = g_bytes_new (flow->stream->data, flow->stream->len);
    }
  if (ctx->fact != NULL && ctx->fact->skip_inner)
    {
      iot_tree_add_text (pkt, tree, payload, 0, payload->length,
                         "[Continues a message cut at an earlier WebSocket frame]");
      iot_call_data (pkt, payload, -1);
      return FALSE;
    }
  if (ctx->fact != NULL && ctx->fact->stream != NULL)
    {
      iot_tree_add_text (pkt, tree, payload, 0, payload->length,
                         "[Follows %" G_GSIZE_FORMAT " bytes of a message begun in earlier WebSocket frames]",
                         g_bytes_get_size (ctx->fact->stream));
      whole = join_source (pkt, "Reassembled WebSocket payload", ctx->fact->stream, payload);
    }
  if (call_inner (pkt, &whole) < 0)
    {
      iot_call_data (pkt, payload, -1);
      return FALSE;
    }
  /* A message cut at the end of this payload waits for the next frames;
   * the transport below must not see the request. */
  asked = iot_packet_take_request (pkt, &at, &needed);
  if (flow != NULL)
    {
      g_byte_array_set_size (flow->stream, 0);
      flow->stream_needed = 0;
      if (asked && at < whole.length)
        {
          g_byte_array_append (flow->stream, whole.data + at, whole.length - at);
          flow->stream_needed = needed ? flow->stream->len + needed : 0;
        }
    }
  return !asked || at > 0;
}

/* The frames of a fragmented message, listed as tshark lists them. */
static void
add_fragment_tree (IotPacket *pkt, int tree, const GArray *list, IotBuf *message)
{
  g_autoptr (GString) label = g_string_new (NULL);
  guint32 position = 0;
  int group, node;

  group = iot_tree_add_item (pkt, tree, &ws_fields[F_FRAGMENTS], message, 0, message->length, FALSE);
  iot_tree_set_generated (pkt, group);
  g_string_printf (label, "%u Reassembled websocket Fragments (%u bytes):", list->len, message->length);
  for (guint i = 0; i < list->len; i++)
    {
      const Fragment *f = &g_array_index (list, Fragment, i);

      g_string_append_printf (label, "%s #%u(%u)", i ? "," : "", f->frame, f->length);
      node = iot_tree_add_uint (pkt, group, &ws_fields[F_FRAGMENT], message, position, f->length, f->frame);
      iot_tree_set_label (pkt, node, "Frame: %u, payload: %u-%u (%u bytes)", f->frame, position,
                          position + f->length - (f->length ? 1 : 0), f->length);
      iot_tree_set_generated (pkt, node);
      position += f->length;
    }
  iot_tree_set_label (pkt, group, "%s", label->str);
  node = iot_tree_add_uint (pkt, group, &ws_fields[F_FRAGMENT_COUNT], message, 0, 0, list->len);
  iot_tree_set_generated (pkt, node);
  node = iot_tree_add_uint (pkt, group, &ws_fields[F_REASSEMBLED_LENGTH], message, 0, 0, message->length);
  iot_tree_set_generated (pkt, node);
}

/* First pass: gathers the frames of a fragmented message.  On its last
 * frame, the fact of that frame receives the frames before it. */
static void
gather_fragment (IotPacket *pkt, FrameCtx *ctx, guint opcode, gboolean fin, const IotBuf *payload)
{
  WsFlow *flow = ctx->flow;
  Fragment piece = { iot_packet_frame_number (pkt), payload->length };
  WsFact *fact;

  if (opcode != OP_CONTINUATION)
    {
      /* A new message: whatever was gathered before never ended. */
      g_byte_array_set_size (flow->fragments, 0);
      g_array_set_size (flow->fragment_list, 0);
      flow->message_opcode = (guint8) opcode;
    }
  else if (flow->message_opcode == OP_CONTINUATION)
    return;   /* its first frame was not captured */
  if (!fin)
    {
      g_byte_array_append (flow->fragments, payload->data, payload->length);
      g_array_append_val (flow->fragment_list, piece);
      return;
    }
  fact = fact_for (ctx);
  fact->message_opcode = flow->message_opcode;
  fact->fragments = g_bytes_new (flow->fragments->data, flow->fragments->len);
  fact->fragment_list = g_array_copy (flow->fragment_list);
  g_array_append_val (fact->fragment_list, piece);
  g_byte_array_set_size (flow->fragments, 0);
  g_array_set_size (flow->fragment_list, 0);
  flow->message_opcode = OP_CONTINUATION;
}

/* Returns whether an inner protocol decoded a message here. */
static gboolean
dissect_payload (IotPacket *pkt, FrameCtx *ctx, int tree, guint opcode, gboolean fin, IotBuf *payload)
{
  int node = iot_tree_add_item (pkt, tree, &ws_fields[F_PAYLOAD], payload, 0, payload->length, FALSE);
  const IotDissector *text = iot_registry_dissector ("data-text-lines");
  gboolean data_frame = opcode == OP_CONTINUATION || opcode == OP_TEXT || opcode == OP_BINARY;
  IotBuf message;

  if (data_frame && ctx->flow != NULL && (opcode == OP_CONTINUATION || !fin))
    gather_fragment (pkt, ctx, opcode, fin, payload);
  /* The first frame of a fragmented message shows nothing yet. */
  if (data_frame && opcode != OP_CONTINUATION && !fin)
    return FALSE;
  if (opcode == OP_CONTINUATION)
    {
      if (!fin || ctx->fact == NULL || ctx->fact->fragment_list == NULL)
        {
          iot_tree_add_item (pkt, node, &ws_fields[F_CONTINUE], payload, 0, payload->length, FALSE);
          return FALSE;
        }
      message = join_source (pkt, "Reassembled Message", ctx->fact->fragments, payload);
      add_fragment_tree (pkt, tree, ctx->fact->fragment_list, &message);
      payload = &message;
      opcode = ctx->fact->message_opcode;
    }

  switch (opcode)
    {
    case OP_TEXT:
      iot_tree_add_string (pkt, node, &ws_fields[F_TEXT], payload, 0, payload->length,
                           (const char *) payload->data, payload->length);
      if (text != NULL && payload->length > 0)
        iot_call_dissector (pkt, text, payload, -1);
      publish_text_readings (pkt, payload);
      break;
    case OP_BINARY:
      if (payload->length > 0)
        return dissect_binary (pkt, ctx, tree, payload);
      break;
    case OP_CLOSE:
      dissect_close (pkt, node, payload);
      break;
    case OP_PING:
      iot_tree_add_item (pkt, node, &ws_fields[F_PING], payload, 0, payload->length, FALSE);
      break;
    case OP_PONG:
      iot_tree_add_item (pkt, node, &ws_fields[F_PONG], payload, 0, payload->length, FALSE);
      break;
    default:
      iot_tree_add_item (pkt, node, &ws_fields[F_UNKNOWN], payload, 0, payload->length, FALSE);
      break;
    }
  return FALSE;
}

/* Info of one frame, as tshark writes it ("WebSocket Binary [FIN] [MASKED]",
 * "WebSocket Binary[FRAGMENT]  [MASKED]"). */
static const char *
frame_info (IotPacket *pkt, guint opcode, gboolean fin, gboolean masked)
{
  const char *name = iot_value_name (opcode_names, opcode);

  return iot_packet_strdup_printf (pkt, "WebSocket %s%s%s", name ? name : "Unknown Opcode",
                                   fin ? " [FIN] " : "[FRAGMENT] ",
                                   !masked ? "" : fin ? "[MASKED]" : " [MASKED]");
}

/* One frame at @off.  Returns its length, or 0 after asking for more.
 * @shown says an inner protocol already wrote the Info column for an
 * earlier frame of this segment: its text stays. */
static int
dissect_frame (IotPacket *pkt, WsState *st, IotBuf *buf, guint off, int parent, gboolean *shown)
{
  gboolean can_wait = buf->length == buf->reported && !iot_packet_in_error (pkt);
  guint8 b0, b1;
  guint hdr = 2, opcode;
  guint64 len;
  gboolean fin, masked;
  const char *info;
  int tree, node;
  IotBuf payload;
  FrameCtx ctx = { st, { iot_packet_frame_number (pkt), buf->origin + off, buf->source }, NULL, NULL };

  if (can_wait && !iot_buf_has (buf, off, 2))
    {
      iot_packet_request_more (pkt, buf, off, 2 - iot_buf_remaining (buf, off));
      return 0;
    }
  b0 = iot_buf_u8 (buf, off);
  b1 = iot_buf_u8 (buf, off + 1);
  fin = (b0 & 0x80) != 0;
  opcode = b0 & 0x0f;
  masked = (b1 & 0x80) != 0;
  len = b1 & 0x7f;
  if (len == 126)
    hdr += 2;
  else if (len == 127)
    hdr += 8;
  if (masked)
    hdr += 4;
  if (can_wait && !iot_buf_has (buf, off, hdr))
    {
      iot_packet_request_more (pkt, buf, off, hdr - iot_buf_remaining (buf, off));
      return 0;
    }
  if ((b1 & 0x7f) == 126)
    len = iot_buf_u16 (buf, off + 2);
  else if ((b1 & 0x7f) == 127)
    len = iot_buf_u64 (buf, off + 2);
  if (can_wait && !iot_buf_has (buf, off + hdr, len))
    {
      guint64 missing = off + hdr + len - buf->length;

      iot_packet_request_more (pkt, buf, off, (guint) MIN (missing, G_MAXUINT32));
      return 0;
    }

  if (st != NULL)
    {
      ctx.fact = g_hash_table_lookup (st->facts, &ctx.place);
      if (iot_packet_first_pass (pkt) && !iot_packet_in_error (pkt) && ctx.fact == NULL)
        ctx.flow = flow_for (st, pkt);
    }
  info = frame_info (pkt, opcode, fin, masked);
  iot_col_set_protocol (pkt, "WebSocket");
  if (!*shown)
    iot_col_set_info (pkt, info);

  tree = iot_tree_add_protocol (pkt, parent, &ws_fields[F_PROTO], buf, off,
                                (gint) MIN ((guint64) hdr + len, (guint64) G_MAXINT32));
  iot_tree_add_item (pkt, tree, &ws_fields[F_FIN], buf, off, 1, FALSE);
  iot_tree_add_item (pkt, tree, &ws_fields[F_RSV], buf, off, 1, FALSE);
  iot_tree_add_item (pkt, tree, &ws_fields[F_OPCODE], buf, off, 1, FALSE);
  iot_tree_add_item (pkt, tree, &ws_fields[F_MASK], buf, off + 1, 1, FALSE);
  node = iot_tree_add_item (pkt, tree, &ws_fields[F_PAYLOAD_LENGTH], buf, off + 1, 1, FALSE);
  if ((b1 & 0x7f) == 126)
    {
      iot_tree_append_label (pkt, node, " Extended Payload Length (16 bits)");
      iot_tree_add_item (pkt, tree, &ws_fields[F_PAYLOAD_LENGTH_EXT_16], buf, off + 2, 2, FALSE);
    }
  else if ((b1 & 0x7f) == 127)
    {
      iot_tree_append_label (pkt, node, " Extended Payload Length (64 bits)");
      iot_tree_add_item (pkt, tree, &ws_fields[F_PAYLOAD_LENGTH_EXT_64], buf, off + 2, 8, FALSE);
    }
  if (len > G_MAXINT32)
    {
      iot_expert_add_info (pkt, node, &ws_experts[E_LENGTH], "Payload length too large to handle");
      iot_malformed (pkt, "WebSocket payload length too large");
    }
  payload = iot_buf_sub (buf, off + hdr, (gint) len);
  if (masked)
    {
      const guint8 *key = iot_buf_ptr (buf, off + hdr - 4, 4);
      guint8 *clear = g_malloc (payload.length + 1);

      iot_tree_add_item (pkt, tree, &ws_fields[F_MASKING_KEY], buf, off + hdr - 4, 4, FALSE);
      iot_tree_add_item (pkt, tree, &ws_fields[F_MASKED_PAYLOAD], &payload, 0, payload.length, FALSE);
      for (guint i = 0; i < payload.length; i++)
        clear[i] = payload.data[i] ^ key[i % 4];
      payload = iot_packet_add_source (pkt, "Unmasked data", clear, payload.length);
      g_free (clear);
    }
  if (payload.length < len)
    {
      /* Cut by the snap length: nothing to follow across frames. */
      ctx.flow = NULL;
      ctx.fact = NULL;
    }
  if (dissect_payload (pkt, &ctx, tree, opcode, fin, &payload))
    {
      /* Later frames of this segment add to what the inner protocol wrote. */
      iot_col_fence_info (pkt);
      *shown = TRUE;
    }
  else
    {
      iot_col_set_protocol (pkt, "WebSocket");
      if (!*shown)
        iot_col_set_info (pkt, info);
    }
  if (payload.length < len)
    iot_buf_check (buf, off + hdr, len);   /* cut by the snap length */
  return (int) (hdr + len);
}

static int
dissect_websocket (IotPacket *pkt, IotBuf *buf, int parent)
{
  WsState *st = iot_packet_state (pkt, &iot_dissector_websocket);
  guint off = 0;
  gboolean shown = FALSE;

  while (off < buf->length)
    {
      int used = dissect_frame (pkt, st, buf, off, parent, &shown);

      if (used <= 0)
        break;
      off += (guint) used;
    }
  return (int) off;
}

IotDissector iot_dissector_websocket = {
  .name = "WebSocket",
  .abbrev = "websocket",
  .long_name = "WebSocket",
  .fields = ws_fields,
  .n_fields = N_FIELDS,
  .experts = ws_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_websocket,
  .state_new = ws_state_new,
  .state_free = ws_state_free,
};
