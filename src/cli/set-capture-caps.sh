#!/usr/bin/env bash
# set-capture-caps.sh — lets an ordinary user capture live without root,
# by giving the capture program iotscope-capture (and nothing else) the
# file capabilities libpcap needs: cap_net_raw (open packet sockets) and
# cap_net_admin (promiscuous and monitor mode, kernel buffer size).
#
#     sudo src/cli/set-capture-caps.sh [BUILD_DIR|PATH/TO/iotscope-capture]...
#
# Without arguments: ./build.  iotscope and iotscope-cli run
# iotscope-capture and never hold capabilities themselves (they load
# plugins and dissect untrusted traffic); capabilities an older version of
# this script gave them are removed.  Run it again after each rebuild:
# linking a binary anew drops its capabilities.
set -euo pipefail

die() { echo "set-capture-caps: $*" >&2; exit 1; }

command -v setcap >/dev/null 2>&1 \
    || die "setcap is missing (Debian/Ubuntu: apt-get install libcap2-bin)"
[ "$(id -u)" = 0 ] || die "run it as root, e.g. sudo $0 $*"

targets=()
analyzers=()
[ $# -gt 0 ] || set -- build
for arg in "$@"; do
    if [ -d "$arg" ]; then
        [ -x "$arg/src/capture/iotscope-capture" ] \
            || die "$arg holds no built iotscope-capture (build first: ninja -C $arg)"
        targets+=("$arg/src/capture/iotscope-capture")
        for bin in "$arg/src/cli/iotscope-cli" "$arg/src/app/iotscope"; do
            [ -x "$bin" ] && analyzers+=("$bin")
        done
    elif [ -x "$arg" ] && [ "$(basename "$arg")" = iotscope-capture ]; then
        targets+=("$arg")
    else
        die "$arg is neither a build directory nor iotscope-capture (only the capture program gets capabilities)"
    fi
done

for bin in "${targets[@]}"; do
    # Not set-user-ID: the program refuses to run so, and capabilities are
    # all it needs.
    chmod u-s,g-s "$bin"
    setcap cap_net_raw,cap_net_admin+ep "$bin"
    echo "set-capture-caps: $bin: $(getcap "$bin" | sed 's/^[^ ]* //')"
done
for bin in "${analyzers[@]}"; do
    if [ -n "$(getcap "$bin")" ]; then
        setcap -r "$bin"
        echo "set-capture-caps: $bin: capabilities removed (it captures through iotscope-capture)"
    fi
done
