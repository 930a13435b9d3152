/* test-file.c — loading pcap (µs and ns), pcapng, damaged and foreign files. */
#include "iot-file.h"
#include "test-util.h"

#define CAPTURES "tests/captures/"

static void
test_entry_size (void)
{
  /* The index must stay small: 1M frames in ≤ 40 MB. */
  g_assert_cmpuint (sizeof (IotFrame), <=, 40);
}

static IotFile *
open_capture (const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (CAPTURES, name, NULL);
  IotFile *file = iot_file_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (file);
  return file;
}

/* The pcapng copy of a pcap holds the same frames, byte for byte. */
static void
test_pcap_and_pcapng_agree (void)
{
  g_autoptr (IotFile) pcap = open_capture ("mqtt311.pcap");
  g_autoptr (IotFile) pcapng = open_capture ("mqtt311-ns.pcapng");

  g_assert_cmpint (iot_file_format (pcap), ==, IOT_FILE_FORMAT_PCAP);
  g_assert_cmpint (iot_file_format (pcapng), ==, IOT_FILE_FORMAT_PCAPNG);
  g_assert_null (iot_file_damage (pcap));
  g_assert_null (iot_file_damage (pcapng));
  g_assert_cmpuint (iot_file_n_frames (pcap), >, 10);
  g_assert_cmpuint (iot_file_n_frames (pcap), ==, iot_file_n_frames (pcapng));
  for (guint32 i = 1; i <= iot_file_n_frames (pcap); i++)
    {
      const IotFrame *a = iot_file_frame (pcap, i), *b = iot_file_frame (pcapng, i);

      g_assert_cmpuint (a->caplen, ==, b->caplen);
      g_assert_cmpuint (a->len, ==, b->len);
      g_assert_cmpint (a->ts_ns, ==, b->ts_ns);
      g_assert_cmpint (a->link_type, ==, 1);
      g_assert_cmpmem (iot_file_frame_data (pcap, i), a->caplen, iot_file_frame_data (pcapng, i), b->caplen);
      if (i > 1)
        g_assert_cmpint (a->ts_ns, >=, iot_file_frame (pcap, i - 1)->ts_ns);
    }
}

static void
test_nanosecond (void)
{
  g_autoptr (IotFile) file = open_capture ("mqtt5.pcap");
  gboolean sub_microsecond = FALSE;

  g_assert_cmpint (iot_file_format (file), ==, IOT_FILE_FORMAT_PCAP_NSEC);
  for (guint32 i = 1; i <= iot_file_n_frames (file); i++)
    sub_microsecond |= iot_file_frame (file, i)->ts_ns % 1000 != 0;
  g_assert_true (sub_microsecond);
}

static void
test_snaplen (void)
{
  g_autoptr (IotFile) file = open_capture ("truncated-snaplen.pcap");
  gboolean cut = FALSE;

  for (guint32 i = 1; i <= iot_file_n_frames (file); i++)
    {
      const IotFrame *frame = iot_file_frame (file, i);

      g_assert_cmpuint (frame->caplen, <=, 60);
      cut |= frame->caplen < frame->len;
    }
  g_assert_true (cut);
}

/* A file cut inside its last record loads every whole frame before it
 * and says where reading stopped. */
static void
test_broken_tail (void)
{
  g_autoptr (IotFile) whole = open_capture ("mqtt311.pcap");
  g_autoptr (IotFile) broken = open_capture ("broken-tail.pcap");

  g_assert_cmpuint (iot_file_n_frames (broken), ==, iot_file_n_frames (whole) - 1);
  g_assert_nonnull (iot_file_damage (broken));
  g_assert_nonnull (strstr (iot_file_damage (broken), "truncated"));
}

static void
test_garbage (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = iot_file_open (CAPTURES "garbage.pcap", &error);

  g_assert_null (file);
  g_assert_error (error, IOT_FILE_ERROR, IOT_FILE_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "garbage.pcap"));
}

static void
test_missing (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = iot_file_open (CAPTURES "no-such-file.pcap", &error);

  g_assert_null (file);
  g_assert_error (error, IOT_FILE_ERROR, IOT_FILE_ERROR_OPEN);
}

static void
test_memory_edge_cases (void)
{
  static const guint8 frame[4] = { 1, 2, 3, 4 };
  const guint8 *frames[2] = { frame, frame };
  guint32 caplens[2] = { 4, 4 }, lens[2] = { 4, 100 };
  g_autoptr (GBytes) pcap = test_make_pcap (1, frames, caplens, lens, 2);
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = iot_file_open_bytes (pcap, "memory", &error);
  gsize size;
  const guint8 *data = g_bytes_get_data (pcap, &size);

  g_assert_no_error (error);
  g_assert_cmpuint (iot_file_n_frames (file), ==, 2);
  g_assert_cmpuint (iot_file_frame (file, 2)->len, ==, 100);
  g_assert_cmpint (iot_file_frame (file, 2)->ts_ns, ==, G_GINT64_CONSTANT (1700000001250000000));
  g_assert_cmpmem (iot_file_frame_data (file, 2), 4, frame, 4);

  /* Every possible cut of the file loads a prefix and never fails hard. */
  for (gsize cut = 24; cut < size; cut++)
    {
      g_autoptr (GBytes) part = g_bytes_new (data, cut);
      g_autoptr (GError) cut_error = NULL;
      g_autoptr (IotFile) partial = iot_file_open_bytes (part, "cut", &cut_error);

      g_assert_no_error (cut_error);
      g_assert_cmpuint (iot_file_n_frames (partial), ==, cut >= size ? 2 : cut >= 24 + 16 + 4 ? 1 : 0);
      /* Only cuts between records leave a whole file. */
      g_assert_cmpint (iot_file_damage (partial) == NULL, ==, cut == 24 || cut == 24 + 16 + 4);
    }

  /* Too short to be anything. */
  {
    g_autoptr (GBytes) tiny = g_bytes_new (data, 3);
    g_autoptr (GError) tiny_error = NULL;
    g_autoptr (IotFile) none = iot_file_open_bytes (tiny, "tiny", &tiny_error);

    g_assert_null (none);
    g_assert_error (tiny_error, IOT_FILE_ERROR, IOT_FILE_ERROR_FORMAT);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/file/entry-size", test_entry_size);
  g_test_add_func ("/file/pcap-pcapng", test_pcap_and_pcapng_agree);
  g_test_add_func ("/file/nanosecond", test_nanosecond);
  g_test_add_func ("/file/snaplen", test_snaplen);
  g_test_add_func ("/file/broken-tail", test_broken_tail);
  g_test_add_func ("/file/garbage", test_garbage);
  g_test_add_func ("/file/missing", test_missing);
  g_test_add_func ("/file/memory", test_memory_edge_cases);
  return g_test_run ();
}
