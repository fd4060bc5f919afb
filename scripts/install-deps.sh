#!/usr/bin/env bash
# Installs everything session-recorder and its tests need on Debian 12 (run as root):
# FFmpeg, X servers (Xvfb, and TigerVNC's Xvnc which can be resized), X11 tools for the display
# probe and the demo scene, the Debian aws CLI (an independent S3 client for tests), Chromium for
# the browser tests, tesseract (OCR for `search`), strace (the hook test that no secret reaches a command line), then the npm
# dependencies and the build.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
step_started=$SECONDS
took() { echo "install-deps: $1 $((SECONDS - step_started)) s"; step_started=$SECONDS; }
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  ffmpeg xvfb xauth tigervnc-standalone-server x11-xserver-utils x11-utils x11-apps xterm xdotool shellcheck \
  tesseract-ocr tesseract-ocr-eng awscli chromium procps systemd strace ca-certificates gcc libc6-dev libx11-dev libxres-dev libxext-dev libxdamage-dev libxfixes-dev >/dev/null
took "system packages (apt)"
if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "session-recorder needs Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none))." >&2
  echo "Install it from https://nodejs.org or NodeSource, then run this script again." >&2
  exit 2
fi
npm ci --no-audit --no-fund
took "npm dependencies (npm ci)"
npm run build
took "build (tsc)"
