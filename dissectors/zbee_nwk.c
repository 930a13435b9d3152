/* zbee_nwk.c — the Zigbee network layer (NWK): the mesh routing header of
 * Zigbee PRO, carried in 802.15.4 data frames between short addresses.
 *
 * It says who the packet is really from and for across the mesh (the MAC
 * addresses only name this radio hop), how many more hops it may take, and
 * whether the layers above are encrypted with the network key.  Secured
 * frames are shown with their header only until decryption is added.
 */
#include "wpan.h"

extern IotDissector iot_dissector_zbee_nwk;
extern IotDissector iot_dissector_zbee_aps;

enum {
  F_PROTO,
  F_FCF,
  F_FRAME_TYPE,
  F_PROTO_VERSION,
  F_DISCOVERY,
  F_MULTICAST,
  F_SECURITY,
  F_SRC_ROUTE,
  F_EXT_DST,
  F_EXT_SRC,
  F_END_DEVICE_INITIATOR,
  F_DST,
  F_SRC,
  F_ADDR,
  F_RADIUS,
  F_SEQNO,
  F_DST64,
  F_SRC64,
  F_ADDR64,
  F_SRC64_ORIGIN,
  N_FIELDS
};

static const IotValueName frame_type_names[] = {
  { 0, "Data" },
  { 1, "Command" },
  { 3, "Inter-PAN" },
  IOT_VALUE_NAMES_END
};

static const IotValueName discovery_names[] = {
  { 0, "Suppress" },
  { 1, "Enable" },
  { 2, "Force" },
  IOT_VALUE_NAMES_END
};

#define BOOL_TF .true_word = "True", .false_word = "False"

static IotField nwk_fields[N_FIELDS] = {
  [F_PROTO] = { "zbee_nwk", "ZigBee Network Layer", IOT_FT_PROTOCOL, .blurb =
    "Zigbee's network layer: routes a packet across the mesh of routers from its real source to its real destination, a hop at a time." },
  [F_FCF] = { "zbee_nwk.fcf", "Frame Control Field", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Two bytes saying what kind of NWK frame this is and which optional parts follow." },
  [F_FRAME_TYPE] = { "zbee_nwk.frame_type", "Frame Type", IOT_FT_UINT16, IOT_BASE_HEX, frame_type_names, 0x0003,
    "Data (application traffic, carried by APS) or Command (the network's own housekeeping: route requests, link status, leave …)." },
  [F_PROTO_VERSION] = { "zbee_nwk.proto_version", "Protocol Version", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0x003c,
    "Zigbee stack version: 1 for Zigbee 2004, 2 for Zigbee 2006/2007/PRO." },
  [F_DISCOVERY] = { "zbee_nwk.discovery", "Discover Route", IOT_FT_UINT16, IOT_BASE_HEX, discovery_names, 0x00c0,
    "Whether a router may look for a new route when it has none for the destination." },
  [F_MULTICAST] = { "zbee_nwk.multicast", "Multicast", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0100,
    "The destination is a group, not one device.", BOOL_TF, .bits = 16 },
  [F_SECURITY] = { "zbee_nwk.security", "Security", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0200,
    "The rest of the frame is encrypted and authenticated with the network key, which every device of the network shares.", BOOL_TF, .bits = 16 },
  [F_SRC_ROUTE] = { "zbee_nwk.src_route", "Source Route", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0400,
    "The sender spelled out the list of routers the packet must pass.", BOOL_TF, .bits = 16 },
  [F_EXT_DST] = { "zbee_nwk.ext_dst", "Destination", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0800,
    "The destination's 64-bit address is included.", BOOL_TF, .bits = 16 },
  [F_EXT_SRC] = { "zbee_nwk.ext_src", "Extended Source", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x1000,
    "The source's 64-bit address is included.", BOOL_TF, .bits = 16 },
  [F_END_DEVICE_INITIATOR] = { "zbee_nwk.end_device_initiator", "End Device Initiator", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x2000,
    "The frame comes from an end device (a battery device that does not route) through its parent.", BOOL_TF, .bits = 16 },
  [F_DST] = { "zbee_nwk.dst", "Destination", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Network address of the final destination: 0x0000 is the coordinator, 0xfffc–0xffff are broadcasts (all routers, all awake devices, everyone)." },
  [F_SRC] = { "zbee_nwk.src", "Source", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Network address of the device that first sent the packet." },
  [F_ADDR] = { "zbee_nwk.addr", "Address", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Either network address: filter on it to see a device's traffic in both directions." },
  [F_RADIUS] = { "zbee_nwk.radius", "Radius", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "How many more hops the packet may make; each router counts it down." },
  [F_SEQNO] = { "zbee_nwk.seqno", "Sequence Number", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "The source's packet counter, used to drop duplicate copies of broadcasts." },
  [F_DST64] = { "zbee_nwk.dst64", "Destination", IOT_FT_EUI64, .blurb =
    "The destination's 64-bit (EUI-64) address." },
  [F_SRC64] = { "zbee_nwk.src64", "Extended Source", IOT_FT_EUI64, .blurb =
    "The source's 64-bit (EUI-64) address." },
  [F_ADDR64] = { "zbee_nwk.addr64", "Address", IOT_FT_EUI64, .blurb =
    "Either 64-bit address of the NWK header." },
  [F_SRC64_ORIGIN] = { "zbee_nwk.src64.origin", "Origin", IOT_FT_FRAMENUM, .blurb =
    "Frame where the capture learned which 64-bit address this network address belongs to." },
};

static const guint8 *
read_eui64 (IotPacket *pkt, IotBuf *buf, guint off)
{
  const guint8 *p = iot_buf_ptr (buf, off, 8);
  guint8 *eui = iot_packet_alloc (pkt, 8);

  for (int i = 0; i < 8; i++)
    eui[i] = p[7 - i];
  return eui;
}

static void
add_eui64 (IotPacket *pkt, int tree, int field, IotBuf *buf, guint off)
{
  const guint8 *eui = read_eui64 (pkt, buf, off);
  int node;

  iot_tree_add_bytes (pkt, tree, &nwk_fields[field], buf, off, 8, eui, 8);
  node = iot_tree_add_bytes (pkt, tree, &nwk_fields[F_ADDR64], buf, off, 8, eui, 8);
  iot_tree_set_hidden (pkt, node);
}

/* A source sent without its 64-bit address, known from an earlier frame. */
static void
add_known_source (IotPacket *pkt, int tree, guint16 src)
{
  const IotWpanAddresses *mac = iot_wpan_addresses (pkt);
  const guint8 *eui;
  guint32 origin = 0;
  int node;

  if (mac == NULL || (eui = iot_wpan_lookup_address (pkt, mac->pan, src, &origin)) == NULL)
    return;
  node = iot_tree_add_bytes (pkt, tree, &nwk_fields[F_SRC64], NULL, 0, 0, eui, 8);
  iot_tree_set_generated (pkt, node);
  node = iot_tree_add_bytes (pkt, tree, &nwk_fields[F_ADDR64], NULL, 0, 0, eui, 8);
  iot_tree_set_hidden (pkt, node);
  node = iot_tree_add_uint (pkt, tree, &nwk_fields[F_SRC64_ORIGIN], NULL, 0, 0, origin);
  iot_tree_set_generated (pkt, node);
}

static int
dissect_zbee_nwk (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint16 fcf = iot_buf_u16le (buf, 0), dst = iot_buf_u16le (buf, 2), src = iot_buf_u16le (buf, 4);
  guint type = fcf & 3, off = 8;
  int tree = iot_tree_add_protocol (pkt, parent, &nwk_fields[F_PROTO], buf, 0, -1);
  int node;
  static const int bits[] = {
    F_FRAME_TYPE, F_PROTO_VERSION, F_DISCOVERY, F_MULTICAST, F_SECURITY, F_SRC_ROUTE,
    F_EXT_DST, F_EXT_SRC, F_END_DEVICE_INITIATOR,
  };

  iot_col_set_protocol (pkt, "ZigBee");
  node = iot_tree_add_item (pkt, tree, &nwk_fields[F_FCF], buf, 0, 2, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (bits); i++)
    iot_tree_add_item (pkt, node, &nwk_fields[bits[i]], buf, 0, 2, TRUE);
  iot_tree_add_item (pkt, tree, &nwk_fields[F_DST], buf, 2, 2, TRUE);
  node = iot_tree_add_item (pkt, tree, &nwk_fields[F_ADDR], buf, 2, 2, TRUE);
  iot_tree_set_hidden (pkt, node);
  iot_tree_add_item (pkt, tree, &nwk_fields[F_SRC], buf, 4, 2, TRUE);
  node = iot_tree_add_item (pkt, tree, &nwk_fields[F_ADDR], buf, 4, 2, TRUE);
  iot_tree_set_hidden (pkt, node);
  iot_tree_add_item (pkt, tree, &nwk_fields[F_RADIUS], buf, 6, 1, FALSE);
  iot_tree_add_item (pkt, tree, &nwk_fields[F_SEQNO], buf, 7, 1, FALSE);
  if (fcf & 0x0800)
    {
      add_eui64 (pkt, tree, F_DST64, buf, off);
      off += 8;
    }
  if (fcf & 0x1000)
    {
      const IotWpanAddresses *mac = iot_wpan_addresses (pkt);

      add_eui64 (pkt, tree, F_SRC64, buf, off);
      if (mac != NULL)
        iot_wpan_remember_address (pkt, mac->pan, src, read_eui64 (pkt, buf, off));
      off += 8;
    }
  else
    add_known_source (pkt, tree, src);
  iot_col_printf_info (pkt, "%s, Dst: 0x%04x, Src: 0x%04x",
                       type == 1 ? "Command" : "Data", dst, src);
  iot_tree_set_label (pkt, tree, "ZigBee Network Layer %s, Dst: 0x%04x, Src: 0x%04x",
                      type == 1 ? "Command" : "Data", dst, src);
  if (fcf & 0x0100)
    iot_malformed (pkt, "Multicast control is not decoded");
  if (fcf & 0x0400)
    {
      guint n = iot_buf_u8 (buf, off);

      off += 2 + 2 * n;   /* relay count, relay index, relay list */
    }
  iot_tree_set_length (pkt, tree, off);
  if (off < buf->length)
    {
      IotBuf payload = iot_buf_sub (buf, off, -1);

      if (type == 0 && !(fcf & 0x0200))
        iot_call_dissector (pkt, &iot_dissector_zbee_aps, &payload, -1);
      else
        {
          if (fcf & 0x0200)
            iot_expert_add (pkt, tree, IOT_SEV_WARN, IOT_GROUP_UNDECODED,
                            "Encrypted with the network key, which was not given");
          iot_call_data (pkt, &payload, -1);
        }
    }
  return buf->length;
}

/* Zigbee frames are data frames between short MAC addresses whose payload
 * starts with a NWK frame control of protocol version 1 or 2 and a known
 * frame type. */
static gboolean
zbee_nwk_heuristic (IotPacket *pkt, IotBuf *buf)
{
  const IotWpanAddresses *mac = iot_wpan_addresses (pkt);
  guint16 fcf;
  guint version;

  if (mac == NULL || mac->src_mode != 2 || mac->dst_mode != 2 || !iot_buf_has (buf, 0, 8))
    return FALSE;
  fcf = iot_buf_u16le (buf, 0);
  version = (fcf >> 2) & 0xf;
  return (version == 1 || version == 2) && (fcf & 3) <= 1;
}

IotDissector iot_dissector_zbee_nwk = {
  .name = "ZigBee",
  .abbrev = "zbee_nwk",
  .long_name = "ZigBee Network Layer",
  .fields = nwk_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_zbee_nwk,
  .heuristic_table = "wpan",
  .heuristic = zbee_nwk_heuristic,
};
