/* iot-analysis-window.h — what every analysis window shares: the session
 * it was opened from and the capture it analyses (pinned, as the session
 * may open another file meanwhile), one worker at a time with its
 * cancellable and coalesced progress, and the signals the main window
 * listens to.
 *
 * Signals: "ready" once the result is shown (again after every new run
 * that finishes), "frame-activated" (guint frame: the user asked to see a
 * frame of the pinned capture) and "filter-requested" (const char *filter:
 * "Apply as Filter").
 */
#pragma once

#include <gtk/gtk.h>

#include "iot-capture.h"
#include "iot-scan.h"
#include "iot-session.h"

G_BEGIN_DECLS

#define IOT_TYPE_ANALYSIS_WINDOW (iot_analysis_window_get_type ())
G_DECLARE_DERIVABLE_TYPE (IotAnalysisWindow, iot_analysis_window, IOT, ANALYSIS_WINDOW, GtkWindow)

struct _IotAnalysisWindowClass {
  GtkWindowClass parent_class;

  /* While a worker runs, about ten times a second: how far it got (0 to
   * 1; 0 for work that does not say). */
  void (*progress) (IotAnalysisWindow *self, double fraction);

  gpointer padding[4];
};

/* In the worker: the work on @capture (a reference held for it), with
 * @job the subclass's data; FALSE with @error when it failed or was
 * cancelled. */
typedef gboolean (*IotAnalysisWork) (IotCapture *capture, gpointer job, GCancellable *cancellable,
                                     GError **error);
/* On the main thread, once the latest run ended: @error is NULL when it
 * succeeded.  Not called for a run that was cancelled or replaced by a
 * newer one, nor after the window was closed. */
typedef void (*IotAnalysisDone) (IotAnalysisWindow *self, gpointer job, const GError *error);

IotSession *iot_analysis_window_get_session (IotAnalysisWindow *self);
/* The capture analysed: the session's when the window opened (NULL when
 * it had none). */
IotCapture *iot_analysis_window_get_capture (IotAnalysisWindow *self);
/* Whether the session still shows the pinned capture, so that its frame
 * numbers mean the same there. */
gboolean    iot_analysis_window_shows_capture (IotAnalysisWindow *self);

/* Runs @work in a worker on the pinned capture; a run still going is
 * cancelled first.  @job is freed with @job_free after @done. */
void        iot_analysis_window_run (IotAnalysisWindow *self, IotAnalysisWork work, gpointer job,
                                     GDestroyNotify job_free, IotAnalysisDone done);
/* A scan of the pinned capture's frames for the subclass's listeners. */
IotScan    *iot_analysis_window_new_scan (IotAnalysisWindow *self);
/* Runs @scan (taken) in a worker, with its progress, as
 * iot_analysis_window_run does with a work function. */
void        iot_analysis_window_run_scan (IotAnalysisWindow *self, IotScan *scan, gpointer job,
                                          GDestroyNotify job_free, IotAnalysisDone done);
/* Stops the running worker, if any; its result is dropped. */
void        iot_analysis_window_cancel (IotAnalysisWindow *self);
gboolean    iot_analysis_window_is_working (IotAnalysisWindow *self);
/* How far the running worker got, 0 to 1. */
double      iot_analysis_window_get_fraction (IotAnalysisWindow *self);

void        iot_analysis_window_emit_ready (IotAnalysisWindow *self);
void        iot_analysis_window_emit_frame_activated (IotAnalysisWindow *self, guint32 frame);
void        iot_analysis_window_emit_filter_requested (IotAnalysisWindow *self, const char *filter);

G_END_DECLS
