/* lwm2m.c — the OMA Lightweight M2M registration interface over CoAP: a
 * device registers with its server (POST /rd?ep=name&lt=300&lwm2m=1.1&b=U,
 * with the objects it has as CoRE links "</1/0>,</3/0>,</3303/0>" in the
 * payload), the server answers 2.01 Created with the registration's path
 * in Location-Path (/rd/<id>), the device updates it (POST /rd/<id>) and
 * deregisters (DELETE /rd/<id>).  The bootstrap interface (/bs) is named too.
 *
 * tshark 4.0 has no such layer (it shows the CoAP options only), so the
 * lwm2m.* fields are this project's.  The endpoint a device registered
 * under is remembered (first pass) for the address and port it registered
 * from, so the readings its TLV and SenML payloads carry name that device.
 */
#include <string.h>

#include "iot-dissector.h"
#include "coap.h"
#include "lwm2m.h"

enum {
  F_PROTO,
  F_OPERATION,
  F_ENDPOINT,
  F_LIFETIME,
  F_VERSION,
  F_BINDING,
  F_SMS,
  F_QUEUE,
  F_REGISTRATION,
  F_LINK,
  F_OBJECT_ID,
  F_INSTANCE_ID,
  F_OBJECT_NAME,
  F_OBJECT_VERSION,
  F_ROOT_CONTENT_FORMAT,
  N_FIELDS
};

static IotField lwm2m_fields[N_FIELDS] = {
  [F_PROTO] = { "lwm2m", "Lightweight M2M", IOT_FT_PROTOCOL, .blurb =
    "OMA LwM2M device management over CoAP: here the registration interface, through which a device "
    "tells its server its name, lifetime and objects." },
  [F_OPERATION] = { "lwm2m.operation", "Operation", IOT_FT_STRING, .blurb =
    "Register, Update, De-register, Bootstrap-Request, or the server's answer to one." },
  [F_ENDPOINT] = { "lwm2m.endpoint", "Endpoint Client Name", IOT_FT_STRING, .blurb =
    "The name the device registers under (query parameter ep=), unique on its server." },
  [F_LIFETIME] = { "lwm2m.lifetime", "Lifetime", IOT_FT_UINT32, IOT_BASE_DEC, .blurb =
    "Seconds the registration stays valid without an update (lt=; 86400 when absent)." },
  [F_VERSION] = { "lwm2m.version", "LwM2M Version", IOT_FT_STRING, .blurb =
    "The protocol version the device speaks (lwm2m=, e.g. 1.1)." },
  [F_BINDING] = { "lwm2m.binding", "Binding Mode", IOT_FT_STRING, .blurb =
    "How the server can reach the device (b=): U UDP, T TCP, S SMS, N non-IP, Q queue mode (1.0)." },
  [F_SMS] = { "lwm2m.sms", "SMS Number", IOT_FT_STRING, .blurb = "The device's MSISDN (sms=)." },
  [F_QUEUE] = { "lwm2m.queue_mode", "Queue Mode", IOT_FT_BOOLEAN, .blurb =
    "The device sleeps between updates; the server queues requests for it (Q parameter, LwM2M 1.1)." },
  [F_REGISTRATION] = { "lwm2m.registration", "Registration", IOT_FT_STRING, .blurb =
    "The path of the registration the server created (/rd/<id>), used by updates and de-registration." },
  [F_LINK] = { "lwm2m.link", "Object Link", IOT_FT_STRING, .blurb =
    "One CoRE link of the registration payload: an object or object instance the device has." },
  [F_OBJECT_ID] = { "lwm2m.object_id", "Object ID", IOT_FT_UINT16, IOT_BASE_DEC, .blurb =
    "The object of a link (3 Device, 3303 Temperature …)." },
  [F_INSTANCE_ID] = { "lwm2m.instance_id", "Object Instance ID", IOT_FT_UINT16, IOT_BASE_DEC, .blurb =
    "The instance of a link, when it names one." },
  [F_OBJECT_NAME] = { "lwm2m.object_name", "Object Name", IOT_FT_STRING, .blurb =
    "The name of the object from the OMA and IPSO registries. Computed, not sent." },
  [F_OBJECT_VERSION] = { "lwm2m.object_version", "Object Version", IOT_FT_STRING, .blurb =
    "The version of the object definition the device implements (ver= attribute)." },
  [F_ROOT_CONTENT_FORMAT] = { "lwm2m.content_format", "Content Format", IOT_FT_UINT16, IOT_BASE_DEC, .blurb =
    "The payload format the device prefers, from the ct= attribute of its root link (11543 LwM2M JSON, 110 SenML JSON …)." },
};

static const IotValueName object_names[] = {
  { 0, "LwM2M Security" }, { 1, "LwM2M Server" }, { 2, "Access Control" }, { 3, "Device" },
  { 4, "Connectivity Monitoring" }, { 5, "Firmware Update" }, { 6, "Location" },
  { 7, "Connectivity Statistics" }, { 21, "OSCORE" },
  { 3300, "Generic Sensor" }, { 3301, "Illuminance" }, { 3302, "Presence" }, { 3303, "Temperature" },
  { 3304, "Humidity" }, { 3305, "Power Measurement" }, { 3306, "Actuation" }, { 3311, "Light Control" },
  { 3312, "Power Control" }, { 3313, "Accelerometer" }, { 3315, "Barometer" }, { 3316, "Voltage" },
  { 3317, "Current" }, { 3323, "Pressure" }, { 3328, "Power" }, { 3336, "Location" },
  IOT_VALUE_NAMES_END
};

#define CODE_POST   2
#define CODE_DELETE 4

/* ---- state: who registered from where --------------------------------------- */

typedef struct {
  GHashTable *by_peer;           /* "addr port" → endpoint */
  GHashTable *by_registration;   /* "/rd/<id>" → endpoint */
  GHashTable *pending;           /* "addr port" of a Register → endpoint, until answered */
} Lwm2mState;

static gpointer
lwm2m_state_new (void)
{
  Lwm2mState *state = g_new0 (Lwm2mState, 1);

  state->by_peer = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  state->by_registration = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  state->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return state;
}

static void
lwm2m_state_free (gpointer data)
{
  Lwm2mState *state = data;

  g_hash_table_destroy (state->by_peer);
  g_hash_table_destroy (state->by_registration);
  g_hash_table_destroy (state->pending);
  g_free (state);
}

/* "address port" of one side of the frame. */
static char *
peer_key (IotPacket *pkt, gboolean source)
{
  const IotAddress *addr = source ? iot_packet_net_src (pkt) : iot_packet_net_dst (pkt);
  guint16 sport = 0, dport = 0;
  GString *key = g_string_new (NULL);
  guint n;

  iot_packet_get_ports (pkt, &sport, &dport);
  n = addr == NULL ? 0 : addr->family == 6 ? 16 : addr->family == 4 ? 4 : 0;
  for (guint i = 0; i < n; i++)
    g_string_append_printf (key, "%02x", addr->bytes[i]);
  g_string_append_printf (key, " %u", source ? sport : dport);
  return g_string_free (key, FALSE);
}

const char *
iot_lwm2m_endpoint (IotPacket *pkt)
{
  Lwm2mState *state = iot_packet_state (pkt, &iot_dissector_lwm2m);
  g_autofree char *src = NULL, *dst = NULL;
  const char *ep;

  if (state == NULL || g_hash_table_size (state->by_peer) == 0)
    return NULL;
  src = peer_key (pkt, TRUE);
  ep = g_hash_table_lookup (state->by_peer, src);
  if (ep == NULL)
    {
      dst = peer_key (pkt, FALSE);
      ep = g_hash_table_lookup (state->by_peer, dst);
    }
  return ep;
}

/* ---- the query: ep=…&lt=…&lwm2m=…&b=… ------------------------------------------- */

static void
add_query (IotPacket *pkt, int tree, const IotBuf *buf, const char *query)
{
  g_auto (GStrv) params = g_strsplit (query[0] == '?' ? query + 1 : query, "&", -1);

  for (guint i = 0; params[i] != NULL; i++)
    {
      const char *p = params[i], *eq = strchr (p, '=');
      const char *value = eq != NULL ? eq + 1 : "";
      gsize klen = eq != NULL ? (gsize) (eq - p) : strlen (p);

      if (klen == 2 && strncmp (p, "ep", 2) == 0)
        iot_tree_add_string (pkt, tree, &lwm2m_fields[F_ENDPOINT], buf, 0, 0, value, -1);
      else if (klen == 2 && strncmp (p, "lt", 2) == 0)
        iot_tree_add_uint (pkt, tree, &lwm2m_fields[F_LIFETIME], buf, 0, 0, g_ascii_strtoull (value, NULL, 10));
      else if (klen == 5 && strncmp (p, "lwm2m", 5) == 0)
        iot_tree_add_string (pkt, tree, &lwm2m_fields[F_VERSION], buf, 0, 0, value, -1);
      else if (klen == 1 && p[0] == 'b')
        iot_tree_add_string (pkt, tree, &lwm2m_fields[F_BINDING], buf, 0, 0, value, -1);
      else if (klen == 3 && strncmp (p, "sms", 3) == 0)
        iot_tree_add_string (pkt, tree, &lwm2m_fields[F_SMS], buf, 0, 0, value, -1);
      else if (klen == 1 && p[0] == 'Q')
        iot_tree_add_boolean (pkt, tree, &lwm2m_fields[F_QUEUE], buf, 0, 0, TRUE);
    }
}

/* ---- the payload: CoRE links ---------------------------------------------------- */

/* One link "</3303/0>;ver=1.1" at @off..@off+@len. */
static void
add_link (IotPacket *pkt, int tree, const IotBuf *buf, guint off, guint len)
{
  const char *text = iot_packet_strndup (pkt, (const char *) iot_buf_ptr (buf, off, len), len);
  const char *close = strchr (text, '>');
  int node = iot_tree_add_string (pkt, tree, &lwm2m_fields[F_LINK], buf, off, len, text, -1);
  g_auto (GStrv) segments = NULL;
  g_auto (GStrv) attrs = NULL;
  guint64 object;
  char *end;

  if (text[0] != '<' || close == NULL)
    return;
  segments = g_strsplit (iot_packet_strndup (pkt, text + 1, (gsize) (close - text - 1)), "/", -1);
  attrs = g_strsplit (close + 1, ";", -1);
  for (guint i = 0; attrs[i] != NULL; i++)
    {
      if (g_str_has_prefix (attrs[i], "ver="))
        iot_tree_add_string (pkt, node, &lwm2m_fields[F_OBJECT_VERSION], buf, off, len, attrs[i] + 4, -1);
      else if (g_str_has_prefix (attrs[i], "ct="))
        iot_tree_add_uint (pkt, node, &lwm2m_fields[F_ROOT_CONTENT_FORMAT], buf, off, len,
                           g_ascii_strtoull (attrs[i] + 3, NULL, 10));
    }
  /* "</>" (the root, with its attributes) or "</3303/0>": segments[0] is "". */
  if (g_strv_length (segments) < 2 || !g_ascii_isdigit (segments[1][0]))
    return;
  object = g_ascii_strtoull (segments[1], &end, 10);
  if (*end != '\0' || object > G_MAXUINT16)
    return;
  iot_tree_add_uint (pkt, node, &lwm2m_fields[F_OBJECT_ID], buf, off, len, object);
  if (iot_value_name (object_names, object) != NULL)
    {
      int row = iot_tree_add_string (pkt, node, &lwm2m_fields[F_OBJECT_NAME], NULL, 0, 0,
                                     iot_value_name (object_names, object), -1);

      iot_tree_set_generated (pkt, row);
      iot_tree_append_label (pkt, node, " (%s)", iot_value_name (object_names, object));
    }
  if (segments[2] != NULL && g_ascii_isdigit (segments[2][0]))
    {
      guint64 instance = g_ascii_strtoull (segments[2], &end, 10);

      if (*end == '\0' && instance <= G_MAXUINT16)
        iot_tree_add_uint (pkt, node, &lwm2m_fields[F_INSTANCE_ID], buf, off, len, instance);
    }
}

/* The comma-separated links of a Register or Update payload. */
static void
add_links (IotPacket *pkt, int tree, const IotBuf *buf)
{
  guint start = 0, n = 0;
  gboolean quoted = FALSE;

  for (guint i = 0; i <= buf->length; i++)
    {
      guint8 c = i < buf->length ? iot_buf_u8 (buf, i) : ',';

      /* Commas inside quoted attribute values do not separate links. */
      if (c == '"')
        quoted = !quoted;
      if (c != ',' || quoted)
        continue;
      if (i > start)
        {
          add_link (pkt, tree, buf, start, i - start);
          n++;
        }
      start = i + 1;
    }
  iot_tree_append_label (pkt, tree, ", %u object link%s", n, n == 1 ? "" : "s");
}

/* ---- the layer ----------------------------------------------------------------------- */

static const char *
operation_name (const IotCoapInfo *info, gboolean bootstrap, gboolean to_root)
{
  if (info->code >> 5 != 0)
    {
      /* Responses say by their code what they answer. */
      switch (info->code)
        {
        case 65: return bootstrap ? "Bootstrap-Request response" : "Register response";   /* 2.01 */
        case 66: return "De-register response";                                            /* 2.02 */
        case 68: return bootstrap ? "Bootstrap-Request response" : "Update response";      /* 2.04 */
        default: return bootstrap ? "Bootstrap interface response" : "Registration interface response";
        }
    }
  if (bootstrap)
    return info->code == CODE_POST ? "Bootstrap-Request" : "Bootstrap interface request";
  if (info->code == CODE_POST)
    return to_root ? "Register" : "Update";
  if (info->code == CODE_DELETE)
    return "De-register";
  return "Registration interface request";
}

/* The ep= parameter of a query, or NULL. */
static const char *
query_endpoint (IotPacket *pkt, const char *query)
{
  g_auto (GStrv) params = g_strsplit (query[0] == '?' ? query + 1 : query, "&", -1);

  for (guint i = 0; params[i] != NULL; i++)
    if (g_str_has_prefix (params[i], "ep="))
      return iot_packet_strdup_printf (pkt, "%s", params[i] + 3);
  return NULL;
}

/* First pass: which endpoint registered from where, and under which
 * registration path the server filed it. */
static void
remember (IotPacket *pkt, Lwm2mState *state, const IotCoapInfo *info, gboolean request, gboolean to_root,
          const char *endpoint)
{
  g_autofree char *client = NULL;
  const char *ep;

  if (request && to_root && endpoint != NULL)
    g_hash_table_replace (state->pending, peer_key (pkt, TRUE), g_strdup (endpoint));
  if (request || !to_root || info->location_path == NULL)
    return;
  client = peer_key (pkt, FALSE);
  ep = g_hash_table_lookup (state->pending, client);
  if (ep != NULL)
    {
      g_hash_table_replace (state->by_peer, g_strdup (client), g_strdup (ep));
      g_hash_table_replace (state->by_registration, g_strdup (info->location_path), g_strdup (ep));
    }
}

/* The endpoint of the registration a message belongs to, or NULL. */
static const char *
known_endpoint (Lwm2mState *state, const IotCoapInfo *info, gboolean request, gboolean to_root)
{
  if (state == NULL)
    return NULL;
  if (!to_root)
    return g_hash_table_lookup (state->by_registration, info->path);
  if (!request && info->location_path != NULL)
    return g_hash_table_lookup (state->by_registration, info->location_path);
  return NULL;
}

static int
dissect_lwm2m (IotPacket *pkt, IotBuf *buf, int parent, gpointer data)
{
  const IotCoapInfo *info = data;
  Lwm2mState *state = iot_packet_state (pkt, &iot_dissector_lwm2m);
  gboolean request, bootstrap, to_root;
  const char *endpoint = NULL, *registered, *operation;
  int tree;

  /* Called without CoAP (Decode As), the bytes are read as the object
   * links of a Register. */
  if (info == NULL)
    {
      tree = iot_tree_add_protocol (pkt, parent, &lwm2m_fields[F_PROTO], buf, 0, -1);
      add_links (pkt, tree, buf);
      return buf->length;
    }
  request = info->code >> 5 == 0;
  bootstrap = g_str_has_prefix (info->path, "/bs");
  to_root = info->path[3] == '\0';
  if (request && info->query != NULL)
    endpoint = query_endpoint (pkt, info->query);
  if (state != NULL && iot_packet_first_pass (pkt) && !bootstrap)
    remember (pkt, state, info, request, to_root, endpoint);
  /* CoRE Resource Directories use /rd too: only a Register (it names its
   * endpoint) and what belongs to a registration seen are LwM2M. */
  registered = known_endpoint (state, info, request, to_root);
  if (endpoint == NULL && registered == NULL)
    return 0;

  operation = operation_name (info, bootstrap, to_root);
  tree = iot_tree_add_protocol (pkt, parent, &lwm2m_fields[F_PROTO], buf, 0, -1);
  iot_tree_set_label (pkt, tree, "Lightweight M2M, %s", operation);
  iot_tree_add_string (pkt, tree, &lwm2m_fields[F_OPERATION], buf, 0, 0, operation, -1);
  if (request && info->query != NULL)
    add_query (pkt, tree, buf, info->query);
  if (!to_root)
    iot_tree_add_string (pkt, tree, &lwm2m_fields[F_REGISTRATION], buf, 0, 0, info->path, -1);
  else if (!request && info->location_path != NULL)
    iot_tree_add_string (pkt, tree, &lwm2m_fields[F_REGISTRATION], buf, 0, 0, info->location_path, -1);
  if (request && !bootstrap && info->code == CODE_POST && buf->length > 0)
    add_links (pkt, tree, buf);
  if (endpoint == NULL)
    {
      int row = iot_tree_add_string (pkt, tree, &lwm2m_fields[F_ENDPOINT], NULL, 0, 0, registered, -1);

      iot_tree_set_generated (pkt, row);
      endpoint = registered;
    }
  iot_tree_append_label (pkt, tree, ", Endpoint: %s", endpoint);
  return 0;
}

IotDissector iot_dissector_lwm2m = {
  .name = "LwM2M",
  .abbrev = "lwm2m",
  .long_name = "Lightweight M2M",
  .fields = lwm2m_fields,
  .n_fields = N_FIELDS,
  .dissect_with_data = dissect_lwm2m,
  .state_new = lwm2m_state_new,
  .state_free = lwm2m_state_free,
};
