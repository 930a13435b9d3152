# lib.sh -- shared helpers for the capture scripts in this folder: tool
# installation, background processes that are always cleaned up, bounded
# waits, tcpdump start/stop.  Source it from a script run as root:
#
#     HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd); . "$HERE/lib.sh"
#
# Then put every namespace you create into NAMESPACES, build files in
# $WORK and copy them into place only when everything succeeded.

log() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (capturing, namespaces)"

# --------------------------------------------------------------- tools
declare -A PKG_FOR=(
    [tcpdump]=tcpdump [tshark]=tshark [editcap]=wireshark-common
    [capinfos]=wireshark-common [mosquitto]=mosquitto
    [mosquitto_pub]=mosquitto-clients [mosquitto_sub]=mosquitto-clients
    [coap-client-notls]=libcoap3-bin [coap-server-notls]=libcoap3-bin
    [curl]=curl [python3]=python3 [openssl]=openssl [ip]=iproute2
    [ss]=iproute2 [ping]=iputils-ping [arping]=arping
)
missing=()
for tool in "${!PKG_FOR[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("${PKG_FOR[$tool]}")
done
if [ ${#missing[@]} -gt 0 ]; then
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
    log "installing missing packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y "${missing[@]}" || { apt-get update && apt-get install -y "${missing[@]}"; }
fi
for tool in "${!PKG_FOR[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || die "tool $tool still missing"
done

# --------------------------------------------------------------- state + cleanup
WORK=$(mktemp -d /tmp/iotscope-captures.XXXXXX)
chmod 755 "$WORK"
PIDS=()          # every background process we started
CAP_PID=         # the running tcpdump
NAMESPACES=()    # network namespaces to delete on exit

forget() {       # drop a pid from PIDS
    local p keep=()
    for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
    PIDS=("${keep[@]}")
}

stop_pid() {     # stop_pid PID [SIGNAL]: signal, wait (bounded), then SIGKILL
    local pid=$1 sig=${2:-TERM} i
    kill -"$sig" "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    forget "$pid"
}

cleanup() {
    local rc=$? p
    set +e
    trap - EXIT INT TERM
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
    sleep 0.3
    for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    for p in "${NAMESPACES[@]}"; do ip netns del "$p" 2>/dev/null; done
    if [ "$rc" != 0 ]; then
        log "failed (rc=$rc); logs follow"
        tail -n 5 "$WORK"/*.log 2>/dev/null >&2
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bg() {           # bg LOGNAME CMD...: start in background, pid in LAST_PID
    local name=$1; shift
    "$@" >"$WORK/$name.log" 2>&1 &
    LAST_PID=$!
    PIDS+=("$LAST_PID")
}

# wait_listen tcp|udp PORT [NETNS]: bounded wait until something is bound
wait_listen() {
    local proto=$1 port=$2 ns=${3:-} i flag=-Hltn
    [ "$proto" = udp ] && flag=-Hlun
    for i in $(seq 1 50); do
        if [ -n "$ns" ]; then
            ip netns exec "$ns" ss $flag "sport = :$port" | grep -q . && return 0
        else
            ss $flag "sport = :$port" | grep -q . && return 0
        fi
        sleep 0.1
    done
    die "nothing listening on $proto port $port${ns:+ in netns $ns}"
}

port_free() {    # port_free tcp|udp PORT
    local flag=-Hltn
    [ "$1" = udp ] && flag=-Hlun
    if ss $flag "sport = :$2" | grep -q .; then
        ss $flag -p "sport = :$2" >&2 || true
        die "$1 port $2 is already in use; stop whatever uses it and retry"
    fi
}

# cap_start [ip netns exec NS] tcpdump ARGS...: start capture, wait until ready
cap_start() {
    bg "tcpdump-$(date +%s%N)" "$@"
    CAP_PID=$LAST_PID
    sleep 1
    kill -0 "$CAP_PID" 2>/dev/null || die "tcpdump failed to start: $*"
}
cap_stop() {
    sleep 1
    stop_pid "$CAP_PID" INT
    CAP_PID=
}

TCPDUMP=(tcpdump --immediate-mode -U -Z root -n)

# loopback_namespace NAME: a fresh namespace with only lo up, deleted on exit.
loopback_namespace() {
    ip netns del "$1" 2>/dev/null || true
    ip netns add "$1"
    ip -n "$1" link set lo up
    NAMESPACES+=("$1")
}

# mosquitto_conf FILE LISTEN-ADDRESS [EXTRA-LINE...]: a broker configuration
# for the tests: anonymous clients, no persistence, log to stderr.
mosquitto_conf() {
    local file=$1 addr=$2
    shift 2
    { echo "listener 1883 $addr"; echo "allow_anonymous true"; echo "persistence false"
      echo "log_dest stderr"; printf '%s\n' "$@"; } >"$file"
}
