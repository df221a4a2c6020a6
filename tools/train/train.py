#!/usr/bin/python3
"""Train Atelier's built-in model (rectified flow + contrastive), resumable.

  OMP_NUM_THREADS=2 /usr/bin/python3 tools/train/train.py            # CPU, resumes checkpoints/last.pt
  /usr/bin/python3 tools/train/train.py --device cuda --batch 128    # GPU, same code

Reads data/dataset.npz (tools/dataset/build.sh). Writes, in the checkpoint folder
(--ckpt, default $XDG_CACHE_HOME/atelier/train, outside the repository), last.pt
(model, EMA, optimiser, step), tokenizer.json, train.log and sample sheets
samples/step*.png. A new run starts from the shipped weights (--init, v1 ->
v2) with the shipped tokenizer; `--init none` starts from scratch.
"""
import argparse
import json
import math
import os
import random
import shutil
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import CFG, AtelierModel, Tokenizer, words  # noqa: E402
import dataset_io  # noqa: E402
import st  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "dataset"))
from build import jitter  # noqa: E402

MODELS = os.path.join(ROOT, "resources", "models")


def default_ckpt():
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "atelier", "train")


def silhouette_sketch(alpha, rng):
    """What a designer draws for filled art: only the shape's outline, 1-3 px, wobbled.
    Teaches that a closed contour without the word 'outline' asks for a filled shape."""
    inside = alpha > 128
    q = np.pad(inside, 1)
    edge = inside & ~(q[:-2, 1:-1] & q[2:, 1:-1] & q[1:-1, :-2] & q[1:-1, 2:])
    for _ in range(rng.integers(0, 3)):
        e = edge.copy()
        e[1:, :] |= edge[:-1, :]
        e[:, 1:] |= edge[:, :-1]
        edge = e
    return jitter(edge.astype(np.uint8), rng, amp=float(rng.uniform(0.6, 1.6)))

# colour words: the tint used for icons (RGB) and the names emoji are labelled with
PALETTE = {
    "red": (214, 40, 40), "orange": (245, 130, 25), "yellow": (240, 200, 30),
    "green": (46, 160, 67), "blue": (35, 95, 215), "purple": (130, 60, 190),
    "pink": (235, 100, 170), "brown": (130, 80, 40), "black": (25, 25, 25),
    "gray": (125, 125, 125),
}
EXTRA_WORDS = """red orange yellow green blue purple pink brown black white gray grey cyan teal
gold silver violet magenta dark light bright pale colorful colourful a an the of with and in on
at small big large tiny little round square circle triangle star heart line outline filled flat
icon emoji drawing sketch picture illustration cute happy sad simple shaded""".split()


def build_tokenizer(captions, path, max_tokens):
    counts = {}
    for c in captions:
        for w in words(c):
            counts[w] = counts.get(w, 0) + 1
    vocab = ["<pad>", "<unk>"]
    seen = set(vocab)
    for w in EXTRA_WORDS + sorted(counts, key=lambda w: (-counts[w], w)):
        if w not in seen:
            vocab.append(w)
            seen.add(w)
    tok = dict(type="word", lowercase=True, split_regex="[^a-z0-9]+", max_tokens=max_tokens,
               pad_id=0, unk_id=1, vocab=vocab)
    with open(path + ".tmp", "w") as f:
        json.dump(tok, f)
    os.replace(path + ".tmp", path)
    return tok


def load_tokenizer(path):
    j = json.load(open(path))
    return Tokenizer(j["vocab"], j["max_tokens"])


class Data:
    """In-memory data set; batches are composed on the fly (icon tints, captions)."""

    def __init__(self, path, split, tok, model, seed, p_silhouette=0.0):
        self.p_silhouette = p_silhouette
        d = dataset_io.load(path)
        sel = np.nonzero(d["split"] == split)[0]
        self.kind = d["kind"][sel]
        self.rgb = d["rgb"][sel]
        self.alpha = d["alpha"][sel]
        self.sketch = d["sketch"][sel]
        self.caption = [str(c) for c in d["caption"][sel]]
        self.name = [str(c) for c in d["name"][sel]]
        self.tok = tok
        off, ln, audio = d["aud_off"][sel], d["aud_len"][sel], d["audio"]
        self.has_audio = off >= 0
        # log-mel of every clip, computed once with the model's own front end
        m = CFG["mel"]
        self.mel = torch.zeros(len(sel), m["n_frames"], m["n_mels"], dtype=torch.float16)
        idx = np.nonzero(self.has_audio)[0]
        with torch.no_grad():
            for s in range(0, len(idx), 256):
                b = idx[s:s + 256]
                w = torch.zeros(len(b), m["clip_samples"])
                for j, i in enumerate(b):
                    c = torch.from_numpy(audio[off[i]:off[i] + ln[i]].astype(np.float32) / 32768.0)
                    w[j, : len(c)] = c[: m["clip_samples"]]
                self.mel[b] = model.mel(w).half()
        self.by_kind = [np.nonzero(self.kind == k)[0] for k in range(3)]
        self.rng = np.random.default_rng(seed)
        yy = np.linspace(0, 1, 64, dtype=np.float32)[:, None, None]
        xx = np.linspace(0, 1, 64, dtype=np.float32)[None, :, None]
        # top-left light: a soft shading for filled icons
        self.shade = np.clip(1.22 - 0.38 * yy - 0.12 * xx, 0, 1.3)

    def __len__(self):
        return len(self.kind)

    def compose(self, i, colour=None):
        """-> image float (64,64,3) in [0,1], sketch (64,64) float, caption text."""
        r = self.rng
        k = self.kind[i]
        cap = self.caption[i]
        parts = [p.strip() for p in cap.split(",")]
        head, tags = parts[0], [p for p in parts[1:] if p]
        r.shuffle(tags)
        tags = tags[: r.integers(0, 4)]
        if k == 0:
            img = self.rgb[i].astype(np.float32) / 255.0
            text = ", ".join([head] + tags)
        else:
            if colour is None:
                colour = list(PALETTE)[r.integers(len(PALETTE))]
            c = np.array(PALETTE[colour], np.float32) / 255.0
            c = np.clip(c + r.normal(0, 0.04, 3).astype(np.float32), 0, 1)
            a = self.alpha[i].astype(np.float32)[..., None] / 255.0
            col = np.clip(c * self.shade, 0, 1) if k == 2 else c
            img = col * a + (1 - a)
            text = ", ".join([colour + " " + head] + tags + (["outline"] if k == 1 else []))
        sk = self.sketch[i]
        if k != 1 and r.random() < self.p_silhouette:
            sk = silhouette_sketch(self.alpha[i], r)
        return img, sk.astype(np.float32), text

    def batch(self, B, mix=(0.5, 0.3, 0.2)):
        r = self.rng
        ks = r.choice(3, size=B, p=np.array(mix) / sum(mix))
        idx = np.array([r.choice(self.by_kind[k]) for k in ks])
        return self.make(idx)

    def make(self, idx, colours=None):
        B = len(idx)
        imgs, sks, ids = [], [], []
        L = self.tok.max_tokens
        texts = []
        for j, i in enumerate(idx):
            im, sk, text = self.compose(i, None if colours is None else colours[j])
            imgs.append(im)
            sks.append(sk)
            texts.append(text)
            t = self.tok.encode(text)
            ids.append(t + [0] * (L - len(t)))
        x0 = torch.from_numpy(np.stack(imgs)).permute(0, 3, 1, 2) * 2 - 1
        sk = torch.from_numpy(np.stack(sks))[:, None]
        ids = torch.tensor(ids, dtype=torch.long)
        mel = self.mel[idx].float()
        has_audio = torch.from_numpy(self.has_audio[idx])
        return dict(x0=x0.float(), sketch=sk, ids=ids, mel=mel, has_audio=has_audio, texts=texts, idx=idx)


def optimise(loss, opt, ema, model, step, ema_cap):
    """One step: backward, clip to 1.0, AdamW, then the EMA (decay warming up to ema_cap)."""
    opt.zero_grad(set_to_none=True)
    loss.backward()
    gn = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    decay = min(ema_cap, (1 + step) / (10 + step))
    with torch.no_grad():
        for pe, pm in zip(ema.parameters(), model.parameters()):
            pe.mul_(decay).add_(pm.detach(), alpha=1 - decay)
    return gn


def contrastive(a, b, scale):
    a = F.normalize(a, dim=-1)
    b = F.normalize(b, dim=-1)
    logits = scale * a @ b.t()
    y = torch.arange(len(a), device=a.device)
    return 0.5 * (F.cross_entropy(logits, y) + F.cross_entropy(logits.t(), y))


def embeddings(model, bt, ids_mask, tt, st, at):
    from model import masked_mean
    e_txt = model.text_head(masked_mean(tt, ids_mask))
    e_sk = model.sketch_head(st.mean(1))
    e_aud = model.audio_head(at.mean(1))
    return e_txt, e_sk, e_aud


def train_step(model, b, dev, p_drop=0.15, p_all=0.1):
    B = b["x0"].shape[0]
    x0 = b["x0"].to(dev)
    sk = b["sketch"].to(dev)
    ids = b["ids"].to(dev)
    mel = b["mel"].to(dev)
    has_audio = b["has_audio"].to(dev)
    ids_mask = ids > 0
    # modality dropout: each 15 %, everything 10 % (-> unconditional for CFG)
    keep_t = torch.rand(B, device=dev) > p_drop
    keep_s = torch.rand(B, device=dev) > p_drop
    keep_a = has_audio & (torch.rand(B, device=dev) > 0.5)
    none = torch.rand(B, device=dev) < p_all
    keep_t, keep_s, keep_a = keep_t & ~none, keep_s & ~none, keep_a & ~none
    # encoders see everything (the contrastive loss uses full inputs); fusion sees what is kept
    tt = model.text(ids, ids_mask)
    st = model.sketch(sk)
    at = model.audio(mel)
    tmask = ids_mask & keep_t[:, None]
    smask = keep_s[:, None].expand(B, st.shape[1])
    amask = keep_a[:, None].expand(B, at.shape[1])
    ctx, cmask, pooled = model.fusion(B, tt, tmask, st, smask, at, amask)
    sk_in = sk * keep_s[:, None, None, None].float()
    # rectified flow: x_t = (1-t) x0 + t n, target v = n - x0
    u = torch.rand(B, device=dev)
    ln = torch.sigmoid(torch.randn(B, device=dev))
    t = torch.where(torch.rand(B, device=dev) < 0.5, u, ln)
    n = torch.randn_like(x0)
    xt = (1 - t[:, None, None, None]) * x0 + t[:, None, None, None] * n
    v = model.unet(xt, sk_in, t, ctx, cmask, pooled)
    fm = F.mse_loss(v, n - x0)
    # contrastive
    scale = model.logit_scale.exp().clamp(max=100)
    e_img = model.image(x0)
    e_txt, e_sk, e_aud = embeddings(model, B, ids_mask, tt, st, at)
    cl = contrastive(e_img, e_txt, scale) + contrastive(e_img, e_sk, scale)
    if has_audio.sum() >= 4:
        h = has_audio
        cl = cl + contrastive(e_img[h], e_aud[h], scale) + contrastive(e_txt[h], e_aud[h], scale)
    return fm, cl


@torch.no_grad()
def sample(model, B, dev, ids=None, sketch=None, mel=None, steps=12, guidance=3.0, seed=0, noise=None):
    """Euler from t=1 (noise) to t=0 on the schedule linspace(1, 0, steps+1), with CFG
    v = v_u + g (v_c - v_u); the unconditional branch has only the null token and a zero sketch."""
    g = torch.Generator().manual_seed(seed)
    x = noise if noise is not None else torch.randn(B, 3, 64, 64, generator=g)
    x = x.to(dev)
    ids_mask = ids > 0 if ids is not None else None
    sm = torch.ones(B, dtype=torch.bool, device=dev)
    ctx, cm, pooled, _ = model.condition(B, ids, ids_mask, sketch, sm if sketch is not None else None,
                                         mel, sm if mel is not None else None)
    uctx, ucm, upooled, _ = model.condition(B)
    sk = sketch if sketch is not None else torch.zeros(B, 1, 64, 64, device=dev)
    zs = torch.zeros_like(sk)
    ts = torch.linspace(1, 0, steps + 1)
    for i in range(steps):
        t = torch.full((B,), float(ts[i]), device=dev)
        vc = model.unet(x, sk, t, ctx, cm, pooled)
        if guidance != 1.0:
            vu = model.unet(x, zs, t, uctx, ucm, upooled)
            v = vu + guidance * (vc - vu)
        else:
            v = vc
        x = x + (ts[i + 1] - ts[i]).item() * v
    return x.clamp(-1, 1)


def to_png(rows, path):
    """rows: list of tensors (B,3,64,64) in [-1,1] -> a grid PNG."""
    grid = torch.cat([torch.cat(list(r), 2) for r in rows], 1)  # 3, H, W
    a = ((grid.clamp(-1, 1) + 1) * 127.5).round().byte().permute(1, 2, 0).cpu().numpy()
    Image.fromarray(a).save(path)


def write_samples(model, val, dev, path, seed=0):
    idx = val.rng.choice(len(val), 8, replace=False)
    b = val.make(idx)
    ids = b["ids"].to(dev)
    sk = b["sketch"].to(dev)
    a = sample(model, 8, dev, ids=ids, sketch=sk, seed=seed)
    c = sample(model, 8, dev, ids=ids, seed=seed)
    d = sample(model, 8, dev, sketch=sk, seed=seed)
    rows = [b["x0"], sk.expand(-1, 3, -1, -1) * -2 + 1, a, c, d]
    to_png([r.cpu() for r in rows], path)
    with open(path.replace(".png", ".txt"), "w") as f:
        f.write("rows: truth, sketch, text+sketch, text only, sketch only\n" + "\n".join(b["texts"]) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--mix", default="0.5,0.1,0.4", help="batch shares of emoji, line icons, filled icons")
    ap.add_argument("--silhouette", type=float, default=0.5,
                    help="share of filled art sketched as its outline only (v2: favour filled shapes)")
    ap.add_argument("--init", default=os.path.join(MODELS, "atelier-model.safetensors"),
                    help="weights a new run starts from (the shipped model), or 'none'")
    ap.add_argument("--ema", type=float, default=0.995, help="EMA decay cap")
    ap.add_argument("--minutes", type=float, default=1e9, help="stop after this many minutes")
    ap.add_argument("--steps", type=int, default=10 ** 9)
    ap.add_argument("--ckpt", default=default_ckpt())
    ap.add_argument("--data", default=os.path.join(ROOT, "data", "dataset.npz"))
    ap.add_argument("--save-every", type=float, default=300, help="seconds")
    ap.add_argument("--sample-every", type=float, default=900, help="seconds")
    ap.add_argument("--threads", default="0",
                    help="intra-op threads; 'auto' tracks step time with 1 and 2 threads and uses the faster (the CPU is shared)")
    args = ap.parse_args()
    auto = args.threads == "auto"
    if not auto and int(args.threads):
        torch.set_num_threads(int(args.threads))
    step_t = {2: None, 1: None}  # running seconds per step with that many threads
    dev = torch.device(args.device)
    os.makedirs(os.path.join(args.ckpt, "samples"), exist_ok=True)
    tok_path = os.path.join(args.ckpt, "tokenizer.json")
    fresh = not os.path.exists(os.path.join(args.ckpt, "last.pt"))
    if fresh and args.init != "none" and not os.path.exists(tok_path):
        shutil.copyfile(os.path.join(os.path.dirname(args.init), "tokenizer.json"), tok_path)
    if not os.path.exists(tok_path):
        d = dataset_io.load(args.data)
        build_tokenizer([str(c) for c in d["caption"]], tok_path, CFG["text_max_tokens"])
    tok = load_tokenizer(tok_path)
    torch.manual_seed(0)
    model = AtelierModel(len(tok.vocab)).to(dev)
    ema = AtelierModel(len(tok.vocab)).to(dev)
    if fresh and args.init != "none":
        w = st.load_file(args.init)
        model.load_state_dict({k: v.float() for k, v in w.items()})
        print("initialised from", args.init, flush=True)
    ema.load_state_dict(model.state_dict())
    ema.requires_grad_(False)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.99), weight_decay=0.01)
    step, seen, train_s = 0, 0, 0.0
    init_from = os.path.basename(args.init) if fresh and args.init != "none" else None
    last = os.path.join(args.ckpt, "last.pt")
    if os.path.exists(last):
        ck = torch.load(last, map_location=dev)
        model.load_state_dict(ck["model"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["opt"])
        step, seen, train_s = ck["step"], ck["seen"], ck.get("train_s", 0.0)
        init_from = ck.get("init")
        print("resumed at step", step, flush=True)
    nparams = sum(p.numel() for p in model.parameters())
    print("params", nparams, "vocab", len(tok.vocab), flush=True)
    cpu_model = model if args.device == "cpu" else AtelierModel(len(tok.vocab))
    train = Data(args.data, 0, tok, cpu_model, seed=step + 1, p_silhouette=args.silhouette)
    val = Data(args.data, 1, tok, cpu_model, seed=123)
    print("train", len(train), "val", len(val), flush=True)
    log = open(os.path.join(args.ckpt, "train.log"), "a")

    def save():
        ck = dict(model=model.state_dict(), ema=ema.state_dict(), opt=opt.state_dict(), step=step,
                  seen=seen, train_s=train_s, cfg=CFG, vocab_size=len(tok.vocab), init=init_from)
        torch.save(ck, last + ".tmp")
        os.replace(last + ".tmp", last)

    stop = []
    import signal
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))  # save, then exit
    t_start = time.time()
    t_save = t_sample = time.time()
    fm_avg = cl_avg = None
    while True:
        if auto:
            # the cores are shared: keep a running step time per thread count, use the faster,
            # and try the other one every 16 steps (two threads collapse when a core is busy)
            unknown = [n for n, v in step_t.items() if v is None]
            best = unknown[0] if unknown else min(step_t, key=step_t.get)
            k = (3 - best) if step % 16 == 15 else best
            torch.set_num_threads(k)
        t0 = time.time()
        lr = args.lr * min(1.0, (step + 1) / 100)
        for gparam in opt.param_groups:
            gparam["lr"] = lr
        b = train.batch(args.batch, mix=[float(x) for x in args.mix.split(",")])
        model.train()
        fm, cl = train_step(model, b, dev)
        loss = fm + 0.1 * cl
        gn = optimise(loss, opt, ema, model, step, args.ema)
        step += 1
        seen += args.batch
        dt = time.time() - t0
        train_s += dt
        if auto:
            n_t = torch.get_num_threads()
            step_t[n_t] = dt if step_t[n_t] is None else 0.6 * step_t[n_t] + 0.4 * dt
        fm_avg = fm.item() if fm_avg is None else 0.98 * fm_avg + 0.02 * fm.item()
        cl_avg = cl.item() if cl_avg is None else 0.98 * cl_avg + 0.02 * cl.item()
        if step % 20 == 0:
            msg = "step %d seen %d fm %.4f cl %.3f gn %.2f lr %.2e %.1f samples/s train_h %.2f threads %d %s" % (
                step, seen, fm_avg, cl_avg, gn, lr, args.batch / (time.time() - t0), train_s / 3600,
                torch.get_num_threads(), time.strftime("%H:%M:%S"))
            print(msg, flush=True)
            log.write(msg + "\n")
            log.flush()
        now = time.time()
        done = step >= args.steps or (now - t_start) / 60 >= args.minutes or bool(stop)
        if now - t_save > args.save_every or done:
            save()
            t_save = now
        if now - t_sample > args.sample_every or (done and not stop):
            ema.eval()
            write_samples(ema, val, dev, os.path.join(args.ckpt, "samples", "step%06d.png" % step))
            t_sample = time.time()
        if done:
            break


if __name__ == "__main__":
    main()
