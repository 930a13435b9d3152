#!/usr/bin/env bash
# -r - prints frames as they arrive: a writer sends a pcap stream one frame
# every 0.4 s; the first line must come out well before the writer ends,
# and in the end every frame must be there, as read from the file.
set -u
cli=${IOTSCOPE_CLI:?}
cd "${IOTSCOPE_SOURCE_ROOT:?}"
export TZ=UTC
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
capture=tests/captures/coap.pcap

# The writer: the pcap header, then one record at a time, flushed.
writer() {
  /usr/bin/python3 - "$capture" "$tmp/writer-end" <<'PY'
import struct, sys, time
data = open(sys.argv[1], "rb").read()
out = sys.stdout.buffer
out.write(data[:24]); out.flush()
little = data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1")
pos, frames = 24, 0
while pos + 16 <= len(data) and frames < 6:
    caplen = struct.unpack("<I" if little else ">I", data[pos + 8:pos + 12])[0]
    out.write(data[pos:pos + 16 + caplen]); out.flush()
    pos += 16 + caplen
    frames += 1
    time.sleep(0.4)
open(sys.argv[2], "w").write("%.6f\n" % time.time())
PY
}

writer | "$cli" -r - -l 2>"$tmp/err" | while IFS= read -r line; do
  printf '%s\t%s\n' "$(date +%s.%N)" "$line"
done >"$tmp/lines"

first=$(head -1 "$tmp/lines" | cut -f1)
end=$(cat "$tmp/writer-end")
n=$(wc -l <"$tmp/lines")
if [ "$n" = 6 ]; then echo "ok   6 frames printed"; else
  echo "FAIL $n frames printed"; cat "$tmp/err"; failures=$((failures + 1)); fi
# Six frames 0.4 s apart: the writer runs 2.4 s; the first line must be out
# at least 1.5 s before it ends.
if [ -n "$first" ] && python3 -c "import sys; sys.exit(0 if $end - $first >= 1.5 else 1)"; then
  echo "ok   the first frame came out $(python3 -c "print('%.1f' % ($end - $first))") s before the writer ended"
else
  echo "FAIL the first frame came out at $first, the writer ended at $end"; failures=$((failures + 1))
fi
cut -f2 "$tmp/lines" >"$tmp/ours"
"$cli" -r "$capture" -c 6 >"$tmp/whole"
# CoAP keeps no look-ahead in its summary lines: the frames read as they
# came are the frames read from the file.
if cmp -s "$tmp/ours" "$tmp/whole"; then echo "ok   the same lines as from the file"; else
  echo "FAIL the lines differ from the file's"; diff "$tmp/ours" "$tmp/whole" | head -5
  failures=$((failures + 1)); fi
[ "$failures" -eq 0 ]
