#!/usr/bin/env python3
"""MODE THEIRS OURS: tshark's and our -T json (MODE json) or -T ek (MODE
ek) output compared parsed; tshark's ek lines are first brought to what we
write on purpose (no "_type", ISO 8601 timestamps).  Exit 0 when equal, 1
when they differ (the first difference printed), 2 when both are empty."""
import datetime, json, sys
mode, theirs, ours = sys.argv[1:]
def ek_lines(path, fix):
    docs = []
    for line in open(path, encoding="utf-8"):
        doc = json.loads(line)
        if fix and "index" in doc:
            doc["index"].pop("_type", None)
        if fix and "timestamp" in doc:
            ms = int(doc["timestamp"])
            t = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
            doc["timestamp"] = t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (ms % 1000)
        docs.append(doc)
    return docs
if mode == "ek":
    a, b = ek_lines(theirs, True), ek_lines(ours, False)
else:
    a, b = json.load(open(theirs, encoding="utf-8")), json.load(open(ours, encoding="utf-8"))
if a != b:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            print("element", i, json.dumps(x)[:300], "\n  ours:", json.dumps(y)[:300])
            break
    else:
        print("lengths", len(a), len(b))
    sys.exit(1)
sys.exit(0 if a else 2)
