/* iot-stats-histogram-page.c — Histograms: frame sizes and the times
 * between frames, each as a bar chart beside its table. */
#include "iot-stats-histogram-page.h"

#include <glib/gi18n.h>

#include <math.h>

struct _IotStatsHistogramPage {
  IotStatsPage    parent_instance;

  GtkLabel       *plen_summary;
  GtkDrawingArea *plen_area;
  GtkColumnView  *plen_view;
  GtkLabel       *iat_summary;
  GtkDrawingArea *iat_area;
  GtkColumnView  *iat_view;

  IotStatsTables *tables;      /* drawn */
};

G_DEFINE_FINAL_TYPE (IotStatsHistogramPage, iot_stats_histogram_page, IOT_TYPE_STATS_PAGE)

/* ---- bar charts -------------------------------------------------------------------- */

static guint64
grid_step (guint64 peak)
{
  static const guint64 mantissas[] = { 1, 2, 5 };

  for (guint64 power = 1;; power *= 10)
    for (guint i = 0; i < G_N_ELEMENTS (mantissas); i++)
      if (mantissas[i] * power * 4 >= peak)
        return mantissas[i] * power;
}

static void
draw_histogram (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  IotStatsHistogramPage *self = data;
  gboolean lengths = area == self->plen_area;
  IotHistogram *hist;
  guint n;
  guint64 peak = 0, step, scale;
  double left = 44, right = 8, top = 16, bottom = 36, slot, plot_h;
  GdkRGBA fg;
  PangoLayout *layout;

  if (self->tables == NULL)
    return;
  hist = iot_stats_get_histogram (self->tables->stats, lengths ? IOT_STATS_REQ_PLEN : IOT_STATS_REQ_IAT);
  n = iot_histogram_n_buckets (hist);
  for (guint i = 0; i < n; i++)
    peak = MAX (peak, iot_histogram_bucket (hist, i)->count);
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (area), NULL);
  slot = (width - left - right) / n;
  plot_h = height - top - bottom;
  if (plot_h < 10 || slot < 4)
    {
      g_object_unref (layout);
      return;
    }

  /* Grid lines at round counts (1, 2 or 5 times a power of ten), about
   * four of them; the scale ends at the first line above the peak. */
  step = grid_step (peak);
  scale = peak ? (peak + step - 1) / step * step : 1;
  for (guint64 g = 0; g <= scale; g += step)
    {
      double y = top + plot_h - plot_h * (double) g / (double) scale;
      g_autofree char *tick = g_strdup_printf ("%" G_GUINT64_FORMAT, g);
      int tw, th;

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, g == 0 ? 0.5 : 0.15);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, left, floor (y) + 0.5);
      cairo_line_to (cr, width - right, floor (y) + 0.5);
      cairo_stroke (cr);
      pango_layout_set_text (layout, tick, -1);
      pango_layout_get_pixel_size (layout, &tw, &th);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
      cairo_move_to (cr, left - 6 - tw, y - th / 2.0);
      pango_cairo_show_layout (cr, layout);
    }

  for (guint i = 0; i < n; i++)
    {
      const IotHistogramBucket *b = iot_histogram_bucket (hist, i);
      double h = plot_h * (double) b->count / (double) scale;
      double x = left + slot * i;
      g_autofree char *label = iot_stats_bucket_label (b->label);
      g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, b->count);
      int tw, th;

      if (b->count > 0)
        {
          cairo_set_source_rgba (cr, lengths ? 0.21 : 0.15, lengths ? 0.52 : 0.64, lengths ? 0.89 : 0.41, 0.85);
          cairo_rectangle (cr, x + slot * 0.12, top + plot_h - MAX (h, 1), slot * 0.76, MAX (h, 1));
          cairo_fill (cr);
          pango_layout_set_width (layout, -1);
          pango_layout_set_text (layout, count, -1);
          pango_layout_get_pixel_size (layout, &tw, &th);
          cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.9);
          cairo_move_to (cr, x + (slot - tw) / 2, top + plot_h - h - th);
          pango_cairo_show_layout (cr, layout);
        }
      /* The range under its bar, wrapped to the bar's width. */
      pango_layout_set_width (layout, (int) (slot * PANGO_SCALE));
      pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_set_text (layout, label, -1);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.75);
      cairo_move_to (cr, x, top + plot_h + 3);
      pango_cairo_show_layout (cr, layout);
      pango_layout_set_width (layout, -1);
    }
  if (peak == 0)
    {
      int tw, th;

      pango_layout_set_text (layout, lengths ? _("No frames counted") : _("No gaps between frames counted"), -1);
      pango_layout_get_pixel_size (layout, &tw, &th);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.6);
      cairo_move_to (cr, (width - tw) / 2.0, top + plot_h / 2 - th / 2.0);
      pango_cairo_show_layout (cr, layout);
    }
  g_object_unref (layout);
}

/* ---- the page -------------------------------------------------------------------- */

static void
histogram_summary (IotHistogram *hist, GtkLabel *label)
{
  const IotHistogramBucket *t = iot_histogram_total (hist);
  g_autofree char *avg = NULL, *min = NULL, *max = NULL, *text = NULL;
  gboolean lengths = iot_histogram_kind (hist) == IOT_HISTOGRAM_FRAME_LENGTH;

  if (t->count == 0)
    {
      gtk_label_set_text (label, lengths ? _("No frames counted.")
                                         : _("Fewer than two frames counted: there is no time between frames."));
      return;
    }
  avg = iot_stats_bucket_value_text (hist, iot_histogram_bucket_average (t));
  min = iot_stats_bucket_value_text (hist, (double) t->min);
  max = iot_stats_bucket_value_text (hist, (double) t->max);
  if (lengths)
    text = g_strdup_printf (_("%llu frames · average %s bytes · min %s bytes · max %s bytes"),
                            (unsigned long long) t->count, avg, min, max);
  else
    text = g_strdup_printf (_("%llu gaps · average %s · min %s · max %s"), (unsigned long long) t->count, avg, min, max);
  gtk_label_set_text (label, text);
}

static void
histogram_show (IotStatsPage *page, IotStatsTables *tables)
{
  IotStatsHistogramPage *self = IOT_STATS_HISTOGRAM_PAGE (page);

  g_clear_pointer (&self->tables, iot_stats_tables_unref);
  self->tables = iot_stats_tables_ref (tables);
  for (guint k = 0; k < 2; k++)
    {
      IotHistogram *hist = iot_stats_get_histogram (tables->stats, k == 0 ? IOT_STATS_REQ_PLEN : IOT_STATS_REQ_IAT);
      GListStore *store = g_list_store_new (IOT_TYPE_STATS_ROW);
      g_autoptr (GtkNoSelection) none = NULL;

      for (guint i = 0; i < iot_histogram_n_buckets (hist); i++)
        {
          g_autoptr (IotStatsRow) row = iot_stats_row_new_bucket (tables, hist, iot_histogram_bucket (hist, i));

          g_list_store_append (store, row);
        }
      none = gtk_no_selection_new (G_LIST_MODEL (store));
      gtk_column_view_set_model (k == 0 ? self->plen_view : self->iat_view, GTK_SELECTION_MODEL (none));
      histogram_summary (hist, k == 0 ? self->plen_summary : self->iat_summary);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self->plen_area));
  gtk_widget_queue_draw (GTK_WIDGET (self->iat_area));
}

static char *
histogram_dup_text (IotStatsPage *page, IotStatsTables *tables)
{
  GString *out = g_string_new (NULL);

  iot_histogram_print (iot_stats_get_histogram (tables->stats, IOT_STATS_REQ_PLEN), out);
  iot_histogram_print (iot_stats_get_histogram (tables->stats, IOT_STATS_REQ_IAT), out);
  return g_string_free (out, FALSE);
}

static void
iot_stats_histogram_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), IOT_TYPE_STATS_HISTOGRAM_PAGE);
  G_OBJECT_CLASS (iot_stats_histogram_page_parent_class)->dispose (object);
}

static void
iot_stats_histogram_page_finalize (GObject *object)
{
  g_clear_pointer (&IOT_STATS_HISTOGRAM_PAGE (object)->tables, iot_stats_tables_unref);
  G_OBJECT_CLASS (iot_stats_histogram_page_parent_class)->finalize (object);
}

static void
iot_stats_histogram_page_class_init (IotStatsHistogramPageClass *klass)
{
  IotStatsPageClass *page_class = IOT_STATS_PAGE_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = iot_stats_histogram_page_dispose;
  G_OBJECT_CLASS (klass)->finalize = iot_stats_histogram_page_finalize;
  page_class->show = histogram_show;
  page_class->dup_text = histogram_dup_text;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-stats-histogram-page.ui");
  gtk_widget_class_bind_template_child (widget_class, IotStatsHistogramPage, plen_summary);
  gtk_widget_class_bind_template_child (widget_class, IotStatsHistogramPage, plen_area);
  gtk_widget_class_bind_template_child (widget_class, IotStatsHistogramPage, plen_view);
  gtk_widget_class_bind_template_child (widget_class, IotStatsHistogramPage, iat_summary);
  gtk_widget_class_bind_template_child (widget_class, IotStatsHistogramPage, iat_area);
  gtk_widget_class_bind_template_child (widget_class, IotStatsHistogramPage, iat_view);
}

static void
iot_stats_histogram_page_init (IotStatsHistogramPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  iot_stats_view_add_columns (self->plen_view, IOT_STATS_COLUMNS_BUCKETS);
  iot_stats_view_add_columns (self->iat_view, IOT_STATS_COLUMNS_BUCKETS);
  gtk_drawing_area_set_draw_func (self->plen_area, draw_histogram, self, NULL);
  gtk_drawing_area_set_draw_func (self->iat_area, draw_histogram, self, NULL);
}
