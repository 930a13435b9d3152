/* btle_rf.c — the radio header a Bluetooth Low Energy sniffer puts before
 * each packet (LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR): RF channel, signal and
 * noise, and what the sniffer already checked (whitening, CRC, MIC). */
#include "iot-dissector.h"
#include "bt-radio.h"

enum {
  F_PROTO,
  F_CHANNEL,
  F_SIGNAL,
  F_NOISE,
  F_AA_OFFENSES,
  F_UNUSED_BYTE,
  F_REF_AA,
  F_UNUSED_WORD,
  F_FLAGS,
  F_FLAG_DEWHITENED,
  F_FLAG_SIGNAL_VALID,
  F_FLAG_NOISE_VALID,
  F_FLAG_DECRYPTED,
  F_FLAG_REF_AA_VALID,
  F_FLAG_OFFENSES_VALID,
  F_FLAG_ALIASED,
  F_PDU_TYPE,
  F_FLAG_CRC_CHECKED,
  F_FLAG_CRC_VALID,
  F_FLAG_MIC_CHECKED,
  F_FLAG_MIC_VALID,
  F_PHY,
  N_FIELDS
};

enum {
  FLAG_SIGNAL_VALID = 0x0002,
  FLAG_NOISE_VALID = 0x0004,
  FLAG_REF_AA_VALID = 0x0010,
  FLAG_OFFENSES_VALID = 0x0020,
  FLAG_CRC_CHECKED = 0x0400,
  FLAG_CRC_VALID = 0x0800,
};

extern IotDissector iot_dissector_btle;
extern IotDissector iot_dissector_btle_rf;

static const IotValueName pdu_type_names[] = {
  { 0, "Advertising or Data (Unspecified Direction)" },
  { 1, "Auxiliary Advertising" },
  { 2, "Data, Central to Peripheral" },
  { 3, "Data, Peripheral to Central" },
  { 4, "Connected Isochronous, Central to Peripheral" },
  { 5, "Connected Isochronous, Peripheral to Central" },
  { 6, "Broadcast Isochronous" },
  IOT_VALUE_NAMES_END
};

static const IotValueName phy_names[] = {
  { 0, "LE 1M" },
  { 1, "LE 2M" },
  { 2, "LE Coded" },
  IOT_VALUE_NAMES_END
};

static IotField btle_rf_fields[N_FIELDS] = {
  [F_PROTO] = { "btle_rf", "Bluetooth Low Energy RF Info", IOT_FT_PROTOCOL, .blurb =
    "What the sniffer's radio measured for this packet; not sent by the devices themselves." },
  [F_CHANNEL] = { "btle_rf.channel", "RF Channel", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Radio channel counted by frequency (2402 + 2 x channel MHz). Advertising uses 0, 12 and 39 "
    "(logical channels 37, 38, 39); connections hop over the others." },
  [F_SIGNAL] = { "btle_rf.signal_dbm", "Signal dBm", IOT_FT_INT8, IOT_BASE_DEC, NULL, 0,
    "Received signal strength in dBm: closer to 0 is stronger; below about -90 packets get lost." },
  [F_NOISE] = { "btle_rf.noise_dbm", "Noise dBm", IOT_FT_INT8, IOT_BASE_DEC, NULL, 0,
    "Background radio noise in dBm; signal minus noise is the margin the receiver has." },
  [F_AA_OFFENSES] = { "btle_rf.access_address_offenses", "Access Address Offenses", IOT_FT_UINT8,
    IOT_BASE_DEC, NULL, 0,
    "How many bits of the access address differed from the expected one: a sign of interference." },
  [F_UNUSED_BYTE] = { "btle_rf.unsigned_byte_unused", "Unused unsigned byte", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "A header byte whose value the flags mark as not valid." },
  [F_REF_AA] = { "btle_rf.reference_access_address", "Reference Access Address", IOT_FT_UINT32,
    IOT_BASE_HEX, NULL, 0,
    "The access address the sniffer was listening for." },
  [F_UNUSED_WORD] = { "btle_rf.word_unused", "Unused word", IOT_FT_UINT32, IOT_BASE_HEX, NULL, 0,
    "Header bytes whose value the flags mark as not valid." },
  [F_FLAGS] = { "btle_rf.flags", "Flags", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Which header values are valid and what the sniffer checked." },
  [F_FLAG_DEWHITENED] = { "btle_rf.flags.dewhitened", "Dewhitened", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0001,
    "The sniffer undid the whitening (the scrambling BLE applies on air).", "True", "False", 16 },
  [F_FLAG_SIGNAL_VALID] = { "btle_rf.flags.signal_dbm_valid", "Signal Power Valid", IOT_FT_BOOLEAN,
    IOT_BASE_NONE, NULL, FLAG_SIGNAL_VALID, "Whether the signal strength was measured.", "True", "False", 16 },
  [F_FLAG_NOISE_VALID] = { "btle_rf.flags.noise_dbm_valid", "Noise Power Valid", IOT_FT_BOOLEAN,
    IOT_BASE_NONE, NULL, FLAG_NOISE_VALID, "Whether the noise level was measured.", "True", "False", 16 },
  [F_FLAG_DECRYPTED] = { "btle_rf.flags.decrypted", "Decrypted", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0008,
    "The sniffer decrypted an encrypted connection's payload.", "True", "False", 16 },
  [F_FLAG_REF_AA_VALID] = { "btle_rf.flags.reference_access_address_valid", "Reference Access Address Valid",
    IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, FLAG_REF_AA_VALID,
    "Whether the reference access address is filled in.", "True", "False", 16 },
  [F_FLAG_OFFENSES_VALID] = { "btle_rf.flags.access_address_offenses_valid", "Access Address Offenses Valid",
    IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, FLAG_OFFENSES_VALID,
    "Whether the access address bit-error count is filled in.", "True", "False", 16 },
  [F_FLAG_ALIASED] = { "btle_rf.flags.channel_aliased", "Channel Aliased", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x0040, "The sniffer cannot tell this channel from a neighbouring one.", "True", "False", 16 },
  [F_PDU_TYPE] = { "btle_rf.pdu_type", "PDU Type", IOT_FT_UINT16, IOT_BASE_DEC, pdu_type_names, 0x0380,
    "What kind of packet the sniffer says this is, and its direction when known." },
  [F_FLAG_CRC_CHECKED] = { "btle_rf.flags.crc_checked", "CRC Checked", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x0400, "The sniffer checked the packet's CRC.", "True", "False", 16 },
  [F_FLAG_CRC_VALID] = { "btle_rf.flags.crc_valid", "CRC Valid", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0800,
    "The CRC matched: the bytes arrived intact.", "True", "False", 16 },
  [F_FLAG_MIC_CHECKED] = { "btle_rf.flags.mic_checked", "MIC Checked", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x1000, "The sniffer checked the message integrity code of an encrypted packet.", "True", "False", 16 },
  [F_FLAG_MIC_VALID] = { "btle_rf.flags.mic_valid", "MIC Valid", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x2000,
    "The integrity code matched: the decrypted payload is genuine.", "True", "False", 16 },
  [F_PHY] = { "btle_rf.phy", "PHY", IOT_FT_UINT16, IOT_BASE_DEC, phy_names, 0xc000,
    "Radio mode: LE 1M (1 Mbit/s, the default), LE 2M (faster) or LE Coded (long range)." },
};

static int
dissect_btle_rf (IotPacket *pkt, IotBuf *buf, int parent)
{
  BtRadioInfo radio = { 0 };
  IotBuf ll;
  guint flags, channel, pdu_type;
  int tree, node;

  tree = iot_tree_add_protocol (pkt, parent, &btle_rf_fields[F_PROTO], buf, 0, 10);
  flags = iot_buf_u16le (buf, 8);
  node = iot_tree_add_item (pkt, tree, &btle_rf_fields[F_CHANNEL], buf, 0, 1, TRUE);
  if (flags & FLAG_SIGNAL_VALID)
    iot_tree_add_item (pkt, tree, &btle_rf_fields[F_SIGNAL], buf, 1, 1, TRUE);
  if (flags & FLAG_NOISE_VALID)
    iot_tree_add_item (pkt, tree, &btle_rf_fields[F_NOISE], buf, 2, 1, TRUE);
  iot_tree_add_item (pkt, tree, &btle_rf_fields[flags & FLAG_OFFENSES_VALID ? F_AA_OFFENSES : F_UNUSED_BYTE],
                     buf, 3, 1, TRUE);
  iot_tree_add_item (pkt, tree, &btle_rf_fields[flags & FLAG_REF_AA_VALID ? F_REF_AA : F_UNUSED_WORD],
                     buf, 4, 4, TRUE);
  node = iot_tree_add_item (pkt, tree, &btle_rf_fields[F_FLAGS], buf, 8, 2, TRUE);
  for (int f = F_FLAG_DEWHITENED; f <= F_PHY; f++)
    iot_tree_add_item (pkt, node, &btle_rf_fields[f], buf, 8, 2, TRUE);

  /* The link layer reads the channel and direction from here: RF
   * channels 0, 12 and 39 are advertising channels 37, 38 and 39; PDU
   * types 2 and 3 name the direction of a data packet. */
  channel = iot_buf_u8 (buf, 0);
  radio.known = TRUE;
  radio.primary_channel = channel == 0 || channel == 12 || channel == 39;
  /* The link layer counts channel indexes, the radio RF channels. */
  radio.channel = channel == 0 ? 37 : channel == 12 ? 38 : channel == 39 ? 39 : channel < 12 ? channel - 1 : channel - 2;
  radio.rssi = flags & FLAG_SIGNAL_VALID ? (gint8) iot_buf_u8 (buf, 1) : 0;
  radio.crc_checked = (flags & FLAG_CRC_CHECKED) != 0;
  radio.crc_valid = (flags & FLAG_CRC_VALID) != 0;
  radio.phy = (flags >> 14) & 0x03;
  pdu_type = (flags >> 7) & 0x07;
  radio.direction = pdu_type == 2 ? BT_DIRECTION_CENTRAL_TO_PERIPHERAL
                    : pdu_type == 3 ? BT_DIRECTION_PERIPHERAL_TO_CENTRAL : BT_DIRECTION_UNKNOWN;
  bt_radio_set (pkt, &radio);
  ll = iot_buf_sub (buf, 10, -1);
  iot_call_dissector (pkt, &iot_dissector_btle, &ll, parent);
  return buf->length;
}

IotDissector iot_dissector_btle_rf = {
  .name = "BTLE RF",
  .abbrev = "btle_rf",
  .long_name = "Bluetooth Low Energy RF Info",
  .fields = btle_rf_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_btle_rf,
};
