#!/usr/bin/env python3
"""udp-sender.py PORT COUNT [SIZE] [RATE]: COUNT UDP datagrams to
127.0.0.1:PORT, each numbered; SIZE bytes (varied when 0); RATE per second
(0 = as fast as possible).  Prints how many were sent."""
import socket
import sys
import time

port, count = int(sys.argv[1]), int(sys.argv[2])
size = int(sys.argv[3]) if len(sys.argv) > 3 else 0
rate = float(sys.argv[4]) if len(sys.argv) > 4 else 0
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
start = time.monotonic()
sent = 0
for i in range(count):
    n = size or (20 + (i * 37) % 1200)
    s.sendto(i.to_bytes(4, "big") + b"x" * (n - 4), ("127.0.0.1", port))
    sent += 1
    if rate:
        delay = start + sent / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
print(sent)
