/* iot-cli-stream.c — standard input copied to a spool file as it comes,
 * so that frames can be printed before the writer ends (tcpdump -w - |
 * iotscope-cli -r -). */
#include "iot-cli-stream.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

struct _IotStdinSpool {
  char              *path;
  int                fd;
  GThread           *thread;
  IotStdinSpoolFunc  func;
  gpointer           data;
  GMutex             lock;       /* guards size and magic */
  guint64            size;       /* bytes written so far */
  gint               pending;    /* atomic: a notification is queued */
  gint               done;       /* atomic: the input ended */
  gint               stopping;   /* atomic: the reader should stop */
  GError            *error;      /* set by the thread before done */
  guint8             magic[4];
};

static gboolean
dispatch (gpointer data)
{
  IotStdinSpool *spool = data;

  g_atomic_int_set (&spool->pending, 0);
  spool->func (spool, g_atomic_int_get (&spool->done), spool->data);
  return G_SOURCE_REMOVE;
}

/* One notification at a time: a burst of writes costs one refresh. */
static void
notify (IotStdinSpool *spool)
{
  if (g_atomic_int_compare_and_exchange (&spool->pending, 0, 1))
    g_idle_add (dispatch, spool);
}

static gboolean
write_all (int fd, const guint8 *p, gsize n)
{
  while (n > 0)
    {
      gssize w = write (fd, p, n);

      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return FALSE;
      p += w;
      n -= (gsize) w;
    }
  return TRUE;
}

static gpointer
copy_input (gpointer data)
{
  IotStdinSpool *spool = data;
  guint8 chunk[1 << 16];

  while (!g_atomic_int_get (&spool->stopping))
    {
      gssize n = read (STDIN_FILENO, chunk, sizeof chunk);

      if (n == 0)
        break;
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 || !write_all (spool->fd, chunk, (gsize) n))
        {
          int saved = errno;

          spool->error = g_error_new (G_FILE_ERROR, g_file_error_from_errno (saved),
                                      "standard input: %s failed: %s", n < 0 ? "read" : "spooling",
                                      g_strerror (saved));
          break;
        }
      g_mutex_lock (&spool->lock);
      for (guint64 i = spool->size; i < 4 && i - spool->size < (guint64) n; i++)
        spool->magic[i] = chunk[i - spool->size];
      spool->size += (guint64) n;
      g_mutex_unlock (&spool->lock);
      notify (spool);
    }
  g_atomic_int_set (&spool->done, 1);
  notify (spool);
  return NULL;
}

IotStdinSpool *
iot_stdin_spool_start (IotStdinSpoolFunc func, gpointer data, GError **error)
{
  IotStdinSpool *spool = g_new0 (IotStdinSpool, 1);

  spool->fd = g_file_open_tmp ("iotscope-stdin-XXXXXX.pcap", &spool->path, error);
  if (spool->fd < 0)
    {
      g_free (spool);
      return NULL;
    }
  g_mutex_init (&spool->lock);
  spool->func = func;
  spool->data = data;
  spool->thread = g_thread_new ("stdin", copy_input, spool);
  return spool;
}

void
iot_stdin_spool_free (IotStdinSpool *spool)
{
  if (spool == NULL)
    return;
  /* The thread may be blocked in read(): it is left to end with the
   * process when the input has not ended yet. */
  g_atomic_int_set (&spool->stopping, 1);
  if (g_atomic_int_get (&spool->done))
    g_thread_join (spool->thread);
  else
    g_thread_unref (spool->thread);
  g_unlink (spool->path);
  if (g_atomic_int_get (&spool->done))
    {
      close (spool->fd);
      g_mutex_clear (&spool->lock);
      g_clear_error (&spool->error);
      g_free (spool->path);
      g_free (spool);
    }
}

const char *
iot_stdin_spool_path (IotStdinSpool *spool)
{
  return spool->path;
}

guint64
iot_stdin_spool_size (IotStdinSpool *spool)
{
  guint64 size;

  g_mutex_lock (&spool->lock);
  size = spool->size;
  g_mutex_unlock (&spool->lock);
  return size;
}

gboolean
iot_stdin_spool_is_pcap (IotStdinSpool *spool)
{
  static const guint8 magics[][4] = {
    { 0xd4, 0xc3, 0xb2, 0xa1 }, { 0xa1, 0xb2, 0xc3, 0xd4 },   /* µs */
    { 0x4d, 0x3c, 0xb2, 0xa1 }, { 0xa1, 0xb2, 0x3c, 0x4d },   /* ns */
  };

  gboolean pcap = FALSE;

  g_mutex_lock (&spool->lock);
  for (guint i = 0; spool->size >= 4 && i < G_N_ELEMENTS (magics); i++)
    pcap |= memcmp (spool->magic, magics[i], 4) == 0;
  g_mutex_unlock (&spool->lock);
  return pcap;
}

const GError *
iot_stdin_spool_error (IotStdinSpool *spool)
{
  return g_atomic_int_get (&spool->done) ? spool->error : NULL;
}

gboolean
iot_copy_file_tail (const char *path, guint64 *offset, FILE *out, GError **error)
{
  guint8 chunk[1 << 16];
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  gboolean ok = TRUE;

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", path, g_strerror (saved));
      return FALSE;
    }
  for (;;)
    {
      gssize n = pread (fd, chunk, sizeof chunk, (off_t) *offset);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          ok = n == 0;
          break;
        }
      if (fwrite (chunk, 1, (gsize) n, out) != (gsize) n)
        {
          ok = FALSE;
          break;
        }
      *offset += (guint64) n;
    }
  if (!ok || fflush (out) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "writing the capture to standard output: %s",
                   g_strerror (saved));
      ok = FALSE;
    }
  close (fd);
  return ok;
}
