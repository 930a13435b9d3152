/* test-registry.c — the field and dissector registry. */
#include "iot-core-private.h"
#include "iot-engine.h"
#include "iot-packet.h"
#include "test-util.h"

#include <string.h>

static void
test_fields_well_formed (void)
{
  GHashTable *seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (iot_registry_n_fields (), >, 50);
  for (guint id = 0; id < iot_registry_n_fields (); id++)
    {
      const IotField *field = iot_registry_field_by_id (id);

      g_assert_cmpint (field->id, ==, (int) id);
      g_assert_nonnull (field->name);
      /* Students read the blurb when they click a row: every field has one. */
      g_assert_nonnull (field->blurb);
      g_assert_cmpuint (strlen (field->blurb), >, 10);
      g_assert_false (g_hash_table_contains (seen, field->abbrev));
      g_hash_table_add (seen, (gpointer) field->abbrev);
      g_assert_true (iot_registry_field (field->abbrev) == field);
      /* Abbreviations are Wireshark-style dotted lower-case names. */
      g_assert_null (strchr (field->abbrev, ' '));
      if (field->bitmask != 0)
        g_assert_true (iot_field_type_is_integer (field->type) || field->type == IOT_FT_BOOLEAN);
    }
  g_hash_table_unref (seen);
}

static void
test_dissectors (void)
{
  const char *expected[] = { "frame", "data", "eth" };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_nonnull (iot_registry_dissector (expected[i]));
  for (guint i = 0; i < iot_registry_n_dissectors (); i++)
    {
      const IotDissector *d = iot_registry_dissector_by_id (i);

      g_assert_cmpint (d->id, ==, (int) i);
      g_assert_cmpint (d->fields[0].type, ==, IOT_FT_PROTOCOL);
      g_assert_cmpstr (d->fields[0].abbrev, ==, d->abbrev);
    }
  g_assert_null (iot_registry_field ("no.such.field"));
}

static void
test_duplicates_refused (void)
{
  static IotField fields[] = {
    { "eth", "Again", IOT_FT_PROTOCOL, .blurb = "A second Ethernet." },
  };
  static IotDissector again = { .name = "ETH2", .abbrev = "eth", .fields = fields, .n_fields = 1 };
  static IotField no_proto[] = {
    { "x.y", "Y", IOT_FT_UINT8, .blurb = "Not a protocol field." },
  };
  static IotDissector bad = { .name = "X", .abbrev = "x", .fields = no_proto, .n_fields = 1 };
  g_autoptr (GError) error = NULL;

  g_assert_false (iot_registry_add (&again, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (iot_registry_add (&bad, &error));
  g_assert_nonnull (error);
}

static void
test_field_set (void)
{
  g_autoptr (IotFieldSet) set = iot_field_set_new ();
  const IotField *number = iot_registry_field ("frame.number");
  const IotField *eth_src = iot_registry_field ("eth.src");

  g_assert_false (iot_field_set_contains (set, number));
  iot_field_set_add (set, number);
  g_assert_true (iot_field_set_contains (set, number));
  g_assert_false (iot_field_set_contains (set, eth_src));
}

/* ---- the media-type hand-off table ---------------------------------------------- */

static char *probe_type, *probe_parameters;
static int probe_unknown_result;

static int
dissect_probe_inner (IotPacket *pkt, IotBuf *buf, int parent, gpointer data)
{
  const IotMediaInfo *info = data;

  (void) pkt;
  (void) parent;
  g_assert_nonnull (info);
  g_free (probe_type);
  g_free (probe_parameters);
  probe_type = g_strdup (info->media_type);
  probe_parameters = g_strdup (info->parameters);
  return buf->length;
}

/* Hands its bytes on by a Content-Type as a sender could write it. */
static int
dissect_probe_outer (IotPacket *pkt, IotBuf *buf, int parent)
{
  probe_unknown_result = iot_call_media_type (pkt, "application/x-iotscope-none", -1, buf, parent);
  return iot_call_media_type (pkt, "Application/X-IotScope-Probe ; charset=\"utf-8\"; v=1", -1,
                              buf, parent);
}

static IotField probe_inner_fields[] = {
  { "iotprobein", "Probe (inner)", IOT_FT_PROTOCOL, .blurb = "A test layer reached by media type." },
};
static const IotStringHandoff probe_types[] = {
  { "media_type", "application/x-iotscope-probe" },
  { NULL },
};
static IotDissector probe_inner = {
  .name = "PROBEIN", .abbrev = "iotprobein", .fields = probe_inner_fields, .n_fields = 1,
  .dissect_with_data = dissect_probe_inner, .string_handoff = probe_types,
};
static IotField probe_outer_fields[] = {
  { "iotprobeout", "Probe (outer)", IOT_FT_PROTOCOL, .blurb = "A test layer that hands bytes on by media type." },
};
static IotDissector probe_outer = {
  .name = "PROBEOUT", .abbrev = "iotprobeout", .fields = probe_outer_fields, .n_fields = 1,
  .dissect = dissect_probe_outer,
};

static void
test_media_types_registered (void)
{
  static const struct { const char *type, *abbrev; } expected[] = {
    { "application/xml", "xml" }, { "text/xml", "xml" }, { "application/soap+xml", "xml" },
    { "application/json", "json" }, { "application/senml+json", "json" },
    { "application/x-www-form-urlencoded", "urlencoded-form" }, { "text/plain", "data-text-lines" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const IotDissector *d = iot_registry_string_table_lookup ("media_type", expected[i].type);

      g_assert_nonnull (d);
      g_assert_cmpstr (d->abbrev, ==, expected[i].abbrev);
    }
  g_assert_null (iot_registry_string_table_lookup ("media_type", "application/octet-stream"));
  g_assert_null (iot_registry_string_table_lookup ("no-such-table", "application/xml"));
}

static void
test_media_type_taken_twice (void)
{
  static IotField fields[] = {
    { "xmlagain", "XML again", IOT_FT_PROTOCOL, .blurb = "A second XML decoder." },
  };
  static const IotStringHandoff taken[] = { { "media_type", "application/xml" }, { NULL } };
  static IotDissector again = { .name = "XML2", .abbrev = "xmlagain", .fields = fields, .n_fields = 1,
                                .dissect_with_data = dissect_probe_inner, .string_handoff = taken };
  g_autoptr (GError) error = NULL;

  g_assert_false (iot_registry_add (&again, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_assert_null (iot_registry_dissector ("xmlagain"));
  g_assert_cmpstr (iot_registry_string_table_lookup ("media_type", "application/xml")->abbrev, ==, "xml");
}

static void
test_media_type_data (void)
{
  static const guint8 body[] = "<probe/>";
  const guint8 *frames[1] = { body };
  guint32 lens[1] = { sizeof body - 1 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) pcap = NULL;
  g_autoptr (IotFile) file = NULL;
  g_autoptr (IotEngine) engine = NULL;
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  IotDissectOptions options = { IOT_DISSECT_TREE | IOT_DISSECT_COLUMNS };

  g_assert_true (iot_registry_add (&probe_inner, &error));
  g_assert_true (iot_registry_add (&probe_outer, &error));
  g_assert_true (iot_registry_decode_as ("link==147,iotprobeout", &error));
  pcap = test_make_pcap (147, frames, lens, lens, 1);
  file = iot_file_open_bytes (pcap, "probe", &error);
  g_assert_nonnull (file);
  engine = iot_engine_new (file);
  iot_engine_first_pass (engine, NULL);
  iot_engine_dissect (engine, pkt, 1, &options);

  /* Matched in lower case without parameters; the parameters reach the
   * dissector as sent; an unregistered type finds nobody. */
  g_assert_cmpstr (probe_type, ==, "application/x-iotscope-probe");
  g_assert_cmpstr (probe_parameters, ==, "charset=\"utf-8\"; v=1");
  g_assert_cmpint (probe_unknown_result, ==, -1);
  g_assert_cmpstr (iot_packet_protocols (pkt), ==, "iotprobeout:iotprobein");
  g_clear_pointer (&probe_type, g_free);
  g_clear_pointer (&probe_parameters, g_free);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  iot_registry_init ();
  g_test_add_func ("/registry/fields", test_fields_well_formed);
  g_test_add_func ("/registry/dissectors", test_dissectors);
  g_test_add_func ("/registry/duplicates", test_duplicates_refused);
  g_test_add_func ("/registry/field-set", test_field_set);
  g_test_add_func ("/registry/media-types", test_media_types_registered);
  g_test_add_func ("/registry/media-type-taken-twice", test_media_type_taken_twice);
  g_test_add_func ("/registry/media-type-data", test_media_type_data);
  return g_test_run ();
}
