#!/usr/bin/python3
"""make-unet-golden.py — ldm's UNetModel (openaimodel.py) at reduced
widths, for tests/sd/test-unet.c.

  sd1  CompVis' UNetModel as v1-inference.yaml builds it (num_heads,
       SpatialTransformer with 1×1-conv proj_in/proj_out), legacy False.
  sd2  Stability-AI's UNetModel as v2-inference-v.yaml builds it
       (num_head_channels, use_linear_in_transformer: linear proj_in/out).

Both: in/out 4 channels, model_channels 32, channel_mult (1, 2, 2), two
ResBlocks a level, attention at the first two levels (SD has it at all
but the last), transformer depth 1, context_dim 32; sd1 2 heads, sd2 head
size 16. Input: a batch of two 1×4×8×8 latents ("x"), timesteps 981 and
17, and two 77-token contexts ("context"), all generated from their names.
The weights are not stored: each is filled from its name by
goldenlib.fill, which tests/sd/sd-fill.c repeats bit for bit; the file
holds the timesteps, the reference's output and the list of weight names
and shapes (metadata "tensors").

Variants sd15 and sd21 build the real UNets (SD 1.5: 320 channels, 8
heads, context 768; SD 2.1: heads of 64, linear projections, context 1024)
for one 8×8 latent at timestep 981: tests/sd/test-unet-real.c, run only on
request (GLib's -m thorough: it generates 3.4 GB of weights).

Each variant needs its own ldm, so one process a variant:
Run: /usr/bin/python3 tools/sd/make-unet-golden.py --ref REF --variant sd1 --out tests/data/sd/unet-sd1-golden.safetensors
     /usr/bin/python3 tools/sd/make-unet-golden.py --ref REF --variant sd2 --out tests/data/sd/unet-sd2-golden.safetensors
     (and --variant sd15, sd21 --out tests/data/sd/unet-sd15-golden.safetensors, unet-sd21-golden.safetensors)
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reflib  # noqa: E402
from goldenlib import fill, tensor_list, write_safetensors  # noqa: E402

COMMON = dict(image_size=8, in_channels=4, out_channels=4, model_channels=32, num_res_blocks=2,
              attention_resolutions=[1, 2], channel_mult=[1, 2, 2], use_spatial_transformer=True,
              transformer_depth=1, context_dim=32, legacy=False, use_checkpoint=False)
VARIANTS = {
    "sd1": ("CompVis+stable-diffusion", dict(num_heads=2)),
    "sd2": ("Stability-AI+stablediffusion", dict(num_head_channels=16, use_linear_in_transformer=True)),
}
X, CONTEXT, TIMESTEPS = (2, 4, 8, 8), (2, 77, 32), [981.0, 17.0]
# The real UNets (v1-inference.yaml, v2-inference-v.yaml), one 8×8 latent:
# for tests/sd/test-unet-real.c, which runs only when asked (-m thorough).
REAL = dict(image_size=8, in_channels=4, out_channels=4, model_channels=320, num_res_blocks=2,
            attention_resolutions=[4, 2, 1], channel_mult=[1, 2, 4, 4], use_spatial_transformer=True,
            transformer_depth=1, legacy=False, use_checkpoint=False)
REAL_VARIANTS = {
    "sd15": ("CompVis+stable-diffusion", dict(num_heads=8, context_dim=768)),
    "sd21": ("Stability-AI+stablediffusion", dict(num_head_channels=64, use_linear_in_transformer=True,
                                                  context_dim=1024)),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref")
    ap.add_argument("--variant", choices=sorted(VARIANTS) + sorted(REAL_VARIANTS), required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    real = a.variant in REAL_VARIANTS
    repo, extra = (REAL_VARIANTS if real else VARIANTS)[a.variant]
    reflib.use_ldm(reflib.ref_dir(a.ref), repo)
    from ldm.modules.diffusionmodules.openaimodel import UNetModel
    unet = UNetModel(**(REAL if real else COMMON), **extra).eval()
    x_shape = (1,) + X[1:] if real else X
    context_shape = (1, CONTEXT[1], extra["context_dim"]) if real else CONTEXT
    timesteps = TIMESTEPS[:1] if real else TIMESTEPS
    with torch.no_grad():
        for name, p in unet.state_dict().items():
            p.copy_(torch.from_numpy(fill(name, tuple(p.shape))))
        x = torch.from_numpy(fill("x", x_shape))
        context = torch.from_numpy(fill("context", context_shape))
        t = torch.tensor(timesteps, dtype=torch.float32)
        out = unet(x, timesteps=t, context=context)
    print(a.variant, "out", tuple(out.shape), "std %.3f" % out.std().item())
    write_safetensors(a.out, {"timesteps": t.numpy(), "out": out.numpy()},
                      {"tensors": tensor_list((k, tuple(v.shape)) for k, v in unet.state_dict().items())})
    print(a.out, os.path.getsize(a.out), "bytes")


if __name__ == "__main__":
    main()
