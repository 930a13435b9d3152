#!/usr/bin/env bash
# kill -9 during a busy capture leaves a readable capture file: every
# record but at most one cut short at the very end.  Round 1 kills
# iotscope-cli (iotscope-capture, which writes the file, then stops on its
# own and the file is whole); rounds 2 and 3 kill iotscope-capture itself
# (iotscope-cli says so and exits 2).
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib-capture.sh"

PORT=$(free_port)
for round in 1 2 3; do
    out="$T/killed-$round.pcap"
    "$CLI" -i lo -f "udp port $PORT" -w "$out" 2>"$T/ours.err" &
    OURS=$!; PIDS+=($OURS)
    wait_for "$T/ours.err" "Capturing on" || { bad "round $round: no start"; continue; }
    python3 "$HERE/udp-sender.py" "$PORT" 200000 0 40000 >/dev/null &
    SENDER=$!; PIDS+=($SENDER)
    # Busy: records are being written (the first within 5 s on a loaded machine).
    for _ in $(seq 1 50); do [ "$(stat -c %s "$out" 2>/dev/null || echo 0)" -gt 2000 ] && break; sleep 0.1; done
    sleep "0.$((1 + round * 2))"
    WRITER=$(pgrep -P "$OURS" -x iotscope-captur | head -1)
    if [ "$round" = 1 ]; then
        kill -KILL "$OURS"; wait "$OURS" 2>/dev/null; forget "$OURS"
        # The capture program stops when the analyzer's pipe closes.
        for _ in $(seq 1 50); do kill -0 "$WRITER" 2>/dev/null || break; sleep 0.1; done
        check "round 1: iotscope-capture stops when iotscope-cli is killed" bash -c "! kill -0 '$WRITER' 2>/dev/null"
    else
        kill -KILL "$WRITER"
        wait_exit "$OURS" 10; rc=$?
        check "round $round: iotscope-cli exits 2 when iotscope-capture is killed" test "$rc" = 2
        check "round $round: ... and says so" grep -q "was killed (signal 9)" "$T/ours.err"
    fi
    kill "$SENDER" 2>/dev/null; wait "$SENDER" 2>/dev/null; forget "$SENDER"

    if ! read -r complete partial < <(pcap_records "$out"); then
        bad "round $round: the file is damaged beyond its last record"; continue
    fi
    echo "round $round: $complete complete records, $partial bytes of a partial one"
    check "round $round: frames were kept ($complete)" test "$complete" -gt 0
    "$CLI" -r "$out" -T fields -e frame.number -e udp.length >"$T/read.txt" 2>"$T/read.err"; rc=$?
    check "round $round: iotscope-cli -r reads every complete record" test "$(wc -l <"$T/read.txt")" = "$complete"
    if [ "$partial" = 0 ]; then
        check "round $round: a whole file reads without complaint" test "$rc" = 0
    else
        check "round $round: the cut record is reported after frame $complete" \
            grep -q "cut short or damaged after frame $complete " "$T/read.err"
    fi
    n_tshark=$(tshark -r "$out" -T fields -e frame.number 2>/dev/null | wc -l)
    check "round $round: tshark reads as many frames ($n_tshark)" test "$n_tshark" = "$complete"
done
finish
