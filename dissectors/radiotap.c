/* radiotap.c — the radiotap header a Wi-Fi card in monitor mode puts
 * before every 802.11 frame: rate, channel, signal and noise as the radio
 * saw them.  Also the "802.11 radio information" summary (wlan_radio),
 * which restates those facts whatever header format carried them. */
#include "iot-dissector.h"
#include "ieee80211.h"

#include <math.h>

enum {
  F_PROTO,
  F_VERSION,
  F_PAD,
  F_LENGTH,
  F_PRESENT,
  F_PRESENT_WORD,
  F_PRESENT_BIT0,
  F_PRESENT_BIT_LAST = F_PRESENT_BIT0 + 28,
  F_FLAGS,
  F_FLAG_CFP,
  F_FLAG_PREAMBLE,
  F_FLAG_WEP,
  F_FLAG_FRAG,
  F_FLAG_FCS,
  F_FLAG_DATAPAD,
  F_FLAG_BADFCS,
  F_FLAG_SHORTGI,
  F_DATARATE,
  F_CHANNEL_FREQ,
  F_CHANNEL_FLAGS,
  F_CHF_700,
  F_CHF_800,
  F_CHF_900,
  F_CHF_TURBO,
  F_CHF_CCK,
  F_CHF_OFDM,
  F_CHF_2GHZ,
  F_CHF_5GHZ,
  F_CHF_PASSIVE,
  F_CHF_DYNAMIC,
  F_CHF_GFSK,
  F_CHF_GSM,
  F_CHF_STURBO,
  F_CHF_HALF,
  F_CHF_QUARTER,
  F_ANTSIGNAL,
  F_ANTNOISE,
  F_ANTENNA,
  F_MCS,
  F_MCS_KNOWN,
  F_MCS_HAVE_BW,
  F_MCS_HAVE_INDEX,
  F_MCS_HAVE_GI,
  F_MCS_HAVE_FORMAT,
  F_MCS_HAVE_FEC,
  F_MCS_HAVE_STBC,
  F_MCS_HAVE_NESS,
  F_MCS_NESS_BIT1,
  F_MCS_BW,
  F_MCS_GI,
  F_MCS_FORMAT,
  F_MCS_FEC,
  F_MCS_STBC,
  F_MCS_NESS_BIT0,
  F_MCS_INDEX,
  F_VHT,
  F_VHT_KNOWN,
  F_VHT_HAVE_STBC,
  F_VHT_HAVE_TXOP_PS,
  F_VHT_HAVE_GI,
  F_VHT_HAVE_SGI_NSYM_DA,
  F_VHT_LDPC_EXTRA,
  F_VHT_HAVE_BEAMFORMED,
  F_VHT_HAVE_GID,
  F_VHT_HAVE_PAID,
  F_VHT_STBC,
  F_VHT_TXOP_PS,
  F_VHT_GI,
  F_VHT_SGI_NSYM_DA,
  F_VHT_BEAMFORMED,
  F_VHT_BW,
  F_VHT_USER,
  F_VHT_MCS0,
  F_VHT_NSS0 = F_VHT_MCS0 + 4,
  F_VHT_NSTS0 = F_VHT_NSS0 + 4,
  F_VHT_CODING0 = F_VHT_NSTS0 + 4,
  F_VHT_DATARATE0 = F_VHT_CODING0 + 4,
  F_VHT_GID = F_VHT_DATARATE0 + 4,
  F_VHT_PAID,
  N_FIELDS
};

/* Present bits this decoder reads; a frame using others is shown up to
 * the first field it cannot place. */
enum {
  P_TSFT = 0, P_FLAGS = 1, P_RATE = 2, P_CHANNEL = 3, P_FHSS = 4, P_ANTSIGNAL = 5, P_ANTNOISE = 6,
  P_LOCK_QUALITY = 7, P_TX_ATTEN = 8, P_DB_TX_ATTEN = 9, P_DBM_TX_POWER = 10, P_ANTENNA = 11,
  P_DB_ANTSIGNAL = 12, P_DB_ANTNOISE = 13, P_RX_FLAGS = 14, P_TX_FLAGS = 15, P_RTS_RETRIES = 16,
  P_DATA_RETRIES = 17, P_XCHANNEL = 18, P_MCS = 19, P_AMPDU = 20, P_VHT = 21, P_EXT = 31,
};

/* Known bits of the MCS field. */
enum {
  MCS_HAVE_BW = 0x01, MCS_HAVE_INDEX = 0x02, MCS_HAVE_GI = 0x04, MCS_HAVE_FORMAT = 0x08,
  MCS_HAVE_FEC = 0x10, MCS_HAVE_STBC = 0x20, MCS_HAVE_NESS = 0x40,
};

/* Known bits of the VHT field. */
enum {
  VHT_HAVE_STBC = 0x0001, VHT_HAVE_TXOP_PS = 0x0002, VHT_HAVE_GI = 0x0004, VHT_HAVE_SGI_NSYM_DA = 0x0008,
  VHT_HAVE_LDPC_EXTRA = 0x0010, VHT_HAVE_BEAMFORMED = 0x0020, VHT_HAVE_BW = 0x0040, VHT_HAVE_GID = 0x0080,
  VHT_HAVE_PAID = 0x0100,
};

static const IotValueName mcs_bw_names[] = {
  { 0, "20 MHz" }, { 1, "40 MHz" }, { 2, "20 MHz lower" }, { 3, "20 MHz upper" },
  IOT_VALUE_NAMES_END
};

static const IotValueName gi_names[] = { { 0, "long" }, { 1, "short" }, IOT_VALUE_NAMES_END };
static const IotValueName format_names[] = { { 0, "mixed" }, { 1, "greenfield" }, IOT_VALUE_NAMES_END };
static const IotValueName fec_names[] = { { 0, "BCC" }, { 1, "LDPC" }, IOT_VALUE_NAMES_END };

static const IotValueName vht_bw_names[] = {
  { 0, "20 MHz" }, { 1, "40 MHz" }, { 2, "40 MHz, 20 MHz sideband 0" }, { 3, "40 MHz, 20 MHz sideband 1" },
  { 4, "80 MHz" }, { 5, "80 MHz, 40 MHz sideband 0" }, { 6, "80 MHz, 40 MHz sideband 1" },
  { 7, "80 MHz, 20 MHz sideband 0" }, { 8, "80 MHz, 20 MHz sideband 1" }, { 9, "80 MHz, 20 MHz sideband 2" },
  { 10, "80 MHz, 20 MHz sideband 3" }, { 11, "160 MHz" },
  IOT_VALUE_NAMES_END
};

static const IotValueName vht_mcs_names[] = {
  { 0, "BPSK 1/2" }, { 1, "QPSK 1/2" }, { 2, "QPSK 3/4" }, { 3, "16-QAM 1/2" }, { 4, "16-QAM 3/4" },
  { 5, "64-QAM 2/3" }, { 6, "64-QAM 3/4" }, { 7, "64-QAM 5/6" }, { 8, "256-QAM 3/4" }, { 9, "256-QAM 5/6" },
  IOT_VALUE_NAMES_END
};

#define PRESENT(index, bit, abbrev, name) \
  [F_PRESENT_BIT0 + index] = { "radiotap.present." abbrev, name, IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, \
    (guint64) 1 << bit, "Whether the header holds this field.", "Present", "Absent", 32 }
#define CHFLAG(field, abbrev, name, mask, text) \
  [field] = { "radiotap.channel.flags." abbrev, name, IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, mask, text, \
    "True", "False", 16 }
#define FLAG(field, abbrev, name, mask, text, t, f) \
  [field] = { "radiotap.flags." abbrev, name, IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, mask, text, t, f, 8 }

extern IotDissector iot_dissector_radiotap;

static IotField radiotap_fields[N_FIELDS] = {
  [F_PROTO] = { "radiotap", "Radiotap Header", IOT_FT_PROTOCOL, .blurb =
    "Added by the capturing Wi-Fi card in monitor mode: how the frame was received (rate, channel, signal). "
    "Not sent over the air." },
  [F_VERSION] = { "radiotap.version", "Header revision", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Radiotap version, always 0." },
  [F_PAD] = { "radiotap.pad", "Header pad", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0, "Unused byte." },
  [F_LENGTH] = { "radiotap.length", "Header length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Bytes of radiotap header; the 802.11 frame starts after them." },
  [F_PRESENT] = { "radiotap.present", "Present flags", IOT_FT_NONE, .blurb =
    "Bitmap of the fields that follow, in a fixed order." },
  [F_PRESENT_WORD] = { "radiotap.present.word", "Present flags word", IOT_FT_UINT32, IOT_BASE_HEX, NULL, 0,
    "The presence bitmap as a number." },
  PRESENT (0, 0, "tsft", "TSFT"),
  PRESENT (1, 1, "flags", "Flags"),
  PRESENT (2, 2, "rate", "Rate"),
  PRESENT (3, 3, "channel", "Channel"),
  PRESENT (4, 4, "fhss", "FHSS"),
  PRESENT (5, 5, "dbm_antsignal", "dBm Antenna Signal"),
  PRESENT (6, 6, "dbm_antnoise", "dBm Antenna Noise"),
  PRESENT (7, 7, "lock_quality", "Lock Quality"),
  PRESENT (8, 8, "tx_attenuation", "TX Attenuation"),
  PRESENT (9, 9, "db_tx_attenuation", "dB TX Attenuation"),
  PRESENT (10, 10, "dbm_tx_power", "dBm TX Power"),
  PRESENT (11, 11, "antenna", "Antenna"),
  PRESENT (12, 12, "db_antsignal", "dB Antenna Signal"),
  PRESENT (13, 13, "db_antnoise", "dB Antenna Noise"),
  PRESENT (14, 14, "rxflags", "RX flags"),
  PRESENT (15, 15, "txflags", "TX flags"),
  PRESENT (16, 17, "data_retries", "data retries"),
  PRESENT (17, 18, "xchannel", "Channel+"),
  PRESENT (18, 19, "mcs", "MCS information"),
  PRESENT (19, 20, "ampdu", "A-MPDU Status"),
  PRESENT (20, 21, "vht", "VHT information"),
  PRESENT (21, 22, "timestamp", "frame timestamp"),
  PRESENT (22, 23, "he", "HE information"),
  PRESENT (23, 24, "he_mu", "HE-MU information"),
  PRESENT (24, 27, "l_sig", "L-SIG"),
  PRESENT (25, 28, "tlv", "TLVs"),
  PRESENT (26, 29, "rtap_ns", "Radiotap NS next"),
  PRESENT (27, 30, "vendor_ns", "Vendor NS next"),
  PRESENT (28, 31, "ext", "Ext"),
  [F_FLAGS] = { "radiotap.flags", "Flags", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "Properties of the received frame: short preamble, FCS included, bad FCS…" },
  FLAG (F_FLAG_CFP, "cfp", "CFP", 0x01, "Sent during a contention-free period.", "True", "False"),
  FLAG (F_FLAG_PREAMBLE, "preamble", "Preamble", 0x02, "Short (faster) or long PHY preamble.", "Short", "Long"),
  FLAG (F_FLAG_WEP, "wep", "WEP", 0x04, "Sent encrypted (any cipher, not only WEP).", "True", "False"),
  FLAG (F_FLAG_FRAG, "frag", "Fragmentation", 0x08, "Sent as fragments.", "True", "False"),
  FLAG (F_FLAG_FCS, "fcs", "FCS at end", 0x10, "The frame ends with its 4-byte checksum.", "True", "False"),
  FLAG (F_FLAG_DATAPAD, "datapad", "Data Pad", 0x20, "Padding between 802.11 header and payload.", "True",
        "False"),
  FLAG (F_FLAG_BADFCS, "badfcs", "Bad FCS", 0x40,
        "The checksum was wrong: the frame was damaged on air (interference, weak signal).", "True", "False"),
  FLAG (F_FLAG_SHORTGI, "shortgi", "Short GI", 0x80, "Short guard interval (802.11n).", "True", "False"),
  [F_DATARATE] = { "radiotap.datarate", "Data rate (Mb/s)", IOT_FT_DOUBLE, .blurb =
    "Bit rate the frame was sent at. Management frames use the lowest rate so every station hears them; "
    "a low rate for data means a poor link.", .bits = IOT_FLOAT_DIGITS },
  [F_CHANNEL_FREQ] = { "radiotap.channel.freq", "Channel frequency", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Centre frequency in MHz: 2412-2472 for channels 1-13, 5 GHz above 5000." },
  [F_CHANNEL_FLAGS] = { "radiotap.channel.flags", "Channel flags", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Band and modulation of the channel." },
  CHFLAG (F_CHF_700, "700mhz", "700 MHz spectrum", 0x0001, "700 MHz band."),
  CHFLAG (F_CHF_800, "800mhz", "800 MHz spectrum", 0x0002, "800 MHz band."),
  CHFLAG (F_CHF_900, "900mhz", "900 MHz spectrum", 0x0004, "900 MHz band."),
  CHFLAG (F_CHF_TURBO, "turbo", "Turbo", 0x0010, "Proprietary double-width turbo channel."),
  CHFLAG (F_CHF_CCK, "cck", "Complementary Code Keying (CCK)", 0x0020, "802.11b modulation (1-11 Mb/s)."),
  CHFLAG (F_CHF_OFDM, "ofdm", "Orthogonal Frequency-Division Multiplexing (OFDM)", 0x0040,
          "802.11a/g/n modulation (6 Mb/s and up)."),
  CHFLAG (F_CHF_2GHZ, "2ghz", "2 GHz spectrum", 0x0080, "The 2.4 GHz band, where most IoT devices live."),
  CHFLAG (F_CHF_5GHZ, "5ghz", "5 GHz spectrum", 0x0100, "The 5 GHz band."),
  CHFLAG (F_CHF_PASSIVE, "passive", "Passive", 0x0200, "Only passive scanning allowed on this channel."),
  CHFLAG (F_CHF_DYNAMIC, "dynamic", "Dynamic CCK-OFDM", 0x0400, "Mixed CCK/OFDM channel."),
  CHFLAG (F_CHF_GFSK, "gfsk", "Gaussian Frequency Shift Keying (GFSK)", 0x0800, "Old frequency-hopping PHY."),
  CHFLAG (F_CHF_GSM, "gsm", "GSM (900MHz)", 0x1000, "900 MHz GSM band."),
  CHFLAG (F_CHF_STURBO, "sturbo", "Static Turbo", 0x2000, "Static turbo mode."),
  CHFLAG (F_CHF_HALF, "half", "Half Rate Channel (10MHz Channel Width)", 0x4000, "10 MHz wide channel."),
  CHFLAG (F_CHF_QUARTER, "quarter", "Quarter Rate Channel (5MHz Channel Width)", 0x8000, "5 MHz wide channel."),
  [F_ANTSIGNAL] = { "radiotap.dbm_antsignal", "Antenna signal", IOT_FT_INT8, IOT_BASE_DEC, NULL, 0,
    "Received signal strength in dBm: -30 is excellent, -67 fine for streaming, below -80 unreliable." },
  [F_ANTNOISE] = { "radiotap.dbm_antnoise", "Antenna noise", IOT_FT_INT8, IOT_BASE_DEC, NULL, 0,
    "Background noise in dBm; signal minus noise (SNR) above 25 dB is a good link." },
  [F_ANTENNA] = { "radiotap.antenna", "Antenna", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Which antenna of the card received the frame." },
#define HAVE(f, abbrev, name, mask, bits, blurb) \
  [f] = { abbrev, name, IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, mask, blurb, "Present", "Absent", bits }
  [F_MCS] = { "radiotap.mcs", "MCS information", IOT_FT_NONE, .blurb =
    "802.11n (HT) transmission: the modulation and coding scheme index, channel width and guard interval "
    "give the bit rate." },
  [F_MCS_KNOWN] = { "radiotap.mcs.known", "Known MCS information", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "Which of the MCS details the card reported." },
  HAVE (F_MCS_HAVE_BW, "radiotap.mcs.have_bw", "Bandwidth", MCS_HAVE_BW, 8, "Channel width is reported."),
  HAVE (F_MCS_HAVE_INDEX, "radiotap.mcs.have_index", "MCS index", MCS_HAVE_INDEX, 8, "MCS index is reported."),
  HAVE (F_MCS_HAVE_GI, "radiotap.mcs.have_gi", "Guard interval", MCS_HAVE_GI, 8, "Guard interval is reported."),
  HAVE (F_MCS_HAVE_FORMAT, "radiotap.mcs.have_format", "Format", MCS_HAVE_FORMAT, 8,
        "Preamble format is reported."),
  HAVE (F_MCS_HAVE_FEC, "radiotap.mcs.have_fec", "FEC type", MCS_HAVE_FEC, 8, "Error-correction code is reported."),
  HAVE (F_MCS_HAVE_STBC, "radiotap.mcs.have_stbc", "STBC streams", MCS_HAVE_STBC, 8,
        "Space-time block coding is reported."),
  HAVE (F_MCS_HAVE_NESS, "radiotap.mcs.have_ness", "Number of extension spatial streams", MCS_HAVE_NESS, 8,
        "Extension spatial streams are reported."),
  [F_MCS_NESS_BIT1] = { "radiotap.mcs.ness_bit1", "Number of extension spatial streams bit 1", IOT_FT_UINT8,
    IOT_BASE_DEC, NULL, 0x80, "High bit of the number of extension spatial streams." },
  [F_MCS_BW] = { "radiotap.mcs.bw", "Bandwidth", IOT_FT_UINT8, IOT_BASE_DEC, mcs_bw_names, 0x03,
    "Channel width: 40 MHz doubles the rate but collides more with neighbours in 2.4 GHz." },
  [F_MCS_GI] = { "radiotap.mcs.gi", "Guard interval", IOT_FT_UINT8, IOT_BASE_DEC, gi_names, 0x04,
    "Pause between symbols: short (400 ns) is about 11 % faster, long (800 ns) more robust to echoes." },
  [F_MCS_FORMAT] = { "radiotap.mcs.format", "Format", IOT_FT_UINT8, IOT_BASE_DEC, format_names, 0x08,
    "Mixed preamble (legacy stations can decode its start) or greenfield (802.11n only)." },
  [F_MCS_FEC] = { "radiotap.mcs.fec", "FEC type", IOT_FT_UINT8, IOT_BASE_DEC, fec_names, 0x10,
    "Forward error correction: BCC (convolutional) or LDPC (stronger)." },
  [F_MCS_STBC] = { "radiotap.mcs.stbc", "STBC streams", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0x60,
    "Space-time block coding: the same data sent over several antennas for robustness." },
  [F_MCS_NESS_BIT0] = { "radiotap.mcs.ness_bit0", "Number of extension spatial streams bit 0", IOT_FT_UINT8,
    IOT_BASE_DEC, NULL, 0x80, "Low bit of the number of extension spatial streams." },
  [F_MCS_INDEX] = { "radiotap.mcs.index", "MCS index", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Modulation and coding scheme 0-31: index mod 8 is the modulation (BPSK … 64-QAM), index / 8 + 1 "
    "the number of spatial streams. A station falling back to low indices has a poor link." },
  [F_VHT] = { "radiotap.vht", "VHT information", IOT_FT_NONE, .blurb =
    "802.11ac (VHT) transmission: per-user MCS, spatial streams and coding, channel width up to 160 MHz." },
  [F_VHT_KNOWN] = { "radiotap.vht.known", "Known VHT information", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "Which of the VHT details the card reported." },
  HAVE (F_VHT_HAVE_STBC, "radiotap.vht.have_stbc", "STBC", VHT_HAVE_STBC, 16, "STBC is reported."),
  HAVE (F_VHT_HAVE_TXOP_PS, "radiotap.vht.have_txop_ps", "TXOP_PS_NOT_ALLOWED", VHT_HAVE_TXOP_PS, 16,
        "TXOP power save is reported."),
  HAVE (F_VHT_HAVE_GI, "radiotap.vht.have_gi", "Guard interval", VHT_HAVE_GI, 16, "Guard interval is reported."),
  HAVE (F_VHT_HAVE_SGI_NSYM_DA, "radiotap.vht.have_sgi_nsym_da", "SGI Nsym disambiguation", VHT_HAVE_SGI_NSYM_DA,
        16, "Short-GI symbol count disambiguation is reported."),
  HAVE (F_VHT_LDPC_EXTRA, "radiotap.vht.ldpc_extra", "LDPC extra OFDM symbol", VHT_HAVE_LDPC_EXTRA, 16,
        "Whether LDPC needed an extra OFDM symbol (as known bit and as flag)."),
  HAVE (F_VHT_HAVE_BEAMFORMED, "radiotap.vht.have_beamformed", "Beamformed", VHT_HAVE_BEAMFORMED, 16,
        "Beamforming is reported."),
  HAVE (F_VHT_HAVE_GID, "radiotap.mcs.have_gid", "Group ID", VHT_HAVE_GID, 16, "Group id is reported."),
  HAVE (F_VHT_HAVE_PAID, "radiotap.mcs.have_paid", "Partial AID", VHT_HAVE_PAID, 16, "Partial AID is reported."),
  [F_VHT_STBC] = { "radiotap.vht.stbc", "STBC", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x01,
    "Space-time block coding in use.", "On", "Off", 8 },
  [F_VHT_TXOP_PS] = { "radiotap.vht.txop_ps", "TXOP_PS_NOT_ALLOWED", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x02,
    "Whether stations may doze during the transmit opportunity.", "True", "False", 8 },
  [F_VHT_GI] = { "radiotap.vht.gi", "Guard interval", IOT_FT_UINT8, IOT_BASE_DEC, gi_names, 0x04,
    "Short (400 ns) or long (800 ns) pause between symbols." },
  [F_VHT_SGI_NSYM_DA] = { "radiotap.vht.sgi_nsym_da", "SGI Nsym disambiguation", IOT_FT_BOOLEAN, IOT_BASE_NONE,
    NULL, 0x08, "Short guard interval symbol count disambiguation.", "True", "False", 8 },
  [F_VHT_BEAMFORMED] = { "radiotap.vht.beamformed", "Beamformed", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x20,
    "Sent beamformed: the antennas steered the signal towards the receiver.", "True", "False", 8 },
  [F_VHT_BW] = { "radiotap.vht.bw", "Bandwidth", IOT_FT_UINT8, IOT_BASE_DEC, vht_bw_names, 0,
    "Channel width, 20 to 160 MHz: wider is faster but finds fewer free channels." },
  [F_VHT_USER] = { "radiotap.vht.user", "User", IOT_FT_NONE, .blurb =
    "One receiver of the transmission (several with multi-user MIMO)." },
#define VHT_USER(i) \
  [F_VHT_MCS0 + i] = { "radiotap.vht.mcs." #i, "MCS index " #i, IOT_FT_UINT8, IOT_BASE_DEC, vht_mcs_names, 0xf0, \
    "Modulation and coding scheme 0-9 of this user." }, \
  [F_VHT_NSS0 + i] = { "radiotap.vht.nss." #i, "Spatial streams " #i, IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0x0f, \
    "Number of spatial streams sent to this user." }, \
  [F_VHT_NSTS0 + i] = { "radiotap.vht.nsts." #i, "Space-time streams " #i, IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0, \
    "Space-time streams: spatial streams, doubled with STBC." }, \
  [F_VHT_CODING0 + i] = { "radiotap.vht.coding." #i, "Coding " #i, IOT_FT_UINT8, IOT_BASE_DEC, fec_names, 1 << i, \
    "Forward error correction of this user: BCC or LDPC." }, \
  [F_VHT_DATARATE0 + i] = { "radiotap.vht.datarate." #i, "Data rate (Mb/s) " #i, IOT_FT_DOUBLE, .blurb = \
    "Bit rate to this user, from MCS, streams, width and guard interval.", .bits = IOT_FLOAT_DIGITS }
  VHT_USER (0), VHT_USER (1), VHT_USER (2), VHT_USER (3),
  [F_VHT_GID] = { "radiotap.vht.gid", "Group Id", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Multi-user group: 0 or 63 for a single-user transmission." },
  [F_VHT_PAID] = { "radiotap.vht.paid", "Partial AID", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Part of the receiver's association id, so other stations can sleep through the frame." },
};

/* Alignment and size of each radiotap field (radiotap.org). */
static const struct { guint8 align, size; } field_layout[] = {
  [P_TSFT] = { 8, 8 }, [P_FLAGS] = { 1, 1 }, [P_RATE] = { 1, 1 }, [P_CHANNEL] = { 2, 4 },
  [P_FHSS] = { 1, 2 }, [P_ANTSIGNAL] = { 1, 1 }, [P_ANTNOISE] = { 1, 1 }, [P_LOCK_QUALITY] = { 2, 2 },
  [P_TX_ATTEN] = { 2, 2 }, [P_DB_TX_ATTEN] = { 2, 2 }, [P_DBM_TX_POWER] = { 1, 1 }, [P_ANTENNA] = { 1, 1 },
  [P_DB_ANTSIGNAL] = { 1, 1 }, [P_DB_ANTNOISE] = { 1, 1 }, [P_RX_FLAGS] = { 2, 2 }, [P_TX_FLAGS] = { 2, 2 },
  [P_RTS_RETRIES] = { 1, 1 }, [P_DATA_RETRIES] = { 1, 1 }, [P_XCHANNEL] = { 4, 8 }, [P_MCS] = { 1, 3 },
  [P_AMPDU] = { 4, 8 }, [P_VHT] = { 2, 12 },
};

static void
dissect_mcs (IotPacket *pkt, int tree, const IotBuf *buf, guint off, IotRadioInfo *radio)
{
  int node = iot_tree_add_item (pkt, tree, &radiotap_fields[F_MCS], buf, off, 3, TRUE);
  guint known = iot_buf_u8 (buf, off);
  int known_node = iot_tree_add_item (pkt, node, &radiotap_fields[F_MCS_KNOWN], buf, off, 1, TRUE);

  for (int f = F_MCS_HAVE_BW; f <= F_MCS_HAVE_NESS; f++)
    iot_tree_add_item (pkt, known_node, &radiotap_fields[f], buf, off, 1, TRUE);
  if (known & MCS_HAVE_NESS)
    iot_tree_add_item (pkt, known_node, &radiotap_fields[F_MCS_NESS_BIT1], buf, off, 1, TRUE);
  if (known & MCS_HAVE_BW)
    iot_tree_add_item (pkt, node, &radiotap_fields[F_MCS_BW], buf, off + 1, 1, TRUE);
  if (known & MCS_HAVE_GI)
    iot_tree_add_item (pkt, node, &radiotap_fields[F_MCS_GI], buf, off + 1, 1, TRUE);
  if (known & MCS_HAVE_FORMAT)
    iot_tree_add_item (pkt, node, &radiotap_fields[F_MCS_FORMAT], buf, off + 1, 1, TRUE);
  if (known & MCS_HAVE_FEC)
    iot_tree_add_item (pkt, node, &radiotap_fields[F_MCS_FEC], buf, off + 1, 1, TRUE);
  if (known & MCS_HAVE_STBC)
    iot_tree_add_item (pkt, node, &radiotap_fields[F_MCS_STBC], buf, off + 1, 1, TRUE);
  if (known & MCS_HAVE_NESS)
    iot_tree_add_item (pkt, node, &radiotap_fields[F_MCS_NESS_BIT0], buf, off + 1, 1, TRUE);
  if (known & MCS_HAVE_INDEX)
    iot_tree_add_item (pkt, node, &radiotap_fields[F_MCS_INDEX], buf, off + 2, 1, TRUE);
  /* With index, width and guard interval known the bit rate follows;
   * tshark files it under the legacy rate's name, hidden. */
  if ((known & (MCS_HAVE_INDEX | MCS_HAVE_BW | MCS_HAVE_GI)) == (MCS_HAVE_INDEX | MCS_HAVE_BW | MCS_HAVE_GI))
    {
      guint flags = iot_buf_u8 (buf, off + 1);
      double rate = iot_ieee80211_ht_rate (iot_buf_u8 (buf, off + 2), (flags & 0x03) == 1 ? 1 : 0, (flags & 0x04) != 0);

      if (rate > 0)
        {
          int rate_node = iot_tree_add_double (pkt, node, &radiotap_fields[F_DATARATE], buf, off, 3, rate);
          iot_tree_set_hidden (pkt, rate_node);
        }
    }
  radio->has_mcs = TRUE;
  radio->mcs_known = known;
  radio->mcs_flags = iot_buf_u8 (buf, off + 1);
  radio->mcs_index = iot_buf_u8 (buf, off + 2);
}

/* Per-stream VHT rate as tshark's table lists it (one decimal), times
 * the number of streams. */
static double
vht_table_rate (guint mcs, guint nss, int width_index, gboolean short_gi)
{
  double per_stream = iot_ieee80211_vht_rate (mcs, 1, width_index, short_gi);

  return floor (per_stream * 10 + 0.5) / 10 * nss;
}

static void
dissect_vht (IotPacket *pkt, int tree, const IotBuf *buf, guint off, IotRadioInfo *radio)
{
  int node = iot_tree_add_item (pkt, tree, &radiotap_fields[F_VHT], buf, off, 12, TRUE);
  guint known = iot_buf_u16le (buf, off), flags = iot_buf_u8 (buf, off + 2), bw = iot_buf_u8 (buf, off + 3);
  int width = iot_ieee80211_vht_width_index (bw);
  int known_node, user;

  /* tshark declares the known word 8 bits wide and keeps the second of
   * its two bytes. */
  known_node = iot_tree_add_uint (pkt, node, &radiotap_fields[F_VHT_KNOWN], buf, off, 2, iot_buf_u8 (buf, off + 1));
  iot_tree_set_label (pkt, known_node, "Known VHT information: 0x%04x", known);
  for (int f = F_VHT_HAVE_STBC; f <= F_VHT_HAVE_BEAMFORMED; f++)
    iot_tree_add_item (pkt, known_node, &radiotap_fields[f], buf, off, 2, TRUE);
  /* The bandwidth-known bit shows under the MCS field's name, as tshark. */
  iot_tree_add_boolean (pkt, known_node, &radiotap_fields[F_MCS_HAVE_BW], buf, off, 2, (known & VHT_HAVE_BW) != 0);
  iot_tree_add_item (pkt, known_node, &radiotap_fields[F_VHT_HAVE_GID], buf, off, 2, TRUE);
  iot_tree_add_item (pkt, known_node, &radiotap_fields[F_VHT_HAVE_PAID], buf, off, 2, TRUE);
  if (known & VHT_HAVE_STBC)
    iot_tree_add_item (pkt, node, &radiotap_fields[F_VHT_STBC], buf, off + 2, 1, TRUE);
  if (known & VHT_HAVE_TXOP_PS)
    iot_tree_add_item (pkt, node, &radiotap_fields[F_VHT_TXOP_PS], buf, off + 2, 1, TRUE);
  if (known & VHT_HAVE_GI)
    iot_tree_add_item (pkt, node, &radiotap_fields[F_VHT_GI], buf, off + 2, 1, TRUE);
  if (known & VHT_HAVE_SGI_NSYM_DA)
    iot_tree_add_item (pkt, node, &radiotap_fields[F_VHT_SGI_NSYM_DA], buf, off + 2, 1, TRUE);
  if (known & VHT_HAVE_LDPC_EXTRA)
    iot_tree_add_boolean (pkt, node, &radiotap_fields[F_VHT_LDPC_EXTRA], buf, off + 2, 1, (flags & 0x10) != 0);
  if (known & VHT_HAVE_BEAMFORMED)
    iot_tree_add_item (pkt, node, &radiotap_fields[F_VHT_BEAMFORMED], buf, off + 2, 1, TRUE);
  if (known & VHT_HAVE_BW)
    iot_tree_add_item (pkt, node, &radiotap_fields[F_VHT_BW], buf, off + 3, 1, TRUE);
  for (guint i = 0; i < 4; i++)
    {
      guint mcs_nss = iot_buf_u8 (buf, off + 4 + i), mcs = mcs_nss >> 4, nss = mcs_nss & 0x0f;
      guint nsts = nss * ((known & VHT_HAVE_STBC) && (flags & 0x01) ? 2 : 1);
      int child;

      if (nss == 0)
        continue;
      user = iot_tree_add_item (pkt, node, &radiotap_fields[F_VHT_USER], buf, off + 4 + i, 5 - i, TRUE);
      iot_tree_set_label (pkt, user, "User %u: MCS %u", i, mcs);
      iot_tree_add_item (pkt, user, &radiotap_fields[F_VHT_MCS0 + i], buf, off + 4 + i, 1, TRUE);
      iot_tree_add_item (pkt, user, &radiotap_fields[F_VHT_NSS0 + i], buf, off + 4 + i, 1, TRUE);
      iot_tree_add_uint (pkt, user, &radiotap_fields[F_VHT_NSTS0 + i], buf, off + 4 + i, 1, nsts);
      iot_tree_add_item (pkt, user, &radiotap_fields[F_VHT_CODING0 + i], buf, off + 8, 1, TRUE);
      if ((known & VHT_HAVE_GI) && (known & VHT_HAVE_BW) && width >= 0 && mcs <= 9)
        {
          double rate = vht_table_rate (mcs, nss, width, (flags & 0x04) != 0);
          child = iot_tree_add_double (pkt, user, &radiotap_fields[F_VHT_DATARATE0 + i], buf, off, 12, rate);
          iot_tree_set_label (pkt, child, "Data Rate: %.1f Mb/s", rate);
        }
    }
  if (known & VHT_HAVE_GID)
    iot_tree_add_item (pkt, node, &radiotap_fields[F_VHT_GID], buf, off + 9, 1, TRUE);
  if (known & VHT_HAVE_PAID)
    iot_tree_add_item (pkt, node, &radiotap_fields[F_VHT_PAID], buf, off + 10, 2, TRUE);
  radio->has_vht = TRUE;
  radio->vht_known = known;
  radio->vht_flags = flags;
  radio->vht_bandwidth = bw;
  for (guint i = 0; i < 4; i++)
    radio->vht_mcs_nss[i] = iot_buf_u8 (buf, off + 4 + i);
  radio->vht_coding = iot_buf_u8 (buf, off + 8);
  radio->vht_group_id = iot_buf_u8 (buf, off + 9);
  radio->vht_partial_aid = iot_buf_u16le (buf, off + 10);
}

extern IotDissector iot_dissector_wlan_radio;
extern IotDissector iot_dissector_wlan;

static int
dissect_radiotap (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint length = iot_buf_u16le (buf, 2), off, word_off = 4;
  guint32 present;
  IotRadioInfo radio = { 0 };
  IotBuf frame;
  int tree, node, words;

  iot_col_set_protocol (pkt, "WLAN");
  tree = iot_tree_add_protocol (pkt, parent, &radiotap_fields[F_PROTO], buf, 0, length);
  iot_tree_set_label (pkt, tree, "Radiotap Header v%u, Length %u", iot_buf_u8 (buf, 0), length);
  iot_tree_add_item (pkt, tree, &radiotap_fields[F_VERSION], buf, 0, 1, TRUE);
  iot_tree_add_item (pkt, tree, &radiotap_fields[F_PAD], buf, 1, 1, TRUE);
  iot_tree_add_item (pkt, tree, &radiotap_fields[F_LENGTH], buf, 2, 2, TRUE);
  if (length < 8 || length > buf->reported)
    iot_malformed (pkt, "radiotap length out of range");

  present = iot_buf_u32le (buf, 4);
  words = iot_tree_add_item (pkt, tree, &radiotap_fields[F_PRESENT], buf, 4, 4, TRUE);
  /* Extended bitmaps chain while bit 31 is set; only the first is read. */
  do
    {
      node = iot_tree_add_item (pkt, words, &radiotap_fields[F_PRESENT_WORD], buf, word_off, 4, TRUE);
      for (int f = F_PRESENT_BIT0; f <= F_PRESENT_BIT_LAST; f++)
        iot_tree_add_item (pkt, node, &radiotap_fields[f], buf, word_off, 4, TRUE);
      word_off += 4;
    }
  while ((iot_buf_u32le (buf, word_off - 4) & 0x80000000u) && word_off + 4 <= length);
  off = word_off;

  for (guint bit = 0; bit < G_N_ELEMENTS (field_layout); bit++)
    {
      guint align, size;

      if (!(present & (1u << bit)))
        continue;
      align = field_layout[bit].align;
      size = field_layout[bit].size;
      off = (off + align - 1) & ~(align - 1);
      if (off + size > length)
        break;
      switch (bit)
        {
        case P_FLAGS:
          node = iot_tree_add_item (pkt, tree, &radiotap_fields[F_FLAGS], buf, off, 1, TRUE);
          for (int f = F_FLAG_CFP; f <= F_FLAG_SHORTGI; f++)
            iot_tree_add_item (pkt, node, &radiotap_fields[f], buf, off, 1, TRUE);
          radio.flags = iot_buf_u8 (buf, off);
          radio.has_flags = TRUE;
          break;
        case P_RATE:
          radio.rate_500k = iot_buf_u8 (buf, off);
          node = iot_tree_add_double (pkt, tree, &radiotap_fields[F_DATARATE], buf, off, 1, radio.rate_500k / 2.0);
          iot_tree_set_label (pkt, node, "Data Rate: %g Mb/s", radio.rate_500k / 2.0);
          break;
        case P_CHANNEL:
          radio.frequency = iot_buf_u16le (buf, off);
          radio.channel_flags = iot_buf_u16le (buf, off + 2);
          iot_tree_add_uint (pkt, tree, &radiotap_fields[F_CHANNEL_FREQ], buf, off, 2, radio.frequency);
          node = iot_tree_add_item (pkt, tree, &radiotap_fields[F_CHANNEL_FLAGS], buf, off + 2, 2, TRUE);
          for (int f = F_CHF_700; f <= F_CHF_QUARTER; f++)
            iot_tree_add_item (pkt, node, &radiotap_fields[f], buf, off + 2, 2, TRUE);
          break;
        case P_ANTSIGNAL:
          if (iot_tap_wanted (pkt, IOT_TAP_RADIO))
            {
              IotTapRadio rec = { IOT_TAP_RADIO_RADIOTAP, .lqi = -1, .has_signal = TRUE };

              rec.signal_dbm = (gint8) iot_buf_u8 (buf, off);
              iot_tap_queue (pkt, IOT_TAP_RADIO, &rec);
            }
          iot_tree_add_item (pkt, tree, &radiotap_fields[F_ANTSIGNAL], buf, off, 1, TRUE);
          radio.signal_dbm = (gint8) iot_buf_u8 (buf, off);
          radio.has_signal = TRUE;
          break;
        case P_ANTNOISE:
          iot_tree_add_item (pkt, tree, &radiotap_fields[F_ANTNOISE], buf, off, 1, TRUE);
          radio.noise_dbm = (gint8) iot_buf_u8 (buf, off);
          radio.has_noise = TRUE;
          break;
        case P_ANTENNA:
          iot_tree_add_uint (pkt, tree, &radiotap_fields[F_ANTENNA], buf, off, 1, iot_buf_u8 (buf, off));
          break;
        case P_MCS:
          dissect_mcs (pkt, tree, buf, off, &radio);
          break;
        case P_VHT:
          dissect_vht (pkt, tree, buf, off, &radio);
          break;
        default:
          break;
        }
      off += size;
    }

  iot_wlan_radio_summary (pkt, buf, &radio);
  frame = iot_buf_sub (buf, length, -1);
  /* A trailing FCS is not part of the frame the 802.11 layer reads. */
  if (radio.has_flags && (radio.flags & 0x10) && frame.length >= 4)
    frame = iot_buf_sub (&frame, 0, frame.length - 4);
  iot_call_dissector (pkt, &iot_dissector_wlan, &frame, -1);
  return buf->length;
}

IotDissector iot_dissector_radiotap = {
  .name = "Radiotap",
  .abbrev = "radiotap",
  .long_name = "Radiotap Header",
  .fields = radiotap_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_radiotap,
  .handoff = { { "link", 127 } },
};
