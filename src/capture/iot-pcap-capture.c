/* iot-pcap-capture.c — libpcap capture threads writing one pcap or pcapng
 * file (see the header).
 *
 * Each thread loops on pcap_dispatch().  Every packet goes straight into
 * the shared file under one lock; after each dispatch the file is flushed
 * and the frames written so far become a batch, queued for the consumer's
 * main context.  A consumer that falls behind only gets larger batches:
 * the threads never wait for it.
 */
#include "iot-pcap-capture.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>

#define DEFAULT_SNAPLEN      262144
#define DEFAULT_BUFFER_KIB   2048
/* Not immediate mode, as dumpcap: libpcap then uses TPACKET_V3 on Linux,
 * whose ring packs packets into blocks handed over when full or after
 * this timeout.  Immediate mode (TPACKET_V2) gives every packet a slot
 * as large as the biggest packet — 64 KiB on lo, so a 2 MiB buffer held
 * ~30 packets and a burst overflowed it.  The price is up to this much
 * latency at a low packet rate.  The duration stop has a timer thread of
 * its own. */
#define DISPATCH_TIMEOUT_MS  100
#define STATS_INTERVAL_US    (100 * G_TIME_SPAN_MILLISECOND)
/* The shortest time between two deliveries to the consumer. */
#define DELIVERY_INTERVAL_US (10 * G_TIME_SPAN_MILLISECOND)
#define PCAP_FILE_HEADER     24
#define PCAP_RECORD_HEADER   16
#define WRITE_BUFFER         (1 << 20)

G_DEFINE_QUARK (iot-pcap-error-quark, iot_pcap_error)

typedef struct {
  IotPcapCapture   *capture;
  char             *name;
  pcap_t           *pcap;
  GThread          *thread;
  guint             index;         /* pcapng interface id */
  gboolean          nano;          /* this handle's timestamps are in ns */
  struct pcap_stat  stat;          /* last pcap_stats(), under the lock */
  gint64            stats_time;
} CaptureIface;

/* A queued delivery: a batch of one file, or the end. */
typedef struct {
  char     *path;
  guint     file_number;
  guint32   first_number;
  guint     n_frames;
  gboolean  end;
} Pending;

struct _IotPcapCapture {
  GPtrArray        *ifaces;        /* CaptureIface */
  GPtrArray        *warnings;      /* char *, NULL-terminated */
  int               link_type;
  gboolean          file_nano;
  gboolean          pcapng;
  int               snaplen;
  char             *output;        /* NULL = temporary */

  guint64           stop_packets;
  double            stop_seconds;
  guint64           stop_filesize;      /* bytes */
  guint64           ring_filesize;      /* bytes */
  guint             ring_files;
  guint64           ring_packets;
  gint64            ring_us;            /* -b duration, µs */
  gint64            ring_interval_us;   /* -b interval, µs */
  guint             stop_files;
  char             *ring_prefix;        /* NULL without a ring buffer */
  char             *ring_suffix;

  GMutex            lock;          /* everything below */
  FILE             *stream;
  char             *path;
  guint             file_number;
  guint64           file_size;
  guint32           frames_in_file;
  gint64            file_first_us; /* time stamp of the file's first packet, µs since 1970 */
  guint             batch_frames;  /* written but not yet flushed */
  guint32           batch_first;
  GQueue            pending;       /* Pending */
  GQueue            ring_paths;    /* char *, oldest first */
  GSource          *idle;          /* the one pending delivery, or NULL */
  GMainContext     *context;
  IotPcapCallbacks  callbacks;
  gpointer          user_data;
  guint64           captured;
  guint64           bytes;
  gboolean          done;          /* write nothing more */
  GError           *error;         /* the first fault */
  guint             threads_running;
  gboolean          started;
  gboolean          finished;
  gint64            deadline;      /* monotonic µs; 0 = none */
  gint64            last_delivery;
  GCond             finished_cond;
  GThread          *timer;

  gint              stop_requested;   /* atomic */
};

/* ---- errors ------------------------------------------------------------------ */

static void
set_status_error (GError **error, pcap_t *pcap, const char *iface, int status)
{
  const char *detail = pcap_geterr (pcap);

  if (detail == NULL || detail[0] == '\0')
    detail = pcap_statustostr (status);
  switch (status)
    {
    case PCAP_ERROR_NO_SUCH_DEVICE:
      g_set_error (error, IOT_PCAP_ERROR, IOT_PCAP_ERROR_NO_SUCH_INTERFACE,
                   "there is no capture interface named \"%s\" (%s)", iface, detail);
      break;
    case PCAP_ERROR_PERM_DENIED:
    case PCAP_ERROR_PROMISC_PERM_DENIED:
      g_set_error (error, IOT_PCAP_ERROR, IOT_PCAP_ERROR_PERMISSION,
                   "you don't have permission to capture on \"%s\" (%s).\n"
                   "Capturing needs the capabilities cap_net_raw and cap_net_admin on the capture "
                   "program iotscope-capture (and only there). Give them once, as root, with\n"
                   "    make caps    (or: src/cli/set-capture-caps.sh BUILD_DIR)\n"
                   "or capture as root.", iface, detail);
      break;
    case PCAP_ERROR_RFMON_NOTSUP:
      g_set_error (error, IOT_PCAP_ERROR, IOT_PCAP_ERROR_MONITOR_UNSUPPORTED,
                   "the interface \"%s\" doesn't support monitor mode", iface);
      break;
    case PCAP_ERROR_IFACE_NOT_UP:
      g_set_error (error, IOT_PCAP_ERROR, IOT_PCAP_ERROR_FAILED,
                   "the interface \"%s\" is not up (%s)", iface, detail);
      break;
    default:
      g_set_error (error, IOT_PCAP_ERROR, IOT_PCAP_ERROR_FAILED,
                   "cannot capture on \"%s\": %s", iface, detail);
      break;
    }
}

/* ---- opening ------------------------------------------------------------------- */

static void
iface_free (CaptureIface *iface)
{
  if (iface->pcap != NULL)
    pcap_close (iface->pcap);
  g_free (iface->name);
  g_free (iface);
}

static gboolean
apply_filter (CaptureIface *iface, const char *filter, GError **error)
{
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  bpf_u_int32 net = 0, mask = PCAP_NETMASK_UNKNOWN;
  struct bpf_program program;

  if (filter == NULL || filter[strspn (filter, " \t\r\n")] == '\0')
    return TRUE;
  /* The netmask only matters for "ip broadcast". */
  if (pcap_lookupnet (iface->name, &net, &mask, errbuf) != 0)
    mask = PCAP_NETMASK_UNKNOWN;
  if (pcap_compile (iface->pcap, &program, filter, 1, mask) != 0)
    {
      g_set_error (error, IOT_PCAP_ERROR, IOT_PCAP_ERROR_FILTER,
                   "invalid capture filter \"%s\" for interface \"%s\": %s",
                   filter, iface->name, pcap_geterr (iface->pcap));
      return FALSE;
    }
  if (pcap_setfilter (iface->pcap, &program) != 0)
    {
      g_set_error (error, IOT_PCAP_ERROR, IOT_PCAP_ERROR_FILTER,
                   "cannot set the capture filter on \"%s\": %s", iface->name, pcap_geterr (iface->pcap));
      pcap_freecode (&program);
      return FALSE;
    }
  pcap_freecode (&program);
  return TRUE;
}

static CaptureIface *
iface_open (IotPcapCapture *self, const char *name, const IotPcapOptions *options, GError **error)
{
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  CaptureIface *iface = g_new0 (CaptureIface, 1);
  int rc;

  iface->capture = self;
  iface->name = g_strdup (name);
  iface->index = self->ifaces->len;
  iface->pcap = pcap_create (name, errbuf);
  if (iface->pcap == NULL)
    {
      g_set_error (error, IOT_PCAP_ERROR, IOT_PCAP_ERROR_FAILED, "cannot capture on \"%s\": %s", name, errbuf);
      iface_free (iface);
      return NULL;
    }
  pcap_set_snaplen (iface->pcap, self->snaplen);
  pcap_set_promisc (iface->pcap, !options->no_promiscuous);
  pcap_set_timeout (iface->pcap, DISPATCH_TIMEOUT_MS);
  pcap_set_buffer_size (iface->pcap, (options->buffer_kib > 0 ? options->buffer_kib : DEFAULT_BUFFER_KIB) << 10);
  pcap_set_tstamp_precision (iface->pcap, PCAP_TSTAMP_PRECISION_NANO);
  if (options->monitor)
    {
      rc = pcap_can_set_rfmon (iface->pcap);
      if (rc != 1)
        {
          if (rc == 0)
            rc = PCAP_ERROR_RFMON_NOTSUP;
          set_status_error (error, iface->pcap, name, rc);
          iface_free (iface);
          return NULL;
        }
      pcap_set_rfmon (iface->pcap, 1);
    }
  rc = pcap_activate (iface->pcap);
  if (rc < 0)
    {
      set_status_error (error, iface->pcap, name, rc);
      iface_free (iface);
      return NULL;
    }
  if (rc > 0)
    {
      const char *detail = pcap_geterr (iface->pcap);

      g_ptr_array_insert (self->warnings, self->warnings->len - 1,
                          g_strdup_printf ("%s: %s", name, detail && *detail ? detail : pcap_statustostr (rc)));
    }
  if (options->link_type > 0 && pcap_set_datalink (iface->pcap, options->link_type) != 0)
    {
      g_set_error (error, IOT_PCAP_ERROR, IOT_PCAP_ERROR_INVALID, "\"%s\" cannot capture with link type %d: %s",
                   name, options->link_type, pcap_geterr (iface->pcap));
      iface_free (iface);
      return NULL;
    }
  iface->nano = pcap_get_tstamp_precision (iface->pcap) == PCAP_TSTAMP_PRECISION_NANO;
  if (!apply_filter (iface, options->filter, error))
    {
      iface_free (iface);
      return NULL;
    }
  return iface;
}

/* dumpcap's ring buffer names: PREFIX_00001_20240131120000.pcap */
static char *
ring_path (IotPcapCapture *self)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d%H%M%S");

  return g_strdup_printf ("%s_%05u_%s%s", self->ring_prefix, self->file_number, stamp, self->ring_suffix);
}

/* Whether files are switched (a ring buffer, or numbered files). */
static gboolean
ring_switches (IotPcapCapture *self)
{
  return self->ring_filesize > 0 || self->ring_packets > 0 || self->ring_us > 0 || self->ring_interval_us > 0;
}

/* ---- writing pcap and pcapng ------------------------------------------------------ */

static gboolean
put (IotPcapCapture *self, const void *data, gsize size)
{
  self->file_size += size;
  self->bytes += size;
  return fwrite (data, 1, size, self->stream) == size;
}

static void
put_u32 (GByteArray *block, guint32 value)
{
  g_byte_array_append (block, (const guint8 *) &value, 4);
}

static void
put_u16 (GByteArray *block, guint16 value)
{
  g_byte_array_append (block, (const guint8 *) &value, 2);
}

/* A pcapng option: code, length, value padded to 32 bits. */
static void
put_option (GByteArray *block, guint16 code, const void *value, guint16 length)
{
  static const guint8 zeros[4] = { 0 };

  put_u16 (block, code);
  put_u16 (block, length);
  g_byte_array_append (block, value, length);
  g_byte_array_append (block, zeros, (4 - length % 4) % 4);
}

/* Fills in the two total-length words of a finished pcapng block. */
static gboolean
put_block (IotPcapCapture *self, GByteArray *block)
{
  guint32 total = block->len + 4;

  memcpy (block->data + 4, &total, 4);
  put_u32 (block, total);
  return put (self, block->data, block->len);
}

/* pcapng: a Section Header Block, then one Interface Description Block per
 * interface (timestamps in ns, as we ask libpcap for them). */
static gboolean
write_pcapng_header (IotPcapCapture *self)
{
  g_autoptr (GByteArray) shb = g_byte_array_new ();
  static const char application[] = "iotscope-capture";

  put_u32 (shb, 0x0A0D0D0A);
  put_u32 (shb, 0);
  put_u32 (shb, 0x1A2B3C4D);
  put_u16 (shb, 1);
  put_u16 (shb, 0);
  put_u32 (shb, 0xFFFFFFFF);             /* section length: unknown */
  put_u32 (shb, 0xFFFFFFFF);
  put_option (shb, 4, application, sizeof application - 1);   /* shb_userappl */
  put_u32 (shb, 0);                      /* opt_endofopt */
  if (!put_block (self, shb))
    return FALSE;
  for (guint i = 0; i < self->ifaces->len; i++)
    {
      CaptureIface *iface = g_ptr_array_index (self->ifaces, i);
      g_autoptr (GByteArray) idb = g_byte_array_new ();
      guint8 resolution = self->file_nano ? 9 : 6;

      put_u32 (idb, 1);
      put_u32 (idb, 0);
      put_u16 (idb, (guint16) self->link_type);
      put_u16 (idb, 0);
      put_u32 (idb, (guint32) self->snaplen);
      put_option (idb, 2, iface->name, (guint16) strlen (iface->name));   /* if_name */
      put_option (idb, 9, &resolution, 1);                                 /* if_tsresol */
      put_u32 (idb, 0);
      if (!put_block (self, idb))
        return FALSE;
    }
  return TRUE;
}

static gboolean
write_pcap_header (IotPcapCapture *self)
{
  guint32 header[6] = { self->file_nano ? 0xa1b23c4d : 0xa1b2c3d4, 2 | (4u << 16), 0, 0,
                        (guint32) self->snaplen, (guint32) self->link_type };

  return put (self, header, sizeof header);
}

/* One packet; @ts_frac is in the file's units (µs or ns). */
static gboolean
write_record (IotPcapCapture *self, CaptureIface *iface, const struct pcap_pkthdr *h, guint64 ts_frac,
              const guint8 *bytes)
{
  if (self->pcapng)
    {
      static const guint8 zeros[4] = { 0 };
      guint64 units = (guint64) h->ts.tv_sec * (self->file_nano ? 1000000000u : 1000000u) + ts_frac;
      guint32 pad = (4 - h->caplen % 4) % 4;
      guint32 total = 32 + h->caplen + pad;
      guint32 head[7] = { 6, total, iface->index, (guint32) (units >> 32), (guint32) units, h->caplen, h->len };

      return put (self, head, sizeof head) && put (self, bytes, h->caplen) && put (self, zeros, pad)
             && put (self, &total, 4);
    }
  else
    {
      guint32 head[4] = { (guint32) h->ts.tv_sec, (guint32) ts_frac, h->caplen, h->len };

      return put (self, head, sizeof head) && put (self, bytes, h->caplen);
    }
}

/* Creates self->path (or the temporary file) with its header, flushed so
 * that the file is a valid, empty capture from the start. */
static gboolean
open_stream (IotPcapCapture *self, gboolean temporary, GError **error)
{
  if (temporary)
    {
      g_autoptr (GError) tmp_error = NULL;
      int fd = g_file_open_tmp ("iotscope-XXXXXX.pcap", &self->path, &tmp_error);

      if (fd < 0)
        {
          g_set_error (error, IOT_PCAP_ERROR, IOT_PCAP_ERROR_FILE, "cannot create a temporary capture file: %s",
                       tmp_error->message);
          return FALSE;
        }
      self->stream = fdopen (fd, "wb");
      if (self->stream == NULL)
        close (fd);
    }
  else
    self->stream = fopen (self->path, "wb");
  if (self->stream == NULL)
    {
      int saved = errno;

      g_set_error (error, IOT_PCAP_ERROR, IOT_PCAP_ERROR_FILE, "cannot create the capture file %s: %s",
                   self->path, g_strerror (saved));
      return FALSE;
    }
  /* Flushed after each dispatch anyway; a large buffer only saves system
   * calls when a dispatch returns many packets. */
  setvbuf (self->stream, NULL, _IOFBF, WRITE_BUFFER);
  self->file_size = 0;
  if (!(self->pcapng ? write_pcapng_header (self) : write_pcap_header (self)) || fflush (self->stream) != 0)
    {
      int saved = errno;

      g_set_error (error, IOT_PCAP_ERROR, IOT_PCAP_ERROR_FILE, "cannot write the capture file %s: %s",
                   self->path, g_strerror (saved));
      return FALSE;
    }
  self->frames_in_file = 0;
  self->batch_first = 1;
  if (self->ring_prefix != NULL)
    g_queue_push_tail (&self->ring_paths, g_strdup (self->path));
  return TRUE;
}

IotPcapCapture *
iot_pcap_capture_new (const IotPcapOptions *options, GError **error)
{
  g_autoptr (IotPcapCapture) self = g_new0 (IotPcapCapture, 1);

  g_mutex_init (&self->lock);
  g_cond_init (&self->finished_cond);
  g_queue_init (&self->pending);
  g_queue_init (&self->ring_paths);
  self->ifaces = g_ptr_array_new_with_free_func ((GDestroyNotify) iface_free);
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->warnings, NULL);
  self->snaplen = options->snaplen > 0 ? options->snaplen : DEFAULT_SNAPLEN;
  self->pcapng = options->pcapng;
  self->output = g_strdup (options->output);
  self->stop_packets = options->stop_packets;
  self->stop_seconds = options->stop_seconds;
  self->stop_filesize = options->stop_filesize_kb * 1000;
  self->ring_filesize = options->ring_filesize_kb * 1000;
  self->ring_files = options->ring_files;
  self->ring_packets = options->ring_packets;
  self->ring_us = (gint64) (options->ring_seconds * G_USEC_PER_SEC);
  self->ring_interval_us = (gint64) (options->ring_interval * G_USEC_PER_SEC);
  self->stop_files = options->stop_files;
  self->file_number = 1;

  if (options->interfaces == NULL || options->interfaces[0] == NULL)
    {
      g_set_error (error, IOT_PCAP_ERROR, IOT_PCAP_ERROR_INVALID, "no capture interface given");
      return NULL;
    }
  if ((options->ring_files > 0 || options->stop_files > 0) && !ring_switches (self))
    {
      g_set_error (error, IOT_PCAP_ERROR, IOT_PCAP_ERROR_INVALID,
                   "a ring buffer of %u files needs a size or another condition to switch files at (filesize:KB, packets:N, "
                   "duration:S or interval:S)", MAX (options->ring_files, options->stop_files));
      return NULL;
    }
  if (ring_switches (self) && options->output == NULL)
    {
      g_set_error (error, IOT_PCAP_ERROR, IOT_PCAP_ERROR_INVALID,
                   "a ring buffer needs an output file name to number its files after");
      return NULL;
    }
  for (guint i = 0; options->interfaces[i] != NULL; i++)
    {
      CaptureIface *iface = iface_open (self, options->interfaces[i], options, error);

      if (iface == NULL)
        return NULL;
      g_ptr_array_add (self->ifaces, iface);
      if (i == 0)
        self->link_type = pcap_datalink (iface->pcap);
      else if (pcap_datalink (iface->pcap) != self->link_type)
        {
          /* Our files hold one link type. */
          g_set_error (error, IOT_PCAP_ERROR, IOT_PCAP_ERROR_INVALID,
                       "\"%s\" (%s) and \"%s\" (%s) have different link types; they can't be captured "
                       "into one file together", options->interfaces[0],
                       pcap_datalink_val_to_name (self->link_type), iface->name,
                       pcap_datalink_val_to_name (pcap_datalink (iface->pcap)));
          return NULL;
        }
    }
  self->file_nano = ((CaptureIface *) g_ptr_array_index (self->ifaces, 0))->nano;
  return g_steal_pointer (&self);
}

gboolean
iot_pcap_capture_open_file (IotPcapCapture *self, GError **error)
{
  if (ring_switches (self))
    {
      const char *base = strrchr (self->output, '/');
      const char *dot = strrchr (base ? base + 1 : self->output, '.');

      self->ring_prefix = dot ? g_strndup (self->output, dot - self->output) : g_strdup (self->output);
      self->ring_suffix = g_strdup (dot ? dot : "");
      self->path = ring_path (self);
    }
  else
    self->path = g_strdup (self->output);
  return open_stream (self, self->output == NULL, error);
}

/* ---- delivery ------------------------------------------------------------------- */

static void
pending_free (Pending *p)
{
  g_free (p->path);
  g_free (p);
}

static gboolean
deliver (gpointer data)
{
  IotPcapCapture *self = data;
  GQueue items = G_QUEUE_INIT;
  Pending *p;

  g_mutex_lock (&self->lock);
  items = self->pending;
  g_queue_init (&self->pending);
  g_clear_pointer (&self->idle, g_source_unref);
  self->last_delivery = g_get_monotonic_time ();
  g_mutex_unlock (&self->lock);

  while ((p = g_queue_pop_head (&items)) != NULL)
    {
      if (!p->end && self->callbacks.batch != NULL)
        {
          IotPcapBatch batch = { p->path, p->file_number, p->first_number, p->n_frames };

          self->callbacks.batch (self, &batch, self->user_data);
        }
      else if (p->end && self->callbacks.finished != NULL)
        self->callbacks.finished (self, self->error, self->user_data);
      pending_free (p);
    }
  return G_SOURCE_REMOVE;
}

/* Queues an item and makes sure one idle (and only one) will deliver it. */
static void
queue_locked (IotPcapCapture *self, Pending *p)
{
  g_queue_push_tail (&self->pending, p);
  if (self->idle == NULL && self->context != NULL)
    {
      gint64 since = g_get_monotonic_time () - self->last_delivery;

      /* Under load, waking the consumer for every dispatch would cost more
       * than the batches are worth: at most one delivery per interval. */
      if (since < DELIVERY_INTERVAL_US)
        self->idle = g_timeout_source_new ((guint) ((DELIVERY_INTERVAL_US - since) / 1000) + 1);
      else
        self->idle = g_idle_source_new ();
      g_source_set_callback (self->idle, deliver, self, NULL);
      g_source_set_static_name (self->idle, "[iotscope-capture] batches");
      g_source_attach (self->idle, self->context);
    }
}

/* Flushes the file and reports the frames written since the last flush. */
static void
publish_locked (IotPcapCapture *self)
{
  Pending *p;

  if (self->batch_frames == 0 || self->stream == NULL)
    return;
  if (fflush (self->stream) != 0 && self->error == NULL)
    {
      int saved = errno;

      g_set_error (&self->error, IOT_PCAP_ERROR, IOT_PCAP_ERROR_FILE, "cannot write the capture file %s: %s",
                   self->path, g_strerror (saved));
      self->done = TRUE;
    }
  /* Batches not delivered yet are merged: one report per file per idle,
   * however far behind the consumer is. */
  p = g_queue_peek_tail (&self->pending);
  if (p == NULL || p->end || p->file_number != self->file_number)
    {
      p = g_new0 (Pending, 1);
      p->path = g_strdup (self->path);
      p->file_number = self->file_number;
      p->first_number = self->batch_first;
      queue_locked (self, p);
    }
  p->n_frames += self->batch_frames;
  self->batch_first += self->batch_frames;
  self->batch_frames = 0;
}

/* ---- capturing ------------------------------------------------------------------- */

static void
break_all_locked (IotPcapCapture *self)
{
  for (guint i = 0; i < self->ifaces->len; i++)
    pcap_breakloop (((CaptureIface *) g_ptr_array_index (self->ifaces, i))->pcap);
}

static void
fail_locked (IotPcapCapture *self, GError *error)
{
  if (self->error == NULL)
    self->error = error;
  else
    g_error_free (error);
  self->done = TRUE;
  break_all_locked (self);
}

static void
close_stream_locked (IotPcapCapture *self)
{
  if (self->stream != NULL && fclose (self->stream) != 0 && self->error == NULL)
    {
      int saved = errno;

      g_set_error (&self->error, IOT_PCAP_ERROR, IOT_PCAP_ERROR_FILE, "cannot write the capture file %s: %s",
                   self->path, g_strerror (saved));
    }
  self->stream = NULL;
}

/* Closes the current ring file and starts the next; the oldest beyond
 * ring_files is deleted. */
static void
rotate_locked (IotPcapCapture *self)
{
  g_autoptr (GError) error = NULL;

  publish_locked (self);
  close_stream_locked (self);
  while (self->ring_files > 0 && g_queue_get_length (&self->ring_paths) >= self->ring_files)
    {
      g_autofree char *oldest = g_queue_pop_head (&self->ring_paths);

      g_unlink (oldest);
    }
  self->file_number++;
  g_free (self->path);
  self->path = ring_path (self);
  if (!open_stream (self, FALSE, &error))
    fail_locked (self, g_steal_pointer (&error));
}

/* Whether the current file is complete: the packet stamped @ts_us goes
 * to the next one.  Time conditions compare packet time stamps, so a
 * file holds exactly the packets of its span (a switch happens when a
 * packet comes). */
static gboolean
file_is_full (IotPcapCapture *self, gint64 ts_us)
{
  if (self->frames_in_file == 0)
    return FALSE;
  return (self->ring_filesize > 0 && self->file_size >= self->ring_filesize)
         || (self->ring_packets > 0 && self->frames_in_file >= self->ring_packets)
         || (self->ring_us > 0 && ts_us - self->file_first_us >= self->ring_us)
         || (self->ring_interval_us > 0 && ts_us / self->ring_interval_us != self->file_first_us / self->ring_interval_us);
}

static void
on_packet (u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
  CaptureIface *iface = (CaptureIface *) user;
  IotPcapCapture *self = iface->capture;
  guint64 frac = (guint64) h->ts.tv_usec;

  g_mutex_lock (&self->lock);
  if (self->done)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  if (file_is_full (self, (gint64) h->ts.tv_sec * G_USEC_PER_SEC + (iface->nano ? h->ts.tv_usec / 1000 : h->ts.tv_usec)))
    {
      /* -a files:N: the N-th file is complete, the capture ends. */
      if (self->stop_files > 0 && self->file_number >= self->stop_files)
        {
          self->done = TRUE;
          break_all_locked (self);
          g_mutex_unlock (&self->lock);
          return;
        }
      rotate_locked (self);
      if (self->done)
        {
          g_mutex_unlock (&self->lock);
          return;
        }
    }
  /* The file takes the first interface's precision. */
  if (iface->nano && !self->file_nano)
    frac /= 1000;
  else if (!iface->nano && self->file_nano)
    frac *= 1000;
  if (!write_record (self, iface, h, frac, bytes))
    {
      int saved = errno;

      fail_locked (self, g_error_new (IOT_PCAP_ERROR, IOT_PCAP_ERROR_FILE, "cannot write the capture file %s: %s",
                                      self->path, g_strerror (saved)));
      g_mutex_unlock (&self->lock);
      return;
    }
  if (self->frames_in_file == 0)
    self->file_first_us = (gint64) h->ts.tv_sec * G_USEC_PER_SEC + (iface->nano ? h->ts.tv_usec / 1000 : h->ts.tv_usec);
  self->batch_frames++;
  self->frames_in_file++;
  self->captured++;
  if ((self->stop_packets > 0 && self->captured >= self->stop_packets)
      || (self->stop_filesize > 0 && self->ring_filesize == 0 && self->file_size >= self->stop_filesize))
    {
      self->done = TRUE;
      break_all_locked (self);
    }
  g_mutex_unlock (&self->lock);
}

static void
update_stats (CaptureIface *iface, gboolean force)
{
  IotPcapCapture *self = iface->capture;
  gint64 now = g_get_monotonic_time ();
  struct pcap_stat stat;

  if (!force && now - iface->stats_time < STATS_INTERVAL_US)
    return;
  iface->stats_time = now;
  if (pcap_stats (iface->pcap, &stat) != 0)
    return;
  g_mutex_lock (&self->lock);
  iface->stat = stat;
  g_mutex_unlock (&self->lock);
}

static void
dispatch_failed (CaptureIface *iface)
{
  IotPcapCapture *self = iface->capture;
  const char *detail = pcap_geterr (iface->pcap);
  GError *error;

  if (if_nametoindex (iface->name) == 0 || strstr (detail, "went down") != NULL
      || strstr (detail, "disappeared") != NULL)
    error = g_error_new (IOT_PCAP_ERROR, IOT_PCAP_ERROR_INTERFACE_GONE,
                         "the capture on \"%s\" stopped: the interface went down or was removed "
                         "(libpcap: %s); every packet captured before was kept", iface->name, detail);
  else
    error = g_error_new (IOT_PCAP_ERROR, IOT_PCAP_ERROR_FAILED,
                         "the capture on \"%s\" stopped: %s; every packet captured before was kept",
                         iface->name, detail);
  g_mutex_lock (&self->lock);
  fail_locked (self, error);
  g_mutex_unlock (&self->lock);
}

static gboolean
is_done (IotPcapCapture *self)
{
  gboolean done;

  g_mutex_lock (&self->lock);
  done = self->done;
  g_mutex_unlock (&self->lock);
  return done;
}

/* Reads what the ring holds, without blocking; FALSE after a fault. */
static gboolean
drain_ring (CaptureIface *iface)
{
  IotPcapCapture *self = iface->capture;
  int rc;

  while ((rc = pcap_dispatch (iface->pcap, -1, on_packet, (u_char *) iface)) > 0)
    {
      g_mutex_lock (&self->lock);
      publish_locked (self);
      g_mutex_unlock (&self->lock);
      if (is_done (self))
        return TRUE;
    }
  if (rc == PCAP_ERROR)
    {
      dispatch_failed (iface);
      return FALSE;
    }
  return TRUE;
}

/* After Stop: what the kernel already holds.  The ring's open block
 * becomes readable only when the kernel retires it, at the latest one
 * timeout after it was opened: read, wait that long, read again. */
static void
drain (CaptureIface *iface)
{
  char errbuf[PCAP_ERRBUF_SIZE] = "";

  if (pcap_setnonblock (iface->pcap, 1, errbuf) != 0)
    return;
  if (!drain_ring (iface) || is_done (iface->capture))
    return;
  g_usleep ((DISPATCH_TIMEOUT_MS + 20) * G_TIME_SPAN_MILLISECOND);
  drain_ring (iface);
}

static void
finish_thread (CaptureIface *iface)
{
  IotPcapCapture *self = iface->capture;

  update_stats (iface, TRUE);
  g_mutex_lock (&self->lock);
  publish_locked (self);
  if (--self->threads_running == 0)
    {
      Pending *end = g_new0 (Pending, 1);

      self->finished = TRUE;
      self->done = TRUE;
      close_stream_locked (self);
      end->end = TRUE;
      queue_locked (self, end);
      g_cond_broadcast (&self->finished_cond);
    }
  g_mutex_unlock (&self->lock);
}

/* The duration stop: wakes at the deadline unless the capture ended. */
static gpointer
timer_thread (gpointer data)
{
  IotPcapCapture *self = data;

  g_mutex_lock (&self->lock);
  while (!self->finished && !g_atomic_int_get (&self->stop_requested))
    if (!g_cond_wait_until (&self->finished_cond, &self->lock, self->deadline))
      {
        self->done = TRUE;
        break_all_locked (self);
        break;
      }
  g_mutex_unlock (&self->lock);
  return NULL;
}

static gpointer
capture_thread (gpointer data)
{
  CaptureIface *iface = data;
  IotPcapCapture *self = iface->capture;
  gboolean faulted = FALSE;

  while (!g_atomic_int_get (&self->stop_requested))
    {
      int rc = pcap_dispatch (iface->pcap, -1, on_packet, (u_char *) iface);

      g_mutex_lock (&self->lock);
      publish_locked (self);
      g_mutex_unlock (&self->lock);
      update_stats (iface, FALSE);
      if (rc == PCAP_ERROR)
        {
          dispatch_failed (iface);
          faulted = TRUE;
          break;
        }
      if (is_done (self))
        break;
    }
  if (!faulted && !is_done (self))
    drain (iface);
  finish_thread (iface);
  return NULL;
}

void
iot_pcap_capture_start (IotPcapCapture *self, GMainContext *context, const IotPcapCallbacks *callbacks,
                        gpointer user_data)
{
  g_return_if_fail (!self->started && self->stream != NULL);
  self->started = TRUE;
  self->context = context ? g_main_context_ref (context) : g_main_context_ref_thread_default ();
  if (callbacks != NULL)
    self->callbacks = *callbacks;
  self->user_data = user_data;
  if (self->stop_seconds > 0)
    self->deadline = g_get_monotonic_time () + (gint64) (self->stop_seconds * G_USEC_PER_SEC);
  g_mutex_lock (&self->lock);
  self->threads_running = self->ifaces->len;
  for (guint i = 0; i < self->ifaces->len; i++)
    {
      CaptureIface *iface = g_ptr_array_index (self->ifaces, i);

      iface->thread = g_thread_new ("iot-capture", capture_thread, iface);
    }
  if (self->deadline != 0)
    self->timer = g_thread_new ("iot-capture-timer", timer_thread, self);
  g_mutex_unlock (&self->lock);
}

void
iot_pcap_capture_stop (IotPcapCapture *self)
{
  g_atomic_int_set (&self->stop_requested, 1);
  g_mutex_lock (&self->lock);
  break_all_locked (self);
  g_cond_broadcast (&self->finished_cond);
  g_mutex_unlock (&self->lock);
}

void
iot_pcap_capture_get_stats (IotPcapCapture *self, IotPcapStats *stats)
{
  memset (stats, 0, sizeof *stats);
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->ifaces->len; i++)
    {
      CaptureIface *iface = g_ptr_array_index (self->ifaces, i);

      stats->received += iface->stat.ps_recv;
      stats->dropped += iface->stat.ps_drop;
      stats->if_dropped += iface->stat.ps_ifdrop;
    }
  stats->captured = self->captured;
  stats->bytes = self->bytes;
  g_mutex_unlock (&self->lock);
}

char *
iot_pcap_capture_dup_path (IotPcapCapture *self)
{
  char *path;

  g_mutex_lock (&self->lock);
  path = g_strdup (self->path);
  g_mutex_unlock (&self->lock);
  return path;
}

int
iot_pcap_capture_link_type (IotPcapCapture *self)
{
  return self->link_type;
}

gboolean
iot_pcap_capture_is_nano (IotPcapCapture *self)
{
  return self->file_nano;
}

const char *const *
iot_pcap_capture_warnings (IotPcapCapture *self)
{
  return (const char *const *) self->warnings->pdata;
}

void
iot_pcap_capture_free (IotPcapCapture *self)
{
  if (self == NULL)
    return;
  iot_pcap_capture_stop (self);
  for (guint i = 0; i < self->ifaces->len; i++)
    {
      CaptureIface *iface = g_ptr_array_index (self->ifaces, i);

      if (iface->thread != NULL)
        g_thread_join (iface->thread);
    }
  if (self->timer != NULL)
    g_thread_join (self->timer);
  if (self->idle != NULL)
    {
      g_source_destroy (self->idle);
      g_source_unref (self->idle);
    }
  g_queue_clear_full (&self->pending, (GDestroyNotify) pending_free);
  g_queue_clear_full (&self->ring_paths, g_free);
  if (self->stream != NULL)
    fclose (self->stream);
  g_ptr_array_unref (self->ifaces);
  g_ptr_array_unref (self->warnings);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_error (&self->error);
  g_free (self->path);
  g_free (self->output);
  g_free (self->ring_prefix);
  g_free (self->ring_suffix);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->finished_cond);
  g_free (self);
}

/* ---- what an interface offers ------------------------------------------------ */

gboolean
iot_pcap_describe_interface (const char *name, gboolean monitor, GString *out, GError **error)
{
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  pcap_t *pcap = pcap_create (name, errbuf);
  int *dlts = NULL;
  int rc, n;

  if (pcap == NULL)
    {
      g_set_error (error, IOT_PCAP_ERROR, IOT_PCAP_ERROR_FAILED, "cannot open \"%s\": %s", name, errbuf);
      return FALSE;
    }
  rc = pcap_can_set_rfmon (pcap);
  if (rc < 0)
    {
      set_status_error (error, pcap, name, rc);
      pcap_close (pcap);
      return FALSE;
    }
  g_string_append_printf (out, "monitor %d\n", rc == 1);
  if (monitor && rc == 1)
    pcap_set_rfmon (pcap, 1);
  /* The link types are only known once the interface is active. */
  rc = pcap_activate (pcap);
  if (rc < 0)
    {
      set_status_error (error, pcap, name, rc);
      pcap_close (pcap);
      return FALSE;
    }
  n = pcap_list_datalinks (pcap, &dlts);
  for (int i = 0; i < n; i++)
    {
      const char *dlt_name = pcap_datalink_val_to_name (dlts[i]);
      const char *description = pcap_datalink_val_to_description (dlts[i]);

      g_string_append_printf (out, "link %d %s %s\n", dlts[i], dlt_name ? dlt_name : "-",
                              description ? description : "");
    }
  if (dlts != NULL)
    pcap_free_datalinks (dlts);
  pcap_close (pcap);
  return TRUE;
}
