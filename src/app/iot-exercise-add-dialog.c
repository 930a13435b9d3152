/* iot-exercise-add-dialog.c — the teacher's side in the window: what the
 * window shows (the filter in the filter bar, the selected frame, the
 * selected tree field) becomes a question's reference in an exercise
 * source file, checked at once on the capture by building the pack. */
#include <string.h>

#include "iot-exercise-add-dialog.h"

#include <glib/gi18n.h>
#include "iot-exercise.h"

enum {
  KIND_FILTER,
  KIND_COUNT,
  KIND_FRAME,
  KIND_VALUE,
  KIND_HIDDEN,
};

static const IotQuestionKind kind_of_row[] = {
  [KIND_FILTER] = IOT_QUESTION_FILTER,
  [KIND_COUNT] = IOT_QUESTION_COUNT,
  [KIND_FRAME] = IOT_QUESTION_FRAME,
  [KIND_VALUE] = IOT_QUESTION_VALUE,
  [KIND_HIDDEN] = IOT_QUESTION_HIDDEN_FIELD,
};

struct _IotExerciseAddDialog {
  GtkWindow    parent_instance;

  GtkDropDown *kind_dropdown;
  GtkLabel    *reference_label;
  GtkEntry    *text_entry;
  GtkEntry    *hint_entry;
  GtkEntry    *explanation_entry;
  GtkEntry    *source_entry;
  GtkLabel    *status_label;
  GtkButton   *add_button;

  /* What the window showed when the dialog opened. */
  char        *capture_path;
  char        *filter;
  guint32      frame;
  char        *field;
};

G_DEFINE_FINAL_TYPE (IotExerciseAddDialog, iot_exercise_add_dialog, GTK_TYPE_WINDOW)

static void
iot_exercise_add_dialog_finalize (GObject *object)
{
  IotExerciseAddDialog *self = IOT_EXERCISE_ADD_DIALOG (object);

  g_free (self->capture_path);
  g_free (self->filter);
  g_free (self->field);
  G_OBJECT_CLASS (iot_exercise_add_dialog_parent_class)->finalize (object);
}

static void
show_reference (IotExerciseAddDialog *self)
{
  guint kind = gtk_drop_down_get_selected (self->kind_dropdown);
  g_autofree char *text = NULL;

  switch (kind)
    {
    case KIND_FILTER:
    case KIND_COUNT:
      text = self->filter ? g_strdup_printf (_("Reference: the filter %s"), self->filter)
                          : g_strdup (_("Apply a display filter first: it becomes the reference."));
      break;
    case KIND_FRAME:
      text = self->frame ? g_strdup_printf (_("Reference: frame %u"), self->frame)
                         : g_strdup (_("Select a frame first."));
      break;
    default:
      text = self->field && self->frame ? g_strdup_printf (_("Reference: %s at frame %u"), self->field, self->frame)
                                        : g_strdup (_("Select a field in the protocol tree first."));
      break;
    }
  gtk_label_set_text (self->reference_label, text);
}

static void
kind_changed_cb (GObject *dropdown, GParamSpec *pspec, IotExerciseAddDialog *self)
{
  show_reference (self);
}

gboolean
iot_exercise_add_dialog_add (IotExerciseAddDialog *self)
{
  guint kind = gtk_drop_down_get_selected (self->kind_dropdown);
  const char *source = gtk_editable_get_text (GTK_EDITABLE (self->source_entry));
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *dir = g_path_get_dirname (source);
  g_autofree char *status = NULL;
  IotQuestionDraft draft = { 0 };

  g_return_val_if_fail (kind < G_N_ELEMENTS (kind_of_row), FALSE);
  draft.kind = kind_of_row[kind];
  draft.text = gtk_editable_get_text (GTK_EDITABLE (self->text_entry));
  draft.hint = gtk_editable_get_text (GTK_EDITABLE (self->hint_entry));
  draft.explanation = gtk_editable_get_text (GTK_EDITABLE (self->explanation_entry));
  draft.filter = self->filter;
  draft.frame = kind == KIND_FILTER || kind == KIND_COUNT ? 0 : self->frame;
  draft.field = self->field;
  g_mkdir_with_parents (dir, 0700);
  if (self->capture_path == NULL)
    status = g_strdup (_("Open a capture file first."));
  else if (!iot_exercise_source_add (source, self->capture_path, &draft, &id, &error))
    status = g_strdup_printf (_("Not added: %s"), error->message);
  else
    status = g_strdup_printf (_("Added question %s to %s."), id, source);
  gtk_label_set_text (self->status_label, status);
  return id != NULL;
}

static void
add_clicked_cb (GtkButton *button, IotExerciseAddDialog *self)
{
  iot_exercise_add_dialog_add (self);
}

static void
iot_exercise_add_dialog_class_init (IotExerciseAddDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = iot_exercise_add_dialog_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/iotscope/Iotscope/ui/iot-exercise-add-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, IotExerciseAddDialog, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, IotExerciseAddDialog, reference_label);
  gtk_widget_class_bind_template_child (widget_class, IotExerciseAddDialog, text_entry);
  gtk_widget_class_bind_template_child (widget_class, IotExerciseAddDialog, hint_entry);
  gtk_widget_class_bind_template_child (widget_class, IotExerciseAddDialog, explanation_entry);
  gtk_widget_class_bind_template_child (widget_class, IotExerciseAddDialog, source_entry);
  gtk_widget_class_bind_template_child (widget_class, IotExerciseAddDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, IotExerciseAddDialog, add_button);
}

static void
iot_exercise_add_dialog_init (IotExerciseAddDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->add_button, "clicked", G_CALLBACK (add_clicked_cb), self);
  g_signal_connect (self->kind_dropdown, "notify::selected", G_CALLBACK (kind_changed_cb), self);
}

/* The field of the tree row the user selected, if any. */
static char *
selected_field (IotSession *session)
{
  IotPacket *pkt = iot_session_get_packet (session);
  int node = iot_session_get_selected_node (session);
  const IotNode *selected = pkt != NULL && node >= 0 ? iot_packet_node (pkt, node) : NULL;

  if (selected == NULL || selected->field == NULL || selected->field->type == IOT_FT_NONE
      || selected->field->type == IOT_FT_PROTOCOL)
    return NULL;
  return g_strdup (selected->field->abbrev);
}

static char *
default_source (const char *capture_path)
{
  g_autofree char *base = g_path_get_basename (capture_path ? capture_path : "exercise");
  char *dot = strrchr (base, '.');
  g_autofree char *name = NULL;

  if (dot != NULL)
    *dot = '\0';
  name = g_strconcat (base, ".source.json", NULL);
  return g_build_filename (g_get_user_data_dir (), "iotscope", "exercise-sources", name, NULL);
}

IotExerciseAddDialog *
iot_exercise_add_dialog_new (IotWindow *window)
{
  IotExerciseAddDialog *self = g_object_new (IOT_TYPE_EXERCISE_ADD_DIALOG, "transient-for", window, NULL);
  IotSession *session = iot_window_get_session (window);
  const char *filter = iot_session_get_filter_text (session);
  g_autofree char *source = NULL;
  guint kind = KIND_FRAME;

  self->capture_path = g_strdup (iot_session_get_path (session));
  self->filter = filter != NULL && *filter != '\0' ? g_strdup (filter) : NULL;
  self->frame = iot_session_get_selected_frame (session);
  self->field = selected_field (session);
  source = default_source (self->capture_path);
  gtk_editable_set_text (GTK_EDITABLE (self->source_entry), source);
  /* The most specific thing the user pointed at. */
  if (self->field != NULL && self->frame != 0)
    kind = KIND_VALUE;
  else if (self->filter != NULL)
    kind = KIND_FILTER;
  gtk_drop_down_set_selected (self->kind_dropdown, kind);
  show_reference (self);
  return self;
}

