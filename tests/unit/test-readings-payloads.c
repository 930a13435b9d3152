/* test-readings-payloads.c — the readings CBOR, SenML and LwM2M payloads
 * publish, on the captures tests/captures/make-cbor-lwm2m.sh made from real
 * peers.  The expected values are the ones its lwm2m_peers.py sends
 * (TEMPERATURE = 21.5, HUMIDITY = 40.5 …) and the CBOR/SenML bodies the
 * script hands to mosquitto_pub and curl.
 */
#include <math.h>
#include <string.h>

#include "iot-engine.h"
#include "iot-file.h"
#include "iot-packet.h"

typedef struct {
  guint32 frame;
  char   *device, *series, *name, *unit;
  double  value;
  gint64  time_ns;
} Got;

static void
got_free (gpointer data)
{
  Got *g = data;

  g_free (g->device);
  g_free (g->series);
  g_free (g->name);
  g_free (g->unit);
  g_free (g);
}

/* Every reading of every frame, dissected for readings only. */
static GPtrArray *
all_readings (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = iot_file_open (path, &error);
  g_autoptr (IotEngine) engine = NULL;
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  IotDissectOptions options = { IOT_DISSECT_READINGS };
  GPtrArray *out = g_ptr_array_new_with_free_func (got_free);

  g_assert_no_error (error);
  engine = iot_engine_new (file);
  iot_engine_first_pass (engine, NULL);
  for (guint32 n = 1; n <= iot_engine_n_passed (engine); n++)
    {
      iot_engine_dissect (engine, pkt, n, &options);
      for (guint i = 0; i < iot_packet_n_readings (pkt); i++)
        {
          const IotReading *r = iot_packet_reading (pkt, i);
          Got *g = g_new0 (Got, 1);

          g->frame = n;
          g->device = g_strdup (r->device);
          g->series = g_strdup (r->series);
          g->name = g_strdup (r->name);
          g->unit = g_strdup (r->unit);
          g->value = r->value;
          g->time_ns = r->time_ns;
          g_ptr_array_add (out, g);
          /* READINGS_DUMP=1 lists them, for when an expectation fails. */
          if (g_getenv ("READINGS_DUMP") != NULL)
            g_printerr ("%u\t%s\t%s\t%s\t%s\t%.17g\t%" G_GINT64_FORMAT "\n", n, g->device, g->series, g->name,
                        g->unit, g->value, g->time_ns);
        }
    }
  return out;
}

/* The @nth (0-based) reading called @name in @series; fails when missing. */
static const Got *
find (GPtrArray *all, const char *series, const char *name, guint nth)
{
  for (guint i = 0; i < all->len; i++)
    {
      const Got *g = all->pdata[i];

      if (g_strcmp0 (g->series, series) == 0 && g_strcmp0 (g->name, name) == 0 && nth-- == 0)
        return g;
    }
  g_error ("no reading %s in %s", name, series ? series : "(none)");
  return NULL;
}

static void
check (GPtrArray *all, const char *series, const char *name, guint nth, double value, const char *unit,
       const char *device, gint64 time_s)
{
  const Got *g = find (all, series, name, nth);

  g_assert_cmpfloat_with_epsilon (g->value, value, 1e-9);
  g_assert_cmpstr (g->unit, ==, unit);
  g_assert_cmpstr (g->device, ==, device);
  if (time_s >= 0)
    g_assert_cmpint (g->time_ns, ==, time_s * G_GINT64_CONSTANT (1000000000));
  else
    g_assert_cmpint (g->time_ns, ==, 0);
}

static guint
count (GPtrArray *all, const char *series)
{
  guint n = 0;

  for (guint i = 0; i < all->len; i++)
    n += g_strcmp0 (((const Got *) all->pdata[i])->series, series) == 0;
  return n;
}

#define EP "cbor17-node-1"

static void
test_lwm2m (void)
{
  g_autoptr (GPtrArray) all = all_readings ("tests/captures/lwm2m.pcap");

  /* TLV, OMA Device object: units from the object definition. */
  check (all, "/3/0", "Device/0/Battery Level", 0, 87, "%", EP, -1);
  check (all, "/3/0", "Device/0/Power Source Voltage", 0, 3800, "mV", EP, -1);
  check (all, "/3/0", "Device/0/Power Source Voltage", 1, 5000, "mV", EP, -1);
  check (all, "/3/0/9", "Device/0/Battery Level", 0, 87, "%", EP, -1);
  check (all, "/1/0", "LwM2M Server/0/Lifetime", 0, 300, "s", EP, -1);
  check (all, "/4/0", "Connectivity Monitoring/0/Radio Signal Strength", 0, -70, "dBm", EP, -1);
  check (all, "/6/0", "Location/0/Latitude", 0, (float) 47.3769, "deg", EP, -1);
  /* TLV, IPSO objects: the unit from Sensor Units (5701). */
  check (all, "/3303/0", "Temperature/0/Sensor Value", 0, 21.5, "Cel", EP, -1);
  check (all, "/3303/0", "Temperature/0/Min Measured Value", 0, 20.0, "Cel", EP, -1);
  check (all, "/3303/0", "Temperature/0/Max Measured Value", 0, 23.5, "Cel", EP, -1);
  check (all, "/3303", "Temperature/0/Sensor Value", 0, 21.5, "Cel", EP, -1);
  check (all, "/3303", "Temperature/1/Sensor Value", 0, -3.25, "Cel", EP, -1);
  check (all, "/3304/0", "Humidity/0/Sensor Value", 0, 40.5, "%RH", EP, -1);
  check (all, "/3301/0", "Illuminance/0/Sensor Value", 0, 350.0, "lx", EP, -1);
  check (all, "/3323/0", "Pressure/0/Sensor Value", 0, 101325.0, "Pa", EP, -1);
  check (all, "/3311/0", "Light Control/0/Dimmer", 0, 70, "%", EP, -1);
  /* After the Update the device is still the same endpoint. */
  check (all, "/3303/0", "Temperature/0/Sensor Value", 1, 21.5, "Cel", EP, -1);

  /* SenML JSON and CBOR: names bn + n, times bt + t. */
  check (all, "/3303/0", "/3303/0/5700", 0, 21.5, "Cel", EP, 1700000000);
  check (all, "/3303/0", "/3303/0/5601", 0, 20.0, "Cel", EP, 1700000000 - 60);
  check (all, "/3304/0", "/3304/0/5700", 0, 40.5, "%RH", EP, 1700000005);
  check (all, "/3311/0", "/3311/0/5851", 0, 70, NULL, EP, -1);
  /* The string and boolean records carry no reading. */
  g_assert_cmpuint (count (all, "/3311/0"), ==, 2);   /* TLV Dimmer + SenML 5851 */
}

static void
test_cbor (void)
{
  g_autoptr (GPtrArray) all = all_readings ("tests/captures/cbor.pcap");
  const double base = 1700000000;

  /* CoAP CBOR map (twice: CON and NON); nested maps name their path. */
  check (all, "/cbor/sensor", "temperature", 0, 22.25, NULL, NULL, -1);
  check (all, "/cbor/sensor", "humidity", 0, 48, NULL, NULL, -1);
  check (all, "/cbor/sensor", "pressure", 0, 1013.5, NULL, NULL, -1);
  check (all, "/cbor/sensor", "offset", 0, -2, NULL, NULL, -1);
  check (all, "/cbor/sensor", "nested/co2", 0, 612, NULL, NULL, -1);
  check (all, "/cbor/sensor", "temperature", 1, 22.25, NULL, NULL, -1);
  g_assert_cmpuint (count (all, "/cbor/sensor"), ==, 10);
  /* Odd encodings: half and single floats, 64-bit integers, a tag-wrapped epoch. */
  check (all, "/cbor/odd/0", "half", 0, 1.5, NULL, NULL, -1);
  check (all, "/cbor/odd/1", "max", 0, 18446744073709551615.0, NULL, NULL, -1);
  check (all, "/cbor/odd/1", "min", 0, -9223372036854775808.0, NULL, NULL, -1);
  check (all, "/cbor/odd/2", "deep/in/in/in/in/in/in/in/in/in/in/v", 0, 0, NULL, NULL, -1);
  check (all, "/cbor/odd/4", "f16", 0, 12.5, NULL, NULL, -1);
  check (all, "/cbor/odd/4", "f32", 0, 100000.0, NULL, NULL, -1);
  check (all, "/cbor/odd/4", "f64", 0, 1.1, NULL, NULL, -1);

  /* SenML from the gateway, JSON then CBOR: base name, time, unit resolved. */
  for (guint i = 0; i < 2; i++)
    {
      const char *series = i == 0 ? "/senml/json" : "/senml/cbor";

      check (all, series, "urn:dev:mac:0024befffe804ff1:temp", 0, 23.1, "Cel", NULL, base);
      check (all, series, "urn:dev:mac:0024befffe804ff1:temp", 1, 23.4, "Cel", NULL, base + 10);
      check (all, series, "urn:dev:mac:0024befffe804ff1:hum", 0, 51, "%RH", NULL, base + 10);
      check (all, series, "urn:dev:mac:0024befffe804ff1:batt", 0, 98, "%EL", NULL, base + 20);
      g_assert_cmpuint (count (all, series), ==, 4);
    }

  /* MQTT 5 with content type application/cbor and application/senml+json. */
  check (all, "sensors/cbor", "temperature", 0, 19.75, NULL, NULL, -1);
  check (all, "sensors/cbor", "humidity", 0, 55, NULL, NULL, -1);
  check (all, "sensors/cbor", "rssi", 0, -67, NULL, NULL, -1);
  check (all, "sensors/senml", "urn:dev:mac:0024befffe804ff2:temp", 0, 18.5, "Cel", NULL, base);
  check (all, "sensors/senml", "urn:dev:mac:0024befffe804ff2:hum", 0, 61, "%RH", NULL, base);

  /* HTTP bodies (no location handed on): the POSTed setpoint and its echo. */
  check (all, NULL, "setpoint", 0, 20.5, NULL, NULL, -1);
  check (all, NULL, "echo/setpoint", 0, 20.5, NULL, NULL, -1);
}

/* Nobody asking for readings costs nothing and yields none. */
static void
test_not_asked (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = iot_file_open ("tests/captures/lwm2m.pcap", &error);
  g_autoptr (IotEngine) engine = NULL;
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  IotDissectOptions options = { IOT_DISSECT_TREE };

  g_assert_no_error (error);
  engine = iot_engine_new (file);
  iot_engine_first_pass (engine, NULL);
  for (guint32 n = 1; n <= iot_engine_n_passed (engine); n++)
    {
      iot_engine_dissect (engine, pkt, n, &options);
      g_assert_cmpuint (iot_packet_n_readings (pkt), ==, 0);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/readings/lwm2m", test_lwm2m);
  g_test_add_func ("/readings/cbor-senml", test_cbor);
  g_test_add_func ("/readings/not-asked", test_not_asked);
  return g_test_run ();
}
