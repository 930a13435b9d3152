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
  /* HT Capabilities element (45), keep in this order. */
  F_HT_CAP,
  F_HT_CAP_LDPC, F_HT_CAP_WIDTH, F_HT_CAP_SM, F_HT_CAP_GREEN, F_HT_CAP_SHORT20, F_HT_CAP_SHORT40,
  F_HT_CAP_TXSTBC, F_HT_CAP_RXSTBC, F_HT_CAP_DELAYED_BA, F_HT_CAP_AMSDU, F_HT_CAP_DSSSCCK, F_HT_CAP_PSMP,
  F_HT_CAP_40MHZ_INTOLERANT, F_HT_CAP_LSIG,
  F_HT_AMPDU,
  F_HT_AMPDU_MAXLEN, F_HT_AMPDU_DENSITY, F_HT_AMPDU_RESERVED,
  F_HT_MCSSET,
  F_HT_RXBITMASK,
  F_HT_RXBM_0TO7, F_HT_RXBM_8TO15, F_HT_RXBM_16TO23, F_HT_RXBM_24TO31,
  F_HT_RXBM_32, F_HT_RXBM_33TO38, F_HT_RXBM_39TO52, F_HT_RXBM_53TO76,
  F_HT_HIGHEST_RATE,
  F_HT_TX_SET_DEFINED, F_HT_TXRX_NOT_EQUAL, F_HT_TX_MAX_SS, F_HT_TX_UNEQUAL_MOD,
  F_HTEX_CAP,
  F_HTEX_PCO, F_HTEX_TRANSTIME, F_HTEX_MCS, F_HTEX_HTC, F_HTEX_RD_RESPONDER,
  F_TXBF,
  F_TXBF_TXBF, F_TXBF_RXSS, F_TXBF_TXSS, F_TXBF_RXNDP, F_TXBF_TXNDP, F_TXBF_IMPLICIT, F_TXBF_CALIBRATION,
  F_TXBF_CSI, F_TXBF_FM_UNCOMP_TBF, F_TXBF_FM_COMP_TBF, F_TXBF_RCSI, F_TXBF_FM_UNCOMP_RBF, F_TXBF_FM_COMP_BF,
  F_TXBF_MINGROUP, F_TXBF_CSI_NUMANT, F_TXBF_FM_UNCOMP_MAXANT, F_TXBF_FM_COMP_MAXANT, F_TXBF_CSI_MAXROWS,
  F_TXBF_CHANNELEST, F_TXBF_RESERVED,
  F_ASEL,
  F_ASEL_CAPABLE, F_ASEL_TXCSI, F_ASEL_TXIF, F_ASEL_CSI, F_ASEL_IF, F_ASEL_RX, F_ASEL_SPPDU, F_ASEL_RESERVED,
  /* HT Operation element (61), keep in this order. */
  F_HT_INFO_PRIMARY_CHANNEL,
  F_HT_INFO_DELIM1,
  F_HT_INFO_SECCHANOFFSET, F_HT_INFO_CHANWIDTH, F_HT_INFO_RIFS, F_HT_INFO_RES_B4_B7,
  F_HT_INFO_DELIM2,
  F_HT_INFO_PROTECTION, F_HT_INFO_GREENFIELD, F_HT_INFO_RES_B11, F_HT_INFO_OBSS_NON_HT, F_HT_INFO_CCFS2,
  F_HT_INFO_RES_B21_B23,
  F_HT_INFO_DELIM3,
  F_HT_INFO_RES_B24_B29, F_HT_INFO_DUAL_BEACON, F_HT_INFO_DUAL_CTS, F_HT_INFO_SECONDARY_BEACON,
  F_HT_INFO_LSIG_FULL, F_HT_INFO_PCO_ACTIVE, F_HT_INFO_PCO_PHASE, F_HT_INFO_RES_B36_B39,
  /* VHT Capabilities element (191), keep in this order. */
  F_VHT_CAP,
  F_VHT_CAP_MAX_MPDU, F_VHT_CAP_CHAN_WIDTH_SET, F_VHT_CAP_RXLDPC, F_VHT_CAP_SHORT80, F_VHT_CAP_SHORT160,
  F_VHT_CAP_TXSTBC, F_VHT_CAP_RXSTBC, F_VHT_CAP_SU_BFER, F_VHT_CAP_SU_BFEE, F_VHT_CAP_BFEE_STS,
  F_VHT_CAP_SOUNDING_DIMS, F_VHT_CAP_MU_BFER, F_VHT_CAP_MU_BFEE, F_VHT_CAP_TXOP_PS, F_VHT_CAP_HTC,
  F_VHT_CAP_MAX_AMPDU, F_VHT_CAP_LINK_ADAPT, F_VHT_CAP_RX_PATTERN, F_VHT_CAP_TX_PATTERN, F_VHT_CAP_EXT_NSS_BW,
  F_VHT_MCSSET,
  F_VHT_RXMCSMAP, F_VHT_RX_SS1, F_VHT_RX_SS2, F_VHT_RX_SS3, F_VHT_RX_SS4, F_VHT_RX_SS5, F_VHT_RX_SS6,
  F_VHT_RX_SS7, F_VHT_RX_SS8,
  F_VHT_RX_HIGHEST, F_VHT_MAX_NSTS,
  F_VHT_TXMCSMAP, F_VHT_TX_SS1, F_VHT_TX_SS2, F_VHT_TX_SS3, F_VHT_TX_SS4, F_VHT_TX_SS5, F_VHT_TX_SS6,
  F_VHT_TX_SS7, F_VHT_TX_SS8,
  F_VHT_TX_HIGHEST, F_VHT_EXT_NSS_BW_CAP, F_VHT_NCS_RESERVED,
  /* VHT Operation element (192), keep in this order. */
  F_VHT_OP, F_VHT_OP_WIDTH, F_VHT_OP_CENTER0, F_VHT_OP_CENTER1,
  F_VHT_OP_BASIC, F_VHT_OP_SS1, F_VHT_OP_SS2, F_VHT_OP_SS3, F_VHT_OP_SS4, F_VHT_OP_SS5, F_VHT_OP_SS6,
  F_VHT_OP_SS7, F_VHT_OP_SS8,
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
  { 48, "RSN Information" }, { 50, "Extended Supported Rates" }, { 61, "HT Information (802.11n D1.10)" }, { 191, "VHT Capabilities" }, { 192, "VHT Operation" },
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

static const IotValueName sm_power_save_names[] = {
  { 0, "Static SM Power Save mode" }, { 1, "Dynamic SM Power Save mode" }, { 2, "Reserved" },
  { 3, "SM Power Save disabled" },
  IOT_VALUE_NAMES_END
};

static const IotValueName rx_stbc_names[] = {
  { 0, "No Rx STBC support" }, { 1, "Rx support of one spatial stream" },
  { 2, "Rx support of one and two spatial streams" }, { 3, "Rx support of one, two, and three spatial streams" },
  IOT_VALUE_NAMES_END
};

static const IotValueName ampdu_length_names[] = {
  { 0, "8191 bytes" }, { 1, "16383 bytes" }, { 2, "32767 bytes" }, { 3, "65535 bytes" },
  IOT_VALUE_NAMES_END
};

static const IotValueName mpdu_density_names[] = {
  { 0, "no restriction" }, { 1, "1/4 µs" }, { 2, "1/2 µs" }, { 3, "1 µs" }, { 4, "2 µs" }, { 5, "4 µs" },
  { 6, "8 µs" }, { 7, "16 µs" },
  IOT_VALUE_NAMES_END
};

static const IotValueName tx_max_ss_names[] = {
  { 0, "1 spatial stream" }, { 1, "2 spatial streams" }, { 2, "3 spatial streams" }, { 3, "4 spatial streams" },
  IOT_VALUE_NAMES_END
};

static const IotValueName secondary_channel_names[] = {
  { 0, "No secondary channel" }, { 1, "Secondary channel is above the primary channel" }, { 2, "Reserved" },
  { 3, "Secondary channel is below the primary channel" },
  IOT_VALUE_NAMES_END
};

static const IotValueName ht_protection_names[] = {
  { 0, "No protection mode" }, { 1, "HT non-member protection mode" }, { 2, "20 MHz protection mode" },
  { 3, "non-HT mixed mode" },
  IOT_VALUE_NAMES_END
};

static const IotValueName transition_time_names[] = {
  { 0, "No Transition" }, { 1, "400 µs" }, { 2, "1.5 ms" }, { 3, "5 ms" },
  IOT_VALUE_NAMES_END
};

static const IotValueName mcs_feedback_names[] = {
  { 0, "STA does not provide MCS feedback" }, { 1, "Reserved" }, { 2, "STA provides only unsolicited MCS feedback" },
  { 3, "STA can provide MCS feedback in response to MRQ as well as unsolicited MCS feedback" },
  IOT_VALUE_NAMES_END
};

static const IotValueName vht_max_mpdu_names[] = {
  { 0, "3 895" }, { 1, "7 991" }, { 2, "11 454" }, { 3, "Reserved" },
  IOT_VALUE_NAMES_END
};

static const IotValueName vht_width_set_names[] = {
  { 0, "Neither 160MHz nor 80+80 supported" }, { 1, "160MHz supported" }, { 2, "160MHz and 80+80 Supported" },
  { 3, "Reserved" },
  IOT_VALUE_NAMES_END
};

static const IotValueName vht_rx_stbc_names[] = {
  { 0, "None" }, { 1, "1 Spatial Stream Supported" }, { 2, "1 to 2 Spatial Stream Supported" },
  { 3, "1 to 3 Spatial Stream Supported" }, { 4, "1 to 4 Spatial Stream Supported" },
  IOT_VALUE_NAMES_END
};

static const IotValueName vht_link_adapt_names[] = {
  { 0, "No Feedback" }, { 1, "Reserved (logically only solicited feedback)" }, { 2, "Unsolicited feedback only" },
  { 3, "Both (can provide unsolicited feedback and respond to VHT MRQ)" },
  IOT_VALUE_NAMES_END
};

static const IotValueName vht_mcs_map_names[] = {
  { 0, "MCS 0-7" }, { 1, "MCS 0-8" }, { 2, "MCS 0-9" }, { 3, "Not Supported" },
  IOT_VALUE_NAMES_END
};

static const IotValueName vht_op_width_names[] = {
  { 0, "20 MHz or 40 MHz" }, { 1, "80 MHz, 160 MHz or 80+80 MHz BSS Bandwidth" }, { 2, "160 MHz (deprecated)" },
  { 3, "Non-contiguous 80+80 MHz (deprecated)" },
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
/* Bits of the capability words of the HT elements: supported or not. */
#define HT_BIT(field, abbrev, name, mask, bits, text) \
  [field] = BOOL (abbrev, name, mask, bits, text, "Supported", "Not supported")
#define HT_HEX(field, abbrev, name, type, mask, vals, text) \
  [field] = { abbrev, name, type, IOT_BASE_HEX, vals, mask, text }
/* One spatial stream's entry in a VHT MCS map (2 bits each). */
#define VHT_SS(field, prefix, label, n, text) \
  HT_HEX (field, prefix ".ss" #n, label " " #n " SS", IOT_FT_UINT16, 0x3u << (2 * (n - 1)), vht_mcs_map_names, text)
#define RXBM(field, abbrev, name, mask) \
  HT_HEX (field, "wlan.ht.mcsset.rxbitmask." abbrev, name, IOT_FT_UINT32, mask, NULL, \
          "One bit per MCS index the station can receive (indices 0-7 one stream, 8-15 two, …).")

enum {
  E_BAD_LENGTH,
  E_DISCONNECTED,
  E_DEAUTH_STORM,
  E_CCMP_MIC,
  E_RETRY,
  N_EXPERTS
};

static IotExpertInfo wlan_experts[N_EXPERTS] = {
  [E_BAD_LENGTH] = IOT_EXPERT_INFO ("ieee80211.bad_length", IOT_SEV_ERROR, IOT_GROUP_MALFORMED, "Wrong length indicated",
                              "An information element's length does not match the length its definition requires."),
  [E_DISCONNECTED] = IOT_EXPERT_INFO ("wlan.station_disconnected", IOT_SEV_NOTE, IOT_GROUP_SEQUENCE, "Station disconnected",
                              "A deauthentication or disassociation frame ended a station's membership; the reason code says why."),
  [E_DEAUTH_STORM] = IOT_EXPERT_INFO ("wlan.deauth_storm", IOT_SEV_WARN, IOT_GROUP_SECURITY, "Deauthentication storm",
                              "Many deauthentication or disassociation frames within one second: a deauthentication attack (forged frames that kick stations off to capture their handshakes) or a failing access point."),
  [E_CCMP_MIC] = IOT_EXPERT_INFO ("wlan.ccmp.mic_failed", IOT_SEV_WARN, IOT_GROUP_SECURITY, "CCMP integrity check failed",
                              "The frame's CCMP message integrity code does not verify with the key derived for this station: a wrong key or a damaged frame."),
  [E_RETRY] = IOT_EXPERT_INFO ("wlan.fc.retry.expert", IOT_SEV_NOTE, IOT_GROUP_SEQUENCE, "Retransmission (retry)",
                              "The retry bit: the sender did not get an acknowledgement for an earlier copy of this frame and sent it again."),
};

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
  /* HT Capabilities (802.11n): what a station or access point can do. */
  HT_HEX (F_HT_CAP, "wlan.ht.capabilities", "HT Capabilities Info", IOT_FT_UINT16, 0, NULL,
    "802.11n features of the sender: channel width, guard interval, coding, power save."),
  HT_BIT (F_HT_CAP_LDPC, "wlan.ht.capabilities.ldpccoding", "HT LDPC coding capability", 0x0001, 16,
    "Can receive LDPC-coded frames (a stronger error-correcting code than BCC)."),
  [F_HT_CAP_WIDTH] = BOOL ("wlan.ht.capabilities.width", "HT Support channel width", 0x0002, 16,
    "Whether 40 MHz channels work as well as 20 MHz ones (twice the rate, more interference on 2.4 GHz).",
    "Transmitter supports 20MHz and 40MHz operation", "Transmitter only supports 20MHz operation"),
  HT_HEX (F_HT_CAP_SM, "wlan.ht.capabilities.sm", "HT SM Power Save", IOT_FT_UINT16, 0x000c, sm_power_save_names,
    "Spatial multiplexing power save: a battery device may keep only one receive chain awake."),
  HT_BIT (F_HT_CAP_GREEN, "wlan.ht.capabilities.green", "HT Green Field", 0x0010, 16,
    "Can receive frames with the greenfield preamble, which legacy stations cannot decode."),
  HT_BIT (F_HT_CAP_SHORT20, "wlan.ht.capabilities.short20", "HT Short GI for 20MHz", 0x0020, 16,
    "Short guard interval (400 ns instead of 800 ns) on 20 MHz: about 11 % faster."),
  HT_BIT (F_HT_CAP_SHORT40, "wlan.ht.capabilities.short40", "HT Short GI for 40MHz", 0x0040, 16,
    "Short guard interval on 40 MHz channels."),
  HT_BIT (F_HT_CAP_TXSTBC, "wlan.ht.capabilities.txstbc", "HT Tx STBC", 0x0080, 16,
    "Can send with space-time block coding (the same data over two antennas, for range)."),
  HT_HEX (F_HT_CAP_RXSTBC, "wlan.ht.capabilities.rxstbc", "HT Rx STBC", IOT_FT_UINT16, 0x0300, rx_stbc_names,
    "How many spatial streams it can receive with space-time block coding."),
  HT_BIT (F_HT_CAP_DELAYED_BA, "wlan.ht.capabilities.delayedblockack", "HT Delayed Block ACK", 0x0400, 16,
    "Can answer a Block Ack Request later instead of at once."),
  [F_HT_CAP_AMSDU] = BOOL ("wlan.ht.capabilities.amsdu", "HT Max A-MSDU length", 0x0800, 16,
    "Largest aggregate of frames packed into one (A-MSDU) it accepts.", "7935 bytes", "3839 bytes"),
  HT_BIT (F_HT_CAP_DSSSCCK, "wlan.ht.capabilities.dsscck", "HT DSSS/CCK mode in 40MHz", 0x1000, 16,
    "Uses the old 802.11b rates (DSSS/CCK) on a 40 MHz channel too."),
  HT_BIT (F_HT_CAP_PSMP, "wlan.ht.capabilities.psmp", "HT PSMP Support", 0x2000, 16,
    "Power-save multi-poll: scheduled wake-ups for many sleeping stations."),
  [F_HT_CAP_40MHZ_INTOLERANT] = BOOL ("wlan.ht.capabilities.40mhzintolerant", "HT Forty MHz Intolerant", 0x4000, 16,
    "Asks access points nearby not to use 40 MHz on 2.4 GHz (it would disturb this station).",
    "Use of 40 MHz transmissions restricted/disallowed", "Use of 40 MHz transmissions unrestricted/allowed"),
  HT_BIT (F_HT_CAP_LSIG, "wlan.ht.capabilities.lsig", "HT L-SIG TXOP Protection support", 0x8000, 16,
    "Protects its transmissions from legacy stations through the length in the legacy header."),
  HT_HEX (F_HT_AMPDU, "wlan.ht.ampduparam", "A-MPDU Parameters", IOT_FT_UINT8, 0, NULL,
    "How large aggregated frames (A-MPDU) may be, and how closely they may follow each other."),
  HT_HEX (F_HT_AMPDU_MAXLEN, "wlan.ht.ampduparam.maxlength", "Maximum Rx A-MPDU Length", IOT_FT_UINT8, 0x03,
    ampdu_length_names, "Largest A-MPDU it can receive: 2^(13+value) - 1 bytes."),
  HT_HEX (F_HT_AMPDU_DENSITY, "wlan.ht.ampduparam.mpdudensity", "MPDU Density", IOT_FT_UINT8, 0x1c,
    mpdu_density_names, "Shortest time it needs between the starts of two frames inside an A-MPDU."),
  HT_HEX (F_HT_AMPDU_RESERVED, "wlan.ht.ampduparam.reserved", "Reserved", IOT_FT_UINT8, 0xe0, NULL,
    "Reserved bits."),
  [F_HT_MCSSET] = { "wlan.ht.mcsset", "Rx Supported Modulation and Coding Scheme Set", IOT_FT_NONE, .blurb =
    "The 802.11n rates (MCS indices) it can receive and send." },
  [F_HT_RXBITMASK] = { "wlan.ht.mcsset.rxbitmask", "Rx Modulation and Coding Scheme (One bit per modulation)",
    IOT_FT_NONE, .blurb = "77 bits, one per MCS index it can receive." },
  RXBM (F_HT_RXBM_0TO7, "0to7", "Rx Bitmask Bits 0-7", 0x000000ff),
  RXBM (F_HT_RXBM_8TO15, "8to15", "Rx Bitmask Bits 8-15", 0x0000ff00),
  RXBM (F_HT_RXBM_16TO23, "16to23", "Rx Bitmask Bits 16-23", 0x00ff0000),
  RXBM (F_HT_RXBM_24TO31, "24to31", "Rx Bitmask Bits 24-31", 0xff000000),
  RXBM (F_HT_RXBM_32, "32", "Rx Bitmask Bit 32", 0x00000001),
  RXBM (F_HT_RXBM_33TO38, "33to38", "Rx Bitmask Bits 33-38", 0x0000007e),
  RXBM (F_HT_RXBM_39TO52, "39to52", "Rx Bitmask Bits 39-52", 0x001fff80),
  RXBM (F_HT_RXBM_53TO76, "53to76", "Rx Bitmask Bits 53-76", 0x1fffffe0),
  HT_HEX (F_HT_HIGHEST_RATE, "wlan.ht.mcsset.highestdatarate", "Highest Supported Data Rate", IOT_FT_UINT16, 0x03ff,
    NULL, "Fastest rate it can receive, in Mb/s (0: given by the bitmask)."),
  [F_HT_TX_SET_DEFINED] = BOOL ("wlan.ht.mcsset.txsetdefined", "Tx Supported MCS Set", 0x01, 16,
    "Whether the rates it sends with are given.", "Defined", "Not defined"),
  [F_HT_TXRX_NOT_EQUAL] = BOOL ("wlan.ht.mcsset.txrxmcsnotequal", "Tx and Rx MCS Set", 0x02, 16,
    "Whether it sends with other rates than it receives.", "Not equal", "Equal"),
  HT_HEX (F_HT_TX_MAX_SS, "wlan.ht.mcsset.txmaxss", "Maximum Number of Tx Spatial Streams Supported", IOT_FT_UINT16,
    0x0c, tx_max_ss_names, "Spatial streams it can send when its send rates differ from its receive rates."),
  HT_BIT (F_HT_TX_UNEQUAL_MOD, "wlan.ht.mcsset.txunequalmod", "Unequal Modulation", 0x10, 16,
    "Can send different modulations on different spatial streams."),
  HT_HEX (F_HTEX_CAP, "wlan.htex.capabilities", "HT Extended Capabilities", IOT_FT_UINT16, 0, NULL,
    "Less common 802.11n features: phased coexistence, MCS feedback, HT control field."),
  HT_BIT (F_HTEX_PCO, "wlan.htex.capabilities.pco", "Transmitter supports PCO", 0x0001, 16,
    "Phased coexistence: switching between 20 and 40 MHz over time."),
  HT_HEX (F_HTEX_TRANSTIME, "wlan.htex.capabilities.transtime", "Time needed to transition between 20MHz and 40MHz",
    IOT_FT_UINT16, 0x0006, transition_time_names, "How long a phased-coexistence switch takes."),
  HT_HEX (F_HTEX_MCS, "wlan.htex.capabilities.mcs", "MCS Feedback capability", IOT_FT_UINT16, 0x0300,
    mcs_feedback_names, "Whether it tells the sender which rate would suit the link."),
  HT_BIT (F_HTEX_HTC, "wlan.htex.capabilities.htc", "High Throughput", 0x0400, 16,
    "Can receive frames carrying the HT control field."),
  HT_BIT (F_HTEX_RD_RESPONDER, "wlan.htex.capabilities.rdresponder", "Reverse Direction Responder", 0x0800, 16,
    "Can send its own data in airtime the other side reserved (reverse direction)."),
  HT_HEX (F_TXBF, "wlan.txbf", "Transmit Beam Forming (TxBF) Capabilities", IOT_FT_UINT32, 0, NULL,
    "802.11n beamforming: shaping the signal towards the receiver; few devices implement it."),
  HT_BIT (F_TXBF_TXBF, "wlan.txbf.txbf", "Transmit Beamforming", 0x00000001, 32, "Can receive beamformed frames."),
  HT_BIT (F_TXBF_RXSS, "wlan.txbf.rxss", "Receive Staggered Sounding", 0x00000002, 32,
    "Can receive staggered sounding frames."),
  HT_BIT (F_TXBF_TXSS, "wlan.txbf.txss", "Transmit Staggered Sounding", 0x00000004, 32,
    "Can send staggered sounding frames."),
  HT_BIT (F_TXBF_RXNDP, "wlan.txbf.rxndp", "Receive Null Data packet (NDP)", 0x00000008, 32,
    "Can receive null data packets used to measure the channel."),
  HT_BIT (F_TXBF_TXNDP, "wlan.txbf.txndp", "Transmit Null Data packet (NDP)", 0x00000010, 32,
    "Can send null data packets used to measure the channel."),
  HT_BIT (F_TXBF_IMPLICIT, "wlan.txbf.impltxbf", "Implicit TxBF capable", 0x00000020, 32,
    "Can beamform from its own measurement of the channel."),
  HT_HEX (F_TXBF_CALIBRATION, "wlan.txbf.calibration", "Calibration", IOT_FT_UINT32, 0x000000c0, NULL,
    "Whether it takes part in calibrating implicit beamforming."),
  HT_BIT (F_TXBF_CSI, "wlan.txbf.csi", "STA can apply TxBF using CSI explicit feedback", 0x00000100, 32,
    "Can beamform from channel state the receiver reports."),
  HT_BIT (F_TXBF_FM_UNCOMP_TBF, "wlan.txbf.fm.uncompressed.tbf",
    "STA can apply TxBF using uncompressed beamforming feedback matrix", 0x00000200, 32,
    "Can beamform from an uncompressed feedback matrix."),
  HT_BIT (F_TXBF_FM_COMP_TBF, "wlan.txbf.fm.compressed.tbf",
    "STA can apply TxBF using compressed beamforming feedback matrix", 0x00000400, 32,
    "Can beamform from a compressed feedback matrix."),
  HT_HEX (F_TXBF_RCSI, "wlan.txbf.rcsi", "Receiver can return explicit CSI feedback", IOT_FT_UINT32, 0x00001800,
    NULL, "Whether it reports channel state to a beamformer."),
  HT_HEX (F_TXBF_FM_UNCOMP_RBF, "wlan.txbf.fm.uncompressed.rbf",
    "Receiver can return explicit uncompressed Beamforming Feedback Matrix", IOT_FT_UINT32, 0x00006000, NULL,
    "Whether it reports an uncompressed feedback matrix."),
  HT_HEX (F_TXBF_FM_COMP_BF, "wlan.txbf.fm.compressed.bf",
    "STA can compress and use compressed Beamforming Feedback Matrix", IOT_FT_UINT32, 0x00018000, NULL,
    "Whether it reports a compressed feedback matrix."),
  HT_HEX (F_TXBF_MINGROUP, "wlan.txbf.mingroup", "Minimal grouping used for explicit feedback reports",
    IOT_FT_UINT32, 0x00060000, NULL, "How many subcarriers share one feedback value."),
  HT_HEX (F_TXBF_CSI_NUMANT, "wlan.txbf.csinumant", "Max antennae STA can support when CSI feedback required",
    IOT_FT_UINT32, 0x00180000, NULL, "Antennas it can sound for channel-state feedback, minus one."),
  HT_HEX (F_TXBF_FM_UNCOMP_MAXANT, "wlan.txbf.fm.uncompressed.maxant",
    "Max antennae STA can support when uncompressed Beamforming feedback required", IOT_FT_UINT32, 0x00600000, NULL,
    "Antennas it can sound for uncompressed feedback, minus one."),
  HT_HEX (F_TXBF_FM_COMP_MAXANT, "wlan.txbf.fm.compressed.maxant",
    "Max antennae STA can support when compressed Beamforming feedback required", IOT_FT_UINT32, 0x01800000, NULL,
    "Antennas it can sound for compressed feedback, minus one."),
  HT_HEX (F_TXBF_CSI_MAXROWS, "wlan.txbf.csi.maxrows", "Maximum number of rows of CSI explicit feedback",
    IOT_FT_UINT32, 0x06000000, NULL, "Rows of channel-state feedback it can send, minus one."),
  HT_HEX (F_TXBF_CHANNELEST, "wlan.txbf.channelest",
    "Maximum number of space time streams for which channel dimensions can be simultaneously estimated",
    IOT_FT_UINT32, 0x18000000, NULL, "Streams whose channel it can estimate at once, minus one."),
  HT_HEX (F_TXBF_RESERVED, "wlan.txbf.reserved", "Reserved", IOT_FT_UINT32, 0xe0000000, NULL, "Reserved bits."),
  HT_HEX (F_ASEL, "wlan.asel", "Antenna Selection (ASEL) Capabilities", IOT_FT_UINT8, 0, NULL,
    "Choosing a subset of antennas per link; rarely implemented."),
  HT_BIT (F_ASEL_CAPABLE, "wlan.asel.capable", "Antenna Selection Capable", 0x01, 8, "Supports antenna selection."),
  HT_BIT (F_ASEL_TXCSI, "wlan.asel.txcsi", "Explicit CSI Feedback Based Tx ASEL", 0x02, 8,
    "Selects send antennas from channel-state feedback."),
  HT_BIT (F_ASEL_TXIF, "wlan.asel.txif", "Antenna Indices Feedback Based Tx ASEL", 0x04, 8,
    "Selects send antennas from antenna-index feedback."),
  HT_BIT (F_ASEL_CSI, "wlan.asel.csi", "Explicit CSI Feedback", 0x08, 8, "Reports channel state for selection."),
  HT_BIT (F_ASEL_IF, "wlan.asel.if", "Antenna Indices Feedback", 0x10, 8, "Reports antenna indices."),
  HT_BIT (F_ASEL_RX, "wlan.asel.rx", "Rx ASEL", 0x20, 8, "Selects its receive antennas."),
  HT_BIT (F_ASEL_SPPDU, "wlan.asel.sppdu", "Tx Sounding PPDUs", 0x40, 8, "Sends sounding frames for selection."),
  HT_HEX (F_ASEL_RESERVED, "wlan.asel.reserved", "Reserved", IOT_FT_UINT8, 0x80, NULL, "Reserved bit."),
  /* HT Operation (called HT Information in the 802.11n drafts): how the
   * access point runs its 802.11n network. */
  [F_HT_INFO_PRIMARY_CHANNEL] = { "wlan.ht.info.primarychannel", "Primary Channel", IOT_FT_UINT8, IOT_BASE_DEC,
    NULL, 0, "The 20 MHz channel beacons and legacy stations use." },
  HT_HEX (F_HT_INFO_DELIM1, "wlan.ht.info.delim1", "HT Information Subset (1 of 3)", IOT_FT_UINT8, 0, NULL,
    "Channel width and secondary channel of the network."),
  HT_HEX (F_HT_INFO_SECCHANOFFSET, "wlan.ht.info.secchanoffset", "Secondary channel offset", IOT_FT_UINT8, 0x03,
    secondary_channel_names, "Where the second 20 MHz half of a 40 MHz channel lies: above, below or none."),
  [F_HT_INFO_CHANWIDTH] = BOOL ("wlan.ht.info.chanwidth", "Supported channel width", 0x04, 8,
    "Whether stations may send on the full 40 MHz.", "Channel of any width supported",
    "20 MHz channel width only"),
  [F_HT_INFO_RIFS] = BOOL ("wlan.ht.info.rifs", "Reduced Interframe Spacing (RIFS)", 0x08, 8,
    "Whether frames may follow each other with the shorter 2 µs gap.", "Permitted", "Prohibited"),
  HT_HEX (F_HT_INFO_RES_B4_B7, "wlan.ht.info.reserved_b4_b7", "Reserved", IOT_FT_UINT8, 0xf0, NULL, "Reserved bits."),
  HT_HEX (F_HT_INFO_DELIM2, "wlan.ht.info.delim2", "HT Information Subset (2 of 3)", IOT_FT_UINT16, 0, NULL,
    "Protection of the network against older stations."),
  HT_HEX (F_HT_INFO_PROTECTION, "wlan.ht.info.ht_protection", "HT Protection", IOT_FT_UINT16, 0x0003,
    ht_protection_names, "Whether 802.11n frames must be announced with legacy RTS/CTS because older "
    "stations are near: protection costs airtime."),
  [F_HT_INFO_GREENFIELD] = BOOL ("wlan.ht.info.greenfield", "Non-greenfield STAs present", 0x0004, 16,
    "Whether an associated station cannot receive the greenfield preamble.",
    "One or more associated STAs are not greenfield capable", "All associated STAs are greenfield capable"),
  HT_HEX (F_HT_INFO_RES_B11, "wlan.ht.info.reserved_b11", "Reserved", IOT_FT_UINT16, 0x0008, NULL, "Reserved bit."),
  [F_HT_INFO_OBSS_NON_HT] = BOOL ("wlan.ht.info.obssnonht", "OBSS non-HT STAs present", 0x0010, 16,
    "Whether a neighbouring network has legacy (pre-802.11n) stations that need protection.",
    "Use of protection for non-HT STAs by overlapping BSSs is needed",
    "Use of protection for non-HT STAs by overlapping BSSs is not needed"),
  [F_HT_INFO_CCFS2] = { "wlan.ht.info.chan_center_freq_seg_2", "Channel Center Frequency Segment 2", IOT_FT_UINT16,
    IOT_BASE_DEC, NULL, 0x1fe0, "Centre of the second 80 MHz segment (802.11ac 160 MHz), 0 when unused." },
  HT_HEX (F_HT_INFO_RES_B21_B23, "wlan.ht.info.reserved_b21_b23", "Reserved", IOT_FT_UINT16, 0xe000, NULL,
    "Reserved bits."),
  HT_HEX (F_HT_INFO_DELIM3, "wlan.ht.info.delim3", "HT Information Subset (3 of 3)", IOT_FT_UINT16, 0, NULL,
    "Dual beacons, dual CTS and phased coexistence."),
  HT_HEX (F_HT_INFO_RES_B24_B29, "wlan.ht.info.reserved_b24_b29", "Reserved", IOT_FT_UINT16, 0x003f, NULL,
    "Reserved bits."),
  [F_HT_INFO_DUAL_BEACON] = BOOL ("wlan.ht.info.dualbeacon", "Dual beacon", 0x0040, 16,
    "Whether a second beacon is sent with the space-time block code.", "Dual beacon is transmitted",
    "No second beacon is transmitted"),
  [F_HT_INFO_DUAL_CTS] = BOOL ("wlan.ht.info.dualcts", "Dual Clear To Send (CTS) protection", 0x0080, 16,
    "Whether protection uses two CTS frames (legacy and STBC).", "Required", "Not required"),
  [F_HT_INFO_SECONDARY_BEACON] = BOOL ("wlan.ht.info.secondarybeacon", "Beacon ID", 0x0100, 16,
    "Whether this beacon is the secondary (STBC) one.", "STBC beacon", "Primary beacon"),
  [F_HT_INFO_LSIG_FULL] = BOOL ("wlan.ht.info.lsigprotsupport", "L-SIG TXOP Protection Full Support", 0x0200, 16,
    "Whether every HT station of the network supports L-SIG protection.",
    "All HT STAs in the BSS support L-SIG TXOP protection",
    "One or more HT STAs in the BSS do not support L-SIG TXOP protection"),
  [F_HT_INFO_PCO_ACTIVE] = BOOL ("wlan.ht.info.pco.active", "Phased Coexistence Operation (PCO)", 0x0400, 16,
    "Whether the network alternates between 20 and 40 MHz phases.", "Active", "Inactive"),
  [F_HT_INFO_PCO_PHASE] = BOOL ("wlan.ht.info.pco.phase", "Phased Coexistence Operation (PCO) Phase", 0x0800, 16,
    "The current phase of phased coexistence.", "Switch to or continue 40 MHz phase",
    "Switch to or continue 20 MHz phase"),
  HT_HEX (F_HT_INFO_RES_B36_B39, "wlan.ht.info.reserved_b36_b39", "Reserved", IOT_FT_UINT16, 0xf000, NULL,
    "Reserved bits."),
  /* VHT Capabilities (802.11ac). */
  HT_HEX (F_VHT_CAP, "wlan.vht.capabilities", "VHT Capabilities Info", IOT_FT_UINT32, 0, NULL,
    "802.11ac features of the sender: channel widths up to 160 MHz, guard interval, beamforming, aggregation."),
  HT_HEX (F_VHT_CAP_MAX_MPDU, "wlan.vht.capabilities.maxmpdulength", "Maximum MPDU Length", IOT_FT_UINT32, 0x00000003,
    vht_max_mpdu_names, "Largest single frame it accepts, in bytes."),
  HT_HEX (F_VHT_CAP_CHAN_WIDTH_SET, "wlan.vht.capabilities.supportedchanwidthset", "Supported Channel Width Set",
    IOT_FT_UINT32, 0x0000000c, vht_width_set_names, "Whether 160 MHz (or two 80 MHz halves) work besides 80 MHz."),
  HT_BIT (F_VHT_CAP_RXLDPC, "wlan.vht.capabilities.rxldpc", "Rx LDPC", 0x00000010, 32,
    "Can receive LDPC-coded frames."),
  HT_BIT (F_VHT_CAP_SHORT80, "wlan.vht.capabilities.short80", "Short GI for 80MHz/TVHT_MODE_4C", 0x00000020, 32,
    "Short guard interval on 80 MHz channels."),
  HT_BIT (F_VHT_CAP_SHORT160, "wlan.vht.capabilities.short160", "Short GI for 160MHz and 80+80MHz", 0x00000040, 32,
    "Short guard interval on 160 MHz channels."),
  HT_BIT (F_VHT_CAP_TXSTBC, "wlan.vht.capabilities.txstbc", "Tx STBC", 0x00000080, 32,
    "Can send with space-time block coding."),
  HT_HEX (F_VHT_CAP_RXSTBC, "wlan.vht.capabilities.rxstbc", "Rx STBC", IOT_FT_UINT32, 0x00000700, vht_rx_stbc_names,
    "How many spatial streams it can receive with space-time block coding."),
  HT_BIT (F_VHT_CAP_SU_BFER, "wlan.vht.capabilities.subeamformer", "SU Beamformer Capable", 0x00000800, 32,
    "Can steer its signal towards one receiver."),
  HT_BIT (F_VHT_CAP_SU_BFEE, "wlan.vht.capabilities.subeamformee", "SU Beamformee Capable", 0x00001000, 32,
    "Can help a beamformer by reporting the channel it sees."),
  HT_HEX (F_VHT_CAP_BFEE_STS, "wlan.vht.capabilities.beamformee_sts_cap", "Beamformee STS Capability", IOT_FT_UINT32,
    0x0000e000, NULL, "Space-time streams it can receive beamformed, minus one."),
  HT_HEX (F_VHT_CAP_SOUNDING_DIMS, "wlan.vht.capabilities.soundingdimensions", "Number of Sounding Dimensions",
    IOT_FT_UINT32, 0x00070000, NULL, "Antennas it sounds the channel with as a beamformer, minus one."),
  HT_BIT (F_VHT_CAP_MU_BFER, "wlan.vht.capabilities.mubeamformer", "MU Beamformer Capable", 0x00080000, 32,
    "Can send to several stations at once (MU-MIMO)."),
  HT_BIT (F_VHT_CAP_MU_BFEE, "wlan.vht.capabilities.mubeamformee", "MU Beamformee Capable", 0x00100000, 32,
    "Can be one of several stations served at once (MU-MIMO)."),
  HT_BIT (F_VHT_CAP_TXOP_PS, "wlan.vht.capabilities.vhttxopps", "TXOP PS", 0x00200000, 32,
    "Sleeps during other stations' transmissions to save power."),
  HT_BIT (F_VHT_CAP_HTC, "wlan.vht.capabilities.vhthtc", "+HTC-VHT Capable", 0x00400000, 32,
    "Can receive the VHT variant of the HT control field."),
  HT_HEX (F_VHT_CAP_MAX_AMPDU, "wlan.vht.capabilities.maxampdu", "Max A-MPDU Length Exponent", IOT_FT_UINT32,
    0x03800000, NULL, "Largest A-MPDU it can receive: 2^(13+value) - 1 bytes."),
  HT_HEX (F_VHT_CAP_LINK_ADAPT, "wlan.vht.capabilities.linkadapt", "VHT Link Adaptation", IOT_FT_UINT32, 0x0c000000,
    vht_link_adapt_names, "Whether it tells the sender which rate would suit the link."),
  HT_BIT (F_VHT_CAP_RX_PATTERN, "wlan.vht.capabilities.rxpatconsist", "Rx Antenna Pattern Consistency", 0x10000000, 32,
    "Its receive antenna pattern does not change during an association."),
  HT_BIT (F_VHT_CAP_TX_PATTERN, "wlan.vht.capabilities.txpatconsist", "Tx Antenna Pattern Consistency", 0x20000000, 32,
    "Its transmit antenna pattern does not change during an association."),
  HT_HEX (F_VHT_CAP_EXT_NSS_BW, "wlan.vht.capabilities.ext_nss_bw_support", "Extended NSS BW Support", IOT_FT_UINT32,
    0xc0000000, NULL, "Fewer spatial streams on wider channels (with the width set above)."),
  [F_VHT_MCSSET] = { "wlan.vht.mcsset", "VHT Supported MCS Set", IOT_FT_NONE, .blurb =
    "The 802.11ac rates it can receive and send, per number of spatial streams." },
  HT_HEX (F_VHT_RXMCSMAP, "wlan.vht.mcsset.rxmcsmap", "Rx MCS Map", IOT_FT_UINT16, 0, NULL,
    "Highest MCS it receives with 1 to 8 spatial streams, 2 bits each."),
  VHT_SS (F_VHT_RX_SS1, "wlan.vht.mcsset.rxmcsmap", "Rx", 1, "Rates it receives with one spatial stream."),
  VHT_SS (F_VHT_RX_SS2, "wlan.vht.mcsset.rxmcsmap", "Rx", 2, "Rates it receives with two spatial streams."),
  VHT_SS (F_VHT_RX_SS3, "wlan.vht.mcsset.rxmcsmap", "Rx", 3, "Rates it receives with three spatial streams."),
  VHT_SS (F_VHT_RX_SS4, "wlan.vht.mcsset.rxmcsmap", "Rx", 4, "Rates it receives with four spatial streams."),
  VHT_SS (F_VHT_RX_SS5, "wlan.vht.mcsset.rxmcsmap", "Rx", 5, "Rates it receives with five spatial streams."),
  VHT_SS (F_VHT_RX_SS6, "wlan.vht.mcsset.rxmcsmap", "Rx", 6, "Rates it receives with six spatial streams."),
  VHT_SS (F_VHT_RX_SS7, "wlan.vht.mcsset.rxmcsmap", "Rx", 7, "Rates it receives with seven spatial streams."),
  VHT_SS (F_VHT_RX_SS8, "wlan.vht.mcsset.rxmcsmap", "Rx", 8, "Rates it receives with eight spatial streams."),
  HT_HEX (F_VHT_RX_HIGHEST, "wlan.vht.mcsset.rxhighestlonggirate",
    "Rx Highest Long GI Data Rate (in Mb/s, 0 = subfield not in use)", IOT_FT_UINT16, 0x1fff, NULL,
    "Fastest rate it can receive with the long guard interval, in Mb/s."),
  [F_VHT_MAX_NSTS] = { "wlan.vht.mcsset.max_nsts_total", "MaX NSTS Total", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0xe000,
    "Most space-time streams it handles in total with extended NSS bandwidth support." },
  HT_HEX (F_VHT_TXMCSMAP, "wlan.vht.mcsset.txmcsmap", "Tx MCS Map", IOT_FT_UINT16, 0, NULL,
    "Highest MCS it sends with 1 to 8 spatial streams, 2 bits each."),
  VHT_SS (F_VHT_TX_SS1, "wlan.vht.mcsset.txmcsmap", "Tx", 1, "Rates it sends with one spatial stream."),
  VHT_SS (F_VHT_TX_SS2, "wlan.vht.mcsset.txmcsmap", "Tx", 2, "Rates it sends with two spatial streams."),
  VHT_SS (F_VHT_TX_SS3, "wlan.vht.mcsset.txmcsmap", "Tx", 3, "Rates it sends with three spatial streams."),
  VHT_SS (F_VHT_TX_SS4, "wlan.vht.mcsset.txmcsmap", "Tx", 4, "Rates it sends with four spatial streams."),
  VHT_SS (F_VHT_TX_SS5, "wlan.vht.mcsset.txmcsmap", "Tx", 5, "Rates it sends with five spatial streams."),
  VHT_SS (F_VHT_TX_SS6, "wlan.vht.mcsset.txmcsmap", "Tx", 6, "Rates it sends with six spatial streams."),
  VHT_SS (F_VHT_TX_SS7, "wlan.vht.mcsset.txmcsmap", "Tx", 7, "Rates it sends with seven spatial streams."),
  VHT_SS (F_VHT_TX_SS8, "wlan.vht.mcsset.txmcsmap", "Tx", 8, "Rates it sends with eight spatial streams."),
  HT_HEX (F_VHT_TX_HIGHEST, "wlan.vht.mcsset.txhighestlonggirate",
    "Tx Highest Long GI Data Rate  (in Mb/s, 0 = subfield not in use)", IOT_FT_UINT16, 0x1fff, NULL,
    "Fastest rate it sends with the long guard interval, in Mb/s."),
  [F_VHT_EXT_NSS_BW_CAP] = BOOL ("wlan.vht.ncsset.ext_nss_bw_cap", "Extended NSS BW Capable", 0x2000, 16,
    "Whether it can use fewer spatial streams on wider channels.", "Capable", "Not capable"),
  HT_HEX (F_VHT_NCS_RESERVED, "wlan.vht.ncsset.reserved", "Reserved", IOT_FT_UINT16, 0xc000, NULL, "Reserved bits."),
  /* VHT Operation: how the access point runs its 802.11ac network. */
  [F_VHT_OP] = { "wlan.vht.op", "VHT Operation Info", IOT_FT_NONE, .blurb =
    "Width and centre of the 802.11ac channel the network uses." },
  [F_VHT_OP_WIDTH] = { "wlan.vht.op.channelwidth", "Channel Width", IOT_FT_UINT8, IOT_BASE_DEC, vht_op_width_names,
    0, "0: 20 or 40 MHz (as HT Operation says); 1: 80, 160 or 80+80 MHz." },
  [F_VHT_OP_CENTER0] = { "wlan.vht.op.channelcenter0", "Channel Center Segment 0", IOT_FT_UINT8, IOT_BASE_DEC, NULL,
    0, "Channel number at the centre of the 80 MHz channel (42 for channels 36-48)." },
  [F_VHT_OP_CENTER1] = { "wlan.vht.op.channelcenter1", "Channel Center Segment 1", IOT_FT_UINT8, IOT_BASE_DEC, NULL,
    0, "Centre of the 160 MHz channel or of the second 80 MHz segment; 0 when unused." },
  HT_HEX (F_VHT_OP_BASIC, "wlan.vht.op.basicmcsmap", "Basic MCS Map", IOT_FT_UINT16, 0, NULL,
    "Rates every station of the network must support, per number of spatial streams."),
  VHT_SS (F_VHT_OP_SS1, "wlan.vht.op.basicmcsmap", "Basic", 1, "Basic rates with one spatial stream."),
  VHT_SS (F_VHT_OP_SS2, "wlan.vht.op.basicmcsmap", "Basic", 2, "Basic rates with two spatial streams."),
  VHT_SS (F_VHT_OP_SS3, "wlan.vht.op.basicmcsmap", "Basic", 3, "Basic rates with three spatial streams."),
  VHT_SS (F_VHT_OP_SS4, "wlan.vht.op.basicmcsmap", "Basic", 4, "Basic rates with four spatial streams."),
  VHT_SS (F_VHT_OP_SS5, "wlan.vht.op.basicmcsmap", "Basic", 5, "Basic rates with five spatial streams."),
  VHT_SS (F_VHT_OP_SS6, "wlan.vht.op.basicmcsmap", "Basic", 6, "Basic rates with six spatial streams."),
  VHT_SS (F_VHT_OP_SS7, "wlan.vht.op.basicmcsmap", "Basic", 7, "Basic rates with seven spatial streams."),
  VHT_SS (F_VHT_OP_SS8, "wlan.vht.op.basicmcsmap", "Basic", 8, "Basic rates with eight spatial streams."),
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

IotTapWlan *
iot_wlan_current_record (IotPacket *pkt)
{
  guint n;
  gconstpointer const *records;

  if (!iot_tap_wanted (pkt, IOT_TAP_WLAN))
    return NULL;
  records = iot_packet_tap_records (pkt, IOT_TAP_WLAN, &n);
  /* The record is the packet's, queued open for its layers to fill in. */
  return n > 0 ? (IotTapWlan *) records[n - 1] : NULL;
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

/* The 16-byte Supported MCS Set of both HT elements; the receive bitmask
 * is shown in 32-bit words read from its first bytes. */
static void
dissect_mcs_set (IotPacket *pkt, const IotBuf *buf, guint off, int tree, gboolean basic)
{
  int set = iot_tree_add_item (pkt, tree, &wlan_fields[F_HT_MCSSET], buf, off, 16, FALSE);
  int mask = iot_tree_add_item (pkt, set, &wlan_fields[F_HT_RXBITMASK], buf, off, 10, FALSE);
  guint streams = 0;

  iot_tree_set_label (pkt, set, "Rx Supported Modulation and Coding Scheme Set: %s",
                      basic ? "Basic MCS Set" : "MCS Set");
  for (guint i = 0; i < 4; i++)
    if (iot_buf_u8 (buf, off + i) != 0)
      streams = i + 1;
  if (streams > 0)
    iot_tree_set_label (pkt, mask, "Rx Modulation and Coding Scheme (One bit per modulation): %u spatial stream%s",
                        streams, streams > 1 ? "s" : "");
  for (int f = F_HT_RXBM_0TO7; f <= F_HT_RXBM_24TO31; f++)
    iot_tree_add_item (pkt, mask, &wlan_fields[f], buf, off, 4, TRUE);
  for (int f = F_HT_RXBM_32; f <= F_HT_RXBM_39TO52; f++)
    iot_tree_add_item (pkt, mask, &wlan_fields[f], buf, off + 4, 4, TRUE);
  iot_tree_add_item (pkt, mask, &wlan_fields[F_HT_RXBM_53TO76], buf, off + 6, 4, TRUE);
  iot_tree_add_item (pkt, set, &wlan_fields[F_HT_HIGHEST_RATE], buf, off + 10, 2, TRUE);
  for (int f = F_HT_TX_SET_DEFINED; f <= F_HT_TX_UNEQUAL_MOD; f++)
    iot_tree_add_item (pkt, set, &wlan_fields[f], buf, off + 12, 1, TRUE);
}

/* A word of flags with its bit fields first..last below it. */
static void
add_bits (IotPacket *pkt, int tree, const IotBuf *buf, guint off, guint len, int word, int first, int last)
{
  int node = iot_tree_add_item (pkt, tree, &wlan_fields[word], buf, off, len, TRUE);

  for (int f = first; f <= last; f++)
    iot_tree_add_item (pkt, node, &wlan_fields[f], buf, off, len, TRUE);
}

/* HT Capabilities (element 45): always 26 bytes. */
static void
dissect_ht_capabilities (IotPacket *pkt, const IotBuf *buf, guint off, guint len, int tree)
{
  if (len != 26)
    {
      iot_expert_add_info (pkt, tree, &wlan_experts[E_BAD_LENGTH], "HT Capabilities IE length %u wrong, must be = 26", len);
      return;
    }
  add_bits (pkt, tree, buf, off, 2, F_HT_CAP, F_HT_CAP_LDPC, F_HT_CAP_LSIG);
  add_bits (pkt, tree, buf, off + 2, 1, F_HT_AMPDU, F_HT_AMPDU_MAXLEN, F_HT_AMPDU_RESERVED);
  dissect_mcs_set (pkt, buf, off + 3, tree, FALSE);
  add_bits (pkt, tree, buf, off + 19, 2, F_HTEX_CAP, F_HTEX_PCO, F_HTEX_RD_RESPONDER);
  add_bits (pkt, tree, buf, off + 21, 4, F_TXBF, F_TXBF_TXBF, F_TXBF_RESERVED);
  add_bits (pkt, tree, buf, off + 25, 1, F_ASEL, F_ASEL_CAPABLE, F_ASEL_RESERVED);
}

/* HT Operation (element 61): at least 22 bytes. */
static void
dissect_ht_operation (IotPacket *pkt, const IotBuf *buf, guint off, guint len, int tree)
{
  if (len < 22)
    {
      iot_expert_add_info (pkt, tree, &wlan_experts[E_BAD_LENGTH], "HT Information IE content length %u wrong, must be at least 22 bytes", len);
      return;
    }
  iot_tree_add_item (pkt, tree, &wlan_fields[F_HT_INFO_PRIMARY_CHANNEL], buf, off, 1, FALSE);
  add_bits (pkt, tree, buf, off + 1, 1, F_HT_INFO_DELIM1, F_HT_INFO_SECCHANOFFSET, F_HT_INFO_RES_B4_B7);
  add_bits (pkt, tree, buf, off + 2, 2, F_HT_INFO_DELIM2, F_HT_INFO_PROTECTION, F_HT_INFO_RES_B21_B23);
  add_bits (pkt, tree, buf, off + 4, 2, F_HT_INFO_DELIM3, F_HT_INFO_RES_B24_B29, F_HT_INFO_RES_B36_B39);
  dissect_mcs_set (pkt, buf, off + 6, tree, TRUE);
}

/* VHT Capabilities (element 191): always 12 bytes. */
static void
dissect_vht_capabilities (IotPacket *pkt, const IotBuf *buf, guint off, guint len, int tree)
{
  int set;

  if (len != 12)
    {
      iot_expert_add_info (pkt, tree, &wlan_experts[E_BAD_LENGTH], "VHT Capabilities IE length %u wrong, must be = 12", len);
      return;
    }
  add_bits (pkt, tree, buf, off, 4, F_VHT_CAP, F_VHT_CAP_MAX_MPDU, F_VHT_CAP_EXT_NSS_BW);
  set = iot_tree_add_item (pkt, tree, &wlan_fields[F_VHT_MCSSET], buf, off + 4, 8, FALSE);
  add_bits (pkt, set, buf, off + 4, 2, F_VHT_RXMCSMAP, F_VHT_RX_SS1, F_VHT_RX_SS8);
  iot_tree_add_item (pkt, set, &wlan_fields[F_VHT_RX_HIGHEST], buf, off + 6, 2, TRUE);
  iot_tree_add_item (pkt, set, &wlan_fields[F_VHT_MAX_NSTS], buf, off + 6, 2, TRUE);
  add_bits (pkt, set, buf, off + 8, 2, F_VHT_TXMCSMAP, F_VHT_TX_SS1, F_VHT_TX_SS8);
  for (int f = F_VHT_TX_HIGHEST; f <= F_VHT_NCS_RESERVED; f++)
    iot_tree_add_item (pkt, set, &wlan_fields[f], buf, off + 10, 2, TRUE);
}

/* VHT Operation (element 192): always 5 bytes. */
static void
dissect_vht_operation (IotPacket *pkt, const IotBuf *buf, guint off, guint len, int tree)
{
  int info;

  if (len != 5)
    {
      iot_expert_add_info (pkt, tree, &wlan_experts[E_BAD_LENGTH], "VHT Operation IE length %u wrong, must be = 5", len);
      return;
    }
  info = iot_tree_add_item (pkt, tree, &wlan_fields[F_VHT_OP], buf, off, 3, FALSE);
  for (int f = F_VHT_OP_WIDTH; f <= F_VHT_OP_CENTER1; f++)
    iot_tree_add_item (pkt, info, &wlan_fields[f], buf, off + (f - F_VHT_OP_WIDTH), 1, FALSE);
  add_bits (pkt, tree, buf, off + 3, 2, F_VHT_OP_BASIC, F_VHT_OP_SS1, F_VHT_OP_SS8);
}

static void
dissect_tag (IotPacket *pkt, const IotBuf *buf, guint number, guint off, guint len, int tree)
{
  guint end = off + len;
  int node;

  switch (number)
    {
    case 0:
      {
        IotTapWlan *rec = iot_wlan_current_record (pkt);

        /* Read as the tree item reads it: a tag cut short ends here either way. */
        if (rec != NULL)
          {
            rec->ssid = iot_buf_ptr (buf, off, len);
            rec->ssid_len = len;
          }
        iot_tree_add_item (pkt, tree, &wlan_fields[F_SSID], buf, off, len, FALSE);
      }
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
    case 45:
      dissect_ht_capabilities (pkt, buf, off, len, tree);
      break;
    case 48:
      dissect_rsn (pkt, buf, off, end, tree);
      break;
    case 61:
      dissect_ht_operation (pkt, buf, off, len, tree);
      break;
    case 191:
      dissect_vht_capabilities (pkt, buf, off, len, tree);
      break;
    case 192:
      dissect_vht_operation (pkt, buf, off, len, tree);
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
  iot_expert_add_info (pkt, tree, &wlan_experts[E_DISCONNECTED], "Station disconnected: %s (reason %u)",
                  why ? why : "unknown reason", reason);
  count = GPOINTER_TO_UINT (g_hash_table_lookup (state->storm_frames,
                                                 GUINT_TO_POINTER (iot_packet_frame_number (pkt))));
  if (count)
    iot_expert_add_info (pkt, tree, &wlan_experts[E_DEAUTH_STORM], "%u deauthentications/disassociations within one second: a deauthentication attack "
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
          {
            IotTapWlan *rec = iot_wlan_current_record (pkt);

            if (rec != NULL)
              rec->reason = iot_buf_u16le (body, 0);
          }
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
      iot_expert_add_info (pkt, tree, &wlan_experts[E_CCMP_MIC], "CCMP integrity check failed: wrong key or damaged frame");
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

/* The frame's IotTapWlan record, queued once the frame control is read
 * and filled in as the frame is: NULL when nobody asked for it. */
static IotTapWlan *
open_record (IotPacket *pkt, guint ts, guint flags)
{
  IotTapWlan rec = { 0 };

  if (!iot_tap_wanted (pkt, IOT_TAP_WLAN))
    return NULL;
  rec.type_subtype = (guint8) ts;
  rec.retry = (flags & 0x08) != 0;
  rec.reason = -1;
  rec.eapol_msgnr = -1;
  rec.mic_verified = -1;
  return iot_tap_queue_open (pkt, IOT_TAP_WLAN, &rec);
}

/* An address the tree shows as @field, into the record. */
static void
record_mac (IotTapWlan *rec, int field, const guint8 *mac)
{
  if (rec == NULL)
    return;
  switch (field)
    {
    case F_TA: memcpy (rec->ta, mac, 6); rec->has_ta = TRUE; break;
    case F_SA: memcpy (rec->sa, mac, 6); rec->has_sa = TRUE; break;
    case F_DA: memcpy (rec->da, mac, 6); rec->has_da = TRUE; break;
    case F_BSSID: memcpy (rec->bssid, mac, 6); rec->has_bssid = TRUE; break;
    default: break;
    }
}

static void
add_mac (IotPacket *pkt, int tree, int field, const IotBuf *buf, guint off)
{
  const guint8 *mac = iot_buf_ptr (buf, off, 6);

  iot_tree_add_ether (pkt, tree, &wlan_fields[field], buf, off, mac);
  record_mac (iot_wlan_current_record (pkt), field, mac);
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
  IotTapWlan *rec;
  int tree, node;

  memset (frame, 0, sizeof *frame);
  iot_col_set_protocol (pkt, "802.11");
  tree = iot_tree_add_protocol (pkt, parent, &wlan_fields[F_PROTO], buf, 0, -1);
  iot_tree_set_label (pkt, tree, "IEEE 802.11 %s, Flags: %s", name ? name : "Unrecognized", flag_text);
  iot_tree_add_uint (pkt, tree, &wlan_fields[F_TYPE_SUBTYPE], buf, 0, 1, ts);
  rec = open_record (pkt, ts, flags);
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
        iot_expert_add_info (pkt, flag, &wlan_experts[E_RETRY], "Retransmission (retry)");
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
      record_mac (rec, F_DA, da);
      record_mac (rec, F_SA, sa);
      record_mac (rec, F_BSSID, bssid);
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
          /* A Null function carries no payload to aggregate. */
          if (!null_data)
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
  .experts = wlan_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_wlan,
  .handoff = { { "link", 105 } },
  .state_new = wlan_state_new,
  .state_free = wlan_state_free,
};
