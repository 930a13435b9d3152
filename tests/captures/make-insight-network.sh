#!/usr/bin/env bash
# make-insight-network.sh -- a device that cannot join the network, for the
# insight rules in src/analysis/iot-insight-network.c.  Run as root:
#
#     sudo bash tests/captures/make-insight-network.sh
#
# Writes network-join.pcap into ${CAPTURES_OUT:-this folder}.  Two
# throw-away namespaces joined by a veth pair (deleted on exit); captured on
# the device's side (vethA of iotscope-join-a):
#  1. udhcpc on the device while no DHCP server runs: DISCOVERs that nobody
#     answers (it gives up after 4);
#  2. dnsmasq starts on the other side (authoritative for 10.97.0.0/24); the
#     device, back from another network, asks in INIT-REBOOT to keep
#     10.42.0.17 (dhcp_request.py) and gets a NAK;
#  3. udhcpc again: DISCOVER, OFFER, REQUEST, ACK;
#  4. with its address, the device pings its gateway 10.97.0.1 (answered)
#     and the broker it was configured with, 10.97.0.77, which does not
#     exist: ARP requests that nobody answers.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
NS_A=iotscope-join-a
NS_B=iotscope-join-b

. "$HERE/lib.sh"
command -v udhcpc >/dev/null || apt-get install -y udhcpc
command -v dnsmasq >/dev/null || apt-get install -y dnsmasq-base

for ns in "$NS_A" "$NS_B"; do
    loopback_namespace "$ns"
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
ip -n "$NS_A" link add vethA address 02:97:00:00:00:0a type veth \
    peer name vethB address 02:97:00:00:00:0b netns "$NS_B"
ip -n "$NS_B" addr add 10.97.0.1/24 dev vethB
ip -n "$NS_A" link set vethA up
ip -n "$NS_B" link set vethB up
A=(ip netns exec "$NS_A")
B=(ip netns exec "$NS_B")

cap_start "${A[@]}" "${TCPDUMP[@]}" -i vethA -w "$WORK/network-join.pcap" "arp or icmp or udp port 67 or udp port 68"

# 1. no server yet
"${A[@]}" udhcpc -i vethA -f -q -n -t 4 -T 1 -s /bin/true -x hostname:iot-meter7 >"$WORK/udhcpc-1.log" 2>&1 \
    && die "udhcpc got an address without a server"

# 2. the server, and a device asking for an address of another network
bg dnsmasq "${B[@]}" dnsmasq -k --conf-file=/dev/null --pid-file= --user=root \
    --port=0 --interface=vethB --bind-interfaces \
    --dhcp-range=10.97.0.50,10.97.0.99,255.255.255.0,1h \
    --dhcp-option=option:router,10.97.0.1 \
    --dhcp-leasefile="$WORK/dnsmasq.leases" --dhcp-authoritative --no-ping
wait_listen udp 67 "$NS_B"
"${A[@]}" python3 "$HERE/dhcp_request.py" vethA 02:97:00:00:00:0a 10.42.0.17 >"$WORK/request.log" 2>&1
grep -q "answer received" "$WORK/request.log" || die "no answer to the INIT-REBOOT request"

# 3. a normal lease
"${A[@]}" udhcpc -i vethA -f -q -n -t 4 -T 1 -s /bin/true -x hostname:iot-meter7 >"$WORK/udhcpc-2.log" 2>&1 \
    || die "udhcpc got no address"
lease=$(awk '{print $3}' "$WORK/dnsmasq.leases" | head -n 1)
[ -n "$lease" ] || die "no lease written"
ip -n "$NS_A" addr add "$lease/24" dev vethA

# 4. the gateway answers, the configured broker does not exist
"${A[@]}" ping -c 2 -i 0.2 -W 1 10.97.0.1 >/dev/null
"${A[@]}" ping -c 3 -i 1 -W 1 10.97.0.77 >/dev/null 2>&1 || true
sleep 1
cap_stop

expect() {   # expect FILTER MIN: at least MIN frames match
    local n
    n=$(tshark -r "$WORK/network-join.pcap" -Y "$1" 2>/dev/null | wc -l)
    [ "$n" -ge "$2" ] || die "network-join.pcap: $n frames match '$1', expected at least $2"
}
expect "dhcp.option.dhcp == 1" 5
expect "dhcp.option.dhcp == 6" 1
expect "dhcp.option.dhcp == 5" 1
expect "arp.opcode == 1 && arp.dst.proto_ipv4 == 10.97.0.77" 3
cp "$WORK/network-join.pcap" "$OUT/network-join.pcap"
log "network-join.pcap: $(tshark -r "$OUT/network-join.pcap" 2>/dev/null | wc -l) frames"
