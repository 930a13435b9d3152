#!/usr/bin/env bash
# Bad user input reaches the user as a clear message and a non-zero exit.
set -u
cli=${IOTSCOPE_CLI:?}
cd "${IOTSCOPE_SOURCE_ROOT:?}"
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect_failure NAME EXPECTED-TEXT ARGS...: exit status non-zero and stderr mentions the text.
expect_failure () {
  local name=$1 text=$2
  shift 2
  if "$cli" "$@" >"$tmp/out" 2>"$tmp/err"; then
    echo "FAIL $name: exit status 0"; failures=$((failures + 1)); return
  fi
  if ! grep -qF -- "$text" "$tmp/err"; then
    echo "FAIL $name: stderr lacks \"$text\":"; cat "$tmp/err"; failures=$((failures + 1)); return
  fi
  echo "ok   $name"
}

expect_failure missing-file "no-such.pcap" -r tests/captures/no-such.pcap
expect_failure garbage-file "not a pcap or pcapng capture file" -r tests/captures/garbage.pcap
expect_failure unknown-field "\"mqtt.nonsense\" is not a known field" -r tests/captures/mqtt311.pcap -T fields -e mqtt.nonsense
expect_failure no-fields "no fields were specified" -r tests/captures/mqtt311.pcap -T fields
expect_failure bad-format "invalid -T" -r tests/captures/mqtt311.pcap -T yaml
expect_failure bad-E "invalid -E option" -r tests/captures/mqtt311.pcap -T fields -e frame.number -E header=maybe
expect_failure no-input "no capture file given"
expect_failure bad-filter "neither a field nor a protocol name" -r tests/captures/mqtt311.pcap -Y 'tcp.port == 1 && nonsense'
expect_failure bad-decode-as "not a known protocol" -r tests/captures/mqtt311.pcap -d tcp.port==1884,nonsense
expect_failure bad-decode-as-syntax "expected TABLE==VALUE,PROTOCOL" -r tests/captures/mqtt311.pcap -d tcp.port=1884
printf '' > "$tmp/empty.pcap"
expect_failure empty-file "empty" -r "$tmp/empty.pcap"

# A damaged tail: every whole frame is printed, then the damage is reported.
whole=$("$cli" -r tests/captures/mqtt311.pcap | wc -l)
"$cli" -r tests/captures/broken-tail.pcap >"$tmp/out" 2>"$tmp/err"
status=$?
got=$(wc -l <"$tmp/out")
if [ "$status" -ne 0 ] && [ "$got" -eq $((whole - 1)) ] && grep -q "cut short or damaged after frame $got" "$tmp/err"; then
  echo "ok   broken-tail"
else
  echo "FAIL broken-tail: status $status, $got of $whole frames, stderr: $(cat "$tmp/err")"; failures=$((failures + 1))
fi

# A filter error shows the filter with a caret under the problem, as tshark does.
"$cli" -r tests/captures/mqtt311.pcap -Y 'frame.len == "x"' 2>"$tmp/err" >/dev/null
if [ "$(sed -n 3p "$tmp/err")" = '                 ^~~' ]; then
  echo "ok   filter-caret"
else
  echo "FAIL filter-caret:"; cat "$tmp/err"; failures=$((failures + 1))
fi

# Hostile filters: a clear message, never a crash, even on a 2 MiB stack.
deep=$(printf '%60000s' '' | tr ' ' '('; printf 'frame'; printf '%60000s' '' | tr ' ' ')')
(ulimit -s 2048; exec "$cli" -r tests/captures/mqtt311.pcap -Y "$deep") >"$tmp/out" 2>"$tmp/err"
status=$?
# Not a signal (a stack overflow is SIGSEGV, 139), but an error exit.
if [ "$status" -ne 0 ] && [ "$status" -lt 128 ] && grep -qF "more than 256 levels deep" "$tmp/err"; then
  echo "ok   filter-60000-deep"
else
  echo "FAIL filter-60000-deep: status $status, stderr: $(head -c 300 "$tmp/err")"; failures=$((failures + 1))
fi
nots=$(printf 'not %.0s' $(seq 30000); printf 'frame')
# An even number of "not": every frame.
if (ulimit -s 2048; exec "$cli" -r tests/captures/mqtt311.pcap -Y "$nots") >"$tmp/out" 2>"$tmp/err" \
   && [ "$(wc -l <"$tmp/out")" -eq "$whole" ]; then
  echo "ok   filter-30000-nots"
else
  echo "FAIL filter-30000-nots: $(head -c 300 "$tmp/err")"; failures=$((failures + 1))
fi
expect_failure filter-too-big '"65536" is too big for tcp.port: the maximum is 65535' -r tests/captures/mqtt311.pcap -Y 'tcp.port == 65536'
expect_failure filter-octal-escape '\400 is larger than 255' -r tests/captures/mqtt311.pcap -Y 'frame contains "\400"'
expect_failure filter-empty-slice 'The range 0:0 selects nothing' -r tests/captures/mqtt311.pcap -Y 'eth.src[0:0] == 00'
# Non-ASCII outside quotes: the caret under the character, not the byte.
"$cli" -r tests/captures/mqtt311.pcap -Y 'frame contains "é" && é' 2>"$tmp/err" >/dev/null
if grep -qF 'non-ASCII characters may only appear inside double quotes' "$tmp/err" \
   && [ "$(sed -n 3p "$tmp/err")" = '                          ^' ]; then
  echo "ok   filter-non-ascii-caret"
else
  echo "FAIL filter-non-ascii-caret:"; cat "$tmp/err"; failures=$((failures + 1))
fi

# Protobuf search paths and MQTT topic rules: a broken .proto is named
# with its line, a rule tshark's table would refuse is refused.
mkdir -p "$tmp/protos"
printf 'syntax = "proto3";\nmessage M {\n  int32 a = 1\n}\n' >"$tmp/protos/broken.proto"
expect_failure proto-syntax 'broken.proto:4: expected' -o "uat:protobuf_search_paths:\"$tmp/protos\",\"TRUE\"" -r tests/captures/mqtt311.pcap
expect_failure proto-no-folder 'not a folder' -o 'uat:protobuf_search_paths:"/nonexistent/protos","TRUE"' -r tests/captures/mqtt311.pcap
expect_failure mqtt-rule-criteria 'match criteria "Like"' -o 'uat:mqtt_message_decoding:"Like","a/","none","protobuf"' -r tests/captures/mqtt311.pcap
expect_failure mqtt-rule-columns 'expected 4 fields' -o 'uat:mqtt_message_decoding:"Starts with","a/","protobuf"' -r tests/captures/mqtt311.pcap

# The glossary lists fields with type and explanation.
if "$cli" -G fields | grep -qP '^F\tFrame Number\tframe\.number\tFT_UINT32\tframe\tBASE_DEC\t0x0\t.{10,}'; then
  echo "ok   glossary"
else
  echo "FAIL glossary"; failures=$((failures + 1))
fi

[ "$failures" -eq 0 ]
