#!/bin/sh
# One call on a CUDA machine: train the model (resuming its checkpoint in
# $XDG_CACHE_HOME/atelier/train, or starting from the shipped weights),
# export it, distil the few-step student from it, train the refiner, then
# write golden data, metrics and sample sheets.
#   tools/train/train_gpu.sh [minutes=8] [batch=256]
# Needs data/dataset.npz and data/refiner.npz (tools/dataset/build.sh and
# `tools/train/refiner.py data`; copy them along if the GPU machine has no
# network) and Debian/PyPI PyTorch with CUDA.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
MIN=${1:-8}
BATCH=${2:-256}
PY=${PYTHON:-python3}
[ -f data/dataset.npz ] || tools/dataset/build.sh
[ -f data/refiner.npz ] || $PY tools/train/refiner.py data
$PY tools/train/train.py --device cuda --batch "$BATCH" --lr 1e-3 --ema 0.999 --minutes "$MIN" \
    --save-every 120 --sample-every 300 --threads 8
$PY tools/train/export.py
$PY tools/train/distill.py --minutes "$MIN" --batch 64 --threads 8
$PY tools/train/distill.py --export
$PY tools/train/refiner.py train --minutes "$MIN" --batch 32 --threads 8
$PY tools/train/refiner.py export
$PY tools/train/refiner.py golden
$PY tools/train/export_golden.py
$PY tools/train/evaluate.py
$PY tools/train/refiner.py evaluate
