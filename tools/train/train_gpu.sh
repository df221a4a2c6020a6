#!/bin/sh
# One call on a CUDA machine: train the model (resuming its checkpoint in
# $XDG_CACHE_HOME/atelier/train, or starting from the shipped weights),
# export it, distil the few-step student from it, train the refiner, then
# write golden data, metrics and sample sheets.
#   tools/train/train_gpu.sh [minutes=8] [batch=256]
# Needs the training set: data/dataset-packed.npz (58 MiB, made here by
# tools/train/pack.py from tools/dataset/build.sh's data/dataset.npz, small
# enough to carry to a machine without network) or data/dataset.npz; and
# Debian/PyPI PyTorch with CUDA. The refiner trains only where
# data/refiner.npz is (`tools/train/refiner.py data`, 500 MiB, not packed).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
MIN=${1:-8}
BATCH=${2:-256}
PY=${PYTHON:-python3}
DATA=data/dataset-packed.npz
[ -f "$DATA" ] || DATA=data/dataset.npz
[ -f "$DATA" ] || tools/dataset/build.sh
$PY tools/train/train.py --data "$DATA" --device cuda --batch "$BATCH" --lr 1e-3 --ema 0.999 --minutes "$MIN" \
    --save-every 120 --sample-every 300 --threads 8
$PY tools/train/export.py
$PY tools/train/distill.py --data "$DATA" --minutes "$MIN" --batch 64 --threads 8
$PY tools/train/distill.py --export
if [ -f data/refiner.npz ]; then
  $PY tools/train/refiner.py train --minutes "$MIN" --batch 32 --threads 8
  $PY tools/train/refiner.py export
  $PY tools/train/refiner.py golden
  $PY tools/train/refiner.py evaluate
fi
$PY tools/train/export_golden.py
$PY tools/train/evaluate.py --data "$DATA"
