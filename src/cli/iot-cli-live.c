/* iot-cli-live.c — live capture (-i), -D and -L: packets written to a
 * file and printed from it as it grows. */
#include "iot-cli-private.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <signal.h>

/* ---- live capture ------------------------------------------------------------ */

/* -D, numbered as tshark numbers them; with -V, addresses and flags too. */
int
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

int
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

void
live_close_file (LiveRun *run)
{
  g_clear_pointer (&run->renderer, renderer_free);
  g_clear_pointer (&run->engine, iot_engine_free);
  g_clear_pointer (&run->file, iot_file_unref);
  run->printed = 0;
}

/* Dissects and prints what the capture file gained: a single pass, as
 * tshark's live output (no "reply in" and other look-ahead values). */
void
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
int
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
