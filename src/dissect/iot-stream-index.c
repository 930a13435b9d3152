/* iot-stream-index.c — which frames belong to each TCP and UDP stream
 * (see iot-stream-index.h).
 *
 * The first pass appends, frame after frame, the streams each frame
 * belongs to: one base-128 number per stream, ((stream + 1) << 2 | UDP << 1
 * | another follows for this frame), or a single 0 for a frame with none.
 * Appending to one log writes memory in order, where a list per stream
 * would touch a different stream's tail at almost every frame; finding
 * one stream's frames reads the whole log once (about 2 bytes a frame). */
#include "iot-stream-index.h"

#include "iot-core-private.h"

#include <string.h>

struct _IotStreamIndex {
  GByteArray *log;          /* the streams of frames 1 … n_frames, in order */
  guint32     n_frames;
  guint32     n_streams[2]; /* TCP, UDP: highest stream number seen + 1 */
  GArray     *quoting;      /* guint32: frames with an ICMP error quoting a packet */
};

IotStreamIndex *
iot_stream_index_new (void)
{
  IotStreamIndex *index = g_new0 (IotStreamIndex, 1);

  index->log = g_byte_array_new ();
  index->quoting = g_array_new (FALSE, FALSE, sizeof (guint32));
  return index;
}

void
iot_stream_index_free (IotStreamIndex *index)
{
  if (index == NULL)
    return;
  g_byte_array_unref (index->log);
  g_array_unref (index->quoting);
  g_free (index);
}

static void
append_number (GByteArray *log, guint64 value)
{
  guint8 bytes[10];
  guint n = 0;

  while (value >= 0x80)
    {
      bytes[n++] = (guint8) (value | 0x80);
      value >>= 7;
    }
  bytes[n++] = (guint8) value;
  g_byte_array_append (log, bytes, n);
}

static guint64
read_number (const guint8 **p)
{
  guint64 value = 0;
  guint shift = 0;

  do
    {
      value |= (guint64) (**p & 0x7f) << shift;
      shift += 7;
    }
  while (*(*p)++ & 0x80);
  return value;
}

/* Frames before @number not added yet belong to no stream. */
static void
catch_up (IotStreamIndex *index, guint32 number)
{
  while (index->n_frames + 1 < number)
    {
      append_number (index->log, 0);
      index->n_frames++;
    }
}

void
iot_stream_index_add_streams (IotStreamIndex *index, guint32 number, const guint8 *layers,
                              const guint32 *streams, guint n)
{
  guint written = 0;

  g_return_if_fail (number > index->n_frames);
  catch_up (index, number);
  for (guint i = 0; i < n; i++)
    {
      gboolean udp = layers[i] == IOT_TAP_LAYER_UDP;
      gboolean more = FALSE;

      if ((layers[i] != IOT_TAP_LAYER_TCP && !udp) || streams[i] == IOT_TAP_NO_STREAM)
        continue;
      for (guint j = i + 1; j < n && !more; j++)
        more = (layers[j] == IOT_TAP_LAYER_TCP || layers[j] == IOT_TAP_LAYER_UDP)
               && streams[j] != IOT_TAP_NO_STREAM;
      append_number (index->log, ((guint64) streams[i] + 1) << 2 | (guint) udp << 1 | (guint) more);
      index->n_streams[udp] = MAX (index->n_streams[udp], streams[i] + 1);
      written++;
    }
  if (written == 0)
    append_number (index->log, 0);
  index->n_frames = number;
}

void
iot_stream_index_add_quoting (IotStreamIndex *index, guint32 number)
{
  guint n = index->quoting->len;

  if (n == 0 || g_array_index (index->quoting, guint32, n - 1) < number)
    g_array_append_val (index->quoting, number);
}

#define MAX_LAYERS 8

void
iot_stream_index_add_frame (IotStreamIndex *index, IotPacket *pkt)
{
  guint n, kept = 0;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_CONV, &n);
  guint8 layers[MAX_LAYERS];
  guint32 streams[MAX_LAYERS];

  for (guint i = 0; i < n && kept < MAX_LAYERS; i++)
    {
      const IotTapConv *conv = records[i];

      if (conv->layer != IOT_TAP_LAYER_TCP && conv->layer != IOT_TAP_LAYER_UDP)
        continue;
      layers[kept] = conv->layer;
      streams[kept++] = conv->stream;
    }
  iot_stream_index_add_streams (index, pkt->number, layers, streams, kept);
  if (pkt->quoting)
    iot_stream_index_add_quoting (index, pkt->number);
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
  GArray *out = g_array_new (FALSE, FALSE, sizeof (guint32));
  const guint8 *p = index->log->data, *end = p + index->log->len;
  guint64 wanted = ((guint64) stream + 1) << 2 | (guint) (layer == IOT_TAP_LAYER_UDP) << 1;
  guint32 number = 1;

  g_return_val_if_fail (layer == IOT_TAP_LAYER_TCP || layer == IOT_TAP_LAYER_UDP, out);
  while (p < end)
    {
      guint64 value = read_number (&p);

      /* A frame's streams are listed once each. */
      if ((value & ~(guint64) 1) == wanted
          && (out->len == 0 || g_array_index (out, guint32, out->len - 1) != number))
        g_array_append_val (out, number);
      if (!(value & 1))
        number++;
    }
  if (quoting && index->quoting->len > 0)
    merge_quoting (out, index->quoting);
  return out;
}

guint32
iot_stream_index_n_streams (IotStreamIndex *index, guint8 layer)
{
  if (layer == IOT_TAP_LAYER_TCP || layer == IOT_TAP_LAYER_UDP)
    return index->n_streams[layer == IOT_TAP_LAYER_UDP];
  return 0;
}

gsize
iot_stream_index_size (IotStreamIndex *index)
{
  return sizeof *index + index->log->len + index->quoting->len * sizeof (guint32);
}
