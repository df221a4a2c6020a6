#!/usr/bin/python3
"""Golden data for the C engine, stage by stage, from the SHIPPED fp16 weights
(read back from resources/models/atelier-model.safetensors and computed in fp32).

tests/data/model_golden.safetensors    every stage of the built-in model (batch 1)
tests/data/tokenizer_golden.json       prompts and their token ids
tests/data/fusion_article.safetensors  the article's original fusion module, seed 0

Run after tools/train/export.py; prints max differences of the padded+masked
(training) form against the omitted-token (inference) form.
"""
import json
import math
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import AtelierModel, Tokenizer, masked_mean  # noqa: E402
from train import sample  # noqa: E402
import st  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODELS = os.path.join(ROOT, "resources", "models")
OUT = os.path.join(ROOT, "tests", "data")

PROMPTS = ["red apple", "A Blue  house, with a door!", "yellow star", "green tree",
           "purple cat face", "zzzunknownword heart", "", "pink flower, spring, garden",
           "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen"]


class ArticleFusion(nn.Module):
    """The article's fusion: three projected feature vectors attend to each other."""

    def __init__(self):
        super().__init__()
        self.txt_fc = nn.Linear(255, 128)
        self.img_fc = nn.Linear(33, 128)
        self.aud_fc = nn.Linear(17, 128)
        self.attn = nn.MultiheadAttention(128, 4)
        self.out = nn.Linear(128, 128)

    def forward(self, txt, img, aud):
        seq = torch.stack([self.txt_fc(txt), self.img_fc(img), self.aud_fc(aud)], 0)  # (3, B, 128)
        y, _ = self.attn(seq, seq, seq)
        return self.out(y.mean(0))


def article():
    torch.manual_seed(0)
    m = ArticleFusion().eval()
    txt, img, aud = torch.randn(3, 255), torch.randn(3, 33), torch.randn(3, 17)
    with torch.no_grad():
        y = m(txt, img, aud)
    t = {k: v.float() for k, v in m.state_dict().items()}
    t.update({"input.txt": txt, "input.img": img, "input.aud": aud, "output": y})
    st.save_file(t, os.path.join(OUT, "fusion_article.safetensors"), metadata={
        "module": "txt_fc=Linear(255,128), img_fc=Linear(33,128), aud_fc=Linear(17,128), attn=nn.MultiheadAttention(128, 4), out=Linear(128,128)",
        "forward": "seq = stack([txt_fc(txt), img_fc(img), aud_fc(aud)], dim 0) -> (3 tokens, batch 3, 128); y = attn(seq, seq, seq) (in_proj_weight rows: q, k, v; 4 heads of 32; out_proj); output = out(mean over the 3 tokens)",
        "seed": "torch.manual_seed(0) before constructing the module, then txt, img, aud = randn(3,255), randn(3,33), randn(3,17)"})
    return y.shape


def main():
    os.makedirs(OUT, exist_ok=True)
    conf = json.load(open(os.path.join(MODELS, "atelier-model.json")))
    cfg = conf["hyper"]
    tj = json.load(open(os.path.join(MODELS, "tokenizer.json")))
    tok = Tokenizer(tj["vocab"], tj["max_tokens"])
    model = AtelierModel(conf["vocab_size"], cfg)
    sd = {k: v.float() for k, v in st.load_file(os.path.join(MODELS, "atelier-model.safetensors")).items()}
    model.load_state_dict(sd)
    model.eval()
    G = {}
    meta = {}
    checks = {}
    with torch.no_grad():
        # ---- tokenizer
        tg = [{"text": p, "ids": tok.encode(p)} for p in PROMPTS]
        with open(os.path.join(OUT, "tokenizer_golden.json"), "w") as f:
            json.dump(tg, f, indent=1)
        prompt = "red apple, fruit"
        ids = torch.tensor([tok.encode(prompt)])
        n = ids.shape[1]
        meta["prompt"] = prompt
        G["text.ids"] = ids.int()
        tt = model.text(ids)
        G["text.out"] = tt
        # training form: padded to max tokens with a key mask -> same real tokens
        pad = torch.zeros(1, tok.max_tokens, dtype=torch.long)
        pad[0, :n] = ids[0]
        ttp = model.text(pad, pad > 0)
        checks["text padded vs omitted"] = (ttp[:, :n] - tt).abs().max().item()

        # ---- sketch: a circle with a stem, 2 px pen
        yy, xx = torch.meshgrid(torch.arange(64.0), torch.arange(64.0), indexing="ij")
        r = ((yy - 36) ** 2 + (xx - 32) ** 2).sqrt()
        sk = ((r - 20).abs() < 1.0).float()
        sk[8:17, 31:33] = 1.0
        sk = sk[None, None]
        G["sketch.in"] = sk
        stok = model.sketch(sk)
        G["sketch.out"] = stok

        # ---- audio: 0.75 s synthetic voiced sound (harmonics of 140 Hz with a vibrato) + noise
        g = torch.Generator().manual_seed(1)
        ts = torch.arange(12000) / 16000.0
        f0 = 140 + 10 * torch.sin(2 * math.pi * 3 * ts)
        ph = 2 * math.pi * torch.cumsum(f0, 0) / 16000.0
        wav = sum((0.3 / k) * torch.sin(k * ph) for k in range(1, 8)) * torch.sin(math.pi * ts / 0.75)
        wav = wav + 0.01 * torch.randn(12000, generator=g)
        G["audio.wave"] = wav[None]
        full = torch.zeros(1, cfg["mel"]["clip_samples"])
        full[0, :12000] = wav
        mel = model.mel(full)
        G["audio.logmel"] = mel
        at = model.audio(mel)
        G["audio.out"] = at

        # ---- contrastive embeddings (not normalised)
        G["embed.text"] = model.text_head(tt.mean(1))
        G["embed.sketch"] = model.sketch_head(stok.mean(1))
        G["embed.audio"] = model.audio_head(at.mean(1))

        # ---- fusion: all three, text only, none
        ctx, _, pooled = model.fusion(1, tt, None, stok, None, at, None)
        G["fusion.all.ctx"], G["fusion.all.pooled"] = ctx, pooled
        ctx_t, _, pooled_t = model.fusion(1, tt, None, None, None, None, None)
        G["fusion.text.ctx"], G["fusion.text.pooled"] = ctx_t, pooled_t
        ctx_n, _, pooled_n = model.fusion(1)
        G["fusion.none.ctx"], G["fusion.none.pooled"] = ctx_n, pooled_n
        # training form of "text only": padded text + masked sketch and audio tokens
        fm = torch.zeros(1, 64, dtype=torch.bool)
        am = torch.zeros(1, at.shape[1], dtype=torch.bool)
        cpad, cm, ppad = model.fusion(1, ttp, pad > 0, stok, fm, at, am)
        keep = cm[0]
        checks["fusion masked vs omitted (ctx)"] = (cpad[:, keep] - ctx_t).abs().max().item()
        checks["fusion masked vs omitted (pooled)"] = (ppad - pooled_t).abs().max().item()

        # ---- one denoiser call
        g = torch.Generator().manual_seed(2)
        x0 = torch.randn(1, 3, 64, 64, generator=g)
        t = torch.tensor([0.7])
        v = model.unet(x0, sk, t, ctx, None, pooled)
        G["unet.x_t"], G["unet.t"], G["unet.out"] = x0, t, v
        meta["unet"] = "v = unet(x_t, sketch.in, t, fusion.all.ctx, fusion.all.pooled)"
        # masked (training) form of the same call with text-only conditioning
        v1 = model.unet(x0, torch.zeros_like(sk), t, ctx_t, None, pooled_t)
        v2 = model.unet(x0, torch.zeros_like(sk), t, cpad, cm, ppad)
        G["unet.text_only.out"] = v1
        checks["denoiser masked vs omitted"] = (v1 - v2).abs().max().item()
        G["timestep_embedding.t0.7"] = __import__("model").timestep_embedding(t, cfg["time_freq_dim"], cfg["time_multiplier"])

        # ---- 4-step Euler run with guidance 3 from fixed noise: text + sketch
        noise = torch.randn(1, 3, 64, 64, generator=torch.Generator().manual_seed(3))
        G["sample.noise"] = noise
        out = sample(model, 1, "cpu", ids=ids, sketch=sk, steps=4, guidance=3.0, noise=noise.clone())
        G["sample.out"] = out
        meta["sample"] = ("steps 4, timesteps [1, 0.75, 0.5, 0.25, 0], guidance 3.0, text = prompt, sketch = sketch.in, "
                          "no audio; uncond = fusion.none + zero sketch; output clamped to [-1, 1]")
        # the same run unclamped, step by step, so each Euler step can be checked
        x = noise.clone()
        zs = torch.zeros_like(sk)
        tsch = [1.0, 0.75, 0.5, 0.25, 0.0]
        ctx2, _, pooled2 = model.fusion(1, tt, None, stok, None, None, None)
        G["sample.ctx"], G["sample.pooled"] = ctx2, pooled2
        for i in range(4):
            tt_ = torch.tensor([tsch[i]])
            vc = model.unet(x, sk, tt_, ctx2, None, pooled2)
            vu = model.unet(x, zs, tt_, ctx_n, None, pooled_n)
            x = x + (tsch[i + 1] - tsch[i]) * (vu + 3.0 * (vc - vu))
            G["sample.x%d" % (i + 1)] = x.clone()
        checks["sample stepwise vs sampler"] = (x.clamp(-1, 1) - out).abs().max().item()
        G["embed.image.sample"] = model.image(out)
    G = {k: v.float().contiguous() if v.dtype.is_floating_point else v for k, v in G.items()}
    meta["checks"] = json.dumps(checks)
    meta["weights"] = "resources/models/atelier-model.safetensors read as fp16 and computed in fp32"
    st.save_file(G, os.path.join(OUT, "model_golden.safetensors"), metadata=meta)
    shape = article()
    print("checks", json.dumps(checks, indent=1))
    for k, v in checks.items():
        assert v < 1e-4, (k, v)
    print("article output", shape, "sizes",
          {f: os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT)})


if __name__ == "__main__":
    main()
