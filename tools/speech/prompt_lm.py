#!/usr/bin/python3
"""Builds the prompt language model and dictionary that `atelier transcribe`
and the studio's voice input use by default.

    /usr/bin/python3 tools/speech/prompt_lm.py

reads data/dataset.npz (tools/dataset/build.sh; git-ignored), Debian's
cmudict-en-us.dict (pocketsphinx-en-us) and espeak-ng, downloads nothing,
and writes resources/models/prompt.lm.bin and resources/models/prompt.dict
(same inputs, same bytes). `--arpa FILE` and `--corpus FILE` also keep
the ARPA text and the sentences.

Sentences, two sources of equal weight:
- the model's captions: each item's first phrase (colour + name, as the
  image model reads it) and each tag phrase, bare and after "a"/"the";
- prompt phrasing: templates a designer would speak ("a red apple on a
  wooden table", "a drawing of a cat", "make it blue", "a blue house with a
  red roof", "... in the style of a watercolor painting"), filled with the
  captions' colour words, the emoji names (the captions' everyday objects)
  and the short lists of materials, places, parts and styles below, kept to
  words the captions contain (the image model knows no others). Sampled
  with a fixed seed, as many template sentences as caption sentences.
Digits are spoken as words; other tokens with digits end a phrase.

The model: an interpolated Kneser-Ney trigram (one discount per order,
D = n1 / (n1 + 2 n2)), written as a backoff ARPA whose backoff weights
make every history sum to one; trigrams seen fewer than three times are
dropped (their mass goes to the bigrams) to keep the shipped file under
2 MB. libsphinxbase (the library pocketsphinx itself uses) converts the
ARPA to pocketsphinx's binary trie form, which loads in a fraction of a
second.

Pronunciations: the entries of cmudict-en-us.dict for every word of the
model (all variants); for words cmudict lacks (icon jargon, spellings like
"emoji") espeak-ng's en-us phonemes (`espeak-ng -v en-us -q -x --sep=" "`)
mapped to the acoustic model's ARPAbet phones by ESPEAK_TO_ARPABET: stress
and palatalisation marks dropped, r-coloured vowels split into vowel + R,
a phone repeated at once said once, the flap and glottal-stop variants of
t and d made T and D. A phoneme missing from the table stops the build,
naming the word. Words espeak-ng reads as several (a pause inside, e.g.
"iv" as "roman four") get no pronunciation and, like any word without
one, end the phrase they are in.
"""
import argparse
import collections
import ctypes
import ctypes.util
import math
import os
import random
import re
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CMUDICT = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"
DIGITS = "zero one two three four five six seven eight nine".split()

# Colour words of the captions (tools/dataset/build.py colour_name() and the
# tints of icons) and the words designers put around them.
COLOURS = "red orange yellow green blue purple pink brown black white gray grey gold silver".split()
SHADES = "dark light bright".split()
ADJECTIVES = "small big large little round old cute happy simple".split()
MATERIALS = "wooden glass metal stone paper plastic golden silver ice".split()
PLACES = ("table floor grass beach sand snow water sea sky field forest garden street road city hill "
          "mountain river lake desk plate shelf window wall room kitchen park island cloud moon chair "
          "bowl box tree house bed book").split()
PREPOSITIONS = ["on", "in", "under", "near", "next to", "behind", "above", "over", "by", "at", "beside",
                "in front of", "inside"]
PARTS = "roof door window hat eyes nose ears tail wings leaves stripes dots spots handle wheels".split()
MEDIA = "drawing sketch painting picture photo illustration icon emoji cartoon".split()
STYLES = ["watercolor", "a watercolor painting", "an oil painting", "a pencil sketch", "a cartoon",
          "a children's book", "a flat icon", "an old photo", "a line drawing", "ink", "a comic"]
EDITS = "bigger smaller brighter darker lighter".split()

# espeak-ng en-us phoneme mnemonics (docs/phonemes.md of espeak-ng) to the
# phones of pocketsphinx's en-us acoustic model.
ESPEAK_TO_ARPABET = {
    "p": "P", "b": "B", "t": "T", "t#": "T", "t2": "T", "d": "D", "d#": "D", "k": "K", "g": "G",
    "f": "F", "v": "V", "T": "TH", "D": "DH", "s": "S", "z": "Z", "S": "SH", "Z": "ZH", "h": "HH",
    "x": "K", "C": "HH", "m": "M", "n": "N", "N": "NG", "l": "L", "r": "R", "r-": "R", "w": "W",
    "j": "Y", "tS": "CH", "dZ": "JH", "n-": "AH N", "m-": "AH M", "l-": "AH L", "?": "T",
    "a": "AE", "aa": "AE", "a#": "AH", "A:": "AA", "A@": "AA R", "A": "AA", "0": "AA", "0#": "AA",
    "O": "AO", "O:": "AO", "O2": "AO", "O@": "AO R", "o@": "AO R", "OI": "OY", "o": "OW", "oU": "OW", "@U": "OW",
    "@": "AH", "@-": "AH", "@2": "AH", "@5": "AH", "@L": "AH L", "3": "ER", "3:": "ER", "VR": "ER",
    "e": "EH", "E": "EH", "E2": "EH", "E#": "EH", "e@": "EH R", "eI": "EY",
    "i": "IY", "i:": "IY", "I": "IH", "I2": "IH", "I#": "IH", "i@": "IY AH", "i@3": "IH R", "IR": "IH R",
    "U": "UH", "u:": "UW", "u": "UW", "U@": "UH R", "V": "AH",
    "aI": "AY", "aI@": "AY ER", "aI3": "AY ER", "aU": "AW", "aU@": "AW ER",
}


def article(word):
    return "an" if word[0] in "aeio" else "a"


def tokens(phrase):
    """A caption phrase as spoken words; None ends a piece."""
    for t in re.findall(r"[a-z0-9']+", phrase.lower()):
        if t.isdigit() and len(t) == 1:
            yield DIGITS[int(t)]
        elif re.search(r"[0-9]", t):
            yield None
        else:
            yield t


def caption_sentences(dataset):
    d = np.load(dataset, allow_pickle=False)
    objects = set()
    sents = []
    for kind, caption in zip(d["kind"], d["caption"]):
        phrases = [p.strip() for p in str(caption).split(",") if p.strip()]
        for phrase in phrases:
            for piece in cut(list(tokens(phrase)), lambda w: w is not None):
                sents += [piece, [article(piece[0])] + piece, ["the"] + piece]
        # the emoji's name without its colour: an everyday object
        first = list(tokens(phrases[0])) if phrases else []
        if kind == 0 and first and first[0] in COLOURS:
            first = first[1:]
        if kind == 0 and 1 <= len(first) <= 2 and None not in first:
            objects.add(" ".join(first))
    return sents, sorted(objects)


def template_sentences(n, objects, known):
    """n sentences of prompt phrasing, from a fixed seed."""
    keep = lambda ws: [w for w in ws if all(x in known for x in w.replace("'s", "").split())]
    colours, shades, adjs = keep(COLOURS), keep(SHADES), keep(ADJECTIVES)
    materials, places, parts = keep(MATERIALS), keep(PLACES), keep(PARTS)
    media, styles, edits = keep(MEDIA), keep(STYLES), keep(EDITS)
    rng = random.Random(6)
    pick = rng.choice

    def det(phrase):
        d = pick(["a", "a", "the"])
        return (article(phrase) if d == "a" else d) + " " + phrase

    def thing():
        """An object with maybe a colour, shade or size."""
        r = rng.random()
        o = pick(objects)
        if r < 0.45:
            o = pick(colours) + " " + o
        elif r < 0.55:
            o = pick(shades) + " " + pick(colours) + " " + o
        elif r < 0.7:
            o = pick(adjs) + " " + pick(colours + [""]) + " " + o
        return det(" ".join(o.split()))

    def place():
        r = rng.random()
        p = pick(places)
        if r < 0.35:
            p = pick(materials) + " " + p
        elif r < 0.55:
            p = pick(colours) + " " + p
        return det(p)

    forms = [
        lambda: thing(),
        lambda: thing() + " " + pick(PREPOSITIONS) + " " + place(),
        lambda: thing() + " with " + det(pick(colours) + " " + pick(parts)),
        lambda: thing() + " and " + thing(),
        lambda: det(pick(media)) + " of " + thing(),
        lambda: thing() + " in the style of " + pick(styles),
        lambda: det(pick(media)) + " of " + thing() + " " + pick(PREPOSITIONS) + " " + place(),
        lambda: "make it " + pick(colours + edits),
        lambda: "make the " + pick(objects + places + parts) + " " + pick(colours + edits),
    ]
    weights = [3, 4, 2, 1, 2, 1, 1, 1, 1]   # descriptions most, then media, styles and edits
    return [rng.choices(forms, weights)[0]().split() for _ in range(n)]


def kneser_ney(sents, min_trigram=3):
    """Interpolated Kneser-Ney trigram as backoff tables: p[n][ngram], bow[history]."""
    raw = {n: collections.Counter() for n in (1, 2, 3)}
    for s in sents:
        t = ["<s>"] + s + ["</s>"]
        for i in range(1, len(t)):
            for n in (1, 2, 3):
                if i - n + 1 >= 0:
                    raw[n][tuple(t[i - n + 1:i + 1])] += 1
    # lower orders count distinct left contexts, except after <s>, which has none
    left = collections.Counter(g[1:] for n in (2, 3) for g in raw[n])
    counts = {3: raw[3],
              2: {g: raw[2][g] if g[0] == "<s>" else left[g] for g in raw[2]},
              1: {g: left[g] for g in raw[1]}}
    vocab_size = len(counts[1])

    p = {}
    for n in (1, 2, 3):
        of = collections.Counter(counts[n].values())
        d = of[1] / (of[1] + 2 * of[2]) if of[1] and of[2] else 0.5
        total, types = collections.Counter(), collections.Counter()
        for g, c in counts[n].items():
            total[g[:-1]] += c
            types[g[:-1]] += 1
        lower = p[n - 1] if n > 1 else collections.defaultdict(lambda: 1 / vocab_size)
        p[n] = {g: (c - d) / total[g[:-1]] + d * types[g[:-1]] / total[g[:-1]] * lower[g[1:]]
                for g, c in counts[n].items() if n < 3 or c >= min_trigram}
    # a history's backoff weight hands what its listed continuations leave
    # to the others, in proportion to the lower order: each sums to one
    listed = collections.defaultdict(lambda: [0.0, 0.0])
    for n in (2, 3):
        for g, pg in p[n].items():
            listed[g[:-1]][0] += pg
            listed[g[:-1]][1] += p[n - 1][g[1:]]
    bow = {h: max(1e-12, 1 - hi) / max(1e-12, 1 - lo) for h, (hi, lo) in listed.items()}
    p[1][("<s>",)] = 0.0
    return p, bow


def write_arpa(path, probs, bows):
    lg = lambda x: math.log10(x) if x > 0 else -99.0
    with open(path, "w", encoding="utf-8") as f:
        f.write("\\data\\\n")
        for n in (1, 2, 3):
            f.write(f"ngram {n}={len(probs[n])}\n")
        for n in (1, 2, 3):
            f.write(f"\n\\{n}-grams:\n")
            for g in sorted(probs[n]):
                line = f"{lg(probs[n][g]):.4f} {' '.join(g)}"
                if n < 3 and g in bows:
                    line += f" {lg(bows[g]):.4f}"
                f.write(line + "\n")
        f.write("\n\\end\\\n")


def arpa_to_bin(arpa, out):
    """pocketsphinx's binary trie form, written by libsphinxbase itself."""
    lib = ctypes.CDLL(ctypes.util.find_library("sphinxbase") or "libsphinxbase.so.3")
    lib.logmath_init.restype = ctypes.c_void_p
    lib.logmath_init.argtypes = [ctypes.c_double, ctypes.c_int, ctypes.c_int]
    lib.ngram_model_read.restype = ctypes.c_void_p
    lib.ngram_model_read.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_void_p]
    lib.ngram_model_write.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    lib.ngram_model_free.argtypes = [ctypes.c_void_p]
    lib.logmath_free.argtypes = [ctypes.c_void_p]
    lib.err_set_logfp.argtypes = [ctypes.c_void_p]
    lib.err_set_logfp(None)
    NGRAM_ARPA, NGRAM_BIN = 1, 2
    lmath = lib.logmath_init(1.0001, 0, 0)
    model = lib.ngram_model_read(None, arpa.encode(), NGRAM_ARPA, lmath)
    if not model:
        sys.exit(f"libsphinxbase could not read {arpa}")
    ok = lib.ngram_model_write(model, out.encode(), NGRAM_BIN) == 0
    lib.ngram_model_free(model)
    lib.logmath_free(lmath)
    if not ok:
        sys.exit(f"libsphinxbase could not write {out}")


def load_cmudict(path):
    entries = collections.defaultdict(list)
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.split()
            if parts:
                entries[re.sub(r"\(\d+\)$", "", parts[0])].append(" ".join(parts[1:]))
    return entries


def espeak_pronunciations(words):
    """ARPAbet pronunciations of words from espeak-ng's en-us phonemes."""
    out = subprocess.run(["espeak-ng", "-v", "en-us", "-q", "-x", "--sep= "],
                         input="".join(w + ".\n" for w in words), capture_output=True, text=True,
                         check=True).stdout.strip("\n").split("\n")
    if len(out) != len(words):
        out = [subprocess.run(["espeak-ng", "-v", "en-us", "-q", "-x", "--sep= ", w + "."], capture_output=True,
                              text=True, check=True).stdout.strip() for w in words]
    prons = {}
    for w, line in zip(words, out):
        marks = line.split()
        while marks and marks[-1].startswith("_"):
            marks.pop()
        if any(m.startswith("_") for m in marks):
            continue   # read as several words
        phones = []
        for ph in marks:
            ph = ph.lstrip("',%=").rstrip(";")   # stress marks, palatalisation
            if ph == "":
                continue
            if ph not in ESPEAK_TO_ARPABET:
                sys.exit(f"espeak-ng phoneme {ph!r} of {w!r} ({line}) has no ARPAbet mapping")
            for phone in ESPEAK_TO_ARPABET[ph].split():
                if not phones or phones[-1] != phone:   # "e@ r": EH R, not EH R R
                    phones.append(phone)
        if phones:
            prons[w] = [" ".join(phones)]
    return prons


def cut(sentence, keep):
    """The runs of words for which keep() holds."""
    run = []
    for w in sentence + [None]:
        if w is not None and keep(w):
            run.append(w)
        elif run:
            yield run
            run = []


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dataset", default=os.path.join(ROOT, "data", "dataset.npz"))
    ap.add_argument("--dict", default=CMUDICT, help="cmudict-en-us.dict of pocketsphinx-en-us")
    ap.add_argument("-o", "--output", default=os.path.join(ROOT, "resources", "models", "prompt.lm.bin"))
    ap.add_argument("--output-dict", default=os.path.join(ROOT, "resources", "models", "prompt.dict"))
    ap.add_argument("--arpa", help="also write the ARPA text here")
    ap.add_argument("--corpus", help="also write the sentences here, one a line")
    a = ap.parse_args()

    cmudict = load_cmudict(a.dict)
    captions, objects = caption_sentences(a.dataset)
    templates = template_sentences(len(captions), objects, {w for s in captions for w in s})
    vocabulary = {w for s in captions + templates for w in s}
    prons = {w: cmudict[w] for w in vocabulary if w in cmudict}
    generated = espeak_pronunciations(sorted(vocabulary - set(prons)))
    prons.update(generated)
    sents = [run for s in captions + templates for run in cut(s, lambda w: w in prons)]
    probs, bows = kneser_ney(sents)
    words = sorted(w for (w,) in probs[1] if w not in ("<s>", "</s>"))

    with tempfile.TemporaryDirectory() as tmp:
        arpa = a.arpa or os.path.join(tmp, "prompt.arpa")
        write_arpa(arpa, probs, bows)
        arpa_to_bin(arpa, a.output + ".tmp")
    os.replace(a.output + ".tmp", a.output)
    with open(a.output_dict + ".tmp", "w", encoding="utf-8") as f:
        for w in words:
            for i, p in enumerate(prons[w]):
                f.write(f"{w}{'' if i == 0 else f'({i + 1})'} {p}\n")
    os.replace(a.output_dict + ".tmp", a.output_dict)
    if a.corpus:
        with open(a.corpus, "w", encoding="utf-8") as f:
            f.writelines(" ".join(s) + "\n" for s in sents)
    print(f"{len(captions)} caption and {len(templates)} template sentences ({len(objects)} objects); "
          f"{len(words)} words ({len(generated)} pronounced by espeak-ng, "
          f"{len(vocabulary) - len(prons)} without pronunciation), {len(probs[2])} bigrams, "
          f"{len(probs[3])} trigrams")
    for path in (a.output, a.output_dict):
        print(f"{os.path.relpath(path)}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
