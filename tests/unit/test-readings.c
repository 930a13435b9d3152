/* test-readings.c — the readings collector: series keyed by device, series
 * and name with their points, statistics in step with the points, frames
 * and times that belong to them, the insight's copy equal to a pass of its
 * own, filters, progress and cancellation, and value formatting. */
#include <math.h>
#include <string.h>

#include "iot-insight.h"
#include "iot-analysis-test.h"
#include "iot-readings.h"

static IotEngine *
open_capture (const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename ("tests", "captures", name, NULL);
  g_autoptr (IotFile) file = iot_file_open (path, &error);
  IotEngine *engine;

  g_assert_no_error (error);
  engine = iot_engine_new (file);
  iot_engine_first_pass (engine, NULL);
  return engine;
}

static IotReadings *
collect (IotEngine *engine, const char *filter_text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFilter) filter = NULL;
  IotReadings *readings;

  if (filter_text != NULL)
    {
      filter = iot_filter_compile (filter_text, NULL);
      g_assert_nonnull (filter);
    }
  readings = iot_readings_collect (engine, filter, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (readings);
  return readings;
}

/* Count, min, max, last and the first/last times are what the points say;
 * points are in capture order, at their frames' times. */
static void
assert_consistent (IotEngine *engine, const IotReadingSeries *s)
{
  IotFile *file = iot_engine_file (engine);
  double min = INFINITY, max = -INFINITY;

  g_assert_cmpuint (s->count, ==, s->points->len);
  g_assert_cmpuint (s->count, >, 0);
  for (guint i = 0; i < s->points->len; i++)
    {
      const IotReadingPoint *p = &g_array_index (s->points, IotReadingPoint, i);

      min = MIN (min, p->value);
      max = MAX (max, p->value);
      g_assert_cmpint (p->time_ns, ==, iot_file_frame (file, p->frame)->ts_ns);
      if (i > 0)
        g_assert_cmpuint (p->frame, >=, g_array_index (s->points, IotReadingPoint, i - 1).frame);
    }
  g_assert_cmpfloat (s->min, ==, min);
  g_assert_cmpfloat (s->max, ==, max);
  g_assert_cmpfloat (s->last, ==, g_array_index (s->points, IotReadingPoint, s->count - 1).value);
  g_assert_cmpint (s->first_ns, ==, g_array_index (s->points, IotReadingPoint, 0).time_ns);
  g_assert_cmpint (s->last_ns, ==, g_array_index (s->points, IotReadingPoint, s->count - 1).time_ns);
}

static void
test_series (void)
{
  g_autoptr (IotEngine) engine = open_capture ("readings.pcap");
  g_autoptr (IotReadings) readings = collect (engine, NULL);
  const IotReadingSeries *pump, *temp;
  guint n = iot_readings_n_series (readings);

  /* 25 series (readings_gen.py): thermo 4, greenhouse 5 + the broker's
   * copies 5, pump 4, soil 5, valve 2. */
  g_assert_cmpuint (n, ==, 25);
  for (guint i = 0; i < n; i++)
    {
      const IotReadingSeries *s = iot_readings_series (readings, i);

      assert_consistent (engine, s);
      g_assert_true (iot_readings_find (readings, s->device, s->series, s->name) == s);
      if (i > 0)
        {
          const IotReadingSeries *prev = iot_readings_series (readings, i - 1);
          int c = strcmp (prev->device, s->device);

          if (c == 0)
            c = strcmp (prev->series, s->series);
          if (c == 0)
            c = strcmp (prev->name, s->name);
          g_assert_cmpint (c, <, 0);
        }
    }

  /* pump-3: 20 messages, flow 12.25 + i/4, silent for 2 s after the 12th. */
  pump = iot_readings_find (readings, "pump-3", "plant/pump-3", "/flow");
  g_assert_nonnull (pump);
  g_assert_cmpuint (pump->count, ==, 20);
  for (guint i = 0; i < 20; i++)
    g_assert_cmpfloat (g_array_index (pump->points, IotReadingPoint, i).value, ==, 12.25 + i / 4.0);
  g_assert_cmpint (g_array_index (pump->points, IotReadingPoint, 12).time_ns
                   - g_array_index (pump->points, IotReadingPoint, 11).time_ns, >, 1900000000);
  /* Strings are kept once: two series of one device share its name. */
  temp = iot_readings_find (readings, "pump-3", "plant/pump-3", "/rpm");
  g_assert_true (temp->device == pump->device);
  g_assert_null (iot_readings_find (readings, "pump-3", "plant/pump-3", "/missing"));
}

/* The insight gathers the same series in its own pass. */
static void
test_insight_copy (void)
{
  g_autoptr (IotEngine) engine = open_capture ("readings.pcap");
  g_autoptr (IotReadings) readings = collect (engine, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (IotInsight) insight = iot_insight_analyze (engine, NULL, &error);
  IotReadings *copy;

  g_assert_no_error (error);
  copy = iot_insight_readings (insight);
  g_assert_cmpuint (iot_readings_n_series (copy), ==, iot_readings_n_series (readings));
  for (guint i = 0; i < iot_readings_n_series (readings); i++)
    {
      const IotReadingSeries *a = iot_readings_series (readings, i), *b = iot_readings_series (copy, i);

      g_assert_cmpstr (a->device, ==, b->device);
      g_assert_cmpstr (a->name, ==, b->name);
      g_assert_cmpuint (a->points->len, ==, b->points->len);
      for (guint k = 0; k < a->points->len; k++)
        {
          const IotReadingPoint *x = &g_array_index (a->points, IotReadingPoint, k);
          const IotReadingPoint *y = &g_array_index (b->points, IotReadingPoint, k);

          g_assert_cmpuint (x->frame, ==, y->frame);
          g_assert_cmpint (x->time_ns, ==, y->time_ns);
          g_assert_cmpfloat (x->value, ==, y->value);
        }
    }
  g_assert_nonnull (iot_insight_find (insight, "periodic-gap", "plant/pump-3"));
}

static void
test_filter (void)
{
  g_autoptr (IotEngine) engine = open_capture ("readings.pcap");
  g_autoptr (IotReadings) coap = collect (engine, "coap.code == 69");
  g_autoptr (IotReadings) none = collect (engine, "dns");

  g_assert_cmpuint (iot_readings_n_series (coap), ==, 5);
  for (guint i = 0; i < iot_readings_n_series (coap); i++)
    g_assert_cmpstr (iot_readings_series (coap, i)->series, ==, "/sensors/soil");
  g_assert_cmpuint (iot_readings_n_series (none), ==, 0);
}

/* ZCL: units and scaling; the device is the NWK source. */
static void
test_zcl (void)
{
  g_autoptr (IotEngine) engine = open_capture ("zigbee-zdp.pcap");
  g_autoptr (IotReadings) readings = collect (engine, NULL);
  const IotReadingSeries *temp = iot_readings_find (readings, "0x6a3c", "Temperature Measurement", "Measured Value");
  const IotReadingSeries *rh = iot_readings_find (readings, "0x6a3c", "Relative Humidity Measurement",
                                                  "Measured Value");

  g_assert_nonnull (temp);
  g_assert_cmpstr (temp->unit, ==, "Cel");
  g_assert_cmpfloat_with_epsilon (temp->last, -5.12, 1e-9);
  g_assert_nonnull (rh);
  g_assert_cmpstr (rh->unit, ==, "%RH");
  g_assert_cmpfloat_with_epsilon (rh->last, 61.25, 1e-9);
  /* Strings (Manufacturer Name …) are not readings. */
  g_assert_null (iot_readings_find (readings, "0x4f21", "Basic", "Attribute 0x0004"));
}

typedef struct {
  guint   calls;
  guint32 last_done, total;
} Progress;

static void
on_progress (guint32 done, guint32 total, gpointer user_data)
{
  Progress *p = user_data;

  g_assert_cmpuint (done, >=, p->last_done);
  p->calls++;
  p->last_done = done;
  p->total = total;
}

static void
test_progress_and_cancel (void)
{
  g_autoptr (IotEngine) engine = open_capture ("readings.pcap");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (IotReadings) done = NULL;
  IotReadings *cancelled;
  Progress p = { 0, 0, 0 };

  done = iot_readings_collect (engine, NULL, cancellable, on_progress, &p, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (p.calls, >=, 1);
  g_assert_cmpuint (p.last_done, ==, iot_engine_n_passed (engine));
  g_assert_cmpuint (p.total, ==, iot_engine_n_passed (engine));

  g_cancellable_cancel (cancellable);
  cancelled = iot_readings_collect (engine, NULL, cancellable, NULL, NULL, &error);
  g_assert_null (cancelled);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_format (void)
{
  static const struct {
    double      value;
    const char *text;
  } cases[] = {
    { 21.5, "21.5" }, { -0.25, "-0.25" }, { 0.1, "0.1" }, { 600, "600" }, { 0, "0" },
    { 101000, "101000" }, { 1276020076, "1276020076" }, { 1e-7, "1e-07" }, { 1.5e20, "1.5e+20" },
    { 0.03, "0.03" }, { -3.5, "-3.5" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = iot_readings_format_value (cases[i].value);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  iot_registry_init ();
  g_test_add_func ("/readings/series", test_series);
  g_test_add_func ("/readings/insight-copy", test_insight_copy);
  g_test_add_func ("/readings/filter", test_filter);
  g_test_add_func ("/readings/zcl", test_zcl);
  g_test_add_func ("/readings/progress-and-cancel", test_progress_and_cancel);
  g_test_add_func ("/readings/format", test_format);
  return g_test_run ();
}
