#!/usr/bin/python3
"""Socket-level Modbus/TCP client for framings libraries never produce.

Usage: modbus_raw.py PORT pipeline|split
  pipeline: two requests in one TCP segment, then a request with a function
            code the server does not know (it answers "illegal function").
  split:    one request cut over two TCP segments, with a pause between.
"""
import socket
import struct
import sys
import time


def adu(trans, unit, pdu):
    return struct.pack(">HHHB", trans, 0, len(pdu) + 1, unit) + pdu


def recv_replies(sock, count):
    data = b""
    for _ in range(count):
        while len(data) < 6 or len(data) < 6 + struct.unpack(">H", data[4:6])[0]:
            chunk = sock.recv(4096)
            if not chunk:
                sys.exit("connection closed")
            data += chunk
        data = data[6 + struct.unpack(">H", data[4:6])[0]:]


def main():
    port, mode = int(sys.argv[1]), sys.argv[2]
    sock = socket.create_connection(("127.0.0.1", port), timeout=3)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if mode == "pipeline":
        sock.sendall(adu(101, 1, struct.pack(">BHH", 3, 10, 2)) +
                     adu(102, 1, struct.pack(">BHH", 1, 0, 3)))
        recv_replies(sock, 2)
        time.sleep(0.05)
        sock.sendall(adu(103, 1, struct.pack(">BHH", 0x41, 0, 1)))
        recv_replies(sock, 1)
    else:
        msg = adu(201, 1, struct.pack(">BHHB4H", 16, 40, 4, 8, 10, 20, 30, 40))
        sock.sendall(msg[:9])
        time.sleep(0.2)
        sock.sendall(msg[9:])
        # The server may or may not answer a request that arrived in pieces.
        sock.settimeout(1)
        try:
            recv_replies(sock, 1)
        except (TimeoutError, socket.timeout):
            pass
    sock.close()


if __name__ == "__main__":
    main()
