/* iot-session-view.c — what the list shows: the filter, the order, the
 * expert counts of the displayed frames, computed in workers. */
#include "iot-session-private.h"
#include "iot-app-test.h"

#include <glib/gi18n.h>
#include <string.h>

#include "iot-filter.h"
#include "iot-frame-notes.h"

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

/* ---- the view: filter, order, expert counts ---------------------------------- */

/* The Time column sorts as it shows: by the deltas when it shows them. */
static IotSortTime
sort_time_of (IotTimeFormat format)
{
  if (format == IOT_TIME_DELTA_DISPLAYED)
    return IOT_SORT_TIME_DELTA_DISPLAYED;
  return format == IOT_TIME_DELTA ? IOT_SORT_TIME_DELTA : IOT_SORT_TIME_STAMP;
}

/* From a worker: the first matches are there; show them now rather than
 * at the next poll. */
static void
view_first_matches_cb (gpointer data)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, iot_session_poll_now_cb, g_object_ref (data), g_object_unref);
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
  if (!iot_session_job_sorts_only (job) && !view_scan (job, cancellable, &error))
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
                                     job->sort_column, job->sort_descending, sort_time_of (job->time_format),
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

gboolean
iot_session_is_natural_order (IotColumn column, const char *field, gboolean descending)
{
  return field == NULL && column == IOT_COLUMN_NUMBER && !descending;
}

static gboolean
sort_is_shown (IotSession *self)
{
  if (iot_session_is_natural_order (self->sort_column, self->sort_field, self->sort_descending))
    return !iot_frame_list_is_sorted (self->frames);
  return self->shown_sort_column == self->sort_column
         && g_strcmp0 (self->shown_sort_field, self->sort_field) == 0
         && self->shown_sort_descending == self->sort_descending
         && iot_frame_list_is_sorted (self->frames);
}

void
iot_session_set_expert (IotSession *self, gboolean known, guint n_errors, guint n_warnings)
{
  if (self->expert_known == known && self->n_errors == n_errors && self->n_warnings == n_warnings)
    return;
  self->expert_known = known;
  self->n_errors = n_errors;
  self->n_warnings = n_warnings;
  g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_EXPERT]);
}

void
iot_session_set_sorting (IotSession *self, gboolean sorting)
{
  if (self->sorting == sorting)
    return;
  self->sorting = sorting;
  g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_SORTING]);
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
  g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_SORT_COLUMN]);
  g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_SORT_DESCENDING]);
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
      if (!job->append && !iot_session_job_sorts_only (job) && job->text != NULL)
        {
          /* A cancelled filter: back to no filter rather than a
           * half-filtered list. */
          self->filtering = FALSE;
          g_clear_pointer (&self->filter_text, g_free);
          g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_FILTER_TEXT]);
          iot_session_forget_held_matches (self);
          if (iot_frame_list_is_filtered (self->frames))
            {
              iot_frame_list_set_view (self->frames, NULL, NULL);
              iot_session_set_expert (self, self->all_expert_known, self->all_errors, self->all_warnings);
              iot_session_notify_n_displayed (self);
            }
        }
      /* The arrow goes back to the order shown. */
      revert_sort (self);
      iot_session_set_sorting (self, FALSE);
      iot_session_update_busy (self);
      if (was_filtering)
        g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_FILTERING]);
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
            iot_session_set_expert (self, TRUE, job->n_errors, job->n_warnings);
        }
    }
  if (job->progressive)
    {
      iot_session_take_progressive_matches (self, job);
      if (!job->view_replaced)
        iot_frame_list_set_view (self->frames, g_array_new (FALSE, FALSE, sizeof (guint32)), NULL);
      /* All of them shown, as "filter-finished" promises. */
      if (self->held_matches != NULL && self->held_matches->len > 0)
        {
          iot_frame_list_append_matches (self->frames, (const guint32 *) (gpointer) self->held_matches->data,
                                         self->held_matches->len);
          iot_session_forget_held_matches (self);
        }
      self->filtered_upto = job->to;
      iot_session_set_expert (self, TRUE, job->n_errors, job->n_warnings);
    }
  else if (job->append)
    {
      if (job->summaries != NULL)
        iot_frame_list_add_summaries (self->frames, job->summaries, job->generation);
      /* A capture's matches come a step at a time (behind those that
       * still wait); a file's all at once, as "filter-finished" promises. */
      if (self->live || (self->held_matches != NULL && self->held_matches->len > 0))
        iot_session_hold_matches (self, job->matches);
      else
        iot_frame_list_append_matches (self->frames, (const guint32 *) (gpointer) job->matches->data,
                                       job->matches->len);
      iot_session_set_expert (self, TRUE, self->n_errors + job->n_errors, self->n_warnings + job->n_warnings);
      self->filtered_upto = job->to;
    }
  else if (!job->quiet)
    {
      GArray *matches = iot_session_job_sorts_only (job) ? NULL : g_steal_pointer (&job->matches);
      GArray *order = g_steal_pointer (&job->order);
      /* Sorting what a filter shows keeps its matches (no copy of them). */
      gboolean keep_matches = iot_session_job_sorts_only (job) && iot_frame_list_is_filtered (self->frames);

      if (job->text != NULL)
        {
          self->filtered_upto = job->to;
          iot_session_set_expert (self, TRUE, job->n_errors, job->n_warnings);
          iot_session_forget_held_matches (self);
          /* Capturing, a list short of its row widgets takes the
           * matches a step at a time too (in frame order only: an order
           * must cover every frame displayed). */
          if (self->live && order == NULL && matches != NULL && matches->len > MAX (iot_session_get_n_displayed (self), self->new_rows_step)
              && iot_session_get_n_displayed (self) < LIST_WIDGET_ROWS)
            {
              guint keep = MAX (iot_session_get_n_displayed (self), self->new_rows_step);

              iot_session_hold_matches_from (self, matches, keep);
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
      iot_session_set_sorting (self, FALSE);
    }
  iot_session_show_new_rows (self);
  iot_session_update_busy (self);
  if (was_filtering && !self->filtering)
    g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_FILTERING]);
  iot_session_notify_n_displayed (self);
  if (whole_view && job->text != NULL)
    g_signal_emit (self, iot_session_signals[SIGNAL_FILTER_FINISHED], 0);
  if (job->sort && was_sorting)
    g_signal_emit (self, iot_session_signals[SIGNAL_SORT_FINISHED], 0);
  iot_session_schedule_jobs (self);
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
      && !iot_session_is_natural_order (self->sort_column, self->sort_field, self->sort_descending))
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
      iot_session_set_sorting (self, TRUE);
    }
  /* A filter over a file shows its matches as the workers find them
   * (in frame order only: an order must cover every frame displayed). */
  job->session = self;
  if (!job->quiet && !iot_session_job_sorts_only (job))
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
  iot_session_update_busy (self);
}

/* What comes next once nothing runs: an applied filter follows the first
 * pass in steps; once loaded, the order asked for, then (in the
 * background) the expert counts of all frames. */
void
iot_session_schedule_jobs (IotSession *self)
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
  iot_session_set_sorting (self, FALSE);
  g_clear_pointer (&self->filter_text, g_free);
  iot_session_forget_held_matches (self);
  self->filtered_upto = 0;
  self->scan_stopped = FALSE;
  if (*stripped == '\0' || self->capture == NULL)
    {
      self->filtering = FALSE;
      if (iot_frame_list_is_filtered (self->frames) || iot_frame_list_is_sorted (self->frames))
        iot_frame_list_set_view (self->frames, NULL, NULL);
      iot_session_set_expert (self, self->all_expert_known, self->all_errors, self->all_warnings);
      iot_session_update_busy (self);
      iot_session_notify_n_displayed (self);
      g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_FILTER_TEXT]);
      g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_FILTERING]);
      g_signal_emit (self, iot_session_signals[SIGNAL_FILTER_FINISHED], 0);
      /* The order asked for, the counts of all frames. */
      iot_session_schedule_jobs (self);
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
  g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_FILTERING]);
  g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_FILTER_TEXT]);
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
        g_signal_emit (self, iot_session_signals[SIGNAL_SORT_FINISHED], 0);
      return;
    }
  self->sort_column = column;
  g_free (self->sort_field);
  self->sort_field = g_strdup (field);
  self->sort_descending = descending;
  g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_SORT_COLUMN]);
  g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_SORT_DESCENDING]);
  if (self->capture == NULL)
    return;
  /* A filter being applied or caught up finishes first; the sort
   * follows (iot_session_schedule_jobs). */
  if (self->view_job != NULL && (self->view_job->text != NULL))
    return;
  if (self->view_job != NULL)
    {
      /* Another sort, or the background count: the new sort reads the
       * frames too, and counts as it goes. */
      g_cancellable_cancel (self->view_cancel);
      self->view_job = NULL;
      iot_session_set_sorting (self, FALSE);
    }
  if (self->loading)
    return;     /* sorted once loaded */
  if (iot_session_is_natural_order (column, field, descending))
    {
      gint64 start = g_get_monotonic_time ();

      /* Frame order needs no worker. */
      if (iot_frame_list_is_sorted (self->frames))
        iot_frame_list_set_order (self->frames, NULL);
      self->sort_seconds = (g_get_monotonic_time () - start) / 1e6;
      g_signal_emit (self, iot_session_signals[SIGNAL_SORT_FINISHED], 0);
    }
  iot_session_schedule_jobs (self);
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
