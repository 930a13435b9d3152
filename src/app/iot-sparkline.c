/* iot-sparkline.c — a small line chart of recent values. */
#include "iot-sparkline.h"
#include "iot-app-test.h"

/* 60 values: half a minute at two per second. */
#define N_VALUES 60
#define WIDTH    96
#define HEIGHT   24

struct _IotSparkline {
  GtkWidget parent_instance;

  double    values[N_VALUES];
  guint     n_values;
  guint     first;    /* index of the oldest value in the ring */
};

G_DEFINE_FINAL_TYPE (IotSparkline, iot_sparkline, GTK_TYPE_WIDGET)

GtkWidget *
iot_sparkline_new (void)
{
  return g_object_new (IOT_TYPE_SPARKLINE, NULL);
}

void
iot_sparkline_push (IotSparkline *self, double value)
{
  g_return_if_fail (IOT_IS_SPARKLINE (self));
  value = MAX (value, 0.0);
  if (self->n_values < N_VALUES)
    self->values[(self->first + self->n_values++) % N_VALUES] = value;
  else
    {
      self->values[self->first] = value;
      self->first = (self->first + 1) % N_VALUES;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
iot_sparkline_get_n_values (IotSparkline *self)
{
  return self->n_values;
}

double
iot_sparkline_get_value (IotSparkline *self, guint index)
{
  g_return_val_if_fail (index < self->n_values, 0.0);
  return self->values[(self->first + index) % N_VALUES];
}

double
iot_sparkline_get_last (IotSparkline *self)
{
  return self->n_values > 0 ? iot_sparkline_get_value (self, self->n_values - 1) : 0.0;
}

static double
max_value (IotSparkline *self)
{
  double max = 0;

  for (guint i = 0; i < self->n_values; i++)
    max = MAX (max, iot_sparkline_get_value (self, i));
  return max;
}

static void
trace_values (IotSparkline *self, cairo_t *cr, double x0, double step, double height, double max)
{
  for (guint i = 0; i < self->n_values; i++)
    {
      double v = iot_sparkline_get_value (self, i);
      double y = max > 0 ? height - 1 - (height - 2) * v / max : height - 1;

      if (i == 0)
        cairo_move_to (cr, x0, y);
      else
        cairo_line_to (cr, x0 + i * step, y);
    }
}

/* The line fills the widget's height at the largest value shown, so a
 * quiet interface still shows its ups and downs; the newest value is at
 * the right edge.  Drawn in the text colour, so it suits both styles. */
static void
draw_line (IotSparkline *self, cairo_t *cr, double width, double height)
{
  GdkRGBA color;
  double max = max_value (self);
  double step = width / (N_VALUES - 1);
  double x0 = width - (self->n_values - 1) * step;

  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), &color);
  cairo_set_line_width (cr, 1.0);
  cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.25);
  cairo_move_to (cr, 0, height - 0.5);
  cairo_line_to (cr, width, height - 0.5);
  cairo_stroke (cr);
  if (self->n_values < 2)
    return;
  /* The area under the line, lightly filled, then the line. */
  trace_values (self, cr, x0, step, height, max);
  cairo_line_to (cr, width, height);
  cairo_line_to (cr, x0, height);
  cairo_close_path (cr);
  cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.15);
  cairo_fill (cr);
  trace_values (self, cr, x0, step, height, max);
  cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.9);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);
}

static void
iot_sparkline_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  IotSparkline *self = IOT_SPARKLINE (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  draw_line (self, cr, width, height);
  cairo_destroy (cr);
}

static void
iot_sparkline_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                       int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  *minimum = *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? WIDTH : HEIGHT;
}

static void
iot_sparkline_class_init (IotSparklineClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = iot_sparkline_snapshot;
  widget_class->measure = iot_sparkline_measure;
  gtk_widget_class_set_css_name (widget_class, "sparkline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
iot_sparkline_init (IotSparkline *self)
{
}
