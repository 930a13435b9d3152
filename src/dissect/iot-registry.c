/* iot-registry.c — fields, dissectors, hand-off tables and plugins. */
#include "iot-core-private.h"
#include "iot-registry.h"

#include <gmodule.h>
#include <string.h>

#include "iot-privileges.h"

extern IotDissector *const iot_builtin_dissectors[];

typedef struct {
  GHashTable *fields_by_abbrev;  /* IotField* by abbrev */
  GPtrArray  *fields;       /* IotField* by id */
  GPtrArray  *all;          /* IotDissector* by id */
  GHashTable *by_abbrev;    /* IotDissector* by abbrev */
  GHashTable *tables;       /* name -> GHashTable (key -> IotDissector*) */
  GHashTable *table_names;  /* name -> the same name, owned by a dissector */
  GHashTable *heuristics;   /* name -> GPtrArray of IotDissector* */
  GHashTable *string_tables;  /* name -> GHashTable (text key -> IotDissector*) */
  IotDissector *frame;
  IotDissector *data;
} IotRegistry;

static IotRegistry registry;

/* Wireshark encodes severity and group in the high bits of one word. */
static const IotValueName expert_severity_names[] = {
  { 0x00100000, "Comment" }, { 0x00200000, "Chat" }, { 0x00400000, "Note" },
  { 0x00600000, "Warning" }, { 0x00800000, "Error" }, IOT_VALUE_NAMES_END
};

static const IotValueName expert_group_names[] = {
  { 0x01000000, "Checksum" }, { 0x02000000, "Sequence" }, { 0x03000000, "Response" },
  { 0x04000000, "Request" }, { 0x05000000, "Undecoded" }, { 0x06000000, "Reassemble" },
  { 0x07000000, "Malformed" }, { 0x08000000, "Debug" }, { 0x09000000, "Protocol" },
  { 0x0a000000, "Security" }, { 0x0b000000, "Comment" }, IOT_VALUE_NAMES_END
};

IotField iot_expert_fields[] = {
  [IOT_EXPERT_F_EXPERT] = { "_ws.expert", "Expert Info", IOT_FT_NONE, IOT_BASE_NONE, NULL, 0,
                            "A note the analyzer adds about this packet: a problem it found or a fact worth knowing." },
  [IOT_EXPERT_F_MESSAGE] = { "_ws.expert.message", "Message", IOT_FT_STRING, IOT_BASE_NONE, NULL, 0,
                             "The expert note in words." },
  [IOT_EXPERT_F_SEVERITY] = { "_ws.expert.severity", "Severity level", IOT_FT_UINT32, IOT_BASE_DEC, expert_severity_names, 0,
                              "How serious the note is: comment, chat, note, warning or error." },
  [IOT_EXPERT_F_GROUP] = { "_ws.expert.group", "Group", IOT_FT_UINT32, IOT_BASE_DEC, expert_group_names, 0,
                           "What kind of note it is: checksum, sequence, malformed, protocol …" },
  [IOT_EXPERT_F_MALFORMED] = { "_ws.malformed", "Malformed Packet", IOT_FT_NONE, IOT_BASE_NONE, NULL, 0,
                               "The packet broke its protocol's rules, so decoding stopped at that layer." },
  [IOT_EXPERT_F_SHORT] = { "_ws.short", "Packet size limited during capture", IOT_FT_NONE, IOT_BASE_NONE, NULL, 0,
                           "The capture kept only the first bytes of this packet (snap length), so the rest could not be decoded." },
};

IotExpertInfo iot_core_experts[] = {
  [IOT_CORE_E_MALFORMED] = IOT_EXPERT_INFO ("_ws.malformed.expert", IOT_SEV_ERROR, IOT_GROUP_MALFORMED,
                                            "Malformed Packet (Exception occurred)",
                                            "A layer broke its protocol's rules (or nested too deep), so decoding "
                                            "stopped there; the layers before it are shown."),
  [IOT_CORE_E_REASSEMBLY] = IOT_EXPERT_INFO ("_ws.malformed.reassembly", IOT_SEV_ERROR, IOT_GROUP_MALFORMED,
                                             "Reassembly error",
                                             "The bytes of this packet could not be put together with the others of "
                                             "its message, e.g. a retransmission of data that was already rebuilt."),
};

static gboolean
register_field (IotField *field, const char *proto_abbrev, GError **error)
{
  if (g_hash_table_contains (registry.fields_by_abbrev, field->abbrev))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "field %s is registered twice", field->abbrev);
      return FALSE;
    }
  field->id = registry.fields->len;
  field->proto_abbrev = proto_abbrev;
  g_ptr_array_add (registry.fields, field);
  g_hash_table_insert (registry.fields_by_abbrev, (gpointer) field->abbrev, field);
  return TRUE;
}

/* An expert item's abbreviation is a field of its own (FT_NONE), as in
 * Wireshark: analyses recognise the item by that field. */
static gboolean
register_expert (IotExpertInfo *info, const char *proto_abbrev, GError **error)
{
  if (info->field.type != IOT_FT_NONE || info->severity < IOT_SEV_COMMENT || info->severity > IOT_SEV_ERROR
      || info->group < IOT_GROUP_CHECKSUM || info->group > IOT_GROUP_COMMENTS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "expert item %s: needs IOT_FT_NONE, a severity and a group", info->field.abbrev);
      return FALSE;
    }
  return register_field (&info->field, proto_abbrev, error);
}

static gint table_generation;

static void
add_handoff (IotDissector *dissector, const IotHandoff *handoff)
{
  GHashTable *table = g_hash_table_lookup (registry.tables, handoff->table);

  if (table == NULL)
    {
      table = g_hash_table_new (g_direct_hash, g_direct_equal);
      g_hash_table_insert (registry.tables, (gpointer) handoff->table, table);
      g_hash_table_insert (registry.table_names, (gpointer) handoff->table, (gpointer) handoff->table);
    }
  g_hash_table_insert (table, GUINT_TO_POINTER (handoff->key), dissector);
  /* Look-ups remember their answers (iot_registry_table_lookup). */
  g_atomic_int_inc (&table_generation);
}

/* A text key is registered once: a second dissector for the same media
 * type is a mistake to report, not a silent override. */
static gboolean
add_string_handoff (IotDissector *dissector, const IotStringHandoff *handoff, GError **error)
{
  GHashTable *table = g_hash_table_lookup (registry.string_tables, handoff->table);
  const IotDissector *existing;

  if (table == NULL)
    {
      table = g_hash_table_new (g_str_hash, g_str_equal);
      g_hash_table_insert (registry.string_tables, (gpointer) handoff->table, table);
    }
  existing = g_hash_table_lookup (table, handoff->key);
  if (existing != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "dissector %s: %s \"%s\" is already handed to %s",
                   dissector->abbrev, handoff->table, handoff->key, existing->abbrev);
      return FALSE;
    }
  g_hash_table_insert (table, (gpointer) handoff->key, dissector);
  return TRUE;
}

gboolean
iot_registry_add (IotDissector *dissector, GError **error)
{
  if (dissector->n_fields == 0 || dissector->fields[0].type != IOT_FT_PROTOCOL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "dissector %s: its first field must be its protocol field", dissector->abbrev);
      return FALSE;
    }
  if (g_hash_table_contains (registry.by_abbrev, dissector->abbrev))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "a dissector named %s is already registered", dissector->abbrev);
      return FALSE;
    }
  for (guint i = 0; dissector->string_handoff != NULL && dissector->string_handoff[i].table != NULL; i++)
    {
      const IotStringHandoff *handoff = &dissector->string_handoff[i];
      GHashTable *table = g_hash_table_lookup (registry.string_tables, handoff->table);

      if (table != NULL && g_hash_table_contains (table, handoff->key))
        return add_string_handoff (dissector, handoff, error);
    }
  for (guint i = 0; i < dissector->n_fields; i++)
    if (!register_field (&dissector->fields[i], dissector->abbrev, error))
      return FALSE;
  for (guint i = 0; i < dissector->n_experts; i++)
    if (!register_expert (&dissector->experts[i], dissector->abbrev, error))
      return FALSE;
  dissector->id = registry.all->len;
  g_ptr_array_add (registry.all, dissector);
  g_hash_table_insert (registry.by_abbrev, (gpointer) dissector->abbrev, dissector);
  for (guint i = 0; i < IOT_MAX_HANDOFFS && dissector->handoff[i].table != NULL; i++)
    add_handoff (dissector, &dissector->handoff[i]);
  for (guint i = 0; dissector->string_handoff != NULL && dissector->string_handoff[i].table != NULL; i++)
    add_string_handoff (dissector, &dissector->string_handoff[i], NULL);
  if (dissector->heuristic_table != NULL && dissector->heuristic != NULL)
    {
      GPtrArray *list = g_hash_table_lookup (registry.heuristics, dissector->heuristic_table);

      if (list == NULL)
        {
          list = g_ptr_array_new ();
          g_hash_table_insert (registry.heuristics, (gpointer) dissector->heuristic_table, list);
        }
      g_ptr_array_add (list, dissector);
    }
  if (strcmp (dissector->abbrev, "frame") == 0)
    registry.frame = dissector;
  else if (strcmp (dissector->abbrev, "data") == 0)
    registry.data = dissector;
  return TRUE;
}

/* A plugin is a shared object exporting "iot_plugin_dissector" (an
 * IotDissector) and "iot_plugin_api_version" (an int). */
static void
load_plugin (const char *path)
{
  g_autoptr (GError) error = NULL;
  GModule *module = g_module_open (path, G_MODULE_BIND_LOCAL);
  gpointer dissector = NULL, version = NULL;

  if (module == NULL)
    {
      g_warning ("cannot load plugin %s: %s", path, g_module_error ());
      return;
    }
  if (!g_module_symbol (module, "iot_plugin_api_version", &version) || version == NULL
      || *(const int *) version != IOT_PLUGIN_API_VERSION)
    {
      g_warning ("plugin %s was built for another plugin interface (expected version %d); skipped",
                 path, IOT_PLUGIN_API_VERSION);
      g_module_close (module);
      return;
    }
  if (!g_module_symbol (module, "iot_plugin_dissector", &dissector) || dissector == NULL)
    {
      g_warning ("plugin %s exports no iot_plugin_dissector; skipped", path);
      g_module_close (module);
      return;
    }
  if (!iot_registry_add (dissector, &error))
    {
      g_warning ("plugin %s: %s", path, error->message);
      g_module_close (module);
      return;
    }
  g_module_make_resident (module);
}

/* g_ptr_array_sort() passes pointers to the elements: compare the names
 * they point to, so the order is by name and not by address. */
static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
load_plugins_from (const char *dir)
{
  g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (listing == NULL)
    return;
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_suffix (name, "." G_MODULE_SUFFIX))
      g_ptr_array_add (names, g_build_filename (dir, name, NULL));
  /* Load in a stable order, whatever the directory returns. */
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    load_plugin (g_ptr_array_index (names, i));
}

static void
load_plugins (void)
{
  const char *env = g_getenv ("IOTSCOPE_PLUGIN_PATH");
  g_autofree char *user_dir = g_build_filename (g_get_user_data_dir (), "iotscope", "plugins", NULL);
  g_autofree char *why = NULL;

  /* A plugin is code from the user's directories: in a process with more
   * rights than the user (root, set-user-ID, capabilities) it would get
   * them too. */
  if (!iot_privileges_allow_plugins ())
    {
      if ((env != NULL && *env != '\0') || g_file_test (user_dir, G_FILE_TEST_IS_DIR))
        {
          iot_privileges_elevated (&why);
          g_printerr ("iotscope: plugins are not loaded: this process runs with elevated privileges (%s)\n",
                      why ? why : "unknown");
        }
      return;
    }
  if (env != NULL)
    {
      g_auto (GStrv) dirs = g_strsplit (env, G_SEARCHPATH_SEPARATOR_S, -1);

      for (guint i = 0; dirs[i] != NULL; i++)
        if (dirs[i][0] != '\0')
          load_plugins_from (dirs[i]);
    }
  load_plugins_from (user_dir);
}

static const char *const standard_tables[] = { "link", "ethertype", "ip.proto", "tcp.port", "udp.port", "ws.port" };

static gpointer
init_once (gpointer unused)
{
  g_autoptr (GError) error = NULL;

  (void) unused;
  registry.fields_by_abbrev = g_hash_table_new (g_str_hash, g_str_equal);
  registry.fields = g_ptr_array_new ();
  registry.all = g_ptr_array_new ();
  registry.by_abbrev = g_hash_table_new (g_str_hash, g_str_equal);
  registry.tables = g_hash_table_new (g_str_hash, g_str_equal);
  registry.table_names = g_hash_table_new (g_str_hash, g_str_equal);
  registry.heuristics = g_hash_table_new (g_str_hash, g_str_equal);
  registry.string_tables = g_hash_table_new (g_str_hash, g_str_equal);

  /* Tables that exist even before anything is registered in them, so that
   * "Decode As" can always name them. */
  for (guint i = 0; i < G_N_ELEMENTS (standard_tables); i++)
    {
      g_hash_table_insert (registry.tables, (gpointer) standard_tables[i],
                           g_hash_table_new (g_direct_hash, g_direct_equal));
      g_hash_table_insert (registry.table_names, (gpointer) standard_tables[i],
                           (gpointer) standard_tables[i]);
    }
  for (guint i = 0; i < IOT_EXPERT_N_FIELDS; i++)
    if (!register_field (&iot_expert_fields[i], "_ws", &error))
      g_error ("%s", error->message);
  for (guint i = 0; i < IOT_CORE_N_EXPERTS; i++)
    if (!register_expert (&iot_core_experts[i], "_ws", &error))
      g_error ("%s", error->message);
  for (guint i = 0; i < IOT_COLUMN_N_FIELDS; i++)
    if (!register_field (&iot_column_fields[i], "_ws.col", &error))
      g_error ("%s", error->message);
  for (guint i = 0; iot_builtin_dissectors[i] != NULL; i++)
    if (!iot_registry_add (iot_builtin_dissectors[i], &error))
      g_error ("built-in dissectors: %s", error->message);
  g_assert (registry.frame != NULL && registry.data != NULL);
  load_plugins ();
  return NULL;
}

void
iot_registry_init (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, init_once, NULL);
}

const IotField *
iot_registry_field (const char *abbrev)
{
  return g_hash_table_lookup (registry.fields_by_abbrev, abbrev);
}

guint
iot_registry_n_fields (void)
{
  return registry.fields->len;
}

const IotField *
iot_registry_field_by_id (guint id)
{
  g_return_val_if_fail (id < registry.fields->len, NULL);
  return g_ptr_array_index (registry.fields, id);
}

guint
iot_registry_n_dissectors (void)
{
  return registry.all->len;
}

const IotDissector *
iot_registry_dissector_by_id (guint id)
{
  g_return_val_if_fail (id < registry.all->len, NULL);
  return g_ptr_array_index (registry.all, id);
}

const IotDissector *
iot_registry_dissector (const char *abbrev)
{
  return g_hash_table_lookup (registry.by_abbrev, abbrev);
}

/* "tcp.port==1884,mqtt" or "udp.port==5690-5699,coap", as tshark's -d takes. */
static void        remember_handoff (const char *table, guint32 key);
static GHashTable *table_copy (const char *table);
static void        table_publish (const char *table, GHashTable *copy);

gboolean
iot_registry_decode_as (const char *spec, GError **error)
{
  g_auto (GStrv) sides = g_strsplit (spec, ",", 2);
  g_auto (GStrv) selector = NULL;
  IotDissector *dissector;
  guint64 low, high;
  char *end = NULL;
  IotHandoff handoff;

  if (g_strv_length (sides) != 2 || strstr (sides[0], "==") == NULL)
    goto bad;
  selector = g_strsplit (sides[0], "==", 2);
  dissector = g_hash_table_lookup (registry.by_abbrev, g_strstrip (sides[1]));
  if (dissector == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "-d %s: \"%s\" is not a known protocol (iotscope-cli -G protocols lists them)",
                   spec, sides[1]);
      return FALSE;
    }
  if (!g_hash_table_contains (registry.tables, g_strstrip (selector[0])))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "-d %s: \"%s\" is not a table to decode by (e.g. tcp.port, udp.port)", spec, selector[0]);
      return FALSE;
    }
  low = g_ascii_strtoull (selector[1], &end, 0);
  if (end == selector[1])
    goto bad;
  high = low;
  if (*end == '-' || *end == ':')
    {
      const char *start = end + 1;

      high = g_ascii_strtoull (start, &end, 0);
      if (end == start)
        goto bad;
    }
  if (*end != '\0' || high < low || high > G_MAXUINT32 || high - low > 65535)
    goto bad;
  handoff.table = g_hash_table_lookup (registry.table_names, selector[0]);
  {
    GHashTable *copy = table_copy (handoff.table);

    for (guint64 key = low; key <= high; key++)
      {
        handoff.key = (guint32) key;
        remember_handoff (handoff.table, handoff.key);
        g_hash_table_insert (copy, GUINT_TO_POINTER (handoff.key), dissector);
      }
    table_publish (handoff.table, copy);
  }
  return TRUE;
bad:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "-d %s: expected TABLE==VALUE,PROTOCOL (e.g. tcp.port==1884,mqtt)", spec);
  return FALSE;
}

/* Every frame looks tables up by name several times; the names are string
 * literals, so a small per-thread cache keyed by the pointer skips hashing
 * the text.  A table that Decode As changes after registration is
 * replaced by a changed copy, never changed in place (workers may be
 * reading it): the generation tells the caches to forget what they
 * hold. */
#define TABLE_CACHE_SIZE 16

typedef struct {
  const char *name;
  GHashTable *entries;
} TableCacheEntry;

static GPtrArray *retired_tables;   /* replaced tables, kept for whoever still reads them */

static GHashTable *
table_entries (const char *table)
{
  static __thread TableCacheEntry cache[TABLE_CACHE_SIZE];
  static __thread guint next;
  static __thread gint cache_generation;
  gint generation = g_atomic_int_get (&table_generation);
  GHashTable *entries;

  if (generation != cache_generation)
    {
      memset (cache, 0, sizeof cache);
      cache_generation = generation;
    }
  for (guint i = 0; i < TABLE_CACHE_SIZE; i++)
    if (cache[i].name == table)
      return cache[i].entries;
  entries = g_hash_table_lookup (registry.tables, table);
  cache[next].name = table;
  cache[next].entries = entries;
  next = (next + 1) % TABLE_CACHE_SIZE;
  return entries;
}

/* The answers given lately, by table name (a literal, compared by
 * pointer as above) and key: a frame's hand-offs repeat the previous
 * frames' (ethertype 0x0800, ip.proto 6, tcp.port 1883 …), and one
 * probe here is cheaper than the table's hashing.  Misses (NULL) are
 * remembered too: the ports tried first often have no dissector. */
#define ANSWER_CACHE_SIZE 256

typedef struct {
  const char         *name;
  guint32             key;
  const IotDissector *dissector;
} AnswerCacheEntry;

const IotDissector *
iot_registry_table_lookup (const char *table, guint32 key)
{
  static __thread AnswerCacheEntry cache[ANSWER_CACHE_SIZE];
  static __thread gint cache_generation;
  gint generation = g_atomic_int_get (&table_generation);
  AnswerCacheEntry *entry;
  GHashTable *entries;

  if (generation != cache_generation)
    {
      memset (cache, 0, sizeof cache);
      cache_generation = generation;
    }
  entry = &cache[((guint) GPOINTER_TO_SIZE (table) ^ key * 0x9e3779b1u) % ANSWER_CACHE_SIZE];
  if (entry->name == table && entry->key == key)
    return entry->dissector;
  entries = table_entries (table);
  entry->name = table;
  entry->key = key;
  entry->dissector = entries ? g_hash_table_lookup (entries, GUINT_TO_POINTER (key)) : NULL;
  return entry->dissector;
}

const IotDissector *
iot_registry_string_table_lookup (const char *table, const char *key)
{
  GHashTable *entries = g_hash_table_lookup (registry.string_tables, table);

  return entries ? g_hash_table_lookup (entries, key) : NULL;
}

GPtrArray *
iot_registry_heuristics (const char *table)
{
  return g_hash_table_lookup (registry.heuristics, table);
}

IotDissector *
iot_registry_frame_dissector (void)
{
  return registry.frame;
}

IotDissector *
iot_registry_data_dissector (void)
{
  return registry.data;
}

static int
compare_guint32 (gconstpointer a, gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

/* ---- changes to the built-in hand-offs, and putting them back ---------------------- */

/* A private copy of @table to change... */
static GHashTable *
table_copy (const char *table)
{
  GHashTable *current = g_hash_table_lookup (registry.tables, table);
  GHashTable *copy = g_hash_table_new (g_direct_hash, g_direct_equal);
  GHashTableIter iter;
  gpointer key, value;

  if (current != NULL)
    {
      g_hash_table_iter_init (&iter, current);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (copy, key, value);
    }
  return copy;
}

/* ... then put in its place in one step.  The table it replaces stays
 * allocated: a worker dissecting right now may hold it. */
static void
table_publish (const char *table, GHashTable *copy)
{
  GHashTable *current = g_hash_table_lookup (registry.tables, table);

  if (retired_tables == NULL)
    retired_tables = g_ptr_array_new ();
  if (current != NULL)
    g_ptr_array_add (retired_tables, current);
  /* The name is registered: this replaces a value, the outer table
   * neither grows nor moves. */
  g_hash_table_insert (registry.tables, (gpointer) table, copy);
  g_atomic_int_inc (&table_generation);
}

/* What a key of a table held before Decode As or a port preference first
 * changed it (NULL: nothing), so that the window can take its changes
 * back; the command line never needs to. */
typedef struct {
  const char   *table;
  guint32       key;
  IotDissector *previous;
} HandoffUndo;

static GArray     *handoff_undo;      /* HandoffUndo, in the order of first change */
static GHashTable *handoff_touched;   /* "table key" strings already in handoff_undo */

static void
remember_handoff (const char *table, guint32 key)
{
  g_autofree char *id = g_strdup_printf ("%s %u", table, key);
  GHashTable *entries = g_hash_table_lookup (registry.tables, table);
  HandoffUndo undo = { table, key, entries ? g_hash_table_lookup (entries, GUINT_TO_POINTER (key)) : NULL };

  if (handoff_undo == NULL)
    {
      handoff_undo = g_array_new (FALSE, FALSE, sizeof (HandoffUndo));
      handoff_touched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    }
  if (g_hash_table_contains (handoff_touched, id))
    return;
  g_hash_table_add (handoff_touched, g_steal_pointer (&id));
  g_array_append_val (handoff_undo, undo);
}

void
iot_registry_reset_decode_as (void)
{
  if (handoff_undo == NULL)
    return;
  /* One copy per table changed, each published once. */
  while (handoff_undo->len > 0)
    {
      const char *table = g_array_index (handoff_undo, HandoffUndo, handoff_undo->len - 1).table;
      GHashTable *copy = table_copy (table);

      for (guint i = handoff_undo->len; i-- > 0;)
        {
          HandoffUndo *undo = &g_array_index (handoff_undo, HandoffUndo, i);

          if (undo->table != table)
            continue;
          if (undo->previous != NULL)
            g_hash_table_insert (copy, GUINT_TO_POINTER (undo->key), undo->previous);
          else
            g_hash_table_remove (copy, GUINT_TO_POINTER (undo->key));
          g_array_remove_index (handoff_undo, i);
        }
      table_publish (table, copy);
    }
  g_array_set_size (handoff_undo, 0);
  g_hash_table_remove_all (handoff_touched);
}

/* "1883,8883-8885" into its keys; FALSE on anything else. */
static gboolean
parse_port_ranges (const char *text, GArray *keys)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *part = g_strstrip (parts[i]);
      char *end = NULL;
      guint64 low, high;

      if (part[0] == '\0')
        continue;
      low = g_ascii_strtoull (part, &end, 10);
      if (end == part)
        return FALSE;
      high = low;
      if (*end == '-')
        {
          const char *start = end + 1;

          high = g_ascii_strtoull (start, &end, 10);
          if (end == start)
            return FALSE;
        }
      if (*end != '\0' || high < low || high > 65535)
        return FALSE;
      for (guint64 key = low; key <= high; key++)
        if (key != 0)   /* tshark's "0": no port */
          {
            guint32 k = (guint32) key;

            g_array_append_val (keys, k);
          }
    }
  return TRUE;
}

typedef struct {
  const char         *table;
  guint32             key;
  const IotDissector *dissector;
} HandoffEntry;

static gint
compare_handoffs (gconstpointer pa, gconstpointer pb)
{
  const HandoffEntry *a = pa, *b = pb;
  int by_table = strcmp (a->table, b->table);

  if (by_table != 0)
    return by_table;
  return a->key < b->key ? -1 : a->key > b->key;
}

void
iot_registry_foreach_handoff (IotHandoffFunc func, gpointer data)
{
  g_autoptr (GArray) entries = g_array_new (FALSE, FALSE, sizeof (HandoffEntry));
  GHashTableIter tables, keys;
  gpointer name, entries_of_table, key, dissector;

  g_hash_table_iter_init (&tables, registry.tables);
  while (g_hash_table_iter_next (&tables, &name, &entries_of_table))
    {
      g_hash_table_iter_init (&keys, entries_of_table);
      while (g_hash_table_iter_next (&keys, &key, &dissector))
        {
          HandoffEntry entry = { name, GPOINTER_TO_UINT (key), dissector };

          g_array_append_val (entries, entry);
        }
    }
  /* Hash order would change from run to run. */
  g_array_sort (entries, compare_handoffs);
  for (guint i = 0; i < entries->len; i++)
    {
      const HandoffEntry *entry = &g_array_index (entries, HandoffEntry, i);

      func (entry->table, entry->key, entry->dissector, data);
    }
}

/* The dissectors --disable-protocol turned off; NULL while none is. */
static GHashTable *disabled;

gboolean
iot_registry_set_enabled (const char *abbrev, gboolean enabled, GError **error)
{
  const IotDissector *dissector;

  iot_registry_init ();
  dissector = iot_registry_dissector (abbrev);
  if (dissector == NULL || dissector == registry.frame || dissector == registry.data)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   dissector == NULL ? "\"%s\" is not a protocol (iotscope-cli -G protocols lists them)"
                                     : "\"%s\" can't be disabled", abbrev);
      return FALSE;
    }
  if (disabled == NULL)
    disabled = g_hash_table_new (g_direct_hash, g_direct_equal);
  if (enabled)
    g_hash_table_remove (disabled, dissector);
  else
    g_hash_table_add (disabled, (gpointer) dissector);
  return TRUE;
}

gboolean
iot_registry_set_port_preference (const char *name_value, GError **error)
{
  const char *colon = strchr (name_value, ':');
  g_autofree char *name = colon ? g_strndup (name_value, colon - name_value) : g_strdup (name_value);
  g_auto (GStrv) parts = g_strsplit (name, ".", -1);
  g_autofree char *table_name = NULL;
  g_autoptr (GArray) keys = g_array_new (FALSE, FALSE, sizeof (guint32));
  IotDissector *dissector;
  const char *table;
  GHashTable *entries;
  GHashTableIter iter;
  gpointer key, value;

  if (colon == NULL || g_strv_length (parts) != 3 || !g_str_equal (parts[2], "port"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s is not a port preference (PROTO.tcp.port, "
                   "PROTO.udp.port)", name);
      return FALSE;
    }
  dissector = g_hash_table_lookup (registry.by_abbrev, parts[0]);
  table_name = g_strdup_printf ("%s.port", parts[1]);
  table = g_hash_table_lookup (registry.table_names, table_name);
  if (dissector == NULL || table == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s: no protocol %s with a %s table", name,
                   parts[0], table_name);
      return FALSE;
    }
  if (!parse_port_ranges (colon + 1, keys))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s: \"%s\" is not a list of ports "
                   "(e.g. 1883,8883 or 5683-5690)", name, colon + 1);
      return FALSE;
    }
  /* The value replaces the protocol's ports in that table, as in tshark. */
  entries = table_copy (table);
  g_hash_table_iter_init (&iter, entries);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (value == dissector)
      {
        remember_handoff (table, GPOINTER_TO_UINT (key));
        g_hash_table_iter_remove (&iter);
      }
  for (guint i = 0; i < keys->len; i++)
    {
      guint32 port = g_array_index (keys, guint32, i);

      remember_handoff (table, port);
      g_hash_table_insert (entries, GUINT_TO_POINTER (port), dissector);
    }
  table_publish (table, entries);
  return TRUE;
}

char *
iot_registry_port_preference (const char *protocol, const char *table_name)
{
  const char *table = g_hash_table_lookup (registry.table_names, table_name);
  GHashTable *entries = table ? g_hash_table_lookup (registry.tables, table) : NULL;
  IotDissector *dissector = g_hash_table_lookup (registry.by_abbrev, protocol);
  g_autoptr (GArray) keys = g_array_new (FALSE, FALSE, sizeof (guint32));
  GString *text = g_string_new (NULL);
  GHashTableIter iter;
  gpointer key, value;

  if (entries == NULL || dissector == NULL)
    return g_string_free (text, FALSE);
  g_hash_table_iter_init (&iter, entries);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (value == dissector)
      {
        guint32 k = GPOINTER_TO_UINT (key);

        g_array_append_val (keys, k);
      }
  g_array_sort (keys, (GCompareFunc) compare_guint32);
  for (guint i = 0; i < keys->len; i++)
    g_string_append_printf (text, "%s%u", i ? "," : "", g_array_index (keys, guint32, i));
  return g_string_free (text, FALSE);
}

gboolean
iot_registry_dissector_enabled (const IotDissector *dissector)
{
  return disabled == NULL || !g_hash_table_contains (disabled, dissector);
}
