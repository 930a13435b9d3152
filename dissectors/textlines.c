/* textlines.c — a body of text shown line by line ("data-text-lines"), the
 * way tshark shows text/plain, text/html and WebSocket text messages. */
#include "iot-dissector.h"

enum {
  F_PROTO,
  N_FIELDS
};

static IotField text_fields[N_FIELDS] = {
  [F_PROTO] = { "data-text-lines", "Line-based text data", IOT_FT_PROTOCOL, .blurb =
    "A body made of text: each line is shown as it was sent." },
};

static char *
escaped (IotPacket *pkt, const guint8 *p, guint len)
{
  GString *s = g_string_sized_new (len + 8);
  char *out;

  for (guint i = 0; i < len; i++)
    {
      if (p[i] == '\r')
        g_string_append (s, "\\r");
      else if (p[i] == '\n')
        g_string_append (s, "\\n");
      else if (p[i] == '\t')
        g_string_append (s, "\\t");
      else if (p[i] < 0x20 || p[i] == 0x7f)
        g_string_append_printf (s, "\\x%02x", p[i]);
      else
        g_string_append_c (s, (char) p[i]);
    }
  out = iot_packet_strndup (pkt, s->str, s->len);
  g_string_free (s, TRUE);
  return out;
}

static int
dissect_text_lines (IotPacket *pkt, IotBuf *buf, int parent, gpointer data)
{
  const IotMediaInfo *info = data;
  const char *media_type = info != NULL ? info->media_type : NULL;
  int tree = iot_tree_add_protocol (pkt, parent, &text_fields[F_PROTO], buf, 0, -1);
  guint off = 0, lines = 0;

  /* Each line keeps its ending; a last line without one is still a line. */
  while (off < buf->length)
    {
      guint next;
      gint end = iot_buf_find_line_end (buf, off, &next);

      if (end < 0)
        next = buf->length;
      iot_tree_add_text (pkt, tree, buf, off, next - off, "%s", escaped (pkt, buf->data + off, next - off));
      lines++;
      off = next;
    }
  if (media_type != NULL)
    {
      iot_tree_set_label (pkt, tree, "Line-based text data: %s (%u lines)", media_type, lines);
      iot_col_append_sep_info (pkt, " ", "(%s)", media_type);
    }
  else
    iot_tree_set_label (pkt, tree, "Line-based text data (%u lines)", lines);
  return buf->length;
}

/* Media types tshark shows as lines of text. */
static const IotStringHandoff text_media_types[] = {
  { "media_type", "text/plain" },
  { "media_type", "text/html" },
  { "media_type", "text/css" },
  { "media_type", "text/javascript" },
  { "media_type", "application/javascript" },
  { "media_type", "application/x-javascript" },
  { "media_type", "text/vcard" },
  { "media_type", "text/x-vcard" },
  { NULL },
};

IotDissector iot_dissector_textlines = {
  .name = "Line-based text data",
  .abbrev = "data-text-lines",
  .long_name = "Line-based text data",
  .fields = text_fields,
  .n_fields = N_FIELDS,
  .dissect_with_data = dissect_text_lines,
  .string_handoff = text_media_types,
};
