/* iot-frame-list.h — the packet list's model: a lazy GListModel over the
 * frames the first pass has covered, or over a filter's matches, in frame
 * order or in a sort's order (a permutation computed by a worker).  Items
 * are created only when a view asks for them, one per position, and keep
 * their identity while the content changes under them (see
 * iot_frame_list_set_view()); their columns are computed on demand by
 * dissecting that one frame, with a small LRU cache.
 */
#pragma once

#include <gio/gio.h>

#include "iot-capture.h"
#include "iot-frame-sort.h"
#include "iot-print.h"

G_BEGIN_DECLS

/* IotTimeFormat, the Time column's formats, is iot-print.h's: the CLI's
 * -t and the window's View ▸ Time Display Format share it. */


/* The format whose GSettings name is @id ("relative", "date", …); -1
 * when @id names none. */
int           iot_time_format_from_id (const char *id);


/* "number", "time", "source", … (settings, command line); -1 if unknown. */
const char   *iot_column_id (IotColumn column);
int           iot_column_from_id (const char *id);

/* What the Source … Info columns show for one frame. */
typedef struct {
  guint32     number;
  guint32     length;
  IotSeverity severity;     /* 0 = no expert items */
  char        src[64];
  char        dst[64];
  char       *protocol;
  char       *info;
  int         colour_rule;  /* the colouring rule the frame matches, -1 none */
} IotRowSummary;

typedef struct _IotColourRuleSet IotColourRuleSet;

#define IOT_TYPE_FRAME_ROW (iot_frame_row_get_type ())
G_DECLARE_FINAL_TYPE (IotFrameRow, iot_frame_row, IOT, FRAME_ROW, GObject)

/* The frame the row shows now (it changes with the view), and the row's
 * position (it does not). */
guint32 iot_frame_row_get_number (IotFrameRow *self);
guint   iot_frame_row_get_position (IotFrameRow *self);

#define IOT_TYPE_FRAME_LIST (iot_frame_list_get_type ())
G_DECLARE_FINAL_TYPE (IotFrameList, iot_frame_list, IOT, FRAME_LIST, GObject)

IotFrameList *iot_frame_list_new (void);
/* Forgets everything: no capture, no items. */
void          iot_frame_list_set_capture (IotFrameList *self, IotCapture *capture);
/* The same frames, numbered the same way, from a capture that holds at
 * least as many (a preview of a file's head, then the whole file): the
 * rows, their summaries and the view stay. */
void          iot_frame_list_replace_capture (IotFrameList *self, IotCapture *capture);
IotCapture   *iot_frame_list_get_capture (IotFrameList *self);
/* Unfiltered: shows frames 1..@n_passed (it only grows). */
void          iot_frame_list_set_n_passed (IotFrameList *self, guint32 n_passed);
/* Replaces what is shown, in one step: the displayed frames are @matches
 * (ascending frame numbers; taken) or, when NULL, all passed frames; they
 * show in the order of @order (a permutation of them; taken) or, when
 * NULL, in frame order.  "about-to-change" is emitted first, then an
 * items-changed for the difference in length only, then "view-changed":
 * row items keep their identity per position, so the views keep their row
 * widgets and re-bind them to the frames now at their positions. */
void          iot_frame_list_set_view (IotFrameList *self, GArray *matches, GArray *order);
/* The same with the displayed frames kept: only their order changes
 * (@order taken; NULL = frame order). */
void          iot_frame_list_set_order (IotFrameList *self, GArray *order);
/* The inverse of the order shown, made by the worker that sorted:
 * frame number → position + 1, 0 for a frame not shown (taken). */
void          iot_frame_list_take_positions (IotFrameList *self, guint32 *positions, guint32 n_positions);
/* Filtered: more matches after the last one (a filter catching up with
 * the first pass).  Not while sorted. */
void          iot_frame_list_append_matches (IotFrameList *self, const guint32 *numbers, guint n);
gboolean      iot_frame_list_is_filtered (IotFrameList *self);
gboolean      iot_frame_list_is_sorted (IotFrameList *self);
/* Frames the list may show (passed, and revealed to the views). */
guint32       iot_frame_list_get_n_passed (IotFrameList *self);
/* A copy of the displayed frame numbers, ascending. */
GArray       *iot_frame_list_dup_displayed (IotFrameList *self);

guint32       iot_frame_list_number_at (IotFrameList *self, guint position);
/* Position of frame @number, FALSE if it is not displayed. */
gboolean      iot_frame_list_find (IotFrameList *self, guint32 number, guint *position);
/* The displayed frame before @number in frame order (whatever the sort),
 * for "delta displayed" times; 0 when none. */
guint32       iot_frame_list_prev_displayed (IotFrameList *self, guint32 number);

/* The time reference frame (0 = none): the frames from it on count their
 * relative time from it, the ones before from the first frame. */
void          iot_frame_list_set_time_ref (IotFrameList *self, guint32 number);
guint32       iot_frame_list_get_time_ref (IotFrameList *self);
/* The frame @number's relative time counts from. */
guint32       iot_frame_list_time_base (IotFrameList *self, guint32 number);

/* Frame @number's columns changed (it was ignored or no longer is): they
 * are computed again when next asked for.  0: every frame's. */
void          iot_frame_list_forget_summary (IotFrameList *self, guint32 number);
const IotRowSummary *iot_frame_list_summary (IotFrameList *self, guint32 number);
/* A frame's summary, made on any thread with that thread's @pkt and
 * colouring rules (NULL for none): what iot_frame_list_summary() makes. */
IotRowSummary *iot_row_summary_new (IotCapture *capture, IotPacket *pkt, IotColourRuleSet *rules, guint32 number);
void          iot_row_summary_free (IotRowSummary *summary);
/* Summaries made on another thread go to the cache, so that the rows
 * showing them need no dissection on this one.  With @generation the
 * value of iot_frame_list_get_summary_generation() when the rules they
 * were made with were copied (iot_frame_list_dup_colour_rules()): when it
 * has changed since, they are dropped.  @summaries is emptied. */
guint         iot_frame_list_get_summary_generation (IotFrameList *self);
IotColourRuleSet *iot_frame_list_dup_colour_rules (IotFrameList *self);
void          iot_frame_list_add_summaries (IotFrameList *self, GPtrArray *summaries, guint generation);
/* The colouring rules the summaries are matched against (taken; NULL for
 * none); the summaries made so far are dropped. */
void          iot_frame_list_set_colour_rules (IotFrameList *self, IotColourRuleSet *rules);
gboolean      iot_frame_list_has_colour_rules (IotFrameList *self);
void          iot_frame_list_format_time (IotFrameList *self, guint32 number,
                                          IotTimeFormat format, GString *out);

G_END_DECLS
