/* radiotap.c — the radiotap header a Wi-Fi card in monitor mode puts
 * before every 802.11 frame: rate, channel, signal and noise as the radio
 * saw them.  Also the "802.11 radio information" summary (wlan_radio),
 * which restates those facts whatever header format carried them. */
#include "iot-dissector.h"
#include "ieee80211.h"

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
  N_FIELDS
};

/* Present bits this decoder reads; a frame using others is shown up to
 * the first field it cannot place. */
enum {
  P_TSFT = 0, P_FLAGS = 1, P_RATE = 2, P_CHANNEL = 3, P_FHSS = 4, P_ANTSIGNAL = 5, P_ANTNOISE = 6,
  P_LOCK_QUALITY = 7, P_TX_ATTEN = 8, P_DB_TX_ATTEN = 9, P_DBM_TX_POWER = 10, P_ANTENNA = 11,
  P_DB_ANTSIGNAL = 12, P_DB_ANTNOISE = 13, P_RX_FLAGS = 14, P_EXT = 31,
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
    "a low rate for data means a poor link." },
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
};

/* Alignment and size of each radiotap field (radiotap.org). */
static const struct { guint8 align, size; } field_layout[] = {
  [P_TSFT] = { 8, 8 }, [P_FLAGS] = { 1, 1 }, [P_RATE] = { 1, 1 }, [P_CHANNEL] = { 2, 4 },
  [P_FHSS] = { 1, 2 }, [P_ANTSIGNAL] = { 1, 1 }, [P_ANTNOISE] = { 1, 1 }, [P_LOCK_QUALITY] = { 2, 2 },
  [P_TX_ATTEN] = { 2, 2 }, [P_DB_TX_ATTEN] = { 2, 2 }, [P_DBM_TX_POWER] = { 1, 1 }, [P_ANTENNA] = { 1, 1 },
  [P_DB_ANTSIGNAL] = { 1, 1 }, [P_DB_ANTNOISE] = { 1, 1 }, [P_RX_FLAGS] = { 2, 2 },
};

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
