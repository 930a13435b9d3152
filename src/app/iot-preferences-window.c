/* iot-preferences-window.c — Preferences, TLS page. */
#include "iot-preferences-window.h"

#include <string.h>

#include "iot-secrets.h"
#include "iot-secrets-settings.h"

/* ---- one pre-shared key ---------------------------------------------------------- */

struct _IotPskItem {
  GObject parent_instance;
  char   *identity;
  char   *key;
};

G_DEFINE_FINAL_TYPE (IotPskItem, iot_psk_item, G_TYPE_OBJECT)

static void
iot_psk_item_finalize (GObject *object)
{
  IotPskItem *self = IOT_PSK_ITEM (object);

  g_free (self->identity);
  g_free (self->key);
  G_OBJECT_CLASS (iot_psk_item_parent_class)->finalize (object);
}

static void
iot_psk_item_class_init (IotPskItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = iot_psk_item_finalize;
}

static void
iot_psk_item_init (IotPskItem *self)
{
}

static IotPskItem *
iot_psk_item_new (const char *identity, const char *key)
{
  IotPskItem *self = g_object_new (IOT_TYPE_PSK_ITEM, NULL);

  self->identity = g_strdup (identity);
  self->key = g_strdup (key);
  return self;
}

const char *
iot_psk_item_get_identity (IotPskItem *self)
{
  return self->identity;
}

const char *
iot_psk_item_get_key (IotPskItem *self)
{
  return self->key;
}

/* ---- the window ------------------------------------------------------------------- */

struct _IotPreferencesWindow {
  GtkWindow  parent_instance;

  GtkEntry   *keylog_entry;
  GtkButton  *choose_button;
  GtkButton  *clear_keylog_button;
  GtkLabel   *keylog_status;
  GtkListBox *psk_list;
  GtkEntry   *psk_identity_entry;
  GtkEntry   *psk_key_entry;
  GtkButton  *psk_add_button;
  GtkLabel   *psk_status;

  GSettings  *settings;
  GListStore *psks;
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (IotPreferencesWindow, iot_preferences_window, GTK_TYPE_WINDOW)

static void
set_status (GtkLabel *label, const char *text, gboolean error)
{
  gtk_label_set_text (label, text);
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
}

/* Reads the key log on its own, to say what it holds (or which line is
 * wrong) without waiting for a capture to use it. */
static void
show_keylog_status (IotPreferencesWindow *self, const char *path)
{
  g_autoptr (IotSecrets) probe = iot_secrets_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  if (path[0] == '\0')
    {
      set_status (self->keylog_status, "No key log file.", FALSE);
      return;
    }
  if (!iot_secrets_add_keylog_file (probe, path, &error))
    {
      g_autofree char *why = g_strdup_printf ("%s (the readable lines are used)", error->message);

      set_status (self->keylog_status, why, TRUE);
      return;
    }
  text = g_strdup_printf ("%u secrets loaded.", iot_secrets_n_keylog_entries (probe));
  set_status (self->keylog_status, text, FALSE);
}

static void
keylog_changed_cb (GSettings *settings, const char *key, IotPreferencesWindow *self)
{
  g_autofree char *path = g_settings_get_string (settings, "tls-keylog-file");

  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->keylog_entry)), path) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->keylog_entry), path);
  show_keylog_status (self, path);
}

/* "3132…3738 (16 bytes)": enough to recognise a key on screen, not to copy it. */
static char *
key_hint (const char *hex)
{
  gsize len = strlen (hex);

  if (len <= 8)
    return g_strdup_printf ("%s (%zu bytes)", hex, len / 2);
  return g_strdup_printf ("%.4s…%s (%zu bytes)", hex, hex + len - 4, len / 2);
}

static void
remove_psk_cb (GtkButton *button, IotPreferencesWindow *self)
{
  IotPskItem *item = g_object_get_data (G_OBJECT (button), "psk");

  iot_secrets_settings_remove_psk (self->settings, item->identity);
}

static GtkWidget *
create_psk_row (gpointer data, gpointer user_data)
{
  IotPskItem *item = data;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *identity = gtk_label_new (item->identity[0] ? item->identity : "any identity");
  g_autofree char *hint = key_hint (item->key);
  GtkWidget *key = gtk_label_new (hint);
  GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");

  gtk_widget_set_margin_start (box, 8);
  gtk_widget_set_margin_end (box, 8);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_label_set_xalign (GTK_LABEL (identity), 0);
  gtk_label_set_width_chars (GTK_LABEL (identity), 18);
  gtk_label_set_ellipsize (GTK_LABEL (identity), PANGO_ELLIPSIZE_END);
  if (item->identity[0] == '\0')
    gtk_widget_add_css_class (identity, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (key), 0);
  gtk_widget_set_hexpand (key, TRUE);
  gtk_widget_add_css_class (key, "monospace");
  gtk_widget_set_tooltip_text (remove, "Remove this key");
  gtk_widget_add_css_class (remove, "flat");
  g_object_set_data_full (G_OBJECT (remove), "psk", g_object_ref (item), g_object_unref);
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_psk_cb), user_data);
  gtk_box_append (GTK_BOX (box), identity);
  gtk_box_append (GTK_BOX (box), key);
  gtk_box_append (GTK_BOX (box), remove);
  return box;
}

static void
psks_changed_cb (GSettings *settings, const char *key, IotPreferencesWindow *self)
{
  g_autoptr (GVariant) psks = g_settings_get_value (settings, "tls-psks");
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  GVariantIter iter;
  const char *identity, *hex;

  g_variant_iter_init (&iter, psks);
  while (g_variant_iter_next (&iter, "(&s&s)", &identity, &hex))
    g_ptr_array_add (items, iot_psk_item_new (identity, hex));
  g_list_store_splice (self->psks, 0, g_list_model_get_n_items (G_LIST_MODEL (self->psks)),
                       items->pdata, items->len);
}

void
iot_preferences_window_set_keylog_file (IotPreferencesWindow *self, const char *path)
{
  g_autofree char *stripped = g_strstrip (g_strdup (path ? path : ""));

  g_settings_set_string (self->settings, "tls-keylog-file", stripped);
}

gboolean
iot_preferences_window_add_psk (IotPreferencesWindow *self, const char *identity, const char *hex, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (!iot_secrets_settings_add_psk (self->settings, identity ? identity : "", hex, &local))
    {
      set_status (self->psk_status, local->message, TRUE);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  set_status (self->psk_status, "", FALSE);
  return TRUE;
}

static void
keylog_activate_cb (GtkEntry *entry, IotPreferencesWindow *self)
{
  iot_preferences_window_set_keylog_file (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
clear_keylog_cb (GtkButton *button, IotPreferencesWindow *self)
{
  iot_preferences_window_set_keylog_file (self, "");
}

static void
chooser_response_cb (GtkNativeDialog *dialog, int response, IotPreferencesWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path != NULL)
        iot_preferences_window_set_keylog_file (self, path);
    }
  gtk_native_dialog_destroy (dialog);
  g_clear_object (&self->chooser);
}

static void
choose_cb (GtkButton *button, IotPreferencesWindow *self)
{
  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new ("Choose a Key Log File", GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, "_Use", "_Cancel");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
add_psk_cb (GtkWidget *widget, IotPreferencesWindow *self)
{
  if (iot_preferences_window_add_psk (self, gtk_editable_get_text (GTK_EDITABLE (self->psk_identity_entry)),
                                      gtk_editable_get_text (GTK_EDITABLE (self->psk_key_entry)), NULL))
    {
      gtk_editable_set_text (GTK_EDITABLE (self->psk_identity_entry), "");
      gtk_editable_set_text (GTK_EDITABLE (self->psk_key_entry), "");
    }
}

IotPreferencesWindow *
iot_preferences_window_new (GSettings *settings)
{
  IotPreferencesWindow *self = g_object_new (IOT_TYPE_PREFERENCES_WINDOW, NULL);

  g_return_val_if_fail (G_IS_SETTINGS (settings), self);
  self->settings = g_object_ref (settings);
  g_signal_connect_object (settings, "changed::tls-keylog-file", G_CALLBACK (keylog_changed_cb), self, 0);
  g_signal_connect_object (settings, "changed::tls-psks", G_CALLBACK (psks_changed_cb), self, 0);
  keylog_changed_cb (settings, "tls-keylog-file", self);
  psks_changed_cb (settings, "tls-psks", self);
  return self;
}

GListModel *
iot_preferences_window_get_psks (IotPreferencesWindow *self)
{
  return G_LIST_MODEL (self->psks);
}

GtkListBox *
iot_preferences_window_get_psk_list (IotPreferencesWindow *self)
{
  return self->psk_list;
}

GtkEntry *
iot_preferences_window_get_keylog_entry (IotPreferencesWindow *self)
{
  return self->keylog_entry;
}

GtkLabel *
iot_preferences_window_get_keylog_status (IotPreferencesWindow *self)
{
  return self->keylog_status;
}

GtkButton *
iot_preferences_window_get_clear_keylog_button (IotPreferencesWindow *self)
{
  return self->clear_keylog_button;
}

GtkEntry *
iot_preferences_window_get_psk_identity_entry (IotPreferencesWindow *self)
{
  return self->psk_identity_entry;
}

GtkEntry *
iot_preferences_window_get_psk_key_entry (IotPreferencesWindow *self)
{
  return self->psk_key_entry;
}

GtkButton *
iot_preferences_window_get_psk_add_button (IotPreferencesWindow *self)
{
  return self->psk_add_button;
}

static void
iot_preferences_window_dispose (GObject *object)
{
  IotPreferencesWindow *self = IOT_PREFERENCES_WINDOW (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), IOT_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->psks);
  G_OBJECT_CLASS (iot_preferences_window_parent_class)->dispose (object);
}

static void
iot_preferences_window_class_init (IotPreferencesWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = iot_preferences_window_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, keylog_entry);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, choose_button);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, clear_keylog_button);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, keylog_status);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, psk_list);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, psk_identity_entry);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, psk_key_entry);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, psk_add_button);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, psk_status);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
iot_preferences_window_init (IotPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->psks = g_list_store_new (IOT_TYPE_PSK_ITEM);
  gtk_list_box_bind_model (self->psk_list, G_LIST_MODEL (self->psks), create_psk_row, self, NULL);
  g_signal_connect (self->keylog_entry, "activate", G_CALLBACK (keylog_activate_cb), self);
  g_signal_connect (self->clear_keylog_button, "clicked", G_CALLBACK (clear_keylog_cb), self);
  g_signal_connect (self->choose_button, "clicked", G_CALLBACK (choose_cb), self);
  g_signal_connect (self->psk_add_button, "clicked", G_CALLBACK (add_psk_cb), self);
  g_signal_connect (self->psk_key_entry, "activate", G_CALLBACK (add_psk_cb), self);
}
