/* tls-crypto.c — key schedules and record decryption (see tls-crypto.h). */
#include "tls-crypto.h"

#include <gcrypt.h>
#include <string.h>

#define SUITE(id, mode, key, mac_md, mac_len, prf, psk) \
  { id, TLS_MODE_##mode, key, mac_md, mac_len, prf, psk }
#define GCM128(id, psk) SUITE (id, AES_GCM, 16, 0, 0, GCRY_MD_SHA256, psk)
#define GCM256(id, psk) SUITE (id, AES_GCM, 32, 0, 0, GCRY_MD_SHA384, psk)
#define CCM(id, key, psk) SUITE (id, AES_CCM, key, 0, 0, GCRY_MD_SHA256, psk)
#define CCM8(id, key, psk) SUITE (id, AES_CCM_8, key, 0, 0, GCRY_MD_SHA256, psk)
#define CHACHA(id, psk) SUITE (id, CHACHA20_POLY1305, 32, 0, 0, GCRY_MD_SHA256, psk)
#define CBC_SHA(id, key, psk) SUITE (id, AES_CBC, key, GCRY_MD_SHA1, 20, GCRY_MD_SHA256, psk)
#define CBC_SHA256(id, key, psk) SUITE (id, AES_CBC, key, GCRY_MD_SHA256, 32, GCRY_MD_SHA256, psk)
#define CBC_SHA384(id, key, psk) SUITE (id, AES_CBC, key, GCRY_MD_SHA384, 48, GCRY_MD_SHA384, psk)

static const TlsSuiteInfo suites[] = {
  /* TLS 1.3 */
  GCM128 (0x1301, FALSE), GCM256 (0x1302, FALSE), CHACHA (0x1303, FALSE),
  CCM (0x1304, 16, FALSE), CCM8 (0x1305, 16, FALSE),
  /* AES-GCM */
  GCM128 (0x009c, FALSE), GCM128 (0x009e, FALSE), GCM128 (0xc02b, FALSE), GCM128 (0xc02f, FALSE),
  GCM128 (0x00a8, TRUE), GCM128 (0x00aa, FALSE), GCM128 (0xd001, FALSE),
  GCM256 (0x009d, FALSE), GCM256 (0x009f, FALSE), GCM256 (0xc02c, FALSE), GCM256 (0xc030, FALSE),
  GCM256 (0x00a9, TRUE), GCM256 (0x00ab, FALSE), GCM256 (0xd002, FALSE),
  /* AES-CCM and CCM_8 */
  CCM (0xc09c, 16, FALSE), CCM (0xc09e, 16, FALSE), CCM (0xc0a4, 16, TRUE), CCM (0xc0ac, 16, FALSE),
  CCM (0xd005, 16, FALSE), CCM (0xc0a6, 16, FALSE),
  CCM (0xc09d, 32, FALSE), CCM (0xc09f, 32, FALSE), CCM (0xc0a5, 32, TRUE), CCM (0xc0ad, 32, FALSE),
  CCM (0xc0a7, 32, FALSE),
  CCM8 (0xc0a0, 16, FALSE), CCM8 (0xc0a2, 16, FALSE), CCM8 (0xc0a8, 16, TRUE), CCM8 (0xc0ae, 16, FALSE),
  CCM8 (0xc0aa, 16, FALSE),
  CCM8 (0xc0a1, 32, FALSE), CCM8 (0xc0a3, 32, FALSE), CCM8 (0xc0a9, 32, TRUE), CCM8 (0xc0af, 32, FALSE),
  CCM8 (0xc0ab, 32, FALSE),
  /* ChaCha20-Poly1305 */
  CHACHA (0xcca8, FALSE), CHACHA (0xcca9, FALSE), CHACHA (0xccaa, FALSE), CHACHA (0xccab, TRUE),
  CHACHA (0xccac, FALSE), CHACHA (0xccad, FALSE), CHACHA (0xccae, FALSE),
  /* AES-CBC with HMAC-SHA1 */
  CBC_SHA (0x002f, 16, FALSE), CBC_SHA (0x0033, 16, FALSE), CBC_SHA (0xc009, 16, FALSE),
  CBC_SHA (0xc013, 16, FALSE), CBC_SHA (0x008c, 16, TRUE), CBC_SHA (0xc035, 16, FALSE),
  CBC_SHA (0x0035, 32, FALSE), CBC_SHA (0x0039, 32, FALSE), CBC_SHA (0xc00a, 32, FALSE),
  CBC_SHA (0xc014, 32, FALSE), CBC_SHA (0x008d, 32, TRUE), CBC_SHA (0xc036, 32, FALSE),
  /* AES-CBC with HMAC-SHA256 / SHA384 */
  CBC_SHA256 (0x003c, 16, FALSE), CBC_SHA256 (0x0067, 16, FALSE), CBC_SHA256 (0xc023, 16, FALSE),
  CBC_SHA256 (0xc027, 16, FALSE), CBC_SHA256 (0x00ae, 16, TRUE), CBC_SHA256 (0xc037, 16, FALSE),
  CBC_SHA256 (0x003d, 32, FALSE), CBC_SHA256 (0x006b, 32, FALSE),
  CBC_SHA384 (0xc024, 32, FALSE), CBC_SHA384 (0xc028, 32, FALSE), CBC_SHA384 (0x00af, 32, TRUE),
  CBC_SHA384 (0xc038, 32, FALSE),
};

const TlsSuiteInfo *
tls_suite_info (guint16 suite)
{
  for (guint i = 0; i < G_N_ELEMENTS (suites); i++)
    if (suites[i].suite == suite)
      return &suites[i];
  return NULL;
}

/* libgcrypt wants to be initialised once before its first use. */
static void
ensure_gcrypt (void)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
      gcry_check_version (NULL);
      gcry_control (GCRYCTL_DISABLE_SECMEM, 0);
      gcry_control (GCRYCTL_INITIALIZATION_FINISHED, 0);
      g_once_init_leave (&done, 1);
    }
}

/* HMAC over the concatenation of up to three pieces. */
static gboolean
hmac3 (int md, const guint8 *key, gsize key_len,
       const void *a, gsize a_len, const void *b, gsize b_len, const void *c, gsize c_len,
       guint8 *out)
{
  gcry_md_hd_t h;

  ensure_gcrypt ();
  if (gcry_md_open (&h, md, GCRY_MD_FLAG_HMAC) != 0)
    return FALSE;
  if (gcry_md_setkey (h, key, key_len) != 0)
    {
      gcry_md_close (h);
      return FALSE;
    }
  if (a_len)
    gcry_md_write (h, a, a_len);
  if (b_len)
    gcry_md_write (h, b, b_len);
  if (c_len)
    gcry_md_write (h, c, c_len);
  memcpy (out, gcry_md_read (h, md), gcry_md_get_algo_dlen (md));
  gcry_md_close (h);
  return TRUE;
}

gboolean
tls_hkdf_extract (int md, const guint8 *salt, gsize salt_len,
                  const guint8 *ikm, gsize ikm_len, guint8 *prk)
{
  static const guint8 zeros[64];
  gsize hlen = gcry_md_get_algo_dlen (md);

  /* An absent salt is HashLen zero bytes. */
  if (salt_len == 0)
    return hmac3 (md, zeros, hlen, ikm, ikm_len, NULL, 0, NULL, 0, prk);
  return hmac3 (md, salt, salt_len, ikm, ikm_len, NULL, 0, NULL, 0, prk);
}

gboolean
tls_hkdf_expand (int md, const guint8 *prk, gsize prk_len,
                 const guint8 *info, gsize info_len, guint8 *out, gsize out_len)
{
  gsize hlen = gcry_md_get_algo_dlen (md), done = 0;
  guint8 t[64];
  gsize t_len = 0;
  guint8 counter = 1;

  if (hlen == 0 || out_len > 255 * hlen)
    return FALSE;
  while (done < out_len)
    {
      gsize n;

      if (!hmac3 (md, prk, prk_len, t, t_len, info, info_len, &counter, 1, t))
        return FALSE;
      t_len = hlen;
      n = MIN (hlen, out_len - done);
      memcpy (out + done, t, n);
      done += n;
      counter++;
    }
  return TRUE;
}

gboolean
tls13_hkdf_expand_label (int md, const guint8 *secret, gsize secret_len,
                         const char *label, const guint8 *context, gsize context_len,
                         guint8 *out, gsize out_len)
{
  guint8 info[2 + 1 + 255 + 1 + 255];
  gsize label_len = strlen (label), n = 0;

  if (6 + label_len > 255 || context_len > 255 || out_len > 0xffff)
    return FALSE;
  info[n++] = out_len >> 8;
  info[n++] = out_len & 0xff;
  info[n++] = 6 + label_len;
  memcpy (info + n, "tls13 ", 6);
  n += 6;
  memcpy (info + n, label, label_len);
  n += label_len;
  info[n++] = context_len;
  if (context_len)
    memcpy (info + n, context, context_len);
  n += context_len;
  return tls_hkdf_expand (md, secret, secret_len, info, n, out, out_len);
}

gboolean
tls12_prf (int md, const guint8 *secret, gsize secret_len, const char *label,
           const guint8 *seed, gsize seed_len, guint8 *out, gsize out_len)
{
  gsize hlen = gcry_md_get_algo_dlen (md), label_len = strlen (label), done = 0;
  guint8 a[64], block[64];

  if (hlen == 0)
    return FALSE;
  /* A(1) = HMAC(secret, label + seed) */
  if (!hmac3 (md, secret, secret_len, label, label_len, seed, seed_len, NULL, 0, a))
    return FALSE;
  while (done < out_len)
    {
      gsize n;

      if (!hmac3 (md, secret, secret_len, a, hlen, label, label_len, seed, seed_len, block))
        return FALSE;
      n = MIN (hlen, out_len - done);
      memcpy (out + done, block, n);
      done += n;
      if (!hmac3 (md, secret, secret_len, a, hlen, NULL, 0, NULL, 0, a))
        return FALSE;
    }
  return TRUE;
}

gsize
tls_psk_premaster (const guint8 *psk, gsize psk_len, guint8 *out)
{
  /* uint16 N, N zero bytes, uint16 N, the PSK. */
  out[0] = psk_len >> 8;
  out[1] = psk_len & 0xff;
  memset (out + 2, 0, psk_len);
  out[2 + psk_len] = psk_len >> 8;
  out[3 + psk_len] = psk_len & 0xff;
  memcpy (out + 4 + psk_len, psk, psk_len);
  return 4 + 2 * psk_len;
}

gboolean
tls12_master_secret (int prf_md, const guint8 *pre, gsize pre_len,
                     const guint8 client_random[32], const guint8 server_random[32],
                     const guint8 *ems_hash, gsize ems_hash_len, guint8 master[48])
{
  guint8 seed[64];

  if (ems_hash != NULL)
    return tls12_prf (prf_md, pre, pre_len, "extended master secret", ems_hash, ems_hash_len, master, 48);
  memcpy (seed, client_random, 32);
  memcpy (seed + 32, server_random, 32);
  return tls12_prf (prf_md, pre, pre_len, "master secret", seed, 64, master, 48);
}

gboolean
tls_suite_is_dh_psk (guint16 s)
{
  return (s >= 0xc033 && s <= 0xc03b) || (s >= 0xd001 && s <= 0xd005) || s == 0xccac || s == 0xccad
         || (s >= 0x008e && s <= 0x0091) || s == 0x00aa || s == 0x00ab || s == 0x00b2 || s == 0x00b3
         || s == 0xc0a6 || s == 0xc0a7 || s == 0xc0aa || s == 0xc0ab;
}

gboolean
tls12_psk_master_secret (const TlsSuiteInfo *suite, const guint8 *psk, gsize psk_len,
                         const guint8 client_random[32], const guint8 server_random[32],
                         const guint8 *transcript, gsize transcript_len, gboolean ems, guint8 master[48])
{
  guint8 pre[4 + 2 * 64], hash[64];
  gsize pre_len;

  if (psk_len > 64)
    return FALSE;
  pre_len = tls_psk_premaster (psk, psk_len, pre);
  if (!ems)
    return tls12_master_secret (suite->prf_md, pre, pre_len, client_random, server_random, NULL, 0, master);
  gcry_md_hash_buffer (suite->prf_md, hash, transcript, transcript_len);
  return tls12_master_secret (suite->prf_md, pre, pre_len, client_random, server_random,
                              hash, gcry_md_get_algo_dlen (suite->prf_md), master);
}

static gsize
fixed_iv_len (const TlsSuiteInfo *suite, gboolean tls13)
{
  if (tls13 || suite->mode == TLS_MODE_CHACHA20_POLY1305)
    return 12;
  return suite->mode == TLS_MODE_AES_CBC ? 0 : 4;
}

gboolean
tls_decoder_init_tls13 (TlsDecoder *self, const TlsSuiteInfo *suite, gboolean dtls,
                        const guint8 *secret, gsize secret_len)
{
  if (suite == NULL || suite->mode == TLS_MODE_AES_CBC || secret_len > sizeof self->secret)
    return FALSE;
  memset (self, 0, sizeof *self);
  self->suite = suite;
  self->tls13 = TRUE;
  self->dtls = dtls;
  memcpy (self->secret, secret, secret_len);
  self->secret_len = secret_len;
  return tls13_hkdf_expand_label (suite->prf_md, secret, secret_len, "key", NULL, 0, self->key, suite->key_len)
         && tls13_hkdf_expand_label (suite->prf_md, secret, secret_len, "iv", NULL, 0, self->iv, 12);
}

gboolean
tls_decoder_key_update (TlsDecoder *self)
{
  guint8 next[48];
  guint8 len = self->secret_len;

  if (!self->tls13
      || !tls13_hkdf_expand_label (self->suite->prf_md, self->secret, len, "traffic upd", NULL, 0, next, len))
    return FALSE;
  return tls_decoder_init_tls13 (self, self->suite, self->dtls, next, len);
}

gboolean
tls_decoder_init_tls12 (TlsDecoder *self, const TlsSuiteInfo *suite, gboolean dtls,
                        gboolean encrypt_then_mac, const guint8 master[48],
                        const guint8 client_random[32], const guint8 server_random[32],
                        gboolean client)
{
  guint8 seed[64], block[2 * (48 + 32 + 12)];
  gsize mac = suite ? suite->mac_len : 0, key, iv, need, p;

  if (suite == NULL)
    return FALSE;
  key = suite->key_len;
  iv = fixed_iv_len (suite, FALSE);
  need = 2 * (mac + key + iv);
  memcpy (seed, server_random, 32);
  memcpy (seed + 32, client_random, 32);
  if (!tls12_prf (suite->prf_md, master, 48, "key expansion", seed, 64, block, need))
    return FALSE;
  memset (self, 0, sizeof *self);
  self->suite = suite;
  self->dtls = dtls;
  self->encrypt_then_mac = encrypt_then_mac && suite->mode == TLS_MODE_AES_CBC;
  /* client MAC, server MAC, client key, server key, client IV, server IV */
  p = client ? 0 : mac;
  memcpy (self->mac_key, block + p, mac);
  p = 2 * mac + (client ? 0 : key);
  memcpy (self->key, block + p, key);
  p = 2 * mac + 2 * key + (client ? 0 : iv);
  memcpy (self->iv, block + p, iv);
  return TRUE;
}

static void
put_u64 (guint8 *p, guint64 v)
{
  for (int i = 7; i >= 0; i--, v >>= 8)
    p[i] = v & 0xff;
}

/* The 13 bytes TLS 1.2 authenticates beside the data: sequence number
 * (DTLS: epoch and sequence), type, version and a length. */
static void
tls12_aad (guint8 aad[13], guint64 seq, guint8 type, guint16 version, gsize len)
{
  put_u64 (aad, seq);
  aad[8] = type;
  aad[9] = version >> 8;
  aad[10] = version & 0xff;
  aad[11] = (len >> 8) & 0xff;
  aad[12] = len & 0xff;
}

static TlsDecryptResult
aead_open (const TlsDecoder *self, const guint8 nonce[12], gsize nonce_len,
           const guint8 *aad, gsize aad_len, const guint8 *in, gsize len,
           const guint8 *tag, gsize tag_len, guint8 *out)
{
  gcry_cipher_hd_t h;
  int algo, mode;
  TlsDecryptResult result = TLS_DECRYPT_BAD_MAC;

  ensure_gcrypt ();
  switch (self->suite->mode)
    {
    case TLS_MODE_AES_GCM:
      mode = GCRY_CIPHER_MODE_GCM;
      break;
    case TLS_MODE_AES_CCM:
    case TLS_MODE_AES_CCM_8:
      mode = GCRY_CIPHER_MODE_CCM;
      break;
    case TLS_MODE_CHACHA20_POLY1305:
      mode = GCRY_CIPHER_MODE_POLY1305;
      break;
    default:
      return TLS_DECRYPT_MALFORMED;
    }
  algo = self->suite->mode == TLS_MODE_CHACHA20_POLY1305 ? GCRY_CIPHER_CHACHA20
         : self->suite->key_len == 32 ? GCRY_CIPHER_AES256 : GCRY_CIPHER_AES128;
  if (gcry_cipher_open (&h, algo, mode, 0) != 0)
    return TLS_DECRYPT_MALFORMED;
  if (gcry_cipher_setkey (h, self->key, self->suite->key_len) != 0
      || gcry_cipher_setiv (h, nonce, nonce_len) != 0)
    goto out;
  if (mode == GCRY_CIPHER_MODE_CCM)
    {
      guint64 lengths[3] = { len, aad_len, tag_len };

      if (gcry_cipher_ctl (h, GCRYCTL_SET_CCM_LENGTHS, lengths, sizeof lengths) != 0)
        goto out;
    }
  if (gcry_cipher_authenticate (h, aad, aad_len) != 0
      || gcry_cipher_decrypt (h, out, len, in, len) != 0)
    goto out;
  if (gcry_cipher_checktag (h, tag, tag_len) == 0)
    result = TLS_DECRYPT_OK;
out:
  gcry_cipher_close (h);
  return result;
}

static gsize
tag_len_of (const TlsSuiteInfo *suite)
{
  return suite->mode == TLS_MODE_AES_CCM_8 ? 8 : 16;
}

static TlsDecryptResult
decrypt_tls13 (TlsDecoder *self, guint8 type, guint16 version, guint64 seq,
               const guint8 *in, gsize in_len, guint8 *out, gsize *out_len, guint8 *inner_type)
{
  gsize tag = tag_len_of (self->suite), len;
  guint8 nonce[12], aad[5], seqb[8];
  TlsDecryptResult r;

  if (in_len < tag + 1)
    return TLS_DECRYPT_MALFORMED;
  len = in_len - tag;
  memcpy (nonce, self->iv, 12);
  put_u64 (seqb, seq);
  for (int i = 0; i < 8; i++)
    nonce[4 + i] ^= seqb[i];
  aad[0] = type;
  aad[1] = version >> 8;
  aad[2] = version & 0xff;
  aad[3] = in_len >> 8;
  aad[4] = in_len & 0xff;
  r = aead_open (self, nonce, 12, aad, 5, in, len, in + len, tag, out);
  if (r != TLS_DECRYPT_OK)
    return r;
  /* TLSInnerPlaintext: content, type, zero padding. */
  while (len > 0 && out[len - 1] == 0)
    len--;
  if (len == 0)
    return TLS_DECRYPT_MALFORMED;
  *inner_type = out[len - 1];
  *out_len = len - 1;
  return TLS_DECRYPT_OK;
}

static TlsDecryptResult
decrypt_tls12_aead (TlsDecoder *self, guint8 type, guint16 version, guint64 seq,
                    const guint8 *in, gsize in_len, guint8 *out, gsize *out_len)
{
  gsize tag = tag_len_of (self->suite), explicit_len, len;
  guint8 nonce[12], aad[13];
  TlsDecryptResult r;

  if (self->suite->mode == TLS_MODE_CHACHA20_POLY1305)
    {
      /* RFC 7905: the 64-bit sequence number XORed into the fixed IV. */
      guint8 seqb[8];

      explicit_len = 0;
      memcpy (nonce, self->iv, 12);
      put_u64 (seqb, seq);
      for (int i = 0; i < 8; i++)
        nonce[4 + i] ^= seqb[i];
    }
  else
    {
      /* GCM and CCM: 4-byte salt and the 8-byte explicit nonce the record carries. */
      explicit_len = 8;
      if (in_len < explicit_len)
        return TLS_DECRYPT_MALFORMED;
      memcpy (nonce, self->iv, 4);
      memcpy (nonce + 4, in, 8);
    }
  if (in_len < explicit_len + tag)
    return TLS_DECRYPT_MALFORMED;
  len = in_len - explicit_len - tag;
  tls12_aad (aad, seq, type, version, len);
  r = aead_open (self, nonce, 12, aad, 13, in + explicit_len, len, in + explicit_len + len, tag, out);
  if (r == TLS_DECRYPT_OK)
    *out_len = len;
  return r;
}

static gboolean
mac_matches (const TlsDecoder *self, guint64 seq, guint8 type, guint16 version,
             const guint8 *data, gsize len, const guint8 *mac)
{
  guint8 hdr[13], want[64];

  tls12_aad (hdr, seq, type, version, len);
  if (!hmac3 (self->suite->mac_md, self->mac_key, self->suite->mac_len, hdr, 13, data, len, NULL, 0, want))
    return FALSE;
  return memcmp (want, mac, self->suite->mac_len) == 0;
}

static gboolean
cbc_decrypt (const TlsDecoder *self, const guint8 *iv, const guint8 *in, gsize len, guint8 *out)
{
  gcry_cipher_hd_t h;
  gboolean ok;

  ensure_gcrypt ();
  if (gcry_cipher_open (&h, self->suite->key_len == 32 ? GCRY_CIPHER_AES256 : GCRY_CIPHER_AES128,
                        GCRY_CIPHER_MODE_CBC, 0) != 0)
    return FALSE;
  ok = gcry_cipher_setkey (h, self->key, self->suite->key_len) == 0
       && gcry_cipher_setiv (h, iv, 16) == 0
       && gcry_cipher_decrypt (h, out, len, in, len) == 0;
  gcry_cipher_close (h);
  return ok;
}

/* TLS 1.1+ CBC: an explicit IV, then the ciphertext; the MAC either inside
 * the encryption (MAC-then-encrypt) or after it (RFC 7366). */
static TlsDecryptResult
decrypt_tls12_cbc (TlsDecoder *self, guint8 type, guint16 version, guint64 seq,
                   const guint8 *in, gsize in_len, guint8 *out, gsize *out_len)
{
  gsize mac = self->suite->mac_len, ct_len, pad, content;

  if (self->encrypt_then_mac)
    {
      if (in_len < 16 + 16 + mac || (in_len - mac) % 16 != 0)
        return TLS_DECRYPT_MALFORMED;
      ct_len = in_len - mac - 16;
      if (!mac_matches (self, seq, type, version, in, in_len - mac, in + in_len - mac))
        return TLS_DECRYPT_BAD_MAC;
      if (!cbc_decrypt (self, in, in + 16, ct_len, out))
        return TLS_DECRYPT_MALFORMED;
      pad = out[ct_len - 1];
      if (pad + 1 > ct_len)
        return TLS_DECRYPT_BAD_MAC;
      *out_len = ct_len - pad - 1;
      return TLS_DECRYPT_OK;
    }
  if (in_len < 16 + 16 || in_len % 16 != 0)
    return TLS_DECRYPT_MALFORMED;
  ct_len = in_len - 16;
  if (!cbc_decrypt (self, in, in + 16, ct_len, out))
    return TLS_DECRYPT_MALFORMED;
  pad = out[ct_len - 1];
  if (pad + 1 + mac > ct_len)
    return TLS_DECRYPT_BAD_MAC;
  for (gsize i = 0; i < pad; i++)
    if (out[ct_len - 2 - i] != pad)
      return TLS_DECRYPT_BAD_MAC;
  content = ct_len - pad - 1 - mac;
  if (!mac_matches (self, seq, type, version, out, content, out + content))
    return TLS_DECRYPT_BAD_MAC;
  *out_len = content;
  return TLS_DECRYPT_OK;
}

TlsDecryptResult
tls_decoder_decrypt (TlsDecoder *self, guint8 type, guint16 version,
                     const guint64 *explicit_seq,
                     const guint8 *in, gsize in_len,
                     guint8 *out, gsize *out_len, guint8 *inner_type)
{
  guint64 seq = explicit_seq ? *explicit_seq : self->seq;
  TlsDecryptResult r;

  if (self->suite == NULL)
    return TLS_DECRYPT_MALFORMED;
  *inner_type = type;
  if (self->tls13)
    r = decrypt_tls13 (self, type, version, seq, in, in_len, out, out_len, inner_type);
  else if (self->suite->mode == TLS_MODE_AES_CBC)
    r = decrypt_tls12_cbc (self, type, version, seq, in, in_len, out, out_len);
  else
    r = decrypt_tls12_aead (self, type, version, seq, in, in_len, out, out_len);
  if (r == TLS_DECRYPT_OK && explicit_seq == NULL)
    self->seq++;
  return r;
}
