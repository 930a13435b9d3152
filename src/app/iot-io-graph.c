/* iot-io-graph.c — the plot of the I/O Graph window. */
#include "iot-io-graph.h"
#include "iot-app-test.h"

#include <glib/gi18n.h>

#include <math.h>
#include <string.h>

/* Fixed margins around the plot: the layout is known without measuring
 * text, so hit tests need no drawing context. */
#define MARGIN_LEFT    72.0
#define MARGIN_RIGHT   20.0
#define MARGIN_TOP     34.0
#define MARGIN_BOTTOM  48.0
/* Part of an interval's width covered by its bars. */
#define BAR_FILL       0.8
/* Closer than this (pixels), a press and release are a click, not a drag. */
#define CLICK_SLOP     4.0

/* The plot is a white card with dark ink in every theme, so that the
 * screen and an exported file look the same. */
#define INK_TEXT       0x24 / 255.0, 0x1f / 255.0, 0x31 / 255.0
#define INK_AXIS       0x5e / 255.0, 0x5c / 255.0, 0x64 / 255.0
#define INK_GRID       0xde / 255.0, 0xdd / 255.0, 0xda / 255.0
#define INK_MINOR_GRID 0xf0 / 255.0, 0xef / 255.0, 0xee / 255.0

struct _IotIoGraph {
  GtkWidget  parent_instance;

  GPtrArray *series;          /* IotIoGraphSeries */
  guint      n_intervals;
  double     interval;        /* seconds */
  char      *y_label;
  char      *empty_text;
  gboolean   log_scale;
  double     view_start;      /* seconds */
  double     view_end;
  gboolean   zoomed;

  gboolean   hovering;
  guint      hover_id;
  guint      hover_interval;
  double     pointer_x;

  double     drag_view_start;
  double     drag_view_end;
  gboolean   dragged;
};

G_DEFINE_FINAL_TYPE (IotIoGraph, iot_io_graph, GTK_TYPE_WIDGET)

enum {
  SIGNAL_POINT_ACTIVATED,
  SIGNAL_HOVER_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- series ------------------------------------------------------------------ */

IotIoGraphSeries *
iot_io_graph_series_new (guint id, const char *name, const char *unit, const GdkRGBA *color,
                         IotIoGraphStyle style)
{
  IotIoGraphSeries *series = g_new0 (IotIoGraphSeries, 1);

  series->id = id;
  series->name = g_strdup (name);
  series->unit = g_strdup (unit);
  series->color = *color;
  series->style = style;
  series->values = g_array_new (FALSE, TRUE, sizeof (double));
  series->frames = g_array_new (FALSE, TRUE, sizeof (guint32));
  return series;
}

void
iot_io_graph_series_free (IotIoGraphSeries *series)
{
  if (series == NULL)
    return;
  g_free (series->name);
  g_free (series->unit);
  g_array_unref (series->values);
  g_array_unref (series->frames);
  g_free (series);
}

static double
series_value (const IotIoGraphSeries *series, guint interval)
{
  return interval < series->values->len ? g_array_index (series->values, double, interval) : 0;
}

static guint32
series_frame (const IotIoGraphSeries *series, guint interval)
{
  return interval < series->frames->len ? g_array_index (series->frames, guint32, interval) : 0;
}

/* ---- layout -------------------------------------------------------------------- */

/* Where things go at one size: the plot rectangle and the visible ranges. */
typedef struct {
  double   x, y, w, h;        /* plot area */
  double   t0, t1;            /* visible seconds */
  double   v0, v1;            /* value range; log10 of it on a log scale */
  double   v_step;            /* tick step (decades on a log scale) */
  gboolean log;
  guint    i0, i1;            /* visible intervals, inclusive */
  guint    n_bars;            /* series drawn as bars */
} Layout;

static double
full_end (IotIoGraph *self)
{
  return self->n_intervals > 0 ? self->n_intervals * self->interval : 1.0;
}

/* A round step (1, 2, 2.5 or 5 times a power of ten) giving about
 * @target steps over @range. */
static double
nice_step (double range, double target)
{
  double raw, magnitude, fraction;

  if (range <= 0 || target < 1)
    return 1;
  raw = range / target;
  magnitude = pow (10, floor (log10 (raw)));
  fraction = raw / magnitude;
  if (fraction <= 1)
    return magnitude;
  if (fraction <= 2)
    return 2 * magnitude;
  if (fraction <= 2.5)
    return 2.5 * magnitude;
  if (fraction <= 5)
    return 5 * magnitude;
  return 10 * magnitude;
}

/* Decimals that show every multiple of @step exactly. */
static int
step_decimals (double step)
{
  for (int d = 0; d < 9; d++)
    {
      double scaled = step * pow (10, d);

      if (fabs (scaled - round (scaled)) < 1e-6 * MAX (1.0, scaled))
        return d;
    }
  return 9;
}

static gboolean
point_drawable (const Layout *layout, const IotIoGraphSeries *series, guint interval)
{
  double value = series_value (series, interval);

  if (series->gaps && series_frame (series, interval) == 0)
    return FALSE;
  return !layout->log || value > 0;
}

static void
layout_values (IotIoGraph *self, Layout *layout)
{
  double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE, pos_lo = G_MAXDOUBLE;
  gboolean all_integer = TRUE;

  for (guint s = 0; s < self->series->len; s++)
    {
      const IotIoGraphSeries *series = g_ptr_array_index (self->series, s);

      for (guint i = layout->i0; i <= layout->i1 && i < series->values->len; i++)
        {
          double value = series_value (series, i);

          if (series->gaps && series_frame (series, i) == 0)
            continue;
          lo = MIN (lo, value);
          hi = MAX (hi, value);
          if (value > 0)
            pos_lo = MIN (pos_lo, value);
          all_integer = all_integer && value == floor (value);
        }
    }
  if (layout->log)
    {
      if (pos_lo == G_MAXDOUBLE)
        {
          layout->v0 = 0;
          layout->v1 = 1;
        }
      else
        {
          layout->v0 = floor (log10 (pos_lo));
          layout->v1 = MAX (ceil (log10 (hi)), layout->v0 + 1);
        }
      layout->v_step = 1;
      return;
    }
  /* Bars and counts start at zero. */
  lo = lo == G_MAXDOUBLE ? 0 : MIN (lo, 0);
  hi = hi == -G_MAXDOUBLE || hi <= lo ? lo + 1 : hi;
  layout->v_step = nice_step (hi - lo, MAX (2.0, MIN (6.0, layout->h / 45)));
  if (all_integer && layout->v_step < 1)
    layout->v_step = 1;
  layout->v0 = floor (lo / layout->v_step) * layout->v_step;
  /* A little room above the highest point, so peaks do not touch the frame. */
  layout->v1 = ceil (hi * 1.04 / layout->v_step) * layout->v_step;
  if (layout->v1 <= layout->v0)
    layout->v1 = layout->v0 + layout->v_step;
}

static void
compute_layout (IotIoGraph *self, int width, int height, Layout *layout)
{
  double last;

  memset (layout, 0, sizeof *layout);
  layout->x = MARGIN_LEFT;
  layout->y = MARGIN_TOP;
  layout->w = MAX (10.0, width - MARGIN_LEFT - MARGIN_RIGHT);
  layout->h = MAX (10.0, height - MARGIN_TOP - MARGIN_BOTTOM);
  layout->t0 = self->zoomed ? self->view_start : 0;
  layout->t1 = self->zoomed ? self->view_end : full_end (self);
  layout->log = self->log_scale;
  layout->i0 = (guint) MAX (0.0, floor (layout->t0 / self->interval));
  last = ceil (layout->t1 / self->interval);
  layout->i1 = self->n_intervals == 0 ? 0 : (guint) MIN ((double) self->n_intervals - 1, MAX (0.0, last));
  for (guint s = 0; s < self->series->len; s++)
    layout->n_bars += ((IotIoGraphSeries *) g_ptr_array_index (self->series, s))->style == IOT_IO_GRAPH_BARS;
  layout_values (self, layout);
}

static double
time_to_x (const Layout *layout, double t)
{
  return layout->x + (t - layout->t0) / (layout->t1 - layout->t0) * layout->w;
}

static double
value_to_y (const Layout *layout, double value)
{
  double v = layout->log ? log10 (MAX (value, 1e-300)) : value;

  return layout->y + layout->h - (v - layout->v0) / (layout->v1 - layout->v0) * layout->h;
}

static double
interval_width (IotIoGraph *self, const Layout *layout)
{
  return self->interval / (layout->t1 - layout->t0) * layout->w;
}

/* The x of the point of @series (its bar's middle for bars). */
static double
point_x (IotIoGraph *self, const Layout *layout, const IotIoGraphSeries *series, guint interval)
{
  double centre = time_to_x (layout, (interval + 0.5) * self->interval);
  double bar_w, left;
  guint bar = 0;

  if (series->style != IOT_IO_GRAPH_BARS)
    return centre;
  for (guint s = 0; s < self->series->len && g_ptr_array_index (self->series, s) != series; s++)
    bar += ((IotIoGraphSeries *) g_ptr_array_index (self->series, s))->style == IOT_IO_GRAPH_BARS;
  bar_w = interval_width (self, layout) * BAR_FILL / layout->n_bars;
  left = centre - interval_width (self, layout) * BAR_FILL / 2;
  return left + (bar + 0.5) * bar_w;
}

/* ---- text ------------------------------------------------------------------------ */

static PangoLayout *
text_layout (IotIoGraph *self, cairo_t *cr, gboolean bold)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  g_autoptr (PangoFontDescription) font = pango_font_description_copy (pango_context_get_font_description (context));

  /* Slightly smaller than the interface text, the size of axis labels. */
  pango_font_description_set_size (font, 9 * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  return layout;
}

/* Draws @text with its anchor point (fractions of its size) at (@x, @y). */
static void
draw_text (cairo_t *cr, PangoLayout *layout, const char *text, double x, double y, double ax, double ay)
{
  int w, h;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, round (x - ax * w), round (y - ay * h));
  pango_cairo_show_layout (cr, layout);
}

static int
text_width (PangoLayout *layout, const char *text)
{
  int w;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, NULL);
  return w;
}

/* A value axis label: "1.5k", "20M" for large values. */
static char *
format_value (double value, double step)
{
  static const char *const suffixes[] = { "", "k", "M", "G", "T" };
  double top = MAX (fabs (value), step);
  guint power = 0;

  while (top >= 10000 && power + 1 < G_N_ELEMENTS (suffixes))
    {
      top /= 1000;
      value /= 1000;
      step /= 1000;
      power++;
    }
  return g_strdup_printf ("%.*f%s", step_decimals (step), value, suffixes[power]);
}

/* ---- drawing ----------------------------------------------------------------------- */

/* The time axis in milliseconds, seconds or minutes, by the span shown. */
static void
time_unit (double span, double *factor, const char **name)
{
  if (span < 2)
    {
      *factor = 1000;
      *name = "ms";
    }
  else if (span <= 600)
    {
      *factor = 1;
      *name = "s";
    }
  else
    {
      *factor = 1.0 / 60;
      *name = "min";
    }
}

static void
draw_time_axis (IotIoGraph *self, cairo_t *cr, const Layout *layout, PangoLayout *text)
{
  double factor, step, first;
  const char *unit;
  g_autofree char *title = NULL;
  int decimals;

  time_unit (layout->t1 - layout->t0, &factor, &unit);
  step = nice_step ((layout->t1 - layout->t0) * factor, MAX (2.0, layout->w / 90));
  decimals = step_decimals (step);
  first = ceil (layout->t0 * factor / step - 1e-9) * step;
  cairo_set_line_width (cr, 1);
  for (double t = first; t <= layout->t1 * factor + step * 1e-6; t += step)
    {
      double x = round (time_to_x (layout, t / factor)) + 0.5;
      g_autofree char *label = g_strdup_printf ("%.*f", decimals, fabs (t) < step * 1e-6 ? 0.0 : t);

      cairo_set_source_rgb (cr, INK_GRID);
      cairo_move_to (cr, x, layout->y);
      cairo_line_to (cr, x, layout->y + layout->h);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, INK_AXIS);
      cairo_move_to (cr, x, layout->y + layout->h);
      cairo_line_to (cr, x, layout->y + layout->h + 4);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, INK_TEXT);
      draw_text (cr, text, label, x, layout->y + layout->h + 6, 0.5, 0);
    }
  title = g_strdup_printf (_("Time since the first frame (%s)"), unit);
  draw_text (cr, text, title, layout->x + layout->w / 2, layout->y + layout->h + MARGIN_BOTTOM - 2, 0.5, 1);
}

static void
draw_value_tick (cairo_t *cr, const Layout *layout, PangoLayout *text, double value, const char *label,
                 gboolean minor)
{
  double y = round (value_to_y (layout, value)) + 0.5;

  if (minor)
    cairo_set_source_rgb (cr, INK_MINOR_GRID);
  else
    cairo_set_source_rgb (cr, INK_GRID);
  cairo_move_to (cr, layout->x, y);
  cairo_line_to (cr, layout->x + layout->w, y);
  cairo_stroke (cr);
  if (label == NULL)
    return;
  cairo_set_source_rgb (cr, INK_AXIS);
  cairo_move_to (cr, layout->x - 4, y);
  cairo_line_to (cr, layout->x, y);
  cairo_stroke (cr);
  cairo_set_source_rgb (cr, INK_TEXT);
  draw_text (cr, text, label, layout->x - 6, y, 1, 0.5);
}

static void
draw_value_axis (IotIoGraph *self, cairo_t *cr, const Layout *layout, PangoLayout *text)
{
  int w, h;

  cairo_set_line_width (cr, 1);
  if (layout->log)
    {
      for (double d = layout->v0; d <= layout->v1 + 1e-9; d += 1)
        {
          double value = pow (10, d);
          g_autofree char *label = format_value (value, MIN (value, 1.0));

          draw_value_tick (cr, layout, text, value, label, FALSE);
          for (int m = 2; m < 10 && d < layout->v1; m++)
            draw_value_tick (cr, layout, text, m * value, NULL, TRUE);
        }
    }
  else
    for (double v = layout->v0; v <= layout->v1 + layout->v_step * 1e-6; v += layout->v_step)
      {
        g_autofree char *label = format_value (fabs (v) < layout->v_step * 1e-6 ? 0 : v, layout->v_step);

        draw_value_tick (cr, layout, text, v, label, FALSE);
      }
  /* The unit, written upwards along the axis. */
  cairo_save (cr);
  pango_layout_set_text (text, self->y_label ? self->y_label : "", -1);
  pango_layout_get_pixel_size (text, &w, &h);
  cairo_translate (cr, 4, layout->y + layout->h / 2 + w / 2.0);
  cairo_rotate (cr, -G_PI / 2);
  cairo_move_to (cr, 0, 0);
  pango_cairo_show_layout (cr, text);
  cairo_restore (cr);
}

/* One visible point, or the tallest of the intervals that fall on one
 * pixel column when intervals are narrower than a pixel. */
typedef struct {
  guint  interval;
  double x;
  double value;
  gboolean drawable;
} Point;

static GArray *
collect_points (IotIoGraph *self, const Layout *layout, const IotIoGraphSeries *series)
{
  GArray *points = g_array_new (FALSE, FALSE, sizeof (Point));
  gboolean thin = interval_width (self, layout) < 1;

  if (self->n_intervals == 0)
    return points;
  for (guint i = layout->i0; i <= layout->i1; i++)
    {
      Point point = { i, point_x (self, layout, series, i), series_value (series, i),
                      point_drawable (layout, series, i) };
      Point *last = points->len > 0 ? &g_array_index (points, Point, points->len - 1) : NULL;

      if (thin && last != NULL && floor (last->x) == floor (point.x))
        {
          if (point.drawable && (!last->drawable || point.value > last->value))
            {
              last->value = point.value;
              last->interval = point.interval;
              last->drawable = TRUE;
            }
          continue;
        }
      g_array_append_val (points, point);
    }
  return points;
}

static void
draw_line (cairo_t *cr, const Layout *layout, GArray *points)
{
  guint run = 0;

  cairo_set_line_width (cr, 1.6);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint k = 0; k <= points->len; k++)
    {
      const Point *p = k < points->len ? &g_array_index (points, Point, k) : NULL;

      if (p != NULL && p->drawable)
        {
          double y = value_to_y (layout, p->value);

          if (run++ == 0)
            cairo_move_to (cr, p->x, y);
          else
            cairo_line_to (cr, p->x, y);
          continue;
        }
      /* A lone point between gaps would vanish as a line: a dot. */
      if (run == 1)
        {
          const Point *lone = &g_array_index (points, Point, k - 1);

          cairo_new_path (cr);
          cairo_arc (cr, lone->x, value_to_y (layout, lone->value), 2, 0, 2 * G_PI);
          cairo_fill (cr);
        }
      else if (run > 1)
        cairo_stroke (cr);
      run = 0;
    }
}

static void
draw_bars (IotIoGraph *self, cairo_t *cr, const Layout *layout, GArray *points)
{
  double bar_w = MAX (1.0, interval_width (self, layout) * BAR_FILL / MAX (layout->n_bars, 1));
  double base = layout->log ? layout->y + layout->h : value_to_y (layout, 0);

  for (guint k = 0; k < points->len; k++)
    {
      const Point *p = &g_array_index (points, Point, k);
      double top;

      if (!p->drawable || p->value == 0)
        continue;
      top = value_to_y (layout, p->value);
      cairo_rectangle (cr, p->x - bar_w / 2, MIN (top, base), bar_w, MAX (1.0, fabs (base - top)));
    }
  cairo_fill (cr);
}

static void
draw_dots (cairo_t *cr, const Layout *layout, const IotIoGraphSeries *series, GArray *points)
{
  for (guint k = 0; k < points->len; k++)
    {
      const Point *p = &g_array_index (points, Point, k);

      /* Dots mark intervals that hold frames. */
      if (!p->drawable || series_frame (series, p->interval) == 0)
        continue;
      cairo_new_sub_path (cr);
      cairo_arc (cr, p->x, value_to_y (layout, p->value), 2.8, 0, 2 * G_PI);
    }
  cairo_fill (cr);
}

static void
draw_series (IotIoGraph *self, cairo_t *cr, const Layout *layout)
{
  cairo_save (cr);
  cairo_rectangle (cr, layout->x, layout->y - 4, layout->w, layout->h + 4);
  cairo_clip (cr);
  /* Bars first, so that lines and dots stay visible over them. */
  for (int pass = 0; pass < 2; pass++)
    for (guint s = 0; s < self->series->len; s++)
      {
        const IotIoGraphSeries *series = g_ptr_array_index (self->series, s);
        g_autoptr (GArray) points = NULL;

        if ((series->style == IOT_IO_GRAPH_BARS) != (pass == 0))
          continue;
        points = collect_points (self, layout, series);
        gdk_cairo_set_source_rgba (cr, &series->color);
        switch (series->style)
          {
          case IOT_IO_GRAPH_BARS:
            draw_bars (self, cr, layout, points);
            break;
          case IOT_IO_GRAPH_DOTS:
            draw_dots (cr, layout, series, points);
            break;
          case IOT_IO_GRAPH_LINE:
          default:
            draw_line (cr, layout, points);
            break;
          }
      }
  cairo_restore (cr);
}

static void
draw_legend (IotIoGraph *self, cairo_t *cr, const Layout *layout, PangoLayout *text)
{
  double x = layout->x, y = MARGIN_TOP / 2;

  for (guint s = 0; s < self->series->len; s++)
    {
      const IotIoGraphSeries *series = g_ptr_array_index (self->series, s);
      int w = text_width (text, series->name);

      if (x + 22 + w > layout->x + layout->w)
        break;    /* no room left: the table lists every series anyway */
      gdk_cairo_set_source_rgba (cr, &series->color);
      switch (series->style)
        {
        case IOT_IO_GRAPH_BARS:
          cairo_rectangle (cr, x + 2, y - 5, 12, 10);
          cairo_fill (cr);
          break;
        case IOT_IO_GRAPH_DOTS:
          cairo_arc (cr, x + 8, y, 3.5, 0, 2 * G_PI);
          cairo_fill (cr);
          break;
        case IOT_IO_GRAPH_LINE:
        default:
          cairo_set_line_width (cr, 2);
          cairo_move_to (cr, x, y);
          cairo_line_to (cr, x + 16, y);
          cairo_stroke (cr);
          break;
        }
      cairo_set_source_rgb (cr, INK_TEXT);
      draw_text (cr, text, series->name, x + 22, y, 0, 0.5);
      x += 22 + w + 18;
    }
}

static void
draw_hover (IotIoGraph *self, cairo_t *cr, const Layout *layout)
{
  const IotIoGraphSeries *series = NULL;
  double x, y;

  for (guint s = 0; s < self->series->len; s++)
    if (((IotIoGraphSeries *) g_ptr_array_index (self->series, s))->id == self->hover_id)
      series = g_ptr_array_index (self->series, s);
  if (series == NULL || self->hover_interval < layout->i0 || self->hover_interval > layout->i1)
    return;
  x = round (time_to_x (layout, (self->hover_interval + 0.5) * self->interval)) + 0.5;
  cairo_set_source_rgba (cr, INK_AXIS, 0.6);
  cairo_set_line_width (cr, 1);
  cairo_set_dash (cr, (double[]) { 3, 3 }, 2, 0);
  cairo_move_to (cr, x, layout->y);
  cairo_line_to (cr, x, layout->y + layout->h);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  if (!point_drawable (layout, series, self->hover_interval))
    return;
  x = point_x (self, layout, series, self->hover_interval);
  y = value_to_y (layout, series_value (series, self->hover_interval));
  cairo_set_line_width (cr, 2);
  gdk_cairo_set_source_rgba (cr, &series->color);
  cairo_arc (cr, x, y, 5, 0, 2 * G_PI);
  cairo_stroke (cr);
}

void
iot_io_graph_draw (IotIoGraph *self, cairo_t *cr, int width, int height, gboolean with_hover)
{
  g_autoptr (PangoLayout) text = NULL;
  Layout layout;

  g_return_if_fail (IOT_IS_IO_GRAPH (self));
  compute_layout (self, width, height, &layout);
  text = text_layout (self, cr, FALSE);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  draw_value_axis (self, cr, &layout, text);
  draw_time_axis (self, cr, &layout, text);
  draw_series (self, cr, &layout);
  cairo_set_source_rgb (cr, INK_AXIS);
  cairo_set_line_width (cr, 1);
  cairo_rectangle (cr, layout.x + 0.5, layout.y + 0.5, round (layout.w), round (layout.h));
  cairo_stroke (cr);
  draw_legend (self, cr, &layout, text);
  if (self->series->len == 0 || self->n_intervals == 0)
    {
      cairo_set_source_rgb (cr, INK_AXIS);
      draw_text (cr, text, self->empty_text ? self->empty_text : "", layout.x + layout.w / 2,
                 layout.y + layout.h / 2, 0.5, 0.5);
    }
  else if (with_hover && self->hovering)
    draw_hover (self, cr, &layout);
}

static void
iot_io_graph_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  IotIoGraph *self = IOT_IO_GRAPH (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  iot_io_graph_draw (self, cr, width, height, TRUE);
  cairo_destroy (cr);
}

/* ---- points and the pointer ------------------------------------------------------------ */

static IotIoGraphSeries *
find_series (IotIoGraph *self, guint id)
{
  for (guint s = 0; s < self->series->len; s++)
    if (((IotIoGraphSeries *) g_ptr_array_index (self->series, s))->id == id)
      return g_ptr_array_index (self->series, s);
  return NULL;
}

static void
current_layout (IotIoGraph *self, Layout *layout)
{
  compute_layout (self, gtk_widget_get_width (GTK_WIDGET (self)), gtk_widget_get_height (GTK_WIDGET (self)),
                  layout);
}

gboolean
iot_io_graph_point_position (IotIoGraph *self, guint id, guint interval, double *x, double *y)
{
  IotIoGraphSeries *series = find_series (self, id);
  Layout layout;

  g_return_val_if_fail (IOT_IS_IO_GRAPH (self), FALSE);
  current_layout (self, &layout);
  if (series == NULL || interval >= self->n_intervals || interval < layout.i0 || interval > layout.i1
      || !point_drawable (&layout, series, interval))
    return FALSE;
  *x = point_x (self, &layout, series, interval);
  *y = value_to_y (&layout, series_value (series, interval));
  return *x >= layout.x && *x <= layout.x + layout.w;
}

gboolean
iot_io_graph_hit (IotIoGraph *self, double x, double y, guint *id, guint *interval)
{
  Layout layout;
  double t, best = G_MAXDOUBLE;
  guint i;

  g_return_val_if_fail (IOT_IS_IO_GRAPH (self), FALSE);
  current_layout (self, &layout);
  if (self->n_intervals == 0 || x < layout.x || x > layout.x + layout.w || y < layout.y - 8
      || y > layout.y + layout.h + 8)
    return FALSE;
  t = layout.t0 + (x - layout.x) / layout.w * (layout.t1 - layout.t0);
  i = (guint) MAX (0.0, floor (t / self->interval));
  if (i >= self->n_intervals)
    return FALSE;
  for (guint s = 0; s < self->series->len; s++)
    {
      IotIoGraphSeries *series = g_ptr_array_index (self->series, s);
      double distance;

      if (!point_drawable (&layout, series, i))
        continue;
      distance = fabs (value_to_y (&layout, series_value (series, i)) - y);
      if (distance < best)
        {
          best = distance;
          *id = series->id;
          *interval = i;
        }
    }
  return best != G_MAXDOUBLE;
}

char *
iot_io_graph_dup_readout (IotIoGraph *self, guint id, guint interval)
{
  IotIoGraphSeries *series = find_series (self, id);
  double value, t;
  int decimals;
  g_autofree char *number = NULL;

  g_return_val_if_fail (IOT_IS_IO_GRAPH (self), NULL);
  if (series == NULL)
    return NULL;
  value = series_value (series, interval);
  t = interval * self->interval;
  decimals = self->interval >= 1 ? 0 : self->interval >= 0.1 ? 1 : self->interval >= 0.01 ? 2 : 3;
  if (value == floor (value) && fabs (value) < 1e15)
    number = g_strdup_printf ("%.0f", value);
  else
    number = g_strdup_printf ("%.6g", value);
  if (series->is_calc)
    return g_strdup_printf ("t = %.*f s: %s = %s (%s)", decimals, t, series->unit, number, series->name);
  return g_strdup_printf ("t = %.*f s: %s %s (%s)", decimals, t, number, series->unit, series->name);
}

static void
set_hover (IotIoGraph *self, gboolean hovering, guint id, guint interval)
{
  g_autofree char *readout = NULL;

  if (hovering == self->hovering && (!hovering || (id == self->hover_id && interval == self->hover_interval)))
    return;
  self->hovering = hovering;
  self->hover_id = id;
  self->hover_interval = interval;
  if (hovering)
    readout = iot_io_graph_dup_readout (self, id, interval);
  g_signal_emit (self, signals[SIGNAL_HOVER_CHANGED], 0, readout);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
motion_cb (GtkEventControllerMotion *controller, double x, double y, IotIoGraph *self)
{
  guint id = 0, interval = 0;
  gboolean hit = iot_io_graph_hit (self, x, y, &id, &interval);

  self->pointer_x = x;
  set_hover (self, hit, id, interval);
}

static void
leave_cb (GtkEventControllerMotion *controller, IotIoGraph *self)
{
  set_hover (self, FALSE, 0, 0);
}

void
iot_io_graph_click (IotIoGraph *self, double x, double y)
{
  guint id, interval;

  g_return_if_fail (IOT_IS_IO_GRAPH (self));
  if (iot_io_graph_hit (self, x, y, &id, &interval))
    g_signal_emit (self, signals[SIGNAL_POINT_ACTIVATED], 0, id, interval);
}

/* ---- zoom and pan -------------------------------------------------------------------------- */

void
iot_io_graph_set_view (IotIoGraph *self, double start, double end)
{
  double limit = full_end (self);
  double min_span = MIN (limit, 4 * self->interval);
  double span = CLAMP (end - start, min_span, limit);

  g_return_if_fail (IOT_IS_IO_GRAPH (self));
  start = CLAMP (start, 0, limit - span);
  self->view_start = start;
  self->view_end = start + span;
  self->zoomed = span < limit - 1e-12;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify (G_OBJECT (self), "zoomed");
}

void
iot_io_graph_get_view (IotIoGraph *self, double *start, double *end)
{
  *start = self->zoomed ? self->view_start : 0;
  *end = self->zoomed ? self->view_end : full_end (self);
}

void
iot_io_graph_reset_zoom (IotIoGraph *self)
{
  iot_io_graph_set_view (self, 0, full_end (self));
}

gboolean
iot_io_graph_is_zoomed (IotIoGraph *self)
{
  return self->zoomed;
}

static gboolean
scroll_cb (GtkEventControllerScroll *controller, double dx, double dy, IotIoGraph *self)
{
  Layout layout;
  double start, end, pivot, factor;

  if (dy == 0 || self->n_intervals == 0)
    return FALSE;
  current_layout (self, &layout);
  iot_io_graph_get_view (self, &start, &end);
  /* Zoom around the time under the pointer, which stays in place. */
  pivot = start + CLAMP ((self->pointer_x - layout.x) / layout.w, 0, 1) * (end - start);
  factor = dy < 0 ? 0.8 : 1.25;
  iot_io_graph_set_view (self, pivot - (pivot - start) * factor, pivot + (end - pivot) * factor);
  return TRUE;
}

static void
drag_begin_cb (GtkGestureDrag *gesture, double x, double y, IotIoGraph *self)
{
  iot_io_graph_get_view (self, &self->drag_view_start, &self->drag_view_end);
  self->dragged = FALSE;
}

static void
drag_update_cb (GtkGestureDrag *gesture, double dx, double dy, IotIoGraph *self)
{
  Layout layout;
  double shift;

  if (!self->dragged && fabs (dx) < CLICK_SLOP && fabs (dy) < CLICK_SLOP)
    return;
  self->dragged = TRUE;
  if (!self->zoomed && self->drag_view_end - self->drag_view_start >= full_end (self))
    return;     /* everything is shown: nothing to pan to */
  current_layout (self, &layout);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
  shift = -dx / layout.w * (self->drag_view_end - self->drag_view_start);
  iot_io_graph_set_view (self, self->drag_view_start + shift, self->drag_view_end + shift);
}

static void
drag_end_cb (GtkGestureDrag *gesture, double dx, double dy, IotIoGraph *self)
{
  double x, y;

  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
  if (self->dragged)
    return;
  gtk_gesture_drag_get_start_point (gesture, &x, &y);
  iot_io_graph_click (self, x, y);
}

/* ---- data ------------------------------------------------------------------------------------ */

void
iot_io_graph_set_data (IotIoGraph *self, GPtrArray *series, guint n_intervals, double interval_s,
                       const char *y_label)
{
  gboolean same_axis;

  g_return_if_fail (IOT_IS_IO_GRAPH (self));
  g_return_if_fail (interval_s > 0);
  same_axis = self->n_intervals == n_intervals && self->interval == interval_s;
  g_ptr_array_unref (self->series);
  self->series = series;
  self->n_intervals = n_intervals;
  self->interval = interval_s;
  g_free (self->y_label);
  self->y_label = g_strdup (y_label);
  if (!same_axis && self->zoomed)
    iot_io_graph_reset_zoom (self);
  if (self->hovering && (find_series (self, self->hover_id) == NULL || self->hover_interval >= n_intervals))
    set_hover (self, FALSE, 0, 0);
  else if (self->hovering)
    {
      /* Same point, new numbers (a recount, a rate instead of totals). */
      g_autofree char *readout = iot_io_graph_dup_readout (self, self->hover_id, self->hover_interval);

      g_signal_emit (self, signals[SIGNAL_HOVER_CHANGED], 0, readout);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
iot_io_graph_set_empty_text (IotIoGraph *self, const char *text)
{
  g_free (self->empty_text);
  self->empty_text = g_strdup (text);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
iot_io_graph_set_log_scale (IotIoGraph *self, gboolean log_scale)
{
  self->log_scale = log_scale;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

IotIoGraph *
iot_io_graph_new (void)
{
  return g_object_new (IOT_TYPE_IO_GRAPH, NULL);
}

/* ---- GObject ------------------------------------------------------------------------------------ */

enum {
  PROP_0,
  PROP_ZOOMED,
  N_PROPS
};

static void
iot_io_graph_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  IotIoGraph *self = IOT_IO_GRAPH (object);

  switch (prop_id)
    {
    case PROP_ZOOMED:
      g_value_set_boolean (value, self->zoomed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
iot_io_graph_finalize (GObject *object)
{
  IotIoGraph *self = IOT_IO_GRAPH (object);

  g_ptr_array_unref (self->series);
  g_free (self->y_label);
  g_free (self->empty_text);
  G_OBJECT_CLASS (iot_io_graph_parent_class)->finalize (object);
}

static void
iot_io_graph_class_init (IotIoGraphClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = iot_io_graph_get_property;
  object_class->finalize = iot_io_graph_finalize;
  widget_class->snapshot = iot_io_graph_snapshot;

  g_object_class_install_property (object_class, PROP_ZOOMED,
    g_param_spec_boolean ("zoomed", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  signals[SIGNAL_POINT_ACTIVATED] =
    g_signal_new ("point-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
  signals[SIGNAL_HOVER_CHANGED] =
    g_signal_new ("hover-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  gtk_widget_class_set_css_name (widget_class, "iograph");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
iot_io_graph_init (IotIoGraph *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  GtkGesture *drag = gtk_gesture_drag_new ();

  self->series = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_io_graph_series_free);
  self->interval = 1;
  gtk_widget_set_focusable (GTK_WIDGET (self), FALSE);
  gtk_widget_set_size_request (GTK_WIDGET (self), 320, 200);
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect (scroll, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
}
