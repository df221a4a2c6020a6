#!/usr/bin/python3
"""Builds a trigram language model of spoken prompts for pocketsphinx.

Sentences come from the data set's captions (data/dataset.npz: the object
name a voice clip says, the caption's first phrase with its colour, and
each tag phrase), each also preceded by "a" and "the", as prompts are
spoken. Words missing from the pronunciation dictionary cannot be
recognised: a sentence is cut at each of them and the pieces are kept.

The model is a backoff trigram with absolute discounting (D = 0.5 at every
order, unigrams add-one smoothed), written as ARPA text, which
`atelier transcribe --lm FILE` and AtTranscribeOptions.language_model
read.

    /usr/bin/python3 tools/speech/prompt_lm.py [--dataset data/dataset.npz]
        [--dict /usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict]
        -o build/prompt.lm
"""
import argparse
import collections
import math
import re

import numpy as np

D = 0.5


def load_dictionary(path):
    words = set()
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            w = line.split(" ", 1)[0]
            words.add(re.sub(r"\(\d+\)$", "", w))
    return words


def phrases(dataset):
    d = np.load(dataset, allow_pickle=False)
    for name, caption in zip(d["name"], d["caption"]):
        parts = [p.strip() for p in str(caption).split(",")]
        yield str(name)
        for p in parts:
            if p:
                yield p


def sentences(dataset, dictionary):
    for phrase in phrases(dataset):
        words = re.findall(r"[a-z']+", phrase.lower())
        piece = []
        for w in words + [None]:
            if w is not None and w in dictionary:
                piece.append(w)
                continue
            if piece:
                yield piece
                yield ["a"] + piece
                yield ["the"] + piece
            piece = []


def build(sents):
    counts = [collections.Counter() for _ in range(3)]
    for s in sents:
        t = ["<s>"] + s + ["</s>"]
        for i in range(1, len(t)):
            counts[0][(t[i],)] += 1
            counts[1][(t[i - 1], t[i])] += 1
            if i >= 2:
                counts[2][(t[i - 2], t[i - 1], t[i])] += 1
    vocab = sorted(w for (w,) in counts[0]) + ["<s>"]
    total = sum(counts[0].values())
    n_words = len(vocab) - 1
    p1 = {w: (counts[0][(w,)] + 1) / (total + n_words) for w in vocab if w != "<s>"}

    def discounted(order_counts, order):
        """p(w | h) for seen n-grams and backoff mass per history."""
        hist_total = collections.Counter()
        hist_types = collections.Counter()
        for ng, c in order_counts.items():
            hist_total[ng[:-1]] += c
            hist_types[ng[:-1]] += 1
        probs = {ng: (c - D) / hist_total[ng[:-1]] for ng, c in order_counts.items()}
        left = {h: D * hist_types[h] / hist_total[h] for h in hist_total}
        return probs, left

    p2, left2 = discounted(counts[1], 2)
    p3, left3 = discounted(counts[2], 3)
    # backoff weights: the left-over mass spread over the words the lower
    # order gives to unseen continuations
    seen2 = collections.defaultdict(float)
    for (h, w), p in p2.items():
        seen2[(h,)] += p1.get(w, 0.0)
    bow1 = {h: left2[h] / max(1e-12, 1 - seen2[h]) for h in left2}

    def p_bigram(h, w):
        if (h, w) in p2:
            return p2[(h, w)]
        return bow1.get((h,), 1.0) * p1[w]

    seen3 = collections.defaultdict(float)
    for (a, b, w), p in p3.items():
        seen3[(a, b)] += p_bigram(b, w)
    bow2 = {h: left3[h] / max(1e-12, 1 - seen3[h]) for h in left3}
    return vocab, p1, p2, p3, bow1, bow2


def write_arpa(path, vocab, p1, p2, p3, bow1, bow2):
    lg = lambda x: math.log10(x) if x > 0 else -99.0
    with open(path, "w", encoding="utf-8") as f:
        f.write("\\data\\\n")
        f.write(f"ngram 1={len(vocab)}\nngram 2={len(p2)}\nngram 3={len(p3)}\n\n\\1-grams:\n")
        for w in vocab:
            p = -99.0 if w == "<s>" else lg(p1[w])
            b = bow1.get((w,))
            f.write(f"{p:.4f} {w}" + (f" {lg(b):.4f}\n" if b is not None else "\n"))
        f.write("\n\\2-grams:\n")
        for (h, w), p in sorted(p2.items()):
            b = bow2.get((h, w))
            f.write(f"{lg(p):.4f} {h} {w}" + (f" {lg(b):.4f}\n" if b is not None else "\n"))
        f.write("\n\\3-grams:\n")
        for (a, b, w), p in sorted(p3.items()):
            f.write(f"{lg(p):.4f} {a} {b} {w}\n")
        f.write("\n\\end\\\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dataset", default="data/dataset.npz")
    ap.add_argument("--dict", default="/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    dictionary = load_dictionary(a.dict)
    sents = list(sentences(a.dataset, dictionary))
    model = build(sents)
    write_arpa(a.output, *model)
    print(f"{a.output}: {len(sents)} sentences, {len(model[0])} words, "
          f"{len(model[2])} bigrams, {len(model[3])} trigrams")


if __name__ == "__main__":
    main()
