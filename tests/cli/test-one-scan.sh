#!/bin/bash
# -z reports, -z readings and the insight asked for together share one walk
# over the frames (src/dissect/iot-scan.c); together they must print
# exactly what each prints alone, in the same order.
set -euo pipefail
cli=${IOTSCOPE_CLI:?}
root=${IOTSCOPE_SOURCE_ROOT:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
checked=0
for name in readings.pcap mqtt-slow-broker.pcap coap-rst.pcap tcp-loss-device.pcap; do
  cap="$root/tests/captures/$name"
  together=(-z io,phs -z conv,tcp -z 'readings' -z 'readings,udp' -z expert -z insight)
  "$cli" -r "$cap" -q "${together[@]}" > "$tmp/together" 2>&1
  : > "$tmp/alone"
  "$cli" -r "$cap" -q -z io,phs -z conv,tcp -z expert >> "$tmp/alone" 2>&1
  for z in readings readings,udp insight; do
    "$cli" -r "$cap" -q -z "$z" >> "$tmp/alone" 2>&1
  done
  lines=$(wc -l < "$tmp/together")
  if [ "$lines" -lt 20 ] || ! cmp -s "$tmp/together" "$tmp/alone"; then
    echo "FAIL: $name: one scan for six analyses differs from separate runs ($lines lines)"
    diff "$tmp/alone" "$tmp/together" | head -20
    failed=$((failed + 1))
  fi
  checked=$((checked + 1))
done
echo "$checked captures: six analyses in one scan, $failed differing from separate runs"
[ "$failed" -eq 0 ]
