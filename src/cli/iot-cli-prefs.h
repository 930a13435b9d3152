/* iot-cli-prefs.h — tshark's -o NAME:VALUE for the preferences we have, and
 * the protocols --enable-protocol / --disable-protocol switch. */
#pragma once

#include <glib.h>

/* A GOptionArgFunc for -o: sets the preference or reports why not. */
gboolean iot_cli_on_preference (const char *option_name, const char *value,
                                gpointer data, GError **error);

/* --enable-protocol and --disable-protocol (NULL-terminated lists, or
 * NULL); FALSE with @error for an unknown protocol. */
gboolean iot_cli_apply_protocol_switches (char **enable, char **disable, GError **error);
