"""Atelier's built-in generative model, written to be mirrored op by op in C.

Only these operators are used at inference: conv2d, group_norm, layer_norm,
linear, matmul, SiLU, GELU (tanh approximation), softmax, add, mul, scale,
channel concat, nearest x2 upsample, 2x2 average pool, reshapes, mean over
tokens. Attention is plain multi-head scaled dot product; the key masks used in
training only stand for "token absent", so at inference absent tokens are
simply left out of the sequence.

Every hyper-parameter lives in CFG and is written to atelier-model.json.
"""
import math
import re

import torch
import torch.nn as nn
import torch.nn.functional as F

CFG = dict(
    image_size=64,
    image_channels=3,
    width=128,                 # D: token width of every encoder and of fusion
    heads=4,
    mlp_ratio=4,               # transformer MLP hidden = width * mlp_ratio
    ln_eps=1e-5,
    gn_eps=1e-5,
    gn_groups=8,
    text_max_tokens=16,
    text_layers=2,
    sketch_channels=[32, 64, 128],
    audio_layers=1,
    audio_stack=4,
    fusion_layers=2,
    image_enc_channels=[32, 64, 128, 128],
    embed_dim=128,             # contrastive embedding size
    unet_channels=[16, 32, 64, 128],   # at 64, 32, 16, 8 pixels
    unet_attn_levels=[2, 3],           # levels with self+cross attention (16x16, 8x8)
    unet_attn_mlp_ratio=2,
    temb_dim=256,
    time_freq_dim=128,
    time_multiplier=1000.0,
    mel=dict(sample_rate=16000, clip_samples=32000, n_fft=400, hop=160, win=400,
             window="hann_periodic", n_mels=40, fmin=0.0, fmax=8000.0, mel_scale="htk",
             n_frames=200, power=2.0, log_floor=1e-5, log_offset=5.0, log_div=5.0),
)


def gelu(x):
    return F.gelu(x, approximate="tanh")


# ------------------------------------------------------------------ blocks
class Attention(nn.Module):
    """Multi-head attention with separate q/k/v/o projections (all with bias)."""

    def __init__(self, dim, heads, ctx_dim=None):
        super().__init__()
        ctx_dim = ctx_dim or dim
        self.heads = heads
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(ctx_dim, dim)
        self.v = nn.Linear(ctx_dim, dim)
        self.o = nn.Linear(dim, dim)

    def forward(self, x, ctx=None, key_mask=None):
        ctx = x if ctx is None else ctx
        B, N, C = x.shape
        M = ctx.shape[1]
        h = self.heads
        q = self.q(x).view(B, N, h, C // h).transpose(1, 2)
        k = self.k(ctx).view(B, M, h, C // h).transpose(1, 2)
        v = self.v(ctx).view(B, M, h, C // h).transpose(1, 2)
        a = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(C // h))
        if key_mask is not None:  # True = present
            a = a.masked_fill(~key_mask[:, None, None, :], float("-inf"))
        a = a.softmax(-1)
        y = (a @ v).transpose(1, 2).reshape(B, N, C)
        return self.o(y)


class Block(nn.Module):
    """Pre-LN transformer layer: x += attn(ln1 x); x += fc2(gelu(fc1(ln2 x)))."""

    def __init__(self, dim, heads, mlp_ratio, eps):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim, eps=eps)
        self.attn = Attention(dim, heads)
        self.ln2 = nn.LayerNorm(dim, eps=eps)
        self.fc1 = nn.Linear(dim, dim * mlp_ratio)
        self.fc2 = nn.Linear(dim * mlp_ratio, dim)

    def forward(self, x, mask=None):
        x = x + self.attn(self.ln1(x), key_mask=mask)
        return x + self.fc2(gelu(self.fc1(self.ln2(x))))


def masked_mean(x, mask):
    if mask is None:
        return x.mean(1)
    m = mask.float()[..., None]
    return (x * m).sum(1) / m.sum(1).clamp(min=1.0)


# ------------------------------------------------------------------ encoders
class TextEncoder(nn.Module):
    def __init__(self, vocab, c):
        super().__init__()
        D = c["width"]
        self.tok = nn.Embedding(vocab, D)
        self.pos = nn.Parameter(torch.randn(c["text_max_tokens"], D) * 0.02)
        self.layers = nn.ModuleList([Block(D, c["heads"], c["mlp_ratio"], c["ln_eps"])
                                     for _ in range(c["text_layers"])])
        self.ln_f = nn.LayerNorm(D, eps=c["ln_eps"])

    def forward(self, ids, mask=None):
        x = self.tok(ids) + self.pos[: ids.shape[1]]
        for l in self.layers:
            x = l(x, mask)
        return self.ln_f(x)


class SketchEncoder(nn.Module):
    """64x64 sketch -> 8x8 = 64 tokens (row-major) of width D."""

    def __init__(self, c):
        super().__init__()
        ch = c["sketch_channels"]
        D = c["width"]
        self.conv1 = nn.Conv2d(1, ch[0], 3, 2, 1)
        self.conv2 = nn.Conv2d(ch[0], ch[1], 3, 2, 1)
        self.conv3 = nn.Conv2d(ch[1], ch[2], 3, 2, 1)
        self.conv4 = nn.Conv2d(ch[2], D, 1)
        self.pos = nn.Parameter(torch.randn(64, D) * 0.02)
        self.ln_f = nn.LayerNorm(D, eps=c["ln_eps"])

    def forward(self, s):
        x = F.silu(self.conv1(s))
        x = F.silu(self.conv2(x))
        x = F.silu(self.conv3(x))
        x = self.conv4(x)                      # B, D, 8, 8
        x = x.flatten(2).transpose(1, 2)       # B, 64, D
        return self.ln_f(x + self.pos)


def mel_filterbank(m):
    """HTK-mel triangular filters (n_mels, n_fft/2+1), peak 1, no area norm."""
    n_bins = m["n_fft"] // 2 + 1
    def hz2mel(f):
        return 2595.0 * math.log10(1.0 + f / 700.0)
    lo, hi = hz2mel(m["fmin"]), hz2mel(m["fmax"])
    pts = [700.0 * (10 ** ((lo + (hi - lo) * i / (m["n_mels"] + 1)) / 2595.0) - 1.0)
           for i in range(m["n_mels"] + 2)]
    freqs = torch.arange(n_bins, dtype=torch.float64) * m["sample_rate"] / m["n_fft"]
    fb = torch.zeros(m["n_mels"], n_bins, dtype=torch.float64)
    for i in range(m["n_mels"]):
        l, c, r = pts[i], pts[i + 1], pts[i + 2]
        up = (freqs - l) / (c - l)
        down = (r - freqs) / (r - c)
        fb[i] = torch.clamp(torch.minimum(up, down), min=0.0)
    return fb.float()


def log_mel(wave, fb, m):
    """wave: (B, clip_samples) float in [-1, 1], zero padded / truncated to 2 s.
    Frame i covers samples [hop*i, hop*i + n_fft), i = 0..n_frames-1 (zeros past
    the end). Periodic Hann, |rfft|^2, mel = power @ fb^T,
    feature = (ln(max(mel, log_floor)) + log_offset) / log_div -> (B, n_frames, n_mels)."""
    B = wave.shape[0]
    need = m["hop"] * (m["n_frames"] - 1) + m["n_fft"]
    w = F.pad(wave, (0, need - wave.shape[1]))
    frames = w.unfold(1, m["n_fft"], m["hop"])[:, : m["n_frames"]]
    n = torch.arange(m["n_fft"], dtype=torch.float64, device=wave.device)
    win = (0.5 - 0.5 * torch.cos(2 * math.pi * n / m["n_fft"])).to(wave.dtype)
    spec = torch.fft.rfft(frames * win, dim=-1)
    power = spec.real ** 2 + spec.imag ** 2
    mel = power @ fb.t()
    return (torch.log(torch.clamp(mel, min=m["log_floor"])) + m["log_offset"]) / m["log_div"]


class AudioEncoder(nn.Module):
    """log-mel (B, 200, 40) -> stack 4 frames (B, 50, 160) -> linear -> +pos -> layers -> LN."""

    def __init__(self, c):
        super().__init__()
        m = c["mel"]
        D = c["width"]
        self.stack = c["audio_stack"]
        self.register_buffer("mel_fb", mel_filterbank(m))
        self.inp = nn.Linear(m["n_mels"] * self.stack, D)
        self.pos = nn.Parameter(torch.randn(m["n_frames"] // self.stack, D) * 0.02)
        self.layers = nn.ModuleList([Block(D, c["heads"], c["mlp_ratio"], c["ln_eps"])
                                     for _ in range(c["audio_layers"])])
        self.ln_f = nn.LayerNorm(D, eps=c["ln_eps"])

    def forward(self, mel):
        B, T, M = mel.shape
        x = mel.reshape(B, T // self.stack, self.stack * M)  # token j = frames 4j..4j+3, frame-major
        x = self.inp(x) + self.pos
        for l in self.layers:
            x = l(x)
        return self.ln_f(x)


class ImageEncoder(nn.Module):
    """Small CNN embedding of a clean image, for the contrastive space (search)."""

    def __init__(self, c):
        super().__init__()
        ch = [c["image_channels"]] + c["image_enc_channels"]
        self.convs = nn.ModuleList([nn.Conv2d(ch[i], ch[i + 1], 3, 2, 1) for i in range(len(ch) - 1)])
        self.proj = nn.Linear(ch[-1], c["embed_dim"])

    def forward(self, x):
        for cv in self.convs:
            x = F.silu(cv(x))
        return self.proj(x.mean((2, 3)))


# ------------------------------------------------------------------ fusion
MOD_TEXT, MOD_SKETCH, MOD_AUDIO = 0, 1, 2


class Fusion(nn.Module):
    """seq = [null] + (text@Wt + e_text) + (sketch@Ws + e_sketch) + (audio@Wa + e_audio);
    self-attention layers; ln_f; pooled = pool(mean over present tokens)."""

    def __init__(self, c):
        super().__init__()
        D = c["width"]
        self.null = nn.Parameter(torch.randn(D) * 0.02)
        self.proj_text = nn.Linear(D, D)
        self.proj_sketch = nn.Linear(D, D)
        self.proj_audio = nn.Linear(D, D)
        self.mod = nn.Parameter(torch.randn(3, D) * 0.02)  # rows: text, sketch, audio
        self.layers = nn.ModuleList([Block(D, c["heads"], c["mlp_ratio"], c["ln_eps"])
                                     for _ in range(c["fusion_layers"])])
        self.ln_f = nn.LayerNorm(D, eps=c["ln_eps"])
        self.pool = nn.Linear(D, c["temb_dim"])

    def forward(self, B, text=None, text_mask=None, sketch=None, sketch_mask=None,
                audio=None, audio_mask=None):
        parts = [self.null.expand(B, 1, -1)]
        masks = [torch.ones(B, 1, dtype=torch.bool, device=self.null.device)]
        for tok, m, proj, j in ((text, text_mask, self.proj_text, MOD_TEXT),
                                (sketch, sketch_mask, self.proj_sketch, MOD_SKETCH),
                                (audio, audio_mask, self.proj_audio, MOD_AUDIO)):
            if tok is None:
                continue
            parts.append(proj(tok) + self.mod[j])
            masks.append(m if m is not None else torch.ones(tok.shape[:2], dtype=torch.bool, device=tok.device))
        x = torch.cat(parts, 1)
        mask = torch.cat(masks, 1)
        full = bool(mask.all())
        for l in self.layers:
            x = l(x, None if full else mask)
        x = self.ln_f(x)
        pooled = self.pool(masked_mean(x, None if full else mask))
        return x, (None if full else mask), pooled


# ------------------------------------------------------------------ denoiser
def timestep_embedding(t, dim, mult):
    """half = dim/2; freqs[i] = exp(-ln(10000) i / half); emb = [cos(T f), sin(T f)], T = t*mult."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    a = (t.float() * mult)[:, None] * freqs[None]
    return torch.cat([torch.cos(a), torch.sin(a)], -1)


class ResBlock(nn.Module):
    """h = conv1(silu(gn1 x)) + emb_proj(silu(emb))[:, :, None, None];
    h = conv2(silu(gn2 h)); out = skip(x) + h  (skip = 1x1 conv when channels change)."""

    def __init__(self, cin, cout, temb, groups, eps):
        super().__init__()
        self.gn1 = nn.GroupNorm(groups, cin, eps=eps)
        self.conv1 = nn.Conv2d(cin, cout, 3, 1, 1)
        self.emb = nn.Linear(temb, cout)
        self.gn2 = nn.GroupNorm(groups, cout, eps=eps)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, semb):  # semb = silu(emb), computed once per call
        h = self.conv1(F.silu(self.gn1(x)))
        h = h + self.emb(semb)[:, :, None, None]
        h = self.conv2(F.silu(self.gn2(h)))
        return (x if self.skip is None else self.skip(x)) + h


class AttnBlock(nn.Module):
    """tokens = x as (B, H*W, C) row-major; t += self(ln1 t); t += cross(ln2 t, ctx);
    t += fc2(gelu(fc1(ln3 t))); back to (B, C, H, W)."""

    def __init__(self, ch, ctx_dim, heads, mlp_ratio, eps):
        super().__init__()
        self.ln1 = nn.LayerNorm(ch, eps=eps)
        self.self_attn = Attention(ch, heads)
        self.ln2 = nn.LayerNorm(ch, eps=eps)
        self.cross_attn = Attention(ch, heads, ctx_dim)
        self.ln3 = nn.LayerNorm(ch, eps=eps)
        self.fc1 = nn.Linear(ch, ch * mlp_ratio)
        self.fc2 = nn.Linear(ch * mlp_ratio, ch)

    def forward(self, x, ctx, ctx_mask=None):
        B, C, H, W = x.shape
        t = x.flatten(2).transpose(1, 2)
        t = t + self.self_attn(self.ln1(t))
        t = t + self.cross_attn(self.ln2(t), ctx, ctx_mask)
        t = t + self.fc2(gelu(self.fc1(self.ln3(t))))
        return t.transpose(1, 2).reshape(B, C, H, W)


class UNet(nn.Module):
    """in = cat(x_t, sketch) (4 ch) at 64x64; level i has unet_channels[i] channels at
    64 / 2^i; attention (self + cross) after the res blocks of the levels in unet_attn_levels
    and in the middle.

    h = conv_in(x)
    for i in 0..L-1:  [i > 0: h = avgpool2x2(h)]  h = d{i}(h) [+ d{i}_attn]   s_i = h
    h = m2(m_attn(m1(h)))                                         (lowest level)
    for i in L-1..0:  [i < L-1: h = up2(h)]  h = u{i}(cat(h, s_i)) [+ u{i}_attn]
    v = conv_out(silu(gn_out(h)))"""

    def __init__(self, c):
        super().__init__()
        ch = c["unet_channels"]
        L = len(ch)
        T, G, eps, D = c["temb_dim"], c["gn_groups"], c["gn_eps"], c["width"]
        hd, r = c["heads"], c["unet_attn_mlp_ratio"]
        self.L, self.attn_levels = L, set(c["unet_attn_levels"])
        self.freq_dim, self.mult = c["time_freq_dim"], c["time_multiplier"]
        self.time1 = nn.Linear(self.freq_dim, T)
        self.time2 = nn.Linear(T, T)
        self.conv_in = nn.Conv2d(c["image_channels"] + 1, ch[0], 3, 1, 1)
        self.down = nn.ModuleList()
        self.down_attn = nn.ModuleDict()
        for i in range(L):
            self.down.append(ResBlock(ch[max(i - 1, 0)], ch[i], T, G, eps))
            if i in self.attn_levels:
                self.down_attn[str(i)] = AttnBlock(ch[i], D, hd, r, eps)
        self.m1 = ResBlock(ch[-1], ch[-1], T, G, eps)
        self.m_attn = AttnBlock(ch[-1], D, hd, r, eps)
        self.m2 = ResBlock(ch[-1], ch[-1], T, G, eps)
        self.up = nn.ModuleList()
        self.up_attn = nn.ModuleDict()
        for i in range(L):
            cin = (ch[i + 1] if i + 1 < L else ch[-1]) + ch[i]
            self.up.append(ResBlock(cin, ch[i], T, G, eps))
            if i in self.attn_levels:
                self.up_attn[str(i)] = AttnBlock(ch[i], D, hd, r, eps)
        self.gn_out = nn.GroupNorm(G, ch[0], eps=eps)
        self.conv_out = nn.Conv2d(ch[0], c["image_channels"], 3, 1, 1)
        nn.init.zeros_(self.conv_out.weight)
        nn.init.zeros_(self.conv_out.bias)

    def forward(self, x, sketch, t, ctx, ctx_mask, pooled):
        emb = self.time2(F.silu(self.time1(timestep_embedding(t, self.freq_dim, self.mult)))) + pooled
        se = F.silu(emb)
        h = self.conv_in(torch.cat([x, sketch], 1))
        skips = []
        for i in range(self.L):
            if i > 0:
                h = F.avg_pool2d(h, 2)
            h = self.down[i](h, se)
            if i in self.attn_levels:
                h = self.down_attn[str(i)](h, ctx, ctx_mask)
            skips.append(h)
        h = self.m2(self.m_attn(self.m1(h, se), ctx, ctx_mask), se)
        for i in reversed(range(self.L)):
            if i < self.L - 1:
                h = F.interpolate(h, scale_factor=2, mode="nearest")
            h = self.up[i](torch.cat([h, skips[i]], 1), se)
            if i in self.attn_levels:
                h = self.up_attn[str(i)](h, ctx, ctx_mask)
        return self.conv_out(F.silu(self.gn_out(h)))


# ------------------------------------------------------------------ whole model
class AtelierModel(nn.Module):
    def __init__(self, vocab_size, c=CFG):
        super().__init__()
        self.cfg = c
        self.text = TextEncoder(vocab_size, c)
        self.sketch = SketchEncoder(c)
        self.audio = AudioEncoder(c)
        self.image = ImageEncoder(c)
        self.fusion = Fusion(c)
        self.unet = UNet(c)
        E, D = c["embed_dim"], c["width"]
        # contrastive heads: mean over the encoder's (present) tokens -> linear
        self.text_head = nn.Linear(D, E)
        self.sketch_head = nn.Linear(D, E)
        self.audio_head = nn.Linear(D, E)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def mel(self, wave):
        return log_mel(wave, self.audio.mel_fb, self.cfg["mel"])

    def condition(self, B, ids=None, ids_mask=None, sketch=None, sketch_mask=None,
                  mel=None, audio_mask=None):
        """Encoders + fusion. Returns ctx, ctx_mask, pooled and the encoder tokens.
        sketch_mask/audio_mask: (B,) bool, whether the modality is present per sample."""
        tt = self.text(ids, ids_mask) if ids is not None else None
        st = self.sketch(sketch) if sketch is not None else None
        at = self.audio(mel) if mel is not None else None
        sm = sketch_mask[:, None].expand(B, 64) if (st is not None and sketch_mask is not None) else None
        am = audio_mask[:, None].expand(B, at.shape[1]) if (at is not None and audio_mask is not None) else None
        ctx, cm, pooled = self.fusion(B, tt, ids_mask, st, sm, at, am)
        return ctx, cm, pooled, (tt, st, at)


# ------------------------------------------------------------------ tokenizer
def words(s):
    return [w for w in re.split(r"[^a-z0-9]+", s.lower()) if w]


class Tokenizer:
    """Word level: lower case, split on every non [a-z0-9] run, 0 <pad>, 1 <unk>."""

    def __init__(self, vocab, max_tokens):
        self.vocab = list(vocab)
        self.index = {w: i for i, w in enumerate(self.vocab)}
        self.max_tokens = max_tokens

    def encode(self, s):
        return [self.index.get(w, 1) for w in words(s)][: self.max_tokens]

