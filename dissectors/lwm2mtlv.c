/* lwm2mtlv.c — the TLV payload format of OMA Lightweight M2M (LwM2M 1.0/1.1,
 * CoAP Content-Format 11542, application/vnd.oma.lwm2m+tlv): object
 * instances, resources, multiple-resource arrays and their instances, each
 * a small header (type, identifier, length) and a value.
 *
 * Shown as tshark 4.0 shows it: the object is known from the CoAP path the
 * payload was sent to (a response uses its request's path); resources of
 * the OMA core objects (Security, Server, Access Control, Device,
 * Connectivity Monitoring and Statistics, Firmware Update, Location,
 * OSCORE) get their names and typed lwm2mtlv.resource.* values, any other
 * value is offered "as string / integer / float / timestamp" as tshark does.
 * On top of that, the IPSO Smart Objects sensors and actuators (3301
 * Illuminance, 3303 Temperature, 3304 Humidity, 3311 Light Control, 3323
 * Pressure …) get their names in lwm2mtlv.ipso.* fields, which tshark 4.0
 * does not have.
 *
 * Every numeric resource is published as a reading named
 * "<object>/<instance>/<resource>" (e.g. "Temperature/0/Sensor Value"),
 * with the unit from the instance's Sensor Units resource (5701) or the
 * unit the object defines.
 */
#include <math.h>
#include <string.h>

#include "iot-dissector.h"
#include "lwm2m.h"

typedef enum {
  RT_STRING,
  RT_BOOLEAN,
  RT_INT,
  RT_UINT,
  RT_BYTES,
  RT_TIME,
  RT_FLOAT,
} ResourceType;

#define FT_OF_STRING  IOT_FT_STRING
#define FT_OF_BOOLEAN IOT_FT_BOOLEAN
#define FT_OF_INT     IOT_FT_INT64
#define FT_OF_UINT    IOT_FT_UINT64
#define FT_OF_BYTES   IOT_FT_BYTES
#define FT_OF_TIME    IOT_FT_ABSOLUTE_TIME
#define FT_OF_FLOAT   IOT_FT_DOUBLE
#define BASE_OF_STRING  IOT_BASE_NONE
#define BASE_OF_BOOLEAN IOT_BASE_NONE
#define BASE_OF_INT     IOT_BASE_DEC
#define BASE_OF_UINT    IOT_BASE_DEC
#define BASE_OF_BYTES   IOT_BASE_NONE
#define BASE_OF_TIME    IOT_BASE_TIME_UTC
#define BASE_OF_FLOAT   IOT_BASE_NONE

/* The resources of the OMA core objects tshark 4.0 knows, in its order:
 * object, resource, field, name, type. */
#define OMA_RESOURCES(R) \
  R (0, 0, "lwm2mtlv.resource.lwm2m_server_uri", "LwM2M Server URI", STRING) \
  R (0, 1, "lwm2mtlv.resource.bootstrap-server", "Bootstrap-Server", BOOLEAN) \
  R (0, 2, "lwm2mtlv.resource.security_mode", "Security Mode", INT) \
  R (0, 3, "lwm2mtlv.resource.public_key_or_identity", "Public Key or Identity", BYTES) \
  R (0, 4, "lwm2mtlv.resource.server_public_key", "Server Public Key", BYTES) \
  R (0, 5, "lwm2mtlv.resource.secret_key", "Secret Key", BYTES) \
  R (0, 6, "lwm2mtlv.resource.sms_security_mode", "SMS Security Mode", INT) \
  R (0, 7, "lwm2mtlv.resource.sms_binding_key_parameters", "SMS Binding Key Parameters", BYTES) \
  R (0, 8, "lwm2mtlv.resource.sms_binding_secret_keys", "SMS Binding Secret Keys", BYTES) \
  R (0, 9, "lwm2mtlv.resource.lwm2m_server_sms_number", "LwM2M Server SMS Number", STRING) \
  R (0, 10, "lwm2mtlv.resource.short_server_id", "Short Server ID", INT) \
  R (0, 11, "lwm2mtlv.resource.client_hold_off_time", "Client Hold Off Time", INT) \
  R (0, 12, "lwm2mtlv.resource.bootstrap-server_account_timeout", "Bootstrap-Server Account Timeout", INT) \
  R (0, 13, "lwm2mtlv.resource.matching_type", "Matching Type", UINT) \
  R (0, 14, "lwm2mtlv.resource.sni", "SNI", STRING) \
  R (0, 15, "lwm2mtlv.resource.certificate_usage", "Certificate Usage", UINT) \
  R (0, 16, "lwm2mtlv.resource.tls_dtls_ciphersuite", "TLS DTLS Ciphersuite", UINT) \
  R (0, 17, "lwm2mtlv.resource.oscore_security_mode", "OSCORE Security Mode", BYTES) \
  R (1, 1, "lwm2mtlv.resource.lifetime", "Lifetime", INT) \
  R (1, 2, "lwm2mtlv.resource.default_minimum_period", "Default Minimum Period", INT) \
  R (1, 3, "lwm2mtlv.resource.default_maximum_period", "Default Maximum Period", INT) \
  R (1, 4, "lwm2mtlv.resource.disable", "Disable", BYTES) \
  R (1, 5, "lwm2mtlv.resource.disable_timeout", "Disable Timeout", INT) \
  R (1, 6, "lwm2mtlv.resource.notification_storing_when_disabled_or_offline", "Notification Storing When Disabled or Offline", BOOLEAN) \
  R (1, 7, "lwm2mtlv.resource.binding", "Binding", STRING) \
  R (1, 8, "lwm2mtlv.resource.registration_update_trigger", "Registration Update Trigger", BYTES) \
  R (1, 9, "lwm2mtlv.resource.bootstrap_request_trigger", "Bootstrap Request Trigger", BYTES) \
  R (1, 10, "lwm2mtlv.resource.apn_link", "APN Link", BYTES) \
  R (1, 11, "lwm2mtlv.resource.tls_dtls_alert_code", "TLS DTLS Alert Code", UINT) \
  R (1, 12, "lwm2mtlv.resource.last_bootstrapped", "Last Bootstrapped", TIME) \
  R (1, 13, "lwm2mtlv.resource.registration_priority_order", "Registration Priority Order", UINT) \
  R (1, 14, "lwm2mtlv.resource.initial_registration_delay_timer", "Initial Registration Delay Timer", UINT) \
  R (1, 15, "lwm2mtlv.resource.registration_failure_block", "Registration Failure Block", BOOLEAN) \
  R (1, 16, "lwm2mtlv.resource.bootstrap_on_registration_failure", "Bootstrap on Registration Failure", BOOLEAN) \
  R (1, 17, "lwm2mtlv.resource.communication_retry_count", "Communication Retry Count", UINT) \
  R (1, 18, "lwm2mtlv.resource.communication_retry_timer", "Communication Retry Timer", UINT) \
  R (1, 19, "lwm2mtlv.resource.communication_sequence_delay_timer", "Communication Sequence Delay Timer", UINT) \
  R (1, 20, "lwm2mtlv.resource.communication_sequence_retry_count", "Communication Sequence Retry Count", UINT) \
  R (1, 21, "lwm2mtlv.resource.trigger", "Trigger", BOOLEAN) \
  R (1, 22, "lwm2mtlv.resource.preferred_transport", "Preferred Transport", STRING) \
  R (1, 23, "lwm2mtlv.resource.mute_send", "Mute Send", BOOLEAN) \
  R (2, 0, "lwm2mtlv.resource.object_id", "Object ID", INT) \
  R (2, 1, "lwm2mtlv.resource.object_instance_id", "Object Instance ID", INT) \
  R (2, 2, "lwm2mtlv.resource.acl", "ACL", INT) \
  R (2, 3, "lwm2mtlv.resource.access_control_owner", "Access Control Owner", INT) \
  R (3, 0, "lwm2mtlv.resource.manufacturer", "Manufacturer", STRING) \
  R (3, 1, "lwm2mtlv.resource.model_number", "Model Number", STRING) \
  R (3, 2, "lwm2mtlv.resource.serial_number", "Serial Number", STRING) \
  R (3, 3, "lwm2mtlv.resource.firmware_version", "Firmware Version", STRING) \
  R (3, 4, "lwm2mtlv.resource.reboot", "Reboot", BYTES) \
  R (3, 5, "lwm2mtlv.resource.factory_reset", "Factory Reset", BYTES) \
  R (3, 6, "lwm2mtlv.resource.available_power_sources", "Available Power Sources", INT) \
  R (3, 7, "lwm2mtlv.resource.power_source_voltage", "Power Source Voltage", INT) \
  R (3, 8, "lwm2mtlv.resource.power_source_current", "Power Source Current", INT) \
  R (3, 9, "lwm2mtlv.resource.battery_level", "Battery Level", INT) \
  R (3, 10, "lwm2mtlv.resource.memory_free", "Memory Free", INT) \
  R (3, 11, "lwm2mtlv.resource.error_code", "Error Code", INT) \
  R (3, 12, "lwm2mtlv.resource.reset_error_code", "Reset Error Code", BYTES) \
  R (3, 13, "lwm2mtlv.resource.current_time", "Current Time", TIME) \
  R (3, 14, "lwm2mtlv.resource.utc_offset", "UTC Offset", STRING) \
  R (3, 15, "lwm2mtlv.resource.timezone", "Timezone", STRING) \
  R (3, 16, "lwm2mtlv.resource.supported_binding_and_modes", "Supported Binding and Modes", STRING) \
  R (3, 17, "lwm2mtlv.resource.device_type", "Device Type", STRING) \
  R (3, 18, "lwm2mtlv.resource.hardware_version", "Hardware Version", STRING) \
  R (3, 19, "lwm2mtlv.resource.software_version", "Software Version", STRING) \
  R (3, 20, "lwm2mtlv.resource.battery_status", "Battery Status", INT) \
  R (3, 21, "lwm2mtlv.resource.memory_total", "Memory Total", INT) \
  R (3, 22, "lwm2mtlv.resource.extdevinfo", "ExtDevInfo", BYTES) \
  R (4, 0, "lwm2mtlv.resource.network_bearer", "Network Bearer", INT) \
  R (4, 1, "lwm2mtlv.resource.available_network_bearer", "Available Network Bearer", INT) \
  R (4, 2, "lwm2mtlv.resource.radio_signal_strength", "Radio Signal Strength", INT) \
  R (4, 3, "lwm2mtlv.resource.link_quality", "Link Quality", INT) \
  R (4, 4, "lwm2mtlv.resource.ip_addresses", "IP Addresses", STRING) \
  R (4, 5, "lwm2mtlv.resource.router_ip_addresses", "Router IP Addresses", STRING) \
  R (4, 6, "lwm2mtlv.resource.link_utilization", "Link Utilization", INT) \
  R (4, 7, "lwm2mtlv.resource.apn", "APN", STRING) \
  R (4, 8, "lwm2mtlv.resource.cell_id", "Cell ID", INT) \
  R (4, 9, "lwm2mtlv.resource.smnc", "SMNC", INT) \
  R (4, 10, "lwm2mtlv.resource.smcc", "SMCC", INT) \
  R (4, 11, "lwm2mtlv.resource.signalsnr", "SignalSNR", INT) \
  R (4, 12, "lwm2mtlv.resource.lac", "LAC", INT) \
  R (5, 0, "lwm2mtlv.resource.package", "Package", BYTES) \
  R (5, 1, "lwm2mtlv.resource.package_uri", "Package URI", STRING) \
  R (5, 2, "lwm2mtlv.resource.update", "Update", BYTES) \
  R (5, 3, "lwm2mtlv.resource.state", "State", INT) \
  R (5, 5, "lwm2mtlv.resource.update_result", "Update Result", INT) \
  R (5, 6, "lwm2mtlv.resource.pkgname", "PkgName", STRING) \
  R (5, 7, "lwm2mtlv.resource.pkgversion", "PkgVersion", STRING) \
  R (5, 8, "lwm2mtlv.resource.firmware_update_protocol_support", "Firmware Update Protocol Support", INT) \
  R (5, 9, "lwm2mtlv.resource.firmware_update_delivery_method", "Firmware Update Delivery Method", INT) \
  R (6, 0, "lwm2mtlv.resource.latitude", "Latitude", FLOAT) \
  R (6, 1, "lwm2mtlv.resource.longitude", "Longitude", FLOAT) \
  R (6, 2, "lwm2mtlv.resource.altitude", "Altitude", FLOAT) \
  R (6, 3, "lwm2mtlv.resource.radius", "Radius", FLOAT) \
  R (6, 4, "lwm2mtlv.resource.velocity", "Velocity", BYTES) \
  R (6, 5, "lwm2mtlv.resource.timestamp", "Timestamp", TIME) \
  R (6, 6, "lwm2mtlv.resource.speed", "Speed", FLOAT) \
  R (7, 0, "lwm2mtlv.resource.sms_tx_counter", "SMS Tx Counter", INT) \
  R (7, 1, "lwm2mtlv.resource.sms_rx_counter", "SMS Rx Counter", INT) \
  R (7, 2, "lwm2mtlv.resource.tx_data", "Tx Data", INT) \
  R (7, 3, "lwm2mtlv.resource.rx_data", "Rx Data", INT) \
  R (7, 4, "lwm2mtlv.resource.max_message_size", "Max Message Size", INT) \
  R (7, 5, "lwm2mtlv.resource.average_message_size", "Average Message Size", INT) \
  R (7, 6, "lwm2mtlv.resource.start", "Start", BYTES) \
  R (7, 7, "lwm2mtlv.resource.stop", "Stop", BYTES) \
  R (7, 8, "lwm2mtlv.resource.collection_period", "Collection Period", INT) \
  R (21, 0, "lwm2mtlv.resource.master_secret", "Master Secret", STRING) \
  R (21, 1, "lwm2mtlv.resource.sender_id", "Sender ID", STRING) \
  R (21, 2, "lwm2mtlv.resource.recipient_id", "Recipient ID", STRING) \
  R (21, 3, "lwm2mtlv.resource.aead_algorithm", "AEAD Algorithm", INT) \
  R (21, 4, "lwm2mtlv.resource.hmac_algorithm", "HMAC Algorithm", INT) \
  R (21, 5, "lwm2mtlv.resource.master_salt", "Master Salt", STRING) \

enum {
  F_PROTO,
  F_OBJECT_NAME,
  F_RESOURCE_NAME,
  F_HEADER,
  F_TYPE,
  F_LOI,
  F_LOL,
  F_TYPE_LENGTH,
  F_IGNORED,
  F_IDENTIFIER,
  F_LENGTH,
  F_VALUE,
  F_AS_STRING,
  F_AS_INT,
  F_AS_UINT,
  F_AS_FLOAT,
  F_AS_DOUBLE,
  F_AS_BOOLEAN,
  F_AS_TIME,
  F_OBJECT_INSTANCE,
  F_RESOURCE_INSTANCE,
  F_RESOURCE_ARRAY,
  F_RESOURCE,
  F_IPSO_OBJECT_NAME,
  F_IPSO_RESOURCE_NAME,
  F_IPSO_VALUE,
  F_FIRST_RESOURCE,
};

#define COUNT_ONE(obj, res, abbrev, name, type) + 1
#define N_RESOURCES (0 OMA_RESOURCES (COUNT_ONE))
#define N_FIELDS (F_FIRST_RESOURCE + N_RESOURCES)

enum {
  TYPE_OBJECT_INSTANCE,
  TYPE_RESOURCE_INSTANCE,
  TYPE_MULTIPLE_RESOURCES,
  TYPE_RESOURCE,
};

static const IotValueName type_names[] = {
  { TYPE_OBJECT_INSTANCE, "Object Instance" },
  { TYPE_RESOURCE_INSTANCE, "Resource Instance" },
  { TYPE_MULTIPLE_RESOURCES, "Multiple Resources" },
  { TYPE_RESOURCE, "Resource with value" },
  IOT_VALUE_NAMES_END
};

static const IotValueName loi_names[] = {
  { 0, "1 byte identifier" },
  { 1, "2 bytes identifier" },
  IOT_VALUE_NAMES_END
};

static const IotValueName lol_names[] = {
  { 0, "No length field" },
  { 1, "1 byte length field" },
  { 2, "2 bytes length field" },
  { 3, "3 bytes length field" },
  IOT_VALUE_NAMES_END
};

#define RESOURCE_FIELD(obj, res, abbrev, name, type) \
  { abbrev, name, FT_OF_##type, BASE_OF_##type, .bits = RT_##type == RT_FLOAT ? IOT_FLOAT_DIGITS : 0, \
    .blurb = "Resource " #res " of LwM2M object " #obj " (" name "), decoded as its object definition says." },

enum {
  E_TOO_DEEP,
  N_EXPERTS
};

static IotExpertInfo lwm2m_experts[N_EXPERTS] = {
  [E_TOO_DEEP] = IOT_EXPERT_INFO ("lwm2mtlv.nested_too_deep", IOT_SEV_WARN, IOT_GROUP_MALFORMED, "TLV elements nested deeper than LwM2M allows",
                              "LwM2M TLV nests at most object instance, resource and resource instance."),
};

static IotField lwm2m_fields[N_FIELDS] = {
  [F_PROTO] = { "lwm2mtlv", "Lightweight M2M TLV", IOT_FT_PROTOCOL, .blurb =
    "LwM2M TLV: how an LwM2M device sends object instances and resources (e.g. Device/0/Battery Level) "
    "in binary: a type byte, an identifier, a length and the value." },
  [F_OBJECT_NAME] = { "lwm2mtlv.object_name", "Object Name", IOT_FT_STRING, .blurb =
    "The LwM2M object the CoAP path names (/3 is Device), for the OMA core objects. Computed, not sent." },
  [F_RESOURCE_NAME] = { "lwm2mtlv.resource_name", "Resource Name", IOT_FT_STRING, .blurb =
    "The name of the resource in the object's definition. Computed, not sent." },
  [F_HEADER] = { "lwm2mtlv.header", "TLV header", IOT_FT_NONE, .blurb =
    "The type byte, identifier and length in front of each value." },
  [F_TYPE] = { "lwm2mtlv.type.type", "Type of Identifier", IOT_FT_UINT8, IOT_BASE_DEC, type_names, 0xc0,
    "0 object instance, 1 resource instance (inside a multiple resource), 2 multiple resource, 3 resource with value." },
  [F_LOI] = { "lwm2mtlv.type.loi", "Length of Identifier", IOT_FT_UINT8, IOT_BASE_DEC, loi_names, 0x20,
    "Whether the identifier takes 1 or 2 bytes." },
  [F_LOL] = { "lwm2mtlv.type.lol", "Length of Length", IOT_FT_UINT8, IOT_BASE_DEC, lol_names, 0x18,
    "0: the length is in the low 3 bits of the type byte; 1-3: it follows the identifier in that many bytes." },
  [F_TYPE_LENGTH] = { "lwm2mtlv.type.length", "Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0x07,
    "The value's length (0-7 bytes) when no length field follows." },
  [F_IGNORED] = { "lwm2mtlv.type.ignored", "Ignored", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0x07,
    "Low 3 bits not used because a length field follows." },
  [F_IDENTIFIER] = { "lwm2mtlv.identifier", "Identifier", IOT_FT_UINT16, IOT_BASE_DEC, .blurb =
    "The object instance, resource or resource instance number." },
  [F_LENGTH] = { "lwm2mtlv.length", "Length", IOT_FT_UINT32, IOT_BASE_DEC, .blurb =
    "The value's length in bytes, from the length field." },
  [F_VALUE] = { "lwm2mtlv.value", "Value", IOT_FT_BYTES, .blurb = "The value's bytes." },
  [F_AS_STRING] = { "lwm2mtlv.value.string", "As String", IOT_FT_STRING, .blurb =
    "The value read as UTF-8 text (offered when it is printable text); the format itself does not say its type." },
  [F_AS_INT] = { "lwm2mtlv.value.integer", "As Integer", IOT_FT_INT64, IOT_BASE_DEC, .blurb =
    "The value read as a signed big-endian integer (1, 2, 4 or 8 bytes)." },
  [F_AS_UINT] = { "lwm2mtlv.value.unsigned_integer", "As Unsigned Integer", IOT_FT_UINT64, IOT_BASE_DEC, .blurb =
    "The value read as an unsigned big-endian integer (1, 2, 4 or 8 bytes)." },
  [F_AS_FLOAT] = { "lwm2mtlv.value.float", "As Float", IOT_FT_DOUBLE, .bits = IOT_FLOAT_DIGITS, .blurb =
    "The value read as a 4-byte IEEE 754 float." },
  [F_AS_DOUBLE] = { "lwm2mtlv.value.double", "As Double", IOT_FT_DOUBLE, .blurb =
    "The value read as an 8-byte IEEE 754 double." },
  [F_AS_BOOLEAN] = { "lwm2mtlv.value.boolean", "As Boolean", IOT_FT_BOOLEAN, .blurb =
    "A one-byte value 0 or 1 read as false or true." },
  [F_AS_TIME] = { "lwm2mtlv.value.timestamp", "As Timestamp", IOT_FT_ABSOLUTE_TIME, IOT_BASE_TIME_UTC, .blurb =
    "The value read as seconds since 1970 (the low 32 bits of an 8-byte value)." },
  [F_OBJECT_INSTANCE] = { "lwm2mtlv.object_instance", "Object Instance", IOT_FT_NONE, .blurb =
    "One instance of the object (e.g. the first temperature sensor) with its resources." },
  [F_RESOURCE_INSTANCE] = { "lwm2mtlv.resource_instance", "Resource Instance", IOT_FT_NONE, .blurb =
    "One value of a multiple resource (e.g. one of several power sources)." },
  [F_RESOURCE_ARRAY] = { "lwm2mtlv.resource_array", "Resource Array", IOT_FT_NONE, .blurb =
    "A resource that holds several values, each a resource instance." },
  [F_RESOURCE] = { "lwm2mtlv.resource", "Resource", IOT_FT_NONE, .blurb =
    "One resource with its value." },
  [F_IPSO_OBJECT_NAME] = { "lwm2mtlv.ipso.object_name", "IPSO Object Name", IOT_FT_STRING, .blurb =
    "The IPSO Smart Object the CoAP path names (/3303 is Temperature). Computed, not sent; tshark 4.0 has no such field." },
  [F_IPSO_RESOURCE_NAME] = { "lwm2mtlv.ipso.resource_name", "IPSO Resource Name", IOT_FT_STRING, .blurb =
    "The IPSO resource (5700 Sensor Value, 5701 Sensor Units …). Computed, not sent." },
  [F_IPSO_VALUE] = { "lwm2mtlv.ipso.value", "IPSO Value", IOT_FT_DOUBLE, .blurb =
    "The number an IPSO resource holds, read as its definition says (float or integer). Computed." },
  OMA_RESOURCES (RESOURCE_FIELD)
};

typedef struct {
  guint16      object, resource;
  ResourceType type;
} ResourceDef;

#define RESOURCE_DEF(obj, res, abbrev, name, type) { obj, res, RT_##type },

static const ResourceDef oma_resources[] = { OMA_RESOURCES (RESOURCE_DEF) };

static const IotValueName oma_object_names[] = {
  { 0, "LwM2M Security" },
  { 1, "LwM2M Server" },
  { 2, "Access Control" },
  { 3, "Device" },
  { 4, "Connectivity Monitoring" },
  { 5, "Firmware Update" },
  { 6, "Location" },
  { 7, "Connectivity Statistics" },
  { 21, "OSCORE" },
  IOT_VALUE_NAMES_END
};

/* IPSO Smart Objects (OMA LwM2M registry): the sensors and actuators
 * devices report most, with the unit their readings usually carry. */
typedef struct {
  guint16     object;
  const char *name;
  const char *unit;
} IpsoObject;

static const IpsoObject ipso_objects[] = {
  { 3300, "Generic Sensor", NULL },
  { 3301, "Illuminance", "lx" },
  { 3302, "Presence", NULL },
  { 3303, "Temperature", "Cel" },
  { 3304, "Humidity", "%RH" },
  { 3305, "Power Measurement", "W" },
  { 3306, "Actuation", NULL },
  { 3308, "Set Point", NULL },
  { 3310, "Load Control", NULL },
  { 3311, "Light Control", NULL },
  { 3312, "Power Control", NULL },
  { 3313, "Accelerometer", "m/s2" },
  { 3314, "Magnetometer", NULL },
  { 3315, "Barometer", "hPa" },
  { 3316, "Voltage", "V" },
  { 3317, "Current", "A" },
  { 3318, "Frequency", "Hz" },
  { 3319, "Depth", "m" },
  { 3320, "Percentage", "%" },
  { 3321, "Altitude", "m" },
  { 3322, "Load", "kg" },
  { 3323, "Pressure", "Pa" },
  { 3324, "Loudness", "dB" },
  { 3325, "Concentration", "ppm" },
  { 3328, "Power", "W" },
  { 3330, "Distance", "m" },
  { 3331, "Energy", "Wh" },
  { 3336, "Location", NULL },
  { 3342, "On/Off switch", NULL },
  { 3347, "Push button", NULL },
};

typedef struct {
  guint16      resource;
  const char  *name;
  ResourceType type;
} IpsoResource;

static const IpsoResource ipso_resources[] = {
  { 5500, "Digital Input State", RT_BOOLEAN },
  { 5501, "Digital Input Counter", RT_INT },
  { 5547, "Measurement Quality Indicator", RT_INT },
  { 5548, "Level", RT_FLOAT },
  { 5601, "Min Measured Value", RT_FLOAT },
  { 5602, "Max Measured Value", RT_FLOAT },
  { 5603, "Min Range Value", RT_FLOAT },
  { 5604, "Max Range Value", RT_FLOAT },
  { 5605, "Reset Min and Max Measured Values", RT_BYTES },
  { 5700, "Sensor Value", RT_FLOAT },
  { 5701, "Sensor Units", RT_STRING },
  { 5702, "X Value", RT_FLOAT },
  { 5703, "Y Value", RT_FLOAT },
  { 5704, "Z Value", RT_FLOAT },
  { 5705, "Compass Direction", RT_FLOAT },
  { 5706, "Colour", RT_STRING },
  { 5750, "Application Type", RT_STRING },
  { 5751, "Sensor Type", RT_STRING },
  { 5805, "Cumulative active power", RT_FLOAT },
  { 5820, "Power factor", RT_FLOAT },
  { 5821, "Current Calibration", RT_FLOAT },
  { 5850, "On/Off", RT_BOOLEAN },
  { 5851, "Dimmer", RT_INT },
  { 5852, "On Time", RT_INT },
  { 5900, "Set Point Value", RT_FLOAT },
};

/* Units of the OMA core resources that have one. */
static const struct {
  guint16     object, resource;
  const char *unit;
} oma_units[] = {
  { 3, 7, "mV" }, { 3, 8, "mA" }, { 3, 9, "%" }, { 3, 10, "KB" }, { 3, 21, "KB" },
  { 4, 2, "dBm" }, { 4, 6, "%" }, { 4, 11, "dB" },
  { 6, 0, "deg" }, { 6, 1, "deg" }, { 6, 2, "m" }, { 6, 3, "m" }, { 6, 6, "m/s" },
  { 1, 1, "s" }, { 1, 2, "s" }, { 1, 3, "s" },
};

/* ---- looking things up --------------------------------------------------- */

static int
oma_resource_index (guint object, guint resource)
{
  /* The Server object's Short Server ID is the Security object's field. */
  if (object == 1 && resource == 0)
    {
      object = 0;
      resource = 10;
    }
  for (guint i = 0; i < G_N_ELEMENTS (oma_resources); i++)
    if (oma_resources[i].object == object && oma_resources[i].resource == resource)
      return (int) i;
  return -1;
}

static const IpsoObject *
ipso_object (guint object)
{
  for (guint i = 0; i < G_N_ELEMENTS (ipso_objects); i++)
    if (ipso_objects[i].object == object)
      return &ipso_objects[i];
  return NULL;
}

static const IpsoResource *
ipso_resource (guint resource)
{
  for (guint i = 0; i < G_N_ELEMENTS (ipso_resources); i++)
    if (ipso_resources[i].resource == resource)
      return &ipso_resources[i];
  return NULL;
}

static const char *
oma_unit (guint object, guint resource)
{
  for (guint i = 0; i < G_N_ELEMENTS (oma_units); i++)
    if (oma_units[i].object == object && oma_units[i].resource == resource)
      return oma_units[i].unit;
  return NULL;
}

/* ---- one payload ---------------------------------------------------------- */

#define NO_ID G_MAXUINT

typedef struct {
  IotPacket    *pkt;
  const IotBuf *buf;
  const char   *location;
  guint         object;       /* from the path; NO_ID when it names none */
  guint         instance;     /* the instance the path names, or NO_ID */
  const char   *object_name;  /* OMA core or IPSO name, NULL if unknown */
  gboolean      oma;          /* one of the OMA core objects tshark knows */
  gboolean      readings;
  GArray       *pending;      /* IotReading of the current instance, until its unit is known */
  const char   *unit;         /* Sensor Units (5701) of the current instance */
  const char   *object_unit;  /* the unit an IPSO object's readings usually carry */
} Tlv;

typedef struct {
  guint   type, id_len, len_len, header_len;
  guint   identifier;
  guint32 length;
} Element;

/* Reads and shows the header of the element at @off. */
static int
add_header (Tlv *t, int parent, guint off, Element *e)
{
  guint8 first = iot_buf_u8 (t->buf, off);
  int header;

  e->type = first >> 6;
  e->id_len = (first & 0x20) ? 2 : 1;
  e->len_len = (first >> 3) & 0x03;
  e->header_len = 1 + e->id_len + e->len_len;
  header = iot_tree_add_item (t->pkt, parent, &lwm2m_fields[F_HEADER], t->buf, off, e->header_len, FALSE);
  iot_tree_add_item (t->pkt, header, &lwm2m_fields[F_TYPE], t->buf, off, 1, FALSE);
  iot_tree_add_item (t->pkt, header, &lwm2m_fields[F_LOI], t->buf, off, 1, FALSE);
  iot_tree_add_item (t->pkt, header, &lwm2m_fields[F_LOL], t->buf, off, 1, FALSE);
  iot_tree_add_item (t->pkt, header, &lwm2m_fields[e->len_len == 0 ? F_TYPE_LENGTH : F_IGNORED], t->buf, off, 1, FALSE);
  e->identifier = e->id_len == 2 ? iot_buf_u16 (t->buf, off + 1) : iot_buf_u8 (t->buf, off + 1);
  iot_tree_add_uint (t->pkt, header, &lwm2m_fields[F_IDENTIFIER], t->buf, off + 1, e->id_len, e->identifier);
  if (e->len_len == 0)
    e->length = first & 0x07;
  else
    {
      guint at = off + 1 + e->id_len;

      e->length = e->len_len == 1 ? iot_buf_u8 (t->buf, at) : e->len_len == 2 ? iot_buf_u16 (t->buf, at)
                                                                              : iot_buf_u24 (t->buf, at);
      iot_tree_add_uint (t->pkt, header, &lwm2m_fields[F_LENGTH], t->buf, at, e->len_len, e->length);
    }
  return header;
}

static guint64
read_uint (const IotBuf *buf, guint off, guint32 len)
{
  guint64 v = 0;

  for (guint i = 0; i < len && i < 8; i++)
    v = (v << 8) | iot_buf_u8 (buf, off + i);
  return v;
}

static gint64
read_int (const IotBuf *buf, guint off, guint32 len)
{
  guint64 v = read_uint (buf, off, len);

  if (len > 0 && len < 8 && (v >> (len * 8 - 1)) & 1)
    v |= ~G_GUINT64_CONSTANT (0) << (len * 8);
  return (gint64) v;
}

static double
read_float (const IotBuf *buf, guint off, guint32 len)
{
  if (len == 4)
    {
      guint32 bits = iot_buf_u32 (buf, off);
      float f;

      memcpy (&f, &bits, sizeof f);
      return f;
    }
  else
    {
      guint64 bits = iot_buf_u64 (buf, off);
      double d;

      memcpy (&d, &bits, sizeof d);
      return d;
    }
}

/* Whether tshark would offer the value as text: its UTF-8 decoding (with
 * U+FFFD for what is not UTF-8), cut at the value's length, is whole and
 * printable. */
static char *
printable_text (Tlv *t, const guint8 *bytes, guint32 len)
{
  char *text = iot_packet_valid_utf8 (t->pkt, bytes, len);
  const char *end;

  if (len == 0 || strlen (text) < len || !g_utf8_validate (text, len, &end))
    return NULL;
  for (const char *p = text; p < text + len; p = g_utf8_next_char (p))
    if (!g_unichar_isprint (g_utf8_get_char (p)))
      return NULL;
  text[len] = '\0';
  return text;
}

/* Label text of a value: the string if printable, else hex. */
static char *
value_text (Tlv *t, const guint8 *bytes, guint32 len)
{
  char *text = printable_text (t, bytes, len);
  GString *hex;

  if (text != NULL)
    return text;
  hex = g_string_new (NULL);
  for (guint i = 0; i < len && i < 32; i++)
    g_string_append_printf (hex, "%02x", bytes[i]);
  text = iot_packet_strndup (t->pkt, hex->str, hex->len);
  g_string_free (hex, TRUE);
  return text;
}

/* The readings-side of a resource value. */
static void
queue_reading (Tlv *t, guint instance, const char *resource_name, const char *unit, double value)
{
  IotReading r = { 0 };

  if (!t->readings || t->object_name == NULL || isnan (value))
    return;
  r.device = iot_lwm2m_endpoint (t->pkt);
  r.series = t->location;
  r.name = iot_packet_strdup_printf (t->pkt, "%s/%u/%s", t->object_name, instance == NO_ID ? 0 : instance,
                                     resource_name);
  r.unit = unit;
  r.value = value;
  g_array_append_val (t->pending, r);
}

/* Publishes the readings of the instance just finished, with its unit. */
static void
flush_readings (Tlv *t)
{
  for (guint i = 0; i < t->pending->len; i++)
    {
      IotReading *r = &g_array_index (t->pending, IotReading, i);

      if (r->unit == NULL)
        r->unit = t->unit != NULL ? t->unit : t->object_unit;
      iot_packet_add_reading (t->pkt, r);
    }
  g_array_set_size (t->pending, 0);
  t->unit = NULL;
}

/* tshark's guesses for a value of unknown type. */
static char *
add_interpretations (Tlv *t, int node, guint off, guint32 len)
{
  const guint8 *bytes = iot_buf_ptr (t->buf, off, len);
  char *text = printable_text (t, bytes, len);
  guint64 u;

  if (text != NULL)
    iot_tree_add_string (t->pkt, node, &lwm2m_fields[F_AS_STRING], t->buf, off, len, text, -1);
  if (len != 1 && len != 2 && len != 4 && len != 8)
    return value_text (t, bytes, len);
  u = read_uint (t->buf, off, len);
  iot_tree_add_int (t->pkt, node, &lwm2m_fields[F_AS_INT], t->buf, off, len, read_int (t->buf, off, len));
  iot_tree_add_uint (t->pkt, node, &lwm2m_fields[F_AS_UINT], t->buf, off, len, u);
  if (len == 1 && u < 2)
    iot_tree_add_boolean (t->pkt, node, &lwm2m_fields[F_AS_BOOLEAN], t->buf, off, len, u);
  if (len == 4)
    iot_tree_add_double (t->pkt, node, &lwm2m_fields[F_AS_FLOAT], t->buf, off, len, read_float (t->buf, off, len));
  if (len == 8)
    iot_tree_add_double (t->pkt, node, &lwm2m_fields[F_AS_DOUBLE], t->buf, off, len, read_float (t->buf, off, len));
  if (len >= 4)
    iot_tree_add_time (t->pkt, node, &lwm2m_fields[F_AS_TIME], t->buf, off, len,
                       (gint64) (u & 0xffffffffu) * G_GINT64_CONSTANT (1000000000));
  return value_text (t, bytes, len);
}

/* An OMA core resource, decoded as its definition says.  Returns the label text. */
static char *
add_oma_value (Tlv *t, int node, guint off, guint32 len, int index, guint instance)
{
  const IotField *field = &lwm2m_fields[F_FIRST_RESOURCE + index];
  const guint8 *bytes = iot_buf_ptr (t->buf, off, len);
  guint resource = oma_resources[index].resource;
  const char *unit = oma_unit (t->object, resource);
  char *text = NULL;
  double number = NAN;
  gint64 i;
  guint64 u;

  switch (oma_resources[index].type)
    {
    case RT_STRING:
      text = iot_packet_valid_utf8 (t->pkt, bytes, len);
      iot_tree_add_string (t->pkt, node, field, t->buf, off, len, text, -1);
      break;
    case RT_BOOLEAN:
      u = read_uint (t->buf, off, len);
      iot_tree_add_boolean (t->pkt, node, field, t->buf, off, len, u != 0);
      text = u ? "True" : "False";
      break;
    case RT_INT:
      i = read_int (t->buf, off, len);
      iot_tree_add_int (t->pkt, node, field, t->buf, off, len, i);
      text = iot_packet_strdup_printf (t->pkt, "%" G_GINT64_FORMAT, i);
      number = (double) i;
      break;
    case RT_UINT:
      u = read_uint (t->buf, off, len);
      iot_tree_add_uint (t->pkt, node, field, t->buf, off, len, u);
      text = iot_packet_strdup_printf (t->pkt, "%" G_GUINT64_FORMAT, u);
      number = (double) u;
      break;
    case RT_TIME:
      u = read_uint (t->buf, off, len);
      iot_tree_add_time (t->pkt, node, field, t->buf, off, len, (gint64) u * G_GINT64_CONSTANT (1000000000));
      text = iot_packet_strdup_printf (t->pkt, "%" G_GUINT64_FORMAT, u);
      break;
    case RT_FLOAT:
      if (len == 4 || len == 8)
        {
          number = read_float (t->buf, off, len);
          iot_tree_add_double (t->pkt, node, field, t->buf, off, len, number);
          text = iot_packet_strdup_printf (t->pkt, "%g", number);
        }
      break;
    case RT_BYTES:
      iot_tree_add_bytes (t->pkt, node, field, t->buf, off, len, bytes, len);
      text = value_text (t, bytes, len);
      break;
    }
  if (!isnan (number))
    queue_reading (t, instance, field->name, unit, number);
  return text != NULL ? text : value_text (t, bytes, len);
}

/* An IPSO resource: its name and number in the lwm2mtlv.ipso.* fields.
 * Returns the number as label text, or NULL. */
static char *
add_ipso_value (Tlv *t, int node, guint off, guint32 len, guint resource, guint instance)
{
  const IpsoResource *def = ipso_resource (resource);
  const IpsoObject *obj = ipso_object (t->object);
  double number = NAN;
  int row;

  if (def == NULL || obj == NULL)
    return NULL;
  row = iot_tree_add_string (t->pkt, node, &lwm2m_fields[F_IPSO_RESOURCE_NAME], NULL, 0, 0, def->name, -1);
  iot_tree_set_generated (t->pkt, row);
  if (def->type == RT_FLOAT && (len == 4 || len == 8))
    number = read_float (t->buf, off, len);
  else if ((def->type == RT_INT || def->type == RT_BOOLEAN) && len >= 1 && len <= 8)
    number = (double) read_int (t->buf, off, len);
  else if (def->type == RT_STRING && resource == 5701 && len > 0)
    t->unit = iot_packet_valid_utf8 (t->pkt, iot_buf_ptr (t->buf, off, len), len);
  if (isnan (number))
    return NULL;
  row = iot_tree_add_double (t->pkt, node, &lwm2m_fields[F_IPSO_VALUE], t->buf, off, len, number);
  iot_tree_set_generated (t->pkt, row);
  if (def->type != RT_BOOLEAN)
    queue_reading (t, instance, def->name, resource == 5851 ? "%" : NULL, number);
  if (def->type == RT_BOOLEAN)
    return number != 0 ? "On" : "Off";
  return iot_packet_strdup_printf (t->pkt, "%g", number);
}

static guint dissect_elements (Tlv *t, int parent, guint off, guint end, guint instance, guint resource,
                               guint depth);

/* The value of a resource or resource instance. */
static char *
dissect_value (Tlv *t, int node, guint off, guint32 len, guint resource, guint instance)
{
  int index = t->oma ? oma_resource_index (t->object, resource) : -1;
  char *text, *ipso_text;

  iot_tree_add_item (t->pkt, node, &lwm2m_fields[F_VALUE], t->buf, off, len, FALSE);
  if (index >= 0)
    return add_oma_value (t, node, off, len, index, instance);
  text = add_interpretations (t, node, off, len);
  ipso_text = add_ipso_value (t, node, off, len, resource, instance);
  return ipso_text != NULL ? ipso_text : text;
}

/* The element at @off; returns the offset after it. */
static guint
dissect_element (Tlv *t, int parent, guint off, guint instance, guint resource, guint depth)
{
  static const int element_fields[] = { F_OBJECT_INSTANCE, F_RESOURCE_INSTANCE, F_RESOURCE_ARRAY, F_RESOURCE };
  Element e;
  guint value_off, children;
  int node, row, index;
  const char *name = NULL;

  e.type = iot_buf_u8 (t->buf, off) >> 6;
  node = iot_tree_add_item (t->pkt, parent, &lwm2m_fields[element_fields[e.type]], t->buf, off, 1, FALSE);
  add_header (t, node, off, &e);
  value_off = off + e.header_len;
  iot_tree_set_length (t->pkt, node, e.header_len + e.length);

  if (e.type == TYPE_RESOURCE || e.type == TYPE_MULTIPLE_RESOURCES)
    {
      index = t->oma ? oma_resource_index (t->object, e.identifier) : -1;
      if (index >= 0)
        {
          name = lwm2m_fields[F_FIRST_RESOURCE + index].name;
          row = iot_tree_add_string (t->pkt, node, &lwm2m_fields[F_RESOURCE_NAME], NULL, 0, 0, name, -1);
          iot_tree_set_generated (t->pkt, row);
        }
      else if (ipso_object (t->object) != NULL && ipso_resource (e.identifier) != NULL)
        name = ipso_resource (e.identifier)->name;
    }

  switch (e.type)
    {
    case TYPE_OBJECT_INSTANCE:
      flush_readings (t);
      children = dissect_elements (t, node, value_off, value_off + e.length, e.identifier, NO_ID, depth + 1);
      flush_readings (t);
      iot_tree_set_label (t->pkt, node, "Object Instance %02u (%u element%s)", e.identifier, children,
                          children == 1 ? "" : "s");
      break;
    case TYPE_MULTIPLE_RESOURCES:
      children = dissect_elements (t, node, value_off, value_off + e.length, instance, e.identifier, depth + 1);
      iot_tree_set_label (t->pkt, node, "[%02u]%s%s (%u element%s)", e.identifier, name ? " " : "", name ? name : "",
                          children, children == 1 ? "" : "s");
      break;
    case TYPE_RESOURCE_INSTANCE:
      iot_tree_set_label (t->pkt, node, "%02u: %s", e.identifier,
                          dissect_value (t, node, value_off, e.length, resource == NO_ID ? e.identifier : resource,
                                         instance));
      break;
    default:
      {
        char *text = dissect_value (t, node, value_off, e.length, e.identifier, instance);

        if (name != NULL)
          iot_tree_set_label (t->pkt, node, "[%02u] %s: %s", e.identifier, name, text);
        else
          iot_tree_set_label (t->pkt, node, "[%02u]: %s", e.identifier, text);
      }
      break;
    }
  return value_off + e.length;
}

/* The elements between @off and @end; returns how many there were.  The
 * format nests at most three levels (instance, array, instance); deeper
 * input is shown as bytes. */
static guint
dissect_elements (Tlv *t, int parent, guint off, guint end, guint instance, guint resource, guint depth)
{
  guint n = 0;

  if (depth > 3)
    {
      iot_expert_add_info (t->pkt, parent, &lwm2m_experts[E_TOO_DEEP], "TLV elements nested deeper than LwM2M allows");
      return 0;
    }
  while (off < end)
    {
      off = dissect_element (t, parent, off, instance, resource, depth);
      n++;
    }
  return n;
}

/* The object and instance named by the first two segments of the path. */
static void
parse_location (Tlv *t)
{
  const char *p = t->location;
  char *rest;
  guint64 v;

  t->object = t->instance = NO_ID;
  if (p == NULL || *p != '/' || !g_ascii_isdigit (p[1]))
    return;
  v = g_ascii_strtoull (p + 1, &rest, 10);
  if (v > G_MAXUINT16 || (*rest != '\0' && *rest != '/'))
    return;
  t->object = (guint) v;
  if (*rest == '/' && g_ascii_isdigit (rest[1]))
    {
      v = g_ascii_strtoull (rest + 1, &rest, 10);
      if (v <= G_MAXUINT16 && (*rest == '\0' || *rest == '/'))
        t->instance = (guint) v;
    }
}

static int
dissect_lwm2mtlv (IotPacket *pkt, IotBuf *buf, int parent, gpointer data)
{
  const IotMediaInfo *info = data;
  int tree = iot_tree_add_protocol (pkt, parent, &lwm2m_fields[F_PROTO], buf, 0, -1);
  g_autoptr (GArray) pending = g_array_new (FALSE, TRUE, sizeof (IotReading));
  Tlv t = { pkt, buf, info != NULL ? info->location : NULL };
  const IpsoObject *ipso;
  guint n;
  int row;

  t.pending = pending;
  t.readings = iot_packet_wants_readings (pkt);
  parse_location (&t);
  t.object_name = t.object != NO_ID ? iot_value_name (oma_object_names, t.object) : NULL;
  t.oma = t.object_name != NULL;
  ipso = t.object != NO_ID ? ipso_object (t.object) : NULL;
  if (t.oma)
    {
      iot_tree_set_label (pkt, tree, "Lightweight M2M TLV, %s", t.object_name);
      row = iot_tree_add_string (pkt, tree, &lwm2m_fields[F_OBJECT_NAME], NULL, 0, 0, t.object_name, -1);
      iot_tree_set_generated (pkt, row);
    }
  else if (ipso != NULL)
    {
      t.object_name = ipso->name;
      t.object_unit = ipso->unit;
      iot_tree_set_label (pkt, tree, "Lightweight M2M TLV, %s", ipso->name);
      row = iot_tree_add_string (pkt, tree, &lwm2m_fields[F_IPSO_OBJECT_NAME], NULL, 0, 0, ipso->name, -1);
      iot_tree_set_generated (pkt, row);
    }

  n = dissect_elements (&t, tree, 0, buf->reported, t.instance, NO_ID, 0);
  flush_readings (&t);
  iot_tree_append_label (pkt, tree, " (%u element%s)", n, n == 1 ? "" : "s");
  return buf->length;
}

static const IotStringHandoff lwm2mtlv_media_types[] = {
  { "media_type", "application/vnd.oma.lwm2m+tlv" },
  { NULL },
};

IotDissector iot_dissector_lwm2mtlv = {
  .name = "LwM2M-TLV",
  .abbrev = "lwm2mtlv",
  .long_name = "Lightweight M2M TLV",
  .fields = lwm2m_fields,
  .n_fields = N_FIELDS,
  .experts = lwm2m_experts,
  .n_experts = N_EXPERTS,
  .dissect_with_data = dissect_lwm2mtlv,
  .string_handoff = lwm2mtlv_media_types,
};
