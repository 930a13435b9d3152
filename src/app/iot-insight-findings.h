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
gboolean            iot_insight_findings_is_empty (IotInsightFindings *self);
const char         *iot_insight_findings_get_empty_title (IotInsightFindings *self);
/* The list's selection (its model holds the rows). */
GtkSingleSelection *iot_insight_findings_get_selection (IotInsightFindings *self);
GtkColumnView      *iot_insight_findings_get_view (IotInsightFindings *self);
/* The selected finding's frame lists: their models are GtkStringLists of
 * frame numbers; "activate" on a row emits "frame-activated". */
GtkListView        *iot_insight_findings_get_evidence_view (IotInsightFindings *self);
GtkListView        *iot_insight_findings_get_related_view (IotInsightFindings *self);
/* The detail pane's explanation label. */
GtkLabel           *iot_insight_findings_get_explanation_label (IotInsightFindings *self);
/* "Filter These Frames": emits "filter-requested". */
GtkButton          *iot_insight_findings_get_filter_button (IotInsightFindings *self);

G_END_DECLS
