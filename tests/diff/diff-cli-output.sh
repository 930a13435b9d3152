#!/usr/bin/env bash
# More of tshark's output flags, against tshark -2 on committed captures:
#   -O PROTOS        byte for byte (captures whose -V we print as tshark does);
#   -T json -e/-j/-J the same JSON values (tshark with --no-duplicate-keys,
#                    which is how we always merge repeated keys; the spacing
#                    of json-glib differs from tshark's, so JSON is compared
#                    parsed);
#   -T ek -e         the same documents, once tshark's "_type" is dropped and
#                    its time stamp (ms since 1970) written as ISO 8601, as we
#                    write them for Elasticsearch 8 / OpenSearch 2;
#   -w -             pcap identical to tshark's, pcapng read back the same;
#   --disable-protocol / --enable-protocol.
set -u
. "$(dirname "$0")/capture-opts.sh"
cli=${IOTSCOPE_CLI:?}
cd "${IOTSCOPE_SOURCE_ROOT:?}"
command -v tshark >/dev/null || { echo "tshark is not installed: skipped"; exit 77; }
export TZ=UTC
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
checked=0 failed=0

differs() {
  failed=$((failed + 1))
  echo "DIFFERS: $*"
}

# -O: only these protocols in full.
for entry in "tests/captures/dhcp.pcap" "tests/captures/ntp.pcap" "tests/captures/mac-names.pcap -Y arp"; do
  for protos in "ip,udp" "arp,dhcp,ntp"; do
    read -r -a args <<<"$entry -O $protos"
    checked=$((checked + 1))
    tshark -2 -r "${args[@]}" >"$tmp/theirs" 2>/dev/null
    "$cli" -r "${args[@]}" >"$tmp/ours" 2>/dev/null
    cmp -s "$tmp/theirs" "$tmp/ours" || { differs "-r $entry -O $protos"; diff "$tmp/theirs" "$tmp/ours" | head -5; }
  done
done

# JSON compared parsed; tshark's ek lines brought to what we write on purpose.
json_compare() {
  python3 tests/diff/json_compare.py "$1" "$2" "$3"
}

json_cases=(
  "dns.pcap|-T json -e ip.src -e dns.qry.name -e dns.a -e dns.flags.response -e udp.srcport"
  "http.pcap|-T json -e http.request.method -e http.host -e tcp.flags.syn -e ip.dst -e frame.number"
  "dns.pcap|-T json -J ip"
  "dns.pcap|-T json -j ip ip.flags"
  "http.pcap|-T json -j ip ip.dsfield"
  "coap.pcap|-T json -j udp ip ip.flags"
  "dns.pcap|-T ek -e ip.src -e dns.qry.name -e dns.a -e udp.srcport"
  "http.pcap|-T ek -e http.request.uri -e tcp.flags.syn -e frame.len"
  # Whole trees: ICMP echo data and IPv4 options (icmp.pcap), the IP and
  # UDP headers quoted in ICMP errors, DNS with EDNS0 options (<Root>).
  "icmp.pcap|-T json"
  "coap-observe-cancel.pcap|-T json -J icmp ip"
  "netns.pcap|-T json -J icmp ip udp"
  "dns.pcap|-T json -J dns"
)
for entry in "${json_cases[@]}"; do
  capture=tests/captures/${entry%%|*}
  read -r -a args <<<"${entry#*|}"
  # -j / -J take the rest of the case as one argument.
  if [ "${args[2]:-}" = "-j" ] || [ "${args[2]:-}" = "-J" ]; then
    args=("${args[@]:0:3}" "${args[*]:3}")
  fi
  mode=json
  [ "${args[1]}" = "ek" ] && mode=ek
  checked=$((checked + 1))
  dup=(--no-duplicate-keys)
  [ $mode = ek ] && dup=()
  tshark -2 -r "$capture" "${args[@]}" "${dup[@]}" >"$tmp/theirs" 2>/dev/null
  "$cli" -r "$capture" "${args[@]}" >"$tmp/ours" 2>"$tmp/err"
  json_compare "$mode" "$tmp/theirs" "$tmp/ours" || differs "$entry"
done
# --no-duplicate-keys is accepted and changes nothing: we always merge.
checked=$((checked + 1))
"$cli" -r tests/captures/dns.pcap -T json >"$tmp/a" 2>/dev/null
"$cli" -r tests/captures/dns.pcap -T json --no-duplicate-keys >"$tmp/b" 2>/dev/null
cmp -s "$tmp/a" "$tmp/b" && [ -s "$tmp/a" ] || differs "--no-duplicate-keys"
# Every ek document line carries an ISO 8601 time and no action line a _type.
checked=$((checked + 1))
"$cli" -r tests/captures/mqtt-ws.pcap -T ek >"$tmp/ek" 2>/dev/null
python3 - "$tmp/ek" <<'PY' || differs "-T ek for Elasticsearch 8"
import json, re, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert len(lines) >= 2 and len(lines) % 2 == 0, len(lines)
for action, doc in zip(lines[0::2], lines[1::2]):
    a, d = json.loads(action), json.loads(doc)
    assert set(a["index"]) == {"_index"}, a
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", d["timestamp"]), d["timestamp"]
PY

# -w -: the frames that pass -Y on standard output.
for capture in tests/captures/icmp.pcap tests/captures/sll2.pcap; do
  checked=$((checked + 1))
  tshark -r "$capture" -Y "frame.len > 70" -F pcap -w - 2>/dev/null >"$tmp/theirs.pcap"
  "$cli" -r "$capture" -Y "frame.len > 70" -F pcap -w - 2>/dev/null >"$tmp/ours.pcap"
  cmp -s "$tmp/theirs.pcap" "$tmp/ours.pcap" || differs "-w - -F pcap on $capture"
  checked=$((checked + 1))
  "$cli" -r "$capture" -Y "frame.len > 70" -w - 2>/dev/null >"$tmp/ours.pcapng"
  [ "$(head -c 4 "$tmp/ours.pcapng" | od -An -tx1 | tr -d ' ')" = 0a0d0d0a ] || differs "-w - is not pcapng"
  cmp -s <(tshark -r "$tmp/ours.pcapng" -T fields -e frame.time_epoch -e frame.len -e frame.cap_len 2>/dev/null) \
         <(tshark -r "$capture" -Y "frame.len > 70" -T fields -e frame.time_epoch -e frame.len -e frame.cap_len \
           2>/dev/null) || differs "-w - pcapng frames of $capture"
done
checked=$((checked + 1))
if "$cli" -r tests/captures/icmp.pcap -P -w - >/dev/null 2>"$tmp/err"; then
  differs "-P -w - accepted"
fi
grep -q "standard output" "$tmp/err" || differs "-P -w - message: $(cat "$tmp/err")"

# --disable-protocol / --enable-protocol: the bytes of a disabled protocol
# are data.  Summary lines byte for byte where the layer below writes its
# own columns; layers and data lengths where IP or Ethernet would name the
# missing layer in the columns (we leave their columns as they are).
for entry in "mqtt311.pcap|--disable-protocol mqtt" "http.pcap|--disable-protocol http" \
             "dns.pcap|--disable-protocol dns" "coap.pcap|--disable-protocol coap" \
             "coap.pcap|--disable-protocol coap --enable-protocol coap"; do
  read -r -a args <<<"${entry#*|}"
  checked=$((checked + 1))
  tshark -2 -r "tests/captures/${entry%%|*}" "${args[@]}" >"$tmp/theirs" 2>/dev/null
  "$cli" -r "tests/captures/${entry%%|*}" "${args[@]}" >"$tmp/ours" 2>/dev/null
  cmp -s "$tmp/theirs" "$tmp/ours" || { differs "$entry"; diff "$tmp/theirs" "$tmp/ours" | head -4; }
done
for entry in "mqtt311.pcap|--disable-protocol tcp" "dns.pcap|--disable-protocol udp --disable-protocol tcp" \
             "coap.pcap|--disable-protocol ip"; do
  read -r -a args <<<"${entry#*|}"
  checked=$((checked + 1))
  tshark -2 -r "tests/captures/${entry%%|*}" "${args[@]}" -T fields -e frame.protocols -e data.len -e eth.type \
    >"$tmp/theirs" 2>/dev/null
  "$cli" -r "tests/captures/${entry%%|*}" "${args[@]}" -T fields -e frame.protocols -e data.len -e eth.type \
    >"$tmp/ours" 2>/dev/null
  cmp -s "$tmp/theirs" "$tmp/ours" && [ -s "$tmp/ours" ] || { differs "$entry"; diff "$tmp/theirs" "$tmp/ours" | head -4; }
done
checked=$((checked + 1))
if "$cli" -r tests/captures/coap.pcap --disable-protocol nosuch >/dev/null 2>"$tmp/err" \
   || ! grep -q '"nosuch" is not a protocol' "$tmp/err"; then
  differs "--disable-protocol nosuch: $(cat "$tmp/err")"
fi

echo "output cases compared: $checked, differing: $failed"
[ "$failed" -eq 0 ]
