#!/usr/bin/python3
"""make-sample-golden.py — a whole 2-step text-to-image sample through the
reduced SD 1.x networks of the other golden scripts, for
tests/sd/test-sd-generate.c:

  context  OpenAI CLIP's text tower at width 32 (make-clip-golden.py's sd1)
           on two 77-token windows: the negative prompt, then the prompt
  sample   k-diffusion's DiscreteEpsDDPMDenoiser over ldm's scaled-linear
           schedule around CompVis' UNetModel (make-unet-golden.py's sd1),
           both windows in one batch, CFG 6 on the denoised latents,
           DPM++ 2M on Karras sigmas, 2 steps, from fill("noise")·σ_max
  image    the latent / 0.18215 (ldm's scale_factor) through post_quant_conv
           and the VAE decoder (make-vae-golden.py's)

The weights are not stored: all three networks' tensors (disjoint names:
"sd1.transformer.text_model.*", the UNet's own, "decoder.*" and
"post_quant_conv.*") are filled from their names by goldenlib.fill, which
tests/sd/sd-fill.c repeats; the file holds the ids, the sampled latent,
the decoded image and the list of names (metadata "tensors").

With --control, the same sample under ControlNet, as cldm's ControlLDM
runs it (lllyasviel/ControlNet, its own ldm): a ControlNet of the UNet's
shape (make-controlnet-golden.py's, weights "control_model.*") on a
scribble hint made from a 64×64 sketch as gradio_scribble2image.py makes
it (pixels whose darkest channel is below 127 become 1, the rest 0), the
sketch's bytes floor((fill("sketch") + 1) · 127.5); its residuals scaled
by CONTROL_STRENGTH and given to ControlledUnetModel on both CFG halves
(non-guess mode). The latent only (no VAE):
tests/data/sd/sample-controlnet-golden.safetensors.

Run: /usr/bin/python3 tools/sd/make-sample-golden.py --ref REF --out tests/data/sd/sample-golden.safetensors
     /usr/bin/python3 tools/sd/make-sample-golden.py --ref REF --control --out tests/data/sd/sample-controlnet-golden.safetensors
(REF also needs crowsonkb+k-diffusion.)
"""
import argparse
import importlib.util
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import reflib  # noqa: E402
from goldenlib import fill, tensor_list, write_safetensors  # noqa: E402

LATENT = (1, 4, 8, 8)
SCALE_FACTOR = 0.18215
CFG_SCALE = 6.0
STEPS = 2
SKETCH = (64, 64, 3)
CONTROL_STRENGTH = 0.8


def script(name):
    spec = importlib.util.spec_from_file_location(name.replace("-", "_"), os.path.join(HERE, name + ".py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def filled(module, prefix=""):
    with torch.no_grad():
        for name, p in module.state_dict().items():
            p.copy_(torch.from_numpy(fill(prefix + name, tuple(p.shape))))
    return module.eval()


def scribble_hint():
    """gradio_scribble2image.py's detected_map / 255 for a sketch the C
    test rebuilds, as [1, 3, H, W]."""
    import numpy as np
    sketch = np.floor((fill("sketch", SKETCH).astype(np.float64) + 1.0) * 127.5).astype(np.uint8)
    detected_map = np.zeros_like(sketch, dtype=np.uint8)
    detected_map[np.min(sketch, axis=2) < 127] = 255
    return torch.from_numpy(detected_map.copy()).float().div(255.0).permute(2, 0, 1)[None]


def controlled_unet(context):
    """The UNet as ControlledUnetModel with a ControlNet on the scribble
    hint; returns (eps(x, t), the ControlNet's weight names)."""
    cn_g = script("make-controlnet-golden")
    reflib.stub_modules({"ldm.models.diffusion.ddpm": {"LatentDiffusion": torch.nn.Module},
                         "ldm.models.diffusion.ddim": {"DDIMSampler": object}})
    from cldm.cldm import ControlNet, ControlledUnetModel
    control = filled(ControlNet(hint_channels=3, **cn_g.COMMON), "control_model.")
    unet = filled(ControlledUnetModel(out_channels=4, **cn_g.COMMON))
    hint = scribble_hint()

    def eps(x, t):
        residuals = control(x=x, hint=hint.expand(x.shape[0], -1, -1, -1), timesteps=t, context=context)
        return unet(x, timesteps=t, context=context, control=[r * CONTROL_STRENGTH for r in residuals])
    names = [("control_model." + k, tuple(v.shape)) for k, v in control.state_dict().items()]
    return eps, unet, names


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref")
    ap.add_argument("--out", required=True)
    ap.add_argument("--control", action="store_true")
    a = ap.parse_args()
    ref = reflib.ref_dir(a.ref)
    clip, unet_g, vae_g = script("make-clip-golden"), script("make-unet-golden"), script("make-vae-golden")
    reflib.use_ldm(ref, "lllyasviel+ControlNet" if a.control else "CompVis+stable-diffusion")
    from ldm.modules.diffusionmodules.model import Decoder
    from ldm.modules.diffusionmodules.openaimodel import UNetModel
    external = reflib.k_diffusion_module(ref, "external")
    sampling = reflib.k_diffusion_module(ref, "sampling")

    ids = torch.randint(0, clip.VOCAB, (2, clip.CTX), generator=torch.Generator().manual_seed(4321))
    text_names, context = clip.sd1(ref, ids)
    if a.control:
        eps, unet, control_names = controlled_unet(context)
    else:
        unet = filled(UNetModel(**unet_g.COMMON, **unet_g.VARIANTS["sd1"][1]))
        eps, control_names = (lambda x, t: unet(x, timesteps=t, context=context)), []
    vae = torch.nn.Module()
    vae.decoder = Decoder(**vae_g.CONFIG)
    vae.post_quant_conv = torch.nn.Conv2d(vae_g.CONFIG["z_channels"], vae_g.CONFIG["z_channels"], 1)
    filled(vae)

    ac = reflib.sd_alphas_cumprod()
    model = external.DiscreteEpsDDPMDenoiser(eps, ac, False)

    def cfg(x, sigma):
        uncond, cond = model(torch.cat([x, x]), torch.cat([sigma, sigma])).chunk(2)
        return uncond + CFG_SCALE * (cond - uncond)

    with torch.no_grad():
        sigmas = sampling.get_sigmas_karras(STEPS, model.sigma_min.item(), model.sigma_max.item())
        x = torch.from_numpy(fill("noise", LATENT)) * sigmas[0]
        latent = sampling.sample_dpmpp_2m(cfg, x, sigmas, disable=True)
        image = vae.decoder(vae.post_quant_conv(latent / SCALE_FACTOR))
    print("latent std %.4f" % latent.std().item(), "image", tuple(image.shape), "std %.4f" % image.std().item())
    names = text_names + [(k, tuple(v.shape)) for k, v in unet.state_dict().items()]
    if a.control:
        names += control_names
        write_safetensors(a.out, {"ids": ids.float().numpy(), "latent": latent.numpy(),
                                  "strength": torch.tensor([CONTROL_STRENGTH]).numpy()},
                          {"tensors": tensor_list(names)})
        print(a.out, os.path.getsize(a.out), "bytes")
        return
    names += [(k, tuple(v.shape)) for k, v in vae.state_dict().items()]
    write_safetensors(a.out, {"ids": ids.float().numpy(), "latent": latent.numpy(), "image": image.numpy()},
                      {"tensors": tensor_list(names)})
    print(a.out, os.path.getsize(a.out), "bytes")


if __name__ == "__main__":
    main()
