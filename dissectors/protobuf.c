/* protobuf.c — Protocol Buffers: the binary encoding behind gRPC, Sparkplug
 * B and many device protocols.  A message is a list of fields, each a tag
 * (field number and wire type) and a value; without the .proto schema only
 * numbers and raw values can be shown, with it names and proper types.
 *
 * Callers pass the full name of the message type as data (Sparkplug:
 * "com.cirruslink.sparkplug.protobuf.Payload"; MQTT topic rules may name
 * one); the schema comes from the default pool (iot-proto.h): compiled-in
 * files plus the user's search paths.  Without a type the fields are shown
 * as tshark shows unknown ones: varints as uint32 (uint64 when larger),
 * fixed64 as uint64, fixed32 as uint32, length-delimited as bytes.
 */
#include "iot-dissector.h"
#include "iot-proto.h"

#include <string.h>

extern IotDissector iot_dissector_protobuf;

#define MAX_NESTING 32

enum {
  F_PROTO,
  F_MESSAGE_NAME,
  F_FIELD_NAME,
  F_FIELD_TYPE,
  F_FIELD_NUMBER,
  F_WIRE_TYPE,
  F_VALUE_LENGTH,
  F_VALUE,
  F_DOUBLE,
  F_FLOAT,
  F_INT64,
  F_UINT64,
  F_INT32,
  F_UINT32,
  F_BOOL,
  F_STRING,
  F_REPEATED,
  N_FIELDS
};

static const IotValueName wire_type_names[] = {
  { IOT_WIRE_VARINT, "varint" },
  { IOT_WIRE_FIXED64, "64-bit" },
  { IOT_WIRE_LENGTH, "Length-delimited" },
  { IOT_WIRE_START_GROUP, "Start group (deprecated)" },
  { IOT_WIRE_END_GROUP, "End group (deprecated)" },
  { IOT_WIRE_FIXED32, "32-bit" },
  IOT_VALUE_NAMES_END
};

static const IotValueName type_names[] = {
  { IOT_PROTO_TYPE_NONE, "none" },
  { IOT_PROTO_TYPE_DOUBLE, "double" },
  { IOT_PROTO_TYPE_FLOAT, "float" },
  { IOT_PROTO_TYPE_INT64, "int64" },
  { IOT_PROTO_TYPE_UINT64, "uint64" },
  { IOT_PROTO_TYPE_INT32, "int32" },
  { IOT_PROTO_TYPE_FIXED64, "fixed64" },
  { IOT_PROTO_TYPE_FIXED32, "fixed32" },
  { IOT_PROTO_TYPE_BOOL, "bool" },
  { IOT_PROTO_TYPE_STRING, "string" },
  { IOT_PROTO_TYPE_GROUP, "group" },
  { IOT_PROTO_TYPE_MESSAGE, "message" },
  { IOT_PROTO_TYPE_BYTES, "bytes" },
  { IOT_PROTO_TYPE_UINT32, "uint32" },
  { IOT_PROTO_TYPE_ENUM, "enum" },
  { IOT_PROTO_TYPE_SFIXED32, "sfixed32" },
  { IOT_PROTO_TYPE_SFIXED64, "sfixed64" },
  { IOT_PROTO_TYPE_SINT32, "sint32" },
  { IOT_PROTO_TYPE_SINT64, "sint64" },
  IOT_VALUE_NAMES_END
};

enum {
  E_PACKED,
  E_TAG,
  E_VALUE,
  E_WIRETYPE,
  E_TOO_DEEP,
  N_EXPERTS
};

static IotExpertInfo protobuf_experts[N_EXPERTS] = {
  [E_PACKED] = IOT_EXPERT_INFO ("protobuf.failed_parse_packed_repeated_field", IOT_SEV_WARN, IOT_GROUP_MALFORMED, "Failed to parse packed repeated field",
                              "A packed repeated field holds values back to back; its bytes do not divide into values of its type."),
  [E_TAG] = IOT_EXPERT_INFO ("protobuf.failed_parse_tag", IOT_SEV_ERROR, IOT_GROUP_MALFORMED, "Failed to parse tag field",
                              "Each protobuf field starts with a varint tag (field number and wire type); this one is cut short or too long."),
  [E_VALUE] = IOT_EXPERT_INFO ("protobuf.failed_parse_field", IOT_SEV_ERROR, IOT_GROUP_MALFORMED, "Failed to parse value field",
                              "The field's value does not fit in the bytes left."),
  [E_WIRETYPE] = IOT_EXPERT_INFO ("protobuf.unknown_wire_type", IOT_SEV_ERROR, IOT_GROUP_MALFORMED, "Unknown or unsupported wiretype",
                              "Protobuf wire types are 0 (varint), 1 (64-bit), 2 (length-delimited) and 5 (32-bit); 3 and 4 are deprecated groups and others do not exist."),
  [E_TOO_DEEP] = IOT_EXPERT_INFO ("protobuf.nested_too_deep", IOT_SEV_WARN, IOT_GROUP_MALFORMED, "Messages nested too deep",
                              "Messages inside messages deeper than this decoder follows; the inner bytes are shown undecoded."),
};

static IotField protobuf_fields[N_FIELDS] = {
  [F_PROTO] = { "protobuf", "Protocol Buffers", IOT_FT_PROTOCOL, .blurb =
    "Protocol Buffers: a compact binary encoding of typed records. Each field is a number and a value; the "
    ".proto schema gives the numbers names and types." },
  [F_MESSAGE_NAME] = { "protobuf.message.name", "Message Name", IOT_FT_STRING, .blurb =
    "The full name of the message type (package.Message), from the schema; <UNKNOWN> Message Type without one." },
  [F_FIELD_NAME] = { "protobuf.field.name", "Field Name", IOT_FT_STRING, .blurb =
    "The name the .proto schema gives this field number; <UNKNOWN> without a schema." },
  [F_FIELD_TYPE] = { "protobuf.field.type", "Field Type", IOT_FT_INT32, IOT_BASE_DEC, type_names, 0,
    "The field's type in the schema, numbered as descriptor.proto numbers them (9 string, 11 message …)." },
  [F_FIELD_NUMBER] = { "protobuf.field.number", "Field Number", IOT_FT_UINT64, IOT_BASE_DEC, NULL, 0,
    "The field's number: the tag's varint shifted right by three bits." },
  [F_WIRE_TYPE] = { "protobuf.field.wiretype", "Wire Type", IOT_FT_UINT8, IOT_BASE_DEC, wire_type_names, 0,
    "How the value is encoded: 0 varint, 1 eight bytes, 2 a length then bytes, 5 four bytes." },
  [F_VALUE_LENGTH] = { "protobuf.field.value.length", "Value Length", IOT_FT_UINT64, IOT_BASE_DEC, NULL, 0,
    "Length of a length-delimited value (string, bytes, nested message, packed numbers)." },
  [F_VALUE] = { "protobuf.field.value", "Value", IOT_FT_BYTES, .blurb =
    "The value's bytes as sent." },
  [F_DOUBLE] = { "protobuf.field.value.double", "Double", IOT_FT_DOUBLE, .blurb = "The value as a double." },
  [F_FLOAT] = { "protobuf.field.value.float", "Float", IOT_FT_DOUBLE, .blurb = "The value as a float.",
    .bits = IOT_FLOAT_DIGITS },
  [F_INT64] = { "protobuf.field.value.int64", "Int64", IOT_FT_INT64, IOT_BASE_DEC, NULL, 0,
    "The value as a signed 64-bit integer." },
  [F_UINT64] = { "protobuf.field.value.uint64", "Uint64", IOT_FT_UINT64, IOT_BASE_DEC, NULL, 0,
    "The value as an unsigned 64-bit integer." },
  [F_INT32] = { "protobuf.field.value.int32", "Int32", IOT_FT_INT32, IOT_BASE_DEC, NULL, 0,
    "The value as a signed 32-bit integer (also enums)." },
  [F_UINT32] = { "protobuf.field.value.uint32", "Uint32", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "The value as an unsigned 32-bit integer." },
  [F_BOOL] = { "protobuf.field.value.bool", "Bool", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0,
    "The value as a boolean.", "True", "False" },
  [F_STRING] = { "protobuf.field.value.string", "String", IOT_FT_STRING, .blurb = "The value as text." },
  [F_REPEATED] = { "protobuf.field.value.repeated", "Repeated", IOT_FT_BYTES, .blurb =
    "Packed repeated numbers, as sent." },
};

typedef struct {
  IotPacket *pkt;
  guint      depth;
  gboolean   hide;    /* a field the schema names: its details are hidden, as tshark hides them */
} Walk;

static void dissect_message (Walk *w, const IotBuf *buf, int parent, const IotProtoMessage *type);

static gint64
zigzag (guint64 v)
{
  return (gint64) (v >> 1) ^ -(gint64) (v & 1);
}

/* A typed value; returns its text for the field's row ("1.5", "on"). */
static void
maybe_hide (Walk *w, int node)
{
  if (w->hide)
    iot_tree_set_hidden (w->pkt, node);
}

static const char *
add_typed (Walk *w, int parent, const IotBuf *buf, guint off, guint len, IotProtoType type, guint64 raw,
           const IotProtoField *def)
{
  IotPacket *pkt = w->pkt;
  int node;

  switch (type)
    {
    case IOT_PROTO_TYPE_DOUBLE:
      {
        double d;

        memcpy (&d, &raw, sizeof d);
        maybe_hide (w, iot_tree_add_double (pkt, parent, &protobuf_fields[F_DOUBLE], buf, off, len, d));
        return iot_packet_strdup_printf (pkt, "%f", d);
      }
    case IOT_PROTO_TYPE_FLOAT:
      {
        guint32 bits = (guint32) raw;
        float f;

        memcpy (&f, &bits, sizeof f);
        maybe_hide (w, iot_tree_add_double (pkt, parent, &protobuf_fields[F_FLOAT], buf, off, len, f));
        return iot_packet_strdup_printf (pkt, "%f", (double) f);
      }
    case IOT_PROTO_TYPE_INT64:
    case IOT_PROTO_TYPE_SFIXED64:
      maybe_hide (w, iot_tree_add_int (pkt, parent, &protobuf_fields[F_INT64], buf, off, len, (gint64) raw));
      return iot_packet_strdup_printf (pkt, "%" G_GINT64_FORMAT, (gint64) raw);
    case IOT_PROTO_TYPE_SINT64:
      maybe_hide (w, iot_tree_add_int (pkt, parent, &protobuf_fields[F_INT64], buf, off, len, zigzag (raw)));
      return iot_packet_strdup_printf (pkt, "%" G_GINT64_FORMAT, zigzag (raw));
    case IOT_PROTO_TYPE_UINT64:
    case IOT_PROTO_TYPE_FIXED64:
      maybe_hide (w, iot_tree_add_uint (pkt, parent, &protobuf_fields[F_UINT64], buf, off, len, raw));
      return iot_packet_strdup_printf (pkt, "%" G_GUINT64_FORMAT, raw);
    case IOT_PROTO_TYPE_INT32:
    case IOT_PROTO_TYPE_SFIXED32:
      maybe_hide (w, iot_tree_add_int (pkt, parent, &protobuf_fields[F_INT32], buf, off, len, (gint32) raw));
      return iot_packet_strdup_printf (pkt, "%d", (gint32) raw);
    case IOT_PROTO_TYPE_SINT32:
      maybe_hide (w, iot_tree_add_int (pkt, parent, &protobuf_fields[F_INT32], buf, off, len, (gint32) zigzag ((guint32) raw)));
      return iot_packet_strdup_printf (pkt, "%d", (gint32) zigzag ((guint32) raw));
    case IOT_PROTO_TYPE_ENUM:
      {
        const char *name = iot_proto_enum_name (def ? def->enumeration : NULL, (gint32) raw);

        node = iot_tree_add_int (pkt, parent, &protobuf_fields[F_INT32], buf, off, len, (gint32) raw);
        maybe_hide (w, node);
        if (name != NULL)
          iot_tree_set_label (pkt, node, "Int32: %s (%d)", name, (gint32) raw);
        return name ? name : iot_packet_strdup_printf (pkt, "%d", (gint32) raw);
      }
    case IOT_PROTO_TYPE_UINT32:
    case IOT_PROTO_TYPE_FIXED32:
      maybe_hide (w, iot_tree_add_uint (pkt, parent, &protobuf_fields[F_UINT32], buf, off, len, (guint32) raw));
      return iot_packet_strdup_printf (pkt, "%u", (guint32) raw);
    case IOT_PROTO_TYPE_BOOL:
      maybe_hide (w, iot_tree_add_boolean (pkt, parent, &protobuf_fields[F_BOOL], buf, off, len, raw != 0));
      return raw ? "true" : "false";
    default:
      return "";
    }
}

/* Whether a schema type may come with this wire type. */
static gboolean
wire_fits (IotProtoType type, guint wire, gboolean packed)
{
  switch (type)
    {
    case IOT_PROTO_TYPE_DOUBLE:
    case IOT_PROTO_TYPE_FIXED64:
    case IOT_PROTO_TYPE_SFIXED64:
      return wire == IOT_WIRE_FIXED64 || (packed && wire == IOT_WIRE_LENGTH);
    case IOT_PROTO_TYPE_FLOAT:
    case IOT_PROTO_TYPE_FIXED32:
    case IOT_PROTO_TYPE_SFIXED32:
      return wire == IOT_WIRE_FIXED32 || (packed && wire == IOT_WIRE_LENGTH);
    case IOT_PROTO_TYPE_STRING:
    case IOT_PROTO_TYPE_BYTES:
    case IOT_PROTO_TYPE_MESSAGE:
      return wire == IOT_WIRE_LENGTH;
    case IOT_PROTO_TYPE_GROUP:
    case IOT_PROTO_TYPE_NONE:
      return FALSE;
    default:
      return wire == IOT_WIRE_VARINT || (packed && wire == IOT_WIRE_LENGTH);
    }
}

/* Packed repeated numbers: one typed value per element. */
static void
add_packed (Walk *w, int parent, const IotBuf *value, const IotProtoField *def)
{
  guint off = 0;

  while (off < value->length)
    {
      guint64 raw = 0;
      guint n = 0;

      if (def->type == IOT_PROTO_TYPE_DOUBLE || def->type == IOT_PROTO_TYPE_FIXED64
          || def->type == IOT_PROTO_TYPE_SFIXED64)
        {
          if (!iot_buf_has (value, off, 8))
            break;
          raw = iot_buf_u64le (value, off);
          n = 8;
        }
      else if (def->type == IOT_PROTO_TYPE_FLOAT || def->type == IOT_PROTO_TYPE_FIXED32
               || def->type == IOT_PROTO_TYPE_SFIXED32)
        {
          if (!iot_buf_has (value, off, 4))
            break;
          raw = iot_buf_u32le (value, off);
          n = 4;
        }
      else if (!iot_proto_read_varint (value, off, &raw, &n))
        break;
      add_typed (w, parent, value, off, n, def->type, raw, def);
      off += n;
    }
  if (off < value->length)
    iot_expert_add_info (w->pkt, parent, &protobuf_experts[E_PACKED], "Failed to parse packed repeated field");
}

/* One field at @off; returns the bytes it took, or 0 when the rest of the
 * message cannot be read (an expert item says why). */
static guint
dissect_field (Walk *w, const IotBuf *buf, guint off, int parent, const IotProtoMessage *type)
{
  IotPacket *pkt = w->pkt;
  const IotProtoField *def;
  guint64 tag, raw = 0, length = 0;
  guint tag_len, n = 0, value_off;
  guint32 number;
  guint wire;
  gboolean known;
  const char *text = NULL;
  int field, node, value_node;

  if (!iot_proto_read_varint (buf, off, &tag, &tag_len) || (tag >> 3) == 0 || (tag >> 3) > G_MAXUINT32)
    {
      iot_expert_add_info (pkt, parent, &protobuf_experts[E_TAG], "Failed to parse tag field");
      return 0;
    }
  number = (guint32) (tag >> 3);
  wire = tag & 7;
  def = type ? iot_proto_message_field (type, number) : NULL;
  known = def != NULL && wire_fits (def->type, wire, def->packed);
  field = iot_tree_add_text (pkt, parent, buf, off, 0, "Field(%u):", number);
  node = iot_tree_add_string (pkt, field, &protobuf_fields[F_FIELD_NAME], buf, off, 0,
                              known ? def->name : "<UNKNOWN>", -1);
  iot_tree_set_generated (pkt, node);
  if (known)
    {
      iot_tree_set_hidden (pkt, node);
      node = iot_tree_add_int (pkt, field, &protobuf_fields[F_FIELD_TYPE], buf, off, 0, def->type);
      iot_tree_set_hidden (pkt, node);
    }
  node = iot_tree_add_uint (pkt, field, &protobuf_fields[F_FIELD_NUMBER], buf, off, tag_len, number);
  if (known)
    iot_tree_set_hidden (pkt, node);
  node = iot_tree_add_uint (pkt, field, &protobuf_fields[F_WIRE_TYPE], buf, off, tag_len, wire);
  if (known)
    iot_tree_set_hidden (pkt, node);
  value_off = off + tag_len;
  switch (wire)
    {
    case IOT_WIRE_VARINT:
      if (!iot_proto_read_varint (buf, value_off, &raw, &n))
        {
          iot_expert_add_info (pkt, field, &protobuf_experts[E_VALUE], "Failed to parse value field");
          return 0;
        }
      break;
    case IOT_WIRE_FIXED64:
    case IOT_WIRE_FIXED32:
      n = wire == IOT_WIRE_FIXED64 ? 8 : 4;
      if (!iot_buf_has (buf, value_off, n))
        {
          iot_expert_add_info (pkt, field, &protobuf_experts[E_VALUE], "Failed to parse value field");
          return 0;
        }
      raw = n == 8 ? iot_buf_u64le (buf, value_off) : iot_buf_u32le (buf, value_off);
      break;
    case IOT_WIRE_LENGTH:
      if (!iot_proto_read_varint (buf, value_off, &length, &n) || length > iot_buf_remaining (buf, value_off + n))
        {
          iot_expert_add_info (pkt, field, &protobuf_experts[E_VALUE], "Failed to parse length delimited field");
          return 0;
        }
      node = iot_tree_add_uint (pkt, field, &protobuf_fields[F_VALUE_LENGTH], buf, value_off, n, length);
      if (known)
        iot_tree_set_hidden (pkt, node);
      value_off += n;
      n = (guint) length;
      break;
    case IOT_WIRE_START_GROUP:
    case IOT_WIRE_END_GROUP:
      /* Groups (deprecated) have no value of their own: their fields follow. */
      iot_tree_set_length (pkt, field, tag_len);
      return tag_len;
    default:
      iot_expert_add_info (pkt, field, &protobuf_experts[E_WIRETYPE], "Unknown or unsupported wiretype %u", wire);
      return 0;
    }
  iot_tree_set_length (pkt, field, value_off + n - off);
  value_node = iot_tree_add_item (pkt, field, &protobuf_fields[F_VALUE], buf, value_off, n, FALSE);
  if (known)
    iot_tree_set_hidden (pkt, value_node);
  if (wire == IOT_WIRE_LENGTH)
    {
      IotBuf value = iot_buf_sub (buf, value_off, (gint) n);

      if (!known)
        text = "";
      else if (def->type == IOT_PROTO_TYPE_STRING)
        {
          text = iot_packet_valid_utf8 (pkt, iot_buf_ptr (buf, value_off, n), n);
          iot_tree_set_hidden (pkt, iot_tree_add_string (pkt, field, &protobuf_fields[F_STRING], buf, value_off, n,
                                                          text, -1));
        }
      else if (def->type == IOT_PROTO_TYPE_BYTES)
        text = "";
      else if (def->type == IOT_PROTO_TYPE_MESSAGE)
        {
          text = " (message)";
          if (w->depth >= MAX_NESTING)
            iot_expert_add_info (pkt, field, &protobuf_experts[E_TOO_DEEP], "Messages nested too deep; not decoded");
          else
            {
              w->depth++;
              dissect_message (w, &value, field, def->message);
              w->depth--;
            }
        }
      else
        {
          add_packed (w, field, &value, def);
          text = "";
        }
    }
  else if (known)
    {
      w->hide = TRUE;
      text = add_typed (w, field, buf, value_off, n, def->type, raw, def);
      w->hide = FALSE;
    }
  else
    {
      /* Without a schema, a varint is shown as uint32 unless it needs more bits. */
      IotProtoType shown = wire == IOT_WIRE_FIXED64 || (wire == IOT_WIRE_VARINT && raw > G_MAXUINT32)
                           ? IOT_PROTO_TYPE_UINT64 : IOT_PROTO_TYPE_UINT32;

      text = add_typed (w, value_node >= 0 ? value_node : field, buf, value_off, n, shown, raw, NULL);
      text = iot_packet_strdup_printf (pkt, "%s (%s)", text, iot_value_name (type_names, shown));
    }
  if (known && def->type != IOT_PROTO_TYPE_MESSAGE)
    iot_tree_set_label (pkt, field, "Field(%u): %s = %s (%s)", number, def->name, text,
                        iot_value_name (type_names, def->type));
  else if (known)
    iot_tree_set_label (pkt, field, "Field(%u): %s %s", number, def->name, text);
  else
    iot_tree_set_label (pkt, field, "Field(%u): %s", number, text ? text : "");
  return value_off + n - off;
}

static void
dissect_message (Walk *w, const IotBuf *buf, int parent, const IotProtoMessage *type)
{
  const char *name = type ? type->full_name : "<UNKNOWN> Message Type";
  int tree = iot_tree_add_string (w->pkt, parent, &protobuf_fields[F_MESSAGE_NAME], buf, 0, buf->length, name, -1);
  guint off = 0;

  iot_tree_set_label (w->pkt, tree, "Message: %s", name);
  while (off < buf->length)
    {
      guint n = dissect_field (w, buf, off, tree, type);

      if (n == 0)
        break;
      off += n;
    }
}

static int
dissect_protobuf (IotPacket *pkt, IotBuf *buf, int parent, gpointer data)
{
  const char *type_name = data;
  const IotProtoMessage *type = type_name ? iot_proto_pool_message (iot_proto_default_pool (), type_name) : NULL;
  Walk w = { pkt, 0 };
  int tree = iot_tree_add_protocol (pkt, parent, &protobuf_fields[F_PROTO], buf, 0, -1);

  if (type_name != NULL)
    iot_tree_set_label (pkt, tree, "Protocol Buffers: %s", type_name);
  /* The message type follows when the schema knows it, as tshark's tree pass shows it. */
  iot_col_append_info (pkt, " (PROTOBUF)");
  if (type != NULL)
    iot_col_append_info (pkt, " %s", type->full_name);
  dissect_message (&w, buf, tree, type);
  return buf->reported;
}

IotDissector iot_dissector_protobuf = {
  .name = "ProtoBuf",
  .abbrev = "protobuf",
  .long_name = "Protocol Buffers",
  .fields = protobuf_fields,
  .n_fields = N_FIELDS,
  .experts = protobuf_experts,
  .n_experts = N_EXPERTS,
  .dissect_with_data = dissect_protobuf,
};
