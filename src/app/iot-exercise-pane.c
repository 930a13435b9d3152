/* iot-exercise-pane.c — the student's side of an exercise pack.
 *
 * The pane checks answers with its own IotExerciseSession on the same
 * capture the window shows (the pack's bytes, written once to the cache
 * folder so the window opens them like any file).  Answers are saved to
 * $XDG_DATA_HOME/iotscope/exercises/<pack>/<user>.json on every Check and
 * whenever an entry loses its text focus, in the format iotscope-cli
 * --answers grades. */
#include <glib/gstdio.h>

#include "iot-exercise-add-dialog.h"
#include "iot-app-test.h"
#include "iot-exercise-editor.h"
#include "iot-exercise-pane.h"

#include <glib/gi18n.h>
#include "iot-exercise.h"

typedef struct {
  GtkWidget *entry;
  GtkWidget *check;
  GtkWidget *hint;
  GtkWidget *use_filter;
  GtkWidget *feedback;
  gboolean   correct;
} QuestionRow;

struct _IotExercisePane {
  GtkBox              parent_instance;

  GtkLabel           *title_label;
  GtkLabel           *description_label;
  GtkProgressBar     *progress_bar;
  GtkLabel           *score_label;
  GtkBox             *questions_box;
  GtkLabel           *saved_label;

  IotWindow          *window;     /* not owned: the window owns the pane */
  IotExercisePack    *pack;
  IotExerciseSession *session;
  IotExerciseAnswers *answers;
  char               *answers_path;
  GArray             *rows;       /* QuestionRow */
};

G_DEFINE_FINAL_TYPE (IotExercisePane, iot_exercise_pane, GTK_TYPE_BOX)

static void
iot_exercise_pane_dispose (GObject *object)
{
  IotExercisePane *self = IOT_EXERCISE_PANE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), IOT_TYPE_EXERCISE_PANE);
  G_OBJECT_CLASS (iot_exercise_pane_parent_class)->dispose (object);
}

static void
iot_exercise_pane_finalize (GObject *object)
{
  IotExercisePane *self = IOT_EXERCISE_PANE (object);

  iot_exercise_session_free (self->session);
  iot_exercise_pack_free (self->pack);
  iot_exercise_answers_free (self->answers);
  g_free (self->answers_path);
  g_array_unref (self->rows);
  G_OBJECT_CLASS (iot_exercise_pane_parent_class)->finalize (object);
}

static void
iot_exercise_pane_class_init (IotExercisePaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = iot_exercise_pane_dispose;
  object_class->finalize = iot_exercise_pane_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-exercise-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, IotExercisePane, title_label);
  gtk_widget_class_bind_template_child (widget_class, IotExercisePane, description_label);
  gtk_widget_class_bind_template_child (widget_class, IotExercisePane, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, IotExercisePane, score_label);
  gtk_widget_class_bind_template_child (widget_class, IotExercisePane, questions_box);
  gtk_widget_class_bind_template_child (widget_class, IotExercisePane, saved_label);
}

static void
iot_exercise_pane_init (IotExercisePane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_array_new (FALSE, TRUE, sizeof (QuestionRow));
}

static QuestionRow *
row_at (IotExercisePane *self, guint index)
{
  g_return_val_if_fail (index < self->rows->len, NULL);
  return &g_array_index (self->rows, QuestionRow, index);
}

/* ---- progress and autosave ------------------------------------------------ */

static void
update_progress (IotExercisePane *self)
{
  guint n = self->rows->len, right = 0, score = 0;
  g_autofree char *text = NULL;

  for (guint i = 0; i < n; i++)
    if (row_at (self, i)->correct)
      {
        right++;
        score += iot_question_points (iot_exercise_pack_question (self->pack, i));
      }
  gtk_progress_bar_set_fraction (self->progress_bar, n > 0 ? (double) right / n : 0);
  text = g_strdup_printf (_("%u of %u answered correctly · score %u / %u"), right, n, score,
                          iot_exercise_pack_total_points (self->pack));
  gtk_label_set_text (self->score_label, text);
}

static void
save_answers (IotExercisePane *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  for (guint i = 0; i < self->rows->len; i++)
    {
      const char *id = iot_question_id (iot_exercise_pack_question (self->pack, i));
      const char *answer = gtk_editable_get_text (GTK_EDITABLE (row_at (self, i)->entry));

      if (*answer != '\0')
        g_hash_table_replace (self->answers->answers, g_strdup (id), g_strdup (answer));
      else
        g_hash_table_remove (self->answers->answers, id);
    }
  if (iot_exercise_answers_save (self->answers, self->answers_path, &error))
    text = g_strdup_printf (_("Answers saved to %s"), self->answers_path);
  else
    text = g_strdup_printf (_("Answers not saved: %s"), error->message);
  gtk_label_set_text (self->saved_label, text);
}

/* ---- one question ------------------------------------------------------- */

static void
show_feedback (QuestionRow *row, const char *text, const char *css_class)
{
  gtk_label_set_text (GTK_LABEL (row->feedback), text);
  gtk_widget_remove_css_class (row->feedback, "success");
  gtk_widget_remove_css_class (row->feedback, "error");
  gtk_widget_remove_css_class (row->feedback, "dim-label");
  gtk_widget_add_css_class (row->feedback, css_class);
  gtk_widget_set_visible (row->feedback, TRUE);
}

static guint
row_index (IotExercisePane *self, GtkWidget *widget)
{
  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (widget), "question-index"));
}

/* Hidden-field questions not yet answered keep their field's value out of
 * the tree. */
static void
set_masks (IotExercisePane *self, gboolean keep_unanswered)
{
  IotProtoTree *tree = iot_window_get_proto_tree (self->window);
  const char *capture;

  if (self->session == NULL)
    return;
  capture = iot_exercise_session_capture_id (self->session);
  for (guint i = 0; i < self->rows->len; i++)
    {
      const IotQuestion *question = iot_exercise_pack_question (self->pack, i);
      guint32 frame = iot_question_hidden_frame (question, capture);

      if (iot_question_kind (question) == IOT_QUESTION_HIDDEN_FIELD && frame != 0)
        iot_proto_tree_set_masked_field (tree, frame, iot_question_field (question),
                                         keep_unanswered && !row_at (self, i)->correct);
    }
}

static void
update_masks (IotExercisePane *self)
{
  set_masks (self, TRUE);
}

static void
check_clicked_cb (GtkButton *button, IotExercisePane *self)
{
  guint index = row_index (self, GTK_WIDGET (button));
  QuestionRow *row = row_at (self, index);
  g_autoptr (IotExerciseResult) result =
    iot_exercise_session_check (self->session, index, gtk_editable_get_text (GTK_EDITABLE (row->entry)));

  row->correct = result->correct;
  show_feedback (row, result->feedback, result->correct ? "success" : "error");
  /* A filter answer that misses frames: show the first one to look at. */
  if (!result->correct && (result->example_missing != 0 || result->example_extra != 0))
    iot_window_go_to_frame (self->window, result->example_extra ? result->example_extra : result->example_missing);
  update_progress (self);
  update_masks (self);
  save_answers (self);
}

static void
hint_clicked_cb (GtkButton *button, IotExercisePane *self)
{
  guint index = row_index (self, GTK_WIDGET (button));
  const char *hint = iot_question_hint (iot_exercise_pack_question (self->pack, index));

  show_feedback (row_at (self, index), hint ? hint : _("No hint for this one."), "dim-label");
}

static void
use_filter_clicked_cb (GtkButton *button, IotExercisePane *self)
{
  guint index = row_index (self, GTK_WIDGET (button));
  const char *filter = iot_session_get_filter_text (iot_window_get_session (self->window));

  gtk_editable_set_text (GTK_EDITABLE (row_at (self, index)->entry), filter ? filter : "");
}

static void
entry_activate_cb (GtkEntry *entry, IotExercisePane *self)
{
  check_clicked_cb (GTK_BUTTON (row_at (self, row_index (self, GTK_WIDGET (entry)))->check), self);
}

static char *
question_label_text (const IotQuestion *question, guint index, const char *capture)
{
  GString *text = g_string_new (NULL);
  const char *const *choices = iot_question_choices (question);
  guint32 hidden = iot_question_hidden_frame (question, capture);

  g_string_append_printf (text, "%u. %s", index + 1, iot_question_text (question));
  if (iot_question_kind (question) == IOT_QUESTION_HIDDEN_FIELD && hidden != 0)
    g_string_append_printf (text, _(" (frame %u, %s)"), hidden, iot_question_field (question));
  for (guint i = 0; iot_question_kind (question) == IOT_QUESTION_CHOICE && choices[i] != NULL; i++)
    g_string_append_printf (text, "\n   %c. %s", 'A' + i, choices[i]);
  return g_string_free (text, FALSE);
}

static const char *
placeholder_for (IotQuestionKind kind)
{
  switch (kind)
    {
    case IOT_QUESTION_FILTER:
      return _("A display filter (or Use current filter)");
    case IOT_QUESTION_COUNT:
      return _("A number of frames");
    case IOT_QUESTION_FRAME:
      return _("A frame number");
    case IOT_QUESTION_CHOICE:
      return _("A, B, … or the choice's text");
    default:
      return _("The field's value");
    }
}

static GtkWidget *
small_button (IotExercisePane *self, const char *label, guint index, GCallback callback)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  g_object_set_data (G_OBJECT (button), "question-index", GUINT_TO_POINTER (index));
  g_signal_connect (button, "clicked", callback, self);
  return button;
}

static void
add_question (IotExercisePane *self, guint index)
{
  const IotQuestion *question = iot_exercise_pack_question (self->pack, index);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  g_autofree char *text = question_label_text (question, index, iot_exercise_session_capture_id (self->session));
  GtkWidget *label = gtk_label_new (text);
  const char *saved = g_hash_table_lookup (self->answers->answers, iot_question_id (question));
  QuestionRow row = { 0 };

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (box), label);
  row.entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (row.entry), placeholder_for (iot_question_kind (question)));
  gtk_editable_set_text (GTK_EDITABLE (row.entry), saved ? saved : "");
  g_object_set_data (G_OBJECT (row.entry), "question-index", GUINT_TO_POINTER (index));
  g_signal_connect (row.entry, "activate", G_CALLBACK (entry_activate_cb), self);
  if (iot_question_kind (question) == IOT_QUESTION_FILTER)
    gtk_widget_add_css_class (row.entry, "monospace");
  gtk_box_append (GTK_BOX (box), row.entry);
  row.check = small_button (self, "_Check", index, G_CALLBACK (check_clicked_cb));
  gtk_widget_add_css_class (row.check, "suggested-action");
  row.hint = small_button (self, "_Hint", index, G_CALLBACK (hint_clicked_cb));
  gtk_box_append (GTK_BOX (buttons), row.check);
  gtk_box_append (GTK_BOX (buttons), row.hint);
  if (iot_question_kind (question) == IOT_QUESTION_FILTER)
    {
      row.use_filter = small_button (self, "_Use current filter", index, G_CALLBACK (use_filter_clicked_cb));
      gtk_box_append (GTK_BOX (buttons), row.use_filter);
    }
  gtk_box_append (GTK_BOX (box), buttons);
  row.feedback = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (row.feedback), TRUE);
  gtk_label_set_xalign (GTK_LABEL (row.feedback), 0);
  gtk_label_set_selectable (GTK_LABEL (row.feedback), TRUE);
  gtk_widget_set_visible (row.feedback, FALSE);
  gtk_box_append (GTK_BOX (box), row.feedback);
  gtk_box_append (self->questions_box, box);
  g_array_append_val (self->rows, row);
}

/* ---- loading ------------------------------------------------------------ */

static char *
answers_path_for (IotExercisePack *pack, const char *student)
{
  g_autofree char *file = g_strconcat (student, ".json", NULL);

  return g_build_filename (g_get_user_data_dir (), "iotscope", "exercises", iot_exercise_pack_id (pack), file,
                           NULL);
}

/* The capture written where the window can open it (the user's cache). */
static GFile *
capture_file (IotExercisePack *pack, guint index, GError **error)
{
  g_autoptr (GBytes) bytes = iot_exercise_pack_capture_bytes (pack, index, error);
  g_autofree char *name = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  if (bytes == NULL)
    return NULL;
  name = g_strdup_printf ("%s-%s.pcap", iot_exercise_pack_id (pack), iot_exercise_pack_capture_id (pack, index));
  dir = g_build_filename (g_get_user_cache_dir (), "iotscope", "exercises", NULL);
  path = g_build_filename (dir, name, NULL);
  g_mkdir_with_parents (dir, 0700);
  if (!g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), error))
    return NULL;
  return g_file_new_for_path (path);
}

static gboolean
pane_load (IotExercisePane *self, const char *path, GError **error)
{
  g_autoptr (IotExercisePack) pack = iot_exercise_pack_load (path, error);
  g_autoptr (IotExerciseAnswers) saved = NULL;
  g_autoptr (GFile) capture = NULL;
  const char *student = g_get_user_name ();
  guint index;
  GtkWidget *child;

  if (pack == NULL)
    return FALSE;
  index = iot_exercise_pack_capture_for (pack, student);
  capture = capture_file (pack, index, error);
  if (capture == NULL)
    return FALSE;
  /* The previous pack's hidden fields are no secret on another capture. */
  set_masks (self, FALSE);
  iot_exercise_session_free (self->session);
  self->session = iot_exercise_session_new (pack, index, error);
  if (self->session == NULL)
    return FALSE;
  iot_exercise_pack_free (self->pack);
  self->pack = g_steal_pointer (&pack);
  g_free (self->answers_path);
  self->answers_path = answers_path_for (self->pack, student);
  iot_exercise_answers_free (self->answers);
  saved = iot_exercise_answers_load (self->answers_path, NULL);
  self->answers = saved != NULL && g_strcmp0 (saved->pack_id, iot_exercise_pack_id (self->pack)) == 0
                    ? g_steal_pointer (&saved)
                    : iot_exercise_answers_new (iot_exercise_pack_id (self->pack), student);
  gtk_label_set_text (self->title_label, iot_exercise_pack_title (self->pack));
  gtk_label_set_text (self->description_label, iot_exercise_pack_description (self->pack));
  gtk_widget_set_visible (GTK_WIDGET (self->description_label), iot_exercise_pack_description (self->pack) != NULL);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->questions_box))) != NULL)
    gtk_box_remove (self->questions_box, child);
  g_array_set_size (self->rows, 0);
  for (guint i = 0; i < iot_exercise_pack_n_questions (self->pack); i++)
    add_question (self, i);
  update_progress (self);
  update_masks (self);
  gtk_label_set_text (self->saved_label, self->answers_path);
  iot_window_open (self->window, capture);
  return TRUE;
}

IotExercisePane *
iot_window_open_exercise (IotWindow *window, const char *path, GError **error)
{
  IotExercisePane *pane = g_object_get_data (G_OBJECT (window), "iot-exercise-pane");

  if (pane == NULL)
    {
      pane = g_object_new (IOT_TYPE_EXERCISE_PANE, NULL);
      pane->window = window;
      iot_window_set_side_pane (window, GTK_WIDGET (pane));
      g_object_set_data (G_OBJECT (window), "iot-exercise-pane", pane);
    }
  if (!pane_load (pane, path, error))
    return NULL;
  return pane;
}

/* ---- File → Open Exercise… ---------------------------------------------- */

static void
chooser_response_cb (GtkNativeDialog *dialog, int response, IotWindow *window)
{
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  if (file != NULL && iot_window_open_exercise (window, g_file_peek_path (file), &error) == NULL)
    {
      GtkWidget *message = gtk_message_dialog_new (GTK_WINDOW (window), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                                   GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE,
                                                   _("Could not open the exercise"));

      gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (message), "%s", error->message);
      g_signal_connect (message, "response", G_CALLBACK (gtk_window_destroy), NULL);
      gtk_window_present (GTK_WINDOW (message));
    }
  g_object_unref (dialog);
}

static void
open_exercise_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  IotWindow *window = data;
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (_("Open Exercise"), GTK_WINDOW (window), GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"),
                                 _("_Cancel"));
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *bundled = g_build_filename (IOTSCOPE_DATADIR, "iotscope", "exercises", NULL);
  g_autoptr (GFile) folder = g_file_new_for_path (bundled);

  gtk_file_filter_set_name (filter, _("Exercise packs"));
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  if (g_file_test (bundled, G_FILE_TEST_IS_DIR))
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), window);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
add_to_exercise_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  gtk_window_present (GTK_WINDOW (iot_exercise_add_dialog_new (IOT_WINDOW (data))));
}

void
iot_exercise_pane_install_action (IotWindow *window)
{
  static const GActionEntry actions[] = {
    { "open-exercise", open_exercise_activated, NULL, NULL, NULL, { 0 } },
    { "add-to-exercise", add_to_exercise_activated, NULL, NULL, NULL, { 0 } },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (window), actions, G_N_ELEMENTS (actions), window);
  iot_exercise_editor_install_action (window);
}

/* ---- for tests (iot-app-test.h) -------------------------------------------- */

guint iot_exercise_pane_get_n_questions (IotExercisePane *self) { return self->rows->len; }
GtkEditable *iot_exercise_pane_get_answer (IotExercisePane *self, guint i) { return GTK_EDITABLE (row_at (self, i)->entry); }
GtkButton *iot_exercise_pane_get_check_button (IotExercisePane *self, guint i) { return GTK_BUTTON (row_at (self, i)->check); }
GtkButton *iot_exercise_pane_get_hint_button (IotExercisePane *self, guint i) { return GTK_BUTTON (row_at (self, i)->hint); }
GtkLabel *iot_exercise_pane_get_feedback (IotExercisePane *self, guint i) { return GTK_LABEL (row_at (self, i)->feedback); }
const char *iot_exercise_pane_get_answers_path (IotExercisePane *self) { return self->answers_path; }

GtkButton *
iot_exercise_pane_get_use_filter_button (IotExercisePane *self, guint index)
{
  return row_at (self, index)->use_filter ? GTK_BUTTON (row_at (self, index)->use_filter) : NULL;
}
