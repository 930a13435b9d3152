/* iot-preferences-window.h — Preferences: the TLS page (key log file and
 * pre-shared keys), kept in GSettings.  Whoever watches the settings
 * applies them (iot-secrets-settings.h); this window only edits them. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define IOT_TYPE_PSK_ITEM (iot_psk_item_get_type ())
G_DECLARE_FINAL_TYPE (IotPskItem, iot_psk_item, IOT, PSK_ITEM, GObject)

const char *iot_psk_item_get_identity (IotPskItem *self);
const char *iot_psk_item_get_key (IotPskItem *self);

#define IOT_TYPE_PREFERENCES_WINDOW (iot_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (IotPreferencesWindow, iot_preferences_window, IOT, PREFERENCES_WINDOW, GtkWindow)

IotPreferencesWindow *iot_preferences_window_new (GSettings *settings);

/* What the page's controls do, for scripts and tests. */
void        iot_preferences_window_set_keylog_file (IotPreferencesWindow *self, const char *path);
gboolean    iot_preferences_window_add_psk (IotPreferencesWindow *self, const char *identity, const char *hex,
                                            GError **error);
/* IotPskItem, one per key in the settings, in their order. */
GListModel *iot_preferences_window_get_psks (IotPreferencesWindow *self);
GtkListBox *iot_preferences_window_get_psk_list (IotPreferencesWindow *self);
GtkEntry   *iot_preferences_window_get_keylog_entry (IotPreferencesWindow *self);
GtkLabel   *iot_preferences_window_get_keylog_status (IotPreferencesWindow *self);
GtkButton  *iot_preferences_window_get_clear_keylog_button (IotPreferencesWindow *self);
GtkEntry   *iot_preferences_window_get_psk_identity_entry (IotPreferencesWindow *self);
GtkEntry   *iot_preferences_window_get_psk_key_entry (IotPreferencesWindow *self);
GtkButton  *iot_preferences_window_get_psk_add_button (IotPreferencesWindow *self);

G_END_DECLS
