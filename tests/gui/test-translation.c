/* test-translation.c — the window in German.  Run with LANGUAGE=de (and
 * a locale other than C, e.g. C.UTF-8) from the build tree: the
 * catalogue built in po/ is the one read, and the packet list's columns,
 * the status bar, the Edit menu, the find bar and the question before a
 * pcap save loses comments speak German (plural forms included), while
 * what the dissectors write (field names, Info) stays as tshark writes
 * it.  The program sets LANGUAGE=de itself.  With IOTSCOPE_SCREENSHOT_DIR set, main-window-de.png and
 * save-question-de.png are written there.  Run under Xvfb (run-xvfb.sh). */
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "gui-test-util.h"
#include "iot-app-script.h"
#include "iot-application-private.h"
#include "iot-window.h"
#include "iot-window-private.h"

static void
save_screenshot (GtkWidget *widget, const char *name)
{
  const char *dir = g_getenv ("IOTSCOPE_SCREENSHOT_DIR");
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;

  if (dir == NULL)
    return;
  path = g_build_filename (dir, name, NULL);
  gui_test_settle ();
  g_assert_true (iot_app_script_save_screenshot (widget, path, &error));
  g_test_message ("screenshot %s", path);
}

/* Whether @model (or a section or submenu of it) has an item labelled @label. */
static gboolean
menu_has_label (GMenuModel *model, const char *label)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *text = NULL;
      g_autoptr (GMenuLinkIter) links = NULL;

      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_LABEL, "s", &text)
          && g_strcmp0 (text, label) == 0)
        return TRUE;
      links = g_menu_model_iterate_item_links (model, i);
      while (g_menu_link_iter_next (links))
        {
          g_autoptr (GMenuModel) linked = g_menu_link_iter_get_value (links);

          if (menu_has_label (linked, label))
            return TRUE;
        }
    }
  return FALSE;
}

/* Whether a menu button inside @widget (the header bar's main menu among
 * them) offers an item labelled @label. */
static gboolean
any_menu_has_label (GtkWidget *widget, const char *label)
{
  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (widget)) != NULL
      && menu_has_label (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (widget)), label))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (any_menu_has_label (child, label))
      return TRUE;
  return FALSE;
}

static void
test_catalogue (void)
{
  g_autofree char *mo = g_build_filename (iot_application_locale_dir (), "de", "LC_MESSAGES", "iotscope.mo", NULL);

  /* Run from the build tree: its catalogues, not the installed ones. */
  g_assert_cmpstr (iot_application_locale_dir (), ==, BUILD_LOCALEDIR);
  g_assert_true (g_file_test (mo, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (_("Packet list"), ==, "Paketliste");
  g_assert_cmpstr (ngettext ("%u packet", "%u packets", 1), ==, "%u Paket");
  g_assert_cmpstr (ngettext ("%u packet", "%u packets", 5), ==, "%u Pakete");
}

static void
test_window (void)
{
  IotWindow *window = gui_test_open_capture ("comments.pcapng");
  IotPacketList *list = iot_window_get_packet_list (window);
  IotFindBar *bar = IOT_FIND_BAR (gui_test_window_child (window, "find_bar"));
  GtkWidget *titlebar = gtk_window_get_titlebar (GTK_WINDOW (window));
  g_autofree char *dir = g_dir_make_tmp ("iotscope-de-XXXXXX", NULL);
  g_autofree char *pcap = g_build_filename (dir, "gespeichert.pcap", NULL);
  GtkDialog *question;
  GtkWidget *button;
  const char *secondary;

  /* Column titles of the template and the status bar's texts. */
  g_assert_cmpstr (gtk_column_view_column_get_title (iot_packet_list_get_column (list, IOT_COLUMN_NUMBER)), ==, "Nr.");
  g_assert_cmpstr (gtk_column_view_column_get_title (iot_packet_list_get_column (list, IOT_COLUMN_SOURCE)), ==, "Quelle");
  g_assert_cmpstr (gtk_column_view_column_get_title (iot_packet_list_get_column (list, IOT_COLUMN_LENGTH)), ==, "Länge");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gui_test_window_child (window, "status_expert"))), ==, "Keine Expertenwarnungen");
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (gui_test_window_child (window, "status_counts"))), "Frames: 149 · Ladezeit: "));
  gui_test_apply_filter (window, "mqtt");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (gui_test_window_child (window, "status_counts"))), " · Angezeigt: "));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gui_test_window_child (window, "description"))), ==,
                   "Ein Paket auswählen, um seine Protokollschichten zu sehen.");
  /* The menus of the .ui template. */
  g_assert_nonnull (titlebar);
  g_assert_true (any_menu_has_label (titlebar, "_Neu laden"));
  g_assert_true (any_menu_has_label (titlebar, "Paket _suchen …"));
  g_assert_true (any_menu_has_label (titlebar, "E_xperteninformationen"));
  g_assert_false (any_menu_has_label (titlebar, "_Reload"));
  /* The find bar's placeholder comes from C. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "notes.find", NULL));
  gui_test_settle ();
  g_assert_cmpstr (gtk_entry_get_placeholder_text (iot_find_bar_get_entry (bar)), ==,
                   "Anzeigefilter, z. B. mqtt.topic contains \"temp\"");
  iot_find_bar_dismiss (bar);
  /* What the dissectors write stays tshark's. */
  iot_session_select_frame (iot_window_get_session (window), 4);
  gui_test_settle ();
  {
    g_autofree char *info = iot_packet_list_dup_cell_text (list, 0, IOT_COLUMN_INFO);

    g_assert_cmpstr (info, ==, "Connect Command");
  }
  save_screenshot (GTK_WIDGET (window), "main-window-de.png");

  /* The question before a pcap save, with its plural. */
  gui_test_apply_filter (window, "");
  iot_window_save (window, pcap, IOT_EXPORT_RANGE_ALL);
  question = iot_window_get_save_question (window);
  g_assert_nonnull (question);
  g_object_get (question, "secondary-text", &secondary, NULL);
  g_assert_true (g_str_has_prefix (secondary, "5 zu speichernde Pakete haben Kommentare."));
  g_free ((char *) secondary);
  button = gtk_dialog_get_widget_for_response (question, IOT_SAVE_AS_PCAPNG);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "Als _pcapng speichern");
  save_screenshot (GTK_WIDGET (question), "save-question-de.png");
  g_signal_emit_by_name (gtk_dialog_get_widget_for_response (question, GTK_RESPONSE_CANCEL), "clicked");
  gui_test_settle ();
  g_assert_false (g_file_test (pcap, G_FILE_TEST_EXISTS));
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  /* Before anything reads it; the tests' locale is C.UTF-8, which, unlike
   * C, lets LANGUAGE choose the messages. */
  g_setenv ("LANGUAGE", "de", TRUE);
  gui_test_init (&argc, &argv);
  g_test_add_func ("/translation/catalogue", test_catalogue);
  g_test_add_func ("/translation/window", test_window);
  return g_test_run ();
}
