/* iot-stats-window.h — Statistics: protocol hierarchy, conversations and
 * endpoints per layer, expert information, and histograms of frame sizes
 * and inter-frame times.  Everything is counted in a worker in one pass
 * over the session's capture (honouring the display filter shown when the
 * window opened, like Wireshark's "Limit to display filter").
 */
#pragma once

#include <gtk/gtk.h>

#include "iot-analysis-window.h"
#include "iot-stats.h"

G_BEGIN_DECLS

#define IOT_TYPE_STATS_WINDOW (iot_stats_window_get_type ())
G_DECLARE_FINAL_TYPE (IotStatsWindow, iot_stats_window, IOT, STATS_WINDOW, IotAnalysisWindow)

/* @page: "phs", "conv", "endpoints", "expert" or "histograms" (NULL: the
 * first).  Signals (IotAnalysisWindow's): "ready" once the counts are
 * shown, "filter-requested" on "Apply as Filter" and "frame-activated"
 * when an expert item is activated. */
IotStatsWindow *iot_stats_window_new (IotSession *session, const char *page);
void            iot_stats_window_set_page (IotStatsWindow *self, const char *page);
const char     *iot_stats_window_get_page (IotStatsWindow *self);

/* For tests and scripts.  Pages by name as above; rows in the order shown
 * (sorted, and for "phs" the expanded tree, "frame" first). */
GtkColumnView       *iot_stats_window_get_view (IotStatsWindow *self, const char *page);
GtkColumnViewColumn *iot_stats_window_get_column (IotStatsWindow *self, const char *page, const char *title);
guint                iot_stats_window_get_n_rows (IotStatsWindow *self, const char *page);
/* The text of the cell of row @row under the heading @title. */
char                *iot_stats_window_dup_cell_text (IotStatsWindow *self, const char *page, guint row,
                                                     const char *title);
/* Conversations and endpoints: the layer shown. */
void                 iot_stats_window_set_layer (IotStatsWindow *self, const char *page, IotConvType layer);
IotConvType          iot_stats_window_get_layer (IotStatsWindow *self, const char *page);
/* The display filter for a row ("tcp.stream eq 3", "ip.addr==…"), and
 * emitting it with "filter-requested", as "Apply as Filter" does. */
char                *iot_stats_window_dup_row_filter (IotStatsWindow *self, const char *page, guint row);
void                 iot_stats_window_apply_row_filter (IotStatsWindow *self, const char *page, guint row);
/* Expert rows: the first frame with the item; activating a row emits
 * "frame-activated" with it. */
guint32              iot_stats_window_get_expert_frame (IotStatsWindow *self, guint row);
void                 iot_stats_window_activate_expert (IotStatsWindow *self, guint row);
IotHistogram        *iot_stats_window_get_histogram (IotStatsWindow *self, IotHistogramKind kind);
GtkCheckButton      *iot_stats_window_get_limit_check (IotStatsWindow *self);
guint32              iot_stats_window_get_n_counted (IotStatsWindow *self);
/* What "Copy as Text" copies for @page (NULL: the page shown). */
char                *iot_stats_window_dup_page_text (IotStatsWindow *self, const char *page);

G_END_DECLS
