#!/usr/bin/python3
"""Golden log-mel features for the engine's audio front end (engine/audio/mel.c).

Writes tests/data/mel_golden.safetensors with
  wave     (32000,)   2 s at 16 kHz: a linear chirp 60 Hz -> 7.5 kHz, a 440 Hz tone
                      and a 3 kHz burst, faded in, with the last 0.2 s silent
  fb       (40, 201)  tools/train/model.py mel_filterbank(CFG["mel"])
  log_mel  (200, 40)  tools/train/model.py log_mel(wave[None], fb, CFG["mel"])[0]
and the mel configuration as JSON in the metadata key "mel".

Computed exactly as the model computes it in training (float32, torch.fft.rfft).
Run with Debian's PyTorch:  /usr/bin/python3 tools/golden/export_mel.py
"""
import json
import math
import os
import sys

import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "train"))
from model import CFG, log_mel, mel_filterbank  # noqa: E402
import st  # noqa: E402

OUT = os.path.join(ROOT, "tests", "data", "mel_golden.safetensors")


def waveform(m):
    sr, n = m["sample_rate"], m["clip_samples"]
    t = torch.arange(n, dtype=torch.float64) / sr
    dur = n / sr
    f0, f1 = 60.0, 7500.0
    chirp = 0.4 * torch.sin(2 * math.pi * (f0 * t + 0.5 * (f1 - f0) / dur * t * t))
    tone = 0.2 * torch.sin(2 * math.pi * 440.0 * t)
    burst = 0.3 * torch.sin(2 * math.pi * 3000.0 * t) * ((t > 0.8) & (t < 1.1))
    fade = torch.clamp(t / 0.05, max=1.0)
    w = (chirp + tone + burst) * fade
    w[t >= dur - 0.2] = 0.0
    return w.float()


def main():
    m = CFG["mel"]
    wave = waveform(m)
    fb = mel_filterbank(m)
    with torch.no_grad():
        feat = log_mel(wave[None], fb, m)[0]
    assert feat.shape == (m["n_frames"], m["n_mels"]), feat.shape
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    st.save_file({"wave": wave, "fb": fb.contiguous(), "log_mel": feat.contiguous()}, OUT,
                 metadata={"mel": json.dumps(m),
                           "wave": "chirp 60 Hz -> 7.5 kHz (0.4) + 440 Hz tone (0.2) + 3 kHz burst "
                                   "0.8-1.1 s (0.3), 50 ms fade-in, last 0.2 s silent",
                           "made_by": "tools/golden/export_mel.py, torch " + torch.__version__})
    print(OUT, os.path.getsize(OUT), "bytes; log_mel range",
          float(feat.min()), float(feat.max()))


if __name__ == "__main__":
    main()
