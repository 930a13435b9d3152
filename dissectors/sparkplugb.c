/* sparkplugb.c — Sparkplug B: the industrial convention on top of MQTT.
 * Topics spBv1.0/<group>/<message type>/<edge node>[/<device>] carry
 * protobuf payloads (compiled-in sparkplug_b.proto).  An edge node's
 * NBIRTH and its devices' DBIRTHs name every metric and may give each a
 * number (alias); later NDATA/DDATA send only the alias.  Every message of
 * an edge node carries a sequence number 0-255 that rises by one, so a
 * host notices a lost message; the NDEATH (the will the broker sends when
 * the node vanishes) repeats the bdSeq of the NBIRTH it ends.
 *
 * Reached from MQTT by the topic namespace only, never by guessing.  The
 * first pass follows, per edge node and MQTT connection, the aliases the
 * births defined, the sequence numbers and the bdSeq; each frame keeps
 * what was found for it.
 */
#include "iot-dissector.h"
#include "iot-proto.h"

#include <math.h>
#include <string.h>

extern IotDissector iot_dissector_sparkplugb;

#define SPARKPLUG_PAYLOAD "com.cirruslink.sparkplug.protobuf.Payload"
#define NO_SEQ G_MAXUINT32

enum {
  F_PROTO,
  F_NAMESPACE,
  F_GROUP,
  F_MSG_TYPE,
  F_EDGE,
  F_DEVICE,
  F_METRIC,
  F_METRIC_ALIAS,
  F_METRIC_VALUE,
  F_METRIC_UNIT,
  F_METRIC_DATATYPE,
  F_SEQ,
  F_SEQ_EXPECTED,
  F_BDSEQ,
  F_BIRTH_FRAME,
  N_FIELDS
};

static const IotValueName datatype_names[] = {
  { 0, "Unknown" }, { 1, "Int8" }, { 2, "Int16" }, { 3, "Int32" }, { 4, "Int64" }, { 5, "UInt8" },
  { 6, "UInt16" }, { 7, "UInt32" }, { 8, "UInt64" }, { 9, "Float" }, { 10, "Double" }, { 11, "Boolean" },
  { 12, "String" }, { 13, "DateTime" }, { 14, "Text" }, { 15, "UUID" }, { 16, "DataSet" }, { 17, "Bytes" },
  { 18, "File" }, { 19, "Template" }, { 20, "PropertySet" }, { 21, "PropertySetList" },
  IOT_VALUE_NAMES_END
};

enum {
  E_TOPIC_INCOMPLETE,
  E_ALIAS_UNKNOWN,
  E_SEQ_GAP,
  E_SEQ_RANGE,
  E_SEQ_MISSING,
  E_BDSEQ_MISMATCH,
  E_NOT_PROTOBUF,
  N_EXPERTS
};

static IotExpertInfo sparkplugb_experts[N_EXPERTS] = {
  [E_TOPIC_INCOMPLETE] = IOT_EXPERT_INFO ("sparkplugb.topic.incomplete", IOT_SEV_WARN, IOT_GROUP_MALFORMED, "Sparkplug topic incomplete",
                              "A Sparkplug B topic is spBv1.0/group/type/edge[/device]; a level is missing, so the message cannot be placed."),
  [E_ALIAS_UNKNOWN] = IOT_EXPERT_INFO ("sparkplugb.alias.unknown", IOT_SEV_WARN, IOT_GROUP_PROTOCOL, "Metric alias not defined by a birth",
                              "Metrics may be sent by alias only after the NBIRTH/DBIRTH that defined the alias; this birth is not in the capture (or the edge node never sent it)."),
  [E_SEQ_GAP] = IOT_EXPERT_INFO ("sparkplugb.seq.gap", IOT_SEV_WARN, IOT_GROUP_SEQUENCE, "Sparkplug sequence gap",
                              "Every message of an edge node carries seq 0-255 in order; a jump means messages were lost between the node and the capture point."),
  [E_SEQ_RANGE] = IOT_EXPERT_INFO ("sparkplugb.seq.out_of_range", IOT_SEV_WARN, IOT_GROUP_PROTOCOL, "Sparkplug seq above 255",
                              "The seq metric counts 0 to 255 and wraps; a larger value breaks the specification."),
  [E_SEQ_MISSING] = IOT_EXPERT_INFO ("sparkplugb.seq.missing", IOT_SEV_WARN, IOT_GROUP_SEQUENCE, "Sparkplug message without a seq",
                              "Births and data messages must carry a seq, so that a host can see lost messages."),
  [E_BDSEQ_MISMATCH] = IOT_EXPERT_INFO ("sparkplugb.bdseq.mismatch", IOT_SEV_WARN, IOT_GROUP_SEQUENCE, "NDEATH bdSeq does not match the NBIRTH",
                              "A death certificate names the session (bdSeq) it ends; a different one belongs to an older session and must not end this one."),
  [E_NOT_PROTOBUF] = IOT_EXPERT_INFO ("sparkplugb.payload.invalid", IOT_SEV_WARN, IOT_GROUP_MALFORMED, "Sparkplug payload does not parse as protobuf",
                              "Sparkplug B payloads are Protocol Buffers messages; these bytes are not one."),
};

static IotField sparkplugb_fields[N_FIELDS] = {
  [F_PROTO] = { "sparkplugb", "SparkplugB", IOT_FT_PROTOCOL, .blurb =
    "Sparkplug B: how industrial edge nodes publish metrics over MQTT (topics spBv1.0/…, protobuf payloads)." },
  [F_NAMESPACE] = { "sparkplugb.namespace", "Namespace", IOT_FT_STRING, .blurb =
    "First topic level: spBv1.0 for Sparkplug B." },
  [F_GROUP] = { "sparkplugb.groupid", "Group ID", IOT_FT_STRING, .blurb =
    "Second topic level: the group of edge nodes (a plant, a line)." },
  [F_MSG_TYPE] = { "sparkplugb.messagetype", "Message Type", IOT_FT_STRING, .blurb =
    "NBIRTH/NDEATH/NDATA/NCMD for an edge node, DBIRTH/DDEATH/DDATA/DCMD for a device behind it." },
  [F_EDGE] = { "sparkplugb.edgenodeid", "Edge Node ID", IOT_FT_STRING, .blurb =
    "The edge node (gateway, PLC) that publishes." },
  [F_DEVICE] = { "sparkplugb.deviceid", "Device ID", IOT_FT_STRING, .blurb =
    "The device behind the edge node, for D… messages." },
  [F_METRIC] = { "sparkplugb.metric", "Metric", IOT_FT_STRING, .blurb =
    "A metric's name: as sent in a birth, or looked up by its alias in the birth that defined it." },
  [F_METRIC_ALIAS] = { "sparkplugb.metric.alias", "Alias", IOT_FT_UINT64, IOT_BASE_DEC, NULL, 0,
    "The number a birth gave the metric; data messages send it instead of the name." },
  [F_METRIC_VALUE] = { "sparkplugb.metric.value", "Value", IOT_FT_DOUBLE, .blurb =
    "The metric's numeric value, read with the metric's datatype (from the birth when the message omits it)." },
  [F_METRIC_UNIT] = { "sparkplugb.metric.unit", "Unit", IOT_FT_STRING, .blurb =
    "The engineering unit from the metric's properties (engUnit) in its birth." },
  [F_METRIC_DATATYPE] = { "sparkplugb.metric.datatype", "Datatype", IOT_FT_UINT32, IOT_BASE_DEC, datatype_names, 0,
    "How the value is to be read (Int16, Float, Boolean …): sent in the birth, and taken from there when a "
    "data message leaves it out." },
  [F_SEQ] = { "sparkplugb.seq", "Sequence Number", IOT_FT_UINT64, IOT_BASE_DEC, NULL, 0,
    "The payload's seq: 0 in NBIRTH, then one more in every message of the edge node and its devices, "
    "wrapping from 255 to 0." },
  [F_SEQ_EXPECTED] = { "sparkplugb.seq.expected", "Expected Sequence Number", IOT_FT_UINT64, IOT_BASE_DEC,
    NULL, 0, "The seq that should have come after the previous message of this edge node." },
  [F_BDSEQ] = { "sparkplugb.bdseq", "Birth/Death Sequence Number", IOT_FT_UINT64, IOT_BASE_DEC, NULL, 0,
    "bdSeq: the NBIRTH and the NDEATH (the will) of one session carry the same number." },
  [F_BIRTH_FRAME] = { "sparkplugb.birth_frame", "Birth In", IOT_FT_FRAMENUM, .blurb =
    "The birth certificate (NBIRTH/DBIRTH) this message's aliases or bdSeq refer to." },
};

/* Sparkplug datatypes (sparkplug_b.proto's DataType). */
enum {
  DT_INT8 = 1, DT_INT16, DT_INT32, DT_INT64, DT_UINT8, DT_UINT16, DT_UINT32, DT_UINT64,
  DT_FLOAT, DT_DOUBLE, DT_BOOLEAN,
};

/* ---- per-capture state ------------------------------------------------------ */

typedef struct {
  char    *name;
  char    *unit;
  guint32  datatype;
} AliasDef;

typedef struct {
  guint32     last_seq;      /* NO_SEQ until a message with seq */
  guint32     birth_frame;   /* the NBIRTH */
  guint64     bdseq;
  gboolean    has_bdseq;
  GHashTable *aliases;       /* "device\x1falias" → AliasDef ("" device: the node) */
  GHashTable *device_birth;  /* device → frame of its DBIRTH */
} EdgeState;

/* What the first pass found for one message. */
typedef struct {
  guint32    expected_seq;   /* NO_SEQ: no gap */
  guint32    birth_frame;
  GPtrArray *names;          /* per metric: its name (NULL: unknown alias) */
  GPtrArray *units;
  GArray    *datatypes;      /* guint32 */
  gboolean   bdseq_mismatch;
  guint64    birth_bdseq;
} MessageFacts;

typedef struct {
  GHashTable *edges;         /* "conversation|group/edge" → EdgeState */
  GHashTable *facts;         /* frame<<20 | offset → MessageFacts */
} SparkplugState;

static void
alias_free (gpointer p)
{
  AliasDef *a = p;

  g_free (a->name);
  g_free (a->unit);
  g_free (a);
}

static void
edge_free (gpointer p)
{
  EdgeState *e = p;

  g_hash_table_destroy (e->aliases);
  g_hash_table_destroy (e->device_birth);
  g_free (e);
}

static void
facts_free (gpointer p)
{
  MessageFacts *f = p;

  g_ptr_array_unref (f->names);
  g_ptr_array_unref (f->units);
  g_array_unref (f->datatypes);
  g_free (f);
}

static gpointer
sparkplugb_state_new (void)
{
  SparkplugState *st = g_new0 (SparkplugState, 1);

  st->edges = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, edge_free);
  st->facts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, facts_free);
  return st;
}

static void
sparkplugb_state_free (gpointer p)
{
  SparkplugState *st = p;

  g_hash_table_destroy (st->edges);
  g_hash_table_destroy (st->facts);
  g_free (st);
}

/* ---- the payload, read straight from the wire --------------------------------- */

typedef struct {
  const char *name;          /* as sent, or NULL */
  gboolean    has_alias;
  guint64     alias;
  guint64     timestamp;     /* ms; 0 when absent */
  guint32     datatype;      /* 0 when absent */
  gboolean    is_null;
  const char *unit;          /* properties: engUnit */
  int         value_field;   /* 10-16, 0 when none */
  guint64     raw;
  guint       off, len;      /* the metric's bytes */
} Metric;

typedef struct {
  guint64  timestamp;
  gboolean has_seq;
  guint64  seq;
  GArray  *metrics;          /* Metric */
} Payload;

/* Walks the fields of a protobuf message in @buf, calling @visit for each;
 * FALSE when the bytes do not parse (the rest is left alone). */
typedef void (*VisitFunc) (IotPacket *pkt, guint32 number, guint wire, guint64 raw, const IotBuf *value,
                           gpointer data);

static gboolean
walk (IotPacket *pkt, const IotBuf *buf, VisitFunc visit, gpointer data)
{
  guint off = 0;

  while (off < buf->length)
    {
      guint64 tag, raw = 0;
      guint n, wire;
      IotBuf value = { 0 };

      if (!iot_proto_read_varint (buf, off, &tag, &n))
        return FALSE;
      off += n;
      wire = tag & 7;
      if (wire == IOT_WIRE_VARINT)
        {
          if (!iot_proto_read_varint (buf, off, &raw, &n))
            return FALSE;
        }
      else if (wire == IOT_WIRE_FIXED64 || wire == IOT_WIRE_FIXED32)
        {
          n = wire == IOT_WIRE_FIXED64 ? 8 : 4;
          if (!iot_buf_has (buf, off, n))
            return FALSE;
          raw = n == 8 ? iot_buf_u64le (buf, off) : iot_buf_u32le (buf, off);
        }
      else if (wire == IOT_WIRE_LENGTH)
        {
          guint64 len;

          if (!iot_proto_read_varint (buf, off, &len, &n) || len > iot_buf_remaining (buf, off + n))
            return FALSE;
          off += n;
          value = iot_buf_sub (buf, off, (gint) len);
          n = (guint) len;
        }
      else
        return FALSE;
      visit (pkt, (guint32) (tag >> 3), wire, raw, &value, data);
      off += n;
    }
  return TRUE;
}

static const char *
buf_text (IotPacket *pkt, const IotBuf *value)
{
  return iot_packet_valid_utf8 (pkt, value->length ? iot_buf_ptr (value, 0, value->length) : (const guint8 *) "",
                                value->length);
}

typedef struct {
  GPtrArray *keys;
  GPtrArray *values;
} Properties;

static void
visit_property_value (IotPacket *pkt, guint32 number, guint wire, guint64 raw, const IotBuf *value, gpointer data)
{
  const char **text = data;

  if (number == 8 && wire == IOT_WIRE_LENGTH)
    *text = buf_text (pkt, value);
}

static void
visit_properties (IotPacket *pkt, guint32 number, guint wire, guint64 raw, const IotBuf *value, gpointer data)
{
  Properties *props = data;

  if (wire != IOT_WIRE_LENGTH)
    return;
  if (number == 1)
    g_ptr_array_add (props->keys, (gpointer) buf_text (pkt, value));
  else if (number == 2)
    {
      const char *text = NULL;

      walk (pkt, value, visit_property_value, &text);
      g_ptr_array_add (props->values, (gpointer) text);
    }
}

static void
visit_metric (IotPacket *pkt, guint32 number, guint wire, guint64 raw, const IotBuf *value, gpointer data)
{
  Metric *m = data;

  switch (number)
    {
    case 1:
      if (wire == IOT_WIRE_LENGTH)
        m->name = buf_text (pkt, value);
      break;
    case 2:
      m->has_alias = wire == IOT_WIRE_VARINT;
      m->alias = raw;
      break;
    case 3:
      m->timestamp = raw;
      break;
    case 4:
      m->datatype = (guint32) raw;
      break;
    case 7:
      m->is_null = raw != 0;
      break;
    case 9:
      if (wire == IOT_WIRE_LENGTH)
        {
          g_autoptr (GPtrArray) keys = g_ptr_array_new ();
          g_autoptr (GPtrArray) values = g_ptr_array_new ();
          Properties props = { keys, values };

          walk (pkt, value, visit_properties, &props);
          for (guint i = 0; i < keys->len && i < values->len; i++)
            if (g_strcmp0 (g_ptr_array_index (keys, i), "engUnit") == 0 && g_ptr_array_index (values, i))
              m->unit = g_ptr_array_index (values, i);
        }
      break;
    default:
      if (number >= 10 && number <= 16)
        {
          m->value_field = (int) number;
          m->raw = raw;
        }
      break;
    }
}

static void
visit_payload (IotPacket *pkt, guint32 number, guint wire, guint64 raw, const IotBuf *value, gpointer data)
{
  Payload *p = data;

  if (number == 1 && wire == IOT_WIRE_VARINT)
    p->timestamp = raw;
  else if (number == 3 && wire == IOT_WIRE_VARINT)
    {
      p->has_seq = TRUE;
      p->seq = raw;
    }
  else if (number == 2 && wire == IOT_WIRE_LENGTH)
    {
      Metric m = { 0 };

      m.off = value->origin;
      m.len = value->length;
      walk (pkt, value, visit_metric, &m);
      g_array_append_val (p->metrics, m);
    }
}

/* The metric's value as a number, read with @datatype; FALSE for text,
 * booleans, nulls and the rest. */
static gboolean
metric_number (const Metric *m, guint32 datatype, double *out)
{
  if (m->is_null || m->value_field == 0)
    return FALSE;
  switch (datatype)
    {
    case DT_INT8:
    case DT_INT16:
    case DT_INT32:
      if (m->value_field != 10)
        return FALSE;
      *out = (gint32) (guint32) m->raw;   /* two's complement in a uint32 */
      return TRUE;
    case DT_UINT8:
    case DT_UINT16:
    case DT_UINT32:
      if (m->value_field != 10)
        return FALSE;
      *out = (guint32) m->raw;
      return TRUE;
    case DT_INT64:
      if (m->value_field != 11)
        return FALSE;
      *out = (double) (gint64) m->raw;
      return TRUE;
    case DT_UINT64:
      if (m->value_field != 11)
        return FALSE;
      *out = (double) m->raw;
      return TRUE;
    case DT_FLOAT:
      {
        guint32 bits = (guint32) m->raw;
        float f;

        if (m->value_field != 12)
          return FALSE;
        memcpy (&f, &bits, sizeof f);
        *out = f;
        return isfinite (*out);
      }
    case DT_DOUBLE:
      if (m->value_field != 13)
        return FALSE;
      memcpy (out, &m->raw, sizeof *out);
      return isfinite (*out);
    default:
      return FALSE;
    }
}

/* ---- the topic ------------------------------------------------------------------ */

typedef struct {
  const char *group, *type, *edge, *device;
} Topic;

static gboolean
is_type (const Topic *t, const char *type)
{
  return g_strcmp0 (t->type, type) == 0;
}

static void
add_topic (IotPacket *pkt, int tree, const IotBuf *buf, const char *topic, Topic *t)
{
  g_auto (GStrv) parts = g_strsplit (topic, "/", 5);
  const int fields[] = { F_NAMESPACE, F_GROUP, F_MSG_TYPE, F_EDGE, F_DEVICE };
  const char **slots[] = { NULL, &t->group, &t->type, &t->edge, &t->device };
  int ns = iot_tree_add_text (pkt, tree, buf, 0, 0, "Topic Namespace");

  iot_tree_set_generated (pkt, ns);
  for (guint i = 0; i < 5 && parts[i] != NULL; i++)
    {
      int node = iot_tree_add_string (pkt, ns, &sparkplugb_fields[fields[i]], buf, 0, 0, parts[i], -1);

      iot_tree_set_generated (pkt, node);
      if (slots[i] != NULL)
        *slots[i] = iot_packet_strdup_printf (pkt, "%s", parts[i]);
    }
  if (t->group == NULL || t->type == NULL || t->edge == NULL)
    iot_expert_add_info (pkt, ns, &sparkplugb_experts[E_TOPIC_INCOMPLETE], "Sparkplug topic without %s", t->group == NULL ? "group id"
                    : t->type == NULL ? "message type" : "edge node id");
}

/* ---- the first pass ------------------------------------------------------------------ */

static char *
edge_key (IotPacket *pkt, const Topic *t)
{
  guint16 sport, dport;
  const IotAddress *a = iot_packet_net_src (pkt), *b = iot_packet_net_dst (pkt);
  g_autoptr (GString) key = g_string_new (NULL);
  guint n = a->family == 6 ? 16 : a->family == 4 ? 4 : 6;
  g_autofree char *sa = NULL, *sb = NULL;

  iot_packet_get_ports (pkt, &sport, &dport);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (key, "%02x", a->bytes[i]);
  sa = g_strdup_printf ("%s:%u", key->str, sport);
  g_string_truncate (key, 0);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (key, "%02x", b->bytes[i]);
  sb = g_strdup_printf ("%s:%u", key->str, dport);
  /* Per connection: the publisher's copy and each subscriber's copy of a
   * message are counted apart, as each receiver sees them. */
  return strcmp (sa, sb) < 0 ? g_strdup_printf ("%s-%s|%s/%s", sa, sb, t->group, t->edge)
                             : g_strdup_printf ("%s-%s|%s/%s", sb, sa, t->group, t->edge);
}

static char *
alias_key (const Topic *t, guint64 alias)
{
  return g_strdup_printf ("%s\x1f%" G_GUINT64_FORMAT, t->device ? t->device : "", alias);
}

static gboolean
counts_seq (const Topic *t)
{
  return is_type (t, "NBIRTH") || is_type (t, "NDATA") || is_type (t, "DBIRTH") || is_type (t, "DDATA")
         || is_type (t, "DDEATH");
}

static MessageFacts *
first_pass (IotPacket *pkt, SparkplugState *st, const Topic *t, const Payload *p)
{
  g_autofree char *key = edge_key (pkt, t);
  EdgeState *e = g_hash_table_lookup (st->edges, key);
  MessageFacts *f = g_new0 (MessageFacts, 1);
  guint32 frame = iot_packet_frame_number (pkt);
  gboolean birth = is_type (t, "NBIRTH") || is_type (t, "DBIRTH");

  f->expected_seq = NO_SEQ;
  f->names = g_ptr_array_new_with_free_func (g_free);
  f->units = g_ptr_array_new_with_free_func (g_free);
  f->datatypes = g_array_new (FALSE, TRUE, sizeof (guint32));
  if (e == NULL)
    {
      e = g_new0 (EdgeState, 1);
      e->last_seq = NO_SEQ;
      e->aliases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, alias_free);
      e->device_birth = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (st->edges, g_strdup (key), e);
    }
  if (is_type (t, "NBIRTH"))
    {
      /* A new session: aliases and sequence start afresh. */
      g_hash_table_remove_all (e->aliases);
      g_hash_table_remove_all (e->device_birth);
      e->birth_frame = frame;
      e->has_bdseq = FALSE;
      e->last_seq = NO_SEQ;
    }
  else if (is_type (t, "DBIRTH") && t->device)
    g_hash_table_replace (e->device_birth, g_strdup (t->device), GUINT_TO_POINTER (frame));
  if (counts_seq (t) && p->has_seq)
    {
      guint32 expected = is_type (t, "NBIRTH") ? 0 : e->last_seq == NO_SEQ ? NO_SEQ : (e->last_seq + 1) % 256;

      if (expected != NO_SEQ && p->seq != expected)
        f->expected_seq = expected;
      e->last_seq = (guint32) (p->seq % 256);
    }
  f->birth_frame = is_type (t, "NBIRTH") || is_type (t, "DBIRTH") ? 0
                   : t->device ? GPOINTER_TO_UINT (g_hash_table_lookup (e->device_birth, t->device))
                   : e->birth_frame;
  for (guint i = 0; i < p->metrics->len; i++)
    {
      const Metric *m = &g_array_index (p->metrics, Metric, i);
      const AliasDef *def = NULL;
      guint32 datatype = m->datatype;

      if (m->has_alias)
        {
          g_autofree char *ak = alias_key (t, m->has_alias ? m->alias : 0);

          if (birth && m->name)
            {
              AliasDef *a = g_new0 (AliasDef, 1);

              a->name = g_strdup (m->name);
              a->unit = g_strdup (m->unit);
              a->datatype = m->datatype;
              g_hash_table_replace (e->aliases, g_steal_pointer (&ak), a);
            }
          else
            def = g_hash_table_lookup (e->aliases, ak);
        }
      if (datatype == 0 && def)
        datatype = def->datatype;
      g_ptr_array_add (f->names, g_strdup (m->name ? m->name : def ? def->name : NULL));
      g_ptr_array_add (f->units, g_strdup (m->unit ? m->unit : def ? def->unit : NULL));
      g_array_append_val (f->datatypes, datatype);
      if (g_strcmp0 (m->name, "bdSeq") == 0 && m->value_field == 11)
        {
          if (is_type (t, "NBIRTH"))
            {
              e->bdseq = m->raw;
              e->has_bdseq = TRUE;
            }
          else if (is_type (t, "NDEATH"))
            {
              f->birth_bdseq = e->bdseq;
              f->bdseq_mismatch = e->has_bdseq && e->bdseq != m->raw;
            }
        }
    }
  return f;
}

/* ---- showing what was found ---------------------------------------------------------- */

static void
publish_reading (IotPacket *pkt, const Topic *t, const char *topic, const char *name, const char *unit,
                 double value, guint64 timestamp_ms)
{
  IotReading r = {
    .device = t->device ? iot_packet_strdup_printf (pkt, "%s/%s/%s", t->group, t->edge, t->device)
                        : iot_packet_strdup_printf (pkt, "%s/%s", t->group, t->edge),
    .series = topic,
    .name = name,
    .unit = unit,
    .value = value,
    .time_ns = (gint64) timestamp_ms * 1000000,
  };

  iot_packet_add_reading (pkt, &r);
}

static void
add_metrics (IotPacket *pkt, int tree, const IotBuf *buf, const Topic *t, const char *topic, const Payload *p,
             const MessageFacts *f)
{
  for (guint i = 0; i < p->metrics->len; i++)
    {
      const Metric *m = &g_array_index (p->metrics, Metric, i);
      const char *name = i < f->names->len ? g_ptr_array_index (f->names, i) : m->name;
      const char *unit = i < f->units->len ? g_ptr_array_index (f->units, i) : m->unit;
      guint32 datatype = i < f->datatypes->len ? g_array_index (f->datatypes, guint32, i) : m->datatype;
      /* The metric's own bytes (walk() found them within the payload). */
      IotBuf mbuf = iot_buf_sub (buf, m->off - buf->origin, (gint) m->len);
      double value;
      gboolean numeric = metric_number (m, datatype, &value);
      int node;

      node = iot_tree_add_string (pkt, tree, &sparkplugb_fields[F_METRIC], &mbuf, 0, m->len,
                                  name ? name : "", -1);
      if (m->name == NULL)
        iot_tree_set_generated (pkt, node);
      if (numeric)
        iot_tree_set_label (pkt, node, "Metric: %s = %g%s%s", name ? name : "?", value, unit ? " " : "",
                            unit ? unit : "");
      if (m->has_alias)
        iot_tree_add_uint (pkt, node, &sparkplugb_fields[F_METRIC_ALIAS], &mbuf, 0, 0, m->alias);
      if (datatype != 0)
        {
          int dt = iot_tree_add_uint (pkt, node, &sparkplugb_fields[F_METRIC_DATATYPE], &mbuf, 0, 0, datatype);

          if (m->datatype == 0)
            iot_tree_set_generated (pkt, dt);
        }
      if (numeric)
        iot_tree_set_generated (pkt, iot_tree_add_double (pkt, node, &sparkplugb_fields[F_METRIC_VALUE],
                                                          &mbuf, 0, 0, value));
      if (unit)
        iot_tree_set_generated (pkt, iot_tree_add_string (pkt, node, &sparkplugb_fields[F_METRIC_UNIT],
                                                          &mbuf, 0, 0, unit, -1));
      if (name == NULL && m->has_alias)
        iot_expert_add_info (pkt, node, &sparkplugb_experts[E_ALIAS_UNKNOWN], "Alias %" G_GUINT64_FORMAT " was not defined by a birth seen on this connection", m->alias);
      if (numeric && name && iot_packet_wants_readings (pkt))
        publish_reading (pkt, t, topic, name, unit, value, m->timestamp ? m->timestamp : p->timestamp);
    }
}

static void
add_sequence (IotPacket *pkt, int tree, const IotBuf *buf, const Topic *t, const Payload *p,
              const MessageFacts *f, IotTapSparkplug *rec)
{
  int node;

  if (p->has_seq && rec != NULL)
    {
      rec->has_seq = TRUE;
      rec->seq = p->seq;
      rec->has_expected = f->expected_seq != NO_SEQ;
      rec->expected = rec->has_expected ? f->expected_seq : 0;
    }
  if (p->has_seq)
    {
      node = iot_tree_add_uint (pkt, tree, &sparkplugb_fields[F_SEQ], buf, 0, 0, p->seq);
      iot_tree_set_generated (pkt, node);
      if (f->expected_seq != NO_SEQ)
        {
          guint missing = (guint) ((p->seq + 256 - f->expected_seq) % 256);

          iot_tree_set_generated (pkt, iot_tree_add_uint (pkt, tree, &sparkplugb_fields[F_SEQ_EXPECTED],
                                                          buf, 0, 0, f->expected_seq));
          iot_expert_add_info (pkt, node, &sparkplugb_experts[E_SEQ_GAP], "Sparkplug seq %" G_GUINT64_FORMAT " where %u was expected: %u message%s of edge "
                          "node %s/%s missing", p->seq, f->expected_seq, missing, missing == 1 ? "" : "s",
                          t->group, t->edge);
        }
      if (p->seq > 255)
        iot_expert_add_info (pkt, node, &sparkplugb_experts[E_SEQ_RANGE], "Sparkplug seq above 255");
    }
  else if (counts_seq (t))
    iot_expert_add_info (pkt, tree, &sparkplugb_experts[E_SEQ_MISSING], "Sparkplug %s of edge node %s/%s without a seq", t->type, t->group, t->edge);
  if (f->birth_frame != 0)
    iot_tree_set_generated (pkt, iot_tree_add_uint (pkt, tree, &sparkplugb_fields[F_BIRTH_FRAME], buf, 0, 0,
                                                    f->birth_frame));
  for (guint i = 0; i < p->metrics->len; i++)
    {
      const Metric *m = &g_array_index (p->metrics, Metric, i);

      if (g_strcmp0 (m->name, "bdSeq") == 0 && m->value_field == 11)
        {
          node = iot_tree_add_uint (pkt, tree, &sparkplugb_fields[F_BDSEQ], buf, 0, 0, m->raw);
          iot_tree_set_generated (pkt, node);
          if (f->bdseq_mismatch)
            iot_expert_add_info (pkt, node, &sparkplugb_experts[E_BDSEQ_MISMATCH], "NDEATH bdSeq %" G_GUINT64_FORMAT " does not match the NBIRTH's %" G_GUINT64_FORMAT
                            ": it ends another session", m->raw, f->birth_bdseq);
        }
    }
}

static int
dissect_sparkplugb (IotPacket *pkt, IotBuf *buf, int parent, gpointer data)
{
  const char *topic = data ? data : "";
  SparkplugState *st = iot_packet_state (pkt, &iot_dissector_sparkplugb);
  g_autoptr (GArray) metrics = g_array_new (FALSE, TRUE, sizeof (Metric));
  Payload p = { .metrics = metrics };
  gpointer key = GSIZE_TO_POINTER (((gsize) iot_packet_frame_number (pkt) << 20) | (buf->origin & 0xfffff));
  Topic t = { 0 };
  MessageFacts *f;
  IotBuf payload;
  IotTapSparkplug *rec = NULL;
  int tree;

  iot_col_set_protocol (pkt, "SparkplugB");
  tree = iot_tree_add_protocol (pkt, parent, &sparkplugb_fields[F_PROTO], buf, 0, -1);
  add_topic (pkt, tree, buf, topic, &t);
  if (iot_tap_wanted (pkt, IOT_TAP_SPARKPLUG))
    {
      IotTapSparkplug opened = { t.group, t.edge };

      rec = iot_tap_queue_open (pkt, IOT_TAP_SPARKPLUG, &opened);
    }
  iot_col_set_info (pkt, t.type ? iot_packet_strdup_printf (pkt, "SparkplugB, %s", t.type) : "SparkplugB");
  payload = *buf;
  iot_call_dissector_with_data (pkt, iot_registry_dissector ("protobuf"), &payload, tree,
                                (gpointer) SPARKPLUG_PAYLOAD);
  if (t.group == NULL || t.type == NULL || t.edge == NULL || is_type (&t, "STATE"))
    return buf->reported;
  if (!walk (pkt, buf, visit_payload, &p))
    iot_expert_add_info (pkt, tree, &sparkplugb_experts[E_NOT_PROTOBUF], "Sparkplug payload does not parse as protobuf");
  if (iot_packet_first_pass (pkt) && !g_hash_table_contains (st->facts, key))
    g_hash_table_insert (st->facts, key, first_pass (pkt, st, &t, &p));
  f = g_hash_table_lookup (st->facts, key);
  if (f == NULL)
    return buf->reported;
  add_sequence (pkt, tree, buf, &t, &p, f, rec);
  add_metrics (pkt, tree, buf, &t, topic, &p, f);
  return buf->reported;
}

IotDissector iot_dissector_sparkplugb = {
  .name = "SparkplugB",
  .abbrev = "sparkplugb",
  .long_name = "SparkplugB",
  .fields = sparkplugb_fields,
  .n_fields = N_FIELDS,
  .experts = sparkplugb_experts,
  .n_experts = N_EXPERTS,
  .dissect_with_data = dissect_sparkplugb,
  .state_new = sparkplugb_state_new,
  .state_free = sparkplugb_state_free,
};
