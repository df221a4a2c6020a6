#!/usr/bin/python3
"""Cut the pen drawings (first row of docs/samples/drawn_sketches.png, made by
tools/train/evaluate.py, from no data set) into data/drawn/, one PNG per drawing,
named for the shapes that count as right ('+' between alternatives), for
`atelier-eval-shapes sketches data/drawn`."""
import os

from PIL import Image

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
NAMES = ["apple", "star", "house+home+building", "heart", "tree+trees", "fish", "cup+mug+coffee", "sun",
         "mood smile+mood happy+smile+mood smile beam", "car", "balloon+air balloon", "flower+clover"]
sheet = Image.open(os.path.join(ROOT, "docs", "samples", "drawn_sketches.png")).convert("L")
out = os.path.join(ROOT, "data", "drawn")
os.makedirs(out, exist_ok=True)
for i, name in enumerate(NAMES):
    sheet.crop((64 * i, 0, 64 * i + 64, 64)).save(os.path.join(out, name + ".png"))
print("wrote", len(NAMES), "drawings to", os.path.relpath(out, ROOT))
