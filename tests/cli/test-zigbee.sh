#!/usr/bin/env bash
# Zigbee from the command line: the network key revealed by a Transport-Key
# under the default trust-centre link key (no -o needed), a network key
# given with tshark's -o uat:zigbee_pc_keys syntax (right, wrong, reversed,
# malformed), and the ZDP messages of a device's discovery.
set -u
cli=${IOTSCOPE_CLI:?}
cd "${IOTSCOPE_SOURCE_ROOT:?}"
failures=0
join=tests/captures/zigbee-join.pcap
nwk=tests/captures/zigbee-nwkkey.pcap
zdp=tests/captures/zigbee-zdp.pcap
key='uat:zigbee_pc_keys:"c0c1c2c3c4c5c6c7c8c9cacbcccdcecf","Normal","lab network"'

expect_lines () {
  local name=$1 want=$2 got
  shift 2
  got=$("$cli" "$@" 2>/dev/null | wc -l)
  if [ "$got" = "$want" ]; then echo "ok   $name"; else echo "FAIL $name: $got lines, expected $want"; failures=$((failures + 1)); fi
}
expect_text () {
  local name=$1 text=$2 out
  shift 2
  out=$("$cli" "$@" 2>&1)
  if grep -qF -- "$text" <<<"$out"; then echo "ok   $name"; else echo "FAIL $name: no \"$text\""; failures=$((failures + 1)); fi
}

# The default trust-centre link key is tried without being asked for.
expect_text transport-key-default '01030507090b0d0f00020406080a0c0d' -r "$join" -Y 'zbee_aps.cmd.id == 0x05' \
  -T fields -e zbee_aps.cmd.key
expect_lines default-key-label 1 -r "$join" -Y 'zbee.sec.decryption_key == "ZigBeeAlliance09"'
expect_lines learned-key-decrypts 22 -r "$join" -Y 'zbee.sec.key.origin == 9'
expect_lines reports-decrypted 14 -r "$join" -Y 'zbee_zcl.cmd.id == 0x0a'
expect_lines rejoin 1 -r "$join" -Y 'zbee_nwk.cmd.id == 0x06'

expect_lines user-key 4 -r "$nwk" -o "$key" -Y zbee_zcl
expect_lines no-key 0 -r "$nwk" -Y zbee_zcl
expect_lines wrong-key 0 -r "$nwk" -o 'uat:zigbee_pc_keys:"c0c1c2c3c4c5c6c7c8c9cacbcccdcece","Normal","x"' -Y zbee_zcl
expect_lines reversed-key 4 -r "$nwk" -o 'uat:zigbee_pc_keys:"cf:ce:cd:cc:cb:ca:c9:c8:c7:c6:c5:c4:c3:c2:c1:c0","Reverse","r"' \
  -Y zbee_zcl
expect_text undecrypted-expert 'Encrypted Payload' -r "$nwk" -o "$key" -z expert -q
expect_text bad-key 'is not 16 bytes of hex' -r "$nwk" -o 'uat:zigbee_pc_keys:"c0c1","Normal","short"'
expect_text bad-entry 'zigbee_pc_keys entry' -r "$nwk" -o 'uat:zigbee_pc_keys:"c0c1c2c3c4c5c6c7c8c9cacbcccdcecf"'
expect_text bad-level 'only "AES-128 Encryption, 32-bit Integrity Protection"' -r "$nwk" \
  -o 'zbee_nwk.seclevel:No Security'

expect_lines zdp-messages 27 -r "$zdp" -Y zbee_zdp
expect_text device-announce 'Device Announcement, Nwk Addr: 0x4f21, Ext Addr: TexasIns_00:01:02:03:04' -r "$zdp"
expect_text lqi-neighbours '255,140' -r "$zdp" -Y 'zbee_zdp.lqi' -T fields -E occurrence=a -E aggregator=, -e zbee_zdp.lqi
expect_text bind-info 'Bind Request, On/Off (Cluster ID: 0x0006) Src: TexasIns_00:01:02:03:04, Dst: TexasIns_00:0a:0b:0c:0d' -r "$zdp"

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
