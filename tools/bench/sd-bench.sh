#!/bin/sh
# sd-bench.sh — seconds per step and peak device memory of Stable Diffusion
# at the real shapes (SD 1.5 by default) on this machine's Vulkan device,
# printed as a Markdown table: the pipeline of `atelier generate --model`
# on a sparse checkpoint of the real size made from the reference
# manifest (tests/sd/sd-bench.c; zero weights, no disk used).
#
# Usage: tools/bench/sd-bench.sh [BUILD_DIR] [--kind sd15|sd21|sdturbo] [--controlnet cn-scribble|cn-sd21]
#                                [--dtype F16|F32] [--steps N] [--guidance G] SIZE...
#        (default: build, 2 steps, guidance 7, 256)
# The first step includes the text tower; loading is timed apart.
set -eu
cd "$(dirname "$0")/../.."
build=build
if [ $# -gt 0 ] && [ -d "$1" ]; then build=$1; shift; fi
[ -x "$build/tests/sd-bench" ] || { echo "sd-bench.sh: build $build first (ninja -C $build)" >&2; exit 2; }
[ $# -gt 0 ] || set -- 256
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
MESON_SOURCE_ROOT=$PWD "$build/tests/sd-bench" "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
