#!/usr/bin/env python3
"""An MQTT-over-WebSocket client that cuts its MQTT messages across
WebSocket frames the way browser and JavaScript clients do, for
make-ws-split.sh.  Standard library only: its own WebSocket handshake and
framing (RFC 6455, client frames masked with a fresh random key).

  ws_split_client.py HOST PORT VERSION EXPECTED

VERSION is 4 (MQTT 3.1.1) or 5.  Every send() is one TCP segment
(TCP_NODELAY and a pause after each).  The client writes what it sent, one
line per MQTT message ("type topic payload-hex"), to EXPECTED, so the tests
can compare it with what the analyzer decodes.
"""
import base64
import os
import socket
import struct
import sys
import time

PAUSE = 0.05


def varint(n):
    out = b""
    while True:
        byte, n = n % 128, n // 128
        out += bytes([byte | (0x80 if n else 0)])
        if not n:
            return out


def utf8(s):
    b = s.encode()
    return struct.pack("!H", len(b)) + b


def packet(first, body):
    return bytes([first]) + varint(len(body)) + body


def ws_frame(payload, opcode=2, fin=True):
    """One client frame: masked, with the shortest length encoding."""
    head = bytes([(0x80 if fin else 0) | opcode])
    n = len(payload)
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + struct.pack("!H", n)
    else:
        head += bytes([0x80 | 127]) + struct.pack("!Q", n)
    key = os.urandom(4)
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


class Client:
    def __init__(self, host, port, version, log):
        self.v5 = version == 5
        self.log = log
        self.sock = socket.create_connection((host, port), timeout=5)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.stream = b""
        key = base64.b64encode(os.urandom(16)).decode()
        self.send(("GET /mqtt HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
                   "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                   "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n"
                   % (host, port, key)).encode())
        while b"\r\n\r\n" not in self.buf:
            self.fill()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            sys.exit("no WebSocket upgrade: %r" % head)

    def send(self, data):
        self.sock.sendall(data)
        time.sleep(PAUSE)

    def fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError("connection closed")
        self.buf += data

    def ws_read(self):
        """The next (opcode, payload) from the server (never masked)."""
        while True:
            if len(self.buf) >= 2:
                n, hdr = self.buf[1] & 0x7f, 2
                if n == 126 and len(self.buf) >= 4:
                    n, hdr = struct.unpack("!H", self.buf[2:4])[0], 4
                elif n == 127 and len(self.buf) >= 10:
                    n, hdr = struct.unpack("!Q", self.buf[2:10])[0], 10
                if n < 126 or hdr > 2:
                    if len(self.buf) >= hdr + n:
                        op, payload = self.buf[0] & 0x0f, self.buf[hdr:hdr + n]
                        self.buf = self.buf[hdr + n:]
                        return op, payload
            self.fill()

    def mqtt_read(self, *wants):
        """Reads WebSocket frames until MQTT packets of each type in @wants
        came (in any order)."""
        wants = list(wants)
        while wants:
            while len(self.stream) >= 2:
                n, mult, i = 0, 1, 1
                while i < len(self.stream):
                    n += (self.stream[i] & 0x7f) * mult
                    mult *= 128
                    i += 1
                    if not self.stream[i - 1] & 0x80:
                        break
                if len(self.stream) < i + n:
                    break
                ptype, self.stream = self.stream[0] >> 4, self.stream[i + n:]
                if ptype in wants:
                    wants.remove(ptype)
            if not wants:
                return
            op, payload = self.ws_read()
            if op in (0, 2):
                self.stream += payload

    def note(self, kind, topic="", payload=b""):
        self.log.write("%s %s %s\n" % (kind, topic or "-", payload.hex() or "-"))

    # ---- MQTT messages
    def props(self, raw):
        return varint(len(raw)) + raw if self.v5 else b""

    def connect(self, client_id):
        var = utf8("MQTT") + bytes([5 if self.v5 else 4, 0x02]) + struct.pack("!H", 30)
        # MQTT 5: session expiry interval 0 and a user property.
        var += self.props(b"\x11\x00\x00\x00\x00" + b"\x26" + utf8("origin") + utf8("browser"))
        self.note("CONNECT")
        return packet(0x10, var + utf8(client_id))

    def subscribe(self, pid, topic, qos):
        self.note("SUBSCRIBE", topic)
        return packet(0x82, struct.pack("!H", pid) + self.props(b"") + utf8(topic) + bytes([qos]))

    def publish(self, topic, payload, qos=0, pid=0, props=b""):
        self.note("PUBLISH", topic, payload)
        body = utf8(topic) + (struct.pack("!H", pid) if qos else b"") + self.props(props) + payload
        return packet(0x30 | qos << 1, body)

    def pingreq(self):
        self.note("PINGREQ")
        return b"\xc0\x00"

    def disconnect(self):
        self.note("DISCONNECT")
        return b"\xe0\x00"

    def close(self):
        self.send(ws_frame(struct.pack("!H", 1000), opcode=8))
        try:
            while True:
                op, _ = self.ws_read()
                if op == 8:
                    break
        except (EOFError, socket.timeout, OSError):
            pass
        self.sock.close()


def run(host, port, version, expected):
    with open(expected, "a") as log:
        c = Client(host, port, version, log)
        tag = "v%d" % version

        # CONNECT: the fixed header's first byte alone in a frame, the rest
        # in the next one (each frame its own segment).
        msg = c.connect("iotscope-split-" + tag)
        c.send(ws_frame(msg[:1]))
        c.send(ws_frame(msg[1:]))
        c.mqtt_read(2)

        # SUBSCRIBE over three frames, three segments.
        msg = c.subscribe(1, "ws/split/%s/#" % tag, 0)
        for part in (msg[:3], msg[3:9], msg[9:]):
            c.send(ws_frame(part))
        c.mqtt_read(9)

        # A QoS 1 PUBLISH as one fragmented WebSocket message: a binary frame
        # without FIN and two continuation frames, one segment each.
        msg = c.publish("ws/split/%s/fragmented" % tag, b"continuation frames", qos=1, pid=2,
                        props=b"\x01\x01")
        c.send(ws_frame(msg[:7], opcode=2, fin=False))
        c.send(ws_frame(msg[7:20], opcode=0, fin=False))
        c.send(ws_frame(msg[20:], opcode=0, fin=True))
        c.mqtt_read(4, 3)  # PUBACK, and the message forwarded back

        # Several small frames in one segment: a QoS 0 PUBLISH cut into four
        # frames, then a PINGREQ in a frame of its own, all in one send().
        msg = c.publish("ws/split/%s/small" % tag, b"four frames, one segment")
        cuts = [0, 2, 5, 17, len(msg)]
        frames = b"".join(ws_frame(msg[a:b]) for a, b in zip(cuts, cuts[1:]))
        c.send(frames + ws_frame(c.pingreq()))
        c.mqtt_read(13)    # PINGRESP

        # One WebSocket frame (16-bit length) split across three segments:
        # the first two bytes of its header, 100 more bytes, the rest.
        msg = c.publish("ws/split/%s/big" % tag, bytes(range(256)) + b"end of a 300-byte payload"[:44])
        frame = ws_frame(msg)
        for part in (frame[:2], frame[2:102], frame[102:]):
            c.send(part)
        c.mqtt_read(3)     # forwarded back

        # Two MQTT messages in one frame, the second cut after its first
        # byte; the next frame holds its rest.
        first = c.publish("ws/split/%s/pair" % tag, b"one")
        second = c.publish("ws/split/%s/pair" % tag, b"two")
        c.send(ws_frame(first + second[:1]))
        c.send(ws_frame(second[1:]))
        c.mqtt_read(3, 3)

        c.send(ws_frame(c.disconnect()))
        c.close()


if __name__ == "__main__":
    run(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
