/* iot-flow-window.c — the Flow Graph window.
 *
 * The conversation is worked out in a worker on the window's capture (the
 * engine is safe for that, each thread with its own packet), then drawn
 * with cairo: the same drawing goes to the screen, a PNG or an SVG file. */
#include <cairo-svg.h>

#include "iot-flow-window.h"

#include <glib/gi18n.h>
#include "iot-capture.h"
#include "iot-flow-diagram.h"


struct _IotFlowWindow {
  IotAnalysisWindow parent_instance;

  GtkLabel        *status_label;
  GtkDrawingArea  *area;
  GtkButton       *export_png_button;
  GtkButton       *export_svg_button;

  IotWindow       *main_window;    /* weak */
  IotFlow         *flow;
  guint32          selected;
};

G_DEFINE_FINAL_TYPE (IotFlowWindow, iot_flow_window, IOT_TYPE_ANALYSIS_WINDOW)

static void
draw_cb (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  IotFlowWindow *self = data;

  if (self->flow != NULL)
    iot_flow_diagram_draw (self->flow, self->selected, cr, width, height);
}

/* A click on an arrow's row selects its frame. */
static void
click_at (IotFlowWindow *self, double x, double y)
{
  int index = iot_flow_diagram_message_at (self->flow, x, y);

  if (index < 0)
    return;
  self->selected = iot_flow_message (self->flow, index)->frame;
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
  iot_analysis_window_emit_frame_activated (IOT_ANALYSIS_WINDOW (self), self->selected);
}

static void
pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, IotFlowWindow *self)
{
  click_at (self, x, y);
}

gboolean
iot_flow_window_export (IotFlowWindow *self, const char *path, GError **error)
{
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  int width, height;

  if (self->flow == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, "there is no flow graph to export");
      return FALSE;
    }
  iot_flow_diagram_size (self->flow, &width, &height);
  if (g_str_has_suffix (path, ".svg"))
    surface = cairo_svg_surface_create (path, width, height);
  else
    surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cr = cairo_create (surface);
  iot_flow_diagram_draw (self->flow, self->selected, cr, width, height);
  cairo_destroy (cr);
  if (g_str_has_suffix (path, ".svg"))
    cairo_surface_finish (surface);
  else
    cairo_surface_write_to_png (surface, path);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

static void
save_response_cb (GtkNativeDialog *dialog, int response, IotFlowWindow *self)
{
  g_autoptr (GFile) file = response == GTK_RESPONSE_ACCEPT ? gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))
                                                           : NULL;
  g_autoptr (GError) error = NULL;

  if (file != NULL && !iot_flow_window_export (self, g_file_peek_path (file), &error))
    gtk_label_set_text (self->status_label, error->message);
  g_object_unref (dialog);
}

static void
export_as (IotFlowWindow *self, const char *extension)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Export Flow Graph"), GTK_WINDOW (self),
                                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  g_autofree char *name = g_strconcat ("flow-graph.", extension, NULL);

  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (save_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
export_png_cb (GtkButton *button, IotFlowWindow *self)
{
  export_as (self, "png");
}

static void
export_svg_cb (GtkButton *button, IotFlowWindow *self)
{
  export_as (self, "svg");
}

static void
iot_flow_window_dispose (GObject *object)
{
  IotFlowWindow *self = IOT_FLOW_WINDOW (object);

  iot_analysis_window_cancel (IOT_ANALYSIS_WINDOW (self));
  g_clear_pointer (&self->flow, iot_flow_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), IOT_TYPE_FLOW_WINDOW);
  G_OBJECT_CLASS (iot_flow_window_parent_class)->dispose (object);
}

static void
iot_flow_window_class_init (IotFlowWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = iot_flow_window_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-flow-window.ui");
  gtk_widget_class_bind_template_child (widget_class, IotFlowWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, IotFlowWindow, area);
  gtk_widget_class_bind_template_child (widget_class, IotFlowWindow, export_png_button);
  gtk_widget_class_bind_template_child (widget_class, IotFlowWindow, export_svg_button);
}

static void
iot_flow_window_init (IotFlowWindow *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drawing_area_set_draw_func (self->area, draw_cb, self, NULL);
  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->area), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (self->export_png_button, "clicked", G_CALLBACK (export_png_cb), self);
  g_signal_connect (self->export_svg_button, "clicked", G_CALLBACK (export_svg_cb), self);
}

/* ---- building in a worker ---------------------------------------------- */

typedef struct {
  guint32  frame;
  IotFlow *flow;
} BuildJob;

static void
build_job_free (gpointer data)
{
  BuildJob *job = data;

  g_clear_pointer (&job->flow, iot_flow_free);
  g_free (job);
}

static gboolean
build_work (IotCapture *capture, gpointer data, GCancellable *cancellable, GError **error)
{
  BuildJob *job = data;

  if (capture == NULL || job->frame == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("Select a frame of the conversation to draw first."));
      return FALSE;
    }
  job->flow = iot_flow_build (iot_capture_engine (capture), job->frame, cancellable, error);
  return job->flow != NULL;
}

static void
build_done (IotAnalysisWindow *window, gpointer data, const GError *error)
{
  IotFlowWindow *self = IOT_FLOW_WINDOW (window);
  BuildJob *job = data;
  g_autofree char *status = NULL;
  int width, height;

  /* Drawn or not, the window is final: the status line says which. */
  if (error != NULL)
    {
      gtk_label_set_text (self->status_label, error->message);
      iot_analysis_window_emit_ready (window);
      return;
    }
  self->flow = g_steal_pointer (&job->flow);
  iot_flow_diagram_size (self->flow, &width, &height);
  gtk_drawing_area_set_content_width (self->area, width);
  gtk_drawing_area_set_content_height (self->area, height);
  status = g_strdup_printf (_("%s: %u messages between %u endpoints. Arrows of one colour are a request and its "
                            "answers; click one to select its frame."), iot_flow_title (self->flow),
                            iot_flow_n_messages (self->flow), iot_flow_n_endpoints (self->flow));
  gtk_label_set_text (self->status_label, status);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_png_button), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_svg_button), TRUE);
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
  iot_analysis_window_emit_ready (window);
}

static void
frame_activated_cb (IotFlowWindow *self, guint frame, IotWindow *window)
{
  iot_window_go_to_frame (window, frame);
}

IotFlowWindow *
iot_flow_window_new (IotWindow *window)
{
  IotSession *session = iot_window_get_session (window);
  IotFlowWindow *self = g_object_new (IOT_TYPE_FLOW_WINDOW, "session", session, "transient-for", window,
                                      "destroy-with-parent", TRUE, NULL);
  BuildJob *job;

  self->main_window = window;
  self->selected = iot_session_get_selected_frame (session);
  g_signal_connect_object (self, "frame-activated", G_CALLBACK (frame_activated_cb), window, 0);
  job = g_new0 (BuildJob, 1);
  job->frame = self->selected;
  iot_analysis_window_run (IOT_ANALYSIS_WINDOW (self), build_work, job, build_job_free, build_done);
  return self;
}

static void
flow_graph_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  gtk_window_present (GTK_WINDOW (iot_flow_window_new (IOT_WINDOW (data))));
}

void
iot_flow_window_install_action (IotWindow *window)
{
  static const GActionEntry actions[] = {
    { "flow-graph", flow_graph_activated, NULL, NULL, NULL, { 0 } },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (window), actions, G_N_ELEMENTS (actions), window);
}

