/* iot-cli-stats.c — -z: follow, reports, readings and the insight, all
 * listening to one scan; --compare of two capture points. */
#include "iot-cli-private.h"
#include "iot-stream-index.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Every analysis that reads frames (-z reports, -z readings, the insight)
 * listens to one scan, fed by the printing pass (iot-cli-render.c):
 * however many are asked for, each frame is dissected once. */
IotScan *taps;

/* -z reports (conversations, io,phs …), filled while frames are rendered. */
static IotStats *reports;

/* The listeners read only tap records and heard the first pass. */
gboolean taps_in_first_pass;

static gboolean
parse_stream (const char *text, guint32 *stream)
{
  char *end = NULL;

  *stream = (guint32) g_ascii_strtoull (text, &end, 10);
  return end != text && *end == '\0';
}

/* -z io,phs, io,stat, conv, endpoints and expert; FALSE with @error set
 * when the report is known but its arguments are not. */
static gboolean
parse_stat_request (const char *spec, GError **error)
{
  if (reports == NULL)
    reports = iot_stats_new ();
  return iot_stats_add_request (reports, spec, error);
}

/* -z readings[,FILTER]: the numeric readings payloads carried, one row
 * per series (requests in the order given). */
static GPtrArray *readings_requests;   /* ReadingsRequest * */

typedef struct {
  char        *text;      /* the filter as given; NULL: every frame */
  IotFilter   *filter;
  IotReadings *readings;  /* filled by the scan */
} ReadingsRequest;

static void
readings_request_free (gpointer data)
{
  ReadingsRequest *req = data;

  g_free (req->text);
  g_clear_pointer (&req->readings, iot_readings_free);
  if (req->filter != NULL)
    iot_filter_free (req->filter);
  g_free (req);
}

static gboolean
parse_readings_request (const char *spec, GError **error)
{
  g_autoptr (IotFilterProblem) problem = NULL;
  ReadingsRequest *req = g_new0 (ReadingsRequest, 1);
  const char *text = spec[strlen ("readings")] == ',' ? spec + strlen ("readings,") : NULL;

  if (text != NULL && text[strspn (text, " \t")] != '\0')
    {
      req->text = g_strdup (text);
      req->filter = iot_filter_compile (text, &problem);
      if (req->filter == NULL)
        {
          g_autofree char *message = iot_filter_problem_format (problem, text);

          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "-z readings: %s", message);
          readings_request_free (req);
          return FALSE;
        }
    }
  if (readings_requests == NULL)
    readings_requests = g_ptr_array_new_with_free_func (readings_request_free);
  g_ptr_array_add (readings_requests, req);
  return TRUE;
}

/* After the frames and the other reports, in the order asked. */
void
print_readings (void)
{
  for (guint i = 0; readings_requests != NULL && i < readings_requests->len; i++)
    {
      ReadingsRequest *req = g_ptr_array_index (readings_requests, i);
      g_autoptr (GString) out = g_string_new (NULL);

      iot_readings_print (req->readings, req->text, out);
      flush_out (out);
    }
  g_clear_pointer (&readings_requests, g_ptr_array_unref);
}

/* -z follow was asked for: the first pass indexes each stream's frames,
 * so that following one dissects only its own. */
static gboolean follows_requested;

/* Checks every -z before any work is done. */
gboolean
parse_statistics (GArray *follows, GError **error)
{
  for (guint i = 0; opts.statistics && opts.statistics[i]; i++)
    {
      g_auto (GStrv) parts = g_strsplit (opts.statistics[i], ",", -1);
      FollowRequest req = { 0 };

      if (g_strv_length (parts) == 4 && strcmp (parts[0], "follow") == 0
          && iot_follow_protocol_parse (parts[1], &req.protocol)
          && iot_follow_mode_parse (parts[2], &req.mode))
        {
          if (parse_stream (parts[3], &req.stream))
            {
              follows_requested = TRUE;
              g_array_append_val (follows, req);
              continue;
            }
        }
      if (g_strv_length (parts) == 3 && strcmp (parts[0], "follow") == 0 && strcmp (parts[1], "mqtt") == 0
          && parse_stream (parts[2], &req.stream))
        {
          req.mqtt = TRUE;
          follows_requested = TRUE;
          g_array_append_val (follows, req);
          continue;
        }
      if (strcmp (opts.statistics[i], "insight") == 0)
        {
          insight_opts.text = TRUE;
          continue;
        }
      if (strcmp (opts.statistics[i], "readings") == 0 || g_str_has_prefix (opts.statistics[i], "readings,"))
        {
          if (!parse_readings_request (opts.statistics[i], error))
            return FALSE;
          continue;
        }
      if (iot_stats_handles (opts.statistics[i]))
        {
          if (!parse_stat_request (opts.statistics[i], error))
            return FALSE;
          continue;
        }
      {
        g_autofree char *known = iot_stats_list_reports ();

        /* As tshark: every report there is, one a line. */
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     "invalid -z argument \"%s\"; it must be one of:\n%s", opts.statistics[i], known);
      }
      return FALSE;
    }
  return TRUE;
}

gboolean
print_follows (IotEngine *engine, GArray *follows)
{
  g_autoptr (GString) out = g_string_new (NULL);

  for (guint i = 0; i < follows->len; i++)
    {
      const FollowRequest *req = &g_array_index (follows, FollowRequest, i);
      g_autoptr (GError) error = NULL;
      g_autoptr (IotFollow) follow = NULL;

      if (req->mqtt)
        {
          g_autoptr (IotMqttFollow) session = iot_mqtt_follow_new (engine, req->stream, &error);

          if (session == NULL)
            {
              fprintf (stderr, "iotscope-cli: -z follow,mqtt: %s\n", error->message);
              return FALSE;
            }
          iot_mqtt_follow_print (session, out);
          flush_out (out);
          continue;
        }
      follow = iot_follow_new (engine, req->protocol, req->stream, &error);
      if (follow == NULL)
        {
          fprintf (stderr, "iotscope-cli: -z follow: %s\n", error->message);
          return FALSE;
        }
      iot_follow_print (follow, req->mode, out);
      flush_out (out);
    }
  return TRUE;
}

static IotInsight *insight_tap;    /* the insight, when asked for: a listener of the scan */

gboolean
taps_requested (void)
{
  return reports != NULL || readings_requests != NULL || insight_requested ();
}

/* The reports learn the capture's duration from every frame's time
 * before they hear the first frame (iot_stats_begin). */
gboolean
taps_need_all_frames (void)
{
  return reports != NULL;
}

/* The one scan's listeners; they need every frame, in order.  The
 * reports see every frame -R keeps, whatever -Y shows, as tshark's taps
 * do; readings and the insight see every frame (readings apply their own
 * filter).  Made before the first pass: listeners that read only tap
 * records (-z conv, -z endpoints) hear that pass and need no other. */
void
create_taps (IotEngine *engine, IotFilter *read, guint32 n)
{
  IotFile *file = iot_engine_file (engine);

  if (follows_requested)
    iot_engine_index_streams (engine);
  if (!taps_requested ())
    return;
  taps = iot_scan_new (engine);
  /* First: the hierarchy asks whether the output reads frame fields. */
  if (reports != NULL)
    {
      iot_stats_begin (reports, file, n);
      iot_scan_add_listener (taps, &iot_stats_listener, reports, read);
    }
  for (guint i = 0; readings_requests != NULL && i < readings_requests->len; i++)
    {
      ReadingsRequest *req = g_ptr_array_index (readings_requests, i);

      req->readings = iot_readings_new ();
      iot_readings_set_filter (req->readings, req->filter);
      iot_scan_add_listener (taps, &iot_readings_listener, req->readings, NULL);
    }
  if (insight_requested ())
    {
      insight_tap = iot_insight_new ();
      iot_insight_set_capture_path (insight_tap, iot_file_path (file));
      iot_insight_set_engine (insight_tap, engine);
      /* The text report prints neither readings nor profiles. */
      iot_insight_set_keep (insight_tap, (insight_opts.report_json || insight_opts.report_html
                                          ? IOT_INSIGHT_KEEP_READINGS : 0)
                                         | (insight_opts.save_baseline || insight_opts.compare_baseline
                                            ? IOT_INSIGHT_KEEP_PROFILES : 0));
      iot_scan_add_listener (taps, &iot_insight_listener, insight_tap, NULL);
    }
  /* -c stops the frames the reports see short of the first pass's end.
   * The insight hears the first pass only when no printing pass reads the
   * frames anyway (-q, no filter): beside a tree or a filter's rows it
   * shares that pass, as it always has (it names a malformed packet's
   * layer by the last of the rows it sees). */
  /* Handing packets to another thread costs about 1 µs a frame: it pays
   * for the insight (about 2.5 µs of work a frame, 3.6 → 2.7 s on 1M
   * frames), not for the conversation and endpoint tables, which it made
   * slower (1.3 → 1.7 s). */
  iot_scan_set_first_pass_thread (taps, first_pass_threaded () && insight_requested ());
  taps_in_first_pass = opts.count <= 0
                       && (!insight_requested ()
                           || (opts.quiet && opts.display_filter == NULL && opts.read_filter == NULL))
                       && iot_scan_attach_first_pass (taps);
  if (g_getenv ("IOTSCOPE_TIMING") != NULL)
    g_printerr ("iotscope: first-pass listeners: %s\n",
                !taps_in_first_pass ? "none (a pass of their own)"
                : iot_scan_first_pass_relayed (taps) ? "on a thread of their own" : "on the pass's thread");
}

/* What the listeners add to the second pass's dissection. */
void
prepare_stats (IotDissectOptions *options, IotFieldSet *wanted, gboolean *sequential)
{
  if (taps == NULL || taps_in_first_pass)
    return;
  iot_scan_add_wanted (taps, wanted, &options->flags);
  *sequential = TRUE;
}

void
print_stats (void)
{
  g_autoptr (GString) out = g_string_new (NULL);

  if (reports == NULL)
    return;
  iot_stats_print (reports, out);
  flush_out (out);
  g_clear_pointer (&reports, iot_stats_free);
}

/* ---- IoT insight (-z insight, reports, baselines, two capture points) ---------- */

const GOptionEntry insight_entries[] = {
  { "report-json", 0, 0, G_OPTION_ARG_FILENAME, &insight_opts.report_json,
    "Write the IoT insight (topics, sessions, latencies, diagnoses, security audit) as JSON", "FILE" },
  { "report-html", 0, 0, G_OPTION_ARG_FILENAME, &insight_opts.report_html,
    "Write the IoT insight as one self-contained HTML page", "FILE" },
  { "save-baseline", 0, 0, G_OPTION_ARG_FILENAME, &insight_opts.save_baseline,
    "Save the capture's behaviour (per device and topic) as a baseline", "FILE" },
  { "compare-baseline", 0, 0, G_OPTION_ARG_FILENAME, &insight_opts.compare_baseline,
    "List how the capture deviates from a saved baseline (printed with -z insight and in the reports)", "FILE" },
  { "compare", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &insight_opts.compare,
    "Compare two captures of the same traffic taken at two points: --compare A.pcap B.pcap", "A.pcap" },
  { "compare-nat", 0, 0, G_OPTION_ARG_NONE, &insight_opts.compare_nat,
    "With --compare: match frames ignoring addresses and ports (NAT between the points)", NULL },
  { NULL }
};

gboolean
insight_requested (void)
{
  return insight_opts.text || insight_opts.report_json || insight_opts.report_html
         || insight_opts.save_baseline || insight_opts.compare_baseline;
}

/* The insight's outputs, after the scan. */
gboolean
run_insight (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotInsight) insight = g_steal_pointer (&insight_tap);
  g_autoptr (GString) out = g_string_new (NULL);

  if (insight_opts.compare_baseline
      && iot_insight_compare_baseline (insight, insight_opts.compare_baseline, &error) < 0)
    {
      fprintf (stderr, "iotscope-cli: --compare-baseline: %s\n", error->message);
      return FALSE;
    }
  if (insight_opts.save_baseline && !iot_insight_save_baseline (insight, insight_opts.save_baseline, &error))
    {
      fprintf (stderr, "iotscope-cli: --save-baseline: %s\n", error->message);
      return FALSE;
    }
  if (insight_opts.report_json && !iot_insight_write_json (insight, insight_opts.report_json, &error))
    {
      fprintf (stderr, "iotscope-cli: --report-json: %s\n", error->message);
      return FALSE;
    }
  if (insight_opts.report_html && !iot_insight_write_html (insight, insight_opts.report_html, &error))
    {
      fprintf (stderr, "iotscope-cli: --report-html: %s\n", error->message);
      return FALSE;
    }
  /* Deviations are printed when asked for, even without -z insight. */
  if (insight_opts.text || insight_opts.compare_baseline)
    iot_insight_print (insight, out);
  flush_out (out);
  return TRUE;
}

/* --compare A.pcap B.pcap: @rest holds what followed the options. */
int
run_compare (int argc, char **argv)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new ();
  g_autoptr (GString) out = g_string_new (NULL);
  IotEngine *engines[2] = { NULL, NULL };
  IotFile *files[2] = { NULL, NULL };
  g_autoptr (IotCompare) compare = NULL;
  g_autoptr (GError) error = NULL;
  int rc = 0;

  for (guint i = 0; insight_opts.compare[i] != NULL; i++)
    g_ptr_array_add (paths, insight_opts.compare[i]);
  for (int i = 1; i < argc; i++)
    g_ptr_array_add (paths, argv[i]);
  if (paths->len != 2)
    return fail ("--compare needs two capture files: --compare A.pcap B.pcap");
  for (guint i = 0; i < 2; i++)
    {
      files[i] = iot_file_open (g_ptr_array_index (paths, i), &error);
      if (files[i] == NULL)
        {
          rc = fail ("%s", error->message);
          goto out;
        }
      engines[i] = iot_engine_new (files[i]);
      iot_engine_first_pass (engines[i], NULL);
    }
  compare = iot_compare_new (engines[0], engines[1], insight_opts.compare_nat, &error);
  if (compare == NULL)
    {
      rc = fail ("--compare: %s", error->message);
      goto out;
    }
  iot_compare_print (compare, out);
  flush_out (out);
  if (insight_opts.report_json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autoptr (JsonGenerator) generator = json_generator_new ();
      g_autoptr (JsonNode) root = NULL;

      iot_compare_to_json (compare, builder);
      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      json_generator_set_pretty (generator, TRUE);
      if (!json_generator_to_file (generator, insight_opts.report_json, &error))
        rc = fail ("--report-json: %s", error->message);
    }
out:
  for (guint i = 0; i < 2; i++)
    {
      g_clear_pointer (&engines[i], iot_engine_free);
      g_clear_pointer (&files[i], iot_file_unref);
    }
  return rc;
}
