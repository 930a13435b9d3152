#!/usr/bin/env bash
# make-radio-154.sh -- IEEE 802.15.4 sniffer captures for dissectors/wpan.c,
# wpan_tap.c, wpan_nonask.c, zep.c and lowpan.c; see README.md, section
# "Low-power radio".
#
# There is no radio on the capture machine, so:
#   * the four sniffer link types (195 WITHFCS, 215 NONASK_PHY, 230 NOFCS,
#     283 TAP) are written byte by byte by radio_154.py (standard library
#     only, every frame built from the 802.15.4 frame formats, FCS computed),
#     and so are lowpan-coap.pcap (CoAP over 6LoWPAN: IPHC, NHC, mesh
#     header, fragments) and zigbee.pcap (Zigbee PRO NWK/APS/ZCL between a
#     coordinator and a light), since no such stack runs without a radio;
#   * zigbee-join.pcap, zigbee-nwkkey.pcap and zigbee-zdp.pcap are written
#     by zigbee_sec_gen.py (Debian's python3-cryptography for AES-CCM* and
#     the MMO hash): a join whose network key travels under the default
#     trust-centre link key, NWK-encrypted traffic under a key given in
#     zigbee-nwkkey.opts, and ZDP/ZCL cluster exchanges in the clear; and
#     thread-mle.pcap, Thread MLE over 6LoWPAN (one message in the clear,
#     the others encrypted with the second half of the Thread hash of
#     network key 00112233445566778899aabbccddeeff, which is the MAC key, not
#     the MLE key: no key given to either tool opens them);
#   * thread-sec.pcap is written by thread_sec_gen.py (python3-cryptography
#     for AES-CCM*): a Thread child attaching with encrypted MLE and then
#     MAC-encrypted 6LoWPAN/CoAP frames, keys derived from the network key
#     in thread-sec.opts;
#   * zep.pcap is real kernel traffic: radio_154.py --zep sends ZEP v1/v2
#     datagrams (the way a border router or a sniffer bridge forwards radio
#     frames) from namespace radio-154-a to radio-154-b over a veth pair,
#     captured with tcpdump on the veth.
#
# Run as root on Debian 12:   sudo bash tests/captures/make-radio-154.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
ZEP_PORT=17754
NS_A=radio-154-a
NS_B=radio-154-b

. "$HERE/lib.sh"

python3 "$HERE/radio_154.py" "$WORK"
/usr/bin/python3 "$HERE/zigbee_sec_gen.py" "$WORK"
/usr/bin/python3 "$HERE/thread_sec_gen.py" "$WORK"

ip netns add "$NS_A"; NAMESPACES+=("$NS_A")
ip netns add "$NS_B"; NAMESPACES+=("$NS_B")
ip link add r154-veth-a netns "$NS_A" type veth peer name r154-veth-b netns "$NS_B"
ip -n "$NS_A" link set r154-veth-a address 02:99:54:00:00:0a
ip -n "$NS_B" link set r154-veth-b address 02:99:54:00:00:0b
ip -n "$NS_A" addr add 10.154.0.1/24 dev r154-veth-a
ip -n "$NS_B" addr add 10.154.0.2/24 dev r154-veth-b
for ns in "$NS_A" "$NS_B"; do
    ip -n "$ns" link set lo up
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
ip -n "$NS_A" link set r154-veth-a up
ip -n "$NS_B" link set r154-veth-b up
# Static neighbours: the capture holds the datagrams only, no ARP.
ip -n "$NS_A" neigh add 10.154.0.2 lladdr 02:99:54:00:00:0b dev r154-veth-a
ip -n "$NS_B" neigh add 10.154.0.1 lladdr 02:99:54:00:00:0a dev r154-veth-b

# A receiver, so that no ICMP port-unreachable answers the datagrams.
bg zep-sink ip netns exec "$NS_B" python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('10.154.0.2', $ZEP_PORT))
while True:
    s.recv(2048)
"
wait_listen udp "$ZEP_PORT" "$NS_B"

cap_start ip netns exec "$NS_A" "${TCPDUMP[@]}" -i r154-veth-a -w "$WORK/zep.pcap" "udp port $ZEP_PORT"
ip netns exec "$NS_A" python3 "$HERE/radio_154.py" --zep 10.154.0.2 "$ZEP_PORT"
cap_stop

# Checks before anything is copied into place.
for f in wpan-fcs wpan-nonask wpan-nofcs wpan-tap zep; do
    n=$(tshark -r "$WORK/$f.pcap" -Y wpan 2>/dev/null | wc -l)
    [ "$n" -ge 12 ] || die "$f.pcap: only $n 802.15.4 frames"
done
[ "$(tshark -r "$WORK/wpan-fcs.pcap" -Y 'wpan.fcs_ok == 0' 2>/dev/null | wc -l)" = 1 ] \
    || die "wpan-fcs.pcap: expected exactly one bad FCS"
[ "$(tshark -r "$WORK/zep.pcap" -Y 'zep.version == 1' 2>/dev/null | wc -l)" -ge 3 ] \
    || die "zep.pcap: ZEP v1 datagrams missing"
[ "$(tshark -2 -r "$WORK/lowpan-coap.pcap" -Y 'coap' 2>/dev/null | wc -l)" -ge 10 ] \
    || die "lowpan-coap.pcap: CoAP over 6LoWPAN not decoded"
[ "$(tshark -2 -r "$WORK/lowpan-coap.pcap" -Y '6lowpan.reassembled.length' 2>/dev/null | wc -l)" = 1 ] \
    || die "lowpan-coap.pcap: the fragmented datagram was not reassembled"

[ "$(tshark -2 -r "$WORK/zigbee.pcap" -Y 'zbee_zcl' 2>/dev/null | wc -l)" -ge 12 ] \
    || die "zigbee.pcap: ZCL not decoded"

# tshark must decrypt what iotscope decrypts, with the keys of the .opts files.
[ "$(tshark -2 -o 'uat:zigbee_pc_keys:"5A6967426565416C6C69616E63653039","Normal","ZigBeeAlliance09"' \
    -r "$WORK/zigbee-join.pcap" -Y 'zbee.sec.key.origin == 9' 2>/dev/null | wc -l)" -ge 20 ] \
    || die "zigbee-join.pcap: the network key from the Transport-Key does not decrypt the NWK frames"
[ "$(tshark -2 -o 'uat:zigbee_pc_keys:"c0c1c2c3c4c5c6c7c8c9cacbcccdcecf","Normal","lab network"' \
    -r "$WORK/zigbee-nwkkey.pcap" -Y 'zbee_zcl' 2>/dev/null | wc -l)" = 4 ] \
    || die "zigbee-nwkkey.pcap: expected four decrypted ZCL frames"
[ "$(tshark -2 -r "$WORK/zigbee-zdp.pcap" -Y 'zbee_zdp' 2>/dev/null | wc -l)" -ge 25 ] \
    || die "zigbee-zdp.pcap: ZDP not decoded"
[ "$(tshark -2 -r "$WORK/thread-mle.pcap" -Y 'mle' 2>/dev/null | wc -l)" = 8 ] \
    || die "thread-mle.pcap: MLE not decoded"
THREAD_KEY='uat:ieee802154_keys:"000102030405060708090a0b0c0d0e0f","1","Thread hash"'
[ "$(tshark -2 -o "$THREAD_KEY" -r "$WORK/thread-sec.pcap" -Y 'mle.cmd' 2>/dev/null | wc -l)" = 11 ] \
    || die "thread-sec.pcap: expected eleven decrypted MLE messages"
[ "$(tshark -2 -o "$THREAD_KEY" -d udp.port==61631,coap -r "$WORK/thread-sec.pcap" -Y 'wpan.security && coap' 2>/dev/null | wc -l)" = 2 ] \
    || die "thread-sec.pcap: expected two MAC-decrypted CoAP frames"

for f in wpan-fcs wpan-nonask wpan-nofcs wpan-tap zep lowpan-coap zigbee zigbee-join zigbee-nwkkey zigbee-zdp thread-mle thread-sec; do
    cp "$WORK/$f.pcap" "$OUT/$f.pcap"
done
log "done: wpan-fcs.pcap wpan-nonask.pcap wpan-nofcs.pcap wpan-tap.pcap zep.pcap lowpan-coap.pcap zigbee.pcap zigbee-join.pcap zigbee-nwkkey.pcap zigbee-zdp.pcap thread-mle.pcap thread-sec.pcap"
