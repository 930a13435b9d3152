#!/bin/bash
# -q -z insight hears the first pass (its MQTT, TCP and CoAP facts are
# records, its other fields the first pass already knows); -c takes the
# second pass.  On every capture, with its options, both must print the
# same insight; the QoS 1/2 PUBLISHes never acknowledged (known only after
# the first pass) are asked of the engine at the end.  (Beside a whole
# tree the insight may name another layer for a malformed packet: it names
# the last of the layers whose rows it reads.)
set -euo pipefail
cli=${IOTSCOPE_CLI:?}
root=${IOTSCOPE_SOURCE_ROOT:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
checked=0
cd "$root/tests/captures"
for cap in *.pcap *.pcapng; do
  [ "$cap" = garbage.pcap ] && continue
  opts=()
  if [ -f "${cap%.*}.opts" ]; then
    while read -r line; do
      case "$line" in ''|\#*) continue;; esac
      eval "opts+=($line)"
    done < "${cap%.*}.opts"
  fi
  "$cli" -r "$cap" "${opts[@]}" -q -z insight > "$tmp/first" 2> /dev/null || true
  "$cli" -r "$cap" "${opts[@]}" -q -c 1000000000 -z insight > "$tmp/second" 2> /dev/null || true
  if ! cmp -s "$tmp/first" "$tmp/second"; then
    echo "FAIL: $cap: first pass and second pass differ"
    diff "$tmp/second" "$tmp/first" | head -8 || true
    failed=$((failed + 1))
  fi
  if ! grep -q '^IoT insight: ' "$tmp/first"; then
    echo "FAIL: $cap: no insight"
    failed=$((failed + 1))
  fi
  checked=$((checked + 1))
done
echo "captures: $checked, failed: $failed"
[ "$checked" -gt 100 ] && [ "$failed" -eq 0 ]
