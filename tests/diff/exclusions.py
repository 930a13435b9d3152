#!/usr/bin/env python3
"""Reads exclusions.txt: which captures a differential suite leaves out, and
why.  DIFF_ONLY (comma-separated name patterns) narrows a run to some
captures while developing.  As a program: `exclusions.py SUITE CAPTURE` prints the reason and
exits 0 when the capture is left out of SUITE, exits 1 otherwise."""
import fnmatch
import os
import sys

_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "exclusions.txt")


def load():
    """{capture name: (set of suites, reason)}"""
    table = {}
    with open(_PATH, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, suites, reason = line.split(None, 2)
            table[name] = (set(suites.split(",")), reason)
    return table


def reason(suite, capture, table=None):
    """Why @capture (a path or a name) is left out of @suite, or None."""
    only = os.environ.get("DIFF_ONLY")
    if only and not any(fnmatch.fnmatch(os.path.basename(capture), p)
                        for p in only.split(",")):
        return "not selected by DIFF_ONLY (a partial run while developing)"
    entry = (table if table is not None else load()).get(os.path.basename(capture))
    if entry and (suite in entry[0] or "all" in entry[0]):
        return entry[1]
    return None


def split(suite, captures):
    """The captures @suite compares, after printing each one it leaves out."""
    table = load()
    kept = []
    for c in captures:
        why = reason(suite, c, table)
        if why:
            print(f"not compared: {os.path.basename(c)}: {why}")
        else:
            kept.append(c)
    return kept


if __name__ == "__main__":
    why = reason(sys.argv[1], sys.argv[2])
    if why:
        print(why)
    sys.exit(0 if why else 1)
