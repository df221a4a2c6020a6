#!/usr/bin/python3
"""Sketch adherence of text-only images with and without the shape prior.

Reads the PNGs `atelier-eval-shapes prior N data/prior` wrote (per prompt: the
shape as the model sees it, the image with the prior, the image without) and
measures each image's edges against the shape with tools/train/evaluate.py's
F1 (edges within 2 px), and the contrastive rank of its true prompt (the
file's name, "blue ad circle") among the run's prompts by the model's image
and text heads (1 = best; chance is the middle). Writes
docs/samples/shape_prior.png (rows: shape, with the prior, without) and
prints the means.
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
import torch.nn.functional as F  # noqa: E402
from evaluate import adherence, load_model, sheet  # noqa: E402
from model import masked_mean  # noqa: E402


def caption_ranks(images, prompts):
    """Rank of each image's own prompt among prompts (1 = best)."""
    model, tok, _ = load_model()
    ids = [tok.encode(p) for p in prompts]
    width = max(len(i) for i in ids)
    pid = torch.tensor([i + [0] * (width - len(i)) for i in ids])
    with torch.no_grad():
        et = F.normalize(model.text_head(masked_mean(model.text(pid, pid > 0), pid > 0)), dim=-1)
        ei = F.normalize(model.image(torch.stack(images)), dim=-1)
    sim = ei @ et.t()
    return ((sim > sim.diag()[:, None]).sum(1) + 1).float().numpy()


def tensor(path):
    a = np.asarray(Image.open(path).convert("RGB"), np.float32) / 127.5 - 1.0
    return torch.from_numpy(a).permute(2, 0, 1)


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "data", "prior")
    stems = sorted(p[: -len("-shape.png")] for p in glob.glob(os.path.join(d, "*-shape.png")))
    rows, f1 = [[], [], []], {"prior": [], "none": []}
    images = {"prior": [], "none": []}
    for s in stems:
        shape = tensor(s + "-shape.png")
        sketch = (shape[0].numpy() < 0).astype(np.float32)   # ink where the shape is dark
        for k in f1:
            images[k].append(tensor(s + "-" + k + ".png"))
            f1[k].append(adherence(images[k][-1], sketch)[2])
        if len(rows[0]) < 12:
            rows[0].append(shape)
            rows[1].append(tensor(s + "-prior.png"))
            rows[2].append(tensor(s + "-none.png"))
    out = os.path.join(ROOT, "docs", "samples", "shape_prior.png")
    sheet(rows, out, scale=2)
    print("prompts", len(stems))
    prompts = [os.path.basename(s).split("-", 1)[1].replace("_", " ") for s in stems]
    for k, v in f1.items():
        ranks = caption_ranks(images[k], prompts)
        print(f"{k}: sketch F1 against the shape {np.mean(v):.3f}, caption rank {ranks.mean():.2f} "
              f"(top-1 {np.mean(ranks <= 1):.2f}) of {len(prompts)}, chance {(len(prompts) + 1) / 2:.1f}")
    print("wrote", os.path.relpath(out, ROOT))


if __name__ == "__main__":
    main()
