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
 *
 * The range is every frame the first pass covered, or a list of frames
 * (the displayed ones, a search order).  A listener that follows one
 * stream gives a filter for it ("tcp.stream == 4") and asks in
 * add_wanted_matched for what it needs on that stream's frames only (the
 * whole tree, the columns): every frame is dissected for the filter, and
 * only the frames it keeps again for that listener.  A listener that has
 * found what it looked for (the next match of a search) ends the walk
 * with iot_scan_stop.
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
  /* What the listener needs only on the frames its filter matches (e.g.
   * IOT_DISSECT_TREE for one stream's frames): those frames are dissected
   * once more, with this and add_wanted's, and that packet is the one
   * frame() gets.  Worth it when the shared dissection would otherwise
   * build something costly for every frame.  Without a filter it simply
   * joins the shared dissection.  May be NULL. */
  void (*add_wanted_matched) (gpointer self, IotFieldSet *wanted, IotDissectFlags *flags);
  /* The fields add_wanted asks for hold nothing the first pass cannot
   * know yet (no response_in, no fact of a later frame): the listener may
   * hear the first pass with them (iot_scan_attach_first_pass). */
  gboolean fields_in_first_pass;
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

/* Scans @numbers (1-based; copied), in the order given, instead of every
 * frame the first pass covered, e.g. the displayed frames or one stream's
 * (ascending), or a search from the selected row on (any order). */
void     iot_scan_set_frames (IotScan *scan, const guint32 *numbers, guint n);

/* With @displayed, the range counts as the displayed frames: each frame's
 * frame.time_delta_displayed is measured from the frame before it in the
 * range, as when the CLI prints them (the analysis windows' scans).  Off
 * by default: no frame counts as displayed before another (the delta is
 * 0), as for a frame dissected alone. */
void     iot_scan_set_range_displayed (IotScan *scan, gboolean displayed);

/* Ends the walk after the current frame: called from a listener's frame
 * function (a search that found its match).  The current frame still
 * reaches the listeners after it; iot_scan_run then skips the rest of the
 * range and finishes every listener as after the last frame;
 * in a caller-owned walk iot_scan_feed hands out no more frames.  The
 * next iot_scan_run starts afresh. */
void     iot_scan_stop (IotScan *scan);
gboolean iot_scan_stopped (IotScan *scan);
/* Scans frames @first..@last (1-based, inclusive) instead: one chunk of a
 * long range that several workers share. */
void     iot_scan_set_range (IotScan *scan, guint32 first, guint32 last);

/* The frames that pass @filter (not owned) are the displayed ones: each
 * frame is dissected knowing the last displayed frame before it in the
 * range, for frame.time_delta_displayed, as a filtered view shows it.
 * Only needed when something reads that field. */
void     iot_scan_set_displayed_filter (IotScan *scan, IotFilter *filter);

/* Walks the range; FALSE (with G_IO_ERROR_CANCELLED) when cancelled, in
 * which case no finish function runs.  Stopped by a listener, it is TRUE. */
gboolean iot_scan_run (IotScan *scan, GCancellable *cancellable, IotScanProgress progress,
                       gpointer user_data, GError **error);

/* For a caller that walks frames itself: what to dissect for the
 * listeners (added to @wanted and @flags), then each dissected frame, then
 * iot_scan_finish once. */
void     iot_scan_add_wanted (IotScan *scan, IotFieldSet *wanted, IotDissectFlags *flags);
void     iot_scan_feed (IotScan *scan, IotPacket *pkt);
void     iot_scan_finish (IotScan *scan);

/* When every listener reads only tap records (no field, no filter, no
 * tree), or fields it says the first pass knows (fields_in_first_pass),
 * they can listen to the engine's first pass instead: each frame
 * is then dissected once in all.  Before the first pass starts; TRUE when
 * the scan is attached (the caller still calls iot_scan_finish after the
 * pass), FALSE when it needs a walk of its own. */
gboolean iot_scan_attach_first_pass (IotScan *scan);
/* Before iot_scan_attach_first_pass: the listeners then hear the first
 * pass on a thread of their own, a batch of frames behind it, in frame
 * order, with the same packets (each frame's is kept until they have read
 * it), while the pass goes on with the next frames.  iot_scan_finish
 * waits for them to have heard every frame.  Not when what a listener
 * reads could depend on how far the pass has got (-N nd: names from the
 * DNS answers seen so far): the scan then stays on the pass's thread. */
void     iot_scan_set_first_pass_thread (IotScan *scan, gboolean threaded);
/* Whether the attached listeners hear the first pass on their thread. */
gboolean iot_scan_first_pass_relayed (IotScan *scan);

G_END_DECLS
