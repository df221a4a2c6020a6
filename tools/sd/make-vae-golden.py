#!/usr/bin/python3
"""make-vae-golden.py — SD's VAE (ldm/modules/diffusionmodules/model.py)
at a reduced width, for tests/sd/test-vae.c: the Decoder after
post_quant_conv, as AutoencoderKL.decode runs them, and the Encoder
followed by quant_conv, as AutoencoderKL.encode does (its moments: mean
and log-variance).

Config: ch 32, ch_mult (1, 2, 2), one ResnetBlock a level (two a level
in the decoder), z 4, 3 image channels; a latent of 1×4×8×8 gives a
1×3×32×32 image, and a 1×3×32×32 image gives 1×8×8×8 moments.

The weights are not stored: every tensor is filled from its name by
goldenlib.fill, which tests/sd/sd-fill.c repeats bit for bit. The file
holds the latent, the reference's output, and the names and shapes of
the weights (metadata "tensors": one "name d0,d1,..." a line); the
encoder's input image is generated the same way (name "image_in").

Run: /usr/bin/python3 tools/sd/make-vae-golden.py --ref REF --out tests/data/sd/vae-golden.safetensors
"""
import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reflib  # noqa: E402
from goldenlib import fill, tensor_list, write_safetensors  # noqa: E402

CONFIG = dict(ch=32, out_ch=3, ch_mult=(1, 2, 2), num_res_blocks=1, attn_resolutions=[], dropout=0.0,
              resamp_with_conv=True, in_channels=3, resolution=32, z_channels=4)
LATENT = (1, 4, 8, 8)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    ref = reflib.ref_dir(a.ref)
    reflib.use_ldm(ref, "CompVis+stable-diffusion")
    from ldm.modules.diffusionmodules.model import Decoder, Encoder
    vae = torch.nn.Module()
    vae.encoder = Encoder(double_z=True, **CONFIG)
    vae.decoder = Decoder(**CONFIG)
    zc = CONFIG["z_channels"]
    vae.quant_conv = torch.nn.Conv2d(2 * zc, 2 * zc, 1)
    vae.post_quant_conv = torch.nn.Conv2d(zc, zc, 1)
    vae.eval()
    with torch.no_grad():
        for name, p in vae.state_dict().items():
            p.copy_(torch.from_numpy(fill(name, tuple(p.shape))))
        z = torch.from_numpy(fill("latent", LATENT) * np.float32(2))
        out = vae.decoder(vae.post_quant_conv(z))   # AutoencoderKL.decode
        image = torch.from_numpy(fill("image_in", (1, CONFIG["in_channels"], 32, 32)))
        moments = vae.quant_conv(vae.encoder(image))   # AutoencoderKL.encode, before the distribution
    print("out", tuple(out.shape), "std %.3f" % out.std().item(), "moments", tuple(moments.shape))
    write_safetensors(a.out, {"latent": z.numpy(), "image": out.numpy(), "moments": moments.numpy()},
                      {"tensors": tensor_list((k, tuple(v.shape)) for k, v in vae.state_dict().items())})
    print(a.out, os.path.getsize(a.out), "bytes")


if __name__ == "__main__":
    main()
