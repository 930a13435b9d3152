#!/usr/bin/env bash
# Follow stream: for every TCP and UDP stream of every test capture, in
# every mode, iotscope-cli -z follow must print exactly what tshark prints.
set -u
cli=${IOTSCOPE_CLI:?}
cd "${IOTSCOPE_SOURCE_ROOT:?}"
command -v tshark >/dev/null || { echo "tshark is not installed: skipped"; exit 77; }
export TZ=UTC
checked=0 failed=0
for capture in tests/captures/*.pcap*; do
  case $capture in *garbage*|*broken*) continue ;; esac
  for proto in tcp udp; do
    for stream in $("$cli" -r "$capture" -T fields -e $proto.stream 2>/dev/null | tr ',' '\n' | sort -un); do
      for mode in ascii hex raw; do
        checked=$((checked + 1))
        if ! cmp -s <(tshark -r "$capture" -q -z follow,$proto,$mode,$stream 2>/dev/null) \
                    <("$cli" -r "$capture" -q -z follow,$proto,$mode,$stream 2>&1); then
          failed=$((failed + 1))
          echo "DIFF $capture follow,$proto,$mode,$stream"
          [ "$failed" -le 3 ] && diff <(tshark -r "$capture" -q -z follow,$proto,$mode,$stream 2>/dev/null) \
                                      <("$cli" -r "$capture" -q -z follow,$proto,$mode,$stream 2>&1) | head -8
        fi
      done
    done
  done
done
echo "follow outputs compared: $checked, differing: $failed"
[ "$failed" -eq 0 ]
