/* zbee_zdp.c — the Zigbee Device Profile (ZDP): what the device object
 * on endpoint 0 of every Zigbee device says about the device itself.
 *
 * Devices announce themselves after joining, controllers discover what a
 * device is (node, power and simple descriptors, active endpoints), find
 * devices offering a cluster (match descriptor), bind clusters together,
 * and manage the network (neighbour tables with link quality, permit
 * joining, asking a device to leave).  The APS cluster number says which
 * request or response it is; responses have bit 15 set.
 */
#include "iot-dissector.h"

#include <string.h>

extern IotDissector iot_dissector_zbee_zdp;
guint64 iot_zbee_aps_cluster_profile (IotPacket *pkt);
const char *iot_zbee_cluster_name (guint16 cluster);

enum {
  F_PROTO,
  F_SEQNO,
  F_EXT_ADDR,
  F_NWK_ADDR,
  F_REQ_TYPE,
  F_INDEX,
  F_STATUS,
  F_ENDPOINT,
  F_EP_COUNT,
  F_PROFILE,
  F_ADDR_MODE,
  F_CLUSTER,
  F_TABLE_SIZE,
  F_TABLE_COUNT,
  F_IN_COUNT,
  F_OUT_COUNT,
  F_IN_CLUSTER,
  F_OUT_CLUSTER,
  F_CINFO,
  F_CINFO_ALT_COORD,
  F_CINFO_FFD,
  F_CINFO_POWER,
  F_CINFO_IDLE_RX,
  F_CINFO_SECURITY,
  F_CINFO_ALLOC,
  F_DCF,
  F_DCF_EAELA,
  F_DCF_ESDLA,
  F_SERVER,
  F_SERVER_PRI_TRUST,
  F_SERVER_BAK_TRUST,
  F_SERVER_PRI_BIND,
  F_SERVER_BAK_BIND,
  F_SERVER_PRI_DISC,
  F_SERVER_NWK_MGR,
  F_SERVER_REVISION,
  F_NODE_TYPE,
  F_NODE_COMPLEX,
  F_NODE_USER,
  F_NODE_FREQ_868,
  F_NODE_FREQ_900,
  F_NODE_FREQ_2400,
  F_NODE_FREQ_EU_SUB_GHZ,
  F_NODE_MANUFACTURER,
  F_NODE_MAX_BUFFER,
  F_NODE_MAX_INCOMING,
  F_NODE_MAX_OUTGOING,
  F_POWER,
  F_POWER_MODE,
  F_POWER_AVAIL_AC,
  F_POWER_AVAIL_RECH,
  F_POWER_AVAIL_DISP,
  F_POWER_SOURCE_AC,
  F_POWER_SOURCE_RECHARGE,
  F_POWER_SOURCE_DISPOSE,
  F_POWER_LEVEL,
  F_APP_DEVICE,
  F_APP_VERSION,
  F_SIMPLE_LENGTH,
  F_BIND_SRC64,
  F_BIND_SRC_EP,
  F_BIND_DST,
  F_BIND_DST64,
  F_BIND_DST_EP,
  F_DURATION,
  F_SIGNIFICANCE,
  F_LEAVE_CHILDREN,
  F_LEAVE_REJOIN,
  F_EXTENDED_PAN,
  F_ADDR,
  F_TABLE_ENTRY_TYPE,
  F_IDLE_RX,
  F_RELATIONSHIP,
  F_PERMIT_JOINING,
  F_DEPTH,
  F_LQI,
  N_FIELDS
};

enum {
  NWK_ADDR_REQ = 0x0000,
  IEEE_ADDR_REQ = 0x0001,
  NODE_DESC_REQ = 0x0002,
  POWER_DESC_REQ = 0x0003,
  SIMPLE_DESC_REQ = 0x0004,
  ACTIVE_EP_REQ = 0x0005,
  MATCH_DESC_REQ = 0x0006,
  DEVICE_ANNCE = 0x0013,
  BIND_REQ = 0x0021,
  UNBIND_REQ = 0x0022,
  MGMT_LQI_REQ = 0x0031,
  MGMT_LEAVE_REQ = 0x0034,
  MGMT_PERMIT_JOIN_REQ = 0x0036,
  RSP = 0x8000,
};

static const IotValueName message_names[] = {
  { NWK_ADDR_REQ, "Network Address Request" },
  { IEEE_ADDR_REQ, "Extended Address Request" },
  { NODE_DESC_REQ, "Node Descriptor Request" },
  { POWER_DESC_REQ, "Power Descriptor Request" },
  { SIMPLE_DESC_REQ, "Simple Descriptor Request" },
  { ACTIVE_EP_REQ, "Active Endpoint Request" },
  { MATCH_DESC_REQ, "Match Descriptor Request" },
  { DEVICE_ANNCE, "Device Announcement" },
  { BIND_REQ, "Bind Request" },
  { UNBIND_REQ, "Unbind Request" },
  { MGMT_LQI_REQ, "Link Quality Request" },
  { MGMT_LEAVE_REQ, "Leave Request" },
  { MGMT_PERMIT_JOIN_REQ, "Permit Join Request" },
  { RSP | NWK_ADDR_REQ, "Network Address Response" },
  { RSP | IEEE_ADDR_REQ, "Extended Address Response" },
  { RSP | NODE_DESC_REQ, "Node Descriptor Response" },
  { RSP | POWER_DESC_REQ, "Power Descriptor Response" },
  { RSP | SIMPLE_DESC_REQ, "Simple Descriptor Response" },
  { RSP | ACTIVE_EP_REQ, "Active Endpoint Response" },
  { RSP | MATCH_DESC_REQ, "Match Descriptor Response" },
  { RSP | BIND_REQ, "Bind Response" },
  { RSP | UNBIND_REQ, "Unbind Response" },
  { RSP | MGMT_LQI_REQ, "Link Quality Response" },
  { RSP | MGMT_LEAVE_REQ, "Leave Response" },
  { RSP | MGMT_PERMIT_JOIN_REQ, "Permit Join Response" },
  IOT_VALUE_NAMES_END
};

static const IotValueName status_names[] = {
  { 0x00, "Success" },
  { 0x80, "Invalid Request Type" },
  { 0x81, "Device Not Found" },
  { 0x82, "Invalid Endpoint" },
  { 0x83, "Not Active" },
  { 0x84, "Not Supported" },
  { 0x85, "Timeout" },
  { 0x86, "No Match" },
  { 0x88, "No Entry" },
  { 0x89, "No Descriptor" },
  { 0x8a, "Insufficient Space" },
  { 0x8b, "Not Permitted" },
  { 0x8c, "Table Full" },
  { 0x8d, "Not Authorized" },
  IOT_VALUE_NAMES_END
};

static const IotValueName req_type_names[] = {
  { 0, "Single Device Response" },
  { 1, "Extended Response" },
  IOT_VALUE_NAMES_END
};

static const IotValueName addr_mode_names[] = {
  { 1, "Group" },
  { 3, "Unicast" },
  IOT_VALUE_NAMES_END
};

static const IotValueName node_type_names[] = {
  { 0, "Coordinator" },
  { 1, "Router" },
  { 2, "End Device" },
  IOT_VALUE_NAMES_END
};

static const IotValueName power_mode_names[] = {
  { 0, "Receiver Always On" },
  { 1, "Receiver Periodically On" },
  { 2, "Receiver On When Stimulated" },
  IOT_VALUE_NAMES_END
};

static const IotValueName power_level_names[] = {
  { 0, "Critical" },
  { 4, "Low" },
  { 8, "Medium" },
  { 12, "Full" },
  IOT_VALUE_NAMES_END
};

static const IotValueName table_type_names[] = {
  { 0, "Coordinator" },
  { 1, "Router" },
  { 2, "End Device" },
  IOT_VALUE_NAMES_END
};

static const IotValueName idle_rx_names[] = {
  { 0, "False" },
  { 1, "True" },
  IOT_VALUE_NAMES_END
};

static const IotValueName relationship_names[] = {
  { 0, "Parent" },
  { 1, "Child" },
  { 2, "Sibling" },
  { 3, "None" },
  { 4, "Previous Child" },
  IOT_VALUE_NAMES_END
};

static const IotValueName permit_names[] = {
  { 0, "False" },
  { 1, "True" },
  IOT_VALUE_NAMES_END
};

#define BOOL_TF .true_word = "True", .false_word = "False"

static IotField zdp_fields[N_FIELDS] = {
  [F_PROTO] = { "zbee_zdp", "ZigBee Device Profile", IOT_FT_PROTOCOL, .blurb =
    "The Zigbee device profile: what a device says about itself (announcements, descriptors, endpoints) and how the network is managed (binding, neighbour tables, permit joining, leave)." },
  [F_SEQNO] = { "zbee_zdp.seqno", "Sequence Number", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Transaction number: a response repeats its request's." },
  [F_EXT_ADDR] = { "zbee_zdp.ext_addr", "Extended Address", IOT_FT_EUI64, .blurb =
    "The device's factory-assigned 64-bit IEEE address, which never changes." },
  [F_NWK_ADDR] = { "zbee_zdp.nwk_addr", "Nwk Addr of Interest", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "The 16-bit network address of the device the message is about (it may change when the device rejoins)." },
  [F_REQ_TYPE] = { "zbee_zdp.req_type", "Request Type", IOT_FT_UINT8, IOT_BASE_DEC, req_type_names, 0,
    "Just the device, or the device and the devices associated with it." },
  [F_INDEX] = { "zbee_zdp.index", "Index", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Where in a long list to start (tables are read a few entries at a time)." },
  [F_STATUS] = { "zbee_zdp.status", "Status", IOT_FT_UINT8, IOT_BASE_DEC, status_names, 0,
    "Outcome of the request: Success, or why not (table full, no entry, not supported …)." },
  [F_ENDPOINT] = { "zbee_zdp.endpoint", "Endpoint", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "An application on the device (1-240)." },
  [F_EP_COUNT] = { "zbee_zdp.ep_count", "Endpoint Count", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "How many endpoints follow." },
  [F_PROFILE] = { "zbee_zdp.profile", "Profile", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "The application profile (0x0104 Home Automation)." },
  [F_ADDR_MODE] = { "zbee_zdp.addr_mode", "Address Mode", IOT_FT_UINT8, IOT_BASE_DEC, addr_mode_names, 0,
    "Whether the binding's destination is a group (16-bit) or a device endpoint (64-bit address and endpoint)." },
  [F_CLUSTER] = { "zbee_zdp.cluster", "Cluster", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "The cluster being bound." },
  [F_TABLE_SIZE] = { "zbee_zdp.table_size", "Table Size", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Number of entries in the whole table." },
  [F_TABLE_COUNT] = { "zbee_zdp.table_count", "Table Count", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Number of entries in this response." },
  [F_IN_COUNT] = { "zbee_zdp.in_count", "Input Cluster Count", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "How many server (input) clusters follow." },
  [F_OUT_COUNT] = { "zbee_zdp.out_count", "Output Cluster Count", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "How many client (output) clusters follow." },
  [F_IN_CLUSTER] = { "zbee_zdp.in_cluster", "Input Cluster", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "A cluster this endpoint serves (holds the attributes, e.g. a lamp's On/Off)." },
  [F_OUT_CLUSTER] = { "zbee_zdp.out_cluster", "Output Cluster", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "A cluster this endpoint uses as a client (e.g. a switch's On/Off)." },
  [F_CINFO] = { "zbee_zdp.cinfo", "Capability Information", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "What kind of device: router or end device, mains or battery, always listening or sleeping." },
  [F_CINFO_ALT_COORD] = { "zbee_zdp.cinfo.alt_coord", "Alternate Coordinator", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x01,
    "Could act as the PAN coordinator.", BOOL_TF, .bits = 8 },
  [F_CINFO_FFD] = { "zbee_zdp.cinfo.ffd", "Full-Function Device", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x02,
    "A router; clear for an end device.", BOOL_TF, .bits = 8 },
  [F_CINFO_POWER] = { "zbee_zdp.cinfo.power", "AC Power", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x04,
    "Mains powered.", BOOL_TF, .bits = 8 },
  [F_CINFO_IDLE_RX] = { "zbee_zdp.cinfo.idle_rx", "Rx On When Idle", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x08,
    "Always listening; clear for a sleepy device.", BOOL_TF, .bits = 8 },
  [F_CINFO_SECURITY] = { "zbee_zdp.cinfo.security", "Security Capability", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x40,
    "Can secure MAC frames.", BOOL_TF, .bits = 8 },
  [F_CINFO_ALLOC] = { "zbee_zdp.cinfo.alloc", "Allocate Short Address", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x80,
    "Asked its parent for a network address.", BOOL_TF, .bits = 8 },
  [F_DCF] = { "zbee_zdp.dcf", "Descriptor Capability Field", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "Whether extended endpoint and descriptor lists can be asked for." },
  [F_DCF_EAELA] = { "zbee_zdp.dcf.eaela", "Extended Active Endpoint List Available", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x01,
    "More endpoints than fit one response.", BOOL_TF, .bits = 8 },
  [F_DCF_ESDLA] = { "zbee_zdp.dcf.esdla", "Extended Simple Descriptor List Available", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x02,
    "More clusters than fit one simple descriptor.", BOOL_TF, .bits = 8 },
  [F_SERVER] = { "zbee_zdp.server", "Server Flags", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Network services this device offers, and the Zigbee revision it complies with." },
  [F_SERVER_PRI_TRUST] = { "zbee_zdp.server.pri_trust", "Primary Trust Center", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0001,
    "The device is the trust centre (it hands out the network key).", BOOL_TF, .bits = 16 },
  [F_SERVER_BAK_TRUST] = { "zbee_zdp.server.bak_trust", "Backup Trust Center", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0002,
    "The device is a backup trust centre.", BOOL_TF, .bits = 16 },
  [F_SERVER_PRI_BIND] = { "zbee_zdp.server.pri_bind", "Primary Binding Table Cache", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0004,
    "The device keeps the primary cache of other devices' binding tables.", BOOL_TF, .bits = 16 },
  [F_SERVER_BAK_BIND] = { "zbee_zdp.server.bak_bind", "Backup Binding Table Cache", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0008,
    "The device keeps a backup binding table cache (tshark also files the backup discovery cache bit here).", BOOL_TF, .bits = 16 },
  [F_SERVER_PRI_DISC] = { "zbee_zdp.server.pri_disc", "Primary Discovery Cache", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0010,
    "The device keeps a cache of other devices' descriptors for discovery.", BOOL_TF, .bits = 16 },
  [F_SERVER_NWK_MGR] = { "zbee_zdp.server.nwk_mgr", "Network Manager", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0040,
    "The device manages channel changes for the network.", BOOL_TF, .bits = 16 },
  [F_SERVER_REVISION] = { "zbee_zdp.server.stack_compliance_revision", "Stack Compliance Revision", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0xfe00,
    "Revision of the Zigbee specification the stack complies with (22 and up: Zigbee 3.0)." },
  [F_NODE_TYPE] = { "zbee_zdp.node.type", "Type", IOT_FT_UINT16, IOT_BASE_DEC, node_type_names, 0x0007,
    "Coordinator, router or end device." },
  [F_NODE_COMPLEX] = { "zbee_zdp.node.complex", "Complex Descriptor", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0008,
    "The device has a complex descriptor (extra text about itself) that can be read.", BOOL_TF, .bits = 16 },
  [F_NODE_USER] = { "zbee_zdp.node.user", "User Descriptor", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0010,
    "The device has a user-set name that can be read.", BOOL_TF, .bits = 16 },
  [F_NODE_FREQ_868] = { "zbee_zdp.node.freq.868mhz", "868MHz BPSK Band", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0800,
    "The device can use the European 868 MHz band.", BOOL_TF, .bits = 16 },
  [F_NODE_FREQ_900] = { "zbee_zdp.node.freq.900mhz", "902MHz BPSK Band", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x2000,
    "The device can use the American 902-928 MHz band.", BOOL_TF, .bits = 16 },
  [F_NODE_FREQ_2400] = { "zbee_zdp.node.freq.2400mhz", "2.4GHz OQPSK Band", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x4000,
    "The worldwide 2.4 GHz band almost every Zigbee device uses.", BOOL_TF, .bits = 16 },
  [F_NODE_FREQ_EU_SUB_GHZ] = { "zbee_zdp.node.freq.eu_sub_ghz", "EU Sub-GHz FSK Band", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x8000,
    "The device can use the European sub-GHz FSK band.", BOOL_TF, .bits = 16 },
  [F_NODE_MANUFACTURER] = { "zbee_zdp.node.manufacturer", "Manufacturer Code", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "The device maker's Zigbee Alliance code." },
  [F_NODE_MAX_BUFFER] = { "zbee_zdp.node.max_buffer", "Max Buffer Size", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Largest APS payload the device takes in one frame." },
  [F_NODE_MAX_INCOMING] = { "zbee_zdp.node.max_incoming_transfer", "Max Incoming Transfer Size", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Largest message the device can receive (split over several frames)." },
  [F_NODE_MAX_OUTGOING] = { "zbee_zdp.node.max_outgoing_transfer", "Max Outgoing Transfer Size", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Largest message the device can send." },
  [F_POWER] = { "zbee_zdp.power", "Power Descriptor", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "How the device is powered and how full its battery is." },
  [F_POWER_MODE] = { "zbee_zdp.power.mode", "Mode", IOT_FT_UINT16, IOT_BASE_DEC, power_mode_names, 0x000f,
    "When the receiver is on." },
  [F_POWER_AVAIL_AC] = { "zbee_zdp.power.avail.ac", "Available AC Power", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0010,
    "Mains power is available to the device.", BOOL_TF, .bits = 16 },
  [F_POWER_AVAIL_RECH] = { "zbee_zdp.power.avail.rech", "Available Rechargeable Battery", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0020,
    "A rechargeable battery is available to the device.", BOOL_TF, .bits = 16 },
  [F_POWER_AVAIL_DISP] = { "zbee_zdp.power.avail.disp", "Available Disposable Battery", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0040,
    "A disposable battery is available to the device.", BOOL_TF, .bits = 16 },
  [F_POWER_SOURCE_AC] = { "zbee_zdp.power.source.ac", "Using AC Power", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0100,
    "The device runs on mains power now.", BOOL_TF, .bits = 16 },
  [F_POWER_SOURCE_RECHARGE] = { "zbee_zdp.power.source.recharge", "Using Rechargeable Battery", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0200,
    "The device runs on its rechargeable battery now.", BOOL_TF, .bits = 16 },
  [F_POWER_SOURCE_DISPOSE] = { "zbee_zdp.power.source.dispose", "Using Disposable Battery", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0400,
    "The device runs on its disposable battery now.", BOOL_TF, .bits = 16 },
  [F_POWER_LEVEL] = { "zbee_zdp.power.level", "Level", IOT_FT_UINT16, IOT_BASE_DEC, power_level_names, 0xf000,
    "Charge of the power source in use." },
  [F_APP_DEVICE] = { "zbee_zdp.app.device", "Application Device", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "What the endpoint is, as the profile numbers devices (0x010d: extended colour light …)." },
  [F_APP_VERSION] = { "zbee_zdp.app.version", "Application Version", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Version of that device description." },
  [F_SIMPLE_LENGTH] = { "zbee_zdp.simple_length", "Simple Descriptor Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Bytes of the simple descriptor that follows." },
  [F_BIND_SRC64] = { "zbee_zdp.bind.src64", "Source", IOT_FT_EUI64, .blurb =
    "The device whose cluster is bound (it will send to the destination)." },
  [F_BIND_SRC_EP] = { "zbee_zdp.bind.src_ep", "Source Endpoint", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "The endpoint whose cluster is bound." },
  [F_BIND_DST] = { "zbee_zdp.bind.dst", "Destination", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "The group the binding sends to." },
  [F_BIND_DST64] = { "zbee_zdp.bind.dst64", "Destination", IOT_FT_EUI64, .blurb =
    "The device the binding sends to." },
  [F_BIND_DST_EP] = { "zbee_zdp.bind.dst_ep", "Destination Endpoint", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "The endpoint on the destination device that receives what the binding sends." },
  [F_DURATION] = { "zbee_zdp.duration", "Duration", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Seconds during which new devices may join (0: closed, 255: open until told otherwise)." },
  [F_SIGNIFICANCE] = { "zbee_zdp.significance", "Significance", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Whether the trust centre should apply the permit-join too." },
  [F_LEAVE_CHILDREN] = { "zbee_zdp.leave.children", "Remove Children", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x40,
    "The device's children must leave too.", BOOL_TF, .bits = 8 },
  [F_LEAVE_REJOIN] = { "zbee_zdp.leave.rejoin", "Rejoin", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x80,
    "The device should join again after leaving.", BOOL_TF, .bits = 8 },
  [F_EXTENDED_PAN] = { "zbee_zdp.extended_pan", "Extended Pan", IOT_FT_EUI64, .blurb =
    "64-bit identifier of the neighbour's network." },
  [F_ADDR] = { "zbee_zdp.addr", "Addr", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "The neighbour's network address." },
  [F_TABLE_ENTRY_TYPE] = { "zbee_zdp.table_entry_type", "Type", IOT_FT_UINT8, IOT_BASE_DEC, table_type_names, 0x03,
    "Coordinator, router or end device." },
  [F_IDLE_RX] = { "zbee_zdp.idle_rx", "Idle Rx", IOT_FT_UINT8, IOT_BASE_DEC, idle_rx_names, 0x0c,
    "Whether the neighbour keeps its receiver on." },
  [F_RELATIONSHIP] = { "zbee_zdp.relationship", "Relationship", IOT_FT_UINT8, IOT_BASE_DEC, relationship_names, 0x70,
    "Parent, child or sibling of the device that answered." },
  [F_PERMIT_JOINING] = { "zbee_zdp.permit_joining", "Permit Joining", IOT_FT_UINT8, IOT_BASE_DEC, permit_names, 0x03,
    "Whether the neighbour accepts new devices." },
  [F_DEPTH] = { "zbee_zdp.depth", "Depth", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Hops from the coordinator." },
  [F_LQI] = { "zbee_zdp.lqi", "LQI", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Link quality the device measures from this neighbour (0-255): low values mean a weak or noisy link." },
};

/* The few vendor prefixes (IEEE OUIs) radio captures show most, with the
 * short names tshark prints for them. */
static const struct {
  guint32     oui;
  const char *name;
} oui_names[] = {
  { 0x00124b, "TexasIns" },
};

/* An EUI-64 as tshark shows it in the Info column: vendor prefix by name
 * when known. */
static const char *
eui64_text (IotPacket *pkt, const guint8 eui[8])
{
  guint32 oui = (guint32) eui[0] << 16 | eui[1] << 8 | eui[2];

  for (guint i = 0; i < G_N_ELEMENTS (oui_names); i++)
    if (oui_names[i].oui == oui)
      return iot_packet_strdup_printf (pkt, "%s_%02x:%02x:%02x:%02x:%02x", oui_names[i].name,
                                       eui[3], eui[4], eui[5], eui[6], eui[7]);
  return iot_packet_strdup_printf (pkt, "%02x:%02x:%02x:%02x:%02x:%02x:%02x:%02x",
                                   eui[0], eui[1], eui[2], eui[3], eui[4], eui[5], eui[6], eui[7]);
}

/* Adds the little-endian EUI-64 at @off; returns it, most significant first. */
static const guint8 *
add_eui64 (IotPacket *pkt, int tree, int field, IotBuf *buf, guint off)
{
  const guint8 *p = iot_buf_ptr (buf, off, 8);
  guint8 *eui = iot_packet_alloc (pkt, 8);

  for (int i = 0; i < 8; i++)
    eui[i] = p[7 - i];
  iot_tree_add_bytes (pkt, tree, &zdp_fields[field], buf, off, 8, eui, 8);
  return eui;
}

static void
add_bits (IotPacket *pkt, int tree, int parent_field, const int *bits, guint n, IotBuf *buf, guint off, guint len)
{
  int node = parent_field >= 0 ? iot_tree_add_item (pkt, tree, &zdp_fields[parent_field], buf, off, len, TRUE) : tree;

  for (guint i = 0; i < n; i++)
    iot_tree_add_item (pkt, node, &zdp_fields[bits[i]], buf, off, len, TRUE);
}

static void
add_capability (IotPacket *pkt, int tree, IotBuf *buf, guint off)
{
  static const int bits[] = {
    F_CINFO_ALT_COORD, F_CINFO_FFD, F_CINFO_POWER, F_CINFO_IDLE_RX, F_CINFO_SECURITY, F_CINFO_ALLOC,
  };

  add_bits (pkt, tree, F_CINFO, bits, G_N_ELEMENTS (bits), buf, off, 1);
}

static guint8
add_status (IotPacket *pkt, int tree, IotBuf *buf, guint off)
{
  iot_tree_add_item (pkt, tree, &zdp_fields[F_STATUS], buf, off, 1, FALSE);
  return iot_buf_u8 (buf, off);
}

static const char *
status_text (guint8 status)
{
  const char *name = iot_value_name (status_names, status);

  return name ? name : "Reserved";
}

/* A count byte and that many 16-bit clusters; returns bytes used. */
static guint
add_cluster_list (IotPacket *pkt, int tree, int count_field, int item_field, const char *title,
                  IotBuf *buf, guint off)
{
  guint n = iot_buf_u8 (buf, off);
  int list;

  iot_tree_add_item (pkt, tree, &zdp_fields[count_field], buf, off, 1, FALSE);
  iot_buf_check (buf, off + 1, 2 * n);
  if (n == 0)
    return 1;
  list = iot_tree_add_text (pkt, tree, buf, off + 1, 2 * n, "%s", title);
  for (guint i = 0; i < n; i++)
    iot_tree_add_item (pkt, list, &zdp_fields[item_field], buf, off + 1 + 2 * i, 2, TRUE);
  return 1 + 2 * n;
}

static void
add_endpoint_list (IotPacket *pkt, int tree, const char *title, IotBuf *buf, guint off)
{
  guint n = iot_buf_u8 (buf, off);
  int list;

  iot_tree_add_item (pkt, tree, &zdp_fields[F_EP_COUNT], buf, off, 1, FALSE);
  iot_buf_check (buf, off + 1, n);
  if (n == 0)
    return;
  list = iot_tree_add_text (pkt, tree, buf, off + 1, n, "%s", title);
  for (guint i = 0; i < n; i++)
    iot_tree_add_item (pkt, list, &zdp_fields[F_ENDPOINT], buf, off + 1 + i, 1, FALSE);
}

/* The server mask of a node descriptor.  tshark files the "Backup
 * Discovery Cache" bit (0x0020) under zbee_zdp.server.bak_bind too, so a
 * filter on that name sees both bits; the same is done here. */
static void
add_server_flags (IotPacket *pkt, int tree, IotBuf *buf, guint off)
{
  static const int before[] = {
    F_SERVER_PRI_TRUST, F_SERVER_BAK_TRUST, F_SERVER_PRI_BIND, F_SERVER_BAK_BIND, F_SERVER_PRI_DISC,
  };
  static const int after[] = { F_SERVER_NWK_MGR, F_SERVER_REVISION };
  guint16 flags = iot_buf_u16le (buf, off);
  int node = iot_tree_add_item (pkt, tree, &zdp_fields[F_SERVER], buf, off, 2, TRUE);
  int bit;

  add_bits (pkt, node, -1, before, G_N_ELEMENTS (before), buf, off, 2);
  bit = iot_tree_add_boolean (pkt, node, &zdp_fields[F_SERVER_BAK_BIND], buf, off, 2, (flags & 0x0020) != 0);
  iot_tree_set_label (pkt, bit, "Backup Discovery Cache: %s", (flags & 0x0020) ? "True" : "False");
  add_bits (pkt, node, -1, after, G_N_ELEMENTS (after), buf, off, 2);
}

static void
add_node_descriptor (IotPacket *pkt, int tree, IotBuf *buf, guint off)
{
  static const int flags[] = {
    F_NODE_TYPE, F_NODE_COMPLEX, F_NODE_USER, F_NODE_FREQ_868, F_NODE_FREQ_900, F_NODE_FREQ_2400,
    F_NODE_FREQ_EU_SUB_GHZ,
  };
  static const int dcf[] = { F_DCF_EAELA, F_DCF_ESDLA };
  int node = iot_tree_add_text (pkt, tree, buf, off, 13, "Node Descriptor");

  add_bits (pkt, node, -1, flags, G_N_ELEMENTS (flags), buf, off, 2);
  add_capability (pkt, node, buf, off + 2);
  iot_tree_add_item (pkt, node, &zdp_fields[F_NODE_MANUFACTURER], buf, off + 3, 2, TRUE);
  iot_tree_add_item (pkt, node, &zdp_fields[F_NODE_MAX_BUFFER], buf, off + 5, 1, FALSE);
  iot_tree_add_item (pkt, node, &zdp_fields[F_NODE_MAX_INCOMING], buf, off + 6, 2, TRUE);
  add_server_flags (pkt, node, buf, off + 8);
  iot_tree_add_item (pkt, node, &zdp_fields[F_NODE_MAX_OUTGOING], buf, off + 10, 2, TRUE);
  add_bits (pkt, node, F_DCF, dcf, G_N_ELEMENTS (dcf), buf, off + 12, 1);
}

static void
add_power_descriptor (IotPacket *pkt, int tree, IotBuf *buf, guint off)
{
  static const int bits[] = {
    F_POWER_MODE, F_POWER_AVAIL_AC, F_POWER_AVAIL_RECH, F_POWER_AVAIL_DISP, F_POWER_SOURCE_AC,
    F_POWER_SOURCE_RECHARGE, F_POWER_SOURCE_DISPOSE, F_POWER_LEVEL,
  };

  add_bits (pkt, tree, F_POWER, bits, G_N_ELEMENTS (bits), buf, off, 2);
}

static void
add_simple_descriptor (IotPacket *pkt, int tree, IotBuf *buf, guint off, guint len)
{
  int node = iot_tree_add_text (pkt, tree, buf, off, len, "Simple Descriptor");
  guint p = off;

  iot_tree_add_item (pkt, node, &zdp_fields[F_ENDPOINT], buf, p, 1, FALSE);
  iot_tree_add_item (pkt, node, &zdp_fields[F_PROFILE], buf, p + 1, 2, TRUE);
  iot_tree_add_item (pkt, node, &zdp_fields[F_APP_DEVICE], buf, p + 3, 2, TRUE);
  /* The version is the low four bits of one byte; tshark shows the byte. */
  iot_tree_add_uint (pkt, node, &zdp_fields[F_APP_VERSION], buf, p + 5, 1, iot_buf_u8 (buf, p + 5));
  p += 6;
  p += add_cluster_list (pkt, node, F_IN_COUNT, F_IN_CLUSTER, "Input Cluster List", buf, p);
  add_cluster_list (pkt, node, F_OUT_COUNT, F_OUT_CLUSTER, "Output Cluster List", buf, p);
}

/* Bind and Unbind requests. */
static void
dissect_bind (IotPacket *pkt, int tree, IotBuf *buf, guint off, const char *name)
{
  const guint8 *src = add_eui64 (pkt, tree, F_BIND_SRC64, buf, off);
  guint16 cluster = iot_buf_u16le (buf, off + 9);
  guint8 mode = iot_buf_u8 (buf, off + 11);
  const char *cluster_name = iot_zbee_cluster_name (cluster);
  const char *dst_text;

  iot_tree_add_item (pkt, tree, &zdp_fields[F_BIND_SRC_EP], buf, off + 8, 1, FALSE);
  iot_tree_add_item (pkt, tree, &zdp_fields[F_CLUSTER], buf, off + 9, 2, TRUE);
  iot_tree_add_item (pkt, tree, &zdp_fields[F_ADDR_MODE], buf, off + 11, 1, FALSE);
  if (mode == 3)
    {
      dst_text = eui64_text (pkt, add_eui64 (pkt, tree, F_BIND_DST64, buf, off + 12));
      iot_tree_add_item (pkt, tree, &zdp_fields[F_BIND_DST_EP], buf, off + 20, 1, FALSE);
    }
  else
    {
      iot_tree_add_item (pkt, tree, &zdp_fields[F_BIND_DST], buf, off + 12, 2, TRUE);
      dst_text = iot_packet_strdup_printf (pkt, "0x%04x", iot_buf_u16le (buf, off + 12));
    }
  iot_col_printf_info (pkt, "%s, %s (Cluster ID: 0x%04x) Src: %s, Dst: %s", name,
                       cluster_name ? cluster_name : "Unknown", cluster, eui64_text (pkt, src), dst_text);
}

static void
dissect_lqi_response (IotPacket *pkt, int tree, IotBuf *buf, guint off)
{
  guint n;
  int table;

  if (add_status (pkt, tree, buf, off) != 0)
    return;
  iot_tree_add_uint (pkt, tree, &zdp_fields[F_TABLE_SIZE], buf, off + 1, 1, iot_buf_u8 (buf, off + 1));
  iot_tree_add_item (pkt, tree, &zdp_fields[F_INDEX], buf, off + 2, 1, FALSE);
  n = iot_buf_u8 (buf, off + 3);
  iot_tree_add_uint (pkt, tree, &zdp_fields[F_TABLE_COUNT], buf, off + 3, 1, n);
  off += 4;
  iot_buf_check (buf, off, 22 * n);
  if (n == 0)
    return;
  table = iot_tree_add_text (pkt, tree, buf, off, 22 * n, "Neighbor Table");
  for (guint i = 0; i < n; i++, off += 22)
    {
      int entry = iot_tree_add_text (pkt, table, buf, off, 22, "Table Entry");

      add_eui64 (pkt, entry, F_EXTENDED_PAN, buf, off);
      add_eui64 (pkt, entry, F_EXT_ADDR, buf, off + 8);
      iot_tree_add_item (pkt, entry, &zdp_fields[F_ADDR], buf, off + 16, 2, TRUE);
      iot_tree_add_item (pkt, entry, &zdp_fields[F_TABLE_ENTRY_TYPE], buf, off + 18, 1, FALSE);
      iot_tree_add_item (pkt, entry, &zdp_fields[F_IDLE_RX], buf, off + 18, 1, FALSE);
      iot_tree_add_item (pkt, entry, &zdp_fields[F_RELATIONSHIP], buf, off + 18, 1, FALSE);
      iot_tree_add_item (pkt, entry, &zdp_fields[F_PERMIT_JOINING], buf, off + 19, 1, FALSE);
      iot_tree_add_item (pkt, entry, &zdp_fields[F_DEPTH], buf, off + 20, 1, FALSE);
      iot_tree_add_item (pkt, entry, &zdp_fields[F_LQI], buf, off + 21, 1, FALSE);
    }
}

/* Requests and responses that start with a status and a network address. */
static void
dissect_status_nwk (IotPacket *pkt, int tree, IotBuf *buf, guint off, const char *name, guint16 *nwk)
{
  guint8 status = add_status (pkt, tree, buf, off);

  *nwk = iot_buf_u16le (buf, off + 1);
  iot_tree_add_item (pkt, tree, &zdp_fields[F_NWK_ADDR], buf, off + 1, 2, TRUE);
  iot_col_printf_info (pkt, "%s, Nwk Addr: 0x%04x, Status: %s", name, *nwk, status_text (status));
}

static void
dissect_message (IotPacket *pkt, int tree, IotBuf *buf, guint16 cluster, const char *name)
{
  guint off = 1;
  guint16 nwk;
  guint8 status;
  const guint8 *eui;

  switch (cluster)
    {
    case DEVICE_ANNCE:
      iot_tree_add_item (pkt, tree, &zdp_fields[F_NWK_ADDR], buf, off, 2, TRUE);
      eui = add_eui64 (pkt, tree, F_EXT_ADDR, buf, off + 2);
      add_capability (pkt, tree, buf, off + 10);
      iot_col_printf_info (pkt, "%s, Nwk Addr: 0x%04x, Ext Addr: %s", name, iot_buf_u16le (buf, off),
                           eui64_text (pkt, eui));
      break;
    case NWK_ADDR_REQ:
      eui = add_eui64 (pkt, tree, F_EXT_ADDR, buf, off);
      iot_tree_add_item (pkt, tree, &zdp_fields[F_REQ_TYPE], buf, off + 8, 1, FALSE);
      iot_tree_add_item (pkt, tree, &zdp_fields[F_INDEX], buf, off + 9, 1, FALSE);
      iot_col_printf_info (pkt, "%s, Address: %s", name, eui64_text (pkt, eui));
      break;
    case IEEE_ADDR_REQ:
      iot_tree_add_item (pkt, tree, &zdp_fields[F_NWK_ADDR], buf, off, 2, TRUE);
      iot_tree_add_item (pkt, tree, &zdp_fields[F_REQ_TYPE], buf, off + 2, 1, FALSE);
      iot_tree_add_item (pkt, tree, &zdp_fields[F_INDEX], buf, off + 3, 1, FALSE);
      iot_col_printf_info (pkt, "%s, Nwk Addr: 0x%04x", name, iot_buf_u16le (buf, off));
      break;
    case RSP | NWK_ADDR_REQ:
    case RSP | IEEE_ADDR_REQ:
      status = add_status (pkt, tree, buf, off);
      eui = add_eui64 (pkt, tree, F_EXT_ADDR, buf, off + 1);
      iot_tree_add_item (pkt, tree, &zdp_fields[F_NWK_ADDR], buf, off + 9, 2, TRUE);
      if (cluster == (RSP | NWK_ADDR_REQ))
        iot_col_printf_info (pkt, "%s, Status: %s, Address: %s = 0x%04x", name, status_text (status),
                             eui64_text (pkt, eui), iot_buf_u16le (buf, off + 9));
      else
        iot_col_printf_info (pkt, "%s, Status: %s, Nwk Addr: 0x%04x = %s", name, status_text (status),
                             iot_buf_u16le (buf, off + 9), eui64_text (pkt, eui));
      break;
    case NODE_DESC_REQ:
    case POWER_DESC_REQ:
    case ACTIVE_EP_REQ:
      iot_tree_add_item (pkt, tree, &zdp_fields[F_NWK_ADDR], buf, off, 2, TRUE);
      iot_col_printf_info (pkt, "%s, Nwk Addr: 0x%04x", name, iot_buf_u16le (buf, off));
      break;
    case RSP | NODE_DESC_REQ:
      status = add_status (pkt, tree, buf, off);
      nwk = iot_buf_u16le (buf, off + 1);
      iot_tree_add_item (pkt, tree, &zdp_fields[F_NWK_ADDR], buf, off + 1, 2, TRUE);
      if (status == 0)
        {
          add_node_descriptor (pkt, tree, buf, off + 3);
          iot_col_printf_info (pkt, "%s, Rev: %u, Nwk Addr: 0x%04x, Status: %s", name,
                               iot_buf_u16le (buf, off + 11) >> 9, nwk, status_text (status));
        }
      else
        iot_col_printf_info (pkt, "%s, Nwk Addr: 0x%04x, Status: %s", name, nwk, status_text (status));
      break;
    case RSP | POWER_DESC_REQ:
      dissect_status_nwk (pkt, tree, buf, off, name, &nwk);
      if (iot_buf_u8 (buf, off) == 0)
        add_power_descriptor (pkt, tree, buf, off + 3);
      break;
    case RSP | ACTIVE_EP_REQ:
      dissect_status_nwk (pkt, tree, buf, off, name, &nwk);
      if (iot_buf_u8 (buf, off) == 0)
        add_endpoint_list (pkt, tree, "Active Endpoint List", buf, off + 3);
      break;
    case RSP | MATCH_DESC_REQ:
      dissect_status_nwk (pkt, tree, buf, off, name, &nwk);
      if (iot_buf_u8 (buf, off) == 0)
        add_endpoint_list (pkt, tree, "Matching Endpoint List", buf, off + 3);
      break;
    case SIMPLE_DESC_REQ:
      iot_tree_add_item (pkt, tree, &zdp_fields[F_NWK_ADDR], buf, off, 2, TRUE);
      iot_tree_add_item (pkt, tree, &zdp_fields[F_ENDPOINT], buf, off + 2, 1, FALSE);
      iot_col_printf_info (pkt, "%s, Nwk Addr: 0x%04x, Endpoint: %u", name, iot_buf_u16le (buf, off),
                           iot_buf_u8 (buf, off + 2));
      break;
    case RSP | SIMPLE_DESC_REQ:
      dissect_status_nwk (pkt, tree, buf, off, name, &nwk);
      if (iot_buf_u8 (buf, off) == 0)
        {
          guint len = iot_buf_u8 (buf, off + 3);

          iot_tree_add_item (pkt, tree, &zdp_fields[F_SIMPLE_LENGTH], buf, off + 3, 1, FALSE);
          iot_buf_check (buf, off + 4, len);
          add_simple_descriptor (pkt, tree, buf, off + 4, len);
        }
      break;
    case MATCH_DESC_REQ:
      iot_tree_add_item (pkt, tree, &zdp_fields[F_NWK_ADDR], buf, off, 2, TRUE);
      iot_tree_add_item (pkt, tree, &zdp_fields[F_PROFILE], buf, off + 2, 2, TRUE);
      iot_col_printf_info (pkt, "%s, Nwk Addr: 0x%04x, Profile: 0x%04x", name, iot_buf_u16le (buf, off),
                           iot_buf_u16le (buf, off + 2));
      off += 4;
      off += add_cluster_list (pkt, tree, F_IN_COUNT, F_IN_CLUSTER, "Input Cluster List", buf, off);
      add_cluster_list (pkt, tree, F_OUT_COUNT, F_OUT_CLUSTER, "Output Cluster List", buf, off);
      break;
    case BIND_REQ:
    case UNBIND_REQ:
      dissect_bind (pkt, tree, buf, off, name);
      break;
    case MGMT_LQI_REQ:
      iot_tree_add_item (pkt, tree, &zdp_fields[F_INDEX], buf, off, 1, FALSE);
      iot_col_set_info (pkt, name);
      break;
    case RSP | MGMT_LQI_REQ:
      iot_col_printf_info (pkt, "%s, Status: %s", name, status_text (iot_buf_u8 (buf, off)));
      dissect_lqi_response (pkt, tree, buf, off);
      break;
    case MGMT_PERMIT_JOIN_REQ:
      iot_tree_add_item (pkt, tree, &zdp_fields[F_DURATION], buf, off, 1, FALSE);
      iot_tree_add_item (pkt, tree, &zdp_fields[F_SIGNIFICANCE], buf, off + 1, 1, FALSE);
      iot_col_set_info (pkt, name);
      break;
    case MGMT_LEAVE_REQ:
      eui = add_eui64 (pkt, tree, F_EXT_ADDR, buf, off);
      iot_tree_add_item (pkt, tree, &zdp_fields[F_LEAVE_CHILDREN], buf, off + 8, 1, FALSE);
      iot_tree_add_item (pkt, tree, &zdp_fields[F_LEAVE_REJOIN], buf, off + 8, 1, FALSE);
      iot_col_printf_info (pkt, "%s, Device: %s", name, eui64_text (pkt, eui));
      break;
    case RSP | BIND_REQ:
    case RSP | UNBIND_REQ:
    case RSP | MGMT_LEAVE_REQ:
    case RSP | MGMT_PERMIT_JOIN_REQ:
      status = add_status (pkt, tree, buf, off);
      iot_col_printf_info (pkt, "%s, Status: %s", name, status_text (status));
      break;
    default:
      break;
    }
}

static int
dissect_zbee_zdp (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint16 cluster = iot_zbee_aps_cluster_profile (pkt) & 0xffff;
  const char *name = iot_value_name (message_names, cluster);
  int tree = iot_tree_add_protocol (pkt, parent, &zdp_fields[F_PROTO], buf, 0, -1);
  const char *info;

  iot_col_set_protocol (pkt, "ZigBee ZDP");
  iot_tree_add_item (pkt, tree, &zdp_fields[F_SEQNO], buf, 0, 1, FALSE);
  if (name == NULL)
    {
      IotBuf rest = iot_buf_sub (buf, 1, -1);

      iot_col_printf_info (pkt, "ZDP Cluster 0x%04x", cluster);
      iot_tree_set_label (pkt, tree, "ZigBee Device Profile, Cluster 0x%04x", cluster);
      if (rest.length > 0)
        iot_call_data (pkt, &rest, -1);
      return buf->length;
    }
  iot_col_set_info (pkt, name);
  dissect_message (pkt, tree, buf, cluster, name);
  info = iot_col_info (pkt);
  iot_tree_set_label (pkt, tree, "ZigBee Device Profile, %s", info && *info ? info : name);
  return buf->length;
}

IotDissector iot_dissector_zbee_zdp = {
  .name = "ZigBee ZDP",
  .abbrev = "zbee_zdp",
  .long_name = "ZigBee Device Profile",
  .fields = zdp_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_zbee_zdp,
};
