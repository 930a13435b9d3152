#!/usr/bin/env bash
# make-multi-link.sh -- multi-link.pcapng: one pcapng file whose interfaces
# have different link types (Ethernet, Linux cooked v1, raw IP), made by
# mergecap from three captures already in this folder.  libpcap refuses such
# files; the frame store reads each frame with its own interface's link type.
# See README.md, section "Several link types in one file".
#
# Run as root on Debian 12 after make-captures.sh (it needs mqtt311.pcap,
# sll.pcap and rawip.pcap):   sudo bash tests/captures/make-multi-link.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}

. "$HERE/lib.sh"

command -v mergecap >/dev/null 2>&1 || apt-get install -y wireshark-common
for f in mqtt311.pcap sll.pcap rawip.pcap; do
    [ -s "$OUT/$f" ] || die "$OUT/$f missing: run make-captures.sh first"
done

# Chronological merge (the default): one interface per input file.
mergecap -F pcapng -w "$WORK/multi-link.pcapng" \
    "$OUT/mqtt311.pcap" "$OUT/sll.pcap" "$OUT/rawip.pcap"
encaps=$(tshark -r "$WORK/multi-link.pcapng" -T fields -e frame.encap_type | sort -u | wc -l)
[ "$encaps" -eq 3 ] || die "expected 3 link types in the merged file, tshark sees $encaps"
cp "$WORK/multi-link.pcapng" "$OUT/multi-link.pcapng"
log "wrote $OUT/multi-link.pcapng ($(capinfos -c -M "$OUT/multi-link.pcapng" | awk '/Number of packets/ {print $NF}') frames)"
