/* test-file-properties.c — Capture File Properties against capinfos (the
 * Wireshark tool that reads the same facts): size, SHA-256, SHA-1,
 * packets, first and last packet time, duration, the section header's
 * application, OS and comments (a copy commented by editcap), and each
 * interface's encapsulation; a filter changes the displayed count.
 * Run under Xvfb (run-xvfb.sh). */
#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "gui-test-util.h"
#include "iot-app-test.h"
#include "iot-file-properties.h"
#include "iot-window.h"

/* capinfos -M @path as "Key" → "value" (repeated keys joined by "\n"),
 * plus "Encapsulation" joined the same way. */
static GHashTable *
capinfos (const char *path)
{
  const char *argv[] = { "capinfos", "-M", path, NULL };
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  GHashTable *facts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto (GStrv) lines = NULL;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                     &out, NULL, &status, &error))
    g_error ("capinfos: %s", error->message);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      char *colon = strstr (line, ": ");
      const char *enc = strstr (line, "Encapsulation = ");
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;
      const char *old;

      if (enc != NULL)
        {
          const char *end = strstr (enc, " (");

          key = g_strdup ("Encapsulation");
          value = g_strndup (enc + strlen ("Encapsulation = "), end ? (gsize) (end - enc) - strlen ("Encapsulation = ") : strlen (enc));
        }
      else if (colon != NULL && line[0] != ' ')
        {
          key = g_strndup (line, colon - line);
          value = g_strstrip (g_strdup (colon + 2));
        }
      else
        continue;
      old = g_hash_table_lookup (facts, key);
      if (old != NULL)
        {
          char *joined = g_strdup_printf ("%s\n%s", old, value);

          g_free (value);
          value = joined;
        }
      g_hash_table_replace (facts, g_steal_pointer (&key), g_steal_pointer (&value));
    }
  return facts;
}

static IotFileProperties *
open_properties (IotWindow *window)
{
  IotFileProperties *props = iot_file_properties_new (iot_window_get_session (window));

  gtk_window_present (GTK_WINDOW (props));
  if (!iot_file_properties_is_ready (props))
    gui_test_wait_signal (props, "ready");
  return props;
}

static guint compared;

static void
expect (IotFileProperties *props, const char *key, const char *value)
{
  g_assert_nonnull (value);
  g_assert_cmpstr (iot_file_properties_get_value (props, key), ==, value);
  compared++;
}

/* Each interface line names the encapsulation capinfos names, in order. */
static void
expect_interfaces (IotFileProperties *props, const char *encapsulations)
{
  g_auto (GStrv) names = g_strsplit (encapsulations, "\n", -1);
  g_auto (GStrv) lines = g_strsplit (iot_file_properties_get_value (props, "interfaces"), "\n#", -1);

  g_assert_cmpuint (g_strv_length (lines), ==, g_strv_length (names));
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *wanted = g_strdup_printf (": %s (LINKTYPE", names[i]);

      if (strstr (lines[i], wanted) == NULL)
        g_error ("interface %u reads \"%s\", capinfos says %s", i, lines[i], names[i]);
      compared++;
    }
}

static void
check_file (const char *path)
{
  g_autoptr (GHashTable) facts = capinfos (path);
  IotWindow *window = gui_test_open_window (path, NULL);
  IotFileProperties *props = open_properties (window);
  g_autofree char *size = g_strdup_printf ("%s", (char *) g_hash_table_lookup (facts, "File size"));

  expect (props, "name", path);
  expect (props, "size", size);
  expect (props, "sha256", g_hash_table_lookup (facts, "SHA256"));
  expect (props, "sha1", g_hash_table_lookup (facts, "SHA1"));
  expect (props, "packets", g_hash_table_lookup (facts, "Number of packets"));
  expect (props, "first-time", g_hash_table_lookup (facts, "First packet time"));
  expect (props, "last-time", g_hash_table_lookup (facts, "Last packet time"));
  expect (props, "elapsed", g_hash_table_lookup (facts, "Capture duration"));
  if (g_hash_table_contains (facts, "Capture application"))
    expect (props, "application", g_hash_table_lookup (facts, "Capture application"));
  if (g_hash_table_contains (facts, "Capture oper-sys"))
    expect (props, "os", g_hash_table_lookup (facts, "Capture oper-sys"));
  if (g_hash_table_contains (facts, "Capture comment"))
    expect (props, "comments", g_hash_table_lookup (facts, "Capture comment"));
  expect_interfaces (props, g_hash_table_lookup (facts, "Encapsulation"));
  gtk_window_destroy (GTK_WINDOW (props));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_against_capinfos (void)
{
  static const char *const names[] = { "mqtt311.pcap", "mqtt5.pcap", "multi-link.pcapng", "mqtt311-ns.pcapng",
                                       "zigbee-nwkkey.pcap", "ble.pcap", "wifi-wpa2.pcap" };
  g_autofree char *dir = g_dir_make_tmp ("iotscope-props-XXXXXX", NULL);
  g_autofree char *source = gui_test_capture_file ("multi-link.pcapng");
  g_autofree char *commented = g_build_filename (dir, "commented.pcapng", NULL);
  const char *argv[] = { "editcap", "--capture-comment", "Bench sensor network, Thursday morning",
                         "--capture-comment", "Second comment", source, commented, NULL };
  int status;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = gui_test_capture_file (names[i]);

      check_file (path);
    }
  /* Comments in the section header, written by another program. */
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status,
                               NULL));
  g_assert_cmpint (status, ==, 0);
  check_file (commented);
  g_unlink (commented);
  g_rmdir (dir);
  g_test_message ("%u values equal to capinfos's over %zu files", compared, G_N_ELEMENTS (names) + 1);
  g_print ("# %u values equal to capinfos's over %zu files\n", compared, G_N_ELEMENTS (names) + 1);
}

static void
test_displayed_and_link_types (void)
{
  IotWindow *window = gui_test_open_capture ("multi-link.pcapng");
  g_autofree char *capture = gui_test_capture_file ("multi-link.pcapng");
  g_autofree char *out = gui_test_cli_run (capture, "-Y", "mqtt", NULL);
  guint mqtt = gui_test_count_lines (out);
  g_autofree char *expected = g_strdup_printf ("%u (%.1f%%)", mqtt, 100.0 * mqtt / 242);
  IotFileProperties *props;
  g_autofree char *text = NULL;

  gui_test_apply_filter (window, "mqtt");
  props = open_properties (window);
  g_assert_cmpstr (iot_file_properties_get_value (props, "packets"), ==, "242");
  g_assert_cmpstr (iot_file_properties_get_value (props, "displayed"), ==, expected);
  /* capinfos: Ethernet (149), Raw IP (79), Linux cooked-mode capture v1 (14). */
  g_assert_cmpstr (iot_file_properties_get_value (props, "link-types"), ==,
                   "Ethernet (LINKTYPE 1): 149 packets\nRaw IP (LINKTYPE 101): 79 packets\n"
                   "Linux cooked-mode capture v1 (LINKTYPE 113): 14 packets");
  g_assert_cmpstr (iot_file_properties_get_value (props, "format"), ==, "pcapng");
  text = iot_file_properties_to_text (props);
  g_assert_nonnull (strstr (text, "SHA-256: f29a7bef8a4cdf715bcf75940a48e98e647812491d60a0cbcec57f860e47eca7\n"));
  gtk_window_destroy (GTK_WINDOW (props));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  gui_test_init (&argc, &argv);
  g_test_add_func ("/file-properties/capinfos", test_against_capinfos);
  g_test_add_func ("/file-properties/displayed-and-link-types", test_displayed_and_link_types);
  return g_test_run ();
}
