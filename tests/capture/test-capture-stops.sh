#!/usr/bin/env bash
# Stop conditions (-c, -a packets/duration/filesize), the ring buffer
# (-b filesize/files), live -Y and -T output, several interfaces at once.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib-capture.sh"

PORT=$(free_port)
SENDER_PID=
start_traffic() { # a steady UDP stream on PORT until stop_traffic
    python3 "$HERE/udp-sender.py" "$PORT" 1000000 0 "${1:-2000}" >/dev/null &
    SENDER_PID=$!; PIDS+=($SENDER_PID)
}
stop_traffic() { kill "$SENDER_PID" 2>/dev/null; wait "$SENDER_PID" 2>/dev/null; forget "$SENDER_PID"; }
frames() { pcap_records "$1" | cut -d' ' -f1; }

start_traffic
# -c N and -a packets:N stop at exactly N.
timeout 20 "$CLI" -i lo -f "udp port $PORT" -c 25 -w "$T/c.pcap" 2>"$T/err"
check "-c 25 keeps exactly 25 frames" test "$(frames "$T/c.pcap")" = 25
check "-c 25 reports 25" grep -qx "25 packets captured" "$T/err"
timeout 20 "$CLI" -i lo -f "udp port $PORT" -a packets:40 -c 100 -w "$T/a.pcap" 2>/dev/null
check "-a packets:40 (with -c 100) keeps exactly 40" test "$(frames "$T/a.pcap")" = 40
# -c without -w: printed live, then the temporary file is gone.
timeout 20 "$CLI" -i lo -f "udp port $PORT" -c 10 -T fields -e frame.number -e udp.dstport >"$T/c.txt" 2>/dev/null
check "-c 10 prints 10 frames" test "$(wc -l <"$T/c.txt")" = 10
check "live fields are right" test "$(cut -f2 "$T/c.txt" | sort -u)" = "$PORT"

# -a duration:S
elapsed=$(python3 - "$CLI" "$PORT" "$T/d.pcap" <<'PY'
import subprocess, sys, time
start = time.monotonic()
subprocess.run([sys.argv[1], "-i", "lo", "-f", f"udp port {sys.argv[2]}", "-a", "duration:1.5", "-w", sys.argv[3]],
               stderr=subprocess.DEVNULL, timeout=20)
print(f"{time.monotonic() - start:.3f}")
PY
)
check "-a duration:1.5 stops after 1.5 s ($elapsed s)" python3 -c "import sys; sys.exit(not 1.4 < $elapsed < 4)"
check "-a duration keeps the frames" test "$(frames "$T/d.pcap")" -gt 100
# and with no traffic at all
timeout 20 "$CLI" -i lo -f "udp port 9" -a duration:0.5 -q 2>"$T/err"
check "-a duration stops an idle capture" grep -qx "0 packets captured" "$T/err"

# -a filesize:KB (kB = 1000 bytes, as tshark)
timeout 20 "$CLI" -i lo -f "udp port $PORT" -a filesize:20 -w "$T/f.pcap" 2>/dev/null
size=$(stat -c %s "$T/f.pcap")
check "-a filesize:20 stops at 20 kB ($size bytes)" test "$size" -ge 20000 -a "$size" -lt 22000

# -b filesize:KB -b files:N
stop_traffic; start_traffic 4000
timeout 20 "$CLI" -i lo -f "udp port $PORT" -w "$T/ring.pcap" -b filesize:10 -b files:3 -a duration:2 2>"$T/ring.err"
mapfile -t ring < <(ls "$T"/ring_*.pcap 2>/dev/null)
check "-b files:3 leaves 3 files (${#ring[@]})" test "${#ring[@]}" = 3
total=0; good=1
for f in "${ring[@]}"; do
    [[ $(basename "$f") =~ ^ring_[0-9]{5}_[0-9]{14}\.pcap$ ]] || { good=0; echo "bad name $f"; }
    n=$(frames "$f"); total=$((total + n))
    s=$(stat -c %s "$f")
    [ "$n" -gt 0 ] || good=0
    "$CLI" -r "$f" -q >/dev/null 2>&1 || { good=0; echo "unreadable $f"; }
    [ "$f" = "${ring[-1]}" ] || [ "$s" -ge 10000 ] || { good=0; echo "$f only $s bytes"; }
done
check "ring files are named as dumpcap names them, readable, switched at 10 kB" test "$good" = 1
first=$(basename "${ring[0]}" | cut -d_ -f2)
check "the oldest files were deleted (first kept is number $first)" test "$((10#$first))" -gt 1
stop_traffic

# Live -Y and -T: only matching frames, with the display filter applied per frame.
ping -i 0.1 -c 200 127.0.0.1 >/dev/null &
PING=$!; PIDS+=($PING)
timeout 20 "$CLI" -i lo -f icmp -c 20 -Y 'icmp.type == 8' -T fields -e icmp.type -e icmp.seq >"$T/y.txt" 2>/dev/null
check "-Y shows only echo requests" test "$(cut -f1 "$T/y.txt" | sort -u)" = 8
check "-Y with -c 20: 10 requests of 20 frames" test "$(wc -l <"$T/y.txt")" = 10
timeout 20 "$CLI" -i lo -f icmp -c 4 -T json >"$T/j.json" 2>/dev/null
check "-T json live is valid JSON with 4 frames" python3 -c "import json,sys; sys.exit(len(json.load(open('$T/j.json'))) != 4)"
timeout 20 "$CLI" -i lo -f icmp -c 2 -V >"$T/v.txt" 2>/dev/null
check "-V live prints trees" grep -q "Internet Control Message Protocol" "$T/v.txt"
kill "$PING" 2>/dev/null; wait "$PING" 2>/dev/null; forget "$PING"

# Two interfaces into one file: lo and a veth in a namespace made here.
NS=iotcap-s-$$
if ip netns add "$NS" 2>/dev/null; then
    NAMESPACES+=("$NS")
    ip -n "$NS" link set lo up
    ip -n "$NS" link add iotcap0 type veth peer name iotcap1
    ip -n "$NS" addr add 10.202.0.1/24 dev iotcap0
    ip -n "$NS" link set iotcap0 up; ip -n "$NS" link set iotcap1 up
    ip netns exec "$NS" "$CLI" -i lo -i iotcap0 -f icmp -w "$T/two.pcap" 2>"$T/two.err" &
    OURS=$!; PIDS+=($OURS)
    wait_for "$T/two.err" "Capturing on 'lo' and 'iotcap0'" || bad "two interfaces: no start"
    ip netns exec "$NS" ping -c 3 -i 0.1 127.0.0.1 >/dev/null 2>&1
    ip netns exec "$NS" ping -c 3 -i 0.1 -W 0.2 10.202.0.9 >/dev/null 2>&1   # unanswered: ARP on iotcap0
    ip netns exec "$NS" ping -c 3 -i 0.1 -I iotcap0 -W 0.2 -r 10.202.0.1 >/dev/null 2>&1
    kill -INT "$OURS"; wait_exit "$OURS" 10
    "$CLI" -r "$T/two.pcap" -T fields -e ip.dst -e arp.dst.proto_ipv4 >"$T/two.txt" 2>/dev/null
    check "two interfaces: frames of lo are in the file" grep -q "^127.0.0.1" "$T/two.txt"
    check "two interfaces: frames of the veth are in the file" grep -q "10.202.0" "$T/two.txt"
else
    echo "skip two-interface check: cannot create a namespace"
fi
finish
