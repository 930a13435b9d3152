#!/usr/bin/env bash
# The default one-line output (No., Time, Source, Destination, Protocol,
# Length, Info) must equal `tshark -2 -r` line for line on every capture.
set -u
cli=${IOTSCOPE_CLI:?}
cd "${IOTSCOPE_SOURCE_ROOT:?}"
command -v tshark >/dev/null || { echo "tshark is not installed: skipped"; exit 77; }
source tests/diff/lib-diff.sh
export TZ=UTC
checked=0 failed=0
for capture in tests/captures/*.pcap*; do
  excluded summary "$capture" && continue
  checked=$((checked + 1))
  if ! cmp -s <(tshark -2 -r "$capture" 2>/dev/null) <("$cli" -r "$capture" 2>/dev/null); then
    failed=$((failed + 1))
    echo "DIFF $capture"
    diff <(tshark -2 -r "$capture" 2>/dev/null) <("$cli" -r "$capture" 2>/dev/null) | head -6
  fi
done
echo "captures compared: $checked, differing: $failed"
[ "$failed" -eq 0 ]
