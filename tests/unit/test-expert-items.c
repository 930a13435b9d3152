/* test-expert-items.c — every expert item a dissector raises is one it
 * registered: over every capture in tests/captures, each expert row's first
 * child is the field of an item in some dissector's table (or the engine's
 * own _ws.malformed items), with that item's severity and group, so filters
 * and analyses can name it.  The dissector sources raise no item outside a
 * table either, on paths no capture reaches. */
#include "iot-core-private.h"
#include "iot-engine.h"
#include "iot-packet.h"

#include <string.h>

#include "test-util.h"

/* IotField* of every registered expert item -> its IotExpertInfo*. */
static GHashTable *
registered_items (void)
{
  GHashTable *items = g_hash_table_new (g_direct_hash, g_direct_equal);

  for (guint i = 0; i < iot_registry_n_dissectors (); i++)
    {
      const IotDissector *dissector = iot_registry_dissector_by_id (i);

      for (guint j = 0; j < dissector->n_experts; j++)
        g_hash_table_insert (items, (gpointer) &dissector->experts[j].field, &dissector->experts[j]);
    }
  for (guint j = 0; j < IOT_CORE_N_EXPERTS; j++)
    g_hash_table_insert (items, &iot_core_experts[j].field, &iot_core_experts[j]);
  return items;
}

/* Checks each expert row of the dissected frame and counts its item. */
static void
check_frame (IotPacket *pkt, GHashTable *items, GHashTable *seen, const char *path, guint32 number)
{
  guint n = iot_packet_n_nodes (pkt);

  for (guint i = 0; i < n; i++)
    {
      const IotNode *node = iot_packet_node (pkt, i);
      const IotNode *child;
      const IotExpertInfo *info;

      if (!(node->flags & IOT_NODE_EXPERT))
        continue;
      child = i + 1 < n ? iot_packet_node (pkt, i + 1) : NULL;
      info = child != NULL && child->parent == (gint32) i ? g_hash_table_lookup (items, child->field) : NULL;
      if (info == NULL)
        g_error ("%s frame %u: expert item \"%s\" is in no dissector's table", path, number,
                 node->v.p ? (const char *) node->v.p : "");
      if (node->severity != info->severity || node->group != info->group)
        g_error ("%s frame %u: %s raised as severity %u group %u, registered as %d/%d", path, number,
                 info->field.abbrev, node->severity, node->group, info->severity, info->group);
      g_hash_table_insert (seen, (gpointer) info->field.abbrev,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (seen, info->field.abbrev)) + 1));
    }
}

static guint
seen_count (GHashTable *seen, const char *abbrev)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (seen, abbrev));
}

static void
test_items_registered_on_captures (void)
{
  g_autoptr (GPtrArray) paths = test_capture_paths ();
  g_autoptr (GHashTable) items = registered_items ();
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  IotDissectOptions tree = { .flags = IOT_DISSECT_TREE };

  g_assert_cmpuint (paths->len, >, 20);
  for (guint i = 0; i < paths->len; i++)
    {
      g_autoptr (IotFile) file = iot_file_open (paths->pdata[i], NULL);
      g_autoptr (IotEngine) engine = NULL;

      /* Captures made to fail opening are the file tests' business. */
      if (file == NULL)
        continue;
      engine = iot_engine_new (file);
      iot_engine_first_pass (engine, NULL);
      for (guint32 number = 1; number <= iot_file_n_frames (file); number++)
        {
          iot_engine_dissect (engine, pkt, number, &tree);
          check_frame (pkt, items, seen, paths->pdata[i], number);
        }
    }
  /* The captures reach the items of the converted tables (tshark shows
   * them on the same captures). */
  {
    GHashTableIter iter;
    gpointer abbrev, count;
    guint total = 0;

    g_hash_table_iter_init (&iter, seen);
    while (g_hash_table_iter_next (&iter, &abbrev, &count))
      {
        g_test_message ("%-40s %u", (const char *) abbrev, GPOINTER_TO_UINT (count));
        total += GPOINTER_TO_UINT (count);
      }
    g_test_message ("%u expert rows, %u items", total, g_hash_table_size (seen));
    g_assert_cmpuint (total, >, 500);
  }
  g_assert_cmpuint (seen_count (seen, "tcp.connection.syn"), >, 20);
  g_assert_cmpuint (seen_count (seen, "tcp.connection.fin_active"), >, 20);
  g_assert_cmpuint (seen_count (seen, "tcp.connection.rst"), >, 0);
  g_assert_cmpuint (seen_count (seen, "tcp.analysis.retransmission"), >, 0);
  g_assert_cmpuint (seen_count (seen, "tcp.analysis.duplicate_ack"), >, 0);
  g_assert_cmpuint (seen_count (seen, "tcp.analysis.zero_window"), >, 0);
  g_assert_cmpuint (seen_count (seen, "cbor.invalid_minor_type"), ==, 13);
  g_assert_cmpuint (seen_count (seen, "cbor.invalid_element"), ==, 2);
  g_assert_cmpuint (seen_count (seen, "cbor.too_long_length"), ==, 1);
  g_assert_cmpuint (seen_count (seen, "zbee_sec.encrypted_payload"), >, 0);
  g_assert_cmpuint (seen_count (seen, "_ws.malformed.expert"), >, 0);
  g_assert_cmpuint (seen_count (seen, "_ws.malformed.reassembly"), >, 0);
}

/* Searches @dir's C files for the unregistered call. */
static void
check_sources (const char *dir, guint *files)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) d = g_dir_open (dir, 0, &error);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *text = NULL;

      if (!g_str_has_suffix (name, ".c"))
        continue;
      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      if (strstr (text, "iot_expert_add (") != NULL || strstr (text, "iot_expert_add(") != NULL)
        g_error ("%s raises an expert item outside its table (iot_expert_add); register it and use "
                 "iot_expert_add_info", path);
      (*files)++;
    }
}

static void
test_no_unregistered_calls (void)
{
  guint files = 0;

  check_sources ("dissectors", &files);
  check_sources ("dissectors/plugins", &files);
  g_assert_cmpuint (files, >, 50);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  iot_registry_init ();
  g_test_add_func ("/expert-items/registered-on-captures", test_items_registered_on_captures);
  g_test_add_func ("/expert-items/no-unregistered-calls", test_no_unregistered_calls);
  return g_test_run ();
}
