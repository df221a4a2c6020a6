#!/usr/bin/python3
"""Voice -> image search: the clip's audio embedding, its transcript's text
embedding, or both fused, on the validation split (to choose the weight) and
the held-out split (to report).

Gallery and hits as tools/train/eval_search.py (every item of the split one
image, icons tinted palette[i % 8]; a hit is an image of the same concept).
Each spoken clip is transcribed by the engine's recogniser (`atelier
transcribe --json`, pocketsphinx with the prompt language model); the text
query is the transcript embedded by the text head (as `atelier search
--text`; where no known word was heard, the audio embedding stands in).
Fused = normalise(w * text + (1 - w) * audio), w = 0 being the audio alone.
"+ words": plus the caption bank's votes for the transcript's object words
(search-words.c, weight 1.0); `atelier search --voice` ranks as "w=0 +
words", the choice on the validation split. Transcripts are cached in
--transcripts.

  /usr/bin/python3 tools/train/eval_voice_search.py --atelier build/app/atelier [--data data/dataset.npz]
      [--transcripts FILE.json]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import wave

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from caption_bank import object_words, vote  # noqa: E402
from eval_search import retrieval  # noqa: E402
from eval_word_search import load_bank, retrieval_of  # noqa: E402
from evaluate import load_model, ROOT  # noqa: E402
from model import CFG, masked_mean  # noqa: E402
from train import PALETTE, Data  # noqa: E402
import dataset_io  # noqa: E402

WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)


def transcribe(atelier, clips):
    """Each int16 clip (16 kHz) through `atelier transcribe --json` -> its text."""
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "clip.wav")
        for c in clips:
            with wave.open(path, "wb") as w:
                w.setnchannels(1)
                w.setsampwidth(2)
                w.setframerate(CFG["mel"]["sample_rate"])
                w.writeframes(c.astype("<i2").tobytes())
            r = subprocess.run([atelier, "transcribe", "--json", path], capture_output=True, text=True, check=True,
                               env=dict(os.environ, ATELIER_MODEL_DIR=os.path.join(ROOT, "resources", "models")))
            out.append(json.loads(r.stdout)["text"])
    return out


def split_results(model, tok, bank, args, split, seed, cache):
    data = Data(args.data, split, tok, model, seed=seed)
    n = len(data)
    b = data.make(np.arange(n), [list(PALETTE)[i % 8] for i in range(n)])
    ha = np.nonzero(data.has_audio)[0]
    raw = dataset_io.load(args.data)
    sel = np.nonzero(raw["split"] == split)[0][ha]
    clips = [raw["audio"][raw["aud_off"][i]:raw["aud_off"][i] + raw["aud_len"][i]] for i in sel]
    key = "split%d" % split
    if key not in cache:
        cache[key] = transcribe(args.atelier, clips)
    heard = cache[key]
    same = torch.tensor([[data.name[i] == data.name[j] for j in range(n)] for i in ha])
    with torch.no_grad():
        ei = F.normalize(model.image(b["x0"]), dim=-1)
        ea = F.normalize(model.audio_head(model.audio(b["mel"][ha]).mean(1)), dim=-1)
        et = ea.clone()
        known = []
        for j, text in enumerate(heard):
            ids = [i for i in tok.encode(text)]
            ok = len(ids) > 0 and any(i != 1 for i in ids)
            known.append(ok)
            if ok:
                pid = torch.tensor([ids])
                et[j] = F.normalize(model.text_head(masked_mean(model.text(pid, pid > 0), pid > 0)), dim=-1)[0]
    kn = torch.tensor(known)[:, None]
    res = {"n": len(ha), "transcript_heard": round(float(np.mean(known)), 3),
           "name_word_heard": round(float(np.mean([any(w in t.split() for w in data.name[i].split())
                                                   for i, t in zip(ha, heard)])), 3),
           "examples": [[data.name[i], t] for i, t in list(zip(ha, heard))[:8]]}
    e, labels, vocab, k, T = bank
    index = {w: i for i, w in enumerate(vocab)}
    votes = vote(e, labels, len(vocab), ei, k, T)
    want = torch.zeros(len(ha), len(vocab))
    for j, text in enumerate(heard):
        for w in object_words(text):
            if w in index and known[j]:
                want[j, index[w]] = 1
    for w in WEIGHTS:
        q = torch.where(kn, F.normalize(w * et + (1 - w) * ea, dim=-1), ea)
        res["w=%g" % w] = retrieval(q, ei, same)
        res["w=%g + words" % w] = retrieval_of(q @ ei.t() + want @ votes.t(), same)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(ROOT, "data", "dataset.npz"))
    ap.add_argument("--atelier", required=True, help="the atelier binary (its recogniser)")
    ap.add_argument("--transcripts", default=None, help="cache of the transcripts (JSON), read and written")
    args = ap.parse_args()
    torch.manual_seed(0)
    model, tok, conf = load_model()
    bank = load_bank()
    cache = {}
    if args.transcripts and os.path.exists(args.transcripts):
        cache = json.load(open(args.transcripts))
    res = {"validation": split_results(model, tok, bank, args, 1, 98, cache),
           "held_out": split_results(model, tok, bank, args, 2, 99, cache)}
    if args.transcripts:
        with open(args.transcripts + ".tmp", "w") as f:
            json.dump(cache, f)
        os.replace(args.transcripts + ".tmp", args.transcripts)
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
