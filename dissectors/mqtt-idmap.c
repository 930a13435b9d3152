/* mqtt-idmap.c — open addressing over pairs of guint32 for the MQTT
 * dissector's per-connection tables (see mqtt-idmap.h). */
#include "mqtt-idmap.h"

static guint32 *
id_map_slot (const IdMap *map, guint32 key)
{
  guint32 mask = map->size - 1, h = (key + 1) * 0x9e3779b1u, i = (h ^ h >> 15) & mask;

  while (map->slots[2 * i] != 0 && map->slots[2 * i] != key + 1)
    i = (i + 1) & mask;
  return &map->slots[2 * i];
}

guint32
mqtt_id_map_lookup (const IdMap *map, guint32 key)
{
  return map->n == 0 ? 0 : id_map_slot (map, key)[1];
}

/* Keeps the map at most three quarters full. */
static void
id_map_grow (IdMap *map)
{
  guint32 *old = map->slots, old_size = map->size;

  if ((map->n + 1) * 4 <= map->size * 3)
    return;
  map->size = old_size ? old_size * 2 : 8;
  map->slots = g_new0 (guint32, 2 * map->size);
  for (guint32 i = 0; i < old_size; i++)
    if (old[2 * i] != 0)
      {
        guint32 *slot = id_map_slot (map, old[2 * i] - 1);

        slot[0] = old[2 * i];
        slot[1] = old[2 * i + 1];
      }
  g_free (old);
}

void
mqtt_id_map_set (IdMap *map, guint32 key, guint32 value)
{
  guint32 *slot;

  id_map_grow (map);
  slot = id_map_slot (map, key);
  if (slot[0] == 0)
    map->n++;
  slot[0] = key + 1;
  slot[1] = value;
}
