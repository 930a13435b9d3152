/* test-follow-records.c — the records Follow TLS and Follow HTTP read
 * (src/dissect/iot-tap.h: IotTapTlsData, IotTapHttp), against the full
 * tree frame by frame on every test capture.
 *
 * A tap-only dissection makes no node, yet publishes per frame:
 *  - one IotTapTlsData per record the tree marks tls.decrypted_record, in
 *    order, whose application data holds exactly the bytes of the
 *    record's tls.decrypted_app_data row (and HTTP in it was sent by the
 *    client when it is a request, by the server when a response);
 *  - one IotTapHttp per "http" layer, whose bytes are the layer's, whose
 *    header block ends where the tree's blank line does (the first CR LF
 *    CR LF), and whose body is the bytes of the layer's http.file_data row.
 * tshark prints these bytes with -z follow,tls / follow,http; the
 * differential suite diff-follow compares those outputs with its. */
#include "iot-core-private.h"
#include "iot-engine.h"
#include "iot-packet.h"
#include "iot-secrets.h"

#include "test-util.h"

#include <string.h>

/* The captures' secrets (tests/captures/NAME.opts), captures folder relative. */
static const struct {
  const char *capture;
  const char *preferences[2];
} secrets_of[] = {
  { "https-decrypt.pcap", { "tls.keylog_file:tests/captures/https-decrypt.keys" } },
  { "mqtt-tls-decrypt.pcap", { "tls.keylog_file:tests/captures/mqtt-tls-decrypt.keys" } },
  { "tls-alpn.pcap", { "tls.keylog_file:tests/captures/tls-alpn.keys" } },
  { "tls-coap.pcap", { "tls.psk:696f7473636f70652d646576696365", "tls.keylog_file:tests/captures/tls-coap.keys" } },
  { "tls12-psk.pcap", { "tls.psk:696f7473636f70652d646576696365" } },
  { "tls13-early-data.pcap", { "tls.keylog_file:tests/captures/tls13-early-data.keys" } },
};

typedef struct {
  guint tls_records, tls_app_data, tls_directions, http_messages, http_bodies;
} Counts;

static const guint8 *
node_bytes (IotPacket *pkt, const IotNode *node, guint32 *length)
{
  const IotDataSource *source = iot_packet_source (pkt, node->source);

  g_assert_nonnull (source);
  g_assert_cmpuint (node->offset, <=, source->length);
  *length = MIN (node->length, source->length - node->offset);
  return source->data + node->offset;
}

static void
check_tls (IotPacket *taps, IotPacket *full, Counts *counts)
{
  guint n, next = 0;
  gconstpointer const *records = iot_packet_tap_records (taps, IOT_TAP_TLS_DATA, &n);
  const IotTapTlsData *current = NULL;

  for (guint i = 0; i < iot_packet_n_nodes (full); i++)
    {
      const IotNode *node = iot_packet_node (full, i);
      const char *abbrev = node->field != NULL ? node->field->abbrev : "";

      if (strcmp (abbrev, "tls.decrypted_record") == 0)
        {
          g_assert_cmpuint (next, <, n);
          current = records[next++];
          counts->tls_records++;
        }
      else if (strcmp (abbrev, "tls.decrypted_app_data") == 0)
        {
          guint32 length;
          const guint8 *bytes = node_bytes (full, node, &length);

          g_assert_nonnull (current);
          g_assert_cmpuint (current->content_type, ==, 23);
          g_assert_cmpmem (current->data, current->length, bytes, length);
          /* HTTP inside says who sent it: requests come from the client. */
          if (length >= 5 && memcmp (bytes, "HTTP/", 5) == 0)
            {
              g_assert_cmpuint (current->from_client, ==, 0);
              counts->tls_directions++;
            }
          else if (length >= 4 && (memcmp (bytes, "GET ", 4) == 0 || memcmp (bytes, "POST", 4) == 0))
            {
              g_assert_cmpuint (current->from_client, ==, 1);
              counts->tls_directions++;
            }
          counts->tls_app_data++;
          current = NULL;
        }
    }
  g_assert_cmpuint (next, ==, n);
}

static guint32
header_block (const guint8 *data, guint32 length)
{
  for (guint32 i = 0; i + 4 <= length; i++)
    if (memcmp (data + i, "\r\n\r\n", 4) == 0)
      return i + 4;
  return length;
}

static void
check_http (IotPacket *taps, IotPacket *full, Counts *counts)
{
  guint n, next = 0;
  gconstpointer const *records = iot_packet_tap_records (taps, IOT_TAP_HTTP, &n);

  for (guint i = 0; i < iot_packet_n_nodes (full); i++)
    {
      const IotNode *node = iot_packet_node (full, i);
      const IotTapHttp *message;
      const IotNode *file_data = NULL;
      guint32 length;
      const guint8 *bytes;

      if (node->field == NULL || strcmp (node->field->abbrev, "http") != 0)
        continue;
      /* Records come after the layers inside their body: find this layer's. */
      while (next < n && ((const IotTapHttp *) records[next])->nested != (node->parent >= 0))
        next++;
      g_assert_cmpuint (next, <, n);
      message = records[next++];
      bytes = node_bytes (full, node, &length);
      g_assert_cmpmem (message->data, message->length, bytes, length);
      g_assert_cmpuint (message->header_length, ==, header_block (bytes, length));
      for (guint j = i + 1; j < iot_packet_n_nodes (full) && iot_packet_node (full, j)->parent >= (gint32) i; j++)
        if (iot_packet_node (full, j)->field != NULL
            && strcmp (iot_packet_node (full, j)->field->abbrev, "http.file_data") == 0)
          {
            file_data = iot_packet_node (full, j);
            break;
          }
      if (file_data != NULL)
        {
          bytes = node_bytes (full, file_data, &length);
          g_assert_cmpmem (message->body, message->body_length, bytes, length);
          counts->http_bodies++;
        }
      else
        g_assert_null (message->body);
      g_assert_true (message->continuation == (message->line_length == 0));
      counts->http_messages++;
    }
}

static void
check_capture (const char *path, Counts *counts)
{
  g_autoptr (IotFile) file = iot_file_open (path, NULL);
  g_autoptr (IotEngine) engine = NULL;
  g_autoptr (IotPacket) taps = iot_packet_new ();
  g_autoptr (IotPacket) full = iot_packet_new ();
  IotDissectOptions tap_only = { .flags = IOT_DISSECT_TAP (IOT_TAP_TLS_DATA) | IOT_DISSECT_TAP (IOT_TAP_HTTP) };
  IotDissectOptions tree = { .flags = IOT_DISSECT_TREE | IOT_DISSECT_TAP (IOT_TAP_HTTP) };
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
      guint n_records;

      iot_engine_dissect (engine, taps, n, &tap_only);
      g_assert_cmpuint (iot_packet_n_nodes (taps), ==, 0);
      iot_engine_dissect (engine, full, n, &tree);
      /* The records are the same whether a tree is made or not. */
      iot_packet_tap_records (full, IOT_TAP_HTTP, &n_records);
      g_assert_cmpuint (n_records, ==, (iot_packet_tap_records (taps, IOT_TAP_HTTP, &n_records), n_records));
      check_tls (taps, full, counts);
      check_http (taps, full, counts);
    }
  iot_secrets_clear (secrets);
}

static void
test_captures (void)
{
  g_autoptr (GPtrArray) paths = test_capture_paths ();
  Counts counts = { 0 };

  for (guint i = 0; i < paths->len; i++)
    {
      g_test_message ("%s", (const char *) g_ptr_array_index (paths, i));
      check_capture (g_ptr_array_index (paths, i), &counts);
    }
  g_test_message ("TLS: %u decrypted records, %u with application data (%u HTTP, direction checked); "
                  "HTTP: %u messages, %u bodies", counts.tls_records, counts.tls_app_data, counts.tls_directions,
                  counts.http_messages, counts.http_bodies);
  /* The captures hold both kinds, many times over. */
  g_assert_cmpuint (counts.tls_app_data, >, 10);
  g_assert_cmpuint (counts.http_bodies, >, 10);
  g_assert_cmpuint (counts.tls_directions, >, 1);
}

/* Nobody asked: no record. */
static void
test_not_wanted (void)
{
  g_autoptr (IotFile) file = iot_file_open ("tests/captures/http.pcap", NULL);
  g_autoptr (IotEngine) engine = iot_engine_new (file);
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  IotDissectOptions tree = { .flags = IOT_DISSECT_TREE };
  guint n;

  iot_engine_first_pass (engine, NULL);
  for (guint32 f = 1; f <= iot_file_n_frames (file); f++)
    {
      iot_engine_dissect (engine, pkt, f, &tree);
      iot_packet_tap_records (pkt, IOT_TAP_HTTP, &n);
      g_assert_cmpuint (n, ==, 0);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  iot_registry_init ();
  g_test_add_func ("/follow-records/captures", test_captures);
  g_test_add_func ("/follow-records/not-wanted", test_not_wanted);
  return g_test_run ();
}
