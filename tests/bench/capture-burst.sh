#!/usr/bin/env bash
# capture-burst.sh — a bounded loopback UDP burst (BURST_PACKETS datagrams,
# default 500000, as fast as one sender can go) while capturing it with
# iotscope-cli (through iotscope-capture), then the same burst under
# tcpdump --immediate-mode and tshark.  Reports sent, captured (kept) and
# kernel drops for each, with libpcap's default 2 MiB buffer and with
# -B BURST_BUFFER_MIB (default 64); then printing while capturing (-P):
# iotscope-cli -P and tshark -P, each also without -P for comparison.
# Run it several times: on a shared machine the figures vary from run to
# run; it prints them and asserts nothing.
#
# Then the window (under Xvfb, when xvfb-run and the app are there)
# capturing the same burst, and a paced stream of BURST_RATE packets/s
# (default 20000): what it captured, the drops its status bar shows, and
# the worst interval the GTK main loop was held up (and how much of it the
# main thread itself ran: the rest is waiting for a CPU the sender and the
# capture program keep busy).  A short warm-up first fills the visible page
# of the packet list, whose one-time cost of creating row widgets would
# else be counted.
#
# Needs root.  Environment: BURST_PARTS (cli, window or cli,window, the
# default), IOTSCOPE_CLI (default build/src/cli/iotscope-cli),
# IOTSCOPE_APP (default build/src/app/iotscope), BURST_PACKETS, BURST_SIZE
# (UDP payload bytes, default 100), BURST_BUFFER_MIB.
#
# Note: on lo (MTU 65536) libpcap's immediate mode uses TPACKET_V2 rings
# with one 64 KiB slot per packet, so 2 MiB holds only ~30 packets; and
# lo delivers each packet twice to the ring (outgoing + incoming, libpcap
# drops the outgoing copy), so kernel drop counts include both copies.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CLI=${IOTSCOPE_CLI:-build/src/cli/iotscope-cli}
case $CLI in /*) ;; *) CLI=$ROOT/$CLI ;; esac
APP=${IOTSCOPE_APP:-build/src/app/iotscope}
case $APP in /*) ;; *) APP=$ROOT/$APP ;; esac
PACKETS=${BURST_PACKETS:-500000}
RATE=${BURST_RATE:-20000}
SIZE=${BURST_SIZE:-100}
BIG=${BURST_BUFFER_MIB:-64}

die() { echo "capture-burst: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root (live capture)"
[ -x "$CLI" ] || die "iotscope-cli not found at $CLI (build it, or set IOTSCOPE_CLI)"
command -v tcpdump >/dev/null || die "tcpdump is missing (apt-get install tcpdump)"
command -v cc >/dev/null || die "a C compiler is needed for the sender"

T=$(mktemp -d /tmp/iotscope-burst.XXXXXX)
CAP=
cleanup() { [ -n "$CAP" ] && kill -KILL "$CAP" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
cc -O2 -o "$T/udp-burst" "$HERE/udp-burst.c"
PORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
FILTER="udp dst port $PORT"

wait_for() { for _ in $(seq 1 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done; die "no \"$2\" in $1"; }
records() { python3 "$ROOT/tests/capture/pcap-tool.py" records "$1" | cut -d' ' -f1; }

# run NAME COMMAND...: capture during one burst; prints one result row.
run() {
    local name=$1; shift
    rm -f "$T/out.pcap"
    "$@" >/dev/null 2>"$T/err" &
    CAP=$!
    wait_for "$T/err" "Capturing on\|listening on"
    read -r sent secs < <("$T/udp-burst" "$PORT" "$PACKETS" "$SIZE")
    # (printing may still be catching up: it has up to a minute)
    sleep 1
    kill -INT "$CAP"
    for _ in $(seq 1 600); do kill -0 "$CAP" 2>/dev/null || break; sleep 0.1; done
    wait "$CAP" || true; CAP=
    local captured dropped
    captured=$(records "$T/out.pcap")
    case $name in
        iotscope*) dropped=$(sed -n 's/^\([0-9]*\) packets\? dropped by the kernel.*/\1/p' "$T/err") ;;
        tcpdump*)  dropped=$(sed -n 's/^\([0-9]*\) packets\? dropped by kernel.*/\1/p' "$T/err") ;;
        tshark*)   dropped=$(sed -n 's/^\([0-9]*\) packets\? dropped from.*/\1/p' "$T/err" | head -1) ;;
    esac
    printf "%-32s %9s %9s %9s %8.1f%% %8s\n" "$name" "$sent" "$captured" "${dropped:-0}" \
        "$(python3 -c "print(100.0 * $captured / $sent)")" "$(python3 -c "print(int($sent / $secs))")"
}

echo "burst: $PACKETS UDP datagrams of $SIZE bytes to 127.0.0.1:$PORT; $(nproc) CPUs"
printf "%-32s %9s %9s %9s %9s %8s\n" "capture" "sent" "captured" "k.drops" "kept" "pkt/s"
PARTS=${BURST_PARTS:-cli,window}
if [[ ,$PARTS, == *,cli,* ]]; then
run "iotscope-cli (-B 2)"      "$CLI" -i lo -f "$FILTER" -w "$T/out.pcap" -B 2
run "tcpdump (-B 2 MiB)"       tcpdump -i lo --immediate-mode -f "$FILTER" -w "$T/out.pcap" -B 2048
run "iotscope-cli (-B $BIG)"   "$CLI" -i lo -f "$FILTER" -w "$T/out.pcap" -B "$BIG"
run "tcpdump (-B $BIG MiB)"    tcpdump -i lo --immediate-mode -f "$FILTER" -w "$T/out.pcap" -B $((BIG * 1024))
run "iotscope-cli -T fields (-B $BIG)" "$CLI" -i lo -f "$FILTER" -w "$T/out.pcap" -P -T fields -e frame.number -e udp.length -B "$BIG"
# Printing while capturing: summary lines, as one would watch them.
run "iotscope-cli -P (-B 2)"     "$CLI" -i lo -f "$FILTER" -w "$T/out.pcap" -P -B 2
run "tshark -P (-B 2)"           tshark -i lo -f "$FILTER" -F pcap -w "$T/out.pcap" -P -B 2
run "tshark -w (-B 2)"           tshark -i lo -f "$FILTER" -F pcap -w "$T/out.pcap" -B 2
run "iotscope-cli -P (-B $BIG)"  "$CLI" -i lo -f "$FILTER" -w "$T/out.pcap" -P -B "$BIG"
run "tshark -P (-B $BIG)"        tshark -i lo -f "$FILTER" -F pcap -w "$T/out.pcap" -P -B "$BIG"
fi

# The window: --capture with --measure prints what it captured, the drops
# and the worst main-loop gap once the capture has stopped.
gui() {
    local warmup=$1 rate=${2:-} log=$T/gui.log
    if ! command -v xvfb-run >/dev/null || [ ! -x "$APP" ]; then
        echo "window: skipped (needs xvfb-run and $APP)"
        return
    fi
    GSK_RENDERER=cairo GSETTINGS_SCHEMA_DIR=$(dirname "$APP") \
        xvfb-run -a "$APP" --capture lo --capture-filter "$FILTER" \
        --capture-seconds $(( PACKETS / ${rate:-20000} + 8 )) --measure \
        >"$log" 2>&1 &
    CAP=$!
    wait_for "$log" "capturing on"
    sleep 1.5
    [ "$warmup" = 0 ] || "$T/udp-burst" "$PORT" "$warmup" "$SIZE" >/dev/null
    sleep 1
    read -r sent secs < <("$T/udp-burst" "$PORT" "$PACKETS" "$SIZE" $rate)
    wait "$CAP" || true; CAP=
    local frames gap drops
    frames=$(sed -n 's/^iotscope: measure: frames \([0-9]*\).*/\1/p' "$log")
    drops=$(sed -n 's/^iotscope: measure: dropped \([0-9]*\).*/\1/p' "$log")
    gap=$(sed -n 's/^iotscope: measure: worst main-loop gap //p' "$log")
    long=$(sed -n 's/^iotscope: measure: main-loop gaps over 50 ms: //p' "$log")
    printf "%-32s %9s %9s %9s %8.1f%% %8s   worst main-loop gap %s\n" "window (warm-up $warmup)" \
        "$sent" "$((frames - warmup))" "${drops:--}" "$(python3 -c "print(100.0 * ($frames - $warmup) / $sent)")" \
        "$(python3 -c "print(int($sent / $secs))")" "$gap"
    echo "    gaps over 50 ms: $long"
}
if [[ ,$PARTS, == *,window,* ]]; then
    gui 0
    gui 200
    gui 200 "$RATE"
fi
