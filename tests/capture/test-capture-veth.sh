#!/usr/bin/env bash
# An interface deleted mid-capture (a veth pair in namespaces made here):
# the capture stops with a clear message and keeps every packet.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib-capture.sh"
command -v ping >/dev/null 2>&1 || skip "ping is not installed"

NS1=iotcap-a-$$ NS2=iotcap-b-$$
ip netns add "$NS1" && NAMESPACES+=("$NS1") || skip "cannot create network namespaces"
ip netns add "$NS2" && NAMESPACES+=("$NS2")
ip -n "$NS1" link add iotcap0 type veth peer name iotcap1 netns "$NS2"
ip -n "$NS1" addr add 10.201.0.1/24 dev iotcap0
ip -n "$NS2" addr add 10.201.0.2/24 dev iotcap1
ip -n "$NS1" link set iotcap0 up
ip -n "$NS2" link set iotcap1 up

ip netns exec "$NS1" "$CLI" -i iotcap0 -w "$T/veth.pcap" 2>"$T/ours.err" &
OURS=$!; PIDS+=($OURS)
wait_for "$T/ours.err" "Capturing on 'iotcap0'" || bad "no start"
ip netns exec "$NS1" ping -i 0.05 -c 1000 10.201.0.2 >/dev/null 2>&1 &
PING=$!; PIDS+=($PING)
sleep 1.5
ip -n "$NS1" link del iotcap0
wait_exit "$OURS" 10; rc=$?
cat "$T/ours.err"
check "the capture ends with a non-zero status ($rc)" test "$rc" != 0 -a "$rc" != 124
check "the message says the interface went away" grep -q 'the capture on "iotcap0" stopped: the interface went down or was removed' "$T/ours.err"
read -r complete partial < <(pcap_records "$T/veth.pcap")
check "the packets are kept ($complete)" test "$complete" -gt 20
check "the file is whole" test "$partial" = 0
check "the count printed is the count kept" grep -qx "$complete packets captured" "$T/ours.err"
"$CLI" -r "$T/veth.pcap" -Y icmp >"$T/read.txt" 2>&1
check "the file reads back (ICMP echoes inside)" grep -q "Echo (ping) request" "$T/read.txt"
finish
