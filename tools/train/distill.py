#!/usr/bin/python3
"""Distil the shipped model (the teacher) into a few-step student, resumable.

  OMP_NUM_THREADS=2 nice /usr/bin/python3 tools/train/distill.py --minutes 40
  /usr/bin/python3 tools/train/distill.py --export     # -> resources/models/atelier-student.*

Method (stated in MODEL_CARD.md): guidance-distilled step distillation on the
rectified-flow ODE. The student has the teacher's architecture and starts from
its weights; only its denoiser (unet.*) is trained, so the encoders, fusion and
contrastive heads stay the teacher's. For a run of K steps (K = 4, or 2 for
live previews) and a step i, the student's one Euler step from x(t_i) to
t_{i+1} must land where the teacher lands with 12/K guided Euler steps
(guidance 2.5, conditional and unconditional branches), so at run time the
student needs no guidance and a quarter (or a sixth) of the steps. x(t_i) is
drawn from the flow's marginal, (1 - t) x0 + t noise, which is what the
teacher's ODE passes through.

Checkpoints (student, EMA, optimiser) go to $XDG_CACHE_HOME/atelier/distill.
"""
import argparse
import json
import os
import signal
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from model import AtelierModel  # noqa: E402
from train import optimise, Data, load_tokenizer, default_ckpt, to_png, sample  # noqa: E402
import st  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
MODELS = os.path.join(ROOT, "resources", "models")
TEACHER_STEPS = 12
GUIDANCE = 2.5


def load_teacher(models):
    conf = json.load(open(os.path.join(models, "atelier-model.json")))
    m = AtelierModel(conf["vocab_size"], conf["hyper"])
    m.load_state_dict({k: v.float() for k, v in st.load_file(os.path.join(models, "atelier-model.safetensors")).items()})
    m.requires_grad_(False)
    return m.eval(), conf


@torch.no_grad()
def condition(teacher, b, rng):
    """Fused context with per-sample modality dropout (the student must serve text only,
    sketch only, voice, and all of them), and the unconditional context."""
    B = b["x0"].shape[0]
    ids, sk, mel = b["ids"], b["sketch"], b["mel"]
    ids_mask = ids > 0
    keep_t = torch.rand(B, generator=rng) > 0.15
    keep_s = torch.rand(B, generator=rng) > 0.2
    keep_a = b["has_audio"] & (torch.rand(B, generator=rng) > 0.5)
    tt, stt, at = teacher.text(ids, ids_mask), teacher.sketch(sk), teacher.audio(mel)
    ctx, cm, pooled = teacher.fusion(B, tt, ids_mask & keep_t[:, None], stt, keep_s[:, None].expand(B, 64),
                                     at, keep_a[:, None].expand(B, at.shape[1]))
    uctx, ucm, upooled, _ = teacher.condition(B)
    sk_in = sk * keep_s[:, None, None, None].float()
    return (sk_in, ctx, cm, pooled), (torch.zeros_like(sk), uctx, ucm, upooled)


@torch.no_grad()
def teacher_target(teacher, x, t0, t1, n_sub, cond, uncond):
    """Velocity of the straight step from x(t0) to where n_sub guided teacher steps end."""
    B = x.shape[0]
    y = x.clone()
    ts = [t0 + (t1 - t0) * k / n_sub for k in range(n_sub + 1)]
    for k in range(n_sub):
        t = torch.full((B,), ts[k])
        vc = teacher.unet(y, cond[0], t, cond[1], cond[2], cond[3])
        vu = teacher.unet(y, uncond[0], t, uncond[1], uncond[2], uncond[3])
        y = y + (ts[k + 1] - ts[k]) * (vu + GUIDANCE * (vc - vu))
    return (y - x) / (t1 - t0)


def distill_step(student, teacher, b, rng):
    B = b["x0"].shape[0]
    cond, uncond = condition(teacher, b, rng)
    K = 4 if torch.rand(1, generator=rng).item() < 0.7 else 2
    i = int(torch.randint(0, K, (1,), generator=rng))
    t0, t1 = 1.0 - i / K, 1.0 - (i + 1) / K
    n = torch.randn(b["x0"].shape, generator=rng)
    x = (1 - t0) * b["x0"] + t0 * n
    target = teacher_target(teacher, x, t0, t1, TEACHER_STEPS // K, cond, uncond)
    v = student.unet(x, cond[0], torch.full((B,), t0), cond[1], cond[2], cond[3])
    return F.mse_loss(v, target)


def export(ckpt_dir, teacher_dir, out):
    ck = torch.load(os.path.join(ckpt_dir, "last.pt"), map_location="cpu")
    teacher, conf = load_teacher(teacher_dir)
    teacher.unet.load_state_dict(ck["ema"])
    sd = {k: v.half() for k, v in teacher.state_dict().items()}
    st.save_file(sd, os.path.join(out, "atelier-student.safetensors"),
                 metadata={"format": "atelier-model", "config": "atelier-student.json"})
    conf["weights"] = "atelier-student.safetensors"
    conf["name"] = conf.get("name", "atelier-v1") + "-fast"
    conf["student"] = dict(teacher="atelier-model.safetensors", method=__doc__.split("Method (stated in MODEL_CARD.md): ")[1].split("\n\n")[0].replace("\n", " "),
                           distill_steps=ck["step"], distill_samples=ck["seen"], distill_hours=round(ck["train_s"] / 3600, 2))
    conf["flow"]["default_steps"] = 4
    conf["flow"]["preview_steps"] = 2
    conf["flow"]["default_guidance"] = 1.0
    conf["flow"]["timesteps"]["4"] = [1.0, 0.75, 0.5, 0.25, 0.0]
    conf["flow"]["timesteps"]["2"] = [1.0, 0.5, 0.0]
    tmp = os.path.join(out, "atelier-student.json.tmp")
    with open(tmp, "w") as f:
        json.dump(conf, f, indent=1)
    os.replace(tmp, os.path.join(out, "atelier-student.json"))
    print("exported student step", ck["step"], "samples", ck["seen"])


def main():
    cache = os.path.join(os.path.dirname(default_ckpt()), "distill")
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--minutes", type=float, default=1e9)
    ap.add_argument("--ckpt", default=cache)
    ap.add_argument("--data", default=os.path.join(ROOT, "data", "dataset.npz"))
    ap.add_argument("--export", action="store_true", help="write resources/models/atelier-student.* and stop")
    ap.add_argument("--teacher", default=MODELS, help="folder of the teacher (atelier-model.* + tokenizer.json)")
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args()
    if args.export:
        return export(args.ckpt, args.teacher, MODELS)
    if args.threads:
        torch.set_num_threads(args.threads)
    os.makedirs(args.ckpt, exist_ok=True)
    teacher, conf = load_teacher(args.teacher)
    tok = load_tokenizer(os.path.join(args.teacher, "tokenizer.json"))
    student = AtelierModel(conf["vocab_size"], conf["hyper"])
    student.load_state_dict(teacher.state_dict())
    unet, ema = student.unet, AtelierModel(conf["vocab_size"], conf["hyper"]).unet
    ema.load_state_dict(unet.state_dict())
    ema.requires_grad_(False)
    opt = torch.optim.AdamW(unet.parameters(), lr=args.lr, betas=(0.9, 0.99), weight_decay=0.0)
    step, seen, train_s = 0, 0, 0.0
    last = os.path.join(args.ckpt, "last.pt")
    if os.path.exists(last):
        ck = torch.load(last, map_location="cpu")
        unet.load_state_dict(ck["model"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["opt"])
        step, seen, train_s = ck["step"], ck["seen"], ck["train_s"]
        print("resumed at step", step, flush=True)
    data = Data(args.data, 0, tok, teacher, seed=step + 7, p_silhouette=0.5)
    val = Data(args.data, 1, tok, teacher, seed=123)
    rng = torch.Generator().manual_seed(step + 11)
    log = open(os.path.join(args.ckpt, "distill.log"), "a")

    def save():
        torch.save(dict(model=unet.state_dict(), ema=ema.state_dict(), opt=opt.state_dict(), step=step,
                        seen=seen, train_s=train_s), last + ".tmp")
        os.replace(last + ".tmp", last)

    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    t_start = t_save = time.time()
    avg = None
    while True:
        t0 = time.time()
        b = data.batch(args.batch, mix=(0.5, 0.1, 0.4))
        unet.train()
        loss = distill_step(student, teacher, b, rng)
        optimise(loss, opt, ema, unet, step, 0.995)
        step += 1
        seen += args.batch
        train_s += time.time() - t0
        avg = loss.item() if avg is None else 0.95 * avg + 0.05 * loss.item()
        if step % 10 == 0:
            msg = "step %d seen %d loss %.4f %.1f s/step %s" % (step, seen, avg, time.time() - t0, time.strftime("%H:%M:%S"))
            print(msg, flush=True)
            log.write(msg + "\n")
            log.flush()
        done = (time.time() - t_start) / 60 >= args.minutes or bool(stop)
        if time.time() - t_save > 300 or done:
            save()
            t_save = time.time()
        if done:
            break
    # a sheet: teacher 12 guided steps, student 4 and 2 steps without guidance
    idx = val.rng.choice(len(val), 8, replace=False)
    b = val.make(idx)
    s4 = AtelierModel(conf["vocab_size"], conf["hyper"])
    s4.load_state_dict(teacher.state_dict())
    s4.unet.load_state_dict(ema.state_dict())
    rows = [b["x0"], sample(teacher, 8, "cpu", ids=b["ids"], sketch=b["sketch"], steps=12, guidance=GUIDANCE),
            sample(s4, 8, "cpu", ids=b["ids"], sketch=b["sketch"], steps=4, guidance=1.0),
            sample(s4, 8, "cpu", ids=b["ids"], sketch=b["sketch"], steps=2, guidance=1.0)]
    to_png(rows, os.path.join(args.ckpt, "student_step%06d.png" % step))


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
