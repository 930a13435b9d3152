/* lwm2m.h — what the LwM2M registration layer (lwm2m.c) shares with the
 * layers that read LwM2M payloads (lwm2mtlv.c, senml.c). */
#pragma once

#include "iot-dissector.h"

G_BEGIN_DECLS

extern IotDissector iot_dissector_lwm2m;

/* The endpoint client name a device registered under (ep=) from the
 * address and port on either side of this frame, or NULL.  Learnt in the
 * first pass from Register and its 2.01 answer. */
const char *iot_lwm2m_endpoint (IotPacket *pkt);

G_END_DECLS
