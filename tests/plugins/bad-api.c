/* bad-api.c — a plugin built for a different plugin interface version.
 * The loader must refuse it with a warning and carry on; the test checks
 * that its protocol never shows up. */
#include "iot-dissector.h"

static IotField bad_fields[] = {
  { "badapi", "Bad API", IOT_FT_PROTOCOL, .blurb = "A test protocol that must never be registered." },
};

static int
dissect_bad (IotPacket *pkt, IotBuf *buf, int parent)
{
  return 0;
}

const int iot_plugin_api_version = IOT_PLUGIN_API_VERSION + 1;

IotDissector iot_plugin_dissector = {
  .name = "BADAPI",
  .abbrev = "badapi",
  .long_name = "Plugin with a wrong API version",
  .fields = bad_fields,
  .n_fields = G_N_ELEMENTS (bad_fields),
  .dissect = dissect_bad,
};
