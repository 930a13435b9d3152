/* iot-buf.c — the out-of-line buffer accessors. */
#include "iot-buf.h"

#include <string.h>

guint32
iot_buf_varint (const IotBuf *buf, guint off, guint *n_bytes)
{
  guint32 value = 0;

  for (guint i = 0; i < 4; i++)
    {
      guint8 byte = iot_buf_u8 (buf, off + i);

      value |= (guint32) (byte & 0x7f) << (7 * i);
      if ((byte & 0x80) == 0)
        {
          *n_bytes = i + 1;
          return value;
        }
    }
  iot_buf_throw (buf, IOT_LAYER_MALFORMED, "Variable byte integer longer than 4 bytes");
}

IotBuf
iot_buf_sub (const IotBuf *buf, guint off, gint len)
{
  IotBuf sub = *buf;
  guint reported;

  if (off > buf->reported)
    iot_buf_throw (buf, IOT_LAYER_MALFORMED, NULL);
  if (off > buf->length)
    iot_buf_throw (buf, IOT_LAYER_TRUNCATED, NULL);
  reported = len < 0 ? buf->reported - off : (guint) len;
  if ((guint64) off + reported > buf->reported)
    iot_buf_throw (buf, IOT_LAYER_MALFORMED, NULL);
  sub.data = buf->data + off;
  sub.origin = buf->origin + off;
  sub.reported = reported;
  sub.length = MIN (reported, buf->length - off);
  return sub;
}

gint
iot_buf_find (const IotBuf *buf, guint off, guint max, const void *needle, guint needle_len)
{
  guint end;

  if (off >= buf->length || needle_len == 0)
    return -1;
  end = (guint64) off + max > buf->length ? buf->length : off + max;
  if (end - off < needle_len)
    return -1;
  for (guint i = off; i + needle_len <= end; i++)
    if (memcmp (buf->data + i, needle, needle_len) == 0)
      return (gint) i;
  return -1;
}

gint
iot_buf_find_line_end (const IotBuf *buf, guint off, guint *next)
{
  for (guint i = off; i < buf->length; i++)
    if (buf->data[i] == '\n')
      {
        *next = i + 1;
        return (gint) (i > off && buf->data[i - 1] == '\r' ? i - 1 : i);
      }
  return -1;
}
