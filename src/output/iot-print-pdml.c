/* iot-print-pdml.c — -T pdml: the protocol tree as tshark 4.0's XML.
 *
 * Every row of the tree becomes an element: a protocol a <proto>, any
 * other row a <field> with its abbreviation (name), tree text
 * (showname), offset and length in its data source (pos, size), value as
 * -T json writes it (show) and the bytes it covers in hex (value).  A
 * field with a bit mask gives its value in hex and the bytes as
 * "unmaskedvalue"; a row without a field has an empty name and its text
 * as show; hidden fields carry hide="yes".  Each packet starts with the
 * "geninfo" pseudo-protocol (number, lengths, time).
 */
#include "iot-print.h"
#include "iot-core-private.h"
#include "iot-format.h"
#include "iot-columns.h"

#include <string.h>

void
iot_print_pdml_header (const char *capture_file, GString *out)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *when = g_date_time_format (now, "%a %b %e %H:%M:%S %Y");

  g_string_append (out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                        "<?xml-stylesheet type=\"text/xsl\" href=\"pdml2html.xsl\"?>\n"
                        "<!-- You can find pdml2html.xsl in /usr/share/wireshark or at "
                        "https://gitlab.com/wireshark/wireshark/-/raw/master/pdml2html.xsl. -->\n"
                        "<pdml version=\"0\" creator=\"iotscope/" IOTSCOPE_VERSION "\" time=\"");
  iot_print_append_xml_text (out, when);
  g_string_append (out, "\"");
  if (capture_file != NULL)
    {
      g_string_append (out, " capture_file=\"");
      iot_print_append_xml_text (out, capture_file);
      g_string_append (out, "\"");
    }
  g_string_append (out, ">\n");
}

void
iot_print_pdml_footer (GString *out)
{
  g_string_append (out, "</pdml>\n");
}

static void
indent (GString *out, guint depth)
{
  for (guint i = 0; i < depth; i++)
    g_string_append (out, "  ");
}

static void
attribute (GString *out, const char *name, const char *value)
{
  g_string_append_printf (out, " %s=\"", name);
  iot_print_append_xml_text (out, value);
  g_string_append_c (out, '"');
}

static void
attribute_uint (GString *out, const char *name, guint64 value)
{
  g_string_append_printf (out, " %s=\"%" G_GUINT64_FORMAT "\"", name, value);
}

/* A string value as PDML's show holds it: control characters as \xN,
 * as tshark writes them there (the tree's text uses \a, \022 …). */
static void
append_show_string (const IotNode *node, GString *out)
{
  g_autoptr (GString) text = g_string_new (NULL);

  iot_format_valid_utf8 (node->v.p, node->vlen, text);
  for (gsize i = 0; i < text->len; i++)
    {
      guchar c = (guchar) text->str[i];

      if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\x%x", c);
      else
        g_string_append_c (out, (char) c);
    }
}

/* show: the value as -T json writes it. */
static void
append_show (IotPacket *pkt, const IotNode *node, GString *out)
{
  switch (node->field->type)
    {
    case IOT_FT_STRING:
    case IOT_FT_STRINGZ:
      if (node->v.p != NULL)
        append_show_string (node, out);
      break;
    case IOT_FT_BYTES:
      for (guint32 i = 0; i < node->vlen && node->v.p != NULL; i++)
        g_string_append_printf (out, i ? ":%02x" : "%02x", node->v.p[i]);
      break;
    case IOT_FT_NONE:
      break;
    default:
      iot_format_field_value (pkt, node, out);
      break;
    }
}

/* The bytes a row covers, as hex, clipped to its data source. */
static void
append_bytes_hex (IotPacket *pkt, const IotNode *node, GString *out)
{
  const IotDataSource *source = node->source < pkt->n_sources ? &pkt->sources[node->source] : NULL;
  guint32 start, end;

  if (source == NULL || node->offset >= source->length)
    return;
  start = node->offset;
  end = MIN ((guint64) start + node->length, (guint64) source->length);
  iot_format_hex (source->data + start, end - start, "", out);
}

static gboolean
has_bitmask (const IotField *field)
{
  return field->bitmask != 0 && (iot_field_type_is_integer (field->type) || field->type == IOT_FT_BOOLEAN);
}

/* The tree's text without the brackets the tree puts around a generated
 * row: tshark keeps them out of showname. */
static void
append_row_text (IotPacket *pkt, const IotNode *node, GString *text)
{
  gsize start = text->len;

  iot_format_label (pkt, node, text);
  if ((node->flags & IOT_NODE_GENERATED) && (node->label == NULL || node->label[0] != '[')
      && text->len >= start + 2 && text->str[start] == '[' && text->str[text->len - 1] == ']')
    {
      g_string_truncate (text, text->len - 1);
      g_string_erase (text, start, 1);
    }
}

typedef struct {
  IotPacket     *pkt;
  const IotNode *nodes;
  gint32        *first;
  gint32        *next;
  GString       *text;
  GString       *out;
} PdmlWriter;

static void write_rows (PdmlWriter *w, gint32 first, guint depth, gboolean in_expert);

/* The malformed and short-frame rows are protocols in tshark. */
static gboolean
is_protocol (const IotField *field)
{
  return field != NULL && (field->type == IOT_FT_PROTOCOL || field == &iot_expert_fields[IOT_EXPERT_F_MALFORMED]
                           || field == &iot_expert_fields[IOT_EXPERT_F_SHORT]);
}

static gboolean
is_data (const IotField *field)
{
  return field != NULL && field->type == IOT_FT_PROTOCOL && strcmp (field->abbrev, "data") == 0;
}

/* tshark writes undissected data as a field holding the bytes, named
 * "data", with no text, offset or length of its own. */
static void
write_data_row (PdmlWriter *w, gint32 i, guint depth, guint close_depth)
{
  indent (w->out, depth + 1);
  g_string_append (w->out, "<field name=\"data\" value=\"");
  append_bytes_hex (w->pkt, &w->nodes[i], w->out);
  g_string_append_c (w->out, '"');
  if (w->first[i] < 0)
    {
      g_string_append (w->out, "/>\n");
      return;
    }
  g_string_append (w->out, ">\n");
  write_rows (w, w->first[i], depth + 1, FALSE);
  indent (w->out, close_depth + 1);
  g_string_append (w->out, "</field>\n");
}

/* Where a row starts: a generated row that covers no bytes and was given
 * no offset sits where its parent does, as in tshark. */
static guint32
row_pos (const PdmlWriter *w, gint32 i)
{
  const IotNode *node = &w->nodes[i];

  while ((node->flags & IOT_NODE_GENERATED) && node->length == 0 && node->offset == 0 && node->parent >= 0)
    node = &w->nodes[node->parent];
  return node->offset;
}

/* An expert item sits at its parent row's offset, without bytes; the rows
 * under it (message, severity, group) at offset 0, the message hidden. */
static void
write_row (PdmlWriter *w, gint32 i, guint depth, guint close_depth, gboolean in_expert)
{
  const IotNode *node = &w->nodes[i];
  const IotField *field = node->field;
  gboolean expert = (node->flags & IOT_NODE_EXPERT) != 0;
  gboolean message = in_expert && field == &iot_expert_fields[IOT_EXPERT_F_MESSAGE];
  gboolean element_proto = is_protocol (field);
  guint64 pos = in_expert ? 0 : row_pos (w, i);
  GString *out = w->out;

  g_string_truncate (w->text, 0);
  /* The tree shows an expert item's message alone; PDML names it. */
  if (message)
    g_string_append (w->text, "Message: ");
  append_row_text (w->pkt, node, w->text);
  indent (out, depth + 1);
  if (field == NULL)
    {
      g_string_append (out, "<field name=\"\"");
      attribute (out, "show", w->text->str);
      attribute_uint (out, "size", node->length);
      attribute_uint (out, "pos", pos);
      if (node->length > 0)
        {
          g_string_append (out, " value=\"");
          append_bytes_hex (w->pkt, node, out);
          g_string_append_c (out, '"');
        }
    }
  else
    {
      g_string_append (out, element_proto ? "<proto" : "<field");
      attribute (out, "name", field->abbrev);
      attribute (out, "showname", w->text->str);
      if ((node->flags & IOT_NODE_HIDDEN) || message)
        g_string_append (out, " hide=\"yes\"");
      attribute_uint (out, "size", node->length);
      attribute_uint (out, "pos", pos);
      if (!element_proto && !expert)
        {
          g_string_truncate (w->text, 0);
          append_show (w->pkt, node, w->text);
          attribute (out, "show", w->text->str);
          if (field->type == IOT_FT_NONE)
            g_string_append (out, " value=\"\"");
          else if (node->length > 0 && has_bitmask (field))
            {
              guint64 v = iot_field_type_is_signed (field->type) ? (guint64) node->v.i : node->v.u;

              g_string_append_printf (out, " value=\"%" G_GINT64_MODIFIER "X\" unmaskedvalue=\"", v);
              append_bytes_hex (w->pkt, node, out);
              g_string_append_c (out, '"');
            }
          else if (node->length > 0)
            {
              g_string_append (out, " value=\"");
              append_bytes_hex (w->pkt, node, out);
              g_string_append_c (out, '"');
            }
        }
    }
  if (w->first[i] < 0)
    {
      g_string_append (out, "/>\n");
      return;
    }
  g_string_append (out, ">\n");
  write_rows (w, w->first[i], depth + 1, in_expert || expert);
  indent (out, close_depth + 1);
  g_string_append (out, element_proto ? "</proto>\n" : "</field>\n");
}

/* At the top, a row that is not a protocol (and data) goes inside a
 * "fake-field-wrapper" protocol; tshark closes the row one level up. */
static void
write_rows (PdmlWriter *w, gint32 first, guint depth, gboolean in_expert)
{
  for (gint32 i = first; i >= 0; i = w->next[i])
    {
      const IotField *field = w->nodes[i].field;

      if (field != NULL && iot_columns_is_column_field (field))
        continue;
      if (depth == 0 && field != NULL && (!is_protocol (field) || is_data (field)))
        {
          g_string_append (w->out, "  <proto name=\"fake-field-wrapper\">\n");
          if (is_data (field))
            write_data_row (w, i, 1, 0);
          else
            write_row (w, i, 1, 0, in_expert);
          g_string_append (w->out, "  </proto>\n");
        }
      else if (is_data (field))
        write_data_row (w, i, depth, depth);
      else
        write_row (w, i, depth, depth, in_expert);
    }
}

static void
write_geninfo (IotPacket *pkt, GString *out)
{
  guint32 caplen = pkt->frame->caplen;
  g_autoptr (GString) time = g_string_new (NULL);
  g_autoptr (GString) epoch = g_string_new (NULL);

  iot_format_abs_time (pkt->frame->ts_ns, FALSE, time);
  iot_format_epoch_time (pkt->frame->ts_ns, epoch);
  g_string_append_printf (out, "  <proto name=\"geninfo\" pos=\"0\" showname=\"General information\" size=\"%u\">\n",
                          caplen);
  g_string_append_printf (out, "    <field name=\"num\" pos=\"0\" show=\"%u\" showname=\"Number\" value=\"%x\" size=\"%u\"/>\n",
                          pkt->number, pkt->number, caplen);
  g_string_append_printf (out, "    <field name=\"len\" pos=\"0\" show=\"%u\" showname=\"Frame Length\" value=\"%x\" size=\"%u\"/>\n",
                          pkt->frame->len, pkt->frame->len, caplen);
  g_string_append_printf (out, "    <field name=\"caplen\" pos=\"0\" show=\"%u\" showname=\"Captured Length\" value=\"%x\" size=\"%u\"/>\n",
                          caplen, caplen, caplen);
  g_string_append (out, "    <field name=\"timestamp\" pos=\"0\" show=\"");
  iot_print_append_xml_text (out, time->str);
  g_string_append_printf (out, "\" showname=\"Captured Time\" value=\"%s\" size=\"%u\"/>\n", epoch->str, caplen);
  g_string_append (out, "  </proto>\n");
}

void
iot_print_pdml (IotPacket *pkt, GString *out)
{
  g_autoptr (GString) text = g_string_new (NULL);
  IotTreeLinks links;
  PdmlWriter w;

  iot_tree_links_build (pkt, &links);
  w = (PdmlWriter) { pkt, iot_packet_nodes (pkt), links.first, links.next, text, out };
  g_string_append (out, "<packet>\n");
  write_geninfo (pkt, out);
  write_rows (&w, links.first_root, 0, FALSE);
  /* Two blank lines after each packet, as tshark writes them. */
  g_string_append (out, "</packet>\n\n\n");
  iot_tree_links_clear (&links);
}
