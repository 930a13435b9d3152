#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (+ASan/UBSan) and runs each for
# FUZZ_SECONDS (default 60) from seeds made of the test captures, two at a
# time (FUZZ_JOBS).
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

# Both cores: two targets at a time.  Each run leaves a .ok or .failed
# mark; the counts are read from the marks.
jobs=${FUZZ_JOBS:-2}
rm -f build-fuzz/*.ok build-fuzz/*.failed

# One target per dissector, each briefly: the input goes straight to it.
per_dissector=${FUZZ_DISSECTOR_SECONDS:-5}
run_dissector () {
  local exe=$1 name=${1##*/fuzz-dissector-}
  mkdir -p "build-fuzz/crashes-$name"
  if UBSAN_OPTIONS=halt_on_error=1 ASAN_OPTIONS=detect_leaks=1 \
     "$exe" -max_total_time="$per_dissector" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="build-fuzz/crashes-$name/" >"build-fuzz/fuzz-dissector-$name.log" 2>&1; then
    touch "build-fuzz/fuzz-dissector-$name.ok"
  else
    touch "build-fuzz/fuzz-dissector-$name.failed"
  fi
}
# Whole frames, files, filters and secrets, each for FUZZ_SECONDS.
run_target () {
  local target=$1
  mkdir -p "build-fuzz/corpus-$target" "build-fuzz/crashes-$target" "build-fuzz/seeds/$target"
  if UBSAN_OPTIONS=halt_on_error=1 ASAN_OPTIONS=detect_leaks=1 \
     "build-fuzz/tests/fuzz/fuzz-$target" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
       -rss_limit_mb=2048 -artifact_prefix="build-fuzz/crashes-$target/" -print_final_stats=1 \
       "build-fuzz/corpus-$target" "build-fuzz/seeds/$target" >"build-fuzz/fuzz-$target.log" 2>&1; then
    touch "build-fuzz/fuzz-$target.ok"
  else
    touch "build-fuzz/fuzz-$target.failed"
  fi
}
export -f run_dissector run_target
export per_dissector seconds

for exe in build-fuzz/tests/fuzz/fuzz-dissector-*; do
  [ -f "$exe" ] && [ -x "$exe" ] && echo "$exe"
done | xargs -P "$jobs" -n 1 bash -c 'run_dissector "$0"'
dissector_ok=$(ls build-fuzz/fuzz-dissector-*.ok 2>/dev/null | wc -l)
dissector_failed=$(ls build-fuzz/fuzz-dissector-*.failed 2>/dev/null | wc -l)
for mark in build-fuzz/fuzz-dissector-*.failed; do
  [ -e "$mark" ] || continue
  echo "${mark##*/} FAILED:" | sed 's/\.failed//'
  tail -30 "${mark%.failed}.log"
done
echo "per-dissector fuzzing: $dissector_ok targets clean, $dissector_failed failed (${per_dissector}s each)"

printf '%s\n' frame file filter secrets exercise | xargs -P "$jobs" -n 1 bash -c 'run_target "$0"'
passed=$dissector_ok failed=$dissector_failed
for target in frame file filter secrets exercise; do
  echo "fuzz-$target: ${seconds}s"
  if [ -e "build-fuzz/fuzz-$target.ok" ]; then
    passed=$((passed + 1))
    grep -E "stat::number_of_executed_units|cov:" "build-fuzz/fuzz-$target.log" | tail -2
  else
    failed=$((failed + 1))
    tail -40 "build-fuzz/fuzz-$target.log"
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
