/* iot-session-private.h — what the files of IotSession share: its jobs,
 * its instance struct, its properties and signals, and the functions one
 * file calls in another (iot-session.c: polling, selection, properties;
 * iot-session-load.c: opening a file; iot-session-live.c: following a
 * capture; iot-session-view.c: filter, order, expert counts). */
#pragma once

#include "iot-session.h"

#include "iot-colour-rules.h"
#include "iot-filter-pass.h"
#include "iot-frame-sort.h"

G_BEGIN_DECLS

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
  /* The row summaries of the first screen, made by the worker before the
   * rest of the first pass starts: binding those rows on the main thread
   * would wait for the pass to give way (a pass step preempted on a busy
   * machine holds the engine's lock for milliseconds), and cost it a
   * dissection per row. */
  IotColourRuleSet *rules;        /* the list's, copied when the job started */
  guint             rules_generation;
  GPtrArray        *summaries;    /* IotRowSummary *, under lock until taken */
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

extern GParamSpec *iot_session_properties[N_PROPS];
extern guint iot_session_signals[N_SIGNALS];

/* iot-session.c */
void iot_session_set_busy_text (IotSession *self, const char *text);
void iot_session_set_progress (IotSession *self, double progress);
void iot_session_notify_n_displayed (IotSession *self);
gboolean iot_session_job_sorts_only (const ViewJob *job);
void iot_session_take_progressive_matches (IotSession *self, ViewJob *job);
void iot_session_poll (IotSession *self);
gboolean iot_session_poll_now_cb (gpointer data);
void iot_session_update_busy (IotSession *self);

/* iot-session-load.c */
void iot_session_poll_loading (IotSession *self);
void iot_session_reset_capture (IotSession *self);

/* iot-session-live.c */
gboolean iot_session_show_new_rows (IotSession *self);
void iot_session_hold_matches_from (IotSession *self, const GArray *matches, guint from);
void iot_session_hold_matches (IotSession *self, const GArray *matches);
void iot_session_forget_held_matches (IotSession *self);
void iot_session_live_job_stop (IotSession *self);

/* iot-session-view.c */
gboolean iot_session_is_natural_order (IotColumn column, const char *field, gboolean descending);
void iot_session_set_expert (IotSession *self, gboolean known, guint n_errors, guint n_warnings);
void iot_session_set_sorting (IotSession *self, gboolean sorting);
void iot_session_schedule_jobs (IotSession *self);

G_END_DECLS
