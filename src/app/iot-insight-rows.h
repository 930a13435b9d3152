/* iot-insight-rows.h — the rows of the IoT Insight window's lists: a
 * finding (diagnosis, security finding or deviation), a level of the MQTT
 * topic tree and an MQTT session.  Each keeps its own copy of what the
 * analysis found, so a list outlives a later change of the analysis (a
 * baseline comparison replaces the deviations).
 */
#pragma once

#include <gio/gio.h>

#include "iot-insight.h"

G_BEGIN_DECLS

/* ---- a finding ------------------------------------------------------------ */

#define IOT_TYPE_INSIGHT_FINDING_ROW (iot_insight_finding_row_get_type ())
G_DECLARE_FINAL_TYPE (IotInsightFindingRow, iot_insight_finding_row, IOT, INSIGHT_FINDING_ROW, GObject)

IotInsightFindingRow *iot_insight_finding_row_new (const IotInsightItem *item);
/* The copy: frames, related frames and texts as the analysis gave them. */
const IotInsightItem *iot_insight_finding_row_get_item (IotInsightFindingRow *self);
/* "frame.number in {4, 8, 10, 14}": the evidence and the related frames. */
char                 *iot_insight_finding_row_dup_filter (IotInsightFindingRow *self);

/* ---- a level of the topic tree -------------------------------------------- */

#define IOT_TYPE_INSIGHT_TOPIC_ROW (iot_insight_topic_row_get_type ())
G_DECLARE_FINAL_TYPE (IotInsightTopicRow, iot_insight_topic_row, IOT, INSIGHT_TOPIC_ROW, GObject)

/* The tree of @insight's topics, split at "/": a list of the top levels,
 * each with its children. */
GListStore         *iot_insight_topic_row_build_tree (IotInsight *insight);
/* "line1": this level's name ("" for an empty level). */
const char         *iot_insight_topic_row_get_level (IotInsightTopicRow *self);
/* "plant/line1": the topic up to this level. */
const char         *iot_insight_topic_row_get_path (IotInsightTopicRow *self);
/* The levels below (NULL for a leaf). */
GListModel         *iot_insight_topic_row_get_children (IotInsightTopicRow *self);
/* Sums over this level and everything below it; publishers and
 * subscribers are the distinct clients.  Period, jitter and rate per
 * minute are this topic's own (a period < 0 when not a topic or not
 * periodic), the rate of a level is the sum of its topics' rates. */
const IotTopicStats *iot_insight_topic_row_get_stats (IotInsightTopicRow *self);
/* mqtt.topic == "a/b" for a leaf, a regular expression over the level
 * otherwise. */
char               *iot_insight_topic_row_dup_filter (IotInsightTopicRow *self);

/* ---- an MQTT session ------------------------------------------------------- */

#define IOT_TYPE_INSIGHT_SESSION_ROW (iot_insight_session_row_get_type ())
G_DECLARE_FINAL_TYPE (IotInsightSessionRow, iot_insight_session_row, IOT, INSIGHT_SESSION_ROW, GObject)

IotInsightSessionRow *iot_insight_session_row_new (const IotMqttSession *session);
const IotMqttSession *iot_insight_session_row_get_session (IotInsightSessionRow *self);
/* The longest silence of the client exceeds its promised keep-alive. */
gboolean              iot_insight_session_row_silence_exceeded (IotInsightSessionRow *self);
/* "tcp.stream eq N". */
char                 *iot_insight_session_row_dup_filter (IotInsightSessionRow *self);

/* A display filter string literal: @text in quotes, with " and \ escaped. */
char                 *iot_insight_quote (const char *text);

G_END_DECLS
