/* iot-insight-report-private.h — what the insight's report files share:
 * the topic tree (text and JSON), frame lists, distributions and writing
 * a JSON document (text, JSON, HTML, baseline, capture comparison). */
#pragma once

#include "iot-insight-private.h"

G_BEGIN_DECLS

/* One level of the topic tree (GNode data; the root's is NULL). */
typedef struct {
  char    *name;          /* this level */
  char    *path;          /* the levels up to here */
  Topic   *topic;         /* a topic of exactly this name, or NULL */
  guint64  messages, published, bytes;
} Level;

/* iot-insight-report.c */
GNode   *insight_report_tree_build (IotInsight *self);
void     insight_report_tree_free (GNode *root);
/* "27, 28, 30" for the first @max of @frames, ", … (N in all)" if there are more. */
void     insight_report_append_frames (const GArray *frames, guint max, GString *out);

/* iot-insight-report-json.c */
void     insight_report_json_frames (JsonBuilder *b, const char *name, const GArray *frames);
void     insight_report_json_distribution (JsonBuilder *b, const char *name, IotDistribution d);
/* Writes @b's document, pretty-printed, to @path. */
gboolean insight_report_write_json (JsonBuilder *b, const char *path, GError **error);

G_END_DECLS
