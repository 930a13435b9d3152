/* iot-session.c — the open capture, its workers, the selection. */
#include "iot-session.h"

#include <glib/gi18n.h>
#include <string.h>

#include "iot-colour-rules.h"
#include "iot-filter.h"
#include "iot-filter-pass.h"
#include "iot-frame-notes.h"
#include "iot-frame-sort.h"

/* Progress reaches the main loop at about 10 Hz: workers only store
 * counters, a main-loop timer reads them. */
#define POLL_INTERVAL_MS 100
/* How often an open file is asked whether another program truncated it. */
#define SHRINK_CHECK_MS  1000
/* Frames passed before the worker wakes the main loop, so that the first
 * rows show at once instead of at the next poll. */
#define FIRST_ROWS 500
#define FIRST_SCREEN 30
/* Indexing a capture reads all of it (seconds for a gigabyte): a larger
 * file shows its first rows from its head meanwhile, indexed alone. */
#define PREVIEW_MIN_SIZE (16 << 20)
#define PREVIEW_BYTES    (1 << 20)
/* Frames the first pass of a file passes between two looks at its pages. */
#define PASS_STEP 65536u
/* Frames per background counting job: one is lost at most when a request
 * of the user cancels it. */
#define SCAN_CHUNK 65536

/* Frames the live worker passes before the list hears of them. */
#define LIVE_STEP 4096
/* The shortest time between two updates of the list while capturing.
 * With autoscroll every update shows a new page: GtkListView re-binds
 * the rows it keeps widgets for (some 8 ms of the main thread's time),
 * whatever the number of new frames. */
#define LIVE_UPDATE_INTERVAL_US (200 * G_TIME_SPAN_MILLISECOND)
/* GtkListView 4.8 keeps widgets for up to 200 rows around the rows it
 * shows.  Until it has them, each new row costs a row of new widgets,
 * made at once when the list hears of it (some 0.7 ms each, more on a
 * busy machine): the first rows of a capture come a few per frame, as
 * many as fit in a time budget by what the last step cost, so that the
 * burst that fills the list never holds the main loop up. */
#define LIST_WIDGET_ROWS 200
#define NEW_ROWS_BUDGET_US (6 * G_TIME_SPAN_MILLISECOND)
#define NEW_ROWS_FIRST_STEP 8
#define NEW_ROWS_MIN_STEP 2
#define NEW_ROWS_MAX_STEP 50
#define NEW_ROWS_STEP_MS 16
/* The newest frames the live worker makes row summaries of for each
 * update: the rows a list following the capture shows next, and those
 * around them it keeps widgets for (with some room for a filter). */
#define NEWEST_SUMMARIES (2 * LIST_WIDGET_ROWS)

typedef struct {
  GMutex      lock;
  char       *path;
  guint       generation;
  guint64     bytes_done;
  guint64     bytes_total;
  IotCapture *capture;     /* set by the worker: the head of the file (a preview), then
                            * all of it once indexed */
  IotFile    *notes_from;  /* a reload: the notes to keep (see iot-frame-notes.h) */
  gboolean    indexed;     /* ->capture holds the whole file */
  /* Cancelled when the session shows something else.  Once a preview
   * shows, the user's cancel stops the first pass only: the file is
   * indexed to its end, so the window knows how many frames it holds. */
  GCancellable *abandon;
} LoadJob;

/* A job that computes what the list shows: which frames (a filter, or
 * all), in which order (a sort), with the expert counts of the displayed
 * frames.  One runs at a time; a newer one supersedes it. */
typedef struct {
  IotCapture     *capture;
  char           *text;        /* filter; NULL = every frame matches */
  GArray         *numbers;     /* instead of a range: these frames, no filter, no counting */
  gboolean        sort_all;    /* or frames 1..to, no filter, no counting */
  guint32         from;        /* else: frames to check */
  guint32         to;
  gboolean        append;      /* catch-up: the matches go after the current ones */
  gboolean        quiet;       /* background counting of all frames (from..to): no progress shown */
  gboolean        counted;     /* quiet: all frames up to ->to counted */
  /* The filter over from..to, on every core.  Progressive: the list takes
   * its matches as they come (main thread, while the job is the
   * session's); else the worker gathers them in ->matches at the end. */
  IotFilterPass  *pass;
  gboolean        progressive;
  gboolean        view_replaced;  /* progressive: the list shows the matches */
  IotSession     *session;     /* not a reference: the job's GTask holds one */
  gboolean        sort;        /* compute an order */
  IotColumn       sort_column;
  char           *sort_field;  /* instead of sort_column: a custom column's field */
  gboolean        sort_descending;
  IotTimeFormat   time_format;
  gint            done;        /* frames checked (atomic) */
  IotSortProgress sort_progress;
  gint            sorting;     /* the sort stage has begun (atomic) */
  /* Results. */
  GArray         *matches;     /* NULL with no filter */
  GArray         *order;
  guint32        *positions;   /* frame number → position in ->order + 1 */
  guint32         n_positions;
  guint           n_errors;    /* displayed frames whose worst expert item is an error */
  guint           n_warnings;  /* … is a warning */
  /* Live, catching up: the row summaries of the last matches (the rows
   * a list following the capture shows next), made with these rules. */
  gboolean          summarise;
  IotColourRuleSet *rules;
  guint             generation;
  GPtrArray        *summaries;
} ViewJob;

/* Following a live capture: a worker indexes what the capture appended
 * and runs the first pass over it, so a burst never holds up the main
 * loop; the main loop only learns how far the pass got. */
typedef struct {
  IotCapture *capture;
  GThread    *thread;
  GMutex      lock;
  GCond       cond;
  gboolean    kicked;          /* the capture flushed frames */
  gboolean    finishing;       /* the capture stopped: catch up, then end */
  gboolean    cancelled;       /* the session shows something else */
  gint        update_pending;  /* atomic: an update idle is queued */
  gint        ended;           /* atomic: the worker has caught up for good */
  char       *error;           /* the last indexing error, reported once */
  gint64      last_shown;      /* monotonic µs of the last update shown, under lock */
  /* The row summaries of the newest frames are made here, so that a
   * list following the capture needs no dissection on the main thread:
   * there a dissection waits for the first pass to give way, and the
   * pass cannot while this thread has lost its CPU in the middle of a
   * step.  The colouring rules come from the main thread, copied (under
   * lock) whenever the list's summary generation changed; summaries
   * wait for the next update (under lock). */
  IotColourRuleSet *new_rules;
  guint       new_generation;
  gboolean    rules_pending;   /* new_rules waits for the worker */
  gboolean    rules_sent;      /* (main thread) for new_generation */
  GPtrArray  *summaries;       /* IotRowSummary *, oldest first */
  guint       summaries_generation;
  guint32     summarised;      /* frames passed when the newest summaries were made */
  /* The worker's own. */
  IotColourRuleSet *rules;
  guint       generation;
  IotPacket  *pkt;
  guint32     summarised_upto;
} LiveJob;

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

  GCancellable  *view_cancel;
  ViewJob       *view_job;       /* owned by its GTask */
  char          *filter_text;    /* the applied filter; NULL = none */
  guint32        filtered_upto;  /* frames the applied filter has checked */
  gboolean       filtering;      /* an applied filter runs (progress shown) */

  /* Sorting: what the user asked for, and what the list shows. */
  IotColumn      sort_column;
  char          *sort_field;     /* a custom column's field (sort_column unused) */
  gboolean       sort_descending;
  IotColumn      shown_sort_column;
  char          *shown_sort_field;
  gboolean       shown_sort_descending;
  gboolean       sorting;        /* a sort runs (progress shown) */
  gint64         sort_start_us;
  double         sort_seconds;   /* how long the last sort took */
  gboolean       scan_stopped;   /* the background count was cancelled */
  gboolean       load_partial;   /* loading was cancelled: the frames before are shown */

  /* Expert counts of the displayed frames. */
  gboolean       expert_known;
  guint          n_errors;
  guint          n_warnings;
  /* The same for all frames, once a job has counted them. */
  gboolean       all_expert_known;
  guint32        all_scanned_upto;  /* frames the background counting has read */
  guint          all_errors;
  guint          all_warnings;

  guint          poll_id;
  guint          shrink_check_id;
  double         progress;
  char          *busy_text;

  IotPacket     *pkt;
  guint32        selected_frame;
  int            selected_node;

  IotTimeFormat  time_format;
  gboolean       colorize;

  gboolean       live;           /* following a capture file being written */
  LiveJob       *live_job;       /* its worker: indexing and first pass */
  guint          new_rows_step;  /* rows shown at once while the list makes row widgets */
  guint          rows_step_id;   /* the next step of those rows */
  gboolean       rows_held;      /* passed frames or matches wait for a step */
  /* Matches of the applied filter not in the list yet: they wait for a
   * step while the list makes its row widgets. */
  GArray        *held_matches;
  /* Live: the frames passed when the worker last made the summaries of
   * the newest ones.  The list shows no further (the pass goes on while
   * the main loop shows them, and those rows would be dissected here). */
  guint32        live_summarised;
};

G_DEFINE_FINAL_TYPE (IotSession, iot_session, G_TYPE_OBJECT)

static void live_job_stop (IotSession *self);
static void live_send_rules (IotSession *self, LiveJob *job);
static gboolean shrink_check_cb (gpointer data);
static gboolean show_new_rows (IotSession *self);
static void forget_held_matches (IotSession *self);
static void hold_matches (IotSession *self, const GArray *matches);

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
  PROP_SORTING,
  PROP_SORT_COLUMN,
  PROP_SORT_DESCENDING,
  PROP_EXPERT,
  PROP_TIME_REF,
  N_PROPS
};

enum {
  SIGNAL_LOAD_FINISHED,
  SIGNAL_FILTER_FINISHED,
  SIGNAL_SORT_FINISHED,
  SIGNAL_PROBLEM,
  SIGNAL_LIVE_ENDED,
  SIGNAL_NOTES_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void session_poll (IotSession *self);
static void schedule_jobs (IotSession *self);
static void set_expert (IotSession *self, gboolean known, guint n_errors, guint n_warnings);
static void set_sorting (IotSession *self, gboolean sorting);
static gboolean is_natural_order (IotColumn column, const char *field, gboolean descending);

/* ---- jobs ------------------------------------------------------------------- */

static void
load_job_free (gpointer data)
{
  LoadJob *job = data;

  g_mutex_clear (&job->lock);
  g_clear_pointer (&job->capture, iot_capture_unref);
  g_clear_pointer (&job->notes_from, iot_file_unref);
  g_clear_object (&job->abandon);
  g_free (job->path);
  g_free (job);
}

static void
view_job_free (gpointer data)
{
  ViewJob *job = data;

  iot_capture_unref (job->capture);
  g_free (job->text);
  g_free (job->sort_field);
  g_clear_pointer (&job->numbers, g_array_unref);
  g_clear_pointer (&job->pass, iot_filter_pass_free);
  g_free (job->positions);
  g_clear_pointer (&job->matches, g_array_unref);
  g_clear_pointer (&job->order, g_array_unref);
  g_clear_pointer (&job->rules, iot_colour_rule_set_free);
  g_clear_pointer (&job->summaries, g_ptr_array_unref);
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

/* Takes over the capture the worker made: the preview of the file's
 * head, then the whole file.  The whole file numbers the same frames the
 * same way, and has passed at least as many: the list keeps its rows. */
static void
adopt_capture (IotSession *self)
{
  IotCapture *capture = NULL;

  g_mutex_lock (&self->load_job->lock);
  if (self->load_job->capture != NULL && self->load_job->capture != self->capture)
    capture = iot_capture_ref (self->load_job->capture);
  g_mutex_unlock (&self->load_job->lock);
  if (capture == NULL)
    return;
  if (self->capture != NULL)
    {
      iot_capture_unref (self->capture);
      self->capture = capture;
      iot_frame_list_replace_capture (self->frames, capture);
      return;
    }
  self->capture = capture;
  iot_frame_list_set_capture (self->frames, capture);
}

static void
poll_loading (IotSession *self)
{
  g_autofree char *text = NULL;
  g_autofree char *base = g_path_get_basename (self->path);
  gboolean indexed;

  adopt_capture (self);
  g_mutex_lock (&self->load_job->lock);
  indexed = self->load_job->indexed;
  g_mutex_unlock (&self->load_job->lock);
  if (!indexed)
    {
      guint64 done, total;

      g_mutex_lock (&self->load_job->lock);
      done = self->load_job->bytes_done;
      total = self->load_job->bytes_total;
      g_mutex_unlock (&self->load_job->lock);
      text = g_strdup_printf (_("Reading %s…"), base);
      set_progress (self, total > 0 ? (double) done / total : 0.0);
    }
  else
    {
      guint32 passed = iot_capture_n_passed (self->capture);
      guint32 total = iot_capture_n_frames (self->capture);

      text = g_strdup_printf (_("Dissecting %s: %u of %u frames…"), base, passed, total);
      set_progress (self, total > 0 ? (double) passed / total : 1.0);
    }
  set_busy_text (self, text);
}

/* A job that only orders frames already shown (no filter, no counting). */
static gboolean
job_sorts_only (const ViewJob *job)
{
  return job->numbers != NULL || job->sort_all;
}

/* The matches a progressive filter found since the last update go to the
 * end of the list: what the workers made in one poll interval, so each
 * update costs the main loop little whatever the size of the capture. */
static void
take_progressive_matches (IotSession *self, ViewJob *job)
{
  g_autoptr (GArray) matches = g_array_new (FALSE, FALSE, sizeof (guint32));

  if (!iot_filter_pass_take (job->pass, matches, &job->n_errors, &job->n_warnings))
    return;
  if (!job->view_replaced)
    {
      /* The first matches replace the list in one step (its rows keep
       * their widgets); until then it showed what it showed before. */
      job->view_replaced = TRUE;
      forget_held_matches (self);
      iot_frame_list_set_view (self->frames, g_steal_pointer (&matches), NULL);
      notify_n_displayed (self);
      return;
    }
  /* A list short of its row widgets takes them a step at a time. */
  hold_matches (self, matches);
  show_new_rows (self);
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
  if (self->view_job != NULL && !self->view_job->quiet && !self->view_job->append)
    {
      ViewJob *job = self->view_job;

      if (g_atomic_int_get (&job->sorting))
        {
          gint total = g_atomic_int_get (&job->sort_progress.total);

          /* Reading columns first (progress), then the sort itself. */
          set_busy_text (self, total > 0 ? _("Sorting: reading the column…") : _("Sorting…"));
          set_progress (self, total > 0 ? (double) g_atomic_int_get (&job->sort_progress.done) / total : 1.0);
        }
      else if (!job_sorts_only (job))
        {
          guint32 span = job->to - job->from + 1;
          guint32 done = job->pass != NULL ? iot_filter_pass_done (job->pass) : 0;

          set_busy_text (self, job->text != NULL ? _("Filtering…") : _("Reading frames…"));
          set_progress (self, span > 0 ? (double) done / span : 0.0);
        }
    }
  if (self->view_job != NULL && self->view_job->progressive)
    take_progressive_matches (self, self->view_job);
  schedule_jobs (self);
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

/* The head of a large capture file, indexed alone with its first rows
 * passed, to show while the whole file is indexed; NULL for a small file
 * or one whose head cannot be read so (compressed, not a regular file). */
static IotCapture *
open_preview (const char *path)
{
  g_autoptr (GMappedFile) mapped = g_mapped_file_new (path, FALSE, NULL);
  g_autoptr (GBytes) all = NULL;
  g_autoptr (GBytes) head = NULL;
  g_autoptr (IotFile) file = NULL;
  IotCapture *capture;

  if (mapped == NULL || g_mapped_file_get_length (mapped) < PREVIEW_MIN_SIZE)
    return NULL;
  all = g_mapped_file_get_bytes (mapped);
  head = g_bytes_new_from_bytes (all, 0, PREVIEW_BYTES);
  /* The last record is cut short: it is left out as damage. */
  file = iot_file_open_bytes (head, path, NULL);
  if (file == NULL || iot_file_n_frames (file) == 0)
    return NULL;
  capture = iot_capture_new (file);
  iot_engine_first_pass_upto (iot_capture_engine (capture), MIN (iot_file_n_frames (file), FIRST_ROWS), NULL);
  return capture;
}

/* The first pass up to frame @n, a step at a time.  It reads the file
 * front to back: the pages behind it leave this process (they stay in the
 * page cache), so that a large capture does not stay resident for nothing;
 * the rows shown read theirs back. */
static gboolean
first_pass_dropping_behind (IotCapture *capture, guint32 n, GCancellable *cancellable)
{
  IotEngine *engine = iot_capture_engine (capture);
  guint32 upto = iot_engine_n_passed (engine);

  while (upto < n)
    {
      guint32 next = MIN ((guint64) upto + PASS_STEP, n);

      if (!iot_engine_first_pass_upto (engine, next, cancellable))
        return FALSE;
      iot_file_drop_pages (iot_capture_file (capture), upto + 1, next + 1);
      upto = next;
    }
  return TRUE;
}

static void
load_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  LoadJob *job = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = NULL;
  IotCapture *capture, *preview;
  guint32 n, preview_passed = 0;

  iot_worker_lower_priority ();
  preview = open_preview (job->path);
  if (preview != NULL)
    {
      preview_passed = iot_capture_n_passed (preview);
      g_mutex_lock (&job->lock);
      job->capture = preview;
      g_mutex_unlock (&job->lock);
      g_idle_add_full (G_PRIORITY_DEFAULT, poll_now_cb, g_object_ref (source), g_object_unref);
    }
  file = iot_file_open_full (job->path, preview != NULL ? job->abandon : cancellable, load_progress_cb, job,
                             &error);
  if (file == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Before the first pass: frame.marked and ignored frames count from it. */
  if (job->notes_from != NULL)
    iot_file_copy_notes (job->notes_from, file);
  g_clear_pointer (&job->notes_from, iot_file_unref);
  capture = iot_capture_new (file);
  n = iot_file_n_frames (file);
  /* A first screenful (and at least what the preview showed), then wake
   * the main loop to show it. */
  iot_engine_first_pass_upto (iot_capture_engine (capture), MIN (n, MAX (FIRST_ROWS, preview_passed)),
                              preview != NULL ? job->abandon : cancellable);
  g_mutex_lock (&job->lock);
  g_clear_pointer (&job->capture, iot_capture_unref);
  job->capture = capture;
  job->indexed = TRUE;
  g_mutex_unlock (&job->lock);
  g_idle_add_full (G_PRIORITY_DEFAULT, poll_now_cb, g_object_ref (source), g_object_unref);
  if (!first_pass_dropping_behind (capture, n, cancellable))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Loading was cancelled"));
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
  adopt_capture (self);
  self->load_job = NULL;
  self->loading = FALSE;
  self->load_seconds = (g_get_monotonic_time () - self->load_start_us) / 1e6;
  session_poll (self);
  update_busy (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);

  if (error != NULL && self->capture == NULL)
    {
      /* Nothing of the file is shown: the window shows no file either
       * (its title and status bar go back to "iotscope"). */
      g_clear_pointer (&self->path, g_free);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
    }
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      && !g_error_matches (error, IOT_FILE_ERROR, IOT_FILE_ERROR_CANCELLED))
    {
      g_autofree char *title = g_strdup_printf (_("Could not open “%s”"), base);

      report_problem (self, title, error->message);
      return;
    }
  if (error != NULL && self->capture != NULL)
    {
      self->load_partial = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
    }
  if (self->capture != NULL && self->shrink_check_id == 0)
    self->shrink_check_id = g_timeout_add (SHRINK_CHECK_MS, shrink_check_cb, self);
  /* (A preview's damage is only where its head was cut.) */
  if (self->capture != NULL && job->indexed && iot_file_damage (iot_capture_file (self->capture)) != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("“%s” is damaged"), base);
      g_autofree char *detail = g_strdup_printf (_("%s\n\nThe %u frames before the damage are shown."),
                                                 iot_file_damage (iot_capture_file (self->capture)),
                                                 iot_capture_n_frames (self->capture));

      report_problem (self, title, detail);
    }
  g_signal_emit (self, signals[SIGNAL_LOAD_FINISHED], 0);
}

/* Another program (a `tcpdump -w` reusing the name) may truncate the file
 * we show.  Reading its lost frames is safe (the frame store gives them no
 * bytes), but the user must be told, once. */
static gboolean
shrink_check_cb (gpointer data)
{
  IotSession *self = data;
  IotFile *file;
  guint32 lost;

  if (self->capture == NULL || self->live)
    return G_SOURCE_CONTINUE;
  file = iot_capture_file (self->capture);
  lost = iot_file_first_lost (file);
  if (lost != 0)
    {
      g_autofree char *base = g_path_get_basename (iot_file_path (file));
      g_autofree char *title = g_strdup_printf (_("“%s” changed while it was open"), base);
      g_autofree char *message = iot_file_lost_message (file, lost);
      g_autofree char *detail = g_strdup_printf (_("%s.\n\nFrame %u and the frames after it are no "
                                                 "longer in the file: they are shown without "
                                                 "their bytes.  Open the file again to see what "
                                                 "it holds now."), message, lost);

      self->shrink_check_id = 0;
      report_problem (self, title, detail);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
reset_selection (IotSession *self)
{
  iot_session_select_frame (self, 0);
}

/* Forgets the open capture (and its filter, sort and counts). */
static void
reset_capture (IotSession *self)
{
  if (self->loading && self->load_job != NULL)
    g_cancellable_cancel (self->load_job->abandon);
  iot_session_cancel (self);
  reset_selection (self);
  self->generation++;
  g_clear_handle_id (&self->shrink_check_id, g_source_remove);
  g_clear_pointer (&self->capture, iot_capture_unref);
  g_clear_pointer (&self->filter_text, g_free);
  self->filtered_upto = 0;
  self->view_job = NULL;
  self->filtering = FALSE;
  self->scan_stopped = FALSE;
  self->load_partial = FALSE;
  self->all_expert_known = FALSE;
  self->all_scanned_upto = 0;
  set_expert (self, FALSE, 0, 0);
  set_sorting (self, FALSE);
  if (!is_natural_order (self->sort_column, self->sort_field, self->sort_descending))
    {
      /* A new file starts in frame order. */
      self->sort_column = IOT_COLUMN_NUMBER;
      g_clear_pointer (&self->sort_field, g_free);
      self->sort_descending = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT_COLUMN]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT_DESCENDING]);
    }
  live_job_stop (self);
  forget_held_matches (self);
  self->new_rows_step = NEW_ROWS_FIRST_STEP;
  self->rows_held = FALSE;
  iot_frame_list_set_capture (self->frames, NULL);
  self->live = FALSE;
}

void
iot_session_open (IotSession *self, GFile *file)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (IotFile) notes_from = NULL;
  g_autofree char *path = NULL;
  LoadJob *job;

  g_return_if_fail (IOT_IS_SESSION (self));
  g_return_if_fail (G_IS_FILE (file));

  path = g_file_get_path (file);
  if (path == NULL)
    path = g_file_get_uri (file);
  /* The same file again (File > Reload, or dissection preferences that
   * changed): what the user said about its frames stays. */
  if (self->capture != NULL && !self->live && g_strcmp0 (path, self->path) == 0)
    notes_from = iot_file_ref (iot_capture_file (self->capture));
  reset_capture (self);
  g_free (self->path);
  self->path = g_steal_pointer (&path);
  self->load_start_us = g_get_monotonic_time ();
  self->load_seconds = 0;
  self->load_partial = FALSE;

  job = g_new0 (LoadJob, 1);
  g_mutex_init (&job->lock);
  job->path = g_strdup (self->path);
  job->notes_from = g_steal_pointer (&notes_from);
  job->generation = self->generation;
  job->abandon = g_cancellable_new ();
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

/* ---- live captures ------------------------------------------------------------ */


static void
live_job_free (LiveJob *job)
{
  iot_capture_unref (job->capture);
  g_mutex_clear (&job->lock);
  g_cond_clear (&job->cond);
  g_free (job->error);
  g_clear_pointer (&job->new_rules, iot_colour_rule_set_free);
  g_clear_pointer (&job->rules, iot_colour_rule_set_free);
  g_clear_pointer (&job->summaries, g_ptr_array_unref);
  g_clear_pointer (&job->pkt, iot_packet_free);
  g_free (job);
}

typedef struct {
  IotSession *session;
  LiveJob    *job;
} LiveUpdate;

static void
live_update_free (gpointer data)
{
  LiveUpdate *update = data;

  g_object_unref (update->session);
  g_free (update);
}

/* How many of @available new rows the list takes now, when it shows
 * @before: all of them once it has its row widgets, else a step. */
static guint
rows_to_show (IotSession *self, guint before, guint available)
{
  return before >= LIST_WIDGET_ROWS ? available : MIN (available, self->new_rows_step);
}

/* Frames the worker has passed go to the list: unfiltered, as many rows
 * as rows_to_show() allows (FALSE when some wait); filtered, for the
 * filter to check.  A sorted view keeps its order until sorted again:
 * the new frames go at its end. */
static gboolean
show_passed_frames (IotSession *self, guint before)
{
  guint32 passed = iot_capture_n_passed (self->capture);
  guint n;

  if (self->live_job != NULL)
    passed = MIN (passed, self->live_summarised);
  if (iot_frame_list_is_filtered (self->frames))
    {
      iot_frame_list_set_n_passed (self->frames, passed);
      return TRUE;
    }
  if (passed <= before)
    return TRUE;
  n = rows_to_show (self, before, passed - before);
  iot_frame_list_set_n_passed (self->frames, before + n);
  return before + n == passed;
}

/* The held matches of the filter go to the list the same way.  Not while
 * a sort of the displayed frames runs: its order must cover exactly the
 * frames displayed when it ends. */
static gboolean
show_held_matches (IotSession *self, guint before)
{
  GArray *held = self->held_matches;
  guint n;

  if (held == NULL || held->len == 0)
    return TRUE;
  if (self->view_job != NULL && job_sorts_only (self->view_job))
    return FALSE;
  n = rows_to_show (self, before, held->len);
  iot_frame_list_append_matches (self->frames, (const guint32 *) (gpointer) held->data, n);
  g_array_remove_range (held, 0, n);
  return held->len == 0;
}

static gboolean rows_step_cb (gpointer data);

/* Shows what is ready: passed frames (unfiltered) or matches (filtered).
 * GtkListView keeps widgets for up to LIST_WIDGET_ROWS rows, and makes a
 * row's widgets when it hears of the row: until it has them, rows come a
 * step per frame, as many as fit in NEW_ROWS_BUDGET_US by what the last
 * step cost.  FALSE when some wait for the next step (scheduled here). */
static gboolean
show_new_rows (IotSession *self)
{
  guint before = iot_session_get_n_displayed (self);
  gint64 start = g_get_monotonic_time ();
  gboolean all;
  guint after;

  if (self->capture == NULL)
    return TRUE;
  all = show_passed_frames (self, before) && show_held_matches (self, before);
  after = iot_session_get_n_displayed (self);
  if (before < LIST_WIDGET_ROWS && after > before)
    {
      gint64 per_row = MAX ((g_get_monotonic_time () - start) / (after - before), 1);

      self->new_rows_step = CLAMP (NEW_ROWS_BUDGET_US / per_row, NEW_ROWS_MIN_STEP, NEW_ROWS_MAX_STEP);
    }
  self->rows_held = !all;
  if (after != before)
    notify_n_displayed (self);
  if (!all && self->rows_step_id == 0)
    self->rows_step_id = g_timeout_add_full (G_PRIORITY_DEFAULT_IDLE, NEW_ROWS_STEP_MS, rows_step_cb, self, NULL);
  return all;
}

/* Matches a filter found after the last ones shown, from @matches[@from]. */
static void
hold_matches_from (IotSession *self, const GArray *matches, guint from)
{
  if (self->held_matches == NULL)
    self->held_matches = g_array_new (FALSE, FALSE, sizeof (guint32));
  if (from < matches->len)
    g_array_append_vals (self->held_matches, &g_array_index (matches, guint32, from), matches->len - from);
}

static void
hold_matches (IotSession *self, const GArray *matches)
{
  hold_matches_from (self, matches, 0);
}

/* The list gets other matches (another filter, or none). */
static void
forget_held_matches (IotSession *self)
{
  if (self->held_matches != NULL)
    g_array_set_size (self->held_matches, 0);
}

/* On the main loop: shows what the worker has passed; once everything
 * is shown after the capture ended, the session is no longer live. */
static void
live_refresh (IotSession *self)
{
  LiveJob *job = self->live_job;
  gboolean all = show_new_rows (self);

  schedule_jobs (self);
  /* The next step comes from the step timer, not from an update of the
   * worker's, which waits for the update interval. */
  if (!all)
    return;
  if (g_atomic_int_get (&job->ended))
    {
      live_job_stop (self);
      self->live = FALSE;
      /* Whatever passed after the last summaries. */
      show_new_rows (self);
      g_signal_emit (self, signals[SIGNAL_LIVE_ENDED], 0);
    }
}

static gboolean
rows_step_cb (gpointer data)
{
  IotSession *self = data;

  self->rows_step_id = 0;
  if (self->live_job != NULL)
    live_refresh (self);
  else
    show_new_rows (self);
  return G_SOURCE_REMOVE;
}

/* On the main loop: show the frames the worker has passed so far. */
static gboolean
live_update_cb (gpointer data)
{
  LiveUpdate *update = data;
  IotSession *self = update->session;
  LiveJob *job = update->job;
  g_autofree char *error = NULL;

  g_autoptr (GPtrArray) summaries = NULL;
  guint generation;

  if (self->live_job != job)
    return G_SOURCE_REMOVE;    /* the job is gone: @job may be freed */
  g_atomic_int_set (&job->update_pending, 0);
  g_mutex_lock (&job->lock);
  error = g_steal_pointer (&job->error);
  job->last_shown = g_get_monotonic_time ();
  summaries = g_steal_pointer (&job->summaries);
  generation = job->summaries_generation;
  self->live_summarised = job->summarised;
  g_mutex_unlock (&job->lock);
  if (error != NULL)
    g_warning ("Live capture: %s", error);
  /* Before the rows: binding them finds their summaries made. */
  if (summaries != NULL)
    iot_frame_list_add_summaries (self->frames, summaries, generation);
  live_send_rules (self, job);
  live_refresh (self);
  return G_SOURCE_REMOVE;
}

/* On the main loop: the worker gets a copy of the colouring rules when
 * the summaries it would make are no longer those of the list. */
static void
live_send_rules (IotSession *self, LiveJob *job)
{
  guint generation = iot_frame_list_get_summary_generation (self->frames);
  IotColourRuleSet *rules;

  if (job->rules_sent && job->new_generation == generation)
    return;
  /* Compiled outside the lock: the worker may be waiting for it. */
  rules = iot_frame_list_dup_colour_rules (self->frames);
  g_mutex_lock (&job->lock);
  g_clear_pointer (&job->new_rules, iot_colour_rule_set_free);
  job->new_rules = rules;
  job->new_generation = generation;
  job->rules_pending = TRUE;
  job->rules_sent = TRUE;
  g_mutex_unlock (&job->lock);
}

/* In the worker: row summaries of the newest passed frames not made yet,
 * for the next update. */
static void
live_summarise_newest (LiveJob *job)
{
  guint32 passed = iot_engine_n_passed (iot_capture_engine (job->capture));
  g_autoptr (GPtrArray) made = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_row_summary_free);
  guint32 from;

  g_mutex_lock (&job->lock);
  if (job->rules_pending)
    {
      g_clear_pointer (&job->rules, iot_colour_rule_set_free);
      job->rules = g_steal_pointer (&job->new_rules);
      job->generation = job->new_generation;
      job->rules_pending = FALSE;
      job->summarised_upto = 0;
    }
  g_mutex_unlock (&job->lock);
  if (job->pkt == NULL)
    job->pkt = iot_packet_new ();
  from = passed > NEWEST_SUMMARIES ? passed - NEWEST_SUMMARIES + 1 : 1;
  from = MAX (from, job->summarised_upto + 1);
  for (guint32 number = from; number <= passed; number++)
    g_ptr_array_add (made, iot_row_summary_new (job->capture, job->pkt, job->rules, number));
  job->summarised_upto = passed;
  g_mutex_lock (&job->lock);
  job->summarised = passed;
  if (made->len == 0)
    {
      g_mutex_unlock (&job->lock);
      return;
    }
  if (job->summaries == NULL || job->summaries_generation != job->generation)
    {
      g_clear_pointer (&job->summaries, g_ptr_array_unref);
      job->summaries = g_steal_pointer (&made);
      job->summaries_generation = job->generation;
    }
  else
    {
      g_ptr_array_extend_and_steal (job->summaries, g_steal_pointer (&made));
      /* Only the newest are wanted; an update may be late. */
      if (job->summaries->len > NEWEST_SUMMARIES)
        g_ptr_array_remove_range (job->summaries, 0, job->summaries->len - NEWEST_SUMMARIES);
    }
  g_mutex_unlock (&job->lock);
}

/* From the worker: at most one update waits on the main loop. */
static void
live_post_update (IotSession *self, LiveJob *job)
{
  LiveUpdate *update;
  gint64 wait_us;

  if (!g_atomic_int_compare_and_exchange (&job->update_pending, 0, 1))
    return;
  update = g_new0 (LiveUpdate, 1);
  update->session = g_object_ref (self);
  update->job = job;
  g_mutex_lock (&job->lock);
  wait_us = job->last_shown + LIVE_UPDATE_INTERVAL_US - g_get_monotonic_time ();
  g_mutex_unlock (&job->lock);
  /* The last update (all caught up) is not held back. */
  if (wait_us > 0 && !g_atomic_int_get (&job->ended))
    g_timeout_add_full (G_PRIORITY_DEFAULT_IDLE, (guint) (wait_us / 1000) + 1, live_update_cb, update,
                        live_update_free);
  else
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, live_update_cb, update, live_update_free);
}

/* Indexes what was appended and passes it, a step at a time.  FALSE
 * when nothing new was there. */
static gboolean
live_catch_up (IotSession *self, LiveJob *job)
{
  IotFile *file = iot_capture_file (job->capture);
  IotEngine *engine = iot_capture_engine (job->capture);
  g_autoptr (GError) error = NULL;
  guint32 n_new = 0;

  if (!iot_file_refresh (file, &n_new, &error))
    {
      g_mutex_lock (&job->lock);
      g_free (job->error);
      job->error = g_strdup (error->message);
      g_mutex_unlock (&job->lock);
    }
  while (iot_engine_n_passed (engine) < iot_file_n_frames (file))
    {
      if (g_atomic_int_get (&job->cancelled))
        return FALSE;
      iot_engine_first_pass_upto (engine, iot_engine_n_passed (engine) + LIVE_STEP, NULL);
      live_summarise_newest (job);
      live_post_update (self, job);
    }
  return n_new > 0;
}

typedef struct {
  IotSession *session;   /* not a reference: the session joins the thread first */
  LiveJob    *job;
} LiveThreadData;

static gpointer
live_thread (gpointer data)
{
  LiveThreadData *start = data;
  IotSession *self = start->session;
  LiveJob *job = start->job;

  g_free (start);
  iot_worker_lower_priority ();
  for (;;)
    {
      gboolean finishing;

      g_mutex_lock (&job->lock);
      while (!job->kicked && !job->finishing && !job->cancelled)
        g_cond_wait (&job->cond, &job->lock);
      job->kicked = FALSE;
      finishing = job->finishing;
      g_mutex_unlock (&job->lock);
      if (g_atomic_int_get (&job->cancelled))
        break;
      /* After the stop, the capture has flushed its last batch: once a
       * refresh finds nothing new, everything is shown. */
      if (!live_catch_up (self, job) && finishing)
        {
          g_atomic_int_set (&job->ended, 1);
          g_atomic_int_set (&job->update_pending, 0);
          live_post_update (self, job);
          break;
        }
    }
  return NULL;
}

static void
live_job_signal (LiveJob *job, gboolean *flag)
{
  g_mutex_lock (&job->lock);
  *flag = TRUE;
  g_cond_signal (&job->cond);
  g_mutex_unlock (&job->lock);
}

/* Ends the worker (at most one pass step away) and forgets it. */
static void
live_job_stop (IotSession *self)
{
  LiveJob *job = g_steal_pointer (&self->live_job);

  g_clear_handle_id (&self->rows_step_id, g_source_remove);
  if (job == NULL)
    return;
  g_atomic_int_set (&job->cancelled, 1);
  live_job_signal (job, &job->cancelled);
  g_thread_join (job->thread);
  live_job_free (job);
}

gboolean
iot_session_open_live (IotSession *self, const char *path, GError **error)
{
  g_autoptr (IotFile) file = NULL;
  LiveThreadData *start;
  LiveJob *job;

  g_return_val_if_fail (IOT_IS_SESSION (self), FALSE);
  file = iot_file_open_growing (path, error);
  if (file == NULL)
    return FALSE;
  reset_capture (self);
  g_free (self->path);
  self->path = g_strdup (path);
  self->capture = iot_capture_new (file);
  iot_frame_list_set_capture (self->frames, self->capture);
  self->live = TRUE;
  self->load_seconds = 0;
  self->new_rows_step = NEW_ROWS_FIRST_STEP;
  self->rows_held = FALSE;
  self->live_summarised = 0;

  job = g_new0 (LiveJob, 1);
  job->capture = iot_capture_ref (self->capture);
  g_mutex_init (&job->lock);
  g_cond_init (&job->cond);
  /* The worker's colouring rules before it makes any summary. */
  live_send_rules (self, job);
  start = g_new0 (LiveThreadData, 1);
  start->session = self;
  start->job = job;
  self->live_job = job;
  job->thread = g_thread_new ("iotscope-live", live_thread, start);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTER_TEXT]);
  notify_n_displayed (self);
  return TRUE;
}

void
iot_session_live_update (IotSession *self)
{
  g_return_if_fail (IOT_IS_SESSION (self));
  if (self->live_job != NULL)
    live_job_signal (self->live_job, &self->live_job->kicked);
}

void
iot_session_end_live (IotSession *self)
{
  g_return_if_fail (IOT_IS_SESSION (self));
  if (self->live_job != NULL)
    live_job_signal (self->live_job, &self->live_job->finishing);
}

gboolean
iot_session_is_live (IotSession *self)
{
  return self->live;
}

gboolean
iot_session_live_rows_held (IotSession *self)
{
  return self->live && self->rows_held;
}

void
iot_session_close (IotSession *self)
{
  g_return_if_fail (IOT_IS_SESSION (self));
  reset_capture (self);
  g_clear_pointer (&self->path, g_free);
  self->loading = FALSE;
  update_busy (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTER_TEXT]);
  notify_n_displayed (self);
}

/* ---- the view: filter, order, expert counts ---------------------------------- */

/* From a worker: the first matches are there; show them now rather than
 * at the next poll. */
static void
view_first_matches_cb (gpointer data)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, poll_now_cb, g_object_ref (data), g_object_unref);
}

/* Live: the row summaries of the last frames of @shown (matches, or a
 * sort's order), the rows a list following the capture shows next. */
static void
view_summarise_last (ViewJob *job, const GArray *shown)
{
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  guint from = shown->len > LIST_WIDGET_ROWS ? shown->len - LIST_WIDGET_ROWS : 0;

  job->summaries = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_row_summary_free);
  for (guint i = from; i < shown->len; i++)
    g_ptr_array_add (job->summaries, iot_row_summary_new (job->capture, pkt, job->rules,
                                                          g_array_index (shown, guint32, i)));
}

/* Checks frames from..to on every core: the filter, the expert counts,
 * and the extract (the columns are dissected anyway). */
static gboolean
view_scan (ViewJob *job, GCancellable *cancellable, GError **error)
{
  if (job->pass == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "The filter does not compile");
      return FALSE;
    }
  if (!iot_filter_pass_run (job->pass, iot_filter_pass_default_threads (), cancellable,
                            job->progressive ? view_first_matches_cb : NULL, job->session, error))
    return FALSE;
  if (job->progressive)
    return TRUE;     /* the main loop takes the matches */
  if (job->text != NULL)
    job->matches = g_array_new (FALSE, FALSE, sizeof (guint32));
  iot_filter_pass_take (job->pass, job->matches, &job->n_errors, &job->n_warnings);
  if (job->summarise && job->matches != NULL && !job->sort)
    view_summarise_last (job, job->matches);
  return TRUE;
}

/* Background counting: the extract of frames from..to, and the counts of
 * all frames once every frame up to ->to has its extract. */
static gboolean
view_count (ViewJob *job, GCancellable *cancellable)
{
  if (!iot_frame_extract_range (job->capture, job->from, job->to, cancellable, &job->done))
    return FALSE;
  job->counted = iot_capture_extract_count (job->capture, 1, job->to, &job->n_errors, &job->n_warnings);
  return TRUE;
}

/* The inverse of @order: frame number → position + 1 (0: not in it). */
static guint32 *
order_positions (const GArray *order, guint32 *n_positions)
{
  const guint32 *numbers = (const guint32 *) (gpointer) order->data;
  guint32 highest = 0, *positions;

  for (guint i = 0; i < order->len; i++)
    highest = MAX (highest, numbers[i]);
  *n_positions = highest + 1;
  positions = g_new0 (guint32, *n_positions);
  for (guint i = 0; i < order->len; i++)
    positions[numbers[i]] = i + 1;
  return positions;
}

static void
view_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ViewJob *job = task_data;
  g_autoptr (GError) error = NULL;

  iot_worker_lower_priority ();
  if (job->quiet)
    {
      if (!view_count (job, cancellable))
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      else
        g_task_return_boolean (task, TRUE);
      return;
    }
  if (!job_sorts_only (job) && !view_scan (job, cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (job->sort)
    {
      g_autoptr (GArray) all = NULL;
      const GArray *numbers = job->numbers != NULL ? job->numbers : job->matches;

      if (numbers == NULL)
        {
          /* No filter: every frame checked is shown. */
          all = g_array_sized_new (FALSE, FALSE, sizeof (guint32), job->to);
          for (guint32 number = 1; number <= job->to; number++)
            g_array_append_val (all, number);
          numbers = all;
        }
      g_atomic_int_set (&job->sorting, TRUE);
      if (job->sort_field != NULL)
        job->order = iot_frame_sort_by_field (job->capture, (const guint32 *) (gpointer) numbers->data,
                                              numbers->len, job->sort_field, job->sort_descending,
                                              cancellable, &job->sort_progress);
      else
        job->order = iot_frame_sort (job->capture, (const guint32 *) (gpointer) numbers->data, numbers->len,
                                     job->sort_column, job->sort_descending, job->time_format,
                                     cancellable, &job->sort_progress);
      if (job->order == NULL)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
          return;
        }
      /* The list finds a frame's row by it: made here, not on the main
       * loop at the first look-up. */
      job->positions = order_positions (job->order, &job->n_positions);
      if (job->summarise)
        view_summarise_last (job, job->order);
    }
  g_task_return_boolean (task, TRUE);
}

static gboolean
is_natural_order (IotColumn column, const char *field, gboolean descending)
{
  return field == NULL && column == IOT_COLUMN_NUMBER && !descending;
}

static gboolean
sort_is_shown (IotSession *self)
{
  if (is_natural_order (self->sort_column, self->sort_field, self->sort_descending))
    return !iot_frame_list_is_sorted (self->frames);
  return self->shown_sort_column == self->sort_column
         && g_strcmp0 (self->shown_sort_field, self->sort_field) == 0
         && self->shown_sort_descending == self->sort_descending
         && iot_frame_list_is_sorted (self->frames);
}

static void
set_expert (IotSession *self, gboolean known, guint n_errors, guint n_warnings)
{
  if (self->expert_known == known && self->n_errors == n_errors && self->n_warnings == n_warnings)
    return;
  self->expert_known = known;
  self->n_errors = n_errors;
  self->n_warnings = n_warnings;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPERT]);
}

static void
set_sorting (IotSession *self, gboolean sorting)
{
  if (self->sorting == sorting)
    return;
  self->sorting = sorting;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORTING]);
}

/* The sort asked for goes back to the one shown (a cancelled sort). */
static void
revert_sort (IotSession *self)
{
  gboolean sorted = iot_frame_list_is_sorted (self->frames);
  IotColumn column = sorted ? self->shown_sort_column : IOT_COLUMN_NUMBER;
  const char *field = sorted ? self->shown_sort_field : NULL;
  gboolean descending = sorted ? self->shown_sort_descending : FALSE;

  if (self->sort_column == column && g_strcmp0 (self->sort_field, field) == 0
      && self->sort_descending == descending)
    return;
  self->sort_column = column;
  g_free (self->sort_field);
  self->sort_field = g_strdup (field);
  self->sort_descending = descending;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT_COLUMN]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT_DESCENDING]);
}

/* Frame @number went to @position + 1 of the job's order. */
static void
job_position_add (ViewJob *job, guint32 number, guint32 position)
{
  if (job->positions == NULL)
    return;
  if (number >= job->n_positions)
    {
      guint32 size = MAX (number + 1, job->n_positions + job->n_positions / 4);

      job->positions = g_renew (guint32, job->positions, size);
      memset (job->positions + job->n_positions, 0, (size - job->n_positions) * sizeof (guint32));
      job->n_positions = size;
    }
  job->positions[number] = position;
}

static void
view_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  IotSession *self = IOT_SESSION (source);
  ViewJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  gboolean was_filtering = self->filtering;
  gboolean was_sorting = self->sorting;
  gboolean whole_view = !job->append && !job->quiet;

  if (job != self->view_job)
    return;     /* superseded */
  self->view_job = NULL;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!job->append && !job_sorts_only (job) && job->text != NULL)
        {
          /* A cancelled filter: back to no filter rather than a
           * half-filtered list. */
          self->filtering = FALSE;
          g_clear_pointer (&self->filter_text, g_free);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTER_TEXT]);
          forget_held_matches (self);
          if (iot_frame_list_is_filtered (self->frames))
            {
              iot_frame_list_set_view (self->frames, NULL, NULL);
              set_expert (self, self->all_expert_known, self->all_errors, self->all_warnings);
              notify_n_displayed (self);
            }
        }
      /* The arrow goes back to the order shown. */
      revert_sort (self);
      set_sorting (self, FALSE);
      update_busy (self);
      if (was_filtering)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTERING]);
      return;
    }

  if (job->quiet)
    {
      self->all_scanned_upto = job->to;
      if (job->counted && job->to >= iot_session_get_n_total (self) && !self->loading)
        {
          self->all_expert_known = TRUE;
          self->all_errors = job->n_errors;
          self->all_warnings = job->n_warnings;
          if (self->filter_text == NULL)
            set_expert (self, TRUE, job->n_errors, job->n_warnings);
        }
    }
  if (job->progressive)
    {
      take_progressive_matches (self, job);
      if (!job->view_replaced)
        iot_frame_list_set_view (self->frames, g_array_new (FALSE, FALSE, sizeof (guint32)), NULL);
      /* All of them shown, as "filter-finished" promises. */
      if (self->held_matches != NULL && self->held_matches->len > 0)
        {
          iot_frame_list_append_matches (self->frames, (const guint32 *) (gpointer) self->held_matches->data,
                                         self->held_matches->len);
          forget_held_matches (self);
        }
      self->filtered_upto = job->to;
      set_expert (self, TRUE, job->n_errors, job->n_warnings);
    }
  else if (job->append)
    {
      if (job->summaries != NULL)
        iot_frame_list_add_summaries (self->frames, job->summaries, job->generation);
      /* A capture's matches come a step at a time (behind those that
       * still wait); a file's all at once, as "filter-finished" promises. */
      if (self->live || (self->held_matches != NULL && self->held_matches->len > 0))
        hold_matches (self, job->matches);
      else
        iot_frame_list_append_matches (self->frames, (const guint32 *) (gpointer) job->matches->data,
                                       job->matches->len);
      set_expert (self, TRUE, self->n_errors + job->n_errors, self->n_warnings + job->n_warnings);
      self->filtered_upto = job->to;
    }
  else if (!job->quiet)
    {
      GArray *matches = job_sorts_only (job) ? NULL : g_steal_pointer (&job->matches);
      GArray *order = g_steal_pointer (&job->order);
      /* Sorting what a filter shows keeps its matches (no copy of them). */
      gboolean keep_matches = job_sorts_only (job) && iot_frame_list_is_filtered (self->frames);

      if (job->text != NULL)
        {
          self->filtered_upto = job->to;
          set_expert (self, TRUE, job->n_errors, job->n_warnings);
          forget_held_matches (self);
          /* Capturing, a list short of its row widgets takes the
           * matches a step at a time too (in frame order only: an order
           * must cover every frame displayed). */
          if (self->live && order == NULL && matches != NULL && matches->len > MAX (iot_session_get_n_displayed (self), self->new_rows_step)
              && iot_session_get_n_displayed (self) < LIST_WIDGET_ROWS)
            {
              guint keep = MAX (iot_session_get_n_displayed (self), self->new_rows_step);

              hold_matches_from (self, matches, keep);
              g_array_set_size (matches, keep);
            }
        }
      /* Frames passed since the job started go at the end. */
      if (order != NULL && matches == NULL && !keep_matches)
        for (guint32 number = order->len + 1; number <= iot_frame_list_get_n_passed (self->frames); number++)
          {
            g_array_append_val (order, number);
            job_position_add (job, number, order->len);
          }
      if (job->sort)
        {
          self->shown_sort_column = job->sort_column;
          g_free (self->shown_sort_field);
          self->shown_sort_field = g_strdup (job->sort_field);
          self->shown_sort_descending = job->sort_descending;
        }
      if (job->summaries != NULL)
        iot_frame_list_add_summaries (self->frames, job->summaries, job->generation);
      if (keep_matches)
        iot_frame_list_set_order (self->frames, order);
      else
        iot_frame_list_set_view (self->frames, matches, order);
      if (order != NULL && job->positions != NULL)
        iot_frame_list_take_positions (self->frames, g_steal_pointer (&job->positions), job->n_positions);
    }
  if (job->text != NULL && !job->append)
    self->filtering = FALSE;
  if (job->sort)
    {
      self->sort_seconds = (g_get_monotonic_time () - self->sort_start_us) / 1e6;
      set_sorting (self, FALSE);
    }
  show_new_rows (self);
  update_busy (self);
  if (was_filtering && !self->filtering)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTERING]);
  notify_n_displayed (self);
  if (whole_view && job->text != NULL)
    g_signal_emit (self, signals[SIGNAL_FILTER_FINISHED], 0);
  if (job->sort && was_sorting)
    g_signal_emit (self, signals[SIGNAL_SORT_FINISHED], 0);
  schedule_jobs (self);
}

static ViewJob *
view_job_new (IotSession *self)
{
  ViewJob *job = g_new0 (ViewJob, 1);

  job->capture = iot_capture_ref (self->capture);
  job->time_format = self->time_format;
  return job;
}

/* Starts @job, superseding (cancelling) the one running. */
static void
start_view_job (IotSession *self, ViewJob *job)
{
  g_autoptr (GTask) task = NULL;

  if (self->view_cancel != NULL)
    g_cancellable_cancel (self->view_cancel);
  /* A filter shows its matches in the order asked for at once. */
  if (job->text != NULL && !job->append && !self->loading
      && !is_natural_order (self->sort_column, self->sort_field, self->sort_descending))
    {
      job->sort = TRUE;
      job->sort_column = self->sort_column;
      job->sort_field = g_strdup (self->sort_field);
      job->sort_descending = self->sort_descending;
    }
  if (job->sort)
    {
      job->quiet = FALSE;
      self->sort_start_us = g_get_monotonic_time ();
      set_sorting (self, TRUE);
    }
  /* A filter over a file shows its matches as the workers find them
   * (in frame order only: an order must cover every frame displayed). */
  job->session = self;
  if (!job->quiet && !job_sorts_only (job))
    job->pass = iot_filter_pass_new (self->capture, job->text, job->from, job->to, NULL);
  job->progressive = job->text != NULL && job->pass != NULL && !job->append && !job->sort && !self->live;
  /* A list following a capture shows the last rows of what the job
   * finds next: they are summarised there. */
  if (self->live && !job->quiet)
    {
      job->summarise = TRUE;
      job->generation = iot_frame_list_get_summary_generation (self->frames);
      job->rules = iot_frame_list_dup_colour_rules (self->frames);
    }
  self->view_job = job;
  g_clear_object (&self->view_cancel);
  self->view_cancel = g_cancellable_new ();
  task = g_task_new (self, self->view_cancel, view_done_cb, NULL);
  g_task_set_task_data (task, job, view_job_free);
  g_task_run_in_thread (task, view_thread);
  update_busy (self);
}

/* What comes next once nothing runs: an applied filter follows the first
 * pass in steps; once loaded, the order asked for, then (in the
 * background) the expert counts of all frames. */
static void
schedule_jobs (IotSession *self)
{
  guint32 passed;
  ViewJob *job;

  if (self->view_job != NULL || self->capture == NULL)
    return;
  passed = iot_frame_list_get_n_passed (self->frames);
  if (self->filter_text != NULL && self->filtered_upto < passed)
    {
      job = view_job_new (self);
      job->text = g_strdup (self->filter_text);
      job->from = self->filtered_upto + 1;
      job->to = passed;
      job->append = TRUE;
      start_view_job (self, job);
      return;
    }
  if (self->loading)
    return;
  if (!sort_is_shown (self))
    {
      job = view_job_new (self);
      job->sort = TRUE;
      job->sort_column = self->sort_column;
      job->sort_field = g_strdup (self->sort_field);
      job->sort_descending = self->sort_descending;
      /* Unfiltered, the worker numbers the frames itself: no copy of
       * millions of numbers on the main loop. */
      if (iot_frame_list_is_filtered (self->frames))
        job->numbers = iot_frame_list_dup_displayed (self->frames);
      else
        job->sort_all = TRUE;
      job->to = passed;
      start_view_job (self, job);
      return;
    }
  /* While a capture grows, the file holds frames not passed yet: counting
   * waits for new frames rather than counting the last one again and
   * again (a job per main-loop iteration). */
  if (self->filter_text == NULL && !self->all_expert_known && !self->scan_stopped && passed > 0
      && self->all_scanned_upto < passed)
    {
      job = view_job_new (self);
      job->quiet = TRUE;
      /* In chunks, from where the last one stopped; the last chunk also
       * counts (quickly, from the extract). */
      job->from = MIN (self->all_scanned_upto + 1, passed);
      job->to = MIN ((guint64) self->all_scanned_upto + SCAN_CHUNK, passed);
      start_view_job (self, job);
    }
}

gboolean
iot_session_apply_filter (IotSession *self, const char *text, GError **error)
{
  g_autoptr (IotFilterProblem) problem = NULL;
  g_autoptr (IotFilter) filter = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  ViewJob *job;

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
  if (self->view_cancel != NULL)
    g_cancellable_cancel (self->view_cancel);
  self->view_job = NULL;
  set_sorting (self, FALSE);
  g_clear_pointer (&self->filter_text, g_free);
  forget_held_matches (self);
  self->filtered_upto = 0;
  self->scan_stopped = FALSE;
  if (*stripped == '\0' || self->capture == NULL)
    {
      self->filtering = FALSE;
      if (iot_frame_list_is_filtered (self->frames) || iot_frame_list_is_sorted (self->frames))
        iot_frame_list_set_view (self->frames, NULL, NULL);
      set_expert (self, self->all_expert_known, self->all_errors, self->all_warnings);
      update_busy (self);
      notify_n_displayed (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTER_TEXT]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTERING]);
      g_signal_emit (self, signals[SIGNAL_FILTER_FINISHED], 0);
      /* The order asked for, the counts of all frames. */
      schedule_jobs (self);
      return TRUE;
    }
  self->filter_text = g_steal_pointer (&stripped);
  self->filtering = TRUE;
  job = view_job_new (self);
  job->text = g_strdup (self->filter_text);
  /* Frames 1…0 when none has passed yet (a capture that has just
   * started): the frames to come are filtered as they pass. */
  job->from = 1;
  job->to = iot_frame_list_get_n_passed (self->frames);
  start_view_job (self, job);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTERING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTER_TEXT]);
  return TRUE;
}

/* Asks for the order of @column (or, @field not NULL, of that field's
 * values); the view follows once a worker computed it. */
static void
request_sort (IotSession *self, IotColumn column, const char *field, gboolean descending)
{
  descending = !!descending;
  if (self->sort_column == column && g_strcmp0 (self->sort_field, field) == 0
      && self->sort_descending == descending)
    {
      /* Shown already (or on its way): "sort-finished" all the same. */
      if (!self->sorting)
        g_signal_emit (self, signals[SIGNAL_SORT_FINISHED], 0);
      return;
    }
  self->sort_column = column;
  g_free (self->sort_field);
  self->sort_field = g_strdup (field);
  self->sort_descending = descending;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT_COLUMN]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT_DESCENDING]);
  if (self->capture == NULL)
    return;
  /* A filter being applied or caught up finishes first; the sort
   * follows (schedule_jobs). */
  if (self->view_job != NULL && (self->view_job->text != NULL))
    return;
  if (self->view_job != NULL)
    {
      /* Another sort, or the background count: the new sort reads the
       * frames too, and counts as it goes. */
      g_cancellable_cancel (self->view_cancel);
      self->view_job = NULL;
      set_sorting (self, FALSE);
    }
  if (self->loading)
    return;     /* sorted once loaded */
  if (is_natural_order (column, field, descending))
    {
      gint64 start = g_get_monotonic_time ();

      /* Frame order needs no worker. */
      if (iot_frame_list_is_sorted (self->frames))
        iot_frame_list_set_order (self->frames, NULL);
      self->sort_seconds = (g_get_monotonic_time () - start) / 1e6;
      g_signal_emit (self, signals[SIGNAL_SORT_FINISHED], 0);
    }
  schedule_jobs (self);
}

void
iot_session_sort (IotSession *self, IotColumn column, gboolean descending)
{
  g_return_if_fail (IOT_IS_SESSION (self));
  g_return_if_fail (column < IOT_N_COLUMNS);

  request_sort (self, column, NULL, descending);
}

void
iot_session_sort_by_field (IotSession *self, const char *field, gboolean descending)
{
  g_return_if_fail (IOT_IS_SESSION (self));
  g_return_if_fail (field != NULL && *field != '\0');

  request_sort (self, IOT_COLUMN_NUMBER, field, descending);
}

const char *
iot_session_get_sort_field (IotSession *self)
{
  return self->sort_field;
}

IotColumn
iot_session_get_sort_column (IotSession *self)
{
  return self->sort_column;
}

gboolean
iot_session_get_sort_descending (IotSession *self)
{
  return self->sort_descending;
}

gboolean
iot_session_is_sorting (IotSession *self)
{
  return self->sorting;
}

double
iot_session_get_sort_seconds (IotSession *self)
{
  return self->sort_seconds;
}

gboolean
iot_session_get_expert_counts (IotSession *self, guint *n_errors, guint *n_warnings)
{
  if (n_errors != NULL)
    *n_errors = self->n_errors;
  if (n_warnings != NULL)
    *n_warnings = self->n_warnings;
  return self->expert_known;
}

void
iot_session_cancel (IotSession *self)
{
  g_return_if_fail (IOT_IS_SESSION (self));
  if (self->load_cancel != NULL)
    g_cancellable_cancel (self->load_cancel);
  if (self->view_cancel != NULL)
    {
      /* The background count stops too, and is not restarted by itself. */
      self->scan_stopped = TRUE;
      g_cancellable_cancel (self->view_cancel);
    }
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

      /* frame.time_delta_displayed needs the frame displayed before this
       * one, in frame order whatever the sort. */
      options.prev_displayed = iot_frame_list_prev_displayed (self->frames, number);
      options.time_ref = iot_frame_list_time_base (self->frames, number);
      iot_engine_dissect (iot_capture_engine (self->capture), self->pkt, number, &options);
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
  return self->loading || self->filtering || self->sorting
         || (self->view_job != NULL && !self->view_job->quiet);
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

void
iot_session_set_time_ref (IotSession *self, guint32 number)
{
  guint32 selected;

  g_return_if_fail (IOT_IS_SESSION (self));
  if (self->capture == NULL || number > iot_capture_n_passed (self->capture))
    number = 0;
  if (number == iot_frame_list_get_time_ref (self->frames))
    return;
  iot_frame_list_set_time_ref (self->frames, number);
  /* The tree shows frame.time_relative: dissect the selection again. */
  selected = self->selected_frame;
  if (selected != 0)
    {
      int node = self->selected_node;

      self->selected_frame = 0;
      iot_session_select_frame (self, selected);
      iot_session_select_node (self, node);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME_REF]);
}

void
iot_session_notes_changed (IotSession *self, guint32 number)
{
  g_return_if_fail (IOT_IS_SESSION (self));
  iot_frame_list_forget_summary (self->frames, number);
  /* The tree shows the marks and comments: dissect the selection again. */
  if (self->selected_frame != 0 && (number == 0 || number == self->selected_frame))
    {
      guint32 selected = self->selected_frame;

      self->selected_frame = 0;
      iot_session_select_frame (self, selected);
    }
  g_signal_emit (self, signals[SIGNAL_NOTES_CHANGED], 0, number);
}

guint32
iot_session_get_time_ref (IotSession *self)
{
  return iot_frame_list_get_time_ref (self->frames);
}

IotTimeFormat
iot_session_get_time_format (IotSession *self)
{
  return self->time_format;
}

void
iot_session_set_time_format (IotSession *self, IotTimeFormat format)
{
  g_return_if_fail (format < IOT_N_TIME_FORMATS);
  if (self->time_format == format)
    return;
  self->time_format = format;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME_FORMAT]);
}

gboolean
iot_session_get_load_partial (IotSession *self)
{
  return self->load_partial;
}

guint32
iot_session_get_n_in_file (IotSession *self)
{
  return self->capture != NULL ? iot_capture_n_frames (self->capture) : 0;
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
  live_job_stop (self);
  g_clear_handle_id (&self->shrink_check_id, g_source_remove);
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
  g_clear_object (&self->view_cancel);
  g_free (self->path);
  g_free (self->filter_text);
  g_free (self->sort_field);
  g_free (self->shown_sort_field);
  g_free (self->busy_text);
  g_clear_pointer (&self->held_matches, g_array_unref);
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
    case PROP_SORTING: g_value_set_boolean (value, self->sorting); break;
    case PROP_SORT_COLUMN: g_value_set_int (value, self->sort_column); break;
    case PROP_SORT_DESCENDING: g_value_set_boolean (value, self->sort_descending); break;
    case PROP_EXPERT: g_value_set_boolean (value, self->expert_known); break;
    case PROP_TIME_REF: g_value_set_uint (value, iot_session_get_time_ref (self)); break;
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
                                                   IOT_N_TIME_FORMATS - 1, IOT_TIME_RELATIVE, rw);
  properties[PROP_COLORIZE] = g_param_spec_boolean ("colorize", NULL, NULL, TRUE, rw);
  properties[PROP_N_DISPLAYED] = g_param_spec_uint ("n-displayed", NULL, NULL, 0, G_MAXUINT32, 0, ro);
  properties[PROP_SORTING] = g_param_spec_boolean ("sorting", NULL, NULL, FALSE, ro);
  properties[PROP_SORT_COLUMN] = g_param_spec_int ("sort-column", NULL, NULL, IOT_COLUMN_NUMBER,
                                                   IOT_N_COLUMNS - 1, IOT_COLUMN_NUMBER, ro);
  properties[PROP_SORT_DESCENDING] = g_param_spec_boolean ("sort-descending", NULL, NULL, FALSE, ro);
  /* Notified whenever the expert counts change; TRUE once they are known. */
  properties[PROP_EXPERT] = g_param_spec_boolean ("expert", NULL, NULL, FALSE, ro);
  properties[PROP_TIME_REF] = g_param_spec_uint ("time-ref", NULL, NULL, 0, G_MAXUINT32, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_LOAD_FINISHED] =
    g_signal_new ("load-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_FILTER_FINISHED] =
    g_signal_new ("filter-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* The list shows the order asked for with iot_session_sort(). */
  signals[SIGNAL_SORT_FINISHED] =
    g_signal_new ("sort-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* A live capture's frames are all shown; the session is no longer live. */
  signals[SIGNAL_LIVE_ENDED] =
    g_signal_new ("live-ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* (frame number, 0 = many): a frame was marked, ignored or commented. */
  signals[SIGNAL_NOTES_CHANGED] =
    g_signal_new ("notes-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
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
  self->new_rows_step = NEW_ROWS_FIRST_STEP;
}

IotSession *
iot_session_new (void)
{
  return g_object_new (IOT_TYPE_SESSION, NULL);
}
