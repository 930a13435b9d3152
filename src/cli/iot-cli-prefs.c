/* iot-cli-prefs.c — tshark's -o NAME:VALUE.
 *
 * The preferences we have are decryption secrets: tls.keylog_file,
 * tls.psk and dtls.psk go to the core's secrets store, the Wi-Fi ones
 * (wlan.enable_decryption, uat:80211_keys) to the WPA key list; and the
 * payload tables: uat:protobuf_search_paths to the .proto pool,
 * uat:mqtt_message_decoding to the MQTT topic rules; all before any
 * capture is read.  A name tshark knows and we do not is an error, so a
 * script never believes a setting took effect when it did not.
 */
#include <string.h>

#include "iot-cli-prefs.h"
#include "iot-mqtt-rules.h"
#include "iot-proto.h"
#include "iot-engine.h"
#include "iot-secrets.h"
#include "iot-wpa.h"

/* The Wi-Fi preferences: TRUE when @value was one of them (then @error
 * says whether it was well formed). */
static gboolean
wlan_preference (const char *value, gboolean *ok, GError **error)
{
  const char *colon = strchr (value, ':');
  g_autofree char *name = colon ? g_strndup (value, colon - value) : g_strdup (value);
  const char *setting = colon ? colon + 1 : "";

  if (g_strcmp0 (name, "wlan.enable_decryption") == 0)
    {
      iot_wpa_set_enabled (g_ascii_strcasecmp (setting, "TRUE") == 0);
      *ok = TRUE;
      return TRUE;
    }
  if (g_strcmp0 (name, "uat") == 0 && g_str_has_prefix (setting, "80211_keys:"))
    {
      *ok = iot_wpa_add_uat_entry (setting + strlen ("80211_keys:"), error);
      return TRUE;
    }
  return FALSE;
}

/* The protobuf and MQTT payload tables: TRUE when @value was one of them.
 *   uat:protobuf_search_paths:"DIR","TRUE"   (TRUE: load every .proto under DIR now)
 *   uat:mqtt_message_decoding:"Starts with","lab/","none","protobuf"[,"pkg.Message"]
 * (the fifth column, the protobuf message type, is ours: tshark 4.0 has none). */
static gboolean
payload_preference (const char *value, gboolean *ok, GError **error)
{
  if (g_str_has_prefix (value, "uat:protobuf_search_paths:"))
    {
      g_auto (GStrv) cols = iot_uat_split (value + strlen ("uat:protobuf_search_paths:"), error);

      if (cols == NULL)
        *ok = FALSE;
      else if (g_strv_length (cols) != 2)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "expected 2 fields: \"folder\",\"TRUE|FALSE\" (load all files)");
          *ok = FALSE;
        }
      else
        *ok = iot_proto_default_add_search_path (cols[0], g_ascii_strcasecmp (cols[1], "TRUE") == 0, error);
      return TRUE;
    }
  if (g_str_has_prefix (value, "uat:mqtt_message_decoding:"))
    {
      *ok = iot_mqtt_rules_add_uat (value + strlen ("uat:mqtt_message_decoding:"), error);
      return TRUE;
    }
  return FALSE;
}

/* tshark's port preferences, "mqtt.tcp.port:1884,8000-8002": as in tshark
 * 4.0's -o, the ports are added to the protocol's and the ports it
 * registered keep it (the window's Preferences replace the list instead).
 * TRUE when @value was one. */
static gboolean
port_preference (const char *value, gboolean *ok, GError **error)
{
  const char *colon = strchr (value, ':');
  g_autofree char *name = colon ? g_strndup (value, colon - value) : NULL;
  g_auto (GStrv) parts = name ? g_strsplit (name, ".", -1) : NULL;
  g_auto (GStrv) ranges = NULL;

  if (parts == NULL || g_strv_length (parts) != 3 || strcmp (parts[2], "port") != 0
      || (strcmp (parts[1], "tcp") != 0 && strcmp (parts[1], "udp") != 0))
    return FALSE;
  iot_registry_init ();
  if (iot_registry_dissector (parts[0]) == NULL)
    return FALSE;
  *ok = TRUE;
  ranges = g_strsplit (colon + 1, ",", -1);
  for (guint i = 0; *ok && ranges[i] != NULL; i++)
    {
      const char *range = g_strstrip (ranges[i]);
      const char *dash = strchr (range, '-');
      g_autofree char *spec = NULL;

      if (range[0] == '\0' || strcmp (range, "0") == 0)
        continue;
      spec = dash ? g_strdup_printf ("%s.port==%.*s-%s,%s", parts[1], (int) (dash - range), range, dash + 1, parts[0])
                  : g_strdup_printf ("%s.port==%s,%s", parts[1], range, parts[0]);
      *ok = iot_registry_decode_as (spec, error);
    }
  return TRUE;
}

gboolean
iot_cli_on_preference (const char *option_name, const char *value,
                       gpointer data, GError **error)
{
  g_autoptr (GError) local = NULL;
  gboolean ok = FALSE;

  if (wlan_preference (value, &ok, &local) || payload_preference (value, &ok, &local)
      || port_preference (value, &ok, &local))
    {
      if (!ok)
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "-o %s: %s", value, local->message);
      return ok;
    }
  if (iot_secrets_set_preference (iot_secrets_default (), value, &local))
    return TRUE;
  /* tshark skips key log lines it cannot read; we name them and go on. */
  if (g_error_matches (local, IOT_SECRETS_ERROR, IOT_SECRETS_ERROR_KEYLOG_LINE))
    {
      g_printerr ("iotscope-cli: warning: %s\n", local->message);
      return TRUE;
    }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "-o %s: %s", value, local->message);
  return FALSE;
}

/* --enable-protocol, then --disable-protocol: as in tshark, a protocol
 * named by both stays disabled. */
gboolean
iot_cli_apply_protocol_switches (char **enable, char **disable, GError **error)
{
  for (guint i = 0; enable && enable[i]; i++)
    if (!iot_registry_set_enabled (enable[i], TRUE, error))
      return FALSE;
  for (guint i = 0; disable && disable[i]; i++)
    {
      if (g_ascii_strcasecmp (disable[i], "ALL") == 0)
        {
          for (guint d = 0; d < iot_registry_n_dissectors (); d++)
            iot_registry_set_enabled (iot_registry_dissector_by_id (d)->abbrev, FALSE, NULL);
          continue;
        }
      if (!iot_registry_set_enabled (disable[i], FALSE, error))
        return FALSE;
    }
  /* After ALL, the ones named to enable are decoded. */
  for (guint i = 0; disable && g_strv_contains ((const char *const *) disable, "ALL")
                    && enable && enable[i]; i++)
    if (!iot_registry_set_enabled (enable[i], TRUE, error))
      return FALSE;
  return TRUE;
}
