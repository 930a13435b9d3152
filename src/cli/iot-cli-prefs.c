/* iot-cli-prefs.c — tshark's -o NAME:VALUE.
 *
 * The preferences we have are decryption secrets (tls.keylog_file,
 * tls.psk, dtls.psk); they go to the core's secrets store before any
 * capture is read.  A name tshark knows and we do not is an error, so a
 * script never believes a setting took effect when it did not.
 */
#include "iot-cli-prefs.h"
#include "iot-secrets.h"

gboolean
iot_cli_on_preference (const char *option_name, const char *value,
                       gpointer data, GError **error)
{
  g_autoptr (GError) local = NULL;

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
