/* nordic_ble.c — the header Nordic's nRF Sniffer for Bluetooth LE puts
 * before each link-layer packet (LINKTYPE_NORDIC_BLE, 272): which board
 * caught it, the sniffer's UART packet counter, and what the radio knew
 * (CRC check, direction in a connection, PHY, channel index, RSSI, the
 * connection event counter and a microsecond firmware timestamp).
 *
 * Layout (protocol versions 2 and 3): board (1), then a 6-byte header
 * (payload length 2 LE, protocol version 1, packet counter 2 LE, packet
 * id 1), then a 10-byte packet header (its length 1, flags 1, channel 1,
 * RSSI negated 1, event counter 2 LE, timestamp or delta time 4 LE), then
 * the on-air packet from the access address to the CRC. */
#include "iot-dissector.h"
#include "bt-radio.h"

enum {
  F_PROTO,
  F_BOARD,
  F_HEADER,
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
  PACKET_DATA_PDU = 0x06,    /* version 3: data; version 2: every packet */
};

#define BOARD_AND_HEADER 7
#define PACKET_HEADER 10
#define ADVERTISING_AA 0x8e89bed6u

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

static IotField nordic_ble_fields[N_FIELDS] = {
  [F_PROTO] = { "nordic_ble", "nRF Sniffer for Bluetooth LE", IOT_FT_PROTOCOL, .blurb =
    "What a Nordic nRF52 dongle running the nRF Sniffer firmware knew about the packet it caught; "
    "the devices themselves never send this header." },
  [F_BOARD] = { "nordic_ble.board_id", "Board", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Which sniffer board caught the packet, when several listen at once (one per advertising channel)." },
  [F_HEADER] = { "nordic_ble.header", "Header", IOT_FT_NONE, .blurb =
    "The sniffer's UART framing: payload length, protocol version, packet counter and packet id." },
  [F_PLEN] = { "nordic_ble.plen", "Length of payload", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Bytes after this header: the packet header plus the on-air packet." },
  [F_PROTOVER] = { "nordic_ble.protover", "Protocol version", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Version of the sniffer's header format: 2 carries a delta time, 3 an absolute timestamp." },
  [F_PACKET_COUNTER] = { "nordic_ble.packet_counter", "Packet counter", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Counts every packet the firmware sent over UART: a gap means the host lost packets, not the radio." },
  [F_PACKET_ID] = { "nordic_ble.packet_id", "Packet ID", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Kind of sniffer message: 2 an advertising-channel packet, 6 a data-channel packet (version 3)." },
  [F_LEN] = { "nordic_ble.len", "Length of packet", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Length of the packet header that follows (10 bytes)." },
  [F_FLAGS] = { "nordic_ble.flags", "Flags", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "What the radio checked and knew about this packet." },
  [F_CRCOK] = { "nordic_ble.crcok", "CRC", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, FLAG_CRC_OK,
    "Whether the packet's CRC matched: a bad CRC means the bytes were damaged on air.", "Ok", "Incorrect", 8 },
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
    "Whether the message integrity code of the encrypted packet matched.", "Ok", "Incorrect", 8 },
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
  gboolean have_previous;
  guint32  previous_start;     /* firmware µs */
  guint32  previous_airtime;   /* µs */
  GHashTable *deltas;          /* frame number → NordicDelta */
} NordicState;

typedef struct {
  guint32 since_start;
  guint32 since_end;
} NordicDelta;

static gpointer
nordic_state_new (void)
{
  NordicState *state = g_new0 (NordicState, 1);
  state->deltas = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  return state;
}

static void
nordic_state_free (gpointer data)
{
  NordicState *state = data;
  g_hash_table_destroy (state->deltas);
  g_free (state);
}

/* On-air time of a packet of @ll_len bytes (access address to CRC) plus
 * its preamble: 8 µs a byte on LE 1M, 4 µs on LE 2M (whose preamble is
 * two bytes).  LE Coded depends on the coding (S=2 or S=8), which the
 * header does not carry: 0 there, "unknown". */
static guint32
airtime (guint phy, guint ll_len)
{
  if (phy == 0)
    return (1 + ll_len) * 8;
  if (phy == 1)
    return (2 + ll_len) * 4;
  return 0;
}

static void
add_deltas (IotPacket *pkt, int tree, const IotBuf *buf, guint32 start, guint32 packet_time)
{
  NordicState *state = iot_packet_state (pkt, &iot_dissector_nordic_ble);
  guint32 number = iot_packet_frame_number (pkt);
  NordicDelta *delta;
  int node;

  if (iot_packet_first_pass (pkt))
    {
      if (state->have_previous && state->previous_airtime != 0)
        {
          delta = g_new (NordicDelta, 1);
          delta->since_start = start - state->previous_start;
          delta->since_end = delta->since_start - state->previous_airtime;
          g_hash_table_replace (state->deltas, GUINT_TO_POINTER (number), delta);
        }
      state->have_previous = TRUE;
      state->previous_start = start;
      state->previous_airtime = packet_time;
    }
  delta = g_hash_table_lookup (state->deltas, GUINT_TO_POINTER (number));
  if (delta)
    {
      node = iot_tree_add_uint (pkt, tree, &nordic_ble_fields[F_DELTA_TIME], buf, 13, 4, delta->since_end);
      iot_tree_set_generated (pkt, node);
      iot_tree_set_label (pkt, node, "Delta time (end to start): %uµs", delta->since_end);
      node = iot_tree_add_uint (pkt, tree, &nordic_ble_fields[F_DELTA_TIME_SS], buf, 13, 4, delta->since_start);
      iot_tree_set_generated (pkt, node);
      iot_tree_set_label (pkt, node, "Delta time (start to start): %uµs", delta->since_start);
    }
}

static void
add_flags (IotPacket *pkt, int tree, const IotBuf *buf, gboolean data_pdu, gboolean secondary, guint flags)
{
  int node = iot_tree_add_item (pkt, tree, &nordic_ble_fields[F_FLAGS], buf, 8, 1, TRUE);

  iot_tree_add_item (pkt, node, &nordic_ble_fields[F_CRCOK], buf, 8, 1, TRUE);
  if (data_pdu)
    {
      iot_tree_add_item (pkt, node, &nordic_ble_fields[F_DIRECTION], buf, 8, 1, TRUE);
      iot_tree_add_item (pkt, node, &nordic_ble_fields[F_ENCRYPTED], buf, 8, 1, TRUE);
      iot_tree_add_item (pkt, node, &nordic_ble_fields[flags & FLAG_ENCRYPTED ? F_MICOK : F_MIC_NOT_RELEVANT],
                         buf, 8, 1, TRUE);
    }
  else
    {
      if (secondary)
        iot_tree_add_item (pkt, node, &nordic_ble_fields[F_AUX_TYPE], buf, 8, 1, TRUE);
      else
        {
          iot_tree_add_item (pkt, node, &nordic_ble_fields[F_RESERVED1], buf, 8, 1, TRUE);
          iot_tree_add_item (pkt, node, &nordic_ble_fields[F_RESERVED2], buf, 8, 1, TRUE);
        }
      iot_tree_add_item (pkt, node, &nordic_ble_fields[F_ADDRESS_RESOLVED], buf, 8, 1, TRUE);
    }
  iot_tree_add_item (pkt, node, &nordic_ble_fields[F_PHY], buf, 8, 1, TRUE);
  iot_tree_add_item (pkt, node, &nordic_ble_fields[F_RESERVED7], buf, 8, 1, TRUE);
}

static int
dissect_nordic_ble (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint version = iot_buf_u8 (buf, 3), packet_id = iot_buf_u8 (buf, 6);
  guint flags, channel, phy;
  gboolean data_pdu, secondary;
  guint32 timestamp, packet_time;
  BtRadioInfo radio = { 0 };
  IotBuf ll;
  int tree, node;

  tree = iot_tree_add_protocol (pkt, parent, &nordic_ble_fields[F_PROTO], buf, 0, BOARD_AND_HEADER + PACKET_HEADER);
  iot_tree_add_item (pkt, tree, &nordic_ble_fields[F_BOARD], buf, 0, 1, TRUE);
  node = iot_tree_add_item (pkt, tree, &nordic_ble_fields[F_HEADER], buf, 1, 6, TRUE);
  iot_tree_set_label (pkt, node, "Header Version: %u, Packet counter: %u", version, iot_buf_u16le (buf, 4));
  iot_tree_add_item (pkt, node, &nordic_ble_fields[F_PLEN], buf, 1, 2, TRUE);
  iot_tree_add_item (pkt, node, &nordic_ble_fields[F_PROTOVER], buf, 3, 1, TRUE);
  iot_tree_add_item (pkt, node, &nordic_ble_fields[F_PACKET_COUNTER], buf, 4, 2, TRUE);
  iot_tree_add_item (pkt, node, &nordic_ble_fields[F_PACKET_ID], buf, 6, 1, TRUE);
  if (version != 2 && version != 3)
    {
      iot_expert_add (pkt, node, IOT_SEV_ERROR, IOT_GROUP_UNDECODED,
                      "Unknown version %u of the nRF Sniffer header", version);
      return buf->length;
    }

  iot_tree_add_item (pkt, tree, &nordic_ble_fields[F_LEN], buf, 7, 1, TRUE);
  flags = iot_buf_u8 (buf, 8);
  channel = iot_buf_u8 (buf, 9);
  phy = (flags >> 4) & 0x07;
  /* Version 3 says adv or data in the packet id; version 2 only through
   * the access address. */
  data_pdu = version == 3 ? packet_id == PACKET_DATA_PDU
                          : iot_buf_u32le (buf, BOARD_AND_HEADER + PACKET_HEADER) != ADVERTISING_AA;
  secondary = !data_pdu && channel < 37;
  add_flags (pkt, tree, buf, data_pdu, secondary, flags);
  iot_tree_add_item (pkt, tree, &nordic_ble_fields[F_CHANNEL], buf, 9, 1, TRUE);
  node = iot_tree_add_int (pkt, tree, &nordic_ble_fields[F_RSSI], buf, 10, 1, -(gint) iot_buf_u8 (buf, 10));
  iot_tree_append_label (pkt, node, " dBm");
  iot_tree_add_item (pkt, tree, &nordic_ble_fields[F_EVENT_COUNTER], buf, 11, 2, TRUE);
  timestamp = iot_buf_u32le (buf, 13);
  ll = iot_buf_sub (buf, BOARD_AND_HEADER + PACKET_HEADER, -1);
  packet_time = airtime (phy, ll.length);
  if (version == 3)
    {
      node = iot_tree_add_item (pkt, tree, &nordic_ble_fields[F_TIME], buf, 13, 4, TRUE);
      iot_tree_set_label (pkt, node, "Timestamp: %uµs", timestamp);
      add_deltas (pkt, tree, buf, timestamp, packet_time);
    }
  else
    {
      node = iot_tree_add_item (pkt, tree, &nordic_ble_fields[F_DELTA_TIME], buf, 13, 4, TRUE);
      iot_tree_set_label (pkt, node, "Delta time (end to start): %uµs", timestamp);
    }
  if (packet_time != 0)
    {
      node = iot_tree_add_uint (pkt, tree, &nordic_ble_fields[F_PACKET_TIME], buf, 13, 4, packet_time);
      iot_tree_set_generated (pkt, node);
      iot_tree_set_label (pkt, node, "Packet time (start to end): %uµs", packet_time);
    }
  if (!(flags & FLAG_CRC_OK))
    iot_expert_add (pkt, tree, IOT_SEV_WARN, IOT_GROUP_CHECKSUM, "CRC is bad");
  else if (data_pdu && (flags & FLAG_ENCRYPTED) && !(flags & FLAG_MIC_OK))
    iot_expert_add (pkt, tree, IOT_SEV_WARN, IOT_GROUP_CHECKSUM, "MIC is bad");

  /* What the link layer may rely on. */
  radio.known = TRUE;
  radio.primary_channel = !data_pdu && channel >= 37;
  radio.secondary_channel = secondary;
  radio.aux_type = secondary ? (flags >> 1) & 0x03 : 0;
  radio.aux_type_known = secondary;
  radio.direction = data_pdu ? (flags & FLAG_DIRECTION ? BT_DIRECTION_CENTRAL_TO_PERIPHERAL
                                                       : BT_DIRECTION_PERIPHERAL_TO_CENTRAL)
                             : BT_DIRECTION_UNKNOWN;
  radio.channel = channel;
  radio.rssi = -(gint) iot_buf_u8 (buf, 10);
  bt_radio_set (pkt, &radio);
  iot_call_dissector (pkt, &iot_dissector_btle, &ll, parent);
  return buf->length;
}

IotDissector iot_dissector_nordic_ble = {
  .name = "NORDIC_BLE",
  .abbrev = "nordic_ble",
  .long_name = "nRF Sniffer for Bluetooth LE",
  .fields = nordic_ble_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_nordic_ble,
  .handoff = { { "link", 272 } },
  .state_new = nordic_state_new,
  .state_free = nordic_state_free,
};
