#!/usr/bin/python3
"""make-manifests.py — every tensor name, dtype and shape of the real
Stable Diffusion checkpoints Atelier loads, from the reference code built
on meta tensors (no weights, no memory), written as gzip'd text under
tests/data/sd/: one line per tensor, "name DTYPE d0,d1,..." ("-" for a
scalar), in the order the reference's state_dict() lists them.

Kinds (each as published: the original single-file layout):
  sd15      SD 1.5 (v1-inference.yaml): CompVis UNet + AutoencoderKL, the
            text encoder as Hugging Face's CLIPTextModel names it
            (cond_stage_model.transformer.text_model.*), built here from
            OpenAI's CLIP ViT-L/14 text tower and renamed the way
            transformers' conversion does (q/k/v split from in_proj).
  sd21      SD 2.1 (v2-inference-v.yaml): Stability's UNet (linear
            proj_in/out, 64-channel heads), open_clip ViT-H-14 text tower
            with its visual tower deleted (cond_stage_model.model.*).
  sdturbo   SD-Turbo: sd21's networks, text encoder under the newer
            conditioner.embedders.0.model.* prefix, no schedule buffers.
  cn-scribble  ControlNet scribble for SD 1.5 (cldm_v15.yaml), its own
            file: control_model.* only.
  cn-sd21   a ControlNet for SD 2.1 (cldm_v21.yaml: heads of 64, linear
            proj_in/out, context 1024), its own file: control_model.* only.

Run: /usr/bin/python3 tools/sd/make-manifests.py --ref REF --out tests/data/sd
"""
import argparse
import gzip
import os
import re
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reflib  # noqa: E402


DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.int64: "I64"}


def entries(prefix, module):
    out = []
    for name, t in module.state_dict(keep_vars=True).items():
        out.append((prefix + name, DTYPES[t.dtype], tuple(t.shape)))
    return out


def schedule_buffers(ref, repo):
    """Names DDPM.register_schedule registers (persistent), read from the
    reference source; each is a [timesteps] float tensor."""
    src = open(os.path.join(ref, repo, "ldm/models/diffusion/ddpm.py")).read()
    body = src[src.index("def register_schedule"):]
    body = body[:body.index("\n    def ", 10)]
    names = []
    for m in re.finditer(r"register_buffer\('(\w+)',[^\n]*", body):
        if "persistent=False" not in m.group(0):
            names.append(m.group(1))
    return names


def unet_and_vae(ref, repo, unet_params, ddconfig):
    reflib.use_ldm(ref, repo)
    from ldm.modules.diffusionmodules.openaimodel import UNetModel
    from ldm.modules.diffusionmodules.model import Encoder, Decoder
    p = dict(unet_params)
    p["use_checkpoint"] = False
    p["use_fp16"] = False
    unet = UNetModel(**p)
    # AutoencoderKL's own parameters, as ldm/models/autoencoder.py makes
    # them (the class itself needs pytorch_lightning to construct).
    vae = torch.nn.Module()
    vae.encoder = Encoder(**ddconfig)
    vae.decoder = Decoder(**ddconfig)
    zc, embed_dim = ddconfig["z_channels"], 4
    vae.quant_conv = torch.nn.Conv2d(2 * zc, 2 * embed_dim, 1)
    vae.post_quant_conv = torch.nn.Conv2d(embed_dim, zc, 1)
    return entries("model.diffusion_model.", unet) + entries("first_stage_model.", vae)


def hf_clip_text(ref):
    """OpenAI CLIP ViT-L/14's text tower under Hugging Face CLIPTextModel names."""
    model = reflib.openai_clip_module(ref, "model")
    m = model.CLIP(embed_dim=768, image_resolution=224, vision_layers=24, vision_width=1024,
                   vision_patch_size=14, context_length=77, vocab_size=49408,
                   transformer_width=768, transformer_heads=12, transformer_layers=12)
    pre = "cond_stage_model.transformer.text_model."
    out = []
    sd = m.state_dict(keep_vars=True)
    out.append((pre + "embeddings.position_ids", "I64", (1, 77)))
    out.append((pre + "embeddings.token_embedding.weight", "F32", tuple(sd["token_embedding.weight"].shape)))
    out.append((pre + "embeddings.position_embedding.weight", "F32", tuple(sd["positional_embedding"].shape)))
    rename = {"ln_1": "layer_norm1", "ln_2": "layer_norm2", "mlp.c_fc": "mlp.fc1",
              "mlp.c_proj": "mlp.fc2", "attn.out_proj": "self_attn.out_proj"}
    for i in range(12):
        src = "transformer.resblocks.%d." % i
        dst = pre + "encoder.layers.%d." % i
        w = sd[src + "attn.in_proj_weight"].shape
        for qkv in "qkv":
            out.append((dst + "self_attn.%s_proj.weight" % qkv, "F32", (w[0] // 3, w[1])))
            out.append((dst + "self_attn.%s_proj.bias" % qkv, "F32", (w[0] // 3,)))
        for a, b in rename.items():
            for s in ("weight", "bias"):
                out.append((dst + b + "." + s, "F32", tuple(sd[src + a + "." + s].shape)))
    for s in ("weight", "bias"):
        out.append((pre + "final_layer_norm." + s, "F32", tuple(sd["ln_final." + s].shape)))
    return out


def open_clip_h_text(ref, prefix):
    import json
    model = reflib.open_clip_module(ref, "model")
    cfg = json.load(open(os.path.join(ref, "mlfoundations+open_clip/src/open_clip/model_configs/ViT-H-14.json")))
    m = model.CLIP(embed_dim=cfg["embed_dim"], vision_cfg=cfg["vision_cfg"], text_cfg=cfg["text_cfg"])
    del m.visual    # as ldm's FrozenOpenCLIPEmbedder does
    return entries(prefix, m)


def controlnet(ref, yaml_name):
    reflib.use_ldm(ref, "lllyasviel+ControlNet")
    import yaml
    cfg = yaml.safe_load(open(os.path.join(ref, "lllyasviel+ControlNet/models", yaml_name)))
    # cldm.py also defines the training wrapper (ControlLDM), whose base
    # classes pull in the training stack; stand-ins let the module import.
    reflib.stub_modules({"ldm.models.diffusion.ddpm": {"LatentDiffusion": torch.nn.Module},
                         "ldm.models.diffusion.ddim": {"DDIMSampler": object}})
    from cldm.cldm import ControlNet
    p = dict(cfg["model"]["params"]["control_stage_config"]["params"])
    p["use_checkpoint"] = False
    return entries("control_model.", ControlNet(**p))


def ldm_params(ref, repo, yaml_path):
    import yaml
    cfg = yaml.safe_load(open(os.path.join(ref, repo, yaml_path)))["model"]["params"]
    return cfg["unet_config"]["params"], cfg["first_stage_config"]["params"]["ddconfig"]


def sched(names):
    return [(n, "F32", (1000,)) for n in names]


def build(kind, ref):
    with reflib.meta_device():
        if kind == "sd15":
            u, d = ldm_params(ref, "CompVis+stable-diffusion", "configs/stable-diffusion/v1-inference.yaml")
            return (sched(schedule_buffers(ref, "CompVis+stable-diffusion"))
                    + unet_and_vae(ref, "CompVis+stable-diffusion", u, d) + hf_clip_text(ref))
        if kind in ("sd21", "sdturbo"):
            repo = "Stability-AI+stablediffusion"
            u, d = ldm_params(ref, repo, "configs/stable-diffusion/v2-inference-v.yaml")
            nets = unet_and_vae(ref, repo, u, d)
            if kind == "sd21":
                return sched(schedule_buffers(ref, repo)) + nets + open_clip_h_text(ref, "cond_stage_model.model.")
            return nets + open_clip_h_text(ref, "conditioner.embedders.0.model.")
        if kind == "cn-scribble":
            return controlnet(ref, "cldm_v15.yaml")
        if kind == "cn-sd21":
            return controlnet(ref, "cldm_v21.yaml")
    raise SystemExit("unknown kind " + kind)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref")
    ap.add_argument("--out", required=True)
    ap.add_argument("kinds", nargs="*", default=["sd15", "sd21", "sdturbo", "cn-scribble", "cn-sd21"])
    a = ap.parse_args()
    ref = reflib.ref_dir(a.ref)
    if len(a.kinds) > 1:
        # one ldm per process: run each kind on its own
        import subprocess
        for k in a.kinds:
            subprocess.run([sys.executable, __file__, "--ref", ref, "--out", a.out, k], check=True)
        return
    kind = a.kinds[0]
    rows = build(kind, ref)
    names = [r[0] for r in rows]
    assert len(names) == len(set(names)), "duplicate names"
    text = "".join("%s %s %s\n" % (n, dt, ",".join(map(str, s)) if s else "-") for n, dt, s in rows)
    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, kind + ".manifest.gz")
    with open(path + ".tmp", "wb") as f:
        f.write(gzip.compress(text.encode(), mtime=0))
    os.replace(path + ".tmp", path)
    print("%s: %d tensors, %d parameters" % (path, len(rows),
          sum(int(torch.tensor(s).prod()) if s else 1 for _, _, s in rows)))


if __name__ == "__main__":
    main()
