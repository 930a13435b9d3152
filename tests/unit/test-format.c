/* test-format.c — value text as tshark prints it. */
#include "iot-format.h"
#include "iot-packet.h"

static void
test_addresses (void)
{
  static const guint8 v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1 };
  static const guint8 loop6[16] = { [15] = 1 };
  static const guint8 v4[4] = { 192, 168, 0, 254 };
  static const guint8 mac[6] = { 0x00, 0x1b, 0x44, 0x11, 0x3a, 0xb7 };
  char text[64];

  iot_format_ipv6 (v6, text, sizeof text);
  g_assert_cmpstr (text, ==, "2001:db8::1:0:0:1");
  iot_format_ipv6 (loop6, text, sizeof text);
  g_assert_cmpstr (text, ==, "::1");
  iot_format_ipv4 (v4, text, sizeof text);
  g_assert_cmpstr (text, ==, "192.168.0.254");
  iot_format_ether (mac, text, sizeof text);
  g_assert_cmpstr (text, ==, "00:1b:44:11:3a:b7");
}

static void
test_times (void)
{
  g_autoptr (GString) out = g_string_new (NULL);

  iot_format_rel_time (G_GINT64_CONSTANT (1500000000), out);
  g_assert_cmpstr (out->str, ==, "1.500000000");
  g_string_truncate (out, 0);
  iot_format_rel_time (-100000, out);
  g_assert_cmpstr (out->str, ==, "-0.000100000");
  g_string_truncate (out, 0);
  iot_format_epoch_time (G_GINT64_CONSTANT (1795695841125020000), out);
  g_assert_cmpstr (out->str, ==, "1795695841.125020000");
  g_string_truncate (out, 0);
  iot_format_abs_time (G_GINT64_CONSTANT (1795695841125020000), TRUE, out);
  g_assert_cmpstr (out->str, ==, "Nov 26, 2026 12:24:01.125020000 UTC");
  g_string_truncate (out, 0);
  /* Single-digit days are padded with a space, as tshark does. */
  iot_format_abs_time (G_GINT64_CONSTANT (1700000000) * 1000000000 - G_GINT64_CONSTANT (86400) * 1000000000 * 9,
                       TRUE, out);
  g_assert_cmpstr (out->str, ==, "Nov  5, 2023 22:13:20.000000000 UTC");
}

static void
test_escaping (void)
{
  g_autoptr (GString) out = g_string_new (NULL);
  static const guint8 text[] = "GET /\r\n\t\\\x01\x7f\xc3\xa9\xff";

  iot_format_escaped (text, sizeof text - 1, out);
  g_assert_cmpstr (out->str, ==, "GET /\\r\\n\\t\\\\x01\\x7fé\\xff");
  g_string_truncate (out, 0);
  iot_format_hex ((const guint8 *) "\x00\xab\x10", 3, ":", out);
  g_assert_cmpstr (out->str, ==, "00:ab:10");
}

#define FFFD "\xef\xbf\xbd"

static char *
run (void (*format) (const guint8 *, gsize, GString *), const char *bytes, gsize len)
{
  GString *out = g_string_new (NULL);

  format ((const guint8 *) bytes, len, out);
  g_assert_true (g_utf8_validate (out->str, (gssize) out->len, NULL));
  return g_string_free (out, FALSE);
}

#define RUN(format, literal) run (format, literal, sizeof literal - 1)

/* The strings of hostile-strings.pcap and what tshark 4.0 printed for them. */
static void
test_wire_strings (void)
{
  g_autofree char *utf8 = RUN (iot_format_valid_utf8, "bad\xff\xfeutf8-\x80-\xc3(-\xe2\x82");
  g_autofree char *overlong = RUN (iot_format_valid_utf8, "overlong-\xc0\xaf-surrogate-\xed\xa0\x80-end");
  g_autofree char *cut = RUN (iot_format_valid_utf8, "emoji\xf0\x9f\x98\x80-cut\xf0\x9f");
  g_autofree char *ascii = RUN (iot_format_valid_ascii, "/caf\xc3\xa9/\x12");
  g_autofree char *dns = RUN (iot_format_text, "sens\x12or\x07\x1b\x7f\n\\\x00x");
  g_autofree char *line = RUN (iot_format_text, "GET /caf\xc3\xa9/\xff\xfe/\xc0\xaf/\xed\xa0\x80/\xc2\x85/"
                                                "\xf4\x90\x80\x80/\xe2\x82 HTTP/1.1\r\n");
  g_autofree char *field = RUN (iot_format_field_string, "tab\there-cr\rlf\n\x12\\\xff");

  /* Decoding: one U+FFFD per ill-formed part (the longest start of a
   * well-formed sequence, or one byte), as tshark decodes ENC_UTF_8. */
  g_assert_cmpstr (utf8, ==, "bad" FFFD FFFD "utf8-" FFFD "-" FFFD "(-" FFFD);
  g_assert_cmpstr (overlong, ==, "overlong-" FFFD FFFD "-surrogate-" FFFD FFFD FFFD "-end");
  g_assert_cmpstr (cut, ==, "emoji\xf0\x9f\x98\x80-cut" FFFD);
  g_assert_cmpstr (ascii, ==, "/caf" FFFD FFFD "/\x12");
  /* Display (tshark's format_text): C escapes, octal, \u for other
   * unprintable characters; backslash as it is. */
  g_assert_cmpstr (dns, ==, "sens\\022or\\a\\033\\177\\n\\\\000x");
  g_assert_cmpstr (line, ==, "GET /caf\xc3\xa9/" FFFD FFFD "///" FFFD "/\\u0085/" FFFD "/" FFFD
                             " HTTP/1.1\\r\\n");
  /* -T fields: only tab, CR and LF escaped. */
  g_assert_cmpstr (field, ==, "tab\\there-cr\\rlf\\n\x12\\" FFFD);
}

/* A masked hex field shows its value as wide as its mask in the tree
 * (tshark: "Frame Type: Command (0x3)" in a 16-bit frame control), while
 * -T fields keeps the container's width ("0x0003"). */
static void
test_masked_hex (void)
{
  static const IotValueName frame_types[] = { { 3, "Command" }, IOT_VALUE_NAMES_END };
  static const IotField frame_type = { "wpan.frame_type", "Frame Type", IOT_FT_UINT16, IOT_BASE_HEX,
                                       frame_types, 0x0007 };
  static const IotField mode = { "wpan.dst_addr_mode", "Destination Addressing Mode", IOT_FT_UINT16,
                                 IOT_BASE_HEX, NULL, 0x0c00 };
  static const IotField ack_policy = { "wlan.qos.ack", "Ack Policy", IOT_FT_UINT16, IOT_BASE_HEX,
                                       NULL, 0x0060 };
  static const IotValueName modes[] = { { 3, "Compressed" }, IOT_VALUE_NAMES_END };
  static const IotField by_bits = { "6lowpan.iphc.dam", "Destination address mode", IOT_FT_UINT16, IOT_BASE_HEX,
                                    modes, 0x0003, .bits = 16 };
  static const IotField whole = { "tcp.window_size_value", "Window", IOT_FT_UINT16, IOT_BASE_HEX };
  static const IotField dec_hex = { "x.y", "Mixed", IOT_FT_UINT8, IOT_BASE_DEC_HEX, NULL, 0x30 };
  IotNode node = { .field = &frame_type, .parent = -1, .v.u = 3 };
  g_autoptr (GString) out = g_string_new (NULL);

  iot_format_label (NULL, &node, out);
  g_assert_true (g_str_has_suffix (out->str, " = Frame Type: Command (0x3)"));
  g_string_truncate (out, 0);
  iot_format_field_value (NULL, &node, out);
  g_assert_cmpstr (out->str, ==, "0x0003");

  node.field = &mode;
  node.v.u = 2;
  g_string_truncate (out, 0);
  iot_format_label (NULL, &node, out);
  g_assert_cmpstr (out->str, ==, ".... 10.. .... .... = Destination Addressing Mode: 0x2");

  node.field = &ack_policy;
  node.v.u = 0;
  g_string_truncate (out, 0);
  iot_format_label (NULL, &node, out);
  g_assert_cmpstr (out->str, ==, ".... .... .00. .... = Ack Policy: 0x0");

  /* A field tshark adds by bit offset keeps the container's digits. */
  node.field = &by_bits;
  node.v.u = 3;
  g_string_truncate (out, 0);
  iot_format_label (NULL, &node, out);
  g_assert_cmpstr (out->str, ==, ".... .... .... ..11 = Destination address mode: Compressed (0x0003)");

  node.field = &whole;
  node.v.u = 0x1f5;
  g_string_truncate (out, 0);
  iot_format_label (NULL, &node, out);
  g_assert_cmpstr (out->str, ==, "Window: 0x01f5");

  node.field = &dec_hex;
  node.v.u = 2;
  g_string_truncate (out, 0);
  iot_format_label (NULL, &node, out);
  g_assert_cmpstr (out->str, ==, "..10 .... = Mixed: 2 (0x2)");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/format/addresses", test_addresses);
  g_test_add_func ("/format/times", test_times);
  g_test_add_func ("/format/escaping", test_escaping);
  g_test_add_func ("/format/wire-strings", test_wire_strings);
  g_test_add_func ("/format/masked-hex", test_masked_hex);
  return g_test_run ();
}
