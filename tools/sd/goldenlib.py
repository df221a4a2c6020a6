"""goldenlib.py — what the golden-data scripts of tools/sd share: a weight
generator that tests/sd/sd-fill.c repeats bit for bit, and a minimal
safetensors writer (the safetensors package is not in Debian 12).

fill(name, shape): FNV-1a of the name seeds a 32-bit integer hash of each
index; 24-bit uniforms u give v = 2u - 1 in [-1, 1), exact in float32, then
only exact scalings: norm weights (names with "norm" or "ln_") 1 + v/8,
norm biases v/8, other biases v/16, scalars v, other tensors
v / 2^floor(log2(fan_in) / 2). So no rounding can differ between the two
sides, and golden files store only inputs, outputs and the list of names.
"""
import json
import os
import struct

import numpy as np


def fnv1a(name):
    h = 2166136261
    for b in name.encode():
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def uniforms(seed, n):
    i = np.arange(n, dtype=np.uint64)
    m = np.uint64(0xFFFFFFFF)
    x = np.uint64(seed) ^ ((i * np.uint64(0x9E3779B9)) & m)
    x ^= x >> np.uint64(16)
    x = (x * np.uint64(0x7FEB352D)) & m
    x ^= x >> np.uint64(15)
    x = (x * np.uint64(0x846CA68B)) & m
    x ^= x >> np.uint64(16)
    u = (x >> np.uint64(8)).astype(np.float64) / 2.0 ** 24
    return (2 * u - 1).astype(np.float32)


def is_norm(name):
    return "norm" in name or "ln_" in name


def fill(name, shape):
    shape = tuple(shape)
    n = int(np.prod(shape)) if shape else 1
    v = uniforms(fnv1a(name), n)
    bias = name.endswith(".bias") or name.endswith("_bias")
    if is_norm(name) and not bias:
        out = np.float32(1) + v * np.float32(0.125)
    elif is_norm(name) or bias:
        out = v * np.float32(0.125 if is_norm(name) else 0.0625)
    elif not shape:
        out = v
    else:
        fan = n // shape[0]
        out = v * np.float32(2.0 ** -((fan.bit_length() - 1) // 2))
    return out.reshape(shape)


def tensor_list(named_shapes):
    """The metadata value listing weights: "name d0,d1,..." a line."""
    return "\n".join("%s %s" % (name, ",".join(map(str, shape))) for name, shape in named_shapes)


def write_safetensors(path, tensors, metadata=None):
    """tensors: name -> float32 array, written as F32, atomically."""
    header, blobs, off = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, arr in tensors.items():
        data = np.ascontiguousarray(arr, dtype=np.float32).tobytes()
        header[name] = {"dtype": "F32", "shape": list(np.shape(arr)), "data_offsets": [off, off + len(data)]}
        blobs.append(data)
        off += len(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
    os.replace(path + ".tmp", path)
