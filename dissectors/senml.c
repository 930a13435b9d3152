/* senml.c — Sensor Measurement Lists (SenML, RFC 8428): a list of records
 * a device sends with its measurements, in JSON (CoAP Content-Format 110,
 * application/senml+json) or CBOR (112, application/senml+cbor), and the
 * SensML streaming variants (111, 113).
 *
 * Each record may carry base fields (base name, time, unit, value, sum)
 * that apply to it and to the records after it.  This layer resolves them
 * as RFC 8428 section 4.6 says, so every record shows its full name, value,
 * unit and absolute time: a resolved time below 2^28 is relative to "now",
 * taken as the frame's capture time.
 *
 * tshark 4.0 has no SenML dissector (it shows the JSON or CBOR only), so
 * the senml.* fields are this project's.  The JSON and CBOR layers call this
 * one after their own trees, on the same bytes.  Numeric records are
 * published as readings.
 */
#include <math.h>
#include <string.h>

#include "iot-dissector.h"
#include "lwm2m.h"

enum {
  F_PROTO,
  F_RECORD,
  F_NAME,
  F_UNIT,
  F_VALUE,
  F_VALUE_STRING,
  F_VALUE_BOOL,
  F_VALUE_DATA,
  F_SUM,
  F_TIME,
  F_UPDATE_TIME,
  F_BASE_NAME,
  F_BASE_TIME,
  F_BASE_UNIT,
  F_BASE_VALUE,
  F_BASE_SUM,
  F_VERSION,
  F_LABEL,
  N_FIELDS
};

enum {
  E_NOT_PACK,
  N_EXPERTS
};

static IotExpertInfo senml_experts[N_EXPERTS] = {
  [E_NOT_PACK] = IOT_EXPERT_INFO ("senml.invalid", IOT_SEV_WARN, IOT_GROUP_MALFORMED, "Not a SenML pack",
                              "A SenML pack is an array of records (objects or maps); from here on the payload is something else."),
};

static IotField senml_fields[N_FIELDS] = {
  [F_PROTO] = { "senml", "Sensor Measurement Lists", IOT_FT_PROTOCOL, .blurb =
    "SenML (RFC 8428): a list of measurement records (name, value, unit, time) in JSON or CBOR. "
    "Base fields (bn, bt, bu, bv) in a record apply to it and the records after it." },
  [F_RECORD] = { "senml.record", "Record", IOT_FT_NONE, .blurb =
    "One measurement, with the base fields that apply to it already resolved." },
  [F_NAME] = { "senml.name", "Name", IOT_FT_STRING, .blurb =
    "The full name of what was measured: the base name followed by the record's own name (bn + n)." },
  [F_UNIT] = { "senml.unit", "Unit", IOT_FT_STRING, .blurb =
    "The unit of the value (Cel, %RH, W …), the record's own or the base unit." },
  [F_VALUE] = { "senml.value", "Value", IOT_FT_DOUBLE, .blurb =
    "The numeric value, the base value added (bv + v)." },
  [F_VALUE_STRING] = { "senml.value_string", "String Value", IOT_FT_STRING, .blurb =
    "A text value (vs)." },
  [F_VALUE_BOOL] = { "senml.value_bool", "Boolean Value", IOT_FT_BOOLEAN, .blurb =
    "A true/false value (vb)." },
  [F_VALUE_DATA] = { "senml.value_data", "Data Value", IOT_FT_STRING, .blurb =
    "An opaque data value (vd): base64url text in JSON, shown as sent; in CBOR the bytes in hex." },
  [F_SUM] = { "senml.sum", "Sum", IOT_FT_DOUBLE, .blurb =
    "An integrated value (e.g. energy used so far), the base sum added (bs + s)." },
  [F_TIME] = { "senml.time", "Time", IOT_FT_ABSOLUTE_TIME, IOT_BASE_TIME_UTC, .blurb =
    "When the value was measured: base time plus time (bt + t). Times below 2^28 s count from now, here "
    "the capture time of the frame." },
  [F_UPDATE_TIME] = { "senml.update_time", "Update Time", IOT_FT_DOUBLE, .blurb =
    "Seconds within which the sensor promises a new value (ut)." },
  [F_BASE_NAME] = { "senml.base_name", "Base Name", IOT_FT_STRING, .blurb =
    "A prefix (bn) for the names of this and the following records." },
  [F_BASE_TIME] = { "senml.base_time", "Base Time", IOT_FT_DOUBLE, .blurb =
    "Seconds (bt) added to the times of this and the following records." },
  [F_BASE_UNIT] = { "senml.base_unit", "Base Unit", IOT_FT_STRING, .blurb =
    "The unit (bu) of this and the following records that name none." },
  [F_BASE_VALUE] = { "senml.base_value", "Base Value", IOT_FT_DOUBLE, .blurb =
    "A value (bv) added to the values of this and the following records." },
  [F_BASE_SUM] = { "senml.base_sum", "Base Sum", IOT_FT_DOUBLE, .blurb =
    "A value (bs) added to the sums of this and the following records." },
  [F_VERSION] = { "senml.version", "Version", IOT_FT_INT64, IOT_BASE_DEC, .blurb =
    "The SenML version (bver, 10 unless said otherwise)." },
  [F_LABEL] = { "senml.label", "Unknown Label", IOT_FT_STRING, .blurb =
    "A label this decoder does not know (an extension); its value is not decoded." },
};

/* Labels, with their CBOR numbers (RFC 8428 table 4). */
typedef enum {
  L_BVER = -1, L_BN = -2, L_BT = -3, L_BU = -4, L_BV = -5, L_BS = -6,
  L_N = 0, L_U = 1, L_V = 2, L_VS = 3, L_VB = 4, L_S = 5, L_T = 6, L_UT = 7, L_VD = 8,
  L_UNKNOWN = 100,
} Label;

static const struct {
  const char *json;
  Label       label;
} json_labels[] = {
  { "bver", L_BVER }, { "bn", L_BN }, { "bt", L_BT }, { "bu", L_BU }, { "bv", L_BV }, { "bs", L_BS },
  { "n", L_N }, { "u", L_U }, { "v", L_V }, { "vs", L_VS }, { "vb", L_VB }, { "s", L_S }, { "t", L_T },
  { "ut", L_UT }, { "vd", L_VD },
};

typedef enum { V_NONE, V_NUMBER, V_TEXT, V_BOOL, V_BYTES } ValueKind;

typedef struct {
  ValueKind   kind;
  double      number;
  const char *text;      /* V_TEXT (UTF-8), V_BYTES (hex) */
  gboolean    boolean;
  guint       off, len;
} Value;

/* One record as sent: which labels it had, and where. */
typedef struct {
  guint  off, len;
  Value  fields[L_VD - L_BS + 1];   /* indexed by label - L_BS */
} Record;

#define FIELD(r, l) (&(r)->fields[(l) - L_BS])

/* The base fields in force. */
typedef struct {
  const char *name, *unit;
  double      time, value, sum;
} Base;

typedef struct {
  IotPacket    *pkt;
  const IotBuf *buf;
  int           tree;
  const char   *location;
  Base          base;
  gboolean      base_time_seen;
  guint         n_records;
  gboolean      readings;
} Senml;

/* ---- showing a record ---------------------------------------------------------- */

static void
add_number (Senml *s, int parent, int field, const Value *v, double number)
{
  iot_tree_add_double (s->pkt, parent, &senml_fields[field], s->buf, v->off, v->len, number);
}

/* Updates the base fields from @r and shows the ones it carries. */
static void
apply_base (Senml *s, int node, const Record *r)
{
  const Value *v;

  if ((v = FIELD (r, L_BVER))->kind == V_NUMBER)
    iot_tree_add_int (s->pkt, node, &senml_fields[F_VERSION], s->buf, v->off, v->len, (gint64) v->number);
  if ((v = FIELD (r, L_BN))->kind == V_TEXT)
    {
      s->base.name = v->text;
      iot_tree_add_string (s->pkt, node, &senml_fields[F_BASE_NAME], s->buf, v->off, v->len, v->text, -1);
    }
  if ((v = FIELD (r, L_BT))->kind == V_NUMBER)
    {
      s->base.time = v->number;
      s->base_time_seen = TRUE;
      add_number (s, node, F_BASE_TIME, v, v->number);
    }
  if ((v = FIELD (r, L_BU))->kind == V_TEXT)
    {
      s->base.unit = v->text;
      iot_tree_add_string (s->pkt, node, &senml_fields[F_BASE_UNIT], s->buf, v->off, v->len, v->text, -1);
    }
  if ((v = FIELD (r, L_BV))->kind == V_NUMBER)
    {
      s->base.value = v->number;
      add_number (s, node, F_BASE_VALUE, v, v->number);
    }
  if ((v = FIELD (r, L_BS))->kind == V_NUMBER)
    {
      s->base.sum = v->number;
      add_number (s, node, F_BASE_SUM, v, v->number);
    }
}

/* The absolute time of a record in ns: RFC 8428 4.5.3, times below 2^28 s
 * are relative to now (the frame's time). */
static gint64
resolve_time (Senml *s, double seconds)
{
  gint64 ns = (gint64) llround (seconds * 1e9);

  if (fabs (seconds) < 268435456.0)
    ns += iot_packet_time_ns (s->pkt);
  return ns;
}

static void
show_record (Senml *s, const Record *r)
{
  int node = iot_tree_add_item (s->pkt, s->tree, &senml_fields[F_RECORD], s->buf, r->off, r->len, FALSE);
  const Value *n = FIELD (r, L_N), *u = FIELD (r, L_U), *v = FIELD (r, L_V), *t = FIELD (r, L_T);
  const Value *sum = FIELD (r, L_S), *vs = FIELD (r, L_VS), *vb = FIELD (r, L_VB), *vd = FIELD (r, L_VD);
  const Value *ut = FIELD (r, L_UT);
  const char *name, *unit;
  GString *label = g_string_new (NULL);
  gint64 time_ns;
  int row;

  s->n_records++;
  apply_base (s, node, r);
  name = iot_packet_strdup_printf (s->pkt, "%s%s", s->base.name ? s->base.name : "",
                                   n->kind == V_TEXT ? n->text : "");
  unit = u->kind == V_TEXT ? u->text : s->base.unit;
  time_ns = resolve_time (s, s->base.time + (t->kind == V_NUMBER ? t->number : 0));

  row = iot_tree_add_string (s->pkt, node, &senml_fields[F_NAME], s->buf, n->kind ? n->off : r->off,
                             n->kind ? n->len : 0, name, -1);
  if (n->kind != V_TEXT)
    iot_tree_set_generated (s->pkt, row);
  g_string_append_printf (label, "Record %u: %s", s->n_records, name[0] ? name : "(no name)");

  if (v->kind == V_NUMBER)
    {
      double value = s->base.value + v->number;

      row = iot_tree_add_double (s->pkt, node, &senml_fields[F_VALUE], s->buf, v->off, v->len, value);
      if (s->base.value != 0)
        iot_tree_set_generated (s->pkt, row);
      g_string_append_printf (label, " = %g", value);
      if (s->readings)
        {
          IotReading reading = { 0 };

          reading.device = iot_lwm2m_endpoint (s->pkt);
          reading.series = s->location != NULL ? s->location : s->base.name;
          reading.name = name;
          reading.unit = unit;
          reading.value = value;
          /* Without bt or t the value is of "now": the frame's time, which
           * a reading says with 0. */
          reading.time_ns = s->base_time_seen || t->kind == V_NUMBER ? time_ns : 0;
          iot_packet_add_reading (s->pkt, &reading);
        }
    }
  if (vs->kind == V_TEXT)
    {
      iot_tree_add_string (s->pkt, node, &senml_fields[F_VALUE_STRING], s->buf, vs->off, vs->len, vs->text, -1);
      g_string_append_printf (label, " = \"%s\"", vs->text);
    }
  if (vb->kind == V_BOOL)
    {
      iot_tree_add_boolean (s->pkt, node, &senml_fields[F_VALUE_BOOL], s->buf, vb->off, vb->len, vb->boolean);
      g_string_append_printf (label, " = %s", vb->boolean ? "true" : "false");
    }
  if (vd->kind == V_TEXT || vd->kind == V_BYTES)
    iot_tree_add_string (s->pkt, node, &senml_fields[F_VALUE_DATA], s->buf, vd->off, vd->len, vd->text, -1);
  if (sum->kind == V_NUMBER)
    add_number (s, node, F_SUM, sum, s->base.sum + sum->number);
  /* A unit belongs to a number: strings and booleans have none. */
  if (unit != NULL && (v->kind == V_NUMBER || sum->kind == V_NUMBER))
    {
      row = iot_tree_add_string (s->pkt, node, &senml_fields[F_UNIT], s->buf, u->kind ? u->off : r->off,
                                 u->kind ? u->len : 0, unit, -1);
      if (u->kind != V_TEXT)
        iot_tree_set_generated (s->pkt, row);
      g_string_append_printf (label, " %s", unit);
    }
  row = iot_tree_add_time (s->pkt, node, &senml_fields[F_TIME], s->buf, t->kind ? t->off : r->off,
                           t->kind ? t->len : 0, time_ns);
  if (t->kind != V_NUMBER || s->base.time != 0)
    iot_tree_set_generated (s->pkt, row);
  if (ut->kind == V_NUMBER)
    add_number (s, node, F_UPDATE_TIME, ut, ut->number);
  iot_tree_set_label (s->pkt, node, "%s", label->str);
  g_string_free (label, TRUE);
}

/* Stores a label's value in the record; a label the record already has,
 * or one of the wrong kind, is noted. */
static void
store (Senml *s, int record_node, Record *r, Label label, const Value *v, const char *key)
{
  if (label == L_UNKNOWN || label < L_BS || label > L_VD)
    {
      iot_tree_add_string (s->pkt, record_node, &senml_fields[F_LABEL], s->buf, v->off, v->len, key, -1);
      return;
    }
  *FIELD (r, label) = *v;
}

/* ---- JSON ------------------------------------------------------------------------- */

typedef struct {
  const guint8 *p;
  guint         end, off;
} Json;

static void
json_blank (Json *j)
{
  while (j->off < j->end && (j->p[j->off] == ' ' || j->p[j->off] == '\t' || j->p[j->off] == '\r'
                             || j->p[j->off] == '\n'))
    j->off++;
}

static gboolean
json_expect (Json *j, char c)
{
  json_blank (j);
  if (j->off < j->end && j->p[j->off] == c)
    {
      j->off++;
      return TRUE;
    }
  return FALSE;
}

/* A string (simple escapes decoded) into packet memory; NULL if not one. */
static char *
json_string (IotPacket *pkt, Json *j, guint *start, guint *len)
{
  GString *out;
  char *text;

  json_blank (j);
  if (j->off >= j->end || j->p[j->off] != '"')
    return NULL;
  *start = j->off++;
  out = g_string_new (NULL);
  while (j->off < j->end && j->p[j->off] != '"')
    {
      guint8 c = j->p[j->off++];

      if (c == '\\' && j->off < j->end)
        {
          c = j->p[j->off++];
          switch (c)
            {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u':
              {
                guint32 cp = 0;

                for (int k = 0; k < 4 && j->off < j->end; k++)
                  cp = cp << 4 | (guint32) MAX (0, g_ascii_xdigit_value ((char) j->p[j->off++]));
                g_string_append_unichar (out, g_unichar_validate (cp) ? cp : 0xfffd);
                continue;
              }
            default: break;
            }
        }
      g_string_append_c (out, (char) c);
    }
  if (j->off >= j->end)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  j->off++;
  *len = j->off - *start;
  text = iot_packet_valid_utf8 (pkt, (const guint8 *) out->str, out->len);
  g_string_free (out, TRUE);
  return text;
}

static gboolean
json_value (IotPacket *pkt, Json *j, Value *v)
{
  guint start;

  json_blank (j);
  if (j->off >= j->end)
    return FALSE;
  start = j->off;
  v->off = start;
  if (j->p[j->off] == '"')
    {
      v->kind = V_TEXT;
      v->text = json_string (pkt, j, &v->off, &v->len);
      return v->text != NULL;
    }
  if (j->end - j->off >= 4 && memcmp (j->p + j->off, "true", 4) == 0)
    {
      v->kind = V_BOOL;
      v->boolean = TRUE;
      v->len = 4;
      j->off += 4;
      return TRUE;
    }
  if (j->end - j->off >= 5 && memcmp (j->p + j->off, "false", 5) == 0)
    {
      v->kind = V_BOOL;
      v->len = 5;
      j->off += 5;
      return TRUE;
    }
  while (j->off < j->end && strchr ("+-0123456789.eE", j->p[j->off]) != NULL && j->p[j->off] != '\0')
    j->off++;
  if (j->off == start)
    return FALSE;
  {
    char *text = iot_packet_strndup (pkt, (const char *) j->p + start, j->off - start);
    char *end;

    v->number = g_ascii_strtod (text, &end);
    if (*end != '\0')
      return FALSE;
  }
  v->kind = V_NUMBER;
  v->len = j->off - start;
  return TRUE;
}

static Label
json_label (const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (json_labels); i++)
    if (strcmp (json_labels[i].json, key) == 0)
      return json_labels[i].label;
  return L_UNKNOWN;
}

/* A JSON pack: [ {label: value, …}, … ].  FALSE where it stops being one. */
static gboolean
parse_json (Senml *s)
{
  Json j = { s->buf->length ? iot_buf_ptr (s->buf, 0, s->buf->length) : NULL, s->buf->length, 0 };

  if (j.p == NULL || !json_expect (&j, '['))
    return FALSE;
  if (json_expect (&j, ']'))
    return TRUE;
  do
    {
      Record r = { 0 };

      json_blank (&j);
      r.off = j.off;
      if (!json_expect (&j, '{'))
        return FALSE;
      if (!json_expect (&j, '}'))
        do
          {
            guint koff, klen;
            char *key = json_string (s->pkt, &j, &koff, &klen);
            Value v = { 0 };

            if (key == NULL || !json_expect (&j, ':') || !json_value (s->pkt, &j, &v))
              return FALSE;
            store (s, s->tree, &r, json_label (key), &v, key);
          }
        while (json_expect (&j, ','));
      else
        j.off--;
      if (!json_expect (&j, '}'))
        return FALSE;
      r.len = j.off - r.off;
      show_record (s, &r);
    }
  while (json_expect (&j, ','));
  return json_expect (&j, ']');
}

/* ---- CBOR ------------------------------------------------------------------------- */

typedef struct {
  const IotBuf *buf;
  guint         off;
} Cbor;

/* The head of an item: major type and argument (0 with *indefinite set
 * for minor 31).  FALSE for reserved minors. */
static gboolean
cbor_head (Cbor *c, guint *major, guint64 *arg, gboolean *indefinite)
{
  guint8 first = iot_buf_u8 (c->buf, c->off++);
  guint minor = first & 0x1f;

  *major = first >> 5;
  *indefinite = minor == 31;
  *arg = minor;
  if (minor == 24)
    *arg = iot_buf_u8 (c->buf, c->off), c->off += 1;
  else if (minor == 25)
    *arg = iot_buf_u16 (c->buf, c->off), c->off += 2;
  else if (minor == 26)
    *arg = iot_buf_u32 (c->buf, c->off), c->off += 4;
  else if (minor == 27)
    *arg = iot_buf_u64 (c->buf, c->off), c->off += 8;
  else if (minor > 27 && minor != 31)
    return FALSE;
  return TRUE;
}

static double
cbor_half (guint16 half)
{
  guint exponent = (half >> 10) & 0x1f, mantissa = half & 0x3ff;
  double value = exponent == 0 ? ldexp (mantissa, -24)
               : exponent != 31 ? ldexp (mantissa + 1024, (int) exponent - 25)
               : mantissa == 0 ? INFINITY : NAN;

  return (half & 0x8000) ? -value : value;
}

/* A scalar value (number, definite string, bool); FALSE for anything else. */
static gboolean
cbor_value (IotPacket *pkt, Cbor *c, Value *v)
{
  guint major;
  guint64 arg;
  gboolean indefinite;

  v->off = c->off;
  if (!cbor_head (c, &major, &arg, &indefinite))
    return FALSE;
  while (major == 6)   /* tags: the value inside counts */
    if (!cbor_head (c, &major, &arg, &indefinite))
      return FALSE;
  switch (major)
    {
    case 0:
      v->kind = V_NUMBER;
      v->number = (double) arg;
      break;
    case 1:
      v->kind = V_NUMBER;
      v->number = -1.0 - (double) arg;
      break;
    case 2:
    case 3:
      {
        const guint8 *bytes;

        if (indefinite || arg > iot_buf_remaining (c->buf, c->off))
          return FALSE;
        bytes = iot_buf_ptr (c->buf, c->off, (guint) arg);
        c->off += (guint) arg;
        if (major == 3)
          {
            v->kind = V_TEXT;
            v->text = iot_packet_valid_utf8 (pkt, bytes, (gsize) arg);
          }
        else
          {
            GString *hex = g_string_new (NULL);

            for (guint i = 0; i < arg; i++)
              g_string_append_printf (hex, "%02x", bytes[i]);
            v->kind = V_BYTES;
            v->text = iot_packet_strndup (pkt, hex->str, hex->len);
            g_string_free (hex, TRUE);
          }
      }
      break;
    case 7:
      {
        guint minor = iot_buf_u8 (c->buf, v->off) & 0x1f;
        guint32 bits32;
        guint64 bits64;
        float f;
        double d;

        if (minor == 20 || minor == 21)
          {
            v->kind = V_BOOL;
            v->boolean = minor == 21;
          }
        else if (minor == 25)
          {
            v->kind = V_NUMBER;
            v->number = cbor_half ((guint16) arg);
          }
        else if (minor == 26)
          {
            bits32 = (guint32) arg;
            memcpy (&f, &bits32, sizeof f);
            v->kind = V_NUMBER;
            v->number = f;
          }
        else if (minor == 27)
          {
            bits64 = arg;
            memcpy (&d, &bits64, sizeof d);
            v->kind = V_NUMBER;
            v->number = d;
          }
        else
          return FALSE;
      }
      break;
    default:
      return FALSE;
    }
  v->len = c->off - v->off;
  return TRUE;
}

static gboolean
cbor_at_break (Cbor *c)
{
  if (iot_buf_u8 (c->buf, c->off) != 0xff)
    return FALSE;
  c->off++;
  return TRUE;
}

/* A CBOR pack: an array of maps keyed by the labels' numbers (or names). */
static gboolean
parse_cbor (Senml *s)
{
  Cbor c = { s->buf, 0 };
  guint major;
  guint64 count, pairs;
  gboolean indefinite, map_indefinite;

  if (!cbor_head (&c, &major, &count, &indefinite) || major != 4)
    return FALSE;
  for (guint64 i = 0; indefinite ? !cbor_at_break (&c) : i < count; i++)
    {
      Record r = { 0 };

      r.off = c.off;
      if (!cbor_head (&c, &major, &pairs, &map_indefinite) || major != 5)
        return FALSE;
      for (guint64 k = 0; map_indefinite ? !cbor_at_break (&c) : k < pairs; k++)
        {
          Value key = { 0 }, v = { 0 };
          Label label = L_UNKNOWN;

          if (!cbor_value (s->pkt, &c, &key) || !cbor_value (s->pkt, &c, &v))
            return FALSE;
          if (key.kind == V_NUMBER && key.number >= L_BS && key.number <= L_VD)
            label = (Label) (int) key.number;
          else if (key.kind == V_TEXT)
            label = json_label (key.text);
          store (s, s->tree, &r, label, &v,
                 key.kind == V_TEXT ? key.text : iot_packet_strdup_printf (s->pkt, "%g", key.number));
        }
      r.len = c.off - r.off;
      show_record (s, &r);
    }
  return TRUE;
}

/* ---- the layer ---------------------------------------------------------------------- */

static int
dissect_senml (IotPacket *pkt, IotBuf *buf, int parent, gpointer data)
{
  const IotMediaInfo *info = data;
  gboolean is_cbor;
  Senml s = { pkt, buf, -1, info != NULL ? info->location : NULL };
  gboolean ok;

  /* The media type says which encoding; without one (Decode As) a pack
   * starting with '[' or a blank is JSON, anything else CBOR. */
  if (info != NULL && info->media_type != NULL)
    is_cbor = g_str_has_suffix (info->media_type, "+cbor");
  else
    is_cbor = buf->length > 0 && strchr ("[ \t\r\n", iot_buf_u8 (buf, 0)) == NULL;
  s.tree = iot_tree_add_protocol (pkt, parent, &senml_fields[F_PROTO], buf, 0, -1);
  s.readings = iot_packet_wants_readings (pkt);
  ok = is_cbor ? parse_cbor (&s) : parse_json (&s);
  iot_tree_append_label (pkt, s.tree, " (%u record%s)", s.n_records, s.n_records == 1 ? "" : "s");
  if (!ok)
    iot_expert_add_info (pkt, s.tree, &senml_experts[E_NOT_PACK], "Not a SenML pack (an array of records) from here on; %u record%s decoded",
                    s.n_records, s.n_records == 1 ? "" : "s");
  return buf->length;
}

IotDissector iot_dissector_senml = {
  .name = "SenML",
  .abbrev = "senml",
  .long_name = "Sensor Measurement Lists",
  .fields = senml_fields,
  .n_fields = N_FIELDS,
  .experts = senml_experts,
  .n_experts = N_EXPERTS,
  .dissect_with_data = dissect_senml,
};
