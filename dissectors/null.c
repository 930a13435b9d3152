/* null.c — BSD loopback encapsulation (link type 0, "NULL").
 *
 * Each packet starts with the address family as a 4-byte integer in the
 * byte order of the machine that captured it, which the file does not
 * say: a value with its high half set must have been written the other
 * way round. */
#include "iot-dissector.h"

enum {
  F_PROTO,
  F_TYPE,
  F_FAMILY,
  N_FIELDS
};

/* BSD address families; IPv6 differs between the BSDs. */
static const IotValueName family_names[] = {
  { 2, "IP" },
  { 7, "OSI" },
  { 16, "Appletalk" },
  { 23, "Netware IPX/SPX" },
  { 24, "IPv6" },
  { 28, "IPv6" },
  { 30, "IPv6" },
  IOT_VALUE_NAMES_END
};

static const IotValueName ethertype_names[] = {
  { 0x0800, "IPv4" },
  { 0x0806, "ARP" },
  { 0x86dd, "IPv6" },
  IOT_VALUE_NAMES_END
};

static IotField null_fields[N_FIELDS] = {
  [F_PROTO] = { "null", "Null/Loopback", IOT_FT_PROTOCOL, .blurb =
    "The 4-byte header BSD systems put on packets captured on the loopback interface: just the address family." },
  [F_TYPE] = { "null.type", "Type", IOT_FT_UINT16, IOT_BASE_HEX, ethertype_names, 0,
    "Some old systems wrote an EtherType here instead of an address family." },
  [F_FAMILY] = { "null.family", "Family", IOT_FT_UINT32, IOT_BASE_DEC, family_names, 0,
    "Address family of the packet: 2 is IPv4; 24, 28 or 30 is IPv6 depending on the operating system." },
};

/* Address family to IP version for the "ip.version" hand-off. */
static guint
family_to_ip_version (guint32 family)
{
  switch (family)
    {
    case 2:
      return 4;
    case 24:
    case 28:
    case 30:
      return 6;
    default:
      return 0;
    }
}

static int
dissect_null (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint32 value = iot_buf_u32 (buf, 0);
  gboolean little_endian = (value & 0xffff0000) != 0;
  IotBuf payload = iot_buf_sub (buf, 4, -1);
  int tree, used = -1;

  iot_col_set_protocol (pkt, "Null");
  if (little_endian)
    value = GUINT32_SWAP_LE_BE (value);
  tree = iot_tree_add_protocol (pkt, parent, &null_fields[F_PROTO], buf, 0, 4);
  if (value > 1500)
    {
      /* An EtherType rather than a family. */
      iot_tree_add_uint (pkt, tree, &null_fields[F_TYPE], buf, 0, 4, value & 0xffff);
      used = iot_call_ethertype (pkt, value & 0xffff, &payload, -1);
    }
  else
    {
      guint version = family_to_ip_version (value);

      iot_tree_add_uint (pkt, tree, &null_fields[F_FAMILY], buf, 0, 4, value);
      if (version != 0)
        used = iot_call_table (pkt, "ip.version", version, &payload, -1);
    }
  if (used < 0)
    {
      iot_col_printf_info (pkt, "Null/Loopback, family %u", value);
      iot_call_data (pkt, &payload, -1);
    }
  return buf->length;
}

IotDissector iot_dissector_null = {
  .name = "Null",
  .abbrev = "null",
  .long_name = "Null/Loopback",
  .fields = null_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_null,
  .handoff = { { "link", 0 } },
};
