#!/usr/bin/python3
"""make-vae-golden.py — SD's VAE (ldm/modules/diffusionmodules/model.py)
at a reduced width, for tests/sd/test-vae.c: the Decoder after
post_quant_conv, as AutoencoderKL.decode runs them, and the Encoder
followed by quant_conv, as AutoencoderKL.encode does (its moments: mean
and log-variance).

Config: ch 32, ch_mult (1, 2, 2), one ResnetBlock a level (two a level
in the decoder), z 4, 3 image channels; a latent of 1×4×8×8 gives a
1×3×32×32 image, and a 1×3×32×32 image gives 1×8×8×8 moments.

The weights are not stored: every tensor is filled from its name by the
generator below, which tests/sd/test-vae.c repeats bit for bit
(FNV-1a of the name, a 32-bit integer hash of the index, 24-bit uniforms
in [-1, 1) scaled by powers of two, so no rounding can differ). The file
holds the latent, the reference's output, and the names and shapes of
the weights (metadata "tensors": one "name d0,d1,..." a line); the
encoder's input image is generated the same way (name "image_in").

Run: /usr/bin/python3 tools/sd/make-vae-golden.py --ref REF --out tests/data/sd/vae-golden.safetensors
"""
import argparse
import json
import os
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reflib  # noqa: E402

CONFIG = dict(ch=32, out_ch=3, ch_mult=(1, 2, 2), num_res_blocks=1, attn_resolutions=[], dropout=0.0,
              resamp_with_conv=True, in_channels=3, resolution=32, z_channels=4)
LATENT = (1, 4, 8, 8)


def fnv1a(name):
    h = 2166136261
    for b in name.encode():
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def uniforms(seed, n):
    """2u - 1 for u = (hash(seed ^ i·0x9E3779B9) >> 8) / 2^24, i = 0..n-1."""
    i = np.arange(n, dtype=np.uint64)
    x = (np.uint64(seed) ^ ((i * np.uint64(0x9E3779B9)) & np.uint64(0xFFFFFFFF))).astype(np.uint64)
    m = np.uint64(0xFFFFFFFF)
    x ^= x >> np.uint64(16)
    x = (x * np.uint64(0x7FEB352D)) & m
    x ^= x >> np.uint64(15)
    x = (x * np.uint64(0x846CA68B)) & m
    x ^= x >> np.uint64(16)
    u = (x >> np.uint64(8)).astype(np.float64) / 2.0 ** 24
    return (2 * u - 1).astype(np.float32)


def fill(name, shape):
    """The test's generator: norm weights 1 + v/8, norm biases v/8, other
    biases v/16, weights v / 2^floor(log2(fan_in)/2)."""
    n = int(np.prod(shape)) if shape else 1
    v = uniforms(fnv1a(name), n)
    if "norm" in name and name.endswith(".weight"):
        out = np.float32(1) + v * np.float32(0.125)
    elif "norm" in name or name.endswith(".bias"):
        out = v * np.float32(0.125 if "norm" in name else 0.0625)
    else:
        fan = n // shape[0]
        e = (fan.bit_length() - 1) // 2
        out = v * np.float32(2.0 ** -e)
    return out.reshape(shape)


def write_safetensors(path, tensors, metadata):
    header, blobs, off = {"__metadata__": metadata}, [], 0
    for name, arr in tensors.items():
        data = np.ascontiguousarray(arr, dtype=np.float32).tobytes()
        header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [off, off + len(data)]}
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
    reflib.use_ldm(ref, "CompVis+stable-diffusion")
    from ldm.modules.diffusionmodules.model import Decoder, Encoder
    vae = torch.nn.Module()
    vae.encoder = Encoder(double_z=True, **CONFIG)
    vae.decoder = Decoder(**CONFIG)
    zc = CONFIG["z_channels"]
    vae.quant_conv = torch.nn.Conv2d(2 * zc, 2 * zc, 1)
    vae.post_quant_conv = torch.nn.Conv2d(zc, zc, 1)
    vae.eval()
    lines = []
    with torch.no_grad():
        for name, p in vae.state_dict().items():
            p.copy_(torch.from_numpy(fill(name, tuple(p.shape))))
            lines.append("%s %s" % (name, ",".join(map(str, p.shape))))
        z = torch.from_numpy(fill("latent", LATENT) * np.float32(2))
        out = vae.decoder(vae.post_quant_conv(z))   # AutoencoderKL.decode
        image = torch.from_numpy(fill("image_in", (1, CONFIG["in_channels"], 32, 32)))
        moments = vae.quant_conv(vae.encoder(image))   # AutoencoderKL.encode, before the distribution
    print("out", tuple(out.shape), "std %.3f" % out.std().item(), "moments", tuple(moments.shape))
    write_safetensors(a.out, {"latent": z.numpy(), "image": out.numpy(), "moments": moments.numpy()},
                      {"tensors": "\n".join(lines)})
    print(a.out, os.path.getsize(a.out), "bytes")


if __name__ == "__main__":
    main()
