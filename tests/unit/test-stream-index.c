/* test-stream-index.c — each TCP and UDP stream's frames as the first
 * pass indexes them (src/dissect/iot-stream-index.h).
 *
 * On every test capture the index must name exactly the frames whose own
 * layers carry tcp.stream / udp.stream N in the full tree (the values the
 * differential suites hold equal to tshark's), and list every frame in
 * which such a field sits inside the packet an ICMP error quotes: a
 * filter "tcp.stream == N" matches those too.  The encoding is checked on
 * its own with stream numbers of every width, and the stream count and
 * size of a capture can be printed with STREAM_INDEX_CAPTURE=PATH. */
#include "iot-core-private.h"
#include "iot-engine.h"
#include "iot-packet.h"
#include "iot-stream-index.h"

#include "test-util.h"

#include <string.h>

/* Frames by stream, as the full tree shows them. */
typedef struct {
  GPtrArray *own[2];      /* GArray of guint32 by stream: TCP, UDP */
  GArray    *quoting;     /* frames with a stream field inside a quoted packet */
} TreeStreams;

static void
add_frame (GPtrArray *streams, guint32 stream, guint32 frame)
{
  GArray *frames;

  while (streams->len <= stream)
    g_ptr_array_add (streams, g_array_new (FALSE, FALSE, sizeof (guint32)));
  frames = g_ptr_array_index (streams, stream);
  if (frames->len == 0 || g_array_index (frames, guint32, frames->len - 1) != frame)
    g_array_append_val (frames, frame);
}

/* Reads one frame's stream fields from its full tree. */
static void
tree_frame (IotPacket *pkt, TreeStreams *tree, const IotField *const fields[4])
{
  guint32 frame = iot_packet_frame_number (pkt);
  gboolean quoted = FALSE, noted = FALSE;

  for (guint i = 0; i < iot_packet_n_nodes (pkt); i++)
    {
      const IotField *field = iot_packet_node (pkt, i)->field;

      if (field == NULL)
        continue;
      if (field == fields[2] || field == fields[3])
        quoted = TRUE;
      else if ((field == fields[0] || field == fields[1]) && quoted && !noted)
        {
          g_array_append_val (tree->quoting, frame);
          noted = TRUE;
        }
      else if (field == fields[0] || field == fields[1])
        add_frame (tree->own[field == fields[1]], (guint32) iot_packet_node (pkt, i)->v.u, frame);
    }
}

static void
check_capture (const char *path)
{
  const IotField *fields[4] = {
    iot_registry_field ("tcp.stream"), iot_registry_field ("udp.stream"),
    iot_registry_field ("icmp"), iot_registry_field ("icmpv6"),
  };
  static const guint8 layers[2] = { IOT_TAP_LAYER_TCP, IOT_TAP_LAYER_UDP };
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = iot_file_open (path, &error);
  g_autoptr (IotEngine) engine = NULL;
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  IotDissectOptions full = { .flags = IOT_DISSECT_TREE };
  TreeStreams tree = { { g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref),
                         g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref) },
                       g_array_new (FALSE, FALSE, sizeof (guint32)) };
  g_autoptr (GArray) quoting = NULL;

  /* Captures that are not one (garbage.pcap) have no streams. */
  if (file == NULL)
    {
      g_ptr_array_unref (tree.own[0]);
      g_ptr_array_unref (tree.own[1]);
      g_array_unref (tree.quoting);
      return;
    }
  engine = iot_engine_new (file);
  g_assert_true (iot_engine_index_streams (engine));
  g_assert_true (iot_engine_first_pass (engine, NULL));
  for (guint32 n = 1; n <= iot_file_n_frames (file); n++)
    {
      iot_engine_dissect (engine, pkt, n, &full);
      tree_frame (pkt, &tree, fields);
    }
  for (guint l = 0; l < 2; l++)
    {
      /* Streams past the last the tree names are empty too. */
      for (guint32 s = 0; s <= tree.own[l]->len; s++)
        {
          g_autoptr (GArray) got = iot_engine_stream_frames (engine, layers[l], s, FALSE);
          GArray *want = s < tree.own[l]->len ? g_ptr_array_index (tree.own[l], s) : NULL;

          g_assert_cmpuint (got->len, ==, want != NULL ? want->len : 0);
          if (want != NULL && want->len > 0)
            g_assert_cmpmem (got->data, got->len * 4, want->data, want->len * 4);
        }
    }
  /* The quoting frames: merged into any stream's list, in order. */
  quoting = iot_engine_stream_frames (engine, IOT_TAP_LAYER_TCP, G_MAXUINT32 - 1, TRUE);
  for (guint i = 0; i < tree.quoting->len; i++)
    {
      guint32 frame = g_array_index (tree.quoting, guint32, i);
      gboolean found = FALSE;

      for (guint j = 0; j < quoting->len && !found; j++)
        found = g_array_index (quoting, guint32, j) == frame;
      g_assert_true (found);
    }
  for (guint j = 1; j < quoting->len; j++)
    g_assert_cmpuint (g_array_index (quoting, guint32, j - 1), <, g_array_index (quoting, guint32, j));
  g_ptr_array_unref (tree.own[0]);
  g_ptr_array_unref (tree.own[1]);
  g_array_unref (tree.quoting);
}

static void
test_captures (void)
{
  g_autoptr (GPtrArray) paths = test_capture_paths ();

  g_assert_cmpuint (paths->len, >, 100);
  for (guint i = 0; i < paths->len; i++)
    {
      g_test_message ("%s", (const char *) g_ptr_array_index (paths, i));
      check_capture (g_ptr_array_index (paths, i));
    }
}

/* Stream numbers of one to five bytes, frames with no stream between,
 * a frame in two streams (a tunnel), the same stream twice in a frame
 * counted once, streams never seen empty, and quoting frames merged in
 * order. */
static void
test_encoding (void)
{
  g_autoptr (IotStreamIndex) index = iot_stream_index_new ();
  static const guint32 frames[] = { 1, 2, 129, 130, 16514, 16515, 200000 };
  static const guint32 big[] = { 0, 31, 32, 8191, 8192, 1u << 20, 1u << 29, G_MAXUINT32 - 1 };
  static const guint32 want_merged[] = { 5, 7, 9, 16515 };
  g_autoptr (GArray) got = NULL;
  g_autoptr (GArray) merged = NULL;
  g_autoptr (GArray) none = NULL;
  guint32 number = 200001;

  for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
    {
      /* TCP stream 3 twice (a layer repeated), and UDP stream 0 in 16515. */
      guint8 layers[] = { IOT_TAP_LAYER_IPV4, IOT_TAP_LAYER_TCP, IOT_TAP_LAYER_TCP, IOT_TAP_LAYER_UDP };
      guint32 streams[] = { IOT_TAP_NO_STREAM, 3, 3, frames[i] == 16515 ? 0 : IOT_TAP_NO_STREAM };

      iot_stream_index_add_streams (index, frames[i], layers, streams, G_N_ELEMENTS (layers));
    }
  for (guint i = 0; i < G_N_ELEMENTS (big); i++, number++)
    {
      guint8 layer = IOT_TAP_LAYER_UDP;

      iot_stream_index_add_streams (index, number, &layer, &big[i], 1);
    }
  got = iot_stream_index_frames (index, IOT_TAP_LAYER_TCP, 3, FALSE);
  g_assert_cmpmem (got->data, got->len * 4, frames, sizeof frames);
  for (guint i = 0; i < G_N_ELEMENTS (big); i++)
    {
      g_autoptr (GArray) one = iot_stream_index_frames (index, IOT_TAP_LAYER_UDP, big[i], FALSE);
      guint32 first = one->len > 0 ? g_array_index (one, guint32, 0) : 0;

      /* UDP stream 0 also holds frame 16515. */
      g_assert_cmpuint (one->len, ==, big[i] == 0 ? 2 : 1);
      g_assert_cmpuint (g_array_index (one, guint32, one->len - 1), ==, 200001 + i);
      g_assert_cmpuint (first, ==, big[i] == 0 ? 16515 : 200001 + i);
    }
  none = iot_stream_index_frames (index, IOT_TAP_LAYER_TCP, 4, FALSE);
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpuint (iot_stream_index_n_streams (index, IOT_TAP_LAYER_TCP), ==, 4);
  g_assert_cmpuint (iot_stream_index_n_streams (index, IOT_TAP_LAYER_UDP), ==, G_MAXUINT32);
  iot_stream_index_add_quoting (index, 5);
  iot_stream_index_add_quoting (index, 7);
  iot_stream_index_add_quoting (index, 9);
  merged = iot_stream_index_frames (index, IOT_TAP_LAYER_UDP, 0, TRUE);
  g_assert_cmpuint (merged->len, ==, G_N_ELEMENTS (want_merged) + 1);
  g_assert_cmpmem (merged->data, G_N_ELEMENTS (want_merged) * 4, want_merged, sizeof want_merged);
}

/* An engine not asked to index has no index, and one asked too late
 * says so. */
static void
test_not_indexed (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = iot_file_open ("tests/captures/mqtt311.pcap", &error);
  g_autoptr (IotEngine) engine = NULL;

  g_assert_no_error (error);
  engine = iot_engine_new (file);
  g_assert_true (iot_engine_first_pass (engine, NULL));
  g_assert_null (iot_engine_stream_frames (engine, IOT_TAP_LAYER_TCP, 0, FALSE));
  g_assert_false (iot_engine_index_streams (engine));
}

int
main (int argc, char **argv)
{
  const char *print = g_getenv ("STREAM_INDEX_CAPTURE");

  iot_registry_init ();
  if (print != NULL)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (IotFile) file = iot_file_open (print, &error);
      g_autoptr (IotEngine) engine = NULL;
      g_autoptr (GArray) first = NULL;

      g_assert_no_error (error);
      engine = iot_engine_new (file);
      iot_engine_index_streams (engine);
      iot_engine_first_pass (engine, NULL);
      first = iot_engine_stream_frames (engine, IOT_TAP_LAYER_TCP, 5, FALSE);
      g_print ("%u frames, %u TCP and %u UDP streams, TCP stream 5: %u frames\n", iot_file_n_frames (file),
               iot_stream_index_n_streams (iot_engine_stream_index (engine), IOT_TAP_LAYER_TCP),
               iot_stream_index_n_streams (iot_engine_stream_index (engine), IOT_TAP_LAYER_UDP), first->len);
      g_print ("index: %" G_GSIZE_FORMAT " bytes\n", iot_stream_index_size (iot_engine_stream_index (engine)));
      return 0;
    }
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/stream-index/encoding", test_encoding);
  g_test_add_func ("/stream-index/not-indexed", test_not_indexed);
  g_test_add_func ("/stream-index/captures", test_captures);
  return g_test_run ();
}
