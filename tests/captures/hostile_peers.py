#!/usr/bin/env python3
"""hostile_peers.py — clients (and a DNS responder) that put control bytes
and bytes that are not valid UTF-8 into strings on the wire, for
hostile-strings.pcap (see make-hostile.sh).

  hostile_peers.py http HOST PORT      raw-socket HTTP requests
  hostile_peers.py mqtt HOST PORT      raw-socket MQTT CONNECT/PUBLISH/SUBSCRIBE
  hostile_peers.py dns-server HOST PORT  answers every query with its own name
  hostile_peers.py dns HOST PORT       queries with hostile names
"""
import socket
import struct
import sys
import time

# Strings from the wire that an analyzer must print safely: C0 controls
# (BEL, ESC, DC2, CR, LF, TAB), DEL, a lone continuation byte, a truncated
# sequence, an overlong encoding, a UTF-16 surrogate, and valid non-ASCII
# text next to them.
HOSTILE = [
    b'caf\xc3\xa9-\x12-\x07-\x1b[31m-\x7f',
    b'bad\xff\xfeutf8-\x80-\xc3(-\xe2\x82',
    b'overlong-\xc0\xaf-surrogate-\xed\xa0\x80-end',
    b'tab\there-cr\rlf\nnul\x00x',
    b'back\\slash-c1\xc2\x85-emoji\xf0\x9f\x98\x80-cut\xf0\x9f',
]


def http(host, port):
    requests = [
        b'GET /caf\xc3\xa9/\x12\x07\x1b[31m\x7f/\xff\xfe HTTP/1.1\r\n'
        b'Host: ' + host.encode() + b'\r\n'
        b'User-Agent: ev\xc3(il\x07agent\x12\r\n'
        b'X-Note: tab\there-\xff-\x01\r\n'
        b'Connection: close\r\n\r\n',
        b'POST /form\x01\xc0\xaf HTTP/1.1\r\n'
        b'Host: ' + host.encode() + b'\r\n'
        b'Content-Type: text/plain\r\n'
        b'Content-Length: 12\r\n'
        b'Connection: close\r\n\r\n'
        b'ab\x12\xff\xfecd\x07\r\nef',
        b'GET /back\\slash/\xed\xa0\x80/\xc2\x85/\xf0\x9f\x98\x80/\xe2\x82 HTTP/1.1\r\n'
        b'Host: ' + host.encode() + b'\r\n'
        b'X-Note: \\\x1f\xf4\x90\x80\x80\r\n'
        b'Connection: close\r\n\r\n',
    ]
    for request in requests:
        with socket.create_connection((host, port), timeout=5) as s:
            s.sendall(request)
            s.shutdown(socket.SHUT_WR)
            while s.recv(65536):
                pass


def mqtt_string(b):
    return struct.pack('>H', len(b)) + b


def mqtt_packet(first, body):
    length, enc = len(body), b''
    while True:
        byte, length = length % 128, length // 128
        enc += bytes([byte | (0x80 if length else 0)])
        if not length:
            break
    return bytes([first]) + enc + body


def mqtt_session(host, port, client_id, packets):
    with socket.create_connection((host, port), timeout=5) as s:
        connect = mqtt_string(b'MQTT') + bytes([4, 0x02]) + struct.pack('>H', 30) + mqtt_string(client_id)
        s.sendall(mqtt_packet(0x10, connect))
        s.recv(4)
        for p in packets:
            try:
                s.sendall(p)
            except OSError:
                return          # the broker closed on a string it refuses
            time.sleep(0.1)
        s.settimeout(1)
        try:
            while s.recv(65536):
                pass
        except (socket.timeout, ConnectionError):
            pass


def mqtt(host, port):
    # One session per message: the broker closes on a string it refuses.
    # QoS 0 PUBLISH only: a SUBSCRIBE would never get its SUBACK (the broker
    # closes first), and "no response seen" is ours, not tshark's.
    for i, topic in enumerate(HOSTILE):
        publish = mqtt_packet(0x30, mqtt_string(b'sensors/' + topic) + b'payload ' + topic)
        mqtt_session(host, port, b'dev-pub-%d' % i, [publish])


def dns_name(labels):
    return b''.join(bytes([len(l)]) + l for l in labels) + b'\x00'


DNS_NAMES = [
    [b'sens\x12or', b'ctl\x07\x1b', b'lan'],
    [b'bad\xff\xfe', b'nl\nx', b'lan'],
    [b'dot.inside', b'sp ace', b'del\x7f', b'lan'],
    [b'caf\xc3\xa9', b'lan'],
    [b'back\\slash', b'sur\xed\xa0\x80', b'c1\xc2\x85', b'nul\x00x', b'lan'],
]


def dns(host, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    for i, labels in enumerate(DNS_NAMES):
        query = struct.pack('>HHHHHH', 0x4100 + i, 0x0100, 1, 0, 0, 0) + dns_name(labels) + struct.pack('>HH', 1, 1)
        s.sendto(query, (host, port))
        try:
            s.recvfrom(4096)
        except socket.timeout:
            sys.exit('no DNS answer')


def dns_server(host, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((host, port))
    while True:
        query, peer = s.recvfrom(4096)
        ident, = struct.unpack_from('>H', query)
        question = query[12:]
        # An answer naming the question by a pointer, then a TXT record
        # whose text is the first label, hostile bytes and all.
        first = question[1:1 + question[0]]
        answer = struct.pack('>HHHIH', 0xc00c, 1, 1, 60, 4) + bytes([192, 0, 2, 1])
        answer += struct.pack('>HHHIH', 0xc00c, 16, 1, 60, len(first) + 1) + bytes([len(first)]) + first
        reply = struct.pack('>HHHHHH', ident, 0x8180, 1, 2, 0, 0) + question + answer
        s.sendto(reply, peer)


if __name__ == '__main__':
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    {'http': http, 'mqtt': mqtt, 'dns': dns, 'dns-server': dns_server}[sys.argv[1]](sys.argv[2], int(sys.argv[3]))
