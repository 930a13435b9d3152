/* test-scan.c — one walk over frames for many listeners: each listener sees
 * every frame once and in order (or the frames its filter keeps), with the
 * fields it asked for; a frame range (in the order given, counted as
 * displayed or not); cancellation; a listener ending the walk; a listener
 * that asks for more on its filter's frames only; and analyses that share
 * a scan give what each gives alone. */
#include <string.h>

#include "iot-format.h"
#include "iot-analysis-test.h"
#include "iot-insight.h"
#include "iot-readings.h"
#include "iot-scan.h"
#include "iot-stats.h"

static IotEngine *
open_capture (const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename ("tests", "captures", name, NULL);
  g_autoptr (IotFile) file = iot_file_open (path, &error);
  IotEngine *engine;

  g_assert_no_error (error);
  engine = iot_engine_new (file);
  iot_engine_first_pass (engine, NULL);
  return engine;
}

/* A listener that records the frames it saw and one field's values. */
typedef struct {
  const char     *abbrev;
  const IotField *field;
  GArray         *frames;    /* guint32 */
  GString        *values;    /* "frame:value," for every node of the field */
  guint           n_finished;
} Recorder;

static void
recorder_init (Recorder *rec, const char *abbrev)
{
  memset (rec, 0, sizeof *rec);
  rec->abbrev = abbrev;
  rec->field = iot_registry_field (abbrev);
  g_assert_nonnull (rec->field);
  rec->frames = g_array_new (FALSE, FALSE, sizeof (guint32));
  rec->values = g_string_new (NULL);
}

static void
recorder_clear (Recorder *rec)
{
  g_array_unref (rec->frames);
  g_string_free (rec->values, TRUE);
}

static void
recorder_add_wanted (gpointer data, IotFieldSet *wanted, IotDissectFlags *flags)
{
  Recorder *rec = data;

  iot_field_set_add (wanted, rec->field);
}

static void
recorder_frame (gpointer data, IotPacket *pkt)
{
  Recorder *rec = data;
  guint32 number = iot_packet_frame_number (pkt);

  g_array_append_val (rec->frames, number);
  for (guint i = 0; i < iot_packet_n_nodes (pkt); i++)
    {
      const IotNode *node = iot_packet_node (pkt, i);

      if (node->field == rec->field)
        g_string_append_printf (rec->values, "%u:%" G_GUINT64_FORMAT ",", number, node->v.u);
    }
}

static void
recorder_finish (gpointer data)
{
  ((Recorder *) data)->n_finished++;
}

static const IotScanListener recorder_listener = {
  .add_wanted = recorder_add_wanted,
  .frame = recorder_frame,
  .finish = recorder_finish,
};

/* What tshark-style field extraction of one field gives, frame by frame,
 * from a dissection asking only for that field. */
static char *
values_alone (IotEngine *engine, const char *abbrev)
{
  g_autoptr (IotScan) scan = iot_scan_new (engine);
  Recorder rec;
  char *values;

  recorder_init (&rec, abbrev);
  iot_scan_add_listener (scan, &recorder_listener, &rec, NULL);
  g_assert_true (iot_scan_run (scan, NULL, NULL, NULL, NULL));
  values = g_strdup (rec.values->str);
  recorder_clear (&rec);
  return values;
}

static void
test_every_frame_once_in_order (void)
{
  g_autoptr (IotEngine) engine = open_capture ("mqtt311.pcap");
  g_autoptr (IotScan) scan = iot_scan_new (engine);
  g_autofree char *alone_msgtype = values_alone (engine, "mqtt.msgtype");
  g_autofree char *alone_port = values_alone (engine, "tcp.srcport");
  Recorder a, b;
  guint32 n = iot_engine_n_passed (engine);

  recorder_init (&a, "mqtt.msgtype");
  recorder_init (&b, "tcp.srcport");
  iot_scan_add_listener (scan, &recorder_listener, &a, NULL);
  iot_scan_add_listener (scan, &recorder_listener, &b, NULL);
  g_assert_cmpuint (iot_scan_n_listeners (scan), ==, 2);
  g_assert_true (iot_scan_run (scan, NULL, NULL, NULL, NULL));

  g_assert_cmpuint (n, >, 10);
  g_assert_cmpuint (a.frames->len, ==, n);
  g_assert_cmpuint (b.frames->len, ==, n);
  for (guint32 i = 0; i < n; i++)
    {
      g_assert_cmpuint (g_array_index (a.frames, guint32, i), ==, i + 1);
      g_assert_cmpuint (g_array_index (b.frames, guint32, i), ==, i + 1);
    }
  g_assert_cmpuint (a.n_finished, ==, 1);
  g_assert_cmpuint (b.n_finished, ==, 1);
  /* Each got its field, as a dissection for it alone would give it. */
  g_assert_cmpstr (a.values->str, !=, "");
  g_assert_cmpstr (a.values->str, ==, alone_msgtype);
  g_assert_cmpstr (b.values->str, ==, alone_port);
  recorder_clear (&a);
  recorder_clear (&b);
}

static void
test_listener_filter (void)
{
  g_autoptr (IotEngine) engine = open_capture ("mqtt311.pcap");
  g_autoptr (IotScan) scan = iot_scan_new (engine);
  g_autoptr (IotFilter) publishes = iot_filter_compile ("mqtt.msgtype == 3", NULL);
  g_autoptr (IotFilter) check = iot_filter_compile ("mqtt.msgtype == 3", NULL);
  g_autoptr (IotFieldSet) wanted = iot_field_set_new ();
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  IotDissectOptions options = { 0 };
  Recorder all, some;
  guint expected = 0;

  recorder_init (&all, "frame.len");
  recorder_init (&some, "tcp.len");
  iot_scan_add_listener (scan, &recorder_listener, &all, NULL);
  iot_scan_add_listener (scan, &recorder_listener, &some, publishes);
  g_assert_true (iot_scan_run (scan, NULL, NULL, NULL, NULL));

  /* Independently: which frames hold a PUBLISH. */
  iot_filter_add_fields (check, wanted);
  options.fields = wanted;
  for (guint32 n = 1; n <= iot_engine_n_passed (engine); n++)
    {
      iot_engine_dissect (engine, pkt, n, &options);
      if (iot_filter_matches (check, pkt))
        g_assert_cmpuint (g_array_index (some.frames, guint32, expected++), ==, n);
    }
  g_assert_cmpuint (expected, >, 0);
  g_assert_cmpuint (some.frames->len, ==, expected);
  g_assert_cmpuint (all.frames->len, ==, iot_engine_n_passed (engine));
  recorder_clear (&all);
  recorder_clear (&some);
}

static void
test_frame_range (void)
{
  g_autoptr (IotEngine) engine = open_capture ("coap.pcap");
  g_autoptr (IotScan) scan = iot_scan_new (engine);
  const guint32 numbers[] = { 2, 3, 7 };
  Recorder rec;

  recorder_init (&rec, "udp.srcport");
  iot_scan_add_listener (scan, &recorder_listener, &rec, NULL);
  iot_scan_set_frames (scan, numbers, G_N_ELEMENTS (numbers));
  g_assert_true (iot_scan_run (scan, NULL, NULL, NULL, NULL));
  g_assert_cmpuint (rec.frames->len, ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    g_assert_cmpuint (g_array_index (rec.frames, guint32, i), ==, numbers[i]);
  recorder_clear (&rec);
}

/* The range is walked in the order given, not sorted. */
static void
test_frame_range_order (void)
{
  g_autoptr (IotEngine) engine = open_capture ("coap.pcap");
  g_autoptr (IotScan) scan = iot_scan_new (engine);
  const guint32 numbers[] = { 7, 2, 5, 1 };
  Recorder rec;

  recorder_init (&rec, "udp.srcport");
  iot_scan_add_listener (scan, &recorder_listener, &rec, NULL);
  iot_scan_set_frames (scan, numbers, G_N_ELEMENTS (numbers));
  g_assert_true (iot_scan_run (scan, NULL, NULL, NULL, NULL));
  g_assert_cmpuint (rec.frames->len, ==, G_N_ELEMENTS (numbers));
  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    g_assert_cmpuint (g_array_index (rec.frames, guint32, i), ==, numbers[i]);
  recorder_clear (&rec);
}

/* frame.time_delta_displayed of each frame, as "frame:value,". */
typedef struct {
  const IotField *field;
  GString        *values;
} DeltaRecorder;

static void
delta_add_wanted (gpointer data, IotFieldSet *wanted, IotDissectFlags *flags)
{
  iot_field_set_add (wanted, ((DeltaRecorder *) data)->field);
}

static void
delta_frame (gpointer data, IotPacket *pkt)
{
  DeltaRecorder *rec = data;

  for (guint i = 0; i < iot_packet_n_nodes (pkt); i++)
    if (iot_packet_node (pkt, i)->field == rec->field)
      {
        g_string_append_printf (rec->values, "%u:", iot_packet_frame_number (pkt));
        iot_format_field_value (pkt, iot_packet_node (pkt, i), rec->values);
        g_string_append_c (rec->values, ',');
      }
}

static const IotScanListener delta_listener = {
  .add_wanted = delta_add_wanted,
  .frame = delta_frame,
};

static char *
deltas (IotEngine *engine, const guint32 *numbers, guint n, gboolean displayed)
{
  g_autoptr (IotScan) scan = iot_scan_new (engine);
  DeltaRecorder rec = { iot_registry_field ("frame.time_delta_displayed"), g_string_new (NULL) };

  g_assert_nonnull (rec.field);
  iot_scan_set_frames (scan, numbers, n);
  iot_scan_set_range_displayed (scan, displayed);
  iot_scan_add_listener (scan, &delta_listener, &rec, NULL);
  g_assert_true (iot_scan_run (scan, NULL, NULL, NULL, NULL));
  return g_string_free (rec.values, FALSE);
}

/* Counted as displayed, each frame's delta runs from the frame before it
 * in the range, as a dissection told so gives it; otherwise it is 0. */
static void
test_range_displayed (void)
{
  g_autoptr (IotEngine) engine = open_capture ("coap.pcap");
  const guint32 numbers[] = { 2, 5, 6 };
  g_autofree char *shown = deltas (engine, numbers, G_N_ELEMENTS (numbers), TRUE);
  g_autofree char *alone = deltas (engine, numbers, G_N_ELEMENTS (numbers), FALSE);
  g_autoptr (GString) expected = g_string_new (NULL);
  g_autoptr (GString) zero = g_string_new (NULL);
  DeltaRecorder rec = { iot_registry_field ("frame.time_delta_displayed"), NULL };
  g_autoptr (IotFieldSet) wanted = iot_field_set_new ();
  g_autoptr (IotPacket) pkt = iot_packet_new ();

  iot_field_set_add (wanted, rec.field);
  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      IotDissectOptions options = { .fields = wanted, .prev_displayed = i > 0 ? numbers[i - 1] : 0 };

      iot_engine_dissect (engine, pkt, numbers[i], &options);
      rec.values = expected;
      delta_frame (&rec, pkt);
      options.prev_displayed = 0;
      iot_engine_dissect (engine, pkt, numbers[i], &options);
      rec.values = zero;
      delta_frame (&rec, pkt);
    }
  g_assert_cmpstr (shown, ==, expected->str);
  g_assert_cmpstr (alone, ==, zero->str);
  /* The capture's frames are not all at the same instant. */
  g_assert_cmpstr (shown, !=, alone);
}

/* A listener that stops the walk at its @stop_at-th frame. */
typedef struct {
  IotScan *scan;
  guint    stop_at;
  guint    n_frames;
  guint    n_finished;
} Stopper;

static void
stopper_frame (gpointer data, IotPacket *pkt)
{
  Stopper *stopper = data;

  if (++stopper->n_frames == stopper->stop_at)
    iot_scan_stop (stopper->scan);
}

static void
stopper_finish (gpointer data)
{
  ((Stopper *) data)->n_finished++;
}

static const IotScanListener stopper_listener = {
  .frame = stopper_frame,
  .finish = stopper_finish,
};

static void
test_stop (void)
{
  g_autoptr (IotEngine) engine = open_capture ("mqtt311.pcap");
  g_autoptr (IotScan) scan = iot_scan_new (engine);
  Stopper stopper = { scan, 3 };
  Recorder rec;

  g_assert_cmpuint (iot_engine_n_passed (engine), >, 3);
  recorder_init (&rec, "frame.len");
  iot_scan_add_listener (scan, &stopper_listener, &stopper, NULL);
  iot_scan_add_listener (scan, &recorder_listener, &rec, NULL);
  g_assert_true (iot_scan_run (scan, NULL, NULL, NULL, NULL));
  g_assert_true (iot_scan_stopped (scan));
  /* The frame that stopped the walk still reaches the listeners after
   * the one that stopped it; none after it does; all finish. */
  g_assert_cmpuint (stopper.n_frames, ==, 3);
  g_assert_cmpuint (rec.frames->len, ==, 3);
  g_assert_cmpuint (stopper.n_finished, ==, 1);
  g_assert_cmpuint (rec.n_finished, ==, 1);

  /* A new run starts afresh. */
  stopper.n_frames = 0;
  stopper.stop_at = 5;
  g_assert_true (iot_scan_run (scan, NULL, NULL, NULL, NULL));
  g_assert_cmpuint (stopper.n_frames, ==, 5);
  g_assert_cmpuint (rec.frames->len, ==, 3 + 5);
  g_assert_cmpuint (g_array_index (rec.frames, guint32, 7), ==, 5);
  g_assert_cmpuint (stopper.n_finished, ==, 2);
  recorder_clear (&rec);
}

/* A listener that asks for the whole tree on its filter's frames only,
 * and keeps each such frame's labels. */
typedef struct {
  GString *labels;
  guint    n_frames;
} TreeRecorder;

static void
tree_add_wanted_matched (gpointer data, IotFieldSet *wanted, IotDissectFlags *flags)
{
  *flags |= IOT_DISSECT_TREE;
}

static void
append_labels (IotPacket *pkt, GString *out)
{
  g_string_append_printf (out, "%u[", iot_packet_frame_number (pkt));
  for (guint i = 0; i < iot_packet_n_nodes (pkt); i++)
    {
      iot_format_label (pkt, iot_packet_node (pkt, i), out);
      g_string_append_c (out, '|');
    }
  g_string_append (out, "]");
}

static void
tree_frame (gpointer data, IotPacket *pkt)
{
  TreeRecorder *rec = data;

  rec->n_frames++;
  append_labels (pkt, rec->labels);
}

static const IotScanListener tree_listener = {
  .add_wanted_matched = tree_add_wanted_matched,
  .frame = tree_frame,
};

/* Counts the nodes of the packets it gets (the shared dissection's). */
static void
count_nodes_frame (gpointer data, IotPacket *pkt)
{
  *(guint *) data += iot_packet_n_nodes (pkt);
}

static const IotScanListener count_nodes_listener = { .frame = count_nodes_frame };

static void
test_wanted_on_matched_frames (void)
{
  g_autoptr (IotEngine) engine = open_capture ("mqtt311.pcap");
  g_autoptr (IotScan) scan = iot_scan_new (engine);
  g_autoptr (IotFilter) publishes = iot_filter_compile ("mqtt.msgtype == 3", NULL);
  g_autoptr (IotFilter) check = iot_filter_compile ("mqtt.msgtype == 3", NULL);
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  g_autoptr (GString) expected = g_string_new (NULL);
  TreeRecorder tree = { g_string_new (NULL) };
  IotDissectOptions options = { .flags = IOT_DISSECT_TREE };
  guint shared_nodes = 0, tree_nodes = 0, n_publishes = 0;

  iot_scan_add_listener (scan, &tree_listener, &tree, publishes);
  iot_scan_add_listener (scan, &count_nodes_listener, &shared_nodes, NULL);
  g_assert_true (iot_scan_run (scan, NULL, NULL, NULL, NULL));

  /* Independently: the tree of every PUBLISH frame. */
  for (guint32 n = 1; n <= iot_engine_n_passed (engine); n++)
    {
      iot_engine_dissect (engine, pkt, n, &options);
      tree_nodes += iot_packet_n_nodes (pkt);
      if (!iot_filter_matches (check, pkt))
        continue;
      n_publishes++;
      append_labels (pkt, expected);
    }
  g_assert_cmpuint (n_publishes, >, 0);
  g_assert_cmpuint (tree.n_frames, ==, n_publishes);
  g_assert_cmpstr (tree.labels->str, ==, expected->str);
  /* The other listener's frames were not dissected with the tree. */
  g_assert_cmpuint (shared_nodes, <, tree_nodes / 4);
  g_string_free (tree.labels, TRUE);
}

/* In a caller-owned walk, the same listener gets the same frames. */
static void
test_wanted_on_matched_frames_fed (void)
{
  g_autoptr (IotEngine) engine = open_capture ("mqtt311.pcap");
  g_autoptr (IotScan) ran = iot_scan_new (engine);
  g_autoptr (IotScan) fed = iot_scan_new (engine);
  g_autoptr (IotFilter) publishes = iot_filter_compile ("mqtt.msgtype == 3", NULL);
  g_autoptr (IotFieldSet) wanted = iot_field_set_new ();
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  TreeRecorder a = { g_string_new (NULL) }, b = { g_string_new (NULL) };
  IotDissectOptions options = { 0 };

  iot_scan_add_listener (ran, &tree_listener, &a, publishes);
  g_assert_true (iot_scan_run (ran, NULL, NULL, NULL, NULL));
  iot_scan_add_listener (fed, &tree_listener, &b, publishes);
  iot_scan_add_wanted (fed, wanted, &options.flags);
  g_assert_false (options.flags & IOT_DISSECT_TREE);
  options.fields = wanted;
  for (guint32 n = 1; n <= iot_engine_n_passed (engine); n++)
    {
      iot_engine_dissect (engine, pkt, n, &options);
      iot_scan_feed (fed, pkt);
    }
  iot_scan_finish (fed);
  g_assert_cmpuint (a.n_frames, >, 0);
  g_assert_cmpstr (a.labels->str, ==, b.labels->str);
  g_string_free (a.labels, TRUE);
  g_string_free (b.labels, TRUE);
}

/* A chunk of frames first..last, as the window's filter hands each worker. */
static void
test_contiguous_range (void)
{
  g_autoptr (IotEngine) engine = open_capture ("coap.pcap");
  g_autoptr (IotScan) scan = iot_scan_new (engine);
  Recorder rec;

  recorder_init (&rec, "udp.srcport");
  iot_scan_add_listener (scan, &recorder_listener, &rec, NULL);
  iot_scan_set_range (scan, 3, 6);
  g_assert_true (iot_scan_run (scan, NULL, NULL, NULL, NULL));
  g_assert_cmpuint (rec.frames->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (g_array_index (rec.frames, guint32, i), ==, 3 + i);
  g_assert_cmpuint (rec.n_finished, ==, 1);
  recorder_clear (&rec);
}

/* frame.time_delta_displayed of each PUBLISH, with the PUBLISHes as the
 * displayed frames: the time since the previous PUBLISH (0 for the first). */
static void
test_displayed_filter (void)
{
  g_autoptr (IotEngine) engine = open_capture ("mqtt311.pcap");
  g_autoptr (IotScan) scan = iot_scan_new (engine);
  g_autoptr (IotFilter) publishes = iot_filter_compile ("mqtt.msgtype == 3", NULL);
  IotFile *file = iot_engine_file (engine);
  g_autoptr (GString) expected = g_string_new (NULL);
  Recorder rec;
  guint32 prev = 0;

  recorder_init (&rec, "frame.time_delta_displayed");
  iot_scan_add_listener (scan, &recorder_listener, &rec, publishes);
  iot_scan_set_displayed_filter (scan, publishes);
  g_assert_true (iot_scan_run (scan, NULL, NULL, NULL, NULL));
  g_assert_cmpuint (rec.frames->len, >, 1);
  for (guint i = 0; i < rec.frames->len; i++)
    {
      guint32 number = g_array_index (rec.frames, guint32, i);
      gint64 delta = prev != 0 ? iot_file_frame (file, number)->ts_ns - iot_file_frame (file, prev)->ts_ns : 0;

      g_string_append_printf (expected, "%u:%" G_GUINT64_FORMAT ",", number, (guint64) delta);
      prev = number;
    }
  g_assert_cmpstr (rec.values->str, ==, expected->str);
  recorder_clear (&rec);
}

static void
count_progress (guint32 done, guint32 total, gpointer data)
{
  guint *calls = data;

  g_assert_cmpuint (done, <=, total);
  (*calls)++;
}

static void
test_cancel_and_progress (void)
{
  g_autoptr (IotEngine) engine = open_capture ("mqtt311.pcap");
  g_autoptr (IotScan) scan = iot_scan_new (engine);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  Recorder rec;
  guint calls = 0;

  recorder_init (&rec, "frame.len");
  iot_scan_add_listener (scan, &recorder_listener, &rec, NULL);
  g_assert_true (iot_scan_run (scan, NULL, count_progress, &calls, NULL));
  g_assert_cmpuint (calls, >=, 2);   /* at the start and at the end */

  g_cancellable_cancel (cancellable);
  g_assert_false (iot_scan_run (scan, cancellable, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* A cancelled scan does not finish its listeners. */
  g_assert_cmpuint (rec.n_finished, ==, 1);
  recorder_clear (&rec);
}

/* The insight and readings sharing a scan with statistics report what
 * they report from scans of their own. */
static void
test_shared_scan_equals_separate (void)
{
  g_autoptr (IotEngine) engine = open_capture ("readings.pcap");
  g_autoptr (IotInsight) alone = iot_insight_analyze (engine, NULL, NULL);
  g_autoptr (IotReadings) readings_alone = iot_readings_collect (engine, NULL, NULL, NULL, NULL, NULL);
  g_autoptr (IotInsight) shared = iot_insight_new ();
  g_autoptr (IotReadings) readings_shared = iot_readings_new ();
  g_autoptr (IotScan) scan = iot_scan_new (engine);
  g_autoptr (GString) a = g_string_new (NULL), b = g_string_new (NULL);
  g_autoptr (GString) ra = g_string_new (NULL), rb = g_string_new (NULL);
  IotStats *stats = iot_stats_new ();

  g_assert_true (iot_stats_add_request (stats, "io,phs", NULL));
  iot_stats_begin (stats, iot_engine_file (engine), iot_engine_n_passed (engine));
  iot_insight_set_capture_path (shared, iot_file_path (iot_engine_file (engine)));
  iot_scan_add_listener (scan, &iot_stats_listener, stats, NULL);
  iot_scan_add_listener (scan, &iot_insight_listener, shared, NULL);
  iot_scan_add_listener (scan, &iot_readings_listener, readings_shared, NULL);
  g_assert_true (iot_scan_run (scan, NULL, NULL, NULL, NULL));

  iot_insight_print (alone, a);
  iot_insight_print (shared, b);
  g_assert_cmpuint (a->len, >, 100);
  g_assert_cmpstr (a->str, ==, b->str);
  iot_readings_print (readings_alone, NULL, ra);
  iot_readings_print (readings_shared, NULL, rb);
  g_assert_cmpuint (iot_readings_n_series (readings_shared), >, 0);
  g_assert_cmpstr (ra->str, ==, rb->str);
  iot_stats_free (stats);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  iot_registry_init ();
  g_test_add_func ("/scan/every-frame-once-in-order", test_every_frame_once_in_order);
  g_test_add_func ("/scan/listener-filter", test_listener_filter);
  g_test_add_func ("/scan/frame-range", test_frame_range);
  g_test_add_func ("/scan/contiguous-range", test_contiguous_range);
  g_test_add_func ("/scan/displayed-filter", test_displayed_filter);
  g_test_add_func ("/scan/cancel-and-progress", test_cancel_and_progress);
  g_test_add_func ("/scan/frame-range-order", test_frame_range_order);
  g_test_add_func ("/scan/range-displayed", test_range_displayed);
  g_test_add_func ("/scan/stop", test_stop);
  g_test_add_func ("/scan/wanted-on-matched-frames", test_wanted_on_matched_frames);
  g_test_add_func ("/scan/wanted-on-matched-frames-fed", test_wanted_on_matched_frames_fed);
  g_test_add_func ("/scan/shared-equals-separate", test_shared_scan_equals_separate);
  return g_test_run ();
}
