#!/usr/bin/env bash
# make-mac-names.sh -- real ARP, ICMP and IPv6 neighbour discovery between
# hosts whose hardware addresses belong to makers IoT users meet (Espressif,
# Raspberry Pi, Philips Lighting) and to IEEE's longer MA-M/MA-S blocks, for
# name resolution (-N m: eth.*_resolved, resolved labels and columns).  Run
# as root:
#
#     sudo bash tests/captures/make-mac-names.sh
#
# Writes mac-names.pcap into ${CAPTURES_OUT:-this folder}.  A bridge in one
# throw-away namespace joins four others (deleted on exit), each with a veth
# given a maker's address; captured on the bridge so every frame is seen:
#  1. each host pings the next (ARP who-has / is-at, ICMP echo, IPv6 ND and
#     multicast to 33:33:…);
#  2. gratuitous ARP requests and replies (to ff:ff:ff:ff:ff:ff);
#  3. the Raspberry Pi pings the IPv4 all-hosts group (01:00:5e:…).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
BR=iotscope-mac-br

. "$HERE/lib.sh"

# name, hardware address, IPv4 address
HOSTS=(
  "esp32  24:0a:c4:12:34:56 10.98.0.11"
  "rpi    dc:a6:32:0a:0b:0c 10.98.0.12"
  "hue    00:17:88:61:62:63 10.98.0.13"
  "mam    00:1b:c5:00:1f:05 10.98.0.14"
)

loopback_namespace "$BR"
ip -n "$BR" link add br0 type bridge
ip -n "$BR" link set br0 up
for entry in "${HOSTS[@]}"; do
  read -r name mac addr <<<"$entry"
  ns=iotscope-mac-$name
  loopback_namespace "$ns"
  ip -n "$ns" link add eth0 address "$mac" type veth peer name "p-$name" netns "$BR"
  ip -n "$ns" addr add "$addr/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$BR" link set "p-$name" master br0
  ip -n "$BR" link set "p-$name" up
done
# Let the bridge ports and IPv6 duplicate-address detection settle.
sleep 2

cap_start ip netns exec "$BR" "${TCPDUMP[@]}" -i br0 -w "$WORK/mac-names.pcap" "arp or icmp or icmp6"

names=(esp32 rpi hue mam)
for i in "${!names[@]}"; do
  next=${HOSTS[$(( (i + 1) % ${#HOSTS[@]} ))]}
  read -r _ _ target <<<"$next"
  ip netns exec "iotscope-mac-${names[$i]}" ping -c 2 -i 0.2 -W 1 "$target" >/dev/null
done
ip netns exec iotscope-mac-esp32 arping -U -c 1 -I eth0 10.98.0.11 >/dev/null 2>&1 || true
ip netns exec iotscope-mac-hue arping -A -c 1 -I eth0 10.98.0.13 >/dev/null 2>&1 || true
ip netns exec iotscope-mac-rpi sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0
ip netns exec iotscope-mac-rpi ping -c 1 -W 1 224.0.0.1 >/dev/null 2>&1 || true
ip netns exec iotscope-mac-hue ping -6 -c 1 -W 1 -I eth0 ff02::1 >/dev/null 2>&1 || true
sleep 0.5
cap_stop

frames=$(capinfos -c -M "$WORK/mac-names.pcap" | awk '/Number of packets/ {print $NF}')
[ "$frames" -ge 20 ] || die "only $frames frames captured"
cp "$WORK/mac-names.pcap" "$OUT/mac-names.pcap"
log "wrote $OUT/mac-names.pcap ($frames frames)"
