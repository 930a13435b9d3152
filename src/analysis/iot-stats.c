/* iot-stats.c — conversations, endpoints, protocol hierarchy, expert
 * summary and I/O intervals, printed as tshark 4.0 prints its -z reports.
 *
 * The layouts (column widths, units, sort order) follow tshark's output
 * so scripts written for one work with the other; the code is our own.
 */
#include "iot-stats.h"
#include "iot-stats-private.h"
#include "iot-stats-trees.h"
#include "iot-resolve.h"
#include "iot-format.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define NS_PER_SEC G_GINT64_CONSTANT (1000000000)
#define US_PER_SEC G_GUINT64_CONSTANT (1000000)

static const char report_rule[] =
  "================================================================================\n";

/* ---- names and numbers ------------------------------------------------------- */

/* A hardware address in the conversation and endpoint tables: its maker or
 * well-known name when MAC resolution is on (tshark's default), as the
 * packet list shows it. */
static char *
ether_name (const guint8 *mac)
{
  char text[96];

  if (!iot_resolve_ether (mac, text, sizeof text))
    iot_format_ether (mac, text, sizeof text);
  return g_strdup (text);
}

char *
iot_stats_address_value (const IotAddress *addr)
{
  char text[64];

  switch (addr->family)
    {
    case 4:
      iot_format_ipv4 (addr->bytes, text, sizeof text);
      break;
    case 6:
      iot_format_ipv6 (addr->bytes, text, sizeof text);
      break;
    default:
      iot_format_ether (addr->bytes, text, sizeof text);
      break;
    }
  return g_strdup (text);
}

char *
iot_stats_address_name (const IotAddress *addr)
{
  /* Only MAC addresses get names (vendor prefixes, broadcast). */
  if (addr->family == 4 || addr->family == 6)
    return iot_stats_address_value (addr);
  return ether_name (addr->bytes);
}

char *
iot_stats_format_size (guint64 bytes)
{
  gint64 size = (gint64) bytes;
  gint64 k = size / 1000, m = k / 1000, g = m / 1000, t = g / 1000;

  /* The largest unit that still shows at least two digits, cut (not
   * rounded) to a whole number; thousands grouped as the locale says. */
  if (t >= 10)
    return g_strdup_printf ("%'" G_GINT64_FORMAT " TB", t);
  if (g >= 10)
    return g_strdup_printf ("%'" G_GINT64_FORMAT " GB", g);
  if (m >= 10)
    return g_strdup_printf ("%'" G_GINT64_FORMAT " MB", m);
  if (k >= 10)
    return g_strdup_printf ("%'" G_GINT64_FORMAT " kB", k);
  return g_strdup_printf ("%'" G_GINT64_FORMAT " bytes", size);
}

/* Seconds as a double the way Wireshark turns a time into one: whole
 * seconds plus the fraction, each converted on its own. */
static double
ns_to_seconds (gint64 ns)
{
  gint64 secs = ns / NS_PER_SEC;
  gint64 frac = ns % NS_PER_SEC;

  return (double) secs + (double) frac / 1e9;
}

/* An address with the bytes its family does not use cleared, so two
 * copies compare equal byte for byte. */
static IotAddress
clean_address (const IotAddress *addr)
{
  IotAddress out = { 0 };
  guint len = addr->family == 4 ? 4 : addr->family == 6 ? 16 : 6;

  out.family = addr->family;
  memcpy (out.bytes, addr->bytes, len);
  return out;
}

/* ---- conversation types --------------------------------------------------------- */

static const struct {
  const char *arg;
  const char *title;
} conv_types[IOT_CONV_N_TYPES] = {
  [IOT_CONV_ETH] = { "eth", "Ethernet" },
  [IOT_CONV_IPV4] = { "ip", "IPv4" },
  [IOT_CONV_IPV6] = { "ipv6", "IPv6" },
  [IOT_CONV_TCP] = { "tcp", "TCP" },
  [IOT_CONV_UDP] = { "udp", "UDP" },
};

gboolean
iot_conv_type_parse (const char *text, IotConvType *type)
{
  for (guint i = 0; i < IOT_CONV_N_TYPES; i++)
    if (strcmp (text, conv_types[i].arg) == 0)
      {
        *type = i;
        return TRUE;
      }
  return FALSE;
}

const char *
iot_conv_type_title (IotConvType type)
{
  return type < IOT_CONV_N_TYPES ? conv_types[type].title : "?";
}

gboolean
iot_conv_type_has_ports (IotConvType type)
{
  return type == IOT_CONV_TCP || type == IOT_CONV_UDP;
}

/* ---- conversations ------------------------------------------------------------------ */

typedef struct {
  IotAddress a, b;
  guint32    stream;
  guint16    port_a, port_b;
} ConvKey;

static guint
key_hash (gconstpointer data, gsize len)
{
  const guint8 *p = data;
  guint32 h = 2166136261u;

  for (gsize i = 0; i < len; i++)
    h = (h ^ p[i]) * 16777619u;
  return h;
}

static guint
conv_key_hash (gconstpointer key)
{
  return key_hash (key, sizeof (ConvKey));
}

static gboolean
conv_key_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, sizeof (ConvKey)) == 0;
}

struct _IotConversationTable {
  IotConvType type;
  GArray     *rows;      /* IotConversation */
  GHashTable *index;     /* ConvKey → row + 1 */
};

IotConversationTable *
iot_conversation_table_new (IotConvType type)
{
  IotConversationTable *table = g_new0 (IotConversationTable, 1);

  table->type = type;
  table->rows = g_array_new (FALSE, TRUE, sizeof (IotConversation));
  table->index = g_hash_table_new_full (conv_key_hash, conv_key_equal, g_free, NULL);
  return table;
}

void
iot_conversation_table_free (IotConversationTable *table)
{
  if (table == NULL)
    return;
  g_array_unref (table->rows);
  g_hash_table_unref (table->index);
  g_free (table);
}

IotConvType
iot_conversation_table_type (IotConversationTable *table)
{
  return table->type;
}

static void
fill_conv_key (ConvKey *key, const IotAddress *a, const IotAddress *b, guint16 port_a, guint16 port_b,
               guint32 stream)
{
  memset (key, 0, sizeof *key);
  key->a = clean_address (a);
  key->b = clean_address (b);
  key->port_a = port_a;
  key->port_b = port_b;
  key->stream = stream;
}

void
iot_conversation_table_add (IotConversationTable *table, const IotAddress *src, const IotAddress *dst,
                            guint16 src_port, guint16 dst_port, guint32 stream, guint64 bytes,
                            gint64 rel_ns)
{
  ConvKey key;
  guint row;
  gboolean forward = TRUE;
  IotConversation *conv;

  /* The first frame fixes which side is A; later frames match either way. */
  fill_conv_key (&key, src, dst, src_port, dst_port, stream);
  row = GPOINTER_TO_UINT (g_hash_table_lookup (table->index, &key));
  if (row == 0)
    {
      ConvKey reverse;

      fill_conv_key (&reverse, dst, src, dst_port, src_port, stream);
      row = GPOINTER_TO_UINT (g_hash_table_lookup (table->index, &reverse));
      forward = row == 0;
    }
  if (row == 0)
    {
      IotConversation fresh = { 0 };

      fresh.addr_a = key.a;
      fresh.addr_b = key.b;
      fresh.port_a = src_port;
      fresh.port_b = dst_port;
      fresh.stream = stream;
      fresh.start_ns = fresh.stop_ns = rel_ns;
      g_array_append_val (table->rows, fresh);
      row = table->rows->len;
      g_hash_table_insert (table->index, g_memdup2 (&key, sizeof key), GUINT_TO_POINTER (row));
    }
  conv = &g_array_index (table->rows, IotConversation, row - 1);
  if (forward)
    {
      conv->frames_ab++;
      conv->bytes_ab += bytes;
    }
  else
    {
      conv->frames_ba++;
      conv->bytes_ba += bytes;
    }
  if (rel_ns > conv->stop_ns)
    conv->stop_ns = rel_ns;
  else if (rel_ns < conv->start_ns)
    conv->start_ns = rel_ns;
}

guint
iot_conversation_table_n_rows (IotConversationTable *table)
{
  return table->rows->len;
}

const IotConversation *
iot_conversation_table_row (IotConversationTable *table, guint index)
{
  g_return_val_if_fail (index < table->rows->len, NULL);
  return &g_array_index (table->rows, IotConversation, index);
}

static double
conv_sort_value (const IotConversation *conv, IotConvSort key)
{
  switch (key)
    {
    case IOT_CONV_SORT_BYTES:
      return (double) (conv->bytes_ab + conv->bytes_ba);
    case IOT_CONV_SORT_START:
      return (double) conv->start_ns;
    case IOT_CONV_SORT_DURATION:
      return (double) (conv->stop_ns - conv->start_ns);
    case IOT_CONV_SORT_FRAMES:
    default:
      return (double) (conv->frames_ab + conv->frames_ba);
    }
}

typedef struct {
  IotConvSort key;
  gboolean    descending;
} ConvSortSpec;

/* Rows live in one array, so their addresses give the order in which
 * they appeared: ties fall back to it. */
static int
compare_conversations (gconstpointer pa, gconstpointer pb, gpointer data)
{
  const ConvSortSpec *spec = data;
  const IotConversation *a = *(const IotConversation *const *) pa;
  const IotConversation *b = *(const IotConversation *const *) pb;
  double va = conv_sort_value (a, spec->key), vb = conv_sort_value (b, spec->key);

  if (va != vb)
    return (va < vb) == spec->descending ? 1 : -1;
  return a < b ? -1 : a > b;
}

GPtrArray *
iot_conversation_table_sorted (IotConversationTable *table, IotConvSort key, gboolean descending)
{
  GPtrArray *rows = g_ptr_array_sized_new (table->rows->len);
  ConvSortSpec spec = { key, descending };

  for (guint i = 0; i < table->rows->len; i++)
    g_ptr_array_add (rows, &g_array_index (table->rows, IotConversation, i));
  g_ptr_array_sort_with_data (rows, compare_conversations, &spec);
  return rows;
}

static char *
endpoint_label (const IotAddress *addr, guint16 port, gboolean with_port)
{
  g_autofree char *name = iot_stats_address_name (addr);

  return with_port ? g_strdup_printf ("%s:%u", name, port) : g_steal_pointer (&name);
}

void
iot_conversation_table_print (IotConversationTable *table, const char *filter, GString *out)
{
  gboolean ports = iot_conv_type_has_ports (table->type);
  const char *indent = ports ? "            " : "";
  g_autoptr (GPtrArray) rows = iot_conversation_table_sorted (table, IOT_CONV_SORT_FRAMES, TRUE);

  g_string_append (out, report_rule);
  g_string_append_printf (out, "%s Conversations\n", iot_conv_type_title (table->type));
  g_string_append_printf (out, "Filter:%s\n", filter ? filter : "<No Filter>");
  g_string_append_printf (out, "%s                                               |       <-      | |       ->      "
                          "| |     Total     |    Relative    |   Duration   |\n", indent);
  g_string_append_printf (out, "%s                                               | Frames  Bytes | | Frames  Bytes "
                          "| | Frames  Bytes |      Start     |              |\n", indent);
  for (guint i = 0; i < rows->len; i++)
    {
      const IotConversation *conv = g_ptr_array_index (rows, i);
      g_autofree char *a = endpoint_label (&conv->addr_a, conv->port_a, ports);
      g_autofree char *b = endpoint_label (&conv->addr_b, conv->port_b, ports);
      g_autofree char *ba = iot_stats_format_size (conv->bytes_ba);
      g_autofree char *ab = iot_stats_format_size (conv->bytes_ab);
      g_autofree char *total = iot_stats_format_size (conv->bytes_ab + conv->bytes_ba);
      int width = ports ? 26 : 20;

      g_string_append_printf (out, "%-*s <-> %-*s  %6" G_GUINT64_FORMAT " %-9s  %6" G_GUINT64_FORMAT
                              " %-9s  %6" G_GUINT64_FORMAT " %-9s  ",
                              width, a, width, b, conv->frames_ba, ba, conv->frames_ab, ab,
                              conv->frames_ab + conv->frames_ba, total);
      g_string_append_printf (out, "%14.9f   %12.4f\n", ns_to_seconds (conv->start_ns),
                              ns_to_seconds (conv->stop_ns) - ns_to_seconds (conv->start_ns));
    }
  g_string_append (out, report_rule);
}

/* ---- endpoints ----------------------------------------------------------------------- */

typedef struct {
  IotAddress addr;
  guint16    port;
} EndpointKey;

static guint
endpoint_key_hash (gconstpointer key)
{
  return key_hash (key, sizeof (EndpointKey));
}

static gboolean
endpoint_key_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, sizeof (EndpointKey)) == 0;
}

struct _IotEndpointTable {
  IotConvType type;
  GArray     *rows;      /* IotEndpoint */
  GHashTable *index;     /* EndpointKey → row + 1 */
};

IotEndpointTable *
iot_endpoint_table_new (IotConvType type)
{
  IotEndpointTable *table = g_new0 (IotEndpointTable, 1);

  table->type = type;
  table->rows = g_array_new (FALSE, TRUE, sizeof (IotEndpoint));
  table->index = g_hash_table_new_full (endpoint_key_hash, endpoint_key_equal, g_free, NULL);
  return table;
}

void
iot_endpoint_table_free (IotEndpointTable *table)
{
  if (table == NULL)
    return;
  g_array_unref (table->rows);
  g_hash_table_unref (table->index);
  g_free (table);
}

IotConvType
iot_endpoint_table_type (IotEndpointTable *table)
{
  return table->type;
}

static IotEndpoint *
endpoint_row (IotEndpointTable *table, const IotAddress *addr, guint16 port)
{
  EndpointKey key;
  guint row;

  memset (&key, 0, sizeof key);
  key.addr = clean_address (addr);
  key.port = port;
  row = GPOINTER_TO_UINT (g_hash_table_lookup (table->index, &key));
  if (row == 0)
    {
      IotEndpoint fresh = { 0 };

      fresh.addr = key.addr;
      fresh.port = port;
      g_array_append_val (table->rows, fresh);
      row = table->rows->len;
      g_hash_table_insert (table->index, g_memdup2 (&key, sizeof key), GUINT_TO_POINTER (row));
    }
  return &g_array_index (table->rows, IotEndpoint, row - 1);
}

void
iot_endpoint_table_add (IotEndpointTable *table, const IotAddress *src, const IotAddress *dst,
                        guint16 src_port, guint16 dst_port, guint64 bytes)
{
  IotEndpoint *sender = endpoint_row (table, src, src_port);
  IotEndpoint *receiver;

  sender->tx_frames++;
  sender->tx_bytes += bytes;
  /* Looked up after the sender: adding a row may move the array. */
  receiver = endpoint_row (table, dst, dst_port);
  receiver->rx_frames++;
  receiver->rx_bytes += bytes;
}

guint
iot_endpoint_table_n_rows (IotEndpointTable *table)
{
  return table->rows->len;
}

const IotEndpoint *
iot_endpoint_table_row (IotEndpointTable *table, guint index)
{
  g_return_val_if_fail (index < table->rows->len, NULL);
  return &g_array_index (table->rows, IotEndpoint, index);
}

static int
compare_endpoints (gconstpointer pa, gconstpointer pb)
{
  const IotEndpoint *a = *(const IotEndpoint *const *) pa;
  const IotEndpoint *b = *(const IotEndpoint *const *) pb;
  guint64 fa = a->tx_frames + a->rx_frames, fb = b->tx_frames + b->rx_frames;

  if (fa != fb)
    return fa < fb ? 1 : -1;
  return a < b ? -1 : a > b;
}

GPtrArray *
iot_endpoint_table_sorted (IotEndpointTable *table)
{
  GPtrArray *rows = g_ptr_array_sized_new (table->rows->len);

  for (guint i = 0; i < table->rows->len; i++)
    g_ptr_array_add (rows, &g_array_index (table->rows, IotEndpoint, i));
  g_ptr_array_sort (rows, compare_endpoints);
  return rows;
}

void
iot_endpoint_table_print (IotEndpointTable *table, const char *filter, GString *out)
{
  gboolean ports = iot_conv_type_has_ports (table->type);
  g_autoptr (GPtrArray) rows = iot_endpoint_table_sorted (table);

  g_string_append (out, report_rule);
  g_string_append_printf (out, "%s Endpoints\n", iot_conv_type_title (table->type));
  g_string_append_printf (out, "Filter:%s\n", filter ? filter : "<No Filter>");
  g_string_append_printf (out, "                       |  %sPackets  | |  Bytes  | | Tx Packets | | Tx Bytes "
                          "| | Rx Packets | | Rx Bytes |\n", ports ? "Port  ||  " : "");
  for (guint i = 0; i < rows->len; i++)
    {
      const IotEndpoint *ep = g_ptr_array_index (rows, i);
      g_autofree char *name = iot_stats_address_name (&ep->addr);

      g_string_append_printf (out, "%-20s      ", name);
      if (ports)
        g_string_append_printf (out, "%5u     ", ep->port);
      g_string_append_printf (out, "%6" G_GUINT64_FORMAT "     %9" G_GUINT64_FORMAT "     %6" G_GUINT64_FORMAT
                              "       %9" G_GUINT64_FORMAT "      %6" G_GUINT64_FORMAT "       %9"
                              G_GUINT64_FORMAT "   \n",
                              ep->tx_frames + ep->rx_frames, ep->tx_bytes + ep->rx_bytes,
                              ep->tx_frames, ep->tx_bytes, ep->rx_frames, ep->rx_bytes);
    }
  g_string_append (out, report_rule);
}

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

/* ---- expert summary --------------------------------------------------------------------- */

#define N_SEVERITIES (IOT_SEV_ERROR + 1)

struct _IotExpertSummary {
  IotSeverity   min_severity;
  GArray       *entries[N_SEVERITIES];   /* IotExpertEntry */
  GHashTable   *index[N_SEVERITIES];     /* "protocol\x1fsummary" → entry + 1 */
  GStringChunk *text;
};

IotExpertSummary *
iot_expert_summary_new (IotSeverity min_severity)
{
  IotExpertSummary *summary = g_new0 (IotExpertSummary, 1);

  summary->min_severity = min_severity;
  for (guint i = 0; i < N_SEVERITIES; i++)
    {
      summary->entries[i] = g_array_new (FALSE, TRUE, sizeof (IotExpertEntry));
      summary->index[i] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    }
  summary->text = g_string_chunk_new (1024);
  return summary;
}

void
iot_expert_summary_free (IotExpertSummary *summary)
{
  if (summary == NULL)
    return;
  for (guint i = 0; i < N_SEVERITIES; i++)
    {
      g_array_unref (summary->entries[i]);
      g_hash_table_unref (summary->index[i]);
    }
  g_string_chunk_free (summary->text);
  g_free (summary);
}

/* Counts one item; returns its entry, or NULL when below the minimum. */
static IotExpertEntry *
expert_entry_add (IotExpertSummary *summary, IotSeverity severity, IotExpertGroup group,
                  const char *protocol, const char *message)
{
  g_autofree char *key = NULL;
  IotExpertEntry *entry;
  guint row;

  if (severity < summary->min_severity || severity >= N_SEVERITIES)
    return NULL;
  /* Same protocol and message: one entry, whatever the group. */
  key = g_strconcat (protocol, "\x1f", message, NULL);
  row = GPOINTER_TO_UINT (g_hash_table_lookup (summary->index[severity], key));
  if (row == 0)
    {
      IotExpertEntry fresh = { severity, group,
                               g_string_chunk_insert_const (summary->text, protocol),
                               g_string_chunk_insert_const (summary->text, message), 0, 0 };

      g_array_append_val (summary->entries[severity], fresh);
      row = summary->entries[severity]->len;
      g_hash_table_insert (summary->index[severity], g_steal_pointer (&key), GUINT_TO_POINTER (row));
    }
  entry = &g_array_index (summary->entries[severity], IotExpertEntry, row - 1);
  entry->count++;
  return entry;
}

void
iot_expert_summary_add (IotExpertSummary *summary, IotSeverity severity, IotExpertGroup group,
                        const char *protocol, const char *message)
{
  expert_entry_add (summary, severity, group, protocol, message);
}

/* The protocol an expert item belongs to: the nearest protocol row above
 * it, or — for items hanging off a top-level marker such as "[Malformed
 * Packet]" — the last top-level protocol before it. */
static const struct {
  const char *abbrev;
  const char *name;
} short_names[] = {
  { "arp", "ARP/RARP" }, { "dhcp", "DHCP/BOOTP" }, { "mdns", "mDNS" }, { "vlan", "VLAN" },
  { "wlan", "IEEE 802.11" }, { "btle", "BT LE LL" },
};

static const char *
expert_protocol (const IotNode *nodes, guint index)
{
  const IotField *proto = NULL;
  const IotDissector *dissector;

  for (gint32 p = nodes[index].parent; p >= 0 && proto == NULL; p = nodes[p].parent)
    if (nodes[p].field != NULL && nodes[p].field->type == IOT_FT_PROTOCOL)
      proto = nodes[p].field;
  for (gint32 i = (gint32) index - 1; i >= 0 && proto == NULL; i--)
    if (nodes[i].parent < 0 && nodes[i].field != NULL && nodes[i].field->type == IOT_FT_PROTOCOL)
      proto = nodes[i].field;
  if (proto == NULL)
    return "Frame";
  /* Wireshark's short names, where they differ from the column's. */
  for (guint i = 0; i < G_N_ELEMENTS (short_names); i++)
    if (strcmp (proto->proto_abbrev, short_names[i].abbrev) == 0)
      return short_names[i].name;
  dissector = iot_registry_dissector (proto->proto_abbrev);
  return dissector != NULL && dissector->name != NULL ? dissector->name : proto->abbrev;
}

void
iot_expert_summary_add_packet (IotExpertSummary *summary, IotPacket *pkt)
{
  const IotNode *nodes = iot_packet_nodes (pkt);
  guint n = iot_packet_n_nodes (pkt);

  for (guint i = 0; i < n; i++)
    if ((nodes[i].flags & IOT_NODE_EXPERT) && nodes[i].v.p != NULL)
      {
        g_autoptr (GString) message = g_string_new (NULL);
        IotExpertEntry *entry;

        /* Control characters (a request line's CR LF) as escapes, so
         * each item stays on one line. */
        iot_format_escaped (nodes[i].v.p, nodes[i].vlen, message);
        entry = expert_entry_add (summary, nodes[i].severity, nodes[i].group, expert_protocol (nodes, i),
                                  message->str);
        /* Frames come in order in one pass: the first one seen stays. */
        if (entry != NULL && entry->first_frame == 0)
          entry->first_frame = iot_packet_frame_number (pkt);
      }
}

guint
iot_expert_summary_n_entries (IotExpertSummary *summary, IotSeverity severity)
{
  return severity < N_SEVERITIES ? summary->entries[severity]->len : 0;
}

const IotExpertEntry *
iot_expert_summary_entry (IotExpertSummary *summary, IotSeverity severity, guint index)
{
  g_return_val_if_fail (severity < N_SEVERITIES && index < summary->entries[severity]->len, NULL);
  return &g_array_index (summary->entries[severity], IotExpertEntry, index);
}

void
iot_expert_summary_print (IotExpertSummary *summary, GString *out)
{
  static const struct {
    IotSeverity severity;
    const char *title;
  } order[] = {
    { IOT_SEV_ERROR, "Errors" },
    { IOT_SEV_WARN, "Warns" },
    { IOT_SEV_NOTE, "Notes" },
    { IOT_SEV_CHAT, "Chats" },
    { IOT_SEV_COMMENT, "Comments" },
  };

  for (guint s = 0; s < G_N_ELEMENTS (order); s++)
    {
      GArray *entries = summary->entries[order[s].severity];
      guint total = 0;

      if (entries->len == 0)
        continue;
      for (guint i = 0; i < entries->len; i++)
        total += g_array_index (entries, IotExpertEntry, i).count;
      g_string_append_printf (out, "\n%s (%u)\n", order[s].title, total);
      g_string_append (out, "=============\n");
      g_string_append (out, "   Frequency      Group           Protocol  Summary\n");
      for (guint i = 0; i < entries->len; i++)
        {
          const IotExpertEntry *e = &g_array_index (entries, IotExpertEntry, i);

          g_string_append_printf (out, "%12u %10s %18s  %s\n", e->count, iot_format_expert_group (e->group),
                                  e->protocol, e->summary);
        }
    }
}

/* ---- I/O statistics ------------------------------------------------------------------------ */

typedef struct {
  IotIoCalc       calc;
  const IotField *field;
  IotFilter      *filter;
  char           *text;       /* heading; NULL = "Frames and bytes" */
  GArray         *items;      /* IotIoItem per interval */
  guint64         max_value;  /* widest value, for the column width */
  guint32         max_frames;
} IoColumn;

struct _IotIoStat {
  guint64    interval;        /* µs; G_MAXUINT64 = the whole capture */
  guint      precision;
  GPtrArray *columns;
  gint64     duration_ns;
  guint64    last_rel_us;
};

static void
io_column_free (gpointer data)
{
  IoColumn *col = data;

  iot_filter_free (col->filter);
  g_free (col->text);
  g_array_unref (col->items);
  g_free (col);
}

IotIoStat *
iot_io_stat_new (guint64 interval_us, guint precision)
{
  IotIoStat *io = g_new0 (IotIoStat, 1);

  io->interval = interval_us ? interval_us : G_MAXUINT64;
  io->precision = MIN (precision, 6);
  io->columns = g_ptr_array_new_with_free_func (io_column_free);
  return io;
}

void
iot_io_stat_free (IotIoStat *io)
{
  if (io == NULL)
    return;
  g_ptr_array_unref (io->columns);
  g_free (io);
}

void
iot_io_stat_add_column (IotIoStat *io, IotIoCalc calc, const IotField *field, IotFilter *filter,
                        const char *text)
{
  IoColumn *col = g_new0 (IoColumn, 1);
  IotIoItem first = { 0 };

  col->calc = calc;
  col->field = field;
  col->filter = filter;
  col->text = g_strdup (text);
  col->items = g_array_new (FALSE, TRUE, sizeof (IotIoItem));
  g_array_append_val (col->items, first);
  g_ptr_array_add (io->columns, col);
}

void
iot_io_stat_add_fields (IotIoStat *io, IotFieldSet *set)
{
  for (guint i = 0; i < io->columns->len; i++)
    {
      IoColumn *col = g_ptr_array_index (io->columns, i);

      if (col->filter)
        iot_filter_add_fields (col->filter, set);
      if (col->field)
        iot_field_set_add (set, col->field);
    }
}

static gboolean
field_is_float (const IotField *field)
{
  return field != NULL && field->type == IOT_FT_DOUBLE;
}

static gboolean
field_is_time (const IotField *field)
{
  return field != NULL && field->type == IOT_FT_RELATIVE_TIME;
}

static gboolean
field_is_signed (const IotField *field)
{
  return field != NULL && iot_field_type_is_signed (field->type);
}

/* Folds one value of @field into @item. */
static void
io_item_take (IotIoItem *item, IotIoCalc calc, const IotField *field, const IotNode *node,
              gboolean first_value)
{
  guint64 v = node->v.u;
  double d = node->v.d;

  if (field_is_float (field))
    {
      switch (calc)
        {
        case IOT_IO_SUM:
        case IOT_IO_AVG:
          item->dcounter += d;
          break;
        case IOT_IO_MIN:
          if (first_value || d < item->dcounter)
            item->dcounter = d;
          break;
        case IOT_IO_MAX:
          if (d > item->dcounter)
            item->dcounter = d;
          break;
        default:
          break;
        }
      return;
    }
  switch (calc)
    {
    case IOT_IO_SUM:
    case IOT_IO_AVG:
      item->counter += v;
      break;
    case IOT_IO_MIN:
      if (first_value || (field_is_signed (field) ? (gint64) v < (gint64) item->counter : v < item->counter))
        item->counter = v;
      break;
    case IOT_IO_MAX:
      if (field_is_signed (field) ? (gint64) v > (gint64) item->counter : v > item->counter)
        item->counter = v;
      break;
    default:
      break;
    }
}

static void
io_column_note_width (IoColumn *col, const IotIoItem *item)
{
  switch (col->calc)
    {
    case IOT_IO_FRAMES:
    case IOT_IO_FRAMES_BYTES:
      col->max_frames = MAX (col->max_frames, item->frames);
      if (col->calc == IOT_IO_FRAMES_BYTES)
        col->max_value = MAX (col->max_value, item->counter);
      break;
    case IOT_IO_BYTES:
    case IOT_IO_COUNT:
      col->max_value = MAX (col->max_value, item->counter);
      break;
    case IOT_IO_SUM:
    case IOT_IO_MIN:
    case IOT_IO_MAX:
      if (field_is_float (col->field))
        col->max_value = MAX (col->max_value, (guint64) (item->dcounter + 0.5));
      else
        col->max_value = MAX (col->max_value, item->counter);
      break;
    case IOT_IO_AVG:
      if (item->num == 0)
        break;
      if (field_is_float (col->field))
        col->max_value = MAX (col->max_value, (guint64) item->dcounter / item->num);
      else if (field_is_time (col->field))
        col->max_value = MAX (col->max_value, (item->counter / item->num + 500000000) / (guint64) NS_PER_SEC);
      else
        col->max_value = MAX (col->max_value, item->counter / item->num);
      break;
    }
}

void
iot_io_item_add_packet (IotIoItem *item, IotIoCalc calc, const IotField *field, IotPacket *pkt)
{
  item->frames++;
  switch (calc)
    {
    case IOT_IO_FRAMES:
    case IOT_IO_BYTES:
    case IOT_IO_FRAMES_BYTES:
      item->counter += iot_packet_wirelen (pkt);
      break;
    default:
      {
        const IotNode *nodes = iot_packet_nodes (pkt);
        guint n = iot_packet_n_nodes (pkt), seen = 0;

        for (guint i = 0; i < n; i++)
          {
            if (nodes[i].field != field)
              continue;
            if (calc == IOT_IO_COUNT)
              item->counter++;
            else
              {
                if (calc == IOT_IO_AVG)
                  item->num++;
                io_item_take (item, calc, field, &nodes[i], item->frames == 1 && seen == 0);
              }
            seen++;
          }
      }
      break;
    }
}

/* Nanoseconds to microseconds, rounded to the nearest. */
static guint64
ns_to_us (gint64 ns)
{
  return (guint64) (ns / NS_PER_SEC) * US_PER_SEC + (guint64) ((ns % NS_PER_SEC + 500) / 1000);
}

guint64
iot_io_stat_time_us (gint64 rel_ns, guint64 *last_us)
{
  if (rel_ns >= 0)
    *last_us = ns_to_us (rel_ns);
  return *last_us;
}

void
iot_io_stat_add_packet (IotIoStat *io, IotPacket *pkt, gint64 rel_ns)
{
  guint64 rel_us = iot_io_stat_time_us (rel_ns, &io->last_rel_us);

  for (guint c = 0; c < io->columns->len; c++)
    {
      IoColumn *col = g_ptr_array_index (io->columns, c);
      guint target = col->items->len - 1;
      IotIoItem *item;

      if (col->filter != NULL && !iot_filter_matches (col->filter, pkt))
        continue;
      /* Intervals open in order; a late frame joins the newest one. */
      if (io->interval != G_MAXUINT64 && rel_us / io->interval > target)
        target = (guint) (rel_us / io->interval);
      if (target >= col->items->len)
        g_array_set_size (col->items, target + 1);
      item = &g_array_index (col->items, IotIoItem, target);
      iot_io_item_add_packet (item, col->calc, col->field, pkt);
      io_column_note_width (col, item);
    }
}

void
iot_io_stat_set_duration (IotIoStat *io, gint64 duration_ns)
{
  io->duration_ns = MAX (duration_ns, 0);
}

guint
iot_io_stat_n_columns (IotIoStat *io)
{
  return io->columns->len;
}

guint
iot_io_stat_n_intervals (IotIoStat *io, guint column)
{
  g_return_val_if_fail (column < io->columns->len, 0);
  return ((IoColumn *) g_ptr_array_index (io->columns, column))->items->len;
}

double
iot_io_item_value (const IotIoItem *item, IotIoCalc calc, const IotField *field)
{
  guint num = item->num ? item->num : 1;

  switch (calc)
    {
    case IOT_IO_FRAMES:
      return item->frames;
    case IOT_IO_FRAMES_BYTES:
    case IOT_IO_BYTES:
    case IOT_IO_COUNT:
      return (double) item->counter;
    case IOT_IO_AVG:
      if (field_is_float (field))
        return item->dcounter / num;
      if (field_is_time (field))
        return (double) (item->counter / num) / 1e9;
      return field_is_signed (field) ? (double) ((gint64) item->counter / (gint64) num)
                                     : (double) (item->counter / num);
    default:
      if (field_is_float (field))
        return item->dcounter;
      if (field_is_time (field))
        return (double) item->counter / 1e9;
      return field_is_signed (field) ? (double) (gint64) item->counter : (double) item->counter;
    }
}

void
iot_io_stat_cell (IotIoStat *io, guint column, guint row, guint64 *frames, double *value)
{
  const IoColumn *col;
  const IotIoItem *item;

  g_return_if_fail (column < io->columns->len);
  col = g_ptr_array_index (io->columns, column);
  if (row >= col->items->len)
    {
      *frames = 0;
      *value = 0;
      return;
    }
  item = &g_array_index (col->items, IotIoItem, row);
  *frames = item->frames;
  *value = iot_io_item_value (item, col->calc, col->field);
}

static guint
magnitude (guint64 value, guint max_digits)
{
  guint digits = 0;

  for (guint i = 0; i < max_digits; i++)
    {
      digits++;
      if ((value /= 10) == 0)
        break;
    }
  return digits;
}

static const char *
calc_name (IotIoCalc calc)
{
  static const char *const names[] = {
    [IOT_IO_FRAMES_BYTES] = "FRAMES BYTES", [IOT_IO_FRAMES] = "FRAMES", [IOT_IO_BYTES] = "BYTES",
    [IOT_IO_COUNT] = "COUNT", [IOT_IO_SUM] = "SUM", [IOT_IO_MIN] = "MIN", [IOT_IO_MAX] = "MAX",
    [IOT_IO_AVG] = "AVG",
  };

  return names[calc];
}

/* A label centred in a column of @width characters (tshark's rounding). */
static void
append_centered (GString *out, const char *label, int width)
{
  static const char spaces[] = "      ";
  int label_len = (int) strlen (label);
  int len = 6 - ((width - label_len) / 2 + 1);

  if (len > 0 && len < 6)
    {
      const char *pad = &spaces[len];

      g_string_append_printf (out, "%s%s%s|", (width - label_len) % 2 == 0 ? pad : pad - 1, label, pad);
    }
  else if (len > 0 && len <= 15)
    g_string_append_printf (out, "%s|", label);
}

typedef struct {
  int frames;        /* width of the frame count, 0 if none */
  int value;         /* width of the value, 0 if none */
  int value_decimals;
} IoWidths;

static void
io_column_widths (IoColumn *col, IoWidths *w)
{
  guint64 max_value = col->max_value;

  memset (w, 0, sizeof *w);
  switch (col->calc)
    {
    case IOT_IO_FRAMES:
      w->frames = MAX (6, (int) magnitude (col->max_frames, 15));
      return;
    case IOT_IO_FRAMES_BYTES:
      w->frames = MAX (6, (int) magnitude (col->max_frames, 15));
      w->value = MAX (5, (int) magnitude (max_value, 15));
      return;
    case IOT_IO_BYTES:
    case IOT_IO_COUNT:
      w->value = MAX (5, (int) magnitude (max_value, 15));
      return;
    default:
      break;
    }
  if (field_is_float (col->field))
    {
      w->value = (int) magnitude (max_value, 15) + 7;
      w->value_decimals = 6;
    }
  else if (field_is_time (col->field))
    {
      if (col->calc != IOT_IO_AVG)
        max_value = (max_value + 500000000) / (guint64) NS_PER_SEC;
      w->value = (int) magnitude (max_value, 15) + 7;
      w->value_decimals = 6;
    }
  else
    w->value = MAX ((int) strlen (calc_name (col->calc)), (int) magnitude (max_value, 15));
}

static void
io_append_value (GString *out, IoColumn *col, const IoWidths *w, const IotIoItem *item)
{
  static const IotIoItem empty = { 0 };
  guint num;

  if (item == NULL)
    item = &empty;
  num = item->num ? item->num : 1;
  switch (col->calc)
    {
    case IOT_IO_FRAMES:
      g_string_append_printf (out, " %*u |", w->frames, item->frames);
      return;
    case IOT_IO_FRAMES_BYTES:
      g_string_append_printf (out, " %*u | %*" G_GUINT64_FORMAT " |", w->frames, item->frames, w->value,
                              item->counter);
      return;
    case IOT_IO_BYTES:
    case IOT_IO_COUNT:
      g_string_append_printf (out, " %*" G_GUINT64_FORMAT " |", w->value, item->counter);
      return;
    default:
      break;
    }
  if (field_is_float (col->field))
    {
      double d = col->calc == IOT_IO_AVG ? item->dcounter / num : item->dcounter;

      g_string_append_printf (out, " %*.6f |", w->value - 7, d);
    }
  else if (field_is_time (col->field))
    {
      guint64 us = ((col->calc == IOT_IO_AVG ? item->counter / num : item->counter) + 500) / 1000;

      g_string_append_printf (out, " %*u.%06u |", w->value - 7, (guint) (us / US_PER_SEC),
                              (guint) (us % US_PER_SEC));
    }
  else if (field_is_signed (col->field))
    {
      gint64 v = col->calc == IOT_IO_AVG ? (gint64) (item->counter / num) : (gint64) item->counter;

      g_string_append_printf (out, " %*" G_GINT64_FORMAT " |", w->value, v);
    }
  else
    g_string_append_printf (out, " %*" G_GUINT64_FORMAT " |", w->value,
                            col->calc == IOT_IO_AVG ? item->counter / num : item->counter);
}

/* Seconds with @decimals digits, the fraction cut, not rounded. */
static char *
format_seconds (gint64 ns, guint decimals)
{
  gint64 unit = 1;

  if (decimals == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT, ns / NS_PER_SEC);
  for (guint i = decimals; i < 9; i++)
    unit *= 10;
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%0*" G_GINT64_FORMAT, ns / NS_PER_SEC, (int) decimals,
                          (ns % NS_PER_SEC) / unit);
}

static gint64
round_ns (gint64 ns, guint decimals)
{
  gint64 unit = 1;

  for (guint i = decimals; i < 9; i++)
    unit *= 10;
  return (ns + unit / 2) / unit * unit;
}

/* @ns rounded to @decimals as tshark rounds the IO statistics' duration:
 * printf of a double in seconds, so 65.350 s shows as 65.3 (65.35 is
 * 65.3499… in binary). */
static gint64
round_ns_as_double (gint64 ns, guint decimals)
{
  char text[64];

  g_snprintf (text, sizeof text, "%.*f", (int) decimals, (double) ns / NS_PER_SEC);
  return (gint64) llround (g_ascii_strtod (text, NULL) * NS_PER_SEC);
}

/* "| text      |": @text left-aligned, the closing bar at @width. */
static void
append_boxed_line (GString *out, const char *text, guint width)
{
  gsize start = out->len;

  g_string_append (out, text);
  if (out->len - start + 1 < width)
    g_string_append_printf (out, "%*s", (int) (width - (out->len - start)), "|");
  else
    g_string_append_c (out, '|');
  g_string_append_c (out, '\n');
}

static void
io_append_filters (IotIoStat *io, guint borderlen, GString *out)
{
  for (guint j = 0; j < io->columns->len; j++)
    {
      IoColumn *col = g_ptr_array_index (io->columns, j);
      g_autoptr (GString) line = g_string_new (NULL);
      const char *text = col->text;

      g_string_append_printf (line, j == 0 ? "| Col%2u: " : "|    %2u: ", j + 1);
      if (text == NULL)
        {
          g_string_append (line, "Frames and bytes");
          append_boxed_line (out, line->str, borderlen);
          continue;
        }
      /* Too wide: wrap at the last space that fits, or hard at the edge. */
      while (strlen (text) + 11 > borderlen)
        {
          gsize max_w = borderlen - 11, len;
          const char *space = g_strrstr_len (text, (gssize) max_w, " ");
          gsize next;

          len = space ? (gsize) (space - text) : max_w;
          next = space ? len + 1 : len;
          g_string_append_len (line, text, (gssize) len);
          append_boxed_line (out, line->str, borderlen);
          g_string_assign (line, "|        ");
          text += next;
        }
      g_string_append (line, text);
      append_boxed_line (out, line->str, borderlen);
    }
}

void
iot_io_stat_print (IotIoStat *io, GString *out)
{
  guint64 duration, interval, dv, t = 0;
  guint dur_mag, invl_mag, prec, invl_col_w, tabrow_w, borderlen, maxfltr_w = 0, num_rows, header_mag;
  gboolean whole;
  g_autofree IoWidths *widths = g_new0 (IoWidths, MAX (io->columns->len, 1));
  g_autofree char *dur_text = NULL, *invl_text = NULL;
  g_autoptr (GString) line = g_string_new (NULL);
  gint64 elapsed = io->duration_ns;

  duration = ns_to_us (elapsed);
  whole = io->interval == G_MAXUINT64 || io->interval > duration;
  interval = whole ? duration : io->interval;
  dur_mag = magnitude (duration / US_PER_SEC, 5);
  invl_mag = magnitude (interval / US_PER_SEC, 5);
  if (interval == duration)
    {
      /* One interval for everything: decimals by how long the capture is. */
      prec = dur_mag >= 2 ? 1 : dur_mag == 1 ? 3 : 6;
      borderlen = 30 + dur_mag + (prec ? prec + 1 : 0);
    }
  else
    {
      prec = io->precision;
      borderlen = 25 + MAX (invl_mag, dur_mag) + (prec ? prec + 1 : 0);
    }
  dv = US_PER_SEC;
  for (guint i = 0; i < prec; i++)
    dv /= 10;
  if (duration % dv > 5 * (dv / 10))
    {
      duration = (duration + 5 * (dv / 10)) / dv * dv;
      dur_mag = magnitude (duration / US_PER_SEC, 5);
    }
  if (whole)
    interval = duration;
  invl_col_w = prec == 0 ? 2 * dur_mag + 8 : 2 * dur_mag + 2 * prec + 10;
  invl_col_w = MAX (invl_col_w, 12);

  tabrow_w = invl_col_w;
  for (guint j = 0; j < io->columns->len; j++)
    {
      IoWidths *w = &widths[j];

      io_column_widths (g_ptr_array_index (io->columns, j), w);
      tabrow_w += (w->frames ? w->frames + 3 : 0) + (w->value ? w->value + 3 : 0);
    }
  borderlen = MAX (borderlen, tabrow_w);
  for (guint j = 0; j < io->columns->len; j++)
    {
      IoColumn *col = g_ptr_array_index (io->columns, j);

      maxfltr_w = MAX (maxfltr_w, col->text ? (guint) strlen (col->text) + 11 : 26);
    }
  if (maxfltr_w > borderlen && borderlen < 102)
    borderlen = MIN (maxfltr_w, 102);
  if (borderlen - tabrow_w == 1)
    borderlen++;

  /* Title box. */
  g_string_append_c (out, '\n');
  for (guint i = 0; i < borderlen; i++)
    g_string_append_c (out, '=');
  g_string_append_printf (out, "\n|%-*s|\n", borderlen - 2, " IO Statistics");
  g_string_append_printf (out, "|%-*s|\n", borderlen - 2, "");
  header_mag = magnitude ((guint64) (elapsed / NS_PER_SEC), 5);
  if (prec == 0)
    {
      /* tshark 4.0 pads these microseconds with spaces ("1. 63056"). */
      gint64 rounded = round_ns (elapsed, 6);

      dur_text = g_strdup_printf ("%" G_GINT64_FORMAT ".%6d", rounded / NS_PER_SEC,
                                  (int) (rounded % NS_PER_SEC / 1000));
    }
  else
    dur_text = format_seconds (round_ns_as_double (elapsed, prec), prec);
  invl_text = format_seconds ((gint64) interval * 1000, prec);
  g_string_printf (line, "| Duration: %*s secs", (int) (header_mag + (prec ? prec + 1 : 0)), dur_text);
  append_boxed_line (out, line->str, borderlen);
  g_string_printf (line, "| Interval: %*s secs", (int) (header_mag + (prec ? prec + 1 : 0)), invl_text);
  append_boxed_line (out, line->str, borderlen);
  g_string_append_printf (out, "|%-*s|\n", borderlen - 2, "");
  io_append_filters (io, borderlen, out);
  g_string_append (out, "|-");
  for (guint i = 0; i + 3 < borderlen; i++)
    g_string_append_c (out, '-');
  g_string_append (out, "|\n");

  /* Column headings. */
  g_string_append_printf (out, "|%*s", (int) invl_col_w - 1, "|");
  for (guint j = 0; j < io->columns->len; j++)
    {
      const IoWidths *w = &widths[j];
      int pad = w->frames && w->value ? w->frames + w->value + 3 : w->frames ? w->frames : w->value;

      g_string_append_printf (out, "%-2u%*s|", j + 1, pad, "");
    }
  if (tabrow_w < borderlen)
    g_string_append_printf (out, "%*s", (int) (borderlen - tabrow_w), "|");
  g_string_append_printf (out, "\n| Interval%*s", (int) invl_col_w - 10, "|");
  for (guint j = 0; j < io->columns->len; j++)
    {
      IoColumn *col = g_ptr_array_index (io->columns, j);
      const IoWidths *w = &widths[j];

      if (col->calc == IOT_IO_FRAMES_BYTES)
        {
          append_centered (out, "Frames", w->frames);
          append_centered (out, "Bytes", w->value);
        }
      else
        append_centered (out, calc_name (col->calc), w->frames ? w->frames : w->value);
    }
  if (tabrow_w < borderlen)
    g_string_append_printf (out, "%*s", (int) (borderlen - tabrow_w), "|");
  g_string_append (out, "\n|-");
  for (guint i = 0; i + 3 < tabrow_w; i++)
    g_string_append_c (out, '-');
  g_string_append_c (out, '|');
  if (tabrow_w < borderlen)
    g_string_append_printf (out, "%*s", (int) (borderlen - tabrow_w), "|");
  g_string_append_c (out, '\n');

  /* One row per interval. */
  num_rows = interval == 0 || duration == 0 ? 0 : (guint) (duration / interval) + (duration % interval > 0);
  for (guint row = 0; row < num_rows; row++)
    {
      gboolean last = row == num_rows - 1;
      guint64 end = last ? duration : t + interval;

      if (prec == 0)
        {
          const char *pad = dur_mag == 1 ? " " : "";

          if (last)
            g_string_append_printf (out, "| %s%*u <> %-*s|", pad, (int) dur_mag, (guint) (t / US_PER_SEC),
                                    dur_mag >= 3 ? (int) dur_mag + 1 : 3, "Dur");
          else
            g_string_append_printf (out, "| %s%*u <> %*u %s|", pad, (int) dur_mag, (guint) (t / US_PER_SEC),
                                    (int) dur_mag, (guint) (end / US_PER_SEC), pad);
        }
      else
        g_string_append_printf (out, "| %*u.%0*u <> %*u.%0*u |", (int) dur_mag, (guint) (t / US_PER_SEC),
                                (int) prec, (guint) (t % US_PER_SEC / dv), (int) dur_mag,
                                (guint) (end / US_PER_SEC), (int) prec, (guint) (end % US_PER_SEC / dv));
      for (guint j = 0; j < io->columns->len; j++)
        {
          IoColumn *col = g_ptr_array_index (io->columns, j);

          io_append_value (out, col, &widths[j],
                           row < col->items->len ? &g_array_index (col->items, IotIoItem, row) : NULL);
        }
      if (tabrow_w < borderlen)
        g_string_append_printf (out, "%*s", (int) (borderlen - tabrow_w), "|");
      g_string_append_c (out, '\n');
      t += interval;
    }
  for (guint i = 0; i < borderlen; i++)
    g_string_append_c (out, '=');
  g_string_append_c (out, '\n');
}

/* ---- histograms ------------------------------------------------------------------------------ */

/* The "burst" columns of a stats_tree table: the most values counted in
 * any 100 ms window, the window sliding in 5 ms steps, and when that
 * window started. */
#define BURST_STEP_MS   5

typedef struct {
  double  step;        /* floor (ms / BURST_STEP_MS) */
  guint64 count;
  double  start_ms;    /* earliest value counted in this step */
} BurstStep;

typedef struct {
  IotHistogramBucket row;
  IotBurst           burst;
} HistRow;

struct _IotHistogram {
  IotHistogramKind kind;
  HistRow          total;
  HistRow         *buckets;
  guint            n_buckets;
  double           start_ms;    /* first frame counted; < 0 before it */
  double           elapsed_ms;  /* latest frame counted minus the first */
  gboolean         have_prev;
  gint64           prev_ns;     /* inter-frame: the previous frame's time */
};

static const struct {
  const char *label;
  gint64      low;
} plen_buckets[] = {
  { "0-19", 0 }, { "20-39", 20 }, { "40-79", 40 }, { "80-159", 80 }, { "160-319", 160 },
  { "320-639", 320 }, { "640-1279", 640 }, { "1280-2559", 1280 }, { "2560-5119", 2560 },
  { "5120 and greater", 5120 },
};

/* Decades from 10 µs to 10 s: a sensor's reply is microseconds away, its
 * next reading seconds away, and both show up here at once. */
static const struct {
  const char *label;
  gint64      low;
} iat_buckets[] = {
  { "< 10 us", G_MININT64 }, { "10-100 us", 10000 }, { "100 us-1 ms", 100000 }, { "1-10 ms", 1000000 },
  { "10-100 ms", 10000000 }, { "100 ms-1 s", 100000000 }, { "1-10 s", 1000000000 },
  { "10 s and greater", G_GINT64_CONSTANT (10000000000) },
};

void
iot_burst_init (IotBurst *burst)
{
  /* Like tshark, a window starts out at 0 ms with nothing in it. */
  g_queue_init (&burst->steps);
  g_queue_push_tail (&burst->steps, g_new0 (BurstStep, 1));
}

static BurstStep *
burst_step_new (double step, double now_ms)
{
  BurstStep *s = g_new0 (BurstStep, 1);

  s->step = step;
  s->count = 1;
  s->start_ms = now_ms;
  return s;
}

/* Counts one value at @now_ms: values out of time order join the step
 * they belong to, or are dropped when older than the whole window. */
void
iot_burst_add (IotBurst *burst, double now_ms)
{
  double step = floor (now_ms / BURST_STEP_MS);
  double window = (double) BURST_WINDOW_MS / BURST_STEP_MS;
  BurstStep *head = g_queue_peek_head (&burst->steps);
  BurstStep *tail = g_queue_peek_tail (&burst->steps);

  if (step > tail->step)
    {
      g_queue_push_tail (&burst->steps, burst_step_new (step, now_ms));
      burst->in_window++;
      while (step >= ((BurstStep *) g_queue_peek_head (&burst->steps))->step + window)
        {
          BurstStep *old = g_queue_pop_head (&burst->steps);

          burst->in_window -= old->count;
          g_free (old);
        }
    }
  else if (step < head->step)
    {
      if (step + window > tail->step)
        {
          g_queue_push_head (&burst->steps, burst_step_new (step, now_ms));
          burst->in_window++;
        }
    }
  else
    {
      GList *link = burst->steps.tail;

      while (step < ((BurstStep *) link->data)->step)
        link = link->prev;
      if (step == ((BurstStep *) link->data)->step)
        {
          BurstStep *s = link->data;

          s->count++;
          s->start_ms = MIN (s->start_ms, now_ms);
        }
      else
        g_queue_insert_after (&burst->steps, link, burst_step_new (step, now_ms));
      burst->in_window++;
    }
  if (burst->in_window > burst->max)
    {
      burst->max = burst->in_window;
      burst->max_start_ms = ((BurstStep *) g_queue_peek_head (&burst->steps))->start_ms;
    }
}

static void
hist_row_init (HistRow *row, const char *label, gint64 low, gint64 high)
{
  row->row.label = label;
  row->row.low = low;
  row->row.high = high;
  iot_burst_init (&row->burst);
}

IotHistogram *
iot_histogram_new (IotHistogramKind kind)
{
  IotHistogram *hist = g_new0 (IotHistogram, 1);
  guint n = kind == IOT_HISTOGRAM_FRAME_LENGTH ? G_N_ELEMENTS (plen_buckets) : G_N_ELEMENTS (iat_buckets);

  hist->kind = kind;
  hist->start_ms = -1.0;
  hist->n_buckets = n;
  hist->buckets = g_new0 (HistRow, n);
  hist_row_init (&hist->total, iot_histogram_title (hist), G_MININT64, G_MAXINT64);
  for (guint i = 0; i < n; i++)
    {
      const char *label = kind == IOT_HISTOGRAM_FRAME_LENGTH ? plen_buckets[i].label : iat_buckets[i].label;
      gint64 low = kind == IOT_HISTOGRAM_FRAME_LENGTH ? plen_buckets[i].low : iat_buckets[i].low;
      gint64 next = i + 1 < n ? (kind == IOT_HISTOGRAM_FRAME_LENGTH ? plen_buckets[i + 1].low
                                                                     : iat_buckets[i + 1].low)
                              : G_MAXINT64;

      hist_row_init (&hist->buckets[i], label, low, i + 1 < n ? next - 1 : G_MAXINT64);
    }
  return hist;
}

void
iot_histogram_free (IotHistogram *hist)
{
  if (hist == NULL)
    return;
  g_queue_clear_full (&hist->total.burst.steps, g_free);
  for (guint i = 0; i < hist->n_buckets; i++)
    g_queue_clear_full (&hist->buckets[i].burst.steps, g_free);
  g_free (hist->buckets);
  g_free (hist);
}

IotHistogramKind
iot_histogram_kind (IotHistogram *hist)
{
  return hist->kind;
}

const char *
iot_histogram_title (IotHistogram *hist)
{
  return hist->kind == IOT_HISTOGRAM_FRAME_LENGTH ? "Packet Lengths" : "Inter-frame Times";
}

/* Milliseconds the way tshark turns a relative time into them: seconds
 * and nanoseconds converted on their own. */
double
iot_stats_ns_to_ms (gint64 ns)
{
  return (double) (ns / NS_PER_SEC) * 1000.0 + (double) (ns % NS_PER_SEC) / 1000000.0;
}

static void
hist_row_add (HistRow *row, gint64 value, double now_ms)
{
  if (row->row.count == 0 || value < row->row.min)
    row->row.min = value;
  if (row->row.count == 0 || value > row->row.max)
    row->row.max = value;
  row->row.count++;
  row->row.total += value;
  iot_burst_add (&row->burst, now_ms);
}

/* The clock of the rate column: from the first frame counted to the
 * latest. */
static double
hist_tick (IotHistogram *hist, gint64 rel_ns)
{
  double now_ms = iot_stats_ns_to_ms (rel_ns);

  if (hist->start_ms < 0.0)
    hist->start_ms = now_ms;
  hist->elapsed_ms = now_ms - hist->start_ms;
  return now_ms;
}

static void
hist_count (IotHistogram *hist, gint64 value, double now_ms)
{
  hist_row_add (&hist->total, value, now_ms);
  for (guint i = 0; i < hist->n_buckets; i++)
    if (value <= hist->buckets[i].row.high || i + 1 == hist->n_buckets)
      {
        hist_row_add (&hist->buckets[i], value, now_ms);
        break;
      }
}

void
iot_histogram_add_value (IotHistogram *hist, gint64 value, gint64 rel_ns)
{
  hist_count (hist, value, hist_tick (hist, rel_ns));
}

void
iot_histogram_add_frame (IotHistogram *hist, guint32 wirelen, gint64 rel_ns)
{
  double now_ms = hist_tick (hist, rel_ns);

  if (hist->kind == IOT_HISTOGRAM_FRAME_LENGTH)
    {
      hist_count (hist, wirelen, now_ms);
      return;
    }
  /* A gap needs two frames; the capture's order counts, not the time
   * stamps' (a negative gap lands in the first bucket). */
  if (hist->have_prev)
    hist_count (hist, rel_ns - hist->prev_ns, now_ms);
  hist->prev_ns = rel_ns;
  hist->have_prev = TRUE;
}

guint
iot_histogram_n_buckets (IotHistogram *hist)
{
  return hist->n_buckets;
}

const IotHistogramBucket *
iot_histogram_bucket (IotHistogram *hist, guint index)
{
  g_return_val_if_fail (index < hist->n_buckets, NULL);
  return &hist->buckets[index].row;
}

const IotHistogramBucket *
iot_histogram_total (IotHistogram *hist)
{
  return &hist->total.row;
}

double
iot_histogram_bucket_average (const IotHistogramBucket *bucket)
{
  return bucket->count ? (double) bucket->total / (double) bucket->count : 0.0;
}

/* stats_tree's plain text: a name column as wide as the longest name with
 * its indent, then eight columns of 12 characters, each with a space on
 * either side. */
void
iot_stats_tree_append_row (GString *out, guint indent, int name_width, const char *const *cells)
{
  g_string_append_printf (out, "%*s%-*s", (int) indent, "", name_width - (int) indent, cells[0]);
  for (guint c = 1; c <= TREE_N_COLUMNS; c++)
    g_string_append_printf (out, " %-*s ", TREE_COLUMN_WIDTH, cells[c]);
  g_string_append_c (out, '\n');
}

static char *
hist_format_value (IotHistogram *hist, gint64 value)
{
  if (hist->kind == IOT_HISTOGRAM_FRAME_LENGTH)
    return g_strdup_printf ("%" G_GINT64_FORMAT, value);
  return g_strdup_printf ("%.3f", (double) value / 1e6);
}

static char *
hist_format_average (IotHistogram *hist, const IotHistogramBucket *row)
{
  /* tshark averages integer values in single precision. */
  if (hist->kind == IOT_HISTOGRAM_FRAME_LENGTH)
    {
      float average = (float) row->total / (float) row->count;

      return g_strdup_printf ("%.2f", (double) average);
    }
  return g_strdup_printf ("%.3f", iot_histogram_bucket_average (row) / 1e6);
}

/* @parent_count: the count of the row above, or -1 for the top row. */
static void
hist_append_row (IotHistogram *hist, const HistRow *row, guint indent, int name_width, gint64 parent_count,
                 GString *out)
{
  const IotHistogramBucket *b = &row->row;
  g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, b->count);
  g_autofree char *average = NULL, *min = NULL, *max = NULL;
  g_autofree char *rate = NULL, *percent = NULL, *burst = NULL, *burst_start = NULL;
  const char *none = parent_count < 0 ? "" : "-";     /* the top row leaves empty cells empty */
  const char *cells[TREE_N_COLUMNS + 1];

  if (b->count > 0)
    {
      average = hist_format_average (hist, b);
      min = hist_format_value (hist, b->min);
      max = hist_format_value (hist, b->max);
    }
  if (hist->elapsed_ms != 0.0)
    rate = g_strdup_printf ("%.4f", (double) (float) b->count / hist->elapsed_ms);
  if (parent_count < 0)
    percent = g_strdup ("100%");
  else if (parent_count > 0)
    percent = g_strdup_printf ("%.2f%%", (double) b->count * 100.0 / (double) parent_count);
  if (row->burst.max > 0)
    {
      burst = g_strdup_printf ("%.4f", (double) row->burst.max / BURST_WINDOW_MS);
      burst_start = g_strdup_printf ("%.3f", row->burst.max_start_ms / 1000.0);
    }
  cells[0] = b->label;
  cells[1] = count;
  cells[2] = average ? average : none;
  cells[3] = min ? min : none;
  cells[4] = max ? max : none;
  cells[5] = rate ? rate : "";
  cells[6] = percent ? percent : "";
  cells[7] = burst ? burst : "-";
  cells[8] = burst_start ? burst_start : "-";
  iot_stats_tree_append_row (out, indent, name_width, cells);
}

void
iot_histogram_print (IotHistogram *hist, GString *out)
{
  static const char *const headings[TREE_N_COLUMNS + 1] = {
    "Topic / Item", "Count", "Average", "Min Val", "Max Val", "Rate (ms)", "Percent", "Burst Rate", "Burst Start",
  };
  g_autofree char *top_label = hist->kind == IOT_HISTOGRAM_FRAME_LENGTH
                                 ? g_strdup (hist->total.row.label)
                                 : g_strdup_printf ("%s (ms)", hist->total.row.label);
  HistRow top = hist->total;
  int name_width = (int) strlen (top_label) + 1;
  int rule_width;

  /* Names count with the indent of their depth below the tree's root. */
  for (guint i = 0; i < hist->n_buckets; i++)
    name_width = MAX (name_width, (int) strlen (hist->buckets[i].row.label) + 2);
  rule_width = name_width + TREE_N_COLUMNS * (TREE_COLUMN_WIDTH + 2);

  g_string_append_c (out, '\n');
  for (int i = 0; i < rule_width; i++)
    g_string_append_c (out, '=');
  g_string_append_printf (out, "\n%s:\n", hist->total.row.label);
  iot_stats_tree_append_row (out, 0, name_width, headings);
  for (int i = 0; i < rule_width; i++)
    g_string_append_c (out, '-');
  g_string_append_c (out, '\n');
  top.row.label = top_label;
  hist_append_row (hist, &top, 0, name_width, -1, out);
  for (guint i = 0; i < hist->n_buckets; i++)
    hist_append_row (hist, &hist->buckets[i], 1, name_width, (gint64) hist->total.row.count, out);
  g_string_append_c (out, '\n');
  for (int i = 0; i < rule_width; i++)
    g_string_append_c (out, '-');
  g_string_append_c (out, '\n');
}

/* Compiles a filter of a -z argument; NULL text or "" means none. */
static gboolean
compile_report_filter (const char *text, IotFilter **filter, GError **error)
{
  g_autoptr (IotFilterProblem) problem = NULL;

  *filter = NULL;
  if (text == NULL || *text == '\0')
    return TRUE;
  *filter = iot_filter_compile (text, &problem);
  if (*filter == NULL)
    {
      g_autofree char *message = iot_filter_problem_format (problem, text);

      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s", message);
      return FALSE;
    }
  return TRUE;
}

static const struct {
  const char *name;
  IotIoCalc   calc;
} io_calcs[] = {
  { "FRAMES", IOT_IO_FRAMES }, { "BYTES", IOT_IO_BYTES }, { "COUNT", IOT_IO_COUNT },
  { "SUM", IOT_IO_SUM }, { "MIN", IOT_IO_MIN }, { "MAX", IOT_IO_MAX }, { "AVG", IOT_IO_AVG },
};

gboolean
iot_io_calc_allows (IotIoCalc calc, const IotField *field)
{
  if (calc == IOT_IO_COUNT)
    return TRUE;
  return (iot_field_type_is_integer (field->type) && field->type != IOT_FT_FRAMENUM
          && field->type != IOT_FT_BOOLEAN)
         || field->type == IOT_FT_DOUBLE || field->type == IOT_FT_RELATIVE_TIME;
}

/* One column: "filter", or "CALC(field)filter". */
static gboolean
io_parse_column (IotIoStat *io, const char *spec, GError **error)
{
  IotIoCalc calc = IOT_IO_FRAMES_BYTES;
  const IotField *field = NULL;
  const char *filter_text = spec;
  IotFilter *filter = NULL;

  for (guint i = 0; spec != NULL && i < G_N_ELEMENTS (io_calcs); i++)
    {
      gsize len = strlen (io_calcs[i].name);
      const char *close;
      g_autofree char *name = NULL;

      if (strncmp (spec, io_calcs[i].name, len) != 0 || spec[len] != '(')
        continue;
      close = strchr (spec + len + 1, ')');
      if (close == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "closing parenthesis missing from calculated expression \"%s\"", spec);
          return FALSE;
        }
      calc = io_calcs[i].calc;
      name = g_strndup (spec + len + 1, close - (spec + len + 1));
      filter_text = close + 1;
      if (calc == IOT_IO_FRAMES || calc == IOT_IO_BYTES)
        {
          if (*name != '\0')
            {
              g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "%s does not require or allow a field name within the parens", io_calcs[i].name);
              return FALSE;
            }
          break;
        }
      field = iot_registry_field (name);
      if (field == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       *name ? "there is no field named '%s'" : "you didn't specify a field name for %s(*)",
                       *name ? name : io_calcs[i].name);
          return FALSE;
        }
      if (!iot_io_calc_allows (calc, field))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "%s doesn't have integral values, so %s(*) calculations are not supported on it",
                       name, io_calcs[i].name);
          return FALSE;
        }
      break;
    }
  if (!compile_report_filter (filter_text, &filter, error))
    return FALSE;
  iot_io_stat_add_column (io, calc, field, filter, spec);
  return TRUE;
}

/* Decimals the user wrote for the interval ("1.00" → 2). */
static guint
interval_precision (guint64 interval_us, const char *text)
{
  guint prec = 6;
  const char *dot;
  gsize len;

  for (guint64 i = 10; i < 10000000; i *= 10)
    {
      if (interval_us % i > 0)
        break;
      prec--;
    }
  if (prec > 0)
    return prec;
  len = strcspn (text, ",");
  dot = memchr (text, '.', len);
  if (dot != NULL && len - (gsize) (dot - text) - 1 > 0)
    return MIN (len - (gsize) (dot - text) - 1, 6);
  return 0;
}

IotIoStat *
iot_io_stat_parse (const char *spec, GError **error)
{
  g_autoptr (IotIoStat) io = NULL;
  const char *args, *rest;
  char *end = NULL;
  double seconds;
  guint64 interval;
  g_auto (GStrv) columns = NULL;

  if (!g_str_has_prefix (spec, "io,stat,") || spec[strlen (spec) - 1] == ',')
    goto invalid;
  args = spec + strlen ("io,stat,");
  seconds = g_ascii_strtod (args, &end);
  if (end == args || (*end != '\0' && *end != ',') || seconds < 0)
    goto invalid;
  interval = seconds == 0 ? 0 : (guint64) (seconds * 1000000.0 + 0.5);
  if (seconds != 0 && interval < 1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "\"-z\" interval must be >=0.000001 seconds or \"0\" for the entire capture duration");
      return NULL;
    }
  io = iot_io_stat_new (interval, interval ? interval_precision (interval, args) : 0);
  rest = *end == ',' ? end + 1 : NULL;
  if (rest == NULL)
    {
      iot_io_stat_add_column (io, IOT_IO_FRAMES_BYTES, NULL, NULL, NULL);
      return g_steal_pointer (&io);
    }
  columns = g_strsplit (rest, ",", -1);
  for (guint i = 0; columns[i] != NULL; i++)
    {
      char *text = g_strstrip (columns[i]);

      if (*text == '\0')
        iot_io_stat_add_column (io, IOT_IO_FRAMES_BYTES, NULL, NULL, NULL);
      else if (!io_parse_column (io, text, error))
        return NULL;
    }
  return g_steal_pointer (&io);

invalid:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "invalid \"-z io,stat,<interval>[,<filter>][,<filter>]...\" argument");
  return NULL;
}

/* ---- several reports from one pass ------------------------------------------------------------ */

typedef enum {
  REPORT_PHS,
  REPORT_CONV,
  REPORT_ENDPOINTS,
  REPORT_EXPERT,
  REPORT_IO,
  REPORT_HISTOGRAM,
  REPORT_TREE,
} ReportKind;

typedef struct {
  ReportKind  kind;
  char       *filter_text;
  IotFilter  *filter;
  IotConvType conv_type;
  IotProtocolHierarchy *phs;
  IotConversationTable *conv;
  IotEndpointTable     *endpoints;
  IotExpertSummary     *expert;
  IotIoStat            *io;
  IotHistogram         *histogram;
  IotStatsTree         *tree;
} Report;

static void
report_free (gpointer data)
{
  Report *r = data;

  g_free (r->filter_text);
  iot_filter_free (r->filter);
  iot_protocol_hierarchy_free (r->phs);
  iot_conversation_table_free (r->conv);
  iot_endpoint_table_free (r->endpoints);
  iot_expert_summary_free (r->expert);
  iot_io_stat_free (r->io);
  iot_histogram_free (r->histogram);
  iot_stats_tree_free (r->tree);
  g_free (r);
}

struct _IotStats {
  GPtrArray *reports;
  gboolean   wants_conversations;
  gint64     first_ns;
};

IotStats *
iot_stats_new (void)
{
  IotStats *stats = g_new0 (IotStats, 1);

  stats->reports = g_ptr_array_new_with_free_func (report_free);
  return stats;
}

void
iot_stats_free (IotStats *stats)
{
  if (stats == NULL)
    return;
  g_ptr_array_unref (stats->reports);
  g_free (stats);
}

/* "plen,tree[,FILTER]" (tshark's) or "iat,tree[,FILTER]" (ours): returns
 * where the filter would start (possibly ""), NULL for another spec. */
static const char *
histogram_spec_kind (const char *spec, IotHistogramKind *kind)
{
  static const struct {
    const char      *prefix;
    IotHistogramKind kind;
  } trees[] = {
    { "plen,tree", IOT_HISTOGRAM_FRAME_LENGTH },
    { "iat,tree", IOT_HISTOGRAM_INTER_FRAME },
  };

  for (guint i = 0; i < G_N_ELEMENTS (trees); i++)
    {
      gsize len = strlen (trees[i].prefix);

      if (strncmp (spec, trees[i].prefix, len) != 0 || (spec[len] != '\0' && spec[len] != ','))
        continue;
      if (kind != NULL)
        *kind = trees[i].kind;
      return spec[len] == ',' ? spec + len + 1 : spec + len;
    }
  return NULL;
}

gboolean
iot_stats_handles (const char *spec)
{
  return strcmp (spec, "io,phs") == 0 || g_str_has_prefix (spec, "io,phs,")
         || g_str_has_prefix (spec, "io,stat,") || g_str_has_prefix (spec, "conv,")
         || g_str_has_prefix (spec, "endpoints,") || g_str_has_prefix (spec, "expert")
         || histogram_spec_kind (spec, NULL) != NULL || iot_stats_tree_parse_spec (spec, NULL) != NULL;
}

/* "TYPE" or "TYPE,FILTER" after "conv," / "endpoints,". */
static gboolean
parse_conv_args (Report *r, const char *args, GError **error)
{
  const char *comma = strchr (args, ',');
  g_autofree char *type = comma ? g_strndup (args, comma - args) : g_strdup (args);

  if (!iot_conv_type_parse (type, &r->conv_type))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "unknown conversation type \"%s\" (supported: eth, ip, ipv6, tcp, udp)", type);
      return FALSE;
    }
  if (comma != NULL)
    r->filter_text = g_strdup (comma + 1);
  return TRUE;
}

/* After "expert": an optional ",error|warn|note|chat|comment" (matched as
 * a prefix, as tshark does), then an optional ",FILTER". */
static IotSeverity
parse_expert_args (Report *r, const char *args)
{
  static const struct {
    const char *word;
    IotSeverity severity;
  } levels[] = {
    { ",error", IOT_SEV_ERROR }, { ",warn", IOT_SEV_WARN }, { ",note", IOT_SEV_NOTE },
    { ",chat", IOT_SEV_CHAT }, { ",comment", IOT_SEV_COMMENT },
  };
  IotSeverity min = IOT_SEV_COMMENT;

  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    if (g_ascii_strncasecmp (args, levels[i].word, strlen (levels[i].word)) == 0)
      {
        min = levels[i].severity;
        args += strlen (levels[i].word);
        break;
      }
  if (args[0] == ',')
    r->filter_text = g_strdup (args + 1);
  return min;
}

gboolean
iot_stats_add_request (IotStats *stats, const char *spec, GError **error)
{
  Report *r = g_new0 (Report, 1);
  IotHistogramKind histogram_kind;
  const char *histogram_filter = histogram_spec_kind (spec, &histogram_kind);
  IotStatsTreeKind tree_kind;
  const char *tree_filter = iot_stats_tree_parse_spec (spec, &tree_kind);

  if (tree_filter != NULL)
    {
      r->kind = REPORT_TREE;
      if (*tree_filter != '\0')
        r->filter_text = g_strdup (tree_filter);
      r->tree = iot_stats_tree_new (tree_kind);
    }
  else if (histogram_filter != NULL)
    {
      r->kind = REPORT_HISTOGRAM;
      if (*histogram_filter != '\0')
        r->filter_text = g_strdup (histogram_filter);
      r->histogram = iot_histogram_new (histogram_kind);
    }
  else if (strcmp (spec, "io,phs") == 0 || g_str_has_prefix (spec, "io,phs,"))
    {
      r->kind = REPORT_PHS;
      if (spec[6] == ',')
        r->filter_text = g_strdup (spec + 7);
      r->phs = iot_protocol_hierarchy_new ();
    }
  else if (g_str_has_prefix (spec, "io,stat,"))
    {
      r->kind = REPORT_IO;
      r->io = iot_io_stat_parse (spec, error);
      if (r->io == NULL)
        goto fail;
    }
  else if (g_str_has_prefix (spec, "conv,"))
    {
      r->kind = REPORT_CONV;
      if (!parse_conv_args (r, spec + strlen ("conv,"), error))
        goto fail;
      r->conv = iot_conversation_table_new (r->conv_type);
    }
  else if (g_str_has_prefix (spec, "endpoints,"))
    {
      r->kind = REPORT_ENDPOINTS;
      if (!parse_conv_args (r, spec + strlen ("endpoints,"), error))
        goto fail;
      r->endpoints = iot_endpoint_table_new (r->conv_type);
    }
  else if (g_str_has_prefix (spec, "expert"))
    {
      r->kind = REPORT_EXPERT;
      r->expert = iot_expert_summary_new (parse_expert_args (r, spec + strlen ("expert")));
    }
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "unknown statistics \"%s\"", spec);
      goto fail;
    }
  if (!compile_report_filter (r->filter_text, &r->filter, error))
    goto fail;
  if (r->kind == REPORT_CONV || r->kind == REPORT_ENDPOINTS)
    stats->wants_conversations = TRUE;
  g_ptr_array_add (stats->reports, r);
  return TRUE;

fail:
  report_free (r);
  return FALSE;
}

guint
iot_stats_n_requests (IotStats *stats)
{
  return stats->reports->len;
}

/* Whether any frame.* field is read: then tshark builds the frame's own
 * row and its hierarchy starts with "frame". */
static gboolean
wants_frame_fields (const IotFieldSet *wanted)
{
  for (guint id = 0; id < iot_registry_n_fields (); id++)
    {
      const IotField *field = iot_registry_field_by_id (id);

      if (field->proto_abbrev != NULL && strcmp (field->proto_abbrev, "frame") == 0
          && iot_field_set_contains (wanted, field))
        return TRUE;
    }
  return FALSE;
}

void
iot_stats_add_wanted (IotStats *stats, IotFieldSet *wanted, IotDissectFlags *flags)
{
  gboolean full_tree = (*flags & IOT_DISSECT_TREE) != 0;
  gboolean with_frame;

  for (guint i = 0; i < stats->reports->len; i++)
    {
      Report *r = g_ptr_array_index (stats->reports, i);

      if (r->filter)
        iot_filter_add_fields (r->filter, wanted);
      /* The hierarchy walks every top-level row and the expert summary
       * needs each item's place in the tree. */
      if (r->kind == REPORT_PHS || r->kind == REPORT_EXPERT)
        *flags |= IOT_DISSECT_TREE;
      /* The trees read fields inside their layer, and only the frame's own
       * layers (not the packet an ICMP error quotes). */
      if (r->kind == REPORT_TREE)
        *flags |= IOT_DISSECT_TREE;
      if (r->kind == REPORT_IO)
        iot_io_stat_add_fields (r->io, wanted);
      if (r->tree)
        iot_stats_tree_add_wanted (r->tree, wanted);
    }
  /* Like tshark, whose frame row exists only when printed or filtered on. */
  with_frame = full_tree || wants_frame_fields (wanted);
  for (guint i = 0; i < stats->reports->len; i++)
    {
      Report *r = g_ptr_array_index (stats->reports, i);

      if (r->phs)
        iot_protocol_hierarchy_set_include_frame (r->phs, with_frame);
    }
  /* The tables read the records the layers publish, no field. */
  if (stats->wants_conversations)
    *flags |= IOT_DISSECT_TAP (IOT_TAP_CONV);
}

void
iot_stats_begin (IotStats *stats, IotFile *file, guint32 n_frames)
{
  gint64 last = 0;

  if (n_frames == 0 || iot_file_n_frames (file) == 0)
    return;
  n_frames = MIN (n_frames, iot_file_n_frames (file));
  stats->first_ns = iot_file_frame (file, 1)->ts_ns;
  /* The capture lasts until its latest time stamp, even out of order. */
  for (guint32 n = 1; n <= n_frames; n++)
    last = MAX (last, iot_file_frame (file, n)->ts_ns - stats->first_ns);
  for (guint i = 0; i < stats->reports->len; i++)
    {
      Report *r = g_ptr_array_index (stats->reports, i);

      if (r->io)
        iot_io_stat_set_duration (r->io, last);
    }
}

/* The conversation type of a layer's record. */
static IotConvType
conv_type_of_layer (guint8 layer)
{
  static const IotConvType types[IOT_TAP_N_LAYERS] = {
    [IOT_TAP_LAYER_ETH] = IOT_CONV_ETH,
    [IOT_TAP_LAYER_IPV4] = IOT_CONV_IPV4,
    [IOT_TAP_LAYER_IPV6] = IOT_CONV_IPV6,
    [IOT_TAP_LAYER_TCP] = IOT_CONV_TCP,
    [IOT_TAP_LAYER_UDP] = IOT_CONV_UDP,
  };

  return layer < IOT_TAP_N_LAYERS ? types[layer] : IOT_CONV_N_TYPES;
}

/* The frame's conversation records (every Ethernet, IP and transport
 * layer of its own traffic) into a conversation or endpoint table. */
static void
feed_taps (Report *r, IotPacket *pkt, guint64 bytes, gint64 rel_ns)
{
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_CONV, &n);

  for (guint i = 0; i < n; i++)
    {
      const IotTapConv *t = records[i];
      guint32 stream = t->stream == IOT_TAP_NO_STREAM ? IOT_CONV_NO_STREAM : t->stream;

      if (conv_type_of_layer (t->layer) != r->conv_type || t->cut)
        continue;
      if (r->conv)
        iot_conversation_table_add (r->conv, &t->src, &t->dst, t->sport, t->dport, stream, bytes, rel_ns);
      else
        iot_endpoint_table_add (r->endpoints, &t->src, &t->dst, t->sport, t->dport, bytes);
    }
}

void
iot_stats_add_packet (IotStats *stats, IotPacket *pkt)
{
  gint64 rel_ns = iot_packet_time_ns (pkt) - stats->first_ns;
  guint64 bytes = iot_packet_wirelen (pkt);

  for (guint i = 0; i < stats->reports->len; i++)
    {
      Report *r = g_ptr_array_index (stats->reports, i);

      if (r->filter != NULL && !iot_filter_matches (r->filter, pkt))
        continue;
      switch (r->kind)
        {
        case REPORT_PHS:
          iot_protocol_hierarchy_add_packet (r->phs, pkt);
          break;
        case REPORT_CONV:
        case REPORT_ENDPOINTS:
          feed_taps (r, pkt, bytes, rel_ns);
          break;
        case REPORT_EXPERT:
          iot_expert_summary_add_packet (r->expert, pkt);
          break;
        case REPORT_IO:
          iot_io_stat_add_packet (r->io, pkt, rel_ns);
          break;
        case REPORT_HISTOGRAM:
          iot_histogram_add_frame (r->histogram, (guint32) bytes, rel_ns);
          break;
        case REPORT_TREE:
          iot_stats_tree_add_packet (r->tree, pkt, rel_ns);
          break;
        }
    }
}

static void
listener_add_wanted (gpointer self, IotFieldSet *wanted, IotDissectFlags *flags)
{
  iot_stats_add_wanted (self, wanted, flags);
}

static void
listener_frame (gpointer self, IotPacket *pkt)
{
  iot_stats_add_packet (self, pkt);
}

const IotScanListener iot_stats_listener = {
  .add_wanted = listener_add_wanted,
  .frame = listener_frame,
};

void
iot_stats_print (IotStats *stats, GString *out)
{
  /* tshark draws its reports newest first. */
  for (guint i = stats->reports->len; i-- > 0;)
    {
      Report *r = g_ptr_array_index (stats->reports, i);

      switch (r->kind)
        {
        case REPORT_PHS:
          iot_protocol_hierarchy_print (r->phs, r->filter_text, out);
          break;
        case REPORT_CONV:
          iot_conversation_table_print (r->conv, r->filter_text, out);
          break;
        case REPORT_ENDPOINTS:
          iot_endpoint_table_print (r->endpoints, r->filter_text, out);
          break;
        case REPORT_EXPERT:
          iot_expert_summary_print (r->expert, out);
          break;
        case REPORT_IO:
          iot_io_stat_print (r->io, out);
          break;
        case REPORT_HISTOGRAM:
          iot_histogram_print (r->histogram, out);
          break;
        case REPORT_TREE:
          iot_stats_tree_print (r->tree, out);
          break;
        }
    }
}

static Report *
report_at (IotStats *stats, guint index)
{
  g_return_val_if_fail (index < stats->reports->len, NULL);
  return g_ptr_array_index (stats->reports, index);
}

IotProtocolHierarchy *
iot_stats_get_hierarchy (IotStats *stats, guint index)
{
  Report *r = report_at (stats, index);

  return r ? r->phs : NULL;
}

IotConversationTable *
iot_stats_get_conversations (IotStats *stats, guint index)
{
  Report *r = report_at (stats, index);

  return r ? r->conv : NULL;
}

IotEndpointTable *
iot_stats_get_endpoints (IotStats *stats, guint index)
{
  Report *r = report_at (stats, index);

  return r ? r->endpoints : NULL;
}

IotExpertSummary *
iot_stats_get_expert (IotStats *stats, guint index)
{
  Report *r = report_at (stats, index);

  return r ? r->expert : NULL;
}

IotHistogram *
iot_stats_get_histogram (IotStats *stats, guint index)
{
  Report *r = report_at (stats, index);

  return r ? r->histogram : NULL;
}
