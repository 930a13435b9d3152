/* iot-stats-histogram-page.h — a page of the Statistics window (see iot-stats-page.h). */
#pragma once

#include "iot-stats-page.h"

G_BEGIN_DECLS

#define IOT_TYPE_STATS_HISTOGRAM_PAGE (iot_stats_histogram_page_get_type ())
G_DECLARE_FINAL_TYPE (IotStatsHistogramPage, iot_stats_histogram_page, IOT, STATS_HISTOGRAM_PAGE, IotStatsPage)

G_END_DECLS
