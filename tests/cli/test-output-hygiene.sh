#!/bin/bash
# test-output-hygiene.sh — strings from the wire with control bytes and
# bytes that are not UTF-8 (tests/captures/hostile-strings.pcap) never break
# the output: JSON and ek parse as JSON and are valid UTF-8, every output is
# valid UTF-8, and the summary and -T fields print one line per frame, with
# the escapes tshark 4.0 prints.  The damaged-pcapng message counts the
# interfaces right.
set -u

CLI=${IOTSCOPE_CLI:?}
cd "${IOTSCOPE_SOURCE_ROOT:?}"
capture=tests/captures/hostile-strings.pcap
dir=$(mktemp -d /tmp/file-output-hygiene.XXXXXX)
trap 'rm -rf "$dir"' EXIT
fail () { echo "FAIL: $*" >&2; exit 1; }

frames=$("$CLI" -r "$capture" -T fields -e frame.number | wc -l)
[ "$frames" -gt 100 ] || fail "only $frames frames"

# Valid UTF-8, and (for JSON) valid JSON.
utf8 () { python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$1"; }
"$CLI" -r "$capture" -T json > "$dir/json" || fail "-T json failed"
utf8 "$dir/json" || fail "-T json is not valid UTF-8"
python3 -m json.tool "$dir/json" > /dev/null || fail "-T json does not parse"
"$CLI" -r "$capture" -T ek > "$dir/ek" || fail "-T ek failed"
python3 - "$dir/ek" <<'PY' || fail "-T ek does not parse"
import json, sys
for line in open(sys.argv[1], 'rb'):
    json.loads(line.decode('utf-8'))
PY
# The strings arrive as tshark decodes them: U+FFFD for what is not UTF-8
# (MQTT), for every byte above 0x7f (HTTP); control characters kept.
python3 - "$dir/json" <<'PY' || fail "JSON string values differ from tshark's"
import json, sys
topics, uris = [], []
def walk(o):
    if isinstance(o, dict):
        for k, v in o.items():
            if k == 'mqtt.topic': topics.append(v)
            if k == 'http.request.uri': uris.append(v)
            walk(v)
    elif isinstance(o, list):
        for v in o: walk(v)
walk(json.load(open(sys.argv[1], encoding='utf-8')))
assert 'sensors/bad\ufffd\ufffdutf8-\ufffd-\ufffd(-\ufffd' in topics, topics
assert 'sensors/tab\there-cr\rlf\nnul' in topics, topics
assert '/caf\ufffd\ufffd/\x12\x07\x1b[31m\x7f/\ufffd\ufffd' in uris, uris
PY

fields="-T fields -e mqtt.topic -e dns.qry.name -e http.request.uri -e http.request.line -e dns.txt -e http.file_data"
for args in "" "-V" "-x" "$fields"; do
  # shellcheck disable=SC2086
  "$CLI" -r "$capture" $args > "$dir/out" || fail "$args failed"
  utf8 "$dir/out" || fail "output of '$args' is not valid UTF-8"
  # Text for people: no control character but the line feed ending a line.
  # -T fields, as tshark's, escapes only tab, CR and LF (the others stay).
  controls=$'[\x01-\x09\x0b-\x1f\x7f]'
  [ "$args" = "$fields" ] && controls=$'\r'
  if LC_ALL=C grep -q "$controls" "$dir/out"; then
    fail "raw control characters in the output of '$args'"
  fi
done

# One line per frame.
[ "$("$CLI" -r "$capture" | wc -l)" = "$frames" ] || fail "the summary is not one line per frame"
[ "$("$CLI" -r "$capture" -T fields -e mqtt.topic -e http.request.line -e dns.qry.name | wc -l)" = "$frames" ] \
  || fail "-T fields is not one line per frame"

# The escapes tshark prints (checked against tshark 4.0 on this capture).
"$CLI" -r "$capture" > "$dir/summary"
grep -qF 'Standard query 0x4100 A sens\022or.ctl\a\033.lan' "$dir/summary" || fail "DNS name escapes"
grep -qF 'A back\slash.sur'$'\xef\xbf\xbd''.c1\u0085.nul\000x.lan' "$dir/summary" || fail "DNS \\u and octal escapes"
grep -qF 'GET /caf'$'\xc3\xa9''/\022\a\033[31m\177/'$'\xef\xbf\xbd\xef\xbf\xbd'' HTTP/1.1' "$dir/summary" \
  || fail "HTTP request line escapes"
grep -qF 'POST /form\001/ HTTP/1.1' "$dir/summary" || fail "overlong form in an HTTP line"
grep -qF 'Publish Message [sensors/tab\there-cr\rlf\nnul]' "$dir/summary" || fail "MQTT topic escapes"
"$CLI" -r "$capture" -T fields -e mqtt.topic | grep -qxF 'sensors/tab\there-cr\rlf\nnul' \
  || fail "-T fields: tab, CR and LF escaped"

# A pcapng packet naming an interface its section does not describe.
python3 - "$dir/bad-interface.pcapng" <<'PY'
import struct, sys
def block(kind, body):
    body += b'\0' * (-len(body) % 4)
    return struct.pack('<II', kind, len(body) + 12) + body + struct.pack('<I', len(body) + 12)
shb = block(0x0a0d0d0a, struct.pack('<IHHq', 0x1a2b3c4d, 1, 0, -1))
idb = block(1, struct.pack('<HHI', 1, 0, 0))
epb = lambda iface: block(6, struct.pack('<IIIII', iface, 0, 0, 60, 60) + bytes(60))
open(sys.argv[1], 'wb').write(shb + idb + idb + epb(0) + epb(1) + epb(2))
PY
"$CLI" -r "$dir/bad-interface.pcapng" > /dev/null 2> "$dir/err"
rc=$?
[ "$rc" = 2 ] || fail "damaged pcapng: exit code $rc"
grep -qF "names interface 2, but its section describes only 2 interfaces (numbers 0 to 1)" "$dir/err" \
  || fail "interface count: $(cat "$dir/err")"
grep -qF "after frame 2 (" "$dir/err" || fail "frames before the damage: $(cat "$dir/err")"
echo "ok: $frames frames; JSON, ek, summary, -V, -x and fields are clean"
