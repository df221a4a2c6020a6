#!/usr/bin/python3
"""The caption bank: object words for images by their nearest training images.

The zero-shot caption (an image's embedding against the text embeddings of
"COLOUR WORD") names the object rarely (MODEL_CARD.md: 8.4 % on the held-out
split). The held-out and validation splits are made of concepts the training
split does not have (13 of 346 held-out names occur in training), but of words
it does: "flag ghana" is unseen, "flag" is in 291 training names. So the
object words of an image are voted by its k nearest training images in the
image head's space, each neighbour giving its name's words (softmax of
cosine / T, shared among its words).

The bank is one embedding per training item, the mean of its renderings
(icons tinted with every palette colour, emoji as they are), so the colour
of the query matters less than its shape; colours stay zero-shot.

  /usr/bin/python3 tools/train/caption_bank.py [--data data/dataset.npz] [--out resources/models/caption-bank.safetensors]

prints the object word's accuracy on the validation split for a few k and T,
chooses the best there, reports it on the held-out split against chance, and
writes the bank (fp16 embeddings [N, 128], F32 word ids [N, 4] padded with
-1, the words and k and T and the weights' SHA-256 in the metadata).
"""
import argparse
import hashlib
import json
import os
import re
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from evaluate import load_model, MODELS, ROOT  # noqa: E402
from train import PALETTE, Data  # noqa: E402
import st  # noqa: E402

# As engine/search/caption.c's at_caption_is_object_word().
COLOURS = "red orange brown yellow green blue purple pink white black gray".split()
STYLES = "outline filled shaded flat".split()
OTHER = set("""grey cyan teal gold silver violet magenta dark light bright pale colorful colourful a an the of
with and in on at small big large tiny little icon emoji drawing sketch picture illustration simple or to for
off up down left right plus minus alt new by from no not is it as""".split())
MAX_WORDS = 4     # words of a name kept in the bank (99.7 % of names have no more)
KS = (3, 5, 8, 12)
TS = (0.01, 0.02, 0.05)


def object_words(name):
    ws = []
    for w in re.split(r"[^a-z0-9]+", name.lower()):
        if len(w) >= 3 and not w.isdigit() and w not in COLOURS and w not in STYLES and w not in OTHER \
                and w not in ws:
            ws.append(w)
    return ws


def embed(model, data, colours):
    """Normalised image embeddings of every item, one rendering per colour in colours
    (icons tinted; emoji are the same each time, so rendered once), averaged."""
    n = len(data)
    total = torch.zeros(n, model.image.proj.out_features)
    for r, colour in enumerate(colours):
        todo = np.arange(n) if r == 0 else np.nonzero(data.kind > 0)[0]
        for s in range(0, len(todo), 512):
            idx = todo[s:s + 512]
            with torch.no_grad():
                e = F.normalize(model.image(data.make(idx, [colour] * len(idx))["x0"]), dim=-1)
            total[idx] += e
    counts = torch.where(torch.from_numpy(data.kind > 0), len(colours), 1).float()
    return F.normalize(total / counts[:, None], dim=-1)


def queries(model, data):
    """One rendering per item as eval_search.py makes them: icons tinted palette[i % 8]."""
    colours = [list(PALETTE)[i % 8] for i in range(len(data))]
    with torch.no_grad():
        return F.normalize(model.image(data.make(np.arange(len(data)), colours)["x0"]), dim=-1)


def vote(bank, labels, n_words, q, k, T):
    """Word scores [Nq, n_words]: the k nearest bank items' softmax(cos / T), shared among their words."""
    sim, ix = (q @ bank.t()).topk(k, dim=1)
    w = torch.softmax(sim / T, dim=1)
    scores = torch.zeros(len(q), n_words)
    lab = labels[ix]                                   # [Nq, k, MAX_WORDS]
    per = (lab >= 0).sum(-1).clamp(min=1).float()      # words per neighbour
    for j in range(MAX_WORDS):
        ok = lab[:, :, j] >= 0
        scores.scatter_add_(1, lab[:, :, j].clamp(min=0), torch.where(ok, w / per, torch.zeros_like(w)))
    return scores


def accuracy(scores, vocab, names):
    best = scores.argmax(1)
    return float(np.mean([vocab[b] in object_words(n) for b, n in zip(best.tolist(), names)]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(ROOT, "data", "dataset.npz"))
    ap.add_argument("--out", default=os.path.join(MODELS, "caption-bank.safetensors"))
    args = ap.parse_args()
    torch.manual_seed(0)
    model, tok, conf = load_model()
    train = Data(args.data, 0, tok, model, seed=0)
    val = Data(args.data, 1, tok, model, seed=98)
    test = Data(args.data, 2, tok, model, seed=99)
    words = [object_words(n) for n in train.name]
    vocab = sorted({w for ws in words for w in ws})
    index = {w: i for i, w in enumerate(vocab)}
    labels = torch.full((len(train), MAX_WORDS), -1, dtype=torch.long)
    for i, ws in enumerate(words):
        for j, w in enumerate(ws[:MAX_WORDS]):
            labels[i, j] = index[w]
    bank = embed(model, train, list(PALETTE))
    bank16 = bank.half().float()                       # choose with what ships
    qv, qt = queries(model, val), queries(model, test)
    res = {"bank_items": len(train), "vocab": len(vocab), "validation": {}}
    for k in KS:
        for T in TS:
            res["validation"]["k=%d T=%g" % (k, T)] = round(accuracy(vote(bank16, labels, len(vocab), qv, k, T),
                                                                     vocab, val.name), 3)
    best = max(res["validation"], key=res["validation"].get)
    k, T = int(best.split()[0][2:]), float(best.split()[1][2:])
    res["chosen"] = dict(k=k, T=T)
    res["held_out"] = dict(n=len(test), object_top1=round(accuracy(vote(bank16, labels, len(vocab), qt, k, T),
                                                                   vocab, test.name), 3))
    # chance: a random word of the bank's vocabulary; reachable: a word of the name is in it at all
    res["held_out"]["chance"] = round(float(np.mean([len(set(object_words(n)) & set(vocab)) / len(vocab)
                                                     for n in test.name])), 4)
    res["held_out"]["reachable"] = round(float(np.mean([bool(set(object_words(n)) & set(vocab))
                                                        for n in test.name])), 3)
    weights = os.path.join(MODELS, "atelier-model.safetensors")
    sha = hashlib.sha256(open(weights, "rb").read()).hexdigest()
    st.save_file({"image": bank.half(), "words": labels.float()}, args.out,
                 metadata=dict(model_sha256=sha, vocab=" ".join(vocab), k=k, temperature=T))
    res["bytes"] = os.path.getsize(args.out)
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
