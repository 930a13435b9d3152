/* iot-insight.c — IoT insight in one pass: MQTT topic tree and sessions,
 * latencies, expert diagnoses in plain language, a security audit, and the
 * facts a baseline is made of.
 *
 * Each frame is dissected once with only the fields listed in field_names
 * (plus the expert rows every dissection keeps).  The walk over a frame's
 * rows fills a FrameFacts and add_frame() then updates the per-capture
 * tables (iot-insight-frame.c, MQTT in iot-insight-mqtt.c);
 * iot_insight_finish() turns the tables into findings
 * (iot-insight-finish.c).  This file keeps the fields, the tables and the
 * listener.  Reports, the baseline and the two-capture comparison live in
 * iot-insight-report.c.
 */
#include "iot-insight-tables.h"

#include <math.h>
#include <string.h>

#include "iot-endpoint-key.h"
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
};

void
insight_fields_init (InsightFields *f)
{
  for (guint i = 0; i < N_F; i++)
    f->f[i] = field_names[i] ? iot_registry_field (field_names[i]) : NULL;
}

/* Whether the insight reads field @i from a tap record (IotTapTcp,
 * IotTapMqtt, IotTapCoap, IotTapDns, IotTapLan, IotTapHttp, IotTapCert,
 * IotTapPayload) instead of the tree; iot-insight-frame.c. */
gboolean
insight_field_from_record (guint i)
{
  return (i >= F_TCP_STREAM && i <= F_TCP_DUP_ACK) || (i >= F_MQTT_TYPE && i <= F_MQTT_DUP_OF)
         || (i >= F_COAP_TYPE && i <= F_COAP_BLOCK_SIZE) || i == F_MQTT_UNACKED || i == F_IP_ID
         || (i >= F_DNS_RESPONSE && i <= F_DNS_QNAME) || (i >= F_NTP_MODE && i <= F_DHCP_XID)
         || (i >= F_HTTP_METHOD && i <= F_HTTP_URI) || i == F_X509_UTCTIME || i == F_X509_DNSNAME
         || i == F_UDP_PAYLOAD || (i >= F_TLS_HS_TYPE && i <= F_TLS_SV) || (i >= F_DTLS_HS_TYPE && i <= F_DTLS_SV)
         || i == F_TLS_ALERT_LEVEL || i == F_TLS_ALERT_DESC || i == F_TLS_SNI;
}

void
insight_fields_add (const InsightFields *f, IotFieldSet *wanted)
{
  /* The protocols' own rows stay: which layer a malformed frame broke in
   * is the last of them before the _ws.malformed row, and an ICMP row
   * marks the copy an error quotes.  They are one row per layer. */
  for (guint i = 0; i < N_F; i++)
    if (f->f[i] != NULL && !insight_field_from_record (i))
      iot_field_set_add (wanted, f->f[i]);
}

/* Which of our fields @field is, or -1. */
int
insight_field_index (const InsightFields *f, const IotField *field)
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

int
insight_cmp_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Topics by name (the elements are Topic pointers). */
int
insight_cmp_topics (gconstpointer a, gconstpointer b)
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
FrameList *
insight_frame_list_get (GHashTable *table, const char *key)
{
  FrameList *l = g_hash_table_lookup (table, key);

  if (l == NULL)
    {
      l = frame_list_new ();
      g_hash_table_insert (table, g_strdup (key), l);
    }
  return l;
}

void
insight_frame_list_add (FrameList *l, guint32 frame)
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

Profile *
insight_profile_get (GHashTable *table, const char *name)
{
  Profile *p = g_hash_table_lookup (table, name);

  if (p == NULL)
    {
      p = profile_new (name);
      g_hash_table_insert (table, p->name, p);
    }
  return p;
}

void
insight_profile_add (Profile *p, guint32 frame, gint64 rel_ns, double size, const char *peer, const char *type)
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

/* Appends a copy of @name to @list unless it holds it already; a long
 * list (the subscribers of a busy topic) gets a set of its names so that
 * the test does not walk it. */
void
insight_add_unique (IotInsight *self, GPtrArray *list, const char *name)
{
  GHashTable *set;
  char *copy;

  if (list->len < 8)
    {
      for (guint i = 0; i < list->len; i++)
        if (strcmp (g_ptr_array_index (list, i), name) == 0)
          return;
      g_ptr_array_add (list, g_strdup (name));
      return;
    }
  set = g_hash_table_lookup (self->name_sets, list);
  if (set == NULL)
    {
      set = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < list->len; i++)
        g_hash_table_add (set, g_ptr_array_index (list, i));
      g_hash_table_insert (self->name_sets, list, set);
    }
  if (g_hash_table_contains (set, name))
    return;
  copy = g_strdup (name);
  g_ptr_array_add (list, copy);
  g_hash_table_add (set, copy);
}

Topic *
insight_topic_get (IotInsight *self, const char *name)
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

Series *
insight_series_get (IotInsight *self, const char *publisher, const char *topic)
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
  g_free (st->client_endpoint);
  g_free (st);
}

static void
open_publishes_free (gpointer data)
{
  OpenPublishes *open = data;

  g_clear_pointer (&open->more, g_array_unref);
  g_free (open);
}

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

DeviceName *
insight_device_name (IotInsight *self, const IotAddress *addr)
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

/* insight_endpoint_text, formatted once per endpoint: the CoAP rules name
 * both ends of every message.  The text lives as long as the insight. */
const char *
insight_endpoint_name (IotInsight *self, const IotAddress *addr, guint16 port)
{
  IotEndpointKey key;
  char *text;

  iot_endpoint_key_init (&key, addr, port);
  text = g_hash_table_lookup (self->endpoint_names, &key);
  if (text == NULL)
    {
      text = insight_endpoint_text (addr, port);
      g_hash_table_insert (self->endpoint_names, g_memdup2 (&key, sizeof key), text);
    }
  return text;
}

static guint
cleartext_key_hash (gconstpointer key)
{
  const CleartextKey *k = key;

  return address_hash (&k->device) * 31u + k->port * 4u + k->proto;
}

static gboolean
cleartext_key_equal (gconstpointer a, gconstpointer b)
{
  const CleartextKey *x = a, *y = b;

  return x->proto == y->proto && x->port == y->port && address_equal (&x->device, &y->device);
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
  self->endpoint_names = g_hash_table_new_full (iot_endpoint_key_hash, iot_endpoint_key_equal, g_free, g_free);
  self->scratch_mqtt = g_array_new (FALSE, FALSE, sizeof (MqttMsg));
  self->scratch_hs = g_array_new (FALSE, FALSE, sizeof (TlsHs));
  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, profile_free);
  self->topic_profiles = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, profile_free);
  for (guint i = 0; i < N_LISTS; i++)
    self->lists[i] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, frame_list_free);
  self->coap_cons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, frame_list_free);
  self->cleartext_lists = g_hash_table_new_full (cleartext_key_hash, cleartext_key_equal, g_free, NULL);
  self->name_sets = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) g_hash_table_unref);
  self->first_ns = -1;
  self->keep = IOT_INSIGHT_KEEP_ALL;
  insight_causes_init (self);
  insight_tls_init (self);
  insight_network_init (self);
  insight_coap_init (self);
  self->first_seen_resent = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->open_publishes = g_hash_table_new_full (g_int64_hash, g_int64_equal, open_publishes_free, NULL);
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
  g_hash_table_unref (self->open_publishes);
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
  g_hash_table_unref (self->endpoint_names);
  g_array_unref (self->scratch_mqtt);
  g_array_unref (self->scratch_hs);
  g_hash_table_unref (self->clients);
  g_hash_table_unref (self->topic_profiles);
  for (guint i = 0; i < N_LISTS; i++)
    g_hash_table_unref (self->lists[i]);
  g_hash_table_unref (self->coap_cons);
  g_hash_table_unref (self->cleartext_lists);
  g_hash_table_unref (self->name_sets);
  g_free (self->capture_name);
  g_free (self);
}

void
iot_insight_add_wanted (IotInsight *self, IotFieldSet *wanted)
{
  insight_fields_add (&self->f, wanted);
}


static void
listener_add_wanted (gpointer self, IotFieldSet *wanted, IotDissectFlags *flags)
{
  IotInsight *insight = self;

  iot_insight_add_wanted (insight, wanted);
  insight_radio_add_taps (flags);
  insight_sparkplug_add_taps (flags);
  *flags |= IOT_DISSECT_TAP (IOT_TAP_TCP) | IOT_DISSECT_TAP (IOT_TAP_MQTT) | IOT_DISSECT_TAP (IOT_TAP_COAP);
  *flags |= IOT_DISSECT_TAP (IOT_TAP_DNS) | IOT_DISSECT_TAP (IOT_TAP_LAN);
  *flags |= IOT_DISSECT_TAP (IOT_TAP_HTTP) | IOT_DISSECT_TAP (IOT_TAP_CERT) | IOT_DISSECT_TAP (IOT_TAP_PAYLOAD)
            | IOT_DISSECT_TAP (IOT_TAP_TLS);
  iot_tls_sessions_add_wanted (insight->tls_sessions, wanted, flags);
  if (insight->keep & IOT_INSIGHT_KEEP_READINGS)
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

/* Every field the insight reads is known in the first pass: what only
 * later frames tell (mqtt.publish.unacknowledged, a CoAP request's
 * response) comes from records, or is asked at the end
 * (insight_mqtt_resolve_unacked). */
const IotScanListener iot_insight_listener = {
  .add_wanted = listener_add_wanted,
  .frame = listener_frame,
  .finish = listener_finish,
  .fields_in_first_pass = TRUE,
};

void
iot_insight_set_keep (IotInsight *self, IotInsightKeep keep)
{
  self->keep = keep;
}

void
iot_insight_set_engine (IotInsight *self, IotEngine *engine)
{
  self->engine = engine;
}

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
  iot_insight_set_engine (self, engine);
  iot_scan_add_listener (scan, &iot_insight_listener, self, NULL);
  if (!iot_scan_run (scan, cancellable, NULL, NULL, error))
    return NULL;
  return g_steal_pointer (&self);
}

