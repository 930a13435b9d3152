#!/usr/bin/env bash
# make-tcp-loss.sh -- captures for the TCP sequence analysis (tcp.analysis.*):
# real packet loss, a connection reset and reopened from the same port, and
# a receiver that stops reading.  Run as root on Debian 12:
#
#     sudo bash tests/captures/make-tcp-loss.sh
#
# Three network namespaces joined by two veth pairs:
#
#     device 10.77.1.2 --- 10.77.1.1 router 10.77.2.1 --- 10.77.2.2 broker
#
# The router forwards, and an nftables rule in it drops one MQTT segment in
# ten at random (both directions), so TCP has to retransmit.  Files go to
# ${CAPTURES_OUT:-this folder}:
#   tcp-loss-device.pcap   ~200 QoS 1 PUBLISHes seen at the device: lost
#                          segments show up as retransmissions, dup ACKs,
#                          "previous segment not captured"
#   tcp-loss-broker.pcap   the same session seen at the broker
#   tcp-rst-reconnect.pcap a device that dies with a RST and comes back from
#                          the same source port with a new SYN (ports reused)
#   tcp-zerowindow.pcap    a receiver with a tiny buffer that stops reading:
#                          window full, zero window, probes of the zero
#                          window (keep-alives to tshark), window updates
# Sequence numbers, the dropped segments and timings change from run to run.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}

. "$HERE/lib.sh"

command -v nft >/dev/null 2>&1 || {
    log "installing nftables"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y nftables || { apt-get update && apt-get install -y nftables; }
}
command -v ethtool >/dev/null 2>&1 || apt-get install -y ethtool || true

NS_DEV=iotl-dev NS_RTR=iotl-rtr NS_BRK=iotl-brk
DEV=(ip netns exec "$NS_DEV") RTR=(ip netns exec "$NS_RTR") BRK=(ip netns exec "$NS_BRK")
for ns in "$NS_DEV" "$NS_RTR" "$NS_BRK"; do
    ip netns list | grep -qw "$ns" && ip netns del "$ns"
    ip netns add "$ns"
    NAMESPACES+=("$ns")
    ip -n "$ns" link set lo up
done

ip -n "$NS_DEV" link add dev0 address 02:77:00:00:01:02 type veth \
    peer name rtr0 address 02:77:00:00:01:01 netns "$NS_RTR"
ip -n "$NS_RTR" link add rtr1 address 02:77:00:00:02:01 type veth \
    peer name brk0 address 02:77:00:00:02:02 netns "$NS_BRK"
ip -n "$NS_DEV" addr add 10.77.1.2/24 dev dev0
ip -n "$NS_RTR" addr add 10.77.1.1/24 dev rtr0
ip -n "$NS_RTR" addr add 10.77.2.1/24 dev rtr1
ip -n "$NS_BRK" addr add 10.77.2.2/24 dev brk0
for pair in "$NS_DEV dev0" "$NS_RTR rtr0" "$NS_RTR rtr1" "$NS_BRK brk0"; do
    set -- $pair
    ip -n "$1" link set "$2" up
    # Segments as they travel on a real wire, not 64 KB offload blobs.
    ip netns exec "$1" ethtool -K "$2" tso off gso off gro off >/dev/null 2>&1 || true
done
ip -n "$NS_DEV" route add default via 10.77.1.1
ip -n "$NS_BRK" route add default via 10.77.2.1
"${RTR[@]}" sysctl -qw net.ipv4.ip_forward=1
# A little delay, so that several segments are in flight and the ones after
# a lost segment make the receiver send duplicate ACKs.
"${RTR[@]}" tc qdisc add dev rtr1 root netem delay 10ms 2>/dev/null \
    || log "netem not available: no added delay"

# Checks a capture with tshark: at least MIN frames match FILTER.
expect() {   # expect FILE FILTER MIN
    local n
    n=$(tshark -2 -r "$1" -Y "$2" 2>/dev/null | wc -l)
    [ "$n" -ge "$3" ] || die "$(basename "$1"): only $n frames match '$2' (want >= $3)"
}

MQTT_CONF=$WORK/mosquitto.conf
printf 'listener 1883 10.77.2.2\nallow_anonymous true\npersistence false\n' >"$MQTT_CONF"
bg mosquitto "${BRK[@]}" mosquitto -c "$MQTT_CONF"
wait_listen tcp 1883 "$NS_BRK"

# ------------------------------------------------ tcp-loss-{device,broker}.pcap
log "tcp-loss-device.pcap, tcp-loss-broker.pcap"
"${RTR[@]}" nft -f - <<'EOF'
table inet filter {
    chain forward {
        type filter hook forward priority 0; policy accept;
        tcp dport 1883 numgen random mod 10 == 0 drop
        tcp sport 1883 numgen random mod 10 == 0 drop
    }
}
EOF
cap_start "${DEV[@]}" "${TCPDUMP[@]}" -i dev0 -w "$WORK/tcp-loss-device.pcap" tcp port 1883
DEV_CAP=$CAP_PID
cap_start "${BRK[@]}" "${TCPDUMP[@]}" -i brk0 -w "$WORK/tcp-loss-broker.pcap" tcp port 1883
# The sensor publishes 200 readings in bursts of 20, each PUBLISH in a
# segment of its own, so that segments queue up behind a loss and the
# receiver answers with duplicate ACKs.  Without RACK loss detection the
# sender retransmits after the third duplicate ACK (a fast retransmission).
for ns in "$NS_DEV" "$NS_BRK"; do
    ip netns exec "$ns" sysctl -qw net.ipv4.tcp_recovery=0 2>/dev/null || true
    ip netns exec "$ns" sysctl -qw net.ipv4.tcp_early_retrans=0 2>/dev/null || true
done
timeout 60 "${DEV[@]}" python3 "$HERE/tcp_peers.py" publisher 10.77.2.2 1883 200 \
    || die "publisher failed"
cap_stop
CAP_PID=$DEV_CAP
cap_stop
"${RTR[@]}" nft flush ruleset
expect "$WORK/tcp-loss-device.pcap" "tcp.analysis.retransmission || tcp.analysis.fast_retransmission" 1
expect "$WORK/tcp-loss-device.pcap" "tcp.analysis.duplicate_ack" 1
expect "$WORK/tcp-loss-broker.pcap" "tcp.analysis.lost_segment" 1

# ------------------------------------------------ tcp-rst-reconnect.pcap
log "tcp-rst-reconnect.pcap"
cap_start "${DEV[@]}" "${TCPDUMP[@]}" -i dev0 -w "$WORK/tcp-rst-reconnect.pcap" tcp port 1883
timeout 30 "${DEV[@]}" python3 "$HERE/tcp_peers.py" rst-client 10.77.2.2 1883 47001 \
    || die "rst client failed"
cap_stop
expect "$WORK/tcp-rst-reconnect.pcap" "tcp.flags.reset == 1" 1
expect "$WORK/tcp-rst-reconnect.pcap" "tcp.analysis.reused_ports" 1

# ------------------------------------------------ tcp-zerowindow.pcap
log "tcp-zerowindow.pcap"
bg slow-server "${BRK[@]}" python3 "$HERE/tcp_peers.py" slow-server 10.77.2.2 5020 4
SLOW=$LAST_PID
wait_listen tcp 5020 "$NS_BRK"
cap_start "${DEV[@]}" "${TCPDUMP[@]}" -i dev0 -w "$WORK/tcp-zerowindow.pcap" tcp port 5020
timeout 60 "${DEV[@]}" python3 "$HERE/tcp_peers.py" bulk-client 10.77.2.2 5020 40000 \
    || die "bulk client failed"
wait "$SLOW" || die "slow server failed"
forget "$SLOW"
cap_stop
expect "$WORK/tcp-zerowindow.pcap" "tcp.analysis.zero_window" 1
# Linux probes a zero window with a segment one byte before the next
# sequence number, which tshark calls a keep-alive.
expect "$WORK/tcp-zerowindow.pcap" "tcp.analysis.keep_alive || tcp.analysis.zero_window_probe" 1
expect "$WORK/tcp-zerowindow.pcap" "tcp.analysis.window_full" 1

for f in tcp-loss-device tcp-loss-broker tcp-rst-reconnect tcp-zerowindow; do
    size=$(stat -c %s "$WORK/$f.pcap")
    [ "$size" -lt 300000 ] || die "$f.pcap is $size bytes (limit 300 KB)"
    cp "$WORK/$f.pcap" "$OUT/$f.pcap"
    log "$f.pcap: $(capinfos -c -M "$OUT/$f.pcap" | awk '/Number of packets/ {print $4}') frames, $size bytes"
done
