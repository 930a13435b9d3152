/* iot-filter-bar.c — the display filter entry. */
#include "iot-filter-bar.h"
#include "iot-app-test.h"

#include <glib/gi18n.h>

#include "iot-filter.h"

struct _IotFilterBar {
  GtkWidget          parent_instance;

  GtkEntry          *entry;
  GtkButton         *apply_button;
  GtkLabel          *message;
  GtkMenuButton     *history_button;
  GtkMenuButton     *save_button;
  GtkPopover        *save_popover;
  GtkEntry          *name_entry;
  GtkBox            *saved_box;
  GMenu             *history_section;

  GSettings         *settings;
  GtkStringList     *history;     /* most recent first */
  GPtrArray         *saved;       /* SavedFilter, in button order */

  IotSession        *session;
  IotFilterState     state;
  GtkEntryCompletion *completion;

  /* Long filters are checked in a worker; only the latest check counts. */
  guint              check_serial;
  gboolean           checking;
  gboolean           apply_when_checked;
  GCancellable      *check_cancellable;
};

/* Filters up to this long are checked as they are typed, on the main
 * thread: compiling is linear and the nesting limited, so that takes well
 * under a millisecond.  Longer ones (pasted) go to a worker so the window
 * never waits for them. */
#define INLINE_CHECK_MAX 4096
/* The longest filter the entry takes.  GTK lays out the whole line on
 * every change, at some milliseconds per thousand characters, and a GtkEntry
 * silently cuts what is longer than 65,535 characters (a cut filter may
 * well be a valid, different one): a longer paste is refused whole, with a
 * message.  Far beyond any filter written by hand; the CLI takes longer
 * ones. */
#define ENTRY_MAX_CHARS 16384
/* A long filter's tooltip shows this many characters around the problem. */
#define EXCERPT_CONTEXT 60

G_DEFINE_FINAL_TYPE (IotFilterBar, iot_filter_bar, GTK_TYPE_WIDGET)

typedef struct {
  char *name;
  char *text;
} SavedFilter;

static void
saved_filter_free (SavedFilter *saved)
{
  g_free (saved->name);
  g_free (saved->text);
  g_free (saved);
}

static void remember (IotFilterBar *self, const char *text);
static void update_save_button (IotFilterBar *self);

static const char *const state_classes[] = {
  NULL, "filter-valid", "filter-deprecated", "filter-invalid",
};

static void
set_state (IotFilterBar *self, IotFilterState state, const char *message, const char *tooltip)
{
  GtkWidget *entry = GTK_WIDGET (self->entry);

  for (guint i = 1; i < G_N_ELEMENTS (state_classes); i++)
    gtk_widget_remove_css_class (entry, state_classes[i]);
  if (state_classes[state] != NULL)
    gtk_widget_add_css_class (entry, state_classes[state]);
  self->state = state;
  update_save_button (self);
  gtk_label_set_text (self->message, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message), message != NULL);
  gtk_widget_remove_css_class (GTK_WIDGET (self->message), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->message), "warning");
  if (state == IOT_FILTER_STATE_INVALID)
    gtk_widget_add_css_class (GTK_WIDGET (self->message), "error");
  else if (state == IOT_FILTER_STATE_DEPRECATED)
    gtk_widget_add_css_class (GTK_WIDGET (self->message), "warning");
  gtk_widget_set_tooltip_markup (entry, tooltip);
  gtk_widget_set_tooltip_markup (GTK_WIDGET (self->message), tooltip);
  gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button), state != IOT_FILTER_STATE_INVALID);
}

/* The filter with a caret under the problem, as tshark prints it, in a
 * monospace tooltip; of a long filter, only the part around the problem. */
static char *
problem_markup (const IotFilterProblem *problem, const char *text)
{
  glong n_chars = g_utf8_strlen (text, -1);
  glong column = iot_filter_problem_column (problem, text);
  g_autofree char *formatted = NULL;
  g_autofree char *escaped = NULL;

  if (n_chars > 2 * EXCERPT_CONTEXT)
    {
      glong from = MAX (column - EXCERPT_CONTEXT, 0);
      glong to = MIN (column + EXCERPT_CONTEXT, n_chars);
      const char *start = g_utf8_offset_to_pointer (text, from);
      const char *end = g_utf8_offset_to_pointer (start, to - from);
      g_autofree char *excerpt = g_strdup_printf ("%s%.*s%s", from > 0 ? "…" : "", (int) (end - start), start,
                                                  to < n_chars ? "…" : "");
      IotFilterProblem shifted = *problem;
      guint lead = from > 0 ? strlen ("…") : 0;

      shifted.start = problem->start - (guint) (start - text) + lead;
      shifted.length = MIN (problem->length, (guint) (end - text) - problem->start);
      formatted = iot_filter_problem_format (&shifted, excerpt);
    }
  else
    formatted = iot_filter_problem_format (problem, text);
  escaped = g_markup_escape_text (formatted, -1);
  return g_strdup_printf ("<tt>%s</tt>", escaped);
}

/* Wavy red underline under the offending part of the filter. */
static void
underline (IotFilterBar *self, guint start, guint length)
{
  g_autoptr (PangoAttrList) attrs = pango_attr_list_new ();
  PangoAttribute *attr;

  if (length > 0)
    {
      attr = pango_attr_underline_new (PANGO_UNDERLINE_ERROR);
      attr->start_index = start;
      attr->end_index = start + length;
      pango_attr_list_insert (attrs, attr);
    }
  gtk_entry_set_attributes (self->entry, attrs);
}

/* Shows what compiling @text gave. */
static void
show_check (IotFilterBar *self, const char *text, IotFilter *filter, const IotFilterProblem *problem)
{
  self->checking = FALSE;
  if (filter == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("%s (at character %u)"), problem->message,
                                                  iot_filter_problem_column (problem, text) + 1);
      g_autofree char *tooltip = problem_markup (problem, text);

      /* Attributes make GTK lay the whole line out again, at once: tens of
       * milliseconds for a long filter, whose message and tooltip say
       * where the problem is anyway. */
      if (strlen (text) <= INLINE_CHECK_MAX)
        underline (self, problem->start, MAX (problem->length, 1));
      set_state (self, IOT_FILTER_STATE_INVALID, message, tooltip);
      return;
    }
  if (iot_filter_n_warnings (filter) > 0)
    {
      const IotFilterProblem *warning = iot_filter_warning (filter, 0);
      g_autofree char *tooltip = problem_markup (warning, text);

      set_state (self, IOT_FILTER_STATE_DEPRECATED, warning->message, tooltip);
      return;
    }
  set_state (self, IOT_FILTER_STATE_VALID, NULL, NULL);
}

typedef struct {
  char             *text;
  guint             serial;
  IotFilter        *filter;
  IotFilterProblem *problem;
} CheckJob;

static void
check_job_free (CheckJob *job)
{
  g_free (job->text);
  g_clear_pointer (&job->filter, iot_filter_free);
  g_clear_pointer (&job->problem, iot_filter_problem_free);
  g_free (job);
}

static void
check_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  CheckJob *job = data;

  job->filter = iot_filter_compile (job->text, &job->problem);
  g_task_return_boolean (task, TRUE);
}

static void
check_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  IotFilterBar *self = IOT_FILTER_BAR (source);
  CheckJob *job = g_task_get_task_data (G_TASK (result));

  /* Gone (the bar was disposed) or overtaken by later typing. */
  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))) || job->serial != self->check_serial)
    return;
  show_check (self, job->text, job->filter, job->problem);
  if (self->apply_when_checked)
    {
      self->apply_when_checked = FALSE;
      iot_filter_bar_apply (self);
    }
}

static void
check (IotFilterBar *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  size_t length = strlen (text);

  self->check_serial++;
  self->apply_when_checked = FALSE;
  underline (self, 0, 0);
  if (length == strspn (text, " \t"))
    {
      self->checking = FALSE;
      set_state (self, IOT_FILTER_STATE_EMPTY, NULL, NULL);
      return;
    }
  if (length <= INLINE_CHECK_MAX)
    {
      g_autoptr (IotFilterProblem) problem = NULL;
      g_autoptr (IotFilter) filter = iot_filter_compile (text, &problem);

      show_check (self, text, filter, problem);
      return;
    }
  {
    g_autoptr (GTask) task = g_task_new (self, self->check_cancellable, check_done_cb, NULL);
    CheckJob *job = g_new0 (CheckJob, 1);

    job->text = g_strdup (text);
    job->serial = self->check_serial;
    g_task_set_task_data (task, job, (GDestroyNotify) check_job_free);
    g_task_set_source_tag (task, check);
    self->checking = TRUE;
    /* Not valid until the worker says so: nothing to apply meanwhile. */
    set_state (self, IOT_FILTER_STATE_EMPTY, _("Checking the filter…"), NULL);
    gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button), FALSE);
    g_task_run_in_thread (task, check_thread);
  }
}

static void
changed_cb (GtkEditable *editable, IotFilterBar *self)
{
  check (self);
}

/* Refuses text the entry could only keep part of, and says so. */
static void
insert_text_cb (GtkEditable *editable, const char *text, int length, int *position, IotFilterBar *self)
{
  glong current = g_utf8_strlen (gtk_editable_get_text (editable), -1);
  glong adding = length < 0 ? g_utf8_strlen (text, -1) : g_utf8_strlen (text, length);
  g_autofree char *message = NULL;

  if (current + adding < ENTRY_MAX_CHARS)
    return;
  g_signal_stop_emission_by_name (editable, "insert-text");
  self->check_serial++;
  self->checking = FALSE;
  self->apply_when_checked = FALSE;
  message = g_strdup_printf (_("The filter is too long for the filter bar: %ld characters, at most %d."),
                             current + adding, ENTRY_MAX_CHARS - 1);
  set_state (self, IOT_FILTER_STATE_INVALID, message, NULL);
  gtk_widget_error_bell (GTK_WIDGET (self->entry));
}

gboolean
iot_filter_bar_apply (IotFilterBar *self)
{
  g_autoptr (GError) error = NULL;

  g_return_val_if_fail (IOT_IS_FILTER_BAR (self), FALSE);
  if (self->checking)
    {
      /* Applied as soon as the worker has checked it (if valid). */
      self->apply_when_checked = TRUE;
      return FALSE;
    }
  if (self->session == NULL || self->state == IOT_FILTER_STATE_INVALID)
    {
      gtk_widget_error_bell (GTK_WIDGET (self->entry));
      return FALSE;
    }
  if (!iot_session_apply_filter (self->session, gtk_editable_get_text (GTK_EDITABLE (self->entry)), &error))
    {
      set_state (self, IOT_FILTER_STATE_INVALID, error->message, NULL);
      return FALSE;
    }
  remember (self, gtk_editable_get_text (GTK_EDITABLE (self->entry)));
  return TRUE;
}

static void
activate_cb (GtkEntry *entry, IotFilterBar *self)
{
  iot_filter_bar_apply (self);
}

static void
apply_clicked_cb (GtkButton *button, IotFilterBar *self)
{
  iot_filter_bar_apply (self);
}

static void
icon_press_cb (GtkEntry *entry, GtkEntryIconPosition position, IotFilterBar *self)
{
  if (position != GTK_ENTRY_ICON_SECONDARY)
    return;
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  iot_filter_bar_apply (self);
}

void
iot_filter_bar_set_text (IotFilterBar *self, const char *text, gboolean apply)
{
  g_return_if_fail (IOT_IS_FILTER_BAR (self));
  gtk_editable_set_text (GTK_EDITABLE (self->entry), text != NULL ? text : "");
  gtk_editable_set_position (GTK_EDITABLE (self->entry), -1);
  if (apply)
    iot_filter_bar_apply (self);
}

/* ---- completion of field names ----------------------------------------------- */

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '.' || c == '_' || c == '-';
}

/* Start (byte index) of the field name being typed before the cursor. */
static int
token_start (IotFilterBar *self, int *end)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  int cursor = gtk_editable_get_position (GTK_EDITABLE (self->entry));
  const char *at = g_utf8_offset_to_pointer (text, cursor);
  const char *start = at;

  while (start > text && is_name_char (start[-1]))
    start--;
  *end = (int) (at - text);
  return (int) (start - text);
}

static gboolean
match_cb (GtkEntryCompletion *completion, const char *key, GtkTreeIter *iter, gpointer data)
{
  IotFilterBar *self = data;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  g_autofree char *name = NULL;
  int start, end;

  /* Called for every field name on each change, and finding the name
   * before the cursor walks the text: in a long (pasted) filter that
   * would take seconds, and there is no name being typed to complete. */
  if (gtk_entry_buffer_get_bytes (gtk_entry_get_buffer (self->entry)) > INLINE_CHECK_MAX)
    return FALSE;
  start = token_start (self, &end);
  /* A digit starts a number, not a field name. */
  if (end - start < 2 || g_ascii_isdigit (text[start]))
    return FALSE;
  gtk_tree_model_get (gtk_entry_completion_get_model (completion), iter, 0, &name, -1);
  return strncmp (name, text + start, end - start) == 0 && name[end - start] != '\0';
}

static gboolean
match_selected_cb (GtkEntryCompletion *completion, GtkTreeModel *model, GtkTreeIter *iter,
                   IotFilterBar *self)
{
  g_autofree char *name = NULL;
  int start, end, position;

  gtk_tree_model_get (model, iter, 0, &name, -1);
  start = token_start (self, &end);
  /* Replace only the name being typed, not the whole entry. */
  gtk_editable_delete_text (GTK_EDITABLE (self->entry),
                            g_utf8_pointer_to_offset (gtk_editable_get_text (GTK_EDITABLE (self->entry)),
                                                      gtk_editable_get_text (GTK_EDITABLE (self->entry)) + start),
                            gtk_editable_get_position (GTK_EDITABLE (self->entry)));
  position = gtk_editable_get_position (GTK_EDITABLE (self->entry));
  gtk_editable_insert_text (GTK_EDITABLE (self->entry), name, -1, &position);
  gtk_editable_set_position (GTK_EDITABLE (self->entry), position);
  return TRUE;
}

static void
setup_completion (IotFilterBar *self)
{
  GtkListStore *store = gtk_list_store_new (1, G_TYPE_STRING);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint id = 0; id < iot_registry_n_fields (); id++)
    {
      const IotField *field = iot_registry_field_by_id (id);

      if (field == NULL || field->abbrev == NULL || !g_hash_table_add (seen, (gpointer) field->abbrev))
        continue;
      gtk_list_store_insert_with_values (store, NULL, -1, 0, field->abbrev, -1);
    }
  gtk_tree_sortable_set_sort_column_id (GTK_TREE_SORTABLE (store), 0, GTK_SORT_ASCENDING);
  self->completion = gtk_entry_completion_new ();
  gtk_entry_completion_set_model (self->completion, GTK_TREE_MODEL (store));
  gtk_entry_completion_set_text_column (self->completion, 0);
  gtk_entry_completion_set_minimum_key_length (self->completion, 2);
  gtk_entry_completion_set_popup_set_width (self->completion, FALSE);
  gtk_entry_completion_set_match_func (self->completion, match_cb, self, NULL);
  g_signal_connect (self->completion, "match-selected", G_CALLBACK (match_selected_cb), self);
  gtk_entry_set_completion (self->entry, self->completion);
  g_object_unref (store);
}

/* ---- history -------------------------------------------------------------------- */

static void
rebuild_history_menu (IotFilterBar *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->history));

  g_menu_remove_all (self->history_section);
  for (guint i = 0; i < n; i++)
    {
      const char *text = gtk_string_list_get_string (self->history, i);
      g_autoptr (GMenuItem) item = g_menu_item_new (NULL, NULL);
      g_auto (GStrv) parts = g_strsplit (text, "_", -1);
      /* Menu labels read '_' as a mnemonic: double it. */
      g_autofree char *label = g_strjoinv ("__", parts);

      g_menu_item_set_label (item, label);
      g_menu_item_set_action_and_target (item, "filter.apply-text", "s", text);
      g_menu_append_item (self->history_section, item);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->history_button), n > 0);
}

static void
save_history (IotFilterBar *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->history));
  g_autoptr (GPtrArray) strv = g_ptr_array_new ();

  if (self->settings == NULL)
    return;
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (strv, (gpointer) gtk_string_list_get_string (self->history, i));
  g_ptr_array_add (strv, NULL);
  g_settings_set_strv (self->settings, "filter-history", (const char *const *) strv->pdata);
}

/* An applied filter goes to the top of the history, once. */
static void
remember (IotFilterBar *self, const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->history));

  if (*stripped == '\0')
    return;
  if (n > 0 && g_str_equal (gtk_string_list_get_string (self->history, 0), stripped))
    return;
  for (guint i = 0; i < n; i++)
    if (g_str_equal (gtk_string_list_get_string (self->history, i), stripped))
      {
        gtk_string_list_remove (self->history, i);
        n--;
        break;
      }
  gtk_string_list_splice (self->history, 0, 0, (const char *const[]) { stripped, NULL });
  n++;
  if (n > IOT_FILTER_HISTORY_MAX)
    gtk_string_list_splice (self->history, IOT_FILTER_HISTORY_MAX, n - IOT_FILTER_HISTORY_MAX, NULL);
  rebuild_history_menu (self);
  save_history (self);
}

GListModel *
iot_filter_bar_get_history (IotFilterBar *self)
{
  g_return_val_if_fail (IOT_IS_FILTER_BAR (self), NULL);
  return G_LIST_MODEL (self->history);
}

static void
apply_text_action (GtkWidget *widget, const char *name, GVariant *param)
{
  iot_filter_bar_set_text (IOT_FILTER_BAR (widget), g_variant_get_string (param, NULL), TRUE);
}

/* ---- saved filter buttons -------------------------------------------------------- */

static void
save_saved (IotFilterBar *self)
{
  GVariantBuilder builder;

  if (self->settings == NULL)
    return;
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ss)"));
  for (guint i = 0; i < self->saved->len; i++)
    {
      SavedFilter *saved = g_ptr_array_index (self->saved, i);

      g_variant_builder_add (&builder, "(ss)", saved->name, saved->text);
    }
  g_settings_set_value (self->settings, "saved-filters", g_variant_builder_end (&builder));
}

static void
saved_clicked_cb (GtkButton *button, IotFilterBar *self)
{
  const char *text = g_object_get_data (G_OBJECT (button), "filter-text");

  iot_filter_bar_set_text (self, text, TRUE);
}

/* Right-click (or long press) removes the button. */
static void
saved_pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, IotFilterBar *self)
{
  GtkWidget *button = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  g_autofree char *name = g_strdup (gtk_button_get_label (GTK_BUTTON (button)));

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  iot_filter_bar_remove_saved (self, name);
}

static void
rebuild_saved_buttons (IotFilterBar *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->saved_box))) != NULL)
    gtk_box_remove (self->saved_box, child);
  for (guint i = 0; i < self->saved->len; i++)
    {
      SavedFilter *saved = g_ptr_array_index (self->saved, i);
      GtkWidget *button = gtk_button_new_with_label (saved->name);
      GtkGesture *click = gtk_gesture_click_new ();
      g_autofree char *tooltip = g_strdup_printf (_("%s\n(right-click to remove)"), saved->text);

      gtk_widget_set_tooltip_text (button, tooltip);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_add_css_class (button, "saved-filter");
      g_object_set_data_full (G_OBJECT (button), "filter-text", g_strdup (saved->text), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (saved_clicked_cb), self);
      gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
      g_signal_connect (click, "pressed", G_CALLBACK (saved_pressed_cb), self);
      gtk_widget_add_controller (button, GTK_EVENT_CONTROLLER (click));
      gtk_box_append (self->saved_box, button);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->saved_box), self->saved->len > 0);
}

static int
find_saved (IotFilterBar *self, const char *name)
{
  for (guint i = 0; i < self->saved->len; i++)
    if (g_str_equal (((SavedFilter *) g_ptr_array_index (self->saved, i))->name, name))
      return (int) i;
  return -1;
}

void
iot_filter_bar_add_saved (IotFilterBar *self, const char *name, const char *text)
{
  SavedFilter *saved;
  int index;

  g_return_if_fail (IOT_IS_FILTER_BAR (self));
  g_return_if_fail (name != NULL && text != NULL);
  index = find_saved (self, name);
  if (index >= 0)
    {
      saved = g_ptr_array_index (self->saved, index);
      g_free (saved->text);
      saved->text = g_strdup (text);
    }
  else
    {
      saved = g_new0 (SavedFilter, 1);
      saved->name = g_strdup (name);
      saved->text = g_strdup (text);
      g_ptr_array_add (self->saved, saved);
    }
  rebuild_saved_buttons (self);
  save_saved (self);
}

void
iot_filter_bar_remove_saved (IotFilterBar *self, const char *name)
{
  int index;

  g_return_if_fail (IOT_IS_FILTER_BAR (self));
  index = find_saved (self, name);
  if (index < 0)
    return;
  g_ptr_array_remove_index (self->saved, index);
  rebuild_saved_buttons (self);
  save_saved (self);
}

static void
save_popover_show_cb (GtkPopover *popover, IotFilterBar *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));

  /* The filter itself is a fine first name; short ones fit a button. */
  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), g_utf8_strlen (text, -1) <= 24 ? text : "");
  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
}

static void
save_clicked_cb (GtkWidget *widget, IotFilterBar *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_entry))));

  if (*name == '\0' || *text == '\0' || self->state == IOT_FILTER_STATE_INVALID)
    {
      gtk_widget_error_bell (widget);
      return;
    }
  iot_filter_bar_add_saved (self, name, text);
  gtk_popover_popdown (self->save_popover);
}

static void
update_save_button (IotFilterBar *self)
{
  if (self->save_button == NULL)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button),
                            self->state == IOT_FILTER_STATE_VALID || self->state == IOT_FILTER_STATE_DEPRECATED);
}

void
iot_filter_bar_set_settings (IotFilterBar *self, GSettings *settings)
{
  g_auto (GStrv) history = NULL;
  g_autoptr (GVariant) saved = NULL;
  GVariantIter iter;
  const char *name, *text;
  guint n;

  g_return_if_fail (IOT_IS_FILTER_BAR (self));
  g_set_object (&self->settings, settings);
  if (settings == NULL)
    return;
  history = g_settings_get_strv (settings, "filter-history");
  n = g_list_model_get_n_items (G_LIST_MODEL (self->history));
  if (g_strv_length (history) > IOT_FILTER_HISTORY_MAX)
    g_clear_pointer (&history[IOT_FILTER_HISTORY_MAX], g_free);
  gtk_string_list_splice (self->history, 0, n, (const char *const *) history);
  rebuild_history_menu (self);

  g_ptr_array_set_size (self->saved, 0);
  saved = g_settings_get_value (settings, "saved-filters");
  g_variant_iter_init (&iter, saved);
  while (g_variant_iter_next (&iter, "(&s&s)", &name, &text))
    {
      SavedFilter *entry = g_new0 (SavedFilter, 1);

      entry->name = g_strdup (name);
      entry->text = g_strdup (text);
      g_ptr_array_add (self->saved, entry);
    }
  rebuild_saved_buttons (self);
}

/* ---- session ----------------------------------------------------------------- */

static void
filter_text_cb (IotSession *session, GParamSpec *pspec, IotFilterBar *self)
{
  const char *applied = iot_session_get_filter_text (session);

  /* The session dropped the filter (cancelled, new file): say so. */
  if (applied == NULL && !iot_session_is_filtering (session)
      && self->state != IOT_FILTER_STATE_EMPTY && self->state != IOT_FILTER_STATE_INVALID)
    gtk_widget_add_css_class (GTK_WIDGET (self->entry), "filter-not-applied");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->entry), "filter-not-applied");
}

void
iot_filter_bar_set_session (IotFilterBar *self, IotSession *session)
{
  g_return_if_fail (IOT_IS_FILTER_BAR (self));
  g_return_if_fail (self->session == NULL);

  self->session = g_object_ref (session);
  g_signal_connect_object (session, "notify::filter-text", G_CALLBACK (filter_text_cb), self, 0);
}

IotFilterState
iot_filter_bar_get_state (IotFilterBar *self)
{
  return self->state;
}

static gboolean
iot_filter_bar_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (IOT_FILTER_BAR (widget)->entry));
}

static void
iot_filter_bar_dispose (GObject *object)
{
  IotFilterBar *self = IOT_FILTER_BAR (object);

  g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  if (self->entry != NULL)
    gtk_entry_set_completion (self->entry, NULL);
  g_clear_object (&self->completion);
  gtk_widget_dispose_template (GTK_WIDGET (self), IOT_TYPE_FILTER_BAR);
  /* Template children that are not bound (the outer box) stay ours. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  g_clear_object (&self->history);
  g_clear_pointer (&self->saved, g_ptr_array_unref);
  G_OBJECT_CLASS (iot_filter_bar_parent_class)->dispose (object);
}

static void
iot_filter_bar_class_init (IotFilterBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = iot_filter_bar_dispose;
  widget_class->grab_focus = iot_filter_bar_grab_focus;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-filter-bar.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, IotFilterBar, entry);
  gtk_widget_class_bind_template_child (widget_class, IotFilterBar, apply_button);
  gtk_widget_class_bind_template_child (widget_class, IotFilterBar, message);
  gtk_widget_class_bind_template_child (widget_class, IotFilterBar, history_button);
  gtk_widget_class_bind_template_child (widget_class, IotFilterBar, save_button);
  gtk_widget_class_bind_template_child (widget_class, IotFilterBar, save_popover);
  gtk_widget_class_bind_template_child (widget_class, IotFilterBar, name_entry);
  gtk_widget_class_bind_template_child (widget_class, IotFilterBar, saved_box);
  gtk_widget_class_bind_template_child (widget_class, IotFilterBar, history_section);
  gtk_widget_class_bind_template_callback (widget_class, save_popover_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
  gtk_widget_class_install_action (widget_class, "filter.apply-text", "s", apply_text_action);
  gtk_widget_class_bind_template_callback (widget_class, changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, apply_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, icon_press_cb);
}

static void
iot_filter_bar_init (IotFilterBar *self)
{
  self->history = gtk_string_list_new (NULL);
  self->check_cancellable = g_cancellable_new ();
  self->saved = g_ptr_array_new_with_free_func ((GDestroyNotify) saved_filter_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (gtk_editable_get_delegate (GTK_EDITABLE (self->entry)), "insert-text",
                    G_CALLBACK (insert_text_cb), self);
  setup_completion (self);
  rebuild_history_menu (self);
  update_save_button (self);
}

GtkWidget *
iot_filter_bar_new (void)
{
  return g_object_new (IOT_TYPE_FILTER_BAR, NULL);
}
