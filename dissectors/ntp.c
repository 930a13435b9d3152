/* ntp.c — Network Time Protocol (RFC 5905): how devices set their clocks.
 * A client sends its transmit time; the server answers with the time it
 * received the request and the time it sent the answer, from which the
 * client works out both the clock offset and the network delay.
 *
 * Only the ordinary time packets (modes 1–5) are decoded field by field;
 * control (6) and private (7) messages are shown as data.
 */
#include "iot-dissector.h"

#include <string.h>

extern IotDissector iot_dissector_ntp;

enum {
  F_PROTO,
  F_FLAGS,
  F_FLAGS_LI,
  F_FLAGS_VN,
  F_FLAGS_MODE,
  F_RESPONSE_IN,
  F_REQUEST_IN,
  F_DELTA_TIME,
  F_STRATUM,
  F_PPOLL,
  F_PRECISION,
  F_ROOTDELAY,
  F_ROOTDISPERSION,
  F_REFID,
  F_REFTIME,
  F_ORG,
  F_REC,
  F_XMT,
  F_KEYID,
  F_MAC,
  N_FIELDS
};

enum {
  MODE_SYM_ACTIVE = 1,
  MODE_SYM_PASSIVE = 2,
  MODE_CLIENT = 3,
  MODE_SERVER = 4,
  MODE_BROADCAST = 5,
  MODE_CONTROL = 6,
  MODE_PRIVATE = 7,
};

#define NS_PER_SEC G_GINT64_CONSTANT (1000000000)
/* Seconds from 1900 (NTP era 0) to 1970, and from 1970 to the start of
 * NTP era 1 (7 February 2036). */
#define NTP_1900_TO_1970 G_GINT64_CONSTANT (2208988800)
#define NTP_1970_TO_2036 G_GINT64_CONSTANT (2085978496)

static const IotValueName li_names[] = {
  { 0, "no warning" },
  { 1, "last minute of the day has 61 seconds" },
  { 2, "last minute of the day has 59 seconds" },
  { 3, "unknown (clock unsynchronized)" },
  IOT_VALUE_NAMES_END
};

static const IotValueName vn_names[] = {
  { 0, "reserved" },
  { 1, "NTP Version 1" },
  { 2, "NTP Version 2" },
  { 3, "NTP Version 3" },
  { 4, "NTP Version 4" },
  { 5, "reserved" },
  { 6, "reserved" },
  { 7, "reserved" },
  IOT_VALUE_NAMES_END
};

static const IotValueName mode_names[] = {
  { 0, "reserved" },
  { 1, "symmetric active" },
  { 2, "symmetric passive" },
  { 3, "client" },
  { 4, "server" },
  { 5, "broadcast" },
  { 6, "reserved for NTP control message" },
  { 7, "reserved for private use" },
  IOT_VALUE_NAMES_END
};

static IotField ntp_fields[N_FIELDS] = {
  [F_PROTO] = { "ntp", "Network Time Protocol", IOT_FT_PROTOCOL, .blurb =
    "NTP: clock synchronisation. Clients ask servers for the time and correct for the network delay." },
  [F_FLAGS] = { "ntp.flags", "Flags", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "First byte: leap-second warning, protocol version and the sender's role (mode)." },
  [F_FLAGS_LI] = { "ntp.flags.li", "Leap Indicator", IOT_FT_UINT8, IOT_BASE_DEC, li_names, 0xc0,
    "Warns of a leap second at the end of the day; 3 means the sender's clock is not synchronised." },
  [F_FLAGS_VN] = { "ntp.flags.vn", "Version number", IOT_FT_UINT8, IOT_BASE_DEC, vn_names, 0x38,
    "NTP version the sender speaks (4 today)." },
  [F_FLAGS_MODE] = { "ntp.flags.mode", "Mode", IOT_FT_UINT8, IOT_BASE_DEC, mode_names, 0x07,
    "Role of the sender: 3 client asking, 4 server answering, 5 broadcast, 1/2 peers." },
  [F_RESPONSE_IN] = { "ntp.response_in", "Response In", IOT_FT_FRAMENUM, .blurb =
    "Frame carrying the server's answer to this request." },
  [F_REQUEST_IN] = { "ntp.request_in", "Request In", IOT_FT_FRAMENUM, .blurb =
    "Frame carrying the client's request this packet answers." },
  [F_DELTA_TIME] = { "ntp.delta_time", "Delta Time", IOT_FT_RELATIVE_TIME, .blurb =
    "Seconds between the request and this answer, as seen by the capture." },
  [F_STRATUM] = { "ntp.stratum", "Peer Clock Stratum", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Distance from a reference clock: 1 is attached to one (GPS, atomic), 2 syncs from a 1, and so on; 0 unknown." },
  [F_PPOLL] = { "ntp.ppoll", "Peer Polling Interval", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "How often the sender polls, as a power of two seconds (6 = every 64 s)." },
  [F_PRECISION] = { "ntp.precision", "Peer Clock Precision", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Resolution of the sender's clock as a signed power of two seconds (-20 is about a microsecond)." },
  [F_ROOTDELAY] = { "ntp.rootdelay", "Root Delay", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Round-trip delay to the reference clock, in 1/65536 seconds." },
  [F_ROOTDISPERSION] = { "ntp.rootdispersion", "Root Dispersion", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "The sender's estimate of its maximum error relative to the reference clock, in 1/65536 seconds." },
  [F_REFID] = { "ntp.refid", "Reference ID", IOT_FT_BYTES, .blurb =
    "Which clock the sender follows: four letters for a reference clock (GPS, PPS …), else the upstream server's address." },
  [F_REFTIME] = { "ntp.reftime", "Reference Timestamp", IOT_FT_ABSOLUTE_TIME, IOT_BASE_TIME_NTP_UTC, NULL, 0,
    "When the sender's clock was last set or corrected." },
  [F_ORG] = { "ntp.org", "Origin Timestamp", IOT_FT_ABSOLUTE_TIME, IOT_BASE_TIME_NTP_UTC, NULL, 0,
    "In an answer: the transmit time copied from the request it answers (T1)." },
  [F_REC] = { "ntp.rec", "Receive Timestamp", IOT_FT_ABSOLUTE_TIME, IOT_BASE_TIME_NTP_UTC, NULL, 0,
    "When the server received the request (T2)." },
  [F_XMT] = { "ntp.xmt", "Transmit Timestamp", IOT_FT_ABSOLUTE_TIME, IOT_BASE_TIME_NTP_UTC, NULL, 0,
    "When this packet left the sender (T1 in a request, T3 in an answer)." },
  [F_KEYID] = { "ntp.keyid", "Key ID", IOT_FT_BYTES, .blurb =
    "Which shared key signed the packet (symmetric-key authentication)." },
  [F_MAC] = { "ntp.mac", "Message Authentication Code", IOT_FT_BYTES, .blurb =
    "Cryptographic checksum proving the packet came from a holder of the key." },
};

/* ---- request/response matching ------------------------------------------ */

typedef struct {
  guint32 req_frame;
  guint32 resp_frame;
  gint64  req_time;
} NtpTrans;

typedef struct {
  GHashTable *trans;    /* "conversation/transmit timestamp" -> NtpTrans */
} NtpState;

static gpointer
ntp_state_new (void)
{
  NtpState *st = g_new0 (NtpState, 1);

  st->trans = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return st;
}

static void
ntp_state_free (gpointer p)
{
  NtpState *st = p;

  g_hash_table_destroy (st->trans);
  g_free (st);
}

static void
append_endpoint (GString *key, const IotAddress *addr, guint16 port)
{
  guint n = addr->family == 6 ? 16 : addr->family == 4 ? 4 : 6;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (key, "%02x", addr->bytes[i]);
  g_string_append_printf (key, ":%u", port);
}

/* A request is known by its transmit timestamp, which the answer copies
 * into its origin timestamp; both directions share the conversation key. */
static char *
trans_key (IotPacket *pkt, guint64 stamp)
{
  g_autoptr (GString) a = g_string_new (NULL);
  g_autoptr (GString) b = g_string_new (NULL);
  guint16 sport, dport;

  iot_packet_get_ports (pkt, &sport, &dport);
  append_endpoint (a, iot_packet_net_src (pkt), sport);
  append_endpoint (b, iot_packet_net_dst (pkt), dport);
  if (strcmp (a->str, b->str) > 0)
    return g_strdup_printf ("%s-%s/%016" G_GINT64_MODIFIER "x", b->str, a->str, stamp);
  return g_strdup_printf ("%s-%s/%016" G_GINT64_MODIFIER "x", a->str, b->str, stamp);
}

static void
add_match (IotPacket *pkt, int tree, guint8 mode, guint64 org, guint64 xmt)
{
  NtpState *st = iot_packet_state (pkt, &iot_dissector_ntp);
  guint32 frame = iot_packet_frame_number (pkt);
  g_autofree char *key = NULL;
  NtpTrans *t;
  int node;

  if (mode == MODE_CLIENT)
    {
      key = trans_key (pkt, xmt);
      if (iot_packet_first_pass (pkt) && !g_hash_table_contains (st->trans, key))
        {
          t = g_new0 (NtpTrans, 1);
          t->req_frame = frame;
          t->req_time = iot_packet_time_ns (pkt);
          g_hash_table_insert (st->trans, g_strdup (key), t);
        }
      t = g_hash_table_lookup (st->trans, key);
      if (t != NULL && t->req_frame == frame && t->resp_frame != 0)
        {
          node = iot_tree_add_uint (pkt, tree, &ntp_fields[F_RESPONSE_IN], NULL, 0, 0, t->resp_frame);
          iot_tree_set_generated (pkt, node);
        }
    }
  else if (mode == MODE_SERVER)
    {
      key = trans_key (pkt, org);
      t = g_hash_table_lookup (st->trans, key);
      if (t == NULL || t->req_frame >= frame)
        return;
      if (iot_packet_first_pass (pkt) && t->resp_frame == 0)
        t->resp_frame = frame;
      if (t->resp_frame != frame)
        return;
      node = iot_tree_add_uint (pkt, tree, &ntp_fields[F_REQUEST_IN], NULL, 0, 0, t->req_frame);
      iot_tree_set_generated (pkt, node);
      node = iot_tree_add_time (pkt, tree, &ntp_fields[F_DELTA_TIME], NULL, 0, 0,
                                iot_packet_time_ns (pkt) - t->req_time);
      iot_tree_set_generated (pkt, node);
    }
}

/* ---- fields ------------------------------------------------------------------ */

/* An NTP timestamp (seconds since 1900 . 32-bit fraction) as ns since 1970.
 * Seconds with the top bit clear belong to era 1 (from 2036), as RFC 4330
 * suggests; all-zero means "no time" and maps to 0. */
static gint64
ntp_to_ns (guint64 stamp)
{
  guint32 secs = (guint32) (stamp >> 32), frac = (guint32) stamp;
  gint64 unix_secs;

  if (stamp == 0)
    return 0;
  unix_secs = (secs & 0x80000000u) ? (gint64) secs - NTP_1900_TO_1970 : (gint64) secs + NTP_1970_TO_2036;
  return unix_secs * NS_PER_SEC + (gint64) (1000000000 * (frac / 4294967296.0));
}

static void
add_timestamp (IotPacket *pkt, int tree, IotBuf *buf, guint off, int field)
{
  iot_tree_add_time (pkt, tree, &ntp_fields[field], buf, off, 8, ntp_to_ns (iot_buf_u64 (buf, off)));
}

/* 2 to the power @exp, without libm. */
static double
power_of_two (int exp)
{
  double v = 1.0;

  for (int i = 0; i < exp; i++)
    v *= 2.0;
  for (int i = 0; i > exp; i--)
    v /= 2.0;
  return v;
}

static const char *
stratum_text (guint8 stratum)
{
  if (stratum == 0)
    return "unspecified or invalid";
  if (stratum == 1)
    return "primary reference";
  if (stratum <= 15)
    return "secondary reference";
  if (stratum == 16)
    return "unsynchronized";
  return "reserved";
}

static void
add_refid (IotPacket *pkt, int tree, IotBuf *buf, guint8 stratum)
{
  const guint8 *id = iot_buf_ptr (buf, 12, 4);
  int node = iot_tree_add_item (pkt, tree, &ntp_fields[F_REFID], buf, 12, 4, FALSE);

  if (id[0] == 0 && id[1] == 0 && id[2] == 0 && id[3] == 0)
    iot_tree_set_label (pkt, node, "Reference ID: NULL");
  else if (stratum <= 1)
    {
      /* A reference clock's short name, e.g. "GPS", "PPS". */
      char text[5] = { 0 };

      for (guint i = 0; i < 4; i++)
        text[i] = g_ascii_isprint (id[i]) ? (char) id[i] : (id[i] == 0 ? '\0' : '?');
      iot_tree_set_label (pkt, node, "Reference ID: %s", text);
    }
  else
    iot_tree_set_label (pkt, node, "Reference ID: %u.%u.%u.%u", id[0], id[1], id[2], id[3]);
}

/* The packet's record, queued where its layer starts; the stratum is
 * filled in when it is read. */
static IotTapLan *
open_record (IotPacket *pkt, guint8 version, guint8 mode)
{
  IotTapLan rec = { 0 };

  if (!iot_tap_wanted (pkt, IOT_TAP_LAN))
    return NULL;
  rec.kind = IOT_TAP_LAN_NTP;
  rec.in_error = iot_packet_in_error (pkt);
  rec.ntp_version = version;
  rec.ntp_mode = mode;
  rec.ntp_stratum = -1;
  rec.dhcp_type = -1;
  return iot_tap_queue_open (pkt, IOT_TAP_LAN, &rec);
}

static int
dissect_ntp (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint8 flags = iot_buf_u8 (buf, 0);
  guint8 li = flags >> 6, vn = (flags >> 3) & 7, mode = flags & 7;
  const char *info;
  IotTapLan *rec;
  int tree, node;

  iot_col_set_protocol (pkt, "NTP");
  info = iot_packet_strdup_printf (pkt, "%s, %s", iot_value_name (vn_names, vn), iot_value_name (mode_names, mode));
  iot_col_set_info (pkt, info);
  rec = open_record (pkt, vn, mode);
  tree = iot_tree_add_protocol (pkt, parent, &ntp_fields[F_PROTO], buf, 0, -1);
  iot_tree_set_label (pkt, tree, "Network Time Protocol (%s)", info);
  node = iot_tree_add_item (pkt, tree, &ntp_fields[F_FLAGS], buf, 0, 1, FALSE);
  iot_tree_set_label (pkt, node, "Flags: 0x%02x, Leap Indicator: %s, Version number: %s, Mode: %s", flags,
                      iot_value_name (li_names, li), iot_value_name (vn_names, vn),
                      iot_value_name (mode_names, mode));
  iot_tree_add_item (pkt, node, &ntp_fields[F_FLAGS_LI], buf, 0, 1, FALSE);
  iot_tree_add_item (pkt, node, &ntp_fields[F_FLAGS_VN], buf, 0, 1, FALSE);
  iot_tree_add_item (pkt, node, &ntp_fields[F_FLAGS_MODE], buf, 0, 1, FALSE);

  if (mode == MODE_CONTROL || mode == MODE_PRIVATE || mode == 0)
    {
      if (iot_buf_reported_remaining (buf, 1) > 0)
        {
          IotBuf rest = iot_buf_sub (buf, 1, -1);

          iot_call_data (pkt, &rest, tree);
        }
      return buf->reported;
    }

  /* Matching needs the timestamps, which a cut capture may lack. */
  if (iot_buf_has (buf, 24, 24))
    add_match (pkt, tree, mode, iot_buf_u64 (buf, 24), iot_buf_u64 (buf, 40));

  {
    guint8 stratum = iot_buf_u8 (buf, 1), ppoll = iot_buf_u8 (buf, 2);
    gint8 precision = (gint8) iot_buf_u8 (buf, 3);
    guint32 delay = iot_buf_u32 (buf, 4), disp = iot_buf_u32 (buf, 8);

    if (rec != NULL)
      rec->ntp_stratum = stratum;
    node = iot_tree_add_item (pkt, tree, &ntp_fields[F_STRATUM], buf, 1, 1, FALSE);
    iot_tree_set_label (pkt, node, "Peer Clock Stratum: %s (%u)", stratum_text (stratum), stratum);
    node = iot_tree_add_item (pkt, tree, &ntp_fields[F_PPOLL], buf, 2, 1, FALSE);
    if (ppoll >= 4 && ppoll <= 17)
      iot_tree_set_label (pkt, node, "Peer Polling Interval: %u (%u seconds)", ppoll, 1u << ppoll);
    else
      iot_tree_set_label (pkt, node, "Peer Polling Interval: invalid (%u)", ppoll);
    node = iot_tree_add_item (pkt, tree, &ntp_fields[F_PRECISION], buf, 3, 1, FALSE);
    iot_tree_set_label (pkt, node, "Peer Clock Precision: %f seconds", power_of_two (precision));
    node = iot_tree_add_item (pkt, tree, &ntp_fields[F_ROOTDELAY], buf, 4, 4, FALSE);
    iot_tree_set_label (pkt, node, "Root Delay: %f seconds", delay / 65536.0);
    node = iot_tree_add_item (pkt, tree, &ntp_fields[F_ROOTDISPERSION], buf, 8, 4, FALSE);
    iot_tree_set_label (pkt, node, "Root Dispersion: %f seconds", disp / 65536.0);
    add_refid (pkt, tree, buf, stratum);
  }
  add_timestamp (pkt, tree, buf, 16, F_REFTIME);
  add_timestamp (pkt, tree, buf, 24, F_ORG);
  add_timestamp (pkt, tree, buf, 32, F_REC);
  add_timestamp (pkt, tree, buf, 40, F_XMT);

  /* Symmetric-key authentication: key id and MAC after the 48 bytes
   * (extension fields of NTPv4 are not decoded). */
  {
    guint rest = iot_buf_reported_remaining (buf, 48);

    if (rest == 20 || rest == 24)
      {
        iot_tree_add_item (pkt, tree, &ntp_fields[F_KEYID], buf, 48, 4, FALSE);
        iot_tree_add_item (pkt, tree, &ntp_fields[F_MAC], buf, 52, rest - 4, FALSE);
      }
    else if (rest > 0)
      iot_tree_add_text (pkt, tree, buf, 48, MIN (rest, iot_buf_remaining (buf, 48)),
                         "Extension fields or trailer (%u bytes, not decoded)", rest);
  }
  return buf->reported;
}

IotDissector iot_dissector_ntp = {
  .name = "NTP",
  .abbrev = "ntp",
  .long_name = "Network Time Protocol",
  .fields = ntp_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_ntp,
  .handoff = { { "udp.port", 123 } },
  .state_new = ntp_state_new,
  .state_free = ntp_state_free,
};
