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
 */
#include "http.h"

#include <string.h>

#include "iot-engine.h"

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
};

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

/* Binary data: Decode As (ws.port), the negotiated subprotocol, or data. */
static void
dissect_binary (IotPacket *pkt, IotBuf *payload)
{
  guint16 sport, dport;

  iot_packet_get_ports (pkt, &sport, &dport);
  if (iot_call_port_table (pkt, "ws.port", sport, dport, payload, -1) >= 0)
    return;
  {
    const IotDissector *inner = subprotocol_dissector (iot_http_websocket_protocol (pkt));

    if (inner != NULL && iot_call_dissector (pkt, inner, payload, -1) >= 0)
      return;
  }
  iot_call_data (pkt, payload, -1);
  iot_col_set_protocol (pkt, "WebSocket");
}

static void
dissect_payload (IotPacket *pkt, int tree, guint opcode, IotBuf *payload)
{
  int node = iot_tree_add_item (pkt, tree, &ws_fields[F_PAYLOAD], payload, 0, payload->length, FALSE);
  const IotDissector *text = iot_registry_dissector ("data-text-lines");

  switch (opcode)
    {
    case OP_CONTINUATION:
      iot_tree_add_item (pkt, node, &ws_fields[F_CONTINUE], payload, 0, payload->length, FALSE);
      break;
    case OP_TEXT:
      iot_tree_add_string (pkt, node, &ws_fields[F_TEXT], payload, 0, payload->length,
                           (const char *) payload->data, payload->length);
      if (text != NULL && payload->length > 0)
        iot_call_dissector (pkt, text, payload, -1);
      iot_col_set_protocol (pkt, "WebSocket");
      break;
    case OP_BINARY:
      if (payload->length > 0)
        dissect_binary (pkt, payload);
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
}

/* One frame at @off.  Returns its length, or 0 after asking for more. */
static int
dissect_frame (IotPacket *pkt, IotBuf *buf, guint off, int parent, gboolean first)
{
  gboolean can_wait = buf->length == buf->reported && !iot_packet_in_error (pkt);
  guint8 b0, b1;
  guint hdr = 2, opcode;
  guint64 len;
  gboolean fin, masked;
  int tree, node;
  IotBuf payload;

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

  iot_col_set_protocol (pkt, "WebSocket");
  if (first)
    iot_col_set_info (pkt, "WebSocket");
  else
    iot_col_append_info (pkt, " WebSocket");
  iot_col_append_info (pkt, " %s%s%s", iot_value_name (opcode_names, opcode) ? iot_value_name (opcode_names, opcode)
                                                                                : "Unknown Opcode",
                       fin ? " [FIN] " : " ", masked ? "[MASKED]" : "");

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
      iot_expert_add (pkt, node, IOT_SEV_ERROR, IOT_GROUP_MALFORMED, "Payload length too large to handle");
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
  dissect_payload (pkt, tree, opcode, &payload);
  if (payload.length < len)
    iot_buf_check (buf, off + hdr, len);   /* cut by the snap length */
  return (int) (hdr + len);
}

static int
dissect_websocket (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint off = 0;
  gboolean first = TRUE;

  while (off < buf->length)
    {
      int used = dissect_frame (pkt, buf, off, parent, first);

      if (used <= 0)
        break;
      off += (guint) used;
      first = FALSE;
    }
  return (int) off;
}

IotDissector iot_dissector_websocket = {
  .name = "WebSocket",
  .abbrev = "websocket",
  .long_name = "WebSocket",
  .fields = ws_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_websocket,
};
