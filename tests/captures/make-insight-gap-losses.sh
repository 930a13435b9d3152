#!/usr/bin/env bash
# make-insight-gap-losses.sh -- gaps in periodic MQTT series: one made by
# losses on the path (TCP resends on the publisher's connection just before
# the readings come again), one made by the device itself (it skipped
# readings; its connection is clean).  Run as root:
#
#     sudo bash tests/captures/make-insight-gap-losses.sh
#
# Writes into ${CAPTURES_OUT:-this folder}:
#
#  mqtt-gap-losses.pcap         captured on the device's side of the router
#  mqtt-gap-losses-broker.pcap  the same traffic captured on the broker's side
#
# Three throw-away namespaces: the device i15-gl-dev (10.15.3.2), a router
# i15-gl-rtr and the broker i15-gl-brk (10.15.4.2, mosquitto).  On the
# device two real mosquitto_pub -l clients publish one reading a second:
# meter-a (QoS 1) on plant/meter-a/power and meter-b (QoS 0) on
# plant/meter-b/power, each on its own connection; mosquitto_sub follows
# plant/# from the device too.  For reading 9 the router's nftables drops
# every segment of meter-a's connection towards the broker for 2.7 s: the
# kernel resends reading 9 with growing timeouts and the readings written
# meanwhile wait behind it (Nagle, unacknowledged data), so they reach the
# broker late and together.  meter-b's feeder leaves out readings 9-11: a
# gap the device made, on a connection without any retransmission.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
NS_D=i15-gl-dev
NS_R=i15-gl-rtr
NS_B=i15-gl-brk

. "$HERE/lib.sh"
command -v nft >/dev/null || apt-get install -y nftables

for ns in "$NS_D" "$NS_R" "$NS_B"; do
    loopback_namespace "$ns"
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
ip -n "$NS_D" link add i15gd address 02:97:15:00:03:02 type veth \
    peer name i15gr0 address 02:97:15:00:03:01 netns "$NS_R"
ip -n "$NS_B" link add i15gb address 02:97:15:00:04:02 type veth \
    peer name i15gr1 address 02:97:15:00:04:01 netns "$NS_R"
ip -n "$NS_D" addr add 10.15.3.2/24 dev i15gd
ip -n "$NS_R" addr add 10.15.3.1/24 dev i15gr0
ip -n "$NS_R" addr add 10.15.4.1/24 dev i15gr1
ip -n "$NS_B" addr add 10.15.4.2/24 dev i15gb
for l in "$NS_D:i15gd" "$NS_R:i15gr0" "$NS_R:i15gr1" "$NS_B:i15gb"; do
    ip -n "${l%%:*}" link set "${l##*:}" up
done
ip -n "$NS_D" route add default via 10.15.3.1
ip -n "$NS_B" route add default via 10.15.4.1
ip netns exec "$NS_R" sysctl -qw net.ipv4.ip_forward=1
# Segmentation offload would hand tcpdump merged segments.
for l in "$NS_D:i15gd" "$NS_B:i15gb"; do
    ip netns exec "${l%%:*}" ethtool -K "${l##*:}" tso off gso off gro off >/dev/null 2>&1 || true
done
ip netns exec "$NS_R" nft -f - <<NFT
table inet i15_gap_losses {
  chain relay {
    type filter hook forward priority 0; policy accept;
  }
}
NFT

mosquitto_conf "$WORK/mosquitto.conf" 10.15.4.2
bg mosquitto ip netns exec "$NS_B" mosquitto -c "$WORK/mosquitto.conf"
wait_listen tcp 1883 "$NS_B"
ip netns exec "$NS_D" ping -c 1 -W 1 10.15.4.2 >/dev/null   # ARP settled first

cap_start ip netns exec "$NS_D" "${TCPDUMP[@]}" -i i15gd -w "$WORK/mqtt-gap-losses.pcap" tcp port 1883
DEV_CAP=$CAP_PID
cap_start ip netns exec "$NS_B" "${TCPDUMP[@]}" -i i15gb -w "$WORK/mqtt-gap-losses-broker.pcap" tcp port 1883
BRK_CAP=$CAP_PID

bg subscriber ip netns exec "$NS_D" mosquitto_sub -h 10.15.4.2 -i dashboard -q 1 -t 'plant/#' -v
SUB_PID=$LAST_PID
sleep 0.5
# Each meter reads its readings from a FIFO this script writes (opened for
# reading and writing here so that nobody blocks; the meters do not inherit
# it, so closing it ends their input).
mkfifo "$WORK/meter-a.in" "$WORK/meter-b.in"
exec 3<>"$WORK/meter-a.in" 4<>"$WORK/meter-b.in"
# (Not through bg: there an asynchronous command's standard input would be
# /dev/null.)
ip netns exec "$NS_D" mosquitto_pub -h 10.15.4.2 -i meter-a -q 1 -t plant/meter-a/power -l \
    <"$WORK/meter-a.in" >"$WORK/meter-a.log" 2>&1 3>&- 4>&- &
A_PID=$!
ip netns exec "$NS_D" mosquitto_pub -h 10.15.4.2 -i meter-b -q 0 -t plant/meter-b/power -l \
    <"$WORK/meter-b.in" >"$WORK/meter-b.log" 2>&1 3>&- 4>&- &
B_PID=$!
PIDS+=("$A_PID" "$B_PID")

# meter-a's connection, found by its client port once it is up ("ip netns
# exec" runs mosquitto_pub in its own process).
a_port=
for i in $(seq 1 50); do
    a_port=$(ip netns exec "$NS_D" ss -Htnp 'dport = :1883' | grep "pid=$A_PID," \
             | awk '{ split($4, a, ":"); print a[2] }' | head -1)
    [ -n "$a_port" ] && break
    sleep 0.1
done
[ -n "$a_port" ] || die "meter-a did not connect"
log "meter-a publishes from port $a_port"

sleep 0.5
for i in $(seq 0 19); do
    start=$(date +%s%N)
    if [ "$i" = 9 ]; then
        ip netns exec "$NS_R" nft add rule inet i15_gap_losses relay \
            ip saddr 10.15.3.2 tcp sport "$a_port" counter drop comment '"meter-a lost"'
    fi
    printf '{"n":%d,"w":%d}\n' "$i" $((230 + i % 7)) >&3
    [ "$i" -ge 9 ] && [ "$i" -le 11 ] || printf '{"n":%d,"w":%d}\n' "$i" $((410 + i % 5)) >&4
    if [ "$i" = 11 ]; then
        # 2.7 s after reading 9: of the kernel's resends (0.2, 0.4, 0.8,
        # 1.7 and 3.3 s after it, the timeout doubling each time) the
        # fifth is the first one through.
        sleep 0.7
        handle=$(ip netns exec "$NS_R" nft -a list chain inet i15_gap_losses relay \
                 | sed -n 's/.*comment "meter-a lost" # handle \([0-9]*\)/\1/p')
        dropped=$(ip netns exec "$NS_R" nft list chain inet i15_gap_losses relay \
                  | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
        ip netns exec "$NS_R" nft delete rule inet i15_gap_losses relay handle "$handle"
        log "dropped $dropped segments of meter-a"
        [ "${dropped:-0}" -ge 2 ] || die "meter-a's connection lost $dropped segments, expected resends"
        continue
    fi
    sleep "$(awk -v s="$start" -v n="$(date +%s%N)" 'BEGIN { d = 1 - (n - s) / 1e9; printf "%.3f", (d > 0 ? d : 0) }')"
done
exec 3>&- 4>&-
sleep 1
for p in "$A_PID" "$B_PID"; do wait "$p" || die "a meter failed"; forget "$p"; done
stop_pid "$SUB_PID" TERM
CAP_PID=$BRK_CAP; cap_stop
CAP_PID=$DEV_CAP; cap_stop

for f in mqtt-gap-losses mqtt-gap-losses-broker; do
    n=$(tshark -r "$WORK/$f.pcap" -Y 'mqtt.topic == "plant/meter-b/power"' 2>/dev/null | wc -l)
    [ "$n" -ge 17 ] || die "$f.pcap: $n meter-b readings"
done
n=$(tshark -r "$WORK/mqtt-gap-losses.pcap" -Y "tcp.analysis.retransmission && tcp.srcport == $a_port" 2>/dev/null | wc -l)
[ "$n" -ge 2 ] || die "the device side shows $n retransmissions of meter-a"
# Everything meter-a wrote reached the broker (the subscriber got it).
n=$(grep -c '^plant/meter-a/power ' "$WORK/subscriber.log" || true)
[ "$n" = 20 ] || die "the subscriber got $n of meter-a's 20 readings"
for f in mqtt-gap-losses mqtt-gap-losses-broker; do
    cp "$WORK/$f.pcap" "$OUT/$f.pcap"
    log "$f.pcap: $(tshark -r "$OUT/$f.pcap" 2>/dev/null | wc -l) frames"
done
