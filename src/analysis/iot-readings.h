/* iot-readings.h — values over time: every numeric reading the payloads of
 * a capture carry (JSON members of MQTT, CoAP and HTTP bodies, ZCL
 * attribute reports …), gathered into series keyed by device, series
 * (topic, path, cluster) and name.  GLib only (json-glib for the report).
 *
 * The dissectors publish the readings (IotReading, see iot-dissector.h)
 * when a frame is dissected with IOT_DISSECT_READINGS; this collector asks
 * for nothing else, so a pass costs no tree and no fields.  A point costs
 * 24 bytes and no allocation of its own; names are kept once per
 * collector, however many points use them.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "iot-engine.h"
#include "iot-filter.h"
#include "iot-scan.h"

G_BEGIN_DECLS

typedef struct {
  gint64  time_ns;    /* absolute: the reading's own time, or its frame's */
  double  value;
  guint32 frame;
} IotReadingPoint;

typedef struct {
  const char *device;   /* client id, long or short address, or the frame's source address */
  const char *series;   /* topic, path, cluster; "" when the carrier named none */
  const char *name;     /* JSON path, attribute … */
  const char *unit;     /* the latest unit published with it; NULL: none */
  guint       count;
  double      min, max, last;
  gint64      first_ns, last_ns;   /* of the first and the latest point (absolute) */
  GArray     *points;              /* IotReadingPoint, in capture order */
} IotReadingSeries;

typedef struct _IotReadings IotReadings;

/* Called every few thousand frames from the thread that collects. */
typedef void (*IotReadingsProgress) (guint32 done, guint32 total, gpointer user_data);

IotReadings *iot_readings_new (void);
void         iot_readings_free (IotReadings *readings);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotReadings, iot_readings_free)

/* Adds the readings of a frame dissected with IOT_DISSECT_READINGS. */
void         iot_readings_add_packet (IotReadings *readings, IotPacket *pkt);
/* Sorts the series by device, series and name; call once at the end. */
void         iot_readings_finish (IotReadings *readings);
/* Keeps only the frames that pass @filter (not owned; NULL: all).  Times
 * stay relative to the first frame of the capture, filtered or not. */
void         iot_readings_set_filter (IotReadings *readings, IotFilter *filter);
/* As a scan listener (instance: an IotReadings). */
extern const IotScanListener iot_readings_listener;

guint                   iot_readings_n_series (IotReadings *readings);
const IotReadingSeries *iot_readings_series (IotReadings *readings, guint index);
/* Time of the capture's first frame (absolute ns; 0 before any frame). */
gint64                  iot_readings_start_ns (IotReadings *readings);

/* "21.5", "-0.001", "1.5e+20": a value as short as it stays exact. */
char        *iot_readings_format_value (double value);

/* -z readings[,FILTER]: one row per series. */
void         iot_readings_print (IotReadings *readings, const char *filter, GString *out);
/* The series and their points, as an array. */
void         iot_readings_to_json (IotReadings *readings, JsonBuilder *builder);

G_END_DECLS
