#!/usr/bin/env bash
# make-modbus.sh -- Modbus/TCP captures for the Modbus plugins
# (dissectors/plugins/).  Run as root on Debian 12:
#
#     sudo bash tests/captures/make-modbus.sh
#
# A pymodbus server (modbus_server.py) on 127.0.0.1, queried by the pymodbus
# client (modbus_client.py), by mbpoll, and by a socket-level client
# (modbus_raw.py) for framings libraries never produce.  All traffic stays
# on loopback.  Files go to ${CAPTURES_OUT:-this folder}:
#   modbus.pcap        port 502: every common function, two exception replies
#                      (illegal data address), one "illegal function" reply,
#                      two requests in one TCP segment, mbpoll reads/writes
#   modbus-1502.pcap   the pymodbus session on port 1502 (for Decode As)
#   modbus-split.pcap  port 502: one request cut over two TCP segments.
#                      Written to ${SPLIT_OUT:-../plugins}, not here: without
#                      the plugin loaded nothing asks TCP to reassemble, while
#                      tshark (Modbus built in) does, so the differential test
#                      over this folder would report TCP reassembly cells.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
SPLIT_OUT=${SPLIT_OUT:-$HERE/../plugins}
PY=/usr/bin/python3      # Debian's python, where python3-pymodbus installs

. "$HERE/lib.sh"

need=()
"$PY" -c 'import pymodbus' 2>/dev/null || need+=(python3-pymodbus)
command -v mbpoll >/dev/null 2>&1 || need+=(mbpoll)
if [ ${#need[@]} -gt 0 ]; then
    log "installing missing packages: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y "${need[@]}" || { apt-get update && apt-get install -y "${need[@]}"; }
fi
"$PY" -c 'import pymodbus' || die "pymodbus still missing"
command -v mbpoll >/dev/null 2>&1 || die "mbpoll still missing"

# Checks a capture with tshark: at least MIN frames match FILTER.
expect() {   # expect FILE FILTER MIN [TSHARK-ARGS...]
    local f=$1 filter=$2 min=$3 n; shift 3
    n=$(tshark -r "$f" "$@" -Y "$filter" 2>/dev/null | wc -l)
    [ "$n" -ge "$min" ] || die "$(basename "$f"): only $n frames match '$filter' (want >= $min)"
}

SERVER_PID=
server_start() {   # server_start PORT
    port_free tcp "$1"
    bg "modbus-server-$1" "$PY" "$HERE/modbus_server.py" "$1"
    SERVER_PID=$LAST_PID
    wait_listen tcp "$1"
}
server_stop() { stop_pid "$SERVER_PID"; SERVER_PID=; }

MB=(mbpoll -m tcp -a 1 -1 -0 -q)   # unit 1, one poll, 0-based addresses, quiet

# --------------------------------------------------------------- modbus.pcap
log "modbus.pcap"
server_start 502
cap_start "${TCPDUMP[@]}" -i lo -w "$WORK/modbus.pcap" "tcp port 502 and host 127.0.0.1"
"$PY" "$HERE/modbus_client.py" 502 >"$WORK/client-502.log"
"$PY" "$HERE/modbus_raw.py" 502 pipeline
"${MB[@]}" -t 4 -r 5 -c 4 127.0.0.1 >"$WORK/mbpoll-read.log"          # FC 3
"${MB[@]}" -t 4 -r 50 127.0.0.1 777 >"$WORK/mbpoll-write1.log"        # FC 6
"${MB[@]}" -t 4 -r 60 127.0.0.1 1 2 3 >"$WORK/mbpoll-writen.log"      # FC 16
"${MB[@]}" -t 0 -r 3 -c 10 127.0.0.1 >"$WORK/mbpoll-coils.log"        # FC 1
"${MB[@]}" -t 1 -r 0 -c 4 127.0.0.1 >"$WORK/mbpoll-inputs.log"        # FC 2
cap_stop
server_stop
expect "$WORK/modbus.pcap" "modbus.func_code" 40
expect "$WORK/modbus.pcap" "modbus.exception_code == 2" 2
expect "$WORK/modbus.pcap" "modbus.exception_code == 1" 1
expect "$WORK/modbus.pcap" "modbus.request_frame" 15
expect "$WORK/modbus.pcap" "modbus.regval_uint16" 5
expect "$WORK/modbus.pcap" "modbus.bitval" 3

# --------------------------------------------------------------- modbus-1502.pcap
log "modbus-1502.pcap"
server_start 1502
cap_start "${TCPDUMP[@]}" -i lo -w "$WORK/modbus-1502.pcap" "tcp port 1502 and host 127.0.0.1"
"$PY" "$HERE/modbus_client.py" 1502 >"$WORK/client-1502.log"
cap_stop
server_stop
expect "$WORK/modbus-1502.pcap" "mbtcp" 20 -d tcp.port==1502,mbtcp

# --------------------------------------------------------------- modbus-split.pcap
log "modbus-split.pcap"
server_start 502
cap_start "${TCPDUMP[@]}" -i lo -w "$WORK/modbus-split.pcap" "tcp port 502 and host 127.0.0.1"
"$PY" "$HERE/modbus_raw.py" 502 split
cap_stop
server_stop
expect "$WORK/modbus-split.pcap" "tcp.reassembled_in" 1 -2

# --------------------------------------------------------------- copy out
for f in modbus.pcap modbus-1502.pcap modbus-split.pcap; do
    size=$(stat -c %s "$WORK/$f")
    [ "$size" -lt 102400 ] || die "$f is too large ($size bytes)"
    dest=$OUT
    [ "$f" = modbus-split.pcap ] && dest=$SPLIT_OUT
    cp "$WORK/$f" "$dest/$f"
    log "$f: $(tshark -r "$dest/$f" | wc -l) frames, $size bytes"
done
