/* tcp.c — Transmission Control Protocol: the header and the
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
#include "tcp-private.h"

#include <string.h>

extern IotDissector iot_dissector_tcp;

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

IotField tcp_fields[N_FIELDS] = {
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


IotExpertInfo tcp_experts[N_EXPERTS] = {
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
  st->by_key = iot_conv_table_new ();
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
  iot_conv_table_free (st->by_key, g_free);
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
  guint hash = iot_conv_key_hash (key);
  TcpConv *conv = (TcpConv *) iot_conv_table_lookup (st->by_key, key, hash);

  if (conv == NULL)
    {
      conv = g_new0 (TcpConv, 1);
      conv->conv.key = *key;
      iot_conv_table_insert (st->by_key, &conv->conv, hash);
    }
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
  /* Every segment asks: IPv4's four bytes compared as a word, not by a
   * memcmp call. */
  if (sport != s->port[0])
    return 1;
  if (src->family != 6)
    {
      guint32 a, b;

      memcpy (&a, src->bytes, 4);
      memcpy (&b, s->addr[0].bytes, 4);
      return a == b ? 0 : 1;
    }
  return memcmp (src->bytes, s->addr[0].bytes, 16) == 0 ? 0 : 1;
}

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

#define FACTS_STEP 1024

/* Remembers the frame's stream and, when @timed, its predecessor in the
 * stream (for the stream timing fields). */
static void
record_fact (TcpState *st, guint32 stream_plus1, TcpStream *s, guint32 frame, gboolean timed)
{
  FrameFact *fact;

  if (st->facts->len <= frame)
    /* A step of frames at a time (a call per frame cost more than the
     * fact), and only the entries about to be used are cleared (and so
     * paged in); entries past the last TCP frame read as no stream. */
    g_array_set_size (st->facts, (frame | (FACTS_STEP - 1)) + 1);
  fact = &g_array_index (st->facts, FrameFact, frame);
  if (fact_stream_plus1 (fact) != 0)
    return;   /* a second TCP layer in the frame keeps the first one's facts */
  /* 2^30 connections would need a capture of over 30 GB: beyond that, the
   * frames are shown as if outside any stream. */
  if (stream_plus1 > ((FACT_STREAM_BITS << 16) | 0xffffu))
    return;
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

  /* The first pass without a reader: no rows and no expert items. */
  if (iot_packet_first_pass (pkt) && iot_packet_state_only (pkt))
    return -1;
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
  wide = tcp_find_by_frame (st->prev_wide, sizeof (PrevWide), frame);
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
static void publish_payload (IotPacket *pkt, IotBuf *buf, guint hdr_len, const Segment *seg, guint32 stream);
static IotTapTcp *publish_segment (IotPacket *pkt, const Segment *seg, guint32 stream, guint32 ack_raw,
                                   guint16 flags, gboolean has_len);
static guint16 tap_analysis (guint16 flags);

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
  IotTapTcp *segment_record;
  int tree, node;

  iot_col_set_protocol (pkt, "TCP");
  seg.sport = iot_buf_u16 (buf, 0);
  seg.dport = iot_buf_u16 (buf, 2);
  iot_packet_set_ports (pkt, seg.sport, seg.dport);
  tree = iot_tree_add_protocol (pkt, parent, &tcp_fields[F_PROTO], buf, 0, -1);
  /* "54932 → 1883" alone, for a header cut short; set_info_start()
   * writes the whole start over it. */
  if (iot_packet_wants_columns (pkt))
    {
      iot_col_clear_info (pkt);
      iot_col_append_uint (pkt, NULL, seg.sport);
      iot_col_append_uint (pkt, " \u2192 ", seg.dport);
    }
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
      /* The first pass sees frames in order: the stream's current scale
       * is the one in force (and its history's newest entry). */
      if (!bogus_long && iot_packet_first_pass (pkt))
        scale = s->wscale[dir];
      else if (!bogus_long && (shown || iot_packet_wants_field (pkt, &tcp_fields[F_WINDOW_SIZE])
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
      publish_segment (pkt, &seg, s != NULL ? stream : IOT_TAP_NO_STREAM, 0, 0, TRUE);
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
  /* Even state-only: a later dissection that reads nothing keeps the
   * flags' expert items for the frame's severity and the expert tap
   * (add_flags makes no row then; the first pass skips them). */
  add_flags (pkt, tree, buf, seg.flags, s == NULL || s->fin_side == 0 || s->fin_side == dir + 1);
  segment_record = publish_segment (pkt, &seg, s != NULL ? stream : IOT_TAP_NO_STREAM, seg.ack, seg.flags,
                                    !bogus_long);
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
    tcp_dissect_options (pkt, buf, tree, hdr_len, &seg,
                     s ? (guint32) history_at (&s->base_hist[1 - dir], frame, 0) : 0);
  if (iot_packet_first_pass (pkt) && s != NULL)
    {
      first_pass_window_scale (s, dir, frame, &seg);
      if (!bogus_long && !iot_packet_in_error (pkt))
        analysis = tcp_first_pass_analysis (st, s, dir, pkt, &seg, window, s->reused_frame == frame);
      if (segment_record != NULL && (analysis & TA_WARNINGS))
        segment_record->analysis = tap_analysis (analysis);
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
      analysis = tcp_add_seq_analysis (st, s, pkt, tree, buf, fact, seg.len);
      if (segment_record != NULL && (analysis & TA_WARNINGS))
        segment_record->analysis = tap_analysis (analysis);
    }

  if (s != NULL)
    publish_payload (pkt, buf, hdr_len, &seg, stream);
  tcp_hand_off (st, s, dir, pkt, buf, tree, hdr_len, &seg, analysis);
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

/* The analysis items tcp_add_seq_analysis showed, for the segment tap. */
static guint16
tap_analysis (guint16 flags)
{
  static const struct { guint16 flag, tap; } map[] = {
    { TA_RETRANSMISSION, IOT_TAP_TCP_RETRANSMISSION },
    { TA_FAST_RETRANSMISSION, IOT_TAP_TCP_FAST_RETRANSMISSION },
    { TA_SPURIOUS_RETRANSMISSION, IOT_TAP_TCP_SPURIOUS_RETRANSMISSION },
    { TA_LOST_SEGMENT, IOT_TAP_TCP_LOST_SEGMENT },
    { TA_OUT_OF_ORDER, IOT_TAP_TCP_OUT_OF_ORDER },
    { TA_DUPLICATE_ACK, IOT_TAP_TCP_DUPLICATE_ACK },
    { TA_ZERO_WINDOW, IOT_TAP_TCP_ZERO_WINDOW },
  };
  guint16 out = 0;

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (flags & map[i].flag)
      out |= map[i].tap;
  /* A fast or spurious retransmission is a retransmission too (the tree
   * shows both items). */
  if (out & (IOT_TAP_TCP_FAST_RETRANSMISSION | IOT_TAP_TCP_SPURIOUS_RETRANSMISSION))
    out |= IOT_TAP_TCP_RETRANSMISSION;
  return out;
}

/* The segment's header for the segment tap, as its tcp.* fields say;
 * queued before the options, which may end the layer, and given its
 * analysis afterwards.  NULL: nobody asked, or a copy an ICMP error
 * quotes and nobody asked for those. */
static IotTapTcp *
publish_segment (IotPacket *pkt, const Segment *seg, guint32 stream, guint32 ack_raw, guint16 flags,
                 gboolean has_len)
{
  IotTapTcp record = { stream, seg->seq, ack_raw, has_len ? seg->len : 0, flags, 0, iot_packet_in_error (pkt) };

  if (!iot_tap_wanted_here (pkt, IOT_TAP_TCP))
    return NULL;
  return iot_tap_queue_open (pkt, IOT_TAP_TCP, &record);
}

/* The segment's data for the payload tap (following a stream): the bytes
 * tcp.payload covers, with the raw sequence number of the first. */
static void
publish_payload (IotPacket *pkt, IotBuf *buf, guint hdr_len, const Segment *seg, guint32 stream)
{
  IotTapPayload record = { IOT_TAP_LAYER_TCP, 0, TRUE, stream, seg->seq };
  IotBuf payload;

  if (seg->len == 0 || !iot_tap_wanted (pkt, IOT_TAP_PAYLOAD) || iot_packet_in_error (pkt))
    return;
  payload = iot_buf_sub (buf, hdr_len, (gint) seg->len);
  record.source = payload.source;
  record.data = payload.data;
  record.offset = payload.origin;
  record.length = payload.length;
  iot_tap_queue (pkt, IOT_TAP_PAYLOAD, &record);
}
