/* iot-insight-window.c — PLACEHOLDER being replaced (not for commit). */
#include "iot-insight-window.h"

struct _IotInsightWindow {
  GtkWindow parent_instance;
  gboolean  ready;
};

G_DEFINE_FINAL_TYPE (IotInsightWindow, iot_insight_window, GTK_TYPE_WINDOW)

static guint ready_signal;

static gboolean
emit_ready (gpointer data)
{
  IotInsightWindow *self = data;

  self->ready = TRUE;
  g_signal_emit (self, ready_signal, 0);
  return G_SOURCE_REMOVE;
}

static void
iot_insight_window_class_init (IotInsightWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-insight-window.ui");
  ready_signal = g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                               G_TYPE_NONE, 0);
  g_signal_new ("frame-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                G_TYPE_NONE, 1, G_TYPE_UINT);
  g_signal_new ("filter-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
iot_insight_window_init (IotInsightWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

IotInsightWindow *
iot_insight_window_new (IotSession *session, const char *page)
{
  IotInsightWindow *self = g_object_new (IOT_TYPE_INSIGHT_WINDOW, NULL);

  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, emit_ready, g_object_ref (self), g_object_unref);
  return self;
}

gboolean
iot_insight_window_is_ready (IotInsightWindow *self)
{
  return self->ready;
}

void
iot_insight_window_set_page (IotInsightWindow *self, const char *page)
{
}
