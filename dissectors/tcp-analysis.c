/* tcp-analysis.c — TCP sequence analysis: the first pass follows each direction of
 * a connection and stores its conclusions per frame; later dissections
 * show them from there. */
#include "tcp-private.h"

#include <string.h>

/* ---- sequence analysis ------------------------------------------------------ */

/* The first pass follows each direction of a connection as tshark does:
 * the next expected sequence number, the last acknowledgement and window,
 * and the segments still waiting for their acknowledgement.  Each frame's
 * conclusions are stored (FrameFact, SeqWide, SeqRare) and shown from there on every
 * later dissection. */

/* tshark remembers at most this many unacknowledged segments per direction. */
#define MAX_UNACKED 10000

typedef struct {
  guint16 flags;
  guint32 acks_frame, bytes_in_flight, push_bytes_sent;
  guint32 dupack_num, dupack_frame, rto_frame;
} SeqResult;

static SeqFlow *
seq_flow (TcpStream *s, guint dir)
{
  SeqFlow *f = &s->flow[dir];

  if (!f->started)
    {
      f->started = TRUE;
      f->window = G_MAXUINT32;
      f->valid_bif = TRUE;
      f->sorted = TRUE;
    }
  return f;
}

/* Recomputes the extremes and whether the list is sorted: after removals
 * from an unsorted list, or when the relative base moved. */
static void
unacked_rescan (SeqFlow *f, guint32 base)
{
  const Unacked *u = f->v + f->head;

  f->min_base = base;
  f->sorted = TRUE;
  if (f->n == 0)
    return;
  f->min_rel = u[0].seq - base;
  f->max_rel = u[0].nextseq - base;
  f->last_nextseq = u[f->n - 1].nextseq;
  for (guint32 i = 0; i < f->n; i++)
    {
      f->min_rel = MIN (f->min_rel, u[i].seq - base);
      f->max_rel = MAX (f->max_rel, u[i].nextseq - base);
      if (u[i].nextseq - base <= u[i].seq - base
          || (i > 0 && (!LE_SEQ (u[i - 1].nextseq, u[i].seq) || u[i].seq - base < u[i - 1].nextseq - base)))
        f->sorted = FALSE;
    }
}

static void
unacked_append (SeqFlow *f, guint32 base, guint32 seq, guint32 nextseq, guint32 frame)
{
  guint32 last_nextseq;

  if (f->head + f->n == f->cap)
    {
      if (f->head > 0 && f->head >= f->n)
        {
          memmove (f->v, f->v + f->head, f->n * sizeof (Unacked));
          f->head = 0;
        }
      else
        {
          f->cap = f->cap ? f->cap * 2 : 8;
          f->v = g_renew (Unacked, f->v, f->cap);
        }
    }
  f->v[f->head + f->n] = (Unacked) { seq, nextseq, frame };
  f->n++;
  last_nextseq = f->last_nextseq;
  f->last_nextseq = nextseq;
  if (f->n == 1)
    {
      f->min_base = base;
      f->sorted = nextseq - base > seq - base;
      f->min_rel = seq - base;
      f->max_rel = nextseq - base;
      return;
    }
  if (f->min_base != base)
    {
      unacked_rescan (f, base);
      return;
    }
  f->min_rel = MIN (f->min_rel, seq - base);
  f->max_rel = MAX (f->max_rel, nextseq - base);
  if (nextseq - base <= seq - base || !LE_SEQ (last_nextseq, seq) || seq - base < last_nextseq - base)
    f->sorted = FALSE;
}

/* Applies acknowledgement number @ack to the other direction's list @f:
 * segments it covers go, one it covers in part is cut.  Returns the frame
 * of the oldest segment that ends exactly at @ack, or 0. */
static guint32
unacked_ack (SeqFlow *f, guint32 base, guint32 ack)
{
  guint32 acked = 0, out;

  if (f->n == 0)
    return 0;
  if (f->sorted && f->min_base == base)
    {
      /* Segments follow each other: what @ack covers is a prefix. */
      while (f->n > 0)
        {
          Unacked *u = &f->v[f->head];

          if (u->nextseq == ack)
            acked = acked ? acked : u->frame;
          else if (GT_SEQ (ack, u->seq) && LE_SEQ (ack, u->nextseq))
            {
              u->seq = ack;
              break;
            }
          else if (GT_SEQ (u->nextseq, ack))
            break;
          f->head++;
          f->n--;
        }
      if (f->n == 0)
        f->head = 0;
      else
        f->min_rel = f->v[f->head].seq - base;
      return acked;
    }
  out = f->head;
  for (guint32 i = f->head; i < f->head + f->n; i++)
    {
      Unacked u = f->v[i];

      if (u.nextseq == ack)
        {
          acked = acked ? acked : u.frame;
          continue;
        }
      if (GT_SEQ (ack, u.seq) && LE_SEQ (ack, u.nextseq))
        u.seq = ack;
      else if (!GT_SEQ (u.nextseq, ack))
        continue;
      f->v[out++] = u;
    }
  f->n = out - f->head;
  if (f->n == 0)
    f->head = 0;
  unacked_rescan (f, base);
  return acked;
}

/* A segment with data (or SYN/FIN) that does not advance the stream: a
 * fast retransmission, an out-of-order segment, a spurious or an ordinary
 * retransmission. */
static void
classify_resend (const TcpStream *s, const SeqFlow *fwd, const SeqFlow *rev, guint32 seq, guint32 seglen,
                 guint16 flags, gint64 now, SeqResult *r)
{
  gboolean behind = fwd->nextseq != 0 && LT_SEQ (seq, fwd->nextseq);
  guint64 threshold;

  if (r->flags & TA_KEEP_ALIVE)
    return;
  /* Right after two or more duplicate ACKs asking for exactly this byte. */
  if (behind && rev->dupacknum >= 2 && rev->lastack == seq && (guint64) (now - rev->lastack_time) < 20000000)
    {
      r->flags |= TA_FAST_RETRANSMISSION;
      return;
    }
  /* Soon (within the handshake RTT, else 3 ms) after the newest data. */
  threshold = s->irtt != 0 ? (guint64) s->irtt : 3000000;
  if (behind && (guint64) (now - fwd->nextseq_time) < threshold
      && fwd->nextseq != seq + seglen + ((flags & (TH_SYN | TH_FIN)) ? 1 : 0))
    {
      r->flags |= TA_OUT_OF_ORDER;
      return;
    }
  /* Everything in it was acknowledged already. */
  if (seglen > 0 && rev->lastack != 0 && LE_SEQ (seq + seglen, rev->lastack))
    {
      r->flags |= TA_SPURIOUS_RETRANSMISSION;
      return;
    }
  if (behind)
    {
      r->flags |= TA_RETRANSMISSION;
      /* The timeout ran from the oldest segment still unacknowledged, or
       * else from the segment that brought the highest sequence number. */
      r->rto_frame = fwd->n > 0 ? fwd->v[fwd->head].frame : fwd->nextseq_frame;
    }
}

/* The checks on a segment before its acknowledgement is looked at; returns
 * FALSE when a probe or its answer ends them early. */
static gboolean
classify_segment (const TcpStream *s, guint dir, SeqFlow *fwd, SeqFlow *rev, const Segment *seg,
                  guint32 window, SeqResult *r)
{
  guint32 seq = seg->seq, ack = seg->ack, seglen = seg->len;
  gboolean plain = (seg->flags & (TH_SYN | TH_FIN | TH_RST)) == 0;
  gboolean same_ack = seglen == 0 && seq == fwd->nextseq && ack == fwd->lastack && plain;

  /* One byte into a window the other side announced as zero. */
  if (seglen == 1 && seq == fwd->nextseq && rev->window == 0)
    {
      r->flags |= TA_ZERO_WINDOW_PROBE;
      return FALSE;
    }
  if (window == 0 && plain)
    r->flags |= TA_ZERO_WINDOW;
  if (fwd->nextseq != 0 && GT_SEQ (seq, fwd->nextseq) && !(seg->flags & TH_RST))
    {
      r->flags |= TA_LOST_SEGMENT;
      /* Bytes in flight are unknown until the other side acknowledges again. */
      fwd->valid_bif = FALSE;
    }
  if (seglen <= 1 && seq == fwd->nextseq - 1 && plain)
    r->flags |= TA_KEEP_ALIVE;
  if (same_ack && window != 0 && window != fwd->window)
    r->flags |= TA_WINDOW_UPDATE;
  if (seglen > 0 && s->wscale[1 - dir] != WSCALE_UNKNOWN && seq + seglen == rev->lastack + rev->window && plain)
    r->flags |= TA_WINDOW_FULL;
  if (same_ack && window != 0 && window == fwd->window && (rev->lastsegmentflags & TA_KEEP_ALIVE))
    {
      r->flags |= TA_KEEP_ALIVE_ACK;
      return FALSE;
    }
  if (seglen == 0 && window == 0 && fwd->window == 0 && seq == fwd->nextseq && plain
      && (ack == fwd->lastack || ack == fwd->lastack + 1) && (rev->lastsegmentflags & TA_ZERO_WINDOW_PROBE))
    {
      r->flags |= TA_ZERO_WINDOW_PROBE_ACK;
      /* The receiver took the probe's byte after all. */
      if (ack == fwd->lastack + 1)
        {
          rev->nextseq = ack;
          rev->maxseqtobeacked = ack;
        }
      return FALSE;
    }
  if (same_ack && window != 0 && window == fwd->window)
    {
      fwd->dupacknum++;
      r->flags |= TA_DUPLICATE_ACK;
      r->dupack_num = fwd->dupacknum;
      r->dupack_frame = fwd->lastnondupack;
    }
  return TRUE;
}

/* First pass: analyses one segment of direction @dir of @s. */
static void
analyze_segment (TcpStream *s, guint dir, const Segment *seg, guint32 window, guint32 frame, gint64 now,
                 SeqResult *r)
{
  SeqFlow *fwd = seq_flow (s, dir), *rev = seq_flow (s, 1 - dir);
  guint32 seq = seg->seq, ack = seg->ack, seglen = seg->len, nextseq, acked;
  gboolean probe;

  if (seg->flags & TH_ACK)
    rev->valid_bif = TRUE;
  classify_segment (s, dir, fwd, rev, seg, window, r);
  if (ack != fwd->lastack)
    {
      fwd->lastnondupack = frame;
      fwd->dupacknum = 0;
    }
  /* Acknowledges data never seen: the capture missed it. */
  if (rev->maxseqtobeacked != 0 && GT_SEQ (ack, rev->maxseqtobeacked) && (seg->flags & TH_ACK))
    {
      r->flags |= TA_ACK_LOST_SEGMENT;
      rev->maxseqtobeacked = rev->nextseq;
    }
  if (seglen > 0 || (seg->flags & (TH_SYN | TH_FIN)))
    classify_resend (s, fwd, rev, seq, seglen, seg->flags, now, r);

  nextseq = seq + seglen;
  if ((seglen > 0 || (seg->flags & (TH_SYN | TH_FIN))) && fwd->n < MAX_UNACKED)
    {
      if (seg->flags & (TH_SYN | TH_FIN))
        nextseq++;
      unacked_append (fwd, s->base[dir], seq, nextseq, frame);
    }
  /* A zero-window probe does not move the stream forward. */
  probe = (r->flags & TA_ZERO_WINDOW_PROBE) != 0;
  if ((GT_SEQ (nextseq, fwd->nextseq) || fwd->nextseq == 0) && !probe)
    {
      fwd->nextseq = nextseq;
      fwd->nextseq_frame = frame;
      fwd->nextseq_time = now;
    }
  if ((seq == fwd->maxseqtobeacked || fwd->maxseqtobeacked == 0) && !probe)
    fwd->maxseqtobeacked = fwd->nextseq;
  fwd->window = window;
  fwd->lastack = ack;
  fwd->lastack_time = now;
  fwd->lastsegmentflags = r->flags & TA_WARNINGS;
  fwd->sack_bytes = seg->sack_bytes;

  acked = unacked_ack (rev, s->base[1 - dir], ack);
  if (acked != 0)
    {
      r->acks_frame = acked;
      r->flags |= TA_PRESENT;
    }
  if (seglen != 0 && fwd->n > 0 && fwd->valid_bif)
    {
      /* Data the receiver reported in its latest SACK blocks arrived;
       * a FIN is not data. */
      guint32 in_flight = fwd->max_rel - fwd->min_rel - rev->sack_bytes - ((seg->flags & (TH_SYN | TH_FIN)) ? 1 : 0);

      if (fwd->push_set_last)
        {
          fwd->push_bytes_sent = 0;
          fwd->push_set_last = FALSE;
        }
      fwd->push_bytes_sent += seglen;
      if (seg->flags & TH_PUSH)
        fwd->push_set_last = TRUE;
      if (in_flight > 0 && in_flight < 2000000000)
        {
          r->bytes_in_flight = in_flight;
          r->push_bytes_sent = fwd->push_bytes_sent;
          r->flags |= TA_PRESENT;
        }
    }
  if (r->flags & TA_WARNINGS)
    r->flags |= TA_PRESENT;
}

/* First pass: analyses the segment, notes the handshake RTT and stores
 * what there is to show. */
guint16
tcp_first_pass_analysis (TcpState *st, TcpStream *s, guint dir, IotPacket *pkt, const Segment *seg,
                     guint32 window, gboolean reused)
{
  guint32 frame = iot_packet_frame_number (pkt);
  gint64 now = iot_packet_time_ns (pkt);
  SeqResult r = { 0 };

  if (frame <= st->last_analyzed)
    return 0;   /* a second TCP layer in the frame */
  st->last_analyzed = frame;
  if (reused)
    r.flags |= TA_REUSED_PORTS;
  analyze_segment (s, dir, seg, window, frame, now, &r);

  /* iRTT: from the latest SYN to the first ACK without SYN after it. */
  if ((seg->flags & (TH_SYN | TH_ACK)) == TH_SYN)
    s->syn_time = now;
  else if ((seg->flags & (TH_SYN | TH_ACK)) == TH_ACK && s->syn_time != 0 && s->irtt == 0)
    s->irtt = now - s->syn_time;

  if (r.flags & TA_PRESENT)
    {
      guint32 acks_back = r.acks_frame != 0 ? frame - r.acks_frame : 0;
      FrameFact *fact = &g_array_index (st->facts, FrameFact, frame);

      fact->flags = r.flags;
      fact->acks_back = (guint16) acks_back;
      fact->bytes_in_flight = (guint16) r.bytes_in_flight;
      if (r.push_bytes_sent != 0 && r.push_bytes_sent == r.bytes_in_flight)
        fact->stream_hi |= FACT_PUSH_IS_BIF;
      else if (r.push_bytes_sent != 0 && r.push_bytes_sent == seg->len)
        fact->stream_hi |= FACT_PUSH_IS_LEN;
      if (acks_back >= SEQ_WIDE || (r.acks_frame != 0 && acks_back == 0) || r.bytes_in_flight > G_MAXUINT16
          || (r.push_bytes_sent != 0 && r.push_bytes_sent != r.bytes_in_flight && r.push_bytes_sent != seg->len))
        {
          SeqWide wide = { frame, r.acks_frame, r.bytes_in_flight, r.push_bytes_sent };

          fact->acks_back = SEQ_WIDE;
          g_array_append_val (st->seq_wide, wide);
        }
      if (r.dupack_num != 0 || r.rto_frame != 0)
        {
          SeqRare rare = { frame, r.dupack_num, r.dupack_frame, r.rto_frame };

          g_array_append_val (st->seq_rare, rare);
        }
    }
  return r.flags;
}

/* Binary search in an array sorted by a leading guint32 frame number. */
gconstpointer
tcp_find_by_frame (const GArray *a, gsize size, guint32 frame)
{
  guint lo = 0, hi = a->len;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      guint32 f = *(const guint32 *) (a->data + mid * size);

      if (f == frame)
        return a->data + mid * size;
      if (f < frame)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}

/* ---- sequence analysis: showing it -------------------------------------------- */

/* tshark's order; each text is put in front of the Info column, so the
 * last one shown comes first. */
static const struct {
  guint16     flag;
  int         expert;
  const char *info;
} flag_items[] = {
  { TA_REUSED_PORTS, E_REUSED_PORTS, "[TCP Port numbers reused] " },
  { TA_SPURIOUS_RETRANSMISSION, E_SPURIOUS_RETRANSMISSION, "[TCP Spurious Retransmission] " },
  { TA_RETRANSMISSION, E_RETRANSMISSION, "[TCP Retransmission] " },
  { TA_FAST_RETRANSMISSION, E_FAST_RETRANSMISSION, "[TCP Fast Retransmission] " },
  { TA_OUT_OF_ORDER, E_OUT_OF_ORDER, "[TCP Out-Of-Order] " },
  { TA_LOST_SEGMENT, E_LOST_SEGMENT, "[TCP Previous segment not captured] " },
  { TA_ACK_LOST_SEGMENT, E_ACK_LOST_SEGMENT, "[TCP ACKed unseen segment] " },
  { TA_WINDOW_UPDATE, E_WINDOW_UPDATE, "[TCP Window Update] " },
  { TA_WINDOW_FULL, E_WINDOW_FULL, "[TCP Window Full] " },
  { TA_KEEP_ALIVE, E_KEEP_ALIVE, "[TCP Keep-Alive] " },
  { TA_KEEP_ALIVE_ACK, E_KEEP_ALIVE_ACK, "[TCP Keep-Alive ACK] " },
  { TA_DUPLICATE_ACK, E_DUPLICATE_ACK, NULL },
  { TA_ZERO_WINDOW_PROBE, E_ZERO_WINDOW_PROBE, "[TCP ZeroWindowProbe] " },
  { TA_ZERO_WINDOW, E_ZERO_WINDOW, "[TCP ZeroWindow] " },
  { TA_ZERO_WINDOW_PROBE_ACK, E_ZERO_WINDOW_PROBE_ACK, "[TCP ZeroWindowProbeAck] " },
};

/* Puts @prefix in front of the Info column and keeps it there: inner
 * layers that replace the Info text replace only what follows it. */
static void
info_prepend_fenced (IotPacket *pkt, const char *prefix)
{
  const char *all;
  char *copy;
  gsize kept;

  if (!iot_packet_wants_columns (pkt))
    return;
  all = iot_col_info (pkt);
  copy = iot_packet_strndup (pkt, all, strlen (all));
  iot_col_clear_info (pkt);
  kept = strlen (iot_col_info (pkt));
  iot_col_append_info (pkt, "%s", prefix);
  iot_col_fence_info (pkt);
  iot_col_append_info (pkt, "%s", copy + kept);
}

static void
add_flag_items (TcpState *st, IotPacket *pkt, int group, IotBuf *buf, const FrameFact *fact, guint32 frame,
                gint64 now)
{
  const SeqRare *rare = tcp_find_by_frame (st->seq_rare, sizeof (SeqRare), frame);
  const char *prefixes[G_N_ELEMENTS (flag_items)];
  guint n_prefixes = 0;
  int flags_node, anchor, node;

  flags_node = iot_tree_add_item (pkt, group, &tcp_fields[F_AN_FLAGS], buf, 0, 0, FALSE);
  iot_tree_set_generated (pkt, flags_node);
  anchor = flags_node;
  for (guint i = 0; i < G_N_ELEMENTS (flag_items); i++)
    {
      guint16 flag = flag_items[i].flag;

      if (!(fact->flags & flag))
        continue;
      if (flag == TA_DUPLICATE_ACK)
        {
          guint32 num = rare ? rare->dupack_num : 0, from = rare ? rare->dupack_frame : 0;

          node = iot_tree_add_item (pkt, flags_node, &tcp_experts[E_DUPLICATE_ACK].field, buf, 0, 0, FALSE);
          iot_tree_set_generated (pkt, node);
          iot_tree_set_label (pkt, node, "This is a TCP duplicate ack");
          if (iot_packet_wants_columns (pkt))
            prefixes[n_prefixes++] = iot_packet_strdup_printf (pkt, "[TCP Dup ACK %u#%u] ", from, num);
          node = iot_tree_add_uint (pkt, group, &tcp_fields[F_AN_DUPLICATE_ACK_NUM], buf, 0, 0, num);
          iot_tree_set_generated (pkt, node);
          anchor = iot_tree_add_uint (pkt, group, &tcp_fields[F_AN_DUPLICATE_ACK_FRAME], buf, 0, 0, from);
          iot_tree_set_generated (pkt, anchor);
          iot_expert_add_info (pkt, anchor, &tcp_experts[E_DUPLICATE_ACK], "Duplicate ACK (#%u)", num);
          continue;
        }
      iot_expert_add_info (pkt, anchor, &tcp_experts[flag_items[i].expert], NULL);
      /* A fast or spurious retransmission is a retransmission too. */
      if (flag == TA_SPURIOUS_RETRANSMISSION || flag == TA_FAST_RETRANSMISSION)
        iot_expert_add_info (pkt, anchor, &tcp_experts[E_RETRANSMISSION], NULL);
      if (flag == TA_RETRANSMISSION && rare != NULL && rare->rto_frame != 0)
        {
          gint64 rto = now - iot_frame_time_ns (pkt, rare->rto_frame);

          /* Shown only when the timeout is not zero. */
          if (rto != 0)
            {
              node = iot_tree_add_time (pkt, flags_node, &tcp_fields[F_AN_RTO], buf, 0, 0, rto);
              iot_tree_set_generated (pkt, node);
              node = iot_tree_add_uint (pkt, flags_node, &tcp_fields[F_AN_RTO_FRAME], buf, 0, 0,
                                        rare->rto_frame);
              iot_tree_set_generated (pkt, node);
            }
        }
      prefixes[n_prefixes++] = flag_items[i].info;
    }
  if (n_prefixes > 0 && iot_packet_wants_columns (pkt))
    {
      g_autoptr (GString) text = g_string_new (NULL);

      while (n_prefixes > 0)
        g_string_append (text, prefixes[--n_prefixes]);
      info_prepend_fenced (pkt, text->str);
    }
}

/* The [SEQ/ACK analysis] subtree of a frame, from the first pass's facts. */
guint16
tcp_add_seq_analysis (TcpState *st, const TcpStream *s, IotPacket *pkt, int tree, IotBuf *buf,
                      const FrameFact *stored, guint32 seg_len)
{
  guint32 frame = iot_packet_frame_number (pkt);
  gint64 now = iot_packet_time_ns (pkt);
  SeqWide numbers, *fact = &numbers;
  int group, node;

  if (stored->flags == 0)
    return 0;
  if (stored->acks_back == SEQ_WIDE)
    numbers = *(const SeqWide *) tcp_find_by_frame (st->seq_wide, sizeof (SeqWide), frame);
  else
    numbers = (SeqWide) { frame, stored->acks_back ? frame - stored->acks_back : 0,
                          stored->bytes_in_flight,
                          (stored->stream_hi & FACT_PUSH_IS_BIF) ? stored->bytes_in_flight
                          : (stored->stream_hi & FACT_PUSH_IS_LEN) ? seg_len : 0u };
  group = iot_tree_add_item (pkt, tree, &tcp_fields[F_ANALYSIS], buf, 0, 0, FALSE);
  iot_tree_set_generated (pkt, group);
  if (fact->acks_frame != 0)
    {
      node = iot_tree_add_uint (pkt, group, &tcp_fields[F_AN_ACKS_FRAME], buf, 0, 0, fact->acks_frame);
      iot_tree_set_generated (pkt, node);
      if (iot_packet_wants_field (pkt, &tcp_fields[F_AN_ACK_RTT]))
        {
          gint64 rtt = now - iot_frame_time_ns (pkt, fact->acks_frame);

          if (rtt != 0)
            {
              node = iot_tree_add_time (pkt, group, &tcp_fields[F_AN_ACK_RTT], buf, 0, 0, rtt);
              iot_tree_set_generated (pkt, node);
            }
        }
    }
  if (s->irtt != 0)
    {
      node = iot_tree_add_time (pkt, group, &tcp_fields[F_AN_INITIAL_RTT], buf, 0, 0, s->irtt);
      iot_tree_set_generated (pkt, node);
    }
  if (fact->bytes_in_flight != 0)
    {
      node = iot_tree_add_uint (pkt, group, &tcp_fields[F_AN_BYTES_IN_FLIGHT], buf, 0, 0, fact->bytes_in_flight);
      iot_tree_set_generated (pkt, node);
    }
  if (fact->push_bytes_sent != 0)
    {
      node = iot_tree_add_uint (pkt, group, &tcp_fields[F_AN_PUSH_BYTES_SENT], buf, 0, 0, fact->push_bytes_sent);
      iot_tree_set_generated (pkt, node);
    }
  if (stored->flags & TA_WARNINGS)
    add_flag_items (st, pkt, group, buf, stored, frame, now);
  return stored->flags;
}
