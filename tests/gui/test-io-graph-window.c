/* test-io-graph-window.c — the I/O Graph window on real widgets: its
 * per-interval counts against `iotscope-cli -q -z io,stat` (the same
 * numbers as tshark), filter validation, recounting, clicks on points
 * and export.  Run under Xvfb (run-xvfb.sh). */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <gtk/gtk.h>

#include "gui-test-util.h"
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
  g_assert_cmpuint (iot_io_graph_window_get_n_intervals (graph), ==, rows->len);
  for (guint i = 0; i < rows->len; i++)
    for (guint s = 0; s < n_series; s++)
      {
        guint64 frames = iot_io_graph_window_get_frames (graph, s, i);

        if (frames != (guint64) cell (rows, i, 2 * s))
          g_error ("series %u, interval %u: %" G_GUINT64_FORMAT " frames, the CLI says %.0f", s, i, frames,
                   cell (rows, i, 2 * s));
        g_assert_cmpfloat (iot_io_graph_window_get_value (graph, s, i), ==, frames);
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
  g_assert_cmpuint (iot_io_graph_window_get_n_series (graph), ==, 4);
  g_assert_cmpuint (iot_io_graph_window_get_interval (graph), ==, 10000);
  rows = cli_io_stat (path, "io,stat,0.01,,tcp.analysis.flags,mqtt,coap");
  assert_counts_match (graph, rows, 4);

  /* Calculated series.  tshark computes CALC(field) only when its filter
   * names the field too ("AVG(frame.len)mqtt" prints zeros there), so the
   * CLI is asked in the form both agree on (checked by hand with tshark
   * 4.0 for both captures at 10 and 100 ms); every MQTT frame has both
   * fields, so the window's plain "mqtt" filter counts the same frames. */
  avg = iot_io_graph_window_add_series (graph, "Average length", "mqtt", "AVG(frame.len)");
  g_assert_cmpuint (avg, ==, 4);
  wait_ready (graph);
  max = iot_io_graph_window_add_series (graph, "Largest message", "mqtt", "MAX(mqtt.len)");
  wait_ready (graph);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = cli_io_stat (path, "io,stat,0.01,,tcp.analysis.flags,mqtt,coap,AVG(frame.len)mqtt && frame.len,"
                            "MAX(mqtt.len)mqtt.len");
  assert_counts_match (graph, rows, 4);
  n = 0;
  for (guint i = 0; i < rows->len; i++)
    {
      /* Integer fields: the CLI's average is an integer too. */
      g_assert_cmpfloat (iot_io_graph_window_get_value (graph, avg, i), ==, cell (rows, i, 8));
      g_assert_cmpfloat (iot_io_graph_window_get_value (graph, max, i), ==, cell (rows, i, 9));
      n += iot_io_graph_window_get_frames (graph, avg, i) > 0;
    }
  g_assert_cmpuint (n, >, 0);
  iot_io_graph_window_remove_series (graph, max);
  iot_io_graph_window_remove_series (graph, avg);

  /* A longer interval recounts: 100 ms. */
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = cli_io_stat (path, "io,stat,0.1,,tcp.analysis.flags,mqtt,coap");
  gtk_drop_down_set_selected (iot_io_graph_window_get_interval_dropdown (graph), 2);
  g_assert_true (iot_analysis_window_is_working (IOT_ANALYSIS_WINDOW (graph)));
  wait_ready (graph);
  g_assert_cmpuint (iot_io_graph_window_get_interval (graph), ==, 100000);
  assert_counts_match (graph, rows, 4);

  /* Per second: frames per 100 ms times ten. */
  iot_io_graph_window_set_per_second (graph, TRUE);
  for (guint i = 0; i < rows->len; i++)
    g_assert_cmpfloat (fabs (iot_io_graph_window_get_value (graph, 0, i) - 10 * cell (rows, i, 0)), <, 1e-9);
  iot_io_graph_window_set_per_second (graph, FALSE);

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
  guint64 total = 0;

  /* The capture really has TCP errors, and the series counts all of them. */
  g_assert_cmpuint (gui_test_count_lines (errors), >, 10);
  for (guint i = 0; i < iot_io_graph_window_get_n_intervals (graph); i++)
    total += iot_io_graph_window_get_frames (graph, 1, i);
  g_assert_cmpuint (total, ==, gui_test_count_lines (errors));
  /* No CoAP in it: that default series is unticked, MQTT stays. */
  g_assert_false (iot_io_graph_window_get_series_enabled (graph, 3));
  g_assert_true (iot_io_graph_window_get_series_enabled (graph, 2));
  gtk_window_destroy (GTK_WINDOW (window));
  gui_test_settle ();
}

static void
test_invalid_filter (void)
{
  g_autofree char *path = gui_test_capture_file ("mqtt311.pcap");
  IotWindow *window = gui_test_open_window (path, NULL);
  IotIoGraphWindow *graph = show_io_graph (window);
  GtkEditable *entry = iot_io_graph_window_get_filter_entry (graph, 2);
  const char *tooltip;
  g_autofree char *expected = NULL;
  guint64 total = 0;

  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (entry), "filter-valid"));
  gtk_editable_set_text (entry, "mqtt.msgtype ==");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (entry), "filter-invalid"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (entry), "filter-valid"));
  g_assert_false (iot_io_graph_window_series_is_valid (graph, 2));
  tooltip = gtk_widget_get_tooltip_text (GTK_WIDGET (entry));
  g_assert_nonnull (tooltip);
  g_assert_nonnull (strstr (tooltip, "mqtt.msgtype =="));
  /* Nothing counted for it, and the others still drawn. */
  g_assert_cmpuint (iot_io_graph_window_get_frames (graph, 2, 0), ==, 0);
  gui_test_settle ();
  g_assert_cmpuint (iot_io_graph_window_get_frames (graph, 0, 0), >, 0);

  /* Corrected and confirmed with Enter: counted again. */
  gtk_editable_set_text (entry, "mqtt.msgtype == 3");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (entry), "filter-valid"));
  g_signal_emit_by_name (entry, "activate");
  wait_ready (graph);
  for (guint i = 0; i < iot_io_graph_window_get_n_intervals (graph); i++)
    total += iot_io_graph_window_get_frames (graph, 2, i);
  expected = gui_test_cli_run (path, "-Y", "mqtt.msgtype == 3", NULL);
  g_assert_cmpuint (total, ==, gui_test_count_lines (expected));
  g_assert_cmpuint (total, >, 0);

  /* A calculation on a field that is not a number is refused too. */
  iot_io_graph_window_add_series (graph, "Topics", "mqtt", "SUM(mqtt.topic)");
  g_assert_false (iot_io_graph_window_series_is_valid (graph, 4));
  wait_ready (graph);
  iot_io_graph_window_remove_series (graph, 4);
  g_assert_cmpuint (iot_io_graph_window_get_n_series (graph), ==, 4);
  gtk_window_destroy (GTK_WINDOW (window));
  gui_test_settle ();
}

static void
test_click (void)
{
  g_autofree char *path = gui_test_capture_file ("mqtt311.pcap");
  IotWindow *window = gui_test_open_window (path, NULL);
  IotIoGraphWindow *graph = show_io_graph (window);
  IotIoGraph *plot = iot_io_graph_window_get_graph (graph);
  guint activated = 0, target = G_MAXUINT, id = 0, interval = 0;
  double x = 0, y = 0;
  g_autofree char *readout = NULL;
  g_autofree char *in_series = NULL;
  g_autofree char *earlier = NULL;
  g_autofree char *filter = NULL;

  /* Only the MQTT series drawn: the click cannot land on another one. */
  iot_io_graph_window_set_series_enabled (graph, 0, FALSE);
  iot_io_graph_window_set_series_enabled (graph, 1, FALSE);
  iot_io_graph_window_set_series_enabled (graph, 3, FALSE);
  gui_test_settle ();
  /* The second interval holding MQTT frames (not simply the first frame). */
  for (guint i = 0, seen = 0; i < iot_io_graph_window_get_n_intervals (graph); i++)
    if (iot_io_graph_window_get_frames (graph, 2, i) > 0 && ++seen == 2)
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
  g_assert_cmpuint (activated, ==, iot_io_graph_window_get_first_frame (graph, 2, target));
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
  g_assert_cmpuint (activated, ==, iot_io_graph_window_get_first_frame (graph, 2, target));
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
  GtkWidget *plot = GTK_WIDGET (iot_io_graph_window_get_graph (graph));
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
  gtk_drop_down_set_selected (iot_io_graph_window_get_interval_dropdown (IOT_IO_GRAPH_WINDOW (graph)), 0);
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
