#!/usr/bin/env bash
# make-captures.sh -- (re)generate the small real-traffic test captures in
# tests/captures/.  Run as root on Debian 12:
#
#     sudo bash tests/captures/make-captures.sh
#
# All traffic stays on loopback (127.0.0.1 / ::1) or inside two network
# namespaces + a veth pair created here and deleted again on exit.  Every
# process started here is killed on exit (trap).  Files are built in a temp
# dir and only copied into tests/captures/ once everything succeeded.
#
# See README.md in this folder for what each capture contains.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}   # CAPTURES_OUT=DIR writes elsewhere (to compare)
NS_A=iotscope-cap-a
NS_B=iotscope-cap-b
MQTT_PORT=1883      # standard port on purpose (dissector hand-off)
COAP_PORT=5683      # standard port on purpose (dissector hand-off)
HTTP4_PORT=8000
HTTP6_PORT=8001
NS_HTTP_PORT=8080   # only inside the namespaces
CLOSED_UDP_PORT=33999

. "$HERE/lib.sh"


# --------------------------------------------------------------- MQTT helpers
MQTT_CONF=$WORK/mosquitto.conf
cat >"$MQTT_CONF" <<EOF
listener $MQTT_PORT 127.0.0.1
allow_anonymous true
persistence false
log_dest stderr
EOF

BROKER_PID=
broker_start() {
    port_free tcp "$MQTT_PORT"
    bg mosquitto mosquitto -c "$MQTT_CONF"
    BROKER_PID=$LAST_PID
    wait_listen tcp "$MQTT_PORT"
}
broker_stop() { stop_pid "$BROKER_PID"; BROKER_PID=; }

MQTT_FILTER="tcp port $MQTT_PORT and host 127.0.0.1"
H=(-h 127.0.0.1 -p "$MQTT_PORT")

# deterministic 3000-byte payload
python3 -c 'import sys; sys.stdout.write(("".join("%04d:iotscope-blob;" % i for i in range(200)))[:3000])' \
    >"$WORK/blob3000.txt"
[ "$(stat -c %s "$WORK/blob3000.txt")" = 3000 ] || die "blob payload size"

# mqtt_session VERSION(mqttv311|mqttv5) OUTFILE TCPDUMP-EXTRA-ARGS...
mqtt_session() {
    local v=$1 out=$2; shift 2
    local tag=${v#mqtt} p5=() s5=() w5=() sub rc
    if [ "$v" = mqttv5 ]; then
        s5=(-D connect session-expiry-interval 30 -D connect user-property app iotscope
            -D connect receive-maximum 20 -D subscribe subscription-identifier 7
            -D subscribe user-property sub main)
        w5=(-D will content-type text/plain -D will user-property reason crash
            -D will message-expiry-interval 120)
    fi
    broker_start
    cap_start "${TCPDUMP[@]}" -i lo "$@" -w "$WORK/$out" "$MQTT_FILTER"

    # long-lived subscriber, QoS 2; exits cleanly (DISCONNECT) after 6 messages
    bg "sub-$tag" mosquitto_sub "${H[@]}" -V "$v" -i "iot-sub-$tag" -q 2 -t 'sensors/#' -v \
        -C 6 -W 25 "${s5[@]}"
    sub=$LAST_PID
    sleep 1

    if [ "$v" = mqttv5 ]; then
        p5=(-D publish user-property k v)
    fi
    mosquitto_pub "${H[@]}" -V "$v" -i "iot-pub-q0-$tag" -q 0 -t sensors/temperature \
        -m '{"t":21.5}' "${p5[@]}"
    sleep 0.2
    [ "$v" = mqttv5 ] && p5=(-D publish message-expiry-interval 60
        -D publish content-type application/json -D publish payload-format-indicator 1)
    mosquitto_pub "${H[@]}" -V "$v" -i "iot-pub-q1-$tag" -q 1 -t sensors/humidity \
        -m '{"rh":48}' "${p5[@]}"
    sleep 0.2
    [ "$v" = mqttv5 ] && p5=(-D publish response-topic sensors/reply/door
        -D publish correlation-data req-0001 -D publish user-property k v
        -D publish user-property site lab)
    mosquitto_pub "${H[@]}" -V "$v" -i "iot-pub-q2-$tag" -q 2 -t sensors/door \
        -m open "${p5[@]}"
    sleep 0.2
    [ "$v" = mqttv5 ] && p5=(-D publish message-expiry-interval 3600
        -D publish content-type text/plain)
    mosquitto_pub "${H[@]}" -V "$v" -i "iot-pub-ret-$tag" -q 1 -r -t sensors/status \
        -m online "${p5[@]}"
    sleep 0.2
    [ "$v" = mqttv5 ] && p5=(-D publish content-type application/octet-stream)
    mosquitto_pub "${H[@]}" -V "$v" -i "iot-pub-big-$tag" -q 1 -t sensors/blob \
        -f "$WORK/blob3000.txt" "${p5[@]}"
    sleep 0.2
    # a new subscriber gets the retained message with the RETAIN flag set
    mosquitto_sub "${H[@]}" -V "$v" -i "iot-sub-ret-$tag" -q 1 -t sensors/status -C 1 -W 5 \
        >"$WORK/sub-ret-$tag.log"
    sleep 0.2
    # will: client connects with a will, then dies without DISCONNECT
    bg "will-$tag" mosquitto_sub "${H[@]}" -V "$v" -i "iot-will-$tag" -q 1 -t control/cmd \
        --will-topic sensors/lastwill --will-payload offline --will-qos 1 "${w5[@]}"
    sleep 1
    stop_pid "$LAST_PID" KILL
    sleep 0.3
    # hand-rolled client: SUBSCRIBE (v5 options), PINGREQ, UNSUBSCRIBE, DISCONNECT
    python3 "$HERE/mqtt_raw.py" "${tag/v/}" 127.0.0.1 "$MQTT_PORT"

    rc=0; wait "$sub" || rc=$?
    forget "$sub"
    [ "$rc" = 0 ] || die "mosquitto_sub ($v) did not receive all 6 messages (rc=$rc)"
    cap_stop
    broker_stop
}

# --------------------------------------------------------------- 1+2: MQTT
log "mqtt311.pcap"
mqtt_session mqttv311 mqtt311.pcap
log "mqtt5.pcap"
mqtt_session mqttv5 mqtt5.pcap --time-stamp-precision=nano

# --------------------------------------------------------------- 7: SLL / SLL2
for dlt in LINUX_SLL LINUX_SLL2; do
    f=$(echo "$dlt" | tr 'A-Z' 'a-z'); f=${f#linux_}.pcap
    log "$f"
    broker_start
    cap_start "${TCPDUMP[@]}" -i any -y "$dlt" -w "$WORK/$f" "$MQTT_FILTER"
    mosquitto_pub "${H[@]}" -V mqttv311 -i "iot-pub-$f" -q 1 -t sensors/cooked -m "$dlt"
    cap_stop
    broker_stop
done

# --------------------------------------------------------------- 10: snaplen 60
log "truncated-snaplen.pcap"
broker_start
cap_start "${TCPDUMP[@]}" -i lo -s 60 -w "$WORK/truncated-snaplen.pcap" "$MQTT_FILTER"
mosquitto_pub "${H[@]}" -V mqttv311 -i iot-pub-snap -q 1 -t sensors/snaplen \
    -m 'this payload is longer than the 60 byte snapshot length'
cap_stop
broker_stop

# --------------------------------------------------------------- 3: CoAP
log "coap.pcap"
port_free udp "$COAP_PORT"
bg coap-server coap-server-notls -A 127.0.0.1 -p "$COAP_PORT" -d 4 -v 3
COAP_PID=$LAST_PID
wait_listen udp "$COAP_PORT"
python3 -c 'import sys; sys.stdout.write("".join("block-%03d;" % i for i in range(30)))' \
    >"$WORK/coap300.txt"
cap_start "${TCPDUMP[@]}" -i lo -w "$WORK/coap.pcap" "udp port $COAP_PORT and host 127.0.0.1"
U=coap://127.0.0.1
coap() { coap-client-notls -B 5 "$@" >>"$WORK/coap-client.log" 2>&1; sleep 0.2; }
coap "$U/.well-known/core"                          # CON GET, link-format
coap "$U/time"                                      # CON GET
coap -N "$U/time"                                   # NON GET
coap -m put -e 'hello iotscope' "$U/example_data"   # PUT -> 2.04
coap "$U/example_data"                              # GET
coap -m post -e x "$U/example_data"                 # POST -> 4.05
coap -m put -e dyn "$U/dynamic1"                    # PUT creates (-d) -> 2.01
coap -m delete "$U/dynamic1"                        # DELETE -> 2.02
coap -T cafe "$U/does/not/exist"                    # 4.04, explicit token
coap -s 3 "$U/time"                                 # observe for 3 s
coap -b 64 "$U/.well-known/core"                    # block2 GET, 64-byte blocks
coap -m put -b 64 -f "$WORK/coap300.txt" "$U/example_data"  # block1 PUT
coap -b 64 "$U/example_data"                        # block2 GET of it
cap_stop
stop_pid "$COAP_PID"

# --------------------------------------------------------------- 4: HTTP
log "http.pcap"
mkdir -p "$WORK/www"
printf 'Hello from iotscope test capture.\n' >"$WORK/www/hello.txt"
python3 -c 'import sys; sys.stdout.write("".join("line %05d: the quick brown fox jumps over the lazy dog\n" % i for i in range(400))[:20480])' \
    >"$WORK/www/big.txt"   # exactly 20480 bytes
port_free tcp "$HTTP4_PORT"; port_free tcp "$HTTP6_PORT"
bg http4 python3 -m http.server "$HTTP4_PORT" --bind 127.0.0.1 --directory "$WORK/www"
HTTP4_PID=$LAST_PID
bg http6 python3 -m http.server "$HTTP6_PORT" --bind ::1 --directory "$WORK/www"
HTTP6_PID=$LAST_PID
wait_listen tcp "$HTTP4_PORT"; wait_listen tcp "$HTTP6_PORT"
cap_start "${TCPDUMP[@]}" -i lo -w "$WORK/http.pcap" \
    "(tcp port $HTTP4_PORT and host 127.0.0.1) or (tcp port $HTTP6_PORT and host ::1)"
CURL=(curl -sS --http1.1 -A iotscope-capture/1.0 -o /dev/null --max-time 5)
"${CURL[@]}" "http://127.0.0.1:$HTTP4_PORT/hello.txt"; sleep 0.2
"${CURL[@]}" "http://127.0.0.1:$HTTP4_PORT/big.txt"; sleep 0.2
"${CURL[@]}" "http://127.0.0.1:$HTTP4_PORT/missing.txt"; sleep 0.2   # 404
"${CURL[@]}" -I "http://127.0.0.1:$HTTP4_PORT/hello.txt"; sleep 0.2  # HEAD
"${CURL[@]}" -g "http://[::1]:$HTTP6_PORT/hello.txt"
cap_stop
stop_pid "$HTTP4_PID"; stop_pid "$HTTP6_PID"

# --------------------------------------------------------------- 5: ICMP
log "icmp.pcap"
port_free udp "$CLOSED_UDP_PORT"
cap_start "${TCPDUMP[@]}" -i lo -w "$WORK/icmp.pcap" \
    "(icmp and host 127.0.0.1) or (icmp6 and host ::1) or (udp dst port $CLOSED_UDP_PORT and (host 127.0.0.1 or host ::1))"
ping -n -q -c 3 -i 0.2 -W 1 127.0.0.1 >/dev/null
ping -n -q -c 2 -i 0.2 -W 1 -R 127.0.0.1 >/dev/null      # IPv4 record-route option
ping -6 -n -q -c 3 -i 0.2 -W 1 ::1 >/dev/null
python3 - "$CLOSED_UDP_PORT" <<'EOF'
import socket, sys, time
port = int(sys.argv[1])
for fam, addr in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.sendto(b"iotscope closed-port probe", (addr, port))
    time.sleep(0.3)
    s.close()
EOF
cap_stop

# --------------------------------------------------------------- 8: namespaces
log "netns.pcap"
for ns in "$NS_A" "$NS_B"; do
    if ip netns list | grep -qw "$ns"; then
        log "removing stale namespace $ns (left over from an earlier run)"
        ip netns del "$ns"
    fi
done
NAMESPACES=("$NS_A" "$NS_B")
ip netns add "$NS_A"
ip netns add "$NS_B"
for ns in "$NS_A" "$NS_B"; do
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
        net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.router_solicitations=0 \
        net.ipv6.conf.default.router_solicitations=0
    ip -n "$ns" link set lo up
done
ip -n "$NS_A" link add vethA address 02:99:00:00:00:0a mtu 1500 type veth \
    peer name vethB address 02:99:00:00:00:0b mtu 1500 netns "$NS_B"
ip -n "$NS_A" addr add 10.99.0.1/24 dev vethA
ip -n "$NS_B" addr add 10.99.0.2/24 dev vethB
ip -n "$NS_A" -6 addr add fd99::1/64 dev vethA nodad
ip -n "$NS_B" -6 addr add fd99::2/64 dev vethB nodad
ip -n "$NS_A" link set vethA up
ip -n "$NS_B" link set vethB up
# 802.1Q: this script was first written with `ip link add link vethA name
# vethA.10 type vlan id 10`, but kernels without CONFIG_VLAN_8021Q (e.g. the
# capture VM) reject that, so VLAN 10 (10.99.10.0/24) is spoken by
# vlan_ping.py over AF_PACKET sockets on the same veth pair instead.
# It is used unconditionally so the capture looks the same on every kernel.
bg vlan-responder ip netns exec "$NS_B" python3 "$HERE/vlan_ping.py" respond vethB \
    02:99:00:00:00:0b 10.99.10.2 10 30
VLAN_PID=$LAST_PID
LL_B=$(ip -n "$NS_B" -6 -o addr show dev vethB scope link | awk '{print $4}' | cut -d/ -f1)
[ -n "$LL_B" ] || die "no link-local address on vethB"
bg ns-http ip netns exec "$NS_B" python3 -m http.server "$NS_HTTP_PORT" --bind 10.99.0.2 \
    --directory "$WORK/www"
NS_HTTP_PID=$LAST_PID
wait_listen tcp "$NS_HTTP_PORT" "$NS_B"
sleep 2   # let link-up MLD reports pass before capturing
ip -n "$NS_A" neigh flush all; ip -n "$NS_B" neigh flush all
# drop packets carrying a hop-by-hop header (MLD reports): they are timing noise
cap_start ip netns exec "$NS_A" "${TCPDUMP[@]}" -i vethA -w "$WORK/netns.pcap" \
    'not (ip6 and ip6[6] == 0)'
A=(ip netns exec "$NS_A")
"${A[@]}" arping -q -c 2 -i vethA 10.99.0.2 || true          # ARP request/reply
"${A[@]}" ping -n -q -c 2 -i 0.2 -W 1 10.99.0.2 >/dev/null
"${A[@]}" ping -n -q -c 1 -W 1 -M dont -s 3000 10.99.0.2 >/dev/null   # IPv4 fragments
"${A[@]}" python3 "$HERE/vlan_ping.py" ping vethA 02:99:00:00:00:0a 10.99.10.1 \
    10.99.10.2 10 2                                         # ARP + ICMP in VLAN 10
"${A[@]}" curl -sS --http1.1 -A iotscope-capture/1.0 -o /dev/null --max-time 5 \
    "http://10.99.0.2:$NS_HTTP_PORT/hello.txt"                # TCP + HTTP
sleep 0.2
"${A[@]}" ping -6 -n -q -c 2 -i 0.2 -W 1 fd99::2 >/dev/null  # NS/NA + echo (ULA)
"${A[@]}" ping -6 -n -q -c 2 -i 0.2 -W 1 "$LL_B%vethA" >/dev/null   # link-local
"${A[@]}" ping -6 -n -q -c 1 -W 1 -s 3000 fd99::2 >/dev/null # IPv6 fragments
cap_stop
stop_pid "$NS_HTTP_PID"; stop_pid "$VLAN_PID"
ip netns del "$NS_A"; ip netns del "$NS_B"
NAMESPACES=()

# --------------------------------------------------------------- derived files
log "derived files"
editcap -F pcapng "$WORK/mqtt311.pcap" "$WORK/mqtt311-ns.pcapng"
python3 "$HERE/relink.py" null "$WORK/null.pcap" "$WORK/icmp.pcap" "$WORK/http.pcap" >&2
python3 "$HERE/relink.py" raw "$WORK/rawip.pcap" "$WORK/icmp.pcap" "$WORK/http.pcap" >&2
size=$(stat -c %s "$WORK/mqtt311.pcap")
head -c $((size - 37)) "$WORK/mqtt311.pcap" >"$WORK/broken-tail.pcap"
head -c 4096 /dev/zero | openssl enc -aes-128-ctr -nosalt \
    -K 000102030405060708090a0b0c0d0e0f -iv 00000000000000000000000000000000 \
    >"$WORK/garbage.pcap"

# --------------------------------------------------------------- checks
FILES=(mqtt311.pcap mqtt5.pcap coap.pcap http.pcap icmp.pcap mqtt311-ns.pcapng
       sll.pcap sll2.pcap netns.pcap null.pcap rawip.pcap truncated-snaplen.pcap
       broken-tail.pcap garbage.pcap)
count() { tshark -r "$WORK/$1" ${2:+-Y "$2"} 2>/dev/null | wc -l; }
need() {  # need FILE DISPLAY-FILTER MIN
    local n; n=$(count "$1" "$2")
    [ "$n" -ge "$3" ] || die "$1: only $n frames match '$2' (want >= $3)"
}
need mqtt311.pcap 'mqtt.msgtype == 3 && mqtt.qos == 2' 2
need mqtt311.pcap 'mqtt.msgtype == 12' 1
need mqtt5.pcap 'mqtt.ver == 5' 1
need mqtt5.pcap 'mqtt.property_id == 0x26' 1
need coap.pcap 'coap.opt.observe' 2
need coap.pcap 'coap.opt.block_number' 4
need http.pcap 'http.response.code == 404' 1
need http.pcap 'ipv6 && http' 2
need icmp.pcap 'icmp.type == 3' 1
need icmp.pcap 'icmpv6.type == 1' 1
need icmp.pcap 'ip.opt.type == 7' 2
need mqtt311-ns.pcapng 'mqtt' 10
need sll.pcap 'sll && mqtt' 2
need sll2.pcap 'sll && mqtt' 2
need netns.pcap 'arp' 2
need netns.pcap 'vlan.id == 10' 2
need netns.pcap 'ip.flags.mf == 1' 1
need netns.pcap 'ipv6.fragment' 1
need netns.pcap 'icmpv6.type == 135' 1
need netns.pcap 'http' 2
need null.pcap 'null && icmpv6' 2
need rawip.pcap 'raw && http' 2
[ "$(count truncated-snaplen.pcap)" -ge 4 ] || die "truncated-snaplen.pcap empty"
[ "$(tshark -r "$WORK/truncated-snaplen.pcap" -T fields -e frame.cap_len 2>/dev/null | sort -n | tail -1)" -le 60 ] \
    || die "truncated-snaplen.pcap has frames longer than 60 bytes"
if capinfos "$WORK/garbage.pcap" >/dev/null 2>&1; then die "garbage.pcap is readable"; fi
total=0
for f in "${FILES[@]}"; do
    s=$(stat -c %s "$WORK/$f"); total=$((total + s))
    [ "$s" -le 262144 ] || die "$f is too large ($s bytes)"
done
[ "$total" -lt 2097152 ] || die "captures total $total bytes (>= 2 MB)"

# --------------------------------------------------------------- install
for f in "${FILES[@]}"; do
    cp "$WORK/$f" "$OUT/$f.tmp" && mv "$OUT/$f.tmp" "$OUT/$f"
done
log "wrote ${#FILES[@]} files ($total bytes) to $OUT"
for f in "${FILES[@]}"; do
    n=$(capinfos -c -M "$OUT/$f" 2>/dev/null | awk -F': *' '/Number of packets/ {print $2}' || true)
    printf '  %-24s %7d bytes  %s frames\n' "$f" "$(stat -c %s "$OUT/$f")" "${n:-n/a}" >&2
done
