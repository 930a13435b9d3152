/* test-columns.c — the packet list's columns: "Apply as Column" on a tree
 * field adds a custom column whose cells are the CLI's `-e` values; the
 * Column Preferences window adds, retitles, hides and moves columns and a
 * Comment column; the arrangement is kept in GSettings and a new window
 * builds its column view from it.  With IOTSCOPE_SCREENSHOT_DIR set,
 * columns.png is written there.  Run under Xvfb (run-xvfb.sh). */
#include <string.h>
#include <glib/gstdio.h>
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <gtk/gtk.h>

#include "gui-test-util.h"
#include "iot-app-test.h"
#include "iot-app-script.h"
#include "iot-application-private.h"
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

/* ---- sorting by custom columns ----------------------------------------------------- */

typedef struct {
  guint32  number;
  gboolean present;
  double   value;
  char    *text;
} Expected;

static gboolean expected_numeric;
static gboolean expected_descending;

static int
compare_expected (gconstpointer a, gconstpointer b)
{
  const Expected *x = a, *y = b;
  const Expected *first = expected_descending ? y : x, *second = expected_descending ? x : y;
  int c;

  /* Without the field first; numbers as numbers, text byte by byte. */
  if (first->present != second->present)
    return first->present ? 1 : -1;
  if (expected_numeric && first->value != second->value)
    return first->value < second->value ? -1 : 1;
  c = strcmp (first->text, second->text);
  if (c != 0)
    return c;
  return x->number < y->number ? -1 : x->number > y->number;
}

/* The frame numbers of @capture (only those passing @filter, when not
 * NULL) in the order a custom column of @field sorts them, from the
 * values `iotscope-cli -e` prints. */
static GArray *
expected_order (const char *capture, const char *filter, const char *field, gboolean numeric, gboolean descending)
{
  g_autofree char *out = gui_test_cli_run (capture, "-Y", filter != NULL ? filter : "frame", "-T", "fields",
                                           "-E", "occurrence=a", "-E", "aggregator=,",
                                           "-e", "frame.number", "-e", field, NULL);
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
  g_autoptr (GArray) rows = g_array_new (FALSE, FALSE, sizeof (Expected));
  GArray *numbers = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *tab = strchr (lines[i], '\t');
      Expected row;

      if (tab == NULL)
        continue;
      row.number = (guint32) g_ascii_strtoull (lines[i], NULL, 10);
      row.text = (char *) tab + 1;
      row.present = row.text[0] != '\0';
      row.value = numeric && row.present ? g_ascii_strtod (row.text, NULL) : 0;
      g_array_append_val (rows, row);
    }
  expected_numeric = numeric;
  expected_descending = descending;
  g_array_sort (rows, compare_expected);
  for (guint i = 0; i < rows->len; i++)
    g_array_append_val (numbers, g_array_index (rows, Expected, i).number);
  return numbers;
}

/* The view's column for the custom column of @field. */
static GtkColumnViewColumn *
field_column (IotColumnPrefs *prefs, const char *field)
{
  for (guint i = 0; i < iot_column_prefs_get_n_columns (prefs); i++)
    if (g_strcmp0 (iot_column_prefs_get_column (prefs, i)->field, field) == 0)
      return iot_column_prefs_get_view_column (prefs, i);
  g_assert_not_reached ();
}

typedef struct {
  gint64 last;
  gint64 max_gap;
} Probe;

static gboolean
probe_tick_cb (gpointer data)
{
  Probe *probe = data;
  gint64 now = g_get_monotonic_time ();

  probe->max_gap = MAX (probe->max_gap, now - probe->last);
  probe->last = now;
  return G_SOURCE_CONTINUE;
}

/* Clicks @column's header (as the view's sorter hears of a click) and
 * waits for the order, which a worker computes: the longest time the
 * main loop was held up meanwhile is returned. */
static gint64
sort_by_header (IotWindow *window, GtkColumnViewColumn *column, GtkSortType order)
{
  IotSession *session = iot_window_get_session (window);
  gboolean done = FALSE;
  gulong id = g_signal_connect (session, "sort-finished", G_CALLBACK (gui_test_flag_cb), &done);
  Probe probe = { g_get_monotonic_time (), 0 };
  guint tick;

  gtk_column_view_sort_by_column (iot_packet_list_get_view (iot_window_get_packet_list (window)), column, order);
  g_assert_true (iot_session_get_sort_descending (session) == (order == GTK_SORT_DESCENDING));
  tick = g_timeout_add (5, probe_tick_cb, &probe);
  gui_test_wait_for (&done);
  g_source_remove (tick);
  g_signal_handler_disconnect (session, id);
  return probe.max_gap;
}

static void
assert_order (IotWindow *window, GArray *expected)
{
  IotFrameList *frames = iot_session_get_frames (iot_window_get_session (window));

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (frames)), ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    if (iot_frame_list_number_at (frames, i) != g_array_index (expected, guint32, i))
      g_error ("row %u: frame %u, expected %u", i, iot_frame_list_number_at (frames, i),
               g_array_index (expected, guint32, i));
}

/* Custom columns sort by their field: tcp.len as numbers (2 before 10),
 * mqtt.topic as text, the Comment column by the comments; a filter keeps
 * the order, rearranging columns keeps it, removing the column goes back
 * to frame order. */
static void
test_sort_custom (void)
{
  g_autoptr (GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr (GSettings) settings = g_settings_new_with_backend ("org.iotscope.Iotscope", backend);
  g_autofree char *path = gui_test_capture_file ("comments.pcapng");
  IotWindow *window = gui_test_open_window (path, settings);
  IotSession *session = iot_window_get_session (window);
  IotColumnPrefs *prefs = iot_column_prefs_get_for (GTK_WIDGET (window));
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) by_len = expected_order (path, NULL, "tcp.len", TRUE, FALSE);
  g_autoptr (GArray) by_len_down = expected_order (path, NULL, "tcp.len", TRUE, TRUE);
  g_autoptr (GArray) by_topic = expected_order (path, NULL, "mqtt.topic", FALSE, FALSE);
  g_autoptr (GArray) by_comment = expected_order (path, NULL, "frame.comment", FALSE, TRUE);
  g_autoptr (GArray) mqtt_by_len = expected_order (path, "mqtt", "tcp.len", TRUE, FALSE);
  g_autoptr (GArray) lexical = expected_order (path, NULL, "tcp.len", FALSE, FALSE);
  guint index;

  g_assert_true (iot_column_prefs_add_field (prefs, "tcp.len", NULL, NULL, &error));
  g_assert_true (iot_column_prefs_add_field (prefs, "mqtt.topic", NULL, NULL, &error));
  iot_column_prefs_add_comment (prefs);
  gui_test_settle ();

  /* As numbers: not the order their text would give. */
  sort_by_header (window, field_column (prefs, "tcp.len"), GTK_SORT_ASCENDING);
  g_assert_cmpstr (iot_session_get_sort_field (session), ==, "tcp.len");
  assert_order (window, by_len);
  g_assert_false (memcmp (by_len->data, lexical->data, by_len->len * sizeof (guint32)) == 0);
  sort_by_header (window, field_column (prefs, "tcp.len"), GTK_SORT_DESCENDING);
  assert_order (window, by_len_down);
  gui_test_settle ();
  if (g_getenv ("IOTSCOPE_SCREENSHOT_DIR") != NULL)
    {
      g_autofree char *shot = g_build_filename (g_getenv ("IOTSCOPE_SCREENSHOT_DIR"), "sort-custom.png", NULL);

      g_assert_true (iot_app_script_save_screenshot (GTK_WIDGET (window), shot, &error));
    }
  sort_by_header (window, field_column (prefs, "mqtt.topic"), GTK_SORT_ASCENDING);
  assert_order (window, by_topic);
  sort_by_header (window, iot_column_prefs_get_view_column (prefs, iot_column_prefs_get_n_columns (prefs) - 2),
                  GTK_SORT_DESCENDING);
  g_assert_cmpstr (iot_session_get_sort_field (session), ==, "frame.comment");
  assert_order (window, by_comment);

  /* A filter keeps the field's order. */
  sort_by_header (window, field_column (prefs, "tcp.len"), GTK_SORT_ASCENDING);
  gui_test_apply_filter (window, "mqtt");
  while (iot_session_is_sorting (session))
    g_main_context_iteration (NULL, TRUE);
  assert_order (window, mqtt_by_len);
  gui_test_apply_filter (window, "");
  while (iot_session_is_sorting (session))
    g_main_context_iteration (NULL, TRUE);
  assert_order (window, by_len);

  /* Retitling rebuilds the custom columns: the sort stays. */
  for (index = 0; g_strcmp0 (iot_column_prefs_get_column (prefs, index)->field, "tcp.len") != 0; index++)
    ;
  iot_column_prefs_set_title (prefs, index, "TCP payload");
  gui_test_settle ();
  g_assert_cmpstr (iot_session_get_sort_field (session), ==, "tcp.len");
  assert_order (window, by_len);
  /* The column removed: frame order. */
  g_assert_true (iot_column_prefs_remove (prefs, index));
  gui_test_settle ();
  g_assert_null (iot_session_get_sort_field (session));
  g_assert_cmpint (iot_session_get_sort_column (session), ==, IOT_COLUMN_NUMBER);
  g_assert_false (iot_session_get_sort_descending (session));
  g_assert_cmpuint (iot_frame_list_number_at (iot_session_get_frames (session), 0), ==, 1);
  g_assert_cmpuint (iot_frame_list_number_at (iot_session_get_frames (session), 148), ==, 149);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* 100,000 generated frames (tests/bench/gen-capture.py) sorted by a
 * custom column: the order comes from a worker, the main loop keeps
 * running (its longest pause printed and held under the filter bar
 * test's limit), and the order is the CLI's values sorted. */
#define BIG_FRAMES 100000
#define MAX_GAP_US (750 * 1000)

static void
test_sort_custom_big (void)
{
  g_autoptr (GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr (GSettings) settings = g_settings_new_with_backend ("org.iotscope.Iotscope", backend);
  g_autofree char *dir = g_dir_make_tmp ("iotscope-sort-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "big.pcap", NULL);
  g_autofree char *script = g_build_filename (g_getenv ("IOTSCOPE_SOURCE_ROOT"), "tests", "bench", "gen-capture.py",
                                              NULL);
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autofree char *frames = g_strdup_printf ("%d", BIG_FRAMES);
  const char *argv[] = { python, script, frames, "--out", path, NULL };
  g_autoptr (GArray) expected = NULL;
  g_autoptr (GError) error = NULL;
  IotWindow *window;
  IotSession *session;
  IotColumnPrefs *prefs;
  gint64 gap;
  int status = 0;

  g_assert_nonnull (python);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  expected = expected_order (path, NULL, "udp.length", TRUE, TRUE);
  g_assert_cmpuint (expected->len, ==, BIG_FRAMES);

  window = gui_test_open_window (path, settings);
  session = iot_window_get_session (window);
  prefs = iot_column_prefs_get_for (GTK_WIDGET (window));
  g_assert_true (iot_column_prefs_add_field (prefs, "udp.length", NULL, NULL, &error));
  gui_test_settle ();
  gap = sort_by_header (window, field_column (prefs, "udp.length"), GTK_SORT_DESCENDING);
  g_test_message ("sorting %d frames by udp.length took %.2f s; the main loop paused %.1f ms at most",
                  BIG_FRAMES, iot_session_get_sort_seconds (session), gap / 1000.0);
  g_assert_cmpint (gap, <, MAX_GAP_US);
  assert_order (window, expected);
  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (dir);
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
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_widget_observe_children (GTK_WIDGET (GTK_LIST_BOX (gui_test_template_child (editor, IOT_TYPE_COLUMN_EDITOR, "rows")))))), ==, 8);
  gtk_editable_set_text (GTK_EDITABLE (GTK_ENTRY (gui_test_template_child (editor, IOT_TYPE_COLUMN_EDITOR, "field_entry"))), "no_such.field");
  g_signal_emit_by_name (GTK_BUTTON (gui_test_template_child (editor, IOT_TYPE_COLUMN_EDITOR, "add_button")), "clicked");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (gui_test_template_child (editor, IOT_TYPE_COLUMN_EDITOR, "message"))), "not a field name"));
  gtk_editable_set_text (GTK_EDITABLE (GTK_ENTRY (gui_test_template_child (editor, IOT_TYPE_COLUMN_EDITOR, "field_entry"))), "tcp.srcport");
  g_signal_emit_by_name (GTK_BUTTON (gui_test_template_child (editor, IOT_TYPE_COLUMN_EDITOR, "add_button")), "clicked");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gui_test_template_child (editor, IOT_TYPE_COLUMN_EDITOR, "message"))), ==, "");
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

      g_assert_true (iot_app_script_save_screenshot (GTK_WIDGET (window), shot, &error));
    }

  iot_column_prefs_set_visible (prefs, 2, FALSE); /* Destination, now third */
  gui_test_settle ();
  g_clear_pointer (&titles, g_free);
  titles = view_titles (window);
  g_assert_cmpstr (titles, ==, "#|Source|Protocol|Length|Time|Topic|Source Port|Comment|Info");
  g_assert_false (iot_packet_list_get_column_visible (iot_window_get_packet_list (window), IOT_COLUMN_DESTINATION));
  /* The editor follows: nine rows plus the hidden one. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_widget_observe_children (GTK_WIDGET (GTK_LIST_BOX (gui_test_template_child (editor, IOT_TYPE_COLUMN_EDITOR, "rows")))))), ==, 10);
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
  g_test_add_func ("/columns/sort-custom", test_sort_custom);
  g_test_add_func ("/columns/sort-custom-big", test_sort_custom_big);
  return g_test_run ();
}
