#!/usr/bin/env bash
# make-insight-coap.sh -- CoAP field failures for the insight rules in
# src/analysis/iot-insight-coap.c: resets, stalled block-wise transfers and
# cancelled observations.  Run as root:
#
#     sudo bash tests/captures/make-insight-coap.sh
#
# Two throw-away namespaces joined by a veth pair (deleted on exit): the
# device side i15-coap-dev (10.15.0.2) and the server side i15-coap-srv with
# libcoap's coap-server on 10.15.0.1 and the misbehaving peers of
# coap_fake_peer.py on 10.15.0.11-14 (each namespace has its own ports, so
# every server listens on the CoAP port 5683).  Captured on the device's
# side.  Writes into ${CAPTURES_OUT:-this folder}:
#
#  coap-observe-gone.pcap   libcoap's coap-client observes /time and is
#      killed (a device that reboots): the server's confirmable notification
#      is retransmitted into ICMP port unreachable; the restarted client
#      (same port, new token) observes again and answers the old
#      notification with RST (it does not know the token).
#  coap-observer-gone.pcap  the same up to the restart: an observer that went
#      away and did not come back.
#  coap-observe-cancel.pcap coap-client -s 4 deregisters with GET Observe=1
#      (normal); a fake client RSTs the third notification of coap-server
#      (deregistration by reset); coap-client -s 3 against a fake server
#      that keeps notifying after the GET Observe=1.
#  coap-block-stall.pcap    complete Block1 PUT and Block2 GET with
#      coap-client -b 64 against coap-server (healthy); coap-client -b 64 GET
#      from a fake server that stops answering after Block2 block 4;
#      coap-client -b 64 PUT to a fake server that stops after Block1
#      block 2; a fake client that stops asking after Block2 block 3 and
#      asks for something else 3 s later.
#  coap-rst.pcap            coap-client's CON GET to a fake server that
#      handles only NON and answers every CON with RST; the same request as
#      NON answered; a CoAP ping (empty CON) answered by RST, as it should be.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
NS_D=i15-coap-dev
NS_S=i15-coap-srv
PY=/usr/bin/python3

. "$HERE/lib.sh"

for ns in "$NS_D" "$NS_S"; do
    loopback_namespace "$ns"
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
ip -n "$NS_D" link add i15a address 02:97:15:00:00:0a type veth \
    peer name i15b address 02:97:15:00:00:0b netns "$NS_S"
ip -n "$NS_D" addr add 10.15.0.2/24 dev i15a
ip -n "$NS_S" addr add 10.15.0.1/24 dev i15b
for a in 11 12 13 14; do ip -n "$NS_S" addr add "10.15.0.$a/24" dev i15b; done
ip -n "$NS_D" link set i15a up
ip -n "$NS_S" link set i15b up
D=(ip netns exec "$NS_D")
S=(ip netns exec "$NS_S")
CLIENT=("${D[@]}" coap-client-notls)

bg coap-server "${S[@]}" coap-server-notls -A 10.15.0.1 -v 3
SERVER_PID=$LAST_PID
for mode in stall-block2:11 stall-block1:12 ignore-cancel:13 rst-con:14; do
    bg "fake-${mode%%:*}" "${S[@]}" "$PY" -u "$HERE/coap_fake_peer.py" "${mode%%:*}" "10.15.0.${mode##*:}"
    [ "${mode%%:*}" = ignore-cancel ] && IGNORING_PID=$LAST_PID
done
for i in $(seq 1 50); do
    [ "$("${S[@]}" ss -Hlun 'sport = :5683' | wc -l)" -ge 5 ] && break
    sleep 0.1
done
[ "$("${S[@]}" ss -Hlun 'sport = :5683' | wc -l)" -ge 5 ] || die "the CoAP servers did not all start"
"${D[@]}" ping -c 1 -W 1 10.15.0.1 >/dev/null   # ARP settled before the first capture

capture() {   # capture NAME: start tcpdump on the device side
    cap_start "${D[@]}" "${TCPDUMP[@]}" -i i15a -w "$WORK/$1.pcap" "udp or icmp"
}

# ---- 1. an observer that reboots ------------------------------------------------------
capture coap-observe-gone
bg observer "${CLIENT[@]}" -s 30 -B 40 -p 43700 coap://10.15.0.1/time
OBSERVER=$LAST_PID
sleep 3.5
stop_pid "$OBSERVER" KILL
sleep 3.2
"${CLIENT[@]}" -s 8 -B 10 -T 7f -p 43700 coap://10.15.0.1/time >"$WORK/observer-2.log" 2>&1
cap_stop

# ---- 2. deregistrations ---------------------------------------------------------------
capture coap-observe-cancel
"${CLIENT[@]}" -s 4 -B 6 -p 43701 coap://10.15.0.1/time >"$WORK/cancel.log" 2>&1
"${D[@]}" "$PY" -u "$HERE/coap_fake_peer.py" rst-notify 10.15.0.1 43702 >"$WORK/rst-notify.log" 2>&1
grep -q "reset notification" "$WORK/rst-notify.log" || die "the fake client reset no notification"
"${CLIENT[@]}" -s 3 -B 6 -p 43703 coap://10.15.0.13/temp >"$WORK/ignored.log" 2>&1 || true
sleep 1.5
stop_pid "$IGNORING_PID" TERM   # stop its notifications
cap_stop

# ---- 3. block-wise transfers ----------------------------------------------------------
head -c 600 /dev/zero | tr '\0' 'r' >"$WORK/reading.txt"
head -c 300 /dev/zero | tr '\0' 'c' >"$WORK/config.txt"
capture coap-block-stall
"${CLIENT[@]}" -m put -b 64 -f "$WORK/reading.txt" -p 43710 coap://10.15.0.1/example_data >"$WORK/put.log" 2>&1
"${CLIENT[@]}" -b 64 -p 43711 -o "$WORK/got.txt" coap://10.15.0.1/example_data >"$WORK/get.log" 2>&1
cmp -s "$WORK/reading.txt" "$WORK/got.txt" || die "the block-wise GET did not return what the PUT stored"
"${CLIENT[@]}" -b 64 -B 10 -p 43712 -o "$WORK/firmware.bin" coap://10.15.0.11/firmware >"$WORK/firmware.log" 2>&1 || true
"${CLIENT[@]}" -m put -b 64 -B 10 -f "$WORK/config.txt" -p 43713 coap://10.15.0.12/config >"$WORK/config.log" 2>&1 || true
"${D[@]}" "$PY" -u "$HERE/coap_fake_peer.py" stop-block2 10.15.0.1 43714 >"$WORK/stop-block2.log" 2>&1
cap_stop

# ---- 4. resets ------------------------------------------------------------------------
capture coap-rst
"${CLIENT[@]}" -B 3 -p 43720 coap://10.15.0.14/status >"$WORK/rst-con.log" 2>&1 || true
"${CLIENT[@]}" -N -B 3 -p 43721 coap://10.15.0.14/status >"$WORK/non.log" 2>&1 || true
"${D[@]}" "$PY" -u "$HERE/coap_fake_peer.py" ping 10.15.0.1 43722 >"$WORK/ping.log" 2>&1
grep -q "answer: RST" "$WORK/ping.log" || die "coap-server did not answer the ping with RST"
cap_stop
stop_pid "$SERVER_PID" TERM

expect() {   # expect FILE FILTER MIN: at least MIN frames match
    local n
    n=$(tshark -r "$WORK/$1" -Y "$2" 2>/dev/null | wc -l)
    [ "$n" -ge "$3" ] || die "$1: $n frames match '$2', expected at least $3"
}
expect coap-observe-gone.pcap "coap.type == 3 && coap.code == 0" 1
expect coap-observe-gone.pcap "icmp.type == 3 && icmp.code == 3" 1
expect coap-observe-gone.pcap "coap.type == 0 && coap.opt.observe && coap.code == 69" 8
expect coap-observe-cancel.pcap "coap.code == 1 && coap.opt.observe == 1" 2
expect coap-observe-cancel.pcap "coap.type == 3" 1
expect coap-block-stall.pcap "coap.opt.name contains \"Block1\"" 10
expect coap-block-stall.pcap "coap.opt.block_number == 5 && ip.dst == 10.15.0.11" 2
expect coap-block-stall.pcap "coap.opt.block_number == 3 && ip.dst == 10.15.0.12" 2
expect coap-rst.pcap "coap.type == 3" 2
# The same observer when the capture ends before it comes back: everything
# before its second registration.
again=$(tshark -r "$WORK/coap-observe-gone.pcap" -Y "coap.code == 1 && coap.opt.observe == 0" \
        -T fields -e frame.number 2>/dev/null | sed -n 2p)
[ -n "$again" ] || die "coap-observe-gone.pcap: the observer did not register again"
editcap -r "$WORK/coap-observe-gone.pcap" "$WORK/coap-observer-gone.pcap" "1-$((again - 1))"
for f in coap-observe-gone coap-observer-gone coap-observe-cancel coap-block-stall coap-rst; do
    cp "$WORK/$f.pcap" "$OUT/$f.pcap"
    log "$f.pcap: $(tshark -r "$OUT/$f.pcap" 2>/dev/null | wc -l) frames"
done
