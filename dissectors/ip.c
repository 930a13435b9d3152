/* ip.c — Internet Protocol version 4. */
#include "ip.h"

#include <string.h>

enum {
  F_PROTO,
  F_VERSION,
  F_HDR_LEN,
  F_DSFIELD,
  F_DSCP,
  F_ECN,
  F_LEN,
  F_ID,
  F_FLAGS,
  F_FLAGS_RB,
  F_FLAGS_DF,
  F_FLAGS_MF,
  F_FRAG_OFFSET,
  F_TTL,
  F_PROTOCOL,
  F_CHECKSUM,
  F_CHECKSUM_STATUS,
  F_SRC,
  F_ADDR,
  F_SRC_HOST,
  F_HOST,
  F_DST,
  F_DST_HOST,
  F_OPT_TYPE,
  F_OPT_COPY,
  F_OPT_CLASS,
  F_OPT_NUMBER,
  F_OPT_LEN,
  F_OPT_PTR,
  F_OPT_RA,
  F_REC_RT,
  F_SRC_RT,
  F_EMPTY_RT,
  F_FRAGMENTS,
  F_FRAGMENT,
  F_FRAGMENT_COUNT,
  F_REASSEMBLED_IN,
  F_REASSEMBLED_LENGTH,
  F_REASSEMBLED_DATA,
  F_REC_RT_HOST,
  F_SRC_RT_HOST,
  F_EMPTY_RT_HOST,
  F_OPTIONS_EOL,
  F_OPTIONS_NOP,
  F_OPTIONS_SECURITY,
  F_OPTIONS_LSR,
  F_OPTIONS_TIMESTAMP,
  F_OPTIONS_RR,
  F_OPTIONS_SID,
  F_OPTIONS_SSR,
  F_OPTIONS_RA,
  N_FIELDS
};

const IotValueName iot_ip_dscp_names[] = {
  { 0, "Default" },
  { 8, "Class Selector 1" }, { 16, "Class Selector 2" }, { 24, "Class Selector 3" },
  { 32, "Class Selector 4" }, { 40, "Class Selector 5" }, { 48, "Class Selector 6" },
  { 56, "Class Selector 7" },
  { 10, "Assured Forwarding 11" }, { 12, "Assured Forwarding 12" }, { 14, "Assured Forwarding 13" },
  { 18, "Assured Forwarding 21" }, { 20, "Assured Forwarding 22" }, { 22, "Assured Forwarding 23" },
  { 26, "Assured Forwarding 31" }, { 28, "Assured Forwarding 32" }, { 30, "Assured Forwarding 33" },
  { 34, "Assured Forwarding 41" }, { 36, "Assured Forwarding 42" }, { 38, "Assured Forwarding 43" },
  { 44, "Voice Admit" },
  { 46, "Expedited Forwarding" },
  { 1, "Lower Effort" },
  IOT_VALUE_NAMES_END
};

/* Short DSCP names for the summary of the DS field. */
const IotValueName iot_ip_dscp_short_names[] = {
  { 0, "CS0" }, { 8, "CS1" }, { 16, "CS2" }, { 24, "CS3" }, { 32, "CS4" }, { 40, "CS5" },
  { 48, "CS6" }, { 56, "CS7" },
  { 10, "AF11" }, { 12, "AF12" }, { 14, "AF13" }, { 18, "AF21" }, { 20, "AF22" }, { 22, "AF23" },
  { 26, "AF31" }, { 28, "AF32" }, { 30, "AF33" }, { 34, "AF41" }, { 36, "AF42" }, { 38, "AF43" },
  { 44, "VA" }, { 46, "EF" }, { 1, "LE" },
  IOT_VALUE_NAMES_END
};

const IotValueName iot_ip_ecn_names[] = {
  { 0, "Not ECN-Capable Transport" },
  { 1, "ECN-Capable Transport codepoint '01'" },
  { 2, "ECN-Capable Transport codepoint '10'" },
  { 3, "Congestion Experienced" },
  IOT_VALUE_NAMES_END
};

const IotValueName iot_ip_ecn_short_names[] = {
  { 0, "Not-ECT" }, { 1, "ECT(1)" }, { 2, "ECT(0)" }, { 3, "CE" },
  IOT_VALUE_NAMES_END
};

/* IP protocol numbers (shared with IPv6's next header). */
const IotValueName iot_ip_proto_names[] = {
  { 0, "IPv6 Hop-by-Hop Option" },
  { 1, "ICMP" },
  { 2, "IGMP" },
  { 4, "IPIP" },
  { 6, "TCP" },
  { 17, "UDP" },
  { 41, "IPv6" },
  { 43, "Routing Header for IPv6" },
  { 44, "Fragment Header for IPv6" },
  { 47, "Generic Routing Encapsulation" },
  { 50, "Encap Security Payload" },
  { 51, "Authentication Header" },
  { 58, "ICMPv6" },
  { 59, "IPv6 No Next Header" },
  { 60, "Destination Options for IPv6" },
  { 89, "OSPF IGP" },
  { 103, "PIM" },
  { 112, "Virtual Router Redundancy Protocol" },
  { 132, "SCTP" },
  { 136, "UDPLite" },
  IOT_VALUE_NAMES_END
};

static const IotValueName checksum_status_names[] = {
  { 0, "Bad" }, { 1, "Good" }, { 2, "Unverified" }, { 3, "Not present" }, { 4, "Illegal" },
  IOT_VALUE_NAMES_END
};

/* ip.opt.type.number: the option number alone (the low five bits). */
static const IotValueName opt_number_names[] = {
  { 0, "End of Option List (EOL)" }, { 1, "No-Operation (NOP)" }, { 2, "Security" },
  { 3, "Loose source route" }, { 4, "Time stamp" }, { 5, "Extended security" },
  { 6, "Commercial IP security option" }, { 7, "Record route" }, { 8, "Stream identifier" },
  { 9, "Strict source route" }, { 10, "Experimental Measurement" }, { 11, "MTU probe" },
  { 12, "MTU Reply" }, { 13, "Experimental Flow Control" }, { 14, "Experimental Access Control" },
  { 15, "Ask Estrin" }, { 16, "IMI Traffic Descriptor" }, { 17, "Extended Internet Protocol" },
  { 18, "Traceroute" }, { 19, "Address Extension" }, { 20, "Router Alert" },
  { 21, "Selective Directed Broadcast" }, { 22, "Unassigned" }, { 23, "Dynamic Packet State" },
  { 24, "Upstream Multicast Packet" }, { 25, "Quick-Start" }, { 30, "RFC 3692-style experiment" },
  IOT_VALUE_NAMES_END
};

static const IotValueName opt_class_names[] = {
  { 0, "Control" }, { 1, "Reserved for future use" }, { 2, "Debugging and measurement" },
  { 3, "Reserved for future use" },
  IOT_VALUE_NAMES_END
};

enum {
  E_OPT_LEN,
  E_TTL_LNCB,
  E_TTL_SMALL,
  E_VERSION,
  E_HEADER_LENGTH,
  E_LENGTH,
  N_EXPERTS
};

static IotExpertInfo ip_experts[N_EXPERTS] = {
  [E_OPT_LEN] = IOT_EXPERT_INFO ("ip.opt.len.invalid", IOT_SEV_WARN, IOT_GROUP_MALFORMED, "Invalid length for option",
                              "An IPv4 option's length byte does not fit the option or the header."),
  [E_TTL_LNCB] = IOT_EXPERT_INFO ("ip.ttl.lncb", IOT_SEV_NOTE, IOT_GROUP_SEQUENCE, "Time To Live",
                              "Packets to the Local Network Control Block (224.0.0.0/24) must be sent with TTL 1 (RFC 3171)."),
  [E_TTL_SMALL] = IOT_EXPERT_INFO ("ip.ttl.too_small", IOT_SEV_NOTE, IOT_GROUP_SEQUENCE, "Time To Live",
                              "The time to live is so low that the packet may not reach its destination: each router takes one."),
  [E_VERSION] = IOT_EXPERT_INFO ("ip.bogus_ip_version", IOT_SEV_ERROR, IOT_GROUP_MALFORMED, "Bogus IP version",
                              "The first 4 bits of an IPv4 header must be 4."),
  [E_HEADER_LENGTH] = IOT_EXPERT_INFO ("ip.bogus_header_length", IOT_SEV_ERROR, IOT_GROUP_MALFORMED, "Bogus IP header length",
                              "An IPv4 header is at least 20 bytes (header length 5)."),
  [E_LENGTH] = IOT_EXPERT_INFO ("ip.bogus_ip_length", IOT_SEV_ERROR, IOT_GROUP_MALFORMED, "Bogus IP length",
                              "The total length is shorter than the header, or longer than the bytes the link layer delivered."),
};

static IotField ip_fields[N_FIELDS] = {
  [F_PROTO] = { "ip", "Internet Protocol Version 4", IOT_FT_PROTOCOL, .blurb =
    "The IPv4 header: which machine sent the packet, which should get it, and how routers should treat it on the way." },
  [F_VERSION] = { "ip.version", "Version", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "IP version number; always 4 in an IPv4 header." },
  [F_HDR_LEN] = { "ip.hdr_len", "Header Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Size of the IPv4 header in bytes: 20, plus any options (the field counts 4-byte words)." },
  [F_DSFIELD] = { "ip.dsfield", "Differentiated Services Field", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "One byte of quality-of-service marking: the DSCP traffic class and the ECN congestion bits." },
  [F_DSCP] = { "ip.dsfield.dscp", "Differentiated Services Codepoint", IOT_FT_UINT8, IOT_BASE_DEC, iot_ip_dscp_names, 0xfc,
    "Traffic class the sender asks for (0 = ordinary, 46 = expedited, e.g. voice)." },
  [F_ECN] = { "ip.dsfield.ecn", "Explicit Congestion Notification", IOT_FT_UINT8, IOT_BASE_DEC, iot_ip_ecn_names, 0x03,
    "Lets routers signal congestion without dropping the packet, if both ends support it." },
  [F_LEN] = { "ip.len", "Total Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Size of the whole IP packet, header included, in bytes." },
  [F_ID] = { "ip.id", "Identification", IOT_FT_UINT16, IOT_BASE_HEX_DEC, NULL, 0,
    "Number chosen by the sender so that the fragments of one packet can be put back together." },
  [F_FLAGS] = { "ip.flags", "Flags", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0xe0,
    "Three bits about fragmentation: reserved, don't fragment, more fragments." },
  [F_FLAGS_RB] = { "ip.flags.rb", "Reserved bit", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x80,
    "Must be zero." },
  [F_FLAGS_DF] = { "ip.flags.df", "Don't fragment", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x40,
    "Routers must not split this packet; if it is too big for a link they drop it and report back (path MTU discovery)." },
  [F_FLAGS_MF] = { "ip.flags.mf", "More fragments", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x20,
    "More fragments of the same packet follow this one." },
  [F_FRAG_OFFSET] = { "ip.frag_offset", "Fragment Offset", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0x1fff,
    "Where this fragment's data belongs in the original packet, counted in 8-byte units (the tree shows bytes)." },
  [F_TTL] = { "ip.ttl", "Time to Live", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Hop budget: each router lowers it by one and drops the packet at zero, so loops cannot last forever." },
  [F_PROTOCOL] = { "ip.proto", "Protocol", IOT_FT_UINT8, IOT_BASE_DEC, iot_ip_proto_names, 0,
    "Which protocol the packet carries (1 ICMP, 6 TCP, 17 UDP)." },
  [F_CHECKSUM] = { "ip.checksum", "Header Checksum", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Checksum over the header only, recomputed by every router because the TTL changes." },
  [F_CHECKSUM_STATUS] = { "ip.checksum.status", "Header checksum status", IOT_FT_UINT8, IOT_BASE_NONE,
    checksum_status_names, 0,
    "Whether the header checksum was checked (it is not by default: network cards often fill it in late)." },
  [F_SRC] = { "ip.src", "Source Address", IOT_FT_IPV4, .blurb =
    "IP address of the machine that sent the packet." },
  [F_ADDR] = { "ip.addr", "Source or Destination Address", IOT_FT_IPV4, .blurb =
    "Either address of the packet: filter on it to see traffic to or from one machine." },
  [F_SRC_HOST] = { "ip.src_host", "Source Host", IOT_FT_STRING, .blurb =
    "Source address as text (a host name if names are resolved)." },
  [F_HOST] = { "ip.host", "Source or Destination Host", IOT_FT_STRING, .blurb =
    "Either address as text." },
  [F_DST] = { "ip.dst", "Destination Address", IOT_FT_IPV4, .blurb =
    "IP address of the machine the packet is for." },
  [F_DST_HOST] = { "ip.dst_host", "Destination Host", IOT_FT_STRING, .blurb =
    "Destination address as text (a host name if names are resolved)." },
  [F_OPT_TYPE] = { "ip.opt.type", "Type", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Which IP option this is." },
  [F_OPT_COPY] = { "ip.opt.type.copy", "Copy on fragmentation", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x80,
    "Whether the option must be repeated in every fragment.", "Yes", "No" },
  [F_OPT_CLASS] = { "ip.opt.type.class", "Class", IOT_FT_UINT8, IOT_BASE_DEC, opt_class_names, 0x60,
    "Option class: control or debugging and measurement." },
  [F_OPT_NUMBER] = { "ip.opt.type.number", "Number", IOT_FT_UINT8, IOT_BASE_DEC, opt_number_names, 0x1f,
    "Option number within its class." },
  [F_OPT_LEN] = { "ip.opt.len", "Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Length of the option in bytes, type and length bytes included." },
  [F_OPT_PTR] = { "ip.opt.ptr", "Pointer", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Where in the option the next address is to be written or read (counting from 1)." },
  [F_OPT_RA] = { "ip.opt.ra", "Router Alert", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Asks every router to look at this packet closely (used by RSVP, IGMP, MLD)." },
  [F_REC_RT] = { "ip.rec_rt", "Recorded Route", IOT_FT_IPV4, .blurb =
    "Address of a router the packet passed, written into the option on the way." },
  [F_SRC_RT] = { "ip.src_rt", "Source Route", IOT_FT_IPV4, .blurb =
    "Address of a router the sender wants the packet to pass." },
  [F_EMPTY_RT] = { "ip.empty_rt", "Empty Route", IOT_FT_IPV4, .blurb =
    "A route slot not yet filled in." },
  [F_FRAGMENTS] = { "ip.fragments", "IPv4 Fragments", IOT_FT_BYTES, .blurb =
    "The pieces an IPv4 packet too big for the link was cut into, joined again here." },
  [F_FRAGMENT] = { "ip.fragment", "IPv4 Fragment", IOT_FT_FRAMENUM, .blurb =
    "A frame that carried one piece of the original packet." },
  [F_FRAGMENT_COUNT] = { "ip.fragment.count", "Fragment count", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "How many pieces the original packet was cut into." },
  [F_REASSEMBLED_IN] = { "ip.reassembled_in", "Reassembled IPv4 in frame", IOT_FT_FRAMENUM, .blurb =
    "This frame holds one piece of a larger packet; the frame named here completes it and shows it whole." },
  [F_REASSEMBLED_LENGTH] = { "ip.reassembled.length", "Reassembled IPv4 length", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Length of the packet rebuilt from its fragments, without the IPv4 header." },
  [F_REASSEMBLED_DATA] = { "ip.reassembled.data", "Reassembled IPv4 data", IOT_FT_BYTES, .blurb =
    "The bytes of the packet rebuilt from its fragments." },
  [F_REC_RT_HOST] = { "ip.rec_rt_host", "Recorded Route Host", IOT_FT_STRING, .blurb =
    "A recorded route address as text (a host name if names are resolved)." },
  [F_SRC_RT_HOST] = { "ip.src_rt_host", "Source Route Host", IOT_FT_STRING, .blurb =
    "A source route address as text (a host name if names are resolved)." },
  [F_EMPTY_RT_HOST] = { "ip.empty_rt_host", "Empty Route Host", IOT_FT_STRING, .blurb =
    "An empty route slot as text." },
  /* One row per option, holding its bytes (tshark registers each option
   * as a protocol of its own with these names). */
  [F_OPTIONS_EOL] = { "ip.options.eol", "IP Option - End of Options List (EOL)", IOT_FT_BYTES, .blurb =
    "Marks the end of the options; the rest of the header is padding." },
  [F_OPTIONS_NOP] = { "ip.options.nop", "IP Option - No-Operation (NOP)", IOT_FT_BYTES, .blurb =
    "One byte of padding between options." },
  [F_OPTIONS_SECURITY] = { "ip.options.security", "IP Option - Security", IOT_FT_BYTES, .blurb =
    "Security label of the packet (RFC 1108)." },
  [F_OPTIONS_LSR] = { "ip.options.route", "IP Option - Loose Source Route", IOT_FT_BYTES, .blurb =
    "Routers the sender wants the packet to pass, in any way between them." },
  [F_OPTIONS_TIMESTAMP] = { "ip.options.timestamp", "IP Option - Time Stamp", IOT_FT_BYTES, .blurb =
    "Routers write the time the packet passed them." },
  [F_OPTIONS_RR] = { "ip.options.record_route", "IP Option - Record Route", IOT_FT_BYTES, .blurb =
    "Routers write their address as the packet passes them (ping -R)." },
  [F_OPTIONS_SID] = { "ip.options.sid", "IP Option - Stream ID", IOT_FT_BYTES, .blurb =
    "An obsolete stream identifier." },
  [F_OPTIONS_SSR] = { "ip.options.source_route", "IP Option - Strict Source Route", IOT_FT_BYTES, .blurb =
    "The exact routers the sender wants the packet to pass, one after the other." },
  [F_OPTIONS_RA] = { "ip.options.routeralert", "IP Option - Router Alert", IOT_FT_BYTES, .blurb =
    "Asks every router to look at this packet closely (used by RSVP, IGMP, MLD)." },
};

/* The version field, which the IPv6 layer also fills (as Wireshark does). */
const IotField *
iot_ip_version_field (void)
{
  return &ip_fields[F_VERSION];
}

extern IotDissector iot_dissector_ip;

/* TTL of the IPv4 header dissected last in this frame (for ICMP's Info). */
guint8
iot_ip_current_ttl (IotPacket *pkt)
{
  return (guint8) iot_packet_layer_value (pkt, &iot_dissector_ip);
}

/* -N n: an address row reads "Source Address: name (192.0.2.1)". */
static int
label_with_name (IotPacket *pkt, int node, const IotField *field, const guint8 *a)
{
  if (node >= 0 && (iot_resolve_get_flags () & IOT_RESOLVE_NETWORK) && iot_packet_wants_tree (pkt))
    {
      char label[300];

      iot_resolve_host_label (a, 4, label, sizeof label);
      iot_tree_set_label (pkt, node, "%s: %s", field->name, label);
    }
  return node;
}

static void
add_address (IotPacket *pkt, int tree, IotBuf *buf, guint off, int field, int host_field)
{
  const guint8 *a = iot_buf_ptr (buf, off, 4);
  char text[256];

  /* Rows and names only: nothing a later frame needs. */
  if (iot_packet_state_only (pkt))
    return;
  label_with_name (pkt, iot_tree_add_ipv4 (pkt, tree, &ip_fields[field], buf, off, a), &ip_fields[field], a);
  iot_tree_set_hidden (pkt, label_with_name (pkt, iot_tree_add_ipv4 (pkt, tree, &ip_fields[F_ADDR], buf, off, a),
                                             &ip_fields[F_ADDR], a));
  if (!iot_packet_wants_field (pkt, &ip_fields[host_field]) && !iot_packet_wants_field (pkt, &ip_fields[F_HOST]))
    return;
  iot_resolve_host_text (a, 4, text, sizeof text);
  iot_tree_set_hidden (pkt, iot_tree_add_string (pkt, tree, &ip_fields[host_field], buf, off, 4, text, -1));
  iot_tree_set_hidden (pkt, iot_tree_add_string (pkt, tree, &ip_fields[F_HOST], buf, off, 4, text, -1));
}

/* Route options (RR, LSR, SSR): a pointer then a list of addresses, each
 * with its hidden text form; the slot the pointer names is marked. */
static void
add_route_option (IotPacket *pkt, int tree, IotBuf *buf, guint off, guint len, guint8 type)
{
  guint ptr = iot_buf_u8 (buf, off + 2);

  iot_tree_add_item (pkt, tree, &ip_fields[F_OPT_PTR], buf, off + 2, 1, FALSE);
  for (guint a = 3; a + 4 <= len; a += 4)
    {
      /* Slots before the pointer are used; those after it are still empty. */
      int field = type == 7 ? (a + 1 < ptr ? F_REC_RT : F_EMPTY_RT) : F_SRC_RT;
      int host = field == F_REC_RT ? F_REC_RT_HOST : field == F_EMPTY_RT ? F_EMPTY_RT_HOST : F_SRC_RT_HOST;
      int node = iot_tree_add_item (pkt, tree, &ip_fields[field], buf, off + a, 4, FALSE);
      const guint8 *addr = iot_buf_ptr (buf, off + a, 4);
      char text[256];

      /* The slot the pointer names shows its bare address, as in tshark. */
      if (a + 1 == ptr)
        iot_tree_set_label (pkt, node, "%s: %u.%u.%u.%u <- (next)", ip_fields[field].name,
                            addr[0], addr[1], addr[2], addr[3]);
      else
        label_with_name (pkt, node, &ip_fields[field], addr);
      iot_resolve_host_text (addr, 4, text, sizeof text);
      iot_tree_set_hidden (pkt, iot_tree_add_string (pkt, tree, &ip_fields[host], buf, off + a, 4, text, -1));
    }
}

static const struct {
  guint8 type;
  int    field;
} option_fields[] = {
  { 0, F_OPTIONS_EOL }, { 1, F_OPTIONS_NOP }, { 7, F_OPTIONS_RR }, { 68, F_OPTIONS_TIMESTAMP },
  { 130, F_OPTIONS_SECURITY }, { 131, F_OPTIONS_LSR }, { 136, F_OPTIONS_SID },
  { 137, F_OPTIONS_SSR }, { 148, F_OPTIONS_RA },
};

static const IotField *
option_field (guint8 type)
{
  for (guint i = 0; i < G_N_ELEMENTS (option_fields); i++)
    if (option_fields[i].type == type)
      return &ip_fields[option_fields[i].field];
  return NULL;
}

/* The option's row: its bytes under "IP Option - Name (N bytes)"; an
 * option we have no name for is a text row. */
static int
add_option_row (IotPacket *pkt, int tree, IotBuf *buf, guint off, guint len, guint8 type)
{
  const IotField *field = option_field (type);
  g_autofree char *size = len > 1 ? g_strdup_printf (" (%u bytes)", len) : g_strdup ("");
  int opt;

  if (field == NULL)
    return iot_tree_add_text (pkt, tree, buf, off, len, "IP Option - Unknown (0x%02x)%s", type, size);
  opt = iot_tree_add_item (pkt, tree, field, buf, off, len, FALSE);
  iot_tree_set_label (pkt, opt, "%s%s", field->name, size);
  return opt;
}

static void
dissect_options (IotPacket *pkt, int parent, IotBuf *buf, guint start, guint end)
{
  int tree = iot_tree_add_text (pkt, parent, buf, start, end - start, "Options: (%u bytes)", end - start);
  guint off = start;

  while (off < end)
    {
      guint8 type = iot_buf_u8 (buf, off);
      guint len = 1;
      const IotField *field = option_field (type);
      int opt, type_row;

      if (type != 0 && type != 1)
        {
          len = off + 1 < end ? iot_buf_u8 (buf, off + 1) : 0;
          if (len < 2 || off + len > end)
            {
              iot_expert_add_info (pkt, tree, &ip_experts[E_OPT_LEN], "IP option length %u is wrong", len);
              return;
            }
          /* The Options row names each option but the padding ones. */
          if (field != NULL)
            iot_tree_append_label (pkt, tree, ", %s", field->name + strlen ("IP Option - "));
        }
      opt = add_option_row (pkt, tree, buf, off, len, type);
      type_row = iot_tree_add_item (pkt, opt, &ip_fields[F_OPT_TYPE], buf, off, 1, FALSE);
      iot_tree_add_item (pkt, type_row, &ip_fields[F_OPT_COPY], buf, off, 1, FALSE);
      iot_tree_add_item (pkt, type_row, &ip_fields[F_OPT_CLASS], buf, off, 1, FALSE);
      iot_tree_add_item (pkt, type_row, &ip_fields[F_OPT_NUMBER], buf, off, 1, FALSE);
      if (len > 1)
        iot_tree_add_item (pkt, opt, &ip_fields[F_OPT_LEN], buf, off + 1, 1, FALSE);
      if ((type == 7 || type == 131 || type == 137) && len >= 3)
        add_route_option (pkt, opt, buf, off, len, type);
      else if (type == 148 && len == 4)
        iot_tree_add_item (pkt, opt, &ip_fields[F_OPT_RA], buf, off + 2, 2, FALSE);
      off += len;
      if (type == 0)
        break;
    }
}

static void
label_dsfield (IotPacket *pkt, int node, guint8 ds)
{
  const char *dscp = iot_value_name (iot_ip_dscp_short_names, ds >> 2);

  if (dscp != NULL)
    iot_tree_set_label (pkt, node, "Differentiated Services Field: 0x%02x (DSCP: %s, ECN: %s)", ds,
                        dscp, iot_value_name (iot_ip_ecn_short_names, ds & 3));
  else
    iot_tree_set_label (pkt, node, "Differentiated Services Field: 0x%02x (DSCP: Unknown, ECN: %s)", ds,
                        iot_value_name (iot_ip_ecn_short_names, ds & 3));
}

static void
add_dsfield (IotPacket *pkt, int tree, IotBuf *buf)
{
  int node = iot_tree_add_item (pkt, tree, &ip_fields[F_DSFIELD], buf, 1, 1, FALSE);

  /* Labels are built only for rows that were made (the first pass makes none). */
  if (node >= 0)
    label_dsfield (pkt, node, iot_buf_u8 (buf, 1));
  iot_tree_add_item (pkt, node, &ip_fields[F_DSCP], buf, 1, 1, FALSE);
  iot_tree_add_item (pkt, node, &ip_fields[F_ECN], buf, 1, 1, FALSE);
}

static void
add_flags (IotPacket *pkt, int tree, IotBuf *buf)
{
  guint8 flags = iot_buf_u8 (buf, 6) >> 5;
  int node = iot_tree_add_item (pkt, tree, &ip_fields[F_FLAGS], buf, 6, 1, FALSE);

  iot_tree_set_label (pkt, node, "%c%c%c. .... = Flags: 0x%u%s%s%s", flags & 4 ? '1' : '0',
                      flags & 2 ? '1' : '0', flags & 1 ? '1' : '0', flags,
                      flags & 4 ? ", Reserved bit" : "", flags & 2 ? ", Don't fragment" : "",
                      flags & 1 ? ", More fragments" : "");
  iot_tree_add_item (pkt, node, &ip_fields[F_FLAGS_RB], buf, 6, 1, FALSE);
  iot_tree_add_item (pkt, node, &ip_fields[F_FLAGS_DF], buf, 6, 1, FALSE);
  iot_tree_add_item (pkt, node, &ip_fields[F_FLAGS_MF], buf, 6, 1, FALSE);
}

/* "...0 0001 0111 0010" picture of the 13 offset bits. */
static void
label_frag_offset (IotPacket *pkt, int node, guint16 word)
{
  char picture[24];
  guint pos = 0;

  if (node < 0)
    return;
  for (int bit = 15; bit >= 0; bit--)
    {
      picture[pos++] = bit > 12 ? '.' : (word >> bit) & 1 ? '1' : '0';
      if (bit % 4 == 0 && bit > 0)
        picture[pos++] = ' ';
    }
  picture[pos] = '\0';
  iot_tree_set_label (pkt, node, "%s = Fragment Offset: %u", picture, (word & 0x1fff) * 8u);
}

static const IotRebuildFields fragment_fields = {
  &ip_fields[F_FRAGMENTS], &ip_fields[F_FRAGMENT], &ip_fields[F_FRAGMENT_COUNT],
  &ip_fields[F_REASSEMBLED_LENGTH], &ip_fields[F_REASSEMBLED_DATA],
  "IPv4 Fragments", "Reassembled IPv4",
};

/* Joins fragments: the frame bringing the last missing piece shows the
 * whole packet; the others point to it.  Returns TRUE when the packet was
 * rebuilt and handed on. */
static gboolean
defragment (IotPacket *pkt, int tree, int parent, IotBuf *payload, IotBuf *header,
            guint16 id, guint8 proto, guint frag_off, gboolean more)
{
  IotDefrag *defrag = iot_packet_state (pkt, &iot_dissector_ip);
  guint32 frame = iot_packet_frame_number (pkt), done;
  guint8 key[11];
  IotBuf whole;
  int node;

  if (defrag == NULL || payload->length < payload->reported || iot_packet_in_error (pkt))
    return FALSE;
  /* Fragments belong together by addresses, identification and protocol. */
  memcpy (key, iot_buf_ptr (header, 12, 8), 8);
  key[8] = id >> 8;
  key[9] = id & 0xff;
  key[10] = proto;
  if (iot_packet_first_pass (pkt))
    iot_defrag_add (defrag, pkt, key, sizeof key, frag_off, payload, 0, payload->length, !more);
  done = iot_defrag_completed_in (defrag, frame);
  if (done == 0)
    return FALSE;
  if (done != frame)
    {
      node = iot_tree_add_uint (pkt, tree, &ip_fields[F_REASSEMBLED_IN], payload, 0, 0, done);
      iot_tree_set_generated (pkt, node);
      iot_col_append_info (pkt, " [Reassembled in #%u]", done);
      return FALSE;
    }
  whole = iot_defrag_rebuild (defrag, pkt, &fragment_fields, tree);
  if (iot_call_table (pkt, "ip.proto", proto, &whole, parent) < 0)
    iot_call_data (pkt, &whole, parent);
  return TRUE;
}

static gpointer
ip_state_new (void)
{
  return iot_defrag_new ();
}

static void
ip_state_free (gpointer state)
{
  iot_defrag_free (state);
}

/* RFC 3171 (now 5771): 224.0.0.0/24 is the Local Network Control Block,
 * never forwarded by routers.  Senders use TTL 1 there, except protocols
 * that want to prove the packet came from the link itself by sending TTL
 * 255 (VRRP 224.0.0.18, 224.0.0.102, mDNS 224.0.0.251); LLMNR
 * (224.0.0.252) accepts any TTL.  0 = any. */
static guint
expected_lncb_ttl (guint8 last_octet)
{
  switch (last_octet)
    {
    case 18: case 102: case 251:
      return 255;
    case 252:
      return 0;
    default:
      return 1;
    }
}

/* A TTL that looks wrong: a link-local multicast sent with another TTL than
 * its protocol uses, or a unicast packet about to expire (traceroute, or
 * a routing loop). */
static void
check_ttl (IotPacket *pkt, int node, guint ttl, guint proto, const guint8 *dst)
{
  if (dst[0] == 224 && dst[1] == 0 && dst[2] == 0)
    {
      guint expected = expected_lncb_ttl (dst[3]);

      if (expected != 0 && ttl != expected)
        iot_expert_add_info (pkt, node, &ip_experts[E_TTL_LNCB], "\"Time To Live\" != %u for a packet sent to the Local Network Control Block "
                        "(see RFC 3171)", expected);
    }
  else if ((dst[0] & 0xf0) != 0xe0 && ttl < 5 && proto != 103 /* PIM */ && proto != 89 /* OSPF */)
    iot_expert_add_info (pkt, node, &ip_experts[E_TTL_SMALL], "\"Time To Live\" only %u", ttl);
}

/* The header for the IP tap, queued where the layer starts and filled in
 * as it is read.  Nobody asked: @scratch takes the facts. */
static IotTapIp *
publish_header (IotPacket *pkt, guint8 version, IotTapIp *scratch)
{
  IotTapIp rec = { .version = version, .in_error = iot_packet_in_error (pkt) };
  IotTapIp *queued = iot_tap_queue_open (pkt, IOT_TAP_IP, &rec);

  if (queued != NULL)
    return queued;
  *scratch = rec;
  return scratch;
}

static int
dissect_ip (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint8 vhl = iot_buf_u8 (buf, 0);
  guint version = vhl >> 4, hl = (vhl & 0x0f) * 4;
  guint total, id, frag_word, frag_off, proto, ttl;
  gboolean more_frags;
  IotAddress src = { 4, { 0 } }, dst = { 4, { 0 } };
  const char *proto_name;
  int tree, node, ttl_node;
  IotTapIp scratch, *rec;

  iot_col_set_protocol (pkt, "IPv4");
  tree = iot_tree_add_protocol (pkt, parent, &ip_fields[F_PROTO], buf, 0, MIN (MAX (hl, 20u), buf->length));
  rec = publish_header (pkt, 4, &scratch);
  node = iot_tree_add_uint (pkt, tree, &ip_fields[F_VERSION], buf, 0, 1, version);
  iot_tree_set_label (pkt, node, "%u%u%u%u .... = Version: %u", version >> 3 & 1, version >> 2 & 1,
                      version >> 1 & 1, version & 1, version);
  if (version != 4)
    {
      iot_col_printf_info (pkt, "Bogus IPv4 version (%u, must be 4)", version);
      iot_expert_add_info (pkt, node, &ip_experts[E_VERSION], "Bogus IP version");
      return buf->length;
    }
  node = iot_tree_add_uint (pkt, tree, &ip_fields[F_HDR_LEN], buf, 0, 1, hl);
  iot_tree_set_label (pkt, node, ".... %u%u%u%u = Header Length: %u bytes (%u)", vhl >> 3 & 1,
                      vhl >> 2 & 1, vhl >> 1 & 1, vhl & 1, hl, hl / 4);
  if (hl < 20)
    {
      iot_col_printf_info (pkt, "Bogus IPv4 header length (%u, must be at least 20)", hl);
      iot_expert_add_info (pkt, node, &ip_experts[E_HEADER_LENGTH], "Bogus IP header length (%u, must be at least 20)", hl);
      return buf->length;
    }
  add_dsfield (pkt, tree, buf);
  total = iot_buf_u16 (buf, 2);
  node = iot_tree_add_item (pkt, tree, &ip_fields[F_LEN], buf, 2, 2, FALSE);
  if (total < hl)
    {
      iot_col_printf_info (pkt, "Bogus IP length (%u, less than header length %u)",
                                                       total, hl);
      iot_expert_add_info (pkt, node, &ip_experts[E_LENGTH], "Bogus IP length (%u, less than header length %u)", total, hl);
      return buf->length;
    }
  if (total > buf->reported)
    {
      /* Believe the frame, not the header: hand on only what is there. */
      iot_expert_add_info (pkt, node, &ip_experts[E_LENGTH], "IPv4 total length exceeds packet length (%u bytes)", buf->reported);
      total = buf->reported;
    }
  id = iot_buf_u16 (buf, 4);
  iot_tree_add_item (pkt, tree, &ip_fields[F_ID], buf, 4, 2, FALSE);
  rec->has_id = TRUE;
  rec->id = (guint16) id;
  add_flags (pkt, tree, buf);
  frag_word = iot_buf_u16 (buf, 6);
  frag_off = (frag_word & 0x1fff) * 8u;
  more_frags = (frag_word & 0x2000) != 0;
  /* The field holds the raw count of 8-byte units; the label shows bytes. */
  node = iot_tree_add_uint (pkt, tree, &ip_fields[F_FRAG_OFFSET], buf, 6, 2, frag_word & 0x1fff);
  label_frag_offset (pkt, node, frag_word);
  ttl = iot_buf_u8 (buf, 8);
  ttl_node = iot_tree_add_item (pkt, tree, &ip_fields[F_TTL], buf, 8, 1, FALSE);
  proto = iot_buf_u8 (buf, 9);
  iot_tree_add_item (pkt, tree, &ip_fields[F_PROTOCOL], buf, 9, 1, FALSE);
  node = iot_tree_add_item (pkt, tree, &ip_fields[F_CHECKSUM], buf, 10, 2, FALSE);
  iot_tree_append_label (pkt, node, " [validation disabled]");
  /* A generated row: it covers no bytes (tshark's PDML size 0). */
  node = iot_tree_add_uint (pkt, tree, &ip_fields[F_CHECKSUM_STATUS], buf, 10, 0, 2);
  iot_tree_set_generated (pkt, node);
  iot_tree_set_label (pkt, node, "Header checksum status: Unverified");

  memcpy (src.bytes, iot_buf_ptr (buf, 12, 4), 4);
  memcpy (dst.bytes, iot_buf_ptr (buf, 16, 4), 4);
  *rec = (IotTapIp) { 4, rec->in_error, TRUE, (guint16) id, TRUE, iot_buf_u16 (buf, 2), (guint8) ttl, (guint8) proto,
                      (frag_word & 0x4000) != 0, more_frags, (guint16) (frag_word & 0x1fff), src, dst };
  check_ttl (pkt, ttl_node, ttl, proto, dst.bytes);
  add_address (pkt, tree, buf, 12, F_SRC, F_SRC_HOST);
  add_address (pkt, tree, buf, 16, F_DST, F_DST_HOST);
  if (iot_packet_wants_tree (pkt))
    {
      char src_label[300], dst_label[300];

      iot_resolve_host_label (src.bytes, 4, src_label, sizeof src_label);
      iot_resolve_host_label (dst.bytes, 4, dst_label, sizeof dst_label);
      iot_tree_set_label (pkt, tree, "Internet Protocol Version 4, Src: %s, Dst: %s", src_label, dst_label);
    }
  iot_packet_set_net_src (pkt, &src);
  iot_packet_set_net_dst (pkt, &dst);
  if (iot_tap_wanted (pkt, IOT_TAP_CONV))
    {
      IotTapConv conv = { .layer = IOT_TAP_LAYER_IPV4, .src = src, .dst = dst, .stream = IOT_TAP_NO_STREAM };

      iot_tap_queue (pkt, IOT_TAP_CONV, &conv);
    }
  /* ICMP shows the TTL in its Info but cannot see the header before it. */
  iot_packet_set_layer_value (pkt, &iot_dissector_ip, ttl);

  if (hl > 20)
    dissect_options (pkt, tree, buf, 20, MIN (hl, total));
  if (hl > total)
    iot_malformed (pkt, "IPv4 header is longer than the packet");

  {
    IotBuf payload = iot_buf_sub (buf, hl, total - hl);
    int used = -1;

    if (more_frags || frag_off > 0)
      {
        proto_name = iot_value_name (iot_ip_proto_names, proto);
        iot_col_printf_info (pkt, "Fragmented IP protocol (proto=%s %u, off=%u, ID=%04x)",
                             proto_name ? proto_name : "Unknown", proto, frag_off, id);
        if (!defragment (pkt, tree, parent, &payload, buf, id, proto, frag_off, more_frags))
          iot_call_data (pkt, &payload, parent);
        return total;
      }
    used = iot_call_table (pkt, "ip.proto", proto, &payload, parent);
    if (used < 0)
      iot_call_data (pkt, &payload, parent);
  }
  return total;
}

IotDissector iot_dissector_ip = {
  .name = "IPv4",
  .abbrev = "ip",
  .long_name = "Internet Protocol Version 4",
  .fields = ip_fields,
  .n_fields = N_FIELDS,
  .experts = ip_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_ip,
  .state_new = ip_state_new,
  .state_free = ip_state_free,
  .handoff = { { "ethertype", 0x0800 }, { "ip.version", 4 }, { "link", 228 }, { "ip.proto", 4 } },
};
