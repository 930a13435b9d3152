/* iot-stats-rows.c — the rows and columns of the Statistics pages (see
 * iot-stats-rows.h). */
#include "iot-stats-rows.h"

#include <glib/gi18n.h>

#include <math.h>
#include <string.h>

#include "iot-format.h"
#include "iot-stats-page.h"

/* ---- the counted tables --------------------------------------------------------- */

static void
tables_clear (gpointer data)
{
  IotStatsTables *t = data;

  iot_stats_free (t->stats);
  g_clear_pointer (&t->compiled, iot_filter_free);
  g_free (t->filter);
}

IotStatsTables *
iot_stats_tables_new (void)
{
  return g_atomic_rc_box_new0 (IotStatsTables);
}

IotStatsTables *
iot_stats_tables_ref (IotStatsTables *t)
{
  return g_atomic_rc_box_acquire (t);
}

void
iot_stats_tables_unref (IotStatsTables *t)
{
  g_atomic_rc_box_release_full (t, tables_clear);
}

double
iot_stats_tables_duration (const IotStatsTables *t)
{
  return t->n_counted > 1 ? (double) (t->last_ns - t->first_ns) / 1e9 : 0.0;
}

/* ---- rows ------------------------------------------------------------------------ */

typedef enum {
  ROW_PHS,
  ROW_CONV,
  ROW_ENDPOINT,
  ROW_EXPERT,
  ROW_BUCKET,
} RowKind;

struct _IotStatsRow {
  GObject         parent_instance;
  RowKind         kind;
  IotStatsTables *tables;
  gconstpointer   data;     /* IotPhsNode, IotConversation, IotEndpoint, IotExpertEntry, IotHistogramBucket */
  IotConvType     layer;    /* conversations and endpoints */
  IotHistogram   *hist;     /* buckets */
};

G_DEFINE_FINAL_TYPE (IotStatsRow, iot_stats_row, G_TYPE_OBJECT)

static void
iot_stats_row_finalize (GObject *object)
{
  IotStatsRow *row = IOT_STATS_ROW (object);

  g_clear_pointer (&row->tables, iot_stats_tables_unref);
  G_OBJECT_CLASS (iot_stats_row_parent_class)->finalize (object);
}

static void
iot_stats_row_class_init (IotStatsRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = iot_stats_row_finalize;
}

static void
iot_stats_row_init (IotStatsRow *row)
{
}

static IotStatsRow *
stats_row_new (RowKind kind, IotStatsTables *tables, gconstpointer data)
{
  IotStatsRow *row = g_object_new (IOT_TYPE_STATS_ROW, NULL);

  row->kind = kind;
  row->tables = iot_stats_tables_ref (tables);
  row->data = data;
  return row;
}

IotStatsRow *
iot_stats_row_new_phs (IotStatsTables *tables, const IotPhsNode *node)
{
  return stats_row_new (ROW_PHS, tables, node);
}

IotStatsRow *
iot_stats_row_new_conversation (IotStatsTables *tables, const IotConversation *conv, IotConvType layer)
{
  IotStatsRow *row = stats_row_new (ROW_CONV, tables, conv);

  row->layer = layer;
  return row;
}

IotStatsRow *
iot_stats_row_new_endpoint (IotStatsTables *tables, const IotEndpoint *endpoint, IotConvType layer)
{
  IotStatsRow *row = stats_row_new (ROW_ENDPOINT, tables, endpoint);

  row->layer = layer;
  return row;
}

IotStatsRow *
iot_stats_row_new_expert (IotStatsTables *tables, const IotExpertEntry *entry)
{
  return stats_row_new (ROW_EXPERT, tables, entry);
}

IotStatsRow *
iot_stats_row_new_bucket (IotStatsTables *tables, IotHistogram *hist, const IotHistogramBucket *bucket)
{
  IotStatsRow *row = stats_row_new (ROW_BUCKET, tables, bucket);

  row->hist = hist;
  return row;
}

GListModel *
iot_stats_row_phs_children (IotStatsRow *row)
{
  const IotPhsNode *node = row->data;
  GListStore *store;

  if (row->kind != ROW_PHS || node->first_child == NULL)
    return NULL;
  store = g_list_store_new (IOT_TYPE_STATS_ROW);
  for (const IotPhsNode *c = node->first_child; c != NULL; c = c->next_sibling)
    {
      g_autoptr (IotStatsRow) child = iot_stats_row_new_phs (row->tables, c);

      g_list_store_append (store, child);
    }
  return G_LIST_MODEL (store);
}

IotStatsRow *
iot_stats_row_from_item (gpointer item)
{
  if (GTK_IS_TREE_LIST_ROW (item))
    return gtk_tree_list_row_get_item (item);
  return g_object_ref (item);
}

guint32
iot_stats_row_get_first_frame (IotStatsRow *row)
{
  return row->kind == ROW_EXPERT ? ((const IotExpertEntry *) row->data)->first_frame : 0;
}

/* ---- cell texts -------------------------------------------------------------------- */

static char *
format_count (guint64 n)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, n);
}

static char *
format_bits_per_second (guint64 bytes, double seconds)
{
  double bps;

  if (seconds <= 0.0)
    return g_strdup ("—");
  bps = (double) bytes * 8.0 / seconds;
  return g_strdup_printf ("%.0f", bps);
}

static const char *
phs_display_name (const char *abbrev)
{
  const IotDissector *dissector = iot_registry_dissector (abbrev);
  const IotField *field;

  if (strcmp (abbrev, "frame") == 0)
    return "Frame";
  if (dissector != NULL && dissector->long_name != NULL)
    return dissector->long_name;
  field = iot_registry_field (abbrev);
  if (field != NULL && field->name != NULL)
    return field->name;
  return abbrev;
}

static guint64
phs_end_frames (const IotPhsNode *node, guint64 *end_bytes)
{
  guint64 frames = node->frames, bytes = node->bytes;

  for (const IotPhsNode *c = node->first_child; c != NULL; c = c->next_sibling)
    {
      frames -= c->frames;
      bytes -= c->bytes;
    }
  if (end_bytes != NULL)
    *end_bytes = bytes;
  return frames;
}

static char *
phs_text (IotStatsRow *row, IotStatsColumn id)
{
  const IotPhsNode *node = row->data;
  IotProtocolHierarchy *phs = iot_stats_get_hierarchy (row->tables->stats, IOT_STATS_REQ_PHS);
  guint64 end_bytes;

  switch (id)
    {
    case IOT_STATS_COL_PHS_PROTOCOL:
      return g_strdup (phs_display_name (node->abbrev));
    case IOT_STATS_COL_PHS_PCT_FRAMES:
      return g_strdup_printf ("%.1f %%", iot_phs_node_frames_percent (phs, node));
    case IOT_STATS_COL_PHS_FRAMES:
      return format_count (node->frames);
    case IOT_STATS_COL_PHS_PCT_BYTES:
      return g_strdup_printf ("%.1f %%", iot_phs_node_bytes_percent (phs, node));
    case IOT_STATS_COL_PHS_BYTES:
      return format_count (node->bytes);
    case IOT_STATS_COL_PHS_BPS:
      return format_bits_per_second (node->bytes, iot_stats_tables_duration (row->tables));
    case IOT_STATS_COL_PHS_END_FRAMES:
      return format_count (phs_end_frames (node, NULL));
    case IOT_STATS_COL_PHS_END_BYTES:
      phs_end_frames (node, &end_bytes);
      return format_count (end_bytes);
    default:
      return g_strdup ("");
    }
}

static double
conv_seconds (const IotConversation *conv)
{
  return (double) (conv->stop_ns - conv->start_ns) / 1e9;
}

static char *
conv_text (IotStatsRow *row, IotStatsColumn id)
{
  const IotConversation *c = row->data;

  switch (id)
    {
    case IOT_STATS_COL_CONV_ADDR_A:
      return iot_stats_address_name (&c->addr_a);
    case IOT_STATS_COL_CONV_ADDR_B:
      return iot_stats_address_name (&c->addr_b);
    case IOT_STATS_COL_CONV_PORT_A:
      return g_strdup_printf ("%u", c->port_a);
    case IOT_STATS_COL_CONV_PORT_B:
      return g_strdup_printf ("%u", c->port_b);
    case IOT_STATS_COL_CONV_FRAMES:
      return format_count (c->frames_ab + c->frames_ba);
    case IOT_STATS_COL_CONV_BYTES:
      return format_count (c->bytes_ab + c->bytes_ba);
    case IOT_STATS_COL_CONV_FRAMES_AB:
      return format_count (c->frames_ab);
    case IOT_STATS_COL_CONV_BYTES_AB:
      return format_count (c->bytes_ab);
    case IOT_STATS_COL_CONV_FRAMES_BA:
      return format_count (c->frames_ba);
    case IOT_STATS_COL_CONV_BYTES_BA:
      return format_count (c->bytes_ba);
    case IOT_STATS_COL_CONV_START:
      return g_strdup_printf ("%.6f", (double) c->start_ns / 1e9);
    case IOT_STATS_COL_CONV_DURATION:
      return g_strdup_printf ("%.4f", conv_seconds (c));
    case IOT_STATS_COL_CONV_BPS_AB:
      return format_bits_per_second (c->bytes_ab, conv_seconds (c));
    case IOT_STATS_COL_CONV_BPS_BA:
      return format_bits_per_second (c->bytes_ba, conv_seconds (c));
    default:
      return g_strdup ("");
    }
}

static char *
endpoint_text (IotStatsRow *row, IotStatsColumn id)
{
  const IotEndpoint *e = row->data;

  switch (id)
    {
    case IOT_STATS_COL_EP_ADDR:
      return iot_stats_address_name (&e->addr);
    case IOT_STATS_COL_EP_PORT:
      return g_strdup_printf ("%u", e->port);
    case IOT_STATS_COL_EP_FRAMES:
      return format_count (e->tx_frames + e->rx_frames);
    case IOT_STATS_COL_EP_BYTES:
      return format_count (e->tx_bytes + e->rx_bytes);
    case IOT_STATS_COL_EP_TX_FRAMES:
      return format_count (e->tx_frames);
    case IOT_STATS_COL_EP_TX_BYTES:
      return format_count (e->tx_bytes);
    case IOT_STATS_COL_EP_RX_FRAMES:
      return format_count (e->rx_frames);
    case IOT_STATS_COL_EP_RX_BYTES:
      return format_count (e->rx_bytes);
    default:
      return g_strdup ("");
    }
}

static char *
expert_text (IotStatsRow *row, IotStatsColumn id)
{
  const IotExpertEntry *e = row->data;

  switch (id)
    {
    case IOT_STATS_COL_EX_SEVERITY:
      return g_strdup (iot_format_severity (e->severity));
    case IOT_STATS_COL_EX_GROUP:
      return g_strdup (iot_format_expert_group (e->group));
    case IOT_STATS_COL_EX_PROTOCOL:
      return g_strdup (e->protocol);
    case IOT_STATS_COL_EX_SUMMARY:
      return g_strdup (e->summary);
    case IOT_STATS_COL_EX_COUNT:
      return g_strdup_printf ("%u", e->count);
    case IOT_STATS_COL_EX_FRAME:
      return g_strdup_printf ("%u", e->first_frame);
    default:
      return g_strdup ("");
    }
}

/* Lengths in bytes; times in the unit that reads best for the value. */
char *
iot_stats_bucket_value_text (IotHistogram *hist, double value)
{
  if (iot_histogram_kind (hist) == IOT_HISTOGRAM_FRAME_LENGTH)
    return g_strdup_printf ("%.0f", value);
  if (fabs (value) < 1e6)
    return g_strdup_printf ("%.1f µs", value / 1e3);
  if (fabs (value) < 1e9)
    return g_strdup_printf ("%.2f ms", value / 1e6);
  return g_strdup_printf ("%.3f s", value / 1e9);
}

/* "10-100 us" as a reader expects it: "10–100 µs", "≥ 5120". */
char *
iot_stats_bucket_label (const char *label)
{
  g_autoptr (GString) text = g_string_new (label);

  g_string_replace (text, " us", " µs", 0);
  if (g_ascii_isdigit (text->str[0]))
    g_string_replace (text, "-", "–", 0);
  if (g_str_has_suffix (text->str, " and greater"))
    {
      g_string_truncate (text, text->len - strlen (" and greater"));
      g_string_prepend (text, "≥ ");
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
bucket_text (IotStatsRow *row, IotStatsColumn id)
{
  const IotHistogramBucket *b = row->data;
  const IotHistogramBucket *total = iot_histogram_total (row->hist);

  switch (id)
    {
    case IOT_STATS_COL_B_RANGE:
      return iot_stats_bucket_label (b->label);
    case IOT_STATS_COL_B_COUNT:
      return format_count (b->count);
    case IOT_STATS_COL_B_PERCENT:
      return total->count ? g_strdup_printf ("%.1f %%", 100.0 * (double) b->count / (double) total->count)
                          : g_strdup ("—");
    case IOT_STATS_COL_B_AVERAGE:
      return b->count ? iot_stats_bucket_value_text (row->hist, iot_histogram_bucket_average (b)) : g_strdup ("—");
    case IOT_STATS_COL_B_MIN:
      return b->count ? iot_stats_bucket_value_text (row->hist, (double) b->min) : g_strdup ("—");
    case IOT_STATS_COL_B_MAX:
      return b->count ? iot_stats_bucket_value_text (row->hist, (double) b->max) : g_strdup ("—");
    default:
      return g_strdup ("");
    }
}

char *
iot_stats_row_dup_text (IotStatsRow *row, IotStatsColumn id)
{
  switch (row->kind)
    {
    case ROW_PHS:
      return phs_text (row, id);
    case ROW_CONV:
      return conv_text (row, id);
    case ROW_ENDPOINT:
      return endpoint_text (row, id);
    case ROW_EXPERT:
      return expert_text (row, id);
    case ROW_BUCKET:
    default:
      return bucket_text (row, id);
    }
}

static int
compare_addresses (const IotAddress *a, const IotAddress *b)
{
  guint len = a->family == 4 ? 4 : a->family == 6 ? 16 : 6;

  if (a->family != b->family)
    return a->family < b->family ? -1 : 1;
  return memcmp (a->bytes, b->bytes, len);
}

/* The numeric value of a sortable cell. */
static double
row_value (IotStatsRow *row, IotStatsColumn id)
{
  const IotConversation *c = row->data;
  const IotEndpoint *e = row->data;

  switch (id)
    {
    case IOT_STATS_COL_CONV_PORT_A: return c->port_a;
    case IOT_STATS_COL_CONV_PORT_B: return c->port_b;
    case IOT_STATS_COL_CONV_FRAMES: return (double) (c->frames_ab + c->frames_ba);
    case IOT_STATS_COL_CONV_BYTES: return (double) (c->bytes_ab + c->bytes_ba);
    case IOT_STATS_COL_CONV_FRAMES_AB: return (double) c->frames_ab;
    case IOT_STATS_COL_CONV_BYTES_AB: return (double) c->bytes_ab;
    case IOT_STATS_COL_CONV_FRAMES_BA: return (double) c->frames_ba;
    case IOT_STATS_COL_CONV_BYTES_BA: return (double) c->bytes_ba;
    case IOT_STATS_COL_CONV_START: return (double) c->start_ns;
    case IOT_STATS_COL_CONV_DURATION: return (double) (c->stop_ns - c->start_ns);
    case IOT_STATS_COL_CONV_BPS_AB: return conv_seconds (c) > 0 ? (double) c->bytes_ab / conv_seconds (c) : -1;
    case IOT_STATS_COL_CONV_BPS_BA: return conv_seconds (c) > 0 ? (double) c->bytes_ba / conv_seconds (c) : -1;
    case IOT_STATS_COL_EP_PORT: return e->port;
    case IOT_STATS_COL_EP_FRAMES: return (double) (e->tx_frames + e->rx_frames);
    case IOT_STATS_COL_EP_BYTES: return (double) (e->tx_bytes + e->rx_bytes);
    case IOT_STATS_COL_EP_TX_FRAMES: return (double) e->tx_frames;
    case IOT_STATS_COL_EP_TX_BYTES: return (double) e->tx_bytes;
    case IOT_STATS_COL_EP_RX_FRAMES: return (double) e->rx_frames;
    case IOT_STATS_COL_EP_RX_BYTES: return (double) e->rx_bytes;
    default: return 0;
    }
}

static int
compare_rows (gconstpointer pa, gconstpointer pb, gpointer data)
{
  IotStatsRow *a = IOT_STATS_ROW ((gpointer) pa), *b = IOT_STATS_ROW ((gpointer) pb);
  IotStatsColumn id = GPOINTER_TO_UINT (data);
  double va, vb;

  switch (id)
    {
    case IOT_STATS_COL_CONV_ADDR_A:
      return compare_addresses (&((const IotConversation *) a->data)->addr_a,
                                &((const IotConversation *) b->data)->addr_a);
    case IOT_STATS_COL_CONV_ADDR_B:
      return compare_addresses (&((const IotConversation *) a->data)->addr_b,
                                &((const IotConversation *) b->data)->addr_b);
    case IOT_STATS_COL_EP_ADDR:
      return compare_addresses (&((const IotEndpoint *) a->data)->addr, &((const IotEndpoint *) b->data)->addr);
    default:
      va = row_value (a, id);
      vb = row_value (b, id);
      return va < vb ? -1 : va > vb;
    }
}

static const char *
address_field (const IotAddress *addr)
{
  return addr->family == 4 ? "ip.addr" : addr->family == 6 ? "ipv6.addr" : "eth.addr";
}

static char *
conversation_filter (const IotConversation *c, IotConvType layer)
{
  g_autofree char *a = iot_stats_address_value (&c->addr_a);
  g_autofree char *b = iot_stats_address_value (&c->addr_b);
  const char *proto = layer == IOT_CONV_TCP ? "tcp" : "udp";

  /* A stream number names a TCP or UDP conversation exactly. */
  if (iot_conv_type_has_ports (layer) && c->stream != IOT_CONV_NO_STREAM)
    return g_strdup_printf ("%s.stream eq %u", proto, c->stream);
  if (iot_conv_type_has_ports (layer))
    return g_strdup_printf ("%s==%s && %s.port==%u && %s==%s && %s.port==%u", address_field (&c->addr_a), a, proto,
                            c->port_a, address_field (&c->addr_b), b, proto, c->port_b);
  return g_strdup_printf ("%s==%s && %s==%s", address_field (&c->addr_a), a, address_field (&c->addr_b), b);
}

static char *
endpoint_filter (const IotEndpoint *e, IotConvType layer)
{
  g_autofree char *a = iot_stats_address_value (&e->addr);

  if (iot_conv_type_has_ports (layer))
    return g_strdup_printf ("%s==%s && %s.port==%u", address_field (&e->addr), a,
                            layer == IOT_CONV_TCP ? "tcp" : "udp", e->port);
  return g_strdup_printf ("%s==%s", address_field (&e->addr), a);
}

char *
iot_stats_row_dup_filter (IotStatsRow *row)
{
  switch (row->kind)
    {
    case ROW_CONV:
      return conversation_filter (row->data, row->layer);
    case ROW_ENDPOINT:
      return endpoint_filter (row->data, row->layer);
    case ROW_PHS:
      return g_strdup (((const IotPhsNode *) row->data)->abbrev);
    default:
      return NULL;
    }
}


/* ---- columns ---------------------------------------------------------------------- */

typedef struct {
  IotStatsColumn id;
  const char    *title;
  const char    *tooltip;
  gboolean       numeric;     /* right-aligned, tabular digits */
  int            width;       /* fixed width; 0 = takes the rest */
  gboolean       sortable;
} ColumnSpec;

static const ColumnSpec phs_columns[] = {
  { IOT_STATS_COL_PHS_PROTOCOL, N_("Protocol"),
    N_("The protocol layer; the layers inside it are indented below it"), FALSE, 0, FALSE },
  /* xgettext:no-c-format */
  { IOT_STATS_COL_PHS_PCT_FRAMES, N_("% Frames"),
    N_("Share of all counted frames that contain this layer"), TRUE, 90, FALSE },
  { IOT_STATS_COL_PHS_FRAMES, N_("Frames"),
    N_("Frames that contain this layer at this place in the stack"), TRUE, 80, FALSE },
  /* xgettext:no-c-format */
  { IOT_STATS_COL_PHS_PCT_BYTES, N_("% Bytes"),
    N_("Share of all counted bytes (whole frames) in frames with this layer"), TRUE, 90,
    FALSE },
  { IOT_STATS_COL_PHS_BYTES, N_("Bytes"), N_("Bytes of the whole frames that contain this layer"), TRUE, 90, FALSE },
  { IOT_STATS_COL_PHS_BPS, N_("Bits/s"),
    N_("Those bytes in bits per second, over the time from the first to the last counted frame"),
    TRUE, 90, FALSE },
  { IOT_STATS_COL_PHS_END_FRAMES, N_("End Frames"),
    N_("Frames in which this is the last (innermost) layer decoded"), TRUE, 96, FALSE },
  { IOT_STATS_COL_PHS_END_BYTES, N_("End Bytes"),
    N_("Bytes of the frames in which this is the last layer decoded"), TRUE, 96, FALSE },
};

static const ColumnSpec conv_columns[] = {
  { IOT_STATS_COL_CONV_ADDR_A, N_("Address A"),
    N_("The side that sent the first frame of the conversation"), FALSE, 0, TRUE },
  { IOT_STATS_COL_CONV_PORT_A, N_("Port A"), N_("Side A's port number"), TRUE, 66, TRUE },
  { IOT_STATS_COL_CONV_ADDR_B, N_("Address B"), N_("The other side"), FALSE, 0, TRUE },
  { IOT_STATS_COL_CONV_PORT_B, N_("Port B"), N_("Side B's port number"), TRUE, 66, TRUE },
  { IOT_STATS_COL_CONV_FRAMES, N_("Frames"), N_("Frames in both directions"), TRUE, 70, TRUE },
  { IOT_STATS_COL_CONV_BYTES, N_("Bytes"), N_("Bytes (whole frames) in both directions"), TRUE, 76, TRUE },
  { IOT_STATS_COL_CONV_FRAMES_AB, N_("Frames A→B"), N_("Frames sent by A to B"), TRUE, 100, TRUE },
  { IOT_STATS_COL_CONV_BYTES_AB, N_("Bytes A→B"), N_("Bytes sent by A to B"), TRUE, 94, TRUE },
  { IOT_STATS_COL_CONV_FRAMES_BA, N_("Frames B→A"), N_("Frames sent by B to A (the replies)"), TRUE, 100, TRUE },
  { IOT_STATS_COL_CONV_BYTES_BA, N_("Bytes B→A"), N_("Bytes sent by B to A"), TRUE, 94, TRUE },
  { IOT_STATS_COL_CONV_START, N_("Rel Start"),
    N_("When the first frame was seen, in seconds after the capture's first frame"), TRUE,
    84, TRUE },
  { IOT_STATS_COL_CONV_DURATION, N_("Duration"),
    N_("Seconds from the conversation's first frame to its last"), TRUE, 76, TRUE },
  { IOT_STATS_COL_CONV_BPS_AB, N_("Bits/s A→B"),
    N_("A's sending rate over the conversation's duration (— when it lasts no time)"),
    TRUE, 100, TRUE },
  { IOT_STATS_COL_CONV_BPS_BA, N_("Bits/s B→A"),
    N_("B's sending rate over the conversation's duration"), TRUE, 100, TRUE },
};

static const ColumnSpec endpoint_columns[] = {
  { IOT_STATS_COL_EP_ADDR, N_("Address"),
    N_("A machine (or, with ports, one program on it) seen in the frames"), FALSE, 0, TRUE },
  { IOT_STATS_COL_EP_PORT, N_("Port"), N_("The endpoint's port number"), TRUE, 80, TRUE },
  { IOT_STATS_COL_EP_FRAMES, N_("Frames"), N_("Frames sent or received by the endpoint"), TRUE, 90, TRUE },
  { IOT_STATS_COL_EP_BYTES, N_("Bytes"), N_("Bytes (whole frames) sent or received"), TRUE, 100, TRUE },
  { IOT_STATS_COL_EP_TX_FRAMES, N_("Tx Frames"), N_("Frames the endpoint sent"), TRUE, 100, TRUE },
  { IOT_STATS_COL_EP_TX_BYTES, N_("Tx Bytes"), N_("Bytes the endpoint sent"), TRUE, 100, TRUE },
  { IOT_STATS_COL_EP_RX_FRAMES, N_("Rx Frames"), N_("Frames the endpoint received"), TRUE, 100, TRUE },
  { IOT_STATS_COL_EP_RX_BYTES, N_("Rx Bytes"), N_("Bytes the endpoint received"), TRUE, 100, TRUE },
};

static const ColumnSpec expert_columns[] = {
  { IOT_STATS_COL_EX_SEVERITY, N_("Severity"),
    N_("How serious: Error (broken or malformed), Warning (likely a problem), Note "
    "(unusual but valid), Chat (normal protocol events worth knowing)"), FALSE, 96, FALSE },
  { IOT_STATS_COL_EX_GROUP, N_("Group"),
    N_("What kind of finding: sequence, malformed, protocol, checksum …"), FALSE, 110, FALSE },
  { IOT_STATS_COL_EX_PROTOCOL, N_("Protocol"), N_("The protocol layer that reported it"), FALSE, 100, FALSE },
  { IOT_STATS_COL_EX_SUMMARY, N_("Summary"),
    N_("The finding; double-click to select the first frame that has it"), FALSE, 0, FALSE },
  { IOT_STATS_COL_EX_COUNT, N_("Count"), N_("How many times it was reported"), TRUE, 80, FALSE },
  { IOT_STATS_COL_EX_FRAME, N_("First Frame"),
    N_("The number of the first frame that has it (double-click the row to go there)"),
    TRUE, 100, FALSE },
};

static const ColumnSpec bucket_columns[] = {
  { IOT_STATS_COL_B_RANGE, N_("Range"), N_("The values counted in this bar"), FALSE, 104, FALSE },
  { IOT_STATS_COL_B_COUNT, N_("Count"), N_("How many values fell in the range"), TRUE, 64, FALSE },
  { IOT_STATS_COL_B_PERCENT, N_("Share"), N_("Share of all values"), TRUE, 64, FALSE },
  { IOT_STATS_COL_B_AVERAGE, N_("Average"), N_("Mean of the values in the range"), TRUE, 90, FALSE },
  { IOT_STATS_COL_B_MIN, N_("Min"), N_("Smallest value in the range"), TRUE, 90, FALSE },
  { IOT_STATS_COL_B_MAX, N_("Max"), N_("Largest value in the range"), TRUE, 90, FALSE },
};

/* A right click selects the row and offers what its page does with it. */
static void
right_click_cb (GtkGestureClick *gesture, int n_press, double x, double y, GtkListItem *item)
{
  GtkWidget *cell = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  GtkWidget *page = gtk_widget_get_ancestor (cell, IOT_TYPE_STATS_PAGE);

  if (page != NULL)
    iot_stats_page_popup_menu (IOT_STATS_PAGE (page), gtk_list_item_get_position (item), cell, x, y);
}

static void
cell_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, const ColumnSpec *spec)
{
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *child = label;
  GtkGesture *click;

  gtk_label_set_xalign (GTK_LABEL (label), spec->numeric ? 1.0f : 0.0f);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (spec->numeric)
    gtk_widget_add_css_class (label, "numeric");
  if (spec->id == IOT_STATS_COL_PHS_PROTOCOL)
    {
      child = gtk_tree_expander_new ();
      gtk_tree_expander_set_child (GTK_TREE_EXPANDER (child), label);
    }
  g_object_set_data (G_OBJECT (child), "label", label);
  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (right_click_cb), item);
  gtk_widget_add_controller (child, GTK_EVENT_CONTROLLER (click));
  gtk_list_item_set_child (item, child);
}

static const char *
severity_markup_colors (IotSeverity severity, const char **fg)
{
  *fg = "#ffffff";
  switch (severity)
    {
    case IOT_SEV_ERROR:
      return "#c01c28";
    case IOT_SEV_WARN:
      *fg = "#3d3846";
      return "#f6d32d";
    case IOT_SEV_NOTE:
      *fg = "#1e3a4c";
      return "#99c1f1";
    case IOT_SEV_CHAT:
      *fg = "#1e3a4c";
      return "#c8e0f8";
    default:
      *fg = "#3d3846";
      return "#deddda";
    }
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, const ColumnSpec *spec)
{
  GtkWidget *child = gtk_list_item_get_child (item);
  GtkLabel *label = g_object_get_data (G_OBJECT (child), "label");
  g_autoptr (IotStatsRow) row = iot_stats_row_from_item (gtk_list_item_get_item (item));
  g_autofree char *text = iot_stats_row_dup_text (row, spec->id);

  if (GTK_IS_TREE_EXPANDER (child))
    gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (child), gtk_list_item_get_item (item));
  if (spec->id == IOT_STATS_COL_EX_SEVERITY)
    {
      const char *fg, *bg = severity_markup_colors (((const IotExpertEntry *) row->data)->severity, &fg);
      g_autofree char *markup = g_markup_printf_escaped ("<span background=\"%s\" foreground=\"%s\"> %s </span>",
                                                         bg, fg, text);

      gtk_label_set_markup (label, markup);
    }
  else
    gtk_label_set_text (label, text);
  if (spec->id == IOT_STATS_COL_PHS_PROTOCOL)
    {
      g_autofree char *tip = g_strdup_printf (_("%s (filter name: %s)"), text, ((const IotPhsNode *) row->data)->abbrev);

      gtk_widget_set_tooltip_text (child, tip);
    }
  else
    gtk_widget_set_tooltip_text (child, spec->id == IOT_STATS_COL_EX_SUMMARY ? text : spec->tooltip);
}

static void
cell_unbind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, const ColumnSpec *spec)
{
  GtkWidget *child = gtk_list_item_get_child (item);

  if (GTK_IS_TREE_EXPANDER (child))
    gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (child), NULL);
}

/* Column headings have no tooltip of their own in this GTK; their title
 * widgets get it, found in column order. */
static void
set_heading_tooltips (GtkColumnView *view, const ColumnSpec *specs, guint n)
{
  guint i = 0;

  for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (view)); w != NULL; w = gtk_widget_get_next_sibling (w))
    for (GtkWidget *title = gtk_widget_get_first_child (w); title != NULL;
         title = gtk_widget_get_next_sibling (title))
      if (g_str_equal (G_OBJECT_TYPE_NAME (title), "GtkColumnViewTitle") && i < n)
        gtk_widget_set_tooltip_text (title, _(specs[i++].tooltip));
}

/* Remembers which column a view's column shows. */
static GQuark
column_quark (void)
{
  return g_quark_from_static_string ("iot-stats-column");
}

void
iot_stats_view_add_columns (GtkColumnView *view, IotStatsColumns columns)
{
  static const struct {
    const ColumnSpec *specs;
    guint n;
  } tables[] = {
    [IOT_STATS_COLUMNS_PHS] = { phs_columns, G_N_ELEMENTS (phs_columns) },
    [IOT_STATS_COLUMNS_CONV] = { conv_columns, G_N_ELEMENTS (conv_columns) },
    [IOT_STATS_COLUMNS_ENDPOINTS] = { endpoint_columns, G_N_ELEMENTS (endpoint_columns) },
    [IOT_STATS_COLUMNS_EXPERT] = { expert_columns, G_N_ELEMENTS (expert_columns) },
    [IOT_STATS_COLUMNS_BUCKETS] = { bucket_columns, G_N_ELEMENTS (bucket_columns) },
  };
  const ColumnSpec *specs = tables[columns].specs;
  guint n = tables[columns].n;

  for (guint i = 0; i < n; i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr (GtkColumnViewColumn) column = NULL;

      g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), (gpointer) &specs[i]);
      g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), (gpointer) &specs[i]);
      g_signal_connect (factory, "unbind", G_CALLBACK (cell_unbind_cb), (gpointer) &specs[i]);
      column = gtk_column_view_column_new (_(specs[i].title), factory);
      gtk_column_view_column_set_resizable (column, TRUE);
      if (specs[i].width > 0)
        gtk_column_view_column_set_fixed_width (column, specs[i].width);
      else
        gtk_column_view_column_set_expand (column, TRUE);
      if (specs[i].sortable)
        {
          GtkSorter *sorter = GTK_SORTER (gtk_custom_sorter_new (compare_rows, GUINT_TO_POINTER (specs[i].id),
                                                                 NULL));

          gtk_column_view_column_set_sorter (column, sorter);
          g_object_unref (sorter);
        }
      g_object_set_qdata (G_OBJECT (column), column_quark (), GUINT_TO_POINTER (specs[i].id + 1));
      gtk_column_view_append_column (view, column);
    }
  set_heading_tooltips (view, specs, n);
}

GtkColumnViewColumn *
iot_stats_view_find_column (GtkColumnView *view, IotStatsColumn id)
{
  GListModel *list = gtk_column_view_get_columns (view);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (list, i);

      if (GPOINTER_TO_UINT (g_object_get_qdata (G_OBJECT (column), column_quark ())) == id + 1)
        return column;     /* the view keeps it */
    }
  return NULL;
}
