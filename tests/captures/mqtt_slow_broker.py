#!/usr/bin/env python3
"""A slow MQTT broker and a careful device, for make-insight-causes.sh.

  mqtt_slow_broker.py broker PORT DELAY_EVERY DELAY_S
      Accepts MQTT 3.1.1 clients on 127.0.0.1:PORT, answers CONNECT at once
      and every QoS 1 PUBLISH with a PUBACK -- at once, except every
      DELAY_EVERY-th PUBLISH, whose PUBACK it holds back DELAY_S seconds
      (a broker stuck writing to a slow disk or a busy bridge).  The kernel
      still acknowledges the TCP segment at once: the network is fine, the
      broker is not.

  mqtt_slow_broker.py device PORT CLIENT_ID TOPIC PERIOD COUNT
      Takes COUNT readings, one every PERIOD seconds, and publishes each at
      QoS 1 with one message in flight at a time: it waits for each PUBACK,
      and a reading that falls due while it is still waiting is dropped (no
      queue, as on many constrained devices).  Then it DISCONNECTs.

Only ever talks to 127.0.0.1.
"""
import os
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mqtt_raw import packet, recv_packet, utf8  # noqa: E402


def serve_client(conn, delay_every, delay_s):
    publishes = 0
    with conn:
        try:
            while True:
                first, body = recv_packet(conn)
                kind = first >> 4
                if kind == 1:
                    conn.sendall(packet(0x20, b"\x00\x00"))
                elif kind == 3:
                    qos = (first >> 1) & 3
                    tlen = struct.unpack("!H", body[:2])[0]
                    if qos == 0:
                        continue
                    msgid = body[2 + tlen:4 + tlen]
                    publishes += 1
                    if publishes % delay_every == 0:
                        time.sleep(delay_s)
                    conn.sendall(packet(0x40, msgid))
                elif kind == 12:
                    conn.sendall(packet(0xD0, b""))
                elif kind == 14:
                    return
        except ConnectionError:
            return


def broker(port, delay_every, delay_s):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(8)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve_client, args=(conn, delay_every, delay_s), daemon=True).start()


def device(port, client_id, topic, period, count):
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.sendall(packet(0x10, utf8("MQTT") + bytes([4, 0x02]) + struct.pack("!H", 30) + utf8(client_id)))
    recv_packet(sock)
    start = time.monotonic()
    for i in range(count):
        due = start + i * period
        now = time.monotonic()
        if now > due + period / 2:
            continue    # still waiting for the last PUBACK when this reading was due
        if due > now:
            time.sleep(due - now)
        payload = ('{"reading":%d,"kpa":%d.%d}' % (i, 101 + i % 3, i % 10)).encode()
        sock.sendall(packet(0x32, utf8(topic) + struct.pack("!H", i + 1) + payload))
        first, _ = recv_packet(sock)
        assert first >> 4 == 4, "expected a PUBACK"
    sock.sendall(packet(0xE0, b""))
    sock.close()


def main():
    if sys.argv[1] == "broker":
        broker(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]))
    else:
        device(int(sys.argv[2]), sys.argv[3], sys.argv[4], float(sys.argv[5]), int(sys.argv[6]))


if __name__ == "__main__":
    main()
