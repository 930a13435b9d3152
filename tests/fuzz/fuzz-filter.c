/* fuzz-filter.c — libFuzzer target: arbitrary text through the display
 * filter compiler, and what compiles is run against a few frames. */
#include "iot-filter.h"
#include "../unit/test-util.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static IotEngine *
sample_engine (void)
{
  static const guint8 frame[] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 1, 2, 3, 4, 5, 0x08, 0x00,
    0x45, 0x00, 0x00, 0x1c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
    127, 0, 0, 1, 127, 0, 0, 1, 0x16, 0x33, 0x16, 0x33, 0x00, 0x08, 0x00, 0x00,
  };
  const guint8 *frames[1] = { frame };
  guint32 len = sizeof frame;
  g_autoptr (GBytes) pcap = test_make_pcap (1, frames, &len, &len, 1);
  g_autoptr (IotFile) file = iot_file_open_bytes (pcap, "fuzz", NULL);
  IotEngine *engine = iot_engine_new (file);

  iot_engine_first_pass (engine, NULL);
  return engine;
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static IotEngine *engine;
  g_autofree char *text = NULL;
  g_autoptr (IotFilterProblem) problem = NULL;
  g_autoptr (IotFilter) filter = NULL;

  /* Any length: the compiler's work is linear in the text and its
   * recursion bounded, so long and deeply nested inputs are fair game. */
  if (engine == NULL)
    engine = sample_engine ();
  text = g_strndup ((const char *) data, size);
  filter = iot_filter_compile (text, &problem);
  if (filter != NULL)
    {
      g_autoptr (IotPacket) pkt = iot_packet_new ();
      IotDissectOptions options = { 0 };

      options.fields = iot_filter_fields (filter);
      iot_engine_dissect (engine, pkt, 1, &options);
      (void) iot_filter_matches (filter, pkt);
    }
  else
    {
      g_autofree char *message = iot_filter_problem_format (problem, text);

      g_assert (message != NULL && problem->start <= size + 1);
      /* Messages reach GTK labels: always valid UTF-8. */
      g_assert (g_utf8_validate (problem->message, -1, NULL));
    }
  return 0;
}
