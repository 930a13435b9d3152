/* ieee80211.h — what the radio header of a monitor-mode capture tells the
 * 802.11 layers, whatever its format (radiotap today). */
#pragma once

#include "iot-dissector.h"

typedef struct {
  gboolean has_flags, has_signal, has_noise;
  guint8   flags;          /* radiotap flags (preamble, FCS…) */
  guint8   rate_500k;      /* 0 = unknown */
  guint16  frequency;      /* MHz, 0 = unknown */
  guint16  channel_flags;
  gint8    signal_dbm, noise_dbm;
  /* 802.11n: the radiotap MCS field (known bits, flags, index). */
  gboolean has_mcs;
  guint8   mcs_known, mcs_flags, mcs_index;
  /* 802.11ac: the radiotap VHT field. */
  gboolean has_vht;
  guint16  vht_known;
  guint8   vht_flags, vht_bandwidth, vht_mcs_nss[4], vht_coding, vht_group_id;
  guint16  vht_partial_aid;
} IotRadioInfo;

/* PHY data rates in Mb/s (IEEE 802.11-2020 19.5 and 21.5): data
 * subcarriers x coded bits per subcarrier x coding rate x streams over the
 * symbol time (4 µs, 3.6 µs with the short guard interval); 0 when the
 * index is outside the table.  @width_index: 0 20, 1 40, 2 80, 3 160 MHz. */
double iot_ieee80211_ht_rate (guint mcs, guint width_index, gboolean short_gi);
double iot_ieee80211_vht_rate (guint mcs, guint nss, guint width_index, gboolean short_gi);
/* The width index of a radiotap VHT bandwidth value (0-25), or -1. */
int    iot_ieee80211_vht_width_index (guint bandwidth);

/* Adds the "802.11 radio information" layer for @radio. */
void iot_wlan_radio_summary (IotPacket *pkt, const IotBuf *buf, const IotRadioInfo *radio);

/* A station's association with an access point, as the 4-way handshake
 * builds it (per capture, owned by the wlan dissector). */
typedef struct {
  guint8   ap[6], sta[6];
  guint8   anonce[32];
  gboolean has_anonce;
  gboolean has_ptk;        /* a configured key matched message 2's MIC */
  guint8   pmk[32];
  guint8   ptk[48];        /* KCK | KEK | TK */
  guint32  ptk_frame;      /* frame of the message 2 that proved it */
  guint32  failed_frame;   /* last message 2 no configured key matched (0 = none) */
} IotWlanPair;

/* The pair of the data frame being dissected (NULL outside one), and the
 * SSID of its network when a beacon or probe response named it. */
IotWlanPair  *iot_wlan_current_pair (IotPacket *pkt);
const guint8 *iot_wlan_current_ssid (IotPacket *pkt, gsize *len);
/* The IotTapWlan record of the frame being dissected, for the layers
 * inside it to fill in (the EAPOL-Key message); NULL when nobody asked
 * for it. */
IotTapWlan   *iot_wlan_current_record (IotPacket *pkt);
/* Tagged parameters (information elements) from @off to the end of @buf. */
void          iot_wlan_dissect_tags (IotPacket *pkt, const IotBuf *buf, guint off, int tree);
