/* btsmp.c — the Security Manager Protocol: how two BLE devices pair,
 * agree on keys and choose how to authenticate each other. */
#include "iot-dissector.h"
#include "bt-radio.h"

enum {
  F_PROTO,
  F_OPCODE,
  F_IO_CAP,
  F_OOB,
  F_AUTHREQ,
  F_BONDING,
  F_MITM,
  F_SC,
  F_KEYPRESS,
  F_RESERVED_FLAGS,
  F_MAX_KEY,
  F_INIT_KEYS,
  F_RESP_KEYS,
  F_KEY_ENC,
  F_KEY_ID,
  F_KEY_SIGN,
  F_KEY_LINK,
  F_KEY_RESERVED,
  F_CONFIRM,
  F_RANDOM,
  F_REASON,
  F_LTK,
  F_EDIV,
  F_IRK,
  F_ADDR_TYPE,
  F_BD_ADDR,
  F_CSRK,
  F_PUBKEY_X,
  F_PUBKEY_Y,
  F_DHKEY_CHECK,
  F_NOTIFICATION,
  F_METHOD,
  N_FIELDS
};

static const IotValueName opcode_names[] = {
  { 0x01, "Pairing Request" },
  { 0x02, "Pairing Response" },
  { 0x03, "Pairing Confirm" },
  { 0x04, "Pairing Random" },
  { 0x05, "Pairing Failed" },
  { 0x06, "Encryption Information" },
  { 0x07, "Central Identification" },
  { 0x08, "Identity Information" },
  { 0x09, "Identity Address Information" },
  { 0x0a, "Signing Information" },
  { 0x0b, "Security Request" },
  { 0x0c, "Pairing Public Key" },
  { 0x0d, "Pairing DHKey Check" },
  { 0x0e, "Pairing Keypress Notification" },
  IOT_VALUE_NAMES_END
};

static const IotValueName io_cap_names[] = {
  { 0x00, "Display Only" },
  { 0x01, "Display Yes/No" },
  { 0x02, "Keyboard Only" },
  { 0x03, "No Input, No Output" },
  { 0x04, "Keyboard, Display" },
  IOT_VALUE_NAMES_END
};

static const IotValueName oob_names[] = {
  { 0x00, "OOB Auth. Data Not Present" },
  { 0x01, "OOB Auth. Data From Remote Device Present" },
  IOT_VALUE_NAMES_END
};

static const IotValueName bonding_names[] = {
  { 0x00, "No Bonding" },
  { 0x01, "Bonding" },
  IOT_VALUE_NAMES_END
};

static const IotValueName reason_names[] = {
  { 0x01, "Passkey Entry Failed" },
  { 0x02, "OOB Not Available" },
  { 0x03, "Authentication Requirements" },
  { 0x04, "Confirm Value Failed" },
  { 0x05, "Pairing Not Supported" },
  { 0x06, "Encryption Key Size" },
  { 0x07, "Command Not Supported" },
  { 0x08, "Unspecified Reason" },
  { 0x09, "Repeated Attempts" },
  { 0x0a, "Invalid Parameters" },
  { 0x0b, "DHKey Check Failed" },
  { 0x0c, "Numeric Comparison Failed" },
  { 0x0d, "BR/EDR pairing in progress" },
  { 0x0e, "Cross-transport Key Derivation/Generation not allowed" },
  IOT_VALUE_NAMES_END
};

static const IotValueName addr_type_names[] = {
  { 0x00, "Public Device Address" },
  { 0x01, "Random Static Address" },
  IOT_VALUE_NAMES_END
};

#define KEY(abbrev, name, mask, blurb) \
  { "btsmp." abbrev, name, IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, mask, blurb, "True", "False", 8 }

enum {
  E_WEAK_PAIRING,
  N_EXPERTS
};

static IotExpertInfo btsmp_experts[N_EXPERTS] = {
  [E_WEAK_PAIRING] = IOT_EXPERT_INFO ("btsmp.pairing_method.weak", IOT_SEV_WARN, IOT_GROUP_SECURITY, "Pairing without protection against eavesdropping or impersonation",
                              "Just Works pairing has no protection against a man in the middle, and LE legacy pairing's key can be found from a captured pairing: the link's encryption protects less than it seems."),
};

static IotField btsmp_fields[N_FIELDS] = {
  [F_PROTO] = { "btsmp", "Bluetooth Security Manager Protocol", IOT_FT_PROTOCOL, .blurb =
    "Pairing: the two devices exchange capabilities, pick a way to authenticate and derive encryption keys." },
  [F_OPCODE] = { "btsmp.opcode", "Opcode", IOT_FT_UINT8, IOT_BASE_HEX, opcode_names, 0,
    "Which pairing step this message is." },
  [F_IO_CAP] = { "btsmp.io_capability", "IO Capability", IOT_FT_UINT8, IOT_BASE_HEX, io_cap_names, 0,
    "What the device can show or type. Two devices without display or keyboard can only use Just Works, "
    "which does not protect against a man in the middle." },
  [F_OOB] = { "btsmp.oob_data_flags", "OOB Data Flags", IOT_FT_UINT8, IOT_BASE_HEX, oob_names, 0,
    "Whether authentication data arrived another way (NFC, QR code)." },
  [F_AUTHREQ] = { "btsmp.authreq", "AuthReq", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "What security the device asks for: bonding, MITM protection, LE Secure Connections." },
  [F_BONDING] = { "btsmp.bonding_flags", "Bonding Flags", IOT_FT_UINT8, IOT_BASE_HEX, bonding_names, 0x03,
    "Bonding: keep the keys to reconnect later without pairing again." },
  [F_MITM] = KEY ("mitm_flag", "MITM Flag", 0x04,
    "The device asks for protection against a man in the middle (passkey, numeric comparison or OOB)."),
  [F_SC] = KEY ("sc_flag", "Secure Connection Flag", 0x08,
    "The device supports LE Secure Connections (elliptic-curve key exchange) instead of legacy pairing."),
  [F_KEYPRESS] = KEY ("keypress_flag", "Keypress Flag", 0x10, "Keypress notifications during passkey entry."),
  [F_RESERVED_FLAGS] = { "btsmp.reserved_flags", "Reserved", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0xe0,
    "Reserved bits." },
  [F_MAX_KEY] = { "btsmp.max_enc_key_size", "Max Encryption Key Size", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Longest key the device accepts, in bytes (7 to 16; 16 is full strength)." },
  [F_INIT_KEYS] = { "btsmp.initiator_key_distribution", "Initiator Key Distribution", IOT_FT_UINT8, IOT_BASE_HEX,
    NULL, 0, "Keys the initiator (central) will hand over after pairing." },
  [F_RESP_KEYS] = { "btsmp.responder_key_distribution", "Responder Key Distribution", IOT_FT_UINT8, IOT_BASE_HEX,
    NULL, 0, "Keys the responder (peripheral) will hand over after pairing." },
  [F_KEY_ENC] = KEY ("key_dist_enc", "Encryption Key (LTK)", 0x01, "The long-term key for encryption."),
  [F_KEY_ID] = KEY ("key_dist_id", "Id Key (IRK)", 0x02, "The key that resolves the device's private addresses."),
  [F_KEY_SIGN] = KEY ("key_dist_sign", "Signature Key (CSRK)", 0x04, "The key for signed writes."),
  [F_KEY_LINK] = KEY ("key_dist_linkkey", "Link Key", 0x08, "Derive a classic Bluetooth link key too."),
  [F_KEY_RESERVED] = { "btsmp.key_dist_reserved", "Reserved", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0xf0,
    "Reserved bits." },
  [F_CONFIRM] = { "btsmp.cfm_value", "Confirm Value", IOT_FT_BYTES, .blurb =
    "Commitment to a random value, checked when the random value is revealed." },
  [F_RANDOM] = { "btsmp.random_value", "Random Value", IOT_FT_BYTES, .blurb =
    "The random value the confirm value committed to." },
  [F_REASON] = { "btsmp.reason", "Reason", IOT_FT_UINT8, IOT_BASE_HEX, reason_names, 0,
    "Why pairing failed." },
  [F_LTK] = { "btsmp.long_term_key", "Long Term Key", IOT_FT_BYTES, .blurb =
    "The long-term encryption key, sent over the already encrypted link. Whoever has it can decrypt the link." },
  [F_EDIV] = { "btsmp.ediv", "Encrypted Diversifier (EDIV)", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Identifies a legacy long-term key." },
  [F_IRK] = { "btsmp.id_resolving_key", "Identity Resolving Key", IOT_FT_BYTES, .blurb =
    "Lets the peer recognise the device behind its changing private addresses." },
  [F_ADDR_TYPE] = { "btsmp.address_type", "Address Type", IOT_FT_UINT8, IOT_BASE_HEX, addr_type_names, 0,
    "Whether the identity address is public or random static." },
  [F_BD_ADDR] = { "btsmp.bd_addr", "BD_ADDR", IOT_FT_ETHER, .blurb = "The device's identity address." },
  [F_CSRK] = { "btsmp.signature_key", "Signature Key", IOT_FT_BYTES, .blurb = "Key for signing data." },
  [F_PUBKEY_X] = { "btsmp.public_key_x", "Public Key X", IOT_FT_BYTES, .blurb =
    "X coordinate of the device's P-256 public key (LE Secure Connections)." },
  [F_PUBKEY_Y] = { "btsmp.public_key_y", "Public Key Y", IOT_FT_BYTES, .blurb =
    "Y coordinate of the device's P-256 public key." },
  [F_DHKEY_CHECK] = { "btsmp.dhkey_check", "DHKey Check", IOT_FT_BYTES, .blurb =
    "Proof that both sides computed the same shared secret." },
  [F_NOTIFICATION] = { "btsmp.notification_type", "Notification Type", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "Passkey entry progress (digit entered, erased…)." },
  [F_METHOD] = { "btsmp.pairing_method", "Pairing method", IOT_FT_STRING, .blurb =
    "How the pairing authenticates, from both devices' IO capabilities and flags. Just Works has no protection "
    "against an attacker in the middle; legacy pairing can be cracked from a sniffed exchange." },
};

typedef struct {
  GHashTable *requests;   /* frame number of a Pairing Response → packed request (io, oob, authreq) */
  guint32     last_request;
} BtsmpState;

static gpointer
btsmp_state_new (void)
{
  BtsmpState *state = g_new0 (BtsmpState, 1);
  state->requests = g_hash_table_new (g_direct_hash, g_direct_equal);
  return state;
}

static void
btsmp_state_free (gpointer data)
{
  BtsmpState *state = data;
  g_hash_table_destroy (state->requests);
  g_free (state);
}

extern IotDissector iot_dissector_btsmp;

/* The association model of Core Spec Vol 3 Part H 2.3.5.1, from what the
 * initiator (request) and responder (response) said. */
static const char *
pairing_method (guint req_io, guint req_oob, guint req_auth, guint rsp_io, guint rsp_oob, guint rsp_auth)
{
  gboolean sc = (req_auth & 0x08) && (rsp_auth & 0x08);
  gboolean mitm = (req_auth & 0x04) || (rsp_auth & 0x04);
  /* [initiator][responder]: 0 Just Works, 1 passkey, 2 numeric comparison (SC) */
  static const guint8 model[5][5] = {
    { 0, 0, 1, 0, 1 },
    { 0, 2, 1, 0, 2 },
    { 1, 1, 1, 0, 1 },
    { 0, 0, 0, 0, 0 },
    { 1, 2, 1, 0, 2 },
  };
  guint m;

  if (sc ? (req_oob || rsp_oob) : (req_oob && rsp_oob))
    return sc ? "LE Secure Connections, Out of Band" : "Legacy pairing, Out of Band";
  if (!mitm || req_io > 4 || rsp_io > 4)
    m = 0;
  else
    m = model[req_io][rsp_io];
  if (m == 2 && !sc)
    m = 0;
  switch (m)
    {
    case 1:
      return sc ? "LE Secure Connections, Passkey Entry" : "Legacy pairing, Passkey Entry";
    case 2:
      return "LE Secure Connections, Numeric Comparison";
    default:
      return sc ? "LE Secure Connections, Just Works" : "Legacy pairing, Just Works";
    }
}

static void
append_keys (IotPacket *pkt, guint keys)
{
  static const char *names[] = { "LTK", "IRK", "CSRK", "Linkkey" };
  gboolean first = TRUE;

  for (guint i = 0; i < 4; i++)
    if (keys & (1u << i))
      {
        iot_col_append_info (pkt, "%s%s", first ? "" : ", ", names[i]);
        first = FALSE;
      }
}

static void
add_authreq (IotPacket *pkt, int tree, const IotBuf *buf, guint off)
{
  guint auth = iot_buf_u8 (buf, off);
  int node = iot_tree_add_item (pkt, tree, &btsmp_fields[F_AUTHREQ], buf, off, 1, TRUE);
  gboolean first = TRUE;
  static const struct { guint mask; const char *name; } bits[] = {
    { 0x01, "Bonding" }, { 0x04, "MITM" }, { 0x08, "SecureConnection" }, { 0x10, "Keypress" }, { 0xe0, "Reserved" },
  };

  for (int f = F_BONDING; f <= F_RESERVED_FLAGS; f++)
    iot_tree_add_item (pkt, node, &btsmp_fields[f], buf, off, 1, TRUE);
  iot_col_append_info (pkt, "AuthReq: ");
  for (guint i = 0; i < G_N_ELEMENTS (bits); i++)
    if (auth & bits[i].mask)
      {
        iot_col_append_info (pkt, "%s%s", first ? "" : ", ", bits[i].name);
        first = FALSE;
      }
}

static void
add_key_dist (IotPacket *pkt, int tree, int field, const IotBuf *buf, guint off)
{
  int node = iot_tree_add_item (pkt, tree, &btsmp_fields[field], buf, off, 1, TRUE);

  for (int f = F_KEY_ENC; f <= F_KEY_RESERVED; f++)
    iot_tree_add_item (pkt, node, &btsmp_fields[f], buf, off, 1, TRUE);
}

static void
dissect_pairing (IotPacket *pkt, const IotBuf *buf, int tree, guint opcode)
{
  BtsmpState *state = iot_packet_state (pkt, &iot_dissector_btsmp);
  guint io = iot_buf_u8 (buf, 1), oob = iot_buf_u8 (buf, 2), auth = iot_buf_u8 (buf, 3);
  guint32 packed = io | oob << 8 | auth << 16 | 1u << 24;

  iot_tree_add_item (pkt, tree, &btsmp_fields[F_IO_CAP], buf, 1, 1, TRUE);
  iot_tree_add_item (pkt, tree, &btsmp_fields[F_OOB], buf, 2, 1, TRUE);
  iot_col_append_info (pkt, ": ");
  add_authreq (pkt, tree, buf, 3);
  iot_tree_add_item (pkt, tree, &btsmp_fields[F_MAX_KEY], buf, 4, 1, TRUE);
  add_key_dist (pkt, tree, F_INIT_KEYS, buf, 5);
  add_key_dist (pkt, tree, F_RESP_KEYS, buf, 6);
  iot_col_append_info (pkt, " | Initiator Key(s): ");
  append_keys (pkt, iot_buf_u8 (buf, 5));
  iot_col_append_info (pkt, " | Responder Key(s): ");
  append_keys (pkt, iot_buf_u8 (buf, 6));

  if (opcode == 0x01)
    {
      if (iot_packet_first_pass (pkt))
        state->last_request = packed;
      return;
    }
  if (iot_packet_first_pass (pkt) && state->last_request)
    g_hash_table_insert (state->requests, GUINT_TO_POINTER (iot_packet_frame_number (pkt)),
                         GUINT_TO_POINTER (state->last_request));
  packed = GPOINTER_TO_UINT (g_hash_table_lookup (state->requests,
                                                  GUINT_TO_POINTER (iot_packet_frame_number (pkt))));
  if (packed)
    {
      const char *method = pairing_method (packed & 0xff, (packed >> 8) & 0xff, (packed >> 16) & 0xff,
                                           io, oob, auth);
      int node = iot_tree_add_string (pkt, tree, &btsmp_fields[F_METHOD], NULL, 0, 0, method, -1);
      IotTapAtt rec = { .smp = TRUE, .opcode = -1, .handle = -1, .pairing_method = method };

      iot_tap_queue (pkt, IOT_TAP_ATT, &rec);
      iot_tree_set_generated (pkt, node);
      if (strstr (method, "Just Works") || strstr (method, "Legacy"))
        iot_expert_add_info (pkt, node, &btsmp_experts[E_WEAK_PAIRING], "Pairing uses %s: %s", method,
                        strstr (method, "Just Works")
                        ? "nothing authenticates the peer, so an attacker in radio range can sit in the middle"
                        : "a sniffer that saw the exchange can recover the keys");
    }
}

static void
add_bytes (IotPacket *pkt, int tree, int field, const IotBuf *buf, guint off, guint len)
{
  iot_tree_add_item (pkt, tree, &btsmp_fields[field], buf, off, len, FALSE);
}

static int
dissect_btsmp (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint opcode = iot_buf_u8 (buf, 0);
  const char *name = iot_value_name (opcode_names, opcode);
  guint8 addr[6];
  int tree;

  iot_col_set_protocol (pkt, "SMP");
  tree = iot_tree_add_protocol (pkt, parent, &btsmp_fields[F_PROTO], buf, 0, -1);
  iot_tree_add_item (pkt, tree, &btsmp_fields[F_OPCODE], buf, 0, 1, TRUE);
  iot_col_printf_info (pkt, "%s %s", bt_direction_word (pkt), name ? name : "Unknown");
  switch (opcode)
    {
    case 0x01:
    case 0x02:
      dissect_pairing (pkt, buf, tree, opcode);
      break;
    case 0x03:
      add_bytes (pkt, tree, F_CONFIRM, buf, 1, 16);
      break;
    case 0x04:
      add_bytes (pkt, tree, F_RANDOM, buf, 1, 16);
      break;
    case 0x05:
      iot_tree_add_item (pkt, tree, &btsmp_fields[F_REASON], buf, 1, 1, TRUE);
      iot_col_append_info (pkt, ": %s", iot_value_name (reason_names, iot_buf_u8 (buf, 1)) ?: "Unknown");
      break;
    case 0x06:
      add_bytes (pkt, tree, F_LTK, buf, 1, 16);
      break;
    case 0x07:
      iot_tree_add_item (pkt, tree, &btsmp_fields[F_EDIV], buf, 1, 2, TRUE);
      add_bytes (pkt, tree, F_RANDOM, buf, 3, 8);
      break;
    case 0x08:
      add_bytes (pkt, tree, F_IRK, buf, 1, 16);
      break;
    case 0x09:
      iot_tree_add_item (pkt, tree, &btsmp_fields[F_ADDR_TYPE], buf, 1, 1, TRUE);
      for (guint i = 0; i < 6; i++)
        addr[i] = iot_buf_u8 (buf, 7 - i);
      iot_tree_add_ether (pkt, tree, &btsmp_fields[F_BD_ADDR], buf, 2, addr);
      break;
    case 0x0a:
      add_bytes (pkt, tree, F_CSRK, buf, 1, 16);
      break;
    case 0x0b:
      iot_col_append_info (pkt, ": ");
      add_authreq (pkt, tree, buf, 1);
      break;
    case 0x0c:
      add_bytes (pkt, tree, F_PUBKEY_X, buf, 1, 32);
      add_bytes (pkt, tree, F_PUBKEY_Y, buf, 33, 32);
      break;
    case 0x0d:
      add_bytes (pkt, tree, F_DHKEY_CHECK, buf, 1, 16);
      break;
    case 0x0e:
      iot_tree_add_item (pkt, tree, &btsmp_fields[F_NOTIFICATION], buf, 1, 1, TRUE);
      break;
    default:
      break;
    }
  return buf->length;
}

IotDissector iot_dissector_btsmp = {
  .name = "SMP",
  .abbrev = "btsmp",
  .long_name = "Bluetooth Security Manager Protocol",
  .fields = btsmp_fields,
  .n_fields = N_FIELDS,
  .experts = btsmp_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_btsmp,
  .handoff = { { "btl2cap.cid", 0x0006 } },
  .state_new = btsmp_state_new,
  .state_free = btsmp_state_free,
};
