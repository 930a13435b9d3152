#!/usr/bin/env python3
"""modified_pcap.py — rewrites a microsecond pcap in the "modified" pcap
format of Alexey Kuznetsov's patched libpcap (magic a1b2cd34), which
tcpdump and tshark still read.

The file header is the pcap one with that magic.  Each record header is 24
bytes: the usual time stamp (seconds, microseconds), captured and original
lengths, then the interface index (signed 32-bit), the protocol (16-bit,
the Ethernet type as the kernel held it, network byte order), the packet
type (8-bit: 0 to us, 4 sent by us, …) and one byte of padding.

Usage: modified_pcap.py IN.pcap OUT.pcap [IFINDEX]
"""
import struct
import sys

MAGIC_USEC = 0xa1b2c3d4
MAGIC_MODIFIED = 0xa1b2cd34
PACKET_HOST, PACKET_OUTGOING = 0, 4


def convert(src, dst, ifindex):
    data = open(src, 'rb').read()
    magic, = struct.unpack('<I', data[:4])
    if magic != MAGIC_USEC:
        sys.exit(f'{src}: not a little-endian microsecond pcap')
    out = bytearray(struct.pack('<I', MAGIC_MODIFIED) + data[4:24])
    off, n = 24, 0
    while off + 16 <= len(data):
        sec, usec, caplen, length = struct.unpack_from('<IIII', data, off)
        frame = data[off + 16:off + 16 + caplen]
        # The Ethernet type, as the kernel's skb->protocol holds it.
        proto = frame[12:14] if len(frame) >= 14 else b'\0\0'
        # On a loopback capture every frame is both sent and received:
        # alternate the two packet types so both values occur.
        pkt_type = PACKET_OUTGOING if n % 2 else PACKET_HOST
        out += struct.pack('<IIIIi', sec, usec, caplen, length, ifindex)
        out += proto + struct.pack('<BB', pkt_type, 0)
        out += frame
        off += 16 + caplen
        n += 1
    open(dst, 'wb').write(out)
    return n


if __name__ == '__main__':
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    frames = convert(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) == 4 else 1)
    print(f'{sys.argv[2]}: {frames} frames')
