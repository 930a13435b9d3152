/* wlan.c — IEEE 802.11 frames as a monitor-mode capture sees them:
 * management (beacons, probes, authentication, association, leaving),
 * control (ACK, RTS, CTS) and data frames, whose payload goes to LLC.
 * Data protected with CCMP is decrypted when the user gave the network's
 * passphrase and the capture holds the station's 4-way handshake. */
#include "iot-dissector.h"
#include "ieee80211.h"
#include "iot-wpa.h"

enum {
  F_PROTO,
  F_TYPE_SUBTYPE,
  F_FC,
  F_FC_VERSION,
  F_FC_TYPE,
  F_FC_SUBTYPE,
  F_FLAGS,
  F_FC_DS,
  F_FC_FRAG,
  F_FC_RETRY,
  F_FC_PWRMGT,
  F_FC_MOREDATA,
  F_FC_PROTECTED,
  F_FC_ORDER,
  F_DURATION,
  F_RA,
  F_TA,
  F_DA,
  F_SA,
  F_BSSID,
  F_STAA,
  F_ADDR,
  F_FRAG,
  F_SEQ,
  F_QOS,
  F_QOS_TID,
  F_QOS_PRIORITY,
  F_QOS_EOSP,
  F_QOS_ACK,
  F_QOS_AMSDU,
  F_QOS_PS_BUF_STATE,
  F_QOS_BUF_STATE_INDICATED,
  F_QOS_BIT4,
  F_QOS_TXOP_DUR_REQ,
  F_QOS_QUEUE_SIZE,
  F_CCMP_EXTIV,
  F_WEP_KEY,
  F_ANALYSIS_PMK,
  F_ANALYSIS_TK,
  F_FIXED_ALL,
  F_TIMESTAMP,
  F_BEACON_INTERVAL,
  F_CAPABILITIES,
  F_CAP_ESS,
  F_CAP_IBSS,
  F_CAP_RESERVED1,
  F_CAP_RESERVED2,
  F_CAP_PRIVACY,
  F_CAP_SHORT_PREAMBLE,
  F_CAP_RESERVED3,
  F_CAP_RESERVED4,
  F_CAP_SPEC_MAN,
  F_CAP_QOS,
  F_CAP_SHORT_SLOT,
  F_CAP_APSD,
  F_CAP_RADIO_MEAS,
  F_CAP_EPD,
  F_CAP_RESERVED5,
  F_CAP_RESERVED6,
  F_AUTH_ALG,
  F_AUTH_SEQ,
  F_STATUS_CODE,
  F_LISTEN_IVAL,
  F_AID,
  F_REASON_CODE,
  F_TAGGED_ALL,
  F_TAG,
  F_TAG_NUMBER,
  F_TAG_LENGTH,
  F_SSID,
  F_SUPPORTED_RATES,
  F_EXT_SUPPORTED_RATES,
  F_DS_CHANNEL,
  F_TIM_DTIM_COUNT,
  F_TIM_DTIM_PERIOD,
  F_TIM_BMAPCTL,
  F_TIM_BMAPCTL_MULTICAST,
  F_TIM_BMAPCTL_OFFSET,
  F_TIM_PVB,
  F_COUNTRY_CODE,
  F_COUNTRY_ENV,
  F_COUNTRY_FNM,
  F_COUNTRY_FCN,
  F_COUNTRY_NC,
  F_COUNTRY_MTPL,
  F_RSN_VERSION,
  F_RSN_GCS,
  F_RSN_GCS_OUI,
  F_RSN_GCS_TYPE,
  F_RSN_PCS_COUNT,
  F_RSN_PCS_LIST,
  F_RSN_PCS,
  F_RSN_PCS_OUI,
  F_RSN_PCS_TYPE,
  F_RSN_AKMS_COUNT,
  F_RSN_AKMS_LIST,
  F_RSN_AKMS,
  F_RSN_AKMS_OUI,
  F_RSN_AKMS_TYPE,
  F_RSN_CAP,
  F_RSN_CAP_PREAUTH,
  F_RSN_CAP_NO_PAIRWISE,
  F_RSN_CAP_PTKSA,
  F_RSN_CAP_GTKSA,
  F_RSN_CAP_MFPR,
  F_RSN_CAP_MFPC,
  F_RSN_CAP_JMR,
  F_RSN_CAP_PEERKEY,
  F_RSN_CAP_EXT_KEY_ID,
  F_TAG_OUI,
  F_TAG_VENDOR_TYPE,
  F_KDE_DATA_TYPE,
  F_GTK_KEY_ID,
  F_GTK_TX,
  F_GTK_RES1,
  F_GTK_RES2,
  F_GTK_GTK,
  F_BA_CONTROL,
  F_BA_ACK_POLICY,
  F_BA_TYPE,
  F_BA_RESERVED,
  F_BA_TID,
  F_SSC,
  F_SSC_FRAG,
  F_SSC_SEQ,
  F_BA_BITMAP,
  F_BA_MISSING,
  N_FIELDS
};

static const IotValueName ba_type_names[] = {
  { 0x0, "Basic BlockAck" }, { 0x1, "Extended Compressed BlockAck" }, { 0x2, "Compressed BlockAck" },
  { 0x3, "Multi-TID BlockAck" }, { 0x6, "GCR BlockAck" }, { 0xa, "GLK-GCR BlockAck" },
  { 0xb, "Multi-STA BlockAck" },
  IOT_VALUE_NAMES_END
};

enum { TYPE_MGMT = 0, TYPE_CTRL = 1, TYPE_DATA = 2 };

/* This many deauthentications or disassociations within one second look
 * like an attack (or a badly broken AP) rather than stations leaving. */
#define DEAUTH_STORM_COUNT 5
#define DEAUTH_STORM_WINDOW_NS G_GINT64_CONSTANT (1000000000)

static const IotValueName type_subtype_names[] = {
  { 0x00, "Association Request" }, { 0x01, "Association Response" },
  { 0x02, "Reassociation Request" }, { 0x03, "Reassociation Response" },
  { 0x04, "Probe Request" }, { 0x05, "Probe Response" }, { 0x08, "Beacon frame" },
  { 0x09, "ATIM" }, { 0x0a, "Disassociate" }, { 0x0b, "Authentication" }, { 0x0c, "Deauthentication" },
  { 0x0d, "Action" }, { 0x0e, "Action No Ack" },
  { 0x18, "802.11 Block Ack Req" }, { 0x19, "802.11 Block Ack" }, { 0x1a, "Power-Save poll" },
  { 0x1b, "Request-to-send" }, { 0x1c, "Clear-to-send" }, { 0x1d, "Acknowledgement" },
  { 0x1e, "CF-End (Control-frame)" },
  { 0x20, "Data" }, { 0x24, "Null function (No data)" }, { 0x28, "QoS Data" }, { 0x2c, "QoS Null function (No data)" },
  IOT_VALUE_NAMES_END
};

static const IotValueName type_names[] = {
  { 0, "Management frame" }, { 1, "Control frame" }, { 2, "Data frame" }, { 3, "Extension" },
  IOT_VALUE_NAMES_END
};

static const IotValueName ds_names[] = {
  { 0, "Not leaving DS or network is operating in AD-HOC mode (To DS: 0 From DS: 0)" },
  { 1, "Frame from STA to DS via an AP (To DS: 1 From DS: 0)" },
  { 2, "Frame from DS to a STA via AP(To DS: 0 From DS: 1)" },
  { 3, "WDS (AP to AP) or Mesh (MP to MP) Frame (To DS: 1 From DS: 1)" },
  IOT_VALUE_NAMES_END
};

static const IotValueName status_names[] = {
  { 0, "Successful" }, { 1, "Unspecified failure" }, { 10, "Cannot support all requested capabilities" },
  { 13, "Responding STA does not support the specified authentication algorithm" },
  { 15, "Authentication rejected because of challenge failure" },
  { 17, "Association denied because AP is unable to handle additional associated STAs" },
  IOT_VALUE_NAMES_END
};

static const IotValueName reason_names[] = {
  { 1, "Unspecified reason" },
  { 2, "Previous authentication no longer valid" },
  { 3, "Deauthenticated because sending STA is leaving (or has left) IBSS or ESS" },
  { 4, "Disassociated due to inactivity" },
  { 5, "Disassociated because AP is unable to handle all currently associated STAs" },
  { 6, "Class 2 frame received from nonauthenticated STA" },
  { 7, "Class 3 frame received from nonassociated STA" },
  { 8, "Disassociated because sending STA is leaving (or has left) BSS" },
  { 14, "Message integrity code (MIC) failure" },
  { 15, "4-Way Handshake timeout" },
  { 16, "Group Key Handshake timeout" },
  { 23, "IEEE 802.1X authentication failed" },
  IOT_VALUE_NAMES_END
};

static const IotValueName tag_names[] = {
  { 0, "SSID parameter set" }, { 1, "Supported Rates" }, { 3, "DS Parameter set" },
  { 5, "Traffic Indication Map (TIM)" }, { 7, "Country Information" }, { 45, "HT Capabilities (802.11n D1.10)" },
  { 48, "RSN Information" }, { 50, "Extended Supported Rates" }, { 61, "HT Information (802.11n D1.10)" },
  { 221, "Vendor Specific" },
  IOT_VALUE_NAMES_END
};

static const IotValueName cipher_names[] = {
  { 1, "WEP (40-bit)" }, { 2, "TKIP" }, { 4, "AES (CCM)" }, { 5, "WEP (104-bit)" }, { 6, "BIP (128)" },
  { 8, "GCMP (128)" }, { 9, "GCMP (256)" },
  IOT_VALUE_NAMES_END
};

static const IotValueName akm_names[] = {
  { 1, "WPA" }, { 2, "PSK" }, { 3, "FT over IEEE 802.1X" }, { 4, "FT using PSK" }, { 6, "PSK (SHA256)" },
  { 8, "SAE (SHA256)" }, { 18, "OWE" },
  IOT_VALUE_NAMES_END
};

#define BOOL(abbrev, name, mask, bits, text, t, f) \
  { abbrev, name, IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, mask, text, t, f, bits }
#define CAP(field, abbrev, name, mask, text) \
  [field] = BOOL ("wlan.fixed.capabilities." abbrev, name, mask, 16, text, "True", "False")
#define CAP_RES(field, abbrev, mask) \
  [field] = { "wlan.fixed.capabilities." abbrev, "Reserved", IOT_FT_UINT16, IOT_BASE_DEC, NULL, mask, \
    "Reserved bit." }
#define MAC(field, abbrev, name, text) [field] = { abbrev, name, IOT_FT_ETHER, .blurb = text }

static IotField wlan_fields[N_FIELDS] = {
  [F_PROTO] = { "wlan", "IEEE 802.11 wireless LAN", IOT_FT_PROTOCOL, .blurb =
    "A Wi-Fi frame: who sends it to whom on the air, and what kind of frame it is." },
  [F_TYPE_SUBTYPE] = { "wlan.fc.type_subtype", "Type/Subtype", IOT_FT_UINT16, IOT_BASE_HEX, type_subtype_names, 0,
    "Frame kind: management (beacon, probe, association…), control (ACK, RTS, CTS) or data." },
  [F_FC] = { "wlan.fc", "Frame Control Field", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "First two bytes of every frame: version, type, subtype and flags." },
  [F_FC_VERSION] = { "wlan.fc.version", "Version", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0x03, "The 802.11 protocol version, always 0." },
  [F_FC_TYPE] = { "wlan.fc.type", "Type", IOT_FT_UINT8, IOT_BASE_DEC, type_names, 0x0c,
    "0 management, 1 control, 2 data." },
  [F_FC_SUBTYPE] = { "wlan.fc.subtype", "Subtype", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0xf0,
    "Which frame of that type." },
  [F_FLAGS] = { "wlan.flags", "Flags", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "Direction (to/from the distribution system), retry, power save, protection." },
  [F_FC_DS] = { "wlan.fc.ds", "DS status", IOT_FT_UINT8, IOT_BASE_HEX, ds_names, 0x03,
    "Direction: To DS = station to access point, From DS = access point to station." },
  [F_FC_FRAG] = BOOL ("wlan.fc.frag", "More Fragments", 0x04, 8, "More fragments of this frame follow.",
    "More fragments follow", "This is the last fragment"),
  [F_FC_RETRY] = BOOL ("wlan.fc.retry", "Retry", 0x08, 8,
    "A retransmission: the first try was not acknowledged. Many retries mean interference or a weak link.",
    "Frame is being retransmitted", "Frame is not being retransmitted"),
  [F_FC_PWRMGT] = BOOL ("wlan.fc.pwrmgt", "PWR MGT", 0x10, 8,
    "The station goes to sleep after this frame (battery devices do this often).", "STA will go to sleep",
    "STA will stay up"),
  [F_FC_MOREDATA] = BOOL ("wlan.fc.moredata", "More Data", 0x20, 8, "The AP has more frames buffered for a sleeper.",
    "Data is buffered for STA at AP", "No data buffered"),
  [F_FC_PROTECTED] = BOOL ("wlan.fc.protected", "Protected flag", 0x40, 8,
    "The body is encrypted (CCMP for WPA2).", "Data is protected", "Data is not protected"),
  [F_FC_ORDER] = BOOL ("wlan.fc.order", "+HTC/Order flag", 0x80, 8, "An HT control field follows.",
    "Strictly ordered", "Not strictly ordered"),
  [F_DURATION] = { "wlan.duration", "Duration", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0x7fff,
    "Microseconds the medium stays reserved after this frame (for the ACK and what follows)." },
  MAC (F_RA, "wlan.ra", "Receiver address", "The radio that must receive the frame on this hop."),
  MAC (F_TA, "wlan.ta", "Transmitter address", "The radio that sent the frame on this hop."),
  MAC (F_DA, "wlan.da", "Destination address", "Final destination of the frame."),
  MAC (F_SA, "wlan.sa", "Source address", "Original sender of the frame."),
  MAC (F_BSSID, "wlan.bssid", "BSS Id", "The access point's network identifier (its MAC address)."),
  MAC (F_STAA, "wlan.staa", "STA address", "The station (not the access point) in this exchange."),
  MAC (F_ADDR, "wlan.addr", "Hardware address", "Any address of the frame."),
  [F_FRAG] = { "wlan.frag", "Fragment number", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0x000f,
    "Number of this fragment." },
  [F_SEQ] = { "wlan.seq", "Sequence number", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0xfff0,
    "Counter per sender; a retry repeats it, so duplicates can be spotted." },
  [F_QOS] = { "wlan.qos", "Qos Control", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Quality of service: traffic class (TID) and acknowledgement policy." },
  [F_QOS_TID] = { "wlan.qos.tid", "TID", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0x000f,
    "Traffic identifier: 0 best effort, 5-6 video/voice, 7 network control." },
  [F_QOS_PRIORITY] = { "wlan.qos.priority", "Priority", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0x0007,
    "802.1D priority of the frame." },
  [F_QOS_EOSP] = BOOL ("wlan.qos.eosp", "EOSP", 0x0010, 16, "End of a power-save service period.",
    "Service period", "Service period"),
  [F_QOS_ACK] = { "wlan.qos.ack", "Ack Policy", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0x0060,
    "0: the receiver sends an ACK." },
  [F_QOS_AMSDU] = BOOL ("wlan.qos.amsdupresent", "Payload Type", 0x0080, 16,
    "Whether several frames are packed into one (A-MSDU).", "A-MSDU", "MSDU"),
  [F_QOS_PS_BUF_STATE] = { "wlan.qos.ps_buf_state", "QAP PS Buffer State", IOT_FT_UINT16, IOT_BASE_HEX, NULL,
    0xff00, "Buffered traffic at the access point." },
  [F_QOS_BUF_STATE_INDICATED] = BOOL ("wlan.qos.buf_state_indicated", "Buffer State Indicated", 0x0200, 16,
    "Whether the buffer state is given.", "True", "False"),
  [F_QOS_BIT4] = BOOL ("wlan.qos.bit4", "QoS bit 4", 0x0010, 16,
    "From a station: whether the top byte is a queue size (1) or a requested TXOP duration (0).",
    "Bits 8-15 of QoS Control field are Queue Size", "Bits 8-15 of QoS Control field are TXOP Duration Requested"),
  [F_QOS_TXOP_DUR_REQ] = { "wlan.qos.txop_dur_req", "TXOP Duration Requested", IOT_FT_UINT16, IOT_BASE_DEC, NULL,
    0xff00, "Airtime the station asks for, in 32 µs units (0: none)." },
  [F_QOS_QUEUE_SIZE] = { "wlan.qos.queue_size", "Queue Size", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0xff00,
    "Bytes the station has queued for this traffic class, in 256-byte units." },
  [F_CCMP_EXTIV] = { "wlan.ccmp.extiv", "CCMP Ext. Initialization Vector", IOT_FT_STRING, .blurb =
    "CCMP packet number: grows by one per frame so replays can be rejected." },
  [F_WEP_KEY] = { "wlan.wep.key", "Key Index", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Which key encrypts the frame: 0 the pairwise key, 1-3 group keys." },
  [F_ANALYSIS_PMK] = { "wlan.analysis.pmk", "PMK", IOT_FT_STRING, .blurb =
    "Pairwise master key: PBKDF2 of the passphrase and SSID (4096 rounds of HMAC-SHA1)." },
  [F_ANALYSIS_TK] = { "wlan.analysis.tk", "TK", IOT_FT_STRING, .blurb =
    "Temporal key of this station's session, derived from the PMK and the handshake nonces; it decrypts the frame." },
  [F_FIXED_ALL] = { "wlan.fixed.all", "Fixed parameters", IOT_FT_NONE, .blurb =
    "Fields every frame of this subtype has, in a fixed order." },
  [F_TIMESTAMP] = { "wlan.fixed.timestamp", "Timestamp", IOT_FT_UINT64, IOT_BASE_DEC, NULL, 0,
    "The access point's clock in microseconds; stations synchronise to it." },
  [F_BEACON_INTERVAL] = { "wlan.fixed.beacon", "Beacon Interval", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Time between beacons in units of 1.024 ms (100 = about 0.1 s)." },
  [F_CAPABILITIES] = { "wlan.fixed.capabilities", "Capabilities Information", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "What the network supports: infrastructure (ESS), encryption (Privacy), short preamble…" },
  CAP (F_CAP_ESS, "ess", "ESS capabilities", 0x0001, "Sent by an access point."),
  CAP (F_CAP_IBSS, "ibss", "IBSS status", 0x0002, "Ad-hoc network."),
  CAP_RES (F_CAP_RESERVED1, "reserved1", 0x0004),
  CAP_RES (F_CAP_RESERVED2, "reserved2", 0x0008),
  CAP (F_CAP_PRIVACY, "privacy", "Privacy", 0x0010, "The network requires encryption."),
  CAP (F_CAP_SHORT_PREAMBLE, "short_preamble", "Short Preamble", 0x0020, "Short preamble allowed."),
  CAP_RES (F_CAP_RESERVED3, "reserved3", 0x0040),
  CAP_RES (F_CAP_RESERVED4, "reserved4", 0x0080),
  CAP (F_CAP_SPEC_MAN, "spec_man", "Spectrum Management", 0x0100, "Spectrum management (5 GHz)."),
  CAP (F_CAP_QOS, "qos", "QoS", 0x0200, "QoS supported."),
  CAP (F_CAP_SHORT_SLOT, "short_slot_time", "Short Slot Time", 0x0400, "Short slot time in use."),
  CAP (F_CAP_APSD, "apsd", "Automatic Power Save Delivery", 0x0800, "APSD supported."),
  CAP (F_CAP_RADIO_MEAS, "radio_measurement", "Radio Measurement", 0x1000, "Radio measurement supported."),
  CAP (F_CAP_EPD, "epd", "EPD", 0x2000, "EPD supported."),
  CAP_RES (F_CAP_RESERVED5, "reserved5", 0x4000),
  CAP_RES (F_CAP_RESERVED6, "reserved6", 0x8000),
  [F_AUTH_ALG] = { "wlan.fixed.auth.alg", "Authentication Algorithm", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "0 open system (WPA2-PSK uses it and authenticates later in the 4-way handshake), 3 SAE (WPA3)." },
  [F_AUTH_SEQ] = { "wlan.fixed.auth_seq", "Authentication SEQ", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Step of the authentication exchange." },
  [F_STATUS_CODE] = { "wlan.fixed.status_code", "Status code", IOT_FT_UINT16, IOT_BASE_HEX, status_names, 0,
    "0 means success; anything else says why the AP refused." },
  [F_LISTEN_IVAL] = { "wlan.fixed.listen_ival", "Listen Interval", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "How many beacon intervals the station may sleep; the AP buffers frames that long." },
  [F_AID] = { "wlan.fixed.aid", "Association ID", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0x3fff,
    "Number the AP gives the station; the TIM in beacons flags buffered frames by it." },
  [F_REASON_CODE] = { "wlan.fixed.reason_code", "Reason code", IOT_FT_UINT16, IOT_BASE_HEX, reason_names, 0,
    "Why the station was disconnected. Repeated deauthentications can be a jamming (deauth) attack." },
  [F_TAGGED_ALL] = { "wlan.tagged.all", "Tagged parameters", IOT_FT_NONE, .blurb =
    "Information elements: type-length-value entries (SSID, rates, security…)." },
  [F_TAG] = { "wlan.tag", "Tag", IOT_FT_NONE, .blurb = "One information element." },
  [F_TAG_NUMBER] = { "wlan.tag.number", "Tag Number", IOT_FT_UINT8, IOT_BASE_DEC, tag_names, 0,
    "Which information element this is." },
  [F_TAG_LENGTH] = { "wlan.tag.length", "Tag length", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Bytes of the element's value." },
  [F_SSID] = { "wlan.ssid", "SSID", IOT_FT_BYTES, .blurb =
    "The network's name. Empty in a probe request means \"any network\"." },
  [F_SUPPORTED_RATES] = { "wlan.supported_rates", "Supported Rates", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "A rate in 500 kb/s units; the top bit marks rates every station must support." },
  [F_EXT_SUPPORTED_RATES] = { "wlan.extended_supported_rates", "Extended Supported Rates", IOT_FT_UINT8,
    IOT_BASE_HEX, NULL, 0, "Rates beyond the first eight." },
  [F_DS_CHANNEL] = { "wlan.ds.current_channel", "Current Channel", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "The channel the access point operates on." },
  [F_TIM_DTIM_COUNT] = { "wlan.tim.dtim_count", "DTIM count", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Beacons until the next DTIM, after which buffered broadcasts are sent." },
  [F_TIM_DTIM_PERIOD] = { "wlan.tim.dtim_period", "DTIM period", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Beacons between DTIMs: sleeping sensors wake up for them." },
  [F_TIM_BMAPCTL] = { "wlan.tim.bmapctl", "Bitmap control", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "Multicast bit and offset of the partial bitmap." },
  [F_TIM_BMAPCTL_MULTICAST] = BOOL ("wlan.tim.bmapctl.multicast", "Multicast", 0x01, 8,
    "Broadcast frames are buffered.", "True", "False"),
  [F_TIM_BMAPCTL_OFFSET] = { "wlan.tim.bmapctl.offset", "Bitmap Offset", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0xfe,
    "Where the partial bitmap starts." },
  [F_TIM_PVB] = { "wlan.tim.partial_virtual_bitmap", "Partial Virtual Bitmap", IOT_FT_BYTES, .blurb =
    "One bit per association ID with frames waiting at the AP." },
  [F_COUNTRY_CODE] = { "wlan.country_info.code", "Code", IOT_FT_STRING, .blurb =
    "Country whose radio rules the AP follows." },
  [F_COUNTRY_ENV] = { "wlan.country_info.environment", "Environment", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Indoor, outdoor or all (32, a space)." },
  [F_COUNTRY_FNM] = { "wlan.country_info.fnm", "Country Info", IOT_FT_NONE, .blurb = "A channel range and its power limit." },
  [F_COUNTRY_FCN] = { "wlan.country_info.fnm.fcn", "First Channel Number", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "First channel of the range." },
  [F_COUNTRY_NC] = { "wlan.country_info.fnm.nc", "Number of Channels", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "How many channels." },
  [F_COUNTRY_MTPL] = { "wlan.country_info.fnm.mtpl", "Maximum Transmit Power Level", IOT_FT_INT8, IOT_BASE_DEC,
    NULL, 0, "Transmit power limit in dBm." },
  [F_RSN_VERSION] = { "wlan.rsn.version", "RSN Version", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "RSN (WPA2/WPA3) element version, 1." },
  [F_RSN_GCS] = { "wlan.rsn.gcs", "Group Cipher Suite", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Cipher for broadcast frames (OUI and type)." },
  [F_RSN_GCS_OUI] = { "wlan.rsn.gcs.oui", "Group Cipher Suite OUI", IOT_FT_UINT24, IOT_BASE_DEC, NULL, 0,
    "00-0f-ac: defined by IEEE 802.11." },
  [F_RSN_GCS_TYPE] = { "wlan.rsn.gcs.type", "Group Cipher Suite type", IOT_FT_UINT8, IOT_BASE_DEC, cipher_names, 0,
    "4 = CCMP (AES); 2 = TKIP, which is broken and should not be offered." },
  [F_RSN_PCS_COUNT] = { "wlan.rsn.pcs.count", "Pairwise Cipher Suite Count", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "How many unicast ciphers follow." },
  [F_RSN_PCS_LIST] = { "wlan.rsn.pcs.list", "Pairwise Cipher Suite List", IOT_FT_NONE, .blurb = "Unicast ciphers." },
  [F_RSN_PCS] = { "wlan.rsn.pcs", "Pairwise Cipher Suite", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "A unicast cipher (OUI and type)." },
  [F_RSN_PCS_OUI] = { "wlan.rsn.pcs.oui", "Pairwise Cipher Suite OUI", IOT_FT_UINT24, IOT_BASE_DEC, NULL, 0,
    "Who defines the cipher." },
  [F_RSN_PCS_TYPE] = { "wlan.rsn.pcs.type", "Pairwise Cipher Suite type", IOT_FT_UINT8, IOT_BASE_DEC,
    cipher_names, 0, "4 = CCMP (AES)." },
  [F_RSN_AKMS_COUNT] = { "wlan.rsn.akms.count", "Auth Key Management (AKM) Suite Count", IOT_FT_UINT16,
    IOT_BASE_DEC, NULL, 0, "How many key-management methods follow." },
  [F_RSN_AKMS_LIST] = { "wlan.rsn.akms.list", "Auth Key Management (AKM) List", IOT_FT_NONE, .blurb =
    "Key-management methods." },
  [F_RSN_AKMS] = { "wlan.rsn.akms", "Auth Key Management (AKM) Suite", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "A key-management method (OUI and type)." },
  [F_RSN_AKMS_OUI] = { "wlan.rsn.akms.oui", "Auth Key Management (AKM) OUI", IOT_FT_UINT24, IOT_BASE_DEC, NULL, 0,
    "Who defines the method." },
  [F_RSN_AKMS_TYPE] = { "wlan.rsn.akms.type", "Auth Key Management (AKM) type", IOT_FT_UINT8, IOT_BASE_DEC,
    akm_names, 0, "2 = PSK (WPA2-Personal: anyone with the passphrase and a captured handshake can decrypt); "
    "8 = SAE (WPA3-Personal)." },
  [F_RSN_CAP] = { "wlan.rsn.capabilities", "RSN Capabilities", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Security capabilities such as management frame protection." },
  [F_RSN_CAP_PREAUTH] = BOOL ("wlan.rsn.capabilities.preauth", "RSN Pre-Auth capabilities", 0x0001, 16,
    "Pre-authentication supported.", "True", "False"),
  [F_RSN_CAP_NO_PAIRWISE] = BOOL ("wlan.rsn.capabilities.no_pairwise", "RSN No Pairwise capabilities", 0x0002, 16,
    "No pairwise keys.", "True", "False"),
  [F_RSN_CAP_PTKSA] = { "wlan.rsn.capabilities.ptksa_replay_counter", "RSN PTKSA Replay Counter capabilities",
    IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0x000c, "Replay counters per pairwise key." },
  [F_RSN_CAP_GTKSA] = { "wlan.rsn.capabilities.gtksa_replay_counter", "RSN GTKSA Replay Counter capabilities",
    IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0x0030, "Replay counters per group key." },
  [F_RSN_CAP_MFPR] = BOOL ("wlan.rsn.capabilities.mfpr", "Management Frame Protection Required", 0x0040, 16,
    "Management frames must be protected (blocks forged deauthentications).", "True", "False"),
  [F_RSN_CAP_MFPC] = BOOL ("wlan.rsn.capabilities.mfpc", "Management Frame Protection Capable", 0x0080, 16,
    "Management frame protection supported.", "True", "False"),
  [F_RSN_CAP_JMR] = BOOL ("wlan.rsn.capabilities.jmr", "Joint Multi-band RSNA", 0x0100, 16,
    "Joint multi-band RSNA.", "True", "False"),
  [F_RSN_CAP_PEERKEY] = BOOL ("wlan.rsn.capabilities.peerkey", "PeerKey Enabled", 0x0200, 16,
    "PeerKey handshake.", "True", "False"),
  [F_RSN_CAP_EXT_KEY_ID] = BOOL ("wlan.rsn.capabilities.extended_key_id_iaf",
    "Extended Key ID for Individually Addressed Frames", 0x2000, 16, "Extended key IDs.", "Supported",
    "Not supported"),
  [F_TAG_OUI] = { "wlan.tag.oui", "OUI", IOT_FT_UINT24, IOT_BASE_DEC, NULL, 0,
    "Organisation that defines a vendor-specific element." },
  [F_TAG_VENDOR_TYPE] = { "wlan.tag.vendor.oui.type", "Vendor Specific OUI Type", IOT_FT_UINT8, IOT_BASE_DEC, NULL,
    0, "Which of the organisation's elements." },
  [F_KDE_DATA_TYPE] = { "wlan.rsn.ie.kde.data_type", "Data Type", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Key data encapsulation type: 1 = group key (GTK)." },
  [F_GTK_KEY_ID] = { "wlan.rsn.ie.gtk_kde.key_id", "KeyID", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0x03,
    "Index of the group key." },
  [F_GTK_TX] = BOOL ("wlan.rsn.ie.gtk_kde.tx", "Tx", 0x04, 8, "Use the key for transmit too.", "True", "False"),
  [F_GTK_RES1] = { "wlan.rsn.ie.gtk_kde.res1", "Reserved", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0xf8, "Reserved bits, always 0." },
  [F_GTK_RES2] = { "wlan.rsn.ie.gtk_kde.res2", "Reserved", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0, "Reserved byte, always 0." },
  [F_GTK_GTK] = { "wlan.rsn.ie.gtk_kde.gtk", "GTK", IOT_FT_BYTES, .blurb =
    "The group key for broadcast frames, delivered encrypted in message 3." },
  [F_BA_CONTROL] = { "wlan.ba.control", "Block Ack Control", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "How the block acknowledgement works: policy, bitmap kind and the traffic class (TID) it covers." },
  [F_BA_ACK_POLICY] = BOOL ("wlan.ba.control.ackpolicy", "BA Ack Policy", 0x0001, 16,
    "Whether the receiver must answer at once.", "Sender Does Not Require Immediate Acknowledgement",
    "Immediate Acknowledgement Required"),
  [F_BA_TYPE] = { "wlan.ba.control.ba_type", "BA Type", IOT_FT_UINT16, IOT_BASE_HEX, ba_type_names, 0x001e,
    "Basic (128-byte bitmap per fragment), compressed (64 frames, one bit each) or multi-TID." },
  [F_BA_RESERVED] = { "wlan.ba.control.reserved", "Reserved", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0x0fe0,
    "Reserved bits." },
  [F_BA_TID] = { "wlan.ba.basic.tidinfo", "TID for which a Basic BlockAck frame is requested", IOT_FT_UINT16,
    IOT_BASE_HEX, NULL, 0xf000, "Traffic class (0 best effort … 7 voice) the acknowledgement covers." },
  [F_SSC] = { "wlan.fixed.ssc", "Block Ack Starting Sequence Control (SSC)", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "The first sequence number the bitmap (or request) covers." },
  [F_SSC_FRAG] = { "wlan.fixed.ssc.fragment", "Fragment", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0x000f,
    "Fragment number, 0." },
  [F_SSC_SEQ] = { "wlan.fixed.ssc.sequence", "Starting Sequence Number", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0xfff0,
    "Sequence number of the first frame covered." },
  [F_BA_BITMAP] = { "wlan.ba.bm", "Block Ack Bitmap", IOT_FT_BYTES, .blurb =
    "One bit per frame from the starting sequence number: set = received. A block ack replaces one ACK per "
    "frame when frames are aggregated (802.11n and later)." },
  [F_BA_MISSING] = { "wlan.ba.bm.missing_frame", "Missing frame", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "A sequence number the bitmap says did not arrive: the sender will retry it." },
};

extern IotDissector iot_dissector_wlan;
extern IotDissector iot_dissector_llc;

/* ---- per-capture state ------------------------------------------------------ */

typedef struct {
  GHashTable *ssids;      /* BSSID (6-byte key in a GBytes) → GBytes SSID */
  GHashTable *pairs;      /* AP|STA (12 bytes) → IotWlanPair */
  /* Deauthentication/disassociation storms: times of the recent ones. */
  gint64      recent_deauth[DEAUTH_STORM_COUNT];
  guint       n_deauth;
  GHashTable *storm_frames;   /* frame number → count within the window */
} WlanState;

static gpointer
wlan_state_new (void)
{
  WlanState *state = g_new0 (WlanState, 1);
  state->ssids = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref,
                                        (GDestroyNotify) g_bytes_unref);
  state->pairs = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, g_free);
  state->storm_frames = g_hash_table_new (g_direct_hash, g_direct_equal);
  return state;
}

static void
wlan_state_free (gpointer data)
{
  WlanState *state = data;
  g_hash_table_destroy (state->ssids);
  g_hash_table_destroy (state->pairs);
  g_hash_table_destroy (state->storm_frames);
  g_free (state);
}

/* What the current frame's layers need to know (in the wlan layer value). */
typedef struct {
  IotWlanPair *pair;
  GBytes      *ssid;
} WlanFrame;

static IotWlanPair *
pair_for (WlanState *state, const guint8 ap[6], const guint8 sta[6])
{
  guint8 key[12];
  g_autoptr (GBytes) k = NULL;
  IotWlanPair *pair;

  memcpy (key, ap, 6);
  memcpy (key + 6, sta, 6);
  k = g_bytes_new (key, 12);
  pair = g_hash_table_lookup (state->pairs, k);
  if (!pair)
    {
      pair = g_new0 (IotWlanPair, 1);
      memcpy (pair->ap, ap, 6);
      memcpy (pair->sta, sta, 6);
      g_hash_table_insert (state->pairs, g_bytes_ref (k), pair);
    }
  return pair;
}

static GBytes *
ssid_of (WlanState *state, const guint8 bssid[6])
{
  g_autoptr (GBytes) k = g_bytes_new (bssid, 6);
  return g_hash_table_lookup (state->ssids, k);
}

IotWlanPair *
iot_wlan_current_pair (IotPacket *pkt)
{
  WlanFrame *frame = GSIZE_TO_POINTER (iot_packet_layer_value (pkt, &iot_dissector_wlan));
  return frame ? frame->pair : NULL;
}

const guint8 *
iot_wlan_current_ssid (IotPacket *pkt, gsize *len)
{
  WlanFrame *frame = GSIZE_TO_POINTER (iot_packet_layer_value (pkt, &iot_dissector_wlan));

  *len = 0;
  if (!frame || !frame->ssid)
    return NULL;
  return g_bytes_get_data (frame->ssid, len);
}

/* ---- information elements --------------------------------------------------- */

static void
add_suite (IotPacket *pkt, int tree, const IotBuf *buf, guint off, int f_suite)
{
  int node = iot_tree_add_uint (pkt, tree, &wlan_fields[f_suite], buf, off, 4, iot_buf_u32 (buf, off));

  iot_tree_add_uint (pkt, node, &wlan_fields[f_suite + 1], buf, off, 3, iot_buf_u24 (buf, off));
  iot_tree_add_item (pkt, node, &wlan_fields[f_suite + 2], buf, off + 3, 1, FALSE);
}

static void
dissect_rsn (IotPacket *pkt, const IotBuf *buf, guint off, guint end, int tree)
{
  guint count;
  int node;

  iot_tree_add_item (pkt, tree, &wlan_fields[F_RSN_VERSION], buf, off, 2, TRUE);
  off += 2;
  if (off + 4 > end)
    return;
  add_suite (pkt, tree, buf, off, F_RSN_GCS);
  off += 4;
  if (off + 2 > end)
    return;
  count = iot_buf_u16le (buf, off);
  iot_tree_add_item (pkt, tree, &wlan_fields[F_RSN_PCS_COUNT], buf, off, 2, TRUE);
  off += 2;
  node = iot_tree_add_item (pkt, tree, &wlan_fields[F_RSN_PCS_LIST], buf, off, MIN (count * 4, end - off), TRUE);
  for (guint i = 0; i < count && off + 4 <= end; i++, off += 4)
    add_suite (pkt, node, buf, off, F_RSN_PCS);
  if (off + 2 > end)
    return;
  count = iot_buf_u16le (buf, off);
  iot_tree_add_item (pkt, tree, &wlan_fields[F_RSN_AKMS_COUNT], buf, off, 2, TRUE);
  off += 2;
  node = iot_tree_add_item (pkt, tree, &wlan_fields[F_RSN_AKMS_LIST], buf, off, MIN (count * 4, end - off), TRUE);
  for (guint i = 0; i < count && off + 4 <= end; i++, off += 4)
    add_suite (pkt, node, buf, off, F_RSN_AKMS);
  if (off + 2 > end)
    return;
  node = iot_tree_add_item (pkt, tree, &wlan_fields[F_RSN_CAP], buf, off, 2, TRUE);
  for (int f = F_RSN_CAP_PREAUTH; f <= F_RSN_CAP_EXT_KEY_ID; f++)
    iot_tree_add_item (pkt, node, &wlan_fields[f], buf, off, 2, TRUE);
}

static void
dissect_vendor (IotPacket *pkt, const IotBuf *buf, guint off, guint end, int tree)
{
  guint32 oui = iot_buf_u24 (buf, off);
  guint type = iot_buf_u8 (buf, off + 3);

  iot_tree_add_uint (pkt, tree, &wlan_fields[F_TAG_OUI], buf, off, 3, oui);
  iot_tree_add_item (pkt, tree, &wlan_fields[F_TAG_VENDOR_TYPE], buf, off + 3, 1, FALSE);
  /* Key data encapsulations of EAPOL-Key messages (IEEE 802.11 OUI). */
  if (oui == 0x000fac)
    {
      iot_tree_add_uint (pkt, tree, &wlan_fields[F_KDE_DATA_TYPE], buf, off + 3, 1, type);
      if (type == 1 && off + 6 <= end)
        {
          iot_tree_add_item (pkt, tree, &wlan_fields[F_GTK_KEY_ID], buf, off + 4, 1, FALSE);
          iot_tree_add_item (pkt, tree, &wlan_fields[F_GTK_TX], buf, off + 4, 1, FALSE);
          iot_tree_add_item (pkt, tree, &wlan_fields[F_GTK_RES1], buf, off + 4, 1, FALSE);
          iot_tree_add_item (pkt, tree, &wlan_fields[F_GTK_RES2], buf, off + 5, 1, FALSE);
          if (end > off + 6)
            iot_tree_add_item (pkt, tree, &wlan_fields[F_GTK_GTK], buf, off + 6, end - off - 6, FALSE);
        }
    }
}

static void
dissect_tag (IotPacket *pkt, const IotBuf *buf, guint number, guint off, guint len, int tree)
{
  guint end = off + len;
  int node;

  switch (number)
    {
    case 0:
      iot_tree_add_item (pkt, tree, &wlan_fields[F_SSID], buf, off, len, FALSE);
      break;
    case 1:
    case 50:
      for (guint i = off; i < end; i++)
        iot_tree_add_item (pkt, tree, &wlan_fields[number == 1 ? F_SUPPORTED_RATES : F_EXT_SUPPORTED_RATES],
                           buf, i, 1, FALSE);
      break;
    case 3:
      iot_tree_add_item (pkt, tree, &wlan_fields[F_DS_CHANNEL], buf, off, 1, FALSE);
      break;
    case 5:
      iot_tree_add_item (pkt, tree, &wlan_fields[F_TIM_DTIM_COUNT], buf, off, 1, FALSE);
      iot_tree_add_item (pkt, tree, &wlan_fields[F_TIM_DTIM_PERIOD], buf, off + 1, 1, FALSE);
      node = iot_tree_add_item (pkt, tree, &wlan_fields[F_TIM_BMAPCTL], buf, off + 2, 1, FALSE);
      iot_tree_add_item (pkt, node, &wlan_fields[F_TIM_BMAPCTL_MULTICAST], buf, off + 2, 1, FALSE);
      iot_tree_add_item (pkt, node, &wlan_fields[F_TIM_BMAPCTL_OFFSET], buf, off + 2, 1, FALSE);
      if (len > 3)
        iot_tree_add_item (pkt, tree, &wlan_fields[F_TIM_PVB], buf, off + 3, len - 3, FALSE);
      break;
    case 7:
      iot_tree_add_string (pkt, tree, &wlan_fields[F_COUNTRY_CODE], buf, off, 2,
                           (const char *) iot_buf_ptr (buf, off, 2), 2);
      iot_tree_add_item (pkt, tree, &wlan_fields[F_COUNTRY_ENV], buf, off + 2, 1, FALSE);
      for (guint i = off + 3; i + 3 <= end; i += 3)
        {
          node = iot_tree_add_item (pkt, tree, &wlan_fields[F_COUNTRY_FNM], buf, i, 3, FALSE);
          iot_tree_add_item (pkt, node, &wlan_fields[F_COUNTRY_FCN], buf, i, 1, FALSE);
          iot_tree_add_item (pkt, node, &wlan_fields[F_COUNTRY_NC], buf, i + 1, 1, FALSE);
          iot_tree_add_item (pkt, node, &wlan_fields[F_COUNTRY_MTPL], buf, i + 2, 1, FALSE);
        }
      break;
    case 48:
      dissect_rsn (pkt, buf, off, end, tree);
      break;
    case 221:
      if (len >= 4)
        dissect_vendor (pkt, buf, off, end, tree);
      break;
    default:
      break;
    }
}

void
iot_wlan_dissect_tags (IotPacket *pkt, const IotBuf *buf, guint off, int tree)
{
  while (off + 2 <= buf->length)
    {
      guint number = iot_buf_u8 (buf, off), len = iot_buf_u8 (buf, off + 1);
      const char *name = iot_value_name (tag_names, number);
      int tag;

      /* Key data ends with 0xdd 0x00… padding. */
      if (number == 221 && len == 0)
        break;
      iot_buf_check (buf, off + 2, len);
      tag = iot_tree_add_item (pkt, tree, &wlan_fields[F_TAG], buf, off, len + 2, FALSE);
      iot_tree_set_label (pkt, tag, "Tag: %s", name ? name : "Reserved");
      iot_tree_add_item (pkt, tag, &wlan_fields[F_TAG_NUMBER], buf, off, 1, FALSE);
      iot_tree_add_uint (pkt, tag, &wlan_fields[F_TAG_LENGTH], buf, off + 1, 1, len);
      dissect_tag (pkt, buf, number, off + 2, len, tag);
      off += 2 + len;
    }
}

/* ---- management frames ---------------------------------------------------------- */

static void
add_capabilities (IotPacket *pkt, int tree, const IotBuf *buf, guint off)
{
  int node = iot_tree_add_item (pkt, tree, &wlan_fields[F_CAPABILITIES], buf, off, 2, TRUE);

  for (int f = F_CAP_ESS; f <= F_CAP_RESERVED6; f++)
    iot_tree_add_item (pkt, node, &wlan_fields[f], buf, off, 2, TRUE);
}

/* The SSID element of a management body, for the Info column and to
 * name the network for decryption. */
static void
note_ssid (IotPacket *pkt, WlanState *state, const IotBuf *body, guint off, const guint8 bssid[6],
           gboolean remember)
{
  while (off + 2 <= body->length)
    {
      guint number = iot_buf_u8 (body, off), len = iot_buf_u8 (body, off + 1);

      if (!iot_buf_has (body, off + 2, len))
        return;
      if (number == 0)
        {
          const guint8 *ssid = iot_buf_ptr (body, off + 2, len);
          if (len == 0)
            iot_col_append_info (pkt, ", SSID=Wildcard (Broadcast)");
          else
            iot_col_append_info (pkt, ", SSID=\"%.*s\"", (int) len, ssid);
          if (remember && len && iot_packet_first_pass (pkt))
            g_hash_table_replace (state->ssids, g_bytes_new (bssid, 6), g_bytes_new (ssid, len));
          return;
        }
      off += 2 + len;
    }
}

/* A station told to leave (deauthentication/disassociation): why, and
 * whether too many arrive at once. */
static void
note_disconnect (IotPacket *pkt, WlanState *state, const IotBuf *body, int tree)
{
  guint reason = iot_buf_u16le (body, 0);
  const char *why = iot_value_name (reason_names, reason);
  gint64 now = iot_packet_time_ns (pkt);
  guint count;

  if (iot_packet_first_pass (pkt) && !iot_packet_in_error (pkt))
    {
      guint in_window = 1;

      memmove (state->recent_deauth + 1, state->recent_deauth,
               (DEAUTH_STORM_COUNT - 1) * sizeof state->recent_deauth[0]);
      state->recent_deauth[0] = now;
      state->n_deauth = MIN (state->n_deauth + 1, DEAUTH_STORM_COUNT);
      for (guint i = 1; i < state->n_deauth; i++)
        if (now - state->recent_deauth[i] <= DEAUTH_STORM_WINDOW_NS)
          in_window++;
      if (in_window >= DEAUTH_STORM_COUNT)
        g_hash_table_insert (state->storm_frames, GUINT_TO_POINTER (iot_packet_frame_number (pkt)),
                             GUINT_TO_POINTER (in_window));
    }
  iot_expert_add (pkt, tree, IOT_SEV_NOTE, IOT_GROUP_SEQUENCE, "Station disconnected: %s (reason %u)",
                  why ? why : "unknown reason", reason);
  count = GPOINTER_TO_UINT (g_hash_table_lookup (state->storm_frames,
                                                 GUINT_TO_POINTER (iot_packet_frame_number (pkt))));
  if (count)
    iot_expert_add (pkt, tree, IOT_SEV_WARN, IOT_GROUP_SECURITY,
                    "%u deauthentications/disassociations within one second: a deauthentication attack "
                    "(forged frames kick stations off to capture their handshake) or a failing access point",
                    count);
}

static void
dissect_management (IotPacket *pkt, const IotBuf *body, guint subtype, int parent, WlanState *state,
                    const guint8 bssid[6])
{
  guint fixed = 0;
  int mgt = iot_tree_add_text (pkt, parent, body, 0, body->length, "IEEE 802.11 Wireless Management");
  int all;

  switch (subtype)
    {
    case 0x0: fixed = 4; break;       /* association request */
    case 0x1: fixed = 6; break;       /* association response */
    case 0x4: fixed = 0; break;       /* probe request */
    case 0x5: case 0x8: fixed = 12; break;
    case 0xa: case 0xc: fixed = 2; break;
    case 0xb: fixed = 6; break;
    default: fixed = 0; break;
    }
  if (subtype == 0x5 || subtype == 0x8)
    iot_col_append_info (pkt, ", BI=%u", iot_buf_u16le (body, 8));
  if (fixed)
    {
      all = iot_tree_add_item (pkt, mgt, &wlan_fields[F_FIXED_ALL], body, 0, fixed, FALSE);
      iot_tree_set_label (pkt, all, "Fixed parameters (%u bytes)", fixed);
      switch (subtype)
        {
        case 0x0:
          add_capabilities (pkt, all, body, 0);
          iot_tree_add_item (pkt, all, &wlan_fields[F_LISTEN_IVAL], body, 2, 2, TRUE);
          break;
        case 0x1:
          add_capabilities (pkt, all, body, 0);
          iot_tree_add_item (pkt, all, &wlan_fields[F_STATUS_CODE], body, 2, 2, TRUE);
          iot_tree_add_item (pkt, all, &wlan_fields[F_AID], body, 4, 2, TRUE);
          break;
        case 0x5:
        case 0x8:
          iot_tree_add_item (pkt, all, &wlan_fields[F_TIMESTAMP], body, 0, 8, TRUE);
          iot_tree_add_uint (pkt, all, &wlan_fields[F_BEACON_INTERVAL], body, 8, 2, iot_buf_u16le (body, 8));
          add_capabilities (pkt, all, body, 10);
          break;
        case 0xa:
        case 0xc:
          iot_tree_add_item (pkt, all, &wlan_fields[F_REASON_CODE], body, 0, 2, TRUE);
          note_disconnect (pkt, state, body, all);
          break;
        case 0xb:
          iot_tree_add_item (pkt, all, &wlan_fields[F_AUTH_ALG], body, 0, 2, TRUE);
          iot_tree_add_item (pkt, all, &wlan_fields[F_AUTH_SEQ], body, 2, 2, TRUE);
          iot_tree_add_item (pkt, all, &wlan_fields[F_STATUS_CODE], body, 4, 2, TRUE);
          break;
        default:
          break;
        }
    }
  if ((subtype == 0x0 || subtype == 0x4 || subtype == 0x5 || subtype == 0x8) && body->length > fixed)
    note_ssid (pkt, state, body, fixed, bssid, subtype == 0x5 || subtype == 0x8);
  if (body->length > fixed && subtype != 0xa && subtype != 0xb && subtype != 0xc)
    {
      all = iot_tree_add_item (pkt, mgt, &wlan_fields[F_TAGGED_ALL], body, fixed, body->length - fixed, FALSE);
      iot_tree_set_label (pkt, all, "Tagged parameters (%u bytes)", body->length - fixed);
      iot_wlan_dissect_tags (pkt, body, fixed, all);
    }
}

/* ---- data frames and CCMP --------------------------------------------------------- */

static char *
hex_string (IotPacket *pkt, const guint8 *data, gsize len)
{
  char *out = iot_packet_alloc (pkt, len * 2 + 1);

  for (gsize i = 0; i < len; i++)
    g_snprintf (out + 2 * i, 3, "%02x", data[i]);
  return out;
}

static void
dissect_protected (IotPacket *pkt, const IotBuf *buf, guint hdr_len, int tree, IotWlanPair *pair)
{
  const guint8 *pn;
  guint body_len = buf->length - hdr_len;
  IotBuf plain;
  guint8 *out;
  int node;

  if (!iot_buf_has (buf, hdr_len, 8))
    {
      iot_call_data (pkt, (IotBuf[]) { iot_buf_sub (buf, hdr_len, -1) }, -1);
      return;
    }
  pn = iot_buf_ptr (buf, hdr_len, 8);
  node = iot_tree_add_string (pkt, tree, &wlan_fields[F_CCMP_EXTIV], buf, hdr_len, 8,
                              iot_packet_strdup_printf (pkt, "0x%02X%02X%02X%02X%02X%02X",
                                                        pn[7], pn[6], pn[5], pn[4], pn[1], pn[0]), -1);
  (void) node;
  iot_tree_add_uint (pkt, tree, &wlan_fields[F_WEP_KEY], buf, hdr_len + 3, 1, pn[3] >> 6);

  if (!pair || !pair->has_ptk || !iot_wpa_enabled () || body_len < 16 || (pn[3] >> 6) != 0)
    {
      IotBuf data = iot_buf_sub (buf, hdr_len + 8, -1);
      iot_call_data (pkt, &data, -1);
      return;
    }
  out = iot_packet_alloc (pkt, body_len);
  if (!iot_wpa_ccmp_decrypt (pair->ptk + 32, iot_buf_ptr (buf, 0, hdr_len), hdr_len,
                             iot_buf_ptr (buf, hdr_len, body_len), body_len, out))
    {
      IotBuf data = iot_buf_sub (buf, hdr_len + 8, -1);
      iot_expert_add (pkt, tree, IOT_SEV_WARN, IOT_GROUP_SECURITY,
                      "CCMP integrity check failed: wrong key or damaged frame");
      iot_call_data (pkt, &data, -1);
      return;
    }
  node = iot_tree_add_string (pkt, tree, &wlan_fields[F_ANALYSIS_TK], NULL, 0, 0,
                              hex_string (pkt, pair->ptk + 32, 16), -1);
  iot_tree_set_generated (pkt, node);
  node = iot_tree_add_string (pkt, tree, &wlan_fields[F_ANALYSIS_PMK], NULL, 0, 0,
                              hex_string (pkt, pair->pmk, 32), -1);
  iot_tree_set_generated (pkt, node);
  plain = iot_packet_add_source (pkt, "Decrypted CCMP data", out, body_len - 16);
  iot_call_dissector (pkt, &iot_dissector_llc, &plain, -1);
}

/* ---- the frame -------------------------------------------------------------------- */

/* In packet scratch memory: a truncated frame unwinds past the caller. */
static char *
flag_string (IotPacket *pkt, guint flags)
{
  static const char letters[] = "opmPRMFT";
  char *s = iot_packet_alloc (pkt, 9);

  for (int i = 0; i < 8; i++)
    s[i] = flags & (0x80 >> i) ? letters[i] : '.';
  s[8] = '\0';
  return s;
}

static void
add_mac (IotPacket *pkt, int tree, int field, const IotBuf *buf, guint off)
{
  iot_tree_add_ether (pkt, tree, &wlan_fields[field], buf, off, iot_buf_ptr (buf, off, 6));
}

static void
add_hidden_addr (IotPacket *pkt, int tree, const IotBuf *buf, guint off)
{
  int node = iot_tree_add_ether (pkt, tree, &wlan_fields[F_ADDR], buf, off, iot_buf_ptr (buf, off, 6));
  iot_tree_set_hidden (pkt, node);
}

static void
set_mac_columns (IotPacket *pkt, const guint8 *src, const guint8 *dst)
{
  IotAddress a = { 0 };

  if (src)
    {
      memcpy (a.bytes, src, 6);
      iot_packet_set_net_src (pkt, &a);
    }
  else
    iot_packet_set_address_text (pkt, "", NULL);
  memcpy (a.bytes, dst, 6);
  iot_packet_set_net_dst (pkt, &a);
}

static char *
role_text (IotPacket *pkt, const guint8 *mac, const char *role)
{
  return iot_packet_strdup_printf (pkt, "%02x:%02x:%02x:%02x:%02x:%02x (%02x:%02x:%02x:%02x:%02x:%02x) (%s)",
                                   mac[0], mac[1], mac[2], mac[3], mac[4], mac[5],
                                   mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], role);
}

/* Block Ack Request and Block Ack (IEEE 802.11-2020 9.3.1.7, 9.3.1.8):
 * control, starting sequence control and, in a compressed Block Ack, a
 * 64-bit bitmap of the frames received.  Other variants (multi-TID,
 * GCR, multi-STA) show their control word only. */
static void
dissect_block_ack (IotPacket *pkt, const IotBuf *buf, int tree, gboolean is_ack)
{
  guint control = iot_buf_u16le (buf, 16), ba_type = (control >> 1) & 0x0f;
  guint ssn = iot_buf_u16le (buf, 18) >> 4;
  int node;

  node = iot_tree_add_item (pkt, tree, &wlan_fields[F_BA_CONTROL], buf, 16, 2, TRUE);
  for (int f = F_BA_ACK_POLICY; f <= F_BA_TID; f++)
    iot_tree_add_item (pkt, node, &wlan_fields[f], buf, 16, 2, TRUE);
  if (ba_type != 0x0 && ba_type != 0x2)
    return;
  node = iot_tree_add_item (pkt, tree, &wlan_fields[F_SSC], buf, 18, 2, TRUE);
  iot_tree_add_item (pkt, node, &wlan_fields[F_SSC_FRAG], buf, 18, 2, TRUE);
  iot_tree_add_item (pkt, node, &wlan_fields[F_SSC_SEQ], buf, 18, 2, TRUE);
  if (!is_ack || ba_type != 0x2)
    return;
  node = iot_tree_add_item (pkt, tree, &wlan_fields[F_BA_BITMAP], buf, 20, 8, FALSE);
  for (guint i = 0; i < 64; i++)
    if (!(iot_buf_u8 (buf, 20 + i / 8) & (1u << (i % 8))))
      iot_tree_add_uint (pkt, node, &wlan_fields[F_BA_MISSING], buf, 20 + i / 8, 1, (ssn + i) & 0x0fff);
}

static int
dissect_wlan (IotPacket *pkt, IotBuf *buf, int parent)
{
  WlanState *state = iot_packet_state (pkt, &iot_dissector_wlan);
  guint fc0 = iot_buf_u8 (buf, 0), flags = iot_buf_u8 (buf, 1);
  guint type = (fc0 >> 2) & 3, subtype = fc0 >> 4, ts = type << 4 | subtype;
  const char *name = iot_value_name (type_subtype_names, ts);
  const char *flag_text = flag_string (pkt, flags);
  WlanFrame *frame = iot_packet_alloc (pkt, sizeof *frame);
  guint hdr_len = 24;
  int tree, node;

  memset (frame, 0, sizeof *frame);
  iot_col_set_protocol (pkt, "802.11");
  tree = iot_tree_add_protocol (pkt, parent, &wlan_fields[F_PROTO], buf, 0, -1);
  iot_tree_set_label (pkt, tree, "IEEE 802.11 %s, Flags: %s", name ? name : "Unrecognized", flag_text);
  iot_tree_add_uint (pkt, tree, &wlan_fields[F_TYPE_SUBTYPE], buf, 0, 1, ts);
  node = iot_tree_add_item (pkt, tree, &wlan_fields[F_FC], buf, 0, 2, FALSE);
  iot_tree_add_item (pkt, node, &wlan_fields[F_FC_VERSION], buf, 0, 1, FALSE);
  iot_tree_add_item (pkt, node, &wlan_fields[F_FC_TYPE], buf, 0, 1, FALSE);
  iot_tree_add_item (pkt, node, &wlan_fields[F_FC_SUBTYPE], buf, 0, 1, FALSE);
  node = iot_tree_add_item (pkt, node, &wlan_fields[F_FLAGS], buf, 1, 1, FALSE);
  for (int f = F_FC_DS; f <= F_FC_ORDER; f++)
    {
      int flag = iot_tree_add_item (pkt, node, &wlan_fields[f], buf, 1, 1, FALSE);

      /* A retry means the first transmission went unacknowledged: many of
       * them point at interference, distance or a hidden station. */
      if (f == F_FC_RETRY && (flags & 0x08))
        iot_expert_add (pkt, flag, IOT_SEV_NOTE, IOT_GROUP_SEQUENCE, "Retransmission (retry)");
    }
  iot_tree_add_item (pkt, tree, &wlan_fields[F_DURATION], buf, 2, 2, TRUE);

  if (type == TYPE_CTRL)
    {
      iot_col_printf_info (pkt, "%s, Flags=%s", name ? name : "Unrecognized", flag_text);
      add_mac (pkt, tree, F_RA, buf, 4);
      add_hidden_addr (pkt, tree, buf, 4);
      if (subtype == 0xb || subtype == 0x8 || subtype == 0x9)   /* RTS, BAR, BA carry a TA */
        {
          add_mac (pkt, tree, F_TA, buf, 10);
          add_hidden_addr (pkt, tree, buf, 10);
          iot_packet_set_address_text (pkt, role_text (pkt, iot_buf_ptr (buf, 10, 6), "TA"),
                                       role_text (pkt, iot_buf_ptr (buf, 4, 6), "RA"));
        }
      else
        iot_packet_set_address_text (pkt, "", role_text (pkt, iot_buf_ptr (buf, 4, 6), "RA"));
      if (subtype == 0x8 || subtype == 0x9)
        dissect_block_ack (pkt, buf, tree, subtype == 0x9);
      return buf->length;
    }

  if (type == TYPE_MGMT)
    {
      IotBuf body;

      add_mac (pkt, tree, F_RA, buf, 4);
      add_hidden_addr (pkt, tree, buf, 4);
      add_mac (pkt, tree, F_DA, buf, 4);
      add_mac (pkt, tree, F_TA, buf, 10);
      add_mac (pkt, tree, F_SA, buf, 10);
      add_mac (pkt, tree, F_BSSID, buf, 16);
      add_hidden_addr (pkt, tree, buf, 10);
      add_hidden_addr (pkt, tree, buf, 16);
      iot_tree_add_item (pkt, tree, &wlan_fields[F_FRAG], buf, 22, 2, TRUE);
      iot_tree_add_item (pkt, tree, &wlan_fields[F_SEQ], buf, 22, 2, TRUE);
      set_mac_columns (pkt, iot_buf_ptr (buf, 10, 6), iot_buf_ptr (buf, 4, 6));
      iot_col_printf_info (pkt, "%s, SN=%u, FN=%u, Flags=%s", name ? name : "Unrecognized",
                           iot_buf_u16le (buf, 22) >> 4, iot_buf_u16le (buf, 22) & 0xf, flag_text);
      body = iot_buf_sub (buf, 24, -1);
      dissect_management (pkt, &body, subtype, tree, state, iot_buf_ptr (buf, 16, 6));
      return buf->length;
    }

  if (type == TYPE_DATA)
    {
      guint ds = flags & 3;
      gboolean qos = (subtype & 0x8) != 0, null_data = (subtype & 0x4) != 0;
      const guint8 *a1 = iot_buf_ptr (buf, 4, 6), *a2 = iot_buf_ptr (buf, 10, 6), *a3 = iot_buf_ptr (buf, 16, 6);
      const guint8 *da = a1, *sa = a2, *bssid = a3, *sta = NULL, *ap = NULL;
      IotBuf payload;

      if (ds == 1)
        {
          bssid = a1; sa = a2; da = a3; sta = a2; ap = a1;
        }
      else if (ds == 2)
        {
          da = a1; bssid = a2; sa = a3; sta = a1; ap = a2;
        }
      add_mac (pkt, tree, F_RA, buf, 4);
      add_hidden_addr (pkt, tree, buf, 4);
      add_mac (pkt, tree, F_TA, buf, 10);
      add_hidden_addr (pkt, tree, buf, 10);
      iot_tree_add_ether (pkt, tree, &wlan_fields[F_DA], buf, da == a1 ? 4 : 16, da);
      iot_tree_add_ether (pkt, tree, &wlan_fields[F_SA], buf, sa == a2 ? 10 : 16, sa);
      iot_tree_add_ether (pkt, tree, &wlan_fields[F_BSSID], buf, bssid == a1 ? 4 : bssid == a2 ? 10 : 16, bssid);
      if (sta)
        iot_tree_add_ether (pkt, tree, &wlan_fields[F_STAA], buf, sta == a1 ? 4 : 10, sta);
      add_hidden_addr (pkt, tree, buf, 16);
      iot_tree_add_item (pkt, tree, &wlan_fields[F_FRAG], buf, 22, 2, TRUE);
      iot_tree_add_item (pkt, tree, &wlan_fields[F_SEQ], buf, 22, 2, TRUE);
      if (ds == 3)
        hdr_len += 6;
      if (qos)
        {
          guint qc = iot_buf_u16le (buf, hdr_len);

          node = iot_tree_add_item (pkt, tree, &wlan_fields[F_QOS], buf, hdr_len, 2, TRUE);
          iot_tree_add_item (pkt, node, &wlan_fields[F_QOS_TID], buf, hdr_len, 2, TRUE);
          iot_tree_add_item (pkt, node, &wlan_fields[F_QOS_PRIORITY], buf, hdr_len, 2, TRUE);
          /* Bits 4 and 8-15 mean different things from a station and
           * from the access point. */
          if (ds == 1)
            iot_tree_add_item (pkt, node, &wlan_fields[F_QOS_BIT4], buf, hdr_len, 2, TRUE);
          else
            iot_tree_add_item (pkt, node, &wlan_fields[F_QOS_EOSP], buf, hdr_len, 2, TRUE);
          iot_tree_add_item (pkt, node, &wlan_fields[F_QOS_ACK], buf, hdr_len, 2, TRUE);
          iot_tree_add_item (pkt, node, &wlan_fields[F_QOS_AMSDU], buf, hdr_len, 2, TRUE);
          if (ds == 1)
            iot_tree_add_item (pkt, node, &wlan_fields[qc & 0x10 ? F_QOS_QUEUE_SIZE : F_QOS_TXOP_DUR_REQ],
                               buf, hdr_len, 2, TRUE);
          else
            {
              int ps = iot_tree_add_item (pkt, node, &wlan_fields[F_QOS_PS_BUF_STATE], buf, hdr_len, 2, TRUE);
              iot_tree_add_item (pkt, ps, &wlan_fields[F_QOS_BUF_STATE_INDICATED], buf, hdr_len, 2, TRUE);
            }
          hdr_len += 2;
        }
      set_mac_columns (pkt, sa, da);
      iot_col_printf_info (pkt, "%s, SN=%u, FN=%u, Flags=%s", name ? name : "Data",
                           iot_buf_u16le (buf, 22) >> 4, iot_buf_u16le (buf, 22) & 0xf, flag_text);
      if (ap && sta)
        {
          frame->pair = pair_for (state, ap, sta);
          frame->ssid = ssid_of (state, ap);
        }
      iot_packet_set_layer_value (pkt, &iot_dissector_wlan, GPOINTER_TO_SIZE (frame));
      if (null_data || hdr_len >= buf->length)
        return buf->length;
      if (flags & 0x40)
        dissect_protected (pkt, buf, hdr_len, tree, frame->pair);
      else
        {
          payload = iot_buf_sub (buf, hdr_len, -1);
          iot_call_dissector (pkt, &iot_dissector_llc, &payload, -1);
        }
      return buf->length;
    }

  iot_col_printf_info (pkt, "Unrecognized (Reserved frame), Flags=%s", flag_text);
  return buf->length;
}

IotDissector iot_dissector_wlan = {
  .name = "802.11",
  .abbrev = "wlan",
  .long_name = "IEEE 802.11 wireless LAN",
  .fields = wlan_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_wlan,
  .handoff = { { "link", 105 } },
  .state_new = wlan_state_new,
  .state_free = wlan_state_free,
};
