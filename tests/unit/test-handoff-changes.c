/* test-handoff-changes.c — port preferences and Decode As changed while
 * frames are being dissected (the window does this when its preferences
 * change during a load): the dissecting thread always sees a whole table,
 * and once the changes are taken back every frame decodes as before. */
#include "iot-core-private.h"
#include "iot-engine.h"
#include "iot-packet.h"

#include <string.h>

typedef struct {
  IotEngine *engine;
  guint32    n;
  gint       stop;
  guint      rounds;
} Worker;

static gpointer
dissect_loop (gpointer data)
{
  Worker *worker = data;
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  IotDissectOptions options = { .flags = IOT_DISSECT_COLUMNS };

  while (!g_atomic_int_get (&worker->stop))
    {
      for (guint32 number = 1; number <= worker->n; number++)
        iot_engine_dissect (worker->engine, pkt, number, &options);
      worker->rounds++;
    }
  return NULL;
}

/* The Protocol column of every frame, one line each. */
static char *
protocols (IotEngine *engine, guint32 n)
{
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  IotDissectOptions options = { .flags = IOT_DISSECT_COLUMNS };
  GString *out = g_string_new (NULL);

  for (guint32 number = 1; number <= n; number++)
    {
      iot_engine_dissect (engine, pkt, number, &options);
      g_string_append_printf (out, "%s\n", iot_col_protocol (pkt));
    }
  return g_string_free (out, FALSE);
}

static void
test_changes_while_dissecting (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = iot_file_open ("tests/captures/mqtt311.pcap", &error);
  g_autoptr (IotEngine) engine = NULL;
  g_autofree char *before = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *after = NULL;
  Worker worker = { 0 };
  GThread *thread;

  g_assert_no_error (error);
  engine = iot_engine_new (file);
  g_assert_true (iot_engine_first_pass (engine, NULL));
  before = protocols (engine, iot_file_n_frames (file));
  g_assert_nonnull (strstr (before, "MQTT"));

  worker.engine = engine;
  worker.n = iot_file_n_frames (file);
  thread = g_thread_new ("dissect", dissect_loop, &worker);
  for (guint i = 0; i < 300; i++)
    {
      g_assert_true (iot_registry_set_port_preference ("mqtt.tcp.port:1884,20700-20799", NULL));
      g_assert_true (iot_registry_decode_as ("tcp.port==1883,http", NULL));
      g_assert_true (iot_registry_decode_as ("udp.port==20700-20799,coap", NULL));
      iot_registry_reset_decode_as ();
    }
  g_atomic_int_set (&worker.stop, 1);
  g_thread_join (thread);
  g_test_message ("%u passes over the capture while the tables changed 1200 times", worker.rounds);
  g_assert_cmpuint (worker.rounds, >, 0);

  /* While changed: MQTT's port is HTTP's; taken back: as before. */
  g_assert_true (iot_registry_decode_as ("tcp.port==1883,http", NULL));
  changed = protocols (engine, iot_file_n_frames (file));
  g_assert_null (strstr (changed, "MQTT"));
  iot_registry_reset_decode_as ();
  after = protocols (engine, iot_file_n_frames (file));
  g_assert_cmpstr (after, ==, before);
}

static void
test_port_preference_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *ports = NULL;

  g_assert_false (iot_registry_set_port_preference ("mqtt.tcp.port:18x3", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (iot_registry_set_port_preference ("nosuch.tcp.port:1", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (iot_registry_set_port_preference ("tls.keylog_file:/tmp/x", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  ports = iot_registry_port_preference ("coap", "udp.port");
  g_assert_cmpstr (ports, ==, "5683");
  g_assert_true (iot_registry_set_port_preference ("coap.udp.port:5683,5690-5692", NULL));
  g_free (ports);
  ports = iot_registry_port_preference ("coap", "udp.port");
  g_assert_cmpstr (ports, ==, "5683,5690,5691,5692");
  iot_registry_reset_decode_as ();
  g_free (ports);
  ports = iot_registry_port_preference ("coap", "udp.port");
  g_assert_cmpstr (ports, ==, "5683");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  iot_registry_init ();
  g_test_add_func ("/handoff-changes/while-dissecting", test_changes_while_dissecting);
  g_test_add_func ("/handoff-changes/port-preference-errors", test_port_preference_errors);
  return g_test_run ();
}
