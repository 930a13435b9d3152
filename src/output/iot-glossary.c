/* iot-glossary.c — the -G reports, laid out as tshark 4.0 prints them for
 * the protocols and fields iotscope has. */
#include "iot-glossary.h"
#include "iot-core-private.h"
#include "iot-print.h"

#include <string.h>

static void
print_protocols (GString *out)
{
  for (guint i = 0; i < iot_registry_n_dissectors (); i++)
    {
      const IotDissector *d = iot_registry_dissector_by_id (i);

      g_string_append_printf (out, "%s\t%s\t%s\n", d->long_name ? d->long_name : d->name, d->name, d->abbrev);
    }
}

/* tshark's list of field types, in its order; we print the ones we use. */
static const struct {
  const char *name;
  const char *description;
} ftypes[] = {
  { "FT_NONE", "Label" }, { "FT_PROTOCOL", "Protocol" }, { "FT_BOOLEAN", "Boolean" },
  { "FT_UINT8", "Unsigned integer (1 byte)" }, { "FT_UINT16", "Unsigned integer (2 bytes)" },
  { "FT_UINT24", "Unsigned integer (3 bytes)" }, { "FT_UINT32", "Unsigned integer (4 bytes)" },
  { "FT_UINT64", "Unsigned integer (8 bytes)" }, { "FT_INT8", "Signed integer (1 byte)" },
  { "FT_INT16", "Signed integer (2 bytes)" }, { "FT_INT32", "Signed integer (4 bytes)" },
  { "FT_INT64", "Signed integer (8 bytes)" }, { "FT_DOUBLE", "Floating point (double-precision)" },
  { "FT_ABSOLUTE_TIME", "Date and time" }, { "FT_RELATIVE_TIME", "Time offset" },
  { "FT_STRING", "Character string" }, { "FT_STRINGZ", "Character string" },
  { "FT_ETHER", "Ethernet or other MAC address" }, { "FT_BYTES", "Byte sequence" },
  { "FT_IPv4", "IPv4 address" }, { "FT_IPv6", "IPv6 address" }, { "FT_FRAMENUM", "Frame number" },
  { "FT_EUI64", "EUI64 address" },
};

static void
print_ftypes (GString *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (ftypes); i++)
    g_string_append_printf (out, "%s\t%s\n", ftypes[i].name, ftypes[i].description);
}

/* "V\tFIELD\tVALUE\tNAME" for each value name (hexadecimal for BASE_HEX
 * fields), "T\tFIELD\tTRUE\tFALSE" for booleans with words of their own. */
static void
print_values (GString *out)
{
  for (guint id = 0; id < iot_registry_n_fields (); id++)
    {
      const IotField *field = iot_registry_field_by_id (id);

      if (field->type == IOT_FT_BOOLEAN && field->true_word != NULL && field->false_word != NULL)
        g_string_append_printf (out, "T\t%s\t%s\t%s\n", field->abbrev, field->true_word, field->false_word);
      if (field->vals == NULL || !iot_field_type_is_integer (field->type))
        continue;
      for (const IotValueName *v = field->vals; v->name != NULL; v++)
        {
          const char *tag = v->value > G_MAXUINT32 ? "V64" : "V";

          if (field->base == IOT_BASE_HEX)
            g_string_append_printf (out, "%s\t%s\t0x%" G_GINT64_MODIFIER "x\t%s\n", tag, field->abbrev,
                                    v->value, v->name);
          else
            g_string_append_printf (out, "%s\t%s\t%" G_GUINT64_FORMAT "\t%s\n", tag, field->abbrev,
                                    v->value, v->name);
        }
    }
}

static void
append_decode (const char *table, guint32 key, const IotDissector *dissector, gpointer data)
{
  g_string_append_printf (data, "%s\t%u\t%s\n", table, key, dissector->abbrev);
}

/* The Elasticsearch type of a field's values; NULL: a string (the
 * mapping leaves it to the default). */
static const char *
elastic_type (const IotField *field)
{
  switch (field->type)
    {
    case IOT_FT_UINT8:
    case IOT_FT_INT8:
      return "short";
    case IOT_FT_UINT16:
    case IOT_FT_INT16:
    case IOT_FT_UINT24:
    case IOT_FT_INT32:
      return "integer";
    case IOT_FT_UINT32:
    case IOT_FT_UINT64:
    case IOT_FT_INT64:
    case IOT_FT_FRAMENUM:
      return "long";
    case IOT_FT_DOUBLE:
      return "float";
    case IOT_FT_IPV4:
    case IOT_FT_IPV6:
      return "ip";
    case IOT_FT_ABSOLUTE_TIME:
    case IOT_FT_RELATIVE_TIME:
      return "date";
    case IOT_FT_BYTES:
      return "byte";
    case IOT_FT_BOOLEAN:
      return "boolean";
    default:
      return NULL;
    }
}

static void
print_mapping_protocol (const IotDissector *d, gboolean first, GString *out)
{
  gboolean any = FALSE;

  g_string_append_printf (out, "%s\n          \"%s\": {\n            \"properties\": {", first ? "" : ",",
                          d->abbrev);
  for (guint i = 1; i < d->n_fields; i++)
    {
      const IotField *field = &d->fields[i];
      const char *type = elastic_type (field);
      g_autofree char *key = NULL;

      if (type == NULL)
        continue;
      /* The key -T ek writes: PROTOCOL_FIELD with dots as underscores. */
      key = g_strdelimit (g_strconcat (d->abbrev, "_", field->abbrev, NULL), ".", '_');
      g_string_append_printf (out, "%s\n              \"%s\": {\n                \"type\": \"%s\"\n              }",
                              any ? "," : "", key, type);
      any = TRUE;
    }
  g_string_append (out, any ? "\n            }\n          }" : "}\n          }");
}

static void
print_elastic_mapping (const char *filter, GString *out)
{
  g_auto (GStrv) wanted = filter ? g_strsplit (filter, ",", -1) : NULL;
  gboolean first = TRUE;

  g_string_append (out, "{\n  \"settings\": {\n    \"index.mapping.total_fields.limit\": 1000000\n  },\n"
                        "  \"mappings\": {\n    \"dynamic\": false,\n    \"properties\": {\n"
                        "      \"timestamp\": {\n        \"type\": \"date\"\n      },\n"
                        "      \"layers\": {\n        \"properties\": {");
  for (guint i = 0; i < iot_registry_n_dissectors (); i++)
    {
      const IotDissector *d = iot_registry_dissector_by_id (i);

      if (wanted != NULL && !g_strv_contains ((const char *const *) wanted, d->abbrev))
        continue;
      print_mapping_protocol (d, first, out);
      first = FALSE;
    }
  g_string_append (out, first ? "}\n      }\n    }\n  }\n}\n" : "\n        }\n      }\n    }\n  }\n}\n");
}

gboolean
iot_glossary_print (const char *name, const char *mapping_filter, GString *out, GError **error)
{
  iot_registry_init ();
  if (strcmp (name, "fields") == 0)
    iot_print_glossary (out);
  else if (strcmp (name, "protocols") == 0)
    print_protocols (out);
  else if (strcmp (name, "ftypes") == 0)
    print_ftypes (out);
  else if (strcmp (name, "values") == 0)
    print_values (out);
  else if (strcmp (name, "decodes") == 0)
    iot_registry_foreach_handoff (append_decode, out);
  else if (strcmp (name, "elastic-mapping") == 0)
    print_elastic_mapping (mapping_filter, out);
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "unknown glossary report \"%s\" (known: fields, protocols, ftypes, values, decodes, "
                   "elastic-mapping)", name);
      return FALSE;
    }
  return TRUE;
}
