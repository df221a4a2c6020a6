#!/usr/bin/python3
"""Measure the shipped model on the held-out test split and draw sample sheets.

Uses resources/models/atelier-model.safetensors (fp16 weights computed in fp32).
Writes docs/samples/*.png and docs/samples/metrics.json.

  sketch adherence: edges of the generated image (Sobel on luminance, thinned,
    |grad| > 1.0) against the sketch strokes, each dilated by 2 px: recall
    (share of stroke pixels with a generated edge nearby), precision, F1.
  text adherence:   the image encoder embeds each generated image; its rank
    (1 = best) of the true prompt among the 100 test prompts by the text head.
  colour check:     dominant colour word of the non-white pixels of the image
    (same rule as the data set's emoji labels) equals the colour asked for.
  fill share:       the region the sketch encloses (pixels not reachable from the
    border without crossing a stroke dilated by 1 px) and the share of it painted
    in the asked colour (each pixel's nearest palette colour, white excluded). A
    coloured outline around a white interior scores near 0, a filled shape near 1.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "dataset"))
from model import AtelierModel, Tokenizer, masked_mean  # noqa: E402
from train import PALETTE, Data, sample  # noqa: E402
from build import colour_name  # noqa: E402
import st  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
MODELS = os.path.join(ROOT, "resources", "models")


def load_model(MODELS=MODELS):
    conf = json.load(open(os.path.join(MODELS, "atelier-model.json")))
    tj = json.load(open(os.path.join(MODELS, "tokenizer.json")))
    tok = Tokenizer(tj["vocab"], tj["max_tokens"])
    m = AtelierModel(conf["vocab_size"], conf["hyper"])
    m.load_state_dict({k: v.float() for k, v in st.load_file(os.path.join(MODELS, "atelier-model.safetensors")).items()})
    return m.eval(), tok, conf


def edges(img):
    """img (3,64,64) in [-1,1] -> bool (64,64) thin edges."""
    lum = ((img + 1) / 2 * torch.tensor([0.3, 0.59, 0.11])[:, None, None]).sum(0).numpy()
    p = np.pad(lum, 1, mode="edge")
    gx = (p[:-2, 2:] + 2 * p[1:-1, 2:] + p[2:, 2:]) - (p[:-2, :-2] + 2 * p[1:-1, :-2] + p[2:, :-2])
    gy = (p[2:, :-2] + 2 * p[2:, 1:-1] + p[2:, 2:]) - (p[:-2, :-2] + 2 * p[:-2, 1:-1] + p[:-2, 2:])
    mag = np.hypot(gx, gy)
    q = np.pad(mag, 1)
    horiz = np.abs(gx) >= np.abs(gy)
    nm = np.where(horiz, (mag >= q[1:-1, :-2]) & (mag >= q[1:-1, 2:]), (mag >= q[:-2, 1:-1]) & (mag >= q[2:, 1:-1]))
    return nm & (mag > 1.0)


def dilate(m, r=2):
    t = torch.from_numpy(m.astype(np.float32))[None, None]
    return (F.max_pool2d(t, 2 * r + 1, 1, r)[0, 0] > 0).numpy()


def adherence(img, sketch):
    e = edges(img)
    s = sketch > 0.5
    if s.sum() == 0 or e.sum() == 0:
        return 0.0, 0.0, 0.0
    rec = (s & dilate(e)).sum() / s.sum()
    pre = (e & dilate(s)).sum() / e.sum()
    return float(rec), float(pre), float(2 * rec * pre / max(rec + pre, 1e-9))


def interior(sketch):
    """bool (64,64): pixels enclosed by the strokes (flood fill from the border)."""
    wall = dilate(sketch > 0.5, 1)
    free = torch.from_numpy(~wall)
    reach = torch.zeros_like(free)
    reach[0, :], reach[-1, :], reach[:, 0], reach[:, -1] = free[0, :], free[-1, :], free[:, 0], free[:, -1]
    while True:
        grown = (F.max_pool2d(reach.float()[None, None], 3, 1, 1)[0, 0] > 0) & free
        if torch.equal(grown, reach):
            break
        reach = grown
    return (free & ~reach).numpy()


PAL = np.array(list(PALETTE.values()), np.float32)


def fill_share(img, sketch, colour):
    """Share of the sketch's interior painted in `colour`; None when nothing is enclosed."""
    inner = interior(sketch)
    if inner.sum() < 16 or colour not in PALETTE:
        return None
    a = ((img.permute(1, 2, 0).numpy() + 1) * 127.5).clip(0, 255)
    nearest = np.argmin(((a[..., None, :] - PAL) ** 2).sum(-1), -1)
    painted = (nearest == list(PALETTE).index(colour)) & ((255 - a).max(2) > 40)
    return float(painted[inner].mean())


def mean_fill(imgs, sketches, colours):
    f = [fill_share(imgs[i], sketches[i], colours[i]) for i in range(len(colours))]
    f = [x for x in f if x is not None]
    return dict(fill=round(float(np.mean(f)), 3) if f else None, n=len(f))


def colour_of(img):
    a = ((img.permute(1, 2, 0).numpy() + 1) * 127.5).clip(0, 255).astype(np.uint8)
    alpha = np.where((255 - a.astype(np.int32)).max(2) > 40, 255, 0).astype(np.uint8)
    return colour_name(a, alpha)


def gen(model, ids_list, sketches, steps, guidance, seed, bs=25):
    out = []
    for s in range(0, len(sketches if sketches is not None else ids_list), bs):
        ids = None
        if ids_list is not None:
            chunk = ids_list[s:s + bs]
            L = max(len(i) for i in chunk)
            ids = torch.tensor([i + [0] * (L - len(i)) for i in chunk])
        sk = sketches[s:s + bs] if sketches is not None else None
        B = len(ids) if ids is not None else len(sk)
        noise = torch.randn(B, 3, 64, 64, generator=torch.Generator().manual_seed(seed + s))
        out.append(sample(model, B, "cpu", ids=ids, sketch=sk, steps=steps, guidance=guidance, noise=noise))
    return torch.cat(out)


def sheet(rows, path, labels=None, scale=1):
    grid = torch.cat([torch.cat(list(r), 2) for r in rows], 1)
    a = ((grid.clamp(-1, 1) + 1) * 127.5).round().byte().permute(1, 2, 0).numpy()
    im = Image.fromarray(a)
    im = im.resize((im.width * scale, im.height * scale), Image.NEAREST)
    # a 256-colour palette keeps the committed sheets around 100 kB
    im.quantize(colors=256, method=Image.MEDIANCUT, dither=Image.NONE).save(path, optimize=True)


def drawn_sketches():
    """Simple pen drawings (2 px) like a designer would scribble, with prompts."""
    from PIL import ImageDraw
    items = []

    def canvas():
        im = Image.new("L", (64, 64), 0)
        return im, ImageDraw.Draw(im)

    im, d = canvas(); d.ellipse((14, 18, 50, 54), outline=255, width=2); d.line((32, 18, 34, 8), fill=255, width=2)
    d.ellipse((35, 8, 45, 14), outline=255, width=2); items.append(("red apple", im))
    im, d = canvas()
    import math
    pts = [(32 + 24 * math.cos(math.pi / 2 + k * 4 * math.pi / 5), 34 - 24 * math.sin(math.pi / 2 + k * 4 * math.pi / 5)) for k in range(6)]
    d.line(pts, fill=255, width=2); items.append(("yellow star", im))
    im, d = canvas(); d.polygon([(10, 30), (32, 10), (54, 30)], outline=255); d.line([(10, 30), (32, 10), (54, 30), (10, 30)], fill=255, width=2)
    d.rectangle((16, 30, 48, 54), outline=255, width=2); d.rectangle((28, 40, 36, 54), outline=255, width=2); items.append(("blue house", im))
    im, d = canvas(); d.arc((10, 12, 34, 36), 150, 360, fill=255, width=2); d.arc((30, 12, 54, 36), 180, 30, fill=255, width=2)
    d.line([(12, 30), (32, 54), (52, 30)], fill=255, width=2); items.append(("pink heart", im))
    im, d = canvas(); d.ellipse((14, 8, 50, 40), outline=255, width=2); d.rectangle((28, 40, 36, 58), outline=255, width=2)
    items.append(("green tree", im))
    im, d = canvas(); d.ellipse((8, 20, 46, 44), outline=255, width=2); d.polygon([(44, 32), (58, 20), (58, 44)], outline=255)
    d.line([(44, 32), (58, 20), (58, 44), (44, 32)], fill=255, width=2); d.ellipse((16, 28, 20, 32), outline=255); items.append(("orange fish", im))
    im, d = canvas(); d.rectangle((14, 18, 42, 52), outline=255, width=2); d.arc((34, 24, 54, 44), 270, 90, fill=255, width=2)
    items.append(("brown coffee cup", im))
    im, d = canvas(); d.ellipse((20, 20, 44, 44), outline=255, width=2)
    for k in range(8):
        a = k * math.pi / 4
        d.line([(32 + 16 * math.cos(a), 32 + 16 * math.sin(a)), (32 + 26 * math.cos(a), 32 + 26 * math.sin(a))], fill=255, width=2)
    items.append(("yellow sun", im))
    im, d = canvas(); d.ellipse((12, 14, 52, 54), outline=255, width=2); d.ellipse((22, 26, 27, 31), outline=255, width=2)
    d.ellipse((37, 26, 42, 31), outline=255, width=2); d.arc((22, 30, 42, 46), 20, 160, fill=255, width=2); items.append(("yellow smiling face", im))
    im, d = canvas(); d.line([(8, 44), (20, 28), (44, 28), (56, 44), (8, 44)], fill=255, width=2)
    d.ellipse((14, 42, 24, 52), outline=255, width=2); d.ellipse((40, 42, 50, 52), outline=255, width=2); items.append(("red car", im))
    im, d = canvas(); d.ellipse((18, 8, 46, 40), outline=255, width=2); d.line([(32, 40), (32, 58)], fill=255, width=2)
    items.append(("purple balloon", im))
    im, d = canvas(); d.ellipse((10, 22, 34, 46), outline=255, width=2); d.ellipse((30, 22, 54, 46), outline=255, width=2)
    d.ellipse((20, 10, 44, 34), outline=255, width=2); d.ellipse((20, 34, 44, 58), outline=255, width=2); items.append(("pink flower", im))
    prompts = [p for p, _ in items]
    sk = torch.stack([torch.from_numpy((np.array(im) > 127).astype(np.float32)) for _, im in items])[:, None]
    return prompts, sk


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--steps", type=int, default=12)
    ap.add_argument("--guidance", type=float, default=2.5)
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "samples"))
    ap.add_argument("--models", default=MODELS)
    ap.add_argument("--data", default=os.path.join(ROOT, "data", "dataset.npz"))
    args = ap.parse_args()
    torch.manual_seed(0)
    model, tok, conf = load_model(args.models)
    test = Data(args.data, 2, tok, model, seed=99)
    rng = np.random.default_rng(5)
    # half emoji, half icons (filled icons first), fixed order
    em = rng.permutation(test.by_kind[0])
    ic = rng.permutation(np.concatenate([test.by_kind[2], test.by_kind[1]]))
    idx = np.concatenate([em[: args.n // 2], ic[: args.n - args.n // 2]])
    colours = [list(PALETTE)[i % 8] for i in range(len(idx))]  # chromatic colours for icons
    b = test.make(idx, colours)
    prompts = [t.split(",")[0] for t in b["texts"]]   # "colour name" only, as a user would type
    asked = [p.split()[0] for p in prompts]
    ids = [tok.encode(p) for p in prompts]
    sk = b["sketch"]
    x0 = b["x0"]
    res = {"n": len(idx), "steps": args.steps, "guidance": args.guidance, "prompts": prompts}
    with torch.no_grad():
        out_ts = gen(model, ids, sk, args.steps, args.guidance, 0)
        out_t = gen(model, ids, None, args.steps, args.guidance, 0)
        out_s = gen(model, None, sk, args.steps, args.guidance, 0)
        # contrastive ranks
        L = max(len(i) for i in ids)
        pid = torch.tensor([i + [0] * (L - len(i)) for i in ids])
        et = F.normalize(model.text_head(masked_mean(model.text(pid, pid > 0), pid > 0)), dim=-1)

        def ranks(imgs):
            ei = F.normalize(model.image(imgs), dim=-1)
            sim = ei @ et.t()
            true = sim.diag()[:, None]
            return (sim > true).sum(1).float() + 1

        for name, imgs in (("real", x0), ("text+sketch", out_ts), ("text only", out_t), ("sketch only", out_s)):
            r = ranks(imgs)
            res.setdefault("text_rank", {})[name] = dict(mean=round(r.mean().item(), 1), median=float(r.median()),
                                                        top1=round((r <= 1).float().mean().item(), 3),
                                                        top5=round((r <= 5).float().mean().item(), 3))
        res["text_rank"]["chance"] = dict(mean=50.5, top1=0.01, top5=0.05)
        # sketch adherence
        skn = sk[:, 0].numpy()
        perm = np.roll(np.arange(len(idx)), 1)
        for name, imgs, sks in (("real image", x0, skn), ("text+sketch", out_ts, skn), ("sketch only", out_s, skn),
                                ("text only (no sketch given)", out_t, skn),
                                ("text+sketch vs another sketch", out_ts, skn[perm])):
            a = np.array([adherence(imgs[i], sks[i]) for i in range(len(idx))])
            res.setdefault("sketch_adherence", {})[name] = dict(recall=round(a[:, 0].mean(), 3),
                                                               precision=round(a[:, 1].mean(), 3),
                                                               f1=round(a[:, 2].mean(), 3))
        # colour word check
        for name, imgs in (("real", x0), ("text+sketch", out_ts), ("text only", out_t)):
            got = [colour_of(imgs[i]) for i in range(len(idx))]
            ok = [g == a for g, a in zip(got, asked)]
            icon_ok = [o for o, i in zip(ok, range(len(idx))) if i >= args.n // 2]
            res.setdefault("colour_match", {})[name] = dict(all=round(float(np.mean(ok)), 3),
                                                           tinted_icons=round(float(np.mean(icon_ok)), 3),
                                                           emoji=round(float(np.mean(ok[: args.n // 2])), 3))
        for name, imgs in (("real", x0), ("text+sketch", out_ts)):
            res.setdefault("fill_share", {})[name] = mean_fill(imgs, skn, asked)
    os.makedirs(args.out, exist_ok=True)
    # sheets: 12 emoji + 12 icons
    pick = list(range(0, 12)) + list(range(args.n // 2, args.n // 2 + 12))
    skrow = (sk[pick].expand(-1, 3, -1, -1) * -2 + 1)
    for half, sl in (("emoji", slice(0, 12)), ("icons", slice(12, 24))):
        p = pick[sl]
        sheet([skrow[sl], out_ts[p], out_s[p], out_t[p], x0[p]],
              os.path.join(args.out, "heldout_%s.png" % half))
    with open(os.path.join(args.out, "heldout_prompts.txt"), "w") as f:
        f.write("Rows of heldout_emoji.png / heldout_icons.png: 1 sketch (held-out, derived), 2 text+sketch, "
                "3 sketch only, 4 text only, 5 the held-out original.\n%d Euler steps, guidance %.1f.\n\n" % (
                    args.steps, args.guidance))
        f.write("heldout_emoji.png columns: " + " | ".join(prompts[i] for i in pick[:12]) + "\n")
        f.write("heldout_icons.png columns: " + " | ".join(prompts[i] for i in pick[12:]) + "\n")
    # hand-drawn style sketches, not from any data set
    dp, dsk = drawn_sketches()
    did = [tok.encode(p) for p in dp]
    with torch.no_grad():
        g1 = gen(model, did, dsk, args.steps, args.guidance, 10)
        g2 = gen(model, did, dsk, args.steps, args.guidance, 20)
        g3 = gen(model, did, None, args.steps, args.guidance, 10)
    sheet([dsk.expand(-1, 3, -1, -1) * -2 + 1, g1, g2, g3], os.path.join(args.out, "drawn_sketches.png"))
    dcol = [colour_of(g1[i]) == dp[i].split()[0] for i in range(len(dp))] + [colour_of(g2[i]) == dp[i].split()[0] for i in range(len(dp))]
    dad = np.array([adherence(g1[i], dsk[i, 0].numpy()) for i in range(len(dp))] + [adherence(g2[i], dsk[i, 0].numpy()) for i in range(len(dp))])
    dcols = [p.split()[0] for p in dp]
    dfill = mean_fill(torch.cat([g1, g2]), np.concatenate([dsk[:, 0].numpy()] * 2), dcols * 2)
    res["drawn_sketches"] = dict(prompts=dp, colour_match=round(float(np.mean(dcol)), 3), fill_share=dfill["fill"],
                                 sketch_recall=round(dad[:, 0].mean(), 3), sketch_precision=round(dad[:, 1].mean(), 3),
                                 sketch_f1=round(dad[:, 2].mean(), 3))
    with open(os.path.join(args.out, "heldout_prompts.txt"), "a") as f:
        f.write("\ndrawn_sketches.png: rows 1 pen sketch drawn by tools/train/evaluate.py (not from the data set), "
                "2-3 prompt + sketch (two seeds), 4 prompt only. Columns: " + " | ".join(dp) + "\n")
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump(res, f, indent=1)
    print(json.dumps({k: v for k, v in res.items() if k != "prompts"}, indent=1))


if __name__ == "__main__":
    main()
