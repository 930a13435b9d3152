/* urlencoded.c — HTML form bodies (application/x-www-form-urlencoded), the
 * "key=value&key=value" text browsers and devices POST to web servers.
 *
 * Decoded the way tshark 4.0 decodes them, so fields compare equal: a key
 * runs up to the next '=' (an '&' before it stays part of the key: "flag&unit"
 * from a body "flag&unit=C"), its value up to the next '&'; "%XX" becomes the
 * byte XX and '+' a space in both.  A '%' not followed by two hex digits, or
 * a NUL byte, ends the form there; a '%' cut off by the end of the body is
 * malformed.  A key without a value at the end of the body gets an empty one.
 */
#include <string.h>

#include "iot-dissector.h"

enum {
  F_PROTO,
  F_KEY,
  F_VALUE,
  N_FIELDS
};

static IotField form_fields[N_FIELDS] = {
  [F_PROTO] = { "urlencoded-form", "HTML Form URL Encoded", IOT_FT_PROTOCOL, .blurb =
    "A filled-in web form: name=value pairs joined by '&', with special characters written as %XX." },
  [F_KEY] = { "urlencoded-form.key", "Key", IOT_FT_STRINGZ, .blurb =
    "The name of one form field, with %XX escapes and '+' (a space) decoded." },
  [F_VALUE] = { "urlencoded-form.value", "Value", IOT_FT_STRINGZ, .blurb =
    "What was entered for that field, with %XX escapes and '+' (a space) decoded; may be empty." },
};

/* Decodes the key or value starting at @off up to @stop (or the end of the
 * body) into packet memory.  Returns the offset of the stop byte (or of the
 * end), or -1 when a NUL byte or a '%' without two hex digits ends the form.
 * A '%' whose digits lie past the end of the bytes ends the layer. */
static gint
read_form_text (IotPacket *pkt, const IotBuf *buf, guint off, guint8 stop, char **out)
{
  GString *text = g_string_new (NULL);

  while (off < buf->reported)
    {
      guint8 c = iot_buf_u8 (buf, off);

      if (c == 0)
        goto stopped;
      if (c == stop)
        break;
      if (c == '%')
        {
          int high = g_ascii_xdigit_value ((char) iot_buf_u8 (buf, off + 1));
          int low;

          if (high < 0)
            goto stopped;
          low = g_ascii_xdigit_value ((char) iot_buf_u8 (buf, off + 2));
          if (low < 0)
            goto stopped;
          g_string_append_c (text, (char) (high << 4 | low));
          off += 3;
          continue;
        }
      g_string_append_c (text, c == '+' ? ' ' : (char) c);
      off++;
    }
  /* Kept as decoded, as tshark 4.0 keeps it: a %00 ends the text, and
   * bytes that are not UTF-8 stay as they are. */
  *out = iot_packet_strndup (pkt, text->str, strlen (text->str));
  g_string_free (text, TRUE);
  return (gint) off;
stopped:
  g_string_free (text, TRUE);
  return -1;
}

static int
dissect_form (IotPacket *pkt, IotBuf *buf, int parent, gpointer data)
{
  const IotMediaInfo *info = data;
  const char *media_type = info != NULL ? info->media_type : NULL;
  int tree = iot_tree_add_protocol (pkt, parent, &form_fields[F_PROTO], buf, 0, -1);
  guint off = 0;

  if (media_type != NULL)
    {
      iot_col_append_sep_info (pkt, " ", "(%s)", media_type);
      iot_tree_set_label (pkt, tree, "HTML Form URL Encoded: %s", media_type);
    }

  while (off < buf->reported)
    {
      guint start = off;
      int item = iot_tree_add_text (pkt, tree, buf, off, 0, "Form item");
      char *key, *value;
      gint end;

      end = read_form_text (pkt, buf, off, '=', &key);
      if (end < 0)
        break;
      iot_tree_add_string (pkt, item, &form_fields[F_KEY], buf, off, (guint) end - off, key, -1);
      iot_tree_append_label (pkt, item, ": \"%s\"", key);
      off = (guint) end + 1;

      /* A key that ran to the end of the body still gets its (empty)
       * value, placed just past the end as tshark places it. */
      end = read_form_text (pkt, buf, off, '&', &value);
      if (end < 0)
        break;
      iot_tree_add_string (pkt, item, &form_fields[F_VALUE], buf, MIN (off, buf->length),
                           (guint) end - MIN ((guint) end, off), value, -1);
      iot_tree_append_label (pkt, item, " = \"%s\"", value);
      off = (guint) end + 1;
      iot_tree_set_length (pkt, item, MIN (off, buf->length) - start);
    }
  return buf->length;
}

static const IotStringHandoff form_media_types[] = {
  { "media_type", "application/x-www-form-urlencoded" },
  { NULL },
};

IotDissector iot_dissector_urlencoded = {
  .name = "URL Encoded Form Data",
  .abbrev = "urlencoded-form",
  .long_name = "HTML Form URL Encoded",
  .fields = form_fields,
  .n_fields = N_FIELDS,
  .dissect_with_data = dissect_form,
  .string_handoff = form_media_types,
};
