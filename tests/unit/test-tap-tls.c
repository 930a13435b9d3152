/* test-tap-tls.c — the TLS tap records DTLS publishes, and the TLS note
 * records TLS and DTLS publish for the session table (src/dissect/iot-tap.h).
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
#include "iot-tls-sessions.h"

#include <string.h>

#define CAPTURES "tests/captures"
#define PSK "dtls.psk:696f7473636f70652d646576696365"
#define KEYLOG "tls.keylog_file:" CAPTURES "/mqtt-tls-decrypt.keys"

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

      /* A piece of a message not rebuilt here: the rows-facts test below
       * checks those. */
      if (r->fragment)
        continue;
      if (text->len > 0)
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

/* The tree's TLS and DTLS layers and hidden decryption notes, in order, as
 * the note records write them: "tls", "dtls", "secret TEXT", "failure TEXT". */
static char *
tree_notes (IotPacket *pkt)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < iot_packet_n_nodes (pkt); i++)
    {
      const IotNode *node = iot_packet_node (pkt, i);
      const char *abbrev = node->field ? node->field->abbrev : "";

      if (strcmp (abbrev, "tls") == 0 || strcmp (abbrev, "dtls") == 0)
        g_string_append_printf (text, "%s;", abbrev);
      else if (g_str_has_suffix (abbrev, ".decryption.secret") || g_str_has_suffix (abbrev, ".decryption.failure"))
        g_string_append_printf (text, "%s %.*s;", g_str_has_suffix (abbrev, ".secret") ? "secret" : "failure",
                                (int) node->vlen, (const char *) node->v.p);
    }
  return g_string_free (text, FALSE);
}

static char *
record_notes (IotPacket *pkt, guint *n_secrets)
{
  GString *text = g_string_new (NULL);
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_TLS_NOTE, &n);

  for (guint i = 0; i < n; i++)
    {
      const IotTapTlsNote *r = records[i];

      switch (r->kind)
        {
        case IOT_TAP_TLS_NOTE_LAYER:
          g_assert_null (r->text);
          g_string_append_printf (text, "%s;", r->dtls ? "dtls" : "tls");
          break;
        case IOT_TAP_TLS_NOTE_SECRET:
          g_string_append_printf (text, "secret %s;", r->text);
          (*n_secrets)++;
          break;
        default:
          g_assert_cmpuint (r->kind, ==, IOT_TAP_TLS_NOTE_FAILURE);
          g_string_append_printf (text, "failure %s;", r->text);
          break;
        }
    }
  return g_string_free (text, FALSE);
}

/* Dissects every frame of @capture (with the secrets @preference sets)
 * twice, only for @tap and then with the whole tree, and asserts that
 * @from_records says what @from_tree says.  The engine stays open for
 * the caller's further checks; the secrets are the caller's to clear. */
typedef char *(*FactsFunc) (IotPacket *pkt, gpointer data);

static IotEngine *
compare_every_frame (const char *capture, const char *preference, IotTapId tap, FactsFunc from_tree,
                     FactsFunc from_records, gpointer data)
{
  g_autofree char *path = g_build_filename (CAPTURES, capture, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = NULL;
  g_autoptr (IotPacket) taps = iot_packet_new ();
  g_autoptr (IotPacket) full = iot_packet_new ();
  IotDissectOptions tap_only = { .flags = IOT_DISSECT_TAP (tap) };
  IotDissectOptions tree = { .flags = IOT_DISSECT_TREE };
  IotSecrets *secrets = iot_secrets_default ();
  IotEngine *engine;

  iot_secrets_clear (secrets);
  if (preference != NULL)
    g_assert_true (iot_secrets_set_preference (secrets, preference, &error));
  g_assert_no_error (error);
  file = iot_file_open (path, &error);
  g_assert_no_error (error);
  engine = iot_engine_new (file);
  g_assert_true (iot_engine_first_pass (engine, NULL));
  for (guint32 number = 1; number <= iot_file_n_frames (file); number++)
    {
      g_autofree char *want = NULL, *got = NULL;

      iot_engine_dissect (engine, taps, number, &tap_only);
      g_assert_cmpuint (iot_packet_n_nodes (taps), ==, 0);
      iot_engine_dissect (engine, full, number, &tree);
      want = from_tree (full, data);
      got = from_records (taps, data);
      if (g_test_verbose ())
        g_printerr ("%s %u: %s\n", capture, number, got);
      g_assert_cmpstr (got, ==, want);
    }
  return engine;
}

/* Every frame's note records, from a tap-only dissection, say what its
 * full tree says; the session table built from them counts @sessions
 * sessions, @n_decrypted of them decrypted. */
static char *
notes_from_tree (IotPacket *pkt, gpointer data)
{
  return tree_notes (pkt);
}

static char *
notes_from_records (IotPacket *pkt, gpointer data)
{
  return record_notes (pkt, data);
}

static void
check_notes (const char *capture, const char *preference, guint min_secrets, guint sessions, guint n_decrypted)
{
  g_autoptr (IotTlsSessions) table = iot_tls_sessions_new ();
  g_autoptr (IotEngine) engine = NULL;
  guint n_secrets = 0;

  engine = compare_every_frame (capture, preference, IOT_TAP_TLS_NOTE, notes_from_tree, notes_from_records,
                                &n_secrets);
  g_assert_cmpuint (n_secrets, >=, min_secrets);
  g_assert_true (iot_tls_sessions_scan (table, engine, NULL));
  g_assert_cmpuint (iot_tls_sessions_n (table), ==, sessions);
  g_assert_cmpuint (iot_tls_sessions_n_decrypted (table), ==, n_decrypted);
  iot_secrets_clear (iot_secrets_default ());
}

/* Eight MQTT over TLS sessions: seven opened by the key log, one whose
 * client random the key log lacks (as -z insight's security audit lists
 * them). */
static void
test_notes_tls (void)
{
  check_notes ("mqtt-tls-decrypt.pcap", KEYLOG, 7, 8, 7);
}

/* Three DTLS sessions opened by the PSK. */
static void
test_notes_dtls (void)
{
  check_notes ("dtls-psk-decrypt.pcap", PSK, 6, 3, 3);
}

/* Without secrets, no note but the layers: the sessions are still counted. */
static void
test_notes_without_secrets (void)
{
  check_notes ("dtls12.pcap", NULL, 0, 1, 0);
}

/* ---- the records against the tree's rows ---------------------------------------------- */

/* The handshake and alert facts the tree's tls.* / dtls.* rows show for
 * the frame's own traffic (the rows after an ICMP layer belong to the copy
 * it quotes): each handshake type row starts a message, which takes the
 * version, a Server Hello's suite and the newest supported_versions row
 * that follow; the TLS alerts; the last TLS server name. */
static char *
tree_facts (IotPacket *pkt)
{
  GString *hs = g_string_new (NULL), *alerts = g_string_new (NULL);
  const char *sni = NULL;
  gboolean dtls = FALSE, in_message = FALSE;
  guint type = 0, version = 0, cipher = 0, sv = 0;
  gboolean has_cipher = FALSE;

#define FLUSH_MESSAGE()                                                                         \
  if (in_message)                                                                               \
    g_string_append_printf (hs, "[%u v=%04x c=%s%04x sv=%04x]", type, version, has_cipher ? "" : "-", \
                            cipher, sv)
  for (guint i = 0; i < iot_packet_n_nodes (pkt); i++)
    {
      const IotNode *node = iot_packet_node (pkt, i);
      const char *name;

      if (node->field == NULL)
        continue;
      name = node->field->abbrev;
      if (strcmp (name, "icmp") == 0 || strcmp (name, "icmpv6") == 0)
        break;
      if (strcmp (name, "dtls") == 0)
        dtls = TRUE;
      if (strcmp (name, "tls.handshake.type") == 0 || strcmp (name, "dtls.handshake.type") == 0)
        {
          FLUSH_MESSAGE ();
          in_message = TRUE;
          type = (guint) node->v.u;
          version = cipher = sv = 0;
          has_cipher = FALSE;
        }
      else if (strcmp (name, "tls.handshake.version") == 0 || strcmp (name, "dtls.handshake.version") == 0)
        version = (guint) node->v.u;
      else if ((strcmp (name, "tls.handshake.ciphersuite") == 0
                || strcmp (name, "dtls.handshake.ciphersuite") == 0) && in_message && type == 2)
        {
          cipher = (guint) node->v.u;
          has_cipher = TRUE;
        }
      else if (strcmp (name, "tls.handshake.extensions.supported_version") == 0
               || strcmp (name, "dtls.handshake.extensions.supported_version") == 0)
        {
          if (sv == 0 || (dtls ? node->v.u < sv : node->v.u > sv))
            sv = (guint) node->v.u;
        }
      else if (strcmp (name, "tls.alert_message.level") == 0)
        g_string_append_printf (alerts, "[%u", (guint) node->v.u);
      else if (strcmp (name, "tls.alert_message.desc") == 0)
        g_string_append_printf (alerts, " %u]", (guint) node->v.u);
      else if (strcmp (name, "tls.handshake.extensions_server_name") == 0)
        sni = node->v.p ? (const char *) node->v.p : "";
    }
  FLUSH_MESSAGE ();
#undef FLUSH_MESSAGE
  g_string_append_printf (hs, " alerts %s sni %s", alerts->str, sni ? sni : "-");
  g_string_free (alerts, TRUE);
  return g_string_free (hs, FALSE);
}

/* The same facts from the frame's TLS records, written the same way. */
static char *
record_facts (IotPacket *pkt)
{
  GString *hs = g_string_new (NULL), *alerts = g_string_new (NULL);
  const char *sni = NULL;
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_TLS, &n);

  for (guint i = 0; i < n; i++)
    {
      const IotTapTls *r = records[i];

      if (r->in_error)
        continue;
      if (r->content_type == 21)
        {
          if (!r->dtls)
            g_string_append_printf (alerts, "[%u %u]", r->alert_level, r->alert_description);
          continue;
        }
      g_string_append_printf (hs, "[%u v=%04x c=%s%04x sv=%04x]", r->handshake_type, r->handshake_version,
                              r->has_cipher ? "" : "-", r->cipher * r->has_cipher, r->sv_newest_row);
      if (!r->dtls && r->sni != NULL)
        sni = r->sni;
    }
  g_string_append_printf (hs, " alerts %s sni %s", alerts->str, sni ? sni : "-");
  g_string_free (alerts, TRUE);
  return g_string_free (hs, FALSE);
}

/* Every frame of @capture: the records say what the rows say. */
static char *
facts_from_tree (IotPacket *pkt, gpointer data)
{
  return tree_facts (pkt);
}

/* The records' facts, counting the messages in @data (a guint). */
static char *
facts_from_records (IotPacket *pkt, gpointer data)
{
  guint *n_messages = data;
  char *got = record_facts (pkt);

  for (const char *p = got; (p = strchr (p, '[')) != NULL; p++)
    (*n_messages)++;
  return got;
}

static guint
check_rows (const char *capture, const char *preference)
{
  g_autoptr (IotEngine) engine = NULL;
  guint n_messages = 0;

  engine = compare_every_frame (capture, preference, IOT_TAP_TLS, facts_from_tree, facts_from_records,
                                &n_messages);
  iot_secrets_clear (iot_secrets_default ());
  return n_messages;
}

static void
test_rows (void)
{
  static const struct {
    const char *capture, *preference;
  } captures[] = {
    { "tls12.pcap", NULL }, { "tls13.pcap", NULL }, { "tls-failures.pcap", NULL }, { "tls-weak.pcap", NULL },
    { "tls-smallmtu.pcap", NULL }, { "tls12-psk.pcap", NULL }, { "https-dsb.pcapng", NULL },
    { "mqtt-tls-decrypt.pcap", KEYLOG }, { "dtls12.pcap", NULL }, { "dtls-fragments.pcap", NULL },
    { "dtls-alpn.pcap", NULL }, { "dtls-psk.pcap", NULL }, { "dtls-psk-decrypt.pcap", PSK },
  };
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (captures); i++)
    n += check_rows (captures[i].capture, captures[i].preference);
  /* Not a comparison of two empty lists. */
  g_assert_cmpuint (n, >, 100);
}

/* The DTLS Certificate in four datagrams (frames 4 to 7) and the Server
 * Key Exchange in two (7 and 8): each piece not rebuilt in its frame is a
 * fragment record that says only its type, as the tree's type row does. */
static void
test_fragment_records (void)
{
  static const char *const pieces[] = { "11", "11", "11", "12", "" };   /* frames 4 to 8 */
  g_autoptr (IotFile) file = iot_file_open (CAPTURES "/dtls-fragments.pcap", NULL);
  g_autoptr (IotEngine) engine = iot_engine_new (file);
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  IotDissectOptions tap_only = { .flags = IOT_DISSECT_TAP (IOT_TAP_TLS) };

  g_assert_true (iot_engine_first_pass (engine, NULL));
  for (guint32 number = 4; number <= 8; number++)
    {
      g_autoptr (GString) got = g_string_new (NULL);
      guint n;
      gconstpointer const *records;

      iot_engine_dissect (engine, pkt, number, &tap_only);
      records = iot_packet_tap_records (pkt, IOT_TAP_TLS, &n);
      for (guint i = 0; i < n; i++)
        {
          const IotTapTls *r = records[i];

          if (!r->fragment)
            continue;
          g_assert_cmpuint (r->handshake_version, ==, 0);
          g_assert_false (r->has_cipher);
          g_string_append_printf (got, "%s%u", got->len ? "," : "", r->handshake_type);
        }
      g_assert_cmpstr (got->str, ==, pieces[number - 4]);
    }
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
  g_test_add_func ("/tap-tls-note/tls", test_notes_tls);
  g_test_add_func ("/tap-tls-note/dtls", test_notes_dtls);
  g_test_add_func ("/tap-tls-note/without-secrets", test_notes_without_secrets);
  g_test_add_func ("/tap-tls/rows", test_rows);
  g_test_add_func ("/tap-dtls/fragment-records", test_fragment_records);
  return g_test_run ();
}
