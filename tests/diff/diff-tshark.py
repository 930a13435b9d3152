#!/usr/bin/env python3
"""Differential test: iotscope-cli and tshark must print the same value for
every field both know, on every test capture (-T fields, all occurrences).
tshark runs with -2 because iotscope always makes two passes (a request
knows its response frame).

Exit status 77 (skipped) when tshark is not installed; 1 on any differing cell.
"""
import collections
import concurrent.futures
import glob
import os
import shutil
import subprocess
import sys

import exclusions
from captureopts import capture_opts

CHUNK = 240                   # fields per run: few tshark start-ups (each costs more than 240 fields)
SKIP_TYPES = {"FT_PROTOCOL"}   # protocol rows print their label text


# tshark's string subtypes say how the string is stored on the wire (NUL-
# terminated, length-prefixed, padded); the value is a string all the same.
# Likewise FT_FLOAT is a floating-point number printed as ours are.
STRING_TYPES = {"FT_STRINGZ", "FT_UINT_STRING", "FT_STRINGZPAD", "FT_STRINGZTRUNC"}

# Fields whose declared type differs from tshark's on purpose, and why.
TYPE_DIFFERENCES = {
    "llc.control.ftype": "tshark declares FT_UINT16 with mask 0x1 yet prints the 8-bit control value (0x03); "
                         "we declare FT_UINT8 and print the same",
    "cbor.type.uint": "tshark declares FT_UINT8 (mask 0x1f) yet stores 64-bit values in it; FT_UINT64 here, "
                      "so that filters can compare with values above 255 (tshark accepts those too)",
    "cbor.type.tag": "as cbor.type.uint: tags such as 55799 in an FT_UINT8",
    "cbor.item.length": "as cbor.type.uint: string and array lengths above 255 in an FT_UINT8",
    "cbor.item.pairs": "as cbor.type.uint: map sizes above 255 in an FT_UINT8",
}


def type_family(ftype):
    if ftype in STRING_TYPES:
        return "FT_STRING"
    return "FT_DOUBLE" if ftype == "FT_FLOAT" else ftype


def glossary(cmd):
    out = subprocess.run(cmd + ["-G", "fields"], capture_output=True, text=True, check=True).stdout
    fields = {}
    for line in out.splitlines():
        cols = line.split("\t")
        if len(cols) >= 4 and cols[0] == "F":
            fields[cols[2]] = cols[3]
    return fields


def run_fields(cmd, capture, fields):
    args = cmd + capture_opts(capture) + ["-r", capture, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in fields:
        args += ["-e", f]
    proc = subprocess.run(args, capture_output=True)
    text = proc.stdout.decode("utf-8", errors="backslashreplace")
    return [line.split("\t") for line in text.split("\n")[:-1]]


# Cells that depend on which protocols are decoded at all: while tshark
# decodes a layer we have no dissector for yet, these differ by construction.
LAYER_DEPENDENT = ("frame.protocols", "data.")


def missing_layers(capture, known):
    """Per frame, the protocols tshark finds that we have no dissector for."""
    out = run_fields(["tshark", "-2"], capture, ["frame.protocols"])
    return [sorted(set(p for p in (row[0].split(":") if row else []) if p not in known))
            for row in out]


def extra_layers(cli, capture):
    """Per frame, the protocols we decode and tshark 4.0 does not (MQTT
    inside WebSocket): their fields have nothing to be compared with.
    The EtherType dispatch is never one of them: where we list it and
    tshark does not (LLC/SNAP hands on as "llc:ip"), that is a difference."""
    ours = run_fields([cli], capture, ["frame.protocols"])
    theirs = run_fields(["tshark", "-2"], capture, ["frame.protocols"])
    out = []
    for a, b in zip(ours, theirs):
        mine = set(a[0].split(":")) if a and a[0] else set()
        tsharks = set(b[0].split(":")) if b and b[0] else set()
        out.append(sorted(mine - tsharks - {"ethertype"}))
    return out


def first_seen_rows(capture, extra):
    """The rows where we decode a layer inside a segment tshark 4.0 marks as a
    retransmission: bytes this capture sees for the first time there (their
    original was lost before the capture point), which we decode and tshark
    shows as tcp.segment_data (README, differences from tshark)."""
    if not any(extra):
        return set()
    marks = run_fields(["tshark", "-2"], capture, ["tcp.analysis.retransmission"])
    return {row for row, (m, e) in enumerate(zip(marks, extra), start=1) if e and m and m[0]}


FIRST_SEEN_FIELDS = ("tcp.segment_data",)


def main():
    if shutil.which("tshark") is None:
        print("tshark is not installed: differential test skipped")
        return 77
    cli = os.environ["IOTSCOPE_CLI"]
    root = os.environ.get("IOTSCOPE_SOURCE_ROOT", ".")
    os.environ["TZ"] = "UTC"
    ours = glossary([cli])
    theirs = glossary(["tshark"])
    shared = sorted(f for f, t in ours.items() if f in theirs and t not in SKIP_TYPES)
    type_mismatch = [f for f in shared if type_family(ours[f]) != type_family(theirs[f])
                     and f not in TYPE_DIFFERENCES]
    for f, why in TYPE_DIFFERENCES.items():
        if f in shared and ours[f] != theirs[f]:
            print(f"type differs on purpose: {f} ({ours[f]} vs {theirs[f]}): {why}")
    known = {line.split("\t")[2] for line in subprocess.run(
        [cli, "-G", "protocols"], capture_output=True, text=True, check=True).stdout.splitlines()}
    known.add("ethertype")
    not_compared = collections.Counter()
    beyond = collections.Counter()
    captures = exclusions.split("tshark", sorted(glob.glob(os.path.join(root, "tests", "captures", "*.pcap*"))))

    def compare(capture):
        """The comparison of one capture: its counts and differing cells."""
        r = {"valued": 0, "empty": 0, "filled": set(), "diffs": [],
             "not_compared": collections.Counter(), "beyond": collections.Counter()}
        name = os.path.basename(capture)
        gaps = missing_layers(capture, known)
        extra = extra_layers(cli, capture)
        first_seen = first_seen_rows(capture, extra)
        for i in range(0, len(shared), CHUNK):
            chunk = shared[i:i + CHUNK]
            a = run_fields([cli], capture, chunk)
            b = run_fields(["tshark", "-2"], capture, chunk)
            if len(a) != len(b):
                r["diffs"].append((name, "-", "(row count)", str(len(a)), str(len(b))))
            for row, (ra, rb) in enumerate(zip(a, b), start=1):
                for col, field in enumerate(chunk):
                    if row <= len(gaps) and gaps[row - 1] and field.startswith(LAYER_DEPENDENT):
                        for p in gaps[row - 1]:
                            r["not_compared"][p] += 1
                        continue
                    if row <= len(extra) and extra[row - 1] and (
                            field.startswith(LAYER_DEPENDENT)
                            or field.split(".")[0] in extra[row - 1]):
                        for p in extra[row - 1]:
                            r["beyond"][p] += 1
                        continue
                    if row in first_seen and field in FIRST_SEEN_FIELDS:
                        r["beyond"]["tcp.segment_data of data first seen in a retransmission"] += 1
                        continue
                    va = ra[col] if col < len(ra) else ""
                    vb = rb[col] if col < len(rb) else ""
                    if va or vb:
                        r["valued"] += 1   # at least one tool printed a value
                    else:
                        r["empty"] += 1    # both printed nothing: agreement, but weak evidence
                    if vb:
                        r["filled"].add(field)
                    if va != vb:
                        r["diffs"].append((name, row, field, va, vb))
        return r

    # Two captures at a time: the runs wait on tshark, one per core.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(compare, captures))
    cells_valued = sum(r["valued"] for r in results)
    cells_empty = sum(r["empty"] for r in results)
    filled = set().union(*(r["filled"] for r in results))
    diffs = [d for r in results for d in r["diffs"]]
    per_field = collections.Counter(d[2] for d in diffs)
    for r in results:
        not_compared.update(r["not_compared"])
        beyond.update(r["beyond"])

    print(f"captures: {len(captures)}, shared fields: {len(shared)}, "
          f"fields with values in the captures: {len(filled)}")
    print(f"cells compared with a value: {cells_valued}, cells empty in both tools: {cells_empty}, "
          f"differing cells: {len(diffs)}")
    if not_compared:
        print("layer-dependent cells not compared because we do not decode yet: " + ", ".join(
            f"{p} ({n} cells)" for p, n in not_compared.most_common()))
    if beyond:
        print("cells not compared because we decode a layer tshark 4.0 does not: " + ", ".join(
            f"{p} ({n} cells)" for p, n in beyond.most_common()))
    if type_mismatch:
        print(f"FAIL: {len(type_mismatch)} fields whose type differs from tshark's: " + ", ".join(
            f"{f} ({ours[f]} vs {theirs[f]})" for f in type_mismatch))
    never = [f for f in shared if f not in filled]
    if never:
        print(f"shared fields never filled by these captures ({len(never)}): " + " ".join(never))
    for field, count in per_field.most_common():
        print(f"  {count:6d} differing cells in {field}")
    for name, row, field, va, vb in diffs[:60]:
        print(f"  {name} frame {row} {field}: iotscope={va!r} tshark={vb!r}")
    return 1 if diffs or type_mismatch else 0


if __name__ == "__main__":
    sys.exit(main())
