#!/usr/bin/env bash
# Builds the damage-driven X11 grabber (native/damage-grab) into dist/native/damage-grab.
# Never fails the build: without gcc or the X headers the recorder records with FFmpeg's x11grab
# instead and says so once at start (src/adapters/damageGrab.ts). Headers: libx11-dev libxext-dev
# libxdamage-dev libxfixes-dev (scripts/install-deps.sh installs them).
set -uo pipefail
cd "$(dirname "$0")/.."
out=dist/native/damage-grab
mkdir -p dist/native
rm -f "$out"
if ! command -v gcc >/dev/null; then
  echo "build-native: gcc not found: damage-grab not built (the recorder will use x11grab). Fix: ./scripts/install-deps.sh" >&2
  exit 0
fi
if ! log=$(gcc -O2 -Wall -Wextra -o "$out" native/damage-grab/*.c -lX11 -lXext -lXdamage -lXfixes -lm 2>&1); then
  echo "build-native: damage-grab not built (the recorder will use x11grab): $(echo "$log" | grep -m1 -i error)." >&2
  echo "build-native: fix: apt-get install gcc libc6-dev libx11-dev libxext-dev libxdamage-dev libxfixes-dev (./scripts/install-deps.sh)" >&2
  rm -f "$out"
  exit 0
fi
[ -n "$log" ] && echo "$log" >&2
exit 0
