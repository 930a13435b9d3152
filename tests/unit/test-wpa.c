/* test-wpa.c — WPA2-PSK cryptography (iot-wpa) against the test vectors of
 * IEEE 802.11-2020 Annex J and RFC 3394, and the key configuration. */
#include "iot-wpa.h"

#include <string.h>

static void
unhex (const char *hex, guint8 *out, gsize len)
{
  for (gsize i = 0; i < len; i++)
    out[i] = g_ascii_xdigit_value (hex[2 * i]) << 4 | g_ascii_xdigit_value (hex[2 * i + 1]);
}

static void
assert_hex (const guint8 *data, gsize len, const char *hex)
{
  g_autofree guint8 *want = g_malloc (len);

  g_assert_cmpuint (strlen (hex), ==, 2 * len);
  unhex (hex, want, len);
  g_assert_cmpmem (data, len, want, len);
}

/* J.4: PSK from passphrase and SSID. */
static void
test_pbkdf2 (void)
{
  guint8 pmk[32];

  iot_wpa_pmk_from_passphrase ("password", (const guint8 *) "IEEE", 4, pmk);
  assert_hex (pmk, 32, "f42c6fc52df0ebef9ebb4b90b38a5f902e83fe1b135a70e23aed762e9710a12e");
  iot_wpa_pmk_from_passphrase ("ThisIsAPassword", (const guint8 *) "ThisIsASSID", 11, pmk);
  assert_hex (pmk, 32, "0dc0d6eb90555ed6419756b9a15ec3e3209b63df707dd508d14581f8982721af");
}

/* J.3: the PRF, HMAC-SHA1 based. */
static void
test_prf (void)
{
  guint8 key[20], out[64];

  memset (key, 0x0b, sizeof key);
  iot_wpa_prf (key, sizeof key, "prefix", (const guint8 *) "Hi There", 8, out, 64);
  assert_hex (out, 64, "bcd4c650b30b9684951829e0d75f9d54b862175ed9f00606e17d8da35402ffee"
                       "75df78c3d31e0f889f012120c0862beb67753e7439ae242edb8373698356cf5a");
  iot_wpa_prf ((const guint8 *) "Jefe", 4, "prefix", (const guint8 *) "what do ya want for nothing?", 28,
               out, 64);
  assert_hex (out, 64, "51f4de5b33f249adf81aeb713a3c20f4fe631446fabdfa58244759ae58ef9009"
                       "a99abf4eac2ca5fa87e692c440eb40023e7babb206d61de7b92f41529092b8fc");
}

/* J.6.4: CCMP encapsulation of a data MPDU; decapsulating gives the
 * plaintext back and any changed byte fails the MIC. */
static void
test_ccmp (void)
{
  guint8 tk[16], header[24], body[8 + 20 + 8], out[20];

  unhex ("c97c1f67ce371185514a8a19f2bdd52f", tk, 16);
  unhex ("0848c32c0fd2e128a57c5030f1844408abaea5b8fcba8033", header, 24);
  unhex ("0ce7002076" "9703b5" "f3d0a2fe9a3dbf2342a643e43246e80c3c04d019" "7845ce0b16f97623", body, sizeof body);
  g_assert_true (iot_wpa_ccmp_decrypt (tk, header, 24, body, sizeof body, out));
  assert_hex (out, 20, "f8ba1a55d02f85ae967bb62fb6cda8eb7e78a050");
  body[12] ^= 0x01;
  g_assert_false (iot_wpa_ccmp_decrypt (tk, header, 24, body, sizeof body, out));
  body[12] ^= 0x01;
  header[4] ^= 0x01;     /* the addresses are authenticated too */
  g_assert_false (iot_wpa_ccmp_decrypt (tk, header, 24, body, sizeof body, out));
}

/* RFC 3394 4.1: wrapping 128 bits with a 128-bit KEK. */
static void
test_aes_unwrap (void)
{
  guint8 kek[16], wrapped[24], out[16];

  unhex ("000102030405060708090a0b0c0d0e0f", kek, 16);
  unhex ("1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5", wrapped, 24);
  g_assert_true (iot_wpa_aes_unwrap (kek, wrapped, 24, out));
  assert_hex (out, 16, "00112233445566778899aabbccddeeff");
  wrapped[0] ^= 1;
  g_assert_false (iot_wpa_aes_unwrap (kek, wrapped, 24, out));
}

/* tshark's key entries: wpa-pwd with and without SSID, wpa-psk. */
static void
test_keys (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) pmks = NULL;
  guint8 pmk[32];

  iot_wpa_clear_keys ();
  iot_wpa_set_enabled (TRUE);
  g_assert_false (iot_wpa_enabled ());
  g_assert_true (iot_wpa_add_uat_entry ("\"wpa-pwd\",\"password:IEEE\"", &error));
  g_assert_no_error (error);
  g_assert_true (iot_wpa_enabled ());
  g_assert_false (iot_wpa_add_uat_entry ("\"wpa-pwd\",\"short:IEEE\"", &error));
  g_clear_error (&error);
  g_assert_false (iot_wpa_add_uat_entry ("\"wep\",\"0102030405\"", &error));
  g_clear_error (&error);
  g_assert_false (iot_wpa_add_uat_entry ("wpa-pwd,password", &error));
  g_clear_error (&error);
  g_assert_true (iot_wpa_add_key ("wpa-psk", "0dc0d6eb90555ed6419756b9a15ec3e3209b63df707dd508d14581f8982721af",
                                  &error));
  /* The passphrase is bound to SSID "IEEE": another network only gets the PSK. */
  pmks = iot_wpa_candidate_pmks ((const guint8 *) "other", 5);
  g_assert_cmpuint (pmks->len, ==, 1);
  assert_hex (pmks->pdata[0], 32, "0dc0d6eb90555ed6419756b9a15ec3e3209b63df707dd508d14581f8982721af");
  g_clear_pointer (&pmks, g_ptr_array_unref);
  pmks = iot_wpa_candidate_pmks ((const guint8 *) "IEEE", 4);
  g_assert_cmpuint (pmks->len, ==, 2);
  iot_wpa_pmk_from_passphrase ("password", (const guint8 *) "IEEE", 4, pmk);
  g_assert_cmpmem (pmks->pdata[0], 32, pmk, 32);
  iot_wpa_set_enabled (FALSE);
  g_assert_false (iot_wpa_enabled ());
  iot_wpa_clear_keys ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/wpa/pbkdf2", test_pbkdf2);
  g_test_add_func ("/wpa/prf", test_prf);
  g_test_add_func ("/wpa/ccmp", test_ccmp);
  g_test_add_func ("/wpa/aes-unwrap", test_aes_unwrap);
  g_test_add_func ("/wpa/keys", test_keys);
  return g_test_run ();
}
