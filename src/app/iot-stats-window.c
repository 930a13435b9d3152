/* iot-stats-window.c — PLACEHOLDER being replaced (not for commit). */
#include "iot-stats-window.h"

struct _IotStatsWindow {
  GtkWindow parent_instance;
  gboolean  ready;
};

G_DEFINE_FINAL_TYPE (IotStatsWindow, iot_stats_window, GTK_TYPE_WINDOW)

static guint ready_signal;

static gboolean
emit_ready (gpointer data)
{
  IotStatsWindow *self = data;

  self->ready = TRUE;
  g_signal_emit (self, ready_signal, 0);
  return G_SOURCE_REMOVE;
}

static void
iot_stats_window_class_init (IotStatsWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-stats-window.ui");
  ready_signal = g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                               G_TYPE_NONE, 0);
  g_signal_new ("frame-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                G_TYPE_NONE, 1, G_TYPE_UINT);
  g_signal_new ("filter-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
iot_stats_window_init (IotStatsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

IotStatsWindow *
iot_stats_window_new (IotSession *session, const char *page)
{
  IotStatsWindow *self = g_object_new (IOT_TYPE_STATS_WINDOW, NULL);

  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, emit_ready, g_object_ref (self), g_object_unref);
  return self;
}

gboolean
iot_stats_window_is_ready (IotStatsWindow *self)
{
  return self->ready;
}

void
iot_stats_window_set_page (IotStatsWindow *self, const char *page)
{
}

const char *
iot_stats_window_get_page (IotStatsWindow *self)
{
  return "phs";
}
