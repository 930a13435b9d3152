#!/usr/bin/env bash
# make-comments.sh -- packet comments (pcapng opt_comment) on real traffic:
# mqtt311.pcap (mosquitto on loopback, see make-captures.sh) annotated with
# editcap as an analyst would.  Several comments on one frame take two
# editcap runs (one run keeps the last -a per frame).  Writes
# comments.pcapng next to this script; needs editcap (wireshark-common).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

editcap -F pcapng \
  -a '1:Client opens the TCP connection to the broker' \
  -a '4:CONNECT from mosquitto_pub' \
  -a '8:Température reading — ünïcödé and “quotes”' \
  -a '20:QoS 2 flow starts here' \
  "$HERE/mqtt311.pcap" "$WORK/pass1.pcapng"
editcap \
  -a '4:second comment on the same frame, with a comma, inside' \
  -a '20:checked against the broker log' \
  -a '149:last frame' \
  "$WORK/pass1.pcapng" "$WORK/pass2.pcapng"
cp "$WORK/pass2.pcapng" "$OUT/comments.pcapng"
echo "wrote $OUT/comments.pcapng"
