/* iot-application.h — the GtkApplication: command line, windows, style. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define IOT_TYPE_APPLICATION (iot_application_get_type ())
G_DECLARE_FINAL_TYPE (IotApplication, iot_application, IOT, APPLICATION, GtkApplication)

IotApplication *iot_application_new (void);
/* Binds the window's text domain: the installed catalogues, or, when the
 * program runs from the build tree (tests, a build tried without
 * installing it), the ones built there.  The locale must be set first. */
void            iot_application_init_i18n (void);

G_END_DECLS
