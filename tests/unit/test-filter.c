/* test-filter.c — the display filter compiler: syntax, types, every kind of
 * error with its position, and evaluation semantics on crafted frames. */
#include "iot-filter.h"
#include "test-util.h"

typedef struct {
  const char *text;
  const char *error;    /* NULL: must compile; else a part of the message */
  guint       column;   /* where the caret goes */
} CompileCase;

static const CompileCase compile_cases[] = {
  { "eth", NULL, 0 },
  { "frame.len == 74", NULL, 0 },
  { "frame.len eq 74 && !eth", NULL, 0 },
  { "eth.type in {0x0800, 0x86dd}", NULL, 0 },
  { "frame.len in {60..80, 100}", NULL, 0 },
  { "eth.src[0:3] == 00:1b:44", NULL, 0 },
  { "eth.src[1-2,4] == 00:00:00", NULL, 0 },
  { "frame contains \"GET\\r\\n\"", NULL, 0 },
  { "frame.protocols matches \"(?i)eth\"", NULL, 0 },
  { "len(frame.protocols) > 3", NULL, 0 },
  { "count(eth.addr) == 2", NULL, 0 },
  { "frame.time >= \"2026-11-26 10:00:00\"", NULL, 0 },
  { "frame.time_delta > 0.5", NULL, 0 },
  { "eth.dst.ig == True", NULL, 0 },
  { "74 == frame.len", NULL, 0 },
  { "", "empty", 0 },
  { "nosuch.field", "neither a field nor a protocol", 0 },
  { "frame.len == 74 && nosuch == 1", "neither a field nor a protocol", 19 },
  { "frame.len == \"x\"", "not a valid value for frame.len", 13 },
  { "frame.len == -1", NULL, 0 },
  { "eth.dst.ig == true", "not a boolean value", 14 },
  { "eth.type == IPv7", "not a valid value", 12 },
  { "frame.len >", "Unexpected end", 11 },
  { "frame.len > 1 and", "Unexpected end", 17 },
  { "(frame.len > 1", "Unexpected end", 14 },
  { "frame.len > 1)", "\")\" was unexpected", 13 },
  { "frame.len = 74", "\"=\" was unexpected", 10 },
  { "eth.type in {1 2}", "\"2\" was unexpected", 15 },
  { "eth.type[0] == 8", "cannot be sliced", 0 },
  { "eth.src == 00:00:00:00:00", "not a valid value for eth.src", 11 },
  { "frame.protocols matches \"(\"", "Invalid regular expression", 24 },
  { "frame.protocols == \"abc", "not terminated", 19 },
  { "frame contains \"\\q\"", "Invalid escape", 16 },
  { "nosuchfunction(frame.len) == 1", "does not exist", 0 },
  { "len(frame.len) > 1", NULL, 0 },
  { "eth.src == frame.len", "not of compatible types", 0 },
  { "frame.len matches \"x\"", "needs a string or bytes", 0 },
  { "eth.src[x] == 00", "not a valid slice", 7 },
  /* Found by fuzzing: an empty range read past its text. */
  { "ip[,] < 25", "not a valid slice", 2 },
  /* Found by fuzzing: times outside what nanoseconds since 1970 can hold. */
  { "frame.time < \"1389-01-01 00:00\"", "not a valid value", 13 },
  { "frame.time_delta > 99999999999", "not a valid value", 19 },
  { "string(nosuch_field) matches \"^18\"", "neither a field nor a protocol", 7 },
};

static void
test_compile (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (compile_cases); i++)
    {
      const CompileCase *c = &compile_cases[i];
      g_autoptr (IotFilterProblem) problem = NULL;
      g_autoptr (IotFilter) filter = iot_filter_compile (c->text, &problem);

      if (c->error == NULL)
        {
          if (filter == NULL)
            g_error ("%s: unexpected error: %s", c->text, problem->message);
          continue;
        }
      if (filter != NULL)
        g_error ("%s: compiled, expected \"%s\"", c->text, c->error);
      if (strstr (problem->message, c->error) == NULL)
        g_error ("%s: message \"%s\" lacks \"%s\"", c->text, problem->message, c->error);
      g_assert_cmpuint (problem->start, ==, c->column);
    }
}

static void
test_caret (void)
{
  g_autoptr (IotFilterProblem) problem = NULL;
  g_autoptr (IotFilter) filter = iot_filter_compile ("frame.len == \"x\"", &problem);
  g_autofree char *text = iot_filter_problem_format (problem, "frame.len == \"x\"");

  g_assert_null (filter);
  g_assert_cmpstr (strchr (text, '\n'), ==, "\n    frame.len == \"x\"\n                 ^~~");
}

static void
test_fields_needed (void)
{
  g_autoptr (IotFilter) filter = iot_filter_compile ("eth.src == 00:00:00:00:00:01 || frame.len > 3", NULL);
  const IotFieldSet *set = iot_filter_fields (filter);

  g_assert_true (iot_field_set_contains (set, iot_registry_field ("eth.src")));
  g_assert_true (iot_field_set_contains (set, iot_registry_field ("frame.len")));
  g_assert_false (iot_field_set_contains (set, iot_registry_field ("eth.dst")));
}

/* Three Ethernet frames: unicast a→b, broadcast a→ff, unicast b→a with an
 * unknown EtherType and a payload of "hello". */
static IotEngine *
make_engine (void)
{
  static const guint8 f1[] = { 0, 0, 0, 0, 0, 0xb, 0, 0, 0, 0, 0, 0xa, 0x88, 0xb5, 'x' };
  static const guint8 f2[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0xa, 0x88, 0xb5, 'y', 'z' };
  static const guint8 f3[] = { 0, 0, 0, 0, 0, 0xa, 0, 0, 0, 0, 0, 0xb, 0x88, 0xb6, 'h', 'e', 'l', 'l', 'o' };
  const guint8 *frames[] = { f1, f2, f3 };
  guint32 lens[] = { sizeof f1, sizeof f2, sizeof f3 };
  g_autoptr (GBytes) pcap = test_make_pcap (1, frames, lens, lens, 3);
  g_autoptr (IotFile) file = iot_file_open_bytes (pcap, "filters", NULL);
  IotEngine *engine = iot_engine_new (file);

  iot_engine_first_pass (engine, NULL);
  return engine;
}

static char *
matching (IotEngine *engine, const char *text)
{
  g_autoptr (IotFilterProblem) problem = NULL;
  g_autoptr (IotFilter) filter = iot_filter_compile (text, &problem);
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  GString *out = g_string_new (NULL);
  IotDissectOptions options = { 0 };

  if (filter == NULL)
    g_error ("%s: %s", text, problem->message);
  options.fields = iot_filter_fields (filter);
  for (guint32 n = 1; n <= 3; n++)
    {
      iot_engine_dissect (engine, pkt, n, &options);
      if (iot_filter_matches (filter, pkt))
        g_string_append_printf (out, "%s%u", out->len ? "," : "", n);
    }
  return g_string_free (out, FALSE);
}

static void
test_semantics (void)
{
  g_autoptr (IotEngine) engine = make_engine ();
  static const struct { const char *filter, *frames; } cases[] = {
    { "eth", "1,2,3" },
    { "eth.addr == 00:00:00:00:00:0a", "1,2,3" },
    /* Repeated fields: != means "all differ"; !== / ~= means "any differs". */
    { "eth.addr != 00:00:00:00:00:0a", "" },
    { "eth.addr !== 00:00:00:00:00:0a", "1,2,3" },
    { "eth.addr ~= 00:00:00:00:00:0b", "1,2,3" },
    { "eth.addr === 00:00:00:00:00:0a", "" },
    { "eth.addr != ff:ff:ff:ff:ff:ff", "1,3" },
    { "eth.dst.ig == 1", "2" },
    { "eth.type == 0x88b5", "1,2" },
    { "eth.type in {0x88b4..0x88b5}", "1,2" },
    { "frame.len > 15", "2,3" },
    { "frame contains \"ell\"", "3" },
    { "frame contains 79:7a", "2" },
    { "data.data == \"hello\"", "3" },
    { "data.data matches \"^h.l+o$\"", "3" },
    { "upper(frame.protocols) == \"ETH:ETHERTYPE:DATA\"", "1,2,3" },
    { "len(data.data) == 2", "2" },
    { "count(eth.addr) == 2", "1,2,3" },
    { "eth.src[5] == 0a", "1,2" },
    { "eth.src[-1:1] == 0b", "3" },
    { "frame[0:6] == ff:ff:ff:ff:ff:ff", "2" },
    { "eth.src == eth.dst", "" },
    { "eth.src != eth.dst", "1,2,3" },
    { "frame.time_relative >= 0.25", "2,3" },
    { "frame.time_delta == 1.25", "2,3" },
    { "frame.time == \"2023-11-14 22:13:21.25 UTC\"", "2" },
    { "frame.number & 1", "1,3" },
    { "frame.len == 15 or frame.len == 16 and frame.number == 1", "1" },
    { "not eth.dst.ig == 1 and data", "1,3" },
    { "string(frame.number) == \"2\"", "2" },
    /* Found by fuzzing: an empty literal has no bytes at all. */
    { "frame > \"\"", "1,2,3" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = matching (engine, cases[i].filter);

      if (g_strcmp0 (got, cases[i].frames) != 0)
        g_error ("%s: matched {%s}, expected {%s}", cases[i].filter, got, cases[i].frames);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  iot_registry_init ();
  g_test_add_func ("/filter/compile", test_compile);
  g_test_add_func ("/filter/caret", test_caret);
  g_test_add_func ("/filter/fields-needed", test_fields_needed);
  g_test_add_func ("/filter/semantics", test_semantics);
  return g_test_run ();
}
