/* btle.c — the Bluetooth Low Energy link layer: advertising PDUs (who is
 * around, who scans, who connects) and data-channel PDUs of a connection
 * (link-layer control procedures and L2CAP fragments). */
#include "iot-dissector.h"
#include "bt-names.h"

enum {
  F_PROTO,
  F_AA,
  F_MASTER,
  F_SLAVE,
  F_LENGTH,
  F_ADV_HEADER,
  F_ADV_PDU_TYPE,
  F_ADV_RFU1,
  F_ADV_CHSEL,
  F_ADV_RFU2,
  F_ADV_TXADD,
  F_ADV_RXADD,
  F_ADV_RFU4,
  F_ADV_LENGTH,
  F_ADV_ADDRESS,
  F_INIT_ADDRESS,
  F_TARGET_ADDRESS,
  F_SCAN_ADDRESS,
  F_SCAN_RSP_DATA,
  F_LLDATA,
  F_LLD_AA,
  F_LLD_CRC_INIT,
  F_LLD_WIN_SIZE,
  F_LLD_WIN_OFFSET,
  F_LLD_INTERVAL,
  F_LLD_LATENCY,
  F_LLD_TIMEOUT,
  F_LLD_CHANNEL_MAP,
  F_LLD_HOP,
  F_LLD_SCA,
  F_DATA_HEADER,
  F_DH_LLID,
  F_DH_NESN,
  F_DH_SN,
  F_DH_MD,
  F_DH_CTE,
  F_DH_RFU,
  F_DH_LENGTH,
  F_CTRL_OPCODE,
  F_CTRL_UNKNOWN_TYPE,
  F_CTRL_REJECT_OPCODE,
  F_CTRL_ERROR_CODE,
  F_CTRL_VERSION,
  F_CTRL_COMPANY,
  F_CTRL_SUBVERSION,
  F_CTRL_FEATURES,
  F_FEAT_ENC,
  F_FEAT_CONN_PARAM,
  F_FEAT_EXT_REJECT,
  F_FEAT_SLAVE_FEAT,
  F_FEAT_PING,
  F_FEAT_PKT_LEN,
  F_FEAT_PRIVACY,
  F_FEAT_EXT_SCAN,
  F_FEAT_2M,
  F_FEAT_MOD_TX,
  F_FEAT_MOD_RX,
  F_FEAT_CODED,
  F_FEAT_EXT_ADV,
  F_FEAT_PER_ADV,
  F_FEAT_CHSEL2,
  F_FEAT_POWER1,
  F_FEAT_MIN_CH,
  F_FEAT_RESERVED_BITS,
  F_FEAT_RESERVED,
  F_CTRL_WIN_SIZE,
  F_CTRL_WIN_OFFSET,
  F_CTRL_INTERVAL,
  F_CTRL_LATENCY,
  F_CTRL_TIMEOUT,
  F_CTRL_INSTANT,
  F_CTRL_CHANNEL_MAP,
  F_CTRL_RANDOM,
  F_CTRL_EDIV,
  F_CTRL_SKDM,
  F_CTRL_IVM,
  F_CTRL_SKDS,
  F_CTRL_IVS,
  F_CTRL_MAX_RX_OCTETS,
  F_CTRL_MAX_RX_TIME,
  F_CTRL_MAX_TX_OCTETS,
  F_CTRL_MAX_TX_TIME,
  F_L2CAP_INDEX,
  F_CONN_PARAMS_IN,
  F_CRC,
  N_FIELDS
};

enum {
  ADV_IND, ADV_DIRECT_IND, ADV_NONCONN_IND, SCAN_REQ, SCAN_RSP, CONNECT_IND, ADV_SCAN_IND, ADV_EXT_IND,
};

#define ADVERTISING_AA 0x8e89bed6u

extern IotDissector iot_dissector_btle;
extern IotDissector iot_dissector_btle_rf;
extern IotDissector iot_dissector_btcommon;
extern IotDissector iot_dissector_btl2cap;

static const IotValueName adv_pdu_type_names[] = {
  { 0x0, "ADV_IND" },
  { 0x1, "ADV_DIRECT_IND" },
  { 0x2, "ADV_NONCONN_IND" },
  { 0x3, "SCAN_REQ" },
  { 0x4, "SCAN_RSP" },
  { 0x5, "CONNECT_IND" },
  { 0x6, "ADV_SCAN_IND" },
  { 0x7, "ADV_EXT_IND" },
  { 0x8, "AUX_CONNECT_RSP" },
  IOT_VALUE_NAMES_END
};

static const IotValueName llid_names[] = {
  { 0x1, "Continuation fragment of an L2CAP message, or an Empty PDU" },
  { 0x2, "Start of an L2CAP message or a complete L2CAP message with no fragmentation" },
  { 0x3, "Control PDU" },
  IOT_VALUE_NAMES_END
};

static const IotValueName control_opcode_names[] = {
  { 0x00, "LL_CONNECTION_UPDATE_IND" },
  { 0x01, "LL_CHANNEL_MAP_IND" },
  { 0x02, "LL_TERMINATE_IND" },
  { 0x03, "LL_ENC_REQ" },
  { 0x04, "LL_ENC_RSP" },
  { 0x05, "LL_START_ENC_REQ" },
  { 0x06, "LL_START_ENC_RSP" },
  { 0x07, "LL_UNKNOWN_RSP" },
  { 0x08, "LL_FEATURE_REQ" },
  { 0x09, "LL_FEATURE_RSP" },
  { 0x0a, "LL_PAUSE_ENC_REQ" },
  { 0x0b, "LL_PAUSE_ENC_RSP" },
  { 0x0c, "LL_VERSION_IND" },
  { 0x0d, "LL_REJECT_IND" },
  { 0x0e, "LL_SLAVE_FEATURE_REQ" },
  { 0x0f, "LL_CONNECTION_PARAM_REQ" },
  { 0x10, "LL_CONNECTION_PARAM_RSP" },
  { 0x11, "LL_REJECT_EXT_IND" },
  { 0x12, "LL_PING_REQ" },
  { 0x13, "LL_PING_RSP" },
  { 0x14, "LL_LENGTH_REQ" },
  { 0x15, "LL_LENGTH_RSP" },
  { 0x16, "LL_PHY_REQ" },
  { 0x17, "LL_PHY_RSP" },
  { 0x18, "LL_PHY_UPDATE_IND" },
  { 0x19, "LL_MIN_USED_CHANNELS_IND" },
  IOT_VALUE_NAMES_END
};

static const IotValueName version_names[] = {
  { 6, "4.0" }, { 7, "4.1" }, { 8, "4.2" }, { 9, "5.0" }, { 10, "5.1" }, { 11, "5.2" }, { 12, "5.3" },
  IOT_VALUE_NAMES_END
};

static const IotValueName error_code_names[] = {
  { 0x05, "Authentication Failure" },
  { 0x06, "PIN or Key Missing" },
  { 0x08, "Connection Timeout" },
  { 0x13, "Remote User Terminated Connection" },
  { 0x16, "Connection Terminated by Local Host" },
  { 0x1a, "Unsupported Remote Feature / Unsupported LMP Feature" },
  { 0x22, "LMP Response Timeout / LL Response Timeout" },
  { 0x3b, "Unacceptable Connection Parameters" },
  { 0x3d, "Connection Terminated due to MIC Failure" },
  { 0x3e, "Connection Failed to be Established" },
  IOT_VALUE_NAMES_END
};

static const IotValueName sca_names[] = {
  { 0, "251 ppm to 500 ppm" }, { 1, "151 ppm to 250 ppm" }, { 2, "101 ppm to 150 ppm" },
  { 3, "76 ppm to 100 ppm" }, { 4, "51 ppm to 75 ppm" }, { 5, "31 ppm to 50 ppm" },
  { 6, "21 ppm to 30 ppm" }, { 7, "0 ppm to 20 ppm" },
  IOT_VALUE_NAMES_END
};

#define FEATURE(abbrev, name, mask, blurb) \
  { "btle.control.feature_set." abbrev, name, IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, mask, blurb, "True", "False", 8 }
#define HDR_BOOL(abbrev, name, mask, blurb, t, f) \
  { abbrev, name, IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, mask, blurb, t, f, 8 }

static IotField btle_fields[N_FIELDS] = {
  [F_PROTO] = { "btle", "Bluetooth Low Energy Link Layer", IOT_FT_PROTOCOL, .blurb =
    "The lowest layer every BLE packet has: an access address that says which link it belongs to, a header, "
    "the payload and a CRC." },
  [F_AA] = { "btle.access_address", "Access Address", IOT_FT_UINT32, IOT_BASE_HEX, NULL, 0,
    "Which link the packet belongs to: 0x8e89bed6 for advertising, a random value chosen by the central for "
    "each connection." },
  [F_MASTER] = { "btle.master_bd_addr", "Master Address", IOT_FT_ETHER, .blurb =
    "Device address of the central (the phone or gateway that opened the connection), learnt from CONNECT_IND." },
  [F_SLAVE] = { "btle.slave_bd_addr", "Slave Address", IOT_FT_ETHER, .blurb =
    "Device address of the peripheral (the sensor), learnt from CONNECT_IND." },
  [F_LENGTH] = { "btle.length", "Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Bytes of payload after the 2-byte header." },
  [F_ADV_HEADER] = { "btle.advertising_header", "Packet Header", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "The advertising PDU header: type, address kinds and payload length." },
  [F_ADV_PDU_TYPE] = { "btle.advertising_header.pdu_type", "PDU Type", IOT_FT_UINT8, IOT_BASE_HEX,
    adv_pdu_type_names, 0x0f,
    "ADV_IND: connectable advertising; ADV_NONCONN_IND: beacon; SCAN_REQ/SCAN_RSP: a scanner asks for more data; "
    "CONNECT_IND: a central opens a connection." },
  [F_ADV_RFU1] = { "btle.advertising_header.rfu.1", "Reserved", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0x10,
    "Reserved bit, 0." },
  [F_ADV_CHSEL] = HDR_BOOL ("btle.advertising_header.ch_sel", "Channel Selection Algorithm", 0x20,
    "Whether the sender supports channel selection algorithm #2 (a better pseudo-random hop sequence).",
    "#2", "#1"),
  [F_ADV_RFU2] = { "btle.advertising_header.rfu.2", "Reserved", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0x20,
    "Reserved bit in this PDU type, 0." },
  [F_ADV_TXADD] = HDR_BOOL ("btle.advertising_header.randomized_tx", "Tx Address", 0x40,
    "Whether the sender's address is random (privacy or static) rather than a public, vendor-assigned one.",
    "Random", "Public"),
  [F_ADV_RXADD] = HDR_BOOL ("btle.advertising_header.randomized_rx", "Rx Address", 0x80,
    "Whether the addressee's address is random rather than public.", "Random", "Public"),
  [F_ADV_RFU4] = { "btle.advertising_header.rfu.4", "Reserved", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0x80,
    "Reserved bit in this PDU type, 0." },
  [F_ADV_LENGTH] = { "btle.advertising_header.length", "Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Bytes of advertising payload (6-37)." },
  [F_ADV_ADDRESS] = { "btle.advertising_address", "Advertising Address", IOT_FT_ETHER, .blurb =
    "Address of the device that advertises. Random addresses that change every few minutes protect privacy." },
  [F_INIT_ADDRESS] = { "btle.initiator_address", "Initiator Address", IOT_FT_ETHER, .blurb =
    "Address of the device that opens the connection (it becomes the central)." },
  [F_TARGET_ADDRESS] = { "btle.target_address", "Target Address", IOT_FT_ETHER, .blurb =
    "The one device a directed advertisement invites to connect." },
  [F_SCAN_ADDRESS] = { "btle.scanning_address", "Scanning Address", IOT_FT_ETHER, .blurb =
    "Address of the scanner asking for the scan response." },
  [F_SCAN_RSP_DATA] = { "btle.scan_responce_data", "Scan Response Data", IOT_FT_BYTES, .blurb =
    "Extra advertising data sent only to scanners that ask (often the full name)." },
  [F_LLDATA] = { "btle.link_layer_data", "Link Layer Data", IOT_FT_NONE, .blurb =
    "The parameters of the new connection." },
  [F_LLD_AA] = { "btle.link_layer_data.access_address", "Access Address", IOT_FT_UINT32, IOT_BASE_HEX, NULL, 0,
    "Access address every packet of the new connection will carry." },
  [F_LLD_CRC_INIT] = { "btle.link_layer_data.crc_init", "CRC Init", IOT_FT_UINT24, IOT_BASE_HEX, NULL, 0,
    "Starting value of the connection's CRC; a sniffer needs it to check packets." },
  [F_LLD_WIN_SIZE] = { "btle.link_layer_data.window_size", "Window Size", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Width of the window for the first packet, in 1.25 ms units." },
  [F_LLD_WIN_OFFSET] = { "btle.link_layer_data.window_offset", "Window Offset", IOT_FT_UINT16, IOT_BASE_DEC, NULL,
    0, "Delay before that window opens, in 1.25 ms units." },
  [F_LLD_INTERVAL] = { "btle.link_layer_data.interval", "Interval", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Connection interval in 1.25 ms units: how often the two devices meet. Longer saves battery, adds latency." },
  [F_LLD_LATENCY] = { "btle.link_layer_data.latency", "Latency", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "How many connection events the peripheral may skip when it has nothing to say." },
  [F_LLD_TIMEOUT] = { "btle.link_layer_data.timeout", "Timeout", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Supervision timeout in 10 ms units: silence this long means the link is lost." },
  [F_LLD_CHANNEL_MAP] = { "btle.link_layer_data.channel_map", "Channel Map", IOT_FT_BYTES, .blurb =
    "Which of the 37 data channels the connection may hop onto (bit set = used)." },
  [F_LLD_HOP] = { "btle.link_layer_data.hop", "Hop", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0x1f,
    "Hop increment of channel selection algorithm #1." },
  [F_LLD_SCA] = { "btle.link_layer_data.sleep_clock_accuracy", "Sleep Clock Accuracy", IOT_FT_UINT8, IOT_BASE_DEC,
    sca_names, 0xe0, "How precise the central's sleep clock is; the peripheral widens its listening window for it." },
  [F_DATA_HEADER] = { "btle.data_header", "Data Header", IOT_FT_NONE, .blurb =
    "Header of a connection packet: what it carries and the acknowledgement bits." },
  [F_DH_LLID] = { "btle.data_header.llid", "LLID", IOT_FT_UINT8, IOT_BASE_HEX, llid_names, 0x03,
    "1: continuation of an L2CAP message or an empty packet; 2: start of an L2CAP message; 3: link-layer control." },
  [F_DH_NESN] = { "btle.data_header.next_expected_sequence_number", "Next Expected Sequence Number", IOT_FT_UINT8,
    IOT_BASE_DEC, NULL, 0x04,
    "Acknowledgement: the sequence number the sender expects next. Unchanged means \"please resend\"." },
  [F_DH_SN] = { "btle.data_header.sequence_number", "Sequence Number", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0x08,
    "One-bit sequence number; it flips with each new packet, stays the same on a retransmission." },
  [F_DH_MD] = HDR_BOOL ("btle.data_header.more_data", "More Data", 0x10,
    "The sender has more to send in this connection event.", "True", "False"),
  [F_DH_CTE] = HDR_BOOL ("btle.data_header.cte_info_present", "CTE Info", 0x20,
    "Whether a constant tone extension for direction finding follows.", "Present", "Not Present"),
  [F_DH_RFU] = { "btle.data_header.rfu", "RFU", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0xc0, "Reserved bits, 0." },
  [F_DH_LENGTH] = { "btle.data_header.length", "Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Bytes of payload; 0 is an empty packet that only keeps the connection alive and acknowledges." },
  [F_CTRL_OPCODE] = { "btle.control_opcode", "Control Opcode", IOT_FT_UINT8, IOT_BASE_HEX, control_opcode_names,
    0, "Which link-layer procedure this control packet belongs to." },
  [F_CTRL_UNKNOWN_TYPE] = { "btle.control.unknown_type", "Unknown Type", IOT_FT_UINT8, IOT_BASE_HEX,
    control_opcode_names, 0, "The control opcode the peer did not understand." },
  [F_CTRL_REJECT_OPCODE] = { "btle.control.reject_opcode", "Reject Opcode", IOT_FT_UINT8, IOT_BASE_HEX,
    control_opcode_names, 0, "The control procedure being rejected." },
  [F_CTRL_ERROR_CODE] = { "btle.control.error_code", "Error Code", IOT_FT_UINT8, IOT_BASE_HEX, error_code_names, 0,
    "Why the link is closed or the procedure rejected (HCI error code)." },
  [F_CTRL_VERSION] = { "btle.control.version_number", "Version Number", IOT_FT_UINT8, IOT_BASE_HEX,
    version_names, 0, "Bluetooth Core Specification version the controller implements." },
  [F_CTRL_COMPANY] = { "btle.control.company_id", "Company Id", IOT_FT_UINT16, IOT_BASE_HEX, bt_company_names, 0,
    "Who made the Bluetooth controller chip." },
  [F_CTRL_SUBVERSION] = { "btle.control.subversion_number", "Subversion Number", IOT_FT_UINT16, IOT_BASE_HEX, NULL,
    0, "The chip maker's own firmware version number." },
  [F_CTRL_FEATURES] = { "btle.control.feature_set", "Feature Set", IOT_FT_UINT64, IOT_BASE_HEX, NULL, 0,
    "Link-layer features the sender supports; both sides then use only what they share." },
  [F_FEAT_ENC] = FEATURE ("le_encryption", "LE Encryption", 0x01, "Can encrypt the link."),
  [F_FEAT_CONN_PARAM] = FEATURE ("connection_parameters_request_procedure",
    "Connection Parameters Request Procedure", 0x02, "Can negotiate new connection parameters."),
  [F_FEAT_EXT_REJECT] = FEATURE ("extended_reject_indication", "Extended Reject Indication", 0x04,
    "Can say which procedure it rejects."),
  [F_FEAT_SLAVE_FEAT] = FEATURE ("slave_initiated_features_exchange", "Slave Initiated Features Exchange", 0x08,
    "The peripheral may start the feature exchange."),
  [F_FEAT_PING] = FEATURE ("le_ping", "LE Ping", 0x10, "Can check that an encrypted link is still alive."),
  [F_FEAT_PKT_LEN] = FEATURE ("le_pkt_len_ext", "LE Data Packet Length Extension", 0x20,
    "Can send packets of up to 251 bytes instead of 27."),
  [F_FEAT_PRIVACY] = FEATURE ("le_privacy", "LL Privacy", 0x40, "Resolves private addresses in the controller."),
  [F_FEAT_EXT_SCAN] = FEATURE ("ext_scan_flt_pol", "Extended Scanner Filter Policies", 0x80,
    "Supports extended scanner filter policies."),
  [F_FEAT_2M] = FEATURE ("le_2m_phy", "LE 2M PHY", 0x01, "Can use the 2 Mbit/s radio mode."),
  [F_FEAT_MOD_TX] = FEATURE ("st_mod_idx_tx", "Stable Modulation Index - Transmitter", 0x02,
    "Transmits with a stable modulation index."),
  [F_FEAT_MOD_RX] = FEATURE ("st_mod_idx_rx", "Stable Modulation Index - Receiver", 0x04,
    "Receives a stable modulation index."),
  [F_FEAT_CODED] = FEATURE ("le_coded_phy", "LE Coded PHY", 0x08, "Can use the long-range coded radio mode."),
  [F_FEAT_EXT_ADV] = FEATURE ("le_extended_adv", "LE Extended Advertising", 0x10,
    "Supports extended advertising (bigger advertising payloads)."),
  [F_FEAT_PER_ADV] = FEATURE ("periodic_adv", "LE Periodic Advertising", 0x20, "Supports periodic advertising."),
  [F_FEAT_CHSEL2] = FEATURE ("ch_sel_2", "Channel Selection Algorithm #2", 0x40,
    "Supports the second channel-hopping algorithm."),
  [F_FEAT_POWER1] = FEATURE ("le_power_class_1", "LE Power Class 1", 0x80, "Can transmit at up to 100 mW."),
  [F_FEAT_MIN_CH] = FEATURE ("min_num_used_ch_proc", "Minimum Number of Used Channels Procedure", 0x01,
    "Can ask for a minimum number of channels."),
  [F_FEAT_RESERVED_BITS] = { "btle.control.feature_set.reserved_bits", "Reserved", IOT_FT_UINT8, IOT_BASE_DEC,
    NULL, 0xfe, "Feature bits this decoder does not name." },
  [F_FEAT_RESERVED] = { "btle.control.feature_set.reserved", "Reserved", IOT_FT_BYTES, .blurb =
    "Feature bytes this decoder does not name." },
  [F_CTRL_WIN_SIZE] = { "btle.control.window_size", "Window Size", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Width of the transmit window after the update, in 1.25 ms units." },
  [F_CTRL_WIN_OFFSET] = { "btle.control.window_offset", "Window Offset", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Offset of that window, in 1.25 ms units." },
  [F_CTRL_INTERVAL] = { "btle.control.interval", "Interval", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "New connection interval, in 1.25 ms units." },
  [F_CTRL_LATENCY] = { "btle.control.latency", "Latency", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "New number of events the peripheral may skip." },
  [F_CTRL_TIMEOUT] = { "btle.control.timeout", "Timeout", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "New supervision timeout, in 10 ms units." },
  [F_CTRL_INSTANT] = { "btle.control.instant", "Instant", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Connection event counter at which the change takes effect." },
  [F_CTRL_CHANNEL_MAP] = { "btle.control.channel_map", "Channel Map", IOT_FT_BYTES, .blurb =
    "New set of data channels (e.g. to avoid a busy Wi-Fi channel)." },
  [F_CTRL_RANDOM] = { "btle.control.random_number", "Random Number", IOT_FT_UINT64, IOT_BASE_HEX, NULL, 0,
    "Rand value identifying a long-term key from legacy pairing." },
  [F_CTRL_EDIV] = { "btle.control.encrypted_diversifier", "Encrypted Diversifier", IOT_FT_UINT16, IOT_BASE_HEX,
    NULL, 0, "EDIV value identifying a long-term key from legacy pairing." },
  [F_CTRL_SKDM] = { "btle.control.master_session_key_diversifier", "Master Session Key Diversifier",
    IOT_FT_UINT64, IOT_BASE_HEX, NULL, 0, "The central's half of the session key input." },
  [F_CTRL_IVM] = { "btle.control.master_session_initialization_vector", "Master Session Initialization Vector",
    IOT_FT_UINT32, IOT_BASE_HEX, NULL, 0, "The central's half of the encryption IV." },
  [F_CTRL_SKDS] = { "btle.control.slave_session_key_diversifier", "Slave Session Key Diversifier",
    IOT_FT_UINT64, IOT_BASE_HEX, NULL, 0, "The peripheral's half of the session key input." },
  [F_CTRL_IVS] = { "btle.control.slave_session_initialization_vector", "Slave Session Initialization Vector",
    IOT_FT_UINT64, IOT_BASE_HEX, NULL, 0, "The peripheral's half of the encryption IV." },
  [F_CTRL_MAX_RX_OCTETS] = { "btle.control.max_rx_octets", "Max RX octets", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Largest payload the sender can receive." },
  [F_CTRL_MAX_RX_TIME] = { "btle.control.max_rx_time", "Max RX time", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Longest packet, in microseconds, the sender can receive." },
  [F_CTRL_MAX_TX_OCTETS] = { "btle.control.max_tx_octets", "Max TX octets", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Largest payload the sender will send." },
  [F_CTRL_MAX_TX_TIME] = { "btle.control.max_tx_time", "Max TX time", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Longest packet, in microseconds, the sender will send." },
  [F_L2CAP_INDEX] = { "btle.l2cap_index", "L2CAP Index", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Number of the L2CAP message within the connection, counting from 0." },
  [F_CONN_PARAMS_IN] = { "btle.connection_parameters_in", "Connection Parameters in", IOT_FT_FRAMENUM,
    IOT_BASE_NONE, NULL, 0, "The frame with the CONNECT_IND that set up this connection." },
  [F_CRC] = { "btle.crc", "CRC", IOT_FT_UINT24, IOT_BASE_HEX, NULL, 0,
    "24-bit checksum over header and payload; a mismatch means the radio garbled the packet." },
};

/* ---- per-capture state: connections seen in CONNECT_IND ------------------- */

typedef struct {
  guint8  central[6];
  guint8  peripheral[6];
  guint32 connect_frame;
  guint32 l2cap_messages;
} BtleConnection;

typedef struct {
  GHashTable *connections;    /* access address → BtleConnection */
  GHashTable *l2cap_index;    /* frame number → L2CAP index + 1 */
} BtleState;

static gpointer
btle_state_new (void)
{
  BtleState *state = g_new0 (BtleState, 1);
  state->connections = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  state->l2cap_index = g_hash_table_new (g_direct_hash, g_direct_equal);
  return state;
}

static void
btle_state_free (gpointer data)
{
  BtleState *state = data;
  g_hash_table_destroy (state->connections);
  g_hash_table_destroy (state->l2cap_index);
  g_free (state);
}

/* ---- helpers ---------------------------------------------------------------- */

static void
read_address (const IotBuf *buf, guint off, guint8 out[6])
{
  for (guint i = 0; i < 6; i++)
    out[i] = iot_buf_u8 (buf, off + 5 - i);
}

/* BLE addresses travel least significant byte first. */
static void
add_address (IotPacket *pkt, int tree, int field, const IotBuf *buf, guint off, guint8 out[6])
{
  read_address (buf, off, out);
  iot_tree_add_ether (pkt, tree, &btle_fields[field], buf, off, out);
}

static void
set_columns_address (IotPacket *pkt, const guint8 src[6], const guint8 *dst)
{
  static const guint8 broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
  IotAddress a = { 0 };

  memcpy (a.bytes, src, 6);
  iot_packet_set_net_src (pkt, &a);
  memcpy (a.bytes, dst ? dst : broadcast, 6);
  iot_packet_set_net_dst (pkt, &a);
}

static void
add_uint_le (IotPacket *pkt, int tree, int field, const IotBuf *buf, guint off, guint len)
{
  iot_tree_add_item (pkt, tree, &btle_fields[field], buf, off, len, TRUE);
}

/* ---- advertising channel ------------------------------------------------------ */

static void
dissect_ad_data (IotPacket *pkt, const IotBuf *buf, guint off, guint len, int tree)
{
  IotBuf ad;

  if (len == 0)
    return;
  ad = iot_buf_sub (buf, off, len);
  iot_call_dissector (pkt, &iot_dissector_btcommon, &ad, tree);
}

static void
add_channel_map (IotPacket *pkt, int tree, int field, const IotBuf *buf, guint off)
{
  int node = iot_tree_add_item (pkt, tree, &btle_fields[field], buf, off, 5, FALSE);
  IotBuf map = iot_buf_sub (buf, off, 5);

  iot_packet_set_layer_value (pkt, &iot_dissector_btcommon, 1);
  iot_call_dissector (pkt, &iot_dissector_btcommon, &map, node);
}

static void
dissect_connect_ind (IotPacket *pkt, const IotBuf *buf, guint off, int tree,
                     const guint8 initiator[6], const guint8 advertiser[6])
{
  int lld = iot_tree_add_item (pkt, tree, &btle_fields[F_LLDATA], buf, off, 22, TRUE);
  BtleState *state = iot_packet_state (pkt, &iot_dissector_btle);
  guint32 aa = iot_buf_u32le (buf, off);

  add_uint_le (pkt, lld, F_LLD_AA, buf, off, 4);
  add_uint_le (pkt, lld, F_LLD_CRC_INIT, buf, off + 4, 3);
  add_uint_le (pkt, lld, F_LLD_WIN_SIZE, buf, off + 7, 1);
  add_uint_le (pkt, lld, F_LLD_WIN_OFFSET, buf, off + 8, 2);
  add_uint_le (pkt, lld, F_LLD_INTERVAL, buf, off + 10, 2);
  add_uint_le (pkt, lld, F_LLD_LATENCY, buf, off + 12, 2);
  add_uint_le (pkt, lld, F_LLD_TIMEOUT, buf, off + 14, 2);
  add_channel_map (pkt, lld, F_LLD_CHANNEL_MAP, buf, off + 16);
  add_uint_le (pkt, lld, F_LLD_HOP, buf, off + 21, 1);
  add_uint_le (pkt, lld, F_LLD_SCA, buf, off + 21, 1);

  if (iot_packet_first_pass (pkt) && !iot_packet_in_error (pkt))
    {
      BtleConnection *conn = g_new0 (BtleConnection, 1);
      memcpy (conn->central, initiator, 6);
      memcpy (conn->peripheral, advertiser, 6);
      conn->connect_frame = iot_packet_frame_number (pkt);
      g_hash_table_replace (state->connections, GUINT_TO_POINTER (aa), conn);
    }
}

/* Whether a radio header says the packet came on advertising channel 37,
 * 38 or 39 (RF channels 0, 12 and 39). */
static gboolean
on_primary_channel (IotPacket *pkt)
{
  guint64 rf = iot_packet_layer_value (pkt, &iot_dissector_btle_rf);
  guint channel = rf & 0xff;

  return (rf >> 32) != 0 && (channel == 0 || channel == 12 || channel == 39);
}

static void
dissect_advertising (IotPacket *pkt, IotBuf *buf, int tree)
{
  guint header = iot_buf_u8 (buf, 4), length = iot_buf_u8 (buf, 5);
  guint type = header & 0x0f;
  /* On a secondary channel types 1 and 5 are AUX PDUs without the ChSel
   * bit, so it is only named where the radio header says "primary". */
  gboolean uses_chsel = type == ADV_IND
                        || ((type == ADV_DIRECT_IND || type == CONNECT_IND) && on_primary_channel (pkt));
  gboolean uses_rxadd = type == ADV_DIRECT_IND || type == SCAN_REQ || type == CONNECT_IND;
  guint8 a[6], b[6];
  int node;
  const char *name = iot_value_name (adv_pdu_type_names, type);

  node = iot_tree_add_item (pkt, tree, &btle_fields[F_ADV_HEADER], buf, 4, 2, TRUE);
  iot_tree_set_label (pkt, node, "Packet Header: 0x%04x (PDU Type: %s)", iot_buf_u16le (buf, 4),
                      name ? name : "Unknown");
  iot_tree_add_item (pkt, node, &btle_fields[F_ADV_PDU_TYPE], buf, 4, 1, TRUE);
  iot_tree_add_item (pkt, node, &btle_fields[F_ADV_RFU1], buf, 4, 1, TRUE);
  iot_tree_add_item (pkt, node, &btle_fields[uses_chsel ? F_ADV_CHSEL : F_ADV_RFU2], buf, 4, 1, TRUE);
  iot_tree_add_item (pkt, node, &btle_fields[F_ADV_TXADD], buf, 4, 1, TRUE);
  iot_tree_add_item (pkt, node, &btle_fields[uses_rxadd ? F_ADV_RXADD : F_ADV_RFU4], buf, 4, 1, TRUE);
  iot_tree_add_item (pkt, node, &btle_fields[F_ADV_LENGTH], buf, 5, 1, TRUE);
  node = iot_tree_add_item (pkt, node, &btle_fields[F_LENGTH], buf, 5, 1, TRUE);
  iot_tree_set_hidden (pkt, node);

  iot_col_set_info (pkt, name ? name : "Unknown");
  switch (type)
    {
    case ADV_IND:
    case ADV_NONCONN_IND:
    case ADV_SCAN_IND:
    case SCAN_RSP:
      add_address (pkt, tree, F_ADV_ADDRESS, buf, 6, a);
      set_columns_address (pkt, a, NULL);
      if (type == SCAN_RSP && length > 6)
        iot_tree_add_item (pkt, tree, &btle_fields[F_SCAN_RSP_DATA], buf, 12, length - 6, FALSE);
      if (length > 6)
        dissect_ad_data (pkt, buf, 12, length - 6, tree);
      break;
    case ADV_DIRECT_IND:
      add_address (pkt, tree, F_ADV_ADDRESS, buf, 6, a);
      add_address (pkt, tree, F_TARGET_ADDRESS, buf, 12, b);
      set_columns_address (pkt, a, b);
      break;
    case SCAN_REQ:
      add_address (pkt, tree, F_SCAN_ADDRESS, buf, 6, a);
      add_address (pkt, tree, F_ADV_ADDRESS, buf, 12, b);
      set_columns_address (pkt, a, b);
      break;
    case CONNECT_IND:
      add_address (pkt, tree, F_INIT_ADDRESS, buf, 6, a);
      add_address (pkt, tree, F_ADV_ADDRESS, buf, 12, b);
      set_columns_address (pkt, a, b);
      dissect_connect_ind (pkt, buf, 18, tree, a, b);
      break;
    default:
      iot_expert_add (pkt, tree, IOT_SEV_NOTE, IOT_GROUP_UNDECODED,
                      "Advertising PDU type %u is not decoded", type);
      break;
    }
}

/* ---- data channel ----------------------------------------------------------------- */

static void
dissect_features (IotPacket *pkt, const IotBuf *buf, guint off, int tree)
{
  int node = iot_tree_add_item (pkt, tree, &btle_fields[F_CTRL_FEATURES], buf, off, 8, TRUE);

  for (int f = F_FEAT_ENC; f <= F_FEAT_EXT_SCAN; f++)
    iot_tree_add_item (pkt, node, &btle_fields[f], buf, off, 1, TRUE);
  for (int f = F_FEAT_2M; f <= F_FEAT_POWER1; f++)
    iot_tree_add_item (pkt, node, &btle_fields[f], buf, off + 1, 1, TRUE);
  iot_tree_add_item (pkt, node, &btle_fields[F_FEAT_MIN_CH], buf, off + 2, 1, TRUE);
  iot_tree_add_item (pkt, node, &btle_fields[F_FEAT_RESERVED_BITS], buf, off + 2, 1, TRUE);
  iot_tree_add_item (pkt, node, &btle_fields[F_FEAT_RESERVED], buf, off + 3, 5, FALSE);
}

static void
dissect_control (IotPacket *pkt, const IotBuf *buf, guint off, int tree)
{
  guint opcode = iot_buf_u8 (buf, off);
  const char *name = iot_value_name (control_opcode_names, opcode);

  iot_tree_add_item (pkt, tree, &btle_fields[F_CTRL_OPCODE], buf, off, 1, TRUE);
  if (name)
    iot_col_printf_info (pkt, "Control Opcode: %s", name);
  else
    iot_col_printf_info (pkt, "Control Opcode: Unknown 0x%02x", opcode);
  off++;
  switch (opcode)
    {
    case 0x00:   /* LL_CONNECTION_UPDATE_IND */
      add_uint_le (pkt, tree, F_CTRL_WIN_SIZE, buf, off, 1);
      add_uint_le (pkt, tree, F_CTRL_WIN_OFFSET, buf, off + 1, 2);
      add_uint_le (pkt, tree, F_CTRL_INTERVAL, buf, off + 3, 2);
      add_uint_le (pkt, tree, F_CTRL_LATENCY, buf, off + 5, 2);
      add_uint_le (pkt, tree, F_CTRL_TIMEOUT, buf, off + 7, 2);
      add_uint_le (pkt, tree, F_CTRL_INSTANT, buf, off + 9, 2);
      break;
    case 0x01:   /* LL_CHANNEL_MAP_IND */
      add_channel_map (pkt, tree, F_CTRL_CHANNEL_MAP, buf, off);
      add_uint_le (pkt, tree, F_CTRL_INSTANT, buf, off + 5, 2);
      break;
    case 0x02:   /* LL_TERMINATE_IND */
    case 0x0d:   /* LL_REJECT_IND */
      add_uint_le (pkt, tree, F_CTRL_ERROR_CODE, buf, off, 1);
      break;
    case 0x03:   /* LL_ENC_REQ */
      add_uint_le (pkt, tree, F_CTRL_RANDOM, buf, off, 8);
      add_uint_le (pkt, tree, F_CTRL_EDIV, buf, off + 8, 2);
      add_uint_le (pkt, tree, F_CTRL_SKDM, buf, off + 10, 8);
      add_uint_le (pkt, tree, F_CTRL_IVM, buf, off + 18, 4);
      break;
    case 0x04:   /* LL_ENC_RSP */
      add_uint_le (pkt, tree, F_CTRL_SKDS, buf, off, 8);
      add_uint_le (pkt, tree, F_CTRL_IVS, buf, off + 8, 4);
      break;
    case 0x07:   /* LL_UNKNOWN_RSP */
      add_uint_le (pkt, tree, F_CTRL_UNKNOWN_TYPE, buf, off, 1);
      break;
    case 0x08:   /* LL_FEATURE_REQ */
    case 0x09:   /* LL_FEATURE_RSP */
    case 0x0e:   /* LL_SLAVE_FEATURE_REQ */
      dissect_features (pkt, buf, off, tree);
      break;
    case 0x0c:   /* LL_VERSION_IND */
      add_uint_le (pkt, tree, F_CTRL_VERSION, buf, off, 1);
      add_uint_le (pkt, tree, F_CTRL_COMPANY, buf, off + 1, 2);
      add_uint_le (pkt, tree, F_CTRL_SUBVERSION, buf, off + 3, 2);
      break;
    case 0x11:   /* LL_REJECT_EXT_IND */
      add_uint_le (pkt, tree, F_CTRL_REJECT_OPCODE, buf, off, 1);
      add_uint_le (pkt, tree, F_CTRL_ERROR_CODE, buf, off + 1, 1);
      break;
    case 0x14:   /* LL_LENGTH_REQ */
    case 0x15:   /* LL_LENGTH_RSP */
      add_uint_le (pkt, tree, F_CTRL_MAX_RX_OCTETS, buf, off, 2);
      add_uint_le (pkt, tree, F_CTRL_MAX_RX_TIME, buf, off + 2, 2);
      add_uint_le (pkt, tree, F_CTRL_MAX_TX_OCTETS, buf, off + 4, 2);
      add_uint_le (pkt, tree, F_CTRL_MAX_TX_TIME, buf, off + 6, 2);
      break;
    default:
      break;
    }
}

static void
set_columns_link (IotPacket *pkt, guint32 aa)
{
  /* Without a direction from the sniffer, both ends are only known by
   * the connection's access address. */
  IotAddress a = { .family = IOT_ADDRESS_BLE_ACCESS };

  a.bytes[0] = aa >> 24;
  a.bytes[1] = aa >> 16;
  a.bytes[2] = aa >> 8;
  a.bytes[3] = aa;
  iot_packet_set_net_src (pkt, &a);
  iot_packet_set_net_dst (pkt, &a);
}

static guint32
l2cap_index (IotPacket *pkt, BtleState *state, BtleConnection *conn)
{
  guint32 number = iot_packet_frame_number (pkt);

  if (iot_packet_first_pass (pkt) && conn)
    g_hash_table_insert (state->l2cap_index, GUINT_TO_POINTER (number),
                         GUINT_TO_POINTER (++conn->l2cap_messages));
  return GPOINTER_TO_UINT (g_hash_table_lookup (state->l2cap_index, GUINT_TO_POINTER (number)));
}

static void
dissect_data (IotPacket *pkt, IotBuf *buf, int tree, guint32 aa)
{
  BtleState *state = iot_packet_state (pkt, &iot_dissector_btle);
  BtleConnection *conn = g_hash_table_lookup (state->connections, GUINT_TO_POINTER (aa));
  guint header = iot_buf_u8 (buf, 4), length = iot_buf_u8 (buf, 5);
  guint llid = header & 0x03;
  int node;

  if (conn)
    {
      node = iot_tree_add_ether (pkt, tree, &btle_fields[F_MASTER], NULL, 0, conn->central);
      iot_tree_set_generated (pkt, node);
      node = iot_tree_add_ether (pkt, tree, &btle_fields[F_SLAVE], NULL, 0, conn->peripheral);
      iot_tree_set_generated (pkt, node);
    }
  set_columns_link (pkt, aa);

  node = iot_tree_add_item (pkt, tree, &btle_fields[F_DATA_HEADER], buf, 4, 2, TRUE);
  for (int f = F_DH_LLID; f <= F_DH_RFU; f++)
    iot_tree_add_item (pkt, node, &btle_fields[f], buf, 4, 1, TRUE);
  iot_tree_add_item (pkt, node, &btle_fields[F_DH_LENGTH], buf, 5, 1, TRUE);
  node = iot_tree_add_item (pkt, node, &btle_fields[F_LENGTH], buf, 5, 1, TRUE);
  iot_tree_set_hidden (pkt, node);

  if (llid == 3)
    dissect_control (pkt, buf, 6, tree);
  else if (llid == 1 && length == 0)
    iot_col_set_info (pkt, "Empty PDU");
  else if (llid == 2)
    {
      guint32 index = l2cap_index (pkt, state, conn);
      IotBuf l2cap = iot_buf_sub (buf, 6, length);

      if (index)
        {
          node = iot_tree_add_uint (pkt, tree, &btle_fields[F_L2CAP_INDEX], NULL, 0, 0, index - 1);
          iot_tree_set_generated (pkt, node);
        }
      if (conn)
        {
          node = iot_tree_add_uint (pkt, tree, &btle_fields[F_CONN_PARAMS_IN], NULL, 0, 0, conn->connect_frame);
          iot_tree_set_generated (pkt, node);
        }
      iot_call_dissector (pkt, &iot_dissector_btl2cap, &l2cap, -1);
      return;
    }
  else
    iot_col_set_info (pkt, "L2CAP Fragment");
  if (conn)
    {
      node = iot_tree_add_uint (pkt, tree, &btle_fields[F_CONN_PARAMS_IN], NULL, 0, 0, conn->connect_frame);
      iot_tree_set_generated (pkt, node);
    }
}

/* The CRC goes on air most significant bit first while everything else is
 * sent least significant bit first; shown as the transmitted bit order. */
static void
add_crc (IotPacket *pkt, int tree, const IotBuf *buf, guint off)
{
  guint32 wire = iot_buf_u24le (buf, off), crc = 0;

  for (guint i = 0; i < 24; i++)
    if (wire & (1u << i))
      crc |= 1u << (23 - i);
  iot_tree_add_uint (pkt, tree, &btle_fields[F_CRC], buf, off, 3, crc);
}

static int
dissect_btle (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint32 aa = iot_buf_u32le (buf, 0);
  guint length;
  int tree;

  iot_col_set_protocol (pkt, "LE LL");
  tree = iot_tree_add_protocol (pkt, parent, &btle_fields[F_PROTO], buf, 0, -1);
  iot_tree_add_item (pkt, tree, &btle_fields[F_AA], buf, 0, 4, TRUE);
  length = iot_buf_u8 (buf, 5);
  if (aa == ADVERTISING_AA)
    dissect_advertising (pkt, buf, tree);
  else
    dissect_data (pkt, buf, tree, aa);
  /* The L2CAP layer above may have renamed the Protocol column; the CRC
   * still belongs to this layer. */
  add_crc (pkt, tree, buf, 6 + length);
  return buf->length;
}

IotDissector iot_dissector_btle = {
  .name = "LE LL",
  .abbrev = "btle",
  .long_name = "Bluetooth Low Energy Link Layer",
  .fields = btle_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_btle,
  .state_new = btle_state_new,
  .state_free = btle_state_free,
};
