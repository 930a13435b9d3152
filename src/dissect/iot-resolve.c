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

#include "iot-format.h"

#include <arpa/inet.h>
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

/* Port names: port → name, one table per transport. */
static GHashTable *services[2];
static GStringChunk *service_names;
static GOnce services_once = G_ONCE_INIT;

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

/* ---- transport port names --------------------------------------------------- */

static void
add_service (const char *name, guint first, guint last, const char *protocols, gboolean override)
{
  g_auto (GStrv) kinds = g_strsplit (protocols, "/", -1);

  for (guint k = 0; kinds[k] != NULL; k++)
    {
      int kind = strcmp (kinds[k], "tcp") == 0 ? IOT_RESOLVE_TCP : strcmp (kinds[k], "udp") == 0 ? IOT_RESOLVE_UDP : -1;

      if (kind < 0)
        continue;
      for (guint port = first; port <= last; port++)
        if (override || !g_hash_table_contains (services[kind], GUINT_TO_POINTER (port)))
          g_hash_table_insert (services[kind], GUINT_TO_POINTER (port),
                               g_string_chunk_insert_const (service_names, name));
    }
}

/* "name  port[-port]/proto[/proto…]  # comment"; later files override. */
static void
load_services (const char *path, gboolean override)
{
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *hash = strchr (lines[i], '#');
      g_auto (GStrv) words = NULL;
      char *slash, *end;
      guint64 first, last;

      if (hash != NULL)
        *hash = '\0';
      words = g_strsplit_set (g_strstrip (lines[i]), " \t", -1);
      if (words[0] == NULL || words[0][0] == '\0')
        continue;
      /* The port is the next non-empty word. */
      for (guint w = 1; words[w] != NULL; w++)
        if (words[w][0] != '\0')
          {
            slash = strchr (words[w], '/');
            if (slash == NULL)
              break;
            first = g_ascii_strtoull (words[w], &end, 10);
            last = first;
            if (*end == '-')
              last = g_ascii_strtoull (end + 1, &end, 10);
            if (end == slash && first <= last && last <= G_MAXUINT16)
              add_service (words[0], (guint) first, (guint) last, slash + 1, override);
            break;
          }
    }
}

static gpointer
load_all_services (gpointer data)
{
  g_autofree char *global = NULL, *personal = NULL;

  g_mutex_lock (&tables_lock);
  global = g_build_filename (data_dir ? data_dir : DEFAULT_DATA_DIR, "services", NULL);
  g_mutex_unlock (&tables_lock);
  personal = g_build_filename (g_get_user_config_dir (), "iotscope", "services", NULL);
  service_names = g_string_chunk_new (1 << 14);
  for (guint k = 0; k < G_N_ELEMENTS (services); k++)
    services[k] = g_hash_table_new (g_direct_hash, g_direct_equal);
  load_services (global, FALSE);
  load_services (personal, TRUE);
  return NULL;
}

const char *
iot_resolve_port (IotResolvePortKind kind, guint16 port)
{
  if (!(resolve_flags & IOT_RESOLVE_TRANSPORT))
    return NULL;
  g_once (&services_once, load_all_services, NULL);
  return g_hash_table_lookup (services[kind], GUINT_TO_POINTER ((guint) port));
}

void
iot_resolve_port_label (IotResolvePortKind kind, guint16 port, char *out, gsize size)
{
  const char *name = iot_resolve_port (kind, port);

  if (resolve_flags & IOT_RESOLVE_TRANSPORT)
    {
      if (name != NULL)
        g_snprintf (out, size, "%s (%u)", name, port);
      else
        g_snprintf (out, size, "%u (%u)", port, port);
    }
  else
    g_snprintf (out, size, "%u", port);
}

void
iot_resolve_port_info (IotResolvePortKind kind, guint16 port, char *out, gsize size)
{
  const char *name = iot_resolve_port (kind, port);

  if (name != NULL)
    g_snprintf (out, size, "%s(%u)", name, port);
  else
    g_snprintf (out, size, "%u", port);
}

/* ---- host names --------------------------------------------------------------- */

static GHashTable *hosts;          /* address bytes (GBytes) → name, from the hosts list */
static GHashTable *learned_hosts;  /* the same, from DNS answers in the capture */
static GStringChunk *host_names;
static GMutex hosts_lock;

static void
add_host (GHashTable *table, const guint8 *addr, gsize len, const char *name)
{
  GBytes *key = g_bytes_new (addr, len);

  if (g_hash_table_contains (table, key))
    {
      g_bytes_unref (key);
      return;
    }
  g_hash_table_insert (table, key, (gpointer) g_string_chunk_insert_const (host_names, name));
}

/* "192.0.2.1  name  [aliases]  # comment": the first name counts. */
static void
load_hosts (const char *path)
{
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *hash = strchr (lines[i], '#');
      g_auto (GStrv) words = NULL;
      const char *address = NULL, *name = NULL;
      guint8 bytes[16];

      if (hash != NULL)
        *hash = '\0';
      words = g_strsplit_set (g_strstrip (lines[i]), " \t", -1);
      for (guint w = 0; words[w] != NULL && name == NULL; w++)
        if (words[w][0] != '\0')
          {
            if (address == NULL)
              address = words[w];
            else
              name = words[w];
          }
      if (name == NULL)
        continue;
      if (inet_pton (AF_INET, address, bytes) == 1)
        add_host (hosts, bytes, 4, name);
      else if (inet_pton (AF_INET6, address, bytes) == 1)
        add_host (hosts, bytes, 16, name);
    }
}

static void
ensure_hosts (void)
{
  if (hosts != NULL)
    return;
  host_names = g_string_chunk_new (1 << 12);
  hosts = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, NULL);
  learned_hosts = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, NULL);
  {
    g_autofree char *personal = g_build_filename (g_get_user_config_dir (), "iotscope", "hosts", NULL);

    load_hosts (personal);
  }
}

const char *
iot_resolve_host (const guint8 *addr, gsize len)
{
  g_autoptr (GBytes) key = NULL;
  const char *name;

  if (!(resolve_flags & IOT_RESOLVE_NETWORK))
    return NULL;
  key = g_bytes_new_static (addr, len);
  g_mutex_lock (&hosts_lock);
  ensure_hosts ();
  name = g_hash_table_lookup (hosts, key);
  if (name == NULL && (resolve_flags & IOT_RESOLVE_DNS_PACKETS))
    name = g_hash_table_lookup (learned_hosts, key);
  g_mutex_unlock (&hosts_lock);
  return name;
}

void
iot_resolve_learn_host (const guint8 *addr, gsize len, const char *name)
{
  if (!(resolve_flags & IOT_RESOLVE_DNS_PACKETS) || name == NULL || name[0] == '\0')
    return;
  g_mutex_lock (&hosts_lock);
  ensure_hosts ();
  add_host (learned_hosts, addr, len, name);
  g_mutex_unlock (&hosts_lock);
}

static void
format_address (const guint8 *addr, gsize len, char *out, gsize size)
{
  if (len == 4)
    iot_format_ipv4 (addr, out, size);
  else
    iot_format_ipv6 (addr, out, size);
}

void
iot_resolve_host_label (const guint8 *addr, gsize len, char *out, gsize size)
{
  const char *name = iot_resolve_host (addr, len);
  char text[64];

  format_address (addr, len, text, sizeof text);
  if (resolve_flags & IOT_RESOLVE_NETWORK)
    g_snprintf (out, size, "%s (%s)", name ? name : text, text);
  else
    g_strlcpy (out, text, size);
}

void
iot_resolve_host_text (const guint8 *addr, gsize len, char *out, gsize size)
{
  const char *name = iot_resolve_host (addr, len);

  if (name != NULL)
    g_strlcpy (out, name, size);
  else
    format_address (addr, len, out, size);
}
