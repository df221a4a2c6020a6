"""Minimal safetensors reader/writer (the format: u64 little-endian header size,
JSON header {name: {dtype, shape, data_offsets}}, then raw little-endian data)."""
import json
import struct

import numpy as np
import torch

_DT = {torch.float16: "F16", torch.float32: "F32", torch.int64: "I64", torch.int32: "I32",
       torch.uint8: "U8", torch.int16: "I16"}
_NP = {"F16": np.float16, "F32": np.float32, "I64": np.int64, "I32": np.int32, "U8": np.uint8,
       "I16": np.int16}


def save_file(tensors, path, metadata=None):
    """tensors: dict name -> tensor, written in sorted name order, 8-byte aligned header."""
    header, blobs, off = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        b = t.numpy().tobytes()
        header[name] = dict(dtype=_DT[t.dtype], shape=list(t.shape), data_offsets=[off, off + len(b)])
        blobs.append(b)
        off += len(b)
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    import os
    os.replace(tmp, path)


def load_file(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        arr = np.frombuffer(data[a:b], dtype=_NP[info["dtype"]]).reshape(info["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out
