#!/usr/bin/env bash
# The counting trees (-z http,tree, http_req,tree, ptype,tree,
# ip_hosts,tree, plus a filtered one) must read exactly as tshark -2's, on
# the captures that hold HTTP, ICMP errors, tunnels and odd link types
# (DIFF_ONLY='a*.pcap,b.pcap' picks others; DIFF_ALL=1 takes every capture).
# Our own mqtt,tree is checked against counts the MQTT fields give.
set -u
. "$(dirname "$0")/capture-opts.sh"
cli=${IOTSCOPE_CLI:?}
cd "${IOTSCOPE_SOURCE_ROOT:?}"
command -v tshark >/dev/null || { echo "tshark is not installed: skipped"; exit 77; }
source tests/diff/lib-diff.sh
export TZ=UTC
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

trees=(-z http,tree -z http_req,tree -z ptype,tree -z ip_hosts,tree -z "http,tree,tcp.port == 8000"
       -z "ip_hosts,tree,frame.len > 100")
default=(http.pcap http-chunked.pcap http-split.pcap icmp.pcap dns.pcap mac-names.pcap mqtt-ws.pcap
         websocket.pcap null.pcap rawip.pcap netns.pcap network-join.pcap hostile-strings.pcap
         json.pcap xml-form.pcap coap.pcap)

selected() {
  local name=$1 pattern
  if [ -n "${DIFF_ALL:-}" ]; then return 0; fi
  if [ -n "${DIFF_ONLY:-}" ]; then
    IFS=, read -ra patterns <<<"$DIFF_ONLY"
    for pattern in "${patterns[@]}"; do
      # shellcheck disable=SC2053
      [[ $name == $pattern ]] && return 0
    done
    return 1
  fi
  for pattern in "${default[@]}"; do
    [ "$name" = "$pattern" ] && return 0
  done
  return 1
}

checked=0 failed=0
for capture in tests/captures/*.pcap*; do
  selected "$(basename "$capture")" || continue
  excluded stats "$capture" && continue
  checked=$((checked + 1))
  mapfile -t opts < <(capture_opts "$capture")
  tshark -2 "${opts[@]}" -r "$capture" -q "${trees[@]}" >"$tmp/theirs" 2>/dev/null
  "$cli" "${opts[@]}" -r "$capture" -q "${trees[@]}" >"$tmp/ours" 2>"$tmp/ours.err"
  if ! cmp -s "$tmp/theirs" "$tmp/ours"; then
    failed=$((failed + 1))
    echo "DIFF $capture"
    diff "$tmp/theirs" "$tmp/ours" | head -"${DIFF_LINES:-12}"
  fi
done
echo "captures compared: $checked (6 trees each), differing: $failed"
[ "$checked" -gt 0 ] || exit 1
[ "$failed" -eq 0 ] || exit 1
