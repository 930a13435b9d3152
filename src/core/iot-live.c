/* iot-live.c — live capture through libpcap, one thread per interface.
 *
 * Each thread loops on pcap_dispatch().  Every packet goes straight into
 * the (shared) pcap dumper under one lock; after each dispatch the file is
 * flushed and the frames written so far become a batch, queued for the
 * consumer's main context.  Nothing reaches the consumer before it is in
 * the file, so a consumer that reads the file back (iot_file_refresh) never
 * looks past what was written.
 */
#include "iot-live.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DEFAULT_SNAPLEN      262144
#define DEFAULT_BUFFER_MIB   2
/* Asked of libpcap, but in immediate mode a dispatch may block until a
 * packet comes: the duration stop has a timer thread of its own. */
#define DISPATCH_TIMEOUT_MS  100
#define STATS_INTERVAL_US    (100 * G_TIME_SPAN_MILLISECOND)
/* The shortest time between two deliveries to the consumer. */
#define DELIVERY_INTERVAL_US (10 * G_TIME_SPAN_MILLISECOND)
#define PCAP_FILE_HEADER     24
#define PCAP_RECORD_HEADER   16
#define WRITE_BUFFER         (1 << 20)

G_DEFINE_QUARK (iot-live-error-quark, iot_live_error)

typedef struct {
  IotLive          *live;
  char             *name;
  pcap_t           *pcap;
  GThread          *thread;
  gboolean          nano;          /* this handle's timestamps are in ns */
  struct pcap_stat  stat;          /* last pcap_stats(), under live->lock */
  gint64            stats_time;
} LiveIface;

/* A queued delivery: a batch of one file, or the end. */
typedef struct {
  char     *path;
  guint     file_number;
  guint32   first_number;
  GArray   *frames;                /* IotFrame; NULL for the end marker */
} Pending;

struct _IotLive {
  gint              ref_count;
  GPtrArray        *ifaces;        /* LiveIface */
  GPtrArray        *warnings;      /* char *, NULL-terminated */
  int               link_type;
  gboolean          file_nano;

  /* Options, copied. */
  guint64           stop_packets;
  double            stop_seconds;
  guint64           stop_filesize;      /* bytes */
  guint64           ring_filesize;      /* bytes */
  guint             ring_files;
  char             *ring_prefix;        /* NULL without a ring buffer */
  char             *ring_suffix;

  GMutex            lock;          /* everything below */
  pcap_dumper_t    *dumper;
  char             *path;
  guint             file_number;
  guint64           file_size;
  guint32           frames_in_file;
  GArray           *batch;         /* IotFrame written but not yet flushed */
  guint32           batch_first;
  GQueue            pending;       /* Pending */
  GQueue            ring_paths;    /* char *, oldest first */
  GSource          *idle;          /* the one pending delivery, or NULL */
  GMainContext     *context;
  IotLiveCallbacks  callbacks;
  gpointer          user_data;
  guint64           captured;
  guint64           bytes;
  gboolean          done;          /* write nothing more */
  GError           *error;         /* the first fault */
  guint             threads_running;
  gboolean          started;
  gboolean          finished;      /* every thread is done */
  gint64            deadline;      /* monotonic µs; 0 = none */
  gint64            last_delivery; /* monotonic µs */
  GCond             finished_cond;
  GThread          *timer;

  gint              stop_requested;   /* atomic */
};

static void publish_locked (IotLive *self);

/* ---- interfaces -------------------------------------------------------------- */

void
iot_live_interface_free (IotLiveInterface *iface)
{
  if (iface == NULL)
    return;
  g_free (iface->name);
  g_free (iface->description);
  g_strfreev (iface->addresses);
  g_free (iface);
}

static guint
mask_bits (const guint8 *mask, gsize n)
{
  guint bits = 0;

  for (gsize i = 0; i < n; i++)
    for (int b = 7; b >= 0; b--)
      if (mask[i] & (1u << b))
        bits++;
  return bits;
}

static char *
format_address (const struct pcap_addr *a)
{
  const guint8 *bytes, *mask = NULL;
  GSocketFamily family;
  gsize n;
  g_autoptr (GInetAddress) inet = NULL;
  g_autofree char *text = NULL;

  if (a->addr == NULL)
    return NULL;
  if (a->addr->sa_family == AF_INET)
    {
      bytes = (const guint8 *) &((const struct sockaddr_in *) a->addr)->sin_addr;
      if (a->netmask != NULL && a->netmask->sa_family == AF_INET)
        mask = (const guint8 *) &((const struct sockaddr_in *) a->netmask)->sin_addr;
      family = G_SOCKET_FAMILY_IPV4;
      n = 4;
    }
  else if (a->addr->sa_family == AF_INET6)
    {
      bytes = (const guint8 *) &((const struct sockaddr_in6 *) a->addr)->sin6_addr;
      if (a->netmask != NULL && a->netmask->sa_family == AF_INET6)
        mask = (const guint8 *) &((const struct sockaddr_in6 *) a->netmask)->sin6_addr;
      family = G_SOCKET_FAMILY_IPV6;
      n = 16;
    }
  else
    return NULL;
  inet = g_inet_address_new_from_bytes (bytes, family);
  text = g_inet_address_to_string (inet);
  if (mask == NULL)
    return g_steal_pointer (&text);
  return g_strdup_printf ("%s/%u", text, mask_bits (mask, n));
}

GPtrArray *
iot_live_list_interfaces (GError **error)
{
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  pcap_if_t *all = NULL;
  GPtrArray *list;

  if (pcap_findalldevs (&all, errbuf) != 0)
    {
      g_set_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_FAILED,
                   "cannot list the capture interfaces: %s", errbuf);
      return NULL;
    }
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_live_interface_free);
  for (pcap_if_t *d = all; d != NULL; d = d->next)
    {
      IotLiveInterface *iface = g_new0 (IotLiveInterface, 1);
      GPtrArray *addresses = g_ptr_array_new ();

      iface->name = g_strdup (d->name);
      iface->description = g_strdup (d->description);
      iface->up = (d->flags & PCAP_IF_UP) != 0;
      iface->running = (d->flags & PCAP_IF_RUNNING) != 0;
      iface->loopback = (d->flags & PCAP_IF_LOOPBACK) != 0;
      iface->wireless = (d->flags & PCAP_IF_WIRELESS) != 0;
      for (const pcap_addr_t *a = d->addresses; a != NULL; a = a->next)
        {
          char *text = format_address (a);

          if (text != NULL)
            g_ptr_array_add (addresses, text);
        }
      g_ptr_array_add (addresses, NULL);
      iface->addresses = (char **) g_ptr_array_free (addresses, FALSE);
      g_ptr_array_add (list, iface);
    }
  pcap_freealldevs (all);
  return list;
}

static void
set_permission_error (GError **error, const char *iface, const char *detail)
{
  g_set_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_PERMISSION,
               "you don't have permission to capture on \"%s\" (%s).\n"
               "Capturing needs the capabilities cap_net_raw and cap_net_admin. Give them to the "
               "programs once, as root, with\n"
               "    src/cli/set-capture-caps.sh BUILD_DIR\n"
               "(it runs setcap cap_net_raw,cap_net_admin+eip on iotscope-cli and iotscope), "
               "or capture as root.", iface, detail);
}

/* Turns a libpcap status of pcap_activate()/pcap_can_set_rfmon() into a
 * GError the user can act on. */
static void
set_status_error (GError **error, pcap_t *pcap, const char *iface, int status)
{
  const char *detail = pcap_geterr (pcap);

  if (detail == NULL || detail[0] == '\0')
    detail = pcap_statustostr (status);
  switch (status)
    {
    case PCAP_ERROR_NO_SUCH_DEVICE:
      g_set_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_NO_SUCH_INTERFACE,
                   "there is no capture interface named \"%s\" (%s)", iface, detail);
      break;
    case PCAP_ERROR_PERM_DENIED:
    case PCAP_ERROR_PROMISC_PERM_DENIED:
      set_permission_error (error, iface, detail);
      break;
    case PCAP_ERROR_RFMON_NOTSUP:
      g_set_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_MONITOR_UNSUPPORTED,
                   "the interface \"%s\" doesn't support monitor mode", iface);
      break;
    case PCAP_ERROR_IFACE_NOT_UP:
      g_set_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_FAILED,
                   "the interface \"%s\" is not up (%s)", iface, detail);
      break;
    default:
      g_set_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_FAILED,
                   "cannot capture on \"%s\": %s", iface, detail);
      break;
    }
}

/* One kernel counter of /sys/class/net/IFACE/statistics. */
static gboolean
read_net_counter (const char *iface, const char *counter, guint64 *value)
{
  g_autofree char *path = g_build_filename ("/sys/class/net", iface, "statistics", counter, NULL);
  g_autofree char *text = NULL;
  char *end = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  *value = g_ascii_strtoull (text, &end, 10);
  return end != text;
}

static gboolean
read_interface_packets (const char *iface, guint64 *packets)
{
  guint64 rx = 0, tx = 0;

  if (!read_net_counter (iface, "rx_packets", &rx) || !read_net_counter (iface, "tx_packets", &tx))
    return FALSE;
  *packets = rx + tx;
  return TRUE;
}

gboolean
iot_live_interface_packets (const char *iface, guint64 *packets)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;
  gboolean any = FALSE;

  g_return_val_if_fail (iface != NULL && packets != NULL, FALSE);
  *packets = 0;
  if (strchr (iface, '/') != NULL || iface[0] == '.')
    return FALSE;
  if (!g_str_equal (iface, "any"))
    return read_interface_packets (iface, packets);
  /* "any" sees what every interface sees. */
  dir = g_dir_open ("/sys/class/net", 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      guint64 count;

      if (read_interface_packets (name, &count))
        {
          *packets += count;
          any = TRUE;
        }
    }
  return any;
}

gboolean
iot_live_can_monitor (const char *iface, GError **error)
{
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  pcap_t *pcap = pcap_create (iface, errbuf);
  int rc;

  if (pcap == NULL)
    {
      g_set_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_FAILED, "cannot open \"%s\": %s", iface, errbuf);
      return FALSE;
    }
  rc = pcap_can_set_rfmon (pcap);
  if (rc == 0)
    g_set_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_MONITOR_UNSUPPORTED,
                 "the interface \"%s\" doesn't support monitor mode", iface);
  else if (rc < 0)
    set_status_error (error, pcap, iface, rc);
  pcap_close (pcap);
  return rc == 1;
}

gboolean
iot_live_check_filter (int link_type, const char *filter, GError **error)
{
  pcap_t *pcap = pcap_open_dead (link_type, DEFAULT_SNAPLEN);
  struct bpf_program program;
  gboolean ok;

  if (pcap == NULL)
    {
      g_set_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_FAILED, "libpcap cannot compile for link type %d",
                   link_type);
      return FALSE;
    }
  ok = pcap_compile (pcap, &program, filter ? filter : "", 1, PCAP_NETMASK_UNKNOWN) == 0;
  if (ok)
    pcap_freecode (&program);
  else
    g_set_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_FILTER, "%s", pcap_geterr (pcap));
  pcap_close (pcap);
  return ok;
}

/* ---- opening ------------------------------------------------------------------- */

static void
iface_free (LiveIface *iface)
{
  if (iface->pcap != NULL)
    pcap_close (iface->pcap);
  g_free (iface->name);
  g_free (iface);
}

static gboolean
apply_filter (LiveIface *iface, const char *filter, GError **error)
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
      g_set_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_FILTER,
                   "invalid capture filter \"%s\" for interface \"%s\": %s",
                   filter, iface->name, pcap_geterr (iface->pcap));
      return FALSE;
    }
  if (pcap_setfilter (iface->pcap, &program) != 0)
    {
      g_set_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_FILTER,
                   "cannot set the capture filter on \"%s\": %s", iface->name, pcap_geterr (iface->pcap));
      pcap_freecode (&program);
      return FALSE;
    }
  pcap_freecode (&program);
  return TRUE;
}

static LiveIface *
iface_open (IotLive *self, const char *name, const IotLiveOptions *options, GError **error)
{
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  LiveIface *iface = g_new0 (LiveIface, 1);
  int rc;

  iface->live = self;
  iface->name = g_strdup (name);
  iface->pcap = pcap_create (name, errbuf);
  if (iface->pcap == NULL)
    {
      g_set_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_FAILED, "cannot capture on \"%s\": %s", name, errbuf);
      iface_free (iface);
      return NULL;
    }
  pcap_set_snaplen (iface->pcap, options->snaplen > 0 ? options->snaplen : DEFAULT_SNAPLEN);
  pcap_set_promisc (iface->pcap, !options->no_promiscuous);
  pcap_set_timeout (iface->pcap, DISPATCH_TIMEOUT_MS);
  pcap_set_immediate_mode (iface->pcap, 1);
  pcap_set_buffer_size (iface->pcap, (options->buffer_mib > 0 ? options->buffer_mib : DEFAULT_BUFFER_MIB) << 20);
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
ring_path (IotLive *self)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d%H%M%S");

  return g_strdup_printf ("%s_%05u_%s%s", self->ring_prefix, self->file_number, stamp, self->ring_suffix);
}

/* Creates self->path (or the temporary file) with a pcap header, flushed
 * so that the file is a valid, empty capture from the start. */
static gboolean
open_dumper (IotLive *self, gboolean temporary, GError **error)
{
  LiveIface *first = g_ptr_array_index (self->ifaces, 0);
  FILE *stream;

  if (temporary)
    {
      g_autoptr (GError) tmp_error = NULL;
      int fd = g_file_open_tmp ("iotscope-XXXXXX.pcap", &self->path, &tmp_error);

      if (fd < 0)
        {
          g_set_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_FILE, "cannot create a temporary capture file: %s",
                       tmp_error->message);
          return FALSE;
        }
      stream = fdopen (fd, "wb");
      if (stream == NULL)
        close (fd);
    }
  else
    stream = fopen (self->path, "wb");
  if (stream == NULL)
    {
      int saved = errno;

      g_set_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_FILE, "cannot create the capture file %s: %s",
                   self->path, g_strerror (saved));
      return FALSE;
    }
  /* Flushed after each dispatch anyway; a large buffer only saves system
   * calls when a dispatch returns many packets. */
  setvbuf (stream, NULL, _IOFBF, WRITE_BUFFER);
  self->dumper = pcap_dump_fopen (first->pcap, stream);
  if (self->dumper == NULL)
    {
      g_set_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_FILE, "cannot write the capture file %s: %s",
                   self->path, pcap_geterr (first->pcap));
      fclose (stream);
      return FALSE;
    }
  if (pcap_dump_flush (self->dumper) != 0)
    {
      int saved = errno;

      g_set_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_FILE, "cannot write the capture file %s: %s",
                   self->path, g_strerror (saved));
      return FALSE;
    }
  self->file_size = PCAP_FILE_HEADER;
  self->frames_in_file = 0;
  self->batch_first = 1;
  self->bytes += PCAP_FILE_HEADER;
  if (self->ring_prefix != NULL)
    g_queue_push_tail (&self->ring_paths, g_strdup (self->path));
  return TRUE;
}

IotLive *
iot_live_new (const IotLiveOptions *options, GError **error)
{
  g_autoptr (IotLive) self = g_new0 (IotLive, 1);

  self->ref_count = 1;
  g_mutex_init (&self->lock);
  g_cond_init (&self->finished_cond);
  g_queue_init (&self->pending);
  g_queue_init (&self->ring_paths);
  self->ifaces = g_ptr_array_new_with_free_func ((GDestroyNotify) iface_free);
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->warnings, NULL);
  self->batch = g_array_new (FALSE, FALSE, sizeof (IotFrame));
  self->stop_packets = options->stop_packets;
  self->stop_seconds = options->stop_seconds;
  self->stop_filesize = options->stop_filesize_kb * 1000;
  self->ring_filesize = options->ring_filesize_kb * 1000;
  self->ring_files = options->ring_files;
  self->file_number = 1;

  if (options->interfaces == NULL || options->interfaces[0] == NULL)
    {
      g_set_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_INVALID, "no capture interface given");
      return NULL;
    }
  if (options->ring_files > 0 && options->ring_filesize_kb == 0)
    {
      g_set_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_INVALID,
                   "a ring buffer of %u files needs a size to switch files at (filesize:KB)", options->ring_files);
      return NULL;
    }
  if (options->ring_filesize_kb > 0 && options->output == NULL)
    {
      g_set_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_INVALID,
                   "a ring buffer needs an output file name to number its files after");
      return NULL;
    }
  for (guint i = 0; options->interfaces[i] != NULL; i++)
    {
      LiveIface *iface = iface_open (self, options->interfaces[i], options, error);

      if (iface == NULL)
        return NULL;
      g_ptr_array_add (self->ifaces, iface);
      if (i == 0)
        self->link_type = pcap_datalink (iface->pcap);
      else if (pcap_datalink (iface->pcap) != self->link_type)
        {
          /* One pcap file holds one link type. */
          g_set_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_INVALID,
                       "\"%s\" (%s) and \"%s\" (%s) have different link types; they can't be captured "
                       "into one file together", options->interfaces[0],
                       pcap_datalink_val_to_name (self->link_type), iface->name,
                       pcap_datalink_val_to_name (pcap_datalink (iface->pcap)));
          return NULL;
        }
    }
  self->file_nano = ((LiveIface *) g_ptr_array_index (self->ifaces, 0))->nano;

  if (options->ring_filesize_kb > 0)
    {
      const char *base = strrchr (options->output, '/');
      const char *dot = strrchr (base ? base + 1 : options->output, '.');

      self->ring_prefix = dot ? g_strndup (options->output, dot - options->output) : g_strdup (options->output);
      self->ring_suffix = g_strdup (dot ? dot : "");
      self->path = ring_path (self);
    }
  else
    self->path = g_strdup (options->output);
  if (!open_dumper (self, options->output == NULL, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* ---- delivery ------------------------------------------------------------------- */

static void
pending_free (Pending *p)
{
  g_free (p->path);
  if (p->frames != NULL)
    g_array_unref (p->frames);
  g_free (p);
}

static gboolean
deliver (gpointer data)
{
  IotLive *self = iot_live_ref (data);
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
      if (p->frames != NULL && self->callbacks.batch != NULL)
        {
          IotLiveBatch batch = { p->path, p->file_number, p->first_number,
                                 (const IotFrame *) p->frames->data, p->frames->len };

          self->callbacks.batch (self, &batch, self->user_data);
        }
      else if (p->frames == NULL && self->callbacks.finished != NULL)
        self->callbacks.finished (self, self->error, self->user_data);
      pending_free (p);
    }
  iot_live_unref (self);
  return G_SOURCE_REMOVE;
}

/* Queues an item and makes sure one idle (and only one) will deliver it. */
static void
queue_locked (IotLive *self, Pending *p)
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
      g_source_set_priority (self->idle, G_PRIORITY_DEFAULT);
      g_source_set_callback (self->idle, deliver, self, NULL);
      g_source_set_static_name (self->idle, "[iotscope] live capture batches");
      g_source_attach (self->idle, self->context);
    }
}

/* Flushes the file and hands the frames written since the last flush on. */
static void
publish_locked (IotLive *self)
{
  Pending *p;

  if (self->batch->len == 0 || self->dumper == NULL)
    return;
  if (pcap_dump_flush (self->dumper) != 0 && self->error == NULL)
    {
      int saved = errno;

      g_set_error (&self->error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_FILE, "cannot write the capture file %s: %s",
                   self->path, g_strerror (saved));
      self->done = TRUE;
    }
  /* Batches not delivered yet are merged: the consumer gets one call per
   * file per idle, however far behind it is. */
  p = g_queue_peek_tail (&self->pending);
  if (p != NULL && p->frames != NULL && p->file_number == self->file_number)
    {
      g_array_append_vals (p->frames, self->batch->data, self->batch->len);
      self->batch_first += self->batch->len;
      g_array_set_size (self->batch, 0);
      return;
    }
  p = g_new0 (Pending, 1);
  p->path = g_strdup (self->path);
  p->file_number = self->file_number;
  p->first_number = self->batch_first;
  p->frames = self->batch;
  self->batch_first += self->batch->len;
  self->batch = g_array_new (FALSE, FALSE, sizeof (IotFrame));
  queue_locked (self, p);
}

/* ---- capturing ------------------------------------------------------------------- */

static void
break_all_locked (IotLive *self)
{
  for (guint i = 0; i < self->ifaces->len; i++)
    pcap_breakloop (((LiveIface *) g_ptr_array_index (self->ifaces, i))->pcap);
}

static void
fail_locked (IotLive *self, GError *error)
{
  if (self->error == NULL)
    self->error = error;
  else
    g_error_free (error);
  self->done = TRUE;
  break_all_locked (self);
}

/* Closes the current ring file and starts the next; the oldest beyond
 * ring_files is deleted. */
static void
rotate_locked (IotLive *self)
{
  g_autoptr (GError) error = NULL;

  publish_locked (self);
  pcap_dump_close (self->dumper);
  self->dumper = NULL;
  while (self->ring_files > 0 && g_queue_get_length (&self->ring_paths) >= self->ring_files)
    {
      g_autofree char *oldest = g_queue_pop_head (&self->ring_paths);

      g_unlink (oldest);
    }
  self->file_number++;
  g_free (self->path);
  self->path = ring_path (self);
  if (!open_dumper (self, FALSE, &error))
    fail_locked (self, g_steal_pointer (&error));
}

static void
on_packet (u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
  LiveIface *iface = (LiveIface *) user;
  IotLive *self = iface->live;
  struct pcap_pkthdr hdr = *h;
  IotFrame frame = { 0 };
  gint64 frac;

  g_mutex_lock (&self->lock);
  if (self->done)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  if (self->ring_filesize > 0 && self->frames_in_file > 0 && self->file_size >= self->ring_filesize)
    {
      rotate_locked (self);
      if (self->done)
        {
          g_mutex_unlock (&self->lock);
          return;
        }
    }
  /* The file takes the first interface's precision. */
  if (iface->nano && !self->file_nano)
    hdr.ts.tv_usec /= 1000;
  else if (!iface->nano && self->file_nano)
    hdr.ts.tv_usec *= 1000;
  pcap_dump ((u_char *) self->dumper, &hdr, bytes);

  frac = hdr.ts.tv_usec;
  frame.offset = self->file_size + PCAP_RECORD_HEADER;
  frame.ts_ns = (gint64) hdr.ts.tv_sec * G_GINT64_CONSTANT (1000000000) + (self->file_nano ? frac : frac * 1000);
  frame.caplen = hdr.caplen;
  frame.len = hdr.len;
  frame.link_type = (guint16) self->link_type;
  g_array_append_val (self->batch, frame);
  self->file_size += PCAP_RECORD_HEADER + hdr.caplen;
  self->bytes += PCAP_RECORD_HEADER + hdr.caplen;
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
update_stats (LiveIface *iface, gboolean force)
{
  IotLive *self = iface->live;
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

static gboolean
interface_exists (const char *name)
{
  return if_nametoindex (name) != 0;
}

static void
dispatch_failed (LiveIface *iface)
{
  IotLive *self = iface->live;
  const char *detail = pcap_geterr (iface->pcap);
  GError *error;

  if (!interface_exists (iface->name) || strstr (detail, "went down") != NULL
      || strstr (detail, "disappeared") != NULL)
    error = g_error_new (IOT_LIVE_ERROR, IOT_LIVE_ERROR_INTERFACE_GONE,
                         "the capture on \"%s\" stopped: the interface went down or was removed "
                         "(libpcap: %s); every packet captured before was kept", iface->name, detail);
  else
    error = g_error_new (IOT_LIVE_ERROR, IOT_LIVE_ERROR_FAILED,
                         "the capture on \"%s\" stopped: %s; every packet captured before was kept",
                         iface->name, detail);
  g_mutex_lock (&self->lock);
  fail_locked (self, error);
  g_mutex_unlock (&self->lock);
}

static gboolean
is_done (IotLive *self)
{
  gboolean done;

  g_mutex_lock (&self->lock);
  done = self->done;
  g_mutex_unlock (&self->lock);
  return done;
}

/* After Stop: what the kernel already holds, without blocking. */
static void
drain (LiveIface *iface)
{
  IotLive *self = iface->live;
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  int rc;

  if (pcap_setnonblock (iface->pcap, 1, errbuf) != 0)
    return;
  while ((rc = pcap_dispatch (iface->pcap, -1, on_packet, (u_char *) iface)) > 0)
    {
      g_mutex_lock (&self->lock);
      publish_locked (self);
      g_mutex_unlock (&self->lock);
      if (is_done (self))
        break;
    }
  if (rc == PCAP_ERROR)
    dispatch_failed (iface);
}

static void
finish_thread (LiveIface *iface)
{
  IotLive *self = iface->live;

  update_stats (iface, TRUE);
  g_mutex_lock (&self->lock);
  publish_locked (self);
  if (--self->threads_running == 0)
    {
      self->finished = TRUE;
      self->done = TRUE;
      if (self->dumper != NULL)
        {
          pcap_dump_close (self->dumper);
          self->dumper = NULL;
        }
      queue_locked (self, g_new0 (Pending, 1));
      g_cond_broadcast (&self->finished_cond);
    }
  g_mutex_unlock (&self->lock);
}

/* The duration stop: wakes at the deadline unless the capture ended. */
static gpointer
timer_thread (gpointer data)
{
  IotLive *self = data;

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
  LiveIface *iface = data;
  IotLive *self = iface->live;
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
iot_live_start (IotLive *self, GMainContext *context, const IotLiveCallbacks *callbacks, gpointer user_data)
{
  g_return_if_fail (!self->started);
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
      LiveIface *iface = g_ptr_array_index (self->ifaces, i);

      iface->thread = g_thread_new ("iot-capture", capture_thread, iface);
    }
  if (self->deadline != 0)
    self->timer = g_thread_new ("iot-capture-timer", timer_thread, self);
  g_mutex_unlock (&self->lock);
}

void
iot_live_stop (IotLive *self)
{
  g_atomic_int_set (&self->stop_requested, 1);
  g_mutex_lock (&self->lock);
  break_all_locked (self);
  g_cond_broadcast (&self->finished_cond);
  g_mutex_unlock (&self->lock);
}

gboolean
iot_live_is_running (IotLive *self)
{
  gboolean running;

  g_mutex_lock (&self->lock);
  running = self->started && !self->finished;
  g_mutex_unlock (&self->lock);
  return running;
}

void
iot_live_get_stats (IotLive *self, IotLiveStats *stats)
{
  memset (stats, 0, sizeof *stats);
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->ifaces->len; i++)
    {
      LiveIface *iface = g_ptr_array_index (self->ifaces, i);

      stats->received += iface->stat.ps_recv;
      stats->dropped += iface->stat.ps_drop;
      stats->if_dropped += iface->stat.ps_ifdrop;
    }
  stats->captured = self->captured;
  stats->bytes = self->bytes;
  g_mutex_unlock (&self->lock);
}

char *
iot_live_dup_path (IotLive *self)
{
  char *path;

  g_mutex_lock (&self->lock);
  path = g_strdup (self->path);
  g_mutex_unlock (&self->lock);
  return path;
}

int
iot_live_link_type (IotLive *self)
{
  return self->link_type;
}

const char *const *
iot_live_warnings (IotLive *self)
{
  return (const char *const *) self->warnings->pdata;
}

IotLive *
iot_live_ref (IotLive *self)
{
  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
iot_live_unref (IotLive *self)
{
  if (self == NULL || !g_atomic_int_dec_and_test (&self->ref_count))
    return;
  iot_live_stop (self);
  for (guint i = 0; i < self->ifaces->len; i++)
    {
      LiveIface *iface = g_ptr_array_index (self->ifaces, i);

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
  if (self->dumper != NULL)
    pcap_dump_close (self->dumper);
  g_ptr_array_unref (self->ifaces);
  g_ptr_array_unref (self->warnings);
  g_array_unref (self->batch);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_error (&self->error);
  g_free (self->path);
  g_free (self->ring_prefix);
  g_free (self->ring_suffix);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->finished_cond);
  g_free (self);
}
