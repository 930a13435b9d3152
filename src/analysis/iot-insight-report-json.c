/* iot-insight-report-json.c — the insight as one JSON document. */
#include "iot-insight-report-private.h"

/* ---- JSON -------------------------------------------------------------------------- */

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

void
insight_report_json_frames (JsonBuilder *b, const char *name, const GArray *frames)
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

void
insight_report_json_distribution (JsonBuilder *b, const char *name, IotDistribution d)
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
  insight_report_json_frames (b, "frames", item->frames);
  if (item->related->len)
    {
      insight_report_json_frames (b, "related_frames", item->related);
      json_builder_set_member_name (b, "related_label");
      json_builder_add_string_value (b, item->related_label ? item->related_label : "");
    }
  json_builder_end_object (b);
}

void
iot_insight_to_json (IotInsight *self, JsonBuilder *b)
{
  GNode *tree = insight_report_tree_build (self);

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
  insight_report_tree_free (tree);

  json_builder_set_member_name (b, "latency");
  json_builder_begin_object (b);
  insight_report_json_distribution (b, "mqtt_publish_ack", iot_insight_mqtt_latency (self));
  insight_report_json_distribution (b, "coap_request_response", iot_insight_coap_latency (self));
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

gboolean
insight_report_write_json (JsonBuilder *b, const char *path, GError **error)
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
  return insight_report_write_json (b, path, error);
}
