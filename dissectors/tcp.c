/* tcp.c — Transmission Control Protocol: the header, its options, and the
 * per-connection facts (stream index, relative sequence numbers, window
 * scaling, completeness, stream timing) that need the frames before.
 *
 * Two passes.  During the first pass (frames in order, once each) the
 * connection table is updated and each frame's stream and predecessor in
 * that stream are recorded.  Values that change over a connection's life
 * (initial sequence numbers, window scale, completeness) are kept as short
 * per-stream histories of (first frame, value), so a later dissection of
 * any single frame reads exactly what the first pass saw at that frame.
 */
#include "iot-dissector.h"

#include <string.h>

extern IotDissector iot_dissector_tcp;

enum {
  F_PROTO,
  F_SRCPORT,
  F_DSTPORT,
  F_PORT,
  F_STREAM,
  F_COMPLETENESS,
  F_LEN,
  F_SEQ,
  F_SEQ_RAW,
  F_NXTSEQ,
  F_ACK,
  F_ACK_RAW,
  F_HDR_LEN,
  F_FLAGS,
  F_FLAGS_RES,
  F_FLAGS_AE,
  F_FLAGS_CWR,
  F_FLAGS_ECE,
  F_FLAGS_URG,
  F_FLAGS_ACK,
  F_FLAGS_PUSH,
  F_FLAGS_RESET,
  F_FLAGS_SYN,
  F_FLAGS_FIN,
  F_FLAGS_STR,
  F_WINDOW_VALUE,
  F_WINDOW_SIZE,
  F_WINDOW_SCALEFACTOR,
  F_CHECKSUM,
  F_CHECKSUM_STATUS,
  F_URGENT_POINTER,
  F_OPTIONS,
  F_OPT_EOL,
  F_OPT_NOP,
  F_OPT_MSS,
  F_OPT_WSCALE,
  F_OPT_SACK_PERM,
  F_OPT_SACK,
  F_OPT_TIMESTAMP,
  F_OPT_UNKNOWN,
  F_OPTION_KIND,
  F_OPTION_LEN,
  F_MSS_VAL,
  F_WSCALE_SHIFT,
  F_WSCALE_MULTIPLIER,
  F_SACK_LE,
  F_SACK_RE,
  F_SACK_COUNT,
  F_TSVAL,
  F_TSECR,
  F_UNKNOWN_PAYLOAD,
  F_TIME_RELATIVE,
  F_TIME_DELTA,
  F_PAYLOAD,
  F_SEGMENT_DATA,
  F_REASSEMBLED_IN,
  F_SEGMENTS,
  F_SEGMENT,
  F_SEGMENT_COUNT,
  F_REASSEMBLED_LENGTH,
  F_REASSEMBLED_DATA,
  F_ANALYSIS,
  F_AN_FLAGS,
  F_AN_ACKS_FRAME,
  F_AN_ACK_RTT,
  F_AN_INITIAL_RTT,
  F_AN_BYTES_IN_FLIGHT,
  F_AN_PUSH_BYTES_SENT,
  F_AN_DUPLICATE_ACK_NUM,
  F_AN_DUPLICATE_ACK_FRAME,
  F_AN_RTO,
  F_AN_RTO_FRAME,
  N_FIELDS
};

/* Header flag bits (the 12 low bits of bytes 12–13). */
enum {
  TH_FIN = 0x001,
  TH_SYN = 0x002,
  TH_RST = 0x004,
  TH_PUSH = 0x008,
  TH_ACK = 0x010,
  TH_URG = 0x020,
  TH_ECE = 0x040,
  TH_CWR = 0x080,
  TH_AE = 0x100,
  TH_RES = 0xe00,
};

/* Completeness bits: which parts of a connection's life were seen. */
enum {
  SEEN_SYN = 0x01,
  SEEN_SYNACK = 0x02,
  SEEN_ACK = 0x04,
  SEEN_DATA = 0x08,
  SEEN_FIN = 0x10,
  SEEN_RST = 0x20,
};

/* Window scale states besides a shift count 0..14. */
#define WSCALE_UNKNOWN (-1)
#define WSCALE_NOT_USED (-2)

static const IotValueName option_kind_names[] = {
  { 0, "End of Option List" },
  { 1, "No-Operation" },
  { 2, "Maximum Segment Size" },
  { 3, "Window Scale" },
  { 4, "SACK Permitted" },
  { 5, "SACK" },
  { 8, "Time Stamp Option" },
  { 19, "MD5 Signature Option" },
  { 28, "User Timeout Option" },
  { 29, "TCP Authentication Option" },
  { 30, "Multipath TCP" },
  { 34, "TCP Fast Open Cookie" },
  { 253, "RFC3692-style Experiment 1" },
  { 254, "RFC3692-style Experiment 2" },
  IOT_VALUE_NAMES_END
};

static const IotValueName checksum_status_names[] = {
  { 0, "Bad" },
  { 1, "Good" },
  { 2, "Unverified" },
  IOT_VALUE_NAMES_END
};

static IotField tcp_fields[N_FIELDS] = {
  [F_PROTO] = { "tcp", "Transmission Control Protocol", IOT_FT_PROTOCOL, .blurb =
    "TCP: a reliable, ordered byte stream between two ports, with acknowledgements and retransmission." },
  [F_SRCPORT] = { "tcp.srcport", "Source Port", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Port of the program that sent this segment; clients usually pick a random high port." },
  [F_DSTPORT] = { "tcp.dstport", "Destination Port", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Port of the program the segment is for; servers listen on well-known ports such as 80 or 1883." },
  [F_PORT] = { "tcp.port", "Source or Destination Port", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Either port of the segment: filter on it to see both directions of a service." },
  [F_STREAM] = { "tcp.stream", "Stream index", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Number of the TCP connection this segment belongs to, counting from 0 in order of appearance." },
  [F_COMPLETENESS] = { "tcp.completeness", "Conversation completeness", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Which stages of the connection were seen so far, as bits: 1 SYN, 2 SYN-ACK, 4 ACK, 8 data, 16 FIN, 32 RST." },
  [F_LEN] = { "tcp.len", "TCP Segment Len", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "How many bytes of application data this segment carries (after the TCP header)." },
  [F_SEQ] = { "tcp.seq", "Sequence Number", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Position of the segment's first byte in the sender's stream, counted from the start of the connection." },
  [F_SEQ_RAW] = { "tcp.seq_raw", "Sequence Number (raw)", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "The sequence number exactly as sent; each side starts from a random value." },
  [F_NXTSEQ] = { "tcp.nxtseq", "Next Sequence Number", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "The sequence number the sender's next new segment will carry (this one plus its length; SYN and FIN count as one)." },
  [F_ACK] = { "tcp.ack", "Acknowledgment Number", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "The next byte the sender expects from the other side, counted from the start of the connection: everything before it arrived." },
  [F_ACK_RAW] = { "tcp.ack_raw", "Acknowledgment number (raw)", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "The acknowledgement number exactly as sent." },
  [F_HDR_LEN] = { "tcp.hdr_len", "Header Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Size of the TCP header including options, in bytes (20 without options, at most 60)." },
  [F_FLAGS] = { "tcp.flags", "Flags", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0x0fff,
    "The control bits of the segment: SYN opens, FIN closes, RST aborts, ACK says the acknowledgement number is valid." },
  [F_FLAGS_RES] = { "tcp.flags.res", "Reserved", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0e00,
    "Three bits kept for future use; a sender should leave them zero." },
  [F_FLAGS_AE] = { "tcp.flags.ae", "Accurate ECN", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0100,
    "Accurate ECN bit (formerly the ECN nonce): helps count congestion marks precisely." },
  [F_FLAGS_CWR] = { "tcp.flags.cwr", "Congestion Window Reduced", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0080,
    "The sender slowed down in answer to a congestion signal." },
  [F_FLAGS_ECE] = { "tcp.flags.ece", "ECN-Echo", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0040,
    "Tells the other side that a router on the path signalled congestion (or, on a SYN, that ECN is supported)." },
  [F_FLAGS_URG] = { "tcp.flags.urg", "Urgent", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0020,
    "The urgent pointer field is meaningful (rarely used today)." },
  [F_FLAGS_ACK] = { "tcp.flags.ack", "Acknowledgment", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0010,
    "The acknowledgement number is valid; set on every segment after the first SYN." },
  [F_FLAGS_PUSH] = { "tcp.flags.push", "Push", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0008,
    "Asks the receiver to pass the data to the application right away." },
  [F_FLAGS_RESET] = { "tcp.flags.reset", "Reset", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0004,
    "Aborts the connection at once, for example when nothing listens on the port." },
  [F_FLAGS_SYN] = { "tcp.flags.syn", "Syn", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0002,
    "Opens a connection and announces the sender's starting sequence number." },
  [F_FLAGS_FIN] = { "tcp.flags.fin", "Fin", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0001,
    "The sender has no more data to send: its half of the connection is closing." },
  [F_FLAGS_STR] = { "tcp.flags.str", "TCP Flags", IOT_FT_STRING, .blurb =
    "All twelve flag bits as letters (R R R A C E U A P R S F), a dot for each bit that is clear." },
  [F_WINDOW_VALUE] = { "tcp.window_size_value", "Window", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "The receive window as written in the header, before window scaling." },
  [F_WINDOW_SIZE] = { "tcp.window_size", "Calculated window size", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "How many more bytes the sender of this segment is ready to receive (the window after scaling)." },
  [F_WINDOW_SCALEFACTOR] = { "tcp.window_size_scalefactor", "Window size scaling factor", IOT_FT_INT32,
    IOT_BASE_DEC, NULL, 0,
    "What the window field is multiplied by, agreed in the SYNs; -1 when the SYNs were not seen, -2 when scaling is off." },
  [F_CHECKSUM] = { "tcp.checksum", "Checksum", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Checksum over the segment and the IP addresses, to detect corruption (often filled in by the network card)." },
  [F_CHECKSUM_STATUS] = { "tcp.checksum.status", "Checksum Status", IOT_FT_UINT8, IOT_BASE_DEC,
    checksum_status_names, 0,
    "Whether the checksum was checked: 2 means it was not verified." },
  [F_URGENT_POINTER] = { "tcp.urgent_pointer", "Urgent Pointer", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Where urgent data ends, when the URG flag is set." },
  [F_OPTIONS] = { "tcp.options", "TCP Options", IOT_FT_BYTES, .blurb =
    "Extra header fields after the fixed 20 bytes: segment size, window scaling, timestamps, selective acks." },
  [F_OPT_EOL] = { "tcp.options.eol", "TCP Option - End of Option List (EOL)", IOT_FT_BYTES, .blurb =
    "Marks the end of the options; the rest of the header is padding." },
  [F_OPT_NOP] = { "tcp.options.nop", "TCP Option - No-Operation (NOP)", IOT_FT_BYTES, .blurb =
    "A one-byte filler used to align the next option." },
  [F_OPT_MSS] = { "tcp.options.mss", "TCP Option - Maximum segment size", IOT_FT_BYTES, .blurb =
    "Largest segment the sender can receive, announced in its SYN." },
  [F_OPT_WSCALE] = { "tcp.options.wscale", "TCP Option - Window scale", IOT_FT_BYTES, .blurb =
    "Announces in the SYN by how many bits the sender's window field is shifted, to allow windows above 64 KiB." },
  [F_OPT_SACK_PERM] = { "tcp.options.sack_perm", "TCP Option - SACK permitted", IOT_FT_BYTES, .blurb =
    "Says in the SYN that the sender understands selective acknowledgements." },
  [F_OPT_SACK] = { "tcp.options.sack", "TCP Option - SACK", IOT_FT_BYTES, .blurb =
    "Selective acknowledgement: blocks of data that arrived beyond a gap, so only the gap is resent." },
  [F_OPT_TIMESTAMP] = { "tcp.options.timestamp", "TCP Option - Timestamps", IOT_FT_BYTES, .blurb =
    "Sender's clock value and an echo of the other side's, used to measure round-trip time." },
  [F_OPT_UNKNOWN] = { "tcp.options.unknown", "TCP Option - Unknown", IOT_FT_BYTES, .blurb =
    "An option this analyzer does not decode." },
  [F_OPTION_KIND] = { "tcp.option_kind", "Kind", IOT_FT_UINT8, IOT_BASE_DEC, option_kind_names, 0,
    "Which option this is (2 segment size, 3 window scale, 4 SACK permitted, 5 SACK, 8 timestamps)." },
  [F_OPTION_LEN] = { "tcp.option_len", "Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Length of the option in bytes, counting its kind and length bytes." },
  [F_MSS_VAL] = { "tcp.options.mss_val", "MSS Value", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Maximum segment size in bytes: the most data the sender accepts in one segment." },
  [F_WSCALE_SHIFT] = { "tcp.options.wscale.shift", "Shift count", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "By how many bits the sender's window values are to be shifted left." },
  [F_WSCALE_MULTIPLIER] = { "tcp.options.wscale.multiplier", "Multiplier", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Two to the power of the shift count: what the window field is multiplied by." },
  [F_SACK_LE] = { "tcp.options.sack_le", "TCP SACK Left Edge", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "First sequence number of a block that arrived (relative)." },
  [F_SACK_RE] = { "tcp.options.sack_re", "TCP SACK Right Edge", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Sequence number just after a block that arrived (relative)." },
  [F_SACK_COUNT] = { "tcp.options.sack.count", "TCP SACK Count", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "How many received blocks this SACK option lists." },
  [F_TSVAL] = { "tcp.options.timestamp.tsval", "Timestamp value", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "The sender's clock when it sent the segment (units chosen by the sender)." },
  [F_TSECR] = { "tcp.options.timestamp.tsecr", "Timestamp echo reply", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "The latest timestamp value received from the other side, sent back so it can time the round trip." },
  [F_UNKNOWN_PAYLOAD] = { "tcp.options.unknown.payload", "Payload", IOT_FT_BYTES, .blurb =
    "The undecoded contents of an unknown option." },
  [F_TIME_RELATIVE] = { "tcp.time_relative", "Time since first frame in this TCP stream", IOT_FT_RELATIVE_TIME,
    .blurb = "Seconds since the first segment of this connection in the capture." },
  [F_TIME_DELTA] = { "tcp.time_delta", "Time since previous frame in this TCP stream", IOT_FT_RELATIVE_TIME,
    .blurb = "Seconds since the previous segment of this connection, in either direction." },
  [F_PAYLOAD] = { "tcp.payload", "TCP payload", IOT_FT_BYTES, .blurb =
    "The application bytes this segment carries." },
  [F_SEGMENT_DATA] = { "tcp.segment_data", "TCP segment data", IOT_FT_BYTES, .blurb =
    "The part of this segment's data that belongs to a message spread over several segments." },
  [F_REASSEMBLED_IN] = { "tcp.reassembled_in", "Reassembled PDU in frame", IOT_FT_FRAMENUM, .blurb =
    "This segment carries part of a longer message; the frame named here brings its last part, "
    "and that is where the whole message is decoded." },
  [F_SEGMENTS] = { "tcp.segments", "Reassembled TCP Segments", IOT_FT_NONE, .blurb =
    "The segments whose data were joined to rebuild one message that did not fit in one segment." },
  [F_SEGMENT] = { "tcp.segment", "TCP Segment", IOT_FT_FRAMENUM, .blurb =
    "A frame that contributed part of the rebuilt message." },
  [F_SEGMENT_COUNT] = { "tcp.segment.count", "Segment count", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "How many segments the rebuilt message was spread over." },
  [F_REASSEMBLED_LENGTH] = { "tcp.reassembled.length", "Reassembled TCP length", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Length of the rebuilt message in bytes." },
  [F_REASSEMBLED_DATA] = { "tcp.reassembled.data", "Reassembled TCP Data", IOT_FT_BYTES, .blurb =
    "The bytes of the rebuilt message." },
  [F_ANALYSIS] = { "tcp.analysis", "SEQ/ACK analysis", IOT_FT_NONE, .blurb =
    "What the analyzer concluded about this segment by comparing it with the earlier segments of the "
    "connection: which segment it acknowledges, how much data is unacknowledged, and any problems." },
  [F_AN_FLAGS] = { "tcp.analysis.flags", "TCP Analysis Flags", IOT_FT_NONE, .blurb =
    "Present when the analysis found something worth a look: a retransmission, a gap, a duplicate "
    "acknowledgement, a full or zero window …" },
  [F_AN_ACKS_FRAME] = { "tcp.analysis.acks_frame", "This is an ACK to the segment in frame", IOT_FT_FRAMENUM,
    .blurb = "The earlier frame whose data this acknowledgement number covers exactly." },
  [F_AN_ACK_RTT] = { "tcp.analysis.ack_rtt", "The RTT to ACK the segment was", IOT_FT_RELATIVE_TIME, .blurb =
    "Seconds between the acknowledged segment and this acknowledgement, as seen at the capture point: "
    "a measure of the round-trip time." },
  [F_AN_INITIAL_RTT] = { "tcp.analysis.initial_rtt", "iRTT", IOT_FT_RELATIVE_TIME, .blurb =
    "Round-trip time of the connection's handshake: from the client's SYN to its ACK of the SYN-ACK." },
  [F_AN_BYTES_IN_FLIGHT] = { "tcp.analysis.bytes_in_flight", "Bytes in flight", IOT_FT_UINT32, IOT_BASE_DEC,
    NULL, 0,
    "Bytes this sender has sent that the other side has not acknowledged yet, counting this segment." },
  [F_AN_PUSH_BYTES_SENT] = { "tcp.analysis.push_bytes_sent", "Bytes sent since last PSH flag", IOT_FT_UINT32,
    IOT_BASE_DEC, NULL, 0,
    "Bytes this sender has sent since its last segment with the PSH flag: roughly the size of the "
    "application message being written." },
  [F_AN_DUPLICATE_ACK_NUM] = { "tcp.analysis.duplicate_ack_num", "Duplicate ACK #", IOT_FT_UINT32,
    IOT_BASE_DEC, NULL, 0,
    "How many times in a row this acknowledgement has been repeated (three usually trigger a fast "
    "retransmission)." },
  [F_AN_DUPLICATE_ACK_FRAME] = { "tcp.analysis.duplicate_ack_frame", "Duplicate to the ACK in frame",
    IOT_FT_FRAMENUM, .blurb = "The frame that first carried the acknowledgement being repeated." },
  [F_AN_RTO] = { "tcp.analysis.rto", "The RTO for this segment was", IOT_FT_RELATIVE_TIME, .blurb =
    "Seconds between the segment that brought the highest sequence number so far and this "
    "retransmission: how long the sender waited (its retransmission timeout)." },
  [F_AN_RTO_FRAME] = { "tcp.analysis.rto_frame", "RTO based on delta from frame", IOT_FT_FRAMENUM, .blurb =
    "The frame the retransmission timeout is measured from." },
};

/* Expert items, under tshark's abbreviations.  The analysis items are
 * filters and -e fields of their own (tcp.analysis.retransmission …), and
 * analyses such as the insight find them by those fields. */
enum {
  E_RETRANSMISSION,
  E_FAST_RETRANSMISSION,
  E_SPURIOUS_RETRANSMISSION,
  E_OUT_OF_ORDER,
  E_REUSED_PORTS,
  E_LOST_SEGMENT,
  E_ACK_LOST_SEGMENT,
  E_WINDOW_UPDATE,
  E_WINDOW_FULL,
  E_KEEP_ALIVE,
  E_KEEP_ALIVE_ACK,
  E_ZERO_WINDOW_PROBE,
  E_ZERO_WINDOW,
  E_ZERO_WINDOW_PROBE_ACK,
  E_DUPLICATE_ACK,
  E_CONNECTION_SYN,
  E_CONNECTION_SYNACK,
  E_CONNECTION_FIN,
  E_CONNECTION_FIN_ACTIVE,
  E_CONNECTION_FIN_PASSIVE,
  E_CONNECTION_RST,
  E_WSCALE_SHIFT_INVALID,
  E_OPTION_LEN_INVALID,
  E_BOGUS_HEADER_LENGTH,
  N_EXPERTS
};

static IotExpertInfo tcp_experts[N_EXPERTS] = {
  [E_RETRANSMISSION] = IOT_EXPERT_INFO ("tcp.analysis.retransmission", IOT_SEV_NOTE, IOT_GROUP_SEQUENCE,
    "This frame is a (suspected) retransmission",
    "The segment carries data sent before: the sender probably timed out waiting for an acknowledgement."),
  [E_FAST_RETRANSMISSION] = IOT_EXPERT_INFO ("tcp.analysis.fast_retransmission", IOT_SEV_NOTE, IOT_GROUP_SEQUENCE,
    "This frame is a (suspected) fast retransmission",
    "A retransmission sent right after duplicate acknowledgements told the sender a segment was missing."),
  [E_SPURIOUS_RETRANSMISSION] = IOT_EXPERT_INFO ("tcp.analysis.spurious_retransmission", IOT_SEV_NOTE,
    IOT_GROUP_SEQUENCE, "This frame is a (suspected) spurious retransmission",
    "A retransmission of data the receiver had already acknowledged: it was not needed."),
  [E_OUT_OF_ORDER] = IOT_EXPERT_INFO ("tcp.analysis.out_of_order", IOT_SEV_WARN, IOT_GROUP_SEQUENCE,
    "This frame is a (suspected) out-of-order segment",
    "The segment fills a gap shortly after later data was seen: it was reordered on the way, or it is a "
    "quick retransmission."),
  [E_REUSED_PORTS] = IOT_EXPERT_INFO ("tcp.analysis.reused_ports", IOT_SEV_NOTE, IOT_GROUP_SEQUENCE,
    "A new tcp session is started with the same ports as an earlier session in this trace",
    "A new connection (SYN with a new starting sequence number) uses the same addresses and ports "
    "as an earlier one, for example a device reconnecting after a reset."),
  [E_LOST_SEGMENT] = IOT_EXPERT_INFO ("tcp.analysis.lost_segment", IOT_SEV_WARN, IOT_GROUP_SEQUENCE,
    "Previous segment(s) not captured (common at capture start)",
    "The segment starts beyond the data seen so far: something in between was lost or not captured."),
  [E_ACK_LOST_SEGMENT] = IOT_EXPERT_INFO ("tcp.analysis.ack_lost_segment", IOT_SEV_WARN, IOT_GROUP_SEQUENCE,
    "ACKed segment that wasn't captured (common at capture start)",
    "The acknowledgement covers data that never appeared in the capture."),
  [E_WINDOW_UPDATE] = IOT_EXPERT_INFO ("tcp.analysis.window_update", IOT_SEV_CHAT, IOT_GROUP_SEQUENCE,
    "TCP window update",
    "An empty segment whose only news is a changed receive window."),
  [E_WINDOW_FULL] = IOT_EXPERT_INFO ("tcp.analysis.window_full", IOT_SEV_WARN, IOT_GROUP_SEQUENCE,
    "TCP window specified by the receiver is now completely full",
    "This segment fills the receiver's window to the last byte: the sender must now wait for an "
    "acknowledgement."),
  [E_KEEP_ALIVE] = IOT_EXPERT_INFO ("tcp.analysis.keep_alive", IOT_SEV_NOTE, IOT_GROUP_SEQUENCE,
    "TCP keep-alive segment",
    "A segment one byte before the next sequence number, sent to check that the peer is still there "
    "(Linux also probes a zero window this way)."),
  [E_KEEP_ALIVE_ACK] = IOT_EXPERT_INFO ("tcp.analysis.keep_alive_ack", IOT_SEV_NOTE, IOT_GROUP_SEQUENCE,
    "ACK to a TCP keep-alive segment",
    "The peer's answer to a keep-alive: it repeats its last acknowledgement."),
  [E_ZERO_WINDOW_PROBE] = IOT_EXPERT_INFO ("tcp.analysis.zero_window_probe", IOT_SEV_NOTE, IOT_GROUP_SEQUENCE,
    "TCP Zero Window Probe",
    "One byte sent into a zero window, to learn when the receiver has room again."),
  [E_ZERO_WINDOW] = IOT_EXPERT_INFO ("tcp.analysis.zero_window", IOT_SEV_WARN, IOT_GROUP_SEQUENCE,
    "TCP Zero Window segment",
    "The sender of this segment announces a receive window of zero: its application is not reading and "
    "the other side must stop sending."),
  [E_ZERO_WINDOW_PROBE_ACK] = IOT_EXPERT_INFO ("tcp.analysis.zero_window_probe_ack", IOT_SEV_NOTE,
    IOT_GROUP_SEQUENCE, "ACK to a TCP Zero Window Probe",
    "The receiver's answer to a zero-window probe."),
  /* Also the "This is a TCP duplicate ack" row under the analysis flags,
   * which tshark files under the same name. */
  [E_DUPLICATE_ACK] = IOT_EXPERT_INFO ("tcp.analysis.duplicate_ack", IOT_SEV_NOTE, IOT_GROUP_SEQUENCE,
    "Duplicate ACK",
    "An empty segment repeating the previous acknowledgement and window: the receiver got data beyond a "
    "gap and asks again for the missing part."),
  [E_CONNECTION_SYN] = IOT_EXPERT_INFO ("tcp.connection.syn", IOT_SEV_CHAT, IOT_GROUP_SEQUENCE,
    "Connection establish request (SYN)",
    "The first segment of a connection: the client asks the server port named in the message to talk."),
  [E_CONNECTION_SYNACK] = IOT_EXPERT_INFO ("tcp.connection.synack", IOT_SEV_CHAT, IOT_GROUP_SEQUENCE,
    "Connection establish acknowledge (SYN+ACK)",
    "The server's answer to a SYN: it accepts the connection and sends its own starting sequence number."),
  [E_CONNECTION_FIN] = IOT_EXPERT_INFO ("tcp.connection.fin", IOT_SEV_CHAT, IOT_GROUP_SEQUENCE,
    "Connection finish (FIN)",
    "The sender has no more data to send; the other direction may go on until it sends its own FIN."),
  [E_CONNECTION_FIN_ACTIVE] = IOT_EXPERT_INFO ("tcp.connection.fin_active", IOT_SEV_NOTE, IOT_GROUP_SEQUENCE,
    "This frame initiates the connection closing",
    "This FIN comes from the side that began closing the connection (the first FIN seen)."),
  [E_CONNECTION_FIN_PASSIVE] = IOT_EXPERT_INFO ("tcp.connection.fin_passive", IOT_SEV_NOTE, IOT_GROUP_SEQUENCE,
    "This frame undergoes the connection closing",
    "This FIN answers the other side's FIN: the connection is closing from both ends now."),
  [E_CONNECTION_RST] = IOT_EXPERT_INFO ("tcp.connection.rst", IOT_SEV_WARN, IOT_GROUP_SEQUENCE,
    "Connection reset (RST)",
    "The sender aborts the connection at once: it refused it, crashed, or gave up. Data not yet "
    "delivered is lost."),
  [E_WSCALE_SHIFT_INVALID] = IOT_EXPERT_INFO ("tcp.options.wscale.shift.invalid", IOT_SEV_WARN,
    IOT_GROUP_PROTOCOL, "Window scale shift exceeds 14",
    "RFC 7323 limits the window scale shift to 14; larger values are treated as 14."),
  [E_OPTION_LEN_INVALID] = IOT_EXPERT_INFO ("tcp.option.len.invalid", IOT_SEV_NOTE, IOT_GROUP_SEQUENCE,
    "Invalid length for option",
    "An option's length byte is too small for its kind, or runs past the end of the options: the "
    "rest of the options cannot be read."),
  [E_BOGUS_HEADER_LENGTH] = IOT_EXPERT_INFO ("tcp.bogus_header_length", IOT_SEV_ERROR, IOT_GROUP_MALFORMED,
    "Bogus TCP Header length",
    "The data offset says the header is shorter than the 20 fixed bytes, or longer than the segment."),
};

/* ---- per-capture state ---------------------------------------------------- */

/* ---- sequence analysis: what is kept ------------------------------------------ */

/* Analysis flags of one frame, with tshark's meanings. */
enum {
  TA_RETRANSMISSION = 0x0001,
  TA_LOST_SEGMENT = 0x0002,
  TA_ACK_LOST_SEGMENT = 0x0004,
  TA_KEEP_ALIVE = 0x0008,
  TA_DUPLICATE_ACK = 0x0010,
  TA_ZERO_WINDOW = 0x0020,
  TA_ZERO_WINDOW_PROBE = 0x0040,
  TA_ZERO_WINDOW_PROBE_ACK = 0x0080,
  TA_KEEP_ALIVE_ACK = 0x0100,
  TA_OUT_OF_ORDER = 0x0200,
  TA_FAST_RETRANSMISSION = 0x0400,
  TA_WINDOW_UPDATE = 0x0800,
  TA_WINDOW_FULL = 0x1000,
  TA_REUSED_PORTS = 0x2000,
  TA_SPURIOUS_RETRANSMISSION = 0x4000,
  TA_PRESENT = 0x8000,      /* the frame has analysis results (even without a flag) */
};

#define TA_WARNINGS 0x7fff

#define SEQ_WIDE G_MAXUINT16

/* The numbers of a frame's analysis in full (FrameFact.acks_back == SEQ_WIDE). */
typedef struct {
  guint32 frame;
  guint32 acks_frame;       /* 0 = acknowledges no segment exactly */
  guint32 bytes_in_flight;
  guint32 push_bytes_sent;
} SeqWide;

typedef struct {
  guint32 frame;
  guint32 dupack_num;
  guint32 dupack_frame;
  guint32 rto_frame;
} SeqRare;

/* A segment waiting for its acknowledgement (raw sequence numbers). */
typedef struct {
  guint32 seq, nextseq, frame;
} Unacked;

/* First pass: one direction of a connection as the analysis follows it. */
typedef struct {
  gboolean started;
  guint32  nextseq;         /* highest next sequence number seen; 0 = none yet */
  guint32  nextseq_frame;
  gint64   nextseq_time;
  guint32  maxseqtobeacked; /* end of the data seen without a gap; 0 = none */
  guint32  lastack;
  gint64   lastack_time;
  guint32  lastnondupack;   /* frame that last changed the acknowledgement number */
  guint32  dupacknum;
  guint32  window;          /* last (scaled) window; G_MAXUINT32 = none yet */
  guint16  lastsegmentflags;
  gboolean valid_bif;
  gboolean push_set_last;
  guint32  push_bytes_sent;
  guint32  sack_bytes;      /* SACK blocks of this direction's latest segment */
  /* Unacknowledged segments in the order they were sent: v[head .. head+n). */
  Unacked *v;
  guint32  head, n, cap;
  guint32  last_nextseq;    /* of the newest entry */
  /* While sorted, the segments follow each other without overlap, so
   * acknowledgements remove a prefix and the extremes are the ends. */
  gboolean sorted;
  /* Extremes relative to min_base, kept up to date while appending. */
  guint32  min_rel, max_rel, min_base;
} SeqFlow;

/* One change of a per-stream value: @value holds from frame @frame on. */
typedef struct {
  guint32 frame;
  gint32  value;
} Change;

typedef struct {
  Change *v;
  guint32 n, cap;
} History;

typedef struct {
  IotAddress addr[2];       /* side 0 sent the stream's first segment */
  guint16    port[2];
  guint32    first_frame;
  guint32    last_frame;    /* first pass: latest frame of the stream */
  /* First-pass "current" values, mirrored into the histories. */
  guint32    base[2];
  gboolean   base_set[2];
  gint8      wscale[2];
  guint8     completeness;
  History    base_hist[2];
  History    wscale_hist[2];
  History    completeness_hist;
  /* First pass: a message being gathered in each direction. */
  struct _Gather *gather[2];
  /* First pass: sequence analysis of each direction (NULL until needed). */
  SeqFlow    flow[2];
  /* Handshake round trip: time of the latest SYN, and the iRTT once the
   * first ACK after it was seen (both 0 = not yet). */
  gint64     syn_time;
  gint64     irtt;
  /* The SYN that opened this stream on the ports of an earlier one; 0 = none. */
  guint32    reused_frame;
  /* 1 + the direction that sent the first FIN; 0 = none yet. */
  guint8     fin_side;
  /* First pass: the stretches of each direction's bytes the capture has not
   * seen (a segment lost before the capture point), to recognise their
   * retransmission as the first sight of those bytes.  The end of what
   * was seen is kept here (read on every segment), the holes apart (made
   * at the first one). */
  gboolean   seen_any[2];
  guint32    seen_next[2];  /* after the highest byte seen */
  struct _Unseen *unseen[2];
} TcpStream;

/* What the first pass recorded about one frame, in one array indexed by
 * frame number (most frames of a capture are TCP ones, so a flat array
 * is both the smallest and the quickest to read back).  Fourteen bytes:
 * 16-bit halves keep the struct free of padding.  The analysis numbers
 * are stored as they are when they fit in 16 bits (nearly always), else
 * in a SeqWide entry; times are not stored: the RTT and RTO are the
 * differences between this frame's time and the frame named. */
typedef struct {
  guint16 stream_lo;        /* stream index + 1 (0 = no TCP segment recorded), */
  guint16 stream_hi;        /* its top bit: the frame has a SegFact */
  guint16 prev_back;        /* frame - previous frame of the stream; 0 = none; SEQ_WIDE: see PrevWide */
  guint16 flags;            /* TA_*; 0 = no analysis results */
  guint16 acks_back;        /* frame - the frame acknowledged exactly; 0 = none; SEQ_WIDE: see SeqWide */
  guint16 bytes_in_flight;
  guint16 push_bytes_sent;
} FrameFact;

G_STATIC_ASSERT (sizeof (FrameFact) == 14);

#define FACT_HAS_SEG_FACT 0x8000u

/* The previous frame of a stream when it is SEQ_WIDE frames back or more. */
typedef struct {
  guint32 frame;
  guint32 prev_frame;
} PrevWide;

static inline guint32
fact_stream_plus1 (const FrameFact *f)
{
  return ((guint32) (f->stream_hi & ~FACT_HAS_SEG_FACT) << 16) | f->stream_lo;
}

/* One address/port pair: its latest stream (ports reused by a new
 * connection open a new stream under the same key). */
typedef struct {
  IotConvSlots conv;     /* first: the key the table hashes */
  guint32         stream_plus1;
} TcpConv;

#define CONV_RECENT 1024

typedef struct {
  GPtrArray  *streams;      /* TcpStream*, by index */
  GHashTable *by_key;       /* first pass: connection key → TcpConv */
  GArray     *facts;        /* FrameFact, by frame number */
  GPtrArray  *pdus;         /* Pdu*: messages rebuilt from several segments */
  GHashTable *seg_facts;    /* frame → SegFact*, only for segments in such messages */
  /* Sorted by frame: the analysis numbers and previous frames too large
   * for their FrameFact, and the rarer numbers (SeqRare). */
  GArray     *prev_wide;
  GArray     *seq_wide;
  GArray     *seq_rare;
  guint32     last_analyzed;   /* first pass: the latest frame analysed */
  /* First pass: the connections seen lately, by their key's hash (a hit
   * costs one key comparison instead of the table's probing). */
  TcpConv    *recent[CONV_RECENT];
} TcpState;

/* ---- messages spread over several segments ------------------------------------ */

typedef struct {
  guint32 completed_in;    /* 0 = the capture ended first */
  guint32 start_seq;       /* raw sequence numbers of its first byte and of */
  guint32 end_seq;         /* the byte after it (set once completed) */
  GArray *pieces;          /* IotPiece */
} Pdu;

/* Which parts of a segment's payload belong to rebuilt messages. */
typedef struct {
  guint32 head_len;        /* bytes at the start that continue or end message head_pdu */
  guint32 head_pdu;        /* index + 1, 0 = none */
  guint32 tail_off;        /* payload offset where message tail_pdu starts */
  guint32 tail_pdu;        /* index + 1, 0 = none */
  gboolean resent;         /* a resend of bytes of a message already rebuilt */
  gboolean first_seen;     /* a retransmission of bytes the capture had not seen: decoded */
} SegFact;

/* Bytes of one direction the capture has not seen: at most a few holes,
 * oldest first.  A hole whose first byte starts a message (the bytes before
 * it ended one) can be decoded when its retransmission comes. */
typedef struct {
  guint32  start, end;     /* raw sequence numbers */
  gboolean at_boundary;
} Hole;

typedef struct _Unseen {
  Hole     holes[8];
  guint    n_holes;
} Unseen;

typedef struct _Gather {
  guint32     pdu;         /* index + 1 of the message being gathered, 0 = none */
  guint32     next_seq;    /* raw sequence number of the next byte expected */
  guint32     needed;      /* total length the message needs, 0 = not known yet */
  GByteArray *bytes;
  /* A message that a gap made impossible to rebuild: its bytes up to
   * lost_end (raw sequence number) are still its own, not the start of
   * new messages. */
  guint32     lost_pdu;    /* index + 1, 0 = none */
  guint32     lost_end;
  /* The latest messages rebuilt in this direction (index + 1), oldest
   * first, for recognising resent bytes of them. */
  guint32     rebuilt[16];
  guint       n_rebuilt;
} Gather;


static void
pdu_free (gpointer p)
{
  Pdu *pdu = p;

  g_array_unref (pdu->pieces);
  g_free (pdu);
}

static void
gather_free (Gather *g)
{
  if (g == NULL)
    return;
  g_byte_array_unref (g->bytes);
  g_free (g);
}

static gpointer
tcp_state_new (void)
{
  TcpState *st = g_new0 (TcpState, 1);

  st->streams = g_ptr_array_new ();
  st->by_key = g_hash_table_new_full (iot_conv_key_hash, iot_conv_key_equal, NULL, g_free);
  st->facts = g_array_new (FALSE, TRUE, sizeof (FrameFact));
  st->pdus = g_ptr_array_new_with_free_func (pdu_free);
  st->seg_facts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  st->prev_wide = g_array_new (FALSE, FALSE, sizeof (PrevWide));
  st->seq_wide = g_array_new (FALSE, FALSE, sizeof (SeqWide));
  st->seq_rare = g_array_new (FALSE, FALSE, sizeof (SeqRare));
  return st;
}

static void
tcp_stream_free (TcpStream *s)
{
  for (guint d = 0; d < 2; d++)
    {
      g_free (s->base_hist[d].v);
      g_free (s->wscale_hist[d].v);
    }
  g_free (s->completeness_hist.v);
  for (guint d = 0; d < 2; d++)
    {
      gather_free (s->gather[d]);
      g_free (s->unseen[d]);
      g_free (s->flow[d].v);
    }
  g_free (s);
}

static void
tcp_state_free (gpointer p)
{
  TcpState *st = p;

  for (guint i = 0; i < st->streams->len; i++)
    tcp_stream_free (g_ptr_array_index (st->streams, i));
  g_ptr_array_unref (st->streams);
  g_hash_table_unref (st->by_key);
  g_array_unref (st->facts);
  g_ptr_array_unref (st->pdus);
  g_hash_table_unref (st->seg_facts);
  g_array_unref (st->prev_wide);
  g_array_unref (st->seq_wide);
  g_array_unref (st->seq_rare);
  g_free (st);
}

/* Records that @value holds from @frame on (the first pass sees frames in
 * order, so changes are appended sorted). */
static void
history_set (History *h, guint32 frame, gint32 value)
{
  if (h->n > 0 && h->v[h->n - 1].value == value)
    return;
  if (h->n > 0 && h->v[h->n - 1].frame == frame)
    {
      h->v[h->n - 1].value = value;
      return;
    }
  if (h->n == h->cap)
    {
      h->cap = h->cap ? h->cap * 2 : 2;
      h->v = g_renew (Change, h->v, h->cap);
    }
  h->v[h->n].frame = frame;
  h->v[h->n].value = value;
  h->n++;
}

/* The value in force at @frame, or @fallback before the first change. */
static gint32
history_at (const History *h, guint32 frame, gint32 fallback)
{
  guint lo = 0, hi = h->n;

  if (h->n == 0 || h->v[0].frame > frame)
    return fallback;
  if (h->v[h->n - 1].frame <= frame)
    return h->v[h->n - 1].value;
  /* Binary search for the last change at or before @frame. */
  while (hi - lo > 1)
    {
      guint mid = (lo + hi) / 2;

      if (h->v[mid].frame <= frame)
        lo = mid;
      else
        hi = mid;
    }
  return h->v[lo].value;
}

/* The pair's entry, made (with no stream yet) if it is new. */
static TcpConv *
conv_for_key (TcpState *st, const IotConvKey *key)
{
  TcpConv **recent = &st->recent[iot_conv_key_hash (key) % CONV_RECENT];
  TcpConv *conv = *recent;

  if (conv != NULL && iot_conv_key_equal (&conv->conv.key, key))
    return conv;
  conv = g_hash_table_lookup (st->by_key, key);
  if (conv == NULL)
    {
      conv = g_new0 (TcpConv, 1);
      conv->conv.key = *key;
      g_hash_table_insert (st->by_key, &conv->conv.key, conv);
    }
  *recent = conv;
  return conv;
}

static TcpStream *
new_stream (TcpState *st, TcpConv *conv, const IotAddress *src, guint16 sport,
            const IotAddress *dst, guint16 dport, guint32 frame)
{
  TcpStream *s = g_new0 (TcpStream, 1);

  s->addr[0] = *src;
  s->addr[1] = *dst;
  s->port[0] = sport;
  s->port[1] = dport;
  s->first_frame = frame;
  s->wscale[0] = s->wscale[1] = WSCALE_UNKNOWN;
  g_ptr_array_add (st->streams, s);
  conv->stream_plus1 = st->streams->len;
  return s;
}

/* 0 when the segment travels the way the stream's first segment did. */
static guint
stream_direction (const TcpStream *s, const IotAddress *src, guint16 sport)
{
  guint n = src->family == 6 ? 16 : 4;

  return (sport == s->port[0] && memcmp (src->bytes, s->addr[0].bytes, n) == 0) ? 0 : 1;
}

/* ---- one segment ------------------------------------------------------------ */

typedef struct {
  guint16  sport, dport;
  guint32  seq, ack;
  guint16  flags;
  guint32  len;             /* payload bytes, as reported */
  /* Filled while reading options. */
  gboolean options_done;    /* every option was read (none ran past the capture) */
  gboolean has_wscale;
  guint8   wscale_shift;
  guint32  sack_bytes;      /* sum of the SACK blocks' lengths */
} Segment;

static void
set_base (TcpStream *s, guint dir, guint32 frame, guint32 base)
{
  s->base[dir] = base;
  s->base_set[dir] = TRUE;
  history_set (&s->base_hist[dir], frame, (gint32) base);
}

static void
set_wscale (TcpStream *s, guint dir, guint32 frame, gint8 scale)
{
  s->wscale[dir] = scale;
  history_set (&s->wscale_hist[dir], frame, scale);
}

/* Remembers the frame's stream and, when @timed, its predecessor in the
 * stream (for the stream timing fields). */
static void
record_fact (TcpState *st, guint32 stream_plus1, TcpStream *s, guint32 frame, gboolean timed)
{
  FrameFact *fact;

  if (st->facts->len <= frame)
    /* Just long enough: the array's own doubling keeps this cheap, and
     * only the entries in use are cleared (and so paged in). */
    g_array_set_size (st->facts, frame + 1);
  fact = &g_array_index (st->facts, FrameFact, frame);
  if (fact_stream_plus1 (fact) != 0)
    return;   /* a second TCP layer in the frame keeps the first one's facts */
  fact->stream_lo = (guint16) stream_plus1;
  fact->stream_hi = (guint16) (stream_plus1 >> 16);
  if (timed)
    {
      if (s->last_frame != 0 && frame - s->last_frame >= SEQ_WIDE)
        {
          PrevWide wide = { frame, s->last_frame };

          g_array_append_val (st->prev_wide, wide);
          fact->prev_back = SEQ_WIDE;
        }
      else if (s->last_frame != 0)
        fact->prev_back = (guint16) (frame - s->last_frame);
      s->last_frame = frame;
    }
}

/* First pass, before the options: finds or opens the stream and learns
 * initial sequence numbers and completeness.  Returns the stream index. */
static guint32
first_pass_segment (TcpState *st, IotPacket *pkt, const Segment *seg, gboolean analyze)
{
  const IotAddress *src = iot_packet_net_src (pkt), *dst = iot_packet_net_dst (pkt);
  guint32 frame = iot_packet_frame_number (pkt);
  gboolean pure_syn = (seg->flags & (TH_SYN | TH_ACK)) == TH_SYN;
  gboolean fresh = FALSE;
  TcpStream *s = NULL;
  IotConvKey key;
  TcpConv *conv;
  gpointer found;
  guint dir;

  iot_conv_key_make (&key, src, seg->sport, dst, seg->dport);
  conv = conv_for_key (st, &key);
  /* Found once here for every layer above. */
  iot_packet_set_conversation (pkt, &conv->conv);
  found = GUINT_TO_POINTER (conv->stream_plus1);
  if (found == NULL)
    {
      s = new_stream (st, conv, src, seg->sport, dst, seg->dport, frame);
      found = GUINT_TO_POINTER (st->streams->len);
      fresh = TRUE;
    }
  else
    {
      s = g_ptr_array_index (st->streams, GPOINTER_TO_UINT (found) - 1);
      dir = stream_direction (s, src, seg->sport);
      /* A new SYN with another initial sequence number: the ports were
       * reused for a new connection. */
      if (analyze && pure_syn && s->base_set[dir] && seg->seq != s->base[dir])
        {
          s = new_stream (st, conv, src, seg->sport, dst, seg->dport, frame);
          found = GUINT_TO_POINTER (st->streams->len);
          s->reused_frame = frame;
          s->completeness = SEEN_SYN;
          history_set (&s->completeness_hist, frame, SEEN_SYN);
        }
    }
  dir = stream_direction (s, src, seg->sport);
  /* The side whose FIN comes first begins the closing. */
  if ((seg->flags & TH_FIN) && s->fin_side == 0)
    s->fin_side = (guint8) (dir + 1);
  if (!analyze)
    {
      record_fact (st, GPOINTER_TO_UINT (found), s, frame, TRUE);
      return GPOINTER_TO_UINT (found) - 1;
    }

  /* Initial sequence numbers: a SYN gives its own; otherwise the first
   * segment seen stands for byte 1, and an acknowledgement tells the
   * other side's. */
  if (seg->flags & TH_SYN)
    set_base (s, dir, frame, seg->seq);
  else if (!s->base_set[dir])
    set_base (s, dir, frame, seg->seq - 1);
  if ((seg->flags & TH_ACK) && !s->base_set[1 - dir])
    set_base (s, 1 - dir, frame, seg->ack - 1);

  /* Completeness as shown is what was seen before this frame. */
  if (!fresh || pure_syn)
    {
      guint8 c = s->completeness;

      if (seg->flags & TH_SYN)
        c |= (seg->flags & TH_ACK) ? SEEN_SYNACK : SEEN_SYN;
      if (seg->flags & TH_FIN)
        c |= SEEN_FIN;
      if (seg->flags & TH_RST)
        c |= SEEN_RST;
      if (seg->len > 0)
        c |= SEEN_DATA;
      else if ((seg->flags & (TH_ACK | TH_SYN)) == TH_ACK)
        c |= SEEN_ACK;
      if (c != s->completeness)
        {
          s->completeness = c;
          history_set (&s->completeness_hist, frame + 1, c);
        }
    }

  record_fact (st, GPOINTER_TO_UINT (found), s, frame, TRUE);
  return GPOINTER_TO_UINT (found) - 1;
}

/* First pass, after the options: a SYN tells its window scale.  Scaling
 * is on only when both SYNs offer it, so a SYN without the option turns
 * it off for both directions. */
static void
first_pass_window_scale (TcpStream *s, guint dir, guint32 frame, const Segment *seg)
{
  if (!(seg->flags & TH_SYN) || !seg->options_done)
    return;
  if (!seg->has_wscale || ((seg->flags & TH_ACK) && s->wscale[1 - dir] == WSCALE_NOT_USED))
    {
      set_wscale (s, dir, frame, WSCALE_NOT_USED);
      set_wscale (s, 1 - dir, frame, WSCALE_NOT_USED);
    }
  else
    set_wscale (s, dir, frame, (gint8) MIN (seg->wscale_shift, 14));
}

/* Once the first pass is over, every frame of a connection shows what the
 * whole connection turned out to be, as a two-pass tshark does. */
static guint8
stream_completeness (IotPacket *pkt, const TcpStream *s, guint32 frame)
{
  if (iot_packet_first_pass (pkt))
    return (guint8) history_at (&s->completeness_hist, frame, 0);
  return s->completeness;
}

static const char *
completeness_text (guint8 c)
{
  if ((c & (SEEN_SYN | SEEN_SYNACK | SEEN_ACK)) == (SEEN_SYN | SEEN_SYNACK | SEEN_ACK)
      && (c & (SEEN_FIN | SEEN_RST)))
    return (c & SEEN_DATA) ? "Complete, WITH_DATA" : "Complete, NO_DATA";
  switch (c)
    {
    case SEEN_SYN:
      return "Incomplete, SYN_SENT";
    case SEEN_SYN | SEEN_SYNACK:
      return "Incomplete, CLIENT_ESTABLISHED";
    case SEEN_SYN | SEEN_SYNACK | SEEN_ACK:
      return "Incomplete, ESTABLISHED";
    case SEEN_SYN | SEEN_SYNACK | SEEN_ACK | SEEN_DATA:
      return "Incomplete, DATA";
    default:
      return "Incomplete";
    }
}

/* ---- sequence analysis ------------------------------------------------------ */

/* The first pass follows each direction of a connection as tshark does:
 * the next expected sequence number, the last acknowledgement and window,
 * and the segments still waiting for their acknowledgement.  Each frame's
 * conclusions are stored (SeqFact, SeqRare) and shown from there on every
 * later dissection. */

/* tshark remembers at most this many unacknowledged segments per direction. */
#define MAX_UNACKED 10000

/* Sequence-space comparisons that survive the wrap at 2^32. */
#define GT_SEQ(a, b) ((gint32) ((guint32) (a) - (guint32) (b)) > 0)
#define LT_SEQ(a, b) ((gint32) ((guint32) (a) - (guint32) (b)) < 0)
#define LE_SEQ(a, b) ((gint32) ((guint32) (a) - (guint32) (b)) <= 0)

typedef struct {
  guint16 flags;
  guint32 acks_frame, bytes_in_flight, push_bytes_sent;
  guint32 dupack_num, dupack_frame, rto_frame;
} SeqResult;

static SeqFlow *
seq_flow (TcpStream *s, guint dir)
{
  SeqFlow *f = &s->flow[dir];

  if (!f->started)
    {
      f->started = TRUE;
      f->window = G_MAXUINT32;
      f->valid_bif = TRUE;
      f->sorted = TRUE;
    }
  return f;
}

/* Recomputes the extremes and whether the list is sorted: after removals
 * from an unsorted list, or when the relative base moved. */
static void
unacked_rescan (SeqFlow *f, guint32 base)
{
  const Unacked *u = f->v + f->head;

  f->min_base = base;
  f->sorted = TRUE;
  if (f->n == 0)
    return;
  f->min_rel = u[0].seq - base;
  f->max_rel = u[0].nextseq - base;
  f->last_nextseq = u[f->n - 1].nextseq;
  for (guint32 i = 0; i < f->n; i++)
    {
      f->min_rel = MIN (f->min_rel, u[i].seq - base);
      f->max_rel = MAX (f->max_rel, u[i].nextseq - base);
      if (u[i].nextseq - base <= u[i].seq - base
          || (i > 0 && (!LE_SEQ (u[i - 1].nextseq, u[i].seq) || u[i].seq - base < u[i - 1].nextseq - base)))
        f->sorted = FALSE;
    }
}

static void
unacked_append (SeqFlow *f, guint32 base, guint32 seq, guint32 nextseq, guint32 frame)
{
  guint32 last_nextseq;

  if (f->head + f->n == f->cap)
    {
      if (f->head > 0 && f->head >= f->n)
        {
          memmove (f->v, f->v + f->head, f->n * sizeof (Unacked));
          f->head = 0;
        }
      else
        {
          f->cap = f->cap ? f->cap * 2 : 8;
          f->v = g_renew (Unacked, f->v, f->cap);
        }
    }
  f->v[f->head + f->n] = (Unacked) { seq, nextseq, frame };
  f->n++;
  last_nextseq = f->last_nextseq;
  f->last_nextseq = nextseq;
  if (f->n == 1)
    {
      f->min_base = base;
      f->sorted = nextseq - base > seq - base;
      f->min_rel = seq - base;
      f->max_rel = nextseq - base;
      return;
    }
  if (f->min_base != base)
    {
      unacked_rescan (f, base);
      return;
    }
  f->min_rel = MIN (f->min_rel, seq - base);
  f->max_rel = MAX (f->max_rel, nextseq - base);
  if (nextseq - base <= seq - base || !LE_SEQ (last_nextseq, seq) || seq - base < last_nextseq - base)
    f->sorted = FALSE;
}

/* Applies acknowledgement number @ack to the other direction's list @f:
 * segments it covers go, one it covers in part is cut.  Returns the frame
 * of the oldest segment that ends exactly at @ack, or 0. */
static guint32
unacked_ack (SeqFlow *f, guint32 base, guint32 ack)
{
  guint32 acked = 0, out;

  if (f->n == 0)
    return 0;
  if (f->sorted && f->min_base == base)
    {
      /* Segments follow each other: what @ack covers is a prefix. */
      while (f->n > 0)
        {
          Unacked *u = &f->v[f->head];

          if (u->nextseq == ack)
            acked = acked ? acked : u->frame;
          else if (GT_SEQ (ack, u->seq) && LE_SEQ (ack, u->nextseq))
            {
              u->seq = ack;
              break;
            }
          else if (GT_SEQ (u->nextseq, ack))
            break;
          f->head++;
          f->n--;
        }
      if (f->n == 0)
        f->head = 0;
      else
        f->min_rel = f->v[f->head].seq - base;
      return acked;
    }
  out = f->head;
  for (guint32 i = f->head; i < f->head + f->n; i++)
    {
      Unacked u = f->v[i];

      if (u.nextseq == ack)
        {
          acked = acked ? acked : u.frame;
          continue;
        }
      if (GT_SEQ (ack, u.seq) && LE_SEQ (ack, u.nextseq))
        u.seq = ack;
      else if (!GT_SEQ (u.nextseq, ack))
        continue;
      f->v[out++] = u;
    }
  f->n = out - f->head;
  if (f->n == 0)
    f->head = 0;
  unacked_rescan (f, base);
  return acked;
}

/* A segment with data (or SYN/FIN) that does not advance the stream: a
 * fast retransmission, an out-of-order segment, a spurious or an ordinary
 * retransmission. */
static void
classify_resend (const TcpStream *s, const SeqFlow *fwd, const SeqFlow *rev, guint32 seq, guint32 seglen,
                 guint16 flags, gint64 now, SeqResult *r)
{
  gboolean behind = fwd->nextseq != 0 && LT_SEQ (seq, fwd->nextseq);
  guint64 threshold;

  if (r->flags & TA_KEEP_ALIVE)
    return;
  /* Right after two or more duplicate ACKs asking for exactly this byte. */
  if (behind && rev->dupacknum >= 2 && rev->lastack == seq && (guint64) (now - rev->lastack_time) < 20000000)
    {
      r->flags |= TA_FAST_RETRANSMISSION;
      return;
    }
  /* Soon (within the handshake RTT, else 3 ms) after the newest data. */
  threshold = s->irtt != 0 ? (guint64) s->irtt : 3000000;
  if (behind && (guint64) (now - fwd->nextseq_time) < threshold
      && fwd->nextseq != seq + seglen + ((flags & (TH_SYN | TH_FIN)) ? 1 : 0))
    {
      r->flags |= TA_OUT_OF_ORDER;
      return;
    }
  /* Everything in it was acknowledged already. */
  if (seglen > 0 && rev->lastack != 0 && LE_SEQ (seq + seglen, rev->lastack))
    {
      r->flags |= TA_SPURIOUS_RETRANSMISSION;
      return;
    }
  if (behind)
    {
      r->flags |= TA_RETRANSMISSION;
      /* The timeout ran from the oldest segment still unacknowledged, or
       * else from the segment that brought the highest sequence number. */
      r->rto_frame = fwd->n > 0 ? fwd->v[fwd->head].frame : fwd->nextseq_frame;
    }
}

/* The checks on a segment before its acknowledgement is looked at; returns
 * FALSE when a probe or its answer ends them early. */
static gboolean
classify_segment (const TcpStream *s, guint dir, SeqFlow *fwd, SeqFlow *rev, const Segment *seg,
                  guint32 window, SeqResult *r)
{
  guint32 seq = seg->seq, ack = seg->ack, seglen = seg->len;
  gboolean plain = (seg->flags & (TH_SYN | TH_FIN | TH_RST)) == 0;
  gboolean same_ack = seglen == 0 && seq == fwd->nextseq && ack == fwd->lastack && plain;

  /* One byte into a window the other side announced as zero. */
  if (seglen == 1 && seq == fwd->nextseq && rev->window == 0)
    {
      r->flags |= TA_ZERO_WINDOW_PROBE;
      return FALSE;
    }
  if (window == 0 && plain)
    r->flags |= TA_ZERO_WINDOW;
  if (fwd->nextseq != 0 && GT_SEQ (seq, fwd->nextseq) && !(seg->flags & TH_RST))
    {
      r->flags |= TA_LOST_SEGMENT;
      /* Bytes in flight are unknown until the other side acknowledges again. */
      fwd->valid_bif = FALSE;
    }
  if (seglen <= 1 && seq == fwd->nextseq - 1 && plain)
    r->flags |= TA_KEEP_ALIVE;
  if (same_ack && window != 0 && window != fwd->window)
    r->flags |= TA_WINDOW_UPDATE;
  if (seglen > 0 && s->wscale[1 - dir] != WSCALE_UNKNOWN && seq + seglen == rev->lastack + rev->window && plain)
    r->flags |= TA_WINDOW_FULL;
  if (same_ack && window != 0 && window == fwd->window && (rev->lastsegmentflags & TA_KEEP_ALIVE))
    {
      r->flags |= TA_KEEP_ALIVE_ACK;
      return FALSE;
    }
  if (seglen == 0 && window == 0 && fwd->window == 0 && seq == fwd->nextseq && plain
      && (ack == fwd->lastack || ack == fwd->lastack + 1) && (rev->lastsegmentflags & TA_ZERO_WINDOW_PROBE))
    {
      r->flags |= TA_ZERO_WINDOW_PROBE_ACK;
      /* The receiver took the probe's byte after all. */
      if (ack == fwd->lastack + 1)
        {
          rev->nextseq = ack;
          rev->maxseqtobeacked = ack;
        }
      return FALSE;
    }
  if (same_ack && window != 0 && window == fwd->window)
    {
      fwd->dupacknum++;
      r->flags |= TA_DUPLICATE_ACK;
      r->dupack_num = fwd->dupacknum;
      r->dupack_frame = fwd->lastnondupack;
    }
  return TRUE;
}

/* First pass: analyses one segment of direction @dir of @s. */
static void
analyze_segment (TcpStream *s, guint dir, const Segment *seg, guint32 window, guint32 frame, gint64 now,
                 SeqResult *r)
{
  SeqFlow *fwd = seq_flow (s, dir), *rev = seq_flow (s, 1 - dir);
  guint32 seq = seg->seq, ack = seg->ack, seglen = seg->len, nextseq, acked;
  gboolean probe;

  if (seg->flags & TH_ACK)
    rev->valid_bif = TRUE;
  classify_segment (s, dir, fwd, rev, seg, window, r);
  if (ack != fwd->lastack)
    {
      fwd->lastnondupack = frame;
      fwd->dupacknum = 0;
    }
  /* Acknowledges data never seen: the capture missed it. */
  if (rev->maxseqtobeacked != 0 && GT_SEQ (ack, rev->maxseqtobeacked) && (seg->flags & TH_ACK))
    {
      r->flags |= TA_ACK_LOST_SEGMENT;
      rev->maxseqtobeacked = rev->nextseq;
    }
  if (seglen > 0 || (seg->flags & (TH_SYN | TH_FIN)))
    classify_resend (s, fwd, rev, seq, seglen, seg->flags, now, r);

  nextseq = seq + seglen;
  if ((seglen > 0 || (seg->flags & (TH_SYN | TH_FIN))) && fwd->n < MAX_UNACKED)
    {
      if (seg->flags & (TH_SYN | TH_FIN))
        nextseq++;
      unacked_append (fwd, s->base[dir], seq, nextseq, frame);
    }
  /* A zero-window probe does not move the stream forward. */
  probe = (r->flags & TA_ZERO_WINDOW_PROBE) != 0;
  if ((GT_SEQ (nextseq, fwd->nextseq) || fwd->nextseq == 0) && !probe)
    {
      fwd->nextseq = nextseq;
      fwd->nextseq_frame = frame;
      fwd->nextseq_time = now;
    }
  if ((seq == fwd->maxseqtobeacked || fwd->maxseqtobeacked == 0) && !probe)
    fwd->maxseqtobeacked = fwd->nextseq;
  fwd->window = window;
  fwd->lastack = ack;
  fwd->lastack_time = now;
  fwd->lastsegmentflags = r->flags & TA_WARNINGS;
  fwd->sack_bytes = seg->sack_bytes;

  acked = unacked_ack (rev, s->base[1 - dir], ack);
  if (acked != 0)
    {
      r->acks_frame = acked;
      r->flags |= TA_PRESENT;
    }
  if (seglen != 0 && fwd->n > 0 && fwd->valid_bif)
    {
      /* Data the receiver reported in its latest SACK blocks arrived;
       * a FIN is not data. */
      guint32 in_flight = fwd->max_rel - fwd->min_rel - rev->sack_bytes - ((seg->flags & (TH_SYN | TH_FIN)) ? 1 : 0);

      if (fwd->push_set_last)
        {
          fwd->push_bytes_sent = 0;
          fwd->push_set_last = FALSE;
        }
      fwd->push_bytes_sent += seglen;
      if (seg->flags & TH_PUSH)
        fwd->push_set_last = TRUE;
      if (in_flight > 0 && in_flight < 2000000000)
        {
          r->bytes_in_flight = in_flight;
          r->push_bytes_sent = fwd->push_bytes_sent;
          r->flags |= TA_PRESENT;
        }
    }
  if (r->flags & TA_WARNINGS)
    r->flags |= TA_PRESENT;
}

/* First pass: analyses the segment, notes the handshake RTT and stores
 * what there is to show. */
static guint16
first_pass_analysis (TcpState *st, TcpStream *s, guint dir, IotPacket *pkt, const Segment *seg,
                     guint32 window, gboolean reused)
{
  guint32 frame = iot_packet_frame_number (pkt);
  gint64 now = iot_packet_time_ns (pkt);
  SeqResult r = { 0 };

  if (frame <= st->last_analyzed)
    return 0;   /* a second TCP layer in the frame */
  st->last_analyzed = frame;
  if (reused)
    r.flags |= TA_REUSED_PORTS;
  analyze_segment (s, dir, seg, window, frame, now, &r);

  /* iRTT: from the latest SYN to the first ACK without SYN after it. */
  if ((seg->flags & (TH_SYN | TH_ACK)) == TH_SYN)
    s->syn_time = now;
  else if ((seg->flags & (TH_SYN | TH_ACK)) == TH_ACK && s->syn_time != 0 && s->irtt == 0)
    s->irtt = now - s->syn_time;

  if (r.flags & TA_PRESENT)
    {
      guint32 acks_back = r.acks_frame != 0 ? frame - r.acks_frame : 0;
      FrameFact *fact = &g_array_index (st->facts, FrameFact, frame);

      fact->flags = r.flags;
      fact->acks_back = (guint16) acks_back;
      fact->bytes_in_flight = (guint16) r.bytes_in_flight;
      fact->push_bytes_sent = (guint16) r.push_bytes_sent;
      if (acks_back >= SEQ_WIDE || (r.acks_frame != 0 && acks_back == 0) || r.bytes_in_flight > G_MAXUINT16
          || r.push_bytes_sent > G_MAXUINT16)
        {
          SeqWide wide = { frame, r.acks_frame, r.bytes_in_flight, r.push_bytes_sent };

          fact->acks_back = SEQ_WIDE;
          g_array_append_val (st->seq_wide, wide);
        }
      if (r.dupack_num != 0 || r.rto_frame != 0)
        {
          SeqRare rare = { frame, r.dupack_num, r.dupack_frame, r.rto_frame };

          g_array_append_val (st->seq_rare, rare);
        }
    }
  return r.flags;
}

/* Binary search in an array sorted by a leading guint32 frame number. */
static gconstpointer
find_by_frame (const GArray *a, gsize size, guint32 frame)
{
  guint lo = 0, hi = a->len;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      guint32 f = *(const guint32 *) (a->data + mid * size);

      if (f == frame)
        return a->data + mid * size;
      if (f < frame)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}

/* ---- sequence analysis: showing it -------------------------------------------- */

/* tshark's order; each text is put in front of the Info column, so the
 * last one shown comes first. */
static const struct {
  guint16     flag;
  int         expert;
  const char *info;
} flag_items[] = {
  { TA_REUSED_PORTS, E_REUSED_PORTS, "[TCP Port numbers reused] " },
  { TA_SPURIOUS_RETRANSMISSION, E_SPURIOUS_RETRANSMISSION, "[TCP Spurious Retransmission] " },
  { TA_RETRANSMISSION, E_RETRANSMISSION, "[TCP Retransmission] " },
  { TA_FAST_RETRANSMISSION, E_FAST_RETRANSMISSION, "[TCP Fast Retransmission] " },
  { TA_OUT_OF_ORDER, E_OUT_OF_ORDER, "[TCP Out-Of-Order] " },
  { TA_LOST_SEGMENT, E_LOST_SEGMENT, "[TCP Previous segment not captured] " },
  { TA_ACK_LOST_SEGMENT, E_ACK_LOST_SEGMENT, "[TCP ACKed unseen segment] " },
  { TA_WINDOW_UPDATE, E_WINDOW_UPDATE, "[TCP Window Update] " },
  { TA_WINDOW_FULL, E_WINDOW_FULL, "[TCP Window Full] " },
  { TA_KEEP_ALIVE, E_KEEP_ALIVE, "[TCP Keep-Alive] " },
  { TA_KEEP_ALIVE_ACK, E_KEEP_ALIVE_ACK, "[TCP Keep-Alive ACK] " },
  { TA_DUPLICATE_ACK, E_DUPLICATE_ACK, NULL },
  { TA_ZERO_WINDOW_PROBE, E_ZERO_WINDOW_PROBE, "[TCP ZeroWindowProbe] " },
  { TA_ZERO_WINDOW, E_ZERO_WINDOW, "[TCP ZeroWindow] " },
  { TA_ZERO_WINDOW_PROBE_ACK, E_ZERO_WINDOW_PROBE_ACK, "[TCP ZeroWindowProbeAck] " },
};

/* Puts @prefix in front of the Info column and keeps it there: inner
 * layers that replace the Info text replace only what follows it. */
static void
info_prepend_fenced (IotPacket *pkt, const char *prefix)
{
  const char *all;
  char *copy;
  gsize kept;

  if (!iot_packet_wants_columns (pkt))
    return;
  all = iot_col_info (pkt);
  copy = iot_packet_strndup (pkt, all, strlen (all));
  iot_col_clear_info (pkt);
  kept = strlen (iot_col_info (pkt));
  iot_col_append_info (pkt, "%s", prefix);
  iot_col_fence_info (pkt);
  iot_col_append_info (pkt, "%s", copy + kept);
}

static void
add_flag_items (TcpState *st, IotPacket *pkt, int group, IotBuf *buf, const FrameFact *fact, guint32 frame,
                gint64 now)
{
  const SeqRare *rare = find_by_frame (st->seq_rare, sizeof (SeqRare), frame);
  const char *prefixes[G_N_ELEMENTS (flag_items)];
  guint n_prefixes = 0;
  int flags_node, anchor, node;

  flags_node = iot_tree_add_item (pkt, group, &tcp_fields[F_AN_FLAGS], buf, 0, 0, FALSE);
  iot_tree_set_generated (pkt, flags_node);
  anchor = flags_node;
  for (guint i = 0; i < G_N_ELEMENTS (flag_items); i++)
    {
      guint16 flag = flag_items[i].flag;

      if (!(fact->flags & flag))
        continue;
      if (flag == TA_DUPLICATE_ACK)
        {
          guint32 num = rare ? rare->dupack_num : 0, from = rare ? rare->dupack_frame : 0;

          node = iot_tree_add_item (pkt, flags_node, &tcp_experts[E_DUPLICATE_ACK].field, buf, 0, 0, FALSE);
          iot_tree_set_generated (pkt, node);
          iot_tree_set_label (pkt, node, "This is a TCP duplicate ack");
          if (iot_packet_wants_columns (pkt))
            prefixes[n_prefixes++] = iot_packet_strdup_printf (pkt, "[TCP Dup ACK %u#%u] ", from, num);
          node = iot_tree_add_uint (pkt, group, &tcp_fields[F_AN_DUPLICATE_ACK_NUM], buf, 0, 0, num);
          iot_tree_set_generated (pkt, node);
          anchor = iot_tree_add_uint (pkt, group, &tcp_fields[F_AN_DUPLICATE_ACK_FRAME], buf, 0, 0, from);
          iot_tree_set_generated (pkt, anchor);
          iot_expert_add_info (pkt, anchor, &tcp_experts[E_DUPLICATE_ACK], "Duplicate ACK (#%u)", num);
          continue;
        }
      iot_expert_add_info (pkt, anchor, &tcp_experts[flag_items[i].expert], NULL);
      /* A fast or spurious retransmission is a retransmission too. */
      if (flag == TA_SPURIOUS_RETRANSMISSION || flag == TA_FAST_RETRANSMISSION)
        iot_expert_add_info (pkt, anchor, &tcp_experts[E_RETRANSMISSION], NULL);
      if (flag == TA_RETRANSMISSION && rare != NULL && rare->rto_frame != 0)
        {
          gint64 rto = now - iot_frame_time_ns (pkt, rare->rto_frame);

          /* Shown only when the timeout is not zero. */
          if (rto != 0)
            {
              node = iot_tree_add_time (pkt, flags_node, &tcp_fields[F_AN_RTO], buf, 0, 0, rto);
              iot_tree_set_generated (pkt, node);
              node = iot_tree_add_uint (pkt, flags_node, &tcp_fields[F_AN_RTO_FRAME], buf, 0, 0,
                                        rare->rto_frame);
              iot_tree_set_generated (pkt, node);
            }
        }
      prefixes[n_prefixes++] = flag_items[i].info;
    }
  if (n_prefixes > 0 && iot_packet_wants_columns (pkt))
    {
      g_autoptr (GString) text = g_string_new (NULL);

      while (n_prefixes > 0)
        g_string_append (text, prefixes[--n_prefixes]);
      info_prepend_fenced (pkt, text->str);
    }
}

/* The [SEQ/ACK analysis] subtree of a frame, from the first pass's facts. */
static guint16
add_seq_analysis (TcpState *st, const TcpStream *s, IotPacket *pkt, int tree, IotBuf *buf,
                  const FrameFact *stored)
{
  guint32 frame = iot_packet_frame_number (pkt);
  gint64 now = iot_packet_time_ns (pkt);
  SeqWide numbers, *fact = &numbers;
  int group, node;

  if (stored->flags == 0)
    return 0;
  if (stored->acks_back == SEQ_WIDE)
    numbers = *(const SeqWide *) find_by_frame (st->seq_wide, sizeof (SeqWide), frame);
  else
    numbers = (SeqWide) { frame, stored->acks_back ? frame - stored->acks_back : 0,
                          stored->bytes_in_flight, stored->push_bytes_sent };
  group = iot_tree_add_item (pkt, tree, &tcp_fields[F_ANALYSIS], buf, 0, 0, FALSE);
  iot_tree_set_generated (pkt, group);
  if (fact->acks_frame != 0)
    {
      node = iot_tree_add_uint (pkt, group, &tcp_fields[F_AN_ACKS_FRAME], buf, 0, 0, fact->acks_frame);
      iot_tree_set_generated (pkt, node);
      if (iot_packet_wants_field (pkt, &tcp_fields[F_AN_ACK_RTT]))
        {
          gint64 rtt = now - iot_frame_time_ns (pkt, fact->acks_frame);

          if (rtt != 0)
            {
              node = iot_tree_add_time (pkt, group, &tcp_fields[F_AN_ACK_RTT], buf, 0, 0, rtt);
              iot_tree_set_generated (pkt, node);
            }
        }
    }
  if (s->irtt != 0)
    {
      node = iot_tree_add_time (pkt, group, &tcp_fields[F_AN_INITIAL_RTT], buf, 0, 0, s->irtt);
      iot_tree_set_generated (pkt, node);
    }
  if (fact->bytes_in_flight != 0)
    {
      node = iot_tree_add_uint (pkt, group, &tcp_fields[F_AN_BYTES_IN_FLIGHT], buf, 0, 0, fact->bytes_in_flight);
      iot_tree_set_generated (pkt, node);
    }
  if (fact->push_bytes_sent != 0)
    {
      node = iot_tree_add_uint (pkt, group, &tcp_fields[F_AN_PUSH_BYTES_SENT], buf, 0, 0, fact->push_bytes_sent);
      iot_tree_set_generated (pkt, node);
    }
  if (stored->flags & TA_WARNINGS)
    add_flag_items (st, pkt, group, buf, stored, frame, now);
  return stored->flags;
}

/* ---- options ------------------------------------------------------------- */

typedef struct {
  IotPacket *pkt;
  IotBuf    *buf;
  int        tree;           /* the options row */
  GString   *summary;        /* names for the options row label */
  Segment   *seg;
  guint32    sack_base;      /* relative base for SACK edges */
} OptionCtx;

/* An option row with its kind (and length) children; NULL-safe on -1. */
static int
option_row (OptionCtx *ctx, int field, guint off, guint len, gboolean with_len)
{
  int row = iot_tree_add_item (ctx->pkt, ctx->tree, &tcp_fields[field], ctx->buf, off,
                               MIN (len, iot_buf_remaining (ctx->buf, off)), FALSE);

  iot_tree_set_length (ctx->pkt, row, len);
  iot_tree_add_item (ctx->pkt, row, &tcp_fields[F_OPTION_KIND], ctx->buf, off, 1, FALSE);
  if (with_len)
    iot_tree_add_item (ctx->pkt, row, &tcp_fields[F_OPTION_LEN], ctx->buf, off + 1, 1, FALSE);
  return row;
}

static void
summary_add (OptionCtx *ctx, const char *name)
{
  if (ctx->summary != NULL)
    g_string_append_printf (ctx->summary, ", %s", name);
}

/* Reads one option's value; returns FALSE if it ran past the capture. */
static gboolean
dissect_option (OptionCtx *ctx, guint8 kind, guint off, guint len)
{
  IotPacket *pkt = ctx->pkt;
  IotBuf *buf = ctx->buf;
  int row, node;

  switch (kind)
    {
    case 2:
      {
        guint16 mss;

        summary_add (ctx, "Maximum segment size");
        row = option_row (ctx, F_OPT_MSS, off, len, TRUE);
        if (!iot_buf_has (buf, off + 2, 2))
          return FALSE;
        mss = iot_buf_u16 (buf, off + 2);
        iot_tree_add_item (pkt, row, &tcp_fields[F_MSS_VAL], buf, off + 2, 2, FALSE);
        iot_tree_set_label (pkt, row, "TCP Option - Maximum segment size: %u bytes", mss);
        iot_col_append_info (pkt, " MSS=%u", mss);
        return TRUE;
      }
    case 3:
      {
        guint8 shift;

        summary_add (ctx, "Window scale");
        row = option_row (ctx, F_OPT_WSCALE, off, len, TRUE);
        if (!iot_buf_has (buf, off + 2, 1))
          return FALSE;
        shift = iot_buf_u8 (buf, off + 2);
        node = iot_tree_add_item (pkt, row, &tcp_fields[F_WSCALE_SHIFT], buf, off + 2, 1, FALSE);
        if (shift > 14)
          iot_expert_add_info (pkt, node, &tcp_experts[E_WSCALE_SHIFT_INVALID],
                               "Window scale shift exceeds 14 (%u)", shift);
        shift = MIN (shift, 14);
        node = iot_tree_add_uint (pkt, row, &tcp_fields[F_WSCALE_MULTIPLIER], buf, off + 2, 1, 1u << shift);
        iot_tree_set_generated (pkt, node);
        iot_tree_set_label (pkt, row, "TCP Option - Window scale: %u (multiply by %u)", shift, 1u << shift);
        iot_col_append_info (pkt, " WS=%u", 1u << shift);
        ctx->seg->has_wscale = TRUE;
        ctx->seg->wscale_shift = shift;
        return TRUE;
      }
    case 4:
      summary_add (ctx, "SACK permitted");
      row = option_row (ctx, F_OPT_SACK_PERM, off, len, TRUE);
      iot_tree_set_label (pkt, row, "%s", tcp_fields[F_OPT_SACK_PERM].name);
      iot_col_append_info (pkt, " SACK_PERM");
      return TRUE;
    case 5:
      {
        GString *label = iot_packet_wants_tree (pkt) ? g_string_new ("TCP Option - SACK") : NULL;
        guint count = 0;

        summary_add (ctx, "SACK");
        row = option_row (ctx, F_OPT_SACK, off, len, TRUE);
        for (guint p = off + 2; p + 8 <= off + len; p += 8, count++)
          {
            guint32 le, re;

            if (!iot_buf_has (buf, p, 4))
              {
                if (label)
                  g_string_free (label, TRUE);
                return FALSE;
              }
            le = iot_buf_u32 (buf, p) - ctx->sack_base;
            node = iot_tree_add_uint (pkt, row, &tcp_fields[F_SACK_LE], buf, p, 4, le);
            iot_tree_set_label (pkt, node, "left edge = %u (relative)", le);
            if (!iot_buf_has (buf, p + 4, 4))
              {
                if (label)
                  g_string_free (label, TRUE);
                return FALSE;
              }
            re = iot_buf_u32 (buf, p + 4) - ctx->sack_base;
            node = iot_tree_add_uint (pkt, row, &tcp_fields[F_SACK_RE], buf, p + 4, 4, re);
            iot_tree_set_label (pkt, node, "right edge = %u (relative)", re);
            iot_col_append_info (pkt, " SLE=%u SRE=%u", le, re);
            ctx->seg->sack_bytes += re - le;
            if (label)
              g_string_append_printf (label, " %u-%u", le, re);
          }
        node = iot_tree_add_uint (pkt, row, &tcp_fields[F_SACK_COUNT], buf, off, 0, count);
        iot_tree_set_generated (pkt, node);
        if (label)
          {
            iot_tree_set_label (pkt, row, "%s", label->str);
            g_string_free (label, TRUE);
          }
        return TRUE;
      }
    case 8:
      {
        guint32 tsval, tsecr;

        summary_add (ctx, "Timestamps");
        row = option_row (ctx, F_OPT_TIMESTAMP, off, len, TRUE);
        if (!iot_buf_has (buf, off + 2, 4))
          return FALSE;
        tsval = iot_buf_u32 (buf, off + 2);
        iot_tree_add_item (pkt, row, &tcp_fields[F_TSVAL], buf, off + 2, 4, FALSE);
        if (!iot_buf_has (buf, off + 6, 4))
          return FALSE;
        tsecr = iot_buf_u32 (buf, off + 6);
        iot_tree_add_item (pkt, row, &tcp_fields[F_TSECR], buf, off + 6, 4, FALSE);
        iot_tree_set_label (pkt, row, "TCP Option - Timestamps: TSval %u, TSecr %u", tsval, tsecr);
        iot_col_append_info (pkt, " TSval=%u TSecr=%u", tsval, tsecr);
        return TRUE;
      }
    default:
      summary_add (ctx, "Unknown");
      row = option_row (ctx, F_OPT_UNKNOWN, off, len, TRUE);
      iot_tree_set_label (pkt, row, "%s", tcp_fields[F_OPT_UNKNOWN].name);
      if (len > 2)
        {
          if (!iot_buf_has (buf, off + 2, len - 2))
            return FALSE;
          iot_tree_add_item (pkt, row, &tcp_fields[F_UNKNOWN_PAYLOAD], buf, off + 2, len - 2, FALSE);
        }
      return TRUE;
    }
}

/* The smallest valid length of an option with a fixed size, else 2. */
static guint
option_min_len (guint8 kind)
{
  switch (kind)
    {
    case 2:
      return 4;
    case 3:
      return 3;
    case 4:
      return 2;
    case 8:
      return 10;
    default:
      return 2;
    }
}

static const char *
option_name (guint8 kind)
{
  switch (kind)
    {
    case 2:
      return "Maximum segment size";
    case 3:
      return "Window scale";
    case 4:
      return "SACK permitted";
    case 5:
      return "SACK";
    case 8:
      return "Timestamps";
    default:
      return "Unknown";
    }
}

/* Walks the options in [20, hdr_len).  Stops quietly at the end of the
 * captured bytes (seg->options_done stays FALSE) so that the stream facts
 * after the options are still shown; the caller reports the truncation. */
static void
dissect_options (IotPacket *pkt, IotBuf *buf, int tree, guint hdr_len, Segment *seg,
                 guint32 sack_base)
{
  guint end = hdr_len, off = 20, optlen = hdr_len - 20;
  g_autoptr (GString) summary = iot_packet_wants_tree (pkt) ? g_string_new (NULL) : NULL;
  OptionCtx ctx = { pkt, buf, -1, summary, seg, sack_base };
  guint captured = MIN (optlen, iot_buf_remaining (buf, 20));

  ctx.tree = iot_tree_add_bytes (pkt, tree, &tcp_fields[F_OPTIONS], buf, 20, optlen,
                                 buf->data + MIN (20u, buf->length), captured);
  seg->options_done = FALSE;
  while (off < end)
    {
      guint8 kind, len;

      if (!iot_buf_has (buf, off, 1))
        goto out;
      kind = iot_buf_u8 (buf, off);
      if (kind == 0 || kind == 1)
        {
          int row = iot_tree_add_item (pkt, ctx.tree, &tcp_fields[kind ? F_OPT_NOP : F_OPT_EOL],
                                       buf, off, 1, FALSE);

          iot_tree_set_label (pkt, row, "%s", tcp_fields[kind ? F_OPT_NOP : F_OPT_EOL].name);
          iot_tree_add_item (pkt, row, &tcp_fields[F_OPTION_KIND], buf, off, 1, FALSE);
          summary_add (&ctx, kind ? "No-Operation (NOP)" : "End of Option List (EOL)");
          off++;
          continue;
        }
      if (!iot_buf_has (buf, off + 1, 1))
        goto out;
      len = iot_buf_u8 (buf, off + 1);
      if (len < option_min_len (kind))
        {
          iot_expert_add_info (pkt, ctx.tree, &tcp_experts[E_OPTION_LEN_INVALID],
                               "%s (with too-short option length = %u byte%s)", option_name (kind),
                               len, len == 1 ? "" : "s");
          break;
        }
      if (off + len > end)
        {
          iot_expert_add_info (pkt, ctx.tree, &tcp_experts[E_OPTION_LEN_INVALID],
                               "%s (option length = %u byte%s says option goes past end of options)",
                               option_name (kind), len, len == 1 ? "" : "s");
          break;
        }
      if (!dissect_option (&ctx, kind, off, len))
        goto out;
      off += len;
    }
  seg->options_done = TRUE;
out:
  if (summary != NULL)
    iot_tree_set_label (pkt, ctx.tree, "Options: (%u bytes)%s", optlen, summary->str);
}

/* ---- the header ---------------------------------------------------------- */

static const struct {
  guint16     bit;
  const char *name;
} flag_names[] = {
  { TH_FIN, "FIN" }, { TH_SYN, "SYN" }, { TH_RST, "RST" }, { TH_PUSH, "PSH" },
  { TH_ACK, "ACK" }, { TH_URG, "URG" }, { TH_ECE, "ECE" }, { TH_CWR, "CWR" },
  { TH_AE, "AE" }, { TH_RES, "Reserved" },
};

/* "SYN, ACK" — the set flags in the order tshark lists them. */
static void
append_flag_names (GString *out, guint16 flags)
{
  gboolean first = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (flag_names); i++)
    if (flags & flag_names[i].bit)
      {
        if (!first)
          g_string_append (out, ", ");
        g_string_append (out, flag_names[i].name);
        first = FALSE;
      }
  if (first)
    g_string_append (out, "<None>");
}

/* Twelve characters, one per flag bit from the top, U+00B7 for clear bits. */
static void
flags_string (guint16 flags, char *out)
{
  static const char letters[] = "RRRACEUAPRSF";
  char *p = out;

  for (int bit = 11; bit >= 0; bit--)
    {
      if (flags & (1u << bit))
        *p++ = letters[11 - bit];
      else
        {
          *p++ = (char) 0xc2;
          *p++ = (char) 0xb7;
        }
    }
  *p = '\0';
}

/* The expert items of the SYN, FIN and RST bits. */
static void
add_flag_expert_items (IotPacket *pkt, int node, IotBuf *buf, int field, guint16 flags)
{
  if (field == F_FLAGS_SYN && (flags & TH_SYN))
    {
      if (flags & TH_ACK)
        iot_expert_add_info (pkt, node, &tcp_experts[E_CONNECTION_SYNACK],
                             "Connection establish acknowledge (SYN+ACK): server port %u",
                             iot_buf_u16 (buf, 0));
      else
        iot_expert_add_info (pkt, node, &tcp_experts[E_CONNECTION_SYN],
                             "Connection establish request (SYN): server port %u", iot_buf_u16 (buf, 2));
    }
  else if (field == F_FLAGS_FIN && (flags & TH_FIN))
    iot_expert_add_info (pkt, node, &tcp_experts[E_CONNECTION_FIN], NULL);
  else if (field == F_FLAGS_RESET && (flags & TH_RST))
    iot_expert_add_info (pkt, node, &tcp_experts[E_CONNECTION_RST], NULL);
}

/* "..1. .... ...." — the 12-bit picture tshark draws for one flag. */
static void
add_flag (IotPacket *pkt, int tree, IotBuf *buf, int field, guint16 flags)
{
  guint16 mask = (guint16) tcp_fields[field].bitmask;
  /* Each flag covers the one byte its bits are in, as in tshark. */
  int node = iot_tree_add_boolean (pkt, tree, &tcp_fields[field], buf, mask & 0x0f00 ? 12 : 13, 1,
                                   (flags & mask) != 0);
  char picture[16];
  guint p = 0;

  /* Expert items cost a formatted string: in the first pass only when a
   * tree is built. */
  if (!iot_packet_first_pass (pkt) || iot_packet_wants_tree (pkt))
    add_flag_expert_items (pkt, node, buf, field, flags);
  if (node < 0 || !iot_packet_wants_tree (pkt))
    return;
  for (int bit = 11; bit >= 0; bit--)
    {
      if (bit != 11 && bit % 4 == 3)
        picture[p++] = ' ';
      picture[p++] = (mask & (1u << bit)) ? ((flags & (1u << bit)) ? '1' : '0') : '.';
    }
  picture[p] = '\0';
  iot_tree_set_label (pkt, node, "%s = %s: %s", picture, tcp_fields[field].name,
                      (flags & mask) ? "Set" : "Not set");
}

/* Whether any row of the flags (the flags field, its bits, the string) is
 * wanted. */
static gboolean
flag_rows_wanted (IotPacket *pkt)
{
  for (int f = F_FLAGS; f <= F_FLAGS_STR; f++)
    if (iot_packet_wants_field (pkt, &tcp_fields[f]))
      return TRUE;
  return FALSE;
}

static int
add_flags (IotPacket *pkt, int tree, IotBuf *buf, guint16 flags, gboolean fin_active)
{
  static const int each[] = {
    F_FLAGS_RES, F_FLAGS_AE, F_FLAGS_CWR, F_FLAGS_ECE, F_FLAGS_URG, F_FLAGS_ACK,
    F_FLAGS_PUSH, F_FLAGS_RESET, F_FLAGS_SYN, F_FLAGS_FIN,
  };
  int row, node;
  char str[40];

  /* Nobody reads the flag rows (-T fields, -Y of other fields): only the
   * expert items they carry, in the same order. */
  if (!iot_packet_wants_tree (pkt) && !flag_rows_wanted (pkt))
    {
      if (iot_packet_first_pass (pkt))
        return -1;
      add_flag_expert_items (pkt, -1, buf, F_FLAGS_RESET, flags);
      add_flag_expert_items (pkt, -1, buf, F_FLAGS_SYN, flags);
      add_flag_expert_items (pkt, -1, buf, F_FLAGS_FIN, flags);
      if (flags & TH_FIN)
        iot_expert_add_info (pkt, -1, &tcp_experts[fin_active ? E_CONNECTION_FIN_ACTIVE
                                                              : E_CONNECTION_FIN_PASSIVE], NULL);
      return -1;
    }
  row = iot_tree_add_item (pkt, tree, &tcp_fields[F_FLAGS], buf, 12, 2, FALSE);

  if (row >= 0 && iot_packet_wants_tree (pkt))
    {
      g_autoptr (GString) names = g_string_new (NULL);

      append_flag_names (names, flags);
      iot_tree_set_label (pkt, row, "Flags: 0x%03x (%s)", flags, names->str);
    }
  for (guint i = 0; i < G_N_ELEMENTS (each); i++)
    add_flag (pkt, row, buf, each[i], flags);
  flags_string (flags, str);
  node = iot_tree_add_string (pkt, row, &tcp_fields[F_FLAGS_STR], buf, 12, 2, str, -1);
  iot_tree_set_generated (pkt, node);
  /* Which side closes sits under the flags string, as in tshark. */
  if ((flags & TH_FIN) && (!iot_packet_first_pass (pkt) || iot_packet_wants_tree (pkt)))
    iot_expert_add_info (pkt, node, &tcp_experts[fin_active ? E_CONNECTION_FIN_ACTIVE
                                                            : E_CONNECTION_FIN_PASSIVE], NULL);
  return row;
}

/* Source and destination, then the two hidden "either port" rows, in
 * tshark's order. */
static void
add_port_row (IotPacket *pkt, int tree, IotBuf *buf, int field, guint off, gboolean hidden)
{
  int node = iot_tree_add_item (pkt, tree, &tcp_fields[field], buf, off, 2, FALSE);

  if (hidden)
    iot_tree_set_hidden (pkt, node);
  /* -N t: "Source Port: mqtt (1883)". */
  if (node >= 0 && (iot_resolve_get_flags () & IOT_RESOLVE_TRANSPORT) && iot_packet_wants_tree (pkt))
    {
      char port[80];

      iot_resolve_port_label (IOT_RESOLVE_TCP, iot_buf_u16 (buf, off), port, sizeof port);
      iot_tree_set_label (pkt, node, "%s: %s", tcp_fields[field].name, port);
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

/* Info is built as the header is read, so that a header cut short by the
 * snap length still shows what was there. */
/* "54932 → 1883 [ACK] Seq=1 Ack=1": written piece by piece, as every TCP
 * frame's summary starts so (printf would be the largest cost of a
 * summary line). */
static void
set_info_start (IotPacket *pkt, const Segment *seg, guint32 rel_seq, guint32 rel_ack)
{
  const char *sep = "";

  if (!iot_packet_wants_columns (pkt))
    return;
  iot_col_clear_info (pkt);
  if (iot_resolve_get_flags () & IOT_RESOLVE_TRANSPORT)
    {
      /* -N t: "54932 → mqtt(1883)". */
      char port[80];

      iot_resolve_port_info (IOT_RESOLVE_TCP, seg->sport, port, sizeof port);
      iot_col_append_text (pkt, port);
      iot_col_append_text (pkt, " \u2192 ");
      iot_resolve_port_info (IOT_RESOLVE_TCP, seg->dport, port, sizeof port);
      iot_col_append_text (pkt, port);
    }
  else
    {
      iot_col_append_uint (pkt, NULL, seg->sport);
      iot_col_append_uint (pkt, " \u2192 ", seg->dport);
    }
  iot_col_append_text (pkt, " [");
  for (guint i = 0; i < G_N_ELEMENTS (flag_names); i++)
    if (seg->flags & flag_names[i].bit)
      {
        iot_col_append_text (pkt, sep);
        iot_col_append_text (pkt, flag_names[i].name);
        sep = ", ";
      }
  if (sep[0] == '\0')
    iot_col_append_text (pkt, "<None>");
  iot_col_append_uint (pkt, "] Seq=", rel_seq);
  if (seg->flags & TH_ACK)
    iot_col_append_uint (pkt, " Ack=", rel_ack);
}

/* The previous frame of the frame's stream, 0 = none. */
static guint32
prev_frame (TcpState *st, const FrameFact *fact, guint32 frame)
{
  const PrevWide *wide;

  if (fact->prev_back != SEQ_WIDE)
    return fact->prev_back != 0 ? frame - fact->prev_back : 0;
  wide = find_by_frame (st->prev_wide, sizeof (PrevWide), frame);
  return wide != NULL ? wide->prev_frame : 0;
}

static void
add_times (IotPacket *pkt, int tree, TcpState *st, const TcpStream *s, const FrameFact *fact, guint32 frame)
{
  guint32 prev;
  gint64 now = iot_packet_time_ns (pkt);
  int group, node;

  /* Looking up other frames' times costs cache misses: only when asked. */
  if (!iot_packet_wants_field (pkt, &tcp_fields[F_TIME_RELATIVE])
      && !iot_packet_wants_field (pkt, &tcp_fields[F_TIME_DELTA]))
    return;
  prev = prev_frame (st, fact, frame);
  group = iot_tree_add_text (pkt, tree, NULL, 0, 0, "Timestamps");

  iot_tree_set_generated (pkt, group);
  node = iot_tree_add_time (pkt, group, &tcp_fields[F_TIME_RELATIVE], NULL, 0, 0,
                            now - iot_frame_time_ns (pkt, s->first_frame));
  iot_tree_set_generated (pkt, node);
  node = iot_tree_add_time (pkt, group, &tcp_fields[F_TIME_DELTA], NULL, 0, 0,
                            prev ? now - iot_frame_time_ns (pkt, prev) : 0);
  iot_tree_set_generated (pkt, node);
}

static void
call_payload_dissector (IotPacket *pkt, const Segment *seg, IotBuf *payload)
{
  if (iot_call_port_table (pkt, "tcp.port", seg->sport, seg->dport, payload, -1) >= 0)
    return;
  if (iot_call_heuristics (pkt, "tcp", payload, -1) >= 0)
    return;
  iot_call_data (pkt, payload, -1);
}

/* The frame's SegFact, NULL when it has none: the FrameFact says whether
 * to look, so most segments cost no hash look-up. */
static const SegFact *
seg_fact_lookup (TcpState *st, guint32 frame)
{
  if (frame >= st->facts->len
      || !(g_array_index (st->facts, FrameFact, frame).stream_hi & FACT_HAS_SEG_FACT))
    return NULL;
  return g_hash_table_lookup (st->seg_facts, GUINT_TO_POINTER (frame));
}

static SegFact *
seg_fact_for (TcpState *st, guint32 frame)
{
  SegFact *fact = g_hash_table_lookup (st->seg_facts, GUINT_TO_POINTER (frame));

  if (fact == NULL)
    {
      fact = g_new0 (SegFact, 1);
      g_hash_table_insert (st->seg_facts, GUINT_TO_POINTER (frame), fact);
      /* Only segments of a known stream have one, and their frame has its
       * FrameFact already. */
      g_assert (frame < st->facts->len);
      g_array_index (st->facts, FrameFact, frame).stream_hi |= FACT_HAS_SEG_FACT;
    }
  return fact;
}

static void
gather_add (TcpState *st, Gather *g, guint32 frame, const IotBuf *payload, guint off, guint len)
{
  Pdu *pdu = g_ptr_array_index (st->pdus, g->pdu - 1);
  IotPiece piece = { frame, payload->origin + off, len, g->bytes->len };
  IotPiece *last = pdu->pieces->len ? &g_array_index (pdu->pieces, IotPiece, pdu->pieces->len - 1) : NULL;

  /* A segment gathered in two steps (its first bytes, then the rest once
   * they turned out to be needed too) is still one piece. */
  if (last != NULL && last->frame == frame && last->offset + last->length == piece.offset
      && last->position + last->length == piece.position)
    last->length += len;
  else
    g_array_append_val (pdu->pieces, piece);
  g_byte_array_append (g->bytes, payload->data + off, len);
}

/* Starts gathering a message at @off of this segment's payload. */
static void
gather_start (TcpState *st, TcpStream *s, guint dir, guint32 frame, guint32 seq, const IotBuf *payload,
              guint off, guint needed)
{
  Gather *g = s->gather[dir];
  Pdu *pdu = g_new0 (Pdu, 1);
  SegFact *fact = seg_fact_for (st, frame);

  if (g == NULL)
    {
      g = s->gather[dir] = g_new0 (Gather, 1);
      g->bytes = g_byte_array_new ();
    }
  pdu->pieces = g_array_new (FALSE, FALSE, sizeof (IotPiece));
  pdu->start_seq = seq + off;
  g_ptr_array_add (st->pdus, pdu);
  g->pdu = st->pdus->len;
  g_byte_array_set_size (g->bytes, 0);
  gather_add (st, g, frame, payload, off, payload->length - off);
  g->needed = needed ? (payload->length - off) + needed : 0;
  fact->tail_off = off;
  fact->tail_pdu = g->pdu;
}

/* Dissects @payload from @off on; a message left incomplete starts a
 * gathering.  First pass only. */
static void
dissect_rest_first_pass (TcpState *st, TcpStream *s, guint dir, IotPacket *pkt, const Segment *seg,
                         IotBuf *payload, guint off)
{
  guint32 frame = iot_packet_frame_number (pkt);
  IotBuf rest;
  guint at, needed;

  if (off >= payload->length)
    return;
  rest = iot_buf_sub (payload, off, (gint) (payload->length - off));
  call_payload_dissector (pkt, seg, &rest);
  if (iot_packet_take_request (pkt, &at, &needed) && at < rest.length)
    gather_start (st, s, dir, frame, seg->seq, payload, off + at, needed);
}

static void
remember_rebuilt (Gather *g, guint32 pdu_plus1)
{
  if (g->n_rebuilt == G_N_ELEMENTS (g->rebuilt))
    {
      memmove (g->rebuilt, g->rebuilt + 1, sizeof g->rebuilt - sizeof g->rebuilt[0]);
      g->n_rebuilt--;
    }
  g->rebuilt[g->n_rebuilt++] = pdu_plus1;
}

/* First pass, for a fast retransmission or an out-of-order segment: whether
 * it starts inside a message already rebuilt from several segments, or
 * inside the one being gathered.  tshark's reassembly then refuses the
 * bytes ("New fragment overlaps old data") or keeps them out of the
 * message being gathered, and nothing is decoded from them: decoding them
 * from their first byte would invent messages out of payload bytes. */
static gboolean
resends_gathered_bytes (TcpState *st, TcpStream *s, guint dir, guint32 frame, const Segment *seg)
{
  Gather *g = s->gather[dir];

  if (g == NULL)
    return FALSE;
  for (guint i = g->n_rebuilt; i-- > 0;)
    {
      const Pdu *pdu = g_ptr_array_index (st->pdus, g->rebuilt[i] - 1);

      if (!LT_SEQ (seg->seq, pdu->start_seq) && LT_SEQ (seg->seq, pdu->end_seq))
        {
          seg_fact_for (st, frame)->resent = TRUE;
          return TRUE;
        }
    }
  if (g->pdu != 0)
    {
      const Pdu *pdu = g_ptr_array_index (st->pdus, g->pdu - 1);

      if (!LT_SEQ (seg->seq, pdu->start_seq) && LT_SEQ (seg->seq, g->next_seq))
        {
          SegFact *fact = seg_fact_for (st, frame);

          fact->head_pdu = g->pdu;
          fact->head_len = seg->len;
          return TRUE;
        }
    }
  return FALSE;
}

/* After a gap inside a message of known length: the bytes of this segment
 * that still belong to that message (they would otherwise be read as the
 * start of new messages: phantom messages made of payload bytes), as
 * tshark keeps them.  Returns how many there are. */
static guint
skip_lost_message (TcpState *st, Gather *g, guint32 frame, const Segment *seg, const IotBuf *payload)
{
  gint32 inside;
  SegFact *fact;

  if (g->lost_pdu == 0)
    return 0;
  inside = (gint32) (g->lost_end - seg->seq);
  if (inside <= 0 || (gint32) (seg->seq - g->next_seq) < 0)
    {
      g->lost_pdu = 0;
      return 0;
    }
  fact = seg_fact_for (st, frame);
  fact->head_pdu = g->lost_pdu;
  fact->head_len = MIN ((guint) inside, payload->length);
  if ((guint) inside <= payload->length)
    g->lost_pdu = 0;
  return fact->head_len;
}

/* First pass: follows messages across segments and records, per segment,
 * which of its bytes belong to which rebuilt message. */
static void
reassemble_first_pass (TcpState *st, TcpStream *s, guint dir, IotPacket *pkt, const Segment *seg,
                       IotBuf *payload)
{
  guint32 frame = iot_packet_frame_number (pkt);
  Gather *g = s->gather[dir];
  guint take, at, needed;
  IotBuf whole;
  Pdu *pdu;

  if (g != NULL && g->pdu != 0 && seg->seq != g->next_seq)
    {
      /* A retransmission of bytes already gathered adds nothing; a gap
       * means the message can never be completed. */
      if ((gint32) (seg->seq - g->next_seq) < 0)
        return;
      if (g->needed != 0)
        {
          g->lost_pdu = g->pdu;
          g->lost_end = g->next_seq + (g->needed - g->bytes->len);
        }
      g->pdu = 0;
    }
  if (g == NULL || g->pdu == 0)
    {
      guint skip = g != NULL ? skip_lost_message (st, g, frame, seg, payload) : 0;

      if (skip < payload->length)
        dissect_rest_first_pass (st, s, dir, pkt, seg, payload, skip);
      if (s->gather[dir] != NULL)
        s->gather[dir]->next_seq = seg->seq + payload->length;
      return;
    }

  g->next_seq = seg->seq + payload->length;
  take = payload->length;
  if (g->needed != 0)
    take = MIN (take, g->needed - g->bytes->len);
  gather_add (st, g, frame, payload, 0, take);
  seg_fact_for (st, frame)->head_pdu = g->pdu;
  seg_fact_for (st, frame)->head_len = take;
  if (g->needed != 0 && g->bytes->len < g->needed)
    return;

  whole = iot_packet_add_source (pkt, "Reassembled TCP", g->bytes->data, g->bytes->len);
  call_payload_dissector (pkt, seg, &whole);
  /* What the rebuilt message wrote in Info stays when the rest of the
   * segment is dissected after it. */
  iot_col_fence_info (pkt);
  if (iot_packet_take_request (pkt, &at, &needed))
    {
      guint before = g->bytes->len - take;

      if (at == 0)
        {
          /* Still not enough: keep gathering, this whole segment included.
           * @needed counts from the end of what was just dissected, which
           * did not include the bytes of this segment beyond @take. */
          guint32 dissected = g->bytes->len;

          if (take < payload->length)
            gather_add (st, g, frame, payload, take, payload->length - take);
          seg_fact_for (st, frame)->head_len = payload->length;
          g->needed = needed ? dissected + needed : 0;
          return;
        }
      if (at > before && at < g->bytes->len)
        {
          /* The message ended inside this segment; what follows is the
           * start of the next one. */
          Pdu *done = g_ptr_array_index (st->pdus, g->pdu - 1);
          IotPiece *last = &g_array_index (done->pieces, IotPiece, done->pieces->len - 1);

          last->length = at - before;
          seg_fact_for (st, frame)->head_len = at - before;
          take = at - before;
        }
    }
  pdu = g_ptr_array_index (st->pdus, g->pdu - 1);
  pdu->completed_in = frame;
  pdu->end_seq = seg->seq + take;
  remember_rebuilt (g, g->pdu);
  g->pdu = 0;
  dissect_rest_first_pass (st, s, dir, pkt, seg, payload, take);
}

static const IotRebuildFields segment_fields = {
  &tcp_fields[F_SEGMENTS], &tcp_fields[F_SEGMENT], &tcp_fields[F_SEGMENT_COUNT],
  &tcp_fields[F_REASSEMBLED_LENGTH], &tcp_fields[F_REASSEMBLED_DATA],
  "Reassembled TCP Segments", "Reassembled TCP",
};

/* Marks payload bytes [off, off+len) as part of message @pdu_plus1. */
static void
add_segment_part (TcpState *st, IotPacket *pkt, int tree, IotBuf *payload, guint off, guint len,
                  guint32 pdu_plus1, gboolean completes_here)
{
  const Pdu *pdu = g_ptr_array_index (st->pdus, pdu_plus1 - 1);
  int node;

  if (!completes_here && pdu->completed_in != 0)
    {
      node = iot_tree_add_uint (pkt, tree, &tcp_fields[F_REASSEMBLED_IN], payload, 0, 0, pdu->completed_in);
      iot_tree_set_generated (pkt, node);
    }
  node = iot_tree_add_bytes (pkt, tree, &tcp_fields[F_SEGMENT_DATA], payload, off, len, payload->data + off, len);
  iot_tree_set_label (pkt, node, "TCP segment data (%u byte%s)", len, len == 1 ? "" : "s");
}

/* Random access: dissects the payload the way the first pass split it. */
static void
dissect_payload_with_facts (TcpState *st, IotPacket *pkt, int tree, const Segment *seg, IotBuf *payload)
{
  guint32 frame = iot_packet_frame_number (pkt);
  const SegFact *fact = seg_fact_lookup (st, frame);
  guint off = 0, end = payload->length, at, needed;
  gboolean only_parts = TRUE;

  if (fact == NULL)
    {
      call_payload_dissector (pkt, seg, payload);
      iot_packet_take_request (pkt, &at, &needed);
      return;
    }
  if (fact->tail_pdu != 0)
    end = fact->tail_off;
  if (fact->head_pdu != 0)
    {
      const Pdu *pdu = g_ptr_array_index (st->pdus, fact->head_pdu - 1);
      gboolean here = pdu->completed_in == frame;

      add_segment_part (st, pkt, tree, payload, 0, fact->head_len, fact->head_pdu, here);
      if (here)
        {
          IotBuf whole = iot_rebuild_pieces (pkt, (const IotPiece *) pdu->pieces->data, pdu->pieces->len,
                                             &segment_fields, -1);

          call_payload_dissector (pkt, seg, &whole);
          iot_col_fence_info (pkt);
          iot_packet_take_request (pkt, &at, &needed);
          only_parts = FALSE;
        }
      off = fact->head_len;
    }
  if (fact->tail_pdu != 0)
    add_segment_part (st, pkt, tree, payload, fact->tail_off, payload->length - fact->tail_off,
                      fact->tail_pdu, FALSE);
  if (end > off)
    {
      IotBuf middle = iot_buf_sub (payload, off, (gint) (end - off));

      call_payload_dissector (pkt, seg, &middle);
      iot_packet_take_request (pkt, &at, &needed);
      only_parts = FALSE;
    }
  if (only_parts)
    iot_col_append_info (pkt, " [TCP segment of a reassembled PDU]");
}

/* First pass: records the bytes of @seg as seen, and the hole before them
 * when the capture missed some.  Bytes resent into a hole fill it (they
 * are no longer unseen), from its start only as far as they reach. */
static void
unseen_track (TcpStream *s, guint dir, const Segment *seg)
{
  Unseen *u = s->unseen[dir];
  const Gather *g = s->gather[dir];
  guint32 end = seg->seq + seg->len;

  if (!s->seen_any[dir])
    {
      s->seen_any[dir] = TRUE;
      s->seen_next[dir] = end;
      return;
    }
  for (guint i = 0; u != NULL && i < u->n_holes; i++)
    {
      Hole *h = &u->holes[i];

      if (LE_SEQ (seg->seq, h->start) && GT_SEQ (end, h->start))
        {
          h->start = LT_SEQ (end, h->end) ? end : h->end;
          h->at_boundary = FALSE;    /* where these bytes' messages end is not known */
        }
    }
  if (GT_SEQ (seg->seq, s->seen_next[dir]))
    {
      Hole h = { s->seen_next[dir], seg->seq, g == NULL || (g->pdu == 0 && g->lost_pdu == 0) };

      if (u == NULL)
        u = s->unseen[dir] = g_new0 (Unseen, 1);
      if (u->n_holes == G_N_ELEMENTS (u->holes))
        {
          memmove (u->holes, u->holes + 1, sizeof u->holes - sizeof u->holes[0]);
          u->n_holes--;
        }
      u->holes[u->n_holes++] = h;
    }
  if (GT_SEQ (end, s->seen_next[dir]))
    s->seen_next[dir] = end;
}

/* A hole that @seg's bytes fall into from its first byte, at the start of a
 * message; NULL: none. */
static Hole *
unseen_hole_for (Unseen *u, const Segment *seg)
{
  for (guint i = 0; u != NULL && i < u->n_holes; i++)
    {
      Hole *h = &u->holes[i];

      if (h->at_boundary && seg->seq == h->start && LE_SEQ (seg->seq + seg->len, h->end))
        return h;
    }
  return NULL;
}

/* A retransmission whose original never reached the capture point (it was
 * lost before it) carries bytes seen here for the first time: they are
 * decoded like any new data, so that a message which arrived only in the
 * retransmission (a PUBACK) is not missing.  tshark 4.0 decodes no
 * retransmission at all; a resend of bytes already seen stays undecoded
 * here too.  Only a resend that starts where a message starts is decoded:
 * from the middle of one it would invent messages out of payload bytes. */
static gboolean
decode_first_seen (TcpState *st, TcpStream *s, guint dir, IotPacket *pkt, const Segment *seg, IotBuf *payload)
{
  guint32 frame = iot_packet_frame_number (pkt);
  guint at, needed;
  gboolean more;

  if (iot_packet_first_pass (pkt))
    {
      Unseen *u = s->unseen[dir];
      Hole *h = unseen_hole_for (u, seg);

      if (h == NULL)
        return FALSE;
      seg_fact_for (st, frame)->first_seen = TRUE;
      call_payload_dissector (pkt, seg, payload);
      more = iot_packet_take_request (pkt, &at, &needed);
      h->start = seg->seq + seg->len;
      /* A message cut at the segment's end leaves the rest of the hole
       * without a known start. */
      h->at_boundary = !more;
      if (h->start == h->end)
        {
          guint i = (guint) (h - u->holes);

          memmove (u->holes + i, u->holes + i + 1, (u->n_holes - i - 1) * sizeof u->holes[0]);
          u->n_holes--;
        }
      return TRUE;
    }
  {
    const SegFact *fact = seg_fact_lookup (st, frame);

    if (fact == NULL || !fact->first_seen)
      return FALSE;
  }
  call_payload_dissector (pkt, seg, payload);
  iot_packet_take_request (pkt, &at, &needed);
  return TRUE;
}

static void
hand_off (TcpState *st, TcpStream *s, guint dir, IotPacket *pkt, IotBuf *buf, int tree,
          guint hdr_len, const Segment *seg, guint16 analysis)
{
  IotBuf payload;
  int node;

  if (seg->len == 0)
    return;
  payload = iot_buf_sub (buf, hdr_len, (gint) seg->len);
  node = iot_tree_add_bytes (pkt, tree, &tcp_fields[F_PAYLOAD], &payload, 0, payload.length,
                             payload.data, payload.length);
  iot_tree_set_label (pkt, node, "TCP payload (%u byte%s)", seg->len, seg->len == 1 ? "" : "s");
  iot_tree_set_length (pkt, node, payload.length);
  /* Data sent before is not decoded again, as in tshark: an application
   * protocol would see it twice or out of order.  Data this capture point
   * sees for the first time is (decode_first_seen). */
  if ((analysis & TA_RETRANSMISSION) && s != NULL && payload.length == payload.reported
      && !iot_packet_in_error (pkt) && decode_first_seen (st, s, dir, pkt, seg, &payload))
    return;
  if (s != NULL && iot_packet_first_pass (pkt))
    unseen_track (s, dir, seg);
  if (analysis & TA_RETRANSMISSION)
    {
      node = iot_tree_add_bytes (pkt, tree, &tcp_fields[F_SEGMENT_DATA], &payload, 0, payload.length,
                                 payload.data, payload.length);
      iot_tree_set_label (pkt, node, "Retransmitted TCP segment data (%u byte%s)", payload.length,
                          payload.length == 1 ? "" : "s");
      return;
    }
  if ((analysis & (TA_OUT_OF_ORDER | TA_FAST_RETRANSMISSION)) && s != NULL && payload.length == payload.reported
      && !iot_packet_in_error (pkt))
    {
      const SegFact *fact;

      if (iot_packet_first_pass (pkt))
        resends_gathered_bytes (st, s, dir, iot_packet_frame_number (pkt), seg);
      fact = seg_fact_lookup (st, iot_packet_frame_number (pkt));
      if (fact != NULL && fact->resent)
        {
          iot_packet_add_reassembly_error (pkt, "TCP", "New fragment overlaps old data (retransmission?)");
          return;
        }
      if (fact != NULL && fact->head_pdu != 0)
        {
          add_segment_part (st, pkt, tree, &payload, 0, payload.length, fact->head_pdu, FALSE);
          iot_col_append_info (pkt, " [TCP segment of a reassembled PDU]");
          return;
        }
    }
  if (analysis & (TA_OUT_OF_ORDER | TA_SPURIOUS_RETRANSMISSION))
    return;
  /* Messages are followed across segments only where every byte was
   * captured and the segment belongs to a known connection. */
  if (s == NULL || payload.length < payload.reported || iot_packet_in_error (pkt))
    {
      guint at, needed;

      call_payload_dissector (pkt, seg, &payload);
      iot_packet_take_request (pkt, &at, &needed);
      return;
    }
  if (iot_packet_first_pass (pkt))
    reassemble_first_pass (st, s, dir, pkt, seg, &payload);
  else
    dissect_payload_with_facts (st, pkt, tree, seg, &payload);
}

static int
dissect_tcp (IotPacket *pkt, IotBuf *buf, int parent)
{
  TcpState *st = iot_packet_state (pkt, &iot_dissector_tcp);
  guint32 frame = iot_packet_frame_number (pkt);
  Segment seg = { 0 };
  const FrameFact *fact = NULL;
  guint16 analysis = 0;
  TcpStream *s = NULL;
  guint32 stream = 0, rel_seq, rel_ack, window;
  guint hdr_len, dir = 0;
  guint16 window_value, urgent;
  gint32 scale = WSCALE_UNKNOWN;
  guint8 completeness = 0;
  gboolean bogus_short, bogus_long;
  /* The first pass of -q and of the index: no rows, no Info, only what
   * later frames need (every buffer read stays, for its bounds check). */
  gboolean state_only = iot_packet_state_only (pkt);
  int tree, node;

  iot_col_set_protocol (pkt, "TCP");
  seg.sport = iot_buf_u16 (buf, 0);
  seg.dport = iot_buf_u16 (buf, 2);
  iot_packet_set_ports (pkt, seg.sport, seg.dport);
  tree = iot_tree_add_protocol (pkt, parent, &tcp_fields[F_PROTO], buf, 0, -1);
  iot_col_printf_info (pkt, "%u \u2192 %u", seg.sport, seg.dport);
  if (!state_only)
    add_ports (pkt, tree, buf);

  seg.seq = iot_buf_u32 (buf, 4);
  seg.ack = iot_buf_u32 (buf, 8);
  hdr_len = (iot_buf_u8 (buf, 12) >> 4) * 4;
  seg.flags = iot_buf_u16 (buf, 12) & 0x0fff;
  window_value = iot_buf_u16 (buf, 14);
  /* A header length below 20 ends the dissection after the sequence
   * number; one beyond the segment skips the stream analysis. */
  bogus_short = hdr_len < 20;
  bogus_long = !bogus_short && hdr_len > buf->reported;
  seg.len = bogus_long ? 0 : buf->reported - hdr_len;

  /* Stream facts: learnt in the first pass, read back afterwards. */
  if (iot_packet_first_pass (pkt))
    stream = first_pass_segment (st, pkt, &seg, !bogus_long);
  if (frame < st->facts->len)
    fact = &g_array_index (st->facts, FrameFact, frame);
  if (fact != NULL && fact_stream_plus1 (fact) != 0)
    {
      if (!iot_packet_first_pass (pkt))
        stream = fact_stream_plus1 (fact) - 1;
      s = g_ptr_array_index (st->streams, stream);
      dir = stream_direction (s, iot_packet_net_src (pkt), seg.sport);
    }
  rel_seq = seg.seq;
  rel_ack = seg.ack;
  if (s != NULL)
    {
      /* Each look-up in a history may cost a cache miss: only for what is
       * shown, and the window the first pass's analysis compares. */
      gboolean shown = iot_packet_wants_tree (pkt) || iot_packet_wants_columns (pkt);

      if (shown || iot_packet_wants_field (pkt, &tcp_fields[F_COMPLETENESS]))
        completeness = stream_completeness (pkt, s, frame);
      if (!bogus_long && (shown || iot_packet_wants_field (pkt, &tcp_fields[F_SEQ])
                          || iot_packet_wants_field (pkt, &tcp_fields[F_NXTSEQ])))
        rel_seq = seg.seq - (guint32) history_at (&s->base_hist[dir], frame, 0);
      if (!bogus_long && (seg.flags & TH_ACK) && (shown || iot_packet_wants_field (pkt, &tcp_fields[F_ACK])))
        rel_ack = seg.ack - (guint32) history_at (&s->base_hist[1 - dir], frame, 0);
      if (!bogus_long && (shown || iot_packet_first_pass (pkt)
                          || iot_packet_wants_field (pkt, &tcp_fields[F_WINDOW_SIZE])
                          || iot_packet_wants_field (pkt, &tcp_fields[F_WINDOW_SCALEFACTOR])))
        scale = history_at (&s->wscale_hist[dir], frame, WSCALE_UNKNOWN);
    }
  window = window_value;
  if (!(seg.flags & TH_SYN) && scale >= 0)
    window = (guint32) window_value << scale;

  if (tree >= 0 && iot_packet_wants_tree (pkt))
    {
      iot_tree_set_length (pkt, tree, hdr_len);
      char sport[80], dport[80];

      iot_resolve_port_label (IOT_RESOLVE_TCP, seg.sport, sport, sizeof sport);
      iot_resolve_port_label (IOT_RESOLVE_TCP, seg.dport, dport, sizeof dport);
      iot_tree_set_label (pkt, tree, "Transmission Control Protocol, Src Port: %s, Dst Port: %s, Seq: %u%s, Len: %u",
                          sport, dport, rel_seq,
                          (seg.flags & TH_ACK) ? iot_packet_strdup_printf (pkt, ", Ack: %u", rel_ack) : "",
                          seg.len);
    }
  if (s != NULL)
    {
      node = iot_tree_add_uint (pkt, tree, &tcp_fields[F_STREAM], buf, 0, 0, stream);
      iot_tree_set_generated (pkt, node);
      node = iot_tree_add_uint (pkt, tree, &tcp_fields[F_COMPLETENESS], buf, 0, 0, completeness);
      iot_tree_set_generated (pkt, node);
      iot_tree_set_label (pkt, node, "Conversation completeness: %s (%u)", completeness_text (completeness),
                          completeness);
    }
  if (iot_tap_wanted (pkt, IOT_TAP_CONV))
    {
      IotTapConv conv = { .layer = IOT_TAP_LAYER_TCP, .sport = seg.sport, .dport = seg.dport,
                          .stream = s != NULL ? stream : IOT_TAP_NO_STREAM };

      iot_tap_queue (pkt, IOT_TAP_CONV, &conv);
    }
  if (!bogus_long)
    {
      node = iot_tree_add_uint (pkt, tree, &tcp_fields[F_LEN], buf, 0, 0, seg.len);
      iot_tree_set_generated (pkt, node);
    }
  node = iot_tree_add_uint (pkt, tree, &tcp_fields[F_SEQ], buf, 4, 4, rel_seq);
  if (!bogus_long)
    iot_tree_set_label (pkt, node, "Sequence Number: %u    (relative sequence number)", rel_seq);
  iot_tree_add_item (pkt, tree, &tcp_fields[F_SEQ_RAW], buf, 4, 4, FALSE);
  if (bogus_short)
    {
      node = iot_tree_add_uint (pkt, tree, &tcp_fields[F_HDR_LEN], buf, 12, 1, hdr_len);
      iot_expert_add_info (pkt, node, &tcp_experts[E_BOGUS_HEADER_LENGTH],
                           "Bogus TCP header length (%u, must be at least 20)", hdr_len);
      set_info_start (pkt, &seg, rel_seq, rel_ack);
      iot_col_append_info (pkt, " Win=%u, bogus TCP header length (%u, must be at least 20)", window, hdr_len);
      return buf->reported;
    }
  if (!bogus_long)
  {
    guint32 nxt = rel_seq + seg.len + ((seg.flags & (TH_SYN | TH_FIN)) ? 1 : 0);

    node = iot_tree_add_uint (pkt, tree, &tcp_fields[F_NXTSEQ], buf, 0, 0, nxt);
    iot_tree_set_generated (pkt, node);
    iot_tree_set_label (pkt, node, "Next Sequence Number: %u    (relative sequence number)", nxt);
  }
  node = iot_tree_add_uint (pkt, tree, &tcp_fields[F_ACK], buf, 8, 4, rel_ack);
  if ((seg.flags & TH_ACK) && !bogus_long)
    iot_tree_set_label (pkt, node, "Acknowledgment Number: %u    (relative ack number)", rel_ack);
  iot_tree_add_item (pkt, tree, &tcp_fields[F_ACK_RAW], buf, 8, 4, FALSE);
  node = iot_tree_add_uint (pkt, tree, &tcp_fields[F_HDR_LEN], buf, 12, 1, hdr_len);
  iot_tree_set_label (pkt, node, "%c%c%c%c .... = Header Length: %u bytes (%u)",
                      '0' + ((hdr_len >> 5) & 1), '0' + ((hdr_len >> 4) & 1), '0' + ((hdr_len >> 3) & 1),
                      '0' + ((hdr_len >> 2) & 1), hdr_len, hdr_len / 4);
  if (!state_only)
    add_flags (pkt, tree, buf, seg.flags, s == NULL || s->fin_side == 0 || s->fin_side == dir + 1);
  set_info_start (pkt, &seg, rel_seq, rel_ack);
  iot_tree_add_item (pkt, tree, &tcp_fields[F_WINDOW_VALUE], buf, 14, 2, FALSE);
  iot_col_append_uint (pkt, " Win=", window);
  if (bogus_long)
    iot_expert_add_info (pkt, tree, &tcp_experts[E_BOGUS_HEADER_LENGTH],
                         "Bogus TCP header length (%u, greater than the %u bytes of the segment)",
                         hdr_len, buf->reported);
  node = iot_tree_add_uint (pkt, tree, &tcp_fields[F_WINDOW_SIZE], buf, 14, 2, window);
  iot_tree_set_generated (pkt, node);
  if (!(seg.flags & TH_SYN))
    {
      gint32 factor = scale >= 0 ? (1 << scale) : scale;

      node = iot_tree_add_int (pkt, tree, &tcp_fields[F_WINDOW_SCALEFACTOR], buf, 14, 2, factor);
      iot_tree_set_generated (pkt, node);
      if (scale == WSCALE_UNKNOWN)
        iot_tree_set_label (pkt, node, "Window size scaling factor: -1 (unknown)");
      else if (scale == WSCALE_NOT_USED)
        iot_tree_set_label (pkt, node, "Window size scaling factor: -2 (no window scaling used)");
    }
  node = iot_tree_add_item (pkt, tree, &tcp_fields[F_CHECKSUM], buf, 16, 2, FALSE);
  iot_tree_append_label (pkt, node, " [unverified]");
  /* A generated row: it covers no bytes (tshark's PDML size 0). */
  node = iot_tree_add_uint (pkt, tree, &tcp_fields[F_CHECKSUM_STATUS], buf, 16, 0, 2);
  iot_tree_set_generated (pkt, node);
  iot_tree_set_label (pkt, node, "Checksum Status: Unverified");
  urgent = iot_buf_u16 (buf, 18);
  iot_tree_add_item (pkt, tree, &tcp_fields[F_URGENT_POINTER], buf, 18, 2, FALSE);
  if (seg.flags & TH_URG)
    iot_col_append_info (pkt, " Urg=%u", urgent);
  if (!bogus_long)
    iot_col_append_uint (pkt, " Len=", seg.len);

  seg.options_done = TRUE;
  if (hdr_len > 20)
    dissect_options (pkt, buf, tree, hdr_len, &seg,
                     s ? (guint32) history_at (&s->base_hist[1 - dir], frame, 0) : 0);
  if (iot_packet_first_pass (pkt) && s != NULL)
    {
      first_pass_window_scale (s, dir, frame, &seg);
      if (!bogus_long && !iot_packet_in_error (pkt))
        analysis = first_pass_analysis (st, s, dir, pkt, &seg, window, s->reused_frame == frame);
    }
  if (s != NULL)
    add_times (pkt, tree, st, s, fact, frame);
  /* Options cut short by the snap length end the layer here (the analysis
   * above still counted the segment, as tshark's does). */
  if (!seg.options_done)
    {
      if (bogus_long)
        iot_malformed (pkt, "Bogus TCP header length: the options run past the end of the segment");
      iot_buf_check (buf, 20, hdr_len - 20);
    }
  /* The first pass shows the analysis only to those who look at it. */
  if (s != NULL && !bogus_long && !iot_packet_in_error (pkt)
      && (!iot_packet_first_pass (pkt) || iot_packet_wants_tree (pkt) || iot_packet_wants_columns (pkt)))
    {
      analysis = add_seq_analysis (st, s, pkt, tree, buf, fact);
    }

  hand_off (st, s, dir, pkt, buf, tree, hdr_len, &seg, analysis);
  return buf->reported;
}

IotDissector iot_dissector_tcp = {
  .name = "TCP",
  .abbrev = "tcp",
  .long_name = "Transmission Control Protocol",
  .fields = tcp_fields,
  .n_fields = N_FIELDS,
  .experts = tcp_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_tcp,
  .handoff = { { "ip.proto", 6 } },
  .state_new = tcp_state_new,
  .state_free = tcp_state_free,
};
