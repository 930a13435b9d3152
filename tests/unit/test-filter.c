/* test-filter.c — the display filter compiler: syntax, types, every kind of
 * error with its position, and evaluation semantics on crafted frames. */
#include "iot-filter.h"
#include "test-util.h"

#include <pthread.h>

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
  { "eth.src == 00:00:00:00:00", "too few bytes (5) for an Ethernet address", 11 },
  { "eth.src == 00:00:00:00:00:00:00", "too many bytes (7) for an Ethernet address", 11 },
  { "eth.src == \"00:00:00:00:00\"", "too few bytes (5)", 11 },
  /* Literals are range-checked against the field's type, never wrapped. */
  { "frame.len > 9223372036854775808", "\"9223372036854775808\" is too big for frame.len: the maximum is 4294967295", 12 },
  { "frame.len > 4294967296", "maximum is 4294967295", 12 },
  { "frame.len > 4294967295", NULL, 0 },
  { "frame.len > 18446744073709551616", "causes an integer overflow", 12 },
  { "tcp.port == 65536", "\"65536\" is too big for tcp.port: the maximum is 65535", 12 },
  { "tcp.port == 0x10000", "too big for tcp.port", 12 },
  { "tcp.port == 65535", NULL, 0 },
  { "ip.ttl == 256", "\"256\" is too big for ip.ttl: the maximum is 255", 10 },
  { "ip.ttl == 0400", "too big for ip.ttl", 10 },
  { "ip.ttl == 0b100000000", "too big for ip.ttl", 10 },
  { "ip.ttl in {1..256}", "too big for ip.ttl", 14 },
  { "tcp.flags & 0x10000", "too big for tcp.flags", 12 },
  { "ipv6.flow == 0x1000000", "maximum is 16777215", 13 },
  { "mqtt.len == 18446744073709551615", NULL, 0 },
  /* The sign is an operator: its number is what is checked (at its digits). */
  { "ip.ttl > -256", "\"256\" is too big for ip.ttl", 10 },
  { "ip.ttl > -255", NULL, 0 },
  { "tcp.window_size_scalefactor == 2147483648", "maximum is 2147483647", 31 },
  { "tcp.window_size_scalefactor == -2147483647", NULL, 0 },
  { "tcp.window_size_scalefactor == -2147483648", "\"2147483648\" is too big", 32 },
  { "frame.encap_type == -32769", "maximum is 32767", 21 },
  { "eth.dst.ig == -1", "no negative values", 14 },
  { "icmp.resptime == 1e400", "causes floating-point overflow", 17 },
  { "icmp.resptime == -1e400", "causes floating-point overflow", 18 },
  { "icmp.resptime == 1e-400", "causes floating-point underflow", 17 },
  { "icmp.resptime == nan", "not a valid value for icmp.resptime", 17 },
  { "icmp.resptime == 1.5e3", NULL, 0 },
  { "ip.ttl == 1.5", "valid value for ip.ttl", 10 },
  { "ip.addr == 10.0.0.0/33", "prefix length 33 is larger than 32", 11 },
  { "ip.addr == 10.0.0.0/32", NULL, 0 },
  { "ipv6.addr == ::1/129", "prefix length 129 is larger than 128", 13 },
  { "ipv6.addr == ::/128", NULL, 0 },
  { "frame contains \"\\400\"", "\\400 is larger than 255", 16 },
  { "frame contains \"a\\777\"", "\\777 is larger than 255", 17 },
  { "frame contains \"\\377\\1234\"", NULL, 0 },
  { "frame[0] == '\\400'", "\\400 is larger than 255", 13 },
  /* Empty slices select nothing: an error, as in Wireshark. */
  { "eth.src[0:0] == 00", "The range 0:0 selects nothing", 8 },
  { "eth.src[0:0]", "The range 0:0 selects nothing", 8 },
  { "eth.src[1:1, 2:0] == 00", "The range 2:0 selects nothing", 13 },
  { "eth.src[] == 00", "\"[]\" selects nothing", 7 },
  { "eth.src[ ] == 00", "\"[ ]\" selects nothing", 7 },
  { "eth.src[0:2,] == 00", "not a valid slice", 7 },
  /* Outside quotes a filter is printable ASCII: positions in bytes. */
  { "tcp.port == 80 \xc3\xa9", "\"\xc3\xa9\" (U+00E9): non-ASCII characters may only appear inside double quotes", 15 },
  { "tcp.port \xe2\x89\xa5 80", "(U+2265)", 9 },
  { "tcp.port == \xff", "Byte 0xff is not valid UTF-8", 12 },
  { "tcp.port == 1 and \xc3", "Byte 0xc3 is not valid UTF-8", 18 },
  { "tcp.port == 1\x01", "control character 0x01", 13 },
  { "frame contains \"\xc3\xa9\" && \xc3\xa9", "(U+00E9)", 23 },
  { "frame contains \"\xff\"", NULL, 0 },
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

/* "<open>*n inner <close>*n" */
static char *
nested (const char *open, guint n, const char *inner, const char *close)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append (out, open);
  g_string_append (out, inner);
  for (guint i = 0; close != NULL && i < n; i++)
    g_string_append (out, close);
  return g_string_free (out, FALSE);
}

static char *
chain (const char *operand, const char *separator, guint n)
{
  GString *out = g_string_new (operand);

  for (guint i = 1; i < n; i++)
    g_string_append_printf (out, "%s%s", separator, operand);
  return g_string_free (out, FALSE);
}

static void
expect_error_at (const char *text, const char *error, guint column)
{
  g_autoptr (IotFilterProblem) problem = NULL;
  g_autoptr (IotFilter) filter = iot_filter_compile (text, &problem);

  g_assert_null (filter);
  if (strstr (problem->message, error) == NULL)
    g_error ("%.40s…: message \"%s\" lacks \"%s\"", text, problem->message, error);
  g_assert_cmpuint (problem->start, ==, column);
}

static char *matching (IotEngine *engine, const char *text);
static IotEngine *make_engine (void);

/* Runs on a 2 MiB stack: without the nesting limit and the iterative
 * chains any of these would overflow it many times over. */
static gpointer
deep_filters (gpointer data)
{
  g_autoptr (IotEngine) engine = make_engine ();
  g_autofree char *parens = nested ("(", 60000, "frame", ")");
  g_autofree char *at_limit = nested ("(", 256, "frame", ")");
  g_autofree char *past_limit = nested ("(", 257, "frame", ")");
  g_autofree char *calls = nested ("len(", 60000, "frame", ")");
  g_autofree char *nots = nested ("not ", 60000, "eth.dst.ig == 1", NULL);
  g_autofree char *odd_nots = nested ("not ", 60001, "eth.dst.ig == 1", NULL);
  g_autofree char *ands = chain ("frame.len > 1", " and ", 60000);
  g_autofree char *ors = chain ("frame.len == 16", " || ", 60000);
  g_autofree char *nested_nots = nested ("!(", 200, "eth.dst.ig == 1", ")");
  g_autofree char *got = NULL;
  GString *many_slices = g_string_new ("frame");

  expect_error_at (parens, "more than 256 levels deep", 256);
  expect_error_at (past_limit, "more than 256 levels deep", 256);
  g_free (matching (engine, at_limit));
  expect_error_at (calls, "more than 256 levels deep", 256 * 4);
  for (guint i = 0; i < 60000; i++)
    g_string_append (many_slices, "[0:1]");
  expect_error_at (many_slices->str, "more than 256 levels deep", 5 + 256 * 5);
  g_string_free (many_slices, TRUE);

  got = matching (engine, nots);
  g_assert_cmpstr (got, ==, "2");
  g_free (got);
  got = matching (engine, odd_nots);
  g_assert_cmpstr (got, ==, "1,3");
  g_free (got);
  got = matching (engine, ands);
  g_assert_cmpstr (got, ==, "1,2,3");
  g_free (got);
  got = matching (engine, ors);
  g_assert_cmpstr (got, ==, "2");
  g_free (got);
  got = matching (engine, nested_nots);
  g_assert_cmpstr (got, ==, "2");
  return NULL;
}

static void
test_nesting_limit (void)
{
  pthread_attr_t attr;
  pthread_t thread;

  g_assert_cmpint (pthread_attr_init (&attr), ==, 0);
  g_assert_cmpint (pthread_attr_setstacksize (&attr, 2 * 1024 * 1024), ==, 0);
  g_assert_cmpint (pthread_create (&thread, &attr, deep_filters, NULL), ==, 0);
  g_assert_cmpint (pthread_join (thread, NULL), ==, 0);
  pthread_attr_destroy (&attr);
}

/* The caret goes under the character, however many bytes precede it. */
static void
test_caret_characters (void)
{
  const char *text = "frame contains \"\xc3\xa9t\xc3\xa9\" && \xc3\xa9";
  g_autoptr (IotFilterProblem) problem = NULL;
  g_autoptr (IotFilter) filter = iot_filter_compile (text, &problem);
  g_autofree char *formatted = NULL;

  g_assert_null (filter);
  g_assert_cmpuint (problem->start, ==, 26);
  g_assert_cmpuint (iot_filter_problem_column (problem, text), ==, 24);
  formatted = iot_filter_problem_format (problem, text);
  g_assert_cmpstr (strrchr (formatted, '\n'), ==, "\n                            ^");

  /* Invalid UTF-8 inside quotes counts one column per byte. */
  g_clear_pointer (&problem, iot_filter_problem_free);
  g_assert_null (iot_filter_compile ("frame == \"\xff\xfe\" && ip.ttl == 256", &problem));
  g_assert_cmpuint (iot_filter_problem_column (problem, "frame == \"\xff\xfe\" && ip.ttl == 256"), ==, 27);
  g_assert_true (g_utf8_validate (problem->message, -1, NULL));
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
    /* A negative number against an unsigned field has no value (Wireshark
     * negates it at run time, which fails): "any" tests fail, "all" hold. */
    { "frame.len > -1", "" },
    { "frame.len == -1", "" },
    { "frame.len != -1", "1,2,3" },
    { "frame.len === -1", "1,2,3" },
    { "frame.len !== -1", "" },
    { "frame.len in {-1..20}", "" },
    { "frame.len in {-1, 16}", "2" },
    { "frame.len > -0", "1,2,3" },
    { "-1 < frame.len", "" },
    { "frame.number & -1", "1,2,3" },
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
  g_test_add_func ("/filter/caret-characters", test_caret_characters);
  g_test_add_func ("/filter/nesting-limit", test_nesting_limit);
  g_test_add_func ("/filter/fields-needed", test_fields_needed);
  g_test_add_func ("/filter/semantics", test_semantics);
  return g_test_run ();
}
