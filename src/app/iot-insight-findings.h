/* iot-insight-findings.h — one page of the IoT Insight window: a list of
 * findings (diagnoses and deviations, or the security audit) beside the
 * selected one's explanation, evidence frames and related frames.
 */
#pragma once

#include <gtk/gtk.h>

#include "iot-capture.h"
#include "iot-insight-rows.h"

G_BEGIN_DECLS

#define IOT_TYPE_INSIGHT_FINDINGS (iot_insight_findings_get_type ())
G_DECLARE_FINAL_TYPE (IotInsightFindings, iot_insight_findings, IOT, INSIGHT_FINDINGS, GtkWidget)

/* The capture the frames belong to: the frame lists show each frame's
 * protocol and summary, dissected as rows come into view. */
void                iot_insight_findings_set_capture (IotInsightFindings *self, IotCapture *capture);
/* @rows: IotInsightFindingRow.  With none, the page says @empty_title and
 * @empty_detail instead. */
void                iot_insight_findings_set_rows (IotInsightFindings *self, GListModel *rows,
                                                   const char *empty_title, const char *empty_detail);

G_END_DECLS
