#!/usr/bin/env python3
"""Prints 'N passed, N failed[, N skipped]' for one or more meson build
directories, from their meson-logs/testlog*.json (one per `meson test` run,
named by --logbase), and exits non-zero if any test failed."""
import glob
import json
import sys

passed = failed = skipped = 0
logs = [path for build in sys.argv[1:] for path in sorted(glob.glob(f"{build}/meson-logs/testlog*.json"))]
for path in logs:
    with open(path) as log:
        for line in log:
            result = json.loads(line)["result"]
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:
                failed += 1
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
sys.exit(1 if failed else 0)
