/* iot-live-control.c — a window's live capture: the IotLive running
 * iotscope-capture, the options of the last start, the counters, and the
 * session that follows the file. */
#include "iot-live-control.h"

#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

/* Captured / dropped counts refresh at about 2 Hz. */
#define STATS_INTERVAL_MS 500

struct _IotLiveControl {
  GObject           parent_instance;

  IotSession       *session;
  IotLive          *live;
  char             *path;          /* our temporary capture file; deleted at the end */
  gboolean          unsaved;       /* frames captured and not saved yet */
  IotLiveStats      stats;         /* of the running or the last capture */
  guint             stats_id;
  char             *error;         /* why the capture stopped, until its frames are shown */
  gboolean          restarting;

  /* The options of the last start, for Ctrl+E and restart. */
  char            **interfaces;
  char             *filter;
  gboolean          promiscuous;
  gboolean          monitor;
  IotCaptureLimits  limits;
};

G_DEFINE_FINAL_TYPE (IotLiveControl, iot_live_control, G_TYPE_OBJECT)

enum { PROP_0, PROP_RUNNING, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_STATS_CHANGED, SIGNAL_ENDED, SIGNAL_RESTART_FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

void
iot_capture_limits_init (IotCaptureLimits *limits)
{
  memset (limits, 0, sizeof *limits);
  limits->snaplen = 262144;
  limits->buffer_mib = 16;
}

static void
remove_file (IotLiveControl *self)
{
  if (self->path != NULL)
    g_unlink (self->path);
  g_clear_pointer (&self->path, g_free);
}

static gboolean
stats_cb (gpointer data)
{
  IotLiveControl *self = data;

  iot_live_get_stats (self->live, &self->stats);
  g_signal_emit (self, signals[SIGNAL_STATS_CHANGED], 0);
  return G_SOURCE_CONTINUE;
}

static void
batch_cb (IotLive *live, const IotLiveBatch *batch, gpointer user_data)
{
  IotLiveControl *self = user_data;

  if (live != self->live)
    return;
  self->unsaved = TRUE;
  iot_session_live_update (self->session);
}

/* Every captured frame is shown (or the session shows another file): the
 * capture has really ended.  A restart starts the next one now. */
static void
emit_ended (IotLiveControl *self)
{
  g_autofree char *error = g_steal_pointer (&self->error);
  g_autoptr (GError) start_error = NULL;

  g_signal_emit (self, signals[SIGNAL_ENDED], 0, error);
  if (!self->restarting)
    return;
  self->restarting = FALSE;
  if (!iot_live_control_start_again (self, &start_error))
    g_signal_emit (self, signals[SIGNAL_RESTART_FAILED], 0, start_error);
}

static void
session_live_ended_cb (IotSession *session, IotLiveControl *self)
{
  emit_ended (self);
}

static void
finished_cb (IotLive *live, const GError *error, gpointer user_data)
{
  IotLiveControl *self = user_data;
  g_autoptr (IotLive) ended = NULL;

  if (live != self->live)
    return;
  ended = g_steal_pointer (&self->live);
  iot_live_get_stats (ended, &self->stats);
  g_clear_handle_id (&self->stats_id, g_source_remove);
  g_free (self->error);
  self->error = error != NULL ? g_strdup (error->message) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  /* The frames of the last batches are still being dissected; unless the
   * session already shows something else. */
  if (iot_session_is_live (self->session))
    iot_session_end_live (self->session);
  else
    emit_ended (self);
}

static void
options_from_limits (IotLiveOptions *options, const IotCaptureLimits *limits)
{
  options->snaplen = limits->snaplen;
  options->buffer_mib = limits->buffer_mib;
  options->buffer_kib = limits->buffer_kib;
  options->stop_packets = limits->stop_packets;
  options->stop_seconds = limits->stop_seconds;
  options->stop_filesize_kb = limits->stop_filesize_kb;
  options->link_type = limits->link_type;
}

/* Kept for Ctrl+E and restart; the caller may pass our own copies. */
static void
remember_options (IotLiveControl *self, const char *const *interfaces, const char *filter,
                  gboolean promiscuous, gboolean monitor)
{
  if (interfaces != (const char *const *) self->interfaces)
    {
      g_strfreev (self->interfaces);
      self->interfaces = g_strdupv ((char **) interfaces);
    }
  if (filter != self->filter)
    {
      g_free (self->filter);
      self->filter = g_strdup (filter);
    }
  self->promiscuous = promiscuous;
  self->monitor = monitor;
}

gboolean
iot_live_control_start (IotLiveControl *self, const char *const *interfaces, const char *filter,
                        gboolean promiscuous, gboolean monitor, GError **error)
{
  IotLiveOptions options = { 0 };
  const IotLiveCallbacks callbacks = { .batch = batch_cb, .finished = finished_cb };
  g_autoptr (IotLive) live = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (IOT_IS_LIVE_CONTROL (self), FALSE);
  if (self->live != NULL)
    {
      g_set_error_literal (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_INVALID, _("A capture is already running"));
      return FALSE;
    }
  options.interfaces = interfaces;
  options.filter = filter != NULL && filter[0] != '\0' ? filter : NULL;
  options.no_promiscuous = !promiscuous;
  options.monitor = monitor;
  options_from_limits (&options, &self->limits);
  live = iot_live_new (&options, error);
  if (live == NULL)
    return FALSE;
  path = iot_live_dup_path (live);
  if (!iot_session_open_live (self->session, path, error))
    {
      g_unlink (path);
      return FALSE;
    }
  /* The previous capture's file, when it was not saved, goes now. */
  remove_file (self);
  self->path = g_steal_pointer (&path);
  self->unsaved = FALSE;
  remember_options (self, interfaces, options.filter, promiscuous, monitor);
  memset (&self->stats, 0, sizeof self->stats);
  self->live = g_steal_pointer (&live);
  iot_live_start (self->live, NULL, &callbacks, self);
  self->stats_id = g_timeout_add (STATS_INTERVAL_MS, stats_cb, self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  return TRUE;
}

gboolean
iot_live_control_start_again (IotLiveControl *self, GError **error)
{
  g_return_val_if_fail (IOT_IS_LIVE_CONTROL (self), FALSE);
  return iot_live_control_start (self, (const char *const *) self->interfaces, self->filter,
                                 self->promiscuous, self->monitor, error);
}

void
iot_live_control_stop (IotLiveControl *self)
{
  g_return_if_fail (IOT_IS_LIVE_CONTROL (self));
  if (self->live != NULL)
    iot_live_stop (self->live);
}

gboolean
iot_live_control_restart (IotLiveControl *self, GError **error)
{
  g_return_val_if_fail (IOT_IS_LIVE_CONTROL (self), FALSE);
  if (self->live == NULL)
    return self->interfaces == NULL || iot_live_control_start_again (self, error);
  self->restarting = TRUE;
  iot_live_stop (self->live);
  return TRUE;
}

gboolean
iot_live_control_is_restarting (IotLiveControl *self)
{
  return self->restarting;
}

gboolean
iot_live_control_discard (IotLiveControl *self)
{
  g_return_val_if_fail (IOT_IS_LIVE_CONTROL (self), FALSE);
  if (self->live != NULL || self->path == NULL)
    return FALSE;
  iot_session_close (self->session);
  remove_file (self);
  self->unsaved = FALSE;
  return TRUE;
}

gboolean
iot_live_control_is_running (IotLiveControl *self)
{
  return self->live != NULL;
}

gboolean
iot_live_control_has_last_options (IotLiveControl *self)
{
  return self->interfaces != NULL;
}

const char *const *
iot_live_control_get_interfaces (IotLiveControl *self)
{
  return (const char *const *) self->interfaces;
}

const char *
iot_live_control_get_filter (IotLiveControl *self)
{
  return self->filter;
}

const char *
iot_live_control_get_path (IotLiveControl *self)
{
  return self->path;
}

gboolean
iot_live_control_has_unsaved (IotLiveControl *self)
{
  return self->unsaved;
}

void
iot_live_control_mark_saved (IotLiveControl *self)
{
  self->unsaved = FALSE;
}

void
iot_live_control_get_stats (IotLiveControl *self, IotLiveStats *stats)
{
  g_return_if_fail (IOT_IS_LIVE_CONTROL (self));
  if (self->live != NULL)
    iot_live_get_stats (self->live, &self->stats);
  *stats = self->stats;
}

void
iot_live_control_set_limits (IotLiveControl *self, const IotCaptureLimits *limits)
{
  g_return_if_fail (IOT_IS_LIVE_CONTROL (self));
  self->limits = *limits;
}

void
iot_live_control_get_limits (IotLiveControl *self, IotCaptureLimits *limits)
{
  g_return_if_fail (IOT_IS_LIVE_CONTROL (self));
  *limits = self->limits;
}

IotLiveControl *
iot_live_control_new (IotSession *session)
{
  IotLiveControl *self = g_object_new (IOT_TYPE_LIVE_CONTROL, NULL);

  self->session = g_object_ref (session);
  g_signal_connect_object (session, "live-ended", G_CALLBACK (session_live_ended_cb), self, 0);
  return self;
}

static void
iot_live_control_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  IotLiveControl *self = IOT_LIVE_CONTROL (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->live != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
iot_live_control_dispose (GObject *object)
{
  IotLiveControl *self = IOT_LIVE_CONTROL (object);

  g_clear_handle_id (&self->stats_id, g_source_remove);
  /* The last unref stops the capture and waits for its threads. */
  g_clear_pointer (&self->live, iot_live_unref);
  remove_file (self);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (iot_live_control_parent_class)->dispose (object);
}

static void
iot_live_control_finalize (GObject *object)
{
  IotLiveControl *self = IOT_LIVE_CONTROL (object);

  g_free (self->error);
  g_strfreev (self->interfaces);
  g_free (self->filter);
  G_OBJECT_CLASS (iot_live_control_parent_class)->finalize (object);
}

static void
iot_live_control_class_init (IotLiveControlClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = iot_live_control_get_property;
  object_class->dispose = iot_live_control_dispose;
  object_class->finalize = iot_live_control_finalize;

  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_STATS_CHANGED] = g_signal_new ("stats-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_ENDED] = g_signal_new ("ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                        NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_RESTART_FAILED] = g_signal_new ("restart-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
iot_live_control_init (IotLiveControl *self)
{
  iot_capture_limits_init (&self->limits);
}
