/* zep.c — ZigBee Encapsulation Protocol (UDP 17754): how border routers,
 * sniffer bridges and simulators forward 802.15.4 radio frames over IP.
 * Version 1 carries channel, device and link quality; version 2 adds an
 * NTP timestamp and a sequence number, and has an ack datagram.  The radio
 * frame follows with its FCS ("CRC mode") or with RSSI/LQI bytes in its
 * place ("LQI mode"). */
#include "wpan.h"

enum {
  F_PROTO,
  F_PROTOCOL_ID,
  F_VERSION,
  F_TYPE,
  F_CHANNEL_ID,
  F_DEVICE_ID,
  F_LQI_MODE,
  F_LQI,
  F_TIME,
  F_SEQNO,
  F_RESERVED,
  F_LENGTH,
  N_FIELDS
};

#define ZEP_PORT 17754
#define NTP_1900_TO_1970 G_GINT64_CONSTANT (2208988800)

enum {
  TYPE_DATA = 1,
  TYPE_ACK = 2,
};

static const IotValueName type_names[] = {
  { TYPE_DATA, "Data" },
  { TYPE_ACK, "Ack" },
  IOT_VALUE_NAMES_END
};

enum {
  E_VERSION,
  N_EXPERTS
};

static IotExpertInfo zep_experts[N_EXPERTS] = {
  [E_VERSION] = IOT_EXPERT_INFO ("zep.version.unknown", IOT_SEV_WARN, IOT_GROUP_UNDECODED, "ZEP version not known",
                              "ZigBee Encapsulation Protocol versions 1 and 2 are decoded; others are shown as data."),
};

static IotField zep_fields[N_FIELDS] = {
  [F_PROTO] = { "zep", "ZigBee Encapsulation Protocol", IOT_FT_PROTOCOL, .blurb =
    "ZEP: a radio frame heard by a remote sniffer or border router, wrapped in a UDP datagram (port 17754) so it can be captured on any Ethernet." },
  [F_PROTOCOL_ID] = { "zep.protocol_id", "Protocol ID String", IOT_FT_STRING, .blurb =
    "The letters \"EX\" that begin every ZEP datagram." },
  [F_VERSION] = { "zep.version", "Protocol Version", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "ZEP version: 1 (no timestamp) or 2 (timestamp, sequence number, acks)." },
  [F_TYPE] = { "zep.type", "Type", IOT_FT_UINT8, IOT_BASE_DEC, type_names, 0,
    "Version 2: 1 for a datagram carrying a radio frame, 2 for an acknowledgement." },
  [F_CHANNEL_ID] = { "zep.channel_id", "Channel ID", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Radio channel the frame was heard on (11–26 at 2.4 GHz)." },
  [F_DEVICE_ID] = { "zep.device_id", "Device ID", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Number of the sniffer or radio that heard the frame, to tell several apart." },
  [F_LQI_MODE] = { "zep.lqi_mode", "LQI/CRC Mode", IOT_FT_BOOLEAN, .blurb =
    "Set (CRC mode): the radio frame keeps its FCS. Clear (LQI mode): its last two bytes are the radio's RSSI and link quality instead.",
    .true_word = "CRC", .false_word = "LQI" },
  [F_LQI] = { "zep.lqi", "Link Quality Indication", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "The radio's link quality figure for the frame (0–255, higher is better)." },
  [F_TIME] = { "zep.time", "Timestamp", IOT_FT_ABSOLUTE_TIME, IOT_BASE_TIME_LOCAL, NULL, 0,
    "When the remote radio received the frame (NTP format), which can differ from when this capture saw the datagram." },
  [F_SEQNO] = { "zep.seqno", "Sequence Number", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Counter of the sender's datagrams: gaps mean lost datagrams between the sniffer and this capture." },
  [F_RESERVED] = { "zep.reserved_field", "Reserved Fields", IOT_FT_BYTES, .blurb =
    "Unused bytes of the header." },
  [F_LENGTH] = { "zep.length", "Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0x7f,
    "Bytes of the radio frame that follows, FCS or RSSI/LQI included." },
};

/* An NTP timestamp (seconds since 1900 . 32-bit fraction) as ns since 1970. */
static gint64
ntp_to_ns (guint64 stamp)
{
  guint32 secs = (guint32) (stamp >> 32), frac = (guint32) stamp;

  return ((gint64) secs - NTP_1900_TO_1970) * G_GINT64_CONSTANT (1000000000)
         + (gint64) (1000000000 * (frac / 4294967296.0));
}

static void
add_common (IotPacket *pkt, int tree, IotBuf *buf, guint off)
{
  iot_tree_add_item (pkt, tree, &zep_fields[F_CHANNEL_ID], buf, off, 1, FALSE);
  iot_tree_add_item (pkt, tree, &zep_fields[F_DEVICE_ID], buf, off + 1, 2, FALSE);
  iot_tree_add_item (pkt, tree, &zep_fields[F_LQI_MODE], buf, off + 3, 1, FALSE);
}

/* The LQI the sniffer measured, for the analyses (IotTapRadio). */
static void
publish_lqi (IotPacket *pkt, IotBuf *buf, guint off)
{
  IotTapRadio rec = { IOT_TAP_RADIO_ZEP, .lqi = -1 };

  if (!iot_tap_wanted (pkt, IOT_TAP_RADIO))
    return;
  rec.lqi = iot_buf_u8 (buf, off);
  iot_tap_queue (pkt, IOT_TAP_RADIO, &rec);
}

/* Hands the radio frame of @len bytes at @off to the 802.15.4 MAC. */
static void
dissect_frame (IotPacket *pkt, IotBuf *buf, guint off, guint len, gboolean crc_mode)
{
  IotBuf frame = iot_buf_sub (buf, off, MIN (len, iot_buf_reported_remaining (buf, off)));

  iot_wpan_call (pkt, &frame, crc_mode ? IOT_WPAN_FCS_16 : IOT_WPAN_FCS_CC24XX);
}

static int
dissect_zep (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint8 version = iot_buf_u8 (buf, 2);
  int tree = iot_tree_add_protocol (pkt, parent, &zep_fields[F_PROTO], buf, 0, -1);
  gboolean crc_mode;
  guint len;

  iot_tree_add_item (pkt, tree, &zep_fields[F_PROTOCOL_ID], buf, 0, 2, FALSE);
  iot_tree_add_item (pkt, tree, &zep_fields[F_VERSION], buf, 2, 1, FALSE);
  if (version == 1)
    {
      iot_col_set_protocol (pkt, "ZEP");
      iot_tree_set_label (pkt, tree, "ZigBee Encapsulation Protocol, Channel: %u, Length: %u",
                          iot_buf_u8 (buf, 3), iot_buf_u8 (buf, 15) & 0x7f);
      add_common (pkt, tree, buf, 3);
      publish_lqi (pkt, buf, 7);
      iot_tree_add_item (pkt, tree, &zep_fields[F_LQI], buf, 7, 1, FALSE);
      iot_tree_add_item (pkt, tree, &zep_fields[F_RESERVED], buf, 8, 8, FALSE);
      iot_tree_add_item (pkt, tree, &zep_fields[F_LENGTH], buf, 15, 1, FALSE);
      iot_tree_set_length (pkt, tree, 16);
      crc_mode = iot_buf_u8 (buf, 6) != 0;
      len = iot_buf_u8 (buf, 15) & 0x7f;
      dissect_frame (pkt, buf, 16, len, crc_mode);
      return buf->length;
    }
  if (version != 2)
    {
      iot_col_set_protocol (pkt, "ZEP");
      iot_col_printf_info (pkt, "Unknown ZEP version %u", version);
      iot_expert_add_info (pkt, tree, &zep_experts[E_VERSION], "ZEP version %u is not known", version);
      return buf->length;
    }
  iot_col_set_protocol (pkt, "ZEPv2");
  iot_tree_add_item (pkt, tree, &zep_fields[F_TYPE], buf, 3, 1, FALSE);
  if (iot_buf_u8 (buf, 3) == TYPE_ACK)
    {
      guint32 seq = iot_buf_u32 (buf, 4);

      iot_tree_add_item (pkt, tree, &zep_fields[F_SEQNO], buf, 4, 4, FALSE);
      iot_tree_set_length (pkt, tree, 8);
      iot_tree_set_label (pkt, tree, "ZigBee Encapsulation Protocol, Ack Sequence Number: %u", seq);
      iot_col_printf_info (pkt, "Ack, Sequence Number: %u", seq);
      return 8;
    }
  crc_mode = iot_buf_u8 (buf, 7) != 0;
  len = iot_buf_u8 (buf, 31) & 0x7f;
  iot_tree_set_label (pkt, tree, "ZigBee Encapsulation Protocol, Channel: %u, Length: %u",
                      iot_buf_u8 (buf, 4), len);
  add_common (pkt, tree, buf, 4);
  if (!crc_mode)
    {
      publish_lqi (pkt, buf, 8);
      iot_tree_add_item (pkt, tree, &zep_fields[F_LQI], buf, 8, 1, FALSE);
    }
  iot_tree_add_time (pkt, tree, &zep_fields[F_TIME], buf, 9, 8, ntp_to_ns (iot_buf_u64 (buf, 9)));
  iot_tree_add_item (pkt, tree, &zep_fields[F_SEQNO], buf, 17, 4, FALSE);
  iot_tree_add_item (pkt, tree, &zep_fields[F_LENGTH], buf, 31, 1, FALSE);
  iot_tree_set_length (pkt, tree, 32);
  dissect_frame (pkt, buf, 32, len, crc_mode);
  return buf->length;
}

IotDissector iot_dissector_zep = {
  .name = "ZEP",
  .abbrev = "zep",
  .long_name = "ZigBee Encapsulation Protocol",
  .fields = zep_fields,
  .n_fields = N_FIELDS,
  .experts = zep_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_zep,
  .handoff = { { "udp.port", ZEP_PORT } },
};
