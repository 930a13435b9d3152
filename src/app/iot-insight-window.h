/* iot-insight-window.h — IoT Insight: the expert diagnoses with their
 * evidence and plain-language explanations, the security audit, the MQTT
 * topic tree, client sessions and latency plots of the session's capture;
 * saving and comparing a baseline; HTML and JSON reports.  The analysis
 * runs in a worker.
 */
#pragma once

#include <gtk/gtk.h>

#include "iot-insight-findings.h"
#include "iot-insight-readings.h"
#include "iot-analysis-window.h"

G_BEGIN_DECLS

#define IOT_TYPE_INSIGHT_WINDOW (iot_insight_window_get_type ())
G_DECLARE_FINAL_TYPE (IotInsightWindow, iot_insight_window, IOT, INSIGHT_WINDOW, IotAnalysisWindow)

/* @page: "diagnoses", "security", "topics", "sessions" or "latency" (NULL:
 * the first).  Signals (IotAnalysisWindow's): "ready" once the analysis
 * is shown, "filter-requested" for a topic, a session or a finding, and
 * "frame-activated" for an evidence or related frame. */
IotInsightWindow *iot_insight_window_new (IotSession *session, const char *page);
void              iot_insight_window_set_page (IotInsightWindow *self, const char *page);

/* What the buttons of the header bar do once a file is chosen; FALSE with
 * @error before the analysis is ready or when the file cannot be used.
 * The report is JSON when @path ends in ".json", else an HTML page.
 * Comparing shows the deviations in the Diagnoses list (tagged
 * "Deviation", first) and switches to that page. */
gboolean          iot_insight_window_export_report (IotInsightWindow *self, const char *path, GError **error);
/* The whole report, twice: BASE.html (to read, with the charts) and
 * BASE.json (data), BASE being @path without an .html/.json extension;
 * the names written are returned in @html_path and @json_path (may be NULL). */
gboolean          iot_insight_window_export_reports (IotInsightWindow *self, const char *path,
                                                     char **html_path, char **json_path, GError **error);
/* Asks where to write the report (both files), now or once the analysis
 * is ready. */
void              iot_insight_window_choose_report (IotInsightWindow *self);
gboolean          iot_insight_window_save_baseline (IotInsightWindow *self, const char *path, GError **error);
gboolean          iot_insight_window_compare_baseline (IotInsightWindow *self, const char *path, GError **error);

G_END_DECLS
