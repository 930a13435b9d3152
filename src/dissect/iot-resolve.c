/* iot-resolve.c — hardware address names from the installed lists.
 *
 * Two lists, both installed with Wireshark's data files on Debian:
 *  - manuf: maker prefixes, "00:1B:C5\tShort\tLong name" (24 bits) and
 *    "00:1B:C5:00:10:00/36\tShort\tLong" (longer IEEE assignments);
 *  - wka: well-known addresses, "FF-FF-FF-FF-FF-FF\tBroadcast" (exact) and
 *    "01-00-5E/25\tIPv4mcast" (ranges).
 * Lookup takes the longest match: an exact address, then ranges from the
 * longest mask down.  Maker prefixes are looked up with the group bit
 * cleared, so a maker's multicast addresses carry its name.  Names are
 * written as tshark writes them: a 24-bit maker prefix keeps the last
 * three bytes ("Raspberr_12:34:56"); a range keeps the bytes its mask
 * leaves, without leading zero bytes ("IPv6mcast_fb").
 */
#include "iot-resolve.h"

#include <stdio.h>
#include <string.h>

#define DEFAULT_DATA_DIR "/usr/share/wireshark"
#define MAX_MASK 48

typedef enum {
  ENTRY_EXACT,     /* a whole address */
  ENTRY_MAKER24,   /* a 24-bit maker prefix from manuf */
  ENTRY_RANGE,     /* any other prefix length */
} EntryKind;

typedef struct {
  gint64       key;        /* the address's top @mask bits */
  const char  *name;
  const char  *long_name;  /* manuf's third column, or the name */
  EntryKind    kind;
} Entry;

typedef struct {
  GStringChunk *strings;
  GHashTable   *wka[MAX_MASK + 1];     /* by mask length; raw address */
  GHashTable   *maker[MAX_MASK + 1];   /* by mask length; group bit cleared */
  guint8        masks[MAX_MASK + 1];   /* the mask lengths in use, longest first */
  guint         n_masks;
  GHashTable   *names;                 /* address → name already worked out */
} Tables;

static IotResolveFlags resolve_flags = IOT_RESOLVE_DEFAULT;
static char *data_dir;
static Tables *tables;
static GMutex tables_lock;

void
iot_resolve_set_flags (IotResolveFlags flags)
{
  resolve_flags = flags;
}

IotResolveFlags
iot_resolve_get_flags (void)
{
  return resolve_flags;
}

gboolean
iot_resolve_parse_flags (const char *text, IotResolveFlags *flags, GError **error)
{
  static const char letters[] = "mnNtdv";
  IotResolveFlags result = 0;

  for (const char *p = text; *p != '\0'; p++)
    {
      const char *at = strchr (letters, *p);

      if (at == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "-N specifies unknown resolution flag '%c' in \"%s\": the flags are "
                       "m (MAC), n (network), N (external resolvers), t (transport), "
                       "d (DNS packets in the capture) and v (VLAN)", *p, text);
          return FALSE;
        }
      result |= 1u << (at - letters);
    }
  *flags = result;
  return TRUE;
}

void
iot_resolve_set_data_dir (const char *dir)
{
  g_mutex_lock (&tables_lock);
  g_free (data_dir);
  data_dir = g_strdup (dir);
  g_mutex_unlock (&tables_lock);
}

static gint64
address_value (const guint8 mac[6])
{
  gint64 v = 0;

  for (guint i = 0; i < 6; i++)
    v = (v << 8) | mac[i];
  return v;
}

/* "00:1B:C5", "01-00-5E/25", "00:1B:C5:00:10:00/36": the address bits and
 * the mask, FALSE for anything else. */
static gboolean
parse_prefix (const char *text, gint64 *value, guint *mask, guint *n_bytes)
{
  guint bytes = 0;
  gint64 v = 0;
  const char *p = text;

  while (bytes < 6 && g_ascii_isxdigit (p[0]) && g_ascii_isxdigit (p[1]))
    {
      v = (v << 8) | (g_ascii_xdigit_value (p[0]) << 4) | g_ascii_xdigit_value (p[1]);
      bytes++;
      p += 2;
      if (*p == ':' || *p == '-' || *p == '.')
        p++;
      else
        break;
    }
  if (bytes < 3)
    return FALSE;
  v <<= 8 * (6 - bytes);
  *mask = bytes * 8;
  if (*p == '/')
    {
      char *end;
      guint64 m = g_ascii_strtoull (p + 1, &end, 10);

      if (end == p + 1 || m == 0 || m > MAX_MASK)
        return FALSE;
      *mask = (guint) m;
      p = end;
    }
  if (*p != '\0')
    return FALSE;
  *value = v;
  *n_bytes = bytes;
  return TRUE;
}

static void
table_add (Tables *t, GHashTable **slot, gint64 value, guint mask, EntryKind kind,
           const char *name, const char *long_name)
{
  Entry *e;

  if (*slot == NULL)
    *slot = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  e = g_new (Entry, 1);
  e->key = value >> (MAX_MASK - mask);
  e->name = g_string_chunk_insert_const (t->strings, name);
  e->long_name = g_string_chunk_insert_const (t->strings, long_name ? long_name : name);
  e->kind = kind;
  /* The first line for a prefix wins, as in the lists' own order. */
  if (!g_hash_table_contains (*slot, &e->key))
    g_hash_table_insert (*slot, &e->key, e);
  else
    g_free (e);
}

/* One line of either list: the prefix, then the name(s) separated by
 * tabs or spaces; a '#' starts a comment. */
static void
load_line (Tables *t, char *line, gboolean maker_list)
{
  char *hash = strchr (line, '#');
  g_auto (GStrv) parts = NULL;
  const char *fields[3] = { NULL, NULL, NULL };
  guint n = 0, mask, bytes;
  gint64 value;
  EntryKind kind;

  if (hash != NULL)
    *hash = '\0';
  parts = g_strsplit (line, "\t", -1);
  for (guint i = 0; parts[i] != NULL && n < 3; i++)
    {
      g_strstrip (parts[i]);
      if (parts[i][0] != '\0')
        fields[n++] = parts[i];
    }
  if (n < 2 || !parse_prefix (fields[0], &value, &mask, &bytes))
    return;
  if (mask == MAX_MASK)
    kind = ENTRY_EXACT;
  else if (maker_list && mask == 24 && strchr (fields[0], '/') == NULL)
    kind = ENTRY_MAKER24;
  else
    kind = ENTRY_RANGE;
  if (maker_list)
    value &= ~(G_GINT64_CONSTANT (1) << 40);
  table_add (t, maker_list ? &t->maker[mask] : &t->wka[mask], value, mask, kind, fields[1], fields[2]);
}

static void
load_list (Tables *t, const char *dir, const char *name, gboolean maker_list)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *contents = NULL;
  char *line, *next;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return;
  for (line = contents; line != NULL && *line != '\0'; line = next)
    {
      next = strchr (line, '\n');
      if (next != NULL)
        *next++ = '\0';
      load_line (t, line, maker_list);
    }
}

static Tables *
get_tables (void)
{
  Tables *t;

  g_mutex_lock (&tables_lock);
  if (tables == NULL)
    {
      const char *dir = data_dir ? data_dir : DEFAULT_DATA_DIR;

      t = g_new0 (Tables, 1);
      t->strings = g_string_chunk_new (1 << 16);
      load_list (t, dir, "wka", FALSE);
      load_list (t, dir, "manuf", TRUE);
      for (guint mask = MAX_MASK; mask > 0; mask--)
        if (t->wka[mask] != NULL || t->maker[mask] != NULL)
          t->masks[t->n_masks++] = (guint8) mask;
      t->names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
      tables = t;
    }
  t = tables;
  g_mutex_unlock (&tables_lock);
  return t;
}

static const Entry *
lookup (GHashTable *table, gint64 value, guint mask)
{
  gint64 key = value >> (MAX_MASK - mask);

  return table ? g_hash_table_lookup (table, &key) : NULL;
}

/* The bytes a range leaves, without leading zero bytes (at least one). */
static void
format_range (const Entry *e, gint64 value, guint mask, char *out, gsize size)
{
  guint64 rest = (guint64) value & ((G_GUINT64_CONSTANT (1) << (MAX_MASK - mask)) - 1);
  int n_bytes = 1;
  gsize len;

  while (n_bytes < 6 && (rest >> (8 * n_bytes)) != 0)
    n_bytes++;
  len = g_strlcpy (out, e->name, size);
  for (int i = n_bytes - 1; i >= 0 && len + 4 <= size; i--)
    len += g_snprintf (out + len, size - len, "%c%02x", i == n_bytes - 1 ? '_' : ':',
                       (guint) ((rest >> (8 * i)) & 0xff));
}

/* The name of @value, from the lists (longest match first). */
static void
lookup_name (Tables *t, const guint8 mac[6], gint64 value, char *out, gsize size)
{
  gint64 maker_value = value & ~(G_GINT64_CONSTANT (1) << 40);

  for (guint i = 0; i < t->n_masks; i++)
    {
      guint mask = t->masks[i];
      const Entry *e = lookup (t->wka[mask], value, mask);

      if (e == NULL)
        e = lookup (t->maker[mask], maker_value, mask);
      if (e == NULL)
        continue;
      if (e->kind == ENTRY_EXACT)
        g_strlcpy (out, e->name, size);
      else if (e->kind == ENTRY_MAKER24)
        g_snprintf (out, size, "%s_%02x:%02x:%02x", e->name, mac[3], mac[4], mac[5]);
      else
        format_range (e, value, mask, out, size);
      return;
    }
  g_snprintf (out, size, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

gboolean
iot_resolve_ether (const guint8 mac[6], char *out, gsize size)
{
  Tables *t;
  gint64 value = address_value (mac);
  const char *known;

  if (!(resolve_flags & IOT_RESOLVE_MAC))
    return FALSE;
  t = get_tables ();
  /* A capture has few addresses and many frames: each is worked out once. */
  g_mutex_lock (&tables_lock);
  known = g_hash_table_lookup (t->names, &value);
  if (known == NULL)
    {
      char name[128];
      gint64 *key = g_new (gint64, 1);

      lookup_name (t, mac, value, name, sizeof name);
      *key = value;
      known = g_string_chunk_insert_const (t->strings, name);
      g_hash_table_insert (t->names, key, (gpointer) known);
    }
  g_strlcpy (out, known, size);
  g_mutex_unlock (&tables_lock);
  return TRUE;
}

void
iot_resolve_ether_label (const guint8 mac[6], char *out, gsize size)
{
  char name[96];

  if (iot_resolve_ether (mac, name, sizeof name))
    g_snprintf (out, size, "%s (%02x:%02x:%02x:%02x:%02x:%02x)", name,
                mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
  else
    g_snprintf (out, size, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

const char *
iot_resolve_oui (guint32 oui)
{
  const Entry *e;

  if (!(resolve_flags & IOT_RESOLVE_MAC))
    return NULL;
  e = lookup (get_tables ()->maker[24], (gint64) (oui & 0xffffff) << 24, 24);
  return e != NULL && e->kind == ENTRY_MAKER24 ? e->long_name : NULL;
}
