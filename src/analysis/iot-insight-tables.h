/* iot-insight-tables.h — the per-capture tables that iot-insight.c keeps
 * and the frame reader (iot-insight-frame.c), the MQTT rules
 * (iot-insight-mqtt.c) and the finishing (iot-insight-finish.c) share.
 * Private to those files. */
#pragma once

#include "iot-insight-private.h"

G_BEGIN_DECLS

/* An address seen as a device, with its text and profile (made on first
 * use): the hot path formats and hashes each address once. */
typedef struct {
  char    *text;
  Profile *profile;
} DeviceName;

/* A clear-text protocol's device and server port: the key of its
 * L_CLEARTEXT list without formatting text on every frame. */
typedef struct {
  IotAddress device;
  guint8     proto;             /* 0 MQTT, 1 CoAP, 2 HTTP */
  guint16    port;
} CleartextKey;

/* Which of the insight's fields @field is, or -1. */
int          insight_field_index (const InsightFields *f, const IotField *field);
int          insight_cmp_strings (gconstpointer a, gconstpointer b);
/* Topics by name (the elements are Topic pointers). */
int          insight_cmp_topics (gconstpointer a, gconstpointer b);
/* The list under @key, made on first use. */
FrameList   *insight_frame_list_get (GHashTable *table, const char *key);
void         insight_frame_list_add (FrameList *l, guint32 frame);
Profile     *insight_profile_get (GHashTable *table, const char *name);
void         insight_profile_add (Profile *p, guint32 frame, gint64 rel_ns, double size, const char *peer,
                                  const char *type);
void         insight_add_unique (IotInsight *self, GPtrArray *list, const char *name);
Topic       *insight_topic_get (IotInsight *self, const char *name);
Series      *insight_series_get (IotInsight *self, const char *publisher, const char *topic);
DeviceName  *insight_device_name (IotInsight *self, const IotAddress *addr);
/* "27, 28, 30" for the first @max frames of @frames, "…" if there are more. */
char        *insight_frame_numbers_text (const GArray *frames, guint max);

/* The frames a clear-text finding lists; its list keeps no more. */
#define CLEARTEXT_FRAMES_SHOWN 10u

/* iot-insight-mqtt.c */
void         insight_mqtt_frame (IotInsight *self, FrameFacts *ff);
void         insight_finish_mqtt (IotInsight *self);

G_END_DECLS
