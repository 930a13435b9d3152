/* iot-print.c — renderings of dissected frames in tshark's formats. */
#include "iot-print.h"
#include "iot-core-private.h"
#include "iot-format.h"
#include "iot-columns.h"

#include <stdio.h>
#include <string.h>

/* ---- -E options --------------------------------------------------------- */

void
iot_fields_format_init (IotFieldsFormat *format)
{
  memset (format, 0, sizeof *format);
  strcpy (format->separator, "\t");
  strcpy (format->aggregator, ",");
  format->occurrence = 'a';
}

static gboolean
parse_separator (const char *value, char out[8])
{
  if (strcmp (value, "/t") == 0)
    value = "\t";
  else if (strcmp (value, "/s") == 0)
    value = " ";
  if (strlen (value) >= 8 || value[0] == '\0')
    return FALSE;
  strcpy (out, value);
  return TRUE;
}

gboolean
iot_fields_format_parse (IotFieldsFormat *format, const char *option, GError **error)
{
  const char *eq = strchr (option, '=');
  g_autofree char *key = NULL;
  const char *value;
  gboolean ok = FALSE;

  if (eq == NULL)
    goto bad;
  key = g_strndup (option, eq - option);
  value = eq + 1;
  if (strcmp (key, "header") == 0 && (value[0] == 'y' || value[0] == 'n') && value[1] == '\0')
    {
      format->header = value[0] == 'y';
      ok = TRUE;
    }
  else if (strcmp (key, "separator") == 0)
    ok = parse_separator (value, format->separator);
  else if (strcmp (key, "aggregator") == 0)
    ok = parse_separator (value, format->aggregator);
  else if (strcmp (key, "quote") == 0 && value[1] == '\0')
    {
      ok = TRUE;
      if (value[0] == 'd')
        format->quote = '"';
      else if (value[0] == 's')
        format->quote = '\'';
      else if (value[0] == 'n')
        format->quote = 0;
      else
        ok = FALSE;
    }
  else if (strcmp (key, "occurrence") == 0 && value[1] == '\0'
           && (value[0] == 'a' || value[0] == 'f' || value[0] == 'l'))
    {
      format->occurrence = value[0];
      ok = TRUE;
    }
  if (ok)
    return TRUE;
bad:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "invalid -E option \"%s\" (expected header=y|n, separator=/t|/s|<char>, "
               "aggregator=,|/s|<char>, quote=d|s|n or occurrence=f|l|a)", option);
  return FALSE;
}

/* ---- summary ------------------------------------------------------------- */

/* Seconds as "75.000031", truncated to @decimals, with a '-' when negative. */
static char *
put_seconds (char *p, gint64 ns, guint decimals)
{
  guint64 mag = ns < 0 ? (guint64) -ns : (guint64) ns;
  guint64 frac = mag % 1000000000;

  for (guint i = decimals; i < 9; i++)
    frac /= 10;
  if (ns < 0)
    *p++ = '-';
  p = iot_format_put_uint (p, mag / 1000000000);
  if (decimals == 0)
    return p;
  *p++ = '.';
  for (int i = (int) decimals - 1; i >= 0; i--)
    {
      p[i] = (char) ('0' + frac % 10);
      frac /= 10;
    }
  return p + decimals;
}

/* Assembled by hand: printf would dominate the cost of a summary line. */
/* @text right-aligned (or left-aligned) in @width columns at @p. */
static char *
put_padded (char *p, const char *text, gsize len, gsize width, gboolean left)
{
  gsize pad = len < width ? width - len : 0;

  if (!left)
    {
      memset (p, ' ', pad);
      p += pad;
    }
  memcpy (p, text, len);
  p += len;
  if (left)
    {
      memset (p, ' ', pad);
      p += pad;
    }
  return p;
}

/* The line is written straight into @out: its length is known before a
 * byte is copied, so one resize makes room for all of it. */
void
iot_print_summary_timed (IotPacket *pkt, const char *time_text, gboolean tabs, GString *out)
{
  char src[64], dst[64], number[24];
  char sep = tabs ? '\t' : ' ';
  const char *arrow = tabs ? "\t\xe2\x86\x92\t" : " \xe2\x86\x92 ";
  const char *time_shown = iot_packet_has_time (pkt) ? time_text : "";
  const char *protocol = iot_col_protocol (pkt);
  const char *info = iot_col_info (pkt);
  gsize number_len, time_len, src_len, dst_len, protocol_len, info_len, start;
  char *p;

  number_len = (gsize) (iot_format_put_uint (number, pkt->number) - number);
  iot_packet_format_src (pkt, src, sizeof src);
  iot_packet_format_dst (pkt, dst, sizeof dst);
  time_len = strlen (time_shown);
  src_len = strlen (src);
  dst_len = strlen (dst);
  protocol_len = strlen (protocol);
  info_len = strlen (info);
  start = out->len;
  /* Columns at their widths, the arrow (5 bytes), five separators, the
   * length's digits (at most 20) and the newline. */
  g_string_set_size (out, start + MAX (number_len, 5) + MAX (time_len, 10) + MAX (src_len, 12)
                            + MAX (dst_len, 12) + protocol_len + info_len + 5 + 5 + 20 + 1);
  p = out->str + start;
  /* No. */
  p = put_padded (p, number, number_len, 5, FALSE);
  *p++ = sep;
  /* Time; none for a frame stored without one. */
  p = put_padded (p, time_shown, time_len, 10, FALSE);
  *p++ = sep;
  p = put_padded (p, src, src_len, 12, FALSE);
  memcpy (p, arrow, 5);
  p += 5;
  p = put_padded (p, dst, dst_len, 12, TRUE);
  *p++ = sep;
  memcpy (p, protocol, protocol_len);
  p += protocol_len;
  *p++ = sep;
  p = iot_format_put_uint (p, pkt->frame->len);
  *p++ = sep;
  memcpy (p, info, info_len);
  p += info_len;
  *p++ = '\n';
  g_string_truncate (out, (gsize) (p - out->str));
}

/* ---- PSML ----------------------------------------------------------------- */

void
iot_print_append_xml_text (GString *out, const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    switch (*p)
      {
      case '&':
        g_string_append (out, "&amp;");
        break;
      case '<':
        g_string_append (out, "&lt;");
        break;
      case '>':
        g_string_append (out, "&gt;");
        break;
      case '"':
        g_string_append (out, "&quot;");
        break;
      case '\'':
        g_string_append (out, "&#x27;");
        break;
      default:
        g_string_append_c (out, *p);
        break;
      }
}

static const char *const psml_columns[] = { "No.", "Time", "Source", "Destination", "Protocol", "Length", "Info" };

void
iot_print_psml_header (GString *out)
{
  g_string_append (out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                        "<psml version=\"0\" creator=\"iotscope/" IOTSCOPE_VERSION "\">\n<structure>\n");
  for (guint i = 0; i < G_N_ELEMENTS (psml_columns); i++)
    g_string_append_printf (out, "<section>%s</section>\n", psml_columns[i]);
  g_string_append (out, "</structure>\n\n");
}

static void
psml_section (GString *out, const char *text)
{
  g_string_append (out, "<section>");
  iot_print_append_xml_text (out, text);
  g_string_append (out, "</section>\n");
}

void
iot_print_psml (IotPacket *pkt, const char *time_text, GString *out)
{
  char text[64];

  g_string_append (out, "<packet>\n");
  *iot_format_put_uint (text, pkt->number) = '\0';
  psml_section (out, text);
  psml_section (out, iot_packet_has_time (pkt) ? time_text : "");
  iot_packet_format_src (pkt, text, sizeof text);
  psml_section (out, text);
  iot_packet_format_dst (pkt, text, sizeof text);
  psml_section (out, text);
  psml_section (out, iot_col_protocol (pkt));
  *iot_format_put_uint (text, pkt->frame->len) = '\0';
  psml_section (out, text);
  psml_section (out, iot_col_info (pkt));
  g_string_append (out, "</packet>\n\n");
}

void
iot_print_psml_footer (GString *out)
{
  g_string_append (out, "</psml>\n");
}

/* ---- the Time column (-t, -u) ------------------------------------------- */

void
iot_time_style_init (IotTimeStyle *style)
{
  style->format = IOT_TIME_RELATIVE;
  style->hms = FALSE;
  style->precision = -1;
}

static const struct {
  const char    *name;
  IotTimeFormat  format;
} time_formats[] = {
  { "a", IOT_TIME_ABSOLUTE }, { "ad", IOT_TIME_ABSOLUTE_DATE }, { "adoy", IOT_TIME_ABSOLUTE_DOY },
  { "d", IOT_TIME_DELTA }, { "dd", IOT_TIME_DELTA_DISPLAYED }, { "e", IOT_TIME_EPOCH },
  { "r", IOT_TIME_RELATIVE }, { "u", IOT_TIME_UTC }, { "ud", IOT_TIME_UTC_DATE },
  { "udoy", IOT_TIME_UTC_DOY },
};

gboolean
iot_time_style_parse_format (IotTimeStyle *style, const char *text, GError **error)
{
  const char *dot = strchr (text, '.');
  g_autofree char *name = g_strndup (text, dot ? (gsize) (dot - text) : strlen (text));
  gboolean named = name[0] == '\0';

  for (guint i = 0; i < G_N_ELEMENTS (time_formats) && !named; i++)
    if (strcmp (name, time_formats[i].name) == 0)
      {
        style->format = time_formats[i].format;
        named = TRUE;
      }
  if (named && dot != NULL)
    {
      if (dot[1] == '\0')
        style->precision = -1;
      else if (g_ascii_isdigit (dot[1]) && dot[1] <= '9' && dot[2] == '\0')
        style->precision = dot[1] - '0';
      else
        named = FALSE;
    }
  if (named)
    return TRUE;
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "invalid time stamp type \"%s\": it must be one of a, ad, adoy, d, dd, e, r, u, ud "
               "or udoy, optionally followed by .N for N decimals (0-9)", text);
  return FALSE;
}

gboolean
iot_time_style_parse_seconds (IotTimeStyle *style, const char *text, GError **error)
{
  if (strcmp (text, "s") == 0 || strcmp (text, "hms") == 0)
    {
      style->hms = text[0] == 'h';
      return TRUE;
    }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "invalid seconds type \"%s\": it must be s (seconds) or hms "
               "(hours, minutes and seconds)", text);
  return FALSE;
}

/* A duration as tshark's -u hms writes it: "1h  2m  5.000179s". */
static void
put_hms (char *p, gint64 ns, guint decimals)
{
  guint64 mag = ns < 0 ? (guint64) -ns : (guint64) ns;
  guint64 secs = mag / 1000000000;

  /* tshark 4.0 writes a negative duration under a minute as "- 0.000006s". */
  if (ns < 0)
    p += sprintf (p, secs < 60 ? "- " : "-");
  if (secs >= 3600)
    p += sprintf (p, "%" G_GUINT64_FORMAT "h %2um ", secs / 3600, (guint) (secs / 60 % 60));
  else if (secs >= 60)
    p += sprintf (p, "%um ", (guint) (secs / 60));
  /* After minutes, the seconds take two columns. */
  if (secs >= 60)
    {
      if (secs % 60 < 10)
        *p++ = ' ';
      mag = (secs % 60) * 1000000000 + mag % 1000000000;
    }
  p = put_seconds (p, (gint64) mag, decimals);
  *p++ = 's';
  *p = '\0';
}

static void
put_calendar (char *p, gsize size, gint64 ts_ns, gboolean utc, const char *date_format, guint decimals)
{
  gint64 secs = ts_ns >= 0 ? ts_ns / 1000000000 : -((-ts_ns + 999999999) / 1000000000);
  g_autoptr (GDateTime) date = utc ? g_date_time_new_from_unix_utc (secs)
                                   : g_date_time_new_from_unix_local (secs);
  g_autofree char *text = NULL;
  char frac[16];
  char *q;

  if (date == NULL)
    {
      g_strlcpy (p, "", size);
      return;
    }
  text = g_date_time_format (date, date_format);
  q = put_seconds (frac, ts_ns - secs * 1000000000, decimals);
  *q = '\0';
  /* frac is "0.ffffff": its first character is the whole second, dropped. */
  g_snprintf (p, size, "%s%s", text, frac + 1);
}

void
iot_time_style_format (const IotTimeStyle *style, gint64 ts_ns, gint64 reference_ns,
                       guint decimals, char *out, gsize size)
{
  char text[64];
  guint d = style->precision >= 0 ? (guint) style->precision : decimals;

  switch (style->format)
    {
    case IOT_TIME_RELATIVE:
    case IOT_TIME_DELTA:
    case IOT_TIME_DELTA_DISPLAYED:
      if (style->hms)
        put_hms (text, ts_ns - reference_ns, d);
      else
        *put_seconds (text, ts_ns - reference_ns, d) = '\0';
      break;
    case IOT_TIME_EPOCH:
      *put_seconds (text, ts_ns, d) = '\0';
      break;
    case IOT_TIME_ABSOLUTE:
    case IOT_TIME_UTC:
      put_calendar (text, sizeof text, ts_ns, style->format == IOT_TIME_UTC, "%H:%M:%S", d);
      break;
    case IOT_TIME_ABSOLUTE_DATE:
    case IOT_TIME_UTC_DATE:
      put_calendar (text, sizeof text, ts_ns, style->format == IOT_TIME_UTC_DATE, "%Y-%m-%d %H:%M:%S", d);
      break;
    case IOT_TIME_ABSOLUTE_DOY:
    case IOT_TIME_UTC_DOY:
      put_calendar (text, sizeof text, ts_ns, style->format == IOT_TIME_UTC_DOY, "%Y/%j %H:%M:%S", d);
      break;
    case IOT_N_TIME_FORMATS:   /* not a format */
      text[0] = '\0';
      break;
    }
  g_strlcpy (out, text, size);
}

/* ---- tree ---------------------------------------------------------------- */

void
iot_tree_links_build (IotPacket *pkt, IotTreeLinks *links)
{
  guint n = pkt->nodes->len;
  const IotNode *nodes = iot_packet_nodes (pkt);
  g_autofree gint32 *last = g_new (gint32, n + 1);
  gint32 *last_root = &last[n];

  links->first = g_new (gint32, n);
  links->next = g_new (gint32, n);
  links->first_root = -1;
  *last_root = -1;
  for (guint i = 0; i < n; i++)
    links->first[i] = links->next[i] = last[i] = -1;
  for (guint i = 0; i < n; i++)
    {
      gint32 parent = nodes[i].parent;
      gint32 *slot_last = parent >= 0 && (guint) parent < i ? &last[parent] : last_root;

      if (*slot_last < 0)
        {
          if (parent >= 0 && (guint) parent < i)
            links->first[parent] = i;
          else
            links->first_root = i;
        }
      else
        links->next[*slot_last] = i;
      *slot_last = i;
    }
}

void
iot_tree_links_clear (IotTreeLinks *links)
{
  g_free (links->first);
  g_free (links->next);
}

/* -O: the protocols shown in full; the others show their first line. */
static GHashTable *detail_protocols;

void
iot_print_set_detail_protocols (const char *names)
{
  g_auto (GStrv) words = g_strsplit_set (names, " ,", -1);

  if (detail_protocols == NULL)
    detail_protocols = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_hash_table_add (detail_protocols, g_strdup (words[i]));
}

/* A protocol row for -O: tshark registers the malformed and short-frame
 * marks as protocols too, so -O folds them unless they are listed. */
static gboolean
is_protocol_row (const IotField *field)
{
  return field->type == IOT_FT_PROTOCOL || strcmp (field->abbrev, "_ws.malformed") == 0
         || strcmp (field->abbrev, "_ws.short") == 0;
}

static gboolean
shows_details (const IotNode *node)
{
  return detail_protocols == NULL || node->field == NULL || !is_protocol_row (node->field)
         || g_hash_table_contains (detail_protocols, node->field->abbrev);
}

static void
print_tree_level (IotPacket *pkt, const IotTreeLinks *links, gint32 first, guint depth, GString *out)
{
  const IotNode *nodes = iot_packet_nodes (pkt);

  for (gint32 i = first; i >= 0; i = links->next[i])
    {
      if (nodes[i].flags & IOT_NODE_HIDDEN)
        continue;
      for (guint d = 0; d < depth; d++)
        g_string_append (out, "    ");
      iot_format_label (pkt, &nodes[i], out);
      g_string_append_c (out, '\n');
      if (depth > 0 || shows_details (&nodes[i]))
        print_tree_level (pkt, links, links->first[i], depth + 1, out);
    }
}

void
iot_print_tree (IotPacket *pkt, GString *out)
{
  IotTreeLinks links;

  iot_tree_links_build (pkt, &links);
  print_tree_level (pkt, &links, links.first_root, 0, out);
  iot_tree_links_clear (&links);
}

/* ---- hex ----------------------------------------------------------------- */

static void
print_hex_source (const guint8 *data, guint32 length, GString *out)
{
  for (guint32 line = 0; line < length; line += 16)
    {
      guint n = MIN (16, length - line);

      g_string_append_printf (out, "%04x  ", line);
      for (guint i = 0; i < 16; i++)
        {
          if (i < n)
            g_string_append_printf (out, "%02x ", data[line + i]);
          else
            g_string_append (out, "   ");
        }
      g_string_append (out, "  ");
      for (guint i = 0; i < n; i++)
        {
          guint8 c = data[line + i];

          g_string_append_c (out, c >= 0x20 && c < 0x7f ? (char) c : '.');
        }
      g_string_append_c (out, '\n');
    }
}

void
iot_print_hex (IotPacket *pkt, GString *out)
{
  for (guint i = 0; i < pkt->n_sources; i++)
    {
      const IotDataSource *source = &pkt->sources[i];

      if (pkt->n_sources > 1)
        g_string_append_printf (out, "%s (%u byte%s):\n", source->name, source->length,
                                source->length == 1 ? "" : "s");
      print_hex_source (source->data, source->length, out);
    }
  g_string_append_c (out, '\n');
}

/* ---- -T fields ------------------------------------------------------------ */

struct _IotFieldsPrinter {
  IotFieldsFormat  format;
  const IotField **fields;
  guint            n_fields;
  /* Field id -> the first column showing it (+1; 0: none), and each
   * column's next one showing the same field (+1): an array look-up per
   * node instead of a hash look-up. */
  guint           *first_column;
  guint           *next_column;
  guint            n_ids;
  GString        **cells;
  guint           *counts;
};

IotFieldsPrinter *
iot_fields_printer_new (const IotField *const *fields, guint n_fields, const IotFieldsFormat *format)
{
  IotFieldsPrinter *self = g_new0 (IotFieldsPrinter, 1);

  self->format = *format;
  self->n_fields = n_fields;
  self->fields = g_memdup2 (fields, sizeof (IotField *) * n_fields);
  self->n_ids = iot_registry_n_fields ();
  self->first_column = g_new0 (guint, self->n_ids);
  self->next_column = g_new0 (guint, n_fields);
  self->cells = g_new0 (GString *, n_fields);
  self->counts = g_new0 (guint, n_fields);
  /* Backwards, so that each chain lists its columns in order. */
  for (guint i = n_fields; i-- > 0;)
    {
      guint id = (guint) fields[i]->id;

      if (id < self->n_ids)
        {
          self->next_column[i] = self->first_column[id];
          self->first_column[id] = i + 1;
        }
    }
  for (guint i = 0; i < n_fields; i++)
    self->cells[i] = g_string_sized_new (64);
  return self;
}

void
iot_fields_printer_free (IotFieldsPrinter *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->n_fields; i++)
    g_string_free (self->cells[i], TRUE);
  g_free (self->cells);
  g_free (self->counts);
  g_free (self->fields);
  g_free (self->first_column);
  g_free (self->next_column);
  g_free (self);
}

static void
append_quoted (const IotFieldsFormat *format, const char *text, gsize len, GString *out)
{
  if (format->quote)
    g_string_append_c (out, format->quote);
  g_string_append_len (out, text, len);
  if (format->quote)
    g_string_append_c (out, format->quote);
}

void
iot_fields_printer_header (IotFieldsPrinter *self, GString *out)
{
  for (guint i = 0; i < self->n_fields; i++)
    {
      if (i > 0)
        g_string_append (out, self->format.separator);
      append_quoted (&self->format, self->fields[i]->abbrev, strlen (self->fields[i]->abbrev), out);
    }
  g_string_append_c (out, '\n');
}

static void
add_occurrence (IotFieldsPrinter *self, guint column, IotPacket *pkt, const IotNode *node)
{
  GString *cell = self->cells[column];

  switch (self->format.occurrence)
    {
    case 'f':
      if (self->counts[column] > 0)
        return;
      break;
    case 'l':
      g_string_truncate (cell, 0);
      break;
    default:
      if (self->counts[column] > 0)
        g_string_append (cell, self->format.aggregator);
      break;
    }
  iot_format_field_value (pkt, node, cell);
  self->counts[column]++;
}

void
iot_fields_printer_row (IotFieldsPrinter *self, IotPacket *pkt, GString *out)
{
  const IotNode *nodes = iot_packet_nodes (pkt);
  guint n = iot_packet_n_nodes (pkt);

  for (guint i = 0; i < self->n_fields; i++)
    {
      g_string_truncate (self->cells[i], 0);
      self->counts[i] = 0;
    }
  for (guint i = 0; i < n; i++)
    {
      guint id;

      if (nodes[i].field == NULL)
        continue;
      id = (guint) nodes[i].field->id;
      if (id >= self->n_ids)
        continue;
      for (guint c = self->first_column[id]; c != 0; c = self->next_column[c - 1])
        add_occurrence (self, c - 1, pkt, &nodes[i]);
    }
  for (guint i = 0; i < self->n_fields; i++)
    {
      if (i > 0)
        g_string_append (out, self->format.separator);
      if (self->counts[i] > 0)
        append_quoted (&self->format, self->cells[i]->str, self->cells[i]->len, out);
    }
  g_string_append_c (out, '\n');
}

/* ---- JSON ------------------------------------------------------------------ */

/* Members with the same name within one object are merged into an array,
 * so the output is plain JSON that every parser reads the same way. */
typedef struct {
  char      *name;
  GPtrArray *values;   /* JsonNode* */
} JsonMember;

static void
json_member_free (gpointer data)
{
  JsonMember *member = data;

  g_free (member->name);
  g_ptr_array_unref (member->values);
  g_free (member);
}

/* JSON must be valid UTF-8 whatever came off the wire: strings are decoded
 * when dissected, and this catches any label built from raw bytes. */
static const char *
valid_utf8 (const char *text, GString **fixed)
{
  if (g_utf8_validate (text, -1, NULL))
    return text;
  *fixed = g_string_new (NULL);
  iot_format_valid_utf8 ((const guint8 *) text, strlen (text), *fixed);
  return (*fixed)->str;
}

static JsonNode *
json_text_node (const char *text)
{
  g_autoptr (GString) fixed = NULL;

  return json_node_init_string (json_node_alloc (), valid_utf8 (text, &fixed));
}

/* A value as tshark's JSON holds it: a string as it is (JSON escapes its
 * control characters), anything else as -T fields prints it. */
static void
json_value_text (IotPacket *pkt, const IotNode *node, GString *text)
{
  /* A row without a value (an expert item's own field, a flag such as
   * tcp.analysis.duplicate_ack) is "" in tshark's JSON; -T fields shows 1. */
  if (node->field->type == IOT_FT_NONE)
    {
      /* The malformed mark is a protocol in tshark: its name. */
      if (strcmp (node->field->abbrev, "_ws.malformed") == 0)
        g_string_append (text, node->field->name);
      return;
    }
  if (node->field->type == IOT_FT_STRING)
    g_string_append_len (text, (const char *) node->v.p, (gssize) node->vlen);
  else if (node->field->type == IOT_FT_BYTES)
    {
      /* tshark's JSON writes bytes as 01:02:03 (-T fields as 010203). */
      for (guint32 i = 0; i < node->vlen && node->v.p != NULL; i++)
        g_string_append_printf (text, i ? ":%02x" : "%02x", node->v.p[i]);
    }
  else
    iot_format_field_value (pkt, node, text);
}

static void
members_add (GPtrArray *members, GHashTable *index, const char *name, JsonNode *value)
{
  g_autoptr (GString) fixed = NULL;
  JsonMember *member;

  name = valid_utf8 (name, &fixed);
  member = g_hash_table_lookup (index, name);

  if (member == NULL)
    {
      member = g_new0 (JsonMember, 1);
      member->name = g_strdup (name);
      member->values = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
      g_ptr_array_add (members, member);
      g_hash_table_insert (index, member->name, member);
    }
  g_ptr_array_add (member->values, value);
}

static JsonNode *members_to_object (GPtrArray *members);

/* -j / -J: the names whose subtrees are shown; NULL shows all. */
static GHashTable *protocol_filter;
static gboolean    protocol_filter_whole;

void
iot_print_set_protocol_filter (const char *names, gboolean whole_subtrees)
{
  g_auto (GStrv) words = g_strsplit_set (names, " ,", -1);

  if (protocol_filter == NULL)
    protocol_filter = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_hash_table_add (protocol_filter, g_strdup (words[i]));
  protocol_filter_whole = whole_subtrees;
}

static JsonNode *
filtered_object (const char *name)
{
  JsonObject *object = json_object_new ();
  JsonNode *node;

  json_object_set_string_member (object, "filtered", name);
  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return node;
}

static JsonNode *json_object_for_children (IotPacket *pkt, const IotTreeLinks *links, gint32 first,
                                           gboolean filtering);

/* The object of a row's children, or {"filtered": NAME} when -j / -J
 * leave the row out; -J shows a listed row's whole subtree. */
static JsonNode *
json_subtree (IotPacket *pkt, const IotTreeLinks *links, const char *name, gint32 child, gboolean filtering)
{
  /* A text row is listed as "text" and left out under its own label. */
  const char *listed = name;

  if (child >= 0 && iot_packet_nodes (pkt)[child].parent >= 0
      && iot_packet_nodes (pkt)[iot_packet_nodes (pkt)[child].parent].field == NULL)
    listed = "text";
  if (!filtering || protocol_filter == NULL)
    return json_object_for_children (pkt, links, child, FALSE);
  if (!g_hash_table_contains (protocol_filter, listed))
    return filtered_object (name);
  return json_object_for_children (pkt, links, child, !protocol_filter_whole);
}

static JsonNode *
json_object_for_children (IotPacket *pkt, const IotTreeLinks *links, gint32 first, gboolean filtering)
{
  const IotNode *nodes = iot_packet_nodes (pkt);
  g_autoptr (GPtrArray) members = g_ptr_array_new_with_free_func (json_member_free);
  g_autoptr (GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GString) text = g_string_new (NULL);

  for (gint32 i = first; i >= 0; i = links->next[i])
    {
      const IotNode *node = &nodes[i];
      gint32 child = links->first[i];
      const char *name;

      g_string_truncate (text, 0);
      if (node->field != NULL && iot_columns_is_column_field (node->field))
        continue;
      if (node->field == NULL)
        {
          iot_format_label (pkt, node, text);
          /* A generated row's brackets are the tree's, not the JSON's. */
          if ((node->flags & IOT_NODE_GENERATED) && text->len >= 2 && text->str[0] == '['
              && text->str[text->len - 1] == ']')
            {
              g_string_truncate (text, text->len - 1);
              g_string_erase (text, 0, 1);
            }
          if (child >= 0)
            members_add (members, index, text->str, json_subtree (pkt, links, text->str, child, filtering));
          else
            members_add (members, index, "_ws.text", json_text_node (text->str));
          continue;
        }
      name = node->field->abbrev;
      /* A protocol (at any depth: the data or the quoted IP header inside
       * ICMP too), or a row without a value over rows of its own
       * (tcp.segments): an object of its children, as tshark writes it. */
      if (node->field->type == IOT_FT_PROTOCOL
          || (node->field->type == IOT_FT_NONE && child >= 0))
        {
          members_add (members, index, name, json_subtree (pkt, links, name, child, filtering));
          continue;
        }
      json_value_text (pkt, node, text);
      members_add (members, index, name, json_text_node (text->str));
      if (child >= 0)
        {
          g_autofree char *tree_name = g_strconcat (name, "_tree", NULL);

          members_add (members, index, tree_name, json_subtree (pkt, links, name, child, filtering));
        }
    }
  return members_to_object (members);
}

static JsonNode *
members_to_object (GPtrArray *members)
{
  JsonObject *object = json_object_new ();
  JsonNode *node;

  for (guint i = 0; i < members->len; i++)
    {
      JsonMember *member = g_ptr_array_index (members, i);

      if (member->values->len == 1)
        json_object_set_member (object, member->name,
                                json_node_ref (g_ptr_array_index (member->values, 0)));
      else
        {
          JsonArray *array = json_array_sized_new (member->values->len);

          for (guint v = 0; v < member->values->len; v++)
            json_array_add_element (array, json_node_ref (g_ptr_array_index (member->values, v)));
          json_object_set_array_member (object, member->name, array);
        }
    }
  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return node;
}

void
iot_print_json (IotPacket *pkt, JsonBuilder *builder)
{
  IotTreeLinks links;
  g_autofree char *index_name = iot_print_ek_index_name (pkt->frame->ts_ns);

  iot_tree_links_build (pkt, &links);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "_index");
  json_builder_add_string_value (builder, index_name);
  json_builder_set_member_name (builder, "_type");
  json_builder_add_string_value (builder, "doc");
  json_builder_set_member_name (builder, "_score");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "_source");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "layers");
  json_builder_add_value (builder, json_object_for_children (pkt, &links, links.first_root, TRUE));
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  iot_tree_links_clear (&links);
}

/* ---- -T ek ---------------------------------------------------------------- */

static char *
ek_key (const IotField *field)
{
  g_autofree char *key = g_strconcat (field->proto_abbrev, "_", field->abbrev, NULL);

  return g_strdelimit (g_steal_pointer (&key), ".", '_');
}

static JsonNode *
ek_value (IotPacket *pkt, const IotNode *node, GString *text)
{
  if (node->field->type == IOT_FT_BOOLEAN)
    return json_node_init_boolean (json_node_alloc (), node->v.u != 0);
  g_string_truncate (text, 0);
  json_value_text (pkt, node, text);
  return json_text_node (text->str);
}

/* @filtering: -j's names apply (as tshark's ek, a field not named is
 * {"filtered": NAME}, its subtree left out). */
static void
ek_add_subtree (IotPacket *pkt, const IotTreeLinks *links, gint32 first, GPtrArray *members,
                GHashTable *index, GString *text, gboolean filtering)
{
  const IotNode *nodes = iot_packet_nodes (pkt);

  for (gint32 i = first; i >= 0; i = links->next[i])
    {
      const IotNode *node = &nodes[i];

      if (node->field != NULL && iot_columns_is_column_field (node->field))
        continue;
      if (node->field != NULL && node->field->type != IOT_FT_PROTOCOL
          && node->field->type != IOT_FT_NONE)
        {
          g_autofree char *key = ek_key (node->field);

          if (filtering && !g_hash_table_contains (protocol_filter, node->field->abbrev))
            {
              members_add (members, index, key, filtered_object (node->field->abbrev));
              continue;
            }
          members_add (members, index, key, ek_value (pkt, node, text));
        }
      ek_add_subtree (pkt, links, links->first[i], members, index, text, filtering);
    }
}

void
iot_print_ek (IotPacket *pkt, GString *out)
{
  const IotNode *nodes = iot_packet_nodes (pkt);
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (GPtrArray) layers = g_ptr_array_new_with_free_func (json_member_free);
  g_autoptr (GHashTable) layer_index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (JsonNode) doc = NULL;
  JsonObject *object;
  IotTreeLinks links;
  g_autofree char *json = NULL;

  iot_print_ek_action (pkt, out);

  iot_tree_links_build (pkt, &links);
  for (gint32 i = links.first_root; i >= 0; i = links.next[i])
    {
      g_autoptr (GPtrArray) members = g_ptr_array_new_with_free_func (json_member_free);
      g_autoptr (GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
      const char *layer = nodes[i].field ? nodes[i].field->proto_abbrev : "text";

      if (nodes[i].field != NULL && iot_columns_is_column_field (nodes[i].field))
        continue;
      if (protocol_filter != NULL && !g_hash_table_contains (protocol_filter, layer))
        {
          members_add (layers, layer_index, layer, filtered_object (layer));
          continue;
        }
      ek_add_subtree (pkt, &links, links.first[i], members, index, text,
                      protocol_filter != NULL && !protocol_filter_whole);
      if (nodes[i].field && nodes[i].field->type != IOT_FT_PROTOCOL && nodes[i].field->type != IOT_FT_NONE)
        {
          g_autofree char *key = ek_key (nodes[i].field);

          members_add (members, index, key, ek_value (pkt, &nodes[i], text));
        }
      members_add (layers, layer_index, layer, members_to_object (members));
    }
  iot_tree_links_clear (&links);

  object = json_object_new ();
  {
    g_autofree char *timestamp = iot_print_ek_timestamp (pkt->frame->ts_ns);

    json_object_set_string_member (object, "timestamp", timestamp);
  }
  json_object_set_member (object, "layers", members_to_object (layers));
  doc = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  json_generator_set_root (generator, doc);
  json = json_generator_to_data (generator, NULL);
  iot_print_append_json_text (out, json);
  g_string_append_c (out, '\n');
}

void
iot_print_append_json_text (GString *out, const char *json)
{
  /* Outside strings JSON text has no control characters but white space
   * (tab, LF, CR) that json-glib writes itself: any other is inside a
   * string and must be escaped. */
  for (const char *p = json; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
}

/* ---- -G fields ---------------------------------------------------------------- */

static const char *
base_name (const IotField *field)
{
  if (!iot_field_type_is_integer (field->type))
    return "";
  switch (field->base)
    {
    case IOT_BASE_DEC:
      return "BASE_DEC";
    case IOT_BASE_HEX:
      return "BASE_HEX";
    case IOT_BASE_OCT:
      return "BASE_OCT";
    case IOT_BASE_DEC_HEX:
      return "BASE_DEC_HEX";
    case IOT_BASE_HEX_DEC:
      return "BASE_HEX_DEC";
    default:
      return "BASE_NONE";
    }
}

static void
print_glossary_field (GString *out, const IotField *field, const char *protocol)
{
  g_string_append_printf (out, "F\t%s\t%s\t%s\t%s\t%s\t0x%" G_GINT64_MODIFIER "x\t%s\n",
                          field->name, field->abbrev, iot_field_type_name (field->type),
                          protocol, base_name (field), field->bitmask, field->blurb ? field->blurb : "");
}

void
iot_print_glossary (GString *out)
{
  iot_registry_init ();
  for (guint d = 0; d < iot_registry_n_dissectors (); d++)
    {
      const IotDissector *dissector = iot_registry_dissector_by_id (d);

      g_string_append_printf (out, "P\t%s\t%s\n", dissector->long_name ? dissector->long_name
                                                                       : dissector->name,
                              dissector->abbrev);
      for (guint i = 1; i < dissector->n_fields; i++)
        print_glossary_field (out, &dissector->fields[i], dissector->abbrev);
      /* Expert items are FT_NONE fields of their protocol, as tshark lists
       * them: their summary as the name. */
      for (guint i = 0; i < dissector->n_experts; i++)
        print_glossary_field (out, &dissector->experts[i].field, dissector->abbrev);
    }
}
