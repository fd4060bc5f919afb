#!/usr/bin/env bash
# Video scene (issue 16): a video playing in a 640x360 window (FFmpeg's ffplay showing a moving
# synthetic picture: testsrc2 with film grain, 25 fps), beside a terminal with still text and a
# clock. Needs DISPLAY, ffplay, xclock, xterm, perl. Stop it by signalling its process group.
set -u
trap 'kill $(jobs -p) 2>/dev/null; exit 0' TERM INT
xclock -update 1 -geometry 240x240+20+20 &
xterm -geometry 90x40+1000+40 -T bench-page -e perl -e '
  $| = 1; for my $l (1 .. 38) { printf "line %2d  the quick brown fox jumps over the lazy dog\n", $l; } sleep 1e6;' &
ffplay -hide_banner -loglevel error -an -noborder -left 300 -top 300 -x 640 -y 360 \
  -f lavfi -i 'testsrc2=size=640x360:rate=25,noise=alls=12:allf=t' &
wait
