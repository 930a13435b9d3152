/* iot-application-private.h — what the application shares with the
 * scripted runs it hands its command line to (iot-app-script.c). */
#pragma once

#include "iot-application.h"

G_BEGIN_DECLS

/* Shows one of the application's dialogs for the active window, as its
 * menu items do: "preferences[:PAGE]", "colour-rules", "file-properties"
 * or "decode-as".  NULL when it cannot be shown (no settings, no main
 * window) or @name is none of these. */
GtkWindow *iot_application_show_dialog (IotApplication *self, const char *name);
/* Whether @name is one of those dialogs. */
gboolean   iot_application_is_dialog_name (const char *name);

G_END_DECLS
