#!/usr/bin/env bash
# The privilege model, attacked the way a local user would: after "make
# caps" (here: set-capture-caps.sh on a copy of the build tree), only
# iotscope-capture holds capabilities, and nothing the user controls runs
# with them.
#
#  - set-capture-caps.sh gives capabilities to iotscope-capture only, and
#    takes away those an older version gave the analyzers;
#  - a hostile plugin (hostile-plugin.c) in the user's plugin directory and
#    in $IOTSCOPE_PLUGIN_PATH, loaded by iotscope-cli for -r and for a live
#    capture, finds no capability: no packet socket, no network namespace;
#  - an analyzer that does hold capabilities (a setcap'd copy) or runs as
#    root loads no plugin at all, and root is warned as tshark warns;
#  - iotscope-capture links neither GModule nor GIO, ignores LD_PRELOAD and
#    GIO module variables (secure mode), refuses unknown options and
#    interface names that are paths or URLs, gives up its capabilities once
#    the interfaces are open, and cannot create or overwrite a file the
#    user could not;
#  - and live capture still works for that user, through iotscope-capture:
#    the same packets tcpdump sees on lo.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib-capture.sh"

PLUGIN=${HOSTILE_PLUGIN:?HOSTILE_PLUGIN must name the built hostile plugin}
CAPTURE=${IOTSCOPE_CAPTURE_PROGRAM:?}
for tool in setpriv setcap getcap; do
    command -v "$tool" >/dev/null 2>&1 || skip "$tool is missing"
done
id nobody >/dev/null 2>&1 || skip "no user nobody"
NOGROUP=$(id -gn nobody)

# A copy of the build tree's programs, laid out as the build tree is (the
# analyzers find iotscope-capture beside them there).
B=$T/build
mkdir -p "$B/src/cli" "$B/src/capture" "$B/src/app"
cp "$CLI" "$B/src/cli/iotscope-cli"
cp "$CAPTURE" "$B/src/capture/iotscope-capture"
[ -n "${IOTSCOPE_APP:-}" ] && [ -x "$IOTSCOPE_APP" ] && cp "$IOTSCOPE_APP" "$B/src/app/iotscope"
chmod -R a+rX "$T"
# As an older "make caps" left things: capabilities on the analyzer too.
setcap cap_net_raw,cap_net_admin+eip "$B/src/cli/iotscope-cli"
bash src/cli/set-capture-caps.sh "$B" >"$T/caps.out"
check "make caps: iotscope-capture has cap_net_admin,cap_net_raw" \
    grep -q 'cap_net_admin,cap_net_raw=ep' <(getcap "$B/src/capture/iotscope-capture")
check "make caps: iotscope-cli holds no capability (removed)" test -z "$(getcap "$B/src/cli/iotscope-cli")"
if [ -x "$B/src/app/iotscope" ]; then
    check "make caps: iotscope holds no capability" test -z "$(getcap "$B/src/app/iotscope")"
fi
check "set-capture-caps.sh refuses to give capabilities to an analyzer" \
    bash -c "! bash src/cli/set-capture-caps.sh '$B/src/cli/iotscope-cli' 2>/dev/null"

# The user's home, with the hostile plugin in its plugin directory and in
# a directory of $IOTSCOPE_PLUGIN_PATH.
H=$T/home
mkdir -p "$H/.local/share/iotscope/plugins" "$H/plugin-path" "$H/out"
cp "$PLUGIN" "$H/.local/share/iotscope/plugins/hostile.so"
cp "$PLUGIN" "$H/plugin-path/hostile.so"
chown -R nobody:"$NOGROUP" "$H"
MARKER=$H/out/marker
CLEAN_ENV=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$H" LC_ALL=C.UTF-8 TZ=UTC
           IOTSCOPE_PLUGIN_PATH="$H/plugin-path" HOSTILE_PLUGIN_MARKER="$MARKER")
AS_USER=(setpriv --reuid=nobody --regid="$NOGROUP" --clear-groups --inh-caps=-all "${CLEAN_ENV[@]}")
as_user() { "${AS_USER[@]}" "$@"; }

# markers_ok: every line the plugin wrote shows a process without rights.
markers_ok() {
    [ -s "$MARKER" ] || { echo "the plugin was not loaded (no marker)"; return 1; }
    if grep -v 'capeff=0000000000000000 packet_socket=EPERM netns=EPERM$' "$MARKER"; then
        echo "the plugin ran with rights:"; cat "$MARKER"; return 1
    fi
    grep -q 'uid=[1-9]' "$MARKER" || { echo "the plugin ran as root"; return 1; }
}

# 1. Reading a file: the plugin is loaded (the user's own choice) but has
#    nothing to steal.
rm -f "$MARKER"
as_user "$B/src/cli/iotscope-cli" -r tests/captures/mqtt311.pcap -c 1 >/dev/null 2>"$T/err"
check "-r as the user: the plugin loads (twice: user dir and IOTSCOPE_PLUGIN_PATH)" \
    test "$(wc -l <"$MARKER" 2>/dev/null)" = 2
check "-r as the user: the plugin holds no capability" markers_ok

# 2. Capturing live as the user, with the plugin loaded in the analyzer:
#    the capture works, the plugin still holds nothing.
PORT=$(free_port 0)
rm -f "$MARKER"
# (setpriv and env exec: the pid is the analyzer's.)
"${AS_USER[@]}" "$B/src/cli/iotscope-cli" -i lo -f "udp dst port $PORT" -w "$H/out/user.pcap" >/dev/null 2>"$T/err" &
USER_CAP=$!; PIDS+=("$USER_CAP")
# (tcpdump without immediate mode and with a large buffer: its immediate
# mode ring holds ~30 packets on lo and drops some on a busy machine.)
tcpdump -i lo -B 65536 -f "udp dst port $PORT" -w "$T/tcpdump.pcap" >/dev/null 2>"$T/tcpdump.err" &
TCPDUMP=$!; PIDS+=("$TCPDUMP")
wait_for "$T/err" "Capturing on" && wait_for "$T/tcpdump.err" "listening on"
# The capture program while it runs: no capability left, not the analyzer's.
helper_pid=$(pgrep -P "$USER_CAP" -x iotscope-captur | head -1)
if [ -n "$helper_pid" ]; then
    check "iotscope-capture gave up its capabilities once lo was open" \
        grep -q 'CapEff:.0000000000000000' "/proc/$helper_pid/status"
    check "iotscope-capture runs as the user" grep -q "^Uid:.$(id -u nobody)" "/proc/$helper_pid/status"
else
    bad "no iotscope-capture child of the capturing iotscope-cli"
fi
check "the capturing analyzer holds no capability" grep -q 'CapEff:.0000000000000000' "/proc/$USER_CAP/status"
python3 "$HERE/udp-sender.py" "$PORT" 200 0 2000 >/dev/null
sleep 1
kill -INT "$USER_CAP" "$TCPDUMP"
wait_exit "$USER_CAP" 10; rc=$?
wait_exit "$TCPDUMP" 10
check "live capture as the user exits 0" test "$rc" = 0
check "live capture as the user: the plugin holds no capability" markers_ok
check "the user's capture file belongs to the user" test "$(stat -c %U "$H/out/user.pcap")" = nobody
packets() { tcpdump -r "$1" -nn -t -x 2>/dev/null; }
check "the user's capture has the 200 datagrams" test "$(packets "$H/out/user.pcap" | grep -c '^IP ')" = 200
same_as_tcpdump() {
    cmp -s <(packets "$H/out/user.pcap") <(packets "$T/tcpdump.pcap") && return 0
    echo "tcpdump captured $(packets "$T/tcpdump.pcap" | grep -c '^IP '); first difference:"
    diff <(packets "$H/out/user.pcap") <(packets "$T/tcpdump.pcap") | head -5
    return 1
}
check "the user's capture holds what tcpdump captured, byte for byte" same_as_tcpdump

# 3. An analyzer that does hold capabilities loads no plugin.
cp "$B/src/cli/iotscope-cli" "$T/privileged-cli"
setcap cap_net_raw+ep "$T/privileged-cli"
rm -f "$MARKER"
as_user "$T/privileged-cli" -r tests/captures/mqtt311.pcap -c 1 >/dev/null 2>"$T/err"
check "an analyzer with capabilities loads no plugin" test ! -e "$MARKER"
check "... and says why" grep -q 'plugins are not loaded.*capabilities cap_net_raw' "$T/err"

# 4. Root: warned, no plugin — unless root sets IOTSCOPE_ALLOW_ROOT=1.
rm -f "$MARKER"
"${CLEAN_ENV[@]}" "$B/src/cli/iotscope-cli" -r tests/captures/mqtt311.pcap -c 1 >/dev/null 2>"$T/err"
check "as root: no plugin" test ! -e "$MARKER"
check "as root: the warning tshark gives, in our words" grep -q 'running as user "root"' "$T/err"
"${CLEAN_ENV[@]}" IOTSCOPE_ALLOW_ROOT=1 "$B/src/cli/iotscope-cli" -r tests/captures/mqtt311.pcap -c 1 \
    >/dev/null 2>"$T/err"
check "as root with IOTSCOPE_ALLOW_ROOT=1: plugins load, no warning" \
    bash -c "grep -q 'uid=0' '$MARKER' && ! grep -q 'running as user' '$T/err'"
rm -f "$MARKER"
as_user IOTSCOPE_ALLOW_ROOT=1 "$T/privileged-cli" -r tests/captures/mqtt311.pcap -c 1 >/dev/null 2>&1
check "IOTSCOPE_ALLOW_ROOT does not open plugins to a capability process" test ! -e "$MARKER"

# 5. The capture program itself.
PROG=$B/src/capture/iotscope-capture
check "iotscope-capture links neither GModule nor GIO" \
    bash -c "! readelf -d '$PROG' | grep -E 'NEEDED.*(gmodule|gio)'"
rm -f "$MARKER"
as_user LD_PRELOAD="$PLUGIN" GIO_EXTRA_MODULES="$H/plugin-path" GIO_MODULE_DIR="$H/plugin-path" \
    "$PROG" -i lo -a duration:0.2 -w "$H/out/preload.pcap" >"$T/records" 2>&1
check "iotscope-capture ignores LD_PRELOAD and GIO module variables" test ! -e "$MARKER"
check "iotscope-capture reports started ... end" \
    bash -c "head -1 '$T/records' | grep -q '^started 1 ' && tail -1 '$T/records' | grep -qx end"

# refused NAME TEXT ARGS...: iotscope-capture, run as the user, fails with
# TEXT in its error record and creates nothing.
refused() {
    local name=$1 text=$2; shift 2
    if as_user "$PROG" "$@" >"$T/records" 2>/dev/null; then bad "$name: accepted"; return; fi
    if grep -q "^error [0-9]* .*$text" "$T/records" && tail -1 "$T/records" | grep -qx end; then
        ok "$name"
    else
        bad "$name:"; cat "$T/records"
    fi
}
refused "unknown option" 'unknown argument' -i lo -X lua_script:/tmp/x.lua
refused "a plugin option" 'unknown argument' -i lo --plugin "$PLUGIN"
refused "reading a file" 'unknown argument' -r tests/captures/mqtt311.pcap
refused "an interface that is a path" 'not an interface name' -i ../../etc/passwd
refused "a remote capture URL" 'not an interface name' -i rpcap://127.0.0.1/lo
refused "an option as interface" 'not an interface name' -i --help
refused "snapshot length out of range" 'whole number' -i lo -s 0
refused "-w to stdout" 'needs the name of a file' -i lo -w -
refused "-w in a directory the user cannot write" 'cannot create the capture file' \
    -i lo -a duration:0.1 -w /root/iotscope-privilege-test.pcap
check "... and nothing was created there" test ! -e /root/iotscope-privilege-test.pcap
echo "root's data" >"$T/root-owned"; chmod 644 "$T/root-owned"
refused "-w over a file the user cannot write" 'Permission denied' -i lo -a duration:0.1 -w "$T/root-owned"
check "... and the file is unchanged" grep -qx "root's data" "$T/root-owned"
refused "a ring buffer in a directory the user cannot write" 'cannot create the capture file' \
    -i lo -a duration:0.1 -w /etc/iotscope-ring.pcap -b filesize:1
check "... and nothing was created there" bash -c "! ls /etc/iotscope-ring* 2>/dev/null"
finish
