/* iot-session.c — the open capture, its workers, the selection. */
#include "iot-session.h"

#include "iot-filter.h"

/* Progress reaches the main loop at about 10 Hz: workers only store
 * counters, a main-loop timer reads them. */
#define POLL_INTERVAL_MS 100
/* Frames passed before the worker wakes the main loop, so that the first
 * rows show at once instead of at the next poll. */
#define FIRST_ROWS 500
#define FIRST_SCREEN 60

typedef struct {
  GMutex      lock;
  char       *path;
  guint       generation;
  guint64     bytes_done;
  guint64     bytes_total;
  IotCapture *capture;     /* set by the worker once the file is indexed */
} LoadJob;

typedef struct {
  IotCapture *capture;
  char       *text;
  guint32     from;
  guint32     to;
  gboolean    append;
  gint        done;        /* frames checked (atomic) */
} FilterJob;

struct _IotSession {
  GObject        parent_instance;

  IotFrameList  *frames;
  IotCapture    *capture;
  char          *path;
  guint          generation;

  GCancellable  *load_cancel;
  LoadJob       *load_job;       /* owned by its GTask */
  gboolean       loading;
  gint64         load_start_us;
  double         load_seconds;

  GCancellable  *filter_cancel;
  FilterJob     *filter_job;     /* owned by its GTask */
  char          *filter_text;    /* the applied filter; NULL = none */
  guint32        filtered_upto;  /* frames the applied filter has checked */
  gboolean       filtering;      /* an applied filter runs (progress shown) */

  guint          poll_id;
  double         progress;
  char          *busy_text;

  IotPacket     *pkt;
  guint32        selected_frame;
  int            selected_node;

  IotTimeFormat  time_format;
  gboolean       colorize;
};

G_DEFINE_FINAL_TYPE (IotSession, iot_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOADING,
  PROP_FILTERING,
  PROP_BUSY,
  PROP_PROGRESS,
  PROP_BUSY_TEXT,
  PROP_PATH,
  PROP_FILTER_TEXT,
  PROP_SELECTED_FRAME,
  PROP_SELECTED_NODE,
  PROP_TIME_FORMAT,
  PROP_COLORIZE,
  PROP_N_DISPLAYED,
  N_PROPS
};

enum {
  SIGNAL_LOAD_FINISHED,
  SIGNAL_FILTER_FINISHED,
  SIGNAL_PROBLEM,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void session_poll (IotSession *self);
static void filter_catch_up (IotSession *self);

/* ---- jobs ------------------------------------------------------------------- */

static void
load_job_free (gpointer data)
{
  LoadJob *job = data;

  g_mutex_clear (&job->lock);
  g_clear_pointer (&job->capture, iot_capture_unref);
  g_free (job->path);
  g_free (job);
}

static void
filter_job_free (gpointer data)
{
  FilterJob *job = data;

  iot_capture_unref (job->capture);
  g_free (job->text);
  g_free (job);
}

/* ---- polling ---------------------------------------------------------------- */

static void
set_busy_text (IotSession *self, const char *text)
{
  if (g_strcmp0 (self->busy_text, text) == 0)
    return;
  g_free (self->busy_text);
  self->busy_text = g_strdup (text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY_TEXT]);
}

static void
set_progress (IotSession *self, double progress)
{
  if (self->progress == progress)
    return;
  self->progress = progress;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

static void
notify_n_displayed (IotSession *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DISPLAYED]);
}

/* Takes over the capture once the worker has indexed the file. */
static void
adopt_capture (IotSession *self)
{
  IotCapture *capture = NULL;

  g_mutex_lock (&self->load_job->lock);
  if (self->load_job->capture != NULL)
    capture = iot_capture_ref (self->load_job->capture);
  g_mutex_unlock (&self->load_job->lock);
  if (capture == NULL)
    return;
  self->capture = capture;
  iot_frame_list_set_capture (self->frames, capture);
}

static void
poll_loading (IotSession *self)
{
  g_autofree char *text = NULL;
  g_autofree char *base = g_path_get_basename (self->path);

  if (self->capture == NULL)
    adopt_capture (self);
  if (self->capture == NULL)
    {
      guint64 done, total;

      g_mutex_lock (&self->load_job->lock);
      done = self->load_job->bytes_done;
      total = self->load_job->bytes_total;
      g_mutex_unlock (&self->load_job->lock);
      text = g_strdup_printf ("Reading %s…", base);
      set_progress (self, total > 0 ? (double) done / total : 0.0);
    }
  else
    {
      guint32 passed = iot_capture_n_passed (self->capture);
      guint32 total = iot_capture_n_frames (self->capture);

      text = g_strdup_printf ("Dissecting %s: %u of %u frames…", base, passed, total);
      set_progress (self, total > 0 ? (double) passed / total : 1.0);
    }
  set_busy_text (self, text);
}

static void
session_poll (IotSession *self)
{
  if (self->loading)
    poll_loading (self);
  if (self->capture != NULL)
    {
      guint before = iot_session_get_n_displayed (self);
      guint32 passed = iot_capture_n_passed (self->capture);

      /* GtkListView builds up to 200 rows of widgets as items appear:
       * a screenful per poll until then keeps each stall short. */
      if (self->loading && before < 200 && !iot_frame_list_is_filtered (self->frames))
        passed = MIN (passed, before + FIRST_SCREEN);
      iot_frame_list_set_n_passed (self->frames, passed);
      if (iot_session_get_n_displayed (self) != before)
        notify_n_displayed (self);
    }
  if (self->filtering && self->filter_job != NULL)
    {
      FilterJob *job = self->filter_job;
      guint32 span = job->to - job->from + 1;

      set_busy_text (self, "Filtering…");
      set_progress (self, (double) g_atomic_int_get (&job->done) / span);
    }
  filter_catch_up (self);
}

static gboolean
poll_cb (gpointer data)
{
  session_poll (data);
  return G_SOURCE_CONTINUE;
}

static gboolean
poll_now_cb (gpointer data)
{
  session_poll (data);
  return G_SOURCE_REMOVE;
}

static void
update_busy (IotSession *self)
{
  gboolean busy = iot_session_is_busy (self);

  if (busy && self->poll_id == 0)
    self->poll_id = g_timeout_add (POLL_INTERVAL_MS, poll_cb, self);
  else if (!busy)
    {
      g_clear_handle_id (&self->poll_id, g_source_remove);
      set_busy_text (self, NULL);
      set_progress (self, 0.0);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* ---- loading ---------------------------------------------------------------- */

static gboolean
load_progress_cb (guint64 bytes_done, guint64 bytes_total, guint32 frames, gpointer user_data)
{
  LoadJob *job = user_data;

  g_mutex_lock (&job->lock);
  job->bytes_done = bytes_done;
  job->bytes_total = bytes_total;
  g_mutex_unlock (&job->lock);
  return TRUE;
}

static void
load_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  LoadJob *job = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = NULL;
  IotCapture *capture;
  guint32 n;

  file = iot_file_open_full (job->path, cancellable, load_progress_cb, job, &error);
  if (file == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  capture = iot_capture_new (file);
  g_mutex_lock (&job->lock);
  job->capture = capture;
  g_mutex_unlock (&job->lock);

  n = iot_file_n_frames (file);
  /* A first screenful, then wake the main loop to show it. */
  iot_capture_first_pass_upto (capture, MIN (n, FIRST_ROWS), cancellable);
  g_idle_add_full (G_PRIORITY_DEFAULT, poll_now_cb, g_object_ref (source), g_object_unref);
  if (!iot_capture_first_pass_upto (capture, n, cancellable))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Loading was cancelled");
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
report_problem (IotSession *self, const char *title, const char *detail)
{
  g_signal_emit (self, signals[SIGNAL_PROBLEM], 0, title, detail);
}

static void
load_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  IotSession *self = IOT_SESSION (source);
  LoadJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  g_autofree char *base = g_path_get_basename (job->path);

  if (job->generation != self->generation)
    return;     /* another file was opened meanwhile */
  g_task_propagate_boolean (G_TASK (result), &error);
  if (self->capture == NULL)
    adopt_capture (self);
  self->load_job = NULL;
  self->loading = FALSE;
  self->load_seconds = (g_get_monotonic_time () - self->load_start_us) / 1e6;
  session_poll (self);
  update_busy (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      && !g_error_matches (error, IOT_FILE_ERROR, IOT_FILE_ERROR_CANCELLED))
    {
      g_autofree char *title = g_strdup_printf ("Could not open “%s”", base);

      report_problem (self, title, error->message);
      return;
    }
  if (self->capture != NULL && iot_file_damage (iot_capture_file (self->capture)) != NULL)
    {
      g_autofree char *title = g_strdup_printf ("“%s” is damaged", base);
      g_autofree char *detail = g_strdup_printf ("%s\n\nThe %u frames before the damage are shown.",
                                                 iot_file_damage (iot_capture_file (self->capture)),
                                                 iot_capture_n_frames (self->capture));

      report_problem (self, title, detail);
    }
  g_signal_emit (self, signals[SIGNAL_LOAD_FINISHED], 0);
}

static void
reset_selection (IotSession *self)
{
  iot_session_select_frame (self, 0);
}

void
iot_session_open (IotSession *self, GFile *file)
{
  g_autoptr (GTask) task = NULL;
  LoadJob *job;

  g_return_if_fail (IOT_IS_SESSION (self));
  g_return_if_fail (G_IS_FILE (file));

  iot_session_cancel (self);
  reset_selection (self);
  self->generation++;
  g_clear_pointer (&self->capture, iot_capture_unref);
  g_clear_pointer (&self->filter_text, g_free);
  self->filtered_upto = 0;
  iot_frame_list_set_capture (self->frames, NULL);
  g_free (self->path);
  self->path = g_file_get_path (file);
  if (self->path == NULL)
    self->path = g_file_get_uri (file);
  self->load_start_us = g_get_monotonic_time ();
  self->load_seconds = 0;

  job = g_new0 (LoadJob, 1);
  g_mutex_init (&job->lock);
  job->path = g_strdup (self->path);
  job->generation = self->generation;
  self->load_job = job;
  g_clear_object (&self->load_cancel);
  self->load_cancel = g_cancellable_new ();
  task = g_task_new (self, self->load_cancel, load_done_cb, NULL);
  g_task_set_task_data (task, job, load_job_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, load_thread);

  self->loading = TRUE;
  update_busy (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTER_TEXT]);
  notify_n_displayed (self);
}

/* ---- filtering -------------------------------------------------------------- */

static void
filter_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  FilterJob *job = task_data;
  g_autoptr (IotFilterProblem) problem = NULL;
  /* A compiled filter is not thread-safe: this worker compiles its own. */
  g_autoptr (IotFilter) filter = iot_filter_compile (job->text, &problem);
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  g_autoptr (GArray) matches = g_array_new (FALSE, FALSE, sizeof (guint32));
  IotEngine *engine = iot_capture_engine (job->capture);
  IotDissectOptions options = { .flags = IOT_DISSECT_COLUMNS };

  if (filter == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s", problem->message);
      return;
    }
  options.fields = iot_filter_fields (filter);
  for (guint32 number = job->from; number <= job->to; number++)
    {
      if ((number & 1023) == 0)
        {
          if (g_cancellable_is_cancelled (cancellable))
            {
              g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
              return;
            }
          g_atomic_int_set (&job->done, number - job->from);
        }
      iot_engine_dissect (engine, pkt, number, &options);
      if (iot_filter_matches (filter, pkt))
        {
          g_array_append_val (matches, number);
          options.prev_displayed = number;
        }
    }
  g_task_return_pointer (task, g_steal_pointer (&matches), (GDestroyNotify) g_array_unref);
}

static void
filter_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  IotSession *self = IOT_SESSION (source);
  FilterJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  GArray *matches;
  gboolean was_filtering = self->filtering;

  if (job != self->filter_job)
    return;     /* superseded */
  self->filter_job = NULL;
  self->filtering = FALSE;
  matches = g_task_propagate_pointer (G_TASK (result), &error);
  if (matches == NULL)
    {
      /* Cancelled: back to no filter rather than a half-filtered list. */
      if (!job->append)
        {
          g_clear_pointer (&self->filter_text, g_free);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTER_TEXT]);
        }
      update_busy (self);
      return;
    }
  if (job->append)
    {
      iot_frame_list_append_matches (self->frames, (const guint32 *) (gpointer) matches->data, matches->len);
      g_array_unref (matches);
    }
  else
    iot_frame_list_set_matches (self->frames, matches);
  self->filtered_upto = job->to;
  update_busy (self);
  if (was_filtering)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTERING]);
  notify_n_displayed (self);
  if (!job->append)
    g_signal_emit (self, signals[SIGNAL_FILTER_FINISHED], 0);
  filter_catch_up (self);
}

static void
start_filter_job (IotSession *self, guint32 from, guint32 to, gboolean append)
{
  g_autoptr (GTask) task = NULL;
  FilterJob *job = g_new0 (FilterJob, 1);

  job->capture = iot_capture_ref (self->capture);
  job->text = g_strdup (self->filter_text);
  job->from = from;
  job->to = to;
  job->append = append;
  self->filter_job = job;
  g_clear_object (&self->filter_cancel);
  self->filter_cancel = g_cancellable_new ();
  task = g_task_new (self, self->filter_cancel, filter_done_cb, NULL);
  g_task_set_task_data (task, job, filter_job_free);
  g_task_run_in_thread (task, filter_thread);
}

/* While the first pass goes on, an applied filter follows it in steps. */
static void
filter_catch_up (IotSession *self)
{
  guint32 passed;

  if (self->filter_text == NULL || self->filter_job != NULL || self->capture == NULL)
    return;
  passed = iot_frame_list_get_n_passed (self->frames);
  if (self->filtered_upto < passed)
    start_filter_job (self, self->filtered_upto + 1, passed, TRUE);
}

gboolean
iot_session_apply_filter (IotSession *self, const char *text, GError **error)
{
  g_autoptr (IotFilterProblem) problem = NULL;
  g_autoptr (IotFilter) filter = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));

  g_return_val_if_fail (IOT_IS_SESSION (self), FALSE);

  if (*stripped != '\0')
    {
      filter = iot_filter_compile (stripped, &problem);
      if (filter == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, problem->message);
          return FALSE;
        }
    }
  if (self->filter_cancel != NULL)
    g_cancellable_cancel (self->filter_cancel);
  self->filter_job = NULL;
  g_clear_pointer (&self->filter_text, g_free);
  self->filtered_upto = 0;
  if (*stripped == '\0' || self->capture == NULL)
    {
      self->filtering = FALSE;
      iot_frame_list_set_matches (self->frames, NULL);
      update_busy (self);
      notify_n_displayed (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTER_TEXT]);
      g_signal_emit (self, signals[SIGNAL_FILTER_FINISHED], 0);
      return TRUE;
    }
  self->filter_text = g_steal_pointer (&stripped);
  self->filtering = TRUE;
  start_filter_job (self, 1, MAX (iot_frame_list_get_n_passed (self->frames), 1), FALSE);
  update_busy (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTERING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTER_TEXT]);
  return TRUE;
}

void
iot_session_cancel (IotSession *self)
{
  g_return_if_fail (IOT_IS_SESSION (self));
  if (self->load_cancel != NULL)
    g_cancellable_cancel (self->load_cancel);
  if (self->filter_cancel != NULL)
    g_cancellable_cancel (self->filter_cancel);
}

/* ---- selection -------------------------------------------------------------- */

void
iot_session_select_frame (IotSession *self, guint32 number)
{
  g_return_if_fail (IOT_IS_SESSION (self));

  if (number == self->selected_frame)
    return;
  if (self->capture == NULL || number > iot_capture_n_passed (self->capture))
    number = 0;
  self->selected_frame = number;
  self->selected_node = -1;
  if (number != 0)
    {
      IotDissectOptions options = { .flags = IOT_DISSECT_TREE | IOT_DISSECT_COLUMNS };
      guint position;

      /* frame.time_delta_displayed needs the frame shown before this one. */
      if (iot_frame_list_find (self->frames, number, &position) && position > 0)
        options.prev_displayed = iot_frame_list_number_at (self->frames, position - 1);
      iot_capture_dissect (self->capture, self->pkt, number, &options);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_FRAME]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_NODE]);
}

guint32
iot_session_get_selected_frame (IotSession *self)
{
  return self->selected_frame;
}

IotPacket *
iot_session_get_packet (IotSession *self)
{
  return self->selected_frame != 0 ? self->pkt : NULL;
}

void
iot_session_select_node (IotSession *self, int node)
{
  g_return_if_fail (IOT_IS_SESSION (self));

  if (self->selected_frame == 0 || node >= (int) iot_packet_n_nodes (self->pkt))
    node = -1;
  if (node == self->selected_node)
    return;
  self->selected_node = node;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_NODE]);
}

int
iot_session_get_selected_node (IotSession *self)
{
  return self->selected_node;
}

static guint
node_depth (const IotNode *nodes, int index)
{
  guint depth = 0;

  while (nodes[index].parent >= 0)
    {
      index = nodes[index].parent;
      depth++;
    }
  return depth;
}

static gboolean
node_visible (const IotNode *nodes, int index)
{
  for (; index >= 0; index = nodes[index].parent)
    if (nodes[index].flags & IOT_NODE_HIDDEN)
      return FALSE;
  return TRUE;
}

int
iot_session_node_at (IotSession *self, guint source, guint offset)
{
  const IotNode *nodes;
  int best = -1;
  guint best_depth = 0;

  if (self->selected_frame == 0)
    return -1;
  nodes = iot_packet_nodes (self->pkt);
  for (guint i = 0; i < iot_packet_n_nodes (self->pkt); i++)
    {
      const IotNode *node = &nodes[i];
      guint depth;

      if (node->source != source || node->length == 0
          || offset < node->offset || offset >= node->offset + node->length
          || !node_visible (nodes, i))
        continue;
      depth = node_depth (nodes, i);
      /* Deeper wins; at equal depth the narrower field. */
      if (best < 0 || depth > best_depth
          || (depth == best_depth && node->length < nodes[best].length))
        {
          best = i;
          best_depth = depth;
        }
    }
  return best;
}

/* ---- getters ---------------------------------------------------------------- */

IotCapture *
iot_session_get_capture (IotSession *self)
{
  return self->capture;
}

IotFrameList *
iot_session_get_frames (IotSession *self)
{
  return self->frames;
}

const char *
iot_session_get_path (IotSession *self)
{
  return self->path;
}

gboolean
iot_session_is_loading (IotSession *self)
{
  return self->loading;
}

gboolean
iot_session_is_filtering (IotSession *self)
{
  return self->filtering;
}

gboolean
iot_session_is_busy (IotSession *self)
{
  return self->loading || self->filtering || self->filter_job != NULL;
}

double
iot_session_get_progress (IotSession *self)
{
  return self->progress;
}

const char *
iot_session_get_busy_text (IotSession *self)
{
  return self->busy_text;
}

double
iot_session_get_load_seconds (IotSession *self)
{
  return self->load_seconds;
}

guint32
iot_session_get_n_total (IotSession *self)
{
  return self->capture != NULL ? iot_capture_n_passed (self->capture) : 0;
}

guint
iot_session_get_n_displayed (IotSession *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->frames));
}

const char *
iot_session_get_filter_text (IotSession *self)
{
  return self->filter_text;
}

IotTimeFormat
iot_session_get_time_format (IotSession *self)
{
  return self->time_format;
}

void
iot_session_set_time_format (IotSession *self, IotTimeFormat format)
{
  g_return_if_fail (format <= IOT_TIME_EPOCH);
  if (self->time_format == format)
    return;
  self->time_format = format;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME_FORMAT]);
}

gboolean
iot_session_get_colorize (IotSession *self)
{
  return self->colorize;
}

void
iot_session_set_colorize (IotSession *self, gboolean colorize)
{
  colorize = !!colorize;
  if (self->colorize == colorize)
    return;
  self->colorize = colorize;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLORIZE]);
}

/* ---- GObject ---------------------------------------------------------------- */

static void
iot_session_dispose (GObject *object)
{
  IotSession *self = IOT_SESSION (object);

  iot_session_cancel (self);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  G_OBJECT_CLASS (iot_session_parent_class)->dispose (object);
}

static void
iot_session_finalize (GObject *object)
{
  IotSession *self = IOT_SESSION (object);

  g_clear_object (&self->frames);
  g_clear_pointer (&self->capture, iot_capture_unref);
  g_clear_object (&self->load_cancel);
  g_clear_object (&self->filter_cancel);
  g_free (self->path);
  g_free (self->filter_text);
  g_free (self->busy_text);
  iot_packet_free (self->pkt);
  G_OBJECT_CLASS (iot_session_parent_class)->finalize (object);
}

static void
iot_session_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  IotSession *self = IOT_SESSION (object);

  switch (prop_id)
    {
    case PROP_LOADING: g_value_set_boolean (value, self->loading); break;
    case PROP_FILTERING: g_value_set_boolean (value, self->filtering); break;
    case PROP_BUSY: g_value_set_boolean (value, iot_session_is_busy (self)); break;
    case PROP_PROGRESS: g_value_set_double (value, self->progress); break;
    case PROP_BUSY_TEXT: g_value_set_string (value, self->busy_text); break;
    case PROP_PATH: g_value_set_string (value, self->path); break;
    case PROP_FILTER_TEXT: g_value_set_string (value, self->filter_text); break;
    case PROP_SELECTED_FRAME: g_value_set_uint (value, self->selected_frame); break;
    case PROP_SELECTED_NODE: g_value_set_int (value, self->selected_node); break;
    case PROP_TIME_FORMAT: g_value_set_int (value, self->time_format); break;
    case PROP_COLORIZE: g_value_set_boolean (value, self->colorize); break;
    case PROP_N_DISPLAYED: g_value_set_uint (value, iot_session_get_n_displayed (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
iot_session_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  IotSession *self = IOT_SESSION (object);

  switch (prop_id)
    {
    case PROP_SELECTED_FRAME: iot_session_select_frame (self, g_value_get_uint (value)); break;
    case PROP_SELECTED_NODE: iot_session_select_node (self, g_value_get_int (value)); break;
    case PROP_TIME_FORMAT: iot_session_set_time_format (self, g_value_get_int (value)); break;
    case PROP_COLORIZE: iot_session_set_colorize (self, g_value_get_boolean (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
iot_session_class_init (IotSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = iot_session_dispose;
  object_class->finalize = iot_session_finalize;
  object_class->get_property = iot_session_get_property;
  object_class->set_property = iot_session_set_property;

  properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE, ro);
  properties[PROP_FILTERING] = g_param_spec_boolean ("filtering", NULL, NULL, FALSE, ro);
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE, ro);
  properties[PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, 0, 1, 0, ro);
  properties[PROP_BUSY_TEXT] = g_param_spec_string ("busy-text", NULL, NULL, NULL, ro);
  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, ro);
  properties[PROP_FILTER_TEXT] = g_param_spec_string ("filter-text", NULL, NULL, NULL, ro);
  properties[PROP_SELECTED_FRAME] = g_param_spec_uint ("selected-frame", NULL, NULL, 0, G_MAXUINT32, 0, rw);
  properties[PROP_SELECTED_NODE] = g_param_spec_int ("selected-node", NULL, NULL, -1, G_MAXINT, -1, rw);
  properties[PROP_TIME_FORMAT] = g_param_spec_int ("time-format", NULL, NULL, IOT_TIME_RELATIVE,
                                                   IOT_TIME_EPOCH, IOT_TIME_RELATIVE, rw);
  properties[PROP_COLORIZE] = g_param_spec_boolean ("colorize", NULL, NULL, TRUE, rw);
  properties[PROP_N_DISPLAYED] = g_param_spec_uint ("n-displayed", NULL, NULL, 0, G_MAXUINT32, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_LOAD_FINISHED] =
    g_signal_new ("load-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_FILTER_FINISHED] =
    g_signal_new ("filter-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* (title, detail): something the user must be told about. */
  signals[SIGNAL_PROBLEM] =
    g_signal_new ("problem", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
iot_session_init (IotSession *self)
{
  self->frames = iot_frame_list_new ();
  self->pkt = iot_packet_new ();
  self->selected_node = -1;
  self->colorize = TRUE;
}

IotSession *
iot_session_new (void)
{
  return g_object_new (IOT_TYPE_SESSION, NULL);
}
