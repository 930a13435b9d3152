/* test-stats-window.c — the Statistics window on real widgets: its
 * protocol hierarchy, conversations, endpoints, expert items and
 * histograms must show the numbers `iotscope-cli -z …` prints for the same
 * capture (which equal tshark's), sorting and "Apply as Filter" must work
 * end to end, and "Limit to display filter" must recount.  The pages are
 * read through their widgets: the column views' models, the layer buttons,
 * the status line.  Run under Xvfb (run-xvfb.sh). */
#include <stdlib.h>
#include <string.h>
#include <gtk/gtk.h>

#include "gui-test-util.h"
#include "iot-app-test.h"
#include "iot-stats-page.h"
#include "iot-stats-rows.h"
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
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (gui_test_template_child (IOT_STATS_WINDOW (stats), IOT_TYPE_STATS_WINDOW, "pages"))), ==, page);
  gui_test_settle ();
  return IOT_STATS_WINDOW (stats);
}

/* The page widget @page ("phs", "conv", …) of the window. */
static GtkWidget *
page_widget (IotStatsWindow *stats, const char *page)
{
  GtkWidget *widget = gui_test_find_widget (GTK_WIDGET (stats), page, G_TYPE_NONE);

  g_assert_nonnull (widget);
  return widget;
}

/* The page's table ("plen" or "iat" on the histograms page). */
static GtkColumnView *
page_view (IotStatsWindow *stats, const char *page)
{
  GtkWidget *root = g_str_equal (page, "plen") || g_str_equal (page, "iat")
                    ? page_widget (stats, "histograms") : page_widget (stats, page);
  GtkWidget *view = gui_test_find_widget (root, g_str_equal (page, "plen") || g_str_equal (page, "iat") ? page : NULL,
                                          GTK_TYPE_COLUMN_VIEW);

  g_assert_nonnull (view);
  return GTK_COLUMN_VIEW (view);
}

static guint
n_rows (IotStatsWindow *stats, const char *page)
{
  return g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (page_view (stats, page))));
}

/* Row @index as the view lists it (sorted; for "phs" the expanded tree). */
static IotStatsRow *
page_row (IotStatsWindow *stats, const char *page, guint index)
{
  g_autoptr (GObject) item = g_list_model_get_item (G_LIST_MODEL (gtk_column_view_get_model (page_view (stats, page))),
                                                    index);

  g_assert_nonnull (item);
  return iot_stats_row_from_item (item);
}

static char *
cell_text (IotStatsWindow *stats, const char *page, guint row, IotStatsColumn column)
{
  g_autoptr (IotStatsRow) item = page_row (stats, page, row);

  return iot_stats_row_dup_text (item, column);
}

static guint64
cell_number (IotStatsWindow *stats, const char *page, guint row, IotStatsColumn column)
{
  g_autofree char *text = cell_text (stats, page, row, column);

  g_assert_nonnull (text);
  return g_ascii_strtoull (text, NULL, 10);
}

static char *
row_filter (IotStatsWindow *stats, const char *page, guint row)
{
  g_autoptr (IotStatsRow) item = page_row (stats, page, row);

  return iot_stats_row_dup_filter (item);
}

/* Clicks the layer button @layer ("eth", "ipv4", "ipv6", "tcp", "udp"). */
static void
show_layer (IotStatsWindow *stats, const char *page, const char *layer)
{
  GtkWidget *button = gui_test_find_widget (page_widget (stats, page), layer, GTK_TYPE_TOGGLE_BUTTON);

  g_assert_nonnull (button);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), TRUE);
}

static gboolean
layer_shown (IotStatsWindow *stats, const char *page, const char *layer)
{
  GtkWidget *button = gui_test_find_widget (page_widget (stats, page), layer, GTK_TYPE_TOGGLE_BUTTON);

  return gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button));
}

static GtkCheckButton *
limit_check (IotStatsWindow *stats)
{
  return GTK_CHECK_BUTTON (gui_test_find_widget (GTK_WIDGET (stats), "limit", GTK_TYPE_CHECK_BUTTON));
}

/* Frames counted, as the status line says ("All 149 frames counted …",
 * "12 of 300 frames match …"). */
static guint64
n_counted (IotStatsWindow *stats)
{
  const char *text = gtk_label_get_text (GTK_LABEL (gui_test_find_widget (GTK_WIDGET (stats), "status",
                                                                          GTK_TYPE_LABEL)));

  if (g_str_has_prefix (text, "All "))
    text += strlen ("All ");
  g_assert_true (g_ascii_isdigit (*text));
  return g_ascii_strtoull (text, NULL, 10);
}

/* Every line of `-z io,phs` ("  ip   frames:149 bytes:16840") is the
 * window's row after the "frame" root, in the same depth-first order. */
static void
check_hierarchy (IotStatsWindow *stats, const char *capture, guint n_frames)
{
  g_autofree char *out = gui_test_cli_run (capture, "-q", "-z", "io,phs", NULL);
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
  GtkColumnView *view = page_view (stats, "phs");
  g_autofree char *root = cell_text (stats, "phs", 0, IOT_STATS_COL_PHS_PROTOCOL);
  g_autofree char *text = iot_stats_window_dup_page_text (stats, "phs");
  guint row = 1;

  /* The view shows the expanded tree. */
  {
    g_autoptr (GObject) first = g_list_model_get_item (G_LIST_MODEL (gtk_column_view_get_model (view)), 0);

    g_assert_true (GTK_IS_TREE_LIST_ROW (first));
  }
  g_assert_cmpstr (root, ==, "Frame");
  g_assert_cmpuint (cell_number (stats, "phs", 0, IOT_STATS_COL_PHS_FRAMES), ==, n_frames);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *frames = strstr (lines[i], " frames:");
      guint64 f, b;

      if (frames == NULL)
        continue;
      g_assert_cmpint (sscanf (frames, " frames:%" G_GUINT64_FORMAT " bytes:%" G_GUINT64_FORMAT, &f, &b), ==, 2);
      g_assert_cmpuint (cell_number (stats, "phs", row, IOT_STATS_COL_PHS_FRAMES), ==, f);
      g_assert_cmpuint (cell_number (stats, "phs", row, IOT_STATS_COL_PHS_BYTES), ==, b);
      row++;
    }
  g_assert_cmpuint (row, >, 2);
  g_assert_cmpuint (n_rows (stats, "phs"), ==, row);
  /* "Copy as Text" is the command line's report itself. */
  g_assert_cmpstr (text, ==, out);
}

/* The counts of the buckets of a stats_tree table, in order: its lines
 * that start with one space ("  40-79   123  …"). */
static GArray *
tree_counts (const char *report)
{
  g_auto (GStrv) lines = g_strsplit (report, "\n", -1);
  GArray *counts = g_array_new (FALSE, FALSE, sizeof (guint64));

  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] == ' ' && lines[i][1] != ' ' && lines[i][1] != '\0')
      {
        const char *count = strstr (lines[i] + 1, "  ");
        guint64 n;

        g_assert_nonnull (count);
        n = g_ascii_strtoull (count, NULL, 10);
        g_array_append_val (counts, n);
      }
  return counts;
}

/* The histogram's table lists the buckets of -z @spec with their counts. */
static void
check_histogram (IotStatsWindow *stats, const char *table, const char *capture, const char *spec)
{
  g_autofree char *out = gui_test_cli_run (capture, "-q", "-z", spec, NULL);
  g_autoptr (GArray) counts = tree_counts (out);
  g_autofree char *text = NULL;

  g_assert_cmpuint (n_rows (stats, table), ==, counts->len);
  g_assert_cmpuint (counts->len, >, 5);
  for (guint i = 0; i < counts->len; i++)
    g_assert_cmpuint (cell_number (stats, table, i, IOT_STATS_COL_B_COUNT), ==, g_array_index (counts, guint64, i));
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
  g_assert_cmpuint (n_counted (stats), ==, n_frames);
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (limit_check (stats))));
  check_hierarchy (stats, capture, n_frames);
  {
    g_autofree char *eth = cell_text (stats, "phs", 1, IOT_STATS_COL_PHS_PROTOCOL);
    g_autofree char *mqtt = cell_text (stats, "phs", 4, IOT_STATS_COL_PHS_PROTOCOL);
    g_autofree char *pct = cell_text (stats, "phs", 4, IOT_STATS_COL_PHS_PCT_FRAMES);

    g_assert_cmpstr (eth, ==, "Ethernet");
    g_assert_cmpstr (mqtt, ==, "MQ Telemetry Transport Protocol");
    g_assert_cmpstr (pct, ==, "43.0 %");     /* 64 of 149 */
    g_assert_cmpuint (cell_number (stats, "phs", 4, IOT_STATS_COL_PHS_END_FRAMES), ==, 64);
    g_assert_cmpuint (cell_number (stats, "phs", 3, IOT_STATS_COL_PHS_END_FRAMES), ==, 149 - 64);
  }

  /* Conversations: TCP shown first, one row per connection. */
  iot_stats_window_set_page (stats, "conv");
  gui_test_settle ();
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (gui_test_template_child (stats, IOT_TYPE_STATS_WINDOW, "pages"))), ==, "conv");
  g_assert_true (layer_shown (stats, "conv", "tcp"));
  conv_rows = count_matching (conv_tcp, "<->");
  g_assert_cmpuint (conv_rows, ==, 9);
  g_assert_cmpuint (n_rows (stats, "conv"), ==, conv_rows);
  /* First appearance first: 127.0.0.1:54932 <-> :1883, 36 frames, 5633 bytes. */
  g_assert_nonnull (strstr (conv_tcp, "127.0.0.1:54932            <-> 127.0.0.1:1883                  19 4435 bytes"
                                      "      17 1198 bytes      36 5633 bytes"));
  g_assert_cmpuint (cell_number (stats, "conv", 0, IOT_STATS_COL_CONV_PORT_A), ==, 54932);
  g_assert_cmpuint (cell_number (stats, "conv", 0, IOT_STATS_COL_CONV_PORT_B), ==, 1883);
  g_assert_cmpuint (cell_number (stats, "conv", 0, IOT_STATS_COL_CONV_FRAMES), ==, 36);
  g_assert_cmpuint (cell_number (stats, "conv", 0, IOT_STATS_COL_CONV_BYTES), ==, 5633);
  g_assert_cmpuint (cell_number (stats, "conv", 0, IOT_STATS_COL_CONV_FRAMES_AB), ==, 17);
  g_assert_cmpuint (cell_number (stats, "conv", 0, IOT_STATS_COL_CONV_BYTES_BA), ==, 4435);

  /* Sorting by Bytes, largest first (a click on the heading does this). */
  bytes_column = iot_stats_view_find_column (page_view (stats, "conv"), IOT_STATS_COL_CONV_BYTES);
  g_assert_cmpstr (gtk_column_view_column_get_title (bytes_column), ==, "Bytes");
  g_assert_nonnull (bytes_column);
  g_assert_nonnull (gtk_column_view_column_get_sorter (bytes_column));
  gtk_column_view_sort_by_column (page_view (stats, "conv"), bytes_column, GTK_SORT_DESCENDING);
  gui_test_settle ();
  g_assert_cmpuint (cell_number (stats, "conv", 0, IOT_STATS_COL_CONV_BYTES), ==, 5633);
  g_assert_cmpuint (cell_number (stats, "conv", 1, IOT_STATS_COL_CONV_BYTES), ==, 3933);
  for (guint i = 1; i < conv_rows; i++)
    g_assert_cmpuint (cell_number (stats, "conv", i - 1, IOT_STATS_COL_CONV_BYTES), >=, cell_number (stats, "conv", i, IOT_STATS_COL_CONV_BYTES));
  gtk_column_view_sort_by_column (page_view (stats, "conv"), bytes_column, GTK_SORT_ASCENDING);
  gui_test_settle ();
  g_assert_cmpuint (cell_number (stats, "conv", 0, IOT_STATS_COL_CONV_BYTES), ==, 876);
  gtk_column_view_sort_by_column (page_view (stats, "conv"), bytes_column, GTK_SORT_DESCENDING);
  gui_test_settle ();

  /* "Apply as Filter": the stream of the biggest conversation, which the
   * main window's filter bar then shows and applies. */
  g_signal_connect (stats, "filter-requested", G_CALLBACK (gui_test_filter_cb), &filter);
  {
    gboolean done = FALSE;
    gulong id = g_signal_connect (session, "filter-finished", G_CALLBACK (gui_test_flag_cb), &done);
    GtkWidget *button = gui_test_find_widget (page_widget (stats, "conv"), "apply-filter", GTK_TYPE_BUTTON);

    /* The button asks for a selected row. */
    g_assert_false (gtk_widget_get_sensitive (button));
    gtk_selection_model_select_item (gtk_column_view_get_model (page_view (stats, "conv")), 0, TRUE);
    g_assert_true (gtk_widget_get_sensitive (button));
    g_signal_emit_by_name (button, "clicked");
    g_assert_cmpstr (filter, ==, "tcp.stream eq 0");
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (GTK_ENTRY (gui_test_template_child (iot_window_get_filter_bar (
                       window), IOT_TYPE_FILTER_BAR, "entry")))), ==, "tcp.stream eq 0");
    gui_test_wait_for (&done);
    g_signal_handler_disconnect (session, id);
  }
  stream_frames = gui_test_cli_run (capture, "-Y", "tcp.stream eq 0", NULL);
  g_assert_cmpuint (iot_session_get_n_displayed (session), ==, gui_test_count_lines (stream_frames));
  g_assert_cmpuint (gui_test_count_lines (stream_frames), ==, 36);
  g_assert_cmpstr (iot_session_get_filter_text (session), ==, "tcp.stream eq 0");

  /* The row menu: a right click selects its row, and its first item asks
   * for that row's filter. */
  {
    IotStatsPage *conv = IOT_STATS_PAGE (page_widget (stats, "conv"));
    GtkWidget *view = GTK_WIDGET (page_view (stats, "conv"));
    g_autoptr (IotStatsRow) second = page_row (stats, "conv", 1);
    g_autofree char *expected = iot_stats_row_dup_filter (second);
    gboolean done = FALSE;
    gulong id = g_signal_connect (session, "filter-finished", G_CALLBACK (gui_test_flag_cb), &done);

    iot_stats_page_popup_menu (conv, 1, view, 10, 10);
    g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (gtk_column_view_get_model (
                        GTK_COLUMN_VIEW (view)))), ==, 1);
    g_assert_nonnull (gui_test_find_widget (GTK_WIDGET (conv), NULL, GTK_TYPE_POPOVER_MENU));
    g_clear_pointer (&filter, g_free);
    g_assert_true (gtk_widget_activate_action (view, "stats.apply-filter", NULL));
    g_assert_cmpstr (filter, ==, expected);
    g_assert_cmpstr (filter, ==, "tcp.stream eq 5");
    gui_test_wait_for (&done);
    g_signal_handler_disconnect (session, id);
  }

  /* IPv4 conversations: addresses instead of a stream. */
  show_layer (stats, "conv", "ipv4");
  gui_test_settle ();
  g_assert_cmpuint (n_rows (stats, "conv"), ==, 1);
  g_clear_pointer (&filter, g_free);
  filter = row_filter (stats, "conv", 0);
  g_assert_cmpstr (filter, ==, "ip.addr==127.0.0.1 && ip.addr==127.0.0.1");
  g_assert_false (gtk_column_view_column_get_visible (iot_stats_view_find_column (page_view (stats, "conv"), IOT_STATS_COL_CONV_PORT_A)));

  /* Endpoints. */
  iot_stats_window_set_page (stats, "endpoints");
  show_layer (stats, "endpoints", "ipv4");
  gui_test_settle ();
  g_assert_cmpuint (n_rows (stats, "endpoints"), ==, 1);
  g_assert_cmpuint (cell_number (stats, "endpoints", 0, IOT_STATS_COL_EP_FRAMES), ==, 298);
  g_assert_cmpuint (cell_number (stats, "endpoints", 0, IOT_STATS_COL_EP_BYTES), ==, 33680);
  g_assert_cmpuint (cell_number (stats, "endpoints", 0, IOT_STATS_COL_EP_TX_FRAMES), ==, 149);
  show_layer (stats, "endpoints", "tcp");
  gui_test_settle ();
  /* Nine client ports and the broker's. */
  g_assert_cmpuint (n_rows (stats, "endpoints"), ==, endpoint_rows (strstr (ep, "TCP Endpoints")));
  g_assert_cmpuint (n_rows (stats, "endpoints"), ==, 10);

  /* Expert information: worst first, each with its first frame. */
  iot_stats_window_set_page (stats, "expert");
  gui_test_settle ();
  g_assert_cmpuint (n_rows (stats, "expert"), ==, 5);
  g_assert_nonnull (strstr (expert, "\nNotes (18)\n"));
  {
    g_autofree char *severity = cell_text (stats, "expert", 0, IOT_STATS_COL_EX_SEVERITY);
    g_autofree char *summary = cell_text (stats, "expert", 0, IOT_STATS_COL_EX_SUMMARY);
    g_autofree char *last = cell_text (stats, "expert", 4, IOT_STATS_COL_EX_SUMMARY);

    g_assert_cmpstr (severity, ==, "Note");
    g_assert_cmpstr (summary, ==, "This frame initiates the connection closing");
    g_assert_cmpuint (cell_number (stats, "expert", 0, IOT_STATS_COL_EX_COUNT), ==, 9);
    g_assert_cmpstr (last, ==, "Connection finish (FIN)");
    g_assert_cmpuint (cell_number (stats, "expert", 4, IOT_STATS_COL_EX_COUNT), ==, 18);
  }
  {
    g_autoptr (IotStatsRow) first = page_row (stats, "expert", 0);

    g_assert_cmpuint (iot_stats_row_get_first_frame (first), ==, g_ascii_strtoull (first_fin, NULL, 10));
    g_assert_cmpuint (iot_stats_row_get_first_frame (first), ==, 19);
    g_assert_cmpuint (cell_number (stats, "expert", 0, IOT_STATS_COL_EX_FRAME), ==, 19);
  }
  /* Double-clicking the row (the view's "activate") asks for frame 19;
   * once the stream filter is cleared, the main window selects it. */
  gui_test_apply_filter (window, "");
  g_signal_connect (stats, "frame-activated", G_CALLBACK (gui_test_frame_cb), &frame);
  g_signal_emit_by_name (page_view (stats, "expert"), "activate", 0);
  g_assert_cmpuint (frame, ==, 19);
  gui_test_settle ();
  g_assert_cmpuint (iot_session_get_selected_frame (session), ==, 19);

  /* Histograms: the same buckets as -z plen,tree and -z iat,tree. */
  iot_stats_window_set_page (stats, "histograms");
  gui_test_settle ();
  check_histogram (stats, "plen", capture, "plen,tree");
  check_histogram (stats, "iat", capture, "iat,tree");
  g_assert_cmpuint (cell_number (stats, "plen", 2, IOT_STATS_COL_B_COUNT), ==, 123);
  g_assert_cmpuint (cell_number (stats, "iat", 1, IOT_STATS_COL_B_COUNT), ==, 108);
  {
    g_autofree char *range = cell_text (stats, "iat", 1, IOT_STATS_COL_B_RANGE);

    g_assert_cmpstr (range, ==, "10–100 µs");
  }

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
  show_layer (stats, "conv", "eth");
  g_assert_cmpuint (n_rows (stats, "conv"), ==, count_matching (conv_eth, "<->"));
  show_layer (stats, "endpoints", "ipv6");
  g_assert_cmpuint (n_rows (stats, "endpoints"), ==, endpoint_rows (ep_ipv6));
  g_assert_cmpuint (endpoint_rows (ep_ipv6), ==, 6);
  show_layer (stats, "conv", "ipv6");
  g_assert_cmpuint (n_rows (stats, "conv"), ==, count_matching (conv_ipv6, "<->"));
  g_assert_cmpuint (count_matching (conv_ipv6, "<->"), ==, 4);
  {
    g_autofree char *filter = row_filter (stats, "conv", 0);

    g_assert_true (g_str_has_prefix (filter, "ipv6.addr=="));
    g_assert_nonnull (strstr (filter, " && ipv6.addr=="));
  }
  gtk_window_destroy (GTK_WINDOW (stats));

  /* With a display filter in the main window, only its frames count. */
  gui_test_apply_filter (window, "icmp || icmpv6");
  stats = open_stats (window, "phs");
  limit = limit_check (stats);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (limit)));
  g_assert_true (gtk_check_button_get_active (limit));
  g_assert_cmpuint (n_counted (stats), ==, gui_test_count_lines (icmp));
  g_assert_cmpuint (cell_number (stats, "phs", 0, IOT_STATS_COL_PHS_FRAMES), ==, gui_test_count_lines (icmp));
  {
    g_autofree char *text = iot_stats_window_dup_page_text (stats, "phs");

    g_assert_cmpstr (text, ==, icmp_phs);
  }
  /* Unticking counts everything again, in the worker. */
  g_signal_connect (stats, "ready", G_CALLBACK (gui_test_flag_cb), &ready);
  gtk_check_button_set_active (limit, FALSE);
  g_assert_false (iot_analysis_window_is_ready (IOT_ANALYSIS_WINDOW (stats)));
  gui_test_wait_for (&ready);
  g_assert_cmpuint (n_counted (stats), ==, gui_test_count_lines (all));
  g_assert_cmpuint (cell_number (stats, "phs", 0, IOT_STATS_COL_PHS_FRAMES), ==, gui_test_count_lines (all));
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
