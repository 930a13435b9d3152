#!/usr/bin/env bash
# Input that is not a plain capture file: a live tcpdump stream piped into
# -r - (in a network namespace of the test's own), a FIFO, gzip-compressed
# pcap and pcapng, a damaged gzip stream and a directory.  The frames must be
# exactly those tshark reads from the same bytes.
set -u
cli=${IOTSCOPE_CLI:?}
cd "${IOTSCOPE_SOURCE_ROOT:?}"
export TZ=UTC
failures=0
tmp=$(mktemp -d)
ns=iotscope-pipe-$$
cleanup () { ip netns del "$ns" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

check () {   # check NAME OURS-FILE THEIRS-FILE
  if cmp -s "$2" "$3" && [ -s "$2" ]; then echo "ok   $1"; else
    echo "FAIL $1"; diff "$2" "$3" | head -5; failures=$((failures + 1)); fi
}
expect_error () {   # expect_error NAME TEXT ARGS...: exit 2 and TEXT on stderr
  local name=$1 text=$2 err rc
  shift 2
  err=$("$cli" "$@" 2>&1 >/dev/null); rc=$?
  if [ "$rc" = 2 ] && [[ "$err" == *"$text"* ]]; then echo "ok   $name"; else
    echo "FAIL $name: exit $rc, stderr: $err"; failures=$((failures + 1)); fi
}

# 1. tcpdump -w - | iotscope-cli -r -, on a live namespace.
fields=(-e frame.number -e frame.time_relative -e ip.src -e ip.dst -e _ws.col.Protocol -e frame.len
        -e icmp.type -e icmp.seq -e icmp.ident)
if [ "$(id -u)" = 0 ] && command -v tcpdump >/dev/null && ip netns add "$ns" 2>/dev/null; then
  ip -n "$ns" link set lo up
  ( sleep 1; ip netns exec "$ns" ping -c 6 -i 0.1 127.0.0.1 >/dev/null ) &
  ip netns exec "$ns" tcpdump -U -c 12 -i lo -w - icmp 2>/dev/null \
    | tee "$tmp/live.pcap" | "$cli" -r - -T fields "${fields[@]}" >"$tmp/ours" 2>"$tmp/err"
  wait
  # Frames from a pipe are printed as they arrive, each with what came
  # before it (no "reply in" look-ahead): the fields of every frame are
  # tshark's.
  if command -v tshark >/dev/null; then
    tshark -2 -r "$tmp/live.pcap" -T fields "${fields[@]}" >"$tmp/theirs" 2>/dev/null
    check "tcpdump -w - | -r -: same 12 frames as tshark" "$tmp/ours" "$tmp/theirs"
  fi
  n=$(wc -l <"$tmp/ours")
  if [ "$n" = 12 ]; then echo "ok   live pipe: 12 frames"; else
    echo "FAIL live pipe: $n frames"; cat "$tmp/err"; failures=$((failures + 1)); fi
else
  echo "SKIP: live pipe needs root, tcpdump and network namespaces"
fi

# 2. A FIFO and standard input.
"$cli" -r tests/captures/coap.pcap >"$tmp/direct"
mkfifo "$tmp/fifo"
cat tests/captures/coap.pcap >"$tmp/fifo" &
"$cli" -r "$tmp/fifo" >"$tmp/fromfifo"
wait
check "FIFO" "$tmp/fromfifo" "$tmp/direct"
"$cli" -r - <tests/captures/coap.pcap >"$tmp/fromstdin"
check "standard input" "$tmp/fromstdin" "$tmp/direct"

# 3. gzip-compressed pcap and pcapng, from a file and from a pipe.
for capture in tests/captures/mqtt5.pcap tests/captures/multi-link.pcapng; do
  name=$(basename "$capture")
  gzip -c "$capture" >"$tmp/$name.gz"
  "$cli" -r "$capture" -V >"$tmp/plain"
  "$cli" -r "$tmp/$name.gz" -V >"$tmp/gz"
  check "$name.gz: the same tree as $name" "$tmp/gz" "$tmp/plain"
  gzip -c "$capture" | "$cli" -r - -V >"$tmp/gzpipe"
  check "$name.gz through a pipe" "$tmp/gzpipe" "$tmp/plain"
done

# 4. What cannot be read says what and where.
head -c 200 "$tmp/mqtt5.pcap.gz" >"$tmp/cut.pcap.gz"
expect_error "a cut gzip stream" "cut.pcap.gz: the gzip-compressed data is cut short or damaged" -r "$tmp/cut.pcap.gz"
expect_error "a directory" "is a directory, not a capture file" -r "$tmp"
expect_error "empty standard input" "standard input" -r - </dev/null

[ "$failures" -eq 0 ]
