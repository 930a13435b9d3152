/* iot-dissect-settings.h — the preferences that change how frames are
 * dissected (GSettings keys resolve-mac, protocol-ports, decode-as),
 * applied to the process-wide name resolution and hand-off tables. */
#pragma once

#include <gio/gio.h>

#include "iot-proto.h"

G_BEGIN_DECLS

/* Puts the tables back as the dissectors registered them, then applies
 * @settings (may be NULL: the defaults).  Everything valid is applied;
 * the first problem is returned through @error. */
gboolean iot_dissect_settings_apply (GSettings *settings, GError **error);

/* Applies @settings now and whenever those keys change, before any
 * handler connected later runs (windows that dissect again).  Once per
 * settings object. */
void     iot_dissect_settings_watch (GSettings *settings);

/* Checks @spec ("tcp.port==1884,mqtt") and adds it to decode-as (once). */
gboolean iot_dissect_settings_add_decode_as (GSettings *settings, const char *spec, GError **error);
gboolean iot_dissect_settings_remove_decode_as (GSettings *settings, const char *spec);

/* Sets the port preference of @protocol in @table ("mqtt", "tcp.port") to
 * @ports ("1883,1884"); NULL or the registered default removes it. */
gboolean iot_dissect_settings_set_ports (GSettings *settings, const char *protocol, const char *table,
                                         const char *ports, GError **error);
/* The ports of @protocol in @table the settings give, else the default. */
char    *iot_dissect_settings_get_ports (GSettings *settings, const char *protocol, const char *table);
/* The ports the dissectors registered for @protocol in @table, before any
 * preference ("1883"). */
char    *iot_dissect_settings_default_ports (const char *protocol, const char *table);

/* ---- Protocol Buffers and MQTT payload rules (protobuf-search-paths,
 * mqtt-topic-rules) ---- */

/* A new .proto pool: the compiled-in files plus the search folders of
 * @settings; every folder is tried, the first problem ("lab.proto:12: …")
 * returned through @error. */
IotProtoPool *iot_dissect_settings_load_protos (GSettings *settings, GError **error);
/* Puts the pool and MQTT rules of @settings in place of the dissectors'
 * ones (both replaced in one step each, safe while a worker dissects). */
gboolean iot_dissect_settings_apply_payload (GSettings *settings, GError **error);

/* tshark's UAT lines: "DIR","TRUE" and "Starts with","lab/","none","protobuf"[,"pkg.Msg"],
 * added to the settings (once). */
gboolean iot_dissect_settings_add_search_path_uat (GSettings *settings, const char *entry, GError **error);
gboolean iot_dissect_settings_add_mqtt_rule_uat (GSettings *settings, const char *entry, GError **error);

/* Adds / removes one entry of protobuf-search-paths or mqtt-topic-rules. */
gboolean iot_dissect_settings_add_search_path (GSettings *settings, const char *dir, gboolean load_all,
                                               GError **error);
void     iot_dissect_settings_remove_search_path (GSettings *settings, const char *dir);
void     iot_dissect_settings_set_load_all (GSettings *settings, const char *dir, gboolean load_all);
gboolean iot_dissect_settings_add_mqtt_rule (GSettings *settings, const char *match, const char *pattern,
                                             const char *protocol, const char *message_type, GError **error);
void     iot_dissect_settings_remove_mqtt_rule (GSettings *settings, guint index);

G_END_DECLS
