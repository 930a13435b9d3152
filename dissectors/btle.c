/* btle.c — the Bluetooth Low Energy link layer: advertising PDUs (who is
 * around, who scans, who connects) and data-channel PDUs of a connection
 * (link-layer control procedures and L2CAP fragments). */
#include "iot-dissector.h"
#include "bt-names.h"
#include "bt-radio.h"

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
  F_ADV_RFU3,
  F_EXT_HEADER,
  F_EXT_LENGTH,
  F_EXT_MODE,
  F_EXT_FLAGS,
  F_EXT_FLAG_ADVA,
  F_EXT_FLAG_TARGETA,
  F_EXT_FLAG_CTE,
  F_EXT_FLAG_ADI,
  F_EXT_FLAG_AUXPTR,
  F_EXT_FLAG_SYNC,
  F_EXT_FLAG_TXPOWER,
  F_EXT_FLAG_RESERVED,
  F_CTE_INFO,
  F_CTE_TIME,
  F_CTE_RFU,
  F_CTE_TYPE,
  F_ADI,
  F_ADI_DID,
  F_ADI_SID,
  F_AUXPTR,
  F_AUXPTR_CHANNEL,
  F_AUXPTR_CA,
  F_AUXPTR_UNITS,
  F_AUXPTR_OFFSET,
  F_AUXPTR_PHY,
  F_SYNC,
  F_SYNC_OFFSET,
  F_SYNC_UNITS,
  F_SYNC_ADJUST,
  F_SYNC_INTERVAL,
  F_SYNC_CHANNEL_MAP,
  F_SYNC_SCA,
  F_SYNC_AA,
  F_SYNC_CRC_INIT,
  F_SYNC_EVENT,
  F_TX_POWER,
  F_ACAD,
  F_HAD_FRAGMENT,
  F_HAD_FRAGMENTS,
  F_HAD_PIECE,
  F_HAD_COUNT,
  F_HAD_LENGTH,
  F_CODING_INDICATOR,
  F_L2CAP_DATA,
  N_FIELDS
};

/* Extended header flags (Core Specification Vol 6 Part B 2.3.4.1). */
enum {
  EXT_ADVA = 0x01,
  EXT_TARGETA = 0x02,
  EXT_CTE_INFO = 0x04,
  EXT_ADI = 0x08,
  EXT_AUX_PTR = 0x10,
  EXT_SYNC_INFO = 0x20,
  EXT_TX_POWER = 0x40,
};

enum {
  ADV_IND, ADV_DIRECT_IND, ADV_NONCONN_IND, SCAN_REQ, SCAN_RSP, CONNECT_IND, ADV_SCAN_IND, ADV_EXT_IND,
  AUX_CONNECT_RSP,
};

/* The auxiliary PDU a sniffer names with aux_type (bt-radio.h). */
enum {
  AUX_ADV_IND, AUX_CHAIN_IND, AUX_SYNC_IND, AUX_SCAN_RSP,
};

#define ADVERTISING_AA 0x8e89bed6u
/* Chain key of extended advertising PDUs without an ADI (ADIs are 16 bits). */
#define NO_ADI 0x10000u

extern IotDissector iot_dissector_btle;
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

static const IotValueName adv_mode_names[] = {
  { 0, "Non-connectable Non-scannable" },
  { 1, "Connectable Non-scannable" },
  { 2, "Non-connectable Scannable" },
  { 3, "Reserved for future use" },
  IOT_VALUE_NAMES_END
};

static const IotValueName cte_type_names[] = {
  { 0, "AoA Constant Tone Extension" },
  { 1, "AoD Constant Tone Extension with 1 usec slots" },
  { 2, "AoD Constant Tone Extension with 2 usec slots" },
  IOT_VALUE_NAMES_END
};

static const IotValueName aux_phy_names[] = {
  { 0, "LE 1M" }, { 1, "LE 2M" }, { 2, "LE Coded" },
  IOT_VALUE_NAMES_END
};

static const char *const aux_pdu_names[] = { "AUX_ADV_IND", "AUX_CHAIN_IND", "AUX_SYNC_IND", "AUX_SCAN_RSP" };

#define FEATURE(abbrev, name, mask, blurb) \
  { "btle.control.feature_set." abbrev, name, IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, mask, blurb, "True", "False", 8 }
#define HDR_BOOL(abbrev, name, mask, blurb, t, f) \
  { abbrev, name, IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, mask, blurb, t, f, 8 }

static const IotValueName coding_indicator_names[] = {
  { 0, "FEC Block 2 coded using S=8" },
  { 1, "FEC Block 2 coded using S=2" },
  IOT_VALUE_NAMES_END
};

enum {
  E_PDU_UNDECODED,
  E_MISSING_START,
  E_CRC,
  N_EXPERTS
};

static IotExpertInfo btle_experts[N_EXPERTS] = {
  [E_PDU_UNDECODED] = IOT_EXPERT_INFO ("btle.advertising_pdu.undecoded", IOT_SEV_NOTE, IOT_GROUP_UNDECODED, "Advertising PDU type not decoded",
                              "An advertising PDU type this decoder does not know."),
  [E_MISSING_START] = IOT_EXPERT_INFO ("btle.missing_fragment_start", IOT_SEV_WARN, IOT_GROUP_SEQUENCE, "Missing Fragment Start",
                              "An L2CAP continuation fragment whose start fragment is not in the capture."),
  [E_CRC] = IOT_EXPERT_INFO ("btle.crc.incorrect", IOT_SEV_WARN, IOT_GROUP_CHECKSUM, "Incorrect CRC",
                              "The link-layer CRC computed over the packet differs from the one received: it was damaged on the air."),
};

static IotField btle_fields[N_FIELDS] = {
  [F_PROTO] = { "btle", "Bluetooth Low Energy Link Layer", IOT_FT_PROTOCOL, .blurb =
    "The lowest layer every BLE packet has: an access address that says which link it belongs to, a header, "
    "the payload and a CRC." },
  [F_L2CAP_DATA] = { "btle.l2cap_data", "L2CAP Fragment", IOT_FT_NONE, .blurb =
    "The rest of an L2CAP message too long for the packet before (LLID 1 with data)." },
  [F_CODING_INDICATOR] = { "btle.coding_indicator", "Coding Indicator", IOT_FT_UINT8, IOT_BASE_DEC,
    coding_indicator_names, 0x03, "On LE Coded (long range): whether the rest of the packet repeats each bit "
    "8 times (S=8, the longest range) or twice (S=2)." },
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
  [F_ADV_RFU3] = { "btle.advertising_header.rfu.3", "Reserved", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0x40,
    "Reserved bit here: this extended advertising PDU carries no advertiser address." },
  [F_EXT_HEADER] = { "btle.extended_advertising_header", "Extended Advertising Header", IOT_FT_NONE, .blurb =
    "Bluetooth 5 extended advertising: a flags byte says which optional fields follow (addresses, set id, "
    "pointer to an auxiliary packet, periodic-advertising sync, TX power)." },
  [F_EXT_LENGTH] = { "btle.extended_advertising_header.length", "Extended Header Length", IOT_FT_UINT8,
    IOT_BASE_DEC, NULL, 0x3f, "Bytes of extended header after this byte." },
  [F_EXT_MODE] = { "btle.extended_advertising_header.mode", "Advertising Mode", IOT_FT_UINT8, IOT_BASE_HEX,
    adv_mode_names, 0xc0, "Whether a scanner may connect to or scan this advertiser." },
  [F_EXT_FLAGS] = { "btle.extended_advertising_header.flags", "Extended Header Flags", IOT_FT_UINT8,
    IOT_BASE_HEX, NULL, 0, "Which optional fields follow, in this order." },
  [F_EXT_FLAG_ADVA] = HDR_BOOL ("btle.extended_advertising_header.flags.advertiser_address", "Advertiser Address",
    EXT_ADVA, "The advertiser's address follows (absent: an anonymous advertisement).", "Present", "Not Present"),
  [F_EXT_FLAG_TARGETA] = HDR_BOOL ("btle.extended_advertising_header.flags.target_address", "Target Address",
    EXT_TARGETA, "The address of the one device addressed follows.", "Present", "Not Present"),
  [F_EXT_FLAG_CTE] = HDR_BOOL ("btle.extended_advertising_header.flags.cte_info", "CTE Info", EXT_CTE_INFO,
    "A constant tone extension for direction finding follows the packet.", "Present", "Not Present"),
  [F_EXT_FLAG_ADI] = HDR_BOOL ("btle.extended_advertising_header.advertiser_data_info", "Advertiser Data Info",
    EXT_ADI, "The advertising set id and data id follow.", "Present", "Not Present"),
  [F_EXT_FLAG_AUXPTR] = HDR_BOOL ("btle.extended_advertising_header.flags.aux_pointer", "Aux pointer",
    EXT_AUX_PTR, "Where and when the auxiliary packet with more data will be sent.", "Present", "Not Present"),
  [F_EXT_FLAG_SYNC] = HDR_BOOL ("btle.extended_advertising_header.flags.sync_info", "Sync Info", EXT_SYNC_INFO,
    "How to follow this advertiser's periodic advertising train.", "Present", "Not Present"),
  [F_EXT_FLAG_TXPOWER] = HDR_BOOL ("btle.extended_advertising_header.flags.tx_power", "TX Power", EXT_TX_POWER,
    "The transmit power follows: with the RSSI it gives the path loss (distance).", "Present", "Not Present"),
  [F_EXT_FLAG_RESERVED] = HDR_BOOL ("btle.extended_advertising_header.flags.reserved", "Reserved", 0x80,
    "Reserved for future use.", "Present", "Not Present"),
  [F_CTE_INFO] = { "btle.extended_advertising_header.cte_info", "CTE Info", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "Length and kind of the constant tone extension." },
  [F_CTE_TIME] = { "btle.extended_advertising_header.cte_info.time", "CTE Time", IOT_FT_UINT8, IOT_BASE_HEX,
    NULL, 0x1f, "Length of the tone in units of 8 microseconds." },
  [F_CTE_RFU] = { "btle.extended_advertising_header.cte_info.rfu", "RFU", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0x20,
    "Reserved bit." },
  [F_CTE_TYPE] = { "btle.extended_advertising_header.cte_info.type", "CTE Type", IOT_FT_UINT8, IOT_BASE_HEX,
    cte_type_names, 0xc0, "Angle of arrival or angle of departure, and the switching slot length." },
  [F_ADI] = { "btle.extended_advertising.advertising_data_info", "Advertiser Data Info", IOT_FT_UINT16,
    IOT_BASE_HEX, NULL, 0, "Which advertising set (SID) and which version of its data (DID) this is: "
    "scanners skip data they already have." },
  [F_ADI_DID] = { "btle.extended_advertising.advertising_data_info.did", "Advertiser Data Identifier",
    IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0x0fff, "Changes whenever the advertiser changes its data." },
  [F_ADI_SID] = { "btle.extended_advertising.advertising_data_info.sid", "Advertiser Set Identifier",
    IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0xf000, "One device can run several advertising sets at once." },
  [F_AUXPTR] = { "btle.extended_advertising.aux_pointer", "Advertiser Aux Pointer", IOT_FT_NONE, .blurb =
    "Where (channel, PHY) and when (offset) the auxiliary packet follows on a secondary channel." },
  [F_AUXPTR_CHANNEL] = { "btle.extended_advertising_header.aux_pointer.channel", "Channel Index", IOT_FT_UINT8,
    IOT_BASE_DEC, NULL, 0x3f, "The secondary channel (0-36) of the auxiliary packet." },
  [F_AUXPTR_CA] = HDR_BOOL ("btle.extended_advertising_header.aux_pointer.ca", "Clock Accuracy", 0x40,
    "How precise the advertiser's sleep clock is.", "0 ppm to 50 ppm", "51 ppm to 500 ppm"),
  [F_AUXPTR_UNITS] = HDR_BOOL ("btle.extended_advertising_header.aux_pointer.offset_units", "Offset units", 0x80,
    "Unit of the aux offset.", "300 usec", "30 usec"),
  [F_AUXPTR_OFFSET] = { "btle.extended_advertising_header.aux_pointer.aux_offset", "Aux Offset", IOT_FT_UINT16,
    IOT_BASE_HEX, NULL, 0x1fff, "Time from this packet to the auxiliary one, in offset units." },
  [F_AUXPTR_PHY] = { "btle.extended_advertising_header.aux_pointer.aux_phy", "Aux PHY", IOT_FT_UINT16,
    IOT_BASE_DEC, aux_phy_names, 0xe000, "Radio mode of the auxiliary packet (it may be faster or longer range)." },
  [F_SYNC] = { "btle.extended_advertising.sync_info", "Advertiser Sync Info", IOT_FT_NONE, .blurb =
    "How to find the periodic advertising train: offset, interval, channels, access address." },
  [F_SYNC_OFFSET] = { "btle.extended_advertising_header.sync_info.sync_offset", "Sync Offset", IOT_FT_UINT16,
    IOT_BASE_HEX, NULL, 0x1fff, "Time to the first periodic advertising packet, in offset units." },
  [F_SYNC_UNITS] = { "btle.extended_advertising_header.sync_info.offset_units", "Offset Units", IOT_FT_BOOLEAN,
    IOT_BASE_NONE, NULL, 0x2000, "Unit of the sync offset.", "300 usec", "30 usec", 16 },
  [F_SYNC_ADJUST] = { "btle.extended_advertising_header.sync_info.offset_adjust", "Offset Adjust", IOT_FT_BOOLEAN,
    IOT_BASE_NONE, NULL, 0x4000, "Whether 2.4576 s are added to the offset.", "Adjusted", "No adjust", 16 },
  [F_SYNC_INTERVAL] = { "btle.extended_advertising_header.sync_info.interval", "Interval", IOT_FT_UINT16,
    IOT_BASE_HEX, NULL, 0, "Period of the periodic advertising train in units of 1.25 ms." },
  [F_SYNC_CHANNEL_MAP] = { "btle.extended_advertising_header.sync_info.channel_map", "Channel Map", IOT_FT_BYTES,
    .blurb = "Which data channels the periodic train hops over." },
  [F_SYNC_SCA] = { "btle.extended_advertising_header.sync_info.sleep_clock_accuracy", "Sleep Clock Accuracy",
    IOT_FT_UINT8, IOT_BASE_DEC, sca_names, 0xe0, "How precise the advertiser's sleep clock is." },
  [F_SYNC_AA] = { "btle.extended_advertising_header.sync_info.access_address", "Access Address", IOT_FT_UINT32,
    IOT_BASE_HEX, NULL, 0, "Access address of the periodic advertising packets." },
  [F_SYNC_CRC_INIT] = { "btle.extended_advertising_header.sync_info.crc_init", "CRC Init", IOT_FT_UINT24,
    IOT_BASE_HEX, NULL, 0, "CRC seed of the periodic advertising packets." },
  [F_SYNC_EVENT] = { "btle.extended_advertising_header.sync_info.event_counter", "Event counter", IOT_FT_UINT16,
    IOT_BASE_DEC, NULL, 0, "Periodic advertising event the offset points at." },
  [F_TX_POWER] = { "btle.extended_advertising_header.tx_power", "TX Power", IOT_FT_INT8, IOT_BASE_DEC, NULL, 0,
    "Transmit power in dBm; TX power minus RSSI is the path loss." },
  [F_ACAD] = { "btle.extended_advertising_header.acad", "Additional Controller Advertising Data", IOT_FT_NONE,
    .blurb = "Extra controller data after the optional fields (e.g. a channel map update)." },
  [F_HAD_FRAGMENT] = { "btle.extended_advertising.had_fragment", "Host Advertising Data Fragment", IOT_FT_NONE,
    .blurb = "Part of advertising data too long for one packet: an AuxPtr says an AUX_CHAIN_IND carries the rest." },
  [F_HAD_FRAGMENTS] = { "btle.ea.host_advertising_data.fragments", "EA HAD fragments", IOT_FT_NONE, .blurb =
    "The advertising data put back together from the AUX_ADV_IND and the AUX_CHAIN_INDs that continue it." },
  [F_HAD_PIECE] = { "btle.ea.host_advertising_data.fragment", "EA HAD fragment", IOT_FT_FRAMENUM, .blurb =
    "A frame that carried part of the advertising data." },
  [F_HAD_COUNT] = { "btle.ea.host_advertising_data.fragment.count", "EA HAD fragment count", IOT_FT_UINT32,
    IOT_BASE_DEC, NULL, 0, "How many packets the advertising data was split into." },
  [F_HAD_LENGTH] = { "btle.ea.host_advertising_data.reassembled.length", "Reassembled EA HAD length",
    IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0, "Bytes of advertising data once put back together (up to 1650)." },
};

static const IotRebuildFields had_rebuild_fields = {
  &btle_fields[F_HAD_FRAGMENTS], &btle_fields[F_HAD_PIECE], &btle_fields[F_HAD_COUNT],
  &btle_fields[F_HAD_LENGTH], NULL, "EA HAD fragments", "Reassembled EA HAD",
};

/* ---- per-capture state: connections seen in CONNECT_IND ------------------- */

typedef struct {
  guint8  central[6];
  guint8  peripheral[6];
  guint32 connect_frame;
  guint32 l2cap_messages;
  guint32 l2cap_expected;     /* bytes of the current L2CAP message still to come (first pass) */
} BtleConnection;

typedef struct {
  GHashTable *connections;    /* access address → BtleConnection */
  GHashTable *l2cap_index;    /* frame number → L2CAP index + 1 */
  IotDefrag  *had;            /* advertising data split over AUX_CHAIN_INDs */
  GHashTable *had_open;       /* chain key → bytes gathered so far + 1 (first pass) */
  GHashTable *adva_by_adi;    /* ADI + 1 → advertiser address (guint8[6]), first pass */
  GHashTable *adva_by_sync_aa;  /* periodic access address → advertiser address, first pass */
  GHashTable *chain_adva;     /* frame number → advertiser address it did not name itself */
} BtleState;

static gpointer
btle_state_new (void)
{
  BtleState *state = g_new0 (BtleState, 1);
  state->connections = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  state->l2cap_index = g_hash_table_new (g_direct_hash, g_direct_equal);
  state->had = iot_defrag_new ();
  state->had_open = g_hash_table_new (g_direct_hash, g_direct_equal);
  state->adva_by_adi = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  state->adva_by_sync_aa = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  state->chain_adva = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  return state;
}

static void
btle_state_free (gpointer data)
{
  BtleState *state = data;
  g_hash_table_destroy (state->connections);
  g_hash_table_destroy (state->l2cap_index);
  iot_defrag_free (state->had);
  g_hash_table_destroy (state->had_open);
  g_hash_table_destroy (state->adva_by_adi);
  g_hash_table_destroy (state->adva_by_sync_aa);
  g_hash_table_destroy (state->chain_adva);
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
/* The packet's IotTapBtle record, queued open by dissect_btle for the
 * layer to fill in; NULL when nobody asked for it. */
static IotTapBtle *
current_record (IotPacket *pkt)
{
  gconstpointer const *records;
  guint n;

  if (!iot_tap_wanted (pkt, IOT_TAP_BTLE))
    return NULL;
  records = iot_packet_tap_records (pkt, IOT_TAP_BTLE, &n);
  return n > 0 ? (IotTapBtle *) records[n - 1] : NULL;
}

static void
add_address (IotPacket *pkt, int tree, int field, const IotBuf *buf, guint off, guint8 out[6])
{
  IotTapBtle *rec;

  read_address (buf, off, out);
  iot_tree_add_ether (pkt, tree, &btle_fields[field], buf, off, out);
  if (field == F_ADV_ADDRESS && (rec = current_record (pkt)) != NULL && !rec->has_adv_address)
    {
      memcpy (rec->adv_address, out, 6);
      rec->has_adv_address = TRUE;
    }
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

  /* See dissect_btcommon: 2 asks for the 37 data channels only. */
  iot_packet_set_layer_value (pkt, &iot_dissector_btcommon, field == F_SYNC_CHANNEL_MAP ? 2 : 1);
  iot_call_dissector (pkt, &iot_dissector_btcommon, &map, node);
}

static void
dissect_connect_ind (IotPacket *pkt, const IotBuf *buf, guint off, int tree,
                     const guint8 initiator[6], const guint8 advertiser[6])
{
  int lld = iot_tree_add_item (pkt, tree, &btle_fields[F_LLDATA], buf, off, 22, TRUE);
  BtleState *state = iot_packet_state (pkt, &iot_dissector_btle);
  guint32 aa = iot_buf_u32le (buf, off);

  IotTapBtle *rec = current_record (pkt);

  add_uint_le (pkt, lld, F_LLD_AA, buf, off, 4);
  if (rec != NULL)
    {
      rec->has_connect_aa = TRUE;
      rec->connect_aa = aa;
    }
  add_uint_le (pkt, lld, F_LLD_CRC_INIT, buf, off + 4, 3);
  add_uint_le (pkt, lld, F_LLD_WIN_SIZE, buf, off + 7, 1);
  add_uint_le (pkt, lld, F_LLD_WIN_OFFSET, buf, off + 8, 2);
  /* Read as the tree item reads it: a packet cut here ends here either way. */
  if (rec != NULL)
    {
      rec->interval = iot_buf_u16le (buf, off + 10);
      rec->has_interval = TRUE;
    }
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
  return bt_radio_get (pkt).primary_channel;
}

/* Whether a radio header says the packet came on a secondary advertising
 * channel (0-36), where SCAN_REQ and CONNECT_IND are AUX_SCAN_REQ and
 * AUX_CONNECT_REQ: the same layout, answered by extended PDUs. */
static gboolean
on_secondary_channel (IotPacket *pkt)
{
  return bt_radio_get (pkt).secondary_channel;
}

/* ---- extended advertising (Bluetooth 5) ------------------------------------ */

/* Which name a PDU of type 7 goes by: ADV_EXT_IND on a primary channel,
 * on a secondary one the auxiliary PDU the sniffer says it is. */
static const char *
extended_pdu_name (IotPacket *pkt)
{
  BtRadioInfo radio = bt_radio_get (pkt);

  if (radio.secondary_channel && radio.aux_type_known)
    return aux_pdu_names[radio.aux_type & 0x03];
  return "ADV_EXT_IND";
}

static gboolean
is_aux_scan_rsp (IotPacket *pkt)
{
  BtRadioInfo radio = bt_radio_get (pkt);

  return radio.secondary_channel && radio.aux_type_known && radio.aux_type == AUX_SCAN_RSP;
}

static gboolean
is_aux_chain_ind (IotPacket *pkt)
{
  BtRadioInfo radio = bt_radio_get (pkt);

  return radio.secondary_channel && radio.aux_type_known && radio.aux_type == AUX_CHAIN_IND;
}

static guint
extended_header_flags (const IotBuf *buf)
{
  /* Extended header length 0 means no flags byte at all. */
  return iot_buf_has (buf, 6, 2) && (iot_buf_u8 (buf, 6) & 0x3f) != 0 ? iot_buf_u8 (buf, 7) : 0;
}

static void
dissect_aux_pointer (IotPacket *pkt, int tree, const IotBuf *buf, guint off)
{
  int node = iot_tree_add_item (pkt, tree, &btle_fields[F_AUXPTR], buf, off, 3, TRUE);
  guint units = iot_buf_u8 (buf, off) & 0x80 ? 300 : 30;
  guint offset = iot_buf_u16le (buf, off + 1) & 0x1fff;
  int child;

  add_uint_le (pkt, node, F_AUXPTR_CHANNEL, buf, off, 1);
  add_uint_le (pkt, node, F_AUXPTR_CA, buf, off, 1);
  add_uint_le (pkt, node, F_AUXPTR_UNITS, buf, off, 1);
  child = iot_tree_add_item (pkt, node, &btle_fields[F_AUXPTR_OFFSET], buf, off + 1, 2, TRUE);
  iot_tree_append_label (pkt, child, " (%u usec)", offset * units);
  add_uint_le (pkt, node, F_AUXPTR_PHY, buf, off + 1, 2);
}

static void
dissect_sync_info (IotPacket *pkt, int tree, const IotBuf *buf, guint off)
{
  int node = iot_tree_add_item (pkt, tree, &btle_fields[F_SYNC], buf, off, 18, TRUE);
  guint word = iot_buf_u16le (buf, off);
  int child;

  child = iot_tree_add_item (pkt, node, &btle_fields[F_SYNC_OFFSET], buf, off, 2, TRUE);
  iot_tree_append_label (pkt, child, " (%u usec)", (word & 0x1fff) * (word & 0x2000 ? 300 : 30));
  add_uint_le (pkt, node, F_SYNC_UNITS, buf, off, 2);
  add_uint_le (pkt, node, F_SYNC_ADJUST, buf, off, 2);
  /* tshark shows the reserved top bit under the offset-units name. */
  child = iot_tree_add_boolean (pkt, node, &btle_fields[F_SYNC_UNITS], buf, off, 2, (word & 0x8000) != 0);
  iot_tree_set_label (pkt, child, "Reserved: %s", word & 0x8000 ? "True" : "False");
  child = iot_tree_add_item (pkt, node, &btle_fields[F_SYNC_INTERVAL], buf, off + 2, 2, TRUE);
  iot_tree_append_label (pkt, child, " (%g msec)", iot_buf_u16le (buf, off + 2) * 1.25);
  add_channel_map (pkt, node, F_SYNC_CHANNEL_MAP, buf, off + 4);
  add_uint_le (pkt, node, F_SYNC_SCA, buf, off + 8, 1);
  add_uint_le (pkt, node, F_SYNC_AA, buf, off + 9, 4);
  add_uint_le (pkt, node, F_SYNC_CRC_INIT, buf, off + 13, 3);
  add_uint_le (pkt, node, F_SYNC_EVENT, buf, off + 16, 2);
}

/* Advertising data too long for one packet goes out in pieces: the
 * AUX_ADV_IND (or AUX_SCAN_RSP) carries the first, each AUX_CHAIN_IND the
 * next, and every piece but the last has an AuxPtr to the one after.  The
 * pieces of one chain share the ADI, which keys them here (packets without
 * an ADI share one key).  The last piece shows the whole data. */
static void
dissect_host_advertising_data (IotPacket *pkt, IotBuf *buf, int tree, guint off, guint len,
                               gboolean more, guint chain_key)
{
  BtleState *state = iot_packet_state (pkt, &iot_dissector_btle);
  guint32 number = iot_packet_frame_number (pkt);
  gpointer key = GUINT_TO_POINTER (chain_key + 1);
  int parent = tree;

  if (iot_packet_first_pass (pkt) && !iot_packet_in_error (pkt) && iot_buf_has (buf, off, len))
    {
      guint gathered = GPOINTER_TO_UINT (g_hash_table_lookup (state->had_open, key));
      gboolean chained = gathered > 0 && is_aux_chain_ind (pkt);

      if (more)
        {
          /* A first piece starts the chain anew. */
          guint position = chained ? gathered - 1 : 0;
          iot_defrag_add (state->had, pkt, &chain_key, sizeof chain_key, position, buf, off, len, FALSE);
          g_hash_table_insert (state->had_open, key, GUINT_TO_POINTER (position + len + 1));
        }
      else if (chained)
        {
          iot_defrag_add (state->had, pkt, &chain_key, sizeof chain_key, gathered - 1, buf, off, len, TRUE);
          g_hash_table_remove (state->had_open, key);
        }
    }

  if (more)
    {
      iot_tree_add_item (pkt, tree, &btle_fields[F_HAD_FRAGMENT], buf, off, len, TRUE);
      iot_col_append_info (pkt, " (EA HAD Fragment)");
      return;
    }
  if (iot_defrag_completed_in (state->had, number) == number)
    {
      IotBuf whole;

      iot_tree_add_item (pkt, tree, &btle_fields[F_HAD_FRAGMENT], buf, off, len, TRUE);
      whole = iot_defrag_rebuild (state->had, pkt, &had_rebuild_fields, tree);
      iot_col_append_info (pkt, " (EA HAD Reassembled)");
      iot_call_dissector (pkt, &iot_dissector_btcommon, &whole, tree);
      return;
    }
  if (is_aux_scan_rsp (pkt))
    parent = iot_tree_add_item (pkt, tree, &btle_fields[F_SCAN_RSP_DATA], buf, off, len, FALSE);
  dissect_ad_data (pkt, buf, off, len, parent);
}

/* Some auxiliary PDUs name no advertiser; the address is known from
 * earlier packets.  The last AUX_CHAIN_IND of a chain (the one without an
 * AuxPtr) belongs to the advertiser that sent the chain's ADI; an
 * AUX_SYNC_IND to the advertiser whose SyncInfo announced the periodic
 * train's access address.  Returns that address, or NULL. */
static const guint8 *
known_advertiser (IotPacket *pkt, guint32 aa, guint chain_key, gboolean aux_ptr, const guint8 *adva,
                  guint32 sync_aa)
{
  BtleState *state = iot_packet_state (pkt, &iot_dissector_btle);
  gpointer number = GUINT_TO_POINTER (iot_packet_frame_number (pkt));

  if (iot_packet_first_pass (pkt))
    {
      gpointer adi_key = GUINT_TO_POINTER (chain_key + 1);
      const guint8 *found = NULL;

      if (adva != NULL && chain_key != NO_ADI)
        g_hash_table_replace (state->adva_by_adi, adi_key, g_memdup2 (adva, 6));
      if (adva != NULL && sync_aa != 0)
        g_hash_table_replace (state->adva_by_sync_aa, GUINT_TO_POINTER (sync_aa), g_memdup2 (adva, 6));
      if (adva == NULL && is_aux_chain_ind (pkt) && !aux_ptr && chain_key != NO_ADI)
        found = g_hash_table_lookup (state->adva_by_adi, adi_key);
      else if (adva == NULL && aa != ADVERTISING_AA)
        found = g_hash_table_lookup (state->adva_by_sync_aa, GUINT_TO_POINTER (aa));
      if (found)
        g_hash_table_replace (state->chain_adva, number, g_memdup2 (found, 6));
    }
  return adva == NULL ? g_hash_table_lookup (state->chain_adva, number) : NULL;
}

/* The Common Extended Advertising Payload Format: a length/mode byte, a
 * flags byte, the optional fields in flag order, then advertising data. */
static void
dissect_extended_advertising (IotPacket *pkt, IotBuf *buf, int tree, guint length, guint32 aa)
{
  guint ext_len = iot_buf_u8 (buf, 6) & 0x3f, flags = extended_header_flags (buf);
  guint off = ext_len > 0 ? 8 : 7, end = 7 + ext_len;   /* no flags byte when the length is 0 */
  guint8 adva[6], targeta[6];
  gboolean have_adva = FALSE, have_targeta = FALSE;
  guint chain_key = NO_ADI;
  guint32 sync_aa = 0;
  const guint8 *inherited;
  int ext, node;

  /* An extended header longer than the PDU is read on as far as the
   * captured bytes go (into the CRC), as tshark does: what it claims
   * stays visible, and the read past the end ends the layer. */
  ext = iot_tree_add_item (pkt, tree, &btle_fields[F_EXT_HEADER], buf, 6,
                           MIN (1 + ext_len, iot_buf_remaining (buf, 6)), TRUE);
  add_uint_le (pkt, ext, F_EXT_LENGTH, buf, 6, 1);
  add_uint_le (pkt, ext, F_EXT_MODE, buf, 6, 1);
  if (ext_len > 0)
    {
      node = iot_tree_add_item (pkt, ext, &btle_fields[F_EXT_FLAGS], buf, 7, 1, TRUE);
      for (int f = F_EXT_FLAG_ADVA; f <= F_EXT_FLAG_RESERVED; f++)
        add_uint_le (pkt, node, f, buf, 7, 1);
    }
  if (flags & EXT_ADVA)
    {
      add_address (pkt, ext, F_ADV_ADDRESS, buf, off, adva);
      have_adva = TRUE;
      off += 6;
    }
  if (flags & EXT_TARGETA)
    {
      add_address (pkt, ext, F_TARGET_ADDRESS, buf, off, targeta);
      have_targeta = TRUE;
      off += 6;
    }
  if (flags & EXT_CTE_INFO)
    {
      node = iot_tree_add_item (pkt, ext, &btle_fields[F_CTE_INFO], buf, off, 1, TRUE);
      for (int f = F_CTE_TIME; f <= F_CTE_TYPE; f++)
        add_uint_le (pkt, node, f, buf, off, 1);
      off += 1;
    }
  if (flags & EXT_ADI)
    {
      node = iot_tree_add_item (pkt, ext, &btle_fields[F_ADI], buf, off, 2, TRUE);
      add_uint_le (pkt, node, F_ADI_DID, buf, off, 2);
      add_uint_le (pkt, node, F_ADI_SID, buf, off, 2);
      chain_key = iot_buf_u16le (buf, off);
      off += 2;
    }
  if (flags & EXT_AUX_PTR)
    {
      dissect_aux_pointer (pkt, ext, buf, off);
      off += 3;
    }
  if (flags & EXT_SYNC_INFO)
    {
      dissect_sync_info (pkt, ext, buf, off);
      sync_aa = iot_buf_u32le (buf, off + 9);
      off += 18;
    }
  if (flags & EXT_TX_POWER)
    {
      add_uint_le (pkt, ext, F_TX_POWER, buf, off, 1);
      off += 1;
    }
  if (off > end)
    iot_malformed (pkt, "Extended header fields longer than the extended header length");
  if (off < end)
    {
      /* ACAD is a list of AD structures the controller adds. */
      node = iot_tree_add_item (pkt, ext, &btle_fields[F_ACAD], buf, off,
                                MIN (end - off, iot_buf_remaining (buf, off)), TRUE);
      if (end > buf->length)
        iot_malformed (pkt, "Extended header longer than the packet");
      dissect_ad_data (pkt, buf, off, end - off, node);
    }

  inherited = known_advertiser (pkt, aa, chain_key, (flags & EXT_AUX_PTR) != 0,
                               have_adva ? adva : NULL, sync_aa);
  if (have_adva)
    set_columns_address (pkt, adva, have_targeta ? targeta : NULL);
  else if (inherited)
    set_columns_address (pkt, inherited, have_targeta ? targeta : NULL);
  else
    {
      static const guint8 broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
      iot_packet_set_address_text (pkt, "Anonymous", NULL);
      set_columns_address (pkt, broadcast, have_targeta ? targeta : NULL);
    }

  if (length > 1 + ext_len)
    dissect_host_advertising_data (pkt, buf, tree, 6 + 1 + ext_len, length - 1 - ext_len,
                                   (flags & EXT_AUX_PTR) != 0, chain_key);
}

static void
dissect_advertising (IotPacket *pkt, IotBuf *buf, int tree, guint32 aa)
{
  guint header = iot_buf_u8 (buf, 4), length = iot_buf_u8 (buf, 5);
  guint type = header & 0x0f;
  /* On a secondary channel types 1 and 5 are AUX PDUs without the ChSel
   * bit, so it is only named where the radio header says "primary". */
  gboolean uses_chsel = type == ADV_IND
                        || ((type == ADV_DIRECT_IND || type == CONNECT_IND) && on_primary_channel (pkt));
  gboolean uses_rxadd = type == ADV_DIRECT_IND || type == SCAN_REQ || type == CONNECT_IND;
  gboolean uses_txadd = TRUE;
  guint8 a[6], b[6];
  int node;
  const char *name = iot_value_name (adv_pdu_type_names, type);

  if (type == ADV_EXT_IND || type == AUX_CONNECT_RSP)
    {
      /* TxAdd and RxAdd only mean something when the extended header
       * carries the address they describe. */
      guint flags = extended_header_flags (buf);
      /* Without a flags byte at all, TxAdd is shown as tshark 4.0 does. */
      uses_txadd = (flags & EXT_ADVA) != 0 || (iot_buf_u8 (buf, 6) & 0x3f) == 0;
      uses_rxadd = (flags & EXT_TARGETA) != 0;
      if (type == ADV_EXT_IND)
        name = extended_pdu_name (pkt);
    }
  else if (type == SCAN_REQ && on_secondary_channel (pkt))
    name = "AUX_SCAN_REQ";
  else if (type == CONNECT_IND && on_secondary_channel (pkt))
    name = "AUX_CONNECT_REQ";
  else if (type > AUX_CONNECT_RSP)
    uses_txadd = FALSE;

  node = iot_tree_add_item (pkt, tree, &btle_fields[F_ADV_HEADER], buf, 4, 2, TRUE);
  iot_tree_set_label (pkt, node, "Packet Header: 0x%04x (PDU Type: %s)", iot_buf_u16le (buf, 4),
                      name ? name : "Unknown");
  {
    IotTapBtle *rec = current_record (pkt);

    if (rec != NULL)
      {
        rec->has_pdu_type = TRUE;
        rec->pdu_type = (guint8) type;
      }
  }
  iot_tree_add_item (pkt, node, &btle_fields[F_ADV_PDU_TYPE], buf, 4, 1, TRUE);
  iot_tree_add_item (pkt, node, &btle_fields[F_ADV_RFU1], buf, 4, 1, TRUE);
  iot_tree_add_item (pkt, node, &btle_fields[uses_chsel ? F_ADV_CHSEL : F_ADV_RFU2], buf, 4, 1, TRUE);
  iot_tree_add_item (pkt, node, &btle_fields[uses_txadd ? F_ADV_TXADD : F_ADV_RFU3], buf, 4, 1, TRUE);
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
    case ADV_EXT_IND:
    case AUX_CONNECT_RSP:
      dissect_extended_advertising (pkt, buf, tree, length, aa);
      break;
    default:
      iot_packet_set_address_text (pkt, "", "");
      iot_expert_add_info (pkt, tree, &btle_experts[E_PDU_UNDECODED], "Advertising PDU type %u is not decoded", type);
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
set_columns_link (IotPacket *pkt, guint32 aa, gboolean connection_known)
{
  /* Without a direction from the sniffer, both ends are only known by
   * the connection's access address; with one, by their role, and by
   * role and access address once the CONNECT_IND was seen. */
  IotAddress a = { .family = IOT_ADDRESS_BLE_ACCESS };
  BtDirection direction = bt_radio_get (pkt).direction;

  if (direction != BT_DIRECTION_UNKNOWN)
    {
      char central[24], peripheral[24];
      gboolean from_central = direction == BT_DIRECTION_CENTRAL_TO_PERIPHERAL;

      if (connection_known)
        {
          g_snprintf (central, sizeof central, "Master_0x%08x", aa);
          g_snprintf (peripheral, sizeof peripheral, "Slave_0x%08x", aa);
        }
      else
        {
          g_strlcpy (central, "Master", sizeof central);
          g_strlcpy (peripheral, "Slave", sizeof peripheral);
        }
      iot_packet_set_address_text (pkt, from_central ? central : peripheral, from_central ? peripheral : central);
    }

  a.bytes[0] = aa >> 24;
  a.bytes[1] = aa >> 16;
  a.bytes[2] = aa >> 8;
  a.bytes[3] = aa;
  iot_packet_set_net_src (pkt, &a);
  iot_packet_set_net_dst (pkt, &a);
}

/* Readings carried in the connection (ATT values) belong to the
 * peripheral, the device that measures: its address when the CONNECT_IND
 * was seen, else the connection's access address. */
static void
set_reading_device (IotPacket *pkt, guint32 aa, const BtleConnection *conn)
{
  char device[24];

  if (!iot_packet_wants_readings (pkt))
    return;
  if (conn)
    g_snprintf (device, sizeof device, "%02x:%02x:%02x:%02x:%02x:%02x", conn->peripheral[0], conn->peripheral[1],
                conn->peripheral[2], conn->peripheral[3], conn->peripheral[4], conn->peripheral[5]);
  else
    g_snprintf (device, sizeof device, "0x%08x", aa);
  iot_packet_set_reading_origin (pkt, device, NULL);
}

/* Which L2CAP message of the connection a packet carries (its index + 1;
 * 0 when the connection is unknown): a start (LLID 2) begins the next
 * one, a continuation (LLID 1) belongs to the message started before
 * while bytes of it are missing.  A continuation with no message to
 * continue begins one of its own, marked MISSING_START. */
#define MISSING_START 0x80000000u

static guint32
l2cap_index (IotPacket *pkt, BtleState *state, BtleConnection *conn, const IotBuf *buf, guint llid, guint length)
{
  guint32 number = iot_packet_frame_number (pkt);

  if (iot_packet_first_pass (pkt) && conn)
    {
      guint32 index;

      if (llid == 2)
        {
          guint whole = iot_buf_has (buf, 6, 2) ? iot_buf_u16le (buf, 6) + 4u : length;
          index = ++conn->l2cap_messages;
          conn->l2cap_expected = whole > length ? whole - length : 0;
        }
      else if (conn->l2cap_expected > 0)
        {
          index = conn->l2cap_messages;
          conn->l2cap_expected -= MIN (conn->l2cap_expected, length);
        }
      else
        index = ++conn->l2cap_messages | MISSING_START;
      g_hash_table_insert (state->l2cap_index, GUINT_TO_POINTER (number), GUINT_TO_POINTER (index));
    }
  return GPOINTER_TO_UINT (g_hash_table_lookup (state->l2cap_index, GUINT_TO_POINTER (number)));
}

static void
add_l2cap_index (IotPacket *pkt, int tree, guint32 index)
{
  int node;

  if (index == 0)
    return;
  node = iot_tree_add_uint (pkt, tree, &btle_fields[F_L2CAP_INDEX], NULL, 0, 0, (index & ~MISSING_START) - 1);
  iot_tree_set_generated (pkt, node);
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
  set_columns_link (pkt, aa, conn != NULL);

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
      guint32 index = l2cap_index (pkt, state, conn, buf, llid, length);
      IotBuf l2cap = iot_buf_sub (buf, 6, length);

      add_l2cap_index (pkt, tree, index);
      if (conn)
        {
          node = iot_tree_add_uint (pkt, tree, &btle_fields[F_CONN_PARAMS_IN], NULL, 0, 0, conn->connect_frame);
          iot_tree_set_generated (pkt, node);
        }
      set_reading_device (pkt, aa, conn);
      iot_call_dissector (pkt, &iot_dissector_btl2cap, &l2cap, -1);
      return;
    }
  else if (llid == 1)
    {
      guint32 index = l2cap_index (pkt, state, conn, buf, llid, length);

      node = iot_tree_add_item (pkt, tree, &btle_fields[F_L2CAP_DATA], buf, 6, length, FALSE);
      if (index & MISSING_START)
        iot_expert_add_info (pkt, node, &btle_experts[E_MISSING_START], "Missing Fragment Start");
      add_l2cap_index (pkt, tree, index);
      iot_col_set_info (pkt, "L2CAP Fragment");
    }
  /* LLID 0 is reserved: nothing to name. */
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

  BtRadioInfo radio = bt_radio_get (pkt);
  int node;

  for (guint i = 0; i < 24; i++)
    if (wire & (1u << i))
      crc |= 1u << (23 - i);
  node = iot_tree_add_uint (pkt, tree, &btle_fields[F_CRC], buf, off, 3, crc);
  /* The sniffer compared the CRC on air, with the CRC init of the
   * connection it followed: its verdict stands. */
  if (radio.crc_checked && !radio.crc_valid)
    iot_expert_add_info (pkt, node, &btle_experts[E_CRC], "Incorrect CRC");
}

/* Advertising or data channel: what the sniffer said, else the access
 * address. */
static gboolean
is_advertising (const BtRadioInfo *radio, guint32 aa)
{
  if (radio->pdu_kind == BT_PDU_KIND_ADVERTISING)
    return TRUE;
  if (radio->pdu_kind == BT_PDU_KIND_DATA)
    return FALSE;
  return aa == ADVERTISING_AA;
}

static int
dissect_btle (IotPacket *pkt, IotBuf *buf, int parent)
{
  BtRadioInfo radio = bt_radio_get (pkt);
  guint32 aa = iot_buf_u32le (buf, 0);
  IotBuf pdu = *buf;
  guint length, crc_off;
  int tree;

  iot_col_set_protocol (pkt, "LE LL");
  tree = iot_tree_add_protocol (pkt, parent, &btle_fields[F_PROTO], buf, 0, -1);
  iot_tree_add_item (pkt, tree, &btle_fields[F_AA], buf, 0, 4, TRUE);
  if (iot_tap_wanted (pkt, IOT_TAP_BTLE))
    {
      IotTapBtle rec = { aa };

      rec.channel = radio.known ? (gint8) radio.channel : -1;
      rec.crc_ok = radio.crc_checked ? radio.crc_valid : -1;
      iot_tap_queue (pkt, IOT_TAP_BTLE, &rec);
    }
  /* On LE Coded a coding indicator sits between the access address and
   * the header; past it, the PDU is read as on the other PHYs, whose
   * header comes 4 bytes after the start. */
  if (radio.phy == BT_PHY_CODED)
    {
      iot_tree_add_item (pkt, tree, &btle_fields[F_CODING_INDICATOR], buf, 4, 1, TRUE);
      pdu = iot_buf_sub (buf, 1, -1);
    }
  length = iot_buf_u8 (&pdu, 5);
  crc_off = 6 + length;
  if (is_advertising (&radio, aa))
    {
      dissect_advertising (pkt, &pdu, tree, aa);
      /* The length of a PDU of unknown type may be anything: its CRC is
       * taken as the last three bytes. */
      if ((iot_buf_u8 (&pdu, 4) & 0x0f) > AUX_CONNECT_RSP && pdu.length >= 3)
        crc_off = pdu.length - 3;
    }
  else
    dissect_data (pkt, &pdu, tree, aa);
  /* The L2CAP layer above may have renamed the Protocol column; the CRC
   * still belongs to this layer. */
  add_crc (pkt, tree, &pdu, crc_off);
  return buf->length;
}

IotDissector iot_dissector_btle = {
  .name = "LE LL",
  .abbrev = "btle",
  .long_name = "Bluetooth Low Energy Link Layer",
  .fields = btle_fields,
  .n_fields = N_FIELDS,
  .experts = btle_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_btle,
  .state_new = btle_state_new,
  .state_free = btle_state_free,
};
