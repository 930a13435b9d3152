/* iot-insight.c — IoT insight in one pass: MQTT topic tree and sessions,
 * latencies, expert diagnoses in plain language, a security audit, and the
 * facts a baseline is made of.
 *
 * Each frame is dissected once with only the fields listed in field_names
 * (plus the expert rows every dissection keeps).  The walk over a frame's
 * rows fills a FrameFacts; add_frame() then updates the per-capture
 * tables; finish() turns the tables into findings.  Reports, the baseline
 * and the two-capture comparison live in iot-insight-report.c.
 */
#include "iot-insight-private.h"

#include <math.h>
#include <string.h>

#include "iot-format.h"

/* ---- fields ------------------------------------------------------------------ */

static const char *const field_names[N_F] = {
  [F_IP] = "ip", [F_IP_ID] = "ip.id", [F_IPV6] = "ipv6", [F_ICMP] = "icmp", [F_ICMPV6] = "icmpv6",
  [F_TCP] = "tcp", [F_TCP_STREAM] = "tcp.stream", [F_TCP_SEQ_RAW] = "tcp.seq_raw",
  [F_TCP_ACK_RAW] = "tcp.ack_raw", [F_TCP_LEN] = "tcp.len", [F_TCP_FLAGS] = "tcp.flags",
  [F_TCP_RETRANS] = "tcp.analysis.retransmission",
  [F_TCP_FAST_RETRANS] = "tcp.analysis.fast_retransmission",
  [F_TCP_SPURIOUS] = "tcp.analysis.spurious_retransmission",
  [F_TCP_ZERO_WINDOW] = "tcp.analysis.zero_window", [F_TCP_PAYLOAD] = "tcp.payload",
  [F_TCP_LOST_SEGMENT] = "tcp.analysis.lost_segment", [F_TCP_OUT_OF_ORDER] = "tcp.analysis.out_of_order",
  [F_TCP_DUP_ACK] = "tcp.analysis.duplicate_ack",
  [F_UDP] = "udp", [F_UDP_PAYLOAD] = "udp.payload",
  [F_MQTT] = "mqtt", [F_MQTT_TYPE] = "mqtt.msgtype", [F_MQTT_QOS] = "mqtt.qos",
  [F_MQTT_DUP] = "mqtt.dupflag", [F_MQTT_RETAIN] = "mqtt.retain", [F_MQTT_MSGID] = "mqtt.msgid",
  [F_MQTT_TOPIC] = "mqtt.topic", [F_MQTT_MSG] = "mqtt.msg", [F_MQTT_CLIENTID] = "mqtt.clientid",
  [F_MQTT_USERNAME] = "mqtt.username", [F_MQTT_PASSWD] = "mqtt.passwd", [F_MQTT_KALIVE] = "mqtt.kalive",
  [F_MQTT_CONACK] = "mqtt.conack.val", [F_MQTT_CONNACK_RC] = "mqtt.connack.reason_code",
  [F_MQTT_PUBACK_RC] = "mqtt.puback.reason_code", [F_MQTT_PUBREC_RC] = "mqtt.pubrec.reason_code",
  [F_MQTT_PUBREL_RC] = "mqtt.pubrel.reason_code", [F_MQTT_PUBCOMP_RC] = "mqtt.pubcomp.reason_code",
  [F_MQTT_SUBACK_RC] = "mqtt.suback.reason_code", [F_MQTT_SUBACK_QOS] = "mqtt.suback.qos",
  [F_MQTT_UNSUBACK_RC] = "mqtt.unsuback.reason_code",
  [F_MQTT_DISCONNECT_RC] = "mqtt.disconnect.reason_code", [F_MQTT_AUTH_RC] = "mqtt.auth.reason_code",
  [F_MQTT_RESPONSE_TIME] = "mqtt.response_time", [F_MQTT_DUP_OF] = "mqtt.dup_of",
  [F_COAP] = "coap", [F_COAP_TYPE] = "coap.type", [F_COAP_CODE] = "coap.code", [F_COAP_MID] = "coap.mid",
  [F_COAP_RESPONSE_TIME] = "coap.response_time", [F_COAP_REQ_FIRST] = "coap.request_first_in",
  [F_COAP_RESP_FIRST] = "coap.response_first_in", [F_COAP_URI] = "coap.opt.uri_path_recon",
  [F_COAP_TOKEN] = "coap.token", [F_COAP_OBSERVE] = "coap.opt.observe", [F_COAP_OPT_NAME] = "coap.opt.name",
  [F_COAP_BLOCK_NUMBER] = "coap.opt.block_number", [F_COAP_BLOCK_MORE] = "coap.opt.block_mflag",
  [F_COAP_BLOCK_SIZE] = "coap.opt.block_size",
  [F_DNS] = "dns", [F_DNS_RESPONSE] = "dns.flags.response", [F_DNS_RCODE] = "dns.flags.rcode",
  [F_DNS_QNAME] = "dns.qry.name",
  [F_HTTP] = "http", [F_HTTP_METHOD] = "http.request.method", [F_HTTP_AUTH] = "http.authorization",
  [F_HTTP_RESPONSE] = "http.response", [F_HTTP_URI] = "http.request.uri",
  [F_TLS] = "tls", [F_TLS_HS_TYPE] = "tls.handshake.type", [F_TLS_HS_VERSION] = "tls.handshake.version",
  [F_TLS_CIPHER] = "tls.handshake.ciphersuite", [F_TLS_SV] = "tls.handshake.extensions.supported_version",
  [F_DTLS] = "dtls", [F_DTLS_HS_TYPE] = "dtls.handshake.type",
  [F_DTLS_HS_VERSION] = "dtls.handshake.version", [F_DTLS_CIPHER] = "dtls.handshake.ciphersuite",
  [F_DTLS_SV] = "dtls.handshake.extensions.supported_version",
  [F_TLS_ALERT_LEVEL] = "tls.alert_message.level", [F_TLS_ALERT_DESC] = "tls.alert_message.desc",
  [F_X509_UTCTIME] = "x509af.utcTime", [F_X509_DNSNAME] = "x509ce.dNSName",
  [F_TLS_SNI] = "tls.handshake.extensions_server_name", [F_NTP_MODE] = "ntp.flags.mode",
  [F_ARP_OPCODE] = "arp.opcode", [F_ARP_SPA] = "arp.src.proto_ipv4", [F_ARP_TPA] = "arp.dst.proto_ipv4",
  [F_DHCP_TYPE] = "dhcp.option.dhcp", [F_DHCP_MAC] = "dhcp.hw.mac_addr",
  [F_DHCP_REQUESTED] = "dhcp.option.requested_ip_address", [F_DHCP_XID] = "dhcp.id",
  [F_ICMP_TYPE] = "icmp.type", [F_ICMP_CODE] = "icmp.code", [F_ICMPV6_TYPE] = "icmpv6.type",
  [F_MALFORMED] = "_ws.malformed", [F_REASSEMBLY_ERROR] = "_ws.malformed.reassembly",
  [F_MQTT_UNACKED] = "mqtt.publish.unacknowledged",
  [F_WPAN_FRAME_TYPE] = "wpan.frame_type", [F_WPAN_SEQ] = "wpan.seq_no", [F_WPAN_ACK_REQ] = "wpan.ack_request",
  [F_WPAN_DST_PAN] = "wpan.dst_pan", [F_WPAN_SRC16] = "wpan.src16", [F_WPAN_DST16] = "wpan.dst16",
  [F_WPAN_SRC64] = "wpan.src64", [F_WPAN_DST64] = "wpan.dst64", [F_WPAN_CMD] = "wpan.cmd",
  [F_WPAN_TAP_RSS] = "wpan-tap.rss", [F_WPAN_RSSI] = "wpan.rssi", [F_WPAN_TAP_LQI] = "wpan-tap.lqi",
  [F_ZEP_LQI] = "zep.lqi", [F_ZBEE_NWK_CMD] = "zbee_nwk.cmd.id", [F_ZBEE_APS_ZDP_CLUSTER] = "zbee_aps.zdp_cluster",
  [F_ZBEE_APS_CLUSTER] = "zbee_aps.cluster", [F_ZBEE_APS_SECURITY] = "zbee_aps.security",
  [F_ZBEE_APS_CMD] = "zbee_aps.cmd.id", [F_ZBEE_APS_KEY_TYPE] = "zbee_aps.cmd.key_type",
  [F_ZBEE_SEC_KEY] = "zbee.sec.key", [F_ZBEE_ZCL_CMD] = "zbee_zcl.cmd.id",
};

void
insight_fields_init (InsightFields *f)
{
  for (guint i = 0; i < N_F; i++)
    f->f[i] = field_names[i] ? iot_registry_field (field_names[i]) : NULL;
}

void
insight_fields_add (const InsightFields *f, IotFieldSet *wanted)
{
  iot_field_set_add_each (wanted, f->f, N_F);
}

/* Which of our fields @field is, or -1. */
static int
field_index (const InsightFields *f, const IotField *field)
{
  /* Registry ids are dense; a small map built once makes this O(1). */
  if (field == NULL || field->id < 0 || (guint) field->id >= f->n_map)
    return -1;
  return f->map[field->id];
}

static void
fields_build_map (InsightFields *f)
{
  f->n_map = iot_registry_n_fields ();
  f->map = g_new (gint16, f->n_map);
  for (guint i = 0; i < f->n_map; i++)
    f->map[i] = -1;
  for (guint i = 0; i < N_F; i++)
    if (f->f[i] != NULL && (guint) f->f[i]->id < f->n_map)
      f->map[f->f[i]->id] = (gint16) i;
}

/* ---- small helpers ------------------------------------------------------------ */

char *
insight_address_text (const IotAddress *addr)
{
  char text[64];

  if (addr->family == 6)
    iot_format_ipv6 (addr->bytes, text, sizeof text);
  else if (addr->family == 4)
    iot_format_ipv4 (addr->bytes, text, sizeof text);
  else
    iot_format_ether (addr->bytes, text, sizeof text);
  return g_strdup (text);
}

char *
insight_endpoint_text (const IotAddress *addr, guint16 port)
{
  g_autofree char *a = insight_address_text (addr);

  return addr->family == 6 ? g_strdup_printf ("[%s]:%u", a, port) : g_strdup_printf ("%s:%u", a, port);
}

/* Loopback, RFC 1918, link-local, ULA, multicast, broadcast, unspecified. */
gboolean
insight_address_is_local (const IotAddress *addr)
{
  const guint8 *b = addr->bytes;

  if (addr->family == 4)
    return b[0] == 10 || b[0] == 127 || (b[0] == 172 && (b[1] & 0xf0) == 16)
           || (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254) || (b[0] & 0xf0) == 224
           || (b[0] == 255 && b[1] == 255 && b[2] == 255 && b[3] == 255) || (b[0] | b[1] | b[2] | b[3]) == 0;
  if (addr->family == 6)
    {
      static const guint8 zero[15] = { 0 };

      if (memcmp (b, zero, 15) == 0 && (b[15] == 0 || b[15] == 1))
        return TRUE;    /* :: and ::1 */
      return (b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || b[0] == 0xff;
    }
  return TRUE;
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static int
cmp_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Topics by name (the elements are Topic pointers). */
static int
cmp_topics (gconstpointer a, gconstpointer b)
{
  const Topic *x = *(const Topic *const *) a;
  const Topic *y = *(const Topic *const *) b;

  return strcmp (x->stats.topic, y->stats.topic);
}

static int
cmp_u32 (gconstpointer a, gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

/* Linear interpolation between the closest ranks, like numpy's default. */
double
insight_percentile (const double *sorted, guint n, double p)
{
  double pos, frac;
  guint lo;

  if (n == 0)
    return 0;
  pos = p * (n - 1);
  lo = (guint) floor (pos);
  frac = pos - lo;
  if (lo + 1 >= n)
    return sorted[n - 1];
  return sorted[lo] + (sorted[lo + 1] - sorted[lo]) * frac;
}

/* Sorts @values in place. */
IotDistribution
insight_distribution (GArray *values)
{
  IotDistribution d = { 0 };
  const double *v;

  if (values == NULL || values->len == 0)
    return d;
  g_array_sort (values, cmp_double);
  v = (const double *) values->data;
  d.count = values->len;
  d.min = v[0];
  d.max = v[values->len - 1];
  d.median = insight_percentile (v, values->len, 0.5);
  d.p95 = insight_percentile (v, values->len, 0.95);
  return d;
}

char *
iot_insight_mask_secret (const char *secret)
{
  glong len = secret ? g_utf8_strlen (secret, -1) : 0;
  char first[8] = { 0 };

  if (len == 0)
    return g_strdup ("(empty)");
  g_utf8_strncpy (first, secret, 1);
  return g_strdup_printf ("%s*** (%ld character%s)", first, len, len == 1 ? "" : "s");
}

static const char *const mqtt_type_names[16] = {
  "RESERVED", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL", "PUBCOMP",
  "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT", "AUTH",
};

const char *
insight_mqtt_type_name (guint type)
{
  return type < 16 ? mqtt_type_names[type] : "?";
}

/* ---- items -------------------------------------------------------------------- */

static void
item_free (gpointer p)
{
  IotInsightItem *item = p;

  g_free (item->subject);
  g_free (item->summary);
  g_free (item->explanation);
  g_free (item->confirm);
  g_array_unref (item->frames);
  g_array_unref (item->related);
  g_free (item);
}

IotInsightItem *
insight_add_item (IotInsight *self, IotInsightKind kind, const char *id, IotSeverity severity,
                  const char *subject, char *summary, char *explanation)
{
  IotInsightItem *item = g_new0 (IotInsightItem, 1);

  item->kind = kind;
  item->id = id;
  item->severity = severity;
  item->subject = g_strdup (subject ? subject : "");
  item->summary = summary;
  item->explanation = explanation;
  item->frames = g_array_new (FALSE, FALSE, sizeof (guint32));
  item->related = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_ptr_array_add (self->items, item);
  return item;
}

/* Sorted, without repeats. */
void
insight_item_add_frames (GArray *dest, const GArray *frames)
{
  guint out = 0;

  gboolean sorted = TRUE;

  if (frames != NULL)
    g_array_append_vals (dest, frames->data, frames->len);
  /* Frames mostly come in order already: sorting them again was a hot spot. */
  for (guint i = 1; i < dest->len && sorted; i++)
    sorted = g_array_index (dest, guint32, i - 1) <= g_array_index (dest, guint32, i);
  if (!sorted)
    g_array_sort (dest, cmp_u32);
  for (guint i = 0; i < dest->len; i++)
    if (out == 0 || g_array_index (dest, guint32, i) != g_array_index (dest, guint32, out - 1))
      g_array_index (dest, guint32, out++) = g_array_index (dest, guint32, i);
  g_array_set_size (dest, out);
}

void
insight_item_add_frame (IotInsightItem *item, guint32 frame)
{
  g_array_append_val (item->frames, frame);
  insight_item_add_frames (item->frames, NULL);
}

/* ---- per-capture tables ------------------------------------------------------------- */

static FrameList *
frame_list_new (void)
{
  FrameList *l = g_new0 (FrameList, 1);

  l->frames = g_array_new (FALSE, FALSE, sizeof (guint32));
  return l;
}

static void
frame_list_free (gpointer p)
{
  FrameList *l = p;

  g_free (l->label);
  g_array_unref (l->frames);
  g_free (l);
}

/* The list under @key, made on first use. */
static FrameList *
frame_list_get (GHashTable *table, const char *key)
{
  FrameList *l = g_hash_table_lookup (table, key);

  if (l == NULL)
    {
      l = frame_list_new ();
      g_hash_table_insert (table, g_strdup (key), l);
    }
  return l;
}

static void
frame_list_add (FrameList *l, guint32 frame)
{
  if (l->frames->len == 0 || g_array_index (l->frames, guint32, l->frames->len - 1) != frame)
    g_array_append_val (l->frames, frame);
}

static void
counter_add (GHashTable *table, const char *key, guint32 frame)
{
  Counter *c = g_hash_table_lookup (table, key);

  if (c == NULL)
    {
      c = g_new0 (Counter, 1);
      c->first_frame = frame;
      g_hash_table_insert (table, g_strdup (key), c);
    }
  c->count++;
}

static Profile *
profile_new (const char *name)
{
  Profile *p = g_new0 (Profile, 1);

  p->name = g_strdup (name);
  p->sizes = g_array_new (FALSE, FALSE, sizeof (double));
  p->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  p->peers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  p->types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return p;
}

static void
profile_free (gpointer data)
{
  Profile *p = data;

  g_free (p->name);
  g_array_unref (p->sizes);
  g_array_unref (p->times);
  g_hash_table_unref (p->peers);
  g_hash_table_unref (p->types);
  g_free (p);
}

static Profile *
profile_get (GHashTable *table, const char *name)
{
  Profile *p = g_hash_table_lookup (table, name);

  if (p == NULL)
    {
      p = profile_new (name);
      g_hash_table_insert (table, p->name, p);
    }
  return p;
}

static void
profile_add (Profile *p, guint32 frame, gint64 rel_ns, double size, const char *peer, const char *type)
{
  if (p->packets == 0)
    p->first_frame = frame;
  p->packets++;
  g_array_append_val (p->sizes, size);
  g_array_append_val (p->times, rel_ns);
  if (peer != NULL)
    counter_add (p->peers, peer, frame);
  if (type != NULL)
    counter_add (p->types, type, frame);
}

static void
topic_free (gpointer data)
{
  Topic *t = data;

  g_free (t->stats.topic);
  g_ptr_array_unref (t->stats.publishers);
  g_ptr_array_unref (t->stats.subscribers);
  g_ptr_array_unref (t->recipients);
  g_free (t);
}

static void
add_unique (GPtrArray *list, const char *name)
{
  for (guint i = 0; i < list->len; i++)
    if (strcmp (g_ptr_array_index (list, i), name) == 0)
      return;
  g_ptr_array_add (list, g_strdup (name));
}

static Topic *
topic_get (IotInsight *self, const char *name)
{
  Topic *t = g_hash_table_lookup (self->topics, name);

  if (t == NULL)
    {
      t = g_new0 (Topic, 1);
      t->stats.topic = g_strdup (name);
      t->stats.publishers = g_ptr_array_new_with_free_func (g_free);
      t->stats.subscribers = g_ptr_array_new_with_free_func (g_free);
      t->recipients = g_ptr_array_new_with_free_func (g_free);
      t->stats.period_s = -1;
      t->stats.jitter_s = -1;
      g_hash_table_insert (self->topics, t->stats.topic, t);
    }
  return t;
}

static void
series_free (gpointer data)
{
  Series *s = data;

  g_free (s->publisher);
  g_free (s->topic);
  g_array_unref (s->times);
  g_array_unref (s->frames);
  g_array_unref (s->streams);
  g_free (s);
}

static Series *
series_get (IotInsight *self, const char *publisher, const char *topic)
{
  g_autofree char *key = g_strdup_printf ("%s\x1f%s", publisher, topic);
  Series *s = g_hash_table_lookup (self->series, key);

  if (s == NULL)
    {
      s = g_new0 (Series, 1);
      s->publisher = g_strdup (publisher);
      s->topic = g_strdup (topic);
      s->times = g_array_new (FALSE, FALSE, sizeof (gint64));
      s->frames = g_array_new (FALSE, FALSE, sizeof (guint32));
      s->streams = g_array_new (FALSE, FALSE, sizeof (guint32));
      s->period = -1;
      g_hash_table_insert (self->series, g_steal_pointer (&key), s);
    }
  return s;
}

static void
session_clear (gpointer data)
{
  IotMqttSession *s = data;

  g_free (s->client_id);
  g_free (s->client);
  g_free (s->broker);
}

static void
subscription_clear (gpointer data)
{
  Subscription *sub = data;

  g_free (sub->client);
  g_free (sub->filter);
}

static void
stream_free (gpointer data)
{
  Stream *st = data;

  g_array_unref (st->qos0);
  g_array_unref (st->inflight);
  g_array_unref (st->retrans);
  g_free (st);
}

/* An address seen as a device, with its text and profile (made on first
 * use): the hot path formats and hashes each address once. */
typedef struct {
  char    *text;
  Profile *profile;
} DeviceName;

static void
device_name_free (gpointer data)
{
  DeviceName *d = data;

  g_free (d->text);
  g_free (d);
}

static guint
address_hash (gconstpointer key)
{
  const IotAddress *a = key;
  guint h = a->family;

  for (guint i = 0; i < sizeof a->bytes; i++)
    h = h * 31 + a->bytes[i];
  return h;
}

static gboolean
address_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, sizeof (IotAddress)) == 0;
}

static DeviceName *
device_name (IotInsight *self, const IotAddress *addr)
{
  DeviceName *d = g_hash_table_lookup (self->device_names, addr);

  if (d == NULL)
    {
      d = g_new0 (DeviceName, 1);
      d->text = insight_address_text (addr);
      g_hash_table_insert (self->device_names, g_memdup2 (addr, sizeof *addr), d);
    }
  return d;
}

IotInsight *
iot_insight_new (void)
{
  IotInsight *self = g_new0 (IotInsight, 1);

  iot_registry_init ();
  self->readings = iot_readings_new ();
  insight_fields_init (&self->f);
  fields_build_map (&self->f);
  self->items = g_ptr_array_new_with_free_func (item_free);
  self->tls_sessions = iot_tls_sessions_new ();
  self->topics = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, topic_free);
  self->series = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, series_free);
  self->sessions = g_array_new (FALSE, TRUE, sizeof (IotMqttSession));
  g_array_set_clear_func (self->sessions, session_clear);
  self->streams = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, stream_free);
  self->subscriptions = g_array_new (FALSE, FALSE, sizeof (Subscription));
  g_array_set_clear_func (self->subscriptions, subscription_clear);
  self->resets = g_array_new (FALSE, FALSE, sizeof (Reset));
  self->mqtt_latency = g_array_new (FALSE, FALSE, sizeof (double));
  self->coap_latency = g_array_new (FALSE, FALSE, sizeof (double));
  self->devices = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, profile_free);
  self->device_names = g_hash_table_new_full (address_hash, address_equal, g_free, device_name_free);
  self->scratch_mqtt = g_array_new (FALSE, FALSE, sizeof (MqttMsg));
  self->scratch_hs = g_array_new (FALSE, FALSE, sizeof (TlsHs));
  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, profile_free);
  self->topic_profiles = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, profile_free);
  for (guint i = 0; i < N_LISTS; i++)
    self->lists[i] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, frame_list_free);
  self->coap_cons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, frame_list_free);
  self->first_ns = -1;
  insight_causes_init (self);
  insight_tls_init (self);
  insight_network_init (self);
  insight_coap_init (self);
  self->first_seen_resent = g_array_new (FALSE, FALSE, sizeof (guint32));
  insight_wpan_init (self);
  insight_path_init (self);
  insight_radio_init (self);
  insight_wifi_init (self);
  insight_sparkplug_init (self);
  return self;
}

void
iot_insight_free (IotInsight *self)
{
  if (self == NULL)
    return;
  g_free (self->f.map);
  iot_readings_free (self->readings);
  g_ptr_array_unref (self->items);
  iot_tls_sessions_free (self->tls_sessions);
  g_hash_table_unref (self->topics);
  g_clear_pointer (&self->topic_order, g_ptr_array_unref);
  g_hash_table_unref (self->series);
  g_array_unref (self->sessions);
  g_hash_table_unref (self->streams);
  g_array_unref (self->subscriptions);
  insight_causes_clear (self);
  insight_tls_clear (self);
  insight_vantage_clear (self);
  insight_network_clear (self);
  insight_coap_clear (self);
  g_array_unref (self->first_seen_resent);
  insight_wpan_clear (self);
  insight_path_clear (self);
  insight_radio_clear (self);
  insight_wifi_clear (self);
  insight_sparkplug_clear (self);
  for (guint i = 0; i < self->resets->len; i++)
    g_array_unref (g_array_index (self->resets, Reset, i).qos0);
  g_array_unref (self->resets);
  g_free (self->baseline_name);
  g_array_unref (self->mqtt_latency);
  g_array_unref (self->coap_latency);
  g_hash_table_unref (self->devices);
  g_hash_table_unref (self->device_names);
  g_array_unref (self->scratch_mqtt);
  g_array_unref (self->scratch_hs);
  g_hash_table_unref (self->clients);
  g_hash_table_unref (self->topic_profiles);
  for (guint i = 0; i < N_LISTS; i++)
    g_hash_table_unref (self->lists[i]);
  g_hash_table_unref (self->coap_cons);
  g_free (self->capture_name);
  g_free (self);
}

void
iot_insight_add_wanted (IotInsight *self, IotFieldSet *wanted)
{
  insight_fields_add (&self->f, wanted);
  insight_radio_add_wanted (self, wanted);
  insight_wifi_add_wanted (self, wanted);
  insight_sparkplug_add_wanted (self, wanted);
}

/* ---- reading one frame ------------------------------------------------------------ */

/* MqttMsg, TlsHs and FrameFacts: iot-insight-private.h. */

static const char *
node_string (const IotNode *node)
{
  return node->v.p ? (const char *) node->v.p : "";
}

static MqttMsg *
current_mqtt (FrameFacts *ff)
{
  return ff->mqtt->len ? &g_array_index (ff->mqtt, MqttMsg, ff->mqtt->len - 1) : NULL;
}

static void
set_error_rc (MqttMsg *m, guint64 value, const char *field)
{
  if (m != NULL && value >= 0x80 && m->error_rc < 0)
    {
      m->error_rc = (gint) value;
      m->error_field = field;
    }
}

/* An IPv4 address field, in host order (0: none). */
static guint32
node_ipv4 (const IotNode *node)
{
  const guint8 *p = node->v.p;

  return p != NULL ? (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3] : 0;
}

static void
read_frame (IotInsight *self, IotPacket *pkt, FrameFacts *ff)
{
  const InsightFields *f = &self->f;
  const char *last_proto = NULL;
  TlsHs *hs = NULL;

  for (guint i = 0; i < iot_packet_n_nodes (pkt); i++)
    {
      const IotNode *node = iot_packet_node (pkt, i);
      MqttMsg *m = current_mqtt (ff);
      int idx;

      if (node->field == NULL)
        continue;
      if (node->field->type == IOT_FT_PROTOCOL)
        last_proto = node->field->proto_abbrev ? node->field->proto_abbrev : node->field->abbrev;
      idx = field_index (f, node->field);
      if (idx < 0)
        continue;
      /* The dissector's own expert item: it alone knows which copies of a
       * message still needed an acknowledgement. */
      if (idx == F_MQTT_UNACKED)
        {
          if (m != NULL)
            m->unanswered = TRUE;
          continue;
        }
      if (ff->quoted && idx == F_COAP_MID && ff->quoted_coap_mid < 0)
        ff->quoted_coap_mid = (gint) node->v.u;
      /* The copy of another packet inside an ICMP error is not this frame's
       * own traffic; the ICMP header's type and code are. */
      if (ff->quoted && idx != F_MALFORMED && idx != F_ICMP_TYPE && idx != F_ICMP_CODE && idx != F_ICMPV6_TYPE)
        continue;
      switch (idx)
        {
        case F_IP:
          ff->ip = TRUE;
          break;
        case F_IPV6:
          ff->ip = TRUE;
          break;
        case F_IP_ID:
          ff->ip_id = (guint32) node->v.u;
          break;
        case F_ICMP:
        case F_ICMPV6:
          ff->quoted = TRUE;
          break;
        case F_TCP:
          ff->l4 = 6;
          break;
        case F_UDP:
          ff->l4 = 17;
          break;
        case F_TCP_STREAM:
          ff->has_stream = TRUE;
          ff->stream = (guint32) node->v.u;
          break;
        case F_TCP_SEQ_RAW:
          ff->seq_raw = (guint32) node->v.u;
          break;
        case F_TCP_ACK_RAW:
          ff->ack_raw = (guint32) node->v.u;
          break;
        case F_TCP_LEN:
          ff->tcp_len = (guint32) node->v.u;
          ff->payload_len = ff->tcp_len;
          break;
        case F_TCP_FLAGS:
          ff->tcp_flags = (guint16) node->v.u;
          break;
        case F_TCP_RETRANS:
        case F_TCP_FAST_RETRANS:
        case F_TCP_SPURIOUS:
          ff->retrans = TRUE;
          ff->loss_sign = TRUE;
          break;
        case F_TCP_LOST_SEGMENT:
        case F_TCP_OUT_OF_ORDER:
        case F_TCP_DUP_ACK:
          ff->loss_sign = TRUE;
          break;
        case F_TCP_ZERO_WINDOW:
          ff->zero_window = TRUE;
          break;
        case F_UDP_PAYLOAD:
          ff->payload_len = node->vlen;
          break;
        case F_MQTT:
          {
            MqttMsg fresh = { 0 };

            fresh.qos = -1;
            fresh.msgid = -1;
            fresh.keepalive = -1;
            fresh.connack = -1;
            fresh.error_rc = -1;
            fresh.response_time_ns = -1;
            g_array_append_val (ff->mqtt, fresh);
          }
          break;
        case F_MALFORMED:
          ff->malformed = last_proto ? last_proto : "frame";
          break;
        case F_REASSEMBLY_ERROR:
          ff->reassembly_error = TRUE;
          break;
        default:
          if (idx >= F_WPAN_FRAME_TYPE)
            insight_wpan_field (ff, idx, node);
          break;
        }
      if (idx >= F_MQTT_TYPE && idx <= F_MQTT_DUP_OF && m != NULL)
        {
          switch (idx)
            {
            case F_MQTT_TYPE: m->type = (guint8) node->v.u; break;
            case F_MQTT_QOS: m->qos = (gint8) node->v.u; break;
            case F_MQTT_DUP: m->dup = node->v.u != 0; break;
            case F_MQTT_RETAIN: m->retain = node->v.u != 0; break;
            case F_MQTT_MSGID: m->msgid = (gint32) node->v.u; break;
            case F_MQTT_TOPIC:
              if (m->topic == NULL)
                m->topic = g_strdup (node_string (node));
              else if (m->type != 3)
                {
                  char *joined = g_strconcat (m->topic, "\n", node_string (node), NULL);

                  g_free (m->topic);
                  m->topic = joined;
                }
              break;
            case F_MQTT_MSG: m->payload_len = node->vlen; break;
            case F_MQTT_CLIENTID: m->client_id = node_string (node); break;
            case F_MQTT_USERNAME: m->username = node_string (node); m->has_username = TRUE; break;
            case F_MQTT_PASSWD: m->passwd = node_string (node); m->has_passwd = TRUE; break;
            case F_MQTT_KALIVE: m->keepalive = (gint) node->v.u; break;
            case F_MQTT_CONACK: m->connack = (gint) node->v.u; break;
            case F_MQTT_CONNACK_RC: m->connack = (gint) node->v.u; break;
            case F_MQTT_SUBACK_QOS: set_error_rc (m, node->v.u, "Granted QoS"); break;
            case F_MQTT_RESPONSE_TIME: m->response_time_ns = node->v.i; break;
            case F_MQTT_DUP_OF: m->dup_of = (guint32) node->v.u; break;
            default:
              set_error_rc (m, node->v.u, node->field->name);
              break;
            }
          continue;
        }
      switch (idx)
        {
        /* Over TCP/TLS (RFC 8323) a message has no type: none of the four. */
        case F_COAP: ff->coap = TRUE; ff->coap_response_time = -1; ff->coap_type = COAP_TYPE_NONE; break;
        case F_COAP_TYPE: ff->coap_type = (guint) node->v.u; break;
        case F_COAP_CODE: ff->coap_code = (guint) node->v.u; break;
        case F_COAP_MID: ff->coap_mid = (guint) node->v.u; break;
        case F_COAP_RESPONSE_TIME: ff->coap_response_time = node->v.i; break;
        case F_COAP_REQ_FIRST:
        case F_COAP_RESP_FIRST: ff->coap_retrans = TRUE; break;
        case F_COAP_URI: ff->coap_uri = node_string (node); break;
        case F_COAP_TOKEN:
          ff->coap_token = node->v.p;
          ff->coap_token_len = node->vlen;
          break;
        case F_COAP_OBSERVE: ff->coap_observe = (gint64) node->v.u; break;
        case F_COAP_OPT_NAME:
          /* "#2: Block1": the Block Number that follows is that option's. */
          ff->coap_next_block = g_str_has_suffix (node_string (node), ": Block1") ? 1
                                : g_str_has_suffix (node_string (node), ": Block2") ? 2 : 0;
          break;
        case F_COAP_BLOCK_NUMBER:
          /* A message may carry both: the option that describes its own
           * body (Block1 in a request, Block2 in a response) wins. */
          if (ff->coap_next_block != 0
              && (ff->coap_block_option == 0
                  || ff->coap_next_block == (ff->coap_code > 0 && ff->coap_code < 32 ? 1u : 2u)))
            {
              ff->coap_block_option = ff->coap_next_block;
              ff->coap_block_number = (guint32) node->v.u;
            }
          break;
        case F_COAP_BLOCK_MORE:
          if (ff->coap_next_block == ff->coap_block_option && ff->coap_next_block != 0)
            ff->coap_block_more = node->v.u != 0;
          break;
        case F_COAP_BLOCK_SIZE:
          if (ff->coap_next_block == ff->coap_block_option && ff->coap_next_block != 0)
            {
              ff->coap_block_size = 16u << MIN (node->v.u, 6u);
              ff->coap_next_block = 0;
            }
          break;
        case F_DNS: ff->dns = TRUE; ff->dns_rcode = -1; break;
        case F_DNS_RESPONSE: ff->dns_response = node->v.u != 0; break;
        case F_DNS_RCODE: ff->dns_rcode = (gint) node->v.u; break;
        case F_DNS_QNAME: if (ff->dns_qname == NULL) ff->dns_qname = node_string (node); break;
        case F_HTTP: ff->http = TRUE; break;
        case F_HTTP_RESPONSE: ff->http_response = node->v.u != 0; break;
        case F_HTTP_METHOD: ff->http_method = node_string (node); break;
        case F_HTTP_AUTH: ff->http_auth = node_string (node); break;
        case F_HTTP_URI: if (ff->http_uri == NULL) ff->http_uri = node_string (node); break;
        case F_TLS: ff->tls = TRUE; break;
        case F_DTLS: ff->dtls = TRUE; break;
        case F_TLS_HS_TYPE:
        case F_DTLS_HS_TYPE:
          {
            TlsHs fresh = { (guint8) node->v.u };

            g_array_append_val (ff->hs, fresh);
            hs = &g_array_index (ff->hs, TlsHs, ff->hs->len - 1);
          }
          break;
        case F_TLS_HS_VERSION:
        case F_DTLS_HS_VERSION:
          if (hs) hs->version = (guint16) node->v.u;
          break;
        case F_TLS_CIPHER:
        case F_DTLS_CIPHER:
          if (hs && hs->type == 2)
            {
              hs->cipher = (guint16) node->v.u;
              hs->has_cipher = TRUE;
            }
          break;
        case F_TLS_ALERT_LEVEL:
          if (ff->n_alerts < G_N_ELEMENTS (ff->alert_level))
            ff->alert_level[ff->n_alerts++] = (guint8) node->v.u;
          break;
        case F_TLS_ALERT_DESC:
          if (ff->n_alerts > 0)
            ff->alert_desc[ff->n_alerts - 1] = (guint8) node->v.u;
          break;
        case F_X509_UTCTIME:
          if (ff->n_x509_times < G_N_ELEMENTS (ff->x509_times))
            ff->x509_times[ff->n_x509_times++] = node_string (node);
          break;
        case F_X509_DNSNAME:
          if (ff->n_x509_names < G_N_ELEMENTS (ff->x509_names))
            ff->x509_names[ff->n_x509_names++] = node_string (node);
          break;
        case F_TLS_SNI:
          ff->sni = node_string (node);
          break;
        case F_NTP_MODE:
          ff->ntp_mode = (gint) node->v.u;
          break;
        case F_ARP_OPCODE:
          ff->arp_op = (gint) node->v.u;
          break;
        case F_ARP_SPA:
          ff->arp_spa = node_ipv4 (node);
          break;
        case F_ARP_TPA:
          ff->arp_tpa = node_ipv4 (node);
          break;
        case F_DHCP_TYPE:
          ff->dhcp_type = (gint) node->v.u;
          break;
        case F_DHCP_MAC:
          if (node->v.p != NULL)
            {
              memcpy (ff->dhcp_mac, node->v.p, 6);
              ff->has_dhcp_mac = TRUE;
            }
          break;
        case F_ICMP_TYPE:
          if (ff->icmp_type < 0)
            ff->icmp_type = (gint) node->v.u;
          break;
        case F_ICMP_CODE:
          if (ff->icmp_code < 0)
            ff->icmp_code = (gint) node->v.u;
          break;
        case F_ICMPV6_TYPE:
          if (ff->icmpv6_type < 0)
            ff->icmpv6_type = (gint) node->v.u;
          break;
        case F_DHCP_XID:
          ff->dhcp_xid = (guint32) node->v.u;
          break;
        case F_DHCP_REQUESTED:
          ff->dhcp_requested = node_ipv4 (node);
          break;
        case F_TLS_SV:
        case F_DTLS_SV:
          /* DTLS numbers versions downwards (0xfefd is 1.2, newer than 0xfeff). */
          if (hs && (hs->max_sv == 0 || (ff->dtls ? node->v.u < hs->max_sv : node->v.u > hs->max_sv)))
            hs->max_sv = (guint16) node->v.u;
          break;
        default:
          break;
        }
    }
}

/* ---- MQTT -------------------------------------------------------------------------- */

/* Whether topic @topic matches subscription filter @filter (+ and #). */
gboolean
insight_topic_matches (const char *filter, const char *topic)
{
  while (*filter != '\0')
    {
      if (filter[0] == '#')
        return TRUE;
      if (filter[0] == '+')
        {
          while (*topic != '\0' && *topic != '/')
            topic++;
          filter++;
        }
      else
        {
          while (*filter != '\0' && *filter != '/')
            {
              if (*filter != *topic)
                return FALSE;
              filter++;
              topic++;
            }
          if (*topic != '\0' && *topic != '/')
            return FALSE;
        }
      if (*filter == '\0')
        return *topic == '\0';
      /* Both at '/' now. */
      if (*topic != '/')
        return filter[0] == '/' && filter[1] == '#' && filter[2] == '\0' && *topic == '\0';
      filter++;
      topic++;
    }
  return *topic == '\0';
}

static Stream *
stream_get (IotInsight *self, guint32 id)
{
  Stream *st = g_hash_table_lookup (self->streams, GUINT_TO_POINTER (id + 1));

  if (st == NULL)
    {
      st = g_new0 (Stream, 1);
      st->session = -1;
      st->qos0 = g_array_new (FALSE, FALSE, sizeof (Qos0));
      st->inflight = g_array_new (FALSE, FALSE, sizeof (InflightPublish));
      st->retrans = g_array_new (FALSE, FALSE, sizeof (guint32));
      g_hash_table_insert (self->streams, GUINT_TO_POINTER (id + 1), st);
    }
  return st;
}

static IotMqttSession *
stream_session (IotInsight *self, Stream *st)
{
  return st->session >= 0 ? &g_array_index (self->sessions, IotMqttSession, st->session) : NULL;
}

/* Whether the message comes from the client side of the stream. */
static gboolean
mqtt_from_client (Stream *st, const FrameFacts *ff, guint type)
{
  if (st->client_known)
    return memcmp (&st->client, &ff->src, sizeof st->client) == 0 && st->client_port == ff->sport;
  if (type == 1 || type == 8 || type == 10 || type == 12)
    return TRUE;
  if (type == 2 || type == 9 || type == 11 || type == 13)
    return FALSE;
  /* The broker is usually the one on the well-known (lower) port. */
  return ff->dport < ff->sport;
}

static void
learn_client (Stream *st, const FrameFacts *ff, gboolean from_client)
{
  if (st->client_known)
    return;
  st->client_known = TRUE;
  st->client = from_client ? ff->src : ff->dst;
  st->client_port = from_client ? ff->sport : ff->dport;
  st->broker = from_client ? ff->dst : ff->src;
  st->broker_port = from_client ? ff->dport : ff->sport;
}

static const char *
stream_client_name (IotInsight *self, Stream *st, char **owned)
{
  IotMqttSession *s = stream_session (self, st);

  if (s != NULL && s->client_id != NULL && *s->client_id != '\0')
    return s->client_id;
  *owned = insight_endpoint_text (&st->client, st->client_port);
  return *owned;
}

static void
session_message (IotInsight *self, Stream *st, const FrameFacts *ff, gboolean from_client)
{
  IotMqttSession *s = stream_session (self, st);
  gint64 gap;

  if (s == NULL || s->end_frame != 0)
    return;
  if (from_client)
    {
      s->sent++;
      gap = ff->rel_ns - st->last_client_ns;
      if (gap / 1e9 > s->longest_silence_s)
        {
          s->longest_silence_s = gap / 1e9;
          s->silence_from = st->last_client_frame;
          s->silence_to = ff->number;
        }
      st->last_client_ns = ff->rel_ns;
      st->last_client_frame = ff->number;
    }
  else
    s->received++;
}

/* Ends the stream's session (DISCONNECT, RST or FIN), once. */
static void
session_end (IotInsight *self, Stream *st, const FrameFacts *ff, const char *reason, gboolean by_client)
{
  IotMqttSession *s = stream_session (self, st);
  gint64 gap;

  if (s == NULL || s->end_frame != 0)
    return;
  s->end_frame = ff->number;
  s->end_ns = ff->rel_ns;
  s->end_reason = reason;
  s->closed_by_broker = !by_client;
  insight_track_session_end (self, st, ff->number, ff->rel_ns, by_client);
  /* A broker that closes a silent client: the silence lasted until now. */
  if (!by_client)
    {
      gap = ff->rel_ns - st->last_client_ns;
      if (gap / 1e9 > s->longest_silence_s)
        {
          s->longest_silence_s = gap / 1e9;
          s->silence_from = st->last_client_frame;
          s->silence_to = ff->number;
        }
    }
}

static void
mqtt_credentials (IotInsight *self, const FrameFacts *ff, const MqttMsg *m)
{
  g_autofree char *user = NULL, *pass = NULL, *dev = NULL, *key = NULL;
  FrameList *l;

  if (!m->has_username && !m->has_passwd)
    return;
  dev = insight_address_text (&ff->src);
  user = m->has_username ? iot_insight_mask_secret (m->username) : g_strdup ("(none)");
  pass = m->has_passwd ? iot_insight_mask_secret (m->passwd) : g_strdup ("(none)");
  key = g_strdup_printf ("MQTT CONNECT from %s (client %s): user name %s, password %s", dev,
                         m->client_id && *m->client_id ? m->client_id : "?", user, pass);
  l = frame_list_get (self->lists[L_CREDENTIALS], key);
  frame_list_add (l, ff->number);
}

static void
mqtt_message (IotInsight *self, const FrameFacts *ff, MqttMsg *m, Stream *st)
{
  gboolean from_client = mqtt_from_client (st, ff, m->type);
  g_autofree char *owned = NULL, *key = NULL;
  const char *client;
  IotMqttSession *s;
  Profile *p;

  learn_client (st, ff, from_client);
  if (m->type == 1)
    {
      IotMqttSession fresh = { 0 };

      fresh.client_id = g_strdup (m->client_id ? m->client_id : "");
      fresh.client = insight_endpoint_text (&ff->src, ff->sport);
      fresh.broker = insight_endpoint_text (&ff->dst, ff->dport);
      fresh.stream = ff->stream;
      fresh.connect_frame = ff->number;
      fresh.connack_code = -1;
      fresh.keepalive_s = m->keepalive > 0 ? (guint) m->keepalive : 0;
      fresh.start_ns = ff->rel_ns;
      fresh.end_reason = "open";
      for (guint i = 0; i < self->sessions->len; i++)
        {
          IotMqttSession *prev = &g_array_index (self->sessions, IotMqttSession, i);

          if (*fresh.client_id != '\0' && strcmp (prev->client_id, fresh.client_id) == 0)
            fresh.reconnect = prev->reconnect + 1;
        }
      g_array_append_val (self->sessions, fresh);
      st->session = (gint) self->sessions->len - 1;
      st->last_client_ns = ff->rel_ns;
      st->last_client_frame = ff->number;
      mqtt_credentials (self, ff, m);
    }
  s = stream_session (self, st);
  client = stream_client_name (self, st, &owned);
  session_message (self, st, ff, from_client);

  /* Baseline facts for the client. */
  p = profile_get (self->clients, client);
  if (from_client)
    {
      g_autofree char *peer = insight_endpoint_text (&st->broker, st->broker_port);
      g_autofree char *type = g_strdup_printf ("mqtt:%s", insight_mqtt_type_name (m->type));

      profile_add (p, ff->number, ff->rel_ns, m->payload_len, peer, type);
    }

  switch (m->type)
    {
    case 2:
      if (s != NULL && s->connack_frame == 0)
        {
          s->connack_frame = ff->number;
          s->connack_code = m->connack;
        }
      if (m->connack > 0)
        {
          key = g_strdup_printf ("%s\x1f%d", client, m->connack);
          frame_list_add (frame_list_get (self->lists[L_CONNACK], key), ff->number);
          if (s != NULL)
            frame_list_add (frame_list_get (self->lists[L_CONNACK], key), s->connect_frame);
        }
      break;
    case 3:
      {
        const char *topic = m->topic ? m->topic : "";
        Topic *t = topic_get (self, topic);
        Profile *tp;

        t->stats.messages++;
        t->stats.bytes += m->payload_len;
        if (m->qos >= 0 && m->qos <= 2)
          t->stats.qos[m->qos]++;
        if (m->retain)
          t->stats.retained++;
        if (from_client)
          {
            t->stats.published++;
            add_unique (t->stats.publishers, client);
            if (!m->dup)
              {
                Series *se = series_get (self, client, topic);

                g_array_append_val (se->times, ff->rel_ns);
                g_array_append_val (se->frames, ff->number);
                g_array_append_val (se->streams, ff->stream);
              }
            tp = profile_get (self->topic_profiles, topic);
            {
              g_autofree char *type = g_strdup_printf ("qos%d%s", MAX (m->qos, 0), m->retain ? "-retained" : "");

              profile_add (tp, ff->number, ff->rel_ns, m->payload_len, client, type);
            }
            if (m->qos == 0)
              {
                Qos0 q = { ff->number, ff->rel_ns, ff->seq_raw + ff->tcp_len };

                g_array_append_val (st->qos0, q);
              }
            if (!m->dup)
              insight_track_publish (self, st, ff->number, ff->rel_ns, m->qos, m->msgid, ff->seq_raw + ff->tcp_len,
                                     m->payload_len);
          }
        else
          {
            t->stats.delivered++;
            add_unique (t->stats.subscribers, client);
            add_unique (t->recipients, client);
          }
        if (m->dup)
          {
            key = g_strdup_printf ("%s", client);
            frame_list_add (frame_list_get (self->lists[L_DUP], key), ff->number);
            if (m->dup_of)
              frame_list_add (frame_list_get (self->lists[L_DUP_ORIGINAL], key), m->dup_of);
          }
        if (m->unanswered)
          {
            g_autofree char *k = g_strdup_printf ("%s\x1f%s", from_client ? "client" : "broker", client);

            frame_list_add (frame_list_get (self->lists[L_UNACKED], k), ff->number);
          }
      }
      break;
    case 4:
    case 5:
      if (!from_client)
        insight_track_answer (self, st, ff->number, ff->rel_ns, m->msgid);
      /* The dissector puts the time since the PUBLISH on its answer. */
      if (m->response_time_ns >= 0)
        {
          double v = m->response_time_ns / 1e9;

          g_array_append_val (self->mqtt_latency, v);
        }
      break;
    case 8:
      if (m->topic != NULL)
        {
          g_auto (GStrv) filters = g_strsplit (m->topic, "\n", -1);

          for (guint i = 0; filters[i] != NULL; i++)
            {
              Subscription sub = { g_strdup (client), g_strdup (filters[i]), ff->number };

              g_array_append_val (self->subscriptions, sub);
            }
        }
      break;
    case 14:
      session_end (self, st, ff, "DISCONNECT", from_client);
      break;
    default:
      break;
    }
  if (m->error_rc >= 0 && m->type != 2)
    {
      key = g_strdup_printf ("%s\x1f%s\x1f%s\x1f%d", client, insight_mqtt_type_name (m->type),
                             m->error_field ? m->error_field : "Reason Code", m->error_rc);
      frame_list_add (frame_list_get (self->lists[L_MQTT_ERROR], key), ff->number);
    }
}

static void
mqtt_frame (IotInsight *self, FrameFacts *ff)
{
  Stream *st;
  gboolean rst = (ff->tcp_flags & 0x04) != 0, fin = (ff->tcp_flags & 0x01) != 0;

  if (!ff->has_stream || ff->l4 != 6)
    return;
  if (ff->mqtt->len == 0 && !g_hash_table_contains (self->streams, GUINT_TO_POINTER (ff->stream + 1)))
    return;
  st = stream_get (self, ff->stream);
  if (ff->loss_sign)
    {
      st->had_loss = TRUE;
      st->last_loss_ns = ff->rel_ns;
    }
  if (ff->retrans)
    g_array_append_val (st->retrans, ff->number);
  for (guint i = 0; i < ff->mqtt->len; i++)
    mqtt_message (self, ff, &g_array_index (ff->mqtt, MqttMsg, i), st);
  if (!st->client_known)
    return;
  /* What the broker's TCP has received so far. */
  if (memcmp (&ff->src, &st->broker, sizeof st->broker) == 0 && ff->sport == st->broker_port
      && (ff->tcp_flags & 0x10))
    {
      if (!st->have_ack || (gint32) (ff->ack_raw - st->broker_ack) > 0)
        st->broker_ack = ff->ack_raw;
      st->have_ack = TRUE;
      insight_track_broker_ack (st, ff->rel_ns, ff->ack_raw);
    }
  if (rst || fin)
    {
      gboolean by_client = memcmp (&ff->src, &st->client, sizeof st->client) == 0 && ff->sport == st->client_port;
      IotMqttSession *s = stream_session (self, st);

      if (rst && s != NULL && s->end_frame == 0)
        {
          Reset r = { ff->number, ff->rel_ns, st->session, by_client, st->broker_ack, st->have_ack };

          r.qos0 = g_array_copy (st->qos0);
          g_array_append_val (self->resets, r);
        }
      session_end (self, st, ff, rst ? "RST" : "FIN", by_client);
    }
}

/* ---- other protocols ------------------------------------------------------------------ */

static void
coap_frame (IotInsight *self, const FrameFacts *ff)
{
  g_autofree char *src = insight_endpoint_text (&ff->src, ff->sport);
  g_autofree char *dst = insight_endpoint_text (&ff->dst, ff->dport);
  g_autofree char *key = NULL;
  FrameList *l;

  if (ff->coap_retrans)
    {
      g_autofree char *who = insight_address_text (&ff->src);

      frame_list_add (frame_list_get (self->lists[L_COAP_RETRANS], who), ff->number);
    }
  if (ff->coap_response_time >= 0 && !ff->coap_retrans)
    {
      double v = ff->coap_response_time / 1e9;

      g_array_append_val (self->coap_latency, v);
    }
  /* Confirmable messages wait for an ACK or RST with the same message ID
   * from the other side. */
  if (ff->coap_type == 0)
    {
      key = g_strdup_printf ("%s>%s#%u", src, dst, ff->coap_mid);
      l = frame_list_get (self->coap_cons, key);
      if (l->label == NULL)
        l->label = g_strdup_printf ("%s %s%s", ff->coap_code == 0 ? "ping" : ff->coap_code < 32 ? "request" : "response",
                                    ff->coap_uri ? ff->coap_uri : "", "");
      frame_list_add (l, ff->number);
    }
  else if (ff->coap_type == 2 || ff->coap_type == 3)
    {
      key = g_strdup_printf ("%s>%s#%u", dst, src, ff->coap_mid);
      l = g_hash_table_lookup (self->coap_cons, key);
      if (l != NULL)
        l->answered = TRUE;
    }
}

static void
dns_frame (IotInsight *self, const FrameFacts *ff)
{
  g_autofree char *key = NULL;

  if (!ff->dns_response || (ff->dns_rcode != 2 && ff->dns_rcode != 3))
    return;
  key = g_strdup_printf ("%s\x1f%d", ff->dns_qname ? ff->dns_qname : "?", ff->dns_rcode);
  frame_list_add (frame_list_get (self->lists[L_DNS], key), ff->number);
}

/* Weak cipher suites by IANA number, for names our table may lack. */
static const char *
weak_cipher_reason (guint16 suite, const char *name)
{
  static const struct { guint16 lo, hi; const char *why; } ranges[] = {
    { 0x0000, 0x0000, "no encryption at all (NULL)" },
    { 0x0001, 0x0002, "no encryption (NULL cipher)" },
    { 0x0003, 0x0003, "40-bit export encryption (EXPORT, RC4)" },
    { 0x0004, 0x0005, "the broken RC4 stream cipher" },
    { 0x0006, 0x0006, "40-bit export encryption (EXPORT)" },
    { 0x0008, 0x0008, "40-bit export encryption (EXPORT, DES)" },
    { 0x0009, 0x0009, "single DES (56-bit key)" },
    { 0x000a, 0x000a, "triple DES (64-bit blocks, Sweet32)" },
    { 0x000b, 0x000b, "40-bit export encryption (EXPORT, DES)" },
    { 0x000c, 0x000c, "single DES (56-bit key)" },
    { 0x000d, 0x000d, "triple DES (64-bit blocks, Sweet32)" },
    { 0x000e, 0x000e, "40-bit export encryption (EXPORT, DES)" },
    { 0x000f, 0x000f, "single DES (56-bit key)" },
    { 0x0010, 0x0010, "triple DES (64-bit blocks, Sweet32)" },
    { 0x0011, 0x0011, "40-bit export encryption (EXPORT, DES)" },
    { 0x0012, 0x0012, "single DES (56-bit key)" },
    { 0x0013, 0x0013, "triple DES (64-bit blocks, Sweet32)" },
    { 0x0014, 0x0014, "40-bit export encryption (EXPORT, DES)" },
    { 0x0015, 0x0015, "single DES (56-bit key)" },
    { 0x0016, 0x0016, "triple DES (64-bit blocks, Sweet32)" },
    { 0x0017, 0x001b, "anonymous key exchange (no authentication of the server)" },
    { 0x002c, 0x002e, "no encryption (NULL cipher)" },
    { 0x0034, 0x0034, "anonymous key exchange (no authentication of the server)" },
    { 0x003a, 0x003a, "anonymous key exchange (no authentication of the server)" },
    { 0x003b, 0x003b, "no encryption (NULL cipher)" },
    { 0x006c, 0x006d, "anonymous key exchange (no authentication of the server)" },
    { 0x008a, 0x008a, "the broken RC4 stream cipher" },
    { 0x008b, 0x008b, "triple DES (64-bit blocks, Sweet32)" },
    { 0x008e, 0x008e, "the broken RC4 stream cipher" },
    { 0x008f, 0x008f, "triple DES (64-bit blocks, Sweet32)" },
    { 0x0092, 0x0092, "the broken RC4 stream cipher" },
    { 0x0093, 0x0093, "triple DES (64-bit blocks, Sweet32)" },
    { 0x00b0, 0x00b1, "no encryption (NULL cipher)" },
    { 0x00b4, 0x00b5, "no encryption (NULL cipher)" },
    { 0x00b8, 0x00b9, "no encryption (NULL cipher)" },
    { 0xc001, 0xc001, "no encryption (NULL cipher)" },
    { 0xc002, 0xc002, "the broken RC4 stream cipher" },
    { 0xc003, 0xc003, "triple DES (64-bit blocks, Sweet32)" },
    { 0xc006, 0xc006, "no encryption (NULL cipher)" },
    { 0xc007, 0xc007, "the broken RC4 stream cipher" },
    { 0xc008, 0xc008, "triple DES (64-bit blocks, Sweet32)" },
    { 0xc00b, 0xc00b, "no encryption (NULL cipher)" },
    { 0xc00c, 0xc00c, "the broken RC4 stream cipher" },
    { 0xc00d, 0xc00d, "triple DES (64-bit blocks, Sweet32)" },
    { 0xc010, 0xc010, "no encryption (NULL cipher)" },
    { 0xc011, 0xc011, "the broken RC4 stream cipher" },
    { 0xc012, 0xc012, "triple DES (64-bit blocks, Sweet32)" },
    { 0xc015, 0xc019, "anonymous key exchange (no authentication of the server)" },
    { 0xc033, 0xc033, "the broken RC4 stream cipher" },
    { 0xc034, 0xc034, "triple DES (64-bit blocks, Sweet32)" },
    { 0xc039, 0xc03b, "no encryption (NULL cipher)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    if (suite >= ranges[i].lo && suite <= ranges[i].hi)
      return ranges[i].why;
  if (name != NULL)
    {
      if (strstr (name, "_NULL_") || g_str_has_suffix (name, "_NULL"))
        return "no encryption (NULL cipher)";
      if (strstr (name, "EXPORT"))
        return "40-bit export encryption (EXPORT)";
      if (strstr (name, "RC4"))
        return "the broken RC4 stream cipher";
      if (strstr (name, "3DES") || strstr (name, "_DES_"))
        return "DES or triple DES (too small keys or blocks)";
      if (strstr (name, "_anon_"))
        return "anonymous key exchange (no authentication of the server)";
    }
  return NULL;
}

static const char *
tls_version_name (guint16 v, gboolean dtls)
{
  if (dtls)
    switch (v)
      {
      case 0x0100: return "DTLS 1.0 (OpenSSL pre 0.9.8f)";
      case 0xfeff: return "DTLS 1.0";
      case 0xfefd: return "DTLS 1.2";
      case 0xfefc: return "DTLS 1.3";
      default: return "DTLS (unknown version)";
      }
  switch (v)
    {
    case 0x0200: return "SSL 2.0";
    case 0x0300: return "SSL 3.0";
    case 0x0301: return "TLS 1.0";
    case 0x0302: return "TLS 1.1";
    case 0x0303: return "TLS 1.2";
    case 0x0304: return "TLS 1.3";
    default: return "TLS (unknown version)";
    }
}

static gboolean
tls_version_old (guint16 v, gboolean dtls)
{
  if (dtls)
    return v == 0x0100 || v == 0xfeff;
  return v < 0x0303;
}

static void
tls_frame (IotInsight *self, const FrameFacts *ff)
{
  for (guint i = 0; i < ff->hs->len; i++)
    {
      const TlsHs *hs = &g_array_index (ff->hs, TlsHs, i);
      guint16 version = hs->max_sv ? hs->max_sv : hs->version;
      g_autofree char *server = NULL, *client = NULL, *key = NULL;

      if ((hs->type != 1 && hs->type != 2) || version == 0)
        continue;
      server = hs->type == 2 ? insight_endpoint_text (&ff->src, ff->sport) : insight_endpoint_text (&ff->dst, ff->dport);
      client = hs->type == 2 ? insight_address_text (&ff->dst) : insight_address_text (&ff->src);
      if (tls_version_old (version, ff->dtls))
        {
          key = g_strdup_printf ("%s\x1f%s\x1f%s\x1f%s", client, server, tls_version_name (version, ff->dtls),
                                 hs->type == 2 ? "negotiated" : "best version the client offers");
          frame_list_add (frame_list_get (self->lists[L_TLS_VERSION], key), ff->number);
        }
      if (hs->type == 2 && hs->has_cipher)
        {
          const IotField *field = self->f.f[ff->dtls ? F_DTLS_CIPHER : F_TLS_CIPHER];
          const char *name = field ? iot_value_name (field->vals, hs->cipher) : NULL;
          const char *why = weak_cipher_reason (hs->cipher, name);
          g_autofree char *k2 = NULL;

          if (why == NULL)
            continue;
          k2 = name ? g_strdup_printf ("%s\x1f%s\x1f%s (0x%04x)\x1f%s", client, server, name, hs->cipher, why)
                    : g_strdup_printf ("%s\x1f%s\x1f" "0x%04x\x1f%s", client, server, hs->cipher, why);
          frame_list_add (frame_list_get (self->lists[L_WEAK_CIPHER], k2), ff->number);
        }
    }
}

/* "27, 28, 30" for the first @max frames of @frames, "…" if there are more. */
static char *
frame_numbers_text (const GArray *frames, guint max)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < MIN (frames->len, max); i++)
    g_string_append_printf (out, "%s%u", i ? ", " : "", g_array_index (frames, guint32, i));
  if (frames->len > max)
    g_string_append (out, " …");
  return g_string_free (out, FALSE);
}

/* An application message found inside a TLS or DTLS record: the
 * connection uses a NULL cipher, so its payload is readable.  Collected per
 * client and server, named like the weak-cipher finding, which reports it. */
static void
readable_frame (IotInsight *self, const FrameFacts *ff, gboolean to_server)
{
  g_autofree char *client = insight_address_text (to_server ? &ff->src : &ff->dst);
  g_autofree char *server = to_server ? insight_endpoint_text (&ff->dst, ff->dport)
                                      : insight_endpoint_text (&ff->src, ff->sport);
  g_autofree char *key = g_strdup_printf ("%s\x1f%s", client, server);
  FrameList *l = frame_list_get (self->lists[L_READABLE], key);

  frame_list_add (l, ff->number);
  if (l->label != NULL)
    return;
  if (ff->http && !ff->http_response)
    {
      /* The path only: a query string may hold a key or a password. */
      const char *uri = ff->http_uri ? ff->http_uri : "";

      l->label = g_strdup_printf ("HTTP %s %.*s", ff->http_method ? ff->http_method : "request",
                                  (int) strcspn (uri, "?"), uri);
    }
  else if (ff->http)
    l->label = g_strdup ("an HTTP response");
  else if (ff->mqtt->len > 0)
    {
      const MqttMsg *m = &g_array_index (ff->mqtt, MqttMsg, 0);

      l->label = g_strdup_printf ("MQTT %s%s%s", insight_mqtt_type_name (m->type), m->topic ? " " : "",
                                  m->topic ? m->topic : "");
    }
  else
    l->label = g_strdup_printf ("CoAP %s", ff->coap_uri ? ff->coap_uri : "message");
}

/* Clear-text application protocols, per device and server port. */
static void
cleartext_frame (IotInsight *self, const FrameFacts *ff)
{
  const char *proto = NULL;
  gboolean to_server;
  g_autofree char *device = NULL, *key = NULL;

  if (ff->mqtt->len > 0)
    {
      Stream *st = g_hash_table_lookup (self->streams, GUINT_TO_POINTER (ff->stream + 1));

      proto = "MQTT";
      to_server = st && st->client_known ? ff->dport == st->broker_port : ff->dport < ff->sport;
    }
  else if (ff->coap)
    {
      proto = "CoAP";
      to_server = ff->coap_code > 0 && ff->coap_code < 32 ? TRUE
                  : ff->coap_code >= 64 ? FALSE : ff->dport < ff->sport;
    }
  else if (ff->http)
    {
      proto = "HTTP";
      to_server = !ff->http_response;
    }
  else
    return;
  if (ff->tls || ff->dtls)
    {
      /* Not a clear-text protocol: a TLS connection that does not encrypt. */
      readable_frame (self, ff, to_server);
      return;
    }
  device = insight_address_text (to_server ? &ff->src : &ff->dst);
  key = g_strdup_printf ("%s\x1f%s\x1f%u", proto, device, to_server ? ff->dport : ff->sport);
  frame_list_add (frame_list_get (self->lists[L_CLEARTEXT], key), ff->number);

  if (ff->http && ff->http_auth != NULL && *ff->http_auth != '\0')
    {
      g_autofree char *masked = NULL, *k2 = NULL;
      const char *auth = ff->http_auth;

      if (g_ascii_strncasecmp (auth, "Basic ", 6) == 0)
        {
          gsize len = 0;
          g_autofree guchar *decoded = g_base64_decode (auth + 6, &len);
          g_autofree char *text = g_strndup ((const char *) decoded, len);
          char *colon = strchr (text, ':');
          g_autofree char *mu = NULL, *mp = NULL;

          if (colon)
            *colon = '\0';
          mu = iot_insight_mask_secret (text);
          mp = iot_insight_mask_secret (colon ? colon + 1 : "");
          masked = g_strdup_printf ("HTTP Basic authorization from %s: user name %s, password %s", device, mu, mp);
          memset (text, 0, strlen (text));
        }
      else
        {
          g_autofree char *m = iot_insight_mask_secret (auth);

          masked = g_strdup_printf ("HTTP authorization header from %s: %s", device, m);
        }
      k2 = g_steal_pointer (&masked);
      frame_list_add (frame_list_get (self->lists[L_CREDENTIALS], k2), ff->number);
    }
}

static const char *
frame_type_label (const FrameFacts *ff, char *buf, gsize size)
{
  if (ff->coap)
    g_snprintf (buf, size, "coap:%s", ff->coap_type == 0 ? "CON" : ff->coap_type == 1 ? "NON"
                                      : ff->coap_type == 2 ? "ACK" : ff->coap_type == 3 ? "RST" : "message");
  else if (ff->dns)
    g_snprintf (buf, size, "dns:%s", ff->dns_response ? "response" : "query");
  else if (ff->http)
    g_snprintf (buf, size, "http:%s", ff->http_response ? "response" : ff->http_method ? ff->http_method : "request");
  else if (ff->tls)
    g_snprintf (buf, size, "tls");
  else if (ff->dtls)
    g_snprintf (buf, size, "dtls");
  else if (ff->mqtt->len > 0)
    g_snprintf (buf, size, "mqtt:%s", insight_mqtt_type_name (g_array_index (ff->mqtt, MqttMsg, 0).type));
  else if (ff->l4 == 6)
    g_snprintf (buf, size, ff->tcp_len ? "tcp:data" : "tcp:control");
  else if (ff->l4 == 17)
    g_snprintf (buf, size, "udp");
  else if (ff->quoted)
    g_snprintf (buf, size, "icmp");
  else
    g_snprintf (buf, size, ff->ip ? "ip" : "other");
  return buf;
}

static void
device_frame (IotInsight *self, const FrameFacts *ff)
{
  DeviceName *from;
  const char *src, *dst;
  char type[64];

  if (ff->src.family != 4 && ff->src.family != 6)
    return;
  from = device_name (self, &ff->src);
  src = from->text;
  dst = device_name (self, &ff->dst)->text;
  if (from->profile == NULL)
    from->profile = profile_get (self->devices, src);
  profile_add (from->profile, ff->number, ff->rel_ns, ff->payload_len, dst, frame_type_label (ff, type, sizeof type));

  /* Conversations that leave the local networks. */
  if (insight_address_is_local (&ff->src) != insight_address_is_local (&ff->dst)
      || !insight_address_is_local (&ff->src))
    {
      gboolean src_local = insight_address_is_local (&ff->src);
      g_autofree char *key = g_strdup_printf ("%s\x1f%s", src_local ? src : dst, src_local ? dst : src);

      frame_list_add (frame_list_get (self->lists[L_EXTERNAL], key), ff->number);
    }
  if (ff->retrans)
    frame_list_add (frame_list_get (self->lists[L_TCP_RETRANS], src), ff->number);
  if (ff->zero_window)
    frame_list_add (frame_list_get (self->lists[L_ZERO_WINDOW], src), ff->number);
}

static void
add_frame (IotInsight *self, FrameFacts *ff)
{
  self->n_frames++;
  self->last_ns = MAX (self->last_ns, ff->rel_ns);
  /* Bytes TCP resent (a retransmission, or an out-of-order copy) of a
   * message already rebuilt are not a malformed message: the sender did
   * nothing wrong, and the losses are reported as such. */
  if (ff->malformed != NULL && !ff->reassembly_error)
    frame_list_add (frame_list_get (self->lists[L_MALFORMED], ff->malformed), ff->number);
  if (ff->quoted)
    {
      device_frame (self, ff);
      insight_coap_frame (self, ff);
      return;
    }
  device_frame (self, ff);
  /* The TCP dissector decodes a retransmission only when this capture
   * point never saw its bytes before (the original was lost on the way). */
  if (ff->retrans && ff->mqtt->len > 0)
    g_array_append_val (self->first_seen_resent, ff->number);
  mqtt_frame (self, ff);
  if (ff->coap)
    coap_frame (self, ff);
  insight_coap_frame (self, ff);
  if (ff->dns)
    dns_frame (self, ff);
  if (ff->hs->len > 0)
    tls_frame (self, ff);
  insight_tls_frame (self, ff);
  insight_network_frame (self, ff);
  insight_wpan_frame (self, ff);
  insight_path_frame (self, ff);
  cleartext_frame (self, ff);
}

void
iot_insight_add_packet (IotInsight *self, IotPacket *pkt)
{
  FrameFacts ff = { 0 };
  gint64 t = iot_packet_time_ns (pkt);

  if (self->first_ns < 0)
    self->first_ns = t;
  ff.number = iot_packet_frame_number (pkt);
  ff.rel_ns = t - self->first_ns;
  ff.wirelen = iot_packet_wirelen (pkt);
  ff.mqtt = self->scratch_mqtt;
  ff.hs = self->scratch_hs;
  g_array_set_size (ff.mqtt, 0);
  g_array_set_size (ff.hs, 0);
  ff.dns_rcode = -1;
  ff.coap_response_time = -1;
  ff.coap_observe = -1;
  ff.quoted_coap_mid = -1;
  ff.ntp_mode = -1;
  ff.arp_op = -1;
  ff.dhcp_type = -1;
  ff.icmp_type = ff.icmp_code = ff.icmpv6_type = -1;
  ff.wpan_seq = ff.wpan_pan = ff.wpan_cmd = ff.lqi = -1;
  ff.nwk_cmd = ff.zdp_cluster = ff.aps_cluster = ff.aps_cmd = ff.aps_key_type = ff.zcl_cmd = -1;
  read_frame (self, pkt, &ff);
  iot_readings_add_packet (self->readings, pkt);
  iot_tls_sessions_add_packet (self->tls_sessions, pkt);
  insight_radio_packet (self, pkt, ff.number, ff.rel_ns);
  insight_wifi_packet (self, pkt, ff.number, ff.rel_ns);
  insight_sparkplug_packet (self, pkt, ff.number);
  ff.src = *iot_packet_net_src (pkt);
  ff.dst = *iot_packet_net_dst (pkt);
  iot_packet_get_ports (pkt, &ff.sport, &ff.dport);
  add_frame (self, &ff);
  g_free (ff.wpan_src);
  g_free (ff.wpan_dst);
  g_free (ff.wpan_src64);
  for (guint i = 0; i < ff.mqtt->len; i++)
    g_free (g_array_index (ff.mqtt, MqttMsg, i).topic);
}

static void
listener_add_wanted (gpointer self, IotFieldSet *wanted, IotDissectFlags *flags)
{
  iot_insight_add_wanted (self, wanted);
  iot_tls_sessions_add_wanted (((IotInsight *) self)->tls_sessions, wanted, flags);
  *flags |= IOT_DISSECT_READINGS;
}

static void
listener_frame (gpointer self, IotPacket *pkt)
{
  iot_insight_add_packet (self, pkt);
}

static void
listener_finish (gpointer self)
{
  iot_insight_finish (self);
}

const IotScanListener iot_insight_listener = {
  .add_wanted = listener_add_wanted,
  .frame = listener_frame,
  .finish = listener_finish,
};

void
iot_insight_set_capture_path (IotInsight *self, const char *path)
{
  g_free (self->capture_name);
  self->capture_name = g_path_get_basename (path);
}

IotInsight *
iot_insight_analyze (IotEngine *engine, GCancellable *cancellable, GError **error)
{
  g_autoptr (IotInsight) self = iot_insight_new ();
  g_autoptr (IotScan) scan = iot_scan_new (engine);

  iot_insight_set_capture_path (self, iot_file_path (iot_engine_file (engine)));
  iot_scan_add_listener (scan, &iot_insight_listener, self, NULL);
  if (!iot_scan_run (scan, cancellable, NULL, NULL, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* ---- findings ----------------------------------------------------------------------- */

/* Scheduling and network jitter make some tens of milliseconds of lateness
 * normal even for a fast publisher, but for a publisher faster than that a
 * fixed floor would hide every missed reading: the floor shrinks with the
 * period, and a missed reading (one period late) always clears it. */
#define GAP_MIN_LATE_S 0.025

static void report_gaps (IotInsight *self, const Series *s, GArray *intervals, GArray *gaps);

static double
gap_min_lateness (const Series *s)
{
  return MAX (MAX (0.5 * s->period, MIN (GAP_MIN_LATE_S, 0.75 * s->period)), 3 * s->jitter);
}

static void
analyze_series (IotInsight *self, Series *s)
{
  g_autoptr (GArray) intervals = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) dev = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 1; i < s->times->len; i++)
    {
      double v = (g_array_index (s->times, gint64, i) - g_array_index (s->times, gint64, i - 1)) / 1e9;

      g_array_append_val (intervals, v);
    }
  if (intervals->len < 4)
    return;
  {
    g_autoptr (GArray) sorted = g_array_copy (intervals);
    IotDistribution d = insight_distribution (sorted);

    s->period = d.median;
  }
  if (s->period <= 0)
    {
      s->period = -1;
      return;
    }
  for (guint i = 0; i < intervals->len; i++)
    {
      double v = fabs (g_array_index (intervals, double, i) - s->period);

      g_array_append_val (dev, v);
    }
  s->jitter = insight_distribution (dev).median;
  /* Mostly regular: half the intervals within a quarter period of the period. */
  if (s->jitter > 0.25 * s->period)
    {
      s->period = -1;
      return;
    }
  {
    g_autoptr (GArray) gaps = g_array_new (FALSE, FALSE, sizeof (guint));

    for (guint i = 0; i < intervals->len; i++)
      {
        double v = g_array_index (intervals, double, i);

        if (v - s->period <= gap_min_lateness (s))
          continue;
        s->gaps++;
        /* A gap that a cause before it explains (a broker slow to answer a
         * device with one message in flight) is that cause's evidence. */
        if (!insight_explain_gap (self, s, g_array_index (s->frames, guint32, i),
                                  g_array_index (s->frames, guint32, i + 1), v))
          g_array_append_val (gaps, i);
      }
    if (gaps->len > 0)
      report_gaps (self, s, intervals, gaps);
  }
}

static guint
readings_missing (const Series *s, double interval)
{
  return MAX ((guint) floor (interval / s->period + 0.5) - 1, 1u);
}

/* One finding per series, however many gaps it has. */
static void
report_gaps (IotInsight *self, const Series *s, GArray *intervals, GArray *gaps)
{
  g_autoptr (GString) where = g_string_new (NULL);
  IotInsightItem *item;
  double longest = 0;
  guint missing = 0;

  for (guint k = 0; k < gaps->len; k++)
    {
      guint i = g_array_index (gaps, guint, k);
      double v = g_array_index (intervals, double, i);

      longest = MAX (longest, v);
      missing += readings_missing (s, v);
      g_string_append_printf (where, "%s%u–%u (%.3f s)", k ? ", " : "", g_array_index (s->frames, guint32, i),
                              g_array_index (s->frames, guint32, i + 1), v);
    }
  if (gaps->len == 1)
    {
      guint i = g_array_index (gaps, guint, 0);

      item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "periodic-gap", IOT_SEV_WARN, s->topic,
        g_strdup_printf ("%s: %s publishes every %.3f s, but nothing came for %.3f s (about %u reading%s missing)",
                         s->topic, s->publisher, s->period, longest, missing, missing == 1 ? "" : "s"),
        g_strdup_printf ("The device \"%s\" normally sends a message on this topic every %.3f seconds (give or "
                         "take %.1f ms). Between frame %u and frame %u the pause was %.3f seconds, more than one and "
                         "a half periods, so at least one expected reading never reached the broker. Common causes "
                         "are a device that reset or went to sleep, a lost radio link, or a sensor that failed to "
                         "read; a dashboard would show a hole in the chart here.",
                         s->publisher, s->period, s->jitter * 1000, g_array_index (s->frames, guint32, i),
                         g_array_index (s->frames, guint32, i + 1), longest));
    }
  else
    item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "periodic-gap", IOT_SEV_WARN, s->topic,
      g_strdup_printf ("%s: %s publishes every %.3f s, but %u times nothing came for longer (up to %.3f s, about "
                       "%u readings missing in all)", s->topic, s->publisher, s->period, gaps->len, longest, missing),
      g_strdup_printf ("The device \"%s\" normally sends a message on this topic every %.3f seconds (give or take "
                       "%.1f ms), but %u pauses lasted more than one and a half periods, so expected readings never "
                       "reached the broker: between frames %s. Nothing else in the capture explains them (no "
                       "reconnect, no broker slow to answer), so look at the device: a reset, sleep, a lost radio "
                       "link or a sensor that failed to read. A dashboard would show holes in the chart there.",
                       s->publisher, s->period, s->jitter * 1000, gaps->len, where->str));
  for (guint k = 0; k < gaps->len; k++)
    {
      guint i = g_array_index (gaps, guint, k);

      insight_item_add_frame (item, g_array_index (s->frames, guint32, i));
      insight_item_add_frame (item, g_array_index (s->frames, guint32, i + 1));
    }
}

/* Same depth, at most one level different (the empty name has no level). */
static gboolean
topics_are_siblings (const char *a, const char *b)
{
  guint diff = 0;

  if (*a == '\0' || *b == '\0')
    return *a == *b;
  for (;;)
    {
      gsize la = strcspn (a, "/"), lb = strcspn (b, "/");

      diff += la != lb || memcmp (a, b, la) != 0;
      a += la;
      b += lb;
      if (*a == '\0' || *b == '\0')
        return *a == *b && diff <= 1;
      a++;
      b++;
    }
}

/* Where find_chatty() looks for a topic's siblings: every topic is filed
 * under its name with one level left open, once per level, so two
 * siblings share at least one key (comparing every series with every
 * other was quadratic).  The key only selects; topics_are_siblings()
 * decides. */
#define OPEN_LEVEL "\x01"

static void
sibling_keys (const char *topic, GPtrArray *keys)
{
  guint level = 0;

  g_ptr_array_set_size (keys, 0);
  if (*topic == '\0')
    {
      g_ptr_array_add (keys, g_strdup (OPEN_LEVEL));
      return;
    }
  for (const char *p = topic;; level++)
    {
      gsize len = strcspn (p, "/");

      g_ptr_array_add (keys, g_strdup_printf ("%.*s" OPEN_LEVEL "%s", (int) (p - topic), topic, p + len));
      if (p[len] == '\0')
        break;
      p += len + 1;
    }
}

static GHashTable *
siblings_index (GPtrArray *all)
{
  GHashTable *index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);

  for (guint j = 0; j < all->len; j++)
    {
      const Series *s = g_ptr_array_index (all, j);

      sibling_keys (s->topic, keys);
      for (guint i = 0; i < keys->len; i++)
        {
          GArray *list = g_hash_table_lookup (index, keys->pdata[i]);

          if (list == NULL)
            {
              list = g_array_new (FALSE, FALSE, sizeof (guint));
              g_hash_table_insert (index, g_strdup (keys->pdata[i]), list);
            }
          if (list->len == 0 || g_array_index (list, guint, list->len - 1) != j)
            g_array_append_val (list, j);
        }
    }
  return index;
}

static int
cmp_uint (gconstpointer a, gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

/* The series that may be siblings of @s, in the order of @all. */
static void
sibling_candidates (GHashTable *index, const Series *s, GPtrArray *keys, GArray *dest)
{
  guint out = 0;

  g_array_set_size (dest, 0);
  sibling_keys (s->topic, keys);
  for (guint i = 0; i < keys->len; i++)
    {
      GArray *list = g_hash_table_lookup (index, keys->pdata[i]);

      if (list != NULL)
        g_array_append_vals (dest, list->data, list->len);
    }
  g_array_sort (dest, cmp_uint);
  for (guint i = 0; i < dest->len; i++)
    if (out == 0 || g_array_index (dest, guint, i) != g_array_index (dest, guint, out - 1))
      g_array_index (dest, guint, out++) = g_array_index (dest, guint, i);
  g_array_set_size (dest, out);
}

/* A rate is judged against something: at least this many other devices
 * publishing on neighbouring topics (fewer make no "usual" rate), or the
 * device's own earlier rate with at least this many intervals on either
 * side of the change. */
#define CHATTY_MIN_PEERS 3
#define CHATTY_MIN_HISTORY 8
#define CHATTY_FACTOR 5.0

/* Median of intervals [from, to) of @s, in seconds. */
static double
median_interval (const Series *s, guint from, guint to)
{
  g_autoptr (GArray) v = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = MAX (from, 1u); i < to; i++)
    {
      double d = (g_array_index (s->times, gint64, i) - g_array_index (s->times, gint64, i - 1)) / 1e9;

      g_array_append_val (v, d);
    }
  return v->len ? insight_distribution (v).median : -1;
}

/* Where @s became faster than it was, as the index of the publication it
 * sped up at (0: it did not, by CHATTY_FACTOR): the split where the
 * intervals just before and just after differ most, kept only when the
 * whole history before it and everything after it differ as much (a short
 * burst in a slow series is not a new rate). */
static guint
speed_up_point (const Series *s, double *before_s, double *after_s)
{
  guint n = s->times->len, best = 0, w = 2 * CHATTY_MIN_HISTORY;
  double best_ratio = CHATTY_FACTOR;

  for (guint k = CHATTY_MIN_HISTORY + 1; k + CHATTY_MIN_HISTORY <= n; k++)
    {
      double before = median_interval (s, k > w ? k - w : 1, k);
      double after = median_interval (s, k + 1, MIN (n, k + 1 + w));

      if (before > 0 && after > 0 && before / after > best_ratio)
        {
          best_ratio = before / after;
          best = k;
        }
    }
  if (best == 0)
    return 0;
  /* Windows that straddle the change rate alike; the first publication at
   * the new rate is the first whose interval is nearer the new one. */
  {
    double local_before = median_interval (s, best > w ? best - w : 1, best);
    double local_after = median_interval (s, best + 1, MIN (n, best + 1 + w));
    double middle = sqrt (local_before * local_after);
    guint first = best > w ? best - w : 1;

    while (first < n - 1
           && (g_array_index (s->times, gint64, first) - g_array_index (s->times, gint64, first - 1)) / 1e9 > middle)
      first++;
    best = first;
  }
  if (best < CHATTY_MIN_HISTORY + 1 || best + CHATTY_MIN_HISTORY > n)
    return 0;
  *before_s = median_interval (s, 1, best);
  *after_s = median_interval (s, best, n);
  return *before_s > 0 && *after_s > 0 && *before_s / *after_s > CHATTY_FACTOR ? best : 0;
}

static void
report_chatty_peers (IotInsight *self, const Series *s, double rate, GArray *peers)
{
  double median = insight_distribution (peers).median;
  IotInsightItem *item;

  item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "chatty-device", IOT_SEV_WARN, s->publisher,
    g_strdup_printf ("%s publishes %.0f messages/min on %s, %.1f× the median of its %u peers (%.0f/min)",
                     s->publisher, rate, s->topic, rate / MAX (median, 1e-9), peers->len, median),
    g_strdup_printf ("Devices that publish on neighbouring topics (the same topic with one level changed) send "
                     "a median of %.0f messages per minute, but \"%s\" sends %.0f. A device this chatty drains "
                     "its battery, uses up radio time and broker capacity, and often points to a wrong "
                     "configuration (a reporting interval in milliseconds instead of seconds) or a sensor "
                     "reporting every tiny change.", median, s->publisher, rate));
  for (guint k = 0; k < MIN (s->frames->len, 20u); k++)
    g_array_append_val (item->frames, g_array_index (s->frames, guint32, k));
  insight_item_add_frames (item->frames, NULL);
  item->confidence = peers->len >= 2 * CHATTY_MIN_PEERS ? "high" : "medium";
  item->confirm = g_strdup ("The device's reporting interval in its configuration, against its peers'.");
}

static void
report_chatty_history (IotInsight *self, const Series *s, guint at, double before_s, double after_s)
{
  IotInsightItem *item;

  item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "chatty-device", IOT_SEV_WARN, s->publisher,
    g_strdup_printf ("%s publishes on %s every %.3f s since frame %u, %.1f× faster than before (every %.3f s)",
                     s->publisher, s->topic, after_s, g_array_index (s->frames, guint32, at), before_s / after_s,
                     before_s),
    g_strdup_printf ("For its first %u messages \"%s\" published on this topic every %.3f seconds; from frame %u "
                     "on it publishes every %.3f seconds. A device that suddenly reports this much faster than "
                     "its own history drains its battery and the broker's capacity; usually a configuration "
                     "change (an interval in milliseconds instead of seconds), a firmware update, or a sensor "
                     "that started reporting every tiny change (a noisy or failing sensor).",
                     at, s->publisher, before_s, g_array_index (s->frames, guint32, at), after_s));
  for (guint k = at; k < MIN (s->frames->len, at + 20u); k++)
    g_array_append_val (item->frames, g_array_index (s->frames, guint32, k));
  for (guint k = at > 3 ? at - 3 : 0; k < at; k++)
    g_array_append_val (item->related, g_array_index (s->frames, guint32, k));
  item->related_label = "The last messages at the old rate";
  item->confidence = "high";
  item->confirm = g_strdup ("What changed on the device at that time (configuration, firmware, the sensor's "
                            "readings).");
}

/* Messages per minute of @s from its first publication to the end of the
 * capture: a device that came up late is not slow for that, and one that
 * fell silent stays counted over the time it could have published. */
static double
series_rate (IotInsight *self, const Series *s)
{
  gint64 span = self->last_ns - g_array_index (s->times, gint64, 0);

  return s->times->len / (MAX (span, G_GINT64_CONSTANT (1000000000)) / 6e10);
}

static void
find_chatty (IotInsight *self, GPtrArray *all)
{
  g_autoptr (GHashTable) index = siblings_index (all);
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) candidates = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < all->len; i++)
    {
      Series *s = g_ptr_array_index (all, i);
      g_autoptr (GArray) peers = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr (GHashTable) devices = g_hash_table_new (g_str_hash, g_str_equal);
      double rate, before_s = 0, after_s = 0;
      guint at;

      if (s->times->len < 10)
        continue;
      rate = series_rate (self, s);
      sibling_candidates (index, s, keys, candidates);
      for (guint c = 0; c < candidates->len; c++)
        {
          Series *o = g_ptr_array_index (all, g_array_index (candidates, guint, c));
          double r = series_rate (self, o);

          if (o != s && strcmp (o->publisher, s->publisher) != 0 && topics_are_siblings (o->topic, s->topic))
            {
              g_array_append_val (peers, r);
              g_hash_table_add (devices, o->publisher);
            }
        }
      /* Two or three other devices make no "usual" rate: one of them may be
       * the odd one. */
      if (g_hash_table_size (devices) >= CHATTY_MIN_PEERS
          && rate > CHATTY_FACTOR * insight_distribution (peers).median)
        report_chatty_peers (self, s, rate, peers);
      else if ((at = speed_up_point (s, &before_s, &after_s)) > 0)
        report_chatty_history (self, s, at, before_s, after_s);
    }
}

static int
cmp_series (gconstpointer a, gconstpointer b)
{
  const Series *x = *(Series *const *) a, *y = *(Series *const *) b;
  int c = strcmp (x->topic, y->topic);

  return c ? c : strcmp (x->publisher, y->publisher);
}

static void
finish_mqtt (IotInsight *self)
{
  g_autoptr (GPtrArray) all = insight_values (self->series);
  g_autoptr (GArray) candidates = g_array_new (FALSE, FALSE, sizeof (guint));
  double minutes = MAX (self->last_ns / 6e10, 1e-9);
  SubIndex index;

  g_ptr_array_sort (all, cmp_series);
  for (guint i = 0; i < all->len; i++)
    {
      Series *s = g_ptr_array_index (all, i);
      Topic *t = g_hash_table_lookup (self->topics, s->topic);

      analyze_series (self, s);
      /* A topic's period is its busiest publisher's. */
      if (t != NULL && s->times->len > t->main_count)
        {
          t->main_count = s->times->len;
          t->stats.period_s = s->period;
          t->stats.jitter_s = s->period > 0 ? s->jitter : -1;
        }
      if (t != NULL)
        t->stats.gaps += s->gaps;
    }
  find_chatty (self, all);

  self->topic_order = insight_values (self->topics);
  g_ptr_array_sort (self->topic_order, cmp_topics);
  insight_sub_index_init (&index, self);
  for (guint i = 0; i < self->topic_order->len; i++)
    {
      Topic *t = g_ptr_array_index (self->topic_order, i);

      t->stats.rate_per_min = t->stats.published / minutes;
      insight_sub_index_matching (&index, t->stats.topic, candidates);
      for (guint c = 0; c < candidates->len; c++)
        {
          const Subscription *sub = &g_array_index (self->subscriptions, Subscription,
                                                    g_array_index (candidates, guint, c));

          if (insight_topic_matches (sub->filter, t->stats.topic))
            add_unique (t->stats.subscribers, sub->client);
        }
    }
  insight_sub_index_clear (&index);
}

static const char *
connack_text (gint code, gboolean v5)
{
  if (!v5)
    switch (code)
      {
      case 1: return "unacceptable protocol version";
      case 2: return "client identifier rejected";
      case 3: return "server unavailable";
      case 4: return "bad user name or password";
      case 5: return "not authorized";
      default: break;
      }
  switch (code)
    {
    case 0x80: return "unspecified error";
    case 0x81: return "malformed packet";
    case 0x82: return "protocol error";
    case 0x83: return "implementation specific error";
    case 0x84: return "unsupported protocol version";
    case 0x85: return "client identifier not valid";
    case 0x86: return "bad user name or password";
    case 0x87: return "not authorized";
    case 0x88: return "server unavailable";
    case 0x89: return "server busy";
    case 0x8a: return "banned";
    case 0x8b: return "server shutting down";
    case 0x8c: return "bad authentication method";
    case 0x8d: return "keep alive timeout";
    case 0x8e: return "session taken over";
    case 0x8f: return "topic filter invalid";
    case 0x90: return "topic name invalid";
    case 0x91: return "packet identifier in use";
    case 0x92: return "packet identifier not found";
    case 0x93: return "receive maximum exceeded";
    case 0x94: return "topic alias invalid";
    case 0x95: return "packet too large";
    case 0x96: return "message rate too high";
    case 0x97: return "quota exceeded";
    case 0x98: return "administrative action";
    case 0x99: return "payload format invalid";
    case 0x9a: return "retain not supported";
    case 0x9b: return "QoS not supported";
    case 0x9c: return "use another server";
    case 0x9d: return "server moved";
    case 0x9e: return "shared subscriptions not supported";
    case 0x9f: return "connection rate exceeded";
    case 0xa0: return "maximum connect time";
    case 0xa1: return "subscription identifiers not supported";
    case 0xa2: return "wildcard subscriptions not supported";
    default: return "error";
    }
}

/* Splits a "\x1f"-joined key. */
static GStrv
key_parts (const char *key)
{
  return g_strsplit (key, "\x1f", -1);
}

GPtrArray *
insight_sorted_keys (GHashTable *table)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, cmp_strings);
  return keys;
}

GPtrArray *
insight_values (GHashTable *table)
{
  GPtrArray *values = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (values, value);
  return values;
}

#define sorted_keys insight_sorted_keys

static void
finish_sessions (IotInsight *self)
{
  for (guint i = 0; i < self->resets->len; i++)
    {
      Reset *r = &g_array_index (self->resets, Reset, i);
      IotMqttSession *s = &g_array_index (self->sessions, IotMqttSession, r->session);
      IotMqttSession *next = NULL;
      IotInsightItem *item;
      g_autoptr (GString) risk = g_string_new (NULL);
      guint at_risk = 0, unacked = 0;

      for (guint k = r->session + 1; k < self->sessions->len; k++)
        {
          IotMqttSession *o = &g_array_index (self->sessions, IotMqttSession, k);

          if ((*s->client_id != '\0' && strcmp (o->client_id, s->client_id) == 0)
              || (*s->client_id == '\0' && *o->client_id == '\0'))
            {
              next = o;
              break;
            }
        }
      item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, next ? "mqtt-reset-reconnect" : "mqtt-reset",
                               IOT_SEV_WARN, *s->client_id ? s->client_id : s->client, NULL, NULL);
      insight_item_add_frame (item, s->connect_frame);
      insight_item_add_frame (item, r->frame);
      if (next)
        insight_item_add_frame (item, next->connect_frame);
      /* QoS 0 messages of the last 5 s: nobody confirms them, and a reset
       * throws away whatever was still queued. */
      for (guint k = 0; k < r->qos0->len; k++)
        {
          Qos0 *q = &g_array_index (r->qos0, Qos0, k);

          if (r->rel_ns - q->rel_ns > 5 * G_GINT64_CONSTANT (1000000000))
            continue;
          g_array_append_val (item->related, q->frame);
          at_risk++;
          if (!r->have_ack || (gint32) (r->broker_ack - q->seq_end) < 0)
            unacked++;
        }
      item->related_label = "QoS 0 messages at risk (sent in the 5 s before the reset)";
      if (at_risk)
        g_string_printf (risk, " %u QoS 0 message%s sent just before it may be lost (%u not even acknowledged by "
                         "the broker's TCP).", at_risk, at_risk == 1 ? "" : "s", unacked);
      {
        g_autofree char *tail = next ? g_strdup_printf (", which reconnected %.3f s later (frame %u)",
                                                        (next->start_ns - r->rel_ns) / 1e9, next->connect_frame)
                                     : g_strdup (" with no reconnect");

        item->summary = g_strdup_printf ("TCP reset (RST from the %s, frame %u) ended the MQTT session of %s%s",
                                         r->by_client ? "client" : "broker", r->frame,
                                         *s->client_id ? s->client_id : s->client, tail);
      }
      item->explanation = g_strdup_printf (
        "A TCP reset (RST) tears a connection down at once, without the orderly MQTT DISCONNECT, so the broker "
        "treats it as a crash: it publishes the client's last will, if any, and forgets unfinished work.%s%s "
        "Messages sent with QoS 0 are never confirmed, so if they were still in a send buffer they are gone "
        "without anyone noticing; use QoS 1 for readings that matter.",
        risk->len ? risk->str : " No QoS 0 messages were sent in the 5 seconds before the reset.",
        next ? " The client came back with a new connection, which is what a well-written device does." : "");
    }
  for (guint i = 0; i < self->sessions->len; i++)
    {
      IotMqttSession *s = &g_array_index (self->sessions, IotMqttSession, i);
      IotInsightItem *item;

      /* Open at the end of the capture: the silence lasts until then. */
      if (s->end_frame == 0)
        {
          Stream *st = g_hash_table_lookup (self->streams, GUINT_TO_POINTER (s->stream + 1));
          double tail = st ? (self->last_ns - st->last_client_ns) / 1e9 : 0;

          s->end_ns = self->last_ns;
          if (st && tail > s->longest_silence_s && s->keepalive_s > 0 && tail > 1.5 * s->keepalive_s)
            {
              s->longest_silence_s = tail;
              s->silence_from = st->last_client_frame;
              s->silence_to = 0;
            }
        }
      if (s->keepalive_s == 0 || s->longest_silence_s <= 1.5 * s->keepalive_s)
        continue;
      item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "mqtt-keepalive", IOT_SEV_WARN,
                               *s->client_id ? s->client_id : s->client,
        g_strdup_printf ("%s promised to speak at least every %u s (keep-alive) but was silent for %.1f s",
                         *s->client_id ? s->client_id : s->client, s->keepalive_s, s->longest_silence_s),
        g_strdup_printf ("In its CONNECT (frame %u) the client set a keep-alive of %u seconds: a promise to send "
                         "something, at least a PINGREQ, that often. The broker may close a connection that stays "
                         "silent for more than one and a half times that (%.0f s), and here the client said nothing "
                         "for %.1f s. The device may have hung, lost its network, or be sleeping longer than it "
                         "told the broker.", s->connect_frame, s->keepalive_s, 1.5 * s->keepalive_s,
                         s->longest_silence_s));
      insight_item_add_frame (item, s->connect_frame);
      if (s->silence_from)
        insight_item_add_frame (item, s->silence_from);
      if (s->silence_to)
        insight_item_add_frame (item, s->silence_to);
    }
}

static void
finish_lists (IotInsight *self)
{
  g_autoptr (GPtrArray) keys = NULL;

  keys = sorted_keys (self->lists[L_UNACKED]);
  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->lists[L_UNACKED], keys->pdata[i]);
      g_auto (GStrv) p = key_parts (keys->pdata[i]);
      gboolean by_client = strcmp (p[0], "client") == 0;
      IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "mqtt-unacknowledged", IOT_SEV_WARN, p[1],
        g_strdup_printf ("%u QoS 1/2 PUBLISH%s %s %s never acknowledged", l->frames->len,
                         l->frames->len == 1 ? "" : "es", by_client ? "from" : "to", p[1]),
        g_strdup_printf ("With QoS 1 or 2 the receiver must confirm every PUBLISH (PUBACK, or PUBREC for QoS 2); "
                         "until it does, the sender keeps the message and sends it again later with the DUP flag. "
                         "No confirmation was seen for these, so %s either never got them, is too busy or broken "
                         "to answer, or the connection ended first. Expect duplicates after the next reconnect.",
                         by_client ? "the broker" : p[1]));

      insight_item_add_frames (item->frames, l->frames);
    }
  g_ptr_array_unref (keys);
  keys = sorted_keys (self->lists[L_DUP]);
  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->lists[L_DUP], keys->pdata[i]);
      FrameList *orig = g_hash_table_lookup (self->lists[L_DUP_ORIGINAL], keys->pdata[i]);
      IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "mqtt-dup", IOT_SEV_NOTE, keys->pdata[i],
        g_strdup_printf ("%u PUBLISH re-deliver%s with the DUP flag on %s's connections", l->frames->len,
                         l->frames->len == 1 ? "y" : "ies", (char *) keys->pdata[i]),
        g_strdup ("The DUP flag marks a second attempt to deliver a QoS 1 or 2 message whose acknowledgement did "
                  "not arrive (or arrived too late). A few duplicates after a reconnect are normal, but many point "
                  "to a lossy link or acknowledgements that are too slow. With QoS 1 the receiver may process the "
                  "same reading twice, so applications should tolerate duplicates."));

      insight_item_add_frames (item->frames, l->frames);
      if (orig != NULL)
        {
          insight_item_add_frames (item->related, orig->frames);
          item->related_label = "First copies on the same connection";
        }
    }
  g_ptr_array_unref (keys);
  keys = sorted_keys (self->lists[L_CONNACK]);
  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->lists[L_CONNACK], keys->pdata[i]);
      g_auto (GStrv) p = key_parts (keys->pdata[i]);
      gint code = atoi (p[1]);
      IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "mqtt-connack-refused", IOT_SEV_ERROR, p[0],
        g_strdup_printf ("Broker refused the connection of %s: %s (code %d / 0x%02x)", p[0],
                         connack_text (code, code >= 0x80), code, code),
        g_strdup_printf ("The broker answered the client's CONNECT with a CONNACK that says \"%s\" instead of "
                         "\"accepted\", so the client cannot publish or subscribe at all. Check the user name, "
                         "password or certificate the device uses, and the broker's access rules. A device that "
                         "keeps retrying with bad credentials also fills the broker's log.",
                         connack_text (code, code >= 0x80)));

      insight_item_add_frames (item->frames, l->frames);
    }
  g_ptr_array_unref (keys);
  keys = sorted_keys (self->lists[L_MQTT_ERROR]);
  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->lists[L_MQTT_ERROR], keys->pdata[i]);
      g_auto (GStrv) p = key_parts (keys->pdata[i]);
      gint code = atoi (p[3]);
      IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "mqtt-error-reason", IOT_SEV_WARN, p[0],
        g_strdup_printf ("%s with error %s 0x%02x (%s) on %s's connection", p[1], p[2], code,
                         connack_text (code, TRUE), p[0]),
        g_strdup_printf ("MQTT answers carry a reason code; values of 0x80 and above mean failure. This %s says "
                         "\"%s\": the request it answers did not succeed, and the device should not assume its "
                         "message or subscription was taken.", p[1], connack_text (code, TRUE)));

      insight_item_add_frames (item->frames, l->frames);
    }
  g_ptr_array_unref (keys);
  keys = sorted_keys (self->lists[L_COAP_RETRANS]);
  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->lists[L_COAP_RETRANS], keys->pdata[i]);
      IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "coap-retransmission", IOT_SEV_WARN,
                                               keys->pdata[i],
        g_strdup_printf ("%u CoAP retransmission%s sent by %s", l->frames->len, l->frames->len == 1 ? "" : "s",
                         (char *) keys->pdata[i]),
        g_strdup ("CoAP runs over UDP, which does not repair losses, so a confirmable (CON) message is sent again "
                  "when no acknowledgement arrives within about 2 to 3 seconds, waiting twice as long each time. "
                  "Each copy here means a message or its acknowledgement was lost on the way, and every "
                  "retransmission adds seconds of delay. Many of them point to a lossy radio link or an overloaded "
                  "server."));

      insight_item_add_frames (item->frames, l->frames);
    }
  g_ptr_array_unref (keys);
  keys = sorted_keys (self->coap_cons);
  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->coap_cons, keys->pdata[i]);
      IotInsightItem *item;

      if (l->answered)
        continue;
      item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "coap-unanswered", IOT_SEV_WARN, keys->pdata[i],
        g_strdup_printf ("Confirmable CoAP %s (%s) never acknowledged (%u cop%s sent)", g_strstrip (l->label),
                         (char *) keys->pdata[i], l->frames->len, l->frames->len == 1 ? "y" : "ies"),
        g_strdup ("A confirmable (CON) message asks the other side for an ACK (or a RST if it cannot handle it). "
                  "None came back for this one, even after the retransmissions shown. The receiver may be "
                  "offline or asleep, a firewall may drop the traffic, or the capture started or stopped too "
                  "early to see the answer."));
      insight_item_add_frames (item->frames, l->frames);
    }
  g_ptr_array_unref (keys);
  keys = sorted_keys (self->lists[L_TCP_RETRANS]);
  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->lists[L_TCP_RETRANS], keys->pdata[i]);
      IotInsightItem *item;

      if (l->frames->len < 3)
        continue;
      item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "tcp-retransmissions", IOT_SEV_WARN, keys->pdata[i],
        g_strdup_printf ("%s sent %u TCP retransmissions", (char *) keys->pdata[i], l->frames->len),
        g_strdup ("TCP sends a segment again when the receiver does not acknowledge it in time, or when duplicate "
                  "acknowledgements show that something in between went missing. A burst of retransmissions "
                  "means packets are being lost on the path (a weak radio link, a congested router) or the other "
                  "side is too slow; messages still arrive, but late, and the connection may slow down."));
      insight_item_add_frames (item->frames, l->frames);
    }
  g_ptr_array_unref (keys);
  keys = sorted_keys (self->lists[L_ZERO_WINDOW]);
  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->lists[L_ZERO_WINDOW], keys->pdata[i]);
      IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "tcp-zero-window", IOT_SEV_WARN,
                                               keys->pdata[i],
        g_strdup_printf ("%s announced a zero receive window %u time%s", (char *) keys->pdata[i], l->frames->len,
                         l->frames->len == 1 ? "" : "s"),
        g_strdup ("A zero window means \"my receive buffer is full, stop sending\": the program on this host is not "
                  "reading its data fast enough. The sender has to wait and probe until space frees up, so "
                  "everything on this connection stalls. On a small device this often means the application is "
                  "blocked or overloaded."));
      insight_item_add_frames (item->frames, l->frames);
    }
  g_ptr_array_unref (keys);
  keys = sorted_keys (self->lists[L_DNS]);
  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->lists[L_DNS], keys->pdata[i]);
      g_auto (GStrv) p = key_parts (keys->pdata[i]);
      gboolean nx = strcmp (p[1], "3") == 0;
      IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "dns-failure", nx ? IOT_SEV_WARN : IOT_SEV_ERROR,
                                               p[0],
        g_strdup_printf ("DNS lookup of %s failed: %s", p[0], nx ? "no such name (NXDOMAIN)" : "server failure (SERVFAIL)"),
        nx ? g_strdup_printf ("The name server says the name \"%s\" does not exist (NXDOMAIN). A device that looks "
                              "up a wrong or outdated host name, for example a typo in its broker address, cannot "
                              "connect at all and usually keeps retrying.", p[0])
           : g_strdup_printf ("The name server could not answer for \"%s\" (SERVFAIL): it failed itself, or could "
                              "not reach the servers responsible for that name. The device cannot find its server "
                              "until the DNS problem is fixed.", p[0]));
      insight_item_add_frames (item->frames, l->frames);
    }
  g_ptr_array_unref (keys);
  keys = sorted_keys (self->lists[L_MALFORMED]);
  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->lists[L_MALFORMED], keys->pdata[i]);
      IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "malformed", IOT_SEV_ERROR, keys->pdata[i],
        g_strdup_printf ("%u malformed %s packet%s", l->frames->len, (char *) keys->pdata[i],
                         l->frames->len == 1 ? "" : "s"),
        g_strdup_printf ("These packets break the rules of the %s protocol (for example a length field that "
                         "points past the end of the data), so decoding stopped there. A buggy or "
                         "misconfigured sender, a different protocol on the expected port, or damage on the way "
                         "can cause this; the receiver will probably reject them too.", (char *) keys->pdata[i]));
      insight_item_add_frames (item->frames, l->frames);
    }
}

/* Once secrets are at work (a key log, a PSK, a capture's secrets
 * block), every TLS/DTLS session says whether it was decrypted, with
 * which kind of secret, or why not. */
static void
finish_decryption (IotInsight *self)
{
  IotTlsSessions *sessions = self->tls_sessions;

  if (!iot_tls_sessions_any_note (sessions))
    return;
  for (guint i = 0; i < iot_tls_sessions_n (sessions); i++)
    {
      const IotTlsSession *s = iot_tls_sessions_get (sessions, i);
      const char *proto = s->dtls ? "DTLS" : "TLS";
      g_autofree char *subject = g_strdup_printf ("%s → %s", s->client, s->server);
      IotInsightItem *item;

      if (s->secret != NULL)
        item = insight_add_item (self, IOT_INSIGHT_SECURITY, "tls-decrypted", IOT_SEV_NOTE, subject,
          g_strdup_printf ("%s session %s decrypted with %s", proto, subject, s->secret),
          g_strdup_printf ("The secrets given for this capture open this session, so what it carries is analysed "
                           "like clear text. Whoever holds the same secret (%s) can read it too: keep key logs "
                           "and pre-shared keys as safe as the devices' private keys, and remove them from "
                           "captures before sharing them.", s->secret));
      else
        item = insight_add_item (self, IOT_INSIGHT_SECURITY, "tls-not-decrypted", IOT_SEV_NOTE, subject,
          g_strdup_printf ("%s session %s not decrypted: %s", proto, subject,
                           s->failure ? s->failure : "no protected record was captured"),
          g_strdup_printf ("Secrets were given for this capture, but none opens this session (%s), so its "
                           "content stays hidden from the analysis. A key log written by the client while the "
                           "session ran (SSLKEYLOGFILE), or for plain PSK suites the pre-shared key, makes it "
                           "readable.", s->failure ? s->failure : "no protected record was captured"));
      insight_item_add_frame (item, s->note_frame ? s->note_frame : s->first_frame);
    }
}

static void
finish_security (IotInsight *self)
{
  finish_decryption (self);
  g_autoptr (GPtrArray) keys = sorted_keys (self->lists[L_CLEARTEXT]);

  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->lists[L_CLEARTEXT], keys->pdata[i]);
      g_auto (GStrv) p = key_parts (keys->pdata[i]);
      g_autofree char *subject = g_strdup_printf ("%s → port %s", p[1], p[2]);
      IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_SECURITY, "cleartext", IOT_SEV_WARN, subject,
        g_strdup_printf ("%s in clear text: device %s, server port %s (%u frame%s)", p[0], p[1], p[2],
                         l->frames->len, l->frames->len == 1 ? "" : "s"),
        g_strdup_printf ("%s is not encrypted here, so anyone on the same network (Wi-Fi, a switch port, the "
                         "provider) can read every message and change it on the way. Use the TLS/DTLS version "
                         "instead (MQTT on port 8883, CoAP over DTLS on 5684, HTTPS), at least for traffic that "
                         "leaves the local network.", p[0]));
      for (guint k = 0; k < MIN (l->frames->len, 10u); k++)
        g_array_append_val (item->frames, g_array_index (l->frames, guint32, k));
    }
  g_ptr_array_unref (keys);
  keys = sorted_keys (self->lists[L_CREDENTIALS]);
  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->lists[L_CREDENTIALS], keys->pdata[i]);
      IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_SECURITY, "cleartext-credentials", IOT_SEV_ERROR,
                                               keys->pdata[i],
        g_strdup_printf ("Credentials in clear text: %s", (char *) keys->pdata[i]),
        g_strdup ("The user name and password travel unencrypted, so anybody who can capture this traffic, as we "
                  "just did, can copy them and log in as the device (they are masked in this report: first "
                  "character and length only). Send credentials only over TLS, and change this password."));
      insight_item_add_frames (item->frames, l->frames);
    }
  g_ptr_array_unref (keys);
  keys = sorted_keys (self->lists[L_TLS_VERSION]);
  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->lists[L_TLS_VERSION], keys->pdata[i]);
      g_auto (GStrv) p = key_parts (keys->pdata[i]);
      g_autofree char *subject = g_strdup_printf ("%s → %s", p[0], p[1]);
      IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_SECURITY, "weak-tls-version", IOT_SEV_ERROR, subject,
        g_strdup_printf ("%s with %s (%s)", subject, p[2], p[3]),
        g_strdup_printf ("%s is older than TLS 1.2. Old versions have known attacks and weak building blocks and "
                         "are switched off in current software, so this device or server should be updated; "
                         "until then its encryption cannot be trusted.", p[2]));
      insight_item_add_frames (item->frames, l->frames);
    }
  g_ptr_array_unref (keys);
  keys = sorted_keys (self->lists[L_WEAK_CIPHER]);
  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->lists[L_WEAK_CIPHER], keys->pdata[i]);
      g_auto (GStrv) p = key_parts (keys->pdata[i]);
      g_autofree char *subject = g_strdup_printf ("%s → %s", p[0], p[1]);
      g_autofree char *pair = g_strdup_printf ("%s\x1f%s", p[0], p[1]);
      FrameList *readable = g_hash_table_lookup (self->lists[L_READABLE], pair);
      g_autofree char *shown = NULL, *numbers = NULL;
      IotInsightItem *item;

      /* A NULL cipher leaves the payload readable: show where, and what. */
      if (readable != NULL)
        {
          numbers = frame_numbers_text (readable->frames, 10);
          shown = g_strdup_printf (" The application data of %s %s is readable in this capture: %s.",
                                   readable->frames->len == 1 ? "frame" : "frames", numbers, readable->label);
        }
      item = insight_add_item (self, IOT_INSIGHT_SECURITY, "weak-cipher", IOT_SEV_ERROR, subject,
        g_strdup_printf ("%s agreed on the weak cipher suite %s", subject, p[2]),
        g_strdup_printf ("The server chose a cipher suite that uses %s. Such a connection looks encrypted but can "
                         "be read or forged by an attacker with modest effort.%s Configure both sides to allow only "
                         "modern suites (AES-GCM or ChaCha20 with ECDHE).", p[3], shown ? shown : ""));
      insight_item_add_frames (item->frames, l->frames);
      if (readable != NULL)
        for (guint k = 0; k < MIN (readable->frames->len, 10u); k++)
          g_array_append_val (item->frames, g_array_index (readable->frames, guint32, k));
      insight_item_add_frames (item->frames, NULL);   /* in order */
    }
  g_ptr_array_unref (keys);
  keys = sorted_keys (self->lists[L_EXTERNAL]);
  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->lists[L_EXTERNAL], keys->pdata[i]);
      g_auto (GStrv) p = key_parts (keys->pdata[i]);
      g_autofree char *subject = g_strdup_printf ("%s ↔ %s", p[0], p[1]);
      IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_SECURITY, "external-peer", IOT_SEV_NOTE, subject,
        g_strdup_printf ("%s talks to the outside address %s (%u frame%s)", p[0], p[1], l->frames->len,
                         l->frames->len == 1 ? "" : "s"),
        g_strdup_printf ("%s is not a private, loopback, link-local or multicast address, so this traffic leaves "
                         "the local network. Check that the device is supposed to talk to it (a known cloud "
                         "service, an update server); unexpected outside peers can mean data leaking to a vendor "
                         "or a compromised device.", p[1]));
      for (guint k = 0; k < MIN (l->frames->len, 10u); k++)
        g_array_append_val (item->frames, g_array_index (l->frames, guint32, k));
    }
}

static int
cmp_items (gconstpointer a, gconstpointer b)
{
  const IotInsightItem *x = *(IotInsightItem *const *) a, *y = *(IotInsightItem *const *) b;
  guint32 fx = x->frames->len ? g_array_index (x->frames, guint32, 0) : 0;
  guint32 fy = y->frames->len ? g_array_index (y->frames, guint32, 0) : 0;

  if (x->kind != y->kind)
    return x->kind < y->kind ? -1 : 1;
  if (x->severity != y->severity)
    return x->severity > y->severity ? -1 : 1;
  return fx < fy ? -1 : fx > fy;
}

void
iot_insight_finish (IotInsight *self)
{
  if (self->finished)
    return;
  self->finished = TRUE;
  iot_readings_finish (self->readings);
  finish_mqtt (self);
  finish_sessions (self);
  finish_lists (self);
  insight_finish_causes (self);
  insight_finish_path (self);
  insight_finish_tls (self);
  insight_finish_vantage (self);
  insight_finish_network (self);
  insight_finish_coap (self);
  insight_finish_wpan (self);
  insight_finish_radio (self);
  insight_finish_wifi (self);
  insight_finish_sparkplug (self);
  finish_security (self);
  g_ptr_array_sort (self->items, cmp_items);
}

IotReadings *
iot_insight_readings (IotInsight *self)
{
  return self->readings;
}
