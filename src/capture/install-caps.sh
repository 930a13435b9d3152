#!/bin/sh
# install-caps.sh BINDIR — meson install step for iotscope-capture: with
# -Dcapture_caps=true, give the installed program its capabilities (the
# analyzers installed beside it get none); else say how.
set -eu
prog="${DESTDIR:-}$1/iotscope-capture"
if [ "${2:-false}" = true ] && [ "$(id -u)" = 0 ] && command -v setcap >/dev/null 2>&1; then
    setcap cap_net_raw,cap_net_admin+ep "$prog"
    echo "iotscope-capture: capabilities set on $prog"
else
    echo "iotscope-capture: to let users capture without root, run as root:"
    echo "    setcap cap_net_raw,cap_net_admin+ep $prog"
    echo "(or configure with -Dcapture_caps=true and install as root)"
fi
