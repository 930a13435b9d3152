/* iot-secrets-settings.c — decryption preferences → secrets store. */
#include "iot-secrets-settings.h"

#include "iot-secrets.h"

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

/* The zigbee-keys list, as tshark's zigbee_pc_keys table: key, byte
 * order, label. */
static void
add_zigbee_keys (GSettings *settings, IotSecrets *secrets, GError **first)
{
  g_autoptr (GVariant) keys = g_settings_get_value (settings, "zigbee-keys");
  GVariantIter iter;
  const char *hex, *order, *label;

  g_variant_iter_init (&iter, keys);
  while (g_variant_iter_next (&iter, "(&s&s&s)", &hex, &order, &label))
    {
      GError *local = NULL;

      iot_secrets_add_zigbee_key (secrets, hex, g_ascii_strcasecmp (order, "Reverse") == 0, label, &local);
      keep_first (first, local);
    }
}

gboolean
iot_secrets_settings_apply (GSettings *settings, const char *const *prefs, GError **error)
{
  IotSecrets *secrets = iot_secrets_default ();
  GError *first = NULL;

  iot_secrets_clear (secrets);
  if (settings != NULL)
    {
      g_autofree char *keylog = g_settings_get_string (settings, "tls-keylog-file");
      g_autoptr (GVariant) psks = g_settings_get_value (settings, "tls-psks");
      GVariantIter iter;
      const char *identity, *hex;

      if (keylog[0] != '\0')
        {
          GError *local = NULL;

          iot_secrets_add_keylog_file (secrets, keylog, &local);
          keep_first (&first, local);
        }
      g_variant_iter_init (&iter, psks);
      while (g_variant_iter_next (&iter, "(&s&s)", &identity, &hex))
        {
          GError *local = NULL;

          iot_secrets_add_psk (secrets, identity, hex, &local);
          keep_first (&first, local);
        }
      add_zigbee_keys (settings, secrets, &first);
    }
  for (guint i = 0; prefs != NULL && prefs[i] != NULL; i++)
    {
      GError *local = NULL;

      iot_secrets_set_preference (secrets, prefs[i], &local);
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

  if (!iot_secrets_settings_apply (settings, data, &error))
    g_message ("decryption secrets: %s", error->message);
}

void
iot_secrets_settings_watch (GSettings *settings, const char *const *prefs)
{
  char **copy;

  if (settings == NULL || g_object_get_data (G_OBJECT (settings), "iot-secrets-prefs") != NULL)
    return;
  copy = g_strdupv ((char **) (prefs ? prefs : (const char *const[]) { NULL }));
  g_object_set_data_full (G_OBJECT (settings), "iot-secrets-prefs", copy, (GDestroyNotify) g_strfreev);
  g_signal_connect (settings, "changed::tls-keylog-file", G_CALLBACK (apply_cb), copy);
  g_signal_connect (settings, "changed::tls-psks", G_CALLBACK (apply_cb), copy);
  g_signal_connect (settings, "changed::zigbee-keys", G_CALLBACK (apply_cb), copy);
  apply_cb (settings, NULL, copy);
}

/* The PSK list without @identity's entry, in a builder. */
static void
copy_other_psks (GSettings *settings, const char *identity, GVariantBuilder *builder)
{
  g_autoptr (GVariant) psks = g_settings_get_value (settings, "tls-psks");
  GVariantIter iter;
  const char *id, *hex;

  g_variant_iter_init (&iter, psks);
  while (g_variant_iter_next (&iter, "(&s&s)", &id, &hex))
    if (!g_str_equal (id, identity))
      g_variant_builder_add (builder, "(ss)", id, hex);
}

gboolean
iot_secrets_settings_add_psk (GSettings *settings, const char *identity, const char *hex, GError **error)
{
  g_autoptr (IotSecrets) probe = iot_secrets_new ();
  g_autofree char *key = g_strstrip (g_strdup (hex));
  GVariantBuilder builder;

  /* The store's own reading decides what a key is. */
  if (!iot_secrets_add_psk (probe, identity, key, error))
    return FALSE;
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ss)"));
  copy_other_psks (settings, identity, &builder);
  g_variant_builder_add (&builder, "(ss)", identity, key);
  return g_settings_set_value (settings, "tls-psks", g_variant_builder_end (&builder));
}

gboolean
iot_secrets_settings_remove_psk (GSettings *settings, const char *identity)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ss)"));
  copy_other_psks (settings, identity, &builder);
  return g_settings_set_value (settings, "tls-psks", g_variant_builder_end (&builder));
}

/* The Zigbee key list without @hex's entry (compared as the store reads
 * keys: without separators, in either case), in a builder. */
static char *
compact_key (const char *hex)
{
  GString *out = g_string_new (NULL);

  for (const char *p = hex; *p != '\0'; p++)
    if (g_ascii_isxdigit (*p))
      g_string_append_c (out, g_ascii_tolower (*p));
  return g_string_free (out, FALSE);
}

static void
copy_other_zigbee_keys (GSettings *settings, const char *hex, GVariantBuilder *builder)
{
  g_autoptr (GVariant) keys = g_settings_get_value (settings, "zigbee-keys");
  g_autofree char *wanted = compact_key (hex);
  GVariantIter iter;
  const char *key, *order, *label;

  g_variant_iter_init (&iter, keys);
  while (g_variant_iter_next (&iter, "(&s&s&s)", &key, &order, &label))
    {
      g_autofree char *compact = compact_key (key);

      if (!g_str_equal (compact, wanted))
        g_variant_builder_add (builder, "(sss)", key, order, label);
    }
}

gboolean
iot_secrets_settings_add_zigbee_key (GSettings *settings, const char *hex, gboolean reversed, const char *label,
                                     GError **error)
{
  g_autoptr (IotSecrets) probe = iot_secrets_new ();
  g_autofree char *key = g_strstrip (g_strdup (hex));
  GVariantBuilder builder;

  if (!iot_secrets_add_zigbee_key (probe, key, reversed, label ? label : "", error))
    return FALSE;
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sss)"));
  copy_other_zigbee_keys (settings, key, &builder);
  g_variant_builder_add (&builder, "(sss)", key, reversed ? "Reverse" : "Normal", label ? label : "");
  return g_settings_set_value (settings, "zigbee-keys", g_variant_builder_end (&builder));
}

gboolean
iot_secrets_settings_remove_zigbee_key (GSettings *settings, const char *hex)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sss)"));
  copy_other_zigbee_keys (settings, hex, &builder);
  return g_settings_set_value (settings, "zigbee-keys", g_variant_builder_end (&builder));
}
