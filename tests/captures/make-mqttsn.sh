#!/usr/bin/env bash
# make-mqttsn.sh -- mqttsn.pcap: MQTT-SN v1.2 over UDP on loopback between
# a client, a gateway and a forwarder (mqttsn_peers.py): every message type,
# the three-octet length form, normal/predefined/short topic ids, QoS -1
# and an encapsulated message.  MQTT-SN has no registered port: both tools
# read it with -d udp.port==20210,mqttsn (mqttsn.opts).
#
# Run as root on Debian 12:   sudo bash tests/captures/make-mqttsn.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
GW_PORT=20210
CLIENT_PORT=20211
FORWARDER_PORT=20212

. "$HERE/lib.sh"

for p in $GW_PORT $CLIENT_PORT $FORWARDER_PORT; do port_free udp "$p"; done
cap_start "${TCPDUMP[@]}" -i lo -s 0 -w "$WORK/mqttsn.pcap" \
    "udp and (port $GW_PORT or port $CLIENT_PORT or port $FORWARDER_PORT)"
/usr/bin/python3 "$HERE/mqttsn_peers.py" $GW_PORT $CLIENT_PORT $FORWARDER_PORT
cap_stop
cp "$WORK/mqttsn.pcap" "$OUT/mqttsn.pcap"
log "wrote $OUT/mqttsn.pcap ($(capinfos -c -M "$OUT/mqttsn.pcap" | awk '/Number of packets/ {print $NF}') frames)"
