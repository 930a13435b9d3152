/* ip.h — what the IPv4 dissector shares with IPv6 and ICMP. */
#pragma once

#include "iot-dissector.h"

/* DSCP, ECN and IP protocol numbers (IPv6's next header uses the same). */
extern const IotValueName iot_ip_dscp_names[];
extern const IotValueName iot_ip_dscp_short_names[];
extern const IotValueName iot_ip_ecn_names[];
extern const IotValueName iot_ip_ecn_short_names[];
extern const IotValueName iot_ip_proto_names[];

/* ip.version, which IPv6 also fills (as Wireshark does). */
const IotField *iot_ip_version_field (void);
/* TTL / hop limit of the header around the current message (ICMP Info). */
guint8 iot_ip_current_ttl (IotPacket *pkt);
guint8 iot_ipv6_current_hop_limit (IotPacket *pkt);
