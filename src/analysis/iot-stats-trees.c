/* iot-stats-trees.c — tshark's counting trees (-z http,tree, http_req,tree,
 * ptype,tree, ip_hosts,tree) and our mqtt,tree.
 *
 * A tree is rows of counters: a frame (or a message within it) "ticks"
 * the rows it belongs to.  Printed like tshark's stats_tree text: the
 * top rows in the order they were made, the rows below each one by count,
 * most first, ties by name in reverse byte order.
 */
#include "iot-stats-trees.h"
#include "iot-stats-private.h"
#include "iot-tap.h"

#include <stdio.h>
#include <string.h>

typedef struct _TreeRow TreeRow;

struct _TreeRow {
  char       *name;
  guint64     count;
  /* Rows that average a value (dns,tree's sizes and times). */
  gboolean    has_values;
  gboolean    float_values;   /* min and max printed with 6 decimals */
  double      total, min, max;
  IotBurst    burst;
  GPtrArray  *children;       /* TreeRow, in the order made */
  GHashTable *by_name;
};

typedef struct {
  const IotField *ip, *ip_src, *ip_dst, *tcp, *udp;
  const IotField *mqtt, *mqtt_msgtype, *mqtt_topic;
} TreeFields;

struct _IotStatsTree {
  IotStatsTreeKind kind;
  const char      *title;
  GPtrArray       *tops;          /* TreeRow, in the order made */
  double           start_ms;      /* the first frame counted; < 0 before it */
  double           elapsed_ms;
  TreeFields       f;
};

static const struct {
  const char      *name;
  IotStatsTreeKind kind;
} tree_specs[] = {
  { "http,tree", IOT_STATS_TREE_HTTP },
  { "http_req,tree", IOT_STATS_TREE_HTTP_REQ },
  { "ptype,tree", IOT_STATS_TREE_PTYPE },
  { "ip_hosts,tree", IOT_STATS_TREE_IP_HOSTS },
  { "dns,tree", IOT_STATS_TREE_DNS },
  { "mqtt,tree", IOT_STATS_TREE_MQTT },
};

const char *
iot_stats_tree_parse_spec (const char *spec, IotStatsTreeKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (tree_specs); i++)
    {
      gsize len = strlen (tree_specs[i].name);

      if (strncmp (spec, tree_specs[i].name, len) != 0 || (spec[len] != '\0' && spec[len] != ','))
        continue;
      if (kind != NULL)
        *kind = tree_specs[i].kind;
      return spec[len] == ',' ? spec + len + 1 : spec + len;
    }
  return NULL;
}

const char *const *
iot_stats_tree_names (void)
{
  static const char *names[G_N_ELEMENTS (tree_specs) + 1];

  for (guint i = 0; i < G_N_ELEMENTS (tree_specs); i++)
    names[i] = tree_specs[i].name;
  return names;
}

/* ---- rows ---------------------------------------------------------------------- */

static void
row_free (gpointer data)
{
  TreeRow *row = data;

  g_free (row->name);
  g_queue_clear_full (&row->burst.steps, g_free);
  g_ptr_array_unref (row->children);
  g_hash_table_unref (row->by_name);
  g_free (row);
}

static TreeRow *
row_new (const char *name)
{
  TreeRow *row = g_new0 (TreeRow, 1);

  row->name = g_strdup (name);
  iot_burst_init (&row->burst);
  row->children = g_ptr_array_new_with_free_func (row_free);
  row->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  return row;
}

/* The row @name below @parent (NULL: at the top), made when new. */
static TreeRow *
tree_row (IotStatsTree *tree, TreeRow *parent, const char *name)
{
  GPtrArray *list = parent ? parent->children : tree->tops;
  TreeRow *row;

  if (parent != NULL && (row = g_hash_table_lookup (parent->by_name, name)) != NULL)
    return row;
  if (parent == NULL)
    for (guint i = 0; i < list->len; i++)
      if (strcmp (((TreeRow *) g_ptr_array_index (list, i))->name, name) == 0)
        return g_ptr_array_index (list, i);
  row = row_new (name);
  g_ptr_array_add (list, row);
  if (parent != NULL)
    g_hash_table_insert (parent->by_name, row->name, row);
  return row;
}

static void
row_tick (TreeRow *row, double now_ms)
{
  row->count++;
  iot_burst_add (&row->burst, now_ms);
}

/* Ticks the row @name below @parent and returns it. */
static TreeRow *
tick (IotStatsTree *tree, TreeRow *parent, const char *name, double now_ms)
{
  TreeRow *row = tree_row (tree, parent, name);

  row_tick (row, now_ms);
  return row;
}

/* Counts one value in a row that averages them. */
static void
row_add_value (TreeRow *row, double value, double now_ms)
{
  if (row->count == 0 || value < row->min)
    row->min = value;
  if (row->count == 0 || value > row->max)
    row->max = value;
  row->total += value;
  row_tick (row, now_ms);
}

/* ---- the trees' rows made before the first frame ----------------------------------- */

static const char http_total[] = "Total HTTP Packets";
static const char http_requests[] = "HTTP Request Packets";
static const char http_responses[] = "HTTP Response Packets";
static const char http_other[] = "Other HTTP Packets";
static const char http_broken[] = "???: broken";
static const char *const http_classes[] = {
  "1xx: Informational", "2xx: Success", "3xx: Redirection", "4xx: Client Error", "5xx: Server Error",
};

static void
make_http_rows (IotStatsTree *tree)
{
  TreeRow *total = tree_row (tree, NULL, http_total);
  TreeRow *responses;

  tree_row (tree, total, http_requests);
  responses = tree_row (tree, total, http_responses);
  tree_row (tree, responses, http_broken);
  for (guint i = 0; i < G_N_ELEMENTS (http_classes); i++)
    tree_row (tree, responses, http_classes[i]);
  tree_row (tree, total, http_other);
}

/* dns,tree: rows in the order tshark makes them (the top rows print so). */
static const char dns_total[] = "Total Packets";
static const char dns_payload[] = "Payload size";
static const char dns_queries_row[] = "Query Stats";
static const char dns_responses_row[] = "Response Stats";
static const char dns_service_row[] = "Service Stats";
static const char *const dns_levels[] = { "1st Level", "2nd Level", "3rd Level", "4th Level or more" };

static void
make_dns_rows (IotStatsTree *tree)
{
  TreeRow *total = tree_row (tree, NULL, dns_total);
  TreeRow *queries, *labels, *responses, *service;

  tree_row (tree, total, "rcode");
  tree_row (tree, total, "opcodes");
  tree_row (tree, total, "Query/Response");
  tree_row (tree, total, "Query Type");
  tree_row (tree, total, "Class");
  tree_row (tree, NULL, dns_payload)->has_values = TRUE;
  queries = tree_row (tree, NULL, dns_queries_row);
  tree_row (tree, queries, "Qname Len")->has_values = TRUE;
  labels = tree_row (tree, queries, "Label Stats");
  for (guint i = 0; i < G_N_ELEMENTS (dns_levels); i++)
    tree_row (tree, labels, dns_levels[i]);
  responses = tree_row (tree, NULL, dns_responses_row);
  tree_row (tree, responses, "no. of questions")->has_values = TRUE;
  tree_row (tree, responses, "no. of authorities")->has_values = TRUE;
  tree_row (tree, responses, "no. of answers")->has_values = TRUE;
  tree_row (tree, responses, "no. of additionals")->has_values = TRUE;
  service = tree_row (tree, NULL, dns_service_row);
  {
    TreeRow *rrt = tree_row (tree, service, "request-response time (msec)");

    rrt->has_values = TRUE;
    rrt->float_values = TRUE;
  }
  tree_row (tree, service, "no. of unsolicited responses");
  tree_row (tree, service, "no. of retransmissions");
}

static void
lookup_fields (TreeFields *f)
{
  f->ip = iot_registry_field ("ip");
  f->ip_src = iot_registry_field ("ip.src");
  f->ip_dst = iot_registry_field ("ip.dst");
  f->tcp = iot_registry_field ("tcp");
  f->udp = iot_registry_field ("udp");
  f->mqtt = iot_registry_field ("mqtt");
  f->mqtt_msgtype = iot_registry_field ("mqtt.msgtype");
  f->mqtt_topic = iot_registry_field ("mqtt.topic");
}

IotStatsTree *
iot_stats_tree_new (IotStatsTreeKind kind)
{
  IotStatsTree *tree = g_new0 (IotStatsTree, 1);

  tree->kind = kind;
  tree->tops = g_ptr_array_new_with_free_func (row_free);
  tree->start_ms = -1.0;
  lookup_fields (&tree->f);
  switch (kind)
    {
    case IOT_STATS_TREE_HTTP:
      tree->title = "HTTP/Packet Counter";
      make_http_rows (tree);
      break;
    case IOT_STATS_TREE_HTTP_REQ:
      tree->title = "HTTP/Requests";
      tree_row (tree, NULL, "HTTP Requests by HTTP Host");
      break;
    case IOT_STATS_TREE_PTYPE:
      tree->title = "IPv4 Statistics/IP Protocol Types";
      tree_row (tree, NULL, "IP Protocol Types");
      break;
    case IOT_STATS_TREE_IP_HOSTS:
      tree->title = "IPv4 Statistics/All Addresses";
      tree_row (tree, NULL, "All Addresses");
      break;
    case IOT_STATS_TREE_DNS:
      tree->title = "DNS";
      make_dns_rows (tree);
      break;
    case IOT_STATS_TREE_MQTT:
      tree->title = "MQTT/Messages";
      tree_row (tree, NULL, "MQTT Messages");
      break;
    }
  return tree;
}

void
iot_stats_tree_free (IotStatsTree *tree)
{
  if (tree == NULL)
    return;
  g_ptr_array_unref (tree->tops);
  g_free (tree);
}

void
iot_stats_tree_add_wanted (IotStatsTree *tree, IotFieldSet *wanted, IotDissectFlags *flags)
{
  const IotField *const *fields = (const IotField *const *) &tree->f;

  /* Each DNS message (not multicast DNS) is a record. */
  if (tree->kind == IOT_STATS_TREE_DNS)
    {
      *flags |= IOT_DISSECT_TAP (IOT_TAP_DNS);
      return;
    }
  /* Each HTTP message or continuation has its record. */
  if (tree->kind == IOT_STATS_TREE_HTTP || tree->kind == IOT_STATS_TREE_HTTP_REQ)
    {
      *flags |= IOT_DISSECT_TAP (IOT_TAP_HTTP);
      return;
    }
  /* Each top-level mqtt row is a message; its record has the rest. */
  if (tree->kind == IOT_STATS_TREE_MQTT)
    {
      *flags |= IOT_DISSECT_TAP (IOT_TAP_PROTO) | IOT_DISSECT_TAP (IOT_TAP_MQTT);
      return;
    }
  /* Each top-level ip row, with its addresses from its conversation
   * record; the port type from the layers named in frame.protocols (a
   * quoted header inside an ICMP error is no row of its own). */
  if (tree->kind == IOT_STATS_TREE_IP_HOSTS || tree->kind == IOT_STATS_TREE_PTYPE)
    {
      *flags |= IOT_DISSECT_TAP (IOT_TAP_PROTO) | IOT_DISSECT_TAP (IOT_TAP_CONV);
      if (tree->kind == IOT_STATS_TREE_PTYPE)
        iot_field_set_add (wanted, iot_registry_field ("frame.protocols"));
      return;
    }
  /* The others read fields inside their layer, and only the frame's own
   * layers (not the packet an ICMP error quotes). */
  *flags |= IOT_DISSECT_TREE;

  /* Every field the tree reads: the struct holds only field pointers. */
  iot_field_set_add_each (wanted, fields, sizeof tree->f / sizeof (const IotField *));
}

/* ---- counting ------------------------------------------------------------------------ */

/* The first node of @field inside the layer at @layer (its descendants
 * follow it: nodes are added in order). */
static const IotNode *
layer_find (const IotNode *nodes, guint n, guint layer, const IotField *field)
{
  for (guint j = layer + 1; j < n && nodes[j].parent >= (gint32) layer; j++)
    if (nodes[j].field == field && field != NULL)
      return &nodes[j];
  return NULL;
}

/* tshark ticks a response's class, then its code with the standard
 * phrase (not the one the server sent). */
static void
count_http_response (IotStatsTree *tree, TreeRow *total, guint code, const char *phrase, double now_ms)
{
  TreeRow *responses = tick (tree, total, http_responses, now_ms);
  g_autofree char *name = NULL;
  const char *class_name;

  if (code < 100 || code >= 600)
    class_name = http_broken;
  else
    class_name = http_classes[code / 100 - 1];
  /* A code without a standard meaning is "Unknown (CODE)" in tshark. */
  if (phrase != NULL && strcmp (phrase, "Unknown") == 0)
    phrase = NULL;
  name = phrase ? g_strdup_printf ("%u %s", code, phrase) : g_strdup_printf ("%u Unknown (%u)", code, code);
  tick (tree, tick (tree, responses, class_name, now_ms), name, now_ms);
}

/* One HTTP message (a continuation has no method and no code), as
 * tshark's HTTP tap counts it. */
static void
count_http (IotStatsTree *tree, const IotTapHttp *rec, double now_ms)
{
  if (tree->kind == IOT_STATS_TREE_HTTP_REQ)
    {
      TreeRow *by_host;

      if (rec->method == NULL)
        return;
      by_host = tick (tree, NULL, "HTTP Requests by HTTP Host", now_ms);
      if (rec->host != NULL)
        {
          TreeRow *host_row = tick (tree, by_host, rec->host, now_ms);

          if (rec->uri != NULL)
            tick (tree, host_row, rec->uri, now_ms);
        }
      return;
    }

  {
    TreeRow *total = tick (tree, NULL, http_total, now_ms);

    /* A status code of 000 counts as neither a response nor a request. */
    if (!rec->request && !rec->continuation && rec->code != 0)
      count_http_response (tree, total, rec->code, rec->code_desc, now_ms);
    else if (rec->method != NULL)
      tick (tree, tick (tree, total, http_requests, now_ms), rec->method, now_ms);
    else
      tick (tree, total, http_other, now_ms);
  }
}

/* The frame's messages from their records, no tree: those of its own
 * traffic, not one an ICMP error quotes nor one inside another item. */
static gboolean
count_http_records (IotStatsTree *tree, IotPacket *pkt, double now_ms)
{
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_HTTP, &n);
  gboolean counted = FALSE;

  for (guint i = 0; i < n; i++)
    {
      const IotTapHttp *rec = records[i];

      if (rec->in_error || rec->nested)
        continue;
      count_http (tree, rec, now_ms);
      counted = TRUE;
    }
  return counted;
}

/* ptype,tree: the transport the frame ended in, as tshark's port type
 * after the whole frame (a quoted UDP header inside an ICMP error
 * counts). */
static const char *
frame_port_type (IotStatsTree *tree, const IotNode *nodes, guint n)
{
  const char *type = "NONE";

  for (guint i = 0; i < n; i++)
    if (nodes[i].field == tree->f.tcp)
      type = "TCP";
    else if (nodes[i].field == tree->f.udp)
      type = "UDP";
  return type;
}

static void
count_ipv4 (IotStatsTree *tree, const IotNode *nodes, guint n, guint layer, double now_ms)
{
  const IotNode *src = layer_find (nodes, n, layer, tree->f.ip_src);
  const IotNode *dst = layer_find (nodes, n, layer, tree->f.ip_dst);
  TreeRow *top;
  char text[16];   /* "255.255.255.255" */

  if (tree->kind == IOT_STATS_TREE_PTYPE)
    {
      tick (tree, tick (tree, NULL, "IP Protocol Types", now_ms), frame_port_type (tree, nodes, n), now_ms);
      return;
    }
  top = tick (tree, NULL, "All Addresses", now_ms);
  for (guint k = 0; k < 2; k++)
    {
      const IotNode *addr = k == 0 ? src : dst;

      if (addr == NULL || addr->v.p == NULL)
        continue;
      g_snprintf (text, sizeof text, "%u.%u.%u.%u", addr->v.p[0], addr->v.p[1], addr->v.p[2], addr->v.p[3]);
      tick (tree, top, text, now_ms);
    }
}

/* ptype,tree's port type from the layers the frame entered: the last
 * TCP or UDP, quoted ones included. */
static const char *
protocols_port_type (IotPacket *pkt)
{
  const char *type = "NONE";
  const char *p = iot_packet_protocols (pkt);

  while (*p != '\0')
    {
      gsize len = strcspn (p, ":");

      if (len == 3 && strncmp (p, "tcp", 3) == 0)
        type = "TCP";
      else if (len == 3 && strncmp (p, "udp", 3) == 0)
        type = "UDP";
      p += len;
      if (*p == ':')
        p++;
    }
  return type;
}

/* ptype,tree and ip_hosts,tree from the records: each top-level ip row,
 * with the addresses of the IPv4 conversation record made at its depth
 * (none when the header ended before them). */
static gboolean
count_ipv4_records (IotStatsTree *tree, IotPacket *pkt, double now_ms)
{
  guint n_rows, n_convs;
  gconstpointer const *rows = iot_packet_tap_records (pkt, IOT_TAP_PROTO, &n_rows);
  gconstpointer const *convs = iot_packet_tap_records (pkt, IOT_TAP_CONV, &n_convs);
  const char *port_type = NULL;
  gboolean counted = FALSE;

  for (guint i = 0; i < n_rows; i++)
    {
      const IotTapProto *row = rows[i];
      TreeRow *top;

      if (row->field != tree->f.ip)
        continue;
      counted = TRUE;
      if (tree->kind == IOT_STATS_TREE_PTYPE)
        {
          if (port_type == NULL)
            port_type = protocols_port_type (pkt);
          tick (tree, tick (tree, NULL, "IP Protocol Types", now_ms), port_type, now_ms);
          continue;
        }
      top = tick (tree, NULL, "All Addresses", now_ms);
      for (guint k = 0; k < n_convs; k++)
        {
          const IotTapConv *conv = convs[k];
          char text[16];   /* "255.255.255.255" */

          if (conv->layer != IOT_TAP_LAYER_IPV4 || conv->depth != row->depth)
            continue;
          for (guint a = 0; a < 2; a++)
            {
              const guint8 *b = a == 0 ? conv->src.bytes : conv->dst.bytes;

              g_snprintf (text, sizeof text, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
              tick (tree, top, text, now_ms);
            }
          break;
        }
    }
  return counted;
}

/* The MQTT record of the message whose row is @row (its first byte), or
 * NULL: a message that ended early publishes none. */
static const IotTapMqtt *
mqtt_record_of (IotPacket *pkt, const IotTapProto *row, const guint8 **first)
{
  const IotDataSource *source = iot_packet_source (pkt, row->source);
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_MQTT, &n);

  *first = source != NULL && row->offset < source->length ? source->data + row->offset : NULL;
  for (guint i = 0; i < n && *first != NULL; i++)
    if (((const IotTapMqtt *) records[i])->source == *first)
      return records[i];
  return NULL;
}

/* mqtt,tree: every message (top-level mqtt row) by its type; PUBLISH,
 * SUBSCRIBE and UNSUBSCRIBE by topic below their type. */
static void
count_mqtt (IotStatsTree *tree, IotPacket *pkt, const IotTapProto *row, double now_ms)
{
  const guint8 *first;
  const IotTapMqtt *rec = mqtt_record_of (pkt, row, &first);
  TreeRow *top = tick (tree, NULL, "MQTT Messages", now_ms);
  guint type = rec != NULL ? rec->type : first != NULL ? *first >> 4 : G_MAXUINT;
  const char *type_name;
  TreeRow *type_row;
  g_autofree char *unknown = NULL;

  /* Not even the fixed header's first byte: no type. */
  if (type == G_MAXUINT)
    return;
  type_name = iot_value_name (tree->f.mqtt_msgtype->vals, type);
  if (type_name == NULL)
    type_name = unknown = g_strdup_printf ("Unknown (%u)", type);
  type_row = tick (tree, top, type_name, now_ms);
  for (guint i = 0; rec != NULL && i < rec->n_topics; i++)
    tick (tree, type_row, rec->topics[i], now_ms);
}

/* The frame's messages, from the records: no tree. */
static gboolean
count_mqtt_records (IotStatsTree *tree, IotPacket *pkt, double now_ms)
{
  guint n;
  gconstpointer const *rows = iot_packet_tap_records (pkt, IOT_TAP_PROTO, &n);
  gboolean counted = FALSE;

  for (guint i = 0; i < n; i++)
    if (((const IotTapProto *) rows[i])->field == tree->f.mqtt)
      {
        count_mqtt (tree, pkt, rows[i], now_ms);
        counted = TRUE;
      }
  return counted;
}

/* tshark's descriptions of the query types, rcodes and opcodes the tree
 * names its rows by. */
static const IotValueName dns_type_descriptions[] = {
  { 1, "A (Host Address)" }, { 2, "NS (authoritative Name Server)" }, { 5, "CNAME (Canonical NAME for an alias)" },
  { 6, "SOA (Start Of a zone of Authority)" }, { 12, "PTR (domain name PoinTeR)" },
  { 13, "HINFO (host information)" }, { 15, "MX (Mail eXchange)" }, { 16, "TXT (Text strings)" },
  { 28, "AAAA (IPv6 Address)" }, { 33, "SRV (Server Selection)" }, { 41, "OPT" },
  { 43, "DS (Delegation Signer)" }, { 46, "RRSIG (Resource Record Signature)" }, { 47, "NSEC (Next Secure)" },
  { 48, "DNSKEY (DNS Public Key)" }, { 64, "SVCB (General Purpose Service Endpoints)" },
  { 65, "HTTPS (HTTPS Specific Service Endpoints)" }, { 251, "IXFR (incremental transfer)" },
  { 252, "AXFR (transfer of an entire zone)" }, { 255, "* (A request for all records the server/cache has available)" },
  { 257, "CAA (Certification Authority Restriction)" },
  IOT_VALUE_NAMES_END
};

static const IotValueName dns_rcodes[] = {
  { 0, "No error" }, { 1, "Format error" }, { 2, "Server failure" }, { 3, "No such name" },
  { 4, "Not implemented" }, { 5, "Refused" }, { 6, "Name exists" }, { 7, "RRset exists" },
  { 8, "RRset does not exist" }, { 9, "Not authoritative" }, { 10, "Name out of zone" },
  IOT_VALUE_NAMES_END
};

static const IotValueName dns_opcodes[] = {
  { 0, "Standard query" }, { 1, "Inverse query" }, { 2, "Server status request" },
  { 4, "Zone change notification" }, { 5, "Dynamic update" }, { 6, "DNS Stateful operations (DSO)" },
  IOT_VALUE_NAMES_END
};

static const IotValueName dns_classes[] = {
  { 1, "IN" }, { 2, "CS" }, { 3, "CH" }, { 4, "HS" }, { 254, "NONE" }, { 255, "ANY" },
  IOT_VALUE_NAMES_END
};

/* A pivot: the row @pivot_name below @total and, below it, the value's
 * name both count the message. */
static void
tick_named (IotStatsTree *tree, TreeRow *total, const char *pivot_name, const IotValueName *names, guint64 value,
            const char *unknown, double now_ms)
{
  const char *name = iot_value_name (names, value);
  g_autofree char *fallback = name ? NULL : g_strdup_printf ("%s (%d)", unknown, (int) value);

  tick (tree, tick (tree, total, pivot_name, now_ms), name ? name : fallback, now_ms);
}

/* One DNS message, as tshark's DNS tap counts it; a value the message
 * did not get to (cut short) counts as 0, as its missing row did. */
static void
count_dns (IotStatsTree *tree, const IotTapDns *rec, double now_ms)
{
  TreeRow *total = tick (tree, NULL, dns_total, now_ms);
  static const char *const count_rows[4] = {
    "no. of questions", "no. of answers", "no. of authorities", "no. of additionals",
  };
  /* tshark's rows below Response Stats: questions, authorities, answers, additionals. */
  static const guint count_order[4] = { 0, 2, 1, 3 };

  tick (tree, tick (tree, total, "Query/Response", now_ms), rec->response ? "Response" : "Query", now_ms);
  tick_named (tree, total, "opcodes", dns_opcodes, rec->opcode, "Unknown opcode", now_ms);
  tick_named (tree, total, "rcode", dns_rcodes, rec->rcode >= 0 ? (guint64) rec->rcode : 0, "Unknown rcode",
              now_ms);
  tick_named (tree, total, "Query Type", dns_type_descriptions, rec->qtype, "Unknown packet type", now_ms);
  tick_named (tree, total, "Class", dns_classes, rec->qclass, "Unknown class", now_ms);
  row_add_value (tree_row (tree, NULL, dns_payload), (double) rec->length, now_ms);
  if (!rec->response)
    {
      TreeRow *queries = tree_row (tree, NULL, dns_queries_row);

      row_add_value (tree_row (tree, queries, "Qname Len"), (double) rec->qname_len, now_ms);
      if (rec->qlabels >= 1)
        tick (tree, tree_row (tree, queries, "Label Stats"), dns_levels[MIN (rec->qlabels, 4) - 1], now_ms);
    }
  {
    TreeRow *responses = tree_row (tree, NULL, dns_responses_row);

    for (guint k = 0; k < 4; k++)
      row_add_value (tree_row (tree, responses, count_rows[count_order[k]]),
                     (double) rec->counts[count_order[k]], now_ms);
  }
  if (rec->response)
    {
      TreeRow *service = tree_row (tree, NULL, dns_service_row);

      if (rec->unsolicited)
        tick (tree, service, "no. of unsolicited responses", now_ms);
      else if (rec->retransmission)
        tick (tree, service, "no. of retransmissions", now_ms);
      else if (rec->time_ns >= 0)
        row_add_value (tree_row (tree, service, "request-response time (msec)"),
                       (double) (float) ((double) rec->time_ns / 1e6), now_ms);
    }
}

/* The frame's DNS messages, from the records: no tree.  A copy an ICMP
 * error quotes counts too, as its dns row did (tshark leaves it out). */
static gboolean
count_dns_records (IotStatsTree *tree, IotPacket *pkt, double now_ms)
{
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_DNS, &n);
  gboolean counted = FALSE;

  for (guint i = 0; i < n; i++)
    {
      const IotTapDns *rec = records[i];

      /* As tshark: a copy an ICMP error quotes is not a message of its own. */
      if (rec->mdns || rec->in_error)
        continue;
      count_dns (tree, rec, now_ms);
      counted = TRUE;
    }
  return counted;
}

void
iot_stats_tree_add_packet (IotStatsTree *tree, IotPacket *pkt, gint64 rel_ns)
{
  const IotNode *nodes = iot_packet_nodes (pkt);
  guint n = iot_packet_n_nodes (pkt);
  double now_ms = iot_stats_ns_to_ms (rel_ns);
  gboolean counted = FALSE;

  gboolean from_records = tree->kind == IOT_STATS_TREE_MQTT || tree->kind == IOT_STATS_TREE_PTYPE
                          || tree->kind == IOT_STATS_TREE_IP_HOSTS || tree->kind == IOT_STATS_TREE_DNS
                          || tree->kind == IOT_STATS_TREE_HTTP || tree->kind == IOT_STATS_TREE_HTTP_REQ;

  if (tree->kind == IOT_STATS_TREE_MQTT)
    counted = count_mqtt_records (tree, pkt, now_ms);
  else if (tree->kind == IOT_STATS_TREE_DNS)
    counted = count_dns_records (tree, pkt, now_ms);
  else if (tree->kind == IOT_STATS_TREE_HTTP || tree->kind == IOT_STATS_TREE_HTTP_REQ)
    counted = count_http_records (tree, pkt, now_ms);
  else if (from_records)
    counted = count_ipv4_records (tree, pkt, now_ms);
  for (guint i = 0; i < n && !from_records; i++)
    {
      const IotField *field = nodes[i].field;

      if (nodes[i].parent >= 0 || field == NULL)
        continue;
      if (field == tree->f.ip
               && (tree->kind == IOT_STATS_TREE_PTYPE || tree->kind == IOT_STATS_TREE_IP_HOSTS))
        count_ipv4 (tree, nodes, n, i, now_ms);
      else
        continue;
      counted = TRUE;
    }
  /* tshark's clock for the rate column runs from the first frame its tap
   * saw to the latest one. */
  if (counted)
    {
      if (tree->start_ms < 0.0)
        tree->start_ms = now_ms;
      tree->elapsed_ms = now_ms - tree->start_ms;
    }
}

guint64
iot_stats_tree_count (IotStatsTree *tree, const char *const *path)
{
  TreeRow *row = NULL;

  for (guint i = 0; path[i] != NULL; i++)
    {
      GPtrArray *list = row ? row->children : tree->tops;
      TreeRow *next = NULL;

      for (guint k = 0; k < list->len && next == NULL; k++)
        if (strcmp (((TreeRow *) g_ptr_array_index (list, k))->name, path[i]) == 0)
          next = g_ptr_array_index (list, k);
      if (next == NULL)
        return 0;
      row = next;
    }
  return row ? row->count : 0;
}

/* ---- printing ------------------------------------------------------------------------ */

static gint
compare_rows (gconstpointer pa, gconstpointer pb)
{
  const TreeRow *a = *(const TreeRow *const *) pa;
  const TreeRow *b = *(const TreeRow *const *) pb;

  if (a->count != b->count)
    return a->count > b->count ? -1 : 1;
  return -strcmp (a->name, b->name);
}

static int
name_width (GPtrArray *rows, guint indent)
{
  int width = 0;

  for (guint i = 0; i < rows->len; i++)
    {
      TreeRow *row = g_ptr_array_index (rows, i);

      width = MAX (width, (int) (indent + strlen (row->name) + 1));
      width = MAX (width, name_width (row->children, indent + 1));
    }
  return width;
}

/* @parent_count: the count of the row above, or -1 for a top row. */
static void
print_row (IotStatsTree *tree, const TreeRow *row, guint indent, int width, gint64 parent_count, GString *out)
{
  g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, row->count);
  g_autofree char *rate = NULL, *percent = NULL, *burst = NULL, *burst_start = NULL;
  g_autofree char *average = NULL, *min = NULL, *max = NULL;
  const char *cells[TREE_N_COLUMNS + 1];
  g_autoptr (GPtrArray) sorted = g_ptr_array_copy (row->children, NULL, NULL);

  if (row->has_values && row->count > 0)
    {
      /* tshark averages in single precision. */
      average = g_strdup_printf ("%.2f", (double) (float) (row->total / (double) row->count));
      min = row->float_values ? g_strdup_printf ("%f", row->min) : g_strdup_printf ("%.0f", row->min);
      max = row->float_values ? g_strdup_printf ("%f", row->max) : g_strdup_printf ("%.0f", row->max);
    }
  if (tree->elapsed_ms != 0.0)
    rate = g_strdup_printf ("%.4f", (double) (float) row->count / tree->elapsed_ms);
  if (parent_count < 0)
    percent = g_strdup ("100%");
  else if (parent_count > 0)
    percent = g_strdup_printf ("%.2f%%", (double) row->count * 100.0 / (double) parent_count);
  if (row->burst.max > 0)
    {
      burst = g_strdup_printf ("%.4f", (double) row->burst.max / BURST_WINDOW_MS);
      burst_start = g_strdup_printf ("%.3f", row->burst.max_start_ms / 1000.0);
    }
  cells[0] = row->name;
  cells[1] = count;
  cells[2] = average ? average : "";
  cells[3] = min ? min : "";
  cells[4] = max ? max : "";
  cells[5] = rate ? rate : "";
  cells[6] = percent ? percent : "";
  cells[7] = burst ? burst : "-";
  cells[8] = burst_start ? burst_start : "-";
  iot_stats_tree_append_row (out, indent, width, cells);
  /* The copy only borrows the rows. */
  g_ptr_array_set_free_func (sorted, NULL);
  g_ptr_array_sort (sorted, compare_rows);
  for (guint i = 0; i < sorted->len; i++)
    print_row (tree, g_ptr_array_index (sorted, i), indent + 1, width, (gint64) row->count, out);
}

static void
append_rule (GString *out, char c, int width)
{
  for (int i = 0; i < width; i++)
    g_string_append_c (out, c);
  g_string_append_c (out, '\n');
}

void
iot_stats_tree_print (IotStatsTree *tree, GString *out)
{
  static const char *const headings[TREE_N_COLUMNS + 1] = {
    "Topic / Item", "Count", "Average", "Min Val", "Max Val", "Rate (ms)", "Percent", "Burst Rate", "Burst Start",
  };
  int width = MAX (name_width (tree->tops, 0), (int) strlen (headings[0]) + 1);
  int rule = width + TREE_N_COLUMNS * (TREE_COLUMN_WIDTH + 2);

  g_string_append_c (out, '\n');
  append_rule (out, '=', rule);
  g_string_append_printf (out, "%s:\n", tree->title);
  iot_stats_tree_append_row (out, 0, width, headings);
  append_rule (out, '-', rule);
  for (guint i = 0; i < tree->tops->len; i++)
    print_row (tree, g_ptr_array_index (tree->tops, i), 0, width, -1, out);
  g_string_append_c (out, '\n');
  append_rule (out, '-', rule);
}

/* ---- what -z offers ---------------------------------------------------------------------- */

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

char *
iot_stats_list_reports (void)
{
  /* Each report once, with its first argument where that picks a table;
   * sorted, as tshark lists its own. */
  static const char *const others[] = {
    "conv,eth", "conv,ip", "conv,ipv6", "conv,tcp", "conv,udp",
    "endpoints,eth", "endpoints,ip", "endpoints,ipv6", "endpoints,tcp", "endpoints,udp",
    "expert", "follow,http", "follow,mqtt", "follow,tcp", "follow,tls", "follow,udp", "iat,tree", "insight",
    "io,phs", "io,stat", "plen,tree",
  };
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    g_ptr_array_add (names, (gpointer) others[i]);
  for (guint i = 0; i < G_N_ELEMENTS (tree_specs); i++)
    g_ptr_array_add (names, (gpointer) tree_specs[i].name);
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (out, "%s     %s", i ? "\n" : "", (const char *) g_ptr_array_index (names, i));
  return g_string_free (out, FALSE);
}
