#!/usr/bin/env bash
# The -V tree of the body layers (XML, HTML form, JSON) must equal tshark's
# line for line: row labels, nesting, expert rows.  The other layers' trees
# are left out, as the summary and field suites cover them.
set -u
cli=${IOTSCOPE_CLI:?}
cd "${IOTSCOPE_SOURCE_ROOT:?}"
command -v tshark >/dev/null || { echo "tshark is not installed: skipped"; exit 77; }
export TZ=UTC
# Keeps the lines from a body layer's title row up to the next frame, less
# the SenML layer only iotscope decodes (it follows JSON of SenML types).
body_layers() {
  awk '/^Frame [0-9]+:/ { print; keep = 0; next }
       /^Sensor Measurement Lists/ { keep = 0; senml = 1; next }
       /^$/ && senml { print; senml = 0; next }
       /^(eXtensible Markup Language|HTML Form URL Encoded|JavaScript Object Notation)/ { keep = 1 }
       keep'
}
checked=0 failed=0 rows=0
for capture in tests/captures/xml-form.pcap tests/captures/json.pcap; do
  [ -f "$capture" ] || continue
  checked=$((checked + 1))
  theirs=$(tshark -2 -r "$capture" -V 2>/dev/null | body_layers)
  ours=$("$cli" -r "$capture" -V 2>/dev/null | body_layers)
  rows=$((rows + $(printf '%s\n' "$theirs" | grep -vc '^Frame ')))
  if [ "$theirs" != "$ours" ]; then
    failed=$((failed + 1))
    echo "DIFF $capture"
    diff <(printf '%s\n' "$theirs") <(printf '%s\n' "$ours") | head -20
  fi
done
echo "captures compared: $checked, body-layer tree rows: $rows, differing captures: $failed"
[ "$checked" -gt 0 ] && [ "$rows" -gt 0 ] && [ "$failed" -eq 0 ]
