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
};

static void
add_bytes (IotPacket *pkt, int tree, int field, IotBuf *buf, guint off, guint len)
{
  iot_tree_add_bytes (pkt, tree, &mle_fields[field], buf, off, len, iot_buf_ptr (buf, off, len), len);
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

static int
dissect_mle (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint8 suite = iot_buf_u8 (buf, 0);
  int tree = iot_tree_add_protocol (pkt, parent, &mle_fields[F_PROTO], buf, 0, -1);
  guint off = 1, mic_len;
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
      iot_expert_add (pkt, tree, IOT_SEV_WARN, IOT_GROUP_MALFORMED, "Unknown MLE security suite %u", suite);
      return 1;
    }
  mic_len = iot_wpan_dissect_aux_security (pkt, tree, buf, &off);
  /* Decrypting needs the Thread network key; without it the command, the
   * TLVs and the MIC at their end stay opaque, shown together as data. */
  iot_expert_add (pkt, tree, IOT_SEV_WARN, IOT_GROUP_UNDECODED, "No encryption key set - can't decrypt");
  if (buf->reported < off + mic_len)
    iot_malformed (pkt, "MLE message shorter than its security header and MIC");
  rest = iot_buf_sub (buf, off, -1);
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
  .dissect = dissect_mle,
  .handoff = { { "udp.port", MLE_PORT } },
};
