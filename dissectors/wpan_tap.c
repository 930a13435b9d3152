/* wpan_tap.c — the IEEE 802.15.4 TAP header (link type 283): a small
 * TLV header a sniffer puts before each radio frame, saying whether an FCS
 * follows the frame and what the radio measured (signal, channel, LQI). */
#include "wpan.h"

enum {
  F_PROTO,
  F_VERSION,
  F_RESERVED,
  F_LENGTH,
  F_DATA_LENGTH,
  F_TLV_TYPE,
  F_TLV_LENGTH,
  F_TLV_UNKNOWN,
  F_TLV_PADDING,
  F_FCS_TYPE,
  F_RSS,
  F_CH_NUM,
  F_CH_PAGE,
  F_LQI,
  N_FIELDS
};

enum {
  TLV_FCS_TYPE = 0,
  TLV_RSS = 1,
  TLV_CHANNEL = 3,
  TLV_LQI = 10,
};

static const IotValueName tlv_names[] = {
  { TLV_FCS_TYPE, "FCS type" },
  { TLV_RSS, "RSS" },
  { 2, "Bit rate" },
  { TLV_CHANNEL, "Channel assignment" },
  { 4, "SUN PHY Information" },
  { 5, "Start of frame timestamp" },
  { 6, "End of frame timestamp" },
  { 7, "Absolute Slot Number (ASN)" },
  { 8, "Start of slot timestamp" },
  { 9, "Timeslot length" },
  { TLV_LQI, "Link Quality Indicator" },
  { 11, "Channel center frequency" },
  { 12, "Channel plan" },
  IOT_VALUE_NAMES_END
};

static const IotValueName fcs_type_names[] = {
  { 0, "None" },
  { 1, "ITU-T CRC16" },
  { 2, "ITU-T CRC32" },
  IOT_VALUE_NAMES_END
};

enum {
  E_TLV,
  N_EXPERTS
};

static IotExpertInfo tap_experts[N_EXPERTS] = {
  [E_TLV] = IOT_EXPERT_INFO ("wpan-tap.tlv.invalid", IOT_SEV_WARN, IOT_GROUP_MALFORMED, "Invalid TLV type",
                              "An IEEE 802.15.4 TAP header TLV whose type this decoder does not know."),
};

static IotField tap_fields[N_FIELDS] = {
  [F_PROTO] = { "wpan-tap", "IEEE 802.15.4 TAP", IOT_FT_PROTOCOL, .blurb =
    "A header the sniffer adds before each captured radio frame: what it knows about the reception (signal strength, channel, link quality) and whether the frame keeps its FCS." },
  [F_VERSION] = { "wpan-tap.version", "Version", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Version of the TAP header format (0)." },
  [F_RESERVED] = { "wpan-tap.reserved", "Reserved", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Unused; zero." },
  [F_LENGTH] = { "wpan-tap.length", "Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Bytes of the TAP header, its TLVs included; the radio frame starts after them." },
  [F_DATA_LENGTH] = { "wpan-tap.data_length", "Data Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Bytes of the radio frame after the header." },
  [F_TLV_TYPE] = { "wpan-tap.tlv.type", "TLV Type", IOT_FT_UINT16, IOT_BASE_DEC, tlv_names, 0,
    "Which measurement or setting this record carries." },
  [F_TLV_LENGTH] = { "wpan-tap.tlv.length", "TLV Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Bytes of the record's value, before padding to a multiple of four." },
  [F_TLV_UNKNOWN] = { "wpan-tap.tlv.unknown", "Unknown", IOT_FT_BYTES, .blurb =
    "Value of a record kind not decoded here." },
  [F_TLV_PADDING] = { "wpan-tap.tlv.padding", "Padding", IOT_FT_BYTES, .blurb =
    "Zero bytes that align the next record on four bytes." },
  [F_FCS_TYPE] = { "wpan-tap.fcs_type", "FCS Type", IOT_FT_UINT8, IOT_BASE_DEC, fcs_type_names, 0,
    "Whether the frame ends with its check sequence, and which: none, CRC-16 or CRC-32." },
  [F_RSS] = { "wpan-tap.rss", "RSS", IOT_FT_DOUBLE, .blurb =
    "Received signal strength in dBm (e.g. -40 strong, -90 at the edge of reception)." },
  [F_CH_NUM] = { "wpan-tap.ch_num", "Channel", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Radio channel the frame was heard on (11–26 at 2.4 GHz)." },
  [F_CH_PAGE] = { "wpan-tap.ch_page", "Page", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Channel page: which band and modulation family the channel number refers to." },
  [F_LQI] = { "wpan-tap.lqi", "Link Quality Indicator", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "The radio's link quality figure for this frame (0–255, higher is better)." },
};

static float
read_float_le (IotBuf *buf, guint off)
{
  union { guint32 u; float f; } v = { .u = iot_buf_u32le (buf, off) };

  return v.f;
}

/* The signal or LQI a TLV gives, for the analyses (IotTapRadio); read as
 * the tree item reads it. */
static void
publish_radio (IotPacket *pkt, IotBuf *buf, guint off, guint type)
{
  IotTapRadio rec = { IOT_TAP_RADIO_WPAN_TAP, .lqi = -1 };

  if (!iot_tap_wanted (pkt, IOT_TAP_RADIO))
    return;
  if (type == TLV_RSS)
    {
      rec.has_signal = TRUE;
      rec.signal_dbm = read_float_le (buf, off);
    }
  else
    rec.lqi = iot_buf_u8 (buf, off);
  iot_tap_queue (pkt, IOT_TAP_RADIO, &rec);
}

/* One TLV; returns the FCS type if this is the FCS TLV. */
static void
dissect_tlv (IotPacket *pkt, int tree, IotBuf *buf, guint off, guint type, guint len, guint *fcs_type)
{
  switch (type)
    {
    case TLV_FCS_TYPE:
      if (len == 1)
        {
          *fcs_type = iot_buf_u8 (buf, off);
          iot_tree_add_item (pkt, tree, &tap_fields[F_FCS_TYPE], buf, off, 1, FALSE);
          return;
        }
      break;
    case TLV_RSS:
      if (len == 4)
        {
          int node;

          publish_radio (pkt, buf, off, type);
          node = iot_tree_add_double (pkt, tree, &tap_fields[F_RSS], buf, off, 4, read_float_le (buf, off));

          iot_tree_append_label (pkt, node, " dBm");
          return;
        }
      break;
    case TLV_CHANNEL:
      if (len == 3)
        {
          iot_tree_add_item (pkt, tree, &tap_fields[F_CH_NUM], buf, off, 2, TRUE);
          iot_tree_add_item (pkt, tree, &tap_fields[F_CH_PAGE], buf, off + 2, 1, FALSE);
          return;
        }
      break;
    case TLV_LQI:
      if (len == 1)
        {
          publish_radio (pkt, buf, off, type);
          iot_tree_add_item (pkt, tree, &tap_fields[F_LQI], buf, off, 1, FALSE);
          return;
        }
      break;
    default:
      if (iot_value_name (tlv_names, type) == NULL)
        iot_expert_add_info (pkt, tree, &tap_experts[E_TLV], "Invalid TLV type");
      break;
    }
  if (len > 0)
    iot_tree_add_item (pkt, tree, &tap_fields[F_TLV_UNKNOWN], buf, off, len, FALSE);
}

static int
dissect_wpan_tap (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint hdr_len = iot_buf_u16le (buf, 2), off = 4, fcs_type = 0;
  int tree = iot_tree_add_protocol (pkt, parent, &tap_fields[F_PROTO], buf, 0, hdr_len);
  int node;
  IotBuf frame;

  iot_col_set_protocol (pkt, "IEEE 802.15.4 TAP");
  iot_tree_add_item (pkt, tree, &tap_fields[F_VERSION], buf, 0, 1, FALSE);
  iot_tree_add_item (pkt, tree, &tap_fields[F_RESERVED], buf, 1, 1, FALSE);
  iot_tree_add_item (pkt, tree, &tap_fields[F_LENGTH], buf, 2, 2, TRUE);
  if (hdr_len < 4 || hdr_len > buf->reported)
    iot_malformed (pkt, "TAP header length out of range");
  node = iot_tree_add_uint (pkt, tree, &tap_fields[F_DATA_LENGTH], NULL, 0, 0, buf->reported - hdr_len);
  iot_tree_set_hidden (pkt, node);
  while (off + 4 <= hdr_len)
    {
      guint type = iot_buf_u16le (buf, off), len = iot_buf_u16le (buf, off + 2);
      guint pad = (4 - len % 4) % 4;
      const char *name = iot_value_name (tlv_names, type);
      int tlv = iot_tree_add_text (pkt, tree, buf, off, 4 + len + pad, "%s", name ? name : "Unknown TLV");

      iot_tree_add_item (pkt, tlv, &tap_fields[F_TLV_TYPE], buf, off, 2, TRUE);
      iot_tree_add_item (pkt, tlv, &tap_fields[F_TLV_LENGTH], buf, off + 2, 2, TRUE);
      if (off + 4 + len + pad > hdr_len)
        iot_malformed (pkt, "TLV runs past the TAP header");
      dissect_tlv (pkt, tlv, buf, off + 4, type, len, &fcs_type);
      if (pad > 0)
        iot_tree_add_item (pkt, tlv, &tap_fields[F_TLV_PADDING], buf, off + 4 + len, pad, FALSE);
      off += 4 + len + pad;
    }
  frame = iot_buf_sub (buf, hdr_len, -1);
  frame.pkt = pkt;
  iot_wpan_dissect_mac (pkt, &frame, fcs_type == 2 ? IOT_WPAN_FCS_32
                                     : fcs_type == 1 ? IOT_WPAN_FCS_16 : IOT_WPAN_FCS_NONE, -1, tree);
  return buf->length;
}

IotDissector iot_dissector_wpan_tap = {
  .name = "IEEE 802.15.4 TAP",
  .abbrev = "wpan-tap",
  .long_name = "IEEE 802.15.4 Low-Rate Wireless PAN TAP",
  .fields = tap_fields,
  .n_fields = N_FIELDS,
  .experts = tap_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_wpan_tap,
  .handoff = { { "link", 283 } },
};
