/* iot-secrets-settings.h — the decryption preferences (GSettings keys
 * tls-keylog-file, tls-psks and zigbee-keys) applied to the process-wide secrets store. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Empties the secrets store and fills it from @settings (may be NULL)
 * and from @prefs, tshark-style "NAME:VALUE" preferences of the command
 * line (may be NULL).  Everything readable is loaded; the first problem
 * is returned through @error.  A capture's own secrets come back when it
 * is read again. */
gboolean iot_secrets_settings_apply (GSettings *settings, const char *const *prefs, GError **error);

/* Applies @settings now and again whenever their decryption keys change,
 * before any handler connected later runs (windows that re-dissect).
 * Once per settings object: later calls change nothing.  @prefs as above
 * (copied). */
void     iot_secrets_settings_watch (GSettings *settings, const char *const *prefs);

/* Adds or replaces the PSK of @identity in @settings; FALSE with @error
 * when @hex is not a key. */
gboolean iot_secrets_settings_add_psk (GSettings *settings, const char *identity, const char *hex, GError **error);
gboolean iot_secrets_settings_remove_psk (GSettings *settings, const char *identity);

/* Adds or replaces a Zigbee network or link key (zigbee-keys, as tshark's
 * uat:zigbee_pc_keys: 16 bytes in hex, @reversed for "Reverse" byte
 * order, a label); FALSE with @error when @hex is not a key. */
gboolean iot_secrets_settings_add_zigbee_key (GSettings *settings, const char *hex, gboolean reversed,
                                              const char *label, GError **error);
gboolean iot_secrets_settings_remove_zigbee_key (GSettings *settings, const char *hex);

G_END_DECLS
