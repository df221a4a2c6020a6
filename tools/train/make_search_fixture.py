#!/usr/bin/python3
"""tests/data/search-fixture/: thirty varied 64 px images for the test of
issue 16's "Done when" (tests/app/test-cli-search-fixture.c).

Three purple umbrellas (Tabler/Lucide umbrella icons of the training split:
"umbrella" is a training concept, so the model knows the word and the shape)
and 27 icons of the held-out split, none an umbrella, each tinted with one of
eight palette colours in turn, as tools/train/eval_search.py renders them.
File names say what each image is: SPLIT-COLOUR-NAME.png (name words joined
by '-'), so the test knows the right colour and object of every image.

  /usr/bin/python3 tools/train/make_search_fixture.py [--data data/dataset.npz]
"""
import argparse
import os
import re
import sys

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from evaluate import load_model, ROOT  # noqa: E402
from train import PALETTE, Data  # noqa: E402

N_OTHERS = 27


def save(data, i, colour, path):
    x = data.make(np.array([i]), [colour])["x0"][0]
    a = ((x.permute(1, 2, 0).numpy() + 1) * 127.5).round().clip(0, 255).astype(np.uint8)
    Image.fromarray(a).save(path, optimize=True)


def slug(name):
    return "-".join(w for w in re.split(r"[^a-z0-9]+", name.lower()) if w)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(ROOT, "data", "dataset.npz"))
    ap.add_argument("--out", default=os.path.join(ROOT, "tests", "data", "search-fixture"))
    args = ap.parse_args()
    model, tok, conf = load_model()
    os.makedirs(args.out, exist_ok=True)
    train = Data(args.data, 0, tok, model, seed=5)
    umbrellas = [i for i in range(len(train)) if train.kind[i] > 0 and "umbrella" in train.name[i]
                 and "off" not in train.name[i]][:3]
    for i in umbrellas:
        save(train, i, "purple", os.path.join(args.out, "train-purple-%s.png" % slug(train.name[i])))
    test = Data(args.data, 2, tok, model, seed=6)
    rng = np.random.default_rng(16)
    icons = [i for i in np.nonzero(test.kind > 0)[0] if "umbrella" not in test.name[i]]
    colours = list(PALETTE)[:8]
    for j, i in enumerate(rng.choice(icons, N_OTHERS, replace=False)):
        c = colours[j % 8]
        save(test, i, c, os.path.join(args.out, "heldout-%s-%s.png" % (c, slug(test.name[i]))))


if __name__ == "__main__":
    main()
