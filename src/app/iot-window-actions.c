/* iot-window-actions.c — the main window's navigation and view actions:
 * Go To, next/previous frame, time format, colouring, time reference,
 * the filter bar's focus, copying a row. */
#include "iot-window-private.h"

#include <glib/gi18n.h>

/* ---- actions ------------------------------------------------------------------ */

static void
cancel_action (GtkWidget *widget, const char *name, GVariant *param)
{
  iot_session_cancel (IOT_WINDOW (widget)->session);
}

static void
time_format_changed (GSimpleAction *action, GVariant *state, gpointer data)
{
  IotWindow *self = data;
  const char *name = g_variant_get_string (state, NULL);

  int format = iot_time_format_from_id (name);

  if (format < 0)
    return;
  iot_session_set_time_format (self->session, format);
  g_simple_action_set_state (action, state);
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "time-format", name);
}

/* The Preferences window changes the same keys the menu does. */
static void
view_settings_changed_cb (GSettings *settings, const char *key, IotWindow *self)
{
  if (g_str_equal (key, "time-format"))
    {
      g_autofree char *name = g_settings_get_string (settings, key);

      g_action_group_change_action_state (G_ACTION_GROUP (self), key, g_variant_new_string (name));
    }
  else
    g_action_group_change_action_state (G_ACTION_GROUP (self), key,
                                        g_variant_new_boolean (g_settings_get_boolean (settings, key)));
}

static void
colorize_changed (GSimpleAction *action, GVariant *state, gpointer data)
{
  IotWindow *self = data;

  iot_session_set_colorize (self->session, g_variant_get_boolean (state));
  g_simple_action_set_state (action, state);
  if (self->settings != NULL)
    g_settings_set_boolean (self->settings, "colorize", g_variant_get_boolean (state));
}

static void
expand_all_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  iot_proto_tree_expand_all (IOT_WINDOW (data)->proto_tree);
}

static void
collapse_all_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  iot_proto_tree_collapse_all (IOT_WINDOW (data)->proto_tree);
}

static void
go_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotWindow *self = IOT_WINDOW (widget);

  if (g_str_equal (name, "win.go-next"))
    iot_packet_list_move (self->packet_list, 1);
  else if (g_str_equal (name, "win.go-previous"))
    iot_packet_list_move (self->packet_list, -1);
  else if (g_str_equal (name, "win.go-first"))
    iot_packet_list_move (self->packet_list, G_MININT);
  else
    iot_packet_list_move (self->packet_list, G_MAXINT);
}

static void
goto_action (GtkWidget *widget, const char *name, GVariant *param)
{
  gtk_menu_button_popup (IOT_WINDOW (widget)->goto_button);
}

/* Ctrl+T: the selected frame becomes the time reference, or stops being it. */
static void
time_ref_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotWindow *self = IOT_WINDOW (widget);
  guint32 selected = iot_session_get_selected_frame (self->session);

  if (selected == 0)
    return;
  iot_session_set_time_ref (self->session,
                            iot_session_get_time_ref (self->session) == selected ? 0 : selected);
}

static void
focus_filter_action (GtkWidget *widget, const char *name, GVariant *param)
{
  gtk_widget_grab_focus (GTK_WIDGET (IOT_WINDOW (widget)->filter_bar));
}

/* Goes to frame @number, or the nearest displayed frame after it (else
 * the one before); FALSE when no frame is displayed. */
gboolean
iot_window_go_to_frame (IotWindow *self, guint32 number)
{
  IotFrameList *frames = iot_session_get_frames (self->session);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (frames));
  guint32 total = iot_session_get_n_total (self->session);
  guint position = 0;
  gboolean found = FALSE;

  g_return_val_if_fail (IOT_IS_WINDOW (self), FALSE);
  if (number == 0 || n == 0)
    return FALSE;
  for (guint64 wanted = number; wanted <= total && !found; wanted++)
    found = iot_frame_list_find (frames, (guint32) wanted, &position);
  for (guint64 wanted = MIN (number, (guint64) total); wanted >= 1 && !found; wanted--)
    found = iot_frame_list_find (frames, (guint32) wanted, &position);
  if (found)
    iot_packet_list_select_position (self->packet_list, position);
  return found;
}

static void
goto_activate (IotWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->goto_entry));
  guint64 number = g_ascii_strtoull (text, NULL, 10);

  if (number == 0 || number > G_MAXUINT32 || !iot_window_go_to_frame (self, (guint32) number))
    {
      gtk_widget_error_bell (GTK_WIDGET (self->goto_entry));
      return;
    }
  gtk_popover_popdown (self->goto_popover);
}

static void
goto_entry_activate_cb (GtkEntry *entry, IotWindow *self)
{
  goto_activate (self);
}

static void
goto_clicked_cb (GtkButton *button, IotWindow *self)
{
  goto_activate (self);
}

static void
filter_requested_cb (IotProtoTree *tree, const char *filter, gboolean apply, IotWindow *self)
{
  iot_filter_bar_set_text (self->filter_bar, filter, apply);
  if (!apply)
    gtk_widget_grab_focus (GTK_WIDGET (self->filter_bar));
}

/* The selected row as text, the columns shown separated by tabs. */
static void
copy_summary_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotWindow *self = IOT_WINDOW (widget);
  guint position = gtk_single_selection_get_selected (iot_packet_list_get_selection (self->packet_list));
  g_autoptr (GString) line = g_string_new (NULL);

  if (position == GTK_INVALID_LIST_POSITION)
    return;
  for (IotColumn column = 0; column < IOT_N_COLUMNS; column++)
    {
      g_autofree char *text = NULL;

      if (!iot_packet_list_get_column_visible (self->packet_list, column))
        continue;
      text = iot_packet_list_dup_cell_text (self->packet_list, position, column);
      if (line->len > 0)
        g_string_append_c (line, '\t');
      g_string_append (line, text != NULL ? text : "");
    }
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), line->str);
}

void
iot_window_actions_watch_settings (IotWindow *self, GSettings *settings)
{
  g_signal_connect_object (settings, "changed::time-format", G_CALLBACK (view_settings_changed_cb), self, 0);
  g_signal_connect_object (settings, "changed::colorize", G_CALLBACK (view_settings_changed_cb), self, 0);
}

void
iot_window_actions_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "win.goto", NULL, goto_action);
  gtk_widget_class_install_action (widget_class, "win.go-next", NULL, go_action);
  gtk_widget_class_install_action (widget_class, "win.go-previous", NULL, go_action);
  gtk_widget_class_install_action (widget_class, "win.go-first", NULL, go_action);
  gtk_widget_class_install_action (widget_class, "win.go-last", NULL, go_action);
  gtk_widget_class_install_action (widget_class, "win.focus-filter", NULL, focus_filter_action);
  gtk_widget_class_install_action (widget_class, "win.time-ref", NULL, time_ref_action);
  gtk_widget_class_install_action (widget_class, "win.copy-summary", NULL, copy_summary_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK, "win.goto", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_CONTROL_MASK, "win.go-next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_CONTROL_MASK, "win.go-previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, GDK_CONTROL_MASK, "win.go-first", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_End, GDK_CONTROL_MASK, "win.go-last", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_slash, GDK_CONTROL_MASK, "win.focus-filter", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, GDK_CONTROL_MASK, "win.time-ref", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.cancel", NULL);
}

/* Stateful actions: the menu's radio and check items. */
static void
add_state_actions (IotWindow *self)
{
  const GActionEntry entries[] = {
    { .name = "time-format", .parameter_type = "s", .state = "'relative'", .change_state = time_format_changed },
    { .name = "colorize", .state = "true", .change_state = colorize_changed },
    { .name = "expand-all", .activate = expand_all_activated },
    { .name = "collapse-all", .activate = collapse_all_activated },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
}

void
iot_window_actions_init (IotWindow *self)
{
  add_state_actions (self);
  g_signal_connect_object (self->proto_tree, "filter-requested", G_CALLBACK (filter_requested_cb), self, 0);
  g_signal_connect (self->goto_entry, "activate", G_CALLBACK (goto_entry_activate_cb), self);
  g_signal_connect (self->goto_go, "clicked", G_CALLBACK (goto_clicked_cb), self);
}
