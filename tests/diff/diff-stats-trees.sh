#!/usr/bin/env bash
# The counting trees (-z http,tree, http_req,tree, ptype,tree,
# ip_hosts,tree, plus a filtered one) must read exactly as tshark -2's, on
# the captures that hold HTTP, ICMP errors, tunnels and odd link types
# (DIFF_ONLY='a*.pcap,b.pcap' picks others; DIFF_ALL=1 takes every capture).
# Our own mqtt,tree is checked against counts the MQTT fields give, and
# -z follow,http against tshark's.
set -u
. "$(dirname "$0")/capture-opts.sh"
cli=${IOTSCOPE_CLI:?}
cd "${IOTSCOPE_SOURCE_ROOT:?}"
command -v tshark >/dev/null || { echo "tshark is not installed: skipped"; exit 77; }
source tests/diff/lib-diff.sh
export TZ=UTC
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

trees=(-z http,tree -z http_req,tree -z ptype,tree -z ip_hosts,tree -z "http,tree,tcp.port == 8000"
       -z "ip_hosts,tree,frame.len > 100")
default=(http.pcap http-chunked.pcap http-split.pcap icmp.pcap dns.pcap mac-names.pcap mqtt-ws.pcap
         null.pcap rawip.pcap netns.pcap network-join.pcap hostile-strings.pcap
         json.pcap xml-form.pcap coap.pcap)

selected() {
  local name=$1 pattern
  if [ -n "${DIFF_ALL:-}" ]; then return 0; fi
  if [ -n "${DIFF_ONLY:-}" ]; then
    IFS=, read -ra patterns <<<"$DIFF_ONLY"
    for pattern in "${patterns[@]}"; do
      # shellcheck disable=SC2053
      [[ $name == $pattern ]] && return 0
    done
    return 1
  fi
  for pattern in "${default[@]}"; do
    [ "$name" = "$pattern" ] && return 0
  done
  return 1
}

checked=0 failed=0
for capture in tests/captures/*.pcap*; do
  selected "$(basename "$capture")" || continue
  excluded stats "$capture" && continue
  checked=$((checked + 1))
  mapfile -t opts < <(capture_opts "$capture")
  tshark -2 "${opts[@]}" -r "$capture" -q "${trees[@]}" >"$tmp/theirs" 2>/dev/null
  "$cli" "${opts[@]}" -r "$capture" -q "${trees[@]}" >"$tmp/ours" 2>"$tmp/ours.err"
  if ! cmp -s "$tmp/theirs" "$tmp/ours"; then
    failed=$((failed + 1))
    echo "DIFF $capture"
    diff "$tmp/theirs" "$tmp/ours" | head -"${DIFF_LINES:-12}"
  fi
done
# mqtt,tree: each message type's row counts the messages tshark sees of
# that type, each topic row (summed over the types) the topics it sees.
for capture in tests/captures/mqtt-dup.pcap tests/captures/mqtt5.pcap tests/captures/mqtt311.pcap \
               tests/captures/mqtt-coalesced.pcap; do
  selected "$(basename "$capture")" || [ -z "${DIFF_ONLY:-}" ] || continue
  checked=$((checked + 1))
  tshark -2 -r "$capture" -Y mqtt -T fields -E occurrence=a -E aggregator='|' \
    -e mqtt.msgtype -e mqtt.topic >"$tmp/theirs" 2>/dev/null
  "$cli" -r "$capture" -q -z mqtt,tree >"$tmp/ours" 2>/dev/null
  python3 - "$tmp/theirs" "$tmp/ours" <<'PY' || { failed=$((failed + 1)); echo "DIFF mqtt,tree $capture"; }
import collections, re, sys
names = {1: "Connect Command", 2: "Connect Ack", 3: "Publish Message", 4: "Publish Ack",
         5: "Publish Received", 6: "Publish Release", 7: "Publish Complete", 8: "Subscribe Request",
         9: "Subscribe Ack", 10: "Unsubscribe Request", 11: "Unsubscribe Ack", 12: "Ping Request",
         13: "Ping Response", 14: "Disconnect Req", 15: "Authentication Exchange"}
types, topics = collections.Counter(), collections.Counter()
for line in open(sys.argv[1], encoding="utf-8"):
    kinds, _, names_seen = line.rstrip("\n").partition("\t")
    for k in filter(None, kinds.split("|")):
        types[names[int(k)]] += 1
    for t in filter(None, names_seen.split("|")):
        topics[t] += 1
ours_types, ours_topics, total = collections.Counter(), collections.Counter(), None
for line in open(sys.argv[2], encoding="utf-8"):
    m = re.match(r"^( *)(\S.*?)\s{2,}(\d+)\s", line)
    if not m or m.group(2) == "Topic / Item":
        continue
    depth, name, count = len(m.group(1)), m.group(2), int(m.group(3))
    if depth == 0:
        total = count
    elif depth == 1:
        ours_types[name] += count
    else:
        ours_topics[name] += count
ok = total == sum(types.values()) and ours_types == types and ours_topics == topics
if not ok:
    print("tshark:", total, dict(types), dict(topics))
    print("ours:  ", dict(ours_types), dict(ours_topics))
    print(open(sys.argv[2]).read())
sys.exit(0 if ok and total else 1)
PY
done
# dns,tree: as tshark, except two rows: tshark 4.0 counts answers and
# authority records for queries too, with values no field of the query
# holds; our rows average each message's own dns.count.answers and
# dns.count.auth_rr, which the last check recomputes from tshark's fields.
for capture in tests/captures/dns.pcap tests/captures/mdns.pcap tests/captures/network-join.pcap; do
  selected "$(basename "$capture")" || [ -z "${DIFF_ONLY:-}" ] || continue
  checked=$((checked + 1))
  tshark -2 -r "$capture" -q -z dns,tree -z "dns,tree,udp" 2>/dev/null | grep -vE '^ no\. of (answers|authorities) ' >"$tmp/theirs"
  "$cli" -r "$capture" -q -z dns,tree -z "dns,tree,udp" 2>/dev/null >"$tmp/ours.full"
  grep -vE '^ no\. of (answers|authorities) ' "$tmp/ours.full" >"$tmp/ours"
  tshark -2 -r "$capture" -Y dns -T fields -E occurrence=a -E aggregator=' ' -e dns.count.answers -e dns.count.auth_rr \
    2>/dev/null >"$tmp/counts"
  if ! cmp -s "$tmp/theirs" "$tmp/ours" || ! python3 - "$tmp/counts" "$tmp/ours.full" <<'PY'
import re, sys
answers, auth = [], []
for line in open(sys.argv[1]):
    a, _, b = line.rstrip("\n").partition("\t")
    answers += [int(x) for x in a.split()]
    auth += [int(x) for x in b.split()]
rows = {}
for line in open(sys.argv[2]):
    m = re.match(r"^ no\. of (answers|authorities) +(\d+) +([\d.]+)", line)
    # The whole capture's tree prints last (reports print newest first).
    if m:
        rows[m.group(1)] = (int(m.group(2)), m.group(3))
def check(name, values):
    if not values:
        return name not in rows or rows[name][0] == 0
    return rows.get(name) == (len(values), "%.2f" % (sum(values) / len(values)))
sys.exit(0 if check("answers", answers) and check("authorities", auth) else 1)
PY
  then
    failed=$((failed + 1))
    echo "DIFF dns,tree $capture"
    diff "$tmp/theirs" "$tmp/ours" | head -"${DIFF_LINES:-12}"
  fi
done

# follow,http: each message's headers, then its decoded body, as tshark.
for capture in tests/captures/http.pcap tests/captures/http-chunked.pcap tests/captures/http-split.pcap \
               tests/captures/json.pcap tests/captures/xml-form.pcap; do
  selected "$(basename "$capture")" || [ -z "${DIFF_ONLY:-}" ] || continue
  # One report a run: tshark prints several in an order of its own.
  for spec in follow,http,ascii,0 follow,http,ascii,1 follow,http,hex,1 follow,http,raw,2; do
    checked=$((checked + 1))
    tshark -r "$capture" -q -z "$spec" >"$tmp/theirs" 2>/dev/null
    "$cli" -r "$capture" -q -z "$spec" >"$tmp/ours" 2>/dev/null
    if ! cmp -s "$tmp/theirs" "$tmp/ours" || ! grep -q '^Follow: http' "$tmp/ours"; then
      failed=$((failed + 1))
      echo "DIFF $spec $capture"
      diff "$tmp/theirs" "$tmp/ours" | head -"${DIFF_LINES:-12}"
    fi
  done
done
echo "captures compared: $checked (6 trees each; mqtt,tree against the MQTT fields; follow,http), differing: $failed"
[ "$checked" -gt 0 ] || exit 1
[ "$failed" -eq 0 ] || exit 1
