/* iot-mqtt-rules.c — MQTT topic → payload dissector rules (see the header). */
#include "iot-mqtt-rules.h"

#include <gio/gio.h>
#include <string.h>

static GPtrArray *rules;     /* IotMqttRule, in the order given */
G_LOCK_DEFINE_STATIC (rules);

static void
rule_free (gpointer p)
{
  IotMqttRule *r = p;

  g_free (r->pattern);
  g_free (r->protocol);
  g_free (r->message_type);
  g_clear_pointer (&r->regex, g_regex_unref);
  g_free (r);
}

char **
iot_uat_split (const char *entry, GError **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  const char *p = entry;

  for (;;)
    {
      g_autoptr (GString) field = g_string_new (NULL);

      while (*p == ' ')
        p++;
      if (*p != '"')
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "expected a quoted field at \"%s\"", p);
          return NULL;
        }
      for (p++; *p && *p != '"'; p++)
        {
          /* UAT text escapes: \xNN and \" \\ */
          if (*p == '\\' && p[1] == 'x' && g_ascii_isxdigit (p[2]) && g_ascii_isxdigit (p[3]))
            {
              g_string_append_c (field, (char) (g_ascii_xdigit_value (p[2]) << 4 | g_ascii_xdigit_value (p[3])));
              p += 3;
            }
          else if (*p == '\\' && p[1])
            g_string_append_c (field, *++p);
          else
            g_string_append_c (field, *p);
        }
      if (*p != '"')
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "a quoted field is not closed");
          return NULL;
        }
      g_ptr_array_add (out, g_string_free (g_steal_pointer (&field), FALSE));
      p++;
      while (*p == ' ')
        p++;
      if (*p == '\0')
        break;
      if (*p++ != ',')
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "expected ',' between fields");
          return NULL;
        }
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

static const char *match_names[] = {
  [IOT_MQTT_MATCH_EQUAL] = "Equal to",
  [IOT_MQTT_MATCH_CONTAINS] = "Contains",
  [IOT_MQTT_MATCH_STARTS] = "Starts with",
  [IOT_MQTT_MATCH_ENDS] = "Ends with",
  [IOT_MQTT_MATCH_REGEX] = "Regular Expression",
};

gboolean
iot_mqtt_rules_add_uat (const char *entry, GError **error)
{
  g_auto (GStrv) cols = iot_uat_split (entry, error);
  IotMqttRule *r;
  guint n, match;

  if (cols == NULL)
    return FALSE;
  n = g_strv_length (cols);
  if (n != 4 && n != 5)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "expected 4 fields (match criteria, topic pattern, decoding, payload protocol) "
                   "and an optional protobuf message type, found %u", n);
      return FALSE;
    }
  for (match = 0; match < G_N_ELEMENTS (match_names); match++)
    if (strcmp (cols[0], match_names[match]) == 0)
      break;
  if (match == G_N_ELEMENTS (match_names))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "match criteria \"%s\" is none of Equal to, Contains, Starts with, Ends with, "
                   "Regular Expression", cols[0]);
      return FALSE;
    }
  if (strcmp (cols[2], "none") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "decoding \"%s\" is not supported (only \"none\")", cols[2]);
      return FALSE;
    }
  r = g_new0 (IotMqttRule, 1);
  r->match = match;
  r->pattern = g_strdup (cols[1]);
  r->protocol = g_strdup (cols[3]);
  r->message_type = n == 5 && *cols[4] ? g_strdup (cols[4]) : NULL;
  if (match == IOT_MQTT_MATCH_REGEX && (r->regex = g_regex_new (r->pattern, 0, 0, error)) == NULL)
    {
      rule_free (r);
      return FALSE;
    }
  G_LOCK (rules);
  if (rules == NULL)
    rules = g_ptr_array_new_with_free_func (rule_free);
  g_ptr_array_add (rules, r);
  G_UNLOCK (rules);
  return TRUE;
}

static gboolean
rule_matches (const IotMqttRule *r, const char *topic)
{
  switch (r->match)
    {
    case IOT_MQTT_MATCH_EQUAL:
      return strcmp (topic, r->pattern) == 0;
    case IOT_MQTT_MATCH_CONTAINS:
      return strstr (topic, r->pattern) != NULL;
    case IOT_MQTT_MATCH_STARTS:
      return g_str_has_prefix (topic, r->pattern);
    case IOT_MQTT_MATCH_ENDS:
      return g_str_has_suffix (topic, r->pattern);
    case IOT_MQTT_MATCH_REGEX:
      return g_regex_match (r->regex, topic, 0, NULL);
    }
  return FALSE;
}

const IotMqttRule *
iot_mqtt_rules_match (const char *topic)
{
  const IotMqttRule *found = NULL;

  G_LOCK (rules);
  for (guint i = 0; rules && i < rules->len && found == NULL; i++)
    if (rule_matches (g_ptr_array_index (rules, i), topic))
      found = g_ptr_array_index (rules, i);
  G_UNLOCK (rules);
  return found;
}

guint
iot_mqtt_rules_count (void)
{
  return rules != NULL ? rules->len : 0;
}

const IotMqttRule *
iot_mqtt_rules_nth (guint index)
{
  g_return_val_if_fail (index < iot_mqtt_rules_count (), NULL);
  return g_ptr_array_index (rules, index);
}

void
iot_mqtt_rules_retire (void)
{
  static GPtrArray *retired;

  G_LOCK (rules);
  if (rules != NULL)
    {
      if (retired == NULL)
        retired = g_ptr_array_new ();
      g_ptr_array_add (retired, g_steal_pointer (&rules));
    }
  G_UNLOCK (rules);
}

void
iot_mqtt_rules_clear (void)
{
  G_LOCK (rules);
  g_clear_pointer (&rules, g_ptr_array_unref);
  G_UNLOCK (rules);
}
