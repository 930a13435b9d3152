/* tcp-reassembly.c — the TCP payload: handing it to the protocol above, following
 * messages across segments in the first pass, and dissecting each segment
 * the way the first pass split it. */
#include "tcp-private.h"

#include <string.h>

static void
call_payload_dissector (IotPacket *pkt, const Segment *seg, IotBuf *payload)
{
  if (iot_call_port_table (pkt, "tcp.port", seg->sport, seg->dport, payload, -1) >= 0)
    return;
  if (iot_call_heuristics (pkt, "tcp", payload, -1) >= 0)
    return;
  iot_call_data (pkt, payload, -1);
}

/* The frame's SegFact, NULL when it has none: the FrameFact says whether
 * to look, so most segments cost no hash look-up. */
static const SegFact *
seg_fact_lookup (TcpState *st, guint32 frame)
{
  if (frame >= st->facts->len
      || !(g_array_index (st->facts, FrameFact, frame).stream_hi & FACT_HAS_SEG_FACT))
    return NULL;
  return g_hash_table_lookup (st->seg_facts, GUINT_TO_POINTER (frame));
}

static SegFact *
seg_fact_for (TcpState *st, guint32 frame)
{
  SegFact *fact = g_hash_table_lookup (st->seg_facts, GUINT_TO_POINTER (frame));

  if (fact == NULL)
    {
      fact = g_new0 (SegFact, 1);
      g_hash_table_insert (st->seg_facts, GUINT_TO_POINTER (frame), fact);
      /* Only segments of a known stream have one, and their frame has its
       * FrameFact already. */
      g_assert (frame < st->facts->len);
      g_array_index (st->facts, FrameFact, frame).stream_hi |= FACT_HAS_SEG_FACT;
    }
  return fact;
}

static void
gather_add (TcpState *st, Gather *g, guint32 frame, const IotBuf *payload, guint off, guint len)
{
  Pdu *pdu = g_ptr_array_index (st->pdus, g->pdu - 1);
  IotPiece piece = { frame, payload->origin + off, len, g->bytes->len };
  IotPiece *last = pdu->pieces->len ? &g_array_index (pdu->pieces, IotPiece, pdu->pieces->len - 1) : NULL;

  /* A segment gathered in two steps (its first bytes, then the rest once
   * they turned out to be needed too) is still one piece. */
  if (last != NULL && last->frame == frame && last->offset + last->length == piece.offset
      && last->position + last->length == piece.position)
    last->length += len;
  else
    g_array_append_val (pdu->pieces, piece);
  g_byte_array_append (g->bytes, payload->data + off, len);
}

/* Starts gathering a message at @off of this segment's payload. */
static void
gather_start (TcpState *st, TcpStream *s, guint dir, guint32 frame, guint32 seq, const IotBuf *payload,
              guint off, guint needed)
{
  Gather *g = s->gather[dir];
  Pdu *pdu = g_new0 (Pdu, 1);
  SegFact *fact = seg_fact_for (st, frame);

  if (g == NULL)
    {
      g = s->gather[dir] = g_new0 (Gather, 1);
      g->bytes = g_byte_array_new ();
    }
  pdu->pieces = g_array_new (FALSE, FALSE, sizeof (IotPiece));
  pdu->start_seq = seq + off;
  g_ptr_array_add (st->pdus, pdu);
  g->pdu = st->pdus->len;
  g_byte_array_set_size (g->bytes, 0);
  gather_add (st, g, frame, payload, off, payload->length - off);
  g->needed = needed ? (payload->length - off) + needed : 0;
  fact->tail_off = off;
  fact->tail_pdu = g->pdu;
}

/* Dissects @payload from @off on; a message left incomplete starts a
 * gathering.  First pass only. */
static void
dissect_rest_first_pass (TcpState *st, TcpStream *s, guint dir, IotPacket *pkt, const Segment *seg,
                         IotBuf *payload, guint off)
{
  guint32 frame = iot_packet_frame_number (pkt);
  IotBuf rest;
  guint at, needed;

  if (off >= payload->length)
    return;
  rest = iot_buf_sub (payload, off, (gint) (payload->length - off));
  call_payload_dissector (pkt, seg, &rest);
  if (iot_packet_take_request (pkt, &at, &needed) && at < rest.length)
    gather_start (st, s, dir, frame, seg->seq, payload, off + at, needed);
}

static void
remember_rebuilt (Gather *g, guint32 pdu_plus1)
{
  if (g->n_rebuilt == G_N_ELEMENTS (g->rebuilt))
    {
      memmove (g->rebuilt, g->rebuilt + 1, sizeof g->rebuilt - sizeof g->rebuilt[0]);
      g->n_rebuilt--;
    }
  g->rebuilt[g->n_rebuilt++] = pdu_plus1;
}

/* First pass, for a fast retransmission or an out-of-order segment: whether
 * it starts inside a message already rebuilt from several segments, or
 * inside the one being gathered.  tshark's reassembly then refuses the
 * bytes ("New fragment overlaps old data") or keeps them out of the
 * message being gathered, and nothing is decoded from them: decoding them
 * from their first byte would invent messages out of payload bytes. */
static gboolean
resends_gathered_bytes (TcpState *st, TcpStream *s, guint dir, guint32 frame, const Segment *seg)
{
  Gather *g = s->gather[dir];

  if (g == NULL)
    return FALSE;
  for (guint i = g->n_rebuilt; i-- > 0;)
    {
      const Pdu *pdu = g_ptr_array_index (st->pdus, g->rebuilt[i] - 1);

      if (!LT_SEQ (seg->seq, pdu->start_seq) && LT_SEQ (seg->seq, pdu->end_seq))
        {
          seg_fact_for (st, frame)->resent = TRUE;
          return TRUE;
        }
    }
  if (g->pdu != 0)
    {
      const Pdu *pdu = g_ptr_array_index (st->pdus, g->pdu - 1);

      if (!LT_SEQ (seg->seq, pdu->start_seq) && LT_SEQ (seg->seq, g->next_seq))
        {
          SegFact *fact = seg_fact_for (st, frame);

          fact->head_pdu = g->pdu;
          fact->head_len = seg->len;
          return TRUE;
        }
    }
  return FALSE;
}

/* After a gap inside a message of known length: the bytes of this segment
 * that still belong to that message (they would otherwise be read as the
 * start of new messages: phantom messages made of payload bytes), as
 * tshark keeps them.  Returns how many there are. */
static guint
skip_lost_message (TcpState *st, Gather *g, guint32 frame, const Segment *seg, const IotBuf *payload)
{
  gint32 inside;
  SegFact *fact;

  if (g->lost_pdu == 0)
    return 0;
  inside = (gint32) (g->lost_end - seg->seq);
  if (inside <= 0 || (gint32) (seg->seq - g->next_seq) < 0)
    {
      g->lost_pdu = 0;
      return 0;
    }
  fact = seg_fact_for (st, frame);
  fact->head_pdu = g->lost_pdu;
  fact->head_len = MIN ((guint) inside, payload->length);
  if ((guint) inside <= payload->length)
    g->lost_pdu = 0;
  return fact->head_len;
}

/* First pass: follows messages across segments and records, per segment,
 * which of its bytes belong to which rebuilt message. */
static void
reassemble_first_pass (TcpState *st, TcpStream *s, guint dir, IotPacket *pkt, const Segment *seg,
                       IotBuf *payload)
{
  guint32 frame = iot_packet_frame_number (pkt);
  Gather *g = s->gather[dir];
  guint take, at, needed;
  IotBuf whole;
  Pdu *pdu;

  if (g != NULL && g->pdu != 0 && seg->seq != g->next_seq)
    {
      /* A retransmission of bytes already gathered adds nothing; a gap
       * means the message can never be completed. */
      if ((gint32) (seg->seq - g->next_seq) < 0)
        return;
      if (g->needed != 0)
        {
          g->lost_pdu = g->pdu;
          g->lost_end = g->next_seq + (g->needed - g->bytes->len);
        }
      g->pdu = 0;
    }
  if (g == NULL || g->pdu == 0)
    {
      guint skip = g != NULL ? skip_lost_message (st, g, frame, seg, payload) : 0;

      if (skip < payload->length)
        dissect_rest_first_pass (st, s, dir, pkt, seg, payload, skip);
      if (s->gather[dir] != NULL)
        s->gather[dir]->next_seq = seg->seq + payload->length;
      return;
    }

  g->next_seq = seg->seq + payload->length;
  take = payload->length;
  if (g->needed != 0)
    take = MIN (take, g->needed - g->bytes->len);
  gather_add (st, g, frame, payload, 0, take);
  seg_fact_for (st, frame)->head_pdu = g->pdu;
  seg_fact_for (st, frame)->head_len = take;
  if (g->needed != 0 && g->bytes->len < g->needed)
    return;

  whole = iot_packet_add_source (pkt, "Reassembled TCP", g->bytes->data, g->bytes->len);
  call_payload_dissector (pkt, seg, &whole);
  /* What the rebuilt message wrote in Info stays when the rest of the
   * segment is dissected after it. */
  iot_col_fence_info (pkt);
  if (iot_packet_take_request (pkt, &at, &needed))
    {
      guint before = g->bytes->len - take;

      if (at == 0)
        {
          /* Still not enough: keep gathering, this whole segment included.
           * @needed counts from the end of what was just dissected, which
           * did not include the bytes of this segment beyond @take. */
          guint32 dissected = g->bytes->len;

          if (take < payload->length)
            gather_add (st, g, frame, payload, take, payload->length - take);
          seg_fact_for (st, frame)->head_len = payload->length;
          g->needed = needed ? dissected + needed : 0;
          return;
        }
      if (at > before && at < g->bytes->len)
        {
          /* The message ended inside this segment; what follows is the
           * start of the next one. */
          Pdu *done = g_ptr_array_index (st->pdus, g->pdu - 1);
          IotPiece *last = &g_array_index (done->pieces, IotPiece, done->pieces->len - 1);

          last->length = at - before;
          seg_fact_for (st, frame)->head_len = at - before;
          take = at - before;
        }
    }
  pdu = g_ptr_array_index (st->pdus, g->pdu - 1);
  pdu->completed_in = frame;
  pdu->end_seq = seg->seq + take;
  remember_rebuilt (g, g->pdu);
  g->pdu = 0;
  dissect_rest_first_pass (st, s, dir, pkt, seg, payload, take);
}

static const IotRebuildFields segment_fields = {
  &tcp_fields[F_SEGMENTS], &tcp_fields[F_SEGMENT], &tcp_fields[F_SEGMENT_COUNT],
  &tcp_fields[F_REASSEMBLED_LENGTH], &tcp_fields[F_REASSEMBLED_DATA],
  "Reassembled TCP Segments", "Reassembled TCP",
};

/* Marks payload bytes [off, off+len) as part of message @pdu_plus1. */
static void
add_segment_part (TcpState *st, IotPacket *pkt, int tree, IotBuf *payload, guint off, guint len,
                  guint32 pdu_plus1, gboolean completes_here)
{
  const Pdu *pdu = g_ptr_array_index (st->pdus, pdu_plus1 - 1);
  int node;

  if (!completes_here && pdu->completed_in != 0)
    {
      node = iot_tree_add_uint (pkt, tree, &tcp_fields[F_REASSEMBLED_IN], payload, 0, 0, pdu->completed_in);
      iot_tree_set_generated (pkt, node);
    }
  node = iot_tree_add_bytes (pkt, tree, &tcp_fields[F_SEGMENT_DATA], payload, off, len, payload->data + off, len);
  iot_tree_set_label (pkt, node, "TCP segment data (%u byte%s)", len, len == 1 ? "" : "s");
}

/* Random access: dissects the payload the way the first pass split it. */
static void
dissect_payload_with_facts (TcpState *st, IotPacket *pkt, int tree, const Segment *seg, IotBuf *payload)
{
  guint32 frame = iot_packet_frame_number (pkt);
  const SegFact *fact = seg_fact_lookup (st, frame);
  guint off = 0, end = payload->length, at, needed;
  gboolean only_parts = TRUE;

  if (fact == NULL)
    {
      call_payload_dissector (pkt, seg, payload);
      iot_packet_take_request (pkt, &at, &needed);
      return;
    }
  if (fact->tail_pdu != 0)
    end = fact->tail_off;
  if (fact->head_pdu != 0)
    {
      const Pdu *pdu = g_ptr_array_index (st->pdus, fact->head_pdu - 1);
      gboolean here = pdu->completed_in == frame;

      add_segment_part (st, pkt, tree, payload, 0, fact->head_len, fact->head_pdu, here);
      if (here)
        {
          IotBuf whole = iot_rebuild_pieces (pkt, (const IotPiece *) pdu->pieces->data, pdu->pieces->len,
                                             &segment_fields, -1);

          call_payload_dissector (pkt, seg, &whole);
          iot_col_fence_info (pkt);
          iot_packet_take_request (pkt, &at, &needed);
          only_parts = FALSE;
        }
      off = fact->head_len;
    }
  if (fact->tail_pdu != 0)
    add_segment_part (st, pkt, tree, payload, fact->tail_off, payload->length - fact->tail_off,
                      fact->tail_pdu, FALSE);
  if (end > off)
    {
      IotBuf middle = iot_buf_sub (payload, off, (gint) (end - off));

      call_payload_dissector (pkt, seg, &middle);
      iot_packet_take_request (pkt, &at, &needed);
      only_parts = FALSE;
    }
  if (only_parts)
    iot_col_append_info (pkt, " [TCP segment of a reassembled PDU]");
}

/* First pass: records the bytes of @seg as seen, and the hole before them
 * when the capture missed some.  Bytes resent into a hole fill it (they
 * are no longer unseen), from its start only as far as they reach. */
static void
unseen_track (TcpStream *s, guint dir, const Segment *seg)
{
  Unseen *u = s->unseen[dir];
  const Gather *g = s->gather[dir];
  guint32 end = seg->seq + seg->len;

  if (!s->seen_any[dir])
    {
      s->seen_any[dir] = TRUE;
      s->seen_next[dir] = end;
      return;
    }
  for (guint i = 0; u != NULL && i < u->n_holes; i++)
    {
      Hole *h = &u->holes[i];

      if (LE_SEQ (seg->seq, h->start) && GT_SEQ (end, h->start))
        {
          h->start = LT_SEQ (end, h->end) ? end : h->end;
          h->at_boundary = FALSE;    /* where these bytes' messages end is not known */
        }
    }
  if (GT_SEQ (seg->seq, s->seen_next[dir]))
    {
      Hole h = { s->seen_next[dir], seg->seq, g == NULL || (g->pdu == 0 && g->lost_pdu == 0) };

      if (u == NULL)
        u = s->unseen[dir] = g_new0 (Unseen, 1);
      if (u->n_holes == G_N_ELEMENTS (u->holes))
        {
          memmove (u->holes, u->holes + 1, sizeof u->holes - sizeof u->holes[0]);
          u->n_holes--;
        }
      u->holes[u->n_holes++] = h;
    }
  if (GT_SEQ (end, s->seen_next[dir]))
    s->seen_next[dir] = end;
}

/* A hole that @seg's bytes fall into from its first byte, at the start of a
 * message; NULL: none. */
static Hole *
unseen_hole_for (Unseen *u, const Segment *seg)
{
  for (guint i = 0; u != NULL && i < u->n_holes; i++)
    {
      Hole *h = &u->holes[i];

      if (h->at_boundary && seg->seq == h->start && LE_SEQ (seg->seq + seg->len, h->end))
        return h;
    }
  return NULL;
}

/* A retransmission whose original never reached the capture point (it was
 * lost before it) carries bytes seen here for the first time: they are
 * decoded like any new data, so that a message which arrived only in the
 * retransmission (a PUBACK) is not missing.  tshark 4.0 decodes no
 * retransmission at all; a resend of bytes already seen stays undecoded
 * here too.  Only a resend that starts where a message starts is decoded:
 * from the middle of one it would invent messages out of payload bytes. */
static gboolean
decode_first_seen (TcpState *st, TcpStream *s, guint dir, IotPacket *pkt, const Segment *seg, IotBuf *payload)
{
  guint32 frame = iot_packet_frame_number (pkt);
  guint at, needed;
  gboolean more;

  if (iot_packet_first_pass (pkt))
    {
      Unseen *u = s->unseen[dir];
      Hole *h = unseen_hole_for (u, seg);

      if (h == NULL)
        return FALSE;
      seg_fact_for (st, frame)->first_seen = TRUE;
      call_payload_dissector (pkt, seg, payload);
      more = iot_packet_take_request (pkt, &at, &needed);
      h->start = seg->seq + seg->len;
      /* A message cut at the segment's end leaves the rest of the hole
       * without a known start. */
      h->at_boundary = !more;
      if (h->start == h->end)
        {
          guint i = (guint) (h - u->holes);

          memmove (u->holes + i, u->holes + i + 1, (u->n_holes - i - 1) * sizeof u->holes[0]);
          u->n_holes--;
        }
      return TRUE;
    }
  {
    const SegFact *fact = seg_fact_lookup (st, frame);

    if (fact == NULL || !fact->first_seen)
      return FALSE;
  }
  call_payload_dissector (pkt, seg, payload);
  iot_packet_take_request (pkt, &at, &needed);
  return TRUE;
}

void
tcp_hand_off (TcpState *st, TcpStream *s, guint dir, IotPacket *pkt, IotBuf *buf, int tree,
          guint hdr_len, const Segment *seg, guint16 analysis)
{
  IotBuf payload;
  int node;

  if (seg->len == 0)
    return;
  payload = iot_buf_sub (buf, hdr_len, (gint) seg->len);
  node = iot_tree_add_bytes (pkt, tree, &tcp_fields[F_PAYLOAD], &payload, 0, payload.length,
                             payload.data, payload.length);
  iot_tree_set_label (pkt, node, "TCP payload (%u byte%s)", seg->len, seg->len == 1 ? "" : "s");
  iot_tree_set_length (pkt, node, payload.length);
  /* Data sent before is not decoded again, as in tshark: an application
   * protocol would see it twice or out of order.  Data this capture point
   * sees for the first time is (decode_first_seen). */
  if ((analysis & TA_RETRANSMISSION) && s != NULL && payload.length == payload.reported
      && !iot_packet_in_error (pkt) && decode_first_seen (st, s, dir, pkt, seg, &payload))
    return;
  if (s != NULL && iot_packet_first_pass (pkt))
    unseen_track (s, dir, seg);
  if (analysis & TA_RETRANSMISSION)
    {
      node = iot_tree_add_bytes (pkt, tree, &tcp_fields[F_SEGMENT_DATA], &payload, 0, payload.length,
                                 payload.data, payload.length);
      iot_tree_set_label (pkt, node, "Retransmitted TCP segment data (%u byte%s)", payload.length,
                          payload.length == 1 ? "" : "s");
      return;
    }
  if ((analysis & (TA_OUT_OF_ORDER | TA_FAST_RETRANSMISSION)) && s != NULL && payload.length == payload.reported
      && !iot_packet_in_error (pkt))
    {
      const SegFact *fact;

      if (iot_packet_first_pass (pkt))
        resends_gathered_bytes (st, s, dir, iot_packet_frame_number (pkt), seg);
      fact = seg_fact_lookup (st, iot_packet_frame_number (pkt));
      if (fact != NULL && fact->resent)
        {
          iot_packet_add_reassembly_error (pkt, "TCP", "New fragment overlaps old data (retransmission?)");
          return;
        }
      if (fact != NULL && fact->head_pdu != 0)
        {
          add_segment_part (st, pkt, tree, &payload, 0, payload.length, fact->head_pdu, FALSE);
          iot_col_append_info (pkt, " [TCP segment of a reassembled PDU]");
          return;
        }
    }
  if (analysis & (TA_OUT_OF_ORDER | TA_SPURIOUS_RETRANSMISSION))
    return;
  /* Messages are followed across segments only where every byte was
   * captured and the segment belongs to a known connection. */
  if (s == NULL || payload.length < payload.reported || iot_packet_in_error (pkt))
    {
      guint at, needed;

      call_payload_dissector (pkt, seg, &payload);
      iot_packet_take_request (pkt, &at, &needed);
      return;
    }
  if (iot_packet_first_pass (pkt))
    reassemble_first_pass (st, s, dir, pkt, seg, &payload);
  else
    dissect_payload_with_facts (st, pkt, tree, seg, &payload);
}
