/* iot-stats-rows.h — what the Statistics window's pages share: the counted
 * tables (one count, shown by every page), the row objects their column
 * views list, and the columns themselves.
 */
#pragma once

#include <gtk/gtk.h>

#include "iot-stats.h"

G_BEGIN_DECLS

/* The requests given to IotStats, in this order. */
enum {
  IOT_STATS_REQ_PHS,              /* with the "frame" root, for the window */
  IOT_STATS_REQ_PHS_TEXT,         /* without it, as `-z io,phs` prints */
  IOT_STATS_REQ_CONV,             /* + IotConvType */
  IOT_STATS_REQ_ENDPOINTS = IOT_STATS_REQ_CONV + IOT_CONV_N_TYPES,
  IOT_STATS_REQ_EXPERT = IOT_STATS_REQ_ENDPOINTS + IOT_CONV_N_TYPES,
  IOT_STATS_REQ_PLEN,
  IOT_STATS_REQ_IAT,
  IOT_STATS_N_REQUESTS
};

/* What one count produced.  Shared by reference between the window and
 * every row shown, so a row GTK still holds never points into freed
 * tables. */
typedef struct {
  IotStats  *stats;
  IotFile   *file;         /* while counting: the counted capture's */
  IotFilter *compiled;     /* while counting: the filter, compiled for the worker */
  gint64     started;      /* while counting: when it started (monotonic) */
  char      *filter;       /* the display filter the count was limited to, or NULL */
  guint32    n_total;      /* frames in the capture when counted */
  guint32    n_counted;    /* frames that passed the filter */
  gint64     first_ns;     /* first and last counted frame, from the capture's start */
  gint64     last_ns;
  double     seconds;      /* how long the count took */
} IotStatsTables;

IotStatsTables *iot_stats_tables_new (void);
IotStatsTables *iot_stats_tables_ref (IotStatsTables *t);
void            iot_stats_tables_unref (IotStatsTables *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotStatsTables, iot_stats_tables_unref)
/* Seconds from the first counted frame to the last. */
double          iot_stats_tables_duration (const IotStatsTables *t);

/* The columns of every page; a cell's text and sort order depend on it. */
typedef enum {
  IOT_STATS_COL_PHS_PROTOCOL, IOT_STATS_COL_PHS_PCT_FRAMES, IOT_STATS_COL_PHS_FRAMES, IOT_STATS_COL_PHS_PCT_BYTES,
  IOT_STATS_COL_PHS_BYTES, IOT_STATS_COL_PHS_BPS, IOT_STATS_COL_PHS_END_FRAMES, IOT_STATS_COL_PHS_END_BYTES,
  IOT_STATS_COL_CONV_ADDR_A, IOT_STATS_COL_CONV_PORT_A, IOT_STATS_COL_CONV_ADDR_B, IOT_STATS_COL_CONV_PORT_B,
  IOT_STATS_COL_CONV_FRAMES, IOT_STATS_COL_CONV_BYTES, IOT_STATS_COL_CONV_FRAMES_AB, IOT_STATS_COL_CONV_BYTES_AB,
  IOT_STATS_COL_CONV_FRAMES_BA, IOT_STATS_COL_CONV_BYTES_BA, IOT_STATS_COL_CONV_START, IOT_STATS_COL_CONV_DURATION,
  IOT_STATS_COL_CONV_BPS_AB, IOT_STATS_COL_CONV_BPS_BA,
  IOT_STATS_COL_EP_ADDR, IOT_STATS_COL_EP_PORT, IOT_STATS_COL_EP_FRAMES, IOT_STATS_COL_EP_BYTES,
  IOT_STATS_COL_EP_TX_FRAMES, IOT_STATS_COL_EP_TX_BYTES, IOT_STATS_COL_EP_RX_FRAMES, IOT_STATS_COL_EP_RX_BYTES,
  IOT_STATS_COL_EX_SEVERITY, IOT_STATS_COL_EX_GROUP, IOT_STATS_COL_EX_PROTOCOL, IOT_STATS_COL_EX_SUMMARY,
  IOT_STATS_COL_EX_COUNT, IOT_STATS_COL_EX_FRAME,
  IOT_STATS_COL_B_RANGE, IOT_STATS_COL_B_COUNT, IOT_STATS_COL_B_PERCENT, IOT_STATS_COL_B_AVERAGE,
  IOT_STATS_COL_B_MIN, IOT_STATS_COL_B_MAX,
} IotStatsColumn;

/* Which columns a view shows. */
typedef enum {
  IOT_STATS_COLUMNS_PHS,
  IOT_STATS_COLUMNS_CONV,
  IOT_STATS_COLUMNS_ENDPOINTS,
  IOT_STATS_COLUMNS_EXPERT,
  IOT_STATS_COLUMNS_BUCKETS,
} IotStatsColumns;

/* One row of a page: a protocol, conversation, endpoint, expert item or
 * histogram bar of the tables it keeps alive. */
#define IOT_TYPE_STATS_ROW (iot_stats_row_get_type ())
G_DECLARE_FINAL_TYPE (IotStatsRow, iot_stats_row, IOT, STATS_ROW, GObject)

IotStatsRow *iot_stats_row_new_phs (IotStatsTables *tables, const IotPhsNode *node);
IotStatsRow *iot_stats_row_new_conversation (IotStatsTables *tables, const IotConversation *conv, IotConvType layer);
IotStatsRow *iot_stats_row_new_endpoint (IotStatsTables *tables, const IotEndpoint *endpoint, IotConvType layer);
IotStatsRow *iot_stats_row_new_expert (IotStatsTables *tables, const IotExpertEntry *entry);
IotStatsRow *iot_stats_row_new_bucket (IotStatsTables *tables, IotHistogram *hist, const IotHistogramBucket *bucket);
/* The protocol's children, for a GtkTreeListModel (NULL for a leaf). */
GListModel  *iot_stats_row_phs_children (IotStatsRow *row);
/* The text of its cell under @column. */
char        *iot_stats_row_dup_text (IotStatsRow *row, IotStatsColumn column);
/* "Apply as Filter": "tcp.stream eq 3", "ip.addr==…", a protocol's name;
 * NULL for rows without one. */
char        *iot_stats_row_dup_filter (IotStatsRow *row);
/* An expert row's first frame (0 for other rows). */
guint32      iot_stats_row_get_first_frame (IotStatsRow *row);
/* The row of a list item or a GtkTreeListRow of rows (a reference). */
IotStatsRow *iot_stats_row_from_item (gpointer item);

/* Appends @columns to @view: titles, tooltips, widths, sorters. */
void                 iot_stats_view_add_columns (GtkColumnView *view, IotStatsColumns columns);
GtkColumnViewColumn *iot_stats_view_find_column (GtkColumnView *view, IotStatsColumn column);

/* Histogram texts: "10–100 µs" for "10-100 us"; a value in its unit. */
char        *iot_stats_bucket_label (const char *label);
char        *iot_stats_bucket_value_text (IotHistogram *hist, double value);

G_END_DECLS
