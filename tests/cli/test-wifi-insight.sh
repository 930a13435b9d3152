#!/usr/bin/env bash
# Wi-Fi in monitor mode from the command line, on wifi-stations.pcap (made
# by wifi_stations_gen.py, whose story the numbers below come from): the
# 802.11n HT elements, the message 2 MIC check against the configured key
# (wlan_rsna_eapol.keydes.mic_verified), and the insight's station table,
# failed handshakes and deauthentication burst in text, JSON and HTML.
set -u
cli=${IOTSCOPE_CLI:?}
cd "${IOTSCOPE_SOURCE_ROOT:?}"
failures=0
cap=tests/captures/wifi-stations.pcap
right=(-o wlan.enable_decryption:TRUE -o 'uat:80211_keys:"wpa-pwd","home sweet home 42:iot-home"')
# the passphrase the smart plug was (wrongly) given
plugs=(-o wlan.enable_decryption:TRUE -o 'uat:80211_keys:"wpa-pwd","home sweet home 24:iot-home"')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check () {
  local name=$1 want=$2 got=$3
  if [ "$got" = "$want" ]; then echo "ok   $name"; else echo "FAIL $name: got '$got', expected '$want'"; failures=$((failures + 1)); fi
}
fields () { "$cli" -r "$cap" "$@" 2>/dev/null | tr '\n' ' ' | sed 's/ $//'; }

# HT Capabilities of the AP (2 streams, 40 MHz) and of the plug (1 stream, 20 MHz).
check ht-ap-streams "0x000000ff 0x000000ff 0x012c" \
  "$(fields -c 1 -T fields -e wlan.ht.mcsset.rxbitmask.0to7 -e wlan.ht.mcsset.rxbitmask.8to15 \
     -e wlan.ht.mcsset.highestdatarate -E occurrence=f | tr '\t' ' ')"
check ht-sta-20mhz "35 0 0x00000000" \
  "$(fields -Y 'wlan.fc.type_subtype == 4' -T fields -e frame.number -e wlan.ht.capabilities.width \
     -e wlan.ht.mcsset.rxbitmask.8to15 -E occurrence=f | tr '\t' ' ')"
check ht-operation "11 0x03 0x0001 1" \
  "$(fields -c 1 -T fields -e wlan.ht.info.primarychannel -e wlan.ht.info.secchanoffset \
     -e wlan.ht.info.ht_protection -e wlan.ht.info.obssnonht | tr '\t' ' ')"
check ht-bad-length "HT Capabilities IE length 25 wrong, must be = 26" \
  "$(python3 - "$tmp/bad.pcap" <<'EOF' && "$cli" -r "$tmp/bad.pcap" -T fields -e _ws.expert.message 2>/dev/null
import struct, sys
frame = bytes([0x80, 0, 0, 0]) + b"\xff" * 6 + bytes.fromhex("02abcd00000302abcd000003") + b"\x10\x00" \
    + struct.pack("<QHH", 1, 100, 0x0431) + bytes([45, 25]) + bytes(25)
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 105))
    f.write(struct.pack("<IIII", 1, 0, len(frame), len(frame)) + frame)
EOF
)"

# Message 2's MIC against the configured key: false with the network's
# passphrase, true with the one the plug used, absent without keys.
check mic-wrong-device "0 0 0" "$(fields "${right[@]}" -Y 'wlan_rsna_eapol.keydes.msgnr == 2' -T fields \
  -e wlan_rsna_eapol.keydes.mic_verified)"
check mic-plugs-passphrase "1 1 1" "$(fields "${plugs[@]}" -Y 'wlan_rsna_eapol.keydes.msgnr == 2' -T fields \
  -e wlan_rsna_eapol.keydes.mic_verified)"
check mic-no-key "48 52 56" "$(fields -Y 'wlan_rsna_eapol.keydes.msgnr == 2 && !wlan_rsna_eapol.keydes.mic_verified' \
  -T fields -e frame.number)"
check mic-filter "56" "$(fields "${right[@]}" -Y 'wlan_rsna_eapol.keydes.mic_verified == 0' -T fields \
  -e frame.number | awk '{ print $NF }')"

# The insight, as JSON: the station table and the findings.
"$cli" -r "$cap" "${right[@]}" -q --report-json "$tmp/r.json" --report-html "$tmp/r.html" 2>/dev/null
python3 - "$tmp/r.json" >"$tmp/facts" <<'EOF'
import json, sys
items = json.load(open(sys.argv[1]))["diagnoses"]
for d in items:
    print(d["id"], d["severity"], d["subject"], d["frames"][0], len(d["frames"]), "|", d["summary"])
EOF
row () { grep "^$1 .* $2 " "$tmp/facts" | head -1; }
check station-rows 5 "$(grep -c '^wifi-station comment' "$tmp/facts")"
check station-ap "signal -35 dBm mean (-38 min, -29 max), data rate 32.5 Mb/s mean (6.0 to 72.2)" \
  "$(row wifi-station 02:ab:cd:00:00:03 | sed 's/.*(0 %), //')"
check station-ap-role 'access point of "iot-home"' "$(row wifi-station 02:ab:cd:00:00:03 | grep -o 'access point of "iot-home"')"
check station-thermostat "5 frames, 0 retries (0 %), signal -46 dBm mean (-47 min, -44 max), data rate 72.2 Mb/s mean (72.2 to 72.2)" \
  "$(row wifi-station 02:ee:32:10:00:01 | sed 's/.*"iot-home"): //')"
check station-garden "10 frames, 5 retries (50 %), signal -86 dBm mean (-88 min, -81 max), data rate 3.8 Mb/s mean (1.0 to 6.0)" \
  "$(row wifi-station 02:ee:32:10:00:02 | sed 's/.*"iot-home"): //')"
check weak-signal "wifi-signal warning 02:ee:32:10:00:02 19 10" "$(row wifi-signal 02:ee:32:10:00:02 | cut -d'|' -f1 | sed 's/ $//')"
check retries "wifi-retries warning 02:ee:32:10:00:02 20 5" "$(row wifi-retries 02:ee:32:10:00:02 | cut -d'|' -f1 | sed 's/ $//')"
check wrong-passphrase-proven "message 2's MIC does not verify with the configured Wi-Fi key" \
  "$(row wifi-handshake-failure 02:ee:32:10:00:03 | grep -o "message 2's MIC does not verify with the configured Wi-Fi key")"
check wrong-passphrase-dismissed "frame 58 (reason 15: 4-Way Handshake timeout)" \
  "$(row wifi-handshake-failure 02:ee:32:10:00:03 | grep -o 'frame 58 (reason 15: 4-Way Handshake timeout)')"
check unanswered "wifi-handshake-unanswered warning 02:ee:32:10:00:04 69 4" \
  "$(row wifi-handshake-unanswered 02:ee:32:10:00:04 | cut -d'|' -f1 | sed 's/ $//')"
check storm "9 deauthentication/disassociation frames within 0.7 s to 2 stations and the broadcast address; reason codes 7 (5 frames), 6 (2 frames), 1 (1 frame), 8 (1 frame), arriving at -29 dBm while 02:ab:cd:00:00:03's beacons arrive at -38 dBm: sent from another place" \
  "$(row wifi-deauth-storm 02:ab:cd:00:00:03 | sed 's/.*| //')"
# Without the key the wrong passphrase is only inferred from the repeats.
check wrong-passphrase-inferred "probably a wrong passphrase" \
  "$("$cli" -r "$cap" -q -z insight 2>/dev/null | grep -o 'never got message 3: probably a wrong passphrase' | sed 's/.*: //')"
check html-station-row 1 "$(grep -c '02:ee:32:10:00:02 (station of &quot;iot-home&quot;): 10 frames, 5 retries (50 %)' "$tmp/r.html")"
check html-storm 1 "$(grep -c 'reason codes 7 (5 frames)' "$tmp/r.html")"

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
