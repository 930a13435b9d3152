/* mqtt-idmap.h — the small id tables each MQTT connection keeps. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Small numbers → small numbers, for the tables every connection has:
 * open addressing over pairs of guint32 (key + 1, value), 8 bytes a slot
 * where a GHashTable costs 20 and a table header of its own.  Values are
 * never 0, which lookups return for a missing key. */
typedef struct {
  guint32 *slots;           /* 2 * size: key + 1 (0 = empty), value */
  guint32  size;            /* a power of two; 0 until the first entry */
  guint32  n;
} IdMap;

/* The value of @key, 0 when it has none. */
guint32 mqtt_id_map_lookup (const IdMap *map, guint32 key);
/* Sets @key to @value (never 0); the map grows as needed.  Free its
 * slots with g_free(). */
void    mqtt_id_map_set (IdMap *map, guint32 key, guint32 value);

G_END_DECLS
