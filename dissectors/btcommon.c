/* btcommon.c — advertising data (AD structures): the length-type-value
 * list inside advertisements and scan responses that tells a scanner the
 * device's name, services, maker and sensor readings. */
#include "iot-dissector.h"
#include "bt-names.h"

enum {
  F_PROTO,
  F_ENTRY_LENGTH,
  F_ENTRY_TYPE,
  F_FLAGS_RESERVED,
  F_FLAGS_HOST,
  F_FLAGS_CONTROLLER,
  F_FLAGS_BREDR_NOT,
  F_FLAGS_GENERAL,
  F_FLAGS_LIMITED,
  F_UUID16,
  F_UUID32,
  F_CUSTOM_UUID32,
  F_UUID128,
  F_CUSTOM_UUID128,
  F_DEVICE_NAME,
  F_POWER_LEVEL,
  F_COMPANY_ID,
  F_DATA,
  F_SERVICE_DATA,
  F_APPEARANCE,
  F_ADV_INTERVAL,
  F_CONN_INTERVAL_MIN,
  F_CONN_INTERVAL_MAX,
  F_CHANNEL_MAP_0,
  F_CHANNEL_MAP_LAST = F_CHANNEL_MAP_0 + 39,
  F_LE_CHANNEL_MAP,
  F_INSTANT,
  N_FIELDS
};

static const IotValueName ad_type_names[] = {
  { 0x01, "Flags" },
  { 0x02, "16-bit Service Class UUIDs (incomplete)" },
  { 0x03, "16-bit Service Class UUIDs" },
  { 0x04, "32-bit Service Class UUIDs (incomplete)" },
  { 0x05, "32-bit Service Class UUIDs" },
  { 0x06, "128-bit Service Class UUIDs (incomplete)" },
  { 0x07, "128-bit Service Class UUIDs" },
  { 0x08, "Device Name (shortened)" },
  { 0x09, "Device Name" },
  { 0x0a, "Tx Power Level" },
  { 0x12, "Peripheral Connection Interval Range" },
  { 0x16, "Service Data - 16 bit UUID" },
  { 0x19, "Appearance" },
  { 0x1a, "Advertising Interval" },
  { 0x20, "Service Data - 32 bit UUID" },
  { 0x21, "Service Data - 128 bit UUID" },
  { 0x28, "Channel Map Update Indication" },
  { 0xff, "Manufacturer Specific" },
  IOT_VALUE_NAMES_END
};

static const IotValueName appearance_names[] = {
  { 0x0000, "Unknown" },
  { 0x0040, "Generic Phone" },
  { 0x0080, "Generic Computer" },
  { 0x00c0, "Generic Watch" },
  { 0x0300, "Generic Thermometer" },
  { 0x0340, "Generic Heart rate Sensor" },
  { 0x03c0, "Generic Human Interface Device (HID)" },
  { 0x0540, "Generic Sensor" },
  { 0x0580, "Generic Light Fixtures" },
  IOT_VALUE_NAMES_END
};

#define FLAG(abbrev, name, mask, blurb) \
  { "btcommon.eir_ad.entry.flags." abbrev, name, IOT_FT_UINT8, IOT_BASE_HEX, NULL, mask, blurb }

enum {
  E_UNDECODED,
  N_EXPERTS
};

static IotExpertInfo btcommon_experts[N_EXPERTS] = {
  [E_UNDECODED] = IOT_EXPERT_INFO ("btcommon.eir_ad.undecoded", IOT_SEV_NOTE, IOT_GROUP_UNDECODED, "Undecoded",
                              "An AD structure type this decoder does not decode."),
};

static IotField btcommon_fields[N_FIELDS] = {
  [F_PROTO] = { "btcommon", "Bluetooth Common", IOT_FT_PROTOCOL, .blurb =
    "Advertising data: a list of small length-type-value entries a device broadcasts about itself." },
  [F_ENTRY_LENGTH] = { "btcommon.eir_ad.entry.length", "Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Bytes in this entry, type byte included." },
  [F_ENTRY_TYPE] = { "btcommon.eir_ad.entry.type", "Type", IOT_FT_UINT8, IOT_BASE_HEX, ad_type_names, 0,
    "What the entry holds: flags, a name, service UUIDs, manufacturer data…" },
  [F_FLAGS_RESERVED] = FLAG ("reserved", "Reserved", 0xe0, "Reserved flag bits."),
  [F_FLAGS_HOST] = FLAG ("le_bredr_support_host", "Simultaneous LE and BR/EDR to Same Device Capable (Host)", 0x10,
    "The host can use classic Bluetooth and LE with the same peer at once."),
  [F_FLAGS_CONTROLLER] = FLAG ("le_bredr_support_controller",
    "Simultaneous LE and BR/EDR to Same Device Capable (Controller)", 0x08,
    "The controller can use classic Bluetooth and LE with the same peer at once."),
  [F_FLAGS_BREDR_NOT] = FLAG ("bredr_not_supported", "BR/EDR Not Supported", 0x04,
    "The device speaks only Bluetooth Low Energy (typical of sensors)."),
  [F_FLAGS_GENERAL] = FLAG ("le_general_discoverable_mode", "LE General Discoverable Mode", 0x02,
    "The device wants to be found by anyone scanning."),
  [F_FLAGS_LIMITED] = FLAG ("le_limited_discoverable_mode", "LE Limited Discoverable Mode", 0x01,
    "Discoverable only for a short time (e.g. after a button press)."),
  [F_UUID16] = { "btcommon.eir_ad.entry.uuid_16", "UUID 16", IOT_FT_UINT16, IOT_BASE_HEX, bt_uuid16_names, 0,
    "A standard GATT service the device offers, by its 16-bit SIG number (0x180f Battery, 0x181a Environmental "
    "Sensing…)." },
  [F_UUID32] = { "btcommon.eir_ad.entry.uuid_32", "UUID 32", IOT_FT_UINT32, IOT_BASE_HEX, NULL, 0,
    "A service by its 32-bit UUID." },
  [F_CUSTOM_UUID32] = { "btcommon.eir_ad.entry.custom_uuid_32", "Custom UUID", IOT_FT_UINT32, IOT_BASE_HEX, NULL,
    0, "A vendor service by a 32-bit UUID outside the SIG range." },
  [F_UUID128] = { "btcommon.eir_ad.entry.uuid_128", "UUID 128", IOT_FT_BYTES, .blurb =
    "A service by its full 128-bit UUID built on the SIG base UUID." },
  [F_CUSTOM_UUID128] = { "btcommon.eir_ad.entry.custom_uuid_128", "Custom UUID", IOT_FT_BYTES, .blurb =
    "A vendor-defined service (e.g. Nordic UART) by its 128-bit UUID." },
  [F_DEVICE_NAME] = { "btcommon.eir_ad.entry.device_name", "Device Name", IOT_FT_STRING, .blurb =
    "The name the device announces, complete or shortened to fit." },
  [F_POWER_LEVEL] = { "btcommon.eir_ad.entry.power_level", "Power Level (dBm)", IOT_FT_INT8, IOT_BASE_DEC, NULL, 0,
    "Transmit power the device uses; compared with the received signal it gives a rough distance." },
  [F_COMPANY_ID] = { "btcommon.eir_ad.entry.company_id", "Company ID", IOT_FT_UINT16, IOT_BASE_HEX,
    bt_company_names, 0, "Who defines the manufacturer data that follows (0x004c Apple, 0x0059 Nordic…)." },
  [F_DATA] = { "btcommon.eir_ad.entry.data", "Data", IOT_FT_BYTES, .blurb =
    "Manufacturer-specific bytes (iBeacon, sensor readings, vendor protocols)." },
  [F_SERVICE_DATA] = { "btcommon.eir_ad.entry.service_data", "Service Data", IOT_FT_BYTES, .blurb =
    "Data for a service, broadcast without a connection: sensors often put readings here." },
  [F_APPEARANCE] = { "btcommon.eir_ad.entry.appearance", "Appearance", IOT_FT_UINT16, IOT_BASE_HEX,
    appearance_names, 0, "What kind of device this is, for a scanner's icon (thermometer, watch…)." },
  [F_ADV_INTERVAL] = { "btcommon.eir_ad.entry.advertising_interval", "Advertising Interval", IOT_FT_UINT16,
    IOT_BASE_DEC, NULL, 0, "How often the device advertises, in 0.625 ms units." },
  [F_CONN_INTERVAL_MIN] = { "btcommon.eir_ad.entry.connection_interval_min", "Connection Interval Min",
    IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0, "Shortest connection interval the device would like, 1.25 ms units." },
  [F_CONN_INTERVAL_MAX] = { "btcommon.eir_ad.entry.connection_interval_max", "Connection Interval Max",
    IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0, "Longest connection interval the device would like, 1.25 ms units." },
  [F_CHANNEL_MAP_0 + 0] = { "btcommon.le_channel_map.0", "RF Channel 1 (2404 MHz - Data - 0)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x01, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 1] = { "btcommon.le_channel_map.1", "RF Channel 2 (2406 MHz - Data - 1)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x02, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 2] = { "btcommon.le_channel_map.2", "RF Channel 3 (2408 MHz - Data - 2)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x04, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 3] = { "btcommon.le_channel_map.3", "RF Channel 4 (2410 MHz - Data - 3)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x08, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 4] = { "btcommon.le_channel_map.4", "RF Channel 5 (2412 MHz - Data - 4)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x10, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 5] = { "btcommon.le_channel_map.5", "RF Channel 6 (2414 MHz - Data - 5)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x20, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 6] = { "btcommon.le_channel_map.6", "RF Channel 7 (2416 MHz - Data - 6)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x40, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 7] = { "btcommon.le_channel_map.7", "RF Channel 8 (2418 MHz - Data - 7)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x80, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 8] = { "btcommon.le_channel_map.8", "RF Channel 9 (2420 MHz - Data - 8)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x01, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 9] = { "btcommon.le_channel_map.9", "RF Channel 10 (2422 MHz - Data - 9)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x02, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 10] = { "btcommon.le_channel_map.10", "RF Channel 11 (2424 MHz - Data - 10)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x04, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 11] = { "btcommon.le_channel_map.11", "RF Channel 13 (2428 MHz - Data - 11)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x08, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 12] = { "btcommon.le_channel_map.12", "RF Channel 14 (2430 MHz - Data - 12)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x10, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 13] = { "btcommon.le_channel_map.13", "RF Channel 15 (2432 MHz - Data - 13)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x20, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 14] = { "btcommon.le_channel_map.14", "RF Channel 16 (2434 MHz - Data - 14)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x40, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 15] = { "btcommon.le_channel_map.15", "RF Channel 17 (2436 MHz - Data - 15)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x80, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 16] = { "btcommon.le_channel_map.16", "RF Channel 18 (2438 MHz - Data - 16)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x01, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 17] = { "btcommon.le_channel_map.17", "RF Channel 19 (2440 MHz - Data - 17)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x02, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 18] = { "btcommon.le_channel_map.18", "RF Channel 20 (2442 MHz - Data - 18)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x04, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 19] = { "btcommon.le_channel_map.19", "RF Channel 21 (2444 MHz - Data - 19)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x08, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 20] = { "btcommon.le_channel_map.20", "RF Channel 22 (2446 MHz - Data - 20)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x10, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 21] = { "btcommon.le_channel_map.21", "RF Channel 23 (2448 MHz - Data - 21)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x20, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 22] = { "btcommon.le_channel_map.22", "RF Channel 24 (2450 MHz - Data - 22)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x40, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 23] = { "btcommon.le_channel_map.23", "RF Channel 25 (2452 MHz - Data - 23)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x80, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 24] = { "btcommon.le_channel_map.24", "RF Channel 26 (2454 MHz - Data - 24)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x01, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 25] = { "btcommon.le_channel_map.25", "RF Channel 27 (2456 MHz - Data - 25)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x02, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 26] = { "btcommon.le_channel_map.26", "RF Channel 28 (2458 MHz - Data - 26)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x04, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 27] = { "btcommon.le_channel_map.27", "RF Channel 29 (2460 MHz - Data - 27)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x08, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 28] = { "btcommon.le_channel_map.28", "RF Channel 30 (2462 MHz - Data - 28)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x10, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 29] = { "btcommon.le_channel_map.29", "RF Channel 31 (2464 MHz - Data - 29)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x20, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 30] = { "btcommon.le_channel_map.30", "RF Channel 32 (2466 MHz - Data - 30)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x40, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 31] = { "btcommon.le_channel_map.31", "RF Channel 33 (2468 MHz - Data - 31)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x80, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 32] = { "btcommon.le_channel_map.32", "RF Channel 34 (2470 MHz - Data - 32)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x01, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 33] = { "btcommon.le_channel_map.33", "RF Channel 35 (2472 MHz - Data - 33)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x02, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 34] = { "btcommon.le_channel_map.34", "RF Channel 36 (2474 MHz - Data - 34)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x04, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 35] = { "btcommon.le_channel_map.35", "RF Channel 37 (2476 MHz - Data - 35)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x08, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 36] = { "btcommon.le_channel_map.36", "RF Channel 38 (2478 MHz - Data - 36)", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x10, "Whether the connection may use this data channel.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 37] = { "btcommon.le_channel_map.37", "Reserved", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x20, "Advertising channels are never in a channel map; always 0.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 38] = { "btcommon.le_channel_map.38", "Reserved", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x40, "Advertising channels are never in a channel map; always 0.", "True", "False", 8 },
  [F_CHANNEL_MAP_0 + 39] = { "btcommon.le_channel_map.39", "Reserved", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x80, "Advertising channels are never in a channel map; always 0.", "True", "False", 8 },
  [F_LE_CHANNEL_MAP] = { "btcommon.eir_ad.entry.le_channel_map", "Channel Map", IOT_FT_BYTES, .blurb =
    "The data channels a periodic advertising train will use from the instant on (1: used)." },
  [F_INSTANT] = { "btcommon.eir_ad.entry.instant", "Instant", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "The periodic advertising event counter value at which the new channel map takes effect." },
};

static gboolean
is_sig_base (const guint8 be[16])
{
  static const guint8 base_tail[12] = { 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0x80, 0x5f, 0x9b, 0x34, 0xfb };
  return memcmp (be + 4, base_tail, 12) == 0;
}

static void
add_uuid128 (IotPacket *pkt, int tree, const IotBuf *buf, guint off)
{
  const guint8 *le = iot_buf_ptr (buf, off, 16);
  guint8 *be = iot_packet_alloc (pkt, 16);   /* the tree keeps a pointer to it */
  const char *name;
  int node;

  for (guint i = 0; i < 16; i++)
    be[i] = le[15 - i];
  node = iot_tree_add_bytes (pkt, tree, &btcommon_fields[is_sig_base (be) ? F_UUID128 : F_CUSTOM_UUID128],
                             buf, off, 16, be, 16);
  name = bt_uuid128_name (be);
  iot_tree_set_label (pkt, node, "UUID 128: %s (%s)", bt_uuid128_format (pkt, le), name ? name : "Unknown");
}

extern IotDissector iot_dissector_btcommon;

static void
dissect_entry (IotPacket *pkt, const IotBuf *buf, guint off, guint len, guint type, int tree)
{
  guint end = off + len;

  switch (type)
    {
    case 0x01:
      for (int f = F_FLAGS_RESERVED; f <= F_FLAGS_LIMITED; f++)
        iot_tree_add_item (pkt, tree, &btcommon_fields[f], buf, off, 1, TRUE);
      break;
    case 0x02:
    case 0x03:
      for (; off + 2 <= end; off += 2)
        iot_tree_add_item (pkt, tree, &btcommon_fields[F_UUID16], buf, off, 2, TRUE);
      break;
    case 0x04:
    case 0x05:
      for (; off + 4 <= end; off += 4)
        iot_tree_add_item (pkt, tree, &btcommon_fields[iot_buf_u32le (buf, off) > 0xffff ? F_CUSTOM_UUID32 : F_UUID32],
                           buf, off, 4, TRUE);
      break;
    case 0x06:
    case 0x07:
      for (; off + 16 <= end; off += 16)
        add_uuid128 (pkt, tree, buf, off);
      break;
    case 0x08:
    case 0x09:
      iot_tree_add_string (pkt, tree, &btcommon_fields[F_DEVICE_NAME], buf, off, len,
                           (const char *) iot_buf_ptr (buf, off, len), len);
      break;
    case 0x0a:
      iot_tree_add_item (pkt, tree, &btcommon_fields[F_POWER_LEVEL], buf, off, 1, TRUE);
      break;
    case 0x12:
      iot_tree_add_item (pkt, tree, &btcommon_fields[F_CONN_INTERVAL_MIN], buf, off, 2, TRUE);
      iot_tree_add_item (pkt, tree, &btcommon_fields[F_CONN_INTERVAL_MAX], buf, off + 2, 2, TRUE);
      break;
    case 0x16:
      iot_tree_add_item (pkt, tree, &btcommon_fields[F_UUID16], buf, off, 2, TRUE);
      if (len > 2)
        iot_tree_add_item (pkt, tree, &btcommon_fields[F_SERVICE_DATA], buf, off + 2, len - 2, FALSE);
      break;
    case 0x19:
      iot_tree_add_item (pkt, tree, &btcommon_fields[F_APPEARANCE], buf, off, 2, TRUE);
      break;
    case 0x1a:
      iot_tree_add_item (pkt, tree, &btcommon_fields[F_ADV_INTERVAL], buf, off, 2, TRUE);
      break;
    case 0x28:
      {
        int node = iot_tree_add_item (pkt, tree, &btcommon_fields[F_LE_CHANNEL_MAP], buf, off, 5, FALSE);
        IotBuf map = iot_buf_sub (buf, off, 5);

        iot_packet_set_layer_value (pkt, &iot_dissector_btcommon, 1);
        iot_call_dissector (pkt, &iot_dissector_btcommon, &map, node);
        iot_tree_add_item (pkt, tree, &btcommon_fields[F_INSTANT], buf, off + 5, 2, TRUE);
      }
      break;
    case 0xff:
      iot_tree_add_item (pkt, tree, &btcommon_fields[F_COMPANY_ID], buf, off, 2, TRUE);
      if (len > 2)
        {
          int node = iot_tree_add_item (pkt, tree, &btcommon_fields[F_DATA], buf, off + 2, len - 2, FALSE);
          iot_expert_add_info (pkt, node, &btcommon_experts[E_UNDECODED], "Undecoded");
        }
      break;
    default:
      if (len > 0)
        iot_tree_add_item (pkt, tree, &btcommon_fields[F_DATA], buf, off, len, FALSE);
      break;
    }
}

/* The 5-byte map of data channels in CONNECT_IND and LL_CHANNEL_MAP_REQ;
 * the link layer asks for it by setting this layer's value to 1. */
static void
dissect_channel_map (IotPacket *pkt, IotBuf *buf, int parent, guint n_bits)
{
  for (guint ch = 0; ch < n_bits; ch++)
    iot_tree_add_item (pkt, parent, &btcommon_fields[F_CHANNEL_MAP_0 + ch], buf, ch / 8, 1, TRUE);
}

static int
dissect_btcommon (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint off = 0;
  int tree;

  /* 1: a channel map as CONNECT_IND and LL control PDUs carry it, shown
   * with its three reserved top bits; 2: the one in a SyncInfo, whose top
   * bits hold the sleep clock accuracy instead. */
  switch (iot_packet_layer_value (pkt, &iot_dissector_btcommon))
    {
    case 1:
      iot_packet_set_layer_value (pkt, &iot_dissector_btcommon, 0);
      dissect_channel_map (pkt, buf, parent, 40);
      return 5;
    case 2:
      iot_packet_set_layer_value (pkt, &iot_dissector_btcommon, 0);
      dissect_channel_map (pkt, buf, parent, 37);
      return 5;
    default:
      break;
    }
  tree = iot_tree_add_protocol (pkt, parent, &btcommon_fields[F_PROTO], buf, 0, -1);

  iot_tree_set_label (pkt, tree, "Advertising Data");
  while (off < buf->length)
    {
      guint len = iot_buf_u8 (buf, off), type;
      const char *name;
      int entry;

      if (len == 0)
        break;   /* the rest is padding */
      type = iot_buf_u8 (buf, off + 1);
      name = iot_value_name (ad_type_names, type);
      entry = iot_tree_add_text (pkt, tree, buf, off, len + 1, "%s", name ? name : "Unknown");
      iot_tree_add_item (pkt, entry, &btcommon_fields[F_ENTRY_LENGTH], buf, off, 1, TRUE);
      iot_tree_add_item (pkt, entry, &btcommon_fields[F_ENTRY_TYPE], buf, off + 1, 1, TRUE);
      iot_buf_check (buf, off + 1, len);
      dissect_entry (pkt, buf, off + 2, len - 1, type, entry);
      off += len + 1;
    }
  return buf->length;
}

IotDissector iot_dissector_btcommon = {
  .name = "BT Common",
  .abbrev = "btcommon",
  .long_name = "Bluetooth Common",
  .fields = btcommon_fields,
  .n_fields = N_FIELDS,
  .experts = btcommon_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_btcommon,
};
