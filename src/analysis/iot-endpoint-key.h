/* iot-endpoint-key.h — an address and a port as a hash table key: the
 * conversation and endpoint tables (-z conv, -z endpoints) and the
 * insight's names of endpoints index by it.
 */
#pragma once

#include <glib.h>

#include "iot-dissector.h"

G_BEGIN_DECLS

typedef struct {
  IotAddress addr;
  guint16    port;
} IotEndpointKey;

/* The bytes of @addr that its family does not use are cleared, and so is
 * the padding, so two keys of the same endpoint are equal byte for byte. */
IotAddress iot_address_clean (const IotAddress *addr);
void       iot_endpoint_key_init (IotEndpointKey *key, const IotAddress *addr, guint16 port);
/* GHashFunc and GEqualFunc over keys made by iot_endpoint_key_init(). */
guint      iot_endpoint_key_hash (gconstpointer key);
gboolean   iot_endpoint_key_equal (gconstpointer a, gconstpointer b);

G_END_DECLS
