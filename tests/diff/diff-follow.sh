#!/usr/bin/env bash
# Follow stream: for every TCP and UDP stream of every test capture, in
# every mode, iotscope-cli -z follow must print exactly what tshark prints
# (decrypted TLS and HTTP too, where a capture has them).
# One run of each tool per capture, with every -z at once.
set -u
. "$(dirname "$0")/capture-opts.sh"
cli=${IOTSCOPE_CLI:?}
cd "${IOTSCOPE_SOURCE_ROOT:?}"
command -v tshark >/dev/null || { echo "tshark is not installed: skipped"; exit 77; }
source tests/diff/lib-diff.sh
export TZ=UTC
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
checked=0 failed=0
for capture in tests/captures/*.pcap*; do
  excluded follow "$capture" && continue
  mapfile -t opts < <(capture_opts "$capture")
  args=()
  for proto in tcp udp; do
    for stream in $("$cli" -r "$capture" -T fields -e $proto.stream 2>/dev/null | tr ',' '\n' | sort -un); do
      for mode in ascii hex raw; do
        args+=(-z "follow,$proto,$mode,$stream")
      done
    done
  done
  # Decrypted TLS: follow,tls on every TCP stream of a capture we decrypt.
  if [ -n "$("$cli" "${opts[@]}" -r "$capture" -Y tls.decrypted_record 2>/dev/null | head -1)" ]; then
    for stream in $("$cli" -r "$capture" -T fields -e tcp.stream 2>/dev/null | sort -un); do
      for mode in ascii hex raw; do
        args+=(-z "follow,tls,$mode,$stream")
      done
    done
  fi
  # HTTP: follow,http on every TCP stream of a capture with HTTP in it.
  if [ -n "$("$cli" "${opts[@]}" -r "$capture" -Y http 2>/dev/null | head -1)" ]; then
    for stream in $("$cli" -r "$capture" -T fields -e tcp.stream 2>/dev/null | sort -un); do
      for mode in ascii hex raw; do
        args+=(-z "follow,http,$mode,$stream")
      done
    done
  fi
  [ ${#args[@]} -gt 0 ] || continue
  checked=$((checked + ${#args[@]} / 2))
  tshark "${opts[@]}" -r "$capture" -q "${args[@]}" >"$tmp/theirs" 2>/dev/null
  "$cli" "${opts[@]}" -r "$capture" -q "${args[@]}" >"$tmp/ours" 2>"$tmp/ours.err"
  # tshark prints several -z reports in an order of its own: compare the
  # reports, not their order.
  if ! python3 - "$tmp/theirs" "$tmp/ours" <<'PY'
import sys
rule = "\n" + "=" * 67 + "\nFollow: "
def reports(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    return sorted(text.split(rule))
sys.exit(0 if reports(sys.argv[1]) == reports(sys.argv[2]) else 1)
PY
  then
    failed=$((failed + 1))
    echo "DIFF $capture"
    diff "$tmp/theirs" "$tmp/ours" | head -10
  fi
done
echo "follow outputs compared: $checked, captures differing: $failed"
[ "$failed" -eq 0 ]
