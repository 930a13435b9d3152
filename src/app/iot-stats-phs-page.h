/* iot-stats-phs-page.h — a page of the Statistics window (see iot-stats-page.h). */
#pragma once

#include "iot-stats-page.h"

G_BEGIN_DECLS

#define IOT_TYPE_STATS_PHS_PAGE (iot_stats_phs_page_get_type ())
G_DECLARE_FINAL_TYPE (IotStatsPhsPage, iot_stats_phs_page, IOT, STATS_PHS_PAGE, IotStatsPage)

G_END_DECLS
