#!/usr/bin/env bash
# A stand-in FFmpeg for the long synthetic session (bench "soak"): the recorder's own command line
# with two changes, then exec (same PID, so "q" on stdin, signals and the tree kill work as usual):
#   -re (real-time pacing)          -> -readrate $BENCH_READRATE (default 10: ten times real time)
#   testsrc2=size=WxH               -> testsrc2=size=$BENCH_SIZE (default 320x180)
# Everything else (segment muxer, fMP4, forced keyframes, segment list) is untouched.
set -eu
rate="${BENCH_READRATE:-10}"
size="${BENCH_SIZE:-320x180}"
args=()
for a in "$@"; do
  case "$a" in
    -re) args+=(-readrate "$rate") ;;
    testsrc2=size=*) args+=("$(printf '%s' "$a" | sed -E "s/size=[0-9]+x[0-9]+/size=${size}/")") ;;
    *) args+=("$a") ;;
  esac
done
exec ffmpeg "${args[@]}"
