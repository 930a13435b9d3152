/* arp.c — Address Resolution Protocol: "who has this IP address?" and
 * "it is at this hardware address". */
#include "iot-dissector.h"

#include <string.h>

enum {
  F_PROTO,
  F_HW_TYPE,
  F_PROTO_TYPE,
  F_HW_SIZE,
  F_PROTO_SIZE,
  F_OPCODE,
  F_ISGRATUITOUS,
  F_ISPROBE,
  F_ISANNOUNCEMENT,
  F_SRC_HW,
  F_SRC_HW_MAC,
  F_SRC_PROTO,
  F_SRC_PROTO_IPV4,
  F_DST_HW,
  F_DST_HW_MAC,
  F_DST_PROTO,
  F_DST_PROTO_IPV4,
  N_FIELDS
};

#define OP_REQUEST 1
#define OP_REPLY   2

static const IotValueName hw_type_names[] = {
  { 1, "Ethernet" },
  { 6, "IEEE 802" },
  { 15, "Frame Relay" },
  { 16, "ATM" },
  { 32, "InfiniBand" },
  IOT_VALUE_NAMES_END
};

static const IotValueName proto_type_names[] = {
  { 0x0800, "IPv4" },
  { 0x86dd, "IPv6" },
  IOT_VALUE_NAMES_END
};

static const IotValueName opcode_names[] = {
  { 1, "request" },
  { 2, "reply" },
  { 3, "request-reverse" },
  { 4, "reply-reverse" },
  { 8, "Inverse-request" },
  { 9, "Inverse-reply" },
  IOT_VALUE_NAMES_END
};

static IotField arp_fields[N_FIELDS] = {
  [F_PROTO] = { "arp", "Address Resolution Protocol", IOT_FT_PROTOCOL, .blurb =
    "How a machine finds the hardware (MAC) address that belongs to an IP address on its local network." },
  [F_HW_TYPE] = { "arp.hw.type", "Hardware type", IOT_FT_UINT16, IOT_BASE_DEC, hw_type_names, 0,
    "Kind of link-layer addresses being resolved (1 = Ethernet)." },
  [F_PROTO_TYPE] = { "arp.proto.type", "Protocol type", IOT_FT_UINT16, IOT_BASE_HEX, proto_type_names, 0,
    "Kind of network addresses being resolved, as an EtherType (0x0800 = IPv4)." },
  [F_HW_SIZE] = { "arp.hw.size", "Hardware size", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Length in bytes of each hardware address (6 for Ethernet)." },
  [F_PROTO_SIZE] = { "arp.proto.size", "Protocol size", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Length in bytes of each network address (4 for IPv4)." },
  [F_OPCODE] = { "arp.opcode", "Opcode", IOT_FT_UINT16, IOT_BASE_DEC, opcode_names, 0,
    "1 asks a question (request), 2 answers it (reply)." },
  [F_ISGRATUITOUS] = { "arp.isgratuitous", "Is gratuitous", IOT_FT_BOOLEAN, .blurb =
    "The sender asks about, or announces, its own address: nobody needed the answer.",
    .true_word = "True", .false_word = "False" },
  [F_ISPROBE] = { "arp.isprobe", "Is probe", IOT_FT_BOOLEAN, .blurb =
    "A request from a machine with no address yet, checking that nobody else already uses the one it wants.",
    .true_word = "True", .false_word = "False" },
  [F_ISANNOUNCEMENT] = { "arp.isannouncement", "Is announcement", IOT_FT_BOOLEAN, .blurb =
    "A request in which the sender tells everybody which address it has just taken.",
    .true_word = "True", .false_word = "False" },
  [F_SRC_HW] = { "arp.src.hw", "Sender hardware address", IOT_FT_BYTES, .blurb =
    "Hardware address of the sender, for link types other than Ethernet." },
  [F_SRC_HW_MAC] = { "arp.src.hw_mac", "Sender MAC address", IOT_FT_ETHER, .blurb =
    "MAC address of the machine sending this message." },
  [F_SRC_PROTO] = { "arp.src.proto", "Sender protocol address", IOT_FT_BYTES, .blurb =
    "Network address of the sender, for protocols other than IPv4." },
  [F_SRC_PROTO_IPV4] = { "arp.src.proto_ipv4", "Sender IP address", IOT_FT_IPV4, .blurb =
    "IP address of the machine sending this message." },
  [F_DST_HW] = { "arp.dst.hw", "Target hardware address", IOT_FT_BYTES, .blurb =
    "Hardware address of the target, for link types other than Ethernet." },
  [F_DST_HW_MAC] = { "arp.dst.hw_mac", "Target MAC address", IOT_FT_ETHER, .blurb =
    "MAC address of the machine the message is about; all zeros in a request, because that is the question." },
  [F_DST_PROTO] = { "arp.dst.proto", "Target protocol address", IOT_FT_BYTES, .blurb =
    "Network address of the target, for protocols other than IPv4." },
  [F_DST_PROTO_IPV4] = { "arp.dst.proto_ipv4", "Target IP address", IOT_FT_IPV4, .blurb =
    "IP address whose owner is being looked for (request) or answered for (reply)." },
};

static const char *
format_hw (IotPacket *pkt, const guint8 *p, guint len)
{
  GString *text = g_string_new (NULL);
  char *out;

  for (guint i = 0; i < len; i++)
    g_string_append_printf (text, i ? ":%02x" : "%02x", p[i]);
  out = iot_packet_strndup (pkt, text->str, text->len);
  g_string_free (text, TRUE);
  return out;
}

static const char *
format_proto (IotPacket *pkt, const guint8 *p, guint len, gboolean ipv4)
{
  if (ipv4)
    return iot_packet_strdup_printf (pkt, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
  return format_hw (pkt, p, len);
}

static void
add_address (IotPacket *pkt, int tree, IotBuf *buf, guint off, guint len,
             gboolean special, int plain_field, int special_field)
{
  if (len == 0)
    return;
  iot_tree_add_item (pkt, tree, &arp_fields[special ? special_field : plain_field], buf, off, len, FALSE);
}

static void
add_flag (IotPacket *pkt, int tree, int field)
{
  iot_tree_set_generated (pkt, iot_tree_add_boolean (pkt, tree, &arp_fields[field], NULL, 0, 0, 1));
}

/* The packet's record: every value is read by the time its layer's row
 * is made (the whole packet is checked first). */
static void
publish (IotPacket *pkt, guint16 op, gboolean is_mac, gboolean is_ipv4, const guint8 *p_sha, const guint8 *p_spa,
         const guint8 *p_tha, const guint8 *p_tpa)
{
  IotTapLan rec = { 0 };

  if (!iot_tap_wanted (pkt, IOT_TAP_LAN))
    return;
  rec.kind = IOT_TAP_LAN_ARP;
  rec.in_error = iot_packet_in_error (pkt);
  rec.arp_op = op;
  rec.arp_has_mac = is_mac;
  if (is_mac)
    {
      memcpy (rec.arp_sender_mac, p_sha, 6);
      memcpy (rec.arp_target_mac, p_tha, 6);
    }
  rec.arp_has_ipv4 = is_ipv4;
  if (is_ipv4)
    {
      memcpy (rec.arp_sender_ip, p_spa, 4);
      memcpy (rec.arp_target_ip, p_tpa, 4);
    }
  rec.dhcp_type = -1;
  rec.ntp_stratum = -1;
  iot_tap_queue (pkt, IOT_TAP_LAN, &rec);
}

static int
dissect_arp (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint16 hw_type = iot_buf_u16 (buf, 0), proto_type = iot_buf_u16 (buf, 2);
  guint hlen = iot_buf_u8 (buf, 4), plen = iot_buf_u8 (buf, 5);
  guint16 op = iot_buf_u16 (buf, 6);
  guint sha = 8, spa = sha + hlen, tha = spa + plen, tpa = tha + hlen, end = tpa + plen;
  gboolean is_mac = hw_type == 1 && hlen == 6, is_ipv4 = proto_type == 0x0800 && plen == 4;
  gboolean gratuitous = FALSE, probe = FALSE, announcement = FALSE;
  const guint8 *p_sha, *p_spa, *p_tha, *p_tpa;
  const char *kind, *op_name;
  int tree;

  iot_col_set_protocol (pkt, "ARP");
  iot_buf_check (buf, 0, end);
  p_sha = buf->data + sha;
  p_spa = buf->data + spa;
  p_tha = buf->data + tha;
  p_tpa = buf->data + tpa;

  if (is_ipv4 && (op == OP_REQUEST || op == OP_REPLY))
    {
      static const guint8 zeros[16] = { 0 };

      gratuitous = memcmp (p_spa, p_tpa, plen) == 0;
      probe = op == OP_REQUEST && memcmp (p_spa, zeros, plen) == 0
              && memcmp (p_tha, zeros, MIN (hlen, 16u)) == 0;
      announcement = op == OP_REQUEST && gratuitous && memcmp (p_tha, zeros, MIN (hlen, 16u)) == 0;
    }

  op_name = iot_value_name (opcode_names, op);
  kind = announcement ? "ARP Announcement" : probe ? "ARP Probe" : op_name ? op_name : "opcode unknown";
  publish (pkt, op, is_mac, is_ipv4, p_sha, p_spa, p_tha, p_tpa);
  tree = iot_tree_add_protocol (pkt, parent, &arp_fields[F_PROTO], buf, 0, end);
  iot_tree_set_label (pkt, tree, "Address Resolution Protocol (%s%s)", kind,
                      gratuitous && !announcement && op == OP_REPLY ? ", gratuitous"
                      : gratuitous && !announcement ? "/gratuitous ARP" : "");
  iot_tree_add_item (pkt, tree, &arp_fields[F_HW_TYPE], buf, 0, 2, FALSE);
  iot_tree_add_item (pkt, tree, &arp_fields[F_PROTO_TYPE], buf, 2, 2, FALSE);
  iot_tree_add_item (pkt, tree, &arp_fields[F_HW_SIZE], buf, 4, 1, FALSE);
  iot_tree_add_item (pkt, tree, &arp_fields[F_PROTO_SIZE], buf, 5, 1, FALSE);
  iot_tree_add_item (pkt, tree, &arp_fields[F_OPCODE], buf, 6, 2, FALSE);
  if (gratuitous)
    add_flag (pkt, tree, F_ISGRATUITOUS);
  if (probe)
    add_flag (pkt, tree, F_ISPROBE);
  if (announcement)
    add_flag (pkt, tree, F_ISANNOUNCEMENT);
  add_address (pkt, tree, buf, sha, hlen, is_mac, F_SRC_HW, F_SRC_HW_MAC);
  add_address (pkt, tree, buf, spa, plen, is_ipv4, F_SRC_PROTO, F_SRC_PROTO_IPV4);
  add_address (pkt, tree, buf, tha, hlen, is_mac, F_DST_HW, F_DST_HW_MAC);
  add_address (pkt, tree, buf, tpa, plen, is_ipv4, F_DST_PROTO, F_DST_PROTO_IPV4);

  if (!iot_packet_wants_columns (pkt))
    return end;
  switch (op)
    {
    case OP_REQUEST:
      if (announcement)
        iot_col_printf_info (pkt, "ARP Announcement for %s",
                                                         format_proto (pkt, p_spa, plen, is_ipv4));
      else if (probe)
        iot_col_printf_info (pkt, "Who has %s? (ARP Probe)",
                                                         format_proto (pkt, p_tpa, plen, is_ipv4));
      else if (gratuitous)
        iot_col_printf_info (pkt, "Gratuitous ARP for %s (Request)",
                                                         format_proto (pkt, p_spa, plen, is_ipv4));
      else
        iot_col_printf_info (pkt, "Who has %s? Tell %s",
                                                         format_proto (pkt, p_tpa, plen, is_ipv4),
                                                         format_proto (pkt, p_spa, plen, is_ipv4));
      break;
    case OP_REPLY:
      iot_col_printf_info (pkt, "%s%s is at %s",
                                                       gratuitous ? "Gratuitous ARP for " : "",
                                                       format_proto (pkt, p_spa, plen, is_ipv4),
                                                       format_hw (pkt, p_sha, hlen));
      if (gratuitous)
        iot_col_printf_info (pkt, "Gratuitous ARP for %s (Reply)",
                                                         format_proto (pkt, p_spa, plen, is_ipv4));
      break;
    default:
      iot_col_printf_info (pkt, "Unknown ARP opcode 0x%04x", op);
      break;
    }
  return end;
}

IotDissector iot_dissector_arp = {
  .name = "ARP",
  .abbrev = "arp",
  .long_name = "Address Resolution Protocol",
  .fields = arp_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_arp,
  .handoff = { { "ethertype", 0x0806 } },
};
