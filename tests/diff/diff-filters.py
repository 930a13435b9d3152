#!/usr/bin/env python3
"""Differential test of display filters: for every filter in filters.txt and
every test capture, the frames iotscope-cli -Y selects must be exactly the
frames tshark -Y selects.  A line starting with "REJECT " holds a filter
both tools must reject.  Exit 77 (skipped) without tshark, 1 on any disagreement.
"""
import concurrent.futures
import glob
import os
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile

UNREADABLE = {"garbage.pcap"}
# We decode MQTT inside WebSocket, tshark 4.0 does not: frame sets differ by
# design there (diff-tshark.py compares that capture's shared layers).
BEYOND_TSHARK = {"mqtt-ws.pcap"}
# Modbus on a non-standard port is meant to be read with -d; without it
# tshark's heuristics claim two of its frames for another protocol.
DECODE_AS_ONLY = {"modbus-1502.pcap"}


def capture_options(capture):
    """Options a capture needs on both sides (decryption keys), from
    tests/captures/<name>.opts; such a capture is never merged with others."""
    path = os.path.splitext(capture)[0] + ".opts"
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return shlex.split(f.read(), comments=True)


def frames(cmd, capture, flt):
    proc = subprocess.run(cmd + ["-r", capture] + capture_options(capture)
                          + ["-Y", flt, "-T", "fields", "-e", "frame.number"],
                          capture_output=True, text=True)
    if proc.returncode != 0 and not proc.stdout:
        return None, proc.stderr.strip().splitlines()[0] if proc.stderr.strip() else "error"
    return proc.stdout.split(), None


def pcapng_link_types(data):
    """The link types of a (little-endian) pcapng file's interfaces."""
    types, off = set(), 0
    while off + 12 <= len(data):
        btype, blen = struct.unpack_from("<II", data, off)
        if blen < 12:
            break
        if btype == 1:
            types.add(struct.unpack_from("<H", data, off + 8)[0])
        off += blen
    return types


def link_type(path):
    """The link type of a classic pcap or a one-link-type pcapng; a pcapng
    with several (multi-link.pcapng) is its own group, kept as it is."""
    if capture_options(path):
        return "own:" + path
    with open(path, "rb") as f:
        data = f.read()
    if len(data) >= 24 and data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        return struct.unpack("<I", data[20:24])[0]
    types = pcapng_link_types(data)
    if len(types) > 1:
        return "own:" + path
    return types.pop() if types else 1


def merged_captures(captures, workdir):
    """Every capture, concatenated per link type: one tshark run per filter
    and link type instead of one per filter and file."""
    groups = {}
    for c in captures:
        groups.setdefault(link_type(c), []).append(c)
    merged = []
    for lt, files in sorted(groups.items(), key=lambda g: str(g[0])):
        if isinstance(lt, str):
            merged.extend(files)
            continue
        out = os.path.join(workdir, f"linktype-{lt}.pcap")
        subprocess.run(["mergecap", "-a", "-F", "pcap", "-w", out] + files, check=True,
                       capture_output=True)
        merged.append(out)
    return merged


def load_filters(path):
    out = []
    for line in open(path):
        line = line.rstrip("\n")
        if line.strip() and not line.lstrip().startswith("#"):
            out.append(line)
    return out


def main():
    if shutil.which("tshark") is None:
        print("tshark is not installed: filter differential test skipped")
        return 77
    cli = os.environ["IOTSCOPE_CLI"]
    root = os.environ.get("IOTSCOPE_SOURCE_ROOT", ".")
    os.environ["TZ"] = "UTC"
    filters = load_filters(os.path.join(root, "tests", "diff", "filters.txt"))
    captures = sorted(c for c in glob.glob(os.path.join(root, "tests", "captures", "*.pcap*"))
                      if os.path.basename(c) not in UNREADABLE | BEYOND_TSHARK | DECODE_AS_ONLY and "broken" not in c)
    workdir = tempfile.mkdtemp(prefix="iotscope-filters-")
    captures = merged_captures(captures, workdir)

    jobs = [(c, f) for f in filters for c in captures]

    def check(job):
        capture, flt = job
        must_fail = flt.startswith("REJECT ")
        text = flt[len("REJECT "):] if must_fail else flt
        ours, our_err = frames([cli], capture, text)
        theirs, their_err = frames(["tshark", "-2"], capture, text)
        name = os.path.basename(capture)
        if must_fail:
            if ours is not None or theirs is not None:
                return f"{name}: {text!r} should be rejected (iotscope: {our_err or 'accepted'}, tshark: {their_err or 'accepted'})"
            return None
        if ours is None or theirs is None:
            return f"{name}: {text!r}: iotscope: {our_err or 'ok'}; tshark: {their_err or 'ok'}"
        if ours != theirs:
            extra = sorted(set(ours) - set(theirs), key=int)[:10]
            missing = sorted(set(theirs) - set(ours), key=int)[:10]
            return f"{name}: {text!r}: only iotscope {extra}, only tshark {missing}"
        return None

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        problems = [p for p in pool.map(check, jobs) if p]
    shutil.rmtree(workdir, ignore_errors=True)
    print(f"filters: {len(filters)}, merged captures: {len(captures)}, runs: {len(jobs)}, "
          f"disagreements: {len(problems)}")
    for p in problems[:80]:
        print("  " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
