#!/usr/bin/env bash
# Capture errors reach the user clearly: bad BPF filter (libpcap's own
# words), unknown interface, monitor mode on lo, no permission, bad -a/-b.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib-capture.sh"

# expect_failure NAME TEXT ARGS...: non-zero exit, TEXT on stderr.
expect_failure() {
    local name=$1 text=$2; shift 2
    if timeout 10 "$@" >"$T/out" 2>"$T/err"; then bad "$name: exit status 0"; return; fi
    if grep -qF -- "$text" "$T/err"; then ok "$name"; else bad "$name: stderr lacks \"$text\":"; cat "$T/err"; fi
}

for filter in 'port 99999' 'tcp and and' 'host no.such.host.invalid' 'ether proto nonsense'; do
    libpcap=$(tcpdump -i lo -d "$filter" 2>&1 >/dev/null | sed -n 's/^tcpdump: //p' | head -1)
    [ -n "$libpcap" ] || { bad "tcpdump accepted \"$filter\""; continue; }
    expect_failure "bad filter \"$filter\" gives libpcap's message: $libpcap" "$libpcap" "$CLI" -i lo -f "$filter"
done
expect_failure "unknown interface" 'no capture interface named "nosuch0"' "$CLI" -i nosuch0
expect_failure "unknown interface number" "there is no interface number 999" "$CLI" -i 999
expect_failure "monitor mode on lo" "doesn't support monitor mode" "$CLI" -i lo -I
expect_failure "bad -a" 'invalid -a "speed:3"' "$CLI" -i lo -a speed:3
expect_failure "bad -b" 'invalid -b "files:x"' "$CLI" -i lo -w "$T/x.pcap" -b files:x
expect_failure "-b without -w" "needs a file name" "$CLI" -i lo -b filesize:10
expect_failure "ring without size" "needs a size" "$CLI" -i lo -w "$T/x.pcap" -b files:3
expect_failure "-r with -i" "can't be used together" "$CLI" -i lo -r tests/captures/mqtt311.pcap
expect_failure "unwritable -w" "cannot create the capture file" "$CLI" -i lo -w /nonexistent/dir/x.pcap

# Without capture rights: the message says how to get them.  A copy of
# the capture program gets capabilities, as "make caps" gives them to the
# built one (see also test-capture-privilege.sh).
if command -v setpriv >/dev/null 2>&1; then
    CAPTURE=${IOTSCOPE_CAPTURE_PROGRAM:?}
    cp "$CAPTURE" "$T/iotscope-capture"; chmod 755 "$T/iotscope-capture"
    expect_failure "no permission" "make caps" \
        setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all --bounding-set=-all \
        env IOTSCOPE_CAPTURE_PROGRAM="$T/iotscope-capture" "$CLI" -i lo
    grep -q "cap_net_raw" "$T/err" && ok "the message names the capabilities" || bad "capabilities not named"
    if command -v setcap >/dev/null 2>&1; then
        bash src/cli/set-capture-caps.sh "$T/iotscope-capture" >/dev/null
        if setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
                env IOTSCOPE_CAPTURE_PROGRAM="$T/iotscope-capture" \
                "$CLI" -i lo -a duration:0.3 >/dev/null 2>"$T/err"; then
            ok "set-capture-caps.sh lets an ordinary user capture"
        else
            bad "capture still refused after set-capture-caps.sh:"; cat "$T/err"
        fi
        # The capture dialog asks the capture program what an interface
        # offers when the analyzer itself has no capture rights.
        setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
            "$T/iotscope-capture" --capabilities -i lo >"$T/caps" 2>&1
        check "an ordinary user learns lo's link types through the capture program" \
            grep -q '^link 1 EN10MB' "$T/caps"
    fi
else
    echo "skip no-permission checks: setpriv missing"
fi

# What an interface offers (the capture dialog's monitor mode and link
# types), and the link type chosen there.
CAPTURE=${IOTSCOPE_CAPTURE_PROGRAM:?}
"$CAPTURE" --capabilities -i lo >"$T/caps" 2>&1
check "--capabilities: lo has no monitor mode" grep -qx 'monitor 0' "$T/caps"
check "--capabilities: lo offers Ethernet framing" grep -q '^link 1 EN10MB' "$T/caps"
"$CAPTURE" -i lo -y 127 -a duration:0.2 >"$T/out" 2>&1
check "-y 127 on lo is refused with the reason" grep -q 'cannot capture with link type 127' "$T/out"

# -D: tshark's numbering and format for libpcap's interfaces.
"$CLI" -D >"$T/ours.D"
tshark -D 2>/dev/null | head -n "$(wc -l <"$T/ours.D")" >"$T/tshark.D"
check "-D lists interfaces as tshark -D does" cmp -s "$T/ours.D" "$T/tshark.D"
grep -q '^[0-9]*\. lo (Loopback)$' "$T/ours.D" && ok "-D shows lo (Loopback)" || bad "-D lacks lo"
n_lo=$(sed -n 's/^\([0-9]*\)\. lo (Loopback)$/\1/p' "$T/ours.D")
"$CLI" -i "$n_lo" -a duration:0.2 >/dev/null 2>"$T/err"
check "-i takes a number from -D" grep -q "Capturing on 'lo'" "$T/err"
finish
