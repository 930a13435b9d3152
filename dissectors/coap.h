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

G_END_DECLS
