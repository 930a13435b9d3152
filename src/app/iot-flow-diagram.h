/* iot-flow-diagram.h — a conversation (IotFlow) drawn as a sequence
 * diagram with cairo: endpoints as columns, one row per message, an arrow
 * from sender to receiver, pairs in one colour.  The same geometry places
 * the rows and finds the message under a point.
 */
#pragma once

#include <gtk/gtk.h>

#include "iot-flow.h"

G_BEGIN_DECLS

/* The diagram's natural size in pixels. */
void iot_flow_diagram_size (IotFlow *flow, int *width, int *height);
/* Draws @flow, frame @selected highlighted (0: none), on @cr. */
void iot_flow_diagram_draw (IotFlow *flow, guint32 selected, cairo_t *cr, int width, int height);
/* The message whose row holds (@x, @y), -1 for none. */
int  iot_flow_diagram_message_at (IotFlow *flow, double x, double y);

G_END_DECLS
