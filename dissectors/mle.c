/* mle.c — Thread's Mesh Link Establishment (MLE, UDP port 19788).
 *
 * How Thread devices find a parent, attach as a child and keep router
 * links: advertisements, parent request/response, child ID
 * request/response, link request/accept.  Each message is a command byte
 * and type-length-value items.  A first byte of 255 means the message is
 * sent in the clear; 0 means it is protected like an 802.15.4 frame (the
 * MAC's auxiliary security header, then the command and TLVs encrypted
 * with the MLE key derived from the Thread network key, and a MIC).
 * Without that key the encrypted part is shown as data with a warning, as
 * tshark does.
 */
#include "wpan.h"
#include "ccm-star.h"

#include <string.h>

extern IotDissector iot_dissector_mle;

#define MLE_PORT 19788

enum {
  F_PROTO,
  F_SEC_SUITE,
  F_CMD,
  F_TLV,
  F_TLV_TYPE,
  F_TLV_LEN,
  F_SOURCE_ADDR,
  F_MODE_NWK_DATA,
  F_MODE_DEVICE_TYPE,
  F_MODE_SEC_DATA_REQ,
  F_MODE_IDLE_RX,
  F_TIMEOUT,
  F_CHALLENGE,
  F_RESPONSE,
  F_LL_FRM_CNTR,
  F_MLE_FRM_CNTR,
  F_ADDR16,
  F_LEADER_PARTITION,
  F_LEADER_WEIGHTING,
  F_LEADER_DATA_VERSION,
  F_LEADER_STABLE_VERSION,
  F_LEADER_ROUTER_ID,
  F_SCAN_MASK_R,
  F_SCAN_MASK_E,
  F_LINK_MARGIN,
  F_STATUS,
  F_VERSION,
  F_UNKNOWN,
  F_LQI_COMPLETE,
  F_LQI_SIZE,
  F_NEIGHBOR,
  F_NEIGHBOR_FLAG_I,
  F_NEIGHBOR_FLAG_O,
  F_NEIGHBOR_FLAG_P,
  F_NEIGHBOR_IDR,
  F_NEIGHBOR_ADDR,
  F_ROUTE64_ID_SEQ,
  F_ROUTE64_ID_MASK,
  F_ROUTE64,
  F_ROUTE64_NBR_OUT,
  F_ROUTE64_NBR_IN,
  F_ROUTE64_COST,
  F_CONN_FLAGS,
  F_CONN_PP,
  F_CONN_LQ3,
  F_CONN_LQ2,
  F_CONN_LQ1,
  F_CONN_LEADER_COST,
  F_CONN_ID_SEQ,
  F_CONN_ACTIVE_RTRS,
  F_CONN_SED_BUF_SIZE,
  F_CONN_SED_DGRAM_CNT,
  F_ADDR_REG,
  F_ADDR_REG_IID_TYPE,
  F_ADDR_REG_CID,
  F_ADDR_REG_IID,
  F_ADDR_REG_IPV6,
  F_CHANNEL_PAGE,
  F_CHANNEL,
  F_PAN_ID,
  F_ACTIVE_TSTAMP,
  F_PENDING_TSTAMP,
  N_FIELDS
};

enum {
  TLV_SOURCE_ADDRESS = 0,
  TLV_MODE = 1,
  TLV_TIMEOUT = 2,
  TLV_CHALLENGE = 3,
  TLV_RESPONSE = 4,
  TLV_LL_FRAME_COUNTER = 5,
  TLV_MLE_FRAME_COUNTER = 8,
  TLV_ADDRESS16 = 10,
  TLV_LEADER_DATA = 11,
  TLV_TLV_REQUEST = 13,
  TLV_SCAN_MASK = 14,
  TLV_LINK_MARGIN = 16,
  TLV_STATUS = 17,
  TLV_VERSION = 18,
  TLV_LINK_QUALITY = 6,
  TLV_ROUTE64 = 9,
  TLV_NETWORK_DATA = 12,
  TLV_CONNECTIVITY = 15,
  TLV_ADDRESS_REGISTRATION = 19,
  TLV_CHANNEL = 20,
  TLV_PAN_ID = 21,
  TLV_ACTIVE_TIMESTAMP = 22,
  TLV_PENDING_TIMESTAMP = 23,
  TLV_ACTIVE_DATASET = 24,
  TLV_PENDING_DATASET = 25,
  TLV_THREAD_DISCOVERY = 26,
};

static const IotValueName suite_names[] = {
  { 0, "802.15.4 Security" },
  { 255, "No Security" },
  IOT_VALUE_NAMES_END
};

static const IotValueName cmd_names[] = {
  { 0, "Link Request" },
  { 1, "Link Accept" },
  { 2, "Link Accept and Request" },
  { 3, "Link Reject" },
  { 4, "Advertisement" },
  { 5, "Update" },
  { 6, "Update Request" },
  { 7, "Data Request" },
  { 8, "Data Response" },
  { 9, "Parent Request" },
  { 10, "Parent Response" },
  { 11, "Child ID Request" },
  { 12, "Child ID Response" },
  { 13, "Child Update Request" },
  { 14, "Child Update Response" },
  { 15, "Announce" },
  { 16, "Discovery Request" },
  { 17, "Discovery Response" },
  IOT_VALUE_NAMES_END
};

static const IotValueName tlv_names[] = {
  { TLV_SOURCE_ADDRESS, "Source Address" },
  { TLV_MODE, "Mode" },
  { TLV_TIMEOUT, "Timeout" },
  { TLV_CHALLENGE, "Challenge" },
  { TLV_RESPONSE, "Response" },
  { TLV_LL_FRAME_COUNTER, "Link Layer Frame Counter" },
  { 6, "Link Quality" },
  { 7, "Network Parameter" },
  { TLV_MLE_FRAME_COUNTER, "MLE Frame Counter" },
  { 9, "Route64" },
  { TLV_ADDRESS16, "Address16" },
  { TLV_LEADER_DATA, "Leader Data" },
  { 12, "Network Data" },
  { TLV_TLV_REQUEST, "TLV Request" },
  { TLV_SCAN_MASK, "Scan Mask" },
  { 15, "Connectivity" },
  { TLV_LINK_MARGIN, "Link Margin" },
  { TLV_STATUS, "Status" },
  { TLV_VERSION, "Version" },
  { 19, "Address Registration" },
  { 20, "Channel" },
  { 21, "PAN ID" },
  { 22, "Active Timestamp" },
  { 23, "Pending Timestamp" },
  { 24, "Active Operational Dataset" },
  { 25, "Pending Operational Dataset" },
  { 26, "Thread Discovery" },
  IOT_VALUE_NAMES_END
};

#define BOOL_TF .true_word = "True", .false_word = "False"

enum {
  E_TLV_SIZE,
  E_TLV_LENGTH,
  E_SUITE,
  E_TOO_SMALL,
  E_NO_KEY,
  N_EXPERTS
};

static IotExpertInfo mle_experts[N_EXPERTS] = {
  [E_TLV_SIZE] = IOT_EXPERT_INFO ("mle.tlv_length_size_mismatch", IOT_SEV_WARN, IOT_GROUP_MALFORMED, "TLV Length & Size field disagree",
                              "An MLE TLV's length does not agree with the size its type defines."),
  [E_TLV_LENGTH] = IOT_EXPERT_INFO ("mle.tlv_length_inconsistent", IOT_SEV_WARN, IOT_GROUP_MALFORMED, "TLV Length inconsistent",
                              "An MLE TLV's length does not fit the data it describes."),
  [E_SUITE] = IOT_EXPERT_INFO ("mle.security_suite.unknown", IOT_SEV_WARN, IOT_GROUP_MALFORMED, "Unknown MLE security suite",
                              "MLE messages start with a security suite byte: 0 (secured) or 255 (not secured); any other is unknown."),
  [E_TOO_SMALL] = IOT_EXPERT_INFO ("mle.too_small", IOT_SEV_WARN, IOT_GROUP_MALFORMED, "Packet was too small to include the CRC and MIC",
                              "A secured MLE message must end with its message integrity code; these bytes are too few."),
  [E_NO_KEY] = IOT_EXPERT_INFO ("mle.no_key", IOT_SEV_WARN, IOT_GROUP_UNDECODED, "No encryption key set - can't decrypt",
                              "This MLE message is encrypted with a key derived from the Thread master key; no key given opens it."),
};

static IotField mle_fields[N_FIELDS] = {
  [F_PROTO] = { "mle", "Mesh Link Establishment", IOT_FT_PROTOCOL, .blurb =
    "Thread's Mesh Link Establishment: how devices find a parent, attach to it and keep links between routers." },
  [F_SEC_SUITE] = { "mle.sec_suite", "Security Suite", IOT_FT_UINT8, IOT_BASE_HEX, suite_names, 0,
    "255: the message is in the clear; 0: it is encrypted and authenticated with the MLE key (from the Thread network key)." },
  [F_CMD] = { "mle.cmd", "Command", IOT_FT_UINT8, IOT_BASE_DEC, cmd_names, 0,
    "Which MLE message: advertisement, parent request/response, child ID request/response, link request/accept …" },
  [F_TLV] = { "mle.tlv", "TLV", IOT_FT_NONE, .blurb = "One item of the message: type, length, value." },
  [F_TLV_TYPE] = { "mle.tlv.type", "Type", IOT_FT_UINT8, IOT_BASE_DEC, tlv_names, 0,
    "What the item is; in a TLV Request, an item the sender asks for." },
  [F_TLV_LEN] = { "mle.tlv.len", "Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0, "Bytes of the value." },
  [F_SOURCE_ADDR] = { "mle.tlv.source_addr", "Address", IOT_FT_BYTES, .blurb =
    "The sender's 16-bit Thread address (RLOC16: router id and child id)." },
  [F_MODE_NWK_DATA] = { "mle.tlv.mode.nwk_data", "Network Data", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x01,
    "Wants the full network data, not only the stable part.", BOOL_TF, .bits = 8 },
  [F_MODE_DEVICE_TYPE] = { "mle.tlv.mode.device_type", "Device Type", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x02,
    "A full Thread device (can become a router); clear for a minimal end device.", BOOL_TF, .bits = 8 },
  [F_MODE_SEC_DATA_REQ] = { "mle.tlv.mode.sec_data_req", "Secure Data Requests", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x04,
    "The device wants network data in secured messages.", BOOL_TF, .bits = 8 },
  [F_MODE_IDLE_RX] = { "mle.tlv.mode.idle_rx", "Receive On When Idle", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x08,
    "Keeps its receiver on; clear for a sleepy child that polls its parent.", BOOL_TF, .bits = 8 },
  [F_TIMEOUT] = { "mle.tlv.timeout", "Timeout", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Seconds the parent keeps a silent child before dropping it." },
  [F_CHALLENGE] = { "mle.tlv.challenge", "Challenge", IOT_FT_BYTES, .blurb =
    "Random bytes the answer must echo, so an old message cannot be replayed." },
  [F_RESPONSE] = { "mle.tlv.response", "Response", IOT_FT_BYTES, .blurb = "The echoed challenge." },
  [F_LL_FRM_CNTR] = { "mle.tlv.ll_frm_cntr", "Link Layer Frame Counter", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "The sender's MAC security frame counter, so the receiver can check replays from now on." },
  [F_MLE_FRM_CNTR] = { "mle.tlv.mle_frm_cntr", "MLE Frame Counter", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "The sender's MLE security frame counter." },
  [F_ADDR16] = { "mle.tlv.addr16", "Address16", IOT_FT_BYTES, .blurb =
    "The 16-bit address the parent gives the child." },
  [F_LEADER_PARTITION] = { "mle.tlv.leader_data.partition_id", "Partition ID", IOT_FT_UINT32, IOT_BASE_HEX, NULL, 0,
    "Which Thread partition (a split network elects a leader per partition)." },
  [F_LEADER_WEIGHTING] = { "mle.tlv.leader_data.weighting", "Weighting", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0, "How strongly this partition wants to be the one others merge into." },
  [F_LEADER_DATA_VERSION] = { "mle.tlv.leader_data.data_version", "Data Version", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0, "Version of the full network data; a change tells devices to fetch it again." },
  [F_LEADER_STABLE_VERSION] = { "mle.tlv.leader_data.stable_data_version", "Stable Data Version", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0, "Version of the stable part of the network data." },
  [F_LEADER_ROUTER_ID] = { "mle.tlv.leader_data.router_id", "Leader Router ID", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Router id of the partition's leader." },
  [F_SCAN_MASK_R] = { "mle.tlv.scan_mask.r", "Router", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x80,
    "Routers should answer this parent request.", BOOL_TF, .bits = 8 },
  [F_SCAN_MASK_E] = { "mle.tlv.scan_mask.e", "End Device", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x40,
    "End devices that could become routers should answer.", BOOL_TF, .bits = 8 },
  [F_LINK_MARGIN] = { "mle.tlv.link_margin", "Link Margin", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "dB of signal above the receiver's sensitivity." },
  [F_STATUS] = { "mle.tlv.status", "Status", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0, "Outcome of a request (0: success, 1: error)." },
  [F_VERSION] = { "mle.tlv.version", "Version", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Thread protocol version (2: Thread 1.1)." },
  [F_UNKNOWN] = { "mle.tlv.unknown", "Unknown", IOT_FT_BYTES, .blurb = "A value not decoded here." },
  [F_LQI_COMPLETE] = { "mle.tlv.lqi.complete", "Complete Flag", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x80,
    "The report lists every neighbour the sender has.", BOOL_TF, .bits = 8 },
  [F_LQI_SIZE] = { "mle.tlv.lqi.size", "Address Size", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0x0f,
    "Bytes of each neighbour address, minus one." },
  [F_NEIGHBOR] = { "mle.tlv.neighbor", "Neighbor Record", IOT_FT_NONE, .blurb = "How well the sender hears one neighbour." },
  [F_NEIGHBOR_FLAG_I] = { "mle.tlv.neighbor.flagI", "Incoming", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x80,
    "The sender accepts messages from this neighbour.", BOOL_TF, .bits = 8 },
  [F_NEIGHBOR_FLAG_O] = { "mle.tlv.neighbor.flagO", "Outgoing", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x40,
    "The sender believes the neighbour accepts its messages.", BOOL_TF, .bits = 8 },
  [F_NEIGHBOR_FLAG_P] = { "mle.tlv.neighbor.flagP", "Priority", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x20,
    "The sender means to use this link.", BOOL_TF, .bits = 8 },
  [F_NEIGHBOR_IDR] = { "mle.tlv.neighbor.idr", "Inverse Delivery Ratio", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Link cost: the inverse of the share of messages that get through." },
  [F_NEIGHBOR_ADDR] = { "mle.tlv.neighbor.addr", "Address", IOT_FT_BYTES, .blurb = "The neighbour's address." },
  [F_ROUTE64_ID_SEQ] = { "mle.tlv.route64.id_seq", "ID Sequence", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Version of the leader's router id assignments." },
  [F_ROUTE64_ID_MASK] = { "mle.tlv.route64.id_mask", "Assigned Router ID Mask", IOT_FT_BYTES, .blurb =
    "One bit per router id 0-63: which ids are in use (most significant bit first)." },
  [F_ROUTE64] = { "mle.tlv.route64", "Routing Table Entry", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "Link qualities to and route cost towards one router." },
  [F_ROUTE64_NBR_OUT] = { "mle.tlv.route64.nbr_out", "Neighbor Out Link Quality", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0xc0,
    "How well that router hears the sender (0-3)." },
  [F_ROUTE64_NBR_IN] = { "mle.tlv.route64.nbr_in", "Neighbor In Link Quality", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0x30,
    "How well the sender hears that router (0-3)." },
  [F_ROUTE64_COST] = { "mle.tlv.route64.cost", "Router Cost", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0x0f,
    "Cost of the sender's route to that router (0: no route)." },
  [F_CONN_FLAGS] = { "mle.tlv.conn.flags", "Flags", IOT_FT_NONE, .blurb = "Connectivity flags." },
  [F_CONN_PP] = { "mle.tlv.conn.flags.pp", "Parent Priority", IOT_FT_INT8, IOT_BASE_DEC, NULL, 0xc0,
    "How much the router wants to be chosen as a parent (-1 to 1)." },
  [F_CONN_LQ3] = { "mle.tlv.conn.lq3", "Link Quality 3", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0, "Neighbours heard at the best link quality." },
  [F_CONN_LQ2] = { "mle.tlv.conn.lq2", "Link Quality 2", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0, "Neighbours heard at link quality 2." },
  [F_CONN_LQ1] = { "mle.tlv.conn.lq1", "Link Quality 1", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0, "Neighbours heard at link quality 1." },
  [F_CONN_LEADER_COST] = { "mle.tlv.conn.leader_cost", "Leader Cost", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0, "Cost of the route to the leader." },
  [F_CONN_ID_SEQ] = { "mle.tlv.conn.id_seq", "ID Sequence", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0, "Version of the router id assignments the sender knows." },
  [F_CONN_ACTIVE_RTRS] = { "mle.tlv.conn.active_rtrs", "Active Routers", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0, "Routers in the partition." },
  [F_CONN_SED_BUF_SIZE] = { "mle.tlv.conn.sed_buf_size", "SED Buffer Size", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Bytes the parent buffers for each sleepy child." },
  [F_CONN_SED_DGRAM_CNT] = { "mle.tlv.conn.sed_dgram_cnt", "SED Datagram Count", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Datagrams the parent buffers for each sleepy child." },
  [F_ADDR_REG] = { "mle.tlv.addr_reg", "Address Registration Entry", IOT_FT_NONE, .blurb = "One IPv6 address the child registers with its parent." },
  [F_ADDR_REG_IID_TYPE] = { "mle.tlv.addr_reg_iid_type", "IID type", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x80,
    "Set: a 6LoWPAN context and an interface identifier follow; clear: the whole address.",
    .true_word = "Compressed", .false_word = "Uncompressed", .bits = 8 },
  [F_ADDR_REG_CID] = { "mle.tlv.addr_reg_cid", "Context ID", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0x0f,
    "The 6LoWPAN context whose prefix completes the address." },
  [F_ADDR_REG_IID] = { "mle.tlv.addr_reg_iid", "IID", IOT_FT_BYTES, .blurb = "The address's interface identifier." },
  [F_ADDR_REG_IPV6] = { "mle.tlv.addr_reg_ipv6", "IPv6 Address", IOT_FT_IPV6, .blurb = "The registered address." },
  [F_CHANNEL_PAGE] = { "mle.tlv.channel_page", "Channel Page", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0, "0: the 2.4 GHz O-QPSK channels." },
  [F_CHANNEL] = { "mle.tlv.channel", "Channel", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0, "The radio channel (11-26 at 2.4 GHz)." },
  [F_PAN_ID] = { "mle.tlv.pan_id", "PAN ID", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0, "The network's 802.15.4 PAN id." },
  [F_ACTIVE_TSTAMP] = { "mle.tlv.active_tstamp", "Active Timestamp", IOT_FT_ABSOLUTE_TIME, .blurb =
    "Version of the active operational dataset (channel, PAN, keys …): the newer wins." },
  [F_PENDING_TSTAMP] = { "mle.tlv.pending_tstamp", "Pending Timestamp", IOT_FT_ABSOLUTE_TIME, .blurb =
    "Version of the pending operational dataset, which replaces the active one after a delay." },
};

static void
add_bytes (IotPacket *pkt, int tree, int field, IotBuf *buf, guint off, guint len)
{
  iot_tree_add_bytes (pkt, tree, &mle_fields[field], buf, off, len, iot_buf_ptr (buf, off, len), len);
}

static void
dissect_link_quality (IotPacket *pkt, int tree, IotBuf *buf, guint off, guint len)
{
  guint size = (iot_buf_u8 (buf, off) & 0x0f) + 1, end = off + len;

  iot_tree_add_item (pkt, tree, &mle_fields[F_LQI_COMPLETE], buf, off, 1, FALSE);
  iot_tree_add_item (pkt, tree, &mle_fields[F_LQI_SIZE], buf, off, 1, FALSE);
  off += 1;
  if ((len - 1) % (size + 2) != 0)
    {
      iot_expert_add_info (pkt, tree, &mle_experts[E_TLV_SIZE], "TLV Length & Size field disagree");
      add_bytes (pkt, tree, F_UNKNOWN, buf, off, len - 1);
      return;
    }
  for (; off + size + 2 <= end; off += size + 2)
    {
      int node = iot_tree_add_item (pkt, tree, &mle_fields[F_NEIGHBOR], buf, off, size + 2, FALSE);

      iot_tree_add_item (pkt, node, &mle_fields[F_NEIGHBOR_FLAG_I], buf, off, 1, FALSE);
      iot_tree_add_item (pkt, node, &mle_fields[F_NEIGHBOR_FLAG_O], buf, off, 1, FALSE);
      iot_tree_add_item (pkt, node, &mle_fields[F_NEIGHBOR_FLAG_P], buf, off, 1, FALSE);
      iot_tree_add_item (pkt, node, &mle_fields[F_NEIGHBOR_IDR], buf, off + 1, 1, FALSE);
      add_bytes (pkt, node, F_NEIGHBOR_ADDR, buf, off + 2, size);
    }
}

/* Route64: the router id mask, then one byte per router whose bit is set. */
static void
dissect_route64 (IotPacket *pkt, int tree, IotBuf *buf, guint off, guint len)
{
  guint count = 0, router = 0;
  const guint8 *mask;

  iot_buf_check (buf, off, 9);
  mask = iot_buf_ptr (buf, off + 1, 8);
  iot_tree_add_item (pkt, tree, &mle_fields[F_ROUTE64_ID_SEQ], buf, off, 1, FALSE);
  add_bytes (pkt, tree, F_ROUTE64_ID_MASK, buf, off + 1, 8);
  for (guint i = 0; i < 8; i++)
    count += __builtin_popcount (mask[i]);
  off += 9;
  if (count != len - 9)
    {
      iot_expert_add_info (pkt, tree, &mle_experts[E_TLV_LENGTH], "TLV Length inconsistent");
      add_bytes (pkt, tree, F_UNKNOWN, buf, off, len - 9);
      return;
    }
  for (guint i = 0; i < count; i++, off++)
    {
      int node;

      while (router < 64 && !(mask[router / 8] & (0x80 >> (router % 8))))
        router++;
      node = iot_tree_add_item (pkt, tree, &mle_fields[F_ROUTE64], buf, off, 1, FALSE);
      iot_tree_append_label (pkt, node, " (%u)", router++);
      iot_tree_add_item (pkt, node, &mle_fields[F_ROUTE64_NBR_OUT], buf, off, 1, FALSE);
      iot_tree_add_item (pkt, node, &mle_fields[F_ROUTE64_NBR_IN], buf, off, 1, FALSE);
      iot_tree_add_item (pkt, node, &mle_fields[F_ROUTE64_COST], buf, off, 1, FALSE);
    }
}

static void
dissect_connectivity (IotPacket *pkt, int tree, IotBuf *buf, guint off, guint len)
{
  static const int counts[] = { F_CONN_LQ3, F_CONN_LQ2, F_CONN_LQ1, F_CONN_LEADER_COST, F_CONN_ID_SEQ,
                                F_CONN_ACTIVE_RTRS };
  int flags;

  iot_buf_check (buf, off, 7);
  flags = iot_tree_add_item (pkt, tree, &mle_fields[F_CONN_FLAGS], buf, off, 1, FALSE);
  /* Parent priority: a two-bit signed number in the top bits. */
  iot_tree_add_int (pkt, flags, &mle_fields[F_CONN_PP], buf, off, 1, (gint8) iot_buf_u8 (buf, off) >> 6);
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    iot_tree_add_item (pkt, tree, &mle_fields[counts[i]], buf, off + 1 + i, 1, FALSE);
  if (len >= 10)
    {
      iot_tree_add_item (pkt, tree, &mle_fields[F_CONN_SED_BUF_SIZE], buf, off + 7, 2, FALSE);
      iot_tree_add_item (pkt, tree, &mle_fields[F_CONN_SED_DGRAM_CNT], buf, off + 9, 1, FALSE);
    }
}

static void
dissect_address_registration (IotPacket *pkt, int tree, IotBuf *buf, guint off, guint len)
{
  guint end = off + len;

  while (off < end)
    {
      gboolean compressed = (iot_buf_u8 (buf, off) & 0x80) != 0;
      guint entry_len = compressed ? 9 : 17;
      int node = iot_tree_add_item (pkt, tree, &mle_fields[F_ADDR_REG], buf, off, entry_len, FALSE);

      iot_buf_check (buf, off, entry_len);
      iot_tree_add_item (pkt, node, &mle_fields[F_ADDR_REG_IID_TYPE], buf, off, 1, FALSE);
      if (compressed)
        {
          iot_tree_add_item (pkt, node, &mle_fields[F_ADDR_REG_CID], buf, off, 1, FALSE);
          add_bytes (pkt, node, F_ADDR_REG_IID, buf, off + 1, 8);
        }
      else
        iot_tree_add_ipv6 (pkt, node, &mle_fields[F_ADDR_REG_IPV6], buf, off + 1, iot_buf_ptr (buf, off + 1, 16));
      off += entry_len;
    }
}

/* Thread timestamps: 48 bits of seconds, 15 bits of 1/32768 s, and a
 * flag bit (authoritative source) at the bottom. */
static void
add_timestamp (IotPacket *pkt, int tree, int field, IotBuf *buf, guint off)
{
  /* Times are kept in nanoseconds since 1970: up to the year 2262. */
  const guint64 max_seconds = G_MAXINT64 / G_GINT64_CONSTANT (1000000000) - 1;
  guint64 v, seconds;

  iot_buf_check (buf, off, 8);
  v = iot_buf_u64 (buf, off);
  seconds = v >> 16;
  if (seconds > max_seconds)
    {
      iot_tree_add_text (pkt, tree, buf, off, 8, "%s: %" G_GUINT64_FORMAT " seconds since 1970 (too far ahead to show as a date)",
                         mle_fields[field].name, seconds);
      return;
    }
  iot_tree_add_time (pkt, tree, &mle_fields[field], buf, off, 8,
                     (gint64) seconds * G_GINT64_CONSTANT (1000000000)
                     + (gint64) (((v & 0xffff) >> 1) * G_GINT64_CONSTANT (1000000000) / 32768));
}

/* A parent gives its child a short address in Address16, sent to the
 * child's extended address: later frames from that short address are the
 * child's (as tshark learns it; it does not learn from Source Address). */
static void
remember_child_address (IotPacket *pkt, IotBuf *buf, guint off, guint len)
{
  const IotWpanAddresses *mac = iot_wpan_addresses (pkt);

  if (len == 2 && mac != NULL && mac->dst_mode == 3)
    iot_wpan_remember_address (pkt, mac->pan, iot_buf_u16 (buf, off), mac->dst64);
}

/* The value of one TLV; returns the text the TLV's row shows after its
 * name, or NULL. */
static const char *
dissect_value (IotPacket *pkt, int tree, IotBuf *buf, guint type, guint off, guint len)
{
  const guint8 *p = iot_buf_ptr (buf, off, len);

  switch (type)
    {
    case TLV_SOURCE_ADDRESS:
      add_bytes (pkt, tree, F_SOURCE_ADDR, buf, off, len);
      return len == 2 ? iot_packet_strdup_printf (pkt, "%02x:%02x", p[0], p[1]) : NULL;
    case TLV_ADDRESS16:
      add_bytes (pkt, tree, F_ADDR16, buf, off, len);
      remember_child_address (pkt, buf, off, len);
      return NULL;
    case TLV_CHALLENGE:
    case TLV_RESPONSE:
      add_bytes (pkt, tree, type == TLV_CHALLENGE ? F_CHALLENGE : F_RESPONSE, buf, off, len);
      {
        GString *hex = g_string_new (NULL);
        char *text;

        for (guint i = 0; i < len; i++)
          g_string_append_printf (hex, "%02x", p[i]);
        text = iot_packet_strndup (pkt, hex->str, hex->len);
        g_string_free (hex, TRUE);
        return text;
      }
    case TLV_MODE:
      iot_tree_add_item (pkt, tree, &mle_fields[F_MODE_NWK_DATA], buf, off, 1, FALSE);
      iot_tree_add_item (pkt, tree, &mle_fields[F_MODE_DEVICE_TYPE], buf, off, 1, FALSE);
      iot_tree_add_item (pkt, tree, &mle_fields[F_MODE_SEC_DATA_REQ], buf, off, 1, FALSE);
      iot_tree_add_item (pkt, tree, &mle_fields[F_MODE_IDLE_RX], buf, off, 1, FALSE);
      return NULL;
    case TLV_TIMEOUT:
    case TLV_LL_FRAME_COUNTER:
    case TLV_MLE_FRAME_COUNTER:
      iot_buf_check (buf, off, 4);
      iot_tree_add_item (pkt, tree, &mle_fields[type == TLV_TIMEOUT ? F_TIMEOUT
                                                : type == TLV_LL_FRAME_COUNTER ? F_LL_FRM_CNTR : F_MLE_FRM_CNTR],
                         buf, off, 4, FALSE);
      return iot_packet_strdup_printf (pkt, "%u", iot_buf_u32 (buf, off));
    case TLV_LEADER_DATA:
      iot_buf_check (buf, off, 8);
      iot_tree_add_item (pkt, tree, &mle_fields[F_LEADER_PARTITION], buf, off, 4, FALSE);
      iot_tree_add_item (pkt, tree, &mle_fields[F_LEADER_WEIGHTING], buf, off + 4, 1, FALSE);
      iot_tree_add_item (pkt, tree, &mle_fields[F_LEADER_DATA_VERSION], buf, off + 5, 1, FALSE);
      iot_tree_add_item (pkt, tree, &mle_fields[F_LEADER_STABLE_VERSION], buf, off + 6, 1, FALSE);
      iot_tree_add_item (pkt, tree, &mle_fields[F_LEADER_ROUTER_ID], buf, off + 7, 1, FALSE);
      return NULL;
    case TLV_TLV_REQUEST:
      for (guint i = 0; i < len; i++)
        iot_tree_add_item (pkt, tree, &mle_fields[F_TLV_TYPE], buf, off + i, 1, FALSE);
      return NULL;
    case TLV_SCAN_MASK:
      iot_tree_add_item (pkt, tree, &mle_fields[F_SCAN_MASK_R], buf, off, 1, FALSE);
      iot_tree_add_item (pkt, tree, &mle_fields[F_SCAN_MASK_E], buf, off, 1, FALSE);
      return NULL;
    case TLV_LINK_MARGIN:
    case TLV_STATUS:
      /* A one-byte value: an empty TLV ends the layer as cut short. */
      iot_buf_check (buf, off, 1);
      iot_tree_add_item (pkt, tree, &mle_fields[type == TLV_LINK_MARGIN ? F_LINK_MARGIN : F_STATUS], buf, off, 1, FALSE);
      return iot_packet_strdup_printf (pkt, "%u", iot_buf_u8 (buf, off));
    case TLV_VERSION:
      iot_buf_check (buf, off, 2);
      iot_tree_add_item (pkt, tree, &mle_fields[F_VERSION], buf, off, 2, FALSE);
      return iot_packet_strdup_printf (pkt, "%u", iot_buf_u16 (buf, off));
    case TLV_LINK_QUALITY:
      if (len > 0)
        dissect_link_quality (pkt, tree, buf, off, len);
      return NULL;
    case TLV_ROUTE64:
      dissect_route64 (pkt, tree, buf, off, len);
      return NULL;
    case TLV_CONNECTIVITY:
      dissect_connectivity (pkt, tree, buf, off, len);
      return NULL;
    case TLV_ADDRESS_REGISTRATION:
      dissect_address_registration (pkt, tree, buf, off, len);
      return NULL;
    case TLV_CHANNEL:
      iot_buf_check (buf, off, 3);
      iot_tree_add_item (pkt, tree, &mle_fields[F_CHANNEL_PAGE], buf, off, 1, FALSE);
      iot_tree_add_item (pkt, tree, &mle_fields[F_CHANNEL], buf, off + 1, 2, FALSE);
      return NULL;
    case TLV_PAN_ID:
      iot_buf_check (buf, off, 2);
      iot_tree_add_item (pkt, tree, &mle_fields[F_PAN_ID], buf, off, 2, FALSE);
      return NULL;
    case TLV_ACTIVE_TIMESTAMP:
    case TLV_PENDING_TIMESTAMP:
      add_timestamp (pkt, tree, type == TLV_ACTIVE_TIMESTAMP ? F_ACTIVE_TSTAMP : F_PENDING_TSTAMP, buf, off);
      return NULL;
    case TLV_NETWORK_DATA:
    case TLV_ACTIVE_DATASET:
    case TLV_PENDING_DATASET:
    case TLV_THREAD_DISCOVERY:
      /* Thread network data and MeshCoP datasets: TLV lists of their own,
       * not decoded here. */
      if (len > 0)
        iot_tree_add_text (pkt, tree, buf, off, len, "%s (%u bytes, not decoded)",
                           type == TLV_NETWORK_DATA ? "Thread Network Data" : "Thread MeshCoP TLVs", len);
      return NULL;
    default:
      if (len > 0)
        add_bytes (pkt, tree, F_UNKNOWN, buf, off, len);
      return NULL;
    }
}

/* The command and its TLVs (in the clear, or decrypted). */
static void
dissect_command (IotPacket *pkt, int tree, IotBuf *buf)
{
  guint8 cmd = iot_buf_u8 (buf, 0);
  const char *name = iot_value_name (cmd_names, cmd);
  guint off = 1;

  iot_tree_add_item (pkt, tree, &mle_fields[F_CMD], buf, 0, 1, FALSE);
  iot_col_set_info (pkt, name ? name : "Unknown Command");
  while (off + 2 <= buf->length)
    {
      guint type = iot_buf_u8 (buf, off), len = iot_buf_u8 (buf, off + 1);
      const char *tlv_name = iot_value_name (tlv_names, type);
      int node = iot_tree_add_item (pkt, tree, &mle_fields[F_TLV], buf, off, 2 + len, FALSE);
      const char *text;

      iot_tree_add_item (pkt, node, &mle_fields[F_TLV_TYPE], buf, off, 1, FALSE);
      iot_tree_add_item (pkt, node, &mle_fields[F_TLV_LEN], buf, off + 1, 1, FALSE);
      iot_buf_check (buf, off + 2, len);
      text = dissect_value (pkt, node, buf, type, off + 2, len);
      if (text != NULL)
        iot_tree_set_label (pkt, node, "TLV (%s = %s)", tlv_name ? tlv_name : "Unknown", text);
      else
        iot_tree_set_label (pkt, node, "TLV (%s)", tlv_name ? tlv_name : "Unknown");
      off += 2 + len;
    }
  if (off < buf->length)
    iot_malformed (pkt, "MLE TLV cut short");
}

typedef struct {
  guint8        nonce[IOT_CCM_NONCE_LEN];
  guint8       *aad;
  gsize         aad_len;
  const guint8 *cipher;
  gsize         len;
  const guint8 *mic;
  guint         mic_len;
  guint8       *out;
  guint8        tag[16];
  guint         attempts;
} MleJob;

static gboolean
try_mle_key (const guint8 key[16], gpointer data)
{
  MleJob *job = data;

  job->attempts++;
  return iot_ccm_star_decrypt (key, job->nonce, job->aad, job->aad_len, job->cipher, job->len,
                               job->mic, job->mic_len, job->out, job->tag);
}

/* Security suite 0: the command and TLVs are encrypted with the MLE key
 * (CCM*, nonce from the sender's EUI-64 in the MAC header; authenticated
 * with the IPv6 source and destination and the auxiliary security header
 * at buf[1, off)).  Returns TRUE with @plain the decrypted bytes. */
static gboolean
decrypt_message (IotPacket *pkt, int tree, IotBuf *buf, guint off, guint mic_len,
                 const IotWpanAuxSec *aux, IotBuf *plain)
{
  const IotWpanAddresses *mac = iot_wpan_addresses (pkt);
  const IotAddress *ip_src = iot_packet_net_src (pkt), *ip_dst = iot_packet_net_dst (pkt);
  guint payload_len = buf->reported - off - mic_len;
  MleJob job = { { 0 } };
  int node;

  if (mac == NULL || mac->src_mode != 3 || ip_src == NULL || ip_dst == NULL || ip_src->family != 6
      || ip_dst->family != 6 || buf->length < buf->reported || !aux->has_counter || aux->level < 4)
    return FALSE;
  iot_ccm_star_nonce (mac->src64, aux->frame_counter, aux->level, job.nonce);
  job.aad_len = 32 + (off - 1);
  job.aad = iot_packet_alloc (pkt, job.aad_len);
  memcpy (job.aad, ip_src->bytes, 16);
  memcpy (job.aad + 16, ip_dst->bytes, 16);
  memcpy (job.aad + 32, iot_buf_ptr (buf, 1, off - 1), off - 1);
  job.cipher = iot_buf_ptr (buf, off, payload_len);
  job.len = payload_len;
  job.mic = iot_buf_ptr (buf, off + payload_len, mic_len);
  job.mic_len = mic_len;
  job.out = iot_packet_alloc (pkt, payload_len ? payload_len : 1);
  if (iot_wpan_try_keys (pkt, aux, mac->pan, IOT_WPAN_KEY_FOR_MLE, try_mle_key, &job) < 0)
    {
      /* tshark shows what the last key tried made of the message (without
       * the MIC) as data; so does this, so both show the same bytes. */
      if (job.attempts > 0)
        *plain = iot_packet_add_source (pkt, "Decrypted MLE payload", job.out, payload_len);
      return FALSE;
    }
  /* What the sender's MIC said before encryption (tshark computes it too
   * but leaves it out of its tree, so it is a label here, not a field). */
  {
    GString *hex = g_string_new (NULL);

    for (guint i = 0; i < mic_len; i++)
      g_string_append_printf (hex, "%02x", job.tag[i]);
    node = iot_tree_add_text (pkt, tree, NULL, 0, 0, "Decrypted MIC: %s [correct]", hex->str);
    iot_tree_set_generated (pkt, node);
    g_string_free (hex, TRUE);
  }
  *plain = iot_packet_add_source (pkt, "Decrypted MLE payload", job.out, payload_len);
  return TRUE;
}

static int
dissect_mle (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint8 suite = iot_buf_u8 (buf, 0);
  int tree = iot_tree_add_protocol (pkt, parent, &mle_fields[F_PROTO], buf, 0, -1);
  guint off = 1, mic_len;
  IotWpanAuxSec aux;
  IotBuf rest;

  iot_col_set_protocol (pkt, "MLE");
  iot_col_clear_info (pkt);
  iot_tree_add_item (pkt, tree, &mle_fields[F_SEC_SUITE], buf, 0, 1, FALSE);
  if (suite == 255)
    {
      rest = iot_buf_sub (buf, 1, -1);
      dissect_command (pkt, tree, &rest);
      return buf->length;
    }
  if (suite != 0)
    {
      iot_expert_add_info (pkt, tree, &mle_experts[E_SUITE], "Unknown MLE security suite %u", suite);
      return 1;
    }
  mic_len = iot_wpan_dissect_aux_security (pkt, tree, buf, &off, &aux);
  if (buf->reported < off + mic_len)
    {
      iot_expert_add_info (pkt, tree, &mle_experts[E_TOO_SMALL], "Packet was too small to include the CRC and MIC");
      rest = iot_buf_sub (buf, off, -1);
      if (rest.length > 0)
        iot_call_data (pkt, &rest, -1);
      return buf->length;
    }
  rest = iot_buf_sub (buf, off, -1);
  if (decrypt_message (pkt, tree, buf, off, mic_len, &aux, &rest))
    {
      dissect_command (pkt, tree, &rest);
      return buf->length;
    }
  /* No key opened it (tshark says the same when a key was tried and the
   * MIC did not match): the command and the TLVs stay opaque. */
  iot_expert_add_info (pkt, tree, &mle_experts[E_NO_KEY], "No encryption key set - can't decrypt");
  if (rest.length > 0)
    iot_call_data (pkt, &rest, -1);
  return buf->length;
}

IotDissector iot_dissector_mle = {
  .name = "MLE",
  .abbrev = "mle",
  .long_name = "Mesh Link Establishment",
  .fields = mle_fields,
  .n_fields = N_FIELDS,
  .experts = mle_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_mle,
  .handoff = { { "udp.port", MLE_PORT } },
};
