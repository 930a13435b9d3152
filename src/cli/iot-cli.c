/* iot-cli.c — iotscope-cli: the analyzer for scripts and terminals, with
 * tshark's flags wherever the meaning is the same.
 *
 * This file: the options, main (), and the read of a capture file (run ()).
 * The second pass's rendering is in iot-cli-render.c, statistics and the
 * insight in iot-cli-stats.c, live capture in iot-cli-live.c, standard
 * input from a pipe in iot-cli-stdin.c. */
#include "iot-cli-private.h"

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <gcrypt.h>
#include <pcap/pcap.h>

/* The options as parsed; every file of the CLI reads them. */
CliOptions opts;

/* Filled by insight_entries (iot-cli-stats.c). */
InsightOptions insight_opts;

static gboolean
on_time_format (const char *name, const char *value, gpointer data, GError **error)
{
  return iot_time_style_parse_format (&opts.time_style, value, error);
}

static gboolean
on_seconds_format (const char *name, const char *value, gpointer data, GError **error)
{
  return iot_time_style_parse_seconds (&opts.time_style, value, error);
}

static gboolean
on_no_resolution (const char *name, const char *value, gpointer data, GError **error)
{
  iot_resolve_set_flags (0);
  return TRUE;
}

static gboolean
on_resolution_flags (const char *name, const char *value, gpointer data, GError **error)
{
  IotResolveFlags flags;

  if (!iot_resolve_parse_flags (value, &flags, error))
    return FALSE;
  iot_resolve_set_flags (flags);
  return TRUE;
}

static gboolean
on_glossary (const char *name, const char *value, gpointer data, GError **error)
{
  opts.glossary_requested = TRUE;
  g_free (opts.glossary);
  opts.glossary = g_strdup (value ? value : "fields");
  return TRUE;
}

static const GOptionEntry entries[] = {
  { "read-file", 'r', 0, G_OPTION_ARG_FILENAME, &opts.read_file, "Read frames from FILE (pcap or pcapng)", "FILE" },
  { "count", 'c', 0, G_OPTION_ARG_INT, &opts.count, "Stop after N frames", "N" },
  { "verbose", 'V', 0, G_OPTION_ARG_NONE, &opts.verbose, "Print the protocol tree of each frame", NULL },
  { "hex", 'x', 0, G_OPTION_ARG_NONE, &opts.hex, "Print a hex and ASCII dump of each frame", NULL },
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opts.quiet, "Print no per-frame output", NULL },
  { "output-type", 'T', 0, G_OPTION_ARG_STRING, &opts.output_type, "Output format: text, tabs, fields, json, ek, pdml or psml", "FORMAT" },
  { "field", 'e', 0, G_OPTION_ARG_STRING_ARRAY, &opts.field_names, "A field to print with -T fields, json or ek (repeatable); _ws.col.Info and the other columns too", "FIELD" },
  { "fields-option", 'E', 0, G_OPTION_ARG_STRING_ARRAY, &opts.field_options,
    "-T fields options: header=y|n, separator=/t|/s|<c>, aggregator=,|/s|<c>, quote=d|s|n, occurrence=f|l|a", "OPTION" },
  { "display-filter", 'Y', 0, G_OPTION_ARG_STRING, &opts.display_filter,
    "Show only frames matching this display filter (Wireshark syntax)", "FILTER" },
  { "read-filter", 'R', 0, G_OPTION_ARG_STRING, &opts.read_filter,
    "With -2: a filter applied in the first pass", "FILTER" },
  { "two-pass", '2', 0, G_OPTION_ARG_NONE, &opts.two_pass, "Two-pass analysis (always done; accepted for tshark compatibility)", NULL },
  { "statistics", 'z', 0, G_OPTION_ARG_STRING_ARRAY, &opts.statistics,
    "Statistics after reading: follow,tcp|udp|tls|http,ascii|hex|raw,STREAM, follow,mqtt,STREAM, io,phs[,FILTER], "
    "io,stat,INTERVAL[,COL…], conv|endpoints,eth|ip|ipv6|tcp|udp[,FILTER], expert[,LEVEL][,FILTER], "
    "plen,tree[,FILTER], iat,tree[,FILTER] (inter-frame times), readings[,FILTER] (numbers payloads carried, "
    "per device, series and name), http,tree, http_req,tree, ptype,tree, ip_hosts,tree, dns,tree, "
    "mqtt,tree (message types and topics) (repeatable)",
    "STATS" },
  { "option", 'o', 0, G_OPTION_ARG_CALLBACK, iot_cli_on_preference,
    "Set a preference as tshark does (tls.keylog_file:PATH, tls.psk:HEX, dtls.psk:HEX, "
    "wlan.enable_decryption:TRUE, uat:80211_keys:\"wpa-pwd\",\"PASS:SSID\")", "NAME:VALUE" },
  { "decode-as", 'd', 0, G_OPTION_ARG_STRING_ARRAY, &opts.decode_as,
    "Decode a port as a protocol: tcp.port==1884,mqtt (repeatable)", "TABLE==VALUE,PROTO" },
  { "glossary", 'G', G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, on_glossary,
    "Print a glossary and exit: fields, protocols, ftypes, values, decodes or elastic-mapping", "REPORT" },
  { "list-interfaces", 'D', 0, G_OPTION_ARG_NONE, &opts.list_interfaces,
    "List the capture interfaces and exit (with -V: addresses and flags)", NULL },
  { "list-data-link-types", 'L', 0, G_OPTION_ARG_NONE, &opts.list_link_types,
    "List the link types of the -i interfaces (with -I: in monitor mode) and exit", NULL },
  { "interface", 'i', 0, G_OPTION_ARG_STRING_ARRAY, &opts.interfaces,
    "Capture live on this interface: a name or a number from -D (repeatable)", "IFACE" },
  { "capture-filter", 'f', 0, G_OPTION_ARG_STRING, &opts.capture_filter,
    "Capture filter in libpcap (BPF) syntax, e.g. \"port 1883\"", "FILTER" },
  { "no-promiscuous-mode", 'p', 0, G_OPTION_ARG_NONE, &opts.no_promiscuous,
    "Don't capture in promiscuous mode", NULL },
  { "monitor-mode", 'I', 0, G_OPTION_ARG_NONE, &opts.monitor, "Capture in monitor mode (Wi-Fi)", NULL },
  { "snapshot-length", 's', 0, G_OPTION_ARG_INT, &opts.snaplen,
    "Bytes kept of each packet (default 262144)", "SNAPLEN" },
  { "buffer-size", 'B', 0, G_OPTION_ARG_INT, &opts.buffer_mib, "Kernel buffer size in MiB (default 2)", "MiB" },
  { "write-file", 'w', 0, G_OPTION_ARG_FILENAME, &opts.write_file,
    "Write the captured packets to FILE (pcap); with -r, the frames that pass -Y/-R (as -F says, else "
    "pcapng when FILE ends in .pcapng, else pcap)", "FILE" },
  { "file-format", 'F', 0, G_OPTION_ARG_STRING, &opts.write_format,
    "Format of the file -w writes from -r: pcap or pcapng", "FORMAT" },
  { "autostop", 'a', 0, G_OPTION_ARG_STRING_ARRAY, &opts.autostop,
    "Stop the capture: duration:SECONDS, filesize:KB, packets:N or files:N (repeatable)", "COND" },
  { "ring-buffer", 'b', 0, G_OPTION_ARG_STRING_ARRAY, &opts.ring_buffer,
    "Ring buffer: switch files at filesize:KB, packets:N, duration:SECONDS or interval:SECONDS (wall clock); "
    "files:N keeps the last N files", "OPT" },
  { "time-format", 't', 0, G_OPTION_ARG_CALLBACK, on_time_format,
    "Time column: a, ad, adoy, d, dd, e, r (default: relative), u, ud or udoy, optionally with .N decimals", "FORMAT" },
  { "seconds-format", 'u', 0, G_OPTION_ARG_CALLBACK, on_seconds_format,
    "Relative and delta times as s (seconds, the default) or hms (hours, minutes and seconds)", "s|hms" },
  { "line-buffered", 'l', 0, G_OPTION_ARG_NONE, &opts.line_buffered, "Flush standard output after each frame", NULL },
  { "quieter", 'Q', 0, G_OPTION_ARG_NONE, &opts.quiet_stderr,
    "Like -q, and only report true errors on standard error", NULL },
  { "separator", 'S', 0, G_OPTION_ARG_STRING, &opts.separator,
    "The line printed between frames in -V and -x output", "SEPARATOR" },
  { "no-name-resolution", 'n', G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, on_no_resolution,
    "Disable all name resolution (default: MAC address makers and well-known addresses)", NULL },
  { "name-resolution", 'N', 0, G_OPTION_ARG_CALLBACK, on_resolution_flags,
    "Enable only these name resolutions: m (MAC makers and well-known addresses), n, N, t, d, v", "FLAGS" },
  { "version", 'v', 0, G_OPTION_ARG_NONE, &opts.version, "Print the version and exit", NULL },
  { "detail-protocols", 'O', 0, G_OPTION_ARG_STRING, &opts.detail_protocols,
    "With -V (implied): only these protocols in full, the others as their first line (comma separated)",
    "PROTOCOLS" },
  { "json-filter", 'j', 0, G_OPTION_ARG_STRING, &opts.json_filter,
    "-T json / ek: expand only the subtrees of these protocols and fields (space separated)", "NAMES" },
  { "json-top-filter", 'J', 0, G_OPTION_ARG_STRING, &opts.json_top_filter,
    "-T json / ek: show these protocols (and fields) with their whole subtrees (space separated)", "NAMES" },
  { "no-duplicate-keys", 0, 0, G_OPTION_ARG_NONE, &opts.no_duplicate_keys,
    "-T json: merge keys repeated in an object into an array (always done; accepted for tshark compatibility)",
    NULL },
  { "disable-protocol", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opts.disable_protocols,
    "Don't decode this protocol (its bytes show as data); \"ALL\" for every one (repeatable)", "PROTOCOL" },
  { "enable-protocol", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opts.enable_protocols,
    "With --disable-protocol ALL: decode this protocol still (repeatable)", "PROTOCOL" },
  { "elastic-mapping-filter", 0, 0, G_OPTION_ARG_STRING, &opts.mapping_filter,
    "With -G elastic-mapping: only these protocols (comma separated)", "PROTOCOLS" },
  { "print", 'P', 0, G_OPTION_ARG_NONE, &opts.print_when_writing,
    "Print packets even when writing them to a file with -w", NULL },
  { NULL }
};

int
fail (const char *fmt, ...)
{
  va_list ap;

  fputs ("iotscope-cli: ", stderr);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
  return 2;
}

/* A warning, unless -Q asked for true errors only. */

void
warn (const char *fmt, ...)
{
  va_list ap;

  if (opts.quiet_stderr)
    return;
  fputs ("iotscope-cli: warning: ", stderr);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
}

void
flush_out (GString *out)
{
  fwrite (out->str, 1, out->len, stdout);
  if (opts.line_buffered)
    fflush (stdout);
  g_string_truncate (out, 0);
}

static int
print_glossary (void)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GError) error = NULL;

  if (!iot_glossary_print (opts.glossary, opts.mapping_filter, out, &error))
    return fail ("%s", error->message);
  flush_out (out);
  return 0;
}

gboolean
parse_output_type (GError **error)
{
  const char *type = opts.output_type;

  if (type == NULL)
    opts.format = opts.verbose ? OUTPUT_TEXT : OUTPUT_SUMMARY;
  else if (strcmp (type, "fields") == 0)
    opts.format = OUTPUT_FIELDS;
  else if (strcmp (type, "json") == 0)
    opts.format = OUTPUT_JSON;
  else if (strcmp (type, "ek") == 0)
    opts.format = OUTPUT_EK;
  else if (strcmp (type, "text") == 0 || strcmp (type, "tabs") == 0)
    {
      /* As tshark: the summary, or the tree with -V. */
      opts.format = opts.verbose ? OUTPUT_TEXT : OUTPUT_SUMMARY;
      opts.tabs = type[1] == 'a';
    }
  else if (strcmp (type, "psml") == 0)
    opts.format = OUTPUT_PSML;
  else if (strcmp (type, "pdml") == 0)
    opts.format = OUTPUT_PDML;
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "invalid -T \"%s\" (expected text, tabs, fields, json, ek, pdml or psml)", type);
      return FALSE;
    }
  return TRUE;
}

/* Resolves -e names against the registry; an unknown one is an error. */
GPtrArray *
resolve_fields (GError **error)
{
  g_autoptr (GPtrArray) fields = g_ptr_array_new ();

  for (guint i = 0; opts.field_names && opts.field_names[i]; i++)
    {
      const IotField *field = iot_registry_field (opts.field_names[i]);

      if (field == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "some fields aren't valid: \"%s\" is not a known field "
                       "(iotscope-cli -G fields lists them)", opts.field_names[i]);
          return NULL;
        }
      g_ptr_array_add (fields, (gpointer) field);
    }
  return g_steal_pointer (&fields);
}

/* -r IN -w OUT: the frames that pass the filters, saved as they were
 * captured.  Only the filters' fields are dissected. */
typedef struct {
  IotFilter *display, *read;
  GArray    *numbers;   /* guint32: the frames to save */
} SaveSelection;

static void
save_add_wanted (gpointer self, IotFieldSet *wanted, IotDissectFlags *flags)
{
  SaveSelection *save = self;

  if (save->display != NULL)
    iot_filter_add_fields (save->display, wanted);
  if (save->read != NULL)
    iot_filter_add_fields (save->read, wanted);
}

static void
save_frame (gpointer self, IotPacket *pkt)
{
  SaveSelection *save = self;
  guint32 number = iot_packet_frame_number (pkt);

  if ((save->display != NULL && !iot_filter_matches (save->display, pkt))
      || (save->read != NULL && !iot_filter_matches (save->read, pkt)))
    return;
  g_array_append_val (save->numbers, number);
}

static const IotScanListener save_listener = {
  .add_wanted = save_add_wanted,
  .frame = save_frame,
};

static gboolean
save_frames (IotEngine *engine, IotFilter *display, IotFilter *read, guint32 n, GError **error)
{
  IotFile *file = iot_engine_file (engine);
  g_autoptr (GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint32));
  SaveSelection save = { display, read, numbers };
  /* Standard output gets pcapng unless -F says otherwise, as in tshark. */
  IotExportFormat format = strcmp (opts.write_file, "-") == 0 ? IOT_EXPORT_PCAPNG
                                                                : iot_export_format_for_path (opts.write_file);

  if (opts.write_format != NULL && g_str_equal (opts.write_format, "pcap"))
    format = IOT_EXPORT_PCAP;
  else if (opts.write_format != NULL && g_str_equal (opts.write_format, "pcapng"))
    format = IOT_EXPORT_PCAPNG;
  else if (opts.write_format != NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "-F %s: only pcap and pcapng can be written", opts.write_format);
      return FALSE;
    }
  if (display != NULL || read != NULL)
    {
      g_autoptr (IotScan) scan = iot_scan_new (engine);

      /* -c: only the first frames. */
      if (n < iot_engine_n_passed (engine))
        {
          g_autofree guint32 *first = g_new (guint32, n);

          for (guint32 i = 0; i < n; i++)
            first[i] = i + 1;
          iot_scan_set_frames (scan, first, n);
        }
      iot_scan_add_listener (scan, &save_listener, &save, NULL);
      iot_scan_run (scan, NULL, NULL, NULL, NULL);
    }
  else
    for (guint32 number = 1; number <= n; number++)
      g_array_append_val (numbers, number);
  return iot_export_frames (file, (const guint32 *) (gpointer) numbers->data, numbers->len, opts.write_file,
                            format, error);
}

/* Frames per step of the first pass below (about 400 KB of a typical
 * capture): what stays mapped behind it is per-capture memory, not
 * per-frame state, so it is kept small; a step costs one madvise(). */
#define ONE_WAY_STEP 4096

/* Whether the first pass may use a second thread (indexing beside it,
 * listeners behind it): IOTSCOPE_FIRST_PASS_THREADS=1, or
 * IOTSCOPE_THREADS=1, keeps it on one, to compare. */
gboolean
first_pass_threaded (void)
{
  const char *env = g_getenv ("IOTSCOPE_FIRST_PASS_THREADS");

  if (env == NULL)
    env = g_getenv ("IOTSCOPE_THREADS");
  if (env != NULL)
    return atoi (env) > 1;
  return g_get_num_processors () > 1;
}

/* The first pass reads the capture once, front to back: the pages two
 * steps behind it are let go, so a large capture is never all resident
 * (later passes map them back from the page cache).  One step stays, for
 * reassembly that looks back at recent frames.  While a thread still
 * indexes the file (iot_file_open_indexing), the pass follows it: it
 * takes the frames indexed so far and waits for more. */
static void
first_pass_one_way (IotEngine *engine)
{
  IotFile *file = iot_engine_file (engine);
  guint32 dropped = 1;

  for (guint32 done = 0;;)
    {
      guint32 n = iot_file_wait_frames (file, done + 1);

      if (done >= n)
        break;
      done = MIN (n, done + ONE_WAY_STEP);
      iot_engine_first_pass_upto (engine, done, NULL);
      if (done > ONE_WAY_STEP)
        {
          iot_file_drop_pages (file, dropped, done - ONE_WAY_STEP + 1);
          dropped = done - ONE_WAY_STEP + 1;
        }
    }
}

int
run (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = NULL;
  g_autoptr (IotEngine) engine = NULL;
  g_autoptr (GString) out = g_string_sized_new (1 << 16);
  g_autoptr (GPtrArray) fields = NULL;
  g_autoptr (IotFieldSet) wanted = NULL;
  g_autoptr (IotFilter) display = NULL;
  g_autoptr (IotFilter) read = NULL;
  g_autoptr (GArray) follows = g_array_new (FALSE, FALSE, sizeof (FollowRequest));
  IotDissectOptions options = { 0 };
  gboolean first_json = TRUE, ok, sequential, threaded;
  guint n_threads;
  guint32 n, lost = 0;

  if (!parse_output_type (&error) || !parse_statistics (follows, &error))
    return fail ("%s", error->message);
  if (opts.no_duplicate_keys && opts.format != OUTPUT_JSON)
    return fail ("--no-duplicate-keys can only be used with \"-T json\"");
  display = compile_filter (opts.display_filter, &ok);
  if (!ok)
    return 2;
  read = compile_filter (opts.read_filter, &ok);
  if (!ok)
    return 2;
  if (read != NULL && !opts.two_pass)
    warn ("-R without -2 works like -Y here");
  if (opts.write_file != NULL && strcmp (opts.write_file, "-") == 0 && opts.print_when_writing)
    return fail ("can't write both raw packet data (-w -) and dissected packets (-P) to the standard output");
  /* As tshark: frames written to a file are not printed too, unless -P. */
  if (opts.write_file != NULL && !opts.print_when_writing)
    opts.quiet = TRUE;
  fields = resolve_fields (&error);
  if (fields == NULL)
    return fail ("%s", error->message);
  if (opts.format == OUTPUT_FIELDS && fields->len == 0)
    return fail ("-T fields was given, but no fields were specified with -e");

  /* Indexing and the first pass overlap: the pass starts on the frames
   * indexed first.  The reports need every frame's time before the
   * first, and -c the count: they wait for the index. */
  threaded = first_pass_threaded ();
  file = threaded ? iot_file_open_indexing (opts.read_file, &error) : iot_file_open (opts.read_file, &error);
  if (file == NULL)
    return fail ("%s", error->message);
  if (g_getenv ("IOTSCOPE_TIMING") != NULL)
    g_printerr ("iotscope: indexing %s the first pass\n", iot_file_indexing_done (file) ? "before" : "beside");
  if ((opts.count > 0 || taps_need_all_frames ()) && !iot_file_finish_indexing (file, &error))
    return fail ("%s", error->message);
  engine = iot_engine_new (file);
  n = iot_file_n_frames (file);
  create_taps (engine, read, opts.count > 0 && (guint32) opts.count < n ? (guint32) opts.count : n);
  keep_frame_marks (engine, display, read);
  first_pass_one_way (engine);
  /* What iot_file_open() would have said, had the index failed. */
  if (!iot_file_finish_indexing (file, &error))
    return fail ("%s", error->message);
  n = iot_file_n_frames (file);

  wanted = iot_field_set_new ();
  setup_output (&options, wanted, fields, display, read, out);

  /* Like tshark, -c counts frames read, not frames shown. */
  if (opts.count > 0 && (guint32) opts.count < n)
    n = opts.count;
  if (opts.write_file != NULL && !save_frames (engine, display, read, n, &error))
    return fail ("%s", error->message);
  /* -q without a filter: nothing to print, nothing to select. */
  if (opts.quiet && display == NULL && read == NULL && (!taps_requested () || taps_in_first_pass))
    n = 0;

  /* Frames are independent after the first pass, so the second pass can
   * use every core — unless "time since the previous displayed frame" is
   * shown, which chains each frame to the filter result of the one before. */
  sequential = (display != NULL || read != NULL)
               && ((options.flags & IOT_DISSECT_TREE)
                   || opts.time_style.format == IOT_TIME_DELTA_DISPLAYED
                   || iot_field_set_contains (wanted, iot_registry_field ("frame.time_delta_displayed")));
  prepare_stats (&options, wanted, &sequential);
  /* -e fields read nothing else: layers none of them is in are left out
   * (not when a tap reads the frames too). */
  options.only_fields = opts.format == OUTPUT_FIELDS && options.flags == 0 && taps == NULL;
  n_threads = MIN (g_get_num_processors (), 8);
  if (g_getenv ("IOTSCOPE_THREADS"))
    n_threads = MAX (1, atoi (g_getenv ("IOTSCOPE_THREADS")));
  if (!sequential && n_threads > 1 && n >= 4 * CHUNK_FRAMES)
    lost = render_parallel (engine, &options, fields, n, n_threads, &first_json);
  else
    {
      Renderer *r = renderer_new (engine, &options, fields, TRUE);

      for (guint32 number = 1; number <= n && lost == 0; number++)
        {
          if (!render_frame (r, number, out))
            lost = number;
          if (out->len > (1 << 15) || opts.line_buffered)
            write_out (out, &first_json);
        }
      write_out (out, &first_json);
      renderer_free (r);
    }
  if (opts.format == OUTPUT_JSON)
    g_string_append (out, first_json ? "]\n" : "\n]\n");
  if (opts.format == OUTPUT_PSML)
    iot_print_psml_footer (out);
  if (opts.format == OUTPUT_PDML)
    iot_print_pdml_footer (out);
  flush_out (out);
  if (taps != NULL)
    iot_scan_finish (taps);
  g_clear_pointer (&taps, iot_scan_free);
  if (!print_follows (engine, follows))
    return 2;
  print_stats ();
  print_readings ();
  if (insight_requested () && !run_insight ())
    return 2;
  /* Frames not printed were still read by the first pass: were they all
   * there? */
  if (lost == 0 && n == 0)
    lost = iot_file_first_lost (file);
  if (lost != 0)
    {
      g_autofree char *message = iot_file_lost_message (file, lost);

      fprintf (stderr, "iotscope-cli: %s: %s\n", opts.read_file, message);
      return 2;
    }
  if (iot_file_damage (file) != NULL)
    {
      fprintf (stderr, "iotscope-cli: %s: %s\n", opts.read_file, iot_file_damage (file));
      return 2;
    }
  return 0;
}

static int
print_version (void)
{
  printf ("iotscope-cli %s (IoT network traffic analyzer)\n\n"
          "Built with GLib %u.%u.%u, libpcap (%s), json-glib %s, libgcrypt %s.\n",
          IOTSCOPE_VERSION, glib_major_version, glib_minor_version, glib_micro_version,
          pcap_lib_version (), JSON_VERSION_S, gcry_check_version (NULL));
  return 0;
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;

  setlocale (LC_ALL, "");
  iot_fields_format_init (&opts.fields_format);
  iot_time_style_init (&opts.time_style);
  context = g_option_context_new ("- analyze IoT network traffic");
  g_option_context_set_summary (context,
    "Reads a capture file (-r) or captures live (-i, see -D), and prints the frames as a\n"
    "summary, a protocol tree (-V), a hex dump (-x), selected fields (-T fields -e …) or\n"
    "JSON (-T json, -T ek).  Live capture runs iotscope-capture, which needs root or the\n"
    "capabilities that \"make caps\" (src/cli/set-capture-caps.sh) gives it.");
  g_option_context_add_main_entries (context, entries, NULL);
  {
    GOptionGroup *group = g_option_group_new ("insight", "IoT insight options:", "Show the IoT insight options",
                                              NULL, NULL);

    g_option_group_add_entries (group, insight_entries);
    g_option_context_add_group (context, group);
  }
  g_option_context_add_group (context, iot_cli_exercise_option_group ());
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail ("%s", error->message);
  if (opts.version)
    return print_version ();
  if (opts.quiet_stderr)
    opts.quiet = TRUE;
  /* -O shows details: -V is implied, as in tshark. */
  if (opts.detail_protocols != NULL)
    {
      opts.verbose = TRUE;
      iot_print_set_detail_protocols (opts.detail_protocols);
    }
  if (opts.json_filter != NULL && opts.json_top_filter != NULL)
    return fail ("-j and -J can't be used together");
  if (opts.json_filter != NULL || opts.json_top_filter != NULL)
    iot_print_set_protocol_filter (opts.json_filter ? opts.json_filter : opts.json_top_filter,
                                   opts.json_top_filter != NULL);
  {
    g_autofree char *warning = iot_privileges_root_warning ("iotscope-cli");

    if (warning != NULL)
      warn ("%s", warning);
  }
  if (insight_opts.compare != NULL)
    {
      iot_registry_init ();
      for (guint i = 0; opts.decode_as && opts.decode_as[i]; i++)
        if (!iot_registry_decode_as (opts.decode_as[i], &error))
          return fail ("%s", error->message);
      return run_compare (argc, argv);
    }
  if (argc > 1)
    return fail ("unexpected argument \"%s\" (see --help)", argv[1]);

  iot_registry_init ();
  if (opts.glossary_requested)
    return print_glossary ();
  for (guint i = 0; opts.decode_as && opts.decode_as[i]; i++)
    if (!iot_registry_decode_as (opts.decode_as[i], &error))
      return fail ("%s", error->message);
  if (iot_cli_exercise_requested ())
    return iot_cli_exercise_run (opts.output_type);
  for (guint i = 0; opts.field_options && opts.field_options[i]; i++)
    if (!iot_fields_format_parse (&opts.fields_format, opts.field_options[i], &error))
      return fail ("%s", error->message);
  if (!iot_cli_apply_protocol_switches (opts.enable_protocols, opts.disable_protocols, &error))
    return fail ("%s", error->message);
  if (opts.list_interfaces)
    return list_interfaces ();
  if (opts.list_link_types)
    return list_link_types ();
  if (opts.interfaces != NULL)
    {
      if (opts.read_file != NULL)
        return fail ("-r and -i can't be used together: read a file or capture live");
      return run_live ();
    }
  if (opts.read_file == NULL)
    return fail ("no capture file given; use -r FILE, or -i IFACE to capture live (-D lists the interfaces)");
  opts.capture_name = g_strdup (opts.read_file);
  if (can_stream_stdin ())
    return run_stream ();
  return run ();
}
