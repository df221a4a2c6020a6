#!/bin/sh
# Recompute the model's embedding of every shape (resources/models/shape-embeddings.safetensors).
# Run after tools/shapes/build.sh and whenever the model's weights change. Needs a build in build/.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
ninja -C "$BUILD" tools/shapes/atelier-embed-shapes
exec "$BUILD/tools/shapes/atelier-embed-shapes" "${1:-$ROOT/resources/models}"
