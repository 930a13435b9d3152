/* iot-cli-render.c — the second pass: each frame filtered and rendered as
 * summary, tree, fields, JSON …, on several cores when frames are
 * independent. */
#include "iot-cli-private.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Compiles a -Y or -R filter; prints problems as tshark does. */
IotFilter *
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

Renderer *
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

void
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

static void
count_stats (Renderer *r, IotPacket *pkt)
{
  if (taps != NULL && !taps_in_first_pass)
    iot_scan_feed (taps, pkt);
}

/* A filter that needs a field of some layer (-Y mqtt.qos == 1) cannot
 * pass a frame the first pass found without that layer: the first pass
 * marks the frames that have one (a bit a frame), and the others are not
 * dissected again.  Frames must pass both filters: the display filter's
 * layers are enough. */
void
keep_frame_marks (IotEngine *engine, IotFilter *display, IotFilter *read)
{
  g_autoptr (IotFieldSet) needed = iot_field_set_new ();
  IotFilter *filter = display != NULL ? display : read;

  if (filter != NULL && iot_filter_needed_fields (filter, needed))
    iot_engine_keep_frame_marks (engine, needed);
}

/* FALSE when the frame's bytes are no longer in the file (another
 * program truncated it while we read): it and the frames after it are not
 * shown, as with a file cut short. */
gboolean
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
  /* A frame without any layer the filter needs: it does not pass (the
   * taps, which read every frame, need it dissected all the same). */
  if ((r->display != NULL || r->read != NULL) && taps == NULL
      && !iot_engine_frame_marked (r->engine, number))
    return iot_file_frame_intact (r->file, number);
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
void
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

guint32
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

/* What to dissect for the chosen output, and the output's header. */
void
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
