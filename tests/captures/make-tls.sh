#!/usr/bin/env bash
# make-tls.sh -- captures of TLS and DTLS handshakes made with real programs
# (OpenSSL, mosquitto, libcoap/GnuTLS).  Run as root on Debian 12:
#
#     sudo bash tests/captures/make-tls.sh
#
# Everything runs on loopback (127.0.0.1) except the small-MTU capture,
# which runs on the loopback interface of a throw-away network namespace
# (deleted on exit).  Ports are ones tshark decodes as TLS/DTLS by default:
# TCP 443 and 8883, UDP 5684.  Files go to ${CAPTURES_OUT:-this folder}.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
NS=iotscope-tls
TLS_PORT=443
MQTTS_PORT=8883
DTLS_PORT=5684

. "$HERE/lib.sh"

# Tools beyond lib.sh's: binary -> Debian package.
declare -A MORE_PKGS=(
    [coap-server-gnutls]=libcoap3-bin [coap-client-gnutls]=libcoap3-bin
    [ethtool]=ethtool
)
need=()
for tool in "${!MORE_PKGS[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || need+=("${MORE_PKGS[$tool]}")
done
if [ ${#need[@]} -gt 0 ]; then
    log "installing missing packages: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y "${need[@]}" || { apt-get update && apt-get install -y "${need[@]}"; }
fi

# Checks a capture with tshark: at least MIN frames match FILTER.
expect() {   # expect FILE FILTER MIN
    local n
    n=$(tshark -r "$1" -Y "$2" 2>/dev/null | wc -l)
    [ "$n" -ge "$3" ] || die "$(basename "$1"): only $n frames match '$2' (want >= $3)"
}

# --------------------------------------------------------------- certificate
# A small self-signed EC certificate keeps the handshakes short.
CERT=$WORK/gateway.crt
KEY=$WORK/gateway.key
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$KEY" -out "$CERT" -days 365 \
    -subj "/C=DE/O=iotscope test/CN=iot-gateway.local" \
    -addext "subjectAltName=DNS:iot-gateway.local" 2>"$WORK/req.log" \
    || die "openssl req failed"
chmod 644 "$KEY"

# tls_session VERSION-FLAG CLIENT-EXTRA...: one s_server connection on
# 127.0.0.1:$TLS_PORT that echoes the client's line reversed.  The server
# accepts the groups in SERVER_GROUPS.
SERVER_GROUPS=P-256:X25519
tls_session() {
    local v=$1 spid; shift
    bg "s_server$v" openssl s_server -accept "127.0.0.1:$TLS_PORT" -naccept 1 \
        -cert "$CERT" -key "$KEY" "$v" -alpn mqtt,http/1.1 -rev -groups "$SERVER_GROUPS" </dev/null
    spid=$LAST_PID
    wait_listen tcp "$TLS_PORT"
    (echo "hello from an iot sensor"; sleep 1) | timeout 10 openssl s_client \
        -connect "127.0.0.1:$TLS_PORT" -servername iot-gateway.local -alpn mqtt \
        "$v" "$@" >>"$WORK/s_client.log" 2>&1 || true
    sleep 0.3
    stop_pid "$spid"
}

# --------------------------------------------------------------- tls12.pcap
log "tls12.pcap"
port_free tcp "$TLS_PORT"
cap_start "${TCPDUMP[@]}" -i lo -w "$WORK/tls12.pcap" "tcp port $TLS_PORT and host 127.0.0.1"
tls_session -tls1_2
# A client offering only a cipher the server refuses: plaintext fatal alert.
tls_session -tls1_2 -cipher AES128-SHA
cap_stop

# --------------------------------------------------------------- tls13.pcap
log "tls13.pcap"
cap_start "${TCPDUMP[@]}" -i lo -w "$WORK/tls13.pcap" "tcp port $TLS_PORT and host 127.0.0.1"
tls_session -tls1_3
# The client sends a key share for X25519 only, the server accepts only
# P-256: the server answers with a HelloRetryRequest.
SERVER_GROUPS=P-256
tls_session -tls1_3 -groups X25519:P-256
SERVER_GROUPS=P-256:X25519
cap_stop

# --------------------------------------------------------------- tls-smallmtu.pcap
# The same TLS 1.2 exchange inside a namespace whose loopback MTU is 400:
# the Certificate record is split over several TCP segments.
log "tls-smallmtu.pcap"
if ip netns list | grep -qw "$NS"; then ip netns del "$NS"; fi
NAMESPACES=("$NS")
ip netns add "$NS"
ip netns exec "$NS" ip link set lo mtu 400 up
# Without segmentation offload tcpdump sees the segments as sent on the wire.
ip netns exec "$NS" ethtool -K lo tso off gso off gro off >/dev/null 2>&1 || true
cap_start ip netns exec "$NS" "${TCPDUMP[@]}" -i lo -w "$WORK/tls-smallmtu.pcap" "tcp port $TLS_PORT"
bg s_server-ns ip netns exec "$NS" openssl s_server -accept "127.0.0.1:$TLS_PORT" -naccept 1 \
    -cert "$CERT" -key "$KEY" -tls1_2 -rev </dev/null
spid=$LAST_PID
wait_listen tcp "$TLS_PORT" "$NS"
(echo "hello through a small MTU"; sleep 1) | timeout 10 ip netns exec "$NS" openssl s_client \
    -connect "127.0.0.1:$TLS_PORT" -servername iot-gateway.local -tls1_2 \
    >>"$WORK/s_client.log" 2>&1 || true
sleep 0.3
stop_pid "$spid"
cap_stop
ip netns del "$NS"
NAMESPACES=()

# --------------------------------------------------------------- mqtt-tls.pcap
log "mqtt-tls.pcap"
port_free tcp "$MQTTS_PORT"
cat >"$WORK/mosquitto-tls.conf" <<EOF
listener $MQTTS_PORT 127.0.0.1
certfile $CERT
keyfile $KEY
allow_anonymous true
persistence false
log_dest stderr
EOF
bg mosquitto-tls mosquitto -c "$WORK/mosquitto-tls.conf"
bpid=$LAST_PID
wait_listen tcp "$MQTTS_PORT"
cap_start "${TCPDUMP[@]}" -i lo -w "$WORK/mqtt-tls.pcap" "tcp port $MQTTS_PORT and host 127.0.0.1"
mosquitto_pub -h 127.0.0.1 -p "$MQTTS_PORT" --cafile "$CERT" --insecure -i iot-tls-pub \
    -q 1 -t sensors/temperature -m '{"t":21.5}' >>"$WORK/mosquitto_pub.log" 2>&1 \
    || die "mosquitto_pub over TLS failed"
cap_stop
stop_pid "$bpid"

# --------------------------------------------------------------- dtls-psk.pcap
log "dtls-psk.pcap"
port_free udp "$DTLS_PORT"
bg coap-server-dtls coap-server-gnutls -A 127.0.0.1 -p 5683 -h iotscope -k iot-secret-key -v 3
cpid=$LAST_PID
wait_listen udp "$DTLS_PORT"
cap_start "${TCPDUMP[@]}" -i lo -w "$WORK/dtls-psk.pcap" "udp port $DTLS_PORT and host 127.0.0.1"
coap-client-gnutls -B 5 -u iotscope -k iot-secret-key "coaps://127.0.0.1/time" \
    >>"$WORK/coap-client.log" 2>&1 || die "coap-client-gnutls failed"
sleep 0.2
coap-client-gnutls -B 5 -u iotscope -k iot-secret-key -m put -e 'hello dtls' \
    "coaps://127.0.0.1/example_data" >>"$WORK/coap-client.log" 2>&1 || true
cap_stop
stop_pid "$cpid"

# --------------------------------------------------------------- dtls12.pcap
# OpenSSL DTLS 1.2 with the certificate: HelloVerifyRequest cookie exchange,
# then a certificate handshake.
log "dtls12.pcap"
cap_start "${TCPDUMP[@]}" -i lo -w "$WORK/dtls12.pcap" "udp port $DTLS_PORT and host 127.0.0.1"
# (-rev is TLS only: the server answers with a line of its own instead.)
bg s_server-dtls bash -c "(sleep 1.5; echo 'hello from the gateway'; sleep 2) | exec openssl s_server \
    -dtls1_2 -accept 127.0.0.1:$DTLS_PORT -naccept 1 -cert '$CERT' -key '$KEY' -listen"
spid=$LAST_PID
wait_listen udp "$DTLS_PORT"
(echo "hello over dtls"; sleep 2) | timeout 10 openssl s_client -dtls1_2 \
    -connect "127.0.0.1:$DTLS_PORT" -servername iot-gateway.local \
    >>"$WORK/s_client.log" 2>&1 || true
sleep 0.3
stop_pid "$spid"
cap_stop

# --------------------------------------------------------------- checks
expect "$WORK/tls12.pcap" 'tls.handshake.type == 11' 1
expect "$WORK/tls12.pcap" 'tls.alert_message.desc == 40' 1
expect "$WORK/tls13.pcap" 'tls.handshake.extensions.supported_version == 0x0304' 2
expect "$WORK/tls13.pcap" 'tls.handshake.type == 2' 3
expect "$WORK/tls-smallmtu.pcap" 'tls.handshake.type == 11' 1
expect "$WORK/mqtt-tls.pcap" 'tls.app_data' 2
expect "$WORK/dtls-psk.pcap" 'dtls.handshake.type == 1' 1
expect "$WORK/dtls-psk.pcap" 'dtls.app_data' 2
expect "$WORK/dtls12.pcap" 'dtls.handshake.cookie_length > 0' 1
expect "$WORK/dtls12.pcap" 'dtls.handshake.type == 11' 1

FILES=(tls12.pcap tls13.pcap tls-smallmtu.pcap mqtt-tls.pcap dtls-psk.pcap dtls12.pcap)
for f in "${FILES[@]}"; do
    size=$(stat -c %s "$WORK/$f")
    [ "$size" -lt 100000 ] || die "$f is $size bytes (limit 100000)"
done
for f in "${FILES[@]}"; do cp "$WORK/$f" "$OUT/$f"; chmod 644 "$OUT/$f"; done
log "wrote ${FILES[*]} to $OUT"
