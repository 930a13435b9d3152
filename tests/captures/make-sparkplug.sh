#!/usr/bin/env bash
# make-sparkplug.sh -- sparkplug.pcap: a Sparkplug B edge node and device
# (sparkplug_edge.py, paho-mqtt with classes protoc generates from the
# committed data/protobuf/sparkplug_b.proto), a SCADA host subscribed to
# everything, and a lab meter publishing plain protobuf (protos/meter.proto)
# on lab/meter/N, all through mosquitto on loopback port 20201.
#
# Run as root on Debian 12:   sudo bash tests/captures/make-sparkplug.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
ROOT=$(cd "$HERE/../.." && pwd)
PORT=20201

. "$HERE/lib.sh"

command -v protoc >/dev/null 2>&1 && /usr/bin/python3 -c 'import paho.mqtt, google.protobuf' 2>/dev/null || {
    log "installing protobuf-compiler python3-protobuf python3-paho-mqtt"
    DEBIAN_FRONTEND=noninteractive apt-get install -y protobuf-compiler python3-protobuf python3-paho-mqtt \
        || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y protobuf-compiler python3-protobuf python3-paho-mqtt; }
}

mkdir -p "$WORK/gen"
protoc -I "$ROOT/data/protobuf" --python_out="$WORK/gen" "$ROOT/data/protobuf/sparkplug_b.proto"
protoc -I "$HERE/protos" --python_out="$WORK/gen" "$HERE/protos/meter.proto" "$HERE/protos/lab/units.proto"

port_free tcp $PORT
{ echo "listener $PORT 127.0.0.1"; echo "allow_anonymous true"; echo "persistence false"
  echo "log_dest stderr"; } >"$WORK/mosquitto.conf"
bg mosquitto mosquitto -c "$WORK/mosquitto.conf"
wait_listen tcp $PORT
cap_start "${TCPDUMP[@]}" -i lo -s 0 -w "$WORK/sparkplug.pcap" "tcp port $PORT"
/usr/bin/python3 "$HERE/sparkplug_edge.py" $PORT "$WORK/gen"
cap_stop
cp "$WORK/sparkplug.pcap" "$OUT/sparkplug.pcap"
log "wrote $OUT/sparkplug.pcap ($(capinfos -c -M "$OUT/sparkplug.pcap" | awk '/Number of packets/ {print $NF}') frames)"
