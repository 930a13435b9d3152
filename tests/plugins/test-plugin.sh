#!/usr/bin/env bash
# test-plugin.sh PLUGIN_DIR BAD_PLUGIN_DIR -- the Modbus dissectors work as
# external plugins (loaded from IOTSCOPE_PLUGIN_PATH), print what tshark
# prints, are absent without the plugin path, and a plugin built for another
# interface version is refused with a warning.
#
# Environment: IOTSCOPE_CLI (the CLI), IOTSCOPE_SOURCE_ROOT (source tree).
# Comparisons with tshark are skipped (not failed) when tshark is missing.
set -uo pipefail

PLUGINS=${1:?plugin build dir}
BAD=${2:?bad plugin build dir}
CLI=${IOTSCOPE_CLI:?}
ROOT=${IOTSCOPE_SOURCE_ROOT:-.}
CAP=$ROOT/tests/captures
export TZ=UTC LC_ALL=C.UTF-8

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# No plugins from the user's own folder (~/.local/share/iotscope/plugins).
export XDG_DATA_HOME=$TMP/data
unset IOTSCOPE_PLUGIN_PATH

failures=0
pass() { printf 'ok   %s\n' "$1"; }
fail() { printf 'FAIL %s\n' "$1"; failures=$((failures + 1)); }
have_tshark=0
command -v tshark >/dev/null 2>&1 && have_tshark=1

with_plugins() { IOTSCOPE_PLUGIN_PATH=$PLUGINS "$CLI" "$@"; }

FIELDS=(mbtcp.trans_id mbtcp.prot_id mbtcp.len mbtcp.unit_id
        modbus.request_frame modbus.response_time modbus.func_code
        modbus.reference_num modbus.padding modbus.read_reference_num
        modbus.write_reference_num modbus.word_cnt modbus.read_word_cnt
        modbus.write_word_cnt modbus.bit_cnt modbus.byte_cnt modbus.exception_code
        modbus.and_mask modbus.or_mask modbus.data modbus.bitnum modbus.bitval
        modbus.regnum16 modbus.regval_uint16 frame.protocols)
E=()
for f in "${FIELDS[@]}"; do E+=(-e "$f"); done
FOPTS=(-T fields -E header=y -E occurrence=a -E aggregator=,)

# same_as_tshark NAME FILE [ARGS...]: fields and the one-line summaries of
# the Modbus frames equal tshark -2's.
same_as_tshark() {
    local name=$1 file=$2; shift 2
    if [ "$have_tshark" = 0 ]; then
        printf 'skip %s (no tshark)\n' "$name"
        return
    fi
    with_plugins -r "$file" "$@" "${FOPTS[@]}" "${E[@]}" >"$TMP/ours" 2>"$TMP/err"
    tshark -2 -r "$file" "$@" "${FOPTS[@]}" "${E[@]}" >"$TMP/theirs" 2>/dev/null
    if diff "$TMP/ours" "$TMP/theirs" >"$TMP/diff"; then
        pass "$name: fields equal tshark's ($(wc -l <"$TMP/ours") lines)"
    else
        fail "$name: fields differ from tshark's"
        head -20 "$TMP/diff"
    fi
    with_plugins -r "$file" "$@" | grep 'Modbus/TCP' >"$TMP/ours1"
    tshark -2 -r "$file" "$@" 2>/dev/null | grep 'Modbus/TCP' >"$TMP/theirs1"
    if [ -s "$TMP/ours1" ] && diff "$TMP/ours1" "$TMP/theirs1" >"$TMP/diff"; then
        pass "$name: summary lines equal tshark's ($(wc -l <"$TMP/ours1") Modbus frames)"
    else
        fail "$name: summary lines differ from tshark's"
        head -20 "$TMP/diff"
    fi
}

# ---------------------------------------------------------------- registration
with_plugins -G protocols >"$TMP/protos" 2>"$TMP/err"
if grep -qP '^Modbus/TCP\tModbus/TCP\tmbtcp$' "$TMP/protos" && grep -qP '\tmodbus$' "$TMP/protos"; then
    pass "-G protocols lists mbtcp and modbus with the plugin path"
else
    fail "-G protocols lacks mbtcp/modbus with the plugin path"
fi
[ -s "$TMP/err" ] && { fail "loading the plugins printed warnings"; cat "$TMP/err"; }
"$CLI" -G protocols >"$TMP/protos" 2>&1
if grep -qP '\t(mbtcp|modbus)$' "$TMP/protos"; then
    fail "-G protocols lists mbtcp/modbus without the plugin path"
else
    pass "-G protocols has no mbtcp/modbus without the plugin path"
fi
blurbless=$(with_plugins -G fields | awk -F'\t' '($5 == "mbtcp" || $5 == "modbus") && $8 == ""' | wc -l)
[ "$blurbless" = 0 ] && pass "every Modbus field has a blurb" || fail "$blurbless Modbus fields lack a blurb"

# ---------------------------------------------------------------- unknown without the plugin
if "$CLI" -r "$CAP/modbus.pcap" -T fields -e mbtcp.trans_id -e modbus.func_code >"$TMP/out" 2>"$TMP/err"; then
    fail "modbus fields accepted without the plugin"
elif grep -qE '"(mbtcp.trans_id|modbus.func_code)" is not a known field' "$TMP/err"; then
    pass "modbus fields are unknown without the plugin: $(head -1 "$TMP/err")"
else
    fail "unclear error for unknown modbus fields: $(cat "$TMP/err")"
fi
if "$CLI" -r "$CAP/modbus-1502.pcap" -d 'tcp.port==1502,mbtcp' >"$TMP/out" 2>"$TMP/err"; then
    fail "-d ...,mbtcp accepted without the plugin"
elif grep -q 'not a known protocol' "$TMP/err"; then
    pass "-d ...,mbtcp refused without the plugin: $(head -1 "$TMP/err")"
else
    fail "unclear error for -d ...,mbtcp without the plugin: $(cat "$TMP/err")"
fi

# ---------------------------------------------------------------- same values as tshark
same_as_tshark "modbus.pcap" "$CAP/modbus.pcap"
same_as_tshark "modbus-1502.pcap -d tcp.port==1502,mbtcp" "$CAP/modbus-1502.pcap" -d 'tcp.port==1502,mbtcp'
if command -v editcap >/dev/null 2>&1; then
    editcap -s 76 "$CAP/modbus.pcap" "$TMP/snap76.pcap"
    same_as_tshark "modbus.pcap cut to 76 bytes" "$TMP/snap76.pcap"
fi
# A request split over two segments: TCP gathers it on our request.
same_as_tshark "modbus-split.pcap" "$ROOT/tests/plugins/modbus-split.pcap"

with_plugins -r "$CAP/modbus.pcap" -V >"$TMP/tree" 2>"$TMP/err"
if [ $? = 0 ] && grep -q 'Exception Code: Illegal data address (2)' "$TMP/tree" \
   && grep -q 'Register Value (UINT16): ' "$TMP/tree" && grep -q '\[Request Frame: ' "$TMP/tree"; then
    pass "-V shows exceptions, registers and request frames"
else
    fail "-V output lacks Modbus details"
fi

# ---------------------------------------------------------------- wrong interface version
IOTSCOPE_PLUGIN_PATH=$BAD:$PLUGINS "$CLI" -G protocols >"$TMP/protos" 2>"$TMP/err"
rc=$?
if [ "$rc" = 0 ] && grep -q 'bad-api.*built for another plugin interface' "$TMP/err" \
   && ! grep -qP '\tbadapi$' "$TMP/protos" && grep -qP '\tmbtcp$' "$TMP/protos"; then
    pass "a plugin with the wrong API version is refused: $(grep -o 'plugin .*skipped' "$TMP/err")"
else
    fail "wrong-API plugin not refused cleanly (rc=$rc): $(cat "$TMP/err")"
fi

[ "$failures" = 0 ] || { echo "$failures check(s) failed"; exit 1; }
echo "all plugin checks passed"
