/* iot-session-live.c — following a capture file being written: a worker
 * indexes and passes what is appended, the list takes the new rows a
 * step at a time. */
#include "iot-session-private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "iot-filter.h"
#include "iot-frame-notes.h"

static void live_send_rules (IotSession *self, LiveJob *job);

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
  if (self->view_job != NULL && iot_session_job_sorts_only (self->view_job))
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
gboolean
iot_session_show_new_rows (IotSession *self)
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
    iot_session_notify_n_displayed (self);
  if (!all && self->rows_step_id == 0)
    self->rows_step_id = g_timeout_add_full (G_PRIORITY_DEFAULT_IDLE, NEW_ROWS_STEP_MS, rows_step_cb, self, NULL);
  return all;
}

/* Matches a filter found after the last ones shown, from @matches[@from]. */
void
iot_session_hold_matches_from (IotSession *self, const GArray *matches, guint from)
{
  if (self->held_matches == NULL)
    self->held_matches = g_array_new (FALSE, FALSE, sizeof (guint32));
  if (from < matches->len)
    g_array_append_vals (self->held_matches, &g_array_index (matches, guint32, from), matches->len - from);
}

void
iot_session_hold_matches (IotSession *self, const GArray *matches)
{
  iot_session_hold_matches_from (self, matches, 0);
}

/* The list gets other matches (another filter, or none). */
void
iot_session_forget_held_matches (IotSession *self)
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
  gboolean all = iot_session_show_new_rows (self);

  iot_session_schedule_jobs (self);
  /* The next step comes from the step timer, not from an update of the
   * worker's, which waits for the update interval. */
  if (!all)
    return;
  if (g_atomic_int_get (&job->ended))
    {
      iot_session_live_job_stop (self);
      self->live = FALSE;
      /* Whatever passed after the last summaries. */
      iot_session_show_new_rows (self);
      g_signal_emit (self, iot_session_signals[SIGNAL_LIVE_ENDED], 0);
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
    iot_session_show_new_rows (self);
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
void
iot_session_live_job_stop (IotSession *self)
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
  iot_session_reset_capture (self);
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

  g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_PATH]);
  g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_FILTER_TEXT]);
  iot_session_notify_n_displayed (self);
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
  iot_session_reset_capture (self);
  g_clear_pointer (&self->path, g_free);
  self->loading = FALSE;
  iot_session_update_busy (self);
  g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_LOADING]);
  g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_PATH]);
  g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_FILTER_TEXT]);
  iot_session_notify_n_displayed (self);
}
