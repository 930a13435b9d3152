#!/usr/bin/env bash
# kill -9 during a busy capture leaves a readable capture file: every
# record but at most one cut short at the very end.
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
    sleep "0.$((3 + round * 2))"
    kill -KILL "$OURS"; wait "$OURS" 2>/dev/null; forget "$OURS"
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
