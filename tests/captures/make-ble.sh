#!/usr/bin/env bash
# make-ble.sh -- ble.pcap and ble-ll.pcap: Bluetooth Low Energy sniffer
# captures for the btle_rf/btle/btcommon/btl2cap/btatt/btsmp dissectors;
# ble-nordic.pcap: an nRF Sniffer for Bluetooth LE capture (link type 272)
# with extended advertising and periodic notifications (ble_nordic_gen.py);
# ble-nordic-v0/v1/v2.pcap: the sniffer's older header formats
# (ble_nordic_versions_gen.py); ble-extadv.pcap: Bluetooth 5 extended
# advertising (chains, scan, connect, periodic, LE Coded; ble_extadv_gen.py);
# see README.md, section "Bluetooth Low Energy".
#
# No BLE radio or sniffer is available, so ble_gen.py builds the link-layer
# packets byte by byte (standard library only, CRCs computed).  The files
# are checked with tshark before they are copied into place: every CRC
# valid, nothing malformed, the expected frame and PDU counts.
#
# Needs python3 and tshark; no root, no network:   bash tests/captures/make-ble.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
WORK=$(mktemp -d /tmp/iotscope-make-ble.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# Two passes, as iotscope makes: extended advertising data is put back
# together from its pieces only then.
count() { tshark -2 -r "$1" -Y "$2" 2>/dev/null | wc -l; }
check() {
    local file=$1 what=$2 want=$3 got
    got=$(count "$file" "$what")
    [ "$got" = "$want" ] || { echo "make-ble: $file: '$what' matched $got frames, expected $want" >&2; exit 1; }
}

python3 "$HERE/ble_gen.py" "$WORK/ble.pcap"
python3 "$HERE/ble_gen.py" "$WORK/ble-ll.pcap" ll

for f in "$WORK/ble.pcap" "$WORK/ble-ll.pcap"; do
    check "$f" "frame" 88
    check "$f" "btle.crc.incorrect" 0
    check "$f" "_ws.malformed" 0
    check "$f" "btle.advertising_header.pdu_type == 5" 1
    check "$f" "btatt" 38
    check "$f" "btsmp" 11
    check "$f" "btatt.opcode == 0x1b" 3
done
check "$WORK/ble.pcap" "btle_rf.flags.crc_valid == 1" 88

(cd "$HERE" && python3 ble_nordic_gen.py "$WORK/ble-nordic.pcap")
n="$WORK/ble-nordic.pcap"
check "$n" "frame" 424
check "$n" "nordic_ble.crcok == 1" 424
check "$n" "_ws.malformed || _ws.expert.severity >= warning" 0
check "$n" "btle.crc.incorrect" 0
check "$n" "btle.advertising_header.pdu_type == 7" 12
check "$n" "btle.extended_advertising.sync_info" 2
check "$n" "btle.target_address && btle.extended_advertising_header" 1
check "$n" "nordic_ble.aux_type == 0" 3
check "$n" "nordic_ble.phy == 1" 1
check "$n" "nordic_ble.direction == 1" 203
check "$n" "btatt.opcode == 0x1b" 20
check "$n" "btcommon.eir_ad.entry.device_name == \"env-sensor\"" 2

# The older nRF Sniffer header formats (protocol versions 0, 1 and 2):
# the same story in each (ble_nordic_versions_gen.py).
for v in 0 1 2; do
    f="$WORK/ble-nordic-v$v.pcap"
    (cd "$HERE" && python3 ble_nordic_versions_gen.py "$v" "$f")
    check "$f" "frame" 93
    check "$f" "nordic_ble.protover == $v" 93
    check "$f" "nordic_ble.crcok == 0" 1
    check "$f" "btle.crc.incorrect" 1
    check "$f" "nordic_ble.length.bad" 2
    check "$f" "nordic_ble.mic.bad" 1
    check "$f" "btatt.temperature" 12
    check "$f" "nordic_ble.phy == 1" 52
    check "$f" "_ws.malformed" 2
done
check "$WORK/ble-nordic-v0.pcap" "nordic_ble.legacy_marker == 0xbeef" 93
check "$WORK/ble-nordic-v1.pcap" "nordic_ble.board_id == 1" 6

# Extended advertising of five devices (ble_extadv_gen.py).
x="$WORK/ble-extadv.pcap"
(cd "$HERE" && python3 ble_extadv_gen.py "$x")
check "$x" "frame" 267
check "$x" "nordic_ble.crcok == 1" 267
check "$x" "_ws.malformed || _ws.expert.severity >= warning" 0
check "$x" "btle.advertising_header.pdu_type == 7" 54
check "$x" "nordic_ble.aux_type == 1" 8
check "$x" "btle.ea.host_advertising_data.reassembled.length == 79" 4
check "$x" "nordic_ble.aux_type == 2" 5
check "$x" "btle.coding_indicator" 4
check "$x" "btle.scanning_address" 1
check "$x" "btle.extended_advertising_header.acad" 1
check "$x" "btle.extended_advertising_header.cte_info" 1
check "$x" "btle.advertising_header.pdu_type == 8" 1
check "$x" "btatt.opcode == 0x1b" 10
check "$x" "btatt.heart_rate_measurement.value.16" 1

cp "$WORK/ble.pcap" "$WORK/ble-ll.pcap" "$WORK/ble-nordic.pcap" "$WORK"/ble-nordic-v[012].pcap "$x" "$OUT/"
echo "make-ble: wrote $OUT/ble.pcap, $OUT/ble-ll.pcap, $OUT/ble-nordic.pcap, $OUT/ble-nordic-v[012].pcap and $OUT/ble-extadv.pcap"
