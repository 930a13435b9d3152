#!/bin/bash
# test-shrink.sh — a capture truncated while iotscope-cli reads it ends like
# a damaged file: the frames before the cut are printed (exactly as from the
# whole file), then a message names the cut, and the exit code is 2.  No
# SIGBUS, whichever pass the cut meets.
#
# The CLI writes into a FIFO that the test stops reading: once its first
# line arrives, indexing and the first pass are over, and the print pass
# cannot get far past what the test has read (the pipe and the CLI's own
# buffers fill), so cutting the file then lands at a known place in the
# print pass.  The last case has a real `tcpdump -w` reuse the file name.
set -u

CLI=${IOTSCOPE_CLI:?}
dir=$(mktemp -d /tmp/file-output-shrink.XXXXXX)
tcpdump_pid=
cleanup () {
  [ -n "$tcpdump_pid" ] && kill "$tcpdump_pid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
fail () { echo "FAIL: $*" >&2; exit 1; }

# $1 frames of 100 captured bytes: Ethernet + IPv4 + UDP, 127.0.0.1 → itself.
python3 - "$dir/whole.pcap" 200000 <<'EOF'
import struct, sys
path, n = sys.argv[1], int(sys.argv[2])
payload = bytes(58)
udp = struct.pack('>HHHH', 40000, 47613, 8 + len(payload), 0) + payload
ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                 bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1])) + udp
frame = bytes(6) + bytes(6) + b'\x08\x00' + ip
assert len(frame) == 100
with open(path, 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
    for i in range(n):
        f.write(struct.pack('<IIII', 1700000000 + i // 1000, (i % 1000) * 1000, 100, 100))
        f.write(frame)
EOF
"$CLI" -r "$dir/whole.pcap" > "$dir/whole.txt" || fail "the whole file does not read"
[ "$(wc -l < "$dir/whole.txt")" = 200000 ] || fail "the whole file has not 200000 frames"

frame_end () { echo $((24 + $1 * 116)); }

# Starts the CLI on a copy of the file, writing to a FIFO; returns once its
# first line has arrived (kept in $dir/out).  $1: IOTSCOPE_THREADS.
start_reader () {
  cp "$dir/whole.pcap" "$dir/read.pcap"
  rm -f "$dir/fifo"
  mkfifo "$dir/fifo"
  IOTSCOPE_THREADS=$1 "$CLI" -r "$dir/read.pcap" > "$dir/fifo" 2> "$dir/err" &
  reader_pid=$!
  exec 3< "$dir/fifo"
  IFS= read -r line <&3 || fail "no output"
  printf '%s\n' "$line" > "$dir/out"
}

# Reads the rest of the output and checks how the run ended.  $1: the
# number of frames that must have been printed, or "any".
finish_reader () {
  cat <&3 >> "$dir/out"
  exec 3<&-
  wait "$reader_pid"
  rc=$?
  lines=$(wc -l < "$dir/out")
  [ "$rc" = 2 ] || fail "exit code $rc, expected 2 ($(cat "$dir/err"))"
  grep -q "shrank" "$dir/err" || fail "no message about the shrink: $(cat "$dir/err")"
  grep -q "after frame $lines " "$dir/err" || fail "$lines frames printed, but: $(cat "$dir/err")"
  [ "$1" = any ] || [ "$lines" = "$1" ] || fail "$lines frames printed, expected $1"
  head -n "$lines" "$dir/whole.txt" | cmp -s - "$dir/out" || fail "the frames printed differ from the whole file's"
  echo "ok: $lines frames, then: $(cat "$dir/err")"
}

# One thread: the cut falls inside frame 5001's bytes.
start_reader 1
truncate -s $(( $(frame_end 5000) + 60 )) "$dir/read.pcap"
finish_reader 5000

# Several threads: they run at most 64 chunks of 2048 frames ahead of what
# is written, so frame 150000 is read only after the cut.
start_reader 4
truncate -s $(( $(frame_end 150000) + 10 )) "$dir/read.pcap"
finish_reader 150000

# Cut to nothing: nothing more is printed.
start_reader 1
truncate -s 0 "$dir/read.pcap"
finish_reader any

# The file is cut between indexing and the first pass... or anywhere: -q
# prints nothing, but the lost frames are still reported.
cp "$dir/whole.pcap" "$dir/read.pcap"
( sleep 0.05; truncate -s $(( $(frame_end 100) )) "$dir/read.pcap" ) &
cutter=$!
"$CLI" -r "$dir/read.pcap" -q -z io,phs > /dev/null 2> "$dir/err"
rc=$?
wait "$cutter"
case $rc in
  0) grep -q . "$dir/err" && fail "exit 0 with a message: $(cat "$dir/err")" ;;   # read before the cut
  2) grep -q "shrank" "$dir/err" || fail "-q: no message about the shrink: $(cat "$dir/err")" ;;
  *) fail "-q: exit code $rc" ;;
esac
echo "ok: -q ended with $rc"

# A real tcpdump -w reuses the name of the file being read: it truncates it
# and writes its own capture there.
if ! command -v tcpdump > /dev/null; then
  echo "tcpdump is missing: the last case is skipped"
  exit 0
fi
start_reader 1
size_before=$(stat -c %s "$dir/read.pcap")
tcpdump -i lo -U -n -w "$dir/read.pcap" udp port 47613 2> "$dir/tcpdump.err" &
tcpdump_pid=$!
for _ in $(seq 100); do
  [ "$(stat -c %s "$dir/read.pcap")" -lt "$size_before" ] && break
  sleep 0.1
done
[ "$(stat -c %s "$dir/read.pcap")" -lt "$size_before" ] || fail "tcpdump did not take the file over"
grep -q "listening on lo" "$dir/tcpdump.err" || sleep 1
python3 - <<'EOF'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(5):
    s.sendto(b'file-output shrink %d' % i, ('127.0.0.1', 47613))
EOF
for _ in $(seq 50); do
  [ "$(stat -c %s "$dir/read.pcap")" -gt 24 ] && break
  sleep 0.1
done
kill -INT "$tcpdump_pid"
wait "$tcpdump_pid"
tcpdump_pid=
[ "$(tcpdump -r "$dir/read.pcap" -n 2>/dev/null | wc -l)" -ge 1 ] || fail "tcpdump captured nothing"
finish_reader any
[ "$lines" -lt 200000 ] || fail "every frame was printed although tcpdump replaced the file"
