/* test-reassembly.c — messages spread over TCP segments, and several
 * messages in one segment, through a small length-prefixed protocol. */
#include "iot-engine.h"
#include "iot-packet.h"
#include "test-util.h"

#define TEST_PORT 7777

/* The test protocol: a 2-byte length, then that many bytes of text. */
enum { F_PROTO, F_LEN, F_TEXT, N_FIELDS };

static IotField lp_fields[N_FIELDS] = {
  [F_PROTO] = { "lp", "Length-prefixed test protocol", IOT_FT_PROTOCOL, .blurb = "Test protocol." },
  [F_LEN] = { "lp.len", "Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0, "Message length." },
  [F_TEXT] = { "lp.text", "Text", IOT_FT_STRING, IOT_BASE_NONE, NULL, 0, "Message text." },
};

static int
dissect_lp (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint off = 0;

  iot_col_set_protocol (pkt, "LP");
  while (off < buf->length)
    {
      guint len;
      int tree;

      if (!iot_buf_has (buf, off, 2))
        {
          iot_packet_request_more (pkt, buf, off, 0);
          return off;
        }
      len = iot_buf_u16 (buf, off);
      if (!iot_buf_has (buf, off, 2 + len))
        {
          iot_packet_request_more (pkt, buf, off, 2 + len - iot_buf_remaining (buf, off));
          return off;
        }
      tree = iot_tree_add_protocol (pkt, parent, &lp_fields[F_PROTO], buf, off, 2 + len);
      iot_tree_add_item (pkt, tree, &lp_fields[F_LEN], buf, off, 2, FALSE);
      iot_tree_add_item (pkt, tree, &lp_fields[F_TEXT], buf, off + 2, len, FALSE);
      off += 2 + len;
    }
  return off;
}

static IotDissector lp_dissector = {
  .name = "LP", .abbrev = "lp", .long_name = "Length-prefixed test protocol",
  .fields = lp_fields, .n_fields = N_FIELDS, .dissect = dissect_lp,
  .handoff = { { "tcp.port", TEST_PORT } },
};

/* An Ethernet + IPv4 + TCP frame from client (1) or server (0). */
static GBytes *
tcp_frame (gboolean from_client, guint32 seq, guint32 ack, guint8 flags, const char *payload, gsize len)
{
  guint8 f[14 + 20 + 20 + 64] = { 0 };
  guint total = 20 + 20 + len;
  guint8 client[4] = { 10, 0, 0, 1 }, server[4] = { 10, 0, 0, 2 };
  guint16 sport = from_client ? 40000 : TEST_PORT, dport = from_client ? TEST_PORT : 40000;

  g_assert_cmpuint (len, <=, 64);
  f[12] = 0x08;
  f[14] = 0x45;
  f[16] = total >> 8;
  f[17] = total & 0xff;
  f[22] = 64;
  f[23] = 6;
  memcpy (f + 26, from_client ? client : server, 4);
  memcpy (f + 30, from_client ? server : client, 4);
  f[34] = sport >> 8; f[35] = sport & 0xff;
  f[36] = dport >> 8; f[37] = dport & 0xff;
  f[38] = seq >> 24; f[39] = seq >> 16; f[40] = seq >> 8; f[41] = seq;
  f[42] = ack >> 24; f[43] = ack >> 16; f[44] = ack >> 8; f[45] = ack;
  f[46] = 0x50;
  f[47] = flags;
  f[48] = 0xff;
  f[49] = 0xff;
  memcpy (f + 54, payload, len);
  return g_bytes_new (f, 54 + len);
}

#define SYN 0x02
#define ACK 0x10
#define PSH 0x08

static IotEngine *
make_engine (void)
{
  /* Message 1 "hello" whole, message 2 "abcdefghij" over frames 3-5,
   * message 3 "xy" inside frame 5, message 4 "klm" over frames 5-6, its
   * length itself split. */
  static const struct { gboolean client; guint32 seq, ack; guint8 flags; const char *data; gsize len; } segs[] = {
    { TRUE, 1000, 0, SYN, "", 0 },
    { FALSE, 5000, 1001, SYN | ACK, "", 0 },
    { TRUE, 1001, 5001, ACK | PSH, "\0\5hello\0\12abc", 12 },
    { TRUE, 1013, 5001, ACK | PSH, "defg", 4 },
    { TRUE, 1017, 5001, ACK | PSH, "hij\0\2xy\0", 8 },
    { TRUE, 1025, 5001, ACK | PSH, "\3klm", 4 },
    { FALSE, 5001, 1029, ACK, "", 0 },
  };
  const guint8 *frames[G_N_ELEMENTS (segs)];
  guint32 lens[G_N_ELEMENTS (segs)];
  GBytes *owned[G_N_ELEMENTS (segs)];
  g_autoptr (GBytes) pcap = NULL;
  g_autoptr (IotFile) file = NULL;
  IotEngine *engine;

  for (guint i = 0; i < G_N_ELEMENTS (segs); i++)
    {
      gsize size;

      owned[i] = tcp_frame (segs[i].client, segs[i].seq, segs[i].ack, segs[i].flags, segs[i].data, segs[i].len);
      frames[i] = g_bytes_get_data (owned[i], &size);
      lens[i] = size;
    }
  pcap = test_make_pcap (1, frames, lens, lens, G_N_ELEMENTS (segs));
  for (guint i = 0; i < G_N_ELEMENTS (segs); i++)
    g_bytes_unref (owned[i]);
  file = iot_file_open_bytes (pcap, "reassembly", NULL);
  engine = iot_engine_new (file);
  iot_engine_first_pass (engine, NULL);
  return engine;
}

/* "text1|text2" and the values of a numeric field, for one frame. */
static char *
describe (IotEngine *engine, guint32 number, const char *abbrev)
{
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  IotDissectOptions options = { IOT_DISSECT_TREE | IOT_DISSECT_COLUMNS };
  GString *out = g_string_new (NULL);

  iot_engine_dissect (engine, pkt, number, &options);
  for (guint i = 0; i < iot_packet_n_nodes (pkt); i++)
    {
      const IotNode *node = iot_packet_node (pkt, i);

      if (node->field == NULL || strcmp (node->field->abbrev, abbrev) != 0)
        continue;
      if (out->len > 0)
        g_string_append_c (out, '|');
      if (node->field->type == IOT_FT_STRING)
        g_string_append (out, (const char *) node->v.p);
      else
        g_string_append_printf (out, "%" G_GUINT64_FORMAT, node->v.u);
    }
  return g_string_free (out, FALSE);
}

static void
expect (IotEngine *engine, guint32 number, const char *abbrev, const char *want)
{
  g_autofree char *got = describe (engine, number, abbrev);

  if (g_strcmp0 (got, want) != 0)
    g_error ("frame %u %s: got \"%s\", expected \"%s\"", number, abbrev, got, want);
}

static void
check_all (IotEngine *engine, gboolean backwards)
{
  for (guint k = 0; k < 7; k++)
    {
      guint32 n = backwards ? 7 - k : k + 1;

      switch (n)
        {
        case 3:
          expect (engine, n, "lp.text", "hello");
          expect (engine, n, "tcp.reassembled_in", "5");
          break;
        case 4:
          expect (engine, n, "lp.text", "");
          expect (engine, n, "tcp.reassembled_in", "5");
          break;
        case 5:
          expect (engine, n, "lp.text", "abcdefghij|xy");
          expect (engine, n, "tcp.segment", "3|4|5");
          expect (engine, n, "tcp.reassembled.length", "12");
          expect (engine, n, "tcp.reassembled_in", "6");
          break;
        case 6:
          expect (engine, n, "lp.text", "klm");
          expect (engine, n, "tcp.segment", "5|6");
          expect (engine, n, "tcp.reassembled_in", "");
          break;
        default:
          expect (engine, n, "lp.text", "");
          break;
        }
    }
}

static void
test_reassembly (void)
{
  g_autoptr (IotEngine) engine = make_engine ();

  check_all (engine, FALSE);
  /* Random access: the same answers whatever was dissected before. */
  check_all (engine, TRUE);
}

static void
test_info (void)
{
  g_autoptr (IotEngine) engine = make_engine ();
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  IotDissectOptions options = { IOT_DISSECT_COLUMNS };

  iot_engine_dissect (engine, pkt, 4, &options);
  g_assert_nonnull (strstr (iot_col_info (pkt), "[TCP segment of a reassembled PDU]"));
  g_assert_cmpuint (iot_packet_n_sources (pkt), ==, 1);
  iot_engine_dissect (engine, pkt, 5, &options);
  g_assert_cmpstr (iot_col_protocol (pkt), ==, "LP");
  g_assert_cmpuint (iot_packet_n_sources (pkt), ==, 2);
  g_assert_cmpmem (iot_packet_source (pkt, 1)->data, 12, "\0\12abcdefghij", 12);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  iot_registry_init ();
  g_assert_true (iot_registry_add (&lp_dissector, NULL));
  g_test_add_func ("/reassembly/messages", test_reassembly);
  g_test_add_func ("/reassembly/info", test_info);
  return g_test_run ();
}
