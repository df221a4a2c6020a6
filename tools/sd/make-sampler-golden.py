#!/usr/bin/python3
"""make-sampler-golden.py — SD's noise schedule and samplers as k-diffusion
computes them, for tests/sd/test-sd-sampler.c.

The schedule: ldm's make_beta_schedule("linear", 1000, 0.00085, 0.012)
(CompVis' util.py), alphas_cumprod = cumprod(1 - betas) as
DDPM.register_schedule keeps it (fp32), and k-diffusion's
DiscreteEpsDDPMDenoiser / DiscreteVDDPMDenoiser over it (external.py):
the sigma table, sigma_to_t and t_to_sigma at a few points, get_sigmas(8),
get_sigmas_karras(10, sigma_min, sigma_max) and the "trailing" timesteps
diffusers gives SD-Turbo (round(arange(1000, 0, -1000/n)) - 1, n = 1, 2, 4).

Three samples of a 1×4×8×8 latent (x_T generated from its name by
goldenlib.fill, times sigmas[0]) with an analytic stand-in for the UNet
that the test repeats in C: out(x_in, t, cond) = x_in·(0.9 + 0.05·cond)·
cos(t/1000) + 0.01·(cond + 1)·t/1000, cond 1 for the prompt, 0 for the
negative prompt:
  euler      default sigmas, 8 steps, epsilon, CFG 7.5
  dpmpp_2m   Karras sigmas, 8 steps, v, CFG 5
  euler_a    trailing sigmas, 4 steps, epsilon, no CFG; the noise of step i
             is fill("noise_<i>")
Output: tests/data/sd/sampler-golden.safetensors.

Run: /usr/bin/python3 tools/sd/make-sampler-golden.py --ref REF --out tests/data/sd/sampler-golden.safetensors
(REF also needs crowsonkb+k-diffusion.)
"""
import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reflib  # noqa: E402
from goldenlib import fill, write_safetensors  # noqa: E402

LATENT = (1, 4, 8, 8)
SIGMA_POINTS = [0.03, 0.5, 1.0, 7.3, 14.6]
T_POINTS = [0.0, 0.5, 10.25, 500.7, 999.0]


def inner(x_in, t, cond):
    t = t.reshape(-1, 1, 1, 1)
    return x_in * (0.9 + 0.05 * cond) * torch.cos(t / 1000) + 0.01 * (cond + 1) * t / 1000


def cfg(model, scale):
    if scale == 1:
        return lambda x, sigma: model(x, sigma, cond=1)
    return lambda x, sigma: (lambda u, c: u + scale * (c - u))(model(x, sigma, cond=0), model(x, sigma, cond=1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    ref = reflib.ref_dir(a.ref)
    reflib.use_ldm(ref, "CompVis+stable-diffusion")
    external = reflib.k_diffusion_module(ref, "external")
    sampling = reflib.k_diffusion_module(ref, "sampling")

    ac = reflib.sd_alphas_cumprod()
    eps_model = external.DiscreteEpsDDPMDenoiser(inner, ac, quantize=False)
    v_model = external.DiscreteVDDPMDenoiser(inner, ac, quantize=False)
    out = {"sigmas": eps_model.sigmas,
           "sigma_to_t": eps_model.sigma_to_t(torch.tensor(SIGMA_POINTS)),
           "t_to_sigma": eps_model.t_to_sigma(torch.tensor(T_POINTS)),
           "sigmas_default_8": eps_model.get_sigmas(8),
           "sigmas_karras_10": sampling.get_sigmas_karras(10, eps_model.sigma_min.item(),
                                                          eps_model.sigma_max.item())}
    for n in (1, 2, 4):
        ts = np.round(np.arange(1000, 0, -1000 / n)).astype(np.int64) - 1
        out["sigmas_trailing_%d" % n] = sampling.append_zero(eps_model.sigmas[torch.from_numpy(ts)])
    x_t = torch.from_numpy(fill("x_T", LATENT))
    with torch.no_grad():
        s = out["sigmas_default_8"]
        out["euler"] = sampling.sample_euler(cfg(eps_model, 7.5), x_t * s[0], s, disable=True)
        s = sampling.get_sigmas_karras(8, eps_model.sigma_min.item(), eps_model.sigma_max.item())
        out["dpmpp_2m"] = sampling.sample_dpmpp_2m(cfg(v_model, 5.0), x_t * s[0], s, disable=True)
        s = out["sigmas_trailing_4"]
        step = iter(range(4))
        noise = lambda _s, _n: torch.from_numpy(fill("noise_%d" % next(step), LATENT))
        out["euler_a"] = sampling.sample_euler_ancestral(cfg(eps_model, 1), x_t * s[0], s, disable=True,
                                                         noise_sampler=noise)
    for k in ("euler", "dpmpp_2m", "euler_a"):
        print(k, "std %.4f" % out[k].std().item())
    write_safetensors(a.out, {k: v.numpy() for k, v in out.items()})
    print(a.out, os.path.getsize(a.out), "bytes")


if __name__ == "__main__":
    main()
