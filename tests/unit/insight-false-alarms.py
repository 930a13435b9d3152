#!/usr/bin/env python3
"""No false alarms: on every committed capture, the insight's warning- and
error-level diagnoses must be exactly the ones listed (and reviewed by a
person) in insight-expected.txt, one "capture id subject" per line.  A new
warning on a healthy capture, or an expected one that disappears, fails.
Notes (mqtt-no-subscriber …) are not pinned: they state facts, not faults.

    insight-false-alarms.py [--update]   (--update rewrites the list)"""
import glob
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = os.path.join(HERE, "insight-expected.txt")
NOT_CAPTURES = {"garbage.pcap"}


def diagnoses(cli, capture, report):
    subprocess.run([cli, "-r", capture, "-q", "--report-json", report],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(report) as f:
        items = json.load(f)["diagnoses"]
    return sorted(f"{os.path.basename(capture)} {d['id']} {d['subject']}"
                  for d in items if d["severity"] in ("warning", "error"))


def main():
    cli = os.environ["IOTSCOPE_CLI"]
    root = os.environ.get("IOTSCOPE_SOURCE_ROOT", ".")
    captures = sorted(c for c in glob.glob(os.path.join(root, "tests", "captures", "*.pcap*"))
                      if os.path.basename(c) not in NOT_CAPTURES)
    with tempfile.TemporaryDirectory() as tmp:
        found = [line for c in captures for line in diagnoses(cli, c, os.path.join(tmp, "r.json"))]
    if sys.argv[1:] == ["--update"]:
        with open(EXPECTED, "w") as f:
            f.write("# capture  diagnosis-id  subject   (warnings and errors; reviewed)\n")
            f.write("\n".join(found) + "\n")
        return 0
    with open(EXPECTED) as f:
        expected = [line.rstrip("\n") for line in f if line.strip() and not line.startswith("#")]
    unexpected = sorted(set(found) - set(expected))
    missing = sorted(set(expected) - set(found))
    for line in unexpected:
        print(f"FAIL: a warning nobody reviewed: {line}")
    for line in missing:
        print(f"FAIL: an expected diagnosis is gone: {line}")
    print(f"captures: {len(captures)}, warning/error diagnoses: {len(found)}, "
          f"unexpected: {len(unexpected)}, missing: {len(missing)}")
    return 1 if unexpected or missing else 0


if __name__ == "__main__":
    sys.exit(main())
