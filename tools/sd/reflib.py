"""reflib.py — import the fetched reference code (CompVis/Stability ldm,
OpenAI CLIP, open_clip, ControlNet's cldm) from a folder outside this
repository, with stand-ins for the few packages Debian does not ship that
are needed only for training (einops, pytorch_lightning, torchvision) and
never called while building modules or running the text towers.

The reference folder holds one checkout per repository, named owner+name:
  REF/CompVis+stable-diffusion  REF/Stability-AI+stablediffusion
  REF/openai+CLIP  REF/mlfoundations+open_clip  REF/lllyasviel+ControlNet
Pass it with --ref or ATELIER_SD_REF.
"""
import importlib
import importlib.util
import os
import sys
import types


def ref_dir(arg=None):
    d = arg or os.environ.get("ATELIER_SD_REF")
    if not d or not os.path.isdir(d):
        sys.exit("reference folder missing: pass --ref DIR or set ATELIER_SD_REF (see tools/sd/README.md)")
    return d


def _stub(name, **attrs):
    mod = types.ModuleType(name)
    for k, v in attrs.items():
        setattr(mod, k, v)
    sys.modules[name] = mod
    return mod


def _unavailable(*_a, **_k):
    raise NotImplementedError("stand-in: this package is not installed; not needed for what tools/sd runs")


def _missing(name):
    return name not in sys.modules and importlib.util.find_spec(name) is None


def install_stubs():
    if _missing("einops"):
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import minieinops
        sys.modules["einops"] = minieinops
    if _missing("pytorch_lightning"):
        import torch
        pl = _stub("pytorch_lightning", LightningModule=torch.nn.Module, seed_everything=_unavailable)
        _stub("pytorch_lightning.utilities")
        _stub("pytorch_lightning.utilities.distributed", rank_zero_only=lambda f: f)
        pl.utilities = sys.modules["pytorch_lightning.utilities"]
    if _missing("torchvision"):
        import torch
        tv = _stub("torchvision")
        tv.utils = _stub("torchvision.utils", make_grid=_unavailable)
        tv.ops = _stub("torchvision.ops")
        tv.ops.misc = _stub("torchvision.ops.misc", FrozenBatchNorm2d=torch.nn.Module)


def stub_modules(table):
    for name, attrs in table.items():
        _stub(name, **attrs)


def use_ldm(ref, repo):
    """Makes `import ldm...` resolve to REF/repo/ldm (one ldm per process)."""
    install_stubs()
    for k in [k for k in sys.modules if k == "ldm" or k.startswith("ldm.") or k == "cldm" or k.startswith("cldm.")]:
        del sys.modules[k]
    sys.path.insert(0, os.path.join(ref, repo))


def open_clip_module(ref, sub):
    """open_clip.<sub> without running open_clip/__init__ (which pulls in
    every model family and its optional packages)."""
    install_stubs()
    if "open_clip" not in sys.modules:
        pkg = types.ModuleType("open_clip")
        pkg.__path__ = [os.path.join(ref, "mlfoundations+open_clip", "src", "open_clip")]
        sys.modules["open_clip"] = pkg
    return importlib.import_module("open_clip." + sub)


def openai_clip_module(ref, sub):
    if "clip" not in sys.modules:
        pkg = types.ModuleType("clip")
        pkg.__path__ = [os.path.join(ref, "openai+CLIP", "clip")]
        sys.modules["clip"] = pkg
    return importlib.import_module("clip." + sub)


def sd_alphas_cumprod():
    """alphas_cumprod of SD's scaled-linear schedule as ldm's DDPM keeps it
    (make_beta_schedule in float64, cumprod, fp32); after use_ldm()."""
    import numpy as np
    import torch
    from ldm.modules.diffusionmodules.util import make_beta_schedule
    betas = make_beta_schedule("linear", 1000, linear_start=0.00085, linear_end=0.012)
    return torch.tensor(np.cumprod(1.0 - np.asarray(betas, dtype=np.float64)), dtype=torch.float32)


def k_diffusion_module(ref, sub):
    """k_diffusion.<sub> (sampling, external) from REF/crowsonkb+k-diffusion
    without its __init__; the ODE/SDE solvers, progress bars and image
    packages it imports for other samplers and training are stand-ins."""
    install_stubs()
    stubs = {"scipy": {}, "scipy.integrate": {}, "torchdiffeq": {"odeint": _unavailable}, "torchsde": {},
             "tqdm": {}, "tqdm.auto": {"trange": lambda n, disable=None: range(n), "tqdm": _unavailable},
             "safetensors": {}, "torchvision.transforms": {}, "torchvision.transforms.functional": {}}
    stub_modules({k: v for k, v in stubs.items() if _missing(k.split(".")[0]) or k.startswith("torchvision.")
                  or k.startswith("tqdm") or k.startswith("scipy")})
    sys.modules["scipy"].integrate = sys.modules["scipy.integrate"]
    if "k_diffusion" not in sys.modules:
        pkg = types.ModuleType("k_diffusion")
        pkg.__path__ = [os.path.join(ref, "crowsonkb+k-diffusion", "k_diffusion")]
        sys.modules["k_diffusion"] = pkg
    return importlib.import_module("k_diffusion." + sub)


class meta_device:
    """Creates every new tensor on the meta device (torch < 2.0 has no
    `with torch.device("meta")`): parameters get shapes, no memory."""
    NAMES = ("empty", "zeros", "ones", "full", "randn", "rand", "arange", "tensor", "linspace")

    def __enter__(self):
        import torch
        self.saved = {n: getattr(torch, n) for n in self.NAMES}

        def wrap(fn):
            def f(*a, **k):
                k["device"] = "meta"
                return fn(*a, **k)
            return f
        for n, fn in self.saved.items():
            setattr(torch, n, wrap(fn))
        return self

    def __exit__(self, *exc):
        import torch
        for n, fn in self.saved.items():
            setattr(torch, n, fn)
