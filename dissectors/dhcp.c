/* dhcp.c — DHCP for IPv4 (RFC 2131/2132) and the BOOTP format it extends:
 * how a device joining a network gets its address, router, DNS servers and
 * lease time.  A client broadcasts DISCOVER, servers OFFER, the client
 * REQUESTs one offer and the server confirms with ACK.
 */
#include "iot-dissector.h"

#include <string.h>

enum {
  F_PROTO,
  F_TYPE,
  F_HW_TYPE,
  F_HW_LEN,
  F_HOPS,
  F_ID,
  F_SECS,
  F_FLAGS,
  F_FLAGS_BC,
  F_FLAGS_RESERVED,
  F_IP_CLIENT,
  F_IP_YOUR,
  F_IP_SERVER,
  F_IP_RELAY,
  F_HW_MAC_ADDR,
  F_HW_ADDR,
  F_HW_ADDR_PADDING,
  F_SERVER,
  F_FILE,
  F_COOKIE,
  F_OPTION_TYPE,
  F_OPTION_LENGTH,
  F_OPTION_VALUE,
  F_OPTION_PADDING,
  F_OPTION_END,
  F_OPT_SUBNET_MASK,
  F_OPT_TIME_OFFSET,
  F_OPT_ROUTER,
  F_OPT_TIME_SERVER,
  F_OPT_DNS,
  F_OPT_HOSTNAME,
  F_OPT_DOMAIN_NAME,
  F_OPT_INTERFACE_MTU,
  F_OPT_BROADCAST,
  F_OPT_NTP_SERVER,
  F_OPT_REQUESTED_IP,
  F_OPT_LEASE_TIME,
  F_OPT_DHCP,
  F_OPT_SERVER_ID,
  F_OPT_REQUEST_LIST_ITEM,
  F_OPT_MESSAGE,
  F_OPT_MAX_MESSAGE_SIZE,
  F_OPT_RENEWAL_TIME,
  F_OPT_REBINDING_TIME,
  F_OPT_VENDOR_CLASS_ID,
  N_FIELDS
};

#define MAGIC_COOKIE 0x63825363u
#define FIXED_LEN    236     /* BOOTP header before the cookie */

enum {
  OPT_PAD = 0, OPT_SUBNET_MASK = 1, OPT_TIME_OFFSET = 2, OPT_ROUTER = 3, OPT_TIME_SERVER = 4,
  OPT_DNS = 6, OPT_HOSTNAME = 12, OPT_DOMAIN_NAME = 15, OPT_INTERFACE_MTU = 26,
  OPT_BROADCAST = 28, OPT_NTP_SERVERS = 42, OPT_REQUESTED_IP = 50, OPT_LEASE_TIME = 51,
  OPT_MESSAGE_TYPE = 53, OPT_SERVER_ID = 54, OPT_REQUEST_LIST = 55, OPT_MESSAGE = 56,
  OPT_MAX_MESSAGE_SIZE = 57, OPT_RENEWAL_TIME = 58, OPT_REBINDING_TIME = 59,
  OPT_VENDOR_CLASS_ID = 60, OPT_CLIENT_ID = 61, OPT_END = 255,
};

static const IotValueName bootp_type_names[] = {
  { 1, "Boot Request" },
  { 2, "Boot Reply" },
  IOT_VALUE_NAMES_END
};

static const IotValueName hw_type_names[] = {
  { 1, "Ethernet" },
  { 6, "IEEE 802 Networks" },
  { 7, "ARCNET" },
  { 15, "Frame Relay" },
  { 16, "Asynchronous Transmission Mode (ATM)" },
  { 20, "Serial Line" },
  { 32, "InfiniBand" },
  IOT_VALUE_NAMES_END
};

static const IotValueName message_type_names[] = {
  { 1, "Discover" },
  { 2, "Offer" },
  { 3, "Request" },
  { 4, "Decline" },
  { 5, "ACK" },
  { 6, "NAK" },
  { 7, "Release" },
  { 8, "Inform" },
  { 9, "Force Renew" },
  { 10, "Lease query" },
  { 11, "Lease Unassigned" },
  { 12, "Lease Unknown" },
  { 13, "Lease Active" },
  { 14, "Bulk Lease Query" },
  { 15, "Lease Query Done" },
  { 16, "Active LeaseQuery" },
  { 17, "Lease Query Status" },
  { 18, "TLS" },
  IOT_VALUE_NAMES_END
};

/* Names of the options, as shown in "Option: (N) Name" rows. */
static const IotValueName option_names[] = {
  { 0, "Padding" },
  { 1, "Subnet Mask" },
  { 2, "Time Offset" },
  { 3, "Router" },
  { 4, "Time Server" },
  { 5, "Name Server" },
  { 6, "Domain Name Server" },
  { 7, "Log Server" },
  { 12, "Host Name" },
  { 13, "Boot File Size" },
  { 15, "Domain Name" },
  { 17, "Root Path" },
  { 23, "Default IP Time-to-Live" },
  { 26, "Interface MTU" },
  { 28, "Broadcast Address" },
  { 31, "Perform Router Discover" },
  { 33, "Static Route" },
  { 40, "Network Information Service Domain" },
  { 41, "Network Information Service Servers" },
  { 42, "Network Time Protocol Servers" },
  { 43, "Vendor-Specific Information" },
  { 44, "NetBIOS over TCP/IP Name Server" },
  { 46, "NetBIOS over TCP/IP Node Type" },
  { 47, "NetBIOS over TCP/IP Scope" },
  { 50, "Requested IP Address" },
  { 51, "IP Address Lease Time" },
  { 52, "Option Overload" },
  { 53, "DHCP Message Type" },
  { 54, "DHCP Server Identifier" },
  { 55, "Parameter Request List" },
  { 56, "Message" },
  { 57, "Maximum DHCP Message Size" },
  { 58, "Renewal Time Value" },
  { 59, "Rebinding Time Value" },
  { 60, "Vendor class identifier" },
  { 61, "Client identifier" },
  { 66, "TFTP Server Name" },
  { 67, "Bootfile name" },
  { 77, "User Class Information" },
  { 80, "Rapid Commit" },
  { 81, "Client Fully Qualified Domain Name" },
  { 82, "Agent Information Option" },
  { 93, "Client System Architecture" },
  { 94, "Client Network Device Interface" },
  { 97, "UUID/GUID-based Client Identifier" },
  { 108, "IPv6-Only Preferred" },
  { 114, "DHCP Captive-Portal" },
  { 119, "Domain Search" },
  { 121, "Classless Static Route" },
  { 249, "Private/Classless Static Route (Microsoft)" },
  { 252, "Private/Proxy autodiscovery" },
  { 255, "End" },
  IOT_VALUE_NAMES_END
};

enum {
  E_OPTION_LENGTH,
  E_END_MISSING,
  N_EXPERTS
};

static IotExpertInfo dhcp_experts[N_EXPERTS] = {
  [E_OPTION_LENGTH] = IOT_EXPERT_INFO ("dhcp.option.length_overrun", IOT_SEV_ERROR, IOT_GROUP_MALFORMED, "Option length runs past the end of the message",
                              "An option's length byte says more bytes than the message holds."),
  [E_END_MISSING] = IOT_EXPERT_INFO ("dhcp.end_option_missing", IOT_SEV_WARN, IOT_GROUP_PROTOCOL, "End option missing",
                              "DHCP options must end with option 255 (End)."),
};

static IotField dhcp_fields[N_FIELDS] = {
  [F_PROTO] = { "dhcp", "Dynamic Host Configuration Protocol", IOT_FT_PROTOCOL, .blurb =
    "DHCP: a new device asks the network for an IP address and settings, and a server leases it one." },
  [F_TYPE] = { "dhcp.type", "Message type", IOT_FT_UINT8, IOT_BASE_DEC, bootp_type_names, 0,
    "BOOTP direction: 1 from a client, 2 from a server. The DHCP meaning is in option 53." },
  [F_HW_TYPE] = { "dhcp.hw.type", "Hardware type", IOT_FT_UINT8, IOT_BASE_HEX, hw_type_names, 0,
    "Kind of network card the client has (1 = Ethernet)." },
  [F_HW_LEN] = { "dhcp.hw.len", "Hardware address length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Bytes in the client's hardware address (6 for a MAC address)." },
  [F_HOPS] = { "dhcp.hops", "Hops", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "How many relay agents forwarded the message; 0 when client and server share the link." },
  [F_ID] = { "dhcp.id", "Transaction ID", IOT_FT_UINT32, IOT_BASE_HEX, NULL, 0,
    "Random number the client picks; every message of one exchange carries it." },
  [F_SECS] = { "dhcp.secs", "Seconds elapsed", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Seconds since the client started trying to get an address." },
  [F_FLAGS] = { "dhcp.flags", "Bootp flags", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Flag bits; only the broadcast bit is defined." },
  [F_FLAGS_BC] = { "dhcp.flags.bc", "Broadcast flag", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x8000,
    "Set by a client that cannot receive unicast before it has an address: the server must broadcast its reply.",
    "Broadcast", "Unicast", 16 },
  [F_FLAGS_RESERVED] = { "dhcp.flags.reserved", "Reserved flags", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0x7fff,
    "Unused flag bits, zero." },
  [F_IP_CLIENT] = { "dhcp.ip.client", "Client IP address", IOT_FT_IPV4, .blurb =
    "The client's current address, when it already has one (renewing); else 0.0.0.0." },
  [F_IP_YOUR] = { "dhcp.ip.your", "Your (client) IP address", IOT_FT_IPV4, .blurb =
    "The address the server offers or assigns to the client." },
  [F_IP_SERVER] = { "dhcp.ip.server", "Next server IP address", IOT_FT_IPV4, .blurb =
    "Server to use in the next step of booting (e.g. the TFTP server for network boot)." },
  [F_IP_RELAY] = { "dhcp.ip.relay", "Relay agent IP address", IOT_FT_IPV4, .blurb =
    "Address of the relay agent that forwarded the message from another subnet; 0.0.0.0 if none." },
  [F_HW_MAC_ADDR] = { "dhcp.hw.mac_addr", "Client MAC address", IOT_FT_ETHER, .blurb =
    "The client's Ethernet address: how the server recognises the device." },
  [F_HW_ADDR] = { "dhcp.hw.addr", "Client hardware address", IOT_FT_BYTES, .blurb =
    "The client's hardware address when it is not an Ethernet MAC address." },
  [F_HW_ADDR_PADDING] = { "dhcp.hw.addr_padding", "Client hardware address padding", IOT_FT_BYTES, .blurb =
    "Unused rest of the 16-byte hardware-address slot." },
  [F_SERVER] = { "dhcp.server", "Server host name", IOT_FT_STRING, .blurb =
    "Optional name of the server (64-byte slot, usually empty)." },
  [F_FILE] = { "dhcp.file", "Boot file name", IOT_FT_STRING, .blurb =
    "Optional file a network-booting client should load (128-byte slot, usually empty)." },
  [F_COOKIE] = { "dhcp.cookie", "Magic cookie", IOT_FT_IPV4, .blurb =
    "The bytes 99.130.83.99 that mark the start of DHCP options (as opposed to old BOOTP vendor data)." },
  [F_OPTION_TYPE] = { "dhcp.option.type", "Option", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Number of a DHCP option: 53 message type, 50 requested address, 51 lease time, 3 router, 6 DNS …" },
  [F_OPTION_LENGTH] = { "dhcp.option.length", "Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Bytes of option data that follow." },
  [F_OPTION_VALUE] = { "dhcp.option.value", "Value", IOT_FT_BYTES, .blurb =
    "Data of an option this analyzer does not decode." },
  [F_OPTION_PADDING] = { "dhcp.option.padding", "Padding", IOT_FT_BYTES, .blurb =
    "Zero bytes that fill the message after the End option (or align options)." },
  [F_OPTION_END] = { "dhcp.option.end", "Option End", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "The End option (255): no options follow." },
  [F_OPT_SUBNET_MASK] = { "dhcp.option.subnet_mask", "Subnet Mask", IOT_FT_IPV4, IOT_BASE_NETMASK, .blurb =
    "Which part of the address is the network: 255.255.255.0 for a /24." },
  [F_OPT_TIME_OFFSET] = { "dhcp.option.time_offset", "Time Offset", IOT_FT_INT32, IOT_BASE_DEC, NULL, 0,
    "The local time zone as seconds from UTC." },
  [F_OPT_ROUTER] = { "dhcp.option.router", "Router", IOT_FT_IPV4, .blurb =
    "Default gateway: where to send packets for other networks." },
  [F_OPT_TIME_SERVER] = { "dhcp.option.time_server", "Time Server", IOT_FT_IPV4, .blurb =
    "An old-style (RFC 868) time server." },
  [F_OPT_DNS] = { "dhcp.option.domain_name_server", "Domain Name Server", IOT_FT_IPV4, .blurb =
    "A DNS server the client should use to look names up." },
  [F_OPT_HOSTNAME] = { "dhcp.option.hostname", "Host Name", IOT_FT_STRING, .blurb =
    "The device's name, as the client reports it or the server assigns it." },
  [F_OPT_DOMAIN_NAME] = { "dhcp.option.domain_name", "Domain Name", IOT_FT_STRING, .blurb =
    "The local DNS domain, appended to short host names." },
  [F_OPT_INTERFACE_MTU] = { "dhcp.option.interface_mtu", "Interface MTU", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Largest packet the client should send on this link." },
  [F_OPT_BROADCAST] = { "dhcp.option.broadcast_address", "Broadcast Address", IOT_FT_IPV4, .blurb =
    "The subnet's broadcast address." },
  [F_OPT_NTP_SERVER] = { "dhcp.option.ntp_server", "Network Time Protocol Server", IOT_FT_IPV4, .blurb =
    "An NTP server the client can set its clock from." },
  [F_OPT_REQUESTED_IP] = { "dhcp.option.requested_ip_address", "Requested IP Address", IOT_FT_IPV4, .blurb =
    "The address the client asks for (the one offered, or the one it had before)." },
  [F_OPT_LEASE_TIME] = { "dhcp.option.ip_address_lease_time", "IP Address Lease Time", IOT_FT_UINT32,
    IOT_BASE_DEC, NULL, 0, "Seconds the client may keep the address before it must renew." },
  [F_OPT_DHCP] = { "dhcp.option.dhcp", "DHCP", IOT_FT_UINT8, IOT_BASE_DEC, message_type_names, 0,
    "The DHCP message type: 1 Discover, 2 Offer, 3 Request, 5 ACK, 6 NAK, 7 Release …" },
  [F_OPT_SERVER_ID] = { "dhcp.option.dhcp_server_id", "DHCP Server Identifier", IOT_FT_IPV4, .blurb =
    "Address of the server that made the offer; a Request names the server it accepts." },
  [F_OPT_REQUEST_LIST_ITEM] = { "dhcp.option.request_list_item", "Parameter Request List Item", IOT_FT_UINT8,
    IOT_BASE_DEC, option_names, 0, "One option number the client would like the server to send." },
  [F_OPT_MESSAGE] = { "dhcp.option.message", "Message", IOT_FT_STRING, .blurb =
    "Text explaining an error, e.g. why a server sent NAK." },
  [F_OPT_MAX_MESSAGE_SIZE] = { "dhcp.option.dhcp_max_message_size", "Maximum DHCP Message Size", IOT_FT_UINT16,
    IOT_BASE_DEC, NULL, 0, "Largest DHCP message the client can receive." },
  [F_OPT_RENEWAL_TIME] = { "dhcp.option.renewal_time_value", "Renewal Time Value", IOT_FT_UINT32, IOT_BASE_DEC,
    NULL, 0, "Seconds until the client should ask its server to extend the lease (T1)." },
  [F_OPT_REBINDING_TIME] = { "dhcp.option.rebinding_time_value", "Rebinding Time Value", IOT_FT_UINT32,
    IOT_BASE_DEC, NULL, 0, "Seconds until the client asks any server to extend the lease (T2)." },
  [F_OPT_VENDOR_CLASS_ID] = { "dhcp.option.vendor_class_id", "Vendor class identifier", IOT_FT_STRING, .blurb =
    "Text naming the kind of device or software (e.g. \"android-dhcp-13\"), so servers can treat them differently." },
};

/* "1 hour, 15 minutes" for a number of seconds. */
static void
append_duration (GString *out, guint32 secs)
{
  static const struct { guint32 size; const char *unit; } units[] = {
    { 86400, "day" }, { 3600, "hour" }, { 60, "minute" }, { 1, "second" },
  };
  gboolean any = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      guint32 n = secs / units[i].size;

      secs %= units[i].size;
      if (n == 0)
        continue;
      g_string_append_printf (out, "%s%u %s%s", any ? ", " : "", n, units[i].unit, n == 1 ? "" : "s");
      any = TRUE;
    }
  if (!any)
    g_string_append (out, "0 seconds");
}

static void
add_seconds (IotPacket *pkt, int tree, IotBuf *buf, guint off, int field)
{
  guint32 secs = iot_buf_u32 (buf, off);
  int node = iot_tree_add_item (pkt, tree, &dhcp_fields[field], buf, off, 4, FALSE);
  GString *label = g_string_new (NULL);

  if (secs == 0xffffffffu)
    g_string_append_printf (label, "%s: (%us) infinity", dhcp_fields[field].name, secs);
  else
    {
      g_string_append_printf (label, "%s: (%us) ", dhcp_fields[field].name, secs);
      append_duration (label, secs);
    }
  iot_tree_set_label (pkt, node, "%s", label->str);
  g_string_free (label, TRUE);
}

/* A NUL-padded text slot (sname, file) or option text: up to the first NUL. */
static int
add_text (IotPacket *pkt, int tree, IotBuf *buf, guint off, guint len, int field)
{
  const guint8 *p = iot_buf_ptr (buf, off, len);
  const guint8 *nul = memchr (p, 0, len);

  return iot_tree_add_string (pkt, tree, &dhcp_fields[field], buf, off, len, (const char *) p,
                              nul ? nul - p : (gssize) len);
}

static void
add_ipv4_list (IotPacket *pkt, int tree, IotBuf *buf, guint off, guint len, int field)
{
  for (guint i = 0; i + 4 <= len; i += 4)
    iot_tree_add_ipv4 (pkt, tree, &dhcp_fields[field], buf, off + i, iot_buf_ptr (buf, off + i, 4));
}

/* A client MAC address read (dhcp.hw.mac_addr): the record keeps the last. */
static void
note_mac (IotTapLan *rec, const guint8 *mac)
{
  if (rec == NULL)
    return;
  memcpy (rec->dhcp_mac, mac, 6);
  rec->dhcp_has_mac = TRUE;
}

/* Whether dissect_option_value() shows fields for this option. */
static gboolean
option_is_decoded (IotBuf *buf, guint off, guint8 code, guint8 len)
{
  switch (code)
    {
    case OPT_SUBNET_MASK:
    case OPT_BROADCAST:
    case OPT_REQUESTED_IP:
    case OPT_SERVER_ID:
    case OPT_TIME_OFFSET:
    case OPT_LEASE_TIME:
    case OPT_RENEWAL_TIME:
    case OPT_REBINDING_TIME:
      return len == 4;
    case OPT_INTERFACE_MTU:
    case OPT_MAX_MESSAGE_SIZE:
      return len == 2;
    case OPT_MESSAGE_TYPE:
      return len == 1;
    case OPT_CLIENT_ID:
      return len == 7 && iot_buf_u8 (buf, off) == 1;
    case OPT_ROUTER:
    case OPT_TIME_SERVER:
    case OPT_DNS:
    case OPT_NTP_SERVERS:
    case OPT_HOSTNAME:
    case OPT_DOMAIN_NAME:
    case OPT_MESSAGE:
    case OPT_VENDOR_CLASS_ID:
    case OPT_REQUEST_LIST:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Adds the decoded value of option @code; returns text to append to the
 * option's row (e.g. the single address), or NULL. */
static const char *
dissect_option_value (IotPacket *pkt, int tree, IotBuf *buf, guint off, guint8 code, guint8 len,
                      guint8 *message_type, IotTapLan *rec)
{
  int node;

  switch (code)
    {
    case OPT_SUBNET_MASK:
    case OPT_BROADCAST:
    case OPT_REQUESTED_IP:
    case OPT_SERVER_ID:
      if (len != 4)
        break;
      {
        const guint8 *a = iot_buf_ptr (buf, off, 4);
        int field = code == OPT_SUBNET_MASK ? F_OPT_SUBNET_MASK : code == OPT_BROADCAST ? F_OPT_BROADCAST
                  : code == OPT_REQUESTED_IP ? F_OPT_REQUESTED_IP : F_OPT_SERVER_ID;

        if (code == OPT_REQUESTED_IP && rec != NULL)
          {
            memcpy (rec->dhcp_requested, a, 4);
            rec->dhcp_has_requested = TRUE;
          }
        iot_tree_add_ipv4 (pkt, tree, &dhcp_fields[field], buf, off, a);
        return iot_packet_strdup_printf (pkt, " (%u.%u.%u.%u)", a[0], a[1], a[2], a[3]);
      }
    case OPT_ROUTER:
      add_ipv4_list (pkt, tree, buf, off, len, F_OPT_ROUTER);
      return NULL;
    case OPT_TIME_SERVER:
      add_ipv4_list (pkt, tree, buf, off, len, F_OPT_TIME_SERVER);
      return NULL;
    case OPT_DNS:
      add_ipv4_list (pkt, tree, buf, off, len, F_OPT_DNS);
      return NULL;
    case OPT_NTP_SERVERS:
      add_ipv4_list (pkt, tree, buf, off, len, F_OPT_NTP_SERVER);
      return NULL;
    case OPT_TIME_OFFSET:
      if (len != 4)
        break;
      iot_tree_add_int (pkt, tree, &dhcp_fields[F_OPT_TIME_OFFSET], buf, off, 4, (gint32) iot_buf_u32 (buf, off));
      return NULL;
    case OPT_HOSTNAME:
      add_text (pkt, tree, buf, off, len, F_OPT_HOSTNAME);
      return NULL;
    case OPT_DOMAIN_NAME:
      add_text (pkt, tree, buf, off, len, F_OPT_DOMAIN_NAME);
      return NULL;
    case OPT_MESSAGE:
      add_text (pkt, tree, buf, off, len, F_OPT_MESSAGE);
      return NULL;
    case OPT_VENDOR_CLASS_ID:
      add_text (pkt, tree, buf, off, len, F_OPT_VENDOR_CLASS_ID);
      return NULL;
    case OPT_INTERFACE_MTU:
    case OPT_MAX_MESSAGE_SIZE:
      if (len != 2)
        break;
      iot_tree_add_item (pkt, tree, &dhcp_fields[code == OPT_INTERFACE_MTU ? F_OPT_INTERFACE_MTU
                                                                           : F_OPT_MAX_MESSAGE_SIZE],
                         buf, off, 2, FALSE);
      return NULL;
    case OPT_LEASE_TIME:
    case OPT_RENEWAL_TIME:
    case OPT_REBINDING_TIME:
      if (len != 4)
        break;
      add_seconds (pkt, tree, buf, off, code == OPT_LEASE_TIME ? F_OPT_LEASE_TIME
                                        : code == OPT_RENEWAL_TIME ? F_OPT_RENEWAL_TIME : F_OPT_REBINDING_TIME);
      return NULL;
    case OPT_MESSAGE_TYPE:
      if (len != 1)
        break;
      *message_type = iot_buf_u8 (buf, off);
      if (rec != NULL)
        rec->dhcp_type = *message_type;
      iot_tree_add_item (pkt, tree, &dhcp_fields[F_OPT_DHCP], buf, off, 1, FALSE);
      {
        const char *name = iot_value_name (message_type_names, *message_type);

        return iot_packet_strdup_printf (pkt, " (%s)", name ? name : "Unknown");
      }
    case OPT_REQUEST_LIST:
      for (guint i = 0; i < len; i++)
        {
          guint8 item = iot_buf_u8 (buf, off + i);
          const char *name = iot_value_name (option_names, item);

          node = iot_tree_add_item (pkt, tree, &dhcp_fields[F_OPT_REQUEST_LIST_ITEM], buf, off + i, 1, FALSE);
          iot_tree_set_label (pkt, node, "Parameter Request List Item: (%u) %s", item, name ? name : "Unknown");
        }
      return NULL;
    case OPT_CLIENT_ID:
      /* Type 1 (Ethernet) followed by a MAC address is by far the most common. */
      if (len == 7 && iot_buf_u8 (buf, off) == 1)
        {
          const guint8 *mac = iot_buf_ptr (buf, off + 1, 6);

          iot_tree_add_item (pkt, tree, &dhcp_fields[F_HW_TYPE], buf, off, 1, FALSE);
          note_mac (rec, mac);
          iot_tree_add_ether (pkt, tree, &dhcp_fields[F_HW_MAC_ADDR], buf, off + 1, mac);
          return NULL;
        }
      break;
    default:
      break;
    }
  return NULL;
}

/* Protocol, Info and tree row once the DHCP message type is known. */
static void
set_summary (IotPacket *pkt, int tree, guint8 message_type, guint32 xid)
{
  const char *name = iot_value_name (message_type_names, message_type);

  if (name == NULL)
    name = iot_packet_strdup_printf (pkt, "Unknown Message Type (0x%02x)", message_type);
  iot_col_set_protocol (pkt, "DHCP");
  iot_col_set_info (pkt, iot_packet_strdup_printf (pkt, "DHCP %-8s - Transaction ID 0x%x", name, xid));
  iot_tree_set_label (pkt, tree, "Dynamic Host Configuration Protocol (%s)", name);
}

/* Walks the options after the cookie; returns the DHCP message type (0 if
 * none was found). */
static guint8
dissect_options (IotPacket *pkt, int tree, IotBuf *buf, guint off, guint32 xid, IotTapLan *rec)
{
  guint8 message_type = 0;

  while (iot_buf_reported_remaining (buf, off) > 0)
    {
      guint8 code = iot_buf_u8 (buf, off), len;
      const char *name = iot_value_name (option_names, code), *extra;
      int opt;

      if (code == OPT_END)
        {
          /* Wireshark files the End row under option number 0. */
          opt = iot_tree_add_uint (pkt, tree, &dhcp_fields[F_OPTION_TYPE], buf, off, 1, 0);
          iot_tree_set_label (pkt, opt, "Option: (255) End");
          iot_tree_add_item (pkt, opt, &dhcp_fields[F_OPTION_END], buf, off, 1, FALSE);
          off++;
          if (iot_buf_reported_remaining (buf, off) > 0)
            iot_tree_add_item (pkt, tree, &dhcp_fields[F_OPTION_PADDING], buf, off,
                               iot_buf_remaining (buf, off), FALSE);
          return message_type;
        }
      if (code == OPT_PAD)
        {
          opt = iot_tree_add_item (pkt, tree, &dhcp_fields[F_OPTION_TYPE], buf, off, 1, FALSE);
          iot_tree_set_label (pkt, opt, "Option: (0) Padding");
          off++;
          continue;
        }
      len = iot_buf_u8 (buf, off + 1);
      opt = iot_tree_add_item (pkt, tree, &dhcp_fields[F_OPTION_TYPE], buf, off, 1, FALSE);
      iot_tree_set_length (pkt, opt, 2 + len);
      iot_tree_add_item (pkt, opt, &dhcp_fields[F_OPTION_LENGTH], buf, off + 1, 1, FALSE);
      if (iot_buf_reported_remaining (buf, off + 2) < len)
        {
          iot_tree_set_label (pkt, opt, "Option: (%u) %s", code, name ? name : "Unknown");
          iot_expert_add_info (pkt, opt, &dhcp_experts[E_OPTION_LENGTH], "Option length %u runs past the end of the message", len);
          iot_malformed (pkt, "DHCP option length");
        }
      /* Every option's raw data is filterable as dhcp.option.value;
       * options decoded below show their fields instead. */
      if (len > 0)
        {
          int raw = iot_tree_add_item (pkt, opt, &dhcp_fields[F_OPTION_VALUE], buf, off + 2, len, FALSE);

          if (option_is_decoded (buf, off + 2, code, len))
            iot_tree_set_hidden (pkt, raw);
        }
      extra = dissect_option_value (pkt, opt, buf, off + 2, code, len, &message_type, rec);
      iot_tree_set_label (pkt, opt, "Option: (%u) %s%s", code, name ? name : "Unknown", extra ? extra : "");
      if (code == OPT_MESSAGE_TYPE && message_type != 0)
        set_summary (pkt, tree, message_type, xid);
      off += 2 + len;
    }
  iot_expert_add_info (pkt, tree, &dhcp_experts[E_END_MISSING], "The options do not end with an End option");
  return message_type;
}

/* The message's record, queued where its layer starts and filled in as
 * the values are read. */
static IotTapLan *
open_record (IotPacket *pkt, guint8 op, guint32 xid)
{
  IotTapLan rec = { 0 };

  if (!iot_tap_wanted (pkt, IOT_TAP_LAN))
    return NULL;
  rec.kind = IOT_TAP_LAN_DHCP;
  rec.in_error = iot_packet_in_error (pkt);
  rec.dhcp_op = op;
  rec.dhcp_xid = xid;
  rec.dhcp_type = -1;
  rec.ntp_stratum = -1;
  return iot_tap_queue_open (pkt, IOT_TAP_LAN, &rec);
}

static int
dissect_dhcp (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint8 op = iot_buf_u8 (buf, 0), hw_type = iot_buf_u8 (buf, 1), hw_len = iot_buf_u8 (buf, 2);
  guint32 xid = iot_buf_u32 (buf, 4);
  guint16 flags;
  guint8 message_type = 0;
  IotTapLan *rec;
  int tree, node;

  iot_col_set_protocol (pkt, "BOOTP");
  iot_col_printf_info (pkt, "%s", op == 1 ? "Boot Request" : "Boot Reply");
  rec = open_record (pkt, op, xid);
  tree = iot_tree_add_protocol (pkt, parent, &dhcp_fields[F_PROTO], buf, 0, -1);
  node = iot_tree_add_item (pkt, tree, &dhcp_fields[F_TYPE], buf, 0, 1, FALSE);
  iot_tree_add_item (pkt, tree, &dhcp_fields[F_HW_TYPE], buf, 1, 1, FALSE);
  iot_tree_add_item (pkt, tree, &dhcp_fields[F_HW_LEN], buf, 2, 1, FALSE);
  iot_tree_add_item (pkt, tree, &dhcp_fields[F_HOPS], buf, 3, 1, FALSE);
  iot_tree_add_item (pkt, tree, &dhcp_fields[F_ID], buf, 4, 4, FALSE);
  iot_tree_add_item (pkt, tree, &dhcp_fields[F_SECS], buf, 8, 2, FALSE);
  flags = iot_buf_u16 (buf, 10);
  node = iot_tree_add_item (pkt, tree, &dhcp_fields[F_FLAGS], buf, 10, 2, FALSE);
  iot_tree_append_label (pkt, node, " (%s)", flags & 0x8000 ? "Broadcast" : "Unicast");
  iot_tree_add_item (pkt, node, &dhcp_fields[F_FLAGS_BC], buf, 10, 2, FALSE);
  iot_tree_add_item (pkt, node, &dhcp_fields[F_FLAGS_RESERVED], buf, 10, 2, FALSE);
  iot_tree_add_item (pkt, tree, &dhcp_fields[F_IP_CLIENT], buf, 12, 4, FALSE);
  /* The tree has the row when the bytes up to its end were there. */
  if (rec != NULL && iot_buf_has (buf, 16, 4))
    {
      memcpy (rec->dhcp_your, buf->data + 16, 4);
      rec->dhcp_has_your = TRUE;
    }
  iot_tree_add_item (pkt, tree, &dhcp_fields[F_IP_YOUR], buf, 16, 4, FALSE);
  iot_tree_add_item (pkt, tree, &dhcp_fields[F_IP_SERVER], buf, 20, 4, FALSE);
  iot_tree_add_item (pkt, tree, &dhcp_fields[F_IP_RELAY], buf, 24, 4, FALSE);

  /* chaddr: a 16-byte slot holding hw_len bytes of address. */
  if (hw_type == 1 && hw_len == 6)
    {
      const guint8 *mac = iot_buf_ptr (buf, 28, 6);

      note_mac (rec, mac);
      iot_tree_add_ether (pkt, tree, &dhcp_fields[F_HW_MAC_ADDR], buf, 28, mac);
    }
  else if (hw_len > 0)
    iot_tree_add_item (pkt, tree, &dhcp_fields[F_HW_ADDR], buf, 28, MIN (hw_len, 16), FALSE);
  if (hw_len < 16)
    iot_tree_add_item (pkt, tree, &dhcp_fields[F_HW_ADDR_PADDING], buf, 28 + hw_len, 16 - hw_len, FALSE);

  node = add_text (pkt, tree, buf, 44, 64, F_SERVER);
  if (iot_buf_u8 (buf, 44) == 0)
    iot_tree_set_label (pkt, node, "Server host name not given");
  node = add_text (pkt, tree, buf, 108, 128, F_FILE);
  if (iot_buf_u8 (buf, 108) == 0)
    iot_tree_set_label (pkt, node, "Boot file name not given");

  if (iot_buf_reported_remaining (buf, FIXED_LEN) >= 4 && iot_buf_u32 (buf, FIXED_LEN) == MAGIC_COOKIE)
    {
      node = iot_tree_add_item (pkt, tree, &dhcp_fields[F_COOKIE], buf, FIXED_LEN, 4, FALSE);
      iot_tree_set_label (pkt, node, "Magic cookie: DHCP");
      message_type = dissect_options (pkt, tree, buf, FIXED_LEN + 4, xid, rec);
    }
  else if (iot_buf_reported_remaining (buf, FIXED_LEN) > 0)
    iot_tree_add_text (pkt, tree, buf, FIXED_LEN, iot_buf_remaining (buf, FIXED_LEN),
                       "Bootp vendor specific options");

  if (message_type == 0)
    iot_tree_set_label (pkt, tree, "Bootstrap Protocol (%s)", op == 1 ? "Request" : "Reply");
  return buf->reported;
}

IotDissector iot_dissector_dhcp = {
  .name = "DHCP",
  .abbrev = "dhcp",
  .long_name = "Dynamic Host Configuration Protocol",
  .fields = dhcp_fields,
  .n_fields = N_FIELDS,
  .experts = dhcp_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_dhcp,
  .handoff = { { "udp.port", 67 }, { "udp.port", 68 } },
};
