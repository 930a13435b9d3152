/* iot-insight-report.c — the insight as text (-z insight), JSON and one
 * HTML page; the behaviour baseline and its comparison; the comparison of
 * two captures of the same traffic taken at two points.
 */
#include "iot-insight-private.h"
#include "iot-json-load.h"

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

static const char *
kind_name (IotInsightKind kind)
{
  switch (kind)
    {
    case IOT_INSIGHT_SECURITY: return "security";
    case IOT_INSIGHT_DEVIATION: return "deviation";
    default: return "diagnosis";
    }
}

/* ---- the topic tree ---------------------------------------------------------------- */

typedef struct {
  char    *name;          /* this level */
  char    *path;          /* the levels up to here */
  Topic   *topic;         /* a topic of exactly this name, or NULL */
  guint64  messages, published, bytes;
} Level;

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

static void
tree_free (GNode *root)
{
  g_node_traverse (root, G_IN_ORDER, G_TRAVERSE_ALL, -1, free_level, NULL);
  g_node_destroy (root);
}

static GNode *
tree_build (IotInsight *self)
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

static void
append_frames (const GArray *frames, guint max, GString *out)
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
          append_frames (item->frames, 12, out);
          g_string_append_c (out, '\n');
        }
      if (item->related->len)
        {
          g_string_append_printf (out, "      %s: frame%s ", item->related_label ? item->related_label : "Related",
                                  item->related->len == 1 ? "" : "s");
          append_frames (item->related, 12, out);
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
  GNode *tree = tree_build (self);

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
  tree_free (tree);

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

/* ---- JSON -------------------------------------------------------------------------- */

static void
json_frames (JsonBuilder *b, const char *name, const GArray *frames)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; i < frames->len; i++)
    json_builder_add_int_value (b, g_array_index (frames, guint32, i));
  json_builder_end_array (b);
}

static void
json_strings (JsonBuilder *b, const char *name, GPtrArray *list)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; i < list->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (list, i));
  json_builder_end_array (b);
}

static void
json_distribution (JsonBuilder *b, const char *name, IotDistribution d)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "count");
  json_builder_add_int_value (b, d.count);
  if (d.count)
    {
      const char *names[] = { "min", "median", "p95", "max" };
      double values[] = { d.min, d.median, d.p95, d.max };

      for (guint i = 0; i < 4; i++)
        {
          json_builder_set_member_name (b, names[i]);
          json_builder_add_double_value (b, values[i]);
        }
    }
  json_builder_end_object (b);
}

static void
json_topic (JsonBuilder *b, const IotTopicStats *t)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "topic");
  json_builder_add_string_value (b, t->topic);
  json_builder_set_member_name (b, "messages");
  json_builder_add_int_value (b, t->messages);
  json_builder_set_member_name (b, "published");
  json_builder_add_int_value (b, t->published);
  json_builder_set_member_name (b, "delivered");
  json_builder_add_int_value (b, t->delivered);
  json_builder_set_member_name (b, "bytes");
  json_builder_add_int_value (b, t->bytes);
  json_builder_set_member_name (b, "qos");
  json_builder_begin_array (b);
  for (guint q = 0; q < 3; q++)
    json_builder_add_int_value (b, t->qos[q]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "retained");
  json_builder_add_int_value (b, t->retained);
  json_strings (b, "publishers", t->publishers);
  json_strings (b, "subscribers", t->subscribers);
  json_builder_set_member_name (b, "rate_per_min");
  json_builder_add_double_value (b, t->rate_per_min);
  json_builder_set_member_name (b, "period_s");
  if (t->period_s > 0)
    json_builder_add_double_value (b, t->period_s);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "jitter_s");
  if (t->period_s > 0)
    json_builder_add_double_value (b, t->jitter_s);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "gaps");
  json_builder_add_int_value (b, t->gaps);
  json_builder_end_object (b);
}

static void
json_level (JsonBuilder *b, GNode *node)
{
  json_builder_begin_array (b);
  for (GNode *child = node->children; child != NULL; child = child->next)
    {
      Level *l = child->data;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, l->name);
      json_builder_set_member_name (b, "path");
      json_builder_add_string_value (b, l->path);
      json_builder_set_member_name (b, "messages");
      json_builder_add_int_value (b, l->messages);
      json_builder_set_member_name (b, "published");
      json_builder_add_int_value (b, l->published);
      json_builder_set_member_name (b, "is_topic");
      json_builder_add_boolean_value (b, l->topic != NULL);
      json_builder_set_member_name (b, "children");
      json_level (b, child);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
json_item (JsonBuilder *b, const IotInsightItem *item)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, kind_name (item->kind));
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, item->id);
  json_builder_set_member_name (b, "severity");
  json_builder_add_string_value (b, insight_severity_name (item->severity));
  json_builder_set_member_name (b, "subject");
  json_builder_add_string_value (b, item->subject);
  json_builder_set_member_name (b, "summary");
  json_builder_add_string_value (b, item->summary);
  json_builder_set_member_name (b, "explanation");
  json_builder_add_string_value (b, item->explanation);
  if (item->confidence != NULL)
    {
      json_builder_set_member_name (b, "confidence");
      json_builder_add_string_value (b, item->confidence);
    }
  if (item->confirm != NULL)
    {
      json_builder_set_member_name (b, "confirm");
      json_builder_add_string_value (b, item->confirm);
    }
  json_frames (b, "frames", item->frames);
  if (item->related->len)
    {
      json_frames (b, "related_frames", item->related);
      json_builder_set_member_name (b, "related_label");
      json_builder_add_string_value (b, item->related_label ? item->related_label : "");
    }
  json_builder_end_object (b);
}

void
iot_insight_to_json (IotInsight *self, JsonBuilder *b)
{
  GNode *tree = tree_build (self);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "capture");
  json_builder_add_string_value (b, self->capture_name ? self->capture_name : "");
  json_builder_set_member_name (b, "frames");
  json_builder_add_int_value (b, self->n_frames);
  json_builder_set_member_name (b, "duration_s");
  json_builder_add_double_value (b, self->last_ns / 1e9);
  if (self->capture_point != NULL)
    {
      json_builder_set_member_name (b, "capture_point");
      json_item (b, self->capture_point);
    }

  json_builder_set_member_name (b, "mqtt");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "topics");
  json_builder_begin_array (b);
  for (guint i = 0; i < iot_insight_n_topics (self); i++)
    json_topic (b, iot_insight_topic (self, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "topic_tree");
  json_level (b, tree);
  json_builder_set_member_name (b, "sessions");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->sessions->len; i++)
    {
      const IotMqttSession *s = &g_array_index (self->sessions, IotMqttSession, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "client_id");
      json_builder_add_string_value (b, s->client_id);
      json_builder_set_member_name (b, "client");
      json_builder_add_string_value (b, s->client);
      json_builder_set_member_name (b, "broker");
      json_builder_add_string_value (b, s->broker);
      json_builder_set_member_name (b, "stream");
      json_builder_add_int_value (b, s->stream);
      json_builder_set_member_name (b, "connect_frame");
      json_builder_add_int_value (b, s->connect_frame);
      json_builder_set_member_name (b, "connack_frame");
      json_builder_add_int_value (b, s->connack_frame);
      json_builder_set_member_name (b, "connack_code");
      json_builder_add_int_value (b, s->connack_code);
      json_builder_set_member_name (b, "keepalive_s");
      json_builder_add_int_value (b, s->keepalive_s);
      json_builder_set_member_name (b, "longest_silence_s");
      json_builder_add_double_value (b, s->longest_silence_s);
      json_builder_set_member_name (b, "start_s");
      json_builder_add_double_value (b, s->start_ns / 1e9);
      json_builder_set_member_name (b, "end_s");
      json_builder_add_double_value (b, s->end_ns / 1e9);
      json_builder_set_member_name (b, "end_frame");
      json_builder_add_int_value (b, s->end_frame);
      json_builder_set_member_name (b, "end_reason");
      json_builder_add_string_value (b, s->end_reason);
      json_builder_set_member_name (b, "reconnect");
      json_builder_add_int_value (b, s->reconnect);
      json_builder_set_member_name (b, "sent");
      json_builder_add_int_value (b, s->sent);
      json_builder_set_member_name (b, "received");
      json_builder_add_int_value (b, s->received);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  tree_free (tree);

  json_builder_set_member_name (b, "latency");
  json_builder_begin_object (b);
  json_distribution (b, "mqtt_publish_ack", iot_insight_mqtt_latency (self));
  json_distribution (b, "coap_request_response", iot_insight_coap_latency (self));
  json_builder_end_object (b);

  for (guint k = 0; k < 3; k++)
    {
      static const char *const names[] = { "diagnoses", "security", "deviations" };

      if (k == IOT_INSIGHT_DEVIATION && !self->compared)
        continue;
      json_builder_set_member_name (b, names[k]);
      json_builder_begin_array (b);
      for (guint i = 0; i < self->items->len; i++)
        {
          const IotInsightItem *item = g_ptr_array_index (self->items, i);

          if (item->kind == (IotInsightKind) k)
            json_item (b, item);
        }
      json_builder_end_array (b);
    }
  json_builder_set_member_name (b, "readings");
  iot_readings_to_json (self->readings, b);
  json_builder_end_object (b);
}

static gboolean
write_json (JsonBuilder *b, const char *path, GError **error)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (b);

  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  return json_generator_to_file (gen, path, error);
}

gboolean
iot_insight_write_json (IotInsight *self, const char *path, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  iot_insight_to_json (self, b);
  return write_json (b, path, error);
}

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

  append_frames (frames, 30, text);
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

/* ---- baseline ----------------------------------------------------------------------------- */

static void
json_profile (JsonBuilder *b, Profile *p, double minutes)
{
  g_autoptr (GArray) sizes = g_array_copy (p->sizes);
  g_autoptr (GArray) gaps = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GPtrArray) keys = NULL;
  IotDistribution d = insight_distribution (sizes), g;

  for (guint i = 1; i < p->times->len; i++)
    {
      double v = (g_array_index (p->times, gint64, i) - g_array_index (p->times, gint64, i - 1)) / 1e9;

      g_array_append_val (gaps, v);
    }
  g = insight_distribution (gaps);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "packets");
  json_builder_add_int_value (b, p->packets);
  json_builder_set_member_name (b, "packets_per_min");
  json_builder_add_double_value (b, p->packets / minutes);
  json_distribution (b, "payload_bytes", d);
  json_builder_set_member_name (b, "interval_s");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "median");
  json_builder_add_double_value (b, g.median);
  json_builder_set_member_name (b, "p95");
  json_builder_add_double_value (b, g.p95);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "message_types");
  json_builder_begin_object (b);
  keys = insight_sorted_keys (p->types);
  for (guint i = 0; i < keys->len; i++)
    {
      Counter *c = g_hash_table_lookup (p->types, keys->pdata[i]);

      json_builder_set_member_name (b, keys->pdata[i]);
      json_builder_add_int_value (b, c->count);
    }
  json_builder_end_object (b);
  g_ptr_array_unref (keys);
  keys = insight_sorted_keys (p->peers);
  json_builder_set_member_name (b, "peers");
  json_builder_begin_array (b);
  for (guint i = 0; i < keys->len; i++)
    json_builder_add_string_value (b, keys->pdata[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static const char *const section_names[] = { "devices", "mqtt_clients", "topics" };

static GHashTable *
section_table (IotInsight *self, guint k)
{
  return k == 0 ? self->devices : k == 1 ? self->clients : self->topic_profiles;
}

static double
capture_minutes (IotInsight *self)
{
  return MAX (self->last_ns / 6e10, 1.0 / 60000);
}

void
iot_insight_baseline (IotInsight *self, JsonBuilder *b)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, "iotscope-baseline");
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "capture");
  json_builder_add_string_value (b, self->capture_name ? self->capture_name : "");
  json_builder_set_member_name (b, "duration_s");
  json_builder_add_double_value (b, self->last_ns / 1e9);
  for (guint k = 0; k < G_N_ELEMENTS (section_names); k++)
    {
      GHashTable *table = section_table (self, k);
      g_autoptr (GPtrArray) keys = insight_sorted_keys (table);

      json_builder_set_member_name (b, section_names[k]);
      json_builder_begin_object (b);
      for (guint i = 0; i < keys->len; i++)
        {
          json_builder_set_member_name (b, keys->pdata[i]);
          json_profile (b, g_hash_table_lookup (table, keys->pdata[i]), capture_minutes (self));
        }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
}

gboolean
iot_insight_save_baseline (IotInsight *self, const char *path, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  iot_insight_baseline (self, b);
  return write_json (b, path, error);
}

static const char *
section_noun (guint k)
{
  return k == 0 ? "device" : k == 1 ? "MQTT client" : "topic";
}

static gboolean
json_array_has (JsonArray *array, const char *value)
{
  for (guint i = 0; array && i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_array_get_string_element (array, i), value) == 0)
      return TRUE;
  return FALSE;
}

static void
compare_profile (IotInsight *self, guint k, const char *name, Profile *p, JsonObject *base)
{
  double minutes = capture_minutes (self);
  double now = p->packets / minutes;
  double then = json_object_get_double_member_with_default (base, "packets_per_min", 0);
  JsonObject *types = json_object_get_object_member (base, "message_types");
  JsonArray *peers = json_object_get_array_member (base, "peers");
  g_autoptr (GPtrArray) keys = NULL;
  const char *noun = section_noun (k);

  if (then > 0 && (now > 3 * then || now < then / 3) && (p->packets >= 5 || then * minutes >= 5))
    {
      IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_DEVIATION, "rate-change", IOT_SEV_WARN, name,
        g_strdup_printf ("%s %s: %.1f %s/min now, %.1f in the baseline (%.1f×)", noun, name, now,
                         k == 0 ? "packets" : "messages", then, now / then),
        g_strdup_printf ("The %s sends at a very different rate from the one recorded in the baseline (more than "
                         "three times %s). A sudden change of rate can mean a new firmware or configuration, a "
                         "fault (a stuck sensor, a reboot loop) or, for a large increase, a compromised device "
                         "taking part in an attack.", noun, now > then ? "faster" : "slower"));

      g_array_append_val (item->frames, p->first_frame);
    }
  keys = insight_sorted_keys (p->peers);
  for (guint i = 0; i < keys->len; i++)
    {
      Counter *c = g_hash_table_lookup (p->peers, keys->pdata[i]);
      IotInsightItem *item;

      if (json_array_has (peers, keys->pdata[i]))
        continue;
      item = insight_add_item (self, IOT_INSIGHT_DEVIATION, "new-peer", IOT_SEV_WARN, name,
        g_strdup_printf ("%s %s has a new peer: %s (%" G_GUINT64_FORMAT " packet%s)", noun, name,
                         (char *) keys->pdata[i], c->count, c->count == 1 ? "" : "s"),
        g_strdup_printf ("In the baseline the %s never exchanged traffic with %s. A new peer may be a legitimate "
                         "change (a new server, a new subscriber) but it is also how data exfiltration or a "
                         "takeover looks, so confirm that it is expected.", noun, (char *) keys->pdata[i]));
      g_array_append_val (item->frames, c->first_frame);
    }
  g_ptr_array_unref (keys);
  keys = insight_sorted_keys (p->types);
  for (guint i = 0; i < keys->len; i++)
    {
      Counter *c = g_hash_table_lookup (p->types, keys->pdata[i]);
      IotInsightItem *item;

      if (types != NULL && json_object_has_member (types, keys->pdata[i]))
        continue;
      item = insight_add_item (self, IOT_INSIGHT_DEVIATION, "new-message-type", IOT_SEV_NOTE, name,
        g_strdup_printf ("%s %s sends %s, never seen in the baseline (%" G_GUINT64_FORMAT " time%s)", noun, name,
                         (char *) keys->pdata[i], c->count, c->count == 1 ? "" : "s"),
        g_strdup_printf ("The baseline lists which kinds of messages the %s sends; \"%s\" was not among them. New "
                         "kinds of messages often come with a firmware update or a new feature, but can also be "
                         "a sign of misuse.", noun, (char *) keys->pdata[i]));
      g_array_append_val (item->frames, c->first_frame);
    }
}

gint
iot_insight_compare_baseline (IotInsight *self, const char *path, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *top;
  JsonObject *root;
  guint before = self->items->len, n = 0;

  top = iot_json_load_file (parser, path, "baseline", error);
  if (top == NULL)
    return -1;
  root = JSON_NODE_HOLDS_OBJECT (top) ? json_node_get_object (top) : NULL;
  if (root == NULL || g_strcmp0 (json_object_get_string_member_with_default (root, "format", ""),
                                 "iotscope-baseline") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is not an iotscope baseline "
                   "(made with --save-baseline)", path);
      return -1;
    }
  /* Comparing again (with another baseline) replaces the deviations. */
  for (guint i = self->items->len; i > 0; i--)
    if (((IotInsightItem *) g_ptr_array_index (self->items, i - 1))->kind == IOT_INSIGHT_DEVIATION)
      g_ptr_array_remove_index (self->items, i - 1);
  before = self->items->len;
  self->compared = TRUE;
  g_free (self->baseline_name);
  self->baseline_name = g_path_get_basename (path);
  for (guint k = 0; k < G_N_ELEMENTS (section_names); k++)
    {
      GHashTable *table = section_table (self, k);
      JsonObject *section = json_object_get_object_member (root, section_names[k]);
      g_autoptr (GPtrArray) keys = insight_sorted_keys (table);

      for (guint i = 0; i < keys->len; i++)
        {
          Profile *p = g_hash_table_lookup (table, keys->pdata[i]);
          JsonObject *base = section && json_object_has_member (section, p->name)
                             ? json_object_get_object_member (section, p->name) : NULL;
          IotInsightItem *item;

          if (base != NULL)
            {
              compare_profile (self, k, p->name, p, base);
              continue;
            }
          item = insight_add_item (self, IOT_INSIGHT_DEVIATION, k == 2 ? "new-topic" : "new-device",
                                   IOT_SEV_WARN, p->name,
            g_strdup_printf ("New %s absent from the baseline: %s (%" G_GUINT64_FORMAT " %s%s)", section_noun (k),
                             p->name, p->packets, k == 0 ? "packet" : "message", p->packets == 1 ? "" : "s"),
            k == 2 ? g_strdup ("Nothing was published on this topic when the baseline was recorded. A new topic "
                               "usually means a new device or feature; if nobody added one, find out who "
                               "publishes here, since an attacker can use MQTT topics to pass data or commands.")
                   : g_strdup_printf ("This %s did not appear when the baseline was recorded. Make sure it "
                                      "belongs to the installation: unknown devices on an IoT network are a "
                                      "classic way in for attackers, and forgotten test devices are a risk too.",
                                      section_noun (k)));
          g_array_append_val (item->frames, p->first_frame);
        }
    }
  for (guint i = before; i < self->items->len; i++)
    n++;
  return (gint) n;
}

/* ---- two capture points --------------------------------------------------------------------- */

typedef struct {
  guint32 number;
  gint64  ts_ns;
  guint64 strict, loose;    /* match keys */
  char   *flow;             /* normalised 5-tuple text */
  gboolean forward;         /* sent by the flow's first endpoint */
  gint32  peer;             /* matched frame index in the other capture, -1 */
} CmpFrame;

struct _IotCompare {
  GPtrArray *flows;         /* IotCompareFlow */
};

static guint64
fnv (guint64 h, const void *data, gsize len)
{
  const guint8 *p = data;

  for (gsize i = 0; i < len; i++)
    {
      h ^= p[i];
      h *= G_GUINT64_CONSTANT (0x100000001b3);
    }
  return h;
}

static int
cmp_addr_port (const IotAddress *a, guint16 pa, const IotAddress *b, guint16 pb)
{
  int c = memcmp (a, b, sizeof *a);

  return c ? c : (pa < pb ? -1 : pa > pb);
}

/* Collecting the compare keys as a scan listener. */
typedef struct {
  InsightFields f;
  IotFile      *file;
  GArray       *frames;    /* CmpFrame */
} CompareCollect;

static void
compare_add_wanted (gpointer self, IotFieldSet *wanted, IotDissectFlags *flags)
{
  CompareCollect *c = self;

  for (guint i = 0; i < N_F; i++)
    if (c->f.f[i] != NULL && (i <= F_UDP_PAYLOAD))
      iot_field_set_add (wanted, c->f.f[i]);
}

static void
compare_frame (gpointer self, IotPacket *pkt)
{
  CompareCollect *c = self;
  guint32 n = iot_packet_frame_number (pkt);
  CmpFrame cf = { n, iot_file_frame (c->file, n)->ts_ns };
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);
  guint32 ip_id = 0, seq = 0, ack = 0, flags = 0;
  const guint8 *payload = NULL;
  guint payload_len = 0;
  guint8 l4 = 0;
  gboolean ip = FALSE, quoted = FALSE;
  const IotAddress *src, *dst;
  guint16 sport, dport;
  g_autofree char *a = NULL, *b = NULL;
  gboolean fwd;

  for (guint i = 0; i < iot_packet_n_nodes (pkt) && !quoted; i++)
    {
      const IotNode *node = iot_packet_node (pkt, i);
      const IotField *field = node->field;

      if (field == NULL)
        continue;
      if (field == c->f.f[F_IP] || field == c->f.f[F_IPV6])
        ip = TRUE;
      else if (field == c->f.f[F_ICMP] || field == c->f.f[F_ICMPV6])
        quoted = TRUE;   /* the quoted copy must not change the key */
      else if (field == c->f.f[F_IP_ID])
        ip_id = (guint32) node->v.u;
      else if (field == c->f.f[F_TCP])
        l4 = 6;
      else if (field == c->f.f[F_UDP])
        l4 = 17;
      else if (field == c->f.f[F_TCP_SEQ_RAW])
        seq = (guint32) node->v.u;
      else if (field == c->f.f[F_TCP_ACK_RAW])
        ack = (guint32) node->v.u;
      else if (field == c->f.f[F_TCP_FLAGS])
        flags = (guint32) node->v.u;
      else if ((field == c->f.f[F_TCP_PAYLOAD] || field == c->f.f[F_UDP_PAYLOAD]) && payload == NULL)
        {
          payload = node->v.p;
          payload_len = node->vlen;
        }
    }
  if (!ip)
    return;
  src = iot_packet_net_src (pkt);
  dst = iot_packet_net_dst (pkt);
  iot_packet_get_ports (pkt, &sport, &dport);
  /* What no router on the way changes: IP id, TCP sequence/ack numbers
   * and flags, the payload.  Not TTL, checksums, or (with NAT)
   * addresses and ports. */
  h = fnv (h, &l4, 1);
  h = fnv (h, &ip_id, 4);
  h = fnv (h, &seq, 4);
  h = fnv (h, &ack, 4);
  h = fnv (h, &flags, 4);
  h = fnv (h, &payload_len, 4);
  if (payload)
    h = fnv (h, payload, payload_len);
  if (!payload && !l4)
    {
      guint32 caplen = 0;
      const guint8 *data = iot_file_frame_data (c->file, n);

      caplen = iot_file_frame (c->file, n)->caplen;
      /* Other IP protocols (ICMP …): the last bytes of the frame. */
      h = fnv (h, data + caplen - MIN (caplen, 32u), MIN (caplen, 32u));
    }
  cf.loose = h;
  h = fnv (h, src, sizeof *src);
  h = fnv (h, dst, sizeof *dst);
  h = fnv (h, &sport, 2);
  h = fnv (h, &dport, 2);
  cf.strict = h;
  fwd = cmp_addr_port (src, sport, dst, dport) <= 0;
  a = l4 ? insight_endpoint_text (fwd ? src : dst, fwd ? sport : dport) : insight_address_text (fwd ? src : dst);
  b = l4 ? insight_endpoint_text (fwd ? dst : src, fwd ? dport : sport) : insight_address_text (fwd ? dst : src);
  cf.flow = g_strdup_printf ("%s %s ↔ %s", l4 == 6 ? "tcp" : l4 == 17 ? "udp" : "ip", a, b);
  cf.forward = fwd;
  cf.peer = -1;
  g_array_append_val (c->frames, cf);
}

static const IotScanListener compare_listener = {
  .add_wanted = compare_add_wanted,
  .frame = compare_frame,
};

static GArray *
compare_collect (IotEngine *engine)
{
  g_autoptr (IotScan) scan = iot_scan_new (engine);
  CompareCollect c = { .file = iot_engine_file (engine) };

  insight_fields_init (&c.f);
  c.frames = g_array_new (FALSE, FALSE, sizeof (CmpFrame));
  iot_scan_add_listener (scan, &compare_listener, &c, NULL);
  iot_scan_run (scan, NULL, NULL, NULL, NULL);
  return c.frames;
}

static void
cmp_frames_free (GArray *frames)
{
  for (guint i = 0; i < frames->len; i++)
    g_free (g_array_index (frames, CmpFrame, i).flow);
  g_array_unref (frames);
}

/* Pairs frames of @a with frames of @b having the same key, in order. */
static void
match_frames (GArray *a, GArray *b, gboolean loose)
{
  g_autoptr (GHashTable) queues = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                                         (GDestroyNotify) g_queue_free);

  for (guint i = 0; i < b->len; i++)
    {
      CmpFrame *fb = &g_array_index (b, CmpFrame, i);
      guint64 *key = loose ? &fb->loose : &fb->strict;
      GQueue *q;

      if (fb->peer >= 0)
        continue;
      q = g_hash_table_lookup (queues, key);
      if (q == NULL)
        {
          q = g_queue_new ();
          g_hash_table_insert (queues, key, q);
        }
      g_queue_push_tail (q, GUINT_TO_POINTER (i + 1));
    }
  for (guint i = 0; i < a->len; i++)
    {
      CmpFrame *fa = &g_array_index (a, CmpFrame, i);
      GQueue *q;

      if (fa->peer >= 0)
        continue;
      q = g_hash_table_lookup (queues, loose ? &fa->loose : &fa->strict);
      if (q != NULL && !g_queue_is_empty (q))
        {
          guint j = GPOINTER_TO_UINT (g_queue_pop_head (q)) - 1;

          fa->peer = (gint32) j;
          g_array_index (b, CmpFrame, j).peer = (gint32) i;
        }
    }
}

typedef struct {
  IotCompareFlow flow;
  GArray *delays[2];        /* double: A→B, B→A */
  gint64  last_a[2];        /* per direction: highest A index seen at B so far */
} FlowAcc;

static FlowAcc *
flow_acc_get (GHashTable *flows, GPtrArray *order, const char *name)
{
  FlowAcc *acc = g_hash_table_lookup (flows, name);

  if (acc == NULL)
    {
      acc = g_new0 (FlowAcc, 1);
      acc->flow.flow = g_strdup (name);
      acc->flow.only_a_frames = g_array_new (FALSE, FALSE, sizeof (guint32));
      acc->flow.only_b_frames = g_array_new (FALSE, FALSE, sizeof (guint32));
      acc->delays[0] = g_array_new (FALSE, FALSE, sizeof (double));
      acc->delays[1] = g_array_new (FALSE, FALSE, sizeof (double));
      acc->last_a[0] = acc->last_a[1] = -1;
      g_hash_table_insert (flows, acc->flow.flow, acc);
      g_ptr_array_add (order, acc);
    }
  return acc;
}

static void
flow_free (gpointer data)
{
  IotCompareFlow *f = data;

  g_free (f->flow);
  g_array_unref (f->only_a_frames);
  g_array_unref (f->only_b_frames);
  g_free (f);
}

IotCompare *
iot_compare_new (IotEngine *ea, IotEngine *eb, gboolean nat, GError **error)
{
  GArray *a = compare_collect (ea), *b = compare_collect (eb);
  g_autoptr (GHashTable) flows = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) b_to_a = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, NULL);
  g_autoptr (GPtrArray) order = g_ptr_array_new ();
  IotCompare *self = g_new0 (IotCompare, 1);

  if (!nat)
    match_frames (a, b, FALSE);
  match_frames (a, b, TRUE);

  /* A's view names the flows; B's flows (after NAT) map onto them. */
  for (guint i = 0; i < a->len; i++)
    {
      CmpFrame *fa = &g_array_index (a, CmpFrame, i);
      FlowAcc *acc = flow_acc_get (flows, order, fa->flow);

      if (fa->peer < 0)
        {
          acc->flow.only_a++;
          g_array_append_val (acc->flow.only_a_frames, fa->number);
          continue;
        }
      {
        CmpFrame *fb = &g_array_index (b, CmpFrame, fa->peer);
        double d = (fb->ts_ns - fa->ts_ns) / 1e9;

        acc->flow.both++;
        g_hash_table_insert (b_to_a, fb->flow, fa->flow);
        if (d >= 0)
          g_array_append_val (acc->delays[0], d);
        else
          {
            d = -d;
            g_array_append_val (acc->delays[1], d);
          }
      }
    }
  for (guint j = 0; j < b->len; j++)
    {
      CmpFrame *fb = &g_array_index (b, CmpFrame, j);
      const char *name = g_hash_table_lookup (b_to_a, fb->flow);
      FlowAcc *acc = flow_acc_get (flows, order, name ? name : fb->flow);

      if (fb->peer < 0)
        {
          acc->flow.only_b++;
          g_array_append_val (acc->flow.only_b_frames, fb->number);
          continue;
        }
      /* In B's order, a frame whose A position is below one already seen
       * (same direction) overtook it somewhere between the points. */
      {
        CmpFrame *fa = &g_array_index (a, CmpFrame, fb->peer);
        guint dir = fa->forward ? 0 : 1;

        if (fb->peer < acc->last_a[dir])
          acc->flow.reordered++;
        else
          acc->last_a[dir] = fb->peer;
      }
    }
  self->flows = g_ptr_array_new_with_free_func (flow_free);
  for (guint i = 0; i < order->len; i++)
    {
      FlowAcc *acc = g_ptr_array_index (order, i);
      IotCompareFlow *flow = g_new (IotCompareFlow, 1);

      *flow = acc->flow;
      flow->delay_ab = insight_distribution (acc->delays[0]);
      flow->delay_ba = insight_distribution (acc->delays[1]);
      g_array_unref (acc->delays[0]);
      g_array_unref (acc->delays[1]);
      g_free (acc);
      g_ptr_array_add (self->flows, flow);
    }
  cmp_frames_free (a);
  cmp_frames_free (b);
  return self;
}

void
iot_compare_free (IotCompare *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->flows);
  g_free (self);
}

guint
iot_compare_n_flows (IotCompare *self)
{
  return self->flows->len;
}

const IotCompareFlow *
iot_compare_flow (IotCompare *self, guint index)
{
  return index < self->flows->len ? g_ptr_array_index (self->flows, index) : NULL;
}

static void
print_delay (const char *name, IotDistribution d, GString *out)
{
  if (d.count == 0)
    return;
  g_string_append_printf (out, "    one-way delay %s: %u frames, min %.3f ms, median %.3f ms, p95 %.3f ms, "
                          "max %.3f ms\n", name, d.count, d.min * 1000, d.median * 1000, d.p95 * 1000, d.max * 1000);
}

void
iot_compare_print (IotCompare *self, GString *out)
{
  g_string_append (out, "===================================================================\n"
                        "Two capture points: A (first file) and B (second file)\n"
                        "A frame seen at one point only was lost between the points (or captured\n"
                        "before / after the other capture ran); delays assume both clocks agree.\n"
                        "===================================================================\n");
  for (guint i = 0; i < self->flows->len; i++)
    {
      const IotCompareFlow *f = g_ptr_array_index (self->flows, i);

      g_string_append_printf (out, "%s\n    seen at both points: %u, only at A: %u, only at B: %u, reordered: %u\n",
                              f->flow, f->both, f->only_a, f->only_b, f->reordered);
      if (f->only_a)
        {
          g_string_append (out, "    only at A: frames ");
          append_frames (f->only_a_frames, 40, out);
          g_string_append_c (out, '\n');
        }
      if (f->only_b)
        {
          g_string_append (out, "    only at B: frames ");
          append_frames (f->only_b_frames, 40, out);
          g_string_append_c (out, '\n');
        }
      print_delay ("A → B", f->delay_ab, out);
      print_delay ("B → A", f->delay_ba, out);
    }
  g_string_append (out, "===================================================================\n");
}

void
iot_compare_to_json (IotCompare *self, JsonBuilder *b)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "flows");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->flows->len; i++)
    {
      const IotCompareFlow *f = g_ptr_array_index (self->flows, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "flow");
      json_builder_add_string_value (b, f->flow);
      json_builder_set_member_name (b, "both");
      json_builder_add_int_value (b, f->both);
      json_builder_set_member_name (b, "only_a");
      json_builder_add_int_value (b, f->only_a);
      json_builder_set_member_name (b, "only_b");
      json_builder_add_int_value (b, f->only_b);
      json_builder_set_member_name (b, "reordered");
      json_builder_add_int_value (b, f->reordered);
      json_frames (b, "only_a_frames", f->only_a_frames);
      json_frames (b, "only_b_frames", f->only_b_frames);
      json_distribution (b, "delay_ab_s", f->delay_ab);
      json_distribution (b, "delay_ba_s", f->delay_ba);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}
