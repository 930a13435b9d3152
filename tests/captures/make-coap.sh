#!/usr/bin/env bash
# make-coap.sh -- extra CoAP captures (see README.md, section "CoAP extras"):
#
#   coap-lossy.pcap  CON requests from coap-client to coap-server-notls while
#                    every third CoAP datagram is dropped, so the client (and
#                    the server, for its confirmable notifications) retransmit;
#                    also separate responses from the server's /async resource.
#   coaps-psk.pcap   CoAP over DTLS 1.2 with a pre-shared key (udp 5684),
#                    coap-client-gnutls against coap-server-gnutls.
#
# Run as root on Debian 12:   sudo bash tests/captures/make-coap.sh
#
# Everything runs inside a network namespace of its own (loopback only),
# deleted again on exit.  Loss: the sch_netem qdisc is not available in this
# kernel, so an nftables rule on the namespace's input hook drops every third
# CoAP datagram (a deterministic counter, "numgen inc mod 3").  tcpdump on lo
# sees a datagram before the input hook drops it, so the capture shows both
# the lost original and its retransmission.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
NS=iotscope-coap
COAP_PORT=5683
COAPS_PORT=5684

. "$HERE/lib.sh"

for tool in nft coap-server-gnutls coap-client-gnutls; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        pkg=nftables
        [ "$tool" = nft ] || pkg=libcoap3-bin
        log "installing $pkg"
        DEBIAN_FRONTEND=noninteractive apt-get install -y "$pkg" \
            || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "$pkg"; }
    fi
    command -v "$tool" >/dev/null 2>&1 || die "tool $tool still missing"
done

ip netns del "$NS" 2>/dev/null || true
ip netns add "$NS"
NAMESPACES+=("$NS")
ip netns exec "$NS" ip link set lo up
IN=(ip netns exec "$NS")

U=coap://127.0.0.1
client() { "${IN[@]}" coap-client-notls -B 20 "$@" >>"$WORK/coap-client.log" 2>&1 || true; sleep 0.3; }

# --------------------------------------------------------------- coap-lossy.pcap
log "coap-lossy.pcap"
"${IN[@]}" nft -f - <<EOF
table inet iotscope_lossy {
  chain input {
    type filter hook input priority 0; policy accept;
    udp dport $COAP_PORT numgen inc mod 3 == 2 counter drop
    udp sport $COAP_PORT numgen inc mod 3 == 2 counter drop
  }
}
EOF
bg coap-server "${IN[@]}" coap-server-notls -A 127.0.0.1 -p "$COAP_PORT" -v 3
SERVER=$LAST_PID
wait_listen udp "$COAP_PORT" "$NS"
cap_start "${IN[@]}" "${TCPDUMP[@]}" -i lo -w "$WORK/coap-lossy.pcap" "udp port $COAP_PORT"
client "$U/time"
client "$U/.well-known/core"
client -m put -e 'lossy link' "$U/example_data"
client "$U/example_data"
client -T beef "$U/time"
client "$U/async?1"                     # empty ACK now, CON 2.05 a second later
client -s 4 "$U/time"                    # observe: CON notifications, some lost
cap_stop
stop_pid "$SERVER"
"${IN[@]}" nft delete table inet iotscope_lossy

# --------------------------------------------------------------- coaps-psk.pcap
log "coaps-psk.pcap"
bg coaps-server "${IN[@]}" coap-server-gnutls -A 127.0.0.1 -p "$COAP_PORT" -k secretPSK -v 3
SERVER=$LAST_PID
wait_listen udp "$COAPS_PORT" "$NS"
cap_start "${IN[@]}" "${TCPDUMP[@]}" -i lo -w "$WORK/coaps-psk.pcap" "udp port $COAPS_PORT"
"${IN[@]}" coap-client-gnutls -B 10 -k secretPSK -u identity "coaps://127.0.0.1/time" \
    >>"$WORK/coaps-client.log" 2>&1 || die "coaps GET failed"
sleep 0.3
"${IN[@]}" coap-client-gnutls -B 10 -k secretPSK -u identity -m put -e 'over dtls' \
    "coaps://127.0.0.1/example_data" >>"$WORK/coaps-client.log" 2>&1 || die "coaps PUT failed"
cap_stop
stop_pid "$SERVER"

# --------------------------------------------------------------- checks + install
for f in coap-lossy.pcap coaps-psk.pcap; do
    size=$(stat -c %s "$WORK/$f")
    [ "$size" -lt 100000 ] || die "$f too large ($size bytes)"
done
n=$(tshark -r "$WORK/coap-lossy.pcap" -Y 'coap.code == 1' 2>/dev/null | wc -l)
[ "$n" -ge 8 ] || die "coap-lossy.pcap: only $n GET requests"
n=$(tshark -r "$WORK/coaps-psk.pcap" -d udp.port==$COAPS_PORT,dtls -Y dtls 2>/dev/null | wc -l)
[ "$n" -ge 6 ] || die "coaps-psk.pcap: only $n DTLS records"
mkdir -p "$OUT"
for f in coap-lossy.pcap coaps-psk.pcap; do
    cp "$WORK/$f" "$OUT/$f"
    log "wrote $OUT/$f ($(stat -c %s "$OUT/$f") bytes)"
done
