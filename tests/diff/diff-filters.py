#!/usr/bin/env python3
"""Differential test of display filters: for every filter in filters.txt and
every test capture, the frames iotscope-cli -Y selects must be exactly the
frames tshark -Y selects.  A line starting with "REJECT " holds a filter
both tools must reject.  tshark evaluates all filters in one two-pass run
per capture (filter-sets.lua, a tap listener per filter), which selects
the frames -Y does; filters on "displayed" fields still run as -Y.  Exit 77 (skipped) without tshark, 1 on any disagreement.
"""
import concurrent.futures
import glob
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import exclusions
from captureopts import capture_opts


def own_options(capture):
    """The options of a capture that cannot be joined with the others' (all
    but key logs and PSKs, which are joined for the merged files); such a
    capture is never merged."""
    words = capture_opts(capture)
    out = []
    for i, w in enumerate(words):
        if w == "-o" and i + 1 < len(words) and words[i + 1].startswith(("tls.keylog_file:", "tls.psk:", "dtls.psk:")):
            continue
        if i > 0 and words[i - 1] == "-o" and w.startswith(("tls.keylog_file:", "tls.psk:", "dtls.psk:")):
            continue
        out.append(w)
    return out


def frames(cmd, capture, flt):
    proc = subprocess.run(cmd + ["-r", capture] + own_options(capture)
                          + ["-Y", flt, "-T", "fields", "-e", "frame.number"],
                          capture_output=True, text=True)
    # A damaged file ends with an error after its frames: when none match,
    # that is an empty answer, not a rejected filter.
    if proc.returncode != 0 and not proc.stdout and "cut short" not in proc.stderr:
        errors = [l for l in proc.stderr.splitlines() if l.strip() and "Running as user" not in l]
        return None, errors[0] if errors else "error"
    return proc.stdout.split(), None


def depends_on_display(flt):
    """Fields such as frame.time_delta_displayed refer to the frames -Y
    shows, which a tap listener does not know: such filters run as -Y."""
    return "displayed" in flt


def tshark_frame_sets(capture, filters, opts, workdir):
    """The frames each filter selects in @capture, from one two-pass tshark
    run with a tap listener per filter: [(frame numbers, None) or (None,
    error)] in the order of @filters.  Running tshark -Y once per filter
    costs its start-up (about 0.3 s) hundreds of times per capture."""
    tag = os.path.basename(capture)
    listing = os.path.join(workdir, tag + ".filters")
    result = os.path.join(workdir, tag + ".sets")
    with open(listing, "w", encoding="utf-8") as out:
        for f in filters:
            out.write((f[len("REJECT "):] if f.startswith("REJECT ") else f) + "\n")
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "filter-sets.lua")
    env = dict(os.environ, FILTER_LIST=listing, FILTER_OUT=result)
    proc = subprocess.run(["tshark", "-2", "-q", "-r", capture] + opts + own_options(capture)
                          + ["-X", "lua_script:" + script], capture_output=True, text=True, env=env)
    if not os.path.exists(result):
        raise SystemExit(f"tshark gave no frame sets for {tag}: {proc.stderr.strip()[:400]}")
    sets = []
    for line in open(result, encoding="utf-8"):
        _, status, rest = line.rstrip("\n").split("\t", 2)
        sets.append((rest.split(), None) if status == "OK" else (None, rest))
    if len(sets) != len(filters):
        raise SystemExit(f"tshark gave {len(sets)} frame sets for {len(filters)} filters on {tag}")
    return sets


def pcapng_link_types(data):
    """The link types of a (little-endian) pcapng file's interfaces."""
    types, off = set(), 0
    while off + 12 <= len(data):
        btype, blen = struct.unpack_from("<II", data, off)
        if blen < 12:
            break
        if btype == 1:
            types.add(struct.unpack_from("<H", data, off + 8)[0])
        if btype == 10:
            types.add("secrets")   # a Decryption Secrets Block cannot be merged into a pcap
        off += blen
    return types


def link_type(path, cli):
    """The link type of a classic pcap or a one-link-type pcapng; a pcapng
    with several (multi-link.pcapng), with secrets (https-dsb.pcapng) or a
    damaged file (mergecap stops at the damage) is its own group, kept as it
    is; so is one with options of its own (Wi-Fi keys)."""
    if own_options(path) or subprocess.run([cli, "-r", path, "-q"], capture_output=True).returncode != 0:
        return "own:" + path
    with open(path, "rb") as f:
        data = f.read()
    if len(data) >= 24 and data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        return struct.unpack("<I", data[20:24])[0]
    types = pcapng_link_types(data)
    if len(types) > 1:
        return "own:" + path
    return types.pop() if types else 1


def merged_captures(captures, workdir, cli):
    """Every capture, concatenated per link type: one tshark run per filter
    and link type instead of one per filter and file."""
    groups = {}
    for c in captures:
        groups.setdefault(link_type(c, cli), []).append(c)
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
    captures = exclusions.split("filters", sorted(glob.glob(os.path.join(root, "tests", "captures", "*.pcap*"))))
    workdir = tempfile.mkdtemp(prefix="iotscope-filters-")
    # The captures' key logs, joined: the merged files keep their sessions.
    keylogs = [w.split("keylog_file:", 1)[1] for c in captures for w in capture_opts(c) if "keylog_file:" in w]
    opts = []
    if keylogs:
        joined = os.path.join(workdir, "all.keys")
        with open(joined, "w", encoding="utf-8") as out:
            for k in keylogs:
                out.write(open(k, encoding="utf-8").read())
        opts = ["-o", "tls.keylog_file:" + joined]
    # PSKs (one per preference, as tshark takes them) go as they are.
    for c in captures:
        words = capture_opts(c)
        for i, w in enumerate(words):
            if w.startswith(("dtls.psk:", "tls.psk:")) and i > 0 and words[i - 1] == "-o" and w not in opts:
                opts += ["-o", w]
    captures = merged_captures(captures, workdir, cli)

    # tshark: every filter in one pass per capture (a tap listener per filter).
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        theirs_by_capture = dict(zip(captures, pool.map(
            lambda c: tshark_frame_sets(c, filters, opts, workdir), captures)))

    # Whether a filter compiles does not depend on the capture: a filter both
    # must reject is run once.
    jobs = [(c, f) for f in filters for c in (captures[:1] if f.startswith("REJECT ") else captures)]

    def check(job):
        capture, flt = job
        must_fail = flt.startswith("REJECT ")
        text = flt[len("REJECT "):] if must_fail else flt
        ours, our_err = frames([cli] + opts, capture, text)
        if depends_on_display(text):
            theirs, their_err = frames(["tshark", "-2"] + opts, capture, text)
        else:
            theirs, their_err = theirs_by_capture[capture][filters.index(flt)]
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
