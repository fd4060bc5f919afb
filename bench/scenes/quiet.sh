#!/usr/bin/env bash
# Quiet scene (issue 9), closer to office work: text typed into vim at human speed (~5 keys/s,
# a pause between sentences) and, in a second terminal, a page of text scrolled in every 8 s.
# Needs DISPLAY, xterm, vim (or Debian's default vim-tiny as vi), perl, xdotool. Deterministic.
# Stop it by signalling its process group.
set -u
notes=$(mktemp /tmp/bench-notes-XXXXXX.txt)
trap 'kill $(jobs -p) 2>/dev/null; rm -f "$notes" "$notes".swp; exit 0' TERM INT
editor=$(command -v vim || command -v vi)
xterm -geometry 110x50+40+40 -T bench-editor -e "$editor" -u NONE -N -n "$notes" &
xterm -geometry 100x50+1000+40 -T bench-page -e perl -e '
  $| = 1; my $page = 0;
  while (1) { $page++; for my $l (1 .. 48) { printf "page %3d line %2d  Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n", $page, $l; }
              sleep 8; }' &
wid=""
for _ in $(seq 1 100); do
  wid=$(xdotool search --name '^bench-editor' 2>/dev/null | head -1)
  [ -n "$wid" ] && break
  sleep 0.1
done
# No window manager: keyboard focus follows the pointer, so park the pointer on the editor.
xdotool mousemove 400 300
sleep 0.5
xdotool type --delay 200 'i'
lines=(
  'Meeting notes: quarterly review of the support queue.'
  'Open tickets went down from 412 to 377; median age is 3.2 days.'
  'Action: Maria to draft the on-call rota for the holidays.'
  'Action: check the backup report and reply to the auditors.'
)
i=0
while :; do
  # In the background and waited for: the TERM trap runs at once, not after the line.
  xdotool type --delay 200 "${lines[$((i % 4))]}" 2>/dev/null &
  wait $!
  xdotool key Return 2>/dev/null
  i=$((i + 1))
  sleep 2 &
  wait $!
done
