/* iot-mqtt-rules.h — which dissector reads the payload of an MQTT topic:
 * tshark's "mqtt_message_decoding" table (match criteria, topic pattern,
 * decoding, payload protocol), plus an optional fifth column of ours, the
 * protobuf message type, which tshark 4.0 has no column for.  GLib only.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  IOT_MQTT_MATCH_EQUAL,      /* "Equal to" */
  IOT_MQTT_MATCH_CONTAINS,   /* "Contains" */
  IOT_MQTT_MATCH_STARTS,     /* "Starts with" */
  IOT_MQTT_MATCH_ENDS,       /* "Ends with" */
  IOT_MQTT_MATCH_REGEX,      /* "Regular Expression" */
} IotMqttMatch;

typedef struct {
  IotMqttMatch match;
  char        *pattern;
  GRegex      *regex;        /* IOT_MQTT_MATCH_REGEX */
  char        *protocol;     /* dissector abbreviation, e.g. "protobuf" */
  char        *message_type; /* protobuf message type, or NULL */
} IotMqttRule;

/* One UAT line: "Starts with","lab/meter/","none","protobuf"[,"pkg.Msg"]. */
gboolean           iot_mqtt_rules_add_uat (const char *entry, GError **error);
/* The first rule whose pattern matches @topic, or NULL. */
const IotMqttRule *iot_mqtt_rules_match (const char *topic);
/* The rules in force, for a look over all of them (which protocols a
 * topic may be handed to). */
guint              iot_mqtt_rules_count (void);
const IotMqttRule *iot_mqtt_rules_nth (guint index);
/* Frees the rules (only with no dissection running). */
void               iot_mqtt_rules_clear (void);
/* Removes the rules in one step; they stay allocated, as a worker
 * dissecting now may hold one that iot_mqtt_rules_match() returned. */
void               iot_mqtt_rules_retire (void);

/* Splits a UAT line into its fields: "a","b\x2c" → { a, b, }.  NULL with
 * @error on text that is not a list of quoted strings. */
char             **iot_uat_split (const char *entry, GError **error);

G_END_DECLS
