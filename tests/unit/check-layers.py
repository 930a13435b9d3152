#!/usr/bin/env python3
"""The core's layers point down only.

src/capture <- src/dissect (with dissectors/) <- src/output <- src/analysis
<- src/cli, src/app.  Two checks:

* includes: every `#include "x.h"` in a layer names a header of that layer
  or of one below it (the build's include paths enforce the same; this
  says which file and which header when someone widens a path), and no
  core layer includes GTK;
* symbols: no static library of a lower layer leaves a symbol undefined
  that a higher layer defines (a function declared low, written high).

Usage: check-layers.py SOURCE_ROOT [BUILD_ROOT]
"""
import os
import re
import subprocess
import sys

LAYERS = [  # bottom first: (name, folders, library path in the build)
    ("capture", ["src/capture"], "src/capture/libiotscope-capture-store.a"),
    ("dissect", ["src/dissect", "dissectors"], "src/dissect/libiotscope-dissect.a"),
    ("output", ["src/output"], "src/output/libiotscope-output.a"),
    ("analysis", ["src/analysis"], "src/analysis/libiotscope-analysis.a"),
    ("cli", ["src/cli"], None),
    ("app", ["src/app"], None),
]
# Programs that stand beside the core and link none of it.
STANDALONE = {"src/capture/iotscope-capture.c", "src/capture/iot-pcap-capture.c",
              "src/capture/iot-pcap-capture.h"}
# Headers generated into the build tree, by the layer that makes them.
GENERATED = {"iot-proto-builtin.h": "dissect", "iot-resources.h": "app"}
INCLUDE = re.compile(r'^\s*#\s*include\s+([<"])([^>"]+)[>"]', re.M)


def rank_of(name):
    return [layer[0] for layer in LAYERS].index(name)


def headers_by_layer(root):
    owner = {}
    for name, folders, _ in LAYERS:
        for folder in folders:
            for dirpath, _, files in os.walk(os.path.join(root, folder)):
                for f in files:
                    if f.endswith(".h"):
                        owner.setdefault(f, name)
    owner.update(GENERATED)
    return owner


def check_includes(root):
    owner = headers_by_layer(root)
    problems = []
    n_files = 0
    for name, folders, _ in LAYERS:
        rank = rank_of(name)
        for folder in folders:
            for dirpath, _, files in os.walk(os.path.join(root, folder)):
                for f in sorted(files):
                    if not f.endswith((".c", ".h")):
                        continue
                    path = os.path.join(dirpath, f)
                    rel = os.path.relpath(path, root)
                    if rel in STANDALONE:
                        continue
                    n_files += 1
                    text = open(path, encoding="utf-8", errors="replace").read()
                    for kind, header in INCLUDE.findall(text):
                        base = os.path.basename(header)
                        if kind == "<":
                            if rank <= rank_of("analysis") and header.startswith(("gtk/", "gdk/", "adwaita")):
                                problems.append(f"{rel}: the core includes <{header}> (GTK belongs to src/app)")
                            continue
                        if base.endswith(".c"):
                            continue
                        where = owner.get(base)
                        if where is None:
                            # A dissector's own helper header (dissectors/x.h) is in the dissect layer.
                            problems.append(f"{rel}: includes \"{header}\", which no layer holds")
                        elif rank_of(where) > rank:
                            problems.append(f"{rel} ({name}) includes \"{header}\" from the higher layer {where}")
    return n_files, problems


def symbols(lib, defined):
    flag = "--defined-only" if defined else "--undefined-only"
    out = subprocess.run(["nm", "-g", flag, lib], capture_output=True, text=True, check=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if defined and len(parts) == 3:
            names.add(parts[2])
        elif not defined and parts and not line.endswith(":"):
            names.add(parts[-1])
    return names


def check_symbols(build):
    libs = [(name, os.path.join(build, path)) for name, _, path in LAYERS if path]
    problems = []
    for i, (name, lib) in enumerate(libs):
        if not os.path.exists(lib):
            problems.append(f"{lib}: missing (is the build tree up to date?)")
            continue
        undefined = symbols(lib, False)
        for higher, hlib in libs[i + 1:]:
            if not os.path.exists(hlib):
                continue
            for sym in sorted(undefined & symbols(hlib, True)):
                problems.append(f"{name} uses {sym}, which the higher layer {higher} defines")
    return len(libs), problems


def main():
    root = sys.argv[1]
    n_files, problems = check_includes(root)
    print(f"includes: {n_files} files in {len(LAYERS)} layers checked")
    if len(sys.argv) > 2:
        n_libs, more = check_symbols(sys.argv[2])
        print(f"symbols: {n_libs} core libraries checked")
        problems += more
    for p in problems:
        print("FAIL:", p)
    print(f"{len(problems)} layering problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
