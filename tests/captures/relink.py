#!/usr/bin/env python3
"""Re-encapsulate Ethernet (LINKTYPE_ETHERNET, 1) pcap frames as another link type.

Usage: relink.py {null|raw} OUT.pcap IN.pcap [IN2.pcap ...]

All records of the input files are merged in timestamp order (stable), the
14-byte Ethernet header is stripped and the frame is written as
  null: LINKTYPE_NULL (0): 4-byte address family in *host* byte order
        (the byte order of the file, which is written in host order too):
        2 for IPv4, 24 for IPv6 (BSD value; also 28 = FreeBSD, 30 = Darwin
        exist in the wild -- Linux's own AF_INET6 = 10 is never used in
        DLT_NULL files).
  raw:  LINKTYPE_RAW (101): the bare IP packet.
Frames whose EtherType is neither IPv4 nor IPv6 are dropped.
Output is a classic microsecond pcap in host byte order.
"""
import struct
import sys

LINKTYPES = {"null": 0, "raw": 101}
AF_FOR_ETHERTYPE = {0x0800: 2, 0x86DD: 24}


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    table = {
        b"\xd4\xc3\xb2\xa1": ("<", 1000), b"\xa1\xb2\xc3\xd4": (">", 1000),
        b"\x4d\x3c\xb2\xa1": ("<", 1), b"\xa1\xb2\x3c\x4d": (">", 1),
    }
    if magic not in table:
        raise SystemExit("%s: not a classic pcap file" % path)
    endian, ns_per_unit = table[magic]
    _, _, _, _, snaplen, linktype = struct.unpack(endian + "HHiIII", data[4:24])
    if linktype & 0xFFFF != 1:
        raise SystemExit("%s: link type %d, expected 1 (Ethernet)" % (path, linktype))
    off, records = 24, []
    while off + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack(endian + "IIII", data[off:off + 16])
        off += 16
        if off + incl > len(data):
            raise SystemExit("%s: truncated record" % path)
        usec = frac * ns_per_unit // 1000
        records.append((sec, usec, orig, data[off:off + incl]))
        off += incl
    return snaplen, records


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in LINKTYPES:
        raise SystemExit(__doc__)
    kind, out = sys.argv[1], sys.argv[2]
    snaplen, records = 0, []
    for path in sys.argv[3:]:
        s, recs = read_pcap(path)
        snaplen = max(snaplen, s)
        records.extend(recs)
    records.sort(key=lambda r: (r[0], r[1]))  # stable: keeps file order on ties
    with open(out, "wb") as f:
        # native byte order ("=") on purpose: DLT_NULL is host-order
        f.write(struct.pack("=IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, LINKTYPES[kind]))
        written = 0
        for sec, usec, orig, frame in records:
            if len(frame) < 14:
                continue
            ethertype = struct.unpack("!H", frame[12:14])[0]
            if ethertype not in AF_FOR_ETHERTYPE:
                continue
            payload = frame[14:]
            if kind == "null":
                payload = struct.pack("=I", AF_FOR_ETHERTYPE[ethertype]) + payload
                delta = 4 - 14
            else:
                delta = -14
            f.write(struct.pack("=IIII", sec, usec, len(payload), orig + delta))
            f.write(payload)
            written += 1
    print("%s: %d frames, link type %d" % (out, written, LINKTYPES[kind]))


if __name__ == "__main__":
    main()
