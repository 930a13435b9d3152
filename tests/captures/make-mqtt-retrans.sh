#!/usr/bin/env bash
# make-mqtt-retrans.sh -- real TCP retransmissions inside MQTT messages that
# span several segments, seen from the sending and the receiving side.
# Run as root on Debian 12:
#
#     sudo bash tests/captures/make-mqtt-retrans.sh
#
# Two throw-away network namespaces joined by a veth pair with MTU 576 and
# offloads off (segments of 524 bytes, as they would travel on a wire):
#
#     iotscope-rtx-a 10.96.0.1 (client) --- iotscope-rtx-b 10.96.0.2 (mosquitto)
#
# mqtt_retrans_client.py puts 4-byte markers ("DRP1", "DRP2") at the start
# of chosen segments; an nftables rule on the broker's input hook drops the
# first segment that starts with each marker, and lets its retransmission
# through (a dynamic set remembers the connection).  tcpdump sees a segment
# before the input hook drops it, so both captures hold every byte before it
# is resent: the retransmissions carry only data already seen, which must
# not be decoded again.  RACK and tail loss probes are off (tcp_recovery=0,
# tcp_early_retrans=0) so the kernel uses the classic rules:
#   - rtx/fast: a 4100-byte PUBLISH in one send(); segment 3 of 8 is
#     dropped, the next five bring duplicate ACKs, the third of them a fast
#     retransmission;
#   - rtx/split: a 616-byte PUBLISH in three send()s 100 ms apart; the
#     second is dropped; the third brings one duplicate ACK whose SACK block
#     shows the hole, and the kernel resends the second segment at once
#     (tshark: a plain retransmission, or out-of-order at the receiver when
#     it comes within the handshake's round trip);
#   - then three small PUBLISHes, PINGREQ, DISCONNECT.
# Files go to ${CAPTURES_OUT:-this folder}:
#   mqtt-retrans-sender.pcap    captured on the client's interface
#   mqtt-retrans-receiver.pcap  captured on the broker's interface
#   mqtt-retrans.expected       the MQTT messages the client sent
# Sequence numbers, ports and timings change from run to run.
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

NS_A=iotscope-rtx-a NS_B=iotscope-rtx-b
A=(ip netns exec "$NS_A") B=(ip netns exec "$NS_B")
for ns in "$NS_A" "$NS_B"; do
    ip netns list | grep -qw "$ns" && ip netns del "$ns"
    ip netns add "$ns"
    NAMESPACES+=("$ns")
    ip -n "$ns" link set lo up
    # Classic loss recovery: duplicate ACKs and the retransmission timer.
    ip netns exec "$ns" sysctl -qw net.ipv4.tcp_recovery=0 2>/dev/null || true
    ip netns exec "$ns" sysctl -qw net.ipv4.tcp_early_retrans=0 2>/dev/null || true
done
ip -n "$NS_A" link add rtxA address 02:96:00:00:00:01 mtu 576 type veth \
    peer name rtxB address 02:96:00:00:00:02 mtu 576 netns "$NS_B"
ip -n "$NS_A" addr add 10.96.0.1/24 dev rtxA
ip -n "$NS_B" addr add 10.96.0.2/24 dev rtxB
for pair in "$NS_A rtxA" "$NS_B rtxB"; do
    set -- $pair
    ip netns exec "$1" ethtool -K "$2" tso off gso off gro off >/dev/null 2>&1 || true
    ip -n "$1" link set "$2" up
done

"${B[@]}" nft -f - <<'EOF'
table inet iotscope_rtx {
    set once1 { type ipv4_addr . inet_service; flags dynamic; }
    set once2 { type ipv4_addr . inet_service; flags dynamic; }
    chain input {
        type filter hook input priority 0; policy accept;
        tcp dport 1883 @ih,0,32 0x44525031 ip saddr . tcp sport @once1 accept
        tcp dport 1883 @ih,0,32 0x44525031 add @once1 { ip saddr . tcp sport } drop
        tcp dport 1883 @ih,0,32 0x44525032 ip saddr . tcp sport @once2 accept
        tcp dport 1883 @ih,0,32 0x44525032 add @once2 { ip saddr . tcp sport } drop
    }
}
EOF

printf 'listener 1883 10.96.0.2\nallow_anonymous true\npersistence false\n' >"$WORK/mosquitto.conf"
bg mosquitto "${B[@]}" mosquitto -c "$WORK/mosquitto.conf"
wait_listen tcp 1883 "$NS_B"

log "mqtt-retrans-sender.pcap, mqtt-retrans-receiver.pcap"
cap_start "${A[@]}" "${TCPDUMP[@]}" -B 16384 -i rtxA -w "$WORK/mqtt-retrans-sender.pcap" tcp port 1883
CAP_A=$CAP_PID
cap_start "${B[@]}" "${TCPDUMP[@]}" -B 16384 -i rtxB -w "$WORK/mqtt-retrans-receiver.pcap" tcp port 1883
timeout 60 "${A[@]}" python3 "$HERE/mqtt_retrans_client.py" 10.96.0.2 1883 "$WORK/expected" \
    || die "client failed"
cap_stop
CAP_PID=$CAP_A
cap_stop

# Both markers were dropped once each (the rules' sets hold one entry each).
[ "$("${B[@]}" nft list set inet iotscope_rtx once1 | grep -c 'elements')" = 1 ] || die "DRP1 never dropped"
[ "$("${B[@]}" nft list set inet iotscope_rtx once2 | grep -c 'elements')" = 1 ] || die "DRP2 never dropped"

count() { tshark -2 -r "$1" -Y "$2" 2>/dev/null | wc -l; }
for side in sender receiver; do
    f=$WORK/mqtt-retrans-$side.pcap
    [ "$(count "$f" 'tcp.analysis.fast_retransmission')" -ge 1 ] || die "$side: no fast retransmission"
    [ "$(count "$f" 'tcp.analysis.retransmission && !tcp.analysis.fast_retransmission')" -ge 1 ] ||
        die "$side: no retransmission by the timer"
    [ "$(count "$f" 'tcp.analysis.lost_segment')" = 0 ] || die "$side: a segment is missing from the capture"
    [ "$(count "$f" 'frame.len > 590')" = 0 ] || die "$side: frames above the MTU (offloads on?)"
    [ "$(count "$f" 'mqtt.msgtype == 3')" -ge 5 ] || die "$side: PUBLISHes missing"
done

for f in mqtt-retrans-sender.pcap mqtt-retrans-receiver.pcap; do
    cp "$WORK/$f" "$OUT/$f"
    log "$f: $(capinfos -c -M "$OUT/$f" | awk '/Number of packets/ {print $4}') frames"
done
cp "$WORK/expected" "$OUT/mqtt-retrans.expected"
