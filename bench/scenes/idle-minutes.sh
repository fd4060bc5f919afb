#!/usr/bin/env bash
# Idle scene without a second hand (issue 16): the idle scene (idle.sh) with its clock updated once a
# minute (xclock drops the second hand at -update 30 or more), like a taskbar clock showing minutes.
# It tells what the idle scene's keyframes and its clock each cost. Same needs and stop as idle.sh.
IDLE_CLOCK_UPDATE=60 exec bash "$(dirname "$0")/idle.sh"
