#!/bin/bash
# test-first-pass-threads.sh — the first pass on two threads (indexing
# beside it; with -z insight, its listeners, conv and endpoints too, on a
# thread of their own, a batch of frames behind it) prints exactly what it prints on
# one (IOTSCOPE_FIRST_PASS_THREADS=1): standard output, standard error and
# exit code, on captures with their options, on a long capture (several
# index steps and many batches), on that capture cut inside a record
# (damage), and on a file that is no capture.
set -uo pipefail
cli=${IOTSCOPE_CLI:?}
root=${IOTSCOPE_SOURCE_ROOT:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
checked=0

# mqtt311.pcap's records again and again, a second further each time:
# 200 000 frames, more than three steps of the index (64k frames).
python3 - "$root/tests/captures/mqtt311.pcap" "$tmp/long.pcap" 200000 <<'EOF'
import struct, sys
src, dst, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(src, 'rb').read()
assert struct.unpack('<I', data[:4])[0] == 0xa1b2c3d4
records, off = [], 24
while off + 16 <= len(data):
    sec, usec, incl, orig = struct.unpack('<IIII', data[off:off + 16])
    records.append((sec, usec, data[off + 16:off + 16 + incl], orig))
    off += 16 + incl
with open(dst, 'wb') as f:
    f.write(data[:24])
    n, rnd = 0, 0
    while n < want:
        for sec, usec, body, orig in records:
            if n == want:
                break
            f.write(struct.pack('<IIII', sec + rnd, usec, len(body), orig) + body)
            n += 1
        rnd += 1
EOF
size=$(stat -c %s "$tmp/long.pcap")
head -c $((size / 2 + 7)) "$tmp/long.pcap" > "$tmp/cut.pcap"
printf 'not a capture at all\n' > "$tmp/garbage.txt"

# run LABEL THREADS FILE ARGS...: output, errors and exit code in $tmp/LABEL.THREADS.
run () {
  local label=$1 threads=$2 file=$3
  shift 3
  IOTSCOPE_FIRST_PASS_THREADS=$threads "$cli" -r "$file" "$@" > "$tmp/$label.$threads" 2>&1
  echo "exit $?" >> "$tmp/$label.$threads"
}

# compare LABEL 1 FILE ARGS...
compare () {
  local label=$1
  run "$@"
  run "$label" 2 "${@:3}"
  checked=$((checked + 1))
  if ! cmp -s "$tmp/$label.1" "$tmp/$label.2"; then
    echo "FAIL: $label: one thread and two differ"
    diff "$tmp/$label.1" "$tmp/$label.2" | head -8
    failed=$((failed + 1))
  fi
}

# The long capture really takes both threads.
IOTSCOPE_TIMING=1 IOTSCOPE_FIRST_PASS_THREADS=2 "$cli" -r "$tmp/long.pcap" -q -z insight 2> "$tmp/timing" > /dev/null
grep -q "indexing beside the first pass" "$tmp/timing" || { echo "FAIL: indexing did not run beside the pass"; cat "$tmp/timing"; failed=$((failed + 1)); }
grep -q "first-pass listeners: on a thread of their own" "$tmp/timing" || { echo "FAIL: the listeners did not get a thread"; cat "$tmp/timing"; failed=$((failed + 1)); }
IOTSCOPE_TIMING=1 IOTSCOPE_FIRST_PASS_THREADS=1 "$cli" -r "$tmp/long.pcap" -q -z insight 2> "$tmp/timing" > /dev/null
grep -q "first-pass listeners: on the pass's thread" "$tmp/timing" || { echo "FAIL: IOTSCOPE_FIRST_PASS_THREADS=1 kept a second thread"; cat "$tmp/timing"; failed=$((failed + 1)); }

argsets=("-q -z insight" "-q -z conv,tcp -z endpoints,ip" "-q -z insight -z conv,udp" "-q -z io,phs" "-c 7" ""
         "-z conv,tcp -z endpoints,ip")
for file in long cut; do
  for i in "${!argsets[@]}"; do
    # shellcheck disable=SC2086
    compare "$file-$i" 1 "$tmp/$file.pcap" ${argsets[$i]}
  done
done
compare garbage 1 "$tmp/garbage.txt" -q -z insight
# -N nd: names from the DNS answers seen so far; the listeners stay on the pass's thread.
compare dns-names 1 "$root/tests/captures/dns.pcap" -q -z insight -N nd

cd "$root/tests/captures"
for cap in mqtt311.pcap mqtt5-alias.pcap mqtt-retrans-sender.pcap coap-lossy.pcap wpan-tap.pcap zigbee-join.pcap \
           tls13.pcap https-dsb.pcapng broken-tail.pcap truncated-snaplen.pcap dns.pcap ble-extadv.pcap \
           wifi-wpa2.pcap; do
  opts=()
  if [ -f "${cap%.*}.opts" ]; then
    while read -r line; do
      case "$line" in ''|\#*) continue;; esac
      eval "opts+=($line)"
    done < "${cap%.*}.opts"
  fi
  for i in 0 1 2; do
    # shellcheck disable=SC2086
    compare "$cap-$i" 1 "$cap" "${opts[@]}" ${argsets[$i]}
  done
done

echo "$checked comparisons, $failed differing"
[ "$failed" = 0 ]
