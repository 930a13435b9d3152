/* iot-follow-mqtt.h — the MQTT messages of one TCP connection in order,
 * one readable line each ("Follow MQTT session").  GLib only.
 *
 * Built on the MQTT dissector's records and, for what they do not carry,
 * its fields: the request/response matching (mqtt.response_in,
 * mqtt.response_time, mqtt.pubcomp_in, mqtt.handshake_time, mqtt.dup_of).
 */
#pragma once

#include "iot-engine.h"

G_BEGIN_DECLS

/* Message types, as in the MQTT fixed header (mqtt.msgtype). */
typedef enum {
  IOT_MQTT_CONNECT = 1,
  IOT_MQTT_CONNACK,
  IOT_MQTT_PUBLISH,
  IOT_MQTT_PUBACK,
  IOT_MQTT_PUBREC,
  IOT_MQTT_PUBREL,
  IOT_MQTT_PUBCOMP,
  IOT_MQTT_SUBSCRIBE,
  IOT_MQTT_SUBACK,
  IOT_MQTT_UNSUBSCRIBE,
  IOT_MQTT_UNSUBACK,
  IOT_MQTT_PINGREQ,
  IOT_MQTT_PINGRESP,
  IOT_MQTT_DISCONNECT,
  IOT_MQTT_AUTH,
} IotMqttType;

/* One MQTT message.  A frame may hold several; all have its number. */
typedef struct {
  guint32      frame;
  gint64       time_ns;           /* since the first frame of the stream */
  gboolean     from_client;       /* client → broker */
  guint8       type;              /* IotMqttType */
  gint8        qos;               /* PUBLISH only; -1 otherwise */
  gboolean     dup;
  gint32       msgid;             /* -1: none */
  char        *topic;             /* NULL: none; several filters joined with ", " */
  GBytes      *payload;           /* PUBLISH payload; NULL: none */
  /* From the dissector's matching (0 / -1: none). */
  guint32      response_in;
  guint32      response_to;
  gint64       response_time_ns;
  guint32      pubcomp_in;        /* QoS 2 PUBLISH */
  gint64       handshake_time_ns; /* PUBCOMP: since its PUBLISH */
  guint32      publish_in;        /* PUBREC/PUBREL/PUBCOMP: the QoS 2 PUBLISH */
  guint32      dup_of;
  gboolean     unanswered;        /* the dissector warned: no answer came (nor for a copy) */
} IotMqttMessage;

typedef struct _IotMqttFollow IotMqttFollow;

/* Collects the MQTT messages of TCP stream @stream (tcp.stream). */
IotMqttFollow        *iot_mqtt_follow_new (IotEngine *engine, guint32 stream, GError **error);
void                  iot_mqtt_follow_free (IotMqttFollow *follow);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotMqttFollow, iot_mqtt_follow_free)

guint                 iot_mqtt_follow_n_messages (IotMqttFollow *follow);
const IotMqttMessage *iot_mqtt_follow_message (IotMqttFollow *follow, guint index);
/* "127.0.0.1:39024" of the client (@broker FALSE) or of the broker. */
const char           *iot_mqtt_follow_endpoint (IotMqttFollow *follow, gboolean broker);
/* "CONNECT", "PUBLISH" … */
const char           *iot_mqtt_type_name (guint type);

/* One line (without the newline) for message @index:
 *   0.000512  C→B  #32  PUBLISH  sensors/humidity  QoS 1  id=1  "{"rh":48}"  → PUBACK #35 in 0.094 ms */
void                  iot_mqtt_follow_format_message (IotMqttFollow *follow, guint index, GString *out);
/* The whole session with a header like tshark's follow output. */
void                  iot_mqtt_follow_print (IotMqttFollow *follow, GString *out);

G_END_DECLS
