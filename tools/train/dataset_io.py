"""Reading the training set, whole (data/dataset.npz from tools/dataset/build.sh)
or packed (data/dataset-packed.npz from tools/train/pack.py: compressed, the
speech as 8-bit mu-law with its silences trimmed, small enough to carry to a
GPU machine). load() gives the same keys either way; the audio comes back as
int16."""
import numpy as np

MU = 255.0


def mulaw_encode(x):
    """int16 samples -> uint8 mu-law codes (G.711-style curve, mu = 255)."""
    y = x.astype(np.float32) / 32768.0
    c = np.sign(y) * np.log1p(MU * np.abs(y)) / np.log1p(MU)
    return np.clip(np.round((c + 1) * 127.5), 0, 255).astype(np.uint8)


def mulaw_decode(q):
    """uint8 mu-law codes -> int16 samples."""
    c = q.astype(np.float32) / 127.5 - 1
    y = np.sign(c) * np.expm1(np.abs(c) * np.log1p(MU)) / MU
    return np.clip(np.round(y * 32768.0), -32768, 32767).astype(np.int16)


def load(path):
    """The data set's arrays by name, audio decoded when packed."""
    with np.load(path) as z:
        d = {k: z[k] for k in z.files}
    if "audio_mulaw" in d:
        d["audio"] = mulaw_decode(d.pop("audio_mulaw"))
    return d
