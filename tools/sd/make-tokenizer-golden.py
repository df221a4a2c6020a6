#!/usr/bin/python3
"""make-tokenizer-golden.py — what the reference tokenizers make of a list
of prompts, for tests/sd/test-clip-tokenizer.c:

  ids        OpenAI CLIP's simple_tokenizer.SimpleTokenizer().encode(p)
  sd2        open_clip.tokenize(p)[0]: the single 77-token window SD 2.x's
             FrozenOpenCLIPEmbedder feeds its text tower (pad 0); null
             where open_clip reads literal special-token text otherwise
  chunks     AUTOMATIC1111's windows for long prompts (75 tokens a chunk,
             each as [BOS] chunk [EOS], padded with EOS for SD 1.x; its
             comma back-tracking is not part of Atelier's convention and
             is left out here), written from its sd_hijack_clip.py rule

ftfy is not packaged by Debian; its fix_text (repairing mojibake) is
replaced by the identity, so the prompts hold no mojibake. Everything else
(HTML unescaping, whitespace folding, lower case, the regex, BPE) is the
reference's own code.

Run: /usr/bin/python3 tools/sd/make-tokenizer-golden.py --ref REF > tests/data/sd/clip-tokenizer-golden.json
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reflib  # noqa: E402

PROMPTS = [
    "",
    "a photo of a cat",
    "A Photo Of A CAT!!!",
    "an astronaut riding a horse on mars, highly detailed, 8k, trending on artstation",
    "masterpiece, best quality, (cute:1.2) dog sitting in a café, bokeh",
    "it's a dog's life; they're here & we've got 'em",
    "don't   stop\tbelieving\n\nnew   line",
    "1234567890 3.14 v2.1 1st 22nd",
    "emoji 🎨🖌️ and symbols ™ © ½ ∞ → ★",
    "naïve façade résumé Ångström straße",
    "日本語のテキスト 中文 한국어 русский текст ελληνικά",
    "html &amp; entities &lt;b&gt; &quot;quoted&quot; &#39;apos&#39; &#x263A;",
    "<|startoftext|>special<|endoftext|> tokens",
    "hyphen-ated words and under_scores and slashes/and\\backslashes",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "a" * 90,
    "punctuation... !?!? ((( ))) [[ ]] {{ }} -- __ ** ## $$ %% ^^",
    " ".join(["word%d" % i for i in range(60)]),
    ", ".join(["a red apple"] * 30),
    "lorem ipsum dolor sit amet " * 40,
]


def a1111_chunks(ids, bos, eos, pad, window=77):
    body = window - 2
    chunks = [ids[i:i + body] for i in range(0, len(ids), body)] or [[]]
    out = []
    for c in chunks:
        w = [bos] + c + [eos]
        w += [pad] * (window - len(w))
        out.append(w)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref")
    a = ap.parse_args()
    ref = reflib.ref_dir(a.ref)
    reflib.stub_modules({"ftfy": {"fix_text": lambda s: s}})
    st = reflib.openai_clip_module(ref, "simple_tokenizer")
    tok = st.SimpleTokenizer()
    oc = reflib.open_clip_module(ref, "tokenizer")
    bos, eos = tok.encoder["<|startoftext|>"], tok.encoder["<|endoftext|>"]
    rows = []
    for p in PROMPTS:
        ids = tok.encode(p)
        sd2 = [int(x) for x in oc.tokenize([p])[0]]
        # open_clip reads the literal text "<|endoftext|>" as characters,
        # simple_tokenizer as the special token: no SD 2.x window where
        # the two references disagree.
        first = a1111_chunks(ids, bos, eos, 0)[0]
        rows.append({
            "prompt": p,
            "ids": ids,
            "sd2": sd2 if sd2 == first or "<|" not in p else None,
            "chunks": a1111_chunks(ids, bos, eos, eos),
        })
    json.dump({"bos": bos, "eos": eos, "prompts": rows}, sys.stdout, ensure_ascii=False, indent=0)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
