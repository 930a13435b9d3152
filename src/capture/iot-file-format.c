/* iot-file-format.c — the pcap and pcapng formats, read straight from the
 * read-only mapping of a capture.
 *
 * Every value is read through the bounds-checked helpers below (they
 * answer FALSE instead of reading past the bytes they were given), so a
 * damaged or hostile file can only stop indexing, never make us read out
 * of bounds.  Packet bytes are never copied: a frame is its offset.
 *
 * pcap: a 24-byte file header (magic a1b2c3d4 for microseconds or
 * a1b23c4d for nanoseconds, in either byte order), then 16-byte record
 * headers each followed by the captured bytes.  The "modified" pcap of
 * Alexey Kuznetsov's patched libpcap (magic a1b2cd34, microseconds) has
 * 24-byte record headers: the usual four fields, then the interface index
 * (32 bits), the protocol (16), the packet type (8) and a padding byte.
 * As libpcap does, we read its time stamps and lengths and skip the rest.
 *
 * pcapng: a sequence of blocks "type, total length, body, total length",
 * padded to 32 bits.  A Section Header Block starts each section and fixes
 * its byte order; Interface Description Blocks number the interfaces of
 * the section (link type, snap length, time stamp resolution and offset);
 * Enhanced, Simple and (obsolete) Packet Blocks carry the packets.  Any
 * other block is skipped by its length.
 */
#include "iot-file-format.h"
#include "iot-secrets.h"

#include <pcap/dlt.h>
#include <string.h>

#define PCAP_MAGIC_USEC     0xa1b2c3d4u
#define PCAP_MAGIC_NSEC     0xa1b23c4du
#define PCAP_MAGIC_MODIFIED 0xa1b2cd34u
#define PCAP_RECORD_MODIFIED 24

#define PCAPNG_BLOCK_SHB    0x0a0d0d0au
#define PCAPNG_BLOCK_IDB    1u
#define PCAPNG_BLOCK_PB     2u
#define PCAPNG_BLOCK_SPB    3u
#define PCAPNG_BLOCK_EPB    6u
#define PCAPNG_BLOCK_DSB    10u          /* Decryption Secrets Block */
#define PCAPNG_SECRETS_TLS  0x544c534bu  /* "TLSK": NSS key log lines */
#define PCAPNG_BYTE_ORDER   0x1a2b3c4du

#define PCAPNG_OPT_END      0
#define PCAPNG_OPT_COMMENT  1
#define PCAPNG_IF_TSRESOL   9
#define PCAPNG_IF_TSOFFSET  14

/* What libpcap and tshark accept as a frame's captured length unless the
 * snap length says more. */
#define MAX_CAPLEN          262144u

#define NS_PER_SEC          G_GINT64_CONSTANT (1000000000)
/* Seconds beyond this (either sign) cannot be held in ns in a gint64. */
#define SEC_LIMIT           (G_MAXINT64 / NS_PER_SEC - 1)

/* ---- bounds-checked reading ------------------------------------------------- */

static inline gboolean
fits (guint64 size, guint64 offset, guint64 n)
{
  return offset <= size && n <= size - offset;
}

static inline gboolean
get_u16 (const guint8 *bytes, guint64 size, guint64 offset, gboolean swapped, guint16 *out)
{
  guint16 v;

  if (!fits (size, offset, 2))
    return FALSE;
  memcpy (&v, bytes + offset, 2);
  *out = swapped ? GUINT16_SWAP_LE_BE (v) : v;
  return TRUE;
}

static inline gboolean
get_u32 (const guint8 *bytes, guint64 size, guint64 offset, gboolean swapped, guint32 *out)
{
  guint32 v;

  if (!fits (size, offset, 4))
    return FALSE;
  memcpy (&v, bytes + offset, 4);
  *out = swapped ? GUINT32_SWAP_LE_BE (v) : v;
  return TRUE;
}

static inline gboolean
get_u64 (const guint8 *bytes, guint64 size, guint64 offset, gboolean swapped, guint64 *out)
{
  guint64 v;

  if (!fits (size, offset, 8))
    return FALSE;
  memcpy (&v, bytes + offset, 8);
  *out = swapped ? GUINT64_SWAP_LE_BE (v) : v;
  return TRUE;
}

/* Seconds and nanoseconds as one count; a damaged or hostile file can carry
 * seconds beyond what fits, which are clamped rather than overflowed. */
static gint64
timestamp_ns (gint64 sec, gint64 nsec)
{
  sec = CLAMP (sec, -SEC_LIMIT, SEC_LIMIT);
  return sec * NS_PER_SEC + nsec;
}

guint16
iot_link_type_from_file (guint32 linktype)
{
  /* libpcap hands out DLT_* values, and live captures carry them too, so
   * files are numbered the same way: the few LINKTYPE_* values that differ
   * from this system's DLT_* are mapped as libpcap maps them. */
  switch (linktype)
    {
    case 100:
      return DLT_ATM_RFC1483;
    case 101:
      return DLT_RAW;
    case 102:
      return DLT_SLIP_BSDOS;
    case 103:
      return DLT_PPP_BSDOS;
    case 106:
      return DLT_ATM_CLIP;
    case 108:
      return DLT_LOOP;
    case 246:
      return DLT_PFSYNC;
    case 258:
      return DLT_PKTAP;
    default:
      /* Larger values are no link type anyone assigned: keep them visibly
       * unsupported rather than wrapped onto a real one. */
      return linktype > G_MAXUINT16 ? G_MAXUINT16 : (guint16) linktype;
    }
}

guint32
iot_link_type_to_file (guint16 link_type)
{
  /* The LINKTYPE_* values that differ from their DLT_* on some systems. */
  static const guint32 differing[] = { 100, 101, 102, 103, 106, 108, 246, 258 };

  for (guint i = 0; i < G_N_ELEMENTS (differing); i++)
    if (iot_link_type_from_file (differing[i]) == link_type)
      return differing[i];
  return link_type;
}

/* ---- pcap ------------------------------------------------------------------- */

enum {
  LENGTHS_AS_WRITTEN,
  LENGTHS_MAYBE_SWAPPED,   /* 2.3: swapped when caplen > len */
  LENGTHS_SWAPPED,         /* before 2.3 */
};

gboolean
iot_pcap_read_header (const guint8 *bytes, guint64 size, IotPcapHeader *header, char **why)
{
  guint32 magic = 0, snaplen = 0, linktype = 0;
  guint16 major = 0, minor = 0;
  gboolean swapped;

  memset (header, 0, sizeof *header);
  if (!fits (size, 0, IOT_PCAP_FILE_HEADER))
    {
      *why = g_strdup_printf ("the pcap file header is cut short (%" G_GUINT64_FORMAT
                              " of its %u bytes)", size, IOT_PCAP_FILE_HEADER);
      return FALSE;
    }
  get_u32 (bytes, size, 0, FALSE, &magic);
  swapped = magic != PCAP_MAGIC_USEC && magic != PCAP_MAGIC_NSEC && magic != PCAP_MAGIC_MODIFIED;
  if (swapped)
    magic = GUINT32_SWAP_LE_BE (magic);
  if (magic != PCAP_MAGIC_USEC && magic != PCAP_MAGIC_NSEC && magic != PCAP_MAGIC_MODIFIED)
    {
      *why = g_strdup ("it is not a pcap file");
      return FALSE;
    }
  get_u16 (bytes, size, 4, swapped, &major);
  get_u16 (bytes, size, 6, swapped, &minor);
  get_u32 (bytes, size, 16, swapped, &snaplen);
  get_u32 (bytes, size, 20, swapped, &linktype);
  /* As libpcap: 2.0 to 2.4, and the 543.0 of one old tcpdump. */
  if (!((major == 2 && minor <= 4) || (major == 543 && minor == 0)))
    {
      *why = g_strdup_printf ("pcap version %u.%u is not supported", major, minor);
      return FALSE;
    }
  header->swapped = swapped;
  header->nsec = magic == PCAP_MAGIC_NSEC;
  header->record_size = magic == PCAP_MAGIC_MODIFIED ? PCAP_RECORD_MODIFIED : IOT_PCAP_RECORD;
  header->swap_lengths = major != 2 ? LENGTHS_AS_WRITTEN
                         : minor < 3 ? LENGTHS_SWAPPED
                         : minor == 3 ? LENGTHS_MAYBE_SWAPPED : LENGTHS_AS_WRITTEN;
  header->snaplen = snaplen;
  header->max_caplen = MAX (snaplen, MAX_CAPLEN);
  /* The upper bits of the field may carry the FCS length: not the type. */
  header->link_type = iot_link_type_from_file (linktype & 0x03ffffffu);
  return TRUE;
}

IotRecordStatus
iot_pcap_read_record (const IotPcapHeader *header, const guint8 *bytes, guint64 size,
                      guint64 *offset, IotFrame *frame, char **why)
{
  guint64 off = *offset;
  guint32 sec, frac, caplen, len, record = header->record_size;

  if (off >= size)
    return IOT_RECORD_END;
  if (!get_u32 (bytes, size, off, header->swapped, &sec)
      || !get_u32 (bytes, size, off + 4, header->swapped, &frac)
      || !get_u32 (bytes, size, off + 8, header->swapped, &caplen)
      || !get_u32 (bytes, size, off + 12, header->swapped, &len)
      || !fits (size, off, record))
    {
      *why = g_strdup_printf ("truncated: the last record header has %" G_GUINT64_FORMAT
                              " of its %u bytes", size - off, record);
      return IOT_RECORD_TRUNCATED;
    }
  if (header->swap_lengths == LENGTHS_SWAPPED
      || (header->swap_lengths == LENGTHS_MAYBE_SWAPPED && caplen > len))
    {
      guint32 t = caplen;

      caplen = len;
      len = t;
    }
  if (caplen > header->max_caplen)
    {
      *why = g_strdup_printf ("a record has an impossible length: %u captured bytes, "
                              "more than the maximum of %u", caplen, header->max_caplen);
      return IOT_RECORD_BAD;
    }
  if (!fits (size, off + record, caplen))
    {
      *why = g_strdup_printf ("truncated: the last record holds %" G_GUINT64_FORMAT
                              " of its %u captured bytes", size - off - record, caplen);
      return IOT_RECORD_TRUNCATED;
    }
  memset (frame, 0, sizeof *frame);
  frame->offset = off + record;
  frame->ts_ns = timestamp_ns (sec, (gint64) frac * (header->nsec ? 1 : 1000));
  frame->caplen = caplen;
  frame->len = len;
  frame->link_type = header->link_type;
  *offset = off + record + caplen;
  return IOT_RECORD_OK;
}

/* Appends @frame unless the count is full; ticks every 64k frames. */
static gboolean
add_frame (IotFrameIndex *frames, const IotFrame *frame, guint64 offset, IotIndexTick tick,
           gpointer user_data, char **damage, GError **error)
{
  guint32 n = iot_frame_index_len (frames);

  if (n >= G_MAXUINT32 - 1)
    {
      *damage = g_strdup ("more frames than can be numbered");
      return FALSE;
    }
  iot_frame_index_append (frames, frame);
  n++;
  if ((n & 0xffff) == 0 && tick != NULL && !tick (offset, n, user_data, error))
    return FALSE;
  return TRUE;
}

gboolean
iot_pcap_index (const guint8 *bytes, guint64 size, IotFrameIndex *frames, IotIndexTick tick,
                gpointer user_data, char **damage, GError **error)
{
  IotPcapHeader header;
  guint64 offset = IOT_PCAP_FILE_HEADER;
  char *why = NULL;

  if (!iot_pcap_read_header (bytes, size, &header, &why))
    {
      g_set_error_literal (error, IOT_FILE_ERROR, IOT_FILE_ERROR_FORMAT, why);
      g_free (why);
      return FALSE;
    }
  for (;;)
    {
      IotFrame frame;

      switch (iot_pcap_read_record (&header, bytes, size, &offset, &frame, &why))
        {
        case IOT_RECORD_END:
          return TRUE;
        case IOT_RECORD_TRUNCATED:
        case IOT_RECORD_BAD:
          *damage = why;
          return TRUE;
        case IOT_RECORD_OK:
        default:
          break;
        }
      if (!add_frame (frames, &frame, offset, tick, user_data, damage, error))
        return *damage != NULL;
    }
}

/* ---- pcapng ----------------------------------------------------------------- */

typedef struct {
  guint16 link_type;
  guint8  tsresol;     /* if_tsresol: bit 7 set = 2^-n seconds, else 10^-n */
  guint32 snaplen;     /* 0 = no limit */
  gint64  tsoffset;    /* if_tsoffset: seconds added to every time stamp */
} Interface;

typedef struct {
  const guint8 *bytes;
  guint64       size;
  gboolean      swapped;      /* of the current section */
  GArray       *interfaces;   /* Interface, of the current section */
  /* The block being read: it lies wholly inside the bytes. */
  guint64       start;
  guint32       type;
  guint32       total;
  char         *why;          /* set when reading must stop */
} Reader;

/* Fields of the current block's body: FALSE when @rel is not inside it
 * (the trailing length excluded). */
static gboolean
block_u16 (Reader *r, guint32 rel, guint16 *out)
{
  return (guint64) rel + 2 <= (guint64) r->total - 4
         && get_u16 (r->bytes, r->size, r->start + rel, r->swapped, out);
}

static gboolean
block_u32 (Reader *r, guint32 rel, guint32 *out)
{
  return (guint64) rel + 4 <= (guint64) r->total - 4
         && get_u32 (r->bytes, r->size, r->start + rel, r->swapped, out);
}

static gboolean
block_u64 (Reader *r, guint32 rel, guint64 *out)
{
  return (guint64) rel + 8 <= (guint64) r->total - 4
         && get_u64 (r->bytes, r->size, r->start + rel, r->swapped, out);
}

static gboolean
block_u8 (Reader *r, guint32 rel, guint8 *out)
{
  if ((guint64) rel + 1 > (guint64) r->total - 4 || !fits (r->size, r->start + rel, 1))
    return FALSE;
  *out = r->bytes[r->start + rel];
  return TRUE;
}

static gboolean
stop (Reader *r, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
stop (Reader *r, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  g_free (r->why);
  r->why = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  return FALSE;
}

static const char *
block_name (guint32 type)
{
  switch (type)
    {
    case PCAPNG_BLOCK_SHB:
      return "section header";
    case PCAPNG_BLOCK_IDB:
      return "interface description";
    case PCAPNG_BLOCK_PB:
      return "packet";
    case PCAPNG_BLOCK_SPB:
      return "simple packet";
    case PCAPNG_BLOCK_EPB:
      return "enhanced packet";
    default:
      return "a";
    }
}

static gboolean
too_short (Reader *r)
{
  return stop (r, "the %s block at offset %" G_GUINT64_FORMAT " is too short (%u bytes)",
               block_name (r->type), r->start, r->total);
}

/* Finds the next block at @offset: its type, byte order (a section header
 * sets it) and length, checked to lie inside the file and agree at both
 * ends. */
static gboolean
read_block_frame (Reader *r, guint64 offset)
{
  guint32 type = 0, order = 0, total = 0, trailer = 0;

  r->start = offset;
  r->type = 0;
  r->total = 0;
  if (!get_u32 (r->bytes, r->size, offset, FALSE, &type) || !fits (r->size, offset, 12))
    return stop (r, "truncated: %" G_GUINT64_FORMAT " bytes at offset %" G_GUINT64_FORMAT
                 " are too few for a block", r->size - offset, offset);
  /* The section header's type reads the same in both byte orders; its
   * byte-order magic says how to read the rest of the section. */
  if (type == PCAPNG_BLOCK_SHB)
    {
      get_u32 (r->bytes, r->size, offset + 8, FALSE, &order);
      if (order == PCAPNG_BYTE_ORDER)
        r->swapped = FALSE;
      else if (GUINT32_SWAP_LE_BE (order) == PCAPNG_BYTE_ORDER)
        r->swapped = TRUE;
      else
        return stop (r, "the section header at offset %" G_GUINT64_FORMAT
                     " has no valid byte-order magic", offset);
    }
  else if (r->swapped)
    type = GUINT32_SWAP_LE_BE (type);
  r->type = type;
  get_u32 (r->bytes, r->size, offset + 4, r->swapped, &total);
  if (total < 12 || total % 4 != 0)
    return stop (r, "the %s block at offset %" G_GUINT64_FORMAT " has an impossible length (%u)",
                 block_name (type), offset, total);
  if (!fits (r->size, offset, total))
    return stop (r, "truncated: the %s block at offset %" G_GUINT64_FORMAT " is %u bytes long, "
                 "but only %" G_GUINT64_FORMAT " are left", block_name (type), offset, total,
                 r->size - offset);
  get_u32 (r->bytes, r->size, offset + total - 4, r->swapped, &trailer);
  if (trailer != total)
    return stop (r, "the lengths at both ends of the %s block at offset %" G_GUINT64_FORMAT
                 " differ (%u and %u)", block_name (type), offset, total, trailer);
  r->total = total;
  return TRUE;
}

/* A Decryption Secrets Block: TLS key log lines go to the secrets store,
 * so the capture decrypts itself as in tshark.  Other secret types and
 * unreadable lines are skipped: they never stop the frames from loading. */
static void
read_secrets (Reader *r)
{
  guint32 type = 0, len = 0;
  g_autoptr (GError) error = NULL;

  if (!block_u32 (r, 8, &type) || !block_u32 (r, 12, &len) || (guint64) 16 + len > (guint64) r->total - 4)
    return;
  if (type != PCAPNG_SECRETS_TLS)
    return;
  if (!iot_secrets_add_embedded_keylog (iot_secrets_default (), (const char *) r->bytes + r->start + 16, len,
                                        "decryption secrets block", NULL, &error))
    g_debug ("%s", error->message);
}

static gboolean
read_section_header (Reader *r)
{
  guint16 major = 0, minor = 0;

  if (!block_u16 (r, 12, &major) || !block_u16 (r, 14, &minor) || r->total < 28)
    return too_short (r);
  if (major != 1)
    return stop (r, "pcapng version %u.%u is not supported", major, minor);
  /* Interfaces are numbered afresh in every section. */
  g_array_set_size (r->interfaces, 0);
  return TRUE;
}

static gboolean
read_interface (Reader *r)
{
  Interface iface = { .tsresol = 6 };
  guint16 link_type = 0;
  guint32 pos = 16, end = r->total - 4;

  if (!block_u16 (r, 8, &link_type) || !block_u32 (r, 12, &iface.snaplen))
    return too_short (r);
  iface.link_type = iot_link_type_from_file (link_type);
  while ((guint64) pos + 4 <= end)
    {
      guint16 code = 0, len = 0;

      block_u16 (r, pos, &code);
      block_u16 (r, pos + 2, &len);
      if (code == PCAPNG_OPT_END)
        break;
      if ((guint64) pos + 4 + len > end)
        return stop (r, "an option of the interface description block at offset %"
                     G_GUINT64_FORMAT " has an impossible length (%u)", r->start, len);
      if (code == PCAPNG_IF_TSRESOL && len >= 1)
        block_u8 (r, pos + 4, &iface.tsresol);
      else if (code == PCAPNG_IF_TSOFFSET && len == 8)
        {
          guint64 v = 0;

          block_u64 (r, pos + 4, &v);
          iface.tsoffset = (gint64) v;
        }
      pos += 4 + ((len + 3u) & ~3u);
    }
  if (r->interfaces->len >= G_MAXUINT32)
    return stop (r, "too many interfaces");
  g_array_append_val (r->interfaces, iface);
  return TRUE;
}

static const Interface *
lookup_interface (Reader *r, guint32 id)
{
  if (id >= r->interfaces->len)
    {
      guint32 n = r->interfaces->len;
      /* Interfaces are numbered from 0 in each section: name the count
       * and the numbers that exist, not a count that reads like a number. */
      g_autofree char *described =
        n == 0 ? g_strdup ("no interface is described before it in its section")
        : n == 1 ? g_strdup ("its section describes only one interface (number 0)")
        : g_strdup_printf ("its section describes only %u interfaces (numbers 0 to %u)", n, n - 1);

      if (r->type == PCAPNG_BLOCK_SPB)
        stop (r, "the simple packet block at offset %" G_GUINT64_FORMAT " belongs to "
              "interface 0, but %s", r->start, described);
      else
        stop (r, "the %s block at offset %" G_GUINT64_FORMAT " names interface %u, but %s",
              block_name (r->type), r->start, id, described);
      return NULL;
    }
  return &g_array_index (r->interfaces, Interface, id);
}

/* The opt_comment options of the packet block at @start (@total bytes
 * long), whose options begin @options bytes into it.  Appends each comment
 * to @out (may be NULL) and returns how many there are.  Options that run
 * past the block end the list: the frame itself is not damaged by them. */
static guint
packet_comments (const guint8 *bytes, guint64 size, guint64 start, guint32 total, guint32 options,
                 gboolean swapped, GPtrArray *out)
{
  guint64 pos = start + options, end = start + total - 4;
  guint n = 0;

  while (pos + 4 <= end)
    {
      guint16 code = 0, len = 0;

      if (!get_u16 (bytes, size, pos, swapped, &code) || !get_u16 (bytes, size, pos + 2, swapped, &len)
          || code == PCAPNG_OPT_END || pos + 4 + len > end)
        break;
      if (code == PCAPNG_OPT_COMMENT)
        {
          n++;
          if (out != NULL)
            g_ptr_array_add (out, g_utf8_make_valid ((const char *) bytes + pos + 4, len));
        }
      pos += 4 + ((len + 3u) & ~3u);
    }
  return n;
}

char **
iot_pcapng_frame_comments (const guint8 *bytes, guint64 size, const IotFrame *frame)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  gboolean swapped = (frame->flags & IOT_FRAME_SWAPPED) != 0;
  guint64 start;
  guint32 total = 0;

  if (!(frame->flags & IOT_FRAME_HAS_COMMENT) || frame->offset < 28)
    return NULL;
  start = frame->offset - 28;
  if (!get_u32 (bytes, size, start + 4, swapped, &total) || !fits (size, start, total) || total < 32)
    return NULL;
  if (packet_comments (bytes, size, start, total, 28 + ((frame->caplen + 3u) & ~3u), swapped, out) == 0)
    return NULL;
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

/* Enhanced (6) and obsolete (2) packet blocks: interface, 64-bit time
 * stamp, captured and original length, then the bytes from offset 28. */
static gboolean
read_packet (Reader *r, IotFrame *frame)
{
  const Interface *iface;
  guint32 id = 0, ts_high = 0, ts_low = 0, caplen = 0, len = 0;
  gboolean ok;

  if (r->type == PCAPNG_BLOCK_PB)
    {
      guint16 id16 = 0;

      ok = block_u16 (r, 8, &id16);
      id = id16;
    }
  else
    ok = block_u32 (r, 8, &id);
  if (!ok || !block_u32 (r, 12, &ts_high) || !block_u32 (r, 16, &ts_low)
      || !block_u32 (r, 20, &caplen) || !block_u32 (r, 24, &len))
    return too_short (r);
  if ((iface = lookup_interface (r, id)) == NULL)
    return FALSE;
  if (caplen > MAX (iface->snaplen, MAX_CAPLEN) || (guint64) 28 + caplen > (guint64) r->total - 4)
    return stop (r, "the %s block at offset %" G_GUINT64_FORMAT " has an impossible captured "
                 "length (%u in a block of %u bytes)", block_name (r->type), r->start, caplen,
                 r->total);
  memset (frame, 0, sizeof *frame);
  frame->offset = r->start + 28;
  frame->ts_ns = iot_pcapng_timestamp_ns (((guint64) ts_high << 32) | ts_low, iface->tsresol,
                                          iface->tsoffset);
  frame->caplen = caplen;
  frame->len = len;
  frame->link_type = iface->link_type;
  /* Comments are rare: the index only says where there are some, and
   * they are read back from the block when a frame is shown. */
  if (packet_comments (r->bytes, r->size, r->start, r->total, 28 + ((caplen + 3u) & ~3u), r->swapped, NULL))
    frame->flags |= IOT_FRAME_HAS_COMMENT | (r->swapped ? IOT_FRAME_SWAPPED : 0);
  return TRUE;
}

/* A simple packet block has no time stamp and only the original length:
 * what was captured is what fits in the block, at most the snap length. */
static gboolean
read_simple_packet (Reader *r, IotFrame *frame)
{
  const Interface *iface;
  guint32 len = 0, caplen;

  if (!block_u32 (r, 8, &len))
    return too_short (r);
  if ((iface = lookup_interface (r, 0)) == NULL)
    return FALSE;
  caplen = MIN (len, r->total - 16);
  if (iface->snaplen != 0)
    caplen = MIN (caplen, iface->snaplen);
  memset (frame, 0, sizeof *frame);
  frame->offset = r->start + 12;
  frame->flags = IOT_FRAME_NO_TIME;
  frame->caplen = caplen;
  frame->len = len;
  frame->link_type = iface->link_type;
  return TRUE;
}

gboolean
iot_pcapng_index (const guint8 *bytes, guint64 size, IotFrameIndex *frames, IotIndexTick tick,
                  gpointer user_data, char **damage, GError **error)
{
  Reader r = { .bytes = bytes, .size = size };
  guint64 offset = 0;
  gboolean ok = TRUE;

  r.interfaces = g_array_new (FALSE, FALSE, sizeof (Interface));
  while (offset < size)
    {
      IotFrame frame;
      gboolean is_frame = FALSE;

      if (!read_block_frame (&r, offset))
        break;
      if (offset == 0 && r.type != PCAPNG_BLOCK_SHB)
        {
          stop (&r, "it does not start with a section header block");
          break;
        }
      switch (r.type)
        {
        case PCAPNG_BLOCK_SHB:
          ok = read_section_header (&r);
          break;
        case PCAPNG_BLOCK_IDB:
          ok = read_interface (&r);
          break;
        case PCAPNG_BLOCK_EPB:
        case PCAPNG_BLOCK_PB:
          ok = is_frame = read_packet (&r, &frame);
          break;
        case PCAPNG_BLOCK_SPB:
          ok = is_frame = read_simple_packet (&r, &frame);
          break;
        case PCAPNG_BLOCK_DSB:
          read_secrets (&r);
          break;
        default:
          break;   /* name resolution, statistics, custom…: not ours */
        }
      if (!ok)
        break;
      offset += r.total;
      if (is_frame && !add_frame (frames, &frame, offset, tick, user_data, &r.why, error))
        {
          if (r.why == NULL)
            {
              g_array_unref (r.interfaces);
              return FALSE;   /* stopped by @tick */
            }
          break;
        }
    }
  g_array_unref (r.interfaces);
  /* A file whose very first block is wrong is no capture we can read. */
  if (r.why != NULL && r.start == 0)
    {
      g_set_error_literal (error, IOT_FILE_ERROR, IOT_FILE_ERROR_FORMAT, r.why);
      g_free (r.why);
      return FALSE;
    }
  *damage = r.why;
  return TRUE;
}

/* ---- pcapng time stamps ----------------------------------------------------- */

static guint64
pow10_u64 (guint n)
{
  guint64 v = 1;

  while (n-- > 0)
    v *= 10;
  return v;
}

/* frac * 10^9 / 2^shift, frac < 2^shift, without overflow. */
static guint64
binary_fraction_ns (guint64 frac, guint shift)
{
#ifdef __SIZEOF_INT128__
  __extension__ typedef unsigned __int128 u128;

  if (shift >= 128)
    return 0;
  return (guint64) (((u128) frac * (u128) NS_PER_SEC) >> shift);
#else
  return (guint64) ((long double) frac * NS_PER_SEC / powl (2.0L, shift));
#endif
}

gint64
iot_pcapng_timestamp_ns (guint64 units, guint8 tsresol, gint64 tsoffset)
{
  guint exp = tsresol & 0x7f;
  guint64 sec, ns;
  gint64 s;

  if (tsresol & 0x80)
    {
      /* 2^-exp seconds per unit. */
      if (exp >= 64)
        {
          sec = 0;
          ns = binary_fraction_ns (units, exp);
        }
      else
        {
          sec = units >> exp;
          ns = binary_fraction_ns (units & ((G_GUINT64_CONSTANT (1) << exp) - 1), exp);
        }
    }
  else if (exp <= 19)
    {
      /* 10^-exp seconds per unit; 10^19 still fits in 64 bits. */
      guint64 per_sec = pow10_u64 (exp), frac;

      sec = units / per_sec;
      frac = units % per_sec;
      ns = exp <= 9 ? frac * pow10_u64 (9 - exp) : frac / pow10_u64 (exp - 9);
    }
  else
    {
      /* Finer than 10^-19 s: every 64-bit count is under a second. */
      sec = 0;
      ns = exp - 9 <= 19 ? units / pow10_u64 (exp - 9) : 0;
    }
  s = (gint64) MIN (sec, (guint64) SEC_LIMIT);
  s += CLAMP (tsoffset, -SEC_LIMIT, SEC_LIMIT);
  return timestamp_ns (s, (gint64) ns);
}
