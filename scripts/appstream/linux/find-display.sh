#!/bin/bash
# Which X display is this user's, and can root open it? The discovery session-start.sh uses,
# as a command for troubleshooting on an image builder and for tests. Run as root.
#
#   find-display.sh --user as2-streaming-user [--display :N] [--xauth-out FILE]
#
# Prints "display=:N", "why=...", "xauthority_source=PATH" (empty when no cookie was found),
# and, with --xauth-out, "root_can_open=yes|no" after copying the cookie into FILE (0600).
# Exit codes: 0 found (and, with --xauth-out, root can open it); 2 bad usage; 5 no display;
# 6 found but root cannot open it.
set -euo pipefail
umask 077
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
SR_PROG=find-display
SELF=$(readlink -f -- "${BASH_SOURCE[0]}")
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "${SELF%/*}/lib.sh"

user='' display='' xauth_out='' proc_dir=/proc x11_dir=/tmp/.X11-unix
while (($#)); do
  case $1 in
    --user | --display | --xauth-out | --proc-dir | --x11-dir)
      (($# >= 2)) || sr_die 2 "$1 needs a value"
      case $1 in
        --user) user=$2 ;;
        --display) display=$2 ;;
        --xauth-out) xauth_out=$2 ;;
        --proc-dir) proc_dir=$2 ;;
        --x11-dir) x11_dir=$2 ;;
      esac
      shift 2
      ;;
    *) sr_die 2 "unknown argument: $1 (usage: find-display.sh --user NAME|UID [--display :N] [--xauth-out FILE] [--proc-dir DIR] [--x11-dir DIR])" ;;
  esac
done
[[ -n $user ]] || sr_die 2 "--user is required"
uid=$(sr_resolve_uid "$user") || sr_die 2 "--user $user: no such user"

if ! sr_discover_display "$uid" "$proc_dir" "$x11_dir" "$display"; then
  printf 'display=\nwhy=%s\n' "$SR_DISPLAY_WHY"
  exit 5
fi
printf 'display=%s\nwhy=%s\n' "$SR_DISPLAY" "$SR_DISPLAY_WHY"
[[ -n $xauth_out ]] || {
  # Without --xauth-out: report the first candidate that exists, copy nothing.
  for cand in "${SR_XAUTH_CANDIDATES[@]}"; do
    path=${cand#*$'\t'}
    if [[ -f $path ]]; then printf 'xauthority_source=%s\n' "$path"; exit 0; fi
  done
  printf 'xauthority_source=\n'
  exit 0
}
xa=''
if sr_copy_xauth "$SR_DISPLAY" "$xauth_out"; then xa=$xauth_out; fi
printf 'xauthority_source=%s\n' "${SR_XAUTH_SOURCE:-}"
if sr_can_open "$SR_DISPLAY" "$xa"; then
  printf 'root_can_open=yes\n'
else
  printf 'root_can_open=no\n'
  exit 6
fi
