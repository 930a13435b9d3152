/* http.h — what HTTP (http.c) shares with the layers it hands bytes to:
 * WebSocket asks which subprotocol its connection negotiated. */
#pragma once

#include "iot-dissector.h"

G_BEGIN_DECLS

extern IotDissector iot_dissector_http;
extern IotDissector iot_dissector_websocket;

/* The Sec-WebSocket-Protocol the server accepted on this packet's TCP
 * connection (e.g. "mqtt"), or NULL.  Learnt in the first pass. */
const char *iot_http_websocket_protocol (IotPacket *pkt);

G_END_DECLS
