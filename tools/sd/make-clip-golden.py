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

Width 32, 2 heads, vocabulary 256, 77 positions; 2 layers (sd1), 3 (sd2),
two 77-token windows of random ids each. The weights are not stored: each
is filled from its checkpoint name by goldenlib.fill, which
tests/sd/sd-fill.c repeats bit for bit; the file holds the ids, the
outputs and the list of weight names and shapes (metadata "tensors").
Outputs: tests/data/sd/clip-text-golden.safetensors.

Run: /usr/bin/python3 tools/sd/make-clip-golden.py --ref REF --out tests/data/sd/clip-text-golden.safetensors
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reflib  # noqa: E402
from goldenlib import fill, tensor_list, write_safetensors  # noqa: E402

WIDTH, HEADS, VOCAB, CTX = 32, 2, 256, 77


def hf_names(sd):
    """OpenAI CLIP text parameters -> Hugging Face CLIPTextModel names and
    shapes, as the real SD 1.x checkpoints store them (q/k/v split)."""
    pre = "sd1.transformer.text_model."
    out = [(pre + "embeddings.token_embedding.weight", sd["token_embedding.weight"].shape),
           (pre + "embeddings.position_embedding.weight", sd["positional_embedding"].shape),
           (pre + "final_layer_norm.weight", (WIDTH,)), (pre + "final_layer_norm.bias", (WIDTH,))]
    for i in range(2):
        dst = pre + "encoder.layers.%d." % i
        for part, shape in (("self_attn.q_proj", (WIDTH, WIDTH)), ("self_attn.k_proj", (WIDTH, WIDTH)),
                            ("self_attn.v_proj", (WIDTH, WIDTH)), ("self_attn.out_proj", (WIDTH, WIDTH)),
                            ("layer_norm1", None), ("layer_norm2", None), ("mlp.fc1", (4 * WIDTH, WIDTH)),
                            ("mlp.fc2", (WIDTH, 4 * WIDTH))):
            out.append((dst + part + ".weight", shape or (WIDTH,)))
            out.append((dst + part + ".bias", (shape or (WIDTH,))[:1]))
    return out


def sd1(ref, ids):
    model = reflib.openai_clip_module(ref, "model")
    m = model.CLIP(embed_dim=WIDTH, image_resolution=32, vision_layers=1, vision_width=64, vision_patch_size=16,
                   context_length=CTX, vocab_size=VOCAB, transformer_width=WIDTH, transformer_heads=HEADS,
                   transformer_layers=2).float().eval()
    names = hf_names(m.state_dict())
    w = {n: torch.from_numpy(fill(n, s)) for n, s in names}
    pre = "sd1.transformer.text_model."
    sd = {"token_embedding.weight": w[pre + "embeddings.token_embedding.weight"],
          "positional_embedding": w[pre + "embeddings.position_embedding.weight"],
          "ln_final.weight": w[pre + "final_layer_norm.weight"], "ln_final.bias": w[pre + "final_layer_norm.bias"]}
    rename = {"ln_1": "layer_norm1", "ln_2": "layer_norm2", "mlp.c_fc": "mlp.fc1", "mlp.c_proj": "mlp.fc2",
              "attn.out_proj": "self_attn.out_proj"}
    for i in range(2):
        src, dst = "transformer.resblocks.%d." % i, pre + "encoder.layers.%d." % i
        for s_ in ("weight", "bias"):
            sd[src + "attn.in_proj_" + s_] = torch.cat([w[dst + "self_attn.%s_proj.%s" % (p, s_)] for p in "qkv"])
            for a_, b_ in rename.items():
                sd[src + a_ + "." + s_] = w[dst + b_ + "." + s_]
    missing, unexpected = m.load_state_dict(sd, strict=False)
    assert not unexpected and all(k.startswith("visual.") or k in ("logit_scale", "text_projection")
                                  for k in missing), missing
    with torch.no_grad():
        x = m.token_embedding(ids) + m.positional_embedding
        x = m.transformer(x.permute(1, 0, 2)).permute(1, 0, 2)   # clip.model.CLIP.encode_text's order
        out = m.ln_final(x)
    return names, out


def sd2(ref, ids):
    model = reflib.open_clip_module(ref, "model")
    m = model.CLIP(embed_dim=WIDTH,
                   vision_cfg={"image_size": 32, "layers": 1, "width": 64, "patch_size": 16, "head_width": 32},
                   text_cfg={"context_length": CTX, "vocab_size": VOCAB, "width": WIDTH, "heads": HEADS,
                             "layers": 3}).float().eval()
    del m.visual
    for mod in m.modules():
        if hasattr(mod, "use_sdpa"):
            mod.use_sdpa = False    # torch 1.13 has no F.scaled_dot_product_attention: open_clip's own path
    names = [("sd2.model." + k, tuple(v.shape)) for k, v in m.state_dict().items()]
    m.load_state_dict({k[len("sd2.model."):]: torch.from_numpy(fill(k, s)) for k, s in names})
    with torch.no_grad():
        x = m.token_embedding(ids) + m.positional_embedding
        # ldm FrozenOpenCLIPEmbedder.text_transformer_forward, layer_idx 1:
        # every block but the last, then ln_final (in open_clip's current
        # batch-first layout, as its own _encode_text calls the blocks)
        for r in m.transformer.resblocks[:-1]:
            x = r(x, attn_mask=m.attn_mask)
        out = m.ln_final(x)
    return names, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    ref = reflib.ref_dir(a.ref)
    gen = torch.Generator().manual_seed(1234)
    tensors, names = {}, []
    for name, fn in (("sd1", sd1), ("sd2", sd2)):
        ids = torch.randint(0, VOCAB, (2, CTX), generator=gen)
        n, out = fn(ref, ids)
        names += n
        tensors["golden.%s.ids" % name] = ids.float().numpy()
        tensors["golden.%s.out" % name] = out.float().numpy()
        print(name, "out", tuple(out.shape), "std %.3f" % out.std().item())
    write_safetensors(a.out, tensors, {"tensors": tensor_list(names)})
    print(a.out, os.path.getsize(a.out), "bytes")


if __name__ == "__main__":
    main()
