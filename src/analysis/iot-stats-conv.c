/* iot-stats-conv.c — conversation and endpoint tables (-z conv, -z endpoints),
 * counted from the conversation records the layers publish and printed
 * as tshark 4.0 prints them.
 */
#include "iot-stats.h"
#include "iot-stats-private.h"
#include "iot-endpoint-key.h"

#include <string.h>

#define NS_PER_SEC G_GINT64_CONSTANT (1000000000)


static const char report_rule[] =
  "================================================================================\n";

/* Seconds as a double the way Wireshark turns a time into one: whole
 * seconds plus the fraction, each converted on its own. */
static double
ns_to_seconds (gint64 ns)
{
  gint64 secs = ns / NS_PER_SEC;
  gint64 frac = ns % NS_PER_SEC;

  return (double) secs + (double) frac / 1e9;
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

/* The two ends as the first frame saw them, and the stream (a new TCP
 * connection between the same ends is a new conversation). */
typedef struct {
  IotEndpointKey a, b;
  guint32        stream;
} ConvKey;

static guint
conv_key_hash (gconstpointer key)
{
  const ConvKey *k = key;

  return (iot_endpoint_key_hash (&k->a) * 31u + iot_endpoint_key_hash (&k->b)) * 31u + k->stream;
}

static gboolean
conv_key_equal (gconstpointer a, gconstpointer b)
{
  const ConvKey *x = a, *y = b;

  return x->stream == y->stream && iot_endpoint_key_equal (&x->a, &y->a) && iot_endpoint_key_equal (&x->b, &y->b);
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

static void
fill_conv_key (ConvKey *key, const IotAddress *a, const IotAddress *b, guint16 port_a, guint16 port_b,
               guint32 stream)
{
  iot_endpoint_key_init (&key->a, a, port_a);
  iot_endpoint_key_init (&key->b, b, port_b);
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

      fresh.addr_a = key.a.addr;
      fresh.addr_b = key.b.addr;
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

struct _IotEndpointTable {
  IotConvType type;
  GArray     *rows;      /* IotEndpoint */
  GHashTable *index;     /* IotEndpointKey → row + 1 */
};

IotEndpointTable *
iot_endpoint_table_new (IotConvType type)
{
  IotEndpointTable *table = g_new0 (IotEndpointTable, 1);

  table->type = type;
  table->rows = g_array_new (FALSE, TRUE, sizeof (IotEndpoint));
  table->index = g_hash_table_new_full (iot_endpoint_key_hash, iot_endpoint_key_equal, g_free, NULL);
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

static IotEndpoint *
endpoint_row (IotEndpointTable *table, const IotAddress *addr, guint16 port)
{
  IotEndpointKey key;
  guint row;

  iot_endpoint_key_init (&key, addr, port);
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
