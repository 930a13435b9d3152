/* tcp-private.h — what the parts of the TCP dissector share: its fields
 * and expert items, the per-capture state the first pass builds (streams,
 * one fact per frame, messages rebuilt from several segments) and the
 * functions of tcp-analysis.c (sequence analysis), tcp-options.c (the
 * options) and tcp-reassembly.c (payload hand-off and reassembly). */
#pragma once

#include "iot-dissector.h"

G_BEGIN_DECLS

enum {
  F_PROTO,
  F_SRCPORT,
  F_DSTPORT,
  F_PORT,
  F_STREAM,
  F_COMPLETENESS,
  F_LEN,
  F_SEQ,
  F_SEQ_RAW,
  F_NXTSEQ,
  F_ACK,
  F_ACK_RAW,
  F_HDR_LEN,
  F_FLAGS,
  F_FLAGS_RES,
  F_FLAGS_AE,
  F_FLAGS_CWR,
  F_FLAGS_ECE,
  F_FLAGS_URG,
  F_FLAGS_ACK,
  F_FLAGS_PUSH,
  F_FLAGS_RESET,
  F_FLAGS_SYN,
  F_FLAGS_FIN,
  F_FLAGS_STR,
  F_WINDOW_VALUE,
  F_WINDOW_SIZE,
  F_WINDOW_SCALEFACTOR,
  F_CHECKSUM,
  F_CHECKSUM_STATUS,
  F_URGENT_POINTER,
  F_OPTIONS,
  F_OPT_EOL,
  F_OPT_NOP,
  F_OPT_MSS,
  F_OPT_WSCALE,
  F_OPT_SACK_PERM,
  F_OPT_SACK,
  F_OPT_TIMESTAMP,
  F_OPT_UNKNOWN,
  F_OPTION_KIND,
  F_OPTION_LEN,
  F_MSS_VAL,
  F_WSCALE_SHIFT,
  F_WSCALE_MULTIPLIER,
  F_SACK_LE,
  F_SACK_RE,
  F_SACK_COUNT,
  F_TSVAL,
  F_TSECR,
  F_UNKNOWN_PAYLOAD,
  F_TIME_RELATIVE,
  F_TIME_DELTA,
  F_PAYLOAD,
  F_SEGMENT_DATA,
  F_REASSEMBLED_IN,
  F_SEGMENTS,
  F_SEGMENT,
  F_SEGMENT_COUNT,
  F_REASSEMBLED_LENGTH,
  F_REASSEMBLED_DATA,
  F_ANALYSIS,
  F_AN_FLAGS,
  F_AN_ACKS_FRAME,
  F_AN_ACK_RTT,
  F_AN_INITIAL_RTT,
  F_AN_BYTES_IN_FLIGHT,
  F_AN_PUSH_BYTES_SENT,
  F_AN_DUPLICATE_ACK_NUM,
  F_AN_DUPLICATE_ACK_FRAME,
  F_AN_RTO,
  F_AN_RTO_FRAME,
  N_FIELDS
};

/* Header flag bits (the 12 low bits of bytes 12–13). */
enum {
  TH_FIN = 0x001,
  TH_SYN = 0x002,
  TH_RST = 0x004,
  TH_PUSH = 0x008,
  TH_ACK = 0x010,
  TH_URG = 0x020,
  TH_ECE = 0x040,
  TH_CWR = 0x080,
  TH_AE = 0x100,
  TH_RES = 0xe00,
};

/* Completeness bits: which parts of a connection's life were seen. */
enum {
  SEEN_SYN = 0x01,
  SEEN_SYNACK = 0x02,
  SEEN_ACK = 0x04,
  SEEN_DATA = 0x08,
  SEEN_FIN = 0x10,
  SEEN_RST = 0x20,
};

/* Window scale states besides a shift count 0..14. */
#define WSCALE_UNKNOWN (-1)
#define WSCALE_NOT_USED (-2)

/* Expert items, under tshark's abbreviations.  The analysis items are
 * filters and -e fields of their own (tcp.analysis.retransmission …), and
 * analyses such as the insight find them by those fields. */
enum {
  E_RETRANSMISSION,
  E_FAST_RETRANSMISSION,
  E_SPURIOUS_RETRANSMISSION,
  E_OUT_OF_ORDER,
  E_REUSED_PORTS,
  E_LOST_SEGMENT,
  E_ACK_LOST_SEGMENT,
  E_WINDOW_UPDATE,
  E_WINDOW_FULL,
  E_KEEP_ALIVE,
  E_KEEP_ALIVE_ACK,
  E_ZERO_WINDOW_PROBE,
  E_ZERO_WINDOW,
  E_ZERO_WINDOW_PROBE_ACK,
  E_DUPLICATE_ACK,
  E_CONNECTION_SYN,
  E_CONNECTION_SYNACK,
  E_CONNECTION_FIN,
  E_CONNECTION_FIN_ACTIVE,
  E_CONNECTION_FIN_PASSIVE,
  E_CONNECTION_RST,
  E_WSCALE_SHIFT_INVALID,
  E_OPTION_LEN_INVALID,
  E_BOGUS_HEADER_LENGTH,
  N_EXPERTS
};
extern IotField      tcp_fields[N_FIELDS];
extern IotExpertInfo tcp_experts[N_EXPERTS];

/* ---- sequence analysis: what is kept ------------------------------------------ */

/* Analysis flags of one frame, with tshark's meanings. */
enum {
  TA_RETRANSMISSION = 0x0001,
  TA_LOST_SEGMENT = 0x0002,
  TA_ACK_LOST_SEGMENT = 0x0004,
  TA_KEEP_ALIVE = 0x0008,
  TA_DUPLICATE_ACK = 0x0010,
  TA_ZERO_WINDOW = 0x0020,
  TA_ZERO_WINDOW_PROBE = 0x0040,
  TA_ZERO_WINDOW_PROBE_ACK = 0x0080,
  TA_KEEP_ALIVE_ACK = 0x0100,
  TA_OUT_OF_ORDER = 0x0200,
  TA_FAST_RETRANSMISSION = 0x0400,
  TA_WINDOW_UPDATE = 0x0800,
  TA_WINDOW_FULL = 0x1000,
  TA_REUSED_PORTS = 0x2000,
  TA_SPURIOUS_RETRANSMISSION = 0x4000,
  TA_PRESENT = 0x8000,      /* the frame has analysis results (even without a flag) */
};

#define TA_WARNINGS 0x7fff

#define SEQ_WIDE G_MAXUINT16

/* The numbers of a frame's analysis in full (FrameFact.acks_back == SEQ_WIDE). */
typedef struct {
  guint32 frame;
  guint32 acks_frame;       /* 0 = acknowledges no segment exactly */
  guint32 bytes_in_flight;
  guint32 push_bytes_sent;
} SeqWide;

typedef struct {
  guint32 frame;
  guint32 dupack_num;
  guint32 dupack_frame;
  guint32 rto_frame;
} SeqRare;

/* A segment waiting for its acknowledgement (raw sequence numbers). */
typedef struct {
  guint32 seq, nextseq, frame;
} Unacked;

/* First pass: one direction of a connection as the analysis follows it. */
typedef struct {
  gboolean started;
  guint32  nextseq;         /* highest next sequence number seen; 0 = none yet */
  guint32  nextseq_frame;
  gint64   nextseq_time;
  guint32  maxseqtobeacked; /* end of the data seen without a gap; 0 = none */
  guint32  lastack;
  gint64   lastack_time;
  guint32  lastnondupack;   /* frame that last changed the acknowledgement number */
  guint32  dupacknum;
  guint32  window;          /* last (scaled) window; G_MAXUINT32 = none yet */
  guint16  lastsegmentflags;
  gboolean valid_bif;
  gboolean push_set_last;
  guint32  push_bytes_sent;
  guint32  sack_bytes;      /* SACK blocks of this direction's latest segment */
  /* Unacknowledged segments in the order they were sent: v[head .. head+n). */
  Unacked *v;
  guint32  head, n, cap;
  guint32  last_nextseq;    /* of the newest entry */
  /* While sorted, the segments follow each other without overlap, so
   * acknowledgements remove a prefix and the extremes are the ends. */
  gboolean sorted;
  /* Extremes relative to min_base, kept up to date while appending. */
  guint32  min_rel, max_rel, min_base;
} SeqFlow;

/* One change of a per-stream value: @value holds from frame @frame on. */
typedef struct {
  guint32 frame;
  gint32  value;
} Change;

typedef struct {
  Change *v;
  guint32 n, cap;
} History;

typedef struct {
  IotAddress addr[2];       /* side 0 sent the stream's first segment */
  guint16    port[2];
  guint32    first_frame;
  guint32    last_frame;    /* first pass: latest frame of the stream */
  /* First-pass "current" values, mirrored into the histories. */
  guint32    base[2];
  gboolean   base_set[2];
  gint8      wscale[2];
  guint8     completeness;
  History    base_hist[2];
  History    wscale_hist[2];
  History    completeness_hist;
  /* First pass: a message being gathered in each direction. */
  struct _Gather *gather[2];
  /* First pass: sequence analysis of each direction (NULL until needed). */
  SeqFlow    flow[2];
  /* Handshake round trip: time of the latest SYN, and the iRTT once the
   * first ACK after it was seen (both 0 = not yet). */
  gint64     syn_time;
  gint64     irtt;
  /* The SYN that opened this stream on the ports of an earlier one; 0 = none. */
  guint32    reused_frame;
  /* 1 + the direction that sent the first FIN; 0 = none yet. */
  guint8     fin_side;
  /* First pass: the stretches of each direction's bytes the capture has not
   * seen (a segment lost before the capture point), to recognise their
   * retransmission as the first sight of those bytes.  The end of what
   * was seen is kept here (read on every segment), the holes apart (made
   * at the first one). */
  gboolean   seen_any[2];
  guint32    seen_next[2];  /* after the highest byte seen */
  struct _Unseen *unseen[2];
} TcpStream;

/* What the first pass recorded about one frame, in one array indexed by
 * frame number (most frames of a capture are TCP ones, so a flat array
 * is both the smallest and the quickest to read back).  Twelve bytes:
 * 16-bit halves keep the struct free of padding.  The analysis numbers
 * are stored as they are when they fit in 16 bits (nearly always), else
 * in a SeqWide entry.  The bytes sent since the last PSH are nearly always
 * 0, the bytes in flight (one message at a time in flight, as IoT
 * protocols send) or the segment's own length (every segment pushed), so
 * two bits say which; other values go to SeqWide too.
 * Times are not stored: the RTT and RTO are the differences between this
 * frame's time and the frame named. */
typedef struct {
  guint16 stream_lo;        /* stream index + 1 (0 = no TCP segment recorded), */
  guint16 stream_hi;        /* its three top bits: FACT_HAS_SEG_FACT, FACT_PUSH_IS_* */
  guint16 prev_back;        /* frame - previous frame of the stream; 0 = none; SEQ_WIDE: see PrevWide */
  guint16 flags;            /* TA_*; 0 = no analysis results */
  guint16 acks_back;        /* frame - the frame acknowledged exactly; 0 = none; SEQ_WIDE: see SeqWide */
  guint16 bytes_in_flight;
} FrameFact;

G_STATIC_ASSERT (sizeof (FrameFact) == 12);

#define FACT_HAS_SEG_FACT 0x8000u  /* the frame has a SegFact */
#define FACT_PUSH_IS_BIF  0x4000u  /* push_bytes_sent = bytes_in_flight */
#define FACT_PUSH_IS_LEN  0x2000u  /* push_bytes_sent = the segment's payload length (neither: 0) */
#define FACT_STREAM_BITS  0x1fffu  /* of stream_hi: streams up to 2^29 - 1 */

/* The previous frame of a stream when it is SEQ_WIDE frames back or more. */
typedef struct {
  guint32 frame;
  guint32 prev_frame;
} PrevWide;

static inline guint32
fact_stream_plus1 (const FrameFact *f)
{
  return ((guint32) (f->stream_hi & FACT_STREAM_BITS) << 16) | f->stream_lo;
}

/* One address/port pair: its latest stream (ports reused by a new
 * connection open a new stream under the same key). */
typedef struct {
  IotConvSlots conv;     /* first: the key the table hashes */
  guint32         stream_plus1;
} TcpConv;

typedef struct {
  GPtrArray  *streams;      /* TcpStream*, by index */
  IotConvTable *by_key;     /* first pass: connection key → TcpConv */
  GArray     *facts;        /* FrameFact, by frame number */
  GPtrArray  *pdus;         /* Pdu*: messages rebuilt from several segments */
  GHashTable *seg_facts;    /* frame → SegFact*, only for segments in such messages */
  /* Sorted by frame: the analysis numbers and previous frames too large
   * for their FrameFact, and the rarer numbers (SeqRare). */
  GArray     *prev_wide;
  GArray     *seq_wide;
  GArray     *seq_rare;
  guint32     last_analyzed;   /* first pass: the latest frame analysed */
} TcpState;

/* ---- messages spread over several segments ------------------------------------ */

typedef struct {
  guint32 completed_in;    /* 0 = the capture ended first */
  guint32 start_seq;       /* raw sequence numbers of its first byte and of */
  guint32 end_seq;         /* the byte after it (set once completed) */
  GArray *pieces;          /* IotPiece */
} Pdu;

/* Which parts of a segment's payload belong to rebuilt messages. */
typedef struct {
  guint32 head_len;        /* bytes at the start that continue or end message head_pdu */
  guint32 head_pdu;        /* index + 1, 0 = none */
  guint32 tail_off;        /* payload offset where message tail_pdu starts */
  guint32 tail_pdu;        /* index + 1, 0 = none */
  gboolean resent;         /* a resend of bytes of a message already rebuilt */
  gboolean first_seen;     /* a retransmission of bytes the capture had not seen: decoded */
} SegFact;

/* Bytes of one direction the capture has not seen: at most a few holes,
 * oldest first.  A hole whose first byte starts a message (the bytes before
 * it ended one) can be decoded when its retransmission comes. */
typedef struct {
  guint32  start, end;     /* raw sequence numbers */
  gboolean at_boundary;
} Hole;

typedef struct _Unseen {
  Hole     holes[8];
  guint    n_holes;
} Unseen;

typedef struct _Gather {
  guint32     pdu;         /* index + 1 of the message being gathered, 0 = none */
  guint32     next_seq;    /* raw sequence number of the next byte expected */
  guint32     needed;      /* total length the message needs, 0 = not known yet */
  GByteArray *bytes;
  /* A message that a gap made impossible to rebuild: its bytes up to
   * lost_end (raw sequence number) are still its own, not the start of
   * new messages. */
  guint32     lost_pdu;    /* index + 1, 0 = none */
  guint32     lost_end;
  /* The latest messages rebuilt in this direction (index + 1), oldest
   * first, for recognising resent bytes of them. */
  guint32     rebuilt[16];
  guint       n_rebuilt;
} Gather;

/* One segment as read from its header. */
typedef struct {
  guint16  sport, dport;
  guint32  seq, ack;
  guint16  flags;
  guint32  len;             /* payload bytes, as reported */
  /* Filled while reading options. */
  gboolean options_done;    /* every option was read (none ran past the capture) */
  gboolean has_wscale;
  guint8   wscale_shift;
  guint32  sack_bytes;      /* sum of the SACK blocks' lengths */
} Segment;

/* Sequence-space comparisons that survive the wrap at 2^32. */
#define GT_SEQ(a, b) ((gint32) ((guint32) (a) - (guint32) (b)) > 0)
#define LT_SEQ(a, b) ((gint32) ((guint32) (a) - (guint32) (b)) < 0)
#define LE_SEQ(a, b) ((gint32) ((guint32) (a) - (guint32) (b)) <= 0)

/* tcp-analysis.c */
guint16       tcp_first_pass_analysis (TcpState *st, TcpStream *s, guint dir, IotPacket *pkt,
                                       const Segment *seg, guint32 window, gboolean reused);
guint16       tcp_add_seq_analysis    (TcpState *st, const TcpStream *s, IotPacket *pkt, int tree,
                                       IotBuf *buf, const FrameFact *stored, guint32 seg_len);
gconstpointer tcp_find_by_frame       (const GArray *a, gsize size, guint32 frame);

/* tcp-options.c */
void          tcp_dissect_options     (IotPacket *pkt, IotBuf *buf, int tree, guint hdr_len, Segment *seg,
                                       guint32 sack_base);

/* tcp-reassembly.c */
void          tcp_hand_off            (TcpState *st, TcpStream *s, guint dir, IotPacket *pkt, IotBuf *buf,
                                       int tree, guint hdr_len, const Segment *seg, guint16 analysis);

G_END_DECLS
