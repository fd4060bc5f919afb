#!/bin/bash
# AppStream 2.0 SessionStart hook (system context, root) and the launcher for plain Linux desktops.
#
# Starts `session-recorder record` for one session, detached, and returns within a few seconds.
# The detached part (stage 2, this same script) waits for the user's X display, copies the
# user's X cookie into a root-only file, and execs the recorder, so the recorder keeps its pid.
# Idempotent per session: a second call while the session is recorded does nothing.
#
# Exit codes: 0 recording (or waiting for the display, or already running); 1 the recorder or
# its launcher died at once (the log tail is printed); 2 bad usage or configuration.
# Stage 2 exits 5 when no display turned up within --display-wait.
set -euo pipefail
umask 077
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
SR_PROG=session-start
SELF=$(readlink -f -- "${BASH_SOURCE[0]}")
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "${SELF%/*}/lib.sh"

usage() {
  cat <<'EOF'
Usage: session-start.sh [options] [-- extra recorder arguments]
  --session-id ID      session to record (default: $AppStream_Session_ID, then the
                       AppStream_Session_ID in /etc/profile.d/appstream_{user,system}_vars.sh)
  --unix-user NAME|UID the streaming user's account, whose display is recorded
                       (default: as2-streaming-user; not the recorder's --user, the AppStream name)
  --display :N         record this display instead of discovering the user's
  --recorder PATH      the recorder command (default: /usr/local/bin/session-recorder)
  --env-file FILE      KEY=VALUE lines for the recorder's environment, read as data, root-owned
                       (default: /etc/session-recorder/recorder.env if it exists)
  --state-dir DIR      per-session sentinel ("end"), pid, status, X cookie: the recorder's
                       --run-dir (default: /run/session-recorder)
  --spool-root DIR     the recorder's --spool-dir, shared by all sessions so `recover` finds
                       what any of them left (default: /var/spool/session-recorder)
  --log-dir DIR        per-session recorder logs (default: /var/log/session-recorder)
  --launcher MODE      auto | unit | systemd-run | setsid (default: auto)
  --display-wait SEC   how long stage 2 waits for the display (default: 120)
  --confirm-seconds S  how long this hook watches the launch before returning (default: 3)
  --profile-dir DIR    where the AppStream *_vars.sh files are (default: /etc/profile.d)
  --proc-dir DIR, --x11-dir DIR   for tests (default: /proc, /tmp/.X11-unix)
EOF
}

session_id='' user=as2-streaming-user display='' recorder=/usr/local/bin/session-recorder
env_file='' env_file_given=0 state_dir=/run/session-recorder spool_root=/var/spool/session-recorder
log_dir=/var/log/session-recorder launcher=auto display_wait=120 confirm=3
profile_dir=/etc/profile.d proc_dir=/proc x11_dir=/tmp/.X11-unix stage2_file=''
setenv=() extra=()

parse_args() {
  while (($#)); do
    case $1 in
      --session-id | --unix-user | --display | --recorder | --env-file | --state-dir | --spool-root | \
        --log-dir | --launcher | --display-wait | --confirm-seconds | --profile-dir | --proc-dir | \
        --x11-dir | --setenv | --stage2)
        (($# >= 2)) || sr_die 2 "$1 needs a value"
        case $1 in
          --session-id) session_id=$2 ;;
          --unix-user) user=$2 ;;
          --display) display=$2 ;;
          --recorder) recorder=$2 ;;
          --env-file) env_file=$2 env_file_given=1 ;;
          --state-dir) state_dir=$2 ;;
          --spool-root) spool_root=$2 ;;
          --log-dir) log_dir=$2 ;;
          --launcher) launcher=$2 ;;
          --display-wait) display_wait=$2 ;;
          --confirm-seconds) confirm=$2 ;;
          --profile-dir) profile_dir=$2 ;;
          --proc-dir) proc_dir=$2 ;;
          --x11-dir) x11_dir=$2 ;;
          --setenv) setenv+=("$2") ;;
          --stage2) stage2_file=$2 ;;
        esac
        shift 2
        ;;
      -h | --help) usage; exit 0 ;;
      --) shift; extra=("$@"); break ;;
      *) usage >&2; sr_die 2 "unknown argument: $1" ;;
    esac
  done
}

# KEY=VALUE lines, '#' comments, optional matching quotes around VALUE. Never sourced.
read_env_file() {
  local line key value
  [[ -f $1 && ! -L $1 && $(stat -c %u -- "$1") == 0 ]] || sr_die 2 "--env-file $1: expected a regular file owned by root"
  (((8#$(stat -c %a -- "$1") & 8#022) == 0)) || sr_die 2 "--env-file $1 is writable by group or others; expected mode 0600 or 0644"
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line%$'\r'}
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    [[ $line =~ ^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] ||
      sr_die 2 "--env-file $1: expected KEY=VALUE, got: $line"
    key=${BASH_REMATCH[2]} value=${BASH_REMATCH[3]}
    if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then value=${BASH_REMATCH[1]}; fi
    setenv+=("$key=$value")
  done <"$1"
}

validate() {
  [[ $launcher =~ ^(auto|unit|systemd-run|setsid)$ ]] || sr_die 2 "--launcher must be auto, unit, systemd-run or setsid, got \"$launcher\""
  [[ $display_wait =~ ^[0-9]{1,5}$ ]] || sr_die 2 "--display-wait must be whole seconds, got \"$display_wait\""
  [[ $confirm =~ ^[0-9]{1,2}$ ]] || sr_die 2 "--confirm-seconds must be whole seconds (0-99), got \"$confirm\""
  [[ -z $display ]] || sr_display_number "$display" >/dev/null || sr_die 2 "--display must be a local display like :0, got \"$display\""
  [[ $recorder == /* && $recorder != *=* && -x $recorder && -f $recorder ]] ||
    sr_die 2 "--recorder must be an absolute path to an executable file (no '='), got \"$recorder\""
  (((8#$(stat -L -c %a -- "$recorder") & 8#022) == 0)) || sr_die 2 "--recorder $recorder is writable by group or others"
  local d
  for d in "$state_dir" "$spool_root" "$log_dir"; do [[ $d == /* ]] || sr_die 2 "directories must be absolute paths, got \"$d\""; done
  uid=$(sr_resolve_uid "$user") || sr_die 2 "--unix-user $user: no such user"
}

resolve_session() {
  session_id=$(sr_resolve_session_id "$session_id" "$profile_dir") ||
    sr_die 2 "no session id: pass --session-id, or run where AppStream_Session_ID is set (environment or $profile_dir/appstream_*_vars.sh)"
  sr_valid_session_id "$session_id" || sr_die 2 "session id must be 1-256 characters without control characters"
  safe=$(sr_safe_name "$session_id")
  sess_dir=$state_dir/$safe
  sentinel=$sess_dir/end
  args_file=$sess_dir/stage2.args
  pid_file=$sess_dir/pid
  status_file=$sess_dir/status
  log_file=$log_dir/$safe.log
}

set_status() { printf '%s\n' "$*" >"$status_file.tmp" && mv -f -- "$status_file.tmp" "$status_file"; }

# ---------------------------------------------------------------- stage 2 (detached)
stage2() {
  exec </dev/null >>"$log_file" 2>&1
  cd /
  printf '%s\n' "$$" >"$pid_file"
  local deadline=$((SECONDS + display_wait)) why='' last='' xa=''
  sr_log "session $session_id: waiting up to ${display_wait}s for the display of uid $uid"
  while :; do
    if sr_discover_display "$uid" "$proc_dir" "$x11_dir" "$display"; then
      xa=''
      if sr_copy_xauth "$SR_DISPLAY" "$sess_dir/Xauthority"; then xa=$sess_dir/Xauthority; fi
      sr_can_open "$SR_DISPLAY" "$xa" && break
      why="root cannot open $SR_DISPLAY (cookie from: ${SR_XAUTH_SOURCE:-no candidate had one}; candidates: ${#SR_XAUTH_CANDIDATES[@]})"
    else
      why=$SR_DISPLAY_WHY
    fi
    ((SECONDS < deadline)) || { set_status "failed: $why"; sr_die 5 "session $session_id: gave up after ${display_wait}s: $why"; }
    if [[ $why != "$last" ]]; then sr_log "waiting: $why"; set_status "waiting: $why"; last=$why; fi
    sleep 0.5
  done
  sr_log "session $session_id: display $SR_DISPLAY ($SR_DISPLAY_WHY), cookie from ${SR_XAUTH_SOURCE:-nowhere (none needed)}"
  local envv=(PATH="$SR_PATH" HOME=/root LANG=C.UTF-8 DISPLAY="$SR_DISPLAY")
  [[ -z $xa ]] || envv+=(XAUTHORITY="$xa")
  envv+=("${setenv[@]}")
  local argv=("$recorder" record --display "$SR_DISPLAY" --session-id "$session_id" --spool-dir "$spool_root"
    --run-dir "$state_dir" --sentinel "$sentinel" "${extra[@]}")
  set_status "recording $SR_DISPLAY"
  sr_log "exec: ${argv[*]}"
  # The environment is built in this shell and inherited through exec. `env -i KEY=value ...`
  # would put every value (credentials from the env file) on a command line, which any local
  # user can read in /proc/<pid>/cmdline.
  local name kv
  for name in $(compgen -e); do unset -v "$name" 2>/dev/null || true; done
  for kv in "${envv[@]}"; do export "${kv?}"; done
  exec "${argv[@]}"
}

# ---------------------------------------------------------------- stage 1 (the hook)
pick_launcher() {
  [[ $launcher == auto ]] || return 0
  if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; then
    if systemctl cat session-recorder@.service >/dev/null 2>&1; then launcher=unit; else launcher=systemd-run; fi
  else
    launcher=setsid
  fi
}

running_pid() {
  sr_pid_alive_for "$pid_file" "$sentinel" || sr_pid_alive_for "$pid_file" "$args_file"
}

write_args_file() {
  local a=(--session-id "$session_id" --unix-user "$uid" --recorder "$recorder" --state-dir "$state_dir"
    --spool-root "$spool_root" --log-dir "$log_dir" --display-wait "$display_wait"
    --proc-dir "$proc_dir" --x11-dir "$x11_dir")
  [[ -z $display ]] || a+=(--display "$display")
  local kv
  for kv in "${setenv[@]}"; do a+=(--setenv "$kv"); done
  a+=(-- "${extra[@]}")
  printf '%s\0' "${a[@]}" >"$args_file.tmp" && mv -f -- "$args_file.tmp" "$args_file"
}

stage1() {
  local name unit='' pid='' rc=0
  for d in "$state_dir" "$sess_dir" "$spool_root" "$log_dir"; do
    sr_make_private_dir "$d" || sr_die 2 "cannot make $d a root-only (0700) directory"
  done
  if ((env_file_given)); then
    read_env_file "$env_file"
  elif [[ -e /etc/session-recorder/recorder.env ]]; then
    read_env_file /etc/session-recorder/recorder.env
  fi
  # The machine context AppStream gives this hook, for the recorder's metadata.
  for name in $(compgen -e); do
    [[ $name == AppStream_* ]] && setenv+=("$name=${!name}")
  done

  exec 9>"$sess_dir/hook.lock"
  flock -w 10 9 || sr_die 1 "another hook for session $session_id holds $sess_dir/hook.lock"
  if pid=$(running_pid); then
    sr_log "session $session_id is already being recorded (pid $pid): nothing to do"
    exit 0
  fi
  pick_launcher
  case $launcher in
    unit) unit=session-recorder@$safe.service ;;
    systemd-run) unit=session-recorder-$safe.service ;;
  esac
  if [[ -n $unit ]] && systemctl is-active --quiet "$unit"; then
    sr_log "session $session_id is already being recorded ($unit): nothing to do"
    exit 0
  fi
  rm -f -- "$sentinel" "$status_file" "$pid_file" "$sess_dir/Xauthority"
  write_args_file
  set_status "launching ($launcher)"

  case $launcher in
    setsid)
      setsid "$BASH" "$SELF" --stage2 "$args_file" </dev/null >>"$log_file" 2>&1 9>&- &
      pid=$!
      printf '%s\n' "$pid" >"$pid_file"
      ;;
    systemd-run)
      systemctl reset-failed "$unit" >/dev/null 2>&1 || true
      systemd-run --unit="$unit" --description="session-recorder for session $safe" \
        --property=KillSignal=SIGTERM --property=KillMode=mixed --property=TimeoutStopSec=60 \
        -- "$BASH" "$SELF" --stage2 "$args_file" >/dev/null 9>&- ||
        sr_die 1 "systemd-run could not start $unit"
      ;;
    unit)
      systemctl reset-failed "$unit" >/dev/null 2>&1 || true
      systemctl start "$unit" 9>&- || sr_die 1 "systemctl could not start $unit"
      ;;
  esac

  # Watch the launch for a moment: a recorder that dies at once (bad config) is reported here,
  # where the admin looks, instead of only in its log.
  local deadline=$((SECONDS + confirm)) dead=0
  while ((SECONDS < deadline)); do
    if [[ $launcher == setsid ]]; then
      sr_alive "$pid" || { dead=1; wait "$pid" || rc=$?; break; }
    else
      systemctl is-active --quiet "$unit" || [[ $(systemctl is-active "$unit" 2>/dev/null) == activating ]] || { dead=1; break; }
    fi
    sleep 0.2
  done
  if ((dead)); then
    sr_log "error: the recorder for session $session_id exited at once${rc:+ (code $rc)}; last lines of $log_file:"
    tail -n 15 -- "$log_file" >&2 2>/dev/null || true
    exit 1
  fi
  sr_log "session $session_id: $(cat -- "$status_file" 2>/dev/null || echo launched) [launcher $launcher${unit:+ $unit}${pid:+ pid $pid}, log $log_file]"
}

parse_args "$@"
if [[ -n $stage2_file ]]; then
  # Stage 2 takes its arguments only from the root-only file stage 1 wrote.
  [[ -f $stage2_file && ! -L $stage2_file && $(stat -c %u -- "$stage2_file") == 0 ]] || sr_die 2 "--stage2 $stage2_file is not a root-owned file"
  sr_read_nul "$stage2_file"
  parse_args "${SR_NUL[@]}"
  validate
  resolve_session
  stage2
fi
[[ $EUID == 0 ]] || sr_die 2 "must run as root (AppStream: \"Context\": \"system\")"
validate
resolve_session
stage1
