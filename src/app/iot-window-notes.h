/* iot-window-notes.h — the main window's Edit actions on packets: Find
 * Packet, marks, ignores and comments ("notes.*" actions and their
 * shortcuts, as Wireshark binds them). */
#pragma once

#include "iot-window.h"

G_BEGIN_DECLS

/* Adds the "notes" action group and the shortcuts to @window:
 *   notes.find (Ctrl+F), notes.find-next (Ctrl+N), notes.find-previous (Ctrl+B),
 *   notes.mark (Ctrl+M), notes.mark-displayed (Shift+Ctrl+M),
 *   notes.unmark-displayed (Ctrl+Alt+M), notes.mark-next (Shift+Ctrl+N),
 *   notes.mark-previous (Shift+Ctrl+B), notes.ignore (Ctrl+D),
 *   notes.ignore-displayed (Shift+Ctrl+D), notes.unignore-all (Ctrl+Alt+D),
 *   notes.comment (Ctrl+Alt+C: edits the selected frame's first comment),
 *   notes.comment-add, notes.comment-delete. */
void      iot_window_notes_setup (IotWindow *window, IotFindBar *find_bar);
/* How many of the frames @numbers have comments (the file's own or edits). */
guint     iot_window_notes_count_commented (IotWindow *window, const guint32 *numbers, guint n);

G_END_DECLS
