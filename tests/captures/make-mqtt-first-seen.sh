#!/usr/bin/env bash
# make-mqtt-first-seen.sh -- a PUBACK seen for the first time inside a TCP
# retransmission: its original was dropped between the broker and the
# capture point.  Run as root:
#
#     sudo bash tests/captures/make-mqtt-first-seen.sh
#
# Writes mqtt-puback-first-seen.pcap into ${CAPTURES_OUT:-this folder}.
# Three throw-away namespaces: the device i15-fs-dev (10.15.1.2), a router
# i15-fs-rtr and the broker i15-fs-brk (10.15.2.2, mosquitto).  The router's
# nftables drops the broker's first PUBACK (a segment whose payload starts
# 0x40 0x02) once and then lets everything through; the capture is on the
# device's side, after the router, so the original PUBACK is never in it.
# The device (mqtt_first_seen_client.py) publishes three QoS 1 readings;
# after each, its second connection publishes a command that the broker
# delivers on the first connection a few milliseconds later.  For the first
# reading the command therefore arrives before the PUBACK, which comes only
# in the broker's retransmission: tshark marks that segment a
# retransmission and does not decode it, iotscope decodes the bytes it sees
# there for the first time (see README, "Differences from tshark").
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
NS_D=i15-fs-dev
NS_R=i15-fs-rtr
NS_B=i15-fs-brk
PY=/usr/bin/python3

. "$HERE/lib.sh"
command -v nft >/dev/null || apt-get install -y nftables

for ns in "$NS_D" "$NS_R" "$NS_B"; do
    loopback_namespace "$ns"
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
ip -n "$NS_D" link add i15d type veth peer name i15r0 netns "$NS_R"
ip -n "$NS_B" link add i15b type veth peer name i15r1 netns "$NS_R"
ip -n "$NS_D" addr add 10.15.1.2/24 dev i15d
ip -n "$NS_R" addr add 10.15.1.1/24 dev i15r0
ip -n "$NS_R" addr add 10.15.2.1/24 dev i15r1
ip -n "$NS_B" addr add 10.15.2.2/24 dev i15b
for l in "$NS_D:i15d" "$NS_R:i15r0" "$NS_R:i15r1" "$NS_B:i15b"; do ip -n "${l%%:*}" link set "${l##*:}" up; done
ip -n "$NS_D" route add default via 10.15.1.1
ip -n "$NS_B" route add default via 10.15.2.1
ip netns exec "$NS_R" sysctl -qw net.ipv4.ip_forward=1
# Segmentation offload would hand tcpdump merged segments.
for l in "$NS_D:i15d" "$NS_B:i15b"; do
    ip netns exec "${l%%:*}" ethtool -K "${l##*:}" tso off gso off gro off >/dev/null 2>&1 || true
done
ip netns exec "$NS_R" nft -f - <<NFT
table inet i15_first_seen {
  chain relay {
    type filter hook forward priority 0; policy accept;
    tcp sport 1883 @ih,0,16 0x4002 counter drop comment "the first PUBACK"
  }
}
NFT

mosquitto_conf "$WORK/mosquitto.conf" 10.15.2.2
bg mosquitto ip netns exec "$NS_B" mosquitto -c "$WORK/mosquitto.conf"
wait_listen tcp 1883 "$NS_B"

# Once the first PUBACK is dropped, the rule goes: its retransmission and
# every later PUBACK pass.
unblock() {
    local i handle
    for i in $(seq 1 2000); do
        if ip netns exec "$NS_R" nft list chain inet i15_first_seen relay | grep -q "counter packets [1-9]"; then
            handle=$(ip netns exec "$NS_R" nft -a list chain inet i15_first_seen relay | sed -n 's/.*drop comment "the first PUBACK" # handle \([0-9]*\)/\1/p')
            ip netns exec "$NS_R" nft delete rule inet i15_first_seen relay handle "$handle"
            return 0
        fi
        sleep 0.002
    done
    return 1
}
unblock >"$WORK/unblock.log" 2>&1 &
UNBLOCK_PID=$!
PIDS+=("$UNBLOCK_PID")

cap_start ip netns exec "$NS_D" "${TCPDUMP[@]}" -i i15d -w "$WORK/mqtt-puback-first-seen.pcap" tcp port 1883
ip netns exec "$NS_D" "$PY" -u "$HERE/mqtt_first_seen_client.py" 10.15.2.2 3 >"$WORK/client.log" 2>&1 \
    || die "the device did not get its PUBACKs"
cap_stop
wait "$UNBLOCK_PID" || die "no PUBACK was dropped"
forget "$UNBLOCK_PID"

f="$WORK/mqtt-puback-first-seen.pcap"
n=$(tshark -r "$f" -Y "tcp.analysis.retransmission && tcp.srcport == 1883" 2>/dev/null | wc -l)
[ "$n" -ge 1 ] || die "tshark sees no retransmission from the broker"
n=$(tshark -r "$f" -Y "tcp.analysis.lost_segment && tcp.srcport == 1883" 2>/dev/null | wc -l)
[ "$n" -ge 1 ] || die "the command did not arrive before the PUBACK's retransmission"
n=$(tshark -r "$f" -Y "mqtt.msgtype == 4" 2>/dev/null | wc -l)
[ "$n" -eq 2 ] || die "tshark decodes $n PUBACKs, expected 2 (the third is inside the retransmission)"
cp "$f" "$OUT/mqtt-puback-first-seen.pcap"
log "mqtt-puback-first-seen.pcap: $(tshark -r "$OUT/mqtt-puback-first-seen.pcap" 2>/dev/null | wc -l) frames"
