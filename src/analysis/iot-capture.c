/* iot-capture.c — a capture file and its engine, reference counted, with
 * the extract of its summary columns. */
#include "iot-capture.h"
#include "iot-stream-index.h"

#include "iot-scan.h"

#include <string.h>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

typedef struct {
  GMutex        lock;
  guint32       size;        /* entries in each id array (frames + 1) */
  guint32      *ids[3];      /* per IotExtractColumn: frame number → string id, 0 = not yet */
  guint8       *severity;    /* frame number → worst expert severity */
  GHashTable   *string_ids;  /* text → id */
  GPtrArray    *strings;     /* id → text; id 0 is unused */
  GStringChunk *chunk;
  guint32      *ranks;       /* id → rank; NULL when strings were added since */
} Extract;

struct _IotCapture {
  IotFile   *file;
  IotEngine *engine;
  Extract    extract;
};

static void
iot_capture_clear (gpointer data)
{
  IotCapture *self = data;
  Extract *x = &self->extract;

  /* The engine reads the file, so it goes first. */
  g_clear_pointer (&self->engine, iot_engine_free);
  g_clear_pointer (&self->file, iot_file_unref);
  for (guint i = 0; i < G_N_ELEMENTS (x->ids); i++)
    g_free (x->ids[i]);
  g_free (x->severity);
  g_hash_table_unref (x->string_ids);
  g_ptr_array_unref (x->strings);
  g_string_chunk_free (x->chunk);
  g_free (x->ranks);
  g_mutex_clear (&x->lock);
}

IotCapture *
iot_capture_new (IotFile *file)
{
  IotCapture *self = g_atomic_rc_box_new0 (IotCapture);
  Extract *x = &self->extract;

  self->file = iot_file_ref (file);
  self->engine = iot_engine_new (file);
  /* Follow and the flow graph of one stream dissect only its frames. */
  iot_engine_index_streams (self->engine);
  g_mutex_init (&x->lock);
  x->string_ids = g_hash_table_new (g_str_hash, g_str_equal);
  x->strings = g_ptr_array_new ();
  g_ptr_array_add (x->strings, NULL);
  x->chunk = g_string_chunk_new (4096);
  return self;
}

/* Atomic: the window's workers (filter, sort, analyses) hold and drop
 * references while the main thread does. */
IotCapture *
iot_capture_ref (IotCapture *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
iot_capture_unref (IotCapture *self)
{
  g_atomic_rc_box_release_full (self, iot_capture_clear);
}

IotFile *
iot_capture_file (IotCapture *self)
{
  return self->file;
}

IotEngine *
iot_capture_engine (IotCapture *self)
{
  return self->engine;
}

guint32
iot_capture_n_passed (IotCapture *self)
{
  return iot_engine_n_passed (self->engine);
}

guint32
iot_capture_n_frames (IotCapture *self)
{
  return iot_file_n_frames (self->file);
}

void
iot_worker_lower_priority (void)
{
#ifdef __linux__
  /* Per thread on Linux.  Unprivileged, a thread cannot go back up: a
   * pool thread stays lower for later jobs, which are background work. */
  id_t tid = (id_t) syscall (SYS_gettid);

  if (getpriority (PRIO_PROCESS, tid) < 5)
    setpriority (PRIO_PROCESS, tid, 5);
#endif
}

/* ---- the extract ---------------------------------------------------------- */

/* Lock held. */
static guint32
intern (Extract *x, const char *text)
{
  gpointer id;

  if (text == NULL)
    text = "";
  if (g_hash_table_lookup_extended (x->string_ids, text, NULL, &id))
    return GPOINTER_TO_UINT (id);
  text = g_string_chunk_insert (x->chunk, text);
  g_ptr_array_add (x->strings, (gpointer) text);
  g_hash_table_insert (x->string_ids, (gpointer) text, GUINT_TO_POINTER (x->strings->len - 1));
  g_clear_pointer (&x->ranks, g_free);
  return x->strings->len - 1;
}

/* Lock held. */
static void
ensure_size (IotCapture *self, guint32 number)
{
  Extract *x = &self->extract;
  guint32 size;

  if (number < x->size)
    return;
  size = MAX (number, iot_file_n_frames (self->file)) + 1;
  for (guint i = 0; i < G_N_ELEMENTS (x->ids); i++)
    {
      x->ids[i] = g_renew (guint32, x->ids[i], size);
      memset (x->ids[i] + x->size, 0, (size - x->size) * sizeof (guint32));
    }
  x->severity = g_renew (guint8, x->severity, size);
  memset (x->severity + x->size, 0, size - x->size);
  x->size = size;
}

void
iot_capture_extract_record (IotCapture *self, guint32 number, IotPacket *pkt)
{
  Extract *x = &self->extract;
  char src[64], dst[64];

  iot_packet_format_src (pkt, src, sizeof src);
  iot_packet_format_dst (pkt, dst, sizeof dst);
  g_mutex_lock (&x->lock);
  ensure_size (self, number);
  x->ids[IOT_EXTRACT_PROTOCOL][number] = intern (x, iot_col_protocol (pkt));
  x->ids[IOT_EXTRACT_SOURCE][number] = intern (x, src);
  x->ids[IOT_EXTRACT_DESTINATION][number] = intern (x, dst);
  x->severity[number] = (guint8) iot_packet_max_severity (pkt);
  g_mutex_unlock (&x->lock);
}

static gboolean
has_extract (IotCapture *self, guint32 number)
{
  Extract *x = &self->extract;
  gboolean known;

  g_mutex_lock (&x->lock);
  known = number < x->size && x->ids[IOT_EXTRACT_PROTOCOL][number] != 0;
  g_mutex_unlock (&x->lock);
  return known;
}

/* The extract as a scan listener: records the columns of each frame. */
static void
extract_add_wanted (gpointer self, IotFieldSet *wanted, IotDissectFlags *flags)
{
  *flags |= IOT_DISSECT_COLUMNS;
}

static void
extract_frame (gpointer self, IotPacket *pkt)
{
  iot_capture_extract_record (self, iot_packet_frame_number (pkt), pkt);
}

const IotScanListener iot_capture_extract_listener = {
  .add_wanted = extract_add_wanted,
  .frame = extract_frame,
};

typedef struct {
  gint   *done;
  guint32 known;   /* frames that had their extract before the scan */
} FillProgress;

static void
fill_progress (guint32 done, guint32 total, gpointer data)
{
  FillProgress *progress = data;

  g_atomic_int_set (progress->done, (gint) (progress->known + done));
}

gboolean
iot_capture_extract_fill (IotCapture *self, const guint32 *numbers, guint n,
                          GCancellable *cancellable, gint *done)
{
  g_autoptr (IotScan) scan = iot_scan_new (self->engine);
  g_autoptr (GArray) missing = g_array_new (FALSE, FALSE, sizeof (guint32));
  FillProgress progress = { done };

  for (guint i = 0; i < n; i++)
    if (!has_extract (self, numbers[i]))
      g_array_append_val (missing, numbers[i]);
  progress.known = n - missing->len;
  iot_scan_set_frames (scan, (const guint32 *) (gpointer) missing->data, missing->len);
  iot_scan_add_listener (scan, &iot_capture_extract_listener, self, NULL);
  return iot_scan_run (scan, cancellable, done != NULL ? fill_progress : NULL, &progress, NULL);
}

gboolean
iot_capture_extract_count (IotCapture *self, guint32 from, guint32 to, guint *n_errors, guint *n_warnings)
{
  Extract *x = &self->extract;
  gboolean complete = TRUE;

  *n_errors = *n_warnings = 0;
  g_mutex_lock (&x->lock);
  for (guint32 number = from; number <= to; number++)
    {
      if (number >= x->size || x->ids[IOT_EXTRACT_PROTOCOL][number] == 0)
        {
          complete = FALSE;
          break;
        }
      if (x->severity[number] >= IOT_SEV_ERROR)
        (*n_errors)++;
      else if (x->severity[number] >= IOT_SEV_WARN)
        (*n_warnings)++;
    }
  g_mutex_unlock (&x->lock);
  return complete;
}

typedef struct {
  guint32  id;
  char    *key;
} RankEntry;

static int
rank_entry_compare (gconstpointer a, gconstpointer b)
{
  return strcmp (((const RankEntry *) a)->key, ((const RankEntry *) b)->key);
}

void
iot_capture_extract_rank_begin (IotCapture *self)
{
  Extract *x = &self->extract;
  g_autofree RankEntry *entries = NULL;
  guint n;

  g_mutex_lock (&x->lock);
  if (x->ranks != NULL)
    return;
  /* Distinct texts only: a few thousand at most, whatever the capture. */
  n = x->strings->len;
  entries = g_new (RankEntry, n);
  for (guint id = 1; id < n; id++)
    {
      entries[id - 1].id = id;
      entries[id - 1].key = g_utf8_collate_key_for_filename (g_ptr_array_index (x->strings, id), -1);
    }
  if (n > 1)
    qsort (entries, n - 1, sizeof (RankEntry), rank_entry_compare);
  x->ranks = g_new0 (guint32, n);
  for (guint i = 0; i + 1 < n; i++)
    {
      /* Equal keys share a rank, so ties fall back to frame order. */
      x->ranks[entries[i].id] = i > 0 && strcmp (entries[i].key, entries[i - 1].key) == 0
                                ? x->ranks[entries[i - 1].id] : i + 1;
    }
  for (guint i = 0; i + 1 < n; i++)
    g_free (entries[i].key);
}

guint32
iot_capture_extract_rank (IotCapture *self, guint32 number, IotExtractColumn column)
{
  Extract *x = &self->extract;

  if (number >= x->size)
    return 0;
  return x->ranks[x->ids[column][number]];
}

void
iot_capture_extract_rank_end (IotCapture *self)
{
  g_mutex_unlock (&self->extract.lock);
}
