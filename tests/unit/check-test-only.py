#!/usr/bin/env python3
"""No public header declares a function that only the tests call.

A function declared in a public header of src/app, src/analysis or
src/output (not an `*-private.h`, not one of the test headers
`iot-app-test.h` / `iot-analysis-test.h`) must be used by some file of
src/ or dissectors/ besides the .c file that defines it and the header
itself, or by that .c file itself: when its only callers are in tests/,
its declaration belongs in a test header (or a test can read the widget,
model or action that shows the same state).

Usage: check-test-only.py SOURCE_ROOT
"""
import collections
import os
import re
import sys

LAYERS = ["src/app", "src/analysis", "src/output"]
TEST_HEADERS = {"iot-app-test.h", "iot-analysis-test.h"}
COMMENT = re.compile(r"/\*.*?\*/", re.S)
DECLARED = re.compile(r"(?:^|[\s*])(iot_[a-z0-9_]+)\s*\(", re.M)
WORD = re.compile(r"\biot_[a-z0-9_]+\b")


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def files_under(root, folders, suffixes):
    for folder in folders:
        for dirpath, _, names in os.walk(os.path.join(root, folder)):
            for name in sorted(names):
                if name.endswith(suffixes):
                    yield os.path.join(dirpath, name)


# A definition: at the start of a line, maybe after its return type
# (one-line getters), without the ';' of a declaration unless the body is
# on that line too.
DEFINED = re.compile(r"^(?:[A-Za-z_][\w ]*[ *]+)?(iot_[a-z0-9_]+)\s*\((?:[^;\n]*|.*\)\s*\{.*)$", re.M)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    sources = {p: read(p) for p in files_under(root, ["src", "dissectors"], (".c", ".h"))}
    tests = {p: read(p) for p in files_under(root, ["tests"], (".c", ".h"))}
    counts = {p: collections.Counter(WORD.findall(text)) for p, text in sources.items()}
    defined_in = collections.defaultdict(list)
    for p, text in sources.items():
        if p.endswith(".c"):
            for name in set(DEFINED.findall(text)):
                defined_in[name].append(p)
    test_words = set()
    for text in tests.values():
        test_words.update(WORD.findall(text))

    problems = []
    n_declared = 0
    for header in files_under(root, LAYERS, (".h",)):
        base = os.path.basename(header)
        if base.endswith("-private.h") or base in TEST_HEADERS:
            continue
        for name in sorted(set(DECLARED.findall(COMMENT.sub("", sources[header])))):
            n_declared += 1
            if name not in test_words:
                continue
            defining = defined_in.get(name, [])
            if not defining:
                continue
            users = [p for p in sources if counts[p][name] and p != header and p not in defining]
            own_uses = sum(counts[p][name] for p in defining)
            if not users and own_uses <= 1:
                problems.append("%s: %s is called only from tests/ (declare it in a test header)"
                                % (os.path.relpath(header, root), name))
    for line in problems:
        print(line)
    print("%d functions declared in public headers, %d called only from tests" % (n_declared, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
