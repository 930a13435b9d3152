/* iot-app-script.h — what the command line asks the first window to do
 * once its capture is loaded, for tests, screenshots and measurements:
 * --filter, --sort, --select, --time-ref, --follow, --window, --capture,
 * --capture-dialog, --exercise, then --screenshot or --measure (and
 * quit).  The application parses the options; this object drives the
 * window with them. */
#pragma once

#include <gtk/gtk.h>

#include "iot-window.h"

G_BEGIN_DECLS

#define IOT_TYPE_APP_SCRIPT (iot_app_script_get_type ())
G_DECLARE_FINAL_TYPE (IotAppScript, iot_app_script, IOT, APP_SCRIPT, GObject)

/* The options this object reads, for g_application_add_main_option_entries(). */
const GOptionEntry *iot_app_script_option_entries (void);

/* Reads them from the parsed @options; NULL with @error when one is
 * invalid (the message names the option).  @app is quit when the script
 * is done. */
IotAppScript *iot_app_script_new (GApplication *app, GVariantDict *options, GError **error);
/* Whether the run is scripted: such a run keeps nothing of, and changes
 * nothing in, what the user saved, and is never handed to a running
 * instance.  (--exercise alone is not.) */
gboolean      iot_app_script_is_active (IotAppScript *self);

/* A new main window: the first one of a scripted run is the one driven. */
void          iot_app_script_add_window (IotAppScript *self, IotWindow *window);
/* @window is about to open a capture (measuring starts). */
void          iot_app_script_opening (IotAppScript *self, IotWindow *window);
/* The application was activated with no file: --exercise, --capture,
 * --capture-dialog, or a screenshot of the empty window. */
void          iot_app_script_activate (IotAppScript *self, IotWindow *window);

/* Renders @widget (a realized, mapped window) into a PNG file: what
 * --screenshot saves, and what the GUI tests save to look at. */
gboolean      iot_app_script_save_screenshot (GtkWidget *widget, const char *path, GError **error);

G_END_DECLS
