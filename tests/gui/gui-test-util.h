/* gui-test-util.h — helpers the GUI test programs share: running the CLI
 * for the numbers to compare with, driving the main loop until a window
 * has done its work, and opening a capture in a main window.  Run under
 * Xvfb (run-xvfb.sh), with the environment tests/gui/meson.build sets. */
#pragma once

#include <gtk/gtk.h>

#include "iot-window.h"

G_BEGIN_DECLS

/* How long gui_test_wait_for() waits before the test fails. */
/* Runs the main loop until @instance emits @signal (a signal without
 * arguments, e.g. "ready"); the handler is gone again on return, so a
 * later emission cannot write into a finished stack frame. */
void     gui_test_wait_signal (gpointer instance, const char *signal);
#define GUI_TEST_TIMEOUT_US (60 * G_USEC_PER_SEC)

void       gui_test_init (int *argc, char ***argv);

/* tests/captures/@name in the source tree (free it). */
char      *gui_test_capture_file (const char *name);

/* Standard output of `iotscope-cli -r CAPTURE ARGS…`; the CLI must succeed. */
char      *gui_test_cli_run (const char *capture, ...) G_GNUC_NULL_TERMINATED;
guint      gui_test_count_lines (const char *text);
/* Lines that `iotscope-cli -r PATH [-Y FILTER]` prints (@filter may be
 * NULL), even when the CLI ends with an error (a damaged capture). */
guint      gui_test_cli_count_file (const char *path, const char *filter);

/* Signal handlers that record what a signal carried. */
void       gui_test_flag_cb (gpointer instance, gpointer data);
void       gui_test_frame_cb (gpointer instance, guint frame, guint *out);
void       gui_test_filter_cb (gpointer instance, const char *filter, char **out);

void       gui_test_wait_for (gboolean *flag);
void       gui_test_settle (void);

/* A presented main window that has finished loading @path. */
IotWindow *gui_test_open_window (const char *path, GSettings *settings);
IotWindow *gui_test_open_capture (const char *name);
/* Applies @filter as the main window's display filter and waits for it. */
void       gui_test_apply_filter (IotWindow *window, const char *filter);
/* The widget named @name in the template of @widget's class @type (its
 * id in the .ui file); the test fails when there is none. */
GtkWidget *gui_test_template_child (gpointer widget, GType type, const char *name);
/* The widget of the main window's template named @name (its id in
 * ui/iot-window.ui: "status_counts", "hex_view" …); the test fails when
 * there is none. */
GtkWidget *gui_test_window_child (IotWindow *window, const char *name);

G_END_DECLS

G_BEGIN_DECLS
/* The first widget below @root (depth first, @root included) with the
 * widget name @name (NULL: any) and of @type (G_TYPE_NONE: any); NULL
 * when there is none. */
GtkWidget *gui_test_find_widget (GtkWidget *root, const char *name, GType type);
G_END_DECLS
