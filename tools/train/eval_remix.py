#!/usr/bin/python3
"""Remix as conditioning, measured on held-out icons: "this image - 'red' + 'blue'".

Every Nth held-out icon is tinted red (as tools/train/eval_search.py does) and
written as a PNG; `atelier remix` makes it again with --minus red --plus blue
in each way below, and `atelier caption` reads the result's colour word.
Shape kept: the image-head cosine between the result and the *blue* version of
the same icon, against its mean cosine with the blue versions of the other
icons (so 0 means "no more like its own icon than like any other").

  ways: outlines  the remixed query's caption as the prompt, the source's outlines as the sketch
        init-0.95 the same prompt, the source as the init image, strength 0.95
        init-0.8  the same at strength 0.8
        no-remix  the source's own caption as the prompt, the source as init image at 0.95 (no arithmetic)

Writes a JSON summary and a sheet (source, then each way) of the first items.

  /usr/bin/python3 tools/train/eval_remix.py --atelier build/app/atelier [--n 12] [--sheet docs/remix_sheet.png]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageDraw

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from evaluate import load_model, ROOT  # noqa: E402
from train import Data  # noqa: E402

WAYS = [
    ("outlines", ["--keep", "outlines"]),
    ("init-0.95", ["--keep", "init", "--strength", "0.95"]),
    ("init-0.8", ["--keep", "init", "--strength", "0.8"]),
]


def to_png(x, path):
    a = ((x.permute(1, 2, 0).numpy() + 1) * 127.5).round().clip(0, 255).astype(np.uint8)
    Image.fromarray(a).save(path)


def run_json(cmd):
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)


def load(path):
    a = np.asarray(Image.open(path).convert("RGB").resize((64, 64), Image.BILINEAR), dtype=np.float32)
    return torch.from_numpy(a / 127.5 - 1).permute(2, 0, 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(ROOT, "data", "dataset.npz"))
    ap.add_argument("--atelier", required=True)
    ap.add_argument("--n", type=int, default=12)
    ap.add_argument("--steps", type=int, default=12)
    ap.add_argument("--sheet", default=None, help="write a sheet of the first 6 items here")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    torch.manual_seed(0)
    model, tok, conf = load_model()
    test = Data(args.data, 2, tok, model, seed=99)
    icons = np.nonzero(test.kind > 0)[0]
    icons = icons[np.linspace(0, len(icons) - 1, args.n).astype(int)]
    red = test.make(icons, ["red"] * len(icons))["x0"]
    blue = test.make(icons, ["blue"] * len(icons))["x0"]
    common = ["--size", "64", "--steps", str(args.steps), "--json", "-q"]
    results = {w: [] for w, _ in WAYS + [("no-remix", None)]}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(len(icons)):
            src = os.path.join(tmp, "src-%02d.png" % i)
            to_png(red[i], src)
            own = run_json([args.atelier, "caption", "--json", "--objects", "1", src])[0]["caption"]
            for way, opts in WAYS:
                out = os.path.join(tmp, "%s-%02d.png" % (way, i))
                got = run_json([args.atelier, "remix", src, "--minus", "red", "--plus", "blue", "--seed", str(i),
                                "-o", out] + opts + common)
                results[way].append(dict(path=out, prompt=got["prompt"], caption=got["caption"]))
            out = os.path.join(tmp, "no-remix-%02d.png" % i)
            # no arithmetic: the source's own caption, repainted as init-0.95 does
            got = run_json([args.atelier, "generate", "--prompt", own, "--seed", str(i), "-o", out, "--size", "64",
                            "--steps", str(args.steps), "--json", "-q", "--shape", "none"]
                           + ["--init", src, "--strength", "0.95"])
            results["no-remix"].append(dict(path=out, prompt=own, caption=got["images"][0]["caption"]))
            print(i, test.name[icons[i]], own, "|", " | ".join(r[i]["caption"] for r in results.values()),
                  file=sys.stderr, flush=True)
        with torch.no_grad():
            eb = F.normalize(model.image(blue), dim=-1)
            summary = {"n": len(icons), "steps": args.steps}
            for way, rs in results.items():
                eo = F.normalize(model.image(torch.stack([load(r["path"]) for r in rs])), dim=-1)
                sim = eo @ eb.t()
                own_sim = sim.diag()
                others = (sim.sum(1) - own_sim) / (len(icons) - 1)
                summary[way] = dict(
                    blue=round(float(np.mean([r["caption"].split()[0] == "blue" for r in rs])), 3),
                    red=round(float(np.mean([r["caption"].split()[0] == "red" for r in rs])), 3),
                    prompt_blue=round(float(np.mean([r["prompt"].split()[0] == "blue" for r in rs])), 3),
                    shape_cos_own=round(own_sim.mean().item(), 3),
                    shape_cos_others=round(others.mean().item(), 3))
        if args.sheet:
            sheet(args.sheet, [os.path.join(tmp, "src-%02d.png" % i) for i in range(min(6, len(icons)))], results)
    print(json.dumps(summary, indent=1))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(summary, f, indent=1)


def sheet(path, sources, results, cell=96):
    cols = ["source"] + [w for w, _ in WAYS] + ["no remix"]
    ways = [w for w, _ in WAYS] + ["no-remix"]
    img = Image.new("RGB", (cell * len(cols), 16 + cell * len(sources)), "white")
    d = ImageDraw.Draw(img)
    for c, label in enumerate(cols):
        d.text((c * cell + 2, 2), label[:16], fill="black")
    for r, src in enumerate(sources):
        tiles = [src] + [results[w][r]["path"] for w in ways]
        for c, t in enumerate(tiles):
            img.paste(Image.open(t).convert("RGB").resize((cell, cell), Image.NEAREST), (c * cell, 16 + r * cell))
    img.save(path)


if __name__ == "__main__":
    main()
