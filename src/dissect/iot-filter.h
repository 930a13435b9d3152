/* iot-filter.h — display filters in Wireshark's language: compiled once,
 * evaluated per dissected frame.  GLib only.
 */
#pragma once

#include <glib.h>

#include "iot-engine.h"

G_BEGIN_DECLS

/* Something wrong (or deprecated) in a filter, and where: @start and
 * @length are byte offsets into the filter text. */
typedef struct {
  char *message;
  guint start;
  guint length;
} IotFilterProblem;

void   iot_filter_problem_free (IotFilterProblem *problem);
/* Where the problem starts, in characters (not bytes) from the start of
 * @text: what a user counts. */
guint  iot_filter_problem_column (const IotFilterProblem *problem, const char *text);
/* "message\n    filter text\n    ^~~~" as tshark prints it, the caret
 * under the problem's character (not byte) position. */
char  *iot_filter_problem_format (const IotFilterProblem *problem, const char *text);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotFilterProblem, iot_filter_problem_free)

typedef struct _IotFilter IotFilter;

/* Compiles @text; on failure returns NULL and sets *problem. */
IotFilter         *iot_filter_compile (const char *text, IotFilterProblem **problem);
void               iot_filter_free (IotFilter *filter);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotFilter, iot_filter_free)

const char        *iot_filter_text (IotFilter *filter);
/* Warnings (deprecated forms) found while compiling. */
guint              iot_filter_n_warnings (IotFilter *filter);
const IotFilterProblem *iot_filter_warning (IotFilter *filter, guint index);
/* The fields (and protocols) the filter reads: dissect with these wanted. */
const IotFieldSet *iot_filter_fields (IotFilter *filter);
/* Adds the filter's fields to @set. */
void               iot_filter_add_fields (IotFilter *filter, IotFieldSet *set);

/* Whether the dissected frame in @pkt passes the filter.  The packet must
 * have been dissected with (at least) the filter's fields wanted. */
gboolean           iot_filter_matches (IotFilter *filter, IotPacket *pkt);
/* Adds to @set fields of which every frame the filter matches has at
 * least one ("mqtt.qos == 1 && tcp.port == 1883": mqtt.qos, or tcp.port;
 * "mqtt || coap": both).  FALSE, with @set unchanged, when no such fields
 * are known ("!mqtt", "frame.len > 0 || 1 == 1" …). */
gboolean           iot_filter_needed_fields (IotFilter *filter, IotFieldSet *set);

G_END_DECLS
