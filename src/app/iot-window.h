/* iot-window.h — the main window: filter bar, packet list, protocol tree,
 * bytes pane, status bar. */
#pragma once

#include <gtk/gtk.h>

#include "iot-capture-dialog.h"
#include "iot-export.h"
#include "iot-filter-bar.h"
#include "iot-find-bar.h"
#include "iot-follow-window.h"
#include "iot-hex-view.h"
#include "iot-insight-window.h"
#include "iot-io-graph-window.h"
#include "iot-live-control.h"
#include "iot-packet-list.h"
#include "iot-proto-tree.h"
#include "iot-session.h"
#include "iot-stats-window.h"

G_BEGIN_DECLS

#define IOT_TYPE_WINDOW (iot_window_get_type ())
G_DECLARE_FINAL_TYPE (IotWindow, iot_window, IOT, WINDOW, GtkApplicationWindow)

/* Signals:
 *  - "tls-status-changed": the status bar's "N of M TLS sessions
 *    decrypted" was counted again;
 *  - "capture-finished": a live capture has stopped and every frame is
 *    shown. */

/* @settings may be NULL (no schema installed): nothing is remembered. */
IotWindow     *iot_window_new (GtkApplication *app, GSettings *settings);
void           iot_window_open (IotWindow *self, GFile *file);
IotSession    *iot_window_get_session (IotWindow *self);
/* The panes other parts of the window work with (the Exercise pane, the
 * colour rules, scripted runs). */
IotFilterBar  *iot_window_get_filter_bar (IotWindow *self);
IotPacketList *iot_window_get_packet_list (IotWindow *self);
IotProtoTree  *iot_window_get_proto_tree (IotWindow *self);
/* What dropping @file on the window does: an NSS key log (by its content,
 * whatever its name) becomes the key log preference and the capture is
 * dissected again; anything else is opened as a capture. */
void           iot_window_drop_file (IotWindow *self, GFile *file);
/* Dissects the open capture file again (after the secrets changed);
 * nothing while capturing. */
void           iot_window_reload (IotWindow *self);
/* Opens a Follow window for the selected frame's TCP or UDP stream, or
 * its MQTT session; NULL when the frame has none. */
IotFollowWindow *iot_window_follow (IotWindow *self, IotFollowKind kind);

typedef enum {
  IOT_EXPORT_RANGE_ALL,
  IOT_EXPORT_RANGE_DISPLAYED,
  IOT_EXPORT_RANGE_SELECTED,
  IOT_EXPORT_RANGE_MARKED,
} IotExportRange;

/* What "Save As…" and "Export Specified Frames…" do once a file name is
 * chosen: iot_window_export_full(), errors shown.  A pcap file has no room for
 * packet comments: when frames of @range have some, a question comes
 * first: save as pcapng instead (IOT_SAVE_AS_PCAPNG: the name ending in
 * .pcapng), save without the comments (IOT_SAVE_WITHOUT_COMMENTS), or
 * cancel. */
void           iot_window_save (IotWindow *self, const char *path, IotExportRange range);
enum {
  IOT_SAVE_AS_PCAPNG = 1,
  IOT_SAVE_WITHOUT_COMMENTS = 2,
};
/* Writes the frames of @range to @path, as pcapng when the name ends in
 * .pcapng, else as pcap (without the packet comments: iot_window_save()
 * asks first); @secrets says whether a pcapng file gets the known
 * decryption secrets. */
gboolean       iot_window_export_full (IotWindow *self, const char *path, IotExportRange range,
                                       IotExportSecrets secrets, GError **error);
/* Whether problems are shown in dialogs (off for screenshots and tests,
 * which read them from the "problem" signal). */
void           iot_window_set_show_dialogs (IotWindow *self, gboolean show);
/* Selects frame @number, or the nearest displayed frame after it (else
 * before); FALSE when no frame is displayed. */
gboolean       iot_window_go_to_frame (IotWindow *self, guint32 number);
/* Puts @pane (e.g. the Exercise pane) to the right of the packet list,
 * tree and bytes. */
void           iot_window_set_side_pane (IotWindow *self, GtkWidget *pane);

/* Opens an analysis window of the current capture: "phs", "conv",
 * "endpoints", "expert", "histograms" (Statistics), "io-graph", or
 * "insight[:PAGE]" (PAGE: diagnoses, security, topics, sessions, latency;
 * "report" opens it and asks where to write the HTML and JSON reports).
 * Each has a "ready" signal.  NULL with @error for an unknown name or
 * when no capture is open. */
GtkWindow     *iot_window_show_analysis (IotWindow *self, const char *name, GError **error);

/* Live capture into a temporary file shown as it grows ("capture-finished"
 * is emitted once it has stopped and every frame is shown), bounded by
 * the limits last chosen in Capture Options. */
gboolean       iot_window_start_capture (IotWindow *self, const char *const *interfaces, const char *filter,
                                         gboolean promiscuous, gboolean monitor, GError **error);
void           iot_window_stop_capture (IotWindow *self);
/* The counters of the running capture, or of the last one once it ended
 * (packets captured, dropped by the kernel and by the interface, as
 * iotscope-capture reports them); zeros before any capture. */
void           iot_window_get_capture_stats (IotWindow *self, IotLiveStats *stats);
/* Capture Options (Ctrl+K); Start there starts the capture. */
IotCaptureDialog *iot_window_show_capture_dialog (IotWindow *self);

G_END_DECLS
