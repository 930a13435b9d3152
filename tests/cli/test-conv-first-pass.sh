#!/bin/bash
# -z conv and -z endpoints asked for alone read the conversation records the
# layers publish in the first pass (no tree, no second pass).  Alone, with
# -c (which takes the second pass) and next to a report that builds the
# whole tree, they must print the same tables, and the tables tshark prints:
# the packet an ICMP error quotes and a layer cut short count in none.
set -euo pipefail
cli=${IOTSCOPE_CLI:?}
root=${IOTSCOPE_SOURCE_ROOT:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
have_tshark=0
command -v tshark > /dev/null && have_tshark=1
failed=0
checked=0
tables=()
for z in conv,eth conv,ip conv,ipv6 conv,tcp conv,udp endpoints,ip endpoints,ipv6 endpoints,udp; do
  tables+=(-z "$z")
done
for name in icmp.pcap null.pcap rawip.pcap cbor-malformed.pcap coap-observe-gone.pcap mqtt311.pcap lowpan-coap.pcap; do
  cap="$root/tests/captures/$name"
  "$cli" -r "$cap" -q "${tables[@]}" > "$tmp/alone"
  "$cli" -r "$cap" -q -c 1000000 "${tables[@]}" > "$tmp/second"
  # io,phs builds every frame's tree; reports print newest first.
  "$cli" -r "$cap" -q "${tables[@]}" -z io,phs > "$tmp/tree"
  "$cli" -r "$cap" -q -z io,phs > "$tmp/expected"
  cat "$tmp/alone" >> "$tmp/expected"
  if ! cmp -s "$tmp/alone" "$tmp/second" || ! cmp -s "$tmp/expected" "$tmp/tree"; then
    echo "FAIL: $name: first pass, second pass and tree runs differ"
    diff "$tmp/alone" "$tmp/second" | head -5 || true
    diff "$tmp/expected" "$tmp/tree" | head -5 || true
    failed=$((failed + 1))
  fi
  if [ "$have_tshark" -eq 1 ]; then
    tshark -r "$cap" -q "${tables[@]}" 2> /dev/null > "$tmp/tshark"
    if ! cmp -s "$tmp/alone" "$tmp/tshark"; then
      echo "FAIL: $name differs from tshark"
      diff "$tmp/tshark" "$tmp/alone" | head -8 || true
      failed=$((failed + 1))
    fi
  fi
  checked=$((checked + 1))
done
echo "$checked captures, 8 tables each (tshark: $have_tshark), $failed differing"
[ "$failed" -eq 0 ]
