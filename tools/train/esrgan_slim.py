"""A TF.js layers model of @upscalerjs/esrgan-slim (MIT) run in PyTorch, for
the refiner's comparison only (tools/train/refiner.py evaluate --esrgan DIR).

Nothing of the package is in this repository: fetch it at development time
(`npm pack @upscalerjs/esrgan-slim && tar xzf upscalerjs-esrgan-slim-*.tgz`)
and pass package/models/x4. The model is a small RDN (idealo's
image-super-resolution, "slim": C1 D2 G4 G0 64, nearest ×4 up); its
model.json names Keras layers, which this file interprets: Conv2D (same or
valid padding), Activation (relu, linear), Concatenate, Add, UpSampling2D
(nearest). Input and output in 0..255, as UpscalerJS declares for "rdn".
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F


def _weights(model_dir, manifest):
    """name -> numpy array, from the shards in manifest order."""
    out = {}
    for group in manifest:
        blob = b"".join(open(os.path.join(model_dir, p), "rb").read() for p in group["paths"])
        offset = 0
        for w in group["weights"]:
            if w["dtype"] != "float32" or "quantization" in w:
                raise ValueError("unsupported weight %s (%s)" % (w["name"], w["dtype"]))
            n = int(np.prod(w["shape"])) if w["shape"] else 1
            out[w["name"]] = np.frombuffer(blob, np.float32, n, offset).reshape(w["shape"])
            offset += 4 * n
    return out


class KerasGraph(torch.nn.Module):
    """Runs the functional graph layer by layer, NCHW."""

    def __init__(self, model_dir):
        super().__init__()
        spec = json.load(open(os.path.join(model_dir, "model.json")))
        self.layers = spec["modelTopology"]["model_config"]["config"]["layers"]
        self.output_name = spec["modelTopology"]["model_config"]["config"]["output_layers"][0][0]
        w = _weights(model_dir, spec["weightsManifest"])
        self.params = {}
        for layer in self.layers:
            if layer["class_name"] == "Conv2D":
                name = layer["config"]["name"]
                k = torch.from_numpy(w[name + "/kernel"].copy()).permute(3, 2, 0, 1)   # HWIO -> OIHW
                self.params[name] = (k, torch.from_numpy(w[name + "/bias"].copy()))

    def forward(self, x):
        values = {}
        for layer in self.layers:
            kind, cfg, name = layer["class_name"], layer["config"], layer["name"]
            inputs = [values[i[0]] for i in layer["inbound_nodes"][0]] if layer["inbound_nodes"] else [x]
            if kind == "InputLayer":
                y = x
            elif kind == "Conv2D":
                k, b = self.params[name]
                pad = (k.shape[-1] // 2) if cfg["padding"] == "same" else 0
                y = F.conv2d(inputs[0], k, b, padding=pad)
                y = _activation(y, cfg.get("activation", "linear"))
            elif kind == "Activation":
                y = _activation(inputs[0], cfg["activation"])
            elif kind == "Concatenate":
                y = torch.cat(inputs, dim=1)
            elif kind == "Add":
                y = sum(inputs[1:], inputs[0])
            elif kind == "UpSampling2D":
                if cfg.get("interpolation", "nearest") != "nearest":
                    raise ValueError("UpSampling2D " + cfg["interpolation"])
                y = F.interpolate(inputs[0], scale_factor=tuple(cfg["size"]), mode="nearest")
            else:
                raise ValueError("layer kind %s not supported" % kind)
            values[name] = y
        return values[self.output_name]


def _activation(y, name):
    if name == "relu":
        return F.relu(y)
    if name == "linear":
        return y
    raise ValueError("activation " + name)


def upscale(net, x):
    """x: N×3×H×W in [-1, 1] -> N×3×4H×4W in [-1, 1]."""
    with torch.no_grad():
        y = net((x + 1) * 127.5)
    return (y / 127.5 - 1).clamp(-1, 1)
