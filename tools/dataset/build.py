#!/usr/bin/python3
"""Build Atelier's training set from permissively licensed npm packages.

Sources (unpacked by build.sh into data/npm/):
  emoji-datasource-google (Noto Emoji 64 px PNG, Apache-2.0)
  emojibase-data          (CLDR labels and tags, MIT)
  @tabler/icons           (outline + filled SVG, MIT; "Brand" category left out)
  lucide-static           (outline SVG, ISC; logo/brand icons left out)

Output: data/dataset.npz (not committed), holding per item
  kind    0 = emoji (full colour), 1 = line icon, 2 = filled icon
  rgb     uint8 N x 64 x 64 x 3, emoji composited on white (zeros for icons)
  alpha   uint8 N x 64 x 64, coverage (icons are tinted at training time)
  sketch  uint8 N x 64 x 64, 1 = stroke
  caption base caption (lower case, name + tags; emoji start with a colour word)
  name    the short object name (what the voice clip says)
  split   0 train, 1 validation, 2 held-out test (by hash of the concept name)
  audio   int16 16 kHz mono clips, concatenated; aud_off/aud_len per item (-1 none)
"""
import hashlib
import io
import json
import os
import random
import re
import subprocess
import sys
import wave
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from PIL import Image

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
NPM = os.path.join(ROOT, "data", "npm")
OUT = os.path.join(ROOT, "data", "dataset.npz")
S = 64


def pkg(name):
    for d in sorted(os.listdir(NPM)):
        if d.startswith(name) and os.path.isdir(os.path.join(NPM, d)):
            return os.path.join(NPM, d, "package")
    sys.exit("missing npm package " + name + " (run tools/dataset/build.sh)")


def split_of(key):
    h = int(hashlib.md5(key.encode()).hexdigest()[:8], 16) % 100
    return 2 if h < 4 else (1 if h < 6 else 0)


def clean_words(s):
    return " ".join(re.split(r"[^a-z0-9]+", str(s).lower())).strip()


# ---------------------------------------------------------------- colour names
def colour_name(rgb, alpha):
    """Dominant colour word of an image from the hue of its opaque pixels."""
    m = alpha > 128
    if m.sum() < 20:
        return None
    p = rgb[m].astype(np.float32) / 255.0
    mx, mn = p.max(1), p.min(1)
    v, s = mx, np.where(mx > 0, (mx - mn) / np.maximum(mx, 1e-6), 0)
    r, g, b = p[:, 0], p[:, 1], p[:, 2]
    d = np.maximum(mx - mn, 1e-6)
    h = np.where(mx == r, (g - b) / d % 6, np.where(mx == g, (b - r) / d + 2, (r - g) / d + 4)) * 60
    cls = np.full(len(p), "gray", dtype=object)
    cls[(s < 0.18) & (v > 0.8)] = "white"
    cls[v < 0.2] = "black"
    c = (s >= 0.18) & (v >= 0.2)
    cls[c & ((h < 15) | (h >= 345))] = "red"
    cls[c & (h >= 15) & (h < 42)] = "orange"
    cls[c & (h >= 15) & (h < 42) & (v < 0.6)] = "brown"
    cls[c & (h >= 42) & (h < 70)] = "yellow"
    cls[c & (h >= 70) & (h < 165)] = "green"
    cls[c & (h >= 165) & (h < 260)] = "blue"
    cls[c & (h >= 260) & (h < 290)] = "purple"
    cls[c & (h >= 290) & (h < 345)] = "pink"
    w = np.where(c, 1.0 + s, 0.6)  # saturated pixels dominate what people call the colour
    names, inv = np.unique(cls.astype(str), return_inverse=True)
    score = np.bincount(inv, weights=w)
    return str(names[score.argmax()])


# ---------------------------------------------------------------- sketches
def jitter(mask, rng, amp=1.2):
    """Move strokes by a smooth random displacement (hand-drawn wobble)."""
    g = rng.normal(0, amp, size=(2, 5, 5)).astype(np.float32)
    dy = np.array(Image.fromarray(g[0]).resize((S, S), Image.BILINEAR))
    dx = np.array(Image.fromarray(g[1]).resize((S, S), Image.BILINEAR))
    yy, xx = np.mgrid[0:S, 0:S]
    sy = np.clip(np.rint(yy + dy), 0, S - 1).astype(int)
    sx = np.clip(np.rint(xx + dx), 0, S - 1).astype(int)
    return mask[sy, sx]


def sobel(a):
    p = np.pad(a, 1, mode="edge")
    gx = (p[:-2, 2:] + 2 * p[1:-1, 2:] + p[2:, 2:]) - (p[:-2, :-2] + 2 * p[1:-1, :-2] + p[2:, :-2])
    gy = (p[2:, :-2] + 2 * p[2:, 1:-1] + p[2:, 2:]) - (p[:-2, :-2] + 2 * p[:-2, 1:-1] + p[:-2, 2:])
    return gx, gy


def edge_sketch(rgb, alpha, rng, thresh):
    """Pen sketch of filled art: the continuous outline of the shape (inner boundary
    of the alpha mask) plus thinned strong colour edges, widened to ~2 px, then wobbled."""
    a = alpha.astype(np.float32) / 255.0
    lum = (rgb.astype(np.float32) / 255.0 @ np.array([0.3, 0.59, 0.11], np.float32)) * a + (1 - a)
    lx, ly = sobel(lum)
    mag = np.hypot(lx, ly)
    # non-maximum suppression along the dominant gradient axis keeps lines 1 px wide
    p = np.pad(mag, 1)
    horiz = np.abs(lx) >= np.abs(ly)
    nm_h = (mag >= p[1:-1, :-2]) & (mag >= p[1:-1, 2:])
    nm_v = (mag >= p[:-2, 1:-1]) & (mag >= p[2:, 1:-1])
    e = np.where(horiz, nm_h, nm_v) & (mag > thresh)
    inside = alpha > 128
    q = np.pad(inside, 1)
    border = inside & ~(q[:-2, 1:-1] & q[2:, 1:-1] & q[1:-1, :-2] & q[1:-1, 2:])
    e = (e | border).astype(np.uint8)
    e2 = e.copy()
    e2[1:, :] |= e[:-1, :]
    e2[:, 1:] |= e[:, :-1]
    return jitter(e2, rng, amp=0.8)


def resketch(path):
    """Recompute the sketches of filled art (emoji, filled icons) in an existing data set."""
    d = dict(np.load(path))
    rng = np.random.default_rng(4321)
    for i in np.nonzero(d["kind"] != 1)[0]:
        rgb = d["rgb"][i] if d["kind"][i] == 0 else np.zeros((S, S, 3), np.uint8)
        d["sketch"][i] = edge_sketch(rgb, d["alpha"][i], rng, 1.2 if d["kind"][i] == 0 else 1.0)
    np.savez(path, **d)


# ---------------------------------------------------------------- rendering
def rsvg(svg_bytes):
    p = subprocess.run(["rsvg-convert", "-w", str(S), "-h", str(S), "-f", "png"],
                       input=svg_bytes, capture_output=True, check=True)
    im = Image.open(io.BytesIO(p.stdout)).convert("RGBA")
    return np.array(im)[:, :, 3]


def icon_job(args):
    path, kind = args
    svg = open(path, "rb").read()
    svg = svg.replace(b"currentColor", b"#000000")
    alpha = rsvg(svg)
    if kind == 1:
        thin = re.sub(rb'stroke-width="[0-9.]+"', b'stroke-width="0.9"', svg)
        sk = (rsvg(thin) > 96).astype(np.uint8)
    else:
        sk = None
    return alpha, sk


# ---------------------------------------------------------------- voice
VOICES = ["en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-029", "en-us-nyc",
          "en-us+f3", "en-gb+f2", "en-us+m3", "en+f4"]


def speak(args):
    text, seed = args
    r = random.Random(seed)
    v, rate, pitch = r.choice(VOICES), r.randint(120, 200), r.randint(25, 75)
    p = subprocess.run(["espeak-ng", "-v", v, "-s", str(rate), "-p", str(pitch), "--stdout", text],
                       capture_output=True)
    if p.returncode != 0 or len(p.stdout) < 100:
        return None
    with wave.open(io.BytesIO(p.stdout)) as w:
        sr = w.getframerate()
        x = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float64)
    # band-limited resample to 16 kHz through the spectrum
    n_out = int(round(len(x) * 16000 / sr))
    X = np.fft.rfft(x)
    Y = np.zeros(n_out // 2 + 1, dtype=complex)
    k = min(len(X), len(Y))
    Y[:k] = X[:k]
    y = np.fft.irfft(Y, n_out) * (n_out / len(x))
    # trim leading/trailing silence, cap at 2 s
    nz = np.nonzero(np.abs(y) > 200)[0]
    if len(nz):
        y = y[max(0, nz[0] - 800): nz[-1] + 800]
    y = y[:32000] * r.uniform(0.4, 1.0)
    return np.clip(np.rint(y), -32768, 32767).astype(np.int16)


def main():
    rng = np.random.default_rng(1234)
    items = []  # dicts

    # ---- emoji
    g = pkg("emoji-datasource-google")
    eb = pkg("emojibase-data")
    base = {e["hexcode"].upper(): e for e in json.load(open(os.path.join(eb, "en", "data.json")))}
    n_emoji = 0
    for e in json.load(open(os.path.join(g, "emoji.json"))):
        if not e.get("has_img_google") or e["category"] == "Component":
            continue
        key = e["unified"].upper()
        info = base.get(key) or base.get(e.get("non_qualified") or "", None)
        if info is None:
            info = base.get(key.replace("-FE0F", ""))
        label = clean_words(info["label"] if info else e["name"])
        tags = [clean_words(t) for t in (info.get("tags", []) if info else [])]
        f = os.path.join(g, "img", "google", "64", e["image"])
        if not os.path.exists(f):
            continue
        im = np.array(Image.open(f).convert("RGBA").resize((S, S), Image.LANCZOS))
        a = im[:, :, 3].astype(np.float32)[..., None] / 255.0
        rgb = np.rint(im[:, :, :3] * a + 255 * (1 - a)).astype(np.uint8)
        col = colour_name(im[:, :, :3], im[:, :, 3])
        tagtxt = ", ".join(t for t in tags if t and t not in label.split())
        cap = (col + " " if col else "") + label + (", " + tagtxt if tagtxt else "")
        sk = edge_sketch(rgb, im[:, :, 3], rng, thresh=1.2)
        items.append(dict(kind=0, rgb=rgb, alpha=im[:, :, 3], sketch=sk, caption=cap,
                          name=((col + " ") if col and rng.random() < 0.5 else "") + label,
                          split=split_of("emoji:" + label)))
        n_emoji += 1
    print("emoji", n_emoji, flush=True)

    # ---- icons
    jobs, meta = [], []
    t = pkg("@tabler") if os.path.isdir(os.path.join(NPM, "tabler")) else pkg("tabler-icons")
    tab = json.load(open(os.path.join(t, "icons.json")))
    for name, v in tab.items():
        if v.get("category") == "Brand" or name.startswith("brand-"):
            continue
        label = clean_words(name)
        tags = [clean_words(x) for x in v.get("tags", [])]
        for style, kind in (("outline", 1), ("filled", 2)):
            if style in v.get("styles", {}):
                f = os.path.join(t, "icons", style, name + ".svg")
                if os.path.exists(f):
                    jobs.append((f, kind))
                    meta.append((label, tags, "icon:" + label))
    lu = pkg("lucide-static")
    ltags = json.load(open(os.path.join(lu, "tags.json")))
    for name, tags in ltags.items():
        tl = [clean_words(x) for x in tags]
        if any(w in ("logo", "brand", "social") for w in " ".join(tl).split()):
            continue
        f = os.path.join(lu, "icons", name + ".svg")
        if os.path.exists(f):
            label = clean_words(name)
            jobs.append((f, 1))
            meta.append((label, tl, "icon:" + label))
    print("rendering", len(jobs), "icons", flush=True)
    with ThreadPoolExecutor(4) as ex:
        res = list(ex.map(icon_job, jobs, chunksize=16))
    for (f, kind), (alpha, sk), (label, tags, key) in zip(jobs, res, meta):
        if alpha.max() < 64:
            continue
        if sk is None:
            z = np.zeros((S, S, 3), np.uint8)
            sk = edge_sketch(z, alpha, rng, thresh=1.0)
        else:
            sk = jitter(sk, rng, amp=0.8)
        tagtxt = ", ".join(x for x in tags[:6] if x and x not in label.split())
        cap = label + (", " + tagtxt if tagtxt else "")
        items.append(dict(kind=kind, rgb=None, alpha=alpha, sketch=sk, caption=cap, name=label,
                          split=split_of(key)))
    print("items", len(items), flush=True)

    # ---- voice clips: every emoji, a third of the icons
    r = random.Random(7)
    want = [i for i, it in enumerate(items) if it["kind"] == 0 or r.random() < 0.33]
    print("speaking", len(want), flush=True)
    with ThreadPoolExecutor(3) as ex:
        clips = list(ex.map(speak, [(items[i]["name"], 1000 + i) for i in want], chunksize=8))
    aud_off = np.full(len(items), -1, np.int64)
    aud_len = np.zeros(len(items), np.int64)
    chunks, pos = [], 0
    for i, c in zip(want, clips):
        if c is None or len(c) < 1600:
            continue
        aud_off[i], aud_len[i] = pos, len(c)
        chunks.append(c)
        pos += len(c)
    audio = np.concatenate(chunks) if chunks else np.zeros(0, np.int16)

    N = len(items)
    rgb = np.zeros((N, S, S, 3), np.uint8)
    for i, it in enumerate(items):
        if it["rgb"] is not None:
            rgb[i] = it["rgb"]
    np.savez(OUT,
             kind=np.array([it["kind"] for it in items], np.int8),
             rgb=rgb,
             alpha=np.stack([it["alpha"] for it in items]).astype(np.uint8),
             sketch=np.stack([it["sketch"] for it in items]).astype(np.uint8),
             caption=np.array([it["caption"] for it in items]),
             name=np.array([it["name"] for it in items]),
             split=np.array([it["split"] for it in items], np.int8),
             audio=audio, aud_off=aud_off, aud_len=aud_len)
    k = np.array([it["kind"] for it in items])
    sp = np.array([it["split"] for it in items])
    print("wrote", OUT, "N", N, "emoji/line/filled", [(k == j).sum() for j in range(3)],
          "train/val/test", [(sp == j).sum() for j in range(3)], "clips", (aud_off >= 0).sum(),
          "audio s", len(audio) / 16000)


if __name__ == "__main__":
    if "--resketch" in sys.argv:
        resketch(OUT)
    else:
        main()
