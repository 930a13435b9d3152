/* iot-frame-notes.h — what a user says about frames of an open capture:
 * marked, ignored, commented.  Comments start as the file's own (pcapng
 * opt_comment); edits replace a frame's comments until the file is saved.
 * Kept with the frame store so that every thread dissecting a frame
 * (filters, columns, the tree) sees the same notes.  GLib only; any
 * thread.
 */
#pragma once

#include "iot-file.h"

G_BEGIN_DECLS

gboolean  iot_file_frame_marked (IotFile *file, guint32 number);
void      iot_file_set_frame_marked (IotFile *file, guint32 number, gboolean marked);
gboolean  iot_file_frame_ignored (IotFile *file, guint32 number);
void      iot_file_set_frame_ignored (IotFile *file, guint32 number, gboolean ignored);
guint32   iot_file_n_marked (IotFile *file);
guint32   iot_file_n_ignored (IotFile *file);
/* Marked frame numbers, ascending. */
GArray   *iot_file_dup_marked (IotFile *file);
/* Unmarks / un-ignores every frame. */
void      iot_file_clear_marks (IotFile *file);
void      iot_file_clear_ignored (IotFile *file);

/* Frame @number's comments (free with g_strfreev()); NULL when it has none. */
char    **iot_file_dup_frame_comments (IotFile *file, guint32 number);
/* Replaces frame @number's comments; NULL or empty removes them. */
void      iot_file_set_frame_comments (IotFile *file, guint32 number, const char *const *comments);
/* Whether some frame has a comment (the file's own or an edit). */
gboolean  iot_file_has_comments (IotFile *file);
/* Whether comments were added, changed or removed since the file was opened. */
gboolean  iot_file_comments_edited (IotFile *file);

/* Gives @to, the same capture opened again (a reload), the marks, ignores
 * and comment edits of @from, by frame number.  A frame keeps its notes
 * only when @to has a frame of that number with the same time and
 * lengths: the notes of frames a rewrite of the file changed are dropped.
 * Returns the number of frames whose notes were kept. */
guint     iot_file_copy_notes (IotFile *from, IotFile *to);

G_END_DECLS
