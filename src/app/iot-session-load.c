/* iot-session-load.c — opening a capture file: the preview of its head, the
 * index and the first pass in a worker, the problems it reports. */
#include "iot-session-private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "iot-filter.h"
#include "iot-frame-notes.h"

static gboolean shrink_check_cb (gpointer data);

static void
load_job_free (gpointer data)
{
  LoadJob *job = data;

  g_mutex_clear (&job->lock);
  g_clear_pointer (&job->capture, iot_capture_unref);
  g_clear_pointer (&job->notes_from, iot_file_unref);
  g_clear_object (&job->abandon);
  g_clear_pointer (&job->rules, iot_colour_rule_set_free);
  g_clear_pointer (&job->summaries, g_ptr_array_unref);
  g_free (job->path);
  g_free (job);
}

/* ---- loading ---------------------------------------------------------------- */

/* Takes over the capture the worker made: the preview of the file's
 * head, then the whole file.  The whole file numbers the same frames the
 * same way, and has passed at least as many: the list keeps its rows. */
static void
adopt_capture (IotSession *self)
{
  IotCapture *capture = NULL;
  g_autoptr (GPtrArray) summaries = NULL;

  g_mutex_lock (&self->load_job->lock);
  if (self->load_job->capture != NULL && self->load_job->capture != self->capture)
    capture = iot_capture_ref (self->load_job->capture);
  summaries = g_steal_pointer (&self->load_job->summaries);
  g_mutex_unlock (&self->load_job->lock);
  if (capture != NULL && self->capture != NULL)
    {
      iot_capture_unref (self->capture);
      self->capture = capture;
      iot_frame_list_replace_capture (self->frames, capture);
    }
  else if (capture != NULL)
    {
      /* Setting a capture clears the summaries (a new generation): the
       * worker's stay good if the colouring rules have not changed. */
      gboolean rules_current = iot_frame_list_get_summary_generation (self->frames)
                               == self->load_job->rules_generation;

      self->capture = capture;
      iot_frame_list_set_capture (self->frames, capture);
      if (rules_current)
        self->load_job->rules_generation = iot_frame_list_get_summary_generation (self->frames);
    }
  /* After the capture: a new one starts with no summaries.  Dropped when
   * the colouring rules changed since the job started. */
  if (summaries != NULL && self->capture != NULL)
    iot_frame_list_add_summaries (self->frames, summaries, self->load_job->rules_generation);
}

void
iot_session_poll_loading (IotSession *self)
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
      iot_session_set_progress (self, total > 0 ? (double) done / total : 0.0);
    }
  else
    {
      guint32 passed = iot_capture_n_passed (self->capture);
      guint32 total = iot_capture_n_frames (self->capture);

      text = g_strdup_printf (_("Dissecting %s: %u of %u frames…"), base, passed, total);
      iot_session_set_progress (self, total > 0 ? (double) passed / total : 1.0);
    }
  iot_session_set_busy_text (self, text);
}

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

/* In the worker, before the rest of the first pass: the row summaries of
 * the first screen of @capture (and of the rows the list keeps widgets
 * for), for the main thread to take with the capture. */
static void
load_summarise_first_rows (LoadJob *job, IotCapture *capture)
{
  guint32 n = MIN (iot_capture_n_passed (capture), LIST_WIDGET_ROWS + FIRST_SCREEN);
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  GPtrArray *made = g_ptr_array_new_full (n, (GDestroyNotify) iot_row_summary_free);

  for (guint32 number = 1; number <= n; number++)
    g_ptr_array_add (made, iot_row_summary_new (capture, pkt, job->rules, number));
  g_mutex_lock (&job->lock);
  g_clear_pointer (&job->summaries, g_ptr_array_unref);
  job->summaries = made;
  g_mutex_unlock (&job->lock);
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
      load_summarise_first_rows (job, preview);
      g_mutex_lock (&job->lock);
      job->capture = preview;
      g_mutex_unlock (&job->lock);
      g_idle_add_full (G_PRIORITY_DEFAULT, iot_session_poll_now_cb, g_object_ref (source), g_object_unref);
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
  /* The preview's summaries serve the whole file: same frames, same rows. */
  if (preview == NULL)
    load_summarise_first_rows (job, capture);
  g_mutex_lock (&job->lock);
  g_clear_pointer (&job->capture, iot_capture_unref);
  job->capture = capture;
  job->indexed = TRUE;
  g_mutex_unlock (&job->lock);
  g_idle_add_full (G_PRIORITY_DEFAULT, iot_session_poll_now_cb, g_object_ref (source), g_object_unref);
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
  g_signal_emit (self, iot_session_signals[SIGNAL_PROBLEM], 0, title, detail);
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
  iot_session_poll (self);
  iot_session_update_busy (self);
  g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_LOADING]);

  if (error != NULL && self->capture == NULL)
    {
      /* Nothing of the file is shown: the window shows no file either
       * (its title and status bar go back to "iotscope"). */
      g_clear_pointer (&self->path, g_free);
      g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_PATH]);
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
      g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_PATH]);
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
  g_signal_emit (self, iot_session_signals[SIGNAL_LOAD_FINISHED], 0);
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
void
iot_session_reset_capture (IotSession *self)
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
  iot_session_set_expert (self, FALSE, 0, 0);
  iot_session_set_sorting (self, FALSE);
  if (!iot_session_is_natural_order (self->sort_column, self->sort_field, self->sort_descending))
    {
      /* A new file starts in frame order. */
      self->sort_column = IOT_COLUMN_NUMBER;
      g_clear_pointer (&self->sort_field, g_free);
      self->sort_descending = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_SORT_COLUMN]);
      g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_SORT_DESCENDING]);
    }
  iot_session_live_job_stop (self);
  iot_session_forget_held_matches (self);
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
  iot_session_reset_capture (self);
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
  job->rules = iot_frame_list_dup_colour_rules (self->frames);
  job->rules_generation = iot_frame_list_get_summary_generation (self->frames);
  self->load_job = job;
  g_clear_object (&self->load_cancel);
  self->load_cancel = g_cancellable_new ();
  task = g_task_new (self, self->load_cancel, load_done_cb, NULL);
  g_task_set_task_data (task, job, load_job_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, load_thread);

  self->loading = TRUE;
  iot_session_update_busy (self);
  g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_LOADING]);
  g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_PATH]);
  g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_FILTER_TEXT]);
  iot_session_notify_n_displayed (self);
}
