/* iot-filter-pass.c — a display filter over a range of frames, in chunks on
 * every core (see iot-filter-pass.h). */
#include "iot-filter-pass.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "iot-dissector.h"
#include "iot-filter.h"
#include "iot-scan.h"

/* Frames per chunk: small enough that the first matches show at once and
 * a cancelled pass stops soon, large enough that the cost of a scan per
 * chunk does not show. */
#define CHUNK_FRAMES 8192u
/* Chunks done between two sweeps of the pages behind the pass. */
#define SWEEP_CHUNKS 16u

typedef struct {
  GArray  *matches;     /* guint32; NULL with no filter */
  guint    n_errors;
  guint    n_warnings;
  gboolean done;
} Chunk;

struct _IotFilterPass {
  IotCapture *capture;
  char       *text;
  guint32     first;
  guint32     last;
  gboolean    sequential;   /* the filter reads frame.time_delta_displayed */
  Chunk      *chunks;
  guint       n_chunks;
  gint        next_chunk;   /* atomic: the next chunk a worker takes */
  gint        done;         /* atomic: frames checked */
  gint        failed;       /* atomic: a worker was cancelled */
  GMutex      lock;         /* guards Chunk.done, @taken, @copied and @freed */
  guint       taken;        /* chunks taken by iot_filter_pass_take */
  /* A chunk's matches live in the malloc arena of the worker that found
   * them: freeing them takes that arena's lock, which a worker preempted
   * in the middle of a dissection holds for as long as it waits for a
   * CPU.  So the taker (the main thread) only copies them, and a worker
   * frees what was copied. */
  guint       copied;       /* chunks whose matches the taker has copied */
  guint       freed;        /* chunks whose matches a worker has freed */
  guint       n_done;       /* chunks done */
  guint       behind;       /* the chunks before this one are all done */
  IotFilterPassReady ready;
  gpointer    ready_data;
  GCancellable *cancellable;
  gint       *progress;     /* also counts frames checked (atomic), or NULL */
};

/* ---- the listeners ----------------------------------------------------------- */

static void
match_frame (gpointer self, IotPacket *pkt)
{
  Chunk *chunk = self;
  IotSeverity severity = iot_packet_max_severity (pkt);

  if (chunk->matches != NULL)
    {
      guint32 number = iot_packet_frame_number (pkt);

      g_array_append_val (chunk->matches, number);
    }
  if (severity >= IOT_SEV_ERROR)
    chunk->n_errors++;
  else if (severity >= IOT_SEV_WARN)
    chunk->n_warnings++;
}

static const IotScanListener match_listener = {
  .frame = match_frame,
};

/* ---- the pass ------------------------------------------------------------------- */

IotFilterPass *
iot_filter_pass_new (IotCapture *capture, const char *text, guint32 first, guint32 last, GError **error)
{
  IotFilterPass *pass;
  gboolean sequential = FALSE;

  if (text != NULL)
    {
      g_autoptr (IotFilterProblem) problem = NULL;
      g_autoptr (IotFilter) filter = iot_filter_compile (text, &problem);

      if (filter == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, problem->message);
          return NULL;
        }
      sequential = iot_field_set_contains (iot_filter_fields (filter),
                                           iot_registry_field ("frame.time_delta_displayed"));
    }
  pass = g_new0 (IotFilterPass, 1);
  pass->capture = iot_capture_ref (capture);
  pass->text = g_strdup (text);
  pass->first = first;
  pass->last = last;
  pass->sequential = sequential;
  if (last >= first)
    {
      guint32 span = last - first + 1;

      /* One chunk when each frame depends on the match before it. */
      pass->n_chunks = sequential ? 1 : (span + CHUNK_FRAMES - 1) / CHUNK_FRAMES;
    }
  pass->chunks = g_new0 (Chunk, pass->n_chunks);
  g_mutex_init (&pass->lock);
  return pass;
}

void
iot_filter_pass_free (IotFilterPass *pass)
{
  if (pass == NULL)
    return;
  for (guint i = 0; i < pass->n_chunks; i++)
    g_clear_pointer (&pass->chunks[i].matches, g_array_unref);
  g_free (pass->chunks);
  g_mutex_clear (&pass->lock);
  iot_capture_unref (pass->capture);
  g_free (pass->text);
  g_free (pass);
}

static void
chunk_bounds (IotFilterPass *pass, guint index, guint32 *first, guint32 *last)
{
  if (pass->sequential)
    {
      *first = pass->first;
      *last = pass->last;
      return;
    }
  *first = pass->first + index * CHUNK_FRAMES;
  *last = MIN ((guint64) *first + CHUNK_FRAMES - 1, pass->last);
}

/* Scans chunk @index with the worker's own compiled @filter (a compiled
 * filter is not thread-safe). */
static gboolean
scan_chunk (IotFilterPass *pass, guint index, IotFilter *filter)
{
  g_autoptr (IotScan) scan = iot_scan_new (iot_capture_engine (pass->capture));
  Chunk *chunk = &pass->chunks[index];
  guint32 first, last;
  gboolean sweep;
  guint behind;

  chunk_bounds (pass, index, &first, &last);
  if (filter != NULL)
    chunk->matches = g_array_new (FALSE, FALSE, sizeof (guint32));
  iot_scan_set_range (scan, first, last);
  iot_scan_add_listener (scan, &iot_capture_extract_listener, pass->capture, NULL);
  iot_scan_add_listener (scan, &match_listener, chunk, filter);
  if (pass->sequential)
    iot_scan_set_displayed_filter (scan, filter);
  if (!iot_scan_run (scan, pass->cancellable, NULL, NULL, NULL))
    return FALSE;
  /* A pass reads the file once: the chunk's pages leave this process
   * (they stay in the page cache). */
  iot_file_drop_pages (iot_capture_file (pass->capture), first, last + 1);
  g_atomic_int_add (&pass->done, (gint) (last - first + 1));
  if (pass->progress != NULL)
    g_atomic_int_add (pass->progress, (gint) (last - first + 1));
  g_mutex_lock (&pass->lock);
  chunk->done = TRUE;
  sweep = ++pass->n_done % SWEEP_CHUNKS == 0;
  while (pass->behind < pass->n_chunks && pass->chunks[pass->behind].done)
    pass->behind++;
  behind = pass->behind;
  g_mutex_unlock (&pass->lock);
  /* Reassembly reads the bytes of earlier frames again (the pieces of a
   * PDU), often in chunks dropped long ago: now and then everything
   * behind the pass leaves this process again, or a pass over a large
   * capture would keep much of it resident. */
  if (sweep && behind > 0)
    {
      guint32 behind_first, behind_last;

      chunk_bounds (pass, behind - 1, &behind_first, &behind_last);
      iot_file_drop_pages (iot_capture_file (pass->capture), pass->first, behind_last + 1);
    }
  if (index == 0 && pass->ready != NULL)
    pass->ready (pass->ready_data);
  return TRUE;
}

/* In a worker, between two chunks: frees the matches the taker copied. */
static void
free_copied_chunks (IotFilterPass *pass)
{
  g_autoptr (GPtrArray) copied = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);

  g_mutex_lock (&pass->lock);
  for (; pass->freed < pass->copied; pass->freed++)
    if (pass->chunks[pass->freed].matches != NULL)
      g_ptr_array_add (copied, g_steal_pointer (&pass->chunks[pass->freed].matches));
  g_mutex_unlock (&pass->lock);
}

static gpointer
worker (gpointer data)
{
  IotFilterPass *pass = data;
  g_autoptr (IotFilter) filter = NULL;

  iot_worker_lower_priority ();
  if (pass->text != NULL)
    filter = iot_filter_compile (pass->text, NULL);
  for (;;)
    {
      guint index = (guint) g_atomic_int_add (&pass->next_chunk, 1);

      free_copied_chunks (pass);
      if (index >= pass->n_chunks || g_atomic_int_get (&pass->failed))
        break;
      if (!scan_chunk (pass, index, filter))
        {
          g_atomic_int_set (&pass->failed, 1);
          break;
        }
    }
  return NULL;
}

gboolean
iot_filter_pass_run (IotFilterPass *pass, guint n_threads, GCancellable *cancellable,
                     IotFilterPassReady ready, gpointer user_data, GError **error)
{
  g_autoptr (GPtrArray) helpers = g_ptr_array_new ();

  pass->cancellable = cancellable;
  pass->ready = ready;
  pass->ready_data = user_data;
  n_threads = CLAMP (n_threads, 1, MAX (pass->n_chunks, 1));
  for (guint i = 1; i < n_threads; i++)
    g_ptr_array_add (helpers, g_thread_new ("iotscope-filter", worker, pass));
  worker (pass);
  for (guint i = 0; i < helpers->len; i++)
    g_thread_join (g_ptr_array_index (helpers, i));
#ifdef __GLIBC__
  /* Each helper dissected in a malloc arena of its own: what it freed
   * goes back to the system, not into a window's peak memory for good. */
  if (helpers->len > 0)
    malloc_trim (0);
#endif
  if (g_atomic_int_get (&pass->failed) || g_cancellable_is_cancelled (cancellable))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      return FALSE;
    }
  return TRUE;
}

gboolean
iot_filter_pass_take (IotFilterPass *pass, GArray *matches, guint *n_errors, guint *n_warnings)
{
  guint from, upto;

  g_mutex_lock (&pass->lock);
  from = upto = pass->taken;
  while (upto < pass->n_chunks && pass->chunks[upto].done)
    upto++;
  pass->taken = upto;
  g_mutex_unlock (&pass->lock);
  /* The chunks before @upto are done: no worker touches them again. */
  for (guint i = from; i < upto; i++)
    {
      Chunk *chunk = &pass->chunks[i];

      if (matches != NULL && chunk->matches != NULL)
        g_array_append_vals (matches, chunk->matches->data, chunk->matches->len);
      *n_errors += chunk->n_errors;
      *n_warnings += chunk->n_warnings;
    }
  /* A worker frees them (or iot_filter_pass_free, once none is left). */
  g_mutex_lock (&pass->lock);
  pass->copied = upto;
  g_mutex_unlock (&pass->lock);
  return upto > from;
}

void
iot_filter_pass_set_progress (IotFilterPass *pass, gint *done)
{
  pass->progress = done;
}

guint32
iot_filter_pass_done (IotFilterPass *pass)
{
  return (guint32) g_atomic_int_get (&pass->done);
}

guint32
iot_filter_pass_taken_upto (IotFilterPass *pass)
{
  guint32 first, last;
  guint taken;

  g_mutex_lock (&pass->lock);
  taken = pass->taken;
  g_mutex_unlock (&pass->lock);
  if (taken == 0)
    return 0;
  chunk_bounds (pass, taken - 1, &first, &last);
  return last;
}

guint
iot_filter_pass_default_threads (void)
{
  return CLAMP (g_get_num_processors (), 1, 4);
}
