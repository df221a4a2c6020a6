#!/bin/sh
# Installs what is missing, builds Atelier and starts the studio.
set -eu
cd "$(dirname "$0")/.."
tools/install-deps.sh
if [ ! -d build ]; then
  meson setup build --buildtype=release
fi
ninja -C build
exec ./build/app/atelier "$@"
