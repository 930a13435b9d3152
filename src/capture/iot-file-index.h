/* iot-file-index.h — the frame index of a capture file, kept compact
 * (about 6.3 bytes a frame instead of a 32-byte IotFrame).  Inside
 * src/capture only; iot_file_frame() hands out the entries.  GLib only.
 */
#pragma once

#include "iot-file.h"

G_BEGIN_DECLS

typedef struct _IotFrameIndex IotFrameIndex;

IotFrameIndex *iot_frame_index_new (void);
void           iot_frame_index_free (IotFrameIndex *index);

/* Appends @frame as entry iot_frame_index_len().  One writer at a time.
 * Entries already appended never move: other threads may read them
 * (once the writer has published how many there are) while it appends. */
void           iot_frame_index_append (IotFrameIndex *index, const IotFrame *frame);
guint32        iot_frame_index_len (const IotFrameIndex *index);
/* Forgets the entries from @len on. */
void           iot_frame_index_truncate (IotFrameIndex *index, guint32 len);

/* Entry @i (0-based), as it was appended. */
void           iot_frame_index_get (const IotFrameIndex *index, guint32 i, IotFrame *out);
/* Only its file offset (the hot path of reading a frame's bytes). */
guint64        iot_frame_index_offset (const IotFrameIndex *index, guint32 i);
/* Its offset plus its captured length: where its bytes end. */
guint64        iot_frame_index_end (const IotFrameIndex *index, guint32 i);

G_END_DECLS
