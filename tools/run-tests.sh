#!/bin/sh
# Installs what is missing, builds Atelier with warnings as errors and runs
# every test (engine on lavapipe with Vulkan validation on, UI under Xvfb);
# then builds it again with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer and runs every suite there (but the two
# 'sd-slow' tests): the engine and
# voice suites with leaks checked, each parser's fuzzer for a short time
# (tests/fuzz/README.md), then the command line and studio suites with
# leak checks off. Those load GStreamer, whose plugins outgrow GLib's quark
# table; GLib drops the old block on purpose, and LeakSanitizer, whose
# stacks stop at g_malloc there, cannot tell it from a real leak
# (tests/common/lsan-gstreamer.c). The same code's leaks are checked in the
# engine and voice suites.
#
# Arguments go to the first `meson test` (e.g. a test's name) and skip the
# sanitizer stage; ATELIER_SANITIZERS=0 skips it too.
# Timeouts are generous: a fresh machine compiles every shader pipeline with
# LLVM on first use, which alone can take minutes on two cores.
set -eu
cd "$(dirname "$0")/.."
tools/install-deps.sh
if [ ! -d build-test ]; then
  meson setup build-test -Dwerror=true --buildtype=debugoptimized
fi
ninja -C build-test
# One X server and one session bus for each run; the UI tests need both.
run_suite() {
  xvfb-run -a -s "-screen 0 1400x900x24" \
    dbus-run-session -- meson test --print-errorlogs --num-processes 2 "$@"
}
run_suite -C build-test --timeout-multiplier 4 "$@"
if [ $# -gt 0 ] || [ "${ATELIER_SANITIZERS:-1}" = 0 ]; then
  exit 0
fi

if [ ! -d build-asan ]; then
  CC=clang meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
    -Dfuzzing=true -Dfuzz_seconds=30 --buildtype=debugoptimized
fi
ninja -C build-asan
# the same driver's compiled pipelines: no second compile of every shader
mkdir -p build-asan/tests/cache/atelier
cp build-test/tests/cache/atelier/pipelines-*.bin build-asan/tests/cache/atelier/ 2>/dev/null || true
# Any UB report fails its test; leaks are reported at exit, with only
# third-party libraries suppressed. The preload keeps lavapipe mapped at
# exit so that LSan can match its allocations (docs/ENGINE.md).
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:verify_asan_link_order=0
export LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so
run_suite -C build-asan --timeout-multiplier 8 --suite engine --suite voice --suite fuzz
# the studio's own waits stretched as much as meson's timeouts
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:verify_asan_link_order=0
export ATELIER_TEST_TIME_SCALE=8
# (not the 'sd-slow' tests: minutes each even without the sanitizers; the
# engine's SD code they drive runs under them in the engine suite)
run_suite -C build-asan --timeout-multiplier 8 --suite app --suite ui --no-suite sd-slow
