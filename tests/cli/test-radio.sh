#!/usr/bin/env bash
# Radio captures from the command line: WPA2 decryption with tshark's -o
# key syntax (right, wrong and malformed keys, a raw PSK), the security
# findings of Wi-Fi and Bluetooth LE (failed handshakes, deauthentication
# storms, Just Works pairing), decoded GATT values, and Thread MLE and
# 802.15.4 decryption with tshark's ieee802154_keys and thread.* settings.
set -u
cli=${IOTSCOPE_CLI:?}
cd "${IOTSCOPE_SOURCE_ROOT:?}"
failures=0
wifi=tests/captures/wifi-wpa2.pcap
attack=tests/captures/wifi-attack.pcap
ble=tests/captures/ble.pcap
key=(-o wlan.enable_decryption:TRUE -o 'uat:80211_keys:"wpa-pwd","correct horse battery:iot-lab"')

# expect NAME WANTED-COUNT ARGS...: the number of output lines.
expect_lines () {
  local name=$1 want=$2 got
  shift 2
  got=$("$cli" "$@" 2>/dev/null | wc -l)
  if [ "$got" = "$want" ]; then echo "ok   $name"; else echo "FAIL $name: $got lines, expected $want"; failures=$((failures + 1)); fi
}
# expect_text NAME TEXT ARGS...: the output (stdout and stderr) contains TEXT.
expect_text () {
  local name=$1 text=$2 out
  shift 2
  out=$("$cli" "$@" 2>&1)
  if grep -qF -- "$text" <<<"$out"; then echo "ok   $name"; else echo "FAIL $name: no \"$text\""; failures=$((failures + 1)); fi
}

expect_lines wpa2-decrypted-mqtt 8 -r "$wifi" "${key[@]}" -Y mqtt
expect_lines wpa2-decrypted-tcp 15 -r "$wifi" "${key[@]}" -Y tcp
expect_lines wpa2-no-key 0 -r "$wifi" -Y 'tcp || arp'
expect_lines wpa2-disabled 0 -r "$wifi" -o 'uat:80211_keys:"wpa-pwd","correct horse battery:iot-lab"' -Y tcp
expect_lines wpa2-wrong-key 0 -r "$wifi" -o wlan.enable_decryption:TRUE \
  -o 'uat:80211_keys:"wpa-pwd","correct horse batterz:iot-lab"' -Y tcp
expect_lines wpa2-other-ssid 0 -r "$wifi" -o wlan.enable_decryption:TRUE \
  -o 'uat:80211_keys:"wpa-pwd","correct horse battery:other-net"' -Y tcp
expect_lines wpa2-psk 8 -r "$wifi" -o wlan.enable_decryption:TRUE \
  -o 'uat:80211_keys:"wpa-psk","baf61dbbfe411643a90e61143b2b563a2a2aac5c9175423291127c46e791917c"' -Y mqtt
expect_text wpa2-topic 'sensors/esp32-thermo/temperature' -r "$wifi" "${key[@]}" -Y 'mqtt.msgtype == 3' \
  -T fields -e mqtt.topic
expect_text bad-passphrase "8 to 63" -r "$wifi" -o 'uat:80211_keys:"wpa-pwd","short:iot-lab"'
expect_text bad-key-type "unsupported 802.11 key type" -r "$wifi" -o 'uat:80211_keys:"wep","0102030405"'
expect_text bad-preference "unknown preference" -r "$wifi" -o no.such.pref:1

expect_lines handshake-messages-2 2 -r "$attack" "${key[@]}" -Y 'wlan_rsna_eapol.keydes.msgnr == 2'
expect_text handshake-failure-expert "No configured WPA key produces this handshake's MIC" \
  -r "$attack" "${key[@]}" -z expert -q
expect_text handshake-verified-expert "Handshake verified with a configured key" -r "$wifi" "${key[@]}" -z expert -q
expect_text deauth-storm "deauthentications/disassociations within one second" -r "$attack" -z expert -q
expect_text deauth-reason "4-Way Handshake timeout" -r "$attack" -V -Y 'wlan.fixed.reason_code == 15'

expect_text just-works "LE Secure Connections, Just Works" -r "$ble" -z expert -q
expect_lines pairing-method 1 -r "$ble" -Y 'btsmp.pairing_method contains "Just Works"'
expect_text gatt-temperature "Temperature: 22.15 °C" -r "$ble" -V -Y 'btatt.opcode == 0x1b'
expect_text gatt-handle-name "Environmental Sensing: Temperature" -r "$ble" -Y 'btatt.opcode == 0x1b'
expect_lines ble-notifications 3 -r "$ble" -Y 'btatt.temperature >= 2215'

thread=tests/captures/thread-sec.pcap
thread_key=(-o 'uat:ieee802154_keys:"000102030405060708090a0b0c0d0e0f","1","Thread hash"')
expect_lines thread-mle-decrypted 11 -2 -r "$thread" "${thread_key[@]}" -Y mle.cmd
expect_lines thread-mle-no-key 0 -2 -r "$thread" -Y mle.cmd
expect_text thread-child-id-request-timeout 240 -2 -r "$thread" "${thread_key[@]}" -Y 'mle.cmd == 11' \
  -T fields -e mle.tlv.timeout
expect_text thread-child-id-request-response d0d1d2d3d4d5d6d7 -2 -r "$thread" "${thread_key[@]}" -Y 'mle.cmd == 11' \
  -T fields -e mle.tlv.response
expect_text thread-mac-coap /sensors/temp -2 -r "$thread" "${thread_key[@]}" -Y 'wpan.security && coap'
expect_lines thread-mac-learned-short 2 -2 -r "$thread" "${thread_key[@]}" -Y 'wpan.key_number == 0'
# With the counter fixed at 0x100 (not taken from MLE), key index 10 means
# key sequence 0x109: the last frame opens and the others do not.
expect_text thread-seq-ctr 18 -2 -r "$thread" "${thread_key[@]}" -o thread.thr_auto_acq_thr_seq_ctr:FALSE \
  -o thread.thr_seq_ctr:00000100 -Y wpan.key_number -T fields -e frame.number
expect_text thread-bad-hash "No hash, ZigBee IP hash or Thread hash" -r "$thread" \
  -o 'uat:ieee802154_keys:"000102030405060708090a0b0c0d0e0f","1","NONE"'

# nRF Sniffer header versions and Bluetooth 5 extended advertising: what
# ble_nordic_versions_gen.py and ble_extadv_gen.py put in the captures.
nrf0=tests/captures/ble-nordic-v0.pcap
nrf1=tests/captures/ble-nordic-v1.pcap
ext=tests/captures/ble-extadv.pcap
expect_lines nrf-legacy-header 93 -r "$nrf0" -Y 'nordic_ble.legacy_marker == 0xbeef && nordic_ble.protover == 0'
expect_lines nrf-v1-second-board 6 -r "$nrf1" -Y 'nordic_ble.board_id == 1 && nordic_ble.hlen == 6'
expect_lines nrf-lengths-disagree 2 -r "$nrf1" -Y 'nordic_ble.plen && !btle'
expect_text nrf-bad-mic "Encrypted packet decrypted incorrectly (bad MIC)" -r "$nrf0"
expect_lines nrf-temperature-on-2m 12 -r "$nrf1" -Y 'btatt.temperature && nordic_ble.phy == 1'
expect_lines ext-chain-rebuilt 4 -r "$ext" -Y 'btcommon.eir_ad.entry.device_name == "air-quality-living-room"'
expect_lines ext-chain-pieces 4 -r "$ext" -Y 'btle.ea.host_advertising_data.fragment.count == 3'
expect_lines ext-scan-response 1 -r "$ext" -Y 'btle.scan_responce_data && btcommon.eir_ad.entry.device_name == "front-door-lock"'
expect_lines ext-connect-rsp 1 -r "$ext" -Y 'btle.advertising_header.pdu_type == 8 && btle.target_address == 7e:12:34:56:78:9a'
expect_lines ext-coded-s2 1 -r "$ext" -Y 'btle.coding_indicator == 1 && btle.advertising_address == e7:a5:e7:00:00:01'
expect_lines ext-heart-rate 10 -r "$ext" -Y 'btatt.heart_rate_measurement.value.8 || btatt.heart_rate_measurement.value.16'
expect_text ext-readings "Heart Rate Measurement  bpm      10   72   98    98" -r "$ext" -q -z readings
expect_text ext-periodic "Periodic advertising train 0x3e5a9c71: 5 AUX_SYNC_IND packets, typically 100.0 ms apart" \
  -r "$ext" -q -z insight

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
