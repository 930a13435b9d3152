/* iot-app-prefs.c — -o and -d on the window's command line. */
#include "iot-app-prefs.h"

#include <string.h>

#include "iot-dissect-settings.h"
#include "iot-engine.h"
#include "iot-mqtt-rules.h"
#include "iot-proto.h"
#include "iot-secrets-settings.h"
#include "iot-wpa.h"

/* What one run of -o sorts out: some go to the settings or the tables at
 * once, others once the settings' watchers run. */
typedef struct {
  GSettings *settings;
  gboolean   keep;            /* into the (in-memory) settings */
  GPtrArray *secrets;         /* for the secrets store: keys, key logs, levels */
  GPtrArray *ports;           /* set again after the settings' watcher */
  GPtrArray *payloads;        /* Protobuf search paths, MQTT topic rules */
} PrefsRun;

/* "mqtt.tcp.port:1884": a port preference (checked when applied). */
static gboolean
is_port_preference (const char *pref)
{
  const char *colon = strchr (pref, ':');
  g_autofree char *name = colon ? g_strndup (pref, colon - pref) : NULL;

  return name != NULL && (g_str_has_suffix (name, ".tcp.port") || g_str_has_suffix (name, ".udp.port"));
}

gboolean
iot_app_prefs_check (const char *pref, GError **error)
{
  static const char *const known[] = { "tls.keylog_file:", "ssl.keylog_file:", "tls.psk:", "ssl.psk:",
                                       "dtls.psk:", "uat:zigbee_pc_keys:", "zbee_nwk.seclevel:",
                                       "uat:ieee802154_keys:", "thread.thr_", "uat:protobuf_search_paths:",
                                       "uat:mqtt_message_decoding:", "wlan.enable_decryption:",
                                       "uat:80211_keys:", NULL };

  if (is_port_preference (pref))
    return TRUE;
  for (guint k = 0; known[k] != NULL; k++)
    if (g_str_has_prefix (pref, known[k]))
      return TRUE;
  g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "not a preference we have (tls.keylog_file, tls.psk, dtls.psk, "
                       "uat:zigbee_pc_keys, zbee_nwk.seclevel, uat:ieee802154_keys, thread.thr_*, "
                       "uat:protobuf_search_paths, uat:mqtt_message_decoding, wlan.enable_decryption, "
                       "uat:80211_keys, PROTO.tcp.port, PROTO.udp.port)");
  return FALSE;
}

static void
report (const char *pref, const GError *error)
{
  g_printerr ("iotscope: -o %s: %s\n", pref, error->message);
}

/* One entry of tshark's zigbee_pc_keys table, "KEY","Normal|Reverse","LABEL"
 * (the quotes optional), into the settings' key list. */
static gboolean
add_zigbee_uat_entry (GSettings *settings, const char *entry, GError **error)
{
  g_auto (GStrv) fields = g_strsplit (entry, ",", 3);

  for (guint i = 0; fields[i] != NULL; i++)
    {
      char *field = g_strstrip (fields[i]);
      gsize len = strlen (field);

      if (len >= 2 && field[0] == '"' && field[len - 1] == '"')
        {
          memmove (field, field + 1, len - 2);
          field[len - 2] = '\0';
        }
    }
  return iot_secrets_settings_add_zigbee_key (settings, fields[0] ? fields[0] : "",
                                              fields[0] && fields[1] && g_ascii_strcasecmp (fields[1], "Reverse") == 0,
                                              fields[0] && fields[1] && fields[2] ? fields[2] : "", error);
}

/* uat:protobuf_search_paths:"folder","TRUE|FALSE" for this run. */
static gboolean
add_search_path (const char *entry, GError **error)
{
  g_auto (GStrv) cols = iot_uat_split (entry, error);

  if (cols == NULL)
    return FALSE;
  if (g_strv_length (cols) != 2)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "expected 2 fields: \"folder\",\"TRUE|FALSE\" (load all files)");
      return FALSE;
    }
  return iot_proto_default_add_search_path (cols[0], g_ascii_strcasecmp (cols[1], "TRUE") == 0, error);
}

/* uat:protobuf_search_paths and uat:mqtt_message_decoding, after the
 * settings are applied: scripted runs keep them in the (in-memory)
 * settings, so that the Protocols page lists them; otherwise they are
 * added to the dissectors' tables for this run (until those preferences
 * are next changed in the window). */
static gboolean
apply_payload_preference (PrefsRun *run, const char *pref, GError **error)
{
  gboolean paths = g_str_has_prefix (pref, "uat:protobuf_search_paths:");
  const char *entry = strchr (pref + strlen ("uat:"), ':') + 1;

  if (run->keep)
    return paths ? iot_dissect_settings_add_search_path_uat (run->settings, entry, error)
                 : iot_dissect_settings_add_mqtt_rule_uat (run->settings, entry, error);
  return paths ? add_search_path (entry, error) : iot_mqtt_rules_add_uat (entry, error);
}

/* The Wi-Fi decryption preferences, for this run (the window has no page
 * for them): wlan.enable_decryption:TRUE|FALSE and uat:80211_keys:… as
 * tshark takes them. */
static gboolean
apply_wlan_preference (const char *pref, GError **error)
{
  const char *value = strchr (pref, ':') + 1;

  if (g_str_has_prefix (pref, "uat:80211_keys:"))
    return iot_wpa_add_uat_entry (pref + strlen ("uat:80211_keys:"), error);
  iot_wpa_set_enabled (g_ascii_strcasecmp (value, "TRUE") == 0);
  return TRUE;
}

/* Checked now; kept in the (scripted: in-memory) settings, so that the
 * Protocols page shows it; otherwise for this run. */
static void
apply_port_preference (PrefsRun *run, const char *pref)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GStrvBuilder) builder = NULL;
  g_auto (GStrv) old = NULL;
  g_auto (GStrv) ports = NULL;

  if (!iot_registry_set_port_preference (pref, &error))
    {
      report (pref, error);
      return;
    }
  if (!run->keep)
    {
      g_ptr_array_add (run->ports, (gpointer) pref);
      return;
    }
  builder = g_strv_builder_new ();
  old = g_settings_get_strv (run->settings, "protocol-ports");
  g_strv_builder_addv (builder, (const char **) old);
  g_strv_builder_add (builder, pref);
  ports = g_strv_builder_end (builder);
  g_settings_set_strv (run->settings, "protocol-ports", (const char *const *) ports);
}

/* What goes into the kept settings at once: the key log, PSKs, Zigbee
 * keys.  FALSE when @pref is none of them, or nothing is kept. */
static gboolean
keep_secret (PrefsRun *run, const char *pref)
{
  g_autoptr (GError) error = NULL;
  gboolean ok = TRUE;

  if (!run->keep)
    return FALSE;
  if (g_str_has_prefix (pref, "tls.keylog_file:"))
    g_settings_set_string (run->settings, "tls-keylog-file", pref + strlen ("tls.keylog_file:"));
  else if (g_str_has_prefix (pref, "tls.psk:") || g_str_has_prefix (pref, "dtls.psk:"))
    ok = iot_secrets_settings_add_psk (run->settings, "", strchr (pref, ':') + 1, &error);
  else if (g_str_has_prefix (pref, "uat:zigbee_pc_keys:"))
    ok = add_zigbee_uat_entry (run->settings, pref + strlen ("uat:zigbee_pc_keys:"), &error);
  else
    return FALSE;
  if (!ok)
    report (pref, error);
  return TRUE;
}

static void
sort_preference (PrefsRun *run, const char *pref)
{
  g_autoptr (GError) error = NULL;

  if (keep_secret (run, pref))
    return;
  if (g_str_has_prefix (pref, "uat:protobuf_search_paths:") || g_str_has_prefix (pref, "uat:mqtt_message_decoding:"))
    g_ptr_array_add (run->payloads, (gpointer) pref);
  else if (g_str_has_prefix (pref, "wlan.enable_decryption:") || g_str_has_prefix (pref, "uat:80211_keys:"))
    {
      if (!apply_wlan_preference (pref, &error))
        report (pref, error);
    }
  else if (is_port_preference (pref))
    apply_port_preference (run, pref);
  else
    g_ptr_array_add (run->secrets, (gpointer) pref);
}

/* -d: kept in the (scripted: in-memory) settings, so that the Decode As
 * dialog lists them; otherwise for this run only. */
static void
apply_decode_as (PrefsRun *run, const char *const *decode_as)
{
  for (guint i = 0; decode_as != NULL && decode_as[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      gboolean ok = run->keep ? iot_dissect_settings_add_decode_as (run->settings, decode_as[i], &error)
                              : iot_registry_decode_as (decode_as[i], &error);

      if (!ok)
        g_printerr ("iotscope: %s\n", error->message);
    }
}

static void
apply_payloads (PrefsRun *run)
{
  for (guint i = 0; i < run->payloads->len; i++)
    {
      const char *pref = g_ptr_array_index (run->payloads, i);
      g_autoptr (GError) error = NULL;

      if (!apply_payload_preference (run, pref, &error))
        report (pref, error);
    }
}

void
iot_app_prefs_apply (GSettings *settings, gboolean keep, const char *const *prefs, const char *const *decode_as)
{
  g_autoptr (GPtrArray) secrets = g_ptr_array_new ();
  g_autoptr (GPtrArray) ports = g_ptr_array_new ();
  g_autoptr (GPtrArray) payloads = g_ptr_array_new ();
  PrefsRun run = { settings, keep && settings != NULL, secrets, ports, payloads };

  for (guint i = 0; prefs != NULL && prefs[i] != NULL; i++)
    sort_preference (&run, prefs[i]);
  g_ptr_array_add (secrets, NULL);
  iot_secrets_settings_watch (settings, (const char *const *) secrets->pdata);
  iot_dissect_settings_watch (settings);
  /* The watcher set the ports the user saved: this run's go over them. */
  for (guint i = 0; i < ports->len; i++)
    iot_registry_set_port_preference (g_ptr_array_index (ports, i), NULL);
  apply_payloads (&run);
  apply_decode_as (&run, decode_as);
  if (settings == NULL)
    {
      g_autoptr (GError) error = NULL;

      if (!iot_secrets_settings_apply (NULL, (const char *const *) secrets->pdata, &error))
        g_printerr ("iotscope: -o: %s\n", error->message);
    }
}
