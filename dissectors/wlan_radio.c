/* wlan_radio.c — "802.11 radio information": the PHY, rate, channel and
 * signal of a frame in one place, derived from its radio header. */
#include "iot-dissector.h"
#include "ieee80211.h"

enum {
  F_PROTO,
  F_PHY,
  F_SHORT_PREAMBLE,
  F_11G_MODE,
  F_DATA_RATE,
  F_CHANNEL,
  F_FREQUENCY,
  F_SIGNAL,
  F_NOISE,
  F_SNR,
  F_11N_MCS,
  F_11N_BANDWIDTH,
  F_11N_SHORT_GI,
  F_11N_GREENFIELD,
  F_11N_FEC,
  F_11N_STBC,
  F_11N_NESS,
  F_11AC_SHORT_GI,
  F_11AC_BANDWIDTH,
  F_11AC_STBC,
  F_11AC_TXOP_PS,
  F_11AC_NSYM,
  F_11AC_LDPC_EXTRA,
  F_11AC_BEAMFORMED,
  F_11AC_USER,
  F_11AC_MCS,
  F_11AC_NSS,
  F_11AC_NSTS,
  F_11AC_FEC,
  F_11AC_GID,
  F_11AC_PAID,
  N_FIELDS
};

enum { PHY_11A = 5, PHY_11B = 4, PHY_11G = 6, PHY_11N = 7, PHY_11AC = 8 };

static const IotValueName phy_names[] = {
  { 4, "802.11b (HR/DSSS)" },
  { 5, "802.11a (OFDM)" },
  { 6, "802.11g (ERP)" },
  { 7, "802.11n (HT)" },
  { 8, "802.11ac (VHT)" },
  IOT_VALUE_NAMES_END
};

static const IotValueName ht_bandwidth_names[] = {
  { 0, "20 MHz" }, { 1, "40 MHz" }, { 2, "20 MHz + 20 MHz lower" }, { 3, "20 MHz + 20 MHz upper" },
  IOT_VALUE_NAMES_END
};

static const IotValueName fec_names[] = { { 0, "BEC" }, { 1, "LDPC" }, IOT_VALUE_NAMES_END };

#define RADIO_BOOL(f, abbrev, name, text) \
  [f] = { abbrev, name, IOT_FT_BOOLEAN, .blurb = text, .true_word = "True", .false_word = "False" }

static IotField wlan_radio_fields[N_FIELDS] = {
  [F_PROTO] = { "wlan_radio", "802.11 radio information", IOT_FT_PROTOCOL, .blurb =
    "How the frame travelled over the air, summarised from the capture's radio header." },
  [F_PHY] = { "wlan_radio.phy", "PHY type", IOT_FT_UINT32, IOT_BASE_DEC, phy_names, 0,
    "Which 802.11 generation sent the frame: b (CCK, up to 11 Mb/s), g/a (OFDM, up to 54 Mb/s)…" },
  [F_SHORT_PREAMBLE] = { "wlan_radio.short_preamble", "Short preamble", IOT_FT_BOOLEAN, .blurb =
    "802.11b only: whether the shorter, faster preamble was used.", .true_word = "True", .false_word = "False" },
  [F_11G_MODE] = { "wlan_radio.11g.mode", "Proprietary mode", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Vendor turbo modes of 802.11g; 0 is none." },
  [F_DATA_RATE] = { "wlan_radio.data_rate", "Data rate", IOT_FT_DOUBLE, .blurb =
    "Bit rate in Mb/s. Stations lower it when the link gets worse.", .bits = IOT_FLOAT_DIGITS },
  [F_CHANNEL] = { "wlan_radio.channel", "Channel", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Wi-Fi channel number (1-13 at 2.4 GHz)." },
  [F_FREQUENCY] = { "wlan_radio.frequency", "Frequency", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Centre frequency in MHz." },
  [F_SIGNAL] = { "wlan_radio.signal_dbm", "Signal strength (dBm)", IOT_FT_INT8, IOT_BASE_DEC, NULL, 0,
    "Received signal strength in dBm." },
  [F_NOISE] = { "wlan_radio.noise_dbm", "Noise level (dBm)", IOT_FT_INT8, IOT_BASE_DEC, NULL, 0,
    "Noise floor in dBm." },
  [F_SNR] = { "wlan_radio.snr", "Signal/noise ratio (dB)", IOT_FT_INT32, IOT_BASE_DEC, NULL, 0,
    "Signal minus noise: above 25 dB the link is good, below 10 dB frames get lost." },
  [F_11N_MCS] = { "wlan_radio.11n.mcs_index", "MCS index", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "802.11n modulation and coding scheme; with width and guard interval it fixes the bit rate." },
  [F_11N_BANDWIDTH] = { "wlan_radio.11n.bandwidth", "Bandwidth", IOT_FT_UINT32, IOT_BASE_DEC, ht_bandwidth_names,
    0, "Channel width, 20 or 40 MHz." },
  RADIO_BOOL (F_11N_SHORT_GI, "wlan_radio.11n.short_gi", "Short GI",
              "Short guard interval (400 ns): about 11 % faster."),
  RADIO_BOOL (F_11N_GREENFIELD, "wlan_radio.11n.greenfield", "Greenfield",
              "Greenfield preamble, which stations older than 802.11n cannot decode."),
  [F_11N_FEC] = { "wlan_radio.11n.fec", "FEC", IOT_FT_UINT32, IOT_BASE_DEC, fec_names, 0,
    "Forward error correction: 0 BCC, 1 LDPC." },
  [F_11N_STBC] = { "wlan_radio.11n.stbc_streams", "Number of STBC streams", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Space-time block coded streams." },
  [F_11N_NESS] = { "wlan_radio.11n.ness", "Number of extension spatial streams", IOT_FT_UINT32, IOT_BASE_DEC,
    NULL, 0, "Extra streams used only for channel sounding." },
  RADIO_BOOL (F_11AC_SHORT_GI, "wlan_radio.11ac.short_gi", "Short GI", "Short guard interval (400 ns)."),
  [F_11AC_BANDWIDTH] = { "wlan_radio.11ac.bandwidth", "Bandwidth", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Channel width as radiotap numbers it: 0 20, 1 40, 4 80, 11 160 MHz." },
  [F_11AC_STBC] = { "wlan_radio.11ac.stbc", "STBC", IOT_FT_BOOLEAN, .blurb = "Space-time block coding.",
    .true_word = "On", .false_word = "Off" },
  RADIO_BOOL (F_11AC_TXOP_PS, "wlan_radio_11ac.txop_ps_not_allowed", "TXOP_PS_NOT_ALLOWED",
              "Whether stations may doze during the transmit opportunity."),
  RADIO_BOOL (F_11AC_NSYM, "wlan_radio.11ac.short_gi_nsym_disambig", "Short GI Nsym disambiguation",
              "Short guard interval symbol count disambiguation."),
  RADIO_BOOL (F_11AC_LDPC_EXTRA, "wlan_radio.11ac.ldpc_extra_ofdm_symbol", "LDPC extra OFDM symbol",
              "LDPC coding needed one more OFDM symbol."),
  RADIO_BOOL (F_11AC_BEAMFORMED, "wlan_radio.11ac.beamformed", "Beamformed",
              "The antennas steered the signal towards the receiver."),
  [F_11AC_USER] = { "wlan_radio.11ac.user", "User", IOT_FT_NONE, .blurb = "One receiver of the transmission." },
  [F_11AC_MCS] = { "wlan_radio.11ac.mcs", "MCS index", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "802.11ac modulation and coding scheme 0-9 (9 is 256-QAM 5/6, needs a strong signal)." },
  [F_11AC_NSS] = { "wlan_radio.11ac.nss", "Spatial streams", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Independent data streams over several antennas; each one multiplies the rate." },
  [F_11AC_NSTS] = { "wlan_radio.11ac.nsts", "Space-time streams", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Spatial streams, doubled with STBC." },
  [F_11AC_FEC] = { "wlan_radio.11ac.fec", "FEC", IOT_FT_UINT32, IOT_BASE_DEC, fec_names, 0,
    "Forward error correction: 0 BCC, 1 LDPC." },
  [F_11AC_GID] = { "wlan_radio.11ac.gid", "Group Id", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Multi-user group id." },
  [F_11AC_PAID] = { "wlan_radio.11ac.paid", "Partial AID", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Part of the receiver's association id." },
};

/* The 802.11n details of a radiotap MCS field; returns the data rate,
 * 0 when unknown. */
static double
add_ht (IotPacket *pkt, int tree, const IotRadioInfo *radio)
{
  guint known = radio->mcs_known, flags = radio->mcs_flags;

  if (known & 0x02)
    iot_tree_add_uint (pkt, tree, &wlan_radio_fields[F_11N_MCS], NULL, 0, 0, radio->mcs_index);
  if (known & 0x01)
    iot_tree_add_uint (pkt, tree, &wlan_radio_fields[F_11N_BANDWIDTH], NULL, 0, 0, flags & 0x03);
  if (known & 0x04)
    iot_tree_add_boolean (pkt, tree, &wlan_radio_fields[F_11N_SHORT_GI], NULL, 0, 0, (flags & 0x04) != 0);
  if (known & 0x08)
    iot_tree_add_boolean (pkt, tree, &wlan_radio_fields[F_11N_GREENFIELD], NULL, 0, 0, (flags & 0x08) != 0);
  if (known & 0x10)
    iot_tree_add_uint (pkt, tree, &wlan_radio_fields[F_11N_FEC], NULL, 0, 0, (flags >> 4) & 1);
  if (known & 0x20)
    iot_tree_add_uint (pkt, tree, &wlan_radio_fields[F_11N_STBC], NULL, 0, 0, (flags >> 5) & 3);
  if (known & 0x40)
    iot_tree_add_uint (pkt, tree, &wlan_radio_fields[F_11N_NESS], NULL, 0, 0,
                       ((flags >> 7) & 1) | (((known >> 7) & 1) << 1));
  if ((known & 0x07) == 0x07)
    {
      return iot_ieee80211_ht_rate (radio->mcs_index, (flags & 0x03) == 1 ? 1 : 0, (flags & 0x04) != 0);
    }
  return 0;
}

/* The 802.11ac details of a radiotap VHT field; returns the data rate of
 * the first user, 0 when unknown. */
static double
add_vht (IotPacket *pkt, int tree, const IotBuf *buf, const IotRadioInfo *radio)
{
  guint known = radio->vht_known, flags = radio->vht_flags;
  int width = iot_ieee80211_vht_width_index (radio->vht_bandwidth);
  double rate = 0;

  if (known & 0x0004)
    iot_tree_add_boolean (pkt, tree, &wlan_radio_fields[F_11AC_SHORT_GI], NULL, 0, 0, (flags & 0x04) != 0);
  if (known & 0x0040)
    iot_tree_add_uint (pkt, tree, &wlan_radio_fields[F_11AC_BANDWIDTH], NULL, 0, 0, radio->vht_bandwidth);
  if (known & 0x0001)
    iot_tree_add_boolean (pkt, tree, &wlan_radio_fields[F_11AC_STBC], NULL, 0, 0, flags & 0x01);
  if (known & 0x0002)
    iot_tree_add_boolean (pkt, tree, &wlan_radio_fields[F_11AC_TXOP_PS], NULL, 0, 0, (flags & 0x02) != 0);
  if (known & 0x0008)
    iot_tree_add_boolean (pkt, tree, &wlan_radio_fields[F_11AC_NSYM], NULL, 0, 0, (flags & 0x08) != 0);
  if (known & 0x0010)
    iot_tree_add_boolean (pkt, tree, &wlan_radio_fields[F_11AC_LDPC_EXTRA], NULL, 0, 0, (flags & 0x10) != 0);
  if (known & 0x0020)
    iot_tree_add_boolean (pkt, tree, &wlan_radio_fields[F_11AC_BEAMFORMED], NULL, 0, 0, (flags & 0x20) != 0);
  for (guint i = 0; i < 4; i++)
    {
      guint mcs = radio->vht_mcs_nss[i] >> 4, nss = radio->vht_mcs_nss[i] & 0x0f;
      guint nsts = nss * ((known & 0x0001) && (flags & 0x01) ? 2 : 1);
      int user;

      if (nss == 0)
        continue;
      user = iot_tree_add_item (pkt, tree, &wlan_radio_fields[F_11AC_USER], buf, 0, 0, FALSE);
      iot_tree_set_label (pkt, user, "User %u: MCS %u", i, mcs);
      iot_tree_add_uint (pkt, user, &wlan_radio_fields[F_11AC_MCS], NULL, 0, 0, mcs);
      iot_tree_add_uint (pkt, user, &wlan_radio_fields[F_11AC_NSS], NULL, 0, 0, nss);
      iot_tree_add_uint (pkt, user, &wlan_radio_fields[F_11AC_NSTS], NULL, 0, 0, nsts);
      iot_tree_add_uint (pkt, user, &wlan_radio_fields[F_11AC_FEC], NULL, 0, 0, (radio->vht_coding >> i) & 1);
      /* A multi-user frame has a rate per user: the data rate is the last
       * user's, as tshark 4.0 reports it. */
      if ((known & 0x0044) == 0x0044 && width >= 0)
        {
          double user_rate = iot_ieee80211_vht_rate (mcs, nss, width, (flags & 0x04) != 0);

          if (user_rate > 0)
            rate = user_rate;
        }
    }
  if (known & 0x0080)
    iot_tree_add_uint (pkt, tree, &wlan_radio_fields[F_11AC_GID], NULL, 0, 0, radio->vht_group_id);
  if (known & 0x0100)
    iot_tree_add_uint (pkt, tree, &wlan_radio_fields[F_11AC_PAID], NULL, 0, 0, radio->vht_partial_aid);
  return rate;
}

extern IotDissector iot_dissector_wlan_radio;

static guint
channel_of (guint frequency)
{
  if (frequency == 2484)
    return 14;
  if (frequency >= 2412 && frequency < 2484)
    return (frequency - 2407) / 5;
  if (frequency >= 5000 && frequency < 5900)
    return (frequency - 5000) / 5;
  return 0;
}

static int
dissect_wlan_radio (IotPacket *pkt, IotBuf *buf, int parent)
{
  const IotRadioInfo *radio = GSIZE_TO_POINTER (iot_packet_layer_value (pkt, &iot_dissector_wlan_radio));
  guint phy = 0;
  double rate = radio ? radio->rate_500k / 2.0 : 0;
  int tree, node;

  if (!radio)
    return 0;
  tree = iot_tree_add_protocol (pkt, parent, &wlan_radio_fields[F_PROTO], buf, 0, 0);
  if (radio->has_vht)
    phy = PHY_11AC;
  else if (radio->has_mcs)
    phy = PHY_11N;
  else if (radio->channel_flags & 0x0020)
    phy = PHY_11B;
  else if ((radio->channel_flags & 0x0040) && (radio->channel_flags & 0x0080))
    phy = PHY_11G;
  else if ((radio->channel_flags & 0x0040) && (radio->channel_flags & 0x0100))
    phy = PHY_11A;
  if (phy)
    iot_tree_add_uint (pkt, tree, &wlan_radio_fields[F_PHY], NULL, 0, 0, phy);
  if (phy == PHY_11B)
    iot_tree_add_boolean (pkt, tree, &wlan_radio_fields[F_SHORT_PREAMBLE], NULL, 0, 0,
                          radio->has_flags && (radio->flags & 0x02));
  if (phy == PHY_11G)
    iot_tree_add_uint (pkt, tree, &wlan_radio_fields[F_11G_MODE], NULL, 0, 0, 0);
  if (phy == PHY_11N)
    rate = add_ht (pkt, tree, radio);
  else if (phy == PHY_11AC)
    rate = add_vht (pkt, tree, buf, radio);
  if (rate > 0)
    {
      IotTapRadio rec = { IOT_TAP_RADIO_WLAN_RADIO, .lqi = -1, .has_rate = TRUE, .rate = rate };

      iot_tap_queue (pkt, IOT_TAP_RADIO, &rec);
      node = iot_tree_add_double (pkt, tree, &wlan_radio_fields[F_DATA_RATE], NULL, 0, 0, rate);
      iot_tree_set_label (pkt, node, "Data rate: %.1f Mb/s", rate);
    }
  if (radio->frequency)
    {
      if (channel_of (radio->frequency))
        iot_tree_add_uint (pkt, tree, &wlan_radio_fields[F_CHANNEL], NULL, 0, 0, channel_of (radio->frequency));
      iot_tree_add_uint (pkt, tree, &wlan_radio_fields[F_FREQUENCY], NULL, 0, 0, radio->frequency);
    }
  if (radio->has_signal)
    iot_tree_add_int (pkt, tree, &wlan_radio_fields[F_SIGNAL], NULL, 0, 0, radio->signal_dbm);
  if (radio->has_noise)
    iot_tree_add_int (pkt, tree, &wlan_radio_fields[F_NOISE], NULL, 0, 0, radio->noise_dbm);
  if (radio->has_signal && radio->has_noise)
    iot_tree_add_int (pkt, tree, &wlan_radio_fields[F_SNR], NULL, 0, 0, radio->signal_dbm - radio->noise_dbm);
  return 0;
}

void
iot_wlan_radio_summary (IotPacket *pkt, const IotBuf *buf, const IotRadioInfo *radio)
{
  IotBuf none = iot_buf_sub (buf, 0, 0);

  iot_packet_set_layer_value (pkt, &iot_dissector_wlan_radio, GPOINTER_TO_SIZE (radio));
  iot_call_dissector (pkt, &iot_dissector_wlan_radio, &none, -1);
  iot_packet_set_layer_value (pkt, &iot_dissector_wlan_radio, 0);
}

IotDissector iot_dissector_wlan_radio = {
  .name = "802.11 Radio",
  .abbrev = "wlan_radio",
  .long_name = "802.11 radio information",
  .fields = wlan_radio_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_wlan_radio,
};

/* ---- PHY rates shared with radiotap -------------------------------------- */

static const guint data_subcarriers[] = { 52, 108, 234, 468 };

/* Coded bits per subcarrier times coding rate, for MCS 0-9 (BPSK 1/2 …
 * 256-QAM 5/6); HT uses the first eight. */
static const double bits_per_subcarrier[] = { 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 4.5, 5.0, 6.0, 20.0 / 3.0 };

double
iot_ieee80211_ht_rate (guint mcs, guint width_index, gboolean short_gi)
{
  /* MCS 0-31: eight modulations times one to four equal streams. */
  if (mcs > 31 || width_index > 1)
    return 0;
  return data_subcarriers[width_index] * bits_per_subcarrier[mcs % 8] * (mcs / 8 + 1) / (short_gi ? 3.6 : 4.0);
}

double
iot_ieee80211_vht_rate (guint mcs, guint nss, guint width_index, gboolean short_gi)
{
  if (mcs > 9 || nss == 0 || nss > 8 || width_index > 3)
    return 0;
  return data_subcarriers[width_index] * bits_per_subcarrier[mcs] * nss / (short_gi ? 3.6 : 4.0);
}

int
iot_ieee80211_vht_width_index (guint bandwidth)
{
  if (bandwidth == 0)
    return 0;
  if (bandwidth <= 3)
    return 1;
  if (bandwidth <= 10)
    return 2;
  if (bandwidth <= 25)
    return 3;
  return -1;
}
