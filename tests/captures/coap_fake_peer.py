#!/usr/bin/env python3
"""coap_fake_peer.py -- small CoAP peers (RFC 7252, 7641, 7959) that misbehave
on purpose, for the CoAP rules of the insight (make-insight-coap.sh).  They
talk plain UDP sockets and build every message by hand, so each one does
exactly one wrong thing that a real implementation would not do on request.

Servers (bind ADDRESS, port 5683, run until killed):
  stall-block2 ADDRESS   GET /firmware: a 1024-byte image in 64-byte Block2
                         blocks; answers blocks 0..4 and then goes silent
                         (a server that crashed or ran out of memory
                         half-way through a download)
  stall-block1 ADDRESS   PUT /config with Block1: 2.31 Continue for blocks
                         0..2, then no answer at all
  ignore-cancel ADDRESS  /temp is observable; CON notifications every 0.5 s
                         that go on after the client deregisters with
                         GET Observe=1 (a server that forgets to remove
                         the observer)
  rst-con ADDRESS        a constrained server that handles only NON
                         requests and answers every CON with RST

Clients (talk to HOST:5683 from local port PORT, then exit):
  rst-notify HOST PORT   GET /time with Observe=0, ACK two notifications,
                         RST the third (deregistration by reset, RFC 7641
                         section 3.6), then listen 3 s more
  stop-block2 HOST PORT  GET /example_data in 64-byte Block2 blocks, stop
                         after block 3 of a longer body (a client that gave
                         up half-way), and 3 s later GET /time
  ping HOST PORT         an empty CON (CoAP ping); the RST is the answer
"""
import random
import socket
import struct
import sys
import time

CON, NON, ACK, RST = 0, 1, 2, 3
GET, PUT = 1, 3
CONTENT, CHANGED, CONTINUE = 0x45, 0x44, 0x5F   # 2.05, 2.04, 2.31
OBSERVE, URI_PATH, CONTENT_FORMAT, BLOCK2, BLOCK1, SIZE2 = 6, 11, 12, 23, 27, 28
PORT = 5683


def encode_uint(value):
    if value == 0:
        return b""
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


def encode_options(options):
    """options: list of (number, bytes), encoded in ascending order."""
    out, last = b"", 0
    for number, value in sorted(options, key=lambda o: o[0]):
        delta, length = number - last, len(value)
        last = number

        def nibble(v):
            if v < 13:
                return v, b""
            if v < 269:
                return 13, bytes([v - 13])
            return 14, struct.pack("!H", v - 269)
        d, dext = nibble(delta)
        ln, lext = nibble(length)
        out += bytes([(d << 4) | ln]) + dext + lext + value
    return out


def message(mtype, code, mid, token=b"", options=(), payload=b""):
    head = struct.pack("!BBH", 0x40 | (mtype << 4) | len(token), code, mid) + token
    body = encode_options(list(options))
    if payload:
        body += b"\xff" + payload
    return head + body


def parse(data):
    """(type, code, mid, token, {option: [values]}, payload) or None."""
    if len(data) < 4 or data[0] >> 6 != 1:
        return None
    mtype, tkl = (data[0] >> 4) & 3, data[0] & 15
    code, mid = data[1], struct.unpack("!H", data[2:4])[0]
    token, pos, number, options = data[4:4 + tkl], 4 + tkl, 0, {}
    while pos < len(data) and data[pos] != 0xFF:
        d, ln = data[pos] >> 4, data[pos] & 15
        pos += 1
        for which in ("d", "l"):
            v = d if which == "d" else ln
            if v == 13:
                v, pos = data[pos] + 13, pos + 1
            elif v == 14:
                v, pos = struct.unpack("!H", data[pos:pos + 2])[0] + 269, pos + 2
            if which == "d":
                d = v
            else:
                ln = v
        number += d
        options.setdefault(number, []).append(data[pos:pos + ln])
        pos += ln
    payload = data[pos + 1:] if pos < len(data) else b""
    return mtype, code, mid, token, options, payload


def uint(value):
    return int.from_bytes(value, "big") if value else 0


def block_value(num, more, szx=2):   # szx 2: 64-byte blocks
    return encode_uint((num << 4) | (8 if more else 0) | szx)


def server_socket(address):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((address, PORT))
    print(f"listening on {address}:{PORT}", flush=True)
    return s


def path_of(options):
    return "/".join(v.decode() for v in options.get(URI_PATH, []))


def stall_block2(address):
    image = bytes((i * 7 + 3) & 0xFF for i in range(1024))
    s = server_socket(address)
    while True:
        data, peer = s.recvfrom(2048)
        m = parse(data)
        if m is None or m[1] != GET or path_of(m[4]) != "firmware":
            continue
        num = uint(m[4].get(BLOCK2, [b""])[0]) >> 4
        if num > 4:
            print(f"ignoring the request for block {num}", flush=True)
            continue
        chunk = image[num * 64:(num + 1) * 64]
        options = [(CONTENT_FORMAT, encode_uint(42)), (BLOCK2, block_value(num, True))]
        if num == 0:
            options.append((SIZE2, encode_uint(len(image))))
        s.sendto(message(ACK, CONTENT, m[2], m[3], options, chunk), peer)


def stall_block1(address):
    s = server_socket(address)
    while True:
        data, peer = s.recvfrom(2048)
        m = parse(data)
        if m is None or m[1] != PUT or BLOCK1 not in m[4]:
            continue
        value = uint(m[4][BLOCK1][0])
        num = value >> 4
        if num > 2:
            print(f"ignoring block {num}", flush=True)
            continue
        s.sendto(message(ACK, CONTINUE, m[2], m[3], [(BLOCK1, m[4][BLOCK1][0])]), peer)


def ignore_cancel(address):
    s = server_socket(address)
    s.settimeout(0.05)
    observer, seq, mid, next_at = None, 2, random.randrange(0x10000), 0.0
    while True:
        try:
            data, peer = s.recvfrom(2048)
            m = parse(data)
        except socket.timeout:
            m = None
        if m is not None and m[0] == CON and m[1] == GET and path_of(m[4]) == "temp":
            obs = m[4].get(OBSERVE)
            value = f"{20 + seq % 5}.5".encode()
            if obs is not None and uint(obs[0]) == 0:
                observer = (peer, m[3])
                next_at = time.monotonic() + 0.5
                s.sendto(message(ACK, CONTENT, m[2], m[3],
                                 [(OBSERVE, encode_uint(seq)), (CONTENT_FORMAT, b"")], value), peer)
            else:
                # A deregistration is answered, but the observer stays.
                s.sendto(message(ACK, CONTENT, m[2], m[3], [(CONTENT_FORMAT, b"")], value), peer)
        if observer is not None and time.monotonic() >= next_at:
            seq += 1
            mid = (mid + 1) & 0xFFFF
            s.sendto(message(CON, CONTENT, mid, observer[1],
                             [(OBSERVE, encode_uint(seq)), (CONTENT_FORMAT, b"")],
                             f"{20 + seq % 5}.5".encode()), observer[0])
            next_at = time.monotonic() + 0.5


def rst_con(address):
    s = server_socket(address)
    while True:
        data, peer = s.recvfrom(2048)
        m = parse(data)
        if m is None:
            continue
        if m[0] == CON:
            s.sendto(message(RST, 0, m[2]), peer)
        elif m[0] == NON and m[1] == GET:
            s.sendto(message(NON, CONTENT, random.randrange(0x10000), m[3], [(CONTENT_FORMAT, b"")],
                             b"ok"), peer)


def client_socket(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", int(port)))
    s.settimeout(5)
    return s


def rst_notify(host, port):
    s = client_socket(port)
    token, mid = b"\xc1\x0e", random.randrange(0x10000)
    s.sendto(message(CON, GET, mid, token, [(OBSERVE, b""), (URI_PATH, b"time")]), (host, PORT))
    seen = 0
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            data, peer = s.recvfrom(2048)
        except socket.timeout:
            break
        m = parse(data)
        if m is None or m[3] != token or m[0] == ACK:
            continue
        seen += 1
        if seen <= 2:
            if m[0] == CON:
                s.sendto(message(ACK, 0, m[2]), peer)
        else:
            print(f"reset notification MID {m[2]}", flush=True)
            s.sendto(message(RST, 0, m[2]), peer)
            deadline = time.monotonic() + 3
            s.settimeout(3)


def stop_block2(host, port):
    s = client_socket(port)
    token, mid = b"\xb2\x01", random.randrange(0x10000)
    for num in range(4):
        mid = (mid + 1) & 0xFFFF
        s.sendto(message(CON, GET, mid, token, [(URI_PATH, b"example_data"), (BLOCK2, block_value(num, False))]),
                 (host, PORT))
        data, _ = s.recvfrom(2048)
        m = parse(data)
        if m is None or BLOCK2 not in m[4] or not uint(m[4][BLOCK2][0]) & 8:
            raise SystemExit(f"block {num}: the body is not longer than this")
    print("stopped after block 3", flush=True)
    # Still there, and busy with something else: an unrelated request later.
    time.sleep(3)
    s.sendto(message(CON, GET, (mid + 1) & 0xFFFF, b"\xb2\x02", [(URI_PATH, b"time")]), (host, PORT))
    s.recvfrom(2048)


def ping(host, port):
    s = client_socket(port)
    mid = random.randrange(0x10000)
    s.sendto(message(CON, 0, mid), (host, PORT))
    data, _ = s.recvfrom(2048)
    m = parse(data)
    print("answer:", "RST" if m and m[0] == RST else m, flush=True)


def main():
    modes = {"stall-block2": stall_block2, "stall-block1": stall_block1, "ignore-cancel": ignore_cancel,
             "rst-con": rst_con, "rst-notify": rst_notify, "stop-block2": stop_block2, "ping": ping}
    if len(sys.argv) < 3 or sys.argv[1] not in modes:
        raise SystemExit(__doc__)
    modes[sys.argv[1]](*sys.argv[2:])


if __name__ == "__main__":
    main()
