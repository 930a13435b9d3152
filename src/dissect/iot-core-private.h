/* iot-core-private.h — structures shared inside the dissection layer (src/dissect)
 * and read by the layers above it; never by src/capture. */
#pragma once

#include <setjmp.h>

#include "iot-engine.h"
#include "iot-conversation.h"

G_BEGIN_DECLS

#define IOT_MAX_SOURCES 8

typedef struct _IotArenaBlock IotArenaBlock;

struct _IotPacket {
  /* First: the header's inline field checks read it (iot-dissector.h);
   * the engine sets it from flags and wanted below. */
  IotPacketWants     wants;
  IotEngine         *engine;
  IotFile           *file;
  guint32            number;
  const IotFrame    *frame;          /* &frame_entry */
  IotFrame           frame_entry;
  const guint8      *data;
  gboolean           first_pass;
  gboolean           in_error;
  gboolean           quoting;        /* an ICMP error quoted a packet in this frame */
  guint64           *layer_values;    /* by dissector id */
  guint              n_layer_values;
  IotDissectFlags    flags;
  const IotFieldSet *wanted;
  const guint8      *skip;           /* layers left out (iot-layer-cut.c), or NULL */
  /* First pass: the layers whose call marks the frame (see
   * iot_engine_keep_frame_marks()), or NULL; and whether one was called. */
  const guint8      *watch;
  gboolean           watched;
  guint32            prev_displayed;
  guint32            time_ref;
  const char        *time_column;

  GArray            *nodes;          /* IotNode */
  IotArenaBlock     *arena;
  gsize              arena_used;

  IotDataSource      sources[IOT_MAX_SOURCES];
  guint              n_sources;

  /* Columns. */
  const char        *protocol;
  GString           *info;
  gsize              info_fence;
  IotAddress         net_src, net_dst;
  IotAddress         dl_src, dl_dst;
  const char        *src_text, *dst_text;   /* link-layer text addresses, packet scratch */
  guint16            src_port, dst_port;

  /* The conversation the transport found for this frame (first pass
   * only), which the layers above may use instead of a look-up. */
  IotConvSlots   *conversation;

  /* A message dissector's request for more stream bytes. */
  gboolean           more_requested;
  guint              more_offset;
  guint              more_needed;

  GArray            *readings;       /* IotReading, strings in the arena */
  const char        *reading_device; /* the carrier's reading origin, in the arena; NULL: none */
  const char        *reading_series;

  GString           *protocols;      /* frame.protocols */
  gboolean           wants_protocols;
  int                protocols_node;
  IotSeverity        max_severity;
  /* Nodes made since the packet was created (not reset per frame): what
   * a state-only pass must keep at zero. */
  guint64            nodes_made;

  /* Typed records queued for the listeners (iot-tap.c), by IotTapId. */
  GPtrArray         *tap_records[IOT_TAP_N];

  /* Layer unwinding. */
  jmp_buf           *unwind;
  IotLayerEnd        unwind_why;
  const char        *unwind_reason;
  const IotDissector *layer;
  int                depth;
};

struct _IotFieldSet {
  guint   n_bits;
  guint8 *bits;
  /* The layers a dissection wanting only these fields may leave out
   * (iot-layer-cut.c), computed on first use. */
  guint8 *skip;
  gint    skip_ready;
};

/* One byte per dissector id, TRUE for a layer that neither carries a
 * field of @set nor may call one that does; NULL when none may be left
 * out.  Any thread. */
const guint8 *iot_field_set_skippable (IotFieldSet *set);
/* One byte per dissector id, TRUE for the layers a frame must have had
 * for a field of @set to be in it; NULL when not known.  Free with
 * g_free(). */
guint8       *iot_field_set_carriers (const IotFieldSet *set);
/* Reports (once) a call that iot-layer-cut.c does not list. */
void          iot_layer_cut_check_call (const IotDissector *caller, const IotDissector *callee);

/* The hot-path test every add function makes. */
static inline gboolean
packet_wants_field (const IotPacket *pkt, const IotField *field)
{
  guint id = (guint) field->id;

  if (pkt->flags & IOT_DISSECT_TREE)
    return TRUE;
  return pkt->wanted != NULL && id < pkt->wanted->n_bits
         && (pkt->wanted->bits[id / 8] & (1u << (id % 8))) != 0;
}

/* Nobody reads this frame's tree, fields or columns (the first pass): the
 * dissectors only update state, and no node or label is made. */
static inline gboolean
packet_state_only (const IotPacket *pkt)
{
  /* Tap records are made without a tree. */
  return (pkt->flags & ~IOT_DISSECT_TAPS) == 0 && pkt->wanted == NULL;
}

/* The packet's record lists (iot-tap.c). */
void iot_tap_records_init (IotPacket *pkt);
void iot_tap_records_reset (IotPacket *pkt);
void iot_tap_records_free (IotPacket *pkt);
/* The current layer ended early (truncated, malformed): its conversation
 * record counts nothing. */
void iot_tap_layer_ended_early (IotPacket *pkt);
/* An expert item for IOT_TAP_EXPERT; @info may be NULL, @message (copied
 * into the packet) too. */
void iot_tap_queue_expert (IotPacket *pkt, gconstpointer info, IotSeverity severity, IotExpertGroup group,
                           const char *message);

/* A top-level row of the tree, made or not, for IOT_TAP_PROTO. */
void iot_tap_queue_row (IotPacket *pkt, const IotField *field, const IotBuf *buf, guint off, guint len);

/* What an add function returns for a row it does not make.  With the
 * layers tap (IOT_TAP_PROTO) on, -2: a row that the tree would have,
 * so that rows added below it do not pass for top-level ones (-1, the
 * root). */
static inline int
packet_unmade (const IotPacket *pkt)
{
  return (pkt->flags & IOT_DISSECT_TAP (IOT_TAP_PROTO)) ? -2 : -1;
}

/* Tree nodes the engine's first pass has made so far (tests). */
guint64 iot_engine_first_pass_nodes (IotEngine *engine);
/* From the first pass's listener only: the pass dissects its next frames
 * into @fresh (an iot_packet_new() the pass has no other use for) and
 * hands over the packet of the frame just passed, with its records and
 * rows, for the caller to read later (e.g. on another thread) and to
 * give back or free. */
IotPacket *iot_engine_swap_first_pass_packet (IotEngine *engine, IotPacket *fresh);
/* The engine's stream index, or NULL (tests: its size). */
struct _IotStreamIndex *iot_engine_stream_index (IotEngine *engine);

void   iot_packet_reset (IotPacket *pkt);
void   iot_packet_finish (IotPacket *pkt);
/* A layer that threw (truncated or malformed): adds the row that says so
 * ("[Malformed Packet: X]" with its expert item, or the snap-length note)
 * and the matching tap records (iot-handoff.c calls it). */
void   iot_packet_end_layer_early (IotPacket *pkt, const IotDissector *dissector);
/* A new row of the tree (iot-packet.c), for the expert items and layer
 * ends in iot-packet-expert.c; its index in @index. */
IotNode *iot_packet_new_node (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                              guint off, guint len, int *index);
/* A row nobody reads: -1, or -2 with the layers record on (and a
 * top-level layer row recorded). */
int      iot_packet_row_not_made (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                                  guint off, guint len);

/* Registry internals used by the engine. */
const IotDissector *iot_registry_table_lookup (const char *table, guint32 key);
const IotDissector *iot_registry_string_table_lookup (const char *table, const char *key);
GPtrArray          *iot_registry_heuristics (const char *table);
/* Every entry of the numeric hand-off tables (tcp.port 1883 -> mqtt …),
 * sorted by table and key. */
typedef void (*IotHandoffFunc) (const char *table, guint32 key, const IotDissector *dissector, gpointer data);
void                iot_registry_foreach_handoff (IotHandoffFunc func, gpointer data);
IotDissector       *iot_registry_frame_dissector (void);
IotDissector       *iot_registry_data_dissector (void);
extern IotField     iot_expert_fields[];

/* The summary columns as fields (iot-columns.c). */
enum {
  IOT_COLUMN_F_NUMBER,
  IOT_COLUMN_F_TIME,
  IOT_COLUMN_F_SOURCE,
  IOT_COLUMN_F_DESTINATION,
  IOT_COLUMN_F_PROTOCOL,
  IOT_COLUMN_F_LENGTH,
  IOT_COLUMN_F_INFO,
  IOT_COLUMN_N_FIELDS
};
extern IotField     iot_column_fields[];
/* Whether @wanted names a column field: the frame then needs its columns. */
gboolean            iot_columns_wanted (const IotFieldSet *wanted);
/* Adds the wanted column fields to a dissected frame; @time_text is the
 * Time column as the caller formats it (NULL: seconds since the first
 * frame). */
void                iot_columns_add_nodes (IotPacket *pkt, const char *time_text);
enum {
  IOT_EXPERT_F_EXPERT,
  IOT_EXPERT_F_MESSAGE,
  IOT_EXPERT_F_SEVERITY,
  IOT_EXPERT_F_GROUP,
  IOT_EXPERT_F_MALFORMED,
  IOT_EXPERT_F_SHORT,
  IOT_EXPERT_N_FIELDS
};

/* The expert items the engine itself raises, registered under _ws as
 * tshark registers them under _ws.malformed. */
enum {
  IOT_CORE_E_MALFORMED,
  IOT_CORE_E_REASSEMBLY,
  IOT_CORE_N_EXPERTS
};
extern IotExpertInfo iot_core_experts[];

gpointer iot_engine_state (IotEngine *engine, const IotDissector *dissector);

/* First-child / next-sibling links over a packet's rows, for the printers
 * that walk the tree; parents always precede children. */
typedef struct {
  gint32 *first;
  gint32 *next;
  gint32  first_root;
} IotTreeLinks;

void iot_tree_links_build (IotPacket *pkt, IotTreeLinks *links);
void iot_tree_links_clear (IotTreeLinks *links);

G_END_DECLS
