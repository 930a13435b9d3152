/* iot-endpoint-key.c — an address and a port as a hash table key. */
#include "iot-endpoint-key.h"

#include <string.h>

IotAddress
iot_address_clean (const IotAddress *addr)
{
  IotAddress out = { 0 };
  guint len = addr->family == 4 ? 4 : addr->family == 6 ? 16 : 6;

  out.family = addr->family;
  memcpy (out.bytes, addr->bytes, len);
  return out;
}

void
iot_endpoint_key_init (IotEndpointKey *key, const IotAddress *addr, guint16 port)
{
  memset (key, 0, sizeof *key);
  key->addr = iot_address_clean (addr);
  key->port = port;
}

/* FNV-1a over the whole key: init cleared every byte that is not part of
 * the endpoint. */
guint
iot_endpoint_key_hash (gconstpointer key)
{
  const guint8 *p = key;
  guint32 h = 2166136261u;

  for (gsize i = 0; i < sizeof (IotEndpointKey); i++)
    h = (h ^ p[i]) * 16777619u;
  return h;
}

gboolean
iot_endpoint_key_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, sizeof (IotEndpointKey)) == 0;
}
