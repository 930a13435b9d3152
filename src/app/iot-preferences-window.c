/* iot-preferences-window.c — Preferences: General, Protocols, TLS and
 * Zigbee pages. */
#include "iot-preferences-window.h"

#include <string.h>

#include <glib/gi18n.h>

#include "iot-dissect-settings.h"
#include "iot-frame-list.h"
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

/* ---- one Zigbee key --------------------------------------------------------------- */

struct _IotZigbeeKeyItem {
  GObject   parent_instance;
  char     *key;
  gboolean  reversed;
  char     *label;
};

G_DEFINE_FINAL_TYPE (IotZigbeeKeyItem, iot_zigbee_key_item, G_TYPE_OBJECT)

static void
iot_zigbee_key_item_finalize (GObject *object)
{
  IotZigbeeKeyItem *self = IOT_ZIGBEE_KEY_ITEM (object);

  g_free (self->key);
  g_free (self->label);
  G_OBJECT_CLASS (iot_zigbee_key_item_parent_class)->finalize (object);
}

static void
iot_zigbee_key_item_class_init (IotZigbeeKeyItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = iot_zigbee_key_item_finalize;
}

static void
iot_zigbee_key_item_init (IotZigbeeKeyItem *self)
{
}

const char *
iot_zigbee_key_item_get_key (IotZigbeeKeyItem *self)
{
  return self->key;
}

gboolean
iot_zigbee_key_item_get_reversed (IotZigbeeKeyItem *self)
{
  return self->reversed;
}

const char *
iot_zigbee_key_item_get_label (IotZigbeeKeyItem *self)
{
  return self->label;
}

/* ---- the ports page's protocols ---------------------------------------------------- */

/* The protocols IoT captures most often meet on other ports than their
 * own, with the table their port preference names. */
static const struct {
  const char *protocol;
  const char *table;
  const char *title;
} port_rows[] = {
  { "mqtt", "tcp.port", N_("MQTT over TCP") },
  { "coap", "udp.port", N_("CoAP over UDP") },
  { "http", "tcp.port", N_("HTTP over TCP") },
  { "tls", "tcp.port", N_("TLS over TCP") },
  { "dtls", "udp.port", N_("DTLS over UDP") },
  { "dns", "udp.port", N_("DNS over UDP") },
  { "zep", "udp.port", N_("ZigBee Encapsulation (ZEP)") },
};

/* The Time display format list's order, by GSettings name. */
static const char *const time_format_order[] = {
  "relative", "delta", "delta-displayed", "epoch", "time-of-day", "date", "day-of-year",
  "utc-time-of-day", "utc", "utc-day-of-year",
};

static const char *const style_order[] = { "default", "light", "dark" };

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

  GtkWidget      *general_page;
  GtkWidget      *protocols_page;
  GtkWidget      *tls_page;
  GtkWidget      *zigbee_page;
  GtkCheckButton *resolve_mac_check;
  GtkCheckButton *colorize_check;
  GtkDropDown    *time_format_dropdown;
  GtkDropDown    *style_dropdown;
  GtkGrid        *ports_grid;
  GtkLabel       *ports_status;
  GtkEntry       *ports_entries[G_N_ELEMENTS (port_rows)];
  GtkListBox     *zigbee_list;
  GtkEntry       *zigbee_key_entry;
  GtkDropDown    *zigbee_order_dropdown;
  GtkEntry       *zigbee_label_entry;
  GtkButton      *zigbee_add_button;
  GtkLabel       *zigbee_status;

  GSettings  *settings;
  GListStore *psks;
  GListStore *zigbee_keys;
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
      set_status (self->keylog_status, _("No key log file."), FALSE);
      return;
    }
  if (!iot_secrets_add_keylog_file (probe, path, &error))
    {
      g_autofree char *why = g_strdup_printf (_("%s (the readable lines are used)"), error->message);

      set_status (self->keylog_status, why, TRUE);
      return;
    }
  text = g_strdup_printf (ngettext ("%u secret loaded.", "%u secrets loaded.", iot_secrets_n_keylog_entries (probe)), iot_secrets_n_keylog_entries (probe));
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
  GtkWidget *identity = gtk_label_new (item->identity[0] ? item->identity : _("any identity"));
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
  gtk_widget_set_tooltip_text (remove, _("Remove this key"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remove this key"), -1);
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
  self->chooser = gtk_file_chooser_native_new (_("Choose a Key Log File"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Use"), _("_Cancel"));
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

/* ---- General page -------------------------------------------------------------------- */

static gboolean
get_choice (GValue *value, GVariant *variant, gpointer data)
{
  const char *const *order = data;
  const char *name = g_variant_get_string (variant, NULL);

  for (guint i = 0; order[i] != NULL; i++)
    if (g_str_equal (order[i], name))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
set_choice (const GValue *value, const GVariantType *type, gpointer data)
{
  const char *const *order = data;
  guint index = g_value_get_uint (value);

  for (guint i = 0; order[i] != NULL; i++)
    if (i == index)
      return g_variant_new_string (order[i]);
  return NULL;
}

static void
bind_general_page (IotPreferencesWindow *self)
{
  static const char *time_formats[G_N_ELEMENTS (time_format_order) + 1];
  static const char *styles[G_N_ELEMENTS (style_order) + 1];

  /* NULL-terminated copies for the mappings. */
  for (guint i = 0; i < G_N_ELEMENTS (time_format_order); i++)
    time_formats[i] = time_format_order[i];
  for (guint i = 0; i < G_N_ELEMENTS (style_order); i++)
    styles[i] = style_order[i];
  g_settings_bind (self->settings, "resolve-mac", self->resolve_mac_check, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "colorize", self->colorize_check, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "time-format", self->time_format_dropdown, "selected",
                                G_SETTINGS_BIND_DEFAULT, get_choice, set_choice, time_formats, NULL);
  g_settings_bind_with_mapping (self->settings, "color-scheme", self->style_dropdown, "selected",
                                G_SETTINGS_BIND_DEFAULT, get_choice, set_choice, styles, NULL);
}

/* ---- Protocols page ------------------------------------------------------------------ */

static void
show_ports (IotPreferencesWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (port_rows); i++)
    {
      g_autofree char *ports = iot_dissect_settings_get_ports (self->settings, port_rows[i].protocol,
                                                               port_rows[i].table);

      if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->ports_entries[i])), ports) != 0)
        gtk_editable_set_text (GTK_EDITABLE (self->ports_entries[i]), ports);
    }
}

static void
ports_changed_cb (GSettings *settings, const char *key, IotPreferencesWindow *self)
{
  show_ports (self);
}

static void
ports_activate_cb (GtkEntry *entry, IotPreferencesWindow *self)
{
  guint row = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (entry), "port-row"));
  g_autoptr (GError) error = NULL;

  if (!iot_dissect_settings_set_ports (self->settings, port_rows[row].protocol, port_rows[row].table,
                                       gtk_editable_get_text (GTK_EDITABLE (entry)), &error))
    {
      set_status (self->ports_status, error->message, TRUE);
      return;
    }
  set_status (self->ports_status, "", FALSE);
  show_ports (self);
}

static void
ports_reset_cb (GtkButton *button, IotPreferencesWindow *self)
{
  guint row = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "port-row"));

  iot_dissect_settings_set_ports (self->settings, port_rows[row].protocol, port_rows[row].table, NULL, NULL);
  set_status (self->ports_status, "", FALSE);
  show_ports (self);
}

static void
build_ports_grid (IotPreferencesWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (port_rows); i++)
    {
      g_autofree char *pref = g_strdup_printf ("%s.%s", port_rows[i].protocol, port_rows[i].table);
      g_autofree char *reset_label = g_strdup_printf (_("Use the default ports of %s"), _(port_rows[i].title));
      GtkWidget *title = gtk_label_new (_(port_rows[i].title));
      GtkWidget *name = gtk_label_new (pref);
      GtkWidget *entry = gtk_entry_new ();
      GtkWidget *reset = gtk_button_new_from_icon_name ("edit-undo-symbolic");

      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_widget_add_css_class (name, "dim-label");
      gtk_widget_add_css_class (name, "monospace");
      gtk_widget_set_hexpand (entry, TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _(port_rows[i].title), -1);
      g_object_set_data (G_OBJECT (entry), "port-row", GUINT_TO_POINTER (i));
      g_signal_connect (entry, "activate", G_CALLBACK (ports_activate_cb), self);
      gtk_widget_set_tooltip_text (reset, reset_label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (reset), GTK_ACCESSIBLE_PROPERTY_LABEL, reset_label, -1);
      gtk_widget_add_css_class (reset, "flat");
      g_object_set_data (G_OBJECT (reset), "port-row", GUINT_TO_POINTER (i));
      g_signal_connect (reset, "clicked", G_CALLBACK (ports_reset_cb), self);
      gtk_grid_attach (self->ports_grid, title, 0, i, 1, 1);
      gtk_grid_attach (self->ports_grid, name, 1, i, 1, 1);
      gtk_grid_attach (self->ports_grid, entry, 2, i, 1, 1);
      gtk_grid_attach (self->ports_grid, reset, 3, i, 1, 1);
      self->ports_entries[i] = GTK_ENTRY (entry);
    }
}

GtkEntry *
iot_preferences_window_get_ports_entry (IotPreferencesWindow *self, const char *protocol, const char *table)
{
  for (guint i = 0; i < G_N_ELEMENTS (port_rows); i++)
    if (g_str_equal (port_rows[i].protocol, protocol) && g_str_equal (port_rows[i].table, table))
      return self->ports_entries[i];
  return NULL;
}

/* ---- Zigbee page --------------------------------------------------------------------- */

static void
remove_zigbee_key_cb (GtkButton *button, IotPreferencesWindow *self)
{
  IotZigbeeKeyItem *item = g_object_get_data (G_OBJECT (button), "zigbee-key");

  iot_secrets_settings_remove_zigbee_key (self->settings, item->key);
}

static GtkWidget *
create_zigbee_row (gpointer data, gpointer user_data)
{
  IotZigbeeKeyItem *item = data;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (item->label[0] ? item->label : _("no label"));
  g_autofree char *hint = key_hint (item->key);
  GtkWidget *key = gtk_label_new (hint);
  GtkWidget *order = gtk_label_new (item->reversed ? _("Reverse") : _("Normal"));
  GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");

  gtk_widget_set_margin_start (box, 8);
  gtk_widget_set_margin_end (box, 8);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_width_chars (GTK_LABEL (label), 16);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (item->label[0] == '\0')
    gtk_widget_add_css_class (label, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (key), 0);
  gtk_widget_set_hexpand (key, TRUE);
  gtk_widget_add_css_class (key, "monospace");
  gtk_widget_add_css_class (order, "dim-label");
  gtk_widget_set_tooltip_text (remove, _("Remove this key"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remove this key"), -1);
  gtk_widget_add_css_class (remove, "flat");
  g_object_set_data_full (G_OBJECT (remove), "zigbee-key", g_object_ref (item), g_object_unref);
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_zigbee_key_cb), user_data);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), key);
  gtk_box_append (GTK_BOX (box), order);
  gtk_box_append (GTK_BOX (box), remove);
  return box;
}

static void
zigbee_keys_changed_cb (GSettings *settings, const char *key, IotPreferencesWindow *self)
{
  g_autoptr (GVariant) keys = g_settings_get_value (settings, "zigbee-keys");
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  GVariantIter iter;
  const char *hex, *order, *label;

  g_variant_iter_init (&iter, keys);
  while (g_variant_iter_next (&iter, "(&s&s&s)", &hex, &order, &label))
    {
      IotZigbeeKeyItem *item = g_object_new (IOT_TYPE_ZIGBEE_KEY_ITEM, NULL);

      item->key = g_strdup (hex);
      item->reversed = g_ascii_strcasecmp (order, "Reverse") == 0;
      item->label = g_strdup (label);
      g_ptr_array_add (items, item);
    }
  g_list_store_splice (self->zigbee_keys, 0, g_list_model_get_n_items (G_LIST_MODEL (self->zigbee_keys)),
                       items->pdata, items->len);
}

static void
add_zigbee_key_cb (GtkWidget *widget, IotPreferencesWindow *self)
{
  g_autoptr (GError) error = NULL;

  if (!iot_secrets_settings_add_zigbee_key (self->settings,
                                            gtk_editable_get_text (GTK_EDITABLE (self->zigbee_key_entry)),
                                            gtk_drop_down_get_selected (self->zigbee_order_dropdown) == 1,
                                            gtk_editable_get_text (GTK_EDITABLE (self->zigbee_label_entry)),
                                            &error))
    {
      set_status (self->zigbee_status, error->message, TRUE);
      return;
    }
  set_status (self->zigbee_status, "", FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->zigbee_key_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->zigbee_label_entry), "");
}

void
iot_preferences_window_show_page (IotPreferencesWindow *self, const char *name)
{
  /* The window's own child: not bound, as the window unparents it itself. */
  GtkNotebook *notebook = GTK_NOTEBOOK (gtk_window_get_child (GTK_WINDOW (self)));
  GtkWidget *page = g_strcmp0 (name, "protocols") == 0 ? self->protocols_page
                    : g_strcmp0 (name, "tls") == 0 ? self->tls_page
                    : g_strcmp0 (name, "zigbee") == 0 ? self->zigbee_page
                    : self->general_page;

  gtk_notebook_set_current_page (notebook, gtk_notebook_page_num (notebook, page));
}

IotPreferencesWindow *
iot_preferences_window_new (GSettings *settings)
{
  IotPreferencesWindow *self = g_object_new (IOT_TYPE_PREFERENCES_WINDOW, NULL);

  g_return_val_if_fail (G_IS_SETTINGS (settings), self);
  self->settings = g_object_ref (settings);
  g_signal_connect_object (settings, "changed::tls-keylog-file", G_CALLBACK (keylog_changed_cb), self, 0);
  g_signal_connect_object (settings, "changed::tls-psks", G_CALLBACK (psks_changed_cb), self, 0);
  g_signal_connect_object (settings, "changed::zigbee-keys", G_CALLBACK (zigbee_keys_changed_cb), self, 0);
  g_signal_connect_object (settings, "changed::protocol-ports", G_CALLBACK (ports_changed_cb), self, 0);
  keylog_changed_cb (settings, "tls-keylog-file", self);
  psks_changed_cb (settings, "tls-psks", self);
  zigbee_keys_changed_cb (settings, "zigbee-keys", self);
  bind_general_page (self);
  show_ports (self);
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

GtkCheckButton *
iot_preferences_window_get_resolve_mac_check (IotPreferencesWindow *self)
{
  return self->resolve_mac_check;
}

GtkCheckButton *
iot_preferences_window_get_colorize_check (IotPreferencesWindow *self)
{
  return self->colorize_check;
}

GtkDropDown *
iot_preferences_window_get_time_format_dropdown (IotPreferencesWindow *self)
{
  return self->time_format_dropdown;
}

GtkDropDown *
iot_preferences_window_get_style_dropdown (IotPreferencesWindow *self)
{
  return self->style_dropdown;
}

GtkLabel *
iot_preferences_window_get_ports_status (IotPreferencesWindow *self)
{
  return self->ports_status;
}

GListModel *
iot_preferences_window_get_zigbee_keys (IotPreferencesWindow *self)
{
  return G_LIST_MODEL (self->zigbee_keys);
}

GtkListBox *
iot_preferences_window_get_zigbee_list (IotPreferencesWindow *self)
{
  return self->zigbee_list;
}

GtkEntry *
iot_preferences_window_get_zigbee_key_entry (IotPreferencesWindow *self)
{
  return self->zigbee_key_entry;
}

GtkDropDown *
iot_preferences_window_get_zigbee_order_dropdown (IotPreferencesWindow *self)
{
  return self->zigbee_order_dropdown;
}

GtkEntry *
iot_preferences_window_get_zigbee_label_entry (IotPreferencesWindow *self)
{
  return self->zigbee_label_entry;
}

GtkButton *
iot_preferences_window_get_zigbee_add_button (IotPreferencesWindow *self)
{
  return self->zigbee_add_button;
}

GtkLabel *
iot_preferences_window_get_zigbee_status (IotPreferencesWindow *self)
{
  return self->zigbee_status;
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
  g_clear_object (&self->zigbee_keys);
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
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, general_page);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, protocols_page);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, tls_page);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, zigbee_page);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, resolve_mac_check);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, colorize_check);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, time_format_dropdown);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, style_dropdown);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, ports_grid);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, ports_status);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, zigbee_list);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, zigbee_key_entry);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, zigbee_order_dropdown);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, zigbee_label_entry);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, zigbee_add_button);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, zigbee_status);
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
  self->zigbee_keys = g_list_store_new (IOT_TYPE_ZIGBEE_KEY_ITEM);
  gtk_list_box_bind_model (self->zigbee_list, G_LIST_MODEL (self->zigbee_keys), create_zigbee_row, self, NULL);
  g_signal_connect (self->zigbee_add_button, "clicked", G_CALLBACK (add_zigbee_key_cb), self);
  g_signal_connect (self->zigbee_key_entry, "activate", G_CALLBACK (add_zigbee_key_cb), self);
  build_ports_grid (self);
}
