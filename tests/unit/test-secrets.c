/* test-secrets.c — the secrets store (key log parser, PSKs, -o
 * preferences) and the TLS key schedules, with published test vectors. */
#include <gcrypt.h>
#include <glib/gstdio.h>
#include <unistd.h>
#include <string.h>

#include "iot-secrets.h"
#include "../../dissectors/tls-crypto.h"
#include "../../dissectors/ccm-star.h"

static GBytes *
hex (const char *text)
{
  gsize len = strlen (text);
  guint8 *out = g_malloc (len / 2 + 1);

  for (gsize i = 0; i + 1 < len; i += 2)
    out[i / 2] = g_ascii_xdigit_value (text[i]) << 4 | g_ascii_xdigit_value (text[i + 1]);
  return g_bytes_new_take (out, len / 2);
}

static void
assert_hex (const guint8 *data, gsize len, const char *want)
{
  g_autoptr (GString) got = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (got, "%02x", data[i]);
  g_assert_cmpstr (got->str, ==, want);
}

#define DATA(b) ((const guint8 *) g_bytes_get_data ((b), NULL))
#define SIZE(b) g_bytes_get_size (b)

/* RFC 5869 A.1 and A.3 (SHA-256). */
static void
test_hkdf (void)
{
  g_autoptr (GBytes) ikm = hex ("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
  g_autoptr (GBytes) salt = hex ("000102030405060708090a0b0c");
  g_autoptr (GBytes) info = hex ("f0f1f2f3f4f5f6f7f8f9");
  guint8 prk[32], okm[42];

  g_assert_true (tls_hkdf_extract (GCRY_MD_SHA256, DATA (salt), SIZE (salt), DATA (ikm), SIZE (ikm), prk));
  assert_hex (prk, 32, "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
  g_assert_true (tls_hkdf_expand (GCRY_MD_SHA256, prk, 32, DATA (info), SIZE (info), okm, 42));
  assert_hex (okm, 42, "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
                       "34007208d5b887185865");
  /* No salt, no info. */
  g_assert_true (tls_hkdf_extract (GCRY_MD_SHA256, NULL, 0, DATA (ikm), SIZE (ikm), prk));
  assert_hex (prk, 32, "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04");
  g_assert_true (tls_hkdf_expand (GCRY_MD_SHA256, prk, 32, NULL, 0, okm, 42));
  assert_hex (okm, 42, "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
                       "9d201395faa4b61a96c8");
}

/* RFC 8448 3 (and any TLS 1.3 trace): the early secret without a PSK and
 * Derive-Secret(., "derived", "") from it. */
static void
test_tls13_schedule (void)
{
  static const guint8 zeros[32];
  guint8 early[32], empty_hash[32], derived[32];

  g_assert_true (tls_hkdf_extract (GCRY_MD_SHA256, zeros, 32, zeros, 32, early));
  assert_hex (early, 32, "33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a");
  gcry_md_hash_buffer (GCRY_MD_SHA256, empty_hash, "", 0);
  g_assert_true (tls13_hkdf_expand_label (GCRY_MD_SHA256, early, 32, "derived", empty_hash, 32, derived, 32));
  assert_hex (derived, 32, "6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba");
}

/* The TLS 1.2 PRF (P_SHA256) vector circulated on the IETF TLS list. */
static void
test_tls12_prf (void)
{
  g_autoptr (GBytes) secret = hex ("9bbe436ba940f017b17652849a71db35");
  g_autoptr (GBytes) seed = hex ("a0ba9f936cda311827a6f796ffd5198c");
  guint8 out[100];

  g_assert_true (tls12_prf (GCRY_MD_SHA256, DATA (secret), SIZE (secret), "test label",
                            DATA (seed), SIZE (seed), out, sizeof out));
  assert_hex (out, sizeof out,
              "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a"
              "6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab"
              "4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701"
              "87347b66");
}

static void
test_psk_premaster (void)
{
  const guint8 psk[] = { 0xaa, 0xbb, 0xcc };
  guint8 out[4 + 2 * sizeof psk];

  g_assert_cmpuint (tls_psk_premaster (psk, sizeof psk, out), ==, 10);
  assert_hex (out, 10, "0003000000" "0003aabbcc");
}

#define RANDOM_A "52a1f9c4e6a9d9a3b8b0f0e0d0c0b0a090807060504030201000102030405060"
#define RANDOM_B "0000000000000000000000000000000000000000000000000000000000000001"
#define MASTER "4c3b2a190817f6e5d4c3b2a1908f7e6d5c4b3a291807f6e5d4c3b2a1908f7e6d5c4b3a291807f6e5d4c3b2a1908f7e6d"

static void
test_keylog_labels (void)
{
  g_autoptr (IotSecrets) s = iot_secrets_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) ra = hex (RANDOM_A);
  g_autoptr (GBytes) rb = hex (RANDOM_B);
  g_autoptr (GString) text = g_string_new ("# a comment, then a blank line\n\n");
  guint8 out[64];
  guint added = 0;

  g_string_append (text, "CLIENT_RANDOM " RANDOM_A " " MASTER "\r\n");
  for (guint label = IOT_KEYLOG_CLIENT_EARLY_TRAFFIC_SECRET; label <= IOT_KEYLOG_EXPORTER_SECRET; label++)
    g_string_append_printf (text, "%s %s %064x\n", iot_keylog_label_name (label), RANDOM_B, label);
  g_string_append (text, "RSA 0102030405060708 0303aabb\n");
  g_assert_true (iot_secrets_add_keylog (s, text->str, text->len, "test.keys", &added, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (added, ==, 9);
  g_assert_cmpuint (iot_secrets_n_keylog_entries (s), ==, 9);
  g_assert_false (iot_secrets_is_empty (s));

  g_assert_cmpuint (iot_secrets_lookup_keylog (s, IOT_KEYLOG_CLIENT_RANDOM, DATA (ra), out, sizeof out), ==, 48);
  assert_hex (out, 48, MASTER);
  g_assert_cmpuint (iot_secrets_lookup_keylog (s, IOT_KEYLOG_CLIENT_RANDOM, DATA (rb), out, sizeof out), ==, 0);
  g_assert_cmpuint (iot_secrets_lookup_keylog (s, IOT_KEYLOG_SERVER_TRAFFIC_SECRET_0, DATA (rb), out, sizeof out), ==, 32);
  g_assert_cmpuint (out[31], ==, IOT_KEYLOG_SERVER_TRAFFIC_SECRET_0);
  g_assert_cmpuint (iot_secrets_lookup_keylog (s, IOT_KEYLOG_CLIENT_EARLY_TRAFFIC_SECRET, DATA (rb), out, sizeof out), ==, 32);
  g_assert_cmpuint (iot_secrets_lookup_keylog (s, IOT_KEYLOG_RSA, (const guint8 *) "\1\2\3\4\5\6\7\10", out, sizeof out), ==, 4);
  /* Too small an output buffer is no secret rather than a cut one. */
  g_assert_cmpuint (iot_secrets_lookup_keylog (s, IOT_KEYLOG_CLIENT_RANDOM, DATA (ra), out, 16), ==, 0);
  iot_secrets_clear (s);
  g_assert_true (iot_secrets_is_empty (s));
}

static void
assert_malformed (const char *line, guint line_no, const char *why)
{
  g_autoptr (IotSecrets) s = iot_secrets_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("# line 1\nCLIENT_RANDOM " RANDOM_A " " MASTER "\n%s\n"
                                           "CLIENT_TRAFFIC_SECRET_0 " RANDOM_B " 00ff\n", line);
  g_autofree char *want = g_strdup_printf ("my.keys:%u: %s", line_no, why);
  guint added = 0;

  g_assert_false (iot_secrets_add_keylog (s, text, strlen (text), "my.keys", &added, &error));
  g_assert_error (error, IOT_SECRETS_ERROR, IOT_SECRETS_ERROR_KEYLOG_LINE);
  g_assert_cmpstr (error->message, ==, want);
  /* The good lines around it still count. */
  g_assert_cmpuint (added, ==, 2);
}

static void
test_keylog_malformed (void)
{
  assert_malformed ("CLIENT_RANDOM " RANDOM_A, 3, "expected a label, a client random and a secret");
  assert_malformed ("CLIENT_RANDOM " RANDOM_A " " MASTER " extra", 3,
                    "expected a label, a client random and a secret");
  assert_malformed ("SERVER_RANDOM " RANDOM_A " " MASTER, 3, "unknown label");
  assert_malformed ("CLIENT_RANDOM 52a1zz " MASTER, 3, "the client random is not hex");
  assert_malformed ("CLIENT_RANDOM 52a1 " MASTER, 3, "the client random is not 32 bytes");
  assert_malformed ("CLIENT_RANDOM " RANDOM_A " 4c3", 3, "the secret is not hex");
  assert_malformed ("CLIENT_RANDOM " RANDOM_A " 4c3b", 3, "the master secret is not 48 bytes");
  assert_malformed ("RSA 0102 0303", 3, "the encrypted pre-master prefix is not 8 bytes");
}

static void
test_psk_and_preferences (void)
{
  g_autoptr (IotSecrets) s = iot_secrets_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *pref = NULL;
  g_autoptr (GBytes) ra = hex (RANDOM_A);
  guint8 out[64];
  int fd;

  g_assert_true (iot_secrets_set_preference (s, "dtls.psk:0102abcd", &error));
  g_assert_cmpuint (iot_secrets_lookup_psk (s, (const guint8 *) "any-device", 10, out, sizeof out), ==, 4);
  assert_hex (out, 4, "0102abcd");
  g_assert_true (iot_secrets_add_psk (s, "sensor-7", "ffee", &error));
  g_assert_cmpuint (iot_secrets_lookup_psk (s, (const guint8 *) "sensor-7", 8, out, sizeof out), ==, 2);
  assert_hex (out, 2, "ffee");

  g_assert_false (iot_secrets_set_preference (s, "tls.psk:xyz", &error));
  g_assert_error (error, IOT_SECRETS_ERROR, IOT_SECRETS_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_false (iot_secrets_set_preference (s, "tcp.desegment_tcp_streams:FALSE", &error));
  g_assert_error (error, IOT_SECRETS_ERROR, IOT_SECRETS_ERROR_UNKNOWN_PREF);
  g_clear_error (&error);
  g_assert_false (iot_secrets_set_preference (s, "no-colon", &error));
  g_clear_error (&error);

  fd = g_file_open_tmp ("tls-decrypt-XXXXXX.keys", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, "CLIENT_RANDOM " RANDOM_A " " MASTER "\n", -1, &error));
  pref = g_strdup_printf ("tls.keylog_file:%s", path);
  g_assert_true (iot_secrets_set_preference (s, pref, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (iot_secrets_lookup_keylog (s, IOT_KEYLOG_CLIENT_RANDOM, DATA (ra), out, sizeof out), ==, 48);
  g_unlink (path);
  g_assert_false (iot_secrets_add_keylog_file (s, path, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

/* tshark's ieee802154_keys records and the thread.* preferences. */
static void
test_wpan_keys (void)
{
  g_autoptr (IotSecrets) s = iot_secrets_new ();
  g_autoptr (GError) error = NULL;
  IotThreadPrefs prefs = iot_secrets_thread_prefs (s);
  IotWpanKey key;

  g_assert_cmpuint (prefs.seq_ctr, ==, 0);
  g_assert_true (prefs.auto_acquire);
  g_assert_false (prefs.use_pan_id_in_key);
  g_assert_true (iot_secrets_set_preference (s,
      "uat:ieee802154_keys:\"000102030405060708090a0b0c0d0e0f\",\"1\",\"Thread hash\"", &error));
  g_assert_true (iot_secrets_set_preference (s,
      "uat:ieee802154_keys:\"ff:ee:dd:cc:bb:aa:99:88:77:66:55:44:33:22:11:00\",\"5\",\"No hash\"", &error));
  g_assert_true (iot_secrets_set_preference (s,
      "uat:ieee802154_keys:\"c0c1c2c3c4c5c6c7c8c9cacbcccdcecf\",\"2\",\"ZigBee IP hash\"", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (iot_secrets_n_wpan_keys (s), ==, 3);
  g_assert_true (iot_secrets_wpan_key (s, 0, &key));
  assert_hex (key.key, 16, "000102030405060708090a0b0c0d0e0f");
  g_assert_cmpint (key.hash, ==, IOT_WPAN_KEY_HASH_THREAD);
  g_assert_true (iot_secrets_wpan_key (s, 1, &key));
  assert_hex (key.key, 16, "ffeeddccbbaa99887766554433221100");
  g_assert_cmpuint (key.key_index, ==, 5);
  g_assert_cmpint (key.hash, ==, IOT_WPAN_KEY_HASH_NONE);
  g_assert_true (iot_secrets_wpan_key (s, 2, &key));
  g_assert_cmpint (key.hash, ==, IOT_WPAN_KEY_HASH_ZIP);
  g_assert_false (iot_secrets_wpan_key (s, 3, &key));

  g_assert_false (iot_secrets_set_preference (s,
      "uat:ieee802154_keys:\"000102030405060708090a0b0c0d0e0f\",\"1\",\"NONE\"", &error));
  g_assert_error (error, IOT_SECRETS_ERROR, IOT_SECRETS_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_false (iot_secrets_set_preference (s,
      "uat:ieee802154_keys:\"0001020304\",\"1\",\"No hash\"", &error));
  g_clear_error (&error);
  g_assert_false (iot_secrets_set_preference (s,
      "uat:ieee802154_keys:\"000102030405060708090a0b0c0d0e0f\",\"300\",\"No hash\"", &error));
  g_clear_error (&error);
  g_assert_cmpuint (iot_secrets_n_wpan_keys (s), ==, 3);

  g_assert_true (iot_secrets_set_preference (s, "thread.thr_seq_ctr:00000180", &error));
  g_assert_true (iot_secrets_set_preference (s, "thread.thr_auto_acq_thr_seq_ctr:FALSE", &error));
  g_assert_true (iot_secrets_set_preference (s, "thread.thr_use_pan_id_in_key:TRUE", &error));
  g_assert_no_error (error);
  prefs = iot_secrets_thread_prefs (s);
  g_assert_cmpuint (prefs.seq_ctr, ==, 0x180);
  g_assert_false (prefs.auto_acquire);
  g_assert_true (prefs.use_pan_id_in_key);
  /* tshark reads a counter that is not 4 bytes of hex as 0. */
  g_assert_true (iot_secrets_set_preference (s, "thread.thr_seq_ctr:12", &error));
  g_assert_cmpuint (iot_secrets_thread_prefs (s).seq_ctr, ==, 0);
  g_assert_false (iot_secrets_set_preference (s, "thread.thr_use_pan_id_in_key:maybe", &error));
  g_assert_error (error, IOT_SECRETS_ERROR, IOT_SECRETS_ERROR_MALFORMED);
}

/* Thread's key derivation: the Thread specification's example (network
 * key 00112233…ff, key sequence 0) and a second key and sequence checked
 * against Python's hmac module. */
static void
test_thread_keys (void)
{
  guint8 mle[16], mac[16];

  iot_thread_derive_keys ((const guint8 *) "\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff",
                          0, mle, mac);
  assert_hex (mle, 16, "5445f4158fd75912175809f8b57a66a4");
  assert_hex (mac, 16, "de89c53af382b421e0fde5a9bae3bef0");
  iot_thread_derive_keys ((const guint8 *) "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f",
                          0x109, mle, mac);
  assert_hex (mle, 16, "8c331787231243496d92cf870179bcf4");
  assert_hex (mac, 16, "d2af0bbadf71bc042546e2d19d71c22e");
}

/* CCM* with a 4-byte MIC and without one (level 4, plain CTR), against
 * python3-cryptography's AESCCM and AES-CTR. */
static void
test_ccm_star (void)
{
  g_autoptr (GBytes) key = hex ("c0c1c2c3c4c5c6c7c8c9cacbcccdcecf");
  g_autoptr (GBytes) nonce = hex ("acde4800000000010000000505");
  g_autoptr (GBytes) aad = hex ("69dc84210000");
  g_autoptr (GBytes) cipher = hex ("006cac73b50f8492d539585accbde855");
  g_autoptr (GBytes) mic = hex ("06e4ab45");
  g_autoptr (GBytes) bad_mic = hex ("06e4ab46");
  guint8 out[16], tag[4], built[13];

  g_assert_true (iot_ccm_star_decrypt (DATA (key), DATA (nonce), DATA (aad), 6, DATA (cipher), 16, DATA (mic), 4, out, tag));
  g_assert_cmpmem (out, 16, "Thread CCM* test", 16);
  assert_hex (tag, 4, "7fe83f33");
  g_assert_false (iot_ccm_star_decrypt (DATA (key), DATA (nonce), DATA (aad), 6, DATA (cipher), 16, DATA (bad_mic), 4, out, NULL));
  g_assert_true (iot_ccm_star_decrypt (DATA (key), DATA (nonce), NULL, 0, DATA (cipher), 16, NULL, 0, out, NULL));
  g_assert_cmpmem (out, 16, "Thread CCM* test", 16);
  iot_ccm_star_nonce ((const guint8 *) "\xac\xde\x48\x00\x00\x00\x00\x01", 5, 5, built);
  g_assert_cmpmem (built, 13, DATA (nonce), 13);
}

/* A key log is recognised by its content (a dropped file may have any
 * name); a capture file, plain text or a log with only comments is not. */
static void
test_looks_like_keylog (void)
{
  static const char keylog[] =
    "# SSL/TLS secrets log file\n"
    "CLIENT_RANDOM 0101010101010101010101010101010101010101010101010101010101010101 "
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f\n";
  static const guint8 pcap[] = { 0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00, 0, 0, 0, 0 };
  static const char text[] = "temperature=21.5\nhumidity=40\n";
  static const char comments[] = "# nothing but a comment\n\n";

  g_assert_true (iot_secrets_looks_like_keylog (keylog, strlen (keylog)));
  g_assert_false (iot_secrets_looks_like_keylog ((const char *) pcap, sizeof pcap));
  g_assert_false (iot_secrets_looks_like_keylog (text, strlen (text)));
  g_assert_false (iot_secrets_looks_like_keylog (comments, strlen (comments)));
  g_assert_false (iot_secrets_looks_like_keylog ("", 0));
}

/* Entries from a capture's secrets block remember it (the audit names
 * them "embedded"); the same line from a key log file clears the mark. */
static void
test_embedded_origin (void)
{
  static const char line[] =
    "CLIENT_RANDOM 0202020202020202020202020202020202020202020202020202020202020202 "
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f\n";
  g_autoptr (IotSecrets) secrets = iot_secrets_new ();
  guint8 random[32];
  guint n = 0;

  memset (random, 2, sizeof random);
  g_assert_true (iot_secrets_add_embedded_keylog (secrets, line, strlen (line), "dsb", &n, NULL));
  g_assert_cmpuint (n, ==, 1);
  g_assert_true (iot_secrets_keylog_is_embedded (secrets, random));
  g_assert_true (iot_secrets_add_keylog (secrets, line, strlen (line), "file", NULL, NULL));
  g_assert_false (iot_secrets_keylog_is_embedded (secrets, random));
  g_assert_cmpstr (iot_secret_kind_name (IOT_SECRET_PSK), ==, "pre-shared key");
  iot_secrets_clear (secrets);
  g_assert_false (iot_secrets_keylog_is_embedded (secrets, random));

  /* Forgetting a capture's secrets drops what only it gave. */
  g_assert_true (iot_secrets_add_embedded_keylog (secrets, line, strlen (line), "dsb", &n, NULL));
  g_assert_cmpuint (iot_secrets_n_keylog_entries (secrets), ==, 1);
  iot_secrets_forget_embedded (secrets);
  g_assert_cmpuint (iot_secrets_n_keylog_entries (secrets), ==, 0);
  /* … but not what a key log file gave too, before or after. */
  g_assert_true (iot_secrets_add_keylog (secrets, line, strlen (line), "file", NULL, NULL));
  g_assert_true (iot_secrets_add_embedded_keylog (secrets, line, strlen (line), "dsb", &n, NULL));
  iot_secrets_forget_embedded (secrets);
  g_assert_cmpuint (iot_secrets_n_keylog_entries (secrets), ==, 1);
  g_assert_false (iot_secrets_keylog_is_embedded (secrets, random));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/secrets/hkdf-rfc5869", test_hkdf);
  g_test_add_func ("/secrets/tls13-schedule", test_tls13_schedule);
  g_test_add_func ("/secrets/tls12-prf", test_tls12_prf);
  g_test_add_func ("/secrets/psk-premaster", test_psk_premaster);
  g_test_add_func ("/secrets/keylog-labels", test_keylog_labels);
  g_test_add_func ("/secrets/keylog-malformed", test_keylog_malformed);
  g_test_add_func ("/secrets/psk-and-preferences", test_psk_and_preferences);
  g_test_add_func ("/secrets/looks-like-keylog", test_looks_like_keylog);
  g_test_add_func ("/secrets/embedded-origin", test_embedded_origin);
  g_test_add_func ("/secrets/ieee802154-keys", test_wpan_keys);
  g_test_add_func ("/secrets/thread-keys", test_thread_keys);
  g_test_add_func ("/secrets/ccm-star", test_ccm_star);
  return g_test_run ();
}
