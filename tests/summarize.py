#!/usr/bin/env python3
"""Counts the results of the `meson test` runs of one or more build
directories, from their meson-logs/testlog*.json (one file per run, named by
--logbase), and exits non-zero if any test failed.

For each run it prints a labelled line, every skipped test with the reason
it gave, and every subtest skipped inside a test that passed (a GTest
`# SKIP`, or a line of ours starting with "SKIP:" or "skip "), so a pass
never hides what it did not check.  The last line is the total:
'[LABEL: ]N passed, N failed, N skipped'.

Usage: summarize.py [--label WORD] BUILD_DIR...
"""
import glob
import json
import os
import re
import sys

SUBTEST_SKIP = re.compile(r"^(?:ok \d+ (\S+) # SKIP ?(.*)|SKIP:? (.*)|skip (.*))$", re.IGNORECASE)


def skip_reason(stdout):
    """The first line a skipped test printed, as its reason."""
    for line in (stdout or "").splitlines():
        line = line.strip()
        if line and not line.startswith("# random seed"):
            return line[:160]
    return "no reason given"


def subtest_skips(stdout):
    out = []
    for line in (stdout or "").splitlines():
        m = SUBTEST_SKIP.match(line.strip())
        if m:
            out.append(" ".join(g for g in m.groups() if g).strip()[:160])
    return out


def main(argv):
    label = None
    if len(argv) > 2 and argv[1] == "--label":
        label, argv = argv[2], argv[2:]
    total = {"passed": 0, "failed": 0, "skipped": 0}
    for build in argv[1:]:
        for path in sorted(glob.glob(f"{build}/meson-logs/testlog*.json")):
            run = {"passed": 0, "failed": 0, "skipped": 0}
            notes = []
            with open(path) as log:
                for line in log:
                    test = json.loads(line)
                    name, result = test["name"], test["result"]
                    if result in ("OK", "EXPECTEDFAIL"):
                        run["passed"] += 1
                        for what in subtest_skips(test.get("stdout")):
                            notes.append(f"    passed, but skipped a part: {name}: {what}")
                    elif result == "SKIP":
                        run["skipped"] += 1
                        notes.append(f"    skipped: {name}: {skip_reason(test.get('stdout'))}")
                    else:
                        run["failed"] += 1
                        notes.append(f"    {result}: {name}")
            print(f"  {build}/meson-logs/{os.path.basename(path)}: {run['passed']} passed, "
                  f"{run['failed']} failed, {run['skipped']} skipped")
            for note in notes:
                print(note)
            for key in total:
                total[key] += run[key]
    prefix = f"{label}: " if label else ""
    print(f"{prefix}{total['passed']} passed, {total['failed']} failed, {total['skipped']} skipped")
    return 1 if total["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
