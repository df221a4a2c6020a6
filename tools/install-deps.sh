#!/bin/sh
# Installs the Debian 12 packages Atelier needs to build, run and test,
# skipping those already installed. Safe to run any number of times.
set -eu

PACKAGES="
  build-essential meson ninja-build pkg-config python3 python3-pil
  glslang-tools libvulkan-dev mesa-vulkan-drivers vulkan-validationlayers
  libglib2.0-dev libgtk-4-dev libgtk-4-media-gstreamer libadwaita-1-dev
  libsndfile1-dev libsamplerate0-dev libjson-glib-dev libpng-dev libopenblas-dev
  espeak-ng libfftw3-dev parallel clang libclang-rt-14-dev
  libespeak-ng-dev libpocketsphinx-dev libsphinxbase-dev pocketsphinx-en-us flite flite1-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  libebur128-dev libaubio-dev
  libpotrace-dev libwebp-dev librsvg2-dev librsvg2-common
  libgif-dev gstreamer1.0-gl
  wordnet-dev wordnet-base libcairo2-dev python3-svg.path
  xvfb xauth dbus-daemon desktop-file-utils appstream xdotool imagemagick
"

missing=""
for pkg in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $pkg"
  fi
done

if [ -z "$missing" ]; then
  echo "All build and test packages are installed."
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
echo "Installing:$missing"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
