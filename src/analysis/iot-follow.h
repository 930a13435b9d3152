/* iot-follow.h — the data of one TCP or UDP conversation (or the decrypted
 * TLS inside a TCP one) in order, each
 * piece mapped back to its frame ("Follow Stream").  GLib only.
 */
#pragma once

#include "iot-engine.h"

G_BEGIN_DECLS

typedef enum {
  IOT_FOLLOW_TCP,
  IOT_FOLLOW_UDP,
  IOT_FOLLOW_TLS,     /* the decrypted application data of a TCP stream */
  IOT_FOLLOW_HTTP,    /* the HTTP messages of a TCP stream: headers, then the decoded body */
} IotFollowProtocol;

typedef enum {
  IOT_FOLLOW_ASCII,
  IOT_FOLLOW_HEX,
  IOT_FOLLOW_RAW,
} IotFollowMode;

/* One piece of data: @length bytes sent by node @node (0 = the side that
 * spoke first) in frame @frame, at @offset in that frame's bytes. */
typedef struct {
  guint32 frame;
  guint32 offset;
  guint32 length;
  guint8  node;
} IotFollowChunk;

typedef struct _IotFollow IotFollow;

/* Collects stream @stream (tcp.stream / udp.stream).  A stream no frame
 * belongs to gives an empty result with ":0" endpoints, as tshark prints. */
IotFollow            *iot_follow_new (IotEngine *engine, IotFollowProtocol protocol, guint32 stream,
                                      GError **error);
void                  iot_follow_free (IotFollow *follow);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotFollow, iot_follow_free)

guint                 iot_follow_n_chunks (IotFollow *follow);
const IotFollowChunk *iot_follow_chunk (IotFollow *follow, guint index);
/* The chunk's bytes (read from the capture file, or kept from a rebuilt
 * data source such as a decompressed 6LoWPAN packet). */
const guint8         *iot_follow_chunk_data (IotFollow *follow, guint index);
/* "127.0.0.1:39024" for node 0 or 1. */
const char           *iot_follow_node_name (IotFollow *follow, guint node);
guint64               iot_follow_node_bytes (IotFollow *follow, guint node);

/* Text as `tshark -q -z follow,tcp,ascii,N` prints it. */
void                  iot_follow_print (IotFollow *follow, IotFollowMode mode, GString *out);
/* Parses "tcp", "udp", "tls" or "http". */
gboolean              iot_follow_protocol_parse (const char *text, IotFollowProtocol *protocol);
/* Parses "ascii", "hex" or "raw". */
gboolean              iot_follow_mode_parse (const char *text, IotFollowMode *mode);

G_END_DECLS
