/* test-tap-dtls.c — the TLS tap records DTLS publishes (src/dissect/iot-tap.h).
 *
 * Each handshake message and alert in the clear is one IotTapTls record,
 * made in a tap-only dissection (no tree) and holding what tshark shows
 * for the same frame: dtls.handshake.type, dtls.handshake.version,
 * dtls.handshake.ciphersuite (a ServerHello's), the first
 * dtls.handshake.extensions_server_name, and dtls.alert_message.level /
 * .desc.  The expected rows below are tshark 4.0's
 *   tshark -r CAPTURE [-o dtls.psk:…] -T fields -E occurrence=a -e frame.number
 *     -e dtls.handshake.type -e dtls.handshake.version -e dtls.handshake.ciphersuite
 *     -e dtls.handshake.extensions_server_name -e dtls.alert_message.level -e dtls.alert_message.desc
 * written one record after another. */
#include "iot-core-private.h"
#include "iot-engine.h"
#include "iot-packet.h"
#include "iot-secrets.h"

#include <string.h>

#define CAPTURES "tests/captures"
#define PSK "dtls.psk:696f7473636f70652d646576696365"

typedef struct {
  guint32     frame;
  const char *records;   /* "hs TYPE [v=VERSION] [c=CIPHER] [sni=NAME]; …", "alert LEVEL DESC" */
} Expected;

static const Expected dtls12[] = {
  { 1, "hs 1 v=fefd sni=iot-gateway.local" },
  { 2, "hs 3 v=feff" },
  { 3, "hs 1 v=fefd sni=iot-gateway.local" },
  { 4, "hs 2 v=fefd c=c02c; hs 11; hs 12; hs 14" },
  { 5, "hs 16" },
  { 6, "hs 4" },
  { 7, "" },   /* application data and an encrypted alert: nothing in the clear */
  { 8, "" },
  { 9, "" },
  { 10, "" },
  { 0 },
};

/* The Certificate split over four datagrams (tshark lists its type 11 in
 * frames 4 to 7, once per fragment) is one record, in frame 7 that
 * completes it. */
static const Expected fragments[] = {
  { 1, "hs 1 v=fefd" },
  { 2, "hs 3 v=feff" },
  { 3, "hs 1 v=fefd" },
  { 4, "hs 2 v=fefd c=c02f" },
  { 5, "" },
  { 6, "" },
  { 7, "hs 11" },
  { 8, "hs 12; hs 14" },
  { 9, "hs 16" },
  { 10, "hs 4" },
  { 11, "" },
  { 12, "" },
  { 13, "" },
  { 14, "" },
  { 0 },
};

/* With the PSK, the Finished messages and the close_notify alerts are
 * read from decrypted records. */
static const Expected decrypted[] = {
  { 1, "hs 1 v=fefd" },
  { 2, "hs 3 v=feff" },
  { 3, "hs 1 v=fefd" },
  { 4, "hs 2 v=fefd c=c0a8; hs 14" },
  { 5, "hs 16; hs 20" },
  { 6, "hs 4" },
  { 7, "hs 20" },
  { 8, "" },
  { 10, "alert 1 0" },
  { 11, "alert 1 0" },
  { 12, "hs 1 v=fefd" },
  { 15, "hs 2 v=fefd c=c0a4; hs 14" },
  { 16, "hs 16; hs 20" },
  { 21, "alert 1 0" },
  { 22, "alert 1 0" },
  { 26, "hs 2 v=fefd c=00a8; hs 14" },
  { 33, "alert 1 0" },
  { 0 },
};

/* The frame's TLS records as the rows above write them. */
static char *
records_text (IotPacket *pkt)
{
  GString *text = g_string_new (NULL);
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_TLS, &n);

  for (guint i = 0; i < n; i++)
    {
      const IotTapTls *r = records[i];

      if (i > 0)
        g_string_append (text, "; ");
      if (r->content_type == 21)
        {
          g_string_append_printf (text, "alert %u %u", r->alert_level, r->alert_description);
          continue;
        }
      g_assert_cmpuint (r->content_type, ==, 22);
      g_string_append_printf (text, "hs %u", r->handshake_type);
      if (r->handshake_version != 0)
        g_string_append_printf (text, " v=%04x", r->handshake_version);
      if (r->handshake_type == 2)
        g_string_append_printf (text, " c=%04x", r->cipher);
      if (r->sni != NULL)
        g_string_append_printf (text, " sni=%s", r->sni);
      /* None of these DTLS 1.2 hellos carries supported_versions: only a
       * ServerHello names the version in force. */
      if (r->handshake_type == 2)
        g_assert_cmpuint (r->supported_version, ==, r->handshake_version);
      else
        g_assert_cmpuint (r->supported_version, ==, 0);
    }
  return g_string_free (text, FALSE);
}

/* Dissects each listed frame of @capture with the TLS tap only and checks
 * its records; with @complete, every frame of the capture is listed. */
static void
check_capture (const char *capture, const char *preference, const Expected *expected, gboolean complete)
{
  g_autofree char *path = g_build_filename (CAPTURES, capture, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = NULL;
  g_autoptr (IotEngine) engine = NULL;
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  IotDissectOptions tap_only = { .flags = IOT_DISSECT_TAP (IOT_TAP_TLS) };
  IotSecrets *secrets = iot_secrets_default ();
  guint listed = 0;

  iot_secrets_clear (secrets);
  if (preference != NULL)
    g_assert_true (iot_secrets_set_preference (secrets, preference, &error));
  g_assert_no_error (error);
  file = iot_file_open (path, &error);
  g_assert_no_error (error);
  engine = iot_engine_new (file);
  g_assert_true (iot_engine_first_pass (engine, NULL));
  for (const Expected *e = expected; e->frame != 0; e++, listed++)
    {
      g_autofree char *got = NULL;

      iot_engine_dissect (engine, pkt, e->frame, &tap_only);
      g_assert_cmpuint (iot_packet_n_nodes (pkt), ==, 0);
      got = records_text (pkt);
      if (g_test_verbose ())
        g_printerr ("%s %u: %s\n", capture, e->frame, got);
      g_assert_cmpstr (got, ==, e->records);
    }
  if (complete)
    g_assert_cmpuint (listed, ==, iot_file_n_frames (file));
  iot_secrets_clear (secrets);
}

static void
test_handshake (void)
{
  check_capture ("dtls12.pcap", NULL, dtls12, TRUE);
}

static void
test_fragments (void)
{
  check_capture ("dtls-fragments.pcap", NULL, fragments, TRUE);
}

static void
test_decrypted (void)
{
  check_capture ("dtls-psk-decrypt.pcap", PSK, decrypted, FALSE);
}

/* Nobody asked: no record. */
static void
test_not_wanted (void)
{
  g_autoptr (IotFile) file = iot_file_open (CAPTURES "/dtls12.pcap", NULL);
  g_autoptr (IotEngine) engine = iot_engine_new (file);
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  IotDissectOptions conv_only = { .flags = IOT_DISSECT_TAP (IOT_TAP_CONV) };
  guint n;

  iot_engine_first_pass (engine, NULL);
  iot_engine_dissect (engine, pkt, 1, &conv_only);
  iot_packet_tap_records (pkt, IOT_TAP_TLS, &n);
  g_assert_cmpuint (n, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  iot_registry_init ();
  g_test_add_func ("/tap-dtls/handshake", test_handshake);
  g_test_add_func ("/tap-dtls/fragments", test_fragments);
  g_test_add_func ("/tap-dtls/decrypted", test_decrypted);
  g_test_add_func ("/tap-dtls/not-wanted", test_not_wanted);
  return g_test_run ();
}
