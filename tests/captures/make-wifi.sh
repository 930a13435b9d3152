#!/usr/bin/env bash
# make-wifi.sh -- wifi-wpa2.pcap: a Wi-Fi monitor-mode capture (radiotap)
# of an ESP32-like station joining a WPA2-PSK network and talking MQTT, and
# wifi-attack.pcap: a join with a wrong passphrase and a deauthentication
# storm, and wifi-ht.pcap: 802.11n/ac (radiotap MCS and VHT fields) QoS
# data with retries and Block Ack Request / Block Ack (wifi_ht_gen.py),
# and wifi-stations.pcap: a busy 802.11n home network with HT elements,
# stations on good and poor links, a wrong passphrase, a handshake never
# answered and a deauthentication burst with mixed reasons
# (wifi_stations_gen.py), for the radiotap/wlan_radio/wlan/llc/eapol dissectors and CCMP
# decryption; see README.md, section "Wi-Fi monitor mode".
#
# No Wi-Fi card with monitor mode is available, so wifi_gen.py builds the
# frames byte by byte (standard library only; it carries its own AES-128).
# Before the file is copied into place, tshark must decrypt it with the
# passphrase in wifi-wpa2.opts: every protected frame must decode to IP,
# ARP or TCP/MQTT, and nothing may be malformed.
#
# Needs python3 and tshark; no root, no network:   bash tests/captures/make-wifi.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
WORK=$(mktemp -d /tmp/iotscope-make-wifi.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

python3 "$HERE/wifi_gen.py" "$WORK/wifi-wpa2.pcap"
eval "keys=($(grep -v '^[[:space:]]*#' "$HERE/wifi-wpa2.opts"))"
count() { tshark -r "$WORK/wifi-wpa2.pcap" "${keys[@]}" -Y "$1" 2>/dev/null | wc -l; }
check() {
    local got
    got=$(count "$1")
    [ "$got" = "$2" ] || { echo "make-wifi: '$1' matched $got frames, expected $2" >&2; exit 1; }
}
check "frame" 64
check "_ws.malformed" 0
check "wlan.fc.protected == 1" 17
check "wlan.fc.protected == 1 && (arp || tcp)" 17
check "mqtt" 8
check "eapol" 4
check "wlan.fc.type_subtype == 0x0008" 5
# Without the key the protected frames stay opaque.
[ "$(tshark -r "$WORK/wifi-wpa2.pcap" -Y "tcp || arp" 2>/dev/null | wc -l)" = 0 ] \
    || { echo "make-wifi: frames readable without the key" >&2; exit 1; }

python3 "$HERE/wifi_gen.py" "$WORK/wifi-attack.pcap" attack
attack() { tshark -r "$WORK/wifi-attack.pcap" "${keys[@]}" -Y "$1" 2>/dev/null | wc -l; }
[ "$(attack frame)" = 28 ] && [ "$(attack '_ws.malformed')" = 0 ] \
    && [ "$(attack 'wlan_rsna_eapol.keydes.msgnr == 2')" = 2 ] \
    && [ "$(attack 'wlan.fixed.reason_code == 7')" = 8 ] \
    || { echo "make-wifi: wifi-attack.pcap is not as expected" >&2; exit 1; }

(cd "$HERE" && python3 wifi_ht_gen.py "$WORK/wifi-ht.pcap")
ht() { tshark -r "$WORK/wifi-ht.pcap" -Y "$1" 2>/dev/null | wc -l; }
for check in "frame:30" "_ws.malformed:0" "_ws.expert:3" "radiotap.mcs:13" "radiotap.vht:5" \
             "wlan.vht.capabilities.short80 && wlan.vht.mcsset.rxmcsmap.ss2 == 2:1" \
             "wlan.vht.op.channelwidth == 1 && wlan.vht.op.channelcenter0 == 42:1" \
             "wlan.fc.retry == 1:3" "wlan.fc.type_subtype == 0x0018:1" "wlan.fc.type_subtype == 0x0019:2" \
             "udp && wlan.fc.type_subtype == 0x0028:18" "wlan_radio.phy == 8:5"; do
    [ "$(ht "${check%:*}")" = "${check##*:}" ] \
        || { echo "make-wifi: wifi-ht.pcap: '${check%:*}' is not ${check##*:}" >&2; exit 1; }
done

(cd "$HERE" && python3 wifi_stations_gen.py "$WORK/wifi-stations.pcap")
eval "home=($(grep -v '^[[:space:]]*#' "$HERE/wifi-stations.opts"))"
st() { tshark -r "$WORK/wifi-stations.pcap" "${home[@]}" -Y "$1" 2>/dev/null | wc -l; }
for check in "frame:94" "_ws.malformed:0" "wlan.ht.capabilities:12" "wlan.ht.info.primarychannel:9" \
             "wlan.ht.mcsset.rxbitmask.8to15 == 0xff:9" "wlan.ht.capabilities.width == 0:3" \
             "wlan.fc.retry == 1 && wlan.ta == 02:ee:32:10:00:02:5" "radiotap.mcs.index == 7:9" \
             "wlan_rsna_eapol.keydes.msgnr == 1:6" "wlan_rsna_eapol.keydes.msgnr == 2:3" \
             "wlan.fixed.reason_code:11" "wlan.fc.type_subtype == 0x000a:2" "tcp || udp || arp:0"; do
    [ "$(st "${check%:*}")" = "${check##*:}" ] \
        || { echo "make-wifi: wifi-stations.pcap: '${check%:*}' is not ${check##*:}" >&2; exit 1; }
done

cp "$WORK/wifi-wpa2.pcap" "$WORK/wifi-attack.pcap" "$WORK/wifi-ht.pcap" "$WORK/wifi-stations.pcap" "$OUT/"
echo "make-wifi: wrote $OUT/wifi-wpa2.pcap, $OUT/wifi-attack.pcap, $OUT/wifi-ht.pcap and $OUT/wifi-stations.pcap"
