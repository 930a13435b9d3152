/* iot-io-graph-window.h — I/O Graph: frames or bytes per interval of the
 * session's capture, several series each with its own display filter,
 * drawn with cairo and exportable as PNG or SVG.
 */
#pragma once

#include <gtk/gtk.h>

#include "iot-io-graph.h"
#include "iot-analysis-window.h"

G_BEGIN_DECLS

#define IOT_TYPE_IO_GRAPH_WINDOW (iot_io_graph_window_get_type ())
G_DECLARE_FINAL_TYPE (IotIoGraphWindow, iot_io_graph_window, IOT, IO_GRAPH_WINDOW, IotAnalysisWindow)

/* Signals (IotAnalysisWindow's): "ready" once the series are counted and
 * drawn (again after every recount), "frame-activated" with the first
 * frame of a clicked interval.  A count runs while
 * iot_analysis_window_is_working (). */
IotIoGraphWindow *iot_io_graph_window_new (IotSession *session);
/* Writes the graph as .png or .svg (by @path's extension). */
gboolean          iot_io_graph_window_export (IotIoGraphWindow *self, const char *path, GError **error);

G_END_DECLS
