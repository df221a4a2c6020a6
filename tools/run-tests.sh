#!/bin/sh
# Installs what is missing, builds Atelier with warnings as errors and runs
# every test (engine on lavapipe with Vulkan validation on, UI under Xvfb).
# Timeouts are generous: a fresh machine compiles every shader pipeline with
# LLVM on first use, which alone can take minutes on two cores.
set -eu
cd "$(dirname "$0")/.."
tools/install-deps.sh
if [ ! -d build-test ]; then
  meson setup build-test -Dwerror=true --buildtype=debugoptimized
fi
ninja -C build-test
# One X server and one session bus for the whole run; the UI tests need both.
exec xvfb-run -a -s "-screen 0 1400x900x24" \
  dbus-run-session -- meson test -C build-test --print-errorlogs --num-processes 2 --timeout-multiplier 4 "$@"
