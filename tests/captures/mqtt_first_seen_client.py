#!/usr/bin/env python3
"""mqtt_first_seen_client.py -- the device of make-mqtt-first-seen.sh: an
MQTT 3.1.1 client (plain sockets) that publishes meter readings at QoS 1
while a second connection of the same device publishes a command to a topic
the first one subscribes to, right after each reading.  So the broker
answers each reading with a PUBACK and, a few milliseconds later, delivers
the command on the same connection: when a router drops the PUBACK, the
command arrives first and the PUBACK only later, in a retransmission.

Usage: mqtt_first_seen_client.py BROKER-ADDRESS READINGS
Only ever talks to BROKER-ADDRESS port 1883."""
import socket
import struct
import sys
import time


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


def packet(first_byte, body):
    return bytes([first_byte]) + varint(len(body)) + body


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise SystemExit("the broker closed the connection")
        buf += chunk
    return buf


def read_packet(sock):
    first = recv_exact(sock, 1)[0]
    length, shift = 0, 0
    while True:
        b = recv_exact(sock, 1)[0]
        length |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            break
    return first, recv_exact(sock, length)


def connect(host, client_id):
    s = socket.create_connection((host, 1883), timeout=10)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.sendall(packet(0x10, utf8("MQTT") + bytes([4, 0x02]) + struct.pack("!H", 60) + utf8(client_id)))
    first, body = read_packet(s)
    if first >> 4 != 2 or body[1] != 0:
        raise SystemExit(f"{client_id}: CONNECT refused")
    return s


def main():
    host, readings = sys.argv[1], int(sys.argv[2])
    meter = connect(host, "meter-4")
    meter.sendall(packet(0x82, struct.pack("!H", 1) + utf8("site/meter-4/cmd") + b"\x00"))
    first, _ = read_packet(meter)
    if first >> 4 != 9:
        raise SystemExit("no SUBACK")
    control = connect(host, "meter-4-ctl")
    for n in range(readings):
        msgid = 10 + n
        meter.sendall(packet(0x32, utf8("site/meter-4/kwh") + struct.pack("!H", msgid)
                             + f'{{"kwh": {1520.25 + n}}}'.encode()))
        time.sleep(0.004)
        control.sendall(packet(0x30, utf8("site/meter-4/cmd") + f'{{"ack_reading": {n}}}'.encode()))
        acked = delivered = False
        while not (acked and delivered):
            first, body = read_packet(meter)
            if first >> 4 == 4 and struct.unpack("!H", body[:2])[0] == msgid:
                acked = True
                print(f"reading {n}: PUBACK {msgid}", flush=True)
            elif first >> 4 == 3:
                delivered = True
        time.sleep(1)
    for s in (control, meter):
        s.sendall(b"\xe0\x00")
        s.close()


if __name__ == "__main__":
    main()
