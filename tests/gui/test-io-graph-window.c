/* test-io-graph-window.c — the I/O Graph window on real widgets: its
 * per-interval counts against `iotscope-cli -q -z io,stat` (the same
 * numbers as tshark), filter validation, recounting, clicks on points
 * and export.  The window is driven and read through its widgets: the
 * series table, the toolbar, the status line and the plot's own readout
 * (what hovering a point shows).  Run under Xvfb (run-xvfb.sh). */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <gtk/gtk.h>

#include "gui-test-util.h"
#include "iot-app-test.h"
#include "iot-io-graph-window.h"
#include "iot-window.h"

/* ---- helpers ------------------------------------------------------------------ */

/* The rows of a `-z io,stat` table: per interval, the numbers of its
 * cells left to right (a plain filter column gives frames and bytes, a
 * CALC(field) column one value).  GPtrArray of GArray of double. */
static GPtrArray *
cli_io_stat (const char *capture, const char *spec)
{
  g_autofree char *out = gui_test_cli_run (capture, "-q", "-z", spec, NULL);
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) cells = NULL;
      GArray *numbers;

      if (lines[i][0] != '|' || strstr (lines[i], "<>") == NULL)
        continue;
      cells = g_strsplit (lines[i], "|", -1);
      numbers = g_array_new (FALSE, FALSE, sizeof (double));
      /* cells[0] is empty, cells[1] the interval. */
      for (guint c = 2; cells[c] != NULL; c++)
        {
          char *text = g_strstrip (cells[c]);
          double value;

          if (*text == '\0')
            continue;
          value = g_ascii_strtod (text, NULL);
          g_array_append_val (numbers, value);
        }
      g_ptr_array_add (rows, numbers);
    }
  g_assert_cmpuint (rows->len, >, 0);
  return rows;
}

static double
cell (GPtrArray *rows, guint row, guint index)
{
  GArray *numbers = g_ptr_array_index (rows, row);

  g_assert_cmpuint (index, <, numbers->len);
  return g_array_index (numbers, double, index);
}

/* ---- the window's widgets ------------------------------------------------------- */

/* The columns of the series table (one line per series after the
 * headings). */
enum { COL_ENABLED, COL_NAME, COL_FILTER, COL_COLOR, COL_STYLE, COL_Y, COL_FIELD, COL_TOTAL, COL_REMOVE };

static GtkWidget *
named (IotIoGraphWindow *graph, const char *name, GType type)
{
  GtkWidget *widget = gui_test_find_widget (GTK_WIDGET (graph), name, type);

  g_assert_nonnull (widget);
  return widget;
}

static IotIoGraph *
plot_of (IotIoGraphWindow *graph)
{
  return IOT_IO_GRAPH (named (graph, NULL, IOT_TYPE_IO_GRAPH));
}

static GtkDropDown *
interval_dropdown (IotIoGraphWindow *graph)
{
  return GTK_DROP_DOWN (named (graph, "interval", GTK_TYPE_DROP_DOWN));
}

static const char *
interval_shown (IotIoGraphWindow *graph)
{
  return gtk_string_object_get_string (gtk_drop_down_get_selected_item (interval_dropdown (graph)));
}

static GtkWidget *
series_widget (IotIoGraphWindow *graph, guint series, int column)
{
  GtkGrid *grid = GTK_GRID (named (graph, "series", GTK_TYPE_GRID));

  return gtk_grid_get_child_at (grid, column, (int) series + 1);
}

static guint
n_series (IotIoGraphWindow *graph)
{
  guint n = 0;

  while (series_widget (graph, n, COL_ENABLED) != NULL)
    n++;
  return n;
}

static void
set_series_enabled (IotIoGraphWindow *graph, guint series, gboolean enabled)
{
  gtk_check_button_set_active (GTK_CHECK_BUTTON (series_widget (graph, series, COL_ENABLED)), enabled);
}

static gboolean
series_enabled (IotIoGraphWindow *graph, guint series)
{
  return gtk_check_button_get_active (GTK_CHECK_BUTTON (series_widget (graph, series, COL_ENABLED)));
}

static GtkEditable *
filter_entry (IotIoGraphWindow *graph, guint series)
{
  return GTK_EDITABLE (series_widget (graph, series, COL_FILTER));
}

/* Valid: neither the filter nor the field entry is marked invalid. */
static gboolean
series_valid (IotIoGraphWindow *graph, guint series)
{
  return !gtk_widget_has_css_class (series_widget (graph, series, COL_FILTER), "filter-invalid")
         && !gtk_widget_has_css_class (series_widget (graph, series, COL_FIELD), "filter-invalid");
}

/* The frames the series counted, as its Total cell says (0 for "—"). */
static guint64
series_total (IotIoGraphWindow *graph, guint series)
{
  return g_ascii_strtoull (gtk_label_get_text (GTK_LABEL (series_widget (graph, series, COL_TOTAL))), NULL, 10);
}

/* Adds a series as a user does: "Add", then its name, filter, Y value
 * ("Frames", or CALC(field) as "AVG(frame.len)") and Enter in the filter.
 * Returns its index. */
static guint
add_series (IotIoGraphWindow *graph, const char *name, const char *filter, const char *y_value)
{
  guint series = n_series (graph);
  g_autofree char *kind = g_strdup (y_value);
  char *field = strchr (kind, '(');
  GtkDropDown *y;
  GListModel *kinds;
  guint k;

  g_signal_emit_by_name (named (graph, "add", GTK_TYPE_BUTTON), "clicked");
  g_assert_cmpuint (n_series (graph), ==, series + 1);
  gtk_editable_set_text (GTK_EDITABLE (series_widget (graph, series, COL_NAME)), name);
  gtk_editable_set_text (filter_entry (graph, series), filter);
  if (field != NULL)
    {
      *field++ = '\0';
      field[strlen (field) - 1] = '\0';
    }
  y = GTK_DROP_DOWN (series_widget (graph, series, COL_Y));
  kinds = gtk_drop_down_get_model (y);
  for (k = 0; k < g_list_model_get_n_items (kinds); k++)
    if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (kinds), k), kind))
      break;
  g_assert_cmpuint (k, <, g_list_model_get_n_items (kinds));
  gtk_drop_down_set_selected (y, k);
  if (field != NULL)
    gtk_editable_set_text (GTK_EDITABLE (series_widget (graph, series, COL_FIELD)), field);
  g_signal_emit_by_name (filter_entry (graph, series), "activate");
  return series;
}

static void
remove_series (IotIoGraphWindow *graph, guint series)
{
  guint n = n_series (graph);

  g_signal_emit_by_name (series_widget (graph, series, COL_REMOVE), "clicked");
  g_assert_cmpuint (n_series (graph), ==, n - 1);
}

/* Intervals on the time axis, as the status line says ("149 frames · 368
 * intervals of 10 ms"). */
static guint
n_intervals (IotIoGraphWindow *graph)
{
  const char *text = gtk_label_get_text (GTK_LABEL (named (graph, "status", GTK_TYPE_LABEL)));
  const char *dot = strstr (text, " · ");

  g_assert_nonnull (dot);
  g_assert_nonnull (strstr (dot, " intervals of "));
  return (guint) g_ascii_strtoull (dot + strlen (" · "), NULL, 10);
}

/* The value the plot draws for @series in @interval, read from its
 * readout ("t = 0.02 s: 3 frames (MQTT)", "t = 0.02 s: AVG(frame.len) =
 * 68 (Average length)").  The series must be ticked. */
static double
value_at (IotIoGraphWindow *graph, guint series, guint interval)
{
  g_autofree char *readout = iot_io_graph_dup_readout (plot_of (graph), series, interval);
  const char *number;

  if (readout == NULL)
    g_error ("series %u is not drawn (interval %u)", series, interval);
  number = strstr (readout, " s: ") + strlen (" s: ");
  if (strstr (number, " = ") != NULL && strstr (number, " = ") < strstr (number, " ("))
    number = strstr (number, " = ") + strlen (" = ");
  return g_ascii_strtod (number, NULL);
}

/* Waits for the next "ready" (a finished count). */
static void
wait_ready (IotIoGraphWindow *graph)
{
  gui_test_wait_signal (graph, "ready");
  g_assert_true (iot_analysis_window_is_ready (IOT_ANALYSIS_WINDOW (graph)));
  g_assert_false (iot_analysis_window_is_working (IOT_ANALYSIS_WINDOW (graph)));
  gui_test_settle ();
}

/* Opens the I/O Graph through the main window, as the menu does. */
static IotIoGraphWindow *
show_io_graph (IotWindow *window)
{
  g_autoptr (GError) error = NULL;
  IotIoGraphWindow *graph = IOT_IO_GRAPH_WINDOW (iot_window_show_analysis (window, "io-graph", &error));

  g_assert_no_error (error);
  g_assert_nonnull (graph);
  if (!iot_analysis_window_is_ready (IOT_ANALYSIS_WINDOW (graph)))
    wait_ready (graph);
  return graph;
}

/* Every interval of the first @n_series series equals the frames (and
 * bytes, for frame series) the CLI's columns print. */
static void
assert_counts_match (IotIoGraphWindow *graph, GPtrArray *rows, guint n_series)
{
  g_assert_cmpuint (n_intervals (graph), ==, rows->len);
  /* A series unticked for want of frames is drawn again to be read. */
  for (guint s = 0; s < n_series; s++)
    set_series_enabled (graph, s, TRUE);
  for (guint i = 0; i < rows->len; i++)
    for (guint s = 0; s < n_series; s++)
      {
        double frames = value_at (graph, s, i);

        if (frames != cell (rows, i, 2 * s))
          g_error ("series %u, interval %u: %.0f frames, the CLI says %.0f", s, i, frames, cell (rows, i, 2 * s));
      }
}

/* ---- tests ------------------------------------------------------------------- */

static void
test_counts (gconstpointer data)
{
  const char *name = data;
  g_autofree char *path = gui_test_capture_file (name);
  IotWindow *window = gui_test_open_window (path, NULL);
  IotIoGraphWindow *graph = show_io_graph (window);
  g_autoptr (GPtrArray) rows = NULL;
  g_autofree char *spec = NULL;
  guint avg, max, n;

  /* The default series, in order, at the default interval. */
  g_assert_cmpuint (n_series (graph), ==, 4);
  g_assert_cmpstr (interval_shown (graph), ==, "10 ms");
  rows = cli_io_stat (path, "io,stat,0.01,,tcp.analysis.flags,mqtt,coap");
  assert_counts_match (graph, rows, 4);

  /* Calculated series.  tshark computes CALC(field) only when its filter
   * names the field too ("AVG(frame.len)mqtt" prints zeros there), so the
   * CLI is asked in the form both agree on (checked by hand with tshark
   * 4.0 for both captures at 10 and 100 ms); every MQTT frame has both
   * fields, so the window's plain "mqtt" filter counts the same frames. */
  avg = add_series (graph, "Average length", "mqtt", "AVG(frame.len)");
  g_assert_cmpuint (avg, ==, 4);
  wait_ready (graph);
  max = add_series (graph, "Largest message", "mqtt", "MAX(mqtt.len)");
  wait_ready (graph);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = cli_io_stat (path, "io,stat,0.01,,tcp.analysis.flags,mqtt,coap,AVG(frame.len)mqtt && frame.len,"
                            "MAX(mqtt.len)mqtt.len");
  assert_counts_match (graph, rows, 4);
  n = 0;
  for (guint i = 0; i < rows->len; i++)
    {
      /* Integer fields: the CLI's average is an integer too. */
      double x, y;

      /* Integer fields: the CLI's average is an integer too.  An interval
       * without MQTT has no average: the plot leaves a gap there. */
      g_assert_cmpfloat (value_at (graph, avg, i), ==, cell (rows, i, 8));
      g_assert_cmpfloat (value_at (graph, max, i), ==, cell (rows, i, 9));
      n += iot_io_graph_point_position (plot_of (graph), avg, i, &x, &y);
    }
  g_assert_cmpuint (n, >, 0);
  remove_series (graph, max);
  remove_series (graph, avg);

  /* A longer interval recounts: 100 ms. */
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = cli_io_stat (path, "io,stat,0.1,,tcp.analysis.flags,mqtt,coap");
  gtk_drop_down_set_selected (interval_dropdown (graph), 2);
  g_assert_true (iot_analysis_window_is_working (IOT_ANALYSIS_WINDOW (graph)));
  wait_ready (graph);
  g_assert_cmpstr (interval_shown (graph), ==, "100 ms");
  assert_counts_match (graph, rows, 4);

  /* Per second: frames per 100 ms times ten. */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (named (graph, "per-second", GTK_TYPE_CHECK_BUTTON)), TRUE);
  for (guint i = 0; i < rows->len; i++)
    g_assert_cmpfloat (fabs (value_at (graph, 0, i) - 10 * cell (rows, i, 0)), <, 1e-9);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (named (graph, "per-second", GTK_TYPE_CHECK_BUTTON)), FALSE);

  gtk_window_destroy (GTK_WINDOW (window));
  gui_test_settle ();
}

static void
test_tcp_errors (void)
{
  g_autofree char *path = gui_test_capture_file ("tcp-loss-device.pcap");
  IotWindow *window = gui_test_open_window (path, NULL);
  IotIoGraphWindow *graph = show_io_graph (window);
  g_autofree char *errors = gui_test_cli_run (path, "-Y", "tcp.analysis.flags", NULL);
  double total = 0;

  /* The capture really has TCP errors, and the series counts all of them. */
  g_assert_cmpuint (gui_test_count_lines (errors), >, 10);
  g_assert_cmpuint (series_total (graph, 1), ==, gui_test_count_lines (errors));
  for (guint i = 0; i < n_intervals (graph); i++)
    total += value_at (graph, 1, i);
  g_assert_cmpfloat (total, ==, gui_test_count_lines (errors));
  /* No CoAP in it: that default series is unticked, MQTT stays. */
  g_assert_false (series_enabled (graph, 3));
  g_assert_true (series_enabled (graph, 2));
  gtk_window_destroy (GTK_WINDOW (window));
  gui_test_settle ();
}

static void
test_invalid_filter (void)
{
  g_autofree char *path = gui_test_capture_file ("mqtt311.pcap");
  IotWindow *window = gui_test_open_window (path, NULL);
  IotIoGraphWindow *graph = show_io_graph (window);
  GtkEditable *entry = filter_entry (graph, 2);
  const char *tooltip;
  g_autofree char *expected = NULL;

  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (entry), "filter-valid"));
  gtk_editable_set_text (entry, "mqtt.msgtype ==");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (entry), "filter-invalid"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (entry), "filter-valid"));
  g_assert_false (series_valid (graph, 2));
  tooltip = gtk_widget_get_tooltip_text (GTK_WIDGET (entry));
  g_assert_nonnull (tooltip);
  g_assert_nonnull (strstr (tooltip, "mqtt.msgtype =="));
  /* Nothing counted for it, and the others still drawn. */
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (series_widget (graph, 2, COL_TOTAL))), ==, "—");
  g_assert_null (iot_io_graph_dup_readout (plot_of (graph), 2, 0));
  gui_test_settle ();
  g_assert_cmpfloat (value_at (graph, 0, 0), >, 0);

  /* Corrected and confirmed with Enter: counted again. */
  gtk_editable_set_text (entry, "mqtt.msgtype == 3");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (entry), "filter-valid"));
  g_signal_emit_by_name (entry, "activate");
  wait_ready (graph);
  expected = gui_test_cli_run (path, "-Y", "mqtt.msgtype == 3", NULL);
  g_assert_cmpuint (series_total (graph, 2), ==, gui_test_count_lines (expected));
  g_assert_cmpuint (series_total (graph, 2), >, 0);

  /* A calculation on a field that is not a number is refused too. */
  add_series (graph, "Topics", "mqtt", "SUM(mqtt.topic)");
  g_assert_false (series_valid (graph, 4));
  wait_ready (graph);
  remove_series (graph, 4);
  g_assert_cmpuint (n_series (graph), ==, 4);
  gtk_window_destroy (GTK_WINDOW (window));
  gui_test_settle ();
}

static void
test_click (void)
{
  g_autofree char *path = gui_test_capture_file ("mqtt311.pcap");
  IotWindow *window = gui_test_open_window (path, NULL);
  IotIoGraphWindow *graph = show_io_graph (window);
  IotIoGraph *plot = plot_of (graph);
  guint first = 0, activated = 0, target = G_MAXUINT, id = 0, interval = 0;
  double x = 0, y = 0;
  g_autofree char *readout = NULL;
  g_autofree char *in_series = NULL;
  g_autofree char *earlier = NULL;
  g_autofree char *filter = NULL;

  /* Only the MQTT series drawn: the click cannot land on another one. */
  set_series_enabled (graph, 0, FALSE);
  set_series_enabled (graph, 1, FALSE);
  set_series_enabled (graph, 3, FALSE);
  gui_test_settle ();
  /* The second interval holding MQTT frames (not simply the first frame). */
  for (guint i = 0, seen = 0; i < n_intervals (graph); i++)
    if (value_at (graph, 2, i) > 0 && ++seen == 2)
      {
        target = i;
        break;
      }
  g_assert_cmpuint (target, !=, G_MAXUINT);
  g_assert_true (iot_io_graph_point_position (plot, 2, target, &x, &y));
  g_assert_true (iot_io_graph_hit (plot, x, y, &id, &interval));
  g_assert_cmpuint (id, ==, 2);
  g_assert_cmpuint (interval, ==, target);
  readout = iot_io_graph_dup_readout (plot, 2, target);
  g_assert_true (g_str_has_prefix (readout, "t = "));
  g_assert_nonnull (strstr (readout, "frames (MQTT)"));

  g_signal_connect (graph, "frame-activated", G_CALLBACK (gui_test_frame_cb), &activated);
  iot_io_graph_click (plot, x, y);
  first = activated;
  g_assert_cmpuint (activated, >, 1);
  /* The frame is MQTT, inside the interval, and no MQTT frame before it is. */
  filter = g_strdup_printf ("mqtt && frame.number == %u && frame.time_relative >= %u.%02u "
                            "&& frame.time_relative < %u.%02u", activated, target / 100, target % 100,
                            (target + 1) / 100, (target + 1) % 100);
  in_series = gui_test_cli_run (path, "-Y", filter, NULL);
  g_assert_cmpuint (gui_test_count_lines (in_series), ==, 1);
  g_free (filter);
  filter = g_strdup_printf ("mqtt && frame.number < %u && frame.time_relative >= %u.%02u", activated,
                            target / 100, target % 100);
  earlier = gui_test_cli_run (path, "-Y", filter, NULL);
  g_assert_cmpuint (gui_test_count_lines (earlier), ==, 0);
  /* The main window went there. */
  gui_test_settle ();
  g_assert_cmpuint (iot_session_get_selected_frame (iot_window_get_session (window)), ==, activated);

  /* A click beside the plot does nothing. */
  activated = 0;
  iot_io_graph_click (plot, 2, 2);
  g_assert_cmpuint (activated, ==, 0);

  /* Zooming keeps the point clickable where it is drawn now. */
  iot_io_graph_set_view (plot, target * 0.01 - 0.05, target * 0.01 + 0.05);
  g_assert_true (iot_io_graph_is_zoomed (plot));
  g_assert_true (iot_io_graph_point_position (plot, 2, target, &x, &y));
  iot_io_graph_click (plot, x, y);
  g_assert_cmpuint (activated, ==, first);
  iot_io_graph_reset_zoom (plot);
  g_assert_false (iot_io_graph_is_zoomed (plot));
  gtk_window_destroy (GTK_WINDOW (window));
  gui_test_settle ();
}

static void
test_export (void)
{
  IotWindow *window = gui_test_open_capture ("mqtt311.pcap");
  IotIoGraphWindow *graph = show_io_graph (window);
  GtkWidget *plot = GTK_WIDGET (plot_of (graph));
  g_autofree char *dir = g_dir_make_tmp ("iot-io-graph-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "graph.png", NULL);
  g_autofree char *svg = g_build_filename (dir, "graph.svg", NULL);
  g_autofree char *bad = g_build_filename (dir, "graph.txt", NULL);
  g_autofree char *bytes = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autoptr (GError) error = NULL;
  gsize length = 0;

  g_assert_nonnull (dir);
  g_assert_cmpint (gtk_widget_get_width (plot), >, 100);

  g_assert_true (iot_io_graph_window_export (graph, png, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (png, &bytes, &length, NULL));
  g_assert_cmpuint (length, >, 8);
  g_assert_cmpmem (bytes, 8, "\x89PNG\r\n\x1a\n", 8);
  texture = gdk_texture_new_from_filename (png, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, gtk_widget_get_width (plot));
  g_assert_cmpint (gdk_texture_get_height (texture), ==, gtk_widget_get_height (plot));

  g_assert_true (iot_io_graph_window_export (graph, svg, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (svg, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "<?xml"));
  g_assert_nonnull (strstr (text, "<svg"));

  g_assert_false (iot_io_graph_window_export (graph, bad, &error));
  g_assert_nonnull (error);
  g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));

  g_unlink (png);
  g_unlink (svg);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (window));
  gui_test_settle ();
}

/* Closing the window while it counts drops the count without harm. */
static void
test_close_while_counting (void)
{
  IotWindow *window = gui_test_open_capture ("tcp-loss-device.pcap");
  g_autoptr (GError) error = NULL;
  GtkWindow *graph = iot_window_show_analysis (window, "io-graph", &error);

  g_assert_no_error (error);
  gtk_drop_down_set_selected (interval_dropdown (IOT_IO_GRAPH_WINDOW (graph)), 0);
  gtk_window_destroy (graph);
  gui_test_settle ();
  gtk_window_destroy (GTK_WINDOW (window));
  gui_test_settle ();
}

int
main (int argc, char **argv)
{
  gui_test_init (&argc, &argv);

  g_test_add_data_func ("/io-graph/counts-mqtt", "mqtt311.pcap", test_counts);
  g_test_add_data_func ("/io-graph/counts-tcp-loss", "tcp-loss-device.pcap", test_counts);
  g_test_add_func ("/io-graph/tcp-errors", test_tcp_errors);
  g_test_add_func ("/io-graph/invalid-filter", test_invalid_filter);
  g_test_add_func ("/io-graph/click", test_click);
  g_test_add_func ("/io-graph/export", test_export);
  g_test_add_func ("/io-graph/close-while-counting", test_close_while_counting);
  return g_test_run ();
}
