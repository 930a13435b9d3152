#!/usr/bin/env bash
# The column fields (_ws.col.*) in -e and display filters, and the -G
# reports (ftypes, values, decodes, elastic-mapping), against tshark 4.0.
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

# JSON compared parsed; tshark's ek lines brought to what we write on purpose.
json_compare() {
  python3 tests/diff/json_compare.py "$1" "$2" "$3"
}

# _ws.col.* in -e (with -t and -Y shaping the Time column) byte for byte,
# and in display filters (tshark 4.0 refuses them there: the frames kept
# must be those whose column, as tshark prints it, matches).
columns=(-e _ws.col.No. -e _ws.col.Time -e _ws.col.Source -e _ws.col.Destination -e _ws.col.Protocol
         -e _ws.col.Length -e _ws.col.Info)
for capture in tests/captures/icmp.pcap tests/captures/mqtt311.pcap tests/captures/coap-lossy.pcap; do
  for timing in "-t ad" "-t dd -Y udp||icmp" "-t e -u hms -E header=y"; do
    read -r -a args <<<"$timing"
    checked=$((checked + 1))
    tshark -2 -r "$capture" "${args[@]}" -T fields "${columns[@]}" >"$tmp/theirs" 2>/dev/null
    "$cli" -r "$capture" "${args[@]}" -T fields "${columns[@]}" >"$tmp/ours" 2>/dev/null
    cmp -s "$tmp/theirs" "$tmp/ours" || { differs "$capture $timing -e _ws.col.*"; diff "$tmp/theirs" "$tmp/ours" | head -4; }
  done
  checked=$((checked + 1))
  tshark -2 -r "$capture" -T json -e _ws.col.Info -e _ws.col.Protocol >"$tmp/theirs" 2>/dev/null
  "$cli" -r "$capture" -T json -e _ws.col.Info -e _ws.col.Protocol >"$tmp/ours" 2>/dev/null
  json_compare json "$tmp/theirs" "$tmp/ours" || differs "$capture -T json -e _ws.col.Info"
  tshark -2 -r "$capture" -T fields -e frame.number -e _ws.col.Protocol -e _ws.col.Info >"$tmp/cols" 2>/dev/null
  for filter in '_ws.col.Protocol == "UDP"' '_ws.col.Info contains "Len="' '_ws.col.Protocol matches "^(ICMP|MQTT|CoAP|ARP)"'; do
    checked=$((checked + 1))
    python3 - "$tmp/cols" "$filter" >"$tmp/expected" <<'PY'
import re, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1], encoding="utf-8")]
f = sys.argv[2]
for number, proto, info in rows:
    if f == '_ws.col.Protocol == "UDP"': keep = proto == "UDP"
    elif f.startswith("_ws.col.Info contains"): keep = "Len=" in info
    else: keep = re.search("^(ICMP|MQTT|CoAP|ARP)", proto) is not None
    if keep:
        print(number)
PY
    "$cli" -r "$capture" -Y "$filter" -T fields -e frame.number >"$tmp/ours" 2>/dev/null
    cmp -s "$tmp/expected" "$tmp/ours" || differs "$capture -Y '$filter'"
  done
done

# -G: the same layouts as tshark's, for what we have.
"$cli" -G ftypes >"$tmp/ftypes" 2>/dev/null
tshark -G ftypes >"$tmp/ftypes.theirs" 2>/dev/null
checked=$((checked + 1))
# Our field types are tshark's lines, in tshark's order, and cover every
# type -G fields uses.
[ -s "$tmp/ftypes" ] && [ "$(grep -Fxf "$tmp/ftypes" "$tmp/ftypes.theirs")" = "$(cat "$tmp/ftypes")" ] \
  || differs "-G ftypes is not a part of tshark's list"
"$cli" -G fields 2>/dev/null | awk -F'\t' '$1 == "F" { print $4 }' | sort -u | while read -r type; do
  grep -q "^$type	" "$tmp/ftypes" || echo "$type"
done >"$tmp/missing"
[ -s "$tmp/missing" ] && differs "-G ftypes lacks $(tr '\n' ' ' <"$tmp/missing")"
checked=$((checked + 1))
"$cli" -G values >"$tmp/values" 2>/dev/null
tshark -G values >"$tmp/values.theirs" 2>/dev/null
for field in mqtt.msgtype mqtt.qos eth.type coap.code coap.type ip.dsfield.dscp; do
  grep -P "^V\t$field\t" "$tmp/values" >"$tmp/v.ours"
  [ -s "$tmp/v.ours" ] || differs "-G values has no $field"
  grep -P "^V\t$field\t" "$tmp/values.theirs" >"$tmp/v.theirs"
  grep -vxFf "$tmp/v.theirs" "$tmp/v.ours" | head -3 | grep . && differs "-G values: $field lines not in tshark's"
done
checked=$((checked + 1))
"$cli" -G decodes >"$tmp/decodes" 2>/dev/null
tshark -G decodes >"$tmp/decodes.theirs" 2>/dev/null
grep -P "^(tcp|udp)\.port\t" "$tmp/decodes" >"$tmp/d.ours"
[ "$(wc -l <"$tmp/d.ours")" -ge 10 ] || differs "-G decodes lists $(wc -l <"$tmp/d.ours") port entries"
grep -vxFf "$tmp/decodes.theirs" "$tmp/d.ours" | head -3 | grep . && differs "-G decodes: port entries tshark lacks"
checked=$((checked + 1))
# The mapping: valid JSON of tshark's shape, each key -T ek writes, each
# type what tshark gives the same field.
"$cli" -G elastic-mapping --elastic-mapping-filter ip,udp,mqtt >"$tmp/map" 2>/dev/null
tshark -G elastic-mapping --elastic-mapping-filter ip,udp,mqtt >"$tmp/map.theirs" 2>/dev/null
python3 - "$tmp/map" "$tmp/map.theirs" <<'PY' || differs "-G elastic-mapping"
import json, sys
ours, theirs = (json.load(open(p)) for p in sys.argv[1:])
assert ours["settings"] == theirs["settings"]
assert ours["mappings"]["properties"]["timestamp"] == {"type": "date"}
lo, lt = ours["mappings"]["properties"]["layers"]["properties"], theirs["mappings"]["properties"]["layers"]["properties"]
assert sorted(lo) == sorted(lt) == ["ip", "mqtt", "udp"], (sorted(lo), sorted(lt))
shared = 0
for proto, body in lo.items():
    for key, kind in body["properties"].items():
        if key in lt[proto]["properties"]:
            assert kind == lt[proto]["properties"][key], (key, kind, lt[proto]["properties"][key])
            shared += 1
assert shared >= 20, shared
PY
# The layout itself, byte for byte, on a protocol whose fields are tshark's.
checked=$((checked + 1))
cmp -s <("$cli" -G elastic-mapping --elastic-mapping-filter nonexistent 2>/dev/null) \
       <(tshark -G elastic-mapping --elastic-mapping-filter nonexistent 2>/dev/null) \
  || differs "-G elastic-mapping with no protocol"

echo "column and glossary cases compared: $checked, differing: $failed"
[ "$failed" -eq 0 ]
