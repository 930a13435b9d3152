#!/usr/bin/env bash
# Benchmark iotscope-cli against tshark (and a bare libpcap read) on a large
# synthetic IoT capture.  See tests/bench/README.md.
#
# Environment:
#   BENCH_FRAMES       frames in the generated capture (default 1000000)
#   BENCH_SKIP_TSHARK  1 = do not run tshark
#   BENCH_TIMEOUT      per-command time limit in seconds (default 1800)
#   IOTSCOPE_CLI       path of iotscope-cli (default build/src/cli/iotscope-cli,
#                      relative to the repository root)
#   TSHARK             tshark binary (default tshark)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
OUT=$SCRIPT_DIR/out
FRAMES=${BENCH_FRAMES:-1000000}
SKIP_TSHARK=${BENCH_SKIP_TSHARK:-0}
TIMEOUT=${BENCH_TIMEOUT:-1800}
TSHARK=${TSHARK:-tshark}
CLI=${IOTSCOPE_CLI:-build/src/cli/iotscope-cli}
case $CLI in /*) ;; *) CLI=$ROOT/$CLI ;; esac

export LC_ALL=C TZ=UTC

die() { echo "run-bench: $*" >&2; exit 1; }

[[ $FRAMES =~ ^[1-9][0-9]*$ ]] || die "BENCH_FRAMES must be a positive integer"
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
CAP=$OUT/iot-$FRAMES.pcap
CAP1=$OUT/iot-$FRAMES-one-direction.pcap
TINY=$OUT/iot-tiny.pcap

gen() {  # gen FILE FRAMES [--one-direction]
    local f=$1 n=$2; shift 2
    if [[ ! -s $f ]]; then
        echo "generating $f ($n frames) ..." >&2
        python3 "$SCRIPT_DIR/gen-capture.py" "$n" "$@" --out "$f.tmp"
        mv "$f.tmp" "$f"
    fi
}
gen "$CAP" "$FRAMES"
gen "$CAP1" "$FRAMES" --one-direction
gen "$TINY" 300

PCAP_READ=$OUT/pcap-read
if [[ ! -x $PCAP_READ || $SCRIPT_DIR/pcap-read.c -nt $PCAP_READ ]]; then
    cc -O2 -o "$PCAP_READ" "$SCRIPT_DIR/pcap-read.c" -lpcap || die "cannot build pcap-read (libpcap-dev?)"
fi

LOG=$OUT/bench.log
: > "$LOG"

# measure NAME CMD...  -> sets WALL (s), RSS (KiB), RC; logs stderr
measure() {
    local name=$1; shift
    local tv=$OUT/.time.$$ err=$OUT/.err.$$ t0 t1
    echo "== $name: $*" >> "$LOG"
    t0=$(date +%s%N)
    set +e
    /usr/bin/time -v -o "$tv" timeout -k 10 "$TIMEOUT" "$@" > /dev/null 2> "$err"
    RC=$?
    set -e
    t1=$(date +%s%N)
    WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    RSS=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tv")
    RSS=${RSS:-0}
    grep -v 'Running as user "root"' "$err" | head -n 20 >> "$LOG" || true
    echo "   rc=$RC wall=${WALL}s maxrss=${RSS}KiB" >> "$LOG"
    if [[ $RC != 0 ]]; then
        echo "run-bench: '$name' exited with status $RC (see $LOG)" >&2
    fi
    printf '  %-34s %8ss %8.1f MiB%s\n' "$name" "$WALL" "$(awk -v k="$RSS" 'BEGIN { print k / 1024 }')" \
        "$([[ $RC == 0 ]] || echo "  (exit $RC)")" >&2
    rm -f "$tv" "$err"
}

ROWS=()
# pair NAME IOTSCOPE-ARGS... -- TSHARK-ARGS...
pair() {
    local name=$1; shift
    local -a ia=() ta=()
    while [[ $1 != -- ]]; do ia+=("$1"); shift; done
    shift
    ta=("$@")
    local iw ir irc tw=- tr=- trc=0
    measure "iotscope $name" "$CLI" "${ia[@]}"
    iw=$WALL ir=$RSS irc=$RC
    if [[ $SKIP_TSHARK != 1 ]]; then
        measure "tshark $name" "$TSHARK" "${ta[@]}"
        tw=$WALL tr=$RSS trc=$RC
    fi
    ROWS+=("$name|$iw|$ir|$irc|$tw|$tr|$trc")
}

echo "capture: $CAP ($(stat -c %s "$CAP") bytes, $FRAMES frames)" >&2
echo "running (details in $LOG):" >&2

measure "libpcap read" "$PCAP_READ" "$CAP"
PW=$WALL PR=$RSS

# Probe optional CLI features on a tiny file.
HAVE_Q=0 HAVE_Y=0
if "$CLI" -r "$TINY" -q > /dev/null 2>&1; then HAVE_Q=1; fi
if "$CLI" -r "$TINY" -Y 'mqtt.msgtype == 3 && mqtt.qos == 1' > /dev/null 2>&1; then HAVE_Y=1; fi

if [[ $HAVE_Q == 1 ]]; then
    pair "-q (index + first pass)" -r "$CAP" -q -- -r "$CAP" -q
else
    echo "run-bench: iotscope-cli -q not supported, skipping the -q case" >&2
fi
pair "summary" -r "$CAP" -- -r "$CAP"
pair "-T fields (3 fields)" -r "$CAP" -T fields -e frame.number -e ip.src -e tcp.srcport \
    -- -r "$CAP" -T fields -e frame.number -e ip.src -e tcp.srcport
if [[ $HAVE_Y == 1 ]]; then
    pair "-Y mqtt publish qos 1" -r "$CAP" -Y 'mqtt.msgtype == 3 && mqtt.qos == 1' \
        -- -r "$CAP" -Y 'mqtt.msgtype == 3 && mqtt.qos == 1'
else
    echo "run-bench: iotscope-cli -Y not supported (probe failed), skipping the -Y case" >&2
fi
pair "summary, one-direction TCP" -r "$CAP1" -- -r "$CAP1"

# ---- table
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.2fx", a / b }'; }

echo
printf '%d frames, %s\n\n' "$FRAMES" "$(basename "$CAP")"
printf '%-28s %12s %12s %8s %12s %12s %8s\n' case "iotscope s" "tshark s" speed \
    "iotscope MiB" "tshark MiB" memory
printf '%-28s %12s %12s %8s %12s %12s %8s\n' "" "" "" "ts/iots" "" "" "ts/iots"
for row in "${ROWS[@]}"; do
    IFS='|' read -r name iw ir irc tw tr trc <<< "$row"
    sr=$(ratio "$tw" "$iw") mr=$(ratio "$tr" "$ir")
    # a ratio against a failed run means nothing
    if [[ $irc != 0 || $trc != 0 ]]; then sr=n/a mr=n/a; fi
    [[ $irc == 0 ]] || iw="$iw!"
    [[ $trc == 0 ]] || tw="$tw!"
    trm=-; [[ $tr == - ]] || trm=$(mib "$tr")
    printf '%-28s %12s %12s %8s %12s %12s %8s\n' "$name" "$iw" "$tw" "$sr" \
        "$(mib "$ir")" "$trm" "$mr"
done
echo
printf 'bare libpcap read: %ss, %s MiB\n' "$PW" "$(mib "$PR")"
if [[ $HAVE_Q == 1 ]]; then
    IFS='|' read -r _ iq _ iqrc _ <<< "${ROWS[0]}"
    [[ $iqrc == 0 ]] || iq=-
    printf 'index + first pass (iotscope-cli -q) vs bare libpcap read: %s time\n' \
        "$(ratio "$iq" "$PW")"
fi
if grep -q 'rc=[1-9]' "$LOG"; then
    echo "(! = the command exited with an error; see $LOG)"
fi
