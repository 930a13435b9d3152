/* iot-exercise-editor.h — the teacher's pack editor: a source file's
 * questions to reorder, edit and remove, saved only while the source still
 * builds, and previewed in the window as a student sees them. */
#pragma once

#include <gtk/gtk.h>

#include "iot-window.h"

G_BEGIN_DECLS

#define IOT_TYPE_EXERCISE_EDITOR (iot_exercise_editor_get_type ())
G_DECLARE_FINAL_TYPE (IotExerciseEditor, iot_exercise_editor, IOT, EXERCISE_EDITOR, GtkWindow)

IotExerciseEditor *iot_exercise_editor_new (IotWindow *window, const char *source_path, GError **error);
/* Adds win.edit-exercise (Edit Exercise…) to @window. */
void               iot_exercise_editor_install_action (IotWindow *window);

/* Save / Preview, as the buttons do; FALSE with the reason in the status. */
gboolean           iot_exercise_editor_save (IotExerciseEditor *self);
gboolean           iot_exercise_editor_preview (IotExerciseEditor *self);

G_END_DECLS
