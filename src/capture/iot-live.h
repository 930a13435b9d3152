/* iot-live.h — live capture, driven from the analyzer's side.  GLib only.
 *
 * (Named "live" rather than "capture": the GUI already has an IotCapture,
 * a loaded capture document.)
 *
 * The packets are captured by a separate program, iotscope-capture (see
 * src/capture/), the only one that ever holds capture privileges: an
 * IotLive runs it, reads its status records on a thread of its own and
 * delivers them in batches on a GMainContext.  The program writes every
 * packet to the capture file and flushes it before it reports the batch,
 * so the file is a readable capture up to the last batch at any moment;
 * the consumer reads the frames from the file (iot_file_refresh), at its
 * own pace: a slow consumer never slows the capture down.
 *
 * Several interfaces: all written into one merged file in arrival order
 * (so they must share a link type).
 */
#pragma once

#include <gio/gio.h>

#include "iot-file.h"

G_BEGIN_DECLS

#define IOT_LIVE_ERROR (iot_live_error_quark ())
GQuark iot_live_error_quark (void);

typedef enum {
  IOT_LIVE_ERROR_NO_SUCH_INTERFACE,
  IOT_LIVE_ERROR_PERMISSION,         /* no capture rights: see the message */
  IOT_LIVE_ERROR_FILTER,             /* the BPF filter does not compile: libpcap's message */
  IOT_LIVE_ERROR_MONITOR_UNSUPPORTED,
  IOT_LIVE_ERROR_INTERFACE_GONE,     /* went down or disappeared while capturing */
  IOT_LIVE_ERROR_FILE,               /* the capture file cannot be written */
  IOT_LIVE_ERROR_INVALID,            /* contradictory options */
  IOT_LIVE_ERROR_FAILED,             /* anything else libpcap reports */
} IotLiveError;

/* ---- interfaces ---------------------------------------------------------- */

typedef struct {
  char      *name;
  char      *description;   /* libpcap's, or NULL */
  char     **addresses;     /* "127.0.0.1/8", "::1/128", ...; NULL-terminated */
  gboolean   up;
  gboolean   running;
  gboolean   loopback;
  gboolean   wireless;
} IotLiveInterface;

void        iot_live_interface_free (IotLiveInterface *iface);
/* pcap_findalldevs() in its order (the numbering of `-D`); a GPtrArray of
 * IotLiveInterface that frees its elements. */
GPtrArray  *iot_live_list_interfaces (GError **error);
/* Whether @iface supports monitor mode; FALSE with the reason otherwise. */
gboolean    iot_live_can_monitor (const char *iface, GError **error);
/* What an interface offers: monitor mode and its link types (DLT_*
 * numbers with libpcap's names), in monitor mode when asked.  Asked of
 * libpcap directly where this process may open the interface, else of
 * the capture program (which alone holds capture rights). */
typedef struct {
  int   link_type;
  char *name;              /* "IEEE802_11_RADIO" */
  char *description;       /* "802.11 plus radiotap header" */
} IotLiveLinkType;

typedef struct {
  gboolean  can_monitor;
  GArray   *link_types;    /* IotLiveLinkType, in libpcap's order */
  gboolean  via_program;   /* the capture program answered */
} IotLiveCapabilities;

IotLiveCapabilities *iot_live_interface_capabilities (const char *iface, gboolean monitor, GError **error);
void                 iot_live_capabilities_free (IotLiveCapabilities *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotLiveCapabilities, iot_live_capabilities_free)

/* Packets @iface has sent and received since it came up, from the
 * kernel's counters (Linux sysfs: no capture rights needed; "any" sums
 * every interface).  FALSE where the system does not say.  For showing
 * how busy an interface is before capturing on it. */
gboolean    iot_live_interface_packets (const char *iface, guint64 *packets);
/* Compiles @filter for @link_type (DLT_*, e.g. 1 for Ethernet) without
 * opening anything: for checking a filter while it is typed. */
gboolean    iot_live_check_filter (int link_type, const char *filter, GError **error);
/* The capture program's path: $IOTSCOPE_CAPTURE_PROGRAM (ignored in a
 * privileged process), else next to the running program (installed) or
 * in the build tree, else the installed one. */
char       *iot_live_capture_program (void);

/* ---- a capture session ----------------------------------------------------- */

typedef struct {
  const char *const *interfaces;   /* names, NULL-terminated; at least one */
  const char *filter;              /* BPF capture filter, NULL = everything */
  gboolean    no_promiscuous;
  gboolean    monitor;             /* rfmon; an error where unsupported */
  int         link_type;           /* DLT to capture with; 0 = the interface's default */
  int         snaplen;             /* 0 = 262144 */
  int         buffer_mib;          /* kernel buffer; 0 = 2 MiB as tshark */
  int         buffer_kib;          /* when > 0, the buffer in KiB instead */
  /* The capture file; NULL = a temporary file (iot_live_path() says
   * where; the caller deletes it).  With a ring buffer, the files are
   * named PREFIX_NNNNN_YYYYmmddHHMMSS.EXT as dumpcap names them. */
  const char *output;
  gboolean    pcapng;              /* write pcapng (else pcap) */
  /* Stop conditions; 0 = none. */
  guint64     stop_packets;
  double      stop_seconds;
  guint64     stop_filesize_kb;    /* kB = 1000 bytes, as tshark */
  /* Ring buffer: switch files after this size, keep the last N files. */
  guint64     ring_filesize_kb;
  guint       ring_files;          /* 0 = keep all */
  /* More switch conditions (0 = none): packets in a file, seconds in a
   * file, and wall-clock intervals (a switch at each multiple of it); and
   * a stop after this many files. */
  guint64     ring_packets;
  double      ring_seconds;
  double      ring_interval;
  guint       stop_files;
} IotLiveOptions;

typedef struct _IotLive IotLive;

/* A batch of frames just flushed to one capture file: frames
 * first_number … first_number + n_frames - 1 of the file, 1-based.  Read
 * them from the file (iot_file_open_growing, iot_file_refresh). */
typedef struct {
  const char     *path;          /* the file holding these frames */
  guint           file_number;   /* 1-based; grows at each ring switch */
  guint32         first_number;
  guint           n_frames;
} IotLiveBatch;

typedef struct {
  guint64 received;      /* packets the kernel accepted (pcap ps_recv, all interfaces) */
  guint64 dropped;       /* dropped by the kernel: buffer full (ps_drop) */
  guint64 if_dropped;    /* dropped by the interface or driver (ps_ifdrop) */
  guint64 captured;      /* written to capture files */
  guint64 bytes;         /* bytes written, headers included, all files */
} IotLiveStats;

typedef struct {
  /* Called on the context for each batch, in order. */
  void (*batch) (IotLive *live, const IotLiveBatch *batch, gpointer user_data);
  /* Called once, after the last batch: the capture ended because of a
   * stop condition or iot_live_stop() (@error NULL), or a fault
   * (@error set; every packet captured before it was kept). */
  void (*finished) (IotLive *live, const GError *error, gpointer user_data);
} IotLiveCallbacks;

/* Runs the capture program, which opens and configures every interface
 * (errors: unknown interface, permission, monitor mode, bad filter) and
 * creates the first file; returns once it has.  Packets the kernel gets
 * from then on are captured; batches are reported after iot_live_start(). */
IotLive     *iot_live_new (const IotLiveOptions *options, GError **error);
/* Starts one thread per interface.  Callbacks run on @context (NULL =
 * the thread-default context of the caller), with at most one idle
 * source pending there at any time. */
void         iot_live_start (IotLive *live, GMainContext *context,
                             const IotLiveCallbacks *callbacks, gpointer user_data);
/* Asks the capture program to stop: it reads what the kernel already
 * holds, so no packet seen before the call is lost.  Returns at once;
 * `finished` follows.  Safe from any thread. */
void         iot_live_stop (IotLive *live);
gboolean     iot_live_is_running (IotLive *live);
/* Counters, as the capture program last reported them (about every
 * 100 ms, and at the end). */
void         iot_live_get_stats (IotLive *live, IotLiveStats *stats);
/* The current capture file. */
char        *iot_live_dup_path (IotLive *live);
int          iot_live_link_type (IotLive *live);
/* Warnings from libpcap at activation (e.g. promiscuous mode refused). */
const char *const *iot_live_warnings (IotLive *live);
IotLive     *iot_live_ref (IotLive *live);
/* The last unref stops the capture and waits for the program to end. */
void         iot_live_unref (IotLive *live);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotLive, iot_live_unref)

G_END_DECLS
