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
  N_FIELDS
};

enum { PHY_11A = 5, PHY_11B = 4, PHY_11G = 6 };

static const IotValueName phy_names[] = {
  { 4, "802.11b (HR/DSSS)" },
  { 5, "802.11a (OFDM)" },
  { 6, "802.11g (ERP)" },
  IOT_VALUE_NAMES_END
};

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
    "Bit rate in Mb/s. Stations lower it when the link gets worse." },
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
};

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
  int tree, node;

  if (!radio)
    return 0;
  tree = iot_tree_add_protocol (pkt, parent, &wlan_radio_fields[F_PROTO], buf, 0, 0);
  if (radio->channel_flags & 0x0020)
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
  if (radio->rate_500k)
    {
      node = iot_tree_add_double (pkt, tree, &wlan_radio_fields[F_DATA_RATE], NULL, 0, 0, radio->rate_500k / 2.0);
      iot_tree_set_label (pkt, node, "Data rate: %g Mb/s", radio->rate_500k / 2.0);
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
