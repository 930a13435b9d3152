/* iot-window-status.c — the main window's status bar: file, frame counts,
 * the live capture's counters, expert info and decrypted TLS sessions. */
#include "iot-window-private.h"

#include <glib/gi18n.h>

#include "iot-tls-sessions.h"

/* ---- status ------------------------------------------------------------------- */

/* Packets lost before they reached the file: the kernel's buffer was
 * full, or the interface dropped them.  Always shown while capturing (a
 * zero says none were lost); after, only when some were. */
static void
append_drops (GString *counts, const IotLiveStats *stats, gboolean always)
{
  guint64 dropped = stats->dropped + stats->if_dropped;

  if (dropped == 0 && !always)
    return;
  g_string_append_printf (counts, _("Dropped: %llu"), (unsigned long long) dropped);
  if (stats->if_dropped > 0)
    g_string_append_printf (counts, _(" (kernel %llu, interface %llu)"),
                            (unsigned long long) stats->dropped, (unsigned long long) stats->if_dropped);
  g_string_append (counts, " · ");
}

/* The status bar changes at every live update: only what differs goes to
 * the widgets.  A tooltip set again costs GTK 4.8 round trips to the X
 * server (it looks for the pointer), and a style class taken off and put
 * back restyles the label. */
static void
set_tooltip_if_changed (GtkWidget *widget, const char *text)
{
  if (g_strcmp0 (gtk_widget_get_tooltip_text (widget), text) != 0)
    gtk_widget_set_tooltip_text (widget, text);
}

static void
set_label_if_changed (GtkLabel *label, const char *text)
{
  if (g_strcmp0 (gtk_label_get_text (label), text) != 0)
    gtk_label_set_text (label, text);
}

static void
set_expert_class (GtkWidget *label, const char *wanted)
{
  static const char *const classes[] = { "expert-error", "expert-warn", "expert-none" };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    if (g_strcmp0 (classes[i], wanted) != 0 && gtk_widget_has_css_class (label, classes[i]))
      gtk_widget_remove_css_class (label, classes[i]);
  if (wanted != NULL && !gtk_widget_has_css_class (label, wanted))
    gtk_widget_add_css_class (label, wanted);
}

/* What the live capture adds in front of the counts: its counters while
 * it runs; once stopped, on its own file, whether it was saved and what
 * it lost. */
static void
append_capture_state (IotWindow *self, GString *counts, const char *path)
{
  IotLiveStats stats;

  iot_live_control_get_stats (self->live, &stats);
  if (iot_live_control_is_running (self->live))
    {
      g_string_append_printf (counts, _("Capturing · Captured: %llu · "), (unsigned long long) stats.captured);
      append_drops (counts, &stats, TRUE);
    }
  else if (g_strcmp0 (path, iot_live_control_get_path (self->live)) == 0)
    {
      /* The file of the last capture: what it lost stays in view. */
      if (iot_live_control_has_unsaved (self->live))
        g_string_append (counts, _("Unsaved capture · "));
      append_drops (counts, &stats, FALSE);
    }
}

/* The file, the window's title, and the welcome page when none is open. */
static void
show_file (IotWindow *self, const char *path)
{
  g_autofree char *base = path != NULL ? g_path_get_basename (path) : NULL;

  /* Called at each live update: the title goes to the display server
   * only when it changes. */
  set_label_if_changed (self->status_file, path != NULL ? path : _("No capture open — drop a pcap or pcapng file here"));
  if (g_strcmp0 (gtk_window_get_title (GTK_WINDOW (self)), base != NULL ? base : "iotscope") != 0)
    gtk_window_set_title (GTK_WINDOW (self), base != NULL ? base : "iotscope");
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), path != NULL ? "capture" : "welcome") != 0)
    gtk_stack_set_visible_child_name (self->content_stack, path != NULL ? "capture" : "welcome");
}

void
iot_window_update_status (IotWindow *self)
{
  const char *path = iot_session_get_path (self->session);
  guint32 total = iot_session_get_n_total (self->session);
  guint displayed = iot_session_get_n_displayed (self->session);
  g_autoptr (GString) counts = g_string_new (NULL);

  show_file (self, path);
  if (path == NULL)
    {
      gtk_label_set_text (self->status_counts, "");
      return;
    }
  append_capture_state (self, counts, path);
  g_string_append_printf (counts, _("Frames: %u"), total);
  if (iot_session_get_filter_text (self->session) != NULL)
    g_string_append_printf (counts, _(" · Displayed: %u (%.1f%%)"), displayed,
                            total > 0 ? 100.0 * displayed / total : 0.0);
  if (iot_session_get_load_partial (self->session))
    g_string_append_printf (counts, _(" · Loading cancelled: the first %u of %u frames are shown"), total,
                            iot_session_get_n_in_file (self->session));
  else if (iot_session_get_load_seconds (self->session) > 0)
    g_string_append_printf (counts, _(" · Load time: %.2f s"), iot_session_get_load_seconds (self->session));
  set_label_if_changed (self->status_counts, counts->str);
}

/* Expert info of the displayed frames, counted by the workers. */
void
iot_window_update_expert (IotWindow *self)
{
  guint n_errors = 0, n_warnings = 0;
  GtkWidget *label = GTK_WIDGET (self->status_expert);
  g_autofree char *text = NULL;

  if (iot_session_get_path (self->session) == NULL)
    {
      set_expert_class (label, NULL);
      gtk_widget_set_visible (label, FALSE);
      return;
    }
  gtk_widget_set_visible (label, TRUE);
  if (!iot_session_get_expert_counts (self->session, &n_errors, &n_warnings))
    {
      set_expert_class (label, NULL);
      set_label_if_changed (GTK_LABEL (label), _("Expert: …"));
      set_tooltip_if_changed (label, _("Expert info is being counted"));
      return;
    }
  if (n_errors > 0)
    text = g_strdup_printf (_("Errors: %u · Warnings: %u"), n_errors, n_warnings);
  else if (n_warnings > 0)
    text = g_strdup_printf (_("Warnings: %u"), n_warnings);
  else
    text = g_strdup (_("No expert warnings"));
  set_label_if_changed (GTK_LABEL (label), text);
  set_expert_class (label, n_errors > 0 ? "expert-error" : n_warnings > 0 ? "expert-warn" : "expert-none");
  set_tooltip_if_changed (label, _("Displayed frames whose most severe expert item is an error or a warning "
                                 "(filter with _ws.expert.severity); click for Expert Information"));
}

/* ---- TLS sessions decrypted --------------------------------------------------- */

typedef struct {
  IotCapture *capture;
  guint       n, n_decrypted;
} TlsCountJob;

static void
tls_count_job_free (gpointer data)
{
  TlsCountJob *job = data;

  iot_capture_unref (job->capture);
  g_free (job);
}

static void
tls_count_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  TlsCountJob *job = task_data;
  g_autoptr (IotTlsSessions) sessions = iot_tls_sessions_new ();

  iot_worker_lower_priority ();
  if (!iot_tls_sessions_scan (sessions, iot_capture_engine (job->capture), cancellable))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
      return;
    }
  job->n = iot_tls_sessions_n (sessions);
  job->n_decrypted = iot_tls_sessions_n_decrypted (sessions);
  g_task_return_boolean (task, TRUE);
}

static void
tls_count_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  IotWindow *self = IOT_WINDOW (source);
  TlsCountJob *job = g_task_get_task_data (G_TASK (result));
  g_autofree char *text = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    return;   /* cancelled: another count replaces it */
  g_clear_object (&self->tls_count);
  gtk_widget_set_visible (GTK_WIDGET (self->status_tls), job->n > 0);
  text = g_strdup_printf ("%u of %u TLS session%s decrypted", job->n_decrypted, job->n, job->n == 1 ? "" : "s");
  gtk_label_set_text (self->status_tls, job->n > 0 ? text : "");
  g_signal_emit_by_name (self, "tls-status-changed");
}

/* Counts, in a worker, the TLS and DTLS sessions of the loaded capture
 * and those the secrets decrypt. */
void
iot_window_count_tls_sessions (IotWindow *self)
{
  IotCapture *capture = iot_session_get_capture (self->session);
  g_autoptr (GTask) task = NULL;
  TlsCountJob *job;

  if (self->tls_count != NULL)
    g_cancellable_cancel (self->tls_count);
  g_clear_object (&self->tls_count);
  if (capture == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->status_tls), FALSE);
      return;
    }
  self->tls_count = g_cancellable_new ();
  job = g_new0 (TlsCountJob, 1);
  job->capture = iot_capture_ref (capture);
  task = g_task_new (self, self->tls_count, tls_count_done_cb, NULL);
  g_task_set_task_data (task, job, tls_count_job_free);
  g_task_run_in_thread (task, tls_count_thread);
}

static void
load_finished_cb (IotSession *session, IotWindow *self)
{
  if (!iot_session_is_live (session))
    iot_window_count_tls_sessions (self);
}

/* The count in the status bar opens the place to add secrets. */
static void
tls_status_clicked_cb (GtkGestureClick *gesture, int n_press, double x, double y, IotWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "app.preferences", NULL);
}

/* The expert counts in the status bar open Expert Information, as users
 * of other analyzers expect. */
static void
expert_clicked_cb (GtkGestureClick *gesture, int n_press, double x, double y, IotWindow *self)
{
  /* Does nothing while the action is disabled (loading, capturing). */
  gtk_widget_activate_action (GTK_WIDGET (self), "win.analysis", "s", "expert");
}

static void
make_clickable (GtkWidget *label, GCallback released, IotWindow *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  g_signal_connect (click, "released", released, self);
  gtk_widget_add_controller (label, GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_cursor_from_name (label, "pointer");
}

void
iot_window_status_init (IotWindow *self)
{
  g_signal_connect_object (self->session, "load-finished", G_CALLBACK (load_finished_cb), self, 0);
  make_clickable (GTK_WIDGET (self->status_expert), G_CALLBACK (expert_clicked_cb), self);
  make_clickable (GTK_WIDGET (self->status_tls), G_CALLBACK (tls_status_clicked_cb), self);
  iot_window_update_status (self);
  iot_window_update_expert (self);
}

void
iot_window_status_dispose (IotWindow *self)
{
  if (self->tls_count != NULL)
    g_cancellable_cancel (self->tls_count);
  g_clear_object (&self->tls_count);
}
