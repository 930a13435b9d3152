#!/usr/bin/env bash
# TLS decryption from the CLI: -o options, key log errors, a wrong key, a
# session without keys, and decrypted MQTT analysed as cleartext MQTT.
set -u
cli=${IOTSCOPE_CLI:?}
cd "${IOTSCOPE_SOURCE_ROOT:?}"
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cap=tests/captures/mqtt-tls-decrypt.pcap
keys=tests/captures/mqtt-tls-decrypt.keys

check () {   # check NAME CONDITION-STATUS [DETAIL]
  if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1 ${3:-}"; failures=$((failures + 1)); fi
}
count () {   # count ARGS...: lines of output
  "$cli" "$@" 2>/dev/null | wc -l
}

# Without secrets nothing is decrypted; with the key log every session
# whose secrets are in it is (7 of 8: the last one's are left out).
n=$(count -r "$cap" -Y mqtt)
check "no-secrets-no-mqtt" "$([ "$n" -eq 0 ]; echo $?)" "($n MQTT frames)"
n=$(count -o "tls.keylog_file:$keys" -r "$cap" -Y 'mqtt.msgtype == 1')
check "seven-sessions-decrypted" "$([ "$n" -eq 7 ]; echo $?)" "($n CONNECTs)"
n=$("$cli" -o "tls.keylog_file:$keys" -r "$cap" -T fields -e mqtt.clientid -Y 'mqtt.msgtype == 1' | sort -u | grep -c tls12)
check "tls12-suites" "$([ "$n" -eq 5 ]; echo $?)" "($n TLS 1.2 sessions)"

# The session whose secrets are missing says why, once per direction.
"$cli" -o "tls.keylog_file:$keys" -r "$cap" -q -z expert,note >"$tmp/expert" 2>&1
grep -q "Not decrypted: no key log entry for this client random" "$tmp/expert"
check "missing-key-named" $?

# A wrong secret: a bad record MAC on the first record of each direction,
# and nothing shown as MQTT.
# (every secret with its first byte's bits flipped)
python3 -c '
import sys
for line in open(sys.argv[1]):
    if line.startswith("#"):
        continue
    label, random, secret = line.split()
    print(label, random, "%02x" % (int(secret[:2], 16) ^ 0xff) + secret[2:])
' "$keys" >"$tmp/wrong.keys"
n=$(count -o "tls.keylog_file:$tmp/wrong.keys" -r "$cap" -Y mqtt)
check "wrong-key-no-mqtt" "$([ "$n" -eq 0 ]; echo $?)" "($n MQTT frames)"
"$cli" -o "tls.keylog_file:$tmp/wrong.keys" -r "$cap" -q -z expert >"$tmp/expert" 2>&1
n=$(grep -c "Decryption failed (bad record MAC)" "$tmp/expert")
check "wrong-key-bad-mac" "$([ "$n" -ge 1 ]; echo $?)" "$(cat "$tmp/expert")"
n=$(count -o "tls.keylog_file:$tmp/wrong.keys" -r "$cap" -Y '_ws.expert.message contains "bad record MAC"')
check "bad-mac-first-record-only" "$([ "$n" -eq 14 ]; echo $?)" "($n frames; want one per direction of 7 sessions)"

# A malformed key log line is named by its line; the other lines still work.
{ echo "# test"; echo "CLIENT_RANDOM 1234 abcd"; cat "$keys"; } >"$tmp/bad-line.keys"
"$cli" -o "tls.keylog_file:$tmp/bad-line.keys" -r "$cap" -Y 'mqtt.msgtype == 1' >"$tmp/out" 2>"$tmp/err"
grep -q "bad-line.keys:2: the client random is not 32 bytes" "$tmp/err"
check "malformed-line-named" $? "$(cat "$tmp/err")"
n=$(wc -l <"$tmp/out")
check "malformed-line-rest-used" "$([ "$n" -eq 7 ]; echo $?)" "($n CONNECTs)"

# -o errors.
"$cli" -o "tls.keylog_file:$tmp/none.keys" -r "$cap" >/dev/null 2>"$tmp/err"
check "missing-keylog-file" "$([ $? -ne 0 ] && grep -q none.keys "$tmp/err"; echo $?)"
"$cli" -o "nosuch.pref:1" -r "$cap" >/dev/null 2>"$tmp/err"
check "unknown-preference" "$([ $? -ne 0 ] && grep -q 'unknown preference "nosuch.pref"' "$tmp/err"; echo $?)"
"$cli" -o "dtls.psk:xyz" -r "$cap" >/dev/null 2>"$tmp/err"
check "bad-psk" "$([ $? -ne 0 ] && grep -q 'not hex' "$tmp/err"; echo $?)"

# Secrets inside the capture (a pcapng Decryption Secrets Block).
n=$(count -r tests/captures/https-dsb.pcapng -Y 'http.response.code == 200')
check "dsb-decrypts" "$([ "$n" -eq 2 ]; echo $?)" "($n responses)"

# Saving as pcapng writes the known key log entries into a secrets block:
# the capture's own (re-saved) and those given with -o (embedded), so the
# file decrypts by itself, for us and for tshark.
"$cli" -r tests/captures/https-dsb.pcapng -w "$tmp/resaved.pcapng" 2>"$tmp/err"
n=$(count -r "$tmp/resaved.pcapng" -Y 'http.response.code == 200')
check "dsb-kept-on-save" "$([ "$n" -eq 2 ]; echo $?)" "($n responses) $(cat "$tmp/err")"
"$cli" -o "tls.keylog_file:$keys" -r "$cap" -w "$tmp/embedded.pcapng" 2>"$tmp/err"
n=$(count -r "$tmp/embedded.pcapng" -Y 'mqtt.msgtype == 1')
check "secrets-embedded-on-save" "$([ "$n" -eq 7 ]; echo $?)" "($n CONNECTs) $(cat "$tmp/err")"
if command -v tshark >/dev/null; then
  n=$(tshark -r "$tmp/embedded.pcapng" -Y 'mqtt.msgtype == 1' 2>/dev/null | wc -l)
  check "embedded-secrets-read-by-tshark" "$([ "$n" -eq 7 ]; echo $?)" "($n CONNECTs)"
fi
"$cli" -r tests/captures/mqtt311.pcap -w "$tmp/plain.pcapng" 2>/dev/null
! grep -q "CLIENT_RANDOM" "$tmp/plain.pcapng"
check "no-secrets-no-block" $?

# DTLS 1.2 with a PSK.  ChaCha20-Poly1305 is not decrypted by tshark 4.0
# (it builds the DTLS nonce wrongly), so the plaintext is compared with
# what the peers sent (make-tls-decrypt.sh): CoAP POST /sensors "t=21.5",
# answered 2.04 "ok".
psk=696f7473636f70652d646576696365
"$cli" -o "dtls.psk:$psk" -r tests/captures/dtls-psk-chacha.pcap -T fields \
  -e coap.code -e coap.mid -e coap.opt.uri_path -e data.data -Y coap >"$tmp/coap" 2>&1
printf '2\t4660\tsensors\t743d32312e35\n68\t4660\t\t6f6b\n' | diff - "$tmp/coap" >/dev/null
check "dtls-chacha20-coap" $? "$(cat "$tmp/coap")"
n=$(count -o "dtls.psk:$psk" -r tests/captures/dtls-psk-decrypt.pcap -Y 'coap.opt.uri_path == "sensors"')
check "dtls-ccm8-ccm-gcm-coap" "$([ "$n" -eq 3 ]; echo $?)" "($n requests)"
"$cli" -o "dtls.psk:00$psk" -r tests/captures/dtls-psk-decrypt.pcap -q -z expert >"$tmp/expert" 2>&1
n=$(grep -c "Decryption failed (bad record MAC)" "$tmp/expert")
check "dtls-wrong-psk-bad-mac" "$([ "$n" -ge 1 ] && ! grep -q CoAP "$tmp/expert"; echo $?)" "$(cat "$tmp/expert")"
n=$(count -o "dtls.psk:00$psk" -r tests/captures/dtls-psk-decrypt.pcap -Y coap)
check "dtls-wrong-psk-no-coap" "$([ "$n" -eq 0 ]; echo $?)" "($n CoAP frames)"
# libcoap's GnuTLS build negotiates ECDHE-PSK: the PSK alone is not enough, and we say so.
"$cli" -o "dtls.psk:$(printf iot-secret-key | od -An -tx1 | tr -d ' \n')" -r tests/captures/dtls-psk.pcap -q -z expert,note >"$tmp/expert" 2>&1
grep -q "Not decrypted: ECDHE-PSK needs a key log, not just the PSK" "$tmp/expert"
check "ecdhe-psk-needs-keylog" $? "$(cat "$tmp/expert")"

# TLS 1.2 PSK suites over TCP from the PSK alone (make-tls-more.sh): the
# MQTT CONNECT and CONNACK the peers piped through openssl, in the three
# plain PSK sessions; ECDHE-PSK and ARIA-GCM stay closed and say why.
pskopt="tls.psk:$psk"
"$cli" -o "$pskopt" -r tests/captures/tls12-psk.pcap -T fields -e tls.handshake.ciphersuite \
  -e mqtt.clientid -e mqtt.conack.val -Y 'mqtt or tls.handshake.type == 2' >"$tmp/psk" 2>&1
printf '0x00a8\t\t\n\tpsk-sensor1\t\n\t\t0\n0x00af\t\t\n\tpsk-sensor1\t\n\t\t0\n0xccab\t\t\n\tpsk-sensor1\t\n\t\t0\n0xc037\t\t\n0xc06a\t\t\n' \
  | diff - "$tmp/psk" >/dev/null
check "tls12-psk-mqtt" $? "$(cat "$tmp/psk")"

# The security audit: each session, the kind of secret that opened it or
# why none did.
audit () {   # audit CAPTURE [OPTION]: the tls-* lines of the insight
  "$cli" ${2:+-o "$2"} -r "$1" -q -z insight 2>/dev/null | grep -o 'tls-[a-z-]*decrypted: .*'
}
a=$(audit tests/captures/mqtt-tls-decrypt.pcap "tls.keylog_file:$keys")
n=$(grep -c "decrypted with key log: TLS 1.3 traffic secrets" <<<"$a")
m=$(grep -c "decrypted with key log: CLIENT_RANDOM master secret" <<<"$a")
check "audit-keylog-kinds" "$([ "$n" -eq 2 ] && [ "$m" -eq 5 ]; echo $?)" "$a"
grep -q "tls-not-decrypted: TLS session 127.0.0.1:34458 → 127.0.0.1:8883 not decrypted: no key log entry for this client random" <<<"$a"
check "audit-no-key-for-client-random" $? "$a"
a=$(audit tests/captures/https-dsb.pcapng)
n=$(grep -c "decrypted with embedded in the capture (DSB)" <<<"$a")
check "audit-dsb" "$([ "$n" -eq 2 ]; echo $?)" "$a"
a=$(audit tests/captures/tls12-psk.pcap "$pskopt")
n=$(grep -c "decrypted with pre-shared key" <<<"$a")
check "audit-psk" "$([ "$n" -eq 3 ]; echo $?)" "$a"
grep -q "not decrypted: ECDHE-PSK needs a key log, not just the PSK" <<<"$a"
check "audit-ecdhe-psk" $? "$a"
grep -q "not decrypted: unsupported cipher suite" <<<"$a"
check "audit-unsupported-suite" $? "$a"
a=$(audit tests/captures/dtls-psk-decrypt.pcap "dtls.psk:$psk")
n=$(grep -c "tls-decrypted: DTLS session .* decrypted with pre-shared key" <<<"$a")
check "audit-dtls-psk" "$([ "$n" -eq 3 ]; echo $?)" "$a"
a=$(audit tests/captures/tls-weak.pcap "tls.keylog_file:$keys")
grep -q "not decrypted: unsupported version (only TLS 1.2 and 1.3 are decrypted)" <<<"$a"
check "audit-old-version" $? "$a"
# Without any secret the audit says nothing about decryption.
a=$(audit tests/captures/mqtt-tls-decrypt.pcap)
check "audit-silent-without-secrets" "$([ -z "$a" ]; echo $?)" "$a"

# ALPN on odd ports (make-tls-more.sh): the MQTT the client sent on 42883
# (tshark 4.0 shows it as data) and the HTTP request on 42443.
alpn=tests/captures/tls-alpn.pcap
"$cli" -o "tls.keylog_file:tests/captures/tls-alpn.keys" -r "$alpn" -T fields -e tcp.dstport -e mqtt.clientid \
  -e http.request.uri -Y 'mqtt.msgtype == 1 or http.request' >"$tmp/alpn" 2>&1
printf '42883\talpn-tls13\t\n42883\talpn-tls12\t\n42443\t\t/sensors?id=9\n' | diff - "$tmp/alpn" >/dev/null
check "alpn-mqtt-and-http" $? "$(cat "$tmp/alpn")"
n=$(count -o "tls.keylog_file:tests/captures/tls-alpn.keys" -r "$alpn" -Y 'mqtt.topic == "sensors/alpn-tls12/temperature"')
check "alpn-mqtt-topic" "$([ "$n" -eq 3 ]; echo $?)" "($n frames)"
n=$(count -r "$alpn" -Y 'tls.handshake.type == 1')
check "tls-on-odd-ports" "$([ "$n" -eq 3 ]; echo $?)" "($n Client Hellos)"

# TLS 1.3 0-RTT (make-tls-more.sh): the MQTT CONNECT the client sent as
# early data, with the Client Hello, then End of Early Data and Finished.
ed=tests/captures/tls13-early-data.pcap
"$cli" -o "tls.keylog_file:tests/captures/tls13-early-data.keys" -r "$ed" -T fields -e frame.number \
  -e mqtt.clientid -e tls.handshake.type -Y 'mqtt.msgtype == 1 or tls.handshake.type == 5' >"$tmp/early" 2>&1
grep -qP '^\d+\tearly-data1\t1$' "$tmp/early" && grep -qP '^\d+\t\t5,20$' "$tmp/early"
check "early-data-mqtt" $? "$(cat "$tmp/early")"
n=$(count -o "tls.keylog_file:tests/captures/tls13-early-data.keys" -r "$ed" -Y '_ws.expert.message contains "bad record MAC"')
check "early-data-no-bad-mac" "$([ "$n" -eq 0 ]; echo $?)" "($n frames)"

# DTLS handshake messages in fragments (make-tls-more.sh): the Certificate
# rebuilt from four datagrams, its certificate read, and the CoAP exchange
# decrypted behind it.
fr=tests/captures/dtls-fragments.pcap
"$cli" -r "$fr" -T fields -e frame.number -e dtls.fragment -e dtls.fragment.count -e dtls.reassembled.length \
  -Y dtls.fragment.count -E occurrence=a -E aggregator=, >"$tmp/frag" 2>&1
printf '7\t4,5,6,7\t4\t993\n8\t7,8\t2\t296\n' | diff - "$tmp/frag" >/dev/null
check "dtls-fragments-rebuilt" $? "$(cat "$tmp/frag")"
n=$(count -r "$fr" -Y 'x509sat.uTF8String == "coap-gateway.local"')
check "dtls-fragmented-certificate-read" "$([ "$n" -eq 1 ]; echo $?)" "($n frames)"
n=$(count -o "tls.keylog_file:tests/captures/dtls-fragments.keys" -r "$fr" -Y 'coap.opt.uri_path == "sensors"')
check "dtls-fragments-coap" "$([ "$n" -eq 1 ]; echo $?)" "($n requests)"

# DTLS on UDP 21158 (make-tls-more.sh): found by its records alone, and
# the plaintext is CoAP only where the server selected "coap" by ALPN (two
# sessions, CCM_8 and GCM); the third offered no ALPN and stays data.
# Compared with what the peers sent: POST /sensors "t=22.5" answered 2.04
# "ok", GET /config answered 2.05 "period=60".
da=tests/captures/dtls-alpn.pcap
"$cli" -o "dtls.psk:$psk" -r "$da" -T fields -e frame.number -e coap.code -e coap.mid -e coap.token \
  -e coap.opt.uri_path -e data.data -Y 'coap or data' >"$tmp/dalpn" 2>&1
printf '%s\n' $'8\t2\t8193\ta1\tsensors\t743d32322e35' $'9\t68\t8193\ta1\t\t6f6b' \
  $'19\t1\t8194\ta2\tconfig\t' $'20\t69\t8194\ta2\t\t706572696f643d3630' \
  $'30\t\t\t\t\t41012002a2b6636f6e666967' $'31\t\t\t\t\t61452002a2ff706572696f643d3630' \
  | diff - "$tmp/dalpn" >/dev/null
check "dtls-alpn-coap" $? "$(cat "$tmp/dalpn")"
# (each session: two Client Hellos, before and after the cookie, and the Server Hello)
n=$(count -r "$da" -Y 'dtls.handshake.extensions_alpn_str == "coap"')
check "dtls-on-odd-port-alpn" "$([ "$n" -eq 6 ]; echo $?)" "($n hellos naming coap)"

# CoAP over TLS (make-tls-more.sh): RFC 8323 framing, by ALPN "coap" on
# 21159 (TLS 1.2 PSK, TLS 1.3 key log) and by port on 5684.  Compared with
# what the peers sent: GET /config (token a3) answered 2.05 "period=60"; a
# POST /sensors/t1 (token c0ffee01, 47 bytes with an extended length) of
# {"t":21.5,"rh":40,"id":"t1"}, answered 2.04.
tc=tests/captures/tls-coap.pcap
topts=(-o "tls.psk:$psk" -o "tls.keylog_file:tests/captures/tls-coap.keys")
"$cli" "${topts[@]}" -r "$tc" -T fields -e coap.length -e coap.code -e coap.token -e coap.opt.uri_path_recon \
  -e data.data -Y coap >"$tmp/tcoap" 2>&1
"$cli" "${topts[@]}" -r "$tc" -T fields -e tcp.dstport -Y 'coap.code < 32' >>"$tmp/tcoap" 2>&1
printf '%s\n' $'10\t1\ta3\t/config\t' $'13\t69\ta3\t/config\t706572696f643d3630' \
  $'47\t2\tc0ffee01\t/sensors/t1\t7b2274223a32312e352c227268223a34302c226964223a227431227d' \
  $'6\t68\tc0ffee01\t/sensors/t1\t' $'10\t1\ta3\t/config\t' $'13\t69\ta3\t/config\t706572696f643d3630' \
  21159 21159 5684 | diff - "$tmp/tcoap" >/dev/null
check "tls-coap-rfc8323" $? "$(cat "$tmp/tcoap")"
# No type and no message ID over TCP: the insight waits for no ACK.
"$cli" "${topts[@]}" -r "$tc" -q -z insight >"$tmp/tcoap.insight" 2>&1
! grep -q coap-unanswered "$tmp/tcoap.insight" && grep -q 'CoAP request → response:  count 3' "$tmp/tcoap.insight"
check "tls-coap-insight" $? "$(grep -i coap "$tmp/tcoap.insight")"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
