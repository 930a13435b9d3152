/* iot-packet.c — field instances, columns, expert items and layer
 * boundaries for one frame's dissection.
 */
/* The out-of-line definitions of the tree functions are here. */
#define IOT_TREE_NO_INLINE
#include "iot-core-private.h"
#include "iot-format.h"
#include "iot-resolve.h"
#include "iot-frame-notes.h"

#include <string.h>

#define ARENA_BLOCK_SIZE (64 * 1024)

struct _IotArenaBlock {
  IotArenaBlock *next;
  gsize          size;
  guint8         data[];
};

IotPacket *
iot_packet_new (void)
{
  IotPacket *pkt = g_new0 (IotPacket, 1);

  pkt->nodes = g_array_sized_new (FALSE, FALSE, sizeof (IotNode), 256);
  pkt->info = g_string_sized_new (256);
  pkt->protocols = g_string_sized_new (64);
  pkt->readings = g_array_new (FALSE, FALSE, sizeof (IotReading));
  iot_tap_records_init (pkt);
  pkt->arena = g_malloc (sizeof (IotArenaBlock) + ARENA_BLOCK_SIZE);
  pkt->arena->next = NULL;
  pkt->arena->size = ARENA_BLOCK_SIZE;
  return pkt;
}

static void
free_arena_blocks (IotArenaBlock *block)
{
  while (block != NULL)
    {
      IotArenaBlock *next = block->next;

      g_free (block);
      block = next;
    }
}

void
iot_packet_free (IotPacket *pkt)
{
  if (pkt == NULL)
    return;
  free_arena_blocks (pkt->arena);
  g_array_unref (pkt->nodes);
  g_string_free (pkt->info, TRUE);
  g_string_free (pkt->protocols, TRUE);
  g_array_unref (pkt->readings);
  iot_tap_records_free (pkt);
  g_free (pkt->layer_values);
  g_free (pkt);
}

void
iot_packet_reset (IotPacket *pkt)
{
  /* Keep the first (newest) block; big frames may have chained more. */
  free_arena_blocks (pkt->arena->next);
  pkt->arena->next = NULL;
  pkt->arena_used = 0;
  g_array_set_size (pkt->nodes, 0);
  g_string_truncate (pkt->info, 0);
  g_string_truncate (pkt->protocols, 0);
  g_array_set_size (pkt->readings, 0);
  iot_tap_records_reset (pkt);
  pkt->reading_device = NULL;
  pkt->reading_series = NULL;
  pkt->info_fence = 0;
  pkt->protocol = "";
  pkt->protocols_node = -1;
  pkt->n_sources = 1;
  memset (&pkt->net_src, 0, sizeof pkt->net_src);
  memset (&pkt->net_dst, 0, sizeof pkt->net_dst);
  memset (&pkt->dl_src, 0, sizeof pkt->dl_src);
  memset (&pkt->dl_dst, 0, sizeof pkt->dl_dst);
  pkt->src_text = pkt->dst_text = NULL;
  pkt->src_port = pkt->dst_port = 0;
  pkt->more_requested = FALSE;
  pkt->watched = FALSE;
  pkt->in_error = FALSE;
  pkt->quoting = FALSE;
  pkt->conversation = NULL;
  if (pkt->layer_values != NULL)
    memset (pkt->layer_values, 0, pkt->n_layer_values * sizeof (guint64));
  pkt->max_severity = 0;
  pkt->unwind = NULL;
  pkt->layer = NULL;
  pkt->depth = 0;
}

void
iot_packet_finish (IotPacket *pkt)
{
  if (pkt->protocols_node >= 0)
    {
      IotNode *node = &g_array_index (pkt->nodes, IotNode, pkt->protocols_node);

      node->v.p = (const guint8 *) iot_packet_strndup (pkt, pkt->protocols->str, pkt->protocols->len);
      node->vlen = pkt->protocols->len;
    }
}

/* ---- scratch memory ------------------------------------------------------ */

gpointer
iot_packet_alloc (IotPacket *pkt, gsize size)
{
  gpointer p;

  size = (size + 7) & ~(gsize) 7;
  if (pkt->arena_used + size > pkt->arena->size)
    {
      gsize block_size = MAX (size, ARENA_BLOCK_SIZE);
      IotArenaBlock *block = g_malloc (sizeof (IotArenaBlock) + block_size);

      /* The new block goes second so that reset keeps the standard one. */
      block->size = block_size;
      block->next = pkt->arena->next;
      pkt->arena->next = block;
      if (size > ARENA_BLOCK_SIZE / 2)
        return block->data;
      /* Swap roles: continue filling the fresh block as the current one. */
      pkt->arena->next = block->next;
      block->next = pkt->arena;
      pkt->arena = block;
      pkt->arena_used = 0;
    }
  p = pkt->arena->data + pkt->arena_used;
  pkt->arena_used += size;
  return p;
}

char *
iot_packet_strndup (IotPacket *pkt, const char *s, gsize len)
{
  char *copy = iot_packet_alloc (pkt, len + 1);

  memcpy (copy, s, len);
  copy[len] = '\0';
  return copy;
}

char *
iot_packet_strdup_printf (IotPacket *pkt, const char *fmt, ...)
{
  char stack[256];
  va_list ap;
  int n;

  va_start (ap, fmt);
  n = g_vsnprintf (stack, sizeof stack, fmt, ap);
  va_end (ap);
  if (n < (int) sizeof stack)
    return iot_packet_strndup (pkt, stack, n);
  else
    {
      char *big = iot_packet_alloc (pkt, n + 1);

      va_start (ap, fmt);
      g_vsnprintf (big, n + 1, fmt, ap);
      va_end (ap);
      return big;
    }
}

/* ---- frame facts ------------------------------------------------------- */

guint32
iot_packet_frame_number (IotPacket *pkt)
{
  return pkt->number;
}

gboolean
iot_packet_first_pass (IotPacket *pkt)
{
  return pkt->first_pass;
}

gboolean
iot_packet_has_time (IotPacket *pkt)
{
  return !(pkt->frame->flags & IOT_FRAME_NO_TIME);
}

gint64
iot_packet_time_ns (IotPacket *pkt)
{
  return pkt->frame->ts_ns;
}

gint64
iot_frame_time_ns (IotPacket *pkt, guint32 number)
{
  return iot_file_frame (pkt->file, number)->ts_ns;
}

guint32
iot_packet_caplen (IotPacket *pkt)
{
  return pkt->frame->caplen;
}

guint32
iot_packet_wirelen (IotPacket *pkt)
{
  return pkt->frame->len;
}

guint16
iot_packet_link_type (IotPacket *pkt)
{
  return pkt->frame->link_type;
}

guint32
iot_packet_prev_displayed (IotPacket *pkt)
{
  return pkt->prev_displayed;
}

guint32
iot_packet_time_ref (IotPacket *pkt)
{
  return pkt->time_ref;
}

void
iot_packet_set_protocols_node (IotPacket *pkt, int node)
{
  pkt->protocols_node = node;
}

gpointer
iot_packet_state (IotPacket *pkt, const IotDissector *dissector)
{
  return iot_engine_state (pkt->engine, dissector);
}

void
iot_packet_set_layer_value (IotPacket *pkt, const IotDissector *dissector, guint64 value)
{
  guint id = (guint) dissector->id;

  if (id >= pkt->n_layer_values)
    {
      guint n = MAX (id + 1, iot_registry_n_dissectors ());

      pkt->layer_values = g_renew (guint64, pkt->layer_values, n);
      memset (pkt->layer_values + pkt->n_layer_values, 0, (n - pkt->n_layer_values) * sizeof (guint64));
      pkt->n_layer_values = n;
    }
  pkt->layer_values[id] = value;
}

guint64
iot_packet_layer_value (IotPacket *pkt, const IotDissector *dissector)
{
  guint id = (guint) dissector->id;

  return id < pkt->n_layer_values ? pkt->layer_values[id] : 0;
}

void
iot_packet_set_in_error (IotPacket *pkt, gboolean in_error)
{
  pkt->in_error = in_error;
  pkt->quoting |= in_error;
}

gboolean
iot_packet_in_error (IotPacket *pkt)
{
  return pkt->in_error;
}

gboolean
iot_packet_wants_columns (IotPacket *pkt)
{
  return (pkt->flags & IOT_DISSECT_COLUMNS) != 0;
}

gboolean
iot_packet_state_only (IotPacket *pkt)
{
  return packet_state_only (pkt);
}

gboolean
iot_packet_wants_tree (IotPacket *pkt)
{
  return (pkt->flags & IOT_DISSECT_TREE) != 0;
}

/* The external definitions of the header's inline checks, for callers
 * the compiler did not inline them into (and plugins built before they
 * were inline). */
extern gboolean iot_packet_wants_field (IotPacket *pkt, const IotField *field);
extern gboolean iot_packet_row_wanted (IotPacket *pkt, const IotField *field);
extern int iot_tree_add_item (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                              guint off, guint len, gboolean little_endian);
extern int iot_tree_add_uint (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                              guint off, guint len, guint64 value);
extern int iot_tree_add_int (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                             guint off, guint len, gint64 value);
extern int iot_tree_add_boolean (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                                 guint off, guint len, guint64 value);
extern int iot_tree_add_double (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                                guint off, guint len, double value);
extern int iot_tree_add_string (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                                guint off, guint len, const char *value, gssize value_len);
extern int iot_tree_add_ascii_string (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                                      guint off, guint len, const char *value, gssize value_len);
extern int iot_tree_add_bytes (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                               guint off, guint len, const guint8 *value, guint value_len);
extern int iot_tree_add_ipv4 (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                              guint off, const guint8 addr[4]);
extern int iot_tree_add_ipv6 (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                              guint off, const guint8 addr[16]);
extern int iot_tree_add_ether (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                               guint off, const guint8 addr[6]);
extern int iot_tree_add_time (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                              guint off, guint len, gint64 ns);
extern void iot_tree_set_length (IotPacket *pkt, int node, guint len);
extern void iot_tree_set_generated (IotPacket *pkt, int node);
extern void iot_tree_set_hidden (IotPacket *pkt, int node);
extern int iot_tree_add_protocol (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                                  guint off, gint len);

/* ---- addresses and columns ------------------------------------------------ */

void
iot_packet_set_net_src (IotPacket *pkt, const IotAddress *addr)
{
  if (addr->family == 0)
    pkt->dl_src = *addr;
  else
    pkt->net_src = *addr;
}

void
iot_packet_set_net_dst (IotPacket *pkt, const IotAddress *addr)
{
  if (addr->family == 0)
    pkt->dl_dst = *addr;
  else
    pkt->net_dst = *addr;
}

const IotAddress *
iot_packet_net_src (IotPacket *pkt)
{
  return &pkt->net_src;
}

const IotAddress *
iot_packet_net_dst (IotPacket *pkt)
{
  return &pkt->net_dst;
}

void
iot_packet_set_ports (IotPacket *pkt, guint16 src, guint16 dst)
{
  pkt->src_port = src;
  pkt->dst_port = dst;
}

void
iot_packet_get_ports (IotPacket *pkt, guint16 *src, guint16 *dst)
{
  *src = pkt->src_port;
  *dst = pkt->dst_port;
}

void
iot_packet_set_address_text (IotPacket *pkt, const char *src, const char *dst)
{
  if (src)
    pkt->src_text = iot_packet_strndup (pkt, src, strlen (src));
  if (dst)
    pkt->dst_text = iot_packet_strndup (pkt, dst, strlen (dst));
}

static void
format_column_address (IotPacket *pkt, const IotAddress *net, const IotAddress *dl,
                       const char *text, char *out, gsize size)
{
  (void) pkt;
  if (text && net->family != 4 && net->family != 6)
    g_strlcpy (out, text, size);
  else if (net->family == 4 || net->family == 6)
    iot_resolve_host_text (net->bytes, net->family == 4 ? 4 : 16, out, size);
  else if (net->family >= IOT_ADDR_WPAN_NONE && net->family <= IOT_ADDR_WPAN_LONG)
    iot_format_wpan_address (net, out, size);
  else if (net->family == IOT_ADDRESS_BLE_ACCESS)
    g_snprintf (out, size, "Unknown_0x%02x%02x%02x%02x", net->bytes[0], net->bytes[1], net->bytes[2], net->bytes[3]);
  else if (dl->bytes[0] | dl->bytes[1] | dl->bytes[2] | dl->bytes[3] | dl->bytes[4] | dl->bytes[5]
           || dl->family == 0)
    {
      if (!iot_resolve_ether (dl->bytes, out, size))
        iot_format_ether (dl->bytes, out, size);
    }
  else
    out[0] = '\0';
}

void
iot_packet_format_src (IotPacket *pkt, char *out, gsize size)
{
  format_column_address (pkt, &pkt->net_src, &pkt->dl_src, pkt->src_text, out, size);
}

void
iot_packet_format_dst (IotPacket *pkt, char *out, gsize size)
{
  format_column_address (pkt, &pkt->net_dst, &pkt->dl_dst, pkt->dst_text, out, size);
}

/* g_string_append_vprintf() allocates a temporary string on every call;
 * the Info column is written many times per frame, so format on the stack. */
static void append_vprintf (GString *out, const char *fmt, va_list ap) G_GNUC_PRINTF (2, 0);

/* g_string_append () costs a call and a hundred instructions; the Info
 * column takes several pieces per frame, nearly always into room it has. */
static inline void
info_append_len (GString *out, const char *text, gsize len)
{
  if (out->len + len < out->allocated_len)
    {
      memcpy (out->str + out->len, text, len);
      out->len += len;
      out->str[out->len] = '\0';
    }
  else
    g_string_append_len (out, text, (gssize) len);
}

static inline void
info_append (GString *out, const char *text)
{
  info_append_len (out, text, strlen (text));
}

/* Whether every conversion in @fmt is one append_simple () does: %s, %c,
 * %d, %i, %u, %x, %X and, for the unsigned ones, a zero-padded width of
 * one digit ("%04x").  The Info column's formats are nearly all of them,
 * and vsnprintf costs more than the rest of a column's text. */
static gboolean
simple_format (const char *fmt)
{
  for (const char *p = strchr (fmt, '%'); p != NULL; p = strchr (p + 1, '%'))
    {
      p++;
      if (p[0] == '0' && p[1] >= '1' && p[1] <= '9')
        {
          p += 2;
          if (*p != 'u' && *p != 'x' && *p != 'X')
            return FALSE;
        }
      else if (*p != '%' && *p != 's' && *p != 'c' && *p != 'd' && *p != 'i' && *p != 'u'
               && *p != 'x' && *p != 'X')
        return FALSE;
    }
  return TRUE;
}

/* Digits of @v in base 10 or 16, at least @width of them (zero-padded). */
static void
append_number (GString *out, guint64 v, guint base, const char *digit_chars, guint width)
{
  char digits[24];
  guint n = sizeof digits;

  do
    {
      digits[--n] = digit_chars[v % base];
      v /= base;
    }
  while (v != 0);
  while (sizeof digits - n < width)
    digits[--n] = '0';
  info_append_len (out, digits + n, sizeof digits - n);
}

/* What vsnprintf () would print for a format simple_format () accepts. */
static void
append_simple (GString *out, const char *fmt, va_list ap)
{
  const char *p = fmt;

  for (;;)
    {
      const char *pc = strchr (p, '%');
      guint width = 0;

      if (pc == NULL)
        {
          info_append (out, p);
          return;
        }
      if (pc > p)
        info_append_len (out, p, (gsize) (pc - p));
      p = pc + 1;
      if (*p == '0')
        {
          width = (guint) (p[1] - '0');
          p += 2;
        }
      switch (*p)
        {
        case '%':
          g_string_append_c (out, '%');
          break;
        case 's':
          {
            const char *text = va_arg (ap, const char *);

            /* As glibc prints it. */
            info_append (out, text != NULL ? text : "(null)");
          }
          break;
        case 'c':
          g_string_append_c (out, (char) va_arg (ap, int));
          break;
        case 'd':
        case 'i':
          {
            int v = va_arg (ap, int);

            if (v < 0)
              g_string_append_c (out, '-');
            append_number (out, v < 0 ? (guint64) -(gint64) v : (guint64) v, 10, "0123456789", 0);
          }
          break;
        case 'u':
          append_number (out, va_arg (ap, unsigned int), 10, "0123456789", width);
          break;
        case 'x':
          append_number (out, va_arg (ap, unsigned int), 16, "0123456789abcdef", width);
          break;
        case 'X':
          append_number (out, va_arg (ap, unsigned int), 16, "0123456789ABCDEF", width);
          break;
        }
      p++;
    }
}

static void
append_vprintf (GString *out, const char *fmt, va_list ap)
{
  char stack[512];
  va_list copy;
  int n;

  if (simple_format (fmt))
    {
      append_simple (out, fmt, ap);
      return;
    }
  va_copy (copy, ap);
  n = g_vsnprintf (stack, sizeof stack, fmt, copy);
  va_end (copy);
  if (n >= 0 && n < (int) sizeof stack)
    info_append_len (out, stack, (gsize) n);
  else
    g_string_append_vprintf (out, fmt, ap);
}

void
iot_col_set_protocol (IotPacket *pkt, const char *name)
{
  pkt->protocol = name;
}

void
iot_col_append_protocol (IotPacket *pkt, const char *name)
{
  if (!(pkt->flags & IOT_DISSECT_COLUMNS))
    return;
  pkt->protocol = iot_packet_strdup_printf (pkt, "%s/%s", pkt->protocol, name);
}

const char *
iot_col_protocol (IotPacket *pkt)
{
  return pkt->protocol;
}

void
iot_col_set_info (IotPacket *pkt, const char *text)
{
  if (!(pkt->flags & IOT_DISSECT_COLUMNS))
    return;
  g_string_truncate (pkt->info, pkt->info_fence);
  info_append (pkt->info, text);
}

void
iot_col_printf_info (IotPacket *pkt, const char *fmt, ...)
{
  va_list ap;

  if (!(pkt->flags & IOT_DISSECT_COLUMNS))
    return;
  g_string_truncate (pkt->info, pkt->info_fence);
  va_start (ap, fmt);
  append_vprintf (pkt->info, fmt, ap);
  va_end (ap);
}

void
iot_col_append_text (IotPacket *pkt, const char *text)
{
  if (pkt->flags & IOT_DISSECT_COLUMNS)
    info_append (pkt->info, text);
}

void
iot_col_append_uint (IotPacket *pkt, const char *prefix, guint64 value)
{
  char digits[20];
  guint n = sizeof digits;

  if (!(pkt->flags & IOT_DISSECT_COLUMNS))
    return;
  if (prefix != NULL)
    info_append (pkt->info, prefix);
  do
    {
      digits[--n] = (char) ('0' + value % 10);
      value /= 10;
    }
  while (value != 0);
  info_append_len (pkt->info, digits + n, sizeof digits - n);
}

void
iot_col_clear_info (IotPacket *pkt)
{
  g_string_truncate (pkt->info, pkt->info_fence);
}

void
iot_col_append_info (IotPacket *pkt, const char *fmt, ...)
{
  va_list ap;

  if (!(pkt->flags & IOT_DISSECT_COLUMNS))
    return;
  va_start (ap, fmt);
  append_vprintf (pkt->info, fmt, ap);
  va_end (ap);
}

void
iot_col_append_sep_info (IotPacket *pkt, const char *sep, const char *fmt, ...)
{
  va_list ap;

  if (!(pkt->flags & IOT_DISSECT_COLUMNS))
    return;
  if (pkt->info->len > 0)
    info_append (pkt->info, sep);
  va_start (ap, fmt);
  append_vprintf (pkt->info, fmt, ap);
  va_end (ap);
}

void
iot_col_prepend_info (IotPacket *pkt, const char *text)
{
  if (!(pkt->flags & IOT_DISSECT_COLUMNS))
    return;
  g_string_insert (pkt->info, pkt->info_fence, text);
}

void
iot_col_fence_info (IotPacket *pkt)
{
  pkt->info_fence = pkt->info->len;
}

const char *
iot_col_info (IotPacket *pkt)
{
  return pkt->info->str;
}

const char *
iot_packet_protocols (IotPacket *pkt)
{
  return pkt->protocols->str;
}

void
iot_packet_add_layer_name (IotPacket *pkt, const char *abbrev)
{
  if (!pkt->wants_protocols)
    return;
  if (pkt->protocols->len > 0)
    g_string_append_c (pkt->protocols, ':');
  g_string_append (pkt->protocols, abbrev);
}

IotSeverity
iot_packet_max_severity (IotPacket *pkt)
{
  return pkt->max_severity;
}

guint
iot_packet_n_nodes (IotPacket *pkt)
{
  return pkt->nodes->len;
}

const IotNode *
iot_packet_node (IotPacket *pkt, guint index)
{
  return &g_array_index (pkt->nodes, IotNode, index);
}

const IotNode *
iot_packet_nodes (IotPacket *pkt)
{
  return (const IotNode *) pkt->nodes->data;
}

guint
iot_packet_n_sources (IotPacket *pkt)
{
  return pkt->n_sources;
}

const IotDataSource *
iot_packet_source (IotPacket *pkt, guint index)
{
  g_return_val_if_fail (index < pkt->n_sources, NULL);
  return &pkt->sources[index];
}

/* ---- reassembly support ------------------------------------------------------- */

const guint8 *
iot_packet_frame_bytes (IotPacket *pkt, guint32 number, guint32 *caplen)
{
  if (number < 1 || number > iot_file_n_frames (pkt->file))
    {
      *caplen = 0;
      return NULL;
    }
  *caplen = iot_file_frame (pkt->file, number)->caplen;
  return iot_file_frame_data (pkt->file, number);
}

IotBuf
iot_packet_add_source (IotPacket *pkt, const char *name, const guint8 *data, guint len)
{
  IotBuf buf = { 0 };
  guint index = pkt->n_sources;
  guint8 *copy = iot_packet_alloc (pkt, MAX (len, 1));

  memcpy (copy, data, len);
  if (index >= IOT_MAX_SOURCES)
    index = IOT_MAX_SOURCES - 1;   /* reuse the last slot rather than fail */
  else
    pkt->n_sources++;
  pkt->sources[index].name = iot_packet_strndup (pkt, name, strlen (name));
  pkt->sources[index].data = copy;
  pkt->sources[index].length = len;
  buf.data = copy;
  buf.length = buf.reported = len;
  buf.source = (guint8) index;
  buf.pkt = pkt;
  return buf;
}

void
iot_packet_request_more (IotPacket *pkt, const IotBuf *buf, guint off, guint needed)
{
  pkt->more_requested = TRUE;
  pkt->more_offset = off;
  pkt->more_needed = needed;
  (void) buf;
}

gboolean
iot_packet_take_request (IotPacket *pkt, guint *off, guint *needed)
{
  if (!pkt->more_requested)
    return FALSE;
  pkt->more_requested = FALSE;
  pkt->in_error = FALSE;
  if (pkt->layer_values != NULL)
    memset (pkt->layer_values, 0, pkt->n_layer_values * sizeof (guint64));
  *off = pkt->more_offset;
  *needed = pkt->more_needed;
  return TRUE;
}

/* ---- nodes ---------------------------------------------------------------- */

/* Whether a top-level row of @field is a layer for the layers tap: a
 * protocol, a message rebuilt from several segments or fragments, or
 * where a layer ended early.  Other fields at the top of a dissection
 * without nodes are rows whose parent a dissector chose not to make. */
static gboolean
layer_row (const IotField *field)
{
  if (field->type == IOT_FT_PROTOCOL)
    return TRUE;
  if (field->type != IOT_FT_NONE && field->type != IOT_FT_BYTES)
    return FALSE;
  return field == &iot_expert_fields[IOT_EXPERT_F_MALFORMED] || field == &iot_expert_fields[IOT_EXPERT_F_SHORT]
         || g_str_has_suffix (field->abbrev, ".segments") || g_str_has_suffix (field->abbrev, ".fragments");
}

/* A row an add function does not make (nobody asked for its field): a
 * top-level layer still counts for the layers tap. */
int
iot_packet_row_not_made (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf, guint off, guint len)
{
  if (!(pkt->flags & IOT_DISSECT_TAP (IOT_TAP_PROTO)))
    return -1;
  if (parent == -1 && layer_row (field))
    iot_tap_queue_row (pkt, field, buf, off, len);
  return -2;
}

IotNode *
iot_packet_new_node (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
          guint off, guint len, int *index)
{
  IotNode *node;

  if (parent == -1 && field != NULL && (pkt->flags & IOT_DISSECT_TAP (IOT_TAP_PROTO)) && layer_row (field))
    iot_tap_queue_row (pkt, field, buf, off, len);
  pkt->nodes_made++;
  *index = pkt->nodes->len;
  g_array_set_size (pkt->nodes, pkt->nodes->len + 1);
  node = &g_array_index (pkt->nodes, IotNode, *index);
  node->field = field;
  node->parent = parent;
  node->offset = buf ? buf->origin + off : 0;
  node->length = buf ? len : 0;
  node->source = buf ? buf->source : 0;
  node->flags = 0;
  node->severity = 0;
  node->group = 0;
  node->label = NULL;
  node->v.u = 0;
  node->vlen = 0;
  return node;
}

static IotNode *
node_at (IotPacket *pkt, int index)
{
  if (index < 0 || (guint) index >= pkt->nodes->len)
    return NULL;
  return &g_array_index (pkt->nodes, IotNode, index);
}

static guint64
apply_mask (const IotField *field, guint64 raw)
{
  if (field->bitmask == 0)
    return raw;
  return (raw & field->bitmask) >> iot_field_shift (field);
}

static guint64
read_uint (const IotBuf *buf, guint off, guint len, gboolean little_endian)
{
  const guint8 *p = iot_buf_ptr (buf, off, len);
  guint64 v = 0;

  if (len > 8)
    len = 8;
  for (guint i = 0; i < len; i++)
    v = little_endian ? v | (guint64) p[i] << (8 * i) : v << 8 | p[i];
  return v;
}

static gint64
sign_extend (guint64 v, guint bits)
{
  if (bits >= 64)
    return (gint64) v;
  if (v & (G_GUINT64_CONSTANT (1) << (bits - 1)))
    v |= ~G_GUINT64_CONSTANT (0) << bits;
  return (gint64) v;
}

int
iot_tree_add_item_ret_uint (IotPacket *pkt, int parent, const IotField *field,
                            const IotBuf *buf, guint off, guint len, gboolean little_endian,
                            guint64 *out)
{
  guint64 value = 0;
  int index;
  IotNode *node;

  switch (field->type)
    {
    case IOT_FT_BOOLEAN:
    case IOT_FT_UINT8:
    case IOT_FT_UINT16:
    case IOT_FT_UINT24:
    case IOT_FT_UINT32:
    case IOT_FT_UINT64:
    case IOT_FT_FRAMENUM:
    case IOT_FT_INT8:
    case IOT_FT_INT16:
    case IOT_FT_INT32:
    case IOT_FT_INT64:
      value = apply_mask (field, read_uint (buf, off, len, little_endian));
      if (out)
        *out = value;
      if (!packet_wants_field (pkt, field))
        return iot_packet_row_not_made (pkt, parent, field, buf, off, len);
      node = iot_packet_new_node (pkt, parent, field, buf, off, len, &index);
      if (iot_field_type_is_signed (field->type))
        node->v.i = sign_extend (value, field->bitmask ? 64 : len * 8);
      else
        node->v.u = value;
      return index;

    case IOT_FT_STRING:
    case IOT_FT_STRINGZ:
      iot_buf_check (buf, off, len);
      return iot_tree_add_string (pkt, parent, field, buf, off, len,
                                  (const char *) buf->data + off, len);
    case IOT_FT_BYTES:
      return iot_tree_add_bytes (pkt, parent, field, buf, off, len, iot_buf_ptr (buf, off, len), len);
    case IOT_FT_IPV4:
      return iot_tree_add_ipv4 (pkt, parent, field, buf, off, iot_buf_ptr (buf, off, 4));
    case IOT_FT_IPV6:
      return iot_tree_add_ipv6 (pkt, parent, field, buf, off, iot_buf_ptr (buf, off, 16));
    case IOT_FT_ETHER:
      return iot_tree_add_ether (pkt, parent, field, buf, off, iot_buf_ptr (buf, off, 6));
    case IOT_FT_PROTOCOL:
      return iot_tree_add_protocol (pkt, parent, field, buf, off, len);
    case IOT_FT_NONE:
      iot_buf_check (buf, off, len);
      if (!packet_wants_field (pkt, field))
        return iot_packet_row_not_made (pkt, parent, field, buf, off, len);
      iot_packet_new_node (pkt, parent, field, buf, off, len, &index);
      return index;
    case IOT_FT_DOUBLE:
    case IOT_FT_ABSOLUTE_TIME:
    case IOT_FT_RELATIVE_TIME:
    default:
      g_critical ("iot_tree_add_item: field %s of type %s needs a typed add function",
                  field->abbrev, iot_field_type_name (field->type));
      return -1;
    }
}

char *
iot_packet_field_text (IotPacket *pkt, const IotField *field, const IotBuf *buf, guint off, guint len,
                       gboolean little_endian)
{
  IotNode node = { .field = field };
  g_autoptr (GString) text = g_string_new (NULL);

  if (field->type == IOT_FT_BYTES)
    {
      node.v.p = iot_buf_ptr (buf, off, len);
      node.vlen = len;
    }
  else
    {
      guint64 value = apply_mask (field, read_uint (buf, off, len, little_endian));

      if (iot_field_type_is_signed (field->type))
        node.v.i = sign_extend (value, field->bitmask ? 64 : len * 8);
      else
        node.v.u = value;
    }
  iot_format_field_value (pkt, &node, text);
  return iot_packet_strndup (pkt, text->str, text->len);
}

int
iot_tree_add_item_wanted (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                   guint off, guint len, gboolean little_endian)
{
  /* Nobody asked for it and nobody needs the value: skip the read. */
  if (!packet_wants_field (pkt, field))
    return iot_packet_row_not_made (pkt, parent, field, buf, off, len);
  return iot_tree_add_item_ret_uint (pkt, parent, field, buf, off, len, little_endian, NULL);
}

int
iot_tree_add_uint_wanted (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                   guint off, guint len, guint64 value)
{
  int index;

  if (!packet_wants_field (pkt, field))
    return iot_packet_row_not_made (pkt, parent, field, buf, off, len);
  iot_packet_new_node (pkt, parent, field, buf, off, len, &index)->v.u = value;
  return index;
}

int
iot_tree_add_int_wanted (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                  guint off, guint len, gint64 value)
{
  int index;

  if (!packet_wants_field (pkt, field))
    return iot_packet_row_not_made (pkt, parent, field, buf, off, len);
  iot_packet_new_node (pkt, parent, field, buf, off, len, &index)->v.i = value;
  return index;
}

int
iot_tree_add_boolean_wanted (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                      guint off, guint len, guint64 value)
{
  return iot_tree_add_uint (pkt, parent, field, buf, off, len, value);
}

int
iot_tree_add_double_wanted (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                     guint off, guint len, double value)
{
  int index;

  if (!packet_wants_field (pkt, field))
    return iot_packet_row_not_made (pkt, parent, field, buf, off, len);
  iot_packet_new_node (pkt, parent, field, buf, off, len, &index)->v.d = value;
  return index;
}

int
iot_tree_add_time_wanted (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                   guint off, guint len, gint64 ns)
{
  return iot_tree_add_int (pkt, parent, field, buf, off, len, ns);
}

int
iot_tree_add_string_wanted (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                     guint off, guint len, const char *value, gssize value_len)
{
  IotNode *node;
  gsize n;
  int index;

  if (!packet_wants_field (pkt, field))
    return iot_packet_row_not_made (pkt, parent, field, buf, off, len);
  /* No text at all counts as the empty string (an empty DNS name …). */
  if (value == NULL)
    {
      value = "";
      value_len = 0;
    }
  n = value_len < 0 ? strlen (value) : (gsize) value_len;
  /* A string ends at its first NUL, as C strings do. */
  n = strnlen (value, n);
  node = iot_packet_new_node (pkt, parent, field, buf, off, len, &index);
  if (g_utf8_validate (value, (gssize) n, NULL))
    node->v.p = (const guint8 *) iot_packet_strndup (pkt, value, n);
  else
    {
      /* Bytes from the wire that are not UTF-8 become U+FFFD, as tshark
       * decodes strings: every output (and JSON above all) stays valid. */
      g_autoptr (GString) valid = g_string_sized_new (n + 8);

      iot_format_valid_utf8 ((const guint8 *) value, n, valid);
      n = valid->len;
      node->v.p = (const guint8 *) iot_packet_strndup (pkt, valid->str, n);
    }
  node->vlen = n;
  return index;
}

int
iot_tree_add_ascii_string_wanted (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                           guint off, guint len, const char *value, gssize value_len)
{
  g_autoptr (GString) ascii = NULL;
  gsize n;

  if (value == NULL || !packet_wants_field (pkt, field))
    return iot_tree_add_string (pkt, parent, field, buf, off, len, value, value_len);
  n = value_len < 0 ? strlen (value) : (gsize) value_len;
  for (gsize i = 0; i < n; i++)
    if ((guint8) value[i] >= 0x80)
      {
        ascii = g_string_sized_new (n + 16);
        iot_format_valid_ascii ((const guint8 *) value, strnlen (value, n), ascii);
        return iot_tree_add_string (pkt, parent, field, buf, off, len, ascii->str, (gssize) ascii->len);
      }
  return iot_tree_add_string (pkt, parent, field, buf, off, len, value, value_len);
}

char *
iot_packet_valid_utf8 (IotPacket *pkt, const guint8 *bytes, gsize len)
{
  g_autoptr (GString) text = g_string_sized_new (len + 8);

  iot_format_valid_utf8 (bytes, len, text);
  return iot_packet_strndup (pkt, text->str, text->len);
}

char *
iot_packet_format_text (IotPacket *pkt, const guint8 *bytes, gsize len)
{
  g_autoptr (GString) text = g_string_sized_new (len + 8);

  iot_format_text (bytes, len, text);
  return iot_packet_strndup (pkt, text->str, text->len);
}

static int
add_pointer_value (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                   guint off, guint len, const guint8 *value, guint value_len)
{
  IotNode *node;
  int index;

  if (!packet_wants_field (pkt, field))
    return iot_packet_row_not_made (pkt, parent, field, buf, off, len);
  node = iot_packet_new_node (pkt, parent, field, buf, off, len, &index);
  node->v.p = value;
  node->vlen = value_len;
  return index;
}

int
iot_tree_add_bytes_wanted (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                    guint off, guint len, const guint8 *value, guint value_len)
{
  return add_pointer_value (pkt, parent, field, buf, off, len, value, value_len);
}

static const guint8 *
copy_value (IotPacket *pkt, const guint8 *value, guint len)
{
  guint8 *copy = iot_packet_alloc (pkt, len);

  memcpy (copy, value, len);
  return copy;
}

int
iot_tree_add_ipv4_wanted (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                   guint off, const guint8 addr[4])
{
  if (!packet_wants_field (pkt, field))
    return iot_packet_row_not_made (pkt, parent, field, buf, off, 4);
  return add_pointer_value (pkt, parent, field, buf, off, 4, copy_value (pkt, addr, 4), 4);
}

int
iot_tree_add_ipv6_wanted (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                   guint off, const guint8 addr[16])
{
  if (!packet_wants_field (pkt, field))
    return iot_packet_row_not_made (pkt, parent, field, buf, off, 16);
  return add_pointer_value (pkt, parent, field, buf, off, 16, copy_value (pkt, addr, 16), 16);
}

int
iot_tree_add_ether_wanted (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                    guint off, const guint8 addr[6])
{
  if (!packet_wants_field (pkt, field))
    return iot_packet_row_not_made (pkt, parent, field, buf, off, 6);
  return add_pointer_value (pkt, parent, field, buf, off, 6, copy_value (pkt, addr, 6), 6);
}

int
iot_tree_add_protocol_wanted (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                       guint off, gint len)
{
  guint length;
  int index;

  if (!packet_wants_field (pkt, field))
    return iot_packet_row_not_made (pkt, parent, field, buf, off, len < 0 ? iot_buf_remaining (buf, off) : (guint) len);
  length = len < 0 ? iot_buf_remaining (buf, off) : (guint) len;
  /* As a value (filters: "ip contains …") a protocol is every byte from
   * its start to the end of what it was given, payload included. */
  iot_packet_new_node (pkt, parent, field, buf, off, length, &index)->vlen = iot_buf_remaining (buf, off);
  return index;
}

static int
add_text_va (IotPacket *pkt, int parent, const IotBuf *buf, guint off, guint len, const char *fmt,
             va_list ap) G_GNUC_PRINTF (6, 0);

static int
add_text_va (IotPacket *pkt, int parent, const IotBuf *buf, guint off, guint len, const char *fmt,
             va_list ap)
{
  IotNode *node;
  int index;
  char *text;

  if (!(pkt->flags & IOT_DISSECT_TREE))
    return packet_unmade (pkt);
  node = iot_packet_new_node (pkt, parent, NULL, buf, off, len, &index);
  text = g_strdup_vprintf (fmt, ap);
  node->label = iot_packet_strndup (pkt, text, strlen (text));
  g_free (text);
  return index;
}

int
iot_tree_add_text (IotPacket *pkt, int parent, const IotBuf *buf, guint off, guint len,
                   const char *fmt, ...)
{
  va_list ap;
  int index;

  va_start (ap, fmt);
  index = add_text_va (pkt, parent, buf, off, len, fmt, ap);
  va_end (ap);
  return index;
}

int
iot_tree_add_text_wanted (IotPacket *pkt, int parent, const IotBuf *buf, guint off, guint len,
                          const char *fmt, ...)
{
  va_list ap;
  int index;

  va_start (ap, fmt);
  index = add_text_va (pkt, parent, buf, off, len, fmt, ap);
  va_end (ap);
  return index;
}

static void set_label_va (IotPacket *pkt, int index, const char *fmt, va_list ap) G_GNUC_PRINTF (3, 0);

static void
set_label_va (IotPacket *pkt, int index, const char *fmt, va_list ap)
{
  IotNode *node = node_at (pkt, index);
  char *text;

  if (node == NULL || !(pkt->flags & IOT_DISSECT_TREE))
    return;
  text = g_strdup_vprintf (fmt, ap);
  node->label = iot_packet_strndup (pkt, text, strlen (text));
  g_free (text);
}

void
iot_tree_set_label (IotPacket *pkt, int index, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  set_label_va (pkt, index, fmt, ap);
  va_end (ap);
}

void
iot_tree_set_label_wanted (IotPacket *pkt, int index, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  set_label_va (pkt, index, fmt, ap);
  va_end (ap);
}

static void append_label_va (IotPacket *pkt, int index, const char *fmt, va_list ap) G_GNUC_PRINTF (3, 0);

static void
append_label_va (IotPacket *pkt, int index, const char *fmt, va_list ap)
{
  IotNode *node = node_at (pkt, index);
  g_autoptr (GString) label = NULL;

  if (node == NULL || !(pkt->flags & IOT_DISSECT_TREE))
    return;
  label = g_string_new (NULL);
  if (node->label)
    g_string_append (label, node->label);
  else
    iot_format_label (pkt, node, label);
  g_string_append_vprintf (label, fmt, ap);
  node->label = iot_packet_strndup (pkt, label->str, label->len);
}

void
iot_tree_append_label (IotPacket *pkt, int index, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  append_label_va (pkt, index, fmt, ap);
  va_end (ap);
}

void
iot_tree_append_label_wanted (IotPacket *pkt, int index, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  append_label_va (pkt, index, fmt, ap);
  va_end (ap);
}

void
iot_tree_set_length_wanted (IotPacket *pkt, int index, guint len)
{
  IotNode *node = node_at (pkt, index);

  if (node)
    node->length = len;
}

void
iot_tree_set_generated_wanted (IotPacket *pkt, int index)
{
  IotNode *node = node_at (pkt, index);

  if (node)
    node->flags |= IOT_NODE_GENERATED;
}

void
iot_tree_set_hidden_wanted (IotPacket *pkt, int index)
{
  IotNode *node = node_at (pkt, index);

  if (node)
    node->flags |= IOT_NODE_HIDDEN;
}

gboolean
iot_packet_wants_readings (IotPacket *pkt)
{
  return (pkt->flags & IOT_DISSECT_READINGS) != 0;
}

static const char *
arena_copy (IotPacket *pkt, const char *s)
{
  return s != NULL ? iot_packet_strndup (pkt, s, strlen (s)) : NULL;
}

void
iot_packet_add_reading (IotPacket *pkt, const IotReading *reading)
{
  IotReading copy = *reading;

  if (!iot_packet_wants_readings (pkt))
    return;
  copy.device = arena_copy (pkt, reading->device);
  copy.series = arena_copy (pkt, reading->series);
  copy.name = arena_copy (pkt, reading->name);
  copy.unit = arena_copy (pkt, reading->unit);
  g_array_append_val (pkt->readings, copy);
}

guint
iot_packet_n_readings (IotPacket *pkt)
{
  return pkt->readings->len;
}

const IotReading *
iot_packet_reading (IotPacket *pkt, guint index)
{
  g_return_val_if_fail (index < pkt->readings->len, NULL);
  return &g_array_index (pkt->readings, IotReading, index);
}

void
iot_packet_set_reading_origin (IotPacket *pkt, const char *device, const char *series)
{
  if (!iot_packet_wants_readings (pkt))
    return;
  if (device != NULL)
    pkt->reading_device = arena_copy (pkt, device);
  if (series != NULL)
    pkt->reading_series = arena_copy (pkt, series);
}

const char *
iot_packet_reading_device (IotPacket *pkt)
{
  return pkt->reading_device;
}

const char *
iot_packet_reading_series (IotPacket *pkt)
{
  return pkt->reading_series;
}

/* ---- the user's notes on this frame, for the frame dissector ----------------- */

gboolean
iot_packet_frame_marked (IotPacket *pkt)
{
  return pkt->file != NULL && iot_file_frame_marked (pkt->file, pkt->number);
}

gboolean
iot_packet_frame_ignored (IotPacket *pkt)
{
  return pkt->file != NULL && iot_file_frame_ignored (pkt->file, pkt->number);
}

char **
iot_packet_frame_comments (IotPacket *pkt)
{
  if (pkt->file == NULL)
    return NULL;
  /* Every frame asks: its own entry says whether the file holds comments
   * for it, which saves unpacking the entry again. */
  if (pkt->frame != NULL && !(pkt->frame->flags & IOT_FRAME_HAS_COMMENT)
      && !iot_file_comments_edited (pkt->file))
    return NULL;
  return iot_file_dup_frame_comments (pkt->file, pkt->number);
}
