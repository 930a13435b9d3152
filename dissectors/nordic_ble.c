/* nordic_ble.c — the header Nordic's nRF Sniffer for Bluetooth LE puts
 * before each link-layer packet (LINKTYPE_NORDIC_BLE, 272): which board
 * caught it, the sniffer's UART packet counter, and what the radio knew
 * (CRC check, direction in a connection, PHY, channel index, RSSI, the
 * connection event counter and a microsecond firmware timestamp).
 *
 * Layouts, by the sniffer firmware's protocol version:
 *   0 (legacy, firmware 0.9.7): marker 0xBEEF, packet id 1, packet counter
 *     2 LE, 2 unused, payload length 1; then a 9-byte packet header
 *     without its own length byte;
 *   1: board 1, header length 1, payload length 1, protocol version 1,
 *     packet counter 2 LE, packet id 1;
 *   2 and 3: board 1, payload length 2 LE, protocol version 1, packet
 *     counter 2 LE, packet id 1.
 * From version 1 on, a 10-byte packet header follows: its length 1, flags
 * 1, channel 1, RSSI negated 1, event counter 2 LE, then 4 LE bytes: the
 * delta time from the end of the previous packet (versions 0-2) or the
 * firmware timestamp (3).  Then the on-air packet, access address to CRC.
 * Versions above 3 are read as 3, with an expert item. */
#include "iot-dissector.h"
#include "bt-radio.h"

enum {
  F_PROTO,
  F_BOARD,
  F_LEGACY_MARKER,
  F_HEADER,
  F_HLEN,
  F_PLEN,
  F_PROTOVER,
  F_PACKET_COUNTER,
  F_PACKET_ID,
  F_LEN,
  F_FLAGS,
  F_CRCOK,
  F_DIRECTION,
  F_RESERVED1,
  F_ENCRYPTED,
  F_RESERVED2,
  F_AUX_TYPE,
  F_MICOK,
  F_MIC_NOT_RELEVANT,
  F_ADDRESS_RESOLVED,
  F_PHY,
  F_RESERVED7,
  F_CHANNEL,
  F_RSSI,
  F_EVENT_COUNTER,
  F_TIME,
  F_DELTA_TIME,
  F_DELTA_TIME_SS,
  F_PACKET_TIME,
  N_FIELDS
};

enum {
  FLAG_CRC_OK = 0x01,
  FLAG_DIRECTION = 0x02,
  FLAG_ENCRYPTED = 0x04,
  FLAG_MIC_OK = 0x08,
};

enum {
  PACKET_ADV_PDU = 0x02,     /* protocol version 3 */
  PACKET_DATA_PDU = 0x06,    /* version 3: data; versions 0-2: every packet */
};

#define LEGACY_MARKER 0xbeef
/* Board id and UART header of versions 2 and 3; the marker and header of
 * version 0 take one byte more, so the packet header starts at 7 or 8. */
#define BOARD_AND_HEADER 7
#define LEGACY_HEADER 8
/* The packet header of version 0, which has no length byte of its own,
 * counts as 10 bytes all the same where lengths are worked out. */
#define LEGACY_PACKET_HEADER 10
#define LL_OFFSET 17
#define ADVERTISING_AA 0x8e89bed6u

/* LE Coded: the FEC block 1 (preamble 80 µs, access address 256 µs, coding
 * indicator 16 µs, TERM1 24 µs), then every later bit sent 8 times (S=8)
 * or twice (S=2), then TERM2. */
#define CODED_FEC1_US (80 + 256 + 16 + 24)

extern IotDissector iot_dissector_btle;
extern IotDissector iot_dissector_nordic_ble;

static const IotValueName phy_names[] = {
  { 0, "LE 1M" },
  { 1, "LE 2M" },
  { 2, "LE Coded" },
  IOT_VALUE_NAMES_END
};

static const IotValueName aux_type_names[] = {
  { 0, "AUX_ADV_IND" },
  { 1, "AUX_CHAIN_IND" },
  { 2, "AUX_SYNC_IND" },
  { 3, "AUX_SCAN_RSP" },
  IOT_VALUE_NAMES_END
};

enum {
  E_PROTOVER,
  E_CRC,
  E_MIC,
  E_LENGTH,
  N_EXPERTS
};

static IotExpertInfo nordic_ble_experts[N_EXPERTS] = {
  [E_PROTOVER] = IOT_EXPERT_INFO ("nordic_ble.protover.bad", IOT_SEV_ERROR, IOT_GROUP_PROTOCOL, "Unknown version",
                              "The sniffer's header names a protocol version this decoder (like tshark 4.0) does not know; it is read as version 3."),
  [E_CRC] = IOT_EXPERT_INFO ("nordic_ble.crc.bad", IOT_SEV_ERROR, IOT_GROUP_CHECKSUM, "CRC is bad",
                              "The sniffer's radio found the packet's CRC wrong: it was damaged on the air."),
  [E_MIC] = IOT_EXPERT_INFO ("nordic_ble.mic.bad", IOT_SEV_ERROR, IOT_GROUP_CHECKSUM, "MIC is bad",
                              "The sniffer could not verify the encrypted packet's integrity code: it decrypted it with a wrong key or the packet was damaged."),
  [E_LENGTH] = IOT_EXPERT_INFO ("nordic_ble.length.bad", IOT_SEV_ERROR, IOT_GROUP_MALFORMED, "Length is incorrect",
                              "The header's lengths do not add up to the record's size, so the link layer is not decoded."),
};

static IotField nordic_ble_fields[N_FIELDS] = {
  [F_PROTO] = { "nordic_ble", "nRF Sniffer for Bluetooth LE", IOT_FT_PROTOCOL, .blurb =
    "What a Nordic nRF52 dongle running the nRF Sniffer firmware knew about the packet it caught; "
    "the devices themselves never send this header." },
  [F_BOARD] = { "nordic_ble.board_id", "Board", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Which sniffer board caught the packet, when several listen at once (one per advertising channel)." },
  [F_LEGACY_MARKER] = { "nordic_ble.legacy_marker", "Legacy marker", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "0xBEEF: the first sniffer firmware (0.9.7) started every packet with it, before board ids existed." },
  [F_HEADER] = { "nordic_ble.header", "Header", IOT_FT_NONE, .blurb =
    "The sniffer's UART framing: payload length, protocol version, packet counter and packet id." },
  [F_HLEN] = { "nordic_ble.hlen", "Length of header", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Bytes of the UART header after this one (protocol version 1 only)." },
  [F_PLEN] = { "nordic_ble.plen", "Length of payload", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Bytes after this header: the packet header plus the on-air packet." },
  [F_PROTOVER] = { "nordic_ble.protover", "Protocol version", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Version of the sniffer's header format: 0 to 2 carry a delta time, 3 an absolute timestamp." },
  [F_PACKET_COUNTER] = { "nordic_ble.packet_counter", "Packet counter", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Counts every packet the firmware sent over UART: a gap means the host lost packets, not the radio." },
  [F_PACKET_ID] = { "nordic_ble.packet_id", "Packet ID", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Kind of sniffer message: 2 an advertising-channel packet, 6 a data-channel packet (version 3)." },
  [F_LEN] = { "nordic_ble.len", "Length of packet", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Length of the packet header that follows (10 bytes)." },
  [F_FLAGS] = { "nordic_ble.flags", "Flags", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "What the radio checked and knew about this packet." },
  [F_CRCOK] = { "nordic_ble.crcok", "CRC", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, FLAG_CRC_OK,
    "Whether the packet's CRC matched: a bad CRC means the bytes were damaged on air.", "Ok", "Error", 8 },
  [F_DIRECTION] = { "nordic_ble.direction", "Direction", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, FLAG_DIRECTION,
    "Who sent this data-channel packet: the central (phone) or the peripheral (device).",
    "Master -> Slave", "Slave -> Master", 8 },
  [F_RESERVED1] = { "nordic_ble.flag_reserved1", "Reserved", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0x02,
    "Not used on the primary advertising channels." },
  [F_ENCRYPTED] = { "nordic_ble.encrypted", "Encrypted", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, FLAG_ENCRYPTED,
    "Whether the connection was encrypted when this packet was sent.", "Yes", "No", 8 },
  [F_RESERVED2] = { "nordic_ble.flag_reserved2", "Reserved", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0x04,
    "Not used on the primary advertising channels." },
  [F_AUX_TYPE] = { "nordic_ble.aux_type", "Aux Type", IOT_FT_UINT8, IOT_BASE_DEC, aux_type_names, 0x06,
    "On a secondary advertising channel, which auxiliary PDU this is (they share one PDU type)." },
  [F_MICOK] = { "nordic_ble.micok", "MIC", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, FLAG_MIC_OK,
    "Whether the message integrity code of the encrypted packet matched.", "Ok", "Error", 8 },
  [F_MIC_NOT_RELEVANT] = { "nordic_ble.mic_not_relevant", "MIC (not relevant)", IOT_FT_UINT8, IOT_BASE_DEC,
    NULL, FLAG_MIC_OK, "The integrity code only exists on encrypted packets." },
  [F_ADDRESS_RESOLVED] = { "nordic_ble.address_resolved", "Address Resolved", IOT_FT_BOOLEAN, IOT_BASE_NONE,
    NULL, 0x08, "Whether the sniffer resolved a private (changing) address with a key it was given.",
    "Yes", "No", 8 },
  [F_PHY] = { "nordic_ble.phy", "PHY", IOT_FT_UINT8, IOT_BASE_DEC, phy_names, 0x70,
    "Radio mode the packet used: LE 1M, LE 2M (faster) or LE Coded (long range)." },
  [F_RESERVED7] = { "nordic_ble.flag_reserved7", "Reserved", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0x80,
    "Reserved for future use." },
  [F_CHANNEL] = { "nordic_ble.channel", "Channel Index", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Logical channel: 37, 38, 39 are the primary advertising channels, 0-36 data or secondary channels." },
  [F_RSSI] = { "nordic_ble.rssi", "RSSI", IOT_FT_INT8, IOT_BASE_DEC, NULL, 0,
    "Received signal strength in dBm (the sniffer sends it without its sign): closer to 0 is stronger." },
  [F_EVENT_COUNTER] = { "nordic_ble.event_counter", "Event counter", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Connection event the packet belongs to: central and peripheral exchange packets once per event, "
    "every connection interval." },
  [F_TIME] = { "nordic_ble.time", "Timestamp", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Firmware clock in microseconds when the packet started." },
  [F_DELTA_TIME] = { "nordic_ble.delta_time", "Delta time (end to start)", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Microseconds from the end of the previous packet to the start of this one." },
  [F_DELTA_TIME_SS] = { "nordic_ble.delta_time_ss", "Delta time (start to start)", IOT_FT_UINT32, IOT_BASE_DEC,
    NULL, 0, "Microseconds from the start of the previous packet to the start of this one." },
  [F_PACKET_TIME] = { "nordic_ble.packet_time", "Packet time (start to end)", IOT_FT_UINT32, IOT_BASE_DEC,
    NULL, 0, "How long the packet took on air, from its preamble to its CRC, at its PHY's bit rate." },
};

/* ---- per-capture state: the previous packet, for the delta times ------ */

typedef struct {
  guint32  previous_start;         /* firmware µs (version 3) */
  guint32  previous_end;
  GHashTable *previous;            /* frame number → NordicPrevious, from the first pass */
} NordicState;

/* When the packet before this one started and ended, as the first pass
 * saw it. */
typedef struct {
  guint32  start;
  guint32  end;
} NordicPrevious;

static gpointer
nordic_state_new (void)
{
  NordicState *state = g_new0 (NordicState, 1);
  state->previous = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  return state;
}

static void
nordic_state_free (gpointer data)
{
  NordicState *state = data;
  g_hash_table_destroy (state->previous);
  g_free (state);
}

/* ---- the header, as read ------------------------------------------------- */

typedef struct {
  guint    version;
  guint    payload_length;   /* from the UART header */
  guint    header_length;    /* bytes before the payload: marker or board, UART header */
  guint    packet_header;    /* packet header length (its own length byte, or 10) */
  guint    flags_offset;
  gboolean data_pdu;
  guint    packet_id;
  guint    flags;
  guint    phy;
} NordicHeader;

/* On-air time, preamble to CRC, of the packet after the packet header, at
 * the PHY the flags name.  On LE Coded the coding indicator (the byte
 * after the access address) says S=8 (0) or S=2 (1); anything else is
 * unknown, 0.  Computed in 16 bits, as the sniffer's own tools do. */
static guint32
packet_time (const NordicHeader *h, guint coding)
{
  guint16 ll_len = (guint16) (h->payload_length - h->packet_header);
  guint16 fec2_len = (guint16) (ll_len - 4 - 1);

  switch (h->phy)
    {
    case 0:
      return (guint16) (8 * (1 + ll_len));
    case 1:
      return (guint16) (4 * (2 + ll_len));
    case 2:
      if (coding == 0)
        return (guint16) (CODED_FEC1_US + fec2_len * 64 + 24);
      if (coding == 1)
        return (guint16) (CODED_FEC1_US + fec2_len * 16 + 6);
      return 0;
    default:
      return 0;
    }
}

static const NordicPrevious *
previous_packet (IotPacket *pkt, NordicState *state)
{
  guint32 number = iot_packet_frame_number (pkt);
  NordicPrevious *prev;

  if (iot_packet_first_pass (pkt))
    {
      prev = g_new (NordicPrevious, 1);
      prev->start = state->previous_start;
      prev->end = state->previous_end;
      g_hash_table_replace (state->previous, GUINT_TO_POINTER (number), prev);
    }
  return g_hash_table_lookup (state->previous, GUINT_TO_POINTER (number));
}

static void
add_generated_us (IotPacket *pkt, int tree, int field, const IotBuf *buf, guint off, guint32 us)
{
  int node = iot_tree_add_uint (pkt, tree, &nordic_ble_fields[field], buf, off, 4, us);

  iot_tree_set_generated (pkt, node);
  iot_tree_set_label (pkt, node, "%s: %uµs", nordic_ble_fields[field].name, us);
}

/* Versions 0-2 send the time from the end of the previous packet.  The
 * start-to-start time is left out: tshark 4.0 shows it only while the
 * first pass meets the capture's first packet, so never after two passes. */
static void
add_delta_time (IotPacket *pkt, int tree, const IotBuf *buf, guint off, const NordicHeader *h)
{
  guint32 delta = iot_buf_u32le (buf, off);
  int node;

  node = iot_tree_add_item (pkt, tree, &nordic_ble_fields[F_DELTA_TIME], buf, off, 4, TRUE);
  iot_tree_set_label (pkt, node, "Delta time (end to start): %uµs", delta);
  /* These versions never ran on LE Coded: S=8 is assumed, as tshark does. */
  add_generated_us (pkt, tree, F_PACKET_TIME, buf, off, packet_time (h, 0));
}

/* Version 3 sends a firmware timestamp; both deltas are worked out from
 * the previous packet's start and end. */
static void
add_timestamp (IotPacket *pkt, int tree, const IotBuf *buf, guint off, const NordicHeader *h)
{
  NordicState *state = iot_packet_state (pkt, &iot_dissector_nordic_ble);
  const NordicPrevious *prev = previous_packet (pkt, state);
  guint32 timestamp = iot_buf_u32le (buf, off);
  guint coding = iot_buf_has (buf, off + 8, 1) ? iot_buf_u8 (buf, off + 8) : G_MAXUINT;
  guint32 time = packet_time (h, coding);
  int node;

  node = iot_tree_add_item (pkt, tree, &nordic_ble_fields[F_TIME], buf, off, 4, TRUE);
  iot_tree_set_label (pkt, node, "Timestamp: %uµs", timestamp);
  add_generated_us (pkt, tree, F_PACKET_TIME, buf, off, time);
  if (prev && iot_packet_frame_number (pkt) > 1)
    {
      add_generated_us (pkt, tree, F_DELTA_TIME, buf, off, timestamp - prev->end);
      add_generated_us (pkt, tree, F_DELTA_TIME_SS, buf, off, timestamp - prev->start);
    }
  if (iot_packet_first_pass (pkt))
    {
      state->previous_start = timestamp;
      state->previous_end = timestamp + time;
    }
}

/* The UART header: returns the node of the payload length, for an expert
 * item when the lengths disagree with the record. */
static int
dissect_uart_header (IotPacket *pkt, int tree, const IotBuf *buf, NordicHeader *h)
{
  guint start = h->version == 0 ? 2 : 1, end = h->version == 0 ? LEGACY_HEADER : BOARD_AND_HEADER;
  int header, node, plen = -1;

  header = iot_tree_add_item (pkt, tree, &nordic_ble_fields[F_HEADER], buf, start, end - start, TRUE);
  if (h->version == 0)
    {
      iot_tree_set_label (pkt, header, "Header Version: 0, Packet counter: %u", iot_buf_u16le (buf, 3));
      node = iot_tree_add_uint (pkt, header, &nordic_ble_fields[F_PROTOVER], buf, 0, 0, 0);
      iot_tree_set_generated (pkt, node);
      iot_tree_add_item (pkt, header, &nordic_ble_fields[F_PACKET_ID], buf, 2, 1, TRUE);
      iot_tree_add_item (pkt, header, &nordic_ble_fields[F_PACKET_COUNTER], buf, 3, 2, TRUE);
      plen = iot_tree_add_item (pkt, header, &nordic_ble_fields[F_PLEN], buf, 7, 1, TRUE);
      h->payload_length = iot_buf_u8 (buf, 7);
      h->header_length = LEGACY_HEADER;
      return plen;
    }

  iot_tree_set_label (pkt, header, "Header Version: %u, Packet counter: %u", h->version, iot_buf_u16le (buf, 4));
  if (h->version == 1)
    {
      iot_tree_add_item (pkt, header, &nordic_ble_fields[F_HLEN], buf, 1, 1, TRUE);
      plen = iot_tree_add_item (pkt, header, &nordic_ble_fields[F_PLEN], buf, 2, 1, TRUE);
      h->header_length = iot_buf_u8 (buf, 1) + 1;
      h->payload_length = iot_buf_u8 (buf, 2);
    }
  else
    {
      plen = iot_tree_add_item (pkt, header, &nordic_ble_fields[F_PLEN], buf, 1, 2, TRUE);
      h->header_length = BOARD_AND_HEADER;
      h->payload_length = iot_buf_u16le (buf, 1);
    }
  node = iot_tree_add_item (pkt, header, &nordic_ble_fields[F_PROTOVER], buf, 3, 1, TRUE);
  if (h->version > 3)
    iot_expert_add_info (pkt, node, &nordic_ble_experts[E_PROTOVER], "Unknown version");
  iot_tree_add_item (pkt, header, &nordic_ble_fields[F_PACKET_COUNTER], buf, 4, 2, TRUE);
  iot_tree_add_item (pkt, header, &nordic_ble_fields[F_PACKET_ID], buf, 6, 1, TRUE);
  return plen;
}

/* Whether the packet is a data-channel PDU: version 3 says so in the
 * packet id, earlier versions only through the access address. */
static gboolean
is_data_pdu (const IotBuf *buf, const NordicHeader *h)
{
  if (h->version >= 3)
    return h->packet_id == PACKET_DATA_PDU;
  return iot_buf_u32le (buf, h->flags_offset + h->packet_header - 1) != ADVERTISING_AA;
}

static void
add_flags (IotPacket *pkt, int tree, const IotBuf *buf, const NordicHeader *h, gboolean secondary)
{
  guint off = h->flags_offset;
  int node = iot_tree_add_item (pkt, tree, &nordic_ble_fields[F_FLAGS], buf, off, 1, TRUE);
  int child;

  child = iot_tree_add_item (pkt, node, &nordic_ble_fields[F_CRCOK], buf, off, 1, TRUE);
  if (!(h->flags & FLAG_CRC_OK))
    iot_expert_add_info (pkt, child, &nordic_ble_experts[E_CRC], "CRC is bad");
  if (h->data_pdu)
    {
      iot_tree_add_item (pkt, node, &nordic_ble_fields[F_DIRECTION], buf, off, 1, TRUE);
      iot_tree_add_item (pkt, node, &nordic_ble_fields[F_ENCRYPTED], buf, off, 1, TRUE);
      if (h->flags & FLAG_ENCRYPTED)
        {
          child = iot_tree_add_item (pkt, node, &nordic_ble_fields[F_MICOK], buf, off, 1, TRUE);
          if (!(h->flags & FLAG_MIC_OK))
            iot_expert_add_info (pkt, child, &nordic_ble_experts[E_MIC], "MIC is bad");
        }
      else
        iot_tree_add_item (pkt, node, &nordic_ble_fields[F_MIC_NOT_RELEVANT], buf, off, 1, TRUE);
    }
  else
    {
      if (secondary)
        iot_tree_add_item (pkt, node, &nordic_ble_fields[F_AUX_TYPE], buf, off, 1, TRUE);
      else
        {
          iot_tree_add_item (pkt, node, &nordic_ble_fields[F_RESERVED1], buf, off, 1, TRUE);
          iot_tree_add_item (pkt, node, &nordic_ble_fields[F_RESERVED2], buf, off, 1, TRUE);
        }
      iot_tree_add_item (pkt, node, &nordic_ble_fields[F_ADDRESS_RESOLVED], buf, off, 1, TRUE);
    }
  iot_tree_add_item (pkt, node, &nordic_ble_fields[F_PHY], buf, off, 1, TRUE);
  iot_tree_add_item (pkt, node, &nordic_ble_fields[F_RESERVED7], buf, off, 1, TRUE);
}

/* What the link layer may rely on. */
static void
tell_link_layer (IotPacket *pkt, const NordicHeader *h, guint channel, gint rssi, gboolean secondary)
{
  BtRadioInfo radio = { 0 };

  radio.known = TRUE;
  radio.primary_channel = !h->data_pdu && channel >= 37;
  radio.secondary_channel = secondary;
  radio.aux_type = secondary ? (h->flags >> 1) & 0x03 : 0;
  radio.aux_type_known = secondary;
  radio.direction = h->data_pdu ? (h->flags & FLAG_DIRECTION ? BT_DIRECTION_CENTRAL_TO_PERIPHERAL
                                                             : BT_DIRECTION_PERIPHERAL_TO_CENTRAL)
                                : BT_DIRECTION_UNKNOWN;
  radio.channel = channel;
  radio.rssi = rssi;
  radio.crc_checked = TRUE;
  radio.crc_valid = (h->flags & FLAG_CRC_OK) != 0;
  radio.phy = h->phy;
  /* Version 3 names the kind in the packet id; an id it does not know
   * leaves the access address to decide. */
  if (h->version >= 3)
    radio.pdu_kind = h->data_pdu ? BT_PDU_KIND_DATA
                     : h->packet_id == PACKET_ADV_PDU ? BT_PDU_KIND_ADVERTISING : BT_PDU_KIND_UNKNOWN;
  bt_radio_set (pkt, &radio);
}

static int
dissect_nordic_ble (IotPacket *pkt, IotBuf *buf, int parent)
{
  NordicHeader h = { 0 };
  gboolean secondary, bad_length, mic_bad;
  guint channel, off;
  gint rssi;
  IotBuf ll;
  int tree, plen, node;

  tree = iot_tree_add_protocol (pkt, parent, &nordic_ble_fields[F_PROTO], buf, 0, LL_OFFSET);
  if (iot_buf_u16 (buf, 0) == LEGACY_MARKER)
    {
      iot_tree_add_item (pkt, tree, &nordic_ble_fields[F_LEGACY_MARKER], buf, 0, 2, FALSE);
      h.version = 0;
    }
  else
    {
      iot_tree_add_item (pkt, tree, &nordic_ble_fields[F_BOARD], buf, 0, 1, TRUE);
      h.version = iot_buf_u8 (buf, 3);
    }
  plen = dissect_uart_header (pkt, tree, buf, &h);
  bad_length = h.header_length + h.payload_length != buf->length;
  if (bad_length)
    iot_expert_add_info (pkt, plen, &nordic_ble_experts[E_LENGTH], "Length is incorrect");

  /* The packet header. */
  if (h.version == 0)
    {
      h.packet_header = LEGACY_PACKET_HEADER;
      h.flags_offset = LEGACY_HEADER;
    }
  else
    {
      iot_tree_add_item (pkt, tree, &nordic_ble_fields[F_LEN], buf, BOARD_AND_HEADER, 1, TRUE);
      h.packet_header = iot_buf_u8 (buf, BOARD_AND_HEADER);
      h.flags_offset = BOARD_AND_HEADER + 1;
    }
  h.flags = iot_buf_u8 (buf, h.flags_offset);
  h.phy = (h.flags >> 4) & 0x07;
  h.packet_id = iot_buf_u8 (buf, h.version == 0 ? 2 : 6);
  h.data_pdu = is_data_pdu (buf, &h);
  off = h.flags_offset + 1;
  channel = iot_buf_u8 (buf, off);
  secondary = !h.data_pdu && channel < 37;
  add_flags (pkt, tree, buf, &h, secondary);
  iot_tree_add_item (pkt, tree, &nordic_ble_fields[F_CHANNEL], buf, off, 1, TRUE);
  rssi = -(gint) iot_buf_u8 (buf, off + 1);
  node = iot_tree_add_int (pkt, tree, &nordic_ble_fields[F_RSSI], buf, off + 1, 1, rssi);
  iot_tree_append_label (pkt, node, " dBm");
  iot_tree_add_item (pkt, tree, &nordic_ble_fields[F_EVENT_COUNTER], buf, off + 2, 2, TRUE);
  if (h.version >= 3)
    add_timestamp (pkt, tree, buf, off + 4, &h);
  else
    add_delta_time (pkt, tree, buf, off + 4, &h);

  tell_link_layer (pkt, &h, channel, rssi, secondary);
  if (!bad_length)
    {
      ll = iot_buf_sub (buf, LL_OFFSET, -1);
      iot_call_dissector (pkt, &iot_dissector_btle, &ll, parent);
    }
  else
    iot_packet_set_address_text (pkt, "", "");   /* nobody known to have sent it */
  /* A packet the sniffer could not authenticate after decrypting says so
   * in place of whatever the link layer made of its bytes. */
  mic_bad = h.data_pdu && (h.flags & FLAG_ENCRYPTED) && !(h.flags & FLAG_MIC_OK);
  if (mic_bad)
    iot_col_set_info (pkt, h.flags & FLAG_CRC_OK ? "Encrypted packet decrypted incorrectly (bad MIC)"
                                                 : "Encrypted packet decrypted incorrectly (bad CRC)");
  return buf->length;
}

IotDissector iot_dissector_nordic_ble = {
  .name = "NORDIC_BLE",
  .abbrev = "nordic_ble",
  .long_name = "nRF Sniffer for Bluetooth LE",
  .fields = nordic_ble_fields,
  .n_fields = N_FIELDS,
  .experts = nordic_ble_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_nordic_ble,
  .handoff = { { "link", 272 } },
  .state_new = nordic_state_new,
  .state_free = nordic_state_free,
};
