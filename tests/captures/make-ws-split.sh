#!/usr/bin/env bash
# make-ws-split.sh -- MQTT over WebSocket from a client that cuts its MQTT
# messages across WebSocket frames, as browser and JavaScript clients do.
# Run as root on Debian 12:
#
#     sudo bash tests/captures/make-ws-split.sh
#
# Debian 12's mosquitto 2.0.11 is built with libwebsockets 4.1: a
# `listener 9001` + `protocol websockets` works, provided the configuration
# also has a plain listener (without one, 2.0.11 stops with "Unable to start
# any listening sockets").  The broker runs inside the throw-away network
# namespace iotscope-ws-split (loopback only, deleted on exit).  The client,
# ws_split_client.py (standard library only, its own framing and masking),
# connects once with MQTT 3.1.1 and once with MQTT 5 and sends:
#   - CONNECT with the fixed header's first byte alone in a WebSocket frame;
#   - SUBSCRIBE over three frames in three segments;
#   - a QoS 1 PUBLISH as a fragmented WebSocket message (binary frame
#     without FIN, two continuation frames);
#   - a QoS 0 PUBLISH cut into four frames plus a PINGREQ frame, all five in
#     one TCP segment;
#   - a PUBLISH in one frame that is itself split over three TCP segments;
#   - two PUBLISHes in one frame, the second finished in the next frame;
#   - DISCONNECT, then a Close frame.
# Files go to ${CAPTURES_OUT:-this folder}:
#   mqtt-ws-split.pcap      the capture
#   mqtt-ws-split.expected  what the client sent, one MQTT message a line
#                           ("TYPE topic payload-hex"), for the tests
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
WS_PORT=9001
NS=iotscope-ws-split
N=(ip netns exec "$NS")

. "$HERE/lib.sh"

ip netns list | grep -qw "$NS" && ip netns del "$NS"
ip netns add "$NS"
NAMESPACES+=("$NS")
ip -n "$NS" link set lo up

printf 'listener 1883 127.0.0.1\nlistener %s\nprotocol websockets\nallow_anonymous true\npersistence false\n' \
    $WS_PORT >"$WORK/mosquitto.conf"
bg mosquitto "${N[@]}" mosquitto -c "$WORK/mosquitto.conf" -v
wait_listen tcp $WS_PORT "$NS"

log "mqtt-ws-split.pcap"
cap_start "${N[@]}" "${TCPDUMP[@]}" -B 16384 -i lo -w "$WORK/mqtt-ws-split.pcap" "tcp port $WS_PORT"
: >"$WORK/expected"
timeout 30 "${N[@]}" python3 "$HERE/ws_split_client.py" 127.0.0.1 $WS_PORT 4 "$WORK/expected" \
    || die "MQTT 3.1.1 client failed"
sleep 0.3
timeout 30 "${N[@]}" python3 "$HERE/ws_split_client.py" 127.0.0.1 $WS_PORT 5 "$WORK/expected" \
    || die "MQTT 5 client failed"
cap_stop

# Checks with tshark (which shows the WebSocket frames, not the MQTT).
count() { tshark -2 -r "$1" -Y "$2" 2>/dev/null | wc -l; }
[ "$(count "$WORK/mqtt-ws-split.pcap" 'http.response.code == 101')" = 2 ] || die "expected two upgrades"
[ "$(count "$WORK/mqtt-ws-split.pcap" 'websocket.opcode == 0')" -ge 4 ] || die "no continuation frames"
[ "$(tshark -r "$WORK/mqtt-ws-split.pcap" -T fields -e websocket.opcode 2>/dev/null |
     awk -F, 'NF >= 5' | wc -l)" -ge 2 ] || die "no segment with five WebSocket frames"
[ "$(count "$WORK/mqtt-ws-split.pcap" 'tcp.reassembled_in')" -ge 4 ] ||
    die "no WebSocket frame split across segments"
grep -q '^CONNECT' "$WORK/expected" || die "the client logged nothing"

cp "$WORK/mqtt-ws-split.pcap" "$OUT/mqtt-ws-split.pcap"
cp "$WORK/expected" "$OUT/mqtt-ws-split.expected"
log "mqtt-ws-split.pcap: $(capinfos -c -M "$OUT/mqtt-ws-split.pcap" | awk '/Number of packets/ {print $4}') frames"
