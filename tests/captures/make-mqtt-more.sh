#!/usr/bin/env bash
# make-mqtt-more.sh -- more MQTT captures, made with a real mosquitto broker:
# authentication, a message split over many segments, many messages in one
# segment, and MQTT 5 topic aliases.  Run as root on Debian 12:
#
#     sudo bash tests/captures/make-mqtt-more.sh
#
# Everything runs inside two throw-away network namespaces (deleted on exit),
# so the broker's port 1883 never collides with anything on the host:
#  - mqtt-auth, mqtt-coalesced, mqtt5-alias: broker and clients on the
#    loopback interface of namespace A (127.0.0.1:1883), captured there;
#  - mqtt-large: broker in namespace B on 10.98.0.2:1883, client in A, over
#    a veth pair with MTU 1500 and segmentation offloads off, captured on A's
#    side so every segment is a real 1500-byte frame.
# Files go to ${CAPTURES_OUT:-this folder}.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
NS_A=iotscope-mqtt-a
NS_B=iotscope-mqtt-b
ADDR_A=10.98.0.1
ADDR_B=10.98.0.2
PORT=1883           # the standard port on purpose: the dissector hand-off

. "$HERE/lib.sh"

command -v ethtool >/dev/null 2>&1 || {
    log "installing ethtool"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y ethtool || { apt-get update && apt-get install -y ethtool; }
}
command -v ethtool >/dev/null 2>&1 || die "ethtool still missing"

# Checks a capture with tshark: at least MIN frames match FILTER.
expect() {   # expect FILE FILTER MIN
    local n
    n=$(tshark -r "$1" -Y "$2" 2>/dev/null | wc -l)
    [ "$n" -ge "$3" ] || die "$(basename "$1"): only $n frames match '$2' (want >= $3)"
}

# --------------------------------------------------------------- namespaces
for ns in "$NS_A" "$NS_B"; do
    ip netns del "$ns" 2>/dev/null || true
done
NAMESPACES=("$NS_A" "$NS_B")
ip netns add "$NS_A"
ip netns add "$NS_B"
for ns in "$NS_A" "$NS_B"; do
    ip -n "$ns" link set lo up
done
ip -n "$NS_A" link add vethA address 02:98:00:00:00:0a mtu 1500 type veth \
    peer name vethB address 02:98:00:00:00:0b mtu 1500 netns "$NS_B"
ip -n "$NS_A" addr add "$ADDR_A/24" dev vethA
ip -n "$NS_B" addr add "$ADDR_B/24" dev vethB
# Without this the kernel hands the veth 64 kB "super segments" and the
# capture would not show the real 1500-byte frames.
for side in "$NS_A vethA" "$NS_B vethB"; do
    set -- $side
    ip netns exec "$1" ethtool -K "$2" tso off gso off gro off >/dev/null 2>&1 || true
done
ip -n "$NS_A" link set vethA up
ip -n "$NS_B" link set vethB up
ip netns exec "$NS_A" ping -c 1 -W 2 "$ADDR_B" >/dev/null || die "veth pair does not work"

A=(ip netns exec "$NS_A")
B=(ip netns exec "$NS_B")

# --------------------------------------------------------------- helpers
BROKER_PID=
# broker_start NS-ARRAY-NAME LISTEN-ADDR [extra config lines]
broker_start() {
    local nsvar=$1 addr=$2 conf="$WORK/mosquitto-$RANDOM.conf"; shift 2
    local -n ns=$nsvar
    {
        echo "listener $PORT $addr"
        echo "persistence false"
        echo "log_dest stderr"
        printf '%s\n' "$@"
    } >"$conf"
    grep -q '^allow_anonymous' "$conf" || echo "allow_anonymous true" >>"$conf"
    bg mosquitto "${ns[@]}" mosquitto -c "$conf"
    BROKER_PID=$LAST_PID
    wait_listen tcp "$PORT" "${ns[3]}"
}
broker_stop() { stop_pid "$BROKER_PID"; BROKER_PID=; }

# A tiny socket-level MQTT client for what the mosquitto clients cannot do:
# many PUBLISHes in one send(), a message sent in pieces, MQTT 5 topic aliases.
cat >"$WORK/mqttc.py" <<'EOF'
import socket, struct, sys, time

def varint(n):
    out = bytearray()
    while True:
        b, n = n % 128, n // 128
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)

def utf8(s):
    b = s.encode()
    return struct.pack("!H", len(b)) + b

def packet(first, body):
    return bytes([first]) + varint(len(body)) + body

def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("broker closed the connection")
        buf += chunk
    return buf

def recv_packet(s):
    first = recv_exact(s, 1)[0]
    mult = 1; length = 0
    for _ in range(4):
        b = recv_exact(s, 1)[0]
        length += (b & 0x7F) * mult; mult *= 128
        if not b & 0x80:
            break
    return first, recv_exact(s, length)

def expect(s, ptype):
    first, body = recv_packet(s)
    if first >> 4 != ptype:
        raise RuntimeError("expected type %d, got 0x%02x" % (ptype, first))
    return body

def connect(host, port, client_id, v5, props=b""):
    s = socket.create_connection((host, port), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    vh = utf8("MQTT") + bytes([5 if v5 else 4, 0x02]) + struct.pack("!H", 30)
    if v5:
        vh += varint(len(props)) + props
    s.sendall(packet(0x10, vh + utf8(client_id)))
    expect(s, 2)
    return s

def publish(topic, payload, v5=False, qos=0, pid=0, props=b""):
    body = utf8(topic)
    if qos:
        body += struct.pack("!H", pid)
    if v5:
        body += varint(len(props)) + props
    return packet(0x30 | (qos << 1), body + payload)

def burst(host, port):
    # 20 QoS 0 PUBLISHes in one send(): one TCP segment, 20 messages
    s = connect(host, port, "iot-burst", False)
    msgs = b"".join(publish("burst/%02d" % i, b"v=%d" % i) for i in range(20))
    s.sendall(msgs + b"\xc0\x00")          # ... followed by a PINGREQ
    expect(s, 13)
    # SUBSCRIBE + PINGREQ together, answered by SUBACK (+ PINGRESP)
    s.sendall(packet(0x82, struct.pack("!H", 7) + utf8("burst/#") + b"\x00") + b"\xc0\x00")
    expect(s, 9); expect(s, 13)
    s.sendall(b"\xe0\x00")
    s.close()

def split(host, port):
    # A PUBLISH sent in pieces: the fixed header's first byte alone, then the
    # rest of it plus the start of the body, then the end plus a PINGREQ.
    s = connect(host, port, "iot-split", False)
    msg = publish("split/pieces", b"0123456789" * 30, qos=1, pid=9)
    for part in (msg[:1], msg[1:40], msg[40:] + b"\xc0\x00"):
        s.sendall(part)
        time.sleep(0.2)
    expect(s, 4); expect(s, 13)
    s.sendall(b"\xe0\x00")
    s.close()

def alias(host, port):
    # MQTT 5: Topic Alias (0x23) set by a PUBLISH with a topic, then used by
    # PUBLISHes with an empty topic.  mosquitto allows 10 aliases by default.
    v5 = True
    s = connect(host, port, "iot-alias", v5, b"\x11" + struct.pack("!I", 0))
    A = lambda n: b"\x23" + struct.pack("!H", n)
    s.sendall(publish("sensors/alias/temperature", b"21.5", v5, props=A(1)))
    time.sleep(0.05)
    s.sendall(publish("", b"21.6", v5, props=A(1)))
    time.sleep(0.05)
    s.sendall(publish("sensors/alias/humidity", b"48", v5, qos=1, pid=1, props=A(2)))
    expect(s, 4)
    s.sendall(publish("", b"49", v5, qos=1, pid=2, props=A(2)))
    expect(s, 4)
    s.sendall(publish("", b"21.7", v5, props=A(1) + b"\x01\x01"))
    time.sleep(0.05)
    # two alias publishes in one segment
    s.sendall(publish("", b"21.8", v5, props=A(1)) + publish("", b"50", v5, props=A(2)))
    time.sleep(0.05)
    s.sendall(packet(0xE0, b"\x00\x00"))
    s.close()
    time.sleep(0.2)
    # a second connection uses an alias it never set: the broker hangs up
    # with DISCONNECT reason 0x82 (Protocol Error) or 0x94 (Topic Alias invalid)
    s = connect(host, port, "iot-alias-bad", v5)
    s.sendall(publish("", b"lost", v5, props=A(3)))
    try:
        first, body = recv_packet(s)
    except (ConnectionError, socket.timeout):
        pass
    s.close()

globals()[sys.argv[1]](sys.argv[2], int(sys.argv[3]))
EOF

# --------------------------------------------------------------- mqtt-auth
log "mqtt-auth.pcap"
printf 'sensor:s3cret\n' >"$WORK/passwd"
mosquitto_passwd -U "$WORK/passwd"
chmod 644 "$WORK/passwd"
broker_start A 127.0.0.1 "allow_anonymous false" "password_file $WORK/passwd"
cap_start "${A[@]}" "${TCPDUMP[@]}" -B 16384 -i lo -w "$WORK/mqtt-auth.pcap" "tcp port $PORT"
P=(-h 127.0.0.1 -p "$PORT")
# accepted: MQTT 3.1.1, 3.1 (protocol name MQIsdp) and 5.0 with user name + password
"${A[@]}" mosquitto_pub "${P[@]}" -V mqttv311 -i iot-auth-ok -u sensor -P s3cret -q 1 \
    -t auth/ok -m 'accepted 3.1.1'
sleep 0.2
"${A[@]}" mosquitto_pub "${P[@]}" -V mqttv31 -i iot-auth-31 -u sensor -P s3cret -q 1 \
    -t auth/ok -m 'accepted 3.1'
sleep 0.2
"${A[@]}" mosquitto_pub "${P[@]}" -V mqttv5 -i iot-auth-v5 -u sensor -P s3cret -q 2 \
    -t auth/ok -m 'accepted 5.0' -D connect user-property role tester
sleep 0.2
# refused: wrong password (CONNACK return code 5 / reason 0x86 or 0x87), no
# credentials at all, and a will with credentials
"${A[@]}" mosquitto_pub "${P[@]}" -V mqttv311 -i iot-auth-bad -u sensor -P wrong \
    -t auth/bad -m x >/dev/null 2>&1 || true
sleep 0.2
"${A[@]}" mosquitto_pub "${P[@]}" -V mqttv31 -i iot-auth-bad31 -u sensor -P wrong \
    -t auth/bad -m x >/dev/null 2>&1 || true
sleep 0.2
"${A[@]}" mosquitto_pub "${P[@]}" -V mqttv5 -i iot-auth-bad5 -u sensor -P wrong \
    -t auth/bad -m x >/dev/null 2>&1 || true
sleep 0.2
"${A[@]}" mosquitto_pub "${P[@]}" -V mqttv5 -i iot-auth-anon -t auth/bad -m x \
    >/dev/null 2>&1 || true
sleep 0.2
"${A[@]}" mosquitto_pub "${P[@]}" -V mqttv311 -i iot-auth-will -u sensor -P s3cret \
    --will-topic auth/will --will-payload gone --will-qos 1 --will-retain -t auth/ok -m 'with will'
cap_stop
broker_stop
expect "$WORK/mqtt-auth.pcap" 'mqtt.conack.val == 0' 3
expect "$WORK/mqtt-auth.pcap" 'mqtt.conack.val > 0' 2
expect "$WORK/mqtt-auth.pcap" 'mqtt.connack.reason_code >= 0x80' 2
expect "$WORK/mqtt-auth.pcap" 'mqtt.protoname == "MQIsdp"' 2

# --------------------------------------------------------------- mqtt-coalesced
log "mqtt-coalesced.pcap"
broker_start A 127.0.0.1
cap_start "${A[@]}" "${TCPDUMP[@]}" -B 16384 -i lo -w "$WORK/mqtt-coalesced.pcap" "tcp port $PORT"
# a subscriber that receives the bursts (the broker batches what it forwards)
bg burst-sub "${A[@]}" mosquitto_sub -h 127.0.0.1 -p "$PORT" -i iot-burst-sub -q 0 \
    -t 'burst/#' -t 'lines/#' -C 50 -W 20
SUB=$LAST_PID
sleep 0.5
"${A[@]}" python3 "$WORK/mqttc.py" burst 127.0.0.1 "$PORT"
sleep 0.2
# mosquitto_pub -l: one PUBLISH per input line, as fast as they come
python3 -c 'print("\n".join("line %02d" % i for i in range(30)))' |
    "${A[@]}" mosquitto_pub -h 127.0.0.1 -p "$PORT" -i iot-lines -q 0 -t lines/stdin -l
rc=0; wait "$SUB" || rc=$?
forget "$SUB"
[ "$rc" = 0 ] || die "burst subscriber did not get all 50 messages (rc=$rc)"
cap_stop
broker_stop
expect "$WORK/mqtt-coalesced.pcap" 'mqtt.msgtype == 3' 5
n=$(tshark -r "$WORK/mqtt-coalesced.pcap" -Y mqtt -T fields -e _ws.col.Info 2>/dev/null |
    grep -c ', Publish Message' || true)
[ "$n" -ge 2 ] || die "mqtt-coalesced.pcap: no segment carries several PUBLISHes"

# --------------------------------------------------------------- mqtt5-alias
log "mqtt5-alias.pcap"
broker_start A 127.0.0.1
cap_start "${A[@]}" "${TCPDUMP[@]}" -B 16384 -i lo -w "$WORK/mqtt5-alias.pcap" "tcp port $PORT"
bg alias-sub "${A[@]}" mosquitto_sub -h 127.0.0.1 -p "$PORT" -V mqttv5 -i iot-alias-sub -q 1 \
    -t 'sensors/alias/#' -C 7 -W 20
SUB=$LAST_PID
sleep 0.5
"${A[@]}" python3 "$WORK/mqttc.py" alias 127.0.0.1 "$PORT"
rc=0; wait "$SUB" || rc=$?
forget "$SUB"
[ "$rc" = 0 ] || die "alias subscriber did not get all 7 messages (rc=$rc)"
cap_stop
broker_stop
expect "$WORK/mqtt5-alias.pcap" 'mqtt.property.topic_alias' 7
expect "$WORK/mqtt5-alias.pcap" 'mqtt.topic_len == 0' 5

# --------------------------------------------------------------- mqtt-large
log "mqtt-large.pcap"
python3 -c 'import sys; sys.stdout.write("".join("%06d:large-payload;" % i for i in range(7500))[:150000])' \
    >"$WORK/large.txt"
[ "$(stat -c %s "$WORK/large.txt")" = 150000 ] || die "large payload size"
chmod 644 "$WORK/large.txt"
broker_start B "$ADDR_B" "message_size_limit 0"
cap_start "${A[@]}" "${TCPDUMP[@]}" -B 16384 -i vethA -w "$WORK/mqtt-large.pcap" "tcp port $PORT"
"${A[@]}" mosquitto_pub -h "$ADDR_B" -p "$PORT" -i iot-large -q 1 -t bulk/firmware \
    -f "$WORK/large.txt"
sleep 0.3
"${A[@]}" python3 "$WORK/mqttc.py" split "$ADDR_B" "$PORT"
cap_stop
broker_stop
expect "$WORK/mqtt-large.pcap" 'tcp.len == 1448' 90
[ "$(tshark -r "$WORK/mqtt-large.pcap" -Y 'frame.len > 1514' 2>/dev/null | wc -l)" = 0 ] ||
    die "mqtt-large.pcap has frames above the MTU (offloads still on?)"
expect "$WORK/mqtt-large.pcap" 'mqtt.msgtype == 3 && mqtt.len > 150000' 1

# --------------------------------------------------------------- install
for f in mqtt-auth.pcap mqtt-coalesced.pcap mqtt5-alias.pcap mqtt-large.pcap; do
    size=$(stat -c %s "$WORK/$f")
    limit=100000
    [ "$f" = mqtt-large.pcap ] && limit=260000
    [ "$size" -le "$limit" ] || die "$f is $size bytes (limit $limit)"
    # tcpdump must not have dropped anything (a lost segment breaks reassembly)
    lost=$(tshark -r "$WORK/$f" -Y 'tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment' \
        2>/dev/null | wc -l)
    [ "$lost" = 0 ] || die "$f: $lost frames show segments missing from the capture"
    cp "$WORK/$f" "$OUT/$f"
    log "$f: $(tshark -r "$OUT/$f" 2>/dev/null | wc -l) frames, $size bytes"
done
