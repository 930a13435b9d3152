/* iot-window-files.c — opening captures: the Open dialog, recent files,
 * drag and drop (a key log dropped becomes the key log preference), and
 * dissecting the open file again when the secrets change. */
#include "iot-window-private.h"

#include <glib/gi18n.h>

#include "iot-secrets.h"

#define RECENT_MAX 10

/* ---- reload ------------------------------------------------------------------- */

void
iot_window_reload (IotWindow *self)
{
  const char *path = iot_session_get_path (self->session);
  g_autoptr (GFile) file = NULL;

  g_return_if_fail (IOT_IS_WINDOW (self));
  if (path == NULL || iot_live_control_is_running (self->live))
    return;
  file = g_file_new_for_path (path);
  iot_session_open (self->session, file);
}

static void
secrets_changed_cb (GSettings *settings, const char *key, IotWindow *self)
{
  iot_window_reload (self);
}

/* Whether @file starts as an NSS key log does (the first 64 KiB decide;
 * a capture file fails at once on its binary header). */
static gboolean
file_is_keylog (GFile *file)
{
  g_autoptr (GFileInputStream) in = g_file_read (file, NULL, NULL);
  g_autofree char *head = g_malloc (65536);
  gsize n = 0;

  if (in == NULL || !g_input_stream_read_all (G_INPUT_STREAM (in), head, 65536, &n, NULL, NULL))
    return FALSE;
  return iot_secrets_looks_like_keylog (head, n);
}

/* Without settings (tests, scripts): into the store, for this window. */
static void
load_dropped_keylog (IotWindow *self, const char *path)
{
  g_autoptr (GError) error = NULL;

  if (!iot_secrets_add_keylog_file (iot_secrets_default (), path, &error))
    g_signal_emit_by_name (self->session, "problem", _("Some key log lines could not be read"), error->message);
  iot_window_reload (self);
}

void
iot_window_drop_file (IotWindow *self, GFile *file)
{
  g_autofree char *path = g_file_get_path (file);

  g_return_if_fail (IOT_IS_WINDOW (self));
  if (path == NULL || !file_is_keylog (file))
    iot_window_open (self, file);
  else if (self->settings != NULL)
    /* The settings' watcher loads it; every window dissects again. */
    g_settings_set_string (self->settings, "tls-keylog-file", path);
  else
    load_dropped_keylog (self, path);
}

/* ---- open --------------------------------------------------------------------- */

void
iot_window_open (IotWindow *self, GFile *file)
{
  g_autofree char *uri = g_file_get_uri (file);
  GtkRecentData data = {
    .mime_type = (char *) "application/vnd.tcpdump.pcap",
    .app_name = (char *) "iotscope",
    .app_exec = (char *) "iotscope %f",
  };

  g_return_if_fail (IOT_IS_WINDOW (self));
  /* Secrets one capture carried do not open another. */
  iot_secrets_forget_embedded (iot_secrets_default ());
  iot_session_open (self->session, file);
  if (g_str_has_suffix (uri, ".pcapng"))
    data.mime_type = (char *) "application/x-pcapng";
  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

static void
chooser_response_cb (GtkNativeDialog *dialog, int response, IotWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        iot_window_open (self, file);
    }
  g_clear_object (&self->chooser);
}

void
iot_window_add_file_filter (GtkFileChooser *chooser, const char *name, const char *const *patterns,
                            const char *const *mime_types)
{
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  for (; patterns != NULL && *patterns != NULL; patterns++)
    gtk_file_filter_add_pattern (filter, *patterns);
  for (; mime_types != NULL && *mime_types != NULL; mime_types++)
    gtk_file_filter_add_mime_type (filter, *mime_types);
  gtk_file_chooser_add_filter (chooser, filter);
}

static void
open_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotWindow *self = IOT_WINDOW (widget);
  static const char *const capture_patterns[] = { "*.pcap", "*.pcapng", "*.cap", "*.pcap.gz", NULL };
  static const char *const capture_types[] = { "application/vnd.tcpdump.pcap", "application/x-pcapng", NULL };
  static const char *const all[] = { "*", NULL };

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Open Capture File"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  iot_window_add_file_filter (GTK_FILE_CHOOSER (self->chooser), _("Capture files (pcap, pcapng)"), capture_patterns, capture_types);
  iot_window_add_file_filter (GTK_FILE_CHOOSER (self->chooser), _("All files"), all, NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
open_recent_action (GtkWidget *widget, const char *name, GVariant *param)
{
  g_autoptr (GFile) file = g_file_new_for_uri (g_variant_get_string (param, NULL));

  iot_window_open (IOT_WINDOW (widget), file);
}

static gboolean
is_capture_uri (const char *uri)
{
  return g_str_has_suffix (uri, ".pcap") || g_str_has_suffix (uri, ".pcapng")
         || g_str_has_suffix (uri, ".cap");
}

static void
rebuild_recent (IotWindow *self)
{
  GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  guint added = 0;

  g_menu_remove_all (self->recent_section);
  for (GList *l = items; l != NULL && added < RECENT_MAX; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      const char *uri = gtk_recent_info_get_uri (info);
      g_autoptr (GMenuItem) item = NULL;

      if (!is_capture_uri (uri) || !gtk_recent_info_exists (info))
        continue;
      item = g_menu_item_new (gtk_recent_info_get_display_name (info), NULL);
      g_menu_item_set_action_and_target (item, "win.open-recent", "s", uri);
      g_menu_append_item (self->recent_section, item);
      added++;
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

static void
recent_changed_cb (GtkRecentManager *manager, IotWindow *self)
{
  rebuild_recent (self);
}

static gboolean
drop_cb (GtkDropTarget *target, const GValue *value, double x, double y, IotWindow *self)
{
  if (!G_VALUE_HOLDS (value, G_TYPE_FILE))
    return FALSE;
  iot_window_drop_file (self, g_value_get_object (value));
  return TRUE;
}

static void
reload_action (GtkWidget *widget, const char *name, GVariant *param)
{
  iot_window_reload (IOT_WINDOW (widget));
}

void
iot_window_files_watch_settings (IotWindow *self, GSettings *settings)
{
  static const char *const keys[] = {
    "tls-keylog-file", "tls-psks", "zigbee-keys", "resolve-mac", "protocol-ports", "decode-as",
    "protobuf-search-paths", "mqtt-topic-rules",
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *signal = g_strconcat ("changed::", keys[i], NULL);

      g_signal_connect_object (settings, signal, G_CALLBACK (secrets_changed_cb), self, 0);
    }
}

void
iot_window_files_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.reload", NULL, reload_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
}

void
iot_window_files_init (IotWindow *self)
{
  GtkDropTarget *drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);

  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  g_signal_connect (gtk_recent_manager_get_default (), "changed", G_CALLBACK (recent_changed_cb), self);
  rebuild_recent (self);
}

void
iot_window_files_dispose (IotWindow *self)
{
  g_signal_handlers_disconnect_by_data (gtk_recent_manager_get_default (), self);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
}
