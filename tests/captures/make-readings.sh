#!/usr/bin/env bash
# make-readings.sh -- readings.pcap: sensor values in MQTT and CoAP payloads,
# for the readings collector (src/analysis/iot-readings.c, -z readings and the
# Insight window's Readings page).  Run as root:
#
#     sudo bash tests/captures/make-readings.sh
#
# Everything runs on the loopback interface of a throw-away network namespace
# (readings17-a, deleted on exit), so the standard ports 1883 and 5683 are
# private to it.  readings_gen.py makes every payload; its "expected"
# command lists the readings they carry (readings.expected, committed).
#  - mosquitto 2.0 broker; a dashboard (mosquitto_sub -i dashboard) follows
#    lab/greenhouse/air, so the broker's copies of those messages are on the
#    wire too;
#  - thermo-1 (MQTT 3.1.1, QoS 0): lab/thermo-1/state every 0.2 s, nested
#    objects (battery.voltage …);
#  - greenhouse-2 (MQTT 5, QoS 1, content type application/json):
#    lab/greenhouse/air every 0.25 s, exponent forms and an array;
#  - pump-3 (MQTT 3.1.1, QoS 1): plant/pump-3 every 0.2 s, silent for 2 s
#    after its 12th message (a gap the insight reports);
#  - readings_gen.py coap-server answers five GET /sensors/soil of
#    coap-client-notls with JSON (Content-Format 50), and one PUT
#    /actuators/valve carries JSON from the client.
# Each sensor is one `mosquitto_pub -l` fed by the generator, so all its
# messages share one connection, as a real device's would.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
NS=readings17-a
MQTT_PORT=1883
COAP_PORT=5683
GEN=(/usr/bin/python3 "$HERE/readings_gen.py")

. "$HERE/lib.sh"

loopback_namespace "$NS"
N=(ip netns exec "$NS")

mosquitto_conf "$WORK/mosquitto.conf" 127.0.0.1
bg mosquitto "${N[@]}" mosquitto -c "$WORK/mosquitto.conf"
wait_listen tcp "$MQTT_PORT" "$NS"
bg coap-server "${N[@]}" "${GEN[@]}" coap-server "$COAP_PORT"
wait_listen udp "$COAP_PORT" "$NS"

cap_start "${N[@]}" "${TCPDUMP[@]}" -i lo -w "$WORK/readings.pcap" \
    "tcp port $MQTT_PORT or udp port $COAP_PORT"

bg dashboard "${N[@]}" mosquitto_sub -i dashboard -t 'lab/greenhouse/air' -q 0
DASH=$LAST_PID
sleep 0.3

"${GEN[@]}" mqtt thermo | "${N[@]}" mosquitto_pub -V mqttv311 -i thermo-1 -q 0 -t lab/thermo-1/state -l &
A=$!
"${GEN[@]}" mqtt greenhouse | "${N[@]}" mosquitto_pub -V mqttv5 -i greenhouse-2 -q 1 \
    -D publish content-type application/json -t lab/greenhouse/air -l &
B=$!
"${GEN[@]}" mqtt pump | "${N[@]}" mosquitto_pub -V mqttv311 -i pump-3 -q 1 -t plant/pump-3 -l &
C=$!
PIDS+=("$A" "$B" "$C")

coap() { "${N[@]}" coap-client-notls -B 5 "$@" >>"$WORK/coap-client.log" 2>&1; sleep 0.2; }
for i in 1 2 3 4 5; do
    coap coap://127.0.0.1/sensors/soil
done
coap -m put -t 50 -e '{"open": 75, "flow_lpm": -0.5, "mode": "auto"}' coap://127.0.0.1/actuators/valve

for p in "$A" "$B" "$C"; do
    wait "$p" || die "a sensor failed"
    forget "$p"
done
sleep 0.3
stop_pid "$DASH"
cap_stop

# Check with tshark: every message arrived.
count() { tshark -r "$WORK/readings.pcap" -Y "$1" 2>/dev/null | wc -l; }
for spec in "lab/thermo-1/state 10" "lab/greenhouse/air 16" "plant/pump-3 20"; do
    set -- $spec
    n=$(count "mqtt.msgtype == 3 && mqtt.topic == \"$1\"")
    [ "$n" = "$2" ] || die "$1: $n PUBLISH frames, want $2"
done
[ "$(count 'coap.code == 69')" = 5 ] || die "not five CoAP 2.05 answers"
[ "$(count 'coap.code == 68')" = 1 ] || die "no CoAP 2.04 answer to the PUT"
s=$(stat -c %s "$WORK/readings.pcap")
[ "$s" -lt 102400 ] || die "readings.pcap is too large ($s bytes)"

"${GEN[@]}" expected >"$WORK/readings.expected"
cp "$WORK/readings.pcap" "$OUT/readings.pcap.tmp" && mv "$OUT/readings.pcap.tmp" "$OUT/readings.pcap"
cp "$WORK/readings.expected" "$OUT/readings.expected"
log "wrote $OUT/readings.pcap ($s bytes) and readings.expected"
