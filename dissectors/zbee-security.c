/* zbee-security.c — the Zigbee auxiliary security header and CCM*
 * decryption (Zigbee PRO, 05-3474 section 4.5 and annex B).
 *
 * A secured NWK or APS frame carries, after its own header: a security
 * control byte (key identifier, "extended nonce" flag; the security level
 * is sent as 0 and is 5 — AES-128 encryption with a 32-bit MIC — in every
 * Zigbee PRO network), a 32-bit frame counter, optionally the sender's
 * EUI-64, and for network-key frames the key sequence number.  The payload
 * is AES-CCM* encrypted; the nonce is sender EUI-64 | frame counter |
 * security control (with the real level), both numbers little-endian as
 * on air, and the frame's headers up to the end of the auxiliary header
 * are authenticated with it.
 *
 * The APS layer uses keys derived from a link key with the keyed hash
 * HMAC-MMO: the key-transport key (input 0x00) protects Transport-Key
 * commands, the key-load key (input 0x02) protects link keys being loaded.
 */
#include "zbee-security.h"
#include "ccm-star.h"

#include <gcrypt.h>
#include <string.h>

extern IotDissector iot_dissector_zbee_nwk;

#define KEY_LEN 16
#define MIC_LEN 4
#define NONCE_LEN 13
#define SECURITY_LEVEL 5          /* ENC-MIC-32 */
#define LABEL_MAX 64

/* The well-known trust-centre link key every Zigbee 3.0 / HA device
 * accepts when it joins: "ZigBeeAlliance09" in ASCII. */
static const guint8 default_tc_link_key[KEY_LEN] = {
  'Z', 'i', 'g', 'B', 'e', 'e', 'A', 'l', 'l', 'i', 'a', 'n', 'c', 'e', '0', '9',
};
#define DEFAULT_TC_LINK_KEY_LABEL "ZigBeeAlliance09"

typedef struct {
  guint8  key[KEY_LEN];
  guint32 origin;
} LearnedKey;

typedef struct {
  GMutex  lock;
  GArray *keys;     /* LearnedKey */
} SecState;

static const IotValueName key_id_names[] = {
  { ZBEE_SEC_KEY_LINK, "Link Key" },
  { ZBEE_SEC_KEY_NWK, "Network Key" },
  { ZBEE_SEC_KEY_TRANSPORT, "Key-Transport Key" },
  { ZBEE_SEC_KEY_LOAD, "Key-Load Key" },
  IOT_VALUE_NAMES_END
};

gpointer
iot_zbee_sec_state_new (void)
{
  SecState *st = g_new0 (SecState, 1);

  g_mutex_init (&st->lock);
  st->keys = g_array_new (FALSE, TRUE, sizeof (LearnedKey));
  return st;
}

void
iot_zbee_sec_state_free (gpointer state)
{
  SecState *st = state;

  g_array_unref (st->keys);
  g_mutex_clear (&st->lock);
  g_free (st);
}

static void
ensure_gcrypt (void)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
      gcry_check_version (NULL);
      g_once_init_leave (&done, 1);
    }
}

static void
aes_encrypt_block (const guint8 key[KEY_LEN], const guint8 in[16], guint8 out[16])
{
  gcry_cipher_hd_t hd;

  ensure_gcrypt ();
  memset (out, 0, 16);
  if (gcry_cipher_open (&hd, GCRY_CIPHER_AES128, GCRY_CIPHER_MODE_ECB, 0))
    return;
  if (!gcry_cipher_setkey (hd, key, KEY_LEN))
    gcry_cipher_encrypt (hd, out, 16, in, 16);
  gcry_cipher_close (hd);
}

/* Matyas-Meyer-Oseas over AES-128 (annex B.6): each block is encrypted
 * under the hash so far and XORed with itself.  The message is padded
 * with a 1 bit, zeros, and its length in bits (16 bits, big-endian) so
 * that it fills whole blocks.  Messages here are at most two blocks plus
 * one byte, far below the 2^16-bit limit of that form. */
void
iot_zbee_sec_mmo_hash (const guint8 *data, gsize len, guint8 out[16])
{
  guint8 hash[16] = { 0 };
  gsize padded_len = ((len + 1 + 2 + 15) / 16) * 16;
  g_autofree guint8 *padded = g_malloc0 (padded_len);

  memcpy (padded, data, len);
  padded[len] = 0x80;
  padded[padded_len - 2] = (guint8) ((len * 8) >> 8);
  padded[padded_len - 1] = (guint8) (len * 8);
  for (gsize i = 0; i < padded_len; i += 16)
    {
      guint8 enc[16];

      aes_encrypt_block (hash, padded + i, enc);
      for (int k = 0; k < 16; k++)
        hash[k] = enc[k] ^ padded[i + k];
    }
  memcpy (out, hash, 16);
}

/* HMAC with the MMO hash (annex B.1.4), of a one-byte message: how the
 * key-transport (0x00) and key-load (0x02) keys come from a link key. */
void
iot_zbee_sec_key_hash (const guint8 key[16], guint8 input, guint8 out[16])
{
  guint8 inner_in[KEY_LEN + 1], outer_in[2 * KEY_LEN];

  for (int i = 0; i < KEY_LEN; i++)
    {
      inner_in[i] = key[i] ^ 0x36;
      outer_in[i] = key[i] ^ 0x5c;
    }
  inner_in[KEY_LEN] = input;
  iot_zbee_sec_mmo_hash (inner_in, sizeof inner_in, outer_in + KEY_LEN);
  iot_zbee_sec_mmo_hash (outer_in, sizeof outer_in, out);
}

gboolean
iot_zbee_sec_ccm_decrypt (const guint8 key[16], const guint8 nonce[13],
                          const guint8 *aad, gsize aad_len,
                          const guint8 *cipher, gsize len, const guint8 mic[4], guint8 *out)
{
  return iot_ccm_star_decrypt (key, nonce, aad, aad_len, cipher, len, mic, MIC_LEN, out, NULL);
}

void
iot_zbee_sec_learn_network_key (IotPacket *pkt, const guint8 key[16])
{
  SecState *st = iot_packet_state (pkt, &iot_dissector_zbee_nwk);
  LearnedKey entry;

  if (st == NULL || !iot_packet_first_pass (pkt))
    return;
  g_mutex_lock (&st->lock);
  for (guint i = 0; i < st->keys->len; i++)
    if (memcmp (g_array_index (st->keys, LearnedKey, i).key, key, KEY_LEN) == 0)
      {
        g_mutex_unlock (&st->lock);
        return;
      }
  memcpy (entry.key, key, KEY_LEN);
  entry.origin = iot_packet_frame_number (pkt);
  g_array_append_val (st->keys, entry);
  g_mutex_unlock (&st->lock);
}

/* One key to try, as the user or the capture gave it (before hashing). */
typedef struct {
  guint8   key[KEY_LEN];
  char     label[LABEL_MAX];   /* "" for a learned key */
  guint32  origin;             /* frame it was learned in, 0 for the others */
  gboolean is_default;
} Candidate;

/* The n-th key to try: learned network keys, then the user's, then the
 * default trust-centre link key.  FALSE past the last. */
static gboolean
candidate_key (IotPacket *pkt, guint n, Candidate *out)
{
  SecState *st = iot_packet_state (pkt, &iot_dissector_zbee_nwk);
  guint n_learned = 0;

  memset (out, 0, sizeof *out);
  if (st != NULL)
    {
      g_mutex_lock (&st->lock);
      n_learned = st->keys->len;
      if (n < n_learned)
        {
          const LearnedKey *k = &g_array_index (st->keys, LearnedKey, n);

          memcpy (out->key, k->key, KEY_LEN);
          out->origin = k->origin;
        }
      g_mutex_unlock (&st->lock);
      if (n < n_learned)
        return TRUE;
    }
  n -= n_learned;
  if (iot_secrets_zigbee_key (iot_secrets_default (), n, out->key, out->label, sizeof out->label))
    {
      out->is_default = memcmp (out->key, default_tc_link_key, KEY_LEN) == 0;
      return TRUE;
    }
  /* One past the user's keys comes the default one. */
  if (n > 0 && !iot_secrets_zigbee_key (iot_secrets_default (), n - 1, out->key, NULL, 0))
    return FALSE;
  memcpy (out->key, default_tc_link_key, KEY_LEN);
  g_strlcpy (out->label, DEFAULT_TC_LINK_KEY_LABEL, sizeof out->label);
  out->is_default = TRUE;
  return TRUE;
}

/* The key CCM* runs with for @key_id, from the key as given. */
static void
working_key (const guint8 key[KEY_LEN], guint key_id, guint8 out[KEY_LEN])
{
  if (key_id == ZBEE_SEC_KEY_TRANSPORT)
    iot_zbee_sec_key_hash (key, 0x00, out);
  else if (key_id == ZBEE_SEC_KEY_LOAD)
    iot_zbee_sec_key_hash (key, 0x02, out);
  else
    memcpy (out, key, KEY_LEN);
}

/* The EUI-64 at @off, most significant byte first, in packet memory (the
 * tree keeps a pointer to it). */
static const guint8 *
add_src64 (IotPacket *pkt, int tree, const IotField *field, IotBuf *buf, guint off)
{
  const guint8 *p = iot_buf_ptr (buf, off, 8);
  guint8 *eui = iot_packet_alloc (pkt, 8);

  for (int i = 0; i < 8; i++)
    eui[i] = p[7 - i];
  iot_tree_add_bytes (pkt, tree, field, buf, off, 8, eui, 8);
  return eui;
}

/* Tries every candidate key; fills @found and @out on success. */
static gboolean
try_keys (IotPacket *pkt, guint key_id, const guint8 nonce[NONCE_LEN], const guint8 *aad, gsize aad_len,
          const guint8 *cipher, gsize len, const guint8 *mic, Candidate *found, guint8 *out)
{
  for (guint n = 0; candidate_key (pkt, n, found); n++)
    {
      guint8 key[KEY_LEN];

      working_key (found->key, key_id, key);
      if (iot_zbee_sec_ccm_decrypt (key, nonce, aad, aad_len, cipher, len, mic, out))
        return TRUE;
    }
  return FALSE;
}

gboolean
iot_zbee_sec_dissect (IotPacket *pkt, int tree, IotBuf *buf, guint off,
                      const guint8 *src64, IotZbeeSecResult *result, IotBuf *plain)
{
  const IotField *f = iot_zbee_sec_fields ();
  const IotExpertInfo *experts = iot_zbee_sec_experts ();
  guint8 control = iot_buf_u8 (buf, off);
  guint key_id = (control >> 3) & 3, p = off + 1;
  gboolean ext_nonce = (control & 0x20) != 0;
  guint32 counter;
  int sec, node;
  guint payload_len;
  const guint8 *mic;
  Candidate found;

  memset (result, 0, sizeof *result);
  result->key_id = key_id;
  sec = iot_tree_add_text (pkt, tree, buf, off, 1, "ZigBee Security Header");
  node = iot_tree_add_item (pkt, sec, &f[ZBEE_SEC_F_FIELD], buf, off, 1, FALSE);
  iot_tree_set_label (pkt, node, "Security Control Field: 0x%02x, Key Id: %s%s", control,
                      iot_value_name (key_id_names, key_id), ext_nonce ? ", Extended Nonce" : "");
  iot_tree_add_item (pkt, node, &f[ZBEE_SEC_F_KEY_ID], buf, off, 1, FALSE);
  iot_tree_add_item (pkt, node, &f[ZBEE_SEC_F_EXT_NONCE], buf, off, 1, FALSE);
  counter = iot_buf_u32le (buf, p);
  iot_tree_add_item (pkt, sec, &f[ZBEE_SEC_F_COUNTER], buf, p, 4, TRUE);
  p += 4;
  if (ext_nonce)
    {
      src64 = add_src64 (pkt, sec, &f[ZBEE_SEC_F_SRC64], buf, p);
      p += 8;
    }
  if (key_id == ZBEE_SEC_KEY_NWK)
    {
      iot_tree_add_item (pkt, sec, &f[ZBEE_SEC_F_KEY_SEQNO], buf, p, 1, FALSE);
      p += 1;
    }
  if (buf->reported < p + MIC_LEN)
    iot_malformed (pkt, "Secured frame shorter than its security header and MIC");
  payload_len = buf->reported - p - MIC_LEN;
  iot_tree_set_length (pkt, sec, p - off);
  if (buf->length < buf->reported)
    {
      /* The MIC is at the end, past what was captured. */
      *plain = iot_buf_sub (buf, p, -1);
      iot_expert_add_info (pkt, sec, &experts[ZBEE_SEC_E_ENCRYPTED_PAYLOAD_SLICED], NULL);
      return FALSE;
    }
  mic = iot_buf_ptr (buf, p + payload_len, MIC_LEN);
  iot_tree_add_item (pkt, sec, &f[ZBEE_SEC_F_MIC], buf, p + payload_len, MIC_LEN, FALSE);
  iot_tree_set_length (pkt, sec, p + payload_len + MIC_LEN - off);
  *plain = iot_buf_sub (buf, p, payload_len);
  if (src64 == NULL)
    {
      iot_expert_add_info (pkt, sec, &experts[ZBEE_SEC_E_EXTENDED_SOURCE_UNKNOWN], NULL);
      return FALSE;
    }
  {
    guint8 nonce[NONCE_LEN];
    guint8 *aad = iot_packet_alloc (pkt, p);
    guint8 *out = iot_packet_alloc (pkt, payload_len ? payload_len : 1);
    guint8 *key_copy;

    for (int i = 0; i < 8; i++)
      nonce[i] = src64[7 - i];
    nonce[8] = counter & 0xff;
    nonce[9] = (counter >> 8) & 0xff;
    nonce[10] = (counter >> 16) & 0xff;
    nonce[11] = counter >> 24;
    nonce[12] = (control & ~0x07) | SECURITY_LEVEL;
    memcpy (aad, iot_buf_ptr (buf, 0, p), p);
    aad[off] = nonce[12];
    if (!try_keys (pkt, key_id, nonce, aad, p, iot_buf_ptr (buf, p, payload_len), payload_len, mic,
                   &found, out))
      {
        iot_expert_add_info (pkt, sec, &experts[ZBEE_SEC_E_ENCRYPTED_PAYLOAD], NULL);
        return FALSE;
      }
    key_copy = iot_packet_alloc (pkt, KEY_LEN);
    memcpy (key_copy, found.key, KEY_LEN);
    iot_zbee_tap (pkt, IOT_TAP_ZIGBEE_SEC_KEY, 0, key_copy);
    node = iot_tree_add_bytes (pkt, sec, &f[ZBEE_SEC_F_KEY], NULL, 0, 0, key_copy, KEY_LEN);
    iot_tree_set_generated (pkt, node);
    if (found.origin != 0)
      node = iot_tree_add_uint (pkt, sec, &f[ZBEE_SEC_F_KEY_ORIGIN], NULL, 0, 0, found.origin);
    else
      node = iot_tree_add_string (pkt, sec, &f[ZBEE_SEC_F_DECRYPTION_KEY], NULL, 0, 0, found.label, -1);
    iot_tree_set_generated (pkt, node);
    result->decrypted = TRUE;
    result->default_tc_key = found.is_default;
    *plain = iot_packet_add_source (pkt, "Decrypted ZigBee Payload", out, payload_len);
    return TRUE;
  }
}

void
iot_zbee_tap (IotPacket *pkt, IotTapZigbeeKind kind, guint32 value, const guint8 *key)
{
  IotTapZigbee rec = { (guint8) kind, value, key };

  iot_tap_queue (pkt, IOT_TAP_ZIGBEE, &rec);
}
