#!/usr/bin/env bash
# Golden tests: for each tests/golden/NAME.args (one line of CLI arguments,
# paths relative to the source root), the CLI's output must equal NAME.out.
# Run with --update to rewrite the .out files after a deliberate change.
set -u
cli=${IOTSCOPE_CLI:?}
cd "${IOTSCOPE_SOURCE_ROOT:?}"
export TZ=UTC LC_ALL=C.UTF-8
update=${1:-}
failures=0 count=0
for args_file in tests/golden/*.args; do
  name=${args_file%.args}
  read -r -a args <"$args_file"
  count=$((count + 1))
  if [ "$update" = --update ]; then
    "$cli" "${args[@]}" >"$name.out" 2>/dev/null
    continue
  fi
  if ! diff -u "$name.out" <("$cli" "${args[@]}" 2>/dev/null) >"/tmp/golden-$$.diff"; then
    echo "FAIL $(basename "$name"): output differs from $name.out"
    head -40 "/tmp/golden-$$.diff"
    failures=$((failures + 1))
  else
    echo "ok   $(basename "$name")"
  fi
done
rm -f "/tmp/golden-$$.diff"
[ "$count" -gt 0 ] || { echo "no golden tests found"; exit 1; }
[ "$failures" -eq 0 ]
