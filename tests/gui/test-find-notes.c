/* test-find-notes.c — Find Packet, marks, ignores and packet comments in
 * the main window, on real widgets: the find bar's search (display
 * filter, hex, string in list/tree/bytes, regex, wrap-around, errors)
 * selects the frames the CLI's filters name; marked rows carry their
 * style, frame.marked filters them and Export Specified Frames writes
 * them; an ignored frame shows "<Ignored>"; comments of a pcapng show in
 * the tree, are edited in the Packet Comment dialog and survive a pcapng
 * save, while a pcap save asks first (pcapng, without comments, cancel);
 * notes survive reloads of the same file.  With IOTSCOPE_SCREENSHOT_DIR
 * set, find-bar.png, marked-comments.png and save-comments-question.png
 * are written there.  Run under Xvfb (run-xvfb.sh). */
#include <string.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "gui-test-util.h"
#include "iot-app-test.h"
#include "iot-app-script.h"
#include "iot-application-private.h"
#include "iot-comment-dialog.h"
#include "iot-frame-notes.h"
#include "iot-window.h"
#include "iot-window-private.h"
#include "iot-window-notes.h"

/* The frame numbers the CLI prints for @filter on capture @name. */
static GArray *
cli_numbers (const char *name, const char *filter)
{
  g_autofree char *path = gui_test_capture_file (name);
  g_autofree char *out = gui_test_cli_run (path, "-Y", filter, "-T", "fields", "-e", "frame.number", NULL);
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
  GArray *numbers = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      {
        guint32 number = (guint32) g_ascii_strtoull (lines[i], NULL, 10);

        g_array_append_val (numbers, number);
      }
  return numbers;
}

static void
found_cb (IotFindBar *bar, guint frame, guint *out)
{
  *out = frame;
}

/* Runs one search with the bar's current settings; the frame selected. */
static guint32
find (IotWindow *window, const char *text, gboolean backwards)
{
  IotFindBar *bar = IOT_FIND_BAR (gui_test_window_child (window, "find_bar"));
  guint found = G_MAXUINT;
  gulong id = g_signal_connect (bar, "search-finished", G_CALLBACK (found_cb), &found);
  gint64 deadline = g_get_monotonic_time () + GUI_TEST_TIMEOUT_US;

  gtk_editable_set_text (GTK_EDITABLE (iot_find_bar_get_entry (bar)), text);
  g_assert_true (iot_find_bar_find (bar, backwards));
  /* The search runs in a worker: the main loop is free meanwhile. */
  g_assert_true (iot_find_bar_is_searching (bar));
  while (found == G_MAXUINT && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (bar, id);
  g_assert_cmpuint (found, !=, G_MAXUINT);
  if (found != 0)
    g_assert_cmpuint (iot_session_get_selected_frame (iot_window_get_session (window)), ==, found);
  return found;
}

static void
select_frame (IotWindow *window, guint32 number)
{
  iot_session_select_frame (iot_window_get_session (window), number);
  gui_test_settle ();
}

static const char *
status_text (IotWindow *window)
{
  return gtk_label_get_text (GTK_LABEL (gui_test_template_child (IOT_FIND_BAR (gui_test_window_child (window, "find_bar")), IOT_TYPE_FIND_BAR, "status")));
}

static void
save_widget_screenshot (GtkWidget *widget, const char *name)
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

static void
save_screenshot (IotWindow *window, const char *name)
{
  save_widget_screenshot (GTK_WIDGET (window), name);
}

static void
test_find (void)
{
  IotWindow *window = gui_test_open_capture ("comments.pcapng");
  IotFindBar *bar = IOT_FIND_BAR (gui_test_window_child (window, "find_bar"));
  g_autoptr (GArray) publishes = cli_numbers ("comments.pcapng", "mqtt.msgtype == 3");
  g_autoptr (GArray) connects = cli_numbers ("comments.pcapng", "frame contains 4d:51:54:54");
  g_autoptr (GArray) sensors = cli_numbers ("comments.pcapng", "frame contains \"sensors/\"");
  g_autoptr (GArray) pings = cli_numbers ("comments.pcapng", "mqtt.msgtype == 12");
  guint32 last_publish;

  g_assert_cmpuint (publishes->len, >=, 3);
  g_assert_cmpuint (connects->len, >=, 2);
  g_assert_cmpuint (pings->len, ==, 1);
  last_publish = g_array_index (publishes, guint32, publishes->len - 1);

  /* Ctrl+F's action shows the bar with the focus in its entry. */
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (gui_test_template_child (bar, IOT_TYPE_FIND_BAR, "revealer"))));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "notes.find", NULL));
  gui_test_settle ();
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (gui_test_template_child (bar, IOT_TYPE_FIND_BAR, "revealer"))));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (gtk_editable_get_delegate (GTK_EDITABLE (iot_find_bar_get_entry (bar))))));

  /* Display filter: next, next, previous, as the CLI's matches. */
  iot_find_bar_set_mode (bar, IOT_FIND_FILTER);
  g_assert_cmpuint (find (window, "mqtt.msgtype == 3", FALSE), ==, g_array_index (publishes, guint32, 0));
  g_assert_cmpuint (find (window, "mqtt.msgtype == 3", FALSE), ==, g_array_index (publishes, guint32, 1));
  g_assert_cmpuint (find (window, "mqtt.msgtype == 3", TRUE), ==, g_array_index (publishes, guint32, 0));
  /* From the last match, the next one is the first again, and it says so. */
  select_frame (window, last_publish);
  g_assert_cmpuint (find (window, "mqtt.msgtype == 3", FALSE), ==, g_array_index (publishes, guint32, 0));
  g_assert_nonnull (strstr (status_text (window), "wrapped"));
  /* Ctrl+N repeats the search. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "notes.find-next", NULL));
  while (iot_find_bar_is_searching (bar))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (iot_session_get_selected_frame (iot_window_get_session (window)), ==,
                    g_array_index (publishes, guint32, 1));

  /* A filter that does not compile: an error with its column, no search. */
  gtk_editable_set_text (GTK_EDITABLE (iot_find_bar_get_entry (bar)), "mqtt.msgtype == ");
  g_assert_false (iot_find_bar_find (bar, FALSE));
  g_assert_nonnull (strstr (status_text (window), "column"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (iot_find_bar_get_entry (bar)), "find-invalid"));
  gtk_editable_set_text (GTK_EDITABLE (iot_find_bar_get_entry (bar)), "no_such.field");
  g_assert_false (iot_find_bar_find (bar, FALSE));
  g_assert_nonnull (strstr (status_text (window), "column 1"));

  /* Hex bytes ("MQTT", the CONNECT protocol name), from the first frame. */
  select_frame (window, 0);
  iot_find_bar_set_mode (bar, IOT_FIND_HEX);
  g_assert_cmpuint (find (window, "4d 51 54 54", FALSE), ==, g_array_index (connects, guint32, 0));
  g_assert_cmpuint (find (window, "4d:51:54:54", FALSE), ==, g_array_index (connects, guint32, 1));
  gtk_editable_set_text (GTK_EDITABLE (iot_find_bar_get_entry (bar)), "4d 5");
  g_assert_false (iot_find_bar_find (bar, FALSE));
  g_assert_nonnull (strstr (status_text (window), "one hex digit"));

  /* A string in the bytes, then in the Info column: case-insensitive
   * unless asked. */
  select_frame (window, 0);
  iot_find_bar_set_mode (bar, IOT_FIND_STRING);
  iot_find_bar_set_scope (bar, IOT_FIND_IN_BYTES);
  g_assert_cmpuint (find (window, "SENSORS/", FALSE), ==, g_array_index (sensors, guint32, 0));
  iot_find_bar_set_case_sensitive (bar, TRUE);
  g_assert_cmpuint (find (window, "SENSORS/", FALSE), ==, 0);
  g_assert_nonnull (strstr (status_text (window), "No displayed packet matches"));
  iot_find_bar_set_scope (bar, IOT_FIND_IN_LIST);
  g_assert_cmpuint (find (window, "Ping Request", FALSE), ==, g_array_index (pings, guint32, 0));
  iot_find_bar_set_case_sensitive (bar, FALSE);
  g_assert_cmpuint (find (window, "ping request", TRUE), ==, g_array_index (pings, guint32, 0));

  /* In the tree: the match has a row with that text. */
  select_frame (window, 0);
  iot_find_bar_set_scope (bar, IOT_FIND_IN_TREE);
  {
    guint32 found = find (window, "Topic: sensors/", FALSE);
    IotPacket *pkt = iot_session_get_packet (iot_window_get_session (window));
    gboolean seen = FALSE;

    g_assert_cmpuint (found, !=, 0);
    for (guint i = 0; i < iot_packet_n_nodes (pkt) && !seen; i++)
      {
        const IotNode *node = iot_packet_node (pkt, i);

        seen = node->field != NULL && g_str_equal (node->field->abbrev, "mqtt.topic")
               && g_str_has_prefix ((const char *) node->v.p, "sensors/");
      }
    g_assert_true (seen);
    /* Nothing before it in frame order has such a topic. */
    {
      g_autoptr (GArray) topics = cli_numbers ("comments.pcapng", "mqtt.topic matches \"^sensors/\"");

      g_assert_cmpuint (found, ==, g_array_index (topics, guint32, 0));
    }
  }

  /* Only displayed frames are searched: behind a filter the ping is gone. */
  gui_test_apply_filter (window, "tcp.len == 0");
  iot_find_bar_set_scope (bar, IOT_FIND_IN_LIST);
  g_assert_cmpuint (find (window, "Ping Request", FALSE), ==, 0);
  gui_test_apply_filter (window, "mqtt");
  g_assert_cmpuint (find (window, "Ping Request", FALSE), ==, g_array_index (pings, guint32, 0));
  gui_test_apply_filter (window, "");
  /* In a sorted list, "next" follows the rows as shown (longest first),
   * not frame order. */
  {
    IotFrameList *frames = iot_session_get_frames (iot_window_get_session (window));
    gboolean sorted = FALSE;
    gulong id = g_signal_connect (iot_window_get_session (window), "sort-finished", G_CALLBACK (gui_test_flag_cb),
                                  &sorted);
    guint32 expected = 0;

    iot_session_sort (iot_window_get_session (window), IOT_COLUMN_LENGTH, TRUE);
    gui_test_wait_for (&sorted);
    g_signal_handler_disconnect (iot_window_get_session (window), id);
    select_frame (window, iot_frame_list_number_at (frames, 0));
    for (guint position = 1; expected == 0 && position < g_list_model_get_n_items (G_LIST_MODEL (frames)); position++)
      for (guint i = 0; i < publishes->len; i++)
        if (g_array_index (publishes, guint32, i) == iot_frame_list_number_at (frames, position))
          expected = iot_frame_list_number_at (frames, position);
    g_assert_cmpuint (expected, !=, g_array_index (publishes, guint32, 0));
    iot_find_bar_set_mode (bar, IOT_FIND_FILTER);
    g_assert_cmpuint (find (window, "mqtt.msgtype == 3", FALSE), ==, expected);
    iot_session_sort (iot_window_get_session (window), IOT_COLUMN_NUMBER, FALSE);
    gui_test_settle ();
  }

  /* A regular expression in the bytes; a wrong one names its column. */
  select_frame (window, 0);
  iot_find_bar_set_mode (bar, IOT_FIND_REGEX);
  iot_find_bar_set_scope (bar, IOT_FIND_IN_BYTES);
  {
    g_autoptr (GArray) regex = cli_numbers ("comments.pcapng", "frame matches \"sens[o]rs/[a-z]+\"");

    g_assert_cmpuint (regex->len, >, 0);
    g_assert_cmpuint (find (window, "sens[o]rs/[a-z]+", FALSE), ==, g_array_index (regex, guint32, 0));
  }
  gtk_editable_set_text (GTK_EDITABLE (iot_find_bar_get_entry (bar)), "sensors/(");
  g_assert_false (iot_find_bar_find (bar, FALSE));
  g_assert_nonnull (strstr (status_text (window), "column"));

  /* The picture: the bar after a display-filter search. */
  iot_find_bar_set_mode (bar, IOT_FIND_FILTER);
  select_frame (window, 0);
  find (window, "mqtt.topic contains \"temp\"", FALSE);
  save_screenshot (window, "find-bar.png");

  /* Escape's action: the bar goes away. */
  iot_find_bar_dismiss (bar);
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (gui_test_template_child (bar, IOT_TYPE_FIND_BAR, "revealer"))));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The row widget showing frame @number (its No. cell's parent's parent);
 * NULL when it is not on screen. */
static GtkWidget *
row_of (GtkWidget *widget, const char *number)
{
  if (GTK_IS_INSCRIPTION (widget) && g_strcmp0 (gtk_inscription_get_text (GTK_INSCRIPTION (widget)), number) == 0
      && gtk_widget_has_css_class (widget, "numeric") && gtk_inscription_get_xalign (GTK_INSCRIPTION (widget)) == 1.0f)
    return gtk_widget_get_parent (gtk_widget_get_parent (widget));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = row_of (child, number);

      if (row != NULL)
        return row;
    }
  return NULL;
}

static gboolean
row_has_class (IotWindow *window, guint32 number, const char *css_class)
{
  char text[16];
  GtkWidget *row;

  g_snprintf (text, sizeof text, "%u", number);
  row = row_of (GTK_WIDGET (iot_packet_list_get_view (iot_window_get_packet_list (window))), text);
  g_assert_nonnull (row);
  return gtk_widget_has_css_class (row, css_class);
}

static void
problem_cb (IotSession *session, const char *title, const char *detail, char **out)
{
  g_free (*out);
  *out = g_strdup (title);
}

static void
test_marks (void)
{
  IotWindow *window = gui_test_open_capture ("comments.pcapng");
  IotSession *session = iot_window_get_session (window);
  IotFile *file = iot_capture_file (iot_session_get_capture (session));
  IotPacketList *list = iot_window_get_packet_list (window);
  g_autofree char *dir = g_dir_make_tmp ("iotscope-marks-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "marked.pcapng", NULL);
  g_autofree char *fields = NULL;
  g_autoptr (GError) error = NULL;
  guint position;

  /* Ctrl+M on frames 5 and 9: their rows turn dark, 6's does not. */
  select_frame (window, 5);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "notes.mark", NULL));
  select_frame (window, 9);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "notes.mark", NULL));
  gui_test_settle ();
  g_assert_true (iot_file_frame_marked (file, 5));
  g_assert_cmpuint (iot_file_n_marked (file), ==, 2);
  g_assert_true (row_has_class (window, 5, "marked"));
  g_assert_true (row_has_class (window, 9, "marked"));
  g_assert_false (row_has_class (window, 6, "marked"));

  /* Next / previous mark go round. */
  select_frame (window, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "notes.mark-next", NULL));
  g_assert_cmpuint (iot_session_get_selected_frame (session), ==, 5);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "notes.mark-next", NULL));
  g_assert_cmpuint (iot_session_get_selected_frame (session), ==, 9);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "notes.mark-next", NULL));
  g_assert_cmpuint (iot_session_get_selected_frame (session), ==, 5);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "notes.mark-previous", NULL));
  g_assert_cmpuint (iot_session_get_selected_frame (session), ==, 9);

  /* The tree says so, and frame.marked filters them. */
  {
    IotPacket *pkt = iot_session_get_packet (session);
    gboolean marked = FALSE;

    for (guint i = 0; i < iot_packet_n_nodes (pkt); i++)
      {
        const IotNode *node = iot_packet_node (pkt, i);

        if (node->field != NULL && g_str_equal (node->field->abbrev, "frame.marked"))
          marked = node->v.u != 0;
      }
    g_assert_true (marked);
  }
  gui_test_apply_filter (window, "frame.marked == 1");
  g_assert_cmpuint (iot_session_get_n_displayed (session), ==, 2);
  g_assert_cmpuint (iot_frame_list_number_at (iot_session_get_frames (session), 0), ==, 5);
  g_assert_cmpuint (iot_frame_list_number_at (iot_session_get_frames (session), 1), ==, 9);

  /* Export Specified Frames, marked only: the CLI reads frames 5 and 9. */
  g_assert_true (iot_window_export_full (window, out, IOT_EXPORT_RANGE_MARKED, IOT_EXPORT_SECRETS_EMBED, &error));
  g_assert_no_error (error);
  {
    g_autofree char *theirs = gui_test_cli_run (out, "-T", "fields", "-e", "frame.len", NULL);
    g_autofree char *ours = NULL;
    g_autofree char *path = gui_test_capture_file ("comments.pcapng");

    ours = gui_test_cli_run (path, "-Y", "frame.number == 5 || frame.number == 9", "-T", "fields", "-e", "frame.len", NULL);
    g_assert_cmpstr (theirs, ==, ours);
  }

  /* Mark All Displayed on mqtt frames, Unmark All Displayed. */
  gui_test_apply_filter (window, "mqtt.msgtype == 3");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "notes.mark-displayed", NULL));
  g_assert_cmpuint (iot_file_n_marked (file), ==, 2 + iot_session_get_n_displayed (session));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "notes.unmark-displayed", NULL));
  g_assert_cmpuint (iot_file_n_marked (file), ==, 2);
  gui_test_apply_filter (window, "");

  /* Ctrl+D: frame 3 shows <Ignored>, its tree only says so, and it no
   * longer matches tcp; Ctrl+D again brings it back. */
  select_frame (window, 3);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "notes.ignore", NULL));
  gui_test_settle ();
  g_assert_true (iot_frame_list_find (iot_session_get_frames (session), 3, &position));
  {
    g_autofree char *info = iot_packet_list_dup_cell_text (list, position, IOT_COLUMN_INFO);
    IotPacket *pkt = iot_session_get_packet (session);

    g_assert_cmpstr (info, ==, "<Ignored>");
    g_assert_true (row_has_class (window, 3, "ignored"));
    g_assert_cmpuint (iot_packet_n_nodes (pkt), ==, 1);
    g_assert_cmpstr (iot_packet_node (pkt, 0)->field->abbrev, ==, "frame.ignored");
  }
  gui_test_apply_filter (window, "tcp && frame.number <= 3");
  g_assert_cmpuint (iot_session_get_n_displayed (session), ==, 2);
  gui_test_apply_filter (window, "frame.ignored == 1");
  g_assert_cmpuint (iot_session_get_n_displayed (session), ==, 1);
  g_assert_cmpuint (iot_frame_list_number_at (iot_session_get_frames (session), 0), ==, 3);
  gui_test_apply_filter (window, "");
  select_frame (window, 3);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "notes.ignore", NULL));
  gui_test_settle ();
  {
    g_autofree char *info = iot_packet_list_dup_cell_text (list, 2, IOT_COLUMN_INFO);

    g_assert_cmpstr (info, !=, "<Ignored>");
  }
  fields = gui_test_cli_run (out, "-T", "fields", "-e", "frame.number", NULL);
  g_assert_cmpstr (fields, ==, "1\n2\n");
  g_unlink (out);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The labels of the tree's rows that belong to "Packet comments". */
static char *
comment_rows (IotWindow *window)
{
  IotProtoTree *tree = iot_window_get_proto_tree (window);
  GListModel *rows = G_LIST_MODEL (iot_proto_tree_get_selection (tree));
  GString *out = g_string_new (NULL);

  iot_proto_tree_expand_all (tree);
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autofree char *label = iot_proto_tree_dup_label (tree, i, NULL);

      if (g_str_has_prefix (label, "Frame "))
        break;
      g_string_append_printf (out, "%s\n", label);
    }
  return g_string_free (out, FALSE);
}

/* Saves all frames to @path with Save As's answer to a pcap file: the
 * question comes, its button @response is clicked. */
static void
answer_save_question (IotWindow *window, const char *path, int response)
{
  GtkDialog *question;
  GtkWidget *button;

  iot_window_save (window, path, IOT_EXPORT_RANGE_ALL);
  question = iot_window_get_save_question (window);
  g_assert_nonnull (question);
  gui_test_settle ();
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (question)));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (question)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (question)) == GTK_WINDOW (window));
  button = gtk_dialog_get_widget_for_response (question, response);
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  if (response == IOT_SAVE_AS_PCAPNG && g_getenv ("IOTSCOPE_SCREENSHOT_DIR") != NULL)
    save_widget_screenshot (GTK_WIDGET (question), "save-comments-question.png");
  g_signal_emit_by_name (button, "clicked");
  gui_test_settle ();
  g_assert_null (iot_window_get_save_question (window));
}

static void
test_comments (void)
{
  IotWindow *window = gui_test_open_capture ("comments.pcapng");
  IotSession *session = iot_window_get_session (window);
  IotFile *file = iot_capture_file (iot_session_get_capture (session));
  g_autofree char *dir = g_dir_make_tmp ("iotscope-comments-XXXXXX", NULL);
  g_autofree char *pcapng = g_build_filename (dir, "saved.pcapng", NULL);
  g_autofree char *pcap = g_build_filename (dir, "saved.pcap", NULL);
  g_autofree char *problem = NULL;
  g_autofree char *rows = NULL;
  g_autofree char *saved = NULL;
  g_autoptr (GError) error = NULL;
  IotCommentDialog *dialog;

  /* The file's two comments on frame 4, at the top of the tree. */
  select_frame (window, 4);
  rows = comment_rows (window);
  g_assert_true (g_str_has_prefix (rows, "Packet comments\nCONNECT from mosquitto_pub\n"));
  g_assert_nonnull (strstr (rows, "second comment on the same frame, with a comma, inside\n"));
  g_assert_nonnull (strstr (rows, "Expert Info (Comment/Comment): CONNECT from mosquitto_pub"));

  /* Packet Comment… on frame 6 (none yet): a new one. */
  select_frame (window, 6);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "notes.comment", NULL));
  dialog = IOT_COMMENT_DIALOG (iot_window_notes_get_comment_dialog (window));
  g_assert_nonnull (dialog);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (gui_test_template_child (dialog, IOT_TYPE_COMMENT_DIALOG, "text_view"))),
                            "  Broker answers CONNACK late  ", -1);
  iot_comment_dialog_save (dialog);
  gui_test_settle ();
  g_assert_null (iot_window_notes_get_comment_dialog (window));
  g_clear_pointer (&rows, g_free);
  rows = comment_rows (window);
  g_assert_true (g_str_has_prefix (rows, "Packet comments\nBroker answers CONNACK late\n"));

  /* Edit frame 4's first comment; delete frame 1's. */
  select_frame (window, 4);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "notes.comment", NULL));
  dialog = IOT_COMMENT_DIALOG (iot_window_notes_get_comment_dialog (window));
  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (gui_test_template_child (dialog, IOT_TYPE_COMMENT_DIALOG, "text_view")));
    GtkTextIter start, end;
    g_autofree char *text = NULL;

    gtk_text_buffer_get_bounds (buffer, &start, &end);
    text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    g_assert_cmpstr (text, ==, "CONNECT from mosquitto_pub");
    gtk_text_buffer_set_text (buffer, "CONNECT, clean session", -1);
  }
  iot_comment_dialog_save (dialog);
  select_frame (window, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "notes.comment-delete", NULL));
  g_assert_null (iot_file_dup_frame_comments (file, 1));

  /* Filterable at once. */
  gui_test_apply_filter (window, "frame.comment contains \"CONNACK\" || frame.comment contains \"clean\"");
  g_assert_cmpuint (iot_session_get_n_displayed (session), ==, 2);
  gui_test_apply_filter (window, "frame.comment");
  g_assert_cmpuint (iot_session_get_n_displayed (session), ==, 5);

  /* The picture: a marked frame and a commented one, selected. */
  gui_test_apply_filter (window, "");
  select_frame (window, 5);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "notes.mark", NULL));
  select_frame (window, 8);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "notes.mark", NULL));
  select_frame (window, 4);
  g_free (comment_rows (window));
  save_screenshot (window, "marked-comments.png");

  /* Saved as pcapng: the CLI reads the edited comments back. */
  g_assert_true (iot_window_export_full (window, pcapng, IOT_EXPORT_RANGE_ALL, IOT_EXPORT_SECRETS_EMBED, &error));
  g_assert_no_error (error);
  saved = gui_test_cli_run (pcapng, "-Y", "frame.comment", "-T", "fields", "-e", "frame.number", "-e", "frame.comment", NULL);
  g_assert_cmpstr (saved, ==,
                   "4\tCONNECT, clean session,second comment on the same frame, with a comma, inside\n"
                   "6\tBroker answers CONNACK late\n"
                   "8\tTempérature reading — ünïcödé and “quotes”\n"
                   "20\tQoS 2 flow starts here,checked against the broker log\n"
                   "149\tlast frame\n");
  /* Saved as pcap: asked first, nothing written until answered. */
  g_unlink (pcapng);
  answer_save_question (window, pcap, GTK_RESPONSE_CANCEL);
  g_assert_false (g_file_test (pcap, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (pcapng, G_FILE_TEST_EXISTS));
  /* "Save as pcapng": the same name, as pcapng, comments and all. */
  answer_save_question (window, pcap, IOT_SAVE_AS_PCAPNG);
  g_assert_false (g_file_test (pcap, G_FILE_TEST_EXISTS));
  g_clear_pointer (&saved, g_free);
  saved = gui_test_cli_run (pcapng, "-Y", "frame.comment", "-T", "fields", "-e", "frame.number", NULL);
  g_assert_cmpstr (saved, ==, "4\n6\n8\n20\n149\n");
  g_clear_pointer (&saved, g_free);
  saved = gui_test_cli_run (pcapng, "-T", "fields", "-e", "frame.number", NULL);
  g_assert_cmpuint (gui_test_count_lines (saved), ==, 149);
  /* "Save without Comments": a pcap of every frame, no comment. */
  answer_save_question (window, pcap, IOT_SAVE_WITHOUT_COMMENTS);
  g_clear_pointer (&saved, g_free);
  saved = gui_test_cli_run (pcap, "-T", "fields", "-e", "frame.number", NULL);
  g_assert_cmpuint (gui_test_count_lines (saved), ==, 149);
  g_clear_pointer (&saved, g_free);
  saved = gui_test_cli_run (pcap, "-Y", "frame.comment", NULL);
  g_assert_cmpstr (saved, ==, "");
  g_unlink (pcap);
  /* Frames without comments go to pcap without a question. */
  select_frame (window, 2);
  g_signal_connect (session, "problem", G_CALLBACK (problem_cb), &problem);
  iot_window_save (window, pcap, IOT_EXPORT_RANGE_SELECTED);
  g_assert_null (iot_window_get_save_question (window));
  g_assert_null (problem);
  g_signal_handlers_disconnect_by_func (session, problem_cb, &problem);
  g_clear_pointer (&saved, g_free);
  saved = gui_test_cli_run (pcap, "-T", "fields", "-e", "frame.number", NULL);
  g_assert_cmpstr (saved, ==, "1\n");
  g_unlink (pcapng);
  g_unlink (pcap);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Runs @action on @window (or changes settings when @action is NULL:
 * the caller did) and waits until the capture is loaded again. */
static void
wait_reloaded (IotWindow *window, const char *action, GSettings *settings, const char *decode_as)
{
  IotSession *session = iot_window_get_session (window);
  gboolean loaded = FALSE;
  gulong id = g_signal_connect (session, "load-finished", G_CALLBACK (gui_test_flag_cb), &loaded);

  if (action != NULL)
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), action, NULL));
  else
    {
      const char *const specs[] = { decode_as, NULL };

      g_settings_set_strv (settings, "decode-as", decode_as != NULL ? specs : NULL);
    }
  gui_test_wait_for (&loaded);
  g_signal_handler_disconnect (session, id);
  gui_test_settle ();
}

static IotFile *
window_file (IotWindow *window)
{
  return iot_capture_file (iot_session_get_capture (iot_window_get_session (window)));
}

/* The notes of comments.pcapng after the edits of test_reload_keeps_notes. */
static void
assert_notes_kept (IotWindow *window)
{
  IotFile *file = window_file (window);
  g_auto (GStrv) six = iot_file_dup_frame_comments (file, 6);
  g_auto (GStrv) eight = iot_file_dup_frame_comments (file, 8);
  g_auto (GStrv) four = iot_file_dup_frame_comments (file, 4);

  g_assert_cmpuint (iot_file_n_marked (file), ==, 2);
  g_assert_true (iot_file_frame_marked (file, 5));
  g_assert_true (iot_file_frame_marked (file, 9));
  g_assert_cmpuint (iot_file_n_ignored (file), ==, 1);
  g_assert_true (iot_file_frame_ignored (file, 7));
  g_assert_nonnull (six);
  g_assert_cmpstr (six[0], ==, "Kept across reloads");
  g_assert_null (four);                /* the file's two comments, deleted */
  g_assert_nonnull (eight);            /* the file's own, untouched */
  g_assert_true (g_str_has_prefix (eight[0], "Temp"));
  /* Rows and filters see them at once. */
  g_assert_true (row_has_class (window, 5, "marked"));
  gui_test_apply_filter (window, "frame.marked == 1");
  g_assert_cmpuint (iot_session_get_n_displayed (iot_window_get_session (window)), ==, 2);
  gui_test_apply_filter (window, "frame.comment contains \"reloads\"");
  g_assert_cmpuint (iot_session_get_n_displayed (iot_window_get_session (window)), ==, 1);
  g_assert_cmpuint (iot_frame_list_number_at (iot_session_get_frames (iot_window_get_session (window)), 0), ==, 6);
  gui_test_apply_filter (window, "");
}

/* Marks, ignores and comment edits survive File > Reload and the new
 * dissection a Decode As change starts; they go with another file, and
 * the frames a rewrite of the same file changed lose theirs. */
static void
test_reload_keeps_notes (void)
{
  g_autofree char *original = gui_test_capture_file ("comments.pcapng");
  g_autofree char *other = gui_test_capture_file ("mqtt5.pcap");
  g_autofree char *dir = g_dir_make_tmp ("iotscope-reload-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "reloaded.pcapng", NULL);
  g_autoptr (GSettings) settings = g_settings_new ("org.iotscope.Iotscope");
  g_autofree char *contents = NULL;
  gsize length = 0;
  const char *const comment[] = { "Kept across reloads", NULL };
  IotWindow *window;
  IotFile *before;

  g_settings_reset (settings, "decode-as");
  g_assert_true (g_file_get_contents (original, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (path, contents, length, NULL));
  window = gui_test_open_window (path, settings);
  select_frame (window, 5);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "notes.mark", NULL));
  select_frame (window, 9);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "notes.mark", NULL));
  select_frame (window, 7);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "notes.ignore", NULL));
  select_frame (window, 4);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "notes.comment-delete", NULL));
  iot_file_set_frame_comments (window_file (window), 6, comment);
  iot_session_notes_changed (iot_window_get_session (window), 6);

  /* File > Reload: a new frame store, the same notes. */
  before = window_file (window);
  wait_reloaded (window, "win.reload", NULL, NULL);
  g_assert_true (window_file (window) != before);
  assert_notes_kept (window);

  /* Decode As dissects again (MQTT's port as HTTP), and back. */
  wait_reloaded (window, NULL, settings, "tcp.port==1883,http");
  assert_notes_kept (window);
  wait_reloaded (window, NULL, settings, NULL);
  assert_notes_kept (window);

  /* The file rewritten with other frames: no frame keeps a note. */
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (other, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (path, contents, length, NULL));
  wait_reloaded (window, "win.reload", NULL, NULL);
  g_assert_cmpuint (iot_file_n_marked (window_file (window)), ==, 0);
  g_assert_cmpuint (iot_file_n_ignored (window_file (window)), ==, 0);
  g_assert_false (iot_file_comments_edited (window_file (window)));

  /* Another file, then this one again: opened afresh, without notes. */
  iot_file_set_frame_marked (window_file (window), 3, TRUE);
  {
    g_autoptr (GFile) first = g_file_new_for_path (original);
    g_autoptr (GFile) again = g_file_new_for_path (path);
    IotSession *session = iot_window_get_session (window);

    iot_window_open (window, first);
    gui_test_wait_signal (session, "load-finished");
    iot_window_open (window, again);
    gui_test_wait_signal (session, "load-finished");
    g_assert_cmpuint (iot_file_n_marked (window_file (window)), ==, 0);
  }
  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (settings, "decode-as");
  g_unlink (path);
  g_rmdir (dir);
}

/* Measures the longest gap between two runs of the main loop. */
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

/* On a big capture (IOTSCOPE_FIND_BIG_CAPTURE, e.g. a million frames from
 * tests/bench/gen-capture.py; skipped without it, too slow for CI), a
 * search through every frame keeps the main loop running: the longest
 * gap is printed and must stay under the filter bar test's limit. */
static void
test_big_capture (void)
{
  const char *path = g_getenv ("IOTSCOPE_FIND_BIG_CAPTURE");
  IotWindow *window;
  IotFindBar *bar;
  IotSession *session;
  Probe probe;
  guint tick, found = G_MAXUINT;
  gint64 started;
  g_autofree char *last = NULL;

  if (path == NULL)
    {
      g_test_skip ("set IOTSCOPE_FIND_BIG_CAPTURE to a big capture to run this");
      return;
    }
  window = gui_test_open_window (path, NULL);
  bar = IOT_FIND_BAR (gui_test_window_child (window, "find_bar"));
  session = iot_window_get_session (window);
  last = g_strdup_printf ("frame.number == %u", iot_session_get_n_total (session));
  iot_find_bar_reveal (bar);
  iot_find_bar_set_mode (bar, IOT_FIND_FILTER);
  select_frame (window, 1);
  gtk_editable_set_text (GTK_EDITABLE (iot_find_bar_get_entry (bar)), last);
  g_signal_connect (bar, "search-finished", G_CALLBACK (found_cb), &found);
  probe.last = started = g_get_monotonic_time ();
  probe.max_gap = 0;
  tick = g_timeout_add (5, probe_tick_cb, &probe);
  g_assert_true (iot_find_bar_find (bar, FALSE));
  while (found == G_MAXUINT)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  g_test_message ("%u frames searched in %.2f s; longest main-loop gap %.1f ms",
                  iot_session_get_n_total (session), (g_get_monotonic_time () - started) / 1e6,
                  probe.max_gap / 1000.0);
  g_assert_cmpuint (found, ==, iot_session_get_n_total (session));
  g_assert_cmpint (probe.max_gap, <, 750 * 1000);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The shortcuts window lists the shortcuts this window adds. */
static gboolean
lists_accelerator (GtkWidget *widget, const char *accelerator)
{
  g_autofree char *value = NULL;

  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      g_object_get (widget, "accelerator", &value, NULL);
      if (g_strcmp0 (value, accelerator) == 0)
        return TRUE;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (lists_accelerator (child, accelerator))
      return TRUE;
  return FALSE;
}

static void
test_shortcuts_listed (void)
{
  g_autoptr (GtkBuilder) builder = gtk_builder_new_from_resource ("/org/iotscope/Iotscope/gtk/help-overlay.ui");
  GtkWidget *overlay = GTK_WIDGET (gtk_builder_get_object (builder, "help_overlay"));
  const char *const accelerators[] = {
    "<Control>f", "<Control>n", "<Control>b", "<Control>m", "<Shift><Control>n", "<Control>d", "<Control><Alt>c",
  };

  g_assert_nonnull (overlay);
  for (guint i = 0; i < G_N_ELEMENTS (accelerators); i++)
    g_assert_true (lists_accelerator (overlay, accelerators[i]));
  gtk_window_destroy (GTK_WINDOW (overlay));
}

int
main (int argc, char **argv)
{
  g_autoptr (GtkCssProvider) style = NULL;

  gui_test_init (&argc, &argv);
  /* The application's style sheet, as the program loads it: the marked
   * and ignored rows' look comes from it. */
  style = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (style, "/org/iotscope/Iotscope/ui/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (style),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_test_add_func ("/find-notes/find", test_find);
  g_test_add_func ("/find-notes/marks", test_marks);
  g_test_add_func ("/find-notes/comments", test_comments);
  g_test_add_func ("/find-notes/reload-keeps-notes", test_reload_keeps_notes);
  g_test_add_func ("/find-notes/shortcuts-listed", test_shortcuts_listed);
  g_test_add_func ("/find-notes/big-capture", test_big_capture);
  return g_test_run ();
}
