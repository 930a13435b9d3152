/* fuzz-dissector.c — libFuzzer target for one dissector, named at build
 * time (FUZZ_DISSECTOR): every input is handed straight to it as a frame,
 * then dissected again on random access and rendered. */
#include "iot-engine.h"
#include "iot-print.h"
#include "../unit/test-util.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* Reads every string of the readings published, so that a dangling one
 * shows under ASan. */
static void
touch_readings (IotPacket *pkt, GString *out)
{
  for (guint i = 0; i < iot_packet_n_readings (pkt); i++)
    {
      const IotReading *r = iot_packet_reading (pkt, i);

      g_string_append_printf (out, "%s %s %s %s %g\n", r->device ? r->device : "", r->series ? r->series : "",
                              r->name ? r->name : "", r->unit ? r->unit : "", r->value);
    }
}

#define LINKTYPE_USER0 147

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static gboolean initialised;
  const guint8 *frames[2] = { data, data };
  guint32 lens[2] = { size, size };
  g_autoptr (GBytes) pcap = NULL;
  g_autoptr (IotFile) file = NULL;
  g_autoptr (IotEngine) engine = NULL;
  g_autoptr (IotPacket) pkt = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  IotDissectOptions options = { IOT_DISSECT_TREE | IOT_DISSECT_COLUMNS | IOT_DISSECT_READINGS };

  if (!initialised)
    {
      iot_registry_init ();
      /* The user link type goes straight to the dissector under test. */
      if (!iot_registry_decode_as ("link==147," FUZZ_DISSECTOR, NULL))
        g_error ("no dissector named " FUZZ_DISSECTOR);
      initialised = TRUE;
    }
  if (size > 65536)
    return 0;
  /* Twice, so per-conversation state sees a second message. */
  pcap = test_make_pcap (LINKTYPE_USER0, frames, lens, lens, 2);
  file = iot_file_open_bytes (pcap, "fuzz", NULL);
  if (file == NULL)
    return 0;
  engine = iot_engine_new (file);
  iot_engine_first_pass (engine, NULL);
  pkt = iot_packet_new ();
  for (guint32 n = 2; n >= 1; n--)
    {
      iot_engine_dissect (engine, pkt, n, &options);
      iot_print_tree (pkt, out);
      iot_print_summary_timed (pkt, "0.000000", FALSE, out);
      touch_readings (pkt, out);
      g_string_truncate (out, 0);
    }
  return 0;
}
