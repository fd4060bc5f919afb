#!/bin/bash
# AppStream 2.0 SessionTermination hook (system context, root).
#
# Runs `session-recorder end --sentinel FILE --timeout T` for the session: `end` writes the
# sentinel and waits until the recorder has drained (stopped FFmpeg, uploaded what is left,
# written the manifest and end marker) and deleted it. Returns before AppStream's 60 s limit
# even when the recorder or `end` hangs: `end` is bounded by --timeout, and killed 1 s after it.
#
# Exit codes: 0 drained; 1 no recorder was running for the session (nothing recorded, or it
# died: see its log); 2 bad usage; 3 drained but something is left in the spool; 4 the drain did
# not finish in time (or `end` had to be killed). Other codes of `end` are passed through.
set -euo pipefail
umask 077
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
SR_PROG=session-end
SELF=$(readlink -f -- "${BASH_SOURCE[0]}")
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "${SELF%/*}/lib.sh"

usage() {
  cat <<'EOF'
Usage: session-end.sh [options]
  --session-id ID     default: $AppStream_Session_ID, then /etc/profile.d/appstream_{user,system}_vars.sh
  --recorder PATH     default: /usr/local/bin/session-recorder
  --timeout SEC       how long `end` waits for the drain (default: 55; keep it under WaitingTime - 3)
  --state-dir DIR     default: /run/session-recorder
  --spool-root DIR    default: /var/spool/session-recorder
  --log-dir DIR       default: /var/log/session-recorder
  --profile-dir DIR   default: /etc/profile.d
EOF
}

session_id='' recorder=/usr/local/bin/session-recorder timeout_s=55 state_dir=/run/session-recorder
spool_root=/var/spool/session-recorder log_dir=/var/log/session-recorder profile_dir=/etc/profile.d
while (($#)); do
  case $1 in
    --session-id | --recorder | --timeout | --state-dir | --spool-root | --log-dir | --profile-dir)
      (($# >= 2)) || sr_die 2 "$1 needs a value"
      case $1 in
        --session-id) session_id=$2 ;;
        --recorder) recorder=$2 ;;
        --timeout) timeout_s=$2 ;;
        --state-dir) state_dir=$2 ;;
        --spool-root) spool_root=$2 ;;
        --log-dir) log_dir=$2 ;;
        --profile-dir) profile_dir=$2 ;;
      esac
      shift 2
      ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; sr_die 2 "unknown argument: $1" ;;
  esac
done

[[ $EUID == 0 ]] || sr_die 2 "must run as root (AppStream: \"Context\": \"system\")"
[[ $timeout_s =~ ^[0-9]{1,4}$ && $timeout_s -ge 1 ]] || sr_die 2 "--timeout must be whole seconds >= 1, got \"$timeout_s\""
[[ $recorder == /* && -x $recorder && -f $recorder ]] || sr_die 2 "--recorder must be an absolute path to an executable, got \"$recorder\""
session_id=$(sr_resolve_session_id "$session_id" "$profile_dir") ||
  sr_die 2 "no session id: pass --session-id, or run where AppStream_Session_ID is set (environment or $profile_dir/appstream_*_vars.sh)"
sr_valid_session_id "$session_id" || sr_die 2 "session id must be 1-256 characters without control characters"
safe=$(sr_safe_name "$session_id")
sess_dir=$state_dir/$safe
sentinel=$sess_dir/end
log_file=$log_dir/$safe.log

spool_report() {
  local n
  n=$(find "$spool_root" -type f -name 'seg-*' 2>/dev/null | wc -l)
  ((n == 0)) || sr_log "$n segment(s) in the spool $spool_root (\`session-recorder recover\` or the next recorder uploads them)"
}
log_tail() {
  sr_log "last lines of $log_file:"
  tail -n 15 -- "$log_file" >&2 2>/dev/null || true
}

if ! pid=$(sr_pid_alive_for "$sess_dir/pid" "$sentinel"); then
  if pid=$(sr_pid_alive_for "$sess_dir/pid" "$sess_dir/stage2.args"); then
    kill -TERM "$pid" 2>/dev/null || true
    sr_log "session $session_id ended before its display could be recorded: $(cat -- "$sess_dir/status" 2>/dev/null || echo unknown)"
  else
    sr_log "no recorder is running for session $session_id (status: $(cat -- "$sess_dir/status" 2>/dev/null || echo "never started"))"
    log_tail
  fi
  spool_report
  exit 1
fi

start=$SECONDS
rc=0
timeout -k 1 "$((timeout_s + 1))" env -i PATH="$SR_PATH" HOME=/root LANG=C.UTF-8 \
  "$recorder" end --sentinel "$sentinel" --timeout "$timeout_s" || rc=$?
case $rc in
  0 | 3)
    # The sentinel is gone: the recorder is finishing. Give it the time left to exit.
    while sr_alive "$pid" && ((SECONDS - start < timeout_s + 1)); do sleep 0.2; done
    sr_log "session $session_id drained in $((SECONDS - start))s (end exit $rc)"
    ;;
  4 | 124 | 137)
    sr_log "error: session $session_id did not finish draining within ${timeout_s}s (end exit $rc)"
    rc=4
    log_tail
    ;;
  *)
    # `end` itself failed (bad install?). The recorder also drains on SIGTERM: use the time left.
    sr_log "error: \`session-recorder end\` exited $rc; sending SIGTERM to the recorder (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    while sr_alive "$pid" && ((SECONDS - start < timeout_s + 1)); do sleep 0.2; done
    ! sr_alive "$pid" || sr_log "error: the recorder (pid $pid) is still running"
    log_tail
    ;;
esac
printf 'ended: session-end exit %s at %s\n' "$rc" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$sess_dir/status" 2>/dev/null || true
spool_report
exit "$rc"
