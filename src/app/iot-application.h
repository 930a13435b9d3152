/* iot-application.h — the GtkApplication: command line, windows, style. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define IOT_TYPE_APPLICATION (iot_application_get_type ())
G_DECLARE_FINAL_TYPE (IotApplication, iot_application, IOT, APPLICATION, GtkApplication)

IotApplication *iot_application_new (void);
/* The settings, or NULL when the schema is nowhere to be found. */
GSettings      *iot_application_get_settings (IotApplication *self);

/* Registers the resources, loads the dissectors and the style sheet; for
 * tests that build windows without an application run. */
void            iot_application_init_resources (void);
/* Binds the window's text domain: the installed catalogues, or, when the
 * program runs from the build tree (tests, a build tried without
 * installing it), the ones built there.  The locale must be set first. */
void            iot_application_init_i18n (void);
/* The folder whose LANG/LC_MESSAGES/iotscope.mo translate the window. */
const char     *iot_application_locale_dir (void);
/* Renders @widget (a realized, mapped window) into a PNG file. */
gboolean        iot_application_save_screenshot (GtkWidget *widget, const char *path, GError **error);

G_END_DECLS
