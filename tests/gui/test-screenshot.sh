#!/bin/bash
# iotscope --screenshot writes a non-empty PNG of the loaded window, and
# with --follow one of the Follow window.
set -eu
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
captures="$IOTSCOPE_SOURCE_ROOT/tests/captures"

check_png () {
  local file=$1 min=$2
  [ -s "$file" ] || { echo "no screenshot written: $file" >&2; exit 1; }
  magic=$(head -c 8 "$file" | od -An -tx1 | tr -d ' \n')
  [ "$magic" = "89504e470d0a1a0a" ] || { echo "not a PNG: $magic" >&2; exit 1; }
  size=$(stat -c %s "$file")
  [ "$size" -gt "$min" ] || { echo "suspiciously small PNG: $size bytes" >&2; exit 1; }
  echo "$(basename "$file"): $size bytes"
}

# Runs the program; its messages go to $out/err, shown if it fails.
run () {
  "$IOTSCOPE_APP" "$@" 2>"$out/err" || { echo "failed ($?): $*" >&2; cat "$out/err" >&2; exit 1; }
}

run --screenshot "$out/shot.png" --select 4 --filter 'tcp.len > 0' --sort length:desc "$captures/mqtt311.pcap"
check_png "$out/shot.png" 10000

run --screenshot "$out/follow.png" --select 4 --follow tcp "$captures/http.pcap"
check_png "$out/follow.png" 5000

run --screenshot "$out/mqtt.png" --select 8 --follow mqtt "$captures/mqtt311.pcap"
check_png "$out/mqtt.png" 5000

# A frame without such a stream: a message, and the main window instead.
run --screenshot "$out/none.png" --select 4 --follow udp "$captures/mqtt311.pcap"
grep -q "no such stream" "$out/err" || { echo "expected a message for --follow udp on TCP:" >&2; cat "$out/err" >&2; exit 1; }
check_png "$out/none.png" 10000

# The Preferences window's TLS page, with a key log and a PSK from -o.
run -o "tls.keylog_file:$captures/mqtt-tls-decrypt.keys" -o dtls.psk:696f7473636f70652d646576696365 \
  --window preferences --screenshot "$out/prefs.png" "$captures/mqtt-tls-decrypt.pcap"
check_png "$out/prefs.png" 5000

# The Wi-Fi decryption preferences as tshark takes them: accepted by the
# window (for this run), and a passphrase tshark would refuse is named.
run -o wlan.enable_decryption:TRUE -o 'uat:80211_keys:"wpa-pwd","correct horse battery:iot-lab"' \
  --filter mqtt --screenshot "$out/wifi.png" "$captures/wifi-wpa2.pcap"
check_png "$out/wifi.png" 10000
run -o 'uat:80211_keys:"wpa-pwd","short"' --screenshot "$out/wifi-bad.png" "$captures/wifi-wpa2.pcap"
grep -q 'uat:80211_keys.*8 to 63 characters' "$out/err" \
  || { echo "expected the short passphrase to be named:" >&2; cat "$out/err" >&2; exit 1; }
