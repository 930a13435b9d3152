#!/bin/bash
# iotscope --screenshot writes a non-empty PNG of the loaded window.
set -eu
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$IOTSCOPE_APP" --screenshot "$out/shot.png" --select 4 --filter 'tcp.len > 0' \
  "$IOTSCOPE_SOURCE_ROOT/tests/captures/mqtt311.pcap"
[ -s "$out/shot.png" ] || { echo "no screenshot written" >&2; exit 1; }
magic=$(head -c 8 "$out/shot.png" | od -An -tx1 | tr -d ' \n')
[ "$magic" = "89504e470d0a1a0a" ] || { echo "not a PNG: $magic" >&2; exit 1; }
size=$(stat -c %s "$out/shot.png")
[ "$size" -gt 10000 ] || { echo "suspiciously small PNG: $size bytes" >&2; exit 1; }
echo "screenshot: $size bytes"
