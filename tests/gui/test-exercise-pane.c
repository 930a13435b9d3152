/* test-exercise-pane.c — a student works through the bundled "MQTT basics"
 * pack in the Exercise pane: a near-miss filter taken from the filter bar
 * with "Use current filter" gets "too few" feedback, an equivalent filter
 * spelt differently is accepted, a count and a choice are checked, a hint
 * is shown, progress and score follow, the answers are autosaved and come
 * back in a new window.  Run under Xvfb (run-xvfb.sh) with the built pack
 * as argument; a second argument, a folder, receives screenshots of the
 * window (exercise-pane.png, exercise-hidden-field.png). */
#include <string.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "gui-test-util.h"
#include "iot-app-test.h"
#include "iot-app-script.h"
#include "iot-application-private.h"
#include "iot-exercise.h"
#include "iot-exercise-add-dialog.h"
#include "iot-exercise-editor.h"
#include "iot-exercise-pane.h"

static const char *pack_path;
static const char *screenshot_path;

/* The widgets of the pane's and the Add to Exercise dialog's templates,
 * by their ids in the .ui files. */
static GtkWidget *
pane_child (IotExercisePane *pane, const char *name)
{
  return gui_test_template_child (pane, IOT_TYPE_EXERCISE_PANE, name);
}

static GtkWidget *
add_dialog_child (IotExerciseAddDialog *dialog, const char *name)
{
  return gui_test_template_child (dialog, IOT_TYPE_EXERCISE_ADD_DIALOG, name);
}

static IotExercisePane *
open_pack (IotWindow **window_out)
{
  g_autoptr (GError) error = NULL;
  IotWindow *window = iot_window_new (NULL, NULL);
  IotExercisePane *pane;
  gboolean loaded = FALSE;
  gulong id;

  iot_window_set_show_dialogs (window, FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), 1300, 860);
  gtk_window_present (GTK_WINDOW (window));
  id = g_signal_connect (iot_window_get_session (window), "load-finished", G_CALLBACK (gui_test_flag_cb), &loaded);
  pane = iot_window_open_exercise (window, pack_path, &error);
  g_assert_no_error (error);
  g_assert_true (IOT_IS_EXERCISE_PANE (pane));
  gui_test_wait_for (&loaded);
  g_signal_handler_disconnect (iot_window_get_session (window), id);
  gui_test_settle ();
  *window_out = window;
  return pane;
}

/* With a screenshot folder given: the window as the student sees it now. */
static void
maybe_screenshot_widget (GtkWidget *widget, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;

  if (screenshot_path == NULL)
    return;
  path = g_build_filename (screenshot_path, name, NULL);
  gui_test_settle ();
  g_assert_true (iot_app_script_save_screenshot (widget, path, &error));
  g_assert_no_error (error);
}

static void
maybe_screenshot (IotWindow *window, const char *name)
{
  maybe_screenshot_widget (GTK_WIDGET (window), name);
}

static void
click (GtkButton *button)
{
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (button)));
  g_signal_emit_by_name (button, "clicked");
  gui_test_settle ();
}

static const char *
feedback (IotExercisePane *pane, guint index)
{
  GtkLabel *label = iot_exercise_pane_get_feedback (pane, index);

  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (label)));
  return gtk_label_get_text (label);
}

static void
test_student (void)
{
  IotWindow *window = NULL;
  IotExercisePane *pane = open_pack (&window);
  g_autoptr (IotExerciseAnswers) saved = NULL;
  g_autoptr (GError) error = NULL;
  GtkEditable *filter_answer;

  g_assert_cmpuint (iot_exercise_pane_get_n_questions (pane), ==, 8);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (pane_child (pane, "score_label"))), ==,
                   "0 of 8 answered correctly · score 0 / 8");
  /* The pane sits in the window, beside the packet list, on the pack's capture. */
  g_assert_true (gtk_widget_is_ancestor (GTK_WIDGET (pane), GTK_WIDGET (window)));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (pane)));
  g_assert_true (g_str_has_suffix (iot_session_get_path (iot_window_get_session (window)), ".pcap"));
  g_assert_nonnull (strstr (iot_session_get_path (iot_window_get_session (window)), "mqtt-basics-mqtt"));
  /* Only filter questions take the current filter. */
  g_assert_null (iot_exercise_pane_get_use_filter_button (pane, 1));

  /* A near miss typed in the filter bar: the QoS 0 PUBLISHes are missing. */
  gui_test_apply_filter (window, "mqtt.msgtype == 3 && mqtt.qos >= 1");
  click (iot_exercise_pane_get_use_filter_button (pane, 0));
  filter_answer = iot_exercise_pane_get_answer (pane, 0);
  g_assert_cmpstr (gtk_editable_get_text (filter_answer), ==, "mqtt.msgtype == 3 && mqtt.qos >= 1");
  click (iot_exercise_pane_get_check_button (pane, 0));
  g_assert_cmpstr (feedback (pane, 0), ==,
                   "Not quite: your filter selects 2 frames too few (for example frame 18 is missing).");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (iot_exercise_pane_get_feedback (pane, 0)), "error"));
  maybe_screenshot (window, "exercise-pane.png");

  /* The same frames as the reference, spelt differently. */
  gui_test_apply_filter (window, "mqtt.msgtype eq 3 and mqtt");
  click (iot_exercise_pane_get_use_filter_button (pane, 0));
  click (iot_exercise_pane_get_check_button (pane, 0));
  g_assert_true (g_str_has_prefix (feedback (pane, 0), "Correct. mqtt.msgtype == 3 selects PUBLISH packets"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (iot_exercise_pane_get_feedback (pane, 0)), "success"));

  /* A count, a wrong frame, a choice by letter, a hint. */
  gtk_editable_set_text (iot_exercise_pane_get_answer (pane, 1), "9");
  click (iot_exercise_pane_get_check_button (pane, 1));
  g_assert_true (g_str_has_prefix (feedback (pane, 1), "Correct."));
  gtk_editable_set_text (iot_exercise_pane_get_answer (pane, 3), "143");
  click (iot_exercise_pane_get_check_button (pane, 3));
  g_assert_cmpstr (feedback (pane, 3), ==, "Not the right answer yet.");
  gtk_editable_set_text (iot_exercise_pane_get_answer (pane, 4), "A");
  click (iot_exercise_pane_get_check_button (pane, 4));
  g_assert_true (g_str_has_prefix (feedback (pane, 4), "Correct. QoS 1 (at least once)"));
  click (iot_exercise_pane_get_hint_button (pane, 6));
  g_assert_cmpstr (feedback (pane, 6), ==, "Look at the packets that follow it: which acknowledgements does it get?");

  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (pane_child (pane, "score_label"))), ==,
                   "3 of 8 answered correctly · score 3 / 8");

  /* The hidden field: no value in the tree until it is answered. */
  {
    g_autoptr (IotExercisePack) pack = iot_exercise_pack_load (pack_path, &error);
    guint capture = iot_exercise_pack_capture_for (pack, g_get_user_name ());
    guint32 frame = iot_question_hidden_frame (iot_exercise_pack_question (pack, 6),
                                               iot_exercise_pack_capture_id (pack, capture));
    IotProtoTree *tree = iot_window_get_proto_tree (window);
    g_autofree char *masked = NULL;
    g_autofree char *summary = NULL;
    g_autofree char *shown = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (frame, ==, 49);
    gui_test_apply_filter (window, "");
    g_assert_true (iot_window_go_to_frame (window, frame));
    gui_test_settle ();
    iot_proto_tree_collapse_all (tree);
    masked = iot_proto_tree_dup_row_label (tree, "mqtt.qos");
    g_assert_cmpstr (masked, ==, "QoS Level: ●●● (hidden: an exercise asks for it)");
    /* Nor in the row that sums the flags up. */
    summary = iot_proto_tree_dup_row_label (tree, "mqtt.hdrflags");
    g_assert_cmpstr (summary, ==, "Header Flags: ●●● (hides an exercise's answer)");
    maybe_screenshot (window, "exercise-hidden-field.png");
    gtk_editable_set_text (iot_exercise_pane_get_answer (pane, 6), "2");
    click (iot_exercise_pane_get_check_button (pane, 6));
    g_assert_true (g_str_has_prefix (feedback (pane, 6), "Correct."));
    shown = iot_proto_tree_dup_row_label (tree, "mqtt.qos");
    g_assert_nonnull (shown);
    g_assert_null (strstr (shown, "hidden"));
    g_assert_nonnull (strstr (shown, "(2)"));
    g_free (summary);
    summary = iot_proto_tree_dup_row_label (tree, "mqtt.hdrflags");
    g_assert_nonnull (strstr (summary, "Exactly once delivery"));
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (pane_child (pane, "score_label"))), ==,
                     "4 of 8 answered correctly · score 4 / 8");
  }
  g_assert_cmpfloat_with_epsilon (gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (pane_child (pane, "progress_bar"))), 4.0 / 8,
                                  1e-9);

  /* Autosaved, in the format the CLI grades. */
  saved = iot_exercise_answers_load (iot_exercise_pane_get_answers_path (pane), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (saved->pack_id, ==, "mqtt-basics");
  g_assert_cmpstr (saved->student, ==, g_get_user_name ());
  g_assert_cmpstr (g_hash_table_lookup (saved->answers, "publish-filter"), ==, "mqtt.msgtype eq 3 and mqtt");
  g_assert_cmpstr (g_hash_table_lookup (saved->answers, "pingreq-frame"), ==, "143");
  g_assert_cmpstr (g_hash_table_lookup (saved->answers, "qos1-ack"), ==, "A");

  gtk_window_destroy (GTK_WINDOW (window));
  gui_test_settle ();

  /* A new window on the same pack brings the answers back. */
  pane = open_pack (&window);
  g_assert_cmpstr (gtk_editable_get_text (iot_exercise_pane_get_answer (pane, 0)), ==, "mqtt.msgtype eq 3 and mqtt");
  g_assert_cmpstr (gtk_editable_get_text (iot_exercise_pane_get_answer (pane, 1)), ==, "9");
  g_assert_cmpstr (gtk_editable_get_text (iot_exercise_pane_get_answer (pane, 2)), ==, "");
  gtk_window_destroy (GTK_WINDOW (window));
  gui_test_settle ();
}

static int
node_of_field (IotPacket *pkt, const char *abbrev)
{
  for (guint i = 0; i < iot_packet_n_nodes (pkt); i++)
    {
      const IotNode *node = iot_packet_node (pkt, i);

      if (node->field != NULL && g_str_equal (node->field->abbrev, abbrev))
        return (int) i;
    }
  return -1;
}

static IotExerciseAddDialog *
add_dialog (IotWindow *window)
{
  IotExerciseAddDialog *dialog = iot_exercise_add_dialog_new (window);

  gtk_window_present (GTK_WINDOW (dialog));
  gui_test_settle ();
  return dialog;
}

/* A teacher makes questions from the current filter and a tree field; the
 * source builds into a pack that accepts the right answers. */
static void
test_teacher (void)
{
  IotWindow *window = gui_test_open_capture ("tcp-rst-reconnect.pcap");
  IotSession *session = iot_window_get_session (window);
  g_autofree char *dir = g_dir_make_tmp ("exercise-source-XXXXXX", NULL);
  g_autofree char *source = g_build_filename (dir, "lab.source.json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (IotExercisePack) pack = NULL;
  g_autoptr (IotExerciseSession) checker = NULL;
  IotExerciseAddDialog *dialog;
  const char *status;
  int node;

  /* From the current filter. */
  gui_test_apply_filter (window, "tcp.flags.reset == 1");
  dialog = add_dialog (window);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (add_dialog_child (dialog, "kind_dropdown"))), ==, 0);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (add_dialog_child (dialog, "reference_label"))), ==,
                   "Reference: the filter tcp.flags.reset == 1");
  gtk_editable_set_text (GTK_EDITABLE (add_dialog_child (dialog, "source_entry")), source);
  g_assert_false (iot_exercise_add_dialog_add (dialog));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (add_dialog_child (dialog, "status_label"))), ==,
                   "Not added: the question needs a text");
  gtk_editable_set_text (GTK_EDITABLE (add_dialog_child (dialog, "text_entry")), "Show the frames that reset a connection.");
  g_assert_true (iot_exercise_add_dialog_add (dialog));
  status = gtk_label_get_text (GTK_LABEL (add_dialog_child (dialog, "status_label")));
  g_assert_true (g_str_has_prefix (status, "Added question q1 to "));
  maybe_screenshot_widget (GTK_WIDGET (dialog), "exercise-add-dialog.png");
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* From a field selected in the tree. */
  gui_test_apply_filter (window, "");
  g_assert_true (iot_window_go_to_frame (window, 8));
  gui_test_settle ();
  node = node_of_field (iot_session_get_packet (session), "mqtt.topic");
  g_assert_cmpint (node, >=, 0);
  iot_session_select_node (session, node);
  gui_test_settle ();
  dialog = add_dialog (window);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (add_dialog_child (dialog, "kind_dropdown"))), ==, 3);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (add_dialog_child (dialog, "reference_label"))), ==,
                   "Reference: mqtt.topic at frame 8");
  gtk_editable_set_text (GTK_EDITABLE (add_dialog_child (dialog, "source_entry")), source);
  gtk_editable_set_text (GTK_EDITABLE (add_dialog_child (dialog, "text_entry")), "Which topic does the lost reading go to?");
  g_assert_true (iot_exercise_add_dialog_add (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* The source builds; the pack accepts the answers the capture gives. */
  pack = iot_exercise_pack_build (source, "s3cret-teacher", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (iot_exercise_pack_n_questions (pack), ==, 2);
  checker = iot_exercise_session_new (pack, 0, &error);
  g_assert_no_error (error);
  {
    g_autoptr (IotExerciseResult) filter = iot_exercise_session_check (checker, 0, "tcp.flags.reset eq 1 and tcp");
    g_autoptr (IotExerciseResult) topic = iot_exercise_session_check (checker, 1, "plant/valve/state");
    g_autoptr (IotExerciseResult) wrong = iot_exercise_session_check (checker, 0, "tcp.flags.fin == 1");

    g_assert_true (filter->correct);
    g_assert_true (topic->correct);
    g_assert_false (wrong->correct);
    g_assert_cmpuint (wrong->n_missing, ==, 1);
    g_assert_cmpuint (wrong->example_missing, ==, 10);
  }

  /* The editor: reorder, edit, save, preview as a student. */
  {
    IotExerciseEditor *editor = iot_exercise_editor_new (window, source, &error);
    g_autoptr (IotExerciseSource) saved = NULL;
    IotExercisePane *pane;

    g_assert_no_error (error);
    gtk_window_present (GTK_WINDOW (editor));
    gui_test_settle ();
    g_assert_cmpuint (iot_exercise_editor_get_n_rows (editor), ==, 2);
    g_assert_cmpstr (gtk_label_get_text (iot_exercise_editor_get_heading (editor, 0)), ==,
                     "1 · q1 · filter · reference: filter tcp.flags.reset == 1");
    g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (iot_exercise_editor_get_up_button (editor, 0))));
    gtk_editable_set_text (iot_exercise_editor_get_text (editor, 1), "What topic did the device publish to?");
    click (iot_exercise_editor_get_up_button (editor, 1));
    g_assert_cmpstr (gtk_label_get_text (iot_exercise_editor_get_heading (editor, 0)), ==,
                     "1 · q2 · value mqtt.topic · reference: frame 8");
    g_assert_cmpstr (gtk_editable_get_text (iot_exercise_editor_get_text (editor, 0)), ==,
                     "What topic did the device publish to?");
    g_assert_true (iot_exercise_editor_save (editor));
    saved = iot_exercise_source_load (source, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (iot_exercise_source_get (saved, 0, "id"), ==, "q2");
    g_assert_cmpstr (iot_exercise_source_get (saved, 0, "text"), ==, "What topic did the device publish to?");
    g_assert_cmpstr (iot_exercise_source_get (saved, 1, "id"), ==, "q1");
    maybe_screenshot_widget (GTK_WIDGET (editor), "exercise-editor.png");
    g_assert_true (iot_exercise_editor_preview (editor));
    gui_test_settle ();
    pane = g_object_get_data (G_OBJECT (window), "iot-exercise-pane");
    g_assert_true (IOT_IS_EXERCISE_PANE (pane));
    g_assert_cmpuint (iot_exercise_pane_get_n_questions (pane), ==, 2);
    gtk_editable_set_text (iot_exercise_pane_get_answer (pane, 0), "plant/valve/state");
    click (iot_exercise_pane_get_check_button (pane, 0));
    g_assert_true (g_str_has_prefix (gtk_label_get_text (iot_exercise_pane_get_feedback (pane, 0)), "Correct."));
    gtk_editable_set_text (iot_exercise_pane_get_answer (pane, 1), "tcp.flags.fin == 1");
    click (iot_exercise_pane_get_check_button (pane, 1));
    g_assert_cmpstr (gtk_label_get_text (iot_exercise_pane_get_feedback (pane, 1)), ==,
                     "Not quite: your filter selects 2 frames too many (for example frame 22) and 1 frame too few "
                     "(for example frame 10 is missing).");
    click (iot_exercise_editor_get_remove_button (editor, 1));
    g_assert_cmpuint (iot_exercise_editor_get_n_rows (editor), ==, 1);
    g_assert_true (iot_exercise_editor_save (editor));
    gtk_window_destroy (GTK_WINDOW (editor));
  }
  g_unlink (source);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (window));
  gui_test_settle ();
}

int
main (int argc, char **argv)
{
  g_autofree char *home = g_dir_make_tmp ("exercise-pane-XXXXXX", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *cache = g_build_filename (home, "cache", NULL);

  /* Before GLib reads them: the answers land in a throw-away folder. */
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  gui_test_init (&argc, &argv);
  /* The application's style sheet, so feedback shows in its colours. */
  {
    g_autoptr (GtkCssProvider) provider = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (provider, "/org/iotscope/Iotscope/ui/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  g_assert_cmpint (argc, >=, 2);
  pack_path = argv[1];
  screenshot_path = argc > 2 ? argv[2] : NULL;
  g_test_add_func ("/exercise-pane/student", test_student);
  g_test_add_func ("/exercise-pane/teacher", test_teacher);
  return g_test_run ();
}
