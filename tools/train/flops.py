"""Count multiply-accumulates of one denoiser call with forward hooks (batch 1)."""
import torch
import torch.nn as nn

from model import Attention


def count_macs(module, *inputs):
    macs = [0]
    hooks = []

    def conv_hook(m, i, o):
        macs[0] += o.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]

    def lin_hook(m, i, o):
        macs[0] += o.numel() * m.in_features

    def attn_hook(m, i, o):
        x = i[0]
        ctx = i[1] if len(i) > 1 and i[1] is not None else x
        B, N, C = x.shape
        macs[0] += 2 * B * N * ctx.shape[1] * C  # q k^T and a v

    for m in module.modules():
        if isinstance(m, nn.Conv2d):
            hooks.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.Linear):
            hooks.append(m.register_forward_hook(lin_hook))
        elif isinstance(m, Attention):
            hooks.append(m.register_forward_hook(attn_hook))
    with torch.no_grad():
        module(*inputs)
    for h in hooks:
        h.remove()
    return macs[0]
