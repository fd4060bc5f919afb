# shellcheck shell=bash
# shellcheck disable=SC2034 # SR_* results are set here and read by the scripts that source this
# Functions shared by session-start.sh, session-end.sh and find-display.sh. Sourced, never run.
#
# Everything that comes from the streaming user (their processes' environment, files they own) is
# data: it is matched against strict patterns, never evaluated, read with the user's own rights
# where it is a file, and passed on as single argv entries. Needs bash >= 4.2 (Amazon Linux 2).

SR_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

sr_log() { printf '%s %s[%d]: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${SR_PROG:-session-recorder-hook}" "$$" "$*" >&2; }
sr_die() { local code=$1; shift; sr_log "error: $*"; exit "$code"; }

# A name safe for paths and systemd unit names. Ids outside [A-Za-z0-9_-] (no dot) become
# "x." + a hash, so a hashed name can never equal a plain one.
sr_safe_name() {
  if [[ $1 =~ ^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$ ]]; then
    printf '%s\n' "$1"
  else
    printf 'x.%s\n' "$(printf '%s' "$1" | sha256sum | cut -c1-32)"
  fi
}

# Session ids are passed to the recorder as one argv entry (it sanitizes them for S3 keys), but
# control characters or absurd lengths mean something is wrong: refuse them here.
sr_valid_session_id() { [[ -n $1 && ${#1} -le 256 && ! $1 =~ [[:cntrl:]] ]]; }

# sr_read_var_file FILE NAME: the value of NAME in a profile.d-style file of `export NAME=value`
# lines (AppStream's /etc/profile.d/appstream_*_vars.sh), read as data: never sourced. Only
# root-owned regular files (no symbolic link) of at most 64 KiB are trusted: the same checks as
# the recorder's readRootOwnedFile. Prints the value, or returns 1.
sr_read_var_file() {
  local file=$1 name=$2 line value
  [[ -f $file && ! -L $file && $(stat -c %u -- "$file" 2>/dev/null) == 0 ]] || return 1
  (($(stat -c %s -- "$file" 2>/dev/null || echo 65537) <= 65536)) || return 1
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line#"${line%%[![:space:]]*}"}
    [[ $line == export[[:space:]]* ]] && line=${line#export} && line=${line#"${line%%[![:space:]]*}"}
    [[ $line == "$name="* ]] || continue
    value=${line#"$name="}
    value=${value%$'\r'}
    if [[ $value =~ ^\"(.*)\"[[:space:]]*$ || $value =~ ^\'(.*)\'[[:space:]]*$ ]]; then
      value=${BASH_REMATCH[1]}
    fi
    printf '%s\n' "$value"
    return 0
  done <"$file"
  return 1
}

# sr_resolve_session_id FLAG_VALUE PROFILE_DIR: the flag, else AppStream_Session_ID from the
# hook's environment (set by the AppStream agent), else from the AppStream profile.d files.
sr_resolve_session_id() {
  local flag=$1 dir=$2 f v
  if [[ -n $flag ]]; then printf '%s\n' "$flag"; return 0; fi
  if [[ -n ${AppStream_Session_ID:-} ]]; then printf '%s\n' "$AppStream_Session_ID"; return 0; fi
  for f in "$dir/appstream_user_vars.sh" "$dir/appstream_system_vars.sh"; do
    if v=$(sr_read_var_file "$f" AppStream_Session_ID) && [[ -n $v ]]; then printf '%s\n' "$v"; return 0; fi
  done
  return 1
}

# sr_resolve_uid NAME_OR_UID: prints the numeric uid.
sr_resolve_uid() {
  if [[ $1 =~ ^[0-9]{1,10}$ ]]; then printf '%s\n' "$1"; else id -u -- "$1" 2>/dev/null; fi
}

# Local displays only (":N" or ":N.S"): a remote "host:N" could be a screen the user controls.
sr_display_number() {
  [[ $1 =~ ^:([0-9]{1,5})(\.[0-9]{1,3})?$ ]] || return 1
  printf '%s\n' "$((10#${BASH_REMATCH[1]}))"
}

# sr_read_nul FILE: the NUL-separated entries of FILE into the array SR_NUL (bash 4.2: no mapfile -d).
sr_read_nul() {
  SR_NUL=()
  local entry
  while IFS= read -r -d '' entry; do SR_NUL+=("$entry"); done 2>/dev/null <"$1"
}

# sr_discover_display UID PROC_DIR X11_DIR [DISPLAY]
# Finds the X display of the user UID and the Xauthority files that may open it, from the
# environment (DISPLAY, XAUTHORITY) of the user's processes and the command lines of X servers
# (":N ... -auth FILE"). Only displays whose socket X11_DIR/X<N> exists count. The display most
# referenced by the user's processes wins, the lowest number on a tie; DISPLAY forces one.
# Sets SR_DISPLAY (":N"), SR_XAUTH_CANDIDATES (array of "OWNER_UID<TAB>PATH") and SR_DISPLAY_WHY.
sr_discover_display() {
  local uid=$1 proc=$2 x11=$3 want=${4:-}
  local piddir owner entry disp xa num i base sdisp sauth best='' bestv=0 home
  local -A votes=() envauth=() srvauth=()
  SR_DISPLAY='' SR_XAUTH_CANDIDATES=() SR_DISPLAY_WHY=''
  for piddir in "$proc"/[0-9]*; do
    owner=$(stat -c %u -- "$piddir" 2>/dev/null) || continue
    [[ $owner == "$uid" || $owner == 0 ]] || continue
    if [[ $owner == "$uid" ]]; then
      disp='' xa=''
      sr_read_nul "$piddir/environ"
      for entry in "${SR_NUL[@]}"; do
        case $entry in
          DISPLAY=*) disp=${entry#DISPLAY=} ;;
          XAUTHORITY=*) xa=${entry#XAUTHORITY=} ;;
        esac
      done
      if num=$(sr_display_number "$disp") && [[ -S $x11/X$num ]]; then
        votes[$num]=$((${votes[$num]:-0} + 1))
        [[ $xa == /* && $xa != *$'\n'* ]] && envauth[$num]+="$xa"$'\n'
      fi
    fi
    sr_read_nul "$piddir/cmdline"
    [[ ${#SR_NUL[@]} -gt 0 ]] || continue
    base=${SR_NUL[0]##*/}
    case $base in X | Xorg | Xvfb | Xvnc | Xtigervnc | Xdcv | Xwayland) ;; *) continue ;; esac
    sdisp='' sauth=''
    for ((i = 1; i < ${#SR_NUL[@]}; i++)); do
      case ${SR_NUL[i]} in
        :[0-9]*) sdisp=${SR_NUL[i]} ;;
        -auth) sauth=${SR_NUL[i + 1]:-} ;;
      esac
    done
    if ! num=$(sr_display_number "$sdisp") || [[ ! -S $x11/X$num ]]; then continue; fi
    [[ $owner == "$uid" ]] && votes[$num]=$((${votes[$num]:-0} + 1))
    [[ $sauth == /* && $sauth != *$'\n'* ]] && srvauth[$num]+="$owner"$'\t'"$sauth"$'\n'
  done

  if [[ -n $want ]]; then
    num=$(sr_display_number "$want") || { SR_DISPLAY_WHY="--display $want is not a local display (:N)"; return 1; }
    [[ -S $x11/X$num ]] || { SR_DISPLAY_WHY="no X socket $x11/X$num for --display $want"; return 1; }
    best=$num
    SR_DISPLAY_WHY="given by --display"
  else
    for num in "${!votes[@]}"; do
      if ((votes[$num] > bestv || (votes[$num] == bestv && num < best))); then best=$num bestv=${votes[$num]}; fi
    done
    [[ -n $best ]] || { SR_DISPLAY_WHY="no process of uid $uid refers to a local display with a socket in $x11"; return 1; }
    SR_DISPLAY_WHY="referenced by $bestv process(es) of uid $uid (candidates: ${!votes[*]})"
  fi
  SR_DISPLAY=:$best
  while IFS= read -r xa; do [[ -n $xa ]] && SR_XAUTH_CANDIDATES+=("$uid"$'\t'"$xa"); done <<<"${envauth[$best]:-}"
  while IFS= read -r entry; do [[ -n $entry ]] && SR_XAUTH_CANDIDATES+=("$entry"); done <<<"${srvauth[$best]:-}"
  home=$(getent passwd "$uid" | cut -d: -f6)
  [[ $home == /* ]] && SR_XAUTH_CANDIDATES+=("$uid"$'\t'"$home/.Xauthority")
  return 0
}

# sr_copy_xauth DISPLAY OUT: copies the cookies for DISPLAY from the first candidate that has one
# into OUT (root-only), so the recorder never reads a file the user can change. A candidate owned
# by the user is read with the user's own rights (setpriv), so a path planted in the user's
# environment can never make root read something the user could not. Sets SR_XAUTH_SOURCE.
sr_copy_xauth() {
  local display=$1 out=$2 cand owner path tmp
  SR_XAUTH_SOURCE=''
  tmp=$(mktemp "${out}.XXXXXX") || return 1
  for cand in "${SR_XAUTH_CANDIDATES[@]}"; do
    owner=${cand%%$'\t'*} path=${cand#*$'\t'}
    [[ -f $path && ! -L $path && $(stat -c %u -- "$path" 2>/dev/null) == "$owner" ]] || continue
    if [[ $owner == 0 ]]; then
      head -c 1048576 -- "$path" >"$tmp" 2>/dev/null || continue
    else
      setpriv --reuid="$owner" --regid=65534 --clear-groups -- head -c 1048576 -- "$path" >"$tmp" 2>/dev/null || continue
    fi
    rm -f -- "$out"
    if xauth -i -q -f "$tmp" nlist "$display" 2>/dev/null | xauth -i -q -f "$out" nmerge - 2>/dev/null && [[ -s $out ]]; then
      SR_XAUTH_SOURCE=$path
      break
    fi
  done
  rm -f -- "$tmp" "${tmp}-c" "${tmp}-l"
  [[ -n $SR_XAUTH_SOURCE ]] || { rm -f -- "$out"; return 1; }
  chmod 0600 -- "$out"
}

# sr_can_open DISPLAY [XAUTHORITY]: can root open the display? True when xdpyinfo is missing
# (nothing to check with: the recorder will say it).
sr_can_open() {
  command -v xdpyinfo >/dev/null 2>&1 || return 0
  if [[ -n ${2:-} ]]; then
    timeout 5 env -i PATH="$SR_PATH" DISPLAY="$1" XAUTHORITY="$2" xdpyinfo >/dev/null 2>&1
  else
    timeout 5 env -i PATH="$SR_PATH" DISPLAY="$1" XAUTHORITY=/dev/null xdpyinfo >/dev/null 2>&1
  fi
}

# sr_pid_alive_for PIDFILE MARKER: true (and prints the pid) when PIDFILE names a live process
# whose command line contains the argv entry MARKER (a path unique to the session), so a reused
# pid is never mistaken for the recorder.
sr_pid_alive_for() {
  local pid arg
  [[ -f $1 ]] || return 1
  read -r pid <"$1" 2>/dev/null || return 1
  [[ $pid =~ ^[0-9]+$ && -d /proc/$pid ]] || return 1
  sr_read_nul "/proc/$pid/cmdline"
  for arg in "${SR_NUL[@]}"; do
    if [[ $arg == "$2" ]]; then printf '%s\n' "$pid"; return 0; fi
  done
  return 1
}

# sr_alive PID: the process exists and is not a zombie (an exited child stays a zombie until reaped).
sr_alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

# sr_check_private_dir DIR: DIR exists, is owned by root and nobody else can write to it.
sr_check_private_dir() {
  local perm
  [[ -d $1 && ! -L $1 && $(stat -c %u -- "$1") == 0 ]] || return 1
  perm=$(stat -c %a -- "$1")
  (((8#$perm & 8#022) == 0))
}

# sr_make_private_dir DIR: creates DIR (and missing parents) owned by root, mode 0700.
sr_make_private_dir() {
  [[ ! -L $1 ]] || return 1
  install -d -m 0700 -o root -g root -- "$1" 2>/dev/null || mkdir -p -- "$1" || return 1
  chmod 0700 -- "$1" && sr_check_private_dir "$1"
}
