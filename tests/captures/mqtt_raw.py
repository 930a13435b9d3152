#!/usr/bin/env python3
"""Tiny hand-rolled MQTT client used by make-captures.sh.

It produces packet types / options that mosquitto_pub/mosquitto_sub do not
easily emit: SUBSCRIBE with MQTT v5 subscription options (No Local, Retain As
Published, Retain Handling), several topic filters in one SUBSCRIBE,
PINGREQ/PINGRESP, UNSUBSCRIBE/UNSUBACK and a v5 DISCONNECT with a reason code.

Usage: mqtt_raw.py {311|5} [host] [port]
Only ever talks to the given host (default 127.0.0.1) and port (default 1883).
"""
import socket
import struct
import sys


def varint(n):
    out = bytearray()
    while True:
        b = n % 128
        n //= 128
        if n:
            b |= 0x80
        out.append(b)
        if not n:
            return bytes(out)


def utf8(s):
    b = s.encode()
    return struct.pack("!H", len(b)) + b


def packet(first_byte, body):
    return bytes([first_byte]) + varint(len(body)) + body


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("broker closed the connection")
        buf += chunk
    return buf


def recv_packet(sock):
    first = recv_exact(sock, 1)[0]
    mult, length = 1, 0
    for _ in range(4):
        b = recv_exact(sock, 1)[0]
        length += (b & 0x7F) * mult
        mult *= 128
        if not b & 0x80:
            break
    return first, recv_exact(sock, length)


def expect(sock, ptype):
    first, body = recv_packet(sock)
    if first >> 4 != ptype:
        raise RuntimeError("expected packet type %d, got 0x%02x" % (ptype, first))
    return body


def main():
    version = sys.argv[1] if len(sys.argv) > 1 else "311"
    host = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
    port = int(sys.argv[3]) if len(sys.argv) > 3 else 1883
    v5 = version == "5"
    s = socket.create_connection((host, port), timeout=5)

    # CONNECT, clean session/start, keepalive 30
    client_id = "iotscope-raw-v5" if v5 else "iotscope-raw-311"
    vh = utf8("MQTT") + bytes([5 if v5 else 4, 0x02]) + struct.pack("!H", 30)
    if v5:
        # properties: Session Expiry Interval (0x11) = 0, Receive Maximum (0x21) = 10
        props = b"\x11" + struct.pack("!I", 0) + b"\x21" + struct.pack("!H", 10)
        vh += varint(len(props)) + props
    s.sendall(packet(0x10, vh + utf8(client_id)))
    expect(s, 2)  # CONNACK

    # SUBSCRIBE, packet id 1, two topic filters
    body = struct.pack("!H", 1)
    if v5:
        # properties: Subscription Identifier (0x0B) = 42, User Property (0x26)
        props = b"\x0b" + varint(42) + b"\x26" + utf8("origin") + utf8("raw")
        body += varint(len(props)) + props
        # options: QoS 1 | No Local (0x04) | Retain As Published (0x08) | Retain Handling 2 (0x20)
        body += utf8("sensors/raw/+") + bytes([0x01 | 0x04 | 0x08 | 0x20])
        # options: QoS 2 | Retain Handling 1 (0x10)
        body += utf8("actuators/#") + bytes([0x02 | 0x10])
    else:
        body += utf8("sensors/raw/+") + b"\x01"
        body += utf8("actuators/#") + b"\x02"
    s.sendall(packet(0x82, body))
    expect(s, 9)  # SUBACK

    # PINGREQ / PINGRESP
    s.sendall(b"\xc0\x00")
    expect(s, 13)

    # UNSUBSCRIBE, packet id 2
    body = struct.pack("!H", 2)
    if v5:
        body += b"\x00"  # no properties
    body += utf8("sensors/raw/+") + utf8("actuators/#")
    s.sendall(packet(0xA2, body))
    expect(s, 11)  # UNSUBACK

    # DISCONNECT (v5: reason code 0x00 + Session Expiry Interval property 0)
    if v5:
        props = b"\x11" + struct.pack("!I", 0)
        s.sendall(packet(0xE0, b"\x00" + varint(len(props)) + props))
    else:
        s.sendall(b"\xe0\x00")
    s.close()


if __name__ == "__main__":
    main()
