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

G_END_DECLS
