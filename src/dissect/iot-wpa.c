/* iot-wpa.c — WPA2-PSK keys and crypto (see iot-wpa.h), with libgcrypt. */
#include "iot-wpa.h"

#include <gcrypt.h>
#include <string.h>

typedef struct {
  gboolean has_pmk;        /* wpa-psk: the PMK itself */
  guint8   pmk[32];
  char    *passphrase;     /* wpa-pwd */
  GBytes  *ssid;           /* NULL: any network */
  /* PMKs already derived from the passphrase, by SSID. */
  GHashTable *derived;     /* GBytes ssid → guint8[32] */
} WpaKey;

static GMutex keys_lock;
static GPtrArray *keys;
static gboolean decryption_enabled;

static void
wpa_key_free (gpointer data)
{
  WpaKey *key = data;

  g_free (key->passphrase);
  if (key->ssid)
    g_bytes_unref (key->ssid);
  if (key->derived)
    g_hash_table_destroy (key->derived);
  g_free (key);
}

static void
ensure_gcrypt (void)
{
  if (!gcry_control (GCRYCTL_INITIALIZATION_FINISHED_P))
    {
      gcry_check_version (NULL);
      gcry_control (GCRYCTL_INITIALIZATION_FINISHED, 0);
    }
}

void
iot_wpa_set_enabled (gboolean enabled)
{
  decryption_enabled = enabled;
}

gboolean
iot_wpa_enabled (void)
{
  return decryption_enabled && keys && keys->len > 0;
}

void
iot_wpa_clear_keys (void)
{
  g_mutex_lock (&keys_lock);
  g_clear_pointer (&keys, g_ptr_array_unref);
  g_mutex_unlock (&keys_lock);
}

/* "%xx" escapes in passphrases and SSIDs, as tshark accepts them. */
static GBytes *
unescape (const char *text, gsize len)
{
  GByteArray *out = g_byte_array_new ();

  for (gsize i = 0; i < len; i++)
    {
      if (text[i] == '%' && i + 2 < len + 0 && g_ascii_isxdigit (text[i + 1]) && g_ascii_isxdigit (text[i + 2]))
        {
          guint8 b = g_ascii_xdigit_value (text[i + 1]) << 4 | g_ascii_xdigit_value (text[i + 2]);
          g_byte_array_append (out, &b, 1);
          i += 2;
        }
      else
        g_byte_array_append (out, (const guint8 *) &text[i], 1);
    }
  return g_byte_array_free_to_bytes (out);
}

gboolean
iot_wpa_add_key (const char *type, const char *value, GError **error)
{
  WpaKey *key = g_new0 (WpaKey, 1);

  if (g_strcmp0 (type, "wpa-pwd") == 0)
    {
      const char *colon = strrchr (value, ':');
      gsize pass_len = colon ? (gsize) (colon - value) : strlen (value);
      g_autoptr (GBytes) pass = unescape (value, pass_len);

      if (g_bytes_get_size (pass) < 8 || g_bytes_get_size (pass) > 63)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "a WPA passphrase has 8 to 63 characters");
          wpa_key_free (key);
          return FALSE;
        }
      key->passphrase = g_strndup (g_bytes_get_data (pass, NULL), g_bytes_get_size (pass));
      if (colon && colon[1])
        key->ssid = unescape (colon + 1, strlen (colon + 1));
      key->derived = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, g_free);
    }
  else if (g_strcmp0 (type, "wpa-psk") == 0)
    {
      if (strlen (value) != 64)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "a WPA PSK is 64 hex digits");
          wpa_key_free (key);
          return FALSE;
        }
      for (guint i = 0; i < 32; i++)
        {
          if (!g_ascii_isxdigit (value[2 * i]) || !g_ascii_isxdigit (value[2 * i + 1]))
            {
              g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "a WPA PSK is 64 hex digits");
              wpa_key_free (key);
              return FALSE;
            }
          key->pmk[i] = g_ascii_xdigit_value (value[2 * i]) << 4 | g_ascii_xdigit_value (value[2 * i + 1]);
        }
      key->has_pmk = TRUE;
    }
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "unsupported 802.11 key type \"%s\" (use wpa-pwd or wpa-psk)", type);
      wpa_key_free (key);
      return FALSE;
    }
  g_mutex_lock (&keys_lock);
  if (!keys)
    keys = g_ptr_array_new_with_free_func (wpa_key_free);
  g_ptr_array_add (keys, key);
  g_mutex_unlock (&keys_lock);
  return TRUE;
}

/* One quoted value of a UAT record; advances *p past it and a comma. */
static char *
uat_field (const char **p)
{
  GString *out = g_string_new (NULL);
  const char *s = *p;

  while (*s == ' ')
    s++;
  if (*s != '"')
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  for (s++; *s && *s != '"'; s++)
    {
      if (*s == '\\' && s[1])
        s++;
      g_string_append_c (out, *s);
    }
  if (*s != '"')
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  s++;
  while (*s == ' ')
    s++;
  if (*s == ',')
    s++;
  *p = s;
  return g_string_free (out, FALSE);
}

gboolean
iot_wpa_add_uat_entry (const char *entry, GError **error)
{
  const char *p = entry;
  g_autofree char *type = uat_field (&p);
  g_autofree char *key = type ? uat_field (&p) : NULL;

  if (!type || !key)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "expected \"type\",\"key\" in an 80211_keys entry, got %s", entry);
      return FALSE;
    }
  return iot_wpa_add_key (type, key, error);
}

GPtrArray *
iot_wpa_candidate_pmks (const guint8 *ssid, gsize ssid_len)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GBytes) wanted = g_bytes_new (ssid, ssid_len);

  g_mutex_lock (&keys_lock);
  for (guint i = 0; keys && i < keys->len; i++)
    {
      WpaKey *key = keys->pdata[i];
      guint8 *pmk;

      if (key->has_pmk)
        {
          g_ptr_array_add (out, g_memdup2 (key->pmk, 32));
          continue;
        }
      if (key->ssid && !g_bytes_equal (key->ssid, wanted))
        continue;
      pmk = g_hash_table_lookup (key->derived, wanted);
      if (!pmk)
        {
          pmk = g_malloc (32);
          iot_wpa_pmk_from_passphrase (key->passphrase, ssid, ssid_len, pmk);
          g_hash_table_insert (key->derived, g_bytes_ref (wanted), pmk);
        }
      g_ptr_array_add (out, g_memdup2 (pmk, 32));
    }
  g_mutex_unlock (&keys_lock);
  return out;
}

/* ---- primitives ------------------------------------------------------------ */

void
iot_wpa_pmk_from_passphrase (const char *passphrase, const guint8 *ssid, gsize ssid_len, guint8 pmk[32])
{
  ensure_gcrypt ();
  gcry_kdf_derive (passphrase, strlen (passphrase), GCRY_KDF_PBKDF2, GCRY_MD_SHA1,
                   ssid, ssid_len, 4096, 32, pmk);
}

static void
hmac (int algo, const guint8 *key, gsize key_len, const guint8 *data, gsize len, guint8 *out)
{
  gcry_mac_hd_t hd;
  size_t out_len = gcry_mac_get_algo_maclen (algo);

  ensure_gcrypt ();
  gcry_mac_open (&hd, algo, 0, NULL);
  gcry_mac_setkey (hd, key, key_len);
  gcry_mac_write (hd, data, len);
  gcry_mac_read (hd, out, &out_len);
  gcry_mac_close (hd);
}

void
iot_wpa_prf (const guint8 *key, gsize key_len, const char *label, const guint8 *data, gsize data_len,
             guint8 *out, gsize out_len)
{
  gsize label_len = strlen (label), done = 0;
  g_autofree guint8 *input = g_malloc (label_len + 1 + data_len + 1);
  guint8 digest[20];

  memcpy (input, label, label_len);
  input[label_len] = 0;
  memcpy (input + label_len + 1, data, data_len);
  for (guint8 i = 0; done < out_len; i++)
    {
      input[label_len + 1 + data_len] = i;
      hmac (GCRY_MAC_HMAC_SHA1, key, key_len, input, label_len + 1 + data_len + 1, digest);
      memcpy (out + done, digest, MIN (20, out_len - done));
      done += MIN (20, out_len - done);
    }
}

void
iot_wpa_derive_ptk (const guint8 pmk[32], const guint8 aa[6], const guint8 spa[6],
                    const guint8 anonce[32], const guint8 snonce[32], guint8 *ptk, gsize ptk_len)
{
  guint8 data[76];
  gboolean aa_first = memcmp (aa, spa, 6) < 0, anonce_first = memcmp (anonce, snonce, 32) < 0;

  memcpy (data, aa_first ? aa : spa, 6);
  memcpy (data + 6, aa_first ? spa : aa, 6);
  memcpy (data + 12, anonce_first ? anonce : snonce, 32);
  memcpy (data + 44, anonce_first ? snonce : anonce, 32);
  iot_wpa_prf (pmk, 32, "Pairwise key expansion", data, sizeof data, ptk, ptk_len);
}

gboolean
iot_wpa_eapol_mic (guint version, const guint8 kck[16], const guint8 *eapol, gsize len, guint8 mic[16])
{
  guint8 digest[20];

  if (version == 1)
    hmac (GCRY_MAC_HMAC_MD5, kck, 16, eapol, len, digest);
  else if (version == 2)
    hmac (GCRY_MAC_HMAC_SHA1, kck, 16, eapol, len, digest);
  else
    return FALSE;
  memcpy (mic, digest, 16);
  return TRUE;
}

gboolean
iot_wpa_ccmp_decrypt (const guint8 tk[16], const guint8 *header, gsize header_len,
                      const guint8 *body, gsize body_len, guint8 *out)
{
  guint8 aad[32], nonce[13];
  gsize aad_len, plain_len;
  gboolean qos = (header[0] & 0x8c) == 0x88;
  gboolean a4 = (header[1] & 0x03) == 0x03;
  guint64 lengths[3];
  gcry_cipher_hd_t hd;
  gcry_error_t err;

  if (body_len < 16 || header_len < 24)
    return FALSE;
  plain_len = body_len - 16;
  /* AAD: frame control with the mutable bits masked, the addresses, the
   * sequence control without the sequence number, A4, the QoS TID. */
  aad[0] = header[0] & 0x8f;
  aad[1] = (header[1] & 0x47) | 0x40;
  memcpy (aad + 2, header + 4, 18);
  aad[20] = header[22] & 0x0f;
  aad[21] = 0;
  aad_len = 22;
  if (a4)
    {
      memcpy (aad + aad_len, header + 24, 6);
      aad_len += 6;
    }
  if (qos)
    {
      gsize qc = a4 ? 30 : 24;
      if (header_len < qc + 2)
        return FALSE;
      aad[aad_len++] = header[qc] & 0x0f;
      aad[aad_len++] = 0;
    }
  /* Nonce: priority, transmitter address, packet number (PN5 first). */
  nonce[0] = qos ? header[a4 ? 30 : 24] & 0x0f : 0;
  memcpy (nonce + 1, header + 10, 6);
  nonce[7] = body[7];
  nonce[8] = body[6];
  nonce[9] = body[5];
  nonce[10] = body[4];
  nonce[11] = body[1];
  nonce[12] = body[0];

  ensure_gcrypt ();
  if (gcry_cipher_open (&hd, GCRY_CIPHER_AES128, GCRY_CIPHER_MODE_CCM, 0))
    return FALSE;
  lengths[0] = plain_len;
  lengths[1] = aad_len;
  lengths[2] = 8;
  err = gcry_cipher_setkey (hd, tk, 16);
  if (!err)
    err = gcry_cipher_setiv (hd, nonce, sizeof nonce);
  if (!err)
    err = gcry_cipher_ctl (hd, GCRYCTL_SET_CCM_LENGTHS, lengths, sizeof lengths);
  if (!err)
    err = gcry_cipher_authenticate (hd, aad, aad_len);
  if (!err)
    err = gcry_cipher_decrypt (hd, out, plain_len, body + 8, plain_len);
  if (!err)
    err = gcry_cipher_checktag (hd, body + 8 + plain_len, 8);
  gcry_cipher_close (hd);
  return err == 0;
}

gboolean
iot_wpa_aes_unwrap (const guint8 kek[16], const guint8 *in, gsize len, guint8 *out)
{
  gcry_cipher_hd_t hd;
  gcry_error_t err;

  if (len < 24 || len % 8)
    return FALSE;
  ensure_gcrypt ();
  if (gcry_cipher_open (&hd, GCRY_CIPHER_AES128, GCRY_CIPHER_MODE_AESWRAP, 0))
    return FALSE;
  err = gcry_cipher_setkey (hd, kek, 16);
  if (!err)
    err = gcry_cipher_decrypt (hd, out, len - 8, in, len);
  gcry_cipher_close (hd);
  return err == 0;
}
