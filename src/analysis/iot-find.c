/* iot-find.c — matching one frame for Find Packet. */
#define _GNU_SOURCE   /* memmem */
#include "iot-find.h"
#include "iot-analysis-test.h"

#include <string.h>

#include "iot-filter.h"
#include "iot-format.h"
#include "iot-scan.h"

G_DEFINE_QUARK (iot-find-error-quark, iot_find_error)

struct _IotFinder {
  IotFindMode  mode;
  IotFindScope scope;
  gboolean     case_sensitive;
  IotFilter   *filter;     /* IOT_FIND_FILTER */
  GBytes      *needle;     /* hex bytes, or the string as UTF-8 */
  char        *folded;     /* the string case-folded, when not case-sensitive */
  GRegex      *regex;      /* texts */
  GRegex      *raw_regex;  /* bytes: matched byte by byte */
};

static gboolean
set_error_at (GError **error, guint *column, guint at, const char *fmt, ...) G_GNUC_PRINTF (4, 5);

static gboolean
set_error_at (GError **error, guint *column, guint at, const char *fmt, ...)
{
  g_autofree char *message = NULL;
  va_list ap;

  va_start (ap, fmt);
  message = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (column != NULL)
    *column = at;
  g_set_error (error, IOT_FIND_ERROR, 0, "%s (column %u)", message, at);
  return FALSE;
}

GBytes *
iot_find_parse_hex (const char *text, guint *column, GError **error)
{
  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  int high = -1;
  guint col = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      col++;
      if (g_ascii_isxdigit (*p))
        {
          int digit = g_ascii_xdigit_value (*p);

          if (high < 0)
            high = digit;
          else
            {
              guint8 byte = (guint8) (high << 4 | digit);

              g_byte_array_append (bytes, &byte, 1);
              high = -1;
            }
        }
      else if (*p == ' ' || *p == ':' || *p == '-' || *p == '.')
        {
          if (high >= 0)
            {
              set_error_at (error, column, col, "“%c” splits a byte: write each byte as two hex digits", *p);
              return NULL;
            }
        }
      else
        {
          g_autofree char *c = g_utf8_substring (p, 0, 1);

          set_error_at (error, column, col, "“%s” is not a hex digit", c);
          return NULL;
        }
    }
  if (high >= 0)
    {
      set_error_at (error, column, col, "the last byte has only one hex digit");
      return NULL;
    }
  if (bytes->len == 0)
    {
      set_error_at (error, column, 1, "no bytes to look for");
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

/* GRegex says where a pattern is wrong only in its message. */
static guint
regex_error_column (const char *text, const GError *error)
{
  const char *at = strstr (error->message, " at char ");
  guint64 offset = at != NULL ? g_ascii_strtoull (at + 9, NULL, 10) : 0;

  offset = MIN (offset, strlen (text));
  return (guint) g_utf8_strlen (text, (gssize) offset) + 1;
}

static gboolean
compile (IotFinder *self, const char *text, guint *column, GError **error)
{
  g_autoptr (GError) local = NULL;
  GRegexCompileFlags flags = self->case_sensitive ? 0 : G_REGEX_CASELESS;

  switch (self->mode)
    {
    case IOT_FIND_FILTER:
      {
        g_autoptr (IotFilterProblem) problem = NULL;

        self->filter = iot_filter_compile (text, &problem);
        if (self->filter == NULL)
          return set_error_at (error, column, iot_filter_problem_column (problem, text) + 1, "%s",
                               problem->message);
        return TRUE;
      }
    case IOT_FIND_HEX:
      self->needle = iot_find_parse_hex (text, column, error);
      return self->needle != NULL;
    case IOT_FIND_STRING:
      if (text[0] == '\0')
        return set_error_at (error, column, 1, "nothing to look for");
      self->needle = g_bytes_new (text, strlen (text));
      self->folded = g_utf8_casefold (text, -1);
      return TRUE;
    case IOT_FIND_REGEX:
      if (text[0] == '\0')
        return set_error_at (error, column, 1, "nothing to look for");
      self->regex = g_regex_new (text, flags | G_REGEX_OPTIMIZE, 0, &local);
      if (self->regex == NULL)
        return set_error_at (error, column, regex_error_column (text, local), "%s", local->message);
      /* Bytes are not UTF-8: the same pattern, one byte per character. */
      self->raw_regex = g_regex_new (text, flags | G_REGEX_RAW, 0, NULL);
      return TRUE;
    default:
      g_return_val_if_reached (FALSE);
    }
}

IotFinder *
iot_finder_new (IotFindMode mode, IotFindScope scope, const char *text,
                gboolean case_sensitive, guint *column, GError **error)
{
  g_autoptr (IotFinder) self = g_new0 (IotFinder, 1);

  g_return_val_if_fail (text != NULL, NULL);
  self->mode = mode;
  self->scope = scope;
  self->case_sensitive = case_sensitive;
  if (!compile (self, text, column, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
iot_finder_free (IotFinder *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->filter, iot_filter_free);
  g_clear_pointer (&self->needle, g_bytes_unref);
  g_clear_pointer (&self->regex, g_regex_unref);
  g_clear_pointer (&self->raw_regex, g_regex_unref);
  g_free (self->folded);
  g_free (self);
}

/* ---- matching ------------------------------------------------------------------ */

static gboolean
bytes_contain (const guint8 *hay, gsize hay_len, const guint8 *needle, gsize len, gboolean ascii_caseless)
{
  if (len == 0 || len > hay_len)
    return FALSE;
  if (!ascii_caseless)
    return memmem (hay, hay_len, needle, len) != NULL;
  for (gsize i = 0; i + len <= hay_len; i++)
    if (g_ascii_strncasecmp ((const char *) hay + i, (const char *) needle, len) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
text_matches (IotFinder *self, const char *text)
{
  g_autofree char *folded = NULL;

  if (text == NULL || text[0] == '\0')
    return FALSE;
  if (self->regex != NULL)
    return g_regex_match (self->regex, text, 0, NULL);
  if (self->case_sensitive)
    {
      gsize needle_len = 0;
      const guint8 *needle = g_bytes_get_data (self->needle, &needle_len);

      /* The needle is counted bytes, not a C string. */
      return bytes_contain ((const guint8 *) text, strlen (text), needle, needle_len, FALSE);
    }
  folded = g_utf8_casefold (text, -1);
  return strstr (folded, self->folded) != NULL;
}

static gboolean
bytes_match (IotFinder *self, const guint8 *data, gsize len)
{
  gsize needle_len = 0;
  const guint8 *needle;

  if (data == NULL || len == 0)
    return FALSE;
  if (self->mode == IOT_FIND_REGEX)
    return self->raw_regex != NULL
           && g_regex_match_full (self->raw_regex, (const char *) data, (gssize) len, 0, 0, NULL, NULL);
  needle = g_bytes_get_data (self->needle, &needle_len);
  /* Hex bytes are exact; a string ignores the case of ASCII letters. */
  return bytes_contain (data, len, needle, needle_len,
                        self->mode == IOT_FIND_STRING && !self->case_sensitive);
}

static gboolean
list_matches (IotFinder *self, IotPacket *pkt, guint32 number, const IotFrame *frame)
{
  char text[256];

  g_snprintf (text, sizeof text, "%u", number);
  if (text_matches (self, text))
    return TRUE;
  iot_packet_format_src (pkt, text, sizeof text);
  if (text_matches (self, text))
    return TRUE;
  iot_packet_format_dst (pkt, text, sizeof text);
  if (text_matches (self, text))
    return TRUE;
  if (text_matches (self, iot_col_protocol (pkt)))
    return TRUE;
  g_snprintf (text, sizeof text, "%u", frame->len);
  if (text_matches (self, text))
    return TRUE;
  return text_matches (self, iot_col_info (pkt));
}

static gboolean
tree_matches (IotFinder *self, IotPacket *pkt)
{
  g_autoptr (GString) label = g_string_new (NULL);
  guint n = iot_packet_n_nodes (pkt);

  for (guint i = 0; i < n; i++)
    {
      const IotNode *node = iot_packet_node (pkt, i);

      if (node->flags & IOT_NODE_HIDDEN)
        continue;
      g_string_truncate (label, 0);
      iot_format_label (pkt, node, label);
      if (text_matches (self, label->str))
        return TRUE;
    }
  return FALSE;
}

/* What a frame is dissected with to be searched; FALSE when the bytes
 * alone are searched. */
static gboolean
needs_dissection (IotFinder *self)
{
  return self->mode == IOT_FIND_FILTER || (self->mode != IOT_FIND_HEX && self->scope != IOT_FIND_IN_BYTES);
}

static gboolean
bytes_of_frame_match (IotFinder *self, IotFile *file, guint32 number)
{
  const IotFrame *frame = iot_file_frame (file, number);

  return frame != NULL && bytes_match (self, iot_file_frame_data (file, number),
                                       iot_file_frame_gone (file, number) ? 0 : frame->caplen);
}

/* Whether the dissected frame in @pkt is what is looked for. */
static gboolean
packet_matches (IotFinder *self, IotFile *file, IotPacket *pkt)
{
  guint32 number = iot_packet_frame_number (pkt);

  if (self->mode == IOT_FIND_FILTER)
    return iot_filter_matches (self->filter, pkt);
  return self->scope == IOT_FIND_IN_TREE ? tree_matches (self, pkt)
                                         : list_matches (self, pkt, number, iot_file_frame (file, number));
}

static void
finder_add_wanted (IotFinder *self, IotFieldSet *wanted, IotDissectFlags *flags)
{
  /* Where to look matters only for strings and regular expressions. */
  if (self->mode == IOT_FIND_FILTER)
    iot_filter_add_fields (self->filter, wanted);
  else
    *flags |= self->scope == IOT_FIND_IN_TREE ? IOT_DISSECT_TREE : IOT_DISSECT_COLUMNS;
}

gboolean
iot_finder_matches (IotFinder *self, IotEngine *engine, IotPacket *pkt, guint32 number)
{
  IotFile *file = iot_engine_file (engine);
  g_autoptr (IotFieldSet) wanted = iot_field_set_new ();
  IotDissectOptions options = { .fields = wanted };

  if (iot_file_frame (file, number) == NULL)
    return FALSE;
  if (!needs_dissection (self))
    return bytes_of_frame_match (self, file, number);
  finder_add_wanted (self, wanted, &options.flags);
  iot_engine_dissect (engine, pkt, number, &options);
  return packet_matches (self, file, pkt);
}

/* ---- searching many frames ----------------------------------------------------- */

typedef struct {
  IotFinder *finder;
  IotFile   *file;
  IotScan   *scan;
  guint      seen;     /* frames of the range looked at so far */
  gint64     found;    /* index in the range, -1 = none yet */
} Search;

static void
search_add_wanted (gpointer data, IotFieldSet *wanted, IotDissectFlags *flags)
{
  finder_add_wanted (((Search *) data)->finder, wanted, flags);
}

static void
search_frame (gpointer data, IotPacket *pkt)
{
  Search *search = data;

  if (iot_file_frame (search->file, iot_packet_frame_number (pkt)) != NULL
      && packet_matches (search->finder, search->file, pkt))
    {
      search->found = search->seen;
      iot_scan_stop (search->scan);
    }
  search->seen++;
}

static const IotScanListener search_listener = {
  .add_wanted = search_add_wanted,
  .frame = search_frame,
};

/* How often a search of the bytes alone looks at @cancellable. */
#define BYTES_CHECK_EVERY 256u

gboolean
iot_finder_find (IotFinder *self, IotEngine *engine, const guint32 *numbers, guint n,
                 GCancellable *cancellable, gint64 *found, GError **error)
{
  IotFile *file = iot_engine_file (engine);
  g_autoptr (IotScan) scan = NULL;
  Search search = { self, file, NULL, 0, -1 };

  *found = -1;
  if (!needs_dissection (self))
    {
      /* Nothing to dissect: the bytes are read straight from the file. */
      for (guint i = 0; i < n; i++)
        {
          if (i % BYTES_CHECK_EVERY == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
          if (bytes_of_frame_match (self, file, numbers[i]))
            {
              *found = i;
              break;
            }
        }
      return TRUE;
    }
  scan = iot_scan_new (engine);
  search.scan = scan;
  iot_scan_set_frames (scan, numbers, n);
  iot_scan_add_listener (scan, &search_listener, &search, NULL);
  if (!iot_scan_run (scan, cancellable, NULL, NULL, error))
    return FALSE;
  *found = search.found;
  return TRUE;
}
