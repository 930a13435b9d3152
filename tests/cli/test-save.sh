#!/usr/bin/env bash
# -r IN -w OUT: the frames that pass the filters are saved as captured
# (pcap or pcapng), not printed unless -P; tshark reads the result.
set -u
cli=${IOTSCOPE_CLI:?}
cd "${IOTSCOPE_SOURCE_ROOT:?}"
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check () {   # check NAME CONDITION-COMMAND...
  local name=$1; shift
  if "$@"; then echo "ok   $name"; else echo "FAIL $name"; failures=$((failures + 1)); fi
}
frames () { "$cli" -r "$1" | wc -l; }

# Published messages only, as pcapng (by extension): the same frames -Y shows.
out=$("$cli" -r tests/captures/mqtt311.pcap -Y 'mqtt.msgtype == 3' -w "$tmp/pub.pcapng")
check quiet-when-writing test -z "$out"
check pcapng-written test "$(head -c 4 "$tmp/pub.pcapng" | od -An -tx1 | tr -d ' ')" = 0a0d0d0a
expected=$("$cli" -r tests/captures/mqtt311.pcap -Y 'mqtt.msgtype == 3' | wc -l)
check same-frames test "$(frames "$tmp/pub.pcapng")" = "$expected"
check all-publish test "$("$cli" -r "$tmp/pub.pcapng" -Y 'mqtt.msgtype != 3' | wc -l)" = 0
if command -v tshark >/dev/null; then
  check tshark-reads test "$(tshark -r "$tmp/pub.pcapng" 2>/dev/null | wc -l)" = "$expected"
fi

# -F pcap with -c and -P: ten frames, printed as well.
out=$("$cli" -r tests/captures/mqtt311.pcap -c 10 -P -F pcap -w "$tmp/ten.any")
check printed-with-P test "$(printf '%s\n' "$out" | wc -l)" = 10
check pcap-written test "$(head -c 4 "$tmp/ten.any" | od -An -tx1 | tr -d ' ')" = d4c3b2a1
check ten-frames test "$(frames "$tmp/ten.any")" = 10

# Several link types: pcapng keeps them (raw IP written as LINKTYPE 101),
# pcap cannot and says so.
"$cli" -r tests/captures/multi-link.pcapng -w "$tmp/multi.pcapng"
check multi-link-kept test "$(frames "$tmp/multi.pcapng")" = "$(frames tests/captures/multi-link.pcapng)"
if command -v tshark >/dev/null; then
  check multi-link-encaps test "$(tshark -r "$tmp/multi.pcapng" -T fields -e frame.encap_type 2>/dev/null | sort -u | tr '\n' ' ')" \
    = "$(tshark -r tests/captures/multi-link.pcapng -T fields -e frame.encap_type 2>/dev/null | sort -u | tr '\n' ' ')"
fi
if "$cli" -r tests/captures/multi-link.pcapng -w "$tmp/multi.pcap" 2>"$tmp/err"; then
  check multi-link-pcap-refused false
else
  check multi-link-pcap-refused grep -q "more than one link type" "$tmp/err"
fi
if "$cli" -r tests/captures/mqtt311.pcap -w "$tmp/x" -F json 2>"$tmp/err"; then
  check bad-F false
else
  check bad-F grep -q "only pcap and pcapng" "$tmp/err"
fi

echo "$failures failed"
[ "$failures" = 0 ]
