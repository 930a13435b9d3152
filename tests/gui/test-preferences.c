/* test-preferences.c — the Preferences window's General, Protocols and
 * Zigbee pages, driven through their real widgets: the time format the
 * Time column shows (each of tshark's -t formats, compared with the
 * CLI's), colouring, MAC maker names in the Source column (as the CLI
 * with and without -n), port preferences (as tshark's
 * -o mqtt.tcp.port), and Zigbee network keys (as the CLI's
 * -o uat:zigbee_pc_keys), Protocol Buffers folders and MQTT payload rules
 * (as its -o uat:protobuf_search_paths and uat:mqtt_message_decoding,
 * with tests/captures/sparkplug.opts).  Everything lands in GSettings and reaches the
 * open window.  Run under Xvfb (run-xvfb.sh). */
#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "gui-test-util.h"
#include "iot-app-test.h"
#include "iot-app-script.h"
#include "iot-application-private.h"
#include "iot-format.h"
#include "iot-dissect-settings.h"
#include "iot-preferences-window.h"
#include "iot-window.h"

static const char *zigbee_key = "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf";

static void
reset_settings (GSettings *settings)
{
  static const char *const keys[] = { "time-format", "colorize", "resolve-mac", "protocol-ports", "decode-as",
                                      "zigbee-keys", "color-scheme", "protobuf-search-paths",
                                      "mqtt-topic-rules", NULL };

  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
}

static guint
displayed_with (IotWindow *window, const char *filter)
{
  gui_test_apply_filter (window, filter);
  return g_list_model_get_n_items (G_LIST_MODEL (iot_session_get_frames (iot_window_get_session (window))));
}

/* Runs the main loop until the window has loaded its capture again. */
static void
wait_reload (IotWindow *window, gboolean *loaded)
{
  gui_test_wait_for (loaded);
  *loaded = FALSE;
  gui_test_settle ();
}

/* The Time text of frames 1..n as the CLI prints them with -t @letters:
 * the summary line's fields between the number and the source. */
static GPtrArray *
cli_times (const char *capture, const char *letters, guint n)
{
  g_autofree char *count = g_strdup_printf ("%u", n);
  g_autofree char *out = gui_test_cli_run (capture, "-t", letters, "-c", count, NULL);
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
  GPtrArray *times = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; lines[i] != NULL && times->len < n; i++)
    {
      g_auto (GStrv) words = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      g_autoptr (GString) time = g_string_new (NULL);
      guint w = 1;

      if (words[0] == NULL || words[0][0] == '\0')
        continue;
      /* The time is one word, or two for the calendar formats. */
      for (; words[w] != NULL && words[w][0] == '\0'; w++)
        ;
      g_string_append (time, words[w]);
      if (strchr (words[w], '-') != NULL || strchr (words[w], '/') != NULL)
        g_string_append_printf (time, " %s", words[w + 1]);
      g_ptr_array_add (times, g_string_free (g_steal_pointer (&time), FALSE));
    }
  return times;
}

static void
test_general_page (void)
{
  static const struct { guint row; const char *id; const char *letters; } formats[] = {
    { 0, "relative", "r" }, { 1, "delta", "d" }, { 2, "delta-displayed", "dd" }, { 3, "epoch", "e" },
    { 4, "time-of-day", "a" }, { 5, "date", "ad" }, { 6, "day-of-year", "adoy" },
    { 7, "utc-time-of-day", "u" }, { 8, "utc", "ud" }, { 9, "utc-day-of-year", "udoy" },
  };
  g_autofree char *capture = gui_test_capture_file ("mqtt311.pcap");
  g_autoptr (GSettings) settings = g_settings_new ("org.iotscope.Iotscope");
  IotWindow *window;
  IotPreferencesWindow *prefs;
  IotSession *session;
  IotFrameList *frames;
  guint compared = 0;

  reset_settings (settings);
  window = gui_test_open_window (capture, settings);
  session = iot_window_get_session (window);
  frames = iot_session_get_frames (session);
  prefs = iot_preferences_window_new (settings);
  gtk_window_present (GTK_WINDOW (prefs));
  gui_test_settle ();

  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      g_autoptr (GPtrArray) expected = cli_times (capture, formats[f].letters, 6);
      g_autofree char *stored = NULL;

      gtk_drop_down_set_selected (GTK_DROP_DOWN (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "time_format_dropdown")), formats[f].row);
      stored = g_settings_get_string (settings, "time-format");
      g_assert_cmpstr (stored, ==, formats[f].id);
      g_assert_cmpint (iot_session_get_time_format (session), ==, iot_time_format_from_id (formats[f].id));
      g_assert_cmpuint (expected->len, ==, 6);
      for (guint i = 0; i < expected->len; i++)
        {
          g_autoptr (GString) shown = g_string_new (NULL);

          iot_frame_list_format_time (frames, i + 1, iot_session_get_time_format (session), shown);
          g_assert_cmpstr (shown->str, ==, g_ptr_array_index (expected, i));
          compared++;
        }
    }
  g_test_message ("%u Time cells equal to the CLI's over %zu formats", compared, G_N_ELEMENTS (formats));
  /* The menu changes the same key: the dropdown follows. */
  g_action_group_change_action_state (G_ACTION_GROUP (window), "time-format", g_variant_new_string ("epoch"));
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "time_format_dropdown"))), ==, 3);

  /* Colouring. */
  g_assert_true (iot_session_get_colorize (session));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "colorize_check")), FALSE);
  g_assert_false (g_settings_get_boolean (settings, "colorize"));
  g_assert_false (iot_session_get_colorize (session));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "colorize_check")), TRUE);
  g_assert_true (iot_session_get_colorize (session));

  /* Style. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "style_dropdown")), 2);
  {
    g_autofree char *scheme = g_settings_get_string (settings, "color-scheme");

    g_assert_cmpstr (scheme, ==, "dark");
  }
  gtk_window_destroy (GTK_WINDOW (prefs));
  gtk_window_destroy (GTK_WINDOW (window));
  reset_settings (settings);
}

/* The Source column of frame @number. */
static char *
source_of (IotWindow *window, guint32 number)
{
  IotFrameList *frames = iot_session_get_frames (iot_window_get_session (window));

  return g_strdup (iot_frame_list_summary (frames, number)->src);
}

/* The CLI's Source of the first frame, with its extra arguments. */
static char *
cli_source (const char *capture, const char *extra)
{
  g_autofree char *out = extra ? gui_test_cli_run (capture, "-c", "1", extra, NULL)
                               : gui_test_cli_run (capture, "-c", "1", NULL);
  g_auto (GStrv) words = g_strsplit_set (g_strstrip (out), " ", -1);
  guint w = 0, seen = 0;

  /* number, time, source: the third word that is not empty. */
  for (; words[w] != NULL; w++)
    if (words[w][0] != '\0' && ++seen == 3)
      return g_strdup (words[w]);
  return NULL;
}

static void
test_name_resolution (void)
{
  g_autofree char *capture = gui_test_capture_file ("mac-names.pcap");
  g_autoptr (GSettings) settings = g_settings_new ("org.iotscope.Iotscope");
  g_autofree char *named = cli_source (capture, NULL);
  g_autofree char *numeric = cli_source (capture, "-n");
  g_autofree char *shown = NULL;
  IotPreferencesWindow *prefs;
  IotWindow *window;
  gboolean loaded = FALSE;

  reset_settings (settings);
  window = gui_test_open_window (capture, settings);
  g_signal_connect (iot_window_get_session (window), "load-finished", G_CALLBACK (gui_test_flag_cb), &loaded);
  prefs = iot_preferences_window_new (settings);
  gtk_window_present (GTK_WINDOW (prefs));
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "resolve_mac_check"))));
  shown = source_of (window, 1);
  g_assert_cmpstr (shown, ==, named);
  g_assert_cmpstr (named, !=, numeric);

  gtk_check_button_set_active (GTK_CHECK_BUTTON (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "resolve_mac_check")), FALSE);
  g_assert_false (g_settings_get_boolean (settings, "resolve-mac"));
  wait_reload (window, &loaded);
  g_free (shown);
  shown = source_of (window, 1);
  g_assert_cmpstr (shown, ==, numeric);

  gtk_check_button_set_active (GTK_CHECK_BUTTON (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "resolve_mac_check")), TRUE);
  wait_reload (window, &loaded);
  g_free (shown);
  shown = source_of (window, 1);
  g_assert_cmpstr (shown, ==, named);
  g_signal_handlers_disconnect_by_func (iot_window_get_session (window), gui_test_flag_cb, &loaded);
  gtk_window_destroy (GTK_WINDOW (prefs));
  gtk_window_destroy (GTK_WINDOW (window));
  reset_settings (settings);
}

/* Frames tshark shows under @filter with the port preference @pref;
 * -1 without tshark. */
static int
tshark_count (const char *capture, const char *pref, const char *filter)
{
  const char *argv[] = { "tshark", "-r", capture, "-o", pref, "-Y", filter, NULL };
  g_autofree char *out = NULL;
  int status;

  if (g_find_program_in_path ("tshark") == NULL)
    return -1;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                     &out, NULL, &status, NULL) || status != 0)
    g_error ("tshark -o %s failed", pref);
  return (int) gui_test_count_lines (out);
}

/* The window shows as many frames under @filter as tshark with @pref. */
static void
expect_as_tshark (IotWindow *window, const char *capture, const char *pref, const char *filter, guint shown)
{
  int expected = tshark_count (capture, pref, filter);

  if (expected < 0)
    g_test_message ("no tshark: %s not compared", pref);
  else
    g_assert_cmpuint (shown, ==, (guint) expected);
}

static void
test_ports (void)
{
  g_autofree char *capture = gui_test_capture_file ("mqtt311.pcap");
  g_autoptr (GSettings) settings = g_settings_new ("org.iotscope.Iotscope");
  g_autofree char *cli_out = gui_test_cli_run (capture, "-Y", "mqtt", NULL);
  guint expected = gui_test_count_lines (cli_out);
  g_auto (GStrv) stored = NULL;
  IotPreferencesWindow *prefs;
  IotWindow *window;
  GtkEntry *entry;
  GtkLabel *status;
  gboolean loaded = FALSE;

  reset_settings (settings);
  g_assert_cmpuint (expected, >, 10);
  window = gui_test_open_window (capture, settings);
  g_signal_connect (iot_window_get_session (window), "load-finished", G_CALLBACK (gui_test_flag_cb), &loaded);
  prefs = iot_preferences_window_new (settings);
  iot_preferences_window_show_page (prefs, "protocols");
  gtk_window_present (GTK_WINDOW (prefs));
  entry = iot_preferences_window_get_ports_entry (prefs, "mqtt", "tcp.port");
  status = GTK_LABEL (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "ports_status"));
  g_assert_nonnull (entry);
  /* The entries show the registered defaults. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "1883");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (iot_preferences_window_get_ports_entry (prefs, "coap", "udp.port"))),
                   ==, "5683");
  g_assert_cmpuint (displayed_with (window, "mqtt"), ==, expected);

  /* As tshark -o mqtt.tcp.port:1884: the capture's broker port is no
   * longer MQTT (tshark shows no MQTT frame either). */
  gtk_editable_set_text (GTK_EDITABLE (entry), "1884");
  g_signal_emit_by_name (entry, "activate");
  stored = g_settings_get_strv (settings, "protocol-ports");
  g_assert_cmpuint (g_strv_length (stored), ==, 1);
  g_assert_cmpstr (stored[0], ==, "mqtt.tcp.port:1884");
  wait_reload (window, &loaded);
  /* tshark 4.0 keeps the registered 1883 when -o names other ports
   * (64 MQTT frames here); the preference replaces the list, as
   * Wireshark's Preferences dialog does: none. */
  g_assert_cmpuint (displayed_with (window, "mqtt"), ==, 0);

  /* Both ports: all MQTT again. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "1883, 1884");
  g_signal_emit_by_name (entry, "activate");
  wait_reload (window, &loaded);
  g_assert_cmpuint (displayed_with (window, "mqtt"), ==, expected);
  expect_as_tshark (window, capture, "mqtt.tcp.port:1883,1884", "mqtt", expected);
  expect_as_tshark (window, capture, "mqtt.tcp.port:1883,1884", "tcp", displayed_with (window, "tcp"));

  /* A wrong list says why and changes nothing. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "18x3");
  g_signal_emit_by_name (entry, "activate");
  g_assert_nonnull (strstr (gtk_label_get_text (status), "is not a list of ports"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (status), "error"));
  g_strfreev (stored);
  stored = g_settings_get_strv (settings, "protocol-ports");
  g_assert_cmpstr (stored[0], ==, "mqtt.tcp.port:1883,1884");

  /* Back to the default: the entry leaves the settings. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "1883");
  g_signal_emit_by_name (entry, "activate");
  g_strfreev (stored);
  stored = g_settings_get_strv (settings, "protocol-ports");
  g_assert_cmpuint (g_strv_length (stored), ==, 0);
  wait_reload (window, &loaded);
  g_assert_cmpuint (displayed_with (window, "mqtt"), ==, expected);
  g_signal_handlers_disconnect_by_func (iot_window_get_session (window), gui_test_flag_cb, &loaded);
  gtk_window_destroy (GTK_WINDOW (prefs));
  gtk_window_destroy (GTK_WINDOW (window));
  reset_settings (settings);
}

/* mqtt311.pcap with the broker moved from port 1883 to 1884 (only the
 * TCP port fields change; tshark checks no TCP checksum by default). */
static char *
write_moved_broker (const char *dir)
{
  g_autofree char *source = gui_test_capture_file ("mqtt311.pcap");
  g_autofree char *bytes = NULL;
  char *path = g_build_filename (dir, "mqtt-1884.pcap", NULL);
  gsize len, offset = 24;

  g_assert_true (g_file_get_contents (source, &bytes, &len, NULL));
  while (offset + 16 <= len)
    {
      guint32 caplen;

      /* Records follow each other unaligned. */
      memcpy (&caplen, bytes + offset + 8, sizeof caplen);
      caplen = GUINT32_FROM_LE (caplen);
      guint8 *frame = (guint8 *) bytes + offset + 16;

      g_assert_cmpuint (offset + 16 + caplen, <=, len);
      if (caplen >= 38 && frame[12] == 0x08 && frame[13] == 0x00 && frame[23] == 6)
        {
          guint8 *tcp = frame + 14 + (frame[14] & 0x0f) * 4;

          for (guint i = 0; i < 4; i += 2)
            if (tcp + i + 2 <= frame + caplen && tcp[i] == 0x07 && tcp[i + 1] == 0x5b)   /* 1883 */
              tcp[i + 1] = 0x5c;                                                       /* 1884 */
        }
      offset += 16 + caplen;
    }
  g_assert_true (g_file_set_contents (path, bytes, len, NULL));
  return path;
}

/* Where tshark and the window mean the same (the ports given are
 * decoded), the counts agree. */
static void
test_ports_as_tshark (void)
{
  g_autofree char *dir = g_dir_make_tmp ("iotscope-ports-XXXXXX", NULL);
  g_autofree char *capture = write_moved_broker (dir);
  g_autoptr (GSettings) settings = g_settings_new ("org.iotscope.Iotscope");
  static const char *const lists[] = { "1884", "1883,1884", "1880-1890" };
  IotPreferencesWindow *prefs;
  IotWindow *window;
  GtkEntry *entry;
  gboolean loaded = FALSE;

  reset_settings (settings);
  window = gui_test_open_window (capture, settings);
  g_signal_connect (iot_window_get_session (window), "load-finished", G_CALLBACK (gui_test_flag_cb), &loaded);
  g_assert_cmpuint (displayed_with (window, "mqtt"), ==, 0);
  expect_as_tshark (window, capture, "mqtt.tcp.port:1883", "mqtt", 0);
  prefs = iot_preferences_window_new (settings);
  entry = iot_preferences_window_get_ports_entry (prefs, "mqtt", "tcp.port");
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      g_autofree char *pref = g_strdup_printf ("mqtt.tcp.port:%s", lists[i]);
      guint shown;

      gtk_editable_set_text (GTK_EDITABLE (entry), lists[i]);
      g_signal_emit_by_name (entry, "activate");
      wait_reload (window, &loaded);
      shown = displayed_with (window, "mqtt");
      g_assert_cmpuint (shown, >, 10);
      expect_as_tshark (window, capture, pref, "mqtt", shown);
      expect_as_tshark (window, capture, pref, "mqtt.msgtype == 3", displayed_with (window, "mqtt.msgtype == 3"));
    }
  g_signal_handlers_disconnect_by_func (iot_window_get_session (window), gui_test_flag_cb, &loaded);
  gtk_window_destroy (GTK_WINDOW (prefs));
  gtk_window_destroy (GTK_WINDOW (window));
  reset_settings (settings);
  g_unlink (capture);
  g_rmdir (dir);
}

static void
test_zigbee_keys (void)
{
  g_autofree char *capture = gui_test_capture_file ("zigbee-nwkkey.pcap");
  g_autoptr (GSettings) settings = g_settings_new ("org.iotscope.Iotscope");
  g_autofree char *uat = g_strdup_printf ("uat:zigbee_pc_keys:\"%s\",\"Normal\",\"lab network\"", zigbee_key);
  g_autofree char *with_key = gui_test_cli_run (capture, "-o", uat, "-Y", "zbee_zcl", NULL);
  g_autofree char *without = gui_test_cli_run (capture, "-Y", "zbee_zcl", NULL);
  guint expected = gui_test_count_lines (with_key);
  g_autoptr (GVariant) stored = NULL;
  IotPreferencesWindow *prefs;
  IotWindow *window;
  IotZigbeeKeyItem *item;
  gboolean loaded = FALSE;

  reset_settings (settings);
  g_assert_cmpuint (expected, >, 0);
  window = gui_test_open_window (capture, settings);
  g_signal_connect (iot_window_get_session (window), "load-finished", G_CALLBACK (gui_test_flag_cb), &loaded);
  g_assert_cmpuint (displayed_with (window, "zbee_zcl"), ==, gui_test_count_lines (without));

  prefs = iot_preferences_window_new (settings);
  iot_preferences_window_show_page (prefs, "zigbee");
  gtk_window_present (GTK_WINDOW (prefs));

  /* Not a key: said so, nothing stored. */
  gtk_editable_set_text (GTK_EDITABLE (GTK_ENTRY (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "zigbee_key_entry"))), "c0c1c2");
  g_signal_emit_by_name (GTK_BUTTON (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "zigbee_add_button")), "clicked");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "zigbee_status"))), !=, "");
  g_assert_cmpuint (g_list_model_get_n_items (iot_preferences_window_get_zigbee_keys (prefs)), ==, 0);

  /* The key, typed with separators as stacks print it. */
  gtk_editable_set_text (GTK_EDITABLE (GTK_ENTRY (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "zigbee_key_entry"))),
                         "c0:c1:c2:c3:c4:c5:c6:c7:c8:c9:ca:cb:cc:cd:ce:cf");
  gtk_editable_set_text (GTK_EDITABLE (GTK_ENTRY (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "zigbee_label_entry"))), "lab network");
  g_signal_emit_by_name (GTK_BUTTON (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "zigbee_add_button")), "clicked");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "zigbee_status"))), ==, "");
  stored = g_settings_get_value (settings, "zigbee-keys");
  g_assert_cmpuint (g_variant_n_children (stored), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (iot_preferences_window_get_zigbee_keys (prefs)), ==, 1);
  item = g_list_model_get_item (iot_preferences_window_get_zigbee_keys (prefs), 0);
  g_assert_cmpstr (iot_zigbee_key_item_get_label (item), ==, "lab network");
  g_assert_false (iot_zigbee_key_item_get_reversed (item));
  g_object_unref (item);
  g_assert_nonnull (gtk_list_box_get_row_at_index (GTK_LIST_BOX (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "zigbee_list")), 0));
  wait_reload (window, &loaded);
  g_assert_cmpuint (displayed_with (window, "zbee_zcl"), ==, expected);

  /* Removing it takes the decryption away again. */
  {
    GtkWidget *row = gtk_list_box_row_get_child (gtk_list_box_get_row_at_index (GTK_LIST_BOX (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "zigbee_list")), 0));
    GtkWidget *remove = gtk_widget_get_last_child (row);

    g_assert_true (GTK_IS_BUTTON (remove));
    g_signal_emit_by_name (remove, "clicked");
  }
  g_assert_cmpuint (g_list_model_get_n_items (iot_preferences_window_get_zigbee_keys (prefs)), ==, 0);
  wait_reload (window, &loaded);
  g_assert_cmpuint (displayed_with (window, "zbee_zcl"), ==, gui_test_count_lines (without));
  g_signal_handlers_disconnect_by_func (iot_window_get_session (window), gui_test_flag_cb, &loaded);
  gtk_window_destroy (GTK_WINDOW (prefs));
  gtk_window_destroy (GTK_WINDOW (window));
  reset_settings (settings);
}

/* The options of tests/captures/sparkplug.opts, one word per argument. */
static GPtrArray *
capture_options (const char *opts_path)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  GPtrArray *args = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (g_file_get_contents (opts_path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) words = NULL;

      if (lines[i][0] == '#' || g_strstrip (lines[i])[0] == '\0')
        continue;
      g_assert_true (g_shell_parse_argv (lines[i], NULL, &words, NULL));
      for (guint w = 0; words[w] != NULL; w++)
        g_ptr_array_add (args, g_strdup (words[w]));
    }
  return args;
}

/* `iotscope-cli -r sparkplug.pcap OPTIONS -Y FILTER -T fields -e …`, run
 * in tests/captures as the differential tests run it (the folders in the
 * options are relative to it): the first line. */
static char *
cli_first_line (GPtrArray *options, const char *filter, const char *const *fields)
{
  g_autofree char *dir = gui_test_capture_file ("");
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  int status = 0;

  g_ptr_array_add (argv, (gpointer) g_getenv ("IOTSCOPE_CLI"));
  g_ptr_array_add (argv, (gpointer) "-r");
  g_ptr_array_add (argv, (gpointer) "sparkplug.pcap");
  for (guint i = 0; i < options->len; i++)
    g_ptr_array_add (argv, g_ptr_array_index (options, i));
  g_ptr_array_add (argv, (gpointer) "-Y");
  g_ptr_array_add (argv, (gpointer) filter);
  g_ptr_array_add (argv, (gpointer) "-T");
  g_ptr_array_add (argv, (gpointer) "fields");
  for (guint i = 0; fields[i] != NULL; i++)
    {
      g_ptr_array_add (argv, (gpointer) "-e");
      g_ptr_array_add (argv, (gpointer) fields[i]);
    }
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (dir, (char **) argv->pdata, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  out[strcspn (out, "\n")] = '\0';
  return g_steal_pointer (&out);
}

/* The same line from the window: frame @number selected, the values of
 * each field in its tree as -T fields prints them. */
static char *
window_fields (IotWindow *window, guint32 number, const char *const *fields)
{
  IotSession *session = iot_window_get_session (window);
  GString *line = g_string_new (NULL);
  IotPacket *packet;

  iot_session_select_frame (session, 0);
  iot_session_select_frame (session, number);
  gui_test_settle ();
  packet = iot_session_get_packet (session);
  g_assert_nonnull (packet);
  g_string_append_printf (line, "%u", number);
  for (guint f = 0; fields[f] != NULL; f++)
    {
      gboolean first = TRUE;

      g_string_append_c (line, '\t');
      for (guint i = 0; i < iot_packet_n_nodes (packet); i++)
        {
          const IotNode *node = iot_packet_node (packet, i);

          if (node->field == NULL || !g_str_equal (node->field->abbrev, fields[f]))
            continue;
          if (!first)
            g_string_append_c (line, ',');
          iot_format_field_value (packet, node, line);
          first = FALSE;
        }
    }
  return g_string_free (line, FALSE);
}

static void
click_last_button_of_row (GtkListBox *list, guint index)
{
  GtkWidget *row = gtk_list_box_row_get_child (gtk_list_box_get_row_at_index (list, index));
  GtkWidget *remove = gtk_widget_get_last_child (row);

  g_assert_true (GTK_IS_BUTTON (remove));
  g_signal_emit_by_name (remove, "clicked");
}

static void
save_prefs_screenshot (IotPreferencesWindow *prefs, const char *name)
{
  const char *dir = g_getenv ("IOTSCOPE_SCREENSHOT_DIR");
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;

  if (dir == NULL)
    return;
  path = g_build_filename (dir, name, NULL);
  gui_test_settle ();
  g_assert_true (iot_app_script_save_screenshot (GTK_WIDGET (prefs), path, &error));
  g_test_message ("screenshot %s", path);
}

/* A .proto folder and a topic rule added through the Protocols page's
 * widgets decode lab/meter PUBLISH payloads in the open window as the
 * CLI does with sparkplug.opts; a broken .proto names its line there. */
static void
test_protobuf (void)
{
  static const char *const fields[] = { "protobuf.field.number", "protobuf.field.name", "protobuf.field.value", NULL };
  static const char *const publish = "mqtt.msgtype == 3 && mqtt.topic matches \"^lab/meter/\"";
  g_autofree char *capture = gui_test_capture_file ("sparkplug.pcap");
  g_autofree char *opts_path = gui_test_capture_file ("sparkplug.opts");
  g_autofree char *protos = gui_test_capture_file ("protos");
  g_autofree char *broken_dir = g_dir_make_tmp ("iotscope-proto-XXXXXX", NULL);
  g_autofree char *broken = g_build_filename (broken_dir, "broken.proto", NULL);
  g_autoptr (GSettings) settings = g_settings_new ("org.iotscope.Iotscope");
  g_autoptr (GPtrArray) options = capture_options (opts_path);
  g_autoptr (GPtrArray) typed = g_ptr_array_new ();
  g_autoptr (GVariant) stored = NULL;
  g_autofree char *expected = cli_first_line (options, publish, (const char *const[]) { "frame.number", fields[0], fields[1], fields[2], NULL });
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *typed_expected = NULL;
  g_autofree char *typed_shown = NULL;
  IotPreferencesWindow *prefs;
  IotWindow *window;
  GtkLabel *status;
  gboolean loaded = FALSE;
  guint32 frame;

  reset_settings (settings);
  /* The broker's port, as the options' -d gives it (not what this tests). */
  for (guint i = 0; i + 1 < options->len; i++)
    if (g_str_equal (g_ptr_array_index (options, i), "-d"))
      g_assert_true (iot_dissect_settings_add_decode_as (settings, g_ptr_array_index (options, i + 1), NULL));
  frame = (guint32) g_ascii_strtoull (expected, NULL, 10);
  g_assert_cmpuint (frame, >, 0);
  /* Fields by number only: tshark 4.0's table has no message type column. */
  g_assert_nonnull (strstr (expected, "\t1,2,3,4,"));
  g_assert_nonnull (strstr (expected, "<UNKNOWN>"));

  window = gui_test_open_window (capture, settings);
  g_signal_connect (iot_window_get_session (window), "load-finished", G_CALLBACK (gui_test_flag_cb), &loaded);
  before = window_fields (window, frame, fields);
  g_assert_true (g_str_has_suffix (before, "\t\t\t"));

  prefs = iot_preferences_window_new (settings);
  iot_preferences_window_show_page (prefs, "protocols");
  gtk_window_present (GTK_WINDOW (prefs));
  status = GTK_LABEL (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "protobuf_status"));

  /* Not a folder: said so, nothing stored. */
  gtk_editable_set_text (GTK_EDITABLE (GTK_ENTRY (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "protobuf_path_entry"))), "/nonexistent/protos");
  g_signal_emit_by_name (GTK_BUTTON (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "protobuf_path_add_button")), "clicked");
  g_assert_nonnull (strstr (gtk_label_get_text (status), "not a folder"));
  stored = g_settings_get_value (settings, "protobuf-search-paths");
  g_assert_cmpuint (g_variant_n_children (stored), ==, 0);
  g_clear_pointer (&stored, g_variant_unref);

  /* A broken .proto: its file and line on the page. */
  g_assert_true (g_file_set_contents (broken, "syntax = \"proto3\";\nmessage Broken {\n  int32 a = ;\n}\n", -1, NULL));
  gtk_editable_set_text (GTK_EDITABLE (GTK_ENTRY (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "protobuf_path_entry"))), broken_dir);
  g_signal_emit_by_name (GTK_BUTTON (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "protobuf_path_add_button")), "clicked");
  g_test_message ("broken .proto: %s", gtk_label_get_text (status));
  g_assert_nonnull (strstr (gtk_label_get_text (status), "broken.proto:3"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (status), "error"));
  wait_reload (window, &loaded);
  click_last_button_of_row (GTK_LIST_BOX (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "protobuf_path_list")), 0);
  g_assert_null (gtk_list_box_get_row_at_index (GTK_LIST_BOX (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "protobuf_path_list")), 0));
  wait_reload (window, &loaded);

  /* The capture's folder, every file loaded, as the options give it. */
  gtk_editable_set_text (GTK_EDITABLE (GTK_ENTRY (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "protobuf_path_entry"))), protos);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "protobuf_load_all_check")), TRUE);
  g_signal_emit_by_name (GTK_ENTRY (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "protobuf_path_entry")), "activate");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (status), "error"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (GTK_ENTRY (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "protobuf_path_entry")))), ==, "");
  stored = g_settings_get_value (settings, "protobuf-search-paths");
  g_assert_cmpuint (g_variant_n_children (stored), ==, 1);
  {
    const char *dir;
    gboolean all;

    g_variant_get_child (stored, 0, "(&sb)", &dir, &all);
    g_assert_cmpstr (dir, ==, protos);
    g_assert_true (all);
  }
  wait_reload (window, &loaded);

  /* The row's switch turns "load all files" off and on again. */
  {
    GtkWidget *row = gtk_list_box_row_get_child (gtk_list_box_get_row_at_index (GTK_LIST_BOX (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "protobuf_path_list")), 0));
    GtkWidget *all = gtk_widget_get_prev_sibling (gtk_widget_get_last_child (row));
    gboolean flag;

    g_assert_true (GTK_IS_SWITCH (all));
    gtk_switch_set_active (GTK_SWITCH (all), FALSE);
    g_clear_pointer (&stored, g_variant_unref);
    stored = g_settings_get_value (settings, "protobuf-search-paths");
    g_variant_get_child (stored, 0, "(&sb)", NULL, &flag);
    g_assert_false (flag);
    wait_reload (window, &loaded);
    row = gtk_list_box_row_get_child (gtk_list_box_get_row_at_index (GTK_LIST_BOX (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "protobuf_path_list")), 0));
    all = gtk_widget_get_prev_sibling (gtk_widget_get_last_child (row));
    g_assert_false (gtk_switch_get_active (GTK_SWITCH (all)));
    gtk_switch_set_active (GTK_SWITCH (all), TRUE);
    g_clear_pointer (&stored, g_variant_unref);
    stored = g_settings_get_value (settings, "protobuf-search-paths");
    g_variant_get_child (stored, 0, "(&sb)", NULL, &flag);
    g_assert_true (flag);
    wait_reload (window, &loaded);
  }

  /* A wrong regular expression: said so, nothing stored. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "mqtt_match_dropdown")), 4);
  gtk_editable_set_text (GTK_EDITABLE (GTK_ENTRY (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "mqtt_pattern_entry"))), "lab/(");
  g_signal_emit_by_name (GTK_BUTTON (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "mqtt_rule_add_button")), "clicked");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "mqtt_status"))), !=, "");
  g_assert_null (gtk_list_box_get_row_at_index (GTK_LIST_BOX (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "mqtt_rule_list")), 0));

  /* The options' rule: Starts with lab/meter/, protobuf, no message type. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "mqtt_match_dropdown")), 2);
  gtk_editable_set_text (GTK_EDITABLE (GTK_ENTRY (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "mqtt_pattern_entry"))), "lab/meter/");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (GTK_ENTRY (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "mqtt_protocol_entry")))), ==, "protobuf");
  g_signal_emit_by_name (GTK_BUTTON (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "mqtt_rule_add_button")), "clicked");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "mqtt_status"))), ==, "");
  g_assert_nonnull (gtk_list_box_get_row_at_index (GTK_LIST_BOX (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "mqtt_rule_list")), 0));
  g_clear_pointer (&stored, g_variant_unref);
  stored = g_settings_get_value (settings, "mqtt-topic-rules");
  g_assert_cmpuint (g_variant_n_children (stored), ==, 1);
  wait_reload (window, &loaded);
  iot_preferences_window_show_page (prefs, "protobuf");
  save_prefs_screenshot (prefs, "preferences-protobuf.png");

  after = window_fields (window, frame, fields);
  g_test_message ("frame %u: %s", frame, after);
  g_assert_cmpstr (after, ==, expected);

  /* Our fifth column: with the message type the fields have names, as
   * the CLI gives them with the same rule. */
  click_last_button_of_row (GTK_LIST_BOX (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "mqtt_rule_list")), 0);
  wait_reload (window, &loaded);
  gtk_editable_set_text (GTK_EDITABLE (GTK_ENTRY (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "mqtt_pattern_entry"))), "lab/meter/");
  gtk_editable_set_text (GTK_EDITABLE (GTK_ENTRY (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "mqtt_message_type_entry"))), "lab.meter.Reading");
  g_signal_emit_by_name (GTK_ENTRY (gui_test_template_child (prefs, IOT_TYPE_PREFERENCES_WINDOW, "mqtt_message_type_entry")), "activate");
  wait_reload (window, &loaded);
  for (guint i = 0; i < options->len; i++)
    if (!g_str_has_prefix (g_ptr_array_index (options, i), "uat:mqtt_message_decoding:"))
      g_ptr_array_add (typed, g_ptr_array_index (options, i));
    else
      g_ptr_array_add (typed, (gpointer) "uat:mqtt_message_decoding:\"Starts with\",\"lab/meter/\",\"none\",\"protobuf\",\"lab.meter.Reading\"");
  typed_expected = cli_first_line (typed, publish, (const char *const[]) { "frame.number", fields[0], fields[1], fields[2], NULL });
  g_assert_null (strstr (typed_expected, "<UNKNOWN>"));
  typed_shown = window_fields (window, frame, fields);
  g_test_message ("frame %u with lab.meter.Reading: %s", frame, typed_shown);
  g_assert_cmpstr (typed_shown, ==, typed_expected);

  g_signal_handlers_disconnect_by_func (iot_window_get_session (window), gui_test_flag_cb, &loaded);
  gtk_window_destroy (GTK_WINDOW (prefs));
  gtk_window_destroy (GTK_WINDOW (window));
  reset_settings (settings);
  g_unlink (broken);
  g_rmdir (broken_dir);
}

int
main (int argc, char **argv)
{
  gui_test_init (&argc, &argv);
  g_test_add_func ("/preferences/general", test_general_page);
  g_test_add_func ("/preferences/name-resolution", test_name_resolution);
  g_test_add_func ("/preferences/ports", test_ports);
  g_test_add_func ("/preferences/ports-as-tshark", test_ports_as_tshark);
  g_test_add_func ("/preferences/zigbee-keys", test_zigbee_keys);
  g_test_add_func ("/preferences/protobuf", test_protobuf);
  return g_test_run ();
}
