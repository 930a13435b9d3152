/* test-tap-lan.c — the DNS and LAN tap records (src/dissect/iot-tap.h):
 * IotTapDns (one DNS or multicast DNS message) and IotTapLan (one ARP
 * packet, DHCP message or NTP packet).
 *
 * Each capture with such traffic, frame by frame: a dissection that asks
 * for the two taps only makes no node, and its records, written out as the
 * fields they stand for, are exactly the fields a full tree holds in each
 * dns, mdns, arp, dhcp and ntp layer (the first of a DNS field, as the
 * readers take it; the last of a DHCP one), and so are the records the full
 * dissection makes beside its tree, and the rows of a dissection that
 * wants only those fields (what the readers asked for before the records).
 * Then the same frames cut short at every length (a capture written on
 * the fly, each frame with a record repeated with fewer bytes captured
 * than it had): a layer cut short publishes what was read before the cut,
 * no more and no less than its rows.  A full tree reads some bytes a
 * dissection without those rows skips (a DNS option's data), so a frame
 * cut there ends its layer earlier in the full tree: there the records
 * made beside the full tree equal it, and the records made alone equal the
 * rows of the dissection that wants only their fields. */
#include "iot-core-private.h"
#include "iot-engine.h"
#include "iot-packet.h"

#include <glib/gstdio.h>
#include <string.h>

#define CAPTURES "tests/captures"
#define LAN_TAPS (IOT_DISSECT_TAP (IOT_TAP_DNS) | IOT_DISSECT_TAP (IOT_TAP_LAN))

static const char *const captures[] = {
  "dns.pcap", "mdns.pcap", "dhcp.pcap", "ntp.pcap", "network-join.pcap", "netns.pcap", "hostile-strings.pcap",
  "mac-names.pcap", "tls-failures.pcap", "icmp.pcap", "truncated-snaplen.pcap",
};

/* The fields of a layer the records stand for; @last: the record holds
 * the last of the layer's rows (else the first); @pairing: DNS pairing,
 * which a tree has only when its layer got to the end. */
typedef struct {
  const char *abbrev;
  gboolean    last;
  gboolean    pairing;
} RecordField;

static const RecordField record_fields[] = {
  { "dns.id" }, { "dns.flags" }, { "dns.flags.response" }, { "dns.flags.opcode" }, { "dns.flags.rcode" },
  { "dns.count.queries" }, { "dns.count.answers" }, { "dns.count.auth_rr" }, { "dns.count.add_rr" },
  { "dns.qry.name" }, { "dns.qry.name.len" }, { "dns.count.labels" }, { "dns.qry.type" }, { "dns.qry.class" },
  { "dns.unsolicited", .pairing = TRUE }, { "dns.retransmission", .pairing = TRUE },
  { "dns.retransmit_request_in", .pairing = TRUE }, { "dns.retransmit_response_in", .pairing = TRUE },
  { "dns.response_in", .pairing = TRUE }, { "dns.response_to", .pairing = TRUE }, { "dns.time", .pairing = TRUE },
  { "arp.opcode" }, { "arp.src.hw_mac" }, { "arp.dst.hw_mac" }, { "arp.src.proto_ipv4" }, { "arp.dst.proto_ipv4" },
  { "dhcp.type" }, { "dhcp.id" }, { "dhcp.ip.your" }, { "dhcp.hw.mac_addr", TRUE }, { "dhcp.option.dhcp", TRUE },
  { "dhcp.option.requested_ip_address", TRUE },
  { "ntp.flags.vn" }, { "ntp.flags.mode" }, { "ntp.stratum" },
};

typedef struct {
  guint frames, dns, lan, cut_dns, cut_lan, quoted;
} Counts;

/* ---- rows ----------------------------------------------------------------------------- */

static void
add_uint (GString *out, const char *field, guint64 value)
{
  g_string_append_printf (out, " %s=%" G_GUINT64_FORMAT, field, value);
}

static void
add_hex (GString *out, const char *field, const guint8 *bytes, gsize len)
{
  g_string_append_printf (out, " %s=", field);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, "%02x", bytes[i]);
}

/* A DNS record as the rows of its layer, in the order of record_fields. */
static void
dns_text (GString *out, const IotTapDns *r, gboolean with_pairing)
{
  static const char *const counts[4] = { "dns.count.queries", "dns.count.answers", "dns.count.auth_rr",
                                         "dns.count.add_rr" };

  g_string_append_printf (out, "%s in_error=%d length=%u", r->mdns ? "mdns" : "dns", r->in_error, r->length);
  add_uint (out, "dns.id", r->id);
  add_uint (out, "dns.flags", r->flags);
  add_uint (out, "dns.flags.response", r->response);
  add_uint (out, "dns.flags.opcode", r->opcode);
  if (r->rcode >= 0)
    add_uint (out, "dns.flags.rcode", (guint) r->rcode);
  for (guint i = 0; i < r->n_counts; i++)
    add_uint (out, counts[i], r->counts[i]);
  if (r->qname != NULL)
    {
      g_string_append_printf (out, " dns.qry.name=%s", r->qname);
      add_uint (out, "dns.qry.name.len", r->qname_len);
      add_uint (out, "dns.count.labels", r->qlabels);
      add_uint (out, "dns.qry.type", r->qtype);
      add_uint (out, "dns.qry.class", r->qclass);
    }
  if (!with_pairing)
    return;
  if (!r->paired)
    {
      g_assert_false (r->unsolicited || r->retransmission);
      g_assert_cmpint (r->time_ns, ==, -1);
      return;
    }
  if (r->unsolicited)
    add_uint (out, "dns.unsolicited", 1);
  if (r->retransmission)
    add_uint (out, "dns.retransmission", 1);
  if (r->original != 0)
    add_uint (out, r->response ? "dns.retransmit_response_in" : "dns.retransmit_request_in", r->original);
  if (r->response_in != 0)
    add_uint (out, "dns.response_in", r->response_in);
  if (r->request_in != 0)
    add_uint (out, "dns.response_to", r->request_in);
  if (r->time_ns >= 0)
    add_uint (out, "dns.time", (guint64) r->time_ns);
}

static void
lan_text (GString *out, const IotTapLan *r)
{
  switch (r->kind)
    {
    case IOT_TAP_LAN_ARP:
      g_string_append_printf (out, "arp in_error=%d", r->in_error);
      add_uint (out, "arp.opcode", r->arp_op);
      if (r->arp_has_mac)
        {
          add_hex (out, "arp.src.hw_mac", r->arp_sender_mac, 6);
          add_hex (out, "arp.dst.hw_mac", r->arp_target_mac, 6);
        }
      if (r->arp_has_ipv4)
        {
          add_hex (out, "arp.src.proto_ipv4", r->arp_sender_ip, 4);
          add_hex (out, "arp.dst.proto_ipv4", r->arp_target_ip, 4);
        }
      break;
    case IOT_TAP_LAN_DHCP:
      g_string_append_printf (out, "dhcp in_error=%d", r->in_error);
      add_uint (out, "dhcp.type", r->dhcp_op);
      add_uint (out, "dhcp.id", r->dhcp_xid);
      if (r->dhcp_has_your)
        add_hex (out, "dhcp.ip.your", r->dhcp_your, 4);
      if (r->dhcp_has_mac)
        add_hex (out, "dhcp.hw.mac_addr", r->dhcp_mac, 6);
      if (r->dhcp_type >= 0)
        add_uint (out, "dhcp.option.dhcp", (guint) r->dhcp_type);
      if (r->dhcp_has_requested)
        add_hex (out, "dhcp.option.requested_ip_address", r->dhcp_requested, 4);
      break;
    case IOT_TAP_LAN_NTP:
      g_string_append_printf (out, "ntp in_error=%d", r->in_error);
      add_uint (out, "ntp.flags.vn", r->ntp_version);
      add_uint (out, "ntp.flags.mode", r->ntp_mode);
      if (r->ntp_stratum >= 0)
        add_uint (out, "ntp.stratum", (guint) r->ntp_stratum);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* The frame's records, one line each: DNS ones, then LAN ones. */
static char *
records_text (IotPacket *pkt, Counts *counts, gboolean with_pairing)
{
  GString *out = g_string_new (NULL);
  gconstpointer const *r;
  guint n;

  r = iot_packet_tap_records (pkt, IOT_TAP_DNS, &n);
  for (guint i = 0; i < n; i++)
    {
      const IotTapDns *dns = r[i];

      dns_text (out, dns, with_pairing);
      g_string_append_c (out, '\n');
      if (counts != NULL)
        {
          counts->dns++;
          counts->cut_dns += !dns->paired;
          counts->quoted += dns->in_error;
        }
    }
  g_string_append (out, "--\n");
  r = iot_packet_tap_records (pkt, IOT_TAP_LAN, &n);
  for (guint i = 0; i < n; i++)
    {
      const IotTapLan *lan = r[i];

      lan_text (out, lan);
      g_string_append_c (out, '\n');
      if (counts != NULL)
        {
          counts->lan++;
          counts->cut_lan += lan->kind == IOT_TAP_LAN_DHCP ? lan->dhcp_type < 0
                             : lan->kind == IOT_TAP_LAN_NTP ? lan->ntp_stratum < 0 : 0;
          counts->quoted += lan->in_error;
        }
    }
  return g_string_free (out, FALSE);
}

/* The record field @abbrev's index, or -1. */
static int
record_field_index (const char *abbrev)
{
  for (guint i = 0; i < G_N_ELEMENTS (record_fields); i++)
    if (strcmp (record_fields[i].abbrev, abbrev) == 0)
      return (int) i;
  return -1;
}

/* The value of a row as the records write it. */
static void
node_value (GString *out, const IotNode *node)
{
  const IotField *f = node->field;

  switch (f->type)
    {
    case IOT_FT_STRING:
      g_string_append_printf (out, " %s=%s", f->abbrev, (const char *) node->v.p);
      break;
    case IOT_FT_ETHER:
      add_hex (out, f->abbrev, node->v.p, 6);
      break;
    case IOT_FT_IPV4:
      add_hex (out, f->abbrev, node->v.p, 4);
      break;
    case IOT_FT_BOOLEAN:
      add_uint (out, f->abbrev, node->v.u != 0);
      break;
    case IOT_FT_RELATIVE_TIME:
      add_uint (out, f->abbrev, (guint64) node->v.i);
      break;
    default:
      add_uint (out, f->abbrev, node->v.u);
      break;
    }
}

static gboolean
is_record_layer (const IotNode *node)
{
  static const char *const layers[] = { "dns", "mdns", "arp", "dhcp", "ntp" };

  for (guint i = 0; node->field != NULL && i < G_N_ELEMENTS (layers); i++)
    if (strcmp (node->field->abbrev, layers[i]) == 0)
      return TRUE;
  return FALSE;
}

/* One layer's rows: its record fields, each the first (or last) in the
 * layer, in the order of record_fields.  The rows up to the next such
 * layer are its own (a dissection that makes only some rows has no row
 * between the layer and a field to say so).  @quoted: an ICMP layer came
 * before, whose error quotes this one. */
static void
layer_text (GString *out, IotPacket *pkt, guint layer, gboolean quoted)
{
  const IotNode *nodes = iot_packet_nodes (pkt);
  guint n = iot_packet_n_nodes (pkt);
  const IotNode *found[G_N_ELEMENTS (record_fields)] = { NULL };
  const char *abbrev = nodes[layer].field->abbrev;
  gboolean dns = strcmp (abbrev, "dns") == 0 || strcmp (abbrev, "mdns") == 0;

  g_string_append_printf (out, "%s in_error=%d", abbrev, quoted);
  if (dns)
    g_string_append_printf (out, " length=%u", nodes[layer].length);
  for (guint j = layer + 1; j < n && !is_record_layer (&nodes[j]); j++)
    {
      int k = nodes[j].field != NULL ? record_field_index (nodes[j].field->abbrev) : -1;

      if (k >= 0 && (found[k] == NULL || record_fields[k].last))
        found[k] = &nodes[j];
    }
  for (guint k = 0; k < G_N_ELEMENTS (record_fields); k++)
    if (found[k] != NULL)
      node_value (out, found[k]);
}

/* The same from a full tree: every dns, mdns, arp, dhcp and ntp layer, at
 * any depth (an ICMP error quotes some). */
static char *
tree_text (IotPacket *pkt)
{
  const IotNode *nodes = iot_packet_nodes (pkt);
  guint n = iot_packet_n_nodes (pkt);
  g_autoptr (GString) dns = g_string_new (NULL);
  g_autoptr (GString) lan = g_string_new (NULL);
  gboolean quoted = FALSE;

  for (guint i = 0; i < n; i++)
    {
      const char *abbrev = nodes[i].field != NULL ? nodes[i].field->abbrev : "";

      quoted |= strcmp (abbrev, "icmp") == 0 || strcmp (abbrev, "icmpv6") == 0;
      if (!is_record_layer (&nodes[i]))
        continue;
      if (strcmp (abbrev, "dns") == 0 || strcmp (abbrev, "mdns") == 0)
        {
          layer_text (dns, pkt, i, quoted);
          g_string_append_c (dns, '\n');
        }
      else
        {
          layer_text (lan, pkt, i, quoted);
          g_string_append_c (lan, '\n');
        }
    }
  return g_strdup_printf ("%s--\n%s", dns->str, lan->str);
}

/* ---- one capture ---------------------------------------------------------------------- */

/* The record fields but the DNS pairing (those the readers asked for
 * before the records were made: the insight's, none of the pairing), the
 * layers they are in, and ICMP's (whose errors quote some). */
static IotFieldSet *
record_field_set (void)
{
  static const char *const layers[] = { "dns", "mdns", "arp", "dhcp", "ntp", "icmp", "icmpv6" };
  IotFieldSet *set = iot_field_set_new ();

  for (guint i = 0; i < G_N_ELEMENTS (record_fields); i++)
    if (!record_fields[i].pairing)
      iot_field_set_add (set, iot_registry_field (record_fields[i].abbrev));
  for (guint i = 0; i < G_N_ELEMENTS (layers); i++)
    iot_field_set_add (set, iot_registry_field (layers[i]));
  return set;
}

/* Checks every frame of @path; the frames with a record go to @with_records.
 * @whole: the frames are as captured, and the records made alone equal
 * the full tree too. */
static void
check_capture (const char *path, gboolean whole, Counts *counts, GArray *with_records)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = NULL;
  g_autoptr (IotEngine) engine = NULL;
  g_autoptr (IotPacket) taps = iot_packet_new ();
  g_autoptr (IotPacket) full = iot_packet_new ();
  IotDissectOptions tap_only = { .flags = LAN_TAPS };
  IotDissectOptions tree = { .flags = IOT_DISSECT_TREE | LAN_TAPS };
  g_autoptr (IotFieldSet) fields = record_field_set ();
  g_autoptr (IotPacket) rows = iot_packet_new ();
  IotDissectOptions only_fields = { .flags = LAN_TAPS, .fields = fields };

  file = iot_file_open (path, &error);
  g_assert_no_error (error);
  engine = iot_engine_new (file);
  g_assert_true (iot_engine_first_pass (engine, NULL));
  for (guint32 number = 1; number <= iot_file_n_frames (file); number++)
    {
      g_autofree char *got = NULL, *beside = NULL, *want = NULL, *asked = NULL, *asked_beside = NULL;
      g_autofree char *got_dns = NULL, *want_dns = NULL, *got_asked = NULL;
      guint before = counts->dns + counts->lan;

      iot_engine_dissect (engine, taps, number, &tap_only);
      g_assert_cmpuint (iot_packet_n_nodes (taps), ==, 0);
      got = records_text (taps, counts, TRUE);
      got_asked = records_text (taps, NULL, FALSE);
      iot_engine_dissect (engine, full, number, &tree);
      beside = records_text (full, NULL, TRUE);
      want = tree_text (full);
      iot_engine_dissect (engine, rows, number, &only_fields);
      asked = tree_text (rows);
      asked_beside = records_text (rows, NULL, FALSE);
      if (g_test_verbose () || strcmp (got_asked, asked) != 0)
        g_printerr ("%s %u:\n%s", path, number, got);
      g_assert_cmpstr (got_asked, ==, asked);
      g_assert_cmpstr (asked_beside, ==, asked);
      g_assert_cmpstr (beside, ==, want);
      /* The DNS records hold what a full tree holds, even cut short
       * (-z dns,tree counted from one). */
      got_dns = g_strndup (got, strstr (got, "--\n") - got);
      want_dns = g_strndup (want, strstr (want, "--\n") - want);
      g_assert_cmpstr (got_dns, ==, want_dns);
      if (whole)
        g_assert_cmpstr (got, ==, want);
      counts->frames++;
      if (with_records != NULL && counts->dns + counts->lan > before)
        g_array_append_val (with_records, number);
    }
}

/* ---- the same frames cut short -------------------------------------------------------- */

static guint32
read_u32 (const guint8 *p, gboolean swapped)
{
  guint32 v;

  memcpy (&v, p, 4);
  return swapped ? GUINT32_SWAP_LE_BE (v) : v;
}

static void
append_u32 (GByteArray *out, guint32 v, gboolean swapped)
{
  if (swapped)
    v = GUINT32_SWAP_LE_BE (v);
  g_byte_array_append (out, (const guint8 *) &v, 4);
}

/* An ICMP port unreachable error from the destination of the
 * Ethernet/IPv4 frame @frame (@len bytes) quoting its IPv4 packet; NULL
 * for a frame of another kind. */
static GByteArray *
icmp_error_quoting (const guint8 *frame, guint32 len)
{
  GByteArray *out;
  guint8 ip[20] = { 0x45, 0, 0, 0, 0, 1, 0, 0, 64, 1, 0, 0 };
  const guint8 icmp[8] = { 3, 3, 0, 0, 0, 0, 0, 0 };
  guint total = 20 + 8 + (len - 14);
  guint32 sum = 0;

  if (len < 14 + 20 || frame[12] != 0x08 || frame[13] != 0x00 || (frame[14] >> 4) != 4)
    return NULL;
  ip[2] = (guint8) (total >> 8);
  ip[3] = (guint8) total;
  memcpy (ip + 12, frame + 14 + 16, 4);   /* from the quoted packet's destination */
  memcpy (ip + 16, frame + 14 + 12, 4);
  for (guint i = 0; i < 20; i += 2)
    sum += (guint32) ip[i] << 8 | ip[i + 1];
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  ip[10] = (guint8) (~sum >> 8);
  ip[11] = (guint8) ~sum;
  out = g_byte_array_new ();
  g_byte_array_append (out, frame + 6, 6);   /* back to the sender */
  g_byte_array_append (out, frame, 6);
  g_byte_array_append (out, frame + 12, 2);
  g_byte_array_append (out, ip, 20);
  g_byte_array_append (out, icmp, 8);
  g_byte_array_append (out, frame + 14, len - 14);
  return out;
}

/* A pcap file with each of @frames of @path repeated: captured up to
 * every length short of what it had, or (@quote) quoted whole in an ICMP
 * error. */
static char *
write_frames (const char *path, const GArray *frames, const char *dir, gboolean quote)
{
  g_autofree char *data = NULL;
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *file_name = g_strconcat (quote ? "quoted-" : "cut-", name, NULL);
  char *cut_path = g_build_filename (dir, file_name, NULL);
  gsize len, off = 24;
  guint32 magic, number = 0;
  gboolean swapped;
  guint next = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (len, >=, 24);
  memcpy (&magic, data, 4);
  swapped = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
  g_assert_true (swapped || magic == 0xa1b2c3d4 || magic == 0xa1b23c4d);
  g_byte_array_append (out, (const guint8 *) data, 24);
  while (off + 16 <= len && next < frames->len)
    {
      const guint8 *h = (const guint8 *) data + off;
      guint32 caplen = read_u32 (h + 8, swapped), wirelen = read_u32 (h + 12, swapped);

      g_assert_cmpuint (off + 16 + caplen, <=, len);
      if (++number == g_array_index (frames, guint32, next))
        {
          g_autoptr (GByteArray) error_frame = quote && caplen == wirelen ? icmp_error_quoting (h + 16, caplen) : NULL;

          next++;
          if (error_frame != NULL)
            {
              g_byte_array_append (out, h, 8);
              append_u32 (out, error_frame->len, swapped);
              append_u32 (out, error_frame->len, swapped);
              g_byte_array_append (out, error_frame->data, error_frame->len);
            }
          for (guint32 cut = 1; cut < caplen && !quote; cut++)
            {
              g_byte_array_append (out, h, 8);
              append_u32 (out, cut, swapped);
              append_u32 (out, wirelen, swapped);
              g_byte_array_append (out, h + 16, cut);
            }
        }
      off += 16 + caplen;
    }
  g_assert_true (g_file_set_contents (cut_path, (const char *) out->data, out->len, &error));
  g_assert_no_error (error);
  return cut_path;
}

/* ---- the test ------------------------------------------------------------------------- */

static void
test_lan_records (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-tap-lan-XXXXXX", &error);
  Counts whole = { 0 }, cut = { 0 }, quoted = { 0 };

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (captures); i++)
    {
      g_autofree char *path = g_build_filename (CAPTURES, captures[i], NULL);
      g_autoptr (GArray) with_records = g_array_new (FALSE, FALSE, sizeof (guint32));
      g_autofree char *cut_path = NULL, *quoted_path = NULL;

      check_capture (path, TRUE, &whole, with_records);
      if (with_records->len == 0)
        continue;
      cut_path = write_frames (path, with_records, dir, FALSE);
      check_capture (cut_path, FALSE, &cut, NULL);
      g_assert_cmpint (g_unlink (cut_path), ==, 0);
      quoted_path = write_frames (path, with_records, dir, TRUE);
      check_capture (quoted_path, TRUE, &quoted, NULL);
      g_assert_cmpint (g_unlink (quoted_path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  if (g_test_verbose ())
    g_printerr ("whole: %u frames, %u DNS and %u LAN records (%u quoted); cut: %u frames, %u DNS (%u unpaired), "
                "%u LAN (%u without their later values); in ICMP errors: %u frames, %u DNS and %u LAN records "
                "(%u quoted)\n", whole.frames, whole.dns, whole.lan, whole.quoted,
                cut.frames, cut.dns, cut.cut_dns, cut.lan, cut.cut_lan, quoted.frames, quoted.dns, quoted.lan,
                quoted.quoted);
  /* Every kind, whole and cut short. */
  g_assert_cmpuint (whole.dns, >, 50);
  g_assert_cmpuint (whole.lan, >, 20);
  g_assert_cmpuint (cut.cut_dns, >, 1000);
  g_assert_cmpuint (cut.cut_lan, >, 100);
  g_assert_cmpuint (quoted.quoted, >, 50);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  iot_registry_init ();
  g_test_add_func ("/tap/lan-records", test_lan_records);
  return g_test_run ();
}
