/* test-welcome-page.c — the welcome page a window shows with no capture:
 * the recent captures (GtkRecentManager, captures only, newest first),
 * opened by their row; the capture interfaces, as `iotscope-cli -D` lists
 * them; the page gives way to the panes once a capture is open, and comes
 * back after a failed open.  Run under Xvfb (run-xvfb.sh), whose
 * XDG_DATA_HOME is a scratch folder: the recent list starts empty. */
#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "gui-test-util.h"
#include "iot-app-test.h"
#include "iot-capture-dialog.h"
#include "iot-welcome-page.h"
#include "iot-window.h"

static IotWelcomePage *
find_page (GtkWidget *widget)
{
  if (IOT_IS_WELCOME_PAGE (widget))
    return IOT_WELCOME_PAGE (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      IotWelcomePage *page = find_page (child);

      if (page != NULL)
        return page;
    }
  return NULL;
}

static void
add_recent (const char *path, const char *mime)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autofree char *uri = g_file_get_uri (file);
  GtkRecentData data = { .mime_type = (char *) mime, .app_name = (char *) "iotscope",
                         .app_exec = (char *) "iotscope %f" };
  gboolean changed = FALSE;
  gulong id = g_signal_connect (gtk_recent_manager_get_default (), "changed",
                                G_CALLBACK (gui_test_flag_cb), &changed);

  g_assert_true (gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data));
  gui_test_wait_for (&changed);
  g_signal_handler_disconnect (gtk_recent_manager_get_default (), id);
}

static char *
uri_of (const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);

  return g_file_get_uri (file);
}

static void
test_welcome_page (void)
{
  g_autofree char *coap = gui_test_capture_file ("coap.pcap");
  g_autofree char *mqtt = gui_test_capture_file ("mqtt311.pcap");
  g_autofree char *readme = gui_test_capture_file ("README.md");
  g_autofree char *coap_uri = uri_of (coap);
  g_autofree char *mqtt_uri = uri_of (mqtt);
  g_autofree char *listed = NULL;
  g_auto (GStrv) lines = NULL;
  IotWindow *window = iot_window_new (NULL, NULL);
  IotSession *session = iot_window_get_session (window);
  IotWelcomePage *page;
  GListModel *recent, *interfaces;
  gboolean loaded = FALSE;
  guint n_names = 0;

  add_recent (coap, "application/vnd.tcpdump.pcap");
  g_usleep (1100 * 1000);   /* recent files are ordered by their time, in seconds */
  add_recent (readme, "text/markdown");
  add_recent (mqtt, "application/vnd.tcpdump.pcap");

  iot_window_set_show_dialogs (window, FALSE);
  gtk_window_present (GTK_WINDOW (window));
  page = find_page (GTK_WIDGET (window));
  g_assert_nonnull (page);
  gui_test_settle ();
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (page)));

  /* Captures only, newest first. */
  recent = iot_welcome_page_get_recent (page);
  g_assert_cmpuint (g_list_model_get_n_items (recent), ==, 2);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (recent), 0), ==, mqtt_uri);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (recent), 1), ==, coap_uri);
  g_assert_nonnull (gtk_list_box_get_row_at_index (GTK_LIST_BOX (gui_test_template_child (page, IOT_TYPE_WELCOME_PAGE, "recent_list")), 1));

  /* The interfaces the CLI lists, in its order. */
  if (!iot_welcome_page_interfaces_ready (page))
    gui_test_wait_signal (page, "interfaces-ready");
  interfaces = iot_welcome_page_get_interfaces (page);
  listed = gui_test_cli_run (coap, "-D", NULL);
  lines = g_strsplit (listed, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) words = g_strsplit (lines[i], " ", 3);

      if (words[0] == NULL || words[1] == NULL)
        continue;
      g_assert_cmpuint (n_names, <, g_list_model_get_n_items (interfaces));
      g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (interfaces), n_names), ==, words[1]);
      n_names++;
    }
  g_assert_cmpuint (n_names, ==, g_list_model_get_n_items (interfaces));
  g_test_message ("%u interfaces as iotscope-cli -D lists them", n_names);

  /* An interface's row opens Capture Options with it selected. */
  if (n_names > 0)
    {
      guint last = n_names - 1;
      const char *name = gtk_string_list_get_string (GTK_STRING_LIST (interfaces), last);
      GtkWidget *row = gtk_list_box_row_get_child (gtk_list_box_get_row_at_index (GTK_LIST_BOX (gui_test_template_child (page, IOT_TYPE_WELCOME_PAGE, "interface_list")), last));
      IotCaptureDialog *dialog = NULL;
      g_auto (GStrv) chosen = NULL;
      GListModel *toplevels = gtk_window_get_toplevels ();

      g_signal_emit_by_name (row, "clicked");
      gui_test_settle ();
      for (guint i = 0; i < g_list_model_get_n_items (toplevels) && dialog == NULL; i++)
        {
          g_autoptr (GObject) toplevel = g_list_model_get_item (toplevels, i);

          if (IOT_IS_CAPTURE_DIALOG (toplevel))
            dialog = IOT_CAPTURE_DIALOG (toplevel);
        }
      g_assert_nonnull (dialog);
      chosen = iot_capture_dialog_dup_interfaces (dialog);
      g_assert_nonnull (chosen);
      g_assert_cmpuint (g_strv_length (chosen), ==, 1);
      g_assert_cmpstr (chosen[0], ==, name);
      gtk_window_destroy (GTK_WINDOW (dialog));
    }

  /* The second recent row opens coap.pcap; the panes take the page's place. */
  g_signal_connect (session, "load-finished", G_CALLBACK (gui_test_flag_cb), &loaded);
  {
    GtkWidget *row = gtk_list_box_row_get_child (gtk_list_box_get_row_at_index (GTK_LIST_BOX (gui_test_template_child (page, IOT_TYPE_WELCOME_PAGE, "recent_list")), 1));

    g_assert_true (GTK_IS_BUTTON (row));
    g_signal_emit_by_name (row, "clicked");
  }
  gui_test_wait_for (&loaded);
  gui_test_settle ();
  g_assert_cmpstr (iot_session_get_path (session), ==, coap);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (page)));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (iot_window_get_packet_list (window))));

  /* A failed open: the welcome page again. */
  {
    g_autofree char *dir = g_dir_make_tmp ("iotscope-welcome-XXXXXX", NULL);
    g_autofree char *bad = g_build_filename (dir, "broken.pcap", NULL);
    g_autoptr (GFile) file = g_file_new_for_path (bad);

    g_assert_true (g_file_set_contents (bad, "no packets here", -1, NULL));
    iot_window_open (window, file);
    while (iot_session_get_path (session) != NULL || iot_session_is_loading (session))
      g_main_context_iteration (NULL, TRUE);
    gui_test_settle ();
    g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (page)));
    g_unlink (bad);
    g_rmdir (dir);
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  gui_test_init (&argc, &argv);
  g_test_add_func ("/welcome-page/recent-and-interfaces", test_welcome_page);
  return g_test_run ();
}
