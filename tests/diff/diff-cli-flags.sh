#!/usr/bin/env bash
# tshark's everyday flags: for each case below, on several captures,
# iotscope-cli's standard output must be byte-identical to tshark's.
# Absolute times are checked in a zone with daylight saving, so local and
# UTC formats differ.  Only PSML's creator attribute (the program's name) is
# left out of the comparison.
set -u
. "$(dirname "$0")/capture-opts.sh"
cli=${IOTSCOPE_CLI:?}
cd "${IOTSCOPE_SOURCE_ROOT:?}"
command -v tshark >/dev/null || { echo "tshark is not installed: skipped"; exit 77; }
export TZ=America/New_York

captures=(tests/captures/mqtt311.pcap tests/captures/mqtt5.pcap tests/captures/coap-lossy.pcap
          tests/captures/mac-names.pcap tests/captures/network-join.pcap tests/captures/sll2.pcap)
cases=(
  "-t r" "-t a" "-t ad" "-t adoy" "-t d" "-t dd" "-t e" "-t u" "-t ud" "-t udoy"
  "-u hms" "-u hms -t d" "-u s -t dd"
  "-t dd -Y tcp.len>0" "-t dd -u hms -Y udp" "-t d -Y arp||icmp"
  "-x" "-x -P" "-x -c 3 -t e" "-x -S ===="
  "-n" "-N m" "-N n" "-l" "-Q" "-Q -z io,phs"
  "-T text" "-T tabs" "-T tabs -t ad" "-T psml" "-T psml -t e -Y frame.len>60"
  "-o mqtt.tcp.port:1884,1885-1886" "-o coap.udp.port:5690"
  "-N t" "-N mt" "-N tm -T psml" "-n -N t"
)
# Cases that print the protocol tree, on captures whose whole tree we show
# as tshark does; on mac-names.pcap only its ARP frames (tshark 4.0 also
# dumps the bytes of an ICMP echo's data inside -V, which we do not).
tree_captures=(tests/captures/dhcp.pcap tests/captures/ntp.pcap "tests/captures/mac-names.pcap -Y arp")
tree_cases=("-V -S ----" "-V -x" "-V -x -S ~~" "-V -P" "-x -V -P" "-n -V" "-N m -V" "-T text -V"
            "-N t -V" "-N mt -V")
checked=0 failed=0
compare() {
  local capture=${1%% *} case="$2" opts args ours theirs
  [ "$capture" != "$1" ] && case="$2 ${1#* }"
  mapfile -t opts < <(capture_opts "$capture")
  read -r -a args <<<"$case"
  checked=$((checked + 1))
  ours=$("$cli" "${opts[@]}" -r "$capture" "${args[@]}" 2>/dev/null | sed 's/creator="[^"]*"//')
  theirs=$(tshark -2 "${opts[@]}" -r "$capture" "${args[@]}" 2>/dev/null | sed 's/creator="[^"]*"//')
  if [ "$ours" != "$theirs" ]; then
    failed=$((failed + 1))
    echo "DIFFERS: $(basename "$capture") $case"
    diff <(printf '%s\n' "$ours") <(printf '%s\n' "$theirs") | head -6
  fi
}
for capture in "${captures[@]}"; do
  for case in "${cases[@]}"; do compare "$capture" "$case"; done
done
for entry in "${tree_captures[@]}"; do
  for case in "${tree_cases[@]}"; do compare "$entry" "$case"; done
done
# -O folds the protocols it does not list, the malformed mark among them
# (tshark registers it as a protocol).
detail_entries=("tests/captures/cbor-malformed.pcap -V -O ip" "tests/captures/mqttsn-gen.pcap -V -O udp"
                "tests/captures/mqttsn-gen.pcap -V -O udp,_ws.malformed")
for entry in "${detail_entries[@]}"; do compare "$entry" ""; done
# -N n / d with a hosts list of our own: tshark reads hosts from its
# personal configuration folder (wireshark/hosts), we from iotscope/hosts;
# neither asks the network.  mdns.pcap names its sender in its own answers
# (-N d); icmp.pcap has IPv4 and IPv6 and a Record Route option.
config=$(mktemp -d)
trap 'rm -rf "$config"' EXIT
mkdir -p "$config/wireshark" "$config/iotscope"
printf '127.0.0.1\tbroker.test alias\n::1\tbroker6.test  # loopback, IPv6\n10.77.0.1 unused.test\n' \
  >"$config/wireshark/hosts"
cp "$config/wireshark/hosts" "$config/iotscope/hosts"
host_captures=(tests/captures/icmp.pcap tests/captures/mdns.pcap tests/captures/dns.pcap
               tests/captures/mac-names.pcap tests/captures/null.pcap)
host_cases=("-N n" "-N nd" "-N ndt" "-N mnd" "-N nt -T psml" "-N d"
            "-N n -T fields -e ip.src_host -e ip.dst_host -e ipv6.src_host -e ip.host -e ip.rec_rt_host")
# (tshark names a MAC address after the IPv4 address ARP pairs it with
# when that address has a name: no hosts line for mac-names.pcap's.)
host_tree_entries=(tests/captures/dhcp.pcap tests/captures/ntp.pcap "tests/captures/mac-names.pcap -Y arp"
                   "tests/captures/icmp.pcap -O ip,ipv6")
host_tree_cases=("-N n -V" "-N mnd -V" "-N ndt -V")
for capture in "${host_captures[@]}"; do
  for case in "${host_cases[@]}"; do XDG_CONFIG_HOME=$config compare "$capture" "$case"; done
done
for entry in "${host_tree_entries[@]}"; do
  for case in "${host_tree_cases[@]}"; do XDG_CONFIG_HOME=$config compare "$entry" "$case"; done
done
echo "name resolution cases: ${#host_cases[@]} on ${#host_captures[@]} captures," \
     "${#host_tree_cases[@]} tree cases on ${#host_tree_entries[@]}"
echo "flag cases compared: $checked (${#cases[@]} cases on ${#captures[@]} captures," \
     "${#tree_cases[@]} tree cases on ${#tree_captures[@]}), differing: $failed"
[ "$failed" -eq 0 ]
