/* iot-filter-pass.h — a display filter over a range of frames, in chunks
 * on every core, the matches handed over in frame order as they come.
 *
 * The range is cut into chunks of a few thousand frames.  Workers (the
 * thread that calls iot_filter_pass_run and helpers it starts) take the
 * next chunk, scan it (iot-scan.h) with two listeners — one records the
 * frame's columns in the capture's extract, one keeps the frames the
 * filter matches with their expert counts — and mark it done.  Any thread
 * may take the matches of the chunks done so far in frame order
 * (iot_filter_pass_take): the window appends them to its list as they
 * come, a few thousand rows per main-loop update, instead of one long
 * hand-over at the end.
 *
 * A filter that reads frame.time_delta_displayed chains each frame to the
 * previous match: such a pass runs on one worker, in order.
 */
#pragma once

#include "iot-capture.h"

G_BEGIN_DECLS

typedef struct _IotFilterPass IotFilterPass;

/* Called from a worker when the first chunk is done. */
typedef void (*IotFilterPassReady) (gpointer user_data);

/* Frames @first..@last of @capture against the filter @text (NULL: every
 * frame matches, only columns and counts are made).  NULL with @error
 * when @text does not compile. */
IotFilterPass *iot_filter_pass_new (IotCapture *capture, const char *text, guint32 first, guint32 last,
                                    GError **error);
void           iot_filter_pass_free (IotFilterPass *pass);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotFilterPass, iot_filter_pass_free)

/* Runs the pass on the calling thread and up to @n_threads - 1 helpers;
 * FALSE (G_IO_ERROR_CANCELLED) when cancelled.  @ready may be NULL. */
gboolean       iot_filter_pass_run (IotFilterPass *pass, guint n_threads, GCancellable *cancellable,
                                    IotFilterPassReady ready, gpointer user_data, GError **error);

/* Appends to @matches (may be NULL with no filter) the matches of the
 * chunks done since the last call, in frame order, and adds their expert
 * counts; TRUE when it took any chunk.  Any thread, one at a time. */
gboolean       iot_filter_pass_take (IotFilterPass *pass, GArray *matches, guint *n_errors, guint *n_warnings);
/* Also counts the frames checked in *@done (atomic; not owned), for a
 * caller that shows progress its own way.  Before iot_filter_pass_run. */
void           iot_filter_pass_set_progress (IotFilterPass *pass, gint *done);
/* Frames checked so far (any thread). */
guint32        iot_filter_pass_done (IotFilterPass *pass);
/* The last frame of the chunks taken so far (0: none). */
guint32        iot_filter_pass_taken_upto (IotFilterPass *pass);

/* Workers a pass uses on this machine: every core, at most four. */
guint          iot_filter_pass_default_threads (void);

G_END_DECLS
