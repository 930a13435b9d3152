/* iot-analysis-test.h — look-ups and entry points of the analysis library
 * that only the unit tests use: the application and the CLI reach the
 * same state through scan listeners and the printed reports.  Only the
 * files that define these and the programs in tests/ include it.
 */
#pragma once

#include "iot-exercise.h"
#include "iot-find.h"
#include "iot-insight.h"
#include "iot-readings.h"
#include "iot-stats.h"

G_BEGIN_DECLS

/* The flows a comparison matched (NULL past the last). */
guint                   iot_compare_n_flows (IotCompare *compare);
const IotCompareFlow   *iot_compare_flow (IotCompare *compare, guint index);

/* The index of question @id, -1 when there is none. */
gint                    iot_exercise_pack_find_question (IotExercisePack *pack, const char *id);

/* Counts one expert item, as iot_expert_summary_add_packet() does for
 * each item of a frame. */
void                    iot_expert_summary_add (IotExpertSummary *summary, IotSeverity severity,
                                                IotExpertGroup group, const char *protocol,
                                                const char *message);

/* Whether frame @number of @engine's capture is what is looked for;
 * @pkt is scratch for the dissection. */
gboolean                iot_finder_matches (IotFinder *self, IotEngine *engine, IotPacket *pkt, guint32 number);

/* The statistics of @topic, NULL when the insight has no such topic. */
const IotTopicStats    *iot_insight_topic_by_name (IotInsight *insight, const char *topic);

/* One pass over the frames the engine's first pass covered, keeping the
 * frames that pass @filter (NULL: all).  NULL with @error set when
 * cancelled.  Safe in a worker thread (the engine's random access is). */
IotReadings            *iot_readings_collect (IotEngine *engine, IotFilter *filter, GCancellable *cancellable,
                                              IotReadingsProgress progress, gpointer user_data, GError **error);
/* The series of @device, @series and @name, or NULL. */
const IotReadingSeries *iot_readings_find (IotReadings *readings, const char *device,
                                           const char *series, const char *name);

G_END_DECLS
