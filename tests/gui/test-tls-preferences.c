/* test-tls-preferences.c — TLS decryption from the GUI: the key log file
 * and the PSKs set on the Preferences window's TLS page (its real entries
 * and buttons) reach the secrets store, the open capture is dissected
 * again, MQTT inside TLS appears in the packet list's model, and the
 * status bar counts "N of M TLS sessions decrypted".  A key log dropped on
 * the window is recognised by its content, whatever its name.  Save As
 * offers to embed the secrets in the pcapng file (checked by default) or
 * to leave every secret out; the embedded copy decrypts by itself.  With
 * IOTSCOPE_SCREENSHOT_DIR set, tls-save-secrets.png shows the Save As
 * dialog with the check box and tls-embedded-secrets.png that copy.
 * Run under Xvfb (run-xvfb.sh). */
#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "gui-test-util.h"
#include "iot-app-test.h"
#include "iot-app-script.h"
#include "iot-application-private.h"
#include "iot-preferences-window.h"
#include "iot-window.h"
#include "iot-window-private.h"

/* Runs the main loop until @label says @text (the count runs in a worker
 * after each load). */
static void
wait_for_label (GtkLabel *label, const char *text)
{
  gint64 until = g_get_monotonic_time () + GUI_TEST_TIMEOUT_US;

  while (g_strcmp0 (gtk_label_get_text (label), text) != 0)
    {
      if (g_get_monotonic_time () > until)
        g_error ("the label says \"%s\", not \"%s\"", gtk_label_get_text (label), text);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
}

/* Frames the main window's model holds under @filter. */
static guint
displayed_with (IotWindow *window, const char *filter)
{
  gui_test_apply_filter (window, filter);
  return g_list_model_get_n_items (G_LIST_MODEL (iot_session_get_frames (iot_window_get_session (window))));
}

/* What the CLI counts with the same secrets. */
static guint
cli_count (const char *capture, const char *option, const char *filter)
{
  g_autofree char *out = gui_test_cli_run (capture, "-o", option, "-Y", filter, NULL);

  return gui_test_count_lines (out);
}

static void
reset_settings (GSettings *settings)
{
  g_settings_reset (settings, "tls-keylog-file");
  g_settings_reset (settings, "tls-psks");
}

static void
test_keylog_on_preferences_page (void)
{
  g_autofree char *capture = gui_test_capture_file ("mqtt-tls-decrypt.pcap");
  g_autofree char *keys = gui_test_capture_file ("mqtt-tls-decrypt.keys");
  g_autoptr (GSettings) settings = g_settings_new ("org.iotscope.Iotscope");
  IotWindow *window;
  IotPreferencesWindow *prefs;
  GtkLabel *status;
  GtkEntry *entry;
  guint expected;

  reset_settings (settings);
  window = gui_test_open_window (capture, settings);
  status = GTK_LABEL (gui_test_window_child (window, "status_tls"));
  /* Without secrets: eight TLS sessions, none readable, no MQTT. */
  wait_for_label (status, "0 of 8 TLS sessions decrypted");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (status)));
  g_assert_cmpuint (displayed_with (window, "mqtt"), ==, 0);

  /* Type the path in the key log entry and press Enter. */
  prefs = iot_preferences_window_new (settings);
  gtk_window_present (GTK_WINDOW (prefs));
  entry = GTK_ENTRY (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "keylog_entry"));
  gtk_editable_set_text (GTK_EDITABLE (entry), keys);
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpstr (g_settings_get_string (settings, "tls-keylog-file"), ==, keys);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "keylog_status"))), ==,
                   "15 secrets loaded.");

  /* The window dissects again: seven sessions have keys (the key log
   * leaves out the last one on purpose), and MQTT appears. */
  wait_for_label (status, "7 of 8 TLS sessions decrypted");
  {
    g_autofree char *option = g_strconcat ("tls.keylog_file:", keys, NULL);

    expected = cli_count (capture, option, "mqtt");
  }
  g_assert_cmpuint (expected, >, 20);
  g_assert_cmpuint (displayed_with (window, "mqtt"), ==, expected);
  g_assert_cmpuint (displayed_with (window, "mqtt.topic contains \"tls13-aes256gcm\""), >, 0);

  /* The clear button forgets it again. */
  g_signal_emit_by_name (GTK_BUTTON (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "clear_keylog_button")), "clicked");
  g_assert_cmpstr (g_settings_get_string (settings, "tls-keylog-file"), ==, "");
  wait_for_label (status, "0 of 8 TLS sessions decrypted");
  g_assert_cmpuint (displayed_with (window, "mqtt"), ==, 0);

  gtk_window_destroy (GTK_WINDOW (prefs));
  gtk_window_destroy (GTK_WINDOW (window));
  reset_settings (settings);
}

/* Finds the first button below @widget. */
static GtkWidget *
find_button (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_psk_list (void)
{
  g_autofree char *capture = gui_test_capture_file ("dtls-psk-decrypt.pcap");
  g_autoptr (GSettings) settings = g_settings_new ("org.iotscope.Iotscope");
  /* The key of dtls-psk-decrypt.opts, for the identity the client sends. */
  const char *key = "696f7473636f70652d646576696365";
  IotWindow *window;
  IotPreferencesWindow *prefs;
  GListModel *psks;
  GtkListBoxRow *row;
  GtkLabel *status;
  GtkWidget *identity_entry, *key_entry, *add;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) stored = NULL;
  guint expected;

  reset_settings (settings);
  window = gui_test_open_window (capture, settings);
  status = GTK_LABEL (gui_test_window_child (window, "status_tls"));
  wait_for_label (status, "0 of 3 TLS sessions decrypted");
  g_assert_cmpuint (displayed_with (window, "coap"), ==, 0);

  prefs = iot_preferences_window_new (settings);
  gtk_window_present (GTK_WINDOW (prefs));
  psks = iot_preferences_window_get_psks (prefs);
  g_assert_cmpuint (g_list_model_get_n_items (psks), ==, 0);

  /* A key that is not hex is refused, with a message; nothing is stored. */
  g_assert_false (iot_preferences_window_add_psk (prefs, "iotscope-device", "not hex", &error));
  g_assert_nonnull (error);
  g_assert_cmpuint (g_list_model_get_n_items (psks), ==, 0);

  /* Identity and key typed in their entries, then Add. */
  identity_entry = GTK_WIDGET (GTK_ENTRY (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "psk_identity_entry")));
  key_entry = GTK_WIDGET (GTK_ENTRY (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "psk_key_entry")));
  add = GTK_WIDGET (GTK_BUTTON (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "psk_add_button")));
  gtk_editable_set_text (GTK_EDITABLE (identity_entry), "iotscope-device");
  gtk_editable_set_text (GTK_EDITABLE (key_entry), key);
  g_signal_emit_by_name (add, "clicked");
  g_assert_cmpuint (g_list_model_get_n_items (psks), ==, 1);
  {
    g_autoptr (IotPskItem) item = g_list_model_get_item (psks, 0);

    g_assert_cmpstr (iot_psk_item_get_identity (item), ==, "iotscope-device");
    g_assert_cmpstr (iot_psk_item_get_key (item), ==, key);
  }
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (key_entry)), ==, "");
  stored = g_settings_get_value (settings, "tls-psks");
  g_assert_cmpuint (g_variant_n_children (stored), ==, 1);
  row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "psk_list")), 0);
  g_assert_nonnull (row);

  /* All three DTLS sessions open; CoAP appears as the CLI shows it. */
  wait_for_label (status, "3 of 3 TLS sessions decrypted");
  {
    g_autofree char *option = g_strconcat ("dtls.psk:", key, NULL);

    expected = cli_count (capture, option, "coap");
  }
  g_assert_cmpuint (expected, >, 0);
  g_assert_cmpuint (displayed_with (window, "coap"), ==, expected);

  /* The row's remove button takes it away again. */
  g_signal_emit_by_name (find_button (GTK_WIDGET (row)), "clicked");
  g_assert_cmpuint (g_list_model_get_n_items (psks), ==, 0);
  wait_for_label (status, "0 of 3 TLS sessions decrypted");

  gtk_window_destroy (GTK_WINDOW (prefs));
  gtk_window_destroy (GTK_WINDOW (window));
  reset_settings (settings);
}

static void
test_drop_keylog (void)
{
  g_autofree char *capture = gui_test_capture_file ("mqtt-tls-decrypt.pcap");
  g_autofree char *keys = gui_test_capture_file ("mqtt-tls-decrypt.keys");
  g_autoptr (GSettings) settings = g_settings_new ("org.iotscope.Iotscope");
  g_autofree char *dir = g_dir_make_tmp ("t14-drop-XXXXXX", NULL);
  /* A name that says nothing: the content decides. */
  g_autofree char *renamed = g_build_filename (dir, "notes.txt", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GFile) dropped = g_file_new_for_path (renamed);
  g_autoptr (GFile) pcap = g_file_new_for_path (capture);
  IotWindow *window;
  GtkLabel *status;
  gsize len;

  reset_settings (settings);
  g_assert_true (g_file_get_contents (keys, &text, &len, NULL));
  g_assert_true (g_file_set_contents (renamed, text, len, NULL));
  window = gui_test_open_window (capture, settings);
  status = GTK_LABEL (gui_test_window_child (window, "status_tls"));
  wait_for_label (status, "0 of 8 TLS sessions decrypted");

  iot_window_drop_file (window, dropped);
  g_assert_cmpstr (g_settings_get_string (settings, "tls-keylog-file"), ==, renamed);
  wait_for_label (status, "7 of 8 TLS sessions decrypted");
  g_assert_cmpuint (displayed_with (window, "mqtt"), >, 0);
  /* The capture itself is still the one shown. */
  g_assert_cmpstr (iot_session_get_path (iot_window_get_session (window)), ==, capture);

  /* A capture dropped is opened, not taken for a key log. */
  iot_window_drop_file (window, pcap);
  g_assert_cmpstr (g_settings_get_string (settings, "tls-keylog-file"), ==, renamed);

  gtk_window_destroy (GTK_WINDOW (window));
  reset_settings (settings);
  g_unlink (renamed);
  g_rmdir (dir);
}

/* The file chooser dialog on screen (outside a sandbox the native chooser
 * shows GTK's own). */
static GtkWidget *
shown_file_chooser_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* GTK's own */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER_DIALOG (window) && gtk_widget_get_visible (window))
        return window;
    }
  g_error ("no file chooser dialog is shown");
}

/* Save As through the window's file chooser: @embed is what the
 * "secrets" check box is set to before Save. */
static void
save_through_chooser (IotWindow *window, const char *path, gboolean embed)
{
  GtkWidget *dialog;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.save-as", NULL);
  g_assert_nonnull (iot_window_get_save_chooser (window));
  /* Secrets are known: the box is there, and checked. */
  g_assert_true (iot_window_save_offers_secrets (window));
  dialog = shown_file_chooser_dialog ();
  g_assert_cmpstr (gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (dialog), "secrets"), ==, "true");
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (dialog), "secrets", embed ? "true" : "false");
  if (embed && g_getenv ("IOTSCOPE_SCREENSHOT_DIR") != NULL)
    {
      g_autofree char *shot = g_build_filename (g_getenv ("IOTSCOPE_SCREENSHOT_DIR"), "tls-save-secrets.png", NULL);
      g_autoptr (GError) error = NULL;

      gui_test_settle ();
      g_assert_true (iot_app_script_save_screenshot (dialog, shot, &error));
    }
  /* The whole path typed as the name, as a user may. */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), path);
  gui_test_settle ();
  {
    g_autoptr (GFile) chosen = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

    g_assert_nonnull (chosen);
    g_assert_cmpstr (g_file_peek_path (chosen), ==, path);
  }
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  /* (The save dialog may first ask the file system about the name.) */
  {
    gint64 until = g_get_monotonic_time () + GUI_TEST_TIMEOUT_US;

    while (iot_window_get_save_chooser (window) != NULL && g_get_monotonic_time () < until)
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
  }
  g_assert_null (iot_window_get_save_chooser (window));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

static gboolean
file_contains (const char *path, const char *text)
{
  g_autofree char *bytes = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
  gsize n = strlen (text);

  /* (binary: a search that stops at a NUL byte would not do) */
  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (bytes + i, text, n) == 0)
      return TRUE;
  return FALSE;
}

static void
test_save_with_secrets (void)
{
  g_autofree char *capture = gui_test_capture_file ("mqtt-tls-decrypt.pcap");
  g_autofree char *keys = gui_test_capture_file ("mqtt-tls-decrypt.keys");
  g_autoptr (GSettings) settings = g_settings_new ("org.iotscope.Iotscope");
  g_autofree char *dir = g_dir_make_tmp ("t14-save-XXXXXX", NULL);
  g_autofree char *with = g_build_filename (dir, "with-secrets.pcapng", NULL);
  g_autofree char *without = g_build_filename (dir, "without-secrets.pcapng", NULL);
  g_autofree char *option = g_strconcat ("tls.keylog_file:", keys, NULL);
  g_autoptr (GFile) with_file = g_file_new_for_path (with);
  g_autoptr (GFile) without_file = g_file_new_for_path (without);
  const char *shots = g_getenv ("IOTSCOPE_SCREENSHOT_DIR");
  IotWindow *window;
  guint expected = cli_count (capture, option, "mqtt");

  reset_settings (settings);
  g_settings_set_string (settings, "tls-keylog-file", keys);
  window = gui_test_open_window (capture, settings);
  wait_for_label (GTK_LABEL (gui_test_window_child (window, "status_tls")), "7 of 8 TLS sessions decrypted");
  save_through_chooser (window, with, TRUE);
  save_through_chooser (window, without, FALSE);
  gtk_window_destroy (GTK_WINDOW (window));
  /* The key log's fifteen lines went into a Decryption Secrets Block of
   * one file and nowhere into the other. */
  g_assert_true (file_contains (with, "CLIENT_RANDOM"));
  g_assert_true (file_contains (with, "SERVER_TRAFFIC_SECRET_0"));
  g_assert_false (file_contains (without, "CLIENT_RANDOM"));
  g_assert_false (file_contains (without, "TRAFFIC_SECRET"));

  /* Without the key log preference: the stripped copy stays closed (and
   * Save As has no secrets to offer) … */
  reset_settings (settings);
  window = gui_test_open_window (without, settings);
  wait_for_label (GTK_LABEL (gui_test_window_child (window, "status_tls")), "0 of 8 TLS sessions decrypted");
  g_assert_cmpuint (displayed_with (window, "mqtt"), ==, 0);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.save-as", NULL);
  g_assert_nonnull (iot_window_get_save_chooser (window));
  g_assert_false (iot_window_save_offers_secrets (window));
  g_signal_emit_by_name (iot_window_get_save_chooser (window), "response", GTK_RESPONSE_CANCEL);
  gtk_window_destroy (GTK_WINDOW (window));

  /* … and the embedded one decrypts by itself, as with the key log. */
  window = gui_test_open_window (with, settings);
  wait_for_label (GTK_LABEL (gui_test_window_child (window, "status_tls")), "7 of 8 TLS sessions decrypted");
  g_assert_cmpuint (displayed_with (window, "mqtt"), ==, expected);
  g_assert_cmpuint (gui_test_cli_count_file (with, "mqtt"), ==, expected);
  /* The next capture opened in the window does not get them. */
  iot_window_open (window, without_file);
  wait_for_label (GTK_LABEL (gui_test_window_child (window, "status_tls")), "0 of 8 TLS sessions decrypted");
  g_assert_cmpuint (displayed_with (window, "mqtt"), ==, 0);
  iot_window_open (window, with_file);
  wait_for_label (GTK_LABEL (gui_test_window_child (window, "status_tls")), "7 of 8 TLS sessions decrypted");
  if (shots != NULL)
    {
      g_autofree char *shot = g_build_filename (shots, "tls-embedded-secrets.png", NULL);
      g_autoptr (GError) error = NULL;

      gui_test_apply_filter (window, "mqtt.msgtype == 3");
      g_assert_true (iot_window_go_to_frame (window, 1));
      gui_test_settle ();
      g_assert_true (iot_app_script_save_screenshot (GTK_WIDGET (window), shot, &error));
    }
  gtk_window_destroy (GTK_WINDOW (window));
  reset_settings (settings);
  g_unlink (with);
  g_unlink (without);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  gui_test_init (&argc, &argv);
  g_test_add_func ("/tls-preferences/keylog", test_keylog_on_preferences_page);
  g_test_add_func ("/tls-preferences/psk-list", test_psk_list);
  g_test_add_func ("/tls-preferences/drop-keylog", test_drop_keylog);
  g_test_add_func ("/tls-preferences/save-with-secrets", test_save_with_secrets);
  return g_test_run ();
}
