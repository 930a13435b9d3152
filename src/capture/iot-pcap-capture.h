/* iot-pcap-capture.h — the capture engine of iotscope-capture: libpcap
 * threads writing a pcap or pcapng file.  GLib (no GIO, no GModule) and
 * libpcap only, because it runs in the one program that holds capture
 * capabilities.
 *
 * Every packet is written to the capture file first; the file is flushed
 * after each libpcap dispatch batch, and only then is the batch reported.
 * So the file is a readable capture up to the last reported batch at any
 * moment, even if the process is killed.
 *
 * Several interfaces: one thread each, all writing into one merged file in
 * arrival order (so they must share a link type).
 *
 * Opening is two steps, so that the program can give up its capabilities
 * between them: iot_pcap_capture_new() opens the interfaces (the only step
 * that needs privileges), iot_pcap_capture_open_file() creates the file
 * with the rights of the user who runs it.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define IOT_PCAP_ERROR (iot_pcap_error_quark ())
GQuark iot_pcap_error_quark (void);

/* The same codes, in the same order, as IotLiveError. */
typedef enum {
  IOT_PCAP_ERROR_NO_SUCH_INTERFACE,
  IOT_PCAP_ERROR_PERMISSION,
  IOT_PCAP_ERROR_FILTER,
  IOT_PCAP_ERROR_MONITOR_UNSUPPORTED,
  IOT_PCAP_ERROR_INTERFACE_GONE,
  IOT_PCAP_ERROR_FILE,
  IOT_PCAP_ERROR_INVALID,
  IOT_PCAP_ERROR_FAILED,
} IotPcapError;

typedef struct {
  const char *const *interfaces;   /* names, NULL-terminated; at least one */
  const char *filter;              /* BPF capture filter, NULL = everything */
  gboolean    no_promiscuous;
  gboolean    monitor;
  int         link_type;           /* DLT to select (pcap_set_datalink); 0 = the interface's default */
  int         snaplen;             /* 0 = 262144 */
  int         buffer_kib;          /* kernel buffer; 0 = 2 MiB as tshark */
  const char *output;              /* NULL = a temporary pcap file */
  gboolean    pcapng;              /* write pcapng instead of pcap */
  guint64     stop_packets;
  double      stop_seconds;
  guint64     stop_filesize_kb;    /* kB = 1000 bytes, as tshark */
  guint64     ring_filesize_kb;
  guint       ring_files;          /* 0 = keep all */
  guint64     ring_packets;        /* switch files after this many packets */
  double      ring_seconds;        /* ... after this long in one file */
  double      ring_interval;       /* ... when the wall clock reaches a multiple of this */
  guint       stop_files;          /* stop when this many files are complete */
} IotPcapOptions;

typedef struct _IotPcapCapture IotPcapCapture;

/* What @name offers, as text for the capture program's --capabilities:
 * "monitor 0|1", then one "link DLT NAME DESCRIPTION" line per link type
 * pcap_list_datalinks() gives (in monitor mode when @monitor). */
gboolean iot_pcap_describe_interface (const char *name, gboolean monitor, GString *out, GError **error);

/* Frames first_number … first_number + n_frames - 1 of file file_number
 * (1-based) are in the file and flushed. */
typedef struct {
  const char *path;
  guint       file_number;
  guint32     first_number;
  guint       n_frames;
} IotPcapBatch;

typedef struct {
  guint64 received;      /* pcap ps_recv, all interfaces */
  guint64 dropped;       /* ps_drop: the kernel's buffer was full */
  guint64 if_dropped;    /* ps_ifdrop: the interface or driver dropped */
  guint64 captured;      /* written to capture files */
  guint64 bytes;         /* bytes written, headers included, all files */
} IotPcapStats;

typedef struct {
  /* Called on the context for each batch, in order. */
  void (*batch) (IotPcapCapture *capture, const IotPcapBatch *batch, gpointer user_data);
  /* Called once after the last batch; @error set for a fault. */
  void (*finished) (IotPcapCapture *capture, const GError *error, gpointer user_data);
} IotPcapCallbacks;

IotPcapCapture *iot_pcap_capture_new (const IotPcapOptions *options, GError **error);
gboolean        iot_pcap_capture_open_file (IotPcapCapture *self, GError **error);
void            iot_pcap_capture_start (IotPcapCapture *self, GMainContext *context,
                                        const IotPcapCallbacks *callbacks, gpointer user_data);
void            iot_pcap_capture_stop (IotPcapCapture *self);
void            iot_pcap_capture_get_stats (IotPcapCapture *self, IotPcapStats *stats);
char           *iot_pcap_capture_dup_path (IotPcapCapture *self);
int             iot_pcap_capture_link_type (IotPcapCapture *self);
gboolean        iot_pcap_capture_is_nano (IotPcapCapture *self);
const char *const *iot_pcap_capture_warnings (IotPcapCapture *self);
void            iot_pcap_capture_free (IotPcapCapture *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotPcapCapture, iot_pcap_capture_free)

G_END_DECLS
