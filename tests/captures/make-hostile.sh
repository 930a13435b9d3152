#!/usr/bin/env bash
# make-hostile.sh -- hostile-strings.pcap: strings from the wire holding
# control bytes (BEL, ESC, DC2, CR, LF, TAB, NUL, DEL) and bytes that are not
# valid UTF-8 (lone continuation bytes, truncated and overlong sequences, a
# UTF-16 surrogate), in an HTTP request line, header and body sent to python
# http.server, MQTT topics and payloads published to mosquitto (which closes
# on the worst) and a client id it refuses, and DNS query names and TXT answers between
# a small UDP client and responder.  All peers run in a throw-away network
# namespace (its own loopback), so the standard ports pick the dissectors.
# The clients are hostile_peers.py.
#
# Run as root on Debian 12:   sudo bash tests/captures/make-hostile.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
NS=iotscope-hostile-$$

. "$HERE/lib.sh"

ip netns add "$NS"
NAMESPACES+=("$NS")
IN=(ip netns exec "$NS")
"${IN[@]}" ip link set lo up

cat > "$WORK/mosquitto.conf" <<CONF
listener 1883 127.0.0.1
allow_anonymous true
CONF
bg mosquitto "${IN[@]}" mosquitto -c "$WORK/mosquitto.conf"
mkdir -p "$WORK/www"
echo hello > "$WORK/www/index.html"
bg http "${IN[@]}" python3 -m http.server 80 --bind 127.0.0.1 --directory "$WORK/www"
bg dns "${IN[@]}" python3 "$HERE/hostile_peers.py" dns-server 127.0.0.1 53
wait_listen tcp 1883 "$NS"
wait_listen tcp 80 "$NS"
wait_listen udp 53 "$NS"

cap_start "${IN[@]}" tcpdump -i lo -n -U -w "$WORK/hostile-strings.pcap" "port 80 or port 1883 or port 53"
"${IN[@]}" python3 "$HERE/hostile_peers.py" http 127.0.0.1 80
"${IN[@]}" python3 "$HERE/hostile_peers.py" mqtt 127.0.0.1 1883
"${IN[@]}" python3 "$HERE/hostile_peers.py" dns 127.0.0.1 53
cap_stop

for filter in http.request mqtt.msgtype==3 "dns.flags.response==1"; do
    n=$(tshark -r "$WORK/hostile-strings.pcap" -Y "$filter" 2>/dev/null | wc -l)
    [ "$n" -ge 2 ] || die "only $n frames match $filter"
done
cp "$WORK/hostile-strings.pcap" "$OUT/hostile-strings.pcap"
log "wrote $OUT/hostile-strings.pcap ($(capinfos -c -M "$OUT/hostile-strings.pcap" | awk '/Number of packets/ {print $NF}') frames)"
