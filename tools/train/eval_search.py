#!/usr/bin/python3
"""Search and caption quality of the shipped model on the held-out split.

Retrieval (PyTorch, the shipped fp16 weights in fp32; the engine's
embeddings match these to a cosine of 0.99999, tests/search/test-search-embed.c):
every held-out item is one gallery image (emoji as they are, icons tinted
with one of 8 palette colours in turn, as tools/train/evaluate.py does).
Queries: its prompt "colour name" (text -> image), its derived sketch
(sketch -> image), its spoken name (voice -> image, items with a clip), and
the image itself against every item's prompt (image -> text). A hit is an
image (or prompt) of the same concept name, so the line and filled
versions of an icon both count; chance is the mean share of such targets.

Captions (the engine, through `atelier caption --json`): the gallery
images are written as PNGs; object word right = the first object word is a
word of the concept's name (top-3: any of the first three); colour word
right = the first colour word is the colour of the prompt.

  /usr/bin/python3 tools/train/eval_search.py [--atelier build/app/atelier] [--data data/dataset.npz]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from evaluate import load_model, ROOT  # noqa: E402
from model import masked_mean  # noqa: E402
from train import PALETTE, Data  # noqa: E402

COLOURS = ["red", "orange", "brown", "yellow", "green", "blue", "purple", "pink", "white", "black", "gray"]


def name_words(name):
    return {w for w in re.split(r"[^a-z0-9]+", name) if len(w) >= 3 and w not in COLOURS}


def retrieval(q, g, same):
    """q [Nq, E], g [Ng, E] normalised; same [Nq, Ng] bool (hits). -> top1, top5, chance top1, chance top5."""
    sim = q @ g.t()
    order = sim.argsort(dim=1, descending=True)
    hit = torch.gather(same, 1, order)
    top1 = hit[:, 0].float().mean().item()
    top5 = hit[:, :5].any(1).float().mean().item()
    share = same.float().mean(1)
    chance1 = share.mean().item()
    chance5 = (1 - (1 - share) ** 5).mean().item()   # drawing 5 at random (with replacement, close for N >> 5)
    return dict(n=len(q), top1=round(top1, 3), top5=round(top5, 3), chance_top1=round(chance1, 3),
                chance_top5=round(chance5, 3))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(ROOT, "data", "dataset.npz"))
    ap.add_argument("--atelier", default=None, help="the atelier binary, to measure captions")
    ap.add_argument("--out", default=None, help="write the results as JSON here")
    args = ap.parse_args()
    torch.manual_seed(0)
    model, tok, conf = load_model()
    test = Data(args.data, 2, tok, model, seed=99)
    n = len(test)
    idx = np.arange(n)
    colours = [list(PALETTE)[i % 8] for i in range(n)]
    b = test.make(idx, colours)
    prompts = [t.split(",")[0] for t in b["texts"]]
    names = test.name
    asked = [p.split()[0] if p.split()[0] in COLOURS else None for p in prompts]
    same = torch.tensor([[names[i] == names[j] for j in range(n)] for i in range(n)])
    with torch.no_grad():
        ids = [tok.encode(p) for p in prompts]
        L = max(len(i) for i in ids)
        pid = torch.tensor([i + [0] * (L - len(i)) for i in ids])
        et = F.normalize(model.text_head(masked_mean(model.text(pid, pid > 0), pid > 0)), dim=-1)
        ei = F.normalize(model.image(b["x0"]), dim=-1)
        es = F.normalize(model.sketch_head(model.sketch(b["sketch"]).mean(1)), dim=-1)
        ha = b["has_audio"].numpy()
        ea = F.normalize(model.audio_head(model.audio(b["mel"][ha]).mean(1)), dim=-1)
    res = {"n_gallery": n, "retrieval": {
        "text -> image": retrieval(et, ei, same),
        "sketch -> image": retrieval(es, ei, same),
        "voice -> image": retrieval(ea, ei, same[torch.from_numpy(ha)]),
        "image -> text": retrieval(ei, et, same),
    }}
    res["remix"] = remix(model, tok, test)
    if args.atelier:
        res["captions"] = captions(args.atelier, b["x0"], names, asked)
    print(json.dumps(res, indent=1))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(res, f, indent=1)


def remix(model, tok, test, source="red", target="blue"):
    """Every held-out icon tinted red and blue (a gallery of 2N). From the red one, find the
    blue one of the same icon: by the red image alone (itself left out), by image - "red" +
    "blue", or by the text "blue NAME". Hit = the blue version of the same concept."""
    icons = np.nonzero(test.kind > 0)[0]
    n = len(icons)
    red = test.make(icons, [source] * n)["x0"]
    blue = test.make(icons, [target] * n)["x0"]
    names = [test.name[i] for i in icons]

    def text(ws):
        ids = [tok.encode(w) for w in ws]
        L = max(len(i) for i in ids)
        pid = torch.tensor([i + [0] * (L - len(i)) for i in ids])
        return F.normalize(model.text_head(masked_mean(model.text(pid, pid > 0), pid > 0)), dim=-1)

    with torch.no_grad():
        er = F.normalize(model.image(red), dim=-1)
        eb = F.normalize(model.image(blue), dim=-1)
        t = text([source, target])
        mixed = F.normalize(er - t[0] + t[1], dim=-1)
        prompts = text(["%s %s" % (target, nm) for nm in names])
    gallery = torch.cat([er, eb])
    same = torch.tensor([[names[i] == names[j % n] and j >= n for j in range(2 * n)] for i in range(n)])
    self_mask = torch.zeros(n, 2 * n, dtype=torch.bool)
    self_mask[torch.arange(n), torch.arange(n)] = True
    out = {}
    for label, q in (("red image alone", er), ("red image - 'red' + 'blue'", mixed), ("text 'blue NAME'", prompts)):
        sim = (q @ gallery.t()).masked_fill(self_mask, -9)
        order = sim.argsort(dim=1, descending=True)
        hit = torch.gather(same, 1, order)
        blue_first = (order[:, 0] >= n).float().mean().item()
        out[label] = dict(n=n, top1=round(hit[:, 0].float().mean().item(), 3),
                          top5=round(hit[:, :5].any(1).float().mean().item(), 3),
                          first_is_blue=round(blue_first, 3))
    return out


def captions(atelier, x0, names, asked):
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, img in enumerate(x0):
            a = ((img.permute(1, 2, 0).numpy() + 1) * 127.5).round().clip(0, 255).astype(np.uint8)
            p = os.path.join(tmp, "%04d.png" % i)
            Image.fromarray(a).save(p)
            paths.append(p)
        out = subprocess.run([atelier, "caption", "--json", "--objects", "3"] + paths, check=True,
                             capture_output=True, text=True).stdout
    got = json.loads(out)
    obj1 = obj3 = col = ncol = 0
    for g, name, colour in zip(got, names, asked):
        words = name_words(name)
        objs = [w["word"] for w in g["objects"]]
        obj1 += objs[0] in words
        obj3 += any(o in words for o in objs[:3])
        if colour is not None:
            ncol += 1
            col += g["colours"][0]["word"] == colour
    n = len(got)
    return dict(n=n, object_top1=round(obj1 / n, 3), object_top3=round(obj3 / n, 3),
                colour_right=round(col / max(ncol, 1), 3), n_with_colour=ncol,
                chance_colour=round(1 / len(COLOURS), 3), chance_object_top1=round(chance_object(names), 4))


def chance_object(names, size=2000):
    """A random word of the most frequent `size` vocabulary words of 3+ letters that are not
    colours (about the caption's object list, engine/search/caption.c)."""
    tj = json.load(open(os.path.join(ROOT, "resources", "models", "tokenizer.json")))
    vocab = set([w for w in tj["vocab"][2:] if len(w) >= 3 and w not in COLOURS and not w.isdigit()][:size])
    return float(np.mean([len(name_words(n) & vocab) / len(vocab) for n in names]))


if __name__ == "__main__":
    main()
