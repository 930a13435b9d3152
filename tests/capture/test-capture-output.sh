#!/usr/bin/env bash
# What a live capture leaves behind, and printing that keeps up:
#  - -w x.pcapng (or -F pcapng) writes pcapng that tshark reads, with the
#    same frames as a pcap capture of the same traffic would have;
#  - -P with pcapng says clearly that it cannot print;
#  - without -w, no temporary file is left after a clean stop (SIGINT,
#    -a duration, -c) nor after an error;
#  - a burst with -P (print while capturing) keeps as much as the same
#    burst without -P: printing reads the file behind the capture program
#    and never slows it.  The figures are printed; the floor is loose,
#    as the machine may be busy.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib-capture.sh"

BURST=${IOTSCOPE_UDP_BURST:?IOTSCOPE_UDP_BURST must name the udp-burst program}
PORT=$(free_port)
frames() { pcap_records "$1" | cut -d' ' -f1; }

# ---- pcapng ----------------------------------------------------------------------
capture_ng() { # capture_ng FILE ARGS...: 100 datagrams of varied sizes into FILE
    local file=$1; shift
    "$CLI" -i lo -f "udp dst port $PORT" -w "$file" "$@" 2>"$T/err" &
    local pid=$!; PIDS+=("$pid")
    wait_for "$T/err" "Capturing on" || return 1
    python3 "$HERE/udp-sender.py" "$PORT" 100 0 1000 >/dev/null
    sleep 0.3
    kill -INT "$pid"; wait_exit "$pid" 10
}
capture_ng "$T/x.pcapng"
check "-w x.pcapng exits 0" test $? = 0
check "-w x.pcapng starts with a pcapng Section Header Block" \
    test "$(head -c 4 "$T/x.pcapng" | od -An -tx1 | tr -d ' \n')" = 0a0d0d0a
check "tshark reads it as pcapng" grep -q 'Wireshark/... - pcapng' <(capinfos -t "$T/x.pcapng")
check "tshark finds the 100 datagrams" test "$(tshark -r "$T/x.pcapng" 2>/dev/null | wc -l)" = 100
fields=(-T fields -e frame.number -e frame.len -e frame.cap_len -e frame.time_epoch -e ip.src -e udp.dstport
        -e udp.length -e data.data)
"$CLI" -r "$T/x.pcapng" "${fields[@]}" >"$T/ours.txt" 2>/dev/null
tshark -r "$T/x.pcapng" "${fields[@]}" >"$T/tshark.txt" 2>/dev/null
check "iotscope-cli and tshark agree on the pcapng file (frame times to the ns)" cmp -s "$T/ours.txt" "$T/tshark.txt"
check "the interface is named in the file" \
    test "$(tshark -r "$T/x.pcapng" -T fields -e frame.interface_name -c 1 2>/dev/null)" = lo
capture_ng "$T/f.pcap" -F pcapng
check "-F pcapng -w f.pcap writes pcapng" grep -q 'pcapng' <(capinfos -t "$T/f.pcap")
capture_ng "$T/p.pcap"
check "-w p.pcap writes pcap" grep -Eq 'Wireshark/tcpdump/... - (nanosecond )?pcap$' <(capinfos -t "$T/p.pcap")
if timeout 10 "$CLI" -i lo -P -w "$T/no.pcapng" -a duration:0.2 >/dev/null 2>"$T/err"; then
    bad "-P with pcapng: accepted"
else
    check "-P with pcapng says it can't print while writing pcapng" grep -q "can't print packets while writing a pcapng" "$T/err"
fi

# ---- no temporary file left -----------------------------------------------------------
mkdir -p "$T/tmp"
export TMPDIR=$T/tmp
"$CLI" -i lo -f "udp dst port $PORT" -q 2>"$T/err" &
pid=$!; PIDS+=("$pid")
wait_for "$T/err" "Capturing on"
python3 "$HERE/udp-sender.py" "$PORT" 20 0 1000 >/dev/null
check "while capturing without -w: one temporary file" test "$(ls "$T/tmp" | wc -l)" = 1
kill -INT "$pid"; wait_exit "$pid" 10
check "SIGINT without -w: no temporary file left" test -z "$(ls "$T/tmp")"
timeout 20 "$CLI" -i lo -f "udp dst port $PORT" -a duration:0.3 >/dev/null 2>&1
check "-a duration without -w: no temporary file left" test -z "$(ls "$T/tmp")"
timeout 20 "$CLI" -i lo -f "tcp and and" >/dev/null 2>&1
check "a filter error: no temporary file left" test -z "$(ls "$T/tmp")"
unset TMPDIR

# ---- a burst with -P --------------------------------------------------------------------
# burst NAME ARGS...: captures one burst; prints "NAME sent kept printed".
N=${BURST_TEST_PACKETS:-100000}
burst() {
    local name=$1; shift
    rm -f "$T/b.pcap"
    "$@" >"$T/b.out" 2>"$T/b.err" &
    local pid=$!; PIDS+=("$pid")
    wait_for "$T/b.err" "Capturing on" || return 1
    read -r sent _ < <("$BURST" "$PORT" "$N" 100)
    sleep 1
    kill -INT "$pid"; wait_exit "$pid" 60
    local kept printed
    kept=$(frames "$T/b.pcap"); printed=$(wc -l <"$T/b.out")
    printf "%-34s sent %7s kept %7s (%5.1f%%) printed %7s\n" "$name" "$sent" "$kept" \
        "$(python3 -c "print(100.0 * $kept / $sent)")" "$printed"
    eval "${name%% *}_kept=$kept; ${name%% *}_printed=$printed; ${name%% *}_sent=$sent"
}
echo "burst of $N UDP datagrams on lo ($(nproc) CPUs, maybe shared: figures are noisy)"
burst "quiet iotscope-cli -w (-B 64)" "$CLI" -i lo -f "udp dst port $PORT" -B 64 -w "$T/b.pcap"
burst "print iotscope-cli -P -w (-B 64)" "$CLI" -i lo -f "udp dst port $PORT" -B 64 -w "$T/b.pcap" -P \
    -T fields -e frame.number -e udp.length
burst "tshark tshark -P -w (-B 64)" tshark -i lo -f "udp dst port $PORT" -B 64 -F pcap -w "$T/b.pcap" -P \
    -T fields -e frame.number -e udp.length
check "-P printed every frame it captured ($print_printed of $print_kept)" test "$print_printed" = "$print_kept"
margin=$(( N / 10 ))
check "-P keeps at least as much as without -P, less $margin ($print_kept vs $quiet_kept)" \
    test "$print_kept" -ge $(( quiet_kept - margin ))
finish
