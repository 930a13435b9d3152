/* iot-stats-table-page.h — the Conversations or the Endpoints page of the
 * Statistics window ("endpoints" property), a table per layer (see
 * iot-stats-page.h). */
#pragma once

#include "iot-stats-page.h"

G_BEGIN_DECLS

#define IOT_TYPE_STATS_TABLE_PAGE (iot_stats_table_page_get_type ())
G_DECLARE_FINAL_TYPE (IotStatsTablePage, iot_stats_table_page, IOT, STATS_TABLE_PAGE, IotStatsPage)

G_END_DECLS
