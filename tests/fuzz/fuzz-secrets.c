/* fuzz-secrets.c — libFuzzer target: arbitrary text through the key log
 * parser, and arbitrary records through the TLS/DTLS record decryptor
 * with every suite it knows and a key taken from the input. */
#include <string.h>

#include "iot-secrets.h"
#include "../../dissectors/tls-crypto.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
fuzz_keylog (const guint8 *data, size_t size)
{
  g_autoptr (IotSecrets) secrets = iot_secrets_new ();
  g_autoptr (GError) error = NULL;
  guint8 out[64], random[32] = { 0 };

  iot_secrets_add_keylog (secrets, (const char *) data, size, "fuzz", NULL, &error);
  memcpy (random, data, MIN (size, sizeof random));
  for (guint label = 0; label < IOT_KEYLOG_N_LABELS; label++)
    iot_secrets_lookup_keylog (secrets, label, random, out, sizeof out);
}

/* Input: suite (2 bytes), flags (1: TLS 1.3, ETM, DTLS, explicit seq),
 * content type, 48 bytes of secret, then the record body. */
static void
fuzz_record (const guint8 *data, size_t size)
{
  static const guint8 client_random[32] = { 1 }, server_random[32] = { 2 };
  const TlsSuiteInfo *suite;
  TlsDecoder dec;
  guint8 flags, type, inner = 0;
  g_autofree guint8 *out = NULL;
  gsize out_len = 0;
  guint64 seq = 0x0001000000000005;

  if (size < 4 + 48)
    return;
  suite = tls_suite_info (data[0] << 8 | data[1]);
  flags = data[2];
  type = data[3];
  if (suite == NULL)
    return;
  if (flags & 1)
    {
      if (!tls_decoder_init_tls13 (&dec, suite, (flags & 4) != 0, data + 4, 48))
        return;
    }
  else if (!tls_decoder_init_tls12 (&dec, suite, (flags & 4) != 0, (flags & 2) != 0, data + 4,
                                    client_random, server_random, (flags & 8) != 0))
    return;
  out = g_malloc (size - 52 + 1);
  for (int i = 0; i < 2; i++)
    {
      tls_decoder_decrypt (&dec, type, 0x0303, (flags & 16) ? &seq : NULL, data + 52, size - 52,
                           out, &out_len, &inner);
      g_assert (out_len <= size - 52);
    }
  if (flags & 1)
    tls_decoder_key_update (&dec);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  if (size == 0)
    return 0;
  /* The first byte picks the target, so one corpus serves both. */
  if (data[0] & 1)
    fuzz_keylog (data + 1, size - 1);
  else
    fuzz_record (data + 1, size - 1);
  return 0;
}
