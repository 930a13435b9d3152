/* iot-dissect-settings.c — name resolution, port preferences and Decode As
 * from GSettings into the process-wide state the dissectors read. */
#include "iot-dissect-settings.h"

#include <string.h>

#include <glib/gi18n.h>

#include "iot-dissector.h"
#include "iot-engine.h"
#include "iot-mqtt-rules.h"
#include "iot-resolve.h"

static void
keep_first (GError **error, GError *local)
{
  if (local == NULL)
    return;
  if (error != NULL && *error == NULL)
    g_propagate_error (error, local);
  else
    g_error_free (local);
}

static void
apply_resolution (GSettings *settings)
{
  IotResolveFlags flags = iot_resolve_get_flags ();

  if (settings == NULL || g_settings_get_boolean (settings, "resolve-mac"))
    flags |= IOT_RESOLVE_MAC;
  else
    flags &= ~IOT_RESOLVE_MAC;
  iot_resolve_set_flags (flags);
}

gboolean
iot_dissect_settings_apply (GSettings *settings, GError **error)
{
  g_auto (GStrv) ports = NULL;
  g_auto (GStrv) decode_as = NULL;
  GError *first = NULL;

  apply_resolution (settings);
  iot_registry_reset_decode_as ();
  if (settings == NULL)
    return TRUE;
  ports = g_settings_get_strv (settings, "protocol-ports");
  decode_as = g_settings_get_strv (settings, "decode-as");
  for (guint i = 0; ports[i] != NULL; i++)
    {
      GError *local = NULL;

      iot_registry_set_port_preference (ports[i], &local);
      keep_first (&first, local);
    }
  /* Decode As after the preferences: what the user pointed at last wins. */
  for (guint i = 0; decode_as[i] != NULL; i++)
    {
      GError *local = NULL;

      iot_registry_decode_as (decode_as[i], &local);
      keep_first (&first, local);
    }
  if (first != NULL)
    {
      g_propagate_error (error, first);
      return FALSE;
    }
  return TRUE;
}

static void
apply_cb (GSettings *settings, const char *key, gpointer data)
{
  g_autoptr (GError) error = NULL;

  if (!iot_dissect_settings_apply (settings, &error))
    g_message ("dissection preferences: %s", error->message);
}

static gboolean apply_mqtt_rules (GSettings *settings, GError **error);

/* Only what changed: a new rule does not read the .proto folders again. */
static void
apply_payload_cb (GSettings *settings, const char *key, gpointer data)
{
  g_autoptr (GError) error = NULL;
  gboolean ok;

  if (g_strcmp0 (key, "mqtt-topic-rules") == 0)
    ok = apply_mqtt_rules (settings, &error);
  else if (g_strcmp0 (key, "protobuf-search-paths") == 0)
    {
      iot_proto_default_replace (iot_dissect_settings_load_protos (settings, &error));
      ok = error == NULL;
    }
  else
    ok = iot_dissect_settings_apply_payload (settings, &error);
  if (!ok)
    g_message ("protobuf preferences: %s", error->message);
}

void
iot_dissect_settings_watch (GSettings *settings)
{
  if (settings == NULL || g_object_get_data (G_OBJECT (settings), "iot-dissect-settings") != NULL)
    return;
  g_object_set_data (G_OBJECT (settings), "iot-dissect-settings", GINT_TO_POINTER (1));
  g_signal_connect (settings, "changed::resolve-mac", G_CALLBACK (apply_cb), NULL);
  g_signal_connect (settings, "changed::protocol-ports", G_CALLBACK (apply_cb), NULL);
  g_signal_connect (settings, "changed::decode-as", G_CALLBACK (apply_cb), NULL);
  g_signal_connect (settings, "changed::protobuf-search-paths", G_CALLBACK (apply_payload_cb), NULL);
  g_signal_connect (settings, "changed::mqtt-topic-rules", G_CALLBACK (apply_payload_cb), NULL);
  apply_cb (settings, NULL, NULL);
  apply_payload_cb (settings, NULL, NULL);
}

/* "tcp.port == 1884 , mqtt" → "tcp.port==1884,mqtt": one spelling, so an
 * entry is stored once. */
static char *
normalize_spec (const char *spec)
{
  GString *out = g_string_new (NULL);

  for (const char *p = spec; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

gboolean
iot_dissect_settings_add_decode_as (GSettings *settings, const char *spec, GError **error)
{
  g_autofree char *entry = normalize_spec (spec);
  g_auto (GStrv) entries = g_settings_get_strv (settings, "decode-as");
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) updated = NULL;
  g_autoptr (GError) local = NULL;

  /* The registry's own reading decides what an entry is; a valid one is
   * applied (again) with the rest right after. */
  if (!iot_registry_decode_as (entry, &local))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      iot_dissect_settings_apply (settings, NULL);
      return FALSE;
    }
  if (g_strv_contains ((const char *const *) entries, entry))
    return TRUE;
  g_strv_builder_addv (builder, (const char **) entries);
  g_strv_builder_add (builder, entry);
  updated = g_strv_builder_end (builder);
  return g_settings_set_strv (settings, "decode-as", (const char *const *) updated);
}

gboolean
iot_dissect_settings_remove_decode_as (GSettings *settings, const char *spec)
{
  g_autofree char *entry = normalize_spec (spec);
  g_auto (GStrv) entries = g_settings_get_strv (settings, "decode-as");
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) updated = NULL;

  for (guint i = 0; entries[i] != NULL; i++)
    if (!g_str_equal (entries[i], entry))
      g_strv_builder_add (builder, entries[i]);
  updated = g_strv_builder_end (builder);
  return g_settings_set_strv (settings, "decode-as", (const char *const *) updated);
}

static int
compare_ports (gconstpointer a, gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

char *
iot_dissect_settings_default_ports (const char *protocol, const char *table)
{
  const IotDissector *dissector = iot_registry_dissector (protocol);
  g_autoptr (GArray) keys = g_array_new (FALSE, FALSE, sizeof (guint32));
  GString *text = g_string_new (NULL);

  /* What the dissector registered, whatever the tables hold now. */
  for (guint i = 0; dissector != NULL && i < IOT_MAX_HANDOFFS && dissector->handoff[i].table != NULL; i++)
    if (g_str_equal (dissector->handoff[i].table, table))
      g_array_append_val (keys, dissector->handoff[i].key);
  g_array_sort (keys, compare_ports);
  for (guint i = 0; i < keys->len; i++)
    g_string_append_printf (text, "%s%u", i ? "," : "", g_array_index (keys, guint32, i));
  return g_string_free (text, FALSE);
}

char *
iot_dissect_settings_get_ports (GSettings *settings, const char *protocol, const char *table)
{
  g_autofree char *prefix = g_strdup_printf ("%s.%s:", protocol, table);
  g_auto (GStrv) entries = g_settings_get_strv (settings, "protocol-ports");

  for (guint i = 0; entries[i] != NULL; i++)
    if (g_str_has_prefix (entries[i], prefix))
      return g_strdup (entries[i] + strlen (prefix));
  return iot_dissect_settings_default_ports (protocol, table);
}

gboolean
iot_dissect_settings_set_ports (GSettings *settings, const char *protocol, const char *table,
                                const char *ports, GError **error)
{
  g_autofree char *prefix = g_strdup_printf ("%s.%s:", protocol, table);
  g_autofree char *compact = normalize_spec (ports != NULL ? ports : "");
  g_autofree char *defaults = iot_dissect_settings_default_ports (protocol, table);
  g_autofree char *pref = g_strconcat (prefix, compact, NULL);
  g_auto (GStrv) entries = g_settings_get_strv (settings, "protocol-ports");
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) updated = NULL;

  /* The registry's own reading decides what a list of ports is (applied
   * here, and with the rest once the setting changes). */
  if (ports != NULL && !iot_registry_set_port_preference (pref, error))
    return FALSE;
  for (guint i = 0; entries[i] != NULL; i++)
    if (!g_str_has_prefix (entries[i], prefix))
      g_strv_builder_add (builder, entries[i]);
  if (ports != NULL && !g_str_equal (compact, defaults))
    g_strv_builder_add (builder, pref);
  updated = g_strv_builder_end (builder);
  if (g_strv_equal ((const char *const *) updated, (const char *const *) entries))
    return iot_dissect_settings_apply (settings, error);
  return g_settings_set_strv (settings, "protocol-ports", (const char *const *) updated);
}

/* ---- Protocol Buffers and MQTT payload rules ------------------------------------- */

IotProtoPool *
iot_dissect_settings_load_protos (GSettings *settings, GError **error)
{
  g_autoptr (GVariant) paths = g_settings_get_value (settings, "protobuf-search-paths");
  IotProtoPool *pool = iot_proto_pool_new_builtin ();
  GError *first = NULL;
  GVariantIter iter;
  const char *dir;
  gboolean load_all;

  g_variant_iter_init (&iter, paths);
  while (g_variant_iter_next (&iter, "(&sb)", &dir, &load_all))
    {
      GError *local = NULL;

      iot_proto_pool_add_search_path (pool, dir, load_all, &local);
      keep_first (&first, local);
    }
  if (first != NULL)
    g_propagate_error (error, first);
  return pool;
}

/* One UAT field, quoted, with the characters the reader unescapes escaped. */
static void
append_uat_field (GString *line, const char *text)
{
  if (line->len > 0)
    g_string_append_c (line, ',');
  g_string_append_c (line, '"');
  for (const char *p = text; *p != '\0'; p++)
    if (*p == '"' || *p == '\\' || *p == ',')
      g_string_append_printf (line, "\\x%02x", (guchar) *p);
    else
      g_string_append_c (line, *p);
  g_string_append_c (line, '"');
}

static char *
mqtt_rule_uat (const char *match, const char *pattern, const char *protocol, const char *message_type)
{
  GString *line = g_string_new (NULL);

  append_uat_field (line, match);
  append_uat_field (line, pattern);
  append_uat_field (line, "none");
  append_uat_field (line, protocol);
  if (message_type != NULL && message_type[0] != '\0')
    append_uat_field (line, message_type);
  return g_string_free (line, FALSE);
}

/* The rules of @settings in place of the dissectors' ones; the old rules
 * stay allocated, as a worker may be reading one. */
static gboolean
apply_mqtt_rules (GSettings *settings, GError **error)
{
  g_autoptr (GVariant) rules = g_settings_get_value (settings, "mqtt-topic-rules");
  GError *first = NULL;
  GVariantIter iter;
  const char *match, *pattern, *protocol, *message_type;

  iot_mqtt_rules_retire ();
  g_variant_iter_init (&iter, rules);
  while (g_variant_iter_next (&iter, "(&s&s&s&s)", &match, &pattern, &protocol, &message_type))
    {
      g_autofree char *line = mqtt_rule_uat (match, pattern, protocol, message_type);
      GError *local = NULL;

      iot_mqtt_rules_add_uat (line, &local);
      keep_first (&first, local);
    }
  if (first != NULL)
    {
      g_propagate_error (error, first);
      return FALSE;
    }
  return TRUE;
}

gboolean
iot_dissect_settings_apply_payload (GSettings *settings, GError **error)
{
  GError *first = NULL;

  if (settings == NULL)
    return TRUE;
  iot_proto_default_replace (iot_dissect_settings_load_protos (settings, &first));
  apply_mqtt_rules (settings, first == NULL ? &first : NULL);
  if (first != NULL)
    {
      g_propagate_error (error, first);
      return FALSE;
    }
  return TRUE;
}

gboolean
iot_dissect_settings_add_search_path (GSettings *settings, const char *dir, gboolean load_all, GError **error)
{
  g_autoptr (GVariant) paths = g_settings_get_value (settings, "protobuf-search-paths");
  g_autofree char *stripped = g_strstrip (g_strdup (dir != NULL ? dir : ""));
  GVariantBuilder builder;
  GVariantIter iter;
  const char *old;
  gboolean old_all;

  if (stripped[0] == '\0' || !g_file_test (stripped, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY, _("%s: not a folder"), stripped);
      return FALSE;
    }
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sb)"));
  g_variant_iter_init (&iter, paths);
  while (g_variant_iter_next (&iter, "(&sb)", &old, &old_all))
    {
      if (g_str_equal (old, stripped))
        {
          g_variant_builder_clear (&builder);
          iot_dissect_settings_set_load_all (settings, stripped, load_all);
          return TRUE;
        }
      g_variant_builder_add (&builder, "(sb)", old, old_all);
    }
  g_variant_builder_add (&builder, "(sb)", stripped, load_all);
  return g_settings_set_value (settings, "protobuf-search-paths", g_variant_builder_end (&builder));
}

/* Every entry of protobuf-search-paths but @dir; with @keep, @dir too,
 * with @load_all. */
static void
rewrite_search_path (GSettings *settings, const char *dir, gboolean keep, gboolean load_all)
{
  g_autoptr (GVariant) paths = g_settings_get_value (settings, "protobuf-search-paths");
  GVariantBuilder builder;
  GVariantIter iter;
  const char *old;
  gboolean old_all;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sb)"));
  g_variant_iter_init (&iter, paths);
  while (g_variant_iter_next (&iter, "(&sb)", &old, &old_all))
    if (!g_str_equal (old, dir))
      g_variant_builder_add (&builder, "(sb)", old, old_all);
    else if (keep)
      g_variant_builder_add (&builder, "(sb)", old, load_all);
  g_settings_set_value (settings, "protobuf-search-paths", g_variant_builder_end (&builder));
}

void
iot_dissect_settings_remove_search_path (GSettings *settings, const char *dir)
{
  rewrite_search_path (settings, dir, FALSE, FALSE);
}

void
iot_dissect_settings_set_load_all (GSettings *settings, const char *dir, gboolean load_all)
{
  rewrite_search_path (settings, dir, TRUE, load_all);
}

gboolean
iot_dissect_settings_add_mqtt_rule (GSettings *settings, const char *match, const char *pattern,
                                    const char *protocol, const char *message_type, GError **error)
{
  static const char *const matches[] = { "Equal to", "Contains", "Starts with", "Ends with",
                                        "Regular Expression", NULL };
  g_autoptr (GVariant) rules = g_settings_get_value (settings, "mqtt-topic-rules");
  GVariantBuilder builder;
  GVariantIter iter;
  const char *m, *pat, *proto, *type;

  if (match == NULL || !g_strv_contains (matches, match))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("match criteria \"%s\" is none of Equal to, Contains, Starts with, Ends with, "
                   "Regular Expression"), match != NULL ? match : "");
      return FALSE;
    }
  if (pattern == NULL || pattern[0] == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The topic pattern is empty."));
      return FALSE;
    }
  if (protocol == NULL || iot_registry_dissector (protocol) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s: no such protocol"),
                   protocol != NULL ? protocol : "");
      return FALSE;
    }
  if (g_str_equal (match, "Regular Expression"))
    {
      g_autoptr (GRegex) regex = g_regex_new (pattern, 0, 0, error);

      if (regex == NULL)
        return FALSE;
    }
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ssss)"));
  g_variant_iter_init (&iter, rules);
  while (g_variant_iter_next (&iter, "(&s&s&s&s)", &m, &pat, &proto, &type))
    g_variant_builder_add (&builder, "(ssss)", m, pat, proto, type);
  g_variant_builder_add (&builder, "(ssss)", match, pattern, protocol, message_type != NULL ? message_type : "");
  return g_settings_set_value (settings, "mqtt-topic-rules", g_variant_builder_end (&builder));
}

void
iot_dissect_settings_remove_mqtt_rule (GSettings *settings, guint index)
{
  g_autoptr (GVariant) rules = g_settings_get_value (settings, "mqtt-topic-rules");
  GVariantBuilder builder;
  GVariantIter iter;
  const char *m, *pat, *proto, *type;
  guint i = 0;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ssss)"));
  g_variant_iter_init (&iter, rules);
  while (g_variant_iter_next (&iter, "(&s&s&s&s)", &m, &pat, &proto, &type))
    if (i++ != index)
      g_variant_builder_add (&builder, "(ssss)", m, pat, proto, type);
  g_settings_set_value (settings, "mqtt-topic-rules", g_variant_builder_end (&builder));
}

gboolean
iot_dissect_settings_add_search_path_uat (GSettings *settings, const char *entry, GError **error)
{
  g_auto (GStrv) cols = iot_uat_split (entry, error);

  if (cols == NULL)
    return FALSE;
  if (g_strv_length (cols) != 2)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("expected 2 fields: \"folder\",\"TRUE|FALSE\" (load all files)"));
      return FALSE;
    }
  return iot_dissect_settings_add_search_path (settings, cols[0], g_ascii_strcasecmp (cols[1], "TRUE") == 0, error);
}

gboolean
iot_dissect_settings_add_mqtt_rule_uat (GSettings *settings, const char *entry, GError **error)
{
  g_auto (GStrv) cols = iot_uat_split (entry, error);
  guint n;

  if (cols == NULL)
    return FALSE;
  n = g_strv_length (cols);
  if (n != 4 && n != 5)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("expected 4 fields (match criteria, topic pattern, decoding, payload protocol) "
                   "and an optional protobuf message type, found %u"), n);
      return FALSE;
    }
  if (!g_str_equal (cols[2], "none"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("decoding \"%s\" is not supported (only \"none\")"), cols[2]);
      return FALSE;
    }
  return iot_dissect_settings_add_mqtt_rule (settings, cols[0], cols[1], cols[3], n == 5 ? cols[4] : "", error);
}
