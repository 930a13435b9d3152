#!/usr/bin/env bash
# make-insight.sh -- a capture for the IoT insight report (src/analysis/iot-insight.c):
# periodic sensors on a real mosquitto broker, one of them far chattier than
# its peers and one that skips two readings.  Run as root:
#
#     sudo bash tests/captures/make-insight.sh
#
# Writes insight-periodic.pcap and tls-weak.pcap into ${CAPTURES_OUT:-this
# folder}.  Everything runs on the loopback interface of a throw-away network
# namespace (deleted on exit).  Time is compressed: a "reading" every 0.2 s instead of every
# minute, so the whole capture lasts about 3.5 s.
#  - sensor-a publishes sensors/sensor-a/temperature every 0.2 s at QoS 1;
#  - sensor-b publishes sensors/sensor-b/temperature every 0.2 s at QoS 0,
#    but skips readings 8 and 9 (a gap of three periods);
#  - sensor-c publishes sensors/sensor-c/temperature every 0.02 s (ten times
#    as often as its peers: the "chatty device");
#  - a dashboard (mosquitto_sub) subscribes to sensors/+/temperature.
# tls-weak.pcap: `openssl s_server -HTTP` on 127.0.0.1:443 of the namespace
# and `openssl s_client`, twice: TLS 1.0 (AES128-SHA), then TLS 1.2 with the
# NULL-SHA256 suite (no encryption at all); each time the client asks for
# /status.json and the server answers with a small JSON document, which in
# the second connection travels readable (only a MAC is added).  OpenSSL 3
# only agrees to these with "@SECLEVEL=0"; the key is a throw-away RSA-2048
# self-signed one.
# Each sensor is one `mosquitto_pub -l` that publishes every line a shell
# loop writes into its stdin, so all readings of a sensor share one
# connection, as a real device's would.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
NS=iotscope-insight
PORT=1883

. "$HERE/lib.sh"

ip netns del "$NS" 2>/dev/null || true
NAMESPACES=("$NS")
ip netns add "$NS"
ip -n "$NS" link set lo up
N=(ip netns exec "$NS")

cat >"$WORK/mosquitto.conf" <<EOF
listener $PORT 127.0.0.1
allow_anonymous true
persistence false
log_dest stderr
EOF
bg mosquitto "${N[@]}" mosquitto -c "$WORK/mosquitto.conf"
wait_listen tcp "$PORT" "$NS"

cap_start "${N[@]}" "${TCPDUMP[@]}" -i lo -w "$WORK/insight-periodic.pcap" tcp port "$PORT"

bg dashboard "${N[@]}" mosquitto_sub -i dashboard -t 'sensors/+/temperature' -q 0
DASH=$LAST_PID
sleep 0.3

# sensor NAME QOS PERIOD COUNT SKIP...: publishes COUNT readings, one every
# PERIOD seconds, leaving out the readings whose numbers are in SKIP.
sensor() {
    local name=$1 qos=$2 period=$3 count=$4 i skip
    shift 4
    for i in $(seq 1 "$count"); do
        skip=0
        for s in "$@"; do [ "$s" = "$i" ] && skip=1; done
        [ "$skip" = 1 ] || printf '{"sensor":"%s","reading":%d,"celsius":%d.%d}\n' \
            "$name" "$i" $((20 + i % 3)) $((i % 10))
        sleep "$period"
    done | "${N[@]}" mosquitto_pub -i "$name" -q "$qos" -t "sensors/$name/temperature" -l
}

sensor sensor-a 1 0.2 15 &
A=$!
sensor sensor-b 0 0.2 15 8 9 &
B=$!
sensor sensor-c 0 0.02 120 &
C=$!
PIDS+=("$A" "$B" "$C")
for p in "$A" "$B" "$C"; do
    wait "$p" || die "a sensor failed"
    forget "$p"
done
sleep 0.3
stop_pid "$DASH"
cap_stop

# Check with tshark: every reading arrived, and the broker forwarded them.
count() { tshark -r "$WORK/insight-periodic.pcap" -Y "$1" 2>/dev/null | wc -l; }
for spec in "sensor-a 15" "sensor-b 13" "sensor-c 120"; do
    set -- $spec
    n=$(tshark -r "$WORK/insight-periodic.pcap" -Y "mqtt.msgtype == 3 && tcp.dstport == $PORT" \
        -T fields -e mqtt.topic 2>/dev/null | tr ',' '\n' | grep -c "sensors/$1/temperature" || true)
    [ "$n" = "$2" ] || die "$1: $n readings published, want $2"
done
[ "$(count 'mqtt.msgtype == 4')" -ge 1 ] || die "no PUBACK for sensor-a"

# ------------------------------------------------------------ tls-weak.pcap
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/weak.key" -out "$WORK/weak.crt" \
    -subj /CN=weak-device.local -days 2 >/dev/null 2>&1 || die "openssl req failed"
# s_server -HTTP sends the file as it is: it holds the whole HTTP response.
mkdir -p "$WORK/www"
printf 'HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nContent-Length: 14\r\n\r\n{"temp":21.5}\n' \
    >"$WORK/www/status.json"
cap_start "${N[@]}" "${TCPDUMP[@]}" -i lo -w "$WORK/tls-weak.pcap" tcp port 443
for spec in "-tls1 AES128-SHA" "-tls1_2 NULL-SHA256"; do
    set -- $spec
    (cd "$WORK/www" && exec "${N[@]}" openssl s_server -accept 127.0.0.1:443 -cert "$WORK/weak.crt" \
        -key "$WORK/weak.key" "$1" -cipher "$2:@SECLEVEL=0" -quiet -HTTP) >"$WORK/s_server.log" 2>&1 &
    SRV=$!
    PIDS+=("$SRV")
    wait_listen tcp 443 "$NS"
    # stdin stays open a moment so that the answer arrives before s_client quits.
    { printf 'GET /status.json HTTP/1.0\r\nHost: weak-device.local\r\n\r\n'; sleep 1; } \
        | timeout 5 "${N[@]}" openssl s_client -connect 127.0.0.1:443 "$1" \
            -cipher "$2:@SECLEVEL=0" -quiet >"$WORK/s_client.out" 2>/dev/null || true
    grep -q '"temp"' "$WORK/s_client.out" || die "tls-weak.pcap: no answer over $2"
    stop_pid "$SRV"
done
cap_stop
[ "$(tshark -r "$WORK/tls-weak.pcap" -Y 'tls.handshake.type == 2' 2>/dev/null | wc -l)" = 2 ] \
    || die "tls-weak.pcap: want two Server Hellos"
[ "$(tshark -r "$WORK/tls-weak.pcap" -Y 'http.request' 2>/dev/null | wc -l)" = 1 ] \
    || die "tls-weak.pcap: want the request of the NULL-cipher connection readable"

for name in insight-periodic tls-weak; do
    size=$(stat -c %s "$WORK/$name.pcap")
    [ "$size" -lt 100000 ] || die "$name.pcap is $size bytes (limit 100 KB)"
    cp "$WORK/$name.pcap" "$OUT/$name.pcap"
    log "$name.pcap: $(capinfos -c -M "$OUT/$name.pcap" | awk '/Number of packets/ {print $4}') frames, $size bytes"
done
