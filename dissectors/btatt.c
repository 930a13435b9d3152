/* btatt.c — the Attribute Protocol and GATT on top of it: how a phone
 * discovers a BLE device's services and characteristics, reads and writes
 * their values and receives notifications.
 *
 * Handles are only numbers; what a handle means is learnt from the
 * discovery responses earlier in the capture (a small GATT database, built
 * in the first pass), so a later read or notification can be named
 * ("Battery: Battery Level") and its value decoded. */
#include "iot-dissector.h"
#include "bt-radio.h"
#include "bt-names.h"

enum {
  F_PROTO,
  F_OPCODE,
  F_OPCODE_AUTH_SIG,
  F_OPCODE_COMMAND,
  F_OPCODE_METHOD,
  F_REQ_OPCODE_IN_ERROR,
  F_HANDLE,
  F_ERROR_CODE,
  F_CLIENT_MTU,
  F_SERVER_MTU,
  F_STARTING_HANDLE,
  F_ENDING_HANDLE,
  F_GROUP_END_HANDLE,
  F_UUID16,
  F_UUID128,
  F_UUID_FORMAT,
  F_INFORMATION_DATA,
  F_HANDLES_INFO,
  F_ATTRIBUTE_DATA,
  F_LENGTH,
  F_OFFSET,
  F_FLAGS,
  F_VALUE,
  F_PROPERTIES,
  F_PROP_EXT,
  F_PROP_SIGNED,
  F_PROP_INDICATE,
  F_PROP_NOTIFY,
  F_PROP_WRITE,
  F_PROP_WRITE_NR,
  F_PROP_READ,
  F_PROP_BROADCAST,
  F_CCC,
  F_CCC_RESERVED,
  F_CCC_INDICATION,
  F_CCC_NOTIFICATION,
  F_DEVICE_NAME,
  F_APPEARANCE,
  F_BATTERY_LEVEL,
  F_TEMPERATURE,
  F_HUMIDITY,
  F_PRESSURE,
  F_MANUFACTURER,
  F_MODEL,
  F_SERIAL,
  F_FIRMWARE,
  F_HARDWARE,
  F_SOFTWARE,
  F_HR_FLAGS,
  F_HR_VALUE8,
  F_HR_VALUE16,
  F_SIGNATURE,
  F_REQUEST_IN,
  F_RESPONSE_IN,
  F_SERVICE_UUID16,
  F_CHAR_UUID16,
  N_FIELDS
};

static const IotValueName opcode_names[] = {
  { 0x01, "Error Response" },
  { 0x02, "Exchange MTU Request" },
  { 0x03, "Exchange MTU Response" },
  { 0x04, "Find Information Request" },
  { 0x05, "Find Information Response" },
  { 0x06, "Find By Type Value Request" },
  { 0x07, "Find By Type Value Response" },
  { 0x08, "Read By Type Request" },
  { 0x09, "Read By Type Response" },
  { 0x0a, "Read Request" },
  { 0x0b, "Read Response" },
  { 0x0c, "Read Blob Request" },
  { 0x0d, "Read Blob Response" },
  { 0x0e, "Read Multiple Request" },
  { 0x0f, "Read Multiple Response" },
  { 0x10, "Read By Group Type Request" },
  { 0x11, "Read By Group Type Response" },
  { 0x12, "Write Request" },
  { 0x13, "Write Response" },
  { 0x16, "Prepare Write Request" },
  { 0x17, "Prepare Write Response" },
  { 0x18, "Execute Write Request" },
  { 0x19, "Execute Write Response" },
  { 0x1b, "Handle Value Notification" },
  { 0x1d, "Handle Value Indication" },
  { 0x1e, "Handle Value Confirmation" },
  { 0x20, "Read Multiple Variable Request" },
  { 0x21, "Read Multiple Variable Response" },
  { 0x23, "Multiple Handle Value Notification" },
  { 0x52, "Write Command" },
  { 0xd2, "Signed Write Command" },
  IOT_VALUE_NAMES_END
};

static const IotValueName error_names[] = {
  { 0x01, "Invalid Handle" },
  { 0x02, "Read Not Permitted" },
  { 0x03, "Write Not Permitted" },
  { 0x04, "Invalid PDU" },
  { 0x05, "Insufficient Authentication" },
  { 0x06, "Request Not Supported" },
  { 0x07, "Invalid Offset" },
  { 0x08, "Insufficient Authorization" },
  { 0x09, "Prepare Queue Full" },
  { 0x0a, "Attribute Not Found" },
  { 0x0b, "Attribute Not Long" },
  { 0x0c, "Insufficient Encryption Key Size" },
  { 0x0d, "Invalid Attribute Value Length" },
  { 0x0e, "Unlikely Error" },
  { 0x0f, "Insufficient Encryption" },
  { 0x10, "Unsupported Group Type" },
  { 0x11, "Insufficient Resources" },
  { 0x12, "Database Out of Sync" },
  { 0x13, "Value Not Allowed" },
  { 0xfd, "Client Characteristic Configuration Descriptor Improperly Configured" },
  { 0xfe, "Procedure Already in Progress" },
  { 0xff, "Out of Range" },
  IOT_VALUE_NAMES_END
};

static const IotValueName uuid_format_names[] = {
  { 0x01, "16-bit UUIDs" },
  { 0x02, "128-bit UUIDs" },
  IOT_VALUE_NAMES_END
};

static const IotValueName flags_names[] = {
  { 0x00, "Cancel All" },
  { 0x01, "Immediately Write All" },
  IOT_VALUE_NAMES_END
};

#define PROP(abbrev, name, mask, blurb) \
  { "btatt.characteristic_properties." abbrev, name, IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, mask, blurb, \
    "True", "False", 8 }
#define STRING(abbrev, name, text) { "btatt." abbrev, name, IOT_FT_STRING, .blurb = text }

static IotField btatt_fields[N_FIELDS] = {
  [F_PROTO] = { "btatt", "Bluetooth Attribute Protocol", IOT_FT_PROTOCOL, .blurb =
    "ATT: a BLE device is a table of attributes (numbered by handles) that a client reads, writes and "
    "subscribes to. GATT organises them into services and characteristics." },
  [F_OPCODE] = { "btatt.opcode", "Opcode", IOT_FT_UINT8, IOT_BASE_HEX, opcode_names, 0,
    "Which ATT operation this is: requests get responses, commands and notifications do not." },
  [F_OPCODE_AUTH_SIG] = { "btatt.opcode.authentication_signature", "Authentication Signature", IOT_FT_BOOLEAN,
    IOT_BASE_NONE, NULL, 0x80, "A 12-byte signature ends the PDU (signed write).", "True", "False", 8 },
  [F_OPCODE_COMMAND] = { "btatt.opcode.command", "Command", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x40,
    "A command: the server sends no response.", "True", "False", 8 },
  [F_OPCODE_METHOD] = { "btatt.opcode.method", "Method", IOT_FT_UINT8, IOT_BASE_HEX, opcode_names, 0x3f,
    "The operation without the command and signature bits." },
  [F_REQ_OPCODE_IN_ERROR] = { "btatt.req_opcode_in_error", "Request Opcode in Error", IOT_FT_UINT8, IOT_BASE_HEX,
    opcode_names, 0, "The request that failed." },
  [F_HANDLE] = { "btatt.handle", "Handle", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Number of an attribute in the server's table." },
  [F_ERROR_CODE] = { "btatt.error_code", "Error Code", IOT_FT_UINT8, IOT_BASE_HEX, error_names, 0,
    "Why the request failed. \"Attribute Not Found\" simply ends a discovery; \"Insufficient Authentication\" "
    "means the device wants pairing first." },
  [F_CLIENT_MTU] = { "btatt.client_rx_mtu", "Client Rx MTU", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Largest ATT message the client can receive (23 by default)." },
  [F_SERVER_MTU] = { "btatt.server_rx_mtu", "Server Rx MTU", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Largest ATT message the server can receive; both then use the smaller of the two." },
  [F_STARTING_HANDLE] = { "btatt.starting_handle", "Starting Handle", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "First handle of the range searched." },
  [F_ENDING_HANDLE] = { "btatt.ending_handle", "Ending Handle", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Last handle of the range searched." },
  [F_GROUP_END_HANDLE] = { "btatt.group_end_handle", "Group End Handle", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Last handle belonging to the service found." },
  [F_UUID16] = { "btatt.uuid16", "UUID", IOT_FT_UINT16, IOT_BASE_HEX, bt_uuid16_names, 0,
    "Type of an attribute by its 16-bit SIG number: 0x2800 service, 0x2803 characteristic, 0x2a19 Battery "
    "Level…" },
  [F_UUID128] = { "btatt.uuid128", "UUID", IOT_FT_BYTES, .blurb =
    "Type of an attribute by a full 128-bit UUID, used for vendor-defined services and characteristics." },
  [F_UUID_FORMAT] = { "btatt.uuid_format", "UUID Format", IOT_FT_UINT8, IOT_BASE_HEX, uuid_format_names, 0,
    "Whether the list holds 16-bit or 128-bit UUIDs." },
  [F_INFORMATION_DATA] = { "btatt.information_data", "Information Data", IOT_FT_NONE, .blurb =
    "One handle and its type." },
  [F_HANDLES_INFO] = { "btatt.handles_info", "Handles Info", IOT_FT_NONE, .blurb =
    "A service found by its UUID: where it starts and ends." },
  [F_ATTRIBUTE_DATA] = { "btatt.attribute_data", "Attribute Data", IOT_FT_NONE, .blurb =
    "One attribute found: its handle and value." },
  [F_LENGTH] = { "btatt.length", "Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Size of each entry in the list that follows." },
  [F_OFFSET] = { "btatt.offset", "Offset", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Where in a long value this part starts." },
  [F_FLAGS] = { "btatt.flags", "Flags", IOT_FT_UINT8, IOT_BASE_HEX, flags_names, 0,
    "Whether to write the queued parts now or throw them away." },
  [F_VALUE] = { "btatt.value", "Value", IOT_FT_BYTES, .blurb =
    "The attribute's value as bytes, when its meaning is not known." },
  [F_PROPERTIES] = { "btatt.characteristic_properties", "Characteristic Properties", IOT_FT_UINT8, IOT_BASE_HEX,
    NULL, 0, "What a client may do with the characteristic: read, write, subscribe…" },
  [F_PROP_EXT] = PROP ("extended_properties", "Extended Properties", 0x80, "More properties in a descriptor."),
  [F_PROP_SIGNED] = PROP ("authenticated_signed_writes", "Authenticated Signed Writes", 0x40,
    "Accepts signed writes."),
  [F_PROP_INDICATE] = PROP ("indicate", "Indicate", 0x20, "Can push acknowledged updates (indications)."),
  [F_PROP_NOTIFY] = PROP ("notify", "Notify", 0x10, "Can push updates without acknowledgement (notifications)."),
  [F_PROP_WRITE] = PROP ("write", "Write", 0x08, "Accepts writes with a response."),
  [F_PROP_WRITE_NR] = PROP ("write_without_response", "Write without Response", 0x04,
    "Accepts writes without a response (write commands)."),
  [F_PROP_READ] = PROP ("read", "Read", 0x02, "Can be read."),
  [F_PROP_BROADCAST] = PROP ("broadcast", "Broadcast", 0x01, "Can be put in advertisements."),
  [F_CCC] = { "btatt.characteristic_configuration_client", "Characteristic Configuration Client", IOT_FT_UINT16,
    IOT_BASE_HEX, NULL, 0,
    "The client subscribes (1 = notifications, 2 = indications) or unsubscribes (0) from a characteristic." },
  [F_CCC_RESERVED] = { "btatt.characteristic_configuration_client.reserved", "Reserved", IOT_FT_UINT16,
    IOT_BASE_HEX, NULL, 0xfffc, "Reserved bits." },
  [F_CCC_INDICATION] = { "btatt.characteristic_configuration_client.indication", "Indication", IOT_FT_BOOLEAN,
    IOT_BASE_NONE, NULL, 0x0002, "Send indications.", "True", "False", 16 },
  [F_CCC_NOTIFICATION] = { "btatt.characteristic_configuration_client.notification", "Notification",
    IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0001, "Send notifications.", "True", "False", 16 },
  [F_DEVICE_NAME] = STRING ("device_name", "Device Name", "The device's name (Generic Access service)."),
  [F_APPEARANCE] = { "btatt.appearance", "Appearance", IOT_FT_UINT16, IOT_BASE_DEC_HEX, NULL, 0,
    "What kind of device this is (thermometer, watch…)." },
  [F_BATTERY_LEVEL] = { "btatt.battery_level", "Battery Level", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Remaining battery charge in percent." },
  [F_TEMPERATURE] = { "btatt.temperature", "Temperature", IOT_FT_INT16, IOT_BASE_DEC, NULL, 0,
    "Temperature in hundredths of a degree Celsius (2215 = 22.15 °C)." },
  [F_HUMIDITY] = { "btatt.humidity", "Humidity", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Relative humidity in hundredths of a percent." },
  [F_PRESSURE] = { "btatt.pressure", "Pressure", IOT_FT_UINT32, IOT_BASE_HEX, NULL, 0,
    "Air pressure in tenths of a pascal." },
  [F_MANUFACTURER] = STRING ("manufacturer_string", "Manufacturer String", "Who made the device."),
  [F_MODEL] = STRING ("model_number_string", "Model Number String", "The device's model."),
  [F_SERIAL] = STRING ("serial_number_string", "Serial Number String", "The device's serial number."),
  [F_FIRMWARE] = STRING ("firmware_revision_string", "Firmware Revision String",
    "Firmware version: check it against known vulnerabilities."),
  [F_HARDWARE] = STRING ("hardware_revision_string", "Hardware Revision String", "Hardware revision."),
  [F_SOFTWARE] = STRING ("software_revision_string", "Software Revision String", "Software version."),
  [F_HR_FLAGS] = { "btatt.heart_rate_measurement.flags", "Flags", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "Which parts the heart rate measurement holds; bit 0 says whether the rate is 8 or 16 bits." },
  [F_HR_VALUE8] = { "btatt.heart_rate_measurement.value.8", "Value", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Heart rate in beats per minute." },
  [F_HR_VALUE16] = { "btatt.heart_rate_measurement.value.16", "Value", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Heart rate in beats per minute." },
  [F_SIGNATURE] = { "btatt.signature", "Signature", IOT_FT_BYTES, .blurb =
    "Counter and MAC that authenticate a signed write." },
  [F_REQUEST_IN] = { "btatt.request_in_frame", "Request in Frame", IOT_FT_FRAMENUM, .blurb =
    "The request this response answers." },
  [F_RESPONSE_IN] = { "btatt.response_in_frame", "Response in Frame", IOT_FT_FRAMENUM, .blurb =
    "The response to this request." },
  [F_SERVICE_UUID16] = { "btatt.service_uuid16", "Service UUID", IOT_FT_UINT16, IOT_BASE_HEX, bt_uuid16_names, 0,
    "The service the handle belongs to, from the discovery seen earlier." },
  [F_CHAR_UUID16] = { "btatt.characteristic_uuid16", "Characteristic UUID", IOT_FT_UINT16, IOT_BASE_HEX,
    bt_uuid16_names, 0, "The characteristic the handle belongs to, from the discovery seen earlier." },
};

/* ---- the GATT database and request/response pairs ---------------------------- */

typedef struct {
  guint16 uuid;          /* 16-bit type of the attribute (0 when 128-bit) */
  guint16 service_uuid;  /* service it lies in, 0 if unknown */
  guint16 char_uuid;     /* characteristic whose value or descriptor it is */
} GattAttribute;

typedef struct {
  guint8  opcode;
  guint16 handle;
  guint16 uuid;          /* requested type (Read By Type / Group Type) */
  guint8  n_handles;     /* Read Multiple: the handles asked for */
  guint16 handles[8];
  guint32 frame;
  guint32 answered_by;
} AttRequest;

typedef struct {
  GHashTable *attributes;   /* handle → GattAttribute */
  GArray     *services;     /* GattService, in discovery order */
  GHashTable *requests;     /* frame of a request → AttRequest */
  GHashTable *responses;    /* frame of a response → AttRequest (shared) */
  AttRequest *pending;
  AttRequest *pending_indication;
  GHashTable *undescribed;  /* frame << 16 | handle → characteristic + 0x10000, as the first pass knew it */
} BtattState;

typedef struct {
  guint16 start, end, uuid;
} GattService;

extern IotDissector iot_dissector_btatt;

static gpointer
btatt_state_new (void)
{
  BtattState *state = g_new0 (BtattState, 1);
  state->attributes = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  state->services = g_array_new (FALSE, FALSE, sizeof (GattService));
  state->requests = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  state->responses = g_hash_table_new (g_direct_hash, g_direct_equal);
  state->undescribed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  return state;
}

static void
btatt_state_free (gpointer data)
{
  BtattState *state = data;
  g_hash_table_destroy (state->attributes);
  g_array_free (state->services, TRUE);
  g_hash_table_destroy (state->responses);
  g_hash_table_destroy (state->requests);
  g_hash_table_destroy (state->undescribed);
  g_free (state);
}

/* The service a handle lies in: the nearest service declaration at or
 * below it.  The end of the group is not checked, so a handle past the
 * last service found still gets a (best) guess. */
static guint16
service_of (BtattState *state, guint16 handle)
{
  GattService *below = NULL;

  for (guint i = 0; i < state->services->len; i++)
    {
      GattService *s = &g_array_index (state->services, GattService, i);
      if (s->start <= handle && (!below || s->start > below->start))
        below = s;
    }
  return below ? below->uuid : 0;
}

static void
learn (IotPacket *pkt, BtattState *state, guint16 handle, guint16 uuid, guint16 char_uuid)
{
  GattAttribute *a;

  if (!iot_packet_first_pass (pkt))
    return;
  a = g_hash_table_lookup (state->attributes, GUINT_TO_POINTER (handle));
  if (!a)
    {
      a = g_new0 (GattAttribute, 1);
      g_hash_table_insert (state->attributes, GUINT_TO_POINTER (handle), a);
    }
  if (uuid)
    a->uuid = uuid;
  if (char_uuid)
    a->char_uuid = char_uuid;
}

/* A service declaration: the handle is known by the service's UUID. */
static void
learn_service (IotPacket *pkt, BtattState *state, guint16 start, guint16 end, guint16 uuid)
{
  GattService s = { start, end, uuid };

  if (!iot_packet_first_pass (pkt))
    return;
  for (guint i = 0; i < state->services->len; i++)
    if (g_array_index (state->services, GattService, i).start == start)
      return;
  g_array_append_val (state->services, s);
  learn (pkt, state, start, uuid, 0);
}

static gboolean
is_service_start (BtattState *state, guint16 handle)
{
  for (guint i = 0; i < state->services->len; i++)
    if (g_array_index (state->services, GattService, i).start == handle)
      return TRUE;
  return FALSE;
}

/* The characteristic a handle belongs to: the value it is, or for a
 * descriptor the nearest characteristic value below it in the service. */
static guint16
characteristic_of (BtattState *state, guint16 handle)
{
  for (guint h = handle; h > 0; h--)
    {
      GattAttribute *a = g_hash_table_lookup (state->attributes, GUINT_TO_POINTER (h));
      if (is_service_start (state, h))
        return 0;
      if (a && a->char_uuid)
        return a->char_uuid;
    }
  return 0;
}

static guint16
uuid_of (BtattState *state, guint16 handle)
{
  GattAttribute *a = g_hash_table_lookup (state->attributes, GUINT_TO_POINTER (handle));
  return a ? a->uuid : 0;
}

static const char *
uuid_name (guint16 uuid)
{
  const char *name = uuid ? iot_value_name (bt_uuid16_names, uuid) : NULL;
  return name ? name : "Unknown";
}

/* The characteristic an attribute never described lies in (a CCCD written
 * without a Find Information first), as far as the discovery had gone when
 * the frame came: a later discovery does not change what an earlier frame
 * showed. */
static guint16
undescribed_characteristic (IotPacket *pkt, BtattState *state, guint16 handle)
{
  gint64 key = ((gint64) iot_packet_frame_number (pkt) << 16) | handle;

  if (iot_packet_first_pass (pkt) && !g_hash_table_contains (state->undescribed, &key))
    g_hash_table_insert (state->undescribed, g_memdup2 (&key, sizeof key),
                         GUINT_TO_POINTER (characteristic_of (state, handle) | 0x10000u));
  return GPOINTER_TO_UINT (g_hash_table_lookup (state->undescribed, &key)) & 0xffff;
}

typedef struct {
  guint16 service, characteristic, uuid;
} HandleMeaning;

static HandleMeaning
meaning_of (BtattState *state, guint16 handle)
{
  HandleMeaning m;

  m.uuid = uuid_of (state, handle);
  m.service = service_of (state, handle);
  /* An attribute never described is not guessed into a characteristic. */
  m.characteristic = m.uuid ? characteristic_of (state, handle) : 0;
  return m;
}

/* "Battery: Battery Level", "Environmental Sensing: Temperature: Client
 * Characteristic Configuration", or only the service for its declaration. */
static char *
describe_handle (IotPacket *pkt, BtattState *state, guint16 handle)
{
  HandleMeaning m = meaning_of (state, handle);
  /* A descriptor never described still names the characteristic it lies
   * in, once its service is known. */
  guint16 characteristic = m.uuid ? m.characteristic : undescribed_characteristic (pkt, state, handle);

  if (m.service == m.uuid)
    return iot_packet_strdup_printf (pkt, "%s", uuid_name (m.uuid));
  if (characteristic == m.uuid || !characteristic)
    return iot_packet_strdup_printf (pkt, "%s: %s", uuid_name (m.service), uuid_name (m.uuid));
  return iot_packet_strdup_printf (pkt, "%s: %s: %s", uuid_name (m.service), uuid_name (characteristic),
                                   uuid_name (m.uuid));
}

/* What the database says about a handle, as generated fields under it. */
static void
add_handle_meaning (IotPacket *pkt, int node, BtattState *state, guint16 handle)
{
  HandleMeaning m = meaning_of (state, handle);
  /* An attribute never described still lies in the characteristic below
   * it (a CCCD written without a Find Information first): the field says
   * so, while the description does not guess. */
  guint16 characteristic = m.uuid ? m.characteristic : undescribed_characteristic (pkt, state, handle);
  int item;

  iot_tree_append_label (pkt, node, " (%s)", describe_handle (pkt, state, handle));
  if (m.service && m.service != m.uuid)
    {
      item = iot_tree_add_uint (pkt, node, &btatt_fields[F_SERVICE_UUID16], NULL, 0, 0, m.service);
      iot_tree_set_generated (pkt, item);
    }
  if (characteristic && characteristic != m.uuid)
    {
      item = iot_tree_add_uint (pkt, node, &btatt_fields[F_CHAR_UUID16], NULL, 0, 0, characteristic);
      iot_tree_set_generated (pkt, item);
    }
  if (m.uuid)
    {
      item = iot_tree_add_uint (pkt, node, &btatt_fields[F_UUID16], NULL, 0, 0, m.uuid);
      iot_tree_set_generated (pkt, item);
    }
}

/* The PDU's record for the ATT tap (the last one queued), NULL: nobody
 * asked. */
static IotTapAtt *
tap_record (IotPacket *pkt)
{
  guint n;
  gconstpointer const *records;

  if (!iot_tap_wanted (pkt, IOT_TAP_ATT))
    return NULL;
  records = iot_packet_tap_records (pkt, IOT_TAP_ATT, &n);
  return n > 0 && !((const IotTapAtt *) records[n - 1])->smp ? (IotTapAtt *) records[n - 1] : NULL;
}

static void
tap_handle (IotPacket *pkt, guint16 handle)
{
  IotTapAtt *rec = tap_record (pkt);

  if (rec != NULL)
    rec->handle = handle;
}

/* A notification's value for the tap, as its row's field formats it:
 * made once, only when asked for. */
static void
tap_value (IotPacket *pkt, int field, const IotBuf *buf, guint off, guint len)
{
  IotTapAtt *rec = tap_record (pkt);

  if (rec == NULL || rec->opcode != 0x1b || rec->value != NULL)
    return;
  rec->value = iot_packet_field_text (pkt, &btatt_fields[field], buf, off, len, TRUE);
}

static int
add_handle (IotPacket *pkt, int tree, BtattState *state, int field, const IotBuf *buf, guint off)
{
  guint16 handle = iot_buf_u16le (buf, off);
  int node = iot_tree_add_item (pkt, tree, &btatt_fields[field], buf, off, 2, TRUE);

  if (field == F_HANDLE)
    tap_handle (pkt, handle);

  add_handle_meaning (pkt, node, state, handle);
  return node;
}

/* ---- values ------------------------------------------------------------------ */

static void
add_value (IotPacket *pkt, int tree, BtattState *state, const IotBuf *buf, guint off, guint16 handle)
{
  guint16 uuid = uuid_of (state, handle);
  guint len = iot_buf_remaining (buf, off);
  int field = -1, node;

  if (len == 0)
    return;
  if (uuid == 0x2902 && len >= 2)
    {
      node = iot_tree_add_item (pkt, tree, &btatt_fields[F_CCC], buf, off, 2, TRUE);
      for (int f = F_CCC_RESERVED; f <= F_CCC_NOTIFICATION; f++)
        iot_tree_add_item (pkt, node, &btatt_fields[f], buf, off, 2, TRUE);
      return;
    }
  switch (uuid)
    {
    case 0x2a00: field = F_DEVICE_NAME; break;
    case 0x2a24: field = F_MODEL; break;
    case 0x2a25: field = F_SERIAL; break;
    case 0x2a26: field = F_FIRMWARE; break;
    case 0x2a27: field = F_HARDWARE; break;
    case 0x2a28: field = F_SOFTWARE; break;
    case 0x2a29: field = F_MANUFACTURER; break;
    default: break;
    }
  if (field >= 0)
    {
      iot_tree_add_string (pkt, tree, &btatt_fields[field], buf, off, len,
                           (const char *) iot_buf_ptr (buf, off, len), len);
      return;
    }
  switch (uuid)
    {
    case 0x2a01:
      iot_tree_add_item (pkt, tree, &btatt_fields[F_APPEARANCE], buf, off, 2, TRUE);
      return;
    case 0x2a19:
      node = iot_tree_add_item (pkt, tree, &btatt_fields[F_BATTERY_LEVEL], buf, off, 1, TRUE);
      iot_tree_append_label (pkt, node, "%%");
      tap_value (pkt, F_BATTERY_LEVEL, buf, off, 1);
      return;
    case 0x2a6e:
      node = iot_tree_add_item (pkt, tree, &btatt_fields[F_TEMPERATURE], buf, off, 2, TRUE);
      iot_tree_set_label (pkt, node, "Temperature: %.2f °C", (gint16) iot_buf_u16le (buf, off) / 100.0);
      tap_value (pkt, F_TEMPERATURE, buf, off, 2);
      return;
    case 0x2a6f:
      node = iot_tree_add_item (pkt, tree, &btatt_fields[F_HUMIDITY], buf, off, 2, TRUE);
      iot_tree_set_label (pkt, node, "Humidity: %.2f %%", iot_buf_u16le (buf, off) / 100.0);
      tap_value (pkt, F_HUMIDITY, buf, off, 2);
      return;
    case 0x2a6d:
      iot_tree_add_item (pkt, tree, &btatt_fields[F_PRESSURE], buf, off, 4, TRUE);
      tap_value (pkt, F_PRESSURE, buf, off, 4);
      return;
    case 0x2a37:
      iot_tree_add_item (pkt, tree, &btatt_fields[F_HR_FLAGS], buf, off, 1, TRUE);
      if (iot_buf_u8 (buf, off) & 0x01)
        {
          iot_tree_add_item (pkt, tree, &btatt_fields[F_HR_VALUE16], buf, off + 1, 2, TRUE);
          tap_value (pkt, F_HR_VALUE16, buf, off + 1, 2);
        }
      else
        {
          iot_tree_add_item (pkt, tree, &btatt_fields[F_HR_VALUE8], buf, off + 1, 1, TRUE);
          tap_value (pkt, F_HR_VALUE8, buf, off + 1, 1);
        }
      return;
    default:
      iot_tree_add_item (pkt, tree, &btatt_fields[F_VALUE], buf, off, len, FALSE);
      tap_value (pkt, F_VALUE, buf, off, len);
      return;
    }
}

/* A value that says what a characteristic measures now (a notification,
 * an indication or a read response) is a reading, where the
 * characteristic's format is a standard one: the GATT discovery earlier
 * in the capture named it. */
static void
publish_reading (IotPacket *pkt, BtattState *state, const IotBuf *buf, guint off, guint16 handle)
{
  guint16 uuid = uuid_of (state, handle);
  IotReading reading = { 0 };
  guint len = iot_buf_remaining (buf, off);

  if (!iot_packet_wants_readings (pkt))
    return;
  switch (uuid)
    {
    case 0x2a19:   /* Battery Level: uint8, percent */
      if (len < 1)
        return;
      reading.value = iot_buf_u8 (buf, off);
      reading.unit = "%";
      break;
    case 0x2a6e:   /* Temperature: sint16, 0.01 degrees Celsius */
      if (len < 2)
        return;
      reading.value = (gint16) iot_buf_u16le (buf, off) / 100.0;
      reading.unit = "Cel";
      break;
    case 0x2a6f:   /* Humidity: uint16, 0.01 percent */
      if (len < 2)
        return;
      reading.value = iot_buf_u16le (buf, off) / 100.0;
      reading.unit = "%RH";
      break;
    case 0x2a6d:   /* Pressure: uint32, 0.1 pascal */
      if (len < 4)
        return;
      reading.value = iot_buf_u32le (buf, off) / 10.0;
      reading.unit = "Pa";
      break;
    case 0x2a37:   /* Heart Rate Measurement: flags, then uint8 or uint16 bpm */
      if (len < 2 || ((iot_buf_u8 (buf, off) & 0x01) && len < 3))
        return;
      reading.value = iot_buf_u8 (buf, off) & 0x01 ? iot_buf_u16le (buf, off + 1) : iot_buf_u8 (buf, off + 1);
      reading.unit = "bpm";
      break;
    default:
      return;
    }
  reading.device = iot_packet_reading_device (pkt);
  reading.series = iot_packet_strdup_printf (pkt, "Handle 0x%04x", handle);
  reading.name = uuid_name (uuid);
  iot_packet_add_reading (pkt, &reading);
}

static void
add_generated_handle (IotPacket *pkt, int tree, BtattState *state, guint16 handle)
{
  int node = iot_tree_add_uint (pkt, tree, &btatt_fields[F_HANDLE], NULL, 0, 0, handle);

  tap_handle (pkt, handle);
  iot_tree_set_generated (pkt, node);
  add_handle_meaning (pkt, node, state, handle);
}

/* ---- request / response pairing -------------------------------------------------- */

static gboolean
is_request (guint opcode)
{
  return opcode != 0x01 && opcode <= 0x20 && (opcode & 1) == 0 && opcode != 0x1e;
}

static AttRequest *
pair_request (IotPacket *pkt, BtattState *state, guint opcode, guint16 handle, guint16 uuid)
{
  guint32 frame = iot_packet_frame_number (pkt);
  AttRequest *req;

  if (iot_packet_first_pass (pkt))
    {
      if (is_request (opcode) || opcode == 0x1d)
        {
          req = g_new0 (AttRequest, 1);
          req->opcode = opcode;
          req->handle = handle;
          req->uuid = uuid;
          req->frame = frame;
          g_hash_table_insert (state->requests, GUINT_TO_POINTER (frame), req);
          if (opcode == 0x1d)
            state->pending_indication = req;
          else
            state->pending = req;
        }
      else
        {
          AttRequest **slot = opcode == 0x1e ? &state->pending_indication : &state->pending;
          gboolean answers = *slot && (opcode == 0x01 || opcode == 0x1e || opcode == (guint) (*slot)->opcode + 1);
          if (answers)
            {
              (*slot)->answered_by = frame;
              g_hash_table_insert (state->responses, GUINT_TO_POINTER (frame), *slot);
              *slot = NULL;
            }
        }
    }
  req = g_hash_table_lookup (state->requests, GUINT_TO_POINTER (frame));
  return req ? req : g_hash_table_lookup (state->responses, GUINT_TO_POINTER (frame));
}

/* ---- the PDUs ----------------------------------------------------------------------- */

static void
info_handle (IotPacket *pkt, BtattState *state, guint16 handle)
{
  iot_col_append_info (pkt, ", Handle: 0x%04x (%s)", handle, describe_handle (pkt, state, handle));
}

static void
dissect_read_by_group_type_response (IotPacket *pkt, const IotBuf *buf, int tree, BtattState *state,
                                     AttRequest *req)
{
  guint len = iot_buf_u8 (buf, 1), count = 0;

  iot_tree_add_item (pkt, tree, &btatt_fields[F_LENGTH], buf, 1, 1, TRUE);
  if (len < 6)
    iot_malformed (pkt, "attribute data shorter than 6 bytes");
  count = (buf->length - 2) / len;
  iot_col_append_info (pkt, ", Attribute List Length: %u", count);
  for (guint off = 2; off + len <= buf->length; off += len)
    {
      guint16 start = iot_buf_u16le (buf, off), end = iot_buf_u16le (buf, off + 2);
      int item = iot_tree_add_item (pkt, tree, &btatt_fields[F_ATTRIBUTE_DATA], buf, off, len, TRUE);

      if (len == 6 && req && (req->uuid == 0x2800 || req->uuid == 0x2801))
        learn_service (pkt, state, start, end, iot_buf_u16le (buf, off + 4));
      add_handle (pkt, item, state, F_HANDLE, buf, off);
      iot_tree_add_item (pkt, item, &btatt_fields[F_GROUP_END_HANDLE], buf, off + 2, 2, TRUE);
      if (len == 6)
        {
          guint16 uuid = iot_buf_u16le (buf, off + 4);
          iot_tree_add_item (pkt, item, &btatt_fields[F_UUID16], buf, off + 4, 2, TRUE);
          iot_col_append_info (pkt, ", %s", uuid_name (uuid));
        }
      else if (len == 20)
        iot_tree_add_item (pkt, item, &btatt_fields[F_UUID128], buf, off + 4, 16, FALSE);
      else
        iot_tree_add_item (pkt, item, &btatt_fields[F_VALUE], buf, off + 4, len - 4, FALSE);
    }
}

static void
dissect_read_by_type_response (IotPacket *pkt, const IotBuf *buf, int tree, BtattState *state, AttRequest *req)
{
  guint len = iot_buf_u8 (buf, 1), count;

  iot_tree_add_item (pkt, tree, &btatt_fields[F_LENGTH], buf, 1, 1, TRUE);
  if (len < 2)
    iot_malformed (pkt, "attribute data shorter than 2 bytes");
  count = (buf->length - 2) / len;
  iot_col_append_info (pkt, ", Attribute List Length: %u", count);
  for (guint off = 2; off + len <= buf->length; off += len)
    {
      guint16 handle = iot_buf_u16le (buf, off);
      int item = iot_tree_add_item (pkt, tree, &btatt_fields[F_ATTRIBUTE_DATA], buf, off, len, TRUE);
      IotBuf value = iot_buf_sub (buf, off + 2, len - 2);

      if (req && req->uuid == 0x2803 && (len == 7 || len == 21))
        {
          guint16 value_handle = iot_buf_u16le (buf, off + 3);
          guint16 uuid = len == 7 ? iot_buf_u16le (buf, off + 5) : 0;
          int props;

          learn (pkt, state, handle, 0x2803, 0);
          learn (pkt, state, value_handle, uuid, uuid);
          add_handle (pkt, item, state, F_HANDLE, buf, off);
          props = iot_tree_add_item (pkt, item, &btatt_fields[F_PROPERTIES], buf, off + 2, 1, TRUE);
          for (int f = F_PROP_EXT; f <= F_PROP_BROADCAST; f++)
            iot_tree_add_item (pkt, props, &btatt_fields[f], buf, off + 2, 1, TRUE);
          add_handle (pkt, item, state, F_HANDLE, buf, off + 3);
          if (len == 7)
            {
              iot_tree_add_item (pkt, item, &btatt_fields[F_UUID16], buf, off + 5, 2, TRUE);
              iot_col_append_info (pkt, ", %s", uuid_name (uuid));
            }
          else
            iot_tree_add_item (pkt, item, &btatt_fields[F_UUID128], buf, off + 5, 16, FALSE);
          continue;
        }
      if (req && req->uuid)
        learn (pkt, state, handle, req->uuid, 0);
      add_handle (pkt, item, state, F_HANDLE, buf, off);
      add_value (pkt, item, state, &value, 0, handle);
    }
}

static void
dissect_find_information_response (IotPacket *pkt, const IotBuf *buf, int tree, BtattState *state)
{
  guint format = iot_buf_u8 (buf, 1), step = format == 1 ? 4 : 18;

  iot_tree_add_item (pkt, tree, &btatt_fields[F_UUID_FORMAT], buf, 1, 1, TRUE);
  for (guint off = 2; off + step <= buf->length; off += step)
    {
      guint16 handle = iot_buf_u16le (buf, off);
      int item = iot_tree_add_item (pkt, tree, &btatt_fields[F_INFORMATION_DATA], buf, off, step, TRUE);

      if (format == 1)
        learn (pkt, state, handle, iot_buf_u16le (buf, off + 2), 0);
      add_handle (pkt, item, state, F_HANDLE, buf, off);
      if (off == 2)
        info_handle (pkt, state, handle);
      if (format == 1)
        iot_tree_add_item (pkt, item, &btatt_fields[F_UUID16], buf, off + 2, 2, TRUE);
      else
        iot_tree_add_item (pkt, item, &btatt_fields[F_UUID128], buf, off + 2, 16, FALSE);
    }
}

/* Fixed sizes of the values this decoder knows; 0 = unknown or variable. */
static guint
value_size (guint16 uuid)
{
  switch (uuid)
    {
    case 0x2a19: return 1;
    case 0x2a01: case 0x2a6e: case 0x2a6f: case 0x2902: return 2;
    case 0x2a6d: return 4;
    default: return 0;
    }
}

/* The values come back to back; where each ends is known only from the
 * request's handles and what their characteristics are. */
static void
dissect_read_multiple_response (IotPacket *pkt, const IotBuf *buf, int tree, BtattState *state, AttRequest *req)
{
  guint off = 1;

  if (!req || req->frame == iot_packet_frame_number (pkt))
    {
      iot_tree_add_item (pkt, tree, &btatt_fields[F_VALUE], buf, 1, iot_buf_remaining (buf, 1), FALSE);
      return;
    }
  for (guint i = 0; i < req->n_handles && off < buf->length; i++)
    {
      guint size = value_size (uuid_of (state, req->handles[i]));
      IotBuf value;

      if (size == 0 || i + 1 == req->n_handles)
        size = buf->length - off;
      add_generated_handle (pkt, tree, state, req->handles[i]);
      value = iot_buf_sub (buf, off, MIN (size, buf->length - off));
      add_value (pkt, tree, state, &value, 0, req->handles[i]);
      off += size;
    }
}

static void
add_range (IotPacket *pkt, int tree, const IotBuf *buf, guint off)
{
  iot_tree_add_item (pkt, tree, &btatt_fields[F_STARTING_HANDLE], buf, off, 2, TRUE);
  iot_tree_add_item (pkt, tree, &btatt_fields[F_ENDING_HANDLE], buf, off + 2, 2, TRUE);
}

static void
add_uuid_field (IotPacket *pkt, int tree, const IotBuf *buf, guint off, guint len)
{
  if (len == 2)
    iot_tree_add_item (pkt, tree, &btatt_fields[F_UUID16], buf, off, 2, TRUE);
  else if (len == 16)
    iot_tree_add_item (pkt, tree, &btatt_fields[F_UUID128], buf, off, 16, FALSE);
}

static void
dissect_pdu (IotPacket *pkt, const IotBuf *buf, int tree, BtattState *state, guint opcode, AttRequest *req)
{
  guint16 handle;
  int node;

  switch (opcode)
    {
    case 0x01:
      node = iot_tree_add_item (pkt, tree, &btatt_fields[F_REQ_OPCODE_IN_ERROR], buf, 1, 1, TRUE);
      for (int f = F_OPCODE_AUTH_SIG; f <= F_OPCODE_METHOD; f++)
        iot_tree_add_item (pkt, node, &btatt_fields[f], buf, 1, 1, TRUE);
      add_handle (pkt, tree, state, F_HANDLE, buf, 2);
      iot_tree_add_item (pkt, tree, &btatt_fields[F_ERROR_CODE], buf, 4, 1, TRUE);
      iot_col_append_info (pkt, " - %s", iot_value_name (error_names, iot_buf_u8 (buf, 4)) ?: "Unknown");
      info_handle (pkt, state, iot_buf_u16le (buf, 2));
      break;
    case 0x02:
      iot_tree_add_item (pkt, tree, &btatt_fields[F_CLIENT_MTU], buf, 1, 2, TRUE);
      iot_col_append_info (pkt, ", Client Rx MTU: %u", iot_buf_u16le (buf, 1));
      break;
    case 0x03:
      iot_tree_add_item (pkt, tree, &btatt_fields[F_SERVER_MTU], buf, 1, 2, TRUE);
      iot_col_append_info (pkt, ", Server Rx MTU: %u", iot_buf_u16le (buf, 1));
      break;
    case 0x04:
      add_range (pkt, tree, buf, 1);
      iot_col_append_info (pkt, ", Handles: 0x%04x..0x%04x", iot_buf_u16le (buf, 1), iot_buf_u16le (buf, 3));
      break;
    case 0x05:
      dissect_find_information_response (pkt, buf, tree, state);
      break;
    case 0x06:
      add_range (pkt, tree, buf, 1);
      iot_tree_add_item (pkt, tree, &btatt_fields[F_UUID16], buf, 5, 2, TRUE);
      iot_tree_add_item (pkt, tree, &btatt_fields[F_VALUE], buf, 7, iot_buf_remaining (buf, 7), FALSE);
      iot_col_append_info (pkt, ", %s, Handles: 0x%04x..0x%04x", uuid_name (iot_buf_u16le (buf, 5)),
                           iot_buf_u16le (buf, 1), iot_buf_u16le (buf, 3));
      break;
    case 0x07:
      for (guint off = 1; off + 4 <= buf->length; off += 4)
        {
          int item = iot_tree_add_item (pkt, tree, &btatt_fields[F_HANDLES_INFO], buf, off, 4, TRUE);
          add_handle (pkt, item, state, F_HANDLE, buf, off);
          iot_tree_add_item (pkt, item, &btatt_fields[F_GROUP_END_HANDLE], buf, off + 2, 2, TRUE);
        }
      break;
    case 0x08:
    case 0x10:
      add_range (pkt, tree, buf, 1);
      add_uuid_field (pkt, tree, buf, 5, iot_buf_remaining (buf, 5));
      if (iot_buf_remaining (buf, 5) == 2)
        iot_col_append_info (pkt, ", %s", uuid_name (iot_buf_u16le (buf, 5)));
      iot_col_append_info (pkt, ", Handles: 0x%04x..0x%04x", iot_buf_u16le (buf, 1), iot_buf_u16le (buf, 3));
      break;
    case 0x09:
      dissect_read_by_type_response (pkt, buf, tree, state, req);
      break;
    case 0x0a:
    case 0x0c:
      handle = iot_buf_u16le (buf, 1);
      add_handle (pkt, tree, state, F_HANDLE, buf, 1);
      info_handle (pkt, state, handle);
      if (opcode == 0x0c)
        {
          iot_tree_add_item (pkt, tree, &btatt_fields[F_OFFSET], buf, 3, 2, TRUE);
          iot_col_append_info (pkt, ", Offset: %u", iot_buf_u16le (buf, 3));
        }
      break;
    case 0x0b:
    case 0x0d:
      if (req && req->frame != iot_packet_frame_number (pkt))
        {
          add_generated_handle (pkt, tree, state, req->handle);
          info_handle (pkt, state, req->handle);
          /* A blob is a slice of a long value: shown as bytes. */
          if (opcode == 0x0b)
            {
              add_value (pkt, tree, state, buf, 1, req->handle);
              publish_reading (pkt, state, buf, 1, req->handle);
            }
          else
            iot_tree_add_item (pkt, tree, &btatt_fields[F_VALUE], buf, 1, iot_buf_remaining (buf, 1), FALSE);
        }
      else
        iot_tree_add_item (pkt, tree, &btatt_fields[F_VALUE], buf, 1, iot_buf_remaining (buf, 1), FALSE);
      break;
    case 0x0e:
      iot_col_append_info (pkt, ", Handles: ");
      for (guint off = 1; off + 2 <= buf->length; off += 2)
        {
          add_handle (pkt, tree, state, F_HANDLE, buf, off);
          iot_col_append_info (pkt, "0x%04x ", iot_buf_u16le (buf, off));
        }
      break;
    case 0x0f:
      dissect_read_multiple_response (pkt, buf, tree, state, req);
      break;
    case 0x11:
      dissect_read_by_group_type_response (pkt, buf, tree, state, req);
      break;
    case 0x12:
    case 0x52:
    case 0xd2:
      handle = iot_buf_u16le (buf, 1);
      add_handle (pkt, tree, state, F_HANDLE, buf, 1);
      info_handle (pkt, state, handle);
      if (opcode == 0xd2)
        {
          IotBuf value = iot_buf_sub (buf, 0, buf->length >= 12 ? (gint) buf->length - 12 : 0);
          add_value (pkt, tree, state, &value, 3, handle);
          iot_tree_add_item (pkt, tree, &btatt_fields[F_SIGNATURE], buf, buf->length - 12, 12, FALSE);
        }
      else
        add_value (pkt, tree, state, buf, 3, handle);
      break;
    case 0x13:
      if (req && req->frame != iot_packet_frame_number (pkt))
        {
          add_generated_handle (pkt, tree, state, req->handle);
          info_handle (pkt, state, req->handle);
        }
      break;
    case 0x16:
    case 0x17:
      handle = iot_buf_u16le (buf, 1);
      add_handle (pkt, tree, state, F_HANDLE, buf, 1);
      iot_tree_add_item (pkt, tree, &btatt_fields[F_OFFSET], buf, 3, 2, TRUE);
      info_handle (pkt, state, handle);
      iot_col_append_info (pkt, ", Offset: %u", iot_buf_u16le (buf, 3));
      iot_tree_add_item (pkt, tree, &btatt_fields[F_VALUE], buf, 5, iot_buf_remaining (buf, 5), FALSE);
      break;
    case 0x18:
      iot_tree_add_item (pkt, tree, &btatt_fields[F_FLAGS], buf, 1, 1, TRUE);
      iot_col_append_info (pkt, ", %s", iot_value_name (flags_names, iot_buf_u8 (buf, 1)) ?: "Reserved");
      break;
    case 0x1b:
    case 0x1d:
      handle = iot_buf_u16le (buf, 1);
      add_handle (pkt, tree, state, F_HANDLE, buf, 1);
      info_handle (pkt, state, handle);
      add_value (pkt, tree, state, buf, 3, handle);
      publish_reading (pkt, state, buf, 3, handle);
      break;
    case 0x1e:
      if (req && req->frame != iot_packet_frame_number (pkt))
        {
          add_generated_handle (pkt, tree, state, req->handle);
          info_handle (pkt, state, req->handle);
        }
      break;
    default:
      if (buf->length > 1)
        iot_tree_add_item (pkt, tree, &btatt_fields[F_VALUE], buf, 1, buf->length - 1, FALSE);
      break;
    }
}

static int
dissect_btatt (IotPacket *pkt, IotBuf *buf, int parent)
{
  BtattState *state = iot_packet_state (pkt, &iot_dissector_btatt);
  guint opcode = iot_buf_u8 (buf, 0);
  const char *name = iot_value_name (opcode_names, opcode);
  guint16 handle = 0, uuid = 0;
  AttRequest *req;
  int tree, node;

  iot_col_set_protocol (pkt, "ATT");
  tree = iot_tree_add_protocol (pkt, parent, &btatt_fields[F_PROTO], buf, 0, -1);
  node = iot_tree_add_item (pkt, tree, &btatt_fields[F_OPCODE], buf, 0, 1, TRUE);
  {
    IotTapAtt rec = { .opcode = (gint16) opcode, .handle = -1 };

    iot_tap_queue (pkt, IOT_TAP_ATT, &rec);
  }
  iot_tree_add_item (pkt, node, &btatt_fields[F_OPCODE_AUTH_SIG], buf, 0, 1, TRUE);
  iot_tree_add_item (pkt, node, &btatt_fields[F_OPCODE_COMMAND], buf, 0, 1, TRUE);
  iot_tree_add_item (pkt, node, &btatt_fields[F_OPCODE_METHOD], buf, 0, 1, TRUE);
  iot_col_printf_info (pkt, "%s %s", bt_direction_word (pkt), name ? name : "Unknown");

  if ((opcode == 0x0a || opcode == 0x0c || opcode == 0x12 || opcode == 0x1d) && iot_buf_has (buf, 1, 2))
    handle = iot_buf_u16le (buf, 1);
  if ((opcode == 0x08 || opcode == 0x10) && buf->length == 7)
    uuid = iot_buf_u16le (buf, 5);
  req = pair_request (pkt, state, opcode, handle, uuid);
  if (req && opcode == 0x0e && iot_packet_first_pass (pkt))
    for (guint off = 1; off + 2 <= buf->length && req->n_handles < G_N_ELEMENTS (req->handles); off += 2)
      req->handles[req->n_handles++] = iot_buf_u16le (buf, off);

  dissect_pdu (pkt, buf, tree, state, opcode, req);

  /* A response to a request for a type restates that type. */
  if (req && req->frame != iot_packet_frame_number (pkt) && req->uuid
      && (opcode == 0x01 || opcode == 0x09 || opcode == 0x11))
    {
      node = iot_tree_add_uint (pkt, tree, &btatt_fields[F_UUID16], NULL, 0, 0, req->uuid);
      iot_tree_set_generated (pkt, node);
    }
  if (req && req->frame != iot_packet_frame_number (pkt) && opcode != 0x01)
    {
      node = iot_tree_add_uint (pkt, tree, &btatt_fields[F_REQUEST_IN], NULL, 0, 0, req->frame);
      iot_tree_set_generated (pkt, node);
    }
  return buf->length;
}

IotDissector iot_dissector_btatt = {
  .name = "ATT",
  .abbrev = "btatt",
  .long_name = "Bluetooth Attribute Protocol",
  .fields = btatt_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_btatt,
  .handoff = { { "btl2cap.cid", 0x0004 } },
  .state_new = btatt_state_new,
  .state_free = btatt_state_free,
};
