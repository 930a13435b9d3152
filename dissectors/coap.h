/* coap.h — what CoAP (coap.c) tells the LwM2M layer (lwm2m.c) about a
 * message of the registration or bootstrap interface. */
#pragma once

#include "iot-dissector.h"

G_BEGIN_DECLS

typedef struct {
  guint8      code;                /* method (0.xx) or response code */
  const char *path;                /* "/rd/5a3f"; a response: its request's */
  const char *query;               /* "?ep=node1&lt=300", or NULL */
  const char *location_path;       /* "/rd/5a3f" from Location-Path options, or NULL */
  gboolean    has_content_format;
  guint32     content_format;
} IotCoapInfo;

/* The data a transport hands CoAP with when the messages come over TCP
 * or TLS (RFC 8323 framing: a length instead of type and message ID). */
extern const int iot_coap_reliable_marker;
#define IOT_COAP_RELIABLE ((gpointer) &iot_coap_reliable_marker)

G_END_DECLS
