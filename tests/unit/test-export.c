/* test-export.c — saving frames as pcap and pcapng, and reading them back
 * (with our reader and, when installed, with tshark). */
#include <glib/gstdio.h>

#include "iot-engine.h"
#include "iot-export.h"
#include "iot-filter.h"
#include "iot-secrets.h"

#define CAPTURE "tests/captures/mqtt311.pcap"

/* The frames of @file that pass @text. */
static GArray *
displayed_frames (IotFile *file, const char *text)
{
  g_autoptr (IotFilterProblem) problem = NULL;
  g_autoptr (IotFilter) filter = iot_filter_compile (text, &problem);
  g_autoptr (IotEngine) engine = iot_engine_new (file);
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  GArray *numbers = g_array_new (FALSE, FALSE, sizeof (guint32));
  IotDissectOptions options = { 0 };

  g_assert_nonnull (filter);
  g_assert_true (iot_engine_first_pass (engine, NULL));
  options.fields = iot_filter_fields (filter);
  for (guint32 n = 1; n <= iot_file_n_frames (file); n++)
    {
      iot_engine_dissect (engine, pkt, n, &options);
      if (iot_filter_matches (filter, pkt))
        g_array_append_val (numbers, n);
    }
  return numbers;
}

static void
assert_same_frames (IotFile *source, const guint32 *numbers, guint n, IotFile *copy)
{
  g_assert_cmpuint (iot_file_n_frames (copy), ==, n);
  g_assert_null (iot_file_damage (copy));
  for (guint i = 0; i < n; i++)
    {
      const IotFrame *a = iot_file_frame (source, numbers[i]);
      const IotFrame *b = iot_file_frame (copy, i + 1);

      g_assert_cmpuint (a->caplen, ==, b->caplen);
      g_assert_cmpuint (a->len, ==, b->len);
      g_assert_cmpint (a->ts_ns, ==, b->ts_ns);
      g_assert_cmpuint (a->link_type, ==, b->link_type);
      g_assert_cmpmem (iot_file_frame_data (source, numbers[i]), a->caplen,
                       iot_file_frame_data (copy, i + 1), b->caplen);
    }
}

/* tshark reads the file and counts @n frames. */
static void
assert_tshark_reads (const char *path, guint n)
{
  g_autofree char *tshark = g_find_program_in_path ("tshark");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  const char *argv[] = { tshark, "-r", path, "-T", "fields", "-e", "frame.number", NULL };
  int status = 0;
  guint lines = 0;

  if (tshark == NULL)
    {
      g_test_message ("tshark not installed: not checked");
      return;
    }
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("tshark -r %s failed: %s", path, err);
  for (const char *p = out; *p != '\0'; p++)
    lines += *p == '\n';
  g_assert_cmpuint (lines, ==, n);
}

static void
check_export (IotExportFormat format, const char *name, IotFileFormat expected)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) source = iot_file_open (CAPTURE, &error);
  g_autoptr (GArray) numbers = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr (IotFile) copy = NULL;

  g_assert_no_error (error);
  numbers = displayed_frames (source, "mqtt");
  g_assert_cmpuint (numbers->len, >, 2);
  g_assert_cmpuint (numbers->len, <, iot_file_n_frames (source));

  dir = g_dir_make_tmp ("iot-export-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, name, NULL);
  g_assert_true (iot_export_frames (source, (const guint32 *) numbers->data, numbers->len,
                                    path, format, &error));
  g_assert_no_error (error);

  copy = iot_file_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (iot_file_format (copy), ==, expected);
  assert_same_frames (source, (const guint32 *) numbers->data, numbers->len, copy);
  assert_tshark_reads (path, numbers->len);

  g_clear_pointer (&copy, iot_file_unref);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_pcap (void)
{
  check_export (IOT_EXPORT_PCAP, "mqtt.pcap", IOT_FILE_FORMAT_PCAP);
}

static void
test_pcapng (void)
{
  check_export (IOT_EXPORT_PCAPNG, "mqtt.pcapng", IOT_FILE_FORMAT_PCAPNG);
}

/* Nanosecond timestamps survive both formats. */
static void
test_nanoseconds (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) source = iot_file_open ("tests/captures/mqtt5.pcap", &error);
  g_autofree char *dir = g_dir_make_tmp ("iot-export-XXXXXX", &error);
  const char *names[] = { "ns.pcap", "ns.pcapng" };
  IotExportFormat formats[] = { IOT_EXPORT_PCAP, IOT_EXPORT_PCAPNG };

  g_assert_no_error (error);
  for (guint f = 0; f < 2; f++)
    {
      g_autofree char *path = g_build_filename (dir, names[f], NULL);
      g_autoptr (IotFile) copy = NULL;
      g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (guint32));

      for (guint32 n = 1; n <= iot_file_n_frames (source); n++)
        g_array_append_val (all, n);
      g_assert_true (iot_export_frames (source, NULL, 0, path, formats[f], &error));
      g_assert_no_error (error);
      copy = iot_file_open (path, &error);
      g_assert_no_error (error);
      if (formats[f] == IOT_EXPORT_PCAP)
        g_assert_cmpint (iot_file_format (copy), ==, IOT_FILE_FORMAT_PCAP_NSEC);
      assert_same_frames (source, (const guint32 *) all->data, all->len, copy);
      assert_tshark_reads (path, all->len);
      g_unlink (path);
    }
  g_rmdir (dir);
}

/* Several link types (Ethernet, Linux cooked, raw IP) in one pcapng:
 * each interface keeps its link type, written as files number it. */
static void
test_multi_link (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) source = iot_file_open ("tests/captures/multi-link.pcapng", &error);
  g_autofree char *dir = g_dir_make_tmp ("iot-export-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "multi.pcapng", NULL);
  g_autofree char *pcap = g_build_filename (dir, "multi.pcap", NULL);
  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr (IotFile) copy = NULL;
  g_autofree char *tshark = g_find_program_in_path ("tshark");

  g_assert_no_error (error);
  for (guint32 n = 1; n <= iot_file_n_frames (source); n++)
    g_array_append_val (all, n);
  g_assert_true (iot_export_frames (source, NULL, 0, path, IOT_EXPORT_PCAPNG, &error));
  g_assert_no_error (error);
  copy = iot_file_open (path, &error);
  g_assert_no_error (error);
  assert_same_frames (source, (const guint32 *) all->data, all->len, copy);
  if (tshark != NULL)
    {
      /* tshark names the same encapsulations in the copy as in the source. */
      const char *argv[] = { tshark, "-r", NULL, "-T", "fields", "-e", "frame.encap_type", NULL };
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;

      argv[2] = "tests/captures/multi-link.pcapng";
      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                                   &before, NULL, NULL, &error));
      argv[2] = path;
      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                                   &after, NULL, NULL, &error));
      g_assert_cmpstr (after, ==, before);
    }
  /* A pcap file has one link type for all its frames: refused, clearly. */
  g_assert_false (iot_export_frames (source, NULL, 0, pcap, IOT_EXPORT_PCAP, &error));
  g_assert_nonnull (error);
  g_test_message ("pcap: %s", error->message);
  g_assert_false (g_file_test (pcap, G_FILE_TEST_EXISTS));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) source = iot_file_open (CAPTURE, &error);
  guint32 bad[] = { 1, 100000 };

  g_assert_no_error (error);
  g_assert_false (iot_export_frames (source, NULL, 0, "/nonexistent-dir/x.pcap", IOT_EXPORT_PCAP, &error));
  g_assert_error (error, IOT_EXPORT_ERROR, IOT_EXPORT_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, "/nonexistent-dir"));
  g_clear_error (&error);
  g_assert_false (iot_export_frames (source, bad, 2, "/tmp/never.pcap", IOT_EXPORT_PCAP, &error));
  g_assert_error (error, IOT_EXPORT_ERROR, IOT_EXPORT_ERROR_FRAME);
  g_assert_false (g_file_test ("/tmp/never.pcap", G_FILE_TEST_EXISTS));
  g_assert_cmpint (iot_export_format_for_path ("a.PCAPNG"), ==, IOT_EXPORT_PCAPNG);
  g_assert_cmpint (iot_export_format_for_path ("a.pcap"), ==, IOT_EXPORT_PCAP);
}

/* A pcapng copy keeps the known key log entries in a Decryption Secrets
 * Block (EMBED), or has none at all, not even the capture's own (DISCARD). */
static void
test_secrets (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) source = NULL;
  g_autoptr (IotFile) embedded = NULL;
  g_autoptr (IotFile) discarded = NULL;
  g_autofree char *dir = g_dir_make_tmp ("iot-export-XXXXXX", &error);
  g_autofree char *with = g_build_filename (dir, "with.pcapng", NULL);
  g_autofree char *without = g_build_filename (dir, "without.pcapng", NULL);
  IotSecrets *secrets = iot_secrets_default ();
  guint n;

  iot_secrets_clear (secrets);
  source = iot_file_open ("tests/captures/https-dsb.pcapng", &error);
  g_assert_no_error (error);
  n = iot_secrets_n_keylog_entries (secrets);
  g_assert_cmpuint (n, >, 0);
  g_assert_true (iot_export_frames_full (source, NULL, 0, with, IOT_EXPORT_PCAPNG, IOT_EXPORT_SECRETS_EMBED, &error));
  g_assert_true (iot_export_frames_full (source, NULL, 0, without, IOT_EXPORT_PCAPNG, IOT_EXPORT_SECRETS_DISCARD,
                                         &error));
  g_assert_no_error (error);

  iot_secrets_clear (secrets);
  discarded = iot_file_open (without, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (iot_file_n_frames (discarded), ==, iot_file_n_frames (source));
  g_assert_cmpuint (iot_secrets_n_keylog_entries (secrets), ==, 0);
  embedded = iot_file_open (with, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (iot_secrets_n_keylog_entries (secrets), ==, n);
  iot_secrets_clear (secrets);
  g_unlink (with);
  g_unlink (without);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  iot_registry_init ();
  g_test_add_func ("/export/pcap", test_pcap);
  g_test_add_func ("/export/pcapng", test_pcapng);
  g_test_add_func ("/export/nanoseconds", test_nanoseconds);
  g_test_add_func ("/export/multi-link", test_multi_link);
  g_test_add_func ("/export/errors", test_errors);
  g_test_add_func ("/export/secrets", test_secrets);
  return g_test_run ();
}
