#!/usr/bin/env bash
# Live capture of real MQTT traffic on lo with a BPF filter, next to
# tcpdump --immediate-mode with the same filter: the same frames, byte for
# byte; a stop right after the last packet loses nothing; the frames
# printed live are the frames read back from the file.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib-capture.sh"
for tool in mosquitto mosquitto_pub mosquitto_sub; do
    command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed (apt-get install mosquitto mosquitto-clients)"
done

PORT=$(free_port 1883)
FILTER="port $PORT"
FIELDS=(-e frame.len -e ip.src -e tcp.srcport -e tcp.dstport -e tcp.seq_raw -e tcp.flags -e mqtt.msgtype -e mqtt.topic -e udp.length)

cat >"$T/mosquitto.conf" <<CONF
listener $PORT 127.0.0.1
allow_anonymous true
persistence false
CONF
mosquitto -c "$T/mosquitto.conf" >"$T/mosquitto.log" 2>&1 &
PIDS+=($!)
wait_listen "$PORT" || { cat "$T/mosquitto.log"; bad "mosquitto did not start on $PORT"; finish; }

tcpdump -i lo --immediate-mode -U -w "$T/tcpdump.pcap" "$FILTER" 2>"$T/tcpdump.err" &
TCPDUMP=$!; PIDS+=($TCPDUMP)
"$CLI" -i lo -f "$FILTER" -d "tcp.port==$PORT,mqtt" -w "$T/ours.pcap" -P -T fields "${FIELDS[@]}" >"$T/live.txt" 2>"$T/ours.err" &
OURS=$!; PIDS+=($OURS)
wait_for "$T/tcpdump.err" "listening on" || bad "tcpdump did not start"
wait_for "$T/ours.err" "Capturing on 'lo'" || bad "iotscope-cli did not start"

# Real clients: a subscriber waiting for 3 messages, QoS 0, 1 and 2.
mosquitto_sub -h 127.0.0.1 -p "$PORT" -t 'iotscope/test/#' -C 3 -q 2 >"$T/sub.txt" 2>&1 &
SUB=$!; PIDS+=($SUB)
sleep 0.5
for qos in 0 1 2; do
    mosquitto_pub -h 127.0.0.1 -p "$PORT" -t "iotscope/test/q$qos" -q "$qos" -m "reading $qos: 21.5 C"
done
wait_exit "$SUB" 10 || bad "mosquitto_sub did not get its 3 messages"
sleep 0.5   # the last FIN/ACKs

# The last packet: one UDP datagram to the port (no listener; the ICMP
# error it causes does not match the filter).  Stop at once after it.
python3 - "$PORT" "$OURS" <<'PY'
import os, signal, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"iotscope-last-packet", ("127.0.0.1", int(sys.argv[1])))
os.kill(int(sys.argv[2]), signal.SIGINT)
PY
wait_exit "$OURS" 10; rc=$?
check "iotscope-cli exits 0 after Ctrl+C (rc=$rc)" test "$rc" = 0
sleep 0.5
kill -INT "$TCPDUMP"; wait_exit "$TCPDUMP" 10

read -r n_ours _ < <(pcap_records "$T/ours.pcap")
read -r n_tcpdump _ < <(pcap_records "$T/tcpdump.pcap")
echo "frames: iotscope $n_ours, tcpdump $n_tcpdump"
check "frames were captured ($n_ours)" test "$n_ours" -gt 20
check "same frame count as tcpdump ($n_ours vs $n_tcpdump)" test "$n_ours" = "$n_tcpdump"
check "same bytes as tcpdump" python3 "$HERE/pcap-tool.py" same "$T/ours.pcap" "$T/tcpdump.pcap"
TZ=UTC tshark -r "$T/ours.pcap" -T fields -e frame.len -e tcp.seq_raw -e udp.payload >"$T/ours.tshark" 2>/dev/null
TZ=UTC tshark -r "$T/tcpdump.pcap" -T fields -e frame.len -e tcp.seq_raw -e udp.payload >"$T/tcpdump.tshark" 2>/dev/null
# In any order, as above: packets sent at the same moment may swap places.
check "tshark reads the same frames in both files" \
    cmp -s <(sort "$T/ours.tshark") <(sort "$T/tcpdump.tshark")
last=$(python3 "$HERE/pcap-tool.py" last-payload "$T/ours.pcap")
check "the packet sent just before Stop is the last frame" \
    test "${last: -40}" = "$(printf 'iotscope-last-packet' | od -An -tx1 | tr -d ' \n')"
check "the MQTT messages are in the capture" grep -qa "reading 2: 21.5 C" "$T/ours.pcap"
"$CLI" -r "$T/ours.pcap" -d "tcp.port==$PORT,mqtt" -T fields -e mqtt.topic >"$T/topics.txt" 2>/dev/null
check "and they dissect as MQTT" grep -qx "iotscope/test/q2" "$T/topics.txt"
check "stderr says how many were captured" grep -qx "$n_ours packets captured" "$T/ours.err"

# Printed live, frame by frame, as read back from the file in one pass.
"$CLI" -r "$T/ours.pcap" -d "tcp.port==$PORT,mqtt" -T fields "${FIELDS[@]}" >"$T/file.txt" 2>/dev/null
check "the live output equals the output from the file" cmp -s "$T/live.txt" "$T/file.txt"
check "the live output has one line per frame" test "$(wc -l <"$T/live.txt")" = "$n_ours"
finish
