#!/usr/bin/env python3
"""Dissectors include the dissector API and nothing else of the core.

A file in dissectors/ (plugins too) may include, in quotes:

* iot-dissector.h, the one header of the dissector API (buffers, fields,
  the tree, hand-off calls, expert items, taps, reassembly, conversations,
  the request/response matcher);
* a header of dissectors/ that sibling dissectors share (ip.h, tcp-private.h);
* the support library of its own protocol, for the few protocols whose
  settings the window and the CLI set through that library (SUPPORT below).

The registry (iot-registry.h), the engine, the packet's internals and
every other core header stay out: a dissector that needs one of them
needs a new call in iot-dissector.h instead.

Usage: check-dissector-api.py SOURCE_ROOT
"""
import os
import re
import sys

API = "iot-dissector.h"
# Protocol support libraries in src/dissect and the dissectors that use them.
SUPPORT = {
    "iot-wpa.h": {"wlan.c", "eapol.c"},
    "iot-mqtt-rules.h": {"mqtt.c"},
    "iot-proto.h": {"protobuf.c", "sparkplugb.c"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def main():
    root = sys.argv[1]
    folder = os.path.join(root, "dissectors")
    shared = {name for name in os.listdir(folder) if name.endswith(".h")}
    problems = []
    checked = 0
    for base, _, names in os.walk(folder):
        for name in sorted(names):
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(base, name)
            rel = os.path.relpath(path, root)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            checked += 1
            for header in INCLUDE.findall(text):
                if header == API or header in shared:
                    continue
                if name in SUPPORT.get(header, ()):
                    continue
                problems.append(f"{rel}: includes {header}, not part of the dissector API")
    for line in problems:
        print(line)
    print(f"{checked} files checked, {len(problems)} includes outside the dissector API")
    return 1 if problems or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
