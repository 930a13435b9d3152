#!/usr/bin/env bash
# Ring buffers switched by packets, duration and wall-clock interval
# (-b packets:N, -b duration:S, -b interval:S), -b files:N with them,
# -a files:N, and -w - (the capture on standard output, into -r -), on a
# loopback in a network namespace of the test's own.
set -u
cli=${IOTSCOPE_CLI:?}
[ "$(id -u)" = 0 ] || { echo "needs root for a network namespace: skipped"; exit 77; }
ns=cli20b-rb-$$
ip netns add "$ns" 2>/dev/null || { echo "no network namespaces: skipped"; exit 77; }
T=$(mktemp -d)
cleanup() { kill "${sender:-0}" 2>/dev/null; ip netns del "$ns" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
ip -n "$ns" link set lo up
failures=0
check() { # check NAME COMMAND...
  if "${@:2}"; then echo "ok   $1"; else echo "FAIL $1"; failures=$((failures + 1)); fi
}
in_ns() { ip netns exec "$ns" "$@"; }
# N datagrams to 127.0.0.1:20601, one every GAP seconds (in the namespace).
# The captures that stop after a number of packets get more than they need:
# a slow start (a sanitizer build) must not leave them short.
send() {
  in_ns /usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[1])):
    s.sendto(b"cli20b ring %d" % i, ("127.0.0.1", 20601)); time.sleep(float(sys.argv[2]))
' "$1" "$2" &
  sender=$!
}
frames() { "$cli" -r "$1" -T fields -e frame.number 2>/dev/null | wc -l; }
capture() { # capture NAME ARGS...: capture into $T/NAME.pcap; true when it stopped by itself
  in_ns timeout 20 "$cli" -i lo -f "udp port 20601" -q -w "$T/$1.pcap" "${@:2}" 2>"$T/$1.err"
}

# -b packets:5, stopped by -a packets:17: files of 5, 5, 5 and 2 frames.
send 100 0.02; sleep 0.3
capture packets -b packets:5 -a packets:17
wait "$sender"
counts=$(for f in "$T"/packets_*.pcap; do frames "$f"; done | tr '\n' ' ')
check "-b packets:5 -a packets:17: files of 5 5 5 2 frames ($counts)" test "$counts" = "5 5 5 2 "

# -a files:3 with -b packets:4: three full files, then the capture stops.
send 100 0.02; sleep 0.3
check "-a files:3 stops the capture by itself" capture files -b packets:4 -a files:3
wait "$sender"
counts=$(for f in "$T"/files_*.pcap; do frames "$f"; done | tr '\n' ' ')
check "-a files:3 -b packets:4: 4 4 4 ($counts)" test "$counts" = "4 4 4 "

# -b files:2 keeps the last two files.
send 100 0.02; sleep 0.3
capture keep -b packets:5 -b files:2 -a packets:23
wait "$sender"
mapfile -t kept < <(ls "$T"/keep_*.pcap)
counts=$(for f in "${kept[@]}"; do frames "$f"; done | tr '\n' ' ')
check "-b files:2: the last two files remain (${#kept[@]}: $counts)" test "$counts" = "5 3 "
check "they are files 4 and 5" test "$(basename "${kept[0]}" | cut -d_ -f2)" = 00004

# -b duration:0.5: a new file once 0.5 s have passed (at the next packet).
send 25 0.1; sleep 0.2
capture duration -b duration:0.5 -a duration:2.3
wait "$sender"
n=$(ls "$T"/duration_*.pcap | wc -l)
check "-b duration:0.5 over 2.3 s: 4 or 5 files ($n)" test "$n" -ge 4 -a "$n" -le 5
spans_ok=1
for f in "$T"/duration_*.pcap; do
  "$cli" -r "$f" -T fields -e frame.time_epoch 2>/dev/null >"$T/times"
  python3 -c "
import sys
t = [float(x) for x in open('$T/times')]
sys.exit(0 if t and t[-1] - t[0] < 0.5 else 1)" || spans_ok=0
done
check "-b duration:0.5: no file spans 0.5 s" test "$spans_ok" = 1

# -b interval:1: the files follow the wall clock's seconds.
send 25 0.1; sleep 0.2
capture interval -b interval:1 -a duration:2.3
wait "$sender"
slots_ok=1
for f in "$T"/interval_*.pcap; do
  n=$("$cli" -r "$f" -T fields -e frame.time_epoch 2>/dev/null | cut -d. -f1 | sort -u | wc -l)
  [ "$n" = 1 ] || slots_ok=0
done
n=$(ls "$T"/interval_*.pcap | wc -l)
check "-b interval:1 over 2.3 s: 2 to 4 files ($n), each within one second of the clock" \
  test "$n" -ge 2 -a "$n" -le 4 -a "$slots_ok" = 1

# -w -: pcapng (pcap with -F pcap) on standard output, read by tshark and
# by another iotscope-cli following the pipe.
in_ns timeout 20 "$cli" -i lo -f "udp port 20601" -c 12 -w - 2>/dev/null >"$T/stdout.pcapng" &
capturer=$!
sleep 1; send 12 0.05; wait "$sender"; wait "$capturer"
check "-w -: pcapng" test "$(head -c 4 "$T/stdout.pcapng" | od -An -tx1 | tr -d ' ')" = 0a0d0d0a
check "-w -: tshark reads its 12 frames" test "$(tshark -r "$T/stdout.pcapng" 2>/dev/null | wc -l)" = 12
( in_ns timeout 20 "$cli" -i lo -f "udp port 20601" -c 12 -F pcap -w - 2>/dev/null \
  | "$cli" -r - -T fields -e udp.dstport -e data.data 2>/dev/null >"$T/piped" ) &
capturer=$!
sleep 1; send 12 0.05; wait "$sender"; wait "$capturer"
check "-F pcap -w - | -r -: 12 datagrams to 20601" test "$(grep -c '^20601' "$T/piped")" = 12
check "-P -w - is refused" bash -c "! '$cli' -i lo -P -w - >/dev/null 2>&1"

# A condition the ring needs.
err=$("$cli" -i lo -w "$T/x.pcap" -b packets:0 2>&1 >/dev/null)
check "-b packets:0 is refused" grep -q 'invalid -b "packets:0"' <<<"$err"
[ "$failures" -eq 0 ]
