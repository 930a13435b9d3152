/* iot-file.c — indexing capture files through libpcap.
 *
 * The file is read once, sequentially, by libpcap; for each packet we keep
 * only an IotFrame (where its bytes are, when, how long).  The bytes are
 * read back later from a read-only mapping of the same file.
 */
#include "iot-file.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <string.h>

#define PCAP_MAGIC_USEC      0xa1b2c3d4u
#define PCAP_MAGIC_NSEC      0xa1b23c4du
#define PCAPNG_MAGIC_SHB     0x0a0d0d0au

#define PCAPNG_BLOCK_PB      2u
#define PCAPNG_BLOCK_SPB     3u
#define PCAPNG_BLOCK_EPB     6u

struct _IotFile {
  gint           ref_count;
  char          *path;
  GMappedFile   *mapping;
  GBytes        *owned;     /* in-memory captures */
  const guint8  *bytes;
  guint64        size;
  IotFileFormat  format;
  GArray        *frames;   /* IotFrame */
  char          *damage;
};

G_DEFINE_QUARK (iot-file-error-quark, iot_file_error)

static guint32
read_u32 (const guint8 *p, gboolean swapped)
{
  guint32 v;

  memcpy (&v, p, 4);
  return swapped ? GUINT32_SWAP_LE_BE (v) : v;
}

static gboolean
detect_format (IotFile *self, GError **error)
{
  guint32 magic;

  if (self->size < 4 || self->bytes == NULL)
    {
      g_set_error (error, IOT_FILE_ERROR, IOT_FILE_ERROR_FORMAT,
                   "%s: the file is %s; it is not a capture file",
                   self->path, self->size == 0 ? "empty" : "too short");
      return FALSE;
    }
  magic = read_u32 (self->bytes, FALSE);
  if (magic == PCAP_MAGIC_USEC || GUINT32_SWAP_LE_BE (magic) == PCAP_MAGIC_USEC)
    self->format = IOT_FILE_FORMAT_PCAP;
  else if (magic == PCAP_MAGIC_NSEC || GUINT32_SWAP_LE_BE (magic) == PCAP_MAGIC_NSEC)
    self->format = IOT_FILE_FORMAT_PCAP_NSEC;
  else if (magic == PCAPNG_MAGIC_SHB)
    self->format = IOT_FILE_FORMAT_PCAPNG;
  else
    {
      g_set_error (error, IOT_FILE_ERROR, IOT_FILE_ERROR_FORMAT,
                   "%s: not a pcap or pcapng capture file (it starts with bytes "
                   "%02x %02x %02x %02x)", self->path,
                   self->bytes[0], self->bytes[1], self->bytes[2], self->bytes[3]);
      return FALSE;
    }
  return TRUE;
}

/* In pcapng, libpcap leaves the stream just after the packet's block; the
 * block's trailing length field tells where it began. */
static gboolean
pcapng_data_offset (IotFile *self, guint64 block_end, const guint8 *pkt_data, guint32 caplen,
                    guint64 *out)
{
  for (int swapped = 0; swapped < 2; swapped++)
    {
      guint32 total, type;
      guint64 start, data;

      if (block_end < 12 || block_end > self->size)
        return FALSE;
      total = read_u32 (self->bytes + block_end - 4, swapped);
      if (total < 12 || total > block_end)
        continue;
      start = block_end - total;
      type = read_u32 (self->bytes + start, swapped);
      if (type == PCAPNG_BLOCK_EPB || type == PCAPNG_BLOCK_PB)
        data = start + 28;
      else if (type == PCAPNG_BLOCK_SPB)
        data = start + 12;
      else
        continue;
      if (data + caplen > block_end)
        continue;
      if (memcmp (self->bytes + data, pkt_data, MIN (caplen, 64)) != 0)
        continue;
      *out = data;
      return TRUE;
    }
  return FALSE;
}

static gboolean
locate_packet_bytes (IotFile *self, pcap_t *pcap, const guint8 *pkt_data, guint32 caplen,
                     guint64 *out)
{
  long end = ftell (pcap_file (pcap));

  if (end < 0)
    return FALSE;
  if (self->format != IOT_FILE_FORMAT_PCAPNG)
    {
      if ((guint64) end < caplen || (guint64) end > self->size)
        return FALSE;
      *out = (guint64) end - caplen;
      return caplen == 0 || memcmp (self->bytes + *out, pkt_data, MIN (caplen, 64)) == 0;
    }
  return pcapng_data_offset (self, (guint64) end, pkt_data, caplen, out);
}

static void
set_damage (IotFile *self, const char *why)
{
  g_free (self->damage);
  self->damage = g_strdup_printf ("the file is cut short or damaged after frame %u "
                                  "(%s); the %u frames before it were loaded",
                                  self->frames->len, why, self->frames->len);
}

static gboolean
index_frames (IotFile *self, pcap_t *pcap, GCancellable *cancellable,
              IotFileProgress progress, gpointer user_data, GError **error)
{
  struct pcap_pkthdr *hdr;
  const u_char *data;
  int link_type = pcap_datalink (pcap);
  int rc;

  while ((rc = pcap_next_ex (pcap, &hdr, &data)) == 1)
    {
      IotFrame frame = { 0 };

      if (!locate_packet_bytes (self, pcap, data, hdr->caplen, &frame.offset))
        {
          set_damage (self, "a packet's bytes could not be located in the file");
          return TRUE;
        }
      frame.ts_ns = (gint64) hdr->ts.tv_sec * G_GINT64_CONSTANT (1000000000) + hdr->ts.tv_usec;
      frame.caplen = hdr->caplen;
      frame.len = hdr->len;
      frame.link_type = (guint16) link_type;
      g_array_append_val (self->frames, frame);

      if ((self->frames->len & 0xffff) == 0)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
          if (progress && !progress (frame.offset, self->size, self->frames->len, user_data))
            {
              g_set_error (error, IOT_FILE_ERROR, IOT_FILE_ERROR_CANCELLED, "loading was cancelled");
              return FALSE;
            }
        }
    }
  if (rc == PCAP_ERROR)
    set_damage (self, pcap_geterr (pcap));
  return TRUE;
}

static IotFile *
file_new (const char *name)
{
  IotFile *self = g_new0 (IotFile, 1);

  self->ref_count = 1;
  self->path = g_strdup (name);
  self->frames = g_array_new (FALSE, FALSE, sizeof (IotFrame));
  return self;
}

/* Indexes the bytes already held in self->bytes; libpcap reads them through
 * a memory stream, so files and in-memory captures share one path. */
static gboolean
index_bytes (IotFile *self, GCancellable *cancellable, IotFileProgress progress,
             gpointer user_data, GError **error)
{
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  FILE *stream;
  pcap_t *pcap;
  gboolean ok;

  if (!detect_format (self, error))
    return FALSE;
  stream = fmemopen ((void *) self->bytes, self->size, "rb");
  if (stream == NULL)
    {
      g_set_error (error, IOT_FILE_ERROR, IOT_FILE_ERROR_OPEN, "%s: %s", self->path,
                   g_strerror (errno));
      return FALSE;
    }
  pcap = pcap_fopen_offline_with_tstamp_precision (stream, PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (pcap == NULL)
    {
      fclose (stream);
      g_set_error (error, IOT_FILE_ERROR, IOT_FILE_ERROR_FORMAT,
                   "%s: cannot read this capture file: %s", self->path, errbuf);
      return FALSE;
    }
  ok = index_frames (self, pcap, cancellable, progress, user_data, error);
  pcap_close (pcap);   /* closes the stream too */
  if (ok && progress)
    progress (self->size, self->size, self->frames->len, user_data);
  return ok;
}

IotFile *
iot_file_open_full (const char *path, GCancellable *cancellable, IotFileProgress progress,
                    gpointer user_data, GError **error)
{
  g_autoptr (GError) map_error = NULL;
  IotFile *self = file_new (path);

  self->mapping = g_mapped_file_new (path, FALSE, &map_error);
  if (self->mapping == NULL)
    {
      g_set_error (error, IOT_FILE_ERROR, IOT_FILE_ERROR_OPEN, "%s", map_error->message);
      iot_file_unref (self);
      return NULL;
    }
  self->bytes = (const guint8 *) g_mapped_file_get_contents (self->mapping);
  self->size = g_mapped_file_get_length (self->mapping);
  if (!index_bytes (self, cancellable, progress, user_data, error))
    {
      iot_file_unref (self);
      return NULL;
    }
  return self;
}

IotFile *
iot_file_open_bytes (GBytes *bytes, const char *name, GError **error)
{
  IotFile *self = file_new (name);
  gsize size;

  self->owned = g_bytes_ref (bytes);
  self->bytes = g_bytes_get_data (bytes, &size);
  self->size = size;
  if (!index_bytes (self, NULL, NULL, NULL, error))
    {
      iot_file_unref (self);
      return NULL;
    }
  return self;
}

IotFile *
iot_file_open (const char *path, GError **error)
{
  return iot_file_open_full (path, NULL, NULL, NULL, error);
}

IotFile *
iot_file_ref (IotFile *self)
{
  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
iot_file_unref (IotFile *self)
{
  if (self == NULL || !g_atomic_int_dec_and_test (&self->ref_count))
    return;
  g_clear_pointer (&self->mapping, g_mapped_file_unref);
  g_clear_pointer (&self->owned, g_bytes_unref);
  g_array_unref (self->frames);
  g_free (self->damage);
  g_free (self->path);
  g_free (self);
}

const char *
iot_file_path (IotFile *self)
{
  return self->path;
}

IotFileFormat
iot_file_format (IotFile *self)
{
  return self->format;
}

const char *
iot_file_format_name (IotFile *self)
{
  switch (self->format)
    {
    case IOT_FILE_FORMAT_PCAP:
      return "pcap";
    case IOT_FILE_FORMAT_PCAP_NSEC:
      return "pcap (nanosecond)";
    case IOT_FILE_FORMAT_PCAPNG:
    default:
      return "pcapng";
    }
}

guint32
iot_file_n_frames (IotFile *self)
{
  return self->frames->len;
}

const IotFrame *
iot_file_frame (IotFile *self, guint32 number)
{
  g_return_val_if_fail (number >= 1 && number <= self->frames->len, NULL);
  return &g_array_index (self->frames, IotFrame, number - 1);
}

const guint8 *
iot_file_frame_data (IotFile *self, guint32 number)
{
  const IotFrame *frame = iot_file_frame (self, number);

  return frame ? self->bytes + frame->offset : NULL;
}

const char *
iot_file_damage (IotFile *self)
{
  return self->damage;
}

guint64
iot_file_size (IotFile *self)
{
  return self->size;
}
