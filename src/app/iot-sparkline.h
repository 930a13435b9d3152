/* iot-sparkline.h — a small line chart of the last values of a rate, with
 * no axes: how busy something has been over the last half minute. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define IOT_TYPE_SPARKLINE (iot_sparkline_get_type ())
G_DECLARE_FINAL_TYPE (IotSparkline, iot_sparkline, IOT, SPARKLINE, GtkWidget)

GtkWidget *iot_sparkline_new (void);
/* Appends a value (≥ 0); the oldest falls off once the line is full. */
void       iot_sparkline_push (IotSparkline *self, double value);
double     iot_sparkline_get_value (IotSparkline *self, guint index);   /* 0 = oldest */

G_END_DECLS
