#!/usr/bin/env python3
"""Seed corpora from the test captures: whole files for fuzz-file, and each
frame (prefixed with its link-type selector) for fuzz-frame."""
import glob
import os
import struct
import sys

LINK_SELECTOR = {1: 0, 0: 1, 101: 2, 113: 3, 276: 4, 228: 5, 229: 6, 195: 7, 127: 8, 105: 9, 251: 10, 256: 11, 272: 12}


def frames(path):
    data = open(path, "rb").read()
    if len(data) < 24:
        return
    magic = struct.unpack("<I", data[:4])[0]
    if magic not in (0xa1b2c3d4, 0xa1b23c4d):
        return
    link = struct.unpack("<I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack("<IIII", data[off:off + 16])
        off += 16
        if off + caplen > len(data):
            return
        yield link, data[off:off + caplen]
        off += caplen


def main(root, out):
    os.makedirs(f"{out}/file", exist_ok=True)
    os.makedirs(f"{out}/frame", exist_ok=True)
    os.makedirs(f"{out}/filter", exist_ok=True)
    os.makedirs(f"{out}/secrets", exist_ok=True)
    # fuzz-secrets: 0x01 + key log text, or 0x00 + suite, flags, type, secret, record.
    for path in sorted(glob.glob(f"{root}/tests/captures/*.keys")):
        open(f"{out}/secrets/{os.path.basename(path)}", "wb").write(b"\x01" + open(path, "rb").read())
    for i, (suite, flags) in enumerate([(0x1301, 1), (0x1303, 1), (0xc02b, 0), (0xcca9, 0),
                                        (0xc023, 2), (0xc023, 0), (0xc0a8, 4 | 16), (0xc0ae, 4 | 16)]):
        open(f"{out}/secrets/record-{i}", "wb").write(
            bytes([0, suite >> 8, suite & 0xff, flags, 23]) + bytes(range(48)) + bytes(range(64)))
    for i, line in enumerate(open(f"{root}/tests/diff/filters.txt")):
        line = line.strip()
        if line and not line.startswith("#"):
            open(f"{out}/filter/{i}", "w").write(line.removeprefix("REJECT "))
    for path in sorted(glob.glob(f"{root}/tests/captures/*.pcap*")):
        name = os.path.basename(path)
        if os.path.getsize(path) < 64 * 1024:
            open(f"{out}/file/{name}", "wb").write(open(path, "rb").read())
        for i, (link, frame) in enumerate(frames(path)):
            if link in LINK_SELECTOR:
                open(f"{out}/frame/{name}-{i}", "wb").write(bytes([LINK_SELECTOR[link], 0]) + frame)
    # fuzz-exercise: the packs this build made and the committed answer files.
    os.makedirs(f"{out}/exercise", exist_ok=True)
    built = os.path.join(os.path.dirname(os.path.abspath(out)), "data", "exercises")
    for path in sorted(glob.glob(f"{built}/*.exercise.json") + glob.glob(f"{root}/tests/exercises/*/*.json")):
        open(f"{out}/exercise/{os.path.basename(path)}", "wb").write(open(path, "rb").read())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
