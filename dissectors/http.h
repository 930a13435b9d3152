/* http.h — what HTTP (http.c) shares with the layers it hands bytes to:
 * WebSocket asks which subprotocol its connection negotiated, and the
 * line-based text layer (textlines.c) is told the body's media type. */
#pragma once

#include "iot-dissector.h"

G_BEGIN_DECLS

extern IotDissector iot_dissector_http;
extern IotDissector iot_dissector_websocket;

/* The Sec-WebSocket-Protocol the server accepted on this packet's TCP
 * connection (e.g. "mqtt"), or NULL.  Learnt in the first pass. */
const char *iot_http_websocket_protocol (IotPacket *pkt);

/* The media type of the body being handed to the text layer, without
 * parameters ("text/plain"); NULL when not called from HTTP.  Kept per
 * thread: one packet is always dissected by one thread. */
void        iot_http_set_media_type (const char *media_type);
const char *iot_http_media_type (void);

/* Whether tshark 4.0 decodes a body of media type @type (lower case,
 * without parameters) as JSON ("application/json", "application/senml+json" …). */
gboolean    iot_http_is_json_media (const char *type);

G_END_DECLS
