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

/* A conversation as the transport layer keeps it, with a few slots where
 * the dissectors above keep their own per-conversation data.  In the first
 * pass TCP and UDP find the conversation once per frame and hand it up
 * (iot_packet_set_conversation), so the layers above skip their own hash
 * look-up of the same addresses and ports. */
#define IOT_CONV_SLOTS 2

typedef struct {
  IotConvKey          key;
  const IotDissector *owner[IOT_CONV_SLOTS];
  gpointer            data[IOT_CONV_SLOTS];
} IotConvSlots;

/* Called by the transport that found @conv for this frame (first pass). */
void      iot_packet_set_conversation (IotPacket *pkt, IotConvSlots *conv);
/* @dissector's slot in the frame's conversation when that conversation is
 * the one of @key, claiming a free slot on first use; NULL when the frame
 * has none, the key differs or the slots are taken (look it up yourself).
 * The slot only caches what the dissector also keeps in its own tables. */
gpointer *iot_packet_conversation_slot (IotPacket *pkt, const IotDissector *dissector,
                                        const IotConvKey *key);

/* The transports' table of conversations by key: open addressing over
 * (hash, entry) pairs, so that a look-up touches one slot and then the
 * entry it returns (which the caller reads anyway), where a GHashTable
 * also walks its separate key and value arrays.  Entries start with an
 * IotConvSlots (whose key is hashed) and belong to the caller.  Look-ups
 * read only: several threads may look up while nobody inserts. */
typedef struct _IotConvTable IotConvTable;

IotConvTable *iot_conv_table_new (void);
/* Frees the table, and each entry with @free_entry when not NULL. */
void          iot_conv_table_free (IotConvTable *table, GDestroyNotify free_entry);
/* The entry of @key (@hash = iot_conv_key_hash (@key)), or NULL. */
IotConvSlots *iot_conv_table_lookup (const IotConvTable *table, const IotConvKey *key, guint hash);
/* Adds @conv, whose key is not in the table yet, under @hash. */
void          iot_conv_table_insert (IotConvTable *table, IotConvSlots *conv, guint hash);

G_END_DECLS
