/* iot-buf.h — bounds-checked views on packet bytes.
 *
 * Every byte a dissector reads goes through these accessors.  A read past
 * the captured bytes ends the current layer as "truncated"; a read past the
 * length the packet claims ends it as "malformed".  Neither ever touches
 * memory outside the view: the accessor unwinds to the layer boundary set up
 * by iot_call_dissector(), which keeps every field added so far.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _IotPacket IotPacket;

typedef struct {
  const guint8 *data;      /* first byte of the view */
  guint32       length;    /* bytes captured and readable */
  guint32       reported;  /* bytes the packet had on the wire (>= length) */
  guint32       origin;    /* offset of data[0] within the data source */
  guint8        source;    /* 0 = the frame, > 0 = a reassembled buffer */
  IotPacket    *pkt;       /* where to unwind to on a bad read */
} IotBuf;

typedef enum {
  IOT_LAYER_OK = 0,
  IOT_LAYER_TRUNCATED,     /* captured bytes ran out (snap length) */
  IOT_LAYER_MALFORMED,     /* the packet contradicts its own lengths or the spec */
} IotLayerEnd;

/* Unwinds the current layer; never returns. */
G_NORETURN void iot_buf_throw (const IotBuf *buf, IotLayerEnd why, const char *reason);

/* Throws unless [off, off+len) lies within the view. */
static inline void
iot_buf_check (const IotBuf *buf, guint64 off, guint64 len)
{
  if (G_UNLIKELY (off + len > buf->length))
    iot_buf_throw (buf, off + len > buf->reported ? IOT_LAYER_MALFORMED : IOT_LAYER_TRUNCATED,
                   NULL);
}

static inline gboolean
iot_buf_has (const IotBuf *buf, guint64 off, guint64 len)
{
  return off + len <= buf->length;
}

static inline guint
iot_buf_remaining (const IotBuf *buf, guint off)
{
  return off < buf->length ? buf->length - off : 0;
}

static inline guint
iot_buf_reported_remaining (const IotBuf *buf, guint off)
{
  return off < buf->reported ? buf->reported - off : 0;
}

static inline const guint8 *
iot_buf_ptr (const IotBuf *buf, guint off, guint len)
{
  iot_buf_check (buf, off, len);
  return buf->data + off;
}

static inline guint8
iot_buf_u8 (const IotBuf *buf, guint off)
{
  iot_buf_check (buf, off, 1);
  return buf->data[off];
}

static inline guint16
iot_buf_u16 (const IotBuf *buf, guint off)
{
  const guint8 *p = iot_buf_ptr (buf, off, 2);
  return (guint16) (p[0] << 8 | p[1]);
}

static inline guint16
iot_buf_u16le (const IotBuf *buf, guint off)
{
  const guint8 *p = iot_buf_ptr (buf, off, 2);
  return (guint16) (p[1] << 8 | p[0]);
}

static inline guint32
iot_buf_u24 (const IotBuf *buf, guint off)
{
  const guint8 *p = iot_buf_ptr (buf, off, 3);
  return (guint32) p[0] << 16 | (guint32) p[1] << 8 | p[2];
}

static inline guint32
iot_buf_u24le (const IotBuf *buf, guint off)
{
  const guint8 *p = iot_buf_ptr (buf, off, 3);
  return (guint32) p[2] << 16 | (guint32) p[1] << 8 | p[0];
}

static inline guint32
iot_buf_u32 (const IotBuf *buf, guint off)
{
  const guint8 *p = iot_buf_ptr (buf, off, 4);
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static inline guint32
iot_buf_u32le (const IotBuf *buf, guint off)
{
  const guint8 *p = iot_buf_ptr (buf, off, 4);
  return (guint32) p[3] << 24 | (guint32) p[2] << 16 | (guint32) p[1] << 8 | p[0];
}

static inline guint64
iot_buf_u64 (const IotBuf *buf, guint off)
{
  return (guint64) iot_buf_u32 (buf, off) << 32 | iot_buf_u32 (buf, off + 4);
}

static inline guint64
iot_buf_u64le (const IotBuf *buf, guint off)
{
  return (guint64) iot_buf_u32le (buf, off + 4) << 32 | iot_buf_u32le (buf, off);
}

/* Reads an MQTT-style variable byte integer (1..4 bytes, 7 bits each,
 * least significant group first).  Stores the number of bytes used in
 * *n_bytes.  A fifth continuation byte is malformed. */
guint32 iot_buf_varint (const IotBuf *buf, guint off, guint *n_bytes);

/* A sub-view of @len bytes from @off.  @len may exceed what was captured
 * (the view is then shorter than reported); it may not exceed what the
 * parent view reports — that is malformed.  Pass -1 for "the rest". */
IotBuf iot_buf_sub (const IotBuf *buf, guint off, gint len);

/* Finds @needle within [off, off+max) of the captured bytes; -1 if absent. */
gint iot_buf_find (const IotBuf *buf, guint off, guint max, const void *needle, guint needle_len);

/* Finds the end of a text line starting at @off: returns the offset of the
 * line terminator (CR LF or LF) and stores the offset after it in *next, or
 * -1 if no terminator lies in the captured bytes. */
gint iot_buf_find_line_end (const IotBuf *buf, guint off, guint *next);

G_END_DECLS
