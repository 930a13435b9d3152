#!/usr/bin/env bash
# make-mqtt-tx.sh -- an MQTT capture for request/response matching
# (mqtt.response_in, mqtt.dup_of, "never acknowledged"), made with a real
# mosquitto broker and a small socket-level client.  Run as root:
#
#     sudo bash tests/captures/make-mqtt-tx.sh
#
# Writes mqtt-dup.pcap into ${CAPTURES_OUT:-this folder}.  Everything runs on
# the loopback interface of a throw-away network namespace (deleted on exit).
# The client, on one connection:
#  - sends a QoS 1 PUBLISH and at once a DUP copy of it (same identifier),
#    as a client does when it gives up waiting for the PUBACK: two PUBACKs;
#  - sends a QoS 2 PUBLISH, gets PUBREC, sends the PUBLISH again with DUP
#    set (as if the PUBREC was lost), gets a second PUBREC, then PUBREL/PUBCOMP;
#  - reuses the first identifier for a new QoS 1 PUBLISH;
#  - (no clean session) subscribes with QoS 1, lets another client publish there, and never
#    acknowledges what the broker forwards (left unanswered);
# then reconnects with the same client ID and no clean session, and the
# broker re-delivers the unacknowledged message with DUP set.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
NS=iotscope-mqtt-tx
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
BROKER=$LAST_PID
wait_listen tcp "$PORT" "$NS"

cat >"$WORK/dupc.py" <<'EOF'
import socket, struct, subprocess, sys, time

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

def expect(s, ptype):
    first = recv_exact(s, 1)[0]
    mult = 1; length = 0
    for _ in range(4):
        b = recv_exact(s, 1)[0]
        length += (b & 0x7F) * mult; mult *= 128
        if not b & 0x80:
            break
    body = recv_exact(s, length)
    if first >> 4 != ptype:
        raise RuntimeError("expected type %d, got 0x%02x" % (ptype, first))
    return first, body

def connect(host, port, clean):
    s = socket.create_connection((host, port), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    vh = utf8("MQTT") + bytes([4, 0x02 if clean else 0x00]) + struct.pack("!H", 30)
    s.sendall(packet(0x10, vh + utf8("iot-dup")))
    expect(s, 2)
    return s

def publish(topic, payload, qos, pid, dup=False):
    return packet(0x30 | (0x08 if dup else 0) | (qos << 1), utf8(topic) + struct.pack("!H", pid) + payload)

host, port = sys.argv[1], int(sys.argv[2])
s = connect(host, port, False)
# QoS 1 and its DUP copy before any PUBACK could be read
s.sendall(publish("dup/qos1", b"reading=1", 1, 7))
s.sendall(publish("dup/qos1", b"reading=1", 1, 7, dup=True))
expect(s, 4); expect(s, 4)
time.sleep(0.05)
# QoS 2: PUBREC, the PUBLISH again with DUP, PUBREC again, PUBREL, PUBCOMP
s.sendall(publish("dup/qos2", b"door=open", 2, 8))
expect(s, 5)
time.sleep(0.05)
s.sendall(publish("dup/qos2", b"door=open", 2, 8, dup=True))
expect(s, 5)
s.sendall(packet(0x62, struct.pack("!H", 8)))
expect(s, 7)
time.sleep(0.05)
# identifier 7 again, for a new message
s.sendall(publish("dup/qos1", b"reading=2", 1, 7))
expect(s, 4)
# subscribe with QoS 1, then leave the broker's PUBLISH unacknowledged
s.sendall(packet(0x82, struct.pack("!H", 9) + utf8("dup/unacked") + b"\x01"))
expect(s, 9)
subprocess.run(["mosquitto_pub", "-h", host, "-p", str(port), "-i", "iot-dup-pub", "-q", "1",
                "-t", "dup/unacked", "-m", "please ack"], check=True)
first, body = expect(s, 3)
time.sleep(0.1)
s.sendall(b"\xe0\x00")
s.close()
time.sleep(0.2)
# same client, session kept: the broker delivers the message again, DUP set
s = connect(host, port, False)
first, body = expect(s, 3)
if not first & 0x08:
    raise RuntimeError("re-delivery without DUP flag")
pid = body[2 + struct.unpack("!H", body[:2])[0]:][:2]
s.sendall(packet(0x40, pid))
time.sleep(0.05)
s.sendall(b"\xc0\x00")
expect(s, 13)
s.sendall(b"\xe0\x00")
s.close()
EOF

cap_start "${N[@]}" "${TCPDUMP[@]}" -B 16384 -i lo -w "$WORK/mqtt-dup.pcap" "tcp port $PORT"
"${N[@]}" python3 "$WORK/dupc.py" 127.0.0.1 "$PORT"
cap_stop
stop_pid "$BROKER"

n=$(tshark -r "$WORK/mqtt-dup.pcap" -Y 'mqtt.dupflag == 1' 2>/dev/null | wc -l)
[ "$n" -ge 3 ] || die "mqtt-dup.pcap: only $n DUP PUBLISHes"
cp "$WORK/mqtt-dup.pcap" "$OUT/"
log "wrote $OUT/mqtt-dup.pcap ($(stat -c %s "$OUT/mqtt-dup.pcap") bytes)"
