#!/usr/bin/env bash
# -L: the link types of interfaces, byte for byte as tshark -L prints them,
# for a loopback, a veth and "any" in a network namespace of the test's own;
# an interface that does not exist is an error (exit 2).
set -u
cli=${IOTSCOPE_CLI:?}
command -v tshark >/dev/null || { echo "tshark is not installed: skipped"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "needs root for a network namespace: skipped"; exit 77; }
ns=cli20b-lt-$$
ip netns add "$ns" 2>/dev/null || { echo "no network namespaces: skipped"; exit 77; }
trap 'ip netns del "$ns" 2>/dev/null' EXIT
ip -n "$ns" link set lo up
ip -n "$ns" link add cli20b-lta type veth peer name cli20b-ltb
ip -n "$ns" link set cli20b-lta up
ip -n "$ns" link set cli20b-ltb up
failures=0
for args in "-i lo" "-i cli20b-lta" "-i any" "-i lo -i cli20b-ltb"; do
  read -r -a a <<<"$args"
  ours=$(ip netns exec "$ns" "$cli" "${a[@]}" -L 2>/dev/null)
  theirs=$(ip netns exec "$ns" tshark "${a[@]}" -L 2>/dev/null)
  if [ -n "$ours" ] && [ "$ours" = "$theirs" ]; then echo "ok   $args -L"; else
    echo "FAIL $args -L"; diff <(echo "$ours") <(echo "$theirs"); failures=$((failures + 1)); fi
done
err=$(ip netns exec "$ns" "$cli" -i cli20b-none -L 2>&1 >/dev/null); rc=$?
if [ "$rc" = 2 ] && [[ "$err" == *'"cli20b-none" could not be obtained'* ]]; then echo "ok   unknown interface"; else
  echo "FAIL unknown interface: exit $rc: $err"; failures=$((failures + 1)); fi
[ "$failures" -eq 0 ]
