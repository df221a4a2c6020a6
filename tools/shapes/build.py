#!/usr/bin/python3
"""Build Atelier's shape library from permissively licensed line icons.

Sources (unpacked by build.sh into data/npm/):
  @tabler/icons 3.52.0  outline icons, MIT   (tabler-nodes-outline.json, icons.json)
  lucide-static 1.62.0  line icons,    ISC   (icon-nodes.json, tags.json)
Brand/logo icons and the "-off" (struck through) variants are left out.

Every icon's SVG elements (path, circle, ellipse, rect, line, polyline,
polygon) are flattened here, offline, into polylines on the icon's 24 x 24
grid; the app never parses SVG. Output: resources/shapes/shapes.atshapes.gz,
gzip of this little-endian layout (engine/shapes/shape-library.c reads it):

  "ATSHAPES" u32 version=1  u32 n_sources  n_sources x (str name, str licence)
  u32 n_shapes, then per shape:
    str name  str category  str tags (comma separated)  u8 source
    u16 n_strokes, per stroke: u16 n_points, n_points x (u16 x, u16 y)
  str = u16 length + UTF-8 bytes; x, y in 1/100 of a grid unit (0..2400),
  stroke width 2 grid units (both sets draw with stroke-width 2).
"""
import gzip
import json
import math
import os
import re
import struct
import sys

from svg.path import Close, Line, Move, parse_path

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
NPM = os.path.join(ROOT, "data", "npm")
OUT = os.path.join(ROOT, "resources", "shapes", "shapes.atshapes.gz")
GRID = 24.0
QUANT = 100          # coordinate units per grid unit
STEP = 0.35          # curve sampling step, grid units
TOLERANCE = 0.03     # polyline simplification, grid units
SOURCES = [("Tabler Icons 3.52.0", "MIT"), ("Lucide 1.62.0", "ISC")]


def pkg(prefix):
    for d in sorted(os.listdir(NPM)):
        if d.startswith(prefix) and os.path.isdir(os.path.join(NPM, d, "package")):
            return os.path.join(NPM, d, "package")
    sys.exit("missing npm package " + prefix + " (run tools/shapes/build.sh)")


def words(s):
    return " ".join(w for w in re.split(r"[^a-z0-9]+", str(s).lower()) if w)


# ---------------------------------------------------------------- flattening
def simplify(pts, tol):
    """Ramer-Douglas-Peucker, iterative; keeps the end points."""
    if len(pts) < 3:
        return pts
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = pts[a], pts[b]
        dx, dy = bx - ax, by - ay
        n = math.hypot(dx, dy)
        best, bi = -1.0, -1
        for i in range(a + 1, b):
            px, py = pts[i]
            d = abs(dx * (ay - py) - dy * (ax - px)) / n if n > 1e-9 else math.hypot(px - ax, py - ay)
            if d > best:
                best, bi = d, i
        if best > tol:
            keep[bi] = True
            stack += [(a, bi), (bi, b)]
    return [p for p, k in zip(pts, keep) if k]


def path_polylines(d):
    """An SVG path's subpaths as lists of (x, y)."""
    out, cur = [], []
    for seg in parse_path(d):
        if isinstance(seg, Move):
            if len(cur) > 1:
                out.append(cur)
            cur = [(seg.end.real, seg.end.imag)]
            continue
        if not cur:
            cur = [(seg.start.real, seg.start.imag)]
        if isinstance(seg, (Line, Close)):
            n = 1
        else:
            n = max(2, int(math.ceil(seg.length(error=1e-3) / STEP)))
        for i in range(1, n + 1):
            p = seg.point(i / n)
            cur.append((p.real, p.imag))
    if len(cur) > 1:
        out.append(cur)
    return out


def ellipse(cx, cy, rx, ry):
    n = max(8, int(math.ceil(2 * math.pi * max(rx, ry) / STEP)))
    return [[(cx + rx * math.cos(2 * math.pi * i / n), cy + ry * math.sin(2 * math.pi * i / n))
             for i in range(n + 1)]]


def rect_path(a):
    x, y = float(a.get("x", 0)), float(a.get("y", 0))
    w, h = float(a["width"]), float(a["height"])
    rx = float(a.get("rx", a.get("ry", 0)))
    ry = float(a.get("ry", rx))
    rx, ry = min(rx, w / 2), min(ry, h / 2)
    if rx <= 0 or ry <= 0:
        return f"M{x} {y}h{w}v{h}h{-w}Z"
    return (f"M{x + rx} {y}h{w - 2 * rx}a{rx} {ry} 0 0 1 {rx} {ry}v{h - 2 * ry}"
            f"a{rx} {ry} 0 0 1 {-rx} {ry}h{-(w - 2 * rx)}a{rx} {ry} 0 0 1 {-rx} {-ry}"
            f"v{-(h - 2 * ry)}a{rx} {ry} 0 0 1 {rx} {-ry}Z")


def points_attr(s):
    v = [float(t) for t in re.split(r"[\s,]+", s.strip()) if t]
    return list(zip(v[0::2], v[1::2]))


def element_polylines(tag, a):
    if tag == "path":
        return path_polylines(a["d"])
    if tag == "circle":
        r = float(a["r"])
        return ellipse(float(a.get("cx", 0)), float(a.get("cy", 0)), r, r)
    if tag == "ellipse":
        return ellipse(float(a.get("cx", 0)), float(a.get("cy", 0)), float(a["rx"]), float(a["ry"]))
    if tag == "rect":
        return path_polylines(rect_path(a))
    if tag == "line":
        return [[(float(a.get("x1", 0)), float(a.get("y1", 0))), (float(a.get("x2", 0)), float(a.get("y2", 0)))]]
    if tag == "polyline":
        return [points_attr(a["points"])]
    if tag == "polygon":
        p = points_attr(a["points"])
        return [p + p[:1]]
    raise ValueError("unknown SVG element " + tag)


def icon_strokes(nodes):
    strokes = []
    for tag, attrs in nodes:
        for pl in element_polylines(tag, attrs):
            pl = simplify(pl, TOLERANCE)
            q = [(min(max(int(round(x * QUANT)), 0), int(GRID * QUANT)),
                  min(max(int(round(y * QUANT)), 0), int(GRID * QUANT))) for x, y in pl]
            q = [p for i, p in enumerate(q) if i == 0 or p != q[i - 1]]
            if len(q) == 1:
                q.append(q[0])  # a dot: drawn with a round cap
            strokes.append(q)
    return strokes


# ---------------------------------------------------------------- collecting
def collect():
    t = pkg("tabler-icons")
    tmeta = json.load(open(os.path.join(t, "icons.json")))
    tnodes = json.load(open(os.path.join(t, "tabler-nodes-outline.json")))
    shapes, category_of = [], {}
    for name, v in sorted(tmeta.items()):
        if v.get("category") == "Brand" or name.startswith("brand-") or name.endswith("-off"):
            continue
        if name not in tnodes:
            continue
        category_of[name] = v.get("category", "")
        tags = [words(x) for x in v.get("tags", [])]
        shapes.append((words(name), v.get("category", ""), tags, 0, tnodes[name]))
    lu = pkg("lucide-static")
    ltags = json.load(open(os.path.join(lu, "tags.json")))
    lnodes = json.load(open(os.path.join(lu, "icon-nodes.json")))
    for name, nodes in sorted(lnodes.items()):
        tags = [words(x) for x in ltags.get(name, [])]
        if name.endswith("-off") or any(w in ("logo", "brand", "social") for w in " ".join(tags).split()):
            continue
        shapes.append((words(name), category_of.get(name, ""), tags, 1, nodes))
    return shapes


def pstr(s):
    b = s.encode("utf-8")
    return struct.pack("<H", len(b)) + b


def main():
    out = bytearray(b"ATSHAPES" + struct.pack("<II", 1, len(SOURCES)))
    for name, lic in SOURCES:
        out += pstr(name) + pstr(lic)
    items = []
    for name, cat, tags, src, nodes in collect():
        strokes = icon_strokes(nodes)
        if not strokes or len(strokes) > 0xFFFF:
            continue
        tagtxt = ",".join(dict.fromkeys(x for x in tags if x and x != name))
        rec = pstr(name) + pstr(cat) + pstr(tagtxt) + struct.pack("<BH", src, len(strokes))
        for s in strokes:
            rec += struct.pack("<H", len(s)) + b"".join(struct.pack("<HH", x, y) for x, y in s)
        items.append(rec)
    out += struct.pack("<I", len(items)) + b"".join(items)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    tmp = OUT + ".tmp"
    with open(tmp, "wb") as f:
        f.write(gzip.compress(bytes(out), 9, mtime=0))
    os.replace(tmp, OUT)
    print("wrote", os.path.relpath(OUT, ROOT), len(items), "shapes,", len(out), "bytes raw,",
          os.path.getsize(OUT), "gzip")


if __name__ == "__main__":
    main()
