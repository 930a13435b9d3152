/* iot-application-private.h — what the application shares with the
 * scripted runs it hands its command line to (iot-app-script.c), and with
 * the GUI tests, which build windows without running the application. */
#pragma once

#include "iot-application.h"

G_BEGIN_DECLS

/* The settings, or NULL when the schema is nowhere to be found. */
GSettings *iot_application_get_settings (IotApplication *self);
/* Registers the resources and loads the dissectors, once per process. */
void       iot_application_init_resources (void);
/* The folder whose LANG/LC_MESSAGES/iotscope.mo translate the window. */
const char *iot_application_locale_dir (void);

/* Shows one of the application's dialogs for the active window, as its
 * menu items do: "preferences[:PAGE]", "colour-rules", "file-properties"
 * or "decode-as".  NULL when it cannot be shown (no settings, no main
 * window) or @name is none of these. */
GtkWindow *iot_application_show_dialog (IotApplication *self, const char *name);
/* Whether @name is one of those dialogs. */
gboolean   iot_application_is_dialog_name (const char *name);

G_END_DECLS
