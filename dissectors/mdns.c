/* mdns.c — multicast DNS (RFC 6762): devices on one link answer each
 * other's name questions without a server, and announce the services they
 * offer (DNS-SD, RFC 6763).  The message is plain DNS, parsed by dns.c and
 * shown with the dns.* fields, as Wireshark does. */
#include "dns.h"

enum {
  F_PROTO,
  N_FIELDS
};

static IotField mdns_fields[N_FIELDS] = {
  [F_PROTO] = { "mdns", "Multicast Domain Name System", IOT_FT_PROTOCOL, .blurb =
    "DNS without a server: questions and answers multicast to 224.0.0.251 / ff02::fb port 5353, "
    "how printers, speakers and sensors find each other on a local network." },
};

static int
dissect_mdns (IotPacket *pkt, IotBuf *buf, int parent)
{
  iot_col_set_protocol (pkt, "MDNS");
  return iot_dns_dissect_message (pkt, buf, parent, &mdns_fields[F_PROTO], TRUE);
}

IotDissector iot_dissector_mdns = {
  .name = "MDNS",
  .abbrev = "mdns",
  .long_name = "Multicast Domain Name System",
  .fields = mdns_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_mdns,
  .handoff = { { "udp.port", 5353 } },
};
