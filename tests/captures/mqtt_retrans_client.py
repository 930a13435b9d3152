#!/usr/bin/env python3
"""An MQTT 3.1.1 publisher for make-mqtt-retrans.sh (standard library only)
whose PUBLISHes span several TCP segments, with 4-byte markers ("DRP1",
"DRP2") placed exactly at the start of the segments the network must drop
once, so the kernel has to retransmit them.

  mqtt_retrans_client.py HOST PORT EXPECTED

Each marker sits at a segment boundary: the client reads the connection's
MSS (TCP_MAXSEG) and, with TCP_NODELAY and every earlier byte acknowledged,
a send() leaves in segments of exactly that size.  What it sends is logged to
EXPECTED, one MQTT message a line ("TYPE topic payload-hex").
"""
import socket
import struct
import sys
import time


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


class Client:
    def __init__(self, host, port, log):
        self.log = log
        self.sock = socket.create_connection((host, port), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def read(self, want):
        """Reads MQTT packets until one of type @want came."""
        while True:
            while len(self.buf) >= 2:
                n, mult, i = 0, 1, 1
                while i < len(self.buf):
                    n += (self.buf[i] & 0x7f) * mult
                    mult *= 128
                    i += 1
                    if not self.buf[i - 1] & 0x80:
                        break
                if len(self.buf) < i + n:
                    break
                ptype, self.buf = self.buf[0] >> 4, self.buf[i + n:]
                if ptype == want:
                    return
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("broker closed the connection")
            self.buf += data

    def note(self, kind, topic="-", payload=b""):
        self.log.write("%s %s %s\n" % (kind, topic, payload.hex() or "-"))

    def publish(self, topic, payload, qos, pid):
        self.note("PUBLISH", topic, payload)
        body = utf8(topic) + (struct.pack("!H", pid) if qos else b"") + payload
        return packet(0x30 | qos << 1, body)


def filler(n, seed):
    """Readable payload bytes: "sensor-7 reading 0012;" … (never a marker)."""
    text = b""
    i = 0
    while len(text) < n:
        text += b"sensor-%d reading %04d;" % (seed, i)
        i += 1
    return text[:n]


def marked(topic, pid, size, marks, step):
    """The payload of a QoS 1 PUBLISH of @size payload bytes whose bytes at
    message offsets k * @step (k, marker in @marks) are the markers."""
    head = len(packet(0x32, utf8(topic) + b"\0\0" + bytes(size))) - size
    payload = bytearray(filler(size, pid))
    for k, marker in marks:
        at = k * step - head
        payload[at:at + 4] = marker
    return bytes(payload)


def run(host, port, expected):
    with open(expected, "w") as log:
        c = Client(host, port, log)
        mss = c.sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG)
        c.note("CONNECT")
        c.sock.sendall(packet(0x10, utf8("MQTT") + bytes([4, 0x02]) + struct.pack("!H", 60)
                              + utf8("iotscope-rtx")))
        c.read(2)
        time.sleep(0.2)

        # One PUBLISH in one send(): eight segments; the third is dropped,
        # the five after it make the broker send duplicate ACKs, and the
        # third duplicate ACK makes a fast retransmission.
        payload = marked("rtx/fast", 1, 8 * mss - 20, [(2, b"DRP1")], mss)
        c.sock.sendall(c.publish("rtx/fast", payload, 1, 1))
        c.read(4)
        time.sleep(0.3)

        # One PUBLISH in three send()s, 100 ms apart: the second segment is
        # dropped; the duplicate ACK for the third (with a SACK block) makes
        # the kernel resend it: a retransmission inside one PUBLISH, the
        # case that used to be decoded again as new messages.
        cut1, cut2 = 200, 400
        payload = marked("rtx/split", 2, 600, [(1, b"DRP2")], cut1)
        msg = c.publish("rtx/split", payload, 1, 2)
        for part in (msg[:cut1], msg[cut1:cut2], msg[cut2:]):
            c.sock.sendall(part)
            time.sleep(0.1)
        c.read(4)
        time.sleep(0.3)

        # Small messages after the losses, each on its own.
        for i in range(3):
            c.sock.sendall(c.publish("rtx/after", b"reading %d" % i, 0, 0))
            time.sleep(0.05)
        c.note("PINGREQ")
        c.sock.sendall(b"\xc0\x00")
        c.read(13)
        c.note("DISCONNECT")
        c.sock.sendall(b"\xe0\x00")
        time.sleep(0.2)
        c.sock.close()


if __name__ == "__main__":
    run(sys.argv[1], int(sys.argv[2]), sys.argv[3])
