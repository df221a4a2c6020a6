#!/usr/bin/python3
"""Export the EMA weights of checkpoints/last.pt for the C engine.

Writes resources/models/atelier-model.safetensors (fp16, PyTorch state_dict
names), resources/models/atelier-model.json (every hyper-parameter, the sampler
schedule, the log-mel front end and the order of operations of each block) and
resources/models/tokenizer.json.
"""
import argparse
import json
import os
import shutil
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import CFG, AtelierModel  # noqa: E402
from train import default_ckpt  # noqa: E402
from flops import count_macs  # noqa: E402
import st  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODELS = os.path.join(ROOT, "resources", "models")


def schedule(steps):
    return [round(1.0 - i / steps, 6) for i in range(steps + 1)]


def describe(cfg, vocab_size, nparams, macs, ck):
    D = cfg["width"]
    return {
        "format": "atelier-model",
        "version": 1,
        "weights": "atelier-model.safetensors",
        "weights_dtype": "F16 (compute in F32)",
        "tokenizer": "tokenizer.json",
        "vocab_size": vocab_size,
        "parameters": nparams,
        "denoiser_gflop_per_call": round(2 * macs / 1e9, 3),
        "denoiser_gflop_note": "batch 1, 131 context tokens (null+16 text+64 sketch+50 audio); FLOP = 2 x MAC of convs, linears and attention matmuls",
        "trained_steps": ck.get("step"),
        "trained_samples": ck.get("seen"),
        "trained_hours": round(ck.get("train_s", 0.0) / 3600, 2),
        "hyper": cfg,
        "image": {"size": 64, "channels": 3, "range": "[-1, 1], pixel = (x + 1) * 127.5, RGB, row-major (C, H, W)",
                  "background": "white"},
        "sketch": {"size": 64, "channels": 1, "values": "1.0 = stroke, 0.0 = paper; absent sketch = all zeros in the denoiser input",
                   "stroke_width_px": 2},
        "flow": {
            "type": "rectified flow",
            "x_t": "x_t = (1 - t) * x0 + t * noise, t in [0, 1], t = 1 is pure N(0, 1) noise",
            "prediction": "velocity v = noise - x0",
            "sampler": "Euler: x <- x + (t[i+1] - t[i]) * v(x, t[i]) for i = 0..steps-1, starting from noise at t[0] = 1",
            "default_steps": 12,
            "default_guidance": 2.5,
            "guidance": "v = v_uncond + g * (v_cond - v_uncond); the unconditional branch uses a context of only the null token (fusion run with no modality) and a zero sketch channel",
            "timesteps": {str(n): schedule(n) for n in (8, 10, 12, 16, 20)},
            "timestep_embedding": "T = t * time_multiplier; half = time_freq_dim / 2; freqs[i] = exp(-ln(10000) * i / half); emb = concat(cos(T * freqs), sin(T * freqs))",
        },
        "tokenizer_rules": "lower case; split on every run of characters outside [a-z0-9] (ASCII); drop empty pieces; id = index in vocab, unknown -> 1; keep the first text_max_tokens ids; no padding at inference (pad id 0 only in training); empty prompt = text absent",
        "modules": {
            "common": {
                "linear": "y = x @ W^T + b, W stored [out, in]",
                "conv2d": "weight [out, in, kh, kw], bias [out]; 3x3 convs use padding 1; stride as noted",
                "layer_norm": "over the last dim, eps = ln_eps, with weight and bias",
                "group_norm": "gn_groups groups over channels, eps = gn_eps, weight/bias per channel",
                "gelu": "tanh approximation 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))",
                "attention": "q = x Wq^T + bq, k = c Wk^T + bk, v = c Wv^T + bv (c = x for self-attention); split last dim into heads contiguous chunks of width/heads; a = softmax(q k^T / sqrt(width/heads)) over keys; y = concat_heads(a v) Wo^T + bo. Names: <prefix>.q/.k/.v/.o.{weight,bias}",
                "block": "pre-LN transformer layer: x = x + attn(ln1(x)); x = x + fc2(gelu(fc1(ln2(x)))). Names <prefix>.ln1, .attn.{q,k,v,o}, .ln2, .fc1, .fc2",
            },
            "text": f"ids (n <= {cfg['text_max_tokens']}) -> x = text.tok.weight[ids] + text.pos[0:n] -> text.layers.0..{cfg['text_layers']-1} (block) -> text.ln_f -> (n, {D})",
            "sketch": f"s (1, 64, 64) -> silu(sketch.conv1 s2) (32x32) -> silu(sketch.conv2 s2) (16x16) -> silu(sketch.conv3 s2) (8x8) -> sketch.conv4 1x1 -> ({D}, 8, 8) -> tokens (64, {D}) row-major (token = y*8 + x) -> + sketch.pos -> sketch.ln_f",
            "audio": f"waveform 16 kHz mono float in [-1, 1], truncated or zero padded to clip_samples -> log-mel (below) (200, 40) -> reshape (50, 160) where token j = concat(frame 4j, 4j+1, 4j+2, 4j+3), each 40 mel values -> audio.inp (linear 160->{D}) -> + audio.pos -> audio.layers.* (block) -> audio.ln_f -> (50, {D})",
            "log_mel": "frame i (i = 0..199) = samples [160 i, 160 i + 400) of the padded clip (zeros past the end); multiply by periodic Hann w[n] = 0.5 - 0.5 cos(2 pi n / 400); X = DFT (201 bins k = 0..200, X[k] = sum_n x[n] exp(-2 pi i k n / 400)); power = Re^2 + Im^2; mel = audio.mel_fb (40 x 201) @ power; feature = (ln(max(mel, 1e-5)) + 5) / 5",
            "image_encoder": "x (3, 64, 64) -> 4 x [silu(image.convs.i, stride 2, pad 1)] -> (128, 4, 4) -> mean over pixels -> image.proj -> 128-d embedding (contrastive space; L2-normalise before comparing)",
            "contrastive_heads": "text: mean of text tokens -> text_head; sketch: mean of the 64 sketch tokens -> sketch_head; audio: mean of the 50 audio tokens -> audio_head; image: image encoder. Cosine similarity after L2 normalisation; logit_scale = exp(logit_scale) (training only)",
            "fusion": f"sequence = [fusion.null] + (text tokens -> fusion.proj_text + fusion.mod[0]) + (sketch tokens -> fusion.proj_sketch + fusion.mod[1]) + (audio tokens -> fusion.proj_audio + fusion.mod[2]), absent modality = its tokens left out, order always null, text, sketch, audio -> fusion.layers.0..{cfg['fusion_layers']-1} (block) -> fusion.ln_f = context (N, {D}); pooled = fusion.pool(mean over all N context tokens) ({cfg['temb_dim']})",
            "denoiser": {
                "embedding": "emb = unet.time2(silu(unet.time1(timestep_embedding(t)))) + pooled; se = silu(emb) (used by every res block)",
                "resblock": "h = conv1(silu(gn1(x))); h = h + emb(se)[:, None, None]; h = conv2(silu(gn2(h))); out = (skip(x) if skip exists (1x1 conv) else x) + h",
                "attnblock": "t = x as (H*W, C) tokens, row-major; t = t + self_attn(ln1(t)); t = t + cross_attn(ln2(t), context); t = t + fc2(gelu(fc1(ln3(t)))); back to (C, H, W)",
                "graph": [
                    "h = unet.conv_in(concat_channels(x_t, sketch))        # 4 -> ch[0], 64x64",
                    "for i in 0..L-1 (L = len(unet_channels)):",
                    "    if i > 0: h = avgpool2x2(h)                        # level i is 64 / 2^i pixels",
                    "    h = unet.down.{i}(h)                               # resblock ch[max(i-1,0)] -> ch[i]",
                    "    if i in unet_attn_levels: h = unet.down_attn.{i}(h, context)",
                    "    s_i = h",
                    "h = unet.m1(h); h = unet.m_attn(h, context); h = unet.m2(h)   # at the lowest level",
                    "for i in L-1..0:",
                    "    if i < L-1: h = up2(h)",
                    "    h = unet.up.{i}(concat_channels(h, s_i))           # resblock (ch[i+1] or ch[L-1]) + ch[i] -> ch[i]",
                    "    if i in unet_attn_levels: h = unet.up_attn.{i}(h, context)",
                    "v = unet.conv_out(silu(unet.gn_out(h)))               # ch[0] -> 3",
                ],
                "notes": "up2 = nearest x2; avgpool2x2 = mean of each 2x2 block; concat is along channels, first argument first",
            },
        },
        "search": "embeddings for search by text / sketch / voice / image: the contrastive heads above",
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default=os.path.join(default_ckpt(), "last.pt"))
    ap.add_argument("--name", default="atelier-v2", help="the model's name, written into PNG parameters")
    ap.add_argument("--out", default=MODELS)
    args = ap.parse_args()
    ck = torch.load(args.ckpt, map_location="cpu")
    cfg = ck.get("cfg", CFG)
    vs = ck["vocab_size"]
    model = AtelierModel(vs, cfg)
    model.load_state_dict(ck["ema"])
    model.eval()
    sd = {k: v.half() for k, v in model.state_dict().items()}
    nparams = sum(p.numel() for p in model.parameters())
    ctx = torch.zeros(1, 131, cfg["width"])
    macs = count_macs(model.unet, torch.zeros(1, 3, 64, 64), torch.zeros(1, 1, 64, 64), torch.ones(1) * 0.5,
                      ctx, None, torch.zeros(1, cfg["temb_dim"]))
    os.makedirs(args.out, exist_ok=True)
    st.save_file(sd, os.path.join(args.out, "atelier-model.safetensors"),
                 metadata={"format": "atelier-model", "config": "atelier-model.json"})
    conf = describe(cfg, vs, nparams, macs, ck)
    conf["name"] = args.name
    # a run started from the shipped weights (train.py --init) adds to their training
    old = os.path.join(args.out, "atelier-model.json")
    if ck.get("init") and os.path.exists(old):
        prev = json.load(open(old))
        conf["trained_from"] = {k: prev.get(k) for k in ("name", "trained_steps", "trained_samples", "trained_hours")}
    conf["tensors"] = {k: list(v.shape) for k, v in sd.items()}
    tmp = os.path.join(args.out, "atelier-model.json.tmp")
    with open(tmp, "w") as f:
        json.dump(conf, f, indent=1)
    os.replace(tmp, os.path.join(args.out, "atelier-model.json"))
    shutil.copyfile(os.path.join(os.path.dirname(args.ckpt), "tokenizer.json"),
                    os.path.join(args.out, "tokenizer.json"))
    print("exported step", ck["step"], "params", nparams, "GFLOP/call", 2 * macs / 1e9,
          "bytes", os.path.getsize(os.path.join(args.out, "atelier-model.safetensors")))


if __name__ == "__main__":
    main()
