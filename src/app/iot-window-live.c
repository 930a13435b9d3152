/* iot-window-live.c — live capture in the main window: Capture Options,
 * the capture actions, following the newest rows, and the questions about
 * unsaved packets.  IotLiveControl runs the capture itself; this file
 * shows what it says. */
#include "iot-window-private.h"
#include "iot-app-test.h"

#include <glib/gi18n.h>

/* ---- the newest rows ---------------------------------------------------------- */

static void
scroll_to_newest (IotWindow *self)
{
  if (!self->auto_scroll)
    return;
  /* Scrolling, not selecting: a selection would dissect every new
   * frame for the tree and the bytes pane.  To the row, not to the
   * scrollbar's end, which still ends at the rows of the last layout. */
  iot_packet_list_scroll_to_end (self->packet_list);
}

static gboolean
scroll_idle_cb (gpointer data)
{
  IotWindow *self = data;

  self->scroll_id = 0;
  scroll_to_newest (self);
  return G_SOURCE_REMOVE;
}

/* Scrolling re-binds every row the list keeps widgets for (up to 200):
 * in a main-loop iteration of its own, not in the one that gave the list
 * its new rows; still before the next frame is drawn. */
void
iot_window_queue_scroll_to_newest (IotWindow *self)
{
  if (self->scroll_id == 0)
    self->scroll_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 10, scroll_idle_cb, self, NULL);
}

static void
auto_scroll_changed (GSimpleAction *action, GVariant *state, gpointer data)
{
  IotWindow *self = data;

  self->auto_scroll = g_variant_get_boolean (state);
  g_simple_action_set_state (action, state);
  scroll_to_newest (self);
}

/* ---- what the capture says ---------------------------------------------------- */

static void
update_capture_actions (IotWindow *self)
{
  gboolean running = iot_live_control_is_running (self->live);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.capture-start", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.capture-stop", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.capture-restart",
                                 running || iot_live_control_has_last_options (self->live));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.capture-options", !running);
}

static void
running_cb (IotLiveControl *live, GParamSpec *pspec, IotWindow *self)
{
  update_capture_actions (self);
  if (!iot_live_control_is_running (live))
    return;     /* the rest changes once every frame is shown */
  iot_window_update_save_actions (self);
  iot_window_update_status (self);
}

static void
stats_changed_cb (IotLiveControl *live, IotWindow *self)
{
  iot_window_update_status (self);
}

static void
stopped_response_cb (GtkDialog *dialog, int response, IotWindow *self)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
  if (response == GTK_RESPONSE_ACCEPT)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.save-as", NULL);
  else if (response == GTK_RESPONSE_REJECT)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.capture-discard", NULL);
}

/* The capture is in a temporary file: save it, keep looking at it, or drop it. */
static void
ask_after_stop (IotWindow *self)
{
  GtkWidget *dialog;

  if (!self->show_dialogs)
    return;
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE, _("Capture stopped"));
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                            _("The packets are in a temporary file. Save them, or discard them?"));
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), _("_Discard"), GTK_RESPONSE_REJECT, _("_Keep Looking"), GTK_RESPONSE_CLOSE,
                          _("_Save As…"), GTK_RESPONSE_ACCEPT, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  g_signal_connect (dialog, "response", G_CALLBACK (stopped_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Whether the window still shows the stopped capture's unsaved file. */
static gboolean
shows_unsaved_capture (IotWindow *self)
{
  return iot_live_control_has_unsaved (self->live) && !iot_live_control_is_restarting (self->live)
         && g_strcmp0 (iot_session_get_path (self->session), iot_live_control_get_path (self->live)) == 0;
}

/* Every captured frame is shown: the capture has really ended. */
static void
ended_cb (IotLiveControl *live, const char *error, IotWindow *self)
{
  scroll_to_newest (self);
  update_capture_actions (self);
  iot_window_update_save_actions (self);
  iot_window_update_status (self);
  if (error != NULL)
    iot_window_show_error (self, _("The capture stopped"), error);
  else if (shows_unsaved_capture (self))
    ask_after_stop (self);
  g_signal_emit_by_name (self, "capture-finished");
}

/* The error of a start, with what to do about it (a permission error
 * from iotscope-capture already says how to get the rights). */
static void
show_start_error (IotWindow *self, const GError *error)
{
  g_autofree char *detail = NULL;

  if (g_error_matches (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_PERMISSION))
    detail = g_strdup_printf (_("%s\n\n"
                              "iotscope itself never holds capture rights: it runs iotscope-capture, the only "
                              "program that needs them."), error->message);
  else
    detail = g_strdup (error->message);
  iot_window_show_error (self, _("Cannot start the capture"), detail);
}

static void
restart_failed_cb (IotLiveControl *live, const GError *error, IotWindow *self)
{
  show_start_error (self, error);
}

/* ---- starting and stopping ---------------------------------------------------- */

gboolean
iot_window_start_capture (IotWindow *self, const char *const *interfaces, const char *filter,
                          gboolean promiscuous, gboolean monitor, GError **error)
{
  g_return_val_if_fail (IOT_IS_WINDOW (self), FALSE);
  return iot_live_control_start (self->live, interfaces, filter, promiscuous, monitor, error);
}

void
iot_window_stop_capture (IotWindow *self)
{
  g_return_if_fail (IOT_IS_WINDOW (self));
  iot_live_control_stop (self->live);
}

gboolean
iot_window_is_capturing (IotWindow *self)
{
  return iot_live_control_is_running (self->live);
}

gboolean
iot_window_has_unsaved_capture (IotWindow *self)
{
  return iot_live_control_has_unsaved (self->live);
}

void
iot_window_get_capture_stats (IotWindow *self, IotLiveStats *stats)
{
  g_return_if_fail (IOT_IS_WINDOW (self));
  iot_live_control_get_stats (self->live, stats);
}

void
iot_window_set_capture_limits (IotWindow *self, const IotCaptureLimits *limits)
{
  g_return_if_fail (IOT_IS_WINDOW (self));
  iot_live_control_set_limits (self->live, limits);
}

static void
start_again (IotWindow *self)
{
  g_autoptr (GError) error = NULL;

  if (!iot_live_control_start_again (self->live, &error))
    show_start_error (self, error);
}

/* ---- Capture Options ---------------------------------------------------------- */

static void
capture_dialog_start_cb (IotCaptureDialog *dialog, IotWindow *self)
{
  g_auto (GStrv) names = iot_capture_dialog_dup_interfaces (dialog);
  g_autoptr (GError) error = NULL;
  IotCaptureLimits limits;

  /* What the dialog does not show (a buffer in KiB) stays as it was. */
  iot_live_control_get_limits (self->live, &limits);
  iot_capture_dialog_get_limits (dialog, &limits);
  iot_live_control_set_limits (self->live, &limits);
  if (!iot_window_start_capture (self, (const char *const *) names, iot_capture_dialog_get_filter (dialog),
                                 iot_capture_dialog_get_promiscuous (dialog),
                                 iot_capture_dialog_get_monitor (dialog), &error))
    {
      show_start_error (self, error);
      return;
    }
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* The dialog opens with the choice of the last start. */
static void
preset_capture_dialog (IotWindow *self, IotCaptureDialog *dialog)
{
  const char *const *interfaces = iot_live_control_get_interfaces (self->live);
  IotCaptureLimits limits;

  if (iot_live_control_get_filter (self->live) != NULL)
    iot_capture_dialog_set_filter (dialog, iot_live_control_get_filter (self->live));
  iot_live_control_get_limits (self->live, &limits);
  iot_capture_dialog_set_limits (dialog, &limits);
  for (guint i = 0; interfaces != NULL && interfaces[i] != NULL; i++)
    iot_capture_dialog_select_interface (dialog, interfaces[i]);
}

IotCaptureDialog *
iot_window_show_capture_dialog (IotWindow *self)
{
  g_return_val_if_fail (IOT_IS_WINDOW (self), NULL);
  if (self->capture_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->capture_dialog));
      return self->capture_dialog;
    }
  self->capture_dialog = iot_capture_dialog_new (GTK_WINDOW (self));
  g_object_add_weak_pointer (G_OBJECT (self->capture_dialog), (gpointer *) &self->capture_dialog);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (self->capture_dialog), TRUE);
  preset_capture_dialog (self, self->capture_dialog);
  g_signal_connect_object (self->capture_dialog, "start", G_CALLBACK (capture_dialog_start_cb), self, 0);
  gtk_window_present (GTK_WINDOW (self->capture_dialog));
  return self->capture_dialog;
}

/* ---- actions ------------------------------------------------------------------ */

static void
capture_options_action (GtkWidget *widget, const char *name, GVariant *param)
{
  iot_window_show_capture_dialog (IOT_WINDOW (widget));
}

static void
capture_start_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotWindow *self = IOT_WINDOW (widget);

  if (iot_live_control_is_running (self->live))
    return;
  if (!iot_live_control_has_last_options (self->live))
    iot_window_show_capture_dialog (self);
  else
    start_again (self);
}

static void
capture_stop_action (GtkWidget *widget, const char *name, GVariant *param)
{
  iot_window_stop_capture (IOT_WINDOW (widget));
}

/* Ctrl+E, as in Wireshark: starts or stops. */
static void
capture_toggle_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotWindow *self = IOT_WINDOW (widget);

  if (iot_live_control_is_running (self->live))
    iot_window_stop_capture (self);
  else
    capture_start_action (widget, name, param);
}

/* A new capture with the same options; the stopped one's file is
 * dropped, as Wireshark does. */
static void
capture_restart_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotWindow *self = IOT_WINDOW (widget);
  g_autoptr (GError) error = NULL;

  if (!iot_live_control_restart (self->live, &error))
    show_start_error (self, error);
}

/* After a stop: discarding closes the capture and deletes its file. */
static void
discard_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotWindow *self = IOT_WINDOW (widget);

  if (!iot_live_control_discard (self->live))
    return;
  iot_window_update_status (self);
  iot_window_update_save_actions (self);
}

/* ---- closing ------------------------------------------------------------------ */

/* Closing with captured frames not saved: ask. */
static void
close_confirm_response_cb (GtkDialog *dialog, int response, IotWindow *self)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
  if (response == GTK_RESPONSE_ACCEPT)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.save-as", NULL);
  else if (response == GTK_RESPONSE_REJECT)
    {
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
    }
}

gboolean
iot_window_confirm_close (IotWindow *self)
{
  GtkWidget *dialog;

  if (self->close_confirmed || !self->show_dialogs
      || (!iot_live_control_has_unsaved (self->live) && !iot_live_control_is_running (self->live)))
    return TRUE;
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   _("Save the captured packets before closing?"));
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                            _("The capture is in a temporary file that is deleted on closing."));
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), _("_Discard"), GTK_RESPONSE_REJECT, _("_Cancel"), GTK_RESPONSE_CANCEL,
                          _("_Save As…"), GTK_RESPONSE_ACCEPT, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  g_signal_connect (dialog, "response", G_CALLBACK (close_confirm_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
  return FALSE;
}

/* ---- construction ------------------------------------------------------------- */

void
iot_window_live_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.capture-options", NULL, capture_options_action);
  gtk_widget_class_install_action (widget_class, "win.capture-start", NULL, capture_start_action);
  gtk_widget_class_install_action (widget_class, "win.capture-stop", NULL, capture_stop_action);
  gtk_widget_class_install_action (widget_class, "win.capture-toggle", NULL, capture_toggle_action);
  gtk_widget_class_install_action (widget_class, "win.capture-restart", NULL, capture_restart_action);
  gtk_widget_class_install_action (widget_class, "win.capture-discard", NULL, discard_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.capture-toggle", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.capture-restart", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, GDK_CONTROL_MASK, "win.capture-options", NULL);
}

void
iot_window_live_init (IotWindow *self)
{
  const GActionEntry entries[] = {
    { .name = "auto-scroll", .state = "true", .change_state = auto_scroll_changed },
  };

  self->auto_scroll = TRUE;
  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
  self->live = iot_live_control_new (self->session);
  g_signal_connect_object (self->live, "notify::running", G_CALLBACK (running_cb), self, 0);
  g_signal_connect_object (self->live, "stats-changed", G_CALLBACK (stats_changed_cb), self, 0);
  g_signal_connect_object (self->live, "ended", G_CALLBACK (ended_cb), self, 0);
  g_signal_connect_object (self->live, "restart-failed", G_CALLBACK (restart_failed_cb), self, 0);
  update_capture_actions (self);
}

void
iot_window_live_dispose (IotWindow *self)
{
  g_clear_handle_id (&self->scroll_id, g_source_remove);
  if (self->capture_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->capture_dialog));
  /* Stops the capture, waits for its threads and deletes its file. */
  if (self->live != NULL)
    g_object_run_dispose (G_OBJECT (self->live));
  g_clear_object (&self->live);
}
