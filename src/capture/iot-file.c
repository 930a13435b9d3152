/* iot-file.c — the frame store: capture files indexed in place.
 *
 * The file is mapped read-only and walked once by our own pcap / pcapng
 * parsers (iot-file-format.c); for each packet we keep only an index
 * entry (where its bytes are, when, how long, which link type), packed to
 * about 13 bytes (iot-file-index.c).  The bytes are read back later from
 * the same mapping, never copied.
 *
 * Another program may truncate the file while we read it (a `tcpdump -w`
 * reusing its name): a guard (iot-file-guard.c) keeps such a mapping
 * readable, and iot_file_frame_intact() / iot_file_first_lost() say which
 * frames' bytes are gone, so that a shrunk file ends like a damaged one.
 */
#include "iot-file.h"
#include "iot-capture-private.h"
#include "iot-file-format.h"
#include "iot-file-guard.h"

#include <gio/gio.h>
#include <glib/gi18n.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PCAP_MAGIC_USEC      0xa1b2c3d4u
#define PCAP_MAGIC_NSEC      0xa1b23c4du
#define PCAP_MAGIC_MODIFIED  0xa1b2cd34u
#define PCAPNG_MAGIC_SHB     0x0a0d0d0au

/* A growing file is mapped with room to spare, and remapped (the old
 * mapping kept) only when the file outgrows it; index entries never move
 * (see iot-file-index.c), so readers go on while the writer appends. */
#define GROW_MIN_MAP      (G_GUINT64_CONSTANT (64) << 20)

typedef struct {
  int            fd;
  GArray        *maps;          /* Mapping: every mapping made, unmapped at the end */
  guint64        map_len;       /* length of the newest mapping */
  gint           n_frames;      /* published (atomic) */
  guint64        indexed_end;   /* file offset after the last complete record */
  IotPcapHeader  header;
  gboolean       stopped;       /* a bad record was met: follow no further */
} GrowingState;

typedef struct {
  void  *base;
  gsize  length;
} Mapping;

/* A whole file indexed by a thread of its own (iot_file_open_indexing). */
typedef struct {
  GThread  *thread;
  GMutex    lock;
  GCond     cond;
  gint      published;   /* frames readers may use (atomic); final once @done */
  gboolean  done;        /* under @lock */
  gboolean  ok;
  GError   *error;
} Indexing;

struct _IotFile {
  gint           ref_count;
  char          *path;
  int            fd;        /* whole files: kept open to ask for the size */
  void          *map_base;  /* whole files: the mapping, map_length bytes */
  gsize          map_length;
  IotFileGuard  *guard;     /* NULL for in-memory captures */
  GBytes        *owned;     /* in-memory captures */
  const guint8  *bytes;
  guint64        size;
  IotFileFormat  format;
  IotFrameIndex *frames;
  char          *damage;
  GrowingState  *growing;  /* NULL unless opened with iot_file_open_growing */
  Indexing      *indexing; /* NULL unless opened with iot_file_open_indexing */
  IotFrameNotes *notes;    /* marks, ignores, comment edits */
};

G_DEFINE_QUARK (iot-file-error-quark, iot_file_error)

static void growing_free (GrowingState *g);

static guint32
read_u32 (const guint8 *p, gboolean swapped)
{
  guint32 v;

  memcpy (&v, p, 4);
  return swapped ? GUINT32_SWAP_LE_BE (v) : v;
}

static gboolean
detect_format (IotFile *self, GError **error)
{
  guint32 magic;

  if (self->size < 4 || self->bytes == NULL)
    {
      g_set_error (error, IOT_FILE_ERROR, IOT_FILE_ERROR_FORMAT,
                   "%s: the file is %s; it is not a capture file",
                   self->path, self->size == 0 ? "empty" : "too short");
      return FALSE;
    }
  magic = read_u32 (self->bytes, FALSE);
  if (magic == PCAP_MAGIC_USEC || GUINT32_SWAP_LE_BE (magic) == PCAP_MAGIC_USEC)
    self->format = IOT_FILE_FORMAT_PCAP;
  else if (magic == PCAP_MAGIC_NSEC || GUINT32_SWAP_LE_BE (magic) == PCAP_MAGIC_NSEC)
    self->format = IOT_FILE_FORMAT_PCAP_NSEC;
  else if (magic == PCAP_MAGIC_MODIFIED || GUINT32_SWAP_LE_BE (magic) == PCAP_MAGIC_MODIFIED)
    self->format = IOT_FILE_FORMAT_PCAP_MODIFIED;
  else if (magic == PCAPNG_MAGIC_SHB)
    self->format = IOT_FILE_FORMAT_PCAPNG;
  else
    {
      g_set_error (error, IOT_FILE_ERROR, IOT_FILE_ERROR_FORMAT,
                   "%s: not a pcap or pcapng capture file (it starts with bytes "
                   "%02x %02x %02x %02x)", self->path,
                   self->bytes[0], self->bytes[1], self->bytes[2], self->bytes[3]);
      return FALSE;
    }
  return TRUE;
}

/* The frames the writer has indexed: more than readers see while a
 * thread indexes (iot_file_open_indexing) or a growing file is refreshed. */
static guint32
writer_n_frames (IotFile *self)
{
  if (self->growing != NULL)
    return (guint32) self->growing->n_frames;
  return iot_frame_index_len (self->frames);
}

static void
set_damage (IotFile *self, const char *why)
{
  guint32 n = writer_n_frames (self);

  g_free (self->damage);
  self->damage = g_strdup_printf ("the file is cut short or damaged after frame %u (%s); %s",
                                  n, why, n == 0 ? "no frame could be loaded"
                                  : n == 1 ? "the frame before it was loaded"
                                  : "the frames before it were loaded");
}

typedef struct {
  IotFile         *file;
  GCancellable    *cancellable;
  IotFileProgress  progress;
  gpointer         user_data;
  guint64          dropped;   /* pages before this offset were let go */
} IndexTicks;

/* Lets go of the mapped pages wholly inside [@from, @to). */
static void
drop_mapped (IotFile *self, guint64 from, guint64 to)
{
  guint64 page = (guint64) sysconf (_SC_PAGESIZE);

  if (self->map_base == NULL || g_atomic_pointer_get (&self->bytes) != self->map_base)
    return;
  from = (from + page - 1) / page * page;
  to = MIN (to, (guint64) self->map_length) / page * page;
  if (to > from)
    madvise ((guint8 *) self->map_base + from, to - from, MADV_DONTNEED);
}

void
iot_file_drop_pages (IotFile *self, guint32 from, guint32 to)
{
  guint32 n = iot_file_n_frames (self);

  if (from < 1 || from > n || to <= from)
    return;
  drop_mapped (self, iot_frame_index_offset (self->frames, from - 1),
               to <= n ? iot_frame_index_offset (self->frames, to - 1) : self->size);
}

/* Lets readers at frames 1 … @n (indexed, and intact when last looked at). */
static void
publish_frames (Indexing *indexing, guint32 n)
{
  g_mutex_lock (&indexing->lock);
  g_atomic_int_set (&indexing->published, (gint) n);
  g_cond_broadcast (&indexing->cond);
  g_mutex_unlock (&indexing->lock);
}

static gboolean
index_tick (guint64 offset, guint32 n_frames, gpointer user_data, GError **error)
{
  IndexTicks *t = user_data;

  if (g_cancellable_set_error_if_cancelled (t->cancellable, error))
    return FALSE;
  /* Zero pages stand where the lost ones were: stop before reading them
   * as records. */
  if (t->file->guard != NULL && iot_file_guard_gone_from (t->file->guard) < offset)
    {
      g_set_error_literal (error, IOT_FILE_ERROR, IOT_FILE_ERROR_SHRUNK, "the file shrank");
      return FALSE;
    }
  /* Indexing reads the file once, front to back: what is behind stays in
   * the page cache, not in this process. */
  drop_mapped (t->file, t->dropped, offset);
  t->dropped = offset;
  if (t->file->indexing != NULL)
    publish_frames (t->file->indexing, n_frames);
  if (t->progress && !t->progress (offset, t->file->size, n_frames, t->user_data))
    {
      g_set_error (error, IOT_FILE_ERROR, IOT_FILE_ERROR_CANCELLED, "loading was cancelled");
      return FALSE;
    }
  return TRUE;
}

static IotFile *
file_new (const char *name)
{
  IotFile *self = g_new0 (IotFile, 1);

  self->ref_count = 1;
  self->fd = -1;
  self->path = g_strdup (name);
  self->frames = iot_frame_index_new ();
  self->notes = iot_frame_notes_new ();
  return self;
}

/* How many of the indexed frames (from the first) still have all their
 * bytes in the file, as far as is known. */
static guint32
count_intact (IotFile *self, guint64 gone_from, guint32 n)
{
  guint32 lo = 0, hi = n;

  /* Frames lie in the file in the order they are numbered. */
  while (lo < hi)
    {
      guint32 mid = lo + (hi - lo) / 2;

      if (iot_frame_index_end (self->frames, mid) <= gone_from)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static char *
shrink_reason (IotFile *self)
{
  guint64 gone_from = iot_file_guard_gone_from (self->guard);

  return g_strdup_printf ("the file shrank from %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT
                          " bytes while it was being read: another program truncated or "
                          "overwrote it", self->size, gone_from);
}

/* After indexing: when the file shrank meanwhile, the frames whose bytes
 * went are dropped and the shrink is the damage.  TRUE if it shrank. */
static gboolean
drop_lost_frames (IotFile *self)
{
  g_autofree char *why = NULL;
  guint32 intact;

  iot_file_guard_check (self->guard, self->size);
  if (iot_file_guard_gone_from (self->guard) >= self->size)
    return FALSE;
  intact = count_intact (self, iot_file_guard_gone_from (self->guard), writer_n_frames (self));
  /* Frames a thread has already published stay (readers may be at them):
   * their bytes read as gone (iot_file_first_lost()), as when the file
   * shrinks after indexing. */
  if (self->indexing != NULL)
    intact = MAX (intact, (guint32) g_atomic_int_get (&self->indexing->published));
  iot_frame_index_truncate (self->frames, intact);
  why = shrink_reason (self);
  set_damage (self, why);
  return TRUE;
}

/* Indexes the bytes already held in self->bytes, read in place: files and
 * in-memory captures share one path.  IOTSCOPE_TIMING=1 prints how long
 * it took (stderr). */
static gboolean
index_frames (IotFile *self, gboolean format_known, GCancellable *cancellable, IotFileProgress progress,
              gpointer user_data, GError **error)
{
  IndexTicks ticks = { self, cancellable, progress, user_data, 0 };
  g_autofree char *damage = NULL;
  g_autoptr (GError) local_error = NULL;
  gint64 started = g_get_monotonic_time ();
  gboolean ok = format_known || detect_format (self, &local_error), indexed = ok;

  if (ok && self->format == IOT_FILE_FORMAT_PCAPNG)
    ok = iot_pcapng_index (self->bytes, self->size, self->frames, index_tick, &ticks, &damage,
                           &local_error);
  else if (ok)
    ok = iot_pcap_index (self->bytes, self->size, self->frames, index_tick, &ticks, &damage,
                         &local_error);
  /* A file that shrank while it was indexed (whatever the zeros that
   * replaced its end looked like) is reported as such, with the frames
   * read before the point it was cut at. */
  if (self->guard != NULL
      && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      && !g_error_matches (local_error, IOT_FILE_ERROR, IOT_FILE_ERROR_CANCELLED)
      && drop_lost_frames (self))
    g_clear_error (&local_error);
  else if (!ok)
    {
      if (indexed && g_error_matches (local_error, IOT_FILE_ERROR, IOT_FILE_ERROR_FORMAT))
        g_prefix_error (&local_error, "%s: cannot read this capture file: ", self->path);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  else if (damage != NULL)
    set_damage (self, damage);
  if (g_getenv ("IOTSCOPE_TIMING") != NULL)
    g_printerr ("iotscope: indexed %u frames (%" G_GUINT64_FORMAT " bytes) in %.1f ms\n",
                iot_frame_index_len (self->frames), self->size, (g_get_monotonic_time () - started) / 1000.0);
  if (progress)
    progress (self->size, self->size, iot_frame_index_len (self->frames), user_data);
  return TRUE;
}

static gboolean
index_bytes (IotFile *self, GCancellable *cancellable, IotFileProgress progress,
             gpointer user_data, GError **error)
{
  return index_frames (self, FALSE, cancellable, progress, user_data, error);
}

/* Maps the whole file read-only, under a guard. */
static gboolean
map_file (IotFile *self, GError **error)
{
  struct stat st;
  int saved;

  self->fd = open (self->path, O_RDONLY | O_CLOEXEC);
  if (self->fd < 0 || fstat (self->fd, &st) < 0)
    goto failed;
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, IOT_FILE_ERROR, IOT_FILE_ERROR_OPEN, "%s: not a regular file", self->path);
      return FALSE;
    }
  self->size = (guint64) st.st_size;
  if (self->size == 0)
    return TRUE;   /* detect_format says it is empty */
  if (self->size > G_MAXSIZE)
    {
      errno = EFBIG;
      goto failed;
    }
  self->map_length = (gsize) self->size;
  self->map_base = mmap (NULL, self->map_length, PROT_READ, MAP_SHARED, self->fd, 0);
  if (self->map_base == MAP_FAILED)
    {
      self->map_base = NULL;
      goto failed;
    }
  self->bytes = self->map_base;
  self->guard = iot_file_guard_new (self->fd);
  iot_file_guard_watch (self->guard, self->map_base, self->map_length);
  return TRUE;

failed:
  saved = errno;
  g_set_error (error, IOT_FILE_ERROR, IOT_FILE_ERROR_OPEN, "Failed to open file “%s”: %s",
               self->path, g_strerror (saved));
  return FALSE;
}

/* Everything a pipe, FIFO or standard input (fd) holds, until its end. */
static GBytes *
read_stream (int fd, const char *name, GError **error)
{
  g_autoptr (GByteArray) data = g_byte_array_sized_new (1 << 20);
  guint8 chunk[1 << 16];

  for (;;)
    {
      gssize n = read (fd, chunk, sizeof chunk);

      if (n == 0)
        break;
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          g_set_error (error, IOT_FILE_ERROR, IOT_FILE_ERROR_OPEN, "%s: read failed: %s", name,
                       g_strerror (saved));
          return NULL;
        }
      g_byte_array_append (data, chunk, (guint) n);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

static gboolean
is_gzip (const guint8 *data, gsize size)
{
  return size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
}

/* The capture inside a gzip stream (.pcap.gz, .pcapng.gz). */
static GBytes *
gunzip (GBytes *compressed, const char *name, GError **error)
{
  g_autoptr (GZlibDecompressor) decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr (GInputStream) raw = g_memory_input_stream_new_from_bytes (compressed);
  g_autoptr (GInputStream) stream = g_converter_input_stream_new (raw, G_CONVERTER (decompressor));
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GError) local = NULL;

  if (g_output_stream_splice (out, stream, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &local) < 0)
    {
      g_set_error (error, IOT_FILE_ERROR, IOT_FILE_ERROR_OPEN,
                   "%s: the gzip-compressed data is cut short or damaged (%s)", name, local->message);
      return NULL;
    }
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

/* "-" (standard input), a FIFO or a gzip-compressed file: read into memory
 * and opened from there.  NULL with no error: open @path as a mapped file. */
static IotFile *
open_unmappable (const char *path, GCancellable *cancellable, IotFileProgress progress,
                 gpointer user_data, GError **error, gboolean *handled)
{
  g_autoptr (GBytes) bytes = NULL;
  struct stat st;
  const char *name = strcmp (path, "-") == 0 ? "standard input" : path;

  *handled = TRUE;
  if (strcmp (path, "-") == 0)
    bytes = read_stream (STDIN_FILENO, name, error);
  else if (stat (path, &st) == 0 && S_ISDIR (st.st_mode))
    {
      g_set_error (error, IOT_FILE_ERROR, IOT_FILE_ERROR_OPEN,
                   "%s: is a directory, not a capture file", path);
      return NULL;
    }
  else if (stat (path, &st) == 0 && (S_ISFIFO (st.st_mode) || S_ISCHR (st.st_mode)))
    {
      int fd = open (path, O_RDONLY | O_CLOEXEC);

      if (fd < 0)
        {
          int saved = errno;

          g_set_error (error, IOT_FILE_ERROR, IOT_FILE_ERROR_OPEN, "Failed to open file “%s”: %s",
                       path, g_strerror (saved));
          return NULL;
        }
      bytes = read_stream (fd, name, error);
      close (fd);
    }
  else
    {
      guint8 magic[2] = { 0, 0 };
      int fd = open (path, O_RDONLY | O_CLOEXEC);
      gboolean gz = fd >= 0 && read (fd, magic, 2) == 2 && is_gzip (magic, 2);

      if (fd >= 0)
        close (fd);
      if (!gz)
        {
          *handled = FALSE;
          return NULL;
        }
      {
        g_autofree char *contents = NULL;
        gsize length;

        if (!g_file_get_contents (path, &contents, &length, error))
          return NULL;
        bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
      }
    }
  if (bytes == NULL)
    return NULL;
  if (is_gzip (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)))
    {
      GBytes *plain = gunzip (bytes, name, error);

      if (plain == NULL)
        return NULL;
      g_bytes_unref (bytes);
      bytes = plain;
    }
  {
    IotFile *self = file_new (name);
    gsize size;

    self->owned = g_bytes_ref (bytes);
    self->bytes = g_bytes_get_data (bytes, &size);
    self->size = size;
    if (!index_bytes (self, cancellable, progress, user_data, error))
      {
        iot_file_unref (self);
        return NULL;
      }
    return self;
  }
}

IotFile *
iot_file_open_full (const char *path, GCancellable *cancellable, IotFileProgress progress,
                    gpointer user_data, GError **error)
{
  IotFile *self;
  gboolean handled;

  self = open_unmappable (path, cancellable, progress, user_data, error, &handled);
  if (handled)
    return self;
  self = file_new (path);
  if (!map_file (self, error)
      || !index_bytes (self, cancellable, progress, user_data, error))
    {
      iot_file_unref (self);
      return NULL;
    }
  return self;
}

IotFile *
iot_file_open_bytes (GBytes *bytes, const char *name, GError **error)
{
  IotFile *self = file_new (name);
  gsize size;

  self->owned = g_bytes_ref (bytes);
  self->bytes = g_bytes_get_data (bytes, &size);
  self->size = size;
  if (!index_bytes (self, NULL, NULL, NULL, error))
    {
      iot_file_unref (self);
      return NULL;
    }
  return self;
}

IotFile *
iot_file_open (const char *path, GError **error)
{
  return iot_file_open_full (path, NULL, NULL, NULL, error);
}

static gpointer
indexing_thread (gpointer data)
{
  IotFile *self = data;
  Indexing *indexing = self->indexing;
  GError *error = NULL;
  gboolean ok = index_frames (self, TRUE, NULL, NULL, NULL, &error);

  g_mutex_lock (&indexing->lock);
  indexing->ok = ok;
  indexing->error = error;
  indexing->done = TRUE;
  g_atomic_int_set (&indexing->published, (gint) iot_frame_index_len (self->frames));
  g_cond_broadcast (&indexing->cond);
  g_mutex_unlock (&indexing->lock);
  return NULL;
}

IotFile *
iot_file_open_indexing (const char *path, GError **error)
{
  IotFile *self;
  gboolean handled;

  self = open_unmappable (path, NULL, NULL, NULL, error, &handled);
  if (handled)
    return self;
  self = file_new (path);
  if (!map_file (self, error) || !detect_format (self, error))
    {
      iot_file_unref (self);
      return NULL;
    }
  self->indexing = g_new0 (Indexing, 1);
  g_mutex_init (&self->indexing->lock);
  g_cond_init (&self->indexing->cond);
  self->indexing->thread = g_thread_new ("iot-index", indexing_thread, self);
  return self;
}

guint32
iot_file_wait_frames (IotFile *self, guint32 n)
{
  Indexing *indexing = self->indexing;
  guint32 have;

  if (indexing == NULL)
    return iot_file_n_frames (self);
  g_mutex_lock (&indexing->lock);
  while (!indexing->done && (guint32) g_atomic_int_get (&indexing->published) < n)
    g_cond_wait (&indexing->cond, &indexing->lock);
  have = (guint32) g_atomic_int_get (&indexing->published);
  g_mutex_unlock (&indexing->lock);
  return have;
}

gboolean
iot_file_indexing_done (IotFile *self)
{
  gboolean done;

  if (self->indexing == NULL)
    return TRUE;
  g_mutex_lock (&self->indexing->lock);
  done = self->indexing->done;
  g_mutex_unlock (&self->indexing->lock);
  return done;
}

gboolean
iot_file_finish_indexing (IotFile *self, GError **error)
{
  Indexing *indexing = self->indexing;

  if (indexing == NULL)
    return TRUE;
  if (indexing->thread != NULL)
    g_thread_join (g_steal_pointer (&indexing->thread));
  if (!indexing->ok)
    {
      if (error != NULL && indexing->error != NULL)
        *error = g_error_copy (indexing->error);
      return FALSE;
    }
  return TRUE;
}

static void
indexing_free (Indexing *indexing)
{
  if (indexing->thread != NULL)
    g_thread_join (indexing->thread);
  g_clear_error (&indexing->error);
  g_mutex_clear (&indexing->lock);
  g_cond_clear (&indexing->cond);
  g_free (indexing);
}

IotFile *
iot_file_ref (IotFile *self)
{
  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
iot_file_unref (IotFile *self)
{
  if (self == NULL || !g_atomic_int_dec_and_test (&self->ref_count))
    return;
  if (self->growing != NULL)
    growing_free (self->growing);
  /* The thread reads the mapping: it ends first. */
  if (self->indexing != NULL)
    indexing_free (self->indexing);
  if (self->map_base != NULL)
    {
      iot_file_guard_unwatch (self->map_base);
      munmap (self->map_base, self->map_length);
    }
  if (self->fd >= 0)
    close (self->fd);
  g_clear_pointer (&self->guard, iot_file_guard_free);
  g_clear_pointer (&self->owned, g_bytes_unref);
  iot_frame_index_free (self->frames);
  iot_frame_notes_free (self->notes);
  g_free (self->damage);
  g_free (self->path);
  g_free (self);
}

const char *
iot_file_path (IotFile *self)
{
  return self->path;
}

IotFileFormat
iot_file_format (IotFile *self)
{
  return self->format;
}

const char *
iot_file_format_name (IotFile *self)
{
  switch (self->format)
    {
    case IOT_FILE_FORMAT_PCAP:
      return "pcap";
    /* Marked only: the window translates them, the CLI prints them as is. */
    case IOT_FILE_FORMAT_PCAP_NSEC:
      return N_("pcap (nanosecond)");
    case IOT_FILE_FORMAT_PCAP_MODIFIED:
      return N_("modified pcap (Kuznetsov)");
    case IOT_FILE_FORMAT_PCAPNG:
    default:
      return "pcapng";
    }
}

guint32
iot_file_n_frames (IotFile *self)
{
  if (self->growing != NULL)
    return (guint32) g_atomic_int_get (&self->growing->n_frames);
  if (self->indexing != NULL)
    return (guint32) g_atomic_int_get (&self->indexing->published);
  return iot_frame_index_len (self->frames);
}

/* The entries iot_file_frame() decodes, per thread: each stays valid
 * until its thread has asked for FRAME_RING more. */
#define FRAME_RING 32
static _Thread_local IotFrame frame_ring[FRAME_RING];
static _Thread_local guint frame_ring_next;

const IotFrame *
iot_file_frame (IotFile *self, guint32 number)
{
  IotFrame *slot;

  g_return_val_if_fail (number >= 1 && number <= iot_file_n_frames (self), NULL);
  slot = &frame_ring[frame_ring_next++ % FRAME_RING];
  iot_frame_index_get (self->frames, number - 1, slot);
  return slot;
}

void
iot_file_frame_copy (IotFile *self, guint32 number, IotFrame *out)
{
  g_return_if_fail (number >= 1 && number <= iot_file_n_frames (self));
  iot_frame_index_get (self->frames, number - 1, out);
}

const guint8 *
iot_file_frame_data (IotFile *self, guint32 number)
{
  const guint8 *bytes = g_atomic_pointer_get (&self->bytes);

  g_return_val_if_fail (number >= 1 && number <= iot_file_n_frames (self), NULL);
  return bytes + iot_frame_index_offset (self->frames, number - 1);
}

const guint8 *
iot_file_frame_data_of (IotFile *self, const IotFrame *frame)
{
  return (const guint8 *) g_atomic_pointer_get (&self->bytes) + frame->offset;
}

IotFrameNotes *
iot_file_notes (IotFile *self)
{
  return self->notes;
}

char **
iot_file_read_frame_comments (IotFile *self, guint32 number)
{
  const IotFrame *frame = iot_file_frame (self, number);
  const guint8 *bytes = g_atomic_pointer_get (&self->bytes);

  if (frame == NULL || !(frame->flags & IOT_FRAME_HAS_COMMENT) || bytes == NULL)
    return NULL;
  return iot_pcapng_frame_comments (bytes, self->size, frame);
}

const char *
iot_file_damage (IotFile *self)
{
  return self->damage;
}

guint64
iot_file_size (IotFile *self)
{
  return self->size;
}

gboolean
iot_file_frame_intact (IotFile *self, guint32 number)
{
  guint64 end, next_page;
  gsize page;

  g_return_val_if_fail (number >= 1 && number <= iot_file_n_frames (self), FALSE);
  if (self->guard == NULL)
    return TRUE;
  end = iot_frame_index_end (self->frames, number - 1);
  if (end > iot_file_guard_gone_from (self->guard))
    return FALSE;
  /* Reading the page after the frame's last byte proves the file still
   * reaches past it, or faults and has the guard record how far it does
   * reach.  One load from a page the next frames use anyway, instead of
   * asking the file (a system call) for every frame. */
  page = iot_file_guard_page_size ();
  next_page = (end + page - 1) / page * page;
  if (next_page < self->size)
    {
      const guint8 *bytes = g_atomic_pointer_get (&self->bytes);

      (void) *(volatile const guint8 *) (bytes + next_page);
    }
  else
    iot_file_guard_check (self->guard, self->size);   /* the last page */
  return end <= iot_file_guard_gone_from (self->guard);
}

gboolean
iot_file_frame_gone (IotFile *self, guint32 number)
{
  g_return_val_if_fail (number >= 1 && number <= iot_file_n_frames (self), FALSE);
  return self->guard != NULL
         && iot_frame_index_end (self->frames, number - 1) > iot_file_guard_gone_from (self->guard);
}

gboolean
iot_file_frame_gone_of (IotFile *self, const IotFrame *frame)
{
  return self->guard != NULL && frame->offset + frame->caplen > iot_file_guard_gone_from (self->guard);
}

guint32
iot_file_first_lost (IotFile *self)
{
  guint32 intact;

  if (self->guard == NULL)
    return 0;
  iot_file_guard_check (self->guard, self->size);
  intact = count_intact (self, iot_file_guard_gone_from (self->guard), iot_file_n_frames (self));
  return intact < iot_file_n_frames (self) ? intact + 1 : 0;
}

char *
iot_file_lost_message (IotFile *self, guint32 first_lost)
{
  g_autofree char *why = shrink_reason (self);
  guint32 n = first_lost - 1;

  return g_strdup_printf ("the file is cut short or damaged after frame %u (%s); %s", n, why,
                          n == 0 ? "no frame could be read"
                          : n == 1 ? "the frame before it was read"
                          : "the frames before it were read");
}

/* ---- growing files ---------------------------------------------------------- */

static void
growing_free (GrowingState *g)
{
  for (guint i = 0; i < g->maps->len; i++)
    {
      Mapping *m = &g_array_index (g->maps, Mapping, i);

      iot_file_guard_unwatch (m->base);
      munmap (m->base, m->length);
    }
  g_array_unref (g->maps);
  if (g->fd >= 0)
    close (g->fd);
  g_free (g);
}

/* Maps at least @size bytes.  The mapping reaches past the end of the file
 * (those pages are never touched: only indexed records are read), so most
 * appends need no new mapping. */
static gboolean
growing_map (IotFile *self, guint64 size, GError **error)
{
  GrowingState *g = self->growing;
  Mapping m;
  guint64 length = MAX (GROW_MIN_MAP, size * 2);

  if (length > G_MAXSIZE)
    length = size;
  m.length = (gsize) length;
  m.base = mmap (NULL, m.length, PROT_READ, MAP_SHARED, g->fd, 0);
  if (m.base == MAP_FAILED)
    {
      int saved = errno;

      g_set_error (error, IOT_FILE_ERROR, IOT_FILE_ERROR_OPEN, "%s: cannot map the file: %s",
                   self->path, g_strerror (saved));
      return FALSE;
    }
  g_array_append_val (g->maps, m);
  iot_file_guard_watch (self->guard, m.base, m.length);
  g->map_len = m.length;
  g_atomic_pointer_set (&self->bytes, (const guint8 *) m.base);
  return TRUE;
}

/* The file header, read by the same parser as whole files, so the link
 * type and time stamps agree with iot_file_open(). */
static gboolean
growing_read_header (IotFile *self, GError **error)
{
  GrowingState *g = self->growing;
  g_autofree char *why = NULL;

  if (self->size < IOT_PCAP_FILE_HEADER)
    {
      g_set_error (error, IOT_FILE_ERROR, IOT_FILE_ERROR_FORMAT,
                   "%s: the file is too short to hold a pcap header", self->path);
      return FALSE;
    }
  if (!detect_format (self, error))
    return FALSE;
  if (self->format == IOT_FILE_FORMAT_PCAPNG)
    {
      g_set_error (error, IOT_FILE_ERROR, IOT_FILE_ERROR_FORMAT,
                   "%s: only pcap files can be followed while they grow, not pcapng", self->path);
      return FALSE;
    }
  if (!iot_pcap_read_header (self->bytes, self->size, &g->header, &why))
    {
      g_set_error (error, IOT_FILE_ERROR, IOT_FILE_ERROR_FORMAT,
                   "%s: cannot read this capture file: %s", self->path, why);
      return FALSE;
    }
  g->indexed_end = IOT_PCAP_FILE_HEADER;
  return TRUE;
}

/* Indexes the complete records between indexed_end and the end of the
 * file, then publishes them all at once. */
static guint32
growing_index (IotFile *self)
{
  GrowingState *g = self->growing;
  guint32 n = (guint32) g->n_frames, first = n;

  while (!g->stopped)
    {
      IotFrame frame;
      char *why = NULL;
      IotRecordStatus status = iot_pcap_read_record (&g->header, self->bytes, self->size,
                                                     &g->indexed_end, &frame, &why);

      if (status == IOT_RECORD_OK && n == G_MAXUINT32 - 1)
        {
          status = IOT_RECORD_BAD;
          why = g_strdup ("more frames than can be numbered");
        }
      if (status == IOT_RECORD_BAD)
        {
          g->n_frames = (gint) n;   /* set_damage counts the frames */
          set_damage (self, why);
          g->stopped = TRUE;
        }
      g_free (why);
      if (status != IOT_RECORD_OK)
        break;   /* at the end, or a record still being written */
      iot_frame_index_append (self->frames, &frame);
      n++;
    }
  g_atomic_int_set (&g->n_frames, (gint) n);
  return n - first;
}

IotFile *
iot_file_open_growing (const char *path, GError **error)
{
  IotFile *self = file_new (path);

  self->growing = g_new0 (GrowingState, 1);
  self->growing->maps = g_array_new (FALSE, FALSE, sizeof (Mapping));
  self->growing->fd = open (path, O_RDONLY | O_CLOEXEC);
  if (self->growing->fd < 0)
    {
      int saved = errno;

      g_set_error (error, IOT_FILE_ERROR, IOT_FILE_ERROR_OPEN, "%s: %s", path, g_strerror (saved));
      iot_file_unref (self);
      return NULL;
    }
  self->guard = iot_file_guard_new (self->growing->fd);
  if (!iot_file_refresh (self, NULL, error))
    {
      iot_file_unref (self);
      return NULL;
    }
  return self;
}

gboolean
iot_file_refresh (IotFile *self, guint32 *n_new, GError **error)
{
  GrowingState *g = self->growing;
  struct stat st;
  guint32 added;

  if (n_new != NULL)
    *n_new = 0;
  if (g == NULL || g->stopped)
    return TRUE;
  if (fstat (g->fd, &st) < 0)
    {
      int saved = errno;

      g_set_error (error, IOT_FILE_ERROR, IOT_FILE_ERROR_OPEN, "%s: %s", self->path,
                   g_strerror (saved));
      return FALSE;
    }
  if ((guint64) st.st_size < g->indexed_end)
    {
      /* Truncated under us: frames past the new end are lost, and what
       * is written next is no continuation of what we indexed. */
      iot_file_guard_check (self->guard, g->indexed_end);
      g->stopped = TRUE;
      return TRUE;
    }
  if ((guint64) st.st_size <= self->size && g->maps->len > 0)
    return TRUE;
  if ((guint64) st.st_size > g->map_len && !growing_map (self, (guint64) st.st_size, error))
    return FALSE;
  self->size = (guint64) st.st_size;
  if (g->indexed_end == 0 && !growing_read_header (self, error))
    return FALSE;
  added = growing_index (self);
  if (n_new != NULL)
    *n_new = added;
  return TRUE;
}

gboolean
iot_file_is_growing (IotFile *self)
{
  return self->growing != NULL;
}
