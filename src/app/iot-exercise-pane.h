/* iot-exercise-pane.h — the Exercise pane beside the packet list: a pack's
 * questions, answer entries, Check, hints, progress and score, with the
 * answers autosaved to the user's data folder. */
#pragma once

#include <gtk/gtk.h>

#include "iot-window.h"

G_BEGIN_DECLS

#define IOT_TYPE_EXERCISE_PANE (iot_exercise_pane_get_type ())
G_DECLARE_FINAL_TYPE (IotExercisePane, iot_exercise_pane, IOT, EXERCISE_PANE, GtkBox)

/* Adds win.open-exercise (Open Exercise…), win.add-to-exercise (Add to
 * Exercise…) and win.edit-exercise (Edit Exercise…) to @window. */
void             iot_exercise_pane_install_action (IotWindow *window);
/* Loads the pack at @path into @window's Exercise pane (made beside the
 * packet list the first time) and opens the student's capture. */
IotExercisePane *iot_window_open_exercise (IotWindow *window, const char *path, GError **error);


G_END_DECLS
