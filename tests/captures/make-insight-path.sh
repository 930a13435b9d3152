#!/usr/bin/env bash
# make-insight-path.sh -- a NAT router that forgets idle connections, for
# the insight rule in src/analysis/iot-insight-path.c.  Run as root:
#
#     sudo bash tests/captures/make-insight-path.sh
#
# Three throw-away namespaces (deleted on exit): a device (10.96.1.2), a
# router that masquerades the device towards the broker network, and a
# mosquitto broker (10.96.2.2).  The router's connection tracking forgets
# an established TCP connection after 3 s without traffic (a short version
# of the minutes a home router or a mobile carrier's NAT allows) and does
# not pick up connections in the middle (nf_conntrack_tcp_loose=0).  The
# device (mosquitto_pub -l, keep-alive 30 s, QoS 1) sends readings at
# 0 s, 0.5 s and 2.5 s (a 2 s pause the path survives), then one after 6 s
# of silence, which the router no longer knows.  Captured on the device.
#
# nat-idle-reset.pcap: the router answers such packets with a TCP reset
#   ("reject with tcp reset"): the device reconnects at once and sends the
#   reading again.
# nat-idle-drop.pcap: the router drops them silently: the device
#   retransmits the reading into the void until it is stopped 6 s later.
#
# path-mtu-blackhole.pcap: the same three namespaces without NAT, but the
#   router's link towards the broker has an MTU of 1280 and the router drops
#   the ICMP "fragmentation needed" messages it would send.  The device
#   (mosquitto_pub -l, QoS 1) sends two small readings (acknowledged), then
#   a 3000-byte snapshot: its full-size segments never pass and are resent
#   until the device is stopped.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
NS_D=iotscope-path-dev
NS_R=iotscope-path-rtr
NS_B=iotscope-path-brk

. "$HERE/lib.sh"
command -v nft >/dev/null || apt-get install -y nftables

setup() {   # setup reject|drop|mtu: the three namespaces and the router's rules
    local action=$1 ns
    NAMESPACES=()
    for ns in "$NS_D" "$NS_R" "$NS_B"; do loopback_namespace "$ns"; done
    ip -n "$NS_D" link add v0 type veth peer name r0 netns "$NS_R"
    ip -n "$NS_B" link add v1 type veth peer name r1 netns "$NS_R"
    ip -n "$NS_D" addr add 10.96.1.2/24 dev v0
    ip -n "$NS_R" addr add 10.96.1.1/24 dev r0
    ip -n "$NS_R" addr add 10.96.2.1/24 dev r1
    ip -n "$NS_B" addr add 10.96.2.2/24 dev v1
    ip -n "$NS_D" link set v0 up
    ip -n "$NS_R" link set r0 up
    ip -n "$NS_R" link set r1 up
    ip -n "$NS_B" link set v1 up
    ip -n "$NS_D" route add default via 10.96.1.1
    ip -n "$NS_B" route add default via 10.96.2.1
    ip netns exec "$NS_R" sysctl -qw net.ipv4.ip_forward=1
    if [ "$action" = mtu ]; then
        ip -n "$NS_R" link set r1 mtu 1280
        ip netns exec "$NS_R" nft -f - <<EOF
table ip filter {
  chain out {
    type filter hook output priority 0;
    icmp type destination-unreachable drop
  }
}
EOF
        return
    fi
    if [ "$action" = reject ]; then action="reject with tcp reset"; fi
    ip netns exec "$NS_R" nft -f - <<EOF
table ip nat {
  chain post {
    type nat hook postrouting priority 100;
    oifname "r1" masquerade
  }
}
table ip filter {
  chain forward_chain {
    type filter hook forward priority 0;
    ct state invalid $action
  }
}
EOF
    ip netns exec "$NS_R" sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_established=3
    ip netns exec "$NS_R" sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0
}

mosquitto_conf "$WORK/mosquitto.conf" 10.96.2.2

run() {   # run reject|drop FILE
    setup "$1"
    bg mosquitto ip netns exec "$NS_B" mosquitto -c "$WORK/mosquitto.conf"
    local broker=$LAST_PID
    wait_listen tcp 1883 "$NS_B"
    cap_start ip netns exec "$NS_D" "${TCPDUMP[@]}" -i v0 -w "$WORK/$2" tcp port 1883
    { echo '{"kwh":1201.5}'; sleep 0.5; echo '{"kwh":1201.6}'; sleep 2; echo '{"kwh":1201.7}'; sleep 6
      echo '{"kwh":1202.0}'; sleep 3; echo '{"kwh":1202.1}'; sleep 3; } \
        | ip netns exec "$NS_D" timeout 16 mosquitto_pub -h 10.96.2.2 -i meter-9 -k 30 -t site/meter-9/kwh -l -q 1 \
        >"$WORK/pub-$1.log" 2>&1 || true
    cap_stop
    stop_pid "$broker"
    for ns in "$NS_D" "$NS_R" "$NS_B"; do ip netns del "$ns"; done
    NAMESPACES=()
}

run reject nat-idle-reset.pcap
run drop nat-idle-drop.pcap

# The MTU black hole.
setup mtu
bg mosquitto ip netns exec "$NS_B" mosquitto -c "$WORK/mosquitto.conf"
broker=$LAST_PID
wait_listen tcp 1883 "$NS_B"
cap_start ip netns exec "$NS_D" "${TCPDUMP[@]}" -i v0 -w "$WORK/path-mtu-blackhole.pcap" tcp port 1883
head -c 3000 /dev/zero | tr '\0' 'J' >"$WORK/snapshot.txt"
{ echo '{"lux":410}'; sleep 0.3; echo '{"lux":412}'; sleep 0.3; cat "$WORK/snapshot.txt"; echo; sleep 6; } \
    | ip netns exec "$NS_D" timeout 8 mosquitto_pub -h 10.96.2.2 -i cam-2 -t site/cam-2/snapshot -l -q 1 \
    >"$WORK/pub-mtu.log" 2>&1 || true
cap_stop
stop_pid "$broker"
for ns in "$NS_D" "$NS_R" "$NS_B"; do ip netns del "$ns"; done
NAMESPACES=()

n=$(tshark -r "$WORK/nat-idle-reset.pcap" -Y 'tcp.flags.reset == 1' 2>/dev/null | wc -l)
[ "$n" -ge 1 ] || die "nat-idle-reset.pcap: the router sent no reset"
n=$(tshark -r "$WORK/nat-idle-drop.pcap" -Y 'tcp.analysis.retransmission' 2>/dev/null | wc -l)
[ "$n" -ge 3 ] || die "nat-idle-drop.pcap: only $n retransmissions"
n=$(tshark -r "$WORK/path-mtu-blackhole.pcap" -Y 'tcp.analysis.retransmission && tcp.len > 1000' 2>/dev/null | wc -l)
[ "$n" -ge 3 ] || die "path-mtu-blackhole.pcap: only $n full-size retransmissions"
for f in nat-idle-reset nat-idle-drop path-mtu-blackhole; do
    cp "$WORK/$f.pcap" "$OUT/$f.pcap"
    log "$f.pcap: $(tshark -r "$OUT/$f.pcap" 2>/dev/null | wc -l) frames"
done
