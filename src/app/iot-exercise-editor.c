/* iot-exercise-editor.c — the pack editor.  Edits go to the source in
 * memory at once; Save writes it after checking that every reference still
 * holds (by building the pack); Preview builds a practice copy into the
 * cache folder and opens it in the main window's Exercise pane. */
#include "iot-exercise-editor.h"
#include "iot-app-test.h"

#include <glib/gi18n.h>
#include "iot-exercise-pane.h"
#include "iot-exercise.h"

typedef struct {
  GtkWidget *heading;
  GtkWidget *text;
  GtkWidget *hint;
  GtkWidget *explanation;
  GtkWidget *up;
  GtkWidget *down;
  GtkWidget *remove;
} EditorRow;

struct _IotExerciseEditor {
  GtkWindow          parent_instance;

  GtkLabel          *status_label;
  GtkListBox        *questions_list;
  GtkButton         *save_button;
  GtkButton         *preview_button;

  IotWindow         *main_window;   /* weak: the editor is its transient */
  IotExerciseSource *source;
  GArray            *rows;          /* EditorRow */
};

G_DEFINE_FINAL_TYPE (IotExerciseEditor, iot_exercise_editor, GTK_TYPE_WINDOW)

static void rebuild (IotExerciseEditor *self);

static void
iot_exercise_editor_finalize (GObject *object)
{
  IotExerciseEditor *self = IOT_EXERCISE_EDITOR (object);

  iot_exercise_source_free (self->source);
  g_array_unref (self->rows);
  G_OBJECT_CLASS (iot_exercise_editor_parent_class)->finalize (object);
}

static EditorRow *
row_at (IotExerciseEditor *self, guint index)
{
  g_return_val_if_fail (index < self->rows->len, NULL);
  return &g_array_index (self->rows, EditorRow, index);
}

static guint
index_of (GtkWidget *widget)
{
  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (widget), "question-index"));
}

static void
entry_changed_cb (GtkEditable *entry, IotExerciseEditor *self)
{
  iot_exercise_source_set (self->source, index_of (GTK_WIDGET (entry)),
                           g_object_get_data (G_OBJECT (entry), "member"), gtk_editable_get_text (entry));
}

static void
move_clicked_cb (GtkButton *button, IotExerciseEditor *self)
{
  int delta = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "delta"));

  if (iot_exercise_source_move (self->source, index_of (GTK_WIDGET (button)), delta))
    rebuild (self);
}

static void
remove_clicked_cb (GtkButton *button, IotExerciseEditor *self)
{
  iot_exercise_source_remove (self->source, index_of (GTK_WIDGET (button)));
  rebuild (self);
}

static GtkWidget *
member_entry (IotExerciseEditor *self, guint index, const char *member, const char *placeholder)
{
  GtkWidget *entry = gtk_entry_new ();
  const char *value = iot_exercise_source_get (self->source, index, member);

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_editable_set_text (GTK_EDITABLE (entry), value ? value : "");
  g_object_set_data (G_OBJECT (entry), "question-index", GUINT_TO_POINTER (index));
  g_object_set_data (G_OBJECT (entry), "member", (gpointer) member);
  g_signal_connect (entry, "changed", G_CALLBACK (entry_changed_cb), self);
  return entry;
}

static GtkWidget *
row_button (IotExerciseEditor *self, guint index, const char *icon, const char *tooltip, GCallback callback,
            int delta)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  g_object_set_data (G_OBJECT (button), "question-index", GUINT_TO_POINTER (index));
  g_object_set_data (G_OBJECT (button), "delta", GINT_TO_POINTER (delta));
  g_signal_connect (button, "clicked", callback, self);
  return button;
}

static void
add_row (IotExerciseEditor *self, guint index)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  g_autofree char *reference = iot_exercise_source_describe_reference (self->source, index);
  const char *field = iot_exercise_source_get (self->source, index, "field");
  g_autofree char *heading = g_strdup_printf ("%u · %s · %s%s%s · reference: %s", index + 1,
                                              iot_exercise_source_get (self->source, index, "id"),
                                              iot_exercise_source_get (self->source, index, "kind"),
                                              field ? " " : "", field ? field : "", reference);
  EditorRow row = { 0 };

  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 8);
  gtk_widget_set_margin_end (box, 8);
  row.heading = gtk_label_new (heading);
  gtk_label_set_xalign (GTK_LABEL (row.heading), 0);
  gtk_label_set_ellipsize (GTK_LABEL (row.heading), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (row.heading, TRUE);
  gtk_widget_add_css_class (row.heading, "heading");
  row.up = row_button (self, index, "go-up-symbolic", "Move up", G_CALLBACK (move_clicked_cb), -1);
  row.down = row_button (self, index, "go-down-symbolic", "Move down", G_CALLBACK (move_clicked_cb), 1);
  row.remove = row_button (self, index, "user-trash-symbolic", "Remove", G_CALLBACK (remove_clicked_cb), 0);
  gtk_widget_set_sensitive (row.up, index > 0);
  gtk_widget_set_sensitive (row.down, index + 1 < iot_exercise_source_n_questions (self->source));
  gtk_box_append (GTK_BOX (top), row.heading);
  gtk_box_append (GTK_BOX (top), row.up);
  gtk_box_append (GTK_BOX (top), row.down);
  gtk_box_append (GTK_BOX (top), row.remove);
  gtk_box_append (GTK_BOX (box), top);
  row.text = member_entry (self, index, "text", _("Question"));
  row.hint = member_entry (self, index, "hint", _("Hint"));
  row.explanation = member_entry (self, index, "explanation", _("Explanation, shown after a right answer"));
  gtk_box_append (GTK_BOX (box), row.text);
  gtk_box_append (GTK_BOX (box), row.hint);
  gtk_box_append (GTK_BOX (box), row.explanation);
  gtk_list_box_append (self->questions_list, box);
  g_array_append_val (self->rows, row);
}

static void
rebuild (IotExerciseEditor *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->questions_list))) != NULL)
    gtk_list_box_remove (self->questions_list, child);
  g_array_set_size (self->rows, 0);
  for (guint i = 0; i < iot_exercise_source_n_questions (self->source); i++)
    add_row (self, i);
}

gboolean
iot_exercise_editor_save (IotExerciseEditor *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *status = NULL;
  gboolean saved = iot_exercise_source_save (self->source, &error);

  status = saved ? g_strdup_printf (_("Saved %s."), iot_exercise_source_path (self->source))
                 : g_strdup_printf (_("Not saved: %s"), error->message);
  gtk_label_set_text (self->status_label, status);
  return saved;
}

gboolean
iot_exercise_editor_preview (IotExerciseEditor *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotExercisePack) pack = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *data = NULL;
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "iotscope", "exercises", NULL);
  g_autofree char *path = NULL;
  gsize length;

  if (!iot_exercise_editor_save (self))
    return FALSE;
  pack = iot_exercise_pack_build (iot_exercise_source_path (self->source), NULL, &secret, &error);
  if (pack != NULL)
    {
      g_autofree char *name = g_strconcat (iot_exercise_pack_id (pack), ".preview.json", NULL);

      iot_exercise_pack_embed_secret (pack, secret);
      data = iot_exercise_pack_to_data (pack, &length);
      g_mkdir_with_parents (dir, 0700);
      path = g_build_filename (dir, name, NULL);
    }
  if (pack == NULL || !g_file_set_contents (path, data, length, &error)
      || iot_window_open_exercise (self->main_window, path, &error) == NULL)
    {
      g_autofree char *status = g_strdup_printf (_("No preview: %s"), error->message);

      gtk_label_set_text (self->status_label, status);
      return FALSE;
    }
  gtk_label_set_text (self->status_label, _("Preview open in the main window."));
  return TRUE;
}

static void
save_clicked_cb (GtkButton *button, IotExerciseEditor *self)
{
  iot_exercise_editor_save (self);
}

static void
preview_clicked_cb (GtkButton *button, IotExerciseEditor *self)
{
  iot_exercise_editor_preview (self);
}

static void
iot_exercise_editor_class_init (IotExerciseEditorClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = iot_exercise_editor_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-exercise-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, IotExerciseEditor, status_label);
  gtk_widget_class_bind_template_child (widget_class, IotExerciseEditor, questions_list);
  gtk_widget_class_bind_template_child (widget_class, IotExerciseEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, IotExerciseEditor, preview_button);
}

static void
iot_exercise_editor_init (IotExerciseEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_array_new (FALSE, TRUE, sizeof (EditorRow));
  g_signal_connect (self->save_button, "clicked", G_CALLBACK (save_clicked_cb), self);
  g_signal_connect (self->preview_button, "clicked", G_CALLBACK (preview_clicked_cb), self);
}

IotExerciseEditor *
iot_exercise_editor_new (IotWindow *window, const char *source_path, GError **error)
{
  IotExerciseSource *source = iot_exercise_source_load (source_path, error);
  IotExerciseEditor *self;
  g_autofree char *title = NULL;

  if (source == NULL)
    return NULL;
  self = g_object_new (IOT_TYPE_EXERCISE_EDITOR, "transient-for", window, "destroy-with-parent", TRUE, NULL);
  self->main_window = window;
  self->source = source;
  title = g_strdup_printf (_("%s — Exercise Editor"), iot_exercise_source_title (source));
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_label_set_text (self->status_label, source_path);
  rebuild (self);
  return self;
}

/* ---- Edit Exercise… ------------------------------------------------------ */

static void
chooser_response_cb (GtkNativeDialog *dialog, int response, IotWindow *window)
{
  g_autoptr (GFile) file = response == GTK_RESPONSE_ACCEPT ? gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))
                                                           : NULL;
  g_autoptr (GError) error = NULL;
  IotExerciseEditor *editor = file ? iot_exercise_editor_new (window, g_file_peek_path (file), &error) : NULL;

  if (editor != NULL)
    gtk_window_present (GTK_WINDOW (editor));
  else if (error != NULL)
    g_warning ("Edit Exercise: %s", error->message);
  g_object_unref (dialog);
}

static void
edit_exercise_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  IotWindow *window = data;
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Edit Exercise Source"), GTK_WINDOW (window),
                                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  g_autofree char *sources = g_build_filename (g_get_user_data_dir (), "iotscope", "exercise-sources", NULL);
  g_autoptr (GFile) folder = g_file_new_for_path (sources);
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Exercise sources"));
  gtk_file_filter_add_pattern (filter, "*.source.json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  if (g_file_test (sources, G_FILE_TEST_IS_DIR))
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), window);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
iot_exercise_editor_install_action (IotWindow *window)
{
  static const GActionEntry actions[] = {
    { "edit-exercise", edit_exercise_activated, NULL, NULL, NULL, { 0 } },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (window), actions, G_N_ELEMENTS (actions), window);
}

guint iot_exercise_editor_get_n_rows (IotExerciseEditor *self) { return self->rows->len; }
GtkEditable *iot_exercise_editor_get_text (IotExerciseEditor *self, guint i) { return GTK_EDITABLE (row_at (self, i)->text); }
GtkButton *iot_exercise_editor_get_up_button (IotExerciseEditor *self, guint i) { return GTK_BUTTON (row_at (self, i)->up); }
GtkButton *iot_exercise_editor_get_remove_button (IotExerciseEditor *self, guint i) { return GTK_BUTTON (row_at (self, i)->remove); }
GtkLabel *iot_exercise_editor_get_heading (IotExerciseEditor *self, guint i) { return GTK_LABEL (row_at (self, i)->heading); }
