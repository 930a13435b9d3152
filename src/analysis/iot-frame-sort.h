/* iot-frame-sort.h — the display order of a set of frames by one column,
 * computed in a worker from the capture's extract (no widgets, no items):
 * the packet list's sort, below the app.
 */
#pragma once

#include "iot-capture.h"

G_BEGIN_DECLS

/* What the Time column's order is: the time stamps themselves, or the
 * delta to the previous captured or the previous sorted frame. */
typedef enum {
  IOT_SORT_TIME_STAMP,
  IOT_SORT_TIME_DELTA,             /* since the previous captured frame */
  IOT_SORT_TIME_DELTA_DISPLAYED,   /* since the previous frame of @numbers */
} IotSortTime;

/* The packet list's columns. */
typedef enum {
  IOT_COLUMN_NUMBER,
  IOT_COLUMN_TIME,
  IOT_COLUMN_SOURCE,
  IOT_COLUMN_DESTINATION,
  IOT_COLUMN_PROTOCOL,
  IOT_COLUMN_LENGTH,
  IOT_COLUMN_INFO,
  IOT_N_COLUMNS
} IotColumn;

typedef struct {
  gint done;     /* frames read so far (atomic) */
  gint total;    /* frames to read; 0 while only sorting (atomic) */
} IotSortProgress;

/* The frames of @numbers (ascending) in the order of @column, ties in
 * frame order; NULL if cancelled.  Time sorts by the time itself (delta
 * displayed: by the delta to the previous frame of @numbers); Source,
 * Destination and Protocol by their text (numbers inside compare as
 * numbers); Info by its text, dissecting each frame.  @progress may be
 * NULL. */
GArray *iot_frame_sort (IotCapture *capture, const guint32 *numbers, guint n,
                        IotColumn column, gboolean descending, IotSortTime time_order,
                        GCancellable *cancellable, IotSortProgress *progress);

/* The frames of @numbers (ascending) in the order of field @abbrev's
 * values, as a custom column shows them; NULL if cancelled.  Numeric
 * fields (integers, booleans, frame numbers, floating point, times) sort
 * by their first value as a number, other fields by their text (byte by
 * byte, as strcmp); a frame without the field comes before every frame
 * with it, ties in frame order.  Dissects each frame (progress counts
 * them). */
GArray *iot_frame_sort_by_field (IotCapture *capture, const guint32 *numbers, guint n, const char *abbrev,
                                 gboolean descending, GCancellable *cancellable, IotSortProgress *progress);

/* Fills the capture's extract (see iot-capture.h) of frames @first..@last
 * that lack it, on every core; FALSE if cancelled.  @done (atomic, may be
 * NULL) counts frames. */
gboolean iot_frame_extract_range (IotCapture *capture, guint32 first, guint32 last, GCancellable *cancellable,
                                  gint *done);

G_END_DECLS
