#!/usr/bin/python3
"""Writes the safetensors fixtures of tests/model/test-safetensors.c.

Run with Debian's PyTorch: /usr/bin/python3 tools/golden/make_safetensors_fixtures.py

PyTorch does the float16/bfloat16 rounding and the conversion back to
float32 (the *_ref tensors), so the C reader is checked against an
independent implementation bit for bit. Debian has no python3-safetensors,
so the container is written here with json + struct exactly as the
format's specification says: an 8-byte little-endian header length, a JSON
header padded with spaces to a multiple of 8, then the tensor bytes, with
data_offsets relative to the end of the header.

The output is committed (a few KB); tests never need PyTorch.
"""
import json
import os
import struct

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "data", "safetensors")

DTYPE_NAMES = {
    torch.float32: "F32",
    torch.float16: "F16",
    torch.bfloat16: "BF16",
    torch.int64: "I64",
}


def tensor_bytes(t):
    t = t.contiguous()
    if t.dtype in (torch.float16, torch.bfloat16):
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    if t.dtype == torch.float32:
        return t.numpy().astype("<f4").tobytes()
    if t.dtype == torch.int64:
        return t.numpy().astype("<i8").tobytes()
    raise ValueError(t.dtype)


def write(name, tensors, metadata=None):
    """tensors: list of (name, tensor) in file order (no sorting, so a
    fixture can place tensors at unaligned offsets on purpose)."""
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    data = b""
    for key, t in tensors:
        raw = tensor_bytes(t)
        header[key] = {
            "dtype": DTYPE_NAMES[t.dtype],
            "shape": list(t.shape),
            "data_offsets": [len(data), len(data) + len(raw)],
        }
        data += raw
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    path = os.path.join(OUT, name)
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        f.write(data)
    os.replace(path + ".tmp", path)
    print(path, os.path.getsize(path), "bytes")


def with_raw_bits(values, dtype, raw_bits):
    """values rounded to dtype by PyTorch, then raw bit patterns appended
    (NaN payloads, the smallest subnormal) that no float literal gives."""
    t = torch.tensor(values, dtype=torch.float32).to(dtype)
    raw = torch.tensor(raw_bits, dtype=torch.int32).to(torch.int16).view(dtype)
    return torch.cat([t, raw])


def main():
    os.makedirs(OUT, exist_ok=True)

    # Plain F32 with metadata, a scalar and an empty tensor.
    write("basic-f32.safetensors", [
        ("unet.conv_in.weight", torch.tensor([[0.5, -1.25, 3.0], [1e-30, -0.0, 123456.789]])),
        ("unet.conv_in.bias", torch.tensor([1.0, 2.0, 3.0, 4.0])),
        ("scalar", torch.tensor(3.5)),
        ("empty", torch.zeros(0, 3)),
        ("ramp", torch.arange(24, dtype=torch.float32).reshape(2, 3, 4) / 8 - 1),
    ], metadata={"format": "pt", "note": "Atelier fixture \u2713 (UTF-8)"})

    inf, nan = float("inf"), float("nan")
    f16_values = [0.0, -0.0, 1.0, -2.0, 0.1, 1 / 3, 65504.0, -65504.0,
                  6.103515625e-05,        # smallest normal
                  5.960464477539063e-08,  # smallest subnormal, 2^-24
                  3.0e-05, -1.0e-06,      # subnormals
                  1e-9,                   # underflows to zero
                  70000.0,                # overflows to inf
                  inf, -inf, nan]
    f16 = with_raw_bits(f16_values, torch.float16,
                        [0x0001, 0x8001, 0x03FF, 0x7C01, 0x7E00, -0x0200])  # -0x0200 is 0xFE00
    bf16_values = [0.0, -0.0, 1.0, -2.0, 0.1, 1 / 3, 3.0e38, -3.0e38,
                   1.1754943508222875e-38,  # smallest normal
                   1e-40, 9.2e-41, -1e-39,  # subnormals
                   1e39,                    # overflows to inf
                   inf, -inf, nan]
    bf16 = with_raw_bits(bf16_values, torch.bfloat16, [0x0001, 0x8001, 0x7F81, 0x7FC0, -0x0040])

    # Each half tensor beside PyTorch's own conversion to float32. The F16
    # tensor of 3 elements first puts everything after it at odd offsets,
    # as a reader must allow.
    write("halves.safetensors", [
        ("odd", torch.tensor([1.5, -0.25, 2.0], dtype=torch.float16)),
        ("f16", f16),
        ("f16_ref", f16.float()),
        ("bf16", bf16),
        ("bf16_ref", bf16.float()),
        ("f16_matrix", (torch.arange(12, dtype=torch.float32).reshape(3, 4) / 7).to(torch.float16)),
        ("f16_matrix_ref", (torch.arange(12, dtype=torch.float32).reshape(3, 4) / 7).to(torch.float16).float()),
        ("position_ids", torch.arange(5, dtype=torch.int64)),
    ], metadata={"format": "pt"})


if __name__ == "__main__":
    main()
