/* bt-names.h — names the Bluetooth SIG assigns (UUIDs of services,
 * characteristics and descriptors, company identifiers), shared by the
 * Bluetooth Low Energy dissectors.  Only the entries a user of IoT
 * devices meets are listed; anything else shows as its number. */
#pragma once

#include "iot-dissector.h"

/* 16-bit UUIDs: GATT declarations, services, characteristics, descriptors. */
static const IotValueName bt_uuid16_names[] = {
  { 0x1800, "Generic Access" },
  { 0x1801, "Generic Attribute" },
  { 0x1802, "Immediate Alert" },
  { 0x1803, "Link Loss" },
  { 0x1804, "Tx Power" },
  { 0x1805, "Current Time" },
  { 0x1809, "Health Thermometer" },
  { 0x180a, "Device Information" },
  { 0x180d, "Heart Rate" },
  { 0x180f, "Battery" },
  { 0x1810, "Blood Pressure" },
  { 0x1812, "Human Interface Device" },
  { 0x1816, "Cycling Speed and Cadence" },
  { 0x181a, "Environmental Sensing" },
  { 0x181c, "User Data" },
  { 0x1826, "Fitness Machine" },
  { 0x2800, "Primary Service" },
  { 0x2801, "Secondary Service" },
  { 0x2802, "Include" },
  { 0x2803, "Characteristic" },
  { 0x2900, "Characteristic Extended Properties" },
  { 0x2901, "Characteristic User Description" },
  { 0x2902, "Client Characteristic Configuration" },
  { 0x2903, "Server Characteristic Configuration" },
  { 0x2904, "Characteristic Presentation Format" },
  { 0x290c, "Environmental Sensing Measurement" },
  { 0x2a00, "Device Name" },
  { 0x2a01, "Appearance" },
  { 0x2a04, "Peripheral Preferred Connection Parameters" },
  { 0x2a05, "Service Changed" },
  { 0x2a06, "Alert Level" },
  { 0x2a07, "Tx Power Level" },
  { 0x2a19, "Battery Level" },
  { 0x2a1c, "Temperature Measurement" },
  { 0x2a1d, "Temperature Type" },
  { 0x2a23, "System ID" },
  { 0x2a24, "Model Number String" },
  { 0x2a25, "Serial Number String" },
  { 0x2a26, "Firmware Revision String" },
  { 0x2a27, "Hardware Revision String" },
  { 0x2a28, "Software Revision String" },
  { 0x2a29, "Manufacturer Name String" },
  { 0x2a2b, "Current Time" },
  { 0x2a37, "Heart Rate Measurement" },
  { 0x2a38, "Body Sensor Location" },
  { 0x2a39, "Heart Rate Control Point" },
  { 0x2a50, "PnP ID" },
  { 0x2a6d, "Pressure" },
  { 0x2a6e, "Temperature" },
  { 0x2a6f, "Humidity" },
  { 0x2a76, "UV Index" },
  { 0x2a77, "Irradiance" },
  { 0xfeaa, "Google LLC" },
  IOT_VALUE_NAMES_END
};

/* Company identifiers (manufacturer data, LL_VERSION_IND). */
static const IotValueName bt_company_names[] = {
  { 0x0000, "Ericsson Technology Licensing" },
  { 0x0002, "Intel Corp." },
  { 0x0006, "Microsoft" },
  { 0x000a, "Qualcomm Technologies International, Ltd. (QTIL)" },
  { 0x000d, "Texas Instruments Inc." },
  { 0x000f, "Broadcom Corporation" },
  { 0x001d, "Qualcomm" },
  { 0x004c, "Apple, Inc." },
  { 0x0059, "Nordic Semiconductor ASA" },
  { 0x0075, "Samsung Electronics Co. Ltd." },
  { 0x0087, "Garmin International, Inc." },
  { 0x00e0, "Google" },
  { 0x0131, "Cypress Semiconductor" },
  { 0x02e5, "Espressif Incorporated" },
  { 0x038f, "Xiaomi Inc." },
  IOT_VALUE_NAMES_END
};

/* Names of 128-bit UUIDs that are not derived from the SIG base. */
static inline const char *
bt_uuid128_name (const guint8 uuid_be[16])
{
  static const struct { guint8 uuid[16]; const char *name; } known[] = {
    { { 0x6e, 0x40, 0x00, 0x01, 0xb5, 0xa3, 0xf3, 0x93, 0xe0, 0xa9, 0xe5, 0x0e, 0x24, 0xdc, 0xca, 0x9e },
      "Nordic UART Service" },
    { { 0x6e, 0x40, 0x00, 0x02, 0xb5, 0xa3, 0xf3, 0x93, 0xe0, 0xa9, 0xe5, 0x0e, 0x24, 0xdc, 0xca, 0x9e },
      "Nordic UART Rx" },
    { { 0x6e, 0x40, 0x00, 0x03, 0xb5, 0xa3, 0xf3, 0x93, 0xe0, 0xa9, 0xe5, 0x0e, 0x24, 0xdc, 0xca, 0x9e },
      "Nordic UART Tx" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (memcmp (known[i].uuid, uuid_be, 16) == 0)
      return known[i].name;
  return NULL;
}

/* A 128-bit UUID as text, from its little-endian wire form. */
static inline char *
bt_uuid128_format (IotPacket *pkt, const guint8 *le)
{
  guint8 be[16];
  for (guint i = 0; i < 16; i++)
    be[i] = le[15 - i];
  return iot_packet_strdup_printf (pkt,
    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
    be[0], be[1], be[2], be[3], be[4], be[5], be[6], be[7],
    be[8], be[9], be[10], be[11], be[12], be[13], be[14], be[15]);
}
