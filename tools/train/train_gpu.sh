#!/bin/sh
# One call on a CUDA machine: train (resuming checkpoints/last.pt if present),
# then export weights, golden data, metrics and sample sheets.
#   tools/train/train_gpu.sh [minutes=8] [batch=256]
# Needs data/dataset.npz (tools/dataset/build.sh; copy it along if the GPU
# machine has no network) and Debian/PyPI PyTorch with CUDA.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
MIN=${1:-8}
BATCH=${2:-256}
PY=${PYTHON:-python3}
[ -f data/dataset.npz ] || tools/dataset/build.sh
$PY tools/train/train.py --device cuda --batch "$BATCH" --lr 1e-3 --ema 0.999 --minutes "$MIN" \
    --save-every 120 --sample-every 300 --threads 8
$PY tools/train/export.py
$PY tools/train/export_golden.py
$PY tools/train/evaluate.py
