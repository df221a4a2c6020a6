#!/usr/bin/python3
"""Writes the PNG fixtures of tests/media/test-image.c into tests/data/png/.

Run: /usr/bin/python3 tools/golden/make_png_fixtures.py (needs python3-pil)

Every colour type and bit depth PNG allows, written by two independent
encoders: PIL for the common 8-bit types (with its adaptive row filters)
and the few lines of zlib + struct below for what PIL cannot write (16-bit
RGB/RGBA and gray+alpha, 1/2/4-bit gray and palette, tRNS colour keys,
Adam7 interlacing, text chunks after the pixels, absurd dimensions).

The pixel values follow formulas the C test repeats (sample8, sample16,
sample_low, palette_rgb, palette_alpha); keep the two in step. The output
is committed (a few KB); tests never run this script.
"""
import os
import struct
import zlib

from PIL import Image
from PIL.PngImagePlugin import PngInfo

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "data", "png")
W, H = 7, 5


def sample8(x, y, c):
    return (x * 37 + y * 71 + c * 101 + 13) % 256


def sample16(x, y, c):
    return (x * 9973 + y * 15013 + c * 21011 + 777) % 65536


def sample_low(x, y, bits):
    return (x + 2 * y) % (1 << bits)


def palette_index(x, y):
    return (x * 3 + y * 5) % 16


def palette_rgb(i):
    return ((i * 16 + 3) % 256, (i * 47) % 256, (255 - i * 9) % 256)


def palette_alpha(i):
    return (i * 17) % 256


# ---- a minimal PNG encoder ----

def chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data +
            struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def pack_row(samples, bit_depth):
    """Packs one row of integer samples (all channels flattened)."""
    if bit_depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    if bit_depth == 8:
        return bytes(samples)
    out, acc, n = bytearray(), 0, 0
    for s in samples:
        acc = (acc << bit_depth) | s
        n += bit_depth
        if n == 8:
            out.append(acc)
            acc, n = 0, 0
    if n:
        out.append(acc << (8 - n))
    return bytes(out)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def encode(path, width, height, bit_depth, color_type, pixel, interlace=False,
           before_idat=(), after_idat=(), idat=None):
    """pixel(x, y) -> tuple of samples. before/after_idat: extra chunks."""
    raw = bytearray()
    if idat is not None:
        pass
    elif interlace:
        for x0, y0, dx, dy in ADAM7:
            xs, ys = range(x0, width, dx), range(y0, height, dy)
            if not xs or not ys:
                continue   # an empty pass has no rows at all
            for y in ys:
                raw += b"\0" + pack_row([s for x in xs for s in pixel(x, y)], bit_depth)
    else:
        for y in range(height):
            raw += b"\0" + pack_row([s for x in range(width) for s in pixel(x, y)], bit_depth)
    data = b"\x89PNG\r\n\x1a\n"
    data += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0,
                                       1 if interlace else 0))
    for c in before_idat:
        data += c
    data += chunk(b"IDAT", zlib.compress(bytes(raw), 9) if idat is None else idat)
    for c in after_idat:
        data += c
    data += chunk(b"IEND", b"")
    with open(os.path.join(OUT, path), "wb") as f:
        f.write(data)


def plte(n):
    return chunk(b"PLTE", b"".join(bytes(palette_rgb(i)) for i in range(n)))


def pil_image(mode, pixel):
    img = Image.new(mode, (W, H))
    img.putdata([pixel(x, y) for y in range(H) for x in range(W)])
    return img


def main():
    os.makedirs(OUT, exist_ok=True)

    # PIL-written, 8 bits.
    pil_image("L", lambda x, y: sample8(x, y, 0)).save(os.path.join(OUT, "gray8.png"))
    pil_image("LA", lambda x, y: (sample8(x, y, 0), sample8(x, y, 3))).save(os.path.join(OUT, "gray-alpha8.png"))
    pil_image("RGB", lambda x, y: tuple(sample8(x, y, c) for c in range(3))).save(os.path.join(OUT, "rgb8.png"))
    pil_image("RGBA", lambda x, y: tuple(sample8(x, y, c) for c in range(4))).save(os.path.join(OUT, "rgba8.png"))
    pal = pil_image("P", palette_index)
    pal.putpalette([v for i in range(16) for v in palette_rgb(i)])
    pal.save(os.path.join(OUT, "palette8.png"), bits=8)
    pal.save(os.path.join(OUT, "palette8-trns.png"), bits=8,
             transparency=bytes(palette_alpha(i) for i in range(16)))
    pil_image("I;16", lambda x, y: sample16(x, y, 0)).save(os.path.join(OUT, "gray16.png"))

    # Hand-written.
    encode("rgb16.png", W, H, 16, 2, lambda x, y: tuple(sample16(x, y, c) for c in range(3)))
    encode("rgba16.png", W, H, 16, 6, lambda x, y: tuple(sample16(x, y, c) for c in range(4)))
    encode("gray-alpha16.png", W, H, 16, 4, lambda x, y: (sample16(x, y, 0), sample16(x, y, 3)))
    for bits in (1, 2, 4):
        encode("gray%d.png" % bits, W, H, bits, 0, lambda x, y, b=bits: (sample_low(x, y, b),))
    encode("palette4.png", W, H, 4, 3, lambda x, y: (palette_index(x, y),), before_idat=[plte(16)])
    # tRNS colour keys: the key colour becomes transparent, all else opaque.
    encode("gray8-trns.png", W, H, 8, 0, lambda x, y: (sample8(x, y, 0),),
           before_idat=[chunk(b"tRNS", struct.pack(">H", sample8(1, 1, 0)))])
    encode("rgb8-trns.png", W, H, 8, 2, lambda x, y: tuple(sample8(x, y, c) for c in range(3)),
           before_idat=[chunk(b"tRNS", struct.pack(">HHH", *(sample8(2, 3, c) for c in range(3))))])
    encode("rgb8-adam7.png", 9, 10, 8, 2, lambda x, y: tuple(sample8(x, y, c) for c in range(3)),
           interlace=True)

    # Text chunks of every kind, some after the pixels.
    text = lambda key, value: chunk(b"tEXt", key.encode("latin-1") + b"\0" + value.encode("latin-1"))
    ztxt = lambda key, value: chunk(b"zTXt", key.encode("latin-1") + b"\0\0" + zlib.compress(value.encode("latin-1")))
    itxt = lambda key, value, compressed: chunk(
        b"iTXt", key.encode("latin-1") + b"\0" + (b"\1\0" if compressed else b"\0\0") + b"en\0" + b"\0" +
        (zlib.compress(value.encode("utf-8")) if compressed else value.encode("utf-8")))
    encode("text-chunks.png", W, H, 8, 0, lambda x, y: (sample8(x, y, 0),),
           before_idat=[ztxt("Comment", "compressed caf\xe9"), itxt("Title", "pomme rouge \u2014 \u82f9\u679c", False)],
           after_idat=[text("parameters", "red apple\nSteps: 20, Seed: 42, caf\xe9"),
                       itxt("Description", "zipped \u2713 " + "x" * 200, True)])

    # A valid header declaring 100000 x 100000 pixels: must be refused
    # before anything that size is allocated.
    encode("huge-dimensions.png", 100000, 100000, 8, 0, None, idat=zlib.compress(b"\0" * 16))

    for name in sorted(os.listdir(OUT)):
        print(name, os.path.getsize(os.path.join(OUT, name)))


if __name__ == "__main__":
    main()
