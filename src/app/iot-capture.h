/* iot-capture.h — a capture file and its engine, shared by reference
 * between the main thread and the workers (loading, filtering), so neither
 * can outlive the other while a worker still reads them.
 */
#pragma once

#include <glib.h>

#include "iot-engine.h"

G_BEGIN_DECLS

typedef struct _IotCapture IotCapture;

IotCapture *iot_capture_new (IotFile *file);
IotCapture *iot_capture_ref (IotCapture *self);
void        iot_capture_unref (IotCapture *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotCapture, iot_capture_unref)

IotFile    *iot_capture_file (IotCapture *self);
IotEngine  *iot_capture_engine (IotCapture *self);
/* Frames the first pass has covered: the ones that can be shown. */
guint32     iot_capture_n_passed (IotCapture *self);
guint32     iot_capture_n_frames (IotCapture *self);

/* The first pass, in short steps that give way to the main thread's
 * dissections: the engine's writer lock is re-taken at once after each of
 * its steps, so a reader could otherwise wait through many of them. */
gboolean    iot_capture_first_pass_upto (IotCapture *self, guint32 upto, GCancellable *cancellable);
/* iot_engine_dissect() for the main thread: announces itself so that the
 * first pass pauses between steps. */
void        iot_capture_dissect (IotCapture *self, IotPacket *pkt, guint32 number,
                                 const IotDissectOptions *options);
/* Holds the first pass between steps until the main loop is idle again:
 * a view about to dissect a screenful of rows calls it once. */
void        iot_capture_pause_until_idle (IotCapture *self);

G_END_DECLS
