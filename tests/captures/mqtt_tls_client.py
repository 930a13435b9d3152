#!/usr/bin/env python3
"""MQTT 3.1.1 client over TLS that writes the session secrets to a key log
(SSLKEYLOGFILE format), for the decryption captures (make-tls-decrypt.sh).

Usage: mqtt_tls_client.py PORT KEYLOG TLSVERSION CIPHERS CLIENT-ID [no-etm]
  TLSVERSION  1.2 or 1.3; CIPHERS is an OpenSSL TLS 1.2 cipher list
  ("-" for the default).  Only talks to 127.0.0.1.

It connects, subscribes to its own topic, publishes a QoS 1 message to it,
reads the broker's copy back, pings and disconnects.
"""
import socket
import ssl
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
            raise EOFError("connection closed")
        buf += chunk
    return buf


def recv_packet(sock):
    first = recv_exact(sock, 1)[0]
    length, shift = 0, 0
    while True:
        b = recv_exact(sock, 1)[0]
        length |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            break
    return first, recv_exact(sock, length)


def main():
    port, keylog, version, ciphers, client_id = sys.argv[1:6]
    no_etm = len(sys.argv) > 6 and sys.argv[6] == "no-etm"
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.keylog_filename = keylog
    tls = ssl.TLSVersion.TLSv1_3 if version == "1.3" else ssl.TLSVersion.TLSv1_2
    ctx.minimum_version = ctx.maximum_version = tls
    if ciphers != "-":
        ctx.set_ciphers(ciphers)
    if no_etm:
        ctx.options |= 0x00080000   # SSL_OP_NO_ENCRYPT_THEN_MAC
    ctx.set_alpn_protocols(["mqtt"])
    raw = socket.create_connection(("127.0.0.1", int(port)), timeout=5)
    sock = ctx.wrap_socket(raw, server_hostname="iot-gateway.local")
    topic = f"sensors/{client_id}/temperature"
    sock.sendall(packet(0x10, utf8("MQTT") + bytes([4, 0x02]) + struct.pack("!H", 30) + utf8(client_id)))
    assert recv_packet(sock)[0] == 0x20
    sock.sendall(packet(0x82, struct.pack("!H", 1) + utf8(topic) + bytes([1])))
    assert recv_packet(sock)[0] == 0x90
    payload = ('{"device":"%s","t":21.5,"tls":"%s"}' % (client_id, version)).encode()
    sock.sendall(packet(0x32, utf8(topic) + struct.pack("!H", 2) + payload))
    seen = set()
    while len(seen) < 2:
        first, _ = recv_packet(sock)
        seen.add(first & 0xF0)
        if first & 0xF0 == 0x30 and first & 0x06:
            sock.sendall(packet(0x40, _[2 + struct.unpack("!H", _[:2])[0]:][:2]))
    sock.sendall(packet(0xC0, b""))
    assert recv_packet(sock)[0] == 0xD0
    sock.sendall(packet(0xE0, b""))
    sock.close()


if __name__ == "__main__":
    main()
