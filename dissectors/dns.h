/* dns.h — the DNS message parser, shared by DNS (dns.c) and multicast DNS
 * (mdns.c).  Both protocols carry the same message format and Wireshark
 * shows both with the dns.* fields, which only dns.c registers. */
#pragma once

#include "iot-dissector.h"

G_BEGIN_DECLS

extern IotDissector iot_dissector_dns;

/* Dissects one DNS message filling @buf under a new row of @proto_field
 * ("dns" or "mdns"); @is_mdns turns on the multicast meanings of the class
 * top bit (unicast-response question, cache-flush record).  Sets the Info
 * column.  Returns the bytes of the message. */
int iot_dns_dissect_message (IotPacket *pkt, IotBuf *buf, int parent,
                             const IotField *proto_field, gboolean is_mdns);

G_END_DECLS
