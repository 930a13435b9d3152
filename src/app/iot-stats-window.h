/* iot-stats-window.h — Statistics: protocol hierarchy, conversations and
 * endpoints per layer, expert information, and histograms of frame sizes
 * and inter-frame times.  Everything is counted in a worker in one pass
 * over the session's capture (honouring the display filter shown when the
 * window opened, like Wireshark's "Limit to display filter").
 */
#pragma once

#include <gtk/gtk.h>

#include "iot-session.h"

G_BEGIN_DECLS

#define IOT_TYPE_STATS_WINDOW (iot_stats_window_get_type ())
G_DECLARE_FINAL_TYPE (IotStatsWindow, iot_stats_window, IOT, STATS_WINDOW, GtkWindow)

/* @page: "phs", "conv", "endpoints", "expert" or "histograms" (NULL: the
 * first).  Signals: "ready" once the counts are shown, "filter-requested"
 * (const char *filter) and "frame-activated" (guint frame). */
IotStatsWindow *iot_stats_window_new (IotSession *session, const char *page);
gboolean        iot_stats_window_is_ready (IotStatsWindow *self);
void            iot_stats_window_set_page (IotStatsWindow *self, const char *page);
const char     *iot_stats_window_get_page (IotStatsWindow *self);

G_END_DECLS
