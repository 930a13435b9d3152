/* iot-capture-private.h — what the frame store's parts (file, notes) share
 * inside src/capture only. */
#pragma once

#include "iot-file.h"

G_BEGIN_DECLS

/* The notes a user keeps on frames (iot-frame-notes.c), one set per file. */
typedef struct _IotFrameNotes IotFrameNotes;
IotFrameNotes *iot_frame_notes_new (void);
void           iot_frame_notes_free (IotFrameNotes *notes);
IotFrameNotes *iot_file_notes (IotFile *file);
/* The comments the file itself holds for frame @number (NULL when none). */
char         **iot_file_read_frame_comments (IotFile *file, guint32 number);

G_END_DECLS
