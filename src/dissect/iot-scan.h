/* iot-scan.h — one walk over frames, many listeners.
 *
 * Every analysis reads frames the same way: dissect each frame of a range
 * with the fields it needs, look at the result, and sum up at the end.
 * A scan does the walk once for any number of listeners: it dissects each
 * frame with the union of what they asked for (fields and IotDissectFlags),
 * hands the packet to each listener whose own filter (if any) it passes,
 * and calls their finish functions after the last frame.  Asking for
 * several analyses at once (a report with statistics, insight and
 * readings; the CLI's -z a -z b) costs one dissection per frame.
 *
 * A scan runs on the thread that calls iot_scan_run (the window calls it
 * from a worker), checks @cancellable every 4096 frames and reports
 * progress as it goes.  A caller that owns its own walk (the CLI's
 * printing pass) can instead ask iot_scan_add_wanted what to dissect and
 * hand each frame to iot_scan_feed.  GLib only; any thread.
 */
#pragma once

#include <gio/gio.h>

#include "iot-engine.h"
#include "iot-filter.h"

G_BEGIN_DECLS

typedef struct {
  /* Adds the fields the listener reads to @wanted, and to @flags what else
   * it needs dissected (columns, readings, the whole tree); may be NULL. */
  void (*add_wanted) (gpointer self, IotFieldSet *wanted, IotDissectFlags *flags);
  /* One dissected frame, in frame order. */
  void (*frame) (gpointer self, IotPacket *pkt);
  /* After the last frame of a complete scan; may be NULL. */
  void (*finish) (gpointer self);
} IotScanListener;

typedef struct _IotScan IotScan;

/* Progress: @done of @total frames (from the scan's thread). */
typedef void (*IotScanProgress) (guint32 done, guint32 total, gpointer user_data);

IotScan *iot_scan_new (IotEngine *engine);
void     iot_scan_free (IotScan *scan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotScan, iot_scan_free)

/* Adds @listener with its instance @self.  With @filter (not owned; it
 * must outlive the scan) the listener sees only the frames that match it,
 * as a tshark tap with a filter does. */
void     iot_scan_add_listener (IotScan *scan, const IotScanListener *listener, gpointer self,
                                IotFilter *filter);
guint    iot_scan_n_listeners (IotScan *scan);

/* Scans @numbers (ascending, 1-based; copied) instead of every frame the
 * first pass covered, e.g. the displayed frames or one stream's. */
void     iot_scan_set_frames (IotScan *scan, const guint32 *numbers, guint n);

/* Scans frames @first..@last (1-based, inclusive) instead: one chunk of a
 * long range that several workers share. */
void     iot_scan_set_range (IotScan *scan, guint32 first, guint32 last);

/* The frames that pass @filter (not owned) are the displayed ones: each
 * frame is dissected knowing the last displayed frame before it in the
 * range, for frame.time_delta_displayed, as a filtered view shows it.
 * Only needed when something reads that field. */
void     iot_scan_set_displayed_filter (IotScan *scan, IotFilter *filter);

/* Walks the range; FALSE (with G_IO_ERROR_CANCELLED) when cancelled, in
 * which case no finish function runs. */
gboolean iot_scan_run (IotScan *scan, GCancellable *cancellable, IotScanProgress progress,
                       gpointer user_data, GError **error);

/* For a caller that walks frames itself: what to dissect for the
 * listeners (added to @wanted and @flags), then each dissected frame, then
 * iot_scan_finish once. */
void     iot_scan_add_wanted (IotScan *scan, IotFieldSet *wanted, IotDissectFlags *flags);
void     iot_scan_feed (IotScan *scan, IotPacket *pkt);
void     iot_scan_finish (IotScan *scan);

G_END_DECLS
