/* iot-stats-expert-page.h — a page of the Statistics window (see iot-stats-page.h). */
#pragma once

#include "iot-stats-page.h"

G_BEGIN_DECLS

#define IOT_TYPE_STATS_EXPERT_PAGE (iot_stats_expert_page_get_type ())
G_DECLARE_FINAL_TYPE (IotStatsExpertPage, iot_stats_expert_page, IOT, STATS_EXPERT_PAGE, IotStatsPage)

G_END_DECLS
