/* iot-file-guard.h — capture files that shrink while they are mapped
 * (private to the frame store, iot-file.c).
 *
 * Reading a page of a mapping that lies past the end of the file raises
 * SIGBUS: that is what happens when another program (a `tcpdump -w` that
 * reuses the name) truncates a capture we are reading.  A guard watches
 * the mappings of one file: a process-wide SIGBUS handler recognises a
 * fault inside a watched mapping, notes how far the file still reaches,
 * and puts zero-filled pages where the lost ones were, so the read that
 * faulted completes (with zeros) on whichever thread made it.  The frame
 * store then reports the frames past that point as lost.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _IotFileGuard IotFileGuard;

/* Watches the file open on @fd (the guard does not own it). */
IotFileGuard *iot_file_guard_new (int fd);
/* Call after every mapping of the guard has been unwatched. */
void          iot_file_guard_free (IotFileGuard *guard);
/* @base .. @base + @length maps the file from offset 0.  FALSE when no
 * more mappings can be watched (the mapping is then read unguarded). */
gboolean      iot_file_guard_watch (IotFileGuard *guard, const void *base, gsize length);
void          iot_file_guard_unwatch (const void *base);

/* The first file offset known to be gone (G_MAXUINT64 while none is). */
guint64       iot_file_guard_gone_from (IotFileGuard *guard);
/* Asks the file for its size now; when it is below @needed (the bytes the
 * index refers to), the bytes from there on are gone.  Returns the size
 * (G_MAXUINT64 if it cannot be known). */
guint64       iot_file_guard_check (IotFileGuard *guard, guint64 needed);
/* Bytes per page of a mapping. */
gsize         iot_file_guard_page_size (void);

G_END_DECLS
