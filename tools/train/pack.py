"""Packs data/dataset.npz into data/dataset-packed.npz for a GPU machine
(tools/train/train_gpu.sh carries at most 64 MB): every array compressed
with LZMA (a few minutes),
the speech clips trimmed of leading and trailing silence and stored as 8-bit
mu-law. Prints the sizes and what the packing costs the audio (SNR of the
decoded clips against the originals, in dB).

  /usr/bin/python3 tools/train/pack.py [--data data/dataset.npz] [--out data/dataset-packed.npz]
"""
import argparse
import os
import zipfile

import numpy as np

from dataset_io import load, mulaw_decode, mulaw_encode

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SILENCE = 64   # |sample| at or below this (-54 dBFS) counts as silence at the ends


def trim(clip):
    """The clip without its silent ends (at least one sample)."""
    loud = np.nonzero(np.abs(clip.astype(np.int32)) > SILENCE)[0]
    if len(loud) == 0:
        return clip[:1]
    return clip[loud[0]:loud[-1] + 1]


def pack_audio(audio, off, length):
    """Trimmed clips, one after another, and their new offsets and lengths."""
    clips, new_off, new_len, at = [], np.full_like(off, -1), np.zeros_like(length), 0
    for i in np.nonzero(off >= 0)[0]:
        c = trim(audio[off[i]:off[i] + length[i]])
        clips.append(c)
        new_off[i], new_len[i] = at, len(c)
        at += len(c)
    joined = np.concatenate(clips) if clips else np.zeros(0, np.int16)
    return joined, new_off, new_len


def save_lzma(path, arrays):
    """An .npz (np.load reads it) compressed with LZMA: a fifth smaller than
    np.savez_compressed on the speech, written to a temporary name first."""
    tmp = path + ".tmp"
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_LZMA) as z:
        for name, a in arrays.items():
            with z.open(name + ".npy", "w", force_zip64=True) as f:
                np.lib.format.write_array(f, np.asanyarray(a), allow_pickle=False)
    os.replace(tmp, path)


def snr_db(ref, got):
    ref = ref.astype(np.float64)
    noise = ref - got.astype(np.float64)
    return 10 * np.log10((ref ** 2).sum() / max((noise ** 2).sum(), 1e-9))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(ROOT, "data", "dataset.npz"))
    ap.add_argument("--out", default=os.path.join(ROOT, "data", "dataset-packed.npz"))
    args = ap.parse_args()
    d = load(args.data)
    audio, off, length = pack_audio(d.pop("audio"), d["aud_off"], d["aud_len"])
    codes = mulaw_encode(audio)
    d["aud_off"], d["aud_len"] = off, length
    save_lzma(args.out, dict(audio_mulaw=codes, **d))
    print(f"{args.data}: {os.path.getsize(args.data) / 2**20:.1f} MiB -> {args.out}: "
          f"{os.path.getsize(args.out) / 2**20:.1f} MiB")
    print(f"speech: {len(audio) / 16000:.0f} s after trimming, mu-law SNR {snr_db(audio, mulaw_decode(codes)):.1f} dB")


if __name__ == "__main__":
    main()
