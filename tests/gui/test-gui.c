/* test-gui.c — the main window on real widgets: packet list, protocol
 * tree, bytes pane, display filter, sorting, columns, expert counts, and
 * the Follow Stream window.  Run under Xvfb (run-xvfb.sh). */
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>
#include <gtk/gtk.h>

#include "gui-test-util.h"
#include "iot-app-test.h"
#include "iot-app-script.h"
#include "iot-application-private.h"
#include "iot-window.h"

static char *capture_path;

static guint
cli_count (const char *filter)
{
  return gui_test_cli_count_file (capture_path, filter);
}

static IotWindow *
open_window (void)
{
  return gui_test_open_window (capture_path, NULL);
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
  IotHexView *hex = IOT_HEX_VIEW (gui_test_window_child (window, "hex_view"));
  GtkSingleSelection *tree_selection = iot_proto_tree_get_selection (tree);
  g_autoptr (GtkTreeListRow) ip_row = NULL;
  int ip, src, node = -1;
  const IotNode *n;

  /* Selecting a row of the packet list selects the frame everywhere. */
  iot_packet_list_select_position (iot_window_get_packet_list (window), 3);
  gui_test_settle ();
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
  gui_test_settle ();
  g_assert_cmpint (iot_session_get_selected_node (session), ==, node);
  g_assert_cmpuint (iot_hex_view_get_n_sources (hex), >=, 1);
  for (guint i = 0; i < 66; i++)
    {
      gboolean expected = i >= 26 && i <= 29;

      if (iot_hex_view_byte_is_highlighted (hex, 0, i) != expected)
        g_error ("byte %u is %shighlighted", i, expected ? "not " : "");
    }
  /* The teaching line shows the field's blurb. */
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (gui_test_window_child (window, "description"))), "ip.src"));

  /* Clicking a byte of the destination address selects that field's row. */
  iot_hex_view_click_byte (hex, 0, 31);
  gui_test_settle ();
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
  GtkWidget *entry = GTK_WIDGET (GTK_ENTRY (gui_test_template_child (bar, IOT_TYPE_FILTER_BAR, "entry")));
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
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (GTK_LABEL (gui_test_template_child (bar, IOT_TYPE_FILTER_BAR, "message")))));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gui_test_template_child (bar, IOT_TYPE_FILTER_BAR, "message"))), !=, "");
  g_assert_false (iot_filter_bar_apply (bar));

  gtk_editable_set_text (GTK_EDITABLE (entry), "no.such.field == 1");
  g_assert_true (gtk_widget_has_css_class (entry, "filter-invalid"));

  /* A deprecated form is accepted, in yellow, with the warning shown. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "tcp.flags bitwise_and 0x02");
  g_assert_cmpint (iot_filter_bar_get_state (bar), ==, IOT_FILTER_STATE_DEPRECATED);
  g_assert_true (gtk_widget_has_css_class (entry, "filter-deprecated"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (gui_test_template_child (bar, IOT_TYPE_FILTER_BAR, "message"))), "deprecated"));

  /* A valid one turns green, and Enter applies it in a worker. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "tcp.len > 0");
  g_assert_cmpint (iot_filter_bar_get_state (bar), ==, IOT_FILTER_STATE_VALID);
  g_assert_true (gtk_widget_has_css_class (entry, "filter-valid"));
  g_assert_false (gtk_widget_has_css_class (entry, "filter-invalid"));
  g_signal_connect (session, "filter-finished", G_CALLBACK (gui_test_flag_cb), &done);
  g_signal_emit_by_name (entry, "activate");
  gui_test_wait_for (&done);
  gui_test_settle ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, expected);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (gui_test_window_child (window, "status_counts"))), displayed));

  /* Clearing it shows every frame again. */
  done = FALSE;
  iot_filter_bar_set_text (bar, "", TRUE);
  gui_test_wait_for (&done);
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
  gui_test_settle ();
  g_assert_true (iot_app_script_save_screenshot (GTK_WIDGET (window), path, &error));
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


/* ---- follow stream ------------------------------------------------------------ */

/* The payload text of `-q -z follow,tcp,ascii,N`: the header and the
 * closing rule stripped, and each chunk's length line; the bytes each
 * node sent added up in @bytes. */
static GString *
cli_follow_payload (const char *path, guint stream, guint64 bytes[2])
{
  g_autofree char *spec = g_strdup_printf ("follow,tcp,ascii,%u", stream);
  g_autofree char *out = gui_test_cli_run (path, "-q", "-z", spec, NULL);
  GString *payload = g_string_new (NULL);
  const char *p = strstr (out, "\nNode 1: ");

  g_assert_nonnull (p);
  p = strchr (p + 1, '\n') + 1;
  bytes[0] = bytes[1] = 0;
  while (!g_str_has_prefix (p, "====="))
    {
      guint node = *p == '\t' ? 1 : 0;
      char *end;
      guint64 length = g_ascii_strtoull (p + node, &end, 10);

      g_assert_true (*end == '\n');
      p = end + 1;
      g_assert_cmpuint (strlen (p), >, length);
      g_string_append_len (payload, p, (gssize) length);
      bytes[node] += length;
      p += length;
      g_assert_true (*p == '\n');
      p++;
    }
  return payload;
}

/* The Follow window's text, as shown. */
static char *
follow_text (IotFollowWindow *follow)
{
  GtkWidget *view = gui_test_find_widget (GTK_WIDGET (follow), "text", GTK_TYPE_TEXT_VIEW);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* What a side sent, as its legend says ("A → B: 1234 bytes"); @side is
 * "client" or "server". */
static guint64
follow_total (IotFollowWindow *follow, const char *side)
{
  GtkWidget *label = gui_test_find_widget (GTK_WIDGET (follow), side, GTK_TYPE_LABEL);
  const char *colon = strrchr (gtk_label_get_text (GTK_LABEL (label)), ':');

  g_assert_nonnull (colon);
  return g_ascii_strtoull (colon + 1, NULL, 10);
}

/* The start of each piece the text shows: every chunk or message is
 * tinted with its side's tag, two alternating per side, so a piece begins
 * where a tag toggles on. */
static guint
follow_piece_starts (IotFollowWindow *follow, GArray *starts)
{
  GtkWidget *view = gui_test_find_widget (GTK_WIDGET (follow), "text", GTK_TYPE_TEXT_VIEW);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter iter;

  gtk_text_buffer_get_start_iter (buffer, &iter);
  do
    {
      g_autoptr (GSList) on = gtk_text_iter_get_toggled_tags (&iter, TRUE);

      if (on != NULL)
        {
          int offset = gtk_text_iter_get_offset (&iter);

          g_array_append_val (starts, offset);
        }
    }
  while (gtk_text_iter_forward_to_tag_toggle (&iter, NULL));
  return starts->len;
}

static guint
follow_n_pieces (IotFollowWindow *follow)
{
  g_autoptr (GArray) starts = g_array_new (FALSE, FALSE, sizeof (int));

  return follow_piece_starts (follow, starts);
}

/* A plain click on piece @index, delivered to the text view's click
 * gesture at the piece's first character. */
static void
follow_click_piece (IotFollowWindow *follow, guint index)
{
  GtkWidget *view = gui_test_find_widget (GTK_WIDGET (follow), "text", GTK_TYPE_TEXT_VIEW);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  g_autoptr (GArray) starts = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (view);
  GtkGesture *click = NULL;
  GdkRectangle rect;
  GtkTextIter iter;
  int x, y;

  g_assert_cmpuint (follow_piece_starts (follow, starts), >, index);
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, g_array_index (starts, int, index));
  /* On screen, where the view has laid its lines out. */
  gtk_text_view_scroll_to_iter (GTK_TEXT_VIEW (view), &iter, 0.0, TRUE, 0.0, 0.0);
  gui_test_settle ();
  gtk_text_view_get_iter_location (GTK_TEXT_VIEW (view), &iter, &rect);
  gtk_text_view_buffer_to_window_coords (GTK_TEXT_VIEW (view), GTK_TEXT_WINDOW_WIDGET, rect.x, rect.y, &x, &y);
  for (guint i = 0; i < g_list_model_get_n_items (controllers) && click == NULL; i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      /* The window's own: the view's built-in gesture takes any button. */
      if (GTK_IS_GESTURE_CLICK (controller)
          && gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (controller)) == GDK_BUTTON_PRIMARY
          && g_signal_has_handler_pending (controller, g_signal_lookup ("released", GTK_TYPE_GESTURE_CLICK), 0, FALSE))
        click = GTK_GESTURE (controller);
    }
  g_assert_nonnull (click);
  g_signal_emit_by_name (click, "released", 1, x + rect.width / 2.0, y + rect.height / 2.0);
}

static IotFollowWindow *
follow_and_wait (IotWindow *window, IotFollowKind kind)
{
  IotFollowWindow *follow = iot_window_follow (window, kind);

  g_assert_nonnull (follow);
  gui_test_wait_signal (follow, "ready");
  gui_test_settle ();
  g_assert_true (iot_analysis_window_is_ready (IOT_ANALYSIS_WINDOW (follow)));
  return follow;
}

static void
test_follow_tcp (void)
{
  g_autofree char *path = gui_test_capture_file ("http.pcap");
  IotWindow *window = gui_test_open_window (path, NULL);
  IotSession *session = iot_window_get_session (window);
  IotFollowWindow *follow;
  g_autoptr (GString) expected = NULL;
  g_autofree char *text = NULL;
  g_autofree char *filter = NULL;
  guint64 bytes[2];
  gboolean done = FALSE;
  guint32 frame;

  /* The Follow items apply to TCP frames only. */
  iot_packet_list_select_position (iot_window_get_packet_list (window), 3);
  gui_test_settle ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.follow-tcp", NULL));
  g_assert_null (iot_window_follow (window, IOT_FOLLOW_KIND_UDP));
  g_assert_null (iot_window_follow (window, IOT_FOLLOW_KIND_MQTT));

  follow = follow_and_wait (window, IOT_FOLLOW_KIND_TCP);
  g_assert_nonnull (strstr (gtk_window_get_title (GTK_WINDOW (follow)), "(tcp.stream eq 0)"));
  expected = cli_follow_payload (path, 0, bytes);
  text = follow_text (follow);
  g_assert_cmpuint (strlen (text), >, 0);
  g_assert_cmpstr (text, ==, expected->str);
  g_assert_cmpuint (follow_total (follow, "client"), ==, bytes[0]);
  g_assert_cmpuint (follow_total (follow, "server"), ==, bytes[1]);

  /* The other modes show the same chunks. */
  iot_follow_window_set_mode (follow, IOT_FOLLOW_HEX);
  g_free (text);
  text = follow_text (follow);
  g_assert_true (g_str_has_prefix (text, "00000000  47 45 54 20"));   /* "GET " */
  iot_follow_window_set_mode (follow, IOT_FOLLOW_RAW);
  g_free (text);
  text = follow_text (follow);
  g_assert_true (g_str_has_prefix (text, "474554"));
  g_assert_cmpuint (gui_test_count_lines (text), ==, follow_n_pieces (follow));

  /* Clicking a chunk selects its frame in the main window: the second
   * chunk is the stream's second segment with data. */
  g_assert_cmpuint (follow_n_pieces (follow), >=, 2);
  {
    g_autofree char *numbers = gui_test_cli_run (path, "-Y", "tcp.stream eq 0 && tcp.len > 0", "-T", "fields",
                                                 "-e", "frame.number", NULL);
    g_auto (GStrv) rows = g_strsplit (numbers, "\n", -1);

    g_assert_cmpuint (g_strv_length (rows), >=, 2);
    frame = (guint32) g_ascii_strtoull (rows[1], NULL, 10);
  }
  follow_click_piece (follow, 1);
  gui_test_settle ();
  g_assert_cmpuint (iot_session_get_selected_frame (session), ==, frame);
  {
    guint position = gtk_single_selection_get_selected (iot_packet_list_get_selection (iot_window_get_packet_list (window)));
    g_autofree char *number = iot_packet_list_dup_cell_text (iot_window_get_packet_list (window), position, IOT_COLUMN_NUMBER);

    g_assert_cmpuint (g_ascii_strtoull (number, NULL, 10), ==, frame);
  }

  /* "Filter on This Stream" filters the main list. */
  g_signal_connect (follow, "filter-requested", G_CALLBACK (gui_test_filter_cb), &filter);
  g_signal_connect (session, "filter-finished", G_CALLBACK (gui_test_flag_cb), &done);
  {
    GtkWidget *button = gui_test_find_widget (GTK_WIDGET (follow), "filter", GTK_TYPE_BUTTON);

    g_assert_true (gtk_widget_get_sensitive (button));
    g_signal_emit_by_name (button, "clicked");
  }
  g_assert_cmpstr (filter, ==, "tcp.stream eq 0");
  gui_test_wait_for (&done);
  g_assert_cmpstr (iot_session_get_filter_text (session), ==, "tcp.stream eq 0");
  {
    g_autofree char *saved = capture_path;

    capture_path = path;
    g_assert_cmpuint (iot_session_get_n_displayed (session), ==, cli_count ("tcp.stream eq 0"));
    capture_path = g_steal_pointer (&saved);
  }
  gtk_window_destroy (GTK_WINDOW (follow));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_follow_mqtt (void)
{
  IotWindow *window = open_window ();
  IotFollowWindow *follow;
  g_autofree char *out = gui_test_cli_run (capture_path, "-q", "-z", "follow,mqtt,0", NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GString) expected = g_string_new (NULL);

  /* Frame 8 is a SUBSCRIBE. */
  iot_session_select_frame (iot_window_get_session (window), 8);
  gui_test_settle ();
  follow = follow_and_wait (window, IOT_FOLLOW_KIND_MQTT);
  /* The message lines of the CLI's output, in the same words. */
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] == ' ')
      g_string_append_printf (expected, "%s\n", lines[i]);
  text = follow_text (follow);
  g_assert_cmpuint (expected->len, >, 0);
  g_assert_cmpstr (text, ==, expected->str);
  g_assert_cmpuint (follow_n_pieces (follow), ==, gui_test_count_lines (expected->str));
  /* A click on the first line selects the CONNECT's frame. */
  follow_click_piece (follow, 0);
  gui_test_settle ();
  g_assert_cmpuint (iot_session_get_selected_frame (iot_window_get_session (window)), ==, 4);
  gtk_window_destroy (GTK_WINDOW (follow));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- sorting ------------------------------------------------------------------ */

static guint
cell_number (IotPacketList *list, guint position, IotColumn column)
{
  g_autofree char *text = iot_packet_list_dup_cell_text (list, position, column);

  g_assert_nonnull (text);
  return (guint) g_ascii_strtoull (text, NULL, 10);
}

/* Sorts through the column header, as a click does; waits for the end. */
static void
sort_by (IotWindow *window, IotColumn column, GtkSortType order)
{
  IotPacketList *list = iot_window_get_packet_list (window);
  IotSession *session = iot_window_get_session (window);
  gboolean done = FALSE;
  gulong id = g_signal_connect (session, "sort-finished", G_CALLBACK (gui_test_flag_cb), &done);

  gtk_column_view_sort_by_column (iot_packet_list_get_view (list), iot_packet_list_get_column (list, column), order);
  g_assert_cmpint (iot_session_get_sort_column (session), ==, column);
  g_assert_cmpint (iot_session_get_sort_descending (session), ==, order == GTK_SORT_DESCENDING);
  gui_test_wait_for (&done);
  g_signal_handler_disconnect (session, id);
  gui_test_settle ();
}

static void
frame_lengths (const char *filter, guint *min, guint *max, guint *n)
{
  g_autofree char *out = filter != NULL
                         ? gui_test_cli_run (capture_path, "-Y", filter, "-T", "fields", "-e", "frame.len", NULL)
                         : gui_test_cli_run (capture_path, "-T", "fields", "-e", "frame.len", NULL);
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);

  *min = G_MAXUINT;
  *max = 0;
  *n = 0;
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      {
        guint len = (guint) g_ascii_strtoull (lines[i], NULL, 10);

        *min = MIN (*min, len);
        *max = MAX (*max, len);
        (*n)++;
      }
}

static void
test_sort (void)
{
  IotWindow *window = open_window ();
  IotPacketList *list = iot_window_get_packet_list (window);
  IotSession *session = iot_window_get_session (window);
  GListModel *model = G_LIST_MODEL (iot_packet_list_get_selection (list));
  guint min, max, n, previous;
  gboolean done = FALSE;

  frame_lengths (NULL, &min, &max, &n);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n);

  /* Length ascending: the first row is the shortest frame, and no row is
   * shorter than the one above it. */
  iot_session_select_frame (session, 8);
  sort_by (window, IOT_COLUMN_LENGTH, GTK_SORT_ASCENDING);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n);
  g_assert_cmpuint (cell_number (list, 0, IOT_COLUMN_LENGTH), ==, min);
  previous = 0;
  for (guint i = 0; i < n; i++)
    {
      guint length = cell_number (list, i, IOT_COLUMN_LENGTH);

      g_assert_cmpuint (length, >=, previous);
      previous = length;
    }
  /* The selected frame stays selected, wherever it went. */
  {
    guint position = gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (model));

    g_assert_cmpuint (position, !=, GTK_INVALID_LIST_POSITION);
    g_assert_cmpuint (cell_number (list, position, IOT_COLUMN_NUMBER), ==, 8);
  }

  sort_by (window, IOT_COLUMN_LENGTH, GTK_SORT_DESCENDING);
  g_assert_cmpuint (cell_number (list, 0, IOT_COLUMN_LENGTH), ==, max);

  /* Text columns: Protocol ascending groups the rows by protocol. */
  sort_by (window, IOT_COLUMN_PROTOCOL, GTK_SORT_ASCENDING);
  {
    g_autofree char *first = iot_packet_list_dup_cell_text (list, 0, IOT_COLUMN_PROTOCOL);
    g_autofree char *last = iot_packet_list_dup_cell_text (list, n - 1, IOT_COLUMN_PROTOCOL);

    g_assert_cmpstr (first, ==, "MQTT");
    g_assert_cmpstr (last, ==, "TCP");
  }

  /* No. ascending is frame order again. */
  sort_by (window, IOT_COLUMN_NUMBER, GTK_SORT_ASCENDING);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (cell_number (list, i, IOT_COLUMN_NUMBER), ==, i + 1);

  /* A filter keeps the order asked for. */
  sort_by (window, IOT_COLUMN_LENGTH, GTK_SORT_DESCENDING);
  g_signal_connect (session, "filter-finished", G_CALLBACK (gui_test_flag_cb), &done);
  iot_filter_bar_set_text (iot_window_get_filter_bar (window), "mqtt", TRUE);
  gui_test_wait_for (&done);
  done = FALSE;
  g_signal_connect (session, "sort-finished", G_CALLBACK (gui_test_flag_cb), &done);
  if (iot_session_is_sorting (session))
    gui_test_wait_for (&done);
  gui_test_settle ();
  frame_lengths ("mqtt", &min, &max, &n);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n);
  g_assert_cmpuint (cell_number (list, 0, IOT_COLUMN_LENGTH), ==, max);
  g_assert_cmpuint (cell_number (list, n - 1, IOT_COLUMN_LENGTH), ==, min);

  /* Cancel: the order shown before stays, and the header says so. */
  iot_session_sort (session, IOT_COLUMN_INFO, FALSE);
  g_assert_true (iot_session_is_sorting (session));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel", NULL);
  while (iot_session_is_sorting (session))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (iot_session_get_sort_column (session), ==, IOT_COLUMN_LENGTH);
  g_assert_true (iot_session_get_sort_descending (session));
  g_assert_cmpuint (cell_number (list, 0, IOT_COLUMN_LENGTH), ==, max);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- columns and status --------------------------------------------------------- */

static void
test_columns (void)
{
  g_autoptr (GSettings) settings = g_settings_new ("org.iotscope.Iotscope");
  IotWindow *window = gui_test_open_window (capture_path, settings);
  IotPacketList *list = iot_window_get_packet_list (window);
  g_auto (GStrv) hidden = NULL;

  g_assert_true (iot_packet_list_get_column_visible (list, IOT_COLUMN_TIME));
  /* What the header's context menu does. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "columns.time", NULL));
  g_assert_false (iot_packet_list_get_column_visible (list, IOT_COLUMN_TIME));
  g_assert_false (gtk_column_view_column_get_visible (iot_packet_list_get_column (list, IOT_COLUMN_TIME)));
  hidden = g_settings_get_strv (settings, "hidden-columns");
  g_assert_true (g_strv_contains ((const char *const *) hidden, "time"));
  gtk_window_destroy (GTK_WINDOW (window));

  /* A new window remembers. */
  window = gui_test_open_window (capture_path, settings);
  list = iot_window_get_packet_list (window);
  g_assert_false (iot_packet_list_get_column_visible (list, IOT_COLUMN_TIME));
  g_assert_true (iot_packet_list_get_column_visible (list, IOT_COLUMN_INFO));
  iot_packet_list_set_column_visible (list, IOT_COLUMN_TIME, TRUE);
  g_clear_pointer (&hidden, g_strfreev);
  hidden = g_settings_get_strv (settings, "hidden-columns");
  g_assert_cmpuint (g_strv_length (hidden), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
wait_for_expert (IotSession *session)
{
  gint64 deadline = g_get_monotonic_time () + GUI_TEST_TIMEOUT_US;

  while (!iot_session_get_expert_counts (session, NULL, NULL) || iot_session_is_busy (session))
    {
      g_main_context_iteration (NULL, FALSE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (1000);
    }
}

/* Frames with an error item, and frames whose worst item is a warning. */
static void
cli_expert (const char *path, const char *filter, guint *n_errors, guint *n_warnings)
{
  g_autofree char *errors = g_strdup_printf ("(%s) && _ws.expert.severity == 0x00800000", filter);
  g_autofree char *warnings = g_strdup_printf ("(%s) && _ws.expert.severity >= 0x00600000", filter);
  g_autofree char *out_errors = gui_test_cli_run (path, "-Y", errors, NULL);
  g_autofree char *out_warnings = gui_test_cli_run (path, "-Y", warnings, NULL);

  *n_errors = gui_test_count_lines (out_errors);
  *n_warnings = gui_test_count_lines (out_warnings) - *n_errors;
}

static void
test_status_counts (void)
{
  g_autofree char *path = gui_test_capture_file ("coap.pcap");
  g_autofree char *saved = g_steal_pointer (&capture_path);
  IotWindow *window;
  IotSession *session;
  GtkLabel *counts, *expert;
  guint n_errors, n_warnings, want_errors, want_warnings, total, displayed;
  g_autofree char *want_counts = NULL;
  gboolean done = FALSE;

  capture_path = g_strdup (path);
  window = open_window ();
  session = iot_window_get_session (window);
  counts = GTK_LABEL (gui_test_window_child (window, "status_counts"));
  expert = GTK_LABEL (gui_test_window_child (window, "status_expert"));
  total = cli_count (NULL);

  /* Unfiltered: all frames, counted in the background after loading. */
  wait_for_expert (session);
  gui_test_settle ();
  cli_expert (path, "frame", &want_errors, &want_warnings);
  g_assert_cmpuint (want_warnings, >, 0);
  iot_session_get_expert_counts (session, &n_errors, &n_warnings);
  g_assert_cmpuint (n_errors, ==, want_errors);
  g_assert_cmpuint (n_warnings, ==, want_warnings);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (expert)));
  g_assert_nonnull (strstr (gtk_label_get_text (expert), "Warnings"));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (counts), "Frames: "));

  /* Filtered: the counts of the displayed frames. */
  g_signal_connect (session, "filter-finished", G_CALLBACK (gui_test_flag_cb), &done);
  iot_filter_bar_set_text (iot_window_get_filter_bar (window), "coap.code == 1", TRUE);
  gui_test_wait_for (&done);
  wait_for_expert (session);
  gui_test_settle ();
  displayed = cli_count ("coap.code == 1");
  g_assert_cmpuint (displayed, >, 0);
  g_assert_cmpuint (displayed, <, total);
  want_counts = g_strdup_printf ("Frames: %u · Displayed: %u (%.1f%%)", total, displayed, 100.0 * displayed / total);
  g_assert_true (g_str_has_prefix (gtk_label_get_text (counts), want_counts));
  cli_expert (path, "coap.code == 1", &want_errors, &want_warnings);
  iot_session_get_expert_counts (session, &n_errors, &n_warnings);
  g_assert_cmpuint (n_errors, ==, want_errors);
  g_assert_cmpuint (n_warnings, ==, want_warnings);
  if (want_errors == 0 && want_warnings == 0)
    g_assert_cmpstr (gtk_label_get_text (expert), ==, "No expert warnings");
  gtk_window_destroy (GTK_WINDOW (window));
  g_free (capture_path);
  capture_path = g_steal_pointer (&saved);
}

/* ---- time reference and export ------------------------------------------------- */

/* "0.123456" → nanoseconds. */
static gint64
parse_seconds (const char *text)
{
  g_auto (GStrv) parts = g_strsplit (text, ".", 2);
  gint64 ns;

  g_assert_nonnull (parts[1]);
  ns = g_ascii_strtoll (parts[0], NULL, 10) * G_GINT64_CONSTANT (1000000000);
  ns += g_ascii_strtoll (parts[1], NULL, 10) * (strlen (parts[1]) == 6 ? 1000 : 1);
  return ns;
}

static void
test_time_ref (void)
{
  IotWindow *window = open_window ();
  IotSession *session = iot_window_get_session (window);
  IotPacketList *list = iot_window_get_packet_list (window);
  IotFile *file = iot_capture_file (iot_session_get_capture (session));
  g_autofree char *ref_cell = NULL;
  g_autofree char *next_cell = NULL;
  g_autofree char *before_cell = NULL;
  g_autofree char *after_unset = NULL;
  gint64 expected;

  /* Ctrl+T on frame 5. */
  iot_session_select_frame (session, 5);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.time-ref", NULL));
  gui_test_settle ();
  g_assert_cmpuint (iot_session_get_time_ref (session), ==, 5);
  ref_cell = iot_packet_list_dup_cell_text (list, 4, IOT_COLUMN_TIME);
  g_assert_cmpstr (ref_cell, ==, "*REF*");
  next_cell = iot_packet_list_dup_cell_text (list, 5, IOT_COLUMN_TIME);
  expected = iot_file_frame (file, 6)->ts_ns - iot_file_frame (file, 5)->ts_ns;
  g_assert_cmpint (parse_seconds (next_cell), ==, expected);
  /* Frames before the reference still count from the first one. */
  before_cell = iot_packet_list_dup_cell_text (list, 3, IOT_COLUMN_TIME);
  g_assert_cmpint (parse_seconds (before_cell), ==,
                   iot_file_frame (file, 4)->ts_ns - iot_file_frame (file, 1)->ts_ns);
  /* The tree agrees: frame.time_relative of the reference is 0. */
  iot_proto_tree_expand_all (iot_window_get_proto_tree (window));
  gui_test_settle ();
  g_assert_cmpint (find_row (iot_window_get_proto_tree (window), "[Time since reference or first frame: 0.000000000"),
                   >=, 0);

  /* Ctrl+T again takes it away. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.time-ref", NULL));
  gui_test_settle ();
  g_assert_cmpuint (iot_session_get_time_ref (session), ==, 0);
  after_unset = iot_packet_list_dup_cell_text (list, 4, IOT_COLUMN_TIME);
  g_assert_cmpint (parse_seconds (after_unset), ==,
                   iot_file_frame (file, 5)->ts_ns - iot_file_frame (file, 1)->ts_ns);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_export (void)
{
  IotWindow *window = open_window ();
  IotSession *session = iot_window_get_session (window);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("iot-gui-export-XXXXXX", &error);
  g_autofree char *all = g_build_filename (dir, "all.pcapng", NULL);
  g_autofree char *shown = g_build_filename (dir, "shown.pcap", NULL);
  g_autofree char *one = g_build_filename (dir, "one.pcap", NULL);
  guint expected = cli_count ("mqtt");
  gboolean done = FALSE;
  g_autoptr (IotFile) copy = NULL;

  g_assert_no_error (error);
  g_assert_true (iot_window_export_full (window, all, IOT_EXPORT_RANGE_ALL, IOT_EXPORT_SECRETS_EMBED, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (gui_test_cli_count_file (all, NULL), ==, cli_count (NULL));

  g_signal_connect (session, "filter-finished", G_CALLBACK (gui_test_flag_cb), &done);
  iot_filter_bar_set_text (iot_window_get_filter_bar (window), "mqtt", TRUE);
  gui_test_wait_for (&done);
  g_assert_true (iot_window_export_full (window, shown, IOT_EXPORT_RANGE_DISPLAYED, IOT_EXPORT_SECRETS_EMBED, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (gui_test_cli_count_file (shown, NULL), ==, expected);

  /* Nothing selected: an error that says so. */
  g_assert_false (iot_window_export_full (window, one, IOT_EXPORT_RANGE_SELECTED, IOT_EXPORT_SECRETS_EMBED, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  iot_session_select_frame (session, 7);
  g_assert_true (iot_window_export_full (window, one, IOT_EXPORT_RANGE_SELECTED, IOT_EXPORT_SECRETS_EMBED, &error));
  g_assert_no_error (error);
  copy = iot_file_open (one, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (iot_file_n_frames (copy), ==, 1);

  g_unlink (all);
  g_unlink (shown);
  g_unlink (one);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- filter history and saved buttons -------------------------------------------- */

static void
test_filter_history (void)
{
  g_autoptr (GSettings) settings = g_settings_new ("org.iotscope.Iotscope");
  IotWindow *window = gui_test_open_window (capture_path, settings);
  IotFilterBar *bar = iot_window_get_filter_bar (window);
  GtkStringList *history = GTK_STRING_LIST (iot_filter_bar_get_history (bar));
  GtkWidget *saved_box = gui_test_template_child (bar, IOT_TYPE_FILTER_BAR, "saved_box");
  GListModel *rows = G_LIST_MODEL (iot_packet_list_get_selection (iot_window_get_packet_list (window)));
  g_auto (GStrv) stored = NULL;
  g_autoptr (GVariant) saved = NULL;

  gui_test_apply_filter (window, "tcp");
  gui_test_apply_filter (window, "mqtt");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (history)), ==, 2);
  g_assert_cmpstr (gtk_string_list_get_string (history, 0), ==, "mqtt");
  g_assert_cmpstr (gtk_string_list_get_string (history, 1), ==, "tcp");
  /* Applying an older one again moves it to the top, once. */
  gui_test_apply_filter (window, "tcp");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (history)), ==, 2);
  g_assert_cmpstr (gtk_string_list_get_string (history, 0), ==, "tcp");
  stored = g_settings_get_strv (settings, "filter-history");
  g_assert_cmpuint (g_strv_length (stored), ==, 2);
  g_assert_cmpstr (stored[0], ==, "tcp");
  /* The drop-down's item applies it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (bar), "filter.apply-text", "s", "mqtt"));
  g_assert_cmpstr (iot_session_get_filter_text (iot_window_get_session (window)), ==, "mqtt");
  gui_test_apply_filter (window, "");

  /* A saved button applies its filter; removing it hides the bar. */
  g_assert_false (gtk_widget_get_visible (saved_box));
  iot_filter_bar_add_saved (bar, "Publishes", "mqtt.msgtype == 3");
  g_assert_true (gtk_widget_get_visible (saved_box));
  saved = g_settings_get_value (settings, "saved-filters");
  g_assert_cmpuint (g_variant_n_children (saved), ==, 1);
  {
    IotSession *session = iot_window_get_session (window);
    gboolean done = FALSE;
    gulong id = g_signal_connect (session, "filter-finished", G_CALLBACK (gui_test_flag_cb), &done);

    g_signal_emit_by_name (gtk_widget_get_first_child (saved_box), "clicked");
    gui_test_wait_for (&done);
    g_signal_handler_disconnect (session, id);
  }
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, cli_count ("mqtt.msgtype == 3"));
  gtk_window_destroy (GTK_WINDOW (window));

  /* A new window has both. */
  window = gui_test_open_window (capture_path, settings);
  bar = iot_window_get_filter_bar (window);
  history = GTK_STRING_LIST (iot_filter_bar_get_history (bar));
  g_assert_cmpstr (gtk_string_list_get_string (history, 0), ==, "mqtt.msgtype == 3");
  g_assert_true (gtk_widget_get_visible (gui_test_template_child (bar, IOT_TYPE_FILTER_BAR, "saved_box")));
  iot_filter_bar_remove_saved (bar, "Publishes");
  g_assert_false (gtk_widget_get_visible (gui_test_template_child (bar, IOT_TYPE_FILTER_BAR, "saved_box")));
  gtk_window_destroy (GTK_WINDOW (window));
}


/* ---- live capture (root only) ------------------------------------------------- */

#define LIVE_PORT 47999

static gboolean
can_capture (void)
{
  if (geteuid () != 0)
    {
      g_test_skip ("live capture needs root");
      return FALSE;
    }
  return TRUE;
}

/* The capture dialog of a new main window with no capture open. */
static IotCaptureDialog *
show_capture_dialog (IotWindow **window)
{
  IotCaptureDialog *dialog;

  *window = iot_window_new (NULL, NULL);
  iot_window_set_show_dialogs (*window, FALSE);
  gtk_window_present (GTK_WINDOW (*window));
  dialog = iot_window_show_capture_dialog (*window);
  gui_test_settle ();
  return dialog;
}

static void
test_capture_dialog (void)
{
  IotWindow *window;
  IotCaptureDialog *dialog;
  GtkWidget *entry;
  const char *message;

  if (!can_capture ())
    return;
  dialog = show_capture_dialog (&window);
  g_assert_true (iot_capture_dialog_select_interface (dialog, "lo"));
  {
    g_auto (GStrv) names = iot_capture_dialog_dup_interfaces (dialog);

    g_assert_cmpuint (g_strv_length (names), ==, 1);
    g_assert_cmpstr (names[0], ==, "lo");
  }
  entry = gui_test_template_child (dialog, IOT_TYPE_CAPTURE_DIALOG, "filter_entry");
  gtk_editable_set_text (GTK_EDITABLE (entry), "udp port 47999");
  g_assert_true (gtk_widget_has_css_class (entry, "filter-valid"));
  g_assert_true (gtk_widget_get_sensitive (gui_test_template_child (dialog, IOT_TYPE_CAPTURE_DIALOG, "start_button")));
  gtk_editable_set_text (GTK_EDITABLE (entry), "udp prot 47999");
  g_assert_true (gtk_widget_has_css_class (entry, "filter-invalid"));
  g_assert_false (iot_capture_dialog_filter_is_valid (dialog));
  g_assert_false (gtk_widget_get_sensitive (gui_test_template_child (dialog, IOT_TYPE_CAPTURE_DIALOG, "start_button")));
  /* libpcap's own message. */
  message = gtk_label_get_text (GTK_LABEL (gui_test_template_child (dialog, IOT_TYPE_CAPTURE_DIALOG, "filter_message")));
  g_test_message ("bad filter: %s", message);
  g_assert_true (strstr (message, "syntax error") != NULL || strstr (message, "prot") != NULL);
  /* A preset from the drop-down. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "capture.use-filter", "s", "udp port 5683");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "udp port 5683");
  g_assert_true (gtk_widget_has_css_class (entry, "filter-valid"));
  /* The limits go in and out as they were set. */
  {
    IotCaptureLimits limits, back;

    iot_capture_limits_init (&limits);
    iot_capture_dialog_get_limits (dialog, &back);
    g_assert_cmpint (back.snaplen, ==, limits.snaplen);
    g_assert_cmpint (back.buffer_mib, ==, limits.buffer_mib);
    g_assert_cmpuint (back.stop_packets, ==, 0);
    limits.snaplen = 128;
    limits.buffer_mib = 64;
    limits.stop_packets = 5;
    limits.stop_seconds = 30;
    iot_capture_dialog_set_limits (dialog, &limits);
    iot_capture_dialog_get_limits (dialog, &back);
    g_assert_cmpint (back.snaplen, ==, 128);
    g_assert_cmpint (back.buffer_mib, ==, 64);
    g_assert_cmpuint (back.stop_packets, ==, 5);
    g_assert_cmpfloat (back.stop_seconds, ==, 30);
    g_assert_cmpuint (back.stop_filesize_kb, ==, 0);
  }
  /* Monitor mode and link types of the loopback interface: no monitor
   * mode (not Wi-Fi), and Ethernet framing as its one link type, which
   * the drop-down offers after the default and hands on when chosen. */
  {
    GtkListBox *list = GTK_LIST_BOX (gui_test_template_child (dialog, IOT_TYPE_CAPTURE_DIALOG, "interface_list"));
    GtkDropDown *dropdown = GTK_DROP_DOWN (gui_test_template_child (dialog, IOT_TYPE_CAPTURE_DIALOG, "link_type_dropdown"));
    GListModel *model = gtk_drop_down_get_model (dropdown);
    GtkCheckButton *monitor = GTK_CHECK_BUTTON (gui_test_template_child (dialog, IOT_TYPE_CAPTURE_DIALOG, "monitor_check"));
    GtkListBoxRow *lo_row = NULL;
    IotCaptureLimits back;
    gboolean found = FALSE;

    for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list)); child != NULL;
         child = gtk_widget_get_next_sibling (child))
      if (GTK_IS_LIST_BOX_ROW (child)
          && g_strcmp0 (iot_capture_dialog_row_interface (GTK_LIST_BOX_ROW (child)), "lo") == 0)
        lo_row = GTK_LIST_BOX_ROW (child);
    g_assert_nonnull (lo_row);
    g_assert_false (iot_capture_dialog_row_can_monitor (lo_row));
    g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (monitor)));
    g_assert_false (gtk_check_button_get_active (monitor));
    g_assert_cmpuint (g_list_model_get_n_items (model), >=, 2);
    g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (model), 0), ==, "Default of the interface");
    for (guint i = 1; i < g_list_model_get_n_items (model); i++)
      {
        const char *text = gtk_string_list_get_string (GTK_STRING_LIST (model), i);

        g_test_message ("lo link type %u: %s", i, text);
        if (strstr (text, "(EN10MB, 1)") != NULL)
          {
            found = TRUE;
            gtk_drop_down_set_selected (dropdown, i);
            g_assert_cmpint (iot_capture_dialog_get_link_type (dialog), ==, 1);
            iot_capture_dialog_get_limits (dialog, &back);
            g_assert_cmpint (back.link_type, ==, 1);
          }
      }
    g_assert_true (found);
    gtk_drop_down_set_selected (dropdown, 0);
    g_assert_cmpint (iot_capture_dialog_get_link_type (dialog), ==, 0);
  }
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkListBoxRow *
interface_row (IotCaptureDialog *dialog, const char *name)
{
  GtkWidget *list = gui_test_template_child (dialog, IOT_TYPE_CAPTURE_DIALOG, "interface_list");

  for (GtkWidget *child = gtk_widget_get_first_child (list); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child)
        && g_strcmp0 (iot_capture_dialog_row_interface (GTK_LIST_BOX_ROW (child)), name) == 0)
      return GTK_LIST_BOX_ROW (child);
  return NULL;
}

static gboolean send_datagrams (guint n);

/* Each interface's sparkline follows its packet rate. */
static void
test_capture_rates (void)
{
  IotWindow *window;
  IotCaptureDialog *dialog;
  IotSparkline *sparkline;
  GtkListBoxRow *row;
  guint n;

  if (!can_capture ())
    return;
  dialog = show_capture_dialog (&window);
  row = interface_row (dialog, "lo");
  g_assert_nonnull (row);
  sparkline = iot_capture_dialog_row_sparkline (row);
  g_assert_nonnull (sparkline);
  n = iot_sparkline_get_n_values (sparkline);
  /* 50 datagrams in ~100 ms: lo counts each as sent and received. */
  send_datagrams (50);
  iot_capture_dialog_sample_rates (dialog);
  g_assert_cmpuint (iot_sparkline_get_n_values (sparkline), ==, n + 1);
  g_test_message ("lo: %.0f packets/s", iot_sparkline_get_last (sparkline));
  g_assert_cmpfloat (iot_sparkline_get_last (sparkline), >, 0);
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
send_datagrams (guint n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                             G_SOCKET_PROTOCOL_UDP, &error);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) to = g_inet_socket_address_new (loopback, LIVE_PORT);

  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      char payload[32];
      int len = g_snprintf (payload, sizeof payload, "iotscope live test %u", i);

      g_socket_send_to (socket, to, payload, len, NULL, &error);
      g_assert_no_error (error);
      /* On lo, libpcap's default 2 MiB ring holds only ~30 packets (64 KiB
       * slots, each packet seen twice): paced, a loaded machine drops none. */
      g_usleep (2000);
    }
  return TRUE;
}

static void
test_live_capture (void)
{
  IotWindow *window;
  IotSession *session;
  GListModel *rows;
  const char *const lo[] = { "lo", NULL };
  g_autoptr (GError) error = NULL;
  gboolean finished = FALSE;
  gint64 deadline;

  if (!can_capture ())
    return;
  window = iot_window_new (NULL, NULL);
  iot_window_set_show_dialogs (window, FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 820);
  gtk_window_present (GTK_WINDOW (window));
  session = iot_window_get_session (window);
  rows = G_LIST_MODEL (iot_session_get_frames (session));
  g_assert_true (iot_window_start_capture (window, lo, "udp port 47999", TRUE, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (iot_window_is_capturing (window));
  g_assert_true (iot_session_is_live (session));
  gui_test_settle ();
  send_datagrams (20);
  deadline = g_get_monotonic_time () + GUI_TEST_TIMEOUT_US;
  while (g_list_model_get_n_items (rows) < 20)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  /* Captured count in the status bar (refreshed at 2 Hz). */
  gui_test_settle ();
  gui_test_settle ();
  gui_test_settle ();
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (gui_test_window_child (window, "status_counts"))), "Captured: 20"));
  g_signal_connect (window, "capture-finished", G_CALLBACK (gui_test_flag_cb), &finished);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.capture-toggle", NULL);   /* Ctrl+E */
  gui_test_wait_for (&finished);
  g_assert_false (iot_window_is_capturing (window));
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 20);
  g_assert_true (iot_window_has_unsaved_capture (window));
  {
    g_autofree char *info = iot_packet_list_dup_cell_text (iot_window_get_packet_list (window), 0,
                                                           IOT_COLUMN_INFO);

    g_assert_nonnull (strstr (info, "47999"));
  }
  /* Save (what Save As writes), then the temporary file goes with the window. */
  {
    g_autofree char *dir = g_dir_make_tmp ("iotscope-live-XXXXXX", NULL);
    g_autofree char *out = g_build_filename (dir, "live.pcap", NULL);

    g_assert_true (iot_window_export_full (window, out, IOT_EXPORT_RANGE_ALL, IOT_EXPORT_SECRETS_EMBED, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (gui_test_cli_count_file (out, NULL), ==, 20);
    g_unlink (out);
    g_rmdir (dir);
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A stop condition from the dialog's limits ends the capture by itself. */
static void
test_live_stop_condition (void)
{
  IotWindow *window;
  GListModel *rows;
  const char *const lo[] = { "lo", NULL };
  IotCaptureLimits limits;
  g_autoptr (GError) error = NULL;
  gboolean finished = FALSE;

  if (!can_capture ())
    return;
  window = iot_window_new (NULL, NULL);
  iot_window_set_show_dialogs (window, FALSE);
  gtk_window_present (GTK_WINDOW (window));
  rows = G_LIST_MODEL (iot_session_get_frames (iot_window_get_session (window)));
  iot_capture_limits_init (&limits);
  limits.stop_packets = 7;
  limits.snaplen = 40;
  iot_window_set_capture_limits (window, &limits);
  g_signal_connect (window, "capture-finished", G_CALLBACK (gui_test_flag_cb), &finished);
  g_assert_true (iot_window_start_capture (window, lo, "udp port 47999", TRUE, FALSE, &error));
  g_assert_no_error (error);
  gui_test_settle ();
  send_datagrams (20);
  gui_test_wait_for (&finished);
  g_assert_false (iot_window_is_capturing (window));
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 7);
  /* The snapshot length cut each frame: 40 of 14 + 20 + 8 + 20 bytes. */
  {
    IotCapture *capture = iot_session_get_capture (iot_window_get_session (window));
    const IotFrame *frame = iot_file_frame (iot_capture_file (capture), 1);

    g_assert_cmpuint (frame->caplen, ==, 40);
    g_assert_cmpuint (frame->len, ==, 62);
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  const char *root = g_getenv ("IOTSCOPE_SOURCE_ROOT");

  gui_test_init (&argc, &argv);
  capture_path = g_build_filename (root != NULL ? root : ".", "tests", "captures", "mqtt311.pcap", NULL);

  g_test_add_func ("/gui/list-count", test_list_count);
  g_test_add_func ("/gui/tree-and-hex", test_tree_and_hex);
  g_test_add_func ("/gui/filter", test_filter);
  g_test_add_func ("/gui/screenshot", test_screenshot);
  g_test_add_func ("/gui/damaged-file", test_damaged_file);
  g_test_add_func ("/gui/follow-tcp", test_follow_tcp);
  g_test_add_func ("/gui/follow-mqtt", test_follow_mqtt);
  g_test_add_func ("/gui/sort", test_sort);
  g_test_add_func ("/gui/columns", test_columns);
  g_test_add_func ("/gui/status-counts", test_status_counts);
  g_test_add_func ("/gui/time-ref", test_time_ref);
  g_test_add_func ("/gui/export", test_export);
  g_test_add_func ("/gui/filter-history", test_filter_history);
  g_test_add_func ("/gui/capture-dialog", test_capture_dialog);
  g_test_add_func ("/gui/live-capture", test_live_capture);
  g_test_add_func ("/gui/capture-rates", test_capture_rates);
  g_test_add_func ("/gui/live-stop-condition", test_live_stop_condition);
  return g_test_run ();
}
