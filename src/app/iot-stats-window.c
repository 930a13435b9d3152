/* iot-stats-window.c — the Statistics window: protocol hierarchy,
 * conversations, endpoints, expert information and histograms, all
 * counted together in one worker pass over the capture.
 */
#include "iot-stats-window.h"

#include <glib/gi18n.h>

#include <math.h>
#include <string.h>

#include "iot-format.h"

/* ---- what one count produced ------------------------------------------------ */

/* The requests given to IotStats, in this order. */
enum {
  REQ_PHS,              /* with the "frame" root, for the window */
  REQ_PHS_TEXT,         /* without it, as `-z io,phs` prints */
  REQ_CONV,             /* + IotConvType */
  REQ_ENDPOINTS = REQ_CONV + IOT_CONV_N_TYPES,
  REQ_EXPERT = REQ_ENDPOINTS + IOT_CONV_N_TYPES,
  REQ_PLEN,
  REQ_IAT,
  N_REQUESTS
};

/* Shared by reference between the window and every row shown, so a row
 * GTK still holds never points into freed tables. */
typedef struct {
  IotStats  *stats;
  IotFile   *file;         /* while counting: the counted capture's */
  IotFilter *compiled;     /* while counting: the filter, compiled for the worker */
  gint64     started;      /* while counting: when it started (monotonic) */
  char      *filter;       /* the display filter the count was limited to, or NULL */
  guint32   n_total;      /* frames in the capture when counted */
  guint32   n_counted;    /* frames that passed the filter */
  gint64    first_ns;     /* first and last counted frame, from the capture's start */
  gint64    last_ns;
  double    seconds;      /* how long the count took */
} Tables;

static void
tables_clear (gpointer data)
{
  Tables *t = data;

  iot_stats_free (t->stats);
  g_clear_pointer (&t->compiled, iot_filter_free);
  g_free (t->filter);
}

static Tables *
tables_ref (Tables *t)
{
  return g_rc_box_acquire (t);
}

static void
tables_unref (Tables *t)
{
  g_rc_box_release_full (t, tables_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Tables, tables_unref)

static double
tables_duration (const Tables *t)
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

#define IOT_TYPE_STATS_ROW (iot_stats_row_get_type ())
G_DECLARE_FINAL_TYPE (IotStatsRow, iot_stats_row, IOT, STATS_ROW, GObject)

struct _IotStatsRow {
  GObject        parent_instance;
  RowKind        kind;
  Tables        *tables;
  gconstpointer  data;     /* IotPhsNode, IotConversation, IotEndpoint, IotExpertEntry, IotHistogramBucket */
  IotConvType    layer;    /* conversations and endpoints */
  IotHistogram  *hist;     /* buckets */
};

G_DEFINE_FINAL_TYPE (IotStatsRow, iot_stats_row, G_TYPE_OBJECT)

static void
iot_stats_row_finalize (GObject *object)
{
  IotStatsRow *row = IOT_STATS_ROW (object);

  g_clear_pointer (&row->tables, tables_unref);
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
stats_row_new (RowKind kind, Tables *tables, gconstpointer data)
{
  IotStatsRow *row = g_object_new (IOT_TYPE_STATS_ROW, NULL);

  row->kind = kind;
  row->tables = tables_ref (tables);
  row->data = data;
  return row;
}

/* ---- the window ------------------------------------------------------------------ */

typedef enum {
  PAGE_PHS,
  PAGE_CONV,
  PAGE_ENDPOINTS,
  PAGE_EXPERT,
  PAGE_HISTOGRAMS,
  N_PAGES
} Page;

static const char *const page_names[N_PAGES] = { "phs", "conv", "endpoints", "expert", "histograms" };

struct _IotStatsWindow {
  IotAnalysisWindow parent_instance;

  GtkStackSwitcher *switcher;
  GtkButton      *copy_button;
  GtkStack       *state_stack;
  GtkSpinner     *spinner;
  GtkLabel       *loading_label;
  GtkProgressBar *progress;
  GtkStack       *pages;
  GtkColumnView  *phs_view;
  GtkBox         *conv_layers;
  GtkButton      *conv_filter_button;
  GtkStack       *conv_stack;
  GtkColumnView  *conv_view;
  GtkLabel       *conv_empty;
  GtkBox         *endpoint_layers;
  GtkButton      *endpoint_filter_button;
  GtkStack       *endpoint_stack;
  GtkColumnView  *endpoint_view;
  GtkLabel       *endpoint_empty;
  GtkStack       *expert_stack;
  GtkColumnView  *expert_view;
  GtkLabel       *expert_empty;
  GtkLabel       *plen_summary;
  GtkDrawingArea *plen_area;
  GtkColumnView  *plen_view;
  GtkLabel       *iat_summary;
  GtkDrawingArea *iat_area;
  GtkColumnView  *iat_view;
  GtkLabel       *error_label;
  GtkLabel       *status_label;
  GtkCheckButton *limit_check;

  char           *session_filter;  /* the main window's filter when this window opened */
  Tables         *tables;

  /* Models shown; conversations and endpoints have one store per layer. */
  GtkTreeListModel  *phs_tree;
  GListStore        *conv_stores[IOT_CONV_N_TYPES];
  GListStore        *endpoint_stores[IOT_CONV_N_TYPES];
  GtkSortListModel  *conv_sorted;
  GtkSortListModel  *endpoint_sorted;
  GtkSingleSelection *phs_selection;
  GtkSingleSelection *conv_selection;
  GtkSingleSelection *endpoint_selection;
  GtkSingleSelection *expert_selection;
  GListStore        *expert_store;
  GListStore        *bucket_stores[2];
  IotConvType        conv_layer;
  IotConvType        endpoint_layer;
  GtkToggleButton   *conv_buttons[IOT_CONV_N_TYPES];
  GtkToggleButton   *endpoint_buttons[IOT_CONV_N_TYPES];
  GtkColumnViewColumn *conv_port_columns[2];
  GtkColumnViewColumn *endpoint_port_column;
  GHashTable        *columns;      /* "page/title" → GtkColumnViewColumn */
  GtkWidget         *menu;         /* the row menu, parented to a view */
};

G_DEFINE_FINAL_TYPE (IotStatsWindow, iot_stats_window, IOT_TYPE_ANALYSIS_WINDOW)

/* ---- counting (worker) ------------------------------------------------------------ */

static IotStats *
stats_for_window (void)
{
  static const char *const layers[IOT_CONV_N_TYPES] = { "eth", "ip", "ipv6", "tcp", "udp" };
  IotStats *stats = iot_stats_new ();

  /* The window shows no per-report filter: the display filter, when the
   * count is limited to it, is the scan's filter for every listener. */
  iot_stats_add_request (stats, "io,phs", NULL);
  iot_stats_add_request (stats, "io,phs", NULL);
  for (guint t = 0; t < IOT_CONV_N_TYPES; t++)
    {
      g_autofree char *spec = g_strdup_printf ("conv,%s", layers[t]);

      iot_stats_add_request (stats, spec, NULL);
    }
  for (guint t = 0; t < IOT_CONV_N_TYPES; t++)
    {
      g_autofree char *spec = g_strdup_printf ("endpoints,%s", layers[t]);

      iot_stats_add_request (stats, spec, NULL);
    }
  iot_stats_add_request (stats, "expert", NULL);
  iot_stats_add_request (stats, "plen,tree", NULL);
  iot_stats_add_request (stats, "iat,tree", NULL);
  g_assert (iot_stats_n_requests (stats) == N_REQUESTS);
  return stats;
}

/* The window's own listener, after the statistics': it reads when the
 * counted frames were captured.  Its add_wanted runs in the worker before
 * the first frame, so the statistics begin there too. */
static void
tables_add_wanted (gpointer data, IotFieldSet *wanted, IotDissectFlags *flags)
{
  Tables *t = data;

  t->started = g_get_monotonic_time ();
  iot_stats_begin (t->stats, t->file, t->n_total);
  /* Wireshark's window starts the tree at "frame"; tshark's text does not. */
  iot_protocol_hierarchy_set_include_frame (iot_stats_get_hierarchy (t->stats, REQ_PHS), TRUE);
  iot_protocol_hierarchy_set_include_frame (iot_stats_get_hierarchy (t->stats, REQ_PHS_TEXT), FALSE);
  *flags |= IOT_DISSECT_TREE;
}

static void
tables_frame (gpointer data, IotPacket *pkt)
{
  Tables *t = data;
  gint64 rel = iot_packet_time_ns (pkt) - iot_file_frame (t->file, 1)->ts_ns;

  if (t->n_counted == 0 || rel < t->first_ns)
    t->first_ns = rel;
  if (t->n_counted == 0 || rel > t->last_ns)
    t->last_ns = rel;
  t->n_counted++;
}

static void
tables_finish (gpointer data)
{
  Tables *t = data;

  t->seconds = (double) (g_get_monotonic_time () - t->started) / G_USEC_PER_SEC;
}

static const IotScanListener tables_listener = {
  .add_wanted = tables_add_wanted,
  .frame = tables_frame,
  .finish = tables_finish,
};

/* ---- cell texts -------------------------------------------------------------------- */

/* Column ids; each page's text and compare functions switch on them. */
typedef enum {
  COL_PHS_PROTOCOL, COL_PHS_PCT_FRAMES, COL_PHS_FRAMES, COL_PHS_PCT_BYTES, COL_PHS_BYTES, COL_PHS_BPS,
  COL_PHS_END_FRAMES, COL_PHS_END_BYTES,
  COL_CONV_ADDR_A, COL_CONV_PORT_A, COL_CONV_ADDR_B, COL_CONV_PORT_B, COL_CONV_FRAMES, COL_CONV_BYTES,
  COL_CONV_FRAMES_AB, COL_CONV_BYTES_AB, COL_CONV_FRAMES_BA, COL_CONV_BYTES_BA, COL_CONV_START,
  COL_CONV_DURATION, COL_CONV_BPS_AB, COL_CONV_BPS_BA,
  COL_EP_ADDR, COL_EP_PORT, COL_EP_FRAMES, COL_EP_BYTES, COL_EP_TX_FRAMES, COL_EP_TX_BYTES, COL_EP_RX_FRAMES,
  COL_EP_RX_BYTES,
  COL_EX_SEVERITY, COL_EX_GROUP, COL_EX_PROTOCOL, COL_EX_SUMMARY, COL_EX_COUNT, COL_EX_FRAME,
  COL_B_RANGE, COL_B_COUNT, COL_B_PERCENT, COL_B_AVERAGE, COL_B_MIN, COL_B_MAX,
} ColumnId;

typedef struct {
  ColumnId    id;
  const char *title;
  const char *tooltip;
  gboolean    numeric;     /* right-aligned, tabular digits */
  int         width;       /* fixed width; 0 = takes the rest */
  gboolean    sortable;
} ColumnSpec;

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
phs_text (IotStatsRow *row, ColumnId id)
{
  const IotPhsNode *node = row->data;
  IotProtocolHierarchy *phs = iot_stats_get_hierarchy (row->tables->stats, REQ_PHS);
  guint64 end_bytes;

  switch (id)
    {
    case COL_PHS_PROTOCOL:
      return g_strdup (phs_display_name (node->abbrev));
    case COL_PHS_PCT_FRAMES:
      return g_strdup_printf ("%.1f %%", iot_phs_node_frames_percent (phs, node));
    case COL_PHS_FRAMES:
      return format_count (node->frames);
    case COL_PHS_PCT_BYTES:
      return g_strdup_printf ("%.1f %%", iot_phs_node_bytes_percent (phs, node));
    case COL_PHS_BYTES:
      return format_count (node->bytes);
    case COL_PHS_BPS:
      return format_bits_per_second (node->bytes, tables_duration (row->tables));
    case COL_PHS_END_FRAMES:
      return format_count (phs_end_frames (node, NULL));
    case COL_PHS_END_BYTES:
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
conv_text (IotStatsRow *row, ColumnId id)
{
  const IotConversation *c = row->data;

  switch (id)
    {
    case COL_CONV_ADDR_A:
      return iot_stats_address_name (&c->addr_a);
    case COL_CONV_ADDR_B:
      return iot_stats_address_name (&c->addr_b);
    case COL_CONV_PORT_A:
      return g_strdup_printf ("%u", c->port_a);
    case COL_CONV_PORT_B:
      return g_strdup_printf ("%u", c->port_b);
    case COL_CONV_FRAMES:
      return format_count (c->frames_ab + c->frames_ba);
    case COL_CONV_BYTES:
      return format_count (c->bytes_ab + c->bytes_ba);
    case COL_CONV_FRAMES_AB:
      return format_count (c->frames_ab);
    case COL_CONV_BYTES_AB:
      return format_count (c->bytes_ab);
    case COL_CONV_FRAMES_BA:
      return format_count (c->frames_ba);
    case COL_CONV_BYTES_BA:
      return format_count (c->bytes_ba);
    case COL_CONV_START:
      return g_strdup_printf ("%.6f", (double) c->start_ns / 1e9);
    case COL_CONV_DURATION:
      return g_strdup_printf ("%.4f", conv_seconds (c));
    case COL_CONV_BPS_AB:
      return format_bits_per_second (c->bytes_ab, conv_seconds (c));
    case COL_CONV_BPS_BA:
      return format_bits_per_second (c->bytes_ba, conv_seconds (c));
    default:
      return g_strdup ("");
    }
}

static char *
endpoint_text (IotStatsRow *row, ColumnId id)
{
  const IotEndpoint *e = row->data;

  switch (id)
    {
    case COL_EP_ADDR:
      return iot_stats_address_name (&e->addr);
    case COL_EP_PORT:
      return g_strdup_printf ("%u", e->port);
    case COL_EP_FRAMES:
      return format_count (e->tx_frames + e->rx_frames);
    case COL_EP_BYTES:
      return format_count (e->tx_bytes + e->rx_bytes);
    case COL_EP_TX_FRAMES:
      return format_count (e->tx_frames);
    case COL_EP_TX_BYTES:
      return format_count (e->tx_bytes);
    case COL_EP_RX_FRAMES:
      return format_count (e->rx_frames);
    case COL_EP_RX_BYTES:
      return format_count (e->rx_bytes);
    default:
      return g_strdup ("");
    }
}

static char *
expert_text (IotStatsRow *row, ColumnId id)
{
  const IotExpertEntry *e = row->data;

  switch (id)
    {
    case COL_EX_SEVERITY:
      return g_strdup (iot_format_severity (e->severity));
    case COL_EX_GROUP:
      return g_strdup (iot_format_expert_group (e->group));
    case COL_EX_PROTOCOL:
      return g_strdup (e->protocol);
    case COL_EX_SUMMARY:
      return g_strdup (e->summary);
    case COL_EX_COUNT:
      return g_strdup_printf ("%u", e->count);
    case COL_EX_FRAME:
      return g_strdup_printf ("%u", e->first_frame);
    default:
      return g_strdup ("");
    }
}

/* Lengths in bytes; times in the unit that reads best for the value. */
static char *
bucket_value_text (IotHistogram *hist, double value)
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
static char *
bucket_label (const char *label)
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
bucket_text (IotStatsRow *row, ColumnId id)
{
  const IotHistogramBucket *b = row->data;
  const IotHistogramBucket *total = iot_histogram_total (row->hist);

  switch (id)
    {
    case COL_B_RANGE:
      return bucket_label (b->label);
    case COL_B_COUNT:
      return format_count (b->count);
    case COL_B_PERCENT:
      return total->count ? g_strdup_printf ("%.1f %%", 100.0 * (double) b->count / (double) total->count)
                          : g_strdup ("—");
    case COL_B_AVERAGE:
      return b->count ? bucket_value_text (row->hist, iot_histogram_bucket_average (b)) : g_strdup ("—");
    case COL_B_MIN:
      return b->count ? bucket_value_text (row->hist, (double) b->min) : g_strdup ("—");
    case COL_B_MAX:
      return b->count ? bucket_value_text (row->hist, (double) b->max) : g_strdup ("—");
    default:
      return g_strdup ("");
    }
}

static char *
row_text (IotStatsRow *row, ColumnId id)
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

/* ---- sorting ---------------------------------------------------------------------- */

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
row_value (IotStatsRow *row, ColumnId id)
{
  const IotConversation *c = row->data;
  const IotEndpoint *e = row->data;

  switch (id)
    {
    case COL_CONV_PORT_A: return c->port_a;
    case COL_CONV_PORT_B: return c->port_b;
    case COL_CONV_FRAMES: return (double) (c->frames_ab + c->frames_ba);
    case COL_CONV_BYTES: return (double) (c->bytes_ab + c->bytes_ba);
    case COL_CONV_FRAMES_AB: return (double) c->frames_ab;
    case COL_CONV_BYTES_AB: return (double) c->bytes_ab;
    case COL_CONV_FRAMES_BA: return (double) c->frames_ba;
    case COL_CONV_BYTES_BA: return (double) c->bytes_ba;
    case COL_CONV_START: return (double) c->start_ns;
    case COL_CONV_DURATION: return (double) (c->stop_ns - c->start_ns);
    case COL_CONV_BPS_AB: return conv_seconds (c) > 0 ? (double) c->bytes_ab / conv_seconds (c) : -1;
    case COL_CONV_BPS_BA: return conv_seconds (c) > 0 ? (double) c->bytes_ba / conv_seconds (c) : -1;
    case COL_EP_PORT: return e->port;
    case COL_EP_FRAMES: return (double) (e->tx_frames + e->rx_frames);
    case COL_EP_BYTES: return (double) (e->tx_bytes + e->rx_bytes);
    case COL_EP_TX_FRAMES: return (double) e->tx_frames;
    case COL_EP_TX_BYTES: return (double) e->tx_bytes;
    case COL_EP_RX_FRAMES: return (double) e->rx_frames;
    case COL_EP_RX_BYTES: return (double) e->rx_bytes;
    default: return 0;
    }
}

static int
compare_rows (gconstpointer pa, gconstpointer pb, gpointer data)
{
  IotStatsRow *a = IOT_STATS_ROW ((gpointer) pa), *b = IOT_STATS_ROW ((gpointer) pb);
  ColumnId id = GPOINTER_TO_UINT (data);
  double va, vb;

  switch (id)
    {
    case COL_CONV_ADDR_A:
      return compare_addresses (&((const IotConversation *) a->data)->addr_a,
                                &((const IotConversation *) b->data)->addr_a);
    case COL_CONV_ADDR_B:
      return compare_addresses (&((const IotConversation *) a->data)->addr_b,
                                &((const IotConversation *) b->data)->addr_b);
    case COL_EP_ADDR:
      return compare_addresses (&((const IotEndpoint *) a->data)->addr, &((const IotEndpoint *) b->data)->addr);
    default:
      va = row_value (a, id);
      vb = row_value (b, id);
      return va < vb ? -1 : va > vb;
    }
}

/* ---- columns ---------------------------------------------------------------------- */

static const ColumnSpec phs_columns[] = {
  { COL_PHS_PROTOCOL, N_("Protocol"), N_("The protocol layer; the layers inside it are indented below it"), FALSE, 0, FALSE },
  /* xgettext:no-c-format */
  { COL_PHS_PCT_FRAMES, N_("% Frames"), N_("Share of all counted frames that contain this layer"), TRUE, 90, FALSE },
  { COL_PHS_FRAMES, N_("Frames"), N_("Frames that contain this layer at this place in the stack"), TRUE, 80, FALSE },
  /* xgettext:no-c-format */
  { COL_PHS_PCT_BYTES, N_("% Bytes"), N_("Share of all counted bytes (whole frames) in frames with this layer"), TRUE, 90,
    FALSE },
  { COL_PHS_BYTES, N_("Bytes"), N_("Bytes of the whole frames that contain this layer"), TRUE, 90, FALSE },
  { COL_PHS_BPS, N_("Bits/s"), N_("Those bytes in bits per second, over the time from the first to the last counted frame"),
    TRUE, 90, FALSE },
  { COL_PHS_END_FRAMES, N_("End Frames"), N_("Frames in which this is the last (innermost) layer decoded"), TRUE, 96, FALSE },
  { COL_PHS_END_BYTES, N_("End Bytes"), N_("Bytes of the frames in which this is the last layer decoded"), TRUE, 96, FALSE },
};

static const ColumnSpec conv_columns[] = {
  { COL_CONV_ADDR_A, N_("Address A"), N_("The side that sent the first frame of the conversation"), FALSE, 0, TRUE },
  { COL_CONV_PORT_A, N_("Port A"), N_("Side A's port number"), TRUE, 66, TRUE },
  { COL_CONV_ADDR_B, N_("Address B"), N_("The other side"), FALSE, 0, TRUE },
  { COL_CONV_PORT_B, N_("Port B"), N_("Side B's port number"), TRUE, 66, TRUE },
  { COL_CONV_FRAMES, N_("Frames"), N_("Frames in both directions"), TRUE, 70, TRUE },
  { COL_CONV_BYTES, N_("Bytes"), N_("Bytes (whole frames) in both directions"), TRUE, 76, TRUE },
  { COL_CONV_FRAMES_AB, N_("Frames A→B"), N_("Frames sent by A to B"), TRUE, 100, TRUE },
  { COL_CONV_BYTES_AB, N_("Bytes A→B"), N_("Bytes sent by A to B"), TRUE, 94, TRUE },
  { COL_CONV_FRAMES_BA, N_("Frames B→A"), N_("Frames sent by B to A (the replies)"), TRUE, 100, TRUE },
  { COL_CONV_BYTES_BA, N_("Bytes B→A"), N_("Bytes sent by B to A"), TRUE, 94, TRUE },
  { COL_CONV_START, N_("Rel Start"), N_("When the first frame was seen, in seconds after the capture's first frame"), TRUE,
    84, TRUE },
  { COL_CONV_DURATION, N_("Duration"), N_("Seconds from the conversation's first frame to its last"), TRUE, 76, TRUE },
  { COL_CONV_BPS_AB, N_("Bits/s A→B"), N_("A's sending rate over the conversation's duration (— when it lasts no time)"),
    TRUE, 100, TRUE },
  { COL_CONV_BPS_BA, N_("Bits/s B→A"), N_("B's sending rate over the conversation's duration"), TRUE, 100, TRUE },
};

static const ColumnSpec endpoint_columns[] = {
  { COL_EP_ADDR, N_("Address"), N_("A machine (or, with ports, one program on it) seen in the frames"), FALSE, 0, TRUE },
  { COL_EP_PORT, N_("Port"), N_("The endpoint's port number"), TRUE, 80, TRUE },
  { COL_EP_FRAMES, N_("Frames"), N_("Frames sent or received by the endpoint"), TRUE, 90, TRUE },
  { COL_EP_BYTES, N_("Bytes"), N_("Bytes (whole frames) sent or received"), TRUE, 100, TRUE },
  { COL_EP_TX_FRAMES, N_("Tx Frames"), N_("Frames the endpoint sent"), TRUE, 100, TRUE },
  { COL_EP_TX_BYTES, N_("Tx Bytes"), N_("Bytes the endpoint sent"), TRUE, 100, TRUE },
  { COL_EP_RX_FRAMES, N_("Rx Frames"), N_("Frames the endpoint received"), TRUE, 100, TRUE },
  { COL_EP_RX_BYTES, N_("Rx Bytes"), N_("Bytes the endpoint received"), TRUE, 100, TRUE },
};

static const ColumnSpec expert_columns[] = {
  { COL_EX_SEVERITY, N_("Severity"), N_("How serious: Error (broken or malformed), Warning (likely a problem), Note "
    "(unusual but valid), Chat (normal protocol events worth knowing)"), FALSE, 96, FALSE },
  { COL_EX_GROUP, N_("Group"), N_("What kind of finding: sequence, malformed, protocol, checksum …"), FALSE, 110, FALSE },
  { COL_EX_PROTOCOL, N_("Protocol"), N_("The protocol layer that reported it"), FALSE, 100, FALSE },
  { COL_EX_SUMMARY, N_("Summary"), N_("The finding; double-click to select the first frame that has it"), FALSE, 0, FALSE },
  { COL_EX_COUNT, N_("Count"), N_("How many times it was reported"), TRUE, 80, FALSE },
  { COL_EX_FRAME, N_("First Frame"), N_("The number of the first frame that has it (double-click the row to go there)"),
    TRUE, 100, FALSE },
};

static const ColumnSpec bucket_columns[] = {
  { COL_B_RANGE, N_("Range"), N_("The values counted in this bar"), FALSE, 104, FALSE },
  { COL_B_COUNT, N_("Count"), N_("How many values fell in the range"), TRUE, 64, FALSE },
  { COL_B_PERCENT, N_("Share"), N_("Share of all values"), TRUE, 64, FALSE },
  { COL_B_AVERAGE, N_("Average"), N_("Mean of the values in the range"), TRUE, 90, FALSE },
  { COL_B_MIN, N_("Min"), N_("Smallest value in the range"), TRUE, 90, FALSE },
  { COL_B_MAX, N_("Max"), N_("Largest value in the range"), TRUE, 90, FALSE },
};

static IotStatsRow *
list_item_row (GtkListItem *item)
{
  gpointer object = gtk_list_item_get_item (item);

  if (GTK_IS_TREE_LIST_ROW (object))
    object = gtk_tree_list_row_get_item (object);
  else
    g_object_ref (object);
  return object;     /* a reference */
}

static void right_click_cb (GtkGestureClick *gesture, int n_press, double x, double y, GtkListItem *item);

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
  if (spec->id == COL_PHS_PROTOCOL)
    {
      child = gtk_tree_expander_new ();
      gtk_tree_expander_set_child (GTK_TREE_EXPANDER (child), label);
    }
  g_object_set_data (G_OBJECT (child), "label", label);
  /* A right click selects the row and offers its filter. */
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
  g_autoptr (IotStatsRow) row = list_item_row (item);
  g_autofree char *text = row_text (row, spec->id);

  if (GTK_IS_TREE_EXPANDER (child))
    gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (child), gtk_list_item_get_item (item));
  if (spec->id == COL_EX_SEVERITY)
    {
      const char *fg, *bg = severity_markup_colors (((const IotExpertEntry *) row->data)->severity, &fg);
      g_autofree char *markup = g_markup_printf_escaped ("<span background=\"%s\" foreground=\"%s\"> %s </span>",
                                                         bg, fg, text);

      gtk_label_set_markup (label, markup);
    }
  else
    gtk_label_set_text (label, text);
  if (spec->id == COL_PHS_PROTOCOL)
    {
      g_autofree char *tip = g_strdup_printf (_("%s (filter name: %s)"), text, ((const IotPhsNode *) row->data)->abbrev);

      gtk_widget_set_tooltip_text (child, tip);
    }
  else
    gtk_widget_set_tooltip_text (child, spec->id == COL_EX_SUMMARY ? text : spec->tooltip);
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

static void
add_columns (IotStatsWindow *self, GtkColumnView *view, const char *page, const ColumnSpec *specs, guint n)
{
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
      gtk_column_view_append_column (view, column);
      g_hash_table_insert (self->columns, g_strdup_printf ("%s/%s", page, specs[i].title), column);
    }
  set_heading_tooltips (view, specs, n);
}

/* ---- filling the pages ----------------------------------------------------------- */

static GListModel *
phs_children_cb (gpointer item, gpointer user_data)
{
  IotStatsRow *row = item;
  const IotPhsNode *node = row->data;
  GListStore *store;

  if (node->first_child == NULL)
    return NULL;
  store = g_list_store_new (IOT_TYPE_STATS_ROW);
  for (const IotPhsNode *c = node->first_child; c != NULL; c = c->next_sibling)
    {
      g_autoptr (IotStatsRow) child = stats_row_new (ROW_PHS, row->tables, c);

      g_list_store_append (store, child);
    }
  return G_LIST_MODEL (store);
}

static void
fill_phs (IotStatsWindow *self)
{
  IotProtocolHierarchy *phs = iot_stats_get_hierarchy (self->tables->stats, REQ_PHS);
  GListStore *roots = g_list_store_new (IOT_TYPE_STATS_ROW);

  for (const IotPhsNode *n = iot_protocol_hierarchy_root (phs); n != NULL; n = n->next_sibling)
    {
      g_autoptr (IotStatsRow) row = stats_row_new (ROW_PHS, self->tables, n);

      g_list_store_append (roots, row);
    }
  /* Expanded throughout, as the layers are what one reads here. */
  g_clear_object (&self->phs_tree);
  self->phs_tree = gtk_tree_list_model_new (G_LIST_MODEL (roots), FALSE, TRUE, phs_children_cb, NULL, NULL);
  self->phs_selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->phs_tree)));
  gtk_single_selection_set_autoselect (self->phs_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->phs_selection, TRUE);
  gtk_column_view_set_model (self->phs_view, GTK_SELECTION_MODEL (self->phs_selection));
  gtk_single_selection_set_selected (self->phs_selection, GTK_INVALID_LIST_POSITION);
  g_object_unref (self->phs_selection);
}

static const char *const layer_titles[IOT_CONV_N_TYPES] = { "Ethernet", "IPv4", "IPv6", "TCP", "UDP" };

static void
update_layer_buttons (IotStatsWindow *self, gboolean endpoints)
{
  for (guint t = 0; t < IOT_CONV_N_TYPES; t++)
    {
      GListStore *store = endpoints ? self->endpoint_stores[t] : self->conv_stores[t];
      g_autofree char *label = g_strdup_printf ("%s · %u", layer_titles[t],
                                                store ? g_list_model_get_n_items (G_LIST_MODEL (store)) : 0);

      gtk_button_set_label (GTK_BUTTON (endpoints ? self->endpoint_buttons[t] : self->conv_buttons[t]), label);
    }
}

/* "Apply as Filter" needs a selected row. */
static void
update_filter_buttons (IotStatsWindow *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->conv_filter_button),
                            gtk_single_selection_get_selected (self->conv_selection) != GTK_INVALID_LIST_POSITION);
  gtk_widget_set_sensitive (GTK_WIDGET (self->endpoint_filter_button),
                            gtk_single_selection_get_selected (self->endpoint_selection)
                            != GTK_INVALID_LIST_POSITION);
}

static void
selection_changed_cb (GtkSingleSelection *selection, GParamSpec *pspec, IotStatsWindow *self)
{
  update_filter_buttons (self);
}

static void
show_layer (IotStatsWindow *self, gboolean endpoints, IotConvType layer)
{
  GListStore *store = endpoints ? self->endpoint_stores[layer] : self->conv_stores[layer];
  guint n = store ? g_list_model_get_n_items (G_LIST_MODEL (store)) : 0;
  gboolean ports = iot_conv_type_has_ports (layer);
  g_autofree char *empty = NULL;

  if (endpoints)
    {
      self->endpoint_layer = layer;
      gtk_sort_list_model_set_model (self->endpoint_sorted, G_LIST_MODEL (store));
      gtk_column_view_column_set_visible (self->endpoint_port_column, ports);
    }
  else
    {
      self->conv_layer = layer;
      gtk_sort_list_model_set_model (self->conv_sorted, G_LIST_MODEL (store));
      gtk_column_view_column_set_visible (self->conv_port_columns[0], ports);
      gtk_column_view_column_set_visible (self->conv_port_columns[1], ports);
    }
  if (!gtk_toggle_button_get_active (endpoints ? self->endpoint_buttons[layer] : self->conv_buttons[layer]))
    gtk_toggle_button_set_active (endpoints ? self->endpoint_buttons[layer] : self->conv_buttons[layer], TRUE);
  empty = g_strdup_printf (endpoints ? _("No %s endpoints in the counted frames.")
                                     : _("No %s conversations in the counted frames."), layer_titles[layer]);
  gtk_label_set_text (endpoints ? self->endpoint_empty : self->conv_empty, empty);
  gtk_stack_set_visible_child_name (endpoints ? self->endpoint_stack : self->conv_stack, n ? "list" : "empty");
  update_filter_buttons (self);
}

static void
layer_toggled_cb (GtkToggleButton *button, IotStatsWindow *self)
{
  gboolean endpoints = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "endpoints"));
  IotConvType layer = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "layer"));

  if (gtk_toggle_button_get_active (button))
    show_layer (self, endpoints, layer);
}

/* The most specific layer that has rows: what a reader of an IoT capture
 * most likely wants first. */
static IotConvType
default_layer (GListStore **stores)
{
  static const IotConvType order[] = { IOT_CONV_TCP, IOT_CONV_UDP, IOT_CONV_IPV4, IOT_CONV_IPV6, IOT_CONV_ETH };

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (g_list_model_get_n_items (G_LIST_MODEL (stores[order[i]])) > 0)
      return order[i];
  return IOT_CONV_ETH;
}

static void
fill_conversations (IotStatsWindow *self)
{
  for (guint t = 0; t < IOT_CONV_N_TYPES; t++)
    {
      IotConversationTable *conv = iot_stats_get_conversations (self->tables->stats, REQ_CONV + t);
      IotEndpointTable *ep = iot_stats_get_endpoints (self->tables->stats, REQ_ENDPOINTS + t);

      g_set_object (&self->conv_stores[t], NULL);
      g_set_object (&self->endpoint_stores[t], NULL);
      self->conv_stores[t] = g_list_store_new (IOT_TYPE_STATS_ROW);
      self->endpoint_stores[t] = g_list_store_new (IOT_TYPE_STATS_ROW);
      for (guint i = 0; i < iot_conversation_table_n_rows (conv); i++)
        {
          g_autoptr (IotStatsRow) row = stats_row_new (ROW_CONV, self->tables, iot_conversation_table_row (conv, i));

          row->layer = t;
          g_list_store_append (self->conv_stores[t], row);
        }
      for (guint i = 0; i < iot_endpoint_table_n_rows (ep); i++)
        {
          g_autoptr (IotStatsRow) row = stats_row_new (ROW_ENDPOINT, self->tables, iot_endpoint_table_row (ep, i));

          row->layer = t;
          g_list_store_append (self->endpoint_stores[t], row);
        }
    }
  update_layer_buttons (self, FALSE);
  update_layer_buttons (self, TRUE);
  show_layer (self, FALSE, default_layer (self->conv_stores));
  show_layer (self, TRUE, default_layer (self->endpoint_stores));
}

static void
fill_expert (IotStatsWindow *self)
{
  IotExpertSummary *expert = iot_stats_get_expert (self->tables->stats, REQ_EXPERT);
  guint n = 0;

  g_list_store_remove_all (self->expert_store);
  /* Worst first; within a severity, in order of first appearance. */
  for (int sev = IOT_SEV_ERROR; sev >= IOT_SEV_COMMENT; sev--)
    for (guint i = 0; i < iot_expert_summary_n_entries (expert, sev); i++)
      {
        g_autoptr (IotStatsRow) row = stats_row_new (ROW_EXPERT, self->tables,
                                                     iot_expert_summary_entry (expert, sev, i));

        g_list_store_append (self->expert_store, row);
        n++;
      }
  gtk_label_set_text (self->expert_empty,
                      _("No expert information: no dissector flagged anything unusual in the counted frames."));
  gtk_stack_set_visible_child_name (self->expert_stack, n ? "list" : "empty");
}

static void
histogram_summary (IotHistogram *hist, GtkLabel *label)
{
  const IotHistogramBucket *t = iot_histogram_total (hist);
  g_autofree char *avg = NULL, *min = NULL, *max = NULL, *text = NULL;
  gboolean lengths = iot_histogram_kind (hist) == IOT_HISTOGRAM_FRAME_LENGTH;

  if (t->count == 0)
    {
      gtk_label_set_text (label, lengths ? _("No frames counted.")
                                         : _("Fewer than two frames counted: there is no time between frames."));
      return;
    }
  avg = bucket_value_text (hist, iot_histogram_bucket_average (t));
  min = bucket_value_text (hist, (double) t->min);
  max = bucket_value_text (hist, (double) t->max);
  if (lengths)
    text = g_strdup_printf (_("%llu frames · average %s bytes · min %s bytes · max %s bytes"),
                            (unsigned long long) t->count, avg, min, max);
  else
    text = g_strdup_printf (_("%llu gaps · average %s · min %s · max %s"), (unsigned long long) t->count, avg, min, max);
  gtk_label_set_text (label, text);
}

static void
fill_histograms (IotStatsWindow *self)
{
  for (guint k = 0; k < 2; k++)
    {
      IotHistogram *hist = iot_stats_get_histogram (self->tables->stats, k == 0 ? REQ_PLEN : REQ_IAT);

      g_list_store_remove_all (self->bucket_stores[k]);
      for (guint i = 0; i < iot_histogram_n_buckets (hist); i++)
        {
          g_autoptr (IotStatsRow) row = stats_row_new (ROW_BUCKET, self->tables, iot_histogram_bucket (hist, i));

          row->hist = hist;
          g_list_store_append (self->bucket_stores[k], row);
        }
      histogram_summary (hist, k == 0 ? self->plen_summary : self->iat_summary);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self->plen_area));
  gtk_widget_queue_draw (GTK_WIDGET (self->iat_area));
}

static void
update_status (IotStatsWindow *self)
{
  const Tables *t = self->tables;
  g_autofree char *text = NULL;

  if (t->filter != NULL)
    text = g_strdup_printf (_("%u of %u frames match “%s” · %.3f s from first to last · counted in %.2f s"),
                            t->n_counted, t->n_total, t->filter, tables_duration (t), t->seconds);
  else
    text = g_strdup_printf (_("All %u frames counted · %.3f s from first to last · counted in %.2f s"),
                            t->n_counted, tables_duration (t), t->seconds);
  gtk_label_set_text (self->status_label, text);
}

static void
show_tables (IotStatsWindow *self)
{
  fill_phs (self);
  fill_conversations (self);
  fill_expert (self);
  fill_histograms (self);
  update_status (self);
  gtk_spinner_stop (self->spinner);
  gtk_stack_set_visible_child_name (self->state_stack, "content");
  gtk_widget_set_sensitive (GTK_WIDGET (self->switcher), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->copy_button), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->limit_check), self->session_filter != NULL);
}

/* ---- running the count ------------------------------------------------------------ */

static void
stats_progress (IotAnalysisWindow *window, double fraction)
{
  gtk_progress_bar_set_fraction (IOT_STATS_WINDOW (window)->progress, fraction);
}

static void
show_error (IotStatsWindow *self, const char *message)
{
  gtk_spinner_stop (self->spinner);
  gtk_label_set_text (self->error_label, message);
  gtk_stack_set_visible_child_name (self->state_stack, "error");
}

static void
count_done (IotAnalysisWindow *window, gpointer job, const GError *error)
{
  IotStatsWindow *self = IOT_STATS_WINDOW (window);
  Tables *tables = job;

  if (error != NULL)
    {
      show_error (self, error->message);
      return;
    }
  tables->file = NULL;
  g_clear_pointer (&self->tables, tables_unref);
  self->tables = tables_ref (tables);
  show_tables (self);
  iot_analysis_window_emit_ready (window);
}

/* Everything is counted in one scan: the statistics and the window's own
 * listener, both limited to the display filter when it is ticked. */
static void
start_count (IotStatsWindow *self)
{
  IotAnalysisWindow *window = IOT_ANALYSIS_WINDOW (self);
  IotCapture *capture = iot_analysis_window_get_capture (window);
  gboolean limit = gtk_check_button_get_active (self->limit_check) && self->session_filter != NULL;
  g_autoptr (Tables) tables = g_rc_box_new0 (Tables);
  g_autoptr (IotScan) scan = NULL;

  iot_analysis_window_cancel (window);
  gtk_spinner_start (self->spinner);
  gtk_stack_set_visible_child_name (self->state_stack, "loading");
  gtk_widget_set_sensitive (GTK_WIDGET (self->switcher), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->copy_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->limit_check), FALSE);
  gtk_label_set_text (self->status_label, limit ? _("Counting the frames that match the display filter…")
                                                : _("Counting every frame…"));

  tables->stats = stats_for_window ();
  tables->file = iot_capture_file (capture);
  tables->n_total = iot_capture_n_passed (capture);
  if (limit)
    {
      tables->compiled = iot_filter_compile (self->session_filter, NULL);
      if (tables->compiled == NULL)
        {
          g_autofree char *message = g_strdup_printf (_("The display filter “%s” does not compile"),
                                                      self->session_filter);

          show_error (self, message);
          return;
        }
      tables->filter = g_strdup (self->session_filter);
    }
  scan = iot_analysis_window_new_scan (window);
  iot_scan_add_listener (scan, &iot_stats_listener, tables->stats, tables->compiled);
  iot_scan_add_listener (scan, &tables_listener, tables, tables->compiled);
  iot_analysis_window_run_scan (window, g_steal_pointer (&scan), g_steal_pointer (&tables),
                                (GDestroyNotify) tables_unref, count_done);
}

static void
limit_toggled_cb (GtkCheckButton *check, GParamSpec *pspec, IotStatsWindow *self)
{
  start_count (self);
}

/* ---- filters and frames ------------------------------------------------------------ */

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

static char *
row_filter (IotStatsRow *row)
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

static Page
page_from_name (const char *name)
{
  for (guint p = 0; p < N_PAGES; p++)
    if (name != NULL && g_str_equal (name, page_names[p]))
      return p;
  return PAGE_PHS;
}

static GtkSingleSelection *
page_selection (IotStatsWindow *self, Page page)
{
  switch (page)
    {
    case PAGE_PHS:
      return self->phs_selection;
    case PAGE_CONV:
      return self->conv_selection;
    case PAGE_ENDPOINTS:
      return self->endpoint_selection;
    case PAGE_EXPERT:
      return self->expert_selection;
    default:
      return NULL;
    }
}

static IotStatsRow *
page_row (IotStatsWindow *self, Page page, guint index)
{
  GtkSingleSelection *selection = page_selection (self, page);
  gpointer object;

  if (selection == NULL || index >= g_list_model_get_n_items (G_LIST_MODEL (selection)))
    return NULL;
  object = g_list_model_get_item (G_LIST_MODEL (selection), index);
  if (GTK_IS_TREE_LIST_ROW (object))
    {
      gpointer item = gtk_tree_list_row_get_item (object);

      g_object_unref (object);
      object = item;
    }
  return object;
}

static Page
current_page (IotStatsWindow *self)
{
  return page_from_name (gtk_stack_get_visible_child_name (self->pages));
}

static void
apply_filter_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotStatsWindow *self = IOT_STATS_WINDOW (widget);
  Page page = current_page (self);
  GtkSingleSelection *selection = page_selection (self, page);

  if (selection != NULL && gtk_single_selection_get_selected (selection) != GTK_INVALID_LIST_POSITION)
    iot_stats_window_apply_row_filter (self, page_names[page], gtk_single_selection_get_selected (selection));
}

static void
copy_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotStatsWindow *self = IOT_STATS_WINDOW (widget);
  g_autofree char *text = iot_stats_window_dup_page_text (self, NULL);

  if (text != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
}

static void
go_to_frame_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotStatsWindow *self = IOT_STATS_WINDOW (widget);
  guint selected = gtk_single_selection_get_selected (self->expert_selection);

  if (selected != GTK_INVALID_LIST_POSITION)
    iot_stats_window_activate_expert (self, selected);
}

/* The row menu stays parented (hidden) until the next one or the window
 * goes. */
static void
drop_menu (IotStatsWindow *self)
{
  if (self->menu != NULL)
    gtk_widget_unparent (self->menu);
  self->menu = NULL;
}

static void
right_click_cb (GtkGestureClick *gesture, int n_press, double x, double y, GtkListItem *item)
{
  GtkWidget *cell = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  IotStatsWindow *self = IOT_STATS_WINDOW (gtk_widget_get_root (cell));
  Page page = current_page (self);
  GtkSingleSelection *selection = page_selection (self, page);
  GtkWidget *view;
  GtkPopover *menu;
  g_autoptr (GMenu) model = g_menu_new ();
  graphene_point_t point;
  GdkRectangle at;

  if (selection == NULL || page == PAGE_HISTOGRAMS)
    return;
  gtk_single_selection_set_selected (selection, gtk_list_item_get_position (item));
  if (page == PAGE_EXPERT)
    g_menu_append (model, _("Go to First Frame"), "stats.go-to-frame");
  else
    g_menu_append (model, _("Apply as Filter"), "stats.apply-filter");
  g_menu_append (model, _("Copy Page as Text"), "stats.copy");
  view = page == PAGE_PHS ? GTK_WIDGET (self->phs_view) : page == PAGE_CONV ? GTK_WIDGET (self->conv_view)
         : page == PAGE_ENDPOINTS ? GTK_WIDGET (self->endpoint_view) : GTK_WIDGET (self->expert_view);
  if (!gtk_widget_compute_point (cell, view, &GRAPHENE_POINT_INIT ((float) x, (float) y), &point))
    return;
  drop_menu (self);
  menu = GTK_POPOVER (gtk_popover_menu_new_from_model (G_MENU_MODEL (model)));
  gtk_widget_set_parent (GTK_WIDGET (menu), view);
  at = (GdkRectangle) { (int) point.x, (int) point.y, 1, 1 };
  gtk_popover_set_pointing_to (menu, &at);
  gtk_popover_set_has_arrow (menu, FALSE);
  gtk_widget_set_halign (GTK_WIDGET (menu), GTK_ALIGN_START);
  self->menu = GTK_WIDGET (menu);
  gtk_popover_popup (menu);
}

static void
expert_activate_cb (GtkColumnView *view, guint position, IotStatsWindow *self)
{
  iot_stats_window_activate_expert (self, position);
}

/* ---- bar charts -------------------------------------------------------------------- */

static guint64
grid_step (guint64 peak)
{
  static const guint64 mantissas[] = { 1, 2, 5 };

  for (guint64 power = 1;; power *= 10)
    for (guint i = 0; i < G_N_ELEMENTS (mantissas); i++)
      if (mantissas[i] * power * 4 >= peak)
        return mantissas[i] * power;
}

static void
draw_histogram (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  IotStatsWindow *self = data;
  gboolean lengths = area == self->plen_area;
  IotHistogram *hist;
  guint n;
  guint64 peak = 0, step, scale;
  double left = 44, right = 8, top = 16, bottom = 36, slot, plot_h;
  GdkRGBA fg;
  PangoLayout *layout;

  if (self->tables == NULL)
    return;
  hist = iot_stats_get_histogram (self->tables->stats, lengths ? REQ_PLEN : REQ_IAT);
  n = iot_histogram_n_buckets (hist);
  for (guint i = 0; i < n; i++)
    peak = MAX (peak, iot_histogram_bucket (hist, i)->count);
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (area), NULL);
  slot = (width - left - right) / n;
  plot_h = height - top - bottom;
  if (plot_h < 10 || slot < 4)
    {
      g_object_unref (layout);
      return;
    }

  /* Grid lines at round counts (1, 2 or 5 times a power of ten), about
   * four of them; the scale ends at the first line above the peak. */
  step = grid_step (peak);
  scale = peak ? (peak + step - 1) / step * step : 1;
  for (guint64 g = 0; g <= scale; g += step)
    {
      double y = top + plot_h - plot_h * (double) g / (double) scale;
      g_autofree char *tick = g_strdup_printf ("%" G_GUINT64_FORMAT, g);
      int tw, th;

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, g == 0 ? 0.5 : 0.15);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, left, floor (y) + 0.5);
      cairo_line_to (cr, width - right, floor (y) + 0.5);
      cairo_stroke (cr);
      pango_layout_set_text (layout, tick, -1);
      pango_layout_get_pixel_size (layout, &tw, &th);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
      cairo_move_to (cr, left - 6 - tw, y - th / 2.0);
      pango_cairo_show_layout (cr, layout);
    }

  for (guint i = 0; i < n; i++)
    {
      const IotHistogramBucket *b = iot_histogram_bucket (hist, i);
      double h = plot_h * (double) b->count / (double) scale;
      double x = left + slot * i;
      g_autofree char *label = bucket_label (b->label);
      g_autofree char *count = format_count (b->count);
      int tw, th;

      if (b->count > 0)
        {
          cairo_set_source_rgba (cr, lengths ? 0.21 : 0.15, lengths ? 0.52 : 0.64, lengths ? 0.89 : 0.41, 0.85);
          cairo_rectangle (cr, x + slot * 0.12, top + plot_h - MAX (h, 1), slot * 0.76, MAX (h, 1));
          cairo_fill (cr);
          pango_layout_set_width (layout, -1);
          pango_layout_set_text (layout, count, -1);
          pango_layout_get_pixel_size (layout, &tw, &th);
          cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.9);
          cairo_move_to (cr, x + (slot - tw) / 2, top + plot_h - h - th);
          pango_cairo_show_layout (cr, layout);
        }
      /* The range under its bar, wrapped to the bar's width. */
      pango_layout_set_width (layout, (int) (slot * PANGO_SCALE));
      pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_set_text (layout, label, -1);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.75);
      cairo_move_to (cr, x, top + plot_h + 3);
      pango_cairo_show_layout (cr, layout);
      pango_layout_set_width (layout, -1);
    }
  if (peak == 0)
    {
      int tw, th;

      pango_layout_set_text (layout, lengths ? _("No frames counted") : _("No gaps between frames counted"), -1);
      pango_layout_get_pixel_size (layout, &tw, &th);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.6);
      cairo_move_to (cr, (width - tw) / 2.0, top + plot_h / 2 - th / 2.0);
      pango_cairo_show_layout (cr, layout);
    }
  g_object_unref (layout);
}

/* ---- public -------------------------------------------------------------------------- */

IotStatsWindow *
iot_stats_window_new (IotSession *session, const char *page)
{
  IotStatsWindow *self;
  const char *filter;
  g_autofree char *title = NULL;
  g_autofree char *basename = NULL;

  g_return_val_if_fail (IOT_IS_SESSION (session), NULL);
  g_return_val_if_fail (iot_session_get_capture (session) != NULL, NULL);

  self = g_object_new (IOT_TYPE_STATS_WINDOW, "session", session, NULL);
  filter = iot_session_get_filter_text (session);
  self->session_filter = filter != NULL && *filter != '\0' ? g_strdup (filter) : NULL;
  basename = iot_session_get_path (session) ? g_path_get_basename (iot_session_get_path (session)) : NULL;
  title = basename ? g_strdup_printf (_("Statistics — %s"), basename) : g_strdup (_("Statistics"));
  gtk_window_set_title (GTK_WINDOW (self), title);
  if (self->session_filter != NULL)
    {
      g_autofree char *label = g_strdup_printf (_("_Limit to display filter (%s)"), self->session_filter);

      gtk_check_button_set_label (self->limit_check, label);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->limit_check),
                                   _("Count only the frames that the main window's display filter shows"));
    }
  else
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->limit_check),
                                 _("No display filter was applied in the main window when this window opened"));
  /* Like the main window: what it shows is what is counted. */
  g_signal_handlers_block_by_func (self->limit_check, limit_toggled_cb, self);
  gtk_check_button_set_active (self->limit_check, self->session_filter != NULL);
  g_signal_handlers_unblock_by_func (self->limit_check, limit_toggled_cb, self);
  iot_stats_window_set_page (self, page);
  start_count (self);
  return self;
}

void
iot_stats_window_set_page (IotStatsWindow *self, const char *page)
{
  g_return_if_fail (IOT_IS_STATS_WINDOW (self));
  gtk_stack_set_visible_child_name (self->pages, page_names[page_from_name (page)]);
}

const char *
iot_stats_window_get_page (IotStatsWindow *self)
{
  return page_names[current_page (self)];
}

GtkColumnView *
iot_stats_window_get_view (IotStatsWindow *self, const char *page)
{
  switch (page_from_name (page))
    {
    case PAGE_CONV:
      return self->conv_view;
    case PAGE_ENDPOINTS:
      return self->endpoint_view;
    case PAGE_EXPERT:
      return self->expert_view;
    case PAGE_HISTOGRAMS:
      return self->plen_view;
    case PAGE_PHS:
    default:
      return self->phs_view;
    }
}

GtkColumnViewColumn *
iot_stats_window_get_column (IotStatsWindow *self, const char *page, const char *title)
{
  g_autofree char *key = g_strdup_printf ("%s/%s", page_names[page_from_name (page)], title);

  return g_hash_table_lookup (self->columns, key);
}

guint
iot_stats_window_get_n_rows (IotStatsWindow *self, const char *page)
{
  GtkSingleSelection *selection = page_selection (self, page_from_name (page));

  return selection ? g_list_model_get_n_items (G_LIST_MODEL (selection)) : 0;
}

char *
iot_stats_window_dup_cell_text (IotStatsWindow *self, const char *page, guint row, const char *title)
{
  static const struct {
    const ColumnSpec *specs;
    guint n;
  } tables[] = {
    { phs_columns, G_N_ELEMENTS (phs_columns) }, { conv_columns, G_N_ELEMENTS (conv_columns) },
    { endpoint_columns, G_N_ELEMENTS (endpoint_columns) }, { expert_columns, G_N_ELEMENTS (expert_columns) },
  };
  Page p = page_from_name (page);
  g_autoptr (IotStatsRow) item = NULL;

  if (p >= G_N_ELEMENTS (tables))
    return NULL;
  item = page_row (self, p, row);
  if (item == NULL)
    return NULL;
  for (guint i = 0; i < tables[p].n; i++)
    if (g_str_equal (tables[p].specs[i].title, title))
      return row_text (item, tables[p].specs[i].id);
  return NULL;
}

void
iot_stats_window_set_layer (IotStatsWindow *self, const char *page, IotConvType layer)
{
  g_return_if_fail (layer < IOT_CONV_N_TYPES);
  if (self->tables != NULL)
    show_layer (self, page_from_name (page) == PAGE_ENDPOINTS, layer);
}

IotConvType
iot_stats_window_get_layer (IotStatsWindow *self, const char *page)
{
  return page_from_name (page) == PAGE_ENDPOINTS ? self->endpoint_layer : self->conv_layer;
}

char *
iot_stats_window_dup_row_filter (IotStatsWindow *self, const char *page, guint row)
{
  g_autoptr (IotStatsRow) item = page_row (self, page_from_name (page), row);

  return item ? row_filter (item) : NULL;
}

void
iot_stats_window_apply_row_filter (IotStatsWindow *self, const char *page, guint row)
{
  g_autofree char *filter = iot_stats_window_dup_row_filter (self, page, row);

  if (filter != NULL)
    iot_analysis_window_emit_filter_requested (IOT_ANALYSIS_WINDOW (self), filter);
}

guint32
iot_stats_window_get_expert_frame (IotStatsWindow *self, guint row)
{
  g_autoptr (IotStatsRow) item = page_row (self, PAGE_EXPERT, row);

  return item ? ((const IotExpertEntry *) item->data)->first_frame : 0;
}

void
iot_stats_window_activate_expert (IotStatsWindow *self, guint row)
{
  guint32 frame = iot_stats_window_get_expert_frame (self, row);

  if (frame != 0)
    iot_analysis_window_emit_frame_activated (IOT_ANALYSIS_WINDOW (self), frame);
}

IotHistogram *
iot_stats_window_get_histogram (IotStatsWindow *self, IotHistogramKind kind)
{
  if (self->tables == NULL)
    return NULL;
  return iot_stats_get_histogram (self->tables->stats, kind == IOT_HISTOGRAM_FRAME_LENGTH ? REQ_PLEN : REQ_IAT);
}

GtkCheckButton *
iot_stats_window_get_limit_check (IotStatsWindow *self)
{
  return self->limit_check;
}

guint32
iot_stats_window_get_n_counted (IotStatsWindow *self)
{
  return self->tables ? self->tables->n_counted : 0;
}

char *
iot_stats_window_dup_page_text (IotStatsWindow *self, const char *page)
{
  IotStats *stats;
  GString *out;
  const char *filter;

  if (self->tables == NULL)
    return NULL;
  stats = self->tables->stats;
  filter = self->tables->filter;
  out = g_string_new (NULL);
  switch (page != NULL ? page_from_name (page) : current_page (self))
    {
    case PAGE_PHS:
      iot_protocol_hierarchy_print (iot_stats_get_hierarchy (stats, REQ_PHS_TEXT), filter, out);
      break;
    case PAGE_CONV:
      iot_conversation_table_print (iot_stats_get_conversations (stats, REQ_CONV + self->conv_layer), filter, out);
      break;
    case PAGE_ENDPOINTS:
      iot_endpoint_table_print (iot_stats_get_endpoints (stats, REQ_ENDPOINTS + self->endpoint_layer), filter,
                                out);
      break;
    case PAGE_EXPERT:
      iot_expert_summary_print (iot_stats_get_expert (stats, REQ_EXPERT), out);
      break;
    case PAGE_HISTOGRAMS:
    default:
      iot_histogram_print (iot_stats_get_histogram (stats, REQ_PLEN), out);
      iot_histogram_print (iot_stats_get_histogram (stats, REQ_IAT), out);
      break;
    }
  return g_string_free (out, FALSE);
}

/* ---- GObject ------------------------------------------------------------------------ */

static GtkSingleSelection *
sorted_selection (GtkColumnView *view, GtkSortListModel **sorted)
{
  GtkSortListModel *model = gtk_sort_list_model_new (NULL, g_object_ref (gtk_column_view_get_sorter (view)));
  GtkSingleSelection *selection;

  *sorted = model;
  selection = gtk_single_selection_new (G_LIST_MODEL (model));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_column_view_set_model (view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
  return selection;
}

static void
make_layer_buttons (IotStatsWindow *self, gboolean endpoints)
{
  GtkToggleButton **buttons = endpoints ? self->endpoint_buttons : self->conv_buttons;

  for (guint t = 0; t < IOT_CONV_N_TYPES; t++)
    {
      GtkWidget *button = gtk_toggle_button_new_with_label (layer_titles[t]);
      const char *what = t == IOT_CONV_ETH ? _("hardware (MAC) addresses")
                         : t == IOT_CONV_IPV4 || t == IOT_CONV_IPV6 ? _("machines by IP address")
                         : _("programs, by address and port");
      g_autofree char *tip = g_strdup_printf (endpoints ? _("%s endpoints: %s") : _("%s conversations: %s"),
                                              layer_titles[t], what);

      gtk_widget_set_tooltip_text (button, tip);
      g_object_set_data (G_OBJECT (button), "endpoints", GINT_TO_POINTER (endpoints));
      g_object_set_data (G_OBJECT (button), "layer", GUINT_TO_POINTER (t));
      if (t > 0)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), buttons[0]);
      g_signal_connect (button, "toggled", G_CALLBACK (layer_toggled_cb), self);
      gtk_box_append (endpoints ? self->endpoint_layers : self->conv_layers, button);
      buttons[t] = GTK_TOGGLE_BUTTON (button);
    }
}

static void
setup_views (IotStatsWindow *self)
{
  add_columns (self, self->phs_view, "phs", phs_columns, G_N_ELEMENTS (phs_columns));
  add_columns (self, self->conv_view, "conv", conv_columns, G_N_ELEMENTS (conv_columns));
  add_columns (self, self->endpoint_view, "endpoints", endpoint_columns, G_N_ELEMENTS (endpoint_columns));
  add_columns (self, self->expert_view, "expert", expert_columns, G_N_ELEMENTS (expert_columns));
  add_columns (self, self->plen_view, "plen", bucket_columns, G_N_ELEMENTS (bucket_columns));
  add_columns (self, self->iat_view, "iat", bucket_columns, G_N_ELEMENTS (bucket_columns));
  self->conv_port_columns[0] = iot_stats_window_get_column (self, "conv", "Port A");
  self->conv_port_columns[1] = iot_stats_window_get_column (self, "conv", "Port B");
  self->endpoint_port_column = iot_stats_window_get_column (self, "endpoints", "Port");

  self->conv_selection = sorted_selection (self->conv_view, &self->conv_sorted);
  self->endpoint_selection = sorted_selection (self->endpoint_view, &self->endpoint_sorted);
  g_signal_connect (self->conv_selection, "notify::selected", G_CALLBACK (selection_changed_cb), self);
  g_signal_connect (self->endpoint_selection, "notify::selected", G_CALLBACK (selection_changed_cb), self);
  self->expert_store = g_list_store_new (IOT_TYPE_STATS_ROW);
  self->expert_selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->expert_store)));
  gtk_single_selection_set_autoselect (self->expert_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->expert_selection, TRUE);
  gtk_column_view_set_model (self->expert_view, GTK_SELECTION_MODEL (self->expert_selection));
  g_object_unref (self->expert_selection);
  g_signal_connect (self->expert_view, "activate", G_CALLBACK (expert_activate_cb), self);
  for (guint k = 0; k < 2; k++)
    {
      GtkNoSelection *none;

      self->bucket_stores[k] = g_list_store_new (IOT_TYPE_STATS_ROW);
      none = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->bucket_stores[k])));
      gtk_column_view_set_model (k == 0 ? self->plen_view : self->iat_view, GTK_SELECTION_MODEL (none));
      g_object_unref (none);
    }
  gtk_drawing_area_set_draw_func (self->plen_area, draw_histogram, self, NULL);
  gtk_drawing_area_set_draw_func (self->iat_area, draw_histogram, self, NULL);
  make_layer_buttons (self, FALSE);
  make_layer_buttons (self, TRUE);
}

static void
iot_stats_window_dispose (GObject *object)
{
  IotStatsWindow *self = IOT_STATS_WINDOW (object);

  iot_analysis_window_cancel (IOT_ANALYSIS_WINDOW (self));
  drop_menu (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), IOT_TYPE_STATS_WINDOW);
  G_OBJECT_CLASS (iot_stats_window_parent_class)->dispose (object);
}

static void
iot_stats_window_finalize (GObject *object)
{
  IotStatsWindow *self = IOT_STATS_WINDOW (object);

  g_clear_object (&self->phs_tree);
  for (guint t = 0; t < IOT_CONV_N_TYPES; t++)
    {
      g_clear_object (&self->conv_stores[t]);
      g_clear_object (&self->endpoint_stores[t]);
    }
  g_clear_object (&self->expert_store);
  g_clear_object (&self->bucket_stores[0]);
  g_clear_object (&self->bucket_stores[1]);
  g_clear_pointer (&self->tables, tables_unref);
  g_clear_pointer (&self->columns, g_hash_table_unref);
  g_free (self->session_filter);
  G_OBJECT_CLASS (iot_stats_window_parent_class)->finalize (object);
}

static void
iot_stats_window_class_init (IotStatsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = iot_stats_window_dispose;
  object_class->finalize = iot_stats_window_finalize;

  IOT_ANALYSIS_WINDOW_CLASS (klass)->progress = stats_progress;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-stats-window.ui");
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, switcher);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, copy_button);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, state_stack);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, loading_label);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, progress);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, pages);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, phs_view);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, conv_layers);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, conv_filter_button);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, conv_stack);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, conv_view);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, conv_empty);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, endpoint_layers);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, endpoint_filter_button);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, endpoint_stack);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, endpoint_view);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, endpoint_empty);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, expert_stack);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, expert_view);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, expert_empty);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, plen_summary);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, plen_area);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, plen_view);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, iat_summary);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, iat_area);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, iat_view);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, limit_check);
  gtk_widget_class_install_action (widget_class, "stats.apply-filter", NULL, apply_filter_action);
  gtk_widget_class_install_action (widget_class, "stats.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "stats.go-to-frame", NULL, go_to_frame_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "stats.copy",
                                       NULL);
}

static void
iot_stats_window_init (IotStatsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->columns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  setup_views (self);
  g_signal_connect (self->limit_check, "notify::active", G_CALLBACK (limit_toggled_cb), self);
}
