/* iot-capture.h — a capture file and its engine, shared by reference
 * between the main thread and the workers (loading, filtering, sorting,
 * following), so neither can outlive the other while a worker still reads
 * them.  It also keeps a compact extract of every frame's summary columns,
 * filled by the workers, from which sort keys are taken.
 */
#pragma once

#include <glib.h>

#include "iot-engine.h"
#include "iot-scan.h"

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

/* Called first by every worker (loading, filtering, sorting, following):
 * workers run below the main thread's CPU priority, so that on a machine
 * with few cores the first pass does not take the time the main loop and
 * the display server need to draw. */
void        iot_worker_lower_priority (void);

/* ---- the extract -------------------------------------------------------------
 * Per frame: the Protocol, Source and Destination texts as ids into a
 * table of distinct strings (a capture has few of each), and the worst
 * expert severity.  Workers fill it as they dissect frames with columns
 * anyway; a sort fills what is missing.  Thread-safe. */

/* Records the columns of frame @number, dissected (with columns) in @pkt. */
void        iot_capture_extract_record (IotCapture *self, guint32 number, IotPacket *pkt);
/* A scan listener, its data the IotCapture, that records the extract of
 * every frame it hears (asking for the columns: a scan that dissects the
 * frames anyway, as the display filter's does, spares a sort a pass). */
extern const IotScanListener iot_capture_extract_listener;
/* Fills the extract for the frames in @numbers that lack it, dissecting
 * them; FALSE if cancelled.  @done (atomic, may be NULL) counts frames. */
gboolean    iot_capture_extract_fill (IotCapture *self, const guint32 *numbers, guint n,
                                      GCancellable *cancellable, gint *done);

/* Frames from..to whose worst expert item is an error / a warning; FALSE
 * when some of them have no extract yet. */
gboolean    iot_capture_extract_count (IotCapture *self, guint32 from, guint32 to,
                                       guint *n_errors, guint *n_warnings);

typedef enum {
  IOT_EXTRACT_PROTOCOL,
  IOT_EXTRACT_SOURCE,
  IOT_EXTRACT_DESTINATION,
} IotExtractColumn;

/* A rank for frame @number's text in @column: frames sort by it as their
 * texts sort (numbers inside texts compare as numbers, so 10.0.0.9 comes
 * before 10.0.0.10).  Valid after iot_capture_extract_fill() until the
 * next fill adds strings.  Call iot_capture_extract_rank_begin() first,
 * _end() after (they hold the extract's lock). */
void        iot_capture_extract_rank_begin (IotCapture *self);
guint32     iot_capture_extract_rank (IotCapture *self, guint32 number, IotExtractColumn column);
void        iot_capture_extract_rank_end (IotCapture *self);

G_END_DECLS
