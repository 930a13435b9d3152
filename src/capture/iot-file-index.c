/* iot-file-index.c — a compact frame index.
 *
 * A 10M-frame capture must stay in memory as an index only, so an entry
 * keeps what cannot be derived and no more.  Frames come in blocks of 256:
 * the block holds the first frame's file offset and time in full, and
 * each frame its time as a 32-bit distance from them (4.29 s of capture)
 * and its captured length in 16 bits, each in an array of its own (no
 * padding).  Records follow each other in the file, so a frame's offset
 * is where the one before it ends plus the record header between them
 * (16 bytes in a pcap file): only every 16th frame keeps its offset (as a
 * distance from the block's, 4 GB of file), the others are found by
 * adding up to 15 lengths.  6.25 bytes a frame, plus 56 a block.
 *
 * What most frames of a block share is kept once in the block: the
 * (link type, flags) pair, as one byte naming it in a small table of the
 * pairs the file uses, the length on the wire, equal to the captured one
 * unless the capture was cut short, and the bytes between one record's
 * data and the next one's (a pcapng block's padding varies).  A block
 * where they vary gets an array of kind bytes, 16-bit wire lengths or
 * 8-bit gaps the first time one of its frames needs it.
 *
 * What does not fit (a jumbo frame, a block longer than 4.29 s, time that
 * goes back, a 256th different link type, a record further than 255 bytes
 * from the end of the one before, a frame after one of those in its
 * group of 16) is kept whole, as an IotFrame in
 * an array the block allocates the first time one of its frames needs it;
 * so every value comes back exactly as appended, and only captures that
 * need it pay for it.
 *
 * Entries live in segments of 64k frames that are allocated once and
 * never moved, so a live capture's writer appends while other threads
 * read the frames it has published.  A block's arrays made later are
 * filled for the frames before them first and then published with a
 * barrier: a reader sees either no array (the block's shared value holds
 * for its frame) or a complete one.
 */
#include "iot-file-index.h"

#include <string.h>

#define BLOCK_BITS     8
#define BLOCK_FRAMES   (1u << BLOCK_BITS)
#define GROUP_BITS     4
#define GROUP_FRAMES   (1u << GROUP_BITS)
#define SEGMENT_BITS   16
#define SEGMENT_FRAMES (1u << SEGMENT_BITS)
#define N_SEGMENTS     (1u << (32 - SEGMENT_BITS))
/* The kind of a frame kept whole in its block's array. */
#define KIND_WHOLE     0xffu
#define N_KINDS        KIND_WHOLE

typedef struct {
  guint64   offset;
  gint64    ts_ns;
  IotFrame *whole;   /* BLOCK_FRAMES entries, or NULL while none needs it */
  guint8   *kinds;   /* BLOCK_FRAMES kinds, or NULL while all are kind */
  guint16  *lens;    /* BLOCK_FRAMES wire lengths, or NULL while all equal caplen */
  guint8   *gaps;    /* BLOCK_FRAMES gaps, or NULL while all are gap */
  guint8    kind;    /* of its first frame */
  guint8    gap;     /* bytes from the end of a frame's data to the next one's */
  gboolean  gap_set;
} Block;

typedef struct {
  guint32 offsets[SEGMENT_FRAMES / GROUP_FRAMES];   /* of a group's first frame, after the block's */
  guint32 ts[SEGMENT_FRAMES];        /* ns after the block's first frame */
  guint16 caplens[SEGMENT_FRAMES];
  Block   blocks[SEGMENT_FRAMES / BLOCK_FRAMES];
} Segment;

typedef struct {
  guint16 link_type;
  guint16 flags;
} Kind;

struct _IotFrameIndex {
  Segment **segments;   /* N_SEGMENTS pointers, filled in order */
  guint32   len;
  guint32   appended;   /* entries ever appended (truncating keeps them) */
  Kind      kinds[N_KINDS];
  guint     n_kinds;
  guint     last_kind;
  /* Where the data of entry end_of ends, when it is one whose group can
   * go on (what the next frame's offset is counted from); the writer's.
   * A truncation leaves it naming an entry past the new end. */
  guint32   end_of;
  guint64   end;
};

IotFrameIndex *
iot_frame_index_new (void)
{
  IotFrameIndex *self = g_new0 (IotFrameIndex, 1);

  /* 512 KiB of pointers, zero pages until a segment is stored: what a
   * table that never moves under readers costs. */
  self->segments = g_new0 (Segment *, N_SEGMENTS);
  return self;
}

static void
block_clear (Block *block)
{
  g_clear_pointer (&block->whole, g_free);
  g_clear_pointer (&block->kinds, g_free);
  g_clear_pointer (&block->lens, g_free);
  g_clear_pointer (&block->gaps, g_free);
}

void
iot_frame_index_free (IotFrameIndex *self)
{
  if (self == NULL)
    return;
  /* Blocks past the last one started hold no pointer yet. */
  for (guint32 first = 0; first < self->appended; first += BLOCK_FRAMES)
    block_clear (&self->segments[first >> SEGMENT_BITS]->blocks[(first & (SEGMENT_FRAMES - 1)) >> BLOCK_BITS]);
  for (guint s = 0; s < N_SEGMENTS && self->segments[s] != NULL; s++)
    g_free (self->segments[s]);
  g_free (self->segments);
  g_free (self);
}

guint32
iot_frame_index_len (const IotFrameIndex *self)
{
  return self->len;
}

void
iot_frame_index_truncate (IotFrameIndex *self, guint32 len)
{
  /* The storage stays; entries past @len are simply not asked for. */
  self->len = MIN (self->len, len);
}

/* The byte that names (link type, flags), KIND_WHOLE when the table is full. */
static guint
kind_of (IotFrameIndex *self, const IotFrame *frame)
{
  Kind *last = &self->kinds[self->last_kind];

  if (self->n_kinds > 0 && last->link_type == frame->link_type && last->flags == frame->flags)
    return self->last_kind;
  for (guint k = 0; k < self->n_kinds; k++)
    if (self->kinds[k].link_type == frame->link_type && self->kinds[k].flags == frame->flags)
      return self->last_kind = k;
  if (self->n_kinds == N_KINDS)
    return KIND_WHOLE;
  self->kinds[self->n_kinds].link_type = frame->link_type;
  self->kinds[self->n_kinds].flags = frame->flags;
  return self->last_kind = self->n_kinds++;
}

static gboolean
fits (const Block *block, const IotFrame *frame)
{
  return frame->offset >= block->offset && frame->offset - block->offset <= G_MAXUINT32
         && frame->ts_ns >= block->ts_ns && (guint64) (frame->ts_ns - block->ts_ns) <= G_MAXUINT32
         && frame->caplen <= G_MAXUINT16 && frame->len <= G_MAXUINT16
         && frame->reserved2 == 0;
}

/* The block's kind bytes, made (all @block->kind up to @j) when first needed. */
static guint8 *
block_kinds (Block *block, guint j)
{
  guint8 *kinds;

  if (block->kinds != NULL)
    return block->kinds;
  kinds = g_new (guint8, BLOCK_FRAMES);
  memset (kinds, block->kind, j);
  g_atomic_pointer_set (&block->kinds, kinds);
  return kinds;
}

/* The block's wire lengths, made (the captured ones up to @j) when first needed. */
static guint16 *
block_lens (Block *block, const guint16 *caplens, guint j)
{
  guint16 *lens;

  if (block->lens != NULL)
    return block->lens;
  lens = g_new (guint16, BLOCK_FRAMES);
  memcpy (lens, caplens, j * sizeof *lens);
  g_atomic_pointer_set (&block->lens, lens);
  return lens;
}

static guint32
sum_lengths (const guint16 *caplens, guint32 n)
{
  guint32 sum = 0;

  for (guint32 k = 0; k < n; k++)
    sum += caplens[k];
  return sum;
}

/* The block's gaps, made (all @block->gap up to @j) when first needed. */
static guint8 *
block_gaps (Block *block, guint j)
{
  guint8 *gaps;

  if (block->gaps != NULL)
    return block->gaps;
  gaps = g_new (guint8, BLOCK_FRAMES);
  memset (gaps, block->gap, j);
  g_atomic_pointer_set (&block->gaps, gaps);
  return gaps;
}

/* Whether @frame, not the first of its group, starts within 255 bytes of
 * where the frame before it ends; then records the distance. */
static gboolean
chains (IotFrameIndex *self, Block *block, guint32 i, const IotFrame *frame)
{
  guint j = i & (BLOCK_FRAMES - 1);
  guint64 gap;

  if (self->end_of != i - 1 || i == 0 || frame->offset < self->end || frame->offset - self->end > G_MAXUINT8)
    return FALSE;
  gap = frame->offset - self->end;
  if (!block->gap_set)
    {
      block->gap = (guint8) gap;
      block->gap_set = TRUE;
    }
  if (gap != block->gap || block->gaps != NULL)
    block_gaps (block, j)[j] = (guint8) gap;
  return TRUE;
}

void
iot_frame_index_append (IotFrameIndex *self, const IotFrame *frame)
{
  guint32 i = self->len, in_segment = i & (SEGMENT_FRAMES - 1);
  guint j = i & (BLOCK_FRAMES - 1);
  Segment *segment;
  Block *block;
  guint kind;

  g_return_if_fail (i < G_MAXUINT32);
  if (self->segments[i >> SEGMENT_BITS] == NULL)
    self->segments[i >> SEGMENT_BITS] = g_new (Segment, 1);
  segment = self->segments[i >> SEGMENT_BITS];
  block = &segment->blocks[in_segment >> BLOCK_BITS];
  kind = kind_of (self, frame);
  if (j == 0)
    {
      if (i < self->appended)
        block_clear (block);   /* appending again after a truncation */
      else
        block->whole = NULL, block->kinds = NULL, block->lens = NULL, block->gaps = NULL;
      block->gap_set = FALSE;
      block->offset = frame->offset;
      block->ts_ns = frame->ts_ns;
    }
  if (kind == KIND_WHOLE || !fits (block, frame)
      || ((i & (GROUP_FRAMES - 1)) != 0 && !chains (self, block, i, frame)))
    {
      kind = KIND_WHOLE;
      if (block->whole == NULL)
        g_atomic_pointer_set (&block->whole, g_new0 (IotFrame, BLOCK_FRAMES));
      block->whole[j] = *frame;
      self->end_of = G_MAXUINT32;
    }
  else
    {
      if ((i & (GROUP_FRAMES - 1)) == 0)
        segment->offsets[in_segment >> GROUP_BITS] = (guint32) (frame->offset - block->offset);
      self->end_of = i;
      self->end = frame->offset + frame->caplen;
      segment->ts[in_segment] = (guint32) (frame->ts_ns - block->ts_ns);
      segment->caplens[in_segment] = (guint16) frame->caplen;
      if (frame->len != frame->caplen || block->lens != NULL)
        block_lens (block, &segment->caplens[in_segment - j], j)[j] = (guint16) frame->len;
    }
  if (j == 0)
    block->kind = (guint8) kind;
  else if (kind != block->kind || block->kinds != NULL)
    block_kinds (block, j)[j] = (guint8) kind;
  self->len = i + 1;
  self->appended = MAX (self->appended, self->len);
}

/* The offset of entry @in_segment of @segment, not kept whole: its group's
 * first frame's plus the lengths and gaps of the frames in between. */
static guint64
chained_offset (const Segment *segment, const Block *block, guint32 in_segment)
{
  const guint8 *gaps = g_atomic_pointer_get ((guint8 **) &block->gaps);
  guint32 first = in_segment & ~(GROUP_FRAMES - 1);
  guint64 offset = block->offset + segment->offsets[in_segment >> GROUP_BITS];

  if (gaps == NULL)
    return offset + (guint64) (in_segment - first) * block->gap
           + sum_lengths (segment->caplens + first, in_segment - first);
  for (guint32 k = first + 1; k <= in_segment; k++)
    offset += segment->caplens[k - 1] + gaps[k & (BLOCK_FRAMES - 1)];
  return offset;
}

static guint
kind_at (const Block *block, guint j)
{
  const guint8 *kinds = g_atomic_pointer_get ((guint8 **) &block->kinds);

  return kinds != NULL ? kinds[j] : block->kind;
}

void
iot_frame_index_get (const IotFrameIndex *self, guint32 i, IotFrame *out)
{
  const Segment *segment = self->segments[i >> SEGMENT_BITS];
  guint32 in_segment = i & (SEGMENT_FRAMES - 1);
  const Block *block = &segment->blocks[in_segment >> BLOCK_BITS];
  guint j = i & (BLOCK_FRAMES - 1), kind = kind_at (block, j);
  const guint16 *lens;

  if (kind == KIND_WHOLE)
    {
      *out = block->whole[j];
      return;
    }
  lens = g_atomic_pointer_get ((guint16 **) &block->lens);
  out->offset = chained_offset (segment, block, in_segment);
  out->ts_ns = block->ts_ns + (gint64) segment->ts[in_segment];
  out->caplen = segment->caplens[in_segment];
  out->len = lens != NULL ? lens[j] : segment->caplens[in_segment];
  out->link_type = self->kinds[kind].link_type;
  out->flags = self->kinds[kind].flags;
  out->reserved2 = 0;
}

guint64
iot_frame_index_end (const IotFrameIndex *self, guint32 i)
{
  const Segment *segment = self->segments[i >> SEGMENT_BITS];
  guint32 in_segment = i & (SEGMENT_FRAMES - 1);
  const Block *block = &segment->blocks[in_segment >> BLOCK_BITS];
  const IotFrame *whole;

  if (kind_at (block, i & (BLOCK_FRAMES - 1)) != KIND_WHOLE)
    return chained_offset (segment, block, in_segment) + segment->caplens[in_segment];
  whole = &block->whole[i & (BLOCK_FRAMES - 1)];
  return whole->offset + whole->caplen;
}

guint64
iot_frame_index_offset (const IotFrameIndex *self, guint32 i)
{
  const Segment *segment = self->segments[i >> SEGMENT_BITS];
  guint32 in_segment = i & (SEGMENT_FRAMES - 1);
  const Block *block = &segment->blocks[in_segment >> BLOCK_BITS];

  if (kind_at (block, i & (BLOCK_FRAMES - 1)) == KIND_WHOLE)
    return block->whole[i & (BLOCK_FRAMES - 1)].offset;
  return chained_offset (segment, block, in_segment);
}
