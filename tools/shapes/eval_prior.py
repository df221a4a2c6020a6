#!/usr/bin/python3
"""Sketch adherence of text-only images with and without the shape prior.

Reads the PNGs `atelier-eval-shapes prior N data/prior` wrote (per prompt: the
shape as the model sees it, the image with the prior, the image without) and
measures each image's edges against the shape with tools/train/evaluate.py's
F1 (edges within 2 px). Writes docs/samples/shape_prior.png (rows: shape,
with the prior, without) and prints the means.
"""
import glob
import os
import sys

import numpy as np
import torch
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "train"))
sys.path.insert(0, os.path.join(ROOT, "tools", "dataset"))
from evaluate import adherence, sheet  # noqa: E402


def tensor(path):
    a = np.asarray(Image.open(path).convert("RGB"), np.float32) / 127.5 - 1.0
    return torch.from_numpy(a).permute(2, 0, 1)


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "data", "prior")
    stems = sorted(p[: -len("-shape.png")] for p in glob.glob(os.path.join(d, "*-shape.png")))
    rows, f1 = [[], [], []], {"prior": [], "none": []}
    for s in stems:
        shape = tensor(s + "-shape.png")
        sketch = (shape[0].numpy() < 0).astype(np.float32)   # ink where the shape is dark
        for k in f1:
            f1[k].append(adherence(tensor(s + "-" + k + ".png"), sketch)[2])
        if len(rows[0]) < 12:
            rows[0].append(shape)
            rows[1].append(tensor(s + "-prior.png"))
            rows[2].append(tensor(s + "-none.png"))
    out = os.path.join(ROOT, "docs", "samples", "shape_prior.png")
    sheet(rows, out, scale=2)
    print("prompts", len(stems))
    for k, v in f1.items():
        print(f"sketch F1 against the shape, {k}: {np.mean(v):.3f}")
    print("wrote", os.path.relpath(out, ROOT))


if __name__ == "__main__":
    main()
