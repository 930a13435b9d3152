#!/usr/bin/env bash
# make-udp-services.sh -- captures of the UDP service protocols (DNS, mDNS,
# DHCP, NTP) made with real programs.  Run as root on Debian 12:
#
#     sudo bash tests/captures/make-udp-services.sh
#
# DNS and NTP run on loopback; mDNS and DHCP need multicast/broadcast on a
# real link, so they run in two throw-away network namespaces joined by a
# veth pair (deleted on exit).  Files go to ${CAPTURES_OUT:-this folder}.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
NS_A=iotscope-udp-a      # client side
NS_B=iotscope-udp-b      # server side

. "$HERE/lib.sh"

# Tools beyond lib.sh's: binary -> Debian package.
declare -A MORE_PKGS=(
    [dnsmasq]=dnsmasq-base [dig]=bind9-dnsutils [chronyd]=chrony
    [udhcpc]=udhcpc [sntp]=sntp
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
for tool in "${!MORE_PKGS[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || die "tool $tool still missing"
done

# Checks a capture with tshark: at least MIN frames match FILTER.
expect() {   # expect FILE FILTER MIN
    local n
    n=$(tshark -r "$1" -Y "$2" 2>/dev/null | wc -l)
    [ "$n" -ge "$3" ] || die "$(basename "$1"): only $n frames match '$2' (want >= $3)"
}

# --------------------------------------------------------------- dns.pcap
log "dns.pcap"
port_free udp 53
port_free tcp 53
# dnsmasq as the authoritative server of the zone iot.lan on 127.0.0.1
# (auth mode gives SOA/NS records and NXDOMAIN with an SOA).
bg dnsmasq-dns dnsmasq -k --conf-file=/dev/null --pid-file= --user=root \
    --port=53 --listen-address=127.0.0.1 --bind-interfaces \
    --no-resolv --no-hosts --log-queries \
    --auth-server=ns1.iot.lan,127.0.0.1 --auth-zone=iot.lan,127.0.0.0/8,192.168.7.0/24,fd00::/64 \
    --auth-soa=2024052901,hostmaster.iot.lan,1200,180,1209600 \
    --host-record=ns1.iot.lan,127.0.0.1 \
    --host-record=sensor.iot.lan,192.168.7.10,fd00::10 \
    --host-record=gateway.iot.lan,192.168.7.1 \
    --cname=cam.iot.lan,sensor.iot.lan \
    --txt-record=info.iot.lan,"v=1 model=thermo","fw=2.3" \
    --srv-host=_mqtt._tcp.iot.lan,gateway.iot.lan,1883,10,5 \
    --srv-host=_coap._udp.iot.lan,sensor.iot.lan,5683,0,0 \
    --mx-host=iot.lan,gateway.iot.lan,10 \
    --ptr-record=10.7.168.192.in-addr.arpa,sensor.iot.lan
wait_listen udp 53
cap_start "${TCPDUMP[@]}" -i lo -w "$WORK/dns.pcap" "port 53 and host 127.0.0.1"
D=(dig @127.0.0.1 +tries=1 +time=2)
"${D[@]}" sensor.iot.lan A >/dev/null
"${D[@]}" sensor.iot.lan AAAA >/dev/null
"${D[@]}" cam.iot.lan A >/dev/null
"${D[@]}" info.iot.lan TXT >/dev/null
"${D[@]}" _mqtt._tcp.iot.lan SRV >/dev/null
"${D[@]}" iot.lan MX >/dev/null
"${D[@]}" iot.lan SOA >/dev/null
"${D[@]}" iot.lan NS >/dev/null
"${D[@]}" -x 192.168.7.10 >/dev/null
"${D[@]}" missing.iot.lan A >/dev/null || true          # NXDOMAIN + SOA
"${D[@]}" +noedns gateway.iot.lan A >/dev/null           # without OPT
"${D[@]}" +tcp sensor.iot.lan ANY >/dev/null             # over TCP
# Over TCP again, but the length prefix and the message split over three
# segments, then two messages in one segment (DNS over TCP reassembly).
python3 - <<'PY'
import socket, struct, time
def query(ident, qtype):
    return (struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0)
            + b"\x06sensor\x03iot\x03lan\x00" + struct.pack("!HH", qtype, 1))
s = socket.create_connection(("127.0.0.1", 53), timeout=3)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
q = query(0x1234, 1)
for part in (struct.pack("!H", len(q)), q[:10], q[10:]):
    s.send(part)
    time.sleep(0.2)
a, b = query(0x2222, 28), query(0x3333, 6)
s.send(struct.pack("!H", len(a)) + a + struct.pack("!H", len(b)) + b)
time.sleep(0.5)
s.close()
PY
cap_stop
for p in "${PIDS[@]}"; do stop_pid "$p"; done
expect "$WORK/dns.pcap" "dns.flags.response == 0" 12
expect "$WORK/dns.pcap" "dns.flags.rcode == 3" 1
expect "$WORK/dns.pcap" "tcp and dns" 6

# --------------------------------------------------------------- ntp.pcap
log "ntp.pcap"
port_free udp 123
cat >"$WORK/chrony.conf" <<CONF
# A server with no sources of its own: it serves its local clock.
local stratum 8
allow 127.0.0.0/8
bindaddress 127.0.0.1
port 123
cmdport 0
pidfile $WORK/chronyd.pid
driftfile $WORK/chrony.drift
CONF
bg chronyd chronyd -d -x -f "$WORK/chrony.conf"
wait_listen udp 123
sleep 1
cap_start "${TCPDUMP[@]}" -i lo -w "$WORK/ntp.pcap" "udp port 123 and host 127.0.0.1"
# sntp (ntp's SNTP client) and chronyd in one-shot client mode.
timeout 10 sntp -t 2 127.0.0.1 >"$WORK/sntp.log" 2>&1 || true
cat >"$WORK/chrony-client.conf" <<CONF
server 127.0.0.1 iburst maxsamples 2
pidfile $WORK/chronyd-client.pid
cmdport 0
CONF
timeout 20 chronyd -Q -f "$WORK/chrony-client.conf" >"$WORK/chrony-q.log" 2>&1 || true
cap_stop
for p in "${PIDS[@]}"; do stop_pid "$p"; done
expect "$WORK/ntp.pcap" "ntp.flags.mode == 3" 2
expect "$WORK/ntp.pcap" "ntp.flags.mode == 4" 2

# --------------------------------------------------------------- namespaces
for ns in "$NS_A" "$NS_B"; do
    if ip netns list | grep -qw "$ns"; then
        log "removing stale namespace $ns"
        ip netns del "$ns"
    fi
done
NAMESPACES=("$NS_A" "$NS_B")
ip netns add "$NS_A"
ip netns add "$NS_B"
for ns in "$NS_A" "$NS_B"; do
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    ip -n "$ns" link set lo up
done
ip -n "$NS_A" link add vethA address 02:98:00:00:00:0a type veth \
    peer name vethB address 02:98:00:00:00:0b netns "$NS_B"
ip -n "$NS_B" addr add 10.98.0.1/24 dev vethB
ip -n "$NS_A" link set vethA up
ip -n "$NS_B" link set vethB up
A=(ip netns exec "$NS_A")
B=(ip netns exec "$NS_B")

# --------------------------------------------------------------- dhcp.pcap
log "dhcp.pcap"
bg dnsmasq-dhcp "${B[@]}" dnsmasq -k --conf-file=/dev/null --pid-file= --user=root \
    --port=0 --interface=vethB --bind-interfaces \
    --dhcp-range=10.98.0.50,10.98.0.99,255.255.255.0,1h \
    --dhcp-option=option:router,10.98.0.1 \
    --dhcp-option=option:dns-server,10.98.0.1 \
    --dhcp-option=option:domain-name,iot.lan \
    --dhcp-option=option:ntp-server,10.98.0.1 \
    --dhcp-leasefile="$WORK/dnsmasq.leases" --dhcp-authoritative --no-ping
wait_listen udp 67 "$NS_B"
cap_start "${B[@]}" "${TCPDUMP[@]}" -i vethB -w "$WORK/dhcp.pcap" "udp and (port 67 or port 68)"
# -q: quit once bound; -R: release on exit; -s /bin/true: leave the
# interface alone (we only want the exchange on the wire).
"${A[@]}" udhcpc -i vethA -f -q -R -n -t 5 -T 1 -s /bin/true \
    -x hostname:iot-thermo -V "iotscope-sensor/1.0" -O ntpsrv -O domain \
    >"$WORK/udhcpc.log" 2>&1
cap_stop
for p in "${PIDS[@]}"; do stop_pid "$p"; done
expect "$WORK/dhcp.pcap" "dhcp.option.dhcp == 1" 1
expect "$WORK/dhcp.pcap" "dhcp.option.dhcp == 5" 1

# --------------------------------------------------------------- mdns.pcap
log "mdns.pcap"
ip -n "$NS_A" addr add 10.98.0.2/24 dev vethA
ip -n "$NS_A" route replace 224.0.0.0/4 dev vethA
ip -n "$NS_B" route replace 224.0.0.0/4 dev vethB
cap_start "${A[@]}" "${TCPDUMP[@]}" -i vethA -w "$WORK/mdns.pcap" "udp port 5353"
bg mdns-responder "${B[@]}" python3 "$HERE/mdns_peer.py" respond 10.98.0.1 8
sleep 1
"${A[@]}" python3 "$HERE/mdns_peer.py" query 10.98.0.2 >"$WORK/mdns-query.log" 2>&1
cap_stop
for p in "${PIDS[@]}"; do stop_pid "$p"; done
expect "$WORK/mdns.pcap" "mdns && dns.flags.response == 1" 5

ip netns del "$NS_A"; ip netns del "$NS_B"
NAMESPACES=()

# --------------------------------------------------------------- copy out
for f in dns.pcap mdns.pcap dhcp.pcap ntp.pcap; do
    size=$(stat -c %s "$WORK/$f")
    [ "$size" -lt 102400 ] || die "$f is too large ($size bytes)"
    cp "$WORK/$f" "$OUT/$f"
    log "$f: $(tshark -r "$OUT/$f" | wc -l) frames, $size bytes"
done
