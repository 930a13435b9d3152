/* iot-find-bar.c — Find Packet.
 *
 * The bar checks the text on the main thread (a filter or a regular
 * expression that does not compile is an error with its column, at once);
 * the search itself runs in a worker over a copy of the displayed frames
 * in the order shown, so a capture of a million frames never holds the
 * main loop up.  The worker compiles its own finder: compiled filters are
 * not shared between threads.
 */
#include "iot-find-bar.h"
#include "iot-app-test.h"

#include <glib/gi18n.h>

#include "iot-capture.h"

struct _IotFindBar {
  GtkWidget     parent_instance;

  GtkRevealer  *revealer;
  GtkDropDown  *mode_dropdown;
  GtkDropDown  *scope_dropdown;
  GtkCheckButton *case_check;
  GtkEntry     *entry;
  GtkLabel     *status;
  GtkButton    *previous_button;
  GtkButton    *next_button;

  IotSession   *session;
  GCancellable *search;     /* the running search, NULL when none */
};

G_DEFINE_FINAL_TYPE (IotFindBar, iot_find_bar, GTK_TYPE_WIDGET)

enum {
  SIGNAL_SEARCH_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What one search looks for and where; owned by its task. */
typedef struct {
  IotCapture   *capture;
  IotFindMode   mode;
  IotFindScope  scope;
  gboolean      case_sensitive;
  char         *text;
  GArray       *order;       /* displayed frame numbers, in the order shown;
                              * NULL: frames 1..n_items in frame order */
  guint         n_items;
  guint         start;       /* the first position checked */
  gboolean      backwards;
  /* Result. */
  gint64        found;       /* position; -1 when nothing matched */
  gboolean      wrapped;     /* found only after going round the end */
} FindJob;

static void
find_job_free (gpointer data)
{
  FindJob *job = data;

  iot_capture_unref (job->capture);
  g_clear_pointer (&job->order, g_array_unref);
  g_free (job->text);
  g_free (job);
}

static guint32
number_at (FindJob *job, guint position)
{
  return job->order != NULL ? g_array_index (job->order, guint32, position) : position + 1;
}

/* The position searched @i-th. */
static guint
search_position (FindJob *job, guint i)
{
  guint n = job->n_items;

  return job->backwards ? (job->start + n - i) % n : (job->start + i) % n;
}

static void
find_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  FindJob *job = task_data;
  g_autoptr (IotFinder) finder = NULL;
  g_autoptr (GError) error = NULL;
  IotEngine *engine = iot_capture_engine (job->capture);
  guint n = job->n_items;
  g_autofree guint32 *numbers = g_new (guint32, n);
  gint64 found;

  iot_worker_lower_priority ();
  finder = iot_finder_new (job->mode, job->scope, job->text, job->case_sensitive, NULL, &error);
  if (finder == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* The rows in search order: from the one after the selection on (or
   * before it, backwards), round the end to the selection itself. */
  for (guint i = 0; i < n; i++)
    numbers[i] = number_at (job, search_position (job, i));
  if (!iot_finder_find (finder, engine, numbers, n, cancellable, &found, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  job->found = -1;
  if (found >= 0)
    {
      guint position = search_position (job, (guint) found);

      job->found = position;
      job->wrapped = job->backwards ? position > job->start : position < job->start;
    }
  g_task_return_boolean (task, TRUE);
}

/* ---- status -------------------------------------------------------------------- */

static void
set_status (IotFindBar *self, const char *text, gboolean error)
{
  gtk_label_set_text (self->status, text);
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status), "error");
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->entry), "find-invalid");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->entry), "find-invalid");
}

static void
set_searching (IotFindBar *self, gboolean searching)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->previous_button), !searching);
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), !searching);
}

static void
find_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  IotFindBar *self = IOT_FIND_BAR (source);
  GTask *task = G_TASK (result);
  FindJob *job = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  guint32 number = 0;

  if (!g_task_propagate_boolean (task, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;   /* a newer search or the end of the capture took over */
      g_clear_object (&self->search);
      set_searching (self, FALSE);
      set_status (self, error->message, TRUE);
      g_signal_emit (self, signals[SIGNAL_SEARCH_FINISHED], 0, 0u);
      return;
    }
  g_clear_object (&self->search);
  set_searching (self, FALSE);
  if (job->found < 0)
    {
      text = g_strdup_printf (_("No displayed packet matches “%s”"), job->text);
      set_status (self, text, TRUE);
      gtk_widget_error_bell (GTK_WIDGET (self));
    }
  else
    {
      number = number_at (job, job->found);
      if (job->wrapped)
        text = g_strdup_printf (job->backwards ? _("Packet %u (wrapped past the first packet)")
                                : _("Packet %u (wrapped past the last packet)"), number);
      else
        text = g_strdup_printf (_("Packet %u"), number);
      set_status (self, text, FALSE);
      /* The list follows the session's selection and scrolls to it. */
      iot_session_select_frame (self->session, number);
    }
  g_signal_emit (self, signals[SIGNAL_SEARCH_FINISHED], 0, number);
}

static void
cancel_search (IotFindBar *self)
{
  if (self->search == NULL)
    return;
  g_cancellable_cancel (self->search);
  g_clear_object (&self->search);
  set_searching (self, FALSE);
}

/* ---- searching ----------------------------------------------------------------- */

static IotFindMode
current_mode (IotFindBar *self)
{
  return (IotFindMode) gtk_drop_down_get_selected (self->mode_dropdown);
}

static IotFindScope
current_scope (IotFindBar *self)
{
  return (IotFindScope) gtk_drop_down_get_selected (self->scope_dropdown);
}

/* The displayed frames in the order the list shows them; NULL when that
 * is every frame in frame order (nothing to copy for a million frames). */
static GArray *
displayed_order (IotFindBar *self)
{
  IotFrameList *frames = iot_session_get_frames (self->session);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (frames));
  GArray *order;

  if (!iot_frame_list_is_sorted (frames))
    return iot_frame_list_is_filtered (frames) ? iot_frame_list_dup_displayed (frames) : NULL;
  order = g_array_sized_new (FALSE, FALSE, sizeof (guint32), n);
  for (guint position = 0; position < n; position++)
    {
      guint32 number = iot_frame_list_number_at (frames, position);

      g_array_append_val (order, number);
    }
  return order;
}

gboolean
iot_find_bar_find (IotFindBar *self, gboolean backwards)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  IotCapture *capture = self->session != NULL ? iot_session_get_capture (self->session) : NULL;
  g_autoptr (IotFinder) check = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GTask) task = NULL;
  IotFrameList *frames;
  FindJob *job;
  guint32 selected;
  guint position, column = 0;

  g_return_val_if_fail (IOT_IS_FIND_BAR (self), FALSE);
  g_return_val_if_fail (self->session != NULL, FALSE);
  cancel_search (self);
  check = iot_finder_new (current_mode (self), current_scope (self), text,
                          gtk_check_button_get_active (self->case_check), &column, &error);
  if (check == NULL)
    {
      set_status (self, error->message, TRUE);
      return FALSE;
    }
  frames = iot_session_get_frames (self->session);
  if (capture == NULL || g_list_model_get_n_items (G_LIST_MODEL (frames)) == 0)
    {
      set_status (self, _("No packets to search"), TRUE);
      return FALSE;
    }

  job = g_new0 (FindJob, 1);
  job->capture = iot_capture_ref (capture);
  job->mode = current_mode (self);
  job->scope = current_scope (self);
  job->case_sensitive = gtk_check_button_get_active (self->case_check);
  job->text = g_strdup (text);
  job->order = displayed_order (self);
  job->n_items = g_list_model_get_n_items (G_LIST_MODEL (frames));
  if (job->order != NULL)
    job->n_items = MIN (job->n_items, job->order->len);
  job->backwards = backwards;
  selected = iot_session_get_selected_frame (self->session);
  /* From the frame after (before) the selected one; the selected one
   * itself is checked last, after going round. */
  if (selected != 0 && iot_frame_list_find (frames, selected, &position))
    job->start = backwards ? (position + job->n_items - 1) % job->n_items : (position + 1) % job->n_items;
  else
    job->start = backwards ? job->n_items - 1 : 0;

  self->search = g_cancellable_new ();
  set_searching (self, TRUE);
  set_status (self, _("Searching…"), FALSE);
  task = g_task_new (self, self->search, find_done_cb, NULL);
  g_task_set_task_data (task, job, find_job_free);
  g_task_set_name (task, "find packet");
  g_task_run_in_thread (task, find_thread);
  return TRUE;
}

gboolean
iot_find_bar_is_searching (IotFindBar *self)
{
  return self->search != NULL;
}

/* ---- the widgets ------------------------------------------------------------------ */

static const char *const placeholders[] = {
  [IOT_FIND_FILTER] = N_("Display filter, e.g. mqtt.topic contains \"temp\""),
  [IOT_FIND_HEX] = N_("Hex bytes, e.g. 00 1b 63 or 001b63"),
  [IOT_FIND_STRING] = N_("Text to look for"),
  [IOT_FIND_REGEX] = N_("Regular expression, e.g. temp(erature)?=\\d+"),
};

static void
options_changed_cb (IotFindBar *self)
{
  /* A message about the last text no longer applies. */
  cancel_search (self);
  set_status (self, "", FALSE);
}

static void
mode_changed_cb (IotFindBar *self)
{
  IotFindMode mode = current_mode (self);
  gboolean textual = mode == IOT_FIND_STRING || mode == IOT_FIND_REGEX;

  gtk_widget_set_sensitive (GTK_WIDGET (self->scope_dropdown), textual);
  gtk_widget_set_sensitive (GTK_WIDGET (self->case_check), textual);
  if (mode < G_N_ELEMENTS (placeholders))
    gtk_entry_set_placeholder_text (self->entry, _(placeholders[mode]));
  options_changed_cb (self);
}

static void
entry_activate_cb (IotFindBar *self)
{
  iot_find_bar_find (self, FALSE);
}

static void
next_clicked_cb (IotFindBar *self)
{
  iot_find_bar_find (self, FALSE);
}

static void
previous_clicked_cb (IotFindBar *self)
{
  iot_find_bar_find (self, TRUE);
}

static void
close_clicked_cb (IotFindBar *self)
{
  iot_find_bar_dismiss (self);
}

/* Shift+Enter looks backwards; Escape closes the bar. */
static gboolean
entry_key_cb (GtkEventControllerKey *controller, guint keyval, guint keycode, GdkModifierType state,
              IotFindBar *self)
{
  if ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter) && (state & GDK_SHIFT_MASK))
    {
      iot_find_bar_find (self, TRUE);
      return TRUE;
    }
  if (keyval == GDK_KEY_Escape)
    {
      iot_find_bar_dismiss (self);
      return TRUE;
    }
  return FALSE;
}

/* A new capture or another filter: the positions of a running search no
 * longer mean what they did. */
static void
view_changed_cb (IotFindBar *self)
{
  cancel_search (self);
}

void
iot_find_bar_set_session (IotFindBar *self, IotSession *session)
{
  g_return_if_fail (IOT_IS_FIND_BAR (self));
  g_return_if_fail (self->session == NULL);

  self->session = g_object_ref (session);
  g_signal_connect_object (session, "notify::path", G_CALLBACK (view_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (iot_session_get_frames (session), "about-to-change", G_CALLBACK (view_changed_cb),
                           self, G_CONNECT_SWAPPED);
}

void
iot_find_bar_reveal (IotFindBar *self)
{
  g_return_if_fail (IOT_IS_FIND_BAR (self));
  gtk_revealer_set_reveal_child (self->revealer, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

void
iot_find_bar_dismiss (IotFindBar *self)
{
  g_return_if_fail (IOT_IS_FIND_BAR (self));
  cancel_search (self);
  gtk_revealer_set_reveal_child (self->revealer, FALSE);
}


void
iot_find_bar_set_mode (IotFindBar *self, IotFindMode mode)
{
  gtk_drop_down_set_selected (self->mode_dropdown, mode);
}

void
iot_find_bar_set_scope (IotFindBar *self, IotFindScope scope)
{
  gtk_drop_down_set_selected (self->scope_dropdown, scope);
}

void
iot_find_bar_set_case_sensitive (IotFindBar *self, gboolean case_sensitive)
{
  gtk_check_button_set_active (self->case_check, case_sensitive);
}

GtkEntry *
iot_find_bar_get_entry (IotFindBar *self)
{
  return self->entry;
}

static void
iot_find_bar_dispose (GObject *object)
{
  IotFindBar *self = IOT_FIND_BAR (object);

  cancel_search (self);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (iot_session_get_frames (self->session), self);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), IOT_TYPE_FIND_BAR);
  G_OBJECT_CLASS (iot_find_bar_parent_class)->dispose (object);
}

static void
iot_find_bar_class_init (IotFindBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = iot_find_bar_dispose;

  /* A search ended: the frame it selected, 0 when none. */
  signals[SIGNAL_SEARCH_FINISHED] =
    g_signal_new ("search-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-find-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, IotFindBar, revealer);
  gtk_widget_class_bind_template_child (widget_class, IotFindBar, mode_dropdown);
  gtk_widget_class_bind_template_child (widget_class, IotFindBar, scope_dropdown);
  gtk_widget_class_bind_template_child (widget_class, IotFindBar, case_check);
  gtk_widget_class_bind_template_child (widget_class, IotFindBar, entry);
  gtk_widget_class_bind_template_child (widget_class, IotFindBar, status);
  gtk_widget_class_bind_template_child (widget_class, IotFindBar, previous_button);
  gtk_widget_class_bind_template_child (widget_class, IotFindBar, next_button);
  gtk_widget_class_bind_template_callback (widget_class, options_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, mode_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, next_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, previous_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, close_clicked_cb);
}

static void
iot_find_bar_init (IotFindBar *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (entry_key_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->entry), keys);
  mode_changed_cb (self);
}

GtkWidget *
iot_find_bar_new (void)
{
  return g_object_new (IOT_TYPE_FIND_BAR, NULL);
}
