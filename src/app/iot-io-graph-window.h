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

IotIoGraph       *iot_io_graph_window_get_graph (IotIoGraphWindow *self);

/* The interval, in microseconds: one of the dropdown's choices. */
guint64           iot_io_graph_window_get_interval (IotIoGraphWindow *self);
void              iot_io_graph_window_set_interval (IotIoGraphWindow *self, guint64 interval_us);
GtkDropDown      *iot_io_graph_window_get_interval_dropdown (IotIoGraphWindow *self);
/* Intervals on the time axis (from the first frame to the last). */
guint             iot_io_graph_window_get_n_intervals (IotIoGraphWindow *self);
void              iot_io_graph_window_set_per_second (IotIoGraphWindow *self, gboolean per_second);

/* The series, in the order of the table. */
guint             iot_io_graph_window_get_n_series (IotIoGraphWindow *self);
/* Adds a series; @y_value is "frames", "bytes", "bits" or CALC(field)
 * with CALC one of SUM, MIN, MAX, AVG, COUNT.  Returns its index. */
guint             iot_io_graph_window_add_series (IotIoGraphWindow *self, const char *name, const char *filter,
                                                  const char *y_value);
void              iot_io_graph_window_remove_series (IotIoGraphWindow *self, guint series);
GtkEditable      *iot_io_graph_window_get_filter_entry (IotIoGraphWindow *self, guint series);
void              iot_io_graph_window_set_series_enabled (IotIoGraphWindow *self, guint series, gboolean enabled);
gboolean          iot_io_graph_window_get_series_enabled (IotIoGraphWindow *self, guint series);
/* Whether the series' filter (and field) compile. */
gboolean          iot_io_graph_window_series_is_valid (IotIoGraphWindow *self, guint series);
/* Counted results of interval @interval: frames that passed the filter,
 * the value drawn, and the first of those frames (0 = none). */
guint64           iot_io_graph_window_get_frames (IotIoGraphWindow *self, guint series, guint interval);
double            iot_io_graph_window_get_value (IotIoGraphWindow *self, guint series, guint interval);
guint32           iot_io_graph_window_get_first_frame (IotIoGraphWindow *self, guint series, guint interval);

G_END_DECLS
