/* test-columns.c — the packet list's columns: "Apply as Column" on a tree
 * field adds a custom column whose cells are the CLI's `-e` values; the
 * Column Preferences window adds, retitles, hides and moves columns and a
 * Comment column; the arrangement is kept in GSettings and a new window
 * builds its column view from it.  With IOTSCOPE_SCREENSHOT_DIR set,
 * columns.png is written there.  Run under Xvfb (run-xvfb.sh). */
#include <string.h>
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <gtk/gtk.h>

#include "gui-test-util.h"
#include "iot-application.h"
#include "iot-column-editor.h"
#include "iot-column-prefs.h"
#include "iot-window.h"

/* `iotscope-cli -T fields -e FIELD` for frame @number (all occurrences,
 * comma-separated). */
static char *
cli_field (const char *field, guint32 number)
{
  g_autofree char *path = gui_test_capture_file ("comments.pcapng");
  g_autofree char *filter = g_strdup_printf ("frame.number == %u", number);
  char *out = gui_test_cli_run (path, "-Y", filter, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,",
                                "-e", field, NULL);

  g_strchomp (out);
  return out;
}

/* The titles of the view's visible columns, left to right, "|"-separated. */
static char *
view_titles (IotWindow *window)
{
  GListModel *columns = gtk_column_view_get_columns (iot_packet_list_get_view (iot_window_get_packet_list (window)));
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (!gtk_column_view_column_get_visible (column))
        continue;
      if (out->len > 0)
        g_string_append_c (out, '|');
      g_string_append (out, gtk_column_view_column_get_title (column));
    }
  return g_string_free (out, FALSE);
}

static int
find_node (IotPacket *pkt, const char *abbrev)
{
  for (guint i = 0; i < iot_packet_n_nodes (pkt); i++)
    {
      const IotNode *node = iot_packet_node (pkt, i);

      if (node->field != NULL && g_str_equal (node->field->abbrev, abbrev))
        return (int) i;
    }
  return -1;
}

/* Whether some cell on screen shows @text. */
static gboolean
shows_text (GtkWidget *widget, const char *text)
{
  if (GTK_IS_INSCRIPTION (widget) && g_strcmp0 (gtk_inscription_get_text (GTK_INSCRIPTION (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (shows_text (child, text))
      return TRUE;
  return FALSE;
}

static void
test_columns (void)
{
  g_autoptr (GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr (GSettings) settings = g_settings_new_with_backend ("org.iotscope.Iotscope", backend);
  g_autofree char *path = gui_test_capture_file ("comments.pcapng");
  IotWindow *window = gui_test_open_window (path, settings);
  IotSession *session = iot_window_get_session (window);
  IotColumnPrefs *prefs = iot_column_prefs_get_for (GTK_WIDGET (window));
  GtkWidget *view = GTK_WIDGET (iot_packet_list_get_view (iot_window_get_packet_list (window)));
  IotColumnEditor *editor;
  g_autoptr (GVariant) saved = NULL;
  g_autofree char *titles = NULL;
  guint topic_index = G_MAXUINT;
  int node;

  g_assert_nonnull (prefs);
  titles = view_titles (window);
  g_assert_cmpstr (titles, ==, "No.|Time|Source|Destination|Protocol|Length|Info");

  /* Apply as Column on frame 18's MQTT topic. */
  iot_session_select_frame (session, 18);
  node = find_node (iot_session_get_packet (session), "mqtt.topic");
  g_assert_cmpint (node, >=, 0);
  iot_session_select_node (session, node);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "colprefs.apply-selected", NULL));
  gui_test_settle ();
  g_clear_pointer (&titles, g_free);
  titles = view_titles (window);
  g_assert_cmpstr (titles, ==, "No.|Time|Source|Destination|Protocol|Length|Topic|Info");
  for (guint i = 0; i < iot_column_prefs_get_n_columns (prefs); i++)
    if (g_strcmp0 (iot_column_prefs_get_column (prefs, i)->field, "mqtt.topic") == 0)
      topic_index = i;
  g_assert_cmpuint (topic_index, ==, 6);
  /* Its cells are the CLI's values, and the row on screen shows them. */
  {
    g_autofree char *out = gui_test_cli_run (path, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,",
                                             "-e", "mqtt.topic", NULL);
    g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
    guint n_topics = 0;

    /* One line per frame, the last one ended by a newline. */
    g_assert_cmpuint (g_strv_length (lines), ==, 150);
    for (guint32 number = 1; number <= 149; number++)
      {
        g_autofree char *ours = iot_column_prefs_dup_cell_text (prefs, topic_index, number);

        g_assert_cmpstr (ours, ==, lines[number - 1]);
        n_topics += ours[0] != '\0';
      }
    g_assert_cmpuint (n_topics, >=, 10);
  }
  g_assert_true (shows_text (view, "sensors/temperature"));

  /* The Column Preferences window: a field by name, a wrong one, a
   * Comment column. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "colprefs.edit", NULL));
  editor = IOT_COLUMN_EDITOR (iot_column_prefs_show_editor (prefs));
  gui_test_settle ();
  g_assert_cmpint (gtk_widget_get_visible (GTK_WIDGET (editor)), ==, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_widget_observe_children (GTK_WIDGET (iot_column_editor_get_rows (editor))))), ==, 8);
  gtk_editable_set_text (GTK_EDITABLE (iot_column_editor_get_field_entry (editor)), "no_such.field");
  g_signal_emit_by_name (iot_column_editor_get_add_button (editor), "clicked");
  g_assert_nonnull (strstr (gtk_label_get_text (iot_column_editor_get_message (editor)), "not a field name"));
  gtk_editable_set_text (GTK_EDITABLE (iot_column_editor_get_field_entry (editor)), "tcp.srcport");
  g_signal_emit_by_name (iot_column_editor_get_add_button (editor), "clicked");
  g_assert_cmpstr (gtk_label_get_text (iot_column_editor_get_message (editor)), ==, "");
  iot_column_prefs_add_comment (prefs);
  gui_test_settle ();
  g_clear_pointer (&titles, g_free);
  titles = view_titles (window);
  g_assert_cmpstr (titles, ==, "No.|Time|Source|Destination|Protocol|Length|Topic|Source Port|Comment|Info");
  {
    g_autofree char *port = iot_column_prefs_dup_cell_text (prefs, 7, 20);
    g_autofree char *theirs = cli_field ("tcp.srcport", 20);
    g_autofree char *comment = iot_column_prefs_dup_cell_text (prefs, 8, 4);
    g_autofree char *none = iot_column_prefs_dup_cell_text (prefs, 8, 5);

    g_assert_cmpstr (port, ==, theirs);
    g_assert_cmpstr (comment, ==, "CONNECT from mosquitto_pub, second comment on the same frame, with a comma, inside");
    g_assert_cmpstr (none, ==, "");
  }

  /* Order, title, visibility. */
  iot_column_prefs_move (prefs, 1, 5);            /* Time after Length */
  iot_column_prefs_set_title (prefs, 0, "#");
  /* The picture: custom and comment columns beside the built-in ones. */
  iot_session_select_frame (session, 20);
  gui_test_settle ();
  gtk_widget_queue_resize (view);
  gui_test_settle ();
  if (g_getenv ("IOTSCOPE_SCREENSHOT_DIR") != NULL)
    {
      g_autofree char *shot = g_build_filename (g_getenv ("IOTSCOPE_SCREENSHOT_DIR"), "columns.png", NULL);
      g_autoptr (GError) error = NULL;

      g_assert_true (iot_application_save_screenshot (GTK_WIDGET (window), shot, &error));
    }

  iot_column_prefs_set_visible (prefs, 2, FALSE); /* Destination, now third */
  gui_test_settle ();
  g_clear_pointer (&titles, g_free);
  titles = view_titles (window);
  g_assert_cmpstr (titles, ==, "#|Source|Protocol|Length|Time|Topic|Source Port|Comment|Info");
  g_assert_false (iot_packet_list_get_column_visible (iot_window_get_packet_list (window), IOT_COLUMN_DESTINATION));
  /* The editor follows: nine rows plus the hidden one. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_widget_observe_children (GTK_WIDGET (iot_column_editor_get_rows (editor))))), ==, 10);
  gtk_window_destroy (GTK_WINDOW (editor));

  /* Kept in the settings, and a new window is built from them. */
  saved = g_settings_get_value (settings, "columns");
  g_assert_cmpuint (g_variant_n_children (saved), ==, 10);
  {
    g_autoptr (GVariant) topic = g_variant_get_child_value (saved, 6);
    const char *id, *field, *title;
    gboolean visible;

    g_variant_get (topic, "(&s&s&sb)", &id, &field, &title, &visible);
    g_assert_cmpstr (id, ==, "field");
    g_assert_cmpstr (field, ==, "mqtt.topic");
    g_assert_cmpstr (title, ==, "Topic");
    g_assert_true (visible);
  }
  gtk_window_destroy (GTK_WINDOW (window));
  window = gui_test_open_window (path, settings);
  prefs = iot_column_prefs_get_for (GTK_WIDGET (window));
  g_clear_pointer (&titles, g_free);
  titles = view_titles (window);
  g_assert_cmpstr (titles, ==, "#|Source|Protocol|Length|Time|Topic|Source Port|Comment|Info");
  g_assert_true (shows_text (GTK_WIDGET (iot_packet_list_get_view (iot_window_get_packet_list (window))),
                             "sensors/#"));

  /* Removing: custom columns go, built-in ones stay; Reset restores all. */
  g_assert_false (iot_column_prefs_remove (prefs, 0));
  g_assert_true (iot_column_prefs_remove (prefs, 7));  /* Source Port */
  g_clear_pointer (&titles, g_free);
  titles = view_titles (window);
  g_assert_cmpstr (titles, ==, "#|Source|Protocol|Length|Time|Topic|Comment|Info");
  iot_column_prefs_reset (prefs);
  g_clear_pointer (&titles, g_free);
  titles = view_titles (window);
  g_assert_cmpstr (titles, ==, "No.|Time|Source|Destination|Protocol|Length|Info");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  g_autoptr (GtkCssProvider) style = NULL;

  gui_test_init (&argc, &argv);
  style = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (style, "/org/iotscope/Iotscope/ui/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (style),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_test_add_func ("/columns/arrange", test_columns);
  return g_test_run ();
}
