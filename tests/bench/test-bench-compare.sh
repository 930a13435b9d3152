#!/usr/bin/env bash
# The benchmark's output comparison (bench-compare.sh): outputs that differ
# only in the lines known-differences.txt lists, each holding the texts it
# gives, are "the same but for N listed lines"; any other difference is
# DIFFERENT, with all the differences written to a file.
set -euo pipefail
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
OUT=$tmp LOG=$tmp/log KNOWN=$tmp/known.txt
: > "$LOG"
# shellcheck source=bench-compare.sh
. "$SCRIPT_DIR/bench-compare.sh"

fail=0
check() {  # check WHAT EXPECTED-VERDICT-PREFIX CAPTURE CASE FILE-A FILE-B
    local what=$1 want=$2
    compare_outputs "$3" "$4" "$5" "$6"
    if [[ $VERDICT == "$want"* ]]; then
        echo "ok: $what: $VERDICT"
    else
        echo "FAIL: $what: got '$VERDICT', expected '$want…'"
        fail=1
    fi
}

cat > "$KNOWN" <<'LIST'
# a comment, then an empty line

cap-a.pcap | summary | 3 | TKN:01, /a/path | TKN:01, /other | first request with the token
cap-a.pcap | summary | 6 | x=6 | y=6 | a second line
cap-a.pcap | summary | 7 | x=7 | y=7 | the line after it
LIST
printf '%s\n' one two 'three TKN:01, /a/path' four five six seven eight > "$tmp/i"
printf '%s\n' one two 'three TKN:01, /other' four five six seven eight > "$tmp/t"
check "one listed line" "same but for 1 listed line (" cap-a.pcap summary "$tmp/i" "$tmp/t"
check "another case" "DIFFERENT" cap-a.pcap "-T fields" "$tmp/i" "$tmp/t"
check "another capture" "DIFFERENT" cap-b.pcap summary "$tmp/i" "$tmp/t"
[[ -s $OUT/differences-summary-cap-b.diff ]] || { echo "FAIL: no differences file"; fail=1; }
grep -q '/other' "$OUT/differences-summary-cap-b.diff" || { echo "FAIL: differences file without the line"; fail=1; }

printf '%s\n' one two 'three TKN:01, /b/path' four five six seven eight > "$tmp/i2"
check "listed line, other text" "DIFFERENT" cap-a.pcap summary "$tmp/i2" "$tmp/t"
grep -q 'line 3 is not as listed' "$LOG" || { echo "FAIL: the log does not say which line"; fail=1; }

printf '%s\n' one two 'three TKN:01, /a/path' FOUR five six seven eight > "$tmp/i3"
check "an unlisted line too" "DIFFERENT" cap-a.pcap summary "$tmp/i3" "$tmp/t"

printf '%s\n' one two 'three TKN:01, /a/path' four five 'six x=6' 'seven x=7' eight > "$tmp/i4"
printf '%s\n' one two 'three TKN:01, /other' four five 'six y=6' 'seven y=7' eight > "$tmp/t4"
check "three listed lines, two adjacent" "same but for 3 listed lines" cap-a.pcap summary "$tmp/i4" "$tmp/t4"

printf '%s\n' one two 'three TKN:01, /a/path' four five six seven > "$tmp/i5"
check "a line missing" "DIFFERENT" cap-a.pcap summary "$tmp/i5" "$tmp/t"

# list-token-reuse.sh: the entries for CoAP responses to a reused token,
# checked against the requests; any other difference is unexplained.
cat > "$tmp/s.i" <<'OUTPUT'
1 0.1   10.0.0.1 → 10.0.0.9   CoAP 67 CON, MID:5, GET, TKN:aa bb, /sensors/temp
2 0.2   10.0.0.9 → 10.0.0.1   CoAP 80 ACK, MID:5, 2.05 Content, TKN:aa bb, /sensors/temp
3 0.3   10.0.0.2 → 10.0.0.9   CoAP 90 CON, MID:7, PUT, TKN:aa bb, /site/1/state
4 0.4   10.0.0.9 → 10.0.0.2   CoAP 60 ACK, MID:7, 2.04 Changed, TKN:aa bb, /site/1/state
5 0.5   10.0.0.9 → 10.0.0.2   CoAP 60 ACK, MID:8, 2.04 Changed, TKN:cc dd, /site/2/state
OUTPUT
sed -e '4s|/site/1/state$|/sensors/temp|' "$tmp/s.i" > "$tmp/s.t"
diff "$tmp/s.i" "$tmp/s.t" > "$tmp/s.diff" || true
if entry=$(bash "$SCRIPT_DIR/list-token-reuse.sh" cap-s.pcap summary "$tmp/s.i" "$tmp/s.diff") \
    && [[ $entry == "cap-s.pcap | summary | 4 | TKN:aa bb, /site/1/state | TKN:aa bb, /sensors/temp | "*"frame 3 "*"frame 1,"* ]]; then
    echo "ok: list-token-reuse.sh lists the reused token"
    printf '%s\n' "$entry" > "$KNOWN"
    check "its entry" "same but for 1 listed line" cap-s.pcap summary "$tmp/s.i" "$tmp/s.t"
else
    echo "FAIL: list-token-reuse.sh: '${entry:-}'"; fail=1
fi
# Line 5 answers no request with its token: not a reused token.
sed -e '5s|/site/2/state$|/site/3/state|' "$tmp/s.i" > "$tmp/s.t2"
diff "$tmp/s.i" "$tmp/s.t2" > "$tmp/s.diff2" || true
if bash "$SCRIPT_DIR/list-token-reuse.sh" cap-s.pcap summary "$tmp/s.i" "$tmp/s.diff2" > /dev/null 2>&1; then
    echo "FAIL: list-token-reuse.sh explains a line that is no reused token"; fail=1
else
    echo "ok: list-token-reuse.sh leaves another difference unexplained"
fi

# The list itself: six fields a line, none empty, a line number.
bad=$(awk -F' [|] ' '/^[ \t]*(#|$)/ { next }
    NF != 6 || $3 !~ /^[1-9][0-9]*$/ { print FILENAME ":" FNR ": " $0; next }
    { for (i = 1; i <= 6; i++) if ($i ~ /^[ \t]*$/) { print FILENAME ":" FNR ": field " i " empty"; next } }' \
    "$SCRIPT_DIR/known-differences.txt")
if [[ -n $bad ]]; then echo "FAIL: malformed entries: $bad"; fail=1; else echo "ok: known-differences.txt is well formed"; fi

exit $fail
