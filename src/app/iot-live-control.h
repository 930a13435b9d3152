/* iot-live-control.h — the one place a window's live capture is
 * controlled from: start, stop, restart, the limits chosen in Capture
 * Options, the capture program's counters, and the temporary file the
 * packets go to.  No widgets: the window shows what it says, and the
 * session it drives shows the frames as the file grows. */
#pragma once

#include <glib-object.h>

#include "iot-live.h"
#include "iot-session.h"

G_BEGIN_DECLS

/* What bounds a capture: Capture Options' Options. */
typedef struct {
  int     snaplen;            /* bytes kept of each packet */
  int     buffer_mib;         /* kernel buffer */
  int     buffer_kib;         /* when > 0, the buffer in KiB instead (tiny buffers, for tests) */
  guint64 stop_packets;       /* 0 = no limit */
  double  stop_seconds;       /* 0 = no limit */
  guint64 stop_filesize_kb;   /* 0 = no limit; kB = 1000 bytes */
  int     link_type;          /* DLT to capture with; 0 = the interface's default */
} IotCaptureLimits;

/* 262144-byte snapshots and a 16 MiB buffer: a GUI capture is often
 * started on a busy link, and libpcap's 2 MiB drop much in a burst. */
void iot_capture_limits_init (IotCaptureLimits *limits);

#define IOT_TYPE_LIVE_CONTROL (iot_live_control_get_type ())
G_DECLARE_FINAL_TYPE (IotLiveControl, iot_live_control, IOT, LIVE_CONTROL, GObject)

/* Signals:
 *  - "notify::running": a capture started, or the capture program ended
 *    (its last frames may still be on their way to the list);
 *  - "stats-changed": the counters were read again (about 2 Hz while
 *    capturing);
 *  - "ended" (const char *error): every frame of the capture is shown;
 *    @error says why it stopped when a fault stopped it, else NULL;
 *  - "restart-failed" (GError *): the capture that iot_live_control_restart()
 *    was to start once the running one ended could not start. */
IotLiveControl *iot_live_control_new (IotSession *session);

void            iot_live_control_set_limits (IotLiveControl *self, const IotCaptureLimits *limits);
void            iot_live_control_get_limits (IotLiveControl *self, IotCaptureLimits *limits);

/* Captures into a new temporary file that the session shows as it grows;
 * the previous capture's file, when not saved, is deleted. */
gboolean        iot_live_control_start (IotLiveControl *self, const char *const *interfaces, const char *filter,
                                        gboolean promiscuous, gboolean monitor, GError **error);
/* The same with the options of the last start (see has_last_options). */
gboolean        iot_live_control_start_again (IotLiveControl *self, GError **error);
void            iot_live_control_stop (IotLiveControl *self);
/* A new capture with the last options.  A running one is stopped first
 * and its file dropped, as Wireshark does; the new one starts after its
 * "ended". */
gboolean        iot_live_control_restart (IotLiveControl *self, GError **error);
/* While a restart waits for the running capture to end. */
gboolean        iot_live_control_is_restarting (IotLiveControl *self);
/* After a stop: closes the capture in the session and deletes its file;
 * FALSE (nothing done) while capturing or with no such file. */
gboolean        iot_live_control_discard (IotLiveControl *self);

gboolean        iot_live_control_is_running (IotLiveControl *self);
gboolean        iot_live_control_has_last_options (IotLiveControl *self);
/* The interfaces (NULL-terminated) and capture filter of the last start;
 * NULL before any. */
const char *const *iot_live_control_get_interfaces (IotLiveControl *self);
const char     *iot_live_control_get_filter (IotLiveControl *self);
/* The temporary file of the running or last capture; NULL when none. */
const char     *iot_live_control_get_path (IotLiveControl *self);
/* Frames captured and not saved yet; iot_live_control_mark_saved() once
 * the whole file was saved elsewhere. */
gboolean        iot_live_control_has_unsaved (IotLiveControl *self);
void            iot_live_control_mark_saved (IotLiveControl *self);
/* The counters of the running capture, or of the last one once it ended
 * (packets captured, dropped by the kernel and by the interface, as
 * iotscope-capture reports them); zeros before any capture. */
void            iot_live_control_get_stats (IotLiveControl *self, IotLiveStats *stats);

G_END_DECLS
