#!/usr/bin/env python3
"""Socket-level TCP peers for make-tcp-loss.sh (standard library only).

  tcp_peers.py rst-client HOST PORT SRCPORT
      Connects from SRCPORT, sends an MQTT CONNECT and a PUBLISH, then closes
      with SO_LINGER {1, 0}, so the kernel sends a RST instead of a FIN.  Then
      connects again from the same source port (SO_REUSEADDR; a RST leaves no
      TIME_WAIT) with a new SYN, publishes, and disconnects cleanly.

  tcp_peers.py slow-server HOST PORT SECONDS
      Accepts one connection on a socket with a tiny receive buffer and does
      not read for SECONDS, so the receive window drops to zero and the sender
      probes it; then reads everything slowly until the peer closes.

  tcp_peers.py bulk-client HOST PORT BYTES
      Sends BYTES bytes as fast as the window allows, then closes.

  tcp_peers.py publisher HOST PORT COUNT
      An MQTT 3.1.1 sensor: COUNT QoS 1 PUBLISHes in bursts of 20, each in a
      segment of its own (TCP_NODELAY), PUBACKs read as they come; then
      DISCONNECT once every message was acknowledged.
"""
import socket
import struct
import sys
import time


def mqtt_string(s):
    b = s.encode()
    return struct.pack("!H", len(b)) + b


def mqtt_packet(first, body):
    n, rem = len(body), b""
    while True:
        byte = n % 128
        n //= 128
        rem += bytes([byte | (0x80 if n else 0)])
        if not n:
            break
    return bytes([first]) + rem + body


def mqtt_connect(client_id):
    var = mqtt_string("MQTT") + bytes([4, 0x02]) + struct.pack("!H", 30)
    return mqtt_packet(0x10, var + mqtt_string(client_id))


def mqtt_publish(topic, payload):
    return mqtt_packet(0x30, mqtt_string(topic) + payload)


def recv_some(sock, timeout=2.0):
    sock.settimeout(timeout)
    try:
        return sock.recv(4096)
    except socket.timeout:
        return b""


def session(host, port, srcport, client_id):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", srcport))
    s.connect((host, port))
    s.sendall(mqtt_connect(client_id))
    recv_some(s)                                   # CONNACK
    s.sendall(mqtt_publish("plant/valve/state", b'{"open":true}'))
    time.sleep(0.2)
    return s


def rst_client(host, port, srcport):
    s = session(host, port, srcport, "iot-valve-7")
    # The device "dies": an abortive close sends a RST.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    time.sleep(0.5)
    s = session(host, port, srcport, "iot-valve-7")
    s.sendall(bytes([0xe0, 0x00]))                 # DISCONNECT
    time.sleep(0.2)
    s.close()


def slow_server(host, port, seconds):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Set before listen() so that the SYN-ACK already offers the small window.
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    ls.bind((host, port))
    ls.listen(1)
    ls.settimeout(10)
    c, _ = ls.accept()
    time.sleep(seconds)                            # the application is stuck
    c.settimeout(10)
    while True:
        data = c.recv(512)
        if not data:
            break
        time.sleep(0.05)
    c.close()
    ls.close()


def bulk_client(host, port, nbytes):
    s = socket.create_connection((host, port), timeout=10)
    chunk = bytes(range(256)) * 4
    sent = 0
    s.settimeout(30)
    while sent < nbytes:
        n = min(len(chunk), nbytes - sent)
        s.sendall(chunk[:n])
        sent += n
    s.shutdown(socket.SHUT_WR)
    recv_some(s, 30)
    s.close()


def publisher(host, port, count):
    s = socket.create_connection((host, port), timeout=10)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.sendall(mqtt_connect("iot-lossy-sensor"))
    recv_some(s)                                   # CONNACK
    acked, pending = 0, b""
    s.setblocking(False)
    for i in range(1, count + 1):
        body = mqtt_string("plant/line1/temp") + struct.pack("!H", i)
        body += b'{"seq":%d,"temp":%d.%d}' % (i, 18 + i % 7, i % 10)
        s.setblocking(True)
        s.sendall(mqtt_packet(0x32, body))
        s.setblocking(False)
        if i % 20 == 0:
            time.sleep(0.15)
        try:
            pending += s.recv(65536)
        except BlockingIOError:
            pass
        acked += pending.count(b"\x40\x02")
        pending = b""
    s.setblocking(True)
    s.settimeout(1.0)
    deadline = time.time() + 30
    while acked < count and time.time() < deadline:
        try:
            data = s.recv(65536)
        except socket.timeout:
            continue
        if not data:
            break
        acked += data.count(b"\x40\x02")
    s.sendall(bytes([0xe0, 0x00]))                 # DISCONNECT
    time.sleep(0.2)
    s.close()


def main():
    mode, host, port, arg = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    if mode == "rst-client":
        rst_client(host, port, int(arg))
    elif mode == "slow-server":
        slow_server(host, port, float(arg))
    elif mode == "publisher":
        publisher(host, port, int(arg))
    elif mode == "bulk-client":
        bulk_client(host, port, int(arg))
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
