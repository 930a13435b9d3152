/* iot-file-index.c — a compact frame index.
 *
 * A 10M-frame capture must stay in memory as an index only, so an entry
 * keeps what cannot be derived and no more.  Frames come in blocks of 256:
 * the block holds the first frame's file offset and time in full, and
 * each frame its offset and time as 32-bit distances from them (4 GB of
 * file, 4.29 s of capture), its two lengths in 16 bits, and one byte that
 * names its (link type, flags) pair in a small table of the pairs the
 * file uses.  12 + 1 bytes a frame, plus 24 bytes a block.
 *
 * What does not fit (a jumbo frame, a block longer than 4.29 s, time that
 * goes back, a 256th different link type) is kept whole, as an IotFrame in
 * an array the block allocates the first time one of its frames needs it;
 * so every value comes back exactly as appended, and only captures that
 * need it pay for it.
 *
 * Entries live in segments of 64k frames that are allocated once and
 * never moved, so a live capture's writer appends while other threads
 * read the frames it has published.
 */
#include "iot-file-index.h"

#include <string.h>

#define BLOCK_BITS     8
#define BLOCK_FRAMES   (1u << BLOCK_BITS)
#define SEGMENT_BITS   16
#define SEGMENT_FRAMES (1u << SEGMENT_BITS)
#define N_SEGMENTS     (1u << (32 - SEGMENT_BITS))
/* The kind of a frame kept whole in its block's array. */
#define KIND_WHOLE     0xffu
#define N_KINDS        KIND_WHOLE

typedef struct {
  guint32 offset;    /* bytes after the block's first frame */
  guint32 ts;        /* ns after the block's first frame */
  guint16 caplen;
  guint16 len;
} Entry;

typedef struct {
  guint64   offset;
  gint64    ts_ns;
  IotFrame *whole;   /* BLOCK_FRAMES entries, or NULL while none needs it */
} Block;

typedef struct {
  Entry  entries[SEGMENT_FRAMES];
  guint8 kinds[SEGMENT_FRAMES];
  Block  blocks[SEGMENT_FRAMES / BLOCK_FRAMES];
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
};

G_STATIC_ASSERT (sizeof (Entry) == 12);

IotFrameIndex *
iot_frame_index_new (void)
{
  IotFrameIndex *self = g_new0 (IotFrameIndex, 1);

  /* 512 KiB of pointers, zero pages until a segment is stored: what a
   * table that never moves under readers costs. */
  self->segments = g_new0 (Segment *, N_SEGMENTS);
  return self;
}

void
iot_frame_index_free (IotFrameIndex *self)
{
  if (self == NULL)
    return;
  /* Blocks past the last one started hold no pointer yet. */
  for (guint32 first = 0; first < self->appended; first += BLOCK_FRAMES)
    g_free (self->segments[first >> SEGMENT_BITS]->blocks[(first & (SEGMENT_FRAMES - 1)) >> BLOCK_BITS].whole);
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

void
iot_frame_index_append (IotFrameIndex *self, const IotFrame *frame)
{
  guint32 i = self->len, in_segment = i & (SEGMENT_FRAMES - 1);
  Segment *segment;
  Block *block;
  guint kind;

  g_return_if_fail (i < G_MAXUINT32);
  if (self->segments[i >> SEGMENT_BITS] == NULL)
    self->segments[i >> SEGMENT_BITS] = g_new (Segment, 1);
  segment = self->segments[i >> SEGMENT_BITS];
  block = &segment->blocks[in_segment >> BLOCK_BITS];
  if ((i & (BLOCK_FRAMES - 1)) == 0)
    {
      block->offset = frame->offset;
      block->ts_ns = frame->ts_ns;
      if (i < self->appended)
        g_free (block->whole);   /* appending again after a truncation */
      block->whole = NULL;
    }
  kind = kind_of (self, frame);
  if (kind != KIND_WHOLE && fits (block, frame))
    {
      Entry *entry = &segment->entries[in_segment];

      entry->offset = (guint32) (frame->offset - block->offset);
      entry->ts = (guint32) (frame->ts_ns - block->ts_ns);
      entry->caplen = (guint16) frame->caplen;
      entry->len = (guint16) frame->len;
    }
  else
    {
      kind = KIND_WHOLE;
      if (block->whole == NULL)
        block->whole = g_new0 (IotFrame, BLOCK_FRAMES);
      block->whole[i & (BLOCK_FRAMES - 1)] = *frame;
    }
  segment->kinds[in_segment] = (guint8) kind;
  self->len = i + 1;
  self->appended = MAX (self->appended, self->len);
}

void
iot_frame_index_get (const IotFrameIndex *self, guint32 i, IotFrame *out)
{
  const Segment *segment = self->segments[i >> SEGMENT_BITS];
  guint32 in_segment = i & (SEGMENT_FRAMES - 1);
  const Block *block = &segment->blocks[in_segment >> BLOCK_BITS];
  guint kind = segment->kinds[in_segment];
  const Entry *entry;

  if (kind == KIND_WHOLE)
    {
      *out = block->whole[i & (BLOCK_FRAMES - 1)];
      return;
    }
  entry = &segment->entries[in_segment];
  out->offset = block->offset + entry->offset;
  out->ts_ns = block->ts_ns + (gint64) entry->ts;
  out->caplen = entry->caplen;
  out->len = entry->len;
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

  if (segment->kinds[in_segment] != KIND_WHOLE)
    return block->offset + segment->entries[in_segment].offset + segment->entries[in_segment].caplen;
  whole = &block->whole[i & (BLOCK_FRAMES - 1)];
  return whole->offset + whole->caplen;
}

guint64
iot_frame_index_offset (const IotFrameIndex *self, guint32 i)
{
  const Segment *segment = self->segments[i >> SEGMENT_BITS];
  guint32 in_segment = i & (SEGMENT_FRAMES - 1);
  const Block *block = &segment->blocks[in_segment >> BLOCK_BITS];

  if (segment->kinds[in_segment] == KIND_WHOLE)
    return block->whole[i & (BLOCK_FRAMES - 1)].offset;
  return block->offset + segment->entries[in_segment].offset;
}
