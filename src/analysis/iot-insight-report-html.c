/* iot-insight-report-html.c — the insight as one HTML page with SVG charts. */
#include "iot-insight-report-private.h"

#include <math.h>
#include <string.h>

/* ---- HTML ------------------------------------------------------------------------------ */

static void
html_text (GString *out, const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  g_string_append (out, escaped);
}

static void
html_frames (GString *out, const GArray *frames)
{
  g_autoptr (GString) text = g_string_new (NULL);

  insight_report_append_frames (frames, 30, text);
  html_text (out, text->str);
}

/* A histogram of @values (seconds) in 20 equal bins, as inline SVG. */
static void
svg_histogram (GString *out, GArray *values, const char *title)
{
  g_autoptr (GArray) v = g_array_copy (values);
  IotDistribution d = insight_distribution (v);
  guint bins[20] = { 0 }, most = 1;
  double width;
  const guint W = 560, H = 200, L = 50, B = 40;

  g_string_append_printf (out, "<figure><figcaption>");
  html_text (out, title);
  g_string_append_printf (out, "</figcaption>\n");
  if (d.count == 0)
    {
      g_string_append (out, "<p class=\"none\">no samples</p></figure>\n");
      return;
    }
  width = (d.max - d.min) / 20;
  for (guint i = 0; i < v->len; i++)
    {
      double x = g_array_index (v, double, i);
      guint bin = width > 0 ? (guint) MIN (19.0, floor ((x - d.min) / width)) : 0;

      bins[bin]++;
      most = MAX (most, bins[bin]);
    }
  g_string_append_printf (out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\" "
                          "role=\"img\">\n", W, H);
  g_string_append_printf (out, "<line x1=\"%u\" y1=\"%u\" x2=\"%u\" y2=\"%u\" stroke=\"#333\"/>\n", L, H - B, W - 10, H - B);
  g_string_append_printf (out, "<line x1=\"%u\" y1=\"10\" x2=\"%u\" y2=\"%u\" stroke=\"#333\"/>\n", L, L, H - B);
  for (guint i = 0; i < 20; i++)
    {
      double bw = (W - 10 - L) / 20.0, bh = (H - B - 10) * (double) bins[i] / most;

      g_string_append_printf (out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#3b7dd8\">"
                              "<title>%u</title></rect>\n", L + i * bw + 1, H - B - bh, bw - 2, bh, bins[i]);
    }
  g_string_append_printf (out, "<text x=\"%u\" y=\"%u\" font-size=\"11\">%.3f ms</text>\n", L, H - B + 15, d.min * 1000);
  g_string_append_printf (out, "<text x=\"%u\" y=\"%u\" font-size=\"11\" text-anchor=\"end\">%.3f ms</text>\n",
                          W - 10, H - B + 15, d.max * 1000);
  g_string_append_printf (out, "<text x=\"%u\" y=\"%u\" font-size=\"11\" text-anchor=\"middle\">latency "
                          "(median %.3f ms, p95 %.3f ms)</text>\n", (W + L) / 2, H - 8, d.median * 1000, d.p95 * 1000);
  g_string_append_printf (out, "<text x=\"%u\" y=\"20\" font-size=\"11\" text-anchor=\"end\">%u</text>\n", L - 4, most);
  g_string_append (out, "</svg></figure>\n");
}

static void
svg_topic_rates (GString *out, IotInsight *self)
{
  guint n = iot_insight_n_topics (self), row = 22, W = 760, L = 300;
  double most = 0;

  g_string_append (out, "<figure><figcaption>Published messages per minute, by topic</figcaption>\n");
  if (n == 0)
    {
      g_string_append (out, "<p class=\"none\">no MQTT topics</p></figure>\n");
      return;
    }
  for (guint i = 0; i < n; i++)
    most = MAX (most, iot_insight_topic (self, i)->rate_per_min);
  g_string_append_printf (out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\" role=\"img\">\n",
                          W, n * row + 10);
  for (guint i = 0; i < n; i++)
    {
      const IotTopicStats *t = iot_insight_topic (self, i);
      double w = most > 0 ? (W - L - 90) * t->rate_per_min / most : 0;

      g_string_append_printf (out, "<text x=\"%u\" y=\"%u\" font-size=\"12\" text-anchor=\"end\">", L - 6, i * row + 16);
      html_text (out, t->topic);
      g_string_append_printf (out, "</text><rect x=\"%u\" y=\"%u\" width=\"%.1f\" height=\"%u\" fill=\"#e08a2c\"/>"
                              "<text x=\"%.1f\" y=\"%u\" font-size=\"12\">%.1f</text>\n", L, i * row + 4, w,
                              row - 6, L + w + 4, i * row + 16, t->rate_per_min);
    }
  g_string_append (out, "</svg></figure>\n");
}

static void
html_items (GString *out, IotInsight *self, IotInsightKind kind, const char *title)
{
  g_string_append_printf (out, "<h2>%s</h2>\n<table><tr><th>Severity</th><th>Finding</th><th>Evidence frames</th>"
                          "<th>What it means</th></tr>\n", title);
  for (guint i = 0; i < self->items->len; i++)
    {
      const IotInsightItem *item = g_ptr_array_index (self->items, i);

      if (item->kind != kind)
        continue;
      g_string_append_printf (out, "<tr class=\"%s\"><td>%s</td><td><b>", insight_severity_name (item->severity),
                              insight_severity_name (item->severity));
      html_text (out, item->id);
      g_string_append (out, "</b><br>");
      html_text (out, item->summary);
      g_string_append (out, "</td><td>");
      html_frames (out, item->frames);
      if (item->related->len)
        {
          g_string_append (out, "<br><i>");
          html_text (out, item->related_label ? item->related_label : "related");
          g_string_append (out, ":</i> ");
          html_frames (out, item->related);
        }
      g_string_append (out, "</td><td>");
      html_text (out, item->explanation);
      if (item->confidence != NULL)
        {
          g_string_append (out, "<br><i>Confidence:</i> ");
          html_text (out, item->confidence);
        }
      if (item->confirm != NULL)
        {
          g_string_append (out, "<br><i>To confirm:</i> ");
          html_text (out, item->confirm);
        }
      g_string_append (out, "</td></tr>\n");
    }
  g_string_append (out, "</table>\n");
}

/* A series as a small line chart: time across, min to max up. */
static void
svg_sparkline (GString *out, const IotReadingSeries *s)
{
  const double w = 240, h = 40;
  const IotReadingPoint *first = &g_array_index (s->points, IotReadingPoint, 0);
  double span_t = (s->last_ns - first->time_ns) / 1e9, span_v = s->max - s->min;

  g_string_append_printf (out, "<svg width=\"%.0f\" height=\"%.0f\" viewBox=\"-2 -2 %.0f %.0f\">"
                          "<polyline fill=\"none\" stroke=\"#1c71d8\" stroke-width=\"1.5\" points=\"",
                          w + 4, h + 4, w + 4, h + 4);
  for (guint i = 0; i < s->points->len; i++)
    {
      const IotReadingPoint *pt = &g_array_index (s->points, IotReadingPoint, i);
      double x = span_t > 0 ? (pt->time_ns - first->time_ns) / 1e9 / span_t * w : w / 2;
      double y = span_v > 0 ? h - (pt->value - s->min) / span_v * h : h / 2;

      g_string_append_printf (out, "%s%.1f,%.1f", i ? " " : "", x, y);
    }
  g_string_append (out, "\"/></svg>");
}

/* Values over time: one row per series, with its chart. */
static void
html_readings (GString *out, IotReadings *readings)
{
  g_string_append (out, "<h2>Readings</h2>\n");
  if (iot_readings_n_series (readings) == 0)
    {
      g_string_append (out, "<p class=\"none\">No numeric readings in the payloads.</p>\n");
      return;
    }
  g_string_append (out, "<table><tr><th>Device</th><th>Series</th><th>Name</th><th>Unit</th><th>Count</th>"
                   "<th>Min</th><th>Max</th><th>Last</th><th>Over time</th></tr>\n");
  for (guint i = 0; i < iot_readings_n_series (readings); i++)
    {
      const IotReadingSeries *s = iot_readings_series (readings, i);
      const char *cells[] = { s->device, s->series, s->name, s->unit != NULL ? s->unit : "" };
      double values[] = { s->min, s->max, s->last };

      g_string_append (out, "<tr>");
      for (guint c = 0; c < G_N_ELEMENTS (cells); c++)
        {
          g_string_append (out, "<td>");
          html_text (out, cells[c]);
          g_string_append (out, "</td>");
        }
      g_string_append_printf (out, "<td>%u</td>", s->count);
      for (guint c = 0; c < G_N_ELEMENTS (values); c++)
        {
          g_autofree char *text = iot_readings_format_value (values[c]);

          g_string_append_printf (out, "<td>%s</td>", text);
        }
      g_string_append (out, "<td>");
      svg_sparkline (out, s);
      g_string_append (out, "</td></tr>\n");
    }
  g_string_append (out, "</table>\n");
}

void
iot_insight_to_html (IotInsight *self, GString *out)
{
  g_string_append (out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>IoT insight: ");
  html_text (out, self->capture_name ? self->capture_name : "capture");
  g_string_append (out, "</title>\n<style>\nbody{font-family:sans-serif;margin:2em;color:#222}"
                   "table{border-collapse:collapse;margin-bottom:1.5em}td,th{border:1px solid #bbb;padding:4px 8px;"
                   "vertical-align:top;text-align:left}th{background:#eee}tr.error td:first-child{background:#f6c6c6}"
                   "tr.warning td:first-child{background:#fbe3b4}tr.note td:first-child{background:#d8e8f8}"
                   "figure{margin:1em 0}figcaption{font-weight:bold;margin-bottom:.3em}.none{color:#777}\n"
                   "</style></head><body>\n<h1>IoT insight: ");
  html_text (out, self->capture_name ? self->capture_name : "capture");
  g_string_append_printf (out, "</h1>\n<p>%u frames, %.3f seconds.</p>\n", self->n_frames, self->last_ns / 1e9);
  if (self->capture_point != NULL)
    {
      g_string_append (out, "<p><b>Capture point:</b> ");
      html_text (out, self->capture_point->summary);
      g_string_append (out, "<br>");
      html_text (out, self->capture_point->explanation);
      g_string_append (out, "</p>\n");
    }

  html_items (out, self, IOT_INSIGHT_DIAGNOSIS, "Diagnoses");
  html_items (out, self, IOT_INSIGHT_SECURITY, "Security audit");
  if (self->compared)
    html_items (out, self, IOT_INSIGHT_DEVIATION, "Deviations from the baseline");

  g_string_append (out, "<h2>MQTT topics</h2>\n<table><tr><th>Topic</th><th>Messages</th><th>Published</th>"
                   "<th>Bytes</th><th>QoS 0/1/2</th><th>Retained</th><th>Rate /min</th><th>Period</th>"
                   "<th>Jitter</th><th>Gaps</th><th>Publishers</th><th>Subscribers</th></tr>\n");
  for (guint i = 0; i < iot_insight_n_topics (self); i++)
    {
      const IotTopicStats *t = iot_insight_topic (self, i);

      g_string_append (out, "<tr><td>");
      html_text (out, t->topic);
      g_string_append_printf (out, "</td><td>%" G_GUINT64_FORMAT "</td><td>%" G_GUINT64_FORMAT "</td><td>%"
                              G_GUINT64_FORMAT "</td><td>%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT "/%"
                              G_GUINT64_FORMAT "</td><td>%" G_GUINT64_FORMAT "</td><td>%.1f</td>",
                              t->messages, t->published, t->bytes, t->qos[0], t->qos[1], t->qos[2], t->retained,
                              t->rate_per_min);
      if (t->period_s > 0)
        g_string_append_printf (out, "<td>%.3f s</td><td>%.1f ms</td><td>%u</td>", t->period_s, t->jitter_s * 1000,
                                t->gaps);
      else
        g_string_append (out, "<td>-</td><td>-</td><td>-</td>");
      for (guint k = 0; k < 2; k++)
        {
          GPtrArray *list = k ? t->subscribers : t->publishers;

          g_string_append (out, "<td>");
          for (guint j = 0; j < list->len; j++)
            {
              if (j)
                g_string_append (out, ", ");
              html_text (out, g_ptr_array_index (list, j));
            }
          g_string_append (out, "</td>");
        }
      g_string_append (out, "</tr>\n");
    }
  g_string_append (out, "</table>\n");
  svg_topic_rates (out, self);

  g_string_append (out, "<h2>MQTT sessions</h2>\n<table><tr><th>Client</th><th>Address</th><th>Broker</th>"
                   "<th>CONNECT</th><th>CONNACK</th><th>Keep-alive</th><th>Longest silence</th><th>Ended by</th>"
                   "<th>Reconnection</th></tr>\n");
  for (guint i = 0; i < self->sessions->len; i++)
    {
      const IotMqttSession *s = &g_array_index (self->sessions, IotMqttSession, i);

      g_string_append (out, "<tr><td>");
      html_text (out, s->client_id);
      g_string_append (out, "</td><td>");
      html_text (out, s->client);
      g_string_append (out, "</td><td>");
      html_text (out, s->broker);
      g_string_append_printf (out, "</td><td>#%u</td><td>%d</td><td>%u s</td><td>%.3f s</td><td>%s #%u</td>"
                              "<td>%u</td></tr>\n", s->connect_frame, s->connack_code, s->keepalive_s,
                              s->longest_silence_s, s->end_reason, s->end_frame, s->reconnect);
    }
  g_string_append (out, "</table>\n<h2>Latency</h2>\n");
  svg_histogram (out, self->mqtt_latency, "MQTT PUBLISH → PUBACK/PUBREC");
  svg_histogram (out, self->coap_latency, "CoAP request → response");
  html_readings (out, self->readings);
  g_string_append (out, "<p>Made by iotscope.</p>\n</body></html>\n");
}

gboolean
iot_insight_write_html (IotInsight *self, const char *path, GError **error)
{
  g_autoptr (GString) out = g_string_new (NULL);

  iot_insight_to_html (self, out);
  return g_file_set_contents (path, out->str, out->len, error);
}
