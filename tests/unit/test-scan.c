/* test-scan.c — one walk over frames for many listeners: each listener sees
 * every frame once and in order (or the frames its filter keeps), with the
 * fields it asked for; a frame range; cancellation; and analyses that
 * share a scan give what each gives alone. */
#include <string.h>

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
  g_test_add_func ("/scan/shared-equals-separate", test_shared_scan_equals_separate);
  return g_test_run ();
}
