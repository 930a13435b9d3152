/* cbor.c — Concise Binary Object Representation (RFC 8949), the binary
 * cousin of JSON that constrained devices send: CoAP Content-Format 60,
 * HTTP and MQTT 5 bodies of type application/cbor, SenML in CBOR (112).
 *
 * Every data item becomes a row named after its major type ("Map: (2
 * pairs)", "Unsigned Integer: 40") holding the bit fields of its initial
 * byte, its argument and its content; arrays, maps, tags and the chunks of
 * indefinite-length strings hold their items as child rows.  Field names
 * and values are tshark 4.0's, including two of its habits: the argument of
 * an array written in extra bytes is a "Length" while that of a map stays
 * "Pairs", and a negative integer held in the initial byte carries the raw
 * 5-bit argument as its value (its label shows the number it stands for).
 *
 * Only the first data item of a body is decoded, as tshark does.  Items
 * nest recursively; beyond MAX_DEPTH levels decoding stops with an expert
 * item, which keeps the C stack small whatever the input.
 *
 * Map entries with a text key and a numeric value are published as
 * readings (name: the keys from the top joined by '/'), except in SenML
 * bodies, whose records the SenML layer publishes with their own names.
 */
#include <math.h>
#include <string.h>

#include "iot-dissector.h"

enum {
  F_PROTO,
  F_MAJOR_TYPE,
  F_SIZE,
  F_LENGTH,
  F_ITEMS,
  F_PAIRS,
  F_FLOAT_SIMPLE_TYPE,
  F_ITEM_UINT,
  F_ITEM_NINT,
  F_ITEM_TEXT,
  F_ITEM_BYTES,
  F_ITEM_ARRAY,
  F_ITEM_MAP,
  F_ITEM_TAG,
  F_ITEM_FLOAT_SIMPLE,
  F_UINT,
  F_NINT,
  F_BYTES,
  F_BYTES_INDEF,
  F_TEXT,
  F_TEXT_INDEF,
  F_TAG,
  F_SIMPLE,
  F_FLOAT16,
  F_FLOAT32,
  F_FLOAT64,
  N_FIELDS
};

/* Expert items, under tshark's abbreviations. */
enum {
  E_INVALID_MINOR,
  E_INVALID_ELEMENT,
  E_TOO_LONG,
  E_MAX_DEPTH,
  N_EXPERTS
};

enum {
  MT_UINT,
  MT_NINT,
  MT_BYTES,
  MT_TEXT,
  MT_ARRAY,
  MT_MAP,
  MT_TAG,
  MT_FLOAT_SIMPLE,
};

#define MINOR_1_BYTE  24
#define MINOR_8_BYTES 27
#define MINOR_INDEF   31
#define BREAK_BYTE    0xff

/* Nesting levels followed before decoding stops (tshark gives up near 500,
 * at its tree depth limit). */
#define MAX_DEPTH 400

static const IotValueName major_type_names[] = {
  { MT_UINT, "Unsigned Integer" },
  { MT_NINT, "Negative Integer" },
  { MT_BYTES, "Byte String" },
  { MT_TEXT, "Text String" },
  { MT_ARRAY, "Array" },
  { MT_MAP, "Map" },
  { MT_TAG, "Tagged" },
  { MT_FLOAT_SIMPLE, "Floating-Point or Simple" },
  IOT_VALUE_NAMES_END
};

/* What the major type is called in messages ("invalid minor type 28 in map"). */
static const char *const major_type_words[] = {
  "unsigned integer", "negative integer", "byte string", "text string",
  "array", "map", "tag", "simple data and float",
};

static const IotValueName size_names[] = {
  { 24, "1 byte" },
  { 25, "2 bytes" },
  { 26, "4 bytes" },
  { 27, "8 bytes" },
  { 31, "Indefinite Length" },
  IOT_VALUE_NAMES_END
};

static const IotValueName float_simple_type_names[] = {
  { 24, "Simple value" },
  { 25, "IEEE 754 Half-Precision Float" },
  { 26, "IEEE 754 Single-Precision Float" },
  { 27, "IEEE 754 Double-Precision Float" },
  { 31, "Break indefinite length" },
  IOT_VALUE_NAMES_END
};

static const IotValueName simple_names[] = {
  { 20, "False" },
  { 21, "True" },
  { 22, "Null" },
  { 23, "Undefined" },
  IOT_VALUE_NAMES_END
};

/* The tags of RFC 8949 section 3.4 and the IANA registry's common ones. */
static const IotValueName tag_names[] = {
  { 0, "Standard date/time string" },
  { 1, "Epoch-based date/time" },
  { 2, "Positive bignum" },
  { 3, "Negative bignum" },
  { 4, "Decimal fraction" },
  { 5, "Bigfloat" },
  { 21, "Expected conversion to base64url encoding" },
  { 22, "Expected conversion to base64 encoding" },
  { 23, "Expected conversion to base16 encoding" },
  { 24, "Encoded CBOR data item" },
  { 32, "URI" },
  { 33, "base64url" },
  { 34, "base64" },
  { 35, "Regular expression" },
  { 36, "MIME message" },
  { 55799, "Self-describe CBOR" },
  IOT_VALUE_NAMES_END
};

static IotField cbor_fields[N_FIELDS] = {
  [F_PROTO] = { "cbor", "Concise Binary Object Representation", IOT_FT_PROTOCOL, .blurb =
    "CBOR: a compact binary form of JSON-like data (numbers, strings, arrays, maps) used by "
    "small devices, e.g. in CoAP payloads. Each item starts with one byte: 3 bits of type, 5 of argument." },
  [F_MAJOR_TYPE] = { "cbor.item.major_type", "Major Type", IOT_FT_UINT8, IOT_BASE_DEC, major_type_names, 0xe0,
    "The top 3 bits of an item's first byte: what kind of item follows (integer, string, array, map, tag, float/simple)." },
  [F_SIZE] = { "cbor.item.size", "Size", IOT_FT_UINT8, IOT_BASE_DEC, size_names, 0x1f,
    "The low 5 bits when they do not hold the value itself: 24-27 say the argument follows in 1, 2, 4 or 8 bytes, "
    "31 marks an indefinite length ended by a break byte." },
  [F_LENGTH] = { "cbor.item.length", "Length", IOT_FT_UINT64, IOT_BASE_DEC, NULL, 0x1f,
    "How many bytes a string has (or how many items an array has, when written in extra bytes)." },
  [F_ITEMS] = { "cbor.item.items", "Items", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0x1f,
    "How many items the array holds." },
  [F_PAIRS] = { "cbor.item.pairs", "Pairs", IOT_FT_UINT64, IOT_BASE_DEC, NULL, 0x1f,
    "How many key/value pairs the map holds." },
  [F_FLOAT_SIMPLE_TYPE] = { "cbor.item.float_simple_type", "Type", IOT_FT_UINT8, IOT_BASE_DEC,
    float_simple_type_names, 0x1f,
    "For major type 7: whether a simple value (24), a half, single or double float (25-27) or a break (31) follows." },
  [F_ITEM_UINT] = { "cbor.item.unsigned_integer", "Unsigned Integer", IOT_FT_NONE, .blurb =
    "An item of major type 0: a whole number from 0 to 2^64-1." },
  [F_ITEM_NINT] = { "cbor.item.negative_integer", "Negative Integer", IOT_FT_NONE, .blurb =
    "An item of major type 1: the number -1 minus its argument." },
  [F_ITEM_TEXT] = { "cbor.item.textstring", "Text String", IOT_FT_NONE, .blurb =
    "An item of major type 3: UTF-8 text." },
  [F_ITEM_BYTES] = { "cbor.item.bytestring", "Byte String", IOT_FT_NONE, .blurb =
    "An item of major type 2: raw bytes." },
  [F_ITEM_ARRAY] = { "cbor.item.array", "Array", IOT_FT_NONE, .blurb =
    "An item of major type 4: a list of items." },
  [F_ITEM_MAP] = { "cbor.item.map", "Map", IOT_FT_NONE, .blurb =
    "An item of major type 5: key/value pairs, like a JSON object (keys need not be text)." },
  [F_ITEM_TAG] = { "cbor.item.tag", "Tag", IOT_FT_NONE, .blurb =
    "An item of major type 6: a number that says how to read the item inside (a date, a bignum …)." },
  [F_ITEM_FLOAT_SIMPLE] = { "cbor.item.float_or_simple", "Floating-point or Simple", IOT_FT_NONE, .blurb =
    "An item of major type 7: a float, false, true, null, undefined, another simple value, or a break." },
  [F_UINT] = { "cbor.type.uint", "Unsigned Integer", IOT_FT_UINT64, IOT_BASE_DEC, NULL, 0x1f,
    "The value of an unsigned integer." },
  [F_NINT] = { "cbor.type.nint", "Negative Integer", IOT_FT_INT64, IOT_BASE_DEC, .blurb =
    "The value of a negative integer (-1 minus the argument). When the argument sits in the first byte this "
    "field holds the argument itself, as tshark does; the row shows the number." },
  [F_BYTES] = { "cbor.type.bytestring", "Byte String", IOT_FT_BYTES, .blurb =
    "The bytes of a byte string." },
  [F_BYTES_INDEF] = { "cbor.type.bytestring.indef", "Byte String (indefinite length)", IOT_FT_NONE, .blurb =
    "A byte string sent in chunks, ended by a break byte (0xff)." },
  [F_TEXT] = { "cbor.type.textstring", "Text String", IOT_FT_STRING, .blurb =
    "The text of a text string." },
  [F_TEXT_INDEF] = { "cbor.type.textstring.indef", "Text String (indefinite length)", IOT_FT_NONE, .blurb =
    "A text string sent in chunks, ended by a break byte (0xff)." },
  [F_TAG] = { "cbor.type.tag", "Tag", IOT_FT_UINT64, IOT_BASE_DEC, tag_names, 0x1f,
    "The tag number: 0 date/time text, 1 epoch time, 2/3 bignums, 24 embedded CBOR, 55799 \"this is CBOR\" …" },
  [F_SIMPLE] = { "cbor.type.simple_data", "Simple data", IOT_FT_UINT8, IOT_BASE_DEC, simple_names, 0x1f,
    "A simple value: 20 false, 21 true, 22 null, 23 undefined; others are unassigned." },
  [F_FLOAT16] = { "cbor.type.float16", "Float 16 Bit", IOT_FT_DOUBLE, .bits = IOT_FLOAT_DIGITS, .blurb =
    "A half-precision float (2 bytes): enough for many sensor readings." },
  [F_FLOAT32] = { "cbor.type.float32", "Float 32 Bit", IOT_FT_DOUBLE, .bits = IOT_FLOAT_DIGITS, .blurb =
    "A single-precision float (4 bytes)." },
  [F_FLOAT64] = { "cbor.type.float64", "Float 64 Bit", IOT_FT_DOUBLE, .blurb =
    "A double-precision float (8 bytes)." },
};

static IotExpertInfo cbor_experts[N_EXPERTS] = {
  [E_INVALID_MINOR] = IOT_EXPERT_INFO ("cbor.invalid_minor_type", IOT_SEV_WARN, IOT_GROUP_MALFORMED,
    "Invalid minor type",
    "The low 5 bits hold a value RFC 8949 does not allow for this major type (28-30, or 31 where no "
    "indefinite length exists)."),
  [E_INVALID_ELEMENT] = IOT_EXPERT_INFO ("cbor.invalid_element", IOT_SEV_WARN, IOT_GROUP_MALFORMED,
    "Invalid element",
    "A chunk of an indefinite-length string is not a string of the same type."),
  [E_TOO_LONG] = IOT_EXPERT_INFO ("cbor.too_long_length", IOT_SEV_WARN, IOT_GROUP_MALFORMED,
    "Too long length",
    "A negative integer below -2^63, which a 64-bit signed field cannot hold."),
  [E_MAX_DEPTH] = IOT_EXPERT_INFO ("cbor.max_recursion_depth_reached", IOT_SEV_WARN, IOT_GROUP_MALFORMED,
    "Maximum allowed recursion depth reached. Dissection stopped.",
    "Items nested deeper than this decoder follows; the rest is not decoded."),
};

typedef struct {
  IotPacket   *pkt;
  const IotBuf *buf;
  const char  *location;   /* where the body was sent, for readings */
  gboolean     readings;   /* publish map entries with a number */
  GPtrArray   *keys;       /* text keys of the enclosing map entries */
} Walk;

/* A decoded item, for the label of its row and for readings. */
typedef struct {
  gboolean     is_number;
  double       number;
  const char  *text;       /* a definite text string, in packet memory */
  gboolean     stop;       /* decoding must stop here (an error) */
} Item;

static gboolean dissect_item (Walk *w, int parent, guint *off, guint depth, Item *out);

/* The argument held in 1, 2, 4 or 8 bytes after the initial byte. */
static guint64
read_argument (const IotBuf *buf, guint off, guint minor)
{
  switch (minor)
    {
    case 24: return iot_buf_u8 (buf, off);
    case 25: return iot_buf_u16 (buf, off);
    case 26: return iot_buf_u32 (buf, off);
    default: return iot_buf_u64 (buf, off);
    }
}

static guint
argument_size (guint minor)
{
  return minor < MINOR_1_BYTE ? 0 : 1u << (minor - MINOR_1_BYTE);
}

static void
invalid_minor (Walk *w, int item, guint off, guint major, guint minor)
{
  iot_expert_add_info (w->pkt, item, &cbor_experts[E_INVALID_MINOR], "invalid minor type %u in %s",
                       minor, major_type_words[major]);
}

/* Half precision as RFC 8949 appendix D decodes it. */
static double
half_to_double (guint16 half)
{
  guint exponent = (half >> 10) & 0x1f, mantissa = half & 0x3ff;
  double value;

  if (exponent == 0)
    value = ldexp (mantissa, -24);
  else if (exponent != 31)
    value = ldexp (mantissa + 1024, (int) exponent - 25);
  else
    value = mantissa == 0 ? INFINITY : NAN;
  return (half & 0x8000) ? -value : value;
}

static double
bits_to_float (guint32 bits)
{
  float f;

  memcpy (&f, &bits, sizeof f);
  return f;
}

static double
bits_to_double (guint64 bits)
{
  double d;

  memcpy (&d, &bits, sizeof d);
  return d;
}

/* The row of an argument held in the initial byte, drawn as tshark draws
 * it ("...0 0100 = Length: 4") although the field holds 64 bits. */
static void
label_inline (Walk *w, int node, int field, guint minor)
{
  const char *name = cbor_fields[field].vals ? iot_value_name (cbor_fields[field].vals, minor) : NULL;
  char bits[16];

  g_snprintf (bits, sizeof bits, "...%u %u%u%u%u", (minor >> 4) & 1, (minor >> 3) & 1, (minor >> 2) & 1,
              (minor >> 1) & 1, minor & 1);
  if (name != NULL)
    iot_tree_set_label (w->pkt, node, "%s = %s: %s (%u)", bits, cbor_fields[field].name, name, minor);
  else
    iot_tree_set_label (w->pkt, node, "%s = %s: %u", bits, cbor_fields[field].name, minor);
}

/* Adds the argument of an item: from the initial byte (@inline_field), or
 * as Size plus @ext_field over the bytes that follow.  Returns the argument
 * and advances *off past it. */
static guint64
add_argument (Walk *w, int item, guint *off, guint minor, int inline_field, int ext_field)
{
  guint64 value;
  guint n = argument_size (minor);
  int node;

  if (minor < MINOR_1_BYTE)
    {
      node = iot_tree_add_item (w->pkt, item, &cbor_fields[inline_field], w->buf, *off, 1, FALSE);
      if (cbor_fields[inline_field].type == IOT_FT_UINT64)
        label_inline (w, node, inline_field, minor);
      (*off)++;
      return minor;
    }
  iot_tree_add_item (w->pkt, item, &cbor_fields[F_SIZE], w->buf, *off, 1, FALSE);
  value = read_argument (w->buf, *off + 1, minor);
  node = iot_tree_add_uint (w->pkt, item, &cbor_fields[ext_field], w->buf, *off + 1, n, value);
  if (cbor_fields[ext_field].vals != NULL && iot_value_name (cbor_fields[ext_field].vals, value) != NULL)
    iot_tree_set_label (w->pkt, node, "%s: %s (%" G_GUINT64_FORMAT ")", cbor_fields[ext_field].name,
                        iot_value_name (cbor_fields[ext_field].vals, value), value);
  else
    iot_tree_set_label (w->pkt, node, "%s: %" G_GUINT64_FORMAT, cbor_fields[ext_field].name, value);
  *off += 1 + n;
  return value;
}

/* ---- strings ------------------------------------------------------------ */

static void
add_string_content (Walk *w, int item, guint off, guint64 len, guint major, Item *out)
{
  const guint8 *bytes;

  iot_buf_check (w->buf, off, len);
  bytes = iot_buf_ptr (w->buf, off, (guint) len);
  if (major == MT_TEXT)
    {
      char *text = iot_packet_valid_utf8 (w->pkt, bytes, (gsize) len);

      out->text = text;
      iot_tree_add_string (w->pkt, item, &cbor_fields[F_TEXT], w->buf, off, (guint) len, text, -1);
      iot_tree_set_label (w->pkt, item, "Text String: %s", iot_packet_format_text (w->pkt, bytes, (gsize) len));
    }
  else
    {
      iot_tree_add_bytes (w->pkt, item, &cbor_fields[F_BYTES], w->buf, off, (guint) len, bytes, (guint) len);
      iot_tree_set_label (w->pkt, item, "Byte String: (%" G_GUINT64_FORMAT " byte%s)", len, len == 1 ? "" : "s");
    }
}

/* The chunks of an indefinite-length string, each a definite string of the
 * same major type, up to the break. */
static void
dissect_string_chunks (Walk *w, int item, guint *off, guint major, guint depth, Item *out)
{
  int indef = iot_tree_add_item (w->pkt, item, &cbor_fields[major == MT_TEXT ? F_TEXT_INDEF : F_BYTES_INDEF],
                                 w->buf, *off, 1, FALSE);

  iot_tree_set_label (w->pkt, item, "%s: (indefinite length)", major == MT_TEXT ? "Text String" : "Byte String");
  for (;;)
    {
      guint8 first = iot_buf_u8 (w->buf, *off);
      Item chunk = { 0 };

      if (first == BREAK_BYTE)
        {
          dissect_item (w, item, off, depth + 1, &chunk);
          return;
        }
      if ((guint) (first >> 5) != major)
        {
          iot_expert_add_info (w->pkt, indef >= 0 ? indef : item, &cbor_experts[E_INVALID_ELEMENT],
                               "invalid element %u, expected %s", first >> 5, major_type_words[major]);
          out->stop = TRUE;
          return;
        }
      if (!dissect_item (w, indef, off, depth + 1, &chunk))
        {
          out->stop = TRUE;
          return;
        }
    }
}

static void
dissect_string (Walk *w, int item, guint *off, guint major, guint minor, guint depth, Item *out)
{
  guint64 len;

  if (minor == MINOR_INDEF)
    {
      iot_tree_add_item (w->pkt, item, &cbor_fields[F_SIZE], w->buf, *off, 1, FALSE);
      (*off)++;
      dissect_string_chunks (w, item, off, major, depth, out);
      return;
    }
  len = add_argument (w, item, off, minor, F_LENGTH, F_LENGTH);
  if (len > iot_buf_remaining (w->buf, *off))
    iot_buf_check (w->buf, *off, len);
  add_string_content (w, item, *off, len, major, out);
  *off += (guint) len;
}

/* ---- containers ---------------------------------------------------------- */

static void
publish_reading (Walk *w, const char *key, const Item *value)
{
  IotReading r = { 0 };
  GString *name;

  if (!w->readings || !value->is_number || key == NULL)
    return;
  name = g_string_new (NULL);
  for (guint i = 0; i < w->keys->len; i++)
    g_string_append_printf (name, "%s/", (const char *) w->keys->pdata[i]);
  g_string_append (name, key);
  r.series = w->location;
  r.name = name->str;
  r.value = value->number;
  iot_packet_add_reading (w->pkt, &r);
  g_string_free (name, TRUE);
}

/* Items of an array, or keys and values of a map, @count of them or up to
 * a break when @indefinite.  FALSE when an error stopped decoding. */
static gboolean
dissect_members (Walk *w, int item, guint *off, gboolean is_map, guint64 count, gboolean indefinite, guint depth)
{
  for (guint64 i = 0; indefinite || i < count; i++)
    {
      Item key = { 0 }, value = { 0 };

      if (indefinite && iot_buf_u8 (w->buf, *off) == BREAK_BYTE)
        return dissect_item (w, item, off, depth + 1, &key);
      if (!dissect_item (w, item, off, depth + 1, &key))
        return FALSE;
      if (!is_map)
        continue;
      if (key.text != NULL)
        g_ptr_array_add (w->keys, (gpointer) key.text);
      if (!dissect_item (w, item, off, depth + 1, &value))
        return FALSE;
      if (key.text != NULL)
        {
          g_ptr_array_set_size (w->keys, w->keys->len - 1);
          publish_reading (w, key.text, &value);
        }
    }
  return TRUE;
}

static gboolean
dissect_container (Walk *w, int item, guint *off, guint major, guint minor, guint depth)
{
  gboolean is_map = major == MT_MAP;
  const char *word = is_map ? "pair" : "item";
  guint64 count;

  if (minor == MINOR_INDEF)
    {
      iot_tree_add_item (w->pkt, item, &cbor_fields[F_SIZE], w->buf, *off, 1, FALSE);
      (*off)++;
      iot_tree_set_label (w->pkt, item, "%s: (indefinite length)", is_map ? "Map" : "Array");
      return dissect_members (w, item, off, is_map, 0, TRUE, depth);
    }
  count = add_argument (w, item, off, minor, is_map ? F_PAIRS : F_ITEMS, is_map ? F_PAIRS : F_LENGTH);
  iot_tree_set_label (w->pkt, item, "%s: (%" G_GUINT64_FORMAT " %s%s)", is_map ? "Map" : "Array", count, word,
                      count == 1 ? "" : "s");
  return dissect_members (w, item, off, is_map, count, FALSE, depth);
}

/* ---- the other major types ---------------------------------------------------- */

static void
dissect_uint (Walk *w, int item, guint *off, guint minor, Item *out)
{
  guint64 value = add_argument (w, item, off, minor, F_UINT, F_UINT);

  out->is_number = TRUE;
  out->number = (double) value;
  iot_tree_set_label (w->pkt, item, "Unsigned Integer: %" G_GUINT64_FORMAT, value);
}

static void
dissect_nint (Walk *w, int item, guint *off, guint minor, Item *out)
{
  guint64 arg;
  int node;

  if (minor < MINOR_1_BYTE)
    {
      node = iot_tree_add_int (w->pkt, item, &cbor_fields[F_NINT], w->buf, *off, 1, minor);
      iot_tree_set_label (w->pkt, node, "...%u %u%u%u%u = Negative Integer: %d", (minor >> 4) & 1, (minor >> 3) & 1,
                          (minor >> 2) & 1, (minor >> 1) & 1, minor & 1, -1 - (int) minor);
      iot_tree_set_label (w->pkt, item, "Negative Integer: %d", -1 - (int) minor);
      out->is_number = TRUE;
      out->number = -1.0 - minor;
      (*off)++;
      return;
    }
  iot_tree_add_item (w->pkt, item, &cbor_fields[F_SIZE], w->buf, *off, 1, FALSE);
  arg = read_argument (w->buf, *off + 1, minor);
  out->is_number = TRUE;
  out->number = -1.0 - (double) arg;
  if (arg > G_MAXINT64)
    {
      /* The item's own note comes before the value row, as in tshark. */
      iot_expert_add_info (w->pkt, item, &cbor_experts[E_TOO_LONG],
                           "The value is too small, Wireshark can not display it correctly");
      iot_tree_add_int (w->pkt, item, &cbor_fields[F_NINT], w->buf, *off + 1, argument_size (minor), 0);
      iot_tree_set_label (w->pkt, item, "Negative Integer: -1-%" G_GUINT64_FORMAT, arg);
    }
  else
    {
      gint64 value = -1 - (gint64) arg;

      iot_tree_add_int (w->pkt, item, &cbor_fields[F_NINT], w->buf, *off + 1, argument_size (minor), value);
      iot_tree_set_label (w->pkt, item, "Negative Integer: %" G_GINT64_FORMAT, value);
    }
  *off += 1 + argument_size (minor);
}

static gboolean
dissect_tag (Walk *w, int item, guint *off, guint minor, guint depth)
{
  guint64 tag = add_argument (w, item, off, minor, F_TAG, F_TAG);
  const char *name = iot_value_name (tag_names, tag);
  Item inner = { 0 };

  iot_tree_set_label (w->pkt, item, "Tag: %s (%" G_GUINT64_FORMAT ")", name ? name : "Unknown", tag);
  return dissect_item (w, item, off, depth + 1, &inner);
}

static void
dissect_float_simple (Walk *w, int item, guint *off, guint minor, Item *out)
{
  const char *name;
  double value;
  guint64 simple;
  int node;

  if (minor < MINOR_1_BYTE)
    {
      iot_tree_add_item (w->pkt, item, &cbor_fields[F_SIMPLE], w->buf, *off, 1, FALSE);
      name = iot_value_name (simple_names, minor);
      iot_tree_set_label (w->pkt, item, "Simple: %s (%u)", name ? name : "Unassigned", minor);
      (*off)++;
      return;
    }
  iot_tree_add_item (w->pkt, item, &cbor_fields[F_FLOAT_SIMPLE_TYPE], w->buf, *off, 1, FALSE);
  switch (minor)
    {
    case 24:
      simple = iot_buf_u8 (w->buf, *off + 1);
      node = iot_tree_add_uint (w->pkt, item, &cbor_fields[F_SIMPLE], w->buf, *off + 1, 1, simple);
      iot_tree_set_label (w->pkt, node, "Simple data: %" G_GUINT64_FORMAT, simple);
      iot_tree_set_label (w->pkt, item, "Simple: Unassigned (%" G_GUINT64_FORMAT ")", simple);
      *off += 2;
      return;
    case 25:
      value = half_to_double (iot_buf_u16 (w->buf, *off + 1));
      iot_tree_add_double (w->pkt, item, &cbor_fields[F_FLOAT16], w->buf, *off + 1, 2, value);
      break;
    case 26:
      value = bits_to_float (iot_buf_u32 (w->buf, *off + 1));
      iot_tree_add_double (w->pkt, item, &cbor_fields[F_FLOAT32], w->buf, *off + 1, 4, value);
      break;
    case 27:
      value = bits_to_double (iot_buf_u64 (w->buf, *off + 1));
      iot_tree_add_double (w->pkt, item, &cbor_fields[F_FLOAT64], w->buf, *off + 1, 8, value);
      break;
    case MINOR_INDEF:
      iot_tree_set_label (w->pkt, item, "Break indefinite length (31)");
      (*off)++;
      return;
    default:
      invalid_minor (w, item, *off, MT_FLOAT_SIMPLE, minor);
      out->stop = TRUE;
      (*off)++;
      return;
    }
  iot_tree_set_label (w->pkt, item, "Float: %.*g", minor == 27 ? 17 : 6, value);
  out->is_number = !isnan (value) && !isinf (value);
  out->number = value;
  *off += 1 + argument_size (minor);
}

/* ---- one item ------------------------------------------------------------------- */

static const int item_fields[] = {
  F_ITEM_UINT, F_ITEM_NINT, F_ITEM_BYTES, F_ITEM_TEXT, F_ITEM_ARRAY, F_ITEM_MAP, F_ITEM_TAG, F_ITEM_FLOAT_SIMPLE,
};

/* Whether the low 5 bits are allowed for @major (major type 7 checks its own). */
static gboolean
minor_allowed (guint major, guint minor)
{
  if (minor <= MINOR_8_BYTES)
    return TRUE;
  return minor == MINOR_INDEF
         && (major == MT_BYTES || major == MT_TEXT || major == MT_ARRAY || major == MT_MAP);
}

/* Dissects the item at *off under @parent and advances *off past it.
 * FALSE when decoding has to stop (an invalid item, too deep). */
static gboolean
dissect_item (Walk *w, int parent, guint *off, guint depth, Item *out)
{
  guint start = *off;
  guint8 first;
  guint major, minor;
  gboolean ok = TRUE;
  int item;

  if (depth > MAX_DEPTH)
    {
      iot_expert_add_info (w->pkt, parent, &cbor_experts[E_MAX_DEPTH], NULL);
      return FALSE;
    }
  first = iot_buf_u8 (w->buf, start);
  major = first >> 5;
  minor = first & 0x1f;
  item = iot_tree_add_item (w->pkt, parent, &cbor_fields[item_fields[major]], w->buf, start, 1, FALSE);
  iot_tree_add_item (w->pkt, item, &cbor_fields[F_MAJOR_TYPE], w->buf, start, 1, FALSE);

  if (!minor_allowed (major, minor) && major != MT_FLOAT_SIMPLE)
    {
      iot_tree_add_item (w->pkt, item, &cbor_fields[F_SIZE], w->buf, start, 1, FALSE);
      invalid_minor (w, item, start, major, minor);
      iot_tree_set_length (w->pkt, item, 1);
      *off = start + 1;
      return FALSE;
    }

  switch (major)
    {
    case MT_UINT:
      dissect_uint (w, item, off, minor, out);
      break;
    case MT_NINT:
      dissect_nint (w, item, off, minor, out);
      break;
    case MT_BYTES:
    case MT_TEXT:
      dissect_string (w, item, off, major, minor, depth, out);
      ok = !out->stop;
      break;
    case MT_ARRAY:
    case MT_MAP:
      ok = dissect_container (w, item, off, major, minor, depth);
      break;
    case MT_TAG:
      ok = dissect_tag (w, item, off, minor, depth);
      break;
    default:
      dissect_float_simple (w, item, off, minor, out);
      ok = !out->stop;
      break;
    }
  iot_tree_set_length (w->pkt, item, *off - start);
  return ok;
}

/* ---- the layer --------------------------------------------------------------------- */

static gboolean
is_senml (const char *media_type)
{
  return media_type != NULL
         && (strcmp (media_type, "application/senml+cbor") == 0
             || strcmp (media_type, "application/sensml+cbor") == 0);
}

static int
dissect_cbor (IotPacket *pkt, IotBuf *buf, int parent, gpointer data)
{
  const IotMediaInfo *info = data;
  const char *media_type = info != NULL ? info->media_type : NULL;
  int tree = iot_tree_add_protocol (pkt, parent, &cbor_fields[F_PROTO], buf, 0, -1);
  g_autoptr (GPtrArray) keys = g_ptr_array_new ();
  Walk w = { pkt, buf, info != NULL ? info->location : NULL, FALSE, keys };
  Item top = { 0 };
  guint off = 0;

  w.readings = iot_packet_wants_readings (pkt) && !is_senml (media_type);
  if (buf->length > 0 || buf->reported > 0)
    dissect_item (&w, tree, &off, 0, &top);
  iot_tree_set_length (pkt, tree, off);

  /* SenML records are CBOR maps: the SenML layer reads them again and
   * names what they mean (tshark 4.0 stops at the CBOR items). */
  if (is_senml (media_type))
    {
      const IotDissector *senml = iot_registry_dissector ("senml");

      if (senml != NULL)
        iot_call_dissector_with_data (pkt, senml, buf, parent, data);
    }
  return buf->length;
}

/* The media types tshark 4.0 decodes as CBOR. */
static const IotStringHandoff cbor_media_types[] = {
  { "media_type", "application/cbor" },
  { "media_type", "application/senml+cbor" },
  { "media_type", "application/sensml+cbor" },
  { NULL },
};

IotDissector iot_dissector_cbor = {
  .name = "CBOR",
  .abbrev = "cbor",
  .long_name = "Concise Binary Object Representation",
  .fields = cbor_fields,
  .n_fields = N_FIELDS,
  .experts = cbor_experts,
  .n_experts = N_EXPERTS,
  .dissect_with_data = dissect_cbor,
  .string_handoff = cbor_media_types,
};
