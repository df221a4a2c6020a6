"""minieinops.py — einops.rearrange for the plain patterns ldm's attention
code uses ("b c h w -> b (h w) c", "b n (h d) -> (b h) n d", ...): named
axes and parenthesised groups, no ellipsis or anonymous axes. Debian 12 has
no einops package; reflib.py installs this as `einops` when it is missing.
"""
import math


def _groups(side):
    out, cur, depth = [], None, 0
    for tok in side.replace("(", " ( ").replace(")", " ) ").split():
        if tok == "(":
            cur, depth = [], depth + 1
        elif tok == ")":
            out.append(cur)
            cur, depth = None, depth - 1
        elif cur is not None:
            cur.append(tok)
        else:
            out.append([tok])
        if depth > 1 or tok in ("...", "()") or tok.isdigit():
            raise NotImplementedError("minieinops: unsupported pattern " + side)
    return out


def rearrange(x, pattern, **sizes):
    lhs, rhs = (_groups(s) for s in pattern.split("->"))
    if len(lhs) != x.dim():
        raise ValueError("minieinops: %s does not match a %d-d tensor" % (pattern, x.dim()))
    sizes = dict(sizes)
    for group, dim in zip(lhs, x.shape):
        unknown = [a for a in group if a not in sizes]
        known = math.prod(sizes[a] for a in group if a in sizes)
        if len(unknown) > 1 or (not unknown and known != dim):
            raise ValueError("minieinops: cannot split %d as %s" % (dim, group))
        if unknown:
            sizes[unknown[0]] = dim // known
    flat_in = [a for g in lhs for a in g]
    flat_out = [a for g in rhs for a in g]
    y = x.reshape([sizes[a] for a in flat_in]).permute([flat_in.index(a) for a in flat_out])
    return y.reshape([math.prod(sizes[a] for a in g) for g in rhs])


def repeat(*_a, **_k):
    raise NotImplementedError("minieinops: repeat is not needed by what tools/sd runs")
