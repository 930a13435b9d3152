#!/usr/bin/env python3
"""mdns_peer.py -- a tiny multicast DNS peer for the capture scripts.

    mdns_peer.py respond ADDR4 [SECONDS]   answer queries for our records
    mdns_peer.py query ADDR4                send a few queries, print answers

Both ends use real UDP sockets on 224.0.0.251:5353 bound to ADDR4's
interface; the messages follow RFC 6762/6763 (service discovery with
PTR/SRV/TXT/A/AAAA/HINFO records, cache-flush bit, QU questions, known
answers).  Only the Python standard library is used.
"""
import socket
import struct
import sys
import time

GROUP, PORT = "224.0.0.251", 5353
HOST = "iot-thermo.local"
SERVICE = "_coap._udp.local"
INSTANCE = "Thermostat Kitchen._coap._udp.local"


def name(n):
    out = b""
    for label in n.rstrip(".").split("."):
        raw = label.encode()
        out += bytes([len(raw)]) + raw
    return out + b"\0"


def rr(owner, rtype, rdata, ttl=120, flush=True, raw_owner=None):
    cls = 0x8001 if flush else 0x0001
    return (raw_owner or name(owner)) + struct.pack("!HHIH", rtype, cls, ttl, len(rdata)) + rdata


def records(addr4):
    txt = b"".join(bytes([len(s)]) + s for s in (b"model=T100", b"fw=2.3.1", b"unit=C"))
    return {
        "ptr": rr(SERVICE, 12, name(INSTANCE), ttl=4500, flush=False),
        "srv": rr(INSTANCE, 33, struct.pack("!HHH", 0, 0, 5683) + name(HOST)),
        "txt": rr(INSTANCE, 16, txt, ttl=4500),
        "a": rr(HOST, 1, socket.inet_aton(addr4)),
        "aaaa": rr(HOST, 28, socket.inet_pton(socket.AF_INET6, "fd99::2")),
        "hinfo": rr(HOST, 13, b"\x06ARMv7L\x05LINUX"),
        "sdptr": rr("_services._dns-sd._udp.local", 12, name(SERVICE), ttl=4500, flush=False),
    }


def message(ident, flags, questions=(), answers=(), additional=()):
    head = struct.pack("!HHHHHH", ident, flags, len(questions), len(answers), 0, len(additional))
    return head + b"".join(questions) + b"".join(answers) + b"".join(additional)


def question(n, qtype, unicast=False):
    return name(n) + struct.pack("!HH", qtype, 0x8001 if unicast else 0x0001)


def open_socket(addr4):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("", PORT))
    mreq = socket.inet_aton(GROUP) + socket.inet_aton(addr4)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(addr4))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    return s


def read_question(msg, off):
    labels = []
    while msg[off] != 0:
        if msg[off] >= 0xC0:       # our peers never compress questions
            raise ValueError("compressed question")
        labels.append(msg[off + 1: off + 1 + msg[off]].decode())
        off += 1 + msg[off]
    qtype, qclass = struct.unpack("!HH", msg[off + 1: off + 5])
    return ".".join(labels), qtype, qclass, off + 5


def respond(addr4, seconds):
    s = open_socket(addr4)
    r = records(addr4)
    # Announce once, like a device joining the network (RFC 6762 §8.3).
    s.sendto(message(0, 0x8400, answers=[r["ptr"], r["srv"], r["txt"], r["a"], r["aaaa"]]), (GROUP, PORT))
    s.settimeout(0.5)
    end = time.time() + seconds
    while time.time() < end:
        try:
            msg, peer = s.recvfrom(9000)
        except socket.timeout:
            continue
        ident, flags, qd = struct.unpack("!HHH", msg[:6])
        if flags & 0x8000 or qd == 0:
            continue
        answers, extra, unicast = [], [], False
        off = 12
        for _ in range(qd):
            qname, qtype, qclass, off = read_question(msg, off)
            unicast |= bool(qclass & 0x8000)
            if qname == "_services._dns-sd._udp.local" and qtype == 12:
                answers.append(r["sdptr"])
            elif qname == SERVICE and qtype == 12:
                answers.append(r["ptr"])
                extra += [r["srv"], r["txt"], r["a"], r["aaaa"]]
            elif qname == HOST and qtype in (1, 255):
                answers.append(r["a"])
                if qtype == 255:
                    answers += [r["aaaa"], r["hinfo"]]
            elif qname == HOST and qtype == 28:
                answers.append(r["aaaa"])
            elif qname == INSTANCE and qtype in (33, 16):
                answers.append(r["srv"] if qtype == 33 else r["txt"])
        if not answers:
            continue
        reply = message(ident if peer[1] != PORT else 0, 0x8400, answers=answers, additional=extra)
        s.sendto(reply, peer if unicast or peer[1] != PORT else (GROUP, PORT))


def query(addr4):
    s = open_socket(addr4)
    s.settimeout(0.5)
    asks = [
        [question("_services._dns-sd._udp.local", 12)],
        [question(SERVICE, 12, unicast=True)],
        [question(HOST, 1), question(HOST, 28)],
        [question(HOST, 255)],
        [question(INSTANCE, 33), question(INSTANCE, 16)],
    ]
    for qs in asks:
        s.sendto(message(0, 0, questions=qs), (GROUP, PORT))
        try:
            msg, peer = s.recvfrom(9000)
            print("answer from %s: %d bytes" % (peer[0], len(msg)))
        except socket.timeout:
            print("no answer")
        time.sleep(0.2)
    # A one-shot (legacy) query from an ephemeral port: answered by unicast
    # with the query id echoed, like a plain DNS resolver would expect.
    one = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    one.settimeout(1)
    one.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(addr4))
    one.sendto(message(0x4242, 0, questions=[question(HOST, 1)]), (GROUP, PORT))
    try:
        msg, peer = one.recvfrom(9000)
        print("legacy answer from %s: %d bytes" % (peer[0], len(msg)))
    except socket.timeout:
        print("no legacy answer")


if __name__ == "__main__":
    if sys.argv[1] == "respond":
        respond(sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 15)
    else:
        query(sys.argv[2])
