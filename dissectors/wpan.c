/* wpan.c — IEEE 802.15.4 MAC (2003/2006/2015): the radio frames of Zigbee,
 * Thread and 6LoWPAN motes.
 *
 * A frame is a 16-bit frame control, an optional sequence number, PAN ids
 * and addresses (short 16-bit or extended EUI-64, each present or not as the
 * frame control says), optional header information elements, the payload,
 * and a frame check sequence — unless the sniffer dropped it (link type 230)
 * or replaced it by radio metadata (TI CC24xx, as ZEP's LQI mode carries).
 *
 * Coordinators hand out short addresses in association responses; the first
 * pass remembers which EUI-64 got which short address in which PAN, so a
 * later frame sent from the short address shows its extended source too.
 */
#include "wpan.h"
#include "ccm-star.h"

#include <string.h>

enum {
  F_PROTO,
  F_FRAME_LENGTH,
  F_FCF,
  F_FRAME_TYPE,
  F_SECURITY,
  F_PENDING,
  F_ACK_REQUEST,
  F_PAN_ID_COMPRESSION,
  F_FCF_RESERVED,
  F_SEQNO_SUPPRESSION,
  F_IE_PRESENT,
  F_DST_ADDR_MODE,
  F_VERSION,
  F_SRC_ADDR_MODE,
  F_SEQ_NO,
  F_DST_PAN,
  F_DST16,
  F_DST64,
  F_SRC_PAN,
  F_SRC16,
  F_SRC64,
  F_ADDR16,
  F_ADDR64,
  F_SRC64_ORIGIN,
  F_FCS,
  F_FCS32,
  F_RSSI,
  F_FCS_OK,
  F_CORRELATION,
  F_HEADER_IE_TLV,
  F_HEADER_IE_TYPE,
  F_HEADER_IE_ID,
  F_HEADER_IE_LENGTH,
  F_TIME_SYNC_INFO,
  F_NACK,
  F_TIME_CORRECTION,
  F_CSL_PHASE,
  F_CSL_PERIOD,
  F_CSL_RENDEZVOUS,
  F_CMD,
  F_CINFO_ALT_COORD,
  F_CINFO_DEVICE_TYPE,
  F_CINFO_POWER_SRC,
  F_CINFO_IDLE_RX,
  F_CINFO_SEC_CAPABLE,
  F_CINFO_ALLOC_ADDR,
  F_ASSOC_ADDR,
  F_ASSOC_STATUS,
  F_DISASSOC_REASON,
  F_REALIGN_PAN,
  F_REALIGN_ADDR,
  F_REALIGN_CHANNEL,
  F_REALIGN_CHANNEL_PAGE,
  F_BEACON_ORDER,
  F_SUPERFRAME_ORDER,
  F_CAP,
  F_BATTERY_EXT,
  F_BCN_COORD,
  F_ASSOC_PERMIT,
  F_GTS_COUNT,
  F_GTS_PERMIT,
  F_PENDING16,
  F_PENDING64,
  F_SEC_LEVEL,
  F_SEC_CONTROL,
  F_KEY_ID_MODE,
  F_FC_SUPPRESSION,
  F_ASN_IN_NONCE,
  F_SEC_RESERVED,
  F_FRAME_COUNTER,
  F_KEY_INDEX,
  F_MIC,
  F_KEY_SOURCE,
  F_KEY_SOURCE_BYTES,
  F_KEY_NUMBER,
  N_FIELDS
};

enum {
  FRAME_BEACON = 0,
  FRAME_DATA = 1,
  FRAME_ACK = 2,
  FRAME_COMMAND = 3,
};

enum {
  ADDR_NONE = 0,
  ADDR_SHORT = 2,
  ADDR_LONG = 3,
};

enum {
  CMD_ASSOC_REQ = 0x01,
  CMD_ASSOC_RSP = 0x02,
  CMD_DISASSOC = 0x03,
  CMD_DATA_REQ = 0x04,
  CMD_PANID_CONFLICT = 0x05,
  CMD_ORPHAN = 0x06,
  CMD_BEACON_REQ = 0x07,
  CMD_REALIGN = 0x08,
  CMD_GTS_REQ = 0x09,
};

#define IE_CSL           0x1a
#define IE_TIME_CORR     0x1e
#define IE_HT1           0x7e
#define IE_HT2           0x7f

static const IotValueName frame_type_names[] = {
  { FRAME_BEACON, "Beacon" },
  { FRAME_DATA, "Data" },
  { FRAME_ACK, "Ack" },
  { FRAME_COMMAND, "Command" },
  { 4, "Reserved" },
  { 5, "Multipurpose" },
  { 6, "Fragment or Frak" },
  { 7, "Extended" },
  IOT_VALUE_NAMES_END
};

static const IotValueName addr_mode_names[] = {
  { ADDR_NONE, "None" },
  { 1, "Reserved" },
  { ADDR_SHORT, "Short/16-bit" },
  { ADDR_LONG, "Long/64-bit" },
  IOT_VALUE_NAMES_END
};

static const IotValueName version_names[] = {
  { 0, "IEEE Std 802.15.4-2003" },
  { 1, "IEEE Std 802.15.4-2006" },
  { 2, "IEEE Std 802.15.4-2015" },
  { 3, "Reserved" },
  IOT_VALUE_NAMES_END
};

static const IotValueName cmd_names[] = {
  { CMD_ASSOC_REQ, "Association Request" },
  { CMD_ASSOC_RSP, "Association Response" },
  { CMD_DISASSOC, "Disassociation Notification" },
  { CMD_DATA_REQ, "Data Request" },
  { CMD_PANID_CONFLICT, "PAN ID Conflict" },
  { CMD_ORPHAN, "Orphan Notification" },
  { CMD_BEACON_REQ, "Beacon Request" },
  { CMD_REALIGN, "Coordinator Realignment" },
  { CMD_GTS_REQ, "GTS Request" },
  { 0x0a, "TRLE Management Request" },
  { 0x0b, "TRLE Management Response" },
  { 0x13, "DSME Association Request" },
  { 0x14, "DSME Association Response" },
  { 0x22, "DSME Information Request" },
  { 0x23, "DSME Information Response" },
  { 0x25, "Beacon Notification" },
  { 0x28, "Enhanced Beacon Request" },
  IOT_VALUE_NAMES_END
};

static const IotValueName assoc_status_names[] = {
  { 0x00, "Association Successful" },
  { 0x01, "PAN at Capacity" },
  { 0x02, "PAN Access Denied" },
  IOT_VALUE_NAMES_END
};

static const IotValueName disassoc_reason_names[] = {
  { 0x01, "Coordinator requests device to leave" },
  { 0x02, "Device wishes to leave" },
  IOT_VALUE_NAMES_END
};

static const IotValueName header_ie_names[] = {
  { 0x00, "Vendor Specific IE" },
  { IE_CSL, "CSL IE" },
  { 0x1b, "RIT IE" },
  { 0x1d, "Rendezvous Time IE" },
  { IE_TIME_CORR, "Time Correction IE" },
  { 0x2a, "Global Time IE" },
  { IE_HT1, "Header Termination 1 IE (Payload IEs follow)" },
  { IE_HT2, "Header Termination 2 IE (Payload follows)" },
  IOT_VALUE_NAMES_END
};

static const IotValueName ie_type_names[] = {
  { 0, "Header" },
  { 1, "Payload" },
  IOT_VALUE_NAMES_END
};

static const IotValueName sec_level_names[] = {
  { 0, "No Security" },
  { 1, "32-bit Message Integrity Code" },
  { 2, "64-bit Message Integrity Code" },
  { 3, "128-bit Message Integrity Code" },
  { 4, "Encryption" },
  { 5, "Encryption with 32-bit Message Integrity Code" },
  { 6, "Encryption with 64-bit Message Integrity Code" },
  { 7, "Encryption with 128-bit Message Integrity Code" },
  IOT_VALUE_NAMES_END
};

static const IotValueName key_id_mode_names[] = {
  { 0, "Implicit Key" },
  { 1, "Indexed Key using the Default Key Source" },
  { 2, "Explicit Key with 4-octet Key Source" },
  { 3, "Explicit Key with 8-octet Key Source" },
  IOT_VALUE_NAMES_END
};

#define BOOL_TF .true_word = "True", .false_word = "False"

enum {
  E_FCS_BAD,
  E_NO_SOURCE,
  E_NO_KEY,
  N_EXPERTS
};

static IotExpertInfo wpan_experts[N_EXPERTS] = {
  [E_FCS_BAD] = IOT_EXPERT_INFO ("wpan.fcs.bad", IOT_SEV_WARN, IOT_GROUP_CHECKSUM, "Bad FCS",
                              "The frame check sequence computed over the received bytes differs from the one sent: the frame was damaged on the air."),
  [E_NO_SOURCE] = IOT_EXPERT_INFO ("wpan.no_ext_source", IOT_SEV_WARN, IOT_GROUP_UNDECODED, "No extended source address - can't decrypt",
                              "The security nonce needs the sender's 64-bit address; it is not in the frame and was not learned earlier."),
  [E_NO_KEY] = IOT_EXPERT_INFO ("wpan.no_key", IOT_SEV_WARN, IOT_GROUP_UNDECODED, "No encryption key set - can't decrypt",
                              "This frame is encrypted and no key given (or none of them) opens it. Give the network key with -o or in the Preferences."),
};

static IotField wpan_fields[N_FIELDS] = {
  [F_PROTO] = { "wpan", "IEEE 802.15.4 Low-Rate Wireless PAN", IOT_FT_PROTOCOL, .blurb =
    "The radio MAC of Zigbee, Thread and 6LoWPAN devices: small frames (at most 127 bytes) between short or 64-bit addresses inside a PAN (a personal area network with its own 16-bit id)." },
  [F_FRAME_LENGTH] = { "wpan.frame_length", "Frame Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Bytes of the MAC frame, not counting the frame check sequence." },
  [F_FCF] = { "wpan.fcf", "Frame Control Field", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "First two bytes (sent least significant first): frame type, flags, and which addresses and PAN ids follow." },
  [F_FRAME_TYPE] = { "wpan.frame_type", "Frame Type", IOT_FT_UINT16, IOT_BASE_HEX, frame_type_names, 0x0007,
    "Beacon (a coordinator announcing its network), Data, Ack (receipt of a frame that asked for one) or MAC Command." },
  [F_SECURITY] = { "wpan.security", "Security Enabled", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0008,
    "The MAC itself encrypts or authenticates this frame; an auxiliary security header follows the addresses. Zigbee secures its own layers instead and leaves this clear.", BOOL_TF, .bits = 16 },
  [F_PENDING] = { "wpan.pending", "Frame Pending", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0010,
    "The sender has more frames waiting for the receiver: a sleepy device should stay awake and ask again.", BOOL_TF, .bits = 16 },
  [F_ACK_REQUEST] = { "wpan.ack_request", "Acknowledge Request", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0020,
    "The receiver must answer with an Ack frame carrying the same sequence number; without one the sender retries.", BOOL_TF, .bits = 16 },
  [F_PAN_ID_COMPRESSION] = { "wpan.pan_id_compression", "PAN ID Compression", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0040,
    "Saves two bytes: sender and receiver share one PAN id, sent once.", BOOL_TF, .bits = 16 },
  [F_FCF_RESERVED] = { "wpan.fcf.reserved", "Reserved", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0080,
    "Unused bit of the frame control; zero.", BOOL_TF, .bits = 16 },
  [F_SEQNO_SUPPRESSION] = { "wpan.seqno_suppression", "Sequence Number Suppression", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0100,
    "(802.15.4-2015) The frame leaves out its sequence number.", BOOL_TF, .bits = 16 },
  [F_IE_PRESENT] = { "wpan.ie_present", "Information Elements Present", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0200,
    "(802.15.4-2015) Information elements (small tagged records: CSL timing, time correction …) follow the addresses.", BOOL_TF, .bits = 16 },
  [F_DST_ADDR_MODE] = { "wpan.dst_addr_mode", "Destination Addressing Mode", IOT_FT_UINT16, IOT_BASE_HEX, addr_mode_names, 0x0c00,
    "Whether a destination address follows and how long it is: none, short (16-bit, given by the coordinator) or long (the device's 64-bit EUI).", },
  [F_VERSION] = { "wpan.version", "Frame Version", IOT_FT_UINT16, IOT_BASE_DEC, version_names, 0x3000,
    "Which edition of the standard the frame follows: 0 (2003) and 1 (2006) are classic Zigbee, 2 (2015) brings information elements and enhanced acks (Thread).", },
  [F_SRC_ADDR_MODE] = { "wpan.src_addr_mode", "Source Addressing Mode", IOT_FT_UINT16, IOT_BASE_HEX, addr_mode_names, 0xc000,
    "Whether a source address follows and how long it is.", },
  [F_SEQ_NO] = { "wpan.seq_no", "Sequence Number", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Counter the sender increments per frame; the Ack repeats it, and a retry reuses it." },
  [F_DST_PAN] = { "wpan.dst_pan", "Destination PAN", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Network the frame is for; 0xffff reaches every PAN in range." },
  [F_DST16] = { "wpan.dst16", "Destination", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Short address of the receiver; 0xffff is broadcast, 0x0000 is usually the PAN coordinator." },
  [F_DST64] = { "wpan.dst64", "Destination", IOT_FT_EUI64, .blurb =
    "Extended (EUI-64) address of the receiver: the factory address of its radio chip." },
  [F_SRC_PAN] = { "wpan.src_pan", "Source PAN", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Network of the sender, when it is sent apart from the destination PAN." },
  [F_SRC16] = { "wpan.src16", "Source", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Short address of the sender, handed out by its coordinator when it joined." },
  [F_SRC64] = { "wpan.src64", "Extended Source", IOT_FT_EUI64, .blurb =
    "Extended (EUI-64) address of the sender; for a short source, the one the capture saw it associate with." },
  [F_ADDR16] = { "wpan.addr16", "Address", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Either short address of the frame: filter on it to see both directions." },
  [F_ADDR64] = { "wpan.addr64", "Extended Address", IOT_FT_EUI64, .blurb =
    "Either extended address of the frame (including one known from an association)." },
  [F_SRC64_ORIGIN] = { "wpan.src64.origin", "Origin", IOT_FT_FRAMENUM, .blurb =
    "Frame where the coordinator gave this short address to that extended address." },
  [F_FCS] = { "wpan.fcs", "FCS", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Frame check sequence: a CRC-16 over the frame; the receiver drops frames whose CRC does not match." },
  [F_FCS32] = { "wpan.fcs32", "FCS", IOT_FT_UINT32, IOT_BASE_HEX, NULL, 0,
    "Frame check sequence as a CRC-32 (some SUN PHYs use it)." },
  [F_RSSI] = { "wpan.rssi", "RSSI", IOT_FT_INT8, IOT_BASE_DEC, NULL, 0,
    "Received signal strength the sniffer's radio measured, in dBm (closer to 0 is stronger)." },
  [F_FCS_OK] = { "wpan.fcs_ok", "FCS Valid", IOT_FT_BOOLEAN, .blurb =
    "Whether the frame arrived intact (its CRC matched, or the sniffer said so); also true when the capture carries no CRC.", BOOL_TF },
  [F_CORRELATION] = { "wpan.correlation", "LQI Correlation Value", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Chip correlation the radio measured, a link-quality figure (about 110 is excellent, 50 poor)." },
  [F_HEADER_IE_TLV] = { "wpan.header_ie_tlv", "IE Header", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Two-byte header of an information element: type, id and length." },
  [F_HEADER_IE_TYPE] = { "wpan.header_ie.type", "Type", IOT_FT_UINT16, IOT_BASE_DEC, ie_type_names, 0x8000,
    "0 for a header IE (read by the MAC), 1 for a payload IE." },
  [F_HEADER_IE_ID] = { "wpan.header_ie.id", "Id", IOT_FT_UINT16, IOT_BASE_HEX, header_ie_names, 0x7f80,
    "Which header IE this is (0x1a CSL, 0x1e time correction, 0x7e/0x7f terminations)." },
  [F_HEADER_IE_LENGTH] = { "wpan.header_ie.length", "Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0x007f,
    "Bytes of content after the IE header." },
  [F_TIME_SYNC_INFO] = { "wpan.header_ie.time_correction.time_sync_info", "Time Sync Info", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Raw time correction word of an enhanced ack: the nack bit and the correction." },
  [F_NACK] = { "wpan.nack", "Nack", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x8000,
    "The enhanced ack refuses the frame (a negative acknowledgement).", BOOL_TF, .bits = 16 },
  [F_TIME_CORRECTION] = { "wpan.header_ie.time_correction.value", "Time Correction", IOT_FT_INT16, IOT_BASE_DEC, NULL, 0x0fff,
    "How far, in microseconds, the frame arrived from when the receiver expected it: the sender adjusts its clock (TSCH, CSL)." },
  [F_CSL_PHASE] = { "wpan.header_ie.csl.phase", "Phase", IOT_FT_INT16, IOT_BASE_DEC, NULL, 0,
    "Coordinated sampled listening: time, in units of 10 symbols, until the sender next listens." },
  [F_CSL_PERIOD] = { "wpan.header_ie.csl.period", "Period", IOT_FT_INT16, IOT_BASE_DEC, NULL, 0,
    "How often the (sleepy) sender wakes to listen, in units of 10 symbols." },
  [F_CSL_RENDEZVOUS] = { "wpan.header_ie.csl.rendezvous_time", "Rendezvous Time", IOT_FT_INT16, IOT_BASE_DEC, NULL, 0,
    "When the payload frame will follow a wake-up frame." },
  [F_CMD] = { "wpan.cmd", "Command Identifier", IOT_FT_UINT8, IOT_BASE_HEX, cmd_names, 0,
    "Which MAC command this is: joining (association), polling a parent (data request), looking for networks (beacon request) …" },
  [F_CINFO_ALT_COORD] = { "wpan.cinfo.alt_coord", "Alternate PAN Coordinator", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x01,
    "The joining device could act as PAN coordinator.", BOOL_TF, .bits = 8 },
  [F_CINFO_DEVICE_TYPE] = { "wpan.cinfo.device_type", "Device Type", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x02,
    "Set for a full-function device (can route: a Zigbee router), clear for a reduced-function one (an end device).", .true_word = "FFD", .false_word = "RFD", .bits = 8 },
  [F_CINFO_POWER_SRC] = { "wpan.cinfo.power_src", "Power Source", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x04,
    "Set when the device runs from mains power, clear on batteries.", .true_word = "AC/Mains Power", .false_word = "Battery", .bits = 8 },
  [F_CINFO_IDLE_RX] = { "wpan.cinfo.idle_rx", "Receive On When Idle", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x08,
    "The device keeps its receiver on; clear for sleepy devices that must poll their parent.", BOOL_TF, .bits = 8 },
  [F_CINFO_SEC_CAPABLE] = { "wpan.cinfo.sec_capable", "Security Capability", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x40,
    "The device can use MAC-layer security.", BOOL_TF, .bits = 8 },
  [F_CINFO_ALLOC_ADDR] = { "wpan.cinfo.alloc_addr", "Allocate Address", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x80,
    "The device asks the coordinator for a short address.", BOOL_TF, .bits = 8 },
  [F_ASSOC_ADDR] = { "wpan.asoc.addr", "Short Address", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Short address the coordinator gives the joining device (0xfffe: use the extended one)." },
  [F_ASSOC_STATUS] = { "wpan.assoc.status", "Association Status", IOT_FT_UINT8, IOT_BASE_HEX, assoc_status_names, 0,
    "Whether the coordinator let the device join (0) or refused it (full, access denied)." },
  [F_DISASSOC_REASON] = { "wpan.disassoc.reason", "Disassociation Reason", IOT_FT_UINT8, IOT_BASE_HEX, disassoc_reason_names, 0,
    "Who ends the membership: the coordinator sends the device away (1) or the device leaves (2)." },
  [F_REALIGN_PAN] = { "wpan.realign.pan", "PAN ID", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "PAN id the coordinator uses (answering an orphaned device, or after changing it)." },
  [F_REALIGN_ADDR] = { "wpan.realign.addr", "Coordinator Short Address", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Short addresses in a realignment: the coordinator's, then the orphan's." },
  [F_REALIGN_CHANNEL] = { "wpan.realign.channel", "Logical Channel", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Radio channel the PAN uses (11–26 at 2.4 GHz)." },
  [F_REALIGN_CHANNEL_PAGE] = { "wpan.realign.channel_page", "Channel Page", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Channel page (band and modulation family) of that channel." },
  [F_BEACON_ORDER] = { "wpan.beacon_order", "Beacon Interval", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0x000f,
    "How often beacons are sent (2^n × 15.36 ms at 2.4 GHz); 15 means no regular beacons (a non-beacon network, as Zigbee and Thread use)." },
  [F_SUPERFRAME_ORDER] = { "wpan.superframe_order", "Superframe Interval", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0x00f0,
    "How long the active part of the beacon interval lasts; 15 in non-beacon networks." },
  [F_CAP] = { "wpan.cap", "Final CAP Slot", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0x0f00,
    "Last slot of the contention-access period (where anyone may transmit)." },
  [F_BATTERY_EXT] = { "wpan.battery_ext", "Battery Extension", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x1000,
    "The coordinator shortens its receive window after the beacon to save battery.", BOOL_TF, .bits = 16 },
  [F_BCN_COORD] = { "wpan.bcn_coord", "PAN Coordinator", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x4000,
    "The beacon comes from the PAN coordinator itself (a Zigbee coordinator, not a router).", BOOL_TF, .bits = 16 },
  [F_ASSOC_PERMIT] = { "wpan.assoc_permit", "Association Permit", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x8000,
    "The sender accepts new devices right now (\"permit join\" is open).", BOOL_TF, .bits = 16 },
  [F_GTS_COUNT] = { "wpan.gts.count", "GTS Descriptor Count", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "How many guaranteed time slots the beacon hands out." },
  [F_GTS_PERMIT] = { "wpan.gts.permit", "GTS Permit", IOT_FT_BOOLEAN, .blurb =
    "The coordinator accepts requests for guaranteed time slots.", BOOL_TF },
  [F_PENDING16] = { "wpan.pending16", "Address", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Short address of a sleeping device the coordinator holds frames for: it should poll." },
  [F_PENDING64] = { "wpan.pending64", "Address", IOT_FT_EUI64, .blurb =
    "Extended address of a sleeping device the coordinator holds frames for." },
  [F_SEC_LEVEL] = { "wpan.aux_sec.sec_level", "Security Level", IOT_FT_UINT8, IOT_BASE_HEX, sec_level_names, 0x07,
    "Whether the MAC encrypts the payload and how long its integrity code is." },
  [F_SEC_CONTROL] = { "wpan.aux_sec.security_control_field", "Security Control Field", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "First byte of the MAC security header: level, key identifier mode and flags." },
  [F_KEY_ID_MODE] = { "wpan.aux_sec.key_id_mode", "Key Identifier Mode", IOT_FT_UINT8, IOT_BASE_HEX, key_id_mode_names, 0x18,
    "How the key is named: implicitly, by index, or by index and key source." },
  [F_FC_SUPPRESSION] = { "wpan.aux_sec.frame_counter_suppression", "Frame Counter Suppression", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x20,
    "The frame counter is left out (TSCH uses the slot number instead).", BOOL_TF, .bits = 8 },
  [F_ASN_IN_NONCE] = { "wpan.aux_sec.asn_in_nonce", "ASN in Nonce", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x40,
    "The nonce uses the absolute slot number instead of the frame counter.", BOOL_TF, .bits = 8 },
  [F_SEC_RESERVED] = { "wpan.aux_sec.reserved", "Reserved", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0x80,
    "Unused bit; zero." },
  [F_FRAME_COUNTER] = { "wpan.aux_sec.frame_counter", "Frame Counter", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Counter the sender never repeats under one key: it makes each nonce unique and stops replays." },
  [F_KEY_INDEX] = { "wpan.aux_sec.key_index", "Key Index", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "Which of the network's keys protects the frame." },
  [F_MIC] = { "wpan.mic", "MIC", IOT_FT_BYTES, .blurb =
    "Message integrity code: proves the frame was made with the key and not altered." },
  [F_KEY_SOURCE] = { "wpan.aux_sec.key_source", "Key Source", IOT_FT_UINT64, IOT_BASE_HEX, NULL, 0,
    "Names the key group with an explicit key (Thread MLE: the key sequence the key was derived for)." },
  [F_KEY_SOURCE_BYTES] = { "wpan.aux_sec.key_source.bytes", "Key Source", IOT_FT_BYTES, .blurb =
    "The key source as sent." },
  [F_KEY_NUMBER] = { "wpan.key_number", "Key Number", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Which entry of the configured 802.15.4 keys opened the frame (counted from 0)." },
};

/* ---- per-capture state: short addresses handed out -------------------------- */

typedef struct {
  guint8   eui[8];
  guint32  frame;
  gboolean from_upper;   /* learned from a layer above the MAC (Zigbee NWK) */
} WpanMapping;

typedef struct {
  GHashTable *by_short;     /* PAN << 16 | short → WpanMapping */
  GMutex      lock;
  gboolean    seq_acquired; /* Thread key sequence taken from an MLE key source */
  guint32     seq_ctr;
} WpanState;

static gpointer
wpan_state_new (void)
{
  WpanState *st = g_new0 (WpanState, 1);

  st->by_short = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  g_mutex_init (&st->lock);
  return st;
}

static void
wpan_state_free (gpointer p)
{
  WpanState *st = p;

  g_hash_table_unref (st->by_short);
  g_mutex_clear (&st->lock);
  g_free (st);
}

/* First pass: @eui now answers to @short_addr in @pan.  An unchanged
 * mapping keeps the frame that first made it, except that the first
 * upper-layer sighting replaces one made by a MAC association response
 * (tshark keeps the NWK layer's mappings apart and prefers them). */
static void
remember_mapping (IotPacket *pkt, guint16 pan, guint16 short_addr, const guint8 eui[8],
                  gboolean from_upper)
{
  WpanState *st = iot_packet_state (pkt, &iot_dissector_wpan);
  gpointer key = GUINT_TO_POINTER ((guint) pan << 16 | short_addr);
  WpanMapping *m;

  if (st == NULL || !iot_packet_first_pass (pkt) || short_addr >= 0xfffe)
    return;
  m = g_hash_table_lookup (st->by_short, key);
  if (m != NULL && memcmp (m->eui, eui, 8) == 0 && (m->from_upper || !from_upper))
    return;
  m = g_new (WpanMapping, 1);
  memcpy (m->eui, eui, 8);
  m->frame = iot_packet_frame_number (pkt);
  m->from_upper = from_upper;
  g_hash_table_replace (st->by_short, key, m);
}

static const WpanMapping *
lookup_mapping (IotPacket *pkt, guint16 pan, guint16 short_addr)
{
  WpanState *st = iot_packet_state (pkt, &iot_dissector_wpan);
  const WpanMapping *m;

  if (st == NULL)
    return NULL;
  m = g_hash_table_lookup (st->by_short, GUINT_TO_POINTER ((guint) pan << 16 | short_addr));
  return m != NULL && m->frame <= iot_packet_frame_number (pkt) ? m : NULL;
}

void
iot_wpan_remember_address (IotPacket *pkt, guint16 pan, guint16 short_addr, const guint8 eui[8])
{
  remember_mapping (pkt, pan, short_addr, eui, TRUE);
}

const guint8 *
iot_wpan_lookup_address (IotPacket *pkt, guint16 pan, guint16 short_addr, guint32 *origin)
{
  const WpanMapping *m = lookup_mapping (pkt, pan, short_addr);

  if (m == NULL)
    return NULL;
  *origin = m->frame;
  return m->eui;
}

/* ---- frame check sequences --------------------------------------------------- */

/* ITU-T CRC-16 as 802.15.4 sends it: polynomial 0x1021 reflected, initial 0. */
static guint16
crc16 (const guint8 *p, guint len)
{
  guint16 crc = 0;

  for (guint i = 0; i < len; i++)
    {
      crc ^= p[i];
      for (int b = 0; b < 8; b++)
        crc = (crc & 1) ? (crc >> 1) ^ 0x8408 : crc >> 1;
    }
  return crc;
}

/* The CRC-32 of IEEE 802.3, which the SUN PHYs may use instead. */
static guint32
crc32 (const guint8 *p, guint len)
{
  guint32 crc = 0xffffffff;

  for (guint i = 0; i < len; i++)
    {
      crc ^= p[i];
      for (int b = 0; b < 8; b++)
        crc = (crc & 1) ? (crc >> 1) ^ 0xedb88320 : crc >> 1;
    }
  return ~crc;
}

static guint
trailer_length (IotWpanFcs fcs)
{
  return fcs == IOT_WPAN_FCS_32 ? 4 : fcs == IOT_WPAN_FCS_NONE ? 0 : 2;
}

/* Whether the frame arrived intact, as its trailer says. */
static gboolean
frame_intact (IotBuf *buf, guint mac_len, IotWpanFcs fcs)
{
  switch (fcs)
    {
    case IOT_WPAN_FCS_16:
      return crc16 (iot_buf_ptr (buf, 0, mac_len), mac_len) == iot_buf_u16le (buf, mac_len);
    case IOT_WPAN_FCS_32:
      return crc32 (iot_buf_ptr (buf, 0, mac_len), mac_len) == iot_buf_u32le (buf, mac_len);
    case IOT_WPAN_FCS_CC24XX:
      return (iot_buf_u8 (buf, mac_len + 1) & 0x80) != 0;
    case IOT_WPAN_FCS_NONE:
    default:
      return TRUE;
    }
}

/* Adds the trailer's fields (last in the tree, where the bytes are). */
static void
add_trailer (IotPacket *pkt, int tree, IotBuf *buf, guint mac_len, IotWpanFcs fcs, gboolean ok,
             int expert_tree, IotTapWpan *rec)
{
  int node;

  switch (fcs)
    {
    case IOT_WPAN_FCS_16:
      {
        node = iot_tree_add_item (pkt, tree, &wpan_fields[F_FCS], buf, mac_len, 2, TRUE);
        iot_tree_append_label (pkt, node, ok ? " (Correct)" : " (Incorrect)");
      }
      break;
    case IOT_WPAN_FCS_32:
      {
        node = iot_tree_add_item (pkt, tree, &wpan_fields[F_FCS32], buf, mac_len, 4, TRUE);
        iot_tree_append_label (pkt, node, ok ? " (Correct)" : " (Incorrect)");
      }
      break;
    case IOT_WPAN_FCS_CC24XX:
      {
        guint8 meta = iot_buf_u8 (buf, mac_len + 1);

        if (rec != NULL)
          {
            rec->has_rssi = TRUE;
            rec->rssi = (gint8) iot_buf_u8 (buf, mac_len);
          }
        iot_tree_add_int (pkt, tree, &wpan_fields[F_RSSI], buf, mac_len, 1, (gint8) iot_buf_u8 (buf, mac_len));
        iot_tree_add_uint (pkt, tree, &wpan_fields[F_CORRELATION], buf, mac_len + 1, 1, meta & 0x7f);
      }
      break;
    case IOT_WPAN_FCS_NONE:
    default:
      break;
    }
  if (rec != NULL)
    rec->fcs_ok = ok;
  node = iot_tree_add_boolean (pkt, tree, &wpan_fields[F_FCS_OK], buf, mac_len, trailer_length (fcs), ok);
  iot_tree_set_hidden (pkt, node);
  if (!ok)
    iot_expert_add_info (pkt, expert_tree >= 0 ? expert_tree : node, &wpan_experts[E_FCS_BAD], "Bad FCS");
}

/* ---- addresses ------------------------------------------------------------- */

typedef struct {
  guint   mode;
  guint16 short_addr;
  guint8  eui[8];
} WpanAddr;

static void
format_addr (const WpanAddr *a, char *out, gsize size)
{
  if (a->mode == ADDR_SHORT && a->short_addr == 0xffff)
    g_strlcpy (out, "Broadcast", size);
  else if (a->mode == ADDR_SHORT)
    g_snprintf (out, size, "0x%04x", a->short_addr);
  else if (a->mode == ADDR_LONG)
    g_snprintf (out, size, "%02x:%02x:%02x:%02x:%02x:%02x:%02x:%02x",
                a->eui[0], a->eui[1], a->eui[2], a->eui[3], a->eui[4], a->eui[5], a->eui[6], a->eui[7]);
  else
    out[0] = '\0';
}

static void
set_column_address (IotPacket *pkt, const WpanAddr *a, gboolean is_src)
{
  IotAddress addr = { 0 };

  if (a->mode == ADDR_SHORT)
    {
      addr.family = IOT_ADDR_WPAN_SHORT;
      addr.bytes[0] = a->short_addr >> 8;
      addr.bytes[1] = a->short_addr & 0xff;
    }
  else if (a->mode == ADDR_LONG)
    {
      addr.family = IOT_ADDR_WPAN_LONG;
      memcpy (addr.bytes, a->eui, 8);
    }
  else
    addr.family = IOT_ADDR_WPAN_NONE;
  if (is_src)
    iot_packet_set_net_src (pkt, &addr);
  else
    iot_packet_set_net_dst (pkt, &addr);
}

/* An extended address as the bytes the filter and the columns use (most
 * significant first; the air carries it least significant first). */
static guint8 *
read_eui64 (IotPacket *pkt, IotBuf *buf, guint off)
{
  const guint8 *p = iot_buf_ptr (buf, off, 8);
  guint8 *eui = iot_packet_alloc (pkt, 8);

  for (int i = 0; i < 8; i++)
    eui[i] = p[7 - i];
  return eui;
}

static void
add_eui64 (IotPacket *pkt, int tree, int field, IotBuf *buf, guint off, const guint8 *eui)
{
  int node;

  iot_tree_add_bytes (pkt, tree, &wpan_fields[field], buf, off, 8, eui, 8);
  node = iot_tree_add_bytes (pkt, tree, &wpan_fields[F_ADDR64], buf, off, 8, eui, 8);
  iot_tree_set_hidden (pkt, node);
}

static void
add_short (IotPacket *pkt, int tree, int field, IotBuf *buf, guint off)
{
  int node;

  iot_tree_add_item (pkt, tree, &wpan_fields[field], buf, off, 2, TRUE);
  node = iot_tree_add_item (pkt, tree, &wpan_fields[F_ADDR16], buf, off, 2, TRUE);
  iot_tree_set_hidden (pkt, node);
}

/* Reads an address of @mode at *off, advancing it. */
static void
read_address (IotPacket *pkt, int tree, IotBuf *buf, guint *off, WpanAddr *a, gboolean is_src)
{
  if (a->mode == ADDR_SHORT)
    {
      a->short_addr = iot_buf_u16le (buf, *off);
      add_short (pkt, tree, is_src ? F_SRC16 : F_DST16, buf, *off);
      *off += 2;
    }
  else if (a->mode == ADDR_LONG)
    {
      const guint8 *eui = read_eui64 (pkt, buf, *off);

      memcpy (a->eui, eui, 8);
      add_eui64 (pkt, tree, is_src ? F_SRC64 : F_DST64, buf, *off, eui);
      *off += 8;
    }
}

/* Which PAN ids are present, per 802.15.4-2015 table 7-2 for frame
 * version 2, and per the 2003/2006 rule otherwise. */
static void
pan_ids_present (guint version, guint dst_mode, guint src_mode, gboolean compressed,
                 gboolean *dst_pan, gboolean *src_pan)
{
  if (version < 2)
    {
      *dst_pan = dst_mode != ADDR_NONE;
      *src_pan = src_mode != ADDR_NONE && !(compressed && dst_mode != ADDR_NONE);
      return;
    }
  if (dst_mode == ADDR_NONE && src_mode == ADDR_NONE)
    {
      *dst_pan = compressed;
      *src_pan = FALSE;
    }
  else if (src_mode == ADDR_NONE)
    {
      *dst_pan = !compressed;
      *src_pan = FALSE;
    }
  else if (dst_mode == ADDR_NONE)
    {
      *dst_pan = FALSE;
      *src_pan = !compressed;
    }
  else if (dst_mode == ADDR_LONG && src_mode == ADDR_LONG)
    {
      *dst_pan = !compressed;
      *src_pan = FALSE;
    }
  else
    {
      *dst_pan = TRUE;
      *src_pan = !compressed;
    }
}

/* ---- header information elements ---------------------------------------------- */

static void
add_header_ie_content (IotPacket *pkt, int tree, IotBuf *buf, guint off, guint id, guint len)
{
  if (id == IE_CSL && len >= 4)
    {
      iot_tree_add_item (pkt, tree, &wpan_fields[F_CSL_PHASE], buf, off, 2, TRUE);
      iot_tree_add_item (pkt, tree, &wpan_fields[F_CSL_PERIOD], buf, off + 2, 2, TRUE);
      if (len >= 6)
        iot_tree_add_item (pkt, tree, &wpan_fields[F_CSL_RENDEZVOUS], buf, off + 4, 2, TRUE);
    }
  else if (id == IE_TIME_CORR && len == 2)
    {
      guint16 word = iot_buf_u16le (buf, off);
      gint16 correction = word & 0x0fff;

      if (correction & 0x0800)
        correction -= 0x1000;   /* a 12-bit two's complement value */
      iot_tree_add_item (pkt, tree, &wpan_fields[F_TIME_SYNC_INFO], buf, off, 2, TRUE);
      iot_tree_add_item (pkt, tree, &wpan_fields[F_NACK], buf, off, 2, TRUE);
      iot_tree_add_int (pkt, tree, &wpan_fields[F_TIME_CORRECTION], buf, off, 2, correction);
    }
}

/* Returns the offset after the header IEs; *payload_ies tells whether
 * payload IEs follow (header termination 1). */
static guint
dissect_header_ies (IotPacket *pkt, int parent, IotBuf *buf, guint off, guint end,
                    gboolean *payload_ies)
{
  int list = iot_tree_add_text (pkt, parent, buf, off, 0, "Header IEs");
  guint start = off;

  *payload_ies = FALSE;
  while (off + 2 <= end)
    {
      guint16 header = iot_buf_u16le (buf, off);
      guint id = (header >> 7) & 0xff, len = header & 0x7f;
      const char *name = iot_value_name (header_ie_names, id);
      int ie = iot_tree_add_text (pkt, list, buf, off, 2 + len, "%s", name ? name : "Unsupported Header IE");

      iot_tree_add_item (pkt, ie, &wpan_fields[F_HEADER_IE_TLV], buf, off, 2, TRUE);
      iot_tree_add_item (pkt, ie, &wpan_fields[F_HEADER_IE_TYPE], buf, off, 2, TRUE);
      iot_tree_add_item (pkt, ie, &wpan_fields[F_HEADER_IE_ID], buf, off, 2, TRUE);
      iot_tree_add_item (pkt, ie, &wpan_fields[F_HEADER_IE_LENGTH], buf, off, 2, TRUE);
      iot_buf_check (buf, off + 2, len);
      add_header_ie_content (pkt, ie, buf, off + 2, id, len);
      off += 2 + len;
      if (id == IE_HT1 || id == IE_HT2)
        {
          *payload_ies = id == IE_HT1;
          break;
        }
    }
  iot_tree_set_length (pkt, list, off - start);
  return off;
}

/* ---- MAC security header ------------------------------------------------------ */

static guint8
mic_length (guint level)
{
  static const guint8 lengths[8] = { 0, 4, 8, 16, 0, 4, 8, 16 };

  return lengths[level & 7];
}

/* Fills @aux and returns the length of the MIC at the end of the payload. */
static guint
dissect_aux_security (IotPacket *pkt, int parent, IotBuf *buf, guint *off, IotWpanAuxSec *aux)
{
  guint8 control = iot_buf_u8 (buf, *off);
  guint key_mode = (control >> 3) & 3;
  int tree = iot_tree_add_text (pkt, parent, buf, *off, 1, "Auxiliary Security Header");
  guint start = *off;

  memset (aux, 0, sizeof *aux);
  aux->level = control & 7;
  aux->key_id_mode = key_mode;
  iot_tree_add_item (pkt, tree, &wpan_fields[F_SEC_CONTROL], buf, *off, 1, FALSE);
  iot_tree_add_item (pkt, tree, &wpan_fields[F_SEC_LEVEL], buf, *off, 1, FALSE);
  iot_tree_add_item (pkt, tree, &wpan_fields[F_KEY_ID_MODE], buf, *off, 1, FALSE);
  iot_tree_add_item (pkt, tree, &wpan_fields[F_FC_SUPPRESSION], buf, *off, 1, FALSE);
  iot_tree_add_item (pkt, tree, &wpan_fields[F_ASN_IN_NONCE], buf, *off, 1, FALSE);
  iot_tree_add_item (pkt, tree, &wpan_fields[F_SEC_RESERVED], buf, *off, 1, FALSE);
  *off += 1;
  if (!(control & 0x20))
    {
      aux->frame_counter = iot_buf_u32le (buf, *off);
      aux->has_counter = TRUE;
      iot_tree_add_item (pkt, tree, &wpan_fields[F_FRAME_COUNTER], buf, *off, 4, TRUE);
      *off += 4;
    }
  if (key_mode != 0)
    {
      guint source_len = key_mode == 2 ? 4 : key_mode == 3 ? 8 : 0;

      if (source_len > 0)
        {
          /* Shown as a number as the key source is read: big-endian. */
          aux->key_source = source_len == 4 ? iot_buf_u32 (buf, *off) : iot_buf_u64 (buf, *off);
          iot_tree_add_uint (pkt, tree, &wpan_fields[F_KEY_SOURCE], buf, *off, source_len, aux->key_source);
          iot_tree_add_bytes (pkt, tree, &wpan_fields[F_KEY_SOURCE_BYTES], buf, *off, source_len,
                              iot_buf_ptr (buf, *off, source_len), source_len);
          *off += source_len;
        }
      aux->key_index = iot_buf_u8 (buf, *off);
      iot_tree_add_item (pkt, tree, &wpan_fields[F_KEY_INDEX], buf, *off, 1, FALSE);
      *off += 1;
    }
  iot_tree_set_length (pkt, tree, *off - start);
  return mic_length (control);
}

guint
iot_wpan_dissect_aux_security (IotPacket *pkt, int parent, IotBuf *buf, guint *off, IotWpanAuxSec *aux)
{
  return dissect_aux_security (pkt, parent, buf, off, aux);
}

/* ---- keys --------------------------------------------------------------------- */

/* The Thread key sequence a frame naming only a key index means: the
 * counter (from the first MLE key source when acquiring is on, else the
 * thread.thr_seq_ctr preference) with its low 7 bits from the index. */
static guint32
thread_sequence_for_index (IotPacket *pkt, const IotThreadPrefs *prefs, guint8 key_index)
{
  WpanState *st = iot_packet_state (pkt, &iot_dissector_wpan);
  guint32 base = prefs->seq_ctr;

  if (st != NULL)
    {
      g_mutex_lock (&st->lock);
      if (st->seq_acquired)
        base = st->seq_ctr;
      g_mutex_unlock (&st->lock);
    }
  return (base & ~(guint32) 0x7f) | ((guint32) (key_index - 1) & 0x7f);
}

/* MLE key sources tell the key sequence in use: the first one seen sets
 * the counter for MAC frames (thread.thr_auto_acq_thr_seq_ctr). */
static void
acquire_thread_sequence (IotPacket *pkt, guint32 seq)
{
  WpanState *st = iot_packet_state (pkt, &iot_dissector_wpan);

  if (st == NULL)
    return;
  g_mutex_lock (&st->lock);
  if (!st->seq_acquired)
    {
      st->seq_acquired = TRUE;
      st->seq_ctr = seq;
    }
  g_mutex_unlock (&st->lock);
}

static void
thread_key (const IotWpanKey *entry, const IotThreadPrefs *prefs, guint16 src_pan, guint32 seq,
            IotWpanKeyUse use, guint8 out[16])
{
  guint8 network_key[16];

  memcpy (network_key, entry->key, 16);
  if (prefs->use_pan_id_in_key)
    {
      network_key[0] = src_pan & 0xff;
      network_key[1] = src_pan >> 8;
    }
  iot_thread_derive_keys (network_key, seq, use == IOT_WPAN_KEY_FOR_MLE ? out : NULL,
                          use == IOT_WPAN_KEY_FOR_MAC ? out : NULL);
}

/* The keys entry @entry gives for a frame: none, one, or for a Thread
 * network key two (the key sequence and the one with bit 7 of its low
 * byte flipped, in case the counter wrapped past a multiple of 128). */
static guint
entry_keys (IotPacket *pkt, const IotWpanKey *entry, const IotThreadPrefs *prefs, const IotWpanAuxSec *aux,
            guint16 src_pan, IotWpanKeyUse use, guint8 keys[2][16])
{
  guint32 seq;

  if (entry->hash != IOT_WPAN_KEY_HASH_THREAD)
    {
      /* A key as given (or its ZigBee IP hash) serves the frames that name
       * its key index, whatever the key identifier mode. */
      if (aux->key_index != entry->key_index)
        return 0;
      if (entry->hash == IOT_WPAN_KEY_HASH_ZIP)
        iot_zigbee_ip_derive_key (entry->key, keys[0]);
      else
        memcpy (keys[0], entry->key, 16);
      return 1;
    }
  if (aux->key_id_mode == 1)
    seq = thread_sequence_for_index (pkt, prefs, aux->key_index);
  else if (aux->key_id_mode == 2 && use == IOT_WPAN_KEY_FOR_MLE)
    {
      seq = (guint32) aux->key_source;
      if (prefs->auto_acquire)
        acquire_thread_sequence (pkt, seq);
    }
  else
    return 0;
  thread_key (entry, prefs, src_pan, seq, use, keys[0]);
  thread_key (entry, prefs, src_pan, seq ^ 0x80, use, keys[1]);
  return 2;
}

gint
iot_wpan_try_keys (IotPacket *pkt, const IotWpanAuxSec *aux, guint16 src_pan, IotWpanKeyUse use,
                   IotWpanTryKey try_key, gpointer data)
{
  IotSecrets *secrets = iot_secrets_default ();
  IotThreadPrefs prefs = iot_secrets_thread_prefs (secrets);
  IotWpanKey entry;

  for (guint n = 0; iot_secrets_wpan_key (secrets, n, &entry); n++)
    {
      guint8 keys[2][16];
      guint count = entry_keys (pkt, &entry, &prefs, aux, src_pan, use, keys);

      for (guint k = 0; k < count; k++)
        if (try_key (keys[k], data))
          return (gint) n;
    }
  return -1;
}

/* The addresses live in the frame's scratch memory; the wpan layer value
 * points at them once the MAC header is read (before that it may hold the
 * FCS mode a carrier asked for). */
static void
publish_addresses (IotPacket *pkt, const WpanAddr *src, const WpanAddr *dst, guint16 pan)
{
  IotWpanAddresses *a = iot_packet_alloc (pkt, sizeof *a);

  a->src_mode = src->mode;
  a->dst_mode = dst->mode;
  a->src16 = src->short_addr;
  a->dst16 = dst->short_addr;
  a->pan = pan;
  memcpy (a->src64, src->eui, 8);
  memcpy (a->dst64, dst->eui, 8);
  iot_packet_set_layer_value (pkt, &iot_dissector_wpan, (guint64) (guintptr) a);
}

const IotWpanAddresses *
iot_wpan_addresses (IotPacket *pkt)
{
  guint64 v = iot_packet_layer_value (pkt, &iot_dissector_wpan);

  /* Small values are FCS modes set by a carrier, not pointers. */
  return v > IOT_WPAN_FCS_CC24XX ? (const IotWpanAddresses *) (guintptr) v : NULL;
}

/* ---- frame bodies ------------------------------------------------------------ */

static void
dissect_opaque (IotPacket *pkt, IotBuf *buf, guint off, guint end)
{
  IotBuf rest;

  if (off >= end)
    return;
  rest = iot_buf_sub (buf, off, end - off);
  iot_call_data (pkt, &rest, -1);
}

static void
dissect_beacon (IotPacket *pkt, int tree, IotBuf *buf, guint off, guint end)
{
  guint8 gts, pending;
  guint n_short, n_long;
  int node;
  IotBuf payload;

  iot_tree_add_item (pkt, tree, &wpan_fields[F_BEACON_ORDER], buf, off, 2, TRUE);
  iot_tree_add_item (pkt, tree, &wpan_fields[F_SUPERFRAME_ORDER], buf, off, 2, TRUE);
  iot_tree_add_item (pkt, tree, &wpan_fields[F_CAP], buf, off, 2, TRUE);
  iot_tree_add_item (pkt, tree, &wpan_fields[F_BATTERY_EXT], buf, off, 2, TRUE);
  iot_tree_add_item (pkt, tree, &wpan_fields[F_BCN_COORD], buf, off, 2, TRUE);
  iot_tree_add_item (pkt, tree, &wpan_fields[F_ASSOC_PERMIT], buf, off, 2, TRUE);
  off += 2;
  gts = iot_buf_u8 (buf, off);
  node = iot_tree_add_text (pkt, tree, buf, off, 1, "GTS");
  iot_tree_add_uint (pkt, node, &wpan_fields[F_GTS_COUNT], buf, off, 1, gts & 0x07);
  iot_tree_add_boolean (pkt, node, &wpan_fields[F_GTS_PERMIT], buf, off, 1, (gts & 0x80) != 0);
  off += 1;
  if ((gts & 0x07) != 0)
    off += 1 + 3 * (gts & 0x07);   /* direction mask and descriptors */
  pending = iot_buf_u8 (buf, off);
  n_short = pending & 0x07;
  n_long = (pending >> 4) & 0x07;
  node = iot_tree_add_text (pkt, tree, buf, off, 1 + 2 * n_short + 8 * n_long,
                            "Pending Addresses: %u Short and %u Long", n_short, n_long);
  off += 1;
  for (guint i = 0; i < n_short; i++, off += 2)
    iot_tree_add_item (pkt, node, &wpan_fields[F_PENDING16], buf, off, 2, TRUE);
  for (guint i = 0; i < n_long; i++, off += 8)
    iot_tree_add_bytes (pkt, node, &wpan_fields[F_PENDING64], buf, off, 8, read_eui64 (pkt, buf, off), 8);
  if (off < end)
    {
      payload = iot_buf_sub (buf, off, end - off);
      if (iot_call_heuristics (pkt, "wpan.beacon", &payload, -1) < 0)
        iot_call_data (pkt, &payload, -1);
    }
}

static void
dissect_command (IotPacket *pkt, int tree, IotBuf *buf, guint off, guint end,
                 const WpanAddr *dst, guint16 dst_pan, IotTapWpan *rec)
{
  guint8 cmd = iot_buf_u8 (buf, off);
  const char *name = iot_value_name (cmd_names, cmd);

  if (rec != NULL)
    rec->cmd = cmd;
  iot_tree_add_item (pkt, tree, &wpan_fields[F_CMD], buf, off, 1, FALSE);
  iot_col_set_info (pkt, name ? name : "Unknown Command");
  off += 1;
  switch (cmd)
    {
    case CMD_ASSOC_REQ:
      {
        guint8 cinfo = iot_buf_u8 (buf, off);
        int node = iot_tree_add_text (pkt, tree, buf, off, 1, "Association Request");

        iot_tree_add_item (pkt, node, &wpan_fields[F_CINFO_ALT_COORD], buf, off, 1, FALSE);
        iot_tree_add_item (pkt, node, &wpan_fields[F_CINFO_DEVICE_TYPE], buf, off, 1, FALSE);
        iot_tree_add_item (pkt, node, &wpan_fields[F_CINFO_POWER_SRC], buf, off, 1, FALSE);
        iot_tree_add_item (pkt, node, &wpan_fields[F_CINFO_IDLE_RX], buf, off, 1, FALSE);
        iot_tree_add_item (pkt, node, &wpan_fields[F_CINFO_SEC_CAPABLE], buf, off, 1, FALSE);
        iot_tree_add_item (pkt, node, &wpan_fields[F_CINFO_ALLOC_ADDR], buf, off, 1, FALSE);
        iot_col_append_info (pkt, ", %s", (cinfo & 0x02) ? "FFD" : "RFD");
        off += 1;
      }
      break;
    case CMD_ASSOC_RSP:
      {
        guint16 addr = iot_buf_u16le (buf, off);
        guint8 status = iot_buf_u8 (buf, off + 2);

        iot_tree_add_item (pkt, tree, &wpan_fields[F_ASSOC_ADDR], buf, off, 2, TRUE);
        iot_tree_add_item (pkt, tree, &wpan_fields[F_ASSOC_STATUS], buf, off + 2, 1, FALSE);
        if (status == 0)
          {
            iot_col_append_info (pkt, ", PAN: 0x%04x Addr: 0x%04x", dst_pan, addr);
            if (dst->mode == ADDR_LONG)
              remember_mapping (pkt, dst_pan, addr, dst->eui, FALSE);
          }
        else
          iot_col_append_info (pkt, ", Unsuccessful");
        off += 3;
      }
      break;
    case CMD_DISASSOC:
      iot_tree_add_item (pkt, tree, &wpan_fields[F_DISASSOC_REASON], buf, off, 1, FALSE);
      off += 1;
      break;
    case CMD_REALIGN:
      {
        guint16 pan = iot_buf_u16le (buf, off), coord = iot_buf_u16le (buf, off + 2);
        guint8 channel = iot_buf_u8 (buf, off + 4);
        guint16 addr = iot_buf_u16le (buf, off + 5);

        iot_tree_add_item (pkt, tree, &wpan_fields[F_REALIGN_PAN], buf, off, 2, TRUE);
        iot_tree_add_item (pkt, tree, &wpan_fields[F_REALIGN_ADDR], buf, off + 2, 2, TRUE);
        iot_tree_add_item (pkt, tree, &wpan_fields[F_REALIGN_CHANNEL], buf, off + 4, 1, FALSE);
        iot_tree_add_item (pkt, tree, &wpan_fields[F_REALIGN_ADDR], buf, off + 5, 2, TRUE);
        iot_col_append_info (pkt, ", PAN: 0x%04x, Coordinator: 0x%04x, Channel: %u, Addr: 0x%04x",
                             pan, coord, channel, addr);
        off += 7;
        if (off < end)
          {
            iot_tree_add_item (pkt, tree, &wpan_fields[F_REALIGN_CHANNEL_PAGE], buf, off, 1, FALSE);
            off += 1;
          }
        if (dst->mode == ADDR_LONG)
          remember_mapping (pkt, pan, addr, dst->eui, FALSE);
      }
      break;
    default:
      break;
    }
  dissect_opaque (pkt, buf, off, end);
}

static void
dissect_data (IotPacket *pkt, IotBuf *buf, guint off, guint end)
{
  IotBuf payload;

  if (off >= end)
    return;
  payload = iot_buf_sub (buf, off, end - off);
  if (iot_call_heuristics (pkt, "wpan", &payload, -1) < 0)
    iot_call_data (pkt, &payload, -1);
}

/* ---- the frame ---------------------------------------------------------------- */

static void
add_fcf (IotPacket *pkt, int tree, IotBuf *buf)
{
  static const int bits[] = {
    F_FRAME_TYPE, F_SECURITY, F_PENDING, F_ACK_REQUEST, F_PAN_ID_COMPRESSION, F_FCF_RESERVED,
    F_SEQNO_SUPPRESSION, F_IE_PRESENT, F_DST_ADDR_MODE, F_VERSION, F_SRC_ADDR_MODE,
  };
  int node = iot_tree_add_item (pkt, tree, &wpan_fields[F_FCF], buf, 0, 2, TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (bits); i++)
    iot_tree_add_item (pkt, node, &wpan_fields[bits[i]], buf, 0, 2, TRUE);
}

static void
info_addresses (IotPacket *pkt, const WpanAddr *dst, const WpanAddr *src)
{
  char text[32];

  if (dst->mode == ADDR_SHORT || dst->mode == ADDR_LONG)
    {
      format_addr (dst, text, sizeof text);
      iot_col_append_info (pkt, ", Dst: %s", text);
    }
  if (src->mode == ADDR_SHORT || src->mode == ADDR_LONG)
    {
      format_addr (src, text, sizeof text);
      iot_col_append_info (pkt, ", Src: %s", text);
    }
}

/* The layer's row repeats the summary, as "IEEE 802.15.4 Data, Dst: …". */
static void
label_layer (IotPacket *pkt, int tree)
{
  const char *info = iot_col_info (pkt);

  if (iot_packet_wants_tree (pkt) && info != NULL && *info != '\0')
    iot_tree_set_label (pkt, tree, "IEEE 802.15.4 %s", info);
}

/* The extended address a short source was given, shown as tshark does. */
static void
add_known_source (IotPacket *pkt, int tree, guint16 pan, const WpanAddr *src, IotTapWpan *rec)
{
  const WpanMapping *m = lookup_mapping (pkt, pan, src->short_addr);
  int node;

  if (m == NULL)
    return;
  if (rec != NULL)
    {
      rec->src64_learned = TRUE;
      memcpy (rec->learned64, m->eui, 8);
    }
  node = iot_tree_add_bytes (pkt, tree, &wpan_fields[F_SRC64], NULL, 0, 0, m->eui, 8);
  iot_tree_set_generated (pkt, node);
  node = iot_tree_add_bytes (pkt, tree, &wpan_fields[F_ADDR64], NULL, 0, 0, m->eui, 8);
  iot_tree_set_hidden (pkt, node);
  node = iot_tree_add_uint (pkt, tree, &wpan_fields[F_SRC64_ORIGIN], NULL, 0, 0, m->frame);
  iot_tree_set_generated (pkt, node);
}

/* ---- MAC payload decryption ------------------------------------------------------ */

typedef struct {
  guint8        nonce[IOT_CCM_NONCE_LEN];
  const guint8 *aad;
  gsize         aad_len;
  const guint8 *cipher;
  gsize         len;
  const guint8 *mic;
  guint         mic_len;
  guint8       *out;
  guint         attempts;
} CcmJob;

static gboolean
try_ccm_key (const guint8 key[16], gpointer data)
{
  CcmJob *job = data;

  job->attempts++;
  return iot_ccm_star_decrypt (key, job->nonce, job->aad, job->aad_len, job->cipher, job->len,
                               job->mic, job->mic_len, job->out, NULL);
}

/* Opens the payload buf[off, end) of a secured frame (its MIC follows at
 * @end): the nonce needs the sender's EUI-64, from the header or from the
 * short addresses learned so far.  On success @plain is the decrypted
 * payload (a data source of its own when it was encrypted). */
static gboolean
decrypt_payload (IotPacket *pkt, int tree, int expert_tree, IotBuf *buf, guint off, guint end, guint mic_len,
                 const IotWpanAuxSec *aux, const WpanAddr *src, guint16 src_pan, IotBuf *plain)
{
  const guint8 *src64 = NULL;
  gboolean encrypted = aux->level >= 4;
  CcmJob job = { { 0 } };
  gint key_number;
  int node;

  if (src->mode == ADDR_LONG)
    src64 = src->eui;
  else if (src->mode == ADDR_SHORT)
    {
      const WpanMapping *m = lookup_mapping (pkt, src_pan, src->short_addr);

      src64 = m ? m->eui : NULL;
    }
  if (src64 == NULL)
    {
      iot_expert_add_info (pkt, expert_tree >= 0 ? expert_tree : tree, &wpan_experts[E_NO_SOURCE], "No extended source address - can't decrypt");
      return FALSE;
    }
  if (buf->length < buf->reported || !aux->has_counter)
    {
      iot_expert_add_info (pkt, expert_tree >= 0 ? expert_tree : tree, &wpan_experts[E_NO_KEY], "No encryption key set - can't decrypt");
      return FALSE;
    }
  iot_ccm_star_nonce (src64, aux->frame_counter, aux->level, job.nonce);
  /* The header is authenticated; so is the payload when it is not encrypted. */
  job.aad_len = encrypted ? off : end;
  job.aad = iot_buf_ptr (buf, 0, job.aad_len);
  job.len = encrypted ? end - off : 0;
  job.cipher = iot_buf_ptr (buf, off, end - off);
  job.mic = mic_len ? iot_buf_ptr (buf, end, mic_len) : NULL;
  job.mic_len = mic_len;
  job.out = iot_packet_alloc (pkt, job.len ? job.len : 1);
  key_number = iot_wpan_try_keys (pkt, aux, src_pan, IOT_WPAN_KEY_FOR_MAC, try_ccm_key, &job);
  if (key_number < 0)
    {
      iot_expert_add_info (pkt, expert_tree >= 0 ? expert_tree : tree, &wpan_experts[E_NO_KEY], "No encryption key set - can't decrypt");
      /* tshark goes on with what the last key tried made of the payload
       * (shown as data); so does this, so both show the same bytes. */
      if (job.attempts > 0 && encrypted)
        {
          *plain = iot_packet_add_source (pkt, "Decrypted IEEE 802.15.4 payload", job.out, job.len);
          return FALSE;
        }
      *plain = iot_buf_sub (buf, off, end - off);
      return FALSE;
    }
  node = iot_tree_add_uint (pkt, tree, &wpan_fields[F_KEY_NUMBER], NULL, 0, 0, (guint) key_number);
  iot_tree_set_hidden (pkt, node);
  *plain = encrypted ? iot_packet_add_source (pkt, "Decrypted IEEE 802.15.4 payload", job.out, job.len)
                     : iot_buf_sub (buf, off, end - off);
  return TRUE;
}

/* The frame's IotTapWpan record, queued once the frame control is read
 * and filled in as the header is: NULL when nobody asked for it. */
static IotTapWpan *
open_record (IotPacket *pkt, guint16 fcf)
{
  IotTapWpan rec = { 0 };

  if (!iot_tap_wanted (pkt, IOT_TAP_WPAN))
    return NULL;
  rec.frame_type = fcf & 0x7;
  rec.security = (fcf & 0x0008) != 0;
  rec.ack_request = (fcf & 0x0020) != 0;
  rec.seq = -1;
  rec.dst_pan = rec.src_pan = -1;
  rec.cmd = -1;
  rec.fcs_ok = -1;
  return iot_tap_queue_open (pkt, IOT_TAP_WPAN, &rec);
}

static void
record_address (IotTapWpan *rec, const WpanAddr *a, gboolean is_src)
{
  if (rec == NULL)
    return;
  if (is_src)
    {
      rec->src_mode = a->mode == ADDR_SHORT || a->mode == ADDR_LONG ? a->mode : IOT_TAP_WPAN_ADDR_NONE;
      rec->src16 = a->short_addr;
      memcpy (rec->src64, a->eui, 8);
    }
  else
    {
      rec->dst_mode = a->mode == ADDR_SHORT || a->mode == ADDR_LONG ? a->mode : IOT_TAP_WPAN_ADDR_NONE;
      rec->dst16 = a->short_addr;
      memcpy (rec->dst64, a->eui, 8);
    }
}

int
iot_wpan_dissect_mac (IotPacket *pkt, IotBuf *buf, IotWpanFcs fcs, int parent, int expert_tree)
{
  guint trailer = trailer_length (fcs);
  guint mac_len, off = 2, end, mic = 0;
  guint16 fcf, dst_pan = 0, src_pan = 0;
  guint type, version;
  gboolean has_dst_pan, has_src_pan, fcs_ok, payload_ies = FALSE, decryptable;
  WpanAddr dst = { 0 }, src = { 0 };
  IotWpanAuxSec aux = { 0 };
  IotBuf payload, *body = buf;
  IotTapWpan *rec;
  int tree, node;

  iot_col_set_protocol (pkt, "IEEE 802.15.4");
  if (buf->reported < 2 + trailer)
    iot_malformed (pkt, "Frame shorter than a frame control and FCS");
  mac_len = buf->reported - trailer;
  tree = iot_tree_add_protocol (pkt, parent, &wpan_fields[F_PROTO], buf, 0, buf->reported);
  node = iot_tree_add_uint (pkt, tree, &wpan_fields[F_FRAME_LENGTH], NULL, 0, 0, mac_len);
  iot_tree_set_hidden (pkt, node);
  fcf = iot_buf_u16le (buf, 0);
  type = fcf & 0x7;
  version = (fcf >> 12) & 3;
  dst.mode = (fcf >> 10) & 3;
  src.mode = (fcf >> 14) & 3;
  add_fcf (pkt, tree, buf);
  rec = open_record (pkt, fcf);
  {
    const char *name = iot_value_name (frame_type_names, type);

    iot_col_set_info (pkt, name ? name : "Reserved");
  }
  if (!(fcf & 0x0100))
    {
      /* Read as the tree item reads it: a frame cut here ends here for both. */
      if (rec != NULL)
        rec->seq = iot_buf_u8 (buf, off);
      iot_tree_add_item (pkt, tree, &wpan_fields[F_SEQ_NO], buf, off, 1, FALSE);
      off += 1;
    }
  pan_ids_present (version, dst.mode, src.mode, (fcf & 0x0040) != 0, &has_dst_pan, &has_src_pan);
  if (has_dst_pan)
    {
      dst_pan = iot_buf_u16le (buf, off);
      if (rec != NULL)
        rec->dst_pan = dst_pan;
      iot_tree_add_item (pkt, tree, &wpan_fields[F_DST_PAN], buf, off, 2, TRUE);
      off += 2;
    }
  read_address (pkt, tree, buf, &off, &dst, FALSE);
  record_address (rec, &dst, FALSE);
  if (has_src_pan)
    {
      src_pan = iot_buf_u16le (buf, off);
      if (rec != NULL)
        rec->src_pan = src_pan;
      iot_tree_add_item (pkt, tree, &wpan_fields[F_SRC_PAN], buf, off, 2, TRUE);
      off += 2;
    }
  else
    src_pan = dst_pan;
  read_address (pkt, tree, buf, &off, &src, TRUE);
  record_address (rec, &src, TRUE);
  if (src.mode == ADDR_SHORT)
    add_known_source (pkt, tree, src_pan, &src, rec);
  set_column_address (pkt, &src, TRUE);
  set_column_address (pkt, &dst, FALSE);
  publish_addresses (pkt, &src, &dst, dst_pan);

  end = mac_len;
  if ((fcf & 0x0008) && version < 3)
    mic = dissect_aux_security (pkt, tree, buf, &off, &aux);
  if ((fcf & 0x0200) && version == 2)
    off = dissect_header_ies (pkt, tree, buf, off, end, &payload_ies);
  fcs_ok = frame_intact (buf, mac_len, fcs);

  if (mic > 0 && end >= off + mic)
    {
      end -= mic;
      iot_tree_add_item (pkt, tree, &wpan_fields[F_MIC], buf, end, mic, FALSE);
    }
  if (off > end)
    iot_malformed (pkt, "Header longer than the frame");
  decryptable = (fcf & 0x0008) && version >= 1 && !payload_ies && off <= end && aux.level > 0;
  payload = iot_buf_sub (buf, MIN (off, end), end - MIN (off, end));
  if (decryptable && decrypt_payload (pkt, tree, expert_tree, buf, off, end, mic, &aux, &src, src_pan, &payload))
    {
      /* The frame body continues in the decrypted bytes. */
      body = &payload;
      off = 0;
      end = payload.length;
    }
  else if ((fcf & 0x0008) || payload_ies)
    {
      /* Encrypted or carrying payload IEs we do not decode: opaque. */
      if ((fcf & 0x0008) && !decryptable)
        iot_expert_add_info (pkt, expert_tree >= 0 ? expert_tree : tree, &wpan_experts[E_NO_KEY], "No encryption key set - can't decrypt");
      info_addresses (pkt, &dst, &src);
      if (!fcs_ok)
        iot_col_append_info (pkt, ", Bad FCS");
      label_layer (pkt, tree);
      if (decryptable)
        dissect_opaque (pkt, &payload, 0, payload.length);
      else
        dissect_opaque (pkt, buf, off, end);
      add_trailer (pkt, tree, buf, mac_len, fcs, fcs_ok, expert_tree, rec);
      return buf->length;
    }
  if (type == FRAME_COMMAND)
    dissect_command (pkt, tree, body, off, end, &dst, dst_pan, rec);
  else if (type == FRAME_DATA || type == FRAME_BEACON)
    info_addresses (pkt, type == FRAME_BEACON ? &(WpanAddr) { 0 } : &dst, &src);
  if (!fcs_ok)
    iot_col_append_info (pkt, ", Bad FCS");
  label_layer (pkt, tree);
  switch (type)
    {
    case FRAME_BEACON:
      dissect_beacon (pkt, tree, body, off, end);
      break;
    case FRAME_DATA:
      dissect_data (pkt, body, off, end);
      break;
    case FRAME_COMMAND:
      break;
    case FRAME_ACK:
    default:
      dissect_opaque (pkt, body, off, end);
      break;
    }
  add_trailer (pkt, tree, buf, mac_len, fcs, fcs_ok, expert_tree, rec);
  return buf->length;
}

/* Link types 195 (with FCS) and 230 (without); under ZEP the carrier says. */
static int
dissect_wpan (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint64 carried = iot_packet_layer_value (pkt, &iot_dissector_wpan);
  IotWpanFcs fcs = carried ? (IotWpanFcs) carried
                   : iot_packet_link_type (pkt) == 230 ? IOT_WPAN_FCS_NONE : IOT_WPAN_FCS_16;

  (void) parent;
  return iot_wpan_dissect_mac (pkt, buf, fcs, -1, -1);
}

int
iot_wpan_call (IotPacket *pkt, IotBuf *buf, IotWpanFcs fcs)
{
  iot_packet_set_layer_value (pkt, &iot_dissector_wpan, fcs);
  return iot_call_dissector (pkt, &iot_dissector_wpan, buf, -1);
}

IotDissector iot_dissector_wpan = {
  .name = "IEEE 802.15.4",
  .abbrev = "wpan",
  .long_name = "IEEE 802.15.4 Low-Rate Wireless PAN",
  .fields = wpan_fields,
  .n_fields = N_FIELDS,
  .experts = wpan_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_wpan,
  .handoff = { { "link", 195 }, { "link", 230 } },
  .state_new = wpan_state_new,
  .state_free = wpan_state_free,
};
