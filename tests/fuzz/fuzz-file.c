/* fuzz-file.c — libFuzzer target: arbitrary bytes as a capture file: its
 * header blocks (iot-file-info), the loader, then the first pass and random-access dissection of every frame
 * (so conversation state across frames is exercised too). */
#include "iot-engine.h"
#include "iot-file-info.h"
#include "iot-print.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static gboolean initialised;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (IotFile) file = NULL;
  g_autoptr (IotEngine) engine = NULL;
  g_autoptr (IotPacket) pkt = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  IotDissectOptions options = { IOT_DISSECT_TREE | IOT_DISSECT_COLUMNS };

  if (!initialised)
    {
      iot_registry_init ();
      initialised = TRUE;
    }
  iot_file_info_free (iot_file_info_parse (data, size, NULL));
  bytes = g_bytes_new (data, size);
  file = iot_file_open_bytes (bytes, "fuzz", NULL);
  if (file == NULL)
    return 0;
  engine = iot_engine_new (file);
  iot_engine_first_pass (engine, NULL);
  pkt = iot_packet_new ();
  /* Backwards, so nothing depends on having seen earlier frames. */
  for (guint32 n = iot_file_n_frames (file); n >= 1; n--)
    {
      iot_engine_dissect (engine, pkt, n, &options);
      iot_print_tree (pkt, out);
      g_string_truncate (out, 0);
    }
  return 0;
}
