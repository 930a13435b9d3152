#!/bin/bash
# memory-breakdown.sh — where the per-frame state of `iotscope-cli -q`
# goes: the heap at its peak, grouped by the place in iotscope's own code
# that allocated it, in bytes per frame; and the resident pages of the
# mapped capture next to those of the heap.
#
#   bash tests/bench/memory-breakdown.sh CAPTURE [FRAMES] [-- EXTRA CLI ARGS]
#
# FRAMES (default 100000) frames are cut from the front of CAPTURE with
# editcap first; 0 takes the whole file (a 1M-frame capture takes about a
# minute under valgrind).  Needs valgrind (massif) and editcap.
#
# Heap bytes are what was asked of malloc: an array grown by doubling
# counts its whole capacity, of which only the part written is resident.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
CLI=${CLI:-$ROOT/build/src/cli/iotscope-cli}
CAP=${1:?usage: memory-breakdown.sh CAPTURE [FRAMES] [-- ARGS]}
FRAMES=${2:-100000}
shift $(( $# >= 2 ? 2 : 1 ))
[[ ${1:-} == -- ]] && shift
ARGS=("$@")
[[ ${#ARGS[@]} -gt 0 ]] || ARGS=(-q)
export IOTSCOPE_ALLOW_ROOT=1

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
if [[ $FRAMES != 0 ]]; then
  editcap -r "$CAP" "$TMP/cut.pcap" "1-$FRAMES"
  CAP=$TMP/cut.pcap
fi
N=$(capinfos -c -M "$CAP" | awk -F': *' '/Number of packets/ { print $2 }')

# Resident pages: the mapped capture shows as file pages, the heap as
# anonymous ones; sampled while it runs.
"$CLI" -r "$CAP" "${ARGS[@]}" > /dev/null &
pid=$!
max_anon=0 max_file=0 hwm=0
while s=$(awk '/RssAnon/ { a = $2 } /RssFile/ { f = $2 } /VmHWM/ { h = $2 }
               END { if (h) print a, f, h }' "/proc/$pid/status" 2> /dev/null) && [[ -n $s ]]; do
  read -r a f h <<< "$s"
  (( a > max_anon )) && max_anon=$a
  (( f > max_file )) && max_file=$f
  hwm=$h
  sleep 0.01
done
wait "$pid"

valgrind --tool=massif --massif-out-file="$TMP/massif.out" --threshold=0.1 --depth=14 \
  "$CLI" -r "$CAP" "${ARGS[@]}" > /dev/null 2> "$TMP/valgrind.log"

python3 - "$TMP/massif.out" "$N" "$ROOT" "$max_anon" "$max_file" "$hwm" <<'EOF'
import os, re, sys

path, n, root = sys.argv[1], int(sys.argv[2]), sys.argv[3]
anon, filep, hwm = (int(x) for x in sys.argv[4:7])
ours = set()
for top in ("src", "dissectors"):
    for d, _, files in os.walk(os.path.join(root, top)):
        ours.update(f for f in files if f.endswith(".c"))

snaps, cur = [], None
for line in open(path):
    if line.startswith("snapshot="):
        cur = {"lines": []}
        snaps.append(cur)
    elif cur is not None and line.startswith("mem_heap_B="):
        cur["heap"] = int(line.split("=")[1])
    elif cur is not None and line.startswith("heap_tree="):
        cur["tree"] = line.strip().split("=")[1]
    elif cur is not None and re.match(r"^ *n\d+: ", line):
        cur["lines"].append(line.rstrip("\n"))
peak = next(s for s in snaps if s.get("tree") == "peak")

node = re.compile(r"^( *)n\d+: (\d+) (.*)$")
where = re.compile(r"0x[0-9A-F]+: (\S+) \(([\w.+-]+\.c):(\d+)\)")
totals, claimed = {}, []   # claimed: depth of an ancestor already counted
for line in peak["lines"]:
    m = node.match(line)
    depth, size, desc = len(m.group(1)), int(m.group(2)), m.group(3)
    while claimed and claimed[-1] >= depth:
        claimed.pop()
    w = where.search(desc)
    if claimed or w is None or w.group(2) not in ours:
        continue
    key = "%s (%s:%s)" % (w.group(1), w.group(2), w.group(3))
    totals[key] = totals.get(key, 0) + size
    claimed.append(depth)

print("%d frames; peak heap %.1f MB = %.1f B/frame (asked of malloc)" % (n, peak["heap"] / 1e6, peak["heap"] / n))
print("resident at most: heap (anonymous) %.1f MiB, mapped files %.1f MiB, peak RSS %.1f MiB"
      % (anon / 1024, filep / 1024, hwm / 1024))
print()
print("%10s %8s  %s" % ("bytes", "B/frame", "allocated by"))
rest = peak["heap"]
for key, size in sorted(totals.items(), key=lambda kv: -kv[1]):
    rest -= size
    if size * 1000 >= peak["heap"]:
        print("%10d %8.2f  %s" % (size, size / n, key))
print("%10d %8.2f  %s" % (rest, rest / n, "(smaller places, libraries, start-up)"))
EOF
