/* test-decode-as.c — Decode As in the window, through the dialog's real
 * widgets: the selected frame's port and protocol filled in, an entry
 * added and the open capture decoded again as the CLI decodes it with
 * the same -d, a wrong value refused, the entry removed again.
 * Run under Xvfb (run-xvfb.sh). */
#include <string.h>

#include <gtk/gtk.h>

#include "gui-test-util.h"
#include "iot-app-test.h"
#include "iot-decode-as-dialog.h"
#include "iot-window.h"

static guint
displayed_with (IotWindow *window, const char *filter)
{
  gui_test_apply_filter (window, filter);
  return g_list_model_get_n_items (G_LIST_MODEL (iot_session_get_frames (iot_window_get_session (window))));
}

static guint
cli_count (const char *capture, const char *decode_as, const char *filter)
{
  g_autofree char *out = decode_as != NULL ? gui_test_cli_run (capture, "-d", decode_as, "-Y", filter, NULL)
                                           : gui_test_cli_run (capture, "-Y", filter, NULL);

  return gui_test_count_lines (out);
}

static void
test_decode_as (void)
{
  g_autofree char *capture = gui_test_capture_file ("mqtt311.pcap");
  g_autoptr (GSettings) settings = g_settings_new ("org.iotscope.Iotscope");
  const char *spec = "tcp.port==1883,http";
  guint mqtt = cli_count (capture, NULL, "mqtt");
  guint http_as = cli_count (capture, spec, "http");
  guint mqtt_as = cli_count (capture, spec, "mqtt");
  g_auto (GStrv) stored = NULL;
  IotDecodeAsDialog *dialog;
  IotWindow *window;
  GtkStringObject *item;
  gboolean loaded = FALSE;

  g_settings_reset (settings, "decode-as");
  g_assert_cmpuint (mqtt, >, 0);
  g_assert_cmpuint (http_as, >, 0);
  window = gui_test_open_window (capture, settings);
  g_signal_connect (iot_window_get_session (window), "load-finished", G_CALLBACK (gui_test_flag_cb), &loaded);
  iot_session_select_frame (iot_window_get_session (window), 4);   /* CONNECT, to port 1883 */

  dialog = iot_decode_as_dialog_new (settings, iot_window_get_session (window));
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (GTK_ENTRY (gui_test_template_child (dialog, IOT_TYPE_DECODE_AS_DIALOG, "value_entry")))), ==, "1883");
  item = gtk_drop_down_get_selected_item (GTK_DROP_DOWN (gui_test_template_child (dialog, IOT_TYPE_DECODE_AS_DIALOG, "protocol_dropdown")));
  g_assert_cmpstr (gtk_string_object_get_string (item), ==, "mqtt");
  g_assert_cmpuint (g_list_model_get_n_items (iot_decode_as_dialog_get_entries (dialog)), ==, 0);

  /* As HTTP. */
  g_assert_true (iot_decode_as_dialog_select_protocol (dialog, "http"));
  g_signal_emit_by_name (GTK_BUTTON (gui_test_template_child (dialog, IOT_TYPE_DECODE_AS_DIALOG, "add_button")), "clicked");
  stored = g_settings_get_strv (settings, "decode-as");
  g_assert_cmpuint (g_strv_length (stored), ==, 1);
  g_assert_cmpstr (stored[0], ==, spec);
  g_assert_cmpuint (g_list_model_get_n_items (iot_decode_as_dialog_get_entries (dialog)), ==, 1);
  g_assert_nonnull (gtk_list_box_get_row_at_index (GTK_LIST_BOX (gui_test_template_child (dialog, IOT_TYPE_DECODE_AS_DIALOG, "entry_list")), 0));
  gui_test_wait_for (&loaded);
  loaded = FALSE;
  g_assert_cmpuint (displayed_with (window, "http"), ==, http_as);
  g_assert_cmpuint (displayed_with (window, "mqtt"), ==, mqtt_as);

  /* Not a value: said so, nothing added. */
  gtk_editable_set_text (GTK_EDITABLE (GTK_ENTRY (gui_test_template_child (dialog, IOT_TYPE_DECODE_AS_DIALOG, "value_entry"))), "18x3");
  g_signal_emit_by_name (GTK_ENTRY (gui_test_template_child (dialog, IOT_TYPE_DECODE_AS_DIALOG, "value_entry")), "activate");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (gui_test_template_child (dialog, IOT_TYPE_DECODE_AS_DIALOG, "status"))), "expected TABLE==VALUE"));
  g_assert_cmpuint (g_list_model_get_n_items (iot_decode_as_dialog_get_entries (dialog)), ==, 1);

  /* Removed: MQTT again, as without -d. */
  {
    GtkWidget *row = gtk_list_box_row_get_child (gtk_list_box_get_row_at_index (GTK_LIST_BOX (gui_test_template_child (dialog, IOT_TYPE_DECODE_AS_DIALOG, "entry_list")), 0));

    g_signal_emit_by_name (gtk_widget_get_last_child (row), "clicked");
  }
  g_assert_cmpuint (g_list_model_get_n_items (iot_decode_as_dialog_get_entries (dialog)), ==, 0);
  gui_test_wait_for (&loaded);
  g_assert_cmpuint (displayed_with (window, "mqtt"), ==, mqtt);
  g_assert_cmpuint (displayed_with (window, "http"), ==, cli_count (capture, NULL, "http"));
  g_signal_handlers_disconnect_by_func (iot_window_get_session (window), gui_test_flag_cb, &loaded);
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (settings, "decode-as");
}

int
main (int argc, char **argv)
{
  gui_test_init (&argc, &argv);
  g_test_add_func ("/decode-as/dialog", test_decode_as);
  return g_test_run ();
}
