/* iot-session.c — the open capture, its workers, the selection. */
#include "iot-session-private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "iot-filter.h"
#include "iot-frame-notes.h"

G_DEFINE_FINAL_TYPE (IotSession, iot_session, G_TYPE_OBJECT)

GParamSpec *iot_session_properties[N_PROPS];
guint iot_session_signals[N_SIGNALS];

/* ---- polling ---------------------------------------------------------------- */

void
iot_session_set_busy_text (IotSession *self, const char *text)
{
  if (g_strcmp0 (self->busy_text, text) == 0)
    return;
  g_free (self->busy_text);
  self->busy_text = g_strdup (text);
  g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_BUSY_TEXT]);
}

void
iot_session_set_progress (IotSession *self, double progress)
{
  if (self->progress == progress)
    return;
  self->progress = progress;
  g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_PROGRESS]);
}

void
iot_session_notify_n_displayed (IotSession *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_N_DISPLAYED]);
}

/* A job that only orders frames already shown (no filter, no counting). */
gboolean
iot_session_job_sorts_only (const ViewJob *job)
{
  return job->numbers != NULL || job->sort_all;
}

/* The matches a progressive filter found since the last update go to the
 * end of the list: what the workers made in one poll interval, so each
 * update costs the main loop little whatever the size of the capture. */
void
iot_session_take_progressive_matches (IotSession *self, ViewJob *job)
{
  g_autoptr (GArray) matches = g_array_new (FALSE, FALSE, sizeof (guint32));

  if (!iot_filter_pass_take (job->pass, matches, &job->n_errors, &job->n_warnings))
    return;
  if (!job->view_replaced)
    {
      /* The first matches replace the list in one step (its rows keep
       * their widgets); until then it showed what it showed before. */
      job->view_replaced = TRUE;
      iot_session_forget_held_matches (self);
      iot_frame_list_set_view (self->frames, g_steal_pointer (&matches), NULL);
      iot_session_notify_n_displayed (self);
      return;
    }
  /* A list short of its row widgets takes them a step at a time. */
  iot_session_hold_matches (self, matches);
  iot_session_show_new_rows (self);
}

void
iot_session_poll (IotSession *self)
{
  if (self->loading)
    iot_session_poll_loading (self);
  if (self->capture != NULL && self->loading && !iot_frame_list_is_filtered (self->frames))
    {
      /* GtkListView makes the widgets of up to LIST_WIDGET_ROWS rows as
       * it hears of them (a screenful costs the main thread some 20 ms,
       * more on a busy machine): while a file loads, its first rows come
       * a step per frame within a time budget, as a live capture's do. */
      if (self->rows_step_id == 0)
        iot_session_show_new_rows (self);
    }
  else if (self->capture != NULL)
    {
      guint before = iot_session_get_n_displayed (self);

      iot_frame_list_set_n_passed (self->frames, iot_capture_n_passed (self->capture));
      if (iot_session_get_n_displayed (self) != before)
        iot_session_notify_n_displayed (self);
    }
  if (self->view_job != NULL && !self->view_job->quiet && !self->view_job->append)
    {
      ViewJob *job = self->view_job;

      if (g_atomic_int_get (&job->sorting))
        {
          gint total = g_atomic_int_get (&job->sort_progress.total);

          /* Reading columns first (progress), then the sort itself. */
          iot_session_set_busy_text (self, total > 0 ? _("Sorting: reading the column…") : _("Sorting…"));
          iot_session_set_progress (self, total > 0 ? (double) g_atomic_int_get (&job->sort_progress.done) / total : 1.0);
        }
      else if (!iot_session_job_sorts_only (job))
        {
          guint32 span = job->to - job->from + 1;
          guint32 done = job->pass != NULL ? iot_filter_pass_done (job->pass) : 0;

          iot_session_set_busy_text (self, job->text != NULL ? _("Filtering…") : _("Reading frames…"));
          iot_session_set_progress (self, span > 0 ? (double) done / span : 0.0);
        }
    }
  if (self->view_job != NULL && self->view_job->progressive)
    iot_session_take_progressive_matches (self, self->view_job);
  iot_session_schedule_jobs (self);
}

static gboolean
poll_cb (gpointer data)
{
  iot_session_poll (data);
  return G_SOURCE_CONTINUE;
}

gboolean
iot_session_poll_now_cb (gpointer data)
{
  iot_session_poll (data);
  return G_SOURCE_REMOVE;
}

void
iot_session_update_busy (IotSession *self)
{
  gboolean busy = iot_session_is_busy (self);

  if (busy && self->poll_id == 0)
    self->poll_id = g_timeout_add (POLL_INTERVAL_MS, poll_cb, self);
  else if (!busy)
    {
      g_clear_handle_id (&self->poll_id, g_source_remove);
      iot_session_set_busy_text (self, NULL);
      iot_session_set_progress (self, 0.0);
    }
  g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_BUSY]);
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
  g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_SELECTED_FRAME]);
  g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_SELECTED_NODE]);
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
  g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_SELECTED_NODE]);
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
  g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_TIME_REF]);
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
  g_signal_emit (self, iot_session_signals[SIGNAL_NOTES_CHANGED], 0, number);
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
  g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_TIME_FORMAT]);
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
  g_object_notify_by_pspec (G_OBJECT (self), iot_session_properties[PROP_COLORIZE]);
}

/* ---- GObject ---------------------------------------------------------------- */

static void
iot_session_dispose (GObject *object)
{
  IotSession *self = IOT_SESSION (object);

  iot_session_cancel (self);
  iot_session_live_job_stop (self);
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

  iot_session_properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE, ro);
  iot_session_properties[PROP_FILTERING] = g_param_spec_boolean ("filtering", NULL, NULL, FALSE, ro);
  iot_session_properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE, ro);
  iot_session_properties[PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, 0, 1, 0, ro);
  iot_session_properties[PROP_BUSY_TEXT] = g_param_spec_string ("busy-text", NULL, NULL, NULL, ro);
  iot_session_properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, ro);
  iot_session_properties[PROP_FILTER_TEXT] = g_param_spec_string ("filter-text", NULL, NULL, NULL, ro);
  iot_session_properties[PROP_SELECTED_FRAME] = g_param_spec_uint ("selected-frame", NULL, NULL, 0, G_MAXUINT32, 0, rw);
  iot_session_properties[PROP_SELECTED_NODE] = g_param_spec_int ("selected-node", NULL, NULL, -1, G_MAXINT, -1, rw);
  iot_session_properties[PROP_TIME_FORMAT] = g_param_spec_int ("time-format", NULL, NULL, IOT_TIME_RELATIVE,
                                                   IOT_N_TIME_FORMATS - 1, IOT_TIME_RELATIVE, rw);
  iot_session_properties[PROP_COLORIZE] = g_param_spec_boolean ("colorize", NULL, NULL, TRUE, rw);
  iot_session_properties[PROP_N_DISPLAYED] = g_param_spec_uint ("n-displayed", NULL, NULL, 0, G_MAXUINT32, 0, ro);
  iot_session_properties[PROP_SORTING] = g_param_spec_boolean ("sorting", NULL, NULL, FALSE, ro);
  iot_session_properties[PROP_SORT_COLUMN] = g_param_spec_int ("sort-column", NULL, NULL, IOT_COLUMN_NUMBER,
                                                   IOT_N_COLUMNS - 1, IOT_COLUMN_NUMBER, ro);
  iot_session_properties[PROP_SORT_DESCENDING] = g_param_spec_boolean ("sort-descending", NULL, NULL, FALSE, ro);
  /* Notified whenever the expert counts change; TRUE once they are known. */
  iot_session_properties[PROP_EXPERT] = g_param_spec_boolean ("expert", NULL, NULL, FALSE, ro);
  iot_session_properties[PROP_TIME_REF] = g_param_spec_uint ("time-ref", NULL, NULL, 0, G_MAXUINT32, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, iot_session_properties);

  iot_session_signals[SIGNAL_LOAD_FINISHED] =
    g_signal_new ("load-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  iot_session_signals[SIGNAL_FILTER_FINISHED] =
    g_signal_new ("filter-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* The list shows the order asked for with iot_session_sort(). */
  iot_session_signals[SIGNAL_SORT_FINISHED] =
    g_signal_new ("sort-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* A live capture's frames are all shown; the session is no longer live. */
  iot_session_signals[SIGNAL_LIVE_ENDED] =
    g_signal_new ("live-ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* (frame number, 0 = many): a frame was marked, ignored or commented. */
  iot_session_signals[SIGNAL_NOTES_CHANGED] =
    g_signal_new ("notes-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  /* (title, detail): something the user must be told about. */
  iot_session_signals[SIGNAL_PROBLEM] =
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
