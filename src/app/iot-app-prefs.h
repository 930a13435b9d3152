/* iot-app-prefs.h — the window's -o NAME:VALUE and -d TABLE==VALUE,PROTOCOL,
 * taken as tshark takes them: TLS and DTLS secrets, Zigbee and 802.15.4
 * keys, protocol ports, Protobuf search paths, MQTT topic rules, Wi-Fi
 * decryption, Decode As. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* FALSE, with a message listing the ones we have, when @pref is not a
 * preference we take. */
gboolean iot_app_prefs_check (const char *pref, GError **error);

/* Applies @prefs and @decode_as (either may be NULL) and starts the
 * dissectors and the secrets store following @settings (may be NULL).
 * With @keep (a scripted run, whose @settings are in memory), they go
 * into @settings, so the Preferences and Decode As windows show them;
 * otherwise they hold for this run, over what the user saved.  Bad
 * values are reported on standard error. */
void     iot_app_prefs_apply (GSettings *settings, gboolean keep, const char *const *prefs,
                              const char *const *decode_as);

G_END_DECLS
