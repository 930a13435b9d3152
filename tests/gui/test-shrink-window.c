/* test-shrink-window.c — the main window on a capture that another program
 * truncates while it is open: scrolling to and selecting rows whose bytes
 * are gone (packet list, protocol tree, hex pane all read them) must not
 * crash the window, and a notice must say what happened.  Run under Xvfb
 * (run-xvfb.sh). */
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "gui-test-util.h"
#include "iot-window.h"

#define N_FRAMES    20000
#define KEEP_FRAMES 5000
#define FRAME_LEN   100

/* N_FRAMES UDP datagrams 127.0.0.1 → 127.0.0.1, FRAME_LEN bytes each. */
static char *
write_capture (void)
{
  static const guint8 head[] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00,                  /* Ethernet */
    0x45, 0, 0, 86, 0, 1, 0, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1,   /* IPv4 */
    0x9c, 0x40, 0xb9, 0xfd, 0, 66, 0, 0,                             /* UDP 40000 → 47613 */
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GByteArray) out = g_byte_array_new ();
  guint32 header[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 262144, 1 };
  guint8 frame[FRAME_LEN] = { 0 };
  char *path = NULL;
  int fd = g_file_open_tmp ("file-output-shrink-XXXXXX.pcap", &path, &error);

  g_assert_no_error (error);
  close (fd);
  memcpy (frame, head, sizeof head);
  g_byte_array_append (out, (const guint8 *) header, sizeof header);
  for (guint32 i = 0; i < N_FRAMES; i++)
    {
      guint32 record[4] = { 1700000000 + i / 100, (i % 100) * 10000, FRAME_LEN, FRAME_LEN };

      frame[sizeof head] = (guint8) i;
      g_byte_array_append (out, (const guint8 *) record, sizeof record);
      g_byte_array_append (out, frame, sizeof frame);
    }
  g_assert_true (g_file_set_contents (path, (const char *) out->data, out->len, &error));
  g_assert_no_error (error);
  return path;
}

static void
problem_cb (IotSession *session, const char *title, const char *detail, char **out)
{
  g_free (*out);
  *out = g_strdup_printf ("%s\n%s", title, detail);
}

/* A message dialog the window presented, or NULL. */
static GtkWidget *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) w = g_list_model_get_item (toplevels, i);

      if (GTK_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (w))
        return w;
    }
  return NULL;
}

static void
test_truncated_while_open (void)
{
  g_autofree char *path = write_capture ();
  g_autofree char *notice = NULL;
  IotWindow *window = gui_test_open_window (path, NULL);
  IotSession *session = iot_window_get_session (window);
  IotPacketList *list = iot_window_get_packet_list (window);
  const guint positions[] = { 10, KEEP_FRAMES - 1, KEEP_FRAMES, N_FRAMES - 1, 12345, 0, 17000 };
  GtkWidget *dialog;
  char *text = NULL;

  g_assert_cmpuint (iot_session_get_n_displayed (session), ==, N_FRAMES);
  iot_window_set_show_dialogs (window, TRUE);
  g_signal_connect (session, "problem", G_CALLBACK (problem_cb), &notice);

  /* Another program cuts the file inside frame KEEP_FRAMES + 1. */
  g_assert_cmpint (truncate (path, 24 + (off_t) KEEP_FRAMES * (16 + FRAME_LEN) + 30), ==, 0);

  /* Scroll to and select rows on both sides of the cut: rows, tree and
   * hex pane read their bytes. */
  for (guint i = 0; i < G_N_ELEMENTS (positions); i++)
    {
      iot_packet_list_select_position (list, positions[i]);
      gui_test_settle ();
    }
  for (int step = 0; step < 40; step++)
    {
      iot_packet_list_move (list, -97);
      g_main_context_iteration (NULL, FALSE);
    }

  /* The window tells, once. */
  while (notice == NULL)
    {
      gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
      if (g_get_monotonic_time () > deadline)
        g_error ("no notice about the truncated file");
    }
  g_assert_nonnull (strstr (notice, "changed while it was open"));
  g_assert_nonnull (strstr (notice, "after frame 5000"));
  g_assert_nonnull (strstr (notice, "Frame 5001 and the frames after it"));
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_object_get (dialog, "text", &text, NULL);
  g_assert_nonnull (strstr (text, "changed while it was open"));
  g_free (text);
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* The window still works: a frame before the cut shows its layers. */
  iot_packet_list_select_position (list, 42);
  gui_test_settle ();
  g_assert_cmpuint (iot_session_get_selected_frame (session), ==, 43);
  g_assert_cmpuint (iot_session_get_n_displayed (session), ==, N_FRAMES);

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
}

int
main (int argc, char **argv)
{
  gui_test_init (&argc, &argv);
  g_test_add_func ("/gui/shrink/truncated-while-open", test_truncated_while_open);
  return g_test_run ();
}
