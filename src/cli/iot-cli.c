/* iot-cli.c — iotscope-cli: the analyzer for scripts and terminals, with
 * tshark's flags wherever the meaning is the same. */
#include <locale.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "iot-engine.h"
#include "iot-filter.h"
#include "iot-follow.h"
#include "iot-print.h"

typedef enum {
  OUTPUT_SUMMARY,
  OUTPUT_FIELDS,
  OUTPUT_JSON,
  OUTPUT_EK,
  OUTPUT_TEXT,
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
} CliOptions;

static CliOptions opts;

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
  { "output-type", 'T', 0, G_OPTION_ARG_STRING, &opts.output_type, "Output format: text, fields, json or ek", "FORMAT" },
  { "field", 'e', 0, G_OPTION_ARG_STRING_ARRAY, &opts.field_names, "A field to print with -T fields (repeatable)", "FIELD" },
  { "fields-option", 'E', 0, G_OPTION_ARG_STRING_ARRAY, &opts.field_options,
    "-T fields options: header=y|n, separator=/t|/s|<c>, aggregator=,|/s|<c>, quote=d|s|n, occurrence=f|l|a", "OPTION" },
  { "display-filter", 'Y', 0, G_OPTION_ARG_STRING, &opts.display_filter,
    "Show only frames matching this display filter (Wireshark syntax)", "FILTER" },
  { "read-filter", 'R', 0, G_OPTION_ARG_STRING, &opts.read_filter,
    "With -2: a filter applied in the first pass", "FILTER" },
  { "two-pass", '2', 0, G_OPTION_ARG_NONE, &opts.two_pass, "Two-pass analysis (always done; accepted for tshark compatibility)", NULL },
  { "statistics", 'z', 0, G_OPTION_ARG_STRING_ARRAY, &opts.statistics,
    "Statistics after reading: follow,tcp|udp,ascii|hex|raw,STREAM (repeatable)", "STATS" },
  { "decode-as", 'd', 0, G_OPTION_ARG_STRING_ARRAY, &opts.decode_as,
    "Decode a port as a protocol: tcp.port==1884,mqtt (repeatable)", "TABLE==VALUE,PROTO" },
  { "glossary", 'G', G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, on_glossary,
    "Print a glossary (fields, protocols) and exit", "REPORT" },
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

static void
flush_out (GString *out)
{
  fwrite (out->str, 1, out->len, stdout);
  g_string_truncate (out, 0);
}

static int
print_glossary (void)
{
  g_autoptr (GString) out = g_string_new (NULL);

  if (strcmp (opts.glossary, "fields") == 0)
    iot_print_glossary (out);
  else if (strcmp (opts.glossary, "protocols") == 0)
    {
      for (guint i = 0; i < iot_registry_n_dissectors (); i++)
        {
          const IotDissector *d = iot_registry_dissector_by_id (i);

          g_string_append_printf (out, "%s\t%s\t%s\n", d->long_name ? d->long_name : d->name,
                                  d->name, d->abbrev);
        }
    }
  else
    return fail ("unknown glossary report \"%s\" (known: fields, protocols)", opts.glossary);
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
    opts.format = OUTPUT_TEXT;
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "invalid -T \"%s\" (expected text, fields, json or ek)", type);
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

      fprintf (stderr, "iotscope-cli: warning: %s\n", message);
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
  IotFieldsPrinter  *printer;
  GPtrArray         *fields;
  guint32            prev_displayed;
  gboolean           sequential;     /* prev_displayed follows the filter */
} Renderer;

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
  g_free (r);
}

static void
append_json (IotPacket *pkt, GString *out)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;

  iot_print_json (pkt, builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  text = json_generator_to_data (generator, NULL);
  /* Every element is preceded by a separator; the writer drops the first. */
  g_string_append (out, ",\n");
  g_string_append (out, text);
}

static void
render_frame (Renderer *r, guint32 number, GString *out)
{
  IotPacket *pkt = r->pkt;

  r->options.prev_displayed = r->sequential ? r->prev_displayed : number - 1;
  iot_engine_dissect (r->engine, pkt, number, &r->options);
  if (!frame_passes (r->display, r->read, pkt))
    return;
  r->prev_displayed = number;
  if (opts.quiet)
    return;
  switch (opts.format)
    {
    case OUTPUT_SUMMARY:
      iot_print_summary (pkt, iot_file_frame (r->file, number)->ts_ns - iot_file_frame (r->file, 1)->ts_ns,
                         time_decimals (r->file), out);
      break;
    case OUTPUT_TEXT:
      iot_print_tree (pkt, out);
      if (!opts.hex)
        g_string_append_c (out, '\n');
      break;
    case OUTPUT_FIELDS:
      iot_fields_printer_row (r->printer, pkt, out);
      break;
    case OUTPUT_JSON:
      append_json (pkt, out);
      break;
    case OUTPUT_EK:
      iot_print_ek (pkt, out);
      break;
    }
  if (opts.hex)
    iot_print_hex (pkt, out);
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
      while (par->next_chunk < par->n_chunks && par->next_chunk >= par->written + CHUNKS_AHEAD)
        g_cond_wait (&par->cond, &par->lock);
      index = par->next_chunk++;
      g_mutex_unlock (&par->lock);
      if (index >= par->n_chunks)
        break;
      chunk = &par->chunks[index];
      chunk->out = g_string_sized_new (1 << 16);
      first = index * CHUNK_FRAMES + 1;
      last = MIN (par->n_frames, first + CHUNK_FRAMES - 1);
      for (guint32 number = first; number <= last; number++)
        render_frame (r, number, chunk->out);
      g_mutex_lock (&par->lock);
      chunk->done = TRUE;
      g_cond_broadcast (&par->cond);
      g_mutex_unlock (&par->lock);
    }
  renderer_free (r);
  return NULL;
}

static void
render_parallel (IotEngine *engine, const IotDissectOptions *options, GPtrArray *fields,
                 guint32 n, guint n_threads, gboolean *first_json)
{
  Parallel par = { engine, options, fields, n };
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
      g_mutex_lock (&par.lock);
      par.written = c + 1;
      g_cond_broadcast (&par.cond);
      g_mutex_unlock (&par.lock);
    }
  for (guint i = 0; i < n_threads; i++)
    g_thread_join (threads[i]);
  g_free (threads);
  g_free (par.chunks);
  g_mutex_clear (&par.lock);
  g_cond_clear (&par.cond);
}

typedef struct {
  IotFollowProtocol protocol;
  IotFollowMode     mode;
  guint32           stream;
} FollowRequest;

/* Checks every -z before any work is done. */
static gboolean
parse_statistics (GArray *follows, GError **error)
{
  for (guint i = 0; opts.statistics && opts.statistics[i]; i++)
    {
      g_auto (GStrv) parts = g_strsplit (opts.statistics[i], ",", -1);
      FollowRequest req = { 0 };
      char *end = NULL;

      if (g_strv_length (parts) == 4 && strcmp (parts[0], "follow") == 0
          && (strcmp (parts[1], "tcp") == 0 || strcmp (parts[1], "udp") == 0)
          && iot_follow_mode_parse (parts[2], &req.mode))
        {
          req.protocol = strcmp (parts[1], "tcp") == 0 ? IOT_FOLLOW_TCP : IOT_FOLLOW_UDP;
          req.stream = (guint32) g_ascii_strtoull (parts[3], &end, 10);
          if (end != parts[3] && *end == '\0')
            {
              g_array_append_val (follows, req);
              continue;
            }
        }
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "invalid -z \"%s\" (supported: follow,tcp|udp,ascii|hex|raw,STREAM)",
                   opts.statistics[i]);
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
      g_autoptr (IotFollow) follow = iot_follow_new (engine, req->protocol, req->stream, &error);

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
  guint32 n;

  if (!parse_output_type (&error) || !parse_statistics (follows, &error))
    return fail ("%s", error->message);
  display = compile_filter (opts.display_filter, &ok);
  if (!ok)
    return 2;
  read = compile_filter (opts.read_filter, &ok);
  if (!ok)
    return 2;
  if (read != NULL && !opts.two_pass)
    fprintf (stderr, "iotscope-cli: warning: -R without -2 works like -Y here\n");
  fields = resolve_fields (&error);
  if (fields == NULL)
    return fail ("%s", error->message);
  if (opts.format == OUTPUT_FIELDS && fields->len == 0)
    return fail ("-T fields was given, but no fields were specified with -e");

  file = iot_file_open (opts.read_file, &error);
  if (file == NULL)
    return fail ("%s", error->message);
  engine = iot_engine_new (file);
  iot_engine_first_pass (engine, NULL);
  n = iot_file_n_frames (file);

  wanted = iot_field_set_new ();
  if (display)
    iot_filter_add_fields (display, wanted);
  if (read)
    iot_filter_add_fields (read, wanted);
  options.fields = wanted;
  switch (opts.format)
    {
    case OUTPUT_SUMMARY:
      options.flags = IOT_DISSECT_COLUMNS;
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
      options.flags = IOT_DISSECT_TREE | IOT_DISSECT_COLUMNS;
      break;
    }
  if (opts.hex)
    options.flags |= IOT_DISSECT_COLUMNS;
  if (opts.format == OUTPUT_JSON)
    g_string_append (out, "[\n");
  flush_out (out);

  /* Like tshark, -c counts frames read, not frames shown. */
  if (opts.count > 0 && (guint32) opts.count < n)
    n = opts.count;
  /* -q without a filter: nothing to print, nothing to select. */
  if (opts.quiet && display == NULL && read == NULL)
    n = 0;

  /* Frames are independent after the first pass, so the second pass can
   * use every core — unless "time since the previous displayed frame" is
   * shown, which chains each frame to the filter result of the one before. */
  sequential = (display != NULL || read != NULL)
               && ((options.flags & IOT_DISSECT_TREE)
                   || iot_field_set_contains (wanted, iot_registry_field ("frame.time_delta_displayed")));
  n_threads = MIN (g_get_num_processors (), 8);
  if (g_getenv ("IOTSCOPE_THREADS"))
    n_threads = MAX (1, atoi (g_getenv ("IOTSCOPE_THREADS")));
  if (!sequential && n_threads > 1 && n >= 4 * CHUNK_FRAMES)
    render_parallel (engine, &options, fields, n, n_threads, &first_json);
  else
    {
      Renderer *r = renderer_new (engine, &options, fields, TRUE);

      for (guint32 number = 1; number <= n; number++)
        {
          render_frame (r, number, out);
          if (out->len > (1 << 15))
            write_out (out, &first_json);
        }
      write_out (out, &first_json);
      renderer_free (r);
    }
  if (opts.format == OUTPUT_JSON)
    g_string_append (out, first_json ? "]\n" : "\n]\n");
  flush_out (out);
  if (!print_follows (engine, follows))
    return 2;
  if (iot_file_damage (file) != NULL)
    {
      fprintf (stderr, "iotscope-cli: %s: %s\n", opts.read_file, iot_file_damage (file));
      return 2;
    }
  return 0;
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;

  setlocale (LC_ALL, "");
  iot_fields_format_init (&opts.fields_format);
  context = g_option_context_new ("- analyze IoT network traffic");
  g_option_context_set_summary (context,
    "Reads a capture file and prints its frames as a summary, a protocol tree (-V),\n"
    "a hex dump (-x), selected fields (-T fields -e …) or JSON (-T json, -T ek).");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail ("%s", error->message);
  if (argc > 1)
    return fail ("unexpected argument \"%s\" (see --help)", argv[1]);

  iot_registry_init ();
  if (opts.glossary_requested)
    return print_glossary ();
  for (guint i = 0; opts.decode_as && opts.decode_as[i]; i++)
    if (!iot_registry_decode_as (opts.decode_as[i], &error))
      return fail ("%s", error->message);
  for (guint i = 0; opts.field_options && opts.field_options[i]; i++)
    if (!iot_fields_format_parse (&opts.fields_format, opts.field_options[i], &error))
      return fail ("%s", error->message);
  if (opts.read_file == NULL)
    return fail ("no capture file given; use -r FILE (live capture is not available yet)");
  return run ();
}
