/* udp.c — User Datagram Protocol: ports, length, checksum, and the
 * conversation ("stream") each datagram belongs to.
 *
 * The first pass numbers conversations in order of appearance (one per
 * address/port pair, whichever direction) and records, per frame, the
 * stream and the previous frame of that stream so that any frame can later
 * be dissected on its own with the same timing fields.
 */
#include "iot-dissector.h"

#include <string.h>

extern IotDissector iot_dissector_udp;

enum {
  F_PROTO,
  F_SRCPORT,
  F_DSTPORT,
  F_PORT,
  F_LENGTH,
  F_CHECKSUM,
  F_CHECKSUM_STATUS,
  F_STREAM,
  F_TIME_RELATIVE,
  F_TIME_DELTA,
  F_PAYLOAD,
  N_FIELDS
};

enum {
  CHECKSUM_BAD = 0,
  CHECKSUM_GOOD = 1,
  CHECKSUM_UNVERIFIED = 2,
  CHECKSUM_NOT_PRESENT = 3,
};

static const IotValueName checksum_status_names[] = {
  { CHECKSUM_BAD, "Bad" },
  { CHECKSUM_GOOD, "Good" },
  { CHECKSUM_UNVERIFIED, "Unverified" },
  { CHECKSUM_NOT_PRESENT, "Not present" },
  IOT_VALUE_NAMES_END
};

enum {
  E_CHECKSUM_ZERO,
  E_LENGTH,
  N_EXPERTS
};

static IotExpertInfo udp_experts[N_EXPERTS] = {
  [E_CHECKSUM_ZERO] = IOT_EXPERT_INFO ("udp.checksum.zero", IOT_SEV_ERROR, IOT_GROUP_CHECKSUM, "Illegal checksum value (0)",
                              "Over IPv4 a zero checksum means none was computed; over IPv6 UDP must carry a checksum (RFC 8200), so zero is an error."),
  [E_LENGTH] = IOT_EXPERT_INFO ("udp.length.bad", IOT_SEV_ERROR, IOT_GROUP_MALFORMED, "Bad length value",
                              "The UDP length is below 8 (the header alone) or larger than the IP payload that carries it."),
};

static IotField udp_fields[N_FIELDS] = {
  [F_PROTO] = { "udp", "User Datagram Protocol", IOT_FT_PROTOCOL, .blurb =
    "UDP: single messages between two ports, with no connection, ordering or retransmission." },
  [F_SRCPORT] = { "udp.srcport", "Source Port", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Port of the program that sent the datagram." },
  [F_DSTPORT] = { "udp.dstport", "Destination Port", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Port of the program the datagram is for (5683 CoAP, 53 DNS, 123 NTP …)." },
  [F_PORT] = { "udp.port", "Source or Destination Port", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Either port of the datagram: filter on it to see both directions of a service." },
  [F_LENGTH] = { "udp.length", "Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Size of the datagram in bytes: the 8-byte UDP header plus the data." },
  [F_CHECKSUM] = { "udp.checksum", "Checksum", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Checksum over the datagram and the IP addresses; 0 over IPv4 means the sender did not compute one." },
  [F_CHECKSUM_STATUS] = { "udp.checksum.status", "Checksum Status", IOT_FT_UINT8, IOT_BASE_DEC,
    checksum_status_names, 0,
    "Whether the checksum was checked: 2 not verified, 3 not present (zero)." },
  [F_STREAM] = { "udp.stream", "Stream index", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Number of the address/port pair this datagram belongs to, counting from 0 in order of appearance." },
  [F_TIME_RELATIVE] = { "udp.time_relative", "Time since first frame", IOT_FT_RELATIVE_TIME, .blurb =
    "Seconds since the first datagram of this stream in the capture." },
  [F_TIME_DELTA] = { "udp.time_delta", "Time since previous frame", IOT_FT_RELATIVE_TIME, .blurb =
    "Seconds since the previous datagram of this stream, in either direction." },
  [F_PAYLOAD] = { "udp.payload", "Payload", IOT_FT_BYTES, .blurb =
    "The application bytes the datagram carries." },
};

/* ---- per-capture state ---------------------------------------------------- */

typedef struct {
  guint32 first_frame;      /* first datagram with data */
  guint32 last_frame;       /* first pass: latest datagram with data */
} UdpStream;

/* Only frames with a datagram have one: the first pass appends them in
 * frame order, later dissections find them by binary search. */
typedef struct {
  guint32 frame;
  guint32 stream_plus1;
  guint32 prev_frame;       /* previous frame with data in the stream, 0 = none */
} FrameFact;

/* One address/port pair and its stream (UDP streams never split). */
typedef struct {
  IotConvSlots conv;     /* first: the key the table hashes */
  guint32         stream;
} UdpConv;

typedef struct {
  IotConvTable *by_key;     /* IotConvKey → UdpConv */
  GArray     *streams;      /* UdpStream */
  GArray     *facts;        /* FrameFact, sorted by frame */
} UdpState;

static gpointer
udp_state_new (void)
{
  UdpState *st = g_new0 (UdpState, 1);

  st->by_key = iot_conv_table_new ();
  st->streams = g_array_new (FALSE, TRUE, sizeof (UdpStream));
  st->facts = g_array_new (FALSE, FALSE, sizeof (FrameFact));
  return st;
}

static void
udp_state_free (gpointer p)
{
  UdpState *st = p;

  iot_conv_table_free (st->by_key, g_free);
  g_array_unref (st->streams);
  g_array_unref (st->facts);
  g_free (st);
}

/* The stream of the datagram's address/port pair, opened if new.  The
 * same pair always maps to the same stream, so this is also how later
 * dissections find it. */
static guint32
lookup_stream (UdpState *st, IotPacket *pkt, guint16 sport, guint16 dport)
{
  IotConvKey key;
  UdpConv *conv;
  guint hash;

  iot_conv_key_make (&key, iot_packet_net_src (pkt), sport, iot_packet_net_dst (pkt), dport);
  hash = iot_conv_key_hash (&key);
  conv = (UdpConv *) iot_conv_table_lookup (st->by_key, &key, hash);
  if (conv == NULL)
    {
      UdpStream fresh = { 0 };

      g_array_append_val (st->streams, fresh);
      conv = g_new0 (UdpConv, 1);
      conv->conv.key = key;
      conv->stream = st->streams->len - 1;
      iot_conv_table_insert (st->by_key, &conv->conv, hash);
    }
  /* Found once here for the layers above; their slots are written in the
   * first pass only, when no other thread reads them. */
  if (iot_packet_first_pass (pkt))
    iot_packet_set_conversation (pkt, &conv->conv);
  return conv->stream;
}

/* First pass: this frame's datagram (with data) follows the stream's last. */
static void
record_frame (UdpState *st, guint32 frame, guint32 stream)
{
  UdpStream *s = &g_array_index (st->streams, UdpStream, stream);
  FrameFact fact = { frame, stream + 1, s->last_frame };

  if (st->facts->len > 0 && g_array_index (st->facts, FrameFact, st->facts->len - 1).frame == frame)
    return;   /* a second UDP layer in the frame: keep the first one's facts */
  g_array_append_val (st->facts, fact);
  if (s->first_frame == 0)
    s->first_frame = frame;
  s->last_frame = frame;
}

/* Whether this UDP header is the quoted one inside an ICMP error.  Such a
 * copy belongs to the stream but gets no timing facts. */
static gboolean
in_error_packet (IotPacket *pkt)
{
  return iot_packet_in_error (pkt);
}

static void
add_times (IotPacket *pkt, UdpState *st, int tree, guint32 stream)
{
  guint32 frame = iot_packet_frame_number (pkt);
  const FrameFact *fact = NULL;
  const UdpStream *s;
  gint64 now = iot_packet_time_ns (pkt);
  guint lo = 0, hi = st->facts->len;
  int group, node;

  /* Looking up other frames' times costs cache misses: only when asked. */
  if (!iot_packet_wants_field (pkt, &udp_fields[F_TIME_RELATIVE])
      && !iot_packet_wants_field (pkt, &udp_fields[F_TIME_DELTA]))
    return;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const FrameFact *f = &g_array_index (st->facts, FrameFact, mid);

      if (f->frame == frame)
        {
          fact = f;
          break;
        }
      if (f->frame < frame)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (fact == NULL || fact->stream_plus1 != stream + 1)
    return;
  s = &g_array_index (st->streams, UdpStream, stream);
  group = iot_tree_add_text (pkt, tree, NULL, 0, 0, "Timestamps");
  iot_tree_set_generated (pkt, group);
  node = iot_tree_add_time (pkt, group, &udp_fields[F_TIME_RELATIVE], NULL, 0, 0,
                            now - iot_frame_time_ns (pkt, s->first_frame));
  iot_tree_set_generated (pkt, node);
  node = iot_tree_add_time (pkt, group, &udp_fields[F_TIME_DELTA], NULL, 0, 0,
                            fact->prev_frame ? now - iot_frame_time_ns (pkt, fact->prev_frame) : 0);
  iot_tree_set_generated (pkt, node);
}

/* ---- the header ---------------------------------------------------------- */

/* Source and destination, then the two hidden "either port" rows, in
 * tshark's order. */
static void
add_port_row (IotPacket *pkt, int tree, IotBuf *buf, int field, guint off, gboolean hidden)
{
  int node = iot_tree_add_item (pkt, tree, &udp_fields[field], buf, off, 2, FALSE);

  if (hidden)
    iot_tree_set_hidden (pkt, node);
  /* -N t: "Source Port: mqtt (1883)". */
  if (node >= 0 && (iot_resolve_get_flags () & IOT_RESOLVE_TRANSPORT) && iot_packet_wants_tree (pkt))
    {
      char port[80];

      iot_resolve_port_label (IOT_RESOLVE_UDP, iot_buf_u16 (buf, off), port, sizeof port);
      iot_tree_set_label (pkt, node, "%s: %s", udp_fields[field].name, port);
    }
}

static void
add_ports (IotPacket *pkt, int tree, IotBuf *buf)
{
  add_port_row (pkt, tree, buf, F_SRCPORT, 0, FALSE);
  add_port_row (pkt, tree, buf, F_DSTPORT, 2, FALSE);
  add_port_row (pkt, tree, buf, F_PORT, 0, TRUE);
  add_port_row (pkt, tree, buf, F_PORT, 2, TRUE);
}

static void
add_checksum (IotPacket *pkt, int tree, IotBuf *buf)
{
  guint16 checksum = iot_buf_u16 (buf, 6);
  gboolean ipv6 = iot_packet_net_src (pkt)->family == 6;
  int node, status;

  node = iot_tree_add_item (pkt, tree, &udp_fields[F_CHECKSUM], buf, 6, 2, FALSE);
  if (checksum == 0 && !ipv6)
    {
      /* Over IPv4 a zero checksum means "not computed". */
      iot_tree_append_label (pkt, node, " [zero-value ignored]");
      status = iot_tree_add_uint (pkt, node, &udp_fields[F_CHECKSUM_STATUS], buf, 6, 2, CHECKSUM_NOT_PRESENT);
      iot_tree_set_label (pkt, status, "Checksum Status: Not present");
    }
  else
    {
      if (checksum == 0)
        iot_expert_add_info (pkt, node, &udp_experts[E_CHECKSUM_ZERO], "Illegal checksum value (0): UDP over IPv6 must carry a checksum");
      iot_tree_append_label (pkt, node, checksum == 0 ? " [illegal]" : " [unverified]");
      status = iot_tree_add_uint (pkt, tree, &udp_fields[F_CHECKSUM_STATUS], buf, 6, 0, CHECKSUM_UNVERIFIED);
      iot_tree_set_label (pkt, status, "Checksum Status: Unverified");
    }
  iot_tree_set_generated (pkt, status);
}

/* The conversation, for the statistics (addresses: the network layer's). */
static void
publish_conversation (IotPacket *pkt, guint16 sport, guint16 dport, guint32 stream)
{
  IotTapConv conv = { .layer = IOT_TAP_LAYER_UDP, .sport = sport, .dport = dport, .stream = stream };

  iot_tap_queue (pkt, IOT_TAP_CONV, &conv);
}

static void publish_payload (IotPacket *pkt, IotBuf *buf, guint length, guint32 stream);

static int
dissect_udp (IotPacket *pkt, IotBuf *buf, int parent)
{
  UdpState *st = iot_packet_state (pkt, &iot_dissector_udp);
  gboolean in_error = in_error_packet (pkt);
  guint16 sport, dport, length;
  guint32 stream;
  guint data_len;
  int tree, node;

  iot_col_set_protocol (pkt, "UDP");
  sport = iot_buf_u16 (buf, 0);
  dport = iot_buf_u16 (buf, 2);
  iot_packet_set_ports (pkt, sport, dport);
  tree = iot_tree_add_protocol (pkt, parent, &udp_fields[F_PROTO], buf, 0, 8);
  if (iot_resolve_get_flags () & IOT_RESOLVE_TRANSPORT)
    {
      /* -N t: "Src Port: coap (5683)" in the tree, "coap(5683)" in Info. */
      char slabel[80], dlabel[80], sinfo[80], dinfo[80];

      iot_resolve_port_label (IOT_RESOLVE_UDP, sport, slabel, sizeof slabel);
      iot_resolve_port_label (IOT_RESOLVE_UDP, dport, dlabel, sizeof dlabel);
      iot_resolve_port_info (IOT_RESOLVE_UDP, sport, sinfo, sizeof sinfo);
      iot_resolve_port_info (IOT_RESOLVE_UDP, dport, dinfo, sizeof dinfo);
      iot_tree_set_label (pkt, tree, "User Datagram Protocol, Src Port: %s, Dst Port: %s", slabel, dlabel);
      iot_col_printf_info (pkt, "%s \u2192 %s", sinfo, dinfo);
    }
  else
    {
      iot_tree_set_label (pkt, tree, "User Datagram Protocol, Src Port: %u, Dst Port: %u", sport, dport);
      iot_col_printf_info (pkt, "%u \u2192 %u", sport, dport);
    }
  add_ports (pkt, tree, buf);

  length = iot_buf_u16 (buf, 4);
  node = iot_tree_add_item (pkt, tree, &udp_fields[F_LENGTH], buf, 4, 2, FALSE);
  if (length < 8)
    {
      iot_tree_append_label (pkt, node, " (bogus, must be >= 8)");
      iot_expert_add_info (pkt, node, &udp_experts[E_LENGTH], "Bad length value %u < 8", length);
      iot_col_append_info (pkt, " [BAD UDP LENGTH %u < 8]", length);
      publish_conversation (pkt, sport, dport, IOT_TAP_NO_STREAM);
      return buf->reported;
    }
  if (length > buf->reported && !in_error)
    {
      iot_tree_append_label (pkt, node, " (bogus, payload length %u)", buf->reported);
      iot_expert_add_info (pkt, node, &udp_experts[E_LENGTH], "Bad length value %u > IP payload length", length);
      iot_col_append_info (pkt, " [BAD UDP LENGTH %u > IP PAYLOAD LENGTH]", length);
      data_len = buf->reported - 8;
    }
  else
    data_len = MIN ((guint) length, buf->reported) - 8;
  iot_col_append_info (pkt, " Len=%u", length - 8);
  add_checksum (pkt, tree, buf);

  stream = lookup_stream (st, pkt, sport, dport);
  publish_conversation (pkt, sport, dport, stream);
  /* At the payload, where tshark puts it. */
  node = iot_tree_add_uint (pkt, tree, &udp_fields[F_STREAM], buf, 8, 0, stream);
  iot_tree_set_generated (pkt, node);

  if (data_len > 0)
    {
      IotBuf payload = iot_buf_sub (buf, 8, (gint) data_len);
      guint captured = iot_buf_remaining (buf, 8);

      if (!in_error)
        {
          if (iot_packet_first_pass (pkt))
            record_frame (st, iot_packet_frame_number (pkt), stream);
          add_times (pkt, st, tree, stream);
        }
      /* The value is every byte after the header, the row only the data. */
      node = iot_tree_add_bytes (pkt, tree, &udp_fields[F_PAYLOAD], buf, 8, MIN (data_len, captured),
                                 buf->data + MIN (8u, buf->length), captured);
      iot_tree_set_label (pkt, node, "UDP payload (%u byte%s)", data_len, data_len == 1 ? "" : "s");
      publish_payload (pkt, buf, MIN (data_len, captured), stream);
      if (iot_call_port_table (pkt, "udp.port", sport, dport, &payload, -1) < 0
          && iot_call_heuristics (pkt, "udp", &payload, -1) < 0)
        iot_call_data (pkt, &payload, -1);
    }
  return 8 + data_len;
}

IotDissector iot_dissector_udp = {
  .name = "UDP",
  .abbrev = "udp",
  .long_name = "User Datagram Protocol",
  .fields = udp_fields,
  .n_fields = N_FIELDS,
  .experts = udp_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_udp,
  .handoff = { { "ip.proto", 17 } },
  .state_new = udp_state_new,
  .state_free = udp_state_free,
};

/* The datagram's data for the payload tap (following a stream): the bytes
 * udp.payload covers. */
static void
publish_payload (IotPacket *pkt, IotBuf *buf, guint length, guint32 stream)
{
  IotTapPayload record = { IOT_TAP_LAYER_UDP, buf->source, FALSE, stream };

  if (!iot_tap_wanted (pkt, IOT_TAP_PAYLOAD) || iot_packet_in_error (pkt) || length == 0)
    return;
  record.data = buf->data + MIN (8u, buf->length);
  record.offset = buf->origin + 8;
  record.length = length;
  iot_tap_queue (pkt, IOT_TAP_PAYLOAD, &record);
}
