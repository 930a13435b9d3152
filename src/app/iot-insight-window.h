/* iot-insight-window.h — IoT Insight: the expert diagnoses with their
 * evidence and plain-language explanations, the security audit, the MQTT
 * topic tree, client sessions and latency plots of the session's capture;
 * saving and comparing a baseline; HTML and JSON reports.  The analysis
 * runs in a worker.
 */
#pragma once

#include <gtk/gtk.h>

#include "iot-session.h"

G_BEGIN_DECLS

#define IOT_TYPE_INSIGHT_WINDOW (iot_insight_window_get_type ())
G_DECLARE_FINAL_TYPE (IotInsightWindow, iot_insight_window, IOT, INSIGHT_WINDOW, GtkWindow)

/* @page: "diagnoses", "security", "topics", "sessions" or "latency" (NULL:
 * the first).  Signals: "ready" once the analysis is shown,
 * "filter-requested" (const char *filter) and "frame-activated" (guint). */
IotInsightWindow *iot_insight_window_new (IotSession *session, const char *page);
gboolean          iot_insight_window_is_ready (IotInsightWindow *self);
void              iot_insight_window_set_page (IotInsightWindow *self, const char *page);

G_END_DECLS
