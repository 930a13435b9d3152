/* iot-follow.c — following one TCP or UDP conversation. */
#include "iot-follow.h"
#include "iot-format.h"
#include "iot-scan.h"
#include "iot-stream-index.h"
#include "iot-tap.h"

#include <string.h>

struct _IotFollow {
  IotFile          *file;
  IotFollowProtocol protocol;
  guint32           stream;
  GArray           *chunks;        /* IotFollowChunk */
  GByteArray       *plaintext;     /* TLS, HTTP: the bytes chunks point into */
  /* Payloads that live in a rebuilt data source (UDP in 6LoWPAN), by
   * frame: copies, since the capture file does not hold those bytes. */
  GHashTable       *rebuilt;       /* frame → GBytes */
  char             *node_name[2];
  guint64           node_bytes[2];
};

static void
format_node (const IotAddress *addr, guint16 port, char **out)
{
  char text[64];

  if (addr->family == 6)
    {
      iot_format_ipv6 (addr->bytes, text, sizeof text);
      *out = g_strdup_printf ("[%s]:%u", text, port);
    }
  else if (addr->family >= IOT_ADDR_WPAN_NONE && addr->family <= IOT_ADDR_WPAN_LONG)
    {
      /* ZEP: the 802.15.4 addresses inside replaced the IP ones, as in tshark. */
      iot_format_wpan_address (addr, text, sizeof text);
      *out = g_strdup_printf ("%s:%u", text, port);
    }
  else
    {
      iot_format_ipv4 (addr->bytes, text, sizeof text);
      *out = g_strdup_printf ("%s:%u", text, port);
    }
}

static gboolean
same_endpoint (const IotAddress *a, guint16 port_a, const IotAddress *b, guint16 port_b)
{
  return port_a == port_b && a->family == b->family && memcmp (a->bytes, b->bytes, 16) == 0;
}

/* TCP delivers bytes in sequence order, whatever order the segments were
 * captured in: like tshark, a segment after a gap waits until the gap is
 * filled, and bytes seen before are dropped. */
typedef struct {
  guint32  next_seq;
  gboolean have_next;
  GArray  *waiting;   /* Pending: segments beyond a gap */
} Direction;

typedef struct {
  guint32        seq;
  IotFollowChunk chunk;
} Pending;

static void
emit (IotFollow *self, IotFollowChunk *chunk)
{
  self->node_bytes[chunk->node] += chunk->length;
  g_array_append_val (self->chunks, *chunk);
}

/* Takes the part of @chunk (starting at @seq) not delivered yet; FALSE if
 * it brings nothing new. */
static gboolean
trim_to_new_bytes (Direction *dir, guint32 seq, IotFollowChunk *chunk)
{
  guint32 end = seq + chunk->length;

  if ((gint32) (end - dir->next_seq) <= 0)
    return FALSE;
  if ((gint32) (seq - dir->next_seq) < 0)
    {
      guint32 skip = dir->next_seq - seq;

      chunk->offset += skip;
      chunk->length -= skip;
    }
  dir->next_seq = end;
  return TRUE;
}

/* Delivers every waiting segment the sequence has now reached. */
static void
deliver_waiting (IotFollow *self, Direction *dir)
{
  gboolean progress = TRUE;

  while (progress)
    {
      progress = FALSE;
      for (guint i = 0; i < dir->waiting->len; i++)
        {
          Pending *p = &g_array_index (dir->waiting, Pending, i);

          if ((gint32) (p->seq - dir->next_seq) > 0)
            continue;
          if (trim_to_new_bytes (dir, p->seq, &p->chunk))
            emit (self, &p->chunk);
          g_array_remove_index (dir->waiting, i);
          progress = TRUE;
          break;
        }
    }
}

static void
add_tcp_chunk (IotFollow *self, Direction *dir, guint32 seq, IotFollowChunk *chunk)
{
  if (!dir->have_next)
    {
      dir->have_next = TRUE;
      dir->next_seq = seq;
    }
  if ((gint32) (seq - dir->next_seq) > 0)
    {
      Pending p = { seq, *chunk };

      g_array_append_val (dir->waiting, p);
      return;
    }
  if (trim_to_new_bytes (dir, seq, chunk))
    emit (self, chunk);
  deliver_waiting (self, dir);
}

static int
compare_pending (gconstpointer a, gconstpointer b)
{
  const Pending *x = a, *y = b;

  return (gint32) (x->seq - y->seq) < 0 ? -1 : x->seq != y->seq;
}

/* At the end, what still waits behind a gap that never filled. */
static void
flush_waiting (IotFollow *self, Direction *dir)
{
  g_array_sort (dir->waiting, compare_pending);
  for (guint i = 0; i < dir->waiting->len; i++)
    {
      Pending *p = &g_array_index (dir->waiting, Pending, i);

      if ((gint32) (p->seq + p->chunk.length - dir->next_seq) > 0)
        {
          dir->next_seq = MAX (dir->next_seq, p->seq);
          if (trim_to_new_bytes (dir, p->seq, &p->chunk))
            emit (self, &p->chunk);
        }
    }
  g_array_set_size (dir->waiting, 0);
}

/* The stream's first sender, which the follow output calls node 0. */
typedef struct {
  IotAddress addr;
  guint16    port;
  gboolean   seen;
} FirstSender;

/* 0 when the frame comes from the stream's first sender, else 1.  The
 * first frame names node 0 (and, with @name_peer, node 1 after its
 * receiver). */
static guint8
sender_node (IotFollow *self, FirstSender *first, IotPacket *pkt, gboolean name_peer)
{
  const IotAddress *src = iot_packet_net_src (pkt);
  guint16 sport, dport;

  iot_packet_get_ports (pkt, &sport, &dport);
  if (!first->seen)
    {
      first->addr = *src;
      first->port = sport;
      first->seen = TRUE;
      format_node (src, sport, &self->node_name[0]);
      if (name_peer)
        format_node (iot_packet_net_dst (pkt), dport, &self->node_name[1]);
    }
  return same_endpoint (src, sport, &first->addr, first->port) ? 0 : 1;
}

/* Following as a scan listener: the state of one follow while the frames
 * go by. */
typedef struct {
  IotFollow         *self;
  FirstSender        first;
  Direction          dirs[2];     /* TCP and UDP: bytes waiting behind a gap */
} Follower;

/* The layer's first record of @tap in the frame with a stream, or NULL. */
static gconstpointer
first_stream_record (IotPacket *pkt, IotTapId tap, guint8 layer)
{
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, tap, &n);

  for (guint i = 0; i < n; i++)
    {
      if (tap == IOT_TAP_CONV)
        {
          const IotTapConv *conv = records[i];

          if (conv->layer == layer && conv->stream != IOT_TAP_NO_STREAM)
            return conv;
        }
      else if (((const IotTapPayload *) records[i])->layer == layer)
        return records[i];
    }
  return NULL;
}

/* The frame's own TCP layer (never a copy quoted in an ICMP error)
 * belongs to the followed stream. */
static gboolean
in_tcp_stream (Follower *follower, IotPacket *pkt)
{
  const IotTapConv *conv = first_stream_record (pkt, IOT_TAP_CONV, IOT_TAP_LAYER_TCP);

  return conv != NULL && conv->stream == follower->self->stream;
}

/* Follow TLS as tshark 4.0 prints it: one chunk per decrypted application
 * data record; node 0 is the sender of the stream's first frame with a
 * decrypted record, and node 1 stays unnamed (":0"). */
static void
tls_add_wanted (gpointer data, IotFieldSet *wanted, IotDissectFlags *flags)
{
  *flags |= IOT_DISSECT_TAP (IOT_TAP_CONV) | IOT_DISSECT_TAP (IOT_TAP_TLS_DATA);
}

static void
tls_frame (gpointer data, IotPacket *pkt)
{
  Follower *follower = data;
  IotFollow *self = follower->self;
  guint32 n = iot_packet_frame_number (pkt);
  guint n_records;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_TLS_DATA, &n_records);
  guint8 node;

  if (n_records == 0 || !in_tcp_stream (follower, pkt))
    return;
  node = sender_node (self, &follower->first, pkt, FALSE);
  for (guint i = 0; i < n_records; i++)
    {
      const IotTapTlsData *record = records[i];
      IotFollowChunk chunk = { n, self->plaintext->len, record->length, node };

      if (record->data == NULL || record->length == 0)
        continue;
      g_byte_array_append (self->plaintext, record->data, record->length);
      emit (self, &chunk);
    }
}

static void
tls_finish (gpointer data)
{
  Follower *follower = data;
  IotFollow *self = follower->self;

  if (!follower->first.seen)
    self->node_name[0] = g_strdup (":0");
  self->node_name[1] = g_strdup (":0");
}

static const IotScanListener tls_listener = {
  .add_wanted = tls_add_wanted,
  .frame = tls_frame,
  .finish = tls_finish,
};

static void
add_plain_chunk (IotFollow *self, guint32 frame, guint8 node, const guint8 *data, guint32 length)
{
  IotFollowChunk chunk = { frame, self->plaintext->len, length, node };

  if (length == 0)
    return;
  g_byte_array_append (self->plaintext, data, length);
  emit (self, &chunk);
}

/* Follow HTTP as tshark 4.0 prints it: for each message of the stream's
 * own (not one carried inside another protocol's item), its header block
 * as one chunk, then its body as HTTP decoded it (chunks joined) as
 * another. */
static void
http_add_wanted (gpointer data, IotFieldSet *wanted, IotDissectFlags *flags)
{
  *flags |= IOT_DISSECT_TAP (IOT_TAP_CONV) | IOT_DISSECT_TAP (IOT_TAP_HTTP);
}

static void
http_frame (gpointer data, IotPacket *pkt)
{
  Follower *follower = data;
  IotFollow *self = follower->self;
  guint32 n = iot_packet_frame_number (pkt);
  guint n_records;
  gconstpointer const *records;
  guint8 node = 0;
  gboolean named = FALSE;

  if (!in_tcp_stream (follower, pkt))
    return;
  records = iot_packet_tap_records (pkt, IOT_TAP_HTTP, &n_records);
  for (guint i = 0; i < n_records; i++)
    {
      const IotTapHttp *message = records[i];

      if (message->nested || message->length == 0)
        continue;
      /* As tshark: the nodes are named after the first message, not the
       * stream's first frame (a stream without HTTP has none). */
      if (!named)
        node = sender_node (self, &follower->first, pkt, TRUE);
      named = TRUE;
      add_plain_chunk (self, n, node, message->data, message->header_length);
      if (message->body != NULL)
        add_plain_chunk (self, n, node, message->body, message->body_length);
    }
}

/* HTTP and TCP/UDP name both nodes, or neither (tshark prints empty
 * endpoints for a stream it never saw). */
static void
name_nodes_if_unseen (gpointer data)
{
  Follower *follower = data;
  IotFollow *self = follower->self;

  if (!follower->first.seen)
    {
      self->node_name[0] = g_strdup (":0");
      self->node_name[1] = g_strdup (":0");
    }
}

static const IotScanListener http_listener = {
  .add_wanted = http_add_wanted,
  .frame = http_frame,
  .finish = name_nodes_if_unseen,
};

/* Plain TCP or UDP payloads, read from the conversation and payload tap
 * records: the frame's own TCP or UDP layer (never the copy an ICMP error
 * quotes) with its stream, and the bytes it carries. */
static void
payload_add_wanted (gpointer data, IotFieldSet *wanted, IotDissectFlags *flags)
{
  *flags |= IOT_DISSECT_TAP (IOT_TAP_CONV) | IOT_DISSECT_TAP (IOT_TAP_PAYLOAD);
}

static void
payload_frame (gpointer data, IotPacket *pkt)
{
  Follower *follower = data;
  IotFollow *self = follower->self;
  IotFile *file = self->file;
  guint32 n = iot_packet_frame_number (pkt);
  guint8 layer = self->protocol == IOT_FOLLOW_UDP ? IOT_TAP_LAYER_UDP : IOT_TAP_LAYER_TCP;
  const IotTapConv *conv;
  const IotTapPayload *payload;
  IotFollowChunk chunk = { n };

  /* Like tshark: only frames captured whole. */
  if (iot_file_frame (file, n)->caplen < iot_file_frame (file, n)->len)
    return;
  conv = first_stream_record (pkt, IOT_TAP_CONV, layer);
  if (conv == NULL || conv->stream != self->stream)
    return;
  chunk.node = sender_node (self, &follower->first, pkt, TRUE);
  payload = first_stream_record (pkt, IOT_TAP_PAYLOAD, layer);
  if (payload == NULL || payload->length == 0)
    return;
  if (payload->source != 0)
    {
      /* Rebuilt bytes (UDP in 6LoWPAN) are kept: the file lacks them. */
      if (payload->has_seq)
        return;
      chunk.offset = 0;
      chunk.length = payload->length;
      g_hash_table_insert (self->rebuilt, GUINT_TO_POINTER (n), g_bytes_new (payload->data, chunk.length));
      emit (self, &chunk);
      return;
    }
  chunk.offset = payload->offset;
  chunk.length = MIN (payload->length, iot_file_frame (file, n)->caplen - payload->offset);
  if (payload->has_seq)
    {
      Direction *dir = &follower->dirs[chunk.node];

      if (dir->waiting == NULL)
        dir->waiting = g_array_new (FALSE, FALSE, sizeof (Pending));
      add_tcp_chunk (self, dir, payload->seq, &chunk);
      return;
    }
  emit (self, &chunk);
}

static void
payload_finish (gpointer data)
{
  Follower *follower = data;

  for (guint d = 0; d < 2; d++)
    if (follower->dirs[d].waiting != NULL)
      flush_waiting (follower->self, &follower->dirs[d]);
  name_nodes_if_unseen (follower);
}

static const IotScanListener payload_listener = {
  .add_wanted = payload_add_wanted,
  .frame = payload_frame,
  .finish = payload_finish,
};

gboolean
iot_follow_protocol_parse (const char *text, IotFollowProtocol *protocol)
{
  if (strcmp (text, "tcp") == 0)
    *protocol = IOT_FOLLOW_TCP;
  else if (strcmp (text, "udp") == 0)
    *protocol = IOT_FOLLOW_UDP;
  else if (strcmp (text, "tls") == 0)
    *protocol = IOT_FOLLOW_TLS;
  else if (strcmp (text, "http") == 0)
    *protocol = IOT_FOLLOW_HTTP;
  else
    return FALSE;
  return TRUE;
}

IotFollow *
iot_follow_new (IotEngine *engine, IotFollowProtocol protocol, guint32 stream, GError **error)
{
  g_autoptr (IotScan) scan = iot_scan_new (engine);
  g_autoptr (GArray) frames = NULL;
  IotFile *file = iot_engine_file (engine);
  IotFollow *self = g_new0 (IotFollow, 1);
  Follower follower = { self };
  const IotScanListener *listener = &payload_listener;

  self->file = iot_file_ref (file);
  self->protocol = protocol;
  self->stream = stream;
  self->chunks = g_array_new (FALSE, FALSE, sizeof (IotFollowChunk));
  self->rebuilt = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) g_bytes_unref);
  if (protocol == IOT_FOLLOW_TLS || protocol == IOT_FOLLOW_HTTP)
    self->plaintext = g_byte_array_new ();
  if (protocol == IOT_FOLLOW_TLS)
    listener = &tls_listener;
  else if (protocol == IOT_FOLLOW_HTTP)
    listener = &http_listener;
  /* Every follow reads tap records only: the stream's frames when the
   * first pass indexed them, else every frame. */
  frames = iot_engine_stream_frames (engine, protocol == IOT_FOLLOW_UDP ? IOT_TAP_LAYER_UDP : IOT_TAP_LAYER_TCP,
                                     stream, FALSE);
  if (frames != NULL)
    iot_scan_set_frames (scan, (const guint32 *) frames->data, frames->len);
  iot_scan_add_listener (scan, listener, &follower, NULL);
  iot_scan_run (scan, NULL, NULL, NULL, NULL);
  for (guint d = 0; d < 2; d++)
    g_clear_pointer (&follower.dirs[d].waiting, g_array_unref);
  return self;
}

void
iot_follow_free (IotFollow *self)
{
  if (self == NULL)
    return;
  iot_file_unref (self->file);
  g_array_unref (self->chunks);
  if (self->plaintext)
    g_byte_array_unref (self->plaintext);
  g_hash_table_unref (self->rebuilt);
  g_free (self->node_name[0]);
  g_free (self->node_name[1]);
  g_free (self);
}

guint
iot_follow_n_chunks (IotFollow *self)
{
  return self->chunks->len;
}

const IotFollowChunk *
iot_follow_chunk (IotFollow *self, guint index)
{
  return &g_array_index (self->chunks, IotFollowChunk, index);
}

const guint8 *
iot_follow_chunk_data (IotFollow *self, guint index)
{
  const IotFollowChunk *chunk = iot_follow_chunk (self, index);
  GBytes *copy = g_hash_table_lookup (self->rebuilt, GUINT_TO_POINTER (chunk->frame));

  if (self->plaintext)
    return self->plaintext->data + chunk->offset;
  if (copy != NULL)
    return (const guint8 *) g_bytes_get_data (copy, NULL) + chunk->offset;
  return iot_file_frame_data (self->file, chunk->frame) + chunk->offset;
}

const char *
iot_follow_node_name (IotFollow *self, guint node)
{
  return self->node_name[node ? 1 : 0];
}

guint64
iot_follow_node_bytes (IotFollow *self, guint node)
{
  return self->node_bytes[node ? 1 : 0];
}

gboolean
iot_follow_mode_parse (const char *text, IotFollowMode *mode)
{
  if (strcmp (text, "ascii") == 0)
    *mode = IOT_FOLLOW_ASCII;
  else if (strcmp (text, "hex") == 0)
    *mode = IOT_FOLLOW_HEX;
  else if (strcmp (text, "raw") == 0)
    *mode = IOT_FOLLOW_RAW;
  else
    return FALSE;
  return TRUE;
}

static char
printable (guint8 c)
{
  return c >= 0x20 && c < 0x7f ? (char) c : '.';
}

static void
print_hex_chunk (const guint8 *data, guint32 length, guint32 *offset, const char *indent, GString *out)
{
  for (guint32 line = 0; line < length; line += 16)
    {
      guint n = MIN (16, length - line);
      gsize start;

      g_string_append_printf (out, "%s%08X  ", indent, *offset + line);
      start = out->len;
      for (guint i = 0; i < n; i++)
        g_string_append_printf (out, "%02x %s", data[line + i], i == 7 ? " " : "");
      while (out->len - start < 49)
        g_string_append_c (out, ' ');
      g_string_append_c (out, ' ');
      for (guint i = 0; i < n; i++)
        {
          g_string_append_c (out, printable (data[line + i]));
          if (i == 7 && n > 8)
            g_string_append_c (out, ' ');
        }
      /* tshark drops one trailing blank from the text column. */
      if (out->len > start && out->str[out->len - 1] == ' ')
        g_string_truncate (out, out->len - 1);
      g_string_append_c (out, '\n');
    }
  *offset += length;
}

void
iot_follow_print (IotFollow *self, IotFollowMode mode, GString *out)
{
  static const char *const mode_names[] = { "ascii", "hex", "raw" };
  static const char *const proto_names[] = { "tcp", "udp", "tls", "http" };
  const char *proto = proto_names[self->protocol];
  const char *filter_proto = self->protocol == IOT_FOLLOW_UDP ? "udp" : "tcp";
  guint32 offsets[2] = { 0, 0 };
  const char *rule = "===================================================================";

  g_string_append_printf (out, "\n%s\nFollow: %s,%s\nFilter: %s.stream eq %u\n", rule, proto,
                          mode_names[mode], filter_proto, self->stream);
  g_string_append_printf (out, "Node 0: %s\nNode 1: %s\n", self->node_name[0], self->node_name[1]);
  for (guint i = 0; i < self->chunks->len; i++)
    {
      const IotFollowChunk *chunk = iot_follow_chunk (self, i);
      const guint8 *data = iot_follow_chunk_data (self, i);
      const char *indent = chunk->node ? "\t" : "";

      switch (mode)
        {
        case IOT_FOLLOW_ASCII:
          g_string_append_printf (out, "%s%u\n", indent, chunk->length);
          for (guint32 k = 0; k < chunk->length; k++)
            {
              guint8 c = data[k];

              /* Line ends stay as they are so text reads as text. */
              g_string_append_c (out, c == '\n' || c == '\r' ? (char) c : printable (c));
            }
          g_string_append_c (out, '\n');
          break;
        case IOT_FOLLOW_HEX:
          print_hex_chunk (data, chunk->length, &offsets[chunk->node], indent, out);
          break;
        case IOT_FOLLOW_RAW:
          g_string_append (out, indent);
          iot_format_hex (data, chunk->length, NULL, out);
          g_string_append_c (out, '\n');
          break;
        }
    }
  g_string_append_printf (out, "%s\n", rule);
}
