#!/bin/bash
# Grades the committed answer files in tests/exercises/mqtt-basics against
# the MQTT basics pack (built from its source) and compares the CSV and
# JSON score sheets with the expected ones, byte for byte.
set -euo pipefail
root=${IOTSCOPE_SOURCE_ROOT:-$(dirname "$0")/../..}
cli=${IOTSCOPE_CLI:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$cli" -Q --exercise-build "$root/data/exercises/mqtt-basics.source.json" --exercise-output "$tmp/pack.json"
"$cli" --exercise "$tmp/pack.json" --answers "$root/tests/exercises/mqtt-basics" > "$tmp/sheet.csv"
diff -u "$root/tests/exercises/mqtt-basics.expected.csv" "$tmp/sheet.csv"
"$cli" --exercise "$tmp/pack.json" --answers "$root/tests/exercises/mqtt-basics" -T json > "$tmp/sheet.json"
diff -u "$root/tests/exercises/mqtt-basics.expected.json" "$tmp/sheet.json"

# Without the pack's secret (a pack for an exam), scores are the same and
# filter feedback says only how many frames the answer selects.
python3 - "$tmp/pack.json" "$tmp/exam.json" <<'PY'
import json, sys
pack = json.load(open(sys.argv[1]))
del pack["secret"]
json.dump(pack, open(sys.argv[2], "w"))
PY
"$cli" --exercise "$tmp/exam.json" --answers "$root/tests/exercises/mqtt-basics" > "$tmp/exam.csv"
diff <(grep TOTAL "$tmp/sheet.csv") <(grep TOTAL "$tmp/exam.csv")
grep -q '^dave,dave.json,mqtt311,publish-filter,filter,mqtt.msgtype == 3 && mqtt.qos >= 1,no,0,1,Not the frames asked for (your filter selects 10 frames).$' "$tmp/exam.csv"
# A wrong secret is refused; the right one gives the detailed feedback back.
secret=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["secret"])' "$tmp/pack.json")
if "$cli" --exercise "$tmp/exam.json" --answers "$root/tests/exercises/mqtt-basics" --exercise-secret wrong 2> "$tmp/err"; then
  echo "a wrong secret was accepted"; exit 1
fi
grep -q 'the secret does not open the pack' "$tmp/err"
"$cli" --exercise "$tmp/exam.json" --answers "$root/tests/exercises/mqtt-basics" --exercise-secret "$secret" > "$tmp/unlocked.csv"
diff -u "$root/tests/exercises/mqtt-basics.expected.csv" "$tmp/unlocked.csv"
echo "grading: committed answers match the expected score sheets"
