/* iot-insight-readings.h — the Readings page of the IoT Insight window:
 * every series of numeric readings the payloads carried (device, series,
 * name, unit, count, min, max, last) above a chart of the selected one,
 * its time axis shaded where the insight found the device's topic silent
 * (periodic gaps).  Clicking a point emits "frame-activated" with its
 * frame.
 */
#pragma once

#include <gtk/gtk.h>

#include "iot-capture.h"
#include "iot-insight.h"

G_BEGIN_DECLS

#define IOT_TYPE_INSIGHT_READINGS (iot_insight_readings_get_type ())
G_DECLARE_FINAL_TYPE (IotInsightReadings, iot_insight_readings, IOT, INSIGHT_READINGS, GtkWidget)

/* Shows @insight's readings (NULL: none); @insight must outlive the page.
 * @capture is the analysed one: the gaps' frames are read for their times. */
void                iot_insight_readings_set_insight (IotInsightReadings *self, IotInsight *insight,
                                                      IotCapture *capture);

/* ---- a row of the list ---------------------------------------------------- */

#define IOT_TYPE_INSIGHT_READINGS_ROW (iot_insight_readings_row_get_type ())
G_DECLARE_FINAL_TYPE (IotInsightReadingsRow, iot_insight_readings_row, IOT, INSIGHT_READINGS_ROW, GObject)


G_END_DECLS
