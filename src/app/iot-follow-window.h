/* iot-follow-window.h — "Follow Stream": the conversation of one TCP or
 * UDP stream as text, the client's and the server's parts in two
 * colours, or the MQTT messages of one connection with their latencies.
 * The stream is collected in a worker (it scans the whole capture).
 */
#pragma once

#include <gtk/gtk.h>

#include "iot-follow.h"
#include "iot-analysis-window.h"

G_BEGIN_DECLS

typedef enum {
  IOT_FOLLOW_KIND_TCP,
  IOT_FOLLOW_KIND_UDP,
  IOT_FOLLOW_KIND_MQTT,    /* the MQTT messages of TCP stream N */
} IotFollowKind;

#define IOT_TYPE_FOLLOW_WINDOW (iot_follow_window_get_type ())
G_DECLARE_FINAL_TYPE (IotFollowWindow, iot_follow_window, IOT, FOLLOW_WINDOW, IotAnalysisWindow)

/* Starts collecting stream @stream (tcp.stream / udp.stream) of the
 * session's capture; "ready" follows, and "filter-requested" when "Filter
 * on This Stream" is clicked (IotAnalysisWindow's signals). */
IotFollowWindow *iot_follow_window_new (IotSession *session, IotFollowKind kind, guint32 stream);
/* TCP and UDP: ASCII (default), hex dump or raw hex. */
void             iot_follow_window_set_mode (IotFollowWindow *self, IotFollowMode mode);

G_END_DECLS
