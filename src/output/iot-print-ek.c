/* iot-print-ek.c — -T json and -T ek limited to the -e fields, and the
 * parts of an Elasticsearch bulk request they share with the full
 * documents. */
#include "iot-print.h"
#include "iot-core-private.h"
#include "iot-format.h"

#include <string.h>

/* Each -e field's values, in the order the fields were named, as arrays
 * of strings (what -T fields prints for each occurrence); fields absent
 * from the frame are left out, as tshark leaves them out. */
static void
add_field_arrays (IotPacket *pkt, const IotField *const *fields, guint n_fields, gboolean ek_keys,
                  JsonBuilder *builder)
{
  const IotNode *nodes = iot_packet_nodes (pkt);
  guint n = iot_packet_n_nodes (pkt);
  g_autoptr (GString) text = g_string_new (NULL);

  json_builder_begin_object (builder);
  for (guint f = 0; f < n_fields; f++)
    {
      gboolean named_before = FALSE, open = FALSE;

      for (guint k = 0; k < f; k++)
        named_before |= fields[k] == fields[f];
      if (named_before)
        continue;
      for (guint i = 0; i < n; i++)
        {
          if (nodes[i].field != fields[f])
            continue;
          if (!open)
            {
              g_autofree char *key = g_strdup (fields[f]->abbrev);

              if (ek_keys)
                g_strdelimit (key, ".", '_');
              json_builder_set_member_name (builder, key);
              json_builder_begin_array (builder);
              open = TRUE;
            }
          g_string_truncate (text, 0);
          iot_format_field_value (pkt, &nodes[i], text);
          if (!g_utf8_validate (text->str, (gssize) text->len, NULL))
            {
              g_autoptr (GString) fixed = g_string_new (NULL);

              iot_format_valid_utf8 ((const guint8 *) text->str, text->len, fixed);
              g_string_assign (text, fixed->str);
            }
          json_builder_add_string_value (builder, text->str);
        }
      if (open)
        json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
}

void
iot_print_json_fields (IotPacket *pkt, const IotField *const *fields, guint n_fields, JsonBuilder *builder)
{
  g_autofree char *index_name = iot_print_ek_index_name (pkt->frame->ts_ns);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "_index");
  json_builder_add_string_value (builder, index_name);
  json_builder_set_member_name (builder, "_type");
  json_builder_add_string_value (builder, "doc");
  json_builder_set_member_name (builder, "_score");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "_source");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "layers");
  add_field_arrays (pkt, fields, n_fields, FALSE, builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

char *
iot_print_ek_index_name (gint64 ts_ns)
{
  g_autoptr (GDateTime) date = g_date_time_new_from_unix_utc (ts_ns / G_GINT64_CONSTANT (1000000000));

  return date ? g_date_time_format (date, "packets-%Y-%m-%d") : g_strdup ("packets");
}

void
iot_print_ek_action (IotPacket *pkt, GString *out)
{
  g_autofree char *index_name = iot_print_ek_index_name (pkt->frame->ts_ns);

  /* Elasticsearch 8 and OpenSearch 2 refuse a "_type" (tshark 4.0 still
   * writes "_type":"doc"). */
  g_string_append_printf (out, "{\"index\":{\"_index\":\"%s\"}}\n", index_name);
}

char *
iot_print_ek_timestamp (gint64 ts_ns)
{
  gint64 ms = ts_ns >= 0 ? ts_ns / 1000000 : -((-ts_ns + 999999) / 1000000);
  g_autoptr (GDateTime) date = g_date_time_new_from_unix_utc (ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000));
  g_autofree char *seconds = date ? g_date_time_format (date, "%Y-%m-%dT%H:%M:%S") : NULL;

  /* ISO 8601 in UTC with milliseconds, which a "date" field of either
   * search engine takes without a format of its own (tshark 4.0 writes
   * milliseconds since 1970 as a string, which they read as a year). */
  if (seconds == NULL)
    return g_strdup ("1970-01-01T00:00:00.000Z");
  return g_strdup_printf ("%s.%03dZ", seconds, (int) (((ms % 1000) + 1000) % 1000));
}

void
iot_print_ek_fields (IotPacket *pkt, const IotField *const *fields, guint n_fields, GString *out)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *timestamp = iot_print_ek_timestamp (pkt->frame->ts_ns);
  g_autofree char *json = NULL;

  iot_print_ek_action (pkt, out);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "timestamp");
  json_builder_add_string_value (builder, timestamp);
  json_builder_set_member_name (builder, "layers");
  add_field_arrays (pkt, fields, n_fields, TRUE, builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json = json_generator_to_data (generator, NULL);
  iot_print_append_json_text (out, json);
  g_string_append_c (out, '\n');
}
