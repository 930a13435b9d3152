/* ccm-star.c — AES-CCM* and Thread key derivation (see ccm-star.h).
 *
 * CCM* is CCM (RFC 3610) with a 13-byte nonce and two-byte length field,
 * plus the encryption-only levels without a MIC.  libgcrypt's CCM mode does
 * the work when there is a MIC; without one the payload is plain CTR from
 * counter block 1.  The decrypted MIC (what the sender's CBC-MAC gave) is
 * the received MIC XORed with the key stream of counter block 0. */
#include "ccm-star.h"

#include <gcrypt.h>
#include <string.h>

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

/* Counter block @i: flags (L - 1 = 1), nonce, two-byte counter. */
static void
counter_block (const guint8 nonce[IOT_CCM_NONCE_LEN], guint16 i, guint8 block[16])
{
  block[0] = 0x01;
  memcpy (block + 1, nonce, IOT_CCM_NONCE_LEN);
  block[14] = i >> 8;
  block[15] = i & 0xff;
}

static gboolean
ctr_crypt (const guint8 key[IOT_CCM_KEY_LEN], const guint8 first_block[16],
           const guint8 *in, gsize len, guint8 *out)
{
  gcry_cipher_hd_t hd;
  gcry_error_t err;

  if (gcry_cipher_open (&hd, GCRY_CIPHER_AES128, GCRY_CIPHER_MODE_CTR, 0))
    return FALSE;
  err = gcry_cipher_setkey (hd, key, IOT_CCM_KEY_LEN);
  if (!err)
    err = gcry_cipher_setctr (hd, first_block, 16);
  if (!err && len > 0)
    err = gcry_cipher_decrypt (hd, out, len, in, len);
  gcry_cipher_close (hd);
  return err == 0;
}

gboolean
iot_ccm_star_decrypt (const guint8 key[IOT_CCM_KEY_LEN], const guint8 nonce[IOT_CCM_NONCE_LEN],
                      const guint8 *aad, gsize aad_len, const guint8 *cipher, gsize len,
                      const guint8 *mic, guint mic_len, guint8 *out, guint8 *tag_out)
{
  guint8 block[16];
  gcry_cipher_hd_t hd;
  gcry_error_t err;
  guint64 lengths[3] = { len, aad_len, mic_len };

  ensure_gcrypt ();
  if (tag_out != NULL && mic_len > 0)
    {
      guint8 stream[16];

      counter_block (nonce, 0, block);
      if (!ctr_crypt (key, block, mic, mic_len, stream))
        return FALSE;
      memcpy (tag_out, stream, mic_len);
    }
  if (mic_len == 0)
    {
      counter_block (nonce, 1, block);
      return ctr_crypt (key, block, cipher, len, out);
    }
  if (mic_len != 4 && mic_len != 8 && mic_len != 16)
    return FALSE;
  if (gcry_cipher_open (&hd, GCRY_CIPHER_AES128, GCRY_CIPHER_MODE_CCM, 0))
    return FALSE;
  err = gcry_cipher_setkey (hd, key, IOT_CCM_KEY_LEN);
  if (!err)
    err = gcry_cipher_setiv (hd, nonce, IOT_CCM_NONCE_LEN);
  if (!err)
    err = gcry_cipher_ctl (hd, GCRYCTL_SET_CCM_LENGTHS, lengths, sizeof lengths);
  if (!err)
    err = gcry_cipher_authenticate (hd, aad, aad_len);
  if (!err)
    err = gcry_cipher_decrypt (hd, out, len, cipher, len);
  if (!err)
    err = gcry_cipher_checktag (hd, mic, mic_len);
  gcry_cipher_close (hd);
  return err == 0;
}

void
iot_ccm_star_nonce (const guint8 src64[8], guint32 frame_counter, guint8 level,
                    guint8 nonce[IOT_CCM_NONCE_LEN])
{
  memcpy (nonce, src64, 8);
  nonce[8] = frame_counter >> 24;
  nonce[9] = (frame_counter >> 16) & 0xff;
  nonce[10] = (frame_counter >> 8) & 0xff;
  nonce[11] = frame_counter & 0xff;
  nonce[12] = level;
}

/* HMAC-SHA256 of @message under the 16-byte @key; FALSE if libgcrypt fails. */
static gboolean
hmac_sha256 (const guint8 key[IOT_CCM_KEY_LEN], const guint8 *message, gsize len, guint8 digest[32])
{
  gcry_md_hd_t md;
  gboolean ok = FALSE;

  ensure_gcrypt ();
  if (gcry_md_open (&md, GCRY_MD_SHA256, GCRY_MD_FLAG_HMAC))
    return FALSE;
  if (gcry_md_setkey (md, key, IOT_CCM_KEY_LEN) == 0)
    {
      gcry_md_write (md, message, len);
      memcpy (digest, gcry_md_read (md, GCRY_MD_SHA256), 32);
      ok = TRUE;
    }
  gcry_md_close (md);
  return ok;
}

void
iot_thread_derive_keys (const guint8 network_key[IOT_CCM_KEY_LEN], guint32 key_sequence,
                        guint8 mle_key[IOT_CCM_KEY_LEN], guint8 mac_key[IOT_CCM_KEY_LEN])
{
  guint8 message[10] = { key_sequence >> 24, (key_sequence >> 16) & 0xff, (key_sequence >> 8) & 0xff,
                         key_sequence & 0xff, 'T', 'h', 'r', 'e', 'a', 'd' };
  guint8 digest[32];

  if (!hmac_sha256 (network_key, message, sizeof message, digest))
    return;
  if (mle_key != NULL)
    memcpy (mle_key, digest, IOT_CCM_KEY_LEN);
  if (mac_key != NULL)
    memcpy (mac_key, digest + IOT_CCM_KEY_LEN, IOT_CCM_KEY_LEN);
}

void
iot_zigbee_ip_derive_key (const guint8 key[IOT_CCM_KEY_LEN], guint8 out[IOT_CCM_KEY_LEN])
{
  static const guint8 label[8] = { 'Z', 'i', 'g', 'B', 'e', 'e', 'I', 'P' };
  guint8 digest[32];

  if (hmac_sha256 (key, label, sizeof label, digest))
    memcpy (out, digest + IOT_CCM_KEY_LEN, IOT_CCM_KEY_LEN);
}
