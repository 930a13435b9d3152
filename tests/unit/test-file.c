/* test-file.c — loading pcap (µs and ns), pcapng, damaged and foreign files. */
#include "iot-engine.h"
#include "iot-export.h"
#include "iot-file.h"
#include "iot-filter.h"
#include "iot-file-format.h"
#include "test-util.h"

#include <glib/gstdio.h>
#include <unistd.h>

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

/* ---- pcapng built byte by byte, and tshark as the referee ------------------- */

/* A pcapng writer in either byte order: blocks are opened, filled and
 * closed (closing pads to 32 bits and writes the length at both ends). */
typedef struct {
  GByteArray *out;
  gboolean    big_endian;
  guint       block_start;
} NgWriter;

static void
ng_bytes (NgWriter *w, const void *data, gsize len)
{
  g_byte_array_append (w->out, data, (guint) len);
}

static void
ng_u8 (NgWriter *w, guint8 v)
{
  ng_bytes (w, &v, 1);
}

static void
ng_u16 (NgWriter *w, guint16 v)
{
  v = w->big_endian ? GUINT16_TO_BE (v) : GUINT16_TO_LE (v);
  ng_bytes (w, &v, 2);
}

static void
ng_u32 (NgWriter *w, guint32 v)
{
  v = w->big_endian ? GUINT32_TO_BE (v) : GUINT32_TO_LE (v);
  ng_bytes (w, &v, 4);
}

static void
ng_u64 (NgWriter *w, guint64 v)
{
  v = w->big_endian ? GUINT64_TO_BE (v) : GUINT64_TO_LE (v);
  ng_bytes (w, &v, 8);
}

static void
ng_pad (NgWriter *w)
{
  while (w->out->len % 4 != 0)
    ng_u8 (w, 0);
}

static void
ng_begin (NgWriter *w, guint32 type)
{
  w->block_start = w->out->len;
  ng_u32 (w, type);
  ng_u32 (w, 0);   /* total length, written by ng_end() */
}

static void
ng_end (NgWriter *w)
{
  guint32 total, field;

  ng_pad (w);
  total = w->out->len - w->block_start + 4;
  ng_u32 (w, total);
  field = w->big_endian ? GUINT32_TO_BE (total) : GUINT32_TO_LE (total);
  memcpy (w->out->data + w->block_start + 4, &field, 4);
}

static void
ng_section (NgWriter *w, gboolean big_endian)
{
  w->big_endian = big_endian;
  ng_begin (w, 0x0a0d0d0a);
  ng_u32 (w, 0x1a2b3c4d);
  ng_u16 (w, 1);
  ng_u16 (w, 0);
  ng_u64 (w, G_MAXUINT64);   /* section length not given */
  ng_end (w);
}

/* @tsresol < 0: no if_tsresol option (microseconds). */
static void
ng_interface (NgWriter *w, guint16 link_type, guint32 snaplen, int tsresol, gint64 tsoffset)
{
  ng_begin (w, 1);
  ng_u16 (w, link_type);
  ng_u16 (w, 0);
  ng_u32 (w, snaplen);
  if (tsresol >= 0)
    {
      ng_u16 (w, 9);
      ng_u16 (w, 1);
      ng_u8 (w, (guint8) tsresol);
      ng_pad (w);
    }
  if (tsoffset != 0)
    {
      ng_u16 (w, 14);
      ng_u16 (w, 8);
      ng_u64 (w, (guint64) tsoffset);
    }
  ng_u16 (w, 0);   /* opt_endofopt */
  ng_u16 (w, 0);
  ng_end (w);
}

/* Packet bytes: an Ethernet header then a pattern, so tshark has something
 * to show. */
static const guint8 *
ng_payload (void)
{
  static guint8 data[256];

  for (guint i = 0; i < sizeof data; i++)
    data[i] = (guint8) (i < 12 ? 0x02 : i == 12 ? 0x88 : i == 13 ? 0xb5 : i * 7);
  return data;
}

static void
ng_enhanced (NgWriter *w, guint32 iface, guint64 ts, guint32 caplen, guint32 len)
{
  ng_begin (w, 6);
  ng_u32 (w, iface);
  ng_u32 (w, (guint32) (ts >> 32));
  ng_u32 (w, (guint32) ts);
  ng_u32 (w, caplen);
  ng_u32 (w, len);
  ng_bytes (w, ng_payload (), caplen);
  ng_end (w);
}

/* The obsolete Packet Block (type 2). */
static void
ng_old_packet (NgWriter *w, guint16 iface, guint64 ts, guint32 caplen, guint32 len)
{
  ng_begin (w, 2);
  ng_u16 (w, iface);
  ng_u16 (w, 0);   /* drops */
  ng_u32 (w, (guint32) (ts >> 32));
  ng_u32 (w, (guint32) ts);
  ng_u32 (w, caplen);
  ng_u32 (w, len);
  ng_bytes (w, ng_payload (), caplen);
  ng_end (w);
}

static void
ng_simple (NgWriter *w, guint32 stored, guint32 len)
{
  ng_begin (w, 3);
  ng_u32 (w, len);
  ng_bytes (w, ng_payload (), stored);
  ng_end (w);
}

/* A block type we do not know: must be skipped by its length. */
static void
ng_other (NgWriter *w, guint32 type, guint32 body_len)
{
  ng_begin (w, type);
  for (guint32 i = 0; i < body_len; i++)
    ng_u8 (w, (guint8) (0xa0 + i));
  ng_end (w);
}

/* A block of @body_len zero bytes: the smallest valid form of several. */
static void
ng_zeros (NgWriter *w, guint32 type, guint32 body_len)
{
  ng_begin (w, type);
  for (guint32 i = 0; i < body_len; i++)
    ng_u8 (w, 0);
  ng_end (w);
}

/* Two sections: the first in @big_endian order with Ethernet (ns time
 * stamps), raw IP (ms, offset by 100 s) and Linux cooked interfaces,
 * every kind of packet block and several blocks to skip; the second in the
 * other order, numbering its interfaces afresh. */
static GBytes *
build_pcapng (gboolean big_endian)
{
  NgWriter w = { g_byte_array_new (), big_endian, 0 };
  const guint64 t_ns = G_GUINT64_CONSTANT (1700000000123456789);

  ng_section (&w, big_endian);
  ng_interface (&w, 1, 0, 9, 0);             /* Ethernet, 10^-9 s */
  ng_other (&w, 0x0000abcd, 13);             /* a type nobody assigned */
  ng_interface (&w, 101, 128, 3, 100);       /* raw IP, 10^-3 s, +100 s */
  ng_enhanced (&w, 0, t_ns, 60, 60);
  ng_zeros (&w, 4, 4);                       /* name resolution: only nrb_record_end */
  ng_enhanced (&w, 1, G_GUINT64_CONSTANT (1700000000250), 40, 1500);
  ng_interface (&w, 113, 65535, -1, 0);      /* Linux cooked, µs */
  ng_old_packet (&w, 2, G_GUINT64_CONSTANT (1700000001000001), 50, 50);
  ng_simple (&w, 64, 64);                    /* interface 0, no time */
  ng_simple (&w, 20, 17);                    /* padded: 17 bytes of 20 */
  ng_zeros (&w, 5, 12);                      /* interface statistics of interface 0 */
  ng_enhanced (&w, 0, t_ns + 1000, 3, 3);    /* ends unaligned: padded */
  ng_section (&w, !big_endian);
  ng_interface (&w, 101, 0, 6, 0);
  ng_enhanced (&w, 0, G_GUINT64_CONSTANT (1700000002000000), 33, 33);
  ng_interface (&w, 1, 0, 0x80 | 20, 0);   /* 2^-20 s */
  ng_enhanced (&w, 1, (G_GUINT64_CONSTANT (1700000003) << 20) + 12345, 34, 34);
  return g_byte_array_free_to_bytes (w.out);
}

/* Wireshark's encapsulation numbers for the link types used here. */
static int
encap_of (guint16 dlt)
{
  switch (dlt)
    {
    case 1:
      return 1;
    case 12:
    case 101:
      return 7;
    case 0:
      return 15;
    case 113:
      return 25;
    case 276:
      return 210;
    default:
      return dlt;
    }
}

static char *
write_temp (GBytes *bytes, const char *suffix)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *template = g_strdup_printf ("iotscope-test-XXXXXX%s", suffix);
  char *path = NULL;
  int fd = g_file_open_tmp (template, &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  return path;
}

/* tshark's frame number, time, lengths and encapsulation for every frame
 * of @path must be ours; FALSE (test skipped) when tshark is missing. */
static gboolean
agrees_with_tshark (const char *path, IotFile *file)
{
  g_autofree char *tshark = g_find_program_in_path ("tshark");
  g_autofree char *out = NULL;
  g_autoptr (GString) ours = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  const char *argv[] = { tshark, "-r", path, "-T", "fields", "-e", "frame.number",
                         "-e", "frame.time_epoch", "-e", "frame.len", "-e", "frame.cap_len",
                         "-e", "frame.encap_type", NULL };

  if (tshark == NULL)
    {
      g_test_skip ("tshark is not installed");
      return FALSE;
    }
  /* A damaged file makes tshark exit non-zero after printing the frames. */
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint32 i = 1; i <= iot_file_n_frames (file); i++)
    {
      const IotFrame *f = iot_file_frame (file, i);

      g_string_append_printf (ours, "%u\t", i);
      /* tshark shows no time for a frame that has none (simple packet blocks). */
      if (!(f->flags & IOT_FRAME_NO_TIME))
        g_string_append_printf (ours, "%" G_GINT64_FORMAT ".%09" G_GINT64_FORMAT,
                                f->ts_ns / 1000000000, f->ts_ns % 1000000000);
      g_string_append_printf (ours, "\t%u\t%u\t%d\n", f->len, f->caplen, encap_of (f->link_type));
    }
  g_assert_cmpstr (ours->str, ==, out);
  return TRUE;
}

static void
check_built_pcapng (gboolean big_endian)
{
  g_autoptr (GBytes) bytes = build_pcapng (big_endian);
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = iot_file_open_bytes (bytes, "built", &error);
  g_autofree char *path = write_temp (bytes, ".pcapng");
  g_autoptr (IotFile) from_disk = iot_file_open (path, &error);

  g_assert_no_error (error);
  g_assert_null (iot_file_damage (file));
  g_assert_cmpint (iot_file_format (file), ==, IOT_FILE_FORMAT_PCAPNG);
  g_assert_cmpuint (iot_file_n_frames (file), ==, 8);
  /* Per interface: link type (as libpcap numbers it), resolution, offset. */
  g_assert_cmpint (iot_file_frame (file, 1)->link_type, ==, 1);
  g_assert_cmpint (iot_file_frame (file, 1)->ts_ns, ==, G_GINT64_CONSTANT (1700000000123456789));
  g_assert_cmpint (iot_file_frame (file, 2)->link_type, ==, 12);
  g_assert_cmpint (iot_file_frame (file, 2)->ts_ns, ==, G_GINT64_CONSTANT (1700000100250000000));
  g_assert_cmpuint (iot_file_frame (file, 2)->caplen, ==, 40);
  g_assert_cmpuint (iot_file_frame (file, 2)->len, ==, 1500);
  g_assert_cmpint (iot_file_frame (file, 3)->link_type, ==, 113);
  g_assert_cmpint (iot_file_frame (file, 3)->ts_ns, ==, G_GINT64_CONSTANT (1700000001000001000));
  /* Simple packet blocks: interface 0, no time stamp, the captured length
   * is what the block holds (17 of 20 padded bytes is the original length). */
  g_assert_cmpuint (iot_file_frame (file, 4)->caplen, ==, 64);
  g_assert_cmpint (iot_file_frame (file, 4)->ts_ns, ==, 0);
  g_assert_true (iot_file_frame (file, 4)->flags & IOT_FRAME_NO_TIME);
  g_assert_false (iot_file_frame (file, 3)->flags & IOT_FRAME_NO_TIME);
  g_assert_cmpuint (iot_file_frame (file, 5)->caplen, ==, 17);
  g_assert_cmpuint (iot_file_frame (file, 5)->len, ==, 17);
  g_assert_cmpuint (iot_file_frame (file, 6)->caplen, ==, 3);
  /* The second section, in the other byte order, has its own interface 0. */
  g_assert_cmpint (iot_file_frame (file, 7)->link_type, ==, 12);
  g_assert_cmpint (iot_file_frame (file, 7)->ts_ns, ==, G_GINT64_CONSTANT (1700000002000000000));
  /* 12345 / 2^20 s = 11773109.4… ns */
  g_assert_cmpint (iot_file_frame (file, 8)->ts_ns, ==, G_GINT64_CONSTANT (1700000003011773109));
  for (guint32 i = 1; i <= 8; i++)
    g_assert_cmpmem (iot_file_frame_data (file, i), iot_file_frame (file, i)->caplen,
                     ng_payload (), iot_file_frame (file, i)->caplen);
  agrees_with_tshark (path, from_disk);
  g_unlink (path);
}

/* A frame without a capture time has no time fields, as in tshark: a
 * filter on them passes the timed frames only. */
static void
test_pcapng_no_time_fields (void)
{
  g_autoptr (GBytes) bytes = build_pcapng (FALSE);
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = iot_file_open_bytes (bytes, "built", &error);
  g_autoptr (IotEngine) engine = NULL;
  g_autoptr (IotFilterProblem) problem = NULL;
  g_autoptr (IotFilter) filter = iot_filter_compile ("frame.time_epoch || frame.time_relative", &problem);
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  IotDissectOptions options = { 0 };

  g_assert_no_error (error);
  g_assert_nonnull (filter);
  engine = iot_engine_new (file);
  g_assert_true (iot_engine_first_pass (engine, NULL));
  options.fields = iot_filter_fields (filter);
  for (guint32 n = 1; n <= iot_file_n_frames (file); n++)
    {
      gboolean timed = !(iot_file_frame (file, n)->flags & IOT_FRAME_NO_TIME);

      iot_engine_dissect (engine, pkt, n, &options);
      g_assert_cmpint (iot_filter_matches (filter, pkt), ==, timed);
    }
}

static void
test_pcapng_built (void)
{
  check_built_pcapng (FALSE);
  check_built_pcapng (TRUE);
}

/* Custom blocks (0x00000bad, 0x40000bad) are skipped like every block we do
 * not read.  (tshark counts them as frames of their own, so this file is
 * not compared with it.) */
static void
test_pcapng_custom_block (void)
{
  NgWriter w = { g_byte_array_new (), FALSE, 0 };
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (IotFile) file = NULL;

  ng_section (&w, FALSE);
  ng_other (&w, 0x00000bad, 13);
  ng_interface (&w, 1, 0, -1, 0);
  ng_other (&w, 0x40000bad, 7);
  ng_enhanced (&w, 0, 5, 20, 20);
  ng_other (&w, 0x00000bad, 0);
  ng_enhanced (&w, 0, 6, 21, 21);
  bytes = g_byte_array_free_to_bytes (w.out);
  file = iot_file_open_bytes (bytes, "custom", NULL);
  g_assert_null (iot_file_damage (file));
  g_assert_cmpuint (iot_file_n_frames (file), ==, 2);
  g_assert_cmpuint (iot_file_frame (file, 2)->caplen, ==, 21);
  g_assert_cmpint (iot_file_frame (file, 2)->ts_ns, ==, 6000);
}

/* One file, interfaces of three link types (libpcap refuses it). */
static void
test_multi_link (void)
{
  g_autoptr (IotFile) file = open_capture ("multi-link.pcapng");
  gboolean seen[3] = { FALSE, FALSE, FALSE };

  g_assert_null (iot_file_damage (file));
  for (guint32 i = 1; i <= iot_file_n_frames (file); i++)
    {
      guint16 lt = iot_file_frame (file, i)->link_type;

      seen[0] |= lt == 1;
      seen[1] |= lt == 113;
      seen[2] |= lt == 12;
    }
  g_assert_true (seen[0] && seen[1] && seen[2]);
  agrees_with_tshark (CAPTURES "multi-link.pcapng", file);
}

/* A big-endian nanosecond pcap, as a big-endian machine writes it. */
static void
test_pcap_big_endian (void)
{
  static const guint8 frame[6] = { 9, 8, 7, 6, 5, 4 };
  guint32 header[6] = { 0xa1b23c4d, 0x00020004, 0, 0, 65535, 101 };
  guint32 record[4] = { 1700000000, 999999999, 6, 1000 };
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = NULL;
  g_autofree char *path = NULL;

  /* (The version, two 16-bit fields 2 and 4, reads right this way too.) */
  for (guint i = 0; i < 6; i++)
    header[i] = GUINT32_TO_BE (header[i]);
  for (guint i = 0; i < 4; i++)
    record[i] = GUINT32_TO_BE (record[i]);
  g_byte_array_append (out, (const guint8 *) header, sizeof header);
  for (guint n = 0; n < 3; n++)
    {
      g_byte_array_append (out, (const guint8 *) record, sizeof record);
      g_byte_array_append (out, frame, sizeof frame);
    }
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&out));
  path = write_temp (bytes, ".pcap");
  file = iot_file_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (iot_file_format (file), ==, IOT_FILE_FORMAT_PCAP_NSEC);
  g_assert_cmpuint (iot_file_n_frames (file), ==, 3);
  g_assert_cmpint (iot_file_frame (file, 3)->ts_ns, ==, G_GINT64_CONSTANT (1700000000999999999));
  g_assert_cmpuint (iot_file_frame (file, 3)->len, ==, 1000);
  g_assert_cmpint (iot_file_frame (file, 3)->link_type, ==, 12);
  g_assert_cmpmem (iot_file_frame_data (file, 3), 6, frame, 6);
  agrees_with_tshark (path, file);
  g_unlink (path);
}

/* The FCS bits in the upper part of the pcap link-type field are not part
 * of the link type. */
static void
test_pcap_fcs_bits (void)
{
  static const guint8 frame[4] = { 1, 2, 3, 4 };
  const guint8 *frames[1] = { frame };
  guint32 caplens[1] = { 4 };
  g_autoptr (GBytes) pcap = test_make_pcap (0x14000001, frames, caplens, caplens, 1);
  g_autoptr (IotFile) file = iot_file_open_bytes (pcap, "fcs", NULL);

  g_assert_cmpint (iot_file_frame (file, 1)->link_type, ==, 1);
}

/* A pcapng cut inside its last block keeps the frames before it; every
 * cut loads a prefix, never more than the whole and never fails hard. */
static void
test_pcapng_truncated (void)
{
  g_autoptr (GBytes) bytes = build_pcapng (FALSE);
  g_autoptr (IotFile) whole = iot_file_open_bytes (bytes, "whole", NULL);
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  guint32 last = 0;

  {
    g_autoptr (GBytes) part = g_bytes_new (data, size - 7);
    g_autoptr (IotFile) file = iot_file_open_bytes (part, "cut", NULL);
    g_autofree char *path = write_temp (part, ".pcapng");
    g_autoptr (IotFile) from_disk = iot_file_open (path, NULL);

    g_assert_cmpuint (iot_file_n_frames (file), ==, 7);
    g_assert_nonnull (iot_file_damage (file));
    g_assert_nonnull (strstr (iot_file_damage (file), "truncated"));
    g_assert_nonnull (strstr (iot_file_damage (file), "after frame 7"));
    agrees_with_tshark (path, from_disk);
    g_unlink (path);
  }
  for (gsize cut = 4; cut < size; cut++)
    {
      g_autoptr (GBytes) part = g_bytes_new (data, cut);
      g_autoptr (GError) error = NULL;
      g_autoptr (IotFile) file = iot_file_open_bytes (part, "cut", &error);
      guint32 n;

      if (file == NULL)
        {
          /* Only a cut inside the first section header is no file at all. */
          g_assert_error (error, IOT_FILE_ERROR, IOT_FILE_ERROR_FORMAT);
          g_assert_cmpuint (cut, <, 28);
          continue;
        }
      n = iot_file_n_frames (file);
      g_assert_cmpuint (n, >=, last);
      g_assert_cmpuint (n, <=, 8);
      for (guint32 i = 1; i <= n; i++)
        g_assert_cmpmem (iot_file_frame (file, i), sizeof (IotFrame),
                         iot_file_frame (whole, i), sizeof (IotFrame));
      last = n;
    }
}

/* Wrong lengths, unknown interfaces and hostile time stamps stop indexing
 * with a reason, keeping the frames before. */
static void
test_pcapng_damage (void)
{
  struct {
    const char *expect;
    void (*spoil) (NgWriter *w);
  } cases[] = {
    { "names interface 5", NULL },
    { "both ends", NULL },
    { "impossible length", NULL },
    { "impossible captured length", NULL },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      NgWriter w = { g_byte_array_new (), FALSE, 0 };
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (IotFile) file = NULL;

      ng_section (&w, FALSE);
      ng_interface (&w, 1, 0, -1, 0);
      ng_enhanced (&w, 0, 1, 10, 10);
      switch (c)
        {
        case 0:
          ng_enhanced (&w, 5, 2, 10, 10);
          break;
        case 1:
          ng_enhanced (&w, 0, 2, 10, 10);
          w.out->data[w.out->len - 4] ^= 4;   /* trailer disagrees */
          break;
        case 2:
          ng_enhanced (&w, 0, 2, 10, 10);
          w.out->data[w.block_start + 4] = 6;   /* total length 6 < 12 */
          break;
        case 3:
          ng_enhanced (&w, 0, 2, 10, 10);
          w.out->data[w.block_start + 20] = 200;   /* caplen past the block */
          break;
        default:
          break;
        }
      ng_enhanced (&w, 0, 3, 10, 10);
      bytes = g_byte_array_free_to_bytes (w.out);
      file = iot_file_open_bytes (bytes, "damaged", &error);
      g_assert_no_error (error);
      g_assert_cmpuint (iot_file_n_frames (file), ==, 1);
      g_assert_nonnull (iot_file_damage (file));
      if (strstr (iot_file_damage (file), cases[c].expect) == NULL)
        g_error ("case %u: \"%s\" lacks \"%s\"", c, iot_file_damage (file), cases[c].expect);
    }
}

/* A packet naming an interface its section does not describe: the message
 * counts the interfaces that exist and their numbers (tshark: "interface
 * index 2 is not less than section interface count 2"). */
static void
test_pcapng_interface_count (void)
{
  static const struct {
    guint n_interfaces;
    guint32 named;
    gboolean simple;
    const char *expect;
  } cases[] = {
    { 2, 2, FALSE, "names interface 2, but its section describes only 2 interfaces (numbers 0 to 1)" },
    { 3, 7, FALSE, "names interface 7, but its section describes only 3 interfaces (numbers 0 to 2)" },
    { 1, 1, FALSE, "names interface 1, but its section describes only one interface (number 0)" },
    { 0, 0, FALSE, "names interface 0, but no interface is described before it in its section" },
    { 0, 0, TRUE, "simple packet block at offset 28 belongs to interface 0, but no interface" },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      NgWriter w = { g_byte_array_new (), FALSE, 0 };
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (IotFile) file = NULL;
      guint32 good = cases[c].n_interfaces > 0 ? 1 : 0;

      ng_section (&w, FALSE);
      for (guint i = 0; i < cases[c].n_interfaces; i++)
        ng_interface (&w, 1, 0, -1, 0);
      if (good)
        ng_enhanced (&w, 0, 1, 10, 10);
      if (cases[c].simple)
        ng_simple (&w, 10, 10);
      else
        ng_enhanced (&w, cases[c].named, 2, 10, 10);
      bytes = g_byte_array_free_to_bytes (w.out);
      file = iot_file_open_bytes (bytes, "interfaces", &error);
      if (file == NULL)
        {
          /* The very first block after the header is wrong: no capture. */
          g_assert_cmpuint (good, ==, 0);
          if (strstr (error->message, cases[c].expect) == NULL)
            g_error ("case %u: \"%s\" lacks \"%s\"", c, error->message, cases[c].expect);
          continue;
        }
      g_assert_cmpuint (iot_file_n_frames (file), ==, good);
      if (strstr (iot_file_damage (file), cases[c].expect) == NULL)
        g_error ("case %u: \"%s\" lacks \"%s\"", c, iot_file_damage (file), cases[c].expect);
      g_assert_nonnull (strstr (iot_file_damage (file), good ? "after frame 1 (" : "after frame 0 ("));
      g_assert_nonnull (strstr (iot_file_damage (file), good ? "the frame before it was loaded"
                                                             : "no frame could be loaded"));
    }
}

static void
test_pcapng_timestamps (void)
{
  const gint64 max = G_MAXINT64 / 1000000000 - 1;

  /* Decimal and binary resolutions. */
  g_assert_cmpint (iot_pcapng_timestamp_ns (1500, 3, 0), ==, G_GINT64_CONSTANT (1500000000));
  g_assert_cmpint (iot_pcapng_timestamp_ns (1500, 6, 0), ==, 1500000);
  g_assert_cmpint (iot_pcapng_timestamp_ns (1500, 9, 0), ==, 1500);
  g_assert_cmpint (iot_pcapng_timestamp_ns (1500, 12, 0), ==, 1);
  g_assert_cmpint (iot_pcapng_timestamp_ns (3, 0, 0), ==, G_GINT64_CONSTANT (3000000000));
  g_assert_cmpint (iot_pcapng_timestamp_ns ((5u << 20) + (1u << 19), 0x80 | 20, 0), ==,
                   G_GINT64_CONSTANT (5500000000));
  g_assert_cmpint (iot_pcapng_timestamp_ns (G_MAXUINT64, 0x80 | 64, 0), ==, 999999999);
  g_assert_cmpint (iot_pcapng_timestamp_ns (G_MAXUINT64, 0x80 | 127, 0), ==, 0);
  g_assert_cmpint (iot_pcapng_timestamp_ns (G_MAXUINT64, 127, 0), ==, 0);
  g_assert_cmpint (iot_pcapng_timestamp_ns (G_MAXUINT64, 19, 0), ==, 1844674407);
  /* Offsets, and clamping instead of overflow. */
  g_assert_cmpint (iot_pcapng_timestamp_ns (1, 0, -2), ==, -G_GINT64_CONSTANT (1000000000));
  g_assert_cmpint (iot_pcapng_timestamp_ns (G_MAXUINT64, 0, 0), ==, max * 1000000000);
  g_assert_cmpint (iot_pcapng_timestamp_ns (G_MAXUINT64, 0, G_MAXINT64), ==, max * 1000000000);
  g_assert_cmpint (iot_pcapng_timestamp_ns (0, 0, G_MININT64), ==, -max * 1000000000);
  g_assert_cmpint (iot_pcapng_timestamp_ns (G_MAXUINT64, 0x80, G_MININT64), <=, 0);
}

/* LINKTYPE_* values that differ from this system's DLT_* are mapped as
 * libpcap maps them, so files and live captures agree. */
static void
test_link_types (void)
{
  g_assert_cmpuint (iot_link_type_from_file (1), ==, 1);
  g_assert_cmpuint (iot_link_type_from_file (101), ==, 12);
  g_assert_cmpuint (iot_link_type_from_file (113), ==, 113);
  g_assert_cmpuint (iot_link_type_from_file (276), ==, 276);
  g_assert_cmpuint (iot_link_type_from_file (0x03ffffff), ==, G_MAXUINT16);
}

/* The "modified" pcap of Kuznetsov's patched libpcap (magic a1b2cd34,
 * 24-byte record headers), made from mqtt311.pcap by make-modified.sh
 * (which checks that tcpdump and tshark read the same frames from both):
 * the same frames, times and bytes as the original. */
static void
test_modified_pcap (void)
{
  g_autoptr (IotFile) original = open_capture ("mqtt311.pcap");
  g_autoptr (IotFile) modified = open_capture ("mqtt311-modified.pcap");

  g_assert_cmpint (iot_file_format (modified), ==, IOT_FILE_FORMAT_PCAP_MODIFIED);
  g_assert_null (iot_file_damage (modified));
  g_assert_cmpuint (iot_file_n_frames (modified), ==, 149);
  g_assert_cmpuint (iot_file_n_frames (modified), ==, iot_file_n_frames (original));
  for (guint32 n = 1; n <= iot_file_n_frames (original); n++)
    {
      const IotFrame *a = iot_file_frame (original, n), *b = iot_file_frame (modified, n);

      g_assert_cmpint (a->ts_ns, ==, b->ts_ns);
      g_assert_cmpuint (a->len, ==, b->len);
      g_assert_cmpuint (a->link_type, ==, b->link_type);
      /* Each record header is 8 bytes longer. */
      g_assert_cmpuint (b->offset, ==, a->offset + 8 * n);
      g_assert_cmpmem (iot_file_frame_data (original, n), a->caplen, iot_file_frame_data (modified, n), b->caplen);
    }
}

/* A big-endian modified pcap built here: the extra fields are skipped in
 * either byte order, and a record cut inside them is damage. */
static void
test_modified_pcap_built (void)
{
  static const guint8 frame[6] = { 1, 2, 3, 4, 5, 6 };
  g_autoptr (GByteArray) out = g_byte_array_new ();
  guint32 header[6] = { GUINT32_TO_BE (0xa1b2cd34), GUINT32_TO_BE (0x00020004), 0, 0,
                        GUINT32_TO_BE (65535), GUINT32_TO_BE (1) };
  g_autoptr (GBytes) whole = NULL;
  g_autoptr (GBytes) cut = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = NULL;
  g_autoptr (IotFile) partial = NULL;

  g_byte_array_append (out, (const guint8 *) header, sizeof header);
  for (guint32 i = 0; i < 3; i++)
    {
      guint32 record[5] = { GUINT32_TO_BE (1700000000 + i), GUINT32_TO_BE (500000), GUINT32_TO_BE (6),
                            GUINT32_TO_BE (60), GUINT32_TO_BE (3) };
      guint8 extra[4] = { 0x08, 0x00, (guint8) (i == 1 ? 4 : 0), 0 };   /* protocol, type, pad */

      g_byte_array_append (out, (const guint8 *) record, sizeof record);
      g_byte_array_append (out, extra, sizeof extra);
      g_byte_array_append (out, frame, sizeof frame);
    }
  whole = g_bytes_new (out->data, out->len);
  file = iot_file_open_bytes (whole, "modified", &error);
  g_assert_no_error (error);
  g_assert_cmpint (iot_file_format (file), ==, IOT_FILE_FORMAT_PCAP_MODIFIED);
  g_assert_null (iot_file_damage (file));
  g_assert_cmpuint (iot_file_n_frames (file), ==, 3);
  for (guint32 n = 1; n <= 3; n++)
    {
      g_assert_cmpuint (iot_file_frame (file, n)->caplen, ==, 6);
      g_assert_cmpuint (iot_file_frame (file, n)->len, ==, 60);
      g_assert_cmpint (iot_file_frame (file, n)->ts_ns, ==,
                       (gint64) (1700000000 + n - 1) * 1000000000 + 500000000);
      g_assert_cmpmem (iot_file_frame_data (file, n), 6, frame, 6);
    }
  /* Cut inside the third record's extra fields. */
  cut = g_bytes_new (out->data, 24 + 2 * 30 + 20);
  partial = iot_file_open_bytes (cut, "modified-cut", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (iot_file_n_frames (partial), ==, 2);
  g_assert_nonnull (iot_file_damage (partial));
  g_assert_nonnull (strstr (iot_file_damage (partial), "20 of its 24 bytes"));
}

/* ---- a file truncated while it is read ------------------------------------ */

#define SHRINK_FRAME 100   /* captured bytes per frame of the shrink tests */

/* A pcap of @n frames of SHRINK_FRAME bytes (frame i filled with i + 1)
 * written to a new temporary file (free the path; unlink it). */
static char *
write_shrink_pcap (guint32 n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GByteArray) out = g_byte_array_new ();
  guint32 header[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 262144, 1 };
  char *path = NULL;
  int fd = g_file_open_tmp ("file-output-shrink-XXXXXX.pcap", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_byte_array_append (out, (const guint8 *) header, sizeof header);
  for (guint32 i = 0; i < n; i++)
    {
      guint32 record[4] = { 1700000000 + i, 0, SHRINK_FRAME, SHRINK_FRAME };
      guint8 frame[SHRINK_FRAME];

      memset (frame, (int) ((i + 1) & 0xff), sizeof frame);
      g_byte_array_append (out, (const guint8 *) record, sizeof record);
      g_byte_array_append (out, frame, sizeof frame);
    }
  g_assert_true (g_file_set_contents (path, (const char *) out->data, out->len, &error));
  g_assert_no_error (error);
  return path;
}

/* File offset just past frame @number of write_shrink_pcap(). */
static guint64
shrink_frame_end (guint32 number)
{
  return 24 + (guint64) number * (16 + SHRINK_FRAME);
}

typedef struct {
  IotFile *file;
  guint64  zero_bytes;
} ShrinkReader;

/* Reads every byte of every frame, as the window's views do from several
 * threads: lost pages must read as zeros, never raise SIGBUS. */
static gpointer
read_all_frames (gpointer data)
{
  ShrinkReader *reader = data;

  for (guint32 n = 1; n <= iot_file_n_frames (reader->file); n++)
    {
      const guint8 *bytes = iot_file_frame_data (reader->file, n);

      for (guint32 i = 0; i < iot_file_frame (reader->file, n)->caplen; i++)
        reader->zero_bytes += bytes[i] == 0;
    }
  return NULL;
}

static void
test_shrink_after_index (void)
{
  const guint32 n = 3000, keep = 1234;
  g_autofree char *path = write_shrink_pcap (n);
  g_autofree char *copy = g_strconcat (path, ".copy.pcap", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = iot_file_open (path, &error);
  g_autofree char *message = NULL;
  g_autoptr (IotEngine) engine = NULL;
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  ShrinkReader readers[4];
  GThread *threads[4];
  guint32 all[2] = { 1, n };

  g_assert_no_error (error);
  g_assert_cmpuint (iot_file_n_frames (file), ==, n);
  g_assert_true (iot_file_frame_intact (file, n));
  g_assert_cmpuint (iot_file_first_lost (file), ==, 0);

  /* Another program cuts the file inside frame keep + 1. */
  g_assert_cmpint (truncate (path, (off_t) shrink_frame_end (keep) + 50), ==, 0);

  /* The frames before the cut are whole and read back unchanged. */
  g_assert_true (iot_file_frame_intact (file, 1));
  g_assert_true (iot_file_frame_intact (file, keep));
  g_assert_cmpuint (iot_file_frame_data (file, keep)[SHRINK_FRAME - 1], ==, keep & 0xff);
  /* Reading a lost frame's page is no crash, and says the frame is gone. */
  g_assert_false (iot_file_frame_intact (file, n - 10));
  g_assert_false (iot_file_frame_intact (file, keep + 1));
  g_assert_true (iot_file_frame_gone (file, keep + 1));
  g_assert_false (iot_file_frame_gone (file, keep));
  g_assert_cmpuint (iot_file_first_lost (file), ==, keep + 1);
  message = iot_file_lost_message (file, keep + 1);
  g_assert_nonnull (strstr (message, "after frame 1234"));
  g_assert_nonnull (strstr (message, "shrank"));

  /* Several threads reading every frame's bytes survive, and see zeros
   * where the lost bytes were. */
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    {
      readers[t] = (ShrinkReader) { file, 0 };
      threads[t] = g_thread_new ("shrink-reader", read_all_frames, &readers[t]);
    }
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    {
      g_thread_join (threads[t]);
      g_assert_cmpuint (readers[t].zero_bytes, >=, (guint64) (n - keep - 1) * SHRINK_FRAME);
    }

  /* The first pass and random access dissect lost frames without bytes. */
  engine = iot_engine_new (file);
  g_assert_true (iot_engine_first_pass (engine, NULL));
  iot_engine_dissect (engine, pkt, n, NULL);
  iot_engine_dissect (engine, pkt, keep, NULL);

  /* Saving lost frames fails instead of writing zeros; the rest saves. */
  g_assert_false (iot_export_frames (file, NULL, 0, copy, IOT_EXPORT_PCAP, &error));
  g_assert_error (error, IOT_EXPORT_ERROR, IOT_EXPORT_ERROR_FRAME);
  g_assert_nonnull (strstr (error->message, "shrank"));
  g_assert_false (g_file_test (copy, G_FILE_TEST_EXISTS));
  g_clear_error (&error);
  all[1] = keep;
  g_assert_true (iot_export_frames (file, all, 2, copy, IOT_EXPORT_PCAPNG, &error));
  g_assert_no_error (error);
  g_unlink (copy);
  g_unlink (path);
}

static gboolean
truncate_at_first_tick (guint64 bytes_done, guint64 bytes_total, guint32 frames, gpointer user_data)
{
  const char *path = user_data;

  /* Called first after 64k frames, then once at the end. */
  if (frames == 65536)
    g_assert_cmpint (truncate (path, (off_t) shrink_frame_end (1000) + 7), ==, 0);
  return TRUE;
}

/* The file shrinks while it is indexed: the zeros that replace the lost
 * pages are not taken for records, and the frames before are kept. */
static void
test_shrink_while_indexing (void)
{
  g_autofree char *path = write_shrink_pcap (70000);
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = iot_file_open_full (path, NULL, truncate_at_first_tick, path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (file);
  g_assert_cmpuint (iot_file_n_frames (file), ==, 1000);
  g_assert_nonnull (iot_file_damage (file));
  g_assert_nonnull (strstr (iot_file_damage (file), "after frame 1000"));
  g_assert_nonnull (strstr (iot_file_damage (file), "shrank"));
  g_assert_true (iot_file_frame_intact (file, 1000));
  g_assert_cmpuint (iot_file_frame_data (file, 1000)[0], ==, 1000 & 0xff);
  g_unlink (path);
}

/* A file that grows shorter while a live view follows it stops being
 * followed, and says which frames went. */
static void
test_shrink_growing (void)
{
  g_autofree char *path = write_shrink_pcap (500);
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = iot_file_open_growing (path, &error);
  guint32 added = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (iot_file_n_frames (file), ==, 500);
  g_assert_cmpint (truncate (path, (off_t) shrink_frame_end (100)), ==, 0);
  g_assert_true (iot_file_refresh (file, &added, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (added, ==, 0);
  g_assert_true (iot_file_frame_intact (file, 100));
  g_assert_false (iot_file_frame_intact (file, 101));
  g_assert_cmpuint (iot_file_first_lost (file), ==, 101);
  g_unlink (path);
}

/* Pages let go behind a one-way pass come back with the same bytes. */
static void
test_drop_pages (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = iot_file_open ("tests/captures/mqtt311.pcap", &error);
  g_autoptr (GPtrArray) before = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  guint32 n;

  g_assert_no_error (error);
  n = iot_file_n_frames (file);
  g_assert_cmpuint (n, >, 10);
  for (guint32 i = 1; i <= n; i++)
    g_ptr_array_add (before, g_bytes_new (iot_file_frame_data (file, i), iot_file_frame (file, i)->caplen));
  iot_file_drop_pages (file, 1, n + 1);
  iot_file_drop_pages (file, 3, 5);
  iot_file_drop_pages (file, 5, 3);   /* an empty range */
  for (guint32 i = 1; i <= n; i++)
    {
      gsize len;
      const guint8 *expected = g_bytes_get_data (before->pdata[i - 1], &len);

      g_assert_cmpmem (iot_file_frame_data (file, i), iot_file_frame (file, i)->caplen, expected, len);
    }
}

/* The index keeps entries packed: distances from a block's first frame,
 * 16-bit lengths, the wire length only where it differs.  Frames that do
 * not fit (jumbo lengths, time that goes back or jumps, a block past 4 GB)
 * come back exactly as well, across blocks and segments, also when a
 * block's first frame is one of them, and the decoded entry does not
 * depend on which frames were asked for before. */
#define NS_PER_S G_GINT64_CONSTANT (1000000000)

static void
test_index_round_trip (void)
{
  const guint32 n = 70000;   /* more than one 64k segment */
  guint32 header[6] = { 0xa1b23c4d, 0x00040002, 0, 0, 262144, 1 };
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GArray) expected = g_array_new (FALSE, FALSE, sizeof (IotFrame));
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = NULL;
  g_autofree guint8 *payload = g_malloc0 (70000);
  gint64 ts = G_GINT64_CONSTANT (1700000000) * NS_PER_S;

  g_byte_array_append (out, (const guint8 *) header, sizeof header);
  for (guint32 i = 0; i < n; i++)
    {
      IotFrame frame = { 0 };
      guint32 record[4];

      frame.caplen = 60 + i % 7;
      frame.len = frame.caplen;
      ts += 200000 + i % 13;
      if (i % 1000 == 500)
        frame.caplen = frame.len = 70000;                   /* jumbo */
      if (i % 1000 == 600)
        frame.len = 100000;                                 /* cut short, long on the wire */
      if (i % 1000 == 650 || i % 256 == 255)
        frame.len = frame.caplen + 1000;                    /* cut short by a snap length */
      if (i == 1024 || i == 65536)
        frame.caplen = frame.len = 70000;                   /* the first of a block kept whole */
      if (i % 1000 == 700)
        ts -= 3 * NS_PER_S;                 /* time goes back */
      if (i % 5000 == 800)
        ts += 10 * NS_PER_S;                /* a quiet spell */
      frame.ts_ns = ts;
      frame.offset = out->len + 16;
      frame.link_type = 1;
      record[0] = (guint32) (ts / NS_PER_S);
      record[1] = (guint32) (ts % NS_PER_S);
      record[2] = frame.caplen;
      record[3] = frame.len;
      g_byte_array_append (out, (const guint8 *) record, sizeof record);
      payload[0] = (guint8) i;
      g_byte_array_append (out, payload, frame.caplen);
      g_array_append_val (expected, frame);
    }
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&out));
  file = iot_file_open_bytes (bytes, "built", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (iot_file_n_frames (file), ==, n);
  /* Backwards, so no entry is decoded right after its neighbour. */
  for (guint32 number = n; number >= 1; number--)
    {
      const IotFrame *want = &g_array_index (expected, IotFrame, number - 1);
      const IotFrame *got = iot_file_frame (file, number);
      IotFrame copy;

      g_assert_cmpuint (got->offset, ==, want->offset);
      g_assert_cmpint (got->ts_ns, ==, want->ts_ns);
      g_assert_cmpuint (got->caplen, ==, want->caplen);
      g_assert_cmpuint (got->len, ==, want->len);
      g_assert_cmpuint (got->link_type, ==, 1);
      g_assert_cmpuint (got->flags, ==, 0);
      g_assert_cmpuint (iot_file_frame_data (file, number)[0], ==, (guint8) (number - 1));
      iot_file_frame_copy (file, number, &copy);
      g_assert_cmpmem (&copy, sizeof copy, got, sizeof *got);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  iot_registry_init ();
  g_test_add_func ("/file/entry-size", test_entry_size);
  g_test_add_func ("/file/pcap-pcapng", test_pcap_and_pcapng_agree);
  g_test_add_func ("/file/nanosecond", test_nanosecond);
  g_test_add_func ("/file/snaplen", test_snaplen);
  g_test_add_func ("/file/broken-tail", test_broken_tail);
  g_test_add_func ("/file/garbage", test_garbage);
  g_test_add_func ("/file/missing", test_missing);
  g_test_add_func ("/file/memory", test_memory_edge_cases);
  g_test_add_func ("/file/pcapng-built", test_pcapng_built);
  g_test_add_func ("/file/pcapng-no-time-fields", test_pcapng_no_time_fields);
  g_test_add_func ("/file/multi-link", test_multi_link);
  g_test_add_func ("/file/pcapng-custom-block", test_pcapng_custom_block);
  g_test_add_func ("/file/pcap-big-endian", test_pcap_big_endian);
  g_test_add_func ("/file/pcap-fcs-bits", test_pcap_fcs_bits);
  g_test_add_func ("/file/pcapng-truncated", test_pcapng_truncated);
  g_test_add_func ("/file/pcapng-damage", test_pcapng_damage);
  g_test_add_func ("/file/pcapng-timestamps", test_pcapng_timestamps);
  g_test_add_func ("/file/pcapng-interface-count", test_pcapng_interface_count);
  g_test_add_func ("/file/link-types", test_link_types);
  g_test_add_func ("/file/modified-pcap", test_modified_pcap);
  g_test_add_func ("/file/modified-pcap-built", test_modified_pcap_built);
  g_test_add_func ("/file/shrink-after-index", test_shrink_after_index);
  g_test_add_func ("/file/shrink-while-indexing", test_shrink_while_indexing);
  g_test_add_func ("/file/shrink-growing", test_shrink_growing);
  g_test_add_func ("/file/drop-pages", test_drop_pages);
  g_test_add_func ("/file/index-round-trip", test_index_round_trip);
  return g_test_run ();
}
