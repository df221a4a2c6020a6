#!/usr/bin/python3
"""Text -> image search with the caption bank's object words: the score of an
image is cos(text, image) + lambda * (the bank's votes, caption_bank.py, for
the query's object words in that image). Gallery, queries ("colour name") and
hits as tools/train/eval_search.py; lambda chosen on the validation split,
reported on the held-out split.

  /usr/bin/python3 tools/train/eval_word_search.py [--data data/dataset.npz]
"""
import argparse
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from caption_bank import object_words, vote  # noqa: E402
from evaluate import load_model, MODELS, ROOT  # noqa: E402
from model import masked_mean  # noqa: E402
from train import PALETTE, Data  # noqa: E402
import st  # noqa: E402

LAMBDAS = (0.0, 0.25, 0.5, 1.0, 2.0)


def split_results(model, tok, bank, args, split, seed):
    data = Data(args.data, split, tok, model, seed=seed)
    n = len(data)
    b = data.make(np.arange(n), [list(PALETTE)[i % 8] for i in range(n)])
    prompts = [t.split(",")[0] for t in b["texts"]]
    same = torch.tensor([[data.name[i] == data.name[j] for j in range(n)] for i in range(n)])
    e, labels, vocab, k, T = bank
    index = {w: i for i, w in enumerate(vocab)}
    with torch.no_grad():
        ids = [tok.encode(p) for p in prompts]
        L = max(len(i) for i in ids)
        pid = torch.tensor([i + [0] * (L - len(i)) for i in ids])
        et = F.normalize(model.text_head(masked_mean(model.text(pid, pid > 0), pid > 0)), dim=-1)
        ei = F.normalize(model.image(b["x0"]), dim=-1)
    votes = vote(e, labels, len(vocab), ei, k, T)                     # [images, vocab]
    want = torch.zeros(n, len(vocab))
    for q, p in enumerate(prompts):
        for w in object_words(p):
            if w in index:
                want[q, index[w]] = 1
    res = {"n": n}
    for lam in LAMBDAS:
        sim = et @ ei.t() + lam * want @ votes.t()
        res["lambda=%g" % lam] = retrieval_of(sim, same)
    return res


def load_bank():
    """The shipped bank: (embeddings, word ids, vocabulary, k, T)."""
    path = os.path.join(MODELS, "caption-bank.safetensors")
    t = st.load_file(path)
    with open(path, "rb") as f:
        meta = json.loads(f.read(struct.unpack("<Q", f.read(8))[0]))["__metadata__"]
    return t["image"].float(), t["words"].long(), meta["vocab"].split(" "), int(meta["k"]), float(meta["temperature"])


def retrieval_of(sim, same):
    order = sim.argsort(dim=1, descending=True)
    hit = torch.gather(same, 1, order)
    return dict(top1=round(hit[:, 0].float().mean().item(), 3), top5=round(hit[:, :5].any(1).float().mean().item(), 3))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(ROOT, "data", "dataset.npz"))
    args = ap.parse_args()
    torch.manual_seed(0)
    model, tok, conf = load_model()
    bank = load_bank()
    res = {"validation": split_results(model, tok, bank, args, 1, 98), "held_out": split_results(model, tok, bank, args, 2, 99)}
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
