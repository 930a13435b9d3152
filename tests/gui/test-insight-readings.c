/* test-insight-readings.c — the Readings page of the IoT Insight window on
 * readings.pcap (tests/captures/make-readings.sh): its list holds the
 * series `iotscope-cli -z readings` prints, the chart draws one point per
 * reading of the selected series with the insight's silence shaded, a
 * point leads to its frame in the main window, and a capture without
 * numbers says so.  Run under Xvfb (run-xvfb.sh). */
#include <glib/gstdio.h>
#include <string.h>
#include <gtk/gtk.h>

#include "gui-test-util.h"
#include "iot-app-test.h"
#include "iot-app-script.h"
#include "iot-application-private.h"
#include "iot-window.h"

static IotInsightWindow *
open_readings (IotWindow *window)
{
  g_autoptr (GError) error = NULL;
  GtkWindow *insight = iot_window_show_analysis (window, "insight:readings", &error);

  g_assert_no_error (error);
  g_assert_true (IOT_IS_INSIGHT_WINDOW (insight));
  gui_test_wait_signal (insight, "ready");
  gui_test_settle ();
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (gui_test_template_child (IOT_INSIGHT_WINDOW (insight), IOT_TYPE_INSIGHT_WINDOW, "pages"))), ==, "readings");
  return IOT_INSIGHT_WINDOW (insight);
}

static const IotReadingSeries *
row_series (GListModel *model, guint position)
{
  g_autoptr (IotInsightReadingsRow) row = g_list_model_get_item (model, position);

  return iot_insight_readings_row_get_series (row);
}

/* The row of @device, @series and @name, or GTK_INVALID_LIST_POSITION. */
static guint
find_row (GListModel *model, const char *device, const char *series, const char *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      const IotReadingSeries *s = row_series (model, i);

      if (strcmp (s->device, device) == 0 && strcmp (s->series, series) == 0 && strcmp (s->name, name) == 0)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

/* The rows of a -z readings table, by "device|series|name": the cells
 * (separated by two spaces or more). */
static GHashTable *
cli_table (const char *text)
{
  GHashTable *rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  gboolean in_table = FALSE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char **cells;

      if (g_str_has_prefix (lines[i], "Device "))
        {
          in_table = TRUE;
          continue;
        }
      if (!in_table || g_str_has_prefix (lines[i], "====") || lines[i][0] == '\0')
        continue;
      cells = g_regex_split_simple ("\\s{2,}", g_strstrip (lines[i]), 0, 0);
      g_assert_cmpuint (g_strv_length (cells), ==, 10);
      g_hash_table_insert (rows, g_strdup_printf ("%s|%s|%s", cells[0], cells[1], cells[2]), cells);
    }
  return rows;
}

static void
assert_cell (const char *cell, char *expected)
{
  g_assert_cmpstr (cell, ==, expected);
  g_free (expected);
}

/* The series list the page shows: its column view's selection model. */
static GtkSingleSelection *
list_selection (IotInsightReadings *page)
{
  GtkWidget *view = gui_test_find_widget (GTK_WIDGET (page), NULL, GTK_TYPE_COLUMN_VIEW);

  g_assert_nonnull (view);
  return GTK_SINGLE_SELECTION (gtk_column_view_get_model (GTK_COLUMN_VIEW (view)));
}

static GtkWidget *
chart_of (IotInsightReadings *page)
{
  GtkWidget *chart = gui_test_find_widget (GTK_WIDGET (page), NULL, GTK_TYPE_DRAWING_AREA);

  g_assert_nonnull (chart);
  return chart;
}

/* Draws the chart now (as the next frame would) and checks what it tells
 * screen readers it drew. */
static void
assert_chart_drew (IotInsightReadings *page, const char *description)
{
  GtkWidget *chart = chart_of (page);
  g_autofree char *error = NULL;

  gtk_widget_queue_draw (chart);
  gui_test_settle ();
  error = gtk_test_accessible_check_property (GTK_ACCESSIBLE (chart), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                              description);
  g_assert_cmpstr (error, ==, NULL);
}

static void
frame_hit_cb (IotInsightReadings *page, guint frame, GHashTable *hits)
{
  g_hash_table_add (hits, GUINT_TO_POINTER (frame));
}

/* Presses the chart all over, through its click gesture, and returns the
 * frames the presses led to. */
static GHashTable *
press_everywhere (IotInsightReadings *page)
{
  GtkWidget *chart = chart_of (page);
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (chart);
  GHashTable *hits = g_hash_table_new (NULL, NULL);
  GtkGesture *click = NULL;
  gulong handler;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && click == NULL; i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_CLICK (controller))
        click = GTK_GESTURE (controller);
    }
  g_assert_nonnull (click);
  /* Only the hits are wanted here, not the main window following each. */
  g_signal_handlers_block_matched (page, G_SIGNAL_MATCH_ID, g_signal_lookup ("frame-activated", IOT_TYPE_INSIGHT_READINGS),
                                   0, NULL, NULL, NULL);
  handler = g_signal_connect (page, "frame-activated", G_CALLBACK (frame_hit_cb), hits);
  for (int y = 0; y < gtk_widget_get_height (chart); y += 2)
    for (int x = 0; x < gtk_widget_get_width (chart); x += 2)
      g_signal_emit_by_name (click, "pressed", 1, (double) x, (double) y);
  g_signal_handler_disconnect (page, handler);
  g_signal_handlers_unblock_matched (page, G_SIGNAL_MATCH_ID, g_signal_lookup ("frame-activated", IOT_TYPE_INSIGHT_READINGS),
                                     0, NULL, NULL, NULL);
  return hits;
}

static void
test_readings_page (void)
{
  IotWindow *window = gui_test_open_capture ("readings.pcap");
  IotSession *session = iot_window_get_session (window);
  IotInsightWindow *insight = open_readings (window);
  IotInsightReadings *page = IOT_INSIGHT_READINGS (gui_test_find_widget (GTK_WIDGET (insight), "readings", IOT_TYPE_INSIGHT_READINGS));
  GtkSingleSelection *selection = list_selection (page);
  GListModel *model = G_LIST_MODEL (selection);
  g_autofree char *path = gui_test_capture_file ("readings.pcap");
  g_autofree char *cli = gui_test_cli_run (path, "-q", "-z", "readings", NULL);
  const IotReadingSeries *s;
  g_autofree char *dir = g_dir_make_tmp ("readings-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "readings.png", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) cli_rows = NULL;
  g_autoptr (GHashTable) hits = NULL;
  guint position, frame = 0, n_points = 0;
  guint32 point_frame;

  /* The list: the 25 series the CLI prints, each row as the CLI has it. */
  g_assert_nonnull (strstr (cli, "Series: 25\n"));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 25);
  cli_rows = cli_table (cli);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autofree char *key = NULL;
      char **cells;

      s = row_series (model, i);
      key = g_strdup_printf ("%s|%s|%s", s->device, s->series, s->name);
      cells = g_hash_table_lookup (cli_rows, key);
      g_assert_nonnull (cells);
      g_assert_cmpstr (cells[3], ==, s->unit != NULL ? s->unit : "-");
      assert_cell (cells[4], g_strdup_printf ("%u", s->count));
      assert_cell (cells[5], iot_readings_format_value (s->min));
      assert_cell (cells[6], iot_readings_format_value (s->max));
      assert_cell (cells[7], iot_readings_format_value (s->last));
      n_points += s->count;
    }
  /* 227 readings sent (tests/captures/readings.expected has a line each). */
  g_assert_cmpuint (n_points, ==, 227);

  /* The longest series is charted first: pump-3's flow, 20 points, its
   * 2 s silence (the insight's periodic gap) shaded. */
  s = gtk_single_selection_get_selected_item (selection)
      ? iot_insight_readings_row_get_series (gtk_single_selection_get_selected_item (selection)) : NULL;
  g_assert_nonnull (s);
  g_assert_cmpstr (s->device, ==, "pump-3");
  g_assert_cmpstr (s->name, ==, "/flow");
  assert_chart_drew (page, "20 points charted, 1 silence shaded");
  g_assert_true (iot_app_script_save_screenshot (GTK_WIDGET (insight), png, &error));
  g_assert_no_error (error);

  /* Another series: thermo-1's temperature, 10 points, no gap. */
  position = find_row (model, "thermo-1", "lab/thermo-1/state", "/temperature");
  g_assert_cmpuint (position, !=, GTK_INVALID_LIST_POSITION);
  gtk_single_selection_set_selected (selection, position);
  assert_chart_drew (page, "10 points charted, 0 silences shaded");

  /* Pressing the chart all over reaches exactly the series' frames: each
   * point leads to its own, and nothing else leads anywhere. */
  hits = press_everywhere (page);
  s = row_series (model, position);
  g_assert_cmpuint (g_hash_table_size (hits), ==, s->points->len);
  for (guint i = 0; i < s->points->len; i++)
    g_assert_true (g_hash_table_contains (hits, GUINT_TO_POINTER (g_array_index (s->points, IotReadingPoint, i).frame)));

  /* A point's frame is selected in the main window (the page's
   * frame-activated goes the way the findings' does). */
  point_frame = g_array_index (s->points, IotReadingPoint, 3).frame;
  g_signal_connect (insight, "frame-activated", G_CALLBACK (gui_test_frame_cb), &frame);
  g_signal_emit_by_name (page, "frame-activated", point_frame);
  gui_test_settle ();
  g_assert_cmpuint (frame, ==, point_frame);
  g_assert_cmpuint (iot_session_get_selected_frame (session), ==, point_frame);

  /* The CoAP series: the request's path names the answers' readings. */
  position = find_row (model, "127.0.0.1", "/sensors/soil", "/moisture");
  g_assert_cmpuint (position, !=, GTK_INVALID_LIST_POSITION);
  gtk_single_selection_set_selected (selection, position);
  assert_chart_drew (page, "5 points charted, 0 silences shaded");

  gtk_window_destroy (GTK_WINDOW (insight));
  gtk_window_destroy (GTK_WINDOW (window));
  g_remove (png);
  g_rmdir (dir);
}

/* A capture whose payloads carry no number: the page says so. */
static void
test_no_readings (void)
{
  IotWindow *window = gui_test_open_capture ("icmp.pcap");
  IotInsightWindow *insight = open_readings (window);
  IotInsightReadings *page = IOT_INSIGHT_READINGS (gui_test_find_widget (GTK_WIDGET (insight), "readings", IOT_TYPE_INSIGHT_READINGS));

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list_selection (page))), ==, 0);
  /* Nor is there a chart on screen. */
  g_assert_false (gtk_widget_is_drawable (chart_of (page)));
  gtk_window_destroy (GTK_WINDOW (insight));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  /* The chart's accessible description is checked: GTK's test
   * accessibility context keeps it (no bus needed). */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gui_test_init (&argc, &argv);
  g_test_add_func ("/insight-readings/page", test_readings_page);
  g_test_add_func ("/insight-readings/none", test_no_readings);
  return g_test_run ();
}
