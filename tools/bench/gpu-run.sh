#!/bin/sh
# gpu-run.sh — the engine on a machine with an NVIDIA GPU, in one go:
# builds a release build, runs the engine and command-line test suites on
# the GPU (Vulkan validation on, as always in tests; not the studio's,
# which need a display, nor speech, which runs on the CPU), runs
# `atelier-bench ops` there (also with fp16 weights) and `atelier-bench generate`, the latter beside
# the same model in PyTorch on CUDA, and Stable Diffusion 1.5 at the real
# shapes at 256 and 512 px (tools/bench/sd-bench.sh: seconds a step, peak
# device memory), and prints one table from the benches' JSON and the SD
# table. Budget: 8 minutes (the stages' timeouts add up to 7 min 55 s; a stage
# that runs out is reported in the table, not hidden).
#
# Usage: tools/bench/gpu-run.sh [BUILD_DIR]     (default build-gpu)
# Environment: ATELIER_DEVICE (part of the Vulkan device's name, default
# NVIDIA), ATELIER_TORCH_DEVICE (default cuda).
# Needs: the build dependencies (tools/install-deps.sh), the NVIDIA driver
# with its Vulkan ICD, and PyTorch with CUDA for /usr/bin/python3.
set -u
cd "$(dirname "$0")/../.."
build=${1:-build-gpu}
out=$build/gpu-run
export ATELIER_DEVICE=${ATELIER_DEVICE:-NVIDIA}
export ATELIER_TORCH_DEVICE=${ATELIER_TORCH_DEVICE:-cuda}
jobs=$(nproc)

if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "gpu-run.sh: no NVIDIA GPU here (nvidia-smi finds none)" >&2
  exit 2
fi
gpu=$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | head -n 1)
start=$(date +%s)

# stage NAME SECONDS COMMAND...: runs it with a timeout, its output in
# $out/NAME.log, and records "NAME status seconds" for the table.
stage() {
  name=$1 limit=$2
  shift 2
  t0=$(date +%s)
  timeout "$limit" "$@" >"$out/$name.log" 2>&1
  rc=$?
  echo "$name $rc $(($(date +%s) - t0))" >>"$out/stages"
  [ $rc -eq 0 ] || echo "gpu-run.sh: $name failed ($rc), see $out/$name.log" >&2
  return $rc
}

mkdir -p "$build"
rm -rf "$out"
mkdir -p "$out"
: >"$out/stages"
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" --buildtype=release >"$out/setup.log" 2>&1 || { cat "$out/setup.log"; exit 1; }
fi
stage build 165 ninja -C "$build" -j "$jobs" || { tail -n 30 "$out/build.log"; exit 1; }
# The device the tests and benches see must be the GPU, not lavapipe.
stage devices 20 "$build/app/atelier" --list-devices
stage tests 110 meson test -C "$build" --suite engine --suite app --num-processes "$jobs" \
  --print-errorlogs
stage ops 35 sh -c "'$build/app/atelier-bench' ops --json >'$out/ops.json'"
stage ops-fp16 25 sh -c "'$build/app/atelier-bench' ops --quick --fp16-weights --json >'$out/ops-fp16.json'"
stage generate 65 sh -c "'$build/app/atelier-bench' generate --json >'$out/generate.json'"
stage sd 55 sh -c "tools/bench/sd-bench.sh '$build' --steps 2 256 512 >'$out/sd.md'"

/usr/bin/python3 - "$out" "$gpu" "$(($(date +%s) - start))" <<'PY'
import json, os, sys
out, gpu, total = sys.argv[1], sys.argv[2], sys.argv[3]
def tables(name):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return []
    return [json.loads(line) for line in open(path) if line.startswith("{")]
device = next((t["device"] for t in tables("ops.json") + tables("generate.json")), "?")
print("\nAtelier on %s (GPU %s), %s s in all" % (device, gpu, total))
print("| %-34s | %14s | %14s | %7s |" % ("case", "Atelier", "reference", "ratio"))
print("|%s|%s|%s|%s|" % ("-" * 36, "-" * 16, "-" * 16, "-" * 9))
for stage in open(os.path.join(out, "stages")):
    name, rc, secs = stage.split()
    print("| %-34s | %14s | %14s | %7s |" % ("stage " + name, "ok" if rc == "0" else "FAILED " + rc, secs + " s", ""))
for name, tag in (("ops.json", ""), ("ops-fp16.json", ", fp16 w")):
    for t in tables(name):
        for r in t["rows"]:
            print("| %-34s | %11.2f ms | %8.2f ms BLAS | %7.3f |" % (r["case"] + tag, r["gpu_ms"], r["blas_ms"], r["ratio"]))
for t in tables("generate.json"):
    for r in t["rows"]:
        print("| %-34s | %10.1f %-3s | %6.1f %-3s CUDA | %7.2f |" % (r["case"], r["atelier"], r["unit"], r["pytorch"], r["unit"], r["ratio"]))
loads = [t.get("load_start") for t in tables("ops.json") + tables("generate.json")]
print("\nload average at each table's start: %s" % loads)
print("ratio: ops = BLAS (CPU) time / Atelier time; generate = PyTorch CUDA time / Atelier time (> 1: Atelier faster)")
PY
if [ -s "$out/sd.md" ]; then
  echo
  cat "$out/sd.md"
fi
