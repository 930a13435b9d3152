/* frame.c — the outermost layer: facts the capture file records about each
 * frame (when, how long), then hand-off to the link layer. */
#include "iot-dissector.h"

enum {
  F_PROTO,
  F_ENCAP_TYPE,
  F_TIME,
  F_OFFSET_SHIFT,
  F_TIME_EPOCH,
  F_TIME_DELTA,
  F_TIME_DELTA_DISPLAYED,
  F_TIME_RELATIVE,
  F_NUMBER,
  F_LEN,
  F_CAP_LEN,
  F_MARKED,
  F_IGNORED,
  F_PROTOCOLS,
  F_PKT_COMMENT,
  F_COMMENT,
  N_FIELDS
};

/* Encapsulation numbers as Wireshark shows them (its WTAP_ENCAP_* values,
 * which differ from the LINKTYPE_* numbers stored in capture files). */
static const IotValueName link_type_names[] = {
  { 1, "Ethernet" },
  { 7, "Raw IP" },
  { 15, "NULL/Loopback" },
  { 25, "Linux cooked-mode capture v1" },
  { 20, "IEEE 802.11 Wireless LAN" },
  { 23, "IEEE 802.11 plus radiotap radio header" },
  { 154, "Bluetooth Low Energy Link Layer" },
  { 161, "Bluetooth Low Energy Link Layer RF" },
  { 186, "nRF Sniffer for Bluetooth LE" },
  { 129, "Raw IPv4" },
  { 130, "Raw IPv6" },
  { 210, "Linux cooked-mode capture v2" },
  { 104, "IEEE 802.15.4 Wireless PAN" },
  { 113, "IEEE 802.15.4 Wireless PAN non-ASK PHY" },
  { 127, "IEEE 802.15.4 Wireless PAN with FCS not present" },
  { 206, "IEEE 802.15.4 Wireless with TAP pseudo-header" },
  IOT_VALUE_NAMES_END
};

/* LINKTYPE_* (file header) to the encapsulation number Wireshark prints;
 * link types missing here are shown unchanged. */
static const struct {
  guint16 link_type;
  gint16  encap;
} link_to_encap[] = {
  { 0, 15 },     /* BSD loopback */
  { 1, 1 },      /* Ethernet */
  { 12, 7 },     /* raw IP (DLT_RAW as some systems number it) */
  { 14, 7 },     /* raw IP (DLT_RAW on OpenBSD) */
  { 101, 7 },    /* raw IP */
  { 113, 25 },   /* Linux cooked v1 */
  { 228, 129 },  /* raw IPv4 */
  { 229, 130 },  /* raw IPv6 */
  { 105, 20 },   /* IEEE 802.11 without a radio header */
  { 127, 23 },   /* IEEE 802.11 with radiotap */
  { 251, 154 },  /* Bluetooth LE link layer */
  { 256, 161 },  /* Bluetooth LE link layer with radio header */
  { 272, 186 },  /* nRF Sniffer for Bluetooth LE */
  { 276, 210 },  /* Linux cooked v2 */
  { 195, 104 },  /* IEEE 802.15.4 with FCS */
  { 215, 113 },  /* IEEE 802.15.4 non-ASK PHY */
  { 230, 127 },  /* IEEE 802.15.4 without FCS */
  { 283, 206 },  /* IEEE 802.15.4 TAP */
};

static gint16
encap_for_link_type (guint16 link_type)
{
  for (guint i = 0; i < G_N_ELEMENTS (link_to_encap); i++)
    if (link_to_encap[i].link_type == link_type)
      return link_to_encap[i].encap;
  return (gint16) link_type;
}

enum {
  E_COMMENT,
  E_LINKTYPE,
  N_EXPERTS
};

static IotExpertInfo frame_experts[N_EXPERTS] = {
  [E_COMMENT] = IOT_EXPERT_INFO ("frame.comment.expert", IOT_SEV_COMMENT, IOT_GROUP_COMMENTS, "Formatted comment",
                              "A comment stored with this frame in the pcapng file (by a person or a tool)."),
  [E_LINKTYPE] = IOT_EXPERT_INFO ("frame.link_type.unsupported", IOT_SEV_WARN, IOT_GROUP_UNDECODED, "Link-layer header type not supported",
                              "No dissector here knows this link type, so the frame's bytes are shown as data."),
};

static IotField frame_fields[N_FIELDS] = {
  [F_PROTO] = { "frame", "Frame", IOT_FT_PROTOCOL, .blurb =
    "One packet as the capture recorded it: when it arrived and how many bytes were seen." },
  [F_ENCAP_TYPE] = { "frame.encap_type", "Encapsulation type", IOT_FT_INT16, IOT_BASE_DEC, link_type_names, 0,
    "Which kind of link-layer header the frame starts with, as Wireshark numbers it (not the number stored in the file)." },
  [F_TIME] = { "frame.time", "Arrival Time", IOT_FT_ABSOLUTE_TIME, IOT_BASE_TIME_LOCAL, NULL, 0,
    "Date and time the capturing machine saw the frame, in its local time zone." },
  [F_OFFSET_SHIFT] = { "frame.offset_shift", "Time shift for this packet", IOT_FT_RELATIVE_TIME, .blurb =
    "How far this frame's time was shifted after capture (0 unless the file was edited)." },
  [F_TIME_EPOCH] = { "frame.time_epoch", "Epoch Time", IOT_FT_RELATIVE_TIME, .blurb =
    "Arrival time as seconds since 1 January 1970 UTC: easy to compare across tools." },
  [F_TIME_DELTA] = { "frame.time_delta", "Time delta from previous captured frame", IOT_FT_RELATIVE_TIME, .blurb =
    "Seconds since the frame just before this one in the file." },
  [F_TIME_DELTA_DISPLAYED] = { "frame.time_delta_displayed", "Time delta from previous displayed frame",
    IOT_FT_RELATIVE_TIME, .blurb =
    "Seconds since the previous frame that passed the display filter." },
  [F_TIME_RELATIVE] = { "frame.time_relative", "Time since reference or first frame", IOT_FT_RELATIVE_TIME, .blurb =
    "Seconds since the first frame of the capture (or since the time reference you set)." },
  [F_NUMBER] = { "frame.number", "Frame Number", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Position of the frame in the capture file, counting from 1." },
  [F_LEN] = { "frame.len", "Frame Length", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "How many bytes the frame had on the wire." },
  [F_CAP_LEN] = { "frame.cap_len", "Capture Length", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "How many of the frame's bytes the capture kept; less than the frame length when a snap length cut it." },
  [F_MARKED] = { "frame.marked", "Frame is marked", IOT_FT_BOOLEAN, .blurb =
    "Whether you marked this frame.", .true_word = "True", .false_word = "False" },
  [F_IGNORED] = { "frame.ignored", "Frame is ignored", IOT_FT_BOOLEAN, .blurb =
    "Whether you told the analyzer to ignore this frame.", .true_word = "True", .false_word = "False" },
  [F_PROTOCOLS] = { "frame.protocols", "Protocols in frame", IOT_FT_STRING, .blurb =
    "Every layer found in the frame, outermost first, separated by colons." },
  [F_PKT_COMMENT] = { "pkt_comment", "Packet comments", IOT_FT_PROTOCOL, .blurb =
    "Notes someone wrote about this frame, kept in the pcapng file with it." },
  [F_COMMENT] = { "frame.comment", "Comment", IOT_FT_STRING, .blurb =
    "One note about this frame, as stored in the capture file (pcapng) or added in the window." },
};

/* tshark shows a frame's comments above the frame itself, each with a
 * Comment expert item. */
static void
add_comments (IotPacket *pkt, IotBuf *buf)
{
  g_auto (GStrv) comments = iot_packet_frame_comments (pkt);
  int tree, node;

  if (comments == NULL)
    return;
  tree = iot_tree_add_protocol (pkt, -1, &frame_fields[F_PKT_COMMENT], buf, 0, 0);
  for (guint i = 0; comments[i] != NULL; i++)
    {
      node = iot_tree_add_string (pkt, tree, &frame_fields[F_COMMENT], buf, 0, 0, comments[i], -1);
      iot_tree_set_label (pkt, node, "%s", comments[i]);
      iot_expert_add_info (pkt, node, &frame_experts[E_COMMENT], "%s", comments[i]);
    }
}

/* An ignored frame is not dissected at all, as in Wireshark: its row says
 * so and its tree holds only that fact. */
static int
dissect_ignored (IotPacket *pkt, IotBuf *buf)
{
  int node = iot_tree_add_boolean (pkt, -1, &frame_fields[F_IGNORED], buf, 0, 0, 1);

  iot_tree_set_label (pkt, node, "This frame is marked as ignored");
  iot_col_set_protocol (pkt, "");
  iot_col_set_info (pkt, "<Ignored>");
  return buf->length;
}

static int
dissect_frame (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint32 number = iot_packet_frame_number (pkt);
  guint32 wirelen = iot_packet_wirelen (pkt), caplen = iot_packet_caplen (pkt);
  guint32 ref = iot_packet_time_ref (pkt), prev_displayed = iot_packet_prev_displayed (pkt);
  guint16 link_type = iot_packet_link_type (pkt);
  gint64 now = iot_packet_time_ns (pkt);
  /* Other frames' times cost cache misses on big captures: read them only
   * when a field that needs them is wanted. */
  gint64 prev = number > 1 && iot_packet_wants_field (pkt, &frame_fields[F_TIME_DELTA])
                ? iot_frame_time_ns (pkt, number - 1) : now;
  gint64 first = iot_packet_wants_field (pkt, &frame_fields[F_TIME_RELATIVE])
                 ? iot_frame_time_ns (pkt, ref ? ref : 1) : now;
  IotBuf link;
  int tree, node;

  if (iot_packet_frame_ignored (pkt))
    return dissect_ignored (pkt, buf);
  add_comments (pkt, buf);
  tree = iot_tree_add_protocol (pkt, parent, &frame_fields[F_PROTO], buf, 0, -1);
  iot_tree_set_label (pkt, tree, "Frame %u: %u bytes on wire (%u bits), %u bytes captured (%u bits)",
                      number, wirelen, wirelen * 8, caplen, caplen * 8);
  iot_tree_add_int (pkt, tree, &frame_fields[F_ENCAP_TYPE], NULL, 0, 0, encap_for_link_type (link_type));
  if (iot_packet_has_time (pkt))
    {
      iot_tree_add_time (pkt, tree, &frame_fields[F_TIME], NULL, 0, 0, now);
      node = iot_tree_add_time (pkt, tree, &frame_fields[F_OFFSET_SHIFT], NULL, 0, 0, 0);
      iot_tree_set_generated (pkt, node);
      iot_tree_add_time (pkt, tree, &frame_fields[F_TIME_EPOCH], NULL, 0, 0, now);
      node = iot_tree_add_time (pkt, tree, &frame_fields[F_TIME_DELTA], NULL, 0, 0, now - prev);
      iot_tree_set_generated (pkt, node);
      node = iot_tree_add_time (pkt, tree, &frame_fields[F_TIME_DELTA_DISPLAYED], NULL, 0, 0,
                                prev_displayed && iot_packet_wants_field (pkt, &frame_fields[F_TIME_DELTA_DISPLAYED])
                                ? now - iot_frame_time_ns (pkt, prev_displayed) : 0);
      iot_tree_set_generated (pkt, node);
      node = iot_tree_add_time (pkt, tree, &frame_fields[F_TIME_RELATIVE], NULL, 0, 0, now - first);
      iot_tree_set_generated (pkt, node);
    }
  iot_tree_add_uint (pkt, tree, &frame_fields[F_NUMBER], NULL, 0, 0, number);
  node = iot_tree_add_uint (pkt, tree, &frame_fields[F_LEN], NULL, 0, 0, wirelen);
  iot_tree_set_label (pkt, node, "Frame Length: %u bytes (%u bits)", wirelen, wirelen * 8);
  node = iot_tree_add_uint (pkt, tree, &frame_fields[F_CAP_LEN], NULL, 0, 0, caplen);
  iot_tree_set_label (pkt, node, "Capture Length: %u bytes (%u bits)", caplen, caplen * 8);
  node = iot_tree_add_boolean (pkt, tree, &frame_fields[F_MARKED], NULL, 0, 0, iot_packet_frame_marked (pkt));
  iot_tree_set_generated (pkt, node);
  node = iot_tree_add_boolean (pkt, tree, &frame_fields[F_IGNORED], NULL, 0, 0, 0);
  iot_tree_set_generated (pkt, node);
  node = iot_tree_add_string (pkt, tree, &frame_fields[F_PROTOCOLS], NULL, 0, 0, "", 0);
  iot_tree_set_generated (pkt, node);
  iot_packet_set_protocols_node (pkt, node);

  /* Link layers are siblings of the frame row, not its children. */
  link = *buf;
  if (iot_call_table (pkt, "link", link_type, &link, -1) < 0)
    {
      iot_col_set_protocol (pkt, "UNKNOWN");
      iot_col_set_info (pkt, "Unknown link-layer header type");
      iot_expert_add_info (pkt, tree, &frame_experts[E_LINKTYPE], "Link-layer header type %u is not supported", link_type);
      iot_call_data (pkt, &link, -1);
    }
  return buf->length;
}

IotDissector iot_dissector_frame = {
  .name = "Frame",
  .abbrev = "frame",
  .long_name = "Frame",
  .fields = frame_fields,
  .n_fields = N_FIELDS,
  .experts = frame_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_frame,
};
