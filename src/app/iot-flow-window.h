/* iot-flow-window.h — the Flow Graph: the selected frame's conversation as
 * a sequence diagram (endpoints as columns, messages as arrows, requests
 * and answers paired in one colour with the latency on the answer, expert
 * findings marked); clicking an arrow selects its frame; PNG/SVG export. */
#pragma once

#include <gtk/gtk.h>

#include "iot-analysis-window.h"
#include "iot-window.h"
#include "iot-flow.h"

G_BEGIN_DECLS

#define IOT_TYPE_FLOW_WINDOW (iot_flow_window_get_type ())
G_DECLARE_FINAL_TYPE (IotFlowWindow, iot_flow_window, IOT, FLOW_WINDOW, IotAnalysisWindow)

/* Opens the flow graph of @window's selected frame; "ready" is emitted
 * once it is drawn (or could not be made: see the status line). */
IotFlowWindow *iot_flow_window_new (IotWindow *window);
/* Adds win.flow-graph to @window. */
void           iot_flow_window_install_action (IotWindow *window);

/* Writes the diagram as PNG or SVG (by @path's extension). */
gboolean       iot_flow_window_export (IotFlowWindow *self, const char *path, GError **error);

G_END_DECLS
