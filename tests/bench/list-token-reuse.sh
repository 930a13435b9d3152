#!/usr/bin/env bash
# list-token-reuse.sh CAPTURE-NAME CASE IOTSCOPE-OUTPUT DIFF
#
# Prints the known-differences.txt entries for the lines of DIFF (a `diff
# IOTSCOPE-OUTPUT TSHARK-OUTPUT` of the summary, e.g. the
# out/differences-*.diff run-bench.sh writes) that are CoAP responses to a
# reused token, after checking each against IOTSCOPE-OUTPUT: the two lines
# differ only in the path after the token; iotscope's path is that of the
# request the response answers (the latest before it with the same token
# and message ID, between the same two hosts); tshark's is that of the
# first request ever seen with that token, another one.  Any other line of
# DIFF is reported on stderr, and the exit status is then 1: it needs a
# look (and a fix, or a reason of its own).
set -euo pipefail
[[ $# == 4 ]] || { echo "usage: $0 CAPTURE-NAME CASE IOTSCOPE-OUTPUT DIFF" >&2; exit 2; }
cap=$1 name=$2 out=$3 dif=$4
export LC_ALL=C

# N|token|iotscope path|tshark path for the differing lines that look like
# CoAP responses differing only in their path; the rest on stderr.
pairs=$(awk '
    function rest(s) { sub(/^[<>] /, "", s); return s }
    /^[0-9]+c[0-9]+$/ { split($0, ab, "c"); n = (ab[1] == ab[2]) ? ab[1] : ""; if (n == "") print "unexplained: " $0 > "/dev/stderr"; next }
    /^< / && n != "" { il = rest($0); next }
    /^---$/ { next }
    /^> / && n != "" {
        tl = rest($0)
        ti = index(il, ", TKN:"); tt = index(tl, ", TKN:")
        if (ti == 0 || ti != tt || substr(il, 1, ti) != substr(tl, 1, tt) || il !~ / ACK, MID:/) {
            print "unexplained: line " n > "/dev/stderr"; n = ""; next
        }
        tok = substr(il, ti + 2); sub(/, .*/, "", tok)
        ip = substr(il, ti + 2 + length(tok) + 2); tp = substr(tl, tt + 2 + length(tok) + 2)
        print n "|" tok "|" ip "|" tp; n = ""; next
    }
    /^[<>]/ { print "unexplained: " $0 > "/dev/stderr" }' "$dif")
[[ -n $pairs ]] || exit 0

# The responses: source and destination, and message ID.
awk -v pairs="$pairs" '
    BEGIN { m = split(pairs, rows, "\n"); for (i = 1; i <= m; i++) { split(rows[i], f, "|"); at[f[1] + 0] = i } }
    ($1 + 0) in at { mid = $0; sub(/.* MID:/, "", mid); sub(/,.*/, "", mid); print at[$1 + 0] "|" $3 "|" $5 "|" mid }' "$out" > "${TMPDIR:-/tmp}/resp.$$"

# One pass over iotscope's output: per response, the first request with
# its token and the one it answers.
set +e
awk -v pairs="$pairs" -v cap="$cap" -v name="$name" -v respfile="${TMPDIR:-/tmp}/resp.$$" '
    BEGIN {
        m = split(pairs, rows, "\n")
        for (i = 1; i <= m; i++) { split(rows[i], f, "|"); n[i] = f[1] + 0; tok[i] = f[2]; ip[i] = f[3]; tp[i] = f[4]; want[f[2]] = 1 }
        while ((getline l < respfile) > 0) { split(l, f, "|"); src[f[1]] = f[2]; dst[f[1]] = f[3]; mid[f[1]] = f[4] }
    }
    / CON, MID:[0-9]+, [A-Z]+, / && index($0, ", TKN:") {
        t = substr($0, index($0, ", TKN:") + 2); sub(/, .*/, "", t)
        if (!(t in want)) next
        q = $0; sub(/.* MID:/, "", q); sub(/,.*/, "", q)
        path = substr($0, index($0, ", " t ", ") + length(t) + 4)
        for (i = 1; i <= m; i++) {
            if (tok[i] != t || $1 + 0 >= n[i]) continue
            if (!(i in firstpath)) { firstpath[i] = path; firstframe[i] = $1 }
            if (q == mid[i] && $3 == dst[i] && $5 == src[i]) { ansframe[i] = $1; anspath[i] = path }
        }
    }
    END {
        bad = 0
        for (i = 1; i <= m; i++) {
            if (!(i in ansframe) || anspath[i] != ip[i] || firstpath[i] != tp[i] || firstframe[i] == ansframe[i]) {
                print "unexplained: line " n[i] " (" tok[i] ")" > "/dev/stderr"; bad = 1; continue
            }
            printf "%s | %s | %d | %s, %s | %s, %s | CoAP response to a reused token: it answers frame %d (same MID, token and hosts), tshark 4.0 shows the path of frame %d, the first request with that token\n", \
                cap, name, n[i], tok[i], ip[i], tok[i], tp[i], ansframe[i], firstframe[i]
        }
        exit bad
    }' "$out"
rc=$?
rm -f "${TMPDIR:-/tmp}/resp.$$"
exit $rc
