/* iot-stats-private.h — pieces of the stats_tree tables (-z plen,tree and
 * the trees of iot-stats-trees.c) shared inside the core.  GLib only.
 */
#pragma once

#include <glib.h>

#include "iot-stats.h"

G_BEGIN_DECLS

/* The "burst" columns count values in a sliding window of this many ms. */
#define BURST_WINDOW_MS 100

/* stats_tree's plain text: a name column, then eight columns of 12
 * characters, each with a space on either side. */
#define TREE_COLUMN_WIDTH 12
#define TREE_N_COLUMNS    8

/* The most values counted in any window, and when that window started. */
typedef struct {
  GQueue  steps;       /* one entry per 5 ms step, oldest first; never empty */
  guint64 in_window;
  guint64 max;
  double  max_start_ms;
} IotBurst;

void   iot_burst_init (IotBurst *burst);
/* Counts one value at @now_ms (ms since the capture's first frame). */
void   iot_burst_add (IotBurst *burst, double now_ms);
/* Milliseconds as tshark turns a relative time into them. */
double iot_stats_ns_to_ms (gint64 ns);
/* One row: @cells[0] the name (indented by @indent), then the columns. */
void   iot_stats_tree_append_row (GString *out, guint indent, int name_width, const char *const *cells);

/* Compiles a filter of a -z argument; NULL text or "" means none.  FALSE
 * with @error set when it does not compile. */
gboolean iot_stats_compile_report_filter (const char *text, IotFilter **filter, GError **error);

G_END_DECLS
