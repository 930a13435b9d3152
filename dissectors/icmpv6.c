/* icmpv6.c — Internet Control Message Protocol for IPv6: ping, error
 * reports, and neighbour discovery (IPv6's replacement for ARP). */
#include "iot-dissector.h"
#include "ip.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

enum {
  F_PROTO,
  F_TYPE,
  F_CODE,
  F_CHECKSUM,
  F_CHECKSUM_STATUS,
  F_RESERVED,
  F_MTU,
  F_POINTER,
  F_ECHO_ID,
  F_ECHO_SEQ,
  F_NS_TARGET,
  F_NA_FLAG,
  F_NA_FLAG_R,
  F_NA_FLAG_S,
  F_NA_FLAG_O,
  F_NA_FLAG_RSV,
  F_NA_TARGET,
  F_OPT_TYPE,
  F_OPT_LENGTH,
  F_OPT_LINKADDR,
  F_OPT_SRC_LINKADDR,
  F_OPT_TARGET_LINKADDR,
  F_RESP_IN,
  F_RESP_TO,
  F_RESPTIME,
  N_FIELDS
};

#define T_UNREACH       1
#define T_TOO_BIG       2
#define T_TIME_EXCEEDED 3
#define T_PARAM_PROBLEM 4
#define T_ECHO_REQUEST  128
#define T_ECHO_REPLY    129
#define T_RS            133
#define T_RA            134
#define T_NS            135
#define T_NA            136

static const IotValueName type_names[] = {
  { 1, "Destination Unreachable" },
  { 2, "Packet Too Big" },
  { 3, "Time Exceeded" },
  { 4, "Parameter Problem" },
  { 128, "Echo (ping) request" },
  { 129, "Echo (ping) reply" },
  { 130, "Multicast Listener Query" },
  { 131, "Multicast Listener Report" },
  { 132, "Multicast Listener Done" },
  { 133, "Router Solicitation" },
  { 134, "Router Advertisement" },
  { 135, "Neighbor Solicitation" },
  { 136, "Neighbor Advertisement" },
  { 137, "Redirect" },
  { 143, "Multicast Listener Report Message v2" },
  IOT_VALUE_NAMES_END
};

static const IotValueName unreach_codes[] = {
  { 0, "no route to destination" },
  { 1, "communication with destination administratively prohibited" },
  { 2, "beyond scope of source address" },
  { 3, "address unreachable" },
  { 4, "Port unreachable" },
  { 5, "source address failed ingress/egress policy" },
  { 6, "reject route to destination" },
  IOT_VALUE_NAMES_END
};

static const IotValueName time_exceeded_codes[] = {
  { 0, "hop limit exceeded in transit" },
  { 1, "fragment reassembly time exceeded" },
  IOT_VALUE_NAMES_END
};

static const IotValueName param_problem_codes[] = {
  { 0, "erroneous header field encountered" },
  { 1, "unrecognized Next Header type encountered" },
  { 2, "unrecognized IPv6 option encountered" },
  IOT_VALUE_NAMES_END
};

static const IotValueName opt_type_names[] = {
  { 1, "Source link-layer address" },
  { 2, "Target link-layer address" },
  { 3, "Prefix information" },
  { 4, "Redirected header" },
  { 5, "MTU" },
  { 25, "Recursive DNS Server" },
  IOT_VALUE_NAMES_END
};

static const IotValueName checksum_status_names[] = {
  { 0, "Bad" }, { 1, "Good" }, { 2, "Unverified" },
  IOT_VALUE_NAMES_END
};

enum {
  E_CHECKSUM,
  N_EXPERTS
};

static IotExpertInfo icmpv6_experts[N_EXPERTS] = {
  [E_CHECKSUM] = IOT_EXPERT_INFO ("icmpv6.checksum_bad.expert", IOT_SEV_WARN, IOT_GROUP_CHECKSUM, "Bad checksum",
                              "The checksum computed over the message differs from the one sent."),
};

static IotField icmpv6_fields[N_FIELDS] = {
  [F_PROTO] = { "icmpv6", "Internet Control Message Protocol v6", IOT_FT_PROTOCOL, .blurb =
    "Control messages of IPv6: ping, error reports, and neighbour discovery, which finds the hardware address of a neighbour." },
  [F_TYPE] = { "icmpv6.type", "Type", IOT_FT_UINT8, IOT_BASE_DEC, type_names, 0,
    "Kind of message: 128/129 ping, 1 unreachable, 135/136 neighbour solicitation/advertisement …" },
  [F_CODE] = { "icmpv6.code", "Code", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Detail within the type, e.g. for \"unreachable\": 4 means the port is closed." },
  [F_CHECKSUM] = { "icmpv6.checksum", "Checksum", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Checksum over the message and the IPv6 addresses, so corruption or misdelivery is noticed." },
  [F_CHECKSUM_STATUS] = { "icmpv6.checksum.status", "Checksum Status", IOT_FT_UINT8, IOT_BASE_NONE,
    checksum_status_names, 0,
    "Result of checking the checksum: good, bad, or not checked (when bytes are missing)." },
  [F_RESERVED] = { "icmpv6.reserved", "Reserved", IOT_FT_BYTES, .blurb =
    "Bytes this message type does not use; zero." },
  [F_MTU] = { "icmpv6.mtu", "MTU", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Largest packet the next link can carry; the sender must send smaller ones." },
  [F_POINTER] = { "icmpv6.pointer", "Pointer", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Offset of the byte in the quoted packet that caused the problem." },
  [F_ECHO_ID] = { "icmpv6.echo.identifier", "Identifier", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Number the pinging program picks to recognise its own replies." },
  [F_ECHO_SEQ] = { "icmpv6.echo.sequence_number", "Sequence", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Counter of the pings sent; a reply repeats its request's number." },
  [F_NS_TARGET] = { "icmpv6.nd.ns.target_address", "Target Address", IOT_FT_IPV6, .blurb =
    "The IPv6 address whose hardware address is asked for." },
  [F_NA_FLAG] = { "icmpv6.nd.na.flag", "Flags", IOT_FT_UINT32, IOT_BASE_HEX, NULL, 0,
    "Router, solicited and override bits of the advertisement." },
  [F_NA_FLAG_R] = { "icmpv6.nd.na.flag.r", "Router", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x80000000,
    "The sender is a router." },
  [F_NA_FLAG_S] = { "icmpv6.nd.na.flag.s", "Solicited", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x40000000,
    "This advertisement answers a solicitation." },
  [F_NA_FLAG_O] = { "icmpv6.nd.na.flag.o", "Override", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x20000000,
    "The receiver should replace any hardware address it already has cached for the target." },
  [F_NA_FLAG_RSV] = { "icmpv6.nd.na.flag.rsv", "Reserved", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0x1fffffff,
    "Unused; zero." },
  [F_NA_TARGET] = { "icmpv6.nd.na.target_address", "Target Address", IOT_FT_IPV6, .blurb =
    "The IPv6 address this advertisement gives the hardware address for." },
  [F_OPT_TYPE] = { "icmpv6.opt.type", "Type", IOT_FT_UINT8, IOT_BASE_DEC, opt_type_names, 0,
    "Kind of neighbour-discovery option." },
  [F_OPT_LENGTH] = { "icmpv6.opt.length", "Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Size of the option in 8-byte units." },
  [F_OPT_LINKADDR] = { "icmpv6.opt.linkaddr", "Link-layer address", IOT_FT_BYTES, IOT_BASE_SEP_COLON, .blurb =
    "A hardware (MAC) address carried in the option." },
  [F_OPT_SRC_LINKADDR] = { "icmpv6.opt.src_linkaddr", "Source Link-layer address", IOT_FT_BYTES, IOT_BASE_SEP_COLON, .blurb =
    "Hardware address of the sender of the message." },
  [F_OPT_TARGET_LINKADDR] = { "icmpv6.opt.target_linkaddr", "Target Link-layer address", IOT_FT_BYTES, IOT_BASE_SEP_COLON, .blurb =
    "Hardware address of the target the message is about." },
  [F_RESP_IN] = { "icmpv6.resp_in", "Response In", IOT_FT_FRAMENUM, .blurb =
    "Frame that carries the reply to this ping request." },
  [F_RESP_TO] = { "icmpv6.resp_to", "Response To", IOT_FT_FRAMENUM, .blurb =
    "Frame that carries the ping request this reply answers." },
  [F_RESPTIME] = { "icmpv6.resptime", "Response Time", IOT_FT_DOUBLE, .blurb =
    "Milliseconds between the request and this reply: the round-trip time ping reports." },
};

/* ---- request/reply matching ------------------------------------------- */

typedef IotMatcher Icmpv6State;

static gpointer
icmpv6_state_new (void)
{
  return iot_matcher_new ();
}

static void
icmpv6_state_free (gpointer data)
{
  iot_matcher_free (data);
}

/* First pass: remember requests, pair replies with them.  The key: the
 * identifier, the sequence number and the addresses, requester first. */
static void
record_echo (IotPacket *pkt, Icmpv6State *state, guint8 type, guint16 ident, guint16 seq)
{
  guint32 frame = iot_packet_frame_number (pkt);
  const IotAddress *src = iot_packet_net_src (pkt), *dst = iot_packet_net_dst (pkt);
  gboolean request = type == T_ECHO_REQUEST;
  guint8 key[4 + 2 * 16];

  key[0] = ident >> 8;
  key[1] = ident & 0xff;
  key[2] = seq >> 8;
  key[3] = seq & 0xff;
  memcpy (key + 4, (request ? src : dst)->bytes, 16);
  memcpy (key + 4 + 16, (request ? dst : src)->bytes, 16);
  if (request)
    iot_matcher_request (state, key, sizeof key, frame);
  else
    iot_matcher_response (state, key, sizeof key, frame);
}

static const char *
add_echo_match (IotPacket *pkt, Icmpv6State *state, int tree, guint8 type)
{
  guint32 frame = iot_packet_frame_number (pkt);
  guint32 peer = iot_matcher_peer (state, frame);
  int node;

  if (peer == 0)
    {
      const IotAddress *dst = iot_packet_net_dst (pkt);

      /* A ping to a group has no one reply to point to; say so as tshark does. */
      if (type == T_ECHO_REQUEST && dst->family == 6 && dst->bytes[0] == 0xff)
        return " (multicast)";
      return "";
    }
  if (type == T_ECHO_REQUEST)
    {
      node = iot_tree_add_uint (pkt, tree, &icmpv6_fields[F_RESP_IN], NULL, 0, 0, peer);
      iot_tree_set_generated (pkt, node);
      return iot_packet_strdup_printf (pkt, " (reply in %u)", peer);
    }
  node = iot_tree_add_uint (pkt, tree, &icmpv6_fields[F_RESP_TO], NULL, 0, 0, peer);
  iot_tree_set_generated (pkt, node);
  {
    gint64 delta = iot_packet_time_ns (pkt) - iot_frame_time_ns (pkt, peer);

    node = iot_tree_add_double (pkt, tree, &icmpv6_fields[F_RESPTIME], NULL, 0, 0, delta / 1e6);
    iot_tree_set_generated (pkt, node);
    iot_tree_set_label (pkt, node, "Response Time: %.3f ms", delta / 1e6);
  }
  return iot_packet_strdup_printf (pkt, " (request in %u)", peer);
}

/* ---- pieces --------------------------------------------------------- */

/* The checksum covers a pseudo-header: both addresses, the length and
 * the next-header value 58. */
static guint16
checksum_with_pseudo_header (const IotAddress *src, const IotAddress *dst, const guint8 *p, guint len)
{
  guint32 sum = 0;

  for (guint i = 0; i < 16; i += 2)
    sum += (guint32) src->bytes[i] << 8 | src->bytes[i + 1];
  for (guint i = 0; i < 16; i += 2)
    sum += (guint32) dst->bytes[i] << 8 | dst->bytes[i + 1];
  sum += len >> 16;
  sum += len & 0xffff;
  sum += 58;
  for (guint i = 0; i + 1 < len; i += 2)
    sum += (guint32) p[i] << 8 | p[i + 1];
  if (len & 1)
    sum += (guint32) p[len - 1] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (guint16) ~sum;
}

static void
add_checksum (IotPacket *pkt, int tree, IotBuf *buf)
{
  const IotAddress *src = iot_packet_net_src (pkt), *dst = iot_packet_net_dst (pkt);
  int node = iot_tree_add_item (pkt, tree, &icmpv6_fields[F_CHECKSUM], buf, 2, 2, FALSE);
  guint status = 2;

  if (buf->length == buf->reported && src->family == 6 && dst->family == 6)
    status = checksum_with_pseudo_header (src, dst, buf->data, buf->length) == 0 ? 1 : 0;
  iot_tree_append_label (pkt, node, " [%s]", status == 1 ? "correct" : status == 0 ? "incorrect" : "unverified");
  node = iot_tree_add_uint (pkt, tree, &icmpv6_fields[F_CHECKSUM_STATUS], buf, 2, 2, status);
  iot_tree_set_generated (pkt, node);
  iot_tree_set_label (pkt, node, "Checksum Status: %s", iot_value_name (checksum_status_names, status));
  if (status == 0)
    iot_expert_add_info (pkt, node, &icmpv6_experts[E_CHECKSUM], "Bad checksum");
}

static const char *
code_name (guint8 type, guint8 code)
{
  switch (type)
    {
    case T_UNREACH:
      return iot_value_name (unreach_codes, code);
    case T_TIME_EXCEEDED:
      return iot_value_name (time_exceeded_codes, code);
    case T_PARAM_PROBLEM:
      return iot_value_name (param_problem_codes, code);
    default:
      return NULL;
    }
}

static const char *
format_ipv6 (IotPacket *pkt, const guint8 *a)
{
  char text[64];

  if (inet_ntop (AF_INET6, a, text, sizeof text) == NULL)
    text[0] = '\0';
  return iot_packet_strndup (pkt, text, strlen (text));
}

/* Neighbour-discovery options; returns the link-layer address of the
 * first source/target link-layer option (for the Info column) or NULL. */
static const char *
dissect_nd_options (IotPacket *pkt, int parent, IotBuf *buf, guint off)
{
  const char *linkaddr = NULL;

  while (iot_buf_reported_remaining (buf, off) >= 2)
    {
      guint8 type = iot_buf_u8 (buf, off);
      guint len = iot_buf_u8 (buf, off + 1) * 8u;
      const char *name = iot_value_name (opt_type_names, type);
      int tree, node;

      if (len == 0)
        {
          iot_malformed (pkt, "ICMPv6 option with length 0");
        }
      iot_buf_check (buf, off, len);
      tree = iot_tree_add_text (pkt, parent, buf, off, len, "ICMPv6 Option (%s)", name ? name : "Unknown");
      iot_tree_add_item (pkt, tree, &icmpv6_fields[F_OPT_TYPE], buf, off, 1, FALSE);
      node = iot_tree_add_item (pkt, tree, &icmpv6_fields[F_OPT_LENGTH], buf, off + 1, 1, FALSE);
      iot_tree_append_label (pkt, node, " (%u bytes)", len);
      if ((type == 1 || type == 2) && len == 8)
        {
          const guint8 *mac = iot_buf_ptr (buf, off + 2, 6);
          const char *text = iot_packet_strdup_printf (pkt, "%02x:%02x:%02x:%02x:%02x:%02x",
                                                       mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);

          iot_tree_set_label (pkt, tree, "ICMPv6 Option (%s : %s)", name, text);
          iot_tree_add_item (pkt, tree, &icmpv6_fields[F_OPT_LINKADDR], buf, off + 2, 6, FALSE);
          iot_tree_set_hidden (pkt, iot_tree_add_item (pkt, tree,
                                                       &icmpv6_fields[type == 1 ? F_OPT_SRC_LINKADDR
                                                                                : F_OPT_TARGET_LINKADDR],
                                                       buf, off + 2, 6, FALSE));
          if (linkaddr == NULL)
            linkaddr = text;
        }
      off += len;
    }
  return linkaddr;
}

/* IPv6 packet quoted by an error message; inner layers must not take
 * over the outer packet's columns and addresses. */
static const char *
dissect_quoted_packet (IotPacket *pkt, Icmpv6State *state, int tree, IotBuf *buf, guint off)
{
  IotAddress src = *iot_packet_net_src (pkt), dst = *iot_packet_net_dst (pkt);
  guint16 sport, dport;
  IotBuf inner;

  const char *info, *note = NULL;

  if (iot_buf_reported_remaining (buf, off) == 0)
    return NULL;
  iot_packet_get_ports (pkt, &sport, &dport);
  inner = iot_buf_sub (buf, off, -1);
  iot_packet_set_in_error (pkt, TRUE);
  if (iot_call_table (pkt, "ip.version", 6, &inner, tree) < 0)
    iot_call_data (pkt, &inner, tree);
  iot_packet_set_in_error (pkt, FALSE);
  iot_packet_set_net_src (pkt, &src);
  iot_packet_set_net_dst (pkt, &dst);
  iot_packet_set_ports (pkt, sport, dport);
  /* The outer Info replaces whatever the inner layers wrote, except the
   * note that they were cut short. */
  info = iot_col_info (pkt);
  if (strstr (info, "[Packet size limited during capture]") != NULL)
    note = " [Packet size limited during capture]";
  else if (strstr (info, "[Malformed Packet]") != NULL)
    note = " [Malformed Packet]";
  return note;
}

extern IotDissector iot_dissector_icmpv6;

static int
dissect_icmpv6 (IotPacket *pkt, IotBuf *buf, int parent)
{
  Icmpv6State *state = iot_packet_state (pkt, &iot_dissector_icmpv6);
  gboolean quoted = iot_packet_in_error (pkt);
  guint8 type = iot_buf_u8 (buf, 0), code = iot_buf_u8 (buf, 1);
  const char *type_str = iot_value_name (type_names, type);
  const char *code_str = code_name (type, code);
  const char *info = NULL, *quoted_note = NULL;
  int tree, node;

  if (!quoted)
    {
      /* Early, so that a truncated message still says what it is. */
      iot_col_set_protocol (pkt, "ICMPv6");
      if (type_str != NULL && code_str != NULL)
        iot_col_printf_info (pkt, "%s (%s)", type_str, code_str);
      else
        iot_col_set_info (pkt, type_str ? type_str : "Unknown");
    }
  tree = iot_tree_add_protocol (pkt, parent, &icmpv6_fields[F_PROTO], buf, 0, -1);
  node = iot_tree_add_item (pkt, tree, &icmpv6_fields[F_TYPE], buf, 0, 1, FALSE);
  node = iot_tree_add_item (pkt, tree, &icmpv6_fields[F_CODE], buf, 1, 1, FALSE);
  if (code_str != NULL)
    iot_tree_set_label (pkt, node, "Code: %u (%s)", code, code_str);
  add_checksum (pkt, tree, buf);

  switch (type)
    {
    case T_ECHO_REQUEST:
    case T_ECHO_REPLY:
      {
        guint16 ident = iot_buf_u16 (buf, 4), seq = iot_buf_u16 (buf, 6);
        const char *tail = "";

        iot_tree_add_item (pkt, tree, &icmpv6_fields[F_ECHO_ID], buf, 4, 2, FALSE);
        iot_tree_add_item (pkt, tree, &icmpv6_fields[F_ECHO_SEQ], buf, 6, 2, FALSE);
        if (!quoted)
          {
            if (iot_packet_first_pass (pkt))
              record_echo (pkt, state, type, ident, seq);
            tail = add_echo_match (pkt, state, tree, type);
          }
        info = iot_packet_strdup_printf (pkt, "%s id=0x%04x, seq=%u, hop limit=%u%s", type_str, ident, seq,
                                         iot_ipv6_current_hop_limit (pkt), tail);
        if (iot_buf_reported_remaining (buf, 8) > 0)
          {
            IotBuf data = iot_buf_sub (buf, 8, -1);

            iot_call_data (pkt, &data, tree);
          }
      }
      break;

    case T_NS:
      {
        const char *target, *from;

        iot_tree_add_item (pkt, tree, &icmpv6_fields[F_RESERVED], buf, 4, 4, FALSE);
        iot_tree_add_item (pkt, tree, &icmpv6_fields[F_NS_TARGET], buf, 8, 16, FALSE);
        target = format_ipv6 (pkt, iot_buf_ptr (buf, 8, 16));
        from = dissect_nd_options (pkt, tree, buf, 24);
        info = iot_packet_strdup_printf (pkt, "Neighbor Solicitation for %s%s%s", target,
                                         from ? " from " : "", from ? from : "");
      }
      break;

    case T_NA:
      {
        guint32 flags = iot_buf_u32 (buf, 4);
        const char *target, *at;
        GString *list = g_string_new (NULL);

        if (flags & 0x80000000)
          g_string_append (list, "rtr, ");
        if (flags & 0x40000000)
          g_string_append (list, "sol, ");
        if (flags & 0x20000000)
          g_string_append (list, "ovr, ");
        if (list->len > 0)
          g_string_truncate (list, list->len - 2);
        node = iot_tree_add_item (pkt, tree, &icmpv6_fields[F_NA_FLAG], buf, 4, 4, FALSE);
        iot_tree_set_label (pkt, node, "Flags: 0x%08x%s%s%s", flags, flags & 0x80000000 ? ", Router" : "",
                            flags & 0x40000000 ? ", Solicited" : "", flags & 0x20000000 ? ", Override" : "");
        iot_tree_add_item (pkt, node, &icmpv6_fields[F_NA_FLAG_R], buf, 4, 4, FALSE);
        iot_tree_add_item (pkt, node, &icmpv6_fields[F_NA_FLAG_S], buf, 4, 4, FALSE);
        iot_tree_add_item (pkt, node, &icmpv6_fields[F_NA_FLAG_O], buf, 4, 4, FALSE);
        iot_tree_add_item (pkt, node, &icmpv6_fields[F_NA_FLAG_RSV], buf, 4, 4, FALSE);
        iot_tree_add_item (pkt, tree, &icmpv6_fields[F_NA_TARGET], buf, 8, 16, FALSE);
        target = format_ipv6 (pkt, iot_buf_ptr (buf, 8, 16));
        at = dissect_nd_options (pkt, tree, buf, 24);
        info = iot_packet_strdup_printf (pkt, "Neighbor Advertisement %s%s%s%s%s%s", target,
                                         list->len ? " (" : "", list->str, list->len ? ")" : "",
                                         at ? " is at " : "", at ? at : "");
        info = iot_packet_strndup (pkt, info, strlen (info));
        g_string_free (list, TRUE);
      }
      break;

    case T_RS:
      {
        const char *from;

        iot_tree_add_item (pkt, tree, &icmpv6_fields[F_RESERVED], buf, 4, 4, FALSE);
        from = dissect_nd_options (pkt, tree, buf, 8);
        info = iot_packet_strdup_printf (pkt, "Router Solicitation%s%s", from ? " from " : "", from ? from : "");
      }
      break;

    case T_UNREACH:
    case T_TOO_BIG:
    case T_TIME_EXCEEDED:
    case T_PARAM_PROBLEM:
      if (type == T_TOO_BIG)
        iot_tree_add_item (pkt, tree, &icmpv6_fields[F_MTU], buf, 4, 4, FALSE);
      else if (type == T_PARAM_PROBLEM)
        iot_tree_add_item (pkt, tree, &icmpv6_fields[F_POINTER], buf, 4, 4, FALSE);
      else
        iot_tree_add_item (pkt, tree, &icmpv6_fields[F_RESERVED], buf, 4, 4, FALSE);
      if (!quoted)
        quoted_note = dissect_quoted_packet (pkt, state, tree, buf, 8);
      break;

    default:
      if (iot_buf_reported_remaining (buf, 4) > 0)
        {
          IotBuf data = iot_buf_sub (buf, 4, -1);

          iot_call_data (pkt, &data, tree);
        }
      break;
    }

  if (quoted)
    return buf->length;
  iot_col_set_protocol (pkt, "ICMPv6");
  if (info == NULL)
    {
      if (type_str == NULL)
        info = iot_packet_strdup_printf (pkt, "Unknown (%u)", type);
      else if (code_str != NULL)
        info = iot_packet_strdup_printf (pkt, "%s (%s)", type_str, code_str);
      else
        info = type_str;
    }
  iot_col_set_info (pkt, info);
  if (quoted_note != NULL)
    iot_col_append_info (pkt, "%s", quoted_note);
  return buf->length;
}

IotDissector iot_dissector_icmpv6 = {
  .name = "ICMPv6",
  .abbrev = "icmpv6",
  .long_name = "Internet Control Message Protocol v6",
  .fields = icmpv6_fields,
  .n_fields = N_FIELDS,
  .experts = icmpv6_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_icmpv6,
  .handoff = { { "ip.proto", 58 } },
  .state_new = icmpv6_state_new,
  .state_free = icmpv6_state_free,
};
