#!/usr/bin/env bash
# make-insight-coap-restart.sh -- CoAP peers that restart and lose their
# state, with real libcoap peers only.  Run as root:
#
#     sudo bash tests/captures/make-insight-coap-restart.sh
#
# Two throw-away namespaces joined by a veth pair (deleted on exit): the
# device side i15-cr-dev (10.15.5.2) and the server side i15-cr-srv with
# libcoap's coap-server on 10.15.5.1.  Captured on the device's side.
# Writes coap-server-restart.pcap into ${CAPTURES_OUT:-this folder}:
#
#  - coap-client observes /time (a notification a second) from port 43730;
#    the server is killed after 4 s and started again 3 s later: it has
#    forgotten the observer, the notifications stop without a word, and the
#    client, which cannot tell, waits for them until it cancels with GET
#    Observe=1 at the end of its 20 s;
#  - while the server is down, a client on port 43731 asks for /time and
#    gets ICMP port unreachable; once it is back, one on 43732 is answered;
#  - a client on port 43733 asks for /async?3 (the server acknowledges at
#    once and answers 3 s later in a separate response), gives up after
#    1 s and is started again on the same port (with a new token) to
#    observe /time for 5 s:
#    the separate response reaches a client that no longer knows its
#    token, which answers it with RST.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
NS_D=i15-cr-dev
NS_S=i15-cr-srv

. "$HERE/lib.sh"

for ns in "$NS_D" "$NS_S"; do
    loopback_namespace "$ns"
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
ip -n "$NS_D" link add i15ca address 02:97:15:00:05:02 type veth \
    peer name i15cb address 02:97:15:00:05:01 netns "$NS_S"
ip -n "$NS_D" addr add 10.15.5.2/24 dev i15ca
ip -n "$NS_S" addr add 10.15.5.1/24 dev i15cb
ip -n "$NS_D" link set i15ca up
ip -n "$NS_S" link set i15cb up
D=(ip netns exec "$NS_D")
S=(ip netns exec "$NS_S")
CLIENT=("${D[@]}" coap-client-notls)

start_server() {
    bg "coap-server-$1" "${S[@]}" coap-server-notls -A 10.15.5.1 -v 3
    SERVER_PID=$LAST_PID
    wait_listen udp 5683 "$NS_S"
}

start_server 1
"${D[@]}" ping -c 1 -W 1 10.15.5.1 >/dev/null   # ARP settled before the capture
cap_start "${D[@]}" "${TCPDUMP[@]}" -i i15ca -w "$WORK/coap-server-restart.pcap" "udp or icmp"

# ---- 1. an observation the restarted server forgot --------------------------------------
bg observer "${CLIENT[@]}" -s 20 -B 24 -p 43730 coap://10.15.5.1/time
OBSERVER=$LAST_PID
sleep 4
stop_pid "$SERVER_PID" KILL
sleep 1
"${CLIENT[@]}" -B 2 -p 43731 coap://10.15.5.1/time >"$WORK/while-down.log" 2>&1 || true
start_server 2
sleep 2
"${CLIENT[@]}" -B 2 -p 43732 coap://10.15.5.1/time >"$WORK/after-restart.log" 2>&1 || true

# ---- 2. a separate response for a client that gave up ----------------------------------
"${CLIENT[@]}" -B 1 -p 43733 "coap://10.15.5.1/async?3" >"$WORK/async-1.log" 2>&1 || true
"${CLIENT[@]}" -s 5 -B 7 -T 7f -p 43733 coap://10.15.5.1/time >"$WORK/async-2.log" 2>&1 || true

wait "$OBSERVER" || true
forget "$OBSERVER"
cap_stop
stop_pid "$SERVER_PID" TERM

f="$WORK/coap-server-restart.pcap"
expect() {   # expect FILTER MIN: at least MIN frames match
    local n
    n=$(tshark -r "$f" -Y "$1" 2>/dev/null | wc -l)
    [ "$n" -ge "$2" ] || die "coap-server-restart.pcap: $n frames match '$1', expected at least $2"
}
expect "udp.dstport == 43730 && coap.opt.observe" 4
expect "udp.srcport == 43730 && coap.code == 1 && coap.opt.observe == 1" 1
expect "icmp.type == 3 && icmp.code == 3" 1
expect "udp.dstport == 43732 && coap.code == 69" 1
expect "udp.srcport == 43733 && coap.type == 3" 1
cp "$f" "$OUT/coap-server-restart.pcap"
log "coap-server-restart.pcap: $(tshark -r "$OUT/coap-server-restart.pcap" 2>/dev/null | wc -l) frames"
