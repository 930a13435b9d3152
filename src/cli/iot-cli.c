/* iot-cli.c — iotscope-cli: the analyzer for scripts and terminals, with
 * tshark's flags wherever the meaning is the same. */
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

#include "iot-engine.h"
#include "iot-export.h"
#include "iot-filter.h"
#include "iot-glossary.h"
#include "iot-follow.h"
#include "iot-live.h"
#include "iot-privileges.h"
#include "iot-follow-mqtt.h"
#include "iot-print.h"
#include "iot-resolve.h"
#include "iot-stats.h"
#include "iot-stats-trees.h"
#include "iot-insight.h"
#include "iot-readings.h"
#include "iot-cli-prefs.h"
#include "iot-cli-exercise.h"
#include "iot-cli-stream.h"
#include "iot-cli-linktypes.h"

#include <sys/stat.h>

typedef enum {
  OUTPUT_SUMMARY,
  OUTPUT_FIELDS,
  OUTPUT_JSON,
  OUTPUT_EK,
  OUTPUT_TEXT,
  OUTPUT_PSML,
  OUTPUT_PDML,
} OutputFormat;

typedef struct {
  char           *read_file;
  gint            count;
  gboolean        verbose;
  gboolean        hex;
  gboolean        quiet;
  char           *output_type;
  char          **field_names;
  char          **field_options;
  char           *display_filter;
  char           *read_filter;
  gboolean        two_pass;
  char          **decode_as;
  char          **statistics;
  char           *glossary;
  gboolean        glossary_requested;
  OutputFormat    format;
  IotFieldsFormat fields_format;
  /* Live capture. */
  gboolean        list_interfaces;
  gboolean        list_link_types;  /* -L */
  char          **interfaces;
  char           *capture_filter;
  gboolean        no_promiscuous;
  gboolean        monitor;
  gint            snaplen;
  gint            buffer_mib;
  char           *write_file;
  char          **autostop;
  char          **ring_buffer;
  gboolean        print_when_writing;
  char           *write_format;     /* -F pcap|pcapng */
  IotTimeStyle    time_style;       /* -t, -u */
  gboolean        line_buffered;    /* -l */
  gboolean        quiet_stderr;     /* -Q */
  char           *separator;        /* -S */
  gboolean        version;          /* -v */
  gboolean        tabs;             /* -T tabs */
  char           *detail_protocols; /* -O */
  char           *json_filter;      /* -j */
  char           *json_top_filter;  /* -J */
  gboolean        no_duplicate_keys;
  char           *mapping_filter;   /* --elastic-mapping-filter */
  char          **disable_protocols;
  char          **enable_protocols;
  char           *capture_name;     /* -r as given, for -T pdml's header */
} CliOptions;

static CliOptions opts;

/* IoT insight options (see "IoT insight" below). */
static struct {
  gboolean  text;              /* -z insight */
  char     *report_json;
  char     *report_html;
  char     *save_baseline;
  char     *compare_baseline;
  char    **compare;           /* --compare A.pcap [B.pcap] */
  gboolean  compare_nat;
} insight_opts;

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

static int
fail (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

static int
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
static void
warn (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

static void
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

static void
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

static gboolean
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
static GPtrArray *
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

/* Compiles a -Y or -R filter; prints problems as tshark does. */
static IotFilter *
compile_filter (const char *text, gboolean *ok)
{
  g_autoptr (IotFilterProblem) problem = NULL;
  IotFilter *filter;

  *ok = TRUE;
  /* An empty filter selects everything, as in tshark. */
  if (text == NULL || text[strspn (text, " \t\r\n")] == '\0')
    return NULL;
  filter = iot_filter_compile (text, &problem);
  if (filter == NULL)
    {
      g_autofree char *message = iot_filter_problem_format (problem, text);

      fprintf (stderr, "iotscope-cli: %s\n", message);
      *ok = FALSE;
      return NULL;
    }
  for (guint i = 0; i < iot_filter_n_warnings (filter); i++)
    {
      g_autofree char *message = iot_filter_problem_format (iot_filter_warning (filter, i), text);

      warn ("%s", message);
    }
  return filter;
}

static gboolean
frame_passes (IotFilter *display, IotFilter *read, IotPacket *pkt)
{
  return (display == NULL || iot_filter_matches (display, pkt))
         && (read == NULL || iot_filter_matches (read, pkt));
}

static guint
time_decimals (IotFile *file)
{
  return iot_file_format (file) == IOT_FILE_FORMAT_PCAP_NSEC ? 9 : 6;
}

/* Everything one thread needs to turn frames into output. */
typedef struct {
  IotEngine         *engine;
  IotFile           *file;
  IotDissectOptions  options;
  IotPacket         *pkt;
  IotFilter         *display;
  IotFilter         *read;
  /* The filters' fields alone: a frame is first dissected with only
   * these, and again with everything the output needs only when it
   * passes (see filter_first_pays ()). */
  IotFieldSet       *filter_fields;
  gboolean           filter_first;
  IotFieldsPrinter  *printer;
  GPtrArray         *fields;
  guint32            prev_displayed;
  gboolean           sequential;     /* prev_displayed follows the filter */
  gboolean           wants_time_column;  /* _ws.col.Time is read: -t formats it */
  char               time_text[64];
} Renderer;

/* Every analysis that reads frames (-z reports, -z readings, the insight)
 * listens to one scan, fed by the printing pass below: however many are
 * asked for, each frame is dissected once. */
static IotScan *taps;

static gboolean
field_set_within (const IotFieldSet *set, const IotFieldSet *within)
{
  guint n = iot_registry_n_fields ();

  for (guint id = 0; id < n; id++)
    {
      const IotField *field = iot_registry_field_by_id (id);

      if (field != NULL && iot_field_set_contains (set, field) && !iot_field_set_contains (within, field))
        return FALSE;
    }
  return TRUE;
}

/* Whether to dissect each frame for the filters alone first.  A frame's
 * dissection does not depend on which frames were dissected before, so
 * the frames that pass can be dissected again for the output and print
 * exactly what one dissection would; the others (usually most) cost only
 * the filter's fields: no columns, no labels, no other fields.  Not when
 * the output needs no more than the filters, nor when the taps read every
 * frame whole. */
static gboolean
filter_first_pays (Renderer *r)
{
  if ((r->display == NULL && r->read == NULL) || taps != NULL)
    return FALSE;
  r->filter_fields = iot_field_set_new ();
  if (r->display != NULL)
    iot_filter_add_fields (r->display, r->filter_fields);
  if (r->read != NULL)
    iot_filter_add_fields (r->read, r->filter_fields);
  return r->options.flags != 0
         || (r->options.fields != NULL && !field_set_within (r->options.fields, r->filter_fields));
}

static Renderer *
renderer_new (IotEngine *engine, const IotDissectOptions *options, GPtrArray *fields, gboolean sequential)
{
  Renderer *r = g_new0 (Renderer, 1);
  gboolean ok;

  r->engine = engine;
  r->file = iot_engine_file (engine);
  r->options = *options;
  r->pkt = iot_packet_new ();
  /* A compiled filter keeps scratch space: one per thread. */
  r->display = compile_filter (opts.display_filter, &ok);
  r->read = compile_filter (opts.read_filter, &ok);
  r->fields = fields;
  r->sequential = sequential;
  r->filter_first = filter_first_pays (r);
  r->wants_time_column = options->fields != NULL
                         && iot_field_set_contains (options->fields, iot_registry_field ("_ws.col.Time"));
  if (opts.format == OUTPUT_FIELDS)
    r->printer = iot_fields_printer_new ((const IotField *const *) fields->pdata, fields->len,
                                         &opts.fields_format);
  return r;
}

static void
renderer_free (Renderer *r)
{
  iot_packet_free (r->pkt);
  iot_filter_free (r->display);
  iot_filter_free (r->read);
  iot_fields_printer_free (r->printer);
  iot_field_set_free (r->filter_fields);
  g_free (r);
}

static void
append_json (IotPacket *pkt, GPtrArray *fields, GString *out)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;

  /* With -e, only those fields, as tshark. */
  if (fields->len > 0)
    iot_print_json_fields (pkt, (const IotField *const *) fields->pdata, fields->len, builder);
  else
    iot_print_json (pkt, builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  text = json_generator_to_data (generator, NULL);
  /* Every element is preceded by a separator; the writer drops the first. */
  g_string_append (out, ",\n");
  iot_print_append_json_text (out, text);
}

/* -z reports (conversations, io,phs …), filled while frames are rendered. */
static IotStats *reports;

/* What the Time column's relative and delta formats subtract. */
static gint64
time_reference (Renderer *r, guint32 number)
{
  guint32 reference = 1;

  if (opts.time_style.format == IOT_TIME_DELTA)
    reference = number > 1 ? number - 1 : number;
  else if (opts.time_style.format == IOT_TIME_DELTA_DISPLAYED)
    reference = r->options.prev_displayed != 0 ? r->options.prev_displayed : number;
  return iot_file_frame (r->file, reference)->ts_ns;
}

static void
append_summary (Renderer *r, guint32 number, GString *out)
{
  char time_text[64];

  iot_time_style_format (&opts.time_style, iot_file_frame (r->file, number)->ts_ns,
                         time_reference (r, number), time_decimals (r->file),
                         time_text, sizeof time_text);
  iot_print_summary_timed (r->pkt, time_text, opts.tabs, out);
}

/* The listeners read only tap records and heard the first pass. */
static gboolean taps_in_first_pass;

static void
count_stats (Renderer *r, IotPacket *pkt)
{
  if (taps != NULL && !taps_in_first_pass)
    iot_scan_feed (taps, pkt);
}

/* FALSE when the frame's bytes are no longer in the file (another
 * program truncated it while we read): it and the frames after it are not
 * shown, as with a file cut short. */
static gboolean
render_frame (Renderer *r, guint32 number, GString *out)
{
  IotPacket *pkt = r->pkt;

  r->options.prev_displayed = r->sequential ? r->prev_displayed : number - 1;
  if (r->wants_time_column)
    {
      iot_time_style_format (&opts.time_style, iot_file_frame (r->file, number)->ts_ns,
                             time_reference (r, number), time_decimals (r->file),
                             r->time_text, sizeof r->time_text);
      r->options.time_column = r->time_text;
    }
  if (r->filter_first)
    {
      IotDissectOptions only_filters = r->options;

      only_filters.flags = 0;
      only_filters.fields = r->filter_fields;
      only_filters.only_fields = TRUE;
      iot_engine_dissect (r->engine, pkt, number, &only_filters);
      if (!iot_file_frame_intact (r->file, number))
        return FALSE;
      if (!frame_passes (r->display, r->read, pkt))
        return TRUE;
      r->prev_displayed = number;
      if (opts.quiet)
        return TRUE;
      iot_engine_dissect (r->engine, pkt, number, &r->options);
      if (!iot_file_frame_intact (r->file, number))
        return FALSE;
    }
  else
    {
      iot_engine_dissect (r->engine, pkt, number, &r->options);
      if (!iot_file_frame_intact (r->file, number))
        return FALSE;
      count_stats (r, pkt);
      if (!frame_passes (r->display, r->read, pkt))
        return TRUE;
      r->prev_displayed = number;
      if (opts.quiet)
        return TRUE;
    }
  switch (opts.format)
    {
    case OUTPUT_SUMMARY:
      /* As tshark 4.0: -x alone prints only the bytes; -P adds the
       * summary line and a blank line before them. */
      if (opts.hex && !opts.print_when_writing)
        break;
      append_summary (r, number, out);
      if (opts.hex)
        g_string_append_c (out, '\n');
      break;
    case OUTPUT_PSML:
      {
        char time_text[64];

        iot_time_style_format (&opts.time_style, iot_file_frame (r->file, number)->ts_ns,
                               time_reference (r, number), time_decimals (r->file),
                               time_text, sizeof time_text);
        iot_print_psml (pkt, time_text, out);
      }
      break;
    case OUTPUT_PDML:
      iot_print_pdml (pkt, out);
      break;
    case OUTPUT_TEXT:
      /* -P puts the summary line above the tree. */
      if (opts.print_when_writing)
        append_summary (r, number, out);
      iot_print_tree (pkt, out);
      g_string_append_c (out, '\n');
      break;
    case OUTPUT_FIELDS:
      iot_fields_printer_row (r->printer, pkt, out);
      break;
    case OUTPUT_JSON:
      append_json (pkt, r->fields, out);
      break;
    case OUTPUT_EK:
      if (r->fields->len > 0)
        iot_print_ek_fields (pkt, (const IotField *const *) r->fields->pdata, r->fields->len, out);
      else
        iot_print_ek (pkt, out);
      break;
    }
  if (opts.hex)
    iot_print_hex (pkt, out);
  /* -S: the separator takes the place of the blank line that ends a
   * frame's tree or hex dump, as in tshark. */
  if (opts.separator != NULL && (opts.format == OUTPUT_TEXT || opts.hex)
      && out->len >= 2 && out->str[out->len - 1] == '\n' && out->str[out->len - 2] == '\n')
    {
      g_string_truncate (out, out->len - 1);
      g_string_append (out, opts.separator);
      g_string_append_c (out, '\n');
    }
  return TRUE;
}

/* Writes rendered text; the first JSON element loses its separator. */
static void
write_out (GString *out, gboolean *first_json)
{
  if (opts.format == OUTPUT_JSON && *first_json && out->len >= 2)
    {
      g_string_erase (out, 0, 2);
      *first_json = FALSE;
    }
  flush_out (out);
}

/* ---- the second pass on several cores ---------------------------------------- */

#define CHUNK_FRAMES 2048
#define CHUNKS_AHEAD 64   /* how far workers may run ahead of the writer */

typedef struct {
  GString *out;
  gboolean done;
  guint32  lost;      /* the frame whose bytes were gone, which ended the chunk */
} Chunk;

typedef struct {
  IotEngine         *engine;
  const IotDissectOptions *options;
  GPtrArray         *fields;
  guint32            n_frames;
  Chunk             *chunks;
  guint              n_chunks;
  guint              next_chunk;     /* next to hand out */
  guint              written;        /* chunks written so far */
  gboolean           stopping;       /* frames were lost: hand out no more */
  GMutex             lock;
  GCond              cond;
} Parallel;

static gpointer
parallel_worker (gpointer data)
{
  Parallel *par = data;
  Renderer *r = renderer_new (par->engine, par->options, par->fields, FALSE);

  for (;;)
    {
      guint index;
      Chunk *chunk;
      guint32 first, last;

      g_mutex_lock (&par->lock);
      while (!par->stopping && par->next_chunk < par->n_chunks
             && par->next_chunk >= par->written + CHUNKS_AHEAD)
        g_cond_wait (&par->cond, &par->lock);
      index = par->stopping ? par->n_chunks : par->next_chunk++;
      g_mutex_unlock (&par->lock);
      if (index >= par->n_chunks)
        break;
      chunk = &par->chunks[index];
      chunk->out = g_string_sized_new (1 << 16);
      first = index * CHUNK_FRAMES + 1;
      last = MIN (par->n_frames, first + CHUNK_FRAMES - 1);
      for (guint32 number = first; number <= last && chunk->lost == 0; number++)
        if (!render_frame (r, number, chunk->out))
          chunk->lost = number;
      g_mutex_lock (&par->lock);
      chunk->done = TRUE;
      g_cond_broadcast (&par->cond);
      g_mutex_unlock (&par->lock);
    }
  renderer_free (r);
  return NULL;
}

/* Returns the first frame found lost (0: none). */
/* Chunks the pages are let go in, and how far behind the chunk written. */
#define DROP_CHUNKS 32

/* The second pass too reads the capture front to back: once chunk @c is
 * written, the pages of frames DROP_CHUNKS chunks before it are let go
 * (see first_pass_one_way()). */
static void
drop_behind (IotEngine *engine, guint c, guint32 *dropped)
{
  guint32 upto;

  if ((c + 1) % DROP_CHUNKS != 0 || c < 2 * DROP_CHUNKS)
    return;
  upto = (c - DROP_CHUNKS) * CHUNK_FRAMES + 1;
  iot_file_drop_pages (iot_engine_file (engine), *dropped, upto);
  *dropped = upto;
}

static guint32
render_parallel (IotEngine *engine, const IotDissectOptions *options, GPtrArray *fields,
                 guint32 n, guint n_threads, gboolean *first_json)
{
  Parallel par = { engine, options, fields, n };
  guint32 lost = 0, dropped = 1;
  GThread **threads = g_new0 (GThread *, n_threads);

  par.n_chunks = (n + CHUNK_FRAMES - 1) / CHUNK_FRAMES;
  par.chunks = g_new0 (Chunk, par.n_chunks);
  g_mutex_init (&par.lock);
  g_cond_init (&par.cond);
  for (guint i = 0; i < n_threads; i++)
    threads[i] = g_thread_new ("render", parallel_worker, &par);
  for (guint c = 0; c < par.n_chunks; c++)
    {
      g_mutex_lock (&par.lock);
      while (!par.chunks[c].done)
        g_cond_wait (&par.cond, &par.lock);
      g_mutex_unlock (&par.lock);
      write_out (par.chunks[c].out, first_json);
      g_string_free (par.chunks[c].out, TRUE);
      drop_behind (engine, c, &dropped);
      lost = par.chunks[c].lost;
      g_mutex_lock (&par.lock);
      par.written = c + 1;
      par.stopping = lost != 0;
      g_cond_broadcast (&par.cond);
      g_mutex_unlock (&par.lock);
      if (lost != 0)
        break;
    }
  for (guint i = 0; i < n_threads; i++)
    g_thread_join (threads[i]);
  g_free (threads);
  for (guint c = 0; c < par.n_chunks; c++)
    if (par.chunks[c].out != NULL && c >= par.written)
      g_string_free (par.chunks[c].out, TRUE);
  g_free (par.chunks);
  g_mutex_clear (&par.lock);
  g_cond_clear (&par.cond);
  return lost;
}

typedef struct {
  IotFollowProtocol protocol;
  IotFollowMode     mode;
  guint32           stream;
  gboolean          mqtt;     /* follow,mqtt,N: the MQTT messages of TCP stream N */
} FollowRequest;

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
static void
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

/* Checks every -z before any work is done. */
static gboolean
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
              g_array_append_val (follows, req);
              continue;
            }
        }
      if (g_strv_length (parts) == 3 && strcmp (parts[0], "follow") == 0 && strcmp (parts[1], "mqtt") == 0
          && parse_stream (parts[2], &req.stream))
        {
          req.mqtt = TRUE;
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

static gboolean
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
static gboolean insight_requested (void);

static gboolean
taps_requested (void)
{
  return reports != NULL || readings_requests != NULL || insight_requested ();
}

/* The one scan's listeners; they need every frame, in order.  The
 * reports see every frame -R keeps, whatever -Y shows, as tshark's taps
 * do; readings and the insight see every frame (readings apply their own
 * filter).  Made before the first pass: listeners that read only tap
 * records (-z conv, -z endpoints) hear that pass and need no other. */
static void
create_taps (IotEngine *engine, IotFilter *read, guint32 n)
{
  IotFile *file = iot_engine_file (engine);

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
      /* The text report prints neither readings nor profiles. */
      iot_insight_set_keep (insight_tap, (insight_opts.report_json || insight_opts.report_html
                                          ? IOT_INSIGHT_KEEP_READINGS : 0)
                                         | (insight_opts.save_baseline || insight_opts.compare_baseline
                                            ? IOT_INSIGHT_KEEP_PROFILES : 0));
      iot_scan_add_listener (taps, &iot_insight_listener, insight_tap, NULL);
    }
  /* -c stops the frames the reports see short of the first pass's end. */
  taps_in_first_pass = opts.count <= 0 && iot_scan_attach_first_pass (taps);
}

/* What the listeners add to the second pass's dissection. */
static void
prepare_stats (IotDissectOptions *options, IotFieldSet *wanted, gboolean *sequential)
{
  if (taps == NULL || taps_in_first_pass)
    return;
  iot_scan_add_wanted (taps, wanted, &options->flags);
  *sequential = TRUE;
}

static void
print_stats (void)
{
  g_autoptr (GString) out = g_string_new (NULL);

  if (reports == NULL)
    return;
  iot_stats_print (reports, out);
  flush_out (out);
  g_clear_pointer (&reports, iot_stats_free);
}

/* What to dissect for the chosen output, and the output's header. */
static void
setup_output (IotDissectOptions *options, IotFieldSet *wanted, GPtrArray *fields,
              IotFilter *display, IotFilter *read, GString *out)
{
  if (display)
    iot_filter_add_fields (display, wanted);
  if (read)
    iot_filter_add_fields (read, wanted);
  options->fields = wanted;
  switch (opts.format)
    {
    case OUTPUT_SUMMARY:
    case OUTPUT_PSML:
      options->flags = IOT_DISSECT_COLUMNS;
      break;
    case OUTPUT_JSON:
    case OUTPUT_EK:
      /* -e: only those fields are needed. */
      if (fields->len > 0)
        for (guint i = 0; i < fields->len; i++)
          iot_field_set_add (wanted, g_ptr_array_index (fields, i));
      else
        options->flags = IOT_DISSECT_TREE | IOT_DISSECT_COLUMNS;
      break;
    case OUTPUT_FIELDS:
      for (guint i = 0; i < fields->len; i++)
        iot_field_set_add (wanted, g_ptr_array_index (fields, i));
      if (opts.fields_format.header)
        {
          g_autoptr (IotFieldsPrinter) printer =
            iot_fields_printer_new ((const IotField *const *) fields->pdata, fields->len, &opts.fields_format);

          iot_fields_printer_header (printer, out);
        }
      break;
    default:
      options->flags = IOT_DISSECT_TREE | IOT_DISSECT_COLUMNS;
      break;
    }
  if (opts.hex)
    options->flags |= IOT_DISSECT_COLUMNS;
  if (opts.format == OUTPUT_JSON)
    g_string_append (out, "[\n");
  if (opts.format == OUTPUT_PSML)
    iot_print_psml_header (out);
  if (opts.format == OUTPUT_PDML)
    iot_print_pdml_header (opts.capture_name, out);
  flush_out (out);
}

/* ---- IoT insight (-z insight, reports, baselines, two capture points) ---------- */

static const GOptionEntry insight_entries[] = {
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

static gboolean
insight_requested (void)
{
  return insight_opts.text || insight_opts.report_json || insight_opts.report_html
         || insight_opts.save_baseline || insight_opts.compare_baseline;
}

/* The insight's outputs, after the scan. */
static gboolean
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
static int
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

/* ---- live capture ------------------------------------------------------------ */

/* -D, numbered as tshark numbers them; with -V, addresses and flags too. */
static int
list_interfaces (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = iot_live_list_interfaces (&error);

  if (list == NULL)
    return fail ("%s", error->message);
  for (guint i = 0; i < list->len; i++)
    {
      const IotLiveInterface *iface = g_ptr_array_index (list, i);

      printf ("%u. %s%s\n", i + 1, iface->name, iface->loopback ? " (Loopback)" : "");
      if (!opts.verbose)
        continue;
      if (iface->description != NULL)
        printf ("\tDescription: %s\n", iface->description);
      printf ("\tFlags: %s%s%s%s\n", iface->up ? "up" : "down", iface->running ? ", running" : "",
              iface->loopback ? ", loopback" : "", iface->wireless ? ", wireless" : "");
      for (guint a = 0; iface->addresses[a] != NULL; a++)
        printf ("\tAddress: %s\n", iface->addresses[a]);
    }
  return 0;
}

static char **resolve_interfaces (GError **error);

static int
list_link_types (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  g_auto (GStrv) names = NULL;

  if (opts.interfaces == NULL)
    return fail ("-L needs an interface (-i IFACE)");
  names = resolve_interfaces (&error);
  if (names == NULL || !iot_cli_print_link_types ((const char *const *) names, opts.monitor, out, &error))
    return fail ("%s", error->message);
  flush_out (out);
  return 0;
}

/* -i accepts a number from -D as well as a name. */
static char **
resolve_interfaces (GError **error)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) list = NULL;

  for (guint i = 0; opts.interfaces[i] != NULL; i++)
    {
      const char *spec = opts.interfaces[i];
      guint64 number;

      if (!g_ascii_string_to_unsigned (spec, 10, 1, G_MAXUINT, &number, NULL))
        {
          g_ptr_array_add (names, g_strdup (spec));
          continue;
        }
      if (list == NULL && (list = iot_live_list_interfaces (error)) == NULL)
        return NULL;
      if (number > list->len)
        {
          g_set_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_NO_SUCH_INTERFACE,
                       "there is no interface number %s; there are %u (iotscope-cli -D lists them)",
                       spec, list->len);
          return NULL;
        }
      g_ptr_array_add (names, g_strdup (((IotLiveInterface *) g_ptr_array_index (list, number - 1))->name));
    }
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

/* Reads "key:NUMBER" of -a and -b. */
static gboolean
parse_condition (const char *flag, const char *spec, const char *const *keys, double *values, GError **error)
{
  const char *colon = strchr (spec, ':');

  for (guint k = 0; colon != NULL && keys[k] != NULL; k++)
    {
      char *end = NULL;
      double value;

      if (strlen (keys[k]) != (gsize) (colon - spec) || strncmp (spec, keys[k], colon - spec) != 0)
        continue;
      value = g_ascii_strtod (colon + 1, &end);
      if (end == colon + 1 || *end != '\0' || !(value > 0))
        break;
      values[k] = value;
      return TRUE;
    }
  {
    g_autofree char *names = g_strjoinv (":N, ", (char **) keys);

    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "invalid %s \"%s\" (expected %s:N with N > 0)",
                 flag, spec, names);
  }
  return FALSE;
}

static gboolean
writes_stdout (void)
{
  return opts.write_file != NULL && strcmp (opts.write_file, "-") == 0;
}

static gboolean
parse_capture_options (IotLiveOptions *options, GError **error)
{
  static const char *const autostop_keys[] = { "duration", "filesize", "packets", "files", NULL };
  static const char *const ring_keys[] = { "filesize", "files", "packets", "duration", "interval", NULL };
  double autostop[4] = { 0 }, ring[5] = { 0 };

  for (guint i = 0; opts.autostop && opts.autostop[i]; i++)
    if (!parse_condition ("-a", opts.autostop[i], autostop_keys, autostop, error))
      return FALSE;
  for (guint i = 0; opts.ring_buffer && opts.ring_buffer[i]; i++)
    if (!parse_condition ("-b", opts.ring_buffer[i], ring_keys, ring, error))
      return FALSE;
  if (opts.ring_buffer != NULL && (opts.write_file == NULL || writes_stdout ()))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "a ring buffer (-b) needs a file name (-w FILE)");
      return FALSE;
    }
  if (opts.write_format != NULL && !g_str_equal (opts.write_format, "pcap")
      && !g_str_equal (opts.write_format, "pcapng"))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "-F %s: a live capture is written as pcap or pcapng", opts.write_format);
      return FALSE;
    }
  if (opts.snaplen < 0 || opts.buffer_mib < 0 || opts.count < 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "-s, -B and -c take a number above 0");
      return FALSE;
    }
  options->filter = opts.capture_filter;
  options->no_promiscuous = opts.no_promiscuous;
  options->monitor = opts.monitor;
  options->snaplen = opts.snaplen;
  options->buffer_mib = opts.buffer_mib;
  /* -w -: a temporary file, copied to standard output as it grows;
   * pcapng unless -F pcap, as tshark writes it. */
  options->output = writes_stdout () ? NULL : opts.write_file;
  options->pcapng = opts.write_format != NULL ? g_str_equal (opts.write_format, "pcapng")
                    : writes_stdout () || (opts.write_file != NULL && g_str_has_suffix (opts.write_file, ".pcapng"));
  options->stop_seconds = autostop[0];
  options->stop_filesize_kb = (guint64) autostop[1];
  options->stop_packets = (guint64) autostop[2];
  if (opts.count > 0 && (options->stop_packets == 0 || (guint64) opts.count < options->stop_packets))
    options->stop_packets = (guint64) opts.count;
  options->ring_filesize_kb = (guint64) ring[0];
  options->ring_files = (guint) ring[1];
  options->ring_packets = (guint64) ring[2];
  options->ring_seconds = ring[3];
  options->ring_interval = ring[4];
  options->stop_files = (guint) autostop[3];
  return TRUE;
}

typedef struct {
  GMainLoop         *loop;
  gboolean           print;          /* dissect and print each frame */
  gboolean           show_count;     /* a running count on a terminal */
  IotDissectOptions  options;
  GPtrArray         *fields;
  /* The file being printed; a ring buffer switch starts a new one. */
  IotFile           *file;
  IotEngine         *engine;
  Renderer          *renderer;
  guint              file_number;
  guint32            printed;        /* frames of this file rendered */
  GString           *out;
  gboolean           first_json;
  guint64            captured;
  GError            *error;
  gboolean           stopping;
  guint64            copied;         /* -w -: bytes of the file sent to standard output */
} LiveRun;

static void
live_close_file (LiveRun *run)
{
  g_clear_pointer (&run->renderer, renderer_free);
  g_clear_pointer (&run->engine, iot_engine_free);
  g_clear_pointer (&run->file, iot_file_unref);
  run->printed = 0;
}

/* Dissects and prints what the capture file gained: a single pass, as
 * tshark's live output (no "reply in" and other look-ahead values). */
static void
live_print (LiveRun *run, const IotLiveBatch *batch)
{
  g_autoptr (GError) error = NULL;
  guint32 n;

  if (run->file == NULL || batch->file_number != run->file_number)
    {
      live_close_file (run);
      run->file = iot_file_open_growing (batch->path, &error);
      if (run->file == NULL)
        {
          fprintf (stderr, "iotscope-cli: %s\n", error->message);
          return;
        }
      run->file_number = batch->file_number;
      run->engine = iot_engine_new (run->file);
      run->renderer = renderer_new (run->engine, &run->options, run->fields, TRUE);
    }
  else if (!iot_file_refresh (run->file, NULL, &error))
    {
      fprintf (stderr, "iotscope-cli: %s\n", error->message);
      return;
    }
  n = iot_file_n_frames (run->file);
  if (opts.count > 0 && n > (guint32) opts.count)
    n = opts.count;
  for (guint32 number = run->printed + 1; number <= n; number++)
    {
      /* Each frame is printed as soon as the pass reached it, whatever
       * came in with it: the output does not depend on how the input was
       * cut into reads. */
      iot_engine_first_pass_upto (run->engine, number, NULL);
      render_frame (run->renderer, number, run->out);
      if (run->out->len > (1 << 15))
        write_out (run->out, &run->first_json);
    }
  run->printed = n;
  write_out (run->out, &run->first_json);
  fflush (stdout);
}

static void
on_live_batch (IotLive *live, const IotLiveBatch *batch, gpointer data)
{
  LiveRun *run = data;

  run->captured += batch->n_frames;
  if (writes_stdout () && run->error == NULL)
    iot_copy_file_tail (batch->path, &run->copied, stdout, &run->error);
  if (run->print)
    live_print (run, batch);
  else if (run->show_count)
    fprintf (stderr, "\r%" G_GUINT64_FORMAT " ", run->captured);
}

static void
on_live_finished (IotLive *live, const GError *error, gpointer data)
{
  LiveRun *run = data;

  if (error != NULL)
    run->error = g_error_copy (error);
  g_main_loop_quit (run->loop);
}

static gboolean
on_stop_signal (gpointer data)
{
  IotLive *live = data;

  iot_live_stop (live);
  return G_SOURCE_CONTINUE;
}

/* tshark's capture: packets are written to -w FILE (or a temporary file,
 * deleted at the end) and, unless only writing, dissected as they come. */
static int
run_live (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) fields = NULL;
  g_autoptr (IotFieldSet) wanted = NULL;
  g_autoptr (IotFilter) display = NULL;
  g_autoptr (IotLive) live = NULL;
  g_auto (GStrv) names = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *path = NULL;
  IotLiveOptions options = { 0 };
  IotLiveCallbacks callbacks = { on_live_batch, on_live_finished };
  IotLiveStats stats;
  LiveRun run = { 0 };
  guint signals[3];
  gboolean ok, print;

  if (!parse_output_type (&error) || !parse_capture_options (&options, &error))
    return fail ("%s", error->message);
  if (opts.statistics != NULL || opts.read_filter != NULL)
    return fail ("-z and -R work on capture files (-r), not on a live capture");
  display = compile_filter (opts.display_filter, &ok);
  if (!ok)
    return 2;
  fields = resolve_fields (&error);
  if (fields == NULL)
    return fail ("%s", error->message);
  if (opts.format == OUTPUT_FIELDS && fields->len == 0)
    return fail ("-T fields was given, but no fields were specified with -e");
  names = resolve_interfaces (&error);
  if (names == NULL)
    return fail ("%s", error->message);
  options.interfaces = (const char *const *) names;
  if (writes_stdout () && opts.print_when_writing)
    return fail ("can't write both raw packet data (-w -) and dissected packets (-P) to the standard output");
  print = !opts.quiet && (opts.write_file == NULL || opts.print_when_writing);
  /* Printing follows the file as it grows, which only pcap allows. */
  if (print && options.pcapng)
    return fail ("can't print packets while writing a pcapng file: frames are printed from the file as it "
                 "grows, and only pcap can be followed that way; write pcap (-F pcap, or a .pcap name), "
                 "or drop -P");

  live = iot_live_new (&options, &error);
  if (live == NULL)
    {
      if (g_error_matches (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_NO_SUCH_INTERFACE))
        return fail ("%s; iotscope-cli -D lists the interfaces", error->message);
      return fail ("%s", error->message);
    }
  for (const char *const *w = iot_live_warnings (live); *w != NULL; w++)
    warn ("%s", *w);

  run.loop = g_main_loop_new (NULL, FALSE);
  run.print = print;
  run.show_count = !run.print && !opts.quiet && isatty (STDERR_FILENO);
  run.fields = fields;
  run.out = g_string_sized_new (1 << 16);
  run.first_json = TRUE;
  wanted = iot_field_set_new ();
  if (run.print)
    setup_output (&run.options, wanted, fields, display, NULL, run.out);

  signals[0] = g_unix_signal_add (SIGINT, on_stop_signal, live);
  signals[1] = g_unix_signal_add (SIGTERM, on_stop_signal, live);
  signals[2] = g_unix_signal_add (SIGHUP, on_stop_signal, live);
  joined = g_strjoinv ("' and '", names);
  fprintf (stderr, "Capturing on '%s'\n", joined);
  iot_live_start (live, NULL, &callbacks, &run);
  g_main_loop_run (run.loop);
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    g_source_remove (signals[i]);

  if (run.print && opts.format == OUTPUT_JSON)
    g_string_append (run.out, run.first_json ? "]\n" : "\n]\n");
  flush_out (run.out);
  fflush (stdout);
  live_close_file (&run);
  g_string_free (run.out, TRUE);
  g_main_loop_unref (run.loop);

  iot_live_get_stats (live, &stats);
  if (run.show_count)
    fputc ('\n', stderr);
  fprintf (stderr, "%" G_GUINT64_FORMAT " packet%s captured\n", stats.captured, stats.captured == 1 ? "" : "s");
  if (stats.dropped > 0 || stats.if_dropped > 0)
    fprintf (stderr, "%" G_GUINT64_FORMAT " packet%s dropped by the kernel, %" G_GUINT64_FORMAT
             " by the interface\n", stats.dropped, stats.dropped == 1 ? "" : "s", stats.if_dropped);
  path = iot_live_dup_path (live);
  if (writes_stdout () && run.error == NULL)
    iot_copy_file_tail (path, &run.copied, stdout, &run.error);
  if (opts.write_file == NULL || writes_stdout ())
    g_unlink (path);
  if (run.error != NULL)
    {
      if (opts.write_file != NULL && !writes_stdout ())
        fprintf (stderr, "iotscope-cli: %s (in %s)\n", run.error->message, path);
      else
        fprintf (stderr, "iotscope-cli: %s\n", run.error->message);
      g_error_free (run.error);
      return 2;
    }
  return 0;
}

/* ---- -r - from a pipe, printed as it arrives --------------------------------------- */

typedef struct {
  LiveRun  *run;
  gboolean  decided;
  gboolean  follow;       /* pcap: printed while it grows; else read at the end */
} StreamRun;

static void
on_spool (IotStdinSpool *spool, gboolean finished, gpointer data)
{
  StreamRun *stream = data;
  IotLiveBatch batch = { 0 };

  /* The pcap header (24 bytes) says whether the input can be followed. */
  if (!stream->decided && (iot_stdin_spool_size (spool) >= 24 || finished))
    {
      stream->decided = TRUE;
      stream->follow = iot_stdin_spool_is_pcap (spool) && iot_stdin_spool_size (spool) >= 24;
    }
  if (stream->follow)
    {
      batch.file_number = 1;
      batch.path = iot_stdin_spool_path (spool);
      live_print (stream->run, &batch);
      /* -c: enough frames printed; the writer sees its pipe closed. */
      if (opts.count > 0 && stream->run->printed >= (guint32) opts.count)
        finished = TRUE;
    }
  if (finished)
    g_main_loop_quit (stream->run->loop);
}

/* Whether -r - can print frames as they come: standard input is a pipe or
 * FIFO and nothing needs the whole capture first (reports, -w, insight). */
static gboolean
can_stream_stdin (void)
{
  struct stat st;

  return opts.read_file != NULL && strcmp (opts.read_file, "-") == 0 && fstat (STDIN_FILENO, &st) == 0
         && S_ISFIFO (st.st_mode) && opts.statistics == NULL && opts.write_file == NULL
         && opts.read_filter == NULL && !insight_requested ();
}

static int run (void);

static int
run_stream (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) fields = NULL;
  g_autoptr (IotFieldSet) wanted = iot_field_set_new ();
  g_autoptr (IotFilter) display = NULL;
  g_autoptr (IotStdinSpool) spool = NULL;
  LiveRun live = { 0 };
  StreamRun stream = { &live };
  gboolean ok;
  int rc = 0;

  if (!parse_output_type (&error))
    return fail ("%s", error->message);
  display = compile_filter (opts.display_filter, &ok);
  if (!ok)
    return 2;
  fields = resolve_fields (&error);
  if (fields == NULL)
    return fail ("%s", error->message);
  if (opts.format == OUTPUT_FIELDS && fields->len == 0)
    return fail ("-T fields was given, but no fields were specified with -e");
  spool = iot_stdin_spool_start (on_spool, &stream, &error);
  if (spool == NULL)
    return fail ("%s", error->message);
  live.loop = g_main_loop_new (NULL, FALSE);
  live.print = !opts.quiet;
  live.fields = fields;
  live.out = g_string_sized_new (1 << 16);
  live.first_json = TRUE;
  setup_output (&live.options, wanted, fields, display, NULL, live.out);
  g_main_loop_run (live.loop);
  if (stream.follow)
    {
      if (opts.format == OUTPUT_JSON)
        g_string_append (live.out, live.first_json ? "]\n" : "\n]\n");
      if (opts.format == OUTPUT_PSML)
        iot_print_psml_footer (live.out);
      if (opts.format == OUTPUT_PDML)
        iot_print_pdml_footer (live.out);
      flush_out (live.out);
      if (live.file != NULL && iot_file_damage (live.file) != NULL)
        rc = fail ("standard input: %s", iot_file_damage (live.file));
    }
  live_close_file (&live);
  g_string_free (live.out, TRUE);
  g_main_loop_unref (live.loop);
  if (iot_stdin_spool_error (spool) != NULL)
    return fail ("%s", iot_stdin_spool_error (spool)->message);
  if (stream.follow)
    return rc;
  /* pcapng or compressed: read once complete, as any file. */
  g_free (opts.read_file);
  opts.read_file = g_strdup (iot_stdin_spool_path (spool));
  return run ();
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

/* Frames per step of the first pass below (about 6 MB of a typical capture). */
#define ONE_WAY_STEP 65536

/* The first pass reads the capture once, front to back: the pages two
 * steps behind it are let go, so a large capture is never all resident
 * (later passes map them back from the page cache).  One step stays, for
 * reassembly that looks back at recent frames. */
static void
first_pass_one_way (IotEngine *engine)
{
  IotFile *file = iot_engine_file (engine);
  guint32 n = iot_file_n_frames (file), dropped = 1;

  for (guint32 done = 0; done < n;)
    {
      done = MIN (n, done + ONE_WAY_STEP);
      iot_engine_first_pass_upto (engine, done, NULL);
      if (done > ONE_WAY_STEP)
        {
          iot_file_drop_pages (file, dropped, done - ONE_WAY_STEP + 1);
          dropped = done - ONE_WAY_STEP + 1;
        }
    }
}

static int
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
  gboolean first_json = TRUE, ok, sequential;
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

  file = iot_file_open (opts.read_file, &error);
  if (file == NULL)
    return fail ("%s", error->message);
  engine = iot_engine_new (file);
  n = iot_file_n_frames (file);
  create_taps (engine, read, opts.count > 0 && (guint32) opts.count < n ? (guint32) opts.count : n);
  first_pass_one_way (engine);

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
