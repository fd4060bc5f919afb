#!/usr/bin/env bash
# Busy scene (issue 9): a clock, a terminal running `top`, and a scrolling terminal that is moved
# every 0.5 s along a fixed cycle of positions. Needs DISPLAY (1920x1080), xclock, xterm, perl,
# xdotool. Deterministic apart from what `top` shows. Stop it by signalling its process group.
set -u
trap 'kill $(jobs -p) 2>/dev/null; exit 0' TERM INT
xclock -update 1 -geometry 240x240+20+20 &
xterm -geometry 100x30+300+20 -T bench-top -e top -d 1 &
xterm -geometry 90x24+20+520 -T bench-scroll -e perl -e '
  $| = 1; my $n = 0;
  while (1) { $n++; printf "%06d  the quick brown fox jumps over the lazy dog %s\n", $n, "=" x ($n % 40);
              select(undef, undef, undef, 0.05); }' &
wid=""
for _ in $(seq 1 100); do
  wid=$(xdotool search --name '^bench-scroll$' 2>/dev/null | head -1)
  [ -n "$wid" ] && break
  sleep 0.1
done
xs=(20 420 820 1220 820 420)
ys=(520 560 600 640 600 560)
i=0
while :; do
  [ -n "$wid" ] && xdotool windowmove "$wid" "${xs[$((i % 6))]}" "${ys[$((i % 6))]}" 2>/dev/null
  i=$((i + 1))
  sleep 0.5 &
  wait $!
done
