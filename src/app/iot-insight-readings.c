/* iot-insight-readings.c — the Readings page: series list and chart. */
#include "iot-insight-readings.h"
#include "iot-app-test.h"

#include <glib/gi18n.h>

#include <math.h>
#include <string.h>

/* ---- a row ------------------------------------------------------------------ */

struct _IotInsightReadingsRow {
  GObject                 parent_instance;
  const IotReadingSeries *series;   /* owned by the insight */
};

G_DEFINE_FINAL_TYPE (IotInsightReadingsRow, iot_insight_readings_row, G_TYPE_OBJECT)

static void
iot_insight_readings_row_class_init (IotInsightReadingsRowClass *klass)
{
}

static void
iot_insight_readings_row_init (IotInsightReadingsRow *self)
{
}

const IotReadingSeries *
iot_insight_readings_row_get_series (IotInsightReadingsRow *self)
{
  g_return_val_if_fail (IOT_IS_INSIGHT_READINGS_ROW (self), NULL);
  return self->series;
}

/* ---- the page ------------------------------------------------------------------ */

/* A point where the chart drew it, for clicks and tooltips. */
typedef struct {
  double  x, y;
  guint32 frame;
  double  value;
  double  time_s;
} DrawnPoint;

/* A silence the insight found: from the last message before it to the
 * first after it (absolute ns). */
typedef struct {
  gint64 from_ns, to_ns;
} Gap;

struct _IotInsightReadings {
  GtkWidget           parent_instance;

  GtkStack           *stack;
  GtkColumnView      *view;
  GtkLabel           *chart_title;
  GtkDrawingArea     *chart;

  IotInsight         *insight;
  IotCapture         *capture;     /* the frames' times */
  GtkSingleSelection *selection;
  GArray             *gaps;        /* Gap, of the selected series */
  GArray             *drawn;       /* DrawnPoint */
  guint               n_drawn_gaps;
};

G_DEFINE_FINAL_TYPE (IotInsightReadings, iot_insight_readings, GTK_TYPE_WIDGET)

enum {
  SIGNAL_FRAME_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define CHART_LEFT   64
#define CHART_RIGHT  18
#define CHART_TOP    14
#define CHART_BOTTOM 34
#define HIT_RADIUS   8

typedef enum {
  C_DEVICE, C_SERIES, C_NAME, C_UNIT, C_COUNT, C_MIN, C_MAX, C_LAST, N_COLUMNS
} Column;

static const struct {
  const char *title;
  gboolean    numeric;
  gboolean    expand;
} columns[N_COLUMNS] = {
  [C_DEVICE] = { N_("Device"), FALSE, FALSE },
  [C_SERIES] = { N_("Series"), FALSE, TRUE },
  [C_NAME] = { N_("Name"), FALSE, TRUE },
  [C_UNIT] = { N_("Unit"), FALSE, FALSE },
  [C_COUNT] = { N_("Count"), TRUE, FALSE },
  [C_MIN] = { N_("Min"), TRUE, FALSE },
  [C_MAX] = { N_("Max"), TRUE, FALSE },
  [C_LAST] = { N_("Last"), TRUE, FALSE },
};

static const IotReadingSeries *
selected_series (IotInsightReadings *self)
{
  IotInsightReadingsRow *row;

  if (self->selection == NULL)
    return NULL;
  row = gtk_single_selection_get_selected_item (self->selection);
  return row != NULL ? row->series : NULL;
}

/* ---- the list -------------------------------------------------------------------- */

static void
cell_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), columns[GPOINTER_TO_INT (data)].numeric ? 1 : 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static char *
cell_text (const IotReadingSeries *s, Column column)
{
  switch (column)
    {
    case C_DEVICE:
      return g_strdup (s->device);
    case C_SERIES:
      return g_strdup (s->series);
    case C_NAME:
      return g_strdup (s->name);
    case C_UNIT:
      return g_strdup (s->unit != NULL ? s->unit : "");
    case C_COUNT:
      return g_strdup_printf ("%u", s->count);
    case C_MIN:
      return iot_readings_format_value (s->min);
    case C_MAX:
      return iot_readings_format_value (s->max);
    case C_LAST:
    default:
      return iot_readings_format_value (s->last);
    }
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  IotInsightReadingsRow *row = gtk_list_item_get_item (item);
  g_autofree char *text = cell_text (row->series, GPOINTER_TO_INT (data));

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static void
setup_columns (IotInsightReadings *self)
{
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr (GtkColumnViewColumn) column = NULL;

      g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), GINT_TO_POINTER (i));
      g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), GINT_TO_POINTER (i));
      column = gtk_column_view_column_new (_(columns[i].title), factory);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_expand (column, columns[i].expand);
      gtk_column_view_append_column (self->view, column);
    }
}

/* ---- gaps ---------------------------------------------------------------------------- */

/* The periodic-gap findings about the series' topic, as time spans: each
 * finding's evidence frames come in pairs (before and after a silence). */
static void
collect_gaps (IotInsightReadings *self, const IotReadingSeries *s, IotFile *file)
{
  g_array_set_size (self->gaps, 0);
  if (self->insight == NULL || s == NULL || file == NULL)
    return;
  for (guint i = 0; i < iot_insight_n_items (self->insight); i++)
    {
      const IotInsightItem *item = iot_insight_item (self->insight, i);

      if (strcmp (item->id, "periodic-gap") != 0 || g_strcmp0 (item->subject, s->series) != 0)
        continue;
      for (guint k = 0; k + 1 < item->frames->len; k += 2)
        {
          guint32 a = g_array_index (item->frames, guint32, k), b = g_array_index (item->frames, guint32, k + 1);
          Gap gap = { iot_file_frame (file, a)->ts_ns, iot_file_frame (file, b)->ts_ns };

          g_array_append_val (self->gaps, gap);
        }
    }
}

/* ---- the chart --------------------------------------------------------------------------- */

static void
draw_text (cairo_t *cr, GtkWidget *widget, const char *text, double x, double y, double xalign, double yalign)
{
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - w * xalign, y - h * yalign);
  pango_cairo_show_layout (cr, layout);
}

/* A round step (1, 2 or 5 times a power of ten) giving about @n ticks. */
static double
nice_step (double span, guint n)
{
  double raw = span / n, magnitude = pow (10, floor (log10 (raw))), f = raw / magnitude;

  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * magnitude;
}

static void
draw_empty (cairo_t *cr, GtkWidget *widget, int width, int height, const GdkRGBA *fg, const char *text)
{
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.6);
  draw_text (cr, widget, text, width / 2.0, height / 2.0, 0.5, 0.5);
}

typedef struct {
  double x0, y0, w, h;
  double t_min, t_max, v_min, v_max;
} Frame;

static double
x_of (const Frame *f, double t)
{
  return f->x0 + (t - f->t_min) / (f->t_max - f->t_min) * f->w;
}

static double
y_of (const Frame *f, double v)
{
  return f->y0 + f->h - (v - f->v_min) / (f->v_max - f->v_min) * f->h;
}

static void
draw_axes (cairo_t *cr, GtkWidget *widget, const Frame *f, const GdkRGBA *fg, const char *unit)
{
  double step = nice_step (f->v_max - f->v_min, 4);

  cairo_set_line_width (cr, 1);
  for (double v = ceil (f->v_min / step) * step; v <= f->v_max + step * 1e-9; v += step)
    {
      g_autofree char *text = iot_readings_format_value (fabs (v) < step * 1e-9 ? 0 : v);
      double y = round (y_of (f, v)) + 0.5;

      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.12);
      cairo_move_to (cr, f->x0, y);
      cairo_line_to (cr, f->x0 + f->w, y);
      cairo_stroke (cr);
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.75);
      draw_text (cr, widget, text, f->x0 - 6, y, 1, 0.5);
    }
  step = nice_step (f->t_max - f->t_min, 6);
  for (double t = ceil (f->t_min / step) * step; t <= f->t_max + step * 1e-9; t += step)
    {
      g_autofree char *text = g_strdup_printf ("%g s", fabs (t) < step * 1e-9 ? 0 : t);
      double x = round (x_of (f, t)) + 0.5;

      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.3);
      cairo_move_to (cr, x, f->y0 + f->h);
      cairo_line_to (cr, x, f->y0 + f->h + 4);
      cairo_stroke (cr);
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.75);
      draw_text (cr, widget, text, x, f->y0 + f->h + 5, 0.5, 0);
    }
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.5);
  cairo_rectangle (cr, f->x0 + 0.5, f->y0 + 0.5, f->w - 1, f->h - 1);
  cairo_stroke (cr);
  if (unit != NULL)
    {
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.75);
      draw_text (cr, widget, unit, f->x0 - 6, f->y0 - 2, 1, 1);
    }
}

/* The time and value ranges, with a little room so that no point sits on
 * the frame; the time range covers the gaps too. */
static void
chart_frame (IotInsightReadings *self, const IotReadingSeries *s, double start_s, int width, int height,
             Frame *f)
{
  gint64 start = (gint64) (start_s * 1e9);
  double pad;

  f->x0 = CHART_LEFT;
  f->y0 = CHART_TOP;
  f->w = MAX (width - CHART_LEFT - CHART_RIGHT, 10);
  f->h = MAX (height - CHART_TOP - CHART_BOTTOM, 10);
  f->t_min = (s->first_ns - start) / 1e9;
  f->t_max = (s->last_ns - start) / 1e9;
  for (guint i = 0; i < self->gaps->len; i++)
    {
      const Gap *g = &g_array_index (self->gaps, Gap, i);

      f->t_min = MIN (f->t_min, (g->from_ns - start) / 1e9);
      f->t_max = MAX (f->t_max, (g->to_ns - start) / 1e9);
    }
  pad = MAX ((f->t_max - f->t_min) * 0.03, 0.05);
  f->t_min -= pad;
  f->t_max += pad;
  pad = s->max > s->min ? (s->max - s->min) * 0.08 : MAX (fabs (s->max) * 0.1, 1);
  f->v_min = s->min - pad;
  f->v_max = s->max + pad;
}

/* Whether a silence the insight found lies between two points. */
static gboolean
follows_gap (IotInsightReadings *self, const IotReadingPoint *before, const IotReadingPoint *after)
{
  for (guint k = 0; k < self->gaps->len; k++)
    {
      const Gap *g = &g_array_index (self->gaps, Gap, k);

      if (before->time_ns <= g->from_ns && after->time_ns >= g->to_ns)
        return TRUE;
    }
  return FALSE;
}

/* What the chart shows, for screen readers: the points placed and the
 * silences shaded by the latest drawing. */
static void
describe_chart (IotInsightReadings *self)
{
  g_autofree char *points = g_strdup_printf (ngettext ("%u point", "%u points", self->drawn->len), self->drawn->len);
  g_autofree char *gaps = g_strdup_printf (ngettext ("%u silence shaded", "%u silences shaded", self->n_drawn_gaps),
                                           self->n_drawn_gaps);
  /* Translators: the points, then the silences: "20 points charted, 1 silence shaded". */
  g_autofree char *text = g_strdup_printf (_("%s charted, %s"), points, gaps);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->chart), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

static void
draw_chart_cb (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  IotInsightReadings *self = data;
  GtkWidget *widget = GTK_WIDGET (area);
  const IotReadingSeries *s = selected_series (self);
  IotReadings *readings = self->insight != NULL ? iot_insight_readings (self->insight) : NULL;
  double start_s, col_lo = G_MAXDOUBLE, col_hi = -G_MAXDOUBLE;
  gboolean dense;
  GdkRGBA fg;
  Frame f;

  g_array_set_size (self->drawn, 0);
  self->n_drawn_gaps = 0;
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  if (s == NULL)
    {
      draw_empty (cr, widget, width, height, &fg, _("Select a series to chart its values over time."));
      describe_chart (self);
      return;
    }
  start_s = iot_readings_start_ns (readings) / 1e9;
  chart_frame (self, s, start_s, width, height, &f);

  /* Silences the insight found, shaded across the whole height. */
  cairo_set_source_rgba (cr, 0.90, 0.38, 0.0, 0.18);
  for (guint i = 0; i < self->gaps->len; i++)
    {
      const Gap *g = &g_array_index (self->gaps, Gap, i);
      double a = x_of (&f, g->from_ns / 1e9 - start_s), b = x_of (&f, g->to_ns / 1e9 - start_s);

      cairo_rectangle (cr, a, f.y0, MAX (b - a, 2), f.h);
      self->n_drawn_gaps++;
    }
  cairo_fill (cr);
  draw_axes (cr, widget, &f, &fg, s->unit);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.75);
  draw_text (cr, widget, _("time since the first frame"), f.x0 + f.w / 2, height, 0.5, 1);

  /* The line, broken across a gap: no reading came there.  A series with
   * more points than the chart has pixels across is drawn one pixel
   * column at a time (its lowest, highest and last value), without dots,
   * so that a long capture draws as fast as a short one; the last point
   * of each column stays clickable. */
  dense = s->points->len > f.w;
  cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 1);
  cairo_set_line_width (cr, 1.5);
  for (guint i = 0; i < s->points->len; i++)
    {
      const IotReadingPoint *p = &g_array_index (s->points, IotReadingPoint, i);
      const IotReadingPoint *next = i + 1 < s->points->len ? p + 1 : NULL;
      DrawnPoint d = { 0, 0, p->frame, p->value, p->time_ns / 1e9 - start_s };
      gboolean starts_line = i == 0 || follows_gap (self, p - 1, p);

      d.x = x_of (&f, d.time_s);
      d.y = y_of (&f, p->value);
      if (dense && !starts_line && next != NULL && !follows_gap (self, p, next)
          && floor (x_of (&f, next->time_ns / 1e9 - start_s)) == floor (d.x))
        {
          /* More to come in this pixel column: only widen its span. */
          col_lo = MIN (col_lo, d.y);
          col_hi = MAX (col_hi, d.y);
          continue;
        }
      if (starts_line)
        cairo_move_to (cr, d.x, d.y);
      else if (dense)
        {
          cairo_line_to (cr, d.x, MIN (col_lo, d.y));
          cairo_line_to (cr, d.x, MAX (col_hi, d.y));
          cairo_line_to (cr, d.x, d.y);
        }
      else
        cairo_line_to (cr, d.x, d.y);
      col_lo = G_MAXDOUBLE;
      col_hi = -G_MAXDOUBLE;
      g_array_append_val (self->drawn, d);
    }
  cairo_stroke (cr);
  for (guint i = 0; !dense && i < self->drawn->len; i++)
    {
      const DrawnPoint *d = &g_array_index (self->drawn, DrawnPoint, i);

      cairo_arc (cr, d->x, d->y, 3, 0, 2 * G_PI);
      cairo_fill (cr);
    }
  describe_chart (self);
}

static const DrawnPoint *
point_at (IotInsightReadings *self, double x, double y)
{
  const DrawnPoint *best = NULL;
  double best_d = HIT_RADIUS * HIT_RADIUS;

  for (guint i = 0; i < self->drawn->len; i++)
    {
      const DrawnPoint *d = &g_array_index (self->drawn, DrawnPoint, i);
      double dist = (d->x - x) * (d->x - x) + (d->y - y) * (d->y - y);

      if (dist <= best_d)
        {
          best = d;
          best_d = dist;
        }
    }
  return best;
}

static void
chart_pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, IotInsightReadings *self)
{
  const DrawnPoint *d = point_at (self, x, y);

  if (d != NULL)
    g_signal_emit (self, signals[SIGNAL_FRAME_ACTIVATED], 0, d->frame);
}

static gboolean
chart_tooltip_cb (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip,
                  IotInsightReadings *self)
{
  const DrawnPoint *d = point_at (self, x, y);
  const IotReadingSeries *s = selected_series (self);
  g_autofree char *value = NULL;
  g_autofree char *text = NULL;

  if (d == NULL || s == NULL)
    return FALSE;
  value = iot_readings_format_value (d->value);
  text = g_strdup_printf (_("%s %s at %.3f s\nFrame %u (click to show it)"), value, s->unit != NULL ? s->unit : "",
                          d->time_s, d->frame);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* ---- selection ------------------------------------------------------------------------------ */

static void
selection_changed_cb (GtkSingleSelection *selection, GParamSpec *pspec, IotInsightReadings *self)
{
  const IotReadingSeries *s = selected_series (self);
  g_autofree char *title = NULL;

  collect_gaps (self, s, self->capture != NULL ? iot_capture_file (self->capture) : NULL);
  if (s != NULL)
    title = g_strdup_printf ("%s — %s — %s: %u points%s", s->device, *s->series != '\0' ? s->series : "(no series)",
                             s->name, s->count,
                             self->gaps->len == 0 ? ""
                             : self->gaps->len == 1 ? ", 1 silence found by the insight (shaded)"
                                                    : ", silences found by the insight shaded");
  gtk_label_set_text (self->chart_title, title != NULL ? title : "");
  gtk_widget_queue_draw (GTK_WIDGET (self->chart));
}

/* ---- public ------------------------------------------------------------------------------ */

/* Brings the selected row into view: the column view's rows are a list
 * view inside it, which has the action. */
static void
scroll_to_selected (IotInsightReadings *self)
{
  guint position = gtk_single_selection_get_selected (self->selection);

  if (position == GTK_INVALID_LIST_POSITION)
    return;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->view)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      gtk_widget_activate_action (child, "list.scroll-to-item", "u", position);
}

/* Rows exist only once the list has its size: scroll on the first frame
 * drawn after it is shown. */
static gboolean
scroll_tick_cb (GtkWidget *view, GdkFrameClock *clock, gpointer data)
{
  if (gtk_widget_get_height (view) == 0)
    return G_SOURCE_CONTINUE;
  scroll_to_selected (data);
  return G_SOURCE_REMOVE;
}

static void
view_map_cb (GtkWidget *view, IotInsightReadings *self)
{
  gtk_widget_add_tick_callback (view, scroll_tick_cb, self, NULL);
}

/* The series with the most points (the first of them): the one that says
 * most about the capture is charted first. */
static guint
longest_series (IotReadings *readings)
{
  guint best = GTK_INVALID_LIST_POSITION, most = 0;

  for (guint i = 0; readings != NULL && i < iot_readings_n_series (readings); i++)
    if (iot_readings_series (readings, i)->count > most)
      {
        most = iot_readings_series (readings, i)->count;
        best = i;
      }
  return best;
}

void
iot_insight_readings_set_insight (IotInsightReadings *self, IotInsight *insight, IotCapture *capture)
{
  g_autoptr (GListStore) store = g_list_store_new (IOT_TYPE_INSIGHT_READINGS_ROW);
  IotReadings *readings;

  g_return_if_fail (IOT_IS_INSIGHT_READINGS (self));
  self->insight = insight;
  if (capture != NULL)
    iot_capture_ref (capture);
  g_clear_pointer (&self->capture, iot_capture_unref);
  self->capture = capture;
  readings = insight != NULL ? iot_insight_readings (insight) : NULL;
  for (guint i = 0; readings != NULL && i < iot_readings_n_series (readings); i++)
    {
      IotInsightReadingsRow *row = g_object_new (IOT_TYPE_INSIGHT_READINGS_ROW, NULL);

      row->series = iot_readings_series (readings, i);
      g_list_store_append (store, row);
      g_object_unref (row);
    }
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_func (self->selection, selection_changed_cb, self);
  g_clear_object (&self->selection);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (store)));
  g_signal_connect (self->selection, "notify::selected", G_CALLBACK (selection_changed_cb), self);
  gtk_column_view_set_model (self->view, GTK_SELECTION_MODEL (self->selection));
  gtk_stack_set_visible_child_name (self->stack, g_list_model_get_n_items (G_LIST_MODEL (store)) > 0
                                                 ? "content" : "empty");
  gtk_single_selection_set_selected (self->selection, longest_series (readings));
  selection_changed_cb (self->selection, NULL, self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self->view)))
    scroll_to_selected (self);
}

/* ---- type ---------------------------------------------------------------------------------- */

static void
iot_insight_readings_dispose (GObject *object)
{
  IotInsightReadings *self = IOT_INSIGHT_READINGS (object);

  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_func (self->selection, selection_changed_cb, self);
  g_clear_object (&self->selection);
  gtk_widget_dispose_template (GTK_WIDGET (self), IOT_TYPE_INSIGHT_READINGS);
  G_OBJECT_CLASS (iot_insight_readings_parent_class)->dispose (object);
}

static void
iot_insight_readings_finalize (GObject *object)
{
  IotInsightReadings *self = IOT_INSIGHT_READINGS (object);

  g_array_unref (self->gaps);
  g_array_unref (self->drawn);
  g_clear_pointer (&self->capture, iot_capture_unref);
  G_OBJECT_CLASS (iot_insight_readings_parent_class)->finalize (object);
}

static void
iot_insight_readings_class_init (IotInsightReadingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = iot_insight_readings_dispose;
  object_class->finalize = iot_insight_readings_finalize;

  /* (frame): a point of the chart was clicked. */
  signals[SIGNAL_FRAME_ACTIVATED] =
    g_signal_new ("frame-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-insight-readings.ui");
  gtk_widget_class_bind_template_child (widget_class, IotInsightReadings, stack);
  gtk_widget_class_bind_template_child (widget_class, IotInsightReadings, view);
  gtk_widget_class_bind_template_child (widget_class, IotInsightReadings, chart_title);
  gtk_widget_class_bind_template_child (widget_class, IotInsightReadings, chart);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
iot_insight_readings_init (IotInsightReadings *self)
{
  GtkGesture *click;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->gaps = g_array_new (FALSE, FALSE, sizeof (Gap));
  self->drawn = g_array_new (FALSE, FALSE, sizeof (DrawnPoint));
  setup_columns (self);
  g_signal_connect (self->view, "map", G_CALLBACK (view_map_cb), self);
  gtk_drawing_area_set_draw_func (self->chart, draw_chart_cb, self, NULL);
  click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (chart_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->chart), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self->chart), TRUE);
  g_signal_connect (self->chart, "query-tooltip", G_CALLBACK (chart_tooltip_cb), self);
  iot_insight_readings_set_insight (self, NULL, NULL);
}
