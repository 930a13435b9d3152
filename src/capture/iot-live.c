/* iot-live.c — live capture from the analyzer's side: interface listing
 * (libpcap, no privileges needed on Linux) and a capture session that runs
 * iotscope-capture and reads its status records (see
 * src/capture/iotscope-capture.c for the record format).
 *
 * No capture privilege is ever needed here: only the capture program gets
 * capabilities (make caps), and this process starts it like any program.
 */
#include "iot-live.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEFAULT_SNAPLEN      262144
/* The shortest time between two deliveries to the consumer. */
#define DELIVERY_INTERVAL_US (10 * G_TIME_SPAN_MILLISECOND)

G_DEFINE_QUARK (iot-live-error-quark, iot_live_error)

/* A queued delivery: a batch of one file, or the end. */
typedef struct {
  char     *path;
  guint     file_number;
  guint32   first_number;
  guint     n_frames;
  gboolean  end;
} Pending;

struct _IotLive {
  gint              ref_count;
  GPid              pid;
  int               control_fd;    /* the program's stdin; closing it stops it */
  FILE             *records;       /* the program's stdout */
  GPtrArray        *warnings;      /* char *, NULL-terminated */
  int               link_type;
  GThread          *reader;

  GMutex            lock;          /* everything below */
  char             *path;
  IotLiveStats      stats;
  GQueue            pending;       /* Pending */
  GSource          *idle;          /* the one pending delivery, or NULL */
  GMainContext     *context;
  IotLiveCallbacks  callbacks;
  gpointer          user_data;
  GError           *error;         /* the fault the program reported */
  gboolean          started;
  gboolean          finished;      /* the program ended */
  gint64            last_delivery; /* monotonic µs */
};

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
               "Capturing needs the capabilities cap_net_raw and cap_net_admin on the capture "
               "program iotscope-capture (and only there). Give them once, as root, with\n"
               "    make caps    (or: src/cli/set-capture-caps.sh BUILD_DIR)\n"
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

/* ---- what an interface offers ------------------------------------------------ */

static GError *parse_error_record (const char *rest);

static void
link_type_clear (gpointer data)
{
  IotLiveLinkType *lt = data;

  g_free (lt->name);
  g_free (lt->description);
}

static IotLiveCapabilities *
capabilities_new (void)
{
  IotLiveCapabilities *caps = g_new0 (IotLiveCapabilities, 1);

  caps->link_types = g_array_new (FALSE, TRUE, sizeof (IotLiveLinkType));
  g_array_set_clear_func (caps->link_types, link_type_clear);
  return caps;
}

void
iot_live_capabilities_free (IotLiveCapabilities *caps)
{
  if (caps == NULL)
    return;
  g_array_unref (caps->link_types);
  g_free (caps);
}

static void
add_link_type (IotLiveCapabilities *caps, int dlt, const char *name, const char *description)
{
  IotLiveLinkType lt = { dlt, g_strdup (name), g_strdup (description) };

  g_array_append_val (caps->link_types, lt);
}

/* libpcap in this process; NULL with @permission_denied set when only the
 * capture program may open the interface. */
static IotLiveCapabilities *
capabilities_here (const char *iface, gboolean monitor, gboolean *permission_denied, GError **error)
{
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  g_autoptr (IotLiveCapabilities) caps = capabilities_new ();
  pcap_t *pcap = pcap_create (iface, errbuf);
  int *dlts = NULL;
  int rc, n;

  if (pcap == NULL)
    {
      g_set_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_FAILED, "cannot open \"%s\": %s", iface, errbuf);
      return NULL;
    }
  rc = pcap_can_set_rfmon (pcap);
  if (rc >= 0)
    {
      caps->can_monitor = rc == 1;
      if (monitor && rc == 1)
        pcap_set_rfmon (pcap, 1);
      rc = pcap_activate (pcap);
    }
  if (rc < 0)
    {
      *permission_denied = rc == PCAP_ERROR_PERM_DENIED || rc == PCAP_ERROR_PROMISC_PERM_DENIED;
      set_status_error (error, pcap, iface, rc);
      pcap_close (pcap);
      return NULL;
    }
  n = pcap_list_datalinks (pcap, &dlts);
  for (int i = 0; i < n; i++)
    add_link_type (caps, dlts[i], pcap_datalink_val_to_name (dlts[i]), pcap_datalink_val_to_description (dlts[i]));
  if (dlts != NULL)
    pcap_free_datalinks (dlts);
  pcap_close (pcap);
  return g_steal_pointer (&caps);
}

/* The capture program's answer to --capabilities: "monitor 0|1", "link
 * DLT NAME DESCRIPTION" lines, "end"; or "error CODE TEXT". */
static IotLiveCapabilities *
capabilities_from_program (const char *iface, gboolean monitor, GError **error)
{
  g_autofree char *program = iot_live_capture_program ();
  const char *argv[] = { program, "--capabilities", "-i", iface, monitor ? "-I" : NULL, NULL };
  g_autofree char *out = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (IotLiveCapabilities) caps = capabilities_new ();
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status,
                     error))
    return NULL;
  caps->via_program = TRUE;
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (g_str_has_prefix (line, "error "))
        {
          g_propagate_error (error, parse_error_record (line + 6));
          return NULL;
        }
      if (g_str_has_prefix (line, "monitor "))
        caps->can_monitor = line[8] == '1';
      else if (g_str_has_prefix (line, "link "))
        {
          g_auto (GStrv) parts = g_strsplit (line + 5, " ", 3);

          if (parts[0] != NULL && parts[1] != NULL)
            add_link_type (caps, (int) g_ascii_strtoll (parts[0], NULL, 10), parts[1],
                           parts[2] != NULL ? parts[2] : "");
        }
    }
  if (caps->link_types->len == 0)
    {
      g_set_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_FAILED,
                   "the capture program %s could not say what \"%s\" offers", program, iface);
      return NULL;
    }
  return g_steal_pointer (&caps);
}

IotLiveCapabilities *
iot_live_interface_capabilities (const char *iface, gboolean monitor, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  gboolean permission_denied = FALSE;
  IotLiveCapabilities *caps = capabilities_here (iface, monitor, &permission_denied, &local_error);

  if (caps != NULL)
    return caps;
  if (!permission_denied)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return capabilities_from_program (iface, monitor, error);
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


/* ---- finding the capture program -------------------------------------------------- */

/* Set-user-ID, set-group-ID or file capabilities: the environment comes
 * from someone with fewer rights than this process. */
static gboolean
running_privileged (void)
{
  return getauxval (AT_SECURE) != 0 || getuid () != geteuid () || getgid () != getegid ();
}

char *
iot_live_capture_program (void)
{
  const char *env = g_getenv ("IOTSCOPE_CAPTURE_PROGRAM");
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);

  if (env != NULL && *env != '\0' && !running_privileged ())
    return g_strdup (env);
  if (self_path != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self_path);
      /* Installed: next to iotscope and iotscope-cli.  Build tree:
       * src/capture/ beside src/cli/ and src/app/. */
      const char *const candidates[] = { "iotscope-capture", "../capture/iotscope-capture" };

      for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
        {
          g_autofree char *path = g_build_filename (dir, candidates[i], NULL);

          if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE) && !g_file_test (path, G_FILE_TEST_IS_DIR))
            return g_canonicalize_filename (path, NULL);
        }
    }
  return g_build_filename (IOTSCOPE_BINDIR, "iotscope-capture", NULL);
}

/* ---- records -------------------------------------------------------------------- */

/* One record without its newline (g_free it), or NULL at the end. */
static char *
read_record (FILE *stream)
{
  char *line = NULL;
  size_t size = 0;
  ssize_t n = getline (&line, &size, stream);
  char *record = NULL;

  if (n > 0)
    record = g_strndup (line, line[n - 1] == '\n' ? n - 1 : n);
  free (line);
  return record;
}

/* "error CODE TEXT" → a GError of the same code. */
static GError *
parse_error_record (const char *rest)
{
  char *end = NULL;
  guint64 code = g_ascii_strtoull (rest, &end, 10);
  g_autofree char *text = NULL;

  if (end == rest || code > IOT_LIVE_ERROR_FAILED)
    code = IOT_LIVE_ERROR_FAILED;
  text = g_strcompress (*end == ' ' ? end + 1 : end);
  return g_error_new_literal (IOT_LIVE_ERROR, (int) code, text);
}

/* Why the program ended without saying so. */
static GError *
exit_error (const char *program, int status)
{
  if (WIFSIGNALED (status))
    return g_error_new (IOT_LIVE_ERROR, IOT_LIVE_ERROR_FAILED,
                        "the capture program %s was killed (signal %d); the packets it wrote before were kept",
                        program, WTERMSIG (status));
  return g_error_new (IOT_LIVE_ERROR, IOT_LIVE_ERROR_FAILED,
                      "the capture program %s ended unexpectedly (status %d)", program,
                      WIFEXITED (status) ? WEXITSTATUS (status) : status);
}

static void
pending_free (Pending *p)
{
  g_free (p->path);
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
      if (!p->end && self->callbacks.batch != NULL)
        {
          IotLiveBatch batch = { p->path, p->file_number, p->first_number, p->n_frames };

          self->callbacks.batch (self, &batch, self->user_data);
        }
      else if (p->end && self->callbacks.finished != NULL)
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

      /* Under load, waking the consumer for every record would cost more
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

/* "packets FILE FIRST COUNT PATH": merged into the batch not yet
 * delivered when it is of the same file. */
static void
add_batch_locked (IotLive *self, const char *rest)
{
  guint file_number = 0, first = 0, count = 0;
  int consumed = 0;
  Pending *p;

  if (sscanf (rest, "%u %u %u %n", &file_number, &first, &count, &consumed) != 3 || consumed == 0 || count == 0)
    return;
  p = g_queue_peek_tail (&self->pending);
  if (p != NULL && !p->end && p->file_number == file_number && p->first_number + p->n_frames == first)
    {
      p->n_frames += count;
      return;
    }
  p = g_new0 (Pending, 1);
  p->path = g_strcompress (rest + consumed);
  p->file_number = file_number;
  p->first_number = first;
  p->n_frames = count;
  g_free (self->path);
  self->path = g_strdup (p->path);
  queue_locked (self, p);
}

static void
set_stats_locked (IotLive *self, const char *rest)
{
  IotLiveStats stats = { 0 };

  if (sscanf (rest, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
              " %" G_GUINT64_FORMAT, &stats.received, &stats.dropped, &stats.if_dropped, &stats.captured,
              &stats.bytes) == 5)
    self->stats = stats;
}

/* Splits "kind rest". */
static const char *
record_kind (char *line)
{
  char *space = strchr (line, ' ');

  if (space == NULL)
    return "";
  *space = '\0';
  return space + 1;
}

static gpointer
reader_thread (gpointer data)
{
  IotLive *self = data;
  g_autofree char *program = iot_live_capture_program ();
  gboolean ended = FALSE;
  char *line;
  int status = 0;

  while (!ended && (line = read_record (self->records)) != NULL)
    {
      const char *rest = record_kind (line);

      g_mutex_lock (&self->lock);
      if (g_str_equal (line, "packets"))
        add_batch_locked (self, rest);
      else if (g_str_equal (line, "stats"))
        set_stats_locked (self, rest);
      else if (g_str_equal (line, "error") && self->error == NULL)
        self->error = parse_error_record (rest);
      else if (g_str_equal (line, "end"))
        ended = TRUE;
      g_mutex_unlock (&self->lock);
      g_free (line);
    }
  waitpid (self->pid, &status, 0);
  g_mutex_lock (&self->lock);
  if (!ended && self->error == NULL)
    self->error = exit_error (program, status);
  self->finished = TRUE;
  {
    Pending *end = g_new0 (Pending, 1);

    end->end = TRUE;
    queue_locked (self, end);
  }
  g_mutex_unlock (&self->lock);
  return NULL;
}

/* ---- a capture session ------------------------------------------------------------ */

/* "-FLAG VALUE"; takes @value. */
static void
add_option (GPtrArray *argv, const char *flag, char *value)
{
  g_ptr_array_add (argv, g_strdup (flag));
  g_ptr_array_add (argv, value);
}

static GPtrArray *
program_arguments (const char *program, const IotLiveOptions *options)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (argv, g_strdup (program));
  g_ptr_array_add (argv, g_strdup ("--stop-on-eof"));
  for (guint i = 0; options->interfaces[i] != NULL; i++)
    add_option (argv, "-i", g_strdup (options->interfaces[i]));
  if (options->filter != NULL && options->filter[strspn (options->filter, " \t\r\n")] != '\0')
    add_option (argv, "-f", g_strdup (options->filter));
  if (options->no_promiscuous)
    g_ptr_array_add (argv, g_strdup ("-p"));
  if (options->monitor)
    g_ptr_array_add (argv, g_strdup ("-I"));
  if (options->link_type > 0)
    add_option (argv, "-y", g_strdup_printf ("%d", options->link_type));
  if (options->snaplen > 0)
    add_option (argv, "-s", g_strdup_printf ("%d", options->snaplen));
  if (options->buffer_kib > 0)
    add_option (argv, "--buffer-kib", g_strdup_printf ("%d", options->buffer_kib));
  else if (options->buffer_mib > 0)
    add_option (argv, "-B", g_strdup_printf ("%d", options->buffer_mib));
  if (options->output != NULL)
    {
      add_option (argv, "-w", g_strdup (options->output));
      add_option (argv, "-F", g_strdup (options->pcapng ? "pcapng" : "pcap"));
    }
  else if (options->pcapng)
    add_option (argv, "-F", g_strdup ("pcapng"));
  if (options->stop_packets > 0)
    add_option (argv, "-a", g_strdup_printf ("packets:%" G_GUINT64_FORMAT, options->stop_packets));
  if (options->stop_seconds > 0)
    {
      char number[G_ASCII_DTOSTR_BUF_SIZE];

      add_option (argv, "-a", g_strconcat ("duration:", g_ascii_dtostr (number, sizeof number, options->stop_seconds),
                                           NULL));
    }
  if (options->stop_filesize_kb > 0)
    add_option (argv, "-a", g_strdup_printf ("filesize:%" G_GUINT64_FORMAT, options->stop_filesize_kb));
  if (options->ring_filesize_kb > 0)
    add_option (argv, "-b", g_strdup_printf ("filesize:%" G_GUINT64_FORMAT, options->ring_filesize_kb));
  if (options->ring_files > 0)
    add_option (argv, "-b", g_strdup_printf ("files:%u", options->ring_files));
  if (options->ring_packets > 0)
    add_option (argv, "-b", g_strdup_printf ("packets:%" G_GUINT64_FORMAT, options->ring_packets));
  if (options->ring_seconds > 0)
    {
      char number[G_ASCII_DTOSTR_BUF_SIZE];

      add_option (argv, "-b", g_strconcat ("duration:", g_ascii_dtostr (number, sizeof number, options->ring_seconds),
                                           NULL));
    }
  if (options->ring_interval > 0)
    {
      char number[G_ASCII_DTOSTR_BUF_SIZE];

      add_option (argv, "-b", g_strconcat ("interval:", g_ascii_dtostr (number, sizeof number, options->ring_interval),
                                           NULL));
    }
  if (options->stop_files > 0)
    add_option (argv, "-a", g_strdup_printf ("files:%u", options->stop_files));
  g_ptr_array_add (argv, NULL);
  return argv;
}

IotLive *
iot_live_new (const IotLiveOptions *options, GError **error)
{
  g_autoptr (IotLive) self = g_new0 (IotLive, 1);
  g_autofree char *program = iot_live_capture_program ();
  g_autoptr (GPtrArray) argv = NULL;
  g_autoptr (GError) spawn_error = NULL;
  int out_fd = -1;
  char *line;

  self->ref_count = 1;
  self->control_fd = -1;
  g_mutex_init (&self->lock);
  g_queue_init (&self->pending);
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->warnings, NULL);

  if (options->interfaces == NULL || options->interfaces[0] == NULL)
    {
      g_set_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_INVALID, "no capture interface given");
      return NULL;
    }
  argv = program_arguments (program, options);
  if (!g_spawn_async_with_pipes (NULL, (char **) argv->pdata, NULL,
                                 G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_CLOEXEC_PIPES, NULL, NULL,
                                 &self->pid, &self->control_fd, &out_fd, NULL, &spawn_error))
    {
      g_set_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_FAILED,
                   "cannot run the capture program %s: %s", program, spawn_error->message);
      return NULL;
    }
  self->records = fdopen (out_fd, "r");
  /* Until the file is there: warnings, then "started", or an error. */
  while ((line = read_record (self->records)) != NULL)
    {
      const char *rest = record_kind (line);
      gboolean started = FALSE;

      if (g_str_equal (line, "warning"))
        g_ptr_array_insert (self->warnings, self->warnings->len - 1, g_strcompress (rest));
      else if (g_str_equal (line, "error") && self->error == NULL)
        self->error = parse_error_record (rest);
      else if (g_str_equal (line, "started"))
        {
          int nano = 0, consumed = 0;

          if (sscanf (rest, "%d %d %n", &self->link_type, &nano, &consumed) == 2 && consumed > 0)
            {
              self->path = g_strcompress (rest + consumed);
              started = TRUE;
            }
        }
      g_free (line);
      if (started)
        return g_steal_pointer (&self);
      if (self->error != NULL)
        break;
    }
  if (self->error != NULL)
    g_propagate_error (error, g_steal_pointer (&self->error));
  else
    g_set_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_FAILED,
                 "the capture program %s ended without starting a capture", program);
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
  self->reader = g_thread_new ("iot-capture-records", reader_thread, self);
}

void
iot_live_stop (IotLive *self)
{
  g_mutex_lock (&self->lock);
  /* The program stops when its input closes, and then reads what the
   * kernel already holds. */
  if (self->control_fd >= 0)
    {
      close (self->control_fd);
      self->control_fd = -1;
    }
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
  g_mutex_lock (&self->lock);
  *stats = self->stats;
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
  if (self->reader != NULL)
    g_thread_join (self->reader);
  else if (self->pid > 0)
    {
      /* Never started (or failed to): let the program end and reap it. */
      char *line;

      while (self->records != NULL && (line = read_record (self->records)) != NULL)
        g_free (line);
      waitpid (self->pid, NULL, 0);
    }
  if (self->pid > 0)
    g_spawn_close_pid (self->pid);
  if (self->records != NULL)
    fclose (self->records);
  if (self->idle != NULL)
    {
      g_source_destroy (self->idle);
      g_source_unref (self->idle);
    }
  g_queue_clear_full (&self->pending, (GDestroyNotify) pending_free);
  g_ptr_array_unref (self->warnings);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_error (&self->error);
  g_free (self->path);
  g_mutex_clear (&self->lock);
  g_free (self);
}
