#!/usr/bin/python3
"""The PyTorch side of `atelier-bench generate`: the same model, the same
weights (resources/models, fp16 read as fp32), the same guided Euler loop,
timed on this machine's CPU, or on CUDA when ATELIER_TORCH_DEVICE=cuda
(tools/bench/gpu-run.sh sets it). Prints one JSON object on stdout.

Usage: torch_generate.py MODEL_DIR STEPS [STEPS ...]
"""
import json
import os
import resource
import sys
import time

import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "train"))
from model import AtelierModel, Tokenizer  # noqa: E402
import st  # noqa: E402


def load(models):
    conf = json.load(open(os.path.join(models, "atelier-model.json")))
    tj = json.load(open(os.path.join(models, "tokenizer.json")))
    model = AtelierModel(conf["vocab_size"], conf["hyper"])
    sd = {k: v.float() for k, v in st.load_file(os.path.join(models, "atelier-model.safetensors")).items()}
    model.load_state_dict(sd)
    return model.eval(), Tokenizer(tj["vocab"], tj["max_tokens"])


def clock(dev):
    """perf_counter once the device has finished its queued work."""
    if dev.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter()


def time_refiner(models, x64, dev, calls):
    """The learned refiner 64 -> 256 px (tools/train/refiner.py's net with the shipped
    weights, its host-side bilinear enlargement included), or None without one."""
    path = os.path.join(models, "atelier-refiner.safetensors")
    if not os.path.exists(path):
        return None
    from refiner import enlarge, load_refiner
    net = load_refiner(path).to(dev)
    sketch = torch.zeros(1, 1, 256, 256, device=dev)
    net(enlarge(x64), sketch)   # warm-up
    start = clock(dev)
    for _ in range(calls):
        net(enlarge(x64), sketch)
    return (clock(dev) - start) * 1000 / calls


def main():
    models, steps_list = sys.argv[1], [int(s) for s in sys.argv[2:]]
    dev = torch.device(os.environ.get("ATELIER_TORCH_DEVICE", "cpu"))
    # Debian's PyTorch uses one thread unless told; lavapipe uses every core
    torch.set_num_threads(os.cpu_count())
    model, tok = load(models)
    model = model.to(dev)
    ids = torch.tensor([tok.encode("red apple")], device=dev)
    sketch = torch.zeros(1, 1, 64, 64, device=dev)
    sketch[0, 0, 16:48, 31:33] = 1.0
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "device": str(dev)}
    if dev.type == "cuda":
        out["device_name"] = torch.cuda.get_device_name(dev)
    with torch.no_grad():
        ctx, _, pooled, _ = model.condition(1, ids, None, sketch, torch.ones(1, dtype=torch.bool, device=dev))
        uctx, _, upooled, _ = model.condition(1)
        x = torch.randn(1, 3, 64, 64, generator=torch.Generator().manual_seed(0)).to(dev)
        t = torch.full((1,), 0.5, device=dev)
        zs = torch.zeros_like(sketch)
        model.unet(x, sketch, t, ctx, None, pooled)   # warm-up
        calls = 5
        start = clock(dev)
        for _ in range(calls):
            model.unet(x, sketch, t, ctx, None, pooled)
        out["unet_ms"] = (clock(dev) - start) * 1000 / calls
        # one guided denoiser call as the sampling loop below makes it
        start = clock(dev)
        for _ in range(calls):
            vc = model.unet(x, sketch, t, ctx, None, pooled)
            vu = model.unet(x, zs, t, uctx, None, upooled)
            v = vu + 3.0 * (vc - vu)
        out["step_ms"] = (clock(dev) - start) * 1000 / calls
        for steps in steps_list:
            start = clock(dev)
            ts = torch.linspace(1, 0, steps + 1)
            xs = x.clone()
            for i in range(steps):
                tt = torch.full((1,), float(ts[i]), device=dev)
                vc = model.unet(xs, sketch, tt, ctx, None, pooled)
                vu = model.unet(xs, zs, tt, uctx, None, upooled)
                xs = xs + float(ts[i + 1] - ts[i]) * (vu + 3.0 * (vc - vu))
            out["image_ms_%d" % steps] = (clock(dev) - start) * 1000
        refiner_ms = time_refiner(models, x, dev, calls)
        if refiner_ms is not None:
            out["refiner_ms"] = refiner_ms
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


if __name__ == "__main__":
    main()
