/* test-stats-window.c — the Statistics window on real widgets: its
 * protocol hierarchy, conversations, endpoints, expert items and
 * histograms must show the numbers `iotscope-cli -z …` prints for the same
 * capture (which equal tshark's), sorting and "Apply as Filter" must work
 * end to end, and "Limit to display filter" must recount.  Run under Xvfb
 * (run-xvfb.sh). */
#include <stdlib.h>
#include <string.h>
#include <gtk/gtk.h>

#include "gui-test-util.h"
#include "iot-window.h"

/* Lines of a -z report that contain @needle. */
static guint
count_matching (const char *text, const char *needle)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    n += strstr (lines[i], needle) != NULL;
  return n;
}

/* Rows of a -z endpoints report: the lines between its headings and its
 * closing rule. */
static guint
endpoint_rows (const char *report)
{
  g_auto (GStrv) lines = g_strsplit (report, "\n", -1);
  gboolean in_rows = FALSE;
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (in_rows && g_str_has_prefix (lines[i], "====="))
        break;
      if (in_rows)
        n++;
      if (strstr (lines[i], "| Rx Bytes |") != NULL)
        in_rows = TRUE;
    }
  return n;
}

/* Opens the Statistics window on @page through the main window, as the
 * Statistics menu does, and waits until it shows its counts. */
static IotStatsWindow *
open_stats (IotWindow *window, const char *page)
{
  g_autoptr (GError) error = NULL;
  GtkWindow *stats = iot_window_show_analysis (window, page, &error);

  g_assert_no_error (error);
  g_assert_true (IOT_IS_STATS_WINDOW (stats));
  g_assert_true (gtk_window_get_transient_for (stats) == GTK_WINDOW (window));
  gui_test_wait_signal (stats, "ready");
  g_assert_true (iot_analysis_window_is_ready (IOT_ANALYSIS_WINDOW (stats)));
  g_assert_cmpstr (iot_stats_window_get_page (IOT_STATS_WINDOW (stats)), ==, page);
  gui_test_settle ();
  return IOT_STATS_WINDOW (stats);
}

static guint64
cell_number (IotStatsWindow *stats, const char *page, guint row, const char *title)
{
  g_autofree char *text = iot_stats_window_dup_cell_text (stats, page, row, title);

  g_assert_nonnull (text);
  return g_ascii_strtoull (text, NULL, 10);
}

/* Every line of `-z io,phs` ("  ip   frames:149 bytes:16840") is the
 * window's row after the "frame" root, in the same depth-first order. */
static void
check_hierarchy (IotStatsWindow *stats, const char *capture, guint n_frames)
{
  g_autofree char *out = gui_test_cli_run (capture, "-q", "-z", "io,phs", NULL);
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
  GtkColumnView *view = iot_stats_window_get_view (stats, "phs");
  g_autofree char *root = iot_stats_window_dup_cell_text (stats, "phs", 0, "Protocol");
  g_autofree char *text = iot_stats_window_dup_page_text (stats, "phs");
  guint row = 1;

  /* The view shows the expanded tree. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (view))), ==,
                    iot_stats_window_get_n_rows (stats, "phs"));
  g_assert_cmpstr (root, ==, "Frame");
  g_assert_cmpuint (cell_number (stats, "phs", 0, "Frames"), ==, n_frames);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *frames = strstr (lines[i], " frames:");
      guint64 f, b;

      if (frames == NULL)
        continue;
      g_assert_cmpint (sscanf (frames, " frames:%" G_GUINT64_FORMAT " bytes:%" G_GUINT64_FORMAT, &f, &b), ==, 2);
      g_assert_cmpuint (cell_number (stats, "phs", row, "Frames"), ==, f);
      g_assert_cmpuint (cell_number (stats, "phs", row, "Bytes"), ==, b);
      row++;
    }
  g_assert_cmpuint (row, >, 2);
  g_assert_cmpuint (iot_stats_window_get_n_rows (stats, "phs"), ==, row);
  /* "Copy as Text" is the command line's report itself. */
  g_assert_cmpstr (text, ==, out);
}

/* The count of bucket @label in a stats_tree table ("  40-79   123  …"). */
static guint64
tree_count (const char *report, const char *label)
{
  g_auto (GStrv) lines = g_strsplit (report, "\n", -1);
  g_autofree char *prefix = g_strdup_printf (" %s  ", label);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      return g_ascii_strtoull (lines[i] + strlen (prefix), NULL, 10);
  g_error ("no bucket %s in the report", label);
  return 0;
}

static void
check_histogram (IotStatsWindow *stats, IotHistogramKind kind, const char *capture, const char *spec)
{
  IotHistogram *hist = iot_stats_window_get_histogram (stats, kind);
  g_autofree char *out = gui_test_cli_run (capture, "-q", "-z", spec, NULL);
  g_autofree char *text = NULL;
  guint64 sum = 0;

  g_assert_nonnull (hist);
  for (guint i = 0; i < iot_histogram_n_buckets (hist); i++)
    {
      const IotHistogramBucket *b = iot_histogram_bucket (hist, i);

      g_assert_cmpuint (b->count, ==, tree_count (out, b->label));
      sum += b->count;
    }
  g_assert_cmpuint (sum, ==, iot_histogram_total (hist)->count);
  text = iot_stats_window_dup_page_text (stats, "histograms");
  g_assert_nonnull (strstr (text, out));
}

/* mqtt311.pcap: one host talking MQTT over nine TCP connections. */
static void
test_mqtt311 (void)
{
  g_autofree char *capture = gui_test_capture_file ("mqtt311.pcap");
  IotWindow *window = gui_test_open_window (capture, NULL);
  IotSession *session = iot_window_get_session (window);
  IotStatsWindow *stats = open_stats (window, "phs");
  g_autofree char *all = gui_test_cli_run (capture, NULL);
  g_autofree char *conv_tcp = gui_test_cli_run (capture, "-q", "-z", "conv,tcp", NULL);
  g_autofree char *ep = gui_test_cli_run (capture, "-q", "-z", "endpoints,ip", "-z", "endpoints,tcp", NULL);
  g_autofree char *expert = gui_test_cli_run (capture, "-q", "-z", "expert", NULL);
  g_autofree char *first_fin = gui_test_cli_run (capture, "-Y", "_ws.expert.message == \"This frame initiates "
                                                 "the connection closing\"", "-T", "fields", "-e", "frame.number",
                                                 NULL);
  g_autofree char *filter = NULL;
  g_autofree char *stream_frames = NULL;
  guint n_frames = gui_test_count_lines (all), conv_rows, frame = 0;
  GtkColumnViewColumn *bytes_column;

  /* Protocol hierarchy: eth / ip / tcp / mqtt as the command line counts. */
  g_assert_cmpuint (iot_stats_window_get_n_counted (stats), ==, n_frames);
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (iot_stats_window_get_limit_check (stats))));
  check_hierarchy (stats, capture, n_frames);
  {
    g_autofree char *eth = iot_stats_window_dup_cell_text (stats, "phs", 1, "Protocol");
    g_autofree char *mqtt = iot_stats_window_dup_cell_text (stats, "phs", 4, "Protocol");
    g_autofree char *pct = iot_stats_window_dup_cell_text (stats, "phs", 4, "% Frames");

    g_assert_cmpstr (eth, ==, "Ethernet");
    g_assert_cmpstr (mqtt, ==, "MQ Telemetry Transport Protocol");
    g_assert_cmpstr (pct, ==, "43.0 %");     /* 64 of 149 */
    g_assert_cmpuint (cell_number (stats, "phs", 4, "End Frames"), ==, 64);
    g_assert_cmpuint (cell_number (stats, "phs", 3, "End Frames"), ==, 149 - 64);
  }

  /* Conversations: TCP shown first, one row per connection. */
  iot_stats_window_set_page (stats, "conv");
  gui_test_settle ();
  g_assert_cmpstr (iot_stats_window_get_page (stats), ==, "conv");
  g_assert_cmpint (iot_stats_window_get_layer (stats, "conv"), ==, IOT_CONV_TCP);
  conv_rows = count_matching (conv_tcp, "<->");
  g_assert_cmpuint (conv_rows, ==, 9);
  g_assert_cmpuint (iot_stats_window_get_n_rows (stats, "conv"), ==, conv_rows);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (
                      iot_stats_window_get_view (stats, "conv")))), ==, conv_rows);
  /* First appearance first: 127.0.0.1:54932 <-> :1883, 36 frames, 5633 bytes. */
  g_assert_nonnull (strstr (conv_tcp, "127.0.0.1:54932            <-> 127.0.0.1:1883                  19 4435 bytes"
                                      "      17 1198 bytes      36 5633 bytes"));
  g_assert_cmpuint (cell_number (stats, "conv", 0, "Port A"), ==, 54932);
  g_assert_cmpuint (cell_number (stats, "conv", 0, "Port B"), ==, 1883);
  g_assert_cmpuint (cell_number (stats, "conv", 0, "Frames"), ==, 36);
  g_assert_cmpuint (cell_number (stats, "conv", 0, "Bytes"), ==, 5633);
  g_assert_cmpuint (cell_number (stats, "conv", 0, "Frames A→B"), ==, 17);
  g_assert_cmpuint (cell_number (stats, "conv", 0, "Bytes B→A"), ==, 4435);

  /* Sorting by Bytes, largest first (a click on the heading does this). */
  bytes_column = iot_stats_window_get_column (stats, "conv", "Bytes");
  g_assert_nonnull (bytes_column);
  g_assert_nonnull (gtk_column_view_column_get_sorter (bytes_column));
  gtk_column_view_sort_by_column (iot_stats_window_get_view (stats, "conv"), bytes_column, GTK_SORT_DESCENDING);
  gui_test_settle ();
  g_assert_cmpuint (cell_number (stats, "conv", 0, "Bytes"), ==, 5633);
  g_assert_cmpuint (cell_number (stats, "conv", 1, "Bytes"), ==, 3933);
  for (guint i = 1; i < conv_rows; i++)
    g_assert_cmpuint (cell_number (stats, "conv", i - 1, "Bytes"), >=, cell_number (stats, "conv", i, "Bytes"));
  gtk_column_view_sort_by_column (iot_stats_window_get_view (stats, "conv"), bytes_column, GTK_SORT_ASCENDING);
  gui_test_settle ();
  g_assert_cmpuint (cell_number (stats, "conv", 0, "Bytes"), ==, 876);
  gtk_column_view_sort_by_column (iot_stats_window_get_view (stats, "conv"), bytes_column, GTK_SORT_DESCENDING);
  gui_test_settle ();

  /* "Apply as Filter": the stream of the biggest conversation, which the
   * main window's filter bar then shows and applies. */
  g_signal_connect (stats, "filter-requested", G_CALLBACK (gui_test_filter_cb), &filter);
  {
    gboolean done = FALSE;
    gulong id = g_signal_connect (session, "filter-finished", G_CALLBACK (gui_test_flag_cb), &done);

    iot_stats_window_apply_row_filter (stats, "conv", 0);
    g_assert_cmpstr (filter, ==, "tcp.stream eq 0");
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (iot_filter_bar_get_entry (iot_window_get_filter_bar (
                       window)))), ==, "tcp.stream eq 0");
    gui_test_wait_for (&done);
    g_signal_handler_disconnect (session, id);
  }
  stream_frames = gui_test_cli_run (capture, "-Y", "tcp.stream eq 0", NULL);
  g_assert_cmpuint (iot_session_get_n_displayed (session), ==, gui_test_count_lines (stream_frames));
  g_assert_cmpuint (gui_test_count_lines (stream_frames), ==, 36);
  g_assert_cmpstr (iot_session_get_filter_text (session), ==, "tcp.stream eq 0");

  /* IPv4 conversations: addresses instead of a stream. */
  iot_stats_window_set_layer (stats, "conv", IOT_CONV_IPV4);
  gui_test_settle ();
  g_assert_cmpuint (iot_stats_window_get_n_rows (stats, "conv"), ==, 1);
  g_clear_pointer (&filter, g_free);
  filter = iot_stats_window_dup_row_filter (stats, "conv", 0);
  g_assert_cmpstr (filter, ==, "ip.addr==127.0.0.1 && ip.addr==127.0.0.1");
  g_assert_false (gtk_column_view_column_get_visible (iot_stats_window_get_column (stats, "conv", "Port A")));

  /* Endpoints. */
  iot_stats_window_set_page (stats, "endpoints");
  iot_stats_window_set_layer (stats, "endpoints", IOT_CONV_IPV4);
  gui_test_settle ();
  g_assert_cmpuint (iot_stats_window_get_n_rows (stats, "endpoints"), ==, 1);
  g_assert_cmpuint (cell_number (stats, "endpoints", 0, "Frames"), ==, 298);
  g_assert_cmpuint (cell_number (stats, "endpoints", 0, "Bytes"), ==, 33680);
  g_assert_cmpuint (cell_number (stats, "endpoints", 0, "Tx Frames"), ==, 149);
  iot_stats_window_set_layer (stats, "endpoints", IOT_CONV_TCP);
  gui_test_settle ();
  /* Nine client ports and the broker's. */
  g_assert_cmpuint (iot_stats_window_get_n_rows (stats, "endpoints"), ==, endpoint_rows (strstr (ep, "TCP Endpoints")));
  g_assert_cmpuint (iot_stats_window_get_n_rows (stats, "endpoints"), ==, 10);

  /* Expert information: worst first, each with its first frame. */
  iot_stats_window_set_page (stats, "expert");
  gui_test_settle ();
  g_assert_cmpuint (iot_stats_window_get_n_rows (stats, "expert"), ==, 5);
  g_assert_nonnull (strstr (expert, "\nNotes (18)\n"));
  {
    g_autofree char *severity = iot_stats_window_dup_cell_text (stats, "expert", 0, "Severity");
    g_autofree char *summary = iot_stats_window_dup_cell_text (stats, "expert", 0, "Summary");
    g_autofree char *last = iot_stats_window_dup_cell_text (stats, "expert", 4, "Summary");

    g_assert_cmpstr (severity, ==, "Note");
    g_assert_cmpstr (summary, ==, "This frame initiates the connection closing");
    g_assert_cmpuint (cell_number (stats, "expert", 0, "Count"), ==, 9);
    g_assert_cmpstr (last, ==, "Connection finish (FIN)");
    g_assert_cmpuint (cell_number (stats, "expert", 4, "Count"), ==, 18);
  }
  g_assert_cmpuint (iot_stats_window_get_expert_frame (stats, 0), ==, g_ascii_strtoull (first_fin, NULL, 10));
  g_assert_cmpuint (iot_stats_window_get_expert_frame (stats, 0), ==, 19);
  /* Double-clicking the row (the view's "activate") asks for frame 19;
   * once the stream filter is cleared, the main window selects it. */
  gui_test_apply_filter (window, "");
  g_signal_connect (stats, "frame-activated", G_CALLBACK (gui_test_frame_cb), &frame);
  g_signal_emit_by_name (iot_stats_window_get_view (stats, "expert"), "activate", 0);
  g_assert_cmpuint (frame, ==, 19);
  gui_test_settle ();
  g_assert_cmpuint (iot_session_get_selected_frame (session), ==, 19);

  /* Histograms: the same buckets as -z plen,tree and -z iat,tree. */
  iot_stats_window_set_page (stats, "histograms");
  gui_test_settle ();
  check_histogram (stats, IOT_HISTOGRAM_FRAME_LENGTH, capture, "plen,tree");
  check_histogram (stats, IOT_HISTOGRAM_INTER_FRAME, capture, "iat,tree");
  g_assert_cmpuint (iot_histogram_bucket (iot_stats_window_get_histogram (stats, IOT_HISTOGRAM_FRAME_LENGTH), 2)->count,
                    ==, 123);
  g_assert_cmpuint (iot_histogram_bucket (iot_stats_window_get_histogram (stats, IOT_HISTOGRAM_INTER_FRAME), 1)->count,
                    ==, 108);

  gtk_window_destroy (GTK_WINDOW (stats));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* netns.pcap: Ethernet, VLAN, ARP, IPv4, IPv6, ICMP, TCP and HTTP; and the
 * count limited to the main window's display filter. */
static void
test_netns_limited (void)
{
  g_autofree char *capture = gui_test_capture_file ("netns.pcap");
  IotWindow *window = gui_test_open_window (capture, NULL);
  g_autofree char *all = gui_test_cli_run (capture, NULL);
  g_autofree char *icmp = gui_test_cli_run (capture, "-Y", "icmp || icmpv6", NULL);
  g_autofree char *icmp_phs = gui_test_cli_run (capture, "-q", "-z", "io,phs,icmp || icmpv6", NULL);
  g_autofree char *conv_eth = gui_test_cli_run (capture, "-q", "-z", "conv,eth", NULL);
  g_autofree char *conv_ipv6 = gui_test_cli_run (capture, "-q", "-z", "conv,ipv6", NULL);
  g_autofree char *ep_ipv6 = gui_test_cli_run (capture, "-q", "-z", "endpoints,ipv6", NULL);
  IotStatsWindow *stats;
  GtkCheckButton *limit;
  gboolean ready = FALSE;

  /* Unlimited first: every layer of the capture. */
  stats = open_stats (window, "conv");
  check_hierarchy (stats, capture, gui_test_count_lines (all));
  iot_stats_window_set_layer (stats, "conv", IOT_CONV_ETH);
  g_assert_cmpuint (iot_stats_window_get_n_rows (stats, "conv"), ==, count_matching (conv_eth, "<->"));
  iot_stats_window_set_layer (stats, "endpoints", IOT_CONV_IPV6);
  g_assert_cmpuint (iot_stats_window_get_n_rows (stats, "endpoints"), ==, endpoint_rows (ep_ipv6));
  g_assert_cmpuint (endpoint_rows (ep_ipv6), ==, 6);
  iot_stats_window_set_layer (stats, "conv", IOT_CONV_IPV6);
  g_assert_cmpuint (iot_stats_window_get_n_rows (stats, "conv"), ==, count_matching (conv_ipv6, "<->"));
  g_assert_cmpuint (count_matching (conv_ipv6, "<->"), ==, 4);
  {
    g_autofree char *filter = iot_stats_window_dup_row_filter (stats, "conv", 0);

    g_assert_true (g_str_has_prefix (filter, "ipv6.addr=="));
    g_assert_nonnull (strstr (filter, " && ipv6.addr=="));
  }
  gtk_window_destroy (GTK_WINDOW (stats));

  /* With a display filter in the main window, only its frames count. */
  gui_test_apply_filter (window, "icmp || icmpv6");
  stats = open_stats (window, "phs");
  limit = iot_stats_window_get_limit_check (stats);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (limit)));
  g_assert_true (gtk_check_button_get_active (limit));
  g_assert_cmpuint (iot_stats_window_get_n_counted (stats), ==, gui_test_count_lines (icmp));
  g_assert_cmpuint (cell_number (stats, "phs", 0, "Frames"), ==, gui_test_count_lines (icmp));
  {
    g_autofree char *text = iot_stats_window_dup_page_text (stats, "phs");

    g_assert_cmpstr (text, ==, icmp_phs);
  }
  /* Unticking counts everything again, in the worker. */
  g_signal_connect (stats, "ready", G_CALLBACK (gui_test_flag_cb), &ready);
  gtk_check_button_set_active (limit, FALSE);
  g_assert_false (iot_analysis_window_is_ready (IOT_ANALYSIS_WINDOW (stats)));
  gui_test_wait_for (&ready);
  g_assert_cmpuint (iot_stats_window_get_n_counted (stats), ==, gui_test_count_lines (all));
  g_assert_cmpuint (cell_number (stats, "phs", 0, "Frames"), ==, gui_test_count_lines (all));
  gtk_window_destroy (GTK_WINDOW (stats));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Closing the window while it counts stops the worker quietly. */
static void
test_close_while_counting (void)
{
  g_autofree char *capture = gui_test_capture_file ("tcp-loss-broker.pcap");
  IotWindow *window = gui_test_open_window (capture, NULL);
  g_autoptr (GError) error = NULL;
  GtkWindow *stats = iot_window_show_analysis (window, "histograms", &error);

  g_assert_no_error (error);
  gtk_window_destroy (stats);
  gui_test_settle ();
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  gui_test_init (&argc, &argv);

  g_test_add_func ("/stats-window/mqtt311", test_mqtt311);
  g_test_add_func ("/stats-window/netns-limited", test_netns_limited);
  g_test_add_func ("/stats-window/close-while-counting", test_close_while_counting);
  return g_test_run ();
}
