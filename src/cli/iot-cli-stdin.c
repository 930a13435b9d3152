/* iot-cli-stdin.c — -r - from a pipe: printed as it arrives when it is
 * pcap, else read once complete. */
#include "iot-cli-private.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

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
gboolean
can_stream_stdin (void)
{
  struct stat st;

  return opts.read_file != NULL && strcmp (opts.read_file, "-") == 0 && fstat (STDIN_FILENO, &st) == 0
         && S_ISFIFO (st.st_mode) && opts.statistics == NULL && opts.write_file == NULL
         && opts.read_filter == NULL && !insight_requested ();
}

int
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
