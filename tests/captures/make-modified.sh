#!/usr/bin/env bash
# make-modified.sh -- mqtt311-modified.pcap: mqtt311.pcap rewritten in the
# "modified" pcap format of Alexey Kuznetsov's patched libpcap (magic
# a1b2cd34, 24-byte record headers with interface index, protocol and packet
# type), by modified_pcap.py.  No tool captures in that format any more, but
# tcpdump and tshark still read it: the script checks that both read the
# same frames, byte for byte, from the copy as from the original.
#
# Run as root on Debian 12 after make-captures.sh (it needs mqtt311.pcap):
#     sudo bash tests/captures/make-modified.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}

. "$HERE/lib.sh"

[ -s "$OUT/mqtt311.pcap" ] || die "$OUT/mqtt311.pcap missing: run make-captures.sh first"
# Interface index 1: the loopback device it was captured on.
python3 "$HERE/modified_pcap.py" "$OUT/mqtt311.pcap" "$WORK/mqtt311-modified.pcap" 1
capinfos -t "$WORK/mqtt311-modified.pcap" | grep -q "Modified tcpdump" \
    || die "tshark does not see the modified pcap format"
for tool in "tcpdump -n -xx -r" "tshark -x -r"; do
    cmp -s <($tool "$OUT/mqtt311.pcap" 2>/dev/null) <($tool "$WORK/mqtt311-modified.pcap" 2>/dev/null) \
        || die "${tool%% *} reads other frames from the modified copy"
done
cp "$WORK/mqtt311-modified.pcap" "$OUT/mqtt311-modified.pcap"
log "wrote $OUT/mqtt311-modified.pcap ($(capinfos -c -M "$OUT/mqtt311-modified.pcap" | awk '/Number of packets/ {print $NF}') frames)"
