# iotscope — two commands do everything on a fresh Debian 12:
#   make run     install dependencies, build, open the analyzer on a sample capture
#   make check   the same set-up, then every test
BUILD   ?= build
SAMPLE  ?= tests/captures/mqtt311.pcap
JOBS    ?= 2

.PHONY: all deps build run check check-asan fuzz bench captures caps clean

all: build

deps:
	@bash .ci/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD) -j $(JOBS)

run: build
	@if [ -x $(BUILD)/src/app/iotscope ]; then \
	  $(BUILD)/src/app/iotscope $(SAMPLE); \
	else \
	  $(BUILD)/src/cli/iotscope-cli -r $(SAMPLE); \
	fi

check: build
	@rm -f $(BUILD)/meson-logs/testlog*.json
	-meson test -C $(BUILD) --num-processes $(JOBS) --print-errorlogs
	@python3 tests/summarize.py --label tests $(BUILD)

# The same tests under AddressSanitizer and UndefinedBehaviorSanitizer.
check-asan: deps
	@[ -f build-asan/build.ninja ] || meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
	ninja -C build-asan -j $(JOBS)
	@rm -f build-asan/meson-logs/testlog*.json
	-ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  meson test -C build-asan --num-processes $(JOBS) --print-errorlogs --no-suite diff --no-suite gui
	@# The windows too, without leak checks: GTK keeps caches until exit.
	-@if [ -x build-asan/src/app/iotscope ]; then \
	  ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  meson test -C build-asan --num-processes 1 --print-errorlogs --suite gui --logbase testlog-gui; fi
	@python3 tests/summarize.py --label sanitizer-reruns build-asan

# Short libFuzzer runs of every fuzz target (FUZZ_SECONDS each).
fuzz: deps
	bash tests/fuzz/run-fuzz.sh

bench: build
	bash tests/bench/run-bench.sh

# Re-create tests/captures from real loopback traffic (needs root).
captures:
	set -e; for script in tests/captures/make-*.sh; do bash "$$script"; done

# Let an ordinary user capture live without root: file capabilities on the
# capture program iotscope-capture only (asks for sudo when not root).
caps: build
	@if [ "$$(id -u)" -eq 0 ]; then bash src/cli/set-capture-caps.sh $(BUILD); \
	 else sudo bash src/cli/set-capture-caps.sh $(BUILD); fi

clean:
	rm -rf $(BUILD) build-asan build-fuzz
