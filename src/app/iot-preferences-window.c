/* iot-preferences-window.c — Preferences: General, Protocols (ports,
 * Protocol Buffers folders, MQTT payload rules), TLS and Zigbee pages. */
#include "iot-preferences-window.h"
#include "iot-app-test.h"

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

/* The match criteria list's order, by the names tshark's table stores. */
static const char *const match_order[] = {
  "Equal to", "Contains", "Starts with", "Ends with", "Regular Expression",
};

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
  GtkWidget      *protobuf_heading;
  GtkListBox     *protobuf_path_list;
  GtkEntry       *protobuf_path_entry;
  GtkButton      *protobuf_choose_button;
  GtkCheckButton *protobuf_load_all_check;
  GtkButton      *protobuf_path_add_button;
  GtkLabel       *protobuf_status;
  GtkListBox     *mqtt_rule_list;
  GtkDropDown    *mqtt_match_dropdown;
  GtkEntry       *mqtt_pattern_entry;
  GtkEntry       *mqtt_protocol_entry;
  GtkEntry       *mqtt_message_type_entry;
  GtkButton      *mqtt_rule_add_button;
  GtkLabel       *mqtt_status;

  GSettings  *settings;
  GListStore *psks;
  GListStore *zigbee_keys;
  GtkFileChooserNative *chooser;
  GtkFileChooserNative *folder_chooser;
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
    return g_strdup_printf (_("%s (%zu bytes)"), hex, len / 2);
  return g_strdup_printf (_("%.4s…%s (%zu bytes)"), hex, hex + len - 4, len / 2);
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

/* ---- Protocols page: Protocol Buffers and MQTT payloads ---------------------------- */

static void
clear_list_box (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static GtkWidget *
row_box (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  gtk_widget_set_margin_start (box, 8);
  gtk_widget_set_margin_end (box, 8);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  return box;
}

static GtkWidget *
remove_button (const char *what)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("list-remove-symbolic");

  gtk_widget_set_tooltip_text (button, what);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, what, -1);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  return button;
}

static void
remove_search_path_cb (GtkButton *button, IotPreferencesWindow *self)
{
  iot_dissect_settings_remove_search_path (self->settings, g_object_get_data (G_OBJECT (button), "folder"));
}

static gboolean
load_all_set_cb (GtkSwitch *sw, gboolean state, IotPreferencesWindow *self)
{
  iot_dissect_settings_set_load_all (self->settings, g_object_get_data (G_OBJECT (sw), "folder"), state);
  return FALSE;
}

/* Loads the folders on their own, to name the file and line of a broken
 * .proto here rather than only in the log. */
static void
show_protobuf_status (IotPreferencesWindow *self, guint n_folders)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotProtoPool) pool = iot_dissect_settings_load_protos (self->settings, &error);

  if (error != NULL)
    set_status (self->protobuf_status, error->message, TRUE);
  else if (n_folders > 0)
    set_status (self->protobuf_status, _("The .proto files load without errors."), FALSE);
  else
    set_status (self->protobuf_status, "", FALSE);
}

/* When the rows already show these folders, only their switches follow
 * the settings (a switch that was just flipped stays in place): TRUE. */
static gboolean
update_search_path_switches (IotPreferencesWindow *self, GVariant *paths)
{
  guint n = g_variant_n_children (paths);

  for (guint i = 0; i < n; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->protobuf_path_list, i);
      const char *dir;

      g_variant_get_child (paths, i, "(&sb)", &dir, NULL);
      if (row == NULL
          || g_strcmp0 (g_object_get_data (G_OBJECT (gtk_list_box_row_get_child (row)), "folder"), dir) != 0)
        return FALSE;
    }
  if (gtk_list_box_get_row_at_index (self->protobuf_path_list, n) != NULL)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *box = gtk_list_box_row_get_child (gtk_list_box_get_row_at_index (self->protobuf_path_list, i));
      GtkSwitch *all = g_object_get_data (G_OBJECT (box), "switch");
      gboolean load_all;

      g_variant_get_child (paths, i, "(&sb)", NULL, &load_all);
      g_signal_handlers_block_by_func (all, load_all_set_cb, self);
      gtk_switch_set_active (all, load_all);
      g_signal_handlers_unblock_by_func (all, load_all_set_cb, self);
    }
  return TRUE;
}

static void
search_paths_changed_cb (GSettings *settings, const char *key, IotPreferencesWindow *self)
{
  g_autoptr (GVariant) paths = g_settings_get_value (settings, "protobuf-search-paths");
  GVariantIter iter;
  const char *dir;
  gboolean load_all;
  guint n = 0;

  if (update_search_path_switches (self, paths))
    {
      show_protobuf_status (self, g_variant_n_children (paths));
      return;
    }
  clear_list_box (self->protobuf_path_list);
  g_variant_iter_init (&iter, paths);
  while (g_variant_iter_next (&iter, "(&sb)", &dir, &load_all))
    {
      GtkWidget *box = row_box ();
      GtkWidget *folder = gtk_label_new (dir);
      GtkWidget *all_label = gtk_label_new (_("Load all files"));
      GtkWidget *all = gtk_switch_new ();
      GtkWidget *remove = remove_button (_("Remove this folder"));

      gtk_label_set_xalign (GTK_LABEL (folder), 0);
      gtk_label_set_ellipsize (GTK_LABEL (folder), PANGO_ELLIPSIZE_START);
      gtk_widget_set_hexpand (folder, TRUE);
      gtk_widget_add_css_class (folder, "monospace");
      gtk_widget_add_css_class (all_label, "dim-label");
      gtk_switch_set_active (GTK_SWITCH (all), load_all);
      gtk_widget_set_valign (all, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (all), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Load all files"), -1);
      g_object_set_data_full (G_OBJECT (all), "folder", g_strdup (dir), g_free);
      g_object_set_data_full (G_OBJECT (box), "folder", g_strdup (dir), g_free);
      g_object_set_data (G_OBJECT (box), "switch", all);
      g_object_set_data_full (G_OBJECT (remove), "folder", g_strdup (dir), g_free);
      g_signal_connect (all, "state-set", G_CALLBACK (load_all_set_cb), self);
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_search_path_cb), self);
      gtk_box_append (GTK_BOX (box), folder);
      gtk_box_append (GTK_BOX (box), all_label);
      gtk_box_append (GTK_BOX (box), all);
      gtk_box_append (GTK_BOX (box), remove);
      gtk_list_box_append (self->protobuf_path_list, box);
      n++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->protobuf_path_list), n > 0);
  show_protobuf_status (self, n);
}

static void
add_search_path_cb (GtkWidget *widget, IotPreferencesWindow *self)
{
  g_autoptr (GError) error = NULL;

  if (!iot_dissect_settings_add_search_path (self->settings,
                                             gtk_editable_get_text (GTK_EDITABLE (self->protobuf_path_entry)),
                                             gtk_check_button_get_active (self->protobuf_load_all_check), &error))
    {
      set_status (self->protobuf_status, error->message, TRUE);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->protobuf_path_entry), "");
}

static void
folder_chooser_response_cb (GtkNativeDialog *dialog, int response, IotPreferencesWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path != NULL)
        {
          gtk_editable_set_text (GTK_EDITABLE (self->protobuf_path_entry), path);
          add_search_path_cb (NULL, self);
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_clear_object (&self->folder_chooser);
}

static void
choose_folder_cb (GtkButton *button, IotPreferencesWindow *self)
{
  if (self->folder_chooser != NULL)
    return;
  self->folder_chooser = gtk_file_chooser_native_new (_("Choose a Folder with .proto Files"), GTK_WINDOW (self),
                                                      GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Add"),
                                                      _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->folder_chooser), TRUE);
  g_signal_connect (self->folder_chooser, "response", G_CALLBACK (folder_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->folder_chooser));
}

static const char *
match_title (const char *match)
{
  static const char *const titles[] = {
    N_("Equal to"), N_("Contains"), N_("Starts with"), N_("Ends with"), N_("Regular Expression"),
  };

  for (guint i = 0; i < G_N_ELEMENTS (match_order); i++)
    if (g_str_equal (match_order[i], match))
      return _(titles[i]);
  return match;
}

static void
remove_mqtt_rule_cb (GtkButton *button, IotPreferencesWindow *self)
{
  iot_dissect_settings_remove_mqtt_rule (self->settings,
                                         GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "rule")));
}

static void
mqtt_rules_changed_cb (GSettings *settings, const char *key, IotPreferencesWindow *self)
{
  g_autoptr (GVariant) rules = g_settings_get_value (settings, "mqtt-topic-rules");
  GVariantIter iter;
  const char *match, *pattern, *protocol, *message_type;
  guint n = 0;

  clear_list_box (self->mqtt_rule_list);
  g_variant_iter_init (&iter, rules);
  while (g_variant_iter_next (&iter, "(&s&s&s&s)", &match, &pattern, &protocol, &message_type))
    {
      GtkWidget *box = row_box ();
      GtkWidget *criteria = gtk_label_new (match_title (match));
      GtkWidget *topic = gtk_label_new (pattern);
      GtkWidget *proto = gtk_label_new (protocol);
      GtkWidget *type = gtk_label_new (message_type[0] ? message_type : _("fields by number"));
      GtkWidget *remove = remove_button (_("Remove this rule"));

      gtk_label_set_xalign (GTK_LABEL (criteria), 0);
      gtk_label_set_width_chars (GTK_LABEL (criteria), 12);
      gtk_widget_add_css_class (criteria, "dim-label");
      gtk_label_set_xalign (GTK_LABEL (topic), 0);
      gtk_widget_set_hexpand (topic, TRUE);
      gtk_label_set_ellipsize (GTK_LABEL (topic), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (topic, "monospace");
      gtk_widget_add_css_class (proto, "monospace");
      gtk_label_set_xalign (GTK_LABEL (type), 0);
      gtk_label_set_width_chars (GTK_LABEL (type), 16);
      gtk_label_set_ellipsize (GTK_LABEL (type), PANGO_ELLIPSIZE_START);
      if (message_type[0] == '\0')
        gtk_widget_add_css_class (type, "dim-label");
      g_object_set_data (G_OBJECT (remove), "rule", GUINT_TO_POINTER (n));
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_mqtt_rule_cb), self);
      gtk_box_append (GTK_BOX (box), criteria);
      gtk_box_append (GTK_BOX (box), topic);
      gtk_box_append (GTK_BOX (box), proto);
      gtk_box_append (GTK_BOX (box), type);
      gtk_box_append (GTK_BOX (box), remove);
      gtk_list_box_append (self->mqtt_rule_list, box);
      n++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->mqtt_rule_list), n > 0);
}

static void
add_mqtt_rule_cb (GtkWidget *widget, IotPreferencesWindow *self)
{
  guint match = gtk_drop_down_get_selected (self->mqtt_match_dropdown);
  g_autofree char *pattern = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->mqtt_pattern_entry)));
  g_autofree char *protocol = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->mqtt_protocol_entry))));
  g_autofree char *type = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->mqtt_message_type_entry))));
  g_autoptr (GError) error = NULL;

  if (!iot_dissect_settings_add_mqtt_rule (self->settings, match_order[MIN (match, G_N_ELEMENTS (match_order) - 1)],
                                           pattern, protocol, type, &error))
    {
      set_status (self->mqtt_status, error->message, TRUE);
      return;
    }
  set_status (self->mqtt_status, "", FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->mqtt_pattern_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->mqtt_message_type_entry), "");
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

/* Scrolls the Protocols page to its Protocol Buffers section (once the
 * window is laid out; before, there is nowhere to scroll to). */
static void
scroll_to_protobuf (IotPreferencesWindow *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->protocols_page));
  double x, y;

  if (gtk_widget_translate_coordinates (self->protobuf_heading, self->protocols_page, 0, 0, &x, &y))
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + y - 12);
}

void
iot_preferences_window_show_page (IotPreferencesWindow *self, const char *name)
{
  /* The window's own child: not bound, as the window unparents it itself. */
  GtkNotebook *notebook = GTK_NOTEBOOK (gtk_window_get_child (GTK_WINDOW (self)));
  gboolean protobuf = g_strcmp0 (name, "protobuf") == 0;
  GtkWidget *page = g_strcmp0 (name, "protocols") == 0 || protobuf ? self->protocols_page
                    : g_strcmp0 (name, "tls") == 0 ? self->tls_page
                    : g_strcmp0 (name, "zigbee") == 0 ? self->zigbee_page
                    : self->general_page;

  gtk_notebook_set_current_page (notebook, gtk_notebook_page_num (notebook, page));
  if (protobuf)
    scroll_to_protobuf (self);
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
  g_signal_connect_object (settings, "changed::protobuf-search-paths", G_CALLBACK (search_paths_changed_cb), self, 0);
  g_signal_connect_object (settings, "changed::mqtt-topic-rules", G_CALLBACK (mqtt_rules_changed_cb), self, 0);
  search_paths_changed_cb (settings, "protobuf-search-paths", self);
  mqtt_rules_changed_cb (settings, "mqtt-topic-rules", self);
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

GListModel *
iot_preferences_window_get_zigbee_keys (IotPreferencesWindow *self)
{
  return G_LIST_MODEL (self->zigbee_keys);
}

static void
iot_preferences_window_dispose (GObject *object)
{
  IotPreferencesWindow *self = IOT_PREFERENCES_WINDOW (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->folder_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->folder_chooser));
  g_clear_object (&self->folder_chooser);
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
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, protobuf_heading);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, protobuf_path_list);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, protobuf_path_entry);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, protobuf_choose_button);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, protobuf_load_all_check);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, protobuf_path_add_button);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, protobuf_status);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, mqtt_rule_list);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, mqtt_match_dropdown);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, mqtt_pattern_entry);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, mqtt_protocol_entry);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, mqtt_message_type_entry);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, mqtt_rule_add_button);
  gtk_widget_class_bind_template_child (widget_class, IotPreferencesWindow, mqtt_status);
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
  g_signal_connect (self->protobuf_path_add_button, "clicked", G_CALLBACK (add_search_path_cb), self);
  g_signal_connect (self->protobuf_path_entry, "activate", G_CALLBACK (add_search_path_cb), self);
  g_signal_connect (self->protobuf_choose_button, "clicked", G_CALLBACK (choose_folder_cb), self);
  g_signal_connect (self->mqtt_rule_add_button, "clicked", G_CALLBACK (add_mqtt_rule_cb), self);
  g_signal_connect (self->mqtt_pattern_entry, "activate", G_CALLBACK (add_mqtt_rule_cb), self);
  g_signal_connect (self->mqtt_message_type_entry, "activate", G_CALLBACK (add_mqtt_rule_cb), self);
}
