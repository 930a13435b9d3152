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

/* Each line as tshark shows it (format_text): control characters escaped,
 * what is not UTF-8 as U+FFFD. */
static char *
escaped (IotPacket *pkt, const guint8 *p, guint len)
{
  return iot_packet_format_text (pkt, p, len);
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
