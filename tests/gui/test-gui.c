/* test-gui.c — the main window on real widgets: packet list, protocol
 * tree, bytes pane, display filter.  Run under Xvfb (run-xvfb.sh). */
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "iot-application.h"
#include "iot-window.h"

#define TIMEOUT_US (30 * G_USEC_PER_SEC)

static char *capture_path;

/* Lines that `iotscope-cli -r FILE [-Y FILTER]` prints. */
static guint
cli_count (const char *filter)
{
  const char *cli = g_getenv ("IOTSCOPE_CLI");
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;
  guint lines = 0;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer) cli);
  g_ptr_array_add (argv, (gpointer) "-r");
  g_ptr_array_add (argv, capture_path);
  if (filter != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "-Y");
      g_ptr_array_add (argv, (gpointer) filter);
    }
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                &out, NULL, &status, &error);
  g_assert_no_error (error);
  for (const char *p = out; *p != '\0'; p++)
    lines += *p == '\n';
  return lines;
}

static void
flag_cb (gpointer instance, gpointer data)
{
  *(gboolean *) data = TRUE;
}

/* Runs the main loop until *flag is set. */
static void
wait_for (gboolean *flag)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;

  while (!*flag)
    {
      g_main_context_iteration (NULL, FALSE);
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting");
      if (!*flag)
        g_usleep (1000);
    }
}

/* Lets layout and painting happen. */
static void
settle (void)
{
  gint64 until = g_get_monotonic_time () + 200000;

  while (g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

static IotWindow *
open_window (void)
{
  IotWindow *window = iot_window_new (NULL, NULL);
  g_autoptr (GFile) file = g_file_new_for_path (capture_path);
  gboolean loaded = FALSE;
  gulong id;

  iot_window_set_show_dialogs (window, FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 820);
  gtk_window_present (GTK_WINDOW (window));
  id = g_signal_connect (iot_window_get_session (window), "load-finished", G_CALLBACK (flag_cb), &loaded);
  iot_window_open (window, file);
  wait_for (&loaded);
  g_signal_handler_disconnect (iot_window_get_session (window), id);
  settle ();
  return window;
}

static int
find_row (IotProtoTree *tree, const char *prefix)
{
  GListModel *rows = G_LIST_MODEL (iot_proto_tree_get_selection (tree));

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autofree char *label = iot_proto_tree_dup_label (tree, i, NULL);

      if (label != NULL && g_str_has_prefix (label, prefix))
        return (int) i;
    }
  return -1;
}

static void
test_list_count (void)
{
  IotWindow *window = open_window ();
  IotPacketList *list = iot_window_get_packet_list (window);
  GListModel *model = G_LIST_MODEL (iot_packet_list_get_selection (list));
  guint expected = cli_count (NULL);

  g_assert_cmpuint (expected, >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, expected);
  /* The column view really shows that model. */
  g_assert_true (G_LIST_MODEL (gtk_column_view_get_model (iot_packet_list_get_view (list))) == model);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_tree_and_hex (void)
{
  IotWindow *window = open_window ();
  IotSession *session = iot_window_get_session (window);
  IotProtoTree *tree = iot_window_get_proto_tree (window);
  IotHexView *hex = iot_window_get_hex_view (window);
  GtkSingleSelection *tree_selection = iot_proto_tree_get_selection (tree);
  g_autoptr (GtkTreeListRow) ip_row = NULL;
  int ip, src, node = -1;
  const IotNode *n;

  /* Selecting a row of the packet list selects the frame everywhere. */
  iot_packet_list_select_position (iot_window_get_packet_list (window), 3);
  settle ();
  g_assert_cmpuint (iot_session_get_selected_frame (session), ==, 4);
  g_assert_cmpint (find_row (tree, "Frame 4:"), ==, 0);

  ip = find_row (tree, "Internet Protocol Version 4");
  g_assert_cmpint (ip, >=, 0);
  ip_row = gtk_tree_list_model_get_row (GTK_TREE_LIST_MODEL (gtk_single_selection_get_model (tree_selection)), ip);
  gtk_tree_list_row_set_expanded (ip_row, TRUE);
  src = find_row (tree, "Source Address: 127.0.0.1");
  g_assert_cmpint (src, >, ip);
  g_free (iot_proto_tree_dup_label (tree, src, &node));
  n = iot_packet_node (iot_session_get_packet (session), node);
  g_assert_cmpstr (n->field->abbrev, ==, "ip.src");

  /* Selecting the tree row highlights exactly its four bytes. */
  gtk_single_selection_set_selected (tree_selection, src);
  settle ();
  g_assert_cmpint (iot_session_get_selected_node (session), ==, node);
  g_assert_cmpuint (iot_hex_view_get_n_sources (hex), >=, 1);
  for (guint i = 0; i < 66; i++)
    {
      gboolean expected = i >= 26 && i <= 29;

      if (iot_hex_view_byte_is_highlighted (hex, 0, i) != expected)
        g_error ("byte %u is %shighlighted", i, expected ? "not " : "");
    }
  /* The teaching line shows the field's blurb. */
  g_assert_nonnull (strstr (gtk_label_get_text (iot_window_get_description (window)), "ip.src"));

  /* Clicking a byte of the destination address selects that field's row. */
  iot_hex_view_click_byte (hex, 0, 31);
  settle ();
  n = iot_packet_node (iot_session_get_packet (session), iot_session_get_selected_node (session));
  g_assert_cmpstr (n->field->abbrev, ==, "ip.dst");
  {
    g_autofree char *label = iot_proto_tree_dup_label (tree, gtk_single_selection_get_selected (tree_selection), NULL);

    g_assert_true (g_str_has_prefix (label, "Destination Address"));
  }
  for (guint i = 0; i < 66; i++)
    g_assert_true (iot_hex_view_byte_is_highlighted (hex, 0, i) == (i >= 30 && i <= 33));

  /* Filters built from tree rows. */
  {
    g_autofree char *filter = iot_proto_tree_filter_for_node (tree, iot_session_get_selected_node (session));

    g_assert_cmpstr (filter, ==, "ip.dst == 127.0.0.1");
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_filter (void)
{
  IotWindow *window = open_window ();
  IotSession *session = iot_window_get_session (window);
  IotFilterBar *bar = iot_window_get_filter_bar (window);
  GtkWidget *entry = GTK_WIDGET (iot_filter_bar_get_entry (bar));
  GListModel *model = G_LIST_MODEL (iot_packet_list_get_selection (iot_window_get_packet_list (window)));
  guint expected = cli_count ("tcp.len > 0");
  g_autofree char *displayed = g_strdup_printf ("Displayed: %u", expected);
  gboolean done = FALSE;

  g_assert_cmpuint (expected, >, 0);
  g_assert_cmpuint (expected, <, g_list_model_get_n_items (model));

  /* Typing an invalid filter turns the entry red and says why. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "tcp.len >");
  g_assert_cmpint (iot_filter_bar_get_state (bar), ==, IOT_FILTER_STATE_INVALID);
  g_assert_true (gtk_widget_has_css_class (entry, "filter-invalid"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (iot_filter_bar_get_message (bar))));
  g_assert_cmpstr (gtk_label_get_text (iot_filter_bar_get_message (bar)), !=, "");
  g_assert_false (iot_filter_bar_apply (bar));

  gtk_editable_set_text (GTK_EDITABLE (entry), "no.such.field == 1");
  g_assert_true (gtk_widget_has_css_class (entry, "filter-invalid"));

  /* A deprecated form is accepted, in yellow, with the warning shown. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "tcp.flags bitwise_and 0x02");
  g_assert_cmpint (iot_filter_bar_get_state (bar), ==, IOT_FILTER_STATE_DEPRECATED);
  g_assert_true (gtk_widget_has_css_class (entry, "filter-deprecated"));
  g_assert_nonnull (strstr (gtk_label_get_text (iot_filter_bar_get_message (bar)), "deprecated"));

  /* A valid one turns green, and Enter applies it in a worker. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "tcp.len > 0");
  g_assert_cmpint (iot_filter_bar_get_state (bar), ==, IOT_FILTER_STATE_VALID);
  g_assert_true (gtk_widget_has_css_class (entry, "filter-valid"));
  g_assert_false (gtk_widget_has_css_class (entry, "filter-invalid"));
  g_signal_connect (session, "filter-finished", G_CALLBACK (flag_cb), &done);
  g_signal_emit_by_name (entry, "activate");
  wait_for (&done);
  settle ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, expected);
  g_assert_nonnull (strstr (gtk_label_get_text (iot_window_get_status_counts (window)), displayed));

  /* Clearing it shows every frame again. */
  done = FALSE;
  iot_filter_bar_set_text (bar, "", TRUE);
  wait_for (&done);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, cli_count (NULL));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_screenshot (void)
{
  IotWindow *window = open_window ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("iotscope-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "window.png", NULL);
  g_autoptr (GdkTexture) texture = NULL;

  g_assert_no_error (error);
  iot_packet_list_select_position (iot_window_get_packet_list (window), 0);
  settle ();
  g_assert_true (iot_application_save_screenshot (GTK_WIDGET (window), path, &error));
  g_assert_no_error (error);
  texture = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, gtk_widget_get_width (GTK_WIDGET (window)));
  g_assert_cmpint (gdk_texture_get_height (texture), >, 100);
  g_unlink (path);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_damaged_file (void)
{
  g_autofree char *saved = capture_path;
  IotWindow *window;
  IotSession *session;

  capture_path = g_build_filename (g_getenv ("IOTSCOPE_SOURCE_ROOT"), "tests", "captures", "broken-tail.pcap", NULL);
  if (!g_file_test (capture_path, G_FILE_TEST_EXISTS))
    {
      g_free (capture_path);
      capture_path = g_steal_pointer (&saved);
      g_test_skip ("no broken-tail.pcap");
      return;
    }
  window = open_window ();
  session = iot_window_get_session (window);
  /* The frames before the damage are shown. */
  g_assert_cmpuint (iot_session_get_n_displayed (session), ==, cli_count (NULL));
  gtk_window_destroy (GTK_WINDOW (window));
  g_free (capture_path);
  capture_path = g_steal_pointer (&saved);
}

int
main (int argc, char **argv)
{
  const char *root = g_getenv ("IOTSCOPE_SOURCE_ROOT");

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  iot_application_init_resources ();
  capture_path = g_build_filename (root != NULL ? root : ".", "tests", "captures", "mqtt311.pcap", NULL);

  g_test_add_func ("/gui/list-count", test_list_count);
  g_test_add_func ("/gui/tree-and-hex", test_tree_and_hex);
  g_test_add_func ("/gui/filter", test_filter);
  g_test_add_func ("/gui/screenshot", test_screenshot);
  g_test_add_func ("/gui/damaged-file", test_damaged_file);
  return g_test_run ();
}
