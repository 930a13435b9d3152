/* iot-reassembly.h — rebuilding messages carried in several frames (IP
 * fragments, TCP segments).  Part of the public dissector API.
 *
 * The first pass records where each piece lies (frame, byte offset in that
 * frame, length, position in the message); random access re-reads those
 * bytes from the capture file, so nothing is kept twice in memory.
 */
#pragma once

#include "iot-dissector.h"

G_BEGIN_DECLS

typedef struct {
  guint32 frame;
  guint32 offset;     /* within the frame's bytes */
  guint32 length;
  guint32 position;   /* within the rebuilt message */
} IotPiece;

/* The fields a rebuilt message shows, e.g. ip.fragments, ip.fragment,
 * ip.fragment.count, ip.reassembled.length, ip.reassembled.data. */
typedef struct {
  const IotField *group;
  const IotField *piece;
  const IotField *count;
  const IotField *length;
  const IotField *data;
  const char     *group_label;   /* "IPv4 Fragments", "Reassembled TCP Segments" */
  const char     *source_name;   /* "Reassembled IPv4", "Reassembled TCP" */
} IotRebuildFields;

/* A table of messages being, or already, rebuilt: per-capture state. */
typedef struct _IotDefrag IotDefrag;

IotDefrag *iot_defrag_new (void);
void       iot_defrag_free (IotDefrag *defrag);

/* First pass: adds @len bytes at @off of @buf as the piece at @position of
 * the message named by @key.  @last says this piece ends the message (its
 * total length is then known).  Returns TRUE when the message is complete
 * with this piece: it is then recorded as completed in the current frame. */
gboolean   iot_defrag_add (IotDefrag *defrag, IotPacket *pkt, const void *key, gsize key_len,
                           guint32 position, const IotBuf *buf, guint off, guint len, gboolean last);
/* Any pass: the frame that completed the message this frame contributed
 * to, 0 if none did (yet). */
guint32    iot_defrag_completed_in (IotDefrag *defrag, guint32 frame);
/* On the completing frame: rebuilds the message as a new data source, adds
 * its fields under @parent and returns a view of it. */
IotBuf     iot_defrag_rebuild (IotDefrag *defrag, IotPacket *pkt, const IotRebuildFields *fields,
                               int parent);

/* The same rebuilding for a list of pieces kept elsewhere (TCP). */
IotBuf     iot_rebuild_pieces (IotPacket *pkt, const IotPiece *pieces, guint n_pieces,
                               const IotRebuildFields *fields, int parent);

G_END_DECLS
