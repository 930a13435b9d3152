/* lowpan.c — 6LoWPAN (RFC 4944, RFC 6282): IPv6 squeezed into 802.15.4
 * frames.
 *
 * A 127-byte radio frame cannot afford a 40-byte IPv6 header, so 6LoWPAN
 * leaves out whatever the receiver can work out itself: addresses built
 * from the MAC addresses, the version, a zero flow label, a usual hop
 * limit, UDP ports in the 0xf0bX range, even the UDP checksum (IPHC and
 * NHC).  Packets larger than a frame travel in fragments (FRAG1, FRAGN);
 * a mesh header lets a packet cross several radio hops.
 *
 * This layer rebuilds the full IPv6 packet as a data source of its own and
 * hands it to the IPv6 dissector, so UDP, CoAP and the rest see an
 * ordinary packet.
 */
#include "wpan.h"

#include <string.h>

extern IotDissector iot_dissector_lowpan;

enum {
  F_PROTO,
  F_PATTERN,
  F_NHC_PATTERN,
  F_PADDING,
  F_IPHC_TF,
  F_IPHC_NH,
  F_IPHC_HLIM,
  F_IPHC_CID,
  F_IPHC_SAC,
  F_IPHC_SAM,
  F_IPHC_M,
  F_IPHC_DAC,
  F_IPHC_DAM,
  F_IPHC_SCI,
  F_IPHC_DCI,
  F_SCTX_PREFIX,
  F_DCTX_PREFIX,
  F_EXT_EID,
  F_EXT_NH,
  F_EXT_NEXT,
  F_EXT_LENGTH,
  F_UDP_CHECKSUM_FLAG,
  F_UDP_PORTS,
  F_CLASS,
  F_FLOW,
  F_ECN,
  F_DSCP,
  F_NEXT,
  F_HOPS,
  F_SRC,
  F_DST,
  F_UDP_SRC,
  F_UDP_DST,
  F_UDP_CHECKSUM,
  F_MESH_V,
  F_MESH_F,
  F_MESH_HOPS,
  F_MESH_HOPS8,
  F_MESH_ORIG16,
  F_MESH_DEST16,
  F_FRAG_SIZE,
  F_FRAG_TAG,
  F_FRAG_OFFSET,
  F_FRAGMENT,
  F_FRAGMENT_COUNT,
  F_REASSEMBLED_IN,
  F_REASSEMBLED_LENGTH,
  N_FIELDS
};

/* Dispatch patterns, as tshark numbers them (the bits that identify the
 * header, shifted down). */
#define PATTERN_IPV6    0x41
#define PATTERN_IPHC    0x03   /* 011x xxxx */
#define PATTERN_MESH    0x02   /* 10xx xxxx */
#define PATTERN_FRAG1   0x18   /* 1100 0xxx */
#define PATTERN_FRAGN   0x1c   /* 1110 0xxx */
#define NHC_UDP         0x1e   /* 1111 0xxx */
#define NHC_EXT         0x0e   /* 1110 xxxx */

#define MAX_DATAGRAM    1280u

static const IotValueName pattern_names[] = {
  { PATTERN_IPV6, "Uncompressed IPv6" },
  { PATTERN_IPHC, "IP header compression" },
  { PATTERN_MESH, "Mesh header" },
  { PATTERN_FRAG1, "First fragment" },
  { PATTERN_FRAGN, "Fragment" },
  IOT_VALUE_NAMES_END
};

static const IotValueName nhc_pattern_names[] = {
  { NHC_UDP, "UDP compression header" },
  { NHC_EXT, "IPv6 extension header" },
  IOT_VALUE_NAMES_END
};

static const IotValueName tf_names[] = {
  { 0, "Traffic class and flow label inline" },
  { 1, "Flow label inline" },
  { 2, "Traffic class inline" },
  { 3, "Version, traffic class, and flow label compressed" },
  IOT_VALUE_NAMES_END
};

static const IotValueName hlim_names[] = {
  { 0, "Inline" },
  { 1, "1" },
  { 2, "64" },
  { 3, "255" },
  IOT_VALUE_NAMES_END
};

static const IotValueName addr_mode_names[] = {
  { 0, "Inline" },
  { 1, "64-bits inline" },
  { 2, "16-bits inline" },
  { 3, "Compressed" },
  IOT_VALUE_NAMES_END
};

static const IotValueName eid_names[] = {
  { 0, "IPv6 hop-by-hop options" },
  { 1, "IPv6 routing" },
  { 2, "IPv6 fragment" },
  { 3, "IPv6 destination options" },
  { 4, "IPv6 mobility header" },
  { 7, "IPv6 header" },
  IOT_VALUE_NAMES_END
};

static const IotValueName ports_names[] = {
  { 0, "Inline" },
  { 1, "Source inline, first 8 bits of destination compressed" },
  { 2, "First 8 bits of source compressed, destination inline" },
  { 3, "Compressed" },
  IOT_VALUE_NAMES_END
};

#define BOOL_TF .true_word = "True", .false_word = "False"

enum {
  E_INCOMPLETE,
  N_EXPERTS
};

static IotExpertInfo lowpan_experts[N_EXPERTS] = {
  [E_INCOMPLETE] = IOT_EXPERT_INFO ("6lowpan.datagram.incomplete", IOT_SEV_NOTE, IOT_GROUP_REASSEMBLE, "Fragment of a datagram that never became complete",
                              "A 6LoWPAN datagram is sent in fragments; one of them is missing from the capture, so the datagram cannot be rebuilt."),
};

static IotField lowpan_fields[N_FIELDS] = {
  [F_PROTO] = { "6lowpan", "IPv6 over Low power Wireless Personal Area Networks", IOT_FT_PROTOCOL, .blurb =
    "6LoWPAN: IPv6 made small enough for 802.15.4 radio frames, by leaving out what the receiver can deduce and by cutting big packets into fragments." },
  [F_PATTERN] = { "6lowpan.pattern", "Pattern", IOT_FT_UINT8, IOT_BASE_HEX, pattern_names, 0,
    "The dispatch bits saying which 6LoWPAN header comes next: compressed IPv6 (IPHC), uncompressed IPv6, mesh or fragment header." },
  [F_NHC_PATTERN] = { "6lowpan.nhc.pattern", "Pattern", IOT_FT_UINT8, IOT_BASE_HEX, nhc_pattern_names, 0,
    "Which next header is compressed here: UDP or an IPv6 extension header." },
  [F_PADDING] = { "6lowpan.padding", "Padding", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "Unused bits next to the inline flow label; zero." },
  [F_IPHC_TF] = { "6lowpan.iphc.tf", "Traffic class and flow label", IOT_FT_UINT16, IOT_BASE_HEX, tf_names, 0x1800,
    "Which of traffic class and flow label are sent; 3 means both are zero and left out." },
  [F_IPHC_NH] = { "6lowpan.iphc.nh", "Next header", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0400,
    "Set: the next header (UDP, an extension header) is itself compressed (NHC); clear: its number is sent.", .true_word = "Compressed", .false_word = "Inline", .bits = 16 },
  [F_IPHC_HLIM] = { "6lowpan.iphc.hlim", "Hop limit", IOT_FT_UINT16, IOT_BASE_HEX, hlim_names, 0x0300,
    "The hop limit as one of the usual values 1, 64, 255, or sent inline." },
  [F_IPHC_CID] = { "6lowpan.iphc.cid", "Context identifier extension", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0080,
    "A byte naming the shared address contexts (prefixes) follows.", BOOL_TF, .bits = 16 },
  [F_IPHC_SAC] = { "6lowpan.iphc.sac", "Source address compression", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0040,
    "Stateless: the source's prefix is the link-local fe80::/64; stateful: a prefix shared in advance (a context).", .true_word = "Stateful", .false_word = "Stateless", .bits = 16 },
  [F_IPHC_SAM] = { "6lowpan.iphc.sam", "Source address mode", IOT_FT_UINT16, IOT_BASE_HEX, addr_mode_names, 0x0030,
    "How much of the source address is sent: all 128 bits, 64, 16, or nothing (it is built from the MAC source).", .bits = 16 },
  [F_IPHC_M] = { "6lowpan.iphc.m", "Multicast address compression", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0008,
    "The destination is a multicast group, compressed in one of the multicast forms.", BOOL_TF, .bits = 16 },
  [F_IPHC_DAC] = { "6lowpan.iphc.dac", "Destination address compression", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0004,
    "Stateless (link-local prefix) or stateful (a shared context) destination.", .true_word = "Stateful", .false_word = "Stateless", .bits = 16 },
  [F_IPHC_DAM] = { "6lowpan.iphc.dam", "Destination address mode", IOT_FT_UINT16, IOT_BASE_HEX, addr_mode_names, 0x0003,
    "How much of the destination address is sent (for multicast: 128, 48, 32 or 8 bits).", .bits = 16 },
  [F_IPHC_SCI] = { "6lowpan.iphc.sci", "Source context identifier", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0xf0,
    "Which shared context gives the source's prefix." },
  [F_IPHC_DCI] = { "6lowpan.iphc.dci", "Destination context identifier", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0x0f,
    "Which shared context gives the destination's prefix." },
  [F_SCTX_PREFIX] = { "6lowpan.iphc.sctx.prefix", "Source context", IOT_FT_IPV6, .blurb =
    "The prefix the source address was completed with (fe80:: for link-local)." },
  [F_DCTX_PREFIX] = { "6lowpan.iphc.dctx.prefix", "Destination context", IOT_FT_IPV6, .blurb =
    "The prefix the destination address was completed with." },
  [F_EXT_EID] = { "6lowpan.nhc.ext.eid", "Header ID", IOT_FT_UINT8, IOT_BASE_HEX, eid_names, 0x0e,
    "Which IPv6 extension header is compressed here (hop-by-hop options, routing, fragment, destination options …)." },
  [F_EXT_NH] = { "6lowpan.nhc.ext.nh", "Next header", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x01,
    "The header after this one is compressed too.", .true_word = "Compressed", .false_word = "Inline", .bits = 8 },
  [F_EXT_NEXT] = { "6lowpan.nhc.ext.next", "Next header", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "Number of the header after this extension header, when sent inline." },
  [F_EXT_LENGTH] = { "6lowpan.nhc.ext.length", "Header length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Bytes of the extension header's content (its options), without padding." },
  [F_UDP_CHECKSUM_FLAG] = { "6lowpan.nhc.udp.checksum", "Checksum", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x04,
    "Set: the UDP checksum is left out (an upper layer protects the data).", .true_word = "Compressed", .false_word = "Inline", .bits = 8 },
  [F_UDP_PORTS] = { "6lowpan.nhc.udp.ports", "Ports", IOT_FT_UINT8, IOT_BASE_DEC, ports_names, 0x03,
    "How the ports are sent: in full, or shortened when they lie in 0xf000–0xf0ff or 0xf0b0–0xf0bf." },
  [F_CLASS] = { "6lowpan.class", "Traffic class", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "The IPv6 traffic class rebuilt from the inline bits (DSCP and ECN)." },
  [F_FLOW] = { "6lowpan.flow", "Flow label", IOT_FT_UINT24, IOT_BASE_HEX, NULL, 0,
    "The IPv6 flow label, sent inline." },
  [F_ECN] = { "6lowpan.ecn", "ECN", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Explicit congestion notification bits of the traffic class." },
  [F_DSCP] = { "6lowpan.dscp", "DSCP", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Differentiated services code point: the packet's priority class." },
  [F_NEXT] = { "6lowpan.next", "Next header", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "Number of the header after IPv6 (17 UDP, 58 ICMPv6), sent inline." },
  [F_HOPS] = { "6lowpan.hops", "Hop limit", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "The IPv6 hop limit, sent inline." },
  [F_SRC] = { "6lowpan.src", "Source", IOT_FT_IPV6, .blurb =
    "The full IPv6 source address after decompression." },
  [F_DST] = { "6lowpan.dst", "Destination", IOT_FT_IPV6, .blurb =
    "The full IPv6 destination address after decompression." },
  [F_UDP_SRC] = { "6lowpan.udp.src", "Source port", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "The UDP source port after decompression." },
  [F_UDP_DST] = { "6lowpan.udp.dst", "Destination port", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "The UDP destination port after decompression." },
  [F_UDP_CHECKSUM] = { "6lowpan.udp.checksum", "UDP checksum", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "The UDP checksum, sent inline." },
  [F_MESH_V] = { "6lowpan.mesh.v", "V", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x20,
    "Clear: the originator address is an EUI-64; set: a short address.", BOOL_TF, .bits = 8 },
  [F_MESH_F] = { "6lowpan.mesh.f", "D", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x10,
    "Clear: the final destination is an EUI-64; set: a short address.", BOOL_TF, .bits = 8 },
  [F_MESH_HOPS] = { "6lowpan.mesh.hops", "Hops left", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0x0f,
    "Radio hops the packet may still make; each forwarder counts down (15 means an extra byte follows)." },
  [F_MESH_HOPS8] = { "6lowpan.mesh.hops8", "Deep Hops left", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Hops left when more than 14." },
  [F_MESH_ORIG16] = { "6lowpan.mesh.orig16", "Originator", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Short address of the node that first sent the packet into the mesh." },
  [F_MESH_DEST16] = { "6lowpan.mesh.dest16", "Destination", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Short address of the node the mesh delivers the packet to." },
  [F_FRAG_SIZE] = { "6lowpan.frag.size", "Datagram size", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Size of the whole IPv6 packet, uncompressed, before it was cut into fragments." },
  [F_FRAG_TAG] = { "6lowpan.frag.tag", "Datagram tag", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Number shared by the fragments of one packet." },
  [F_FRAG_OFFSET] = { "6lowpan.frag.offset", "Datagram offset", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Where this fragment's bytes go in the uncompressed packet (sent in units of 8 bytes)." },
  [F_FRAGMENT] = { "6lowpan.fragment", "Message fragment", IOT_FT_FRAMENUM, .blurb =
    "A frame holding one fragment of the rebuilt packet." },
  [F_FRAGMENT_COUNT] = { "6lowpan.fragment.count", "Message fragment count", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "How many fragments the packet was rebuilt from." },
  [F_REASSEMBLED_IN] = { "6lowpan.reassembled.in", "Reassembled in", IOT_FT_FRAMENUM, .blurb =
    "The frame where the last fragment arrived and the packet is shown whole." },
  [F_REASSEMBLED_LENGTH] = { "6lowpan.reassembled.length", "Reassembled 6LoWPAN length", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Bytes of the rebuilt IPv6 packet." },
};

/* ---- per-capture state: fragments ------------------------------------------ */

typedef struct {
  guint8   data[MAX_DATAGRAM];
  guint8   have[MAX_DATAGRAM / 8];   /* one flag per 8-byte unit */
  guint    size;
  GArray  *frames;                    /* guint32, in arrival order */
} Datagram;

typedef struct {
  guint32 frame;
  guint32 reassembled_in;            /* 0 = never completed */
} FragFact;

typedef struct {
  GHashTable *pending;    /* key string → Datagram */
  GHashTable *facts;      /* frame → FragFact (fragments only) */
  GHashTable *complete;   /* completing frame → Datagram */
} LowpanState;

static void
datagram_free (gpointer p)
{
  Datagram *d = p;

  g_array_unref (d->frames);
  g_free (d);
}

static gpointer
lowpan_state_new (void)
{
  LowpanState *st = g_new0 (LowpanState, 1);

  st->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, datagram_free);
  st->facts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  st->complete = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, datagram_free);
  return st;
}

static void
lowpan_state_free (gpointer p)
{
  LowpanState *st = p;

  g_hash_table_unref (st->pending);
  g_hash_table_unref (st->facts);
  g_hash_table_unref (st->complete);
  g_free (st);
}

/* Fragments of one packet share link addresses, size and tag. */
static char *
datagram_key (const IotWpanAddresses *mac, guint size, guint tag)
{
  GString *key = g_string_new (NULL);

  g_string_append_printf (key, "%u:%04x:", size, tag);
  if (mac != NULL)
    {
      g_string_append_printf (key, "%u/%04x/%u/%04x/", mac->src_mode, mac->src16, mac->dst_mode, mac->dst16);
      for (int i = 0; i < 8; i++)
        g_string_append_printf (key, "%02x%02x", mac->src64[i], mac->dst64[i]);
    }
  return g_string_free (key, FALSE);
}

/* First pass: stores @len bytes at @offset of the datagram; returns it
 * when this completes it (it then moves to the completed table). */
static Datagram *
add_fragment (IotPacket *pkt, LowpanState *st, const char *key, guint size, guint offset,
              const guint8 *bytes, guint len)
{
  guint32 frame = iot_packet_frame_number (pkt);
  Datagram *d = g_hash_table_lookup (st->pending, key);
  FragFact *fact = g_new0 (FragFact, 1);
  gboolean whole = TRUE;

  fact->frame = frame;
  g_hash_table_replace (st->facts, GUINT_TO_POINTER (frame), fact);
  if (size > MAX_DATAGRAM || offset >= size)
    return NULL;
  len = MIN (len, size - offset);
  if (d == NULL)
    {
      d = g_new0 (Datagram, 1);
      d->size = size;
      d->frames = g_array_new (FALSE, FALSE, sizeof (guint32));
      g_hash_table_insert (st->pending, g_strdup (key), d);
    }
  memcpy (d->data + offset, bytes, len);
  for (guint u = offset / 8; u < (offset + len + 7) / 8; u++)
    d->have[u] = 1;
  g_array_append_val (d->frames, frame);
  for (guint u = 0; u < (size + 7) / 8 && whole; u++)
    whole = d->have[u] != 0;
  if (!whole)
    return NULL;
  {
    gpointer stored_key = NULL;

    g_hash_table_steal_extended (st->pending, key, &stored_key, NULL);
    g_free (stored_key);
  }
  g_hash_table_insert (st->complete, GUINT_TO_POINTER (frame), d);
  for (guint i = 0; i < d->frames->len; i++)
    {
      FragFact *f = g_hash_table_lookup (st->facts, GUINT_TO_POINTER (g_array_index (d->frames, guint32, i)));

      if (f != NULL)
        f->reassembled_in = frame;
    }
  return d;
}

/* ---- header decompression ----------------------------------------------- */

typedef struct {
  guint8  hdr[MAX_DATAGRAM];   /* the rebuilt IPv6 (+ extension + UDP) headers */
  guint   hdr_len;
  guint   udp_off;             /* where the rebuilt UDP header starts, 0 = none */
  guint8 *next_hdr;            /* the byte to patch with the next header's number */
} Rebuilt;

static void
iid_from_mac (const IotWpanAddresses *mac, gboolean source, guint8 out[8])
{
  guint mode = mac ? (source ? mac->src_mode : mac->dst_mode) : 0;

  memset (out, 0, 8);
  if (mode == 3)
    {
      memcpy (out, source ? mac->src64 : mac->dst64, 8);
      out[0] ^= 0x02;   /* the universal/local bit is inverted in an IID */
    }
  else if (mode == 2)
    {
      guint16 a = source ? mac->src16 : mac->dst16;

      out[3] = 0xff;
      out[4] = 0xfe;
      out[6] = a >> 8;
      out[7] = a & 0xff;
    }
}

/* A unicast address per SAC/SAM (or DAC/DAM); returns bytes read. */
static guint
unicast_address (IotPacket *pkt, int tree, IotBuf *buf, guint off, gboolean stateful, guint mode,
                 const IotWpanAddresses *mac, gboolean source, guint8 addr[16])
{
  static const guint8 link_local[16] = { 0xfe, 0x80 };
  int node;

  memset (addr, 0, 16);
  if (stateful)
    {
      /* No contexts are configured: a prefix of zeros, as with an unknown one. */
      if (mode == 0)
        return 0;   /* the unspecified address :: */
    }
  else if (mode != 0)
    {
      /* Inline addresses (mode 0) use no prefix, and tshark shows none. */
      memcpy (addr, link_local, 2);
      node = iot_tree_add_ipv6 (pkt, tree, &lowpan_fields[source ? F_SCTX_PREFIX : F_DCTX_PREFIX],
                                NULL, 0, link_local);
      iot_tree_set_generated (pkt, node);
    }
  switch (mode)
    {
    case 0:
      memcpy (addr, iot_buf_ptr (buf, off, 16), 16);
      return 16;
    case 1:
      memcpy (addr + 8, iot_buf_ptr (buf, off, 8), 8);
      return 8;
    case 2:
      addr[11] = 0xff;
      addr[12] = 0xfe;
      memcpy (addr + 14, iot_buf_ptr (buf, off, 2), 2);
      return 2;
    default:
      iid_from_mac (mac, source, addr + 8);
      return 0;
    }
}

static guint
multicast_address (IotPacket *pkt, int tree, IotBuf *buf, guint off, guint mode, guint8 addr[16])
{
  static const guint8 link_local[16] = { 0xfe, 0x80 };
  const guint8 *p;
  int node = iot_tree_add_ipv6 (pkt, tree, &lowpan_fields[F_DCTX_PREFIX], NULL, 0, link_local);

  iot_tree_set_generated (pkt, node);
  memset (addr, 0, 16);
  addr[0] = 0xff;
  switch (mode)
    {
    case 0:
      memcpy (addr, iot_buf_ptr (buf, off, 16), 16);
      return 16;
    case 1:   /* ffXX::00XX:XXXX:XXXX */
      p = iot_buf_ptr (buf, off, 6);
      addr[1] = p[0];
      memcpy (addr + 11, p + 1, 5);
      return 6;
    case 2:   /* ffXX::00XX:XXXX */
      p = iot_buf_ptr (buf, off, 4);
      addr[1] = p[0];
      memcpy (addr + 13, p + 1, 3);
      return 4;
    default:  /* ff02::00XX */
      addr[1] = 0x02;
      addr[15] = iot_buf_u8 (buf, off);
      return 1;
    }
}

static const guint8 eid_to_header[8] = { 0, 43, 44, 60, 135, 255, 255, 41 };

/* NHC for an extension header; returns bytes read, *more whether another
 * NHC follows.  The options are shown as data, as tshark does. */
static guint
nhc_extension (IotPacket *pkt, int tree, IotBuf *buf, guint off, Rebuilt *r, gboolean *more)
{
  guint8 b = iot_buf_u8 (buf, off);
  guint start = off, len, total, pad;
  int node = iot_tree_add_text (pkt, tree, buf, off, 2, "IPv6 extension header");
  guint8 *h;
  IotBuf opts;

  if (r->hdr_len + 16 > MAX_DATAGRAM)
    iot_malformed (pkt, "Compressed headers rebuild to more than an IPv6 packet can hold");
  iot_tree_add_uint (pkt, node, &lowpan_fields[F_NHC_PATTERN], buf, off, 1, NHC_EXT);
  iot_tree_add_item (pkt, node, &lowpan_fields[F_EXT_EID], buf, off, 1, FALSE);
  iot_tree_add_item (pkt, node, &lowpan_fields[F_EXT_NH], buf, off, 1, FALSE);
  *r->next_hdr = eid_to_header[(b >> 1) & 7];
  off += 1;
  h = r->hdr + r->hdr_len;
  if (!(b & 1))
    {
      iot_tree_add_item (pkt, node, &lowpan_fields[F_EXT_NEXT], buf, off, 1, FALSE);
      h[0] = iot_buf_u8 (buf, off);
      off += 1;
    }
  len = iot_buf_u8 (buf, off);
  iot_tree_add_item (pkt, node, &lowpan_fields[F_EXT_LENGTH], buf, off, 1, FALSE);
  off += 1;
  total = (len + 2 + 7) / 8 * 8;
  if (r->hdr_len + total > MAX_DATAGRAM)
    iot_malformed (pkt, "Extension header too long");
  h[1] = total / 8 - 1;
  memcpy (h + 2, iot_buf_ptr (buf, off, len), len);
  pad = total - 2 - len;
  if (pad == 1)
    h[2 + len] = 0;                 /* Pad1 */
  else if (pad > 1)
    {
      h[2 + len] = 1;               /* PadN */
      h[3 + len] = pad - 2;
      memset (h + 4 + len, 0, pad - 2);
    }
  opts = iot_buf_sub (buf, off, len);
  if (len > 0)
    iot_call_data (pkt, &opts, node);
  off += len;
  r->next_hdr = &h[0];
  r->hdr_len += total;
  iot_tree_set_length (pkt, node, off - start);
  *more = (b & 1) != 0;
  return off - start;
}

/* NHC for UDP: rebuilds the 8-byte header (length and, when left out,
 * checksum are filled in once the payload length is known). */
static guint
nhc_udp (IotPacket *pkt, int tree, IotBuf *buf, guint off, Rebuilt *r)
{
  guint8 b = iot_buf_u8 (buf, off);
  guint start = off, sport, dport;
  int node = iot_tree_add_text (pkt, tree, buf, off, 1, "UDP header compression");
  guint8 *u = r->hdr + r->hdr_len;

  if (r->hdr_len + 8 > MAX_DATAGRAM)
    iot_malformed (pkt, "Compressed headers rebuild to more than an IPv6 packet can hold");
  iot_tree_add_uint (pkt, node, &lowpan_fields[F_NHC_PATTERN], buf, off, 1, NHC_UDP);
  iot_tree_add_item (pkt, node, &lowpan_fields[F_UDP_CHECKSUM_FLAG], buf, off, 1, FALSE);
  iot_tree_add_item (pkt, node, &lowpan_fields[F_UDP_PORTS], buf, off, 1, FALSE);
  *r->next_hdr = 17;
  off += 1;
  switch (b & 3)
    {
    case 0:
      sport = iot_buf_u16 (buf, off);
      dport = iot_buf_u16 (buf, off + 2);
      iot_tree_add_uint (pkt, tree, &lowpan_fields[F_UDP_SRC], buf, off, 2, sport);
      iot_tree_add_uint (pkt, tree, &lowpan_fields[F_UDP_DST], buf, off + 2, 2, dport);
      off += 4;
      break;
    case 1:
      sport = iot_buf_u16 (buf, off);
      dport = 0xf000 | iot_buf_u8 (buf, off + 2);
      iot_tree_add_uint (pkt, tree, &lowpan_fields[F_UDP_SRC], buf, off, 2, sport);
      iot_tree_add_uint (pkt, tree, &lowpan_fields[F_UDP_DST], buf, off + 2, 1, dport);
      off += 3;
      break;
    case 2:
      sport = 0xf000 | iot_buf_u8 (buf, off);
      dport = iot_buf_u16 (buf, off + 1);
      iot_tree_add_uint (pkt, tree, &lowpan_fields[F_UDP_SRC], buf, off, 1, sport);
      iot_tree_add_uint (pkt, tree, &lowpan_fields[F_UDP_DST], buf, off + 1, 2, dport);
      off += 3;
      break;
    default:
      sport = 0xf0b0 | iot_buf_u8 (buf, off) >> 4;
      dport = 0xf0b0 | (iot_buf_u8 (buf, off) & 0x0f);
      iot_tree_add_uint (pkt, tree, &lowpan_fields[F_UDP_SRC], buf, off, 1, sport);
      iot_tree_add_uint (pkt, tree, &lowpan_fields[F_UDP_DST], buf, off, 1, dport);
      off += 1;
      break;
    }
  u[0] = sport >> 8;
  u[1] = sport & 0xff;
  u[2] = dport >> 8;
  u[3] = dport & 0xff;
  if (b & 0x04)
    {
      /* Left out: shown as 0xffff, the value tshark puts in its place. */
      u[6] = 0xff;
      u[7] = 0xff;
    }
  else
    {
      iot_tree_add_item (pkt, tree, &lowpan_fields[F_UDP_CHECKSUM], buf, off, 2, FALSE);
      memcpy (u + 6, iot_buf_ptr (buf, off, 2), 2);
      off += 2;
    }
  r->udp_off = r->hdr_len;
  r->hdr_len += 8;
  return off - start;
}

/* IPHC (RFC 6282): returns the bytes of compressed header read; the
 * rebuilt headers are in @r (payload length fields still zero). */
static guint
dissect_iphc (IotPacket *pkt, int parent, IotBuf *buf, guint off, const IotWpanAddresses *mac, Rebuilt *r)
{
  guint16 iphc = iot_buf_u16 (buf, off);
  guint tf = (iphc >> 11) & 3, hlim = (iphc >> 8) & 3, start = off;
  gboolean nh = (iphc & 0x0400) != 0, multicast = (iphc & 0x0008) != 0;
  guint8 tclass = 0, next = 0, hops = 0, src[16], dst[16];
  guint32 flow = 0;
  int tree = iot_tree_add_text (pkt, parent, buf, off, 2, "IPHC Header");
  static const int bits[] = {
    F_IPHC_TF, F_IPHC_NH, F_IPHC_HLIM, F_IPHC_CID, F_IPHC_SAC, F_IPHC_SAM, F_IPHC_M, F_IPHC_DAC, F_IPHC_DAM,
  };
  int node;

  iot_tree_add_uint (pkt, tree, &lowpan_fields[F_PATTERN], buf, off, 1, PATTERN_IPHC);
  for (guint i = 0; i < G_N_ELEMENTS (bits); i++)
    iot_tree_add_item (pkt, tree, &lowpan_fields[bits[i]], buf, off, 2, FALSE);
  off += 2;
  if (iphc & 0x0080)
    {
      iot_tree_add_item (pkt, tree, &lowpan_fields[F_IPHC_SCI], buf, off, 1, FALSE);
      iot_tree_add_item (pkt, tree, &lowpan_fields[F_IPHC_DCI], buf, off, 1, FALSE);
      off += 1;
    }
  /* Traffic class and flow label: ECN first, then DSCP, on the wire. */
  if (tf == 0 || tf == 2)
    {
      guint8 b = iot_buf_u8 (buf, off);
      guint ecn = b >> 6, dscp = b & 0x3f;

      tclass = dscp << 2 | ecn;
      iot_tree_add_uint (pkt, parent, &lowpan_fields[F_CLASS], buf, off, 1, tclass);
      iot_tree_add_uint (pkt, parent, &lowpan_fields[F_ECN], buf, off, 1, ecn);
      iot_tree_add_uint (pkt, parent, &lowpan_fields[F_DSCP], buf, off, 1, dscp);
      if (tf == 0)
        {
          flow = iot_buf_u24 (buf, off + 1) & 0x0fffff;
          iot_tree_add_uint (pkt, parent, &lowpan_fields[F_PADDING], buf, off + 1, 1, 0);
          iot_tree_add_uint (pkt, parent, &lowpan_fields[F_FLOW], buf, off + 1, 3, flow);
          off += 4;
        }
      else
        off += 1;
    }
  else if (tf == 1)
    {
      guint ecn = iot_buf_u8 (buf, off) >> 6;

      tclass = ecn;
      flow = iot_buf_u24 (buf, off) & 0x0fffff;
      iot_tree_add_uint (pkt, parent, &lowpan_fields[F_CLASS], buf, off, 1, tclass);
      iot_tree_add_uint (pkt, parent, &lowpan_fields[F_ECN], buf, off, 1, ecn);
      iot_tree_add_uint (pkt, parent, &lowpan_fields[F_PADDING], buf, off, 1, 0);
      iot_tree_add_uint (pkt, parent, &lowpan_fields[F_FLOW], buf, off, 3, flow);
      off += 3;
    }
  if (!nh)
    {
      next = iot_buf_u8 (buf, off);
      iot_tree_add_item (pkt, parent, &lowpan_fields[F_NEXT], buf, off, 1, FALSE);
      off += 1;
    }
  if (hlim == 0)
    {
      hops = iot_buf_u8 (buf, off);
      iot_tree_add_item (pkt, parent, &lowpan_fields[F_HOPS], buf, off, 1, FALSE);
      off += 1;
    }
  else
    hops = hlim == 1 ? 1 : hlim == 2 ? 64 : 255;
  off += unicast_address (pkt, tree, buf, off, (iphc & 0x0040) != 0, (iphc >> 4) & 3, mac, TRUE, src);
  if (multicast && !(iphc & 0x0004))
    off += multicast_address (pkt, tree, buf, off, iphc & 3, dst);
  else
    off += unicast_address (pkt, tree, buf, off, (iphc & 0x0004) != 0, iphc & 3, mac, FALSE, dst);
  node = iot_tree_add_ipv6 (pkt, parent, &lowpan_fields[F_SRC], NULL, 0, src);
  iot_tree_set_generated (pkt, node);
  node = iot_tree_add_ipv6 (pkt, parent, &lowpan_fields[F_DST], NULL, 0, dst);
  iot_tree_set_generated (pkt, node);
  iot_tree_set_length (pkt, tree, off - start);

  /* The IPv6 header. */
  r->hdr[0] = 0x60 | tclass >> 4;
  r->hdr[1] = (tclass & 0x0f) << 4 | flow >> 16;
  r->hdr[2] = (flow >> 8) & 0xff;
  r->hdr[3] = flow & 0xff;
  r->hdr[6] = next;
  r->hdr[7] = hops;
  memcpy (r->hdr + 8, src, 16);
  memcpy (r->hdr + 24, dst, 16);
  r->hdr_len = 40;
  r->next_hdr = &r->hdr[6];
  while (nh)
    {
      guint8 b = iot_buf_u8 (buf, off);

      if ((b & 0xf8) == 0xf0)
        {
          off += nhc_udp (pkt, parent, buf, off, r);
          break;
        }
      if ((b & 0xf0) != 0xe0)
        iot_malformed (pkt, "Unknown next-header compression");
      off += nhc_extension (pkt, parent, buf, off, r, &nh);
    }
  return off - start;
}

/* Fills in the payload length (and the UDP length) once the size of the
 * whole packet is known. */
static void
finish_lengths (Rebuilt *r, guint total)
{
  guint plen = total - 40;

  r->hdr[4] = plen >> 8;
  r->hdr[5] = plen & 0xff;
  if (r->udp_off > 0)
    {
      guint ulen = total - r->udp_off;

      r->hdr[r->udp_off + 4] = ulen >> 8;
      r->hdr[r->udp_off + 5] = ulen & 0xff;
    }
}

/* ---- the layer -------------------------------------------------------------- */

static void
hand_to_ipv6 (IotPacket *pkt, const guint8 *packet, guint len)
{
  IotBuf ip = iot_packet_add_source (pkt, "Decompressed 6LoWPAN", packet, len);

  if (iot_call_table (pkt, "ip.version", 6, &ip, -1) < 0)
    iot_call_data (pkt, &ip, -1);
}

/* An IPHC header (after any mesh header) in an unfragmented frame. */
static void
dissect_iphc_packet (IotPacket *pkt, int tree, IotBuf *buf, guint off, const IotWpanAddresses *mac)
{
  Rebuilt *r = iot_packet_alloc (pkt, sizeof *r);
  guint8 *packet;
  guint rest, total;

  memset (r, 0, sizeof *r);
  off += dissect_iphc (pkt, tree, buf, off, mac, r);
  rest = iot_buf_remaining (buf, off);
  total = r->hdr_len + rest;
  if (total > MAX_DATAGRAM + 40)
    iot_malformed (pkt, "Packet too long");
  finish_lengths (r, total);
  packet = iot_packet_alloc (pkt, total);
  memcpy (packet, r->hdr, r->hdr_len);
  memcpy (packet + r->hdr_len, iot_buf_ptr (buf, off, rest), rest);
  iot_tree_set_length (pkt, tree, off);
  hand_to_ipv6 (pkt, packet, total);
}

static void
add_reassembly_facts (IotPacket *pkt, int tree, LowpanState *st)
{
  guint32 frame = iot_packet_frame_number (pkt);
  const FragFact *fact = g_hash_table_lookup (st->facts, GUINT_TO_POINTER (frame));
  const Datagram *d = g_hash_table_lookup (st->complete, GUINT_TO_POINTER (frame));
  int node;

  if (d != NULL)
    {
      int group = iot_tree_add_text (pkt, tree, NULL, 0, 0, "%u Message fragments (%u bytes)",
                                     d->frames->len, d->size);

      iot_tree_set_generated (pkt, group);
      for (guint i = 0; i < d->frames->len; i++)
        {
          node = iot_tree_add_uint (pkt, group, &lowpan_fields[F_FRAGMENT], NULL, 0, 0,
                                    g_array_index (d->frames, guint32, i));
          iot_tree_set_generated (pkt, node);
        }
      node = iot_tree_add_uint (pkt, group, &lowpan_fields[F_FRAGMENT_COUNT], NULL, 0, 0, d->frames->len);
      iot_tree_set_generated (pkt, node);
      node = iot_tree_add_uint (pkt, group, &lowpan_fields[F_REASSEMBLED_LENGTH], NULL, 0, 0, d->size);
      iot_tree_set_generated (pkt, node);
    }
  else if (fact != NULL && fact->reassembled_in != 0)
    {
      node = iot_tree_add_uint (pkt, tree, &lowpan_fields[F_REASSEMBLED_IN], NULL, 0, 0, fact->reassembled_in);
      iot_tree_set_generated (pkt, node);
    }
  else if (fact != NULL)
    iot_expert_add_info (pkt, tree, &lowpan_experts[E_INCOMPLETE], "Fragment of a datagram that never became complete (a fragment is missing)");
}

/* FRAG1 and FRAGN: the first fragment carries the compressed headers. */
static void
dissect_fragment (IotPacket *pkt, int tree, IotBuf *buf, guint off, gboolean first,
                  const IotWpanAddresses *mac)
{
  LowpanState *st = iot_packet_state (pkt, &iot_dissector_lowpan);
  guint16 size = iot_buf_u16 (buf, off) & 0x07ff, tag = iot_buf_u16 (buf, off + 2);
  guint offset = 0, rest;
  int hdr = iot_tree_add_text (pkt, tree, buf, off, first ? 4 : 5, "Fragmentation Header");
  const guint8 *bytes;
  guint8 *first_part = NULL;
  Datagram *done = NULL;

  iot_tree_add_uint (pkt, hdr, &lowpan_fields[F_PATTERN], buf, off, 1, first ? PATTERN_FRAG1 : PATTERN_FRAGN);
  iot_tree_add_uint (pkt, hdr, &lowpan_fields[F_FRAG_SIZE], buf, off, 2, size);
  iot_tree_add_item (pkt, hdr, &lowpan_fields[F_FRAG_TAG], buf, off + 2, 2, FALSE);
  off += 4;
  if (!first)
    {
      offset = iot_buf_u8 (buf, off) * 8;
      iot_tree_add_uint (pkt, hdr, &lowpan_fields[F_FRAG_OFFSET], buf, off, 1, offset);
      off += 1;
    }
  if (first && iot_buf_has (buf, off, 2) && (iot_buf_u8 (buf, off) & 0xe0) == 0x60)
    {
      Rebuilt *r = iot_packet_alloc (pkt, sizeof *r);

      memset (r, 0, sizeof *r);
      off += dissect_iphc (pkt, tree, buf, off, mac, r);
      finish_lengths (r, MAX (size, r->hdr_len));
      rest = iot_buf_remaining (buf, off);
      first_part = iot_packet_alloc (pkt, r->hdr_len + rest);
      memcpy (first_part, r->hdr, r->hdr_len);
      memcpy (first_part + r->hdr_len, iot_buf_ptr (buf, off, rest), rest);
      bytes = first_part;
      rest += r->hdr_len;
    }
  else
    {
      if (first && iot_buf_has (buf, off, 1) && iot_buf_u8 (buf, off) == PATTERN_IPV6)
        off += 1;
      rest = iot_buf_remaining (buf, off);
      bytes = iot_buf_ptr (buf, off, rest);
    }
  if (st != NULL && iot_packet_first_pass (pkt))
    {
      g_autofree char *key = datagram_key (mac, size, tag);

      done = add_fragment (pkt, st, key, size, offset, bytes, rest);
    }
  if (st == NULL)
    return;
  add_reassembly_facts (pkt, tree, st);
  done = g_hash_table_lookup (st->complete, GUINT_TO_POINTER (iot_packet_frame_number (pkt)));
  if (done != NULL)
    hand_to_ipv6 (pkt, done->data, done->size);
  else
    {
      /* Incomplete so far: the fragment's bytes as data, the first one
       * with its headers already decompressed (as tshark shows them). */
      IotBuf payload = first_part != NULL
                       ? iot_packet_add_source (pkt, "Decompressed 6LoWPAN", first_part, rest)
                       : iot_buf_sub (buf, off, -1);

      iot_col_set_protocol (pkt, "6LoWPAN");
      if (iot_buf_remaining (&payload, 0) > 0)
        iot_call_data (pkt, &payload, -1);
    }
}

/* The mesh header names the packet's real ends: the addresses the IPv6
 * addresses are built from are the originator and final destination, not
 * this hop's MAC addresses. */
static guint
dissect_mesh (IotPacket *pkt, int tree, IotBuf *buf, guint off, IotWpanAddresses *mac)
{
  guint8 b = iot_buf_u8 (buf, off);
  guint start = off;
  int hdr = iot_tree_add_text (pkt, tree, buf, off, 1, "Mesh Header");

  iot_tree_add_uint (pkt, hdr, &lowpan_fields[F_PATTERN], buf, off, 1, PATTERN_MESH);
  iot_tree_add_item (pkt, hdr, &lowpan_fields[F_MESH_V], buf, off, 1, FALSE);
  iot_tree_add_item (pkt, hdr, &lowpan_fields[F_MESH_F], buf, off, 1, FALSE);
  iot_tree_add_item (pkt, hdr, &lowpan_fields[F_MESH_HOPS], buf, off, 1, FALSE);
  off += 1;
  if ((b & 0x0f) == 0x0f)
    {
      iot_tree_add_item (pkt, hdr, &lowpan_fields[F_MESH_HOPS8], buf, off, 1, FALSE);
      off += 1;
    }
  /* Only short originator and destination addresses are decoded. */
  if (!(b & 0x20) || !(b & 0x10))
    iot_malformed (pkt, "Mesh header with extended addresses is not decoded");
  iot_tree_add_item (pkt, hdr, &lowpan_fields[F_MESH_ORIG16], buf, off, 2, FALSE);
  iot_tree_add_item (pkt, hdr, &lowpan_fields[F_MESH_DEST16], buf, off + 2, 2, FALSE);
  mac->src_mode = 2;
  mac->src16 = iot_buf_u16 (buf, off);
  mac->dst_mode = 2;
  mac->dst16 = iot_buf_u16 (buf, off + 2);
  off += 4;
  iot_tree_set_length (pkt, hdr, off - start);
  return off - start;
}

static int
dissect_lowpan (IotPacket *pkt, IotBuf *buf, int parent)
{
  int tree = iot_tree_add_protocol (pkt, parent, &lowpan_fields[F_PROTO], buf, 0, -1);
  guint off = 0;
  guint8 d = iot_buf_u8 (buf, 0);
  const IotWpanAddresses *link = iot_wpan_addresses (pkt);
  IotWpanAddresses *mac = iot_packet_alloc (pkt, sizeof *mac);

  if (link != NULL)
    *mac = *link;
  else
    memset (mac, 0, sizeof *mac);
  iot_col_set_protocol (pkt, "6LoWPAN");
  if ((d & 0xc0) == 0x80)
    {
      off += dissect_mesh (pkt, tree, buf, off, mac);
      d = iot_buf_u8 (buf, off);
    }
  if ((d & 0xf8) == 0xc0 || (d & 0xf8) == 0xe0)
    dissect_fragment (pkt, tree, buf, off, (d & 0xf8) == 0xc0, mac);
  else if ((d & 0xe0) == 0x60)
    dissect_iphc_packet (pkt, tree, buf, off, mac);
  else if (d == PATTERN_IPV6)
    {
      IotBuf ip = iot_buf_sub (buf, off + 1, -1);
      int hdr = iot_tree_add_text (pkt, tree, buf, off, 1, "IPv6 Header");

      iot_tree_add_uint (pkt, hdr, &lowpan_fields[F_PATTERN], buf, off, 1, PATTERN_IPV6);
      iot_tree_set_length (pkt, tree, off + 1);
      if (iot_call_table (pkt, "ip.version", 6, &ip, -1) < 0)
        iot_call_data (pkt, &ip, -1);
    }
  else
    iot_malformed (pkt, "Unknown 6LoWPAN dispatch");
  return buf->length;
}

/* A data frame's payload is 6LoWPAN when its first byte is a dispatch we
 * know (RFC 4944 and 6282); 0x00–0x3f mean "not a LoWPAN frame". */
static gboolean
lowpan_heuristic (IotPacket *pkt, IotBuf *buf)
{
  guint8 d;

  if (!iot_buf_has (buf, 0, 2))
    return FALSE;
  d = iot_buf_u8 (buf, 0);
  (void) pkt;
  return d == PATTERN_IPV6 || (d & 0xe0) == 0x60 || (d & 0xf8) == 0xc0 || (d & 0xf8) == 0xe0
         || (d & 0xc0) == 0x80;
}

IotDissector iot_dissector_lowpan = {
  .name = "6LoWPAN",
  .abbrev = "6lowpan",
  .long_name = "IPv6 over Low power Wireless Personal Area Networks",
  .fields = lowpan_fields,
  .n_fields = N_FIELDS,
  .experts = lowpan_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_lowpan,
  .heuristic_table = "wpan",
  .heuristic = lowpan_heuristic,
  .state_new = lowpan_state_new,
  .state_free = lowpan_state_free,
};
