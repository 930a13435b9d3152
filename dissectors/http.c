/* http.c — HTTP/1.x over TCP: request and status lines, headers, bodies
 * sized by Content-Length or sent in chunks, request/response matching, and
 * the switch to WebSocket after a "101 Switching Protocols".
 *
 * A message is dissected only once all of it is there: a header block or a
 * body that goes on in later segments asks TCP for more bytes, and TCP
 * calls again with the whole message where it completes (as tshark does).
 *
 * Two passes.  In the first pass each connection's exchanges are numbered
 * and paired, in order; each message's facts are stored under (frame,
 * data source, offset) so that any frame dissected again alone shows the
 * same numbers and links.
 */
#include "http.h"

#include <stdlib.h>
#include <string.h>

#include "iot-dissector.h"

enum {
  F_PROTO,
  F_REQUEST,
  F_RESPONSE,
  F_REQUEST_NUMBER,
  F_RESPONSE_NUMBER,
  F_REQUEST_LINE,
  F_RESPONSE_LINE,
  F_METHOD,
  F_URI,
  F_REQ_VERSION,
  F_RES_VERSION,
  F_FULL_URI,
  F_CODE,
  F_CODE_DESC,
  F_RESPONSE_FOR_URI,
  F_PHRASE,
  F_AUTHORIZATION,
  F_PROXY_AUTHENTICATE,
  F_PROXY_AUTHORIZATION,
  F_WWW_AUTHENTICATE,
  F_CONTENT_TYPE,
  F_CONTENT_LENGTH_HEADER,
  F_CONTENT_LENGTH,
  F_CONTENT_ENCODING,
  F_TRANSFER_ENCODING,
  F_UPGRADE,
  F_USER_AGENT,
  F_HOST,
  F_CONNECTION,
  F_COOKIE,
  F_ACCEPT,
  F_REFERER,
  F_ACCEPT_LANGUAGE,
  F_ACCEPT_ENCODING,
  F_DATE,
  F_CACHE_CONTROL,
  F_SERVER,
  F_LOCATION,
  F_SEC_WS_ACCEPT,
  F_SEC_WS_EXTENSIONS,
  F_SEC_WS_KEY,
  F_SEC_WS_PROTOCOL,
  F_SEC_WS_VERSION,
  F_SET_COOKIE,
  F_LAST_MODIFIED,
  F_X_FORWARDED_FOR,
  F_REQUEST_IN,
  F_RESPONSE_IN,
  F_NEXT_REQUEST_IN,
  F_NEXT_RESPONSE_IN,
  F_PREV_REQUEST_IN,
  F_PREV_RESPONSE_IN,
  F_TIME,
  F_CHUNK_BOUNDARY,
  F_CHUNK_SIZE,
  F_CHUNK_DATA,
  F_FILE_DATA,
  N_FIELDS
};

enum {
  E_CHAT,
  N_EXPERTS
};

static IotExpertInfo http_experts[N_EXPERTS] = {
  [E_CHAT] = IOT_EXPERT_INFO ("http.chat", IOT_SEV_CHAT, IOT_GROUP_SEQUENCE, "Formatted text",
                              "The request or status line, as an expert note (the conversation at a glance)."),
};

static IotField http_fields[N_FIELDS] = {
  [F_PROTO] = { "http", "Hypertext Transfer Protocol", IOT_FT_PROTOCOL, .blurb =
    "HTTP: the web's request/response protocol, also used by many devices for REST APIs and firmware downloads." },
  [F_REQUEST] = { "http.request", "Request", IOT_FT_BOOLEAN, .blurb =
    "Present when this message is a request (a client asking for something)." },
  [F_RESPONSE] = { "http.response", "Response", IOT_FT_BOOLEAN, .blurb =
    "Present when this message is a response (a server answering)." },
  [F_REQUEST_NUMBER] = { "http.request_number", "Request number", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Which request on this TCP connection this is, counting from 1 (connections can carry several)." },
  [F_RESPONSE_NUMBER] = { "http.response_number", "Response number", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Which response on this TCP connection this is, counting from 1." },
  [F_REQUEST_LINE] = { "http.request.line", "Request line", IOT_FT_STRING, .blurb =
    "One header line of a request, exactly as sent, line ending included." },
  [F_RESPONSE_LINE] = { "http.response.line", "Response line", IOT_FT_STRING, .blurb =
    "One header line of a response, exactly as sent, line ending included." },
  [F_METHOD] = { "http.request.method", "Request Method", IOT_FT_STRING, .blurb =
    "What the client wants done: GET reads, POST submits, PUT stores, DELETE removes, HEAD reads headers only." },
  [F_URI] = { "http.request.uri", "Request URI", IOT_FT_STRING, .blurb =
    "The path (and query) of the resource the request is about, as written in the request line." },
  [F_REQ_VERSION] = { "http.request.version", "Request Version", IOT_FT_STRING, .blurb =
    "The HTTP version the client speaks, e.g. HTTP/1.1." },
  [F_RES_VERSION] = { "http.response.version", "Response Version", IOT_FT_STRING, .blurb =
    "The HTTP version the server answers with." },
  [F_FULL_URI] = { "http.request.full_uri", "Full request URI", IOT_FT_STRING, .blurb =
    "The complete address of the resource, built from the Host header and the request URI." },
  [F_CODE] = { "http.response.code", "Status Code", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Three-digit result: 2xx success, 3xx go elsewhere, 4xx client mistake, 5xx server failure, 101 protocol switch." },
  [F_CODE_DESC] = { "http.response.code.desc", "Status Code Description", IOT_FT_STRING, .blurb =
    "The standard meaning of the status code, looked up by the analyzer." },
  [F_RESPONSE_FOR_URI] = { "http.response_for.uri", "Request URI", IOT_FT_STRING, .blurb =
    "The full address the answered request asked for." },
  [F_PHRASE] = { "http.response.phrase", "Response Phrase", IOT_FT_STRING, .blurb =
    "The human-readable words the server put after the status code." },
  [F_AUTHORIZATION] = { "http.authorization", "Authorization", IOT_FT_STRING, .blurb =
    "Credentials the client sends; Basic credentials are only base64, i.e. readable by anyone capturing." },
  [F_PROXY_AUTHENTICATE] = { "http.proxy_authenticate", "Proxy-Authenticate", IOT_FT_STRING, .blurb =
    "A proxy's demand for credentials and the schemes it accepts." },
  [F_PROXY_AUTHORIZATION] = { "http.proxy_authorization", "Proxy-Authorization", IOT_FT_STRING, .blurb =
    "Credentials the client gives to a proxy." },
  [F_WWW_AUTHENTICATE] = { "http.www_authenticate", "WWW-Authenticate", IOT_FT_STRING, .blurb =
    "The server's demand for credentials and the schemes it accepts." },
  [F_CONTENT_TYPE] = { "http.content_type", "Content-Type", IOT_FT_STRING, .blurb =
    "What kind of data the body holds (text/html, application/json …), sometimes with a character set." },
  [F_CONTENT_LENGTH_HEADER] = { "http.content_length_header", "Content-Length", IOT_FT_STRING, .blurb =
    "The body size as written in the header." },
  [F_CONTENT_LENGTH] = { "http.content_length", "Content length", IOT_FT_UINT64, IOT_BASE_DEC, NULL, 0,
    "The body size in bytes, as a number." },
  [F_CONTENT_ENCODING] = { "http.content_encoding", "Content-Encoding", IOT_FT_STRING, .blurb =
    "How the body was compressed (gzip, br …) before sending." },
  [F_TRANSFER_ENCODING] = { "http.transfer_encoding", "Transfer-Encoding", IOT_FT_STRING, .blurb =
    "How the body is framed on the wire; \"chunked\" sends it in pieces, each preceded by its size." },
  [F_UPGRADE] = { "http.upgrade", "Upgrade", IOT_FT_STRING, .blurb =
    "The protocol the client wants to switch this connection to (e.g. websocket), or the server switched to." },
  [F_USER_AGENT] = { "http.user_agent", "User-Agent", IOT_FT_STRING, .blurb =
    "Names the client program, often with its version." },
  [F_HOST] = { "http.host", "Host", IOT_FT_STRING, .blurb =
    "The server name (and port) the client asked for; lets one address serve several sites." },
  [F_CONNECTION] = { "http.connection", "Connection", IOT_FT_STRING, .blurb =
    "Whether the connection stays open (keep-alive), closes after this message, or is upgraded." },
  [F_COOKIE] = { "http.cookie", "Cookie", IOT_FT_STRING, .blurb =
    "Small pieces of state the server asked the client to send back, such as a session identifier." },
  [F_ACCEPT] = { "http.accept", "Accept", IOT_FT_STRING, .blurb =
    "Which media types the client can handle; */* means any." },
  [F_REFERER] = { "http.referer", "Referer", IOT_FT_STRING, .blurb =
    "The page that linked to the requested resource." },
  [F_ACCEPT_LANGUAGE] = { "http.accept_language", "Accept-Language", IOT_FT_STRING, .blurb =
    "Which human languages the client prefers." },
  [F_ACCEPT_ENCODING] = { "http.accept_encoding", "Accept Encoding", IOT_FT_STRING, .blurb =
    "Which compressions the client can undo." },
  [F_DATE] = { "http.date", "Date", IOT_FT_STRING, .blurb =
    "When the message was made, by the sender's clock." },
  [F_CACHE_CONTROL] = { "http.cache_control", "Cache-Control", IOT_FT_STRING, .blurb =
    "Rules for caches: whether and how long the answer may be kept and reused." },
  [F_SERVER] = { "http.server", "Server", IOT_FT_STRING, .blurb =
    "Names the server software, often with its version." },
  [F_LOCATION] = { "http.location", "Location", IOT_FT_STRING, .blurb =
    "Where to go instead (redirects) or where a created resource lives." },
  [F_SEC_WS_ACCEPT] = { "http.sec_websocket_accept", "Sec-WebSocket-Accept", IOT_FT_STRING, .blurb =
    "The server's proof that it understood the WebSocket handshake (a hash of the client's key)." },
  [F_SEC_WS_EXTENSIONS] = { "http.sec_websocket_extensions", "Sec-WebSocket-Extensions", IOT_FT_STRING, .blurb =
    "WebSocket extensions offered or accepted, such as per-message compression." },
  [F_SEC_WS_KEY] = { "http.sec_websocket_key", "Sec-WebSocket-Key", IOT_FT_STRING, .blurb =
    "A random value from the client that the server must hash back, so that only real WebSocket servers answer." },
  [F_SEC_WS_PROTOCOL] = { "http.sec_websocket_protocol", "Sec-WebSocket-Protocol", IOT_FT_STRING, .blurb =
    "The application protocol spoken inside the WebSocket, e.g. mqtt." },
  [F_SEC_WS_VERSION] = { "http.sec_websocket_version", "Sec-WebSocket-Version", IOT_FT_STRING, .blurb =
    "The WebSocket protocol version; 13 is the standard one." },
  [F_SET_COOKIE] = { "http.set_cookie", "Set-Cookie", IOT_FT_STRING, .blurb =
    "State the server asks the client to store and send back later." },
  [F_LAST_MODIFIED] = { "http.last_modified", "Last-Modified", IOT_FT_STRING, .blurb =
    "When the resource last changed, by the server's clock." },
  [F_X_FORWARDED_FOR] = { "http.x_forwarded_for", "X-Forwarded-For", IOT_FT_STRING, .blurb =
    "The original client address, added by a proxy or load balancer in between." },
  [F_REQUEST_IN] = { "http.request_in", "Request in frame", IOT_FT_FRAMENUM, .blurb =
    "The frame holding the request this response answers." },
  [F_RESPONSE_IN] = { "http.response_in", "Response in frame", IOT_FT_FRAMENUM, .blurb =
    "The frame holding the answer to this request." },
  [F_NEXT_REQUEST_IN] = { "http.next_request_in", "Next request in frame", IOT_FT_FRAMENUM, .blurb =
    "The frame of the next request on the same connection." },
  [F_NEXT_RESPONSE_IN] = { "http.next_response_in", "Next response in frame", IOT_FT_FRAMENUM, .blurb =
    "The frame of the next response on the same connection." },
  [F_PREV_REQUEST_IN] = { "http.prev_request_in", "Prev request in frame", IOT_FT_FRAMENUM, .blurb =
    "The frame of the previous request on the same connection." },
  [F_PREV_RESPONSE_IN] = { "http.prev_response_in", "Prev response in frame", IOT_FT_FRAMENUM, .blurb =
    "The frame of the previous response on the same connection." },
  [F_TIME] = { "http.time", "Time since request", IOT_FT_RELATIVE_TIME, .blurb =
    "How long the server took to answer: time from the request's frame to this response's frame." },
  [F_CHUNK_BOUNDARY] = { "http.chunk_boundary", "Chunk boundary", IOT_FT_BYTES, .blurb =
    "The line ending that closes a chunk's data." },
  [F_CHUNK_SIZE] = { "http.chunk_size", "Chunk size", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "How many bytes of data this chunk carries (written in hexadecimal on the wire); 0 ends the body." },
  [F_CHUNK_DATA] = { "http.chunk_data", "Chunk data", IOT_FT_BYTES, .blurb =
    "The bytes of one chunk of the body." },
  [F_FILE_DATA] = { "http.file_data", "File Data", IOT_FT_STRING, .blurb =
    "The message body: the resource or data carried, after removing chunk framing." },
};

/* Headers whose value becomes a field of their own. */
static const struct {
  const char *name;
  int field;
} header_fields[] = {
  { "authorization", F_AUTHORIZATION },
  { "proxy-authenticate", F_PROXY_AUTHENTICATE },
  { "proxy-authorization", F_PROXY_AUTHORIZATION },
  { "www-authenticate", F_WWW_AUTHENTICATE },
  { "content-type", F_CONTENT_TYPE },
  { "content-length", F_CONTENT_LENGTH_HEADER },
  { "content-encoding", F_CONTENT_ENCODING },
  { "transfer-encoding", F_TRANSFER_ENCODING },
  { "upgrade", F_UPGRADE },
  { "user-agent", F_USER_AGENT },
  { "host", F_HOST },
  { "connection", F_CONNECTION },
  { "cookie", F_COOKIE },
  { "accept", F_ACCEPT },
  { "referer", F_REFERER },
  { "accept-language", F_ACCEPT_LANGUAGE },
  { "accept-encoding", F_ACCEPT_ENCODING },
  { "date", F_DATE },
  { "cache-control", F_CACHE_CONTROL },
  { "server", F_SERVER },
  { "location", F_LOCATION },
  { "sec-websocket-accept", F_SEC_WS_ACCEPT },
  { "sec-websocket-extensions", F_SEC_WS_EXTENSIONS },
  { "sec-websocket-key", F_SEC_WS_KEY },
  { "sec-websocket-protocol", F_SEC_WS_PROTOCOL },
  { "sec-websocket-version", F_SEC_WS_VERSION },
  { "set-cookie", F_SET_COOKIE },
  { "last-modified", F_LAST_MODIFIED },
  { "x-forwarded-for", F_X_FORWARDED_FOR },
};

static const char *const methods[] = {
  "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PATCH",
  "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "REPORT", "SEARCH",
  "NOTIFY", "SUBSCRIBE", "UNSUBSCRIBE", "M-SEARCH",
};

static const IotValueName status_names[] = {
  { 100, "Continue" }, { 101, "Switching Protocols" }, { 102, "Processing" }, { 103, "Early Hints" },
  { 200, "OK" }, { 201, "Created" }, { 202, "Accepted" }, { 203, "Non-authoritative Information" },
  { 204, "No Content" }, { 205, "Reset Content" }, { 206, "Partial Content" }, { 207, "Multi-Status" },
  { 208, "Already Reported" }, { 226, "IM Used" },
  { 300, "Multiple Choices" }, { 301, "Moved Permanently" }, { 302, "Found" }, { 303, "See Other" },
  { 304, "Not Modified" }, { 305, "Use Proxy" }, { 307, "Temporary Redirect" }, { 308, "Permanent Redirect" },
  { 400, "Bad Request" }, { 401, "Unauthorized" }, { 402, "Payment Required" }, { 403, "Forbidden" },
  { 404, "Not Found" }, { 405, "Method Not Allowed" }, { 406, "Not Acceptable" },
  { 407, "Proxy Authentication Required" }, { 408, "Request Time-out" }, { 409, "Conflict" },
  { 410, "Gone" }, { 411, "Length Required" }, { 412, "Precondition Failed" },
  { 413, "Request Entity Too Large" }, { 414, "Request-URI Too Long" }, { 415, "Unsupported Media Type" },
  { 416, "Requested Range Not Satisfiable" }, { 417, "Expectation Failed" }, { 418, "I'm a teapot" },
  { 421, "Misdirected Request" }, { 422, "Unprocessable Entity" }, { 423, "Locked" },
  { 424, "Failed Dependency" }, { 425, "Too Early" }, { 426, "Upgrade Required" },
  { 428, "Precondition Required" }, { 429, "Too Many Requests" },
  { 431, "Request Header Fields Too Large" }, { 451, "Unavailable For Legal Reasons" },
  { 500, "Internal Server Error" }, { 501, "Not Implemented" }, { 502, "Bad Gateway" },
  { 503, "Service Unavailable" }, { 504, "Gateway Time-out" }, { 505, "HTTP Version not supported" },
  { 506, "Variant Also Negotiates" }, { 507, "Insufficient Storage" }, { 508, "Loop Detected" },
  { 510, "Not Extended" }, { 511, "Network Authentication Required" },
  IOT_VALUE_NAMES_END
};

/* ---- per-capture state ---------------------------------------------------- */

/* One request and its response on a connection. */
typedef struct {
  guint32 req_frame;
  guint32 res_frame;
  char   *method;
  char   *full_uri;
} Exchange;

typedef struct {
  guint32    heur_start;     /* first frame the text heuristic accepted; 0 = none */
  GPtrArray *exchanges;      /* Exchange*, in order */
  guint      unanswered;     /* index of the oldest exchange without a response */
  guint32    switch_frame;   /* frame whose 101 response switched to WebSocket; 0 = none */
  guint64    switch_pos;     /* data source and offset where WebSocket starts in it */
  char      *ws_protocol;
} Conv;

typedef struct {
  guint32 exchange;          /* index + 1 */
  gboolean request;
} MsgFact;

typedef struct {
  GHashTable *convs;         /* GBytes (connection key) -> Conv* */
  GHashTable *facts;         /* position key -> MsgFact* */
} HttpState;

static void
exchange_free (gpointer data)
{
  Exchange *ex = data;

  g_free (ex->method);
  g_free (ex->full_uri);
  g_free (ex);
}

static void
conv_free (gpointer data)
{
  Conv *conv = data;

  g_ptr_array_unref (conv->exchanges);
  g_free (conv->ws_protocol);
  g_free (conv);
}

static gpointer
http_state_new (void)
{
  HttpState *st = g_new0 (HttpState, 1);

  st->convs = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, conv_free);
  st->facts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  return st;
}

static void
http_state_free (gpointer data)
{
  HttpState *st = data;

  g_hash_table_unref (st->convs);
  g_hash_table_unref (st->facts);
  g_free (st);
}

/* A connection is named by both endpoints, in a fixed order so that both
 * directions find the same entry. */
#define CONV_KEY_LEN 38

static void
conv_key (IotPacket *pkt, guint8 key[CONV_KEY_LEN])
{
  const IotAddress *src = iot_packet_net_src (pkt), *dst = iot_packet_net_dst (pkt);
  guint8 a[19], b[19];
  guint16 sport, dport;

  iot_packet_get_ports (pkt, &sport, &dport);
  memset (a, 0, sizeof a);
  memset (b, 0, sizeof b);
  a[0] = src->family;
  memcpy (a + 1, src->bytes, 16);
  a[17] = sport >> 8;
  a[18] = sport & 0xff;
  b[0] = dst->family;
  memcpy (b + 1, dst->bytes, 16);
  b[17] = dport >> 8;
  b[18] = dport & 0xff;
  if (memcmp (a, b, sizeof a) <= 0)
    {
      memcpy (key, a, 19);
      memcpy (key + 19, b, 19);
    }
  else
    {
      memcpy (key, b, 19);
      memcpy (key + 19, a, 19);
    }
}

static Conv *
conv_find (HttpState *st, IotPacket *pkt, gboolean create)
{
  guint8 key[CONV_KEY_LEN];
  g_autoptr (GBytes) lookup = NULL;
  Conv *conv;

  if (st == NULL)
    return NULL;
  conv_key (pkt, key);
  lookup = g_bytes_new_static (key, sizeof key);
  conv = g_hash_table_lookup (st->convs, lookup);
  if (conv == NULL && create)
    {
      conv = g_new0 (Conv, 1);
      conv->exchanges = g_ptr_array_new_with_free_func (exchange_free);
      g_hash_table_insert (st->convs, g_bytes_new (key, sizeof key), conv);
    }
  return conv;
}

/* Where a message starts: frame, data source and offset in that source. */
static gint64
position (IotPacket *pkt, const IotBuf *buf, guint off)
{
  return (gint64) iot_packet_frame_number (pkt) << 32 | (gint64) buf->source << 24
         | ((buf->origin + off) & 0xffffff);
}

static gboolean
updates_state (IotPacket *pkt)
{
  return iot_packet_first_pass (pkt) && !iot_packet_in_error (pkt);
}

/* ---- small text helpers ------------------------------------------------- */

static gboolean
bytes_equal_nocase (const guint8 *p, guint len, const char *word)
{
  return strlen (word) == len && g_ascii_strncasecmp ((const char *) p, word, len) == 0;
}

static gboolean
is_method (const guint8 *p, guint len)
{
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    if (strlen (methods[i]) == len && memcmp (p, methods[i], len) == 0)
      return TRUE;
  return FALSE;
}

/* Whether the captured bytes at @off could be the start of a request or a
 * status line, even if the line is not complete yet. */
static gboolean
looks_like_start (const IotBuf *buf, guint off)
{
  guint avail = iot_buf_remaining (buf, off), n = 0;
  const guint8 *p = buf->data + off;

  if (avail >= 5)
    {
      if (memcmp (p, "HTTP/", 5) == 0)
        return TRUE;
    }
  else if (avail > 0 && memcmp (p, "HTTP/", avail) == 0)
    return TRUE;
  while (n < avail && n < 12 && (g_ascii_isupper (p[n]) || p[n] == '-'))
    n++;
  if (n == avail)
    return n > 0;
  return p[n] == ' ' && is_method (p, n);
}

/* ---- the first line --------------------------------------------------------- */

typedef struct {
  gboolean      request;
  const guint8 *line;
  guint         line_len;      /* without the line ending */
  guint         method_len, uri_off, uri_len, version_off, version_len;
  guint         code, phrase_off, phrase_len;
} StartLine;

static gboolean
parse_request_line (const guint8 *p, guint len, StartLine *sl)
{
  const guint8 *sp1 = memchr (p, ' ', len), *sp2;

  if (sp1 == NULL || !is_method (p, sp1 - p))
    return FALSE;
  sl->method_len = sp1 - p;
  sl->uri_off = sl->method_len + 1;
  sp2 = memchr (p + sl->uri_off, ' ', len - sl->uri_off);
  if (sp2 == NULL)
    return FALSE;
  sl->uri_len = (guint) (sp2 - p) - sl->uri_off;
  sl->version_off = sl->uri_off + sl->uri_len + 1;
  sl->version_len = len - sl->version_off;
  if (sl->version_len < 8 || memcmp (p + sl->version_off, "HTTP/", 5) != 0)
    return FALSE;
  sl->request = TRUE;
  return TRUE;
}

static gboolean
parse_status_line (const guint8 *p, guint len, StartLine *sl)
{
  const guint8 *sp = memchr (p, ' ', len);
  guint at;

  if (len < 12 || memcmp (p, "HTTP/", 5) != 0 || sp == NULL)
    return FALSE;
  sl->version_len = sp - p;
  at = sl->version_len + 1;
  if (at + 3 > len || !g_ascii_isdigit (p[at]) || !g_ascii_isdigit (p[at + 1]) || !g_ascii_isdigit (p[at + 2]))
    return FALSE;
  sl->code = (p[at] - '0') * 100 + (p[at + 1] - '0') * 10 + (p[at + 2] - '0');
  sl->phrase_off = at + 3 < len ? at + 4 : len;
  sl->phrase_len = len - sl->phrase_off;
  sl->request = FALSE;
  return TRUE;
}

/* ---- headers ------------------------------------------------------------------ */

typedef struct {
  guint         off, len;       /* the whole line, ending included */
  guint         name_len;
  guint         value_off, value_len;
  int           field;          /* F_… or -1 */
} Header;

typedef struct {
  StartLine     start;
  guint         start_next;     /* offset after the first line */
  GArray       *headers;        /* Header */
  guint         blank_off, blank_len;
  guint         body_off;       /* after the blank line */
  gboolean      chunked;
  gboolean      has_length;
  guint64       content_length;
  const guint8 *content_type;
  guint         content_type_len;
  const guint8 *host;
  guint         host_len;
  gboolean      upgrade_websocket;
  const guint8 *ws_protocol;
  guint         ws_protocol_len;
} Message;

static int
header_field (const guint8 *name, guint len)
{
  for (guint i = 0; i < G_N_ELEMENTS (header_fields); i++)
    if (bytes_equal_nocase (name, len, header_fields[i].name))
      return header_fields[i].field;
  return -1;
}

static void
note_header (IotPacket *pkt, const IotBuf *buf, Message *msg, Header *h)
{
  const guint8 *value = buf->data + h->value_off;

  switch (h->field)
    {
    case F_CONTENT_LENGTH_HEADER:
      {
        char *text = iot_packet_strndup (pkt, (const char *) value, h->value_len);
        char *end = NULL;
        guint64 v = g_ascii_strtoull (text, &end, 10);

        if (end != text && g_ascii_isdigit (text[0]))
          {
            msg->has_length = TRUE;
            msg->content_length = v;
          }
      }
      break;
    case F_TRANSFER_ENCODING:
      if (g_strstr_len ((const char *) value, h->value_len, "chunked") != NULL)
        msg->chunked = TRUE;
      break;
    case F_CONTENT_TYPE:
      msg->content_type = value;
      msg->content_type_len = h->value_len;
      break;
    case F_HOST:
      msg->host = value;
      msg->host_len = h->value_len;
      break;
    case F_UPGRADE:
      if (bytes_equal_nocase (value, h->value_len, "websocket"))
        msg->upgrade_websocket = TRUE;
      break;
    case F_SEC_WS_PROTOCOL:
      msg->ws_protocol = value;
      msg->ws_protocol_len = h->value_len;
      break;
    default:
      break;
    }
}

/* Reads the header block after the first line.  Returns FALSE when it does
 * not end within the captured bytes. */
static gboolean
read_headers (IotPacket *pkt, const IotBuf *buf, Message *msg)
{
  guint off = msg->start_next, next;

  for (;;)
    {
      gint end = iot_buf_find_line_end (buf, off, &next);
      Header h = { 0 };
      const guint8 *p, *colon;

      if (end < 0)
        return FALSE;
      if ((guint) end == off)
        {
          msg->blank_off = off;
          msg->blank_len = next - off;
          msg->body_off = next;
          return TRUE;
        }
      p = buf->data + off;
      h.off = off;
      h.len = next - off;
      colon = memchr (p, ':', end - off);
      h.field = -1;
      if (colon != NULL)
        {
          guint v;

          h.name_len = colon - p;
          v = h.name_len + 1;
          while (off + v < (guint) end && (p[v] == ' ' || p[v] == '\t'))
            v++;
          h.value_off = off + v;
          h.value_len = end - h.value_off;
          h.field = header_field (p, h.name_len);
          note_header (pkt, buf, msg, &h);
        }
      g_array_append_val (msg->headers, h);
      off = next;
    }
}

/* ---- bodies ------------------------------------------------------------------ */

typedef struct {
  guint size_off, size_len;      /* the size line, ending included */
  guint size;
  guint data_off;
} Chunk;

/* Walks the chunks from @off.  Returns the offset after the body (trailer
 * included), or 0 when it does not end within the captured bytes. */
static guint
walk_chunks (const IotBuf *buf, guint off, GArray *chunks)
{
  guint next;

  for (;;)
    {
      gint end = iot_buf_find_line_end (buf, off, &next);
      Chunk c = { 0 };
      guint64 size = 0;
      guint i;

      if (end < 0)
        return 0;
      for (i = off; i < (guint) end && g_ascii_isxdigit (buf->data[i]) && size <= G_MAXUINT32; i++)
        size = size * 16 + g_ascii_xdigit_value (buf->data[i]);
      if (i == off || size > G_MAXINT32)
        return 0;
      c.size_off = off;
      c.size_len = next - off;
      c.size = (guint) size;
      c.data_off = next;
      g_array_append_val (chunks, c);
      if (size == 0)
        {
          /* Trailer fields, then the final blank line. */
          off = next;
          for (;;)
            {
              end = iot_buf_find_line_end (buf, off, &next);
              if (end < 0)
                return 0;
              if ((guint) end == off)
                return next;
              off = next;
            }
        }
      if (!iot_buf_has (buf, next, (guint64) size + 2))
        return 0;
      off = next + c.size + 2;
    }
}

/* The body goes to the layer registered for its media type (the
 * "media_type" table), or to "data". */
static void
dissect_body (IotPacket *pkt, IotBuf *body, const Message *msg, int tree)
{
  iot_col_set_protocol (pkt, "HTTP");
  if (msg->content_type == NULL
      || iot_call_media_type (pkt, (const char *) msg->content_type, msg->content_type_len, body, -1) < 0)
    iot_call_data (pkt, body, -1);
  (void) tree;
}

/* ---- the tree ------------------------------------------------------------------ */

static int
add_frame_link (IotPacket *pkt, int tree, int field, guint32 frame)
{
  int node;

  if (frame == 0)
    return -1;
  node = iot_tree_add_uint (pkt, tree, &http_fields[field], NULL, 0, 0, frame);
  iot_tree_set_generated (pkt, node);
  return node;
}

/* A line from the wire as labels and the Info column show it: control
 * characters escaped (\r\n included), as tshark's format_text. */
static char *
escaped_line (IotPacket *pkt, const guint8 *p, guint len)
{
  return iot_packet_format_text (pkt, p, len);
}

static void
add_start_line (IotPacket *pkt, int tree, const IotBuf *buf, guint off, const Message *msg)
{
  const StartLine *sl = &msg->start;
  const guint8 *p = sl->line;
  guint line_full = msg->start_next - off;
  int node = iot_tree_add_text (pkt, tree, buf, off, line_full, "%s",
                                escaped_line (pkt, p, line_full));
  int hidden;

  /* The message is the line as the label shows it (tshark's too). */
  iot_expert_add_info (pkt, node, &http_experts[E_CHAT], "%s",
                           escaped_line (pkt, p, line_full));
  if (sl->request)
    {
      hidden = iot_tree_add_boolean (pkt, tree, &http_fields[F_REQUEST], NULL, 0, 0, 1);
      iot_tree_set_hidden (pkt, hidden);
      iot_tree_add_ascii_string (pkt, node, &http_fields[F_METHOD], buf, off, sl->method_len,
                           (const char *) p, sl->method_len);
      iot_tree_add_ascii_string (pkt, node, &http_fields[F_URI], buf, off + sl->uri_off, sl->uri_len,
                           (const char *) p + sl->uri_off, sl->uri_len);
      iot_tree_add_ascii_string (pkt, node, &http_fields[F_REQ_VERSION], buf, off + sl->version_off,
                           sl->version_len, (const char *) p + sl->version_off, sl->version_len);
    }
  else
    {
      const char *desc = iot_value_name (status_names, sl->code);

      hidden = iot_tree_add_boolean (pkt, tree, &http_fields[F_RESPONSE], NULL, 0, 0, 1);
      iot_tree_set_hidden (pkt, hidden);
      iot_tree_add_ascii_string (pkt, node, &http_fields[F_RES_VERSION], buf, off, sl->version_len,
                           (const char *) p, sl->version_len);
      iot_tree_add_uint (pkt, node, &http_fields[F_CODE], buf, off + sl->version_len + 1, 3, sl->code);
      hidden = iot_tree_add_string (pkt, node, &http_fields[F_CODE_DESC], NULL, 0, 0,
                                    desc ? desc : "Unknown", -1);
      iot_tree_set_generated (pkt, hidden);
      iot_tree_add_ascii_string (pkt, node, &http_fields[F_PHRASE], buf, off + sl->phrase_off, sl->phrase_len,
                           (const char *) p + sl->phrase_off, sl->phrase_len);
    }
}

static void
add_headers (IotPacket *pkt, int tree, const IotBuf *buf, const Message *msg)
{
  int line_field = msg->start.request ? F_REQUEST_LINE : F_RESPONSE_LINE;

  for (guint i = 0; i < msg->headers->len; i++)
    {
      const Header *h = &g_array_index (msg->headers, Header, i);
      const char *label = escaped_line (pkt, buf->data + h->off, h->len);
      int node, hidden;

      if (h->field >= 0)
        {
          node = iot_tree_add_ascii_string (pkt, tree, &http_fields[h->field], buf, h->off, h->len,
                                      (const char *) buf->data + h->value_off, h->value_len);
          iot_tree_set_label (pkt, node, "%s", label);
        }
      else
        node = iot_tree_add_text (pkt, tree, buf, h->off, h->len, "%s", label);
      hidden = iot_tree_add_ascii_string (pkt, tree, &http_fields[line_field], buf, h->off, h->len,
                                    (const char *) buf->data + h->off, h->len);
      iot_tree_set_hidden (pkt, hidden);
      if (h->field == F_CONTENT_LENGTH_HEADER && msg->has_length)
        {
          int child = iot_tree_add_uint (pkt, node, &http_fields[F_CONTENT_LENGTH], buf,
                                         h->value_off, h->value_len, msg->content_length);
          iot_tree_set_generated (pkt, child);
        }
    }
  if (msg->body_off != 0)
    iot_tree_add_text (pkt, tree, buf, msg->blank_off, msg->blank_len, "\\r\\n");
}

static void
add_request_facts (IotPacket *pkt, int tree, const Conv *conv, guint index, const char *full_uri)
{
  const Exchange *ex = g_ptr_array_index (conv->exchanges, index);
  const Exchange *prev = index > 0 ? g_ptr_array_index (conv->exchanges, index - 1) : NULL;
  const Exchange *next = index + 1 < conv->exchanges->len ? g_ptr_array_index (conv->exchanges, index + 1) : NULL;
  int node;

  if (full_uri != NULL)
    {
      node = iot_tree_add_ascii_string (pkt, tree, &http_fields[F_FULL_URI], NULL, 0, 0, full_uri, -1);
      iot_tree_set_generated (pkt, node);
    }
  node = iot_tree_add_uint (pkt, tree, &http_fields[F_REQUEST_NUMBER], NULL, 0, 0, index + 1);
  iot_tree_set_label (pkt, node, "[HTTP request %u/%u]", index + 1, conv->exchanges->len);
  iot_tree_set_generated (pkt, node);
  add_frame_link (pkt, tree, F_PREV_REQUEST_IN, prev ? prev->req_frame : 0);
  add_frame_link (pkt, tree, F_RESPONSE_IN, ex->res_frame);
  add_frame_link (pkt, tree, F_NEXT_REQUEST_IN, next ? next->req_frame : 0);
}

static void
add_response_facts (IotPacket *pkt, int tree, const Conv *conv, guint index)
{
  const Exchange *ex = g_ptr_array_index (conv->exchanges, index);
  const Exchange *prev = index > 0 ? g_ptr_array_index (conv->exchanges, index - 1) : NULL;
  const Exchange *next = index + 1 < conv->exchanges->len ? g_ptr_array_index (conv->exchanges, index + 1) : NULL;
  int node;

  node = iot_tree_add_uint (pkt, tree, &http_fields[F_RESPONSE_NUMBER], NULL, 0, 0, index + 1);
  iot_tree_set_label (pkt, node, "[HTTP response %u/%u]", index + 1, conv->exchanges->len);
  iot_tree_set_generated (pkt, node);
  if (ex->req_frame != 0)
    {
      node = iot_tree_add_time (pkt, tree, &http_fields[F_TIME], NULL, 0, 0,
                                iot_packet_time_ns (pkt) - iot_frame_time_ns (pkt, ex->req_frame));
      iot_tree_set_generated (pkt, node);
    }
  add_frame_link (pkt, tree, F_PREV_REQUEST_IN, prev ? prev->req_frame : 0);
  add_frame_link (pkt, tree, F_PREV_RESPONSE_IN, prev ? prev->res_frame : 0);
  add_frame_link (pkt, tree, F_REQUEST_IN, ex->req_frame);
  add_frame_link (pkt, tree, F_NEXT_REQUEST_IN, next ? next->req_frame : 0);
  add_frame_link (pkt, tree, F_NEXT_RESPONSE_IN, next ? next->res_frame : 0);
  if (ex->full_uri != NULL)
    {
      node = iot_tree_add_ascii_string (pkt, tree, &http_fields[F_RESPONSE_FOR_URI], NULL, 0, 0, ex->full_uri, -1);
      iot_tree_set_generated (pkt, node);
    }
}

/* While readings are wanted: the path of the exchange's request (without
 * scheme, host and query), for the readings of the body. */
static void
set_reading_origin (IotPacket *pkt, const Exchange *ex)
{
  const char *path = ex->full_uri, *scheme;
  char *query;

  if (!iot_packet_wants_readings (pkt) || path == NULL)
    return;
  scheme = strstr (path, "://");
  if (scheme != NULL)
    path = strchr (scheme + 3, '/');
  if (path == NULL)
    return;
  path = iot_packet_strndup (pkt, path, strlen (path));
  query = strchr (path, '?');
  if (query != NULL)
    *query = '\0';
  iot_packet_set_reading_origin (pkt, NULL, path);
}

/* Shows the chunks and returns the body without its framing, as a new
 * data source. */
static IotBuf
add_chunks (IotPacket *pkt, int tree, const IotBuf *buf, GArray *chunks, guint end)
{
  const Chunk *first = &g_array_index (chunks, Chunk, 0);
  int group = iot_tree_add_text (pkt, tree, buf, first->size_off, end - first->size_off,
                                 "HTTP chunked response");
  GByteArray *body = g_byte_array_new ();
  IotBuf out;

  for (guint i = 0; i < chunks->len; i++)
    {
      const Chunk *c = &g_array_index (chunks, Chunk, i);
      int node;

      if (c->size == 0)
        {
          guint trailer = c->data_off;

          node = iot_tree_add_text (pkt, group, buf, c->size_off, c->size_len, "End of chunked encoding");
          iot_tree_set_label (pkt, iot_tree_add_uint (pkt, node, &http_fields[F_CHUNK_SIZE], buf, c->size_off,
                                                      c->size_len, 0),
                              "Chunk size: 0 octets");
          if (end > trailer)
            iot_tree_add_text (pkt, group, buf, trailer, end - trailer, "\\r\\n");
          break;
        }
      node = iot_tree_add_text (pkt, group, buf, c->size_off, c->size_len + c->size + 2,
                                "Data chunk (%u octets)", c->size);
      iot_tree_set_label (pkt, iot_tree_add_uint (pkt, node, &http_fields[F_CHUNK_SIZE], buf, c->size_off,
                                                  c->size_len, c->size),
                          "Chunk size: %u octets", c->size);
      iot_tree_add_item (pkt, node, &http_fields[F_CHUNK_DATA], buf, c->data_off, c->size, FALSE);
      iot_tree_add_item (pkt, node, &http_fields[F_CHUNK_BOUNDARY], buf, c->data_off + c->size, 2, FALSE);
      g_byte_array_append (body, buf->data + c->data_off, c->size);
    }
  out = iot_packet_add_source (pkt, "De-chunked entity body", body->data, body->len);
  g_byte_array_unref (body);
  return out;
}

/* ---- one message ------------------------------------------------------------------ */

extern IotDissector iot_dissector_tls;

/* HTTP read from the plaintext of a TLS record (a NULL-cipher connection):
 * TLS leaves a non-zero layer value in every frame it dissects. */
static gboolean
carried_by_tls (IotPacket *pkt)
{
  return iot_packet_layer_value (pkt, &iot_dissector_tls) != 0;
}

static char *
make_full_uri (IotPacket *pkt, const Message *msg, const IotBuf *buf, guint off)
{
  const guint8 *uri = buf->data + off + msg->start.uri_off;

  if (msg->start.uri_len > 0 && uri[0] != '/')
    return g_strndup ((const char *) uri, msg->start.uri_len);
  if (msg->host == NULL)
    return NULL;
  return g_strdup_printf ("%s://%.*s%.*s", carried_by_tls (pkt) ? "https" : "http",
                          (int) msg->host_len, (const char *) msg->host,
                          (int) msg->start.uri_len, (const char *) uri);
}

/* First pass: numbers the exchange and pairs a response with the oldest
 * unanswered request. */
static void
record_message (IotPacket *pkt, HttpState *st, Conv *conv, const IotBuf *buf, guint off,
                const Message *msg, guint end)
{
  MsgFact *fact = g_new0 (MsgFact, 1);
  gint64 *key = g_new (gint64, 1);
  guint32 frame = iot_packet_frame_number (pkt);
  Exchange *ex;

  if (msg->start.request)
    {
      ex = g_new0 (Exchange, 1);
      ex->req_frame = frame;
      ex->method = g_strndup ((const char *) msg->start.line, msg->start.method_len);
      ex->full_uri = make_full_uri (pkt, msg, buf, off);
      g_ptr_array_add (conv->exchanges, ex);
      fact->request = TRUE;
      fact->exchange = conv->exchanges->len;
    }
  else
    {
      if (conv->unanswered >= conv->exchanges->len)
        {
          ex = g_new0 (Exchange, 1);
          g_ptr_array_add (conv->exchanges, ex);
        }
      ex = g_ptr_array_index (conv->exchanges, conv->unanswered);
      ex->res_frame = frame;
      fact->exchange = ++conv->unanswered;
      if (msg->start.code == 101 && msg->upgrade_websocket && conv->switch_frame == 0)
        {
          conv->switch_frame = frame;
          conv->switch_pos = (guint64) buf->source << 32 | (buf->origin + end);
          if (msg->ws_protocol != NULL)
            conv->ws_protocol = g_strndup ((const char *) msg->ws_protocol, msg->ws_protocol_len);
        }
    }
  *key = position (pkt, buf, off);
  g_hash_table_replace (st->facts, key, fact);
}

/* How many body bytes follow the headers, when the framing says so:
 * responses to HEAD and 1xx/204/304 responses have none. */
static gboolean
bodyless (const Message *msg, const char *method)
{
  if (msg->start.request)
    return !msg->has_length && !msg->chunked;
  if ((msg->start.code >= 100 && msg->start.code < 200) || msg->start.code == 204 || msg->start.code == 304)
    return TRUE;
  return method != NULL && strcmp (method, "HEAD") == 0;
}

/* The request a response at this position answers, for its method. */
static const char *
answered_method (IotPacket *pkt, HttpState *st, Conv *conv, const IotBuf *buf, guint off)
{
  const Exchange *ex = NULL;

  if (conv == NULL)
    return NULL;
  if (updates_state (pkt))
    {
      if (conv->unanswered < conv->exchanges->len)
        ex = g_ptr_array_index (conv->exchanges, conv->unanswered);
    }
  else
    {
      gint64 key = position (pkt, buf, off);
      const MsgFact *fact = g_hash_table_lookup (st->facts, &key);

      if (fact != NULL && fact->exchange > 0 && fact->exchange <= conv->exchanges->len)
        ex = g_ptr_array_index (conv->exchanges, fact->exchange - 1);
    }
  return ex ? ex->method : NULL;
}

static void
set_info (IotPacket *pkt, const Message *msg, gboolean more)
{
  const char *line = escaped_line (pkt, msg->start.line, msg->start.line_len);

  if (more)
    iot_col_append_sep_info (pkt, ", ", "%s ", line);
  else
    iot_col_set_info (pkt, iot_packet_strdup_printf (pkt, "%s ", line));
}

/* A header value or start line part as its http.* field holds it (the
 * tree's ascii string: up to a NUL, bytes above 0x7f as U+FFFD). */
static const char *
field_text (IotPacket *pkt, const guint8 *p, guint len)
{
  gsize n = strnlen ((const char *) p, len);
  g_autoptr (GString) ascii = NULL;

  for (gsize i = 0; i < n; i++)
    if (p[i] >= 0x80)
      {
        ascii = g_string_sized_new (n + 16);
        for (gsize k = 0; k < n; k++)
          if (p[k] >= 0x80)
            g_string_append (ascii, "\xef\xbf\xbd");   /* U+FFFD */
          else
            g_string_append_c (ascii, (char) p[k]);
        return iot_packet_strndup (pkt, ascii->str, ascii->len);
      }
  return iot_packet_strndup (pkt, (const char *) p, n);
}

/* The record's copies of the fields add_start_line() and add_headers()
 * show. */
static void
record_fields (IotPacket *pkt, const IotBuf *buf, const Message *msg, IotTapHttp *record)
{
  const StartLine *sl = &msg->start;

  if (sl->request)
    {
      record->method = field_text (pkt, sl->line, sl->method_len);
      record->uri = field_text (pkt, sl->line + sl->uri_off, sl->uri_len);
    }
  else
    {
      const char *desc = iot_value_name (status_names, sl->code);

      record->code = (guint16) sl->code;
      record->code_desc = desc ? desc : "Unknown";
    }
  for (guint i = 0; i < msg->headers->len; i++)
    {
      const Header *h = &g_array_index (msg->headers, Header, i);
      const guint8 *value = buf->data + h->value_off;

      if (h->field == F_HOST && record->host == NULL)
        record->host = field_text (pkt, value, h->value_len);
      else if (h->field == F_AUTHORIZATION)
        record->authorization = field_text (pkt, value, h->value_len);
      else if (h->field == F_CONTENT_TYPE)
        record->content_type = field_text (pkt, value, h->value_len);
    }
}

/* The message (NULL: continuation text) for Follow HTTP, from @off to
 * @end of @buf: where its header block ends and its body as decoded. */
static void
publish_message (IotPacket *pkt, const IotBuf *buf, guint off, guint end, const Message *msg,
                 const IotBuf *body, int parent)
{
  IotTapHttp record = { 0 };

  if (!iot_tap_wanted (pkt, IOT_TAP_HTTP))
    return;
  record.request = msg != NULL && msg->start.request;
  record.continuation = msg == NULL;
  record.nested = parent >= 0;
  record.data = buf->data + off;
  record.length = end - off;
  record.line_length = msg != NULL ? msg->start.line_len : 0;
  record.in_error = iot_packet_in_error (pkt);
  if (msg != NULL)
    record_fields (pkt, buf, msg, &record);
  record.header_length = msg != NULL && msg->body_off != 0 ? msg->body_off - off : record.length;
  if (body != NULL && body->length > 0)
    {
      record.body = body->data;
      record.body_length = body->length;
    }
  iot_tap_queue (pkt, IOT_TAP_HTTP, &record);
}

/* Text that is not the start of a message: tshark calls it continuation. */
static int
dissect_continuation (IotPacket *pkt, IotBuf *buf, guint off, int parent)
{
  int tree = iot_tree_add_protocol (pkt, parent, &http_fields[F_PROTO], buf, off, -1);
  IotBuf rest = iot_buf_sub (buf, off, -1);

  publish_message (pkt, buf, off, buf->length, NULL, NULL, parent);
  (void) tree;
  iot_col_set_protocol (pkt, "HTTP");
  iot_col_set_info (pkt, "Continuation");
  iot_call_data (pkt, &rest, -1);
  iot_col_set_protocol (pkt, "HTTP");
  return (int) (buf->length - off);
}

/* Dissects the message at @off.  Returns its length, or 0 after asking TCP
 * for more bytes. */
static int
dissect_message (IotPacket *pkt, HttpState *st, Conv *conv, IotBuf *buf, guint off, int parent,
                 gboolean more)
{
  gboolean can_wait = buf->length == buf->reported && !iot_packet_in_error (pkt);
  g_autoptr (GArray) headers = g_array_new (FALSE, TRUE, sizeof (Header));
  g_autoptr (GArray) chunks = g_array_new (FALSE, TRUE, sizeof (Chunk));
  Message msg = { 0 };
  const char *method = NULL;
  guint next, end, body_len = 0;
  gint line_end;
  int tree;
  IotBuf body, shown = { 0 };
  gboolean complete = TRUE;

  msg.headers = headers;
  line_end = iot_buf_find_line_end (buf, off, &next);
  if (line_end < 0)
    {
      if (can_wait && looks_like_start (buf, off))
        {
          iot_packet_request_more (pkt, buf, off, 0);
          return 0;
        }
      return dissect_continuation (pkt, buf, off, parent);
    }
  msg.start.line = buf->data + off;
  msg.start.line_len = line_end - off;
  msg.start_next = next;
  if (!parse_request_line (msg.start.line, msg.start.line_len, &msg.start)
      && !parse_status_line (msg.start.line, msg.start.line_len, &msg.start))
    return dissect_continuation (pkt, buf, off, parent);

  if (!read_headers (pkt, buf, &msg))
    {
      if (can_wait)
        {
          iot_packet_request_more (pkt, buf, off, 0);
          return 0;
        }
      complete = FALSE;
      end = buf->length;
    }
  if (complete)
    {
      if (!msg.start.request)
        method = answered_method (pkt, st, conv, buf, off);
      end = msg.body_off;
      if (bodyless (&msg, method))
        end = msg.body_off;
      else if (msg.chunked)
        {
          end = walk_chunks (buf, msg.body_off, chunks);
          if (end == 0)
            {
              if (can_wait)
                {
                  iot_packet_request_more (pkt, buf, off, 0);
                  return 0;
                }
              g_array_set_size (chunks, 0);
              end = buf->length;
              complete = FALSE;
            }
        }
      else if (msg.has_length)
        {
          guint64 want = msg.body_off + msg.content_length;

          if (want > buf->length && can_wait)
            {
              iot_packet_request_more (pkt, buf, off, (guint) MIN (want - buf->length, G_MAXUINT32));
              return 0;
            }
          end = (guint) MIN (want, (guint64) buf->length);
          complete = want <= buf->length;
        }
      else
        end = buf->length;     /* a response that lasts until the connection closes */
    }

  if (complete && conv != NULL && updates_state (pkt))
    record_message (pkt, st, conv, buf, off, &msg, end);

  iot_col_set_protocol (pkt, "HTTP");
  set_info (pkt, &msg, more);
  tree = iot_tree_add_protocol (pkt, parent, &http_fields[F_PROTO], buf, off, end - off);
  add_start_line (pkt, tree, buf, off, &msg);
  add_headers (pkt, tree, buf, &msg);
  if (msg.body_off == 0)
    {
      /* Headers cut short by the snap length: say so after the lines there are. */
      publish_message (pkt, buf, off, buf->length, &msg, NULL, parent);
      iot_buf_check (buf, buf->length, 1);
      return (int) (buf->length - off);
    }

  if (complete && conv != NULL)
    {
      gint64 key = position (pkt, buf, off);
      const MsgFact *fact = g_hash_table_lookup (st->facts, &key);

      if (fact != NULL && fact->exchange > 0 && fact->exchange <= conv->exchanges->len)
        {
          set_reading_origin (pkt, g_ptr_array_index (conv->exchanges, fact->exchange - 1));
          if (fact->request)
            {
              const Exchange *ex = g_ptr_array_index (conv->exchanges, fact->exchange - 1);

              add_request_facts (pkt, tree, conv, fact->exchange - 1, ex->full_uri);
            }
          else
            add_response_facts (pkt, tree, conv, fact->exchange - 1);
        }
    }

  if (chunks->len > 0)
    body = add_chunks (pkt, tree, buf, chunks, end);
  else
    body = iot_buf_sub (buf, msg.body_off, (gint) (end - msg.body_off));
  body_len = body.length;
  if (body_len > 0)
    {
      int node = iot_tree_add_ascii_string (pkt, tree, &http_fields[F_FILE_DATA], &body, 0, body_len,
                                      (const char *) body.data, body_len);

      iot_tree_set_label (pkt, node, "File Data: %u bytes", body_len);
      shown = body;
      dissect_body (pkt, &body, &msg, tree);
    }
  /* After the layers inside the body, with the body as file_data shows it. */
  publish_message (pkt, buf, off, end, &msg, &shown, parent);
  if (!complete)
    iot_buf_check (buf, end, 1);   /* the rest was not captured: say so */
  return (int) (end - off);
}

/* Whether the bytes at @off of this frame come after a switch to WebSocket. */
static gboolean
switched (IotPacket *pkt, const Conv *conv, const IotBuf *buf, guint off)
{
  guint32 frame = iot_packet_frame_number (pkt);

  if (conv == NULL || conv->switch_frame == 0 || frame < conv->switch_frame)
    return FALSE;
  if (frame > conv->switch_frame)
    return TRUE;
  return ((guint64) buf->source << 32 | (buf->origin + off)) >= conv->switch_pos
         && (guint64) buf->source == conv->switch_pos >> 32;
}

static int
hand_to_websocket (IotPacket *pkt, IotBuf *buf, guint off, int parent)
{
  IotBuf rest = iot_buf_sub (buf, off, -1);
  guint at, needed;
  int used = iot_call_dissector (pkt, &iot_dissector_websocket, &rest, parent);

  /* WebSocket asks for more relative to the view it was given. */
  if (iot_packet_take_request (pkt, &at, &needed))
    iot_packet_request_more (pkt, buf, off + at, needed);
  return used < 0 ? (int) off : (int) off + used;
}

static int
dissect_http (IotPacket *pkt, IotBuf *buf, int parent)
{
  HttpState *st = iot_packet_state (pkt, &iot_dissector_http);
  Conv *conv = conv_find (st, pkt, updates_state (pkt));
  guint off = 0;
  gboolean more = FALSE;

  while (off < buf->length)
    {
      int used;

      if (switched (pkt, conv, buf, off))
        return hand_to_websocket (pkt, buf, off, parent);
      used = dissect_message (pkt, st, conv, buf, off, parent, more);
      if (used <= 0)
        break;
      off += (guint) used;
      more = TRUE;
    }
  return (int) off;
}

/* Ports without a registration: accept a connection from the first frame
 * whose first line starts or ends with "HTTP/1.1" (what tshark's heuristic
 * checks), and every later frame of that connection. */
static gboolean
heuristic_http (IotPacket *pkt, IotBuf *buf)
{
  HttpState *st = iot_packet_state (pkt, &iot_dissector_http);
  guint32 frame = iot_packet_frame_number (pkt);
  Conv *conv = conv_find (st, pkt, FALSE);
  guint next;
  gint end;

  if (conv != NULL && conv->heur_start != 0 && conv->heur_start <= frame)
    return TRUE;
  end = iot_buf_find_line_end (buf, 0, &next);
  if (end < 0 || end == 8)
    return FALSE;
  if (!(end >= 8 && g_ascii_strncasecmp ((const char *) buf->data + end - 8, "HTTP/1.1", 8) == 0)
      && !(buf->length >= 8 && g_ascii_strncasecmp ((const char *) buf->data, "HTTP/1.1", 8) == 0))
    return FALSE;
  if (updates_state (pkt))
    {
      conv = conv_find (st, pkt, TRUE);
      if (conv->heur_start == 0)
        conv->heur_start = frame;
    }
  return TRUE;
}

const char *
iot_http_websocket_protocol (IotPacket *pkt)
{
  HttpState *st = iot_packet_state (pkt, &iot_dissector_http);
  Conv *conv = conv_find (st, pkt, FALSE);

  return conv ? conv->ws_protocol : NULL;
}

IotDissector iot_dissector_http = {
  .name = "HTTP",
  .abbrev = "http",
  .long_name = "Hypertext Transfer Protocol",
  .fields = http_fields,
  .n_fields = N_FIELDS,
  .experts = http_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_http,
  .handoff = { { "tcp.port", 80 }, { "tcp.port", 3128 }, { "tcp.port", 3132 }, { "tcp.port", 5985 },
               { "tcp.port", 8080 }, { "tcp.port", 8088 }, { "tcp.port", 11371 }, { "tcp.port", 1900 } },
  .heuristic_table = "tcp",
  .heuristic = heuristic_http,
  .state_new = http_state_new,
  .state_free = http_state_free,
};
