/* iot-window.c — the main window: its class and template, construction,
 * what it shows of the session (progress, the field description,
 * problems), and the settings it remembers.  The other concerns have
 * files of their own (see iot-window-private.h). */
#include "iot-window-private.h"

#include <glib/gi18n.h>

#include "iot-colour-rules.h"
#include "iot-column-prefs.h"
#include "iot-dissect-settings.h"
#include "iot-secrets-settings.h"
#include "iot-welcome-page.h"
#include "iot-window-notes.h"

G_DEFINE_FINAL_TYPE (IotWindow, iot_window, GTK_TYPE_APPLICATION_WINDOW)

/* ---- what the session says ---------------------------------------------------- */

static void
status_cb (IotSession *session, GParamSpec *pspec, IotWindow *self)
{
  /* Not while the list makes its first row widgets a step at a time:
   * each step would scroll, and so repaint, the whole list. */
  if (iot_session_is_live (session) && g_str_equal (pspec->name, "n-displayed")
      && !iot_session_live_rows_held (session))
    iot_window_queue_scroll_to_newest (self);
  iot_window_update_status (self);
  iot_window_update_expert (self);
  iot_window_update_save_actions (self);
}

static void
busy_cb (IotSession *session, GParamSpec *pspec, IotWindow *self)
{
  gtk_revealer_set_reveal_child (self->progress_revealer, iot_session_is_busy (session));
  gtk_progress_bar_set_fraction (self->progress_bar, iot_session_get_progress (session));
  gtk_progress_bar_set_text (self->progress_bar, iot_session_get_busy_text (session));
}

/* The teaching line: what the selected field is. */
static void
selected_node_cb (IotSession *session, GParamSpec *pspec, IotWindow *self)
{
  IotPacket *pkt = iot_session_get_packet (session);
  int node = iot_session_get_selected_node (session);
  const IotField *field = pkt != NULL && node >= 0 ? iot_packet_node (pkt, node)->field : NULL;
  g_autofree char *markup = NULL;

  if (field == NULL)
    {
      gtk_label_set_text (self->description,
                          pkt != NULL ? _("Select a row of the tree to see what it means.")
                                      : _("Select a packet to see its protocol layers."));
      return;
    }
  markup = g_markup_printf_escaped ("<b>%s</b> (<tt>%s</tt>)%s%s", field->name, field->abbrev,
                                    field->blurb != NULL ? " — " : "",
                                    field->blurb != NULL ? field->blurb : "");
  gtk_label_set_markup (self->description, markup);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->description), field->blurb);
}

static void
problem_cb (IotSession *session, const char *title, const char *detail, IotWindow *self)
{
  GtkWidget *dialog;

  g_message ("%s: %s", title, detail);
  if (!self->show_dialogs)
    return;
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "%s", title);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", detail);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
iot_window_show_error (IotWindow *self, const char *title, const char *detail)
{
  problem_cb (self->session, title, detail, self);
}

static void
selected_frame_cb (IotSession *session, GParamSpec *pspec, IotWindow *self)
{
  iot_window_update_follow_actions (self);
}

static void
columns_changed_cb (IotPacketList *list, IotWindow *self)
{
  g_auto (GStrv) hidden = NULL;

  if (self->settings == NULL || self->restoring)
    return;
  hidden = iot_packet_list_dup_hidden_columns (list);
  g_settings_set_strv (self->settings, "hidden-columns", (const char *const *) hidden);
}

/* ---- settings ----------------------------------------------------------------- */

static void
restore_hidden_columns (IotWindow *self)
{
  g_auto (GStrv) hidden = g_settings_get_strv (self->settings, "hidden-columns");

  /* Not saved back while they are being put back. */
  self->restoring = TRUE;
  iot_packet_list_set_hidden_columns (self->packet_list, (const char *const *) hidden);
  self->restoring = FALSE;
}

static void
restore_settings (IotWindow *self)
{
  g_autoptr (GVariant) widths = NULL;
  g_autofree char *time_format = NULL;
  GActionGroup *group = G_ACTION_GROUP (self);

  if (self->settings == NULL)
    return;
  gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  gtk_paned_set_position (self->outer_paned, g_settings_get_int (self->settings, "list-pane-height"));
  gtk_paned_set_position (self->inner_paned, g_settings_get_int (self->settings, "tree-pane-height"));
  widths = g_settings_get_value (self->settings, "column-widths");
  iot_packet_list_restore_widths (self->packet_list, widths);
  restore_hidden_columns (self);
  time_format = g_settings_get_string (self->settings, "time-format");
  g_action_group_change_action_state (group, "time-format", g_variant_new_string (time_format));
  g_action_group_change_action_state (group, "colorize",
                                      g_variant_new_boolean (g_settings_get_boolean (self->settings, "colorize")));
}

static void
save_settings (IotWindow *self)
{
  int width, height;

  if (self->settings == NULL)
    return;
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_int (self->settings, "list-pane-height", gtk_paned_get_position (self->outer_paned));
  g_settings_set_int (self->settings, "tree-pane-height", gtk_paned_get_position (self->inner_paned));
  g_settings_set_value (self->settings, "column-widths", iot_packet_list_save_widths (self->packet_list));
  g_settings_apply (self->settings);
}

static gboolean
iot_window_close_request (GtkWindow *window)
{
  IotWindow *self = IOT_WINDOW (window);

  if (!iot_window_confirm_close (self))
    return TRUE;
  save_settings (self);
  iot_session_cancel (self->session);
  return GTK_WINDOW_CLASS (iot_window_parent_class)->close_request (window);
}

/* ---- construction ------------------------------------------------------------- */

IotWindow *
iot_window_new (GtkApplication *app, GSettings *settings)
{
  IotWindow *self = g_object_new (IOT_TYPE_WINDOW, "application", app, NULL);

  g_set_object (&self->settings, settings);
  iot_filter_bar_set_settings (self->filter_bar, settings);
  /* The store follows the settings before this window dissects again. */
  iot_secrets_settings_watch (settings, NULL);
  iot_dissect_settings_watch (settings);
  if (settings != NULL)
    {
      iot_window_files_watch_settings (self, settings);
      iot_window_actions_watch_settings (self, settings);
    }
  restore_settings (self);
  /* After the hidden columns are restored: the arrangement starts from them. */
  iot_column_prefs_attach (GTK_WIDGET (self), self->packet_list, self->session, settings);
  iot_colour_rules_attach (self, settings);
  return self;
}

IotSession *
iot_window_get_session (IotWindow *self)
{
  return self->session;
}

IotFilterBar *
iot_window_get_filter_bar (IotWindow *self)
{
  return self->filter_bar;
}

IotPacketList *
iot_window_get_packet_list (IotWindow *self)
{
  return self->packet_list;
}

IotProtoTree *
iot_window_get_proto_tree (IotWindow *self)
{
  return self->proto_tree;
}

void
iot_window_set_show_dialogs (IotWindow *self, gboolean show)
{
  self->show_dialogs = show;
}

void
iot_window_set_side_pane (IotWindow *self, GtkWidget *pane)
{
  gtk_paned_set_end_child (self->side_split, pane);
}

static void
iot_window_dispose (GObject *object)
{
  IotWindow *self = IOT_WINDOW (object);

  iot_window_files_dispose (self);
  iot_window_export_dispose (self);
  iot_window_status_dispose (self);
  iot_window_live_dispose (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), IOT_TYPE_WINDOW);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (iot_window_parent_class)->dispose (object);
}

static void
iot_window_finalize (GObject *object)
{
  IotWindow *self = IOT_WINDOW (object);

  g_clear_object (&self->session);
  G_OBJECT_CLASS (iot_window_parent_class)->finalize (object);
}

static void
bind_template (GtkWidgetClass *widget_class)
{
  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-window.ui");
  gtk_widget_class_bind_template_child (widget_class, IotWindow, filter_bar);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, find_bar);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, outer_paned);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, side_split);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, inner_paned);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, packet_list);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, proto_tree);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, hex_view);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, description);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, status_file);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, status_counts);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, status_expert);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, status_tls);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, goto_button);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, goto_popover);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, goto_entry);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, goto_go);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, recent_section);
}

static void
iot_window_class_init (IotWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = iot_window_dispose;
  object_class->finalize = iot_window_finalize;
  window_class->close_request = iot_window_close_request;

  g_type_ensure (IOT_TYPE_FILTER_BAR);
  g_type_ensure (IOT_TYPE_FIND_BAR);
  g_type_ensure (IOT_TYPE_PACKET_LIST);
  g_type_ensure (IOT_TYPE_PROTO_TREE);
  g_type_ensure (IOT_TYPE_WELCOME_PAGE);
  g_type_ensure (IOT_TYPE_HEX_VIEW);
  bind_template (widget_class);

  iot_window_files_class_init (widget_class);
  iot_window_export_class_init (widget_class);
  iot_window_actions_class_init (widget_class);
  iot_window_live_class_init (widget_class);
  iot_window_analysis_class_init (widget_class);

  g_signal_new ("tls-status-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                G_TYPE_NONE, 0);
  g_signal_new ("capture-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                G_TYPE_NONE, 0);
}

static void
watch_session (IotWindow *self)
{
  g_signal_connect_object (self->session, "notify::path", G_CALLBACK (status_cb), self, 0);
  g_signal_connect_object (self->session, "notify::n-displayed", G_CALLBACK (status_cb), self, 0);
  g_signal_connect_object (self->session, "notify::loading", G_CALLBACK (status_cb), self, 0);
  g_signal_connect_object (self->session, "notify::filter-text", G_CALLBACK (status_cb), self, 0);
  g_signal_connect_object (self->session, "notify::expert", G_CALLBACK (status_cb), self, 0);
  g_signal_connect_object (self->session, "notify::selected-frame", G_CALLBACK (selected_frame_cb), self, 0);
  g_signal_connect_object (self->packet_list, "columns-changed", G_CALLBACK (columns_changed_cb), self, 0);
  g_signal_connect_object (self->session, "notify::busy", G_CALLBACK (busy_cb), self, 0);
  g_signal_connect_object (self->session, "notify::progress", G_CALLBACK (busy_cb), self, 0);
  g_signal_connect_object (self->session, "notify::busy-text", G_CALLBACK (busy_cb), self, 0);
  g_signal_connect_object (self->session, "notify::selected-node", G_CALLBACK (selected_node_cb), self, 0);
  g_signal_connect_object (self->session, "notify::selected-frame", G_CALLBACK (selected_node_cb), self, 0);
  g_signal_connect_object (self->session, "problem", G_CALLBACK (problem_cb), self, 0);
}

static void
iot_window_init (IotWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->show_dialogs = TRUE;
  self->session = iot_session_new ();

  iot_filter_bar_set_session (self->filter_bar, self->session);
  iot_find_bar_set_session (self->find_bar, self->session);
  iot_window_notes_setup (self, self->find_bar);
  iot_packet_list_set_session (self->packet_list, self->session);
  iot_proto_tree_set_session (self->proto_tree, self->session);
  iot_hex_view_set_session (self->hex_view, self->session);

  watch_session (self);
  iot_window_live_init (self);
  iot_window_actions_init (self);
  iot_window_files_init (self);
  iot_window_status_init (self);
  iot_window_update_follow_actions (self);
  iot_window_update_save_actions (self);
  selected_node_cb (self->session, NULL, self);
}
