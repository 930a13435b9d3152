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

const char *iot_psk_item_get_identity (IotPskItem *self);
const char *iot_psk_item_get_key (IotPskItem *self);

#define IOT_TYPE_ZIGBEE_KEY_ITEM (iot_zigbee_key_item_get_type ())
G_DECLARE_FINAL_TYPE (IotZigbeeKeyItem, iot_zigbee_key_item, IOT, ZIGBEE_KEY_ITEM, GObject)

const char *iot_zigbee_key_item_get_key (IotZigbeeKeyItem *self);
gboolean    iot_zigbee_key_item_get_reversed (IotZigbeeKeyItem *self);
const char *iot_zigbee_key_item_get_label (IotZigbeeKeyItem *self);

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

/* Pages by name: "general", "protocols", "tls", "zigbee"; "protobuf" is
 * the Protocols page scrolled to its Protocol Buffers section. */
void        iot_preferences_window_show_page (IotPreferencesWindow *self, const char *name);
GtkCheckButton *iot_preferences_window_get_resolve_mac_check (IotPreferencesWindow *self);
GtkCheckButton *iot_preferences_window_get_colorize_check (IotPreferencesWindow *self);
GtkDropDown *iot_preferences_window_get_time_format_dropdown (IotPreferencesWindow *self);
GtkDropDown *iot_preferences_window_get_style_dropdown (IotPreferencesWindow *self);
/* The entry of @protocol's ports in @table ("mqtt", "tcp.port"), or NULL. */
GtkEntry   *iot_preferences_window_get_ports_entry (IotPreferencesWindow *self, const char *protocol,
                                                    const char *table);
GtkLabel   *iot_preferences_window_get_ports_status (IotPreferencesWindow *self);
/* IotZigbeeKeyItem, one per key in the settings, in their order. */
GListModel *iot_preferences_window_get_zigbee_keys (IotPreferencesWindow *self);
GtkListBox *iot_preferences_window_get_zigbee_list (IotPreferencesWindow *self);
GtkEntry   *iot_preferences_window_get_zigbee_key_entry (IotPreferencesWindow *self);
GtkDropDown *iot_preferences_window_get_zigbee_order_dropdown (IotPreferencesWindow *self);
GtkEntry   *iot_preferences_window_get_zigbee_label_entry (IotPreferencesWindow *self);
GtkButton  *iot_preferences_window_get_zigbee_add_button (IotPreferencesWindow *self);
GtkLabel   *iot_preferences_window_get_zigbee_status (IotPreferencesWindow *self);

/* The Protocols page's Protocol Buffers folders and MQTT payload rules
 * (GSettings protobuf-search-paths, mqtt-topic-rules). */
GtkListBox *iot_preferences_window_get_protobuf_path_list (IotPreferencesWindow *self);
GtkEntry *iot_preferences_window_get_protobuf_path_entry (IotPreferencesWindow *self);
GtkCheckButton *iot_preferences_window_get_protobuf_load_all_check (IotPreferencesWindow *self);
GtkButton *iot_preferences_window_get_protobuf_path_add_button (IotPreferencesWindow *self);
GtkLabel *iot_preferences_window_get_protobuf_status (IotPreferencesWindow *self);
GtkListBox *iot_preferences_window_get_mqtt_rule_list (IotPreferencesWindow *self);
GtkDropDown *iot_preferences_window_get_mqtt_match_dropdown (IotPreferencesWindow *self);
GtkEntry *iot_preferences_window_get_mqtt_pattern_entry (IotPreferencesWindow *self);
GtkEntry *iot_preferences_window_get_mqtt_protocol_entry (IotPreferencesWindow *self);
GtkEntry *iot_preferences_window_get_mqtt_message_type_entry (IotPreferencesWindow *self);
GtkButton *iot_preferences_window_get_mqtt_rule_add_button (IotPreferencesWindow *self);
GtkLabel *iot_preferences_window_get_mqtt_status (IotPreferencesWindow *self);

G_END_DECLS
