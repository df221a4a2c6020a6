#!/usr/bin/python3
"""make-clip-golden.py — the CLIP text towers of Stable Diffusion on random
weights at reduced widths, for tests/sd/test-clip-text.c.

  sd1  OpenAI CLIP's text transformer (clip/model.py: quick GELU, causal
       mask), last layer then ln_final — what SD 1.x's FrozenCLIPEmbedder
       reads (last_hidden_state). Saved under Hugging Face CLIPTextModel
       names (cond_stage_model.transformer.text_model.*), q/k/v split from
       in_proj as in the real checkpoints.
  sd2  open_clip's text transformer (GELU, causal mask), stopped before
       its last block, then ln_final — ldm's FrozenOpenCLIPEmbedder with
       layer="penultimate". Saved under cond_stage_model.model.* (open_clip
       names, in_proj kept whole).

Width 32, 2 heads, vocabulary 256, 77 positions; 2 layers (sd1), 3 (sd2).
Every parameter random (weights stored as F16; the reference runs on the
rounded values), two 77-token windows of random ids each.
Outputs: tests/data/sd/clip-text-golden.safetensors.

Run: /usr/bin/python3 tools/sd/make-clip-golden.py --ref REF --out tests/data/sd/clip-text-golden.safetensors
"""
import argparse
import json
import os
import struct
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reflib  # noqa: E402

WIDTH, HEADS, VOCAB, CTX = 32, 2, 256, 77


def randomise(module, gen):
    for name, p in module.named_parameters():
        with torch.no_grad():
            if ("ln" in name or "norm" in name) and name.endswith("weight"):
                v = 1 + 0.2 * torch.randn(p.shape, generator=gen)
            elif "embedding" in name:
                v = 0.5 * torch.randn(p.shape, generator=gen)
            else:
                fan = p.shape[-1] if p.dim() > 1 else WIDTH
                v = torch.randn(p.shape, generator=gen) / fan ** 0.5
            p.copy_(v.half().float())


def sd1(ref, gen, ids):
    model = reflib.openai_clip_module(ref, "model")
    m = model.CLIP(embed_dim=WIDTH, image_resolution=32, vision_layers=1, vision_width=64, vision_patch_size=16,
                   context_length=CTX, vocab_size=VOCAB, transformer_width=WIDTH, transformer_heads=HEADS,
                   transformer_layers=2).float().eval()
    randomise(m, gen)
    with torch.no_grad():
        x = m.token_embedding(ids) + m.positional_embedding
        x = m.transformer(x.permute(1, 0, 2)).permute(1, 0, 2)   # clip.model.CLIP.encode_text's order
        out = m.ln_final(x)
    sd = m.state_dict()
    pre = "cond_stage_model.transformer.text_model."
    w = {pre + "embeddings.token_embedding.weight": sd["token_embedding.weight"],
         pre + "embeddings.position_embedding.weight": sd["positional_embedding"],
         pre + "final_layer_norm.weight": sd["ln_final.weight"],
         pre + "final_layer_norm.bias": sd["ln_final.bias"]}
    rename = {"ln_1": "layer_norm1", "ln_2": "layer_norm2", "mlp.c_fc": "mlp.fc1", "mlp.c_proj": "mlp.fc2",
              "attn.out_proj": "self_attn.out_proj"}
    for i in range(2):
        src, dst = "transformer.resblocks.%d." % i, pre + "encoder.layers.%d." % i
        for j, qkv in enumerate("qkv"):
            w[dst + "self_attn.%s_proj.weight" % qkv] = sd[src + "attn.in_proj_weight"][j * WIDTH:(j + 1) * WIDTH]
            w[dst + "self_attn.%s_proj.bias" % qkv] = sd[src + "attn.in_proj_bias"][j * WIDTH:(j + 1) * WIDTH]
        for a, b in rename.items():
            for s in ("weight", "bias"):
                w[dst + b + "." + s] = sd[src + a + "." + s]
    return w, out


def sd2(ref, gen, ids):
    model = reflib.open_clip_module(ref, "model")
    m = model.CLIP(embed_dim=WIDTH,
                   vision_cfg={"image_size": 32, "layers": 1, "width": 64, "patch_size": 16, "head_width": 32},
                   text_cfg={"context_length": CTX, "vocab_size": VOCAB, "width": WIDTH, "heads": HEADS,
                             "layers": 3}).float().eval()
    del m.visual
    for mod in m.modules():
        if hasattr(mod, "use_sdpa"):
            mod.use_sdpa = False    # torch 1.13 has no F.scaled_dot_product_attention: open_clip's own path
    randomise(m, gen)
    with torch.no_grad():
        x = m.token_embedding(ids) + m.positional_embedding
        # ldm FrozenOpenCLIPEmbedder.text_transformer_forward, layer_idx 1:
        # every block but the last, then ln_final (in open_clip's current
        # batch-first layout, as its own _encode_text calls the blocks)
        for r in m.transformer.resblocks[:-1]:
            x = r(x, attn_mask=m.attn_mask)
        out = m.ln_final(x)
    w = {"cond_stage_model.model." + k: v for k, v in m.state_dict().items()}
    return w, out


def write_safetensors(path, tensors):
    header, blobs, off = {}, [], 0
    for name, (dtype, t) in tensors.items():
        t = t.contiguous()
        data = t.numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [off, off + len(data)]}
        blobs.append(data)
        off += len(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
    os.replace(path + ".tmp", path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    ref = reflib.ref_dir(a.ref)
    gen = torch.Generator().manual_seed(1234)
    tensors = {}
    for name, fn in (("sd1", sd1), ("sd2", sd2)):
        ids = torch.randint(0, VOCAB, (2, CTX), generator=gen)
        w, out = fn(ref, gen, ids)
        for k, v in w.items():
            if v.dim() > 0 and v.dtype == torch.float32:
                tensors[k.replace("cond_stage_model.", name + ".", 1)] = ("F16", v.half())
            else:
                tensors[k.replace("cond_stage_model.", name + ".", 1)] = ("F32", v.float().reshape(v.shape))
        tensors["golden.%s.ids" % name] = ("F32", ids.float())
        tensors["golden.%s.out" % name] = ("F32", out.float())
        print(name, "out", tuple(out.shape), "std %.3f" % out.std().item())
    write_safetensors(a.out, tensors)
    print(a.out, os.path.getsize(a.out), "bytes")


if __name__ == "__main__":
    main()
