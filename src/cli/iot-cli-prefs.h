/* iot-cli-prefs.h — tshark's -o NAME:VALUE for the preferences we have. */
#pragma once

#include <glib.h>

/* A GOptionArgFunc for -o: sets the preference or reports why not. */
gboolean iot_cli_on_preference (const char *option_name, const char *value,
                                gpointer data, GError **error);
