# lib-capture.sh — helpers for the live-capture tests.  Sourced by each
# test-capture-*.sh.  Tests need root (packet sockets, namespaces) and
# skip with status 77 without it.
set -u

CLI=${IOTSCOPE_CLI:?IOTSCOPE_CLI must name the iotscope-cli binary}
cd "${IOTSCOPE_SOURCE_ROOT:?}"

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "live capture tests need root"
for tool in tcpdump tshark python3 ip; do
    command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
done

T=$(mktemp -d /tmp/iotscope-capture-test.XXXXXX)
chmod 755 "$T"
PIDS=()
NAMESPACES=()
failures=0

cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do
        for _ in $(seq 1 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null
    done
    for p in "${NAMESPACES[@]}"; do ip netns del "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT

ok()   { echo "ok   $*"; }
bad()  { echo "FAIL $*"; failures=$((failures + 1)); }
check() { # check NAME COMMAND...: passes when the command succeeds
    local name=$1; shift
    if "$@"; then ok "$name"; else bad "$name"; fi
}
finish() { [ "$failures" = 0 ] && { echo "all passed"; exit 0; }; echo "$failures failure(s)"; exit 1; }

forget() { local p keep=(); for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done; PIDS=("${keep[@]}"); }

# wait_for FILE TEXT [SECONDS]: until FILE contains TEXT.
wait_for() {
    local i limit=$(( ${3:-10} * 10 ))
    for i in $(seq 1 "$limit"); do
        grep -qF -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "timed out waiting for \"$2\" in $1:" >&2; cat "$1" >&2
    return 1
}

# wait_exit PID SECONDS: waits for a background child; its status in $?.
wait_exit() {
    local i
    for i in $(seq 1 $(( $2 * 10 ))); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$1" 2>/dev/null; then
        echo "process $1 still running after $2 s" >&2
        kill -KILL "$1"; wait "$1" 2>/dev/null; forget "$1"; return 124
    fi
    wait "$1"; local rc=$?
    forget "$1"
    return $rc
}

# free_port [PREFERRED]: PREFERRED if nobody listens there, else a free one.
free_port() {
    python3 - "${1:-0}" <<'PY'
import socket, sys
want = int(sys.argv[1])
for port in ([want] if want else []) + [0]:
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port)); print(s.getsockname()[1]); break
    except OSError:
        pass
    finally:
        s.close()
PY
}

wait_listen() { # wait_listen PORT
    local i
    for i in $(seq 1 50); do
        python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 0.2).close()" "$1" \
            2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# pcap_records FILE: "complete partial_bytes" — the records a reader can
# use and the bytes of a record cut short at the end (0 when whole).
pcap_records() {
    python3 "$IOTSCOPE_SOURCE_ROOT/tests/capture/pcap-tool.py" records "$1"
}
