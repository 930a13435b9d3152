#!/usr/bin/env bash
# make-insight-causes.sh -- captures of IoT field failures whose cause is only
# seen by correlating sessions, topics and timing, for the insight rules.
# Run as root:
#
#     sudo bash tests/captures/make-insight-causes.sh
#
# Writes into ${CAPTURES_OUT:-this folder}; everything runs on the loopback
# interface of a throw-away network namespace (deleted on exit):
#
# mqtt-clientid-clash.pcap: two subscribers on the same host connect to a
#   real mosquitto with the same client id ("kitchen-display"), one with
#   MQTT 3.1.1 and one with MQTT 5.  Each CONNECT makes the broker close the
#   other's connection (the v5 one gets DISCONNECT 0x8E "Session taken
#   over"), and both clients reconnect on their own, so the session goes
#   back and forth about once a second.  A third client publishes a reading
#   every 0.5 s to show what the two subscribers miss.
#
# mqtt-topic-mismatch.pcap: a real mosquitto; a dashboard subscribes to
#   sensors/+/temperature, home/kitchen/# and alerts/+ ; devices publish to
#   sensors/hall/temperature (matches), sensor/kitchen/temperature (typo:
#   "sensor" for "sensors"), Home/Kitchen/light (case), sensors/temperature
#   (a level missing), alerts/door/open (one level too many for "+") and
#   diag/uptime (nobody subscribes, nothing near).
#
# mqtt-acl-not-forwarded.pcap: mosquitto with an access control list that
#   lets the user "dashboard" read sensors/# only; the dashboard subscribes to
#   sensors/# and secret/# (both granted), the user "thermo" publishes
#   sensors/attic/temperature (delivered) and secret/door (acknowledged, never
#   delivered).
#
# mqtt-too-large.pcap: mosquitto with max_packet_size 2048; a device sends
#   three small readings at QoS 1 (acknowledged), then a 4000-byte log as
#   MQTT 3.1.1 -- the broker drops the connection without a word -- and
#   reconnects to send one more reading.
#
# mqtt-slow-broker.pcap: mqtt_slow_broker.py as the broker: it answers every
#   fifth QoS 1 PUBLISH 0.9 s late (the kernel's TCP ACK still comes at
#   once).  The device publishes a pressure reading every 0.2 s with one
#   message in flight and drops readings that fall due while it waits, so
#   the broker's stalls become holes in the device's series.
# tls-failures.pcap: openssl s_server on 127.0.0.1:8883 (TLS 1.2, so the
#   certificate is readable) and openssl s_client -verify_return_error,
#   one connection each: a certificate that expired in 2024; one valid only
#   from 2030; a client without the CA certificate (unknown_ca); a client
#   that asks for other.plant.test (name mismatch); two connections of a
#   device whose clock says 2001 (-attime) and whose two NTP requests (to a
#   server that does not answer) went unanswered; a client that insists on
#   TLS 1.3 (protocol_version).  The CA and certificates are made by the
#   script with openssl ca.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
NS=iotscope-causes
PORT=1883

. "$HERE/lib.sh"

loopback_namespace "$NS"
N=(ip netns exec "$NS")
mosquitto_conf "$WORK/mosquitto.conf" 127.0.0.1

start_broker() {
    bg mosquitto "${N[@]}" mosquitto -c "$WORK/mosquitto.conf"
    BROKER=$LAST_PID
    wait_listen tcp "$PORT" "$NS"
}

# ---- two clients, one client id
start_broker
cap_start "${N[@]}" "${TCPDUMP[@]}" -i lo -w "$WORK/mqtt-clientid-clash.pcap" tcp port "$PORT"
bg publisher "${N[@]}" bash -c "for i in \$(seq 1 12); do echo \"{\\\"lux\\\":\$((300 + i))}\"; sleep 0.5; done \
    | mosquitto_pub -i light-sensor-3 -t home/kitchen/lux -l -q 0"
PUB=$LAST_PID
sleep 0.2
bg display-a "${N[@]}" timeout 5 mosquitto_sub -i kitchen-display -t 'home/kitchen/#' -V mqttv311
sleep 0.4
bg display-b "${N[@]}" timeout 4.4 mosquitto_sub -i kitchen-display -t 'home/kitchen/#' -V mqttv5
sleep 5.2
stop_pid "$PUB"
cap_stop
stop_pid "$BROKER"
grep -c "already connected" "$WORK/mosquitto.log" >/dev/null || die "the broker saw no session take-over"

# ---- topics that do not meet
start_broker
cap_start "${N[@]}" "${TCPDUMP[@]}" -i lo -w "$WORK/mqtt-topic-mismatch.pcap" tcp port "$PORT"
bg dashboard "${N[@]}" mosquitto_sub -i dashboard -t 'sensors/+/temperature' -t 'home/kitchen/#' -t 'alerts/+' -q 1
DASH=$LAST_PID
sleep 0.4
publish() {   # publish CLIENT TOPIC MESSAGE...: one connection, one message per line
    local client=$1 topic=$2; shift 2
    printf '%s\n' "$@" | "${N[@]}" mosquitto_pub -i "$client" -t "$topic" -l -q 1
}
publish hall-thermo sensors/hall/temperature '{"c":21.5}' '{"c":21.6}'
publish kitchen-thermo sensor/kitchen/temperature '{"c":23.1}' '{"c":23.0}' '{"c":23.2}'
publish kitchen-lamp Home/Kitchen/light on off
publish attic-thermo sensors/temperature '{"c":12.9}'
publish door-7 alerts/door/open 1
publish gw-uptime diag/uptime 86400
sleep 0.4
stop_pid "$DASH"
cap_stop
stop_pid "$BROKER"

# ---- an access control list that lets a subscriber subscribe but not read
cat >"$WORK/acl" <<EOF
user dashboard
topic read sensors/#
user thermo
topic write sensors/#
topic write secret/#
EOF
chmod 644 "$WORK/acl"
mosquitto_conf "$WORK/mosquitto-limits.conf" 127.0.0.1 "acl_file $WORK/acl" "max_packet_size 2048"
bg mosquitto-limits "${N[@]}" mosquitto -c "$WORK/mosquitto-limits.conf"
BROKER=$LAST_PID
wait_listen tcp "$PORT" "$NS"
cap_start "${N[@]}" "${TCPDUMP[@]}" -i lo -w "$WORK/mqtt-acl-not-forwarded.pcap" tcp port "$PORT"
bg dashboard-acl "${N[@]}" mosquitto_sub -i wall-panel -u dashboard -t 'sensors/#' -t 'secret/#' -q 1
DASH=$LAST_PID
sleep 0.4
"${N[@]}" mosquitto_pub -i attic-thermo -u thermo -t sensors/attic/temperature -m '{"c":17.2}' -q 1
"${N[@]}" mosquitto_pub -i door-sensor -u thermo -t secret/door -m open -q 1
"${N[@]}" mosquitto_pub -i door-sensor -u thermo -t secret/door -m closed -q 1
sleep 0.4
stop_pid "$DASH"
cap_stop

# ---- a message larger than the broker takes
cap_start "${N[@]}" "${TCPDUMP[@]}" -i lo -w "$WORK/mqtt-too-large.pcap" tcp port "$PORT"
printf '{"v":%s}\n' 3.31 3.30 3.29 | "${N[@]}" mosquitto_pub -i logger-5 -t site/logger-5/battery -l -q 1
head -c 4000 /dev/zero | tr '\0' 'L' >"$WORK/log.txt"
"${N[@]}" mosquitto_pub -i logger-5 -t site/logger-5/log -f "$WORK/log.txt" -q 1 -V mqttv311 \
    && die "the broker took a packet over its max_packet_size"
"${N[@]}" mosquitto_pub -i logger-5 -t site/logger-5/battery -m '{"v":3.28}' -q 1
cap_stop
stop_pid "$BROKER"
grep -q "oversize packet" "$WORK/mosquitto-limits.log" || die "the broker did not drop the oversize packet"

# ---- TLS handshakes that fail, each for its own reason
(
    cd "$WORK"
    cat >ca.cnf <<'EOF'
[ ca ]
default_ca = ca_default
[ ca_default ]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = policy_any
copy_extensions = copy
[ policy_any ]
commonName = supplied
EOF
    : >index.txt; echo "unique_subject = no" >index.txt.attr; echo 1000 >serial
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 -subj "/CN=Plant Test CA"
    openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj "/CN=broker.plant.test" \
        -addext "subjectAltName=DNS:broker.plant.test"
    for spec in "expired 20230101000000Z 20240101000000Z" "future 20300101000000Z 20310101000000Z" \
                "good 20250101000000Z 20350101000000Z"; do
        set -- $spec
        openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in srv.csr -out "$1.pem" \
            -startdate "$2" -enddate "$3"
    done
) >"$WORK/ca.log" 2>&1 || die "could not make the test certificates"
cap_start "${N[@]}" "${TCPDUMP[@]}" -i lo -w "$WORK/tls-failures.pcap" tcp port 8883 or udp port 123
tls_try() {   # tls_try CERT SERVER-OPTIONS -- CLIENT-OPTIONS: one handshake, which must fail
    local cert=$1 sopts=() copts=()
    shift
    while [ "$1" != -- ]; do sopts+=("$1"); shift; done
    shift
    copts=("$@")
    bg s_server "${N[@]}" openssl s_server -accept 127.0.0.1:8883 -cert "$WORK/$cert" -key "$WORK/srv.key" \
        -quiet -naccept 1 -tls1_2 "${sopts[@]}"
    wait_listen tcp 8883 "$NS"
    if echo | "${N[@]}" timeout 5 openssl s_client -connect 127.0.0.1:8883 -verify_return_error "${copts[@]}" \
        >"$WORK/s_client.log" 2>&1; then
        die "the TLS handshake with $cert ${copts[*]} should have failed"
    fi
    stop_pid "$LAST_PID"
}
ntp_ask() {   # one SNTP request (mode 3) to a server that does not answer
    "${N[@]}" python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(bytes([0x23]) + bytes(47), ("127.0.0.1", 123))'
}
cd "$WORK"
tls_try expired.pem -- -CAfile ca.pem -servername broker.plant.test
tls_try future.pem -- -CAfile ca.pem -servername broker.plant.test
tls_try good.pem -- -servername broker.plant.test
tls_try good.pem -- -CAfile ca.pem -servername other.plant.test -verify_hostname other.plant.test
ntp_ask; sleep 0.3; ntp_ask
tls_try good.pem -- -CAfile ca.pem -servername broker.plant.test -attime 1000000000
tls_try good.pem -- -CAfile ca.pem -servername broker.plant.test -attime 1000000000
tls_try good.pem -- -CAfile ca.pem -servername broker.plant.test -tls1_3
cd "$HERE"
cap_stop

# ---- a broker that is slow to acknowledge
cap_start "${N[@]}" "${TCPDUMP[@]}" -i lo -w "$WORK/mqtt-slow-broker.pcap" tcp port "$PORT"
bg slow-broker "${N[@]}" python3 "$HERE/mqtt_slow_broker.py" broker "$PORT" 5 0.9
wait_listen tcp "$PORT" "$NS"
"${N[@]}" python3 "$HERE/mqtt_slow_broker.py" device "$PORT" baro-12 plant/boiler/pressure 0.2 30
cap_stop

n=$(tshark -r "$WORK/tls-failures.pcap" -Y 'tls.alert_message.level == 2' 2>/dev/null | wc -l)
[ "$n" -eq 7 ] || die "tls-failures.pcap: $n fatal alerts instead of 7"
for f in mqtt-clientid-clash mqtt-topic-mismatch mqtt-acl-not-forwarded mqtt-too-large mqtt-slow-broker tls-failures; do
    n=$(tshark -r "$WORK/$f.pcap" -Y 'mqtt || tls' 2>/dev/null | wc -l)
    [ "$n" -gt 5 ] || die "$f.pcap: only $n MQTT/TLS frames"
    cp "$WORK/$f.pcap" "$OUT/$f.pcap"
    log "$f.pcap: $(capinfos -c -M "$OUT/$f.pcap" | awk '/Number of packets/ {print $NF}') frames"
done
