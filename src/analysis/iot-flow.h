/* iot-flow.h — a conversation as a sequence of messages between endpoints,
 * for the flow graph: MQTT and CoAP messages named by type, id, topic and
 * QoS, requests paired with their answers (CONNECT/CONNACK, the QoS 1 and
 * QoS 2 handshakes, SUBSCRIBE/SUBACK, PINGREQ/PINGRESP, CoAP CON with its
 * ACK or RST), latencies, and the frames with expert findings.  GLib only.
 */
#pragma once

#include <gio/gio.h>

#include "iot-engine.h"

G_BEGIN_DECLS

typedef struct {
  guint32  frame;
  gint64   ts_ns;
  guint    from;          /* endpoint indices */
  guint    to;
  char    *label;         /* "PUBLISH id=1 QoS 2 sensors/door" */
  guint32  answers;       /* the frame this one answers, 0 = none */
  gint64   latency_ns;    /* since that frame, when @answers */
  guint    exchange;      /* 1-based: messages of one handshake share it; 0 = none */
  gboolean resent;        /* the same request again before its answer */
  guint8   severity;      /* worst expert item (IotSeverity), 0 = none */
  char    *finding;       /* the first warning or error, or NULL */
} IotFlowMessage;

typedef struct _IotFlow IotFlow;

/* The conversation (TCP or UDP stream) of frame @frame; NULL with @error
 * when the frame has none. */
IotFlow              *iot_flow_build (IotEngine *engine, guint32 frame, GCancellable *cancellable, GError **error);
void                  iot_flow_free (IotFlow *flow);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotFlow, iot_flow_free)

const char           *iot_flow_title (IotFlow *flow);
guint                 iot_flow_n_endpoints (IotFlow *flow);
const char           *iot_flow_endpoint (IotFlow *flow, guint index);
guint                 iot_flow_n_messages (IotFlow *flow);
const IotFlowMessage *iot_flow_message (IotFlow *flow, guint index);

G_END_DECLS
