/* test-flow-window.c — the Flow Graph on real widgets: the QoS 2 exchange
 * of mqtt311.pcap drawn as paired arrows with their latencies, a click on
 * an arrow selecting its frame in the main window, PNG and SVG export, and
 * the RST of nat-idle-reset.pcap marked as a finding.  Run under Xvfb
 * (run-xvfb.sh); an argument, a folder, receives a screenshot. */
#include <string.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "gui-test-util.h"
#include "iot-app-test.h"
#include "iot-app-script.h"
#include "iot-application-private.h"
#include "iot-capture.h"
#include "iot-flow-diagram.h"
#include "iot-flow-window.h"

static const char *screenshot_dir;

static IotFlowWindow *
open_flow (IotWindow *window, guint32 frame)
{
  IotFlowWindow *flow;

  g_assert_true (iot_window_go_to_frame (window, frame));
  gui_test_settle ();
  flow = iot_flow_window_new (window);
  gtk_window_set_default_size (GTK_WINDOW (flow), 1100, 680);
  gtk_window_present (GTK_WINDOW (flow));
  gui_test_wait_signal (flow, "ready");
  gui_test_settle ();
  return flow;
}

/* The conversation the window draws, worked out again from its capture. */
static IotFlow *
build_flow (IotWindow *window, guint32 frame)
{
  IotCapture *capture = iot_session_get_capture (iot_window_get_session (window));
  g_autoptr (GError) error = NULL;
  IotFlow *flow = iot_flow_build (iot_capture_engine (capture), frame, NULL, &error);

  g_assert_no_error (error);
  return flow;
}

/* The label under @root whose text starts with @prefix. */
static GtkLabel *
find_label (GtkWidget *root, const char *prefix)
{
  if (GTK_IS_LABEL (root) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (root)), prefix))
    return GTK_LABEL (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = find_label (child, prefix);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A press at (@x, @y) of the diagram, delivered to its click gesture. */
static void
press_diagram (IotFlowWindow *flow_window, double x, double y)
{
  GtkWidget *area = gui_test_find_widget (GTK_WIDGET (flow_window), NULL, GTK_TYPE_DRAWING_AREA);
  g_autoptr (GListModel) controllers = NULL;
  GtkGesture *click = NULL;

  g_assert_nonnull (area);
  controllers = gtk_widget_observe_controllers (area);
  for (guint i = 0; i < g_list_model_get_n_items (controllers) && click == NULL; i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_CLICK (controller))
        click = GTK_GESTURE (controller);
    }
  g_assert_nonnull (click);
  g_signal_emit_by_name (click, "pressed", 1, x, y);
  gui_test_settle ();
}

static const IotFlowMessage *
message_of_frame (IotFlow *flow, guint32 frame, guint *index)
{
  for (guint i = 0; i < iot_flow_n_messages (flow); i++)
    if (iot_flow_message (flow, i)->frame == frame)
      {
        *index = i;
        return iot_flow_message (flow, i);
      }
  g_assert_not_reached ();
}

static void
test_qos2 (void)
{
  IotWindow *window = gui_test_open_capture ("mqtt311.pcap");
  IotFlowWindow *flow_window = open_flow (window, 49);
  g_autoptr (IotFlow) flow = build_flow (window, 49);
  GtkWidget *area = gui_test_find_widget (GTK_WIDGET (flow_window), NULL, GTK_TYPE_DRAWING_AREA);
  GtkLabel *status = find_label (GTK_WIDGET (flow_window), "TCP stream 3: ");
  g_autofree char *dir = g_dir_make_tmp ("flow-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "flow.png", NULL);
  g_autofree char *svg = g_build_filename (dir, "flow.svg", NULL);
  g_autofree char *svg_text = NULL;
  g_autofree char *png_bytes = NULL;
  g_autoptr (GError) error = NULL;
  const IotFlowMessage *publish, *pubrec, *pubrel, *pubcomp, *connect, *connack;
  guint index, i_publish;
  double x, y;
  gsize length;
  int width, height;

  g_assert_nonnull (flow);
  /* The window shows this conversation: its status line counts it, and
   * the drawing area asks for the diagram's size. */
  g_assert_nonnull (status);
  g_assert_true (g_str_has_prefix (gtk_label_get_text (status), "TCP stream 3: 15 messages between 2 endpoints."));
  iot_flow_diagram_size (flow, &width, &height);
  g_assert_cmpint (gtk_drawing_area_get_content_width (GTK_DRAWING_AREA (area)), ==, width);
  g_assert_cmpint (gtk_drawing_area_get_content_height (GTK_DRAWING_AREA (area)), ==, height);
  g_assert_cmpstr (iot_flow_title (flow), ==, "TCP stream 3");
  g_assert_cmpuint (iot_flow_n_endpoints (flow), ==, 2);
  g_assert_cmpstr (iot_flow_endpoint (flow, 0), ==, "127.0.0.1:54962");
  g_assert_cmpstr (iot_flow_endpoint (flow, 1), ==, "127.0.0.1:1883");
  /* tshark -Y tcp.stream==3 selects frames 42-51, 53, 57-60. */
  g_assert_cmpuint (iot_flow_n_messages (flow), ==, 15);
  connect = message_of_frame (flow, 45, &index);
  connack = message_of_frame (flow, 47, &index);
  publish = message_of_frame (flow, 49, &i_publish);
  pubrec = message_of_frame (flow, 50, &index);
  pubrel = message_of_frame (flow, 51, &index);
  pubcomp = message_of_frame (flow, 53, &index);
  g_assert_cmpstr (connect->label, ==, "CONNECT");
  g_assert_cmpuint (connack->answers, ==, 45);
  g_assert_cmpstr (publish->label, ==, "PUBLISH id=1 QoS 2 sensors/door");
  g_assert_cmpuint (publish->from, ==, 0);
  g_assert_cmpuint (publish->to, ==, 1);
  g_assert_cmpstr (pubrec->label, ==, "PUBREC id=1");
  g_assert_cmpuint (pubrec->from, ==, 1);
  g_assert_cmpuint (pubrec->answers, ==, 49);
  g_assert_cmpuint (pubrel->answers, ==, 50);
  g_assert_cmpuint (pubcomp->answers, ==, 51);
  /* One handshake, one colour, apart from the CONNECT exchange. */
  g_assert_cmpuint (publish->exchange, !=, 0);
  g_assert_cmpuint (pubcomp->exchange, ==, publish->exchange);
  g_assert_cmpuint (connack->exchange, ==, connect->exchange);
  g_assert_cmpuint (connect->exchange, !=, publish->exchange);
  /* Latency: the capture's own timestamps (1.412147 - 1.412118). */
  g_assert_cmpint (pubrec->latency_ns, ==, pubrec->ts_ns - publish->ts_ns);
  g_assert_cmpint (pubrec->latency_ns, ==, 29000);

  /* A click on the PUBREC arrow selects frame 50 in the main window. */
  message_of_frame (flow, 50, &index);
  iot_flow_diagram_message_point (flow, index, &x, &y);
  g_assert_cmpint (iot_flow_diagram_message_at (flow, x, y), ==, (int) index);
  press_diagram (flow_window, x, y);
  g_assert_cmpuint (iot_session_get_selected_frame (iot_window_get_session (window)), ==, 50);
  /* Then the PUBLISH's arrow; a press in the header selects nothing. */
  iot_flow_diagram_message_point (flow, i_publish, &x, &y);
  g_assert_cmpint (iot_flow_diagram_message_at (flow, x, y), ==, (int) i_publish);
  press_diagram (flow_window, x, y);
  g_assert_cmpuint (iot_session_get_selected_frame (iot_window_get_session (window)), ==, 49);
  press_diagram (flow_window, x, 10);
  g_assert_cmpuint (iot_session_get_selected_frame (iot_window_get_session (window)), ==, 49);

  g_assert_true (iot_flow_window_export (flow_window, png, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (png, &png_bytes, &length, NULL));
  g_assert_cmpuint (length, >, 1000);
  g_assert_cmpint (memcmp (png_bytes, "\x89PNG", 4), ==, 0);
  g_assert_true (iot_flow_window_export (flow_window, svg, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (svg, &svg_text, NULL, NULL));
  g_assert_nonnull (strstr (svg_text, "<svg"));
  if (screenshot_dir != NULL)
    {
      g_autofree char *path = g_build_filename (screenshot_dir, "flow-graph.png", NULL);

      g_assert_true (iot_app_script_save_screenshot (GTK_WIDGET (flow_window), path, &error));
      g_assert_no_error (error);
    }
  g_unlink (png);
  g_unlink (svg);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (window));
  gui_test_settle ();
}

static void
test_reset_finding (void)
{
  IotWindow *window = gui_test_open_capture ("nat-idle-reset.pcap");
  IotFlowWindow *flow_window = open_flow (window, 17);
  g_autoptr (IotFlow) flow = build_flow (window, 17);
  GtkLabel *status = find_label (GTK_WIDGET (flow_window), "TCP stream ");
  const IotFlowMessage *reset, *lost;
  guint index;

  g_assert_cmpuint (iot_flow_n_messages (flow), ==, 18);
  g_assert_nonnull (status);
  g_assert_nonnull (strstr (gtk_label_get_text (status), ": 18 messages between 2 endpoints."));
  lost = message_of_frame (flow, 17, &index);
  reset = message_of_frame (flow, 18, &index);
  g_assert_cmpstr (lost->label, ==, "PUBLISH id=4 QoS 1 site/meter-9/kwh");
  g_assert_cmpuint (lost->exchange, ==, 0);
  g_assert_cmpstr (reset->label, ==, "RST");
  g_assert_cmpuint (reset->severity, ==, IOT_SEV_WARN);
  g_assert_cmpstr (reset->finding, ==, "Connection reset (RST)");
  g_assert_cmpstr (lost->finding, ==, "PUBLISH (QoS 1) never acknowledged (no PUBACK seen)");
  gtk_window_destroy (GTK_WINDOW (window));
  gui_test_settle ();
}

int
main (int argc, char **argv)
{
  gui_test_init (&argc, &argv);
  screenshot_dir = argc > 1 ? argv[1] : NULL;
  g_test_add_func ("/flow-window/qos2", test_qos2);
  g_test_add_func ("/flow-window/reset", test_reset_finding);
  return g_test_run ();
}
