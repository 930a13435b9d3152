/* iot-preferences-window.h — Preferences, kept in GSettings: General
 * (name resolution, time format, colouring, style), Protocols (ports,
 * Protocol Buffers folders, MQTT payload rules),
 * TLS (key log file and pre-shared keys) and Zigbee (network keys).
 * Whoever watches the settings applies them (iot-secrets-settings.h,
 * iot-dissect-settings.h, the windows); this window only edits them. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define IOT_TYPE_PSK_ITEM (iot_psk_item_get_type ())
G_DECLARE_FINAL_TYPE (IotPskItem, iot_psk_item, IOT, PSK_ITEM, GObject)


#define IOT_TYPE_ZIGBEE_KEY_ITEM (iot_zigbee_key_item_get_type ())
G_DECLARE_FINAL_TYPE (IotZigbeeKeyItem, iot_zigbee_key_item, IOT, ZIGBEE_KEY_ITEM, GObject)

const char *iot_zigbee_key_item_get_key (IotZigbeeKeyItem *self);

#define IOT_TYPE_PREFERENCES_WINDOW (iot_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (IotPreferencesWindow, iot_preferences_window, IOT, PREFERENCES_WINDOW, GtkWindow)

IotPreferencesWindow *iot_preferences_window_new (GSettings *settings);

/* What the page's controls do, for scripts and tests. */
void        iot_preferences_window_set_keylog_file (IotPreferencesWindow *self, const char *path);
gboolean    iot_preferences_window_add_psk (IotPreferencesWindow *self, const char *identity, const char *hex,
                                            GError **error);

/* Pages by name: "general", "protocols", "tls", "zigbee"; "protobuf" is
 * the Protocols page scrolled to its Protocol Buffers section. */
void        iot_preferences_window_show_page (IotPreferencesWindow *self, const char *name);

G_END_DECLS
