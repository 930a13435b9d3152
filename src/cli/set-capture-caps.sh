#!/usr/bin/env bash
# set-capture-caps.sh — lets the built iotscope programs capture live
# without running as root, by giving their binaries the file capabilities
# libpcap needs: cap_net_raw (open packet sockets) and cap_net_admin
# (promiscuous and monitor mode, kernel buffer size).
#
#     sudo src/cli/set-capture-caps.sh [BUILD_DIR|BINARY]...
#
# Without arguments: ./build.  For a build directory, its iotscope-cli and
# iotscope (GUI, when built) are changed.  Run it again after each rebuild:
# linking a binary anew drops its capabilities.
set -euo pipefail

die() { echo "set-capture-caps: $*" >&2; exit 1; }

command -v setcap >/dev/null 2>&1 \
    || die "setcap is missing (Debian/Ubuntu: apt-get install libcap2-bin)"
[ "$(id -u)" = 0 ] || die "run it as root, e.g. sudo $0 $*"

targets=()
[ $# -gt 0 ] || set -- build
for arg in "$@"; do
    if [ -d "$arg" ]; then
        found=0
        for bin in "$arg/src/cli/iotscope-cli" "$arg/src/app/iotscope"; do
            if [ -x "$bin" ]; then targets+=("$bin"); found=1; fi
        done
        [ "$found" = 1 ] || die "$arg holds no built iotscope-cli or iotscope (build first: ninja -C $arg)"
    elif [ -x "$arg" ]; then
        targets+=("$arg")
    else
        die "$arg is neither a build directory nor an executable"
    fi
done

for bin in "${targets[@]}"; do
    setcap cap_net_raw,cap_net_admin+eip "$bin"
    echo "set-capture-caps: $bin: $(getcap "$bin" | sed 's/^[^ ]* //')"
done
