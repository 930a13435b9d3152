#!/usr/bin/env bash
# make-tls-decrypt.sh -- TLS captures whose secrets are known, for the
# decryption tests.  Run as root on Debian 12:
#
#     sudo bash tests/captures/make-tls-decrypt.sh
#
# Real peers in a throw-away network namespace (deleted on exit): mosquitto
# with a TLS listener and a Python ssl MQTT client that writes a key log
# (SSLKEYLOGFILE format), curl against a Python HTTPS server.  Each capture
# gets its key log beside it (test secrets, committed on purpose) and a
# <capture name>.opts file (without .pcap, so the *.pcap* globs skip it) with the options that make tshark and iotscope-cli use it.
#
#   mqtt-tls-decrypt.pcap  MQTT on 8883: TLS 1.3 AES-256-GCM and ChaCha20,
#                          TLS 1.2 AES-128-GCM, ChaCha20, AES-128-CBC-SHA256
#                          (encrypt-then-MAC and MAC-then-encrypt) and
#                          AES-256-CBC-SHA; one more session whose secrets
#                          are left out of the key log.
#   https-decrypt.pcap     HTTP on 443: curl and a Python HTTPS server, TLS 1.3
#                          and TLS 1.2 AES-256-GCM.
#   https-dsb.pcapng       the same with its key log in a Decryption Secrets
#                          Block (editcap --inject-secrets).
#   dtls-psk-decrypt.pcap  CoAP over DTLS 1.2 with a PSK (openssl s_server and
#                          s_client): PSK-AES128-CCM8, PSK-AES128-CCM, PSK-AES128-GCM.
#   dtls-psk-chacha.pcap   the same with PSK-CHACHA20-POLY1305 (no .opts: tshark
#                          4.0 cannot decrypt it; the CLI test checks it).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
NS=tls-decrypt-ns
MQTTS_PORT=8883
HTTPS_PORT=443

. "$HERE/lib.sh"
chmod 755 "$WORK"     # mosquitto drops privileges before reading its key

in_ns() { ip netns exec "$NS" "$@"; }

if ip netns list | grep -qw "$NS"; then ip netns del "$NS"; fi
NAMESPACES=("$NS")
ip netns add "$NS"
in_ns ip link set lo up

CERT=$WORK/gateway.crt
KEY=$WORK/gateway.key
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$KEY" -out "$CERT" -days 365 \
    -subj "/C=DE/O=iotscope test/CN=iot-gateway.local" \
    -addext "subjectAltName=DNS:iot-gateway.local" 2>"$WORK/req.log" \
    || die "openssl req failed"
chmod 644 "$KEY" "$CERT"

# ------------------------------------------------------- mqtt-tls-decrypt.pcap
log "mqtt-tls-decrypt.pcap"
KEYS=$WORK/mqtt-tls-decrypt.keys
: >"$KEYS"
cap_start ip netns exec "$NS" "${TCPDUMP[@]}" -i lo -w "$WORK/mqtt-tls-decrypt.pcap" "tcp port $MQTTS_PORT"

# broker TLS13-SUITES: one mosquitto for the sessions below it.
broker() {
    for _ in $(seq 50); do   # the previous broker has let go of the port
        in_ns ss -ltn "sport = :$MQTTS_PORT" | grep -q LISTEN || break
        sleep 0.1
    done
    cat >"$WORK/mosquitto.conf" <<CONF
listener $MQTTS_PORT 127.0.0.1
certfile $CERT
keyfile $KEY
ciphers_tls1.3 $1
allow_anonymous true
persistence false
log_dest stderr
CONF
    bg "mosquitto-$1" ip netns exec "$NS" mosquitto -c "$WORK/mosquitto.conf"
    BROKER=$LAST_PID
    for _ in $(seq 50); do
        in_ns ss -ltn "sport = :$MQTTS_PORT" | grep -q LISTEN && return 0
        sleep 0.1
    done
    die "mosquitto did not start"
}
session() {   # session VERSION CIPHERS CLIENT-ID [no-etm]
    in_ns python3 "$HERE/mqtt_tls_client.py" "$MQTTS_PORT" "$KEYS" "$@" \
        >>"$WORK/client.log" 2>&1 || die "MQTT/TLS client $3 failed (see $WORK/client.log)"
    sleep 0.2
}
broker TLS_AES_256_GCM_SHA384
session 1.3 - tls13-aes256gcm
session 1.2 ECDHE-ECDSA-AES128-GCM-SHA256 tls12-aes128gcm
session 1.2 ECDHE-ECDSA-CHACHA20-POLY1305 tls12-chacha20
session 1.2 ECDHE-ECDSA-AES128-SHA256 tls12-cbc-etm
session 1.2 ECDHE-ECDSA-AES128-SHA256 tls12-cbc-mte no-etm
session 1.2 ECDHE-ECDSA-AES256-SHA tls12-cbc-sha1 no-etm
stop_pid "$BROKER"
broker TLS_CHACHA20_POLY1305_SHA256
session 1.3 - tls13-chacha20
# The last session's secrets stay out of the committed key log.
cp "$KEYS" "$WORK/keys-without-last"
session 1.3 - tls13-nokeys
stop_pid "$BROKER"
cap_stop
cp "$WORK/keys-without-last" "$KEYS"

# ---------------------------------------------------------- https-decrypt.pcap
log "https-decrypt.pcap"
HKEYS=$WORK/https-decrypt.keys
cap_start ip netns exec "$NS" "${TCPDUMP[@]}" -i lo -w "$WORK/https-decrypt.pcap" "tcp port $HTTPS_PORT"
# A Python HTTPS server: one sensor reading per request, with a length.
cat >"$WORK/https_server.py" <<'PY'
import http.server, ssl, sys
class Sensor(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'{"sensor":7,"t":21.5,"unit":"C"}'
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
server.socket = ctx.wrap_socket(server.socket, server_side=True)
for _ in range(int(sys.argv[4])):
    server.handle_request()
PY
bg https-server ip netns exec "$NS" python3 "$WORK/https_server.py" "$HTTPS_PORT" "$CERT" "$KEY" 2
spid=$LAST_PID
for _ in $(seq 50); do
    in_ns ss -ltn "sport = :$HTTPS_PORT" | grep -q LISTEN && break
    sleep 0.1
done
for v in "--tlsv1.3" "--tlsv1.2 --tls-max 1.2 --ciphers ECDHE-ECDSA-AES256-GCM-SHA384"; do
    # shellcheck disable=SC2086
    SSLKEYLOGFILE=$HKEYS in_ns curl -sS --insecure --http1.1 $v -o /dev/null \
        "https://127.0.0.1:$HTTPS_PORT/sensors?id=7" >>"$WORK/curl.log" 2>&1 \
        || die "curl failed (see $WORK/curl.log)"
    sleep 0.3
done
stop_pid "$spid"
cap_stop

log "https-dsb.pcapng"
editcap --inject-secrets "tls,$HKEYS" "$WORK/https-decrypt.pcap" "$WORK/https-dsb.pcapng" \
    || die "editcap --inject-secrets failed"

# ------------------------------------------------------- dtls-psk-decrypt.pcap
# OpenSSL DTLS 1.2 with a plain PSK (RFC 4279) carrying CoAP: the client
# POSTs a reading, the server answers 2.04 Changed.  CCM_8 is CoAP's
# mandatory suite; CCM and GCM beside it.  ChaCha20 goes to a capture of
# its own: tshark 4.0 computes the DTLS ChaCha20 nonce wrongly, so that one
# is checked against what the peers sent (tests/cli/test-decrypt.sh).
PSK=696f7473636f70652d646576696365   # "iotscope-device"
DTLS_PORT=5684
# CoAP CON POST /sensors "t=21.5" (message ID 0x1234) and its ACK 2.04 "ok".
printf '\x40\x02\x12\x34\xb7sensors\xfft=21.5' >"$WORK/coap-request"
printf '\x60\x44\x12\x34\xffok' >"$WORK/coap-response"
dtls_session() {   # dtls_session CIPHER
    ( sleep 1.5; cat "$WORK/coap-response"; sleep 1 ) | \
        in_ns timeout 10 openssl s_server -dtls1_2 -accept "127.0.0.1:$DTLS_PORT" -naccept 1 \
        -nocert -psk "$PSK" -cipher "$1" -quiet >>"$WORK/s_server-dtls.log" 2>&1 &
    local spid=$!
    sleep 0.5
    ( sleep 0.5; cat "$WORK/coap-request"; sleep 2 ) | \
        in_ns timeout 10 openssl s_client -dtls1_2 -connect "127.0.0.1:$DTLS_PORT" \
        -psk "$PSK" -psk_identity iotscope-device -cipher "$1" -quiet >>"$WORK/s_client-dtls.log" 2>&1 || true
    wait "$spid" || true
    sleep 0.2
}
log "dtls-psk-decrypt.pcap"
cap_start ip netns exec "$NS" "${TCPDUMP[@]}" -i lo -w "$WORK/dtls-psk-decrypt.pcap" "udp port $DTLS_PORT"
dtls_session PSK-AES128-CCM8
dtls_session PSK-AES128-CCM
dtls_session PSK-AES128-GCM-SHA256
cap_stop
log "dtls-psk-chacha.pcap"
cap_start ip netns exec "$NS" "${TCPDUMP[@]}" -i lo -w "$WORK/dtls-psk-chacha.pcap" "udp port $DTLS_PORT"
dtls_session PSK-CHACHA20-POLY1305
cap_stop

# ------------------------------------------------------------------- checks
expect() {   # expect FILE OPTS FILTER N: exactly N frames match
    local n
    # shellcheck disable=SC2086
    n=$(tshark -r "$1" $2 -Y "$3" 2>/dev/null | wc -l)
    [ "$n" -eq "$4" ] || die "$(basename "$1"): $n frames match '$3' (want $4)"
}
expect "$WORK/mqtt-tls-decrypt.pcap" "-o tls.keylog_file:$KEYS" 'mqtt.msgtype == 3 && mqtt.qos == 1' 14
expect "$WORK/https-decrypt.pcap" "-o tls.keylog_file:$HKEYS" 'http.request' 2
expect "$WORK/mqtt-tls-decrypt.pcap" "" 'tls.handshake.type == 2 && tls.handshake.ciphersuite == 0x1303' 2
expect "$WORK/mqtt-tls-decrypt.pcap" "" 'tls.handshake.type == 2 && tls.handshake.ciphersuite == 0x1302' 1
expect "$WORK/dtls-psk-decrypt.pcap" "" 'dtls.handshake.type == 2' 3
expect "$WORK/dtls-psk-chacha.pcap" "" 'dtls.handshake.ciphersuite == 0xccab && dtls.handshake.type == 2' 1
expect "$WORK/dtls-psk-decrypt.pcap" "-o dtls.psk:$PSK" 'coap.code == 2' 3
expect "$WORK/dtls-psk-decrypt.pcap" "-o dtls.psk:$PSK" 'coap.code == 68' 3
expect "$WORK/https-dsb.pcapng" "" 'http.response.code == 200' 2

for f in mqtt-tls-decrypt.pcap https-decrypt.pcap https-dsb.pcapng dtls-psk-decrypt.pcap dtls-psk-chacha.pcap; do
    cp "$WORK/$f" "$OUT/$f"
done
cp "$KEYS" "$OUT/mqtt-tls-decrypt.keys"
cp "$HKEYS" "$OUT/https-decrypt.keys"
echo "-o tls.keylog_file:mqtt-tls-decrypt.keys" >"$OUT/mqtt-tls-decrypt.opts"
echo "-o tls.keylog_file:https-decrypt.keys" >"$OUT/https-decrypt.opts"
echo "-o dtls.psk:$PSK" >"$OUT/dtls-psk-decrypt.opts"
log "done: mqtt-tls-decrypt.pcap https-decrypt.pcap https-dsb.pcapng dtls-psk-decrypt.pcap dtls-psk-chacha.pcap"
