/* test-registry.c — the field and dissector registry. */
#include "iot-engine.h"

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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  iot_registry_init ();
  g_test_add_func ("/registry/fields", test_fields_well_formed);
  g_test_add_func ("/registry/dissectors", test_dissectors);
  g_test_add_func ("/registry/duplicates", test_duplicates_refused);
  g_test_add_func ("/registry/field-set", test_field_set);
  return g_test_run ();
}
