/* iot-cli-linktypes.h — -L: the link types of capture interfaces. */
#pragma once

#include <glib.h>

/* Prints, for each of @interfaces, the link types it offers (in monitor
 * mode when @monitor) as tshark -L does.  FALSE with @error when an
 * interface cannot be asked. */
gboolean iot_cli_print_link_types (const char *const *interfaces, gboolean monitor, GString *out,
                                   GError **error);
