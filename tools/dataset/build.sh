#!/bin/sh
# Rebuild Atelier's training set: data/npm (downloads) -> data/dataset.npz.
# Needs: npm, rsvg-convert (librsvg2-bin), espeak-ng, python3-numpy, python3-pil.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$ROOT/data/npm"
cd "$ROOT/data/npm"
for p in emoji-datasource-google@16.0.0 emojibase-data@17.0.0 @tabler/icons@3.52.0 lucide-static@1.62.0; do
  name=$(echo "$p" | sed 's/^@//; s/\//-/; s/@.*//')
  ver=${p##*@}
  tgz=$(ls "$name"*-"$ver".tgz 2>/dev/null || true)
  if [ -z "$tgz" ]; then tgz=$(npm pack "$p" --silent | tail -n 1); fi
  d=${tgz%.tgz}
  if [ ! -d "$d/package" ]; then mkdir -p "$d" && tar xzf "$tgz" -C "$d"; fi
done
cd "$ROOT"
exec /usr/bin/python3 tools/dataset/build.py
