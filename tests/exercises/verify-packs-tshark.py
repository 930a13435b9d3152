#!/usr/bin/env python3
"""Checks every bundled pack's references against tshark 4.0.

For each pack source in data/exercises and each of its captures, the
answers are worked out with tshark alone (frame sets, counts, first frames
and field values from `tshark -r CAP -Y REF -T fields`), written as a
student's answer file for a student who gets that capture, and graded by
iotscope-cli against the pack built from the source.  Every answer must be
graded correct: the pack's stored references and tshark agree.  A filter
question is answered with the frame numbers tshark selects
(`frame.number in {...}`), so iotscope's frame set for the reference
filter is compared with tshark's, not with itself."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.environ.get("IOTSCOPE_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.environ["IOTSCOPE_CLI"]
SOURCES = os.path.join(ROOT, "data", "exercises")


def tshark_fields(capture, display_filter, *fields):
    command = ["tshark", "-n", "-r", capture, "-Y", display_filter, "-T", "fields", "-E", "occurrence=f"]
    for field in fields:
        command += ["-e", field]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def frames_of(capture, display_filter):
    return [int(row[0]) for row in tshark_fields(capture, display_filter, "frame.number")]


def student_for(pack_id, n_captures, index):
    """A student name whose seed selects capture @index (as the pack does)."""
    for i in range(1000):
        name = "tshark-%d" % i
        digest = hashlib.sha256((pack_id + "\x1f" + name).encode()).digest()
        if int.from_bytes(digest[:4], "big") % n_captures == index:
            return name
    raise RuntimeError("no seed for capture %d" % index)


def tshark_answer(question, capture):
    kind, ref = question["kind"], question["reference"]
    if kind == "choice":
        return str(ref["choice"])
    if kind == "filter":
        frames = frames_of(capture, ref["filter"])
        return "frame.number in {%s}" % ", ".join(map(str, frames)) if frames else "frame.number == 0"
    if kind == "count":
        return str(len(frames_of(capture, ref["filter"])))
    if kind == "frame":
        return str(frames_of(capture, ref["filter"])[0])
    rows = tshark_fields(capture, ref["filter"], question["field"])
    return rows[0][0]


def main():
    tmp = tempfile.mkdtemp(prefix="class21-verify-")
    checked = 0
    failures = 0
    try:
        for name in sorted(os.listdir(SOURCES)):
            if not name.endswith(".source.json"):
                continue
            source_path = os.path.join(SOURCES, name)
            source = json.load(open(source_path))
            pack = os.path.join(tmp, source["id"] + ".exercise.json")
            subprocess.run([CLI, "-Q", "--exercise-build", source_path, "--exercise-output", pack], check=True)
            answers_dir = os.path.join(tmp, source["id"])
            os.mkdir(answers_dir)
            for index, cap in enumerate(source["captures"]):
                capture = os.path.normpath(os.path.join(SOURCES, cap["path"]))
                student = student_for(source["id"], len(source["captures"]), index)
                answers = {q["id"]: tshark_answer(q, capture) for q in source["questions"]}
                with open(os.path.join(answers_dir, student + ".json"), "w") as f:
                    json.dump({"format": "iotscope-exercise-answers", "pack": source["id"],
                               "student": student, "answers": answers}, f)
            sheet = json.loads(subprocess.run([CLI, "--exercise", pack, "--answers", answers_dir, "-T", "json"],
                                              check=True, capture_output=True, text=True).stdout)
            for student in sheet["students"]:
                for q in student["questions"]:
                    checked += 1
                    if not q["correct"]:
                        failures += 1
                        print("FAIL %s %s (%s) answer %r: %s" % (source["id"], q["id"], student["capture"],
                                                                q["answer"][:80], q["feedback"]))
                print("%s on %s: %d/%d" % (source["id"], student["capture"], student["score"], student["max"]))
    finally:
        shutil.rmtree(tmp)
    print("%d references checked against tshark, %d differ" % (checked, failures))
    return 1 if failures or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
