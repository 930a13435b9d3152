#!/bin/bash
# Runs a GUI test under a virtual X server, with the cairo renderer (no GL
# under Xvfb) and settings kept in memory.  Exit 77 (skip) when there is no
# display to be had.
set -u
export GSK_RENDERER=cairo
export GDK_BACKEND=x11
export GSETTINGS_BACKEND=memory
export GTK_A11Y=none
export NO_AT_BRIDGE=1
# Recent files and caches go to a throw-away place, not the user's home.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export XDG_DATA_HOME="$scratch/data" XDG_CACHE_HOME="$scratch/cache" XDG_CONFIG_HOME="$scratch/config"
export XDG_RUNTIME_DIR="$scratch/run"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"

if [ -n "${IOTSCOPE_TEST_USE_DISPLAY:-}" ] && [ -n "${DISPLAY:-}" ]; then
  exec "$@"
fi
if command -v xvfb-run >/dev/null 2>&1; then
  exec xvfb-run -a -s "-screen 0 1400x1000x24" "$@"
fi
if [ -n "${DISPLAY:-}" ]; then
  exec "$@"
fi
echo "no DISPLAY and no xvfb-run: skipping" >&2
exit 77
