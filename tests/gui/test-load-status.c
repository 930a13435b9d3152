/* test-load-status.c — what the window says about a load that did not
 * complete: Escape during the first pass of a large capture leaves the
 * frames read so far in view and says so in the status bar; a file that
 * cannot be opened leaves no file's name in the title or status bar.
 * Run under Xvfb (run-xvfb.sh). */
#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "gui-test-util.h"
#include "iot-window.h"

/* A pcap of @n UDP frames (Ethernet, IPv4, 8 bytes of payload), written
 * here: the test needs a file whose first pass takes a while, not any
 * particular traffic. */
static void
write_udp_capture (const char *path, guint n)
{
  static const guint8 header[24] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                     0xff, 0xff, 0, 0, 1, 0, 0, 0 };
  static const guint8 frame[50] = {
    0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,                   /* Ethernet */
    0x45, 0, 0, 36, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,      /* IPv4 */
    0x9c, 0x40, 0x9c, 0x41, 0, 16, 0, 0,                                        /* UDP 40000 → 40001 */
    'r', 'e', 'a', 'd', 'i', 'n', 'g', 's',
  };
  g_autoptr (GByteArray) bytes = g_byte_array_sized_new (24 + n * (16 + sizeof frame));
  g_autoptr (GError) error = NULL;

  g_byte_array_append (bytes, header, sizeof header);
  for (guint i = 0; i < n; i++)
    {
      guint32 record[4] = { GUINT32_TO_LE (1800000000u + i / 1000), GUINT32_TO_LE ((i % 1000) * 1000),
                            GUINT32_TO_LE (sizeof frame), GUINT32_TO_LE (sizeof frame) };

      g_byte_array_append (bytes, (const guint8 *) record, sizeof record);
      g_byte_array_append (bytes, frame, sizeof frame);
    }
  if (!g_file_set_contents (path, (const char *) bytes->data, bytes->len, &error))
    g_error ("%s", error->message);
}

static void
first_rows_cb (IotSession *session, GParamSpec *pspec, gboolean *cancelled)
{
  /* The first screenful is in: Escape, as a user who saw enough. */
  if (!*cancelled && iot_session_get_n_total (session) > 0 && iot_session_is_loading (session))
    {
      *cancelled = TRUE;
      iot_session_cancel (session);
    }
}

static void
test_cancelled_load (void)
{
  g_autofree char *dir = g_dir_make_tmp ("iotscope-load-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "many-readings.pcap", NULL);
  const guint n = 1000000;
  IotWindow *window = iot_window_new (NULL, NULL);
  IotSession *session = iot_window_get_session (window);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  gboolean loaded = FALSE, cancelled = FALSE;
  g_autofree char *expected = NULL;
  const char *status;

  write_udp_capture (path, n);
  iot_window_set_show_dialogs (window, FALSE);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (session, "load-finished", G_CALLBACK (gui_test_flag_cb), &loaded);
  g_signal_connect (session, "notify::n-displayed", G_CALLBACK (first_rows_cb), &cancelled);
  iot_window_open (window, file);
  gui_test_wait_for (&loaded);
  gui_test_settle ();
  g_assert_true (cancelled);
  g_assert_true (iot_session_get_load_partial (session));
  g_assert_cmpuint (iot_session_get_n_in_file (session), ==, n);
  g_assert_cmpuint (iot_session_get_n_total (session), >, 0);
  g_assert_cmpuint (iot_session_get_n_total (session), <, n);
  status = gtk_label_get_text (GTK_LABEL (gui_test_window_child (window, "status_counts")));
  expected = g_strdup_printf ("Loading cancelled: the first %u of %u frames are shown",
                              iot_session_get_n_total (session), n);
  g_test_message ("status bar: %s", status);
  g_assert_nonnull (strstr (status, expected));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "many-readings.pcap");

  /* Opened again to the end: the note is gone. */
  loaded = FALSE;
  g_signal_handlers_disconnect_by_func (session, first_rows_cb, &cancelled);
  iot_window_reload (window);
  gui_test_wait_for (&loaded);
  g_assert_false (iot_session_get_load_partial (session));
  g_assert_cmpuint (iot_session_get_n_total (session), ==, n);
  g_assert_null (strstr (gtk_label_get_text (GTK_LABEL (gui_test_window_child (window, "status_counts"))), "cancelled"));
  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (dir);
}

static void
problem_cb (IotSession *session, const char *title, const char *detail, gboolean *flag)
{
  *flag = TRUE;
}

static void
test_failed_open (void)
{
  g_autofree char *dir = g_dir_make_tmp ("iotscope-load-XXXXXX", NULL);
  g_autofree char *bad = g_build_filename (dir, "not-a-capture.pcap", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (bad);
  IotWindow *window = gui_test_open_capture ("mqtt311.pcap");
  IotSession *session = iot_window_get_session (window);
  gboolean failed = FALSE;

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "mqtt311.pcap");
  g_assert_true (g_file_set_contents (bad, "this is a shopping list, not packets\n", -1, NULL));
  g_signal_connect (session, "problem", G_CALLBACK (problem_cb), &failed);
  iot_window_open (window, file);
  gui_test_wait_for (&failed);
  gui_test_settle ();
  g_assert_null (iot_session_get_path (session));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "iotscope");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gui_test_window_child (window, "status_counts"))), ==, "");
  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (bad);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  gui_test_init (&argc, &argv);
  g_test_add_func ("/load-status/cancelled", test_cancelled_load);
  g_test_add_func ("/load-status/failed-open", test_failed_open);
  return g_test_run ();
}
