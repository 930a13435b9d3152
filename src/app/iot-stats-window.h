/* iot-stats-window.h — Statistics: protocol hierarchy, conversations and
 * endpoints per layer, expert information, and histograms of frame sizes
 * and inter-frame times.  Everything is counted in a worker in one scan
 * of the session's capture (honouring the display filter shown when the
 * window opened, like Wireshark's "Limit to display filter"); each page is
 * its own widget (iot-stats-page.h).
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
/* What "Copy as Text" copies for @page (NULL: the page shown): the page
 * as `iotscope-cli -z …` prints it. */
char           *iot_stats_window_dup_page_text (IotStatsWindow *self, const char *page);

G_END_DECLS
