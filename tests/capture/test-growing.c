/* test-growing.c — following a pcap file while it is written: frames
 * appear record by record, a half-written record waits, pointers handed
 * out before a remap stay valid, and the result equals iot_file_open(). */
#include <glib/gstdio.h>
#include <stdio.h>

#include "iot-file.h"

typedef struct {
  char    *path;
  FILE    *out;
  gboolean nsec;
} Writer;

static void
writer_open (Writer *w, gboolean nsec)
{
  guint32 header[6] = { nsec ? 0xa1b23c4d : 0xa1b2c3d4, 0x00040002, 0, 0, 262144, 1 };
  int fd = g_file_open_tmp ("iotscope-growing-XXXXXX.pcap", &w->path, NULL);

  g_assert_cmpint (fd, >=, 0);
  w->out = fdopen (fd, "wb");
  w->nsec = nsec;
  fwrite (header, sizeof header, 1, w->out);
  fflush (w->out);
}

/* Writes frame @i: @cut > 0 writes only that many bytes of the record. */
static void
writer_frame (Writer *w, guint i, guint32 caplen, gsize cut)
{
  guint32 record[4] = { 1700000000 + i, (w->nsec ? 123456789u : 123456u) + i, caplen, caplen + (i % 3) };
  g_autofree guint8 *bytes = g_malloc (sizeof record + caplen);

  memcpy (bytes, record, sizeof record);
  for (guint32 k = 0; k < caplen; k++)
    bytes[sizeof record + k] = (guint8) (i * 7 + k);
  fwrite (bytes, 1, cut ? cut : sizeof record + caplen, w->out);
  fflush (w->out);
}

static void
writer_rest (Writer *w, guint i, guint32 caplen, gsize done)
{
  guint32 record[4] = { 1700000000 + i, (w->nsec ? 123456789u : 123456u) + i, caplen, caplen + (i % 3) };
  g_autofree guint8 *bytes = g_malloc (sizeof record + caplen);

  memcpy (bytes, record, sizeof record);
  for (guint32 k = 0; k < caplen; k++)
    bytes[sizeof record + k] = (guint8) (i * 7 + k);
  fwrite (bytes + done, 1, sizeof record + caplen - done, w->out);
  fflush (w->out);
}

static void
writer_close (Writer *w)
{
  fclose (w->out);
  g_unlink (w->path);
  g_free (w->path);
}

static void
assert_same_as_whole_file (IotFile *growing, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) whole = iot_file_open (path, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (iot_file_n_frames (growing), ==, iot_file_n_frames (whole));
  g_assert_cmpint (iot_file_format (growing), ==, iot_file_format (whole));
  for (guint32 n = 1; n <= iot_file_n_frames (whole); n++)
    {
      const IotFrame *a = iot_file_frame (growing, n), *b = iot_file_frame (whole, n);

      g_assert_cmpuint (a->offset, ==, b->offset);
      g_assert_cmpint (a->ts_ns, ==, b->ts_ns);
      g_assert_cmpuint (a->caplen, ==, b->caplen);
      g_assert_cmpuint (a->len, ==, b->len);
      g_assert_cmpuint (a->link_type, ==, b->link_type);
      g_assert_cmpmem (iot_file_frame_data (growing, n), a->caplen, iot_file_frame_data (whole, n), b->caplen);
    }
}

static void
test_record_by_record (gconstpointer data)
{
  gboolean nsec = GPOINTER_TO_INT (data);
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = NULL;
  Writer w;
  guint32 n_new = 99;

  writer_open (&w, nsec);
  file = iot_file_open_growing (w.path, &error);
  g_assert_no_error (error);
  g_assert_true (iot_file_is_growing (file));
  g_assert_cmpuint (iot_file_n_frames (file), ==, 0);
  g_assert_true (iot_file_refresh (file, &n_new, &error));
  g_assert_cmpuint (n_new, ==, 0);

  writer_frame (&w, 0, 60, 0);
  writer_frame (&w, 1, 100, 10);        /* half a record header */
  g_assert_true (iot_file_refresh (file, &n_new, &error));
  g_assert_cmpuint (n_new, ==, 1);
  writer_rest (&w, 1, 100, 10);
  writer_frame (&w, 2, 1500, 16 + 700); /* header and part of the bytes */
  g_assert_true (iot_file_refresh (file, &n_new, &error));
  g_assert_cmpuint (n_new, ==, 1);
  g_assert_cmpuint (iot_file_n_frames (file), ==, 2);
  writer_rest (&w, 2, 1500, 16 + 700);
  for (guint i = 3; i < 50; i++)
    writer_frame (&w, i, 40 + i, 0);
  g_assert_true (iot_file_refresh (file, &n_new, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_new, ==, 48);
  g_assert_null (iot_file_damage (file));
  assert_same_as_whole_file (file, w.path);
  writer_close (&w);
}

/* More than the first mapping holds: frames indexed before the remap keep
 * their bytes where they were. */
static void
test_remap (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = NULL;
  const guint8 *first;
  guint8 copy[200];
  Writer w;
  guint32 n_new;

  writer_open (&w, TRUE);
  writer_frame (&w, 0, 200, 0);
  file = iot_file_open_growing (w.path, &error);
  g_assert_no_error (error);
  first = iot_file_frame_data (file, 1);
  memcpy (copy, first, sizeof copy);
  for (guint i = 1; i <= 1200; i++)   /* about 72 MB */
    writer_frame (&w, i, 60000, 0);
  g_assert_true (iot_file_refresh (file, &n_new, &error));
  g_assert_cmpuint (n_new, ==, 1200);
  g_assert_cmpmem (first, sizeof copy, copy, sizeof copy);
  g_assert_cmpuint (iot_file_frame_data (file, 1201)[59999], ==, (guint8) (1200 * 7 + 59999));
  assert_same_as_whole_file (file, w.path);
  writer_close (&w);
}

static void
test_damage_and_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = NULL;
  guint32 bad[4] = { 1, 2, 0x7fffffff, 0x7fffffff };
  guint32 n_new;
  Writer w;

  g_assert_null (iot_file_open_growing ("/nonexistent/x.pcap", &error));
  g_assert_error (error, IOT_FILE_ERROR, IOT_FILE_ERROR_OPEN);
  g_clear_error (&error);
  g_assert_null (iot_file_open_growing ("tests/captures/mqtt311-ns.pcapng", &error));
  g_assert_error (error, IOT_FILE_ERROR, IOT_FILE_ERROR_FORMAT);
  g_clear_error (&error);

  writer_open (&w, FALSE);
  writer_frame (&w, 0, 64, 0);
  fwrite (bad, sizeof bad, 1, w.out);
  fflush (w.out);
  file = iot_file_open_growing (w.path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (iot_file_n_frames (file), ==, 1);
  g_assert_nonnull (iot_file_damage (file));
  writer_frame (&w, 1, 64, 0);
  g_assert_true (iot_file_refresh (file, &n_new, &error));
  g_assert_cmpuint (n_new, ==, 0);   /* nothing is trusted after damage */
  writer_close (&w);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/growing/usec", GINT_TO_POINTER (FALSE), test_record_by_record);
  g_test_add_data_func ("/growing/nsec", GINT_TO_POINTER (TRUE), test_record_by_record);
  g_test_add_func ("/growing/remap", test_remap);
  g_test_add_func ("/growing/damage", test_damage_and_errors);
  return g_test_run ();
}
