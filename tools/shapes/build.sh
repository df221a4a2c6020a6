#!/bin/sh
# Rebuild the shape library: data/npm (downloads) -> resources/shapes/shapes.atshapes.gz,
# then the model's embeddings of every shape (tools/shapes/embed.sh, needs a build).
# Needs: npm, python3-svg.path.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$ROOT/data/npm"
cd "$ROOT/data/npm"
for p in @tabler/icons@3.52.0 lucide-static@1.62.0; do
  name=$(echo "$p" | sed 's/^@//; s/\//-/; s/@.*//')
  ver=${p##*@}
  tgz=$(ls "$name"*-"$ver".tgz 2>/dev/null || true)
  if [ -z "$tgz" ]; then tgz=$(npm pack "$p" --silent | tail -n 1); fi
  d=${tgz%.tgz}
  if [ ! -d "$d/package" ]; then mkdir -p "$d" && tar xzf "$tgz" -C "$d"; fi
done
cd "$ROOT"
exec /usr/bin/python3 tools/shapes/build.py
