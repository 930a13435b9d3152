/* iot-session.h — what the window shows: the open capture, its loading and
 * filtering (in workers), the selected frame and tree node, and the view
 * options.  The views observe it through properties and signals.
 */
#pragma once

#include <gio/gio.h>

#include "iot-capture.h"
#include "iot-frame-list.h"

G_BEGIN_DECLS

#define IOT_TYPE_SESSION (iot_session_get_type ())
G_DECLARE_FINAL_TYPE (IotSession, iot_session, IOT, SESSION, GObject)

IotSession   *iot_session_new (void);

/* Opens @file in the background; "load-finished" or "load-failed" follows. */
void          iot_session_open (IotSession *self, GFile *file);
/* Stops what runs in the background (loading or filtering). */
void          iot_session_cancel (IotSession *self);

/* Live captures: shows the pcap file @path that a capture is writing.
 * A worker indexes and dissects what is appended, so the main loop never
 * waits for a burst: iot_session_live_update() says the capture flushed
 * frames (the list grows once they are dissected),
 * iot_session_end_live() that it stopped ("live-ended" follows once every
 * frame is shown; then the session is no longer live). */
gboolean      iot_session_open_live (IotSession *self, const char *path, GError **error);
void          iot_session_live_update (IotSession *self);
void          iot_session_end_live (IotSession *self);
gboolean      iot_session_is_live (IotSession *self);
/* While a live capture's first rows are shown a few at a time (the list
 * is still making its row widgets): TRUE from the notification of
 * "n-displayed" of a step on, until the step that shows them all. */
gboolean      iot_session_live_rows_held (IotSession *self);
/* Shows nothing any more. */
void          iot_session_close (IotSession *self);

IotCapture   *iot_session_get_capture (IotSession *self);
IotFrameList *iot_session_get_frames (IotSession *self);
const char   *iot_session_get_path (IotSession *self);
gboolean      iot_session_is_loading (IotSession *self);
gboolean      iot_session_is_filtering (IotSession *self);
gboolean      iot_session_is_busy (IotSession *self);
double        iot_session_get_progress (IotSession *self);
const char   *iot_session_get_busy_text (IotSession *self);
/* Seconds from open to the end of the first pass (0 while loading). */
double        iot_session_get_load_seconds (IotSession *self);
guint32       iot_session_get_n_total (IotSession *self);
/* Loading was cancelled (Escape): the frames read until then are shown,
 * not the whole file. */
gboolean      iot_session_get_load_partial (IotSession *self);
/* The frames the file's index holds (more than shown when partial). */
guint32       iot_session_get_n_in_file (IotSession *self);
guint         iot_session_get_n_displayed (IotSession *self);

/* Applies a display filter (empty or NULL = none) in a worker; FALSE with
 * @error when it does not compile. */
gboolean      iot_session_apply_filter (IotSession *self, const char *text, GError **error);
const char   *iot_session_get_filter_text (IotSession *self);

/* Shows the frames in the order of @column (in a worker, with progress;
 * "sort-finished" follows).  Number ascending is frame order.  While a
 * file loads, the sort waits for the end.  Cancelling goes back to the
 * order shown before. */
void          iot_session_sort (IotSession *self, IotColumn column, gboolean descending);
IotColumn     iot_session_get_sort_column (IotSession *self);
/* As iot_session_sort(), by the values of field @field (a custom column,
 * see iot_frame_sort_by_field()); "notify::sort-column" tells of it too. */
void          iot_session_sort_by_field (IotSession *self, const char *field, gboolean descending);
/* The field sorted by; NULL when the sort is by a built-in column. */
const char   *iot_session_get_sort_field (IotSession *self);
gboolean      iot_session_get_sort_descending (IotSession *self);
/* Seconds the last sort took, from request to result. */
double        iot_session_get_sort_seconds (IotSession *self);
/* Displayed frames whose worst expert item is an error / a warning;
 * FALSE while they are not known yet (counted by the workers). */
gboolean      iot_session_get_expert_counts (IotSession *self, guint *n_errors, guint *n_warnings);

/* 0 = none.  Dissects the frame for the tree and the hex pane. */
void          iot_session_select_frame (IotSession *self, guint32 number);
guint32       iot_session_get_selected_frame (IotSession *self);
/* The selected frame, dissected with its tree; NULL when none. */
IotPacket    *iot_session_get_packet (IotSession *self);
/* -1 = none; an index into the packet's nodes. */
void          iot_session_select_node (IotSession *self, int node);
int           iot_session_get_selected_node (IotSession *self);
/* The deepest visible node covering byte @offset of data source @source. */
int           iot_session_node_at (IotSession *self, guint source, guint offset);

/* Makes frame @number the time reference (0 = none): the Time column and
 * frame.time_relative count from it for it and the frames after it. */
void          iot_session_set_time_ref (IotSession *self, guint32 number);
guint32       iot_session_get_time_ref (IotSession *self);

/* Frame @number (0: several) was marked, ignored or commented (see
 * iot-frame-notes.h): its row and, when selected, its tree are made again,
 * and "notes-changed" is emitted. */
void          iot_session_notes_changed (IotSession *self, guint32 number);

IotTimeFormat iot_session_get_time_format (IotSession *self);
void          iot_session_set_time_format (IotSession *self, IotTimeFormat format);
gboolean      iot_session_get_colorize (IotSession *self);
void          iot_session_set_colorize (IotSession *self, gboolean colorize);

G_END_DECLS
