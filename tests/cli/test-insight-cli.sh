#!/usr/bin/env bash
# The IoT insight from the command line: -z insight, --report-json/-html,
# --save-baseline then --compare-baseline on another capture, --compare of
# two capture points.
set -u
cli=${IOTSCOPE_CLI:?}
cd "${IOTSCOPE_SOURCE_ROOT:?}"
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
caps=tests/captures

fail () { echo "FAIL $*"; failures=$((failures + 1)); }
ok () { echo "ok   $*"; }

# expect_grep NAME FILE PATTERN: FILE has a line matching the extended regexp.
expect_grep () {
  if grep -qE -- "$3" "$2"; then ok "$1"; else fail "$1: no line matches '$3'"; sed 's/^/    /' "$2" | head -40; fi
}
expect_no_grep () {
  if grep -qE -- "$3" "$2"; then fail "$1: unexpected '$3'"; grep -nE -- "$3" "$2" | head; else ok "$1"; fi
}

# -z insight on the reset scenario: the diagnosis with its evidence.
"$cli" -r $caps/tcp-rst-reconnect.pcap -q -z insight >"$tmp/rst.txt" 2>&1 || fail "rst: exit status"
expect_grep rst-diagnosis "$tmp/rst.txt" '\[warning\] mqtt-reset-reconnect: TCP reset \(RST from the client, frame 10\)'
expect_grep rst-evidence "$tmp/rst.txt" 'Evidence: frames 4, 10, 14$'
expect_grep rst-at-risk "$tmp/rst.txt" 'QoS 0 messages at risk .*: frame 8$'

# Reports: valid JSON, a self-contained HTML page with SVG, no password.
"$cli" -r $caps/mqtt-auth.pcap -q --report-json "$tmp/auth.json" --report-html "$tmp/auth.html" \
  -z insight >"$tmp/auth.txt" 2>&1 || fail "auth: exit status"
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["diagnoses"] and d["security"] and d["mqtt"]["topics"]' \
     "$tmp/auth.json"; then ok report-json; else fail "report-json: not the expected JSON"; fi
expect_grep report-html-svg "$tmp/auth.html" '<svg xmlns="http://www.w3.org/2000/svg"'
expect_no_grep report-html-external "$tmp/auth.html" '(src|href)="(https?:)?//'
for f in "$tmp/auth.json" "$tmp/auth.html" "$tmp/auth.txt"; do
  expect_no_grep "no-password-$(basename "$f")" "$f" 's3cret'
done
expect_grep masked "$tmp/auth.txt" 'password s\*\*\* \(6 characters\)'
expect_grep connack "$tmp/auth.txt" 'mqtt-connack-refused: Broker refused the connection of iot-auth-bad5: not authorized \(code 135 / 0x87\)'

# Baseline of the periodic sensors, compared with other captures.
"$cli" -r $caps/insight-periodic.pcap -q --save-baseline "$tmp/base.json" || fail "save-baseline: exit status"
"$cli" -r $caps/insight-periodic.pcap -q --compare-baseline "$tmp/base.json" >"$tmp/same.txt" 2>&1 \
  || fail "compare-baseline (same): exit status"
expect_grep baseline-same "$tmp/same.txt" '^Deviations from the baseline base.json \(0\)'
"$cli" -r $caps/mqtt-dup.pcap -q --compare-baseline "$tmp/base.json" >"$tmp/dev.txt" 2>&1 \
  || fail "compare-baseline: exit status"
expect_grep baseline-new-client "$tmp/dev.txt" 'new-device: New MQTT client absent from the baseline: iot-dup '
expect_grep baseline-new-topic "$tmp/dev.txt" 'new-topic: New topic absent from the baseline: dup/qos2 '
expect_grep baseline-new-type "$tmp/dev.txt" 'new-message-type: device 127.0.0.1 sends mqtt:PUBREC, never seen'
"$cli" -r $caps/mqtt311.pcap -q --compare-baseline "$tmp/base.json" >"$tmp/slow.txt" 2>&1 \
  || fail "compare-baseline (slow): exit status"
expect_grep baseline-rate "$tmp/slow.txt" 'rate-change: device 127.0.0.1: .* packets/min now'
# A baseline in which the device never talked to anybody: every peer is new.
python3 - "$tmp/base.json" "$tmp/nopeers.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["devices"]["127.0.0.1"]["peers"] = []
json.dump(d, open(sys.argv[2], "w"))
EOF
"$cli" -r $caps/insight-periodic.pcap -q --compare-baseline "$tmp/nopeers.json" >"$tmp/peers.txt" 2>&1 \
  || fail "compare-baseline (peers): exit status"
expect_grep baseline-new-peer "$tmp/peers.txt" 'new-peer: device 127.0.0.1 has a new peer: 127.0.0.1'
if "$cli" -r $caps/mqtt311.pcap -q --compare-baseline $caps/README.md >"$tmp/bad.txt" 2>&1; then
  fail "bad baseline: exit status 0"
else
  expect_grep bad-baseline "$tmp/bad.txt" 'compare-baseline'
fi

# Two capture points.
"$cli" --compare $caps/tcp-loss-device.pcap $caps/tcp-loss-broker.pcap --report-json "$tmp/cmp.json" \
  >"$tmp/cmp.txt" 2>&1 || fail "compare: exit status"
expect_grep compare-flow "$tmp/cmp.txt" '^tcp 10\.77\.1\.2:[0-9]+ ↔ 10\.77\.2\.2:1883$'
expect_grep compare-counts "$tmp/cmp.txt" 'seen at both points: [0-9]+, only at A: [1-9][0-9]*, only at B: [1-9]'
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); f=d["flows"][0]; assert len(f["only_a_frames"])==f["only_a"]>0' \
     "$tmp/cmp.json"; then ok compare-json; else fail "compare-json"; fi
if "$cli" --compare $caps/tcp-loss-device.pcap >"$tmp/one.txt" 2>&1; then
  fail "compare with one file: exit status 0"
else
  expect_grep compare-one "$tmp/one.txt" 'needs two capture files'
fi

# Every capture: the insight never fails (damaged files still report).
for f in $caps/*.pcap $caps/*.pcapng; do
  case $f in *garbage.pcap) continue ;; esac
  "$cli" -r "$f" -q -z insight --report-html "$tmp/x.html" >"$tmp/x.txt" 2>"$tmp/x.err"
  rc=$?
  if [ $rc -ne 0 ] && ! grep -q "$(basename "$f")" "$tmp/x.err"; then
    fail "insight on $(basename "$f"): exit status $rc"; cat "$tmp/x.err"
  elif ! grep -q '^IoT insight: ' "$tmp/x.txt"; then
    fail "insight on $(basename "$f"): no report"
  fi
done
ok every-capture

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
