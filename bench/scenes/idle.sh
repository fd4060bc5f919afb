#!/usr/bin/env bash
# Idle scene (issue 16): a user reading. A clock that changes once a second, and a terminal with a
# page of text that never changes. Needs DISPLAY, xclock, xterm, perl. Deterministic.
# Stop it by signalling its process group. IDLE_CLOCK_UPDATE: the clock's update in seconds (1).
set -u
trap 'kill $(jobs -p) 2>/dev/null; exit 0' TERM INT
xclock -update "${IDLE_CLOCK_UPDATE:-1}" -geometry 240x240+20+20 &
xterm -geometry 110x50+300+40 -T bench-page -e perl -e '
  $| = 1; for my $l (1 .. 48) { printf "line %2d  Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.\n", $l; }
  sleep 1e6;' &
wait
