/* iot-conversation.c — direction-independent conversation keys. */
#include "iot-conversation.h"
#include "iot-core-private.h"

#include <string.h>

/* -1, 0 or 1 as memcmp() orders @n (4 or 16) address bytes, without the
 * library call (every frame makes a key or two). */
static inline int
address_order (const guint8 *a, const guint8 *b, guint n)
{
  for (guint i = 0; i < n; i += 4)
    {
      guint32 x, y;

      memcpy (&x, a + i, 4);
      memcpy (&y, b + i, 4);
      if (x != y)
        return GUINT32_FROM_BE (x) < GUINT32_FROM_BE (y) ? -1 : 1;
    }
  return 0;
}

guint
iot_conv_key_make (IotConvKey *key, const IotAddress *src, guint16 sport, const IotAddress *dst,
                   guint16 dport)
{
  guint n = src->family == 6 ? 16 : 4;
  int order = address_order (src->bytes, dst->bytes, n);
  guint dir;

  /* Zeroed first: keys are compared as bytes, padding included. */
  memset (key, 0, sizeof *key);
  key->family = src->family;
  if (order == 0)
    order = (int) sport - (int) dport;
  dir = order <= 0 ? 0 : 1;
  /* Constant lengths, so that the copies are inlined too. */
  if (n == 4)
    {
      memcpy (key->addr[dir], src->bytes, 4);
      memcpy (key->addr[1 - dir], dst->bytes, 4);
    }
  else
    {
      memcpy (key->addr[dir], src->bytes, 16);
      memcpy (key->addr[1 - dir], dst->bytes, 16);
    }
  key->port[dir] = sport;
  key->port[1 - dir] = dport;
  return dir;
}

guint
iot_conv_key_from_packet (IotConvKey *key, IotPacket *pkt)
{
  guint16 sport = 0, dport = 0;

  iot_packet_get_ports (pkt, &sport, &dport);
  return iot_conv_key_make (key, iot_packet_net_src (pkt), sport, iot_packet_net_dst (pkt), dport);
}

guint
iot_conv_key_hash (gconstpointer p)
{
  const IotConvKey *k = p;
  guint32 words[sizeof k->addr / 4];
  guint h = k->family;

  /* Word by word (every frame looks its conversation up): the unused
   * bytes of short addresses are zero, so the key's bytes decide alone. */
  memcpy (words, k->addr, sizeof words);
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    h = (h ^ words[i]) * 0x9e3779b1u;
  h = (h ^ ((guint) k->port[0] << 16 | k->port[1])) * 0x9e3779b1u;
  return h ^ (h >> 16);
}

gboolean
iot_conv_key_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, sizeof (IotConvKey)) == 0;
}

void
iot_packet_set_conversation (IotPacket *pkt, IotConvSlots *conv)
{
  pkt->conversation = conv;
}

gpointer *
iot_packet_conversation_slot (IotPacket *pkt, const IotDissector *dissector, const IotConvKey *key)
{
  IotConvSlots *conv = pkt->conversation;

  if (conv == NULL || !iot_conv_key_equal (&conv->key, key))
    return NULL;
  for (guint i = 0; i < IOT_CONV_SLOTS; i++)
    {
      if (conv->owner[i] == NULL)
        conv->owner[i] = dissector;
      if (conv->owner[i] == dissector)
        return &conv->data[i];
    }
  return NULL;
}

typedef struct {
  guint         hash;
  IotConvSlots *conv;     /* NULL: a free slot */
} ConvTableSlot;

struct _IotConvTable {
  ConvTableSlot *slots;
  guint          mask;    /* number of slots - 1 (a power of two) */
  guint          used;
};

IotConvTable *
iot_conv_table_new (void)
{
  IotConvTable *table = g_new0 (IotConvTable, 1);

  table->mask = 63;
  table->slots = g_new0 (ConvTableSlot, table->mask + 1);
  return table;
}

void
iot_conv_table_free (IotConvTable *table, GDestroyNotify free_entry)
{
  if (table == NULL)
    return;
  if (free_entry != NULL)
    for (guint i = 0; i <= table->mask; i++)
      if (table->slots[i].conv != NULL)
        free_entry (table->slots[i].conv);
  g_free (table->slots);
  g_free (table);
}

IotConvSlots *
iot_conv_table_lookup (const IotConvTable *table, const IotConvKey *key, guint hash)
{
  /* Linear probing from the hash's slot; at most half the slots are used,
   * so a miss ends at a free slot soon. */
  for (guint i = hash & table->mask;; i = (i + 1) & table->mask)
    {
      const ConvTableSlot *slot = &table->slots[i];

      if (slot->conv == NULL)
        return NULL;
      if (slot->hash == hash && iot_conv_key_equal (&slot->conv->key, key))
        return slot->conv;
    }
}

static void
conv_table_place (IotConvTable *table, IotConvSlots *conv, guint hash)
{
  guint i = hash & table->mask;

  while (table->slots[i].conv != NULL)
    i = (i + 1) & table->mask;
  table->slots[i].hash = hash;
  table->slots[i].conv = conv;
}

void
iot_conv_table_insert (IotConvTable *table, IotConvSlots *conv, guint hash)
{
  if (2 * (table->used + 1) > table->mask + 1)
    {
      ConvTableSlot *old = table->slots;
      guint n_old = table->mask + 1;

      table->mask = 2 * n_old - 1;
      table->slots = g_new0 (ConvTableSlot, table->mask + 1);
      for (guint i = 0; i < n_old; i++)
        if (old[i].conv != NULL)
          conv_table_place (table, old[i].conv, old[i].hash);
      g_free (old);
    }
  conv_table_place (table, conv, hash);
  table->used++;
}
