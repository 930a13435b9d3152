/* eapol.c — EAP over LAN, here its Key frames: the WPA2 4-way handshake
 * in which access point and station prove they share the passphrase and
 * derive this session's keys.  With the passphrase configured, message 2
 * reveals which key is right, and message 3's encrypted key data (the
 * group key) is decrypted. */
#include "iot-dissector.h"
#include "ieee80211.h"
#include "iot-wpa.h"

enum {
  F_PROTO,
  F_VERSION,
  F_TYPE,
  F_LEN,
  F_KEYDES_TYPE,
  F_MSGNR,
  F_KEY_INFO,
  F_KI_VERSION,
  F_KI_TYPE,
  F_KI_INDEX,
  F_KI_INSTALL,
  F_KI_ACK,
  F_KI_MIC,
  F_KI_SECURE,
  F_KI_ERROR,
  F_KI_REQUEST,
  F_KI_ENCRYPTED,
  F_KI_SMK,
  F_KEY_LEN,
  F_REPLAY,
  F_NONCE,
  F_KEY_IV,
  F_RSC,
  F_ID,
  F_MIC,
  F_DATA_LEN,
  F_DATA,
  F_PADDING,
  F_ANALYSIS_KCK,
  F_ANALYSIS_KEK,
  F_MIC_VERIFIED,
  N_FIELDS
};

static const IotValueName type_names[] = {
  { 0, "EAP Packet" }, { 1, "Start" }, { 2, "Logoff" }, { 3, "Key" }, { 4, "Encapsulated ASF Alert" },
  IOT_VALUE_NAMES_END
};

static const IotValueName keydes_names[] = {
  { 1, "RC4 Descriptor" }, { 2, "EAPOL RSN Key" }, { 254, "EAPOL WPA Key" },
  IOT_VALUE_NAMES_END
};

static const IotValueName keydes_version_names[] = {
  { 1, "RC4 Cipher, HMAC-MD5 MIC" }, { 2, "AES Cipher, HMAC-SHA1 MIC" }, { 3, "AES Cipher, AES-128-CMAC MIC" },
  IOT_VALUE_NAMES_END
};

#define KI(field, abbrev, name, mask, text) \
  [field] = { "wlan_rsna_eapol.keydes.key_info." abbrev, name, IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, mask, text, \
    "Set", "Not set", 16 }

enum {
  E_UNWRAP,
  E_NO_KEY_MATCH,
  E_VERIFIED,
  N_EXPERTS
};

static IotExpertInfo eapol_experts[N_EXPERTS] = {
  [E_UNWRAP] = IOT_EXPERT_INFO ("eapol.keydes.data.unwrap_failed", IOT_SEV_WARN, IOT_GROUP_SECURITY, "Key data could not be unwrapped",
                              "The encrypted key data (the group key) does not unwrap with the key derived from this handshake."),
  [E_NO_KEY_MATCH] = IOT_EXPERT_INFO ("eapol.keydes.mic.no_match", IOT_SEV_WARN, IOT_GROUP_SECURITY, "No configured key produces this handshake's MIC",
                              "Message 2's integrity code does not verify with any key given: the station used another passphrase (a failed join), or the key list lacks this network's."),
  [E_VERIFIED] = IOT_EXPERT_INFO ("eapol.keydes.mic.verified", IOT_SEV_CHAT, IOT_GROUP_SECURITY, "Handshake verified with a configured key",
                              "A configured key produces message 2's integrity code: this station's traffic in this session can be decrypted."),
};

static IotField eapol_fields[N_FIELDS] = {
  [F_PROTO] = { "eapol", "802.1X Authentication", IOT_FT_PROTOCOL, .blurb =
    "EAP over LAN: authentication and key exchange before a station may send data. WPA2-Personal uses only its "
    "Key frames, the 4-way handshake." },
  [F_VERSION] = { "eapol.version", "Version", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0, "802.1X version." },
  [F_TYPE] = { "eapol.type", "Type", IOT_FT_UINT8, IOT_BASE_DEC, type_names, 0, "What the frame carries: 3 = Key (the WPA handshake), 0 = EAP (enterprise login)." },
  [F_LEN] = { "eapol.len", "Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0, "Bytes after this header." },
  [F_KEYDES_TYPE] = { "eapol.keydes.type", "Key Descriptor Type", IOT_FT_UINT8, IOT_BASE_DEC, keydes_names, 0,
    "2 = RSN (WPA2/WPA3)." },
  [F_MSGNR] = { "wlan_rsna_eapol.keydes.msgnr", "Message number", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Which of the four handshake messages this is, from its flags. 1: AP sends its nonce; 2: station answers "
    "with its nonce and a MIC (proof it knows the passphrase); 3: AP proves it too and sends the group key; "
    "4: station confirms." },
  [F_KEY_INFO] = { "wlan_rsna_eapol.keydes.key_info", "Key Information", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Flags that say what this key message does." },
  [F_KI_VERSION] = { "wlan_rsna_eapol.keydes.key_info.keydes_version", "Key Descriptor Version", IOT_FT_UINT16,
    IOT_BASE_DEC, keydes_version_names, 0x0007, "Which MIC and key-wrap algorithms are used." },
  [F_KI_TYPE] = { "wlan_rsna_eapol.keydes.key_info.key_type", "Key Type", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL,
    0x0008, "Pairwise (per station) or group key.", "Pairwise Key", "Group Key", 16 },
  [F_KI_INDEX] = { "wlan_rsna_eapol.keydes.key_info.key_index", "Key Index", IOT_FT_UINT16, IOT_BASE_DEC, NULL,
    0x0030, "Key index (0 for RSN)." },
  KI (F_KI_INSTALL, "install", "Install", 0x0040, "Install the pairwise key now (message 3)."),
  KI (F_KI_ACK, "key_ack", "Key ACK", 0x0080, "Sent by the access point, expecting an answer."),
  KI (F_KI_MIC, "key_mic", "Key MIC", 0x0100, "The frame carries a MIC computed with the derived key."),
  KI (F_KI_SECURE, "secure", "Secure", 0x0200, "The keys are in place."),
  KI (F_KI_ERROR, "error", "Error", 0x0400, "A MIC failure report."),
  KI (F_KI_REQUEST, "request", "Request", 0x0800, "The station asks for a new handshake."),
  KI (F_KI_ENCRYPTED, "encrypted_key_data", "Encrypted Key Data", 0x1000, "The key data is encrypted with the KEK."),
  KI (F_KI_SMK, "smk_message", "SMK Message", 0x2000, "PeerKey handshake message."),
  [F_KEY_LEN] = { "eapol.keydes.key_len", "Key Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Length of the pairwise key: 16 for CCMP." },
  [F_REPLAY] = { "eapol.keydes.replay_counter", "Replay Counter", IOT_FT_UINT64, IOT_BASE_DEC, NULL, 0,
    "Grows with each new request from the AP; the answer repeats it." },
  [F_NONCE] = { "wlan_rsna_eapol.keydes.nonce", "WPA Key Nonce", IOT_FT_BYTES, .blurb =
    "A random number (ANonce from the AP, SNonce from the station). Both go into the session key." },
  [F_KEY_IV] = { "eapol.keydes.key_iv", "Key IV", IOT_FT_BYTES, .blurb = "Unused with AES key wrap (zero)." },
  [F_RSC] = { "wlan_rsna_eapol.keydes.rsc", "WPA Key RSC", IOT_FT_BYTES, .blurb =
    "Receive sequence counter of the group key." },
  [F_ID] = { "wlan_rsna_eapol.keydes.id", "WPA Key ID", IOT_FT_BYTES, .blurb = "Reserved bytes, always zero." },
  [F_MIC] = { "wlan_rsna_eapol.keydes.mic", "WPA Key MIC", IOT_FT_BYTES, .blurb =
    "Integrity code over the frame with the KCK. With a captured message 1 and 2, an attacker can test "
    "passphrase guesses offline against it: weak passphrases fall quickly." },
  [F_DATA_LEN] = { "wlan_rsna_eapol.keydes.data_len", "WPA Key Data Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Bytes of key data." },
  [F_DATA] = { "wlan_rsna_eapol.keydes.data", "WPA Key Data", IOT_FT_BYTES, .blurb =
    "Information elements (the station's RSN element in message 2; encrypted group key in message 3)." },
  [F_PADDING] = { "wlan_rsna_eapol.keydes.padding", "WPA Key Data Padding", IOT_FT_BYTES, .blurb =
    "Padding to a multiple of 8 bytes for AES key wrap." },
  [F_ANALYSIS_KCK] = { "wlan.analysis.kck", "KCK", IOT_FT_STRING, .blurb =
    "Key confirmation key: the first 16 bytes of the session key, used for the handshake MICs." },
  [F_ANALYSIS_KEK] = { "wlan.analysis.kek", "KEK", IOT_FT_STRING, .blurb =
    "Key encryption key: the next 16 bytes, used to wrap the group key in message 3." },
  /* Not in tshark 4.0, which says it only in its expert text. */
  [F_MIC_VERIFIED] = { "wlan_rsna_eapol.keydes.mic_verified", "MIC verified with a configured key", IOT_FT_BOOLEAN,
    .blurb = "Whether a passphrase or PSK from the Wi-Fi keys produces this message 2's MIC. False means the "
    "station derived its key from another passphrase: a wrong Wi-Fi password (or the key list lacks the "
    "network's). Absent when no key for the network was configured.", .true_word = "True",
    .false_word = "False" },
};

extern IotDissector iot_dissector_eapol;

/* Frames whose message 2 no configured key could verify, and those one
 * did (a station may repeat the handshake: each message 2 is judged on
 * its own, not by the last one of its pair). */
typedef struct {
  GHashTable *mic_failures;
  GHashTable *mic_verified;
} EapolState;

static gpointer
eapol_state_new (void)
{
  EapolState *state = g_new0 (EapolState, 1);
  state->mic_failures = g_hash_table_new (g_direct_hash, g_direct_equal);
  state->mic_verified = g_hash_table_new (g_direct_hash, g_direct_equal);
  return state;
}

static void
eapol_state_free (gpointer data)
{
  EapolState *state = data;
  g_hash_table_destroy (state->mic_failures);
  g_hash_table_destroy (state->mic_verified);
  g_free (state);
}

static guint
message_number (guint info, gboolean zero_nonce)
{
  gboolean ack = info & 0x0080, mic = info & 0x0100, install = info & 0x0040, secure = info & 0x0200;

  if (ack && !mic)
    return 1;
  if (ack && mic && install)
    return 3;
  if (!ack && mic)
    return secure || zero_nonce ? 4 : 2;
  return 0;
}

static char *
hex_string (IotPacket *pkt, const guint8 *data, gsize len)
{
  char *out = iot_packet_alloc (pkt, len * 2 + 1);

  for (gsize i = 0; i < len; i++)
    g_snprintf (out + 2 * i, 3, "%02x", data[i]);
  return out;
}

/* Message 2: does a configured passphrase produce its MIC? */
static void
check_message_2 (IotPacket *pkt, const IotBuf *buf, guint version)
{
  IotWlanPair *pair = iot_wlan_current_pair (pkt);
  g_autoptr (GPtrArray) pmks = NULL;
  g_autofree guint8 *copy = NULL;
  const guint8 *ssid;
  gsize ssid_len, len = buf->length;

  if (!pair || !pair->has_anonce || !iot_wpa_enabled () || !iot_packet_first_pass (pkt) || len < 97)
    return;
  ssid = iot_wlan_current_ssid (pkt, &ssid_len);
  if (!ssid)
    return;
  copy = g_memdup2 (iot_buf_ptr (buf, 0, len), len);
  memset (copy + 81, 0, 16);
  pmks = iot_wpa_candidate_pmks (ssid, ssid_len);
  for (guint i = 0; i < pmks->len; i++)
    {
      guint8 ptk[48], mic[16];

      iot_wpa_derive_ptk (pmks->pdata[i], pair->ap, pair->sta, pair->anonce, iot_buf_ptr (buf, 17, 32), ptk, 48);
      if (iot_wpa_eapol_mic (version, ptk, copy, len, mic) && memcmp (mic, iot_buf_ptr (buf, 81, 16), 16) == 0)
        {
          memcpy (pair->pmk, pmks->pdata[i], 32);
          memcpy (pair->ptk, ptk, 48);
          pair->has_ptk = TRUE;
          pair->ptk_frame = iot_packet_frame_number (pkt);
          g_hash_table_add (((EapolState *) iot_packet_state (pkt, &iot_dissector_eapol))->mic_verified,
                            GUINT_TO_POINTER (pair->ptk_frame));
          return;
        }
    }
  pair->failed_frame = iot_packet_frame_number (pkt);
  g_hash_table_add (((EapolState *) iot_packet_state (pkt, &iot_dissector_eapol))->mic_failures,
                    GUINT_TO_POINTER (iot_packet_frame_number (pkt)));
}

/* Whether message 2's MIC verified, for the analyses (IotTapWlan). */
static void
set_mic_verified (IotPacket *pkt, gboolean verified)
{
  IotTapWlan *rec = iot_wlan_current_record (pkt);

  if (rec != NULL)
    rec->mic_verified = verified;
}

static void
dissect_key_data (IotPacket *pkt, const IotBuf *buf, guint off, guint len, guint msgnr, guint info, int tree)
{
  IotWlanPair *pair = iot_wlan_current_pair (pkt);
  int node = iot_tree_add_item (pkt, tree, &eapol_fields[F_DATA], buf, off, len, FALSE);
  IotBuf data;
  int n;

  if (!(info & 0x1000))
    {
      data = iot_buf_sub (buf, off, len);
      iot_wlan_dissect_tags (pkt, &data, 0, node);
      return;
    }
  if (msgnr != 3 || !pair || !pair->has_ptk || !iot_wpa_enabled () || len < 24 || len % 8)
    return;
  {
    guint8 *plain = iot_packet_alloc (pkt, len - 8);
    guint used = 0;

    if (!iot_wpa_aes_unwrap (pair->ptk + 16, iot_buf_ptr (buf, off, len), len, plain))
      {
        iot_expert_add_info (pkt, node, &eapol_experts[E_UNWRAP], "Key data could not be unwrapped");
        return;
      }
    data = iot_packet_add_source (pkt, "Decrypted EAPOL key data", plain, len - 8);
    /* Elements until the 0xdd 0x00 padding. */
    while (used + 2 <= data.length && !(plain[used] == 0xdd && plain[used + 1] == 0))
      used += 2 + plain[used + 1];
    used = MIN (used, data.length);
    {
      IotBuf elements = iot_buf_sub (&data, 0, used);
      iot_wlan_dissect_tags (pkt, &elements, 0, node);
    }
    if (used < data.length)
      iot_tree_add_item (pkt, node, &eapol_fields[F_PADDING], &data, used, data.length - used, FALSE);
    n = iot_tree_add_string (pkt, node, &eapol_fields[F_ANALYSIS_KCK], NULL, 0, 0, hex_string (pkt, pair->ptk, 16), -1);
    iot_tree_set_generated (pkt, n);
    n = iot_tree_add_string (pkt, node, &eapol_fields[F_ANALYSIS_KEK], NULL, 0, 0,
                             hex_string (pkt, pair->ptk + 16, 16), -1);
    iot_tree_set_generated (pkt, n);
  }
}

static int
dissect_eapol (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint type = iot_buf_u8 (buf, 1), len = iot_buf_u16 (buf, 2);
  IotBuf body;
  int tree, node;

  iot_col_set_protocol (pkt, "EAPOL");
  tree = iot_tree_add_protocol (pkt, parent, &eapol_fields[F_PROTO], buf, 0, 4 + len);
  iot_tree_add_item (pkt, tree, &eapol_fields[F_VERSION], buf, 0, 1, FALSE);
  iot_tree_add_item (pkt, tree, &eapol_fields[F_TYPE], buf, 1, 1, FALSE);
  iot_tree_add_item (pkt, tree, &eapol_fields[F_LEN], buf, 2, 2, FALSE);
  iot_col_set_info (pkt, iot_value_name (type_names, type) ?: "Unknown");
  body = iot_buf_sub (buf, 0, 4 + len);
  if (type != 3)
    return buf->length;

  iot_tree_add_item (pkt, tree, &eapol_fields[F_KEYDES_TYPE], &body, 4, 1, FALSE);
  if (iot_buf_u8 (&body, 4) == 2 || iot_buf_u8 (&body, 4) == 254)
    {
      guint info = iot_buf_u16 (&body, 5), data_len = iot_buf_u16 (&body, 97), msgnr;
      static const guint8 zero[32];
      gboolean zero_nonce = memcmp (iot_buf_ptr (&body, 17, 32), zero, 32) == 0;

      msgnr = message_number (info, zero_nonce);
      if (msgnr)
        {
          IotTapWlan *rec = iot_wlan_current_record (pkt);

          if (rec != NULL)
            rec->eapol_msgnr = (gint8) msgnr;
          node = iot_tree_add_uint (pkt, tree, &eapol_fields[F_MSGNR], NULL, 0, 0, msgnr);
          iot_tree_set_generated (pkt, node);
          iot_col_printf_info (pkt, "Key (Message %u of 4)", msgnr);
        }
      node = iot_tree_add_item (pkt, tree, &eapol_fields[F_KEY_INFO], &body, 5, 2, FALSE);
      for (int f = F_KI_VERSION; f <= F_KI_SMK; f++)
        iot_tree_add_item (pkt, node, &eapol_fields[f], &body, 5, 2, FALSE);
      iot_tree_add_item (pkt, tree, &eapol_fields[F_KEY_LEN], &body, 7, 2, FALSE);
      iot_tree_add_item (pkt, tree, &eapol_fields[F_REPLAY], &body, 9, 8, FALSE);
      iot_tree_add_item (pkt, tree, &eapol_fields[F_NONCE], &body, 17, 32, FALSE);
      iot_tree_add_item (pkt, tree, &eapol_fields[F_KEY_IV], &body, 49, 16, FALSE);
      iot_tree_add_item (pkt, tree, &eapol_fields[F_RSC], &body, 65, 8, FALSE);
      iot_tree_add_item (pkt, tree, &eapol_fields[F_ID], &body, 73, 8, FALSE);
      iot_tree_add_item (pkt, tree, &eapol_fields[F_MIC], &body, 81, 16, FALSE);
      iot_tree_add_item (pkt, tree, &eapol_fields[F_DATA_LEN], &body, 97, 2, FALSE);

      if (msgnr == 1 || msgnr == 3)
        {
          IotWlanPair *pair = iot_wlan_current_pair (pkt);
          if (pair && iot_packet_first_pass (pkt))
            {
              memcpy (pair->anonce, iot_buf_ptr (&body, 17, 32), 32);
              pair->has_anonce = TRUE;
            }
        }
      if (msgnr == 2)
        {
          EapolState *state = iot_packet_state (pkt, &iot_dissector_eapol);

          gpointer number = GUINT_TO_POINTER (iot_packet_frame_number (pkt));
          int verdict;

          check_message_2 (pkt, &body, info & 0x7);
          if (g_hash_table_contains (state->mic_failures, number))
            {
              set_mic_verified (pkt, FALSE);
              verdict = iot_tree_add_boolean (pkt, tree, &eapol_fields[F_MIC_VERIFIED], &body, 81, 16, FALSE);
              iot_tree_set_generated (pkt, verdict);
              iot_expert_add_info (pkt, tree, &eapol_experts[E_NO_KEY_MATCH], "No configured WPA key produces this handshake's MIC: the station used another "
                              "passphrase (a failed join), or the key list lacks this network's");
            }
          else if (g_hash_table_contains (state->mic_verified, number))
            {
              set_mic_verified (pkt, TRUE);
              verdict = iot_tree_add_boolean (pkt, tree, &eapol_fields[F_MIC_VERIFIED], &body, 81, 16, TRUE);
              iot_tree_set_generated (pkt, verdict);
              iot_expert_add_info (pkt, tree, &eapol_experts[E_VERIFIED], "Handshake verified with a configured key: this session's traffic can be decrypted");
            }
        }
      if (data_len)
        dissect_key_data (pkt, &body, 99, data_len, msgnr, info, tree);
    }
  return buf->length;
}

IotDissector iot_dissector_eapol = {
  .name = "EAPOL",
  .abbrev = "eapol",
  .long_name = "802.1X Authentication",
  .fields = eapol_fields,
  .n_fields = N_FIELDS,
  .experts = eapol_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_eapol,
  .handoff = { { "ethertype", 0x888e } },
  .state_new = eapol_state_new,
  .state_free = eapol_state_free,
};
