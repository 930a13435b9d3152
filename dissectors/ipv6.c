/* ipv6.c — Internet Protocol version 6 and its extension headers
 * (hop-by-hop options, routing, fragment, destination options). */
#include "ip.h"

#include <arpa/inet.h>
#include <string.h>

enum {
  F_PROTO,
  F_VERSION,
  F_TCLASS,
  F_TCLASS_DSCP,
  F_TCLASS_ECN,
  F_FLOW,
  F_PLEN,
  F_NXT,
  F_HLIM,
  F_SRC,
  F_ADDR,
  F_SRC_HOST,
  F_HOST,
  F_DST,
  F_DST_HOST,
  F_HOPOPTS_NXT,
  F_HOPOPTS_LEN,
  F_HOPOPTS_LEN_OCT,
  F_DSTOPTS_NXT,
  F_DSTOPTS_LEN,
  F_DSTOPTS_LEN_OCT,
  F_ROUTING_NXT,
  F_ROUTING_LEN,
  F_ROUTING_LEN_OCT,
  F_ROUTING_TYPE,
  F_ROUTING_SEGLEFT,
  F_FRAG_NXT,
  F_FRAG_RESERVED_OCTET,
  F_FRAG_OFFSET,
  F_FRAG_RESERVED_BITS,
  F_FRAG_MORE,
  F_FRAG_IDENT,
  F_FRAGMENTS,
  F_FRAGMENT,
  F_FRAGMENT_COUNT,
  F_REASSEMBLED_IN,
  F_REASSEMBLED_LENGTH,
  F_REASSEMBLED_DATA,
  N_FIELDS
};

#define NH_HOPOPTS  0
#define NH_ROUTING  43
#define NH_FRAGMENT 44
#define NH_DSTOPTS  60

static const IotValueName routing_type_names[] = {
  { 0, "Source Route" },
  { 2, "Type 2 Routing" },
  { 3, "RPL Source Route Header" },
  { 4, "Segment Routing" },
  IOT_VALUE_NAMES_END
};

enum {
  E_VERSION,
  E_PLEN,
  N_EXPERTS
};

static IotExpertInfo ipv6_experts[N_EXPERTS] = {
  [E_VERSION] = IOT_EXPERT_INFO ("ipv6.bogus_ipv6_version", IOT_SEV_ERROR, IOT_GROUP_MALFORMED, "Bogus IPv6 version",
                              "The first 4 bits of an IPv6 header must be 6."),
  [E_PLEN] = IOT_EXPERT_INFO ("ipv6.plen_exceeds_framing", IOT_SEV_ERROR, IOT_GROUP_MALFORMED, "IPv6 payload length exceeds framing length",
                              "The payload length says more bytes than the link layer delivered: the packet was cut or the header is wrong."),
};

static IotField ipv6_fields[N_FIELDS] = {
  [F_PROTO] = { "ipv6", "Internet Protocol Version 6", IOT_FT_PROTOCOL, .blurb =
    "The IPv6 header: 128-bit source and destination addresses, a hop limit, and what comes next." },
  [F_VERSION] = { "ipv6.version", "Version", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "IP version number; always 6 here." },
  [F_TCLASS] = { "ipv6.tclass", "Traffic Class", IOT_FT_UINT32, IOT_BASE_HEX, NULL, 0x0ff00000,
    "Quality-of-service byte, the same as IPv4's DS field: DSCP class plus ECN bits." },
  [F_TCLASS_DSCP] = { "ipv6.tclass.dscp", "Differentiated Services Codepoint", IOT_FT_UINT32, IOT_BASE_DEC,
    iot_ip_dscp_names, 0x0fc00000,
    "Traffic class the sender asks for (0 = ordinary, 46 = expedited, e.g. voice)." },
  [F_TCLASS_ECN] = { "ipv6.tclass.ecn", "Explicit Congestion Notification", IOT_FT_UINT32, IOT_BASE_DEC,
    iot_ip_ecn_names, 0x00300000,
    "Lets routers signal congestion without dropping the packet, if both ends support it." },
  [F_FLOW] = { "ipv6.flow", "Flow Label", IOT_FT_UINT24, IOT_BASE_HEX, NULL, 0xfffff,
    "Number the sender gives all packets of one flow so that routers can keep them on the same path." },
  [F_PLEN] = { "ipv6.plen", "Payload Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Bytes after the 40-byte fixed header, extension headers included." },
  [F_NXT] = { "ipv6.nxt", "Next Header", IOT_FT_UINT8, IOT_BASE_DEC, iot_ip_proto_names, 0,
    "What follows the fixed header: an extension header or the carried protocol (6 TCP, 17 UDP, 58 ICMPv6)." },
  [F_HLIM] = { "ipv6.hlim", "Hop Limit", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Hop budget: each router lowers it by one and drops the packet at zero (IPv4 calls it TTL)." },
  [F_SRC] = { "ipv6.src", "Source Address", IOT_FT_IPV6, .blurb =
    "IPv6 address of the sender." },
  [F_ADDR] = { "ipv6.addr", "Source or Destination Address", IOT_FT_IPV6, .blurb =
    "Either address of the packet: filter on it to see traffic to or from one machine." },
  [F_SRC_HOST] = { "ipv6.src_host", "Source Host", IOT_FT_STRING, .blurb =
    "Source address as text (a host name if names are resolved)." },
  [F_HOST] = { "ipv6.host", "Source or Destination Host", IOT_FT_STRING, .blurb =
    "Either address as text." },
  [F_DST] = { "ipv6.dst", "Destination Address", IOT_FT_IPV6, .blurb =
    "IPv6 address the packet is for (ff02::… addresses are link-local multicast groups)." },
  [F_DST_HOST] = { "ipv6.dst_host", "Destination Host", IOT_FT_STRING, .blurb =
    "Destination address as text (a host name if names are resolved)." },
  [F_HOPOPTS_NXT] = { "ipv6.hopopts.nxt", "Next Header", IOT_FT_UINT8, IOT_BASE_DEC, iot_ip_proto_names, 0,
    "What follows the hop-by-hop options header." },
  [F_HOPOPTS_LEN] = { "ipv6.hopopts.len", "Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Size of the hop-by-hop header in 8-byte units, not counting the first 8 bytes." },
  [F_HOPOPTS_LEN_OCT] = { "ipv6.hopopts.len_oct", "Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Size of the hop-by-hop header in bytes." },
  [F_DSTOPTS_NXT] = { "ipv6.dstopts.nxt", "Next Header", IOT_FT_UINT8, IOT_BASE_DEC, iot_ip_proto_names, 0,
    "What follows the destination options header." },
  [F_DSTOPTS_LEN] = { "ipv6.dstopts.len", "Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Size of the destination options header in 8-byte units, not counting the first 8 bytes." },
  [F_DSTOPTS_LEN_OCT] = { "ipv6.dstopts.len_oct", "Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Size of the destination options header in bytes." },
  [F_ROUTING_NXT] = { "ipv6.routing.nxt", "Next Header", IOT_FT_UINT8, IOT_BASE_DEC, iot_ip_proto_names, 0,
    "What follows the routing header." },
  [F_ROUTING_LEN] = { "ipv6.routing.len", "Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Size of the routing header in 8-byte units, not counting the first 8 bytes." },
  [F_ROUTING_LEN_OCT] = { "ipv6.routing.len_oct", "Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Size of the routing header in bytes." },
  [F_ROUTING_TYPE] = { "ipv6.routing.type", "Type", IOT_FT_UINT8, IOT_BASE_DEC, routing_type_names, 0,
    "Kind of routing header (e.g. 4 = segment routing)." },
  [F_ROUTING_SEGLEFT] = { "ipv6.routing.segleft", "Segments Left", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "How many listed waypoints the packet still has to visit." },
  [F_FRAG_NXT] = { "ipv6.fraghdr.nxt", "Next header", IOT_FT_UINT8, IOT_BASE_DEC, iot_ip_proto_names, 0,
    "Protocol of the original packet that was cut into fragments." },
  [F_FRAG_RESERVED_OCTET] = { "ipv6.fraghdr.reserved_octet", "Reserved octet", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "Unused; zero." },
  [F_FRAG_OFFSET] = { "ipv6.fraghdr.offset", "Offset", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0xfff8,
    "Where this fragment's data belongs in the original packet, in 8-byte units." },
  [F_FRAG_RESERVED_BITS] = { "ipv6.fraghdr.reserved_bits", "Reserved bits", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0x0006,
    "Unused; zero." },
  [F_FRAG_MORE] = { "ipv6.fraghdr.more", "More Fragments", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0001,
    "More fragments of the same packet follow this one.", "Yes", "No" },
  [F_FRAG_IDENT] = { "ipv6.fraghdr.ident", "Identification", IOT_FT_UINT32, IOT_BASE_HEX, NULL, 0,
    "Number shared by all fragments of one original packet." },
  [F_FRAGMENTS] = { "ipv6.fragments", "IPv6 Fragments", IOT_FT_NONE, .blurb =
    "The pieces an IPv6 packet too big for the path was cut into by its sender, joined again here." },
  [F_FRAGMENT] = { "ipv6.fragment", "IPv6 Fragment", IOT_FT_FRAMENUM, .blurb =
    "A frame that carried one piece of the original packet." },
  [F_FRAGMENT_COUNT] = { "ipv6.fragment.count", "Fragment count", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "How many pieces the original packet was cut into." },
  [F_REASSEMBLED_IN] = { "ipv6.reassembled.in", "Reassembled IPv6 in frame", IOT_FT_FRAMENUM, .blurb =
    "This frame holds one piece of a larger packet; the frame named here completes it and shows it whole." },
  [F_REASSEMBLED_LENGTH] = { "ipv6.reassembled.length", "Reassembled IPv6 length", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Length of the packet rebuilt from its fragments." },
  [F_REASSEMBLED_DATA] = { "ipv6.reassembled.data", "Reassembled IPv6 data", IOT_FT_BYTES, .blurb =
    "The bytes of the packet rebuilt from its fragments." },
};

extern IotDissector iot_dissector_ipv6;

/* ip.version lives in the IPv4 layer; an IPv6 header fills it too, hidden,
 * so that "ip.version == 6" works as in Wireshark. */

/* Hop limit of the IPv6 header dissected last in this frame (ICMPv6 Info). */
guint8
iot_ipv6_current_hop_limit (IotPacket *pkt)
{
  return (guint8) iot_packet_layer_value (pkt, &iot_dissector_ipv6);
}

static const char *
format_addr (IotPacket *pkt, const guint8 *a)
{
  char text[64];

  if (inet_ntop (AF_INET6, a, text, sizeof text) == NULL)
    text[0] = '\0';
  return iot_packet_strndup (pkt, text, strlen (text));
}

/* -N n: an address row reads "Source Address: name (2001:db8::1)". */
static int
label_with_name (IotPacket *pkt, int node, const IotField *field, const guint8 *a)
{
  if (node >= 0 && (iot_resolve_get_flags () & IOT_RESOLVE_NETWORK) && iot_packet_wants_tree (pkt))
    {
      char label[300];

      iot_resolve_host_label (a, 16, label, sizeof label);
      iot_tree_set_label (pkt, node, "%s: %s", field->name, label);
    }
  return node;
}

static void
add_address (IotPacket *pkt, int tree, IotBuf *buf, guint off, int field, int host_field)
{
  const guint8 *a = iot_buf_ptr (buf, off, 16);
  const char *text;

  label_with_name (pkt, iot_tree_add_ipv6 (pkt, tree, &ipv6_fields[field], buf, off, a), &ipv6_fields[field], a);
  iot_tree_set_hidden (pkt, label_with_name (pkt, iot_tree_add_ipv6 (pkt, tree, &ipv6_fields[F_ADDR], buf, off, a),
                                             &ipv6_fields[F_ADDR], a));
  if (!iot_packet_wants_field (pkt, &ipv6_fields[host_field]) && !iot_packet_wants_field (pkt, &ipv6_fields[F_HOST]))
    return;
  text = iot_resolve_host (a, 16);
  if (text == NULL)
    text = format_addr (pkt, a);
  iot_tree_set_hidden (pkt, iot_tree_add_string (pkt, tree, &ipv6_fields[host_field], buf, off, 16, text, -1));
  iot_tree_set_hidden (pkt, iot_tree_add_string (pkt, tree, &ipv6_fields[F_HOST], buf, off, 16, text, -1));
}

/* "…. 0000 0000 …." picture of the bits of @value under @mask, @bits wide. */
static const char *
bit_picture (IotPacket *pkt, guint32 value, guint32 mask, guint bits)
{
  char text[48];
  guint pos = 0;

  for (int bit = (int) bits - 1; bit >= 0; bit--)
    {
      text[pos++] = !(mask >> bit & 1) ? '.' : (value >> bit & 1) ? '1' : '0';
      if (bit % 4 == 0 && bit > 0)
        text[pos++] = ' ';
    }
  text[pos] = '\0';
  return iot_packet_strndup (pkt, text, pos);
}

static void
add_traffic_class (IotPacket *pkt, int tree, IotBuf *buf)
{
  guint32 word = iot_buf_u32 (buf, 0);
  guint tclass = (word >> 20) & 0xff;
  const char *dscp = iot_value_name (iot_ip_dscp_short_names, tclass >> 2);
  int node = iot_tree_add_item (pkt, tree, &ipv6_fields[F_TCLASS], buf, 0, 4, FALSE);

  /* The bit pictures are for labels of rows that were made only. */
  if (node >= 0)
    iot_tree_set_label (pkt, node, "%s = Traffic Class: 0x%02x (DSCP: %s, ECN: %s)",
                        bit_picture (pkt, word, 0x0ff00000, 32), tclass, dscp ? dscp : "Unknown",
                        iot_value_name (iot_ip_ecn_short_names, tclass & 3));
  iot_tree_add_item (pkt, node, &ipv6_fields[F_TCLASS_DSCP], buf, 0, 4, FALSE);
  iot_tree_add_item (pkt, node, &ipv6_fields[F_TCLASS_ECN], buf, 0, 4, FALSE);
}

/* Hop-by-hop and destination options share one layout: next header,
 * length in 8-byte units beyond the first 8, then options (not decoded). */
static guint
dissect_options_header (IotPacket *pkt, int parent, IotBuf *buf, guint off, gboolean hop_by_hop)
{
  guint len = (iot_buf_u8 (buf, off + 1) + 1u) * 8;
  int tree, node;

  iot_packet_add_layer_name (pkt, hop_by_hop ? "ipv6.hopopts" : "ipv6.dstopts");
  iot_buf_check (buf, off, len);
  tree = iot_tree_add_text (pkt, parent, buf, off, len, "%s",
                            hop_by_hop ? "IPv6 Hop-by-Hop Option" : "Destination Options for IPv6");
  iot_tree_add_item (pkt, tree, &ipv6_fields[hop_by_hop ? F_HOPOPTS_NXT : F_DSTOPTS_NXT], buf, off, 1, FALSE);
  iot_tree_add_item (pkt, tree, &ipv6_fields[hop_by_hop ? F_HOPOPTS_LEN : F_DSTOPTS_LEN], buf, off + 1, 1, FALSE);
  node = iot_tree_add_uint (pkt, tree, &ipv6_fields[hop_by_hop ? F_HOPOPTS_LEN_OCT : F_DSTOPTS_LEN_OCT],
                            buf, off + 1, 1, len);
  iot_tree_set_generated (pkt, node);
  iot_tree_set_label (pkt, node, "Length: %u bytes", len);
  if (len > 2)
    iot_tree_add_text (pkt, tree, buf, off + 2, len - 2, "Options and padding (%u bytes, not decoded)", len - 2);
  return len;
}

static guint
dissect_routing_header (IotPacket *pkt, int parent, IotBuf *buf, guint off)
{
  guint len = (iot_buf_u8 (buf, off + 1) + 1u) * 8;
  int tree, node;

  iot_packet_add_layer_name (pkt, "ipv6.routing");
  iot_buf_check (buf, off, len);
  tree = iot_tree_add_text (pkt, parent, buf, off, len, "Routing Header for IPv6");
  iot_tree_add_item (pkt, tree, &ipv6_fields[F_ROUTING_NXT], buf, off, 1, FALSE);
  iot_tree_add_item (pkt, tree, &ipv6_fields[F_ROUTING_LEN], buf, off + 1, 1, FALSE);
  node = iot_tree_add_uint (pkt, tree, &ipv6_fields[F_ROUTING_LEN_OCT], buf, off + 1, 1, len);
  iot_tree_set_generated (pkt, node);
  iot_tree_set_label (pkt, node, "Length: %u bytes", len);
  iot_tree_add_item (pkt, tree, &ipv6_fields[F_ROUTING_TYPE], buf, off + 2, 1, FALSE);
  iot_tree_add_item (pkt, tree, &ipv6_fields[F_ROUTING_SEGLEFT], buf, off + 3, 1, FALSE);
  return len;
}

typedef struct {
  guint    offset;
  gboolean more;
  guint32  ident;
} Fragment;

/* Returns TRUE when the packet is a fragment, described in *frag. */
static gboolean
dissect_fragment_header (IotPacket *pkt, int parent, IotBuf *buf, guint off, Fragment *frag)
{
  guint nxt = iot_buf_u8 (buf, off);
  guint16 word = iot_buf_u16 (buf, off + 2);
  guint32 ident = iot_buf_u32 (buf, off + 4);
  guint offset_bytes = word & 0xfff8;
  gboolean more = (word & 1) != 0;
  int tree, node;

  iot_packet_add_layer_name (pkt, "ipv6.fraghdr");
  tree = iot_tree_add_text (pkt, parent, buf, off, 8, "Fragment Header for IPv6");
  iot_tree_add_item (pkt, tree, &ipv6_fields[F_FRAG_NXT], buf, off, 1, FALSE);
  iot_tree_add_item (pkt, tree, &ipv6_fields[F_FRAG_RESERVED_OCTET], buf, off + 1, 1, FALSE);
  node = iot_tree_add_item (pkt, tree, &ipv6_fields[F_FRAG_OFFSET], buf, off + 2, 2, FALSE);
  iot_tree_append_label (pkt, node, " (%u bytes)", offset_bytes);
  iot_tree_add_item (pkt, tree, &ipv6_fields[F_FRAG_RESERVED_BITS], buf, off + 2, 2, FALSE);
  node = iot_tree_add_item (pkt, tree, &ipv6_fields[F_FRAG_MORE], buf, off + 2, 2, FALSE);
  if (node >= 0)
    iot_tree_set_label (pkt, node, "%s = More Fragments: %s", bit_picture (pkt, word, 1, 16), more ? "Yes" : "No");
  iot_tree_add_item (pkt, tree, &ipv6_fields[F_FRAG_IDENT], buf, off + 4, 4, FALSE);
  frag->offset = offset_bytes;
  frag->more = more;
  frag->ident = ident;
  if (offset_bytes == 0 && !more)
    return FALSE;
  iot_col_printf_info (pkt, "IPv6 fragment (off=%u more=%c ident=0x%08x nxt=%u)",
                                                   offset_bytes, more ? 'y' : 'n', ident, nxt);
  return TRUE;
}

static const IotRebuildFields fragment_fields = {
  &ipv6_fields[F_FRAGMENTS], &ipv6_fields[F_FRAGMENT], &ipv6_fields[F_FRAGMENT_COUNT],
  &ipv6_fields[F_REASSEMBLED_LENGTH], &ipv6_fields[F_REASSEMBLED_DATA],
  "IPv6 Fragments", "Reassembled IPv6",
};

/* Joins fragments: the frame bringing the last missing piece shows the
 * whole packet; the others point to it.  Returns TRUE when the packet was
 * rebuilt and handed on. */
static gboolean
defragment (IotPacket *pkt, int tree, int parent, IotBuf *payload, const IotAddress *src,
            const IotAddress *dst, const Fragment *frag, guint nxt)
{
  IotDefrag *defrag = iot_packet_state (pkt, &iot_dissector_ipv6);
  guint32 frame = iot_packet_frame_number (pkt), done;
  guint8 key[36];
  IotBuf whole;
  int node;

  if (defrag == NULL || payload->length < payload->reported || iot_packet_in_error (pkt))
    return FALSE;
  memcpy (key, src->bytes, 16);
  memcpy (key + 16, dst->bytes, 16);
  key[32] = frag->ident >> 24;
  key[33] = frag->ident >> 16;
  key[34] = frag->ident >> 8;
  key[35] = frag->ident;
  if (iot_packet_first_pass (pkt))
    iot_defrag_add (defrag, pkt, key, sizeof key, frag->offset, payload, 0, payload->length, !frag->more);
  done = iot_defrag_completed_in (defrag, frame);
  if (done == 0)
    return FALSE;
  if (done != frame)
    {
      node = iot_tree_add_uint (pkt, tree, &ipv6_fields[F_REASSEMBLED_IN], payload, 0, 0, done);
      iot_tree_set_generated (pkt, node);
      return FALSE;
    }
  whole = iot_defrag_rebuild (defrag, pkt, &fragment_fields, tree);
  if (iot_call_table (pkt, "ip.proto", nxt, &whole, parent) < 0)
    iot_call_data (pkt, &whole, parent);
  return TRUE;
}

static gpointer
ipv6_state_new (void)
{
  return iot_defrag_new ();
}

static void
ipv6_state_free (gpointer state)
{
  iot_defrag_free (state);
}

static int
dissect_ipv6 (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint version = iot_buf_u8 (buf, 0) >> 4;
  guint plen, nxt, off = 40, total;
  IotAddress src = { 6, { 0 } }, dst = { 6, { 0 } };
  gboolean fragment = FALSE;
  Fragment frag = { 0 };
  int tree, node;
  IotTapIp rec = { .version = 6, .in_error = iot_packet_in_error (pkt) };
  IotTapIp *queued;

  iot_col_set_protocol (pkt, "IPv6");
  tree = iot_tree_add_protocol (pkt, parent, &ipv6_fields[F_PROTO], buf, 0, MIN (40u, buf->length));
  /* Queued where the layer starts, filled in once the header is read. */
  queued = iot_tap_queue_open (pkt, IOT_TAP_IP, &rec);
  node = iot_tree_add_uint (pkt, tree, &ipv6_fields[F_VERSION], buf, 0, 1, version);
  iot_tree_set_label (pkt, node, "%u%u%u%u .... = Version: %u", version >> 3 & 1, version >> 2 & 1,
                      version >> 1 & 1, version & 1, version);
  iot_tree_set_hidden (pkt, iot_tree_add_uint (pkt, tree, iot_ip_version_field (), buf, 0, 1, version));
  if (version != 6)
    {
      iot_col_printf_info (pkt, "Bogus IPv6 version (%u, must be 6)", version);
      iot_expert_add_info (pkt, node, &ipv6_experts[E_VERSION], "Bogus IPv6 version");
      return buf->length;
    }
  add_traffic_class (pkt, tree, buf);
  node = iot_tree_add_item (pkt, tree, &ipv6_fields[F_FLOW], buf, 1, 3, FALSE);
  if (node >= 0)
    iot_tree_set_label (pkt, node, "%s = Flow Label: 0x%05x", bit_picture (pkt, iot_buf_u24 (buf, 1), 0xfffff, 24),
                        iot_buf_u24 (buf, 1) & 0xfffff);
  plen = iot_buf_u16 (buf, 4);
  node = iot_tree_add_item (pkt, tree, &ipv6_fields[F_PLEN], buf, 4, 2, FALSE);
  nxt = iot_buf_u8 (buf, 6);
  iot_tree_add_item (pkt, tree, &ipv6_fields[F_NXT], buf, 6, 1, FALSE);
  iot_tree_add_item (pkt, tree, &ipv6_fields[F_HLIM], buf, 7, 1, FALSE);
  memcpy (src.bytes, iot_buf_ptr (buf, 8, 16), 16);
  memcpy (dst.bytes, iot_buf_ptr (buf, 24, 16), 16);
  if (queued != NULL)
    {
      queued->has_header = TRUE;
      queued->length = (guint16) plen;
      queued->ttl = iot_buf_u8 (buf, 7);
      queued->protocol = (guint8) nxt;
      queued->src = src;
      queued->dst = dst;
    }
  add_address (pkt, tree, buf, 8, F_SRC, F_SRC_HOST);
  add_address (pkt, tree, buf, 24, F_DST, F_DST_HOST);
  if (iot_resolve_get_flags () & IOT_RESOLVE_NETWORK)
    {
      char src_label[300], dst_label[300];

      iot_resolve_host_label (src.bytes, 16, src_label, sizeof src_label);
      iot_resolve_host_label (dst.bytes, 16, dst_label, sizeof dst_label);
      iot_tree_set_label (pkt, tree, "Internet Protocol Version 6, Src: %s, Dst: %s", src_label, dst_label);
    }
  else
    iot_tree_set_label (pkt, tree, "Internet Protocol Version 6, Src: %s, Dst: %s",
                        format_addr (pkt, src.bytes), format_addr (pkt, dst.bytes));
  iot_packet_set_net_src (pkt, &src);
  iot_packet_set_net_dst (pkt, &dst);
  if (iot_tap_wanted (pkt, IOT_TAP_CONV))
    {
      IotTapConv conv = { .layer = IOT_TAP_LAYER_IPV6, .src = src, .dst = dst, .stream = IOT_TAP_NO_STREAM };

      iot_tap_queue (pkt, IOT_TAP_CONV, &conv);
    }
  /* ICMPv6 shows the hop limit in its Info but cannot see this header. */
  iot_packet_set_layer_value (pkt, &iot_dissector_ipv6, iot_buf_u8 (buf, 7));

  total = 40 + plen;
  if (plen == 0 && nxt != NH_HOPOPTS)
    total = buf->reported;          /* a jumbogram or a broken sender: use what is there */
  if (total > buf->reported)
    {
      iot_expert_add_info (pkt, node, &ipv6_experts[E_PLEN], "IPv6 payload length exceeds framing length (%u bytes)", buf->reported - 40);
      total = buf->reported;
    }

  /* Walk the extension headers; each names the one after it. */
  for (;;)
    {
      if (nxt == NH_HOPOPTS || nxt == NH_DSTOPTS)
        {
          guint next = iot_buf_u8 (buf, off);

          off += dissect_options_header (pkt, tree, buf, off, nxt == NH_HOPOPTS);
          nxt = next;
        }
      else if (nxt == NH_ROUTING)
        {
          guint next = iot_buf_u8 (buf, off);

          off += dissect_routing_header (pkt, tree, buf, off);
          nxt = next;
        }
      else if (nxt == NH_FRAGMENT)
        {
          guint next = iot_buf_u8 (buf, off);

          fragment = dissect_fragment_header (pkt, tree, buf, off, &frag);
          off += 8;
          nxt = next;
          if (fragment)
            break;
        }
      else
        break;
      if (off > total)
        iot_malformed (pkt, "IPv6 extension headers run past the payload");
    }

  {
    IotBuf payload = iot_buf_sub (buf, MIN (off, total), total - MIN (off, total));
    int used = -1;

    if (fragment && defragment (pkt, tree, parent, &payload, &src, &dst, &frag, nxt))
      used = payload.length;
    else if (!fragment && nxt != 59)
      used = iot_call_table (pkt, "ip.proto", nxt, &payload, parent);
    /* As tshark: a fragment not rebuilt in this frame counts in no
     * conversation. */
    if (fragment && used < 0)
      iot_tap_cut (pkt);
    if (used < 0)
      iot_call_data (pkt, &payload, parent);
  }
  return total;
}

IotDissector iot_dissector_ipv6 = {
  .name = "IPv6",
  .abbrev = "ipv6",
  .long_name = "Internet Protocol Version 6",
  .fields = ipv6_fields,
  .n_fields = N_FIELDS,
  .experts = ipv6_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_ipv6,
  .state_new = ipv6_state_new,
  .state_free = ipv6_state_free,
  .handoff = { { "ethertype", 0x86dd }, { "ip.version", 6 }, { "link", 229 }, { "ip.proto", 41 } },
};
