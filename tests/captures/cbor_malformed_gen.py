#!/usr/bin/python3
"""cbor-malformed.pcap: CoAP responses (Content-Format 60, application/cbor)
whose CBOR no encoder writes, byte by byte, for the decoder's error paths:
reserved minor types (28-30) and minor 31 where no indefinite length
exists, chunks of the wrong type inside indefinite strings, a negative
integer below -2^64, strings and containers cut short, a break with
nothing to end, and a few legal corner cases next to them (empty strings,
simple values, 64-bit arguments, CBOR sequences of which only the first
item is decoded).  No peer sends these, so they are generated here.

    /usr/bin/python3 tests/captures/cbor_malformed_gen.py [OUT.pcap]
"""
import os
import socket
import struct
import sys

ITEMS = [
    "1c", "3c", "5c", "7c", "9c", "bc", "dc", "fc", "fd", "fe",  # reserved minor types
    "1f", "3f", "df",                                              # minor 31 without indefinite length
    "5f61ff", "7f4101ff", "5f5f4101ffff",                          # wrong chunk types, a nested indefinite chunk
    "3bffffffffffffffff",                                          # below -2^64 + 1
    "3b7fffffffffffffff", "1bffffffffffffffff", "381805",          # 64-bit and 1-byte arguments
    "62c3", "7818", "9f", "a1", "ba00000001", "83 01 02",          # cut short
    "ff", "f7", "f0", "f820", "f8ff",                              # break alone, simple values
    "40", "60", "5800", "80", "a0",                                # empty strings and containers
    "0102", "a1616101 f5",                                         # CBOR sequences
    "f90001", "f98000", "f97bff", "f90400",                        # half floats: subnormal, -0, max, min normal
    "c11a6553f100", "c0 74 323032332d31312d31345432323a31333a32305a",
    "81" * 40 + "01",                                              # forty nested arrays
]


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(">%dH" % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def udp_frame(payload, sport, dport, src="127.0.0.1", dst="127.0.0.1"):
    s, d = socket.inet_aton(src), socket.inet_aton(dst)
    length = 8 + len(payload)
    udp = struct.pack(">HHHH", sport, dport, length, 0) + payload
    csum = checksum(s + d + struct.pack(">BBH", 0, 17, length) + udp) or 0xFFFF
    udp = udp[:6] + struct.pack(">H", csum) + udp[8:]
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + length, 1, 0x4000, 64, 17, 0, s, d)
    ip = ip[:10] + struct.pack(">H", checksum(ip)) + ip[12:]
    return b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00" + ip + udp


def coap_content(mid, payload):
    """A non-confirmable 2.05 Content with Content-Format 60 and @payload."""
    return bytes([0x50, 0x45]) + struct.pack(">H", mid) + bytes([0xC1, 60, 0xFF]) + payload


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                             "cbor-malformed.pcap")
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, item in enumerate(ITEMS):
            frame = udp_frame(coap_content(0x100 + i, bytes.fromhex(item.replace(" ", ""))), 5683, 40000)
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(frame), len(frame)) + frame)


if __name__ == "__main__":
    main()
