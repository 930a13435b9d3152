#!/usr/bin/env python3
"""pcap-tool.py — small pcap checks for the capture tests (no dependencies).

  records FILE      print "COMPLETE PARTIAL_BYTES"; exit 1 on damage other
                    than one record cut short at the end
  same A B          exit 0 when A and B hold the same frames byte for byte
                    (lengths and bytes; timestamps are not compared; a frame
                    may be up to 4 places away, as packets sent at the same
                    moment reach two capture sockets in either order)
  last-payload FILE print the last frame's bytes in hex
"""
import struct
import sys


def read(path):
    data = open(path, "rb").read()
    if len(data) < 24:
        raise SystemExit(f"{path}: {len(data)} bytes, no pcap header")
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        raise SystemExit(f"{path}: not a pcap file")
    snaplen = struct.unpack(endian + "I", data[16:20])[0]
    frames, off, partial = [], 24, 0
    while off < len(data):
        if off + 16 > len(data):
            partial = len(data) - off
            break
        _sec, _frac, caplen, length = struct.unpack(endian + "IIII", data[off:off + 16])
        if caplen > max(snaplen, 262144) or caplen > length:
            raise SystemExit(f"{path}: damaged record at offset {off} (caplen {caplen}, len {length})")
        if off + 16 + caplen > len(data):
            partial = len(data) - off
            break
        frames.append((caplen, length, data[off + 16:off + 16 + caplen]))
        off += 16 + caplen
    return frames, partial


def main():
    cmd = sys.argv[1]
    if cmd == "records":
        frames, partial = read(sys.argv[2])
        print(len(frames), partial)
    elif cmd == "same":
        a, _ = read(sys.argv[2])
        b, _ = read(sys.argv[3])
        if len(a) != len(b):
            print(f"frame counts differ: {len(a)} vs {len(b)}")
            sys.exit(1)
        # Two capture sockets can see packets sent at the same moment from
        # two CPUs in another order: a frame may sit a few places away in
        # the other file, but must be there, unchanged, exactly once.
        used, moved = [False] * len(b), 0
        for i, x in enumerate(a):
            near = [j for j in range(max(0, i - 4), min(len(b), i + 5)) if not used[j] and b[j] == x]
            if not near:
                y = b[i]
                print(f"frame {i + 1} differs: caplen/len {x[0]}/{x[1]} vs {y[0]}/{y[1]}, and is not among its neighbours")
                sys.exit(1)
            used[near[0]] = True
            moved += near[0] != i
        if moved:
            print(f"{moved} frames in another order (sent at the same moment)")
    elif cmd == "last-payload":
        frames, _ = read(sys.argv[2])
        print(frames[-1][2].hex() if frames else "")
    else:
        raise SystemExit(__doc__)


main()
