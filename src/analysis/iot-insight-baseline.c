/* iot-insight-baseline.c — the behaviour baseline (devices, MQTT clients,
 * topics) and how a capture compares with a saved one. */
#include "iot-insight-report-private.h"
#include "iot-json-load.h"

#include <math.h>
#include <string.h>

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
  insight_report_json_distribution (b, "payload_bytes", d);
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
  return insight_report_write_json (b, path, error);
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
