#!/usr/bin/env bash
# make-http-ws.sh -- HTTP and WebSocket captures made with real programs on
# loopback.  Run as root on Debian 12:
#
#     sudo bash tests/captures/make-http-ws.sh
#
#   http-chunked.pcap  HTTP/1.1 keep-alive: a chunked response streamed in
#                      pieces, a POST with a text reply, a 404 (port 8080).
#   http-split.pcap    a response whose headers and body arrive in several
#                      TCP segments (port 80).
#   mqtt-ws.pcap       MQTT over WebSocket (paho-mqtt client, python3-websockets
#                      bridge in front of mosquitto) and a WebSocket echo
#                      session with text, binary, ping/pong and close (port 9001).
# Files go to ${CAPTURES_OUT:-this folder}.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
HTTP_CHUNKED_PORT=8080
HTTP_SPLIT_PORT=80
WS_PORT=9001
BROKER_PORT=18830        # broker behind the bridge; not captured

. "$HERE/lib.sh"

# Debian's python3 (not a pyenv one) with the two Python libraries we use.
PY=/usr/bin/python3
need=()
$PY -c 'import websockets' 2>/dev/null || need+=(python3-websockets)
$PY -c 'import paho.mqtt.client' 2>/dev/null || need+=(python3-paho-mqtt)
if [ ${#need[@]} -gt 0 ]; then
    log "installing missing packages: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y "${need[@]}" || { apt-get update && apt-get install -y "${need[@]}"; }
fi

expect() {   # expect FILE FILTER MIN
    local n
    n=$(tshark -r "$1" -Y "$2" 2>/dev/null | wc -l)
    [ "$n" -ge "$3" ] || die "$(basename "$1"): only $n frames match '$2' (want >= $3)"
}

CURL_OPTS=(-sS --http1.1 -A iotscope-capture/1.0 -o /dev/null --max-time 5)
CURL=(curl "${CURL_OPTS[@]}")

# --------------------------------------------------------------- http-chunked.pcap
log "http-chunked.pcap"
port_free tcp $HTTP_CHUNKED_PORT
bg chunked $PY "$HERE/http_ws_servers.py" chunked $HTTP_CHUNKED_PORT
wait_listen tcp $HTTP_CHUNKED_PORT
cap_start "${TCPDUMP[@]}" -i lo -w "$WORK/http-chunked.pcap" "tcp port $HTTP_CHUNKED_PORT"
# One connection, three requests (keep-alive).
"${CURL[@]}" "http://127.0.0.1:$HTTP_CHUNKED_PORT/form" \
    -H 'Content-Type: text/plain' -d 'sensor=t1 value=21.5' \
    --next "${CURL_OPTS[@]}" "http://127.0.0.1:$HTTP_CHUNKED_PORT/chunked" \
    --next "${CURL_OPTS[@]}" "http://127.0.0.1:$HTTP_CHUNKED_PORT/chunked" \
    --next "${CURL_OPTS[@]}" "http://127.0.0.1:$HTTP_CHUNKED_PORT/nothing"
cap_stop

# --------------------------------------------------------------- http-split.pcap
log "http-split.pcap"
port_free tcp $HTTP_SPLIT_PORT
bg split $PY "$HERE/http_ws_servers.py" split $HTTP_SPLIT_PORT
wait_listen tcp $HTTP_SPLIT_PORT
cap_start "${TCPDUMP[@]}" -i lo -w "$WORK/http-split.pcap" "tcp port $HTTP_SPLIT_PORT"
"${CURL[@]}" "http://127.0.0.1:$HTTP_SPLIT_PORT/slow"
cap_stop

# --------------------------------------------------------------- mqtt-ws.pcap
log "mqtt-ws.pcap"
port_free tcp $WS_PORT
port_free tcp $BROKER_PORT
printf 'listener %s 127.0.0.1\nallow_anonymous true\n' $BROKER_PORT > "$WORK/mosquitto.conf"
bg mosquitto-ws mosquitto -c "$WORK/mosquitto.conf"
wait_listen tcp $BROKER_PORT
bg wsbridge $PY "$HERE/http_ws_servers.py" wsbridge $WS_PORT $BROKER_PORT
wait_listen tcp $WS_PORT
cap_start "${TCPDUMP[@]}" -i lo -w "$WORK/mqtt-ws.pcap" "tcp port $WS_PORT"
$PY "$HERE/ws_clients.py" mqtt $WS_PORT
sleep 0.3
$PY "$HERE/ws_clients.py" echo $WS_PORT
cap_stop

# --------------------------------------------------------------- checks
expect "$WORK/http-chunked.pcap" 'http.transfer_encoding == "chunked"' 2
expect "$WORK/http-chunked.pcap" 'http.request.method == "POST"' 1
expect "$WORK/http-split.pcap" 'http.response.code == 200' 1
expect "$WORK/mqtt-ws.pcap" 'http.response.code == 101' 2
expect "$WORK/mqtt-ws.pcap" 'websocket.opcode == 2' 8
expect "$WORK/mqtt-ws.pcap" 'websocket.opcode == 9' 1
for f in http-chunked.pcap http-split.pcap mqtt-ws.pcap; do
    size=$(stat -c %s "$WORK/$f")
    [ "$size" -lt 100000 ] || die "$f is $size bytes (want < 100 KB)"
    cp "$WORK/$f" "$OUT/$f"
    log "wrote $OUT/$f ($size bytes)"
done
