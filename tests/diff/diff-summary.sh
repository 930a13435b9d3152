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
  only=()
  case $(basename "$capture") in
    # tshark 4.0 prints control characters of MQTT topics raw in Info (a
    # line feed breaks the frame's line); we escape them as it escapes DNS
    # names and HTTP lines.  Those frames are compared by diff-tshark.
    hostile-strings.pcap) only=(-Y 'not mqtt.topic matches "[\\x00-\\x1f\\x7f-\\x9f]"') ;;
  esac
  checked=$((checked + 1))
  if ! cmp -s <(tshark -2 -r "$capture" "${only[@]}" 2>/dev/null) <("$cli" -r "$capture" "${only[@]}" 2>/dev/null); then
    failed=$((failed + 1))
    echo "DIFF $capture"
    diff <(tshark -2 -r "$capture" "${only[@]}" 2>/dev/null) <("$cli" -r "$capture" "${only[@]}" 2>/dev/null) | head -6
  fi
done
echo "captures compared: $checked, differing: $failed"
[ "$failed" -eq 0 ]
