/* test-tap-web.c — the records the insight and the HTTP trees read in
 * place of the tree (src/dissect/iot-tap.h): the http.* facts of an
 * IotTapHttp, the IotTapCert of each X.509 certificate a TLS or DTLS
 * Certificate message carries, and the UDP IotTapPayload.
 *
 * Every test capture, frame by frame, with the TLS secrets of its .opts: a
 * dissection that asks for the taps only makes no node, and its records,
 * written out as the fields they stand for, hold exactly what the full
 * tree's fields hold, value for value:
 *  - per "http" layer, in order: http.request.method, http.request.uri,
 *    http.response.code, http.response.code.desc, the first http.host, the
 *    last http.authorization and http.content_type;
 *  - per certificate row (tls/dtls.handshake.certificate), in order: its
 *    x509af.serialNumber, the x509af.utcTime of its validity, its
 *    x509ce.dNSName rows; the issuer and subject the certificate's label
 *    names;
 *  - per udp.payload row: its bytes (where the row starts and how many
 *    bytes it covers).
 * A tree built with the taps asked for publishes the same records. */
#include "iot-core-private.h"
#include "iot-engine.h"
#include "iot-packet.h"
#include "iot-secrets.h"

#include "test-util.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define WEB_TAPS (IOT_DISSECT_TAP (IOT_TAP_HTTP) | IOT_DISSECT_TAP (IOT_TAP_CERT) | IOT_DISSECT_TAP (IOT_TAP_PAYLOAD))

/* The captures' secrets (tests/captures/NAME.opts), captures folder relative. */
static const struct {
  const char *capture;
  const char *preferences[2];
} secrets_of[] = {
  { "dtls-alpn.pcap", { "dtls.psk:696f7473636f70652d646576696365" } },
  { "dtls-fragments.pcap", { "tls.keylog_file:tests/captures/dtls-fragments.keys" } },
  { "dtls-psk-decrypt.pcap", { "dtls.psk:696f7473636f70652d646576696365" } },
  { "https-decrypt.pcap", { "tls.keylog_file:tests/captures/https-decrypt.keys" } },
  { "mqtt-tls-decrypt.pcap", { "tls.keylog_file:tests/captures/mqtt-tls-decrypt.keys" } },
  { "tls-alpn.pcap", { "tls.keylog_file:tests/captures/tls-alpn.keys" } },
  { "tls-coap.pcap", { "tls.psk:696f7473636f70652d646576696365", "tls.keylog_file:tests/captures/tls-coap.keys" } },
  { "tls12-psk.pcap", { "tls.psk:696f7473636f70652d646576696365" } },
  { "tls13-early-data.pcap", { "tls.keylog_file:tests/captures/tls13-early-data.keys" } },
};

typedef struct {
  guint http_messages, requests, responses, hosts, authorizations, content_types;
  guint certs, utc_times, dns_names, subjects, udp_payloads;
} Counts;

static void
add_row (GString *out, const char *field, const char *value)
{
  if (value != NULL)
    g_string_append_printf (out, " %s=%s", field, value);
}

static void
add_hex (GString *out, const char *field, const guint8 *bytes, gsize len)
{
  g_string_append_printf (out, " %s=", field);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, "%02x", bytes[i]);
}

/* ---- HTTP ----------------------------------------------------------------------- */

static char *
http_record_text (const IotTapHttp *rec, Counts *counts)
{
  GString *out = g_string_new ("http");
  g_autofree char *code = rec->request || rec->continuation ? NULL : g_strdup_printf ("%u", rec->code);

  g_assert_false (rec->in_error);
  g_assert_true (rec->continuation || rec->request == (rec->method != NULL));
  add_row (out, "http.request.method", rec->method);
  add_row (out, "http.request.uri", rec->uri);
  add_row (out, "http.response.code", code);
  add_row (out, "http.response.code.desc", rec->code_desc);
  add_row (out, "http.host", rec->host);
  add_row (out, "http.authorization", rec->authorization);
  add_row (out, "http.content_type", rec->content_type);
  counts->http_messages++;
  counts->requests += rec->request;
  counts->responses += code != NULL;
  counts->hosts += rec->host != NULL;
  counts->authorizations += rec->authorization != NULL;
  counts->content_types += rec->content_type != NULL;
  return g_string_free (out, FALSE);
}

/* The layer at @layer (an "http" row): the rows below it. */
static char *
http_tree_text (IotPacket *pkt, guint layer)
{
  GString *out = g_string_new ("http");
  const char *names[] = { "http.request.method", "http.request.uri", "http.response.code",
                          "http.response.code.desc", "http.host", "http.authorization", "http.content_type" };
  /* The record keeps the first Host, the last Authorization and Content-Type. */
  const gboolean first[] = { TRUE, TRUE, TRUE, TRUE, TRUE, FALSE, FALSE };
  char *values[G_N_ELEMENTS (names)] = { NULL };

  for (guint j = layer + 1; j < iot_packet_n_nodes (pkt) && iot_packet_node (pkt, j)->parent >= (gint32) layer; j++)
    {
      const IotNode *node = iot_packet_node (pkt, j);

      for (guint k = 0; node->field != NULL && k < G_N_ELEMENTS (names); k++)
        if (strcmp (node->field->abbrev, names[k]) == 0 && (values[k] == NULL || !first[k]))
          {
            g_free (values[k]);
            values[k] = node->field->type == IOT_FT_STRING ? g_strdup ((const char *) node->v.p)
                                                           : g_strdup_printf ("%" G_GUINT64_FORMAT, node->v.u);
          }
    }
  for (guint k = 0; k < G_N_ELEMENTS (names); k++)
    {
      add_row (out, names[k], values[k]);
      g_free (values[k]);
    }
  return g_string_free (out, FALSE);
}

/* ---- certificates ----------------------------------------------------------------- */

static char *
cert_record_text (const IotTapCert *rec, Counts *counts)
{
  GString *out = g_string_new ("cert");

  g_assert_false (rec->in_error);
  if (rec->serial != NULL)
    add_hex (out, "x509af.serialNumber", rec->serial, rec->serial_length);
  if (rec->not_before_utc)
    add_row (out, "x509af.utcTime", rec->not_before);
  if (rec->not_after_utc)
    add_row (out, "x509af.utcTime", rec->not_after);
  counts->utc_times += rec->not_before_utc + rec->not_after_utc;
  for (guint i = 0; i < rec->n_dns_names; i++)
    add_row (out, "x509ce.dNSName", rec->dns_names[i]);
  counts->dns_names += rec->n_dns_names;
  /* A whole certificate has its bytes, and a subject and issuer were read from it. */
  if (!rec->cut)
    {
      g_assert_nonnull (rec->data);
      g_assert_cmpuint (rec->length, >, 0);
      g_assert_nonnull (rec->issuer);
      g_assert_nonnull (rec->subject);
    }
  counts->subjects += rec->subject != NULL && *rec->subject != '\0';
  counts->certs++;
  return g_string_free (out, FALSE);
}

static gboolean
is_cert_row (const IotNode *node)
{
  return node->field != NULL
         && (strcmp (node->field->abbrev, "tls.handshake.certificate") == 0
             || strcmp (node->field->abbrev, "dtls.handshake.certificate") == 0);
}

/* The certificate row at @row and the x509 rows below it. */
static char *
cert_tree_text (IotPacket *pkt, guint row)
{
  GString *out = g_string_new ("cert");

  for (guint j = row + 1; j < iot_packet_n_nodes (pkt) && iot_packet_node (pkt, j)->parent >= (gint32) row; j++)
    {
      const IotNode *node = iot_packet_node (pkt, j);

      if (node->field == NULL)
        continue;
      if (strcmp (node->field->abbrev, "x509af.serialNumber") == 0)
        add_hex (out, "x509af.serialNumber", node->v.p, node->vlen);
      else if (strcmp (node->field->abbrev, "x509af.utcTime") == 0
               || strcmp (node->field->abbrev, "x509ce.dNSName") == 0)
        add_row (out, node->field->abbrev, (const char *) node->v.p);
    }
  return g_string_free (out, FALSE);
}

/* ---- one capture -------------------------------------------------------------------- */

/* Whether row @i is part of the packet an ICMP error quotes. */
static gboolean
inside_icmp (IotPacket *pkt, guint i)
{
  for (gint32 p = iot_packet_node (pkt, i)->parent; p >= 0; p = iot_packet_node (pkt, (guint) p)->parent)
    {
      const IotField *f = iot_packet_node (pkt, (guint) p)->field;

      if (f != NULL && (strcmp (f->abbrev, "icmp") == 0 || strcmp (f->abbrev, "icmpv6") == 0))
        return TRUE;
    }
  return FALSE;
}

static void
assert_same_lists (GPtrArray *from_records, GPtrArray *from_tree, const char *capture, guint32 frame)
{
  for (guint i = 0; i < MAX (from_records->len, from_tree->len); i++)
    {
      const char *r = i < from_records->len ? g_ptr_array_index (from_records, i) : "(none)";
      const char *t = i < from_tree->len ? g_ptr_array_index (from_tree, i) : "(none)";

      if (strcmp (r, t) != 0)
        g_error ("%s frame %u: record \"%s\", tree \"%s\"", capture, frame, r, t);
    }
}

static void
check_frame (IotPacket *taps, IotPacket *full, const char *capture, guint32 frame, Counts *counts)
{
  g_autoptr (GPtrArray) rec_http = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) tree_http = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) rec_certs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) tree_certs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) rec_udp = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) tree_udp = g_ptr_array_new_with_free_func (g_free);
  const IotField *http = iot_registry_field ("http");
  const IotField *udp_payload = iot_registry_field ("udp.payload");
  gconstpointer const *r;
  guint n;

  r = iot_packet_tap_records (taps, IOT_TAP_HTTP, &n);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (rec_http, http_record_text (r[i], counts));
  r = iot_packet_tap_records (taps, IOT_TAP_CERT, &n);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (rec_certs, cert_record_text (r[i], counts));
  r = iot_packet_tap_records (taps, IOT_TAP_PAYLOAD, &n);
  for (guint i = 0; i < n; i++)
    {
      const IotTapPayload *p = r[i];
      GString *s = g_string_new ("udp.payload");

      if (p->layer != IOT_TAP_LAYER_UDP)
        {
          g_string_free (s, TRUE);
          continue;
        }
      g_string_append_printf (s, " source=%u offset=%u", p->source, p->offset);
      add_hex (s, "bytes", p->data, p->length);
      g_ptr_array_add (rec_udp, g_string_free (s, FALSE));
      counts->udp_payloads++;
    }

  for (guint i = 0; i < iot_packet_n_nodes (full); i++)
    {
      const IotNode *node = iot_packet_node (full, i);

      if (node->field == http)
        g_ptr_array_add (tree_http, http_tree_text (full, i));
      else if (is_cert_row (node))
        g_ptr_array_add (tree_certs, cert_tree_text (full, i));
      else if (node->field == udp_payload)
        {
          const IotDataSource *source = iot_packet_source (full, node->source);
          GString *s;

          /* The row covers the datagram's data (its value runs on to
           * the end of the bytes captured); a record needs some. */
          if (node->length == 0 || inside_icmp (full, i))
            continue;
          s = g_string_new ("udp.payload");
          g_string_append_printf (s, " source=%u offset=%u", node->source, node->offset);
          add_hex (s, "bytes", source->data + node->offset, node->length);
          g_ptr_array_add (tree_udp, g_string_free (s, FALSE));
        }
    }
  assert_same_lists (rec_http, tree_http, capture, frame);
  assert_same_lists (rec_certs, tree_certs, capture, frame);
  /* The row of a certificate whose subject was read ends with it. */
  r = iot_packet_tap_records (taps, IOT_TAP_CERT, &n);
  for (guint i = 0, k = 0; i < iot_packet_n_nodes (full); i++)
    if (is_cert_row (iot_packet_node (full, i)))
      {
        const IotTapCert *rec = r[k++];
        const char *label = iot_packet_node (full, i)->label;

        if (rec->subject != NULL && *rec->subject != '\0')
          {
            g_autofree char *tail = g_strdup_printf (" (%s)", rec->subject);

            g_assert_nonnull (label);
            g_assert_true (g_str_has_suffix (label, tail));
          }
      }
  assert_same_lists (rec_udp, tree_udp, capture, frame);
}

/* The records of a dissection with a tree are those of one without. */
static void
assert_same_records (IotPacket *taps, IotPacket *full)
{
  static const IotTapId ids[] = { IOT_TAP_HTTP, IOT_TAP_CERT, IOT_TAP_PAYLOAD };

  for (guint k = 0; k < G_N_ELEMENTS (ids); k++)
    {
      guint a, b;
      gconstpointer const *ra = iot_packet_tap_records (taps, ids[k], &a);
      gconstpointer const *rb = iot_packet_tap_records (full, ids[k], &b);

      g_assert_cmpuint (a, ==, b);
      for (guint i = 0; i < a && ids[k] == IOT_TAP_HTTP; i++)
        {
          const IotTapHttp *x = ra[i], *y = rb[i];

          g_assert_cmpuint (x->code, ==, y->code);
          g_assert_cmpstr (x->method, ==, y->method);
          g_assert_cmpstr (x->uri, ==, y->uri);
          g_assert_cmpstr (x->host, ==, y->host);
          g_assert_cmpstr (x->authorization, ==, y->authorization);
        }
      for (guint i = 0; i < a && ids[k] == IOT_TAP_CERT; i++)
        {
          const IotTapCert *x = ra[i], *y = rb[i];

          g_assert_cmpstr (x->not_before, ==, y->not_before);
          g_assert_cmpstr (x->not_after, ==, y->not_after);
          g_assert_cmpstr (x->issuer, ==, y->issuer);
          g_assert_cmpstr (x->subject, ==, y->subject);
          g_assert_cmpuint (x->n_dns_names, ==, y->n_dns_names);
        }
    }
}

static void
check_capture (const char *path, Counts *counts)
{
  g_autoptr (IotFile) file = iot_file_open (path, NULL);
  g_autoptr (IotEngine) engine = NULL;
  g_autoptr (IotPacket) taps = iot_packet_new ();
  g_autoptr (IotPacket) full = iot_packet_new ();
  IotDissectOptions tap_only = { .flags = WEB_TAPS };
  IotDissectOptions tree = { .flags = IOT_DISSECT_TREE | WEB_TAPS };
  IotSecrets *secrets = iot_secrets_default ();
  g_autofree char *name = g_path_get_basename (path);

  if (file == NULL)
    return;
  iot_secrets_clear (secrets);
  for (guint i = 0; i < G_N_ELEMENTS (secrets_of); i++)
    for (guint p = 0; strcmp (name, secrets_of[i].capture) == 0 && p < 2 && secrets_of[i].preferences[p]; p++)
      g_assert_true (iot_secrets_set_preference (secrets, secrets_of[i].preferences[p], NULL));
  engine = iot_engine_new (file);
  g_assert_true (iot_engine_first_pass (engine, NULL));
  for (guint32 n = 1; n <= iot_file_n_frames (file); n++)
    {
      iot_engine_dissect (engine, taps, n, &tap_only);
      g_assert_cmpuint (iot_packet_n_nodes (taps), ==, 0);
      iot_engine_dissect (engine, full, n, &tree);
      assert_same_records (taps, full);
      check_frame (taps, full, name, n, counts);
    }
  iot_secrets_clear (secrets);
}

static void
test_captures (void)
{
  g_autoptr (GPtrArray) paths = test_capture_paths ();
  Counts c = { 0 };

  for (guint i = 0; i < paths->len; i++)
    check_capture (g_ptr_array_index (paths, i), &c);
  g_test_message ("HTTP: %u layers (%u requests, %u responses), %u with a Host, %u an Authorization, "
                  "%u a Content-Type; %u certificates (%u subjects), %u UTCTimes, %u DNS names; %u UDP payloads",
                  c.http_messages, c.requests, c.responses, c.hosts, c.authorizations, c.content_types,
                  c.certs, c.subjects, c.utc_times, c.dns_names, c.udp_payloads);
  /* The captures hold each kind of fact, many times over. */
  g_assert_cmpuint (c.requests, >, 10);
  g_assert_cmpuint (c.responses, >, 10);
  g_assert_cmpuint (c.hosts, >, 10);
  g_assert_cmpuint (c.content_types, >, 10);
  g_assert_cmpuint (c.certs, >, 5);
  g_assert_cmpuint (c.utc_times, >, 10);
  g_assert_cmpuint (c.dns_names, >, 0);
  g_assert_cmpuint (c.udp_payloads, >, 100);
}

/* ---- a capture made here ------------------------------------------------------------- */

/* An Ethernet/IPv4/TCP frame from 10.0.0.@from to 10.0.0.@to carrying @text. */
static GByteArray *
tcp_frame (guint8 from, guint8 to, guint16 sport, guint16 dport, guint32 seq, const char *text)
{
  guint len = (guint) strlen (text);
  guint8 head[54] = {
    0, 1, 2, 3, 4, to, 0, 1, 2, 3, 4, from, 0x08, 0x00,
    0x45, 0, (guint8) ((40 + len) >> 8), (guint8) (40 + len), 0, 1, 0x40, 0, 64, 6, 0, 0,
    10, 0, 0, from, 10, 0, 0, to,
    (guint8) (sport >> 8), (guint8) sport, (guint8) (dport >> 8), (guint8) dport,
    (guint8) (seq >> 24), (guint8) (seq >> 16), (guint8) (seq >> 8), (guint8) seq, 0, 0, 0, 1,
    0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0,
  };
  GByteArray *frame = g_byte_array_new ();

  g_byte_array_append (frame, head, sizeof head);
  g_byte_array_append (frame, (const guint8 *) text, len);
  return frame;
}

/* What the captures lack: Authorization headers (the last one counts),
 * two Host headers (the first counts), bytes above 0x7f in the URI and
 * a Host, two messages in one frame, a status code without a phrase of
 * its own and the code 000. */
static void
test_made_capture (void)
{
  static const char request[] =
    "GET /caf\xc3\xa9?x=1 HTTP/1.1\r\nHost: first.example\r\nHost: second\xff.example\r\n"
    "Authorization: Basic dXNlcjpwYXNz\r\nAuthorization: Bearer t\xf6ken\r\n"
    "Content-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi";
  static const char responses[] =
    "HTTP/1.1 299 Odd\r\nContent-Type: a/b\r\nContent-Type: c/d\r\nContent-Length: 0\r\n\r\n"
    "HTTP/1.1 000 Zero\r\nContent-Length: 0\r\n\r\n";
  g_autoptr (GByteArray) f1 = tcp_frame (1, 2, 40000, 80, 1000, request);
  g_autoptr (GByteArray) f2 = tcp_frame (2, 1, 80, 40000, 5000, responses);
  const guint8 *frames[] = { f1->data, f2->data };
  guint32 lens[] = { f1->len, f2->len };
  g_autoptr (GBytes) pcap = test_make_pcap (1, frames, lens, lens, 2);
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = NULL;
  g_autoptr (IotEngine) engine = NULL;
  g_autoptr (IotPacket) taps = iot_packet_new ();
  g_autoptr (IotPacket) full = iot_packet_new ();
  IotDissectOptions tap_only = { .flags = WEB_TAPS };
  IotDissectOptions tree = { .flags = IOT_DISSECT_TREE | WEB_TAPS };
  const IotTapHttp *rec;
  gconstpointer const *r;
  Counts counts = { 0 };
  guint n;
  int fd = g_file_open_tmp ("tap-web-XXXXXX.pcap", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (pcap, NULL), (gssize) g_bytes_get_size (pcap), NULL));
  file = iot_file_open (path, NULL);
  g_assert_nonnull (file);
  engine = iot_engine_new (file);
  g_assert_true (iot_engine_first_pass (engine, NULL));
  for (guint32 f = 1; f <= 2; f++)
    {
      iot_engine_dissect (engine, taps, f, &tap_only);
      iot_engine_dissect (engine, full, f, &tree);
      assert_same_records (taps, full);
      check_frame (taps, full, "made here", f, &counts);
      r = iot_packet_tap_records (taps, IOT_TAP_HTTP, &n);
      g_assert_cmpuint (n, ==, f);
      rec = r[0];
      if (f == 1)
        {
          g_assert_cmpstr (rec->method, ==, "GET");
          g_assert_cmpstr (rec->uri, ==, "/caf\xef\xbf\xbd\xef\xbf\xbd?x=1");
          g_assert_cmpstr (rec->host, ==, "first.example");
          g_assert_cmpstr (rec->authorization, ==, "Bearer t\xef\xbf\xbdken");
          g_assert_cmpstr (rec->content_type, ==, "text/plain");
          g_assert_cmpuint (rec->body_length, ==, 2);
        }
      else
        {
          g_assert_cmpuint (rec->code, ==, 299);
          g_assert_cmpstr (rec->code_desc, ==, "Unknown");
          g_assert_cmpstr (rec->content_type, ==, "c/d");
          rec = r[1];
          g_assert_cmpuint (rec->code, ==, 0);
          g_assert_false (rec->request);
          g_assert_null (rec->method);
        }
    }
  g_assert_cmpuint (counts.authorizations, ==, 1);
  g_unlink (path);
}

/* Nobody asked: no record. */
static void
test_not_wanted (void)
{
  g_autoptr (IotFile) file = iot_file_open ("tests/captures/tls12.pcap", NULL);
  g_autoptr (IotEngine) engine = iot_engine_new (file);
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  IotDissectOptions tree = { .flags = IOT_DISSECT_TREE };
  guint n, certs = 0;

  iot_engine_first_pass (engine, NULL);
  for (guint32 f = 1; f <= iot_file_n_frames (file); f++)
    {
      iot_engine_dissect (engine, pkt, f, &tree);
      iot_packet_tap_records (pkt, IOT_TAP_CERT, &n);
      g_assert_cmpuint (n, ==, 0);
      for (guint i = 0; i < iot_packet_n_nodes (pkt); i++)
        certs += is_cert_row (iot_packet_node (pkt, i));
    }
  g_assert_cmpuint (certs, >, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  iot_registry_init ();
  g_test_add_func ("/tap-web/captures", test_captures);
  g_test_add_func ("/tap-web/made-capture", test_made_capture);
  g_test_add_func ("/tap-web/not-wanted", test_not_wanted);
  return g_test_run ();
}
