/* iot-stream-index.h — which frames belong to each TCP and UDP stream.
 *
 * Following one stream, or drawing its flow graph, needs only that
 * stream's frames: the index lets them be dissected alone instead of
 * walking the whole capture.  The engine builds it during its first pass,
 * when asked to before the pass (iot_engine_index_streams: the records it
 * reads cost the pass about a tenth), from the conversation tap records (the frame's own TCP and UDP layers,
 * each with its tcp.stream / udp.stream), and keeps aside the frames
 * where an ICMP error quotes another packet (the quoted layers publish no
 * record, yet a filter on the stream number matches them).
 *
 * The index is one log in frame order: for each frame the streams it
 * belongs to, a base-128 number each (about 2 bytes a frame), written in
 * order as the pass goes; finding one stream's frames reads the log once
 * (milliseconds for a million frames).
 * GLib only; the engine serialises writers and readers.
 */
#pragma once

#include "iot-dissector.h"
#include "iot-engine.h"
#include "iot-tap.h"

G_BEGIN_DECLS

typedef struct _IotStreamIndex IotStreamIndex;

IotStreamIndex *iot_stream_index_new (void);
void            iot_stream_index_free (IotStreamIndex *index);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotStreamIndex, iot_stream_index_free)

/* Records frame @number under every TCP and UDP stream its conversation
 * records name; frames come in ascending order (the first pass). */
void            iot_stream_index_add_frame (IotStreamIndex *index, IotPacket *pkt);
/* The same from @n pairs of a layer (IOT_TAP_LAYER_TCP or _UDP; others
 * are left out) and its stream number (IOT_TAP_NO_STREAM: none), for
 * frame @number, after every frame added before it (those between belong
 * to no stream); and a frame quoting another packet. */
void            iot_stream_index_add_streams (IotStreamIndex *index, guint32 number, const guint8 *layers,
                                              const guint32 *streams, guint n);
void            iot_stream_index_add_quoting (IotStreamIndex *index, guint32 number);

/* The frames of @stream of @layer in ascending order (a new array of
 * guint32; empty for a stream never seen).  With @quoting, the frames
 * that quote another packet are merged in: a caller that reads quoted
 * layers sorts them out itself. */
GArray         *iot_stream_index_frames (IotStreamIndex *index, guint8 layer, guint32 stream,
                                         gboolean quoting);
/* Streams seen of @layer (the highest stream number + 1). */
guint32         iot_stream_index_n_streams (IotStreamIndex *index, guint8 layer);
/* Bytes the index holds. */
gsize           iot_stream_index_size (IotStreamIndex *index);

/* Asks @engine's first pass to index the streams; before the pass starts
 * (FALSE afterwards, unless it already indexes them). */
gboolean        iot_engine_index_streams (IotEngine *engine);
/* The frames of one stream as @engine's first pass indexed them so far
 * (iot_stream_index_frames), or NULL when it does not index streams:
 * then every frame has to be looked at.  Any thread, also while the pass
 * runs. */
GArray         *iot_engine_stream_frames (IotEngine *engine, guint8 layer, guint32 stream, gboolean quoting);

G_END_DECLS
