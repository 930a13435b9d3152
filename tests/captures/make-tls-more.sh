#!/usr/bin/env bash
# make-tls-more.sh -- more TLS/DTLS decryption captures from real peers in a
# network namespace (run as root):
#
#   tls-alpn.pcap          MQTT over TLS (42883) and HTTPS (42443) on odd
#                          ports, where only ALPN ("mqtt", "http/1.1") says
#                          what the records carry
#   tls13-early-data.pcap  TLS 1.3 0-RTT: a resumed session whose first
#                          request travels as early data
#   tls12-psk.pcap         TLS 1.2 PSK suites over TCP, decrypted from the
#                          PSK alone (no key log), and one ECDHE-PSK session
#   dtls-fragments.pcap    DTLS 1.2 with a certificate and a small MTU: the
#                          Certificate message split across records
#   dtls-alpn.pcap         DTLS 1.2 PSK sessions on an odd UDP port (21158),
#                          two where only ALPN ("coap") says the records
#                          carry CoAP, one without ALPN
#   tls-coap.pcap          CoAP over TLS (RFC 8323 framing): ALPN "coap" on
#                          an odd TCP port (21159), TLS 1.2 PSK and TLS 1.3
#                          with a key log, and TLS on CoAP's port 5684
#
# Each capture gets the .keys and .opts sidecars the differential suites read.
# Usage: make-tls-more.sh [NAME...] (default: all six, by the names above
# without .pcap).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
NS=t14-tls

. "$HERE/lib.sh"
chmod 755 "$WORK"     # mosquitto drops privileges before reading its key

in_ns() { ip netns exec "$NS" "$@"; }
loopback_namespace "$NS"

wait_port() {   # wait_port tcp|udp PORT: bounded wait for a listener in the namespace
    wait_listen "$1" "$2" "$NS"
}

CERT=$WORK/gateway.crt
KEY=$WORK/gateway.key
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$KEY" -out "$CERT" -days 365 \
    -subj "/C=DE/O=iotscope test/CN=iot-gateway.local" \
    -addext "subjectAltName=DNS:iot-gateway.local" 2>"$WORK/req.log" || die "openssl req failed"
chmod 644 "$KEY" "$CERT"

# ------------------------------------------------------------ ALPN, odd port
# A TLS front end that, like the cloud brokers' ALPN listeners, selects
# "mqtt" and relays the plaintext to a mosquitto inside the namespace.
make_alpn() {
    local port=42883 hport=42443 keys=$WORK/tls-alpn.keys
    log "tls-alpn.pcap"
    mosquitto_conf "$WORK/alpn-mosquitto.conf" 127.0.0.1
    bg alpn-mosquitto ip netns exec "$NS" mosquitto -c "$WORK/alpn-mosquitto.conf"
    local broker=$LAST_PID
    wait_port tcp 1883
    cat >"$WORK/alpn_front.py" <<'PY'
import socket, ssl, sys, threading
port, cert, key, n = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
ctx.set_alpn_protocols(["mqtt"])
srv = socket.create_server(("127.0.0.1", port))
def pump(a, b):
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
            b.sendall(data)
    except OSError:
        pass
    for s in (a, b):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
for _ in range(n):
    conn, _ = srv.accept()
    tls = ctx.wrap_socket(conn, server_side=True)
    assert tls.selected_alpn_protocol() == "mqtt", tls.selected_alpn_protocol()
    up = socket.create_connection(("127.0.0.1", 1883))
    t = threading.Thread(target=pump, args=(up, tls))
    t.start()
    pump(tls, up)
    t.join()
PY
    bg alpn-front ip netns exec "$NS" python3 "$WORK/alpn_front.py" "$port" "$CERT" "$KEY" 2
    local front=$LAST_PID
    wait_port tcp "$port"
    : >"$keys"
    cat >"$WORK/alpn_https.py" <<'PY'
import http.server, ssl, sys
class Sensor(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        body = b'{"sensor":9,"rh":40}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Sensor)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[2], sys.argv[3])
ctx.set_alpn_protocols(["http/1.1"])
server.socket = ctx.wrap_socket(server.socket, server_side=True)
for _ in range(int(sys.argv[4])):
    server.handle_request()
PY
    bg alpn-https ip netns exec "$NS" python3 "$WORK/alpn_https.py" "$hport" "$CERT" "$KEY" 1
    local https=$LAST_PID
    wait_port tcp "$hport"
    cap_start ip netns exec "$NS" "${TCPDUMP[@]}" -i lo -w "$WORK/tls-alpn.pcap" "tcp port $port or tcp port $hport"
    in_ns python3 "$HERE/mqtt_tls_client.py" "$port" "$keys" 1.3 - alpn-tls13 >>"$WORK/alpn-client.log" 2>&1 \
        || die "MQTT/TLS client failed (see $WORK/alpn-client.log)"
    sleep 0.2
    in_ns python3 "$HERE/mqtt_tls_client.py" "$port" "$keys" 1.2 ECDHE-ECDSA-AES128-GCM-SHA256 alpn-tls12 \
        >>"$WORK/alpn-client.log" 2>&1 || die "MQTT/TLS client failed (see $WORK/alpn-client.log)"
    sleep 0.2
    SSLKEYLOGFILE=$keys in_ns curl -sS --insecure --http1.1 --tlsv1.3 -o /dev/null \
        "https://127.0.0.1:$hport/sensors?id=9" >>"$WORK/alpn-curl.log" 2>&1 || die "curl failed (see $WORK/alpn-curl.log)"
    sleep 0.2
    cap_stop
    stop_pid "$https"
    stop_pid "$front"
    stop_pid "$broker"
    echo "-o tls.keylog_file:tls-alpn.keys" >"$WORK/tls-alpn.opts"
    RESULTS+=(tls-alpn.pcap tls-alpn.keys tls-alpn.opts)
}

# ------------------------------------------------------------ TLS 1.2 PSK over TCP
# openssl s_server/s_client with a PSK and no certificate, an MQTT CONNECT
# and CONNACK through them on 8883.  Decrypted from the PSK alone; the
# ECDHE-PSK session needs the (EC)DHE secret too, so it stays closed, and
# the ARIA-GCM one uses a cipher neither we nor tshark 4.0 decrypt.
PSK=696f7473636f70652d646576696365   # "iotscope-device"
printf '\x10\x17\x00\x04MQTT\x04\x02\x00\x1e\x00\x0bpsk-sensor1' >"$WORK/mqtt-connect"
printf '\x20\x02\x00\x00' >"$WORK/mqtt-connack"
psk_session() {   # psk_session CIPHER
    local port=8883
    ( sleep 1.5; cat "$WORK/mqtt-connack"; sleep 1 ) | \
        in_ns timeout 10 openssl s_server -tls1_2 -accept "127.0.0.1:$port" -naccept 1 \
        -nocert -psk "$PSK" -psk_identity iotscope-device -cipher "$1" -quiet >>"$WORK/s_server-psk.log" 2>&1 &
    local spid=$!
    wait_port tcp "$port"
    ( sleep 0.5; cat "$WORK/mqtt-connect"; sleep 2 ) | \
        in_ns timeout 10 openssl s_client -tls1_2 -connect "127.0.0.1:$port" \
        -psk "$PSK" -psk_identity iotscope-device -cipher "$1" -quiet >>"$WORK/s_client-psk.log" 2>&1 || true
    wait "$spid" || true
    sleep 0.3
}
make_tls12_psk() {
    log "tls12-psk.pcap"
    cap_start ip netns exec "$NS" "${TCPDUMP[@]}" -i lo -w "$WORK/tls12-psk.pcap" "tcp port 8883"
    psk_session PSK-AES128-GCM-SHA256
    psk_session PSK-AES256-CBC-SHA384
    psk_session PSK-CHACHA20-POLY1305
    psk_session ECDHE-PSK-AES128-CBC-SHA256
    psk_session PSK-ARIA128-GCM-SHA256
    cap_stop
    echo "-o tls.psk:$PSK" >"$WORK/tls12-psk.opts"
    RESULTS+=(tls12-psk.pcap tls12-psk.opts)
}

# ------------------------------------------------------------ TLS 1.3 0-RTT
# openssl s_client resumes a session with a ticket and sends an MQTT
# CONNECT as early data (CLIENT_EARLY_TRAFFIC_SECRET in its key log); the
# s_server accepts it.  (s_server's input goes to the connection open at
# the time: both CONNACKs travel in the first session.)
make_early_data() {
    local port=8883 keys=$WORK/tls13-early-data.keys
    log "tls13-early-data.pcap"
    printf '\x10\x17\x00\x04MQTT\x04\x02\x00\x1e\x00\x0bearly-data1' >"$WORK/connect-early"
    printf '\x20\x02\x00\x00' >"$WORK/connack"
    : >"$keys"
    cap_start ip netns exec "$NS" "${TCPDUMP[@]}" -i lo -w "$WORK/tls13-early-data.pcap" "tcp port $port"
    ( sleep 1.5; cat "$WORK/connack"; sleep 3.5; cat "$WORK/connack"; sleep 2 ) | \
        in_ns timeout 15 openssl s_server -tls1_3 -accept "127.0.0.1:$port" -naccept 2 -early_data \
        -cert "$CERT" -key "$KEY" -quiet >>"$WORK/s_server-early.log" 2>&1 &
    local spid=$!
    wait_port tcp "$port"
    ( sleep 0.5; cat "$WORK/mqtt-connect"; sleep 2 ) | \
        in_ns timeout 10 openssl s_client -tls1_3 -connect "127.0.0.1:$port" -sess_out "$WORK/session.pem" \
        -keylogfile "$keys" -quiet >>"$WORK/s_client-early.log" 2>&1 || true
    [ -s "$WORK/session.pem" ] || die "no session ticket saved (see $WORK/s_client-early.log)"
    sleep 0.5
    ( sleep 2.5 ) | \
        in_ns timeout 10 openssl s_client -tls1_3 -connect "127.0.0.1:$port" -sess_in "$WORK/session.pem" \
        -early_data "$WORK/connect-early" -keylogfile "$keys" -quiet >>"$WORK/s_client-early.log" 2>&1 || true
    wait "$spid" || true
    cap_stop
    grep -q CLIENT_EARLY_TRAFFIC_SECRET "$keys" || die "the client logged no early traffic secret"
    echo "-o tls.keylog_file:tls13-early-data.keys" >"$WORK/tls13-early-data.opts"
    RESULTS+=(tls13-early-data.pcap tls13-early-data.keys tls13-early-data.opts)
}

# ------------------------------------------------------------ DTLS fragments
# openssl s_server/s_client -dtls1_2 with an RSA certificate and a 400-byte
# MTU: the Certificate (and other long handshake messages) travel in
# fragments across records and datagrams.  CoAP on 5684, key log from the
# client.
make_dtls_fragments() {
    local port=5684 keys=$WORK/dtls-fragments.keys
    log "dtls-fragments.pcap"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/rsa.key" -out "$WORK/rsa.crt" -days 365 \
        -subj "/C=DE/O=iotscope test/OU=constrained devices/CN=coap-gateway.local" \
        -addext "subjectAltName=DNS:coap-gateway.local,DNS:gateway.iot.example" 2>>"$WORK/req.log" \
        || die "openssl req (RSA) failed"
    printf '\x40\x02\x12\x35\xb7sensors\xfft=22.0' >"$WORK/coap-request"
    printf '\x60\x44\x12\x35\xffok' >"$WORK/coap-response"
    : >"$keys"
    cap_start ip netns exec "$NS" "${TCPDUMP[@]}" -i lo -w "$WORK/dtls-fragments.pcap" "udp port $port"
    ( sleep 1.5; cat "$WORK/coap-response"; sleep 1 ) | \
        in_ns timeout 10 openssl s_server -dtls1_2 -accept "127.0.0.1:$port" -naccept 1 -mtu 400 \
        -cert "$WORK/rsa.crt" -key "$WORK/rsa.key" -cipher ECDHE-RSA-AES128-GCM-SHA256 -quiet \
        >>"$WORK/s_server-frag.log" 2>&1 &
    local spid=$!
    wait_port udp "$port"
    ( sleep 0.5; cat "$WORK/coap-request"; sleep 2 ) | \
        in_ns timeout 10 openssl s_client -dtls1_2 -connect "127.0.0.1:$port" -mtu 400 \
        -cipher ECDHE-RSA-AES128-GCM-SHA256 -keylogfile "$keys" -quiet >>"$WORK/s_client-frag.log" 2>&1 || true
    wait "$spid" || true
    cap_stop
    grep -q CLIENT_RANDOM "$keys" || die "the client logged no secret"
    echo "-o tls.keylog_file:dtls-fragments.keys" >"$WORK/dtls-fragments.opts"
    RESULTS+=(dtls-fragments.pcap dtls-fragments.keys dtls-fragments.opts)
}

# ------------------------------------------------------------ DTLS, ALPN "coap"
# openssl s_server/s_client -dtls1_2 with a PSK on UDP 21158, a port no
# table names: found by the DTLS heuristic, and the decrypted records are
# CoAP only because the server selected "coap" by ALPN.  The third session
# offers no ALPN, so its plaintext stays data.
dtls_alpn_session() {   # dtls_alpn_session CIPHER REQUEST RESPONSE [-alpn coap]
    local port=21158 cipher=$1 request=$2 response=$3
    shift 3
    ( sleep 1.5; cat "$response"; sleep 1 ) | \
        in_ns timeout 10 openssl s_server -dtls1_2 -accept "127.0.0.1:$port" -naccept 1 -nocert \
        -psk "$PSK" -psk_identity coap-node -cipher "$cipher" "$@" -quiet >>"$WORK/s_server-alpn.log" 2>&1 &
    local spid=$!
    wait_port udp "$port"
    ( sleep 0.5; cat "$request"; sleep 2 ) | \
        in_ns timeout 10 openssl s_client -dtls1_2 -connect "127.0.0.1:$port" -psk "$PSK" \
        -psk_identity coap-node -cipher "$cipher" "$@" -quiet >>"$WORK/s_client-alpn.log" 2>&1 || true
    wait "$spid" || true
    sleep 0.3
}
make_dtls_alpn() {
    log "dtls-alpn.pcap"
    # CoAP POST /sensors "t=22.5" (MID 0x2001, token 0xa1), answered 2.04 "ok";
    # CoAP GET /config (MID 0x2002, token 0xa2), answered 2.05 "period=60".
    printf '\x41\x02\x20\x01\xa1\xb7sensors\xfft=22.5' >"$WORK/alpn-post"
    printf '\x61\x44\x20\x01\xa1\xffok' >"$WORK/alpn-changed"
    printf '\x41\x01\x20\x02\xa2\xb6config' >"$WORK/alpn-get"
    printf '\x61\x45\x20\x02\xa2\xffperiod=60' >"$WORK/alpn-content"
    cap_start ip netns exec "$NS" "${TCPDUMP[@]}" -i lo -w "$WORK/dtls-alpn.pcap" "udp port 21158"
    dtls_alpn_session PSK-AES128-CCM8 "$WORK/alpn-post" "$WORK/alpn-changed" -alpn coap
    dtls_alpn_session PSK-AES256-GCM-SHA384 "$WORK/alpn-get" "$WORK/alpn-content" -alpn coap
    dtls_alpn_session PSK-AES128-CCM "$WORK/alpn-get" "$WORK/alpn-content"
    cap_stop
    echo "-o dtls.psk:$PSK" >"$WORK/dtls-alpn.opts"
    RESULTS+=(dtls-alpn.pcap dtls-alpn.opts)
}

# ------------------------------------------------------------ CoAP over TLS
# openssl s_server/s_client carrying CoAP messages with RFC 8323's framing
# (a length nibble, extended lengths, no type or message ID).  Two
# sessions on 21159, a port no table names, where the server selects
# "coap" by ALPN: TLS 1.2 with a PSK alone, and TLS 1.3 with a certificate
# and the client's key log (a 4-byte token, a 28-byte payload: an extended
# length); one TLS 1.2 PSK session on 5684 without ALPN (CoAP by port).
tls_coap_session() {   # tls_coap_session PORT REQUEST RESPONSE OPENSSL-ARGS...
    local port=$1 request=$2 response=$3
    shift 3
    ( sleep 1.5; cat "$response"; sleep 1 ) | \
        in_ns timeout 10 openssl s_server -accept "127.0.0.1:$port" -naccept 1 "$@" -quiet \
        >>"$WORK/s_server-coap.log" 2>&1 &
    local spid=$!
    wait_port tcp "$port"
    ( sleep 0.5; cat "$request"; sleep 2 ) | \
        in_ns timeout 10 openssl s_client -connect "127.0.0.1:$port" "${CLIENT_ARGS[@]}" -quiet \
        >>"$WORK/s_client-coap.log" 2>&1 || true
    wait "$spid" || true
    sleep 0.3
}
make_tls_coap() {
    local keys=$WORK/tls-coap.keys psk=(-psk "$PSK" -psk_identity coap-node)
    log "tls-coap.pcap"
    # GET /config, token a3 (Len 7 = option), answered 2.05 "period=60" (Len 10).
    printf '\x71\x01\xa3\xb6config' >"$WORK/tcp-get"
    printf '\xa1\x45\xa3\xffperiod=60' >"$WORK/tcp-content"
    # POST /sensors/t1, token c0ffee01, a 28-byte JSON payload: options and
    # payload take 40 bytes, Len 13 with the extended length 27; answered
    # 2.04 with the token alone (Len 0).
    printf '\xd4\x1b\x02\xc0\xff\xee\x01\xb7sensors\x02t1\xff{"t":21.5,"rh":40,"id":"t1"}' >"$WORK/tcp-post"
    printf '\x04\x44\xc0\xff\xee\x01' >"$WORK/tcp-changed"
    : >"$keys"
    cap_start ip netns exec "$NS" "${TCPDUMP[@]}" -i lo -w "$WORK/tls-coap.pcap" "tcp port 21159 or tcp port 5684"
    CLIENT_ARGS=(-tls1_2 "${psk[@]}" -cipher PSK-AES128-GCM-SHA256 -alpn coap)
    tls_coap_session 21159 "$WORK/tcp-get" "$WORK/tcp-content" -tls1_2 -nocert "${psk[@]}" \
        -cipher PSK-AES128-GCM-SHA256 -alpn coap
    CLIENT_ARGS=(-tls1_3 -keylogfile "$keys" -alpn coap)
    tls_coap_session 21159 "$WORK/tcp-post" "$WORK/tcp-changed" -tls1_3 -cert "$CERT" -key "$KEY" -alpn coap
    CLIENT_ARGS=(-tls1_2 "${psk[@]}" -cipher PSK-CHACHA20-POLY1305)
    tls_coap_session 5684 "$WORK/tcp-get" "$WORK/tcp-content" -tls1_2 -nocert "${psk[@]}" \
        -cipher PSK-CHACHA20-POLY1305
    cap_stop
    grep -q CLIENT_HANDSHAKE_TRAFFIC_SECRET "$keys" || die "the TLS 1.3 client logged no secret"
    printf -- '-o tls.psk:%s\n-o tls.keylog_file:tls-coap.keys\n' "$PSK" >"$WORK/tls-coap.opts"
    RESULTS+=(tls-coap.pcap tls-coap.keys tls-coap.opts)
}

RESULTS=()
what=("$@")
[ ${#what[@]} -gt 0 ] || what=(tls-alpn tls13-early-data tls12-psk dtls-fragments dtls-alpn tls-coap)
for name in "${what[@]}"; do
    case $name in
        tls-alpn) make_alpn ;;
        tls13-early-data) make_early_data ;;
        tls12-psk) make_tls12_psk ;;
        dtls-fragments) make_dtls_fragments ;;
        dtls-alpn) make_dtls_alpn ;;
        tls-coap) make_tls_coap ;;
        *) die "unknown capture $name" ;;
    esac
done
for f in "${RESULTS[@]}"; do
    cp "$WORK/$f" "$OUT/$f"
    log "wrote $OUT/$f"
done
