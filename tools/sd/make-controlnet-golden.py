#!/usr/bin/python3
"""make-controlnet-golden.py — cldm's ControlNet and ControlledUnetModel
(lllyasviel/ControlNet, cldm/cldm.py) at reduced widths, for
tests/sd/test-controlnet.c.

Both networks as cldm_v15.yaml builds them but narrower, as
make-unet-golden.py's sd1 variant: in/out 4 channels, model_channels 32,
channel_mult (1, 2, 2), two ResBlocks a level, attention at the first two
levels, 2 heads, 1×1-conv projections, context_dim 32, hint_channels 3
(the hint encoder's own widths 16…256 are fixed in cldm). Weights are
generated from their names (goldenlib.fill) under the prefixes of a
ControlNet checkpoint, "control_model." and "model.diffusion_model.", so
the two networks differ; zero convolutions get values too (in a trained
file they are no longer zero).

Input: a batch of two 1×4×8×8 latents ("x"), timesteps 981 and 17, two
77-token contexts ("context") and one 3×64×64 hint ("hint", given to
both latents as the original's sampler gives it to both CFG halves), all
generated from their names. Stored: the timesteps, the ControlNet's 13
residuals ("control.0" … "control.12", unscaled), the controlled UNet's
output with every residual scaled by STRENGTH ("out", cldm's
control_scales) and the list of weight names and shapes (metadata
"tensors").

Variant sd2 builds both as cldm_v21.yaml does (SD 2.x: heads of
NUM_HEAD_CHANNELS rather than a head count, use_linear_in_transformer:
linear proj_in/out), otherwise the same.

Variant sd15 builds the real ControlNet of cldm_v15.yaml (SD 1.5's
encoder: 320 channels, 8 heads, context 768; 361 M parameters) alone, for
one 8×8 latent at timestep 981 and one 64×64 hint, and stores its 13
residuals: tests/sd/test-controlnet.c's /sd/controlnet/real, run only on
request (GLib's -m thorough: it generates 1.4 GB of weights).

Run: /usr/bin/python3 tools/sd/make-controlnet-golden.py --ref REF --out tests/data/sd/controlnet-golden.safetensors
     /usr/bin/python3 tools/sd/make-controlnet-golden.py --ref REF --variant sd2 --out tests/data/sd/controlnet-sd2-golden.safetensors
     /usr/bin/python3 tools/sd/make-controlnet-golden.py --ref REF --variant sd15 --out tests/data/sd/controlnet-sd15-golden.safetensors
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reflib  # noqa: E402
from goldenlib import fill, tensor_list, write_safetensors  # noqa: E402

COMMON = dict(image_size=8, in_channels=4, model_channels=32, num_res_blocks=2, attention_resolutions=[1, 2],
              channel_mult=[1, 2, 2], use_spatial_transformer=True, transformer_depth=1, context_dim=32,
              legacy=False, use_checkpoint=False, num_heads=2)
X, CONTEXT, HINT, TIMESTEPS = (2, 4, 8, 8), (2, 77, 32), (1, 3, 64, 64), [981.0, 17.0]
STRENGTH = 0.7
# cldm_v21.yaml's transformer settings, at the reduced width
SD2 = dict(num_heads=-1, num_head_channels=16, use_linear_in_transformer=True)
CONTROL_PREFIX = "control_model."


def filled(module, prefix):
    for name, p in module.state_dict().items():
        p.copy_(torch.from_numpy(fill(prefix + name, tuple(p.shape))))
    return [(prefix + k, tuple(v.shape)) for k, v in module.state_dict().items()]


def real(ref, out_path):
    """cldm_v15.yaml's ControlNet alone: its 13 residuals for one latent."""
    import yaml
    from cldm.cldm import ControlNet
    cfg = yaml.safe_load(open(os.path.join(ref, "lllyasviel+ControlNet/models/cldm_v15.yaml")))
    p = dict(cfg["model"]["params"]["control_stage_config"]["params"], use_checkpoint=False)
    control = ControlNet(**p).eval()
    with torch.no_grad():
        names = filled(control, CONTROL_PREFIX)
        x = torch.from_numpy(fill("x", (1,) + X[1:]))
        context = torch.from_numpy(fill("context", (1, CONTEXT[1], p["context_dim"])))
        hint = torch.from_numpy(fill("hint", HINT))
        t = torch.tensor(TIMESTEPS[:1], dtype=torch.float32)
        residuals = control(x=x, hint=hint, timesteps=t, context=context)
    print("residuals", [tuple(r.shape) for r in residuals])
    tensors = {"timesteps": t.numpy()}
    tensors.update({"control.%d" % i: r.numpy() for i, r in enumerate(residuals)})
    write_safetensors(out_path, tensors, {"tensors": tensor_list(names)})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref")
    ap.add_argument("--variant", choices=["reduced", "sd2", "sd15"], default="reduced")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    ref = reflib.ref_dir(a.ref)
    reflib.use_ldm(ref, "lllyasviel+ControlNet")
    # cldm.py also defines the training wrapper (ControlLDM), whose base
    # classes pull in the training stack; stand-ins let the module import.
    reflib.stub_modules({"ldm.models.diffusion.ddpm": {"LatentDiffusion": torch.nn.Module},
                         "ldm.models.diffusion.ddim": {"DDIMSampler": object}})
    if a.variant == "sd15":
        real(ref, a.out)
        print(a.out, os.path.getsize(a.out), "bytes")
        return
    from cldm.cldm import ControlNet, ControlledUnetModel
    common = dict(COMMON, **SD2) if a.variant == "sd2" else COMMON
    control = ControlNet(hint_channels=3, **common).eval()
    unet = ControlledUnetModel(out_channels=4, **common).eval()
    with torch.no_grad():
        names = filled(control, CONTROL_PREFIX) + filled(unet, "model.diffusion_model.")
        x = torch.from_numpy(fill("x", X))
        context = torch.from_numpy(fill("context", CONTEXT))
        hint = torch.from_numpy(fill("hint", HINT))
        t = torch.tensor(TIMESTEPS, dtype=torch.float32)
        residuals = control(x=x, hint=hint.expand(X[0], -1, -1, -1), timesteps=t, context=context)
        scaled = [r * STRENGTH for r in residuals]
        out = unet(x=x, timesteps=t, context=context, control=scaled, only_mid_control=False)
    print("residuals", [tuple(r.shape) for r in residuals], "out std %.3f" % out.std().item())
    tensors = {"timesteps": t.numpy(), "strength": torch.tensor([STRENGTH]).numpy(), "out": out.numpy()}
    tensors.update({"control.%d" % i: r.numpy() for i, r in enumerate(residuals)})
    write_safetensors(a.out, tensors, {"tensors": tensor_list(names)})
    print(a.out, os.path.getsize(a.out), "bytes")


if __name__ == "__main__":
    main()
