/* iot-conversation.h — a key naming one conversation (both addresses and
 * ports) the same way in both directions.  Part of the dissector API. */
#pragma once

#include "iot-dissector.h"

G_BEGIN_DECLS

typedef struct {
  guint8  family;
  guint8  addr[2][16];
  guint16 port[2];
} IotConvKey;

/* Fills @key with the endpoint that sorts first (address, then port) in
 * slot 0, and returns the slot of the source (0 or 1): the direction. */
guint    iot_conv_key_make (IotConvKey *key, const IotAddress *src, guint16 sport,
                            const IotAddress *dst, guint16 dport);
/* The same from the packet's network addresses and ports. */
guint    iot_conv_key_from_packet (IotConvKey *key, IotPacket *pkt);
/* For GHashTable. */
guint    iot_conv_key_hash (gconstpointer key);
gboolean iot_conv_key_equal (gconstpointer a, gconstpointer b);

G_END_DECLS
