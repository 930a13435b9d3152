/* test-frame-marks.c — the first pass's frame marks (iot_engine_keep_frame_marks)
 * and the fields a filter needs (iot_filter_needed_fields): a frame the
 * marks leave out never passes the filter.  Over every capture in
 * tests/captures, each filter below is run on every frame with marks
 * kept; a frame that passes must be marked. */
#include "iot-core-private.h"
#include "iot-engine.h"
#include "iot-filter.h"
#include "iot-packet.h"

#include <string.h>

#include "test-util.h"

static const char *const filters[] = {
  "mqtt.msgtype == 3 && mqtt.qos == 1", "mqtt", "coap", "mqtt || coap", "dns", "mdns", "json",
  "json.value.number > 20", "mqtt.topic contains \"temp\"", "coap.opt.uri_path == \"sensors\"",
  "dns.qry.name", "mqtt.topic matches \"^dev\"", "coap.code in {1, 2, 3}", "senml", "cbor", "lwm2m",
  "dhcp", "ntp", "data", "data-text-lines", "sparkplugb", "tcp.srcport == 1883 && mqtt",
  "frame.len > 60 && (coap || dns)", "mqtt.qos == 1 || json",
};

static IotFilter *
compile (const char *text)
{
  g_autoptr (IotFilterProblem) problem = NULL;
  IotFilter *filter = iot_filter_compile (text, &problem);

  if (filter == NULL)
    g_error ("%s: %s", text, problem->message);
  return filter;
}

/* Whether @text needs a field, and then whether it needs @abbrev's. */
static gboolean
needs (const char *text, const char *abbrev)
{
  g_autoptr (IotFilter) filter = compile (text);
  g_autoptr (IotFieldSet) set = iot_field_set_new ();

  if (!iot_filter_needed_fields (filter, set))
    return FALSE;
  return abbrev == NULL || iot_field_set_contains (set, iot_registry_field (abbrev));
}

static void
test_needed_fields (void)
{
  iot_registry_init ();
  g_assert_true (needs ("mqtt.qos == 1", "mqtt.qos"));
  g_assert_true (needs ("mqtt", "mqtt"));
  g_assert_true (needs ("mqtt || coap", "mqtt"));
  g_assert_true (needs ("mqtt || coap", "coap"));
  /* One operand of an AND is enough. */
  g_assert_true (needs ("mqtt.msgtype == 3 && !coap", "mqtt.msgtype"));
  g_assert_true (needs ("coap.code in {1, 2}", "coap.code"));
  g_assert_true (needs ("mqtt.topic contains \"a\"", "mqtt.topic"));
  /* A negation holds without the field; an OR with such a side too. */
  g_assert_false (needs ("!mqtt", NULL));
  g_assert_false (needs ("mqtt || !coap", NULL));
  g_assert_false (needs ("!(mqtt && coap)", NULL));
  /* Not the field's values as they are. */
  g_assert_false (needs ("tcp.flags & 0x02", NULL));
  g_assert_false (needs ("len(mqtt.topic) > 3", NULL));
}

/* Marks are kept only for fields of the layers iot-layer-cut.c lists. */
static void
test_marks_need_known_layers (void)
{
  g_autoptr (GPtrArray) paths = test_capture_paths ();
  g_autoptr (IotFile) file = iot_file_open (paths->pdata[0], NULL);
  g_autoptr (IotEngine) engine = NULL;
  g_autoptr (IotFieldSet) expert = iot_field_set_new ();
  g_autoptr (IotFieldSet) mqtt = iot_field_set_new ();

  g_assert_nonnull (file);
  engine = iot_engine_new (file);
  iot_field_set_add (expert, iot_registry_field ("_ws.expert"));
  g_assert_false (iot_engine_keep_frame_marks (engine, expert));
  iot_field_set_add (mqtt, iot_registry_field ("mqtt.topic"));
  g_assert_true (iot_engine_keep_frame_marks (engine, mqtt));
  g_assert_true (iot_engine_first_pass (engine, NULL));
  /* Once the pass has run: too late. */
  g_assert_false (iot_engine_keep_frame_marks (engine, mqtt));
}

static void
test_marked_frames_pass (void)
{
  g_autoptr (GPtrArray) paths = test_capture_paths ();
  guint64 matched = 0, unmarked = 0, frames = 0;

  g_assert_cmpuint (paths->len, >, 20);
  for (guint f = 0; f < G_N_ELEMENTS (filters); f++)
    {
      g_autoptr (IotFilter) filter = compile (filters[f]);
      g_autoptr (IotFieldSet) needed = iot_field_set_new ();
      g_autoptr (IotFieldSet) wanted = iot_field_set_new ();

      g_assert_true (iot_filter_needed_fields (filter, needed));
      iot_filter_add_fields (filter, wanted);
      for (guint i = 0; i < paths->len; i++)
        {
          g_autoptr (IotFile) file = iot_file_open (paths->pdata[i], NULL);
          g_autoptr (IotEngine) engine = NULL;
          g_autoptr (IotPacket) pkt = iot_packet_new ();
          IotDissectOptions options = { .fields = wanted };
          guint32 n;

          if (file == NULL)
            continue;   /* captures made to fail opening */
          engine = iot_engine_new (file);
          g_assert_true (iot_engine_keep_frame_marks (engine, needed));
          g_assert_true (iot_engine_first_pass (engine, NULL));
          n = iot_file_n_frames (file);
          for (guint32 number = 1; number <= n; number++)
            {
              gboolean marked = iot_engine_frame_marked (engine, number);

              iot_engine_dissect (engine, pkt, number, &options);
              frames++;
              unmarked += !marked;
              if (iot_filter_matches (filter, pkt))
                {
                  if (!marked)
                    g_error ("%s, frame %u: passes -Y '%s' but is not marked", (const char *) paths->pdata[i],
                             number, filters[f]);
                  matched++;
                }
            }
        }
    }
  /* The marks left frames out, and the filters passed some. */
  g_assert_cmpuint (matched, >, 100);
  g_assert_cmpuint (unmarked, >, frames / 4);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/frame-marks/needed-fields", test_needed_fields);
  g_test_add_func ("/frame-marks/known-layers", test_marks_need_known_layers);
  g_test_add_func ("/frame-marks/marked-frames-pass", test_marked_frames_pass);
  return g_test_run ();
}
