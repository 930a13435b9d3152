/* test-buf.c — every bounds-checked accessor, at and past every edge, and
 * what a layer shows after a bad read ends it. */
#include "iot-engine.h"
#include "iot-packet.h"
#include "test-util.h"

#define LINKTYPE_USER0 147

enum { F_PROTO, F_U8, F_U16, N_FIELDS };

static IotField probe_fields[N_FIELDS] = {
  [F_PROTO] = { "probe", "Probe", IOT_FT_PROTOCOL, .blurb = "Test layer." },
  [F_U8] = { "probe.u8", "Byte", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0, "A byte." },
  [F_U16] = { "probe.u16", "Word", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0, "A word." },
};

/* The test in progress runs inside the probe layer. */
typedef void (*Scenario) (IotPacket *pkt, IotBuf *buf, int tree);
static Scenario scenario;
static gboolean scenario_finished;

static int
dissect_probe (IotPacket *pkt, IotBuf *buf, int parent)
{
  int tree = iot_tree_add_protocol (pkt, parent, &probe_fields[F_PROTO], buf, 0, -1);

  iot_col_set_protocol (pkt, "PROBE");
  scenario_finished = FALSE;
  scenario (pkt, buf, tree);
  scenario_finished = TRUE;
  return buf->length;
}

static IotDissector probe_dissector = {
  .name = "PROBE", .abbrev = "probe", .long_name = "Accessor probe",
  .fields = probe_fields, .n_fields = N_FIELDS, .dissect = dissect_probe,
  .handoff = { { "link", LINKTYPE_USER0 } },
};

static const guint8 bytes16[16] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
                                    0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10 };

/* Runs @s on one frame of @caplen captured bytes out of @len; returns the
 * dissected packet (owned by the caller). */
static IotPacket *
run_scenario (Scenario s, guint32 caplen, guint32 len)
{
  const guint8 *frames[1] = { bytes16 };
  g_autoptr (GBytes) pcap = test_make_pcap (LINKTYPE_USER0, frames, &caplen, &len, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = iot_file_open_bytes (pcap, "probe", &error);
  g_autoptr (IotEngine) engine = NULL;
  IotPacket *pkt = iot_packet_new ();
  IotDissectOptions options = { IOT_DISSECT_TREE | IOT_DISSECT_COLUMNS };

  g_assert_no_error (error);
  engine = iot_engine_new (file);
  scenario = s;
  iot_engine_first_pass (engine, NULL);
  iot_engine_dissect (engine, pkt, 1, &options);
  return pkt;
}

static gboolean
has_field (IotPacket *pkt, const char *abbrev)
{
  for (guint i = 0; i < iot_packet_n_nodes (pkt); i++)
    {
      const IotNode *node = iot_packet_node (pkt, i);

      if (node->field && g_str_equal (node->field->abbrev, abbrev))
        return TRUE;
    }
  return FALSE;
}

static void
read_values (IotPacket *pkt, IotBuf *buf, int tree)
{
  guint n;

  g_assert_cmpuint (iot_buf_u8 (buf, 0), ==, 0x01);
  g_assert_cmpuint (iot_buf_u16 (buf, 0), ==, 0x0102);
  g_assert_cmpuint (iot_buf_u16le (buf, 0), ==, 0x0201);
  g_assert_cmpuint (iot_buf_u24 (buf, 1), ==, 0x020304);
  g_assert_cmpuint (iot_buf_u24le (buf, 1), ==, 0x040302);
  g_assert_cmpuint (iot_buf_u32 (buf, 12), ==, 0x0d0e0f10);
  g_assert_cmpuint (iot_buf_u32le (buf, 12), ==, 0x100f0e0d);
  g_assert_cmpuint (iot_buf_u64 (buf, 8), ==, G_GUINT64_CONSTANT (0x090a0b0c0d0e0f10));
  g_assert_cmpuint (iot_buf_u64le (buf, 8), ==, G_GUINT64_CONSTANT (0x100f0e0d0c0b0a09));
  g_assert_cmpuint (iot_buf_varint (buf, 0, &n), ==, 1);
  g_assert_cmpuint (n, ==, 1);
  g_assert_true (iot_buf_has (buf, 15, 1));
  g_assert_false (iot_buf_has (buf, 15, 2));
  g_assert_cmpuint (iot_buf_remaining (buf, 10), ==, 6);
  g_assert_cmpuint (iot_buf_remaining (buf, 99), ==, 0);
  g_assert_cmpint (iot_buf_find (buf, 0, 16, "\x0e\x0f", 2), ==, 13);
  g_assert_cmpint (iot_buf_find (buf, 14, 16, "\x0e\x0f", 2), ==, -1);
  g_assert_cmpint (iot_buf_find (buf, 0, 14, "\x0e\x0f", 2), ==, -1);
}

static void
test_values (void)
{
  g_autoptr (IotPacket) pkt = run_scenario (read_values, 16, 16);

  g_assert_true (scenario_finished);
  g_assert_false (has_field (pkt, "_ws.short"));
  g_assert_false (has_field (pkt, "_ws.malformed"));
}

/* The read described by these globals is done by read_one(). */
static guint read_width, read_offset;

static void
read_one (IotPacket *pkt, IotBuf *buf, int tree)
{
  iot_tree_add_item (pkt, tree, &probe_fields[F_U8], buf, 0, 1, FALSE);
  switch (read_width)
    {
    case 1: (void) iot_buf_u8 (buf, read_offset); break;
    case 2: (void) iot_buf_u16 (buf, read_offset); break;
    case 3: (void) iot_buf_u24le (buf, read_offset); break;
    case 4: (void) iot_buf_u32 (buf, read_offset); break;
    case 8: (void) iot_buf_u64le (buf, read_offset); break;
    default: (void) iot_buf_ptr (buf, read_offset, read_width); break;
    }
}

/* For every width and every offset around the end of the view, a read
 * either succeeds (it fits) or ends the layer with the right verdict. */
static void
test_edges (void)
{
  static const guint widths[] = { 1, 2, 3, 4, 8, 5 };

  for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
    for (guint captured = 8; captured <= 16; captured += 8)
      for (guint off = 0; off <= 20; off++)
        {
          g_autoptr (IotPacket) pkt = NULL;
          gboolean fits = off + widths[w] <= captured;
          gboolean beyond_wire = off + widths[w] > 16;

          read_width = widths[w];
          read_offset = off;
          pkt = run_scenario (read_one, captured, 16);
          g_assert_cmpint (scenario_finished, ==, fits);
          /* What was added before the bad read stays. */
          g_assert_true (has_field (pkt, "probe.u8"));
          g_assert_cmpint (has_field (pkt, "_ws.short"), ==, !fits && !beyond_wire);
          g_assert_cmpint (has_field (pkt, "_ws.malformed"), ==, !fits && beyond_wire);
          if (!fits && beyond_wire)
            g_assert_cmpint (iot_packet_max_severity (pkt), ==, IOT_SEV_ERROR);
        }
}

static void
read_huge_offset (IotPacket *pkt, IotBuf *buf, int tree)
{
  (void) iot_buf_u32 (buf, G_MAXUINT - 1);
}

static void
test_no_overflow (void)
{
  g_autoptr (IotPacket) pkt = run_scenario (read_huge_offset, 16, 16);

  g_assert_false (scenario_finished);
  g_assert_true (has_field (pkt, "_ws.malformed"));
}

static const guint8 *varint_bytes;
static guint varint_len;
static guint32 varint_value;

static void
read_varint (IotPacket *pkt, IotBuf *buf, int tree)
{
  IotBuf view = *buf;
  guint n;

  view.data = varint_bytes;
  view.length = view.reported = varint_len;
  varint_value = iot_buf_varint (&view, 0, &n);
  g_assert_cmpuint (n, <=, 4);
}

static void
test_varint (void)
{
  static const guint8 one[] = { 0x7f };
  static const guint8 two[] = { 0x80, 0x01 };
  static const guint8 four[] = { 0xff, 0xff, 0xff, 0x7f };
  static const guint8 five[] = { 0xff, 0xff, 0xff, 0xff, 0x01 };
  static const guint8 cut[] = { 0xff, 0xff };
  struct { const guint8 *bytes; guint len; gboolean ok; guint32 value; } cases[] = {
    { one, 1, TRUE, 127 }, { two, 2, TRUE, 128 }, { four, 4, TRUE, 268435455 },
    { five, 5, FALSE, 0 }, { cut, 2, FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (IotPacket) pkt = NULL;

      varint_bytes = cases[i].bytes;
      varint_len = cases[i].len;
      pkt = run_scenario (read_varint, 16, 16);
      g_assert_cmpint (scenario_finished, ==, cases[i].ok);
      if (cases[i].ok)
        g_assert_cmpuint (varint_value, ==, cases[i].value);
      else
        g_assert_true (has_field (pkt, "_ws.malformed"));
    }
}

static void
read_sub_views (IotPacket *pkt, IotBuf *buf, int tree)
{
  IotBuf sub = iot_buf_sub (buf, 4, 8);
  IotBuf rest = iot_buf_sub (buf, 10, -1);
  IotBuf inner = iot_buf_sub (&sub, 2, 4);

  /* Captured 12 of 16 bytes: the views are cut, their reported lengths not. */
  g_assert_cmpuint (sub.length, ==, 8);
  g_assert_cmpuint (sub.reported, ==, 8);
  g_assert_cmpuint (sub.origin, ==, 4);
  g_assert_cmpuint (rest.length, ==, 2);
  g_assert_cmpuint (rest.reported, ==, 6);
  g_assert_cmpuint (inner.origin, ==, 6);
  g_assert_cmpuint (iot_buf_u8 (&inner, 0), ==, 0x07);
  /* A sub-view longer than its parent reports is malformed. */
  (void) iot_buf_sub (&sub, 4, 5);
}

static void
test_sub_views (void)
{
  g_autoptr (IotPacket) pkt = run_scenario (read_sub_views, 12, 16);

  g_assert_false (scenario_finished);
  g_assert_true (has_field (pkt, "_ws.malformed"));
}

static void
read_lines (IotPacket *pkt, IotBuf *buf, int tree)
{
  static const guint8 text[] = "GET / HTTP/1.1\r\nHost: x\nTail";
  IotBuf view = *buf;
  guint next = 0;

  view.data = text;
  view.length = view.reported = sizeof text - 1;
  g_assert_cmpint (iot_buf_find_line_end (&view, 0, &next), ==, 14);
  g_assert_cmpuint (next, ==, 16);
  g_assert_cmpint (iot_buf_find_line_end (&view, next, &next), ==, 23);
  g_assert_cmpuint (next, ==, 24);
  g_assert_cmpint (iot_buf_find_line_end (&view, next, &next), ==, -1);
}

static void
test_lines (void)
{
  g_autoptr (IotPacket) pkt = run_scenario (read_lines, 16, 16);

  g_assert_true (scenario_finished);
  g_assert_false (has_field (pkt, "_ws.malformed"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  iot_registry_init ();
  g_assert_true (iot_registry_add (&probe_dissector, NULL));
  g_test_add_func ("/buf/values", test_values);
  g_test_add_func ("/buf/edges", test_edges);
  g_test_add_func ("/buf/no-overflow", test_no_overflow);
  g_test_add_func ("/buf/varint", test_varint);
  g_test_add_func ("/buf/sub-views", test_sub_views);
  g_test_add_func ("/buf/lines", test_lines);
  return g_test_run ();
}
