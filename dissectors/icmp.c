/* icmp.c — Internet Control Message Protocol (for IPv4): ping, and the
 * error reports routers and hosts send back about packets they could
 * not deliver. */
#include "iot-dissector.h"
#include "ip.h"

#include <stdlib.h>
#include <string.h>

enum {
  F_PROTO,
  F_TYPE,
  F_CODE,
  F_CHECKSUM,
  F_CHECKSUM_STATUS,
  F_UNUSED,
  F_IDENT,
  F_IDENT_LE,
  F_SEQ,
  F_SEQ_LE,
  F_MTU,
  F_POINTER,
  F_GATEWAY,
  F_RESP_IN,
  F_RESP_TO,
  F_RESPTIME,
  F_DATA_TIME,
  F_DATA_TIME_RELATIVE,
  N_FIELDS
};

#define T_ECHO_REPLY   0
#define T_UNREACH      3
#define T_SOURCE_QUENCH 4
#define T_REDIRECT     5
#define T_ECHO_REQUEST 8
#define T_TIME_EXCEEDED 11
#define T_PARAM_PROBLEM 12

#define NS_PER_SEC G_GINT64_CONSTANT (1000000000)

static const IotValueName type_names[] = {
  { 0, "Echo (ping) reply" },
  { 3, "Destination unreachable" },
  { 4, "Source quench (flow control)" },
  { 5, "Redirect" },
  { 8, "Echo (ping) request" },
  { 9, "Router advertisement" },
  { 10, "Router solicitation" },
  { 11, "Time-to-live exceeded" },
  { 12, "Parameter problem" },
  { 13, "Timestamp request" },
  { 14, "Timestamp reply" },
  { 15, "Information request" },
  { 16, "Information reply" },
  { 17, "Address mask request" },
  { 18, "Address mask reply" },
  IOT_VALUE_NAMES_END
};

static const IotValueName unreach_codes[] = {
  { 0, "Network unreachable" },
  { 1, "Host unreachable" },
  { 2, "Protocol unreachable" },
  { 3, "Port unreachable" },
  { 4, "Fragmentation needed" },
  { 5, "Source route failed" },
  { 6, "Destination network unknown" },
  { 7, "Destination host unknown" },
  { 8, "Source host isolated" },
  { 9, "Network administratively prohibited" },
  { 10, "Host administratively prohibited" },
  { 11, "Network unreachable for TOS" },
  { 12, "Host unreachable for TOS" },
  { 13, "Communication administratively filtered" },
  { 14, "Host precedence violation" },
  { 15, "Precedence cutoff in effect" },
  IOT_VALUE_NAMES_END
};

static const IotValueName redirect_codes[] = {
  { 0, "Redirect for network" },
  { 1, "Redirect for host" },
  { 2, "Redirect for TOS and network" },
  { 3, "Redirect for TOS and host" },
  IOT_VALUE_NAMES_END
};

static const IotValueName time_exceeded_codes[] = {
  { 0, "Time to live exceeded in transit" },
  { 1, "Fragment reassembly time exceeded" },
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

static IotExpertInfo icmp_experts[N_EXPERTS] = {
  [E_CHECKSUM] = IOT_EXPERT_INFO ("icmp.checksum_bad", IOT_SEV_WARN, IOT_GROUP_CHECKSUM, "Bad checksum",
                              "The checksum computed over the message differs from the one sent."),
};

static IotField icmp_fields[N_FIELDS] = {
  [F_PROTO] = { "icmp", "Internet Control Message Protocol", IOT_FT_PROTOCOL, .blurb =
    "Control messages of IPv4: ping requests and replies, and error reports such as \"port unreachable\"." },
  [F_TYPE] = { "icmp.type", "Type", IOT_FT_UINT8, IOT_BASE_DEC, type_names, 0,
    "Kind of message: 8 ping request, 0 ping reply, 3 destination unreachable, 11 time exceeded …" },
  [F_CODE] = { "icmp.code", "Code", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Detail within the type, e.g. for \"unreachable\": 1 host, 3 port, 4 fragmentation needed." },
  [F_CHECKSUM] = { "icmp.checksum", "Checksum", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Checksum over the whole ICMP message, so the receiver can detect corruption." },
  [F_CHECKSUM_STATUS] = { "icmp.checksum.status", "Checksum Status", IOT_FT_UINT8, IOT_BASE_NONE,
    checksum_status_names, 0,
    "Result of checking the checksum: good, bad, or not checked (when bytes are missing)." },
  [F_UNUSED] = { "icmp.unused", "Unused", IOT_FT_BYTES, .blurb =
    "Four bytes this message type does not use; zero." },
  [F_IDENT] = { "icmp.ident", "Identifier (BE)", IOT_FT_UINT16, IOT_BASE_DEC_HEX, NULL, 0,
    "Number the pinging program picks (often its process id) to recognise its own replies, read big-endian." },
  [F_IDENT_LE] = { "icmp.ident_le", "Identifier (LE)", IOT_FT_UINT16, IOT_BASE_DEC_HEX, NULL, 0,
    "The same identifier read little-endian, as some systems write it." },
  [F_SEQ] = { "icmp.seq", "Sequence Number (BE)", IOT_FT_UINT16, IOT_BASE_DEC_HEX, NULL, 0,
    "Counter of the pings sent (1, 2, 3 …), read big-endian; a reply repeats its request's number." },
  [F_SEQ_LE] = { "icmp.seq_le", "Sequence Number (LE)", IOT_FT_UINT16, IOT_BASE_DEC_HEX, NULL, 0,
    "The same sequence number read little-endian." },
  [F_MTU] = { "icmp.mtu", "MTU of next hop", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Largest packet the next link can carry: the sender should send smaller packets (path MTU discovery)." },
  [F_POINTER] = { "icmp.pointer", "Pointer", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Offset of the byte in the quoted header that caused the problem." },
  [F_GATEWAY] = { "icmp.redir_gw", "Gateway address", IOT_FT_IPV4, .blurb =
    "Better router the sender should use for this destination." },
  [F_RESP_IN] = { "icmp.resp_in", "Response frame", IOT_FT_FRAMENUM, .blurb =
    "Frame that carries the reply to this ping request." },
  [F_RESP_TO] = { "icmp.resp_to", "Request frame", IOT_FT_FRAMENUM, .blurb =
    "Frame that carries the ping request this reply answers." },
  [F_RESPTIME] = { "icmp.resptime", "Response time", IOT_FT_DOUBLE, .blurb =
    "Milliseconds between the request and this reply: the round-trip time ping reports." },
  [F_DATA_TIME] = { "icmp.data_time", "Timestamp from icmp data", IOT_FT_ABSOLUTE_TIME, IOT_BASE_TIME_LOCAL,
    NULL, 0, "Send time the ping program wrote at the start of the data." },
  [F_DATA_TIME_RELATIVE] = { "icmp.data_time_relative", "Timestamp from icmp data (relative)",
    IOT_FT_RELATIVE_TIME, .blurb =
    "Time between the send time written in the data and the moment the capture saw the packet." },
};

/* ---- request/reply matching ------------------------------------------- */

typedef IotMatcher IcmpState;

static gpointer
icmp_state_new (void)
{
  return iot_matcher_new ();
}

static void
icmp_state_free (gpointer data)
{
  iot_matcher_free (data);
}

/* First pass: remember requests, pair replies with them.  The key: the
 * identifier, the sequence number and the addresses, requester first. */
static void
record_echo (IotPacket *pkt, IcmpState *state, guint8 type, guint16 ident, guint16 seq)
{
  guint32 frame = iot_packet_frame_number (pkt);
  const IotAddress *src = iot_packet_net_src (pkt), *dst = iot_packet_net_dst (pkt);
  gboolean request = type == T_ECHO_REQUEST;
  guint8 key[4 + 2 * 4];

  key[0] = ident >> 8;
  key[1] = ident & 0xff;
  key[2] = seq >> 8;
  key[3] = seq & 0xff;
  memcpy (key + 4, (request ? src : dst)->bytes, 4);
  memcpy (key + 4 + 4, (request ? dst : src)->bytes, 4);
  if (request)
    iot_matcher_request (state, key, sizeof key, frame);
  else
    iot_matcher_response (state, key, sizeof key, frame);
}

/* Adds the resp_in / resp_to rows; returns the Info suffix. */
static const char *
add_echo_match (IotPacket *pkt, IcmpState *state, int tree, guint8 type)
{
  guint32 frame = iot_packet_frame_number (pkt);
  guint32 peer = iot_matcher_peer (state, frame);
  int node;

  if (type == T_ECHO_REQUEST)
    {
      if (peer == 0)
        return iot_packet_first_pass (pkt) ? "" : " (no response found!)";
      node = iot_tree_add_uint (pkt, tree, &icmp_fields[F_RESP_IN], NULL, 0, 0, peer);
      iot_tree_set_generated (pkt, node);
      return iot_packet_strdup_printf (pkt, " (reply in %u)", peer);
    }
  if (peer == 0)
    return "";
  node = iot_tree_add_uint (pkt, tree, &icmp_fields[F_RESP_TO], NULL, 0, 0, peer);
  iot_tree_set_generated (pkt, node);
  {
    gint64 delta = iot_packet_time_ns (pkt) - iot_frame_time_ns (pkt, peer);

    node = iot_tree_add_double (pkt, tree, &icmp_fields[F_RESPTIME], NULL, 0, 0, delta / 1e6);
    iot_tree_set_generated (pkt, node);
    iot_tree_set_label (pkt, node, "Response time: %.3f ms", delta / 1e6);
  }
  return iot_packet_strdup_printf (pkt, " (request in %u)", peer);
}

/* ---- pieces --------------------------------------------------------- */

static guint16
internet_checksum (const guint8 *p, guint len)
{
  guint32 sum = 0;

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
  int node = iot_tree_add_item (pkt, tree, &icmp_fields[F_CHECKSUM], buf, 2, 2, FALSE);
  guint status = 2;

  /* Only a complete message can be checked. */
  if (buf->length == buf->reported)
    status = internet_checksum (buf->data, buf->length) == 0 ? 1 : 0;
  iot_tree_append_label (pkt, node, " [%s]", status == 1 ? "correct" : status == 0 ? "incorrect" : "unverified");
  node = iot_tree_add_uint (pkt, tree, &icmp_fields[F_CHECKSUM_STATUS], buf, 2, 2, status);
  iot_tree_set_generated (pkt, node);
  iot_tree_set_label (pkt, node, "Checksum Status: %s", iot_value_name (checksum_status_names, status));
  if (status == 0)
    iot_expert_add_info (pkt, node, &icmp_experts[E_CHECKSUM], "Bad checksum");
}

/* Ping programs often start the data with their send time (seconds and
 * microseconds, in either byte order).  Accepted only when it lies within
 * a day of the capture time, as Wireshark does. */
static guint
add_data_time (IotPacket *pkt, int tree, IotBuf *buf, guint off)
{
  gint64 now = iot_packet_time_ns (pkt);
  gint64 now_secs = now / NS_PER_SEC;
  guint32 secs, usecs;
  gint64 ts;
  int node;

  if (!iot_buf_has (buf, off, 8))
    return off;
  secs = iot_buf_u32 (buf, off);
  usecs = iot_buf_u32 (buf, off + 4);
  if (labs ((long) (gint32) (secs - (guint32) now_secs)) >= 3600 * 24 || usecs >= 1000000)
    {
      secs = iot_buf_u32le (buf, off);
      usecs = iot_buf_u32le (buf, off + 4);
    }
  if (labs ((long) (gint32) (secs - (guint32) now_secs)) >= 3600 * 24 || usecs >= 1000000)
    return off;
  ts = (now_secs + (gint32) (secs - (guint32) now_secs)) * NS_PER_SEC + (gint64) usecs * 1000;
  iot_tree_add_time (pkt, tree, &icmp_fields[F_DATA_TIME], buf, off, 8, ts);
  node = iot_tree_add_time (pkt, tree, &icmp_fields[F_DATA_TIME_RELATIVE], buf, off, 8, now - ts);
  iot_tree_set_generated (pkt, node);
  return off + 8;
}

static const char *
code_name (guint8 type, guint8 code)
{
  switch (type)
    {
    case T_UNREACH:
      return iot_value_name (unreach_codes, code);
    case T_REDIRECT:
      return iot_value_name (redirect_codes, code);
    case T_TIME_EXCEEDED:
      return iot_value_name (time_exceeded_codes, code);
    default:
      return NULL;
    }
}

/* The header of the packet that caused the error, and as much of its
 * payload as the sender quoted, dissected as an inner IPv4 packet.  The
 * inner layers must not take over the columns of the outer packet. */
static const char *
dissect_quoted_packet (IotPacket *pkt, IcmpState *state, int tree, IotBuf *buf, guint off)
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
  if (iot_call_table (pkt, "ip.version", 4, &inner, tree) < 0)
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

extern IotDissector iot_dissector_icmp;

static int
dissect_icmp (IotPacket *pkt, IotBuf *buf, int parent)
{
  IcmpState *state = iot_packet_state (pkt, &iot_dissector_icmp);
  gboolean quoted = iot_packet_in_error (pkt);
  guint8 type = iot_buf_u8 (buf, 0), code = iot_buf_u8 (buf, 1);
  const char *type_str = iot_value_name (type_names, type);
  const char *code_str = code_name (type, code);
  const char *info_tail = "", *quoted_note = NULL;
  int tree, node;

  if (!quoted)
    {
      /* Early, so that a truncated message still says what it is. */
      iot_col_set_protocol (pkt, "ICMP");
      if (type_str != NULL && code_str != NULL)
        iot_col_printf_info (pkt, "%-20s (%s)", type_str, code_str);
      else
        iot_col_set_info (pkt, type_str ? type_str : "Unknown ICMP (obsolete or malformed?)");
    }
  tree = iot_tree_add_protocol (pkt, parent, &icmp_fields[F_PROTO], buf, 0, -1);
  node = iot_tree_add_item (pkt, tree, &icmp_fields[F_TYPE], buf, 0, 1, FALSE);
  iot_tree_set_label (pkt, node, "Type: %u (%s)", type, type_str ? type_str : "Unknown ICMP (obsolete or malformed?)");
  node = iot_tree_add_item (pkt, tree, &icmp_fields[F_CODE], buf, 1, 1, FALSE);
  if (code_str != NULL)
    iot_tree_set_label (pkt, node, "Code: %u (%s)", code, code_str);
  add_checksum (pkt, tree, buf);

  switch (type)
    {
    case T_ECHO_REQUEST:
    case T_ECHO_REPLY:
      {
        guint16 ident = iot_buf_u16 (buf, 4), seq = iot_buf_u16 (buf, 6);
        guint off;

        iot_tree_add_item (pkt, tree, &icmp_fields[F_IDENT], buf, 4, 2, FALSE);
        iot_tree_add_item (pkt, tree, &icmp_fields[F_IDENT_LE], buf, 4, 2, TRUE);
        iot_tree_add_item (pkt, tree, &icmp_fields[F_SEQ], buf, 6, 2, FALSE);
        iot_tree_add_item (pkt, tree, &icmp_fields[F_SEQ_LE], buf, 6, 2, TRUE);
        if (!quoted)
          {
            if (iot_packet_first_pass (pkt))
              record_echo (pkt, state, type, ident, seq);
            info_tail = add_echo_match (pkt, state, tree, type);
          }
        if (iot_packet_wants_columns (pkt) && !quoted)
          iot_col_printf_info (pkt, "%-20s id=0x%04x, seq=%u/%u, ttl=%u%s",
                                                           type_str, ident, seq, GUINT16_SWAP_LE_BE (seq),
                                                           iot_ip_current_ttl (pkt), info_tail);
        off = add_data_time (pkt, tree, buf, 8);
        if (iot_buf_reported_remaining (buf, off) > 0)
          {
            IotBuf data = iot_buf_sub (buf, off, -1);

            iot_call_data (pkt, &data, tree);
          }
      }
      break;

    case T_UNREACH:
    case T_SOURCE_QUENCH:
    case T_REDIRECT:
    case T_TIME_EXCEEDED:
    case T_PARAM_PROBLEM:
      if (type == T_UNREACH && code == 4)
        {
          iot_tree_add_item (pkt, tree, &icmp_fields[F_UNUSED], buf, 4, 2, FALSE);
          iot_tree_add_item (pkt, tree, &icmp_fields[F_MTU], buf, 6, 2, FALSE);
        }
      else if (type == T_REDIRECT)
        iot_tree_add_item (pkt, tree, &icmp_fields[F_GATEWAY], buf, 4, 4, FALSE);
      else if (type == T_PARAM_PROBLEM)
        iot_tree_add_uint (pkt, tree, &icmp_fields[F_POINTER], buf, 4, 1, iot_buf_u8 (buf, 4));
      else
        iot_tree_add_item (pkt, tree, &icmp_fields[F_UNUSED], buf, 4, 4, FALSE);
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
  /* After any quoted packet, so its layers cannot overwrite these. */
  iot_col_set_protocol (pkt, "ICMP");
  if (type != T_ECHO_REQUEST && type != T_ECHO_REPLY)
    {
      if (type_str == NULL)
        iot_col_printf_info (pkt, "Unknown ICMP (obsolete or malformed?) (type %u)", type);
      else if (code_str != NULL)
        iot_col_printf_info (pkt, "%-20s (%s)", type_str, code_str);
      else
        iot_col_set_info (pkt, type_str);
      if (quoted_note != NULL)
        iot_col_append_info (pkt, "%s", quoted_note);
    }
  return buf->length;
}

IotDissector iot_dissector_icmp = {
  .name = "ICMP",
  .abbrev = "icmp",
  .long_name = "Internet Control Message Protocol",
  .fields = icmp_fields,
  .n_fields = N_FIELDS,
  .experts = icmp_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_icmp,
  .handoff = { { "ip.proto", 1 } },
  .state_new = icmp_state_new,
  .state_free = icmp_state_free,
};
