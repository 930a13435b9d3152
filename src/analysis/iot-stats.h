/* iot-stats.h — capture statistics: conversations, endpoints, protocol
 * hierarchy, expert summary and I/O intervals, with the text tshark 4.0
 * prints for its -z reports.  GLib only.
 *
 * Every table is built from frames handed to it one at a time, so a caller
 * (the CLI, the GUI) can fill all of them in a single pass over a capture
 * and then list, sort or print the rows.
 */
#pragma once

#include "iot-engine.h"
#include "iot-filter.h"
#include "iot-scan.h"

G_BEGIN_DECLS

/* "00:00:00_00:00:00", "Broadcast", "127.0.0.1", "::1": an address the way
 * tshark names it in its statistics (MAC vendor and well-known names). */
char *iot_stats_address_name (const IotAddress *addr);
/* "00:1a:2b:3c:4d:5e", "127.0.0.1", "::1": an address in its plain
 * numeric form, as a display filter takes it (no names). */
char *iot_stats_address_value (const IotAddress *addr);
/* The text tshark prints for a byte count: "1434 bytes", "16 kB". */
char *iot_stats_format_size (guint64 bytes);

/* ---- conversations ------------------------------------------------------ */

typedef enum {
  IOT_CONV_ETH,
  IOT_CONV_IPV4,
  IOT_CONV_IPV6,
  IOT_CONV_TCP,
  IOT_CONV_UDP,
  IOT_CONV_N_TYPES
} IotConvType;

/* "eth", "ip", "ipv6", "tcp", "udp" as in -z conv,ip. */
gboolean    iot_conv_type_parse (const char *text, IotConvType *type);
/* "Ethernet", "IPv4", "IPv6", "TCP", "UDP". */
const char *iot_conv_type_title (IotConvType type);
gboolean    iot_conv_type_has_ports (IotConvType type);

#define IOT_CONV_NO_STREAM G_MAXUINT32

/* One conversation.  A is the side that sent the first frame seen; "ab"
 * counts frames from A to B (tshark's "->"), "ba" the replies ("<-"). */
typedef struct {
  IotAddress addr_a, addr_b;
  guint16    port_a, port_b;      /* TCP and UDP only */
  guint32    stream;              /* tcp.stream / udp.stream, else IOT_CONV_NO_STREAM */
  guint64    frames_ab, bytes_ab;
  guint64    frames_ba, bytes_ba;
  gint64     start_ns;            /* first frame, relative to the capture's first frame */
  gint64     stop_ns;             /* last frame, same reference */
} IotConversation;

typedef struct _IotConversationTable IotConversationTable;

IotConversationTable  *iot_conversation_table_new (IotConvType type);
void                   iot_conversation_table_free (IotConversationTable *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotConversationTable, iot_conversation_table_free)

/* Counts one frame of @bytes sent from @src to @dst at @rel_ns. */
void                   iot_conversation_table_add (IotConversationTable *table,
                                                   const IotAddress *src, const IotAddress *dst,
                                                   guint16 src_port, guint16 dst_port,
                                                   guint32 stream, guint64 bytes, gint64 rel_ns);
/* Rows in the order they first appeared. */
guint                  iot_conversation_table_n_rows (IotConversationTable *table);
const IotConversation *iot_conversation_table_row (IotConversationTable *table, guint index);

typedef enum {
  IOT_CONV_SORT_FRAMES,     /* frames both ways */
  IOT_CONV_SORT_BYTES,      /* bytes both ways */
  IOT_CONV_SORT_START,
  IOT_CONV_SORT_DURATION,
} IotConvSort;

/* The rows (const IotConversation *) sorted by @key; rows that tie keep
 * the order in which they first appeared.  Free with g_ptr_array_unref. */
GPtrArray             *iot_conversation_table_sorted (IotConversationTable *table, IotConvSort key,
                                                      gboolean descending);
/* Appends tshark's "-z conv,TYPE[,FILTER]" report; @filter may be NULL. */
void                   iot_conversation_table_print (IotConversationTable *table, const char *filter,
                                                     GString *out);

/* ---- endpoints ------------------------------------------------------------ */

typedef struct {
  IotAddress addr;
  guint16    port;                /* TCP and UDP only */
  guint64    tx_frames, tx_bytes;
  guint64    rx_frames, rx_bytes;
} IotEndpoint;

typedef struct _IotEndpointTable IotEndpointTable;

IotEndpointTable  *iot_endpoint_table_new (IotConvType type);
void               iot_endpoint_table_free (IotEndpointTable *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotEndpointTable, iot_endpoint_table_free)

/* Counts one frame for both its sender and its receiver. */
void               iot_endpoint_table_add (IotEndpointTable *table,
                                           const IotAddress *src, const IotAddress *dst,
                                           guint16 src_port, guint16 dst_port, guint64 bytes);
guint              iot_endpoint_table_n_rows (IotEndpointTable *table);
const IotEndpoint *iot_endpoint_table_row (IotEndpointTable *table, guint index);
/* Rows (const IotEndpoint *) by frames sent and received, most first;
 * ties keep the order of first appearance. */
GPtrArray         *iot_endpoint_table_sorted (IotEndpointTable *table);
void               iot_endpoint_table_print (IotEndpointTable *table, const char *filter, GString *out);

/* ---- protocol hierarchy ----------------------------------------------------- */

typedef struct _IotPhsNode IotPhsNode;

/* One protocol at one place in the stack, e.g. "mqtt" inside eth/ip/tcp.
 * Children are the layers seen directly inside it, in order of appearance. */
struct _IotPhsNode {
  const char *abbrev;
  guint64     frames;
  guint64     bytes;
  IotPhsNode *parent;
  IotPhsNode *first_child;
  IotPhsNode *next_sibling;
};

typedef struct _IotProtocolHierarchy IotProtocolHierarchy;

IotProtocolHierarchy *iot_protocol_hierarchy_new (void);
void                  iot_protocol_hierarchy_free (IotProtocolHierarchy *phs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotProtocolHierarchy, iot_protocol_hierarchy_free)

/* Counts a frame whose layers are @abbrevs[0..n) (outermost first). */
void                  iot_protocol_hierarchy_add_path (IotProtocolHierarchy *phs, const char *const *abbrevs,
                                                       guint n, guint64 bytes);
/* Whether the frame's own row ("frame") is the root of every path, as in
 * Wireshark's window; tshark's text leaves it out unless a filter reads a
 * frame field.  Off by default. */
void                  iot_protocol_hierarchy_set_include_frame (IotProtocolHierarchy *phs, gboolean include);
/* Counts a frame dissected with the layers tap (IOT_DISSECT_TAP (IOT_TAP_PROTO)):
 * no tree is needed. */
void                  iot_protocol_hierarchy_add_packet (IotProtocolHierarchy *phs, IotPacket *pkt);
/* The first top-level node (its siblings are the others), or NULL. */
const IotPhsNode     *iot_protocol_hierarchy_root (IotProtocolHierarchy *phs);
guint64               iot_protocol_hierarchy_total_frames (IotProtocolHierarchy *phs);
guint64               iot_protocol_hierarchy_total_bytes (IotProtocolHierarchy *phs);
/* Share of all counted frames / bytes that contain @node, 0..100. */
double                iot_phs_node_frames_percent (IotProtocolHierarchy *phs, const IotPhsNode *node);
double                iot_phs_node_bytes_percent (IotProtocolHierarchy *phs, const IotPhsNode *node);
void                  iot_protocol_hierarchy_print (IotProtocolHierarchy *phs, const char *filter,
                                                    GString *out);

/* ---- expert summary -------------------------------------------------------------- */

typedef struct {
  IotSeverity    severity;
  IotExpertGroup group;
  const char    *protocol;        /* "TCP", "MQTT" … */
  const char    *summary;         /* the message */
  guint          count;
  guint32        first_frame;     /* the first frame with the item; 0 = not known */
} IotExpertEntry;

typedef struct _IotExpertSummary IotExpertSummary;

/* Keeps items of @min_severity and above. */
IotExpertSummary     *iot_expert_summary_new (IotSeverity min_severity);
void                  iot_expert_summary_free (IotExpertSummary *summary);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotExpertSummary, iot_expert_summary_free)

/* Counts every expert item of a frame dissected with its expert records
 * (IOT_DISSECT_TAP (IOT_TAP_EXPERT); no tree needed), and notes the frame
 * number of each entry's first item. */
void                  iot_expert_summary_add_packet (IotExpertSummary *summary, IotPacket *pkt);
/* Entries of one severity in order of first appearance. */
guint                 iot_expert_summary_n_entries (IotExpertSummary *summary, IotSeverity severity);
const IotExpertEntry *iot_expert_summary_entry (IotExpertSummary *summary, IotSeverity severity,
                                                guint index);
void                  iot_expert_summary_print (IotExpertSummary *summary, GString *out);

/* ---- I/O statistics ---------------------------------------------------------------- */

typedef enum {
  IOT_IO_FRAMES_BYTES,    /* plain filter: frames and bytes */
  IOT_IO_FRAMES,
  IOT_IO_BYTES,
  IOT_IO_COUNT,           /* occurrences of a field */
  IOT_IO_SUM,
  IOT_IO_MIN,
  IOT_IO_MAX,
  IOT_IO_AVG,
} IotIoCalc;

/* What one interval of one column collected, as -z io,stat keeps it; the
 * I/O graph keeps its intervals the same way so that its numbers match. */
typedef struct {
  guint32 frames;
  guint32 num;        /* values seen (AVG) */
  guint64 counter;    /* bytes, occurrences, integers (signed ones bit for bit), times in ns */
  double  dcounter;   /* floating-point fields */
} IotIoItem;

/* Whether @calc can be computed over @field: COUNT takes any field, the
 * other calculations numbers and times. */
gboolean   iot_io_calc_allows (IotIoCalc calc, const IotField *field);
/* Counts a frame that passed the column's filter into @item: its bytes,
 * or (COUNT, SUM, MIN, MAX, AVG) the occurrences or values of @field it
 * holds.  The dissection must have provided @field. */
void       iot_io_item_add_packet (IotIoItem *item, IotIoCalc calc, const IotField *field,
                                   IotPacket *pkt);
/* The value of @item as -z io,stat prints it: frames, bytes, or the
 * calculation over @field (times in seconds). */
double     iot_io_item_value (const IotIoItem *item, IotIoCalc calc, const IotField *field);
/* A frame's time since the first frame in whole microseconds, rounded as
 * -z io,stat places frames in intervals.  A frame stamped before the
 * first one (@rel_ns < 0) counts at the latest time seen so far, which
 * @last_us keeps (start it at 0). */
guint64    iot_io_stat_time_us (gint64 rel_ns, guint64 *last_us);

typedef struct _IotIoStat IotIoStat;

/* Intervals of @interval_us microseconds (0: one interval for the whole
 * capture), shown with @precision decimals (0..6). */
IotIoStat *iot_io_stat_new (guint64 interval_us, guint precision);
void       iot_io_stat_free (IotIoStat *io);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotIoStat, iot_io_stat_free)

/* Parses "io,stat,INTERVAL[,COL]…" as tshark does; each COL is a filter or
 * CALC(field)filter.  Columns name fields the dissection must provide:
 * see iot_io_stat_add_fields(). */
IotIoStat *iot_io_stat_parse (const char *spec, GError **error);
/* Adds a column; @filter (may be NULL) is taken over.  @text is the
 * column's heading (NULL: "Frames and bytes"). */
void       iot_io_stat_add_column (IotIoStat *io, IotIoCalc calc, const IotField *field,
                                   IotFilter *filter, const char *text);
void       iot_io_stat_add_fields (IotIoStat *io, IotFieldSet *set);
/* Counts a dissected frame at @rel_ns from the capture's first frame. */
void       iot_io_stat_add_packet (IotIoStat *io, IotPacket *pkt, gint64 rel_ns);
/* How long the capture lasts (its last frame relative to the first). */
void       iot_io_stat_set_duration (IotIoStat *io, gint64 duration_ns);
guint      iot_io_stat_n_columns (IotIoStat *io);
/* Intervals holding counted frames so far (the printout may show more). */
guint      iot_io_stat_n_intervals (IotIoStat *io, guint column);
/* Frames and the column's value in interval @row (0 when none). */
void       iot_io_stat_cell (IotIoStat *io, guint column, guint row, guint64 *frames, double *value);
void       iot_io_stat_print (IotIoStat *io, GString *out);

/* ---- histograms (-z plen,tree and -z iat,tree) ----------------------------------------- */

typedef enum {
  IOT_HISTOGRAM_FRAME_LENGTH,   /* bytes on the wire, as tshark's "Packet Lengths" tree */
  IOT_HISTOGRAM_INTER_FRAME,    /* time since the previous counted frame, in ns */
} IotHistogramKind;

/* One row of a histogram: a bucket, or the whole (iot_histogram_total()).
 * @low..@high is the range of values counted (both inclusive; the first
 * bucket of the inter-frame times also takes negative gaps, the last of
 * each kind everything above its @low).  @min, @max and @total are in the
 * kind's unit (bytes or ns) and meaningful when @count > 0. */
typedef struct {
  const char *label;          /* "40-79", "1-10 ms" */
  gint64      low, high;
  guint64     count;
  gint64      total;
  gint64      min, max;
} IotHistogramBucket;

typedef struct _IotHistogram IotHistogram;

IotHistogram             *iot_histogram_new (IotHistogramKind kind);
void                      iot_histogram_free (IotHistogram *hist);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotHistogram, iot_histogram_free)

IotHistogramKind          iot_histogram_kind (IotHistogram *hist);
/* "Packet Lengths", "Inter-frame Times". */
const char               *iot_histogram_title (IotHistogram *hist);
/* Counts a frame of @wirelen bytes seen at @rel_ns from the capture's
 * first frame: its length, or the gap since the previous frame counted
 * here (the first frame only starts the clock). */
void                      iot_histogram_add_frame (IotHistogram *hist, guint32 wirelen, gint64 rel_ns);
/* Counts one value (bytes or ns) at @rel_ns directly. */
void                      iot_histogram_add_value (IotHistogram *hist, gint64 value, gint64 rel_ns);
guint                     iot_histogram_n_buckets (IotHistogram *hist);
const IotHistogramBucket *iot_histogram_bucket (IotHistogram *hist, guint index);
/* Every value counted: count, min, max and total over all buckets. */
const IotHistogramBucket *iot_histogram_total (IotHistogram *hist);
/* Mean of a row's values in its unit; 0 when it is empty. */
double                    iot_histogram_bucket_average (const IotHistogramBucket *bucket);
/* Appends the stats_tree table tshark prints for -z plen,tree (our own
 * -z iat,tree has the same layout, its values in milliseconds). */
void                      iot_histogram_print (IotHistogram *hist, GString *out);

/* ---- several -z reports from one pass ----------------------------------------------- */

typedef struct _IotStats IotStats;

IotStats  *iot_stats_new (void);
void       iot_stats_free (IotStats *stats);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotStats, iot_stats_free)

/* Whether @spec names one of the reports below (io,phs, io,stat, conv,
 * endpoints, expert, plen,tree, iat,tree); then iot_stats_add_request()
 * accepts or rejects it. */
gboolean   iot_stats_handles (const char *spec);
/* Adds a report from tshark's -z syntax. */
gboolean   iot_stats_add_request (IotStats *stats, const char *spec, GError **error);
guint      iot_stats_n_requests (IotStats *stats);
/* What the dissection of each frame must provide for the requested reports. */
void       iot_stats_add_wanted (IotStats *stats, IotFieldSet *wanted, IotDissectFlags *flags);
/* Before the first frame: the capture, and how many frames will be read. */
void       iot_stats_begin (IotStats *stats, IotFile *file, guint32 n_frames);
/* Counts one dissected frame in every report. */
void       iot_stats_add_packet (IotStats *stats, IotPacket *pkt);
/* add_wanted and add_packet as a scan listener (instance: an IotStats,
 * after iot_stats_begin).  Add it before listeners that read frame.*
 * fields: as in tshark, the hierarchy counts a frame row only when the
 * output itself reads frame fields. */
extern const IotScanListener iot_stats_listener;
/* Appends every report, in the order tshark prints them (last requested first). */
void       iot_stats_print (IotStats *stats, GString *out);

/* The table behind request @index (in the order added), for a caller that
 * shows it itself; NULL when that request is of another kind.  Owned by
 * @stats. */
IotProtocolHierarchy *iot_stats_get_hierarchy (IotStats *stats, guint index);
IotConversationTable *iot_stats_get_conversations (IotStats *stats, guint index);
IotEndpointTable     *iot_stats_get_endpoints (IotStats *stats, guint index);
IotExpertSummary     *iot_stats_get_expert (IotStats *stats, guint index);
IotHistogram         *iot_stats_get_histogram (IotStats *stats, guint index);

G_END_DECLS
