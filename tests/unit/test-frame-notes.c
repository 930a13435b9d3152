/* test-frame-notes.c — packet comments read from pcapng blocks in either
 * byte order (and damaged option lists that must not hurt the frame),
 * marks and ignores, comment edits and their pcapng round trip, and the
 * Find Packet matcher (hex parsing, errors with columns, each mode). */
#include <glib/gstdio.h>

#include "iot-engine.h"
#include "iot-analysis-test.h"
#include "iot-export.h"
#include "iot-find.h"
#include "iot-frame-notes.h"

/* ---- a pcapng in memory, in either byte order ------------------------------ */

typedef struct {
  GByteArray *out;
  gboolean    big;
  guint       start;
} Writer;

static void
put16 (Writer *w, guint16 v)
{
  v = w->big ? GUINT16_TO_BE (v) : GUINT16_TO_LE (v);
  g_byte_array_append (w->out, (const guint8 *) &v, 2);
}

static void
put32 (Writer *w, guint32 v)
{
  v = w->big ? GUINT32_TO_BE (v) : GUINT32_TO_LE (v);
  g_byte_array_append (w->out, (const guint8 *) &v, 4);
}

static void
pad (Writer *w)
{
  static const guint8 zeros[4] = { 0 };

  g_byte_array_append (w->out, zeros, (4 - w->out->len % 4) % 4);
}

static void
begin (Writer *w, guint32 type)
{
  w->start = w->out->len;
  put32 (w, type);
  put32 (w, 0);
}

static void
end (Writer *w)
{
  guint32 total = w->out->len + 4 - w->start;
  guint32 stored = w->big ? GUINT32_TO_BE (total) : GUINT32_TO_LE (total);

  memcpy (w->out->data + w->start + 4, &stored, 4);
  put32 (w, total);
}

static void
option (Writer *w, guint16 code, const char *value, guint16 claimed)
{
  put16 (w, code);
  put16 (w, claimed);
  g_byte_array_append (w->out, (const guint8 *) value, strlen (value));
  pad (w);
}

static const guint8 payload[] = { 0xde, 0xad, 0xbe, 0xef, 'H', 'e', 'l', 'l', 'o', '!' };

/* Section header, one Ethernet interface, then three packets: the first
 * with a flags option and two comments (one of odd length), the second
 * without, the third with a comment whose length runs past its block. */
static GBytes *
make_pcapng (gboolean big)
{
  Writer w = { .out = g_byte_array_new (), .big = big };

  begin (&w, 0x0a0d0d0a);
  put32 (&w, 0x1a2b3c4d);
  put16 (&w, 1);
  put16 (&w, 0);
  put32 (&w, 0xffffffff);
  put32 (&w, 0xffffffff);
  end (&w);
  begin (&w, 1);
  put16 (&w, 1);
  put16 (&w, 0);
  put32 (&w, 0);
  end (&w);
  for (guint i = 0; i < 3; i++)
    {
      begin (&w, 6);
      put32 (&w, 0);
      put32 (&w, 0);
      put32 (&w, 1000000 * (i + 1));
      put32 (&w, sizeof payload);
      put32 (&w, sizeof payload);
      g_byte_array_append (w.out, payload, sizeof payload);
      pad (&w);
      if (i == 0)
        {
          put16 (&w, 2);      /* epb_flags: skipped */
          put16 (&w, 4);
          put32 (&w, 1);
          option (&w, 1, "first note", 10);
          option (&w, 1, "odd", 3);
          option (&w, 0, "", 0);
        }
      else if (i == 2)
        option (&w, 1, "too long", 200);
      end (&w);
    }
  return g_byte_array_free_to_bytes (w.out);
}

static void
test_comments_read (void)
{
  for (int big = 0; big <= 1; big++)
    {
      g_autoptr (GBytes) bytes = make_pcapng (big);
      g_autoptr (GError) error = NULL;
      g_autoptr (IotFile) file = iot_file_open_bytes (bytes, "notes.pcapng", &error);
      g_auto (GStrv) first = NULL;
      g_auto (GStrv) second = NULL;
      g_auto (GStrv) third = NULL;

      g_assert_no_error (error);
      g_assert_cmpuint (iot_file_n_frames (file), ==, 3);
      g_assert_null (iot_file_damage (file));
      first = iot_file_dup_frame_comments (file, 1);
      g_assert_nonnull (first);
      g_assert_cmpuint (g_strv_length (first), ==, 2);
      g_assert_cmpstr (first[0], ==, "first note");
      g_assert_cmpstr (first[1], ==, "odd");
      second = iot_file_dup_frame_comments (file, 2);
      g_assert_null (second);
      /* A comment claiming more than its block holds is not read, and the
       * frame itself loads whole. */
      third = iot_file_dup_frame_comments (file, 3);
      g_assert_null (third);
      g_assert_cmpmem (iot_file_frame_data (file, 3), sizeof payload, payload, sizeof payload);
      g_assert_true (iot_file_has_comments (file));
      g_assert_false (iot_file_comments_edited (file));
    }
}

static void
test_marks (void)
{
  g_autoptr (GBytes) bytes = make_pcapng (FALSE);
  g_autoptr (IotFile) file = iot_file_open_bytes (bytes, "notes.pcapng", NULL);
  g_autoptr (GArray) marked = NULL;

  g_assert_false (iot_file_frame_marked (file, 2));
  iot_file_set_frame_marked (file, 3, TRUE);
  iot_file_set_frame_marked (file, 1, TRUE);
  iot_file_set_frame_marked (file, 1, TRUE);   /* twice: counted once */
  iot_file_set_frame_ignored (file, 1, TRUE);
  g_assert_cmpuint (iot_file_n_marked (file), ==, 2);
  g_assert_cmpuint (iot_file_n_ignored (file), ==, 1);
  marked = iot_file_dup_marked (file);
  g_assert_cmpuint (marked->len, ==, 2);
  g_assert_cmpuint (g_array_index (marked, guint32, 0), ==, 1);
  g_assert_cmpuint (g_array_index (marked, guint32, 1), ==, 3);
  iot_file_set_frame_marked (file, 1, FALSE);
  g_assert_false (iot_file_frame_marked (file, 1));
  g_assert_true (iot_file_frame_ignored (file, 1));
  iot_file_clear_marks (file);
  g_assert_cmpuint (iot_file_n_marked (file), ==, 0);
  g_assert_true (iot_file_frame_ignored (file, 1));
  iot_file_clear_ignored (file);
  g_assert_false (iot_file_frame_ignored (file, 1));
}

/* The same capture opened again (a reload) takes over the notes frame by
 * frame: marks, ignores, edited and removed comments; the file's own
 * comments stay as they are where nobody edited them. */
static void
test_notes_copied (void)
{
  g_autoptr (GBytes) bytes = make_pcapng (FALSE);
  g_autoptr (IotFile) before = iot_file_open_bytes (bytes, "notes.pcapng", NULL);
  g_autoptr (IotFile) after = iot_file_open_bytes (bytes, "notes.pcapng", NULL);
  const char *const edited[] = { "looked at in class", NULL };
  g_auto (GStrv) two = NULL;
  g_auto (GStrv) one = NULL;

  iot_file_set_frame_marked (before, 3, TRUE);
  iot_file_set_frame_ignored (before, 2, TRUE);
  iot_file_set_frame_comments (before, 2, edited);
  iot_file_set_frame_comments (before, 1, NULL);      /* the file's two, removed */
  g_assert_cmpuint (iot_file_copy_notes (before, after), ==, 3);
  g_assert_true (iot_file_frame_marked (after, 3));
  g_assert_cmpuint (iot_file_n_marked (after), ==, 1);
  g_assert_true (iot_file_frame_ignored (after, 2));
  g_assert_cmpuint (iot_file_n_ignored (after), ==, 1);
  two = iot_file_dup_frame_comments (after, 2);
  g_assert_nonnull (two);
  g_assert_cmpstr (two[0], ==, "looked at in class");
  one = iot_file_dup_frame_comments (after, 1);
  g_assert_null (one);
  g_assert_true (iot_file_comments_edited (after));
  /* Nothing to copy onto itself. */
  g_assert_cmpuint (iot_file_copy_notes (after, after), ==, 0);
}

/* Edits replace the file's comments, and a pcapng save keeps them. */
static void
test_comment_edits_saved (void)
{
  g_autoptr (GBytes) bytes = make_pcapng (TRUE);
  g_autoptr (IotFile) file = iot_file_open_bytes (bytes, "notes.pcapng", NULL);
  g_autofree char *dir = g_dir_make_tmp ("iotscope-notes-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "saved.pcapng", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) saved = NULL;
  const char *edited[] = { "edited", "", "😀 two", NULL };
  g_auto (GStrv) first = NULL;
  g_auto (GStrv) second = NULL;

  iot_file_set_frame_comments (file, 2, edited);
  iot_file_set_frame_comments (file, 1, NULL);
  g_assert_true (iot_file_comments_edited (file));
  g_assert_null (iot_file_dup_frame_comments (file, 1));
  g_assert_true (iot_export_frames (file, NULL, 0, path, IOT_EXPORT_PCAPNG, &error));
  g_assert_no_error (error);
  saved = iot_file_open (path, &error);
  g_assert_no_error (error);
  first = iot_file_dup_frame_comments (saved, 1);
  g_assert_null (first);
  second = iot_file_dup_frame_comments (saved, 2);
  g_assert_nonnull (second);
  g_assert_cmpuint (g_strv_length (second), ==, 2);   /* the empty one is gone */
  g_assert_cmpstr (second[0], ==, "edited");
  g_assert_cmpstr (second[1], ==, "😀 two");
  g_assert_cmpmem (iot_file_frame_data (saved, 2), sizeof payload, payload, sizeof payload);
  g_unlink (path);
  g_rmdir (dir);
}

/* ---- Find Packet ----------------------------------------------------------- */

static void
test_parse_hex (void)
{
  struct { const char *text; const char *bytes; guint column; } cases[] = {
    { "de ad be ef", "\xde\xad\xbe\xef", 0 },
    { "DEADbeef", "\xde\xad\xbe\xef", 0 },
    { "de:ad-be.ef", "\xde\xad\xbe\xef", 0 },
    { "de a", NULL, 4 },
    { "de ax", NULL, 5 },
    { "d e", NULL, 2 },
    { "  ", NULL, 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      guint column = 0;
      g_autoptr (GBytes) bytes = iot_find_parse_hex (cases[i].text, &column, &error);

      if (cases[i].bytes != NULL)
        {
          g_assert_no_error (error);
          g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), cases[i].bytes, 4);
        }
      else
        {
          g_assert_null (bytes);
          g_assert_error (error, IOT_FIND_ERROR, 0);
          g_assert_cmpuint (column, ==, cases[i].column);
        }
    }
}

static void
test_finder_errors (void)
{
  g_autoptr (GError) error = NULL;
  guint column = 0;

  g_assert_null (iot_finder_new (IOT_FIND_FILTER, IOT_FIND_IN_LIST, "tcp.port == ", FALSE, &column, &error));
  g_assert_error (error, IOT_FIND_ERROR, 0);
  g_assert_cmpuint (column, >=, 12);
  g_clear_error (&error);
  g_assert_null (iot_finder_new (IOT_FIND_REGEX, IOT_FIND_IN_TREE, "ab(c", FALSE, &column, &error));
  g_assert_error (error, IOT_FIND_ERROR, 0);
  g_assert_nonnull (strstr (error->message, "column"));
  g_clear_error (&error);
  g_assert_null (iot_finder_new (IOT_FIND_STRING, IOT_FIND_IN_LIST, "", FALSE, &column, &error));
  g_assert_cmpuint (column, ==, 1);
}

/* Which frames a finder matches on the test packets. */
static char *
matching (IotFindMode mode, IotFindScope scope, const char *text, gboolean case_sensitive)
{
  g_autoptr (GBytes) bytes = make_pcapng (FALSE);
  g_autoptr (IotFile) file = iot_file_open_bytes (bytes, "notes.pcapng", NULL);
  g_autoptr (IotEngine) engine = iot_engine_new (file);
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFinder) finder = iot_finder_new (mode, scope, text, case_sensitive, NULL, &error);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  g_assert_true (iot_engine_first_pass (engine, NULL));
  iot_file_set_frame_marked (file, 2, TRUE);
  for (guint32 n = 1; n <= iot_file_n_frames (file); n++)
    if (iot_finder_matches (finder, engine, pkt, n))
      g_string_append_printf (out, "%s%u", out->len > 0 ? "," : "", n);
  return g_string_free (out, FALSE);
}

static void
test_finder_modes (void)
{
  struct { IotFindMode mode; IotFindScope scope; const char *text; gboolean cs; const char *frames; } cases[] = {
    { IOT_FIND_FILTER, IOT_FIND_IN_BYTES, "frame.marked == 1", FALSE, "2" },
    { IOT_FIND_FILTER, IOT_FIND_IN_LIST, "frame.comment contains \"odd\"", FALSE, "1" },
    { IOT_FIND_HEX, IOT_FIND_IN_TREE, "be ef 48", FALSE, "1,2,3" },
    { IOT_FIND_HEX, IOT_FIND_IN_BYTES, "ef de", FALSE, "" },
    { IOT_FIND_STRING, IOT_FIND_IN_BYTES, "hello", FALSE, "1,2,3" },
    { IOT_FIND_STRING, IOT_FIND_IN_BYTES, "hello", TRUE, "" },
    { IOT_FIND_STRING, IOT_FIND_IN_TREE, "first NOTE", FALSE, "1" },
    { IOT_FIND_STRING, IOT_FIND_IN_TREE, "Frame is marked: True", TRUE, "2" },
    { IOT_FIND_STRING, IOT_FIND_IN_LIST, "2", FALSE, "2" },
    { IOT_FIND_REGEX, IOT_FIND_IN_BYTES, "\\xde\\xad.{2}Hel+o", FALSE, "1,2,3" },
    { IOT_FIND_REGEX, IOT_FIND_IN_TREE, "^odd$", FALSE, "1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *frames = matching (cases[i].mode, cases[i].scope, cases[i].text, cases[i].cs);

      g_test_message ("%s", cases[i].text);
      g_assert_cmpstr (frames, ==, cases[i].frames);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/frame-notes/comments-read", test_comments_read);
  g_test_add_func ("/frame-notes/marks", test_marks);
  g_test_add_func ("/frame-notes/comment-edits-saved", test_comment_edits_saved);
  g_test_add_func ("/frame-notes/copied-on-reload", test_notes_copied);
  g_test_add_func ("/find/parse-hex", test_parse_hex);
  g_test_add_func ("/find/errors", test_finder_errors);
  g_test_add_func ("/find/modes", test_finder_modes);
  return g_test_run ();
}
