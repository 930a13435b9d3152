/* iot-dissect-settings.c — name resolution, port preferences and Decode As
 * from GSettings into the process-wide state the dissectors read. */
#include "iot-dissect-settings.h"

#include <string.h>

#include "iot-dissector.h"
#include "iot-engine.h"
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

void
iot_dissect_settings_watch (GSettings *settings)
{
  if (settings == NULL || g_object_get_data (G_OBJECT (settings), "iot-dissect-settings") != NULL)
    return;
  g_object_set_data (G_OBJECT (settings), "iot-dissect-settings", GINT_TO_POINTER (1));
  g_signal_connect (settings, "changed::resolve-mac", G_CALLBACK (apply_cb), NULL);
  g_signal_connect (settings, "changed::protocol-ports", G_CALLBACK (apply_cb), NULL);
  g_signal_connect (settings, "changed::decode-as", G_CALLBACK (apply_cb), NULL);
  apply_cb (settings, NULL, NULL);
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
