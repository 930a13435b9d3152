/* iot-stream-index.c — which frames belong to each TCP and UDP stream
 * (see iot-stream-index.h). */
#include "iot-stream-index.h"

#include "iot-core-private.h"

#include <string.h>

#define INLINE_BYTES 8

/* One stream's frames: deltas from the previous frame number (the first
 * from 0) as little-endian base-128 numbers, inline while they fit. */
typedef struct {
  guint32 last;        /* the newest frame; 0: none yet */
  guint32 len;         /* bytes used */
  guint32 cap;         /* 0: the bytes are inline */
  union {
    guint8  inline_bytes[INLINE_BYTES];
    guint8 *heap;
  } u;
} StreamFrames;

struct _IotStreamIndex {
  GArray *streams[2];   /* StreamFrames by stream number: TCP, UDP */
  GArray *quoting;      /* guint32: frames with an ICMP error quoting a packet */
};

IotStreamIndex *
iot_stream_index_new (void)
{
  IotStreamIndex *index = g_new0 (IotStreamIndex, 1);

  for (guint i = 0; i < 2; i++)
    index->streams[i] = g_array_new (FALSE, TRUE, sizeof (StreamFrames));
  index->quoting = g_array_new (FALSE, FALSE, sizeof (guint32));
  return index;
}

void
iot_stream_index_free (IotStreamIndex *index)
{
  if (index == NULL)
    return;
  for (guint i = 0; i < 2; i++)
    {
      for (guint s = 0; s < index->streams[i]->len; s++)
        {
          StreamFrames *frames = &g_array_index (index->streams[i], StreamFrames, s);

          if (frames->cap > 0)
            g_free (frames->u.heap);
        }
      g_array_unref (index->streams[i]);
    }
  g_array_unref (index->quoting);
  g_free (index);
}

static GArray *
layer_streams (IotStreamIndex *index, guint8 layer)
{
  if (layer == IOT_TAP_LAYER_TCP)
    return index->streams[0];
  if (layer == IOT_TAP_LAYER_UDP)
    return index->streams[1];
  return NULL;
}

static guint8 *
frames_bytes (StreamFrames *frames)
{
  return frames->cap > 0 ? frames->u.heap : frames->u.inline_bytes;
}

/* Room for @more bytes: inline first, then a buffer doubling as it goes. */
static void
frames_reserve (StreamFrames *frames, guint32 more)
{
  guint32 cap = frames->cap > 0 ? frames->cap : INLINE_BYTES;
  guint8 *heap;

  if (frames->len + more <= cap)
    return;
  while (frames->len + more > cap)
    cap *= 2;
  if (frames->cap > 0)
    {
      frames->u.heap = g_realloc (frames->u.heap, cap);
      frames->cap = cap;
      return;
    }
  heap = g_malloc (cap);
  memcpy (heap, frames->u.inline_bytes, frames->len);
  frames->u.heap = heap;
  frames->cap = cap;
}

void
iot_stream_index_add (IotStreamIndex *index, guint8 layer, guint32 stream, guint32 number)
{
  GArray *streams = layer_streams (index, layer);
  StreamFrames *frames;
  guint32 delta;
  guint8 *out;

  g_return_if_fail (streams != NULL && number > 0);
  if (stream == IOT_TAP_NO_STREAM)
    return;
  if (stream >= streams->len)
    g_array_set_size (streams, stream + 1);
  frames = &g_array_index (streams, StreamFrames, stream);
  /* A frame with the same stream twice (a layer repeated) counts once. */
  if (number <= frames->last)
    return;
  delta = number - frames->last;
  frames->last = number;
  frames_reserve (frames, 5);
  out = frames_bytes (frames) + frames->len;
  while (delta >= 0x80)
    {
      *out++ = (guint8) (delta | 0x80);
      frames->len++;
      delta >>= 7;
    }
  *out = (guint8) delta;
  frames->len++;
}

void
iot_stream_index_add_quoting (IotStreamIndex *index, guint32 number)
{
  guint n = index->quoting->len;

  if (n == 0 || g_array_index (index->quoting, guint32, n - 1) < number)
    g_array_append_val (index->quoting, number);
}

void
iot_stream_index_add_frame (IotStreamIndex *index, IotPacket *pkt)
{
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_CONV, &n);

  for (guint i = 0; i < n; i++)
    {
      const IotTapConv *conv = records[i];

      if (conv->layer == IOT_TAP_LAYER_TCP || conv->layer == IOT_TAP_LAYER_UDP)
        iot_stream_index_add (index, conv->layer, conv->stream, pkt->number);
    }
  if (pkt->quoting)
    iot_stream_index_add_quoting (index, pkt->number);
}

/* Appends the frames of @frames, decoded, to @out. */
static void
frames_decode (StreamFrames *frames, GArray *out)
{
  const guint8 *p = frames_bytes (frames), *end = p + frames->len;
  guint32 number = 0;

  while (p < end)
    {
      guint32 delta = 0;
      guint shift = 0;

      do
        {
          delta |= (guint32) (*p & 0x7f) << shift;
          shift += 7;
        }
      while (*p++ & 0x80);
      number += delta;
      g_array_append_val (out, number);
    }
}

/* Merges the ascending frames of @quoting into the ascending @out. */
static void
merge_quoting (GArray *out, GArray *quoting)
{
  g_autoptr (GArray) own = g_array_copy (out);
  guint i = 0, j = 0;

  g_array_set_size (out, 0);
  while (i < own->len || j < quoting->len)
    {
      guint32 a = i < own->len ? g_array_index (own, guint32, i) : G_MAXUINT32;
      guint32 b = j < quoting->len ? g_array_index (quoting, guint32, j) : G_MAXUINT32;
      guint32 next = MIN (a, b);

      g_array_append_val (out, next);
      i += a == next;
      j += b == next;
    }
}

GArray *
iot_stream_index_frames (IotStreamIndex *index, guint8 layer, guint32 stream, gboolean quoting)
{
  GArray *streams = layer_streams (index, layer);
  GArray *out = g_array_new (FALSE, FALSE, sizeof (guint32));

  g_return_val_if_fail (streams != NULL, out);
  if (stream < streams->len)
    frames_decode (&g_array_index (streams, StreamFrames, stream), out);
  if (quoting && index->quoting->len > 0)
    merge_quoting (out, index->quoting);
  return out;
}

guint32
iot_stream_index_n_streams (IotStreamIndex *index, guint8 layer)
{
  GArray *streams = layer_streams (index, layer);

  return streams != NULL ? streams->len : 0;
}

gsize
iot_stream_index_size (IotStreamIndex *index)
{
  gsize size = sizeof *index + index->quoting->len * sizeof (guint32);

  for (guint i = 0; i < 2; i++)
    {
      size += index->streams[i]->len * sizeof (StreamFrames);
      for (guint s = 0; s < index->streams[i]->len; s++)
        size += g_array_index (index->streams[i], StreamFrames, s).cap;
    }
  return size;
}
