#!/usr/bin/python3
"""Atelier's refiner: the base model's 64 px RGB image + the full-resolution
sketch -> a crisp 256 px RGBA image (alpha predicted, not flood-filled).

  /usr/bin/python3 tools/train/refiner.py data       # renders data/refiner.npz (~5 min)
  OMP_NUM_THREADS=1 nice /usr/bin/python3 tools/train/refiner.py train --minutes 60
  /usr/bin/python3 tools/train/refiner.py export     # resources/models/atelier-refiner.*
  /usr/bin/python3 tools/train/refiner.py golden     # tests/data/refiner_golden.safetensors

A single regression pass (no diffusion): a small U-shaped convolution net
that sees the bilinear x4 enlargement of the base image and the sketch at
256 px, predicts a colour correction and an alpha logit. Trained on 128 px
crops (it is fully convolutional). Its low-resolution inputs are what the
base model really makes: the base model's own image-to-image of the
downscaled art (strength 0.25-0.55, guided by the art's sketch), plus noise,
blur and colour jitter, so it learns to remove the base model's grain.

Only conv2d, SiLU, add, channel concat and nearest x2 upsampling run on the
GPU; the bilinear enlargement and the sigmoid of alpha are done on the host
(exactly as below) by engine/model/refiner.c.
"""
import argparse
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "dataset"))
from build import pkg, split_of, clean_words, jitter  # noqa: E402
from train import optimise, PALETTE, default_ckpt  # noqa: E402
import st  # noqa: E402

MODELS = os.path.join(ROOT, "resources", "models")
DATA = os.path.join(ROOT, "data", "refiner.npz")
R = 256          # output side
LOW = 64         # base model side

RCFG = dict(scale=4, in_size=LOW, out_size=R, in_channels=4, enc_channels=[24, 48], mid_blocks=2,
            dec_channels=16, out_channels=4)


class Refiner(nn.Module):
    def __init__(self, c=RCFG):
        super().__init__()
        c1, c2 = c["enc_channels"]
        cin, cd = c["in_channels"], c["dec_channels"]
        self.cfg = c
        self.enc1 = nn.Conv2d(cin, c1, 3, 2, 1)          # 256 -> 128
        self.enc2 = nn.Conv2d(c1, c2, 3, 2, 1)           # 128 -> 64
        self.mid = nn.ModuleList(nn.Conv2d(c2, c2, 3, 1, 1) for _ in range(2 * c["mid_blocks"]))
        self.dec1 = nn.Conv2d(c2 + c1, c1, 3, 1, 1)      # at 128, after up x2, skip enc1
        self.dec0 = nn.Conv2d(c1 + cin, cd, 3, 1, 1)     # at 256, after up x2, skip input
        self.out = nn.Conv2d(cd, c["out_channels"], 3, 1, 1)

    def forward(self, up, sketch):
        """up (B,3,H,W) in [-1,1] (bilinear x4 of the base image), sketch (B,1,H,W) 1 = stroke
        -> rgb (B,3,H,W) straight colour in [-1,1] before clamping, alpha logit (B,1,H,W)."""
        x = torch.cat([up, sketch], 1)
        e1 = F.silu(self.enc1(x))
        h = F.silu(self.enc2(e1))
        for i in range(0, len(self.mid), 2):
            h = h + self.mid[i + 1](F.silu(self.mid[i](F.silu(h))))
        h = F.interpolate(h, scale_factor=2, mode="nearest")
        h = F.silu(self.dec1(torch.cat([h, e1], 1)))
        h = F.interpolate(h, scale_factor=2, mode="nearest")
        h = F.silu(self.dec0(torch.cat([h, x], 1)))
        o = self.out(h)
        return up + o[:, :3], o[:, 3:]


def enlarge(x64, scale=4):
    """The host-side bilinear enlargement (half-pixel centres, edges clamped)."""
    return F.interpolate(x64, scale_factor=scale, mode="bilinear", align_corners=False)


# ------------------------------------------------------------------ data
def render(svg, size=R):
    p = subprocess.run(["rsvg-convert", "-w", str(size), "-h", str(size), "-f", "png"],
                       input=svg, capture_output=True, check=True)
    return np.array(Image.open(io.BytesIO(p.stdout)).convert("RGBA"))


def emoji_svgs():
    """Noto Emoji as SVG (@iconify-json/noto, Apache-2.0), the same art as the base model's
    emoji, keyed by the emoji-datasource list the base data set uses."""
    ij = pkg("iconify-json-noto")
    icons = json.load(open(os.path.join(ij, "icons.json")))
    chars = json.load(open(os.path.join(ij, "chars.json")))
    size = icons.get("width", 128), icons.get("height", 128)
    g = pkg("emoji-datasource-google")
    out = []
    for e in json.load(open(os.path.join(g, "emoji.json"))):
        if not e.get("has_img_google") or e["category"] == "Component":
            continue
        key = e["unified"].lower()
        name = chars.get(key) or chars.get(key.replace("-fe0f", ""))
        if name is None or name not in icons["icons"]:
            continue
        ic = icons["icons"][name]
        w, h = ic.get("width", size[0]), ic.get("height", size[1])
        svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d">%s</svg>' % (w, h, ic["body"])).encode()
        out.append((svg, "emoji:" + clean_words(e["name"])))
    return out


def icon_svgs():
    out = []
    t = pkg("tabler-icons")
    for name, v in json.load(open(os.path.join(t, "icons.json"))).items():
        if v.get("category") == "Brand" or name.startswith("brand-"):
            continue
        for style, kind in (("outline", 1), ("filled", 2)):
            f = os.path.join(t, "icons", style, name + ".svg")
            if style in v.get("styles", {}) and os.path.exists(f):
                out.append((open(f, "rb").read().replace(b"currentColor", b"#000000"), "icon:" + clean_words(name), kind))
    lu = pkg("lucide-static")
    for name in json.load(open(os.path.join(lu, "tags.json"))):
        f = os.path.join(lu, "icons", name + ".svg")
        if os.path.exists(f):
            out.append((open(f, "rb").read().replace(b"currentColor", b"#000000"), "icon:" + clean_words(name), 1))
    return out


def build_data(n_emoji, n_icons):
    rng = np.random.default_rng(7)
    em = emoji_svgs()
    em = [em[i] for i in rng.permutation(len(em))[:n_emoji]]
    ic = icon_svgs()
    ic = [ic[i] for i in rng.permutation(len(ic))[:n_icons]]
    print("rendering", len(em), "emoji and", len(ic), "icons at", R, flush=True)
    with ThreadPoolExecutor(2) as ex:
        er = list(ex.map(lambda s: render(s[0]), em))
        ir = list(ex.map(lambda s: render(s[0]), ic))
    kind = np.array([0] * len(em) + [k for _, _, k in ic], np.int8)
    rgba = np.stack(er + ir)
    rgba[len(em):, :, :, :3] = 0          # icons: coverage only, tinted at training time
    split = np.array([split_of(key) for _, key in em] + [split_of(key) for _, key, _ in ic], np.int8)
    np.savez(DATA + ".tmp.npz", kind=kind, rgba=rgba, split=split)
    os.replace(DATA + ".tmp.npz", DATA)
    print("wrote", DATA, rgba.shape, "held out", int((split == 2).sum()), flush=True)


def sketch_of(alpha, kind, rng):
    """A pen sketch at 256 px like the studio's (its default pen is 4 px at 256): line art is its
    own lines thinned from ~21 px to 5-11 px; filled art gets its silhouette outline (3-7 px);
    both wobbled."""
    inside = alpha > 128
    if kind == 1:
        m = inside
        w = -int(rng.integers(5, 9))
    else:
        q = np.pad(inside, 1)
        m = inside & ~(q[:-2, 1:-1] & q[2:, 1:-1] & q[1:-1, :-2] & q[1:-1, 2:])
        w = int(rng.integers(1, 4))
    t = torch.from_numpy(m.astype(np.float32))[None, None]
    if w > 0:
        t = F.max_pool2d(t, 2 * w + 1, 1, w)
    elif w < 0:
        t = -F.max_pool2d(-t, -2 * w + 1, 1, -w)
    m = t[0, 0].numpy() > 0.5
    return jitter_big(m, rng)


def jitter_big(mask, rng, amp=3.0):
    g = rng.normal(0, amp, size=(2, 5, 5)).astype(np.float32)
    n = mask.shape[0]
    dy = np.array(Image.fromarray(g[0]).resize((n, n), Image.BILINEAR))
    dx = np.array(Image.fromarray(g[1]).resize((n, n), Image.BILINEAR))
    yy, xx = np.mgrid[0:n, 0:n]
    return mask[np.clip(np.rint(yy + dy), 0, n - 1).astype(int), np.clip(np.rint(xx + dx), 0, n - 1).astype(int)]


class RefinerData:
    def __init__(self, split, seed):
        d = np.load(DATA)
        sel = np.nonzero(d["split"] == split)[0] if split is not None else np.arange(len(d["kind"]))
        self.kind, self.rgba = d["kind"][sel], d["rgba"][sel]
        self.rng = np.random.default_rng(seed)

    def target(self, i):
        """-> straight rgb (3,R,R) in [-1,1] (white where transparent), alpha (1,R,R), sketch (1,R,R)."""
        r = self.rng
        k = self.kind[i]
        a = self.rgba[i, :, :, 3].astype(np.float32) / 255.0
        if k == 0:
            rgb = self.rgba[i, :, :, :3].astype(np.float32) / 255.0
        else:
            c = np.array(list(PALETTE.values())[r.integers(len(PALETTE))], np.float32) / 255.0
            c = np.clip(c + r.normal(0, 0.04, 3).astype(np.float32), 0, 1)
            if k == 2:
                yy = np.linspace(0, 1, R, dtype=np.float32)[:, None, None]
                xx = np.linspace(0, 1, R, dtype=np.float32)[None, :, None]
                rgb = np.clip(c * np.clip(1.22 - 0.38 * yy - 0.12 * xx, 0, 1.3), 0, 1)
            else:
                rgb = np.broadcast_to(c, (R, R, 3)).copy()
        rgb = np.where(a[..., None] > 0, rgb, 1.0)
        sk = sketch_of(self.rgba[i, :, :, 3], k, r).astype(np.float32)
        return (torch.from_numpy(rgb).permute(2, 0, 1) * 2 - 1, torch.from_numpy(a)[None], torch.from_numpy(sk)[None])

    def batch(self, B, mix=(0.5, 0.2, 0.3)):
        by = [np.nonzero(self.kind == k)[0] for k in range(3)]
        ks = self.rng.choice(3, size=B, p=np.array(mix) / sum(mix))
        idx = [self.rng.choice(by[k]) for k in ks]
        rgb, a, sk = zip(*(self.target(i) for i in idx))
        return torch.stack(rgb), torch.stack(a), torch.stack(sk)


def load_base():
    from model import AtelierModel
    conf = json.load(open(os.path.join(MODELS, "atelier-model.json")))
    m = AtelierModel(conf["vocab_size"], conf["hyper"])
    m.load_state_dict({k: v.float() for k, v in st.load_file(os.path.join(MODELS, "atelier-model.safetensors")).items()})
    m.requires_grad_(False)
    return m.eval()


@torch.no_grad()
def degrade(base, rgb, a, sk, g):
    """What the base model makes of this art: its image-to-image of the 64 px downscale
    (guided by the 64 px sketch), plus noise, blur and colour jitter."""
    B = rgb.shape[0]
    white = rgb * a + (1 - a)            # composite on white, [-1,1]
    x0 = F.avg_pool2d(white, R // LOW)
    sk64 = (F.max_pool2d(sk, R // LOW) > 0.5).float()
    s = float(torch.empty(1).uniform_(0.25, 0.55, generator=g))
    n = torch.randn(x0.shape, generator=g)
    x = (1 - s) * x0 + s * n
    ctx, cm, pooled, _ = base.condition(B, sketch=sk64, sketch_mask=torch.ones(B, dtype=torch.bool))
    uctx, ucm, upooled, _ = base.condition(B)
    steps = 4
    ts = [s * (1 - k / steps) for k in range(steps + 1)]
    for k in range(steps):
        t = torch.full((B,), ts[k])
        vc = base.unet(x, sk64, t, ctx, cm, pooled)
        vu = base.unet(x, torch.zeros_like(sk64), t, uctx, ucm, upooled)
        x = x + (ts[k + 1] - ts[k]) * (vu + 2.5 * (vc - vu))
    x = x + torch.randn(x.shape, generator=g) * float(torch.empty(1).uniform_(0, 0.04, generator=g))
    if torch.rand(1, generator=g).item() < 0.3:
        k = torch.tensor([1.0, 2.0, 1.0])
        k = (k[:, None] * k[None, :] / 16)[None, None].repeat(3, 1, 1, 1)
        x = F.conv2d(F.pad(x, (1, 1, 1, 1), mode="replicate"), k, groups=3)
    x = x * (1 + 0.05 * torch.randn(B, 3, 1, 1, generator=g)) + 0.03 * torch.randn(B, 3, 1, 1, generator=g)
    return x.clamp(-1, 1)


def loss_of(net, up, sk, rgb, a):
    """L1 of the image on white + L1 of the straight colour where opaque + BCE of alpha."""
    prgb, alogit = net(up, sk)
    pa = torch.sigmoid(alogit)
    l_white = ((prgb * pa + (1 - pa)) - (rgb * a + (1 - a))).abs().mean()
    l_straight = ((prgb - rgb).abs() * a).sum() / (3 * a.sum() + 1)
    l_alpha = F.binary_cross_entropy_with_logits(alogit, a)
    return l_white + 0.5 * l_straight + 0.5 * l_alpha, l_white, l_alpha


def crop(t, y, x, n):
    return t[:, :, y:y + n, x:x + n]


def train(args):
    torch.set_num_threads(args.threads)
    ck_dir = os.path.join(os.path.dirname(default_ckpt()), "refiner")
    os.makedirs(ck_dir, exist_ok=True)
    last = os.path.join(ck_dir, "last.pt")
    torch.manual_seed(0)
    net, ema = Refiner(), Refiner()
    ema.load_state_dict(net.state_dict())
    ema.requires_grad_(False)
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=0.0)
    step, seen, train_s = 0, 0, 0.0
    if os.path.exists(last):
        ck = torch.load(last)
        net.load_state_dict(ck["model"]); ema.load_state_dict(ck["ema"]); opt.load_state_dict(ck["opt"])
        step, seen, train_s = ck["step"], ck["seen"], ck["train_s"]
        print("resumed at", step, flush=True)
    base = load_base()
    data = RefinerData(0, seed=step + 3)
    g = torch.Generator().manual_seed(step + 5)
    log = open(os.path.join(ck_dir, "refiner.log"), "a")
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    t_start = t_save = time.time()
    avg = None

    def save():
        torch.save(dict(model=net.state_dict(), ema=ema.state_dict(), opt=opt.state_dict(), step=step, seen=seen,
                        train_s=train_s, cfg=RCFG), last + ".tmp")
        os.replace(last + ".tmp", last)

    while True:
        t0 = time.time()
        rgb, a, sk = data.batch(args.batch)
        low = degrade(base, rgb, a, sk, g)
        n = args.crop
        y, x = [int(v) * 4 for v in torch.randint(0, (R - n) // 4 + 1, (2,), generator=g)]
        up = enlarge(low)
        net.train()
        loss, l_white, l_alpha = loss_of(net, crop(up, y, x, n), crop(sk, y, x, n), crop(rgb, y, x, n), crop(a, y, x, n))
        lr = args.lr * min(1.0, (step + 1) / 50)
        for pg in opt.param_groups:
            pg["lr"] = lr
        optimise(loss, opt, ema, net, step, 0.998)
        step += 1
        seen += args.batch
        train_s += time.time() - t0
        avg = loss.item() if avg is None else 0.95 * avg + 0.05 * loss.item()
        if step % 10 == 0:
            msg = "step %d seen %d loss %.4f white %.4f alpha %.4f %.2f s/step %s" % (
                step, seen, avg, l_white.item(), l_alpha.item(), time.time() - t0, time.strftime("%H:%M:%S"))
            print(msg, flush=True)
            log.write(msg + "\n"); log.flush()
        done = (time.time() - t_start) / 60 >= args.minutes or bool(stop)
        if time.time() - t_save > 240 or done:
            save()
            t_save = time.time()
        if done:
            break


def load_refiner(path=os.path.join(MODELS, "atelier-refiner.safetensors")):
    net = Refiner()
    net.load_state_dict({k: v.float() for k, v in st.load_file(path).items()})
    return net.eval()


def export(args):
    ck = torch.load(os.path.join(os.path.dirname(default_ckpt()), "refiner", "last.pt"))
    net = Refiner()
    net.load_state_dict(ck["ema"])
    sd = {k: v.half() for k, v in net.state_dict().items()}
    st.save_file(sd, os.path.join(MODELS, "atelier-refiner.safetensors"),
                 metadata={"format": "atelier-refiner", "config": "atelier-refiner.json"})
    nparams = sum(p.numel() for p in net.parameters())
    macs = 0
    hooks = []

    def count(m, i, o):
        nonlocal macs
        macs += o.numel() * m.in_channels * m.kernel_size[0] * m.kernel_size[1]
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            hooks.append(m.register_forward_hook(count))
    with torch.no_grad():
        net(torch.zeros(1, 3, R, R), torch.zeros(1, 1, R, R))
    conf = dict(format="atelier-refiner", version=1, weights="atelier-refiner.safetensors",
                weights_dtype="F16 (compute in F32)", parameters=nparams, gflop_per_image=round(2 * macs / 1e9, 3),
                trained_steps=ck["step"], trained_samples=ck["seen"], trained_hours=round(ck["train_s"] / 3600, 2),
                hyper=RCFG,
                input="up = bilinear x4 of the base image (align_corners=False: src = (dst + 0.5) / 4 - 0.5, clamped to the edge), "
                      "[-1, 1]; sketch at out_size, 1 = stroke, zeros when absent",
                graph=["x = concat_channels(up, sketch)", "e1 = silu(enc1(x))      # 3x3 stride 2 pad 1",
                       "h = silu(enc2(e1))      # 3x3 stride 2 pad 1",
                       "for i in 0..mid_blocks-1: h = h + mid.{2i+1}(silu(mid.{2i}(silu(h))))   # 3x3 pad 1",
                       "h = silu(dec1(concat_channels(up2(h), e1)))", "h = silu(dec0(concat_channels(up2(h), x)))",
                       "o = out(h)", "rgb = clamp(up + o[0:3], -1, 1) (straight colour)", "alpha = sigmoid(o[3])",
                       "white background: pixel = rgb * alpha + (1 - alpha)"],
                tensors={k: list(v.shape) for k, v in sd.items()})
    tmp = os.path.join(MODELS, "atelier-refiner.json.tmp")
    with open(tmp, "w") as f:
        json.dump(conf, f, indent=1)
    os.replace(tmp, os.path.join(MODELS, "atelier-refiner.json"))
    print("exported refiner step", ck["step"], "params", nparams, "GFLOP", 2 * macs / 1e9)


def golden(args):
    """Inputs and outputs of the shipped fp16 refiner for the engine's parity test."""
    net = load_refiner()
    g = torch.Generator().manual_seed(3)
    low = torch.rand(1, 3, LOW, LOW, generator=g) * 2 - 1
    sk = (torch.rand(1, 1, R, R, generator=g) > 0.9).float()
    with torch.no_grad():
        up = enlarge(low)
        rgb, alogit = net(up, sk)
    out = dict(low=low, sketch=sk, up=up, rgb=rgb.clamp(-1, 1), alpha=torch.sigmoid(alogit))
    st.save_file(out, os.path.join(ROOT, "tests", "data", "refiner_golden.safetensors"),
                 metadata={"note": "tools/train/refiner.py golden"})
    print("golden written")


def thin_edges(img):
    """img (3,H,W) in [-1,1] -> bool (H,W) thin Sobel edges of the luminance (as evaluate.py)."""
    from evaluate import edges
    return edges(img)


def flat_noise(out, target):
    """Mean |Laplacian| (0-255 scale) of the output where the target is flat (its own
    Laplacian and gradient ~0): grain and ripples the output adds inside flat areas."""
    k = torch.tensor([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=torch.float32)[None, None].repeat(3, 1, 1, 1)
    lap = lambda x: F.conv2d(F.pad(x[None], (1, 1, 1, 1), mode="replicate"), k, groups=3)[0].abs().sum(0)
    flat = F.max_pool2d((lap(target) > 0.02).float()[None, None], 7, 1, 3)[0, 0] == 0
    return float(lap(out)[flat].mean() * 127.5) if flat.any() else 0.0


def sketch_f1(img, sk, tol=4):
    from evaluate import dilate
    e = thin_edges(img)
    s = sk > 0.5
    if s.sum() == 0 or e.sum() == 0:
        return 0.0
    rec = (s & dilate(e, tol)).sum() / s.sum()
    pre = (e & dilate(s, tol)).sum() / e.sum()
    return float(2 * rec * pre / max(rec + pre, 1e-9))


def evaluate(args):
    """Held-out comparison: nearest, bicubic, the refiner and (with --esrgan DIR, the
    x4 folder of @upscalerjs/esrgan-slim) a general-purpose super-resolution net,
    from the base model's own image-to-image output (the refiner's real input)."""
    from evaluate import sheet
    net, base = load_refiner(), load_base()
    esrgan = None
    if args.esrgan:
        import esrgan_slim
        esrgan = esrgan_slim.KerasGraph(args.esrgan)
    data = RefinerData(2, seed=11)
    g = torch.Generator().manual_seed(21)
    n = min(args.n, len(data.kind))
    idx = np.random.default_rng(4).permutation(len(data.kind))[:n]
    kinds = ("nearest", "bicubic", "refiner") + (("esrgan_slim",) if esrgan is not None else ())
    res = {k: dict(f1=[], flat_noise=[], l1_white=[]) for k in kinds}
    iou, rows = [], [[] for _ in range(5 + (esrgan is not None))]
    for s in range(0, n, 8):
        items = [data.target(i) for i in idx[s:s + 8]]
        rgb, a, sk = (torch.stack(t) for t in zip(*items))
        low = degrade(base, rgb, a, sk, g)
        with torch.no_grad():
            prgb, alogit = net(enlarge(low), sk)
        pa = torch.sigmoid(alogit)
        outs = dict(nearest=F.interpolate(low, scale_factor=4, mode="nearest"),
                    bicubic=F.interpolate(low, scale_factor=4, mode="bicubic", align_corners=False).clamp(-1, 1),
                    refiner=(prgb.clamp(-1, 1) * pa + (1 - pa)))
        if esrgan is not None:
            import esrgan_slim
            outs["esrgan_slim"] = esrgan_slim.upscale(esrgan, low)
        white = rgb * a + (1 - a)
        for b in range(len(items)):
            for k, o in outs.items():
                res[k]["f1"].append(sketch_f1(o[b], sk[b, 0].numpy()))
                res[k]["flat_noise"].append(flat_noise(o[b], white[b]))
                res[k]["l1_white"].append(float((o[b] - white[b]).abs().mean() * 127.5))
            pm, tm = pa[b, 0] > 0.5, a[b, 0] > 0.5
            iou.append(float((pm & tm).sum() / max(1, (pm | tm).sum())))
        take = min(len(items), 12 - len(rows[0]))
        if take > 0:
            check = ((torch.arange(R)[:, None] // 16 + torch.arange(R)[None, :] // 16) % 2).float() * 0.3 + 0.7
            check = check * 2 - 1
            columns = [outs["nearest"], outs["bicubic"]] + ([outs["esrgan_slim"]] if esrgan is not None else [])
            columns += [outs["refiner"], prgb.clamp(-1, 1) * pa + check * (1 - pa), white]
            for r, t in zip(rows, columns):
                r.extend(list(t[:take]))
    summary = {k: {m: round(float(np.mean(v)), 3) for m, v in d.items()} for k, d in res.items()}
    summary["refiner"]["alpha_iou"] = round(float(np.mean(iou)), 3)
    summary["n"] = n
    print(json.dumps(summary, indent=1))
    out = os.path.join(ROOT, "docs", "samples")
    sheet([torch.stack(r[:12]) for r in rows], os.path.join(out, "refiner_heldout.png"))
    with open(os.path.join(out, "refiner_metrics.json"), "w") as f:
        json.dump(summary, f, indent=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["data", "train", "export", "golden", "evaluate"])
    ap.add_argument("--n", type=int, default=64)
    ap.add_argument("--minutes", type=float, default=1e9)
    ap.add_argument("--batch", type=int, default=12)
    ap.add_argument("--crop", type=int, default=128)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--emoji", type=int, default=1400)
    ap.add_argument("--icons", type=int, default=2400)
    ap.add_argument("--esrgan", help="evaluate: also @upscalerjs/esrgan-slim's models/x4 folder")
    args = ap.parse_args()
    if args.cmd == "data":
        build_data(args.emoji, args.icons)
    else:
        dict(train=train, export=export, golden=golden, evaluate=evaluate)[args.cmd](args)


if __name__ == "__main__":
    main()
