#!/usr/bin/env bash
# The default one-line output (No., Time, Source, Destination, Protocol,
# Length, Info) must equal `tshark -2 -r` line for line on every capture.
set -u
. "$(dirname "$0")/capture-opts.sh"
cli=${IOTSCOPE_CLI:?}
cd "${IOTSCOPE_SOURCE_ROOT:?}"
command -v tshark >/dev/null || { echo "tshark is not installed: skipped"; exit 77; }
source tests/diff/lib-diff.sh
export TZ=UTC
checked=0 failed=0
# Summary lines without the frames listed in $1 (numbers, space-separated).
without_frames() {
  awk -v skip="$1" 'BEGIN { n = split(skip, f, " "); for (i = 1; i <= n; i++) drop[f[i]] = 1 }
                    !($1 in drop)'
}
for capture in tests/captures/*.pcap*; do
  excluded summary "$capture" && continue
  # Where we decode MQTT inside WebSocket and tshark 4.0 shows data, the
  # frames with MQTT are left out; every other line must match.
  beyond=
  # (with the capture's options: MQTT inside decrypted TLS needs its keys)
  mapfile -t opts < <(capture_opts "$capture")
  if why=$(python3 tests/diff/exclusions.py summary-mqtt-frames "$capture"); then
    beyond=$("$cli" "${opts[@]}" -r "$capture" -Y mqtt -T fields -e frame.number 2>/dev/null | tr '\n' ' ')
    echo "partly compared (summary): $(basename "$capture"): $(wc -w <<<"$beyond") frames with MQTT left out: $why"
  fi
  # The same where we decode CoAP inside DTLS (chosen by ALPN) and tshark 4.0 shows data.
  if why=$(python3 tests/diff/exclusions.py summary-coap-frames "$capture"); then
    beyond=$("$cli" "${opts[@]}" -r "$capture" -Y coap -T fields -e frame.number 2>/dev/null | tr '\n' ' ')
    echo "partly compared (summary): $(basename "$capture"): $(wc -w <<<"$beyond") frames with CoAP left out: $why"
  fi
  only=()
  case $(basename "$capture") in
    # tshark 4.0 prints control characters of MQTT topics raw in Info (a
    # line feed breaks the frame's line); we escape them as it escapes DNS
    # names and HTTP lines.  Those frames are compared by diff-tshark.
    hostile-strings.pcap)
      only=(-Y 'not mqtt.topic matches "[\\x00-\\x1f\\x7f-\\x9f]"')
      echo "partly compared (summary): hostile-strings.pcap: MQTT topics with control characters left out: tshark 4.0 prints them raw in Info" ;;
    # tshark -2 leaves "[Malformed Packet]" out of the Info of the empty
    # MQTT-SN WILLTOPIC it calls malformed (one pass shows it); diff-tshark
    # compares that frame's fields.
    mqttsn.pcap)
      only=(-Y 'not _ws.malformed')
      echo "partly compared (summary): mqttsn.pcap: the malformed frame left out: tshark -2 drops [Malformed Packet] from its Info" ;;
    # The same for the datagrams whose Length runs past their end.
    mqttsn-gen.pcap)
      only=(-Y 'not (mqttsn && _ws.malformed)')
      echo "partly compared (summary): mqttsn-gen.pcap: frames malformed inside a message left out: tshark -2 drops [Malformed Packet] from their Info" ;;
  esac
  checked=$((checked + 1))
  theirs=$(tshark -2 "${opts[@]}" -r "$capture" "${only[@]}" 2>/dev/null | without_frames "$beyond")
  ours=$("$cli" "${opts[@]}" -r "$capture" "${only[@]}" 2>/dev/null | without_frames "$beyond")
  if [ "$theirs" != "$ours" ]; then
    failed=$((failed + 1))
    echo "DIFF $capture"
    diff <(echo "$theirs") <(echo "$ours") | head -6
  fi
done
echo "captures compared: $checked, differing: $failed"
[ "$failed" -eq 0 ]
