/* iot-insight-report.c — the insight's accessors and the insight as text
 * (-z insight).  JSON is in iot-insight-report-json.c, the HTML page in
 * iot-insight-report-html.c, the behaviour baseline in
 * iot-insight-baseline.c and the comparison of two capture points in
 * iot-insight-compare.c.
 */
#include "iot-insight-report-private.h"
#include "iot-analysis-test.h"

#include <math.h>
#include <string.h>

/* ---- accessors ------------------------------------------------------------------ */

guint
iot_insight_n_items (IotInsight *self)
{
  return self->items->len;
}

const IotInsightItem *
iot_insight_item (IotInsight *self, guint index)
{
  return index < self->items->len ? g_ptr_array_index (self->items, index) : NULL;
}

const IotInsightItem *
iot_insight_find (IotInsight *self, const char *id, const char *subject)
{
  for (guint i = 0; i < self->items->len; i++)
    {
      const IotInsightItem *item = g_ptr_array_index (self->items, i);

      if (strcmp (item->id, id) == 0 && (subject == NULL || strstr (item->subject, subject) != NULL))
        return item;
    }
  return NULL;
}

guint
iot_insight_n_topics (IotInsight *self)
{
  return self->topic_order ? self->topic_order->len : 0;
}

const IotTopicStats *
iot_insight_topic (IotInsight *self, guint index)
{
  if (self->topic_order == NULL || index >= self->topic_order->len)
    return NULL;
  return &((Topic *) g_ptr_array_index (self->topic_order, index))->stats;
}

const IotTopicStats *
iot_insight_topic_by_name (IotInsight *self, const char *topic)
{
  Topic *t = g_hash_table_lookup (self->topics, topic);

  return t ? &t->stats : NULL;
}

guint
iot_insight_n_sessions (IotInsight *self)
{
  return self->sessions->len;
}

const IotMqttSession *
iot_insight_session (IotInsight *self, guint index)
{
  return index < self->sessions->len ? &g_array_index (self->sessions, IotMqttSession, index) : NULL;
}

static IotDistribution
distribution_of (GArray *values)
{
  g_autoptr (GArray) copy = g_array_copy (values);

  return insight_distribution (copy);
}

IotDistribution
iot_insight_mqtt_latency (IotInsight *self)
{
  return distribution_of (self->mqtt_latency);
}

IotDistribution
iot_insight_coap_latency (IotInsight *self)
{
  return distribution_of (self->coap_latency);
}

const double *
iot_insight_mqtt_latency_samples (IotInsight *self, guint *n)
{
  *n = self->mqtt_latency->len;
  return (const double *) self->mqtt_latency->data;
}

const double *
iot_insight_coap_latency_samples (IotInsight *self, guint *n)
{
  *n = self->coap_latency->len;
  return (const double *) self->coap_latency->data;
}

guint32
iot_insight_n_frames (IotInsight *self)
{
  return self->n_frames;
}

const char *
insight_severity_name (IotSeverity severity)
{
  switch (severity)
    {
    case IOT_SEV_ERROR: return "error";
    case IOT_SEV_WARN: return "warning";
    case IOT_SEV_NOTE: return "note";
    case IOT_SEV_CHAT: return "chat";
    default: return "comment";
    }
}
/* ---- the topic tree ---------------------------------------------------------------- */

static gboolean
free_level (GNode *node, gpointer data)
{
  Level *l = node->data;

  if (l != NULL)
    {
      g_free (l->name);
      g_free (l->path);
      g_free (l);
    }
  return FALSE;
}

void
insight_report_tree_free (GNode *root)
{
  g_node_traverse (root, G_IN_ORDER, G_TRAVERSE_ALL, -1, free_level, NULL);
  g_node_destroy (root);
}

GNode *
insight_report_tree_build (IotInsight *self)
{
  GNode *root = g_node_new (NULL);

  for (guint i = 0; i < iot_insight_n_topics (self); i++)
    {
      Topic *t = g_ptr_array_index (self->topic_order, i);
      g_auto (GStrv) levels = g_strsplit (t->stats.topic, "/", -1);
      GNode *at = root;
      GString *path = g_string_new (NULL);

      for (guint k = 0; levels[k] != NULL; k++)
        {
          GNode *child;
          Level *l = NULL;

          if (k > 0)
            g_string_append_c (path, '/');
          g_string_append (path, levels[k]);
          for (child = at->children; child != NULL; child = child->next)
            if (strcmp (((Level *) child->data)->name, levels[k]) == 0)
              break;
          if (child == NULL)
            {
              l = g_new0 (Level, 1);
              l->name = g_strdup (levels[k]);
              l->path = g_strdup (path->str);
              child = g_node_append_data (at, l);
            }
          l = child->data;
          l->messages += t->stats.messages;
          l->published += t->stats.published;
          l->bytes += t->stats.bytes;
          if (levels[k + 1] == NULL)
            l->topic = t;
          at = child;
        }
      g_string_free (path, TRUE);
    }
  return root;
}

static void
format_seconds (double s, GString *out)
{
  if (s < 0)
    g_string_append (out, "-");
  else if (s < 1)
    g_string_append_printf (out, "%.1f ms", s * 1000);
  else
    g_string_append_printf (out, "%.3f s", s);
}

static void
print_level (GNode *node, guint depth, GString *out)
{
  for (GNode *child = node->children; child != NULL; child = child->next)
    {
      Level *l = child->data;
      const IotTopicStats *t = l->topic ? &l->topic->stats : NULL;

      g_string_append_printf (out, "%*s%s%s  [%" G_GUINT64_FORMAT " message%s, %" G_GUINT64_FORMAT " published]\n",
                              2 + 2 * depth, "", *l->name ? l->name : "(empty)",
                              child->children ? "/" : "", l->messages, l->messages == 1 ? "" : "s", l->published);
      if (t != NULL)
        {
          g_autoptr (GString) line = g_string_new (NULL);
          g_autofree char *pubs = NULL, *subs = NULL;

          g_ptr_array_add (t->publishers, NULL);
          g_ptr_array_add (t->subscribers, NULL);
          pubs = g_strjoinv (", ", (char **) t->publishers->pdata);
          subs = g_strjoinv (", ", (char **) t->subscribers->pdata);
          g_ptr_array_remove_index (t->publishers, t->publishers->len - 1);
          g_ptr_array_remove_index (t->subscribers, t->subscribers->len - 1);
          g_string_append_printf (line, "%*s= %s: %" G_GUINT64_FORMAT " bytes, QoS 0/1/2 %" G_GUINT64_FORMAT "/%"
                                  G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT ", retained %" G_GUINT64_FORMAT
                                  ", %.1f/min", 4 + 2 * depth, "", t->topic, t->bytes, t->qos[0], t->qos[1],
                                  t->qos[2], t->retained, t->rate_per_min);
          if (t->period_s > 0)
            {
              g_string_append (line, ", period ");
              format_seconds (t->period_s, line);
              g_string_append (line, " ± ");
              format_seconds (t->jitter_s, line);
              g_string_append_printf (line, ", %u gap%s", t->gaps, t->gaps == 1 ? "" : "s");
            }
          g_string_append_printf (out, "%s\n%*s  publishers: %s; subscribers: %s\n", line->str, 4 + 2 * depth, "",
                                  *pubs ? pubs : "-", *subs ? subs : "-");
        }
      print_level (child, depth + 1, out);
    }
}

void
insight_report_append_frames (const GArray *frames, guint max, GString *out)
{
  for (guint i = 0; i < frames->len && i < max; i++)
    g_string_append_printf (out, "%s%u", i ? ", " : "", g_array_index (frames, guint32, i));
  if (frames->len > max)
    g_string_append_printf (out, ", … (%u in all)", frames->len);
}

/* Word-wraps @text at 78 columns with @indent spaces. */
static void
append_wrapped (const char *text, guint indent, GString *out)
{
  g_auto (GStrv) words = g_strsplit (text, " ", -1);
  guint col = 0;

  for (guint i = 0; words[i] != NULL; i++)
    {
      guint len = g_utf8_strlen (words[i], -1);

      if (col == 0)
        {
          g_string_append_printf (out, "%*s%s", indent, "", words[i]);
          col = indent + len;
        }
      else if (col + 1 + len > 78)
        {
          g_string_append_printf (out, "\n%*s%s", indent, "", words[i]);
          col = indent + len;
        }
      else
        {
          g_string_append_printf (out, " %s", words[i]);
          col += 1 + len;
        }
    }
  g_string_append_c (out, '\n');
}

static void
print_items (IotInsight *self, IotInsightKind kind, const char *title, GString *out)
{
  guint n = 0;

  for (guint i = 0; i < self->items->len; i++)
    n += ((IotInsightItem *) g_ptr_array_index (self->items, i))->kind == kind;
  g_string_append_printf (out, "\n%s (%u)\n", title, n);
  if (n == 0)
    g_string_append (out, "  none\n");
  for (guint i = 0; i < self->items->len; i++)
    {
      const IotInsightItem *item = g_ptr_array_index (self->items, i);

      if (item->kind != kind)
        continue;
      g_string_append_printf (out, "  [%s] %s: %s\n", insight_severity_name (item->severity), item->id, item->summary);
      if (item->frames->len)
        {
          g_string_append (out, "      Evidence: frame");
          g_string_append (out, item->frames->len == 1 ? " " : "s ");
          insight_report_append_frames (item->frames, 12, out);
          g_string_append_c (out, '\n');
        }
      if (item->related->len)
        {
          g_string_append_printf (out, "      %s: frame%s ", item->related_label ? item->related_label : "Related",
                                  item->related->len == 1 ? "" : "s");
          insight_report_append_frames (item->related, 12, out);
          g_string_append_c (out, '\n');
        }
      append_wrapped (item->explanation, 6, out);
      if (item->confidence != NULL || item->confirm != NULL)
        {
          g_autofree char *tail = g_strdup_printf ("%s%s%s%s%s", item->confidence ? "Confidence: " : "",
                                                   item->confidence ? item->confidence : "",
                                                   item->confidence && item->confirm ? ". " : "",
                                                   item->confirm ? "To confirm: " : "",
                                                   item->confirm ? item->confirm : "");

          append_wrapped (tail, 6, out);
        }
    }
}

static void
print_distribution (const char *name, IotDistribution d, GString *out)
{
  g_string_append_printf (out, "  %-28s", name);
  if (d.count == 0)
    {
      g_string_append (out, "none\n");
      return;
    }
  g_string_append_printf (out, "count %u, min ", d.count);
  format_seconds (d.min, out);
  g_string_append (out, ", median ");
  format_seconds (d.median, out);
  g_string_append (out, ", p95 ");
  format_seconds (d.p95, out);
  g_string_append (out, ", max ");
  format_seconds (d.max, out);
  g_string_append_c (out, '\n');
}

void
iot_insight_print (IotInsight *self, GString *out)
{
  GNode *tree = insight_report_tree_build (self);

  g_string_append (out, "===================================================================\n");
  g_string_append_printf (out, "IoT insight: %s, %u frames, %.3f s\n", self->capture_name ? self->capture_name : "capture",
                          self->n_frames, self->last_ns / 1e9);
  g_string_append (out, "===================================================================\n");
  if (self->capture_point != NULL)
    {
      g_autofree char *line = g_strdup_printf ("Capture point: %s", self->capture_point->summary);

      append_wrapped (line, 0, out);
      append_wrapped (self->capture_point->explanation, 2, out);
      g_string_append_c (out, '\n');
    }
  g_string_append_printf (out, "MQTT topic tree (%u topic%s)\n", iot_insight_n_topics (self),
                          iot_insight_n_topics (self) == 1 ? "" : "s");
  if (iot_insight_n_topics (self) == 0)
    g_string_append (out, "  none\n");
  print_level (tree, 0, out);
  insight_report_tree_free (tree);

  g_string_append_printf (out, "\nMQTT sessions (%u)\n", self->sessions->len);
  if (self->sessions->len == 0)
    g_string_append (out, "  none\n");
  for (guint i = 0; i < self->sessions->len; i++)
    {
      const IotMqttSession *s = &g_array_index (self->sessions, IotMqttSession, i);
      g_autofree char *connack = s->connack_code < 0 ? g_strdup ("none") : g_strdup_printf ("%d", s->connack_code);
      g_autofree char *end = s->end_frame ? g_strdup_printf (" #%u", s->end_frame) : g_strdup ("");
      g_autofree char *again = s->reconnect ? g_strdup_printf (", reconnection %u", s->reconnect) : g_strdup ("");

      g_string_append_printf (out, "  %s (%s → %s, stream %u): CONNECT #%u, CONNACK %s, keep-alive %u s, "
                              "longest silence %.3f s, %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
                              " messages sent/received, ended by %s%s%s\n",
                              *s->client_id ? s->client_id : "(no client id)", s->client, s->broker, s->stream,
                              s->connect_frame, connack, s->keepalive_s, s->longest_silence_s, s->sent,
                              s->received, s->end_reason, end, again);
    }

  g_string_append (out, "\nLatency\n");
  print_distribution ("PUBLISH → PUBACK/PUBREC:", iot_insight_mqtt_latency (self), out);
  print_distribution ("CoAP request → response:", iot_insight_coap_latency (self), out);

  print_items (self, IOT_INSIGHT_DIAGNOSIS, "Diagnoses", out);
  print_items (self, IOT_INSIGHT_SECURITY, "Security audit", out);
  if (self->compared)
    {
      g_autofree char *title = g_strdup_printf ("Deviations from the baseline %s", self->baseline_name);

      print_items (self, IOT_INSIGHT_DEVIATION, title, out);
    }
  g_string_append (out, "===================================================================\n");
}
