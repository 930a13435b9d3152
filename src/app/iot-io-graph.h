/* iot-io-graph.h — the plot of the I/O Graph window: one value per time
 * interval for several series, as lines, bars or dots, with a time axis,
 * a value axis, grid and legend.  The same drawing function paints the
 * screen and the exported PNG or SVG.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum {
  IOT_IO_GRAPH_LINE,
  IOT_IO_GRAPH_BARS,
  IOT_IO_GRAPH_DOTS,
} IotIoGraphStyle;

/* One series to draw.  @frames tells which intervals hold frames (its
 * first frame, 0 = none): dots are drawn only there, and with @gaps the
 * line breaks at empty intervals (a minimum of nothing is no zero). */
typedef struct {
  guint           id;        /* the caller's series number, handed back on clicks */
  char           *name;
  char           *unit;      /* "frames", "bytes", "AVG(frame.len)" … for the readout */
  gboolean        is_calc;   /* unit is a calculation: "unit = value" in the readout */
  gboolean        gaps;
  GdkRGBA         color;
  IotIoGraphStyle style;
  GArray         *values;    /* double per interval */
  GArray         *frames;    /* guint32 per interval */
} IotIoGraphSeries;

IotIoGraphSeries *iot_io_graph_series_new (guint id, const char *name, const char *unit, const GdkRGBA *color,
                                           IotIoGraphStyle style);
void              iot_io_graph_series_free (IotIoGraphSeries *series);

#define IOT_TYPE_IO_GRAPH (iot_io_graph_get_type ())
G_DECLARE_FINAL_TYPE (IotIoGraph, iot_io_graph, IOT, IO_GRAPH, GtkWidget)

/* Signals: "point-activated" (guint id, guint interval): a point was
 * clicked; "hover-changed" (const char *readout, or NULL when the pointer
 * is over no point). */
IotIoGraph *iot_io_graph_new (void);

/* Shows @series (IotIoGraphSeries, taken over) over @n_intervals
 * intervals of @interval_s seconds; @y_label names the value axis.  The
 * zoom is kept when the intervals stay the same. */
void        iot_io_graph_set_data (IotIoGraph *self, GPtrArray *series, guint n_intervals, double interval_s,
                                   const char *y_label);
/* What the plot says when there is nothing to draw; NULL for none. */
void        iot_io_graph_set_empty_text (IotIoGraph *self, const char *text);
void        iot_io_graph_set_log_scale (IotIoGraph *self, gboolean log_scale);

/* The time axis shows @start..@end seconds; the mouse wheel zooms, a drag
 * pans. */
void        iot_io_graph_set_view (IotIoGraph *self, double start, double end);
void        iot_io_graph_get_view (IotIoGraph *self, double *start, double *end);
void        iot_io_graph_reset_zoom (IotIoGraph *self);
gboolean    iot_io_graph_is_zoomed (IotIoGraph *self);

/* Paints the graph into @cr at @width × @height (screen and export). */
void        iot_io_graph_draw (IotIoGraph *self, cairo_t *cr, int width, int height, gboolean with_hover);

/* The point nearest to (@x, @y) in the interval under @x. */
gboolean    iot_io_graph_hit (IotIoGraph *self, double x, double y, guint *id, guint *interval);
/* What a click at (@x, @y) does: "point-activated" for the point hit. */
void        iot_io_graph_click (IotIoGraph *self, double x, double y);
/* "t = 1.23 s: 42 frames (MQTT)". */
char       *iot_io_graph_dup_readout (IotIoGraph *self, guint id, guint interval);

G_END_DECLS
