/* iot-analysis-window.c — the base of the analysis windows (see
 * iot-analysis-window.h). */
#include "iot-analysis-window.h"
#include "iot-app-test.h"

/* Progress is shown at most this often (ms). */
#define PROGRESS_INTERVAL 100

/* One run of a worker: owned by its GTask, so the worker, the progress
 * timer and the completion all read it while the task lives. */
typedef struct {
  IotCapture      *capture;
  IotAnalysisWork  work;
  IotScan         *scan;
  gpointer         job;
  GDestroyNotify   job_free;
  IotAnalysisDone  done;
  gint             frames_done;    /* atomic: scan progress */
  gint             frames_total;
} Run;

typedef struct {
  IotSession   *session;
  IotCapture   *capture;       /* pinned: the session may open another file */
  GCancellable *cancellable;   /* of the running worker */
  GTask        *task;          /* the running worker, NULL when none */
  guint         progress_id;
  gboolean      ready;
} IotAnalysisWindowPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (IotAnalysisWindow, iot_analysis_window, GTK_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_READY,
  SIGNAL_FRAME_ACTIVATED,
  SIGNAL_FILTER_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- the worker --------------------------------------------------------------------- */

static void
run_free (gpointer data)
{
  Run *run = data;

  /* The listeners live in the job: the scan goes first. */
  g_clear_pointer (&run->scan, iot_scan_free);
  if (run->job_free != NULL)
    run->job_free (run->job);
  g_clear_pointer (&run->capture, iot_capture_unref);
  g_free (run);
}

static void
scan_progress_cb (guint32 done, guint32 total, gpointer user_data)
{
  Run *run = user_data;

  g_atomic_int_set (&run->frames_total, (gint) total);
  g_atomic_int_set (&run->frames_done, (gint) done);
}

static void
worker_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Run *run = task_data;
  GError *error = NULL;
  gboolean ok;

  iot_worker_lower_priority ();
  /* A scan reports its progress into the run, where the window reads it. */
  ok = run->scan != NULL ? iot_scan_run (run->scan, cancellable, scan_progress_cb, run, &error)
                         : run->work (run->capture, run->job, cancellable, &error);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "The analysis failed");
}

static void
stop_progress (IotAnalysisWindow *self)
{
  IotAnalysisWindowPrivate *priv = iot_analysis_window_get_instance_private (self);

  g_clear_handle_id (&priv->progress_id, g_source_remove);
}

static void
report_progress (IotAnalysisWindow *self)
{
  IotAnalysisWindowClass *klass = IOT_ANALYSIS_WINDOW_GET_CLASS (self);

  if (klass->progress != NULL)
    klass->progress (self, iot_analysis_window_get_fraction (self));
}

static gboolean
progress_cb (gpointer data)
{
  report_progress (IOT_ANALYSIS_WINDOW (data));
  return G_SOURCE_CONTINUE;
}

static void
worker_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  IotAnalysisWindow *self = IOT_ANALYSIS_WINDOW (source);
  IotAnalysisWindowPrivate *priv = iot_analysis_window_get_instance_private (self);
  GTask *task = G_TASK (result);
  Run *run = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  g_task_propagate_boolean (task, &error);
  /* A newer run replaced this one, or the window was closed. */
  if (task != priv->task || g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    return;
  stop_progress (self);
  g_clear_object (&priv->task);
  g_clear_object (&priv->cancellable);
  run->done (self, run->job, error);
}

static void
start_run (IotAnalysisWindow *self, Run *run)
{
  IotAnalysisWindowPrivate *priv = iot_analysis_window_get_instance_private (self);
  g_autoptr (GTask) task = NULL;

  iot_analysis_window_cancel (self);
  priv->ready = FALSE;
  priv->cancellable = g_cancellable_new ();
  run->capture = priv->capture != NULL ? iot_capture_ref (priv->capture) : NULL;
  task = g_task_new (self, priv->cancellable, worker_done_cb, NULL);
  g_task_set_task_data (task, run, run_free);
  priv->task = g_object_ref (task);
  report_progress (self);
  priv->progress_id = g_timeout_add (PROGRESS_INTERVAL, progress_cb, self);
  g_task_run_in_thread (task, worker_thread);
}

void
iot_analysis_window_run (IotAnalysisWindow *self, IotAnalysisWork work, gpointer job, GDestroyNotify job_free,
                         IotAnalysisDone done)
{
  Run *run;

  g_return_if_fail (IOT_IS_ANALYSIS_WINDOW (self));
  g_return_if_fail (work != NULL && done != NULL);
  run = g_new0 (Run, 1);
  run->work = work;
  run->job = job;
  run->job_free = job_free;
  run->done = done;
  start_run (self, run);
}

IotScan *
iot_analysis_window_new_scan (IotAnalysisWindow *self)
{
  IotAnalysisWindowPrivate *priv = iot_analysis_window_get_instance_private (self);
  IotScan *scan;

  g_return_val_if_fail (priv->capture != NULL, NULL);
  scan = iot_scan_new (iot_capture_engine (priv->capture));
  /* The frames a window counts are its displayed ones: a series filter
   * on frame.time_delta_displayed reads the gap to the one before. */
  iot_scan_set_range_displayed (scan, TRUE);
  return scan;
}

void
iot_analysis_window_run_scan (IotAnalysisWindow *self, IotScan *scan, gpointer job, GDestroyNotify job_free,
                              IotAnalysisDone done)
{
  Run *run;

  g_return_if_fail (IOT_IS_ANALYSIS_WINDOW (self));
  g_return_if_fail (scan != NULL && done != NULL);
  run = g_new0 (Run, 1);
  run->scan = scan;
  run->job = job;
  run->job_free = job_free;
  run->done = done;
  start_run (self, run);
}

void
iot_analysis_window_cancel (IotAnalysisWindow *self)
{
  IotAnalysisWindowPrivate *priv = iot_analysis_window_get_instance_private (self);

  /* The worker stops at its next check; its result is dropped. */
  if (priv->cancellable != NULL)
    g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
  g_clear_object (&priv->task);
  stop_progress (self);
}

gboolean
iot_analysis_window_is_working (IotAnalysisWindow *self)
{
  IotAnalysisWindowPrivate *priv = iot_analysis_window_get_instance_private (self);

  return priv->task != NULL;
}

double
iot_analysis_window_get_fraction (IotAnalysisWindow *self)
{
  IotAnalysisWindowPrivate *priv = iot_analysis_window_get_instance_private (self);
  Run *run;
  gint total;

  if (priv->task == NULL)
    return 0;
  run = g_task_get_task_data (priv->task);
  total = g_atomic_int_get (&run->frames_total);
  return total > 0 ? (double) g_atomic_int_get (&run->frames_done) / (double) total : 0;
}

/* ---- session and signals ---------------------------------------------------------------- */

IotSession *
iot_analysis_window_get_session (IotAnalysisWindow *self)
{
  IotAnalysisWindowPrivate *priv = iot_analysis_window_get_instance_private (self);

  return priv->session;
}

IotCapture *
iot_analysis_window_get_capture (IotAnalysisWindow *self)
{
  IotAnalysisWindowPrivate *priv = iot_analysis_window_get_instance_private (self);

  return priv->capture;
}

gboolean
iot_analysis_window_shows_capture (IotAnalysisWindow *self)
{
  IotAnalysisWindowPrivate *priv = iot_analysis_window_get_instance_private (self);

  return priv->session != NULL && priv->capture != NULL && iot_session_get_capture (priv->session) == priv->capture;
}

gboolean
iot_analysis_window_is_ready (IotAnalysisWindow *self)
{
  IotAnalysisWindowPrivate *priv = iot_analysis_window_get_instance_private (self);

  g_return_val_if_fail (IOT_IS_ANALYSIS_WINDOW (self), FALSE);
  return priv->ready;
}

void
iot_analysis_window_emit_ready (IotAnalysisWindow *self)
{
  IotAnalysisWindowPrivate *priv = iot_analysis_window_get_instance_private (self);

  priv->ready = TRUE;
  g_signal_emit (self, signals[SIGNAL_READY], 0);
}

void
iot_analysis_window_emit_frame_activated (IotAnalysisWindow *self, guint32 frame)
{
  g_signal_emit (self, signals[SIGNAL_FRAME_ACTIVATED], 0, (guint) frame);
}

void
iot_analysis_window_emit_filter_requested (IotAnalysisWindow *self, const char *filter)
{
  g_signal_emit (self, signals[SIGNAL_FILTER_REQUESTED], 0, filter);
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
iot_analysis_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  IotAnalysisWindow *self = IOT_ANALYSIS_WINDOW (object);
  IotAnalysisWindowPrivate *priv = iot_analysis_window_get_instance_private (self);
  IotCapture *capture;

  switch (prop_id)
    {
    case PROP_SESSION:
      priv->session = g_value_dup_object (value);
      capture = priv->session != NULL ? iot_session_get_capture (priv->session) : NULL;
      priv->capture = capture != NULL ? iot_capture_ref (capture) : NULL;
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
iot_analysis_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  IotAnalysisWindow *self = IOT_ANALYSIS_WINDOW (object);
  IotAnalysisWindowPrivate *priv = iot_analysis_window_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, priv->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
iot_analysis_window_dispose (GObject *object)
{
  IotAnalysisWindow *self = IOT_ANALYSIS_WINDOW (object);
  IotAnalysisWindowPrivate *priv = iot_analysis_window_get_instance_private (self);

  iot_analysis_window_cancel (self);
  g_clear_object (&priv->session);
  G_OBJECT_CLASS (iot_analysis_window_parent_class)->dispose (object);
}

static void
iot_analysis_window_finalize (GObject *object)
{
  IotAnalysisWindow *self = IOT_ANALYSIS_WINDOW (object);
  IotAnalysisWindowPrivate *priv = iot_analysis_window_get_instance_private (self);

  g_clear_pointer (&priv->capture, iot_capture_unref);
  G_OBJECT_CLASS (iot_analysis_window_parent_class)->finalize (object);
}

static void
iot_analysis_window_class_init (IotAnalysisWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->set_property = iot_analysis_window_set_property;
  object_class->get_property = iot_analysis_window_get_property;
  object_class->dispose = iot_analysis_window_dispose;
  object_class->finalize = iot_analysis_window_finalize;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, IOT_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The result is computed and shown. */
  signals[SIGNAL_READY] =
    g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* (frame): the user asked to see this frame of the pinned capture. */
  signals[SIGNAL_FRAME_ACTIVATED] =
    g_signal_new ("frame-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);
  /* (filter): "Apply as Filter" in the main window. */
  signals[SIGNAL_FILTER_REQUESTED] =
    g_signal_new ("filter-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
iot_analysis_window_init (IotAnalysisWindow *self)
{
}
