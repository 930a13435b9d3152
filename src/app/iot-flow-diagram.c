/* iot-flow-diagram.c — the Flow Graph's drawing: one column per endpoint,
 * one row per message.  The window draws it on screen and into PNG and
 * SVG files, and finds the message under a click with it. */
#include "iot-flow-diagram.h"
#include "iot-app-test.h"

#include <glib/gi18n.h>

#define MARGIN_LEFT 150.0     /* time and frame number */
#define MARGIN_TOP 64.0
#define COLUMN_WIDTH 300.0
#define ROW_HEIGHT 34.0
#define MARGIN_RIGHT 260.0    /* findings */

/* Paired messages share a colour; unpaired ones are grey. */
static void
exchange_colour (cairo_t *cr, guint exchange)
{
  static const double palette[][3] = {
    { 0.11, 0.44, 0.85 }, { 0.15, 0.64, 0.41 }, { 0.90, 0.38, 0.00 },
    { 0.57, 0.25, 0.67 }, { 0.65, 0.11, 0.18 }, { 0.00, 0.55, 0.60 },
  };

  if (exchange == 0)
    cairo_set_source_rgb (cr, 0.45, 0.45, 0.45);
  else
    cairo_set_source_rgb (cr, palette[(exchange - 1) % G_N_ELEMENTS (palette)][0],
                          palette[(exchange - 1) % G_N_ELEMENTS (palette)][1],
                          palette[(exchange - 1) % G_N_ELEMENTS (palette)][2]);
}

static double
column_x (guint endpoint)
{
  return MARGIN_LEFT + COLUMN_WIDTH / 2 + endpoint * COLUMN_WIDTH;
}

void
iot_flow_diagram_size (IotFlow *flow, int *width, int *height)
{
  *width = (int) (MARGIN_LEFT + MAX (2u, iot_flow_n_endpoints (flow)) * COLUMN_WIDTH + MARGIN_RIGHT);
  *height = (int) (MARGIN_TOP + iot_flow_n_messages (flow) * ROW_HEIGHT + 20);
}

static void
text_at (cairo_t *cr, PangoLayout *layout, const char *text, double x, double y, double align)
{
  int w, h;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - w * align, y - h);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_arrow (cairo_t *cr, double x1, double x2, double y)
{
  double dir = x2 >= x1 ? 1 : -1;

  cairo_set_line_width (cr, 1.5);
  cairo_move_to (cr, x1, y);
  cairo_line_to (cr, x2, y);
  cairo_stroke (cr);
  cairo_move_to (cr, x2, y);
  cairo_line_to (cr, x2 - dir * 9, y - 4.5);
  cairo_line_to (cr, x2 - dir * 9, y + 4.5);
  cairo_close_path (cr);
  cairo_fill (cr);
}

static void
draw_header (IotFlow *flow, cairo_t *cr, PangoLayout *layout, int height)
{
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  text_at (cr, layout, _("Time · Frame"), 12, MARGIN_TOP - 20, 0);
  for (guint e = 0; e < iot_flow_n_endpoints (flow); e++)
    {
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      text_at (cr, layout, iot_flow_endpoint (flow, e), column_x (e), MARGIN_TOP - 20, 0.5);
      cairo_set_source_rgb (cr, 0.75, 0.75, 0.75);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, column_x (e), MARGIN_TOP - 12);
      cairo_line_to (cr, column_x (e), height - 8);
      cairo_stroke (cr);
    }
}

static void
draw_message (IotFlow *flow, guint i, guint32 selected, gint64 t0, cairo_t *cr, PangoLayout *layout, int width)
{
  const IotFlowMessage *m = iot_flow_message (flow, i);
  double y = MARGIN_TOP + i * ROW_HEIGHT + ROW_HEIGHT * 0.7;
  double x1 = column_x (m->from), x2 = column_x (m->to);
  g_autofree char *when = g_strdup_printf ("%.6f · %u", (m->ts_ns - t0) / 1e9, m->frame);

  if (m->frame == selected)
    {
      cairo_set_source_rgb (cr, 0.85, 0.91, 0.99);
      cairo_rectangle (cr, 0, y - ROW_HEIGHT * 0.7, width, ROW_HEIGHT);
      cairo_fill (cr);
    }
  cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
  text_at (cr, layout, when, 12, y + 6, 0);
  exchange_colour (cr, m->exchange);
  draw_arrow (cr, x1, x2, y);
  text_at (cr, layout, m->label, (x1 + x2) / 2, y - 3, 0.5);
  if (m->answers != 0)
    {
      g_autofree char *latency = g_strdup_printf ("+%.3f ms", m->latency_ns / 1e6);
      text_at (cr, layout, latency, x2 + (x2 > x1 ? 8 : -8), y + 7, x2 > x1 ? 0 : 1);
    }
  if (m->severity >= IOT_SEV_WARN)
    {
      double fx = MARGIN_LEFT + MAX (2u, iot_flow_n_endpoints (flow)) * COLUMN_WIDTH;

      cairo_set_source_rgb (cr, m->severity >= IOT_SEV_ERROR ? 0.75 : 0.80, m->severity >= IOT_SEV_ERROR ? 0.1 : 0.5,
                            0.1);
      cairo_arc (cr, fx - 10, y, 5, 0, 2 * G_PI);
      cairo_fill (cr);
      text_at (cr, layout, m->finding ? m->finding : _("expert finding"), fx, y + 7, 0);
    }
}

void
iot_flow_diagram_draw (IotFlow *flow, guint32 selected, cairo_t *cr, int width, int height)
{
  g_autoptr (PangoLayout) layout = pango_cairo_create_layout (cr);
  g_autoptr (PangoFontDescription) font = pango_font_description_from_string ("Sans 9");
  gint64 t0 = iot_flow_n_messages (flow) > 0 ? iot_flow_message (flow, 0)->ts_ns : 0;

  pango_layout_set_font_description (layout, font);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  draw_header (flow, cr, layout, height);
  for (guint i = 0; i < iot_flow_n_messages (flow); i++)
    draw_message (flow, i, selected, t0, cr, layout, width);
}

int
iot_flow_diagram_message_at (IotFlow *flow, double x, double y)
{
  int row;

  if (flow == NULL || y < MARGIN_TOP)
    return -1;
  row = (int) ((y - MARGIN_TOP) / ROW_HEIGHT);
  return row < (int) iot_flow_n_messages (flow) ? row : -1;
}

void
iot_flow_diagram_message_point (IotFlow *flow, guint index, double *x, double *y)
{
  const IotFlowMessage *m = iot_flow_message (flow, index);

  *x = (column_x (m->from) + column_x (m->to)) / 2;
  *y = MARGIN_TOP + index * ROW_HEIGHT + ROW_HEIGHT * 0.7;
}
