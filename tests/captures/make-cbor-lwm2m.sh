#!/usr/bin/env bash
# make-cbor-lwm2m.sh -- CBOR, SenML and LwM2M captures from real peers on
# loopback (see README.md).  Run as root on Debian 12:
#
#     sudo bash tests/captures/make-cbor-lwm2m.sh
#
#   cbor.pcap    CBOR and SenML the way devices send them:
#                - libcoap's coap-client-notls GETs from lwm2m_peers.py
#                  rd-server: a CBOR map (Content-Format 60), odd but legal
#                  encodings (indefinite-length maps, arrays and strings,
#                  tags 0/1/2/3/24/55799, half floats, -0.0, 64-bit and big
#                  integers, maps nested eleven deep, unassigned simple
#                  values), SenML JSON (110) and SenML CBOR (112);
#                - curl against an http.server answering application/cbor
#                  (GET, and a POST with a CBOR body echoed back);
#                - mosquitto_pub publishing MQTT 5 messages whose content
#                  type is application/cbor and application/senml+json to
#                  mosquitto.
#   lwm2m.pcap   an LwM2M session: lwm2m_peers.py device (127.0.0.2)
#                registers with the rd-server (127.0.0.1) -- ep, lt, lwm2m,
#                b and its object links --, libcoap's coap-client-notls reads
#                its objects as the server would (Device, Server,
#                Connectivity Monitoring, Firmware Update, Location and the
#                IPSO Temperature, Humidity, Illuminance, Light Control and
#                Pressure objects) in TLV (11542), SenML JSON (110) and SenML
#                CBOR (112), the device updates its registration (lt=600)
#                and de-registers.
#
# Everything runs in network namespace cbor17-a (loopback only), deleted on
# exit, so the standard ports (CoAP 5683, HTTP 8080, MQTT 1883) are free and
# both tools decode them without Decode As.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
NS=cbor17-a
PY=/usr/bin/python3
PEERS="$HERE/lwm2m_peers.py"

. "$HERE/lib.sh"

if ! $PY -c 'import cbor2' 2>/dev/null; then
    log "installing python3-cbor2"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y python3-cbor2 || { apt-get update && apt-get install -y python3-cbor2; }
fi

loopback_namespace "$NS"
IN=(ip netns exec "$NS")
# Each request gets a token of its own: coap-client starts every run with the
# same one, and both analyzers match a response to the first request that
# used its token in the conversation.
TOKEN=16
client() {
    TOKEN=$((TOKEN + 1))
    "${IN[@]}" coap-client-notls -B 5 -T "$(printf 'c%03x' "$TOKEN")" "$@" >>"$WORK/coap-client.log" 2>&1 \
        || die "coap-client-notls $*"
    sleep 0.2
}

# --------------------------------------------------------------- cbor.pcap
log "cbor.pcap"
bg rd-server "${IN[@]}" $PY "$PEERS" rd-server 127.0.0.1 5683
bg http "${IN[@]}" $PY "$PEERS" http 127.0.0.1 8080
mosquitto_conf "$WORK/mosquitto.conf" 127.0.0.1
bg mosquitto "${IN[@]}" mosquitto -c "$WORK/mosquitto.conf"
wait_listen udp 5683 "$NS"
wait_listen tcp 8080 "$NS"
wait_listen tcp 1883 "$NS"
cap_start "${IN[@]}" "${TCPDUMP[@]}" -i lo -w "$WORK/cbor.pcap" 'udp port 5683 or tcp port 8080 or tcp port 1883'

U=coap://127.0.0.1
client -m get -A 60 "$U/cbor/sensor"
for i in 0 1 2 3 4 5; do client -m get -A 60 "$U/cbor/odd/$i"; done
client -m get -A 110 "$U/senml/json"
client -m get -A 112 "$U/senml/cbor"
# a non-confirmable request too
client -m get -N -A 60 "$U/cbor/sensor"

"${IN[@]}" curl -s -o /dev/null http://127.0.0.1:8080/sensor
"${IN[@]}" curl -s -o /dev/null http://127.0.0.1:8080/odd
$PY -c 'import cbor2, sys; sys.stdout.buffer.write(cbor2.dumps({"setpoint": 20.5, "mode": "eco", "zones": [1, 2]}))' \
    >"$WORK/post.cbor"
"${IN[@]}" curl -s -o /dev/null -H 'Content-Type: application/cbor' --data-binary @"$WORK/post.cbor" \
    http://127.0.0.1:8080/config

$PY -c 'import cbor2, sys; sys.stdout.buffer.write(cbor2.dumps({"temperature": 19.75, "humidity": 55, "rssi": -67}))' \
    >"$WORK/mqtt.cbor"
printf '[{"bn":"urn:dev:mac:0024befffe804ff2:","bt":1700000000,"n":"temp","u":"Cel","v":18.5},{"n":"hum","u":"%%RH","v":61}]' \
    >"$WORK/mqtt.senml"
"${IN[@]}" mosquitto_pub -h 127.0.0.1 -V mqttv5 -i cbor17-pub -q 1 -t sensors/cbor \
    -D publish content-type application/cbor -f "$WORK/mqtt.cbor"
"${IN[@]}" mosquitto_pub -h 127.0.0.1 -V mqttv5 -i cbor17-senml -q 0 -t sensors/senml \
    -D publish content-type application/senml+json -f "$WORK/mqtt.senml"
cap_stop

# --------------------------------------------------------------- lwm2m.pcap
log "lwm2m.pcap"
cap_start "${IN[@]}" "${TCPDUMP[@]}" -i lo -w "$WORK/lwm2m.pcap" 'udp port 5683'
TRIGGER="$WORK/device"
bg device "${IN[@]}" $PY "$PEERS" device 127.0.0.2 5683 127.0.0.1 5683 cbor17-node-1 "$TRIGGER"
DEVICE_PID=$LAST_PID
for i in $(seq 1 50); do [ -e "$TRIGGER.registered" ] && break; sleep 0.1; done
[ -e "$TRIGGER.registered" ] || die "the device did not register"

# The server reads the device from one socket of its own (127.0.0.1:20101),
# as LwM2M servers do.  With a fresh port per request, tshark 4.0 would put
# every read into one UDP stream: its CoAP layer opens a wildcard
# conversation for the device's Register sent from 127.0.0.2:5683, and any
# later peer of that address and port falls into it.
D=coap://127.0.0.2
READER=(-a 127.0.0.1 -p 20101)
for path in 3/0 3/0/9 1/0 4/0 5/0 6/0 3303/0 3303 3304/0 3301/0 3311/0 3323/0; do
    client "${READER[@]}" -m get -A 11542 "$D/$path"
done
client "${READER[@]}" -m get -A 110 "$D/3303/0"
client "${READER[@]}" -m get -A 112 "$D/3304/0"
client "${READER[@]}" -m get -A 110 "$D/3311/0"
touch "$TRIGGER.update"
for i in $(seq 1 50); do [ -e "$TRIGGER.updated" ] && break; sleep 0.1; done
client "${READER[@]}" -m get -A 11542 "$D/3303/0"
touch "$TRIGGER.stop"
for i in $(seq 1 50); do kill -0 "$DEVICE_PID" 2>/dev/null || break; sleep 0.1; done
cap_stop

for f in cbor lwm2m; do
    n=$(tshark -r "$WORK/$f.pcap" 2>/dev/null | wc -l)
    [ "$n" -ge 20 ] || die "$f.pcap: only $n frames"
    cp "$WORK/$f.pcap" "$OUT/$f.pcap"
    log "$f.pcap: $n frames"
done
