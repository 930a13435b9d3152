#!/usr/bin/env bash
# Benchmark iotscope-cli against tshark (and a bare libpcap read) on a large
# synthetic IoT capture.  See tests/bench/README.md.
#
# Environment:
#   BENCH_SIZES        the capture sizes, in frames (default "1000000
#                      10000000"): every case runs on each, and a last table
#                      puts each case's cost side by side with its growth
#                      from the first size to the last
#   BENCH_QUICK        1 = only the first size (a quick run: 1M frames)
#   BENCH_FRAMES       one size only (the same as BENCH_SIZES=N)
#   BENCH_WINDOW       1 = also measure the window on each size (default 1
#                      when xvfb-run and the window's binary are there)
#   IOTSCOPE_APP       the window (default build/src/app/iotscope)
#   BENCH_SKIP_TSHARK  1 = do not run tshark
#   BENCH_TIMEOUT      per-command time limit in seconds (default 1800)
#   BENCH_RUNS         runs per tool and case; medians are reported (default 3)
#   IOTSCOPE_CLI       path of iotscope-cli (default build/src/cli/iotscope-cli,
#                      relative to the repository root)
#   TSHARK             tshark binary (default tshark)
#   BENCH_CAPTURES     a directory holding captures generated before, named
#                      as this script names them (iot-N-CKSUM.pcap,
#                      iot-N-CKSUM-one-direction.pcap): used instead of
#                      generating them again (read-only)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
OUT=$SCRIPT_DIR/out
if [[ -n ${BENCH_SIZES:-} ]]; then SIZES=$BENCH_SIZES
elif [[ -n ${BENCH_FRAMES:-} ]]; then SIZES=$BENCH_FRAMES
else SIZES="1000000 10000000"
fi
if [[ ${BENCH_QUICK:-0} == 1 ]]; then SIZES=${SIZES%% *}; fi
FRAMES=${SIZES%% *}
APP=${IOTSCOPE_APP:-build/src/app/iotscope}
case $APP in /*) ;; *) APP=$ROOT/$APP ;; esac
WINDOW=${BENCH_WINDOW:-}
if [[ -z $WINDOW ]]; then
    WINDOW=0
    if [[ -x $APP ]] && command -v xvfb-run >/dev/null; then WINDOW=1; fi
fi
SKIP_TSHARK=${BENCH_SKIP_TSHARK:-0}
TIMEOUT=${BENCH_TIMEOUT:-1800}
TSHARK=${TSHARK:-tshark}
CLI=${IOTSCOPE_CLI:-build/src/cli/iotscope-cli}
case $CLI in /*) ;; *) CLI=$ROOT/$CLI ;; esac

export LC_ALL=C TZ=UTC

die() { echo "run-bench: $*" >&2; exit 1; }

for size in $SIZES; do
    [[ $size =~ ^[1-9][0-9]*$ ]] || die "BENCH_SIZES / BENCH_FRAMES must be positive integers"
done
[[ -x $CLI ]] || die "iotscope-cli not found at $CLI (build it, or set IOTSCOPE_CLI)"
if [[ $SKIP_TSHARK != 1 ]] && ! command -v "$TSHARK" >/dev/null; then
    die "tshark not found (install it, or set BENCH_SKIP_TSHARK=1)"
fi
if [[ ! -x /usr/bin/time ]]; then
    echo "run-bench: /usr/bin/time missing, installing package 'time'" >&2
    if [[ $(id -u) == 0 ]]; then apt-get install -y time >&2 || true
    else sudo apt-get install -y time >&2 || true; fi
    [[ -x /usr/bin/time ]] || die "/usr/bin/time is required (apt-get install time)"
fi


mkdir -p "$OUT"
# The generator's checksum is in the names: a changed generator makes new files.
GEN_ID=$(cksum < "$SCRIPT_DIR/gen-capture.py" | cut -d' ' -f1)
TINY=$OUT/iot-tiny-$GEN_ID.pcap

gen() {  # gen FILE FRAMES [--one-direction]
    local f=$1 n=$2; shift 2
    if [[ -n ${BENCH_CAPTURES:-} && ! -e $f && -s $BENCH_CAPTURES/$(basename "$f") ]]; then
        ln -s "$(cd "$BENCH_CAPTURES" && pwd)/$(basename "$f")" "$f"
    fi
    if [[ ! -s $f ]]; then
        echo "generating $f ($n frames) ..." >&2
        python3 "$SCRIPT_DIR/gen-capture.py" "$n" "$@" --out "$f.tmp"
        mv "$f.tmp" "$f"
    fi
}
gen "$TINY" 300

PCAP_READ=$OUT/pcap-read
if [[ ! -x $PCAP_READ || $SCRIPT_DIR/pcap-read.c -nt $PCAP_READ ]]; then
    cc -O2 -o "$PCAP_READ" "$SCRIPT_DIR/pcap-read.c" -lpcap || die "cannot build pcap-read (libpcap-dev?)"
fi

LOG=$OUT/bench.log
# The outputs kept for a comparison are large (1 GB at 10M frames): gone
# even when the run is interrupted.
trap 'rm -f "$OUT"/.out-iotscope.$$ "$OUT"/.out-tshark.$$ "$OUT"/.time.$$ "$OUT"/.err.$$ "$OUT"/.sum.$$' EXIT
: > "$LOG"
RUNS=${BENCH_RUNS:-3}
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer"

# measure NAME CMD...  -> sets WALL (s), CPU (user + system s of the
# command alone), RSS (KiB), RC and SUM (cksum of the standard output: CRC
# and byte count); logs stderr.  The output goes through cksum on the other
# core instead of to /dev/null, so the two tools' results can be compared
# before any ratio is printed; with KEEP set, it is also written to the
# file KEEP, for a comparison line by line.
measure() {
    local name=$1; shift
    local tv=$OUT/.time.$$ err=$OUT/.err.$$ sum=$OUT/.sum.$$ t0 t1
    echo "== $name: $*" >> "$LOG"
    t0=$(date +%s%N)
    set +e
    bash -c 'set -o pipefail
        if [[ -n $3 ]]; then "${@:4}" | tee "$3" | cksum > "$1"; else "${@:4}" | cksum > "$1"; fi' \
        _ "$sum" "$tv" "${KEEP:-}" /usr/bin/time -v -o "$tv" timeout -k 10 "$TIMEOUT" "$@" 2> "$err"
    RC=$?
    set -e
    t1=$(date +%s%N)
    WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    RSS=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tv" 2>/dev/null)
    RSS=${RSS:-0}
    CPU=$(awk -F': ' '/User time|System time/ { t += $2 } END { printf "%.2f", t }' "$tv" 2>/dev/null)
    SUM=$(cat "$sum" 2>/dev/null || echo "-")
    grep -v 'Running as user "root"' "$err" | head -n 20 >> "$LOG" || true
    echo "   rc=$RC wall=${WALL}s cpu=${CPU}s maxrss=${RSS}KiB output(cksum bytes)=$SUM" >> "$LOG"
    if [[ $RC != 0 ]]; then
        echo "run-bench: '$name' exited with status $RC (see $LOG)" >&2
    fi
    printf '  %-34s %8ss %8ss cpu %8.1f MiB%s\n' "$name" "$WALL" "$CPU" \
        "$(awk -v k="$RSS" 'BEGIN { print k / 1024 }')" "$([[ $RC == 0 ]] || echo "  (exit $RC)")" >&2
    rm -f "$tv" "$err" "$sum"
}

# ---- known differences ------------------------------------------------------------
KNOWN=${BENCH_KNOWN_DIFFERENCES:-$SCRIPT_DIR/known-differences.txt}
# shellcheck source=bench-compare.sh
. "$SCRIPT_DIR/bench-compare.sh"

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.2fx", a / b }'; }

# Per case and size, for the table across sizes: "wall|cpu" of the median
# run, "-" when a run failed.
declare -A ICOST TCOST IRSS
CASES=()
note_cost() {  # note_cost NAME SIZE WALL CPU RC [tshark WALL CPU RC]
    local name=$1 size=$2
    [[ " ${CASES[*]} " == *" [$name] "* ]] || CASES+=("[$name]")
    if [[ $5 == 0 ]]; then ICOST["$name|$size"]="$3|$4"; else ICOST["$name|$size"]="-|-"; fi
    if [[ $# -gt 5 ]]; then
        if [[ $8 == 0 && $6 != - ]]; then TCOST["$name|$size"]="$6|$7"; else TCOST["$name|$size"]="-|-"; fi
    fi
}
note_rss() {  # note_rss NAME SIZE KIB: the median peak memory of the case
    IRSS["$1|$2"]=$(mib "$3")
}

# Probe optional CLI features on a tiny file.
HAVE_Q=0 HAVE_Y=0
if "$CLI" -r "$TINY" -q > /dev/null 2>&1; then HAVE_Q=1; fi
if "$CLI" -r "$TINY" -Y 'mqtt.msgtype == 3 && mqtt.qos == 1' > /dev/null 2>&1; then HAVE_Y=1; fi

# pair NAME CHECK IOTSCOPE-ARGS... -- TSHARK-ARGS...
# Runs both tools RUNS times, alternating which goes first, and keeps the
# median time and memory.  CHECK says how the outputs are compared: "same"
# (byte-identical standard output) or "none" (the case prints nothing).
pair() {
    local name=$1 check=$2; shift 2
    local -a ia=() ta=() iws=() ics=() irs=() tws=() tcs=() trs=()
    while [[ $1 != -- ]]; do ia+=("$1"); shift; done
    shift
    ta=("$@")
    local irc=0 trc=0 isum=- tsum=- run verdict
    # The first run of each tool keeps its output, to be compared line by
    # line if the two differ.
    local fi=$OUT/.out-iotscope.$$ ft=$OUT/.out-tshark.$$
    for ((run = 1; run <= RUNS; run++)); do
        local order=(i t)
        (( run % 2 == 0 )) && order=(t i)
        for who in "${order[@]}"; do
            if [[ $who == i ]]; then
                KEEP=; [[ $run == 1 && $check == same && $SKIP_TSHARK != 1 ]] && KEEP=$fi
                measure "iotscope $name (run $run)" "$CLI" "${ia[@]}"
                iws+=("$WALL") ics+=("$CPU") irs+=("$RSS"); [[ $RC == 0 ]] || irc=$RC; isum=$SUM
            elif [[ $SKIP_TSHARK != 1 ]]; then
                KEEP=; [[ $run == 1 && $check == same ]] && KEEP=$ft
                measure "tshark $name (run $run)" "$TSHARK" "${ta[@]}"
                tws+=("$WALL") tcs+=("$CPU") trs+=("$RSS"); [[ $RC == 0 ]] || trc=$RC; tsum=$SUM
            fi
        done
    done
    KEEP=
    if [[ $SKIP_TSHARK == 1 ]]; then verdict="not compared (tshark not run)"
    elif [[ $check == none ]]; then verdict="nothing printed by either"
    elif [[ $isum == "$tsum" ]]; then verdict="identical (${isum#* } bytes)"
    else
        compare_outputs "$(basename "${ia[1]}")" "$name" "$fi" "$ft"
        if [[ $VERDICT == DIFFERENT ]]; then
            verdict="DIFFERENT (iotscope ${isum#* } bytes, tshark ${tsum#* } bytes; see $LOG)"
        else
            verdict="$VERDICT"
        fi
    fi
    rm -f "$fi" "$ft"
    local tw=- tc=- tr=-
    if [[ ${#tws[@]} -gt 0 ]]; then tw=$(median "${tws[@]}") tc=$(median "${tcs[@]}") tr=$(median "${trs[@]}"); fi
    ROWS+=("$name|$(median "${iws[@]}")|$(median "${irs[@]}")|$irc|$tw|$tr|$trc|$verdict|$(median "${ics[@]}")|$tc")
    note_cost "$name" "$FRAMES" "$(median "${iws[@]}")" "$(median "${ics[@]}")" "$irc" "$tw" "$tc" "$trc"
    note_rss "$name" "$FRAMES" "$(median "${irs[@]}")"
}

# solo NAME IOTSCOPE-ARGS...: a case tshark has no counterpart for; median
# time and memory of RUNS runs.
solo() {
    local name=$1; shift
    local -a ws=() cs=() rs=()
    local rc=0 run
    for ((run = 1; run <= RUNS; run++)); do
        measure "iotscope $name (run $run)" "$CLI" "$@"
        ws+=("$WALL") cs+=("$CPU") rs+=("$RSS"); [[ $RC == 0 ]] || rc=$RC
    done
    SOLO+=("$name|$(median "${ws[@]}")|$(median "${rs[@]}")|$rc|$(median "${cs[@]}")")
    note_cost "$name" "$FRAMES" "$(median "${ws[@]}")" "$(median "${cs[@]}")" "$rc"
    note_rss "$name" "$FRAMES" "$(median "${rs[@]}")"
}

# ---- the window ---------------------------------------------------------------
# The window opens the capture under Xvfb with --measure, applies a filter
# once loaded, then sorts by two columns; it prints when its first rows
# showed, when it was loaded, and per phase the worst gap of its main loop
# with the most the main thread itself ran in one gap (on a busy machine
# the wall-clock gap is mostly the wait for a CPU).
WINDOW_FILTER=${BENCH_WINDOW_FILTER:-mqtt.msgtype == 3}
WINDOW_SORT=${BENCH_WINDOW_SORT:-protocol,length:desc}
WINDOW_LINES=()
window_line() {  # window_line CAPTURE FRAMES
    local cap=$1 frames=$2 wlog=$OUT/window-$2.log rc
    echo "  window on $frames frames (log: $wlog) ..." >&2
    set +e
    (cd "$ROOT" && GSETTINGS_SCHEMA_DIR=$(dirname "$APP") IOTSCOPE_ALLOW_ROOT=1 LC_ALL=C.UTF-8 \
        timeout -k 10 "$TIMEOUT" bash tests/gui/run-xvfb.sh \
        /usr/bin/time -f 'time: user %U sys %S wall %e maxrss %M' \
        "$APP" --measure --filter "$WINDOW_FILTER" --sort "$WINDOW_SORT" "$cap") > "$wlog" 2>&1
    rc=$?
    set -e
    local line
    line=$(awk -v frames="$frames" -v filter="$WINDOW_FILTER" -v rc="$rc" '
        /measure: first rows visible after/ { first = $7 }
        /measure: loaded \(indexed/ { loaded = $9 }
        /measure: frames [0-9]+, displayed/ { displayed = $6 }
        /measure: while / {
            phase = $0; sub(/.*measure: while /, "", phase); sub(/:.*/, "", phase)
            gap = $0; sub(/.*worst main-loop gap /, "", gap); sub(/ ms.*/, "", gap)
            own = $0; sub(/.*in one gap /, "", own); sub(/ ms.*/, "", own)
            at = $0; sub(/.*ended at /, "", at); sub(/ s\).*/, "", at)
            gaps = gaps sprintf("%s %s ms (own %s ms); ", phase, gap, own)
            if (phase == "loading") t_loaded = at
            if (phase == "filtering") filtered = at - t_loaded
        }
        /measure: sorted by/ { sorts = sorts sprintf("%s %s s, ", $5, $7) }
        /^time: user/ { cpu = $3 + $5; rss = $9 }
        END {
            if (rc != 0 || first == "") { printf "window, %d frames: FAILED (exit %s; see the log)", frames, rc; exit }
            firsttext = first < 0 ? "n/a (done before the first paint)" : sprintf("%.2f s", first / 1000)
            printf "window, %d frames: first rows %s, loaded %.1f s, filter \"%s\" (%s rows) %.1f s, sorted %s", \
                frames, firsttext, loaded, filter, displayed, filtered, sorts
            printf "peak RSS %.0f MiB, CPU %.1f s\n    worst main-loop gaps (main thread own work in that gap): %s", \
                rss / 1024, cpu, gaps
        }' "$wlog")
    WINDOW_LINES+=("$line")
    echo "  $line" >&2
}

# ---- one size -----------------------------------------------------------------
bench_size() {  # bench_size FRAMES
    FRAMES=$1
    CAP=$OUT/iot-$FRAMES-$GEN_ID.pcap
    CAP1=$OUT/iot-$FRAMES-$GEN_ID-one-direction.pcap
    gen "$CAP" "$FRAMES"
    gen "$CAP1" "$FRAMES" --one-direction
    ROWS=() SOLO=()

    echo "capture: $CAP ($(stat -L -c %s "$CAP") bytes, $FRAMES frames), $RUNS runs per tool and case" >&2
    echo "running (details in $LOG):" >&2

    # The generated capture is checked against tshark once: both tools must
    # find the same protocol hierarchy, and tshark nothing malformed in it.
    CAPTURE_CHECK="not checked (tshark not run)"
    if [[ $SKIP_TSHARK != 1 ]]; then
        "$TSHARK" -r "$CAP" -q -z io,phs 2>/dev/null > "$OUT/phs.tshark" || true
        "$CLI" -r "$CAP" -q -z io,phs 2>/dev/null > "$OUT/phs.iotscope" || true
        if grep -q '_ws.malformed' "$OUT/phs.tshark"; then
            CAPTURE_CHECK="BAD: tshark finds malformed packets in it (see $OUT/phs.tshark)"
        elif cmp -s "$OUT/phs.tshark" "$OUT/phs.iotscope"; then
            CAPTURE_CHECK="tshark and iotscope find the same protocol hierarchy, nothing malformed"
        else
            CAPTURE_CHECK="BAD: the protocol hierarchies differ (diff $OUT/phs.tshark $OUT/phs.iotscope)"
        fi
    fi

    local -a pws=() pcs=() prs=()
    local run
    for ((run = 1; run <= RUNS; run++)); do
        measure "libpcap read (run $run)" "$PCAP_READ" "$CAP"
        pws+=("$WALL") pcs+=("$CPU") prs+=("$RSS")
    done
    PW=$(median "${pws[@]}") PC=$(median "${pcs[@]}") PR=$(median "${prs[@]}")
    note_cost "bare libpcap read" "$FRAMES" "$PW" "$PC" 0
    note_rss "bare libpcap read" "$FRAMES" "$PR"

    if [[ $HAVE_Q == 1 ]]; then
        pair "-q (index + first pass)" none -r "$CAP" -q -- -r "$CAP" -q
    else
        echo "run-bench: iotscope-cli -q not supported, skipping the -q case" >&2
    fi
    pair "summary" same -r "$CAP" -- -r "$CAP"
    pair "-T fields (3 fields)" same -r "$CAP" -T fields -e frame.number -e ip.src -e tcp.srcport \
        -- -r "$CAP" -T fields -e frame.number -e ip.src -e tcp.srcport
    if [[ $HAVE_Y == 1 ]]; then
        pair "-Y mqtt publish qos 1" same -r "$CAP" -Y 'mqtt.msgtype == 3 && mqtt.qos == 1' \
            -- -r "$CAP" -Y 'mqtt.msgtype == 3 && mqtt.qos == 1'
    else
        echo "run-bench: iotscope-cli -Y not supported (probe failed), skipping the -Y case" >&2
    fi
    pair "summary, one-direction TCP" same -r "$CAP1" -- -r "$CAP1"

    solo "-q -z insight" -r "$CAP" -q -z insight
    # Memory a frame costs after loading: -q on the capture against -q on the
    # 300-frame one (the program's own size).
    if [[ $HAVE_Q == 1 ]]; then
        solo "-q (300 frames)" -r "$TINY" -q
    fi
    if [[ $WINDOW == 1 ]]; then
        window_line "$CAP" "$FRAMES"
    fi
    print_size_table
}

# ---- the table of one size ------------------------------------------------------
print_size_table() {
    echo
    printf '%d frames, %s; medians of %d runs per tool, alternating which runs first\n' \
        "$FRAMES" "$(basename "$CAP")" "$RUNS"
    printf 'generated capture: %s\n\n' "$CAPTURE_CHECK"
    printf '%-28s %12s %12s %8s %12s %12s %8s %10s %10s  %s\n' case "iotscope s" "tshark s" speed \
        "iotscope MiB" "tshark MiB" memory "iots CPU s" "ts CPU s" "outputs"
    printf '%-28s %12s %12s %8s %12s %12s %8s\n' "" "" "" "ts/iots" "" "" "ts/iots"
    local row name iw ir irc tw tr trc verdict sr mr trm ic tc
    for row in "${ROWS[@]}"; do
        IFS='|' read -r name iw ir irc tw tr trc verdict ic tc <<< "$row"
        sr=$(ratio "$tw" "$iw") mr=$(ratio "$tr" "$ir")
        # A ratio against a failed run, or between different results, means nothing.
        if [[ $irc != 0 || $trc != 0 || $verdict == DIFFERENT* ]]; then sr=n/a mr=n/a; fi
        [[ $irc == 0 ]] || iw="$iw!"
        [[ $trc == 0 ]] || tw="$tw!"
        trm=-; [[ $tr == - ]] || trm=$(mib "$tr")
        printf '%-28s %12s %12s %8s %12s %12s %8s %10s %10s  %s\n' "$name" "$iw" "$tw" "$sr" \
            "$(mib "$ir")" "$trm" "$mr" "$ic" "$tc" "$verdict"
    done
    echo
    printf 'bare libpcap read: %ss (CPU %ss), %s MiB\n' "$PW" "$PC" "$(mib "$PR")"
    local iq iqrc iqr tinyr tinyrc sw src
    if [[ $HAVE_Q == 1 ]]; then
        IFS='|' read -r _ iq _ iqrc _ _ _ _ ic _ <<< "${ROWS[0]}"
        [[ $iqrc == 0 ]] || iq=-
        printf 'index + first pass (iotscope-cli -q) vs bare libpcap read: %s time\n' \
            "$(ratio "$iq" "$PW")"
        [[ $iqrc == 0 ]] || ic=-
        printf 'index + first pass CPU time: %ss (the machine is shared: wall-clock figures include the wait for a CPU)\n' "${ic:--}"
    fi
    for row in "${SOLO[@]}"; do
        IFS='|' read -r name sw sr src sc <<< "$row"
        [[ $src == 0 ]] || sw="$sw!"
        printf 'iotscope only, %s: %ss (CPU %ss), %s MiB\n' "$name" "$sw" "$sc" "$(mib "$sr")"
    done
    if [[ $HAVE_Q == 1 ]]; then
        IFS='|' read -r _ _ iqr iqrc _ <<< "${ROWS[0]}"
        IFS='|' read -r _ _ tinyr tinyrc _ <<< "${SOLO[1]}"
        if [[ $iqrc == 0 && $tinyrc == 0 ]]; then
            printf 'memory per frame after loading (-q peak RSS, less that of 300 frames): %s bytes\n' \
                "$(awk -v a="$iqr" -v b="$tinyr" -v n="$FRAMES" 'BEGIN { printf "%.1f", (a - b) * 1024 / n }')"
        fi
    fi
    if [[ $WINDOW == 1 ]]; then
        printf '%s\n' "${WINDOW_LINES[-1]}"
    fi
    echo
}

# The window's own start-up (its first paint) bounds "first rows": the
# 300-frame capture shows what it is on this machine.
if [[ $WINDOW == 1 ]]; then
    window_line "$TINY" 300
fi
for size in $SIZES; do
    bench_size "$size"
done

# ---- across sizes -----------------------------------------------------------------
# Each case's cost at every size (median wall-clock and CPU seconds), and
# how much it grew from the first size to the last: linear growth is the
# ratio of the frame counts.
read -r -a SIZE_LIST <<< "$SIZES"
if [[ ${#SIZE_LIST[@]} -gt 1 ]]; then
    first=${SIZE_LIST[0]} last=${SIZE_LIST[-1]}
    ideal=$(awk -v a="$last" -v b="$first" 'BEGIN { printf "%.1f", a / b }')
    printf 'cost across sizes (median wall s / CPU s / peak MiB); growth = the time at %s frames / the time at %s,\n' \
        "$last" "$first"
    printf 'wall and CPU (ideal: %s, as the frames grew; more = worse than linear)\n' "$ideal"
    printf '%-30s' case
    for size in "${SIZE_LIST[@]}"; do printf ' %28s' "iotscope $size"; done
    printf ' %14s' "growth wall/cpu"
    if [[ $SKIP_TSHARK != 1 ]]; then
        for size in "${SIZE_LIST[@]}"; do printf ' %20s' "tshark $size"; done
        printf ' %14s' "growth wall/cpu"
    fi
    echo
    growth() {  # growth "wall|cpu" "wall|cpu"
        awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, "|"); split(b, y, "|");
            if (x[1] == "-" || y[1] == "-" || x[1] + 0 == 0 || x[2] + 0 == 0) print "-";
            else printf "%.1f/%.1f", y[1] / x[1], y[2] / x[2] }'
    }
    for c in "${CASES[@]}"; do
        c=${c#[}; c=${c%]}
        printf '%-30s' "$c"
        for size in "${SIZE_LIST[@]}"; do
            v=${ICOST["$c|$size"]:--|-}
            printf ' %28s' "${v%%|*} / ${v##*|} / ${IRSS["$c|$size"]:--}"
        done
        printf ' %14s' "$(growth "${ICOST["$c|$first"]:--|-}" "${ICOST["$c|$last"]:--|-}")"
        if [[ $SKIP_TSHARK != 1 && -n ${TCOST["$c|$first"]:-} ]]; then
            for size in "${SIZE_LIST[@]}"; do
                v=${TCOST["$c|$size"]:--|-}
                printf ' %20s' "${v%%|*} / ${v##*|}"
            done
            printf ' %14s' "$(growth "${TCOST["$c|$first"]:--|-}" "${TCOST["$c|$last"]:--|-}")"
        fi
        echo
    done
    if [[ $WINDOW == 1 ]]; then
        echo
        printf '%s\n' "${WINDOW_LINES[@]}"
    fi
fi
if grep -q 'rc=[1-9]' "$LOG"; then
    echo "(! = the command exited with an error; see $LOG)"
fi
