#!/usr/bin/env bash
# The default one-line output (No., Time, Source, Destination, Protocol,
# Length, Info) must equal `tshark -2 -r` line for line on every capture.
set -u
cli=${IOTSCOPE_CLI:?}
cd "${IOTSCOPE_SOURCE_ROOT:?}"
command -v tshark >/dev/null || { echo "tshark is not installed: skipped"; exit 77; }
export TZ=UTC
checked=0 failed=0
for capture in tests/captures/*.pcap*; do
  case $(basename "$capture") in
    garbage.pcap|broken-tail.pcap) continue ;;
    # We decode MQTT inside WebSocket; tshark 4.0 shows it as data.
    mqtt-ws.pcap) continue ;;
    # Modbus on port 1502 is meant for -d; tshark's heuristics take two frames.
    modbus-1502.pcap) continue ;;
  esac
  checked=$((checked + 1))
  # Options the capture needs on both sides (decryption keys), if any.
  opts=()
  if [ -f "${capture%.*}.opts" ]; then
    eval "opts=($(grep -v '^[[:space:]]*#' "${capture%.*}.opts"))"
  fi
  if ! cmp -s <(tshark -2 -r "$capture" "${opts[@]}" 2>/dev/null) <("$cli" -r "$capture" "${opts[@]}" 2>/dev/null); then
    failed=$((failed + 1))
    echo "DIFF $capture"
    diff <(tshark -2 -r "$capture" "${opts[@]}" 2>/dev/null) <("$cli" -r "$capture" "${opts[@]}" 2>/dev/null) | head -6
  fi
done
echo "captures compared: $checked, differing: $failed"
[ "$failed" -eq 0 ]
