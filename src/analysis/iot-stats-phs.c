/* iot-stats-phs.c — the protocol hierarchy (-z io,phs). */
#include "iot-stats.h"
#include "iot-stats-private.h"

#include <string.h>

/* ---- protocol hierarchy ---------------------------------------------------------------- */

struct _IotProtocolHierarchy {
  IotPhsNode *first;       /* first top-level node */
  GPtrArray  *nodes;       /* every node, for freeing */
  GStringChunk *names;
  guint64     frames;
  guint64     bytes;
  gboolean    include_frame;
};

IotProtocolHierarchy *
iot_protocol_hierarchy_new (void)
{
  IotProtocolHierarchy *phs = g_new0 (IotProtocolHierarchy, 1);

  phs->nodes = g_ptr_array_new_with_free_func (g_free);
  phs->names = g_string_chunk_new (256);
  return phs;
}

void
iot_protocol_hierarchy_free (IotProtocolHierarchy *phs)
{
  if (phs == NULL)
    return;
  g_ptr_array_unref (phs->nodes);
  g_string_chunk_free (phs->names);
  g_free (phs);
}

void
iot_protocol_hierarchy_add_path (IotProtocolHierarchy *phs, const char *const *abbrevs, guint n,
                                 guint64 bytes)
{
  IotPhsNode **level = &phs->first;
  IotPhsNode *parent = NULL;

  phs->frames++;
  phs->bytes += bytes;
  for (guint i = 0; i < n; i++)
    {
      IotPhsNode **slot = level;
      IotPhsNode *node;

      while (*slot != NULL && strcmp ((*slot)->abbrev, abbrevs[i]) != 0)
        slot = &(*slot)->next_sibling;
      if (*slot == NULL)
        {
          node = g_new0 (IotPhsNode, 1);
          node->abbrev = g_string_chunk_insert_const (phs->names, abbrevs[i]);
          node->parent = parent;
          g_ptr_array_add (phs->nodes, node);
          *slot = node;
        }
      node = *slot;
      node->frames++;
      node->bytes += bytes;
      parent = node;
      level = &node->first_child;
    }
}

void
iot_protocol_hierarchy_set_include_frame (IotProtocolHierarchy *phs, gboolean include)
{
  phs->include_frame = include;
}

/* The layers of a frame as tshark's hierarchy sees them: every top-level
 * row of the tree, in tree order, except that a "[N Reassembled …
 * Segments]" row counts after the layers decoded from the bytes it
 * gathered. */
void
iot_protocol_hierarchy_add_packet (IotProtocolHierarchy *phs, IotPacket *pkt)
{
  const IotNode *nodes = iot_packet_nodes (pkt);
  guint n_nodes = iot_packet_n_nodes (pkt);
  g_autoptr (GArray) top = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GPtrArray) path = g_ptr_array_new ();

  for (guint i = 0; i < n_nodes; i++)
    if (nodes[i].parent < 0 && nodes[i].field != NULL
        && (phs->include_frame || strcmp (nodes[i].field->abbrev, "frame") != 0))
      g_array_append_val (top, i);
  for (guint t = 0; t < top->len; t++)
    {
      const IotNode *node = &nodes[g_array_index (top, guint, t)];
      guint run = t + 1;

      /* Sources are numbered as they are made: the reassembled bytes and
       * anything decoded from them (a de-chunked body) come after. */
      if (g_str_has_suffix (node->field->abbrev, ".segments"))
        while (run < top->len && nodes[g_array_index (top, guint, run)].source >= node->source
               && !g_str_has_suffix (nodes[g_array_index (top, guint, run)].field->abbrev, ".segments"))
          run++;
      for (guint k = t + 1; k < run; k++)
        g_ptr_array_add (path, (gpointer) nodes[g_array_index (top, guint, k)].field->abbrev);
      g_ptr_array_add (path, (gpointer) node->field->abbrev);
      t = run - 1;
    }
  iot_protocol_hierarchy_add_path (phs, (const char *const *) path->pdata, path->len,
                                   iot_packet_wirelen (pkt));
}

const IotPhsNode *
iot_protocol_hierarchy_root (IotProtocolHierarchy *phs)
{
  return phs->first;
}

guint64
iot_protocol_hierarchy_total_frames (IotProtocolHierarchy *phs)
{
  return phs->frames;
}

guint64
iot_protocol_hierarchy_total_bytes (IotProtocolHierarchy *phs)
{
  return phs->bytes;
}

double
iot_phs_node_frames_percent (IotProtocolHierarchy *phs, const IotPhsNode *node)
{
  return phs->frames ? 100.0 * (double) node->frames / (double) phs->frames : 0.0;
}

double
iot_phs_node_bytes_percent (IotProtocolHierarchy *phs, const IotPhsNode *node)
{
  return phs->bytes ? 100.0 * (double) node->bytes / (double) phs->bytes : 0.0;
}

static void
print_phs_level (const IotPhsNode *node, guint depth, GString *out)
{
  for (; node != NULL; node = node->next_sibling)
    {
      GString *line = g_string_new (NULL);

      /* Two spaces a level; past 16 levels one "..." stands for the rest. */
      for (guint i = 0; i < depth; i++)
        {
          if (i > 15)
            {
              g_string_append (line, "...");
              break;
            }
          g_string_append (line, "  ");
        }
      g_string_append (line, node->abbrev);
      if (line->len > 79)
        g_string_truncate (line, 79);
      g_string_append_printf (out, "%-40s frames:%" G_GUINT64_FORMAT " bytes:%" G_GUINT64_FORMAT "\n",
                              line->str, node->frames, node->bytes);
      g_string_free (line, TRUE);
      print_phs_level (node->first_child, depth + 1, out);
    }
}

void
iot_protocol_hierarchy_print (IotProtocolHierarchy *phs, const char *filter, GString *out)
{
  g_string_append (out, "\n===================================================================\n");
  g_string_append (out, "Protocol Hierarchy Statistics\n");
  g_string_append_printf (out, "Filter: %s\n\n", filter ? filter : "");
  print_phs_level (phs->first, 0, out);
  g_string_append (out, "===================================================================\n");
}
