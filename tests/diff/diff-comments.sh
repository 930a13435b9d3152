#!/usr/bin/env bash
# Packet comments against tshark on tests/captures/comments.pcapng: the
# "Packet comments" rows of -V (comment, expert item and its children) line
# for line, frame.comment with -T fields, and filters on it.
set -u
cli=${IOTSCOPE_CLI:?}
cd "${IOTSCOPE_SOURCE_ROOT:?}"
command -v tshark >/dev/null || { echo "tshark is not installed: skipped"; exit 77; }
export TZ=UTC
capture=tests/captures/comments.pcapng
failed=0

# The comment rows of each frame: from "Packet comments" to the Frame row.
comment_rows() {
  awk '/^Packet comments/ { keep = 1 } /^Frame [0-9]+:/ { if (keep) print "Frame " $2; keep = 0 } keep'
}
theirs=$(tshark -2 -r "$capture" -V 2>/dev/null | comment_rows)
ours=$("$cli" -r "$capture" -V 2>/dev/null | comment_rows)
rows=$(printf '%s\n' "$theirs" | grep -vc '^Frame ')
if [ "$theirs" != "$ours" ] || [ "$rows" -lt 10 ]; then
  failed=$((failed + 1))
  echo "DIFF -V comment rows ($rows rows)"
  diff <(printf '%s\n' "$theirs") <(printf '%s\n' "$ours") | head -20
fi

fields=(-T fields -E occurrence=a -E aggregator=, -e frame.number -e frame.comment -e frame.marked -e frame.ignored)
theirs=$(tshark -2 -r "$capture" "${fields[@]}" 2>/dev/null)
ours=$("$cli" -r "$capture" "${fields[@]}" 2>/dev/null)
if [ "$theirs" != "$ours" ]; then
  failed=$((failed + 1))
  echo "DIFF -T fields"
  diff <(printf '%s\n' "$theirs") <(printf '%s\n' "$ours") | head -20
fi

n_filters=0
for filter in 'frame.comment' '!frame.comment' 'frame.comment contains "QoS"' \
              'frame.comment matches "(?i)température"' 'frame.comment == "last frame"' \
              'frame.comment && mqtt' 'frame.marked' '!frame.ignored'; do
  n_filters=$((n_filters + 1))
  theirs=$(tshark -2 -r "$capture" -Y "$filter" -T fields -e frame.number 2>/dev/null | tr '\n' ' ')
  ours=$("$cli" -r "$capture" -Y "$filter" -T fields -e frame.number 2>/dev/null | tr '\n' ' ')
  if [ "$theirs" != "$ours" ]; then
    failed=$((failed + 1))
    echo "DIFF filter $filter: tshark [$theirs] iotscope [$ours]"
  fi
done

# Saving keeps the comments: pcapng written by iotscope, read by tshark.
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$cli" -r "$capture" -w "$out/saved.pcapng" 2>/dev/null
theirs=$(tshark -r "$capture" -T fields -e frame.number -e frame.comment 2>/dev/null)
saved=$(tshark -r "$out/saved.pcapng" -T fields -e frame.number -e frame.comment 2>/dev/null)
if [ "$theirs" != "$saved" ]; then
  failed=$((failed + 1))
  echo "DIFF comments after saving as pcapng"
  diff <(printf '%s\n' "$theirs") <(printf '%s\n' "$saved") | head -10
fi
echo "comment rows compared: $rows, filters: $n_filters, differing checks: $failed"
[ "$failed" -eq 0 ]
