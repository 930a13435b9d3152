/* iot-exercise-add-dialog.h — "Add to Exercise…": a question made from
 * the window's current filter, selected frame or selected field, appended
 * to an exercise source file. */
#pragma once

#include <gtk/gtk.h>

#include "iot-window.h"

G_BEGIN_DECLS

#define IOT_TYPE_EXERCISE_ADD_DIALOG (iot_exercise_add_dialog_get_type ())
G_DECLARE_FINAL_TYPE (IotExerciseAddDialog, iot_exercise_add_dialog, IOT, EXERCISE_ADD_DIALOG, GtkWindow)

/* A dialog for @window's capture, its reference taken from what the
 * window shows now. */
IotExerciseAddDialog *iot_exercise_add_dialog_new (IotWindow *window);
/* Adds the question as the dialog is filled in; the status line says what
 * happened.  FALSE (and the reason in the status line) when it could not. */
gboolean              iot_exercise_add_dialog_add (IotExerciseAddDialog *self);

G_END_DECLS
