/* iot-io-graph-window.c — PLACEHOLDER being replaced (not for commit). */
#include "iot-io-graph-window.h"

struct _IotIoGraphWindow {
  GtkWindow parent_instance;
  gboolean  ready;
};

G_DEFINE_FINAL_TYPE (IotIoGraphWindow, iot_io_graph_window, GTK_TYPE_WINDOW)

static guint ready_signal;

static gboolean
emit_ready (gpointer data)
{
  IotIoGraphWindow *self = data;

  self->ready = TRUE;
  g_signal_emit (self, ready_signal, 0);
  return G_SOURCE_REMOVE;
}

static void
iot_io_graph_window_class_init (IotIoGraphWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-io-graph-window.ui");
  ready_signal = g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                               G_TYPE_NONE, 0);
  g_signal_new ("frame-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                G_TYPE_NONE, 1, G_TYPE_UINT);
  g_signal_new ("filter-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
iot_io_graph_window_init (IotIoGraphWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

IotIoGraphWindow *
iot_io_graph_window_new (IotSession *session)
{
  IotIoGraphWindow *self = g_object_new (IOT_TYPE_IO_GRAPH_WINDOW, NULL);

  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, emit_ready, g_object_ref (self), g_object_unref);
  return self;
}

gboolean
iot_io_graph_window_is_ready (IotIoGraphWindow *self)
{
  return self->ready;
}

gboolean
iot_io_graph_window_export (IotIoGraphWindow *self, const char *path, GError **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "not yet");
  return FALSE;
}
