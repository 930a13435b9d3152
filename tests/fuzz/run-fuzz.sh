#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (+ASan/UBSan) and runs each for
# FUZZ_SECONDS (default 60) from seeds made of the test captures.
# Prints "N passed, N failed" (one per target).
set -uo pipefail
cd "$(dirname "$0")/../.."
seconds=${FUZZ_SECONDS:-60}
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang meson setup build-fuzz -Dfuzzing=true -Dgui=disabled -Db_sanitize=address,undefined \
    -Db_lundef=false -Dbuildtype=debugoptimized >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
fi
ninja -C build-fuzz >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
python3 tests/fuzz/make-seeds.py . build-fuzz/seeds

passed=0 failed=0
# One target per dissector, each briefly: the input goes straight to it.
per_dissector=${FUZZ_DISSECTOR_SECONDS:-5}
for exe in build-fuzz/tests/fuzz/fuzz-dissector-*; do
  [ -f "$exe" ] && [ -x "$exe" ] || continue
  name=${exe##*/fuzz-dissector-}
  mkdir -p "build-fuzz/crashes-$name"
  if UBSAN_OPTIONS=halt_on_error=1 ASAN_OPTIONS=detect_leaks=1 \
     "$exe" -max_total_time="$per_dissector" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="build-fuzz/crashes-$name/" >"build-fuzz/fuzz-dissector-$name.log" 2>&1; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "fuzz-dissector-$name FAILED:"
    tail -30 "build-fuzz/fuzz-dissector-$name.log"
  fi
done
echo "per-dissector fuzzing: $passed targets clean, $failed failed (${per_dissector}s each)"

for target in frame file filter secrets exercise; do
  mkdir -p "build-fuzz/corpus-$target" "build-fuzz/crashes-$target"
  echo "fuzz-$target: ${seconds}s"
  mkdir -p "build-fuzz/seeds/$target"
  if UBSAN_OPTIONS=halt_on_error=1 ASAN_OPTIONS=detect_leaks=1 \
     "build-fuzz/tests/fuzz/fuzz-$target" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
       -rss_limit_mb=2048 -artifact_prefix="build-fuzz/crashes-$target/" -print_final_stats=1 \
       "build-fuzz/corpus-$target" "build-fuzz/seeds/$target" >"build-fuzz/fuzz-$target.log" 2>&1; then
    passed=$((passed + 1))
    grep -E "stat::number_of_executed_units|cov:" "build-fuzz/fuzz-$target.log" | tail -2
  else
    failed=$((failed + 1))
    tail -40 "build-fuzz/fuzz-$target.log"
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
