/* iot-stats-phs.c — the protocol hierarchy (-z io,phs). */
#include "iot-stats.h"
#include "iot-stats-private.h"
#include "iot-tap.h"

#include <string.h>

/* ---- protocol hierarchy ---------------------------------------------------------------- */

struct _IotProtocolHierarchy {
  IotPhsNode *first;       /* first top-level node */
  GPtrArray  *nodes;       /* every node, for freeing */
  GStringChunk *names;
  guint64     frames;
  guint64     bytes;
  gboolean    include_frame;
  GPtrArray  *rows, *path;  /* one frame's, reused */
};

IotProtocolHierarchy *
iot_protocol_hierarchy_new (void)
{
  IotProtocolHierarchy *phs = g_new0 (IotProtocolHierarchy, 1);

  phs->nodes = g_ptr_array_new_with_free_func (g_free);
  phs->names = g_string_chunk_new (256);
  phs->rows = g_ptr_array_new ();
  phs->path = g_ptr_array_new ();
  return phs;
}

void
iot_protocol_hierarchy_free (IotProtocolHierarchy *phs)
{
  if (phs == NULL)
    return;
  g_ptr_array_unref (phs->nodes);
  g_string_chunk_free (phs->names);
  g_ptr_array_unref (phs->rows);
  g_ptr_array_unref (phs->path);
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
 * row of the tree (the layers tap's records, in tree order), except that
 * a "[N Reassembled … Segments]" row counts after the layers decoded from
 * the bytes it gathered. */
void
iot_protocol_hierarchy_add_packet (IotProtocolHierarchy *phs, IotPacket *pkt)
{
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_PROTO, &n);
  const IotTapProto *const *rows;

  g_ptr_array_set_size (phs->rows, 0);
  g_ptr_array_set_size (phs->path, 0);
  for (guint i = 0; i < n; i++)
    {
      const IotTapProto *row = records[i];

      if (phs->include_frame || strcmp (row->abbrev, "frame") != 0)
        g_ptr_array_add (phs->rows, (gpointer) row);
    }
  rows = (const IotTapProto *const *) phs->rows->pdata;
  for (guint t = 0; t < phs->rows->len; t++)
    {
      const IotTapProto *row = rows[t];
      guint run = t + 1;

      /* Sources are numbered as they are made: the reassembled bytes and
       * anything decoded from them (a de-chunked body) come after. */
      if (g_str_has_suffix (row->abbrev, ".segments"))
        while (run < phs->rows->len && rows[run]->source >= row->source
               && !g_str_has_suffix (rows[run]->abbrev, ".segments"))
          run++;
      for (guint k = t + 1; k < run; k++)
        g_ptr_array_add (phs->path, (gpointer) rows[k]->abbrev);
      g_ptr_array_add (phs->path, (gpointer) row->abbrev);
      t = run - 1;
    }
  iot_protocol_hierarchy_add_path (phs, (const char *const *) phs->path->pdata, phs->path->len,
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
